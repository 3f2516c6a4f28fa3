#!/usr/bin/env bash
# systemd's notifications, with a stand-in for systemd: a datagram socket named in NOTIFY_SOCKET
# (scripts/notify_listener.py records each message with its time) and WATCHDOG_USEC as a unit's
# WatchdogSec= sets it. Asserts: READY=1 once the server serves; WATCHDOG=1 pings while the loop is free; none
# while an inline /rank holds the loop (the pings would otherwise tell systemd a wedged loop is
# alive); RELOADING=1 then READY=1 on SIGHUP; STOPPING=1 on SIGTERM. Ordering and presence, with
# the hold ten times the ping interval: no timing threshold beyond that.
# Usage: systemd_notify.sh RANKING_SERVER
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/server.sh"
command -v python3 >/dev/null || { echo "python3 is not installed: skipped"; exit 77; }
work=$(mktemp -d)
listener_pid=""
trap 'stop_server >/dev/null 2>&1 || true; { [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null; } || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 "$here/../../scripts/notify_listener.py" "$work/notify.sock" "$work/messages" &
listener_pid=$!
for _ in $(seq 100); do [ -S "$work/notify.sock" ] && break; sleep 0.05; done
[ -S "$work/notify.sock" ] || fail "the stand-in did not bind its socket"

# A 100 ms watchdog: pings every 50 ms while the loop is free; the hash holds it for 1 s.
NOTIFY_SOCKET="$work/notify.sock" WATCHDOG_USEC=100000 \
  start_server "$work/log" "$bin" --players 50 --hash-ms 1000 --mode inline
now() { python3 -c 'import time; print(f"{time.monotonic():.3f}")'; }
count() { grep -c "$1" "$work/messages" || true; }
for _ in $(seq 100); do [ "$(count 'READY=1')" -ge 1 ] && break; sleep 0.05; done
[ "$(count 'READY=1')" -ge 1 ] || fail "no READY=1"
grep -q "STATUS=serving" "$work/messages" || fail "no STATUS with READY=1"
sleep 0.5
[ "$(count 'WATCHDOG=1')" -ge 3 ] || fail "few pings while the loop is free: $(count 'WATCHDOG=1')"

before=$(now)
http_get "$DATA_URL" /rank/alice >/dev/null # inline: the loop hashes for about a second
after=$(now)
held=$(awk -v b="$before" -v a="$after" '$2 == "WATCHDOG=1" && $1 > b + 0.2 && $1 < a - 0.1' "$work/messages" | wc -l)
awk -v b="$before" -v a="$after" 'BEGIN { exit !(a - b > 0.5) }' || fail "the hold was too short to judge"
[ "$held" = 0 ] || fail "$held pings while the loop was held"
sleep 0.3
[ "$(awk -v a="$after" '$2 == "WATCHDOG=1" && $1 > a' "$work/messages" | wc -l)" -ge 1 ] ||
  fail "no ping after the loop was free again"

kill -HUP "$SERVER_PID"
for _ in $(seq 100); do [ "$(count 'READY=1')" -ge 2 ] && break; sleep 0.05; done
grep -q "RELOADING=1" "$work/messages" || fail "no RELOADING=1 on SIGHUP"
[ "$(count 'READY=1')" -ge 2 ] || fail "no READY=1 after the reload"
stop_server || fail "the server did not stop cleanly"
sleep 0.2
grep -q "STOPPING=1" "$work/messages" || fail "no STOPPING=1 on SIGTERM"
echo "ok: READY, watchdog pings only while the loop is free, RELOADING/READY, STOPPING"
