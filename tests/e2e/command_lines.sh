#!/usr/bin/env bash
# Every binary's command line, as a user meets it: --help on stdout with exit 0 and nothing on
# stderr; an unknown option named on stderr with exit 2; a stray word (no option) refused with
# exit 2 before anything is created (ranking-server makes no ranking.db); a bad value named.
# ranking-server as root without --allow-root, and on a port already taken, exits naming why
# (--allow-root; the plane, its address and port) before it creates its database.
# Usage: command_lines.sh RANKING_SERVER RANKING_CLIENT RANKING_LOAD STORE_BENCH
set -euo pipefail
server=$1 client=$2 load=$3 bench=$4
source "$(dirname "$0")/../../scripts/server.sh"
work=$(mktemp -d)
trap 'stop_server; rm -rf "$work"' EXIT
cd "$work"
status=0
fail() { echo "FAIL: $*" >&2; status=1; }

# expect EXIT TEXT BINARY ARGS...: the exit code, and TEXT in stderr (or stdout when exit is 0)
expect() {
  local want=$1 text=$2 bin=$3 name; shift 3
  name=$(basename "$bin")
  local rc=0
  timeout 10 "$bin" "$@" >"$work/out" 2>"$work/err" || rc=$?
  local where="$work/err"; [ "$want" = 0 ] && where="$work/out"
  if [ "$rc" != "$want" ]; then fail "$name $*: exit $rc, expected $want ($(head -c 200 "$work/err"))"; return; fi
  if ! grep -qF -- "$text" "$where"; then fail "$name $*: '$text' not in its output"; return; fi
  if [ "$want" = 0 ] && [ -s "$work/err" ]; then fail "$name $*: wrote to stderr"; return; fi
  echo "ok: $name $* -> exit $rc"
}

for bin in "$server" "$client" "$load" "$bench"; do
  expect 0 "--help" "$bin" --help
  expect 2 "--no-such-flag" "$bin" --no-such-flag
done
expect 2 "every setting is a --flag" "$server" stray
expect 2 "'stray'" "$load" stray
expect 2 "'stray'" "$bench" stray
expect 2 "--rate" "$bench" --rate 0
expect 2 "--db" "$bench" --db ranking.db
expect 2 "--only" "$bench" --only everything
[ -e ranking.db ] && fail "ranking-server stray created ./ranking.db"

if [ "$(id -u)" = 0 ]; then
  expect 2 "--allow-root" "$server" --port 0 --admin-port 0 --db "$work/root.db"
  [ -e "$work/root.db" ] && fail "ranking-server refused as root but created its database"
else
  echo "skipped: the refusal of root (not root)"
fi

# Each plane's port taken by a first server: the second names it and creates no database.
start_server "$work/first.log" "$server" --players 50 --hash-iterations 1000 --db "$work/first.db"
data_port=${DATA_URL##*:} admin_port=${ADMIN_URL##*:}
expect 1 "cannot listen on the data plane, 127.0.0.1:$data_port: " "$server" --allow-root \
  --port "$data_port" --admin-port 0 --db "$work/second.db"
expect 1 "cannot listen on the admin plane, 127.0.0.1:$admin_port: " "$server" --allow-root \
  --port 0 --admin-port "$admin_port" --db "$work/second.db"
[ -e "$work/second.db" ] && fail "ranking-server could not listen but created its database"
exit $status
