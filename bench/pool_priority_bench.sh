#!/usr/bin/env bash
# Benchmark (not a test): does the loop outrank its pool? The hash pool is kept saturated with
# /rank offered at twice what its threads can sign (the excess is shed as 503s), while a canary
# (GET /healthz at 100/s on its own connection) measures how soon the loop answers. One run per
# --pool-priority, then one in inline mode (the loop hashes: the collapse it is compared with).
# The server is not niced. Loopback only; every server is stopped by PID.
# Usage: bench/pool_priority_bench.sh [BUILD_DIR=build/release]
# Env: DURATION (20, seconds), PRIORITIES ("idle nice:19 normal"; "default" runs without
# --pool-priority, i.e. with the server's default), POOL_THREADS (1), INLINE (1;
# 0 skips the inline run), PIN (0; 1 pins the server to CPU 1 and ranking-load to CPU 0 with
# taskset, so that the loop and the pool share one core whatever else runs on the machine)
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"
duration=${DURATION:-20}
priorities=${PRIORITIES:-idle nice:19 normal}
threads=${POOL_THREADS:-1}

work=$(mktemp -d)
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
server_bin=$(cd "$build/server" && pwd)/ranking-server
load_run=()
if [ "${PIN:-0}" = 1 ]; then
  printf '#!/usr/bin/env bash\nexec taskset -c 1 %q "$@"\n' "$server_bin" >"$work/pinned-server"
  chmod +x "$work/pinned-server"
  server_bin=$work/pinned-server
  load_run=(taskset -c 0)
  echo "pinned: the server on CPU 1, ranking-load on CPU 0"
fi

echo "pool_priority_bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), ${duration} s per run"
# canary p99 (ms) from ranking-load's first phase table: p99 is the 4th column from the end.
canary_p99() { awk '/^Phase 1/ { p = 1 } p && $1 == "canary" { print $(NF - 3); exit }' "$1"; }

run() { # label, server flags...
  local label=$1
  shift
  start_server "$work/server.log" "$server_bin" --pool-threads "$threads" "$@"
  local hash_ms rate
  hash_ms=$(sed -E 's/.*iterations = ([0-9.]+) ms.*/\1/' <<<"$SERVER_LINE")
  rate=$(awk -v ms="$hash_ms" -v t="$threads" 'BEGIN { printf "%d", 2 * t * 1000 / ms + 1 }')
  "${load_run[@]}" "$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" --mix rank=1 \
    --rate "$rate" --connections 64 --canary 100/s --warmup 2s --duration "${duration}s" \
    --no-progress >"$work/$label.out" 2>&1 || true
  stop_server >/dev/null 2>&1 || true
  local valid
  valid=$(grep -m1 -o 'Validity: [A-Z ]*' "$work/$label.out" | sed 's/Validity: //') || true
  if [ -z "$valid" ]; then
    echo "$label: ranking-load gave no report:" >&2
    tail -5 "$work/$label.out" >&2
    return 0
  fi
  local lag
  lag=$(sed -n 's/.*send lag .* p99 \([0-9.]*\) ms.*/\1/p' "$work/$label.out" | head -1)
  # ranking-load's "N of M canaries unanswered within T s", when some were: no latency for them.
  local unanswered
  unanswered=$(grep -m1 -o '[0-9]* of [0-9]* canaries unanswered within [0-9.]* s' "$work/$label.out") || true
  printf '%-22s hash %6s ms  /rank offered %4s/s  canary p99 %8s ms  (%s; tool send lag p99 %s ms)%s\n' \
    "$label" "$hash_ms" "$rate" "$(canary_p99 "$work/$label.out")" "$valid" "$lag" \
    "${unanswered:+; $unanswered}"
}

for priority in $priorities; do
  if [ "$priority" = default ]; then # the server's own default, whatever it is today
    run "offload default"
  else
    run "offload $priority" --pool-priority "$priority"
  fi
done
[ "${INLINE:-1}" = 0 ] || run "inline" --mode inline
