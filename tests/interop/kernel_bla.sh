#!/bin/bash
# softmesh does no harm to the kernel's bridge loop avoidance (issue 15
# part 2): two kernel batman-adv nodes k1 and k2 share one LAN (both
# br-lan on the same segment: BLA's backbone), and both mesh with the
# softmesh node n1, whose client c2 broadcasts. Exactly one of k1 and k2
# claims c2 and lets its broadcasts into the LAN: the LAN host hears each
# of c2's ARP requests once, the claim settles on one gateway under
# traffic (no claim loop, no duplicates), and c2 and the LAN host reach
# each other.
#     c2 - n1 ~ k1 - LAN host - k2 ~ n1
#   kernel_bla.sh MESHLAB
set -e
export MESHLAB_CLIENTS=static
. "$(dirname "$0")/kernlib.sh"
kern_init "$@"
need_cmd tcpdump busybox
set +u
lab_up "node n1 mesh_ports m-k1,m-k2
client c2 n1"
# the shared LAN: a namespace of the lab (meshlab down takes it) whose
# bridge joins both kernel nodes' LAN NICs and is itself the LAN host
LANNS=sm-$LAB-lan
ip netns add "$LANNS"
ip -n "$LANNS" link set lo up
ip -n "$LANNS" link add br0 type bridge
ip -n "$LANNS" link set br0 up
KVMS=(k1 k2)
KN_LAN="$LANNS lana" kn_start "$LAB" k1 1 29 n1 >"$TMP/k1.log" 2>&1 &
KN_LAN="$LANNS lanb" kn_start "$LAB" k2 2 29 n1 >"$TMP/k2.log" 2>&1 &
wait %1 || fail "k1: $(cat "$TMP/k1.log")"
wait %2 || fail "k2: $(cat "$TMP/k2.log")"
for l in lana lanb; do ip -n "$LANNS" link set "$l" master br0; done
ip -n "$LANNS" addr add 10.13.250.9/16 dev br0
ok "k1 and k2 up, bridge loop avoidance on, their LANs on one segment with the host 10.13.250.9"

# BLA: each finds the other as a backbone gateway of the same LAN
t=${EPOCHREALTIME/,/.}
for k in k1 k2; do
	o=$([[ $k == k1 ]] && kn_orig 2 0 || kn_orig 1 0)
	kn_exec "$k" --timeout 60 "i=0; while [ \$i -lt 100 ]; do batctl bbt -H 2>/dev/null | grep -qi '$o' && exit 0; sleep 0.5; i=\$((i + 1)); done; batctl bbt; exit 1" >"$TMP/bbt" ||
		fail "$k does not see the other as a backbone gateway: $(cat "$TMP/bbt")"
done
ok "k1 and k2 see each other in batctl bbt (backbone of one LAN) after $(elapsed "$t") s"

C2MAC=$(mx c2 cat /sys/class/net/eth0/address)
converge_ping 60 c2 10.13.250.9 >/dev/null
mx c2 ping -c 3 -i 0.2 -W 2 10.13.250.9 >"$TMP/p" || fail "c2 -> LAN host: $(cat "$TMP/p")"
ok "c2 (behind softmesh n1) reaches the LAN host: $(tail -1 "$TMP/p")"
claims() { # the backbone gateway that claims c2, on both kernel nodes
	local k
	for k in k1 k2; do
		kn_exec "$k" "batctl cl -H" | grep -i "$C2MAC" | grep -o 'by [0-9a-f:]*' | head -1
	done | sort -u
}
c1st=$(claims)
[[ -n $c1st && $(wc -l <<<"$c1st") -eq 1 ]] || fail "c2's claim: '$c1st' (one backbone gateway expected)"
ok "one claim for c2: $c1st"

# each of c2's broadcasts reaches the LAN once
ip netns exec "$LANNS" timeout 8 tcpdump -i br0 -nn -e -l "arp and ether src $C2MAC" >"$TMP/arp" 2>/dev/null &
tp=$!
sleep 1
mx c2 busybox arping -c 5 -w 5 -I eth0 10.13.250.77 >/dev/null 2>&1 || true
wait "$tp" || true
heard=$(grep -c 'Request who-has 10.13.250.77' "$TMP/arp" || true)
[[ $heard -eq 5 ]] || fail "the LAN heard $heard of c2's 5 ARP requests (duplicates or losses): $(cat "$TMP/arp")"
ok "5 ARP broadcasts from c2: the LAN heard each once"
# and the other way: the LAN's broadcasts enter the mesh once, so c2
# hears each once (both gateways hear them on the LAN)
LANMAC=$(ip netns exec "$LANNS" cat /sys/class/net/br0/address)
mx c2 timeout 8 tcpdump -i eth0 -nn -e -l "arp and ether src $LANMAC" >"$TMP/arp2" 2>/dev/null &
tp=$!
sleep 1
ip netns exec "$LANNS" busybox arping -c 5 -w 5 -I br0 10.13.250.78 >/dev/null 2>&1 || true
wait "$tp" || true
heard=$(grep -c 'Request who-has 10.13.250.78' "$TMP/arp2" || true)
[[ $heard -eq 5 ]] || fail "c2 heard $heard of the LAN host's 5 ARP requests: $(cat "$TMP/arp2")"
ok "5 ARP broadcasts from the LAN host: c2 heard each once"
# No claim loop: while c2 and the LAN host talk (unicast both ways), the
# claim settles on one gateway and stays. (It may move once: a backbone
# gateway that gets c2's unicast from the mesh takes the claim over, as
# BLA does; which gateway n1 sends to follows TT, where both announce the
# LAN host once both have heard it.)
mx c2 ping -c 40 -i 0.2 -W 1 10.13.250.9 >"$TMP/p2" 2>&1 &
pp=$!
samples=()
for i in 1 2 3 4 5 6; do
	sleep 1
	samples+=("$(claims)")
done
wait "$pp" || fail "c2 -> LAN host during the claim watch: $(tail -2 "$TMP/p2")"
dups=$(grep -c 'DUP!' "$TMP/p2" || true)
[[ $dups -eq 0 ]] || fail "$dups duplicate replies: a loop ($(tail -1 "$TMP/p2"))"
settled=$(printf '%s\n' "${samples[@]:1}" | sort -u)
[[ -n $settled && $(wc -l <<<"$settled") -eq 1 ]] ||
	fail "c2's claim keeps moving under traffic (a claim loop): $(printf '[%s] ' "${samples[@]}")"
ok "c2's claim settled ${settled} under 40 pings to the LAN host (after the first ARP exchange: $c1st), no duplicates: no claim loop"
daemons_alive
ok "all checks passed in $(elapsed "$T0") s"
