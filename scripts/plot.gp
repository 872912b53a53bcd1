# Plot the patched/base ratio against the task count from a scripts/baremetal-compare.sh CSV
# (mode,tasks,base_median,patched_median,ratio), one line per mode, to a PNG.
#
#   gnuplot -e "infile='ratio.csv'; outfile='ratio.png'" scripts/plot.gp
#
# or scripts/plot.sh ratio.csv [ratio.png]. Works with gnuplot-nox (5.x): it uses the pngcairo
# terminal when built in, else png.

if (!exists("infile")) {
	print "usage: gnuplot -e \"infile='ratio.csv'; outfile='ratio.png'\" plot.gp"
	exit status 2
}
if (!exists("outfile")) {
	outfile = infile . ".png"
}

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1000,600 font ",11"
} else {
	set terminal png size 1000,600
}
set termoption noenhanced
set output outfile

data = "< tail -n +2 '" . infile . "'"
modes = system("tail -n +2 '" . infile . "' | cut -d, -f1 | awk '!seen[$0]++' | tr '\\n' ' '")

set datafile separator ","
set title "patched / base, median of runs (" . infile . ")"
set xlabel "tasks (pairs, pair i on CPU i)"
set ylabel "ratio of ops/s (patched / base)"
set logscale x 2
set grid
set key top left
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1

plot for [m in modes] data using 2:(strcol(1) eq m ? $5 : 1/0) with linespoints pointtype 7 title m, \
     for [m in modes] data using 2:(strcol(1) eq m ? $5 : 1/0):(sprintf("%.3f", $5)) \
	with labels offset 0,1 font ",9" notitle, \
     1 with lines dashtype 2 linecolor rgb "gray40" title "1.0 (no change)"
