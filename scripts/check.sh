#!/usr/bin/env bash
# make check: every test of the series, ending with the line "N passed, N failed".
#
# Order: install/fetch (fatal on failure), series round trip, apply, checkpatch per patch, the
# kernels at the tip, each earlier patch built on its own, W=1/sparse, the KUnit boots, the guest
# stress (membarrier selftests first), the LKMM litmus tests, the benchmark binaries' smoke run,
# the other arches' build tests.
source "$(dirname "$0")/lib.sh"

PASSED=0 FAILED=0
declare -a REPORT=()
T_START=$(now)

# check NAME CMD...: run one test, count it, remember its time.
check() {
	local name=$1 t0 rc=0
	shift
	t0=$(now)
	step "[$((PASSED + FAILED + 1))] $name"
	"$@" || rc=$?
	LAST_RC=$rc
	if [ "$rc" = 0 ]; then
		PASSED=$((PASSED + 1))
		REPORT+=("$(printf 'PASS  %-46s %5ss' "$name" "$(($(now) - t0))")")
	else
		FAILED=$((FAILED + 1))
		REPORT+=("$(printf 'FAIL  %-46s %5ss' "$name" "$(($(now) - t0))")")
	fi
	return 0
}

"$TOP/scripts/setup.sh"
"$TOP/scripts/fetch-base.sh"
"$TOP/scripts/fetch-tools.sh"

check "series: git am + export reproduces patches/" "$TOP/scripts/series.sh" verify
applied=0
check "series: apply to the work tree" "$TOP/scripts/series.sh" apply
[ "$LAST_RC" = 0 ] && applied=1

if [ "$applied" = 1 ]; then
	while read -r p; do
		check "checkpatch --strict ${p%.patch}" "$TOP/scripts/hygiene.sh" checkpatch "$PATCHES/$p"
	done <"$PATCHES/series"

	check "kernel build x86_64 KASAN+lockdep (tip)" "$TOP/scripts/kunit.sh" build x86_64
	check "kernel build ppc64 (tip)" "$TOP/scripts/kunit.sh" build ppc64

	# Every patch but the last builds on its own (the last is the tip, built above): a whole x86_64
	# kernel links at each that changes an existing source file, the files it adds are compiled at
	# the others; ppc64 compiles the touched files and its arch code at those that touch
	# arch/powerpc (hygiene.sh: bisect ... objects; a whole ppc64 kernel at patches 3 and 5 took 7 minutes
	# cold on the session 8 machine, about 15 on CI's).
	mapfile -t shas < <(tgit rev-list --reverse base..work)
	for ((i = 0; i < ${#shas[@]} - 1; i++)); do
		if adds_only "${shas[$i]}"; then
			check "bisect compile x86_64 after patch $((i + 1)) (adds files)" "$TOP/scripts/hygiene.sh" bisect x86_64 "${shas[$i]}" objects
		else
			check "bisect build x86_64 after patch $((i + 1))" "$TOP/scripts/hygiene.sh" bisect x86_64 "${shas[$i]}"
		fi
		if [ -n "$(tgit diff --name-only "${shas[$i]}^" "${shas[$i]}" -- arch/powerpc)" ]; then
			check "bisect compile ppc64 after patch $((i + 1))" "$TOP/scripts/hygiene.sh" bisect ppc64 "${shas[$i]}" objects
		fi
	done
	check "W=1 + sparse + kernel-doc on touched files" "$TOP/scripts/hygiene.sh" static
	check "removed symbols absent from the tree" "$TOP/scripts/hygiene.sh" removed

	# The PREEMPT_RT kernel is built and stressed by make stress (another cold build here would
	# take CI over an hour).
	for v in x86_64 ppc64-radix ppc64-hash; do
		check "kunit $v -smp 4" "$TOP/scripts/kunit.sh" run "$v"
	done
	for a in x86_64 ppc64; do
		check "guest /init + selftests build $a" "$TOP/scripts/stress.sh" build "$a"
	done
	for v in x86_64 ppc64-radix ppc64-hash; do
		check "stress $v -smp 4 (${CHECK_STRESS_SECS:-60} s)" "$TOP/scripts/stress.sh" run "$v" "${CHECK_STRESS_SECS:-60}"
	done
	for v in x86_64 ppc64-radix; do
		check "benchmark binary smoke run $v" "$TOP/scripts/bench.sh" smoke "$v"
	done
	check "LKMM litmus tests (herd7)" bash -c '"$0"/scripts/litmus.sh fetch && "$0"/scripts/litmus.sh run' "$TOP"
	for a in i386 arm64 arm riscv64 s390; do
		check "build kernel/ mm/ fs/exec.o: $a" "$TOP/scripts/archbuild.sh" "$a"
	done
	# The other arches the series touches that a Debian cross compiler (or Debian's clang-19:
	# hexagon, loongarch) reaches: the touched files.
	for a in alpha arm-smp arc mips openrisc parisc sh sparc32 sparc64 um hexagon loongarch; do
		check "build the touched files: $a" "$TOP/scripts/archbuild.sh" "$a"
	done
else
	echo "error: the series is not applied; skipping the tests that need it" >&2
	FAILED=$((FAILED + 1))
fi

mkdir -p "$RESULTS"
{
	echo "== make check summary ($(($(now) - T_START)) s, $(date -u +%F), $(tgit rev-parse --short work)) =="
	printf '%s\n' "${REPORT[@]}"
} | tee "$RESULTS/check.txt"
echo "$PASSED passed, $FAILED failed" | tee -a "$RESULTS/check.txt"
[ "$FAILED" = 0 ]
