#!/usr/bin/env bash
# Install the Debian packages the harness needs (idempotent: nothing is done when all are present).
#
#   setup.sh            what make, make check, make stress and make bench need
#   setup.sh sparc64    and what make sparc64 needs besides (qemu's sparc64, a static sparc64 libc)
source "$(dirname "$0")/lib.sh"

PKGS=(
	build-essential bc bison flex cpio xz-utils kmod python3 git ccache sparse dwarves
	libelf-dev libssl-dev
	qemu-system-x86 qemu-system-ppc qemu-system-data
	gcc-powerpc64-linux-gnu gcc-powerpc64le-linux-gnu
	libc6-dev-ppc64-cross libc6-dev-ppc64el-cross gcc-aarch64-linux-gnu gcc-arm-linux-gnueabi gcc-riscv64-linux-gnu
	gcc-s390x-linux-gnu gcc-alpha-linux-gnu gcc-arc-linux-gnu gcc-mips-linux-gnu gcc-or1k-elf
	gcc-hppa-linux-gnu gcc-sh4-linux-gnu gcc-sparc64-linux-gnu clang-19 lld-19 llvm-19
	b4 debian-archive-keyring python3-ply python3-git gnuplot-nox
)
case "${1:-}" in
'') ;;
sparc64) PKGS+=(qemu-system-sparc libc6-dev-sparc64-cross) ;;
*) die "unknown package set '$1' (none, or sparc64)" ;;
esac

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	step "setup: all ${#PKGS[@]} packages present"
	exit 0
fi

step "setup: installing ${missing[*]}"
sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "need root to install ${missing[*]}; run 'make setup' as root"
	sudo=sudo
fi
log=$BUILD/setup.log
mkdir -p "$BUILD"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >"$log" 2>&1 ||
	die "apt-get update failed (network or apt configuration?); see $log"
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
	die "apt-get install of ${missing[*]} failed; see $log"
step "setup: done"
