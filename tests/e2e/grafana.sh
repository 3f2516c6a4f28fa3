#!/usr/bin/env bash
# docs/grafana/ranking-server.json asks only for what the server exports: every metric name in
# every panel's query is in a running server's /metrics (histograms by their _bucket, _sum and
# _count series), every label it groups by is on that query's series there, and every query is valid
# PromQL (promtool check rules, on the queries written as recording rules).
# Usage: grafana.sh RANKING_SERVER   (exit 77 = skipped: promtool or jq missing)
set -euo pipefail
server_bin=$1
here=$(cd "$(dirname "$0")" && pwd)
dashboard="$here/../../docs/grafana/ranking-server.json"
for tool in promtool jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool (make test installs it)" >&2; exit 77; }
done
source "$here/../../scripts/server.sh"
work=$(mktemp -d)
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
start_server "$work/server.log" "$server_bin" --players 100 --hash-iterations 1000
http_get "$ADMIN_URL" /metrics >"$work/metrics.txt"
grep -v '^#' "$work/metrics.txt" | sed -E 's/[{ ].*//' | sort -u >"$work/names.txt"
jq -r '.panels[].targets[].expr' "$dashboard" >"$work/queries.txt"
[ -s "$work/queries.txt" ] || { echo "FAIL: no queries in $dashboard" >&2; exit 1; }

failed=0
queries=0
while IFS= read -r query; do
  queries=$((queries + 1))
  used=$(grep -oE 'ranking_[a-z_]+' <<<"$query" || true)
  [ -n "$used" ] || { echo "FAIL: no ranking_ metric in: $query" >&2; failed=1; }
  for name in $used; do
    grep -qx "$name" "$work/names.txt" || { echo "FAIL: $name is not exported (query: $query)" >&2; failed=1; }
  done
  for label in $(grep -oE 'by \([a-z_, ]+\)' <<<"$query" | sed -E 's/by \(|\)//g; s/,/ /g'); do
    [ "$label" = le ] || [ "$label" = instance ] && continue
    carried=0
    for name in $used; do grep -q "^$name{.*$label=\"" "$work/metrics.txt" && carried=1; done
    [ "$carried" = 1 ] || { echo "FAIL: no series of $(echo $used) has the label $label (query: $query)" >&2; failed=1; }
  done
done <"$work/queries.txt"

{
  echo "groups:"
  echo "  - name: dashboard"
  echo "    rules:"
  n=0
  while IFS= read -r query; do
    n=$((n + 1))
    echo "      - record: dashboard:query_$n"
    echo "        expr: $(jq -Rn --arg q "$query" '$q')"
  done <"$work/queries.txt"
} >"$work/rules.yml"
promtool check rules "$work/rules.yml" >/dev/null || { promtool check rules "$work/rules.yml" >&2; failed=1; }
[ "$failed" -eq 0 ] || exit 1
echo "grafana: $queries queries over $(wc -l <"$work/names.txt") exported series names, all found, all valid PromQL"
