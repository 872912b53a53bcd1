#!/usr/bin/env bash
# A/B benchmarks under qemu: the unpatched base against the series, built from the same small
# configuration (configs/bench.kunitconfig + configs/qemu_<arch>-bench.py, no debug options),
# booted into guest/bench.c as /init. Base and series boots are interleaved (A B A B ...), one pair
# per configuration per round, BENCH_PAIRS rounds (default 5).
#
#   bench.sh build                 the four kernels (x86_64, ppc64; base and series) + guest
#   bench.sh run [VARIANT...]      the rounds (default variants: x86_64 ppc64-radix); raw console
#                                  logs in results/bench/raw/, rows appended to runs.csv / ipis.csv
#   bench.sh report                tables.md, ratios.csv, ipis-summary.csv and plots from the CSVs
#   bench.sh smoke VARIANT         every mode once, briefly, on the series' test kernel (x86_64 or
#                                  ppc64-radix; part of make check; no numbers are kept)
#   bench.sh images VARIANT SMP ROUNDS RUNS OUTDIR [LABEL=]IMAGE...
#                                  interleaved boots of any bench kernel images (e.g. the series at
#                                  two commits), medians per image (see images() below);
#                                  IMAGES_ICOUNT=1: under -icount, as icount does (1 s
#                                  measurements whatever BENCH_SECS says); IMAGES_CONCURRENT=1:
#                                  the images of a round boot at the same time instead of one
#                                  after the other (with ACCEL=tcg,thread=single each qemu keeps
#                                  one host core busy: two images share a slow host alike);
#                                  IMAGES_ALTERNATE=1: reverse the boot order in even rounds
#   bench.sh images-ratios OUTDIR[,OUTDIR...] BASE SERIES
#                                  per-round ratios of an images run (ratios.txt) and per row their
#                                  median, range and geometric mean with a 95% confidence interval;
#                                  several runs (comma-separated) are pooled
#   bench.sh icount [VARIANT...]   fork+exit at -smp 2 and context switch (one pair) at -smp 1 of
#                                  base and series under qemu's instruction count clock (-icount):
#                                  guest time is emulated instructions, so the rate measures path
#                                  length, whatever else the host runs (see icount())
#   bench.sh scale [VARIANT:SMP...] exit cost against vCPUs, single-threaded TCG (default x86_64 at
#                                  2, 8, 16, 64 and ppc64-radix at 2, 16, 64 vCPUs), then scale-report
#   bench.sh holders [VARIANT:SMP...] which functions send and take the IPIs of an exit, counted
#                                  by the function profiler on -trace kernels (see holders())
#   bench.sh holders-report        holders.csv, holders.md from the holders-* directories
#   bench.sh pairs                 many interleaved pairs of the x86_64 rows a few pairs cannot
#                                  resolve: fork+exit at 2 vCPUs, context switch at 4 (see pairs())
#   bench.sh scancost [VARIANT:SMP...] the path length of __mmdrop() and of its scan against vCPUs,
#                                  -trace kernels under -icount (see scancost())
#   bench.sh scancost-report       scancost.csv, scancost.md from the scancost-* directories
#   bench.sh icount-scale [VARIANT:SMP...] fork+exit and IPIs per exit at many vCPUs under the
#                                  instruction count clock (default: 8, 16, 32, 64 on x86_64 and
#                                  ppc64 radix), then scale-report
#   bench.sh scale-report          scale.csv, scale-fork.csv, scale.md, scale-ipis-VARIANT.png,
#                                  scale-fork-VARIANT.png (wall clock) and
#                                  scale-fork-icount-VARIANT.png: IPIs per exit and fork+exit against
#                                  vCPUs, from the scale-*, icount-*-smp* directories and
#                                  ipis-summary.csv
#
# What each boot runs (vCPUs: runs), the same on both kernels:
#   2, 4        context_switch1 equivalents (threads, processes; 1..vCPUs pairs), fork+exit,
#               fork+exec, exit-ipis (process exits that leave the mm lazy on every CPU)
#   BENCH_SCALE_X86 (default "8"), BENCH_SCALE_PPC (default none): fork+exit and exit-ipis only,
#               for exit cost vs CPU count
# Knobs: BENCH_PAIRS=5 BENCH_SECS=3 (measured seconds per measurement), BENCH_SCALE_X86/PPC,
# BENCH_APPEND=1 (add rounds to the existing results instead of starting anew).
source "$(dirname "$0")/lib.sh"

OUT=${BENCH_OUT:-$RESULTS/bench}	# BENCH_OUT: elsewhere, e.g. for a trial run
PAIRS=${BENCH_PAIRS:-5}
SECS=${BENCH_SECS:-3}
# Extra vCPU counts for the exit cost, per arch (TCG boots get slow with many vCPUs on 2 cores: an
# x86_64 boot at -smp 64 took 148 s here).
SCALE_x86_64=${BENCH_SCALE_X86-8}
SCALE_ppc64=${BENCH_SCALE_PPC-}
# Extra qemu arguments of images(), and console lines that make one of its boots fail besides
# the usual splats, and extra kernel parameters (icount() sets them).
IMAGES_QEMU=()
IMAGES_BAD_RE=${IMAGES_BAD_RE-}
IMAGES_APPEND=${IMAGES_APPEND-}

build() {
	local side arch
	for side in base hp; do
		for arch in x86_64 ppc64; do
			"$TOP/scripts/kunit.sh" build "$arch-bench" "${side/hp/}"
		done
	done
	for arch in x86_64 ppc64; do
		guest "$arch"
	done
}

# guest ARCH: an initramfs whose /init is the benchmark.
guest() {
	local arch=$1 out=$BUILD/guest/$1 cc
	case "$arch" in
	x86_64) cc=gcc ;;
	ppc64) cc=powerpc64-linux-gnu-gcc ;;
	esac
	need "$cc"
	mkdir -p "$out"
	[ -x "$BUILD/guest/gen_init_cpio" ] ||
		gcc -O2 -o "$BUILD/guest/gen_init_cpio" "$TREE/usr/gen_init_cpio.c" ||
		die "cannot build the kernel's usr/gen_init_cpio"
	# Written under a name of this process and renamed, so that concurrent callers (icount() runs
	# variants of one arch side by side) never boot a half-written initramfs.
	local tmp=.$BASHPID
	"$cc" -static -O2 -pthread -Wall -Wextra -o "$out/bench$tmp" "$TOP/guest/bench.c" ||
		die "cannot build guest/bench.c for $arch (run 'make setup' for the static libc)"
	printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
		"file /init $out/bench$tmp 0755 0 0" >"$out/bench.list$tmp"
	"$BUILD/guest/gen_init_cpio" "$out/bench.list$tmp" >"$out/bench.cpio$tmp" ||
		die "cannot write the $arch benchmark initramfs"
	mv -f "$out/bench$tmp" "$out/bench" && mv -f "$out/bench.list$tmp" "$out/bench.list" &&
		mv -f "$out/bench.cpio$tmp" "$out/bench.cpio" || die "cannot install the $arch benchmark initramfs"
}

# runs_for SMP: the bench.runs value of a boot with SMP vCPUs.
runs_for() {
	local smp=$1 t=1 list=1
	case "$smp" in
	2 | 4)
		while [ $((t * 2)) -le "$smp" ]; do t=$((t * 2)); list=$list,$t; done
		echo "cs-threads:$list;cs-procs:$list;fork-exit;fork-exec;exit-ipis:100" ;;
	*) echo "fork-exit;exit-ipis:50" ;;
	esac
}

# boot VARIANT SMP SIDE LOG: one benchmark boot; fails unless it ends with "BENCH: done errors=0".
boot() {
	local variant=$1 smp=$2 side=$3 log=$4 name arch image
	name=${variant%-radix}
	arch=${name%%-*}
	arch_vars "$arch"
	image=$(kdir "$arch-bench" "$side")/$K_IMAGE
	[ -f "$image" ] || die "no kernel at $image; run 'scripts/bench.sh build'"
	[ -f "$BUILD/guest/$arch/bench.cpio" ] || guest "$arch"
	QEMU_EXTRA=(-initrd "$BUILD/guest/$arch/bench.cpio")
	qemu_boot "$variant" "$image" "rdinit=/init kunit.enable=0 panic=-1 oops=panic bench.secs=$SECS \
bench.runs=$(runs_for "$smp")" "$log" "$smp" || { QEMU_EXTRA=(); return 1; }
	QEMU_EXTRA=()
	grep -aq '^BENCH: done errors=0' "$log" || { echo "error: $variant $side smp $smp: see $log" >&2; return 1; }
	no_splats "$variant-$side" "$log"
}

# collect VARIANT SMP SIDE PAIR LOG: append the results of one boot to runs.csv and ipis.csv.
collect() {
	local variant=$1 smp=$2 side=$3 pair=$4 log=$5 arch=${1%%-*}
	awk -v p="$arch,$variant,$smp,$side,$pair" '$1 == "BENCH" && $2 ~ /^mode=/ {
			for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			print p "," f["mode"] "," f["tasks"] "," f["ops_per_sec"] }' "$log" >>"$OUT/runs.csv"
	awk -v p="$arch,$variant,$smp,$side,$pair" '
		$1 == "IRQSUM" && $2 == "before" { b[$3] = $4 }
		$1 == "IRQSUM" && $2 == "after" { a[$3] = $4 }
		$1 == "BENCH" && $2 == "mode=exit-ipis" { split($3, t, "="); n = t[2]
			for (r in a) if (a[r] - b[r] > 0) printf "%s,%s,%.3f\n", p, r, (a[r] - b[r]) / n
			delete a; delete b }' "$log" >>"$OUT/ipis.csv"
}

run() {
	local variants=("$@") round v smp side log t0 fails=0
	[ ${#variants[@]} -gt 0 ] || variants=(x86_64 ppc64-radix)
	# A new set of results, unless BENCH_APPEND=1 (more rounds of the same kernels).
	[ -n "${BENCH_APPEND:-}" ] || rm -rf "$OUT/raw" "$OUT/runs.csv" "$OUT/ipis.csv" "$OUT/commands.txt"
	mkdir -p "$OUT/raw"
	[ -f "$OUT/runs.csv" ] || echo "arch,variant,smp,side,pair,mode,tasks,ops_per_sec" >"$OUT/runs.csv"
	[ -f "$OUT/ipis.csv" ] || echo "arch,variant,smp,side,pair,row,per_exit" >"$OUT/ipis.csv"
	# Later runs append with new pair numbers.
	local first
	first=$(awk -F, 'NR > 1 && $5 > m { m = $5 } END { print m + 1 }' "$OUT/runs.csv")
	t0=$(now)
	for ((round = first; round < first + PAIRS; round++)); do
		for v in "${variants[@]}"; do
			local scale=SCALE_${v%%-*}
			for smp in 2 4 ${!scale}; do
				for side in base hp; do
					log=$OUT/raw/$v-smp$smp-$side-$round.log
					step "bench round $round/$((first + PAIRS - 1)): $v -smp $smp $side ($(($(now) - t0)) s)"
					if boot "$v" "$smp" "$side" "$log"; then
						collect "$v" "$smp" "$side" "$round" "$log"
					else
						fails=$((fails + 1))
					fi
				done
			done
		done
	done
	{
		echo "# bench.sh run ${variants[*]}: BENCH_PAIRS=$PAIRS BENCH_SECS=$SECS BENCH_SCALE_X86=\"$SCALE_x86_64\" BENCH_SCALE_PPC=\"$SCALE_ppc64\""
		echo "# $(date -u +%FT%TZ), $(nproc) host CPUs, qemu $ACCEL, base $(tgit rev-parse --short base), series $(tgit rev-parse --short work)"
	} >>"$OUT/commands.txt"
	# The kernels' configurations, and how base and series differ.
	mkdir -p "$OUT/configs"
	local arch
	for arch in x86_64 ppc64; do
		for side in base hp; do
			cp "$(kdir "$arch-bench" "$side")/.config" "$OUT/configs/$arch-$side.config" 2>/dev/null || true
		done
		diff "$OUT/configs/$arch-base.config" "$OUT/configs/$arch-hp.config" |
			grep '^[<>] CONFIG' >"$OUT/configs/$arch.diff" || true
	done
	echo "bench: $(($(now) - t0)) s, $fails failed boot(s)"
	[ "$fails" = 0 ]
}

report() {
	[ -f "$OUT/runs.csv" ] || die "no results yet; run 'scripts/bench.sh run'"
	rm -f "$OUT"/*.dat
	python3 "$TOP/scripts/bench_report.py" "$OUT"
	if compgen -G "$OUT/scale-*-smp*/summary.txt" >/dev/null || compgen -G "$OUT/icount-*-smp*/summary.txt" >/dev/null; then
		scale_report >/dev/null
		{ echo; cat "$OUT/scale.md"; } >>"$OUT/tables.md"
	fi
	if compgen -G "$OUT/holders-*-smp*/summary.txt" >/dev/null; then
		holders_report >/dev/null
		{ echo; cat "$OUT/holders.md"; } >>"$OUT/tables.md"
	fi
	if [ -f "$OUT/icount.csv" ]; then
		{
			echo
			echo "### Path length: rates under the instruction count clock (bench.sh icount)"
			echo
			echo "| variant | vCPUs | benchmark | pairs | base ops/s | series ops/s | ratio | ratio range |"
			echo "|---|---|---|---|---|---|---|---|"
			awk -F, 'NR > 1 && !/^#/ { printf "| %s | %s | %s | %s | %s | %s | %.3f | %.3f-%.3f |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$OUT/icount.csv"
		} >>"$OUT/tables.md"
	fi
	need gnuplot
	local f
	for f in "$OUT"/cs-*.dat; do
		[ -f "$f" ] || continue
		gnuplot -e "set terminal pngcairo size 640,400; set output '${f%.dat}.png';
			set title '$(basename "${f%.dat}") (series / base, median of pairs)';
			set xlabel 'pairs of tasks'; set ylabel 'ops/s ratio'; set yrange [0.8:1.2]; set grid;
			plot '$f' using 1:2:3:4 with yerrorlines title 'ratio (range of per-pair ratios)', 1 notitle" ||
			die "gnuplot failed on $f"
	done
	for f in "$OUT"/fork-*.dat; do
		[ -f "$f" ] || continue
		gnuplot -e "set terminal pngcairo size 640,400; set output '${f%.dat}.png';
			set title '$(basename "${f%.dat}"): fork+exit cost per worker vs vCPUs';
			set xlabel 'vCPUs (one worker each)'; set ylabel 'us per fork+exit'; set logscale x 2; set grid;
			plot '$f' using 1:2 with linespoints title 'base', '' using 1:3 with linespoints title 'series'" ||
			die "gnuplot failed on $f"
	done
	for f in "$OUT"/ipis-*.dat; do
		[ -f "$f" ] || continue
		gnuplot -e "set terminal pngcairo size 640,400; set output '${f%.dat}.png';
			set title '$(basename "${f%.dat}") per process exit';
			set xlabel 'vCPUs'; set ylabel 'interrupts per exit'; set logscale x 2; set grid;
			plot '$f' using 1:2 with linespoints title 'base', '' using 1:3 with linespoints title 'series'" ||
			die "gnuplot failed on $f"
	done
}

# smoke VARIANT: make check runs every mode once, briefly, on the test kernel (KASAN/lockdep on
# x86_64); nothing is measured, a failure or a splat fails.
smoke() {
	local variant=$1 name arch log image
	name=${variant%-radix}
	arch=${name%%-*}
	arch_vars "$arch"
	log=$BUILD/logs/bench-smoke-$variant.log
	mkdir -p "$BUILD/logs"
	guest "$arch"
	image=$(kdir "$name" hp)/$K_IMAGE
	[ -f "$image" ] || die "no kernel at $image; run 'scripts/kunit.sh build $name'"
	QEMU_EXTRA=(-initrd "$BUILD/guest/$arch/bench.cpio")
	qemu_boot "$variant" "$image" "rdinit=/init kunit.enable=0 panic=-1 oops=panic bench.secs=1 bench.warmup=0 \
bench.runs=cs-threads:1,2;cs-procs:1,2;fork-exit;fork-exec;exit-ipis:10" "$log" 2 || { QEMU_EXTRA=(); return 1; }
	QEMU_EXTRA=()
	grep -aq '^BENCH: done errors=0' "$log" || { echo "error: bench smoke failed; see $log" >&2; return 1; }
	[ "$(grep -ac '^BENCH mode=' "$log")" = 7 ] ||
		{ echo "error: bench smoke: not every mode reported; see $log" >&2; return 1; }
	no_splats "bench-smoke-$variant" "$log"
}

# images VARIANT SMP ROUNDS RUNS OUTDIR IMAGE...: interleave any kernel images built from the bench
# configuration (for example the series at two commits, copied out of build/kunit-<arch>-bench),
# ROUNDS boots of each with bench.runs=RUNS; OUTDIR gets the console logs, results.txt (one line
# per measurement) and summary.txt (median, min, max per image and mode; IPI rows per exit when
# RUNS has exit-ipis, and calls per exit of the functions of bench.profile= in IMAGES_APPEND).
# images_parse NAME ROUND LOG: the results.txt lines of one boot's console log.
images_parse() {
	# Console lines end in CR LF.
	# A PROFILE line with a fourth field (nanoseconds in the calls) also gives the guest time
	# per call: row ns:MODE:FUNC.
	awk -v k="$1" -v r="$2" '{ sub(/\r$/, "") }
		$1 == "IRQSUM" { v[$2 " " $3] = $4; if ($2 == "after") rows[$3] = 1 }
		$1 == "PROFILE" && $3 != "absent" { calls[$2] = $3; if (NF >= 4) ns[$2] = $4 }
		$1 == "BENCH" && $2 ~ /^mode=/ {
			delete f
			for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			# Pinned fork-* workers are a row of their own (fork-exit,pin).
			if (f["pin"] == 1) f["mode"] = f["mode"] ",pin"
			# The task count is a fifth field: a context switch row is MODE:TASKS (see images_row).
			print k, r, f["mode"], f["ops_per_sec"], f["tasks"]
			for (x in ns) if (calls[x] > 0) print k, r, "ns:" f["mode"] ":" x, ns[x] / calls[x]
			if (f["mode"] == "exit-ipis") {
				for (x in rows) if (v["after " x] - v["before " x] > 0)
					print k, r, "ipis:" x, (v["after " x] - v["before " x]) / f["tasks"]
				for (x in calls) print k, r, "calls:" x, calls[x] / f["tasks"]
			}
			delete rows; delete calls; delete ns }' "$3"
}

# images_row: the awk expression naming the row of a results.txt line: the mode, and for context
# switch modes, whose runs differ in their number of pairs, MODE:TASKS (older results.txt files
# have no task field).
# shellcheck disable=SC2016 # awk code, expanded by awk
images_row='($3 ~ /^cs-/ && NF >= 5 ? $3 ":" $5 : $3)'

# images_summary OUTDIR: summary.txt (median, min, max per image and row) from results.txt.
images_summary() {
	sort -k1,1 -k3,3 -k5,5n -k4,4g "$1/results.txt" | awk '
		{ key = $1 " " '"$images_row"'; v[key, ++n[key]] = $4 }
		END { for (k in n) { c = n[k]; m = (c % 2) ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2
			printf "%s n=%d median=%.2f min=%s max=%s\n", k, c, m, v[k, 1], v[k, c] } }' |
		sort -k2,2 -k1,1 >"$1/summary.txt"
}

# images_reparse OUTDIR: results.txt and summary.txt again from the console logs of the boots that
# worked (after a change to images_parse); the header lines of summary.txt are kept.
images_reparse() {
	local out=$1 log n r hdr
	[ -f "$out/summary.txt" ] || die "no $out/summary.txt"
	hdr=$(grep '^#' "$out/summary.txt" || true)
	: >"$out/results.txt"
	for log in "$out"/*-[0-9]*.log; do
		n=$(basename "$log" .log) r=${n##*-} n=${n%-*}
		! grep -qx "$n $r FAILED" "$out/failed.txt" 2>/dev/null || continue
		images_parse "$n" "$r" "$log" >>"$out/results.txt"
	done
	images_summary "$out"
	echo "$hdr" >>"$out/summary.txt"
}

# images_ratios OUTDIR BASE SERIES: per-round ratios SERIES/BASE of every row in OUTDIR/results.txt
# (rounds where both kernels gave the row) to OUTDIR/ratios.txt, and per row the ratio of the
# medians, the median and range of the per-round ratios, and their geometric mean with a 95%
# confidence interval (t distribution of the log ratios; the pairs are independent boots).
# OUTDIR may be a comma-separated list of images runs: their rounds are pooled (round numbers
# become 1000 * the run's place in the list + its round) and the ratios go to build/tmp instead.
images_ratios() {
	local outs=$1 a=$2 b=$3 out dirs files=() ratios
	IFS=, read -r -a dirs <<<"$outs"
	for out in "${dirs[@]}"; do
		[ -s "$out/results.txt" ] || die "no $out/results.txt"
		files+=("$out/results.txt")
	done
	ratios=$out/ratios.txt
	[ "${#dirs[@]}" = 1 ] || { mkdir -p "$BUILD/tmp"; ratios=$BUILD/tmp/pooled-ratios.txt; }
	awk -v a="$a" -v b="$b" '
		FNR == 1 { run++ }
		{ $2 = ('"${#dirs[@]}"' > 1 ? run * 1000 : 0) + $2 }
		$1 == a { va['"$images_row"', $2] = $4 }
		$1 == b { vb['"$images_row"', $2] = $4 }
		END { for (k in va) if (k in vb) { split(k, p, SUBSEP); printf "%s %d %s %s %.4f\n", p[1], p[2], va[k], vb[k], vb[k] / va[k] } }' \
		"${files[@]}" | sort -k1,1 -k2,2n >"$ratios"
	[ -s "$ratios" ] || die "no round in ${files[*]} has both $a and $b"
	echo "| row | pairs | $a median | $b median | ratio of medians | per-pair ratios: median (min-max) | geometric mean [95% CI] | pairs below 1.0 | sign test p, Wilcoxon p |"
	echo "|---|---|---|---|---|---|---|---|---|"
	local row
	for row in $(cut -d' ' -f1 "$ratios" | sort -u); do
		awk -v row="$row" '
			function med(x, n,   i, j, t) {
				for (i = 2; i <= n; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
				return (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
			# Two-sided 95% t quantiles for 1-30 degrees of freedom; above 30 that of the next lower of 30, 60
			# and 120 degrees (a slightly wider interval).
			function tq(df) { split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 2.145 2.131 2.120 2.110 2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 2.052 2.048 2.045 2.042", q, " ")
				return df <= 30 ? q[df] : (df <= 60 ? 2.042 : (df <= 120 ? 2.000 : 1.980)) }
			# Two-sided sign test of the pairs below and above 1.0 (exact binomial).
			function signp(k, n,   i, t, lc) { t = 0
				for (i = 0; i <= k; i++) { lc = lgam(n + 1) - lgam(i + 1) - lgam(n - i + 1); t += exp(lc - n * log(2)) }
				return (2 * t > 1) ? 1 : 2 * t }
			function lgam(x,   t) { t = 0; while (x > 1) { x--; t += log(x) } return t }
			# Two-sided Wilcoxon signed-rank test of the log ratios (normal approximation, mean ranks
			# for ties, pairs at exactly 1.0 left out).
			function wilcoxp(   i, j, t, m, w, mu, sd, z) { m = 0
				for (i = 1; i <= n; i++) if (r[i] != 1) { m++; d[m] = log(r[i]); a[m] = d[m] < 0 ? -d[m] : d[m] }
				if (m == 0) return 1
				for (i = 1; i <= m; i++) { t = 0; j = 0
					for (k = 1; k <= m; k++) { if (a[k] < a[i]) t++; else if (a[k] == a[i]) j++ }
					rk[i] = t + (j + 1) / 2 }
				w = 0; for (i = 1; i <= m; i++) if (d[i] > 0) w += rk[i]
				mu = m * (m + 1) / 4; sd = sqrt(m * (m + 1) * (2 * m + 1) / 24); z = (w - mu) / sd
				if (z < 0) z = -z
				return erfc(z / sqrt(2)) }
			# erfc, Numerical Recipes erfcc (fractional error below 1.2e-7).
			function erfc(x,   t, y) { t = 1 / (1 + 0.5 * x)
				y = t * exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
				return y }
			$1 == row { n++; x[n] = $3; y[n] = $4; r[n] = $5; l = log($5); s += l; ss += l * l
				if ($5 < 1) below++; else if ($5 > 1) above++
				if (n == 1 || $5 < lo) lo = $5; if (n == 1 || $5 > hi) hi = $5 }
			END { ma = med(x, n); mb = med(y, n); wp = wilcoxp(); mr = med(r, n); m = s / n
				ci = "-"
				if (n > 1) { sd = sqrt((ss - n * m * m) / (n - 1)); h = tq(n - 1) * sd / sqrt(n)
					ci = sprintf("[%.3f, %.3f]", exp(m - h), exp(m + h)) }
				k = below < above ? below : above
				printf "| %s | %d | %.1f | %.1f | %.3f | %.3f (%.3f-%.3f) | %.3f %s | %d | %.2f, %.2f |\n", row, n, ma, mb, mb / ma, mr, lo, hi, exp(m), ci, below, signp(k, below + above), wp }' "$ratios"
	done
}

# images_boot VARIANT SMP RUNS NAME IMAGE LOG: one boot of images(); fails on a failed boot, a
# benchmark error, a splat or an IMAGES_BAD_RE line.
images_boot() {
	local variant=$1 smp=$2 runs=$3 n=$4 img=$5 log=$6
	qemu_boot "$variant" "$img" "rdinit=/init kunit.enable=0 panic=-1 oops=panic bench.secs=$SECS \
bench.runs=$runs${IMAGES_APPEND:+ $IMAGES_APPEND}" "$log" "$smp" || return 1
	grep -aq '^BENCH: done errors=0' "$log" || return 1
	no_splats "$n" "$log" || return 1
	[ -z "$IMAGES_BAD_RE" ] || ! grep -aE "$IMAGES_BAD_RE" "$log" >&2
}

images() {
	local variant=$1 smp=$2 rounds=$3 runs=$4 out=$5 arch img r log n fails=0
	shift 5
	[ $# -gt 0 ] || die "usage: bench.sh images VARIANT SMP ROUNDS RUNS OUTDIR [LABEL=]IMAGE..."
	arch=${variant%%-*}
	arch_vars "$arch"
	guest "$arch"
	for img in "$@"; do
		[ -f "${img#*=}" ] || die "no kernel image ${img#*=}"
	done
	mkdir -p "$out"
	# IMAGES_FIRST_ROUND > 1 adds rounds to an earlier call's results.
	local first=${IMAGES_FIRST_ROUND:-1} hdr=
	if [ "$first" = 1 ]; then
		# Nothing of an earlier run may pass for this one's (images_reparse reads every log).
		: >"$out/results.txt"
		rm -f "$out/failed.txt" "$out/summary.txt" "$out"/*-[0-9]*.log
	else
		# The earlier calls' header lines say how their rounds ran; images_summary rewrites the file.
		hdr=$(grep '^#' "$out/summary.txt" 2>/dev/null || true)
	fi
	QEMU_EXTRA=(-initrd "$BUILD/guest/$arch/bench.cpio" "${IMAGES_QEMU[@]}")
	local names=() imgs=() pids=() order=() i
	for img in "$@"; do
		# LABEL=IMAGE names the image in the results; by default its file name.
		if [[ $img == *=* ]]; then names+=("${img%%=*}") imgs+=("${img#*=}"); else names+=("$(basename "$img")") imgs+=("$img"); fi
	done
	for ((r = first; r < first + rounds; r++)); do
		if [ "${IMAGES_CONCURRENT:-0}" = 1 ]; then
			# All images of the round at once, each qemu on a host thread of its own.
			step "bench images round $r/$((first + rounds - 1)): ${names[*]}, concurrently"
			pids=()
			for i in "${!imgs[@]}"; do
				images_boot "$variant" "$smp" "$runs" "${names[$i]}" "${imgs[$i]}" "$out/${names[$i]}-$r.log" &
				pids+=($!)
			done
		fi
		order=("${!imgs[@]}")
		# IMAGES_ALTERNATE=1 boots the images in reverse order in even rounds (A B, B A, ...), so
		# that a drift of the host within a round falls on both kernels alike.
		if [ "${IMAGES_ALTERNATE:-0}" = 1 ] && [ $((r % 2)) = 0 ]; then
			order=()
			for ((i = ${#imgs[@]} - 1; i >= 0; i--)); do order+=("$i"); done
		fi
		for i in "${order[@]}"; do
			n=${names[$i]} log=$out/${names[$i]}-$r.log
			if [ "${IMAGES_CONCURRENT:-0}" = 1 ]; then
				wait "${pids[$i]}"
			else
				step "bench images round $r/$((first + rounds - 1)): $n"
				images_boot "$variant" "$smp" "$runs" "$n" "${imgs[$i]}" "$log"
			fi || {
				# A failed boot is reported and counted, and adds no numbers.
				echo "error: $n round $r failed; see $log" >&2
				echo "$n $r FAILED" >>"$out/failed.txt"
				fails=$((fails + 1))
				continue
			}
			images_parse "$n" "$r" "$log" >>"$out/results.txt"
		done
	done
	QEMU_EXTRA=()
	images_summary "$out"
	local how=interleaved
	[ "${IMAGES_CONCURRENT:-0}" = 1 ] && how="concurrent (IMAGES_CONCURRENT=1)"
	[ "${IMAGES_ALTERNATE:-0}" = 1 ] && how="interleaved, order reversed in even rounds (IMAGES_ALTERNATE=1)"
	{
		[ -z "$hdr" ] || echo "$hdr"
		echo "# bench.sh images $variant $smp $rounds '$runs' ${*//$TOP\//}"
		echo "# rounds $first-$((first + rounds - 1)) of this call, $how; BENCH_SECS=$SECS, qemu -accel $ACCEL ${IMAGES_QEMU[*]}, $(date -u +%FT%TZ), $fails failed boot(s) in this call"
	} >>"$out/summary.txt"
	cat "$out/summary.txt"
	[ "$fails" = 0 ]
}

# icount [VARIANT...]: fork+exit at -smp 2, base and series interleaved, under qemu's instruction
# count clock with a fixed rate (1 ns per instruction) and idle time skipped (sleep=off). Guest
# seconds then count emulated instructions, so the rate measures the path length of fork+exit on
# each kernel, free of the host noise that makes TCG wall-clock rates swing by 25-50% from boot to
# boot on 2 host cores (and the two arches can run side by side). What it cannot see: cache misses,
# contended atomics, TLB refills, the real cost of an IPI. qemu 7.2's icount mode has a timer bug
# with several vCPUs: a CPU's timer may not fire while another CPU stays busy (clocksource
# watchdog timeouts, RCU stalls, OOM from unprocessed RCU callbacks); such a boot counts as failed
# and adds no numbers. The context switch modes hit it every time at -smp 2, so they run at
# -smp 1 (one pair: the switch path itself; no CPU idles lazily there).
# BENCH_PAIRS + 1 rounds of three 1-second measurements, and more rounds while failed boots leave
# fewer than BENCH_PAIRS complete pairs (three more batches at most); per-round ratios of the boots'
# medians.
# icount_row DIR VARIANT SMP MODE: one icount.csv row: the median of each boot's measurements of
# MODE, the per-round ratio series/base over the rounds where both boots worked, and its range.
icount_row() {
	awk -v v="$2" -v smp="$3" -v mode="$4" '
		function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		$3 == mode { k = $1 SUBSEP $2; val[k, ++cnt[k]] = $4; rounds[$2] = 1 }
		END {
			for (r in rounds) {
				if (!((("base" SUBSEP r) in cnt) && (("hp" SUBSEP r) in cnt))) continue
				for (s = 0; s < 2; s++) { side = s ? "hp" : "base"; k = side SUBSEP r
					delete a; for (i = 1; i <= cnt[k]; i++) a[i] = val[k, i]; m[side] = med(a, cnt[k]) }
				n++; b[n] = m["base"]; h[n] = m["hp"]; q[n] = m["hp"] / m["base"]
			}
			if (!n) exit 1
			lo = hi = q[1]; for (i = 1; i <= n; i++) { if (q[i] < lo) lo = q[i]; if (q[i] > hi) hi = q[i] }
			printf "%s,%s,%s,%d,%.1f,%.1f,%.4f,%.4f,%.4f\n", v, smp, mode, n, med(b, n), med(h, n), med(q, n), lo, hi
		}' "$1/results.txt" || { echo "error: no complete icount pair for $2 $4 in $1" >&2; return 1; }
}

# icount_settings ARCH_OR_VARIANT: images() boots under qemu's instruction count clock (1 s measurements).
icount_settings() {
	IMAGES_QEMU=(-icount shift=0,sleep=off,align=off)
	IMAGES_BAD_RE="${IMAGES_BAD_RE:+$IMAGES_BAD_RE|}invoked oom-killer|clocksource: Watchdog|rcu: INFO"
	# x86_64: no TSC watchdog (under icount its cross-CPU reads time out at nearly every boot).
	if [ "${1%%-*}" = x86_64 ]; then IMAGES_APPEND="${IMAGES_APPEND:+$IMAGES_APPEND }tsc=reliable"; fi
}

icount() {
	local variants=("$@") v arch name dir pids=() rc=0
	[ ${#variants[@]} -gt 0 ] || variants=(x86_64 ppc64-radix)
	mkdir -p "$OUT"
	for v in "${variants[@]}"; do
		name=${v%-radix}
		arch=${name%%-*}
		arch_vars "$arch"
		for dir in "$(kdir "$arch-bench" base)" "$(kdir "$arch-bench" hp)"; do
			[ -f "$dir/$K_IMAGE" ] || die "no kernel image $dir/$K_IMAGE; run 'scripts/bench.sh build'"
		done
		guest "$arch"
		dir=$OUT/icount-$v
		# No rows of an earlier run may stand in for this one's if its boots cannot start.
		rm -f "$dir/results.txt" "$dir/failed.txt" "$OUT/icount-cs-$v/results.txt" "$OUT/icount-cs-$v/failed.txt"
		(
			SECS=1
			icount_settings "$arch"
			# Up to three more batches of rounds (twice the missing pairs, plus one) when failed boots
			# left fewer than BENCH_PAIRS complete pairs.
			local first=1 rounds=$((PAIRS + 1)) batch pairs failed=0
			for batch in 1 2 3 4; do
				IMAGES_FIRST_ROUND=$first images "$v" 2 $rounds "fork-exit;fork-exit;fork-exit" "$dir" \
					"base=$(kdir "$arch-bench" base)/$K_IMAGE" "hp=$(kdir "$arch-bench" hp)/$K_IMAGE" >/dev/null ||
					failed=1
				pairs=$(awk '$3 == "fork-exit" { s[$2, $1] = 1; r[$2] = 1 }
					END { for (x in r) n += ((x, "base") in s) && ((x, "hp") in s); print n + 0 }' "$dir/results.txt")
				[ "$pairs" -lt "$PAIRS" ] || break
				first=$((first + rounds))
				rounds=$((2 * (PAIRS - pairs) + 1))
				echo "$v: $pairs complete pairs, $rounds more rounds" >&2
			done
			# Context switch, one pair, at -smp 1 (where the timer bug cannot strike): the path
			# length of a switch between two processes and between two threads of one process.
			images "$v" 1 "$PAIRS" "cs-procs:1;cs-threads:1;cs-procs:1;cs-threads:1;cs-procs:1;cs-threads:1" \
				"$OUT/icount-cs-$v" "base=$(kdir "$arch-bench" base)/$K_IMAGE" \
				"hp=$(kdir "$arch-bench" hp)/$K_IMAGE" >/dev/null || failed=1
			[ "$failed" = 0 ]
		) &
		pids+=($!)
	done
	for v in "${pids[@]}"; do
		wait "$v" || rc=1
	done
	[ "$rc" = 0 ] || echo "warning: some icount boots failed (qemu timer bug, see icount() in $0); see failed.txt" >&2
	# Every row of a variant asked for must come out of this run; the other variants' rows stay as
	# an earlier run left them, so that rerunning one arch keeps the other's.
	local missing=0 asked
	{
		echo "variant,smp,mode,pairs,base_median,hp_median,ratio,ratio_min,ratio_max"
		for v in x86_64 ppc64-radix ppc64-hash; do
			asked=0
			[[ " ${variants[*]} " != *" $v "* ]] || asked=1
			if [ -f "$OUT/icount-$v/results.txt" ] || [ "$asked" = 1 ]; then
				icount_row "$OUT/icount-$v" "$v" 2 fork-exit || missing=1
			fi
			if [ -f "$OUT/icount-cs-$v/results.txt" ] || [ "$asked" = 1 ]; then
				icount_row "$OUT/icount-cs-$v" "$v" 1 cs-procs || missing=1
				icount_row "$OUT/icount-cs-$v" "$v" 1 cs-threads || missing=1
			fi
		done
	} >"$OUT/icount.csv.new"
	echo "# bench.sh icount ${variants[*]}: BENCH_PAIRS=$PAIRS (+1 round, + more for failed boots), $(date -u +%FT%TZ), base $(tgit rev-parse --short base), series $(tgit rev-parse --short work)" >>"$OUT/icount.csv.new"
	cat "$OUT/icount.csv.new"
	# icount.csv only ever holds a complete table (five complete pairs per row are the minimum
	# for a number); a failed run leaves icount.csv.new behind.
	[ "$missing" = 0 ] || { echo "error: icount rows missing (see the errors above); icount.csv left as it was" >&2; return 1; }
	awk -F, 'NR > 1 && !/^#/ && $4 < 5 { bad = 1 } END { exit bad }' "$OUT/icount.csv.new" ||
		{ echo "error: fewer than 5 complete icount pairs for some arch; icount.csv left as it was" >&2; return 1; }
	mv -f "$OUT/icount.csv.new" "$OUT/icount.csv"
}

# build_trace WHAT VARIANT:SMP...: check the runs of WHAT and build the -trace kernels (series and
# unpatched base) of their arches, once each; incremental, make rebuilds only what changed.
build_trace() {
	local what=$1 r arch built=()
	shift
	for r in "$@"; do
		[[ $r == *:* ]] || die "bad $what run '$r' (want VARIANT:SMP, e.g. x86_64:16)"
		arch=${r%%:*}
		arch=${arch%%-*}
		[[ " ${built[*]} " == *" $arch "* ]] && continue
		"$TOP/scripts/kunit.sh" build "$arch-trace"
		"$TOP/scripts/kunit.sh" build "$arch-trace" base
		built+=("$arch")
	done
}

# pairs: the rows that a few boot pairs cannot resolve, with many pairs (make bench-pairs): x86_64
# fork+exit at 2 vCPUs (BENCH_PAIRS_FORK rounds, default 100, 5 s per boot: one boot takes about 8
# s) and x86_64 context switch with 1 and 2 task pairs at 4 vCPUs (BENCH_PAIRS_CS rounds, default
# 30, 3 s per measurement); the boot order is reversed every other round. Each directory gets
# tables.md: the per-pair ratios, their geometric mean and its 95% confidence interval.
pairs() {
	local base hp d rc=0
	arch_vars x86_64
	base=$(kdir x86_64-bench base)/$K_IMAGE hp=$(kdir x86_64-bench hp)/$K_IMAGE
	[ -f "$base" ] && [ -f "$hp" ] || die "no x86_64 bench kernels; run 'scripts/bench.sh build'"
	# A failed boot (listed in failed.txt) fails the command, after the ratios of the other rounds.
	d=$OUT/pairs-fork-x86_64-smp2
	IMAGES_ALTERNATE=1 SECS=5 images x86_64 2 "${BENCH_PAIRS_FORK:-100}" "fork-exit:2" "$d" base="$base" hp="$hp" || rc=1
	images_ratios "$d" base hp | tee "$d/tables.md"
	d=$OUT/pairs-cs-x86_64-smp4
	IMAGES_ALTERNATE=1 SECS=3 images x86_64 4 "${BENCH_PAIRS_CS:-30}" "cs-threads:1,2;cs-procs:1,2" "$d" base="$base" hp="$hp" || rc=1
	images_ratios "$d" base hp | tee "$d/tables.md"
	return "$rc"
}

# holders [VARIANT:SMP...]: who sends the IPIs of a process exit. The -trace kernels (the bench
# configuration plus the function profiler, built here) run exit-ipis (50 exits per boot, each
# leaving the mm lazy on every CPU) with the calls of the functions below counted on all CPUs:
# __mmdrop() and hp_scan() (or hp_scan_mask()) calls, the eviction IPI handler of the series (lazy_mm_evict_ipi(): one
# run per CPU whose slot held the mm at the scan, the scanning CPU included) and lazy_mm_evict()
# (also called by x86's flush_tlb_func()), the unpatched kernel's shootdown handler
# (do_shoot_lazy_tlb(): one run per CPU of mm_cpumask()) and ppc64 radix's exit flush handler
# (do_exit_flush_lazy_tlb()), and x86's flush_tlb_func(). BENCH_PAIRS interleaved rounds per
# VARIANT:SMP (default: x86_64, ppc64-radix and ppc64-hash at 4 and 16 vCPUs; the README's 64 vCPU
# rows: BENCH_PAIRS=3 bench.sh holders x86_64:64 ppc64-radix:64), then holders-report.
# Only counts come from these kernels: the profiler slows every counted call.
HOLDERS_FUNCS=__mmdrop,hp_scan,hp_scan_mask,lazy_mm_evict_ipi,lazy_mm_evict,do_shoot_lazy_tlb,do_exit_flush_lazy_tlb,flush_tlb_func
holders() {
	local runs=("$@") r v smp arch rc=0
	[ ${#runs[@]} -gt 0 ] || runs=(x86_64:4 x86_64:16 ppc64-radix:4 ppc64-radix:16 ppc64-hash:4 ppc64-hash:16)
	build_trace holders "${runs[@]}"
	for r in "${runs[@]}"; do
		v=${r%%:*} smp=${r#*:}
		arch=${v%%-*}
		arch_vars "$arch"
		IMAGES_APPEND=bench.profile=$HOLDERS_FUNCS BOOT_TIMEOUT=${BOOT_TIMEOUT_SCALE:-900} \
			images "$v" "$smp" "$PAIRS" "exit-ipis:50" "$OUT/holders-$v-smp$smp" \
			"base=$(kdir "$arch-trace" base)/$K_IMAGE" "hp=$(kdir "$arch-trace" hp)/$K_IMAGE" >/dev/null || rc=1
	done
	holders_report || rc=1
	return "$rc"
}

# scancost [VARIANT:SMP...]: the cost of the scan in __mmdrop() against vCPUs. The -trace kernels
# (unpatched and series) run under the instruction count clock, as in icount(), so the guest time
# the function profiler gives a call is its path length: one guest nanosecond per emulated
# instruction, callees included, plus the profiler's own constant cost per call. Each boot runs
# fork+exit with 2 workers (children that live and die on one or two CPUs) and 20
# exits that leave the mm lazy on every CPU, profiling __mmdrop() and the scan it calls, hp_scan()
# or hp_scan_mask() (profile both: each profiled call adds the profiler's cost, about 570
# instructions on x86_64, to its caller's time, so a kernel whose __mmdrop() calls no profiled
# function looks that much cheaper). BENCH_PAIRS rounds
# per VARIANT:SMP (default x86_64 at 2, 4, 8 and 16 vCPUs); SCANCOST_IMAGES adds LABEL=IMAGE
# kernels to each round (for example the series at an earlier commit). Boots hit by qemu's icount
# timer bug fail and add no numbers. Then scancost-report.
scancost() {
	local runs=("$@") r v smp arch rc=0 extra=()
	[ ${#runs[@]} -gt 0 ] || runs=(x86_64:2 x86_64:4 x86_64:8 x86_64:16)
	read -r -a extra <<<"${SCANCOST_IMAGES:-}"
	build_trace scancost "${runs[@]}"
	for r in "${runs[@]}"; do
		v=${r%%:*} smp=${r#*:}
		arch=${v%%-*}
		arch_vars "$arch"
		(
			SECS=1
			IMAGES_QEMU=(-icount shift=0,sleep=off,align=off)
			IMAGES_BAD_RE='invoked oom-killer|clocksource: Watchdog|rcu: INFO'
			IMAGES_APPEND=bench.profile=__mmdrop,hp_scan,hp_scan_mask
			# x86_64: no TSC watchdog (see icount()).
			[ "$arch" = x86_64 ] && IMAGES_APPEND+=" tsc=reliable"
			BOOT_TIMEOUT=${BOOT_TIMEOUT_SCALE:-900} images "$v" "$smp" "$PAIRS" "fork-exit:2,irqs=1;exit-ipis:20" \
				"$OUT/scancost-$v-smp$smp" "base=$(kdir "$arch-trace" base)/$K_IMAGE" \
				"hp=$(kdir "$arch-trace" hp)/$K_IMAGE" "${extra[@]}" >/dev/null
		) || rc=1
	done
	scancost_report || rc=1
	return "$rc"
}

# scancost_report: scancost.csv and scancost.md from the scancost-* directories: per variant, vCPU
# count, kernel and row, the median (min-max over the boots) of the guest nanoseconds (emulated
# instructions) per call of __mmdrop(), hp_scan() and hp_scan_mask(), and the fork+exit rate.
scancost_report() {
	local d v smp
	{
		echo "variant,smp,kernel,what,boots,median,min,max"
		summary_dirs scancost | while read -r d v smp; do
			awk -v v="$v" -v smp="$smp" '!/^#/ && ($2 ~ /^ns:/ || $2 == "fork-exit") {
				for (i = 3; i <= 6; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
				print v "," smp "," $1 "," $2 "," f["n"] "," f["median"] "," f["min"] "," f["max"] }' "$d/summary.txt"
		done
	} | awk 'NR == 1 { print; next } { print | "sort -t, -k1,1 -k2,2n -k4,4 -k3,3" }' >"$OUT/scancost.csv"
	[ "$(wc -l <"$OUT/scancost.csv")" -gt 1 ] || { echo "error: no scancost results in $OUT/scancost-*" >&2; return 1; }
	{
		echo "### Path length of __mmdrop() and its scan (bench.sh scancost: -trace kernels under qemu -icount, guest ns = emulated instructions per call)"
		echo
		awk -F, 'NR > 1 { if (!($3 in seen)) { seen[$3] = 1; ks[++nk] = $3 }
				k = $1 SUBSEP $2 SUBSEP $4; if (!(k in rs)) { rs[k] = 1; order[++n] = k }
				c[k, $3] = sprintf("%.0f (%.0f-%.0f), %s", $6, $7, $8, $5) }
			END { printf "| kernel | vCPUs | row |"; for (j = 1; j <= nk; j++) printf " %s median (min-max), boots |", ks[j]
				printf "\n|---|---|---|"; for (j = 1; j <= nk; j++) printf "---|"; printf "\n"
				for (i = 1; i <= n; i++) { split(order[i], p, SUBSEP); printf "| %s | %s | %s |", p[1], p[2], p[3]
					for (j = 1; j <= nk; j++) printf " %s |", ((order[i], ks[j]) in c) ? c[order[i], ks[j]] : "-"
					printf "\n" } }' "$OUT/scancost.csv"
	} >"$OUT/scancost.md"
	cat "$OUT/scancost.md"
}

# summary_dirs PREFIX: "DIR VARIANT SMP" for each $OUT/PREFIX-VARIANT-smpSMP/ with a summary.txt.
summary_dirs() {
	local d v
	for d in "$OUT/$1"-*-smp*/; do
		[ -f "$d/summary.txt" ] || continue
		d=${d%/}
		v=${d##*/"$1"-}
		echo "$d ${v%-smp*} ${v##*-smp}"
	done
}

# holders_report: holders.csv and holders.md from the holders-* directories: per variant, vCPU
# count and kernel, the median (min-max over the boots) per exit of the IPI row and of each
# counted function.
holders_report() {
	local d v smp
	{
		echo "variant,smp,kernel,what,boots,median,min,max"
		summary_dirs holders | while read -r d v smp; do
			awk -v v="$v" -v smp="$smp" '!/^#/ && ($2 ~ /^calls:/ || $2 == "ipis:CAL/interrupts" || $2 == "ipis:16/IPI-0") {
				for (i = 3; i <= 6; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
				print v "," smp "," $1 "," substr($2, index($2, ":") + 1) "," f["n"] "," f["median"] "," f["min"] "," f["max"] }' "$d/summary.txt"
		done
	} | awk 'NR == 1 { print; next } { print | "sort -t, -k1,1 -k2,2n -k4,4 -k3,3" }' >"$OUT/holders.csv"
	[ "$(wc -l <"$OUT/holders.csv")" -gt 1 ] || { echo "error: no holders results in $OUT/holders-*" >&2; return 1; }
	{
		echo "### Who sends the IPIs of a process exit (bench.sh holders: function profiler kernels, calls per exit)"
		echo
		echo "| kernel | vCPUs | per exit | unpatched median (min-max) | series median (min-max) | boots (unpatched, series) |"
		echo "|---|---|---|---|---|---|"
		awk -F, 'NR > 1 { k = $1 SUBSEP $2 SUBSEP $4; if (!(k in seen)) { seen[k] = 1; order[++n] = k }
				c[k, $3] = sprintf("%.2f (%.2f-%.2f)", $6, $7, $8); b[k, $3] = $5 }
			END { for (i = 1; i <= n; i++) { split(order[i], p, SUBSEP); k = order[i]
				printf "| %s | %s | %s | %s | %s | %s, %s |\n", p[1], p[2], p[3],
					((k, "base") in c) ? c[k, "base"] : "-", ((k, "hp") in c) ? c[k, "hp"] : "-",
					((k, "base") in b) ? b[k, "base"] : 0, ((k, "hp") in b) ? b[k, "hp"] : 0 } }' "$OUT/holders.csv"
	} >"$OUT/holders.md"
	cat "$OUT/holders.md"
}

# scale [VARIANT:SMP...]: exit cost against vCPUs: fork+exit with 2 workers, unpinned (children
# start wherever the scheduler puts them) and pinned (fork-exit,pin: each child lives and dies on
# its worker's CPU, so what grows with the vCPU count is the exit's own work, the scan of
# __mmdrop() included), and 50 exits that each leave the mm lazy on every CPU; BENCH_PAIRS
# interleaved base/series rounds, one directory per VARIANT:SMP (results/bench/scale-VARIANT-
# smpSMP/, see images()). Under TCG the boots run single-threaded TCG (BENCH_SCALE_ACCEL, default
# tcg,thread=single: one host thread runs the vCPUs in turn): with one host thread per vCPU, 64
# vCPUs on 2 host cores booted in about 150 s and each boot's fork+exit rate came out fast or
# slow as a whole, in both kernels (results/bench/patches1-8/scale-x86_64-smp64/); one thread
# boots 64 x86_64 vCPUs in about 35 s. BOOT_TIMEOUT_SCALE (default 900 s) bounds a boot; a failed
# boot fails the step only when a VARIANT:SMP is left without a complete pair.
SCALE_ACCEL=${BENCH_SCALE_ACCEL:-$ACCEL}
[ -n "${BENCH_SCALE_ACCEL:-}" ] || [ "$ACCEL" != tcg ] || SCALE_ACCEL=tcg,thread=single
scale() {
	local runs=("$@") r v smp arch rc=0
	[ ${#runs[@]} -gt 0 ] || runs=(x86_64:2 x86_64:8 x86_64:16 x86_64:64 ppc64-radix:2 ppc64-radix:16 ppc64-radix:64)
	for r in "${runs[@]}"; do
		[[ $r == *:* ]] || die "bad scale run '$r' (want VARIANT:SMP, e.g. x86_64:64)"
		v=${r%%:*} smp=${r#*:}
		arch=${v%%-*}
		arch_vars "$arch"
		ACCEL=$SCALE_ACCEL BOOT_TIMEOUT=${BOOT_TIMEOUT_SCALE:-900} images "$v" "$smp" "$PAIRS" \
			"fork-exit:2;fork-exit:2,pin=1;exit-ipis:50" "$OUT/scale-$v-smp$smp" \
			"base=$(kdir "$arch-bench" base)/$K_IMAGE" "hp=$(kdir "$arch-bench" hp)/$K_IMAGE" >/dev/null ||
			has_pair "$OUT/scale-$v-smp$smp" || rc=1
	done
	scale_report
	return "$rc"
}

# has_pair DIR: DIR/results.txt has a fork+exit number of base and of series from one round (a
# failed boot elsewhere is reported by images() and costs only its own numbers); else say so.
has_pair() {
	awk '$3 == "fork-exit" { s[$1, $2] = 1; r[$2] = 1 }
		END { for (x in r) if ((("base", x) in s) && (("hp", x) in s)) exit 0; exit 1 }' "$1/results.txt" 2>/dev/null && {
		echo "warning: $1: some boots failed (failed.txt); the complete pairs are reported" >&2
		return 0
	}
	echo "error: $1: no complete base/series pair" >&2
	return 1
}

# icount_scale [VARIANT:SMP...]: fork+exit (2 workers, unpinned and pinned) and IPIs per exit at many
# vCPUs under the instruction count clock (see icount()), so that the rates compare path lengths,
# which the wall clock of 64 vCPUs under TCG cannot (scale above). Guest time does not depend on the
# host, so base and series boot side by side (IMAGES_CONCURRENT), one per host core. x86_64 gets
# lpj=4000000, the loops per jiffy of icount's 1 GHz TSC at HZ=250, so that no CPU calibrates its
# delay loop at boot (the same preset for both kernels). BENCH_PAIRS
# rounds per VARIANT:SMP (default 8, 16, 32 and 64 vCPUs on both arches, about two hours here:
# 83 minutes for 8-32 beside other work, 22 and 11 for x86_64 and ppc64 at 64;
# a round of x86_64:64 takes about 4 minutes with both cores busy, of ppc64-radix:64 about 2),
# results/bench/icount-VARIANT-smpSMP/; boots hit by qemu's icount timer bug fail and add no numbers
# (they hang until BOOT_TIMEOUT_SCALE, here 900 s: a 64-vCPU boot took 230 s with a host core to
# itself, about 5 minutes with a third qemu beside the pair; raise it on a busier host). A failed
# boot fails the step only when a VARIANT:SMP is left without a complete pair.
icount_scale() {
	local runs=("$@") r v smp arch rc=0
	[ ${#runs[@]} -gt 0 ] || runs=(ppc64-radix:8 x86_64:8 ppc64-radix:16 x86_64:16 ppc64-radix:32 x86_64:32
		ppc64-radix:64 x86_64:64)
	for r in "${runs[@]}"; do
		[[ $r == *:* ]] || die "bad icount-scale run '$r' (want VARIANT:SMP, e.g. x86_64:64)"
		v=${r%%:*} smp=${r#*:}
		arch=${v%%-*}
		arch_vars "$arch"
		(
			SECS=1 IMAGES_CONCURRENT=1
			[ "$arch" != x86_64 ] || IMAGES_APPEND="${IMAGES_APPEND:+$IMAGES_APPEND }lpj=4000000"
			icount_settings "$v"
			BOOT_TIMEOUT=${BOOT_TIMEOUT_SCALE:-900} images "$v" "$smp" "$PAIRS" "fork-exit:2;fork-exit:2,pin=1;exit-ipis:10" \
				"$OUT/icount-$v-smp$smp" "base=$(kdir "$arch-bench" base)/$K_IMAGE" \
				"hp=$(kdir "$arch-bench" hp)/$K_IMAGE" >/dev/null
		) || has_pair "$OUT/icount-$v-smp$smp" || rc=1
	done
	scale_report >/dev/null
	return "$rc"
}

# scale_report: exit cost against vCPUs per arch, from the scale-* directories and, for vCPU counts
# they lack, the 2-8 vCPU rows of ipis-summary.csv (bench.sh run, multi-threaded TCG):
#   scale.csv, scale-ipis-VARIANT.png  IPIs per exit (function call IPIs on x86_64, the IPI row on
#                                      ppc64), median (min-max) per kernel, and where it came from
#   scale-fork.csv, scale-fork-VARIANT.png  fork+exit per second, unpinned and pinned workers, per
#                                      kernel, the ratio of the medians and the per-pair ratios
#   scale.md                           both tables (report appends it to tables.md)
scale_report() {
	local d v smp row f
	{
		echo "variant,smp,row,base_n,base_median,base_min,base_max,hp_n,hp_median,hp_min,hp_max,source"
		{
			summary_dirs scale | while read -r d v smp; do
				row=CAL/interrupts
				[[ $v == x86_64* ]] || row=16/IPI-0
				awk -v v="$v" -v smp="$smp" -v row="ipis:$row" -v src="scale -accel $(scale_accel "$d" | tr , " ")" '
					$2 == row { for (i = 3; i <= 6; i++) { split($i, kv, "="); f[$1, kv[1]] = kv[2] } }
					END { if (("base", "n") in f && ("hp", "n") in f)
						print "1," v "," smp "," substr(row, 6) "," f["base", "n"] "," f["base", "median"] "," f["base", "min"] "," \
							f["base", "max"] "," f["hp", "n"] "," f["hp", "median"] "," f["hp", "min"] "," f["hp", "max"] "," src }' "$d/summary.txt"
			done
			[ ! -f "$OUT/ipis-summary.csv" ] || awk -F, 'NR > 1 && ($3 == "CAL/interrupts" || $3 == "16/IPI-0") {
				# Python writes CR LF. Columns 11 and 12 (when present): the boots of base and series.
				sub(/\r$/, ""); nb = (NF >= 12) ? $11 : $4; nh = (NF >= 12) ? $12 : $4
				print "2," $1 "," $2 "," $3 "," nb "," $5 "," $6 "," $7 "," nh "," $8 "," $9 "," $10 ",run -accel tcg" }' "$OUT/ipis-summary.csv"
		} | sort -t, -k1,1n | awk -F, '!seen[$2, $3]++ { sub(/^[12],/, ""); print }' | sort -t, -k1,1 -k2,2n
	} >"$OUT/scale.csv"
	{
		echo "variant,smp,workers,pairs,base_median,base_min,base_max,hp_median,hp_min,hp_max,ratio,pair_ratio_median,pair_ratio_min,pair_ratio_max,clock"
		{ summary_dirs scale; summary_dirs icount; } | while read -r d v smp; do
			local clock=wall
			[[ ${d##*/} != icount-* ]] || clock=icount
			awk -v v="$v" -v smp="$smp" -v clock="$clock" '
				function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
					return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
				# A label measured more than once in a boot counts with the median of its values.
				$3 ~ /^fork-exit/ && ($1 == "base" || $1 == "hp") { y[$3, $1, $2, ++c[$3, $1, $2]] = $4; rows[$3] = 1; rounds[$2] = 1 }
				END { for (kk in c) { split(kk, f, SUBSEP); delete a
						for (i = 1; i <= c[kk]; i++) a[i] = y[f[1], f[2], f[3], i]
						x[f[1], f[2], f[3]] = med(a, c[kk]) }
					for (r in rows) {
					nb = nh = np = 0; delete b; delete h; delete p
					for (k in rounds) {
						# Rounds with both kernels only: the medians and the per-pair ratios
						# describe the same boots.
						if (!(((r, "base", k) in x) && ((r, "hp", k) in x))) continue
						b[++nb] = x[r, "base", k]; h[++nh] = x[r, "hp", k]; p[++np] = x[r, "hp", k] / x[r, "base", k]
					}
					if (!np) continue
					mb = med(b, nb); mh = med(h, nh); mp = med(p, np)
					printf "%s,%s,%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f,%s\n", v, smp, (r ~ /,pin$/) ? "pinned" : "unpinned", np, mb, b[1], b[nb], mh, h[1], h[nh], mh / mb, mp, p[1], p[np], clock } }' "$d/results.txt"
		done | sort -t, -k15,15r -k1,1 -k3,3r -k2,2n
	} >"$OUT/scale-fork.csv"
	{
		echo "### IPIs per process exit against vCPUs (bench.sh scale; bench.sh run where scale has no row)"
		echo
		echo "| kernel | vCPUs | row | base median (min-max) | series median (min-max) | series / base | boots (base, series) | from |"
		echo "|---|---|---|---|---|---|---|---|"
		awk -F, 'NR > 1 { printf "| %s | %s | %s | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %.2f | %s, %s | %s |\n",
			$1, $2, $3, $5, $6, $7, $9, $10, $11, $9 / $5, $4, $8, $12 }' "$OUT/scale.csv"
		if [ "$(wc -l <"$OUT/scale-fork.csv")" -gt 1 ]; then
			echo
			echo "### fork+exit per second against vCPUs, 2 workers (bench.sh scale: wall clock; bench.sh icount-scale: instruction count clock; pinned: each child on its worker's CPU)"
			echo
			echo "| kernel | clock | vCPUs | workers | pairs | base median (min-max) | series median (min-max) | ratio of medians | per-pair ratios: median (min-max) |"
			echo "|---|---|---|---|---|---|---|---|---|"
			awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | **%.3f** | %.3f (%.3f-%.3f) |\n",
				$1, $15, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }' "$OUT/scale-fork.csv"
		fi
		summary_dirs icount | while read -r d v smp; do
			row=CAL/interrupts
			[[ $v == x86_64* ]] || row=16/IPI-0
			awk -v v="$v" -v smp="$smp" -v row="ipis:$row" '
				$2 == row { for (i = 3; i <= 6; i++) { split($i, kv, "="); f[$1, kv[1]] = kv[2] } }
				END { if (("base", "n") in f && ("hp", "n") in f)
					printf "| %s | %s | %s | %.2f (%.2f-%.2f) | %.2f (%.2f-%.2f) | %.2f | %s, %s |\n", v, smp, substr(row, 6),
						f["base", "median"], f["base", "min"], f["base", "max"], f["hp", "median"], f["hp", "min"],
						f["hp", "max"], f["hp", "median"] / f["base", "median"], f["base", "n"], f["hp", "n"] }' "$d/summary.txt"
		done | sort -t'|' -k2,2 -k3,3n >"$OUT/scale-icount-ipis.tmp"
		if [ -s "$OUT/scale-icount-ipis.tmp" ]; then
			echo
			echo "### IPIs per process exit against vCPUs under the instruction count clock (bench.sh icount-scale; every CPU lazy on the mm)"
			echo
			echo "| kernel | vCPUs | row | base median (min-max) | series median (min-max) | series / base | boots (base, series) |"
			echo "|---|---|---|---|---|---|---|"
			cat "$OUT/scale-icount-ipis.tmp"
		fi
		rm -f "$OUT/scale-icount-ipis.tmp"
	} >"$OUT/scale.md"
	cat "$OUT/scale.md"
	need gnuplot
	for v in $(awk -F, 'NR > 1 { print $1 }' "$OUT/scale.csv" | sort -u); do
		f=$OUT/scale-ipis-$v.dat
		awk -F, -v v="$v" 'NR > 1 && $1 == v { print $2, $5, $6, $7, $9, $10, $11 }' "$OUT/scale.csv" >"$f"
		gnuplot -e "set terminal pngcairo size 640,400; set output '${f%.dat}.png';
			set termoption noenhanced; set title '$v: IPIs per process exit (every CPU lazy on the mm)'; set logscale xy 2;
			set xlabel 'vCPUs'; set ylabel 'IPIs per exit'; set grid; set key top left;
			plot '$f' using 1:2:3:4 with yerrorlines title 'unpatched (median, min-max)',
			'$f' using 1:5:6:7 with yerrorlines title 'series (median, min-max)'" ||
			die "gnuplot failed on $f"
	done
	local clock name yr
	for clock in wall icount; do
	for v in $(awk -F, -v clock="$clock" 'NR > 1 && $15 == clock { print $1 }' "$OUT/scale-fork.csv" | sort -u); do
		# Wall clock: scale-fork-VARIANT.png; instruction count clock: scale-fork-icount-VARIANT.png.
		name=bench.sh\ scale,\ wall\ clock yr='set yrange [0.25:4]' f=$OUT/scale-fork-$v.dat
		[ "$clock" = wall ] || name=bench.sh\ icount-scale,\ instruction\ count\ clock yr='unset logscale y; set yrange [0.9:1.1]' f=$OUT/scale-fork-icount-$v.dat
		# vCPUs, then per row (unpinned, pinned): base median, series median, ratio, per-pair min, max.
		awk -F, -v v="$v" -v clock="$clock" 'NR > 1 && $1 == v && $15 == clock { k = ($3 == "pinned") ? 2 : 1; s[$2] = 1
				d[$2, k] = $5 " " $8 " " $11 " " $13 " " $14 }
			END { for (c in s) print c, ((c, 1) in d) ? d[c, 1] : "? ? ? ? ?", ((c, 2) in d) ? d[c, 2] : "? ? ? ? ?" }' \
			"$OUT/scale-fork.csv" | sort -n >"$f"
		gnuplot -e "set terminal pngcairo size 960,400; set output '${f%.dat}.png'; set datafile missing '?';
			set termoption noenhanced; set multiplot layout 1,2 title '$v: fork+exit, 2 workers, against vCPUs ($name)';
			set logscale x 2; set offsets graph 0.08, graph 0.08, 0, 0; set xlabel 'vCPUs'; set grid; set key bottom left;
			set ylabel 'fork+exit per second'; set logscale y 2;
			plot '$f' using 1:2 with linespoints title 'unpatched', '' using 1:3 with linespoints title 'series',
			'' using 1:7 with linespoints title 'unpatched, pinned', '' using 1:8 with linespoints title 'series, pinned';
			set ylabel 'series / unpatched'; $yr; set key below;
			plot '$f' using 1:4:5:6 with yerrorlines title 'unpinned (median, per-pair range)',
			'' using 1:9:10:11 with yerrorlines title 'pinned', 1 notitle lc rgb 'gray';
			unset multiplot" || die "gnuplot failed on $f"
	done
	done
}

# scale_accel DIR: the qemu -accel of the boots in DIR (from the header images() wrote).
scale_accel() {
	sed -n 's/^# rounds .*qemu -accel \([^ ]*\).*/\1/p' "$1/summary.txt" | tail -1
}

case "${1:-}" in
build) build ;;
holders) shift; holders "$@" ;;
pairs) pairs ;;
holders-report) holders_report ;;
scale) shift; scale "$@" ;;
icount-scale) shift; icount_scale "$@" ;;
scale-report) scale_report ;;
scancost) shift; scancost "$@" ;;
scancost-report) scancost_report ;;
icount) shift; icount "$@" ;;
images)
	shift
	# IMAGES_ICOUNT=1: under the instruction count clock, as bench.sh icount boots.
	if [ "${IMAGES_ICOUNT:-0}" = 1 ]; then SECS=1 && icount_settings "${1:-}"; fi
	images "$@" ;;
images-reparse) images_reparse "${2:?outdir}" ;;
images-ratios) images_ratios "${2:?outdir}" "${3:?base label}" "${4:?series label}" ;;
run) shift; run "$@" ;;
report) report ;;
smoke) smoke "${2:?variant}" ;;
*) echo "usage: $0 build | run [VARIANT...] | icount [VARIANT...] | scale [VARIANT:SMP...] | icount-scale [VARIANT:SMP...] | scale-report | scancost [VARIANT:SMP...] | scancost-report | holders [VARIANT:SMP...] | holders-report | pairs | report | smoke VARIANT | images VARIANT SMP ROUNDS RUNS OUTDIR [LABEL=]IMAGE... | images-ratios OUTDIR[,OUTDIR...] BASE SERIES" >&2; exit 2 ;;
esac
