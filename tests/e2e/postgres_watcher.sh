#!/usr/bin/env bash
# A test killed by SIGKILL (ctest's timeout does that) leaves no PostgreSQL behind. pg_ctl's
# server is nobody's child, and a killed test runs no EXIT trap or destructor, so both ways the
# tests start one carry a watcher that stops it once its owner is gone:
#   1. scripts/postgres.sh's start_postgres DIR PORT OWNER_PID (the shell tests pass $$);
#   2. the C++ tests' TempPostgres (here pg_store_tests, killed while its cases run).
# Usage: postgres_watcher.sh PG_STORE_TESTS; exit 77 (skipped) without PostgreSQL's binaries.
set -euo pipefail
pg_store_tests=$1
here=$(dirname "$0")
source "$here/../../scripts/postgres.sh"
postgres_bin >/dev/null 2>&1 || { echo "needs postgresql (make test installs it)" >&2; exit 77; }
work=$(mktemp -d)
chmod 755 "$work" # as root, PostgreSQL runs as `postgres`, which must reach its directories
owner=""
tests_pid=""
postmaster=""
# On a failure, whatever still runs is stopped here (SIGQUIT: a postmaster's immediate shutdown).
trap 'set +e # the owners are dead by now on success: a failed kill here is no failure
  [ -n "$owner" ] && kill "$owner" 2>/dev/null; [ -n "$tests_pid" ] && kill -9 "$tests_pid" 2>/dev/null
  [ -n "$postmaster" ] && kill -QUIT "$postmaster" 2>/dev/null
  stop_postgres "$work/pg" >/dev/null 2>&1; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Waits up to 20 s (the watchers poll once a second) for process $1 to end.
ends() {
  for _ in $(seq 200); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# 1. The script's watcher: the owner is a sleep this test kills.
sleep 600 &
owner=$!
start_postgres "$work/pg" $((20000 + RANDOM % 12000)) "$owner" || fail "no PostgreSQL"
postmaster=$(head -1 "$work/pg/data/postmaster.pid")
sleep 1.5 # past the watcher's first look: the server must outlive its owner's first second
kill -0 "$postmaster" 2>/dev/null || fail "the server stopped while its owner still ran"
kill -9 "$owner"
ends "$postmaster" || fail "start_postgres's server (pid $postmaster) still runs 20 s after its owner's SIGKILL"
echo "script watcher: the server (pid $postmaster) stopped after its owner's SIGKILL"

# 2. TempPostgres's watcher: pg_store_tests makes its server under TMPDIR, in ranking-pg-*.
mkdir "$work/tmp" && chmod 755 "$work/tmp"
TMPDIR=$work/tmp "$pg_store_tests" >"$work/tests.log" 2>&1 &
tests_pid=$!
# The server's PID, once there is one: initdb's own backend leaves a negative one there first.
postmaster=""
for _ in $(seq 600); do
  postmaster=$(head -qn1 "$work"/tmp/ranking-pg-*/data/postmaster.pid 2>/dev/null | head -1) || true
  [[ "$postmaster" =~ ^[0-9]+$ ]] && kill -0 "$postmaster" 2>/dev/null && break
  postmaster=""
  kill -0 "$tests_pid" 2>/dev/null || fail "pg_store_tests ended before its server was seen: $(tail -5 "$work/tests.log")"
  sleep 0.05
done
[ -n "$postmaster" ] || fail "pg_store_tests started no server in 30 s"
kill -9 "$tests_pid" 2>/dev/null || fail "pg_store_tests ended before it could be killed"
tests_pid=""
ends "$postmaster" || fail "TempPostgres's server (pid $postmaster) still runs 20 s after pg_store_tests' SIGKILL"
for _ in $(seq 50); do
  [ -z "$(ls "$work/tmp")" ] && break
  sleep 0.1
done
[ -z "$(ls "$work/tmp")" ] || fail "TempPostgres's directory was left behind: $(ls "$work/tmp")"
echo "TempPostgres watcher: the server (pid $postmaster) stopped and its directory went after pg_store_tests' SIGKILL"
