#!/usr/bin/env bash
# docs/openapi.yaml: valid OpenAPI 3.1, and a running server answers as it says (every route,
# success and error cases). Packages from npm, kept in the build tree.
# Usage: openapi.sh RANKING_SERVER WORK_DIR   (exit 77 = skipped: npm missing)
set -euo pipefail
server_bin=$1
work_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null || { echo "needs npm (make test installs it)" >&2; exit 77; }
source "$here/npm_packages.sh"
npm_packages "$here/../openapi" "$work_dir"

source "$here/../../scripts/server.sh"
log=$(mktemp)
trap 'stop_server >/dev/null 2>&1 || true; rm -f "$log"' EXIT
export ADMIN_TOKEN=openapi-test-token
# The admin token from the environment (never the command line, where ps shows it). A 1 MiB
# answer budget: a page of 10,000 games finds no room in it, the check's 503 on GET /games.
export RANKING_ADMIN_TOKEN=$ADMIN_TOKEN
start_server "$log" "$server_bin" --players 100 --hash-iterations 1000 --answer-budget-mb 1
export DATA_URL ADMIN_URL OPENAPI="$here/../../docs/openapi.yaml"
NODE_PATH="$work_dir/node_modules" node "$here/../openapi/check_openapi.cjs" || {
  echo "--- server log" >&2
  cat "$log" >&2
  exit 1
}
