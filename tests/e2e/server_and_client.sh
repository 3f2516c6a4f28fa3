#!/usr/bin/env bash
# End to end: start the built ranking-server, drive it with ranking-client, stop it by PID.
# Usage: server_and_client.sh RANKING_SERVER RANKING_CLIENT
set -euo pipefail
server_bin=$1
client_bin=$2
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- server log" >&2; cat "$work/server.log" >&2 || true; exit 1; }
expect_in() { grep -qF -- "$2" <<<"$1" || fail "expected '$2' in: $1"; }

# A slow hash (100 ms) makes the story's ordering unambiguous.
"$server_bin" --port 0 --admin-port 0 --hash-ms 100 --players 500 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q '^ranking-server: data' "$work/server.log" && break; sleep 0.1; done
line=$(grep '^ranking-server: data' "$work/server.log") || fail "no startup line"
data_url=$(sed -E 's/.*data (http:[^ ]+).*/\1/' <<<"$line")
admin_url=$(sed -E 's/.*admin (http:[^ ]+).*/\1/' <<<"$line")
expect_in "$line" "mode offload"
client() { "$server_client" --url "$data_url" --admin-url "$admin_url" "$@"; }
server_client=$client_bin

out=$(client rank alice) || fail "rank alice exited $?"
expect_in "$out" "token"
expect_in "$out" "(offload)"
out=$(client player bob charlie) || fail "player exited $?"
expect_in "$out" "bob"
expect_in "$out" "charlie"
if client player nobody >"$work/out" 2>&1; then fail "unknown player should exit non-zero"; fi
expect_in "$(cat "$work/out")" "HTTP 404"

out=$(client story) || fail "story exited $?"
echo "$out"
expect_in "$out" "bob and charlie did not wait for alice"

out=$(client mode inline) || fail "mode inline exited $?"
expect_in "$out" "mode: inline (was offload)"
out=$(client story) || fail "story exited $?"
echo "$out"
expect_in "$out" "bob and charlie waited behind alice"
expect_in "$(client mode)" "mode: inline"

set +e
client dance >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown command should exit 2"
set -e

# SIGTERM: exit 0 within 5 s.
kill -TERM "$server_pid"
for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2>/dev/null && fail "server still running 5 s after SIGTERM"
wait "$server_pid" || fail "server exited $? after SIGTERM"
server_pid=""

if client story >"$work/out" 2>&1; then fail "client should fail when the server is gone"; fi
expect_in "$(cat "$work/out")" "cannot reach"
