#!/usr/bin/env bash
# The third kind of blocking: a call to another service. A stand-in for a chess federation's
# rating service (ranking-federation-standin, 50 ms a call) behind GET /players/{name}/federation,
# called three ways, one after the other under the same open-loop load (lookups, a share of
# federation look-ups, a canary):
#   1. a native async client: Beast's, on the loop, a keep-alive pool (--federation-client async);
#   2. a blocking client on threads of its own: libcurl (--federation-client thread);
#   3. the mistake: the same libcurl call on the loop (--mode inline).
# For each: lookups', the canary's and the look-ups' p99, and the stall warnings that name the
# federation route. The cache is off, so that every look-up calls the service. Every process
# started is stopped by PID.
# Usage: demo/federation_chapter.sh [BUILD_DIR=build/release] [OUT_DIR=report]
# Env: RATE (200 req/s), SHARE (federation look-ups per 100 requests, 5), LATENCY_MS (50),
# DURATION (10 s per client).
set -euo pipefail
build=${1:-build/release}
out=${2:-report}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"
source "$here/report_cells.sh"

rate=${RATE:-200}
share=${SHARE:-5}
latency=${LATENCY_MS:-50}
duration=${DURATION:-10}
mix="players=$((100 - share)),federation=$share"
mkdir -p "$out"
trap 'stop_server >/dev/null 2>&1 || true; stop_federation_standin' EXIT
start_federation_standin "$out/federation-standin.log" "$build/standin/ranking-federation-standin" \
  --latency-ms "$latency"
service=$FEDERATION_URL

run() { # NAME MODE CLIENT LABEL
  local name=$1 mode=$2 client=$3 file="$out/federation-$1.txt" log="$out/federation-$1.log"
  start_server "$log" "$build/server/ranking-server" --mode "$mode" --players 5000 \
    --federation-url "$service" --federation-client "$client" --federation-cache-s 0 \
    --stall-warn-ms 20
  "$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate "$rate" --mix "$mix" \
    --connections 200 --warmup 2s --duration "${duration}s" --canary 50/s --no-progress >"$file" 2>&1
  stop_server
  local stalls
  stalls=$(grep -c 'WARNING event loop blocked.*federation' "$log" || true)
  printf '   %-44s %12s %12s %16s %8s   %s\n' "$4" "$(mode_cell "$mode" 7 "$file")" \
    "$(mode_cell "$mode" 10 "$file")" "$(series_p99 federation "$file")" "$stalls" \
    "$(grep -m1 '^Validity' "$file" | sed 's/Validity: //')"
}

echo "-- A call to another service, three ways, one after the other under the same load:"
echo "   $rate req/s ($mix), ${duration} s each after a 2 s warmup, canary GET /healthz 50/s;"
echo "   the service (a stand-in, $service) answers in $latency ms; p99 in ms"
printf '   %-44s %12s %12s %16s %8s   %s\n' client "lookups p99" "canary p99" "federation p99" \
  stalls validity
run async offload async "1. native async client: Beast on the loop"
run thread offload thread "2. blocking client on threads: libcurl"
run inline inline async "3. the mistake: libcurl blocking on the loop"
echo "   stalls: warnings naming /players/{name}/federation in the server's log"
grep -m1 -E 'event loop was blocked .*federation.* at ' "$out/federation-inline.log" | sed 's/^/   /' || true
echo "   files: $out/federation-*.txt (ranking-load's full reports), $out/federation-*.log (the servers)"
