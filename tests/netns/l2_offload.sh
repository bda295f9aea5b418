#!/bin/bash
# The offload path (doc/l2meshd.md#data-path): c1 - n1 == n2 == n3 == n4 -
# c2 with the lab's offloads as MESHLAB_OFFLOADS says (on: the veth
# defaults, TSO/GSO/checksum offload on, and option super_frames on the
# links; off: all off). The n3 - n4 link has a rate (a tbf qdisc), so
# meshlab leaves super_frames off there. 48 MB over TCP c1 -> c2 by IPv4
# and by IPv6, and c2 -> c1 by IPv6, must arrive byte for byte (sha256); then
# an iperf3 run. With offloads on, the super-frames from c1 must cross
# n1 -> n2 -> n3 whole (tx_super/rx_super on those mesh ports), be cut at
# n3 for the link without super_frames, and be joined again at n4's LAN
# port; checksums left to the NIC completed (rx_csum). With offloads off
# none of that happens but the joining on delivery (the kernel cuts the
# joins again for the client). Never a frame lost as oversize, never a
# send refused.
#   l2_offload.sh MESHLAB
set -e
export MESHLAB_CLIENTS=static
. "$(dirname "$0")/l2lib.sh"
L2_ONLY=1 l2_init "$@"
need_cmd python3 iperf3
MODE=${MESHLAB_OFFLOADS:-on}
lab_up "link n1 n2 mtu 1532
link n2 n3 mtu 1532
link n3 n4 mtu 1532 rate 10gbit
client c1 n1
client c2 n4"
converge_ping 60 c1 10.13.250.2 >/dev/null
grep -q "super_frames '1'" /run/softmesh-lab/$LAB/nodes/n1/node.conf && S1=yes || S1=no
grep -q "super_frames '1'" /run/softmesh-lab/$LAB/nodes/n4/node.conf && S4=yes || S4=no
pretty "super_frames on n1's link: $S1; on n4's (a rate): $S4"
[[ $S4 == no ]] || fail "meshlab set super_frames on a link with a rate"
[[ $S1 == $([[ $MODE == on ]] && echo yes || echo no) ]] || fail "super_frames $S1 on n1 with offloads $MODE"
C2_6=$(mx c2 ip -6 -o addr show dev eth0 scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
C1_6=$(mx c1 ip -6 -o addr show dev eth0 scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
pretty "offloads $MODE; c2 $C2_6, c1 $C1_6"
mx c1 ethtool -k eth0 | grep -E '^(tcp-segmentation-offload|tx-checksumming):' | tr '\n' ' ' >&2; echo >&2

# transfer FROM TO ADDR: 48 MB of random bytes over TCP, both ends hash
transfer() {
	local from=$1 to=$2 addr=$3 port=$((20000 + RANDOM % 10000))
	mx "$to" python3 -c '
import hashlib, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest())' "$addr" "$port" >"$TMP/recv" 2>&1 &
	local rpid=$!
	sleep 0.5
	mx "$from" python3 -c '
import hashlib, os, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
h = hashlib.sha256(); n = 0
for _ in range(48):
    b = os.urandom(1 << 20); s.sendall(b); h.update(b); n += len(b)
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
print(n, h.hexdigest())' "$addr" "$port" >"$TMP/sent" 2>&1 || fail "sending $from -> $to: $(cat "$TMP/sent")"
	wait "$rpid" || fail "receiving at $to: $(cat "$TMP/recv")"
	[[ $(cat "$TMP/sent") == "$(cat "$TMP/recv")" ]] ||
		fail "$from -> $to ($addr): sent $(cat "$TMP/sent"), received $(cat "$TMP/recv")"
	pretty "$from -> $to ($addr): 48 MB arrived whole ($(cut -c1-24 "$TMP/recv")...)"
}
transfer c1 c2 10.13.250.2
transfer c1 c2 "$C2_6"
transfer c2 c1 "$C1_6"
rate=$(tcp_rate c1 c2 10.13.250.2 2)
pretty "iperf3 c1 -> c2: $((${rate%.*} / 1000000)) Mbit/s"

# port counters: node ifname field
pc() {
	mctl "$1" if --json | python3 -c 'import json, sys
print(sum(r.get(sys.argv[2], 0) for r in json.load(sys.stdin) if r["ifname"] == sys.argv[1]))' "$2" "$3"
}
for p in "n1 lan0" "n1 m-n2" "n2 m-n1" "n2 m-n3" "n3 m-n2" "n3 m-n4" "n4 m-n3" "n4 lan0"; do
	set -- $p
	for k in rx_oversize tx_errors; do
		v=$(pc "$1" "$2" "$k")
		[[ $v == 0 ]] || fail "$1 $2: $k $v"
	done
	# (a ring that fills before it has grown drops, as a wire would:
	# l2_ports holds the rings to 0 drops; here they are only shown)
	pretty "$1 $2: rx_dropped $(pc "$1" "$2" rx_dropped), rx_super $(pc "$1" "$2" rx_super), rx_csum $(pc "$1" "$2" rx_csum), tx_super $(pc "$1" "$2" tx_super) holding $(pc "$1" "$2" tx_joined) segments"
done
sup1=$(pc n1 lan0 rx_super) sup4=$(pc n4 lan0 rx_super) cs1=$(pc n1 lan0 rx_csum)
mesh_tx=$(($(pc n1 m-n2 tx_super) + $(pc n2 m-n3 tx_super)))
mesh_rx=$(($(pc n2 m-n1 rx_super) + $(pc n3 m-n2 rx_super)))
cut=$(pc n3 m-n4 tx_super)
tx4=$(pc n4 lan0 tx_super) j4=$(pc n4 lan0 tx_joined)
if [[ $MODE == on ]]; then
	[[ $sup1 -gt 100 && $sup4 -gt 100 ]] || fail "offloads on, but few super-frames from the clients: n1 $sup1, n4 $sup4"
	[[ $cs1 -gt 100 ]] || fail "offloads on, but n1 completed $cs1 checksums"
	[[ $mesh_tx -gt 200 && $mesh_rx -gt 200 ]] ||
		fail "super-frames did not cross the super_frames links whole: sent $mesh_tx, received $mesh_rx"
	[[ $cut == 0 ]] || fail "n3 sent $cut super-frames on m-n4, which has no super_frames"
	[[ $tx4 -gt 100 && $j4 -gt $((4 * tx4)) ]] || fail "n4 joined $j4 segments into $tx4 super-frames"
else
	[[ $sup1 == 0 && $sup4 == 0 && $cs1 == 0 && $mesh_tx == 0 && $mesh_rx == 0 ]] ||
		fail "offloads off, yet super-frames $sup1/$sup4, on the mesh $mesh_tx/$mesh_rx, checksums $cs1"
fi
daemons_alive
pretty "ok"
