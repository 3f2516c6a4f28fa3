#!/usr/bin/env bash
# make demo: start a server, replay the seeds' story in offload then inline mode, stop it.
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/server.sh"

log=$(mktemp)
trap 'stop_server >/dev/null 2>&1 || true; rm -f "$log"' EXIT

start_server "$log" "$build/server/ranking-server" --players 5000
echo "$SERVER_LINE"
client() { "$build/client/ranking-client" --url "$DATA_URL" --admin-url "$ADMIN_URL" "$@"; }

echo
echo "== offload: the hash goes to the thread pool, the loop stays free"
client story
echo
client mode inline
echo "== inline (--blocking): the same hash runs on the loop thread"
client story
client mode offload >/dev/null
echo
stop_server
echo "server stopped (pid exited cleanly)"
