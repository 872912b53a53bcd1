#!/usr/bin/env bash
# Compare two scripts/baremetal-bench.sh results: A (base kernel) and B (patched kernel).
#
#   scripts/baremetal-compare.sh [-o RATIO.csv] A.csv B.csv
#
# Prints one row per (mode, tasks) present in both files, in A's order: tasks, A's median,
# B's median, and the ratio B/A (> 1: the patched kernel does more round trips per second).
# Writes the same rows as CSV, mode,tasks,base_median,patched_median,ratio, to RATIO.csv
# (default: ratio-<A>-vs-<B>.csv beside B), the input of scripts/plot.sh. Rows in only one
# file are named on stderr. Standalone: bash and awk.
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

ratio_csv=
while [ $# -gt 0 ]; do
	case "$1" in
	-o) ratio_csv=${2:?-o needs a file}; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; die "unknown option '$1'" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { usage >&2; exit 2; }
a=$1 b=$2
for f in "$a" "$b"; do
	[ -r "$f" ] || die "cannot read $f"
	head -n 1 "$f" | grep -q '^kernel,mode,tasks,.*,median$' ||
		die "$f is not a baremetal-bench.sh CSV (header kernel,mode,tasks,run1,...,median)"
done
[ -n "$ratio_csv" ] ||
	ratio_csv=$(dirname "$b")/ratio-$(basename "$a" .csv)-vs-$(basename "$b" .csv).csv

awk -F, -v out="$ratio_csv" '
	FNR == 1 { file++; next }
	file == 1 {
		key = $2 "," $3
		if (!(key in base)) order[++n] = key
		base[key] = $NF; kbase = $1
		next
	}
	{
		key = $2 "," $3
		patched[key] = $NF; kpatched = $1
		if (!(key in base)) printf "note: %s tasks=%s only in B\n", $2, $3 > "/dev/stderr"
	}
	END {
		printf "base (A):    %s\npatched (B): %s\n\n", kbase, kpatched
		printf "%-12s %6s %16s %16s %8s\n", "mode", "tasks", "base_median", "patched_median", "ratio"
		print "mode,tasks,base_median,patched_median,ratio" > out
		for (i = 1; i <= n; i++) {
			key = order[i]
			split(key, k, ",")
			if (!(key in patched)) {
				printf "note: %s tasks=%s only in A\n", k[1], k[2] > "/dev/stderr"
				continue
			}
			r = base[key] > 0 ? patched[key] / base[key] : 0
			printf "%-12s %6d %16.1f %16.1f %8.3f\n", k[1], k[2], base[key], patched[key], r
			printf "%s,%d,%.1f,%.1f,%.4f\n", k[1], k[2], base[key], patched[key], r > out
		}
	}' "$a" "$b"
echo "wrote $ratio_csv" >&2
