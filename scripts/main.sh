#!/usr/bin/env bash
# make: the main job. Install what is missing, fetch the base, apply the series, build the KUnit
# kernels for x86_64 and ppc64, boot them (x86_64, ppc64 radix, ppc64 hash) with KUnit and into the
# guest stress /init for MAIN_STRESS_SECS (default 30), and print a summary.
source "$(dirname "$0")/lib.sh"

t0=$(now)
"$TOP/scripts/setup.sh"
"$TOP/scripts/fetch-base.sh"
"$TOP/scripts/series.sh" apply
"$TOP/scripts/kunit.sh" build x86_64
"$TOP/scripts/kunit.sh" build ppc64
"$TOP/scripts/stress.sh" build x86_64
"$TOP/scripts/stress.sh" build ppc64
fails=0
for v in x86_64 ppc64-radix ppc64-hash; do
	"$TOP/scripts/kunit.sh" run "$v" || fails=$((fails + 1))
	"$TOP/scripts/stress.sh" run "$v" "${MAIN_STRESS_SECS:-30}" || fails=$((fails + 1))
done

echo
echo "== lazymm-hp summary ($(($(now) - t0)) s) =="
echo "base:   $(tgit log -1 --format=%s base)"
echo "series: $(wc -l <"$PATCHES/series") patches, tip $(tgit rev-parse --short work)"
tgit log --reverse --format='        %s' base..work
for v in x86_64 ppc64-radix ppc64-hash; do
	cat "$RESULTS/kunit/$v.summary" "$RESULTS/stress/$v-hp-${MAIN_STRESS_SECS:-30}s.summary" 2>/dev/null || true
done
[ "$fails" = 0 ] && echo "all boots passed" || { echo "$fails boot(s) failed"; exit 1; }
