#!/usr/bin/env bash
# Proves that ranking-load counts a server stall instead of hiding it: a constant 200 req/s of
# cheap GET /players for 10 s, and in the middle the server is frozen (SIGSTOP) for 1 s.
# An open-loop tool timing from due times must then report p99 >= 100 ms and max >= 800 ms.
# Usage: stall_self_test.sh RANKING_SERVER RANKING_LOAD JSON_VALUE
set -euo pipefail

server_bin=$1
load_bin=$2
json_value=$3

work=$(mktemp -d)
server_pid=""
load_pid=""

# Always: thaw and stop what we started, by PID, then remove the scratch directory.
cleanup() {
  if [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; then kill "$load_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -CONT "$server_pid" 2>/dev/null || true
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "stall self-test: FAIL: $*" >&2
  for f in server.out server.err load.out; do
    [ -f "$work/$f" ] && { echo "--- $f" >&2; cat "$work/$f" >&2; }
  done
  exit 1
}

# A cheap hash keeps the server idle; only the freeze should show. --allow-root, as
# scripts/server.sh's start_server: the tests run as root.
"$server_bin" --allow-root --port 0 --admin-port 0 --hash-iterations 1000 --db "$work/ranking.db" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q '^ranking-server: data ' "$work/server.out" && break
  kill -0 "$server_pid" 2>/dev/null || fail "ranking-server exited at start"
  sleep 0.1
done
url=$(sed -n 's/^ranking-server: data \(http:[^ ]*\) .*/\1/p' "$work/server.out")
admin=$(sed -n 's/.* admin \(http:[^ ]*\) .*/\1/p' "$work/server.out")
[ -n "$url" ] && [ -n "$admin" ] || fail "no startup line from ranking-server within 10 s"

timeout 60 "$load_bin" --url "$url" --admin-url "$admin" --rate 200 --mix players=1 \
  --duration 10s --warmup 1s --connections 8 --canary 0 --no-progress \
  --json "$work/run.json" >"$work/load.out" 2>&1 &
load_pid=$!

# The run starts about 0.2 s after launch (club fetch, connects): freeze around 5-6 s into it.
sleep 5
kill -STOP "$server_pid"
sleep 1
kill -CONT "$server_pid"

wait "$load_pid" || fail "ranking-load exited with $?"
load_pid=""

value() { "$json_value" "$work/run.json" "$1" || fail "no $1 in the JSON"; }
p99=$(value /overall/series/players/latency_ms/p99)
max=$(value /overall/series/players/latency_ms/max)
planned=$(value /overall/series/players/planned)
count=$(value /overall/series/players/count)
valid=$(value /validity/valid)
echo "stall self-test: players p99 ${p99} ms, max ${max} ms, ${count} of ${planned} planned recorded, run valid: ${valid}"

awk -v v="$p99" 'BEGIN { exit !(v >= 100) }' || fail "p99 ${p99} ms < 100 ms: the 1 s stall was hidden"
awk -v v="$max" 'BEGIN { exit !(v >= 800) }' || fail "max ${max} ms < 800 ms: the 1 s stall was hidden"
[ "$count" = "$planned" ] || fail "${count} recorded of ${planned} planned: requests vanished"
echo "stall self-test: PASS"
