#!/usr/bin/env bash
# LKMM litmus tests of the lazy mm hazard pointer protocol, checked with herd7 against the kernel's
# memory model (tools/memory-model of the work tree). herd7 comes from Debian sid with a private apt
# configuration, unpacked (dpkg -x) under build/cache/tools/herd with sid's libc and run through
# sid's dynamic loader; nothing is installed system-wide.
#
#   litmus.sh fetch         download and unpack herd7 into build/cache/tools/herd (idempotent)
#   litmus.sh run [DIR]     run every DIR/*.litmus (default: the series' tests in the work tree,
#                           Documentation/litmus-tests/hp)
#                           and compare herd7's observation (Never/Sometimes/Always) with the
#                           "Result:" line of the test's header comment; one PASS/FAIL line per
#                           test; fails on a mismatch, a herd7 error, flag or timeout, or no tests
#   litmus.sh version       print herd7's version
#
# Knobs: LITMUS_TIMEOUT=secs per test (120).
source "$(dirname "$0")/lib.sh"

HERD_DIR=$CACHE/tools/herd
HERD_ROOT=$HERD_DIR/root
LITMUS_TIMEOUT=${LITMUS_TIMEOUT:-120}

# The dynamic loader of the unpacked libc6 (its location differs between libc6 versions).
herd_ld() {
	local f
	for f in "$HERD_ROOT"/usr/lib64/ld-linux-x86-64.so.2 \
		"$HERD_ROOT"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
		"$HERD_ROOT"/lib64/ld-linux-x86-64.so.2 \
		"$HERD_ROOT"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

herd_ok() {
	[ -x "$HERD_ROOT/usr/bin/herd7" ] && [ -d "$HERD_ROOT/usr/share/herdtools7/herd" ] && herd_ld >/dev/null
}

# Sets HERD7 to the command that runs the unpacked herd7 with its own libc.
herd_cmd() {
	local ld
	ld=$(herd_ld) || die "no dynamic loader under $HERD_ROOT; remove $HERD_DIR and run '$0 fetch'"
	HERD7=("$ld" --library-path "$HERD_ROOT/usr/lib/x86_64-linux-gnu:$HERD_ROOT/lib/x86_64-linux-gnu"
		"$HERD_ROOT/usr/bin/herd7" -set-libdir "$HERD_ROOT/usr/share/herdtools7/herd")
}

fetch() {
	local tmp d
	if herd_ok; then
		return 0
	fi
	step "fetching herd7 (herdtools7) from Debian sid into $HERD_DIR"
	need dpkg-deb
	private_apt herd sid
	# shellcheck disable=SC2034 # read by private_apt_download()
	APT_HINT="is herdtools7 in the mirror's sid suite? remove $CACHE/apt-herd to refresh the package lists"
	tmp=$HERD_DIR.tmp.$$
	rm -rf "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	private_apt_download "$tmp/debs" herdtools7 libc6 libgmp10
	mkdir -p "$tmp/root"
	for d in "$tmp/debs"/*.deb; do
		dpkg-deb -x "$d" "$tmp/root" || die "cannot unpack $d (disk full?); run '$0 fetch' again"
	done
	rm -rf "$HERD_DIR"
	mv "$tmp" "$HERD_DIR"
	trap - EXIT
	herd_ok || die "herdtools7 unpacked into $HERD_DIR lacks usr/bin/herd7, its libdir or a dynamic loader; remove $HERD_DIR and check the package layout"
}

# Make sure herd7 is there and runs; never go on to "run" without it.
require_herd() {
	(fetch) || die "cannot obtain herd7 (see above), so no litmus test was run; fix that and run '$0 fetch'"
	herd_cmd
	"${HERD7[@]}" -version >/dev/null 2>&1 ||
		die "herd7 in $HERD_DIR does not run (see: $0 version); remove $HERD_DIR and run '$0 fetch'"
}

version() {
	require_herd
	printf '%s\n' "$("${HERD7[@]}" -version 2>&1)"
}

# expected FILE: the Never/Sometimes/Always of the "Result:" line in the header comment.
expected() {
	sed -n 's/^[[:space:]*]*Result:[[:space:]]*\(Never\|Sometimes\|Always\)\b.*/\1/p' "$1" | head -n 1
}

run() {
	local dir=${1:-} mm=$TREE/tools/memory-model
	local f name want got out rc fails=0 n=0 t0
	# The tests are part of the series (patch 7).
	[ -n "$dir" ] || dir=$TREE/Documentation/litmus-tests/hp
	[ -d "$dir" ] || die "no litmus test directory $dir; apply the series ('make apply') or give one as 'litmus.sh run DIR'"
	[ -f "$mm/linux-kernel.cfg" ] || die "no LKMM at $mm (linux-kernel.cfg missing); run 'make base' first"
	shopt -s nullglob
	local tests=("$dir"/*.litmus)
	shopt -u nullglob
	[ "${#tests[@]}" -gt 0 ] || die "no *.litmus files in $dir"
	dir=$(cd "$dir" && pwd)
	require_herd
	t0=$(now)
	for f in "${tests[@]}"; do
		f=$dir/${f##*/}
		name=$(basename "$f" .litmus)
		n=$((n + 1))
		want=$(expected "$f")
		if [ -z "$want" ]; then
			echo "FAIL $name: no 'Result: Never|Sometimes|Always' line in its header comment"
			fails=$((fails + 1))
			continue
		fi
		rc=0
		out=$(cd "$mm" && with_timeout "$LITMUS_TIMEOUT" "${HERD7[@]}" -conf linux-kernel.cfg "$f" 2>&1) || rc=$?
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			echo "FAIL $name: herd7 did not finish within ${LITMUS_TIMEOUT}s (raise LITMUS_TIMEOUT?)"
			fails=$((fails + 1))
			continue
		fi
		got=$(awk '$1 == "Observation" {print $3; exit}' <<<"$out")
		if [ "$rc" != 0 ] || [ -z "$got" ]; then
			echo "FAIL $name: herd7 error (exit status $rc${got:+, observation $got}${got:-, no Observation line}):"
			tail -n 10 <<<"$out" | sed 's/^/    /'
			fails=$((fails + 1))
			continue
		fi
		if grep -q '^Flag ' <<<"$out"; then
			# A flag (data-race, lock misuse...) makes the observation meaningless.
			echo "FAIL $name: $got (expected $want), but herd7 raised $(grep '^Flag ' <<<"$out" | tr '\n' ' ')"
			fails=$((fails + 1))
		elif [ "$got" = "$want" ]; then
			echo "PASS $name: $got (expected $want)"
		else
			echo "FAIL $name: $got (expected $want)"
			fails=$((fails + 1))
		fi
	done
	step "$n litmus tests in $dir, $fails failed, $(($(now) - t0)) s"
	[ "$fails" = 0 ]
}

case "${1:-}" in
fetch) require_herd; step "herd7: $("${HERD7[@]}" -version 2>&1 | head -n 1)" ;;
run) shift; run "$@" ;;
version) version ;;
*) die "usage: $0 fetch | run [DIR] | version" ;;
esac
