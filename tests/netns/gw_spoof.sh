#!/bin/bash
# Smart gateways: forged tunnel packets are dropped and counted (issue 5,
# "What it must show" 5). Lab:
#
#   c1 - n1 --- g (gateway) - wan0 - inet (198.18.0.1)
#               |
#               x            (a node of another cloud, no client)
#
# tests/netns/gwspoof.py sends tunnel packets by hand (UDP/IPv6 to g's node
# address, port l3_port + 1, payload one raw IPv4 ICMP echo request to
# the internet host; doc/l3route-gateways.md "Tunnel format"), 10 per case,
# each case with its own ICMP payload size so an nftables counter at the
# internet host tells which case got through:
#   ok     positive control: from n1, outer source n1's node address, inner
#          source c1 (n1's cloud): must reach the internet host
#          (tun_rx_packets), proving the tool's packets are real ones;
#   a1     unknown sender: from the client c1, outer source c1's own ULA
#          (not a node address)                     -> tun_rx_unknown_sender
#   a2     unknown sender: from n1, a made-up fd5e:: node address that no
#          node has                                 -> tun_rx_unknown_sender
#   b1     known node, bad inner source: from n1 with n1's node address,
#          inner source 10.99.0.5 (no one's)        -> tun_rx_bad_source
#   b2     spoofed known node: from the client c1, outer source x's node
#          address, inner source c1's (not x's)     -> tun_rx_bad_source
#   b3     a node claiming another's address: from n1 with n1's node
#          address, inner source x's IPv4 address   -> tun_rx_bad_source
#   m      garbage: one byte before the IPv4 packet -> tun_rx_malformed
#   w      from the Internet: the internet host (given a route to fd5e::/16
#          via g's WAN port) sends with n1's node address as outer source
#          and c1's inner source, a packet that would pass every other
#          check, but it did not come in on a mesh port -> tun_rx_not_mesh
# For every dropped case: the counter went up by at least 10, nothing of it
# reached the internet host, g's smgw device took no packet.
#   gw_spoof.sh MESHLAB L3FORGE GWSPOOF
set -e
. "$(dirname "$0")/gwlib.sh"
LAB=${LAB:-gwx$$}	# the pid: runs from two build dirs do not meet
gw_init "$@"
[[ -f $GWSPOOF ]] || fail "no gwspoof.py given"

gw_lab_up "$(l3_node n1 hostname n1)
$(l3_node g hostname g ap_ssid gwxg gateway 1 gateway_bandwidth 10mbit/2mbit)
$(l3_node x hostname x ap_ssid gwxx)
link n1 g
link g x
client c1 n1
internet inet g"

# one counter per case at the internet host: ICMP payload 300 + i bytes
cases=(ok a1 a2 b1 b2 b3 m w)
specs=()
for i in "${!cases[@]}"; do
	specs+=("c_${cases[$i]}: iifname \"gw1\" ip length $((328 + i)) icmp type echo-request")
done
inet_counters inet "${specs[@]}"

t=$(gw_wait_sel 60 n1 g)
t=$(converge_ping 60 c1 "$INET_IP")
pretty "c1 reaches $INET_IP through g after ${t}s"
gaddr=$(l3_addr g) port=$(tunnel_port g)
naddr=$(l3_addr n1) xaddr=$(l3_addr x)
c1=$(client_ip c1 4) c16=$(client_ip c1 6)
# x's IPv4 /32 as g knows it from x's description
x4=$(mctl g descriptions --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("data", d) if isinstance(d, dict) else d
for r in d:
    if r["hostname"] == "x":
        for p in r["prefixes"]:
            a = p["prefix"]
            if "." in a and not p["anycast"] and a.split("/")[-1] in (a, "32"):
                print(a.split("/")[0])')
[[ -n $x4 ]] || fail "g does not know x's IPv4 address: $(mctl g descriptions)"
wait_for 30 l3_has_route n1 "$xaddr/128" || fail "n1 has no route to x's node address"
pretty "g [$gaddr]:$port; n1 $naddr; x $xaddr ($x4); c1 $c1 $c16"

stats() { l3_status g | python3 -c '
import json, sys
s = json.load(sys.stdin)["stats"]
print(s["tun_rx_packets"], s["tun_rx_unknown_sender"], s["tun_rx_bad_source"], s["tun_rx_malformed"],
      s["tun_rx_not_mesh"])'; }

# spoof CASE_INDEX FROM_NS COUNTER_FIELD [gwspoof options]: 10 packets
spoof() {
	local i=$1 from=$2 field=$3 before after got c
	shift 3
	c=${cases[$i]}
	read -r -a before <<<"$(stats)"
	local rx0
	rx0=$(link_pkts g $TUN_RX rx)
	mx "$from" python3 "$GWSPOOF" --dst "$gaddr" --port "$port" --inner-dst "$INET_IP" \
		--len $((300 + i)) --count 10 "$@" >"$TMP/spoof.$c" 2>&1 || fail "gwspoof $c: $(cat "$TMP/spoof.$c")"
	sleep 0.5
	read -r -a after <<<"$(stats)"
	got=$(inet_count "c_$c")
	local rx=$(($(link_pkts g $TUN_RX rx) - rx0))
	pretty "$c: $(cat "$TMP/spoof.$c")"
	pretty "$c: at g: tun_rx_packets +$((after[0] - before[0])), unknown_sender +$((after[1] - before[1])), bad_source +$((after[2] - before[2])), malformed +$((after[3] - before[3])), not_mesh +$((after[4] - before[4])), $TUN_RX rx +$rx; at inet: $got"
	if [[ $field == accept ]]; then
		((after[0] - before[0] >= 10)) || fail "$c: g accepted only $((after[0] - before[0])) of 10 good tunnel packets"
		((got >= 9)) || fail "$c: only $got of 10 good tunnel packets reached the internet host"
		return 0
	fi
	((after[field] - before[field] >= 10)) || fail "$c: the drop counter went up by only $((after[field] - before[field])) for 10 packets"
	((after[0] == before[0])) || fail "$c: g accepted $((after[0] - before[0])) forged packets (tun_rx_packets)"
	((rx == 0)) || fail "$c: g's $TUN_RX took $rx packets"
	((got == 0)) || fail "$c: $got forged packets reached the internet host"
}

spoof 0 n1 accept --src "$naddr" --inner-src "$c1"
spoof 1 c1 1 --inner-src "$c1"
spoof 2 n1 1 --src "fd5e:dead:beef:1::1" --inner-src "$c1"
spoof 3 n1 2 --src "$naddr" --inner-src 10.99.0.5
spoof 4 c1 2 --src "$xaddr" --inner-src "$c1"
spoof 5 n1 2 --src "$naddr" --inner-src "$x4"
spoof 6 n1 3 --src "$naddr" --inner-src "$c1" --header ff
wll=$(ll_addr "sm-$LAB-g" wan0)
[[ -n $wll ]] || fail "g's wan0 has no link-local address"
ip -n "sm-$LAB-inet" -6 route add fd5e::/16 via "$wll" dev gw1
spoof 7 inet 4 --src "$naddr" --inner-src "$c1"
# and the honest path still works
mx c1 ping -c 5 -i 0.1 -W 1 "$INET_IP" >/dev/null || fail "c1 cannot reach the internet after the attacks"
daemons_alive
l3_alive ""
pretty "ok"
