#!/bin/bash
# The web interface in a browser (issue 14): Debian's chromium driven by
# Playwright (tests/webui/lab.mjs) from client c1's namespace through
# http://thisnode.info: the first-run wizard, every screen with the lab's
# live data at 390x844 (axe-core, sizes, no CSP violation), a gateway
# choice that meshctl gw and the traffic follow, a settings change refused
# with a wrong password and applied with the right one, a node cut off
# shown as gone. Screenshots: BUILD/webui-shots/.
#   webui_browser.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
[[ -x $BINDIR/webui/webuid && -x $BINDIR/anycast/anycastd && -x $BINDIR/l3route/l3routed &&
	-x $BINDIR/leasesync/leasesyncd ]] || skip "webuid, anycastd, l3routed and leasesyncd are not all built"
need_cmd node
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || skip "no chromium (apt-get install chromium)"
W=$(cd "$(dirname "$0")/../webui" && pwd)
rc=0
"$W/npm_ready.sh" || rc=$?
[[ $rc -eq 0 ]] || { [[ $rc -eq 77 ]] && skip "playwright-core/axe-core: see above"; fail "npm"; }
export MESHLAB_CLIENTS=dhcp
lab_up "node n1
node n2 gateway 1 gateway_bandwidth 10mbit/2mbit
node n3 gateway 1 gateway_bandwidth 20mbit/5mbit
node n4
link n1 n2
link n1 n3
link n3 n4
client c1 n1
internet inet n2 n3"
R=/run/softmesh-lab/$LAB
OUT=$BINDIR/webui-shots
rm -rf "$OUT"
mkdir -p "$OUT"
wait_for 10 test -s "$R/hosts/c1/lease" || fail "c1 has no lease"
# the 4 nodes converged (n4 two hops away)
n4ip=$(mx n4 ip -4 -o addr show dev bat0 scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
converge_ping 60 c1 "$n4ip" >/dev/null
mx c1 env HOME="$TMP" node "$W/lab.mjs" --base http://thisnode.info --out "$OUT" \
	--rundir "$R/nodes/n1" --meshctl "$BINDIR/tools/meshctl/meshctl" --meshlab "$MESHLAB" \
	--lab "$LAB" --cut n3,n4 --gone n4 || fail "browser checks failed (n1's webuid log: $(tail -5 "$R/nodes/n1/webuid.log"))"
pretty "screenshots in $OUT"
pretty "PASS"
