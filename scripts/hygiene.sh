#!/usr/bin/env bash
# Patch hygiene checks on the applied series (work tree at the tip of "work").
#
#   hygiene.sh checkpatch PATCH   scripts/checkpatch.pl --strict: 0 errors, 0 warnings, 0 checks
#   hygiene.sh bisect ARCH SHA [objects]
#                                 build x86_64 or ppc64 at that commit in build/bisect-ARCH
#                                 (incremental; allnoconfig + configs/bisect*.config): a whole
#                                 kernel, or with "objects" only the touched files and the
#                                 directories the series' code lives in (see bisect() below)
#   hygiene.sh removed            none of the symbols the series removes is left in the tree
#   hygiene.sh static             W=1 + sparse (C=2) on every .c file the series touches (in the
#                                 x86_64 or else the ppc64 KUnit build), and
#                                 kernel-doc -Wall on every touched header; fails on any warning on a
#                                 line the series added (pre-existing ones are listed, not counted)
source "$(dirname "$0")/lib.sh"

checkpatch() {
	local p=$1 out f
	# Debian's python3 (with python3-ply and python3-git) for checkpatch's spdxcheck.py.
	# FILE_PATH_CHANGES only asks "does MAINTAINERS need updating?" of a patch that adds files
	# without touching MAINTAINERS; the loop below answers it: every added file must belong to a
	# MAINTAINERS section other than THE REST (get_maintainer.pl on the work tree).
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		--ignore FILE_PATH_CHANGES "$p" 2>&1) || true
	while read -r f; do
		if [ ! -e "$TREE/$f" ] ||
			! (cd "$TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback --sections -f "$f" 2>/dev/null) |
			grep -vE '^([A-Z]:|$)' | grep -qvx 'THE REST'; then
			out+="${out:+$'\n'}FILE_PATH_CHANGES: $f, added, is in no MAINTAINERS section (or not in the work tree)"
		fi
	done < <(awk '/^diff --git / { f = substr($4, 3) } /^new file mode / { print f }' "$p")
	if [ -n "$out" ]; then
		echo "$out" | head -n 40 >&2
		echo "error: checkpatch --strict reports problems in $(basename "$p")" >&2
		return 1
	fi
}

# linked_objs DIR: the objects a kernel build in DIR linked (vmlinux.a) or built as modules
# (modules.order), one "path/file.o" per line; stale objects of options no longer set are not listed.
linked_objs() {
	(cd "$1" && ar t vmlinux.a && { [ ! -f modules.order ] || sed 's/\.ko$/.o/' modules.order; })
}

# bisect ARCH SHA: build SHA, checked out in a second work tree (build/linux-bisect), in
# build/bisect-ARCH (incremental, ccache). The config is allnoconfig plus configs/bisect.config and
# configs/bisect-ARCH.config, regenerated at each state: a whole kernel links at every patch, in
# about 40% less time than the KUnit config (x86_64 cold: 208 s against 348 s). So that the small
# config cannot hide a broken file, every .c file the series has touched by SHA that the tip's
# KUnit build of the arch links must have been linked here too (files #included by another .c,
# such as kernel/sched/idle.c, are checked through the object that includes them).
#
# bisect ARCH SHA objects: the same configuration, but make only the objects of the .c files the
# series has touched by SHA that the tip's KUnit build links, and, once the series has changed an
# existing source file, kernel/sched/ (files #included by build_policy.c and build_utility.c),
# arch/ARCH/kernel/ and arch/ARCH/mm/. No link, so it misses an undefined symbol and any file
# outside those. make check uses it
# - for the ppc64 states before the tip (x86_64 links every later state, ppc64 the tip), where a
#   whole kernel cost 218 s cold at each of patches 3 and 5, which change headers nearly every
#   file includes;
# - for the x86_64 states of patches that only add files (patches 1 and 2: the hazard pointer
#   domain and its tests, plus Kconfig, Makefile and documentation lines): the rest of the tree is
#   the base's, and the next state that links (patch 3) links the same kernel/hp.o and Makefile.
#   This saves the cold whole-kernel build of patch 1 (211 s on the session 8 machine, some 7
#   minutes on CI).
bisect() {
	local arch=$1 sha=$2 mode=${3:-link} log rc=0 dir=$BUILD/bisect-$1 bt frag f touched tip here checked=0 missing=()
	local targets=() expect=()
	case "$mode" in link | objects) ;; *) die "bisect: unknown mode '$mode' (link or objects)" ;; esac
	bt=$(aux_tree bisect "$sha")
	arch_vars "$arch"
	[ -f "$BUILD/kunit-$arch/vmlinux.a" ] || die "no $arch KUnit build yet; run 'scripts/kunit.sh build $arch'"
	log=$BUILD/logs/bisect-$arch-$(tgit rev-parse --short "$sha").log
	mkdir -p "$BUILD/logs" "$dir"
	frag=$dir/bisect.fragment
	cat "$TOP/configs/bisect.config" "$TOP/configs/bisect-$arch.config" >"$frag"
	local mk=(make -s -C "$bt" O="$dir" ARCH="$K_ARCH" CROSS_COMPILE="$K_CROSS" CC="ccache ${K_CROSS}gcc"
		-j"$JOBS")
	touched=$(tgit diff --no-renames --name-only --diff-filter=AM base "$sha" -- '*.c') ||
		die "git diff base $sha failed"
	tip=$(linked_objs "$BUILD/kunit-$arch") || die "cannot list the objects of build/kunit-$arch"
	if [ "$mode" = objects ]; then
		# Up to a series that only adds files, those files are all that changed.
		adds_only "$sha" ||
			targets=(kernel/sched/ "arch/${K_ARCH/x86_64/x86}/kernel/" "arch/${K_ARCH/x86_64/x86}/mm/")
		local dirs=("${targets[@]}") d
		for f in $touched; do
			grep -qxF "${f%.c}.o" <<<"$tip" || continue
			expect+=("${f%.c}.o")
			# An object inside a directory target is left to it: kbuild compiles a named
			# object whether or not the configuration selects it, a directory only what it
			# selects.
			for d in "${dirs[@]}"; do [[ $f == "$d"* ]] && continue 2; done
			targets+=("${f%.c}.o")
		done
		[ "${#targets[@]}" != 0 ] || die "bisect $arch objects: nothing to compile at $sha"
		# Objects of an earlier full build would pass the check below unbuilt.
		for f in $touched; do rm -f "$dir/${f%.c}.o"; done
	fi
	"${mk[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig >"$log" 2>&1 || rc=$?
	# allnoconfig drops a line of the fragment whose dependencies are not met, silently; then the
	# objects named below would be compiled without their option (kbuild builds a named object).
	[ "$rc" != 0 ] || config_has "$frag" "$dir/.config" "$bt" || return 1
	[ "$rc" != 0 ] || "${mk[@]}" "${targets[@]}" >>"$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		grep -m 20 -E 'error|Error' "$log" >&2 || true
		echo "error: the tree does not build for $arch at $(tgit log -1 --format='%h %s' "$sha"); see $log" >&2
		return 1
	fi
	if [ "$mode" = objects ]; then
		for f in "${expect[@]}"; do
			[ -f "$dir/$f" ] || missing+=("${f%.o}.c")
		done
		[ "${#missing[@]}" = 0 ] ||
			{ echo "error: configs/bisect*.config does not build ${missing[*]} for $arch (the KUnit build does)" >&2; return 1; }
		echo "bisect $arch: compiled ${targets[*]} (${#expect[@]} touched .c file(s) of the KUnit build among them), not linked" >&2
		return 0
	fi
	here=$(linked_objs "$dir") || die "cannot list the objects of $dir"
	for f in $touched; do
		grep -qxF "${f%.c}.o" <<<"$tip" || continue
		checked=$((checked + 1))
		if ! grep -qxF "${f%.c}.o" <<<"$here"; then
			missing+=("$f")
		fi
	done
	if [ "${#missing[@]}" != 0 ]; then
		echo "error: configs/bisect*.config does not build ${missing[*]} for $arch (the KUnit build does)" >&2
		return 1
	fi
	echo "bisect $arch: linked; $checked touched .c file(s) of the KUnit build are in it" >&2
}

# Added line numbers per file at the tip: "file:line" lines.
added_lines() {
	tgit diff -U0 base..work | awk '
		/^\+\+\+ b\// { file = substr($0, 7); next }
		/^@@ / { split($3, a, ","); start = substr(a[1], 2); n = (a[2] == "" ? 1 : a[2]);
			 for (i = 0; i < n; i++) print file ":" start + i }'
}

static() {
	require_tree
	local files headers log added new=0 f
	mapfile -t files < <(tgit diff --name-only --diff-filter=AM base..work -- '*.c')
	mapfile -t headers < <(tgit diff --name-only --diff-filter=AM base..work -- '*.h')
	log=$BUILD/logs/static.log
	mkdir -p "$BUILD/logs"
	added=$(added_lines)
	: >"$log"
	local arch checked=0
	for f in "${files[@]}"; do
		# In the KUnit build (x86_64, then ppc64) that compiles the file.
		for arch in x86_64 ppc64; do
			[ -f "$BUILD/kunit-$arch/${f%.c}.o" ] || continue
			arch_vars "$arch"
			make -s -C "$TREE" O="$BUILD/kunit-$arch" ARCH="$K_ARCH" CROSS_COMPILE="$K_CROSS" \
				CC="ccache ${K_CROSS}gcc" -j"$JOBS" W=1 C=2 CHECK="$(sparse_check_cmd)" \
				"${f%.c}.o" >>"$log" 2>&1 ||
				{ echo "error: W=1 build of $f ($arch) failed" >&2; new=1; }
			checked=$((checked + 1))
			continue 2
		done
		echo "static: $f is built by neither KUnit config (see the arch builds)" | tee -a "$log" >&2
	done
	for f in "${headers[@]}"; do
		(cd "$TREE" && perl scripts/kernel-doc -none -Wall "$f") >>"$log" 2>&1 || true
	done
	if grep -q 'not available or not up to date' "$log"; then
		echo "error: sparse did not run (kernel's checker-valid.sh refused it); run scripts/fetch-tools.sh" >&2
		return 1
	fi
	# Warnings and errors from gcc, sparse and kernel-doc name "file:line"; keep those on added lines.
	local hits
	hits=$(grep -iE '(warning|error)' "$log" | sed -E "s#$TREE/##g" |
		while IFS= read -r l; do
			key=$(echo "$l" | grep -oE '[A-Za-z0-9_./-]+\.[chS]:[0-9]+' | head -n 1)
			[ -n "$key" ] && grep -qxF "$key" <<<"$added" && echo "$l"
		done | sort -u) || true
	[ "$new" = 0 ] || return 1
	echo "static: $checked of ${#files[@]} .c files (W=1, sparse), ${#headers[@]} headers (kernel-doc)" >&2
	if [ -n "$hits" ]; then
		echo "$hits" | head -n 30 >&2
		echo "error: W=1/sparse/kernel-doc warnings on lines the series adds (above); full log $log" >&2
		return 1
	fi
	old=$(grep -ciE '(warning|error)' "$log" || true)
	[ "$old" = 0 ] || echo "static: $old warning(s) on lines the series does not touch (see $log)" >&2
}

# What the series removes must be gone from the whole applied tree.
REMOVED='MMU_LAZY_TLB_REFCOUNT|MMU_LAZY_TLB_SHOOTDOWN|DEBUG_VM_SHOOT_LAZIES|mmdrop_sched|delayed_drop|smp_mb__after_mmgrab|smp_mb__after_switch_mm|mmdrop_lazy_tlb_sched|do_shoot_lazy_tlb'
removed() {
	require_tree
	local hits
	hits=$(tgit grep -n -E "$REMOVED" work -- . || true)
	if [ -n "$hits" ]; then
		echo "$hits" | head -n 20 >&2
		echo "error: symbols the series removes are still in the tree (above)" >&2
		return 1
	fi
}

case "${1:-}" in
checkpatch) checkpatch "${2:?patch}" ;;
removed) removed ;;
bisect) bisect "${2:?arch}" "${3:?sha}" "${4:-link}" ;;
static) static ;;
*) echo "usage: $0 checkpatch PATCH | bisect ARCH SHA [objects] | static | removed" >&2; exit 2 ;;
esac
