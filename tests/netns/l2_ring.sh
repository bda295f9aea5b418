#!/bin/bash
# l2mesh on a ring of 6: cut the link a running ping uses; the traffic must
# take the other way round within 5 s (measured as the longest silence).
#   l2_ring.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"

lab_up "link n1 n2
link n2 n3
link n3 n4
link n4 n5
link n5 n6
link n6 n1
client c1 n1
client c2 n4"

converge_ping 60 c1 10.13.250.2 >/dev/null
# let the TQ averages settle so the cut is the only change
sleep 3
n4=$(node_mac n4)
# which port n1 routes n4 through: the best row of its originator table
best_port() {
	mctl n1 originators --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(next(r["ifname"] for r in rows if r["originator"] == sys.argv[1] and r["best"]))' "$n4"
}
port=$(best_port)
case $port in
m-n2) cut=n2 ;;
m-n6) cut=n6 ;;
*) fail "n1 routes n4 via port '$port', neither m-n2 nor m-n6" ;;
esac
pretty "n1 reaches n4 via $cut; cutting n1-$cut under a running ping"

mx c1 ping -D -i 0.1 -W 1 -c 150 10.13.250.2 >"$TMP/ping" 2>&1 &
pid=$!
sleep 3
"$MESHLAB" link --name "$LAB" n1 "$cut" down
wait "$pid" || true
gap=$(max_gap "$TMP/ping")
pretty "longest silence across the cut: ${gap}s ($(grep -c 'bytes from' "$TMP/ping")/150 replies)"
awk -v g="$gap" 'BEGIN { exit !(g <= 5.0) }' || fail "reroute took ${gap}s (limit 5 s)"
# and the route really moved
port2=$(best_port)
pretty "n1 now routes n4 via $port2"
[[ $port2 != "$port" ]] || fail "n1 still routes n4 via the cut port $port"
daemons_alive
pretty "ok"
