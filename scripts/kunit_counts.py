#!/usr/bin/env python3
"""Count test cases in the JSON that 'kunit.py parse --json' writes.

Prints "<passed> <failed> <skipped> <suite-skipped>" where the last is the number of skipped cases
in the suites named on the command line (the series' own suites must not skip at -smp 4).
"""
import json
import sys


def walk(group, counts, suites, in_suite):
    in_suite = in_suite or group.get('name') in suites
    for case in group.get('test_cases', []):
        status = case.get('status', 'FAIL')
        key = {'PASS': 'passed', 'SKIP': 'skipped'}.get(status, 'failed')
        counts[key] += 1
        if in_suite and status == 'SKIP':
            counts['suite_skipped'] += 1
        if in_suite:
            counts['suite_cases'] += 1
    for sub in group.get('sub_groups', []):
        walk(sub, counts, suites, in_suite)


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    suites = set(sys.argv[2:])
    counts = dict(passed=0, failed=0, skipped=0, suite_skipped=0, suite_cases=0)
    walk(data, counts, suites, False)
    print(counts['passed'], counts['failed'], counts['skipped'], counts['suite_skipped'],
          counts['suite_cases'])


if __name__ == '__main__':
    main()
