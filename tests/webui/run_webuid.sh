#!/bin/bash
# Runs the web interface's generic browser checks (ui.mjs, without the
# mock's exact data) against a real webuid on loopback: no other daemon,
# no namespace, a config and state in a temporary directory. First the
# wizard on a fresh node, then every screen and flow on the node it set up.
#   run_webuid.sh BUILDDIR [SHOTS_DIR]    (BUILDDIR/webui/webuid)
# Exit 0 all passed, 1 a failure, 77 skipped (no webuid, chromium or node_modules).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
WEBUID=${1:?usage: run_webuid.sh BUILDDIR [SHOTS_DIR]}/webui/webuid
OUT=${2:-/tmp/webui-shots-webuid}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

skip() { echo "SKIP: $*"; exit 77; }
[ -x "$WEBUID" ] || skip "no webuid at $WEBUID"
[ -x "$CHROMIUM" ] || skip "no chromium at $CHROMIUM"
command -v node >/dev/null || skip "no node"
"$HERE/npm_ready.sh" || exit $?

TMP=$(mktemp -d)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TMP/run" "$TMP/state" "$OUT"
cat >"$TMP/community.conf" <<CONF
config lime 'network'
	option ap_ssid 'LibreMesh.org'
CONF
cat >"$TMP/node.conf" <<CONF
config lime 'system'
	option hostname 'LiMe-000101'
	option primary_mac '02:5e:00:00:01:01'
	option rundir '$TMP/run'

config lime 'network'
	list webui_listen '127.0.0.1'
	option webui_port '$PORT'
	option webui_state_dir '$TMP/state'
CONF
"$WEBUID" -c "$TMP/community.conf" -c "$TMP/node.conf" >"$TMP/webuid.log" 2>&1 &
PID=$!
URL=http://127.0.0.1:$PORT/
for _ in $(seq 50); do
	curl -sf -o /dev/null "${URL}api/status" && break
	sleep 0.1
done
curl -sf -o /dev/null "${URL}api/status" || { echo "FAIL webuid did not answer:"; cat "$TMP/webuid.log"; exit 1; }

rc=0
echo "== webuid, first run ($URL)"
node "$HERE/ui.mjs" --base "$URL" --out "$OUT" --wizard || rc=1
echo "== webuid, set up"
node "$HERE/ui.mjs" --base "$URL" --out "$OUT" --rate-limit || rc=1
[ $rc = 0 ] || { echo "webuid log:"; tail -20 "$TMP/webuid.log"; }
echo "screenshots in $OUT"
exit $rc
