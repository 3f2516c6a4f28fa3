#!/usr/bin/env bash
# Turns one ranking-load run (its --csv timeline and --markdown tables) into report files:
# latency.png and latency.svg (gnuplot: latency by due time per endpoint, the canary apart, the
# server's own loop lag and hash queue from its /metrics below, toggles as vertical lines on
# every panel) and report.md (the chart plus ranking-load's own tables).
# Usage: demo/report.sh RUN.csv RUN.md [OUT_DIR=report]
# Needs gnuplot (Debian package gnuplot-nox).
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 RUN.csv RUN.md [OUT_DIR]" >&2
  exit 2
fi
csv=$1
tables=$2
out=${3:-report}
command -v gnuplot >/dev/null || { echo "report.sh: gnuplot is missing (apt-get install gnuplot-nox)" >&2; exit 1; }
[ -f "$csv" ] && [ -f "$tables" ] || { echo "report.sh: no $csv or $tables" >&2; exit 1; }
head -1 "$csv" | grep -q '^t_s,phase,mode,series,' || { echo "report.sh: $csv is not a ranking-load timeline" >&2; exit 1; }
mkdir -p "$out"

# The data series present in this run, in the tool's order; the canary gets its own panel.
series=$(awk -F, 'NR > 1 && $4 != "canary" && !seen[$4]++ { printf "%s ", $4 }' "$csv")
has_canary=$(awk -F, 'NR > 1 && $4 == "canary" { print "yes"; exit }' "$csv")
# The server's columns (14 on) repeat on every series' row of a second: plot one series' rows.
first_series=$(awk -F, 'NR == 2 { print $4; exit }' "$csv")
has_server=$(awk -F, 'NR == 1 && $14 != "server_lag_p99_ms" { exit } NR > 1 && $14 != "" { print "yes"; exit }' "$csv")
# Whole hashes on the queue axis while the queue stays short.
queue_tics=$(awk -F, 'NR > 1 && $17 > top { top = $17 } END { print (top <= 8 ? "set y2tics 1" : "set y2tics") }' "$csv")
panels=1
[ -z "$has_canary" ] || panels=$((panels + 1))
[ -z "$has_server" ] || panels=$((panels + 1))
height=$((300 + 300 * panels))
# One vertical line per toggle, at its second, labelled with the new mode; one where the
# warmup ends; both panels span the seconds that had answers.
marks=$(awk -F, 'NR > 1 && $13 != "" && !seen[$1]++ {
  printf "set arrow from %s, graph 0 to %s, graph 1 nohead dt 2 lw 2 lc rgb \"#444444\"\n", $1, $1
  printf "set label \"-> %s\" at %s, graph 0.95 offset 0.5,0 font \",9\"\n", $13, $1 }
  NR > 1 && $2 != "warmup" && !measured++ && $1 > 0 {
  printf "set arrow from %s, graph 0 to %s, graph 1 nohead dt 3 lc rgb \"#999999\"\n", $1, $1
  printf "set label \"measured\" at %s, graph 0.05 offset 0.5,0 font \",8\"\n", $1 }
  NR > 1 && $6 > 0 && $1 > last { last = $1 }
  END { printf "set xrange [0:%d]\n", last + 1 }' "$csv")

plot_script() {
  local terminal=$1 file=$2
  cat <<GNUPLOT
set terminal $terminal
set output "$file"
set datafile separator ","
set datafile missing "NaN"
set key outside right top font ",9"
set lmargin at screen 0.06
set rmargin at screen 0.80
set grid
set logscale y
set format y "%g"
set xlabel "due time (s since the start of the run)"
series_of(name, column) = (strcol(4) eq name && column > 0) ? column : NaN
set multiplot layout $panels,1
$marks
set title "ranking-load: p99 (solid) and max (dotted) latency from due time, per second, per endpoint"
set ylabel "ms"
plot $(first=1; i=1; for s in $series; do
  [ $first -eq 1 ] || printf ', '
  first=0
  printf '"%s" skip 1 using 1:(series_of("%s", $9)) with linespoints lw 2 pt 7 ps 0.4 lc %d title "%s p99", ' "$csv" "$s" "$i" "$s"
  printf '"%s" skip 1 using 1:(series_of("%s", $10)) with lines dt 3 lc %d title "%s max"' "$csv" "$s" "$i" "$s"
  i=$((i + 1))
done)
GNUPLOT
  if [ -n "$has_canary" ]; then
    cat <<GNUPLOT
set title "canary: GET /healthz on its own connection at a fixed rate (open-loop too)"
plot "$csv" skip 1 using 1:(series_of("canary", \$8)) with lines lw 2 lc rgb "#2a9d8f" title "canary p50", \
     "$csv" skip 1 using 1:(series_of("canary", \$9)) with linespoints lw 2 pt 7 ps 0.4 lc rgb "#e76f51" title "canary p99", \
     "$csv" skip 1 using 1:(series_of("canary", \$10)) with lines dt 3 lc rgb "#264653" title "canary max", \
     "$csv" skip 1 using 1:(strcol(4) ne "canary" && \$12 > 0 ? \$12 : NaN) with impulses lw 3 lc rgb "#bbbbbb" title "oldest data request in flight"
GNUPLOT
  fi
  if [ -n "$has_server" ]; then
    cat <<GNUPLOT
set title "the server's own view (GET /metrics, by the second it was scraped in): data-loop lag and hash pool queue"
set xlabel "time (s since the start of the run)"
set ylabel "loop lag ms (log)"
set ytics nomirror
set y2label "hashes queued"
$queue_tics
set y2range [0:*]
server_of(c) = (strcol(4) eq "$first_series" && strlen(strcol(c)) > 0) ? column(c) : NaN
lag_of(c) = (server_of(c) > 0) ? server_of(c) : NaN
plot "$csv" skip 1 using 1:(lag_of(14)) with linespoints lw 2 pt 7 ps 0.4 lc rgb "#d62828" title "server loop lag p99", \
     "$csv" skip 1 using 1:(lag_of(15)) with lines dt 3 lc rgb "#d62828" title "server loop lag max bucket", \
     "$csv" skip 1 using 1:(server_of(17)) axes x1y2 with steps lw 2 lc rgb "#457b9d" title "hash pool queue depth"
GNUPLOT
  fi
  echo "unset multiplot"
}

plot_script "pngcairo size 1400,$height font \",10\"" "$out/latency.png" | gnuplot 2>"$out/gnuplot.log" ||
  plot_script "png size 1400,$height" "$out/latency.png" | gnuplot 2>"$out/gnuplot.log"
plot_script "svg size 1400,$height dynamic font \",10\"" "$out/latency.svg" | gnuplot 2>>"$out/gnuplot.log"
[ -s "$out/gnuplot.log" ] || rm -f "$out/gnuplot.log"

{
  echo "![latency by due time](latency.svg)"
  echo
  cat "$tables"
} >"$out/report.md"
echo "report.sh: wrote $out/latency.png, $out/latency.svg and $out/report.md"
