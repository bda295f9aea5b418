#!/bin/bash
# l3route between two L2 clouds: a1-a2-a3 (LibreMesh.org) and b1-b2-b3
# (cloudB), joined by two mesh links between the clouds (a3-b1, a2-b2).
# Inside a cloud l2meshd bridges; between clouds only l3routed's routes
# (table l3_table, protocol 201) carry the traffic. Client ca (at a1) and
# client cb (at b3) ping each other over IPv4 and IPv6, then iperf3 TCP both
# families; the rates and the kernel routes are printed.
#   l3_clouds.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/l3lib.sh"
LAB=${LAB:-l3clouds}
l3_init "$@"
need_cmd iperf3
secs=${L3_IPERF_SECONDS:-3}

l3_lab_up "$(l3_node a1)
$(l3_node a2)
$(l3_node a3)
$(l3_node b1 ap_ssid cloudB)
$(l3_node b2 ap_ssid cloudB)
$(l3_node b3 ap_ssid cloudB)
link a1 a2
link a2 a3
link b1 b2
link b2 b3
link a3 b1
link a2 b2
client ca a1
client cb b3"

a4=$(client_ip ca 4) a6=$(client_ip ca 6)
b4=$(client_ip cb 4) b6=$(client_ip cb 6)
pretty "ca $a4 $a6 (cloud LibreMesh.org), cb $b4 $b6 (cloud cloudB)"
[[ ${a4%.*.*} != "${b4%.*.*}" ]] || fail "both clients in ${a4%.*.*}.0.0/16: clouds not distinct"

t=$(converge_ping 60 ca "$b4")
pretty "IPv4 ca -> cb after ${t}s"
t=$(converge_ping 60 ca "$b6")
pretty "IPv6 ca -> cb after ${t}s"
for d in "$b4" "$b6"; do
	mx ca ping -c 20 -i 0.05 -W 1 "$d" >"$TMP/ping" 2>&1 || true
	got=$(grep -c 'bytes from' "$TMP/ping" || true)
	pretty "ping ca -> $d: $got/20 $(grep -o 'rtt.*' "$TMP/ping")"
	((got >= 18)) || fail "ping ca -> $d: only $got/20 replies"
done
mx cb ping -c 5 -i 0.1 -W 1 "$a4" >/dev/null || fail "cb cannot ping ca over IPv4"
mx cb ping -c 5 -i 0.1 -W 1 "$a6" >/dev/null || fail "cb cannot ping ca over IPv6"

# the traffic between the clouds is routed by l3routed: a2's route to cloud
# B's IPv4 range and a node's fd5e:: /128 both come from protocol 201
cloudb4=${b4%.*.*}.0.0/16
table=$(l3_status a2 | python3 -c 'import json, sys; print(json.load(sys.stdin)["table"])')
pretty "a2: ip route show table $table (IPv4, then IPv6):"
{ ip -n "sm-$LAB-a2" route show table "$table"; ip -n "sm-$LAB-a2" -6 route show table "$table"; } |
	tee "$TMP/table" | sed 's/^/    /' >&2
n=$(grep -c ' proto 201' "$TMP/table" || true)
pretty "a2: $n routes of protocol 201 in table $table"
((n > 0)) || fail "table $table of a2 has no protocol-201 route"
l3_has_route a2 "$cloudb4" || fail "a2 has no protocol-201 route to $cloudb4"
l3_has_route a1 "$(l3_node_addr b3)/128" || fail "a1 has no protocol-201 route to b3's node address"

r4=$(tcp_rate ca cb "$b4" "$secs")
r6=$(tcp_rate ca cb "$b6" "$secs")
awk -v a="$r4" -v b="$r6" 'BEGIN {
	printf "[l3_clouds] iperf3 TCP ca -> cb across the clouds: IPv4 %.1f Mbit/s, IPv6 %.1f Mbit/s\n", a / 1e6, b / 1e6 }' >&2
awk -v a="$r4" -v b="$r6" 'BEGIN { exit !(a > 1e6 && b > 1e6) }' ||
	fail "TCP across the clouds below 1 Mbit/s (IPv4 $r4, IPv6 $r6 bit/s)"
daemons_alive
l3_alive ''
pretty "ok"
