#!/usr/bin/env bash
# make cluster-demo's measurement: the lesson's remedies for a database call, side by side, in one
# run, under the same open-loop load (lookups and games, a canary):
#   1. a native async driver: PostgreSQL through libpq's non-blocking API on the loop, no thread;
#   2. a thread for a blocking driver: SQLite on its storage thread;
#   3. the mistake: PostgreSQL's blocking calls on the loop (--mode inline).
# For each: lookups' and the canary's p99, and the durable games/s. A throwaway PostgreSQL
# (scripts/postgres.sh) and throwaway SQLite files; every process started is stopped by PID.
# Usage: demo/remedies_chapter.sh [BUILD_DIR=build/release] [OUT_DIR=report]
# Env: RATE (1000 req/s), GAMES (games per 100 requests, 20), DURATION (10 s per remedy).
set -euo pipefail
build=${1:-build/release}
out=${2:-report}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"
source "$here/../scripts/postgres.sh"
source "$here/report_cells.sh"

rate=${RATE:-1000}
games=${GAMES:-20}
duration=${DURATION:-10}
mix="players=$((100 - games)),games=$games"
mkdir -p "$out"
pg_dir=$(mktemp -d)
trap 'stop_server >/dev/null 2>&1 || true; stop_postgres "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"' EXIT
pg_port=$((20000 + RANDOM % 20000))
start_postgres "$pg_dir" "$pg_port" $$
# The blocking run gets a database of its own, so that each run starts from the same club.
as_postgres "$(postgres_bin)/createdb" -h 127.0.0.1 -p "$pg_port" -U ranking ranking_blocking


run() { # NAME DB MODE
  local name=$1 db=$2 mode=$3 file="$out/remedy-$1.txt"
  start_server "$out/remedy-$name.log" "$build/server/ranking-server" --db "$db" --mode "$mode" \
    --players 5000
  "$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate "$rate" --mix "$mix" \
    --connections 200 --warmup 2s --duration "${duration}s" --canary 50/s --no-progress >"$file" 2>&1
  stop_server
  printf '   %-48s %12s %12s %14s   %s\n' "$4" "$(mode_cell "$mode" 7 "$file")" \
    "$(mode_cell "$mode" 10 "$file")" "$(durable "$mode" "$file")" \
    "$(grep -m1 '^Validity' "$file" | sed 's/Validity: //')"
}

echo "-- The remedies for a database call, one after the other under the same load:"
echo "   $rate req/s ($mix), ${duration} s each after a 2 s warmup, canary GET /healthz 50/s; p99 in ms"
printf '   %-48s %12s %12s %14s   %s\n' remedy "lookups p99" "canary p99" "durable/s" validity
run async "$POSTGRES_URL" offload "1. native async driver: PostgreSQL on the loop"
run thread "$pg_dir/remedy.db" offload "2. thread for a blocking driver: SQLite"
run blocking "${POSTGRES_URL%/ranking}/ranking_blocking" inline "3. the mistake: PostgreSQL blocking on the loop"
echo "   files: $out/remedy-*.txt (ranking-load's full reports), $out/remedy-*.log (the servers)"
