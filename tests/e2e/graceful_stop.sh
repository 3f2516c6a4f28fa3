#!/usr/bin/env bash
# SIGTERM in the middle of a load run: the server answers every request it had read, refuses
# new work, and exits 0. The server's own tally (requests read / answered / dropped) decides.
# Usage: graceful_stop.sh RANKING_SERVER RANKING_LOAD
set -euo pipefail
server_bin=$1
load_bin=$2
work=$(mktemp -d)
source "$(dirname "$0")/../../scripts/server.sh"
load_pid=""
trap '{ [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null; } || true; stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$work/server.log" >&2; exit 1; }

# A 50 ms hash so that hashes are in flight, on the pool and in its queue, when the stop comes.
# The pool at normal priority: the queue must drain within the 4.5 s stop deadline, and a
# SCHED_IDLE pool (the default) gets next to no CPU while other work fills the cores (a parallel
# build here: 32-42 read requests dropped in 3 runs of 3; none at normal in 2 runs).
start_server "$work/server.log" "$server_bin" --hash-ms 50 --players 500 --max-pending-hashes 1000 \
  --pool-priority normal
"$load_bin" --url "$DATA_URL" --admin-url "$ADMIN_URL" --rate 200 --mix rank=1,players=3 \
  --connections 50 --warmup 0s --duration 6s --canary 0 --timeout 3s --no-progress \
  >"$work/load.log" 2>&1 &
load_pid=$!
sleep 2
kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
[ "$status" -eq 0 ] || fail "server exited $status after SIGTERM under load"
summary=$(grep 'requests read' "$work/server.log") || fail "no request tally in the server log"
echo "$summary"
read_count=$(sed -E 's/.*: ([0-9]+) requests read.*/\1/' <<<"$summary")
[ "$read_count" -gt 50 ] || fail "the load did not reach the server ($read_count requests read)"
grep -q ' 0 dropped' <<<"$summary" || fail "requests were read and not answered: $summary"
wait "$load_pid" || true
load_pid=""
