#!/usr/bin/env bash
# Benchmark (not a test): ranking-server against nginx on the same machine, in one run, as
# ratios, with the machine, the tools and every command printed. Loopback only; every process it
# starts is stopped by PID and every load run stops by itself. About 8 minutes.
# 1. req/s on a cheap endpoint: wrk -t1 -c100 on nginx (one worker, `return 200` of the same JSON
#    body as our /healthz) and on our GET /healthz and GET /players/alice, in three interleaved
#    rounds of 5 s; the median of each, ours / nginx.
# 1b. the stall detector's cost: the same server against a twin with --stall-detector off, on
#    /healthz in three interleaved rounds; PASS when the medians differ by less than either set's
#    spread.
# 1c. CPU per request: at 25% and 50% of nginx's req/s from 1, open loop, each server pinned to
#    core 0 and ranking-load to core 1: the server process's CPU time, system calls and context
#    switches divided by the requests answered; ours / nginx.
# 2. p99 at a fixed rate: half of nginx's req/s from 1, offered open loop by ranking-load (latency
#    from due time, no coordinated omission) to nginx's / and to our /healthz; ours / nginx.
#    With one thread first; if ranking-load did not keep to its plan (NOT VALID), again with two.
# 3. bytes per connection at 18,000 keep-alive connections: ranking-load opens them all (256 at a
#    time) before its first request, then sends two requests on each (its idle connections are
#    handed out first in, first out, so 36,000 requests at one rate go twice round them all) and
#    keeps them open until it exits. The server's VmRSS is read before they open and every 0.1 s
#    while they are open; (peak VmRSS - before) / connections, and the VmHWM growth the same way.
#    For nginx, that is its one worker (the master's child), with worker_connections and
#    worker_rlimit_nofile raised to fit (over 16/15 of the connections: with less than 1/16 of
#    its table free, nginx closes idle keep-alive connections). Connections the server closed on
#    the way are counted (ranking-load reopens them). A fresh server and a fresh nginx.
#    nginx allocates its whole connection table when its worker starts, which growth does not
#    see: its size per slot is measured too (worker VmRSS at start, small table against large).
# 4. the pool saturated by hashes: bench/pool_priority_bench.sh, once in offload mode with the
#    server's default --pool-priority (server not niced), once inline; canary p99 of each and
#    inline / offload. A p99 among canaries unanswered within ranking-load's timeout is no
#    latency: it shows as unanswered with no ratio (an inline one is the collapse, said so).
# 6. latency against the rate: from 10% of nginx's req/s upwards, SWEEP_PAIRS (5) interleaved
#    pairs of SWEEP_SECONDS (3) a rate, each server pinned to core 0 and ranking-load to core 1;
#    a rate counts only while ranking-load keeps headroom (send-lag p99 <= 0.1 ms, CPU <= 70%);
#    p50/p99/p99.9/max medians, a chart and the percentile spectrum (gnuplot) in BUILD/bench.
# 5. (LOAD_VS_WRK=1 only) how many req/s ranking-load can drive compared with wrk, closed loop,
#    then open loop at 50% and 25% of its ceiling, showing whether it stays VALID there.
# Then a summary against the goals, each PASS or MISS.
# Usage: bench/bench.sh [BUILD_DIR=build/release]
# Env: CONNECTIONS (100) for 1, 2 and 5; ROUNDS (3) and WRK_SECONDS (5) for 1; DURATION (10 s) for 2 and 5; HOLD (18000) connections for 3;
# POOL_DURATION (10 s) for 4; SWEEP_PAIRS (5) and SWEEP_SECONDS (3) for 6; LOAD_VS_WRK (0; 1 adds
# part 5, about 40 s more); IO_URING_BUILD (none; another build dir, e.g. Asio's io_uring
# backend as docs/bench.md configures it: its server joins part 1c)
set -euo pipefail
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/server.sh"
connections=${CONNECTIONS:-100}
duration=${DURATION:-10}
rounds=${ROUNDS:-3}
wrk_seconds=${WRK_SECONDS:-5}
hold=${HOLD:-18000}
pool_duration=${POOL_DURATION:-10}
load_bin=$build/load/ranking-load

command -v wrk >/dev/null || "$here/../scripts/install-deps.sh" wrk
command -v nginx >/dev/null || "$here/../scripts/install-deps.sh" nginx-light
command -v jq >/dev/null || "$here/../scripts/install-deps.sh" jq

work=$(mktemp -d)
nginx_pid=""
stop_nginx() {
  [ -n "$nginx_pid" ] || return 0
  kill -TERM "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=""
}
trap 'stop_server >/dev/null 2>&1 || true; stop_nginx; rm -rf "$work"' EXIT

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# Prints a command as it is run, so that every figure can be reproduced by hand.
show() { echo "  \$ $*"; }

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
  "$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)," \
  "open files $(ulimit -Sn)/$(ulimit -Hn), ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)," \
  "load average $(loadavg) at start"
echo "tools: $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)," \
  "$("$load_bin" --version)"

# nginx's table for part 3. Once fewer than 1/16 of its worker_connections are free, nginx
# closes idle keep-alive connections to make room ("worker_connections are not enough, reusing
# connections"), so the table must be over 16/15 of the connections held, and the worker's
# open-file limit (under the hard limit) must fit it.
nginx_slots=$((hold * 17 / 16 + 512))
# nginx as a child: one worker, no daemon, its files in $work, a free loopback port, its
# connection table nginx_slots unless WORKER_CONNECTIONS is given (worker_connections counts the
# listener too; nginx allocates the whole table when the worker starts).
# Usage: start_nginx [WORKER_CONNECTIONS]; sets nginx_pid and NGINX_URL.
start_nginx() {
  local port slots=${1:-$nginx_slots}
  mkdir -p "$work/nginx"
  for port in $(shuf -i 20000-32000 -n 20); do
    cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile $((slots + 64));
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections $slots; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$port;
    location / { default_type application/json; return 200 '{"status":"ok","mode":"offload"}'; }
  }
}
CONF
    nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
    nginx_pid=$!
    for _ in $(seq 50); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        NGINX_URL="http://127.0.0.1:$port"
        return 0
      fi
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_nginx
  done
  echo "nginx did not start:" >&2
  cat "$work/nginx/error.log" >&2
  return 1
}

# The PID of nginx's one worker: the only child of the master we started.
nginx_worker() {
  local pids
  for _ in $(seq 50); do
    pids=$(ps --ppid "$nginx_pid" -o pid= | tr -d ' ')
    [ "$(wc -w <<<"$pids")" = 1 ] && { echo "$pids"; return 0; }
    sleep 0.1
  done
  echo "bench: nginx master $nginx_pid has no single worker: '$pids'" >&2
  return 1
}

# wrk's Requests/sec for URL (closed loop, 1 thread, $connections connections, SECONDS s).
# Usage: wrk_rate URL [SECONDS=$duration]
wrk_rate() {
  local seconds=${2:-$duration}
  show wrk -t1 -c"$connections" -d"${seconds}s" "$1" >&2
  wrk -t1 -c"$connections" -d"${seconds}s" "$1" >"$work/wrk.out"
  if grep -q 'Non-2xx' "$work/wrk.out"; then
    echo "bench: non-2xx answers from $1:" >&2
    cat "$work/wrk.out" >&2
  fi
  awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.out"
}

# ranking-load on GET /healthz, no canary, no scrape of an admin plane, its report in OUT.
# `timeout` bounds it even if it hangs; nginx answers /healthz and the GET /mode it asks the
# admin URL for at start (both with the same JSON), so it runs against nginx as it is.
# Usage: load_run OUT URL ADMIN_URL [ranking-load flags...]
load_run() {
  local out=$1 url=$2 admin=$3
  shift 3
  local cmd=("$load_bin" --url "$url" --admin-url "$admin" --mix healthz=1 --canary 0
    --no-server-metrics --no-progress "$@")
  show "${cmd[@]}"
  timeout 300 "${cmd[@]}" >"$out" 2>&1
}
# From a ranking-load report: the healthz row of the first phase's table.
# count is the 2nd field; p99 the 4th from the end (errors may hold spaces: "3 (timeout 3)").
healthz_row() { awk '/^Phase 1/ { p = 1 } p && $1 == "healthz" { print; exit }' "$1"; }
p99_of() { healthz_row "$1" | awk '{ print $(NF - 3) }'; }
validity_of() { grep -m1 -o 'Validity: [A-Z ]*[A-Z]' "$1" | sed 's/Validity: //'; }
# Requests due in the measured span that got an HTTP answer, per second.
answered_rate() { sed -n 's/.*answered \([0-9.]*\)\/s.*/\1/p' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ranking-load shows a latency percentile that falls among requests never answered within its
# timeout as "unanswered": not a latency, so no ratio is built on it.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "unanswered" || b == "unanswered" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
unanswered_p99() { [ "$1" = unanswered ]; }
# A p99 for people: "0.80 ms", "unanswered" or "?".
p99_text() { if [[ $1 =~ ^[0-9.]+$ ]]; then echo "$1 ms"; else echo "${1:-?}"; fi; }
# ranking-load's --timeout when not given (pool_priority_bench.sh gives none), in ms: "10s" -> 10000.
load_timeout_ms=$("$load_bin" --help | sed -n 's/^ *--timeout arg (=\([0-9.]*[a-z]*\)).*/\1/p' |
  awk '/ms$/ { print $0 + 0; exit } /m$/ { print 60000 * $0; exit } { print 1000 * $0 }')
load_timeout="$(awk -v ms="$load_timeout_ms" 'BEGIN { printf "%g", ms / 1000 }') s"

# ---------------------------------------------------------------------------------------------
# 1 and 2 share one server and one nginx.
start_server "$work/server.log" "$build/server/ranking-server"
echo "$SERVER_LINE"
start_nginx
echo "nginx: $NGINX_URL, 1 worker, return 200 '{\"status\":\"ok\",\"mode\":\"offload\"}'"
echo
# Interleaved rounds, the median of each: this shared machine drifts by 10% or more from one
# minute to the next (nginx alone read 106k-132k req/s in one afternoon), and a single run of
# each, one after the other, measured the drift as much as the servers.
echo "== 1. req/s, wrk -t1 -c$connections, $rounds rounds of ${wrk_seconds} s (nginx, /healthz, /players/alice in turn), the median of each (closed loop)"
nginx_rates=() health_rates=() player_rates=()
for round in $(seq "$rounds"); do
  nginx_rates+=("$(wrk_rate "$NGINX_URL/" "$wrk_seconds")")
  health_rates+=("$(wrk_rate "$DATA_URL/healthz" "$wrk_seconds")")
  player_rates+=("$(wrk_rate "$DATA_URL/players/alice" "$wrk_seconds")")
  echo "  round $round: nginx ${nginx_rates[-1]}, /healthz ${health_rates[-1]}, /players/alice ${player_rates[-1]} req/s (load average $(loadavg))"
done
nginx_rate=$(median "${nginx_rates[@]}")
ours_health=$(median "${health_rates[@]}")
ours_player=$(median "${player_rates[@]}")
printf '  %-36s %10s req/s (median)\n' "nginx return 200 (JSON)" "$nginx_rate" \
  "ranking-server GET /healthz" "$ours_health" "ranking-server GET /players/alice" "$ours_player"
health_ratio=$(ratio "$ours_health" "$nginx_rate")
player_ratio=$(ratio "$ours_player" "$nginx_rate")
echo "  ratio ours / nginx: /healthz ${health_ratio}x, /players/alice ${player_ratio}x"

# The stall detector's own cost: the server above (armed, the default) against a twin started with
# --stall-detector off, on /healthz in interleaved rounds. Nothing stalls here: this is what the
# watchdog's polls cost a loop that is never held.
echo
echo "== 1b. the stall detector armed and disarmed: GET /healthz, wrk -t1 -c$connections, $rounds interleaved rounds of ${wrk_seconds} s"
armed=("$SERVER_PID" "$DATA_URL" "$ADMIN_URL" "$SERVER_LINE" "${SERVER_DB_DIR:-}")
armed_url=$DATA_URL
start_server "$work/disarmed.log" "$build/server/ranking-server" --stall-detector off
disarmed_url=$DATA_URL
armed_rates=() disarmed_rates=()
for round in $(seq "$rounds"); do
  armed_rates+=("$(wrk_rate "$armed_url/healthz" "$wrk_seconds")")
  disarmed_rates+=("$(wrk_rate "$disarmed_url/healthz" "$wrk_seconds")")
  echo "  round $round: armed ${armed_rates[-1]}, disarmed ${disarmed_rates[-1]} req/s (load average $(loadavg))"
done
stop_server >/dev/null 2>&1 || true # the disarmed twin; the armed server serves on
SERVER_PID=${armed[0]} DATA_URL=${armed[1]} ADMIN_URL=${armed[2]} SERVER_LINE=${armed[3]} SERVER_DB_DIR=${armed[4]}
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f", hi - lo }'; }
armed_rate=$(median "${armed_rates[@]}") disarmed_rate=$(median "${disarmed_rates[@]}")
armed_spread=$(spread "${armed_rates[@]}") disarmed_spread=$(spread "${disarmed_rates[@]}")
detector_gap=$(awk -v a="$armed_rate" -v d="$disarmed_rate" 'BEGIN { g = a - d; printf "%.0f", g < 0 ? -g : g }')
printf '  armed %s req/s (spread %s), disarmed %s req/s (spread %s): medians %s apart\n' \
  "$armed_rate" "$armed_spread" "$disarmed_rate" "$disarmed_spread" "$detector_gap"

# What each server spends per request at the same offered rate, each pinned to core 0 and
# ranking-load to core 1: the process's CPU time (perf's task-clock over all its threads), its
# system calls (perf's raw_syscalls:sys_enter tracepoint: this VM has no hardware counters) and
# its context switches (perf's context-switches), from just before ranking-load starts to just
# after it ends, divided by the requests answered.
echo
echo "== 1c. CPU per request at the same offered rate, open loop, $connections connections, ${duration} s; server on core 0, ranking-load on core 1"
command -v perf >/dev/null || "$here/../scripts/install-deps.sh" linux-perf
# task-clock rather than utime + stime from /proc/PID/stat, which move in 10 ms ticks.
# Usage: cpu_run LABEL PID URL ADMIN_URL RATE MIX; prints a line, sets CPU_US (µs a request).
cpu_run() {
  local label=$1 pid=$2 url=$3 admin=$4 rate=$5 mix=$6 perf_pid
  taskset -a -p -c 0 "$pid" >/dev/null
  perf stat -x, -e task-clock,context-switches,raw_syscalls:sys_enter -p "$pid" -o "$work/perf.csv" 2>/dev/null &
  perf_pid=$!
  sleep 0.2 # attached before the first request
  local cmd=(taskset -c 1 "$load_bin" --url "$url" --admin-url "$admin" --mix "$mix" --canary 0
    --no-server-metrics --no-progress --rate "$rate" --connections "$connections" --warmup 0s
    --duration "${duration}s" --json "$work/cpu.json")
  timeout 300 "${cmd[@]}" >"$work/cpu.out" 2>&1 || true
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  local answered syscalls switches task_ms valid
  answered=$(jq '.validity.answered_rate * .run.duration_s | floor' "$work/cpu.json" 2>/dev/null || echo 0)
  valid=$(jq -r 'if .validity.valid then "VALID" else "NOT VALID" end' "$work/cpu.json" 2>/dev/null || echo "no report")
  # Numbers only: perf writes "<not counted>" or "<not supported>" for a counter it could not read.
  task_ms=$(awk -F, '/task-clock/ && $1 ~ /^[0-9.]+$/ { print $1 }' "$work/perf.csv")
  switches=$(awk -F, '/context-switches/ && $1 ~ /^[0-9.]+$/ { print $1 }' "$work/perf.csv")
  syscalls=$(awk -F, '/raw_syscalls/ && $1 ~ /^[0-9.]+$/ { print $1 }' "$work/perf.csv")
  CPU_US=$(awk -v t="${task_ms:-0}" -v n="$answered" 'BEGIN { if (n > 0 && t > 0) printf "%.2f", t * 1000 / n; else print "n/a" }')
  printf '  %-30s %7d/s: %6s µs CPU, %5s syscalls, %6s context switches a request (%d answered; %s)\n' \
    "$label" "$rate" "$CPU_US" \
    "$(awk -v s="${syscalls:-0}" -v n="$answered" 'BEGIN { if (n > 0 && s > 0) printf "%.2f", s / n; else print "n/a" }')" \
    "$(awk -v s="${switches:-}" -v n="$answered" 'BEGIN { if (n > 0 && s != "") printf "%.3f", s / n; else print "n/a" }')" \
    "$answered" "$valid"
  taskset -a -p -c "0-$(($(nproc) - 1))" "$pid" >/dev/null
}
show taskset -c 1 "$load_bin" --url URL --mix MIX --canary 0 --rate RATE --connections "$connections" \
  --warmup 0s --duration "${duration}s" "# while: perf stat -e task-clock,context-switches,raw_syscalls:sys_enter -p PID"
nginx_cpu_pid=$(nginx_worker)
# With IO_URING_BUILD (a build with -DRANKING_IO_URING=ON), its server too, in the same run.
uring=()
if [ -n "${IO_URING_BUILD:-}" ]; then
  epoll=("$SERVER_PID" "$DATA_URL" "$ADMIN_URL" "$SERVER_LINE" "${SERVER_DB_DIR:-}")
  start_server "$work/uring.log" "$IO_URING_BUILD/server/ranking-server"
  uring=("$SERVER_PID" "$DATA_URL" "$ADMIN_URL" "${SERVER_DB_DIR:-}")
  SERVER_PID=${epoll[0]} DATA_URL=${epoll[1]} ADMIN_URL=${epoll[2]} SERVER_LINE=${epoll[3]} SERVER_DB_DIR=${epoll[4]}
fi
health_cpu=() player_cpu=() nginx_cpu=() uring_health_cpu=() uring_player_cpu=()
for share in 25 50; do
  cpu_rate=$(awk -v n="$nginx_rate" -v s="$share" 'BEGIN { printf "%d", n * s / 100 }')
  cpu_run "nginx / (${share}% of its req/s)" "$nginx_cpu_pid" "$NGINX_URL" "$NGINX_URL" "$cpu_rate" healthz=1
  nginx_cpu+=("$CPU_US")
  cpu_run "ranking-server /healthz" "$SERVER_PID" "$DATA_URL" "$ADMIN_URL" "$cpu_rate" healthz=1
  health_cpu+=("$CPU_US")
  cpu_run "ranking-server /players/NAME" "$SERVER_PID" "$DATA_URL" "$ADMIN_URL" "$cpu_rate" players=1
  player_cpu+=("$CPU_US")
  if [ ${#uring[@]} -gt 0 ]; then
    cpu_run "io_uring build /healthz" "${uring[0]}" "${uring[1]}" "${uring[2]}" "$cpu_rate" healthz=1
    uring_health_cpu+=("$CPU_US")
    cpu_run "io_uring build /players/NAME" "${uring[0]}" "${uring[1]}" "${uring[2]}" "$cpu_rate" players=1
    uring_player_cpu+=("$CPU_US")
  fi
done
if [ ${#uring[@]} -gt 0 ]; then
  echo "  ratio io_uring / epoll, CPU a request: /healthz $(ratio "${uring_health_cpu[0]}" "${health_cpu[0]}")x and $(ratio "${uring_health_cpu[1]}" "${health_cpu[1]}")x," \
    "/players/NAME $(ratio "${uring_player_cpu[0]}" "${player_cpu[0]}")x and $(ratio "${uring_player_cpu[1]}" "${player_cpu[1]}")x (25% and 50%)"
  kill -TERM "${uring[0]}" 2>/dev/null || true
  wait "${uring[0]}" 2>/dev/null || true
  [ -z "${uring[3]}" ] || rm -rf "${uring[3]}"
fi
# The worse of the two rates for each route, as the goal must hold at both.
cpu_health_ratio=$(awk -v a="$(ratio "${health_cpu[0]}" "${nginx_cpu[0]}")" -v b="$(ratio "${health_cpu[1]}" "${nginx_cpu[1]}")" 'BEGIN { print (a + 0 > b + 0) ? a : b }')
cpu_player_ratio=$(awk -v a="$(ratio "${player_cpu[0]}" "${nginx_cpu[0]}")" -v b="$(ratio "${player_cpu[1]}" "${nginx_cpu[1]}")" 'BEGIN { print (a + 0 > b + 0) ? a : b }')
echo "  ratio ours / nginx, CPU a request (the worse of the two rates): /healthz ${cpu_health_ratio}x, /players/NAME ${cpu_player_ratio}x"

echo
fixed_rate=$(awk -v n="$nginx_rate" 'BEGIN { printf "%d", n / 2 }')
echo "== 2. p99 at a fixed rate: ${fixed_rate}/s (half of nginx's req/s), open loop, $connections connections, ${duration} s"
# One target at THREADS ranking-load threads: sets P99 and VALIDITY, prints a line.
fixed_p99() { # label url admin_url threads
  load_run "$work/fixed.out" "$2" "$3" --rate "$fixed_rate" --connections "$connections" \
    --threads "$4" --warmup 1s --duration "${duration}s" || true
  P99=$(p99_of "$work/fixed.out")
  VALIDITY=$(validity_of "$work/fixed.out")
  printf '  %-28s p99 %11s  (%s, %s thread(s); %s; load average %s)\n' "$1" "$(p99_text "$P99")" \
    "${VALIDITY:-no report}" "$4" \
    "$(grep -m1 'tool send lag' "$work/fixed.out" | sed 's/^ *//; s/ (its own lateness)//')" "$(loadavg)"
  [ -n "$P99" ] || tail -3 "$work/fixed.out" | sed 's/^/    /'
  # "healthz: N of M unanswered within 10 s, ...": then its p99 may be no latency (unanswered).
  grep -m1 '^  healthz: [0-9]* of [0-9]* unanswered within' "$work/fixed.out" | sed 's/^ */    /' || true
}
fixed_threads=1
for threads in 1 2; do
  fixed_threads=$threads
  fixed_p99 "nginx /" "$NGINX_URL" "$NGINX_URL" "$threads"
  nginx_p99=$P99 nginx_valid=$VALIDITY
  fixed_p99 "ranking-server /healthz" "$DATA_URL" "$ADMIN_URL" "$threads"
  ours_p99=$P99 ours_valid=$VALIDITY
  [ "$nginx_valid" = VALID ] && [ "$ours_valid" = VALID ] && break
  [ "$threads" = 1 ] && echo "  ranking-load did not keep to its plan with one thread: again with --threads 2"
done
p99_ratio=$(ratio "$ours_p99" "$nginx_p99")
# Above what wrk got from ours in 1, ours cannot keep up: requests queue and p99 grows with time.
awk -v r="$fixed_rate" -v o="$ours_health" 'BEGIN { exit !(r > o) }' &&
  echo "  ${fixed_rate}/s is above ours' closed-loop ceiling from 1 (${ours_health}/s): ours queues"
echo "  ratio ours / nginx p99: ${p99_ratio}x (nginx $nginx_valid, ours $ours_valid, $fixed_threads thread(s))"
stop_nginx
stop_server >/dev/null 2>&1 || true

# ---------------------------------------------------------------------------------------------
echo
echo "== 3. bytes per connection at $hold keep-alive connections, two requests on each"
kb() { awk -v f="$2" '$1 == f ":" { print $2 }' "/proc/$1/status"; } # PID VmRSS|VmHWM, in kB
# Holds $hold connections to URL with ranking-load while sampling PID's VmRSS; prints a line and
# sets BYTES (VmRSS growth per connection), HWM_BYTES, ANSWERED, HELD.
# The rate spreads the 2 x $hold requests over hold_seconds, so each connection is idle about
# hold_seconds / 2 between its two requests: well under our 30 s and nginx's 75 s idle timeouts.
hold_seconds=4
hold_connections() { # label url admin_url pid
  local label=$1 url=$2 admin=$3 pid=$4
  http_get "$url" /healthz >/dev/null # the first request's one-off costs stay out of the figure
  sleep 0.5
  local rss0 hwm0 peak=0 samples=0 rss
  rss0=$(kb "$pid" VmRSS) hwm0=$(kb "$pid" VmHWM)
  load_run "$work/hold.out" "$url" "$admin" --connections "$hold" \
    --rate $((2 * hold / hold_seconds)) --warmup 0s --duration "${hold_seconds}s" --timeout 20s &
  local load_pid=$!
  # Connections only open before the first request and only close when ranking-load exits,
  # so the peak of these samples is the server with every connection open.
  while kill -0 "$load_pid" 2>/dev/null; do
    rss=$(kb "$pid" VmRSS) && samples=$((samples + 1))
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    sleep 0.1
  done
  wait "$load_pid" || echo "  ranking-load exited with $?:" "$(tail -1 "$work/hold.out")"
  local hwm1
  hwm1=$(kb "$pid" VmHWM)
  local row count errors
  row=$(healthz_row "$work/hold.out")
  count=$(awk '{ print $2 }' <<<"$row")
  errors=$(awk '{ print $4 }' <<<"$row")
  ANSWERED=$(( ${count:-0} - ${errors:-0} ))
  # ranking-load stops at its ramp if any connection fails, so a report means all were open;
  # one the server closed on the way shows as a stale connection reopened.
  local reopened
  reopened=$(sed -n 's/.* \([0-9]*\) stale keep-alive connections were reopened.*/\1/p' "$work/hold.out")
  HELD=0
  [ -n "$row" ] && HELD=$((hold - ${reopened:-0}))
  BYTES=$(awk -v a="$rss0" -v b="$peak" -v n="$hold" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
  HWM_BYTES=$(awk -v a="$hwm0" -v b="$hwm1" -v n="$hold" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
  printf '  %-16s VmRSS %7s -> %7s kB (peak of %d samples): %6s B/connection; VmHWM %7s -> %7s kB: %6s B/connection\n' \
    "$label" "$rss0" "$peak" "$samples" "$BYTES" "$hwm0" "$hwm1" "$HWM_BYTES"
  printf '  %-16s %d of %d connections held throughout (%d reopened), %d of %d requests answered 2xx (ranking-load %s, its timing unused here; load average %s)\n' \
    "" "$HELD" "$hold" "${reopened:-0}" "$ANSWERED" "$((2 * hold))" "$(validity_of "$work/hold.out")" "$(loadavg)"
}
start_server "$work/server.log" "$build/server/ranking-server"
hold_connections "ranking-server" "$DATA_URL" "$ADMIN_URL" "$SERVER_PID"
ours_bytes=$BYTES ours_hwm=$HWM_BYTES ours_answered=$ANSWERED ours_held=$HELD
stop_server >/dev/null 2>&1 || true
# nginx's table, allocated at start: the worker's VmRSS with a small table and with the large one.
# Not in $( ): nginx must be this shell's child, for stop_nginx and the EXIT trap.
nginx_start_rss() { # worker_connections; sets START_RSS
  start_nginx "$1"
  local worker
  worker=$(nginx_worker)
  http_get "$NGINX_URL" / >/dev/null
  sleep 0.3
  START_RSS=$(kb "$worker" VmRSS)
  stop_nginx
}
small_slots=512 large_slots=$nginx_slots
nginx_start_rss "$small_slots"
small_rss=$START_RSS
nginx_start_rss "$large_slots"
large_rss=$START_RSS
table_bytes=$(awk -v a="$small_rss" -v b="$large_rss" -v s="$small_slots" -v l="$large_slots" \
  'BEGIN { printf "%.0f", (b - a) * 1024 / (l - s) }')
echo "  nginx worker VmRSS at start: $small_rss kB with worker_connections $small_slots," \
  "$large_rss kB with $large_slots: $table_bytes B per slot, allocated before any connection"
start_nginx
hold_connections "nginx (worker)" "$NGINX_URL" "$NGINX_URL" "$(nginx_worker)"
nginx_bytes=$BYTES nginx_hwm=$HWM_BYTES nginx_answered=$ANSWERED nginx_held=$HELD
stop_nginx
grep -m1 'not enough' "$work/nginx/error.log" | sed 's/^/  nginx: /' || true
bytes_ratio=$(ratio "$ours_bytes" "$nginx_bytes")
echo "  ratio ours / nginx: VmRSS ${bytes_ratio}x, VmHWM $(ratio "$ours_hwm" "$nginx_hwm")x;" \
  "counting nginx's table slot too ($((nginx_bytes + table_bytes)) B): $(ratio "$ours_bytes" $((nginx_bytes + table_bytes)))x"

# ---------------------------------------------------------------------------------------------
echo
echo "== 4. the pool saturated by hashes: canary p99, offload (default --pool-priority) vs inline"
show "PRIORITIES=default DURATION=$pool_duration $here/pool_priority_bench.sh $build"
PRIORITIES=default DURATION=$pool_duration "$here/pool_priority_bench.sh" "$build" | tee "$work/pool.out" |
  sed 's/^/  /'
# The canary p99 of LABEL's line: ms, or "unanswered" when it fell among canaries unanswered
# within ranking-load's timeout: their latency is unknown, and the timeout is no latency.
pool_p99() { sed -n "s/^$1 .*canary p99 *\(unanswered\|[0-9.]*\) ms.*/\1/p" "$work/pool.out"; }
# "N of M canaries unanswered within T s" on LABEL's line (pool_priority_bench.sh adds
# ranking-load's count when some were).
pool_unanswered() {
  sed -n "s/^$1 .*[^0-9]\([0-9][0-9]* of [0-9][0-9]* canaries unanswered within [0-9.]* s\).*/\1/p" "$work/pool.out"
}
# LABEL's canary p99 for people: "0.80 ms", or "among the N of M canaries unanswered within 10 s"
# (over 1% of the canaries, each waiting at least the timeout: the p99 is at least the timeout,
# but no latency).
canary_p99_text() { # LABEL P99
  if unanswered_p99 "$2"; then
    local counted
    counted=$(pool_unanswered "$1")
    echo "among the ${counted:-canaries unanswered within $load_timeout}"
  else
    p99_text "$2"
  fi
}
offload_p99=$(pool_p99 "offload default")
inline_p99=$(pool_p99 inline)
pool_valid=$(sed -n 's/^offload default .*(\([A-Z ]*\);.*/\1/p' "$work/pool.out")
collapse=$(ratio "$inline_p99" "$offload_p99")
offload_text=$(canary_p99_text "offload default" "$offload_p99")
inline_text=$(canary_p99_text inline "$inline_p99")
if unanswered_p99 "$inline_p99" || unanswered_p99 "$offload_p99"; then
  echo "  no ratio inline / offload canary p99: a p99 among unanswered canaries is no latency;" \
    "inline canary p99 $inline_text; offload canary p99 $offload_text (load average $(loadavg))"
else
  echo "  ratio inline / offload canary p99: ${collapse}x (load average $(loadavg))"
fi

# ---------------------------------------------------------------------------------------------
# The latency against the rate, where this machine can measure it: each server pinned to core 0,
# ranking-load to core 1; from 10% of nginx's req/s upwards, SWEEP_PAIRS interleaved nginx/ours
# runs a rate; a rate counts only if every run of it kept ranking-load's send-lag p99 <= 0.1 ms
# and its CPU <= 70% of its core (headroom: a busier tool measures itself); from the first rate
# that does not, the rest are not measurable here. Medians over the pairs; a chart of p99 against
# the rate and the percentile spectrum at the highest measurable rate (gnuplot), in $sweep_dir.
echo
sweep_pairs=${SWEEP_PAIRS:-5}
sweep_seconds=${SWEEP_SECONDS:-3}
sweep_dir=$build/bench
mkdir -p "$sweep_dir"
echo "== 6. latency against the rate: $sweep_pairs interleaved pairs a rate, ${sweep_seconds} s each, $connections connections, open loop; servers on core 0, ranking-load on core 1"
show taskset -c 1 "$load_bin" --url URL --mix healthz=1 --canary 0 --rate RATE --connections "$connections" \
  --warmup 1s --duration "${sweep_seconds}s" --json FILE
start_server "$work/sweep.log" "$build/server/ranking-server"
start_nginx
taskset -a -p -c 0 "$SERVER_PID" >/dev/null
taskset -a -p -c 0 "$(nginx_worker)" >/dev/null
# One run: its JSON in FILE. Usage: sweep_run FILE URL ADMIN_URL RATE
sweep_run() {
  timeout 120 taskset -c 1 "$load_bin" --url "$2" --admin-url "$3" --mix healthz=1 --canary 0 \
    --no-server-metrics --no-progress --rate "$4" --connections "$connections" --warmup 1s \
    --duration "${sweep_seconds}s" --json "$1" >/dev/null 2>&1 || true
}
# "ok" when ranking-load kept its headroom in FILE, else why not.
headroom() {
  jq -r '.validity as $v | if ($v.valid and $v.tool_send_lag_ms.p99 <= 0.1 and $v.tool_cpu_percent <= 70)
    then "ok" else "send-lag p99 \($v.tool_send_lag_ms.p99) ms, tool CPU \($v.tool_cpu_percent | floor)%" end' "$1" 2>/dev/null ||
    echo "no report"
}
latency_of() { jq -r ".overall.series.healthz.latency_ms[\"$2\"]" "$1"; } # FILE KEY
printf '  %-8s %-36s %-36s %s\n' "rate/s" "nginx p50 / p99 / p99.9 / max ms" "ours p50 / p99 / p99.9 / max ms" "p99 ours/nginx"
printf 'rate\tnginx_p50\tnginx_p99\tnginx_p999\tnginx_max\tours_p50\tours_p99\tours_p999\tours_max\n' >"$sweep_dir/sweep.tsv"
measurable=1 sweep_worst=0 spectrum_rate=""
for share in 10 20 30 40 50 60 70 80 90 100; do
  rate=$(awk -v n="$nginx_rate" -v s="$share" 'BEGIN { printf "%d", n * s / 100 }')
  if [ "$measurable" = 0 ]; then
    printf '  %-8s not measurable here\n' "$rate"
    continue
  fi
  declare -A got=()
  why=ok
  for pair in $(seq "$sweep_pairs"); do
    for who in nginx ours; do
      file=$work/sweep-$who-$rate-$pair.json
      if [ "$who" = nginx ]; then sweep_run "$file" "$NGINX_URL" "$NGINX_URL" "$rate"; else sweep_run "$file" "$DATA_URL" "$ADMIN_URL" "$rate"; fi
      verdict_now=$(headroom "$file")
      [ "$verdict_now" = ok ] || why="$who: $verdict_now"
      for key in p50 p99 p99.9 max; do got[$who-$key]+="$(latency_of "$file" "$key") "; done
    done
    [ "$why" = ok ] || break
  done
  if [ "$why" != ok ]; then
    printf '  %-8s not measurable here (%s)\n' "$rate" "$why"
    measurable=0
    continue
  fi
  row=() tsv=("$rate")
  for who in nginx ours; do
    cells=()
    for key in p50 p99 p99.9 max; do
      # shellcheck disable=SC2086
      m=$(median ${got[$who-$key]})
      cells+=("$m") tsv+=("$m")
    done
    row+=("$(printf '%s / %s / %s / %s' "${cells[@]}")")
  done
  nginx_p99_median=$(median ${got[nginx-p99]}) ours_p99_median=$(median ${got[ours-p99]})
  sweep_ratio=$(ratio "$ours_p99_median" "$nginx_p99_median")
  sweep_worst=$(awk -v a="$sweep_ratio" -v w="$sweep_worst" 'BEGIN { print (a + 0 > w + 0) ? a : w }')
  printf '  %-8s %-36s %-36s %sx\n' "$rate" "${row[0]}" "${row[1]}" "$sweep_ratio"
  (IFS=$'\t'; echo "${tsv[*]}") >>"$sweep_dir/sweep.tsv"
  spectrum_rate=$rate
  unset got
done
if [ -n "$spectrum_rate" ]; then
  # The spectrum at the highest measurable rate, from its first pair: x = 1/(1-p) on a log axis.
  for who in nginx ours; do
    jq -r '.overall.series.healthz.latency_ms | [["50", .p50], ["90", .p90], ["99", .p99], ["99.9", .["p99.9"]], ["99.99", .["p99.99"]]][]
      | "\(100 / (100 - (.[0] | tonumber)))\t\(.[1])\t\(.[0])"' "$work/sweep-$who-$spectrum_rate-1.json" >"$sweep_dir/spectrum-$who.tsv"
  done
  gnuplot <<PLOT
set terminal svg size 900,500 dynamic
set output "$sweep_dir/sweep.svg"
set title "p99 against the offered rate, open loop (medians of $sweep_pairs pairs)"
set xlabel "offered rate (req/s)"; set ylabel "p99 (ms)"; set key left top; set grid
set xrange [0:$nginx_rate]  # the whole sweep, so that where the measurable rates end shows
plot "$sweep_dir/sweep.tsv" skip 1 using 1:3 with linespoints title "nginx", \
     "$sweep_dir/sweep.tsv" skip 1 using 1:7 with linespoints title "ranking-server /healthz"
set output "$sweep_dir/spectrum.svg"
set title "latency by percentile at ${spectrum_rate}/s"
set autoscale x; set logscale x; set xlabel "percentile"; set ylabel "latency (ms)"
set xtics ("50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000)  # %% is a literal % in a tic label
plot "$sweep_dir/spectrum-nginx.tsv" using 1:2 with linespoints title "nginx", \
     "$sweep_dir/spectrum-ours.tsv" using 1:2 with linespoints title "ranking-server /healthz"
PLOT
  echo "  charts: $sweep_dir/sweep.svg, $sweep_dir/spectrum.svg (at ${spectrum_rate}/s); data: $sweep_dir/sweep.tsv"
fi
stop_nginx
stop_server >/dev/null 2>&1 || true

# ---------------------------------------------------------------------------------------------
if [ "${LOAD_VS_WRK:-0}" = 1 ]; then
  echo
  echo "== 5. ranking-load against wrk: GET /healthz, $connections connections, ${duration} s, 1 thread each"
  start_server "$work/server.log" "$build/server/ranking-server"
  wrk_ceiling=$(wrk_rate "$DATA_URL/healthz")
  echo "  wrk (closed loop):                  ${wrk_ceiling} req/s (load average $(loadavg))"
  load_run "$work/closed.out" "$DATA_URL" "$ADMIN_URL" --connections "$connections" --threads 1 \
    --warmup 1s --duration "${duration}s" --rate max || true
  closed_rate=$(answered_rate "$work/closed.out")
  echo "  ranking-load --rate max (closed):   ${closed_rate} req/s (load average $(loadavg))"
  echo "  ratio ranking-load / wrk:           $(ratio "$closed_rate" "$wrk_ceiling")"
  for share in 50 25; do
    open_rate=$(awk -v a="$closed_rate" -v s="$share" 'BEGIN { printf "%d", a * s / 100 }')
    load_run "$work/open.out" "$DATA_URL" "$ADMIN_URL" --connections "$connections" --threads 1 \
      --warmup 1s --duration "${duration}s" --rate "$open_rate" || true
    echo "  ranking-load --rate $open_rate (open loop, ${share}% of its ceiling):"
    grep -E '^Validity|offered .* answered|send lag|NOT VALID' "$work/open.out" | sed 's/^/    /'
  done
  stop_server >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------------------------------------------
echo
echo "== summary (load average $(loadavg) at the end; the machine is shared, figures are noisy)"
verdict() { [ "$1" = 1 ] && echo PASS || echo MISS; }
# "unanswered" is no number: awk would read it as 0.
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "n/a" && a != "" && a != "unanswered" && a + 0 >= b + 0) }' && echo 1 || echo 0; }
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "n/a" && a != "" && a != "unanswered" && a + 0 <= b + 0) }' && echo 1 || echo 0; }
# req/s: the lower of the two endpoints must reach nginx.
worst_ratio=$(awk -v a="$health_ratio" -v b="$player_ratio" 'BEGIN { print (a + 0 < b + 0) ? a : b }')
ok=$(at_least "$worst_ratio" 1.0)
printf '  %-4s req/s vs nginx >= 1.0x:            /healthz %sx, /players/alice %sx\n' \
  "$(verdict "$ok")" "$health_ratio" "$player_ratio"
ok=$(( $(at_most "$cpu_health_ratio" 0.9) && $(at_most "$cpu_player_ratio" 1.0) ))
printf '  %-4s CPU a request vs nginx:            /healthz %sx (goal <= 0.9x), /players/NAME %sx (<= 1.0x)\n' \
  "$(verdict "$ok")" "$cpu_health_ratio" "$cpu_player_ratio"
# The detector costs nothing measurable: its medians closer than either set's own spread.
ok=$(awk -v g="$detector_gap" -v a="$armed_spread" -v d="$disarmed_spread" 'BEGIN { print (g < a && g < d) ? 1 : 0 }')
printf '  %-4s stall detector armed vs disarmed:   medians %s req/s apart, spreads %s and %s\n' \
  "$(verdict "$ok")" "$detector_gap" "$armed_spread" "$disarmed_spread"
ok=$(at_most "$ours_bytes" 819) # the figure of the run that set this bar
[ "$ours_held" = "$hold" ] && [ "$ours_answered" = $((2 * hold)) ] || ok=0
printf '  %-4s bytes/connection <= 819 B at %d:  ours %s B (%s of %s answered), nginx %s B (%s answered): %sx\n' \
  "$(verdict "$ok")" "$hold" "$ours_bytes" "$ours_answered" "$((2 * hold))" "$nginx_bytes" \
  "$nginx_answered" "$bytes_ratio"
[ "$ours_held" = "$hold" ] && [ "$nginx_held" = "$hold" ] ||
  echo "        connections held throughout: ours $ours_held, nginx $nginx_held of $hold"
if unanswered_p99 "$inline_p99"; then
  # Inline canaries never answered within the timeout: that is the collapse, shown as it is, with
  # no ratio. The goal still reads honestly: over 1% of them waited at least the timeout, so the
  # inline p99 is at least the timeout, and inline / offload at least timeout / offload p99,
  # which must itself reach 50. (0.78 ms: the figure of the run that set this bar.)
  ok=$(( $(at_most "$offload_p99" 0.78) && $(at_least "$(ratio "$load_timeout_ms" "$offload_p99")" 50) ))
  inline_shown="canary p99 $inline_text: collapsed, no ratio on a timeout"
else
  ok=$(( $(at_most "$offload_p99" 0.78) && $(at_least "$collapse" 50) ))
  inline_shown="$inline_text: ${collapse}x"
  [ "$collapse" != n/a ] || inline_shown="$inline_text, no ratio"
fi
unanswered_p99 "$offload_p99" && offload_text="canary p99 $offload_text"
printf '  %-4s offload canary p99 <= 0.78 ms, inline >= 50x: offload %s (%s), inline %s\n' \
  "$(verdict "$ok")" "$offload_text" "${pool_valid:-no report}" "$inline_shown"
if [ -n "$spectrum_rate" ]; then
  printf '  %-4s p99 by rate vs nginx <= 1.1x:       the worst median ratio %sx over the rates measurable here (up to %s/s)\n' \
    "$(verdict "$(at_most "$sweep_worst" 1.1)")" "$sweep_worst" "$spectrum_rate"
else
  printf '  %-4s p99 by rate vs nginx <= 1.1x:       no rate measurable here: ranking-load lacks headroom from 10%% of nginx'"'"'s req/s\n' "$(verdict 0)"
fi
printf '  %-4s p99 at %d/s (half nginx), no goal:  ours %s, nginx %s: %sx (%s, %s)\n' \
  "info" "$fixed_rate" "$(p99_text "$ours_p99")" "$(p99_text "$nginx_p99")" "$p99_ratio" "$ours_valid" "$nginx_valid"
if grep -q 'NOT VALID' <<<"$ours_valid $nginx_valid $pool_valid"; then
  echo "  NOT VALID: ranking-load itself sent late (its send lag p99 > 1 ms), mostly a busy machine;"
  echo "  latency runs from due time, so those p99s include its lateness: upper bounds, not the server's own."
fi
