#!/usr/bin/env bash
# The dashboard in headless Chromium via Playwright (playwright-core from npm, Debian's chromium).
# Usage: dashboard.sh RANKING_SERVER WORK_DIR   (exit 77 = skipped: chromium or npm missing)
set -euo pipefail
server_bin=$1
work_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/npm_packages.sh"
browser_test_packages "$work_dir"

source "$here/../../scripts/server.sh"
log=$(mktemp)
trap 'stop_server >/dev/null 2>&1 || true; rm -f "$log"' EXIT

# run_test NAME: the browser test against a server started with the environment as it is now.
run_test() {
  echo "--- $1"
  # A 1.5 s hash: long enough to watch the dashboard go on while the loop is frozen.
  start_server "$log" "$server_bin" --hash-ms 1500 --players 1000
  export DATA_URL ADMIN_URL
  NODE_PATH="$work_dir/node_modules" node "$here/../dashboard/dashboard_test.cjs" || {
    echo "--- server log" >&2
    cat "$log" >&2
    exit 1
  }
  grep -q 'WARNING event loop blocked' "$log" || { echo "FAIL: no stall warning in the server log" >&2; exit 1; }
  stop_server
}

# Once as the server runs by default, an admin plane without a token (the screenshot's run),
unset RANKING_ADMIN_TOKEN
SCREENSHOT="$work_dir/dashboard.png" run_test "admin plane without a token"
# and once with a token: the page must ask for it and send it as a header.
RANKING_ADMIN_TOKEN="dashboard-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
export RANKING_ADMIN_TOKEN
run_test "admin plane with a token (RANKING_ADMIN_TOKEN)"
