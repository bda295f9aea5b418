#!/bin/bash
# What l2meshd does to the wires it switches, and its latency mode:
# - GRO/LRO are off on its mesh ports (nothing merges batman frames; a
#   merging driver could only hand over what cannot be forwarded); LAN
#   ports keep theirs (super-frames are cut, doc/l2meshd.md#data-path);
# - a TCP stream loses nothing in the receive rings (rxDropped 0) and
#   nothing as oversize;
# - busy_poll 0 (the default) never polls; busy_poll 2000 polls while
#   pings come every 1 ms and stops within its window once they end;
# - batadv_vlan 0 (untagged mesh frames) passes the ring's filter too.
#   l2_ports.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
L2_ONLY=1 l2_init "$@"
need_cmd iperf3 ethtool python3

status_field() { # NODE FIELD: one field of l2meshd's status
	mctl "$1" raw l2meshd '{"cmd":"status"}' |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}
port_field() { # NODE IFNAME FIELD: one field of `meshctl if --json`
	mctl "$1" if --json | python3 -c 'import json, sys
for p in json.load(sys.stdin):
    if p["ifname"] == sys.argv[1]: print(p[sys.argv[2]])' "$2" "$3"
}

# shellcheck disable=SC2034 # lab_up reads it
COMMUNITY="config lime 'network'
	option busy_poll '2000'"
lab_up "community lab.conf
link n1 n2
client c1 n1
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null

for x in "n1 m-n2" "n2 m-n1"; do
	set -- $x
	gro=$(mx "$1" ethtool -k "$2" | awk -F': ' '/^generic-receive-offload:/ { print $2 }')
	[[ $gro == off* ]] || fail "$1 $2: GRO is '$gro', want off"
done
pretty "GRO off on both nodes' mesh ports; LAN: $(mx n1 ethtool -k lan0 | awk -F': ' '/^generic-receive-offload:/ { print $2 }')"

bps=$(tcp_rate c1 c2 10.13.250.2 3)
for x in "n1 lan0" "n2 m-n1"; do
	set -- $x
	d=$(port_field "$1" "$2" rx_dropped)
	[[ $d == 0 ]] || fail "$1 $2: the ring dropped $d frames under one TCP stream"
	d=$(port_field "$1" "$2" rx_oversize)
	[[ $d == 0 ]] || fail "$1 $2: $d frames dropped as oversize under one TCP stream"
done
pretty "iperf3 $(awk -v b="$bps" 'BEGIN { printf "%.0f Mbit/s", b / 1e6 }'), rxDropped 0 on the receiving rings"

[[ $(status_field n1 busy_poll_us) == 2000 ]] || fail "busy_poll is not 2000 in n1's status"
p0=$(status_field n1 busy_poll_ms)
mx c1 ping -q -c 1000 -i 0.001 10.13.250.2 >/dev/null
p1=$(status_field n1 busy_poll_ms)
# 1000 pings 1 ms apart take over a second; n1 polled through most of it
(( p1 - p0 >= 500 )) || fail "n1 polled ${p0} -> ${p1} ms over 1000 pings"
sleep 2	# nothing but OGMs now: each polls at most 2 ms
p2=$(status_field n1 busy_poll_ms)
(( p2 - p1 <= 300 )) || fail "n1 kept polling without traffic: ${p1} -> ${p2} ms in 2 s"
pretty "busy_poll 2000: polled $((p1 - p0)) ms during the pings, $((p2 - p1)) ms in the 2 s after"
daemons_alive
"$MESHLAB" down --name "$LAB" >/dev/null

# the default: no polling at all
COMMUNITY=""
lab_up "link n1 n2
client c1 n1
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null
mx c1 ping -q -c 300 -i 0.001 10.13.250.2 >/dev/null
[[ $(status_field n1 busy_poll_us) == 0 && $(status_field n1 busy_poll_ms) == 0 ]] ||
	fail "the default polled: $(status_field n1 busy_poll_ms) ms"
pretty "default (busy_poll 0): 0 ms polled"
daemons_alive
"$MESHLAB" down --name "$LAB" >/dev/null

# untagged mesh frames: the ring's other filter
COMMUNITY="config lime 'network'
	option batadv_vlan '0'"
lab_up "community lab.conf
link n1 n2
client c1 n1
client c2 n2"
t=$(converge_ping 60 c1 10.13.250.2)
mx n1 tcpdump -c 5 -nn -e -i m-n2 ether proto 0x4305 >"$TMP/untagged" 2>/dev/null
grep -q "ethertype Unknown (0x4305)\|ethertype 0x4305\|0x4305" "$TMP/untagged" ||
	fail "no untagged batman frame on n1's mesh port: $(head -3 "$TMP/untagged")"
grep -q "802.1Q\|802.1ad\|vlan" "$TMP/untagged" && fail "batadv_vlan 0 sent tagged frames: $(head -3 "$TMP/untagged")"
[[ $(port_field n1 m-n2 rx_foreign) == 0 ]] || fail "n1 counted foreign frames on an untagged link"
pretty "batadv_vlan 0: c1 reaches c2 after ${t}s over untagged batman frames"
daemons_alive
pretty "ok"
