#!/usr/bin/env bash
# SIGHUP: the server reads its options again (--config file and command line), applies what can
# change at run time, names what needs a restart, keeps serving, and refuses a file that no
# longer parses without changing anything. Asserts answers and log lines, never timings.
# Usage: reload.sh RANKING_SERVER
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/server.sh"
command -v curl >/dev/null || { echo "curl is not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

echo first >"$work/write-token"
printf 'stall-warn-ms = 250\nwrite-token-file = %s\nplayers = 50\n' "$work/write-token" >"$work/server.conf"
start_server "$work/log" "$bin" --config "$work/server.conf"

# post ID TOKEN: the status of POST /games with that bearer token
post() {
  curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $2" \
    -d "{\"id\":\"$1\",\"white\":\"alice\",\"black\":\"bob\",\"result\":\"1-0\"}" "$DATA_URL/games"
}
# after_hangup N: SIGHUP, then wait (bounded) for the Nth reload line of the log
after_hangup() {
  kill -HUP "$SERVER_PID"
  for _ in $(seq 100); do
    [ "$(grep -c 'reload' "$work/log")" -ge "$1" ] && return 0
    sleep 0.05
  done
  fail "no reload line after SIGHUP number $1"
}

[ "$(post g1 first)" = 201 ] || fail "the first token was not accepted"
echo second >"$work/write-token"
printf 'stall-warn-ms = 400\nwrite-token-file = %s\nplayers = 60\n' "$work/write-token" >"$work/server.conf"
after_hangup 1
grep -q 'reloaded: changed --stall-warn-ms 250 -> 400, the write token; needs a restart to change: --players' "$work/log" ||
  fail "the reload line: $(grep reload "$work/log")"
grep -q 'second' "$work/log" && fail "the token is in the log"
[ "$(post g2 first)" = 403 ] || fail "the old token still accepted after the reload"
[ "$(post g3 second)" = 201 ] || fail "the new token not accepted after the reload"

echo 'bogus = 1' >>"$work/server.conf"
after_hangup 2
grep -q "unrecognised option 'bogus'; reload refused, the running settings stay" "$work/log" ||
  fail "a bad file: $(grep reload "$work/log" | tail -1)"
[ "$(post g4 second)" = 201 ] || fail "the running token changed by a refused reload"
kill -0 "$SERVER_PID" || fail "the server is gone after SIGHUP"
stop_server || fail "the server did not stop cleanly"
[ $status = 0 ] && echo "ok: SIGHUP reloads, names what needs a restart, refuses a bad file"
exit $status
