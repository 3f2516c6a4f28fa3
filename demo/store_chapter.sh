#!/usr/bin/env bash
# make demo's chapter on the blocking database call. Three measurements, one run:
#   1. the store alone (store-bench): SQLite's own rate for one small transaction per commit,
#      the store's one transaction per game (inline), and group commit on the storage thread
#      (with SQLite's default checkpoint interval, then the store's, then commits back to back);
#   2. the loop while the store takes 5,000 games/s (offload): the canary's p99 with games
#      against the same request rate of cheap lookups without games, and the games' ack p99;
#      beside it, in the same seconds, the canary of an idle twin server (what the machine
#      adds, whatever the loop does); then the lookups again while store-bench, another
#      process, commits the same games/s to a file of its own (the games' disk work without
#      the games: what it costs a server that does none of it);
#   3. lookups, games and an export of 10,000 games in one open-loop mix, offload then inline:
#      lookups' and canary's p99 side by side, and the durable games/s in each mode.
# Every server it starts, it stops by PID; its databases are throwaway files.
# Usage: demo/store_chapter.sh [BUILD_DIR=build/release] [OUT_DIR=report]
# Env: GAMES_RATE (5000), DURATION (10, seconds per run of part 2; part 3 runs twice as long),
#      PAIRS (1: how many times part 2 runs its three (lookups, games, lookups beside
#      store-bench), each a "pair" of the loaded server's canary and its twin's; more give medians).
set -euo pipefail
build=${1:-build/release}
out=${2:-report}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"
source "$here/report_cells.sh"

games_rate=${GAMES_RATE:-5000}
duration=${DURATION:-10}
pairs=${PAIRS:-1}
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "store_demo.sh: PAIRS must be a whole number, 1 or more" >&2; exit 2; }
mkdir -p "$out"
log="$out/store-server.log"
twin_pid=""
trap 'set +e; stop_server >/dev/null 2>&1; [ -z "$twin_pid" ] || { kill "$twin_pid"; wait "$twin_pid"; rm -rf "$twin_db"; } 2>/dev/null' EXIT

load() {
  "$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --connections 200 \
    --warmup 1s --no-progress "$@"
}

echo "-- 1. The store alone, on this machine's disk: store-bench --rate $games_rate"
"$build/bench/store-bench" --rate "$games_rate" --seconds 5 | tee "$out/store-bench.txt" | sed 's/^/   /'

# The twin: the same server, idle but for a canary of its own, sent in the same seconds as the
# other's. Games cost the machine (fsyncs, the storage thread's CPU, ranking-load's): the twin's
# canary shows that; what the loaded server's canary shows above the twin's, its loop adds.
start_server "$out/store-twin.log" "$build/server/ranking-server" --mode offload --pool-threads 1
twin_pid=$SERVER_PID twin_db=$SERVER_DB_DIR twin_data=$DATA_URL twin_admin=$ADMIN_URL
SERVER_PID="" SERVER_DB_DIR=""
start_server "$log" "$build/server/ranking-server" --mode offload --pool-threads 1
twin_canary() {
  "$build/load/ranking-load" --url "$twin_data" --admin-url "$twin_admin" --connections 1 \
    --warmup 1s --no-progress --no-server-metrics --rate 1 --mix healthz=1 \
    --duration "${duration}s" --canary 200/s >"$1" 2>&1
}
# A canary p99 from a ranking-load output; a run that failed shows "-" (its file says why).
canary() {
  local p99
  p99=$(mode_cell offload 10 "$1")
  echo "${p99:--}"
}
echo
# The canary at 200/s: its p99 is then the 20th worst of 2,000, not the 5th worst of 500.
echo "-- 2. The loop while the store takes $games_rate games/s (offload; canary GET /healthz 200/s)"
echo "   canary p99 in ms: with $games_rate lookups/s and no games, then with $games_rate games/s,"
echo "   then with the lookups again while store-bench (another process) commits $games_rate games/s"
echo "   to its own file; (in brackets) an idle twin server's canary in the same seconds"
# A run that fails (ranking-load exits 1 when nothing was answered) shows so in its cells; the
# pairs go on.
for pair in $(seq "$pairs"); do
  twin_canary "$out/twin-without-games.txt" &
  load --rate "$games_rate" --mix players=1 --duration "${duration}s" --canary 200/s >"$out/store-without-games.txt" 2>&1 || true
  wait $! || true
  twin_canary "$out/twin-with-games.txt" &
  load --rate "$games_rate" --mix games=1 --duration "${duration}s" --canary 200/s >"$out/store-with-games.txt" 2>&1 || true
  wait $! || true
  # store-bench runs through ranking-load's start and warm-up too, and a second past its end, so
  # its commits cover the measured span (and its closing sync falls outside it).
  "$build/bench/store-bench" --only group-commit --rate "$games_rate" --seconds "$((duration + 2))" \
    >"$out/store-bench-beside.txt" 2>&1 &
  bench_pid=$!
  twin_canary "$out/twin-beside-bench.txt" &
  load --rate "$games_rate" --mix players=1 --duration "${duration}s" --canary 200/s >"$out/store-beside-bench.txt" 2>&1 || true
  wait $! || true
  beside=$(canary "$out/store-beside-bench.txt") beside_twin=$(canary "$out/twin-beside-bench.txt")
  # Without store-bench's commits that run was lookups alone: show it failed, not its canary.
  wait "$bench_pid" || beside=- beside_twin=-
  ack=$(games_line offload "$out/store-with-games.txt" | sed -E 's/.*p99 ([0-9.]+) ms.*/\1/') || true
  printf '   %-8s no games %s (%s)   games %s (%s)   store-bench %s (%s)   games ack p99 %s ms\n' \
    "pair $pair:" "$(canary "$out/store-without-games.txt")" "$(canary "$out/twin-without-games.txt")" \
    "$(canary "$out/store-with-games.txt")" "$(canary "$out/twin-with-games.txt")" \
    "$beside" "$beside_twin" "${ack:--}"
done | tee "$out/store-canary-pairs.txt"
kill -TERM "$twin_pid" && wait "$twin_pid" || true
twin_pid=""
rm -rf "$twin_db"
if [ "$pairs" -gt 1 ]; then
  # A cell "unanswered" is a p99 among canaries unanswered within ranking-load's timeout: above
  # every latency and no number itself (awk would read it as 0); a median on it shows it as is.
  median() {
    tr -d '()' | grep -v '^-$' | awk '{ print ($1 == "unanswered" ? "inf" : $1), $1 }' | sort -g |
      awk '{ v[NR] = $2 } END { if (NR == 0) { print "-"; exit }
        a = v[int((NR + 1) / 2)]; b = v[int(NR / 2) + 1]
        if (b == "unanswered") printf "%s", b; else printf "%.2f", (a + b) / 2 }'
  }
  pair_median() { awk -v c="$1" '{ print $c }' "$out/store-canary-pairs.txt" | median; }
  echo "   medians: no games $(pair_median 5) ($(pair_median 6))   games $(pair_median 8) ($(pair_median 9))   store-bench $(pair_median 11) ($(pair_median 12))"
fi
echo "   last pair: $(games_line offload "$out/store-with-games.txt")"
grep -h -m1 '^Validity' "$out/store-without-games.txt" "$out/store-with-games.txt" \
  "$out/store-beside-bench.txt" | sed 's/^/   /'
# On a virtual machine the hypervisor may take CPU time from the whole machine (ranking-load's
# Validity section says how much): what it takes, every server's canary pays.
steal() { grep -m1 -o 'machine steal [0-9.]*%' "$1" | sed 's/machine steal //' || echo -; }
echo "   last pair's machine steal: no games $(steal "$out/store-without-games.txt"), games" \
  "$(steal "$out/store-with-games.txt"), store-bench beside $(steal "$out/store-beside-bench.txt")"

echo
echo "-- 3. Lookups, games and an export of 10,000 games, offload then inline"
rate=600
mix=players=499,games=100,export=1
load --rate "$rate" --mix "$mix" --duration "$((2 * duration))s" --canary 50/s \
  --toggle-at "$((1 + duration))s=inline" --json "$out/store-modes.json" \
  --markdown "$out/store-modes.md" >"$out/store-modes.txt" 2>&1
stop_server
echo "   $rate req/s ($mix), $duration s per mode; latency from due time, in ms"
printf '   %-8s %12s %12s %12s %12s\n' mode "lookups p50" "lookups p99" "canary p50" "canary p99"
for mode in offload inline; do
  printf '   %-8s %12s %12s %12s %12s\n' "$mode" "$(mode_cell "$mode" 6 "$out/store-modes.txt")" \
    "$(mode_cell "$mode" 7 "$out/store-modes.txt")" "$(mode_cell "$mode" 9 "$out/store-modes.txt")" \
    "$(mode_cell "$mode" 10 "$out/store-modes.txt")"
done
for mode in offload inline; do echo "   $(games_line "$mode" "$out/store-modes.txt")"; done
grep -h -m1 '^Validity' "$out/store-modes.txt" | sed 's/^/   /'
grep -m2 -E 'WARNING event loop blocked.*(POST|GET) /games' "$log" | sed 's/^/   server: /' || true

cat <<'EOF'

   What an fsync costs decides how much inline games hurt. On this machine's disk, when it is
   quiet, about 0.2 ms (the first line of part 1 measures it now: 1000 / SQLite's rate), so one
   transaction per game holds the loop well under a millisecond. A laptop SSD's fsync costs
   1-10 ms and a spinning disk's 10 ms or more: at 100 games/s inline, that is 10-100% of every
   second with the loop frozen, every lookup waiting behind it. Offloaded, the same fsync waits on the storage thread, one
   fsync serves every game queued meanwhile (group commit), and the loop never notices.
   The export is the other kind of blocking: 10,000 rows read and megabytes of JSON built,
   a hundred milliseconds or more each time here, on the loop in inline mode.
EOF
echo "   files: $out/store-bench.txt, $out/{store,twin}-with*-games.txt, $out/{store,twin}-beside-bench.txt, $out/store-bench-beside.txt, $out/store-canary-pairs.txt, $out/store-modes.{txt,md,json}, $log"
