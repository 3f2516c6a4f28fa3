#!/usr/bin/env bash
# GET /metrics after some traffic in both modes must pass `promtool check metrics`, and carry the
# lag histogram, the process_* families and ranking_build_info.
# Usage: metrics_promtool.sh RANKING_SERVER  (exit 77 = skipped: promtool is not installed)
set -euo pipefail
server_bin=$1
if ! command -v promtool >/dev/null; then
  echo "promtool not found: install Debian's prometheus package (make test does)" >&2
  exit 77
fi
work=$(mktemp -d)
source "$(dirname "$0")/../../scripts/server.sh"
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

start_server "$work/server.log" "$server_bin" --hash-iterations 2000 --players 100
for path in /rank/alice /players/bob /leaderboard /healthz /nowhere; do
  http_get "$DATA_URL" "$path" >/dev/null
done
http_get "$ADMIN_URL" /metrics >"$work/metrics.txt"
for name in ranking_event_loop_lag_seconds_bucket process_cpu_seconds_total \
  process_resident_memory_bytes process_virtual_memory_bytes process_open_fds process_max_fds \
  process_start_time_seconds ranking_build_info; do
  grep -Eq "^$name[{ ]" "$work/metrics.txt" || {
    echo "FAIL: no $name in /metrics" >&2
    cat "$work/metrics.txt" >&2
    exit 1
  }
done
promtool check metrics <"$work/metrics.txt"
echo "promtool: /metrics is clean ($(grep -vc '^#' "$work/metrics.txt") samples)"
