#!/bin/bash
# Fragmentation: every mesh link at MTU 1500 and bat0 at 1500, so a full
# client frame does not fit one batman packet: a 1472-byte ping (DF) and
# iperf3 TCP work across 3 hops.
#   l2_frag.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd iperf3

lab_up "link n1 n2 mtu 1500
link n2 n3 mtu 1500
link n3 n4 mtu 1500
client c1 n1
client c2 n4"
converge_ping 60 c1 10.13.250.2 >/dev/null
mx c1 ping -M do -s 1472 -c 5 -i 0.2 -W 2 10.13.250.2 >"$TMP/ping" ||
	fail "1472-byte ping failed: $(tail -3 "$TMP/ping")"
pretty "1472-byte ping: $(tail -1 "$TMP/ping")"
frag_tx=$(counter n1 frag_tx)
frag_rx=$(counter n4 frag_rx)
pretty "n1 frag_tx $frag_tx, n4 frag_rx $frag_rx"
[[ $frag_tx -ge 10 && $frag_rx -ge 10 ]] || fail "the big pings were not fragmented/reassembled"
bps=$(tcp_rate c1 c2 10.13.250.2 3)
pretty "iperf3 TCP over 3 fragmenting hops: $(awk -v b="$bps" 'BEGIN { printf "%.1f Mbit/s", b / 1e6 }')"
awk -v b="$bps" 'BEGIN { exit !(b > 1e6) }' || fail "iperf3 under 1 Mbit/s"
daemons_alive
pretty "ok"
