#!/usr/bin/env bash
# Hostile clients: plays each attack below, one at a time, against a server this
# script starts (temporary database, answer budget 32 MiB, write timeout 2 s), and prints for each
# what the server answered, how much its memory grew (peak VmRSS minus VmRSS at the start) and
# whether a canary on another connection (GET /players/bob every ~50 ms) was always answered. Ends
# with one PASS/FAIL line per attack against its goal; exit 0 only when all pass, 1
# otherwise, 77 (skipped) without curl. Loopback only, bounded (well under 2 minutes), stops
# everything it starts by PID. The output is meant to be pasted into docs/measurements.md.
#
# Usage: scripts/reliability/hostile_clients.sh [BUILD_DIR=build/release]
#
# The attacks: 1 a chunked POST /games whose chunk-size line never ends; 2 the same with an endless
# trailer field; 3 forty clients asking for a page of 10,000 games and never reading it; 4 PUT
# /mode on the admin plane with a foreign Host (DNS rebinding); 5 the same with our Host and a
# foreign Origin; 6 the dashboard framed by another page; 7 a text/plain game from a foreign page
# (a browser sends that without a preflight).
set -euo pipefail
export LC_ALL=C # dd's and awk's figures, EPOCHREALTIME with a dot

if ! command -v curl >/dev/null; then
  echo "hostile_clients.sh: needs curl (make test-deps installs it); skipped" >&2
  exit 77
fi

build=${1:-build/release}
here=$(cd "$(dirname "$0")/.." && pwd)
server_bin=$build/server/ranking-server
if [ ! -x "$server_bin" ]; then
  echo "hostile_clients.sh: no $server_bin (build first, or give the build directory)" >&2
  exit 2
fi
# shellcheck source=scripts/server.sh
source "$here/server.sh"

# The bounds of the run and the goals: a connection may not make the server hold more than 64 MiB.
budget_mb=32             # --answer-budget-mb: what answers waiting for slow readers may hold
write_timeout_ms=2000    # --write-timeout-ms: short, so the non-readers are closed within the run
goal_mib=64              # peak minus start for attacks 1, 2 and 3
flood_bytes=$((128 * 1024 * 1024)) # what attacks 1 and 2 offer (a server that buffers them holds ~1 MB per MB)
seed_games=10000         # so that one page (limit=10000) is ~5.5 MB
readers=40               # non-reading export clients
hold_s=$((write_timeout_ms / 1000 + 2)) # past the write timeout and the sweep that enforces it
canary_timeout_s=3       # each canary request's own limit: slower counts as not answered

work=$(mktemp -d)
canary_pid="" sampler_pid="" reader_pid=""
cleanup() {
  # The helpers stop at this file; the canary's last curl ends within its --max-time.
  touch "$work/stop" 2>/dev/null || true
  if [ -n "$reader_pid" ]; then kill "$reader_pid" 2>/dev/null || true; fi
  for pid in $canary_pid $sampler_pid $reader_pid; do wait "$pid" 2>/dev/null || true; done
  stop_server >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # through cleanup

die() {
  echo "hostile_clients.sh: $*" >&2
  [ -f "$work/server.log" ] && tail -n 20 "$work/server.log" >&2
  exit 1
}

# --- Measuring ------------------------------------------------------------------------------------

# status_kb FIELD: a field of the server's /proc/PID/status in kB (VmRSS, VmHWM), with builtins only
# so that sampling every 20 ms costs no fork.
status_kb() {
  local key value _
  while read -r key value _; do
    if [ "$key" = "$1:" ]; then
      echo "$value"
      return 0
    fi
  done <"/proc/$SERVER_PID/status"
  return 1
}
mib() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
ms_since() { # EPOCHREALTIME at the start -> whole milliseconds since
  local now=${EPOCHREALTIME/./} then=${1/./}
  echo $(((now - then) / 1000))
}

# Resets the kernel's peak RSS (VmHWM) to the current RSS; fails where /proc does not allow it.
reset_peak() { { echo 5 >"/proc/$SERVER_PID/clear_refs"; } 2>/dev/null; }

# sampler OUT: the server's VmRSS every ~20 ms until $work/stop exists (the cross-check of VmHWM,
# and the only figure where clear_refs is refused).
sampler() {
  while [ ! -e "$work/stop" ]; do
    status_kb VmRSS || break
    sleep 0.02
  done >"$1"
}

# canary OUT: GET /players/bob on a connection of its own every ~50 ms until $work/stop exists;
# one line per request: the status (000 when not answered in time) and the seconds it took.
canary() {
  while [ ! -e "$work/stop" ]; do
    curl -s -o /dev/null --max-time "$canary_timeout_s" -w '%{http_code} %{time_total}\n' \
      "$DATA_URL/players/bob" || true
    sleep 0.05
  done >"$1"
}

metric() { # NAME: its value on the admin plane's /metrics
  curl -s --max-time 5 "$ADMIN_URL/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

# begin_attack TITLE: notes the server's RSS, resets its peak, starts the sampler and the canary.
begin_attack() {
  echo
  echo "== $1"
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server is gone before: $1"
  rm -f "$work/stop"
  log_lines=$(wc -l <"$work/server.log")
  start_kb=$(status_kb VmRSS)
  peak_reset=yes
  reset_peak || peak_reset=no
  sampler "$work/rss" &
  sampler_pid=$!
  canary "$work/canary" &
  canary_pid=$!
  sleep 0.3 # the canary is asking before the attack starts
}

# end_attack: lets the canary ask a while longer, stops it and the sampler, and prints the figures.
# Sets peak_kb (peak minus start, the larger of VmHWM and the samples) and canary_ok (yes/no).
end_attack() {
  sleep 0.5
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the attack"
  touch "$work/stop"
  wait "$canary_pid" "$sampler_pid" || true
  canary_pid="" sampler_pid=""
  local hwm sampled samples asked answered slowest
  hwm=$(status_kb VmHWM)
  sampled=$(awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { print m }' "$work/rss")
  samples=$(wc -l <"$work/rss")
  [ "$peak_reset" = yes ] || hwm=$sampled # VmHWM would be the peak since the server started
  peak_kb=$(((hwm > sampled ? hwm : sampled) - start_kb))
  asked=$(wc -l <"$work/canary")
  answered=$(grep -c '^200 ' "$work/canary" || true)
  slowest=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "%.1f", m * 1000 }' "$work/canary")
  canary="$answered/$asked"
  canary_ok=no
  [ "$asked" -gt 0 ] && [ "$answered" -eq "$asked" ] && canary_ok=yes
  echo "  server VmRSS at the start $(mib "$start_kb") MiB; peak minus start: $(mib $((hwm - start_kb))) MiB" \
    "by VmHWM (reset: $peak_reset), $(mib $((sampled - start_kb))) MiB by $samples samples of VmRSS"
  echo "  canary GET /players/bob: $answered of $asked answered 200 (slowest ${slowest} ms)"
  local new
  new=$(tail -n +"$((log_lines + 1))" "$work/server.log" | wc -l)
  if [ "$new" -gt 0 ]; then
    echo "  server log meanwhile ($new lines, the first 3):"
    tail -n +"$((log_lines + 1))" "$work/server.log" | head -n 3 | sed 's/^/    /'
  fi
}

rows=()
failed=0
# record NUMBER ATTACK ANSWERED GOAL OK: one line of the summary.
record() {
  local verdict=PASS
  [ "$5" = yes ] || { verdict=FAIL; failed=$((failed + 1)); }
  rows+=("$(printf '%-2s %-32s %-38s %-13s %-9s %-42s %s' "$1" "$2" "$3" "$(mib "$peak_kb") MiB" \
    "$canary" "$4" "$verdict")")
}
within_goal() { [ "$peak_kb" -le $((goal_mib * 1024)) ] && [ "$canary_ok" = yes ]; }

# --- The attacks ----------------------------------------------------------------------------------

# endless_chunked PREFIX: a chunked POST /games whose body is PREFIX and then $flood_bytes of 'a'
# (no line end ever). Sets answer (the status line the server sent) and sent (what the kernel took
# from us before the connection failed, socket buffers included) and took_ms.
endless_chunked() {
  local fd start request
  exec {fd}<>"/dev/tcp/127.0.0.1/$data_port"
  # Read the answer while we write: the server answers at the header and closes, and once our
  # bytes meet the closed socket the connection is reset, which may drop an answer not read yet.
  timeout 30 cat <&"$fd" >"$work/answer" 2>/dev/null &
  reader_pid=$!
  request=$(printf 'POST /games HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%s' \
    "$data_port" "$1")
  start=$EPOCHREALTIME
  # Every write goes through this child with SIGPIPE ignored: the server answers once the header
  # is in and closes, and a write of ours after that must end the writer, not this script (a bash
  # builtin writing to the reset socket kills the shell with SIGPIPE). dd reports what it wrote;
  # timeout bounds the writer in case a server reads without end.
  # shellcheck disable=SC2016 # $1, $2, $3 are the inner shell's arguments
  timeout 30 sh -c 'trap "" PIPE
    { printf "%s" "$3"; head -c "$1" /dev/zero | tr "\0" a; } 2>/dev/null | dd bs=65536 2>"$2"' \
    sh "$flood_bytes" "$work/dd" "$request" 1>&"$fd" 2>/dev/null || true
  took_ms=$(ms_since "$start")
  exec {fd}>&-
  # The reader ends when the server closes; if it does not within 3 s, it is stopped.
  for _ in $(seq 30); do kill -0 "$reader_pid" 2>/dev/null || break; sleep 0.1; done
  kill "$reader_pid" 2>/dev/null || true
  wait "$reader_pid" 2>/dev/null || true
  reader_pid=""
  sent=$(sed -n 's/^\([0-9]*\) bytes.*/\1/p' "$work/dd")
  answer=$(head -n 1 "$work/answer" | tr -d '\r')
  answer=${answer:-"(no answer)"}
}

# read_answer FD: reads the head of an answer from FD (1 s at most per line); sets status (200,
# 503, or empty when nothing came) and, for a 503, reason (its JSON body, which says what refused).
read_answer() {
  local line len=0
  status="" reason=""
  read -r -t 1 -u "$1" line || return 0
  line=${line%$'\r'}
  status=${line#HTTP/1.1 }
  status=${status%% *}
  while read -r -t 1 -u "$1" line; do
    line=${line%$'\r'}
    [ -n "$line" ] || break
    case ${line,,} in content-length:*) len=${line#*: } ;; esac
  done
  if [ "$status" = 503 ] && [ "$len" -gt 0 ]; then read -r -t 1 -N "$len" -u "$1" reason || true; fi
}

mode_now() { curl -s --max-time 5 "$ADMIN_URL/mode" | sed -n 's/.*"mode":"\([a-z]*\)".*/\1/p'; }

# put_mode MODE [curl args]: PUT /mode on the admin plane; prints the status, the body in $work/body.
put_mode() {
  local mode=$1
  shift
  curl -s --max-time 5 -o "$work/body" -w '%{http_code}' -X PUT --data-binary "$mode" "$@" \
    "$ADMIN_URL/mode" || true
}

# --- The run --------------------------------------------------------------------------------------

echo "hostile clients: $0 $build"
echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1))," \
  "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
echo "server: $("$server_bin" --version) (source checkout at $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown))"

start_server "$work/server.log" "$server_bin" --players 1000 --hash-iterations 1000 \
  --answer-budget-mb "$budget_mb" --write-timeout-ms "$write_timeout_ms" \
  --storage-priority normal --pool-priority normal --db "$work/hostile.db" || die "the server did not start"
# Priorities normal: the seeding (storage thread) and the pages (pool) must not wait seconds behind
# a parallel build; the loop, which the canary measures, is at normal priority either way.
echo "$SERVER_LINE"
data_port=${DATA_URL##*:}
admin_port=${ADMIN_URL##*:}
reset_peak || echo "(clear_refs refused here: peaks are the 20 ms samples only)"

# 1. The chunk-size line that never ends: before the fix the server buffered it all (RSS +125 MB
# for 128 MB sent) and blocked its loop while doing so.
begin_attack "1. endless chunk-size line: chunked POST /games, '1;' then $((flood_bytes >> 20)) MiB of 'a'"
endless_chunked '1;'
echo "  server answered: $answer; we wrote $((${sent:-0} / 1024)) KiB (of the head and $((flood_bytes >> 20)) MiB) before the connection failed, in $took_ms ms"
end_attack
# The goal is memory and the canary: refusing (411, 501) or reading with bounds both pass.
within_goal && ok=yes || ok=no
record 1 "endless chunk-size line" "${answer#HTTP/1.1 }" "<= $goal_mib MiB, canary all 200" "$ok"

# 2. The trailer that never ends: the last chunk, then one trailer field without end.
begin_attack "2. endless trailer: chunked POST /games, '0' then 'X-T: ' and $((flood_bytes >> 20)) MiB of 'a'"
endless_chunked $'0\r\nX-T: '
echo "  server answered: $answer; we wrote $((${sent:-0} / 1024)) KiB (of the head and $((flood_bytes >> 20)) MiB) before the connection failed, in $took_ms ms"
end_attack
within_goal && ok=yes || ok=no
record 2 "endless trailer" "${answer#HTTP/1.1 }" "<= $goal_mib MiB, canary all 200" "$ok"

# 3. Readers that never read. The store first gets enough games for pages of ~5.5 MB.
echo
echo "== seeding $seed_games games (32 connections)"
for ((i = 1; i <= seed_games; i++)); do
  # Options before the first "next" would apply to the first game only: each entry has its own.
  [ "$i" -gt 1 ] && echo next
  printf 'url = "%s/games"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$DATA_URL"
  printf 'header = "Content-Type: application/json"\n'
  printf 'data = "{\\"id\\":\\"seed-%d\\",\\"white\\":\\"alice\\",\\"black\\":\\"bob\\",\\"result\\":\\"1/2-1/2\\"}"\n' "$i"
done >"$work/seed.curl"
start=$EPOCHREALTIME
# Its progress meter goes to stderr even with --silent: kept for a failure only.
curl --silent --parallel --parallel-max 32 --config "$work/seed.curl" >"$work/seed.codes" 2>"$work/seed.err" ||
  true
stored=$(grep -c '^201$' "$work/seed.codes" || true)
page_bytes=$(curl -s --max-time 10 "$DATA_URL/games?limit=10000" | wc -c)
echo "  $stored of $seed_games answered 201 in $(ms_since "$start") ms; a page of 10,000 games is" \
  "$(mib $((page_bytes / 1024))) MiB"
[ "$stored" -eq "$seed_games" ] || die "seeding failed: $(sort "$work/seed.codes" | uniq -c | tr "\n" " ") $(cat "$work/seed.err")"

# One request every 40 ms: a page takes ~20 ms to render, so each request finds a free page slot
# (--max-pages-in-flight) and the answer budget is what refuses; all 40 are sent within 1.6 s,
# before the first non-reader is closed at the write timeout.
begin_attack "3. $readers clients send GET /games?limit=10000, one every 40 ms, and never read; held ${hold_s} s (write timeout $write_timeout_ms ms)"
fds=()
for ((i = 0; i < readers; i++)); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$data_port"
  # In a subshell deaf to SIGPIPE: a server that refused the connection must not end the script.
  (
    trap "" PIPE
    printf "GET /games?limit=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" >&"$fd"
  ) 2>/dev/null || true
  fds+=("$fd")
  sleep 0.04
done
sleep "$hold_s"
held=$(metric ranking_open_connections)
# Counted now, from what each socket got: the start of each answer is in our receive buffer.
started=0 by_budget=0 by_slots=0 by_other=0 nothing=0
for fd in "${fds[@]}"; do
  read_answer "$fd"
  case $status in
  200) started=$((started + 1)) ;;
  503)
    case $reason in
    *"slow readers"*) by_budget=$((by_budget + 1)) ;;
    *"pages of games being read"*) by_slots=$((by_slots + 1)) ;;
    *) by_other=$((by_other + 1)) ;;
    esac
    ;;
  *) nothing=$((nothing + 1)) ;;
  esac
  exec {fd}<&-
done
refused=$((by_budget + by_slots + by_other))
sleep 1 # the server's side of the closes
after_kb=$(($(status_kb VmRSS) - start_kb))
honest=$(curl -s --max-time 10 -o /dev/null -w '%{http_code} %{size_download}' "$DATA_URL/games?limit=10000" || true)
echo "  of the $readers: $started had their page started (200), $refused were refused (503: $by_budget" \
  "by the answer budget, $by_slots by the pages in flight, $by_other other), $nothing got neither"
echo "  open data connections after ${hold_s} s: ${held:-?} (the refused stay open, idle keep-alive;" \
  "the canary's counts if it was asking)"
echo "  VmRSS after they closed: $(mib "$after_kb") MiB above the start"
echo "  an honest reader's page afterwards: ${honest% *}, $(mib $((${honest#* } / 1024))) MiB"
end_attack
# Every one of them answered (200 or 503): otherwise the attack itself did not happen as meant.
within_goal && [ "$nothing" -eq 0 ] && ok=yes || ok=no
record 3 "$readers non-reading export clients" "${started}x200 ${refused}x503; after: +$(mib "$after_kb") MiB" \
  "<= $goal_mib MiB, all answered, canary all 200" "$ok"

# 4. DNS rebinding: a page on attacker.example that resolves to 127.0.0.1 sends its own Host.
begin_attack "4. foreign Host: PUT /mode 'inline' on the admin plane with Host: attacker.example"
code=$(put_mode inline -H 'Host: attacker.example')
mode=$(mode_now)
echo "  server answered: $code $(cat "$work/body")"
echo "  GET /mode afterwards: $mode"
end_attack
[ "$code" = 421 ] && [ "$mode" = offload ] && [ "$canary_ok" = yes ] && ok=yes || ok=no
record 4 "foreign Host on PUT /mode" "$code, mode $mode" "421, mode offload, canary all 200" "$ok"

# 5. A page elsewhere posting to our own name (CSRF): the browser sends its Origin.
begin_attack "5. foreign Origin: PUT /mode 'inline' with Host: 127.0.0.1:$admin_port, Origin: http://attacker.example"
code=$(put_mode inline -H "Host: 127.0.0.1:$admin_port" -H 'Origin: http://attacker.example')
mode=$(mode_now)
echo "  server answered: $code $(cat "$work/body")"
echo "  GET /mode afterwards: $mode"
# The control: the same request without the foreign Origin does change the mode, so the refusals
# above are the checks at work; then back to offload, from the server's own origin.
control_in=$(put_mode inline)
control_mode=$(mode_now)
control_back=$(put_mode offload -H "Origin: http://127.0.0.1:$admin_port")
echo "  control: without Origin $control_in (mode $control_mode), back with Origin" \
  "http://127.0.0.1:$admin_port $control_back (mode $(mode_now))"
end_attack
[ "$code" = 403 ] && [ "$mode" = offload ] && [ "$canary_ok" = yes ] && ok=yes || ok=no
record 5 "foreign Origin on PUT /mode" "$code, mode $mode" "403, mode offload, canary all 200" "$ok"

# 6. Clickjacking: the dashboard (and its toggle) inside another page's frame.
begin_attack "6. framing: GET / on the admin plane"
curl -s --max-time 5 -D "$work/head" -o /dev/null "$ADMIN_URL/" || true
xfo=$(awk -F': *' 'tolower($1) == "x-frame-options" { print $2 }' "$work/head" | tr -d '\r')
csp=$(awk -F': *' 'tolower($1) == "content-security-policy" { print $2 }' "$work/head" | tr -d '\r')
fa=$(grep -o "frame-ancestors[^;]*" <<<"$csp" || true)
echo "  status: $(head -n 1 "$work/head" | tr -d '\r')"
echo "  X-Frame-Options: ${xfo:-(none)}"
echo "  Content-Security-Policy: ${csp:-(none)}"
end_attack
[ "${xfo^^}" = DENY ] && [ "$fa" = "frame-ancestors 'none'" ] && [ "$canary_ok" = yes ] && ok=yes || ok=no
record 6 "dashboard in a frame" "XFO ${xfo:-none}; ${fa:-no frame-ancestors}" \
  "DENY, frame-ancestors 'none'" "$ok"

# 7. A form or fetch on any page may send text/plain cross-origin without a preflight.
begin_attack "7. text/plain game: POST /games with Content-Type: text/plain, Origin: http://attacker.example"
code=$(curl -s --max-time 5 -o "$work/body" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' \
  -H 'Origin: http://attacker.example' \
  --data-binary '{"id":"hostile-plain","white":"alice","black":"bob","result":"1-0"}' \
  "$DATA_URL/games" || true)
kept=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$DATA_URL/games/hostile-plain" || true)
echo "  server answered: $code $(cat "$work/body")"
echo "  GET /games/hostile-plain afterwards: $kept"
end_attack
[ "$code" = 415 ] && [ "$kept" = 404 ] && [ "$canary_ok" = yes ] && ok=yes || ok=no
record 7 "text/plain game, foreign Origin" "$code, GET it: $kept" "415, not stored, canary all 200" "$ok"

if stop_server >/dev/null 2>&1; then stopped="stopped cleanly"; else stopped="stopped with an error"; fi

echo
echo "== summary (peak = peak VmRSS minus VmRSS at the attack's start; canary = answered 200 / asked)"
printf '%-2s %-32s %-38s %-13s %-9s %-42s %s\n' "#" attack "server answered" "peak - start" canary goal verdict
printf '%s\n' "${rows[@]}"
echo "server: $stopped; $((7 - failed)) of 7 attacks pass"
[ "$failed" -eq 0 ]
