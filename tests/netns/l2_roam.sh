#!/bin/bash
# Roaming: client c1 moves from n1 to n3 keeping MAC and IP while a TCP
# stream to c2 (on n2) runs across the mesh; the stream survives, the
# stall is measured, and the global table shows c1 at n3.
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
sleep 0.5
mx c1 python3 "$here/tcp_echo.py" stream 10.13.250.2 5001 12 >"$TMP/stream" 2>&1 &
spid=$!
sleep 4
t0=${EPOCHREALTIME/,/.}
"$MESHLAB" move --name "$LAB" c1 n3 >/dev/null
wait "$spid" || fail "the TCP stream broke across the move: $(cat "$TMP/stream")"
pretty "TCP stream across the move: $(cat "$TMP/stream")"
gap=$(awk '{ print $4 }' "$TMP/stream")
[[ $gap -le 5000 ]] || fail "stall of ${gap} ms"

c1mac=$(mx c1 cat /sys/class/net/eth0/address)
n3=$(node_mac n3)
via=$(mctl n2 transglobal --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(" ".join(r["originator"] for r in rows if r["client"] == sys.argv[1] and r["best"]))' "$c1mac")
pretty "n2's global table: $c1mac via $via (n3 is $n3)"
[[ $via == "$n3" ]] || fail "tg on n2 does not show c1 at n3"
# and the client keeps its IP: it still pings c2
mx c1 ping -c 3 -i 0.2 -W 2 10.13.250.2 >/dev/null || fail "c1 cannot ping after the move"
daemons_alive
pretty "ok"
