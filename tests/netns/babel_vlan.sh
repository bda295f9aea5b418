#!/bin/bash
# babeld on LibreMesh's VLAN 17 without the 8021q module (issue 15 part
# 3, doc/l2meshd.md "VLAN interfaces and babeld"): two clouds (n1 in
# LibreMesh.org's, n2 in other.net's) on one link, with a LibreMesh
# community file's list protocols (batadv:%N1, anygw, babeld:17, no
# l3route). l2meshd makes m-PEER_17 on each mesh port (802.1ad VLAN 17
# on the wire, the node's IPv4 /32 on it), runs Debian's babeld there
# with lime-proto-babeld's settings; each node learns the other cloud
# (proto babel), and a DHCP client of one cloud reaches one of the
# other. babeld killed is started again; l2meshd stopped takes babeld
# and its routes away. Then the same with l3route listed too: both
# routers run, l3routed's table (rule 201, before main) wins, no loop.
#   babel_vlan.sh MESHLAB
set -e
export MESHLAB_CLIENTS=dhcp
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd babeld tcpdump python3

community() {
	printf '%s\n' "# LibreMesh's shape: lime-community
config lime 'network'
	list protocols 'lan'
	list protocols 'anygw'
	list protocols 'batadv:%N1'
	list protocols 'babeld:17'" "$@"
}
COMMUNITY=$(community)
lab_up "community lab.conf
node n2 ap_ssid other.net
link n1 n2
client c1 n1
client c2 n2"
D=/run/softmesh-lab/$LAB/nodes
ip_of() { mx "$1" ip -4 -o addr show dev eth0 scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }'; }
C1=$(ip_of c1) C2=$(ip_of c2)
pretty "c1 $C1 (LibreMesh.org), c2 $C2 (other.net)"
[[ $C1 == 10.13.* && $C2 == 10.232.* ]] || fail "clients not in their clouds: $C1 $C2"

# --- the VLAN interfaces and babeld -----------------------------------
for n in n1 n2; do
	peer=$([[ $n == n1 ]] && echo n2 || echo n1)
	mx "$n" ip -br addr show dev "m-${peer}_17" >"$TMP/if" 2>&1 || fail "$n has no m-${peer}_17: $(cat "$TMP/if")"
	grep -q '/32' "$TMP/if" || fail "m-${peer}_17 on $n has no /32: $(cat "$TMP/if")"
	grep -q '^interface m-'"$peer"'_17 type wireless$' "$D/$n/babeld.conf" || fail "babeld.conf on $n: $(cat "$D/$n/babeld.conf")"
	grep -q '^local-port 30003$' "$D/$n/babeld.conf" || fail "babeld.conf without LibreMesh's local-port"
done
pid1=$(mctl n1 status --json | python3 -c 'import json, sys; print([d for d in json.load(sys.stdin) if d["daemon"] == "l2meshd"][0]["babeld_pid"])')
restarts() { mctl n1 status --json | grep -o '"babeld_restarts":[0-9]*' | cut -d: -f2; }
[[ $pid1 -gt 0 ]] && kill -0 "$pid1" || fail "n1's l2meshd reports no running babeld ($pid1)"
pretty "m-n2_17 / m-n1_17 with the node's /32; babeld (pid $pid1 on n1) with lime-proto-babeld's config"
# one frame is the proof: babeld's hellos (4 s on a wireless interface,
# jittered) can leave a single one in a short window on a loaded box
mx n1 timeout 15 tcpdump -i m-n2 -c 1 -nn \
	'ether[12:2] = 0x88a8 and (ether[14:2] & 0x0fff) = 17 and ether[16:2] = 0x86dd' \
	>"$TMP/td" 2>&1 || fail "no 802.1ad VLAN 17 IPv6 (babel) on the wire: $(cat "$TMP/td")"
pretty "on the wire: 802.1ad VLAN 17 carries babel's IPv6"

# --- routes between the clouds ----------------------------------------
t0=${EPOCHREALTIME/,/.}
wait_for 40 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip route | grep -q '^10.232.0.0/16 .*proto babel'" ||
	fail "n1 learned no route to 10.232.0.0/16 from babel: $(mx n1 ip route)"
wait_for 20 sh -c "'$MESHLAB' exec --name '$LAB' n2 ip route | grep -q '^10.13.0.0/16 .*proto babel'" ||
	fail "n2 learned no route to 10.13.0.0/16 from babel: $(mx n2 ip route)"
pretty "babel routes both ways after $(elapsed "$t0")s: $(mx n1 ip route | grep 'proto babel' | head -1)"
converge_ping 20 c1 "$C2" >/dev/null
pretty "c1 reaches c2 across the clouds over babel"

# --- supervision --------------------------------------------------------
babel_pid() {
	mctl "$1" status --json | python3 -c 'import json, sys; print([d for d in json.load(sys.stdin) if d["daemon"] == "l2meshd"][0]["babeld_pid"])'
}
kill -9 "$pid1"
t0=${EPOCHREALTIME/,/.}
# shellcheck disable=SC2016
wait_for 10 bash -c 'p=$("$0" exec --name "$1" n1 meshctl status --json | grep -o "\"babeld_pid\":[0-9]*" | cut -d: -f2); [[ $p -gt 0 && $p != "$2" ]]' \
	"$MESHLAB" "$LAB" "$pid1" || fail "l2meshd did not start babeld again: $(tail -3 "$D/n1/l2meshd.log")"
pid1b=$(babel_pid n1)
grep -q 'babeld (pid [0-9]*) was killed by signal 9' "$D/n1/l2meshd.log" || fail "l2meshd did not log babeld's death"
assert_eq "babeld restarts on n1" 1 "$(restarts)"
pretty "babeld killed: started again (pid $pid1b) after $(elapsed "$t0")s"
converge_ping 40 c1 "$C2" >/dev/null
pretty "c1 reaches c2 again"
l2pid=$(cat "$D/n2/l2meshd.pid")
kill "$l2pid"
wait_for 5 sh -c "! kill -0 $l2pid 2>/dev/null" || fail "n2's l2meshd did not stop"
wait_for 5 sh -c "! '$MESHLAB' exec --name '$LAB' n2 ip route | grep -q 'proto babel'" ||
	fail "n2's babel routes stayed after l2meshd stopped: $(mx n2 ip route)"
pgrep -f "$D/n2/babeld.conf" >/dev/null && fail "n2's babeld runs on after l2meshd stopped"
pretty "l2meshd stopped on n2: its babeld and babel routes are gone"
"$MESHLAB" down --name "$LAB" >/dev/null 2>&1
LAB_OWNED=

# --- with l3routed beside it ------------------------------------------
COMMUNITY=$(community "	list protocols 'l3route'")
lab_up "community lab.conf
node n2 ap_ssid other.net
link n1 n2
client c1 n1
client c2 n2"
C2=$(ip_of c2)
[[ -S $D/n1/l3routed.sock ]] || fail "l3routed does not run with l3route listed"
wait_for 40 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip route | grep -q '^10.232.0.0/16 .*proto babel'" ||
	fail "no babel route with l3routed beside: $(mx n1 ip route)"
wait_for 40 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip route show table 201 | grep -q '^10.232.0.0/16'" ||
	fail "no l3routed route to 10.232.0.0/16 in table 201: $(mx n1 ip route show table 201)"
get=$(mx n1 ip route get "$C2")
pretty "both routers: main has $(mx n1 ip route | grep -c 'proto babel') babel routes, table 201 l3routed's; ip route get $C2: $get"
[[ $get != *m-n2_17* ]] || fail "babel's route won over l3routed's: $get"
converge_ping 20 c1 "$C2" >/dev/null
mx c1 ping -c 5 -i 0.2 -W 1 "$C2" >"$TMP/ping" || fail "c1 to c2 with both routers: $(tail -2 "$TMP/ping")"
grep -q 'Time to live exceeded' "$TMP/ping" && fail "a loop: $(cat "$TMP/ping")"
pretty "c1 reaches c2 with both routers (l3routed's route used, no loop)"
daemons_alive
pretty "ok"
