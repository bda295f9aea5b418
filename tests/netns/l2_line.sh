#!/bin/bash
# l2mesh on a 5-node line, a client at each end: ping (IPv4, IPv6) and
# iperf3 TCP client to client across 4 hops; broadcasts delivered once;
# meshctl ping and traceroute with batctl's flags and targets (MAC,
# bat-hosts name, client IP).
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

# meshctl ping -c 2 sends exactly 2 (n1's icmp_tx, n5's icmp_rx); without
# -i one request per timeout (1 s), with -i 0.2 five in about 0.8 s
n1=$(node_mac n1)
tx0=$(counter n1 icmp_tx) rx0=$(counter n5 icmp_rx) t0=${EPOCHREALTIME/,/.}
mctl n1 ping -c 2 "$n5" >"$TMP/mping" || fail "meshctl ping -c 2 $n5: $(cat "$TMP/mping")"
t_c2=$(elapsed "$t0")
tx1=$(counter n1 icmp_tx) rx1=$(counter n5 icmp_rx)
pretty "meshctl ping -c 2: $(grep transmitted "$TMP/mping"), n1 icmp_tx +$((tx1 - tx0)), n5 icmp_rx +$((rx1 - rx0)), ${t_c2}s"
assert_eq "echo requests sent by n1 for ping -c 2" 2 $((tx1 - tx0))
assert_eq "echo requests received by n5" 2 $((rx1 - rx0))
grep -q "^2 packets transmitted, 2 received, 0% packet loss" "$TMP/mping" || fail "ping -c 2: $(cat "$TMP/mping")"
awk -v t="$t_c2" 'BEGIN { exit !(t >= 1.0) }' || fail "ping -c 2 without -i took ${t_c2}s: not one request per second"
t0=${EPOCHREALTIME/,/.}
mctl n1 ping -c 5 -i 0.2 "$n5" >"$TMP/mping" || fail "meshctl ping -c 5 -i 0.2: $(cat "$TMP/mping")"
t_i=$(elapsed "$t0")
pretty "meshctl ping -c 5 -i 0.2: $(grep transmitted "$TMP/mping") in ${t_i}s"
grep -q "^5 packets transmitted, 5 received" "$TMP/mping" || fail "ping -i 0.2: $(cat "$TMP/mping")"
awk -v t="$t_i" 'BEGIN { exit !(t >= 0.8 && t < 2.0) }' || fail "5 requests 0.2 s apart took ${t_i}s"

# targets: c2's IPv4 address (n1's neighbour table, then the translation
# table) and the name c2 (the lab's bat-hosts) both reach n5, c2's node
mctl n1 ping -c 1 10.13.250.2 >"$TMP/mping" || fail "meshctl ping 10.13.250.2: $(cat "$TMP/mping")"
pretty "meshctl ping 10.13.250.2: $(head -1 "$TMP/mping")"
grep -q "^PING 10.13.250.2 ($n5) " "$TMP/mping" || fail "c2's IP does not lead to n5 ($n5): $(cat "$TMP/mping")"
grep -q "^1 packets transmitted, 1 received" "$TMP/mping" || fail "ping by IP: $(cat "$TMP/mping")"
# c2's IPv6 address, and n5's own address on bat0 (routed at layer 3: the
# MAC must come from bat0's neighbour table all the same)
ip5=$(mx n5 ip -4 -o addr show dev bat0 | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
for ip in fd0d:fe46:8ce8::c:2 "$ip5"; do
	mctl n1 ping -c 1 "$ip" >"$TMP/mping" || fail "meshctl ping $ip: $(cat "$TMP/mping")"
	grep -q "^PING $ip ($n5) " "$TMP/mping" || fail "$ip does not lead to n5 ($n5): $(cat "$TMP/mping")"
done
pretty "meshctl ping fd0d:fe46:8ce8::c:2 and $ip5 (n5's bat0): both reach n5"
mctl n1 ping -c 1 c2 >"$TMP/mping" || fail "meshctl ping c2: $(cat "$TMP/mping")"
pretty "meshctl ping c2: $(sed -n 2p "$TMP/mping")"
grep -q "^PING c2 ($n5) " "$TMP/mping" || fail "the name c2 does not lead to n5 ($n5): $(cat "$TMP/mping")"
grep -q "bytes from n5 ($n5)" "$TMP/mping" || fail "the reply is not n5's by name: $(cat "$TMP/mping")"
mctl n1 traceroute c2 >"$TMP/mtr" || fail "meshctl traceroute c2: $(cat "$TMP/mtr")"
pretty "meshctl traceroute c2: $(tail -1 "$TMP/mtr")"
grep -q "^ 4: n5 ($n5) " "$TMP/mtr" || fail "traceroute c2 does not end at n5 after 4 hops: $(cat "$TMP/mtr")"
rc=0
mctl n1 ping -T -c 1 c2 >"$TMP/mping" 2>&1 || rc=$?
((rc == 1)) && grep -q "is no originator" "$TMP/mping" || fail "ping -T c2 (a client) exits $rc: $(cat "$TMP/mping")"

# unknown targets: exit non-zero, saying why
rc=0
mctl n1 traceroute 02:5e:ff:00:00:99 >"$TMP/mtr" 2>&1 || rc=$?
pretty "meshctl traceroute to an unknown MAC: exit $rc, '$(tail -1 "$TMP/mtr")'"
((rc == 1)) || fail "traceroute to an unknown MAC exits $rc, want 1: $(cat "$TMP/mtr")"
grep -q "Destination Host Unreachable" "$TMP/mtr" || fail "traceroute to an unknown MAC: $(cat "$TMP/mtr")"
rc=0
mctl n1 ping -c 1 nosuchhost >"$TMP/mping" 2>&1 || rc=$?
((rc == 1)) && grep -q "unknown name 'nosuchhost'" "$TMP/mping" || fail "ping nosuchhost exits $rc: $(cat "$TMP/mping")"
rc=0
mctl n1 ping -c 1 10.13.250.99 >"$TMP/mping" 2>&1 || rc=$?
((rc == 1)) && grep -q "no MAC address known" "$TMP/mping" || fail "ping to an IP nobody has exits $rc: $(cat "$TMP/mping")"
rc=0
mctl n1 ping -c 0 "$n5" >"$TMP/mping" 2>&1 || rc=$?
((rc == 2)) || fail "ping -c 0 exits $rc, want 2 (usage): $(cat "$TMP/mping")"
daemons_alive
pretty "ok"
