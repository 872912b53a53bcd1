#!/usr/bin/env bash
# Guest smoke: boot the series' kernels into our own static /init (guest/smoke.c), which runs a
# short fork/exit/thread/exec storm (including exec from a kernel thread through the usermode
# helper) and reboots.
#
#   smoke.sh build x86_64|ppc64            static /init + initramfs under build/guest/<arch>
#   smoke.sh run VARIANT [SECS]            boot build/kunit-<arch> with it (KUnit disabled), -smp 4;
#                                          fails on a timeout, a missing result line, a bad exit,
#                                          no exec from a kernel thread, or any splat
#   smoke.sh exits VARIANT N [TAG]         N process exits, each leaving its mm lazy on every CPU;
#                                          prints the /proc/interrupts rows that grew, per exit
#                                          (results/ipis/VARIANT[-TAG].txt)
source "$(dirname "$0")/lib.sh"

cc_for() {
	case "$1" in
	x86_64) echo gcc ;;
	ppc64) echo powerpc64-linux-gnu-gcc ;;
	*) die "unknown arch '$1'" ;;
	esac
}

build() {
	local arch=$1 out=$BUILD/guest/$1 cc
	cc=$(cc_for "$arch")
	need "$cc"
	require_tree
	mkdir -p "$out"
	[ -x "$BUILD/guest/gen_init_cpio" ] ||
		gcc -O2 -o "$BUILD/guest/gen_init_cpio" "$TREE/usr/gen_init_cpio.c" ||
		die "cannot build the kernel's usr/gen_init_cpio"
	"$cc" -static -O2 -pthread -Wall -o "$out/init" "$TOP/guest/smoke.c" ||
		die "cannot build guest/smoke.c for $arch (is the static libc for $arch installed? run 'make setup')"
	printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
		"file /init $out/init 0755 0 0" >"$out/initramfs.list"
	"$BUILD/guest/gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio"
}

run() {
	local variant=$1 secs=${2:-10} arch out log line t0
	arch=${variant%%-*}
	arch_vars "$arch"
	local image=$BUILD/kunit-$arch/$K_IMAGE initrd=$BUILD/guest/$arch/initramfs.cpio
	[ -f "$image" ] || die "no kernel at $image; run 'scripts/kunit.sh build $arch' first"
	[ -f "$initrd" ] || die "no initramfs at $initrd; run 'scripts/smoke.sh build $arch' first"
	out=$RESULTS/smoke
	mkdir -p "$out"
	log=$out/$variant.log
	step "smoke boot $variant (-smp 4, $ACCEL, ${secs} s of load)"
	t0=$(now)
	QEMU_EXTRA=(-initrd "$initrd")
	qemu_boot "$variant" "$image" \
		"rdinit=/init kunit.enable=0 panic=-1 oops=panic smoke.secs=$secs" "$log" || return 1
	QEMU_EXTRA=()
	line=$(grep -a '^SMOKE: done' "$log" | tail -n 1)
	local ok=1
	if [ -z "$line" ]; then
		echo "error: $variant: no 'SMOKE: done' line; console tail:" >&2
		tail -n 20 "$log" | sed 's/^/    /' >&2
		ok=0
	elif ! grep -q 'bad_exits=0' <<<"$line" || grep -q 'umh_execs=0 ' <<<"$line"; then
		echo "error: $variant: $line (want bad_exits=0 and umh_execs>0)" >&2
		ok=0
	fi
	no_splats "$variant" "$log" || ok=0
	echo "smoke $variant: ${line#SMOKE: done } ($(($(now) - t0)) s)" | tee "$out/$variant.summary"
	[ "$ok" = 1 ]
}

exits() {
	local variant=$1 n=$2 tag=${3:+-$3} arch log out
	arch=${variant%%-*}
	arch_vars "$arch"
	local image=$BUILD/kunit-$arch/$K_IMAGE initrd=$BUILD/guest/$arch/initramfs.cpio
	[ -f "$image" ] && [ -f "$initrd" ] || die "build the kernel and the guest for $arch first"
	out=$RESULTS/ipis
	mkdir -p "$out"
	log=$out/$variant$tag.log
	QEMU_EXTRA=(-initrd "$initrd")
	qemu_boot "$variant" "$image" "rdinit=/init kunit.enable=0 panic=-1 oops=panic smoke.exits=$n" \
		"$log" || return 1
	QEMU_EXTRA=()
	grep -aq '^EXITS: done.*bad_exits=0' "$log" || die "$variant: the exit benchmark did not finish; see $log"
	! grep -aE "$SPLAT_RE" "$log" || die "$variant: the kernel reported problems; see $log"
	{
		echo "# $variant$tag: $n process exits, each with one thread per CPU (-smp 4); per exit:"
		awk -v n="$n" '$1 == "IRQSUM" && $2 == "before" { b[$3] = $NF }
			$1 == "IRQSUM" && $2 == "after" { d = $NF - b[$3]; if (d > 0)
				printf "%-12s %8.2f\n", $3, d / n }' "$log"
	} | tee "$out/$variant$tag.txt"
}

case "${1:-}" in
build) build "${2:?arch}" ;;
exits) exits "${2:?variant}" "${3:?count}" "${4:-}" ;;
run) run "${2:?variant}" "${3:-10}" ;;
*) echo "usage: $0 build ARCH | run VARIANT [SECS]" >&2; exit 2 ;;
esac
