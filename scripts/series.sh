#!/usr/bin/env bash
# The series lives in patches/ as git format-patch files (0000-cover-letter.patch, 0001-... listed
# in patches/series). This script moves it between the repository and a kernel work tree.
#
#   series.sh apply     reset the work tree's "work" branch to "base" and git am the series
#   series.sh export    write base..work back to patches/ (deterministic: an unchanged tree gives
#                       byte-identical files)
#   series.sh verify    apply to a scratch worktree of the base, export, and compare with patches/
#
# apply refuses to throw away commits or changes in the work tree that are not in patches/
# (FORCE=1 overrides).
source "$(dirname "$0")/lib.sh"

COVER=0000-cover-letter.patch

# Export base..HEAD of git dir $1 into directory $2 (created empty).
export_to() {
	local dir=$1 out=$2 n
	n=$(git -C "$dir" rev-list --count base..HEAD)
	[ "$n" -gt 0 ] || die "no commits on top of 'base' in $dir; nothing to export"
	rm -rf "$out" && mkdir -p "$out"
	git -C "$dir" "${GIT_IDENT[@]}" -c core.abbrev=12 -c diff.noprefix=false -c format.coverFromDescription=subject \
		format-patch -q -o "$out" --cover-letter --cover-from-description=subject --no-signature \
		--zero-commit --base=base --from="lazymm-hp developers <lazymm-hp@users.noreply.invalid>" \
		base..HEAD >/dev/null
	# Dates in headers are the author dates, fixed by the commits; the cover letter has none of
	# its own that we want to keep: pin it to the last patch's date.
	local last date
	last=$(ls "$out"/0*.patch | tail -n 1)
	date=$(sed -n 's/^Date: //p' "$last" | head -n 1)
	sed -i "s/^Date: .*/Date: $date/" "$out/$COVER"
	(cd "$out" && ls 0*.patch | grep -v "^$COVER\$") >"$out/series"
}

# Subject and body of the cover letter, as a branch description.
cover_description() {
	awk '
		/^Subject: / && !subj { sub(/^Subject: \[PATCH[^]]*\] /, ""); s = $0; subj = 1; next }
		subj && !body && /^ / { s = s $0; next }
		subj && !body && /^$/ { print s; print ""; body = 1; next }
		body && /^[^ ].* \([0-9]+\):$/ { exit }
		body { print }
	' "$1" | sed -e ':a' -e '/^\n*$/{$d;N;ba' -e '}'
}

apply_to() {
	local dir=$1 p
	[ -f "$PATCHES/series" ] || die "$PATCHES/series missing"
	git -C "$dir" "${GIT_IDENT[@]}" checkout -q -f -B work base
	while read -r p; do
		[ -n "$p" ] || continue
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
		if ! git -C "$dir" "${GIT_IDENT[@]}" -c core.hooksPath=/dev/null am -q --committer-date-is-author-date \
			"$PATCHES/$p" >"$BUILD/am.log" 2>&1; then
			git -C "$dir" am --abort >/dev/null 2>&1 || true
			sed -n '1,5p' "$BUILD/am.log" >&2
			die "patch $p does not apply to the base (git am output above); rebase it on v$BASE_VERSION"
		fi
	done <"$PATCHES/series"
	if [ -f "$PATCHES/$COVER" ]; then
		git -C "$dir" config branch.work.description "$(cover_description "$PATCHES/$COVER")"
	fi
}

cmd=${1:-}
case "$cmd" in
apply)
	require_tree
	if [ "${FORCE:-0}" != 1 ]; then
		[ -z "$(tgit status --porcelain)" ] ||
			die "work tree $TREE has uncommitted changes; commit and 'make export' them, or FORCE=1 to discard"
		if [ "$(tgit rev-list --count base..HEAD 2>/dev/null || echo 0)" -gt 0 ] &&
		   [ "$(tgit rev-parse --abbrev-ref HEAD)" = work ]; then
			export_to "$TREE" "$BUILD/tmp/export-check"
			diff -q -r "$BUILD/tmp/export-check" "$PATCHES" -x '*.md' >/dev/null 2>&1 ||
				die "work tree $TREE has commits not in patches/; run 'make export' first, or FORCE=1 to discard"
		fi
	fi
	# Already applied (same export): keep the commits, so that builds stay incremental.
	if [ -z "$(tgit status --porcelain)" ] && [ "$(tgit rev-parse --abbrev-ref HEAD)" = work ] &&
	   [ "$(tgit rev-list --count base..HEAD)" -gt 0 ]; then
		export_to "$TREE" "$BUILD/tmp/export-check"
		if diff -q -r "$BUILD/tmp/export-check" "$PATCHES" -x '*.md' >/dev/null 2>&1; then
			step "series already applied to $TREE ($(tgit rev-parse --short HEAD))"
			exit 0
		fi
	fi
	apply_to "$TREE"
	step "applied $(wc -l <"$PATCHES/series") patches to $TREE ($(tgit rev-parse --short HEAD))"
	;;
export)
	require_tree
	[ -z "$(tgit status --porcelain)" ] || die "work tree $TREE has uncommitted changes; commit them first"
	[ "$(tgit rev-parse --abbrev-ref HEAD)" = work ] || die "work tree $TREE is not on branch 'work'"
	export_to "$TREE" "$BUILD/tmp/export"
	rm -f "$PATCHES"/0*.patch "$PATCHES/series"
	cp "$BUILD"/tmp/export/* "$PATCHES"/
	step "exported $(wc -l <"$PATCHES/series") patches + cover letter to patches/"
	;;
verify)
	require_tree
	scratch=$BUILD/verify
	git -C "$TREE" worktree remove -f "$scratch" >/dev/null 2>&1 || rm -rf "$scratch"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$scratch" base
	trap 'git -C "$TREE" worktree remove -f "$scratch" >/dev/null 2>&1 || true' EXIT
	# A second branch named "work" cannot exist in a worktree: use a private name.
	(
		set -e
		git -C "$scratch" checkout -q -B verify base
		while read -r p; do
			[ -n "$p" ] || continue
			git -C "$scratch" "${GIT_IDENT[@]}" -c core.hooksPath=/dev/null am -q \
				--committer-date-is-author-date "$PATCHES/$p" >"$BUILD/am.log" 2>&1 || {
				git -C "$scratch" am --abort >/dev/null 2>&1 || true
				sed -n '1,5p' "$BUILD/am.log" >&2
				die "patch $p does not apply with git am to the base"
			}
		done <"$PATCHES/series"
		git -C "$scratch" config branch.verify.description "$(cover_description "$PATCHES/$COVER")"
		export_to "$scratch" "$BUILD/tmp/export-verify"
	)
	if ! diff -u -r -x '*.md' "$PATCHES" "$BUILD/tmp/export-verify" >"$BUILD/tmp/verify.diff"; then
		head -n 40 "$BUILD/tmp/verify.diff" >&2
		die "patches/ differs from a fresh apply + export (diff above); run 'make export' from the work tree"
	fi
	step "series verified: git am on the base + export reproduces patches/ byte for byte"
	;;
*)
	echo "usage: $0 apply|export|verify" >&2
	exit 2
	;;
esac
