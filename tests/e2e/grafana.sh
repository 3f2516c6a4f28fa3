#!/usr/bin/env bash
# docs/grafana/ranking-server.json asks only for what the server exports: every metric name in
# every panel's query is in a running server's /metrics (histograms by their _bucket, _sum and
# _count series), every label it groups by is on that query's series there, and every query is valid
# PromQL (promtool check rules, on the queries written as recording rules, Grafana's variables
# given values). And it keeps servers apart: the template variables job and instance exist, every
# metric selector filters by both, and no range is fixed (Grafana's $__rate_interval instead).
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
for var in job instance; do
  jq -e --arg v "$var" '.templating.list[] | select(.name == $v and .type == "query" and .multi and .includeAll)' \
    "$dashboard" >/dev/null || { echo "FAIL: no multi-select query variable \$$var with All" >&2; failed=1; }
done
# The variables' own queries (label_values(...), not PromQL) must ask for an exported metric too.
for name in $(jq -r '.templating.list[] | select(.type == "query") | .query | if type == "object" then .query else . end' \
  "$dashboard" | grep -oE 'ranking_[a-z_]+' || true); do
  grep -qx "$name" "$work/names.txt" || { echo "FAIL: $name (template variable) is not exported" >&2; failed=1; }
done

# One selector without the filter would mix every server's series into that panel.
job_filter='[{,][[:space:]]*job=~"\$job"[[:space:]]*[,}]'
instance_filter='[{,][[:space:]]*instance=~"\$instance"[[:space:]]*[,}]'
queries=0
while IFS= read -r query; do
  queries=$((queries + 1))
  used=$(grep -oE 'ranking_[a-z_]+' <<<"$query" || true)
  [ -n "$used" ] || { echo "FAIL: no ranking_ metric in: $query" >&2; failed=1; }
  for name in $used; do
    grep -qx "$name" "$work/names.txt" || { echo "FAIL: $name is not exported (query: $query)" >&2; failed=1; }
  done
  while IFS= read -r selector; do
    [[ $selector =~ $job_filter && $selector =~ $instance_filter ]] ||
      { echo "FAIL: $selector lacks {job=~\"\$job\", instance=~\"\$instance\"} (query: $query)" >&2; failed=1; }
  done < <(grep -oE 'ranking_[a-z_]+(\{[^}]*\})?' <<<"$query" || true)
  # A fixed range misses scrapes at a long scrape interval and is coarse when zoomed in.
  while IFS= read -r range; do
    echo "FAIL: fixed range $range, not [\$__rate_interval] (query: $query)" >&2
    failed=1
  done < <(grep -oE '\[[0-9]+(ms|[smhdwy])[^]]*\]' <<<"$query" || true)
  # job and instance are added by Prometheus at scrape time: /metrics has neither.
  for label in $(grep -oE 'by \([a-z_, ]+\)' <<<"$query" | sed -E 's/by \(|\)//g; s/,/ /g'); do
    [ "$label" = le ] || [ "$label" = instance ] || [ "$label" = job ] && continue
    carried=0
    for name in $used; do grep -q "^$name{.*$label=\"" "$work/metrics.txt" && carried=1; done
    [ "$carried" = 1 ] || { echo "FAIL: no series of $(echo $used) has the label $label (query: $query)" >&2; failed=1; }
  done
done <"$work/queries.txt"

# promtool knows no Grafana variables: give each a value of its kind (a range, a regex).
sed -E 's/\$__(rate_interval|interval|range)/1m/g; s/\$\{?(job|instance)\}?/.+/g' "$work/queries.txt" >"$work/promql.txt"
if grep -q '\$[{_a-zA-Z]' "$work/promql.txt"; then
  echo "FAIL: a Grafana variable this script gives no value: $(grep -o '\$[{_a-zA-Z]*' "$work/promql.txt" | sort -u | tr '\n' ' ')" >&2
  failed=1
fi
{
  echo "groups:"
  echo "  - name: dashboard"
  echo "    rules:"
  n=0
  while IFS= read -r query; do
    n=$((n + 1))
    echo "      - record: dashboard:query_$n"
    echo "        expr: $(jq -Rn --arg q "$query" '$q')"
  done <"$work/promql.txt"
} >"$work/rules.yml"
promtool check rules "$work/rules.yml" >/dev/null || { promtool check rules "$work/rules.yml" >&2; failed=1; }
[ "$failed" -eq 0 ] || exit 1
echo "grafana: $queries queries over $(wc -l <"$work/names.txt") exported series names, all found, all filtered by \$job and \$instance, no fixed range, all valid PromQL"
