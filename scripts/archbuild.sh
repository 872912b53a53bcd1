#!/usr/bin/env bash
# Build tests on the arches we do not boot: kernel/, mm/ and fs/exec.o of a defconfig, plus the
# arch files the series touches that the configuration compiles, with Debian's cross compilers (i386 with the
# host gcc), in build/arch-<name> (incremental, ccache). A warning in a touched file fails.
#
#   archbuild.sh NAME      NAME: i386 arm64 arm riscv64 s390
#
# arm uses multi_v5_defconfig (ARMv5: no ASIDs, UP), the configuration with the deferred switch_mm()
# that arch_lazy_mm_switch_to_init() completes. (rpc_defconfig, which would also build the RiscPC
# ecard driver the series touches, does not select ARCH_RPC with this toolchain: not covered; nor is
# arch/arm/kernel/smp.c, which this UP configuration does not compile.)
source "$(dirname "$0")/lib.sh"

name=${1:?arch}
case "$name" in
i386) a=i386 cross= cfg=i386_defconfig ;;
arm64) a=arm64 cross=aarch64-linux-gnu- cfg=defconfig ;;
arm) a=arm cross=arm-linux-gnueabi- cfg=multi_v5_defconfig ;;
riscv64) a=riscv cross=riscv64-linux-gnu- cfg=defconfig ;;
s390) a=s390 cross=s390x-linux-gnu- cfg=defconfig ;;
*) die "unknown arch '$name' (i386 arm64 arm riscv64 s390)" ;;
esac
need "${cross}gcc" ccache
require_tree
out=$BUILD/arch-$name
log=$BUILD/logs/arch-$name.log
mkdir -p "$out" "$BUILD/logs"
targets=(kernel/ mm/ fs/exec.o)
# The arch files the series touches that the configuration compiles (EFI runtime, CPU bring-up).
case "$name" in
i386) targets+=(arch/x86/kernel/cpu/common.o arch/x86/mm/tlb.o) ;;
arm64) targets+=(drivers/firmware/efi/arm-runtime.o arch/arm64/kernel/smp.o) ;;
riscv64) targets+=(drivers/firmware/efi/riscv-runtime.o arch/riscv/kernel/smpboot.o) ;;
s390) targets+=(arch/s390/kernel/processor.o) ;;
esac
t0=$(now)
if ! make -s -C "$TREE" O="$out" ARCH="$a" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" \
	-j"$JOBS" "$cfg" >"$log" 2>&1 ||
   ! make -s -C "$TREE" O="$out" ARCH="$a" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" \
	-j"$JOBS" "${targets[@]}" >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 20 >&2
	die "$name ($cfg) does not build ${targets[*]}; see $log"
fi
# A warning in a file the series touches fails; others are only counted.
grep -E 'warning:' "$log" >"$out/warnings" || true
touched=$(tgit diff --name-only base..work)
mine=$(grep -F -f <(echo "$touched") "$out/warnings" || true)
if [ -n "$mine" ]; then
	echo "$mine" | head -n 10 >&2
	die "$name: warnings in files the series touches (above)"
fi
[ -s "$out/warnings" ] && echo "$name: $(wc -l <"$out/warnings") warning(s) in untouched files, see $out/warnings" >&2
echo "archbuild $name ($cfg): ${targets[*]} built in $(($(now) - t0)) s"
