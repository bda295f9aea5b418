#!/bin/bash
# Roaming across kinds (issue 15 part 2): client c1 moves from softmesh
# node n1's LAN to the LAN of the kernel batman-adv node k1 (br-lan over
# bat0, as LibreMesh bridges it) and back, keeping its MAC and IP, while a
# TCP stream to c2 (behind softmesh n2) runs. The stream survives both
# moves; n2's global TT follows c1 to k1 and back to n1.
#     c1 - n1 - n2 - c2         (c1's second cable goes to k1's LAN)
#           ~ k1 ~              (~ 802.1ad VLAN 29, LibreMesh's settings)
#   kernel_roam.sh MESHLAB
set -e
export MESHLAB_CLIENTS=static
. "$(dirname "$0")/kernlib.sh"
kern_init "$@"
set +u
here=$(cd "$(dirname "$0")/../netns" && pwd)
lab_up "node n1 mesh_ports m-k1
node n2 mesh_ports m-k1
link n1 n2
client c1 n1
client c2 n2"
KVMS=(k1)
KN_LAN="sm-$LAB-c1 eth9" kn_start "$LAB" k1 1 29 n1 n2 >"$TMP/k1.log" 2>&1 || fail "k1: $(cat "$TMP/k1.log")"
ok "k1 $(grep -o 'up in [0-9.]* s' "$TMP/k1.log"): bat0 on eth0.29 and eth1.29, bridged with its LAN eth2 in br-lan"
K1=$(kn_orig 1 0) N1=$(node_mac n1)
C1MAC=$(mx c1 cat /sys/class/net/eth0/address)
wait_for 60 sh -c "'$MESHLAB' exec --name '$LAB' n2 meshctl o --json | grep -qi '\"originator\":\"$K1\"'" ||
	fail "n2 never saw k1: $(mctl n2 o)"
converge_ping 40 c1 10.13.250.2 >/dev/null
# k1's fresh bat0 drops broadcasts for its first 30 s (bridge loop
# avoidance): roam only once it forwards them, as a real node would be
kn_exec k1 --timeout 60 "i=0; while [ \$i -lt 50 ]; do ping -c 1 -W 1 10.13.250.2 >/dev/null 2>&1 && exit 0; i=\$((i + 1)); done; exit 1" ||
	fail "k1 cannot reach c2 over its bridge"
ok "k1's br-lan reaches c2 across the mesh"

# at_k1 / at_n1: c1's cable; its address and MAC go with it
at_k1() {
	mx c1 sh -c "ip link set eth0 down && ip addr del 10.13.250.1/16 dev eth0 && ip link set eth9 address $C1MAC && ip addr add 10.13.250.1/16 dev eth9 && ip link set eth9 up"
}
at_n1() {
	mx c1 sh -c "ip link set eth9 down && ip addr del 10.13.250.1/16 dev eth9 && ip addr add 10.13.250.1/16 dev eth0 && ip link set eth0 up"
}
where_c1() { # the originator n2's global TT has c1 at
	mctl n2 transglobal --json | python3 -c '
import json, sys
print(" ".join(r["originator"] for r in json.load(sys.stdin) if r["client"] == sys.argv[1] and r["best"]))' "$C1MAC"
}
mx c2 python3 "$here/tcp_echo.py" serve 5001 &
BG_PIDS=$!
sleep 0.5
mx c1 python3 "$here/tcp_echo.py" stream 10.13.250.2 5001 16 >"$TMP/stream" 2>&1 &
spid=$!
sleep 4
at_k1
for _ in $(seq 100); do [[ $(where_c1) == "$K1" ]] && break; sleep 0.1; done
[[ $(where_c1) == "$K1" ]] || fail "n2's global TT does not follow c1 to k1: $(where_c1)"
kn_exec k1 "batctl tl -H" | grep -qi "$C1MAC" || fail "c1 is not in k1's local TT: $(kn_exec k1 'batctl tl')"
ok "c1 moved to k1's LAN: k1's local TT has it, n2's global TT points at k1 ($K1)"
sleep 4
at_n1
for _ in $(seq 100); do [[ $(where_c1) == "$N1" ]] && break; sleep 0.1; done
[[ $(where_c1) == "$N1" ]] || fail "n2's global TT does not follow c1 back to n1: $(where_c1)"
ok "c1 moved back to n1's LAN: n2's global TT points at n1 again"
wait "$spid" || fail "the TCP stream broke across the moves: $(cat "$TMP/stream")"
ok "TCP stream c1 -> c2 survived both moves: $(cat "$TMP/stream")"
mx c1 ping -c 3 -i 0.2 -W 2 10.13.250.2 >/dev/null || fail "c1 cannot ping c2 after the moves"
daemons_alive
ok "all checks passed in $(elapsed "$T0") s"
