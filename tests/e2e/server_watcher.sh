#!/usr/bin/env bash
# A script killed by SIGKILL leaves no ranking-server running: it runs no EXIT trap, so
# scripts/server.sh's start_server has the kernel send the server SIGTERM when the shell that
# started it ends (setpriv --pdeathsig). The owner here is a shell that starts a server and sleeps.
# Usage: server_watcher.sh RANKING_SERVER
set -euo pipefail
server_bin=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
owner=""
server=""
trap 'set +e # on success both are gone: a failed kill here is no failure
  [ -n "$owner" ] && kill -9 "$owner" 2>/dev/null; [ -n "$server" ] && kill -9 "$server" 2>/dev/null
  rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# Orphaned, the server is reaped by whoever adopts it; until then it is a zombie, which is gone.
running() { [ -r "/proc/$1/stat" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

bash -c 'source "$1/../../scripts/server.sh"
  start_server "$2/server.log" "$3" --players 50 --db "$2/ranking.db" || exit 1
  echo "$SERVER_PID" >"$2/server.pid.tmp" && mv "$2/server.pid.tmp" "$2/server.pid"
  exec sleep 600' owner "$here" "$work" "$server_bin" &
owner=$!
for _ in $(seq 300); do
  [ -f "$work/server.pid" ] && break
  kill -0 "$owner" 2>/dev/null || fail "the owner ended before its server started: $(cat "$work/server.log")"
  sleep 0.1
done
[ -f "$work/server.pid" ] || fail "no server started in 30 s"
server=$(cat "$work/server.pid")
sleep 1
kill -0 "$server" 2>/dev/null || fail "the server stopped while its owner still ran: $(tail -3 "$work/server.log")"
{ kill -9 "$owner" && wait "$owner"; } 2>/dev/null || true # wait: no "Killed" line
owner=""
for _ in $(seq 100); do
  running "$server" || break
  sleep 0.1
done
running "$server" && fail "ranking-server (pid $server) still runs 10 s after its owner's SIGKILL"
ended=$server
server="" # gone: its PID may be another process's from now on, so the trap must not kill it
# SIGTERM, not a crash: the server stopped as it does for stop_server.
grep -q '^ranking-server: stopped' "$work/server.log" ||
  fail "the server ended without its graceful stop: $(tail -3 "$work/server.log")"
echo "the server (pid $ended) ended after its owner's SIGKILL"
