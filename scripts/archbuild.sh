#!/usr/bin/env bash
# Build tests on the arches we do not boot: kernel/, mm/ and fs/exec.o of a defconfig, with Debian's
# cross compilers (i386 with the host gcc), in build/arch-<name> (incremental, ccache).
#
#   archbuild.sh NAME      NAME: i386 arm64 arm riscv64 s390
#
# arm uses rpc_defconfig (RiscPC: ARMv4, no ASIDs, UP), the configuration with the deferred
# switch_mm() that arch_lazy_mm_switch_to_init() completes, and the ecard driver.
source "$(dirname "$0")/lib.sh"

name=${1:?arch}
case "$name" in
i386) a=i386 cross= cfg=i386_defconfig ;;
arm64) a=arm64 cross=aarch64-linux-gnu- cfg=defconfig ;;
arm) a=arm cross=arm-linux-gnueabi- cfg=rpc_defconfig ;;
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
[ "$name" = arm ] && targets+=(arch/arm/mach-rpc/ecard.o)
t0=$(now)
if ! make -s -C "$TREE" O="$out" ARCH="$a" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" \
	-j"$JOBS" "$cfg" >"$log" 2>&1 ||
   ! make -s -C "$TREE" O="$out" ARCH="$a" CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" \
	-j"$JOBS" "${targets[@]}" >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -n 20 >&2
	die "$name ($cfg) does not build ${targets[*]}; see $log"
fi
if grep -E 'warning:' "$log" | grep -vE '^\s*$' >"$out/warnings"; then
	echo "$name: $(wc -l <"$out/warnings") compiler warning(s), see $out/warnings" >&2
fi
echo "archbuild $name ($cfg): ${targets[*]} built in $(($(now) - t0)) s"
