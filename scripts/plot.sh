#!/usr/bin/env bash
# Plot a scripts/baremetal-compare.sh ratio CSV (ratio vs tasks, one line per mode) to a PNG.
#
#   scripts/plot.sh RATIO.csv [OUT.png]      OUT.png defaults to RATIO.png
#
# Needs gnuplot (Debian: gnuplot-nox).
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
fi
in=$1
out=${2:-${in%.csv}.png}
[ -r "$in" ] || die "cannot read $in"
head -n 1 "$in" | grep -q '^mode,tasks,base_median,patched_median,ratio$' ||
	die "$in is not a baremetal-compare.sh ratio CSV"
command -v gnuplot >/dev/null || die "gnuplot not found (Debian: apt-get install gnuplot-nox)"
case "$in$out" in
*"'"*) die "file names with a single quote are not supported" ;;
esac
gnuplot -e "infile='$in'; outfile='$out'" "$(dirname "$0")/plot.gp"
echo "wrote $out" >&2
