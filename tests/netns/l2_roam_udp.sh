#!/bin/bash
# Roaming loss: client c1 moves between n1 and n3 every MOVE_S seconds
# (MOVES times) while two 200 pps UDP streams run, c2 -> c1 and c1 -> c2
# (c2 sits on n2, between them); prints the packets lost per move in each
# direction and fails past LIMIT (default 2) per move.
#   l2_roam_udp.sh MESHLAB [MOVES] [LIMIT]
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$1"
need_cmd python3
moves=${2:-10}
limit=${3:-2}
move_s=2
pps=200

lab_up "link n1 n2
link n2 n3
client c1 n1 n3
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null
converge_ping 60 c2 10.13.250.1 >/dev/null
sleep 2
here=$(dirname "$0")
secs=$(( (moves + 2) * move_s ))
c1ip=$(mx c1 ip -4 -o addr show scope global | awk '{ sub("/.*", "", $4); print $4; exit }')
c2ip=$(mx c2 ip -4 -o addr show scope global | awk '{ sub("/.*", "", $4); print $4; exit }')
mx c1 python3 "$here/udp_stream.py" recv 6001 $((secs + 3)) >"$TMP/r1" &
r1=$!
mx c2 python3 "$here/udp_stream.py" recv 6002 $((secs + 3)) >"$TMP/r2" &
r2=$!
BG_PIDS="$r1 $r2"
sleep 0.5
mx c2 python3 "$here/udp_stream.py" send "$c1ip" 6001 $pps $secs >"$TMP/s2" &
s2=$!
mx c1 python3 "$here/udp_stream.py" send "$c2ip" 6002 $pps $secs >"$TMP/s1" &
s1=$!
BG_PIDS="$r1 $r2 $s1 $s2"
sleep "$move_s"
at=n1
for ((i = 0; i < moves; i++)); do
	if [[ $at == n1 ]]; then at=n3; else at=n1; fi
	printf '%s move %s\n' "${EPOCHREALTIME/,/.}" "$at" >>"$TMP/moves"
	"$MESHLAB" move --name "$LAB" c1 "$at" >/dev/null
	sleep "$move_s"
done
wait "$s1" "$s2" "$r1" "$r2"
BG_PIDS=""
report() { # NAME SENT_FILE RECV_FILE -> prints, sets LOST
	local sent last
	sent=$(awk '{ print $2 }' "$2")
	last=$(awk '/^recv/ { print $6 }' "$3")
	LOST=$(awk -v sent="$sent" -v last="$last" '/^lost/ { n += $3 } END { print n + sent - last }' "$3")
	pretty "$1: sent $sent, $(awk '/^recv/ { print $2 }' "$3") received, lost $LOST ($(awk '/^lost/ { printf "%s%d", s, $3; s = " " }' "$3"))"
}
report "c2 -> c1 (towards the roaming client)" "$TMP/s2" "$TMP/r1"
to_c1=$LOST
report "c1 -> c2 (from the roaming client)" "$TMP/s1" "$TMP/r2"
from_c1=$LOST
pretty "moves: $moves; lost per move: towards c1 $(awk -v l=$to_c1 -v m=$moves 'BEGIN { printf "%.1f", l / m }'), from c1 $(awk -v l=$from_c1 -v m=$moves 'BEGIN { printf "%.1f", l / m }')"
cat "$TMP/moves" "$TMP/r1" "$TMP/r2" >&2
daemons_alive
(( to_c1 <= limit * moves && from_c1 <= limit * moves )) ||
	fail "more than $limit packets lost per move"
pretty "ok"
