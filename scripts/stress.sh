#!/usr/bin/env bash
# Guest stress: boot a kernel into our own static /init (guest/stress.c), which first runs the
# kernel's membarrier selftests and then, concurrently for SECS seconds: threaded processes going
# through idle and exiting abruptly, fork and exec storms, exec from kernel threads (the usermode
# helper through request_module() and core dumps), CPU offline/online loops, membarrier, the
# lazy_mm KUnit suite at runtime (kthread_use_mm() on a test mm) and khugepaged on short-lived
# processes. See the top of guest/stress.c.
#
#   stress.sh build x86_64|ppc64|ppc64le|sparc64
#                                            /init, bench, membarrier selftests, initramfs under
#                                            build/guest/<arch>
#   stress.sh run VARIANT SECS [base]        boot build/kunit-NAME (or build/base-NAME), -smp 4;
#                                            VARIANT: x86_64 x86_64-rt ppc64-radix ppc64-hash, and
#                                            sparc64 (one CPU, so no hotplug; make sparc64),
#                                            ppc64le-kasan-radix (make ppc64-debug)
#   stress.sh all                            make stress: the long runs on every kernel, the series
#                                            and the unpatched base, then the per-arch totals
#   stress.sh sparc64                        make sparc64: build the sparc64 KUnit kernels (series,
#                                            base), boot KUnit, then the stress on both
#                                            (STRESS_SECS_SPARC, STRESS_BASE_SECS: 120 s each)
#   stress.sh totals                         the per-arch totals again, from the summaries in
#                                            results/stress/ (after a run was repeated alone)
#
# A run fails on a timeout, a missing result line, a worker or child that exited badly, a failed
# selftest or KUnit run, no exec from a kernel thread or no CPU hotplug (series kernels), or any
# BUG/WARNING/KASAN/lockdep/RCU stall/hung task line on the console. Console log, summary and the
# kernel's defconfig go to results/stress/.
source "$(dirname "$0")/lib.sh"

cc_for() {
	case "$1" in
	x86_64) echo gcc ;;
	ppc64) echo powerpc64-linux-gnu-gcc ;;
	ppc64le) echo powerpc64le-linux-gnu-gcc ;;
	sparc64) echo sparc64-linux-gnu-gcc ;;
	*) die "unknown arch '$1' (x86_64, ppc64, ppc64le or sparc64)" ;;
	esac
}

MB_TESTS=(membarrier_test_single_thread membarrier_test_multi_thread)

build() {
	local arch=$1 out=$BUILD/guest/$1 cc hdr t st=$TREE/tools/testing/selftests
	cc=$(cc_for "$arch")
	arch_vars "$arch"
	need "$cc"
	require_tree
	mkdir -p "$out/selftests"
	[ -x "$BUILD/guest/gen_init_cpio" ] ||
		gcc -O2 -o "$BUILD/guest/gen_init_cpio" "$TREE/usr/gen_init_cpio.c" ||
		die "cannot build the kernel's usr/gen_init_cpio"
	# The tree's UAPI headers: the selftests use membarrier commands newer than the host's headers.
	hdr=$BUILD/guest/hdr-$arch
	make -s -C "$TREE" O="$hdr" ARCH="$K_ARCH" CROSS_COMPILE="$K_CROSS" headers >"$out/headers.log" 2>&1 ||
		die "make headers for $arch failed; see $out/headers.log"
	local cflags=(-static -O2 -pthread -Wall)
	"$cc" "${cflags[@]}" -Wextra -o "$out/init" "$TOP/guest/stress.c" ||
		die "cannot build guest/stress.c for $arch (is the static libc for $arch installed? run 'make setup')"
	if [ -f "$TOP/guest/bench.c" ]; then
		"$cc" "${cflags[@]}" -Wextra -o "$out/bench" "$TOP/guest/bench.c" ||
			die "cannot build guest/bench.c for $arch"
	fi
	for t in "${MB_TESTS[@]}"; do
		"$cc" -static -O2 -pthread -isystem "$hdr/usr/include" -I"$st" -I"$TREE/tools/include" \
			-o "$out/selftests/$t" "$st/membarrier/$t.c" ||
			die "cannot build the membarrier selftest $t for $arch"
	done
	{
		printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
			"file /init $out/init 0755 0 0" 'dir /selftests 0755 0 0'
		[ -f "$out/bench" ] && echo "file /bench $out/bench 0755 0 0"
		for t in "${MB_TESTS[@]}"; do
			echo "file /selftests/$t $out/selftests/$t 0755 0 0"
		done
	} >"$out/initramfs.list"
	"$BUILD/guest/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio"
}

# field LINE KEY: the value of KEY=... in a "STRESS: done" line (empty if absent).
field() { grep -oE "(^| )$2=-?[0-9]+" <<<"$1" | head -n 1 | cut -d= -f2; }

run() {
	local variant=$1 secs=$2 side=${3:-hp} name arch out log line t0 tag image initrd
	name=${variant%-radix}
	name=${name%-hash}
	arch=${name%%-*}
	arch_vars "$arch"
	image=$(kdir "$name" "$side")/$K_IMAGE
	initrd=$BUILD/guest/$arch/initramfs.cpio
	[ -f "$image" ] || die "no kernel at $image; run 'scripts/kunit.sh build $name${side/hp/}' first"
	[ -f "$initrd" ] || die "no initramfs at $initrd; run 'scripts/stress.sh build $arch' first"
	out=$RESULTS/stress
	tag=$variant-$side-${secs}s
	mkdir -p "$out/configs"
	log=$out/$tag.log
	# The kernel's configuration, as a defconfig, next to its results.
	make -s -C "$(kdir "$name" "$side")" ARCH="$K_ARCH" CROSS_COMPILE="$K_CROSS" savedefconfig >/dev/null 2>&1 &&
		cp "$(kdir "$name" "$side")/defconfig" "$out/configs/$name-$side.defconfig" 2>/dev/null || true
	step "stress $variant ($side, -smp $(variant_smp "$variant" 4), $ACCEL, ${secs} s)"
	t0=$(now)
	QEMU_EXTRA=(-initrd "$initrd")
	local poweroff=
	[ "$(variant_halt "$variant")" = poweroff ] && poweroff=" stress.poweroff=1"
	local saved=$BOOT_TIMEOUT
	BOOT_TIMEOUT=$((secs + BOOT_TIMEOUT))
	qemu_boot "$variant" "$image" \
		"rdinit=/init kunit.filter_glob=lazy_mm panic=-1 oops=panic stress.secs=$secs stress.selftests=1$poweroff" "$log" ||
		{ BOOT_TIMEOUT=$saved; QEMU_EXTRA=(); no_splats "$variant" "$log" || true; return 1; }
	BOOT_TIMEOUT=$saved
	QEMU_EXTRA=()
	line=$(grep -a '^STRESS: done' "$log" | tail -n 1)
	local ok=1 k v bad=()
	if [ -z "$line" ]; then
		echo "error: $variant ($side): no 'STRESS: done' line; console tail:" >&2
		tail -n 20 "$log" | sed 's/^/    /' >&2
		ok=0
	else
		for k in bad_exits kunit_failures membarrier_errors; do
			v=$(field "$line" "$k")
			[ "${v:-x}" = 0 ] || bad+=("$k=${v:-missing}")
		done
		# Things the series' kernels must have exercised (the base has no lazy_mm suite).
		local must=(modprobe_execs umh_execs membarriers execs procs)
		# sun4u has one CPU, nothing to take offline.
		[ "$(variant_smp "$variant" 4)" = 1 ] || must+=(hotplug_cycles)
		# qemu's pseries offers no 16 MiB pages to the hash MMU, and PREEMPT_RT has no THP.
		case "$variant" in ppc64-hash | x86_64-rt) ;; *) must+=(thp_children) ;; esac
		[ "$side" = hp ] && must+=(kunit_runs)
		for k in "${must[@]}"; do
			v=$(field "$line" "$k")
			[ -n "$v" ] && [ "$v" -gt 0 ] || bad+=("$k=${v:-missing}")
		done
	fi
	# Every selftest ran and passed.
	local t n=0
	for t in "${MB_TESTS[@]}"; do
		if grep -aqE "^SELFTEST: $t rc=0"$'\r'"?\$" "$log"; then
			n=$((n + 1))
		else
			bad+=("selftest $t: $(grep -a "^SELFTEST: $t " "$log" | head -n 1 | sed 's/^SELFTEST: //')")
		fi
	done
	# KUnit creates the debugfs files of the suites it ran at boot, so lazy_mm runs once at boot,
	# then again and again from the stress; every run prints its KTAP lines on the console.
	grep -aqE '^\s*not ok' "$log" && bad+=("KUnit: $(grep -acE '^\s*not ok' "$log") 'not ok' line(s)")
	# Their TAP lines (between the start of /init and the last SELFTEST line).
	local tp tf ts
	read -r tp tf ts < <(awk '/Run \/init as init process/ { on = 1 }
		on && /^ok [0-9]/ { if (/# SKIP/) s++; else p++ }
		on && /^not ok [0-9]/ { f++ }
		/^SELFTEST: / { lp = p; lf = f; ls = s }
		END { print lp + 0, lf + 0, ls + 0 }' "$log")
	[ "$tf" = 0 ] && [ "$tp" -gt 0 ] || bad+=("membarrier selftests TAP: $tp ok, $tf not ok, $ts skipped")
	if [ ${#bad[@]} -gt 0 ]; then
		echo "error: $variant ($side): ${bad[*]}" >&2
		ok=0
	fi
	no_splats "$variant-$side" "$log" || ok=0
	echo "stress $variant $side ${secs}s: ${line#STRESS: done } selftests_passed=$n/${#MB_TESTS[@]} selftest_tap_ok=$tp selftest_tap_not_ok=$tf selftest_tap_skip=$ts ($(($(now) - t0)) s)" |
		tee "$out/$tag.summary"
	# Keep console logs of failures only (they are large); the summary stays either way.
	[ "$ok" = 1 ] && gzip -9f "$log"
	[ "$ok" = 1 ]
}

# make stress: per arch at least 10 guest-minutes on the series' kernels (x86_64 600 s, RT 180 s,
# ppc64 300 s radix + 300 s hash), then the same stress on the unpatched base built from the same
# configs (x86_64, ppc64 radix and hash, 120 s each: enough to attribute a splat), then the totals.
# STRESS_SECS, STRESS_SECS_RT, STRESS_SECS_PPC, STRESS_BASE_SECS override the seconds.
# The runs of make stress, one "VARIANT SECS SIDE" per line.
long_runs() {
	printf '%s\n' "x86_64 ${STRESS_SECS:-600} hp" "x86_64-rt ${STRESS_SECS_RT:-180} hp" \
		"ppc64-radix ${STRESS_SECS_PPC:-300} hp" "ppc64-hash ${STRESS_SECS_PPC:-300} hp" \
		"x86_64 ${STRESS_BASE_SECS:-120} base" "ppc64-radix ${STRESS_BASE_SECS:-120} base" \
		"ppc64-hash ${STRESS_BASE_SECS:-120} base"
}

all() {
	local t0 fails=0 v secs side r k runs
	t0=$(now)
	mapfile -t runs < <(long_runs)
	for k in "x86_64 hp" "x86_64-rt hp" "ppc64 hp" "x86_64 base" "ppc64 base"; do
		read -r v side <<<"$k"
		"$TOP/scripts/kunit.sh" build "$v" "$side"
	done
	build x86_64
	build ppc64
	for r in "${runs[@]}"; do
		read -r v secs side <<<"$r"
		run "$v" "$secs" "$side" || fails=$((fails + 1))
	done
	totals "${runs[@]}" || fails=$((fails + 1))
	echo "make stress: $(($(now) - t0)) s, $fails failed run(s)"
	[ "$fails" = 0 ]
}

# make sparc64: qemu's sun4u has one CPU, so this checks the sparc64 MMU side of the series (its
# switch_mm() to init_mm at every eviction, the switch back to a user mm after it), not the IPIs.
sparc64() {
	local t0 fails=0
	t0=$(now)
	"$TOP/scripts/kunit.sh" build sparc64
	"$TOP/scripts/kunit.sh" build sparc64 base
	"$TOP/scripts/kunit.sh" run sparc64 || fails=$((fails + 1))
	build sparc64
	run sparc64 "${STRESS_SECS_SPARC:-120}" hp || fails=$((fails + 1))
	run sparc64 "${STRESS_BASE_SECS:-120}" base || fails=$((fails + 1))
	echo "make sparc64: $(($(now) - t0)) s, $fails failed run(s)"
	[ "$fails" = 0 ]
}

# Per-arch totals of the series' runs: guest-minutes, hotplug cycles, execs from kernel threads.
totals() {
	local r v secs side f arch
	declare -A mins=() hot=() kex=()
	for r in "$@"; do
		read -r v secs side <<<"$r"
		[ "$side" = hp ] || continue
		f=$RESULTS/stress/$v-hp-${secs}s.summary
		if [ ! -f "$f" ]; then
			echo "note: no $f (run '$0 run $v $secs'); not counted" >&2
			continue
		fi
		# A summary is written for a failed run too: count only runs whose guest saw no failure.
		if [ "$(field "$(cat "$f")" kunit_failures)" != 0 ] || [ "$(field "$(cat "$f")" bad_exits)" != 0 ]; then
			echo "note: $f records failures; not counted" >&2
			continue
		fi
		arch=${v%%-*}
		mins[$arch]=$((${mins[$arch]:-0} + secs))
		hot[$arch]=$((${hot[$arch]:-0} + $(field "$(cat "$f")" hotplug_cycles)))
		kex[$arch]=$((${kex[$arch]:-0} + $(field "$(cat "$f")" modprobe_execs) + $(field "$(cat "$f")" umh_execs)))
	done
	{
		echo "| arch | guest seconds | hotplug cycles | execs from kernel threads |"
		echo "|---|---|---|---|"
		for arch in "${!mins[@]}"; do
			echo "| $arch | ${mins[$arch]} | ${hot[$arch]} | ${kex[$arch]} |"
		done
	} | tee "$RESULTS/stress/totals.md"
	local ok=1
	for arch in x86_64 ppc64; do
		if [ "${mins[$arch]:-0}" -lt 600 ] || [ "${hot[$arch]:-0}" -lt 200 ] || [ "${kex[$arch]:-0}" -lt 1000 ]; then
			echo "error: $arch: want at least 600 guest seconds, 200 hotplug cycles and 1000 execs from kernel threads" >&2
			ok=0
		fi
	done
	[ "$ok" = 1 ]
}

case "${1:-}" in
build) build "${2:?arch}" ;;
run) run "${2:?variant}" "${3:?seconds}" "${4:-hp}" ;;
sparc64) sparc64 ;;
all) all ;;
totals) mapfile -t runs < <(long_runs) && totals "${runs[@]}" ;;
*) echo "usage: $0 build ARCH | run VARIANT SECS [base] | all | sparc64 | totals" >&2; exit 2 ;;
esac
