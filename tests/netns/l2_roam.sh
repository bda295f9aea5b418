#!/bin/bash
# Roaming: client c1 moves between n1 and n3 (four moves, 2 s apart),
# keeping MAC and IP, while a TCP echo stream to c2 (on n2) runs across the
# mesh; the stream survives, its longest stall is printed against the
# 300 ms target and must stay under 1.5 s, and the global table shows c1
# where it ended.
#   l2_roam.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd python3

lab_up "link n1 n2
link n2 n3
client c1 n1 n3
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null
sleep 2
here=$(dirname "$0")
mx c2 python3 "$here/tcp_echo.py" serve 5001 &
BG_PIDS=$!
wait_listen c2 5001
mx c1 python3 "$here/tcp_echo.py" stream 10.13.250.2 5001 12 >"$TMP/stream" 2>&1 &
spid=$!
sleep 2
at=n1
for ((i = 0; i < 4; i++)); do
	if [[ $at == n1 ]]; then at=n3; else at=n1; fi
	"$MESHLAB" move --name "$LAB" c1 "$at" >/dev/null
	sleep 2
done
wait "$spid" || fail "the TCP stream broke across the moves: $(cat "$TMP/stream")"
pretty "TCP stream across 4 moves: $(cat "$TMP/stream")"
gap=$(awk '{ print $4 }' "$TMP/stream")
# The target is 300 ms (issue 17; l2_roam_udp holds the mesh to <= 2 lost
# packets a move). A segment the client sent just as its old interface
# went down is lost in the client itself and costs a retransmission
# timeout (200 ms and more), and a lost ARP reply a 1 s ARP retry: a
# stall past 1.5 s means the mesh lost the client.
if [[ $gap -le 300 ]]; then
	pretty "longest stall ${gap} ms: within the 300 ms target"
else
	pretty "longest stall ${gap} ms: over the 300 ms target (a retransmission or ARP retry)"
fi
[[ $gap -le 1500 ]] || fail "stall of ${gap} ms"

# and one last move, to n3, where the tables are checked
"$MESHLAB" move --name "$LAB" c1 n3 >/dev/null
mx c1 ping -c 2 -i 0.2 -W 2 10.13.250.2 >/dev/null || fail "c1 cannot ping after the last move"
c1mac=$(mx c1 cat /sys/class/net/eth0/address)
n3=$(node_mac n3)
via_n2() {
	mctl n2 transglobal --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(" ".join(r["originator"] for r in rows if r["client"] == sys.argv[1] and r["best"]))' "$c1mac"
}
# n3 announces c1 with its next OGM (up to two OGM intervals)
for ((i = 0; i < 30; i++)); do
	via=$(via_n2)
	[[ $via == "$n3" ]] && break
	sleep 0.2
done
pretty "n2's global table: $c1mac via $via (n3 is $n3)"
[[ $via == "$n3" ]] || fail "tg on n2 does not show c1 at n3 6 s after the move"
# and the client keeps its IP: it still pings c2
mx c1 ping -c 3 -i 0.2 -W 2 10.13.250.2 >/dev/null || fail "c1 cannot ping after the move"
daemons_alive
pretty "ok"
