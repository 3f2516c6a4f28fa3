#!/usr/bin/env bash
# Export flood: 20,000 games stored, then GET /games?limit=10000 (pages of megabytes) at 1,000/s
# from 500 connections. Shows the pages past --max-pages-in-flight answered 503 at once and the
# server's memory staying bounded instead of queueing reads and renderings without end.
# Loopback only; bounded. Extra arguments go to the server (e.g. --max-pages-in-flight 16).
# Usage: scripts/reliability/export_flood.sh [BUILD_DIR=build/release] [SECONDS=10] [server args]
set -euo pipefail
build=${1:-build/release}
seconds=${2:-10}
shift $(($# < 2 ? $# : 2))
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/server.sh"
work=$(mktemp -d)
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

start_server "$work/server.log" "$build/server/ranking-server" --pool-threads 1 --db "$work/flood.db" "$@"
echo "$SERVER_LINE"
echo "== 20,000 games first (5,000/s for 4 s)"
"$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate 5000 --mix games=1 \
  --connections 100 --warmup 0s --duration 4s --canary 0 --no-progress >/dev/null
echo "== the export, pages of 10,000 games, at 1,000/s from 500 connections for ${seconds} s"

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }
echo "$(rss)" >"$work/rss"
(while kill -0 "$SERVER_PID" 2>/dev/null; do rss >>"$work/rss" 2>/dev/null || break; sleep 1; done) &
sampler=$!
"$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate 1000 --mix export=1 \
  --connections 500 --warmup 0s --duration "${seconds}s" --canary 50/s --timeout 10s \
  --no-progress | grep -E '^ +(series|export|canary) '
http_get "$ADMIN_URL" /metrics | grep -E '^ranking_pages_shed_total'
stop_server
kill "$sampler" 2>/dev/null || true
awk 'NR == 1 { first = $1 } { if ($1 > peak) peak = $1; last = $1 }
  END { printf "server RSS: %.1f MB before the export, %.1f MB peak, %.1f MB at the end\n",
               first/1024, peak/1024, last/1024 }' "$work/rss"
