#!/usr/bin/env bash
# Many idle clients: 3000 keep-alive connections that almost never send, while 50 normal clients
# are served at 300 req/s; the same normal load is run alone first as the reference. Loopback
# only; bounded. (Slow, never-ending requests are cut by --request-timeout-ms: see the tests.)
# Usage: scripts/reliability/slowloris.sh [BUILD_DIR=build/release]
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/server.sh"
work=$(mktemp -d)
crowd=""
trap '[ -n "$crowd" ] && kill "$crowd" 2>/dev/null; stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

start_server "$work/server.log" "$build/server/ranking-server"
echo "$SERVER_LINE"
normal() {
  "$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate 300 --mix players=1 \
    --connections 50 --warmup 1s --duration 15s --canary 50/s --no-progress | sed -n '/^Phase 1/,/^$/p'
}
echo "== reference: the normal load alone"
normal
echo "== with 3000 idle connections open"
"$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate 2 --mix healthz=1 \
  --connections 3000 --warmup 0s --duration 40s --canary 0 --no-progress >"$work/crowd.log" 2>&1 &
crowd=$!
sleep 5
echo "open data connections: $(http_get "$ADMIN_URL" /metrics | awk '/^ranking_open_connections / { print $2 }')"
normal
kill "$crowd" 2>/dev/null || true
crowd=""
