#!/usr/bin/env bash
# Three servers over one PostgreSQL behind HAProxy (scripts/cluster.sh up/down), driven with curl:
#  1. a game posted through server 1: once its 201 is in, servers 2 and 3 answer the new
#     ratings of both players (bounded wait: the claim is order, not speed);
#  2. 300 games posted through HAProxy from 12 connections at once, half of them alice's, so
#     the servers write for the same player concurrently: all are acknowledged, the export has
#     every one, seqs without a hole, each player's games chained (a game's `before` is the `after`
#     of their previous game, by seq: ratings were computed from locked rows, never from a
#     stale copy), and every server answers each player's rating as their last game's `after`.
#  3. the cluster's owner gone (CLUSTER_OWNER_PID; here a stand-in this test kills), the cluster
#     goes down by itself: HAProxy, the servers and PostgreSQL end, and its directory goes.
# Usage: cluster.sh BUILD_DIR   (exit 77 = skipped: no PostgreSQL, HAProxy, curl or jq)
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for tool in haproxy curl jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool (make test installs it)" >&2; exit 77; }
done
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "needs postgresql (make test installs it)" >&2; exit 77; }

work=$(mktemp -d)
chmod 755 "$work" # as root, PostgreSQL runs as `postgres`, which must reach its directory in it
# The cluster's owner: it ends when this script ends, however it ends, or when part 3 kills it.
(while kill -0 $$ 2>/dev/null; do sleep 1; done) &
owner=$!
trap '"$here/../../scripts/cluster.sh" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$CLUSTER_DIR"/server-*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }; done
  exit 1
}
# Random ports below the ephemeral range (32768 up), where outgoing connections take theirs;
# another port taken by chance means another try on other ports.
for attempt in 1 2 3; do
  base=$((20000 + RANDOM % 12000))
  export CLUSTER_DIR="$work/cluster" CLUSTER_PORT=$base SERVER_PORTS=$((base + 1)) \
    ADMIN_PORTS=$((base + 11)) POSTGRES_PORT=$((base + 21)) STATS_PORT=$((base + 22)) \
    CLUSTER_OWNER_PID=$owner
  "$here/../../scripts/cluster.sh" up "$build" >"$work/up.log" 2>&1 && break
  grep -q -i "address already in use\|could not bind\|cannot bind" "$work/up.log" && [ "$attempt" -lt 3 ] && continue
  cat "$work/up.log" >&2
  fail "cluster up"
done
lb="http://127.0.0.1:$CLUSTER_PORT"
server() { echo "http://127.0.0.1:$((SERVER_PORTS + $1 - 1))"; }
post() { # BASE ID WHITE BLACK RESULT
  curl -s -o "$work/answer.json" -w '%{http_code}' -X POST "$1/games" \
    -H 'Content-Type: application/json' -d "{\"id\":\"$2\",\"white\":\"$3\",\"black\":\"$4\",\"result\":\"$5\"}"
}
rating_on() { curl -s "$(server "$1")/players/$2" | jq -r '.glicko.rating'; }

# 1. Posted through server 1, seen on 2 and 3.
status=$(post "$(server 1)" cluster-first alice bob 1-0)
[ "$status" = 201 ] || fail "server 1 answered $status: $(cat "$work/answer.json")"
alice_after=$(jq -r '.white.after.rating' "$work/answer.json")
bob_after=$(jq -r '.black.after.rating' "$work/answer.json")
for n in 2 3; do
  for _ in $(seq 100); do
    [ "$(rating_on "$n" alice)" = "$alice_after" ] && [ "$(rating_on "$n" bob)" = "$bob_after" ] && break
    sleep 0.05
  done
  [ "$(rating_on "$n" alice)" = "$alice_after" ] || fail "server $n: alice $(rating_on "$n" alice), not $alice_after, 5 s after the 201"
  [ "$(rating_on "$n" bob)" = "$bob_after" ] || fail "server $n: bob $(rating_on "$n" bob), not $bob_after"
done

# 2. Concurrent games through HAProxy, half of them alice's.
# alice and 39 others from the club; alice plays every other game.
mapfile -t others < <(curl -s "$lb/leaderboard?limit=41" | jq -r '.entries[].player | select(. != "alice")' | head -39)
[ "${#others[@]}" = 39 ] || fail "the leaderboard gave ${#others[@]} players besides alice, not 39"
for i in $(seq 300); do
  w=$((RANDOM % 39)) b=$((RANDOM % 39))
  if ((i % 2)); then white=${others[w]}; else white=alice w=-1; fi
  [ "$b" = "$w" ] && b=$(((b + 1) % 39))
  black=${others[b]}
  # Options before the first "next" would only apply to the first game: each entry has its own.
  if [ "$i" -gt 1 ]; then echo next; fi
  printf 'url = "%s/games"\nsilent\noutput = "/dev/null"\nwrite-out = "%%{http_code} cluster-%d\\n"\nheader = "Content-Type: application/json"\ndata = "{\\"id\\":\\"cluster-%d\\",\\"white\\":\\"%s\\",\\"black\\":\\"%s\\",\\"result\\":\\"1-0\\"}"\n' \
    "$lb" "$i" "$i" "$white" "$black"
done >"$work/curl.cfg"
curl -s --parallel --parallel-max 12 --config "$work/curl.cfg" >"$work/statuses.txt" 2>"$work/curl.err" || true
created=$(grep -c '^201 ' "$work/statuses.txt" || true)
[ "$created" = 300 ] || fail "$created of 300 games answered 201: $(cut -d' ' -f1 "$work/statuses.txt" | sort | uniq -c | tr '\n' ' ')"

curl -s "$lb/games?limit=10000" >"$work/export.json"
count=$(jq '.games | length' "$work/export.json")
holes=$(jq '[.games[].seq] | . as $s | [range(length)] | map(select($s[.] != . + 1)) | length' "$work/export.json")
[ "$holes" = 0 ] || fail "seqs have holes: $(jq -c '[.games[].seq]' "$work/export.json" | head -c 300)"
jq -r '.games[].id' "$work/export.json" | sort >"$work/stored.txt"
grep '^201 ' "$work/statuses.txt" | cut -d' ' -f2 | sort >"$work/acknowledged.txt"
missing=$(comm -23 "$work/acknowledged.txt" "$work/stored.txt" | head -5 | tr '\n' ' ')
[ -z "$missing" ] || fail "acknowledged but not stored: $missing"
# Each player's games, by seq: before = the previous game's after.
broken=$(jq '[.games[] | (.white + {seq}), (.black + {seq})] | group_by(.player) |
  map(sort_by(.seq) | . as $g | [range(1; length)] | map(select($g[.].before != $g[. - 1].after))) |
  flatten | length' "$work/export.json")
[ "$broken" = 0 ] || fail "$broken games were rated from a value that was not the player's latest"
jq -r '[.games[] | (.white + {seq}), (.black + {seq})] | group_by(.player) | map(max_by(.seq)) | .[] |
  "\(.player) \(.after.rating)"' "$work/export.json" >"$work/last.txt"
for _ in $(seq 100); do
  lagging=0
  while read -r player rating; do
    for n in 1 2 3; do [ "$(rating_on "$n" "$player")" = "$rating" ] || lagging=1; done
  done <"$work/last.txt"
  [ "$lagging" = 0 ] && break
  sleep 0.05
done
while read -r player rating; do
  for n in 1 2 3; do
    [ "$(rating_on "$n" "$player")" = "$rating" ] || fail "server $n: $player $(rating_on "$n" "$player"), last game says $rating"
  done
done <"$work/last.txt"
echo "cluster: $created of 300 concurrent games acknowledged through HAProxy, $count stored, seqs whole, every player's games chained, $(wc -l <"$work/last.txt") players agree on all three servers"

# 3. The owner gone, the cluster goes down by itself (the watcher polls once a second).
pids=$(cat "$CLUSTER_DIR"/*.pid; head -1 "$CLUSTER_DIR/postgres/data/postmaster.pid")
kill -9 "$owner"
for _ in $(seq 200); do
  running=""
  for pid in $pids; do kill -0 "$pid" 2>/dev/null && running+=" $pid"; done
  [ -z "$running" ] && [ ! -e "$CLUSTER_DIR" ] && break
  sleep 0.1
done
[ -z "$running" ] || fail "still running 20 s after the cluster's owner was killed:$running"
[ ! -e "$CLUSTER_DIR" ] || fail "$CLUSTER_DIR still there 20 s after the cluster's owner was killed"
echo "cluster: down by itself once its owner was killed ($(echo $pids | wc -w) processes ended)"
