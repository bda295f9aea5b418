#!/bin/bash
# l2mesh on a 5-node line, a client at each end: ping (IPv4, IPv6) and
# iperf3 TCP client to client across 4 hops; broadcasts delivered once.
#   l2_line.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd iperf3 busybox tcpdump

lab_up "node n5 gateway 1 gateway_bandwidth 10mbit/2mbit
link n1 n2
link n2 n3
link n3 n4
link n4 n5
client c1 n1
client c2 n5"

t=$(converge_ping 60 c1 10.13.250.2)
pretty "c1 -> c2 (4 hops) first ping after ${t}s"
mx c1 ping -c 10 -i 0.2 -W 2 10.13.250.2 >"$TMP/ping4" || fail "IPv4 ping lost packets: $(tail -3 "$TMP/ping4")"
grep -q " 0% packet loss" "$TMP/ping4" || fail "IPv4 loss: $(tail -2 "$TMP/ping4")"
pretty "IPv4: $(tail -1 "$TMP/ping4")"
mx c1 ping -6 -c 10 -i 0.2 -W 2 fd0d:fe46:8ce8::c:2 >"$TMP/ping6" || fail "IPv6 ping: $(tail -3 "$TMP/ping6")"
pretty "IPv6: $(tail -1 "$TMP/ping6")"

bps=$(tcp_rate c1 c2 10.13.250.2 3)
pretty "iperf3 TCP c1 -> c2: $(awk -v b="$bps" 'BEGIN { printf "%.1f Mbit/s", b / 1e6 }')"
awk -v b="$bps" 'BEGIN { exit !(b > 1e6) }' || fail "iperf3 under 1 Mbit/s"

# Broadcasts once: 5 ARP requests for an address nobody has, counted at
# the far client and at a middle node's bat0.
mx c2 tcpdump -l -n -i eth0 -c 100 arp and host 10.13.250.99 >"$TMP/arp-c2" 2>/dev/null &
BG_PIDS="$!"
mx n3 tcpdump -l -n -i bat0 -c 100 arp and host 10.13.250.99 >"$TMP/arp-n3" 2>/dev/null &
BG_PIDS="$BG_PIDS $!"
sleep 1
mx c1 busybox arping -c 5 -w 6 -I eth0 10.13.250.99 >/dev/null 2>&1 || true
sleep 1
kill $BG_PIDS 2>/dev/null || true
wait 2>/dev/null || true
n_c2=$(grep -c "Request who-has 10.13.250.99" "$TMP/arp-c2" || true)
n_n3=$(grep -c "Request who-has 10.13.250.99" "$TMP/arp-n3" || true)
pretty "5 ARP broadcasts from c1 seen $n_c2 times at c2, $n_n3 times at n3's bat0"
assert_eq "ARP requests at c2" 5 "$n_c2"
assert_eq "ARP requests at n3 bat0" 5 "$n_n3"
# n5 is a gateway: its GW TVLV reaches n1 with the configured bandwidth
n5=$(node_mac n5)
mctl n1 gwl >"$TMP/gwl"
pretty "n1's gateway list: $(tail -1 "$TMP/gwl")"
grep -q "$n5.*10.0/2.0 MBit" "$TMP/gwl" || fail "n5's gateway offer is not in n1's list: $(cat "$TMP/gwl")"
daemons_alive
pretty "ok"
