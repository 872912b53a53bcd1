#!/usr/bin/env bash
# Build tests on the arches we do not boot, with Debian's cross compilers (i386 and um with the host
# gcc), in build/arch-<name> (incremental, ccache). A warning in a touched file fails.
#
#   archbuild.sh NAME      (all of them in make check)
#                          NAME: i386 arm64 riscv64 s390: kernel/, mm/ and fs/exec.o of
#                          allnoconfig plus configs/bisect.config (SMP, CPU hotplug, preemption,
#                          DEBUG_VM, DEBUG_HP, THP, membarrier: the options the series' #ifdefs
#                          use) and what the arch files below need (EFI), plus the arch files
#                          the series touches that the configuration compiles; arm: the same
#                          targets from multi_v5_defconfig;
#                          alpha arm-smp arc mips openrisc parisc sh sparc32 sparc64 um, and
#                          hexagon loongarch with Debian's clang-19 (LLVM=-19; the kernel needs
#                          LLVM 17, 18 for loongarch): the C files of kernel/ and fs/ the series
#                          touches and every file of the arch that it touches, in a
#                          configuration that compiles them (SMP); an object the configuration
#                          does not build fails
#
# arm uses multi_v5_defconfig (ARMv5: no ASIDs, UP), the configuration with the deferred switch_mm()
# that arch_lazy_mm_switch_to_init() completes; arm-smp (multi_v7_defconfig: SMP, ASIDs) builds
# arch/arm/kernel/smp.c. Not covered: the RiscPC ecard driver (rpc_defconfig does not select
# ARCH_RPC with this toolchain), and csky and xtensa (no Debian cross compiler for Linux on this
# machine's release, and the kernel does not build them with clang).
source "$(dirname "$0")/lib.sh"

name=${1:?arch}
enable=() expect=() llvm=
case "$name" in
# cfg=small: allnoconfig + configs/bisect.config + the arch's "small" lines. Cheaper than the
# defconfigs (cold, in make check: s390 85 s on a machine a third slower than the one where its
# defconfig took 210 s; arm64 104 s against 159 s), and it compiles the same branches of the
# series' code; every touched file must be among the objects.
i386) a=i386 cross= cfg=small small=() ;;
arm64) a=arm64 cross=aarch64-linux-gnu- cfg=small small=(CONFIG_EFI=y) ;;
arm) a=arm cross=arm-linux-gnueabi- cfg=multi_v5_defconfig ;;
riscv64) a=riscv cross=riscv64-linux-gnu- cfg=small small=(CONFIG_ARCH_RV64I=y CONFIG_MMU=y CONFIG_FPU=y CONFIG_EFI=y) ;;
s390) a=s390 cross=s390x-linux-gnu- cfg=small small=() ;;
alpha) a=alpha cross=alpha-linux-gnu- cfg=defconfig enable=(SMP) ;;
arm-smp) a=arm cross=arm-linux-gnueabi- cfg=multi_v7_defconfig ;;
arc) a=arc cross=arc-linux-gnu- cfg=haps_hs_smp_defconfig ;;
mips) a=mips cross=mips-linux-gnu- cfg=defconfig ;;
openrisc) a=openrisc cross=or1k-elf- cfg=simple_smp_defconfig ;;
parisc) a=parisc cross=hppa-linux-gnu- cfg=generic-32bit_defconfig ;;
sh) a=sh cross=sh4-linux-gnu- cfg=shx3_defconfig ;;
sparc32) a=sparc cross=sparc64-linux-gnu- cfg=sparc32_defconfig enable=(SMP SPARC_LEON) ;;
sparc64) a=sparc cross=sparc64-linux-gnu- cfg=sparc64_defconfig ;;
um) a=um cross= cfg=defconfig enable=(SMP) ;;
# LLVM only: comet_defconfig (SMP), loongson64_defconfig.
hexagon) a=hexagon cross= llvm=-19 cfg=defconfig ;;
loongarch) a=loongarch cross= llvm=-19 cfg=defconfig ;;
*) die "unknown arch '$name' (i386 arm64 arm riscv64 s390 alpha arm-smp arc mips openrisc parisc sh sparc32 sparc64 um hexagon loongarch)" ;;
esac
if [ -n "$llvm" ]; then
	need "clang$llvm" "ld.lld$llvm" "llvm-ar$llvm" ccache
	cc=(LLVM="$llvm" CC="ccache clang$llvm")
else
	need "${cross}gcc" ccache
	cc=(CROSS_COMPILE="$cross" CC="ccache ${cross}gcc")
fi
require_tree
out=$BUILD/arch-$name
log=$BUILD/logs/arch-$name.log
mkdir -p "$out" "$BUILD/logs"
touched=$(tgit diff --name-only base..work)
case "$name" in
i386 | arm64 | arm | riscv64 | s390)
	targets=(kernel/ mm/ fs/exec.o)
	# Not make targets (kbuild compiles a named object whether or not the configuration selects
	# it; kernel/ and mm/ build only what it selects), but checked below: the configuration must
	# not leave one of them out.
	mapfile -t expect < <(echo "$touched" | grep -E '^(kernel|mm)/.*\.c$' | sed 's/\.c$/.o/')
	# The arch files the series touches that the configuration compiles (EFI runtime, CPU bring-up).
	case "$name" in
	i386) targets+=(arch/x86/kernel/cpu/common.o arch/x86/mm/tlb.o) ;;
	arm64) targets+=(drivers/firmware/efi/arm-runtime.o arch/arm64/kernel/smp.o) ;;
	riscv64) targets+=(drivers/firmware/efi/riscv-runtime.o arch/riscv/kernel/smpboot.o) ;;
	s390) targets+=(arch/s390/kernel/processor.o) ;;
	esac ;;
*)
	# The touched C files of kernel/ and fs/ (their arch hooks come from this arch's headers) and
	# of this arch; the arch's touched headers come in through them.
	# Not the files of the arch's other word size or platform.
	skip='^arch/arm/mach-rpc/'
	[ "$name" = sparc64 ] && skip='^arch/sparc/(kernel/(leon_smp|sun4d_smp|sun4m_smp|traps_32)|mm/fault_32)\.c$'
	[ "$name" = sparc32 ] && skip='^arch/sparc/kernel/.*_64\.c$'
	mapfile -t targets < <(echo "$touched" | grep -E "^(kernel|fs|arch/$a)/.*\.c$" |
		grep -v -E "$skip" | sed 's/\.c$/.o/')
	# hexagon's touched pgalloc.h: pmd_populate_kernel() is compiled where the kernel's page
	# tables grow (__pte_alloc_kernel()).
	[ "$name" = hexagon ] && targets+=(mm/memory.o)
	;;
esac
sub=()
[ "$a" = um ] && sub=(SUBARCH=x86_64)
# build TREE OUT LOG TARGET...: configure OUT from TREE as above and make the targets.
build() {
	local tree=$1 o=$2 l=$3
	shift 3
	mk() { make -s -C "$tree" O="$o" ARCH="$a" "${sub[@]}" "${cc[@]}" -j"$JOBS" "$@"; }
	mkdir -p "$o"
	# Without debug info: -g changes no diagnostic, and several defconfigs ask for it (arm's
	# multi_v5 and multi_v7, alpha's defconfig).
	if [ "$cfg" = small ]; then
		{ cat "$TOP/configs/bisect.config" && printf '%s\n' "${small[@]}"; } >"$o/small.fragment"
		mk KCONFIG_ALLCONFIG="$o/small.fragment" allnoconfig >"$l" 2>&1 &&
		# allnoconfig silently drops a line whose dependencies are not met (EFI, say), and the
		# arch objects below are named targets, which kbuild compiles regardless.
		config_has "$o/small.fragment" "$o/.config" "$tree"
	else
		mk "$cfg" >"$l" 2>&1
	fi &&
	"$tree/scripts/config" --file "$o/.config" ${enable[@]/#/--enable } --enable DEBUG_INFO_NONE \
		--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --disable DEBUG_INFO_DWARF4 \
		--disable DEBUG_INFO_DWARF5 &&
	mk olddefconfig >>"$l" 2>&1 &&
	mk "$@" >>"$l" 2>&1
}
[ ${#targets[@]} -gt 0 ] || die "$name: no touched files to build (is the series applied to $TREE?)"
# The objects of the touched C files are always compiled again (ccache makes that cheap and replays
# their warnings), so that an incremental run reports their warnings as a clean one does. (A
# warning that a touched header causes in an untouched file shows only when that object is
# compiled: on the first build, as in CI's fresh clone.)
drop_touched() {
	local f
	while read -r f; do
		[[ $f == *.c ]] && rm -f "$1/${f%.c}.o"
	done <<<"$touched"
}
drop_touched "$out"
t0=$(now)
if ! build "$TREE" "$out" "$log" "${targets[@]}"; then
	{ grep -E 'error|Error' "$log" || tail -n 5 "$log"; } | head -n 20 >&2
	die "$name ($cfg) does not build ${targets[*]}; see $log"
fi
# Every object asked for must exist: a configuration that skips a touched file tests nothing.
for t in "${targets[@]}" "${expect[@]}"; do
	[[ $t == */ ]] || [ -f "$out/$t" ] || die "$name ($cfg): $t was not built (not in the configuration?); see $log"
done
# A warning in a file the series touches fails, unless the unpatched base gives the same one in the
# same file (sh: "#warning clone3() entry point is missing" in kernel/fork.c); others are counted.
grep -E 'warning:' "$log" >"$out/warnings" || true
mine=$(grep -F -f <(echo "$touched") "$out/warnings" || true)
if [ -n "$mine" ]; then
	btree=$(base_tree)
	bout=$BUILD/arch-$name-base
	blog=$BUILD/logs/arch-$name-base.log
	btargets=()
	for t in "${targets[@]}"; do
		[ -e "$btree/${t%.o}.c" ] || [[ $t == */ ]] && btargets+=("$t")
	done
	drop_touched "$bout"
	build "$btree" "$bout" "$blog" "${btargets[@]}" ||
		die "$name: the unpatched base does not build ${btargets[*]} (to compare warnings); see $blog"
	# Compare file and message, not line numbers, which the series shifts; paths are relative to
	# the build directory (../linux/kernel/fork.c).
	norm() { sed -E "s#^([^ :]*/)?$1/##; s/:[0-9]+:[0-9]+: /: /" | sort -u; }
	mine=$(comm -23 <(echo "$mine" | norm "${TREE##*/}") <(grep -E 'warning:' "$blog" | norm "${btree##*/}"))
	[ -z "$mine" ] || { echo "$mine" | head -n 10 >&2; die "$name: warnings in files the series touches (above)"; }
	echo "$name: the base gives the same warnings in touched files ($(grep -cE 'warning:' "$blog") in $blog)" >&2
fi
[ -s "$out/warnings" ] && echo "$name: $(wc -l <"$out/warnings") warning(s), none new in the files the series touches; see $out/warnings" >&2
echo "archbuild $name ($cfg): ${targets[*]} built in $(($(now) - t0)) s"
