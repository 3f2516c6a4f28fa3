#!/usr/bin/env bash
# make live: a server under a steady open-loop load for as long as you watch it, to flip its mode
# on the dashboard in front of a room. Prints the dashboard's address; Ctrl-C (or any kill, even
# SIGKILL) stops the server and the load it started.
# Usage: demo/live.sh [BUILD_DIR=build/release]
# Env: RATE (200 req/s), MIX (rank=1,players=19), CONNECTIONS (200), MINUTES (60: then the load
# ends, and with it the server).
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"

rate=${RATE:-200}
mix=${MIX:-rank=1,players=19}
connections=${CONNECTIONS:-200}
minutes=${MINUTES:-60}
logs=$(mktemp -d)
load_pid=""

# Runs once, whichever way the script ends (Ctrl-C, kill, the load's end): the load first, then
# the server, each by its PID.
stop_all() {
  trap - INT TERM EXIT
  if [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; then
    kill -TERM "$load_pid" 2>/dev/null || true
  fi
  [ -z "$load_pid" ] || wait "$load_pid" 2>/dev/null || true
  stop_server >/dev/null 2>&1 || true
  echo "live: stopped the load and the server; their logs are in $logs"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server "$logs/server.log" "$build/server/ranking-server" --mode offload --pool-threads 1 \
  --stall-warn-ms 50
echo "$SERVER_LINE"
# Ended by the kernel, like the server, should this script die without running its trap.
setpriv --pdeathsig TERM -- "$build/load/ranking-load" --url "$DATA_URL" --admin-url "$ADMIN_URL" \
  --rate "$rate" --mix "$mix" --connections "$connections" --duration "${minutes}m" --canary 0 \
  >"$logs/load.log" 2>&1 &
load_pid=$!
echo "live: server pid $SERVER_PID, load pid $load_pid ($rate req/s, $mix, $minutes min)"
echo "live: the dashboard is at $ADMIN_URL/ : flip the mode there and watch your own requests wait"
echo "live: Ctrl-C stops it all"
# wait returns early on a signal; the trap then runs. The load ends by itself after its minutes;
# should the server end first, the load is stopped rather than left to hit a closed port.
wait -n "$SERVER_PID" "$load_pid" || true
