# lazymm-hp: the front door. Every target is idempotent and reuses build/ (work tree, build dirs,
# ccache, downloads). See README.md.
#
#   make            main job: install deps, fetch base, apply the series, build, boot KUnit, summary
#   make check      every test (series round trip, checkpatch, bisect, W=1/sparse, KUnit boots,
#                   a short guest stress with the membarrier selftests, litmus tests, arch builds)
#   make stress     the long guest stress on every kernel, the series and the unpatched base
#   make bench      A/B benchmarks, unpatched base vs series, interleaved boots (results/bench)
#   make bench-scale  fork+exit and IPIs per exit against vCPUs, 2 to 64 (single-threaded TCG, and
#                     the instruction count clock at 8, 16, 32 and 64)
#   make bench-holders  which functions send and take the IPIs of an exit (function profiler kernels)
#   make bench-pairs  100 interleaved pairs of x86_64 fork+exit at 2 vCPUs and 30 of context switch at
#                     4 vCPUs, ratios with 95% confidence intervals (about 45 minutes)
#   make sparc64    sparc64 on qemu's sun4u (one CPU): KUnit, and the guest stress on the series
#                   and on the unpatched base (the MMU code of patch 3 there; 5 minutes, 16 with
#                   the two kernels built cold)
#   make ppc64-debug  why the ppc64 test kernels have no KASAN or lockdep (both shown on the
#                   unpatched base), and KASAN tried on little-endian ppc64 (it hangs too; were it
#                   to boot, KUnit and the guest stress would run on it; scripts/ppcdebug.sh)
#
# Pieces:  setup base apply export verify kunit litmus clean
# Knobs:   KSRC=/path/to/linux  ACCEL=kvm  JOBS=N  BOOT_TIMEOUT=secs  FORCE=1 (apply over local work)

SHELL := /bin/bash
S := scripts
.DEFAULT_GOAL := all
.PHONY: all check stress bench bench-scale bench-holders bench-pairs sparc64 ppc64-debug setup base apply export verify kunit litmus clean

all:
	@$(S)/main.sh

check:
	@$(S)/check.sh

stress: apply
	@$(S)/stress.sh all

bench: apply
	@$(S)/bench.sh build && $(S)/bench.sh run && $(S)/bench.sh icount && $(S)/bench.sh report

bench-scale: apply
	@$(S)/bench.sh build && $(S)/bench.sh scale && $(S)/bench.sh icount-scale && $(S)/bench.sh report

bench-holders: apply
	@$(S)/bench.sh holders && $(S)/bench.sh report

bench-pairs: apply
	@$(S)/bench.sh build && $(S)/bench.sh pairs

sparc64: apply
	@$(S)/setup.sh sparc64 && $(S)/stress.sh sparc64

ppc64-debug: apply
	@$(S)/ppcdebug.sh

litmus: apply
	@$(S)/litmus.sh fetch && $(S)/litmus.sh run

setup:
	@$(S)/setup.sh

base: setup
	@$(S)/fetch-base.sh

apply: base
	@$(S)/series.sh apply

export:
	@$(S)/series.sh export

verify: base
	@$(S)/series.sh verify

kunit: apply
	@$(S)/kunit.sh build x86_64 && $(S)/kunit.sh build ppc64 && \
	 $(S)/kunit.sh run x86_64 && $(S)/kunit.sh run ppc64-radix && $(S)/kunit.sh run ppc64-hash

# Build directories only; the work tree, downloads and ccache stay.
clean:
	rm -rf build/kunit-* build/base-* build/bisect-* build/p[0-9]*-* build/verify build/tmp build/logs
