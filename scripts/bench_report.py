#!/usr/bin/env python3
"""Turn the A/B benchmark boots of scripts/bench.sh into tables, CSV and gnuplot data.

Input: results/bench/runs.csv (arch,variant,smp,side,pair,mode,tasks,ops_per_sec) and
results/bench/ipis.csv (arch,variant,smp,side,pair,row,per_exit). Output, in the same folder:
ratios.csv, ipis-summary.csv, tables.md and the .dat files that scripts/bench.sh plots.

A ratio is median(series) / median(base) over the pairs; the spread is the range of the
per-pair ratios (pair i = base boot i and series boot i, run back to back).
"""
import collections
import csv
import os
import statistics
import sys


def median(xs):
    return statistics.median(xs) if xs else float('nan')


def load(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    out = sys.argv[1]
    runs = load(os.path.join(out, 'runs.csv'))
    ipis = load(os.path.join(out, 'ipis.csv'))
    # (variant, smp, mode, tasks) -> side -> pair -> ops/s
    val = collections.defaultdict(lambda: collections.defaultdict(dict))
    for r in runs:
        if r['mode'] == 'exit-ipis':    # paced by sleeps: only its interrupt counts matter
            continue
        key = (r['variant'], int(r['smp']), r['mode'], int(r['tasks']))
        val[key][r['side']][int(r['pair'])] = float(r['ops_per_sec'])
    rows = []
    for key in sorted(val):
        base, hp = val[key].get('base', {}), val[key].get('hp', {})
        pairs = sorted(set(base) & set(hp))
        if not pairs:
            continue
        pr = [hp[p] / base[p] for p in pairs if base[p] > 0]
        mb, mh = median([base[p] for p in pairs]), median([hp[p] for p in pairs])
        rows.append(dict(variant=key[0], smp=key[1], mode=key[2], tasks=key[3], n=len(pairs),
                         base_median=mb, base_min=min(base[p] for p in pairs),
                         base_max=max(base[p] for p in pairs), hp_median=mh,
                         hp_min=min(hp[p] for p in pairs), hp_max=max(hp[p] for p in pairs),
                         ratio=mh / mb if mb else float('nan'),
                         ratio_min=min(pr) if pr else float('nan'),
                         ratio_max=max(pr) if pr else float('nan')))
    fields = ['variant', 'smp', 'mode', 'tasks', 'n', 'base_median', 'base_min', 'base_max',
              'hp_median', 'hp_min', 'hp_max', 'ratio', 'ratio_min', 'ratio_max']
    with open(os.path.join(out, 'ratios.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: (f'{v:.4f}' if isinstance(v, float) else v) for k, v in r.items()})

    # IPIs per exit: (variant, smp, row) -> side -> [per pair]
    ip = collections.defaultdict(lambda: collections.defaultdict(list))
    for r in ipis:
        # The IPI rows: x86 CAL (function calls), RES (reschedule), TLB (shootdowns); ppc64 IPI.
        if not any(k in r['row'] for k in ('CAL', 'RES', 'TLB', 'IPI')):
            continue
        ip[(r['variant'], int(r['smp']), r['row'])][r['side']].append(float(r['per_exit']))
    irows = []
    for key in sorted(ip):
        b, h = ip[key].get('base', []), ip[key].get('hp', [])
        irows.append(dict(variant=key[0], smp=key[1], row=key[2], n=min(len(b), len(h)),
                          n_base=len(b), n_hp=len(h),
                          base_median=median(b), base_min=min(b, default=float('nan')),
                          base_max=max(b, default=float('nan')), hp_median=median(h),
                          hp_min=min(h, default=float('nan')), hp_max=max(h, default=float('nan'))))
    # n: boots of the kernel with fewer; n_base and n_hp (appended last, so that readers of the first
    # ten columns keep working): boots of each.
    ifields = ['variant', 'smp', 'row', 'n', 'base_median', 'base_min', 'base_max', 'hp_median',
               'hp_min', 'hp_max', 'n_base', 'n_hp']
    with open(os.path.join(out, 'ipis-summary.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=ifields)
        w.writeheader()
        for r in irows:
            w.writerow({k: (f'{v:.2f}' if isinstance(v, float) else v) for k, v in r.items()})

    md = []
    md.append('| kernel | vCPUs | benchmark | tasks | base median (min-max) | series median (min-max) '
              '| ratio | per-pair ratio range | pairs |')
    md.append('|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        md.append(f"| {r['variant']} | {r['smp']} | {r['mode']} | {r['tasks']} | "
                  f"{r['base_median']:.0f} ({r['base_min']:.0f}-{r['base_max']:.0f}) | "
                  f"{r['hp_median']:.0f} ({r['hp_min']:.0f}-{r['hp_max']:.0f}) | "
                  f"**{r['ratio']:.3f}** | {r['ratio_min']:.3f}-{r['ratio_max']:.3f} | {r['n']} |")
    md.append('')
    md.append('IPIs per process exit (IPI rows of /proc/interrupts, summed over CPUs, divided by the '
              'number of exits; each exit leaves the mm lazy on every CPU):')
    md.append('')
    md.append('| kernel | vCPUs | row | base median (min-max) | series median (min-max) | boots (base, series) |')
    md.append('|---|---|---|---|---|---|')
    for r in irows:
        md.append(f"| {r['variant']} | {r['smp']} | {r['row']} | {r['base_median']:.2f} "
                  f"({r['base_min']:.2f}-{r['base_max']:.2f}) | {r['hp_median']:.2f} "
                  f"({r['hp_min']:.2f}-{r['hp_max']:.2f}) | {r['n_base']}, {r['n_hp']} |")
    with open(os.path.join(out, 'tables.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')

    # gnuplot data: context switch ratio vs tasks, one file per (variant, smp, mode);
    # fork+exit cost (us per fork+exit per worker) vs vCPUs per variant and side.
    for r in rows:
        if r['mode'].startswith('cs-'):
            name = f"cs-{r['variant']}-smp{r['smp']}-{r['mode']}.dat"
            with open(os.path.join(out, name), 'a') as f:
                f.write(f"{r['tasks']} {r['ratio']:.4f} {r['ratio_min']:.4f} {r['ratio_max']:.4f}\n")
        if r['mode'] == 'fork-exit':
            name = f"fork-{r['variant']}.dat"
            with open(os.path.join(out, name), 'a') as f:
                # ops/s over all workers (one per vCPU): us per fork+exit as seen by one worker.
                cb = r['smp'] * 1e6 / r['base_median'] if r['base_median'] else float('nan')
                ch = r['smp'] * 1e6 / r['hp_median'] if r['hp_median'] else float('nan')
                f.write(f"{r['smp']} {cb:.2f} {ch:.2f} {r['ratio']:.4f} {r['ratio_min']:.4f} "
                        f"{r['ratio_max']:.4f}\n")
    for r in irows:
        name = f"ipis-{r['variant']}-{r['row'].replace('/', '_')}.dat"
        with open(os.path.join(out, name), 'a') as f:
            f.write(f"{r['smp']} {r['base_median']:.2f} {r['hp_median']:.2f}\n")
    print('\n'.join(md))


if __name__ == '__main__':
    main()
