#!/bin/bash
# The LAN ports' offload path (doc/l2meshd.md#data-path): c1 - n1 == n2 -
# c2 with the lab's offloads as MESHLAB_OFFLOADS says (on: the veth
# defaults, TSO/GSO/checksum offload on; off: all off). 48 MB each way
# over TCP, IPv4 c1 -> c2 and IPv6 c2 -> c1, must arrive byte for byte
# (sha256); then an iperf3 run. With offloads on, n1 and n2 must have cut
# super-frames (rx_super), completed checksums (rx_csum) and joined
# segments on delivery (tx_super); with them off, none of that happens
# and the frames go through one by one. Never a frame lost as oversize,
# never a send refused.
#   l2_offload.sh MESHLAB
set -e
export MESHLAB_CLIENTS=static
. "$(dirname "$0")/l2lib.sh"
L2_ONLY=1 l2_init "$@"
need_cmd python3 iperf3
MODE=${MESHLAB_OFFLOADS:-on}
lab_up "link n1 n2 mtu 1532
client c1 n1
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null
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
transfer c2 c1 "$C1_6"
rate=$(tcp_rate c1 c2 10.13.250.2 2)
pretty "iperf3 c1 -> c2: $((${rate%.*} / 1000000)) Mbit/s"

# port counters: node ifname field
pc() {
	mctl "$1" if --json | python3 -c 'import json, sys
print(sum(r.get(sys.argv[2], 0) for r in json.load(sys.stdin) if r["ifname"] == sys.argv[1]))' "$2" "$3"
}
for n in n1 n2; do
	peer=$([[ $n == n1 ]] && echo m-n2 || echo m-n1)
	for ifn in lan0 "$peer"; do
		for k in rx_oversize tx_errors rx_dropped; do
			v=$(pc "$n" "$ifn" "$k")
			[[ $v == 0 ]] || fail "$n $ifn: $k $v"
		done
	done
	pretty "$n lan0: rx_super $(pc "$n" lan0 rx_super), rx_csum $(pc "$n" lan0 rx_csum), tx_super $(pc "$n" lan0 tx_super) holding $(pc "$n" lan0 tx_joined) segments"
done
sup1=$(pc n1 lan0 rx_super) sup2=$(pc n2 lan0 rx_super)
cs1=$(pc n1 lan0 rx_csum) tx2=$(pc n2 lan0 tx_super) j2=$(pc n2 lan0 tx_joined)
if [[ $MODE == on ]]; then
	[[ $sup1 -gt 100 && $sup2 -gt 100 ]] || fail "offloads on, but few super-frames cut: n1 $sup1, n2 $sup2"
	[[ $cs1 -gt 100 ]] || fail "offloads on, but n1 completed $cs1 checksums"
	[[ $tx2 -gt 100 && $j2 -gt $((4 * tx2)) ]] || fail "n2 joined $j2 segments into $tx2 super-frames"
else
	[[ $sup1 == 0 && $sup2 == 0 && $cs1 == 0 ]] || fail "offloads off, yet super-frames $sup1/$sup2, checksums $cs1"
fi
daemons_alive
pretty "ok"
