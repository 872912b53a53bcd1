#!/usr/bin/env bash
# make ppc64-debug: the debug options the ppc64 test kernels go without, and KASAN on ppc64le.
#
# The big-endian pseries test kernels (configs/qemu_ppc64.py) have DEBUG_VM, DEBUG_PREEMPT,
# DEBUG_ATOMIC_SLEEP and DEBUG_LIST but neither KASAN nor lockdep (DESIGN section 9). This shows
# why, on the unpatched base, and tries KASAN on little-endian ppc64:
#
#   1. base, big-endian, KASAN (configs/qemu_ppc64.py + configs/kasan.kunitconfig): boots under a short timeout; passes
#      when the kernel hangs as described (no console line after "Booting Linux via __start()");
#   2. base, big-endian, lockdep (configs/qemu_ppc64.py + configs/lockdep.kunitconfig): a KUnit boot with no suite of the
#      series; passes when lockdep warns at boot (DEBUG_LOCKS_WARN_ON, which turns it off), as
#      described;
#   3. base, little-endian radix, KASAN (configs/qemu_ppc64le.py + configs/kasan.kunitconfig): DESIGN suggests trying
#      little-endian for KASAN. It hung as big-endian does when this was written (2026-12-07:
#      qemu 7.2, Linux 7.3.4), so the step passes when it hangs and says that ppc64 has no KASAN
#      coverage; if it boots, the series' little-endian KASAN kernel runs KUnit (every hp and
#      lazy_mm case, none skipped) and the guest stress (guest/stress.c), and the base the stress,
#      STRESS_SECS_LE seconds each (default 120); any BUG/WARNING/KASAN/lockdep/RCU stall/hung
#      task line fails, as in make stress.
#
# If 1 or 2 stop showing what DESIGN says (a newer qemu or base may fix them), the step fails and
# says so: then the ppc64 test kernels should take that option again.
# A hang is told by the console alone: nothing after "Booting Linux via __start()" for
# PROBE_TIMEOUT seconds (default 90).
# Logs: results/ppc64-debug/ (KUnit and stress logs in results/kunit/ and results/stress/).
source "$(dirname "$0")/lib.sh"

OUT=$RESULTS/ppc64-debug

# probe NAME: boot a base kernel and check its console for what DESIGN section 9 says. KASAN
# kernels: returns 0 on the hang, 2 when the kernel booted to its end, 1 otherwise.
probe() {
	local name=$1 image log rc=0
	arch_vars ppc64
	image=$(kdir "$name" base)/$K_IMAGE
	[ -f "$image" ] || die "no kernel at $image; run 'scripts/kunit.sh build $name base' first"
	log=$OUT/base-$name.log
	mkdir -p "$OUT"
	case "$name" in
	ppc64-kasan | ppc64le-kasan)
		local endian=big
		[ "$name" = ppc64le-kasan ] && endian=little
		step "boot the unpatched base with KASAN, $endian-endian radix (expect a hang; timeout ${PROBE_TIMEOUT:-90}s)"
		BOOT_TIMEOUT=${PROBE_TIMEOUT:-90} qemu_boot ppc64-radix "$image" "panic=-1" "$log" || rc=$?
		if [ "$rc" = 0 ] && grep -aq 'Kernel panic' "$log"; then
			echo "error: the $endian-endian KASAN base kernel panicked instead of hanging (see ${log#$TOP/}):" >&2
			grep -a -m1 -B2 -A3 'Kernel panic' "$log" | sed 's/^/    /' >&2
			return 1
		elif [ "$rc" = 0 ]; then
			if [ "$name" = ppc64le-kasan ]; then
				echo "note: the little-endian KASAN base kernel booted to its end (see ${log#$TOP/})"
			else
				echo "error: the big-endian KASAN base kernel booted to its end (see ${log#$TOP/}): DESIGN section 9 no longer holds; give the ppc64 test kernels KASAN" >&2
			fi
			return 2
		fi
		# qemu_boot fails on a timeout (qemu then says it was terminated) or on a qemu error.
		if ! grep -aq 'terminating on signal' "$log"; then
			echo "error: qemu failed on the $endian-endian KASAN base kernel (see ${log#$TOP/})" >&2
			return 1
		fi
		if [ "$(grep -av 'terminating on signal' "$log" | grep -a . | tail -n 1 | grep -c 'Booting Linux via __start()')" != 1 ]; then
			echo "error: the $endian-endian KASAN base kernel did not finish, but its console goes on after 'Booting Linux via __start()' (see ${log#$TOP/}):" >&2
			tail -n 5 "$log" | sed 's/^/    /' >&2
			return 1
		fi
		echo "ppc64 $endian-endian KASAN, unpatched base: no console output after 'Booting Linux via __start()' within ${PROBE_TIMEOUT:-90} s (hang)" |
			tee "$OUT/base-$name.summary"
		;;
	ppc64-lockdep)
		step "boot the unpatched base with lockdep, big-endian radix (expect a warning at boot)"
		qemu_boot ppc64-radix "$image" "kunit_shutdown=reboot panic=-1" "$log" ||
			{ echo "error: the big-endian lockdep base kernel did not boot to its end (see ${log#$TOP/})" >&2; return 1; }
		# DEBUG_LOCKS_WARN_ON() prints only when its debug_locks_off() turned lockdep off: the
		# warning itself says lockdep is off from then on.
		local warn
		warn=$(grep -a -m1 -E 'DEBUG_LOCKS_WARN_ON' "$log" | sed 's/^\[[ 0-9.]*\] //' || true)
		if [ -z "$warn" ]; then
			echo "error: the big-endian lockdep base kernel booted without the warning DESIGN section 9 describes (see ${log#$TOP/}); give the ppc64 test kernels lockdep" >&2
			return 1
		fi
		{
			echo "ppc64 big-endian lockdep, unpatched base: booted; lockdep warned and so turned itself off (DEBUG_LOCKS_WARN_ON prints only when its debug_locks_off() did that):"
			echo "    $warn"
			grep -a -A40 -m1 'DEBUG_LOCKS_WARN_ON' "$log" | sed 's/^\[ *[0-9]*\.[0-9]*\] //' |
				grep -a -E '^(WARNING:|\[c[0-9a-f]+\] \[c[0-9a-f]+\] (lockdep|trace_hardirqs|irqentry|timer_interrupt|__replay_soft|arch_local_irq))' |
				sed 's/^/    /' | head -n 8 || true
		} | tee "$OUT/base-$name.summary"
		;;
	*) die "probe: unknown kernel '$name' (ppc64-kasan, ppc64le-kasan or ppc64-lockdep)" ;;
	esac
}

all() {
	local t0 fails=0 rc=0
	t0=$(now)
	mkdir -p "$OUT"
	"$TOP/scripts/kunit.sh" build ppc64-kasan base
	probe ppc64-kasan || fails=$((fails + 1))
	"$TOP/scripts/kunit.sh" build ppc64-lockdep base
	probe ppc64-lockdep || fails=$((fails + 1))
	"$TOP/scripts/kunit.sh" build ppc64le-kasan base
	probe ppc64le-kasan || rc=$?
	case "$rc" in
	0) echo "note: KASAN hangs little-endian ppc64 too, so no ppc64 kernel here has KASAN; KASAN coverage of the series comes from x86_64" ;;
	2)
		echo "note: the little-endian KASAN kernel boots: running the series' KUnit and the stress on it"
		"$TOP/scripts/kunit.sh" build ppc64le-kasan
		"$TOP/scripts/stress.sh" build ppc64le
		"$TOP/scripts/kunit.sh" run ppc64le-kasan-radix || fails=$((fails + 1))
		"$TOP/scripts/stress.sh" run ppc64le-kasan-radix "${STRESS_SECS_LE:-120}" || fails=$((fails + 1))
		"$TOP/scripts/stress.sh" run ppc64le-kasan-radix "${STRESS_SECS_LE:-120}" base || fails=$((fails + 1)) ;;
	*) fails=$((fails + 1)) ;;
	esac
	echo "make ppc64-debug: $(($(now) - t0)) s, $fails failed step(s)"
	[ "$fails" = 0 ]
}

case "${1:-all}" in
all) all ;;
probe) probe "${2:?ppc64-kasan, ppc64le-kasan or ppc64-lockdep}" ;;
*) echo "usage: $0 [all | probe ppc64-kasan|ppc64le-kasan|ppc64-lockdep]" >&2; exit 2 ;;
esac
