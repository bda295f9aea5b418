#!/bin/bash
# webuid's API in a lab (issue 14): a client asks its node through
# http://thisnode.info; tests/netns/webui_api.py does the checks (first
# run, refusals: no session, no or wrong CSRF token, other origin, unknown
# fields, oversize and chunked bodies, bad values with the config
# library's message and node.conf untouched, path traversal; the event
# stream; a gateway choice as meshctl gw reports it; a hostname change
# that restarts the daemons; /metrics; logout and replay; login limits).
#   webui_api.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
[[ -x $BINDIR/webui/webuid && -x $BINDIR/anycast/anycastd && -x $BINDIR/l3route/l3routed ]] ||
	skip "webuid, anycastd and l3routed are not all built"
need_cmd python3
export MESHLAB_CLIENTS=dhcp
lab_up "node n1
node n2 gateway 1 gateway_bandwidth 10mbit/2mbit
node n3 gateway 1 gateway_bandwidth 20mbit/5mbit
link n1 n2
link n1 n3
client c1 n1
internet inet n2 n3"
R=/run/softmesh-lab/$LAB
wait_for 10 test -s "$R/hosts/c1/lease" || fail "c1 has no lease"
mx c1 python3 "$(dirname "$0")/webui_api.py" thisnode.info "$R/nodes/n1" \
	"$BINDIR/tools/meshctl/meshctl" || fail "API checks failed (n1's webuid log: $(tail -5 "$R/nodes/n1/webuid.log"))"
pretty "PASS"
