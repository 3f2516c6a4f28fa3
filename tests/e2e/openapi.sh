#!/usr/bin/env bash
# docs/openapi.yaml: passes Redocly's lint (tests/openapi/redocly.yaml: its rules, and why), is
# valid OpenAPI 3.1, and a running server answers as it says (every route, success and error
# cases). Packages from npm, pinned in tests/openapi/package-lock.json, kept in the build tree.
# Usage: openapi.sh RANKING_SERVER WORK_DIR FEDERATION_STANDIN   (exit 77 = skipped: npm missing)
set -euo pipefail
server_bin=$1
work_dir=$2
standin_bin=$3
here=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null || { echo "needs npm (make test installs it)" >&2; exit 77; }
source "$here/npm_packages.sh"
npm_packages "$here/../openapi" "$work_dir"
openapi=$(cd "$here/../../docs" && pwd)/openapi.yaml

# Redocly's lint first: a YAML slip, a broken $ref or a schema error fails here, before any
# server starts. Nothing leaves the machine: no telemetry, no update check.
echo "--- redocly lint $openapi"
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
  "$work_dir/node_modules/.bin/redocly" lint --config "$here/../openapi/redocly.yaml" \
  --format stylish "$openapi"

source "$here/../../scripts/server.sh"
log=$(mktemp)
standin_log=$(mktemp)
trap 'stop_server >/dev/null 2>&1 || true; stop_federation_standin; rm -f "$log" "$standin_log"' EXIT
# The federation route's service: the stand-in, without latency.
start_federation_standin "$standin_log" "$standin_bin" --latency-ms 0
export ADMIN_TOKEN=openapi-test-token
# The admin token from the environment (never the command line, where ps shows it). A 1 MiB
# answer budget: a page of 10,000 games finds no room in it, the check's 503 on GET /games. An
# admin plane of 8 connections: the check opens 12 at once, and the last are refused (503).
export RANKING_ADMIN_TOKEN=$ADMIN_TOKEN ADMIN_MAX_CONNECTIONS=8
start_server "$log" "$server_bin" --players 100 --hash-iterations 1000 --answer-budget-mb 1 \
  --admin-max-connections "$ADMIN_MAX_CONNECTIONS" --federation-url "$FEDERATION_URL"
export DATA_URL ADMIN_URL OPENAPI="$openapi"
echo "--- the server against the document"
NODE_PATH="$work_dir/node_modules" node "$here/../openapi/check_openapi.cjs" || {
  echo "--- server log" >&2
  cat "$log" >&2
  exit 1
}
