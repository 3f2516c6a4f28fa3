#!/usr/bin/env bash
# make live (demo/live.sh) stops all it started: after Ctrl-C (SIGINT to its whole process
# group, as a terminal sends it), after SIGTERM to the script, and after SIGKILL to the script
# (no trap runs: the kernel ends its children). Each time, first: the load reaches the server.
# Usage: live.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
live_pid=""
# Job control: the script runs in a process group of its own and, unlike a plain background job,
# does not ignore SIGINT.
set -m
cleanup() {
  if [ -n "$live_pid" ]; then kill -KILL -- "-$live_pid" 2>/dev/null || true; fi
  rm -f "$out"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- demo/live.sh said:" >&2
  cat "$out" >&2
  exit 1
}

source "$here/../../scripts/server.sh" # http_get

# The requests the server has answered, from its admin plane's metrics.
requests_answered() {
  http_get "$1" /metrics | awk '$1 ~ /^ranking_request_duration_seconds_count/ { n += $2 } END { print n + 0 }'
}

# Running, not a zombie (a container's PID 1 may never reap what it inherits).
alive() {
  [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

run_and_stop() {
  local how=$1
  echo "--- $how"
  RATE=100 CONNECTIONS=10 MINUTES=2 bash "$here/../../demo/live.sh" "$build" >"$out" 2>&1 &
  live_pid=$!
  local line=""
  for _ in $(seq 200); do
    line=$(grep -m1 '^live: server pid' "$out" 2>/dev/null) && break
    kill -0 "$live_pid" 2>/dev/null || fail "demo/live.sh ended at start"
    sleep 0.05
  done
  [ -n "$line" ] || fail "no 'live: server pid' line in 10 s"
  local server_pid load_pid admin
  server_pid=$(sed -E 's/.*server pid ([0-9]+).*/\1/' <<<"$line")
  load_pid=$(sed -E 's/.*load pid ([0-9]+).*/\1/' <<<"$line")
  admin=$(grep -m1 -oE 'admin http://[^ ]+' "$out" | cut -d' ' -f2)
  # The load is running: the server's count of requests answered moves.
  local first later
  first=$(requests_answered "$admin")
  for _ in $(seq 100); do
    sleep 0.1
    later=$(requests_answered "$admin")
    [ "${later:-0}" != "${first:-0}" ] && break
  done
  [ "${later:-0}" != "${first:-0}" ] || fail "the server answered no requests from the load"
  echo "the load reaches the server ($first, then $later requests answered): ok"

  case $how in
    sigint) kill -INT -- "-$live_pid" ;;
    sigterm) kill -TERM "$live_pid" ;;
    sigkill) kill -KILL "$live_pid" ;;
  esac
  wait "$live_pid" 2>/dev/null || true
  live_pid=""
  # All it started ends: at once after a signal it traps, within seconds after SIGKILL.
  for _ in $(seq 100); do
    alive "$server_pid" || alive "$load_pid" || break
    sleep 0.1
  done
  ! alive "$server_pid" || fail "the server (pid $server_pid) outlived demo/live.sh"
  ! alive "$load_pid" || fail "the load (pid $load_pid) outlived demo/live.sh"
  echo "after $how, the server (pid $server_pid) and the load (pid $load_pid) are gone: ok"
}

run_and_stop sigint
grep -q '^live: stopped the load and the server' "$out" || fail "no 'stopped' line after Ctrl-C"
run_and_stop sigterm
grep -q '^live: stopped the load and the server' "$out" || fail "no 'stopped' line after SIGTERM"
run_and_stop sigkill
