#!/usr/bin/env bash
# Host tools that Debian 12 ships too old, taken from Debian sid with a private apt configuration and
# unpacked (dpkg -x) under build/cache/tools; nothing is installed system-wide. Idempotent.
#
#   sparse   0.6.5~rc1: the kernel's checker-valid.sh needs __typeof_unqual__, which 0.6.4 lacks
source "$(dirname "$0")/lib.sh"

# unpack DIR PKG/SUITE...: download and dpkg -x the packages into DIR (atomically).
unpack() {
	local dir=$1 tmp d
	shift
	tmp=$dir.tmp.$$
	rm -rf "$tmp" "$dir.dl"
	trap 'rm -rf "$tmp" "$dir.dl"' EXIT
	private_apt_download "$dir.dl" "$@"
	mkdir -p "$tmp"
	for d in "$dir.dl"/*.deb; do
		dpkg-deb -x "$d" "$tmp" || die "cannot unpack $d"
	done
	rm -rf "$dir" "$dir.dl"
	mv "$tmp" "$dir"
	trap - EXIT
}

if [ ! -x "$SPARSE_DIR/usr/bin/sparse" ]; then
	step "fetching sparse from Debian sid into build/cache/tools"
	private_apt sid sid
	unpack "$SPARSE_DIR" sparse/sid libc6/sid
fi
# The kernel's own test of the checker.
[ "$(sh "$TREE/scripts/checker-valid.sh" $(sparse_check_cmd) 2>/dev/null)" = 1 ] ||
	die "sparse in $SPARSE_DIR does not pass the kernel's scripts/checker-valid.sh; remove it and retry"
step "sparse: $($(sparse_check_cmd) --version)"
