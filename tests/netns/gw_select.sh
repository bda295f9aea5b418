#!/bin/bash
# Smart gateways: the node picks the better gateway and the client's
# traffic goes there (issue 5, "What it must show" 1). Lab:
#
#   c1 - n1 ---- g1 (gateway 50mbit/10mbit) - wan0 ---.
#         |       |                                   inet (198.18.0.1)
#   c2 - n2 ---- g2 (gateway 10mbit/2mbit)  - wan0 ---'
#
# n1, n2 are one cloud (LibreMesh.org) with a client each; g1 and g2 each
# their own cloud, so everything between them is l3routed's. n2 is one hop
# from g2 and two from g1, but every link is 1 Gbit/s, so the path is never
# the bottleneck: score = min(offer, path) = the offer, and both n1 and n2
# must choose g1. Proof by counters at the internet host (nftables, per
# gateway side gw1/gw2: echo requests, TCP SYNs), at the gateways' TUN
# devices, and `meshctl gw` on n1 and n2 (both offers, the chosen one and
# why).
#   gw_select.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/gwlib.sh"
LAB=${LAB:-gws$$}	# the pid: runs from two build dirs do not meet
gw_init "$@"
N=${GW_PINGS:-100}

gw_lab_up "$(l3_node n1 hostname n1)
$(l3_node n2 hostname n2)
$(l3_node g1 hostname g1 ap_ssid gwsone gateway 1 gateway_bandwidth 50mbit/10mbit)
$(l3_node g2 hostname g2 ap_ssid gwstwo gateway 1 gateway_bandwidth 10mbit/2mbit)
link n1 n2
link n1 g1
link n2 g2
link g1 g2
client c1 n1
client c2 n2
internet inet g1 g2"

for n in n1 n2; do
	wait_for 60 gw_offers_ge $n 2 ||
		fail "$n does not see both offers after 60 s: $(mctl $n gw 2>&1)"
	t=$(gw_wait_sel 30 $n g1)
	pretty "$n chose g1 (${t}s after seeing both offers)"
done
pretty "meshctl gw on n1:"
mctl n1 gw | sed 's/^/    /' >&2
pretty "meshctl gw on n2:"
mctl n2 gw | sed 's/^/    /' >&2

# the table: both offers with their bandwidths, g1 selected with a reason,
# g2 not, and a higher score for g1
for n in n1 n2; do
	gw_rows $n >"$TMP/rows.$n"
	awk '$1 == "g1" && $2 == 1 && $3 == 50000 && $6 != "" { f = 1 } END { exit !f }' "$TMP/rows.$n" ||
		fail "$n: g1 not shown as selected at 50000 kbit/s with a reason: $(cat "$TMP/rows.$n")"
	awk '$1 == "g2" && $2 == 0 && $3 == 10000 { f = 1 } END { exit !f }' "$TMP/rows.$n" ||
		fail "$n: g2 not shown as a 10000 kbit/s offer, unselected: $(cat "$TMP/rows.$n")"
	s1=$(awk '$1 == "g1" { print $4 }' "$TMP/rows.$n")
	s2=$(awk '$1 == "g2" { print $4 }' "$TMP/rows.$n")
	((s1 > s2)) || fail "$n: score of g1 ($s1) not above g2's ($s2)"
	pretty "$n: g1 score $s1 ($(awk '$1 == "g1" { $1 = $2 = $3 = $4 = $5 = ""; print }' "$TMP/rows.$n" | sed 's/^ *//')), g2 score $s2"
done

inet_counters inet "bigmss: iifname { \"gw1\", \"gw2\" } tcp flags & (syn | ack) == syn tcp option maxseg size > 1412"
t=$(converge_ping 60 c1 "$INET_IP")
pretty "c1 reaches $INET_IP after ${t}s"
t=$(converge_ping 30 c2 "$INET_IP")
pretty "c2 reaches $INET_IP after ${t}s"

b1=$(inet_count g1_icmp) b2=$(inet_count g2_icmp)
t1=$(link_pkts g1 $TUN_RX rx) t2=$(link_pkts g2 $TUN_RX rx)
x11=$(gw_tx n1 g1) x12=$(gw_tx n1 g2) x21=$(gw_tx n2 g1) x22=$(gw_tx n2 g2)
ping_run c1 "$N" 0.02 "$TMP/ping1" &
p=$!
ping_run c2 "$N" 0.02 "$TMP/ping2"
wait $p
r1=$(replies "$TMP/ping1") r2=$(replies "$TMP/ping2")
d1=$(($(inet_count g1_icmp) - b1)) d2=$(($(inet_count g2_icmp) - b2))
u1=$(($(link_pkts g1 $TUN_RX rx) - t1)) u2=$(($(link_pkts g2 $TUN_RX rx) - t2))
x11=$(($(gw_tx n1 g1) - x11)) x12=$(($(gw_tx n1 g2) - x12))
x21=$(($(gw_tx n2 g1) - x21)) x22=$(($(gw_tx n2 g2) - x22))
pretty "pings: c1 $r1/$N, c2 $r2/$N replies; echo requests at inet: from g1 $d1, from g2 $d2"
pretty "tunnelled (meshctl gw tx_packets): n1 -> g1 $x11, n1 -> g2 $x12, n2 -> g1 $x21, n2 -> g2 $x22"
pretty "decapsulated into the gateways' $TUN_RX (rx packets): g1 $u1, g2 $u2"
((r1 >= N * 9 / 10 && r2 >= N * 9 / 10)) || fail "too few replies (c1 $r1, c2 $r2 of $N)"
((d1 >= r1 + r2)) || fail "only $d1 echo requests came through g1 for $((r1 + r2)) replies"
((d2 == 0)) || fail "$d2 echo requests came through g2, the worse gateway"
((x11 >= r1 && x21 >= r2)) || fail "n1/n2 tunnelled only $x11/$x21 packets to g1 for $r1/$r2 replies"
((x12 == 0 && x22 == 0)) || fail "n1/n2 tunnelled $x12/$x22 packets to g2, the worse gateway"
((u1 >= r1 + r2)) || fail "g1's $TUN_RX took only $u1 packets for $((r1 + r2)) replies"
((u2 == 0)) || fail "g2's $TUN_RX took $u2 packets: traffic tunnelled to the worse gateway"

# TCP from 1500-byte clients (MTU handled by the tunnel), through g1 only
s1=$(inet_count g1_syn) s2=$(inet_count g2_syn) m0=$(inet_count bigmss)
rate=$(inet_tcp c2 3)
ds1=$(($(inet_count g1_syn) - s1)) ds2=$(($(inet_count g2_syn) - s2))
awk -v a="$rate" 'BEGIN { printf "[gw_select] iperf3 TCP c2 -> internet: %.1f Mbit/s\n", a / 1e6 }' >&2
bm=$(($(inet_count bigmss) - m0))
pretty "TCP SYNs at inet: from g1 $ds1, from g2 $ds2; with an MSS above 1412: $bm"
((bm == 0)) || fail "$bm SYNs left the tunnel with an MSS above 1412 (no MSS clamping)"
awk -v a="$rate" 'BEGIN { exit !(a > 1e6) }' || fail "TCP through the gateway below 1 Mbit/s ($rate bit/s)"
((ds1 >= 1 && ds2 == 0)) || fail "TCP connections not (only) through g1: g1 $ds1, g2 $ds2 SYNs"
# PMTU: a 1500-byte DF packet gets "frag needed, mtu 1452"; 1452 passes
mx c1 ping -c 2 -i 0.3 -W 1 -M 'do' -s 1472 "$INET_IP" >"$TMP/pmtu" 2>&1 || true
pretty "ping -M 'do' -s 1472: $(grep -m1 -io 'mtu[ =]*[0-9]*\|message too long.*' "$TMP/pmtu" || tail -1 "$TMP/pmtu")"
grep -q 'mtu[ =]*1452' "$TMP/pmtu" || fail "no 'mtu 1452' for a 1500-byte DF packet: $(cat "$TMP/pmtu")"
mx c1 ping -c 2 -i 0.2 -W 1 -M 'do' -s 1424 "$INET_IP" >/dev/null 2>&1 || fail "a 1452-byte DF ping does not get through"
out=$(tcp_echo c1 2)
pretty "TCP echo c1 -> internet: $out"

daemons_alive
l3_alive ""
pretty "ok"
