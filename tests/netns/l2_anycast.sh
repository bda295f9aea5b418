#!/bin/bash
# The anycast filter: with two nodes of one cloud, a client's ARP for the
# anycast IP and its DHCP discover are seen on its own node's anygw TAP and
# on no other node. Then the gateway itself: once the node has forgotten
# its client (neighbour entries flushed), what it sends from the anycast
# addresses still leaves through anygw with the anycast MAC, so the
# client's gateway stays the anycast MAC and pings to the anycast IPv4 and
# IPv6 addresses keep working, before and after a roam; nothing the node
# sends from bat0 claims an anycast address (counter anycast_claim).
#   l2_anycast.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd tcpdump busybox

lab_up "link n1 n2
client c1 n1 n2
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null

cap() { # NODE IF NAME
	mx "$1" tcpdump -y EN10MB -l -n -e -i "$2" -c 1000 "arp or udp port 67 or udp port 68" >"$TMP/$3" 2>/dev/null &
	BG_PIDS="$BG_PIDS $!"
}
BG_PIDS=
cap n1 anygw n1-anygw
cap n2 anygw n2-anygw
cap n2 bat0 n2-bat0
cap n1 bat0 n1-bat0
sleep 1
mx c1 ip neigh flush dev eth0
mx c1 busybox arping -c 3 -w 4 -I eth0 10.13.0.1 >"$TMP/arping" 2>&1 || true
mx c1 busybox udhcpc -i eth0 -n -q -t 2 -T 1 -s /bin/true >/dev/null 2>&1 || true
sleep 1
kill $BG_PIDS 2>/dev/null || true
wait 2>/dev/null || true

arp_n1=$(grep -c "Request who-has 10.13.0.1 " "$TMP/n1-anygw" || true)
dhcp_n1=$(grep -c "BOOTP/DHCP, Request" "$TMP/n1-anygw" || true)
pretty "n1 anygw: $arp_n1 ARP requests for 10.13.0.1, $dhcp_n1 DHCP requests"
[[ $arp_n1 -ge 3 ]] || fail "n1's anygw did not see the client's ARP for 10.13.0.1"
[[ $dhcp_n1 -ge 1 ]] || fail "n1's anygw did not see the DHCP discover"
grep -q "Reply 10.13.0.1 is-at aa:aa:aa:0d:fe:aa" "$TMP/n1-anygw" || fail "no ARP reply from the anycast MAC on n1"
for f in n2-anygw n2-bat0 n1-bat0; do
	if grep -q "who-has 10.13.0.1 \|BOOTP/DHCP" "$TMP/$f"; then
		fail "$f saw anycast traffic: $(grep "who-has 10.13.0.1 \|BOOTP" "$TMP/$f" | head -2)"
	fi
done
# the client reached the gateway at its own node: its ARP answer came from n1
grep -q "aa:aa:aa:0d:fe:aa" "$TMP/arping" || fail "arping got no answer: $(cat "$TMP/arping")"
# and only the anycast MAC answers: no node port or bat0 claims the address
if grep "reply from 10.13.0.1" "$TMP/arping" | grep -vq "aa:aa:aa:0d:fe:aa"; then
	fail "another MAC answered for the anycast IP: $(cat "$TMP/arping")"
fi
filtered=$(counter n1 anycast_filtered)
pretty "n1 anycast_filtered counter: $filtered"
[[ $filtered -ge 4 ]] || fail "anycast_filtered = $filtered"

GW4=10.13.0.1 GW6=fd0d:fe46:8ce8::1 GWMAC=aa:aa:aa:0d:fe:aa
# gateway_ok NODE: the client c1, attached to NODE, reaches the gateway
# there after NODE forgot every neighbour, and still calls it GWMAC
gateway_ok() {
	local node=$1 fam gw mac
	mx "$node" ip neigh flush all
	mx "$node" ip -6 neigh flush all
	# the node speaks first, from the anycast address: the case that broke
	mx "$node" ping -c 2 -i 0.2 -W 1 -I "$GW4" 10.13.250.1 >/dev/null 2>&1 || true
	for fam in 4 6; do
		[[ $fam == 4 ]] && gw=$GW4 || gw=$GW6
		mx c1 ping -$fam -c 3 -i 0.2 -W 1 "$gw" >"$TMP/ping$fam" 2>&1 ||
			fail "c1 at $node: ping $gw: $(grep -E 'transmitted|From' "$TMP/ping$fam" | head -2)"
		mac=$(mx c1 ip -$fam neigh show "$gw" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }')
		[[ $mac == "$GWMAC" ]] ||
			fail "c1 at $node learnt $gw at '$mac', not the anycast MAC $GWMAC"
		pretty "c1 at $node: $gw at $mac, $(grep -o '[0-9]* received' "$TMP/ping$fam")"
	done
	[[ $(counter "$node" anycast_claim) -eq 0 ]] ||
		fail "$node sent $(counter "$node" anycast_claim) frames claiming an anycast address from another MAC"
}
gateway_ok n1
"$MESHLAB" move --name "$LAB" c1 n2 >/dev/null
gateway_ok n2
mx n1 ip rule show | grep -q "from $GW4 lookup 170" || fail "n1 has no rule for $GW4: $(mx n1 ip rule show)"
daemons_alive
pretty "ok"
