# Reading ranking-load's text report, for the demo scripts. Source it, then:
#   mode_cell MODE COL FILE   a cell of the "Per mode" table's row for MODE (players p99 is
#                             the 7th column, canary p50 the 9th, canary p99 the 10th)
#   games_line MODE FILE      the mode's "N durable games/s (201) ..." line
#   durable MODE FILE         just N from that line
#   series_p99 SERIES FILE    a series' p99 in the first latency table (counted from the right:
#                             its errors cell may hold spaces)
mode_cell() { awk -v mode="$1" -v col="$2" '$1 == mode && NF >= 13 { print $col; exit }' "$3"; }
games_line() { grep -m1 "^  $1: .*durable games/s" "$2" | sed 's/^  //'; }
durable() { games_line "$1" "$2" | sed -E 's/^[a-z]+: ([0-9.]+) durable.*/\1/'; }
series_p99() { awk -v series="$1" '$1 == series && NF >= 9 { print $(NF - 3); exit }' "$2"; }
