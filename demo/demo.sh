#!/usr/bin/env bash
# make demo: the story (alice, bob, charlie) in both modes, then the collapse report: one
# open-loop load with a costly/cheap mix and a canary, offload -> inline -> offload, measured by
# ranking-load and drawn into report/; then the same lesson for the database (demo/store_chapter.sh)
# and the lesson's three remedies for it side by side (demo/remedies_chapter.sh); then a call to
# another service, three ways (demo/federation_chapter.sh).
# Every server it starts, it stops by PID.
# Usage: demo/demo.sh BUILD_DIR [OUT_DIR=report]
set -euo pipefail
build=${1:-build/release}
out=${2:-report}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"

log=$(mktemp)
trap 'stop_server >/dev/null 2>&1 || true; rm -f "$log"' EXIT

start_server "$log" "$build/server/ranking-server" --players 5000 --pool-threads 1
echo "$SERVER_LINE"
client() { "$build/client/ranking-client" --url "$DATA_URL" --admin-url "$ADMIN_URL" "$@"; }

echo
echo "== 1. The story, offload: the hash goes to the thread pool, the loop stays free"
client story
client mode inline >/dev/null
echo
echo "== 1. The story, inline (--blocking): the same hash runs on the loop thread"
client story
stop_server

# The rate: /rank is 1 in 20 requests; load the hash pool (one thread) at 40% of what it can do,
# measured now, so that offload mode stays comfortable and inline mode still has the loop
# hashing 40% of every second.
hash_ms=$(sed -E 's/.*iterations = ([0-9.]+) ms.*/\1/' <<<"$SERVER_LINE")
rate=$(awk -v ms="$hash_ms" 'BEGIN {
  capacity = 1000 / ms; r = int(0.4 * capacity * 20 / 10 + 0.5) * 10
  if (r < 100) r = 100; if (r > 600) r = 600; print r }')
capacity=$(awk -v ms="$hash_ms" 'BEGIN { printf "%.0f", 1000 / ms }')
why="One token hash costs ${hash_ms} ms here, so the single pool thread can sign about ${capacity} /rank per second. With /rank 1 request in 20, ${rate} req/s asks for $((rate / 20)) tokens per second: about 40% of that capacity, comfortable in offload mode, while in inline mode the loop itself spends about 40% of every second hashing."
echo
echo "== 2. The collapse, measured: ${rate} req/s for 30 s"
echo "   $why"
mkdir -p "$out"
RATE=$rate DURATION=30 CONNECTIONS=1000 MIX=rank=1,players=19 "$here/hash_chapter.sh" "$build" "$out"
printf '\n## Why %s req/s\n\n%s\n' "$rate" "$why" >>"$out/report.md"

echo
echo "== 3. Who blocked the loop (server log, $out/server.log)"
inline=$(grep -c 'WARNING event loop blocked.*mode inline' "$out/server.log" || true)
offload=$(grep -c 'WARNING event loop blocked.*mode offload' "$out/server.log" || true)
echo "   stall warnings naming a request in inline mode: $inline; in offload mode: $offload"
grep -m3 -E 'WARNING event loop blocked|held the event loop' "$out/server.log" | sed 's/^/   /' || true
# The stack the watchdog sampled inside the stall: the hash's own frames under the /rank request.
grep -m1 -E 'event loop was blocked .* at ' "$out/server.log" | sed 's/^/   /' || true
echo
echo "== 4. The blocking database call: games and an export through the store, offload then inline"
"$here/store_chapter.sh" "$build" "$out"
echo
echo "== 5. The three remedies side by side: a native async driver, a thread, the blocking call"
"$here/remedies_chapter.sh" "$build" "$out"
echo
echo "== 6. The third kind of blocking: a call to another service, three ways"
"$here/federation_chapter.sh" "$build" "$out"
echo
echo "report: $out/report.md, $out/latency.png, $out/latency.svg, $out/run.json, $out/run.csv"
