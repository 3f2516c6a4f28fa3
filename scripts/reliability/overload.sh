#!/usr/bin/env bash
# Overload: /rank at 10x the hash pool's measured capacity for 30 s, with the canary. Shows the
# shedding (503 + Retry-After at --max-pending-hashes), the canary's latency, and that the
# server's memory stays flat instead of queueing without end. Loopback only; bounded.
# Usage: scripts/reliability/overload.sh [BUILD_DIR=build/release] [SECONDS=30]
set -euo pipefail
build=${1:-build/release}
seconds=${2:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/server.sh"
work=$(mktemp -d)
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

start_server "$work/server.log" "$build/server/ranking-server" --pool-threads 1
echo "$SERVER_LINE"
hash_ms=$(sed -E 's/.*iterations = ([0-9.]+) ms.*/\1/' <<<"$SERVER_LINE")
rate=$(awk -v ms="$hash_ms" 'BEGIN { printf "%d", 10 * 1000 / ms }')
echo "== /rank only at ${rate}/s: 10x one pool thread's $(awk -v ms="$hash_ms" 'BEGIN { printf "%.0f", 1000 / ms }')/s, for ${seconds} s"

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status"; }
echo "$(rss)" >"$work/rss"
(while kill -0 "$SERVER_PID" 2>/dev/null; do rss >>"$work/rss" 2>/dev/null || break; sleep 1; done) &
sampler=$!
"$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate "$rate" --mix rank=1 \
  --connections 500 --warmup 2s --duration "${seconds}s" --canary 50/s --timeout 10s \
  --no-progress --json "$work/run.json" | sed -n '/^Phase 1/,/^All phases/p'
stop_server
kill "$sampler" 2>/dev/null || true
grep 'requests read' "$work/server.log"
awk 'NR == 1 { first = $1 } { if ($1 > peak) peak = $1; last = $1 }
  NR > 1 && (NR - 2) % 10 == 0 { every = every sprintf(" %.1f", $1 / 1024) }
  END { printf "server RSS: %.1f MB at start, %.1f MB peak, %.1f MB at the end; every 10 s:%s MB\n",
               first/1024, peak/1024, last/1024, every }' "$work/rss"
