#!/bin/bash
# Smart gateways: the tunnel is one-way, the answer comes back by ordinary
# routing and may enter the cloud at another node (issue 5, "What it must
# show" 4). Lab:
#
#   c1 - a1 ====== 20mbit ====== a2        cloud A (LibreMesh.org): a1, a2
#          \                     |
#         50mbit              1 Gbit
#            \                   |
#             `------- g -------'  - wan0 - inet (198.18.0.1)
#                 (gateway, cloud gwo)
#
# Link costs are 10^9 / rate (doc/l3route-routing.md): a1-g 20000, a1-a2
# 50000, a2-g 1000. So:
#   * the request: c1 -> a1, which tunnels it (UDP/IPv6 to g's node
#     address, tunnel port); a1's best path to g is the direct link
#     (20000 < 50000 + 1000): the tunnel packet leaves cloud A at a1, on
#     a1's port m-g;
#   * the reply: g un-NATs it to c1's address, in cloud A's anycast /16,
#     which g routes to the nearest announcer: a2 (1000 < 20000). It enters
#     cloud A at a2 (port m-g of a2) and l2meshd carries it to a1 and c1.
# Both premises are checked first (a1's route to g's node address, g's
# route to c1). Then tcpdump on a1's and a2's ports towards g records 20
# pings and a TCP session (tcp_echo.py, then iperf3): the tunnel packets
# must leave at a1 and never at a2, the replies from 198.18.0.1 must come
# in at a2 and never at a1; the counts and a few captured lines are printed.
#   gw_oneway.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/gwlib.sh"
LAB=${LAB:-gwo$$}	# the pid: runs from two build dirs do not meet
gw_init "$@"

gw_lab_up "$(l3_node a1 hostname a1)
$(l3_node a2 hostname a2)
$(l3_node g hostname g ap_ssid gwo gateway 1 gateway_bandwidth 10mbit/2mbit)
link a1 a2 rate 20mbit
link a1 g rate 50mbit
link a2 g
client c1 a1
internet inet g"

c1=$(client_ip c1 4)
t=$(gw_wait_sel 60 a1 g)
pretty "a1 chose g after ${t}s"
gaddr=$(l3_addr g)
port=$(tunnel_port g)

# the premises: a1 reaches g directly; g reaches c1 through a2
dev_of() { ip -n "sm-$LAB-$1" "${@:3}" route get "$2" 2>/dev/null | grep -o 'dev [^ ]*' | awk '{ print $2; exit }'; }
premise() { [[ $(dev_of a1 "$gaddr" -6) == m-g && $(dev_of g "$c1") == m-a2 ]]; }
wait_for 60 premise || fail "topology premise not met: a1 routes g's $gaddr via '$(dev_of a1 "$gaddr" -6)' (want m-g), g routes $c1 via '$(dev_of g "$c1")' (want m-a2); a1: $(ip -n "sm-$LAB-a1" -6 route get "$gaddr" 2>&1); g: $(ip -n "sm-$LAB-g" route get "$c1" 2>&1)"
pretty "a1: $(ip -n "sm-$LAB-a1" -6 route get "$gaddr" | head -1)"
pretty "g:  $(ip -n "sm-$LAB-g" route get "$c1" | head -1)"
t=$(converge_ping 60 c1 "$INET_IP")
pretty "c1 reaches $INET_IP after ${t}s; tunnel to [$gaddr]:$port"

declare -A CAP=()
# capture on both of cloud A's ports towards g
cap() { # NODE: tcpdump on the node's m-g into $TMP/NODE.pcap
	ip netns exec "sm-$LAB-$1" tcpdump -i m-g -n -U -Z root -s 200 -w "$TMP/$1.pcap" 2>"$TMP/$1.tcpdump" &
	CAP[$1]=$!
	BG_PIDS+=" $!"
	wait_for 5 grep -q listening "$TMP/$1.tcpdump" || fail "tcpdump on $1: $(cat "$TMP/$1.tcpdump")"
}
cap a1
cap a2
mx c1 ping -c 20 -i 0.05 -W 1 "$INET_IP" >"$TMP/ping" 2>&1 || true
got=$(replies "$TMP/ping")
out=$(tcp_echo c1 3)
pretty "TCP echo session c1 -> $INET_IP: $out"
rate=$(inet_tcp c1 2)
awk -v a="$rate" 'BEGIN { printf "[gw_oneway] iperf3 TCP c1 -> internet: %.1f Mbit/s\n", a / 1e6 }' >&2
sleep 0.5
kill -INT "${CAP[a1]}" "${CAP[a2]}"
wait "${CAP[a1]}" "${CAP[a2]}" 2>/dev/null || true

n() { tcpdump -r "$TMP/$1.pcap" -n "$2" 2>/dev/null | wc -l; }
tun='ip6 and udp dst port '$port
rep="ip and src host $INET_IP and dst host $c1"
t_a1=$(n a1 "$tun") t_a2=$(n a2 "$tun") r_a1=$(n a1 "$rep") r_a2=$(n a2 "$rep")
tcp_a1=$(n a1 "$rep and tcp src port 5999") tcp_a2=$(n a2 "$rep and tcp src port 5999")
pretty "pings: $got/20 replies"
pretty "tunnel packets (c1 -> g) on a1's m-g: $t_a1, on a2's m-g: $t_a2"
pretty "replies ($INET_IP -> c1) on a1's m-g: $r_a1, on a2's m-g: $r_a2"
pretty "of which the TCP echo session's (from port 5999): on a1's m-g $tcp_a1, on a2's m-g $tcp_a2"
pretty "a1 m-g, first tunnel packets:"
tcpdump -r "$TMP/a1.pcap" -n -c 2 "$tun" 2>/dev/null | sed 's/^/    /' >&2
pretty "a2 m-g, first replies:"
tcpdump -r "$TMP/a2.pcap" -n -c 3 "$rep" 2>/dev/null | sed 's/^/    /' >&2
((got >= 18)) || fail "only $got/20 ping replies"
((t_a1 >= 20)) || fail "only $t_a1 tunnel packets left cloud A at a1"
((t_a2 == 0)) || fail "$t_a2 tunnel packets left cloud A at a2"
((r_a2 >= 20)) || fail "only $r_a2 replies entered cloud A at a2"
((tcp_a2 >= 50 && tcp_a1 == 0)) || fail "the TCP session's return packets: $tcp_a2 at a2, $tcp_a1 at a1"
((r_a1 == 0)) || fail "$r_a1 replies came back to a1 directly: not one-way"
awk -v a="$rate" 'BEGIN { exit !(a > 1e6) }' || fail "TCP below 1 Mbit/s ($rate bit/s)"
daemons_alive
l3_alive ""
pretty "ok"
