#!/usr/bin/env bash
# Context switch benchmark on the running kernel, measured the way the 2024 hazard pointer RFC
# measured will-it-scale's context_switch1: for each task count, 3 runs; a run is 20 one-second
# samples after an uncounted warm-up, averaged; the median of the runs' averages is reported.
# Standalone: needs bash, a C compiler and coreutils/awk; runs on any Linux host. Boot the base
# and the patched kernel in turn, run this on each, then scripts/baremetal-compare.sh.
# See docs/baremetal.md.
#
#   scripts/baremetal-bench.sh [OPTIONS]
#
#   --tasks LIST    comma-separated task (pair) counts; default: 1, the powers of two up to
#                   nr_cpus, nr_cpus, and 96 and 192 when nr_cpus allows
#   --modes LIST    cs-threads, cs-procs or both, comma-separated (default: cs-threads)
#   --iters N       one-second samples per run (default 20)
#   --warmup N      uncounted seconds before each run's samples (default 2)
#   --runs N        runs per task count (default 3)
#   --out DIR       output directory (default ./results-baremetal)
#   --core-first    pin pair i to the i-th CPU of a core-first list (one SMT thread of every core,
#                   then the second ones...), as will-it-scale does by default; without it pair i
#                   runs on CPU i (the same on most x86 machines, not on POWER)
#   --cc CC         C compiler (default: gcc)
#   --force         overwrite this kernel's earlier results in DIR
#   -h, --help      this text
#
# Writes, named after `uname -r` (KREL):
#   DIR/KREL.csv     kernel,mode,tasks,run1,...,runN,median (ops/s; one op = one round trip)
#   DIR/KREL.txt     header: command line, uname -a, nr_cpus, CPU, governor, kernel command
#                    line, load, compiler, the kernel's lazy TLB config lines
#   DIR/KREL.config  the kernel config, when /proc/config.gz or /boot/config-KREL exists
#   DIR/KREL.log     every line the benchmark printed
#   DIR/bench        the benchmark binary (built from guest/bench.c)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/../guest/bench.c

die() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

tasks='' modes=cs-threads iters=20 warmup=2 runs=3 out=./results-baremetal cc=gcc force=0 order=()
cmdline=$(printf '%q ' "$0" "$@")
while [ $# -gt 0 ]; do
	case "$1" in
	--tasks) tasks=${2:?--tasks needs a list}; shift 2 ;;
	--modes) modes=${2:?--modes needs a list}; shift 2 ;;
	--iters) iters=${2:?--iters needs a number}; shift 2 ;;
	--warmup) warmup=${2:?--warmup needs a number}; shift 2 ;;
	--runs) runs=${2:?--runs needs a number}; shift 2 ;;
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	--cc) cc=${2:?--cc needs a compiler}; shift 2 ;;
	--core-first) order=(-c); shift ;;
	--force) force=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done

# A decimal number >= the minimum $2 (default 0).
isnum() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "${2:-0}" ]; }
isnum "$iters" 1 || die "--iters must be a number >= 1"
isnum "$warmup" || die "--warmup must be a number >= 0"
isnum "$runs" 1 || die "--runs must be a number >= 1"
IFS=, read -r -a mode_list <<<"$modes"
for m in "${mode_list[@]}"; do
	case "$m" in
	cs-threads | cs-procs) ;;
	*) die "unknown mode '$m' (cs-threads, cs-procs)" ;;
	esac
done
[ -f "$SRC" ] || die "no $SRC (run this script from a checkout of the project)"
command -v "$cc" >/dev/null || die "compiler '$cc' not found (install gcc, or --cc CC)"

nr_cpus=$(nproc)
if [ -z "$tasks" ]; then
	list=(1 "$nr_cpus")
	for ((p = 2; p <= nr_cpus; p *= 2)); do list+=("$p"); done
	for p in 96 192; do [ "$p" -le "$nr_cpus" ] && list+=("$p"); done
	tasks=$(printf '%s\n' "${list[@]}" | sort -n -u | paste -s -d, -)
fi
IFS=, read -r -a task_list <<<"$tasks"
for t in "${task_list[@]}"; do
	isnum "$t" 1 || die "bad task count '$t' in --tasks"
	[ "$t" -le "$nr_cpus" ] ||
		echo "warning: $t tasks > $nr_cpus CPUs: pairs share CPUs (pair i on CPU i % $nr_cpus)" >&2
done

krel=$(uname -r)
mkdir -p "$out"
csv=$out/$krel.csv hdr=$out/$krel.txt log=$out/$krel.log cfg=$out/$krel.config bin=$out/bench
if [ -e "$csv" ] && [ "$force" != 1 ]; then
	die "$csv exists (results of this kernel); use --force to overwrite, or another --out"
fi
rm -f "$csv" "$hdr" "$log" "$cfg"

# The benchmark: static if the C library allows, else dynamic.
link=static
if ! "$cc" -static -O2 -pthread -Wall -Wextra -o "$bin" "$SRC" 2>"$out/build.log"; then
	link=dynamic
	"$cc" -O2 -pthread -Wall -Wextra -o "$bin" "$SRC" 2>>"$out/build.log" ||
		die "cannot build $SRC with $cc; see $out/build.log"
fi

# The header: everything that identifies the machine and the kernel.
governors() {
	local f
	f=(/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor)
	if [ -e "${f[0]}" ]; then
		cat "${f[@]}" | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " } END { print "" }'
	else
		echo "none (no cpufreq)"
	fi
}
boost() {
	if [ -r /sys/devices/system/cpu/intel_pstate/no_turbo ]; then
		echo "intel_pstate no_turbo=$(cat /sys/devices/system/cpu/intel_pstate/no_turbo)"
	elif [ -r /sys/devices/system/cpu/cpufreq/boost ]; then
		echo "cpufreq boost=$(cat /sys/devices/system/cpu/cpufreq/boost)"
	else
		echo unknown
	fi
}
cpu_model() {
	awk -F': *' '/^(model name|cpu)[ \t]*:/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true
}
config_src=
if [ -r /proc/config.gz ]; then
	config_src=/proc/config.gz
	zcat /proc/config.gz >"$cfg"
elif [ -r "/boot/config-$krel" ]; then
	config_src=/boot/config-$krel
	cp "/boot/config-$krel" "$cfg"
fi
{
	echo "command: $cmdline"
	echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "uname -a: $(uname -a)"
	echo "nr_cpus: $nr_cpus (nproc; online: $(cat /sys/devices/system/cpu/online 2>/dev/null || echo '?'))"
	echo "cpu: $(cpu_model)"
	echo "smt: $(cat /sys/devices/system/cpu/smt/control 2>/dev/null || echo unknown)"
	echo "cpufreq governor: $(governors)"
	echo "boost: $(boost)"
	echo "kernel command line: $(cat /proc/cmdline)"
	echo "load average at start: $(cat /proc/loadavg)"
	echo "compiler: $("$cc" --version | head -n 1) ($link)"
	echo "modes: ${mode_list[*]}"
	echo "tasks: ${task_list[*]}"
	echo "cpu order: $([ ${#order[@]} -gt 0 ] && echo core-first || echo 'linux (pair i on CPU i)')"
	echo "iters: $iters  warmup: $warmup s  runs: $runs"
	if grep -qwE "hp_scan|hp_scan_mask" /proc/kallsyms 2>/dev/null; then
		echo "hazard pointer series: present (hp_scan or hp_scan_mask in /proc/kallsyms)"
	else
		echo "hazard pointer series: absent (no hp_scan nor hp_scan_mask in /proc/kallsyms)"
	fi
	if [ -n "$config_src" ]; then
		echo "kernel config: $config_src, copied to $(basename "$cfg")"
		grep -E '^(# )?CONFIG_(MMU_LAZY_TLB[A-Z_]*|DEBUG_HP|PREEMPT[A-Z_]*|HZ|NR_CPUS|NO_HZ[A-Z_]*)[ =]' \
			"$cfg" | sed 's/^/    /' || true
	else
		echo "kernel config: not found (no /proc/config.gz, no /boot/config-$krel)"
	fi
} >"$hdr"

# One run: the average of its per-second samples.
run_avg() {
	local mode=$1 t=$2 outp
	outp=$("$bin" ${order[@]+"${order[@]}"} -s "$iters" -w "$warmup" "$mode" "$t") || {
		printf '%s\n' "$outp" >>"$log"
		die "$bin $mode $t failed; see $log"
	}
	printf '%s\n' "$outp" >>"$log"
	printf '%s\n' "$outp" | awk -v n="$iters" '
		/^SAMPLE / { for (i = 2; i <= NF; i++) if ($i ~ /^ops=/) { s += substr($i, 5); k++ } }
		END { if (k != n) exit 1; printf "%.1f\n", s / k }' ||
		die "$bin $mode $t printed no $iters SAMPLE lines; see $log"
}

median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR % 2) printf "%.1f\n", v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

head=kernel,mode,tasks
for ((r = 1; r <= runs; r++)); do head+=,run$r; done
echo "$head,median" >"$csv"
total=$(( ${#mode_list[@]} * ${#task_list[@]} * runs * (iters + warmup) ))
echo "==> $krel: ${mode_list[*]} x tasks ${task_list[*]} x $runs runs, about $total s; writing $csv" >&2
for mode in "${mode_list[@]}"; do
	for t in "${task_list[@]}"; do
		avgs=()
		for ((r = 1; r <= runs; r++)); do
			a=$(run_avg "$mode" "$t")
			avgs+=("$a")
			echo "    $mode tasks=$t run $r/$runs: $a ops/s" >&2
		done
		med=$(median "${avgs[@]}")
		(IFS=,; echo "$krel,$mode,$t,${avgs[*]},$med") >>"$csv"
	done
done
echo "load average at end: $(cat /proc/loadavg)" >>"$hdr"
echo "==> done: $csv ($hdr)" >&2
