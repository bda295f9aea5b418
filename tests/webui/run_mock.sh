#!/bin/bash
# Runs the web interface's browser checks (ui.mjs) against the mock webuid
# (mock_server.py): one mock as a node already set up, one on its first
# run. Screenshots go to $1 (default /tmp/webui-shots).
# Exit 0 all passed, 1 a failure, 77 skipped (no chromium or node_modules).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/webui-shots}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM

skip() { echo "SKIP: $*"; exit 77; }
[ -x "$CHROMIUM" ] || skip "no chromium at $CHROMIUM (apt-get install chromium)"
command -v node >/dev/null || skip "no node"
"$HERE/npm_ready.sh" || exit $?
command -v python3 >/dev/null || skip "no python3"

mkdir -p "$OUT"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# start_mock NAME ARGS...: starts a mock on a free port, sets URL
start_mock() {
	local name=$1; shift
	python3 "$HERE/mock_server.py" 0 "$@" >"$TMP/$name.log" 2>&1 &
	PIDS+=($!)
	URL=
	for _ in $(seq 50); do
		URL=$(sed -n 's/^mock webuid on \(http:[^ ]*\)$/\1/p' "$TMP/$name.log")
		[ -n "$URL" ] && return 0
		sleep 0.1
	done
	echo "FAIL mock $name did not start:"; cat "$TMP/$name.log"
	exit 1
}

rc=0
start_mock node
echo "== node already set up ($URL)"
node "$HERE/ui.mjs" --base "$URL" --out "$OUT" --mock --rate-limit || rc=1

start_mock first --first-run --down leasesyncd
echo "== first run ($URL)"
node "$HERE/ui.mjs" --base "$URL" --out "$OUT" --mock --wizard || rc=1

echo "screenshots in $OUT"
exit $rc
