#!/usr/bin/env bash
# Create the kernel work tree: a git repository of the base kernel with its base commit tagged "base".
#
#   scripts/fetch-base.sh            Debian's linux-source-7.3 (trixie-backports), via a private apt config
#   KSRC=/path/to/linux scripts/fetch-base.sh
#                                    a clean v7.3-based git tree of the user's (cloned, never modified)
#
# Idempotent: an existing tree with a "base" tag is kept. A failure leaves nothing behind.
source "$(dirname "$0")/lib.sh"

if [ -d "$TREE/.git" ] && tgit rev-parse -q --verify base^{commit} >/dev/null; then
	step "base tree present: $TREE ($(tgit describe --tags --always base))"
	exit 0
fi
[ -e "$TREE" ] && die "$TREE exists but has no 'base' tag; remove it and run 'make base' again"

tmp=$TREE.tmp.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$BUILD"

check_version() {
	local v
	v=$(make -s -C "$1" kernelversion 2>/dev/null) || die "cannot read the kernel version of $1"
	case "$v" in
	"$BASE_VERSION" | "$BASE_VERSION".*) echo "$v" ;;
	*) die "base is Linux $v, the series is against $BASE_VERSION; use a v$BASE_VERSION-based tree" ;;
	esac
}

if [ -n "${KSRC:-}" ]; then
	need git
	[ -d "$KSRC" ] || die "KSRC=$KSRC does not exist"
	git -C "$KSRC" rev-parse --git-dir >/dev/null 2>&1 ||
		die "KSRC=$KSRC is not a git tree; point KSRC at a git checkout of Linux $BASE_VERSION"
	[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
		die "KSRC=$KSRC has uncommitted changes; commit or stash them first"
	v=$(check_version "$KSRC")
	step "cloning KSRC=$KSRC (Linux $v) into $TREE"
	git clone -q --shared --no-checkout "$KSRC" "$tmp" || die "git clone of $KSRC failed"
	git -C "$tmp" checkout -q --detach "$(git -C "$KSRC" rev-parse HEAD)"
	git -C "$tmp" tag -f base >/dev/null
	git -C "$tmp" checkout -q -B work
	mv "$tmp" "$TREE"
	trap - EXIT
	step "base tree ready: $TREE (Linux $v from KSRC)"
	exit 0
fi

need apt-get dpkg-deb tar xz git make

APT_HINT="or use KSRC=/path/to/linux"
private_apt base "$BASE_SUITE"
mkdir -p "$CACHE/dl"
deb=$(ls "$CACHE"/dl/${BASE_PKG}_*_all.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	step "fetching $BASE_PKG from $BASE_SUITE (private apt configuration in $APT_DIR)"
	private_apt_download "$CACHE/dl" "$BASE_PKG"
	deb=$(ls "$CACHE"/dl/${BASE_PKG}_*_all.deb | tail -n 1)
fi

step "extracting $(basename "$deb")"
mkdir -p "$tmp"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./usr/src/$BASE_PKG.tar.xz" ||
	die "$deb is damaged (no usr/src/$BASE_PKG.tar.xz); remove it and run 'make base' again"
tar -x -C "$tmp" -f "$tmp/usr/src/$BASE_PKG.tar.xz" || die "cannot unpack $BASE_PKG.tar.xz (disk full?)"
rm -rf "$tmp/usr"
mv "$tmp/$BASE_PKG" "$tmp/src"
v=$(check_version "$tmp/src")

# Debian appends a block to the top-level .gitignore that ignores everything ("/*"): drop it, or the
# base commit is empty.
awk '/^# Debian packaging/ {exit} {print}' "$tmp/src/.gitignore" |
	sed -e ':a' -e '/^\n*#*$/{$d;N;ba' -e '}' >"$tmp/gitignore"
mv "$tmp/gitignore" "$tmp/src/.gitignore"
step "creating git work tree (Linux $v)"
git -C "$tmp/src" init -q -b work
git -C "$tmp/src" "${GIT_IDENT[@]}" add -A
# The top-level dotfiles (.gitattributes, .mailmap, ...) are ignored by the tarball's own .gitignore
# rules once Debian's exceptions are gone; track them, as upstream does.
(cd "$tmp/src" && git "${GIT_IDENT[@]}" add -f $(ls -d .[!.]* | grep -vx '.git'))
GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' git -C "$tmp/src" "${GIT_IDENT[@]}" commit -q -m "Linux $v (Debian $(basename "$deb" _all.deb | cut -d_ -f2))" \
	--date='2026-01-01T00:00:00Z'
[ "$(git -C "$tmp/src" ls-files | wc -l)" -gt 50000 ] || die "base commit is nearly empty; check $tmp/src/.gitignore"
git -C "$tmp/src" tag base
mv "$tmp/src" "$TREE"
step "base tree ready: $TREE (Linux $v)"
