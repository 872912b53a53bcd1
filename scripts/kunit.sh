#!/usr/bin/env bash
# Build and boot the KUnit kernels of the series.
#
#   kunit.sh build x86_64|ppc64          kunit.py build into build/kunit-<arch> (ccache, incremental)
#   kunit.sh run x86_64|ppc64-radix|ppc64-hash
#                                        boot under qemu (-smp 4, TCG unless ACCEL=kvm), parse with
#                                        kunit.py parse, check that the series' suites ran and none
#                                        of their cases skipped; console and JSON go to results/kunit/
source "$(dirname "$0")/lib.sh"

SUITES=(hp)

build() {
	local arch=$1 t0
	arch_vars "$arch"
	require_tree
	need "${K_CROSS}gcc" ccache python3
	mkdir -p "$BUILD/logs"
	step "kunit build $arch (log: build/logs/kunit-build-$arch.log)"
	t0=$(now)
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py build \
		--build_dir="$BUILD/kunit-$arch" --arch="$K_ARCH" \
		--kunitconfig="$TOP/configs/hp.kunitconfig" --qemu_config="$TOP/configs/qemu_$arch.py" \
		${K_CROSS:+--cross_compile="$K_CROSS"} --make_options "CC=ccache ${K_CROSS}gcc" \
		--jobs="$JOBS") >"$BUILD/logs/kunit-build-$arch.log" 2>&1 &&
	# kunit.py build may report a config error and still exit 0.
	! grep -q '^ERROR' "$BUILD/logs/kunit-build-$arch.log" || {
		grep -iE -A3 'error|not in .config' "$BUILD/logs/kunit-build-$arch.log" | head -n 20 >&2
		die "kunit build for $arch failed; see build/logs/kunit-build-$arch.log"
	}
	step "kunit build $arch done in $(($(now) - t0)) s"
}

run() {
	local variant=$1 arch out t0 counts
	arch=${variant%%-*}
	arch_vars "$arch"
	local image=$BUILD/kunit-$arch/$K_IMAGE
	[ -f "$image" ] || die "no kernel at $image; run 'scripts/kunit.sh build $arch' first"
	out=$RESULTS/kunit
	mkdir -p "$out"
	step "kunit boot $variant (-smp 4, $ACCEL, timeout ${BOOT_TIMEOUT}s)"
	t0=$(now)
	qemu_boot "$variant" "$image" "kunit_shutdown=reboot panic=-1 oops=panic" "$out/$variant.log" ||
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
	if [ "$sskip" -ne 0 ]; then
		echo "error: $variant: $sskip case(s) of ${SUITES[*]} skipped at -smp 4:" >&2
		grep -E '# SKIP' "$out/$variant.log" | sed 's/^/    /' >&2
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
build) build "${2:?arch}" ;;
run) run "${2:?variant}" ;;
*) echo "usage: $0 build ARCH | run VARIANT" >&2; exit 2 ;;
esac
