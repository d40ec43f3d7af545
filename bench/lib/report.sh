#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh DIR: summary.md, failover.csv, gaps.csv and plots/ of one bench
# run from its raw data (raw.csv, info.csv, timeline.csv, run.info).  Can
# be re-run at any time: `bench/run --report DIR`.
set -u
DIR=$(cd "${1:?usage: report.sh DIR}" && pwd) || exit 2
LIB=$(cd "$(dirname "$0")" && pwd)
for f in raw.csv info.csv timeline.csv run.info; do
	[ -f "$DIR/$f" ] || { echo "report: $DIR/$f missing" >&2; exit 2; }
done
P=$DIR/plots
rm -rf "$P"
mkdir -p "$P"

awk -v dir="$DIR" -f "$LIB/timeline.awk" "$DIR/timeline.csv" || exit 1
# stalls.csv: part 3's traced stalls (runs before it existed have none)
ST=
[ -f "$DIR/stalls.csv" ] && ST=$DIR/stalls.csv
awk -v dir="$DIR" -f "$LIB/summary.awk" "$DIR/run.info" "$DIR/info.csv" \
	"$DIR/gaps.csv" $ST "$DIR/raw.csv" >"$DIR/summary.md" || exit 1

command -v gnuplot >/dev/null || { echo "report: gnuplot missing (make deps): no plots" >&2; exit 0; }

# PNG through cairo when this gnuplot has it, else libgd
PNGTERM=png
gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1 && PNGTERM=pngcairo

# plot NAME WIDTH HEIGHT: gnuplot commands on stdin -> NAME.svg and NAME.png
plot() {
	local name=$1 w=$2 h=$3 body
	body=$(cat)
	(
		cd "$P" || exit 1
		{
			echo "set terminal svg size $w,$h dynamic enhanced font 'Sans,11' background rgb 'white'"
			echo "set output '$name.svg'"
			echo "reset"
			echo "$body"
			echo "unset output"
			echo "set terminal $PNGTERM size $w,$h enhanced font 'Sans,10' background rgb 'white'"
			echo "set output '$name.png'"
			echo "reset"
			echo "$body"
		} | gnuplot 2>"$name.gnuplot.log"
	) || { echo "report: plot $name failed: $(head -n 3 "$P/$name.gnuplot.log")" >&2; return 1; }
	# gnuplot's range warnings (a single point) are noise; keep real messages
	grep -qv '^Warning: empty [xy] range' "$P/$name.gnuplot.log" || rm -f "$P/$name.gnuplot.log"
}

# first "n/a" reason of tbib in raw.csv, for empty plots
tbib_na=$(awk -F, '$4 == "tbib" && $13 == "na" { print $14; exit }' "$DIR/raw.csv" | cut -c1-75)
tbib_label=${tbib_na:+tbib n/a: ${tbib_na//\'/}}
SIZES="set xtics ('64 B' 64, '1 KiB' 1024, '4 KiB' 4096, '64 KiB' 65536, '1 MiB' 1048576)"
color() { case $1 in *write*) echo "#1f77b4" ;; *read*) echo "#2ca02c" ;; *send*) echo "#d62728" ;; *) echo "#555555" ;; esac; }

# na_label PATTERN: the tbib n/a reason as a label, when no tbib series
# matches PATTERN
na_label() {
	local f
	for f in "$P"/$1; do
		case $f in *_tbib*) [ -s "$f" ] && return 0 ;; esac
	done
	[ -n "$tbib_label" ] && echo "set label 2 '$tbib_label' noenhanced at graph 0.02,0.04 font ',8'"
	return 0
}
# series PATTERN: "plot" clauses for the data files matching PATTERN
# (p1_<what>_<dev>_<test>.dat); rxe dashed, tbib solid
series() {
	local f b dev test out=
	for f in "$P"/$1; do
		[ -s "$f" ] || continue
		b=${f##*/}; b=${b%.dat}
		test=${b##*_ib_}; test=ib_$test
		case $b in *_rxe_*) dev=rxe ;; *) dev=tbib ;; esac
		t=${test#ib_}; t=${t%_bw}; t=${t%_lat}
		out+="'$f' using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.6 lc rgb '$(color "$test")' dt $([ $dev = rxe ] && echo 2 || echo 1) title '$dev $t', "
	done
	echo "${out%, }"
}
nodata() { # TEXT
	echo "unset xtics; unset ytics; unset border; set xrange [0:1]; set yrange [0:1]"
	echo "set label 1 '$1' noenhanced at 0.5,0.5 center"
	echo "plot NaN notitle"
	echo "unset label 1; set border; set xtics; set ytics; set autoscale"
}

# ---- bandwidth vs size ----
{
	echo "set multiplot layout 1,2 title 'Part 1: bandwidth vs message size, one link (median, bars: min-max)'"
	for q in 1 8; do
		s=$(series "p1_bw_q${q}_*.dat")
		echo "set title '$q QP$([ $q = 1 ] || echo s)'"
		if [ -n "$s" ]; then
			echo "set logscale xy 2; $SIZES; set xrange [40:1700000]; set autoscale y"
			echo "set xlabel 'message size'; set ylabel 'MB/s (2^{20} B/s)'; set grid; set key left top"
			na_label "p1_bw_q${q}_*.dat"
			echo "plot $s"
			echo "unset label 2; unset logscale"
		else
			nodata "not measured"
		fi
	done
	echo "unset multiplot"
} | plot bw_vs_size 1100 480

# ---- latency vs size ----
{
	s=$(series "p1_lat_*.dat")
	echo "set title 'Part 1: latency vs message size, one link (t_{typical}, bars: min-max)'"
	if [ -n "$s" ]; then
		echo "set logscale x 2; set logscale y 10; $SIZES; set xrange [40:100000]"
		echo "set xlabel 'message size'; set ylabel 'µs'; set grid; set key left top"
		na_label "p1_lat_*.dat"
		echo "plot $s"
	else
		nodata "not measured"
	fi
} | plot lat_vs_size 800 480

# ---- aggregation bars ----
{
	echo "set title 'Part 2: one QP over rate-limited rails: aggregate as % of the sum of rail rates'"
	if [ -s "$P/p2_agg.dat" ]; then
		echo "set style fill solid 0.6 border -1; set boxwidth 0.6"
		echo "set yrange [0:120]; set ylabel '% of the sum of rail rates'; set grid ytics"
		echo "set xtics rotate by -20 font ',9' noenhanced; set key top right"
		echo "set arrow 1 from graph 0, first 95 to graph 1, first 95 nohead dt 2 lc rgb '#888888'"
		echo "set arrow 2 from graph 0, first 90 to graph 1, first 90 nohead dt 3 lc rgb '#888888'"
		echo "plot '$P/p2_agg.dat' using 0:(strcol(2) eq 'tbib' ? \$3 : NaN):xtic(1) with boxes lc rgb '#1f77b4' title 'tbib', \\"
		echo "  '' using 0:(strcol(2) eq 'rxe' ? \$3 : NaN) with boxes lc rgb '#ff7f0e' title 'rxe (1 link, reference)', \\"
		echo "  '' using 0:(valid(3) ? \$3 : NaN):4:5 with yerrorbars lc rgb 'black' pt 0 notitle, \\"
		# (labels with no defined point crash gnuplot 5.4: only when needed)
		grep -q NaN "$P/p2_agg.dat" &&
			echo "  '' using 0:(valid(3) ? NaN : 5):('n/a') with labels font ',10' notitle, \\"
		echo "  NaN with lines dt 2 lc rgb '#888888' title 'targets 95% / 90%'"
	else
		nodata "not measured"
	fi
} | plot aggregation 900 500

# ---- failover timeline (first run) ----
{
	f=$P/p3_rep1.dat
	e=$P/p3_events_rep1.dat
	echo "set title 'Part 3: failover, one QP over 4 rails, receiver throughput per sample (50 ms when not starved), run 1'"
	if [ -f "$f" ] && [ "$(grep -vc '^#' "$f")" -gt 1 ]; then
		echo "stats '$f' using 2 nooutput; ymax = STATS_max * 1.15; if (ymax <= 0) ymax = 1"
		echo "set yrange [0:ymax]; set xlabel 's since traffic started'; set ylabel 'Mbit/s'; set grid; set key outside right"
		echo "plot '$f' using 1:2 with fsteps lw 2 lc rgb 'black' title 'tbib0 total', \\"
		for r in 0 1 2 3; do
			echo "  '' using 1:$((r + 3)) with fsteps lw 1 lc rgb '$(echo '#1f77b4 #2ca02c #d62728 #9467bd' | cut -d' ' -f$((r + 1)))' title 'eth$r (wire)', \\"
		done
		echo "  '$e' using 1:(0):(0):(ymax) with vectors nohead dt 2 lc rgb 'red' notitle, \\"
		echo "  '' using 1:(ymax * 0.93):2 with labels left offset 0.3,0 font ',9' tc rgb 'red' notitle"
	else
		nodata "${tbib_label:-no failover data}"
	fi
} | plot failover 1000 480

# ---- scaling ----
{
	echo "set multiplot layout 1,2 title 'Part 4: 64 KiB ib\\_write\\_bw over 4 links vs number of QPs'"
	have=0
	for d in rxe tbib; do [ -s "$P/p4_$d.dat" ] && have=1; done
	if [ $have = 1 ]; then
		bw= cpu=
		for d in rxe tbib; do
			[ -s "$P/p4_$d.dat" ] || continue
			c=$([ $d = rxe ] && echo '#ff7f0e' || echo '#1f77b4')
			bw+="'$P/p4_$d.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb '$c' title '$d', "
			cpu+="'$P/p4_$d.dat' using 1:5 with linespoints lw 2 pt 7 lc rgb '$c' title '$d send', '' using 1:6 with linespoints lw 2 pt 6 dt 2 lc rgb '$c' title '$d receive', "
		done
		echo "set logscale x 2; set xtics (1, 8, 64, 256); set xrange [0.7:370]; set grid; set key left top; set xlabel 'QPs'"
		na_label "p4_*.dat"
		echo "set title 'aggregate bandwidth'; set ylabel 'MB/s'; set yrange [0:*]"
		echo "plot ${bw%, }"
		echo "set title 'CPU per GB (guest /proc/stat)'; set ylabel 'CPU s per 10^9 B'"
		echo "plot ${cpu%, }"
	else
		nodata "not measured"
	fi
	echo "unset multiplot"
} | plot scaling 1100 480
exit 0
