#!/usr/bin/env bash
# The Debian package, as a user gets it: cpack builds it from this build tree, it is unpacked into
# a scratch root (dpkg-deb -x: nothing touches the machine), and the unpacked ranking-server,
# started from there with a scratch database, serves /healthz and its dashboard, which it finds
# next to its binary (Chart.js through the package's link to Debian's libjs-chart.js). The
# configuration file lists every option the server takes and parses; the man pages state the
# installed defaults. (Installing it for real: scripts/check-package.sh.)
# Usage: package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
source "$here/../../scripts/server.sh"
trap 'stop_server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; fail "cpack"; }
deb=$(ls "$work"/out/*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libjs-chart.js libsqlite3-0 libssl3 libboost-program-options1.81.0; do
  grep -q "$needed" <<<"$depends" || fail "Depends lacks $needed: $depends"
done
dpkg-deb -x "$deb" "$work/root"
# The dependency libjs-chart.js, as this machine has it: the package's link to it is relative.
ln -s /usr/share/javascript "$work/root/usr/share/javascript"
for file in usr/bin/ranking-server usr/bin/ranking-client usr/bin/ranking-load \
  usr/share/ranking/dashboard/index.html usr/share/ranking/dashboard/club.html \
  usr/share/ranking/dashboard/club.js usr/share/ranking/dashboard/club.css usr/share/ranking/report.sh \
  usr/lib/systemd/system/ranking-server.service etc/ranking-server/ranking-server.conf \
  usr/share/doc/ranking-server/copyright usr/share/doc/ranking-server/changelog.gz; do
  [ -e "$work/root/$file" ] || fail "the package lacks /$file"
done
if command -v help2man >/dev/null; then
  page="$work/root/usr/share/man/man1/ranking-server.1.gz"
  [ -s "$page" ] || fail "no man page for ranking-server"
  zcat "$page" | grep -q 'dashboard\\-dir.*(=/usr/share/ranking/dashboard)' ||
    fail "the man page does not state the installed dashboard directory"
fi
conf="$work/root/etc/ranking-server/ranking-server.conf"
options=$("$work/root/usr/bin/ranking-server" --help | sed -n '/^Options/,/^Environment/p' |
  grep -oE '^  --[a-z-]+' | sed 's/^  --//')
[ "$(wc -w <<<"$options")" -gt 20 ] || fail "read too few options from --help: $options"
for option in $options; do
  grep -qE "^#? ?$option = " "$conf" || fail "the configuration file does not list $option"
done
"$work/root/usr/bin/ranking-server" --config "$conf" --help >/dev/null ||
  fail "the configuration file does not parse"

start_server "$work/server.log" "$work/root/usr/bin/ranking-server" --players 50 --hash-iterations 1000 \
  --db "$work/scratch.db"
http_get "$DATA_URL" /healthz | grep -q '"status":"ok"' || fail "/healthz: $(http_get "$DATA_URL" /healthz)"
http_get "$ADMIN_URL" / | grep -qi '<html' || fail "the dashboard page: $(http_get "$ADMIN_URL" / | head -3)"
chart=$(http_get "$ADMIN_URL" /chart.min.js | wc -c)
[ "$chart" -gt 10000 ] || fail "chart.min.js from the package's link: $chart bytes"
http_get "$DATA_URL" /club | grep -qi '<html' || fail "the club page: $(http_get "$DATA_URL" /club | head -3)"
club_chart=$(http_get "$DATA_URL" /club/chart.min.js | wc -c)
[ "$club_chart" -gt 10000 ] || fail "the club page's chart.min.js: $club_chart bytes"
grep -q "share/ranking/dashboard" <<<"$("$work/root/usr/bin/ranking-server" --help)" ||
  fail "--help does not show the installed dashboard directory as the default"
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes; the unpacked server answered /healthz and served its dashboard and club page"
