#!/usr/bin/env bash
# Every binary's command line, as a user meets it: --help on stdout with exit 0 and nothing on
# stderr; an unknown option named on stderr with exit 2; a stray word (no option) refused with
# exit 2 before anything is created (ranking-server makes no ranking.db); a bad value named.
# Usage: command_lines.sh RANKING_SERVER RANKING_CLIENT RANKING_LOAD STORE_BENCH
set -euo pipefail
server=$1 client=$2 load=$3 bench=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
exit $status
