#!/usr/bin/env bash
# End to end: start the built ranking-server, drive it with ranking-client, stop it by PID.
# Usage: server_and_client.sh RANKING_SERVER RANKING_CLIENT
set -euo pipefail
server_bin=$1
client_bin=$2
work=$(mktemp -d)
source "$(dirname "$0")/../../scripts/server.sh"
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; echo "--- server log" >&2; cat "$work/server.log" >&2 || true; exit 1; }
expect_in() { grep -qF -- "$2" <<<"$1" || fail "expected '$2' in: $1"; }

# A slow hash (100 ms) makes the story's ordering unambiguous. The pool and the storage thread at
# normal priority: at SCHED_IDLE (the default) they get next to no CPU while other work fills
# both cores (a parallel build here: `rank alice` timed out after 10 s, twice).
start_server "$work/server.log" "$server_bin" --hash-ms 100 --players 500 --db "$work/ranking.db" \
  --pool-priority normal --storage-priority normal || fail "no startup"
expect_in "$SERVER_LINE" "mode offload"
client() { "$client_bin" --url "$DATA_URL" --admin-url "$ADMIN_URL" "$@"; }

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

# A game, its retry, a conflicting one under the same id, and a typo caught before sending.
out=$(client game alice bob 1-0 --id e2e.1) || fail "game exited $?"
expect_in "$out" "game e2e.1 (seq 1): alice vs bob, 1-0; new (201 Created)"
expect_in "$out" "rank"
out=$(client game Alice bob 1-0 --id e2e.1) || fail "game retry exited $?"
expect_in "$out" "already recorded (200)"
if client game alice bob 0-1 --id e2e.1 >"$work/out" 2>&1; then fail "a conflict should exit 1"; fi
expect_in "$(cat "$work/out")" "HTTP 409"
set +e
client game alice bob 2-0 >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad result should exit 2"
set -e
out=$(client story io) || fail "story io exited $?"
echo "$out"
expect_in "$out" "/games?limit=10000"
expect_in "$out" "verdict: "

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

# A server with a write token and an admin token, both from its environment: the client sends
# them from the same variables, and without them gets 401.
stop_server >/dev/null 2>&1 || fail "the first server did not stop cleanly"
RANKING_WRITE_TOKEN=w-e2e RANKING_ADMIN_TOKEN=a-e2e start_server "$work/server.log" "$server_bin" \
  --hash-iterations 1000 --players 100 --db "$work/tokens.db" || fail "no startup with tokens"
if client game alice bob 1-0 --id e2e.t >"$work/out" 2>&1; then fail "a game without the token should exit 1"; fi
expect_in "$(cat "$work/out")" "HTTP 401"
out=$(RANKING_WRITE_TOKEN=w-e2e client game alice bob 1-0 --id e2e.t) || fail "game with the token exited $?"
expect_in "$out" "new (201 Created)"
if client mode >"$work/out" 2>&1; then fail "mode without the admin token should exit 1"; fi
expect_in "$(cat "$work/out")" "HTTP 401"
expect_in "$(RANKING_ADMIN_TOKEN=a-e2e client mode)" "mode: offload"

# SIGTERM: exit 0 within 5 s.
kill -TERM "$SERVER_PID"
for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVER_PID" 2>/dev/null && fail "server still running 5 s after SIGTERM"
wait "$SERVER_PID" || fail "server exited $? after SIGTERM"
SERVER_PID=""

if client story >"$work/out" 2>&1; then fail "client should fail when the server is gone"; fi
expect_in "$(cat "$work/out")" "cannot reach"
