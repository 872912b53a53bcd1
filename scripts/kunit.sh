#!/usr/bin/env bash
# Build and boot the KUnit kernels of the series.
#
#   kunit.sh build NAME [base]           kunit.py build into build/kunit-NAME (ccache, incremental);
#                                        NAME: x86_64 (KASAN, lockdep), x86_64-rt (PREEMPT_RT,
#                                        lockdep), ppc64 (radix + hash); the same config is built
#                                        from the unpatched base into build/base-NAME with "base";
#                                        x86_64-bench, ppc64-bench: the benchmark kernels;
#                                        x86_64-trace, ppc64-trace: the same plus the function
#                                        profiler (bench.sh holders); sparc64 (qemu's sun4u, one
#                                        CPU; not in make check, see make sparc64)
#   kunit.sh build NAME pN               the same config at the series' first N patches (checked out
#                                        in build/linux-bisect) into build/pN-NAME, e.g. to measure
#                                        one patch: "build x86_64-bench p7" and "... p8"
#   kunit.sh run x86_64|x86_64-rt|ppc64-radix|ppc64-hash|sparc64
#                                        boot under qemu (-smp 4, TCG unless ACCEL=kvm), parse with
#                                        kunit.py parse, check that the series' suites ran and none
#                                        of their cases skipped (sparc64, with one CPU: none but
#                                        those that say they need a second CPU); console and JSON
#                                        go to results/kunit/
source "$(dirname "$0")/lib.sh"

SUITES=(hp lazy_mm)

build() {
	local name=$1 side=${2:-hp} arch t0 tree dir kconf log
	arch=${name%%-*}
	arch_vars "$arch"
	# A -trace kernel is the -bench kernel with configs/trace.kunitconfig added; a -kasan or
	# -lockdep kernel is the test kernel with configs/kasan.kunitconfig or lockdep.kunitconfig.
	local qbase=${name/%-trace/-bench}
	qbase=${qbase%-kasan}
	qbase=${qbase%-lockdep}
	local qconf=$TOP/configs/qemu_$qbase.py
	[ -f "$qconf" ] ||
		die "unknown kernel '$name' (x86_64, x86_64-rt, ppc64, x86_64-bench, ppc64-bench, x86_64-trace, ppc64-trace, sparc64, ppc64-kasan, ppc64-lockdep, ppc64le-kasan)"
	require_tree
	need "${K_CROSS}gcc" ccache python3
	dir=$(kdir "$name" "$side")
	kconf=$TOP/configs/hp.kunitconfig
	case "${name#*-}" in
	bench) kconf=$TOP/configs/bench.kunitconfig ;;
	trace) cat "$TOP/configs/bench.kunitconfig" "$TOP/configs/trace.kunitconfig" >"$dir.kunitconfig.in"
		kconf=$dir.kunitconfig.in ;;
	kasan | lockdep) cat "$TOP/configs/hp.kunitconfig" "$TOP/configs/${name#*-}.kunitconfig" >"$dir.kunitconfig.in"
		kconf=$dir.kunitconfig.in ;;
	esac
	tree=$TREE
	# The base has no options of the series; PREEMPT_RT has no THP (it depends on !PREEMPT_RT).
	local drop='^$'
	[ "$side" = base ] && { tree=$(base_tree); drop='^CONFIG_(DEBUG_HP|HP_KUNIT_TEST)='; }
	case "$side" in
	hp | base) ;;
	p[1-9] | p[1-9][0-9])
		local shas
		mapfile -t shas < <(tgit rev-list --reverse base..work)
		[ "${side#p}" -lt "${#shas[@]}" ] ||
			die "$side: the series has ${#shas[@]} patches; pN takes N below that (the whole series is the default side, hp)"
		tree=$(aux_tree bisect "${shas[${side#p} - 1]}")
		# The first patches do not have the series' config options yet.
		[ "${side#p}" -ge 2 ] || drop='^CONFIG_HP_KUNIT_TEST=' ;;
	*) die "unknown side '$side' (hp, base, or pN: the series' first N patches)" ;;
	esac
	[ "${name#*-}" = rt ] && drop="$drop|^CONFIG_TRANSPARENT_HUGEPAGE="
	mkdir -p "$dir"
	grep -v -E "$drop" "$kconf" >"$dir.kunitconfig"
	kconf=$dir.kunitconfig
	log=$BUILD/logs/kunit-build-$name${side/hp/}.log
	mkdir -p "$BUILD/logs"
	step "kernel build $name ($side) into ${dir#$TOP/} (log: ${log#$TOP/})"
	t0=$(now)
	(cd "$tree" && python3 tools/testing/kunit/kunit.py build \
		--build_dir="$dir" --arch="$K_ARCH" \
		--kunitconfig="$kconf" --qemu_config="$qconf" \
		${K_CROSS:+--cross_compile="$K_CROSS"} --make_options "CC=ccache ${K_CROSS}gcc" \
		--jobs="$JOBS") >"$log" 2>&1 &&
	# kunit.py build may report a config error and still exit 0.
	! grep -q '^ERROR' "$log" || {
		grep -iE -A3 'error|not in .config' "$log" | head -n 20 >&2
		die "kernel build $name ($side) failed; see ${log#$TOP/}"
	}
	step "kernel build $name ($side) done in $(($(now) - t0)) s"
}

run() {
	local variant=$1 name arch out t0
	name=${variant%-radix}
	name=${name%-hash}
	arch=${name%%-*}
	arch_vars "$arch"
	local image=$BUILD/kunit-$name/$K_IMAGE
	[ -f "$image" ] || die "no kernel at $image; run 'scripts/kunit.sh build $name' first"
	out=$RESULTS/kunit
	mkdir -p "$out"
	step "kunit boot $variant (-smp $(variant_smp "$variant" 4), $ACCEL, timeout ${BOOT_TIMEOUT}s)"
	t0=$(now)
	qemu_boot "$variant" "$image" "kunit_shutdown=$(variant_halt "$variant") panic=-1 oops=panic" \
		"$out/$variant.log" ||
		return 1
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py parse --json="$out/$variant.json" \
		"$out/$variant.log") 2>&1 | sed "s#$TOP/##g" >"$out/$variant.txt" || true
	read -r pass fail skip sskip scases < <(python3 "$TOP/scripts/kunit_counts.py" \
		"$out/$variant.json" "${SUITES[@]}" 2>/dev/null || echo 0 1 0 0 0)
	local ok=1
	if [ "$scases" -eq 0 ]; then
		echo "error: $variant: the series' suites (${SUITES[*]}) did not run; see results/kunit/$variant.log" >&2
		ok=0
	fi
	# With one CPU (sparc64) the cases that need a second one skip, saying so; no other skip.
	local upskip=0 up_re='# SKIP (needs at least 2 online CPUs|no CPU besides CPU[0-9]+ can go offline|no online CPU could be taken offline)'
	[ "$(variant_smp "$variant" 4)" = 1 ] && upskip=$(grep -cE "$up_re" "$out/$variant.log" || true)
	if [ "$sskip" -ne "$upskip" ]; then
		echo "error: $variant: $((sskip - upskip)) case(s) of ${SUITES[*]} skipped at -smp $(variant_smp "$variant" 4):" >&2
		grep -E '# SKIP' "$out/$variant.log" | grep -vE "$up_re" | sed 's/^/    /' >&2
		ok=0
	fi
	if [ "$fail" -ne 0 ]; then
		echo "error: $variant: $fail KUnit case(s) failed:" >&2
		grep -E '^\s*not ok|Expected|ASSERTION|EXPECTATION' "$out/$variant.log" | head -n 30 | sed 's/^/    /' >&2
		ok=0
	fi
	no_splats "$variant" "$out/$variant.log" || ok=0
	printf "kunit %s: %d passed, %d failed, %d skipped (%d s)\n" "$variant" "$pass" "$fail" "$skip" \
		"$(($(now) - t0))" | tee "$out/$variant.summary"
	[ "$ok" = 1 ]
}

case "${1:-}" in
build) build "${2:?kernel}" "${3:-hp}" ;;
run) run "${2:?variant}" ;;
*) echo "usage: $0 build NAME [base|pN] | run VARIANT" >&2; exit 2 ;;
esac
