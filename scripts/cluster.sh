#!/usr/bin/env bash
# Several ranking servers over one PostgreSQL, behind HAProxy, all on loopback:
#   scripts/cluster.sh up [BUILD_DIR=build/release]   PostgreSQL, three servers, HAProxy
#   scripts/cluster.sh status                         who runs, and HAProxy's view of the servers
#   scripts/cluster.sh down                           stops all of it, by PID, and removes it
# Everything lives in CLUSTER_DIR (default /tmp/ranking-cluster): PostgreSQL's data, logs, PIDs.
# Ports (env): CLUSTER_PORT 8080 (HAProxy, data plane), SERVER_PORTS 8091 (8091-8093, the
# servers' data planes), ADMIN_PORTS 8191 (8191-8193, their admin planes), POSTGRES_PORT 5440,
# STATS_PORT 8404 (HAProxy's stats page). CLUSTER_OWNER_PID (a test sets it): the cluster goes
# down by itself once that process is gone, even killed by SIGKILL, where its EXIT trap never ran.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/postgres.sh"

dir=${CLUSTER_DIR:-/tmp/ranking-cluster}
port=${CLUSTER_PORT:-8080}
pg_port=${POSTGRES_PORT:-5440}
servers=(1 2 3)
stats_port=${STATS_PORT:-8404}
data_port() { echo $((${SERVER_PORTS:-8091} + $1 - 1)); }
admin_port() { echo $((${ADMIN_PORTS:-8191} + $1 - 1)); }

wait_healthy() { # PORT: up to 10 s
  for _ in $(seq 100); do
    # The group's 2>/dev/null is for the refused connects only: on a bare exec it would stay.
    if { exec 3<>"/dev/tcp/127.0.0.1/${1##*:}"; } 2>/dev/null; then
      printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3
      if head -1 <&3 | grep -q ' 200 '; then exec 3<&-; return 0; fi
      exec 3<&-
    fi
    sleep 0.1
  done
  return 1
}

haproxy_config() {
  cat <<EOF
global
    # Two descriptors a connection: within the open-file limit here (20,000, hard).
    maxconn 8000
    pidfile $dir/haproxy.pid
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
frontend ranking
    bind 127.0.0.1:$port
    default_backend servers
frontend stats
    bind 127.0.0.1:$stats_port
    stats enable
    stats uri /
backend servers
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
EOF
  for n in "${servers[@]}"; do
    echo "    server ranking-$n 127.0.0.1:$(data_port "$n") check inter 1s fall 2 rise 1"
  done
}

up() {
  local build=${1:-build/release}
  local bin="$build/server/ranking-server"
  [ -x "$bin" ] || { echo "cluster: no $bin (make build first)" >&2; exit 1; }
  command -v haproxy >/dev/null || { echo "cluster: no haproxy (scripts/install-deps.sh haproxy)" >&2; exit 1; }
  [ -e "$dir" ] && { echo "cluster: $dir exists: already up? (scripts/cluster.sh down)" >&2; exit 1; }
  mkdir -p "$dir"
  trap 'echo "cluster: up failed; stopping what started" >&2; down' ERR

  if [ -n "${CLUSTER_OWNER_PID:-}" ]; then when_gone "$CLUSTER_OWNER_PID" down; fi
  start_postgres "$dir/postgres" "$pg_port"
  echo "PostgreSQL $POSTGRES_URL (data $dir/postgres/data)"
  for n in "${servers[@]}"; do
    # --allow-root, as scripts/server.sh's start_server: the tests run as root.
    "$bin" --allow-root --address 127.0.0.1 --port "$(data_port "$n")" \
      --admin-port "$(admin_port "$n")" --db "$POSTGRES_URL" >"$dir/server-$n.log" 2>&1 &
    echo $! >"$dir/server-$n.pid"
    # One at a time: the first creates the schema and writes the club, the others load it.
    wait_healthy "$(data_port "$n")" || { cat "$dir/server-$n.log" >&2; false; }
    echo "server $n: data http://127.0.0.1:$(data_port "$n"), admin http://127.0.0.1:$(admin_port "$n") (log $dir/server-$n.log)"
  done
  haproxy_config >"$dir/haproxy.cfg"
  haproxy -f "$dir/haproxy.cfg" -D
  wait_healthy "$port"
  trap - ERR
  echo "HAProxy: http://127.0.0.1:$port (stats http://127.0.0.1:$stats_port/)"
  echo "try: curl -s -X POST http://127.0.0.1:$port/games -H 'Content-Type: application/json' -d '{\"id\":\"g1\",\"white\":\"alice\",\"black\":\"bob\",\"result\":\"1-0\"}'"
  echo "stop: scripts/cluster.sh down"
}

stop_pid_file() { # FILE: SIGTERM, wait up to 5 s, then SIGKILL
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$file"
}

down() {
  [ -d "$dir" ] || { echo "cluster: nothing at $dir"; return 0; }
  stop_pid_file "$dir/haproxy.pid"
  for n in "${servers[@]}"; do stop_pid_file "$dir/server-$n.pid"; done
  stop_postgres "$dir/postgres" || true
  rm -rf "$dir"
  echo "cluster: stopped and removed $dir"
}

status() {
  [ -d "$dir" ] || { echo "cluster: down"; return 0; }
  for file in "$dir"/*.pid; do
    [ -f "$file" ] || continue
    if kill -0 "$(cat "$file")" 2>/dev/null; then state=running; else state=gone; fi
    echo "$(basename "$file" .pid): pid $(cat "$file") $state"
  done
  [ -f "$dir/postgres/data/postmaster.pid" ] && echo "postgres: pid $(head -1 "$dir/postgres/data/postmaster.pid")"
  exec 3<>"/dev/tcp/127.0.0.1/$stats_port" && printf 'GET /;csv HTTP/1.0\r\n\r\n' >&3 &&
    sed '1,/^\r$/d' <&3 | awk -F, '$1 == "servers" { print "haproxy sees " $2 ": " $18 }'
}

case "${1:-}" in
up) shift; up "$@" ;;
down) down ;;
status) status ;;
*) echo "usage: scripts/cluster.sh up [BUILD_DIR] | status | down" >&2; exit 2 ;;
esac
