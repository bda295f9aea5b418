#!/bin/bash
# A LibreMesh node in miniature beside a softmesh node (issue 15 part 3):
# the kernel VM k1 runs batman-adv on its own cloud (10.99.0.0/16, 802.1ad
# VLAN 30) and Debian's babeld on eth0.17 (802.1ad VLAN 17, its IPv4 as a
# /32, lime-proto-babeld's settings); the softmesh node n1 (LibreMesh.org,
# 10.13.0.0/16, a LibreMesh community file naming batadv:%N1, anygw and
# babeld:17) runs babeld on l2meshd's VLAN interface m-k1_17. Each learns
# the other's cloud from babel, and n1's DHCP client reaches the VM.
#     c1 - n1 ~17~ k1
#   kernel_babel.sh MESHLAB
set -e
export MESHLAB_CLIENTS=dhcp
. "$(dirname "$0")/kernlib.sh"
kern_init "$@"
need_cmd babeld
set +u
COMMUNITY="# LibreMesh's shape: lime-community
config lime 'network'
	list protocols 'lan'
	list protocols 'anygw'
	list protocols 'batadv:%N1'
	list protocols 'babeld:17'"
lab_up "community lab.conf
node n1 mesh_ports m-k1
client c1 n1"
KVMS=(k1)
KN_NET=10.99 kn_start "$LAB" k1 1 30 n1 >"$TMP/k1.log" 2>&1 || fail "k1: $(cat "$TMP/k1.log")"
kn_babeld k1 17 >"$TMP/b.log" 2>&1 || fail "babeld in k1: $(cat "$TMP/b.log")"
ok "k1 $(grep -o 'up in [0-9.]* s' "$TMP/k1.log"): batman-adv on eth0.30 (10.99.240.1/16), babeld on eth0.17"
kn_exec k1 'ip -d link show eth0.17' | grep -q 'vlan protocol 802.1ad id 17' || fail "k1's eth0.17 is not 802.1ad VID 17"
mx n1 ip -br addr show dev m-k1_17 | grep -q '/32' || fail "n1 has no m-k1_17 with its /32"
C1=$(mx c1 ip -4 -o addr show dev eth0 scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
[[ $C1 == 10.13.* ]] || fail "c1 has no lease in 10.13.0.0/16 ($C1)"

t=${EPOCHREALTIME/,/.}
kn_exec k1 --timeout 70 'i=0; while [ $i -lt 120 ]; do /usr/sbin/ip route | grep -q "^10.13.0.0/16 .*proto babel" && exit 0; sleep 0.5; i=$((i + 1)); done; /usr/sbin/ip route; cat /run/babeld.log; exit 1' >"$TMP/r" ||
	fail "k1 learned no route to n1's cloud from babel: $(cat "$TMP/r")"
ok "k1 (Debian's babeld in the VM) learned n1's cloud after $(elapsed "$t") s: $(kn_exec k1 '/usr/sbin/ip route' | grep '^10.13.0.0/16')"
wait_for 30 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip route | grep -q '^10.99.0.0/16 .*proto babel'" ||
	fail "n1 learned no route to k1's cloud: $(mx n1 ip route)"
ok "n1 (babeld on l2meshd's m-k1_17) learned k1's cloud: $(mx n1 ip route | grep '^10.99.0.0/16')"

converge_ping 30 c1 10.99.240.1 >/dev/null
mx c1 ping -c 5 -i 0.2 -W 2 10.99.240.1 >"$TMP/p" || fail "c1 -> k1: $(cat "$TMP/p")"
ok "c1 (n1's DHCP client, $C1) reaches k1's bat0 10.99.240.1 over babel: $(tail -1 "$TMP/p")"
kn_exec k1 "ping -c 3 -i 0.2 -W 2 $C1" >"$TMP/p" || fail "k1 -> c1: $(cat "$TMP/p")"
ok "k1 reaches c1: $(tail -1 "$TMP/p")"
# the VLANs stay apart: n1's batman (VLAN 29) does not meet k1's (30)
mctl n1 o --json | grep -qi "$(kn_orig 1 0)" && fail "n1's batman sees k1's, which is another cloud"
ok "batman stays in each cloud (VLAN 29 and 30 on the same link)"
daemons_alive
ok "all checks passed in $(elapsed "$T0") s"
