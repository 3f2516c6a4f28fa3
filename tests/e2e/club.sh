#!/usr/bin/env bash
# The club page (the data plane's /club) in headless Chromium via Playwright (playwright-core from
# npm, Debian's chromium), against a server on loopback with a small club of its own, in a
# scratch directory; the test posts the games it then looks for.
# Usage: club.sh RANKING_SERVER WORK_DIR   (exit 77 = skipped: chromium or npm missing)
set -euo pipefail
server_bin=$1
work_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/npm_packages.sh"
browser_test_packages "$work_dir"

source "$here/../../scripts/server.sh"
scratch=$(mktemp -d)
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT

# 25 players, two pages of the leaderboard: alice on top, bob just below her (a win takes him
# past her), and 21 members well below.
{
  echo "name,rating,rd"
  echo "alice,1620,80"
  echo "bob,1600,80"
  echo "charlie,1500,80"
  echo "dana,1450,80"
  for i in $(seq -w 1 21); do echo "member$i,$((1000 + 10 * 10#$i)),80"; done
} >"$scratch/club.csv"

start_server "$scratch/server.log" "$server_bin" --club "$scratch/club.csv" \
  --db "$scratch/ranking.db" --hash-iterations 1000
export DATA_URL
NODE_PATH="$work_dir/node_modules" node "$here/../dashboard/club_test.cjs" || {
  echo "--- server log" >&2
  cat "$scratch/server.log" >&2
  exit 1
}
stop_server
