#!/usr/bin/env bash
# The load demo: a ranking-server with one hash thread under a steady open-loop mix of cheap and
# costly requests; the mode flips offload -> inline -> offload at 1/3 and 2/3 of the measured
# span. ranking-load prints the per-mode table and the collapse ratio; report.sh draws it.
# Usage: demo/hash_chapter.sh [BUILD_DIR=build/release] [OUT_DIR=report]
# Env: RATE (300), DURATION (30, seconds), CONNECTIONS (1000), MIX (rank=1,players=19).
set -euo pipefail
build=${1:-build/release}
out=${2:-report}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"

rate=${RATE:-300}
duration=${DURATION:-30}
connections=${CONNECTIONS:-1000}
mix=${MIX:-rank=1,players=19}
warmup=3
first=$((warmup + duration / 3))
second=$((warmup + 2 * duration / 3))

mkdir -p "$out"
log="$out/server.log"
trap 'stop_server >/dev/null 2>&1 || true' EXIT

start_server "$log" "$build/server/ranking-server" --mode offload --pool-threads 1 \
  --stall-warn-ms "${STALL_WARN_MS:-50}"
echo "$SERVER_LINE"
echo "== ranking-load: $rate req/s ($mix) on $connections connections, ${duration} s after a ${warmup} s warmup;"
echo "   inline at ${first} s, offload again at ${second} s; canary GET /healthz 50/s on its own connection"
"$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate "$rate" --mix "$mix" \
  --connections "$connections" --warmup "${warmup}s" --duration "${duration}s" --canary 50/s \
  --toggle-at "${first}s=inline" --toggle-at "${second}s=offload" \
  --json "$out/run.json" --csv "$out/run.csv" --markdown "$out/run.md"
stop_server
if command -v gnuplot >/dev/null; then
  "$here/report.sh" "$out/run.csv" "$out/run.md" "$out"
else
  echo "(no gnuplot: skipping the chart; the tables are in $out/run.md)"
fi
