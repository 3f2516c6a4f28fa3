#!/usr/bin/env bash
# The Debian package as an operator meets it, on this machine, step by step:
#   1. built from BUILD_DIR (cpack, as `make package` does);
#   2. lintian: no error, no warning;
#   3. systemd-analyze security --offline=true on its unit: exposure 3.0 or lower ("OK");
#   4. dpkg -i (with its -dbgsym .ddeb): the user, the state directory, the generated secret, the
#      conffile, the unit enabled;
#   5. started as the unit starts it (systemd is not PID 1 here): the unit's ExecStart, as its
#      User=, in its WorkingDirectory=, with its UMask= and LimitNOFILE=, and a stand-in notify
#      socket with WATCHDOG_USEC from its WatchdogSec=: READY=1, /readyz, a ranking, a watchdog ping;
#   6. its ExecReload (SIGHUP): RELOADING=1, READY=1, still serving; SIGTERM: STOPPING=1, exit 0;
#      then an inline stall of the installed binary names our own frames (the -dbgsym's debug
#      information, found by build id);
#   7. dpkg -r keeps the configuration and the database; dpkg -P leaves no state, configuration
#      or systemd link behind.
# What systemd itself would add (the sandbox, the memory limit, restarts) needs systemd as PID 1.
# Usage: scripts/check-package.sh BUILD_DIR
# Needs root, lintian, systemd-analyze and python3; exit 77 (skipped) without them, or when
# ranking-server is already installed here (it never replaces an installation it did not make),
# or when the unit's ports 8080/8081 are taken.
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/server.sh"
skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || skip "dpkg -i needs root"
for tool in lintian systemd-analyze python3 setpriv prlimit dpkg-deb; do
  command -v "$tool" >/dev/null || skip "needs $tool (make test installs it)"
done
if dpkg-query -W -f='${Status}' ranking-server 2>/dev/null | grep -q installed; then
  skip "ranking-server is installed on this machine; this check installs and purges its own"
fi
for port in 8080 8081; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && skip "port $port is in use"
done

work=$(mktemp -d)
chmod 711 "$work" # the service user reaches the notify socket inside
installed=""
server_pid=""
listener_pid=""
cleanup() {
  set +e # every step, whatever the one before it did
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null
  stop_server >/dev/null 2>&1
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
  [ -n "$installed" ] && dpkg -P ranking-server-dbgsym ranking-server >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The package.
(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/*.deb)
ddeb=$(ls "$work"/out/*.ddeb)

# 2. lintian (it warns when run as root; that line is not about the package).
lintian --info --pedantic "$deb" 2>&1 | grep -v 'running with root privileges' >"$work/lintian.txt" || true
errors=$(grep -c '^E:' "$work/lintian.txt" || true)
warnings=$(grep -c '^W:' "$work/lintian.txt" || true)
if [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then
  grep -E '^(E|W):' "$work/lintian.txt" >&2
  fail "lintian: $errors errors, $warnings warnings"
fi

# 3. The unit's exposure.
dpkg-deb -x "$deb" "$work/root"
unit_file="$work/root/usr/lib/systemd/system/ranking-server.service"
exposure=$(systemd-analyze security --offline=true "$unit_file" 2>&1 |
  sed -nE 's/.*Overall exposure level for [^:]*: ([0-9.]+).*/\1/p')
[ -n "$exposure" ] || fail "systemd-analyze printed no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 3.0) }' || fail "the unit's exposure is $exposure, above 3.0"

# 4. Installed.
dpkg -i "$deb" "$ddeb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
installed=yes
unit=/usr/lib/systemd/system/ranking-server.service
setting() { sed -nE "s/^$1=(.*)/\1/p" "$unit" | tail -1; }
user=$(setting User)
getent passwd "$user" >/dev/null || fail "no user $user"
[ "$(stat -c '%U %a' /var/lib/ranking)" = "$user 700" ] || fail "/var/lib/ranking: $(stat -c '%U %a' /var/lib/ranking)"
secret=/etc/ranking-server/secret
[ "$(stat -c '%U:%G %a' "$secret")" = "root:$user 640" ] || fail "$secret: $(stat -c '%U:%G %a' "$secret")"
[ "$(wc -c <"$secret")" -ge 32 ] || fail "$secret is short"
dpkg-query -W -f='${Conffiles}' ranking-server | grep -q /etc/ranking-server/ranking-server.conf ||
  fail "the configuration file is not a conffile"
link=/etc/systemd/system/multi-user.target.wants/ranking-server.service
[ -L "$link" ] || fail "the unit is not enabled ($link)"

# 5. Started as the unit starts it.
python3 "$here/notify_listener.py" "$work/notify.sock" "$work/messages" &
listener_pid=$!
for _ in $(seq 100); do [ -S "$work/notify.sock" ] && break; sleep 0.05; done
[ -S "$work/notify.sock" ] || fail "the notify stand-in did not bind its socket"
read -r -a exec_start <<<"$(setting ExecStart)"
watchdog_s=$(setting WatchdogSec | sed 's/s$//')
nofile=$(setting LimitNOFILE)
(
  cd "$(setting WorkingDirectory)"
  umask "$(setting UMask)"
  export NOTIFY_SOCKET="$work/notify.sock" WATCHDOG_USEC=$((watchdog_s * 1000000))
  exec prlimit --nofile="$nofile:$nofile" -- setpriv --reuid="$user" --regid="$user" \
    --init-groups --inh-caps=-all --no-new-privs --pdeathsig TERM -- "${exec_start[@]}"
) >"$work/server.log" 2>&1 &
server_pid=$!
count() { grep -c "$1" "$work/messages" || true; }
wait_for() { # MESSAGE COUNT SECONDS
  for _ in $(seq $(($3 * 20))); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.05; done
  return 1
}
wait_for 'READY=1' 1 30 || { cat "$work/server.log" >&2; fail "no READY=1"; }
get() { curl -fsS --max-time 10 "http://127.0.0.1:8080$1"; }
get /readyz | grep -q '"status":"ready"' || fail "/readyz: $(get /readyz)"
get /rank/alice | grep -q '"token"' || fail "/rank/alice: $(get /rank/alice)"
[ "$(stat -c '%U %a' /var/lib/ranking/ranking.db)" = "$user 600" ] ||
  fail "the database: $(stat -c '%U %a' /var/lib/ranking/ranking.db) (UMask=0077 as $user)"
wait_for 'WATCHDOG=1' 1 "$watchdog_s" || fail "no watchdog ping within WatchdogSec"

# 6. Reloaded (ExecReload is kill -HUP), then stopped.
kill -HUP "$server_pid"
wait_for 'READY=1' 2 10 || fail "no READY=1 after SIGHUP"
grep -q 'RELOADING=1' "$work/messages" || fail "no RELOADING=1"
grep -q 'reloaded' "$work/server.log" || fail "the reload was not logged"
get /healthz | grep -q '"status":"ok"' || fail "not serving after the reload"
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" = 0 ] || { cat "$work/server.log" >&2; fail "exit status $status after SIGTERM"; }
grep -q 'STOPPING=1' "$work/messages" || fail "no STOPPING=1"
# The stripped binary's own frames are named from the -dbgsym package (scripts/server.sh starts it
# on free ports with a scratch database).
start_server "$work/stall.log" /usr/bin/ranking-server --players 50 --mode inline --hash-ms 300 \
  --stall-warn-ms 50 || fail "the installed binary did not start"
http_get "$DATA_URL" /rank/alice | grep -q '"token"' || fail "no /rank answer from the inline server"
for _ in $(seq 100); do grep -q 'was blocked' "$work/stall.log" && break; sleep 0.05; done
stop_server || true
grep 'was blocked' "$work/stall.log" | grep -q 'ranking::pbkdf2_sha256' ||
  fail "the stall's frames do not name ranking::pbkdf2_sha256: $(grep 'was blocked' "$work/stall.log")"

# 7. Removed, then purged.
dpkg -r ranking-server-dbgsym ranking-server >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -r"; }
[ ! -e /usr/bin/ranking-server ] || fail "dpkg -r left the binary"
[ -e /etc/ranking-server/ranking-server.conf ] && [ -e /var/lib/ranking/ranking.db ] ||
  fail "dpkg -r should keep the configuration and the database"
dpkg -P ranking-server-dbgsym ranking-server >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -P"; }
installed=""
left=$(find /etc /var/lib/ranking /var/lib/systemd -name '*ranking*' 2>/dev/null || true)
[ -z "$left" ] || fail "dpkg -P left: $left"
echo "package: $(basename "$deb"): lintian 0 errors, 0 warnings ($(grep -c '^I:' "$work/lintian.txt" || true) info tags);" \
  "unit exposure $exposure; installed, served as $user, reloaded, stopped; stall frames named from" \
  "the -dbgsym; purged with nothing left"
