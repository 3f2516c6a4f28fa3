#!/usr/bin/env bash
# Crash safety: games posted from many connections, the server killed with SIGKILL mid-run and
# restarted on the same store (the SQLite file, or the same PostgreSQL database). Every game
# answered 201 must be there, seqs must have no hole, and each player's rating must be the
# "after" of their last stored game.
# Usage: crash_safety.sh RANKING_SERVER [--postgres]
#   --postgres: the same against a throwaway PostgreSQL (scripts/postgres.sh) instead of a SQLite
#   file; exit 77 (skipped) without PostgreSQL's binaries.
set -euo pipefail
server_bin=$1
backend=${2:-sqlite}
work=$(mktemp -d)
source "$(dirname "$0")/../../scripts/server.sh"
source "$(dirname "$0")/../../scripts/postgres.sh"
# Every step of the trap runs whatever the one before it did (set -e holds inside it too).
trap 'stop_server >/dev/null 2>&1 || true; { [ -n "${curl_pid:-}" ] && kill "$curl_pid" 2>/dev/null; } || true
  { [ "$backend" = --postgres ] && stop_postgres "$work/pg" >/dev/null 2>&1; } || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || fail "jq is missing (make test installs it)"

case $backend in
sqlite) db=$work/crash.db label=SQLite ;;
--postgres)
  postgres_bin >/dev/null 2>&1 || { echo "needs postgresql (make test installs it)" >&2; exit 77; }
  chmod 755 "$work" # as root, PostgreSQL runs as `postgres`, which must reach its directory
  # A random port below the ephemeral range (32768 up), where outgoing connections take theirs.
  start_postgres "$work/pg" $((20000 + RANDOM % 12000)) $$ || fail "no PostgreSQL"
  db=$POSTGRES_URL label=PostgreSQL
  ;;
*) fail "usage: crash_safety.sh RANKING_SERVER [--postgres]" ;;
esac
# The storage thread at normal priority: at its SCHED_IDLE default, commits can wait for seconds
# while a parallel build fills both cores (what this test checks does not depend on it).
start_server "$work/server.log" "$server_bin" --players 50 --db "$db" --storage-priority normal ||
  fail "no startup"

# 30,000 games between 50 players, more than this machine stores in the second before the kill.
players=(alice bob charlie)
for i in $(seq -f '%05g' 3 49); do players+=("player$i"); done
total=30000
for ((i = 1; i <= total; i++)); do
  white=$((RANDOM % 50))
  w=${players[white]} b=${players[(white + 1 + RANDOM % 49) % 50]}
  if [ "$i" -gt 1 ]; then echo next; fi
  printf 'url = "%s/games"\nsilent\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%header{location}\\n"\nheader = "Content-Type: application/json"\ndata = "{\\"id\\":\\"crash-%d\\",\\"white\\":\\"%s\\",\\"black\\":\\"%s\\",\\"result\\":\\"1-0\\"}"\n' \
    "$DATA_URL" "$i" "$w" "$b"
done >"$work/games.curl"

# Options before the first "next" would only apply to the first game: each entry has its own.
curl --parallel --parallel-max 32 --config "$work/games.curl" >"$work/acks" 2>/dev/null &
curl_pid=$!
# SIGKILL once the server has acknowledged some games (its own count, /metrics), not after a fixed
# time: under a parallel build, 0.7 s after curl started no game had been answered yet (the
# test failed). Bounded: 60 s.
kill_after=200
created() {
  http_get "$ADMIN_URL" /metrics | sed -n 's/^ranking_games_total{outcome="created"} \([0-9]*\).*/\1/p'
}
for _ in $(seq 600); do
  [ "$(created || true)" -ge "$kill_after" ] 2>/dev/null && break
  sleep 0.1
done
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
wait "$curl_pid" || true
curl_pid=""

acked=$(grep -c '^201 ' "$work/acks" || true)
unanswered=$(grep -vc '^201 ' "$work/acks" || true)
[ "$acked" -gt 0 ] || fail "no game was acknowledged before the kill"
[ "$unanswered" -gt 0 ] || fail "every game was answered before the kill: not a mid-run crash"
sed -n 's|^201 /games/||p' "$work/acks" | sort >"$work/acked_ids"

start_server "$work/server2.log" "$server_bin" --db "$db" --storage-priority normal ||
  fail "no restart on the same store"
grep -q "store: loaded" <<<"$SERVER_LINE" || fail "restart did not load the store: $SERVER_LINE"

# The export, page by page.
after=0
: >"$work/games.jsonl"
while :; do
  page=$(curl -s "$DATA_URL/games?after=$after&limit=10000")
  jq -c '.games[]' <<<"$page" >>"$work/games.jsonl"
  next=$(jq '.next' <<<"$page")
  [ "$next" = "null" ] && break
  after=$next
done
stored=$(wc -l <"$work/games.jsonl")
jq -r '.id' "$work/games.jsonl" | sort >"$work/stored_ids"
lost=$(comm -23 "$work/acked_ids" "$work/stored_ids" | wc -l)
[ "$lost" -eq 0 ] || fail "$lost acknowledged games are missing after the restart"
jq -s -e '[.[].seq] == [range(1; length + 1)]' "$work/games.jsonl" >/dev/null ||
  fail "the stored seqs have holes or are out of order"

# Each player's rating is the "after" of their last stored game.
jq -s -c '[.[] | (.white, .black) | {key: .player, value: .after}] | from_entries' \
  "$work/games.jsonl" >"$work/last_after"
checked=0
for p in $(jq -r 'keys[]' "$work/last_after"); do
  now=$(curl -s "$DATA_URL/players/$p" | jq -c '.glicko')
  want=$(jq -c --arg p "$p" '.[$p]' "$work/last_after")
  # The RD a lookup shows has grown by the seconds since the game (docs/api.md#time-between-games).
  jq -n -e --argjson now "$now" --argjson want "$want" '$now.rating == $want.rating and
      $now.volatility == $want.volatility and $now.rd >= $want.rd and $now.rd - $want.rd < 0.01' \
    >/dev/null || fail "$p: rating $now after restart, last stored game says $want"
  checked=$((checked + 1))
done
stop_server || fail "the restarted server did not stop cleanly"
echo "crash safety ($label): $total games offered from 32 connections, SIGKILL once $kill_after were stored: $acked answered" \
  "201, $stored stored after restart (every acknowledged one among them), $unanswered unanswered;" \
  "$checked players' ratings equal the after of their last stored game"
