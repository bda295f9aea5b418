#!/bin/bash
# A node with a valid key announces what is not its own (issue 12). Lab:
#
#   c1 - n1 ---- n2 ---- g1 (gateway, its own cloud) - wan0 - inet
#         |
#         x   (l3routed stopped; l3forge speaks from x's port as node "thief")
#
# The thief is n1's neighbour, so nearer to n1 than anyone, and announces
#   0.0.0.0/0 and ::/0      (would take every node's Internet: table 201
#                            comes before main and the tunnel)
#   10.0.0.0/8              (over every cloud's range: nodes would lose
#                            their own clients)
#   n1's cloud ranges       (an anycast range n1 and n2 serve themselves)
#   g1's /32 and /128       (another node's addresses, taken by being nearer)
# and must get none of it: c1 keeps the Internet through g1, n1 keeps its
# client, g1's addresses stay routed to g1 with the conflict shown in
# meshctl routes (conflict:thief), and the thief's own address is routed
# (it is a valid node: only what is not its own is refused).
#   l3_hijack.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/gwlib.sh"
LAB=${LAB:-l3hij}
gw_init "$@"

gw_lab_up "$(l3_node n1 hostname n1)
$(l3_node n2 hostname n2)
$(l3_node x hostname x)
$(l3_node g1 hostname g1 ap_ssid gwhone gateway 1 gateway_bandwidth 50mbit/10mbit)
link n1 n2
link n2 g1
link n1 x
client c1 n1
internet inet g1"

# addr NODE FAMILY: the node's bat0 address (with its cloud's prefix length)
addr() {
	ip -n "sm-$LAB-$1" "-$2" -o addr show dev bat0 scope global |
		awk '{ print $4; exit }'
}
# net ADDR/LEN: the network of an address (10.13.1.2/16 -> 10.13.0.0/16)
net() { python3 -c 'import ipaddress, sys; print(ipaddress.ip_interface(sys.argv[1]).network)' "$1"; }

wait_for 60 gw_offers_ge n1 1 || fail "n1 sees no gateway offer after 60 s: $(mctl n1 gw 2>&1)"
g1v4=$(addr g1 4) g1v6=$(addr g1 6) n1v4=$(addr n1 4) n1v6=$(addr n1 6)
[[ -n $g1v4 && -n $g1v6 && -n $n1v4 && -n $n1v6 ]] ||
	fail "no bat0 addresses: g1 '$g1v4' '$g1v6', n1 '$n1v4' '$n1v6'"
g1host=${g1v4%/*}/32 g1host6=${g1v6%/*}/128
t=$(wait_route 30 n1 "$g1host")
pretty "n1 routes g1's $g1host after ${t}s"
c1ip=$(mx c1 ip -4 -o addr show scope global | awk '{ print $4; exit }')
c1ip=${c1ip%/*}
mx c1 ping -c 3 -W 2 "$INET_IP" >/dev/null || fail "c1 has no Internet before the attack"
mx n1 ping -c 2 -W 2 "$c1ip" >/dev/null || fail "n1 cannot reach its client c1 before the attack"

ALLOW_DEAD="x:l3routed"
pid=$(l3_pid x)
kill "$pid"
wait_for 5 proc_gone "$pid" || fail "x's l3routed does not stop"

prefixes=(0.0.0.0/0 ::/0 10.0.0.0/8 "$(net "$n1v4")" "$(net "$n1v6")" "$g1host" "$g1host6")
pretty "thief announces ${prefixes[*]}"
popt=()
for p in "${prefixes[@]}"; do popt+=(--prefix "$p"); done
mx x "$FORGE" --seed thief --hostname thief --duration 40 "${popt[@]}" m-n1 node \
	>"$TMP/thief.log" 2>&1 &
BG_PIDS+=" $!"
thief=$(sleep 1; awk '/^id / { print $2; exit }' "$TMP/thief.log")
thief_addr=$(awk '/^id / { print $4; exit }' "$TMP/thief.log")
[[ -n $thief ]] || fail "l3forge did not start: $(cat "$TMP/thief.log")"
t=$(wait_route 30 n1 "$thief_addr/128")
pretty "n1 routes the thief's own address after ${t}s (a valid node)"
t=$(wait_route 10 n2 "$thief_addr/128")
pretty "n2 too, after ${t}s; watching for 5 s"

# route_of NODE PREFIX: "HOSTNAME CONFLICT" of l3routed's route row
route_of() {
	mctl "$1" l3 routes --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["dst"] in (sys.argv[1], sys.argv[1].rsplit("/", 1)[0]):
        c = r.get("conflict")
        print(r["hostname"] or r["short_id"], c["hostname"] if c else "-")' "$2"
}

# in201 NODE PREFIX: l3routed's table (201) has a route to exactly PREFIX
in201() {
	{ ip -n "sm-$LAB-$1" -4 route show table 201; ip -n "sm-$LAB-$1" -6 route show table 201; } |
		awk -v d="$2" '{ x = $1; if (x == "unicast") x = $2 }
			x == d || (d ~ /^0\.0\.0\.0\/0$|^::\/0$/ && x == "default") { f = 1 } END { exit !f }'
}
for _ in $(seq 5); do
	for n in n1 n2; do
		for p in 0.0.0.0/0 ::/0 10.0.0.0/8 "$(net "$n1v4")" "$(net "$n1v6")"; do
			in201 $n "$p" && fail "$n routes $p (announced by the thief) in table 201: $(ip -n "sm-$LAB-$n" route show table 201 | head -5)"
		done
		r=$(route_of $n "$g1host")
		[[ ${r%% *} == g1 ]] || fail "$n routes g1's $g1host to '${r%% *}', not g1"
	done
	sleep 1
done
mx c1 ping -c 5 -i 0.2 -W 2 "$INET_IP" >"$TMP/inet.txt" || fail "c1 lost the Internet: $(tail -3 "$TMP/inet.txt")"
pretty "c1 keeps the Internet: $(grep -o '[0-9]* received' "$TMP/inet.txt")"
mx n1 ping -c 5 -i 0.2 -W 2 "$c1ip" >/dev/null || fail "n1 lost its client c1"
pretty "n1 keeps its client c1"
mx n1 ping -c 3 -W 2 "${g1v4%/*}" >/dev/null || fail "n1 cannot reach g1's ${g1v4%/*}"
for n in n1 n2; do
	for p in "$g1host" "$g1host6"; do
		r=$(route_of $n "$p")
		assert_eq "$n's route to $p (owner, rival)" "g1 thief" "$r"
	done
done
pretty "g1's addresses stay with g1; the conflict is shown:"
mctl n1 l3 routes | grep -E "^dst|${g1v4%/*}" | sed 's/^/    /' >&2
mctl n1 l3 routes | grep -F "${g1v4%/*}" | grep -q "conflict:thief" ||
	fail "meshctl l3 routes does not show the conflict"
c=$(l3_stat n1 prefix_conflict)
((c > 0)) || fail "n1 counted no prefix_conflict"
pretty "n1 prefix_conflict $c"
l3_alive x
pretty "ok"
