#!/bin/bash
# l3route reroute and route expiry on a ring of four nodes, each its own
# cloud (so every packet between the clients is routed by l3routed, none
# bridged by l2meshd):
#
#   k1 - n1 --- n2 --- n3 - k3
#         \            /
#          `-- n4 ----'
#
# 1. k1 pings k3 20 times a second; the link n1 routes over is cut
#    (meshlab link down); the longest silence must be <= 3 s.
# 2. n3's l3routed is killed (SIGKILL: no goodbye); every route to what n3
#    announced (its fd5e:: /128, its IPv4 /32, its cloud's ranges) must be
#    gone from the kernel tables of n1, n2 and n4 within 10 s.
# 3. n3's l3routed restarts; then kill -9 and an immediate restart: routes
#    and k1 -> k3 are back within 10 s (printed).
#   l3_cut.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/l3lib.sh"
LAB=${LAB:-l3cut}
l3_init "$@"

l3_lab_up "$(l3_node n1 ap_ssid cut1)
$(l3_node n2 ap_ssid cut2)
$(l3_node n3 ap_ssid cut3)
$(l3_node n4 ap_ssid cut4)
link n1 n2
link n2 n3
link n3 n4
link n4 n1
client k1 n1
client k3 n3"

k3=$(client_ip k3 4)
t=$(converge_ping 60 k1 "$k3")
pretty "k1 reaches k3 ($k3) after ${t}s"
# both ways round are known before the cut, so the cut is the only change
wait_for 20 l3_has_route n2 "$(l3_node_addr n4)/128" || fail "n2 never learnt n4's address"
sleep 2
dev=$(ip -n "sm-$LAB-n1" route get "$k3" | grep -o 'dev [^ ]*' | awk '{ print $2 }')
case $dev in
m-n2) cut=n2 ;;
m-n4) cut=n4 ;;
*) fail "n1 routes $k3 via '$dev', neither m-n2 nor m-n4: $(ip -n "sm-$LAB-n1" route get "$k3")" ;;
esac
pretty "n1 routes k3 via $cut; cutting n1-$cut under a 20/s ping"

ts=${EPOCHREALTIME/,/.}
mx k1 ping -D -i 0.05 -W 1 -c 200 "$k3" >"$TMP/ping" 2>&1 &
pid=$!
sleep 3
"$MESHLAB" link --name "$LAB" n1 "$cut" down
wait "$pid" || true
gap=$(silence "$TMP/ping" "$ts" "${EPOCHREALTIME/,/.}")
pretty "longest silence across the cut: ${gap}s ($(grep -c 'bytes from' "$TMP/ping")/200 replies)"
awk -v g="$gap" 'BEGIN { exit !(g <= 3.0) }' || fail "reroute took ${gap}s (limit 3 s)"
dev2=$(ip -n "sm-$LAB-n1" route get "$k3" | grep -o 'dev [^ ]*' | awk '{ print $2 }')
[[ $dev2 != "$dev" ]] || fail "n1 still routes k3 via the cut port $dev"
pretty "n1 now routes k3 via $dev2"
tail -1 "$TMP/ping" | grep -q '0 received' && fail "ping got nothing"

# 2. what n3 announces, as the others route it (from n2's routes table)
id3=$(l3_id n3)
mctl n2 raw l3routed '{"cmd":"routes"}' | python3 -c '
import json, sys
r = json.load(sys.stdin)
for row in (r["data"] if isinstance(r, dict) else r):
    if row["id"] == sys.argv[1]:
        print(row["dst"])' "$id3" >"$TMP/n3-prefixes"
pretty "n3 ($id3) announces: $(tr '\n' ' ' <"$TMP/n3-prefixes")"
grep -qx "$(l3_node_addr n3)\(/128\)\?" "$TMP/n3-prefixes" || fail "n2 has no route to n3's node address"
grep -qx '[0-9.]*\(/32\)\?' "$TMP/n3-prefixes" || fail "n2 has no route to n3's IPv4 /32"
for n in n1 n2 n4; do
	while read -r p; do
		l3_has_route "$n" "$p" || fail "$n has no kernel route to n3's $p before the kill"
	done <"$TMP/n3-prefixes"
done

any_left() { # true while some node still has a kernel route to n3's prefixes
	local n p
	for n in n1 n2 n4; do
		while read -r p; do
			l3_has_route "$n" "$p" && return 0
		done <"$TMP/n3-prefixes"
	done
	return 1
}
t0=${EPOCHREALTIME/,/.}
kill -KILL "$(l3_pid n3)"
while any_left; do
	awk -v a="$t0" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { exit !(b - a > 20) }' && break
	sleep 0.1
done
gone=$(elapsed "$t0")
if any_left; then
	for n in n1 n2 n4; do pretty "$n still has: $(l3_kroutes "$n" | grep -F -f "$TMP/n3-prefixes" | head -3)"; done
	fail "n3's routes still in the kernel 20 s after its l3routed was killed"
fi
pretty "n3's routes gone from n1, n2, n4 ${gone}s after SIGKILL of its l3routed"
awk -v g="$gone" 'BEGIN { exit !(g <= 10.0) }' || fail "routes outlived the node by ${gone}s (limit 10 s)"

# 3. n3 comes back (same key, newer description); then a kill -9 and an
# immediate restart, faster than the neighbours' link timeout: they still
# hold the old link, see its hello seqno jump, and must give the new
# process their tables at once (not at the next 60 s refresh).
restart_l3() { # start NODE's l3routed again as meshlab does
	local rd=/run/softmesh-lab/$LAB/nodes/$1 ns=sm-$LAB-$1
	setsid ip netns exec "$ns" sh -c 'echo $$ >"$0"; exec "$@"' "$rd/l3routed.pid" \
		"$BINDIR/l3route/l3routed" -c "$rd/node.conf" -R "$rd" </dev/null >>"$rd/l3routed.log" 2>&1 &
	wait_for 5 test -S "$rd/l3routed.sock" || fail "l3routed did not come back: $(tail -3 "$rd/l3routed.log")"
}
back() { # k1 <-> k3 and n3 routes n1's address
	l3_has_route n3 "$(l3_node_addr n1)" && mx k1 ping -c 1 -W 1 "$k3" >/dev/null 2>&1
}
t0=${EPOCHREALTIME/,/.}
restart_l3 n3
wait_for 20 back || fail "n3 not back 20 s after its restart"
pretty "n3 back (routes and k1 -> k3) $(elapsed "$t0")s after its l3routed restarted"
pid=$(l3_pid n3)
kill -KILL "$pid"
wait_for 5 proc_gone "$pid" || fail "l3routed survived SIGKILL"
t0=${EPOCHREALTIME/,/.}
restart_l3 n3
wait_for 20 back || fail "n3 not back 20 s after a kill -9 and an immediate restart"
quick=$(elapsed "$t0")
pretty "after kill -9 and an immediate restart n3 is back in ${quick}s"
awk -v g="$quick" 'BEGIN { exit !(g <= 10.0) }' || fail "quick restart took ${quick}s (limit 10 s)"
daemons_alive
l3_alive
pretty "ok"
