# shellcheck shell=bash
# Shared helpers for the lazymm-hp harness. Sourced by every script in scripts/.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
CACHE=$BUILD/cache
TREE=${TREE:-$BUILD/linux${KSRC:+-ksrc}}	# the work tree the series is applied to
PATCHES=$TOP/patches
RESULTS=$TOP/results
BASE_PKG=linux-source-7.3
BASE_SUITE=trixie-backports
BASE_VERSION=7.3			# "make kernelversion" of the base must start with this
JOBS=${JOBS:-$(nproc)}
GIT_IDENT=(-c "user.name=lazymm-hp developers" -c "user.email=lazymm-hp@users.noreply.invalid")

# ccache lives outside the checkout, so that a new clone on the same machine (CI) reuses it.
export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lazymm-hp/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Hash paths relative to the checkout, so that another clone hits the same cache entries.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=lazymm-hp KBUILD_BUILD_HOST=qemu

# One line saying what failed and how to fix it, then exit.
die() { echo "error: $*" >&2; exit 1; }
step() { printf '==> %s\n' "$*" >&2; }
now() { date +%s; }

need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			die "'$t' not found; run 'make setup' (installs the Debian packages listed in scripts/setup.sh)"
	done
}

# git in the kernel work tree, with the project's identity and no user hooks.
tgit() { git -C "$TREE" "${GIT_IDENT[@]}" -c core.hooksPath=/dev/null "$@"; }

# The base commit of the work tree (tag "base").
require_tree() {
	[ -d "$TREE/.git" ] || die "no kernel work tree at $TREE; run 'make base' first"
	tgit rev-parse -q --verify base^{commit} >/dev/null ||
		die "work tree $TREE has no 'base' tag; remove $TREE and run 'make base'"
}

# adds_only REV: the series up to REV only adds source files (no existing .c, .h or .S changed), so
# what it adds is all a bisect build of REV needs to compile.
adds_only() {
	local changed
	changed=$(tgit diff --name-only --diff-filter=MDR base "$1" -- '*.c' '*.h' '*.S') ||
		die "git diff base $1 failed"
	[ -z "$changed" ]
}

# config_has FRAGMENT CONFIG TREE: every CONFIG_X=y line of FRAGMENT whose option TREE's Kconfig
# files define (a fragment may name an option a later patch adds) is in CONFIG, or say which are not.
config_has() {
	local l sym missing=()
	while read -r l; do
		grep -qxF "$l" "$2" && continue
		sym=${l%=y}
		git -C "$3" grep -qE "^[[:space:]]*(menu)?config ${sym#CONFIG_}\$" -- '*Kconfig*' || continue
		missing+=("$sym")
	done < <(grep -E '^CONFIG_[A-Za-z0-9_]+=y$' "$1")
	[ "${#missing[@]}" = 0 ] && return 0
	echo "error: $2 lacks ${missing[*]} of $1 (dependencies not met?)" >&2
	return 1
}

# aux_tree NAME REV: a second work tree of the same repository ($TREE-NAME), detached at REV, so
# that the main work tree's files (and the mtimes its builds depend on) never change. Prints its path.
aux_tree() {
	local bt=$TREE-$1 rev
	require_tree
	rev=$(tgit rev-parse "$2^{commit}")
	if [ ! -e "$bt/.git" ]; then
		tgit worktree prune
		tgit worktree add -q -f --detach "$bt" "$rev" >&2 ||
			die "cannot create the work tree $bt (git worktree add failed)"
	fi
	[ -z "$(git -C "$bt" status --porcelain)" ] ||
		die "the work tree $bt has local changes; remove it ('git -C $TREE worktree remove --force $bt')"
	[ "$(git -C "$bt" rev-parse HEAD)" = "$rev" ] || git -C "$bt" checkout -q --detach "$rev" ||
		die "cannot check out $rev in $bt; remove it"
	echo "$bt"
}

# The unpatched base, for the A/B kernels.
base_tree() { aux_tree base base; }

# Build directory of a kernel: NAME (x86_64, x86_64-rt, ppc64) on SIDE hp (the series), base, or
# pN (the series' first N patches).
kdir() {
	case "${2:-hp}" in
	hp) echo "$BUILD/kunit-$1" ;;
	base) echo "$BUILD/base-$1" ;;
	*) echo "$BUILD/$2-$1" ;;
	esac
}

# Run a command with a hard time limit; on timeout say what hung.
with_timeout() {
	local secs=$1; shift
	timeout --foreground -k 10 "$secs" "$@"
}

# Per-arch build settings: ARCH for make, cross compiler prefix, kernel image, qemu binary.
arch_vars() {
	case "$1" in
	x86_64)
		K_ARCH=x86_64 K_CROSS= K_IMAGE=arch/x86/boot/bzImage K_QEMU=qemu-system-x86_64 ;;
	ppc64)
		K_ARCH=powerpc K_CROSS=powerpc64-linux-gnu- K_IMAGE=vmlinux K_QEMU=qemu-system-ppc64 ;;
	ppc64le)
		K_ARCH=powerpc K_CROSS=powerpc64le-linux-gnu- K_IMAGE=vmlinux K_QEMU=qemu-system-ppc64 ;;
	sparc64)
		K_ARCH=sparc K_CROSS=sparc64-linux-gnu- K_IMAGE=arch/sparc/boot/image K_QEMU=qemu-system-sparc64 ;;
	*) die "unknown arch '$1' (x86_64, ppc64, ppc64le or sparc64)" ;;
	esac
}

# Accelerator for qemu: TCG by default (KVM stalls guests on the project's machines).
ACCEL=${ACCEL:-tcg}
QEMU_EXTRA=()
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}

# qemu command line for a boot variant: x86_64, x86_64-rt, ppc64-radix, ppc64-hash, sparc64 (qemu's
# sun4u has one CPU: SMP is ignored). Prints one arg per line.
qemu_args() {
	local variant=$1 image=$2 append=$3 smp=${4:-4}
	case "$variant" in
	x86_64 | x86_64-rt)
		printf '%s\n' qemu-system-x86_64 -accel "$ACCEL" -m 1024 -smp "$smp" -nodefaults -nographic \
			-no-reboot -serial stdio -bios qboot.rom -kernel "$image" \
			-append "console=ttyS0 $append" ;;
	ppc64*-radix | ppc64-hash)
		[ "$variant" = ppc64-hash ] && append="disable_radix $append"
		printf '%s\n' qemu-system-ppc64 -accel "$ACCEL" -M pseries -cpu power9 -m 1024 -smp "$smp" \
			-nodefaults -nographic -no-reboot -serial stdio -kernel "$image" \
			-append "console=hvc0 $append" ;;
	sparc64)
		printf '%s\n' qemu-system-sparc64 -accel "$ACCEL" -M sun4u -m 1024 -smp 1 -nographic \
			-no-reboot -kernel "$image" -append "console=ttyS0 $append" ;;
	*) die "unknown boot variant '$variant'" ;;
	esac
}

# vCPUs a boot variant runs with when asked for SMP (sun4u: 1).
variant_smp() { [ "$1" = sparc64 ] && echo 1 || echo "$2"; }

# How a boot variant's guest ends: reboot (qemu -no-reboot exits), or poweroff on sparc64, whose
# reboot under qemu goes through the firmware, fails and panics.
variant_halt() { [ "$1" = sparc64 ] && echo poweroff || echo reboot; }

# Boot a kernel under qemu with a hard timeout, console to $log. Fails on timeout, printing the
# console tail.
qemu_boot() {
	local variant=$1 image=$2 append=$3 log=$4 smp=${5:-4} rc=0 args
	mapfile -t args < <(qemu_args "$variant" "$image" "$append" "$smp")
	args+=("${QEMU_EXTRA[@]}")
	need "${args[0]}"
	timeout -k 10 "$BOOT_TIMEOUT" "${args[@]}" </dev/null >"$log" 2>&1 || rc=$?
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "error: $variant: qemu did not finish within ${BOOT_TIMEOUT}s (hang?); console tail:" >&2
		tail -n 25 "$log" | sed 's/^/    /' >&2
		return 1
	fi
	if [ "$rc" != 0 ]; then
		echo "error: $variant: qemu exited with status $rc; console tail:" >&2
		tail -n 25 "$log" | sed 's/^/    /' >&2
		return 1
	fi
}

# Lines in a console log that mean the kernel went wrong.
SPLAT_RE='Kernel panic|BUG:|WARNING:|Oops|general protection fault|KASAN:|UBSAN:|possible recursive locking|circular locking dependency|inconsistent lock state|rcu: INFO|INFO: task .* blocked|Unable to handle kernel'

# A private apt configuration under build/cache/apt-NAME for the given suites of the machine's
# Debian mirror: its own sources list, lists, state and archives; nothing global is read or
# changed but the mirror URI and the archive keyring. Sets APT_OPTS and APT_DIR.
private_apt() {
	local name=$1 mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg suite
	shift
	need apt-get
	mirror=$( { awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' /etc/apt/sources.list.d/*.sources 2>/dev/null
		    awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) {print $i; break}}' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null; } |
		grep -v -- '-security' | grep -E '^(https?|file)://' | head -n 1) || true
	[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}; configure apt first"
	[ -r "$keyring" ] || die "$keyring missing; install Debian's debian-archive-keyring package"
	APT_DIR=$CACHE/apt-$name
	mkdir -p "$APT_DIR"/{lists/partial,archives/partial,state}
	[ -f "$APT_DIR/state/status" ] || : >"$APT_DIR/state/status"
	for suite in "$@"; do
		echo "deb [signed-by=$keyring] $mirror $suite main"
	done >"$APT_DIR/sources.list"
	APT_OPTS=(-q -o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State=$APT_DIR/state" -o "Dir::State::Lists=$APT_DIR/lists"
		-o "Dir::State::status=$APT_DIR/state/status" -o "Dir::Cache=$APT_DIR"
		-o "Dir::Cache::Archives=$APT_DIR/archives" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
		-o APT::Sandbox::User=root -o Debug::NoLocking=1)
}

# Download Debian packages PKG[/SUITE]... with the private configuration NAME into directory DIR.
private_apt_download() {
	local dir=$1
	shift
	mkdir -p "$dir"
	if [ ! -s "$APT_DIR/update.stamp" ]; then
		apt-get "${APT_OPTS[@]}" update >"$APT_DIR/update.log" 2>&1 ||
			die "apt-get update with $APT_DIR/sources.list failed (network or mirror?); see $APT_DIR/update.log"
		date >"$APT_DIR/update.stamp"
	fi
	(cd "$dir" && apt-get "${APT_OPTS[@]}" download "$@" >"$APT_DIR/download.log" 2>&1) ||
		die "cannot download $* ; see $APT_DIR/download.log${APT_HINT:+; $APT_HINT}"
}

# sparse new enough for this kernel (__typeof_unqual__): Debian's 0.6.4 is not; sid's is, with sid's
# libc, unpacked into build/cache/tools and run through sid's dynamic loader. Prints the CHECK= value.
SPARSE_DIR=$CACHE/tools/sparse
sparse_check_cmd() {
	local d=$SPARSE_DIR
	echo "$d/usr/lib64/ld-linux-x86-64.so.2 --library-path $d/usr/lib/x86_64-linux-gnu $d/usr/bin/sparse"
}

# no_splats VARIANT LOG: fail, printing the first ones, if the console log LOG has splat lines; they
# are kept in LOG with .splats instead of .log.
no_splats() {
	local variant=$1 log=$2 splats=${2%.log}.splats
	if grep -aE "$SPLAT_RE" "$log" >"$splats"; then
		echo "error: $variant: the kernel reported problems:" >&2
		head -n 10 "$splats" | sed 's/^/    /' >&2
		return 1
	fi
	rm -f "$splats"
}
