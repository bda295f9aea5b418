#!/bin/bash
# babeld's default route follows the WAN check, as LibreMesh's
# babeld-auto-gw-mode keeps it (issue 15 part 3; doc/l2meshd.md
# "babeld's default route"). Two gateways of one internet host, babel on
# VLAN 17 between them, a LibreMesh community file (no l3route):
#
#   c1 - n1 ~~~ babeld:17 ~~~ n2
#         \ wan0            / wan0
#          `---- inet -----'   (198.18.0.1, gateway_check on both)
#
#   1. both checks pass: each node holds `default ... proto 7 metric 10`
#      (a copy of its WAN default) and babeld.conf lets only proto 7
#      defaults out; c1's pings leave through n1's own WAN.
#   2. the internet cut behind n1's WAN port (the port stays up): within
#      a few seconds n1's proto 7 copy is gone, its WAN default demoted to
#      metric 84831, n1 routes to the internet over babel through n2, and
#      c1 still reaches the internet host, through n2 (nft counters there);
#      l2meshd says so in `meshctl status` (babeld_gw withdrawn) and as a
#      babeld_gw event to a subscriber.
#   3. the cut undone: the copy comes back, the WAN default is back at
#      metric 0, c1's pings go out of n1's WAN again.
#   4. cut again, then l2meshd stopped: the WAN default is back at metric 0
#      and no proto 7 route is left (nothing of the node's routing lost).
# The daemons run as the softmesh user (started as root, they drop it:
# common/privdrop.c), and so does babeld, which l2meshd starts after the
# drop: all of the above is done with CAP_NET_ADMIN, not root.
#   babel_autogw.sh MESHLAB
set -e
export MESHLAB_CLIENTS=static MESHLAB_USER=softmesh
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd babeld nft python3
uid=$(softmesh_user "$(dirname "$0")/../../dist/softmesh.sysusers")
INET_IP=198.18.0.1

COMMUNITY="# LibreMesh's shape: lime-community
config lime 'network'
	list protocols 'lan'
	list protocols 'anygw'
	list protocols 'batadv:%N1'
	list protocols 'babeld:17'
	option gateway_check '$INET_IP'"
lab_up "community lab.conf
node n1 hostname n1
node n2 hostname n2
link n1 n2
client c1 n1
internet inet n1 n2"
D=/run/softmesh-lab/$LAB/nodes
INET_NS=sm-$LAB-inet
# echo requests of c1 (ping -s 300; masqueraded to the WAN address, so
# told from the gateways' own checks by their length) through gwK
ip netns exec "$INET_NS" nft -f - <<'EOF'
table ip agwtest {
	counter g1 {}
	counter g2 {}
	chain in {
		type filter hook input priority 0; policy accept;
		iifname "gw1" ip length 328 icmp type echo-request counter name g1
		iifname "gw2" ip length 328 icmp type echo-request counter name g2
	}
}
EOF
inet_count() {
	ip netns exec "$INET_NS" nft list counter ip agwtest "$1" |
		awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
# ping_via gK: c1's ping (300 bytes) is answered and arrived through gK
ping_via() {
	local b
	b=$(inet_count "$1")
	mx c1 ping -c 1 -W 1 -s 300 "$INET_IP" >/dev/null 2>&1 && (($(inet_count "$1") > b))
}
gw_state() { # NODE -> babeld_gw.state of its l2meshd
	mctl "$1" status --json | python3 -c '
import json, sys
print([d for d in json.load(sys.stdin) if d["daemon"] == "l2meshd"][0]["babeld_gw"]["state"])'
}
p7() { mx "$1" ip -4 route show default proto 7; }
wan_default() { mx "$1" ip -4 route show default dev wan0 | grep -v 'proto 7' || true; }

# --- 1. both WANs work --------------------------------------------------
for n in n1 n2; do
	wait_for 5 test -s "$D/$n/babeld.conf" || fail "no babeld.conf on $n: $(tail -5 "$D/$n/l2meshd.log")"
	grep -q '^redistribute ip 0.0.0.0/0 le 0 proto 7 allow$' "$D/$n/babeld.conf" ||
		fail "$n's babeld.conf lets other defaults out: $(cat "$D/$n/babeld.conf")"
	wait_for 10 sh -c "'$MESHLAB' exec --name '$LAB' $n ip -4 route show default proto 7 | grep -q ' metric 10'" ||
		fail "$n has no proto 7 default: $(mx "$n" ip -4 route show default); $(tail -5 "$D/$n/l2meshd.log")"
done
for n in n1 n2; do
	wait_for 5 test -s "$D/$n/babeld.pid" || fail "no babeld on $n"
	bp=$(cat "$D/$n/babeld.pid")
	assert_eq "$n babeld Uid" "$uid $uid $uid $uid" "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$bp/status")"
	assert_eq "$n babeld CapEff" "$(cap_mask CAP_NET_ADMIN CAP_NET_RAW)" "$(awk '/^CapEff:/ { print $2 }' "/proc/$bp/status")"
	l2p=$(cat "$D/$n/l2meshd.pid")
	assert_eq "$n l2meshd uid" "$uid" "$(awk '/^Uid:/ { print $3 }' "/proc/$l2p/status")"
done
pretty "l2meshd and babeld run as softmesh (uid $uid) with cap_net_admin,cap_net_raw"
k=1
for n in n1 n2; do
	assert_eq "$n proto 7 default" "default via 100.64.$k.254 dev wan0 metric 10 " "$(p7 "$n")"
	assert_eq "$n babeld_gw" announced "$(gw_state "$n")"
	k=2
done
pretty "n1: $(p7 n1| tr -s ' '); n2: $(p7 n2 | tr -s ' ') (babeld.conf: proto 7 defaults only)"
t0=${EPOCHREALTIME/,/.}
converge_ping 40 c1 "$INET_IP" >/dev/null
wait_for 10 ping_via g1 || fail "c1's pings do not leave through n1's WAN while it works"
pretty "c1 reaches $INET_IP through n1's own WAN ($(elapsed "$t0")s)"

# --- 2. the internet cut behind n1's WAN --------------------------------
timeout 30 "$MESHLAB" exec --name "$LAB" n1 meshctl monitor -c 1 l2meshd babeld_gw >"$TMP/events" 2>&1 &
BG_PIDS+=" $!"
sleep 1
"$MESHLAB" link --name "$LAB" inet n1 down
t0=${EPOCHREALTIME/,/.}
wait_for 10 sh -c "[ -z \"\$('$MESHLAB' exec --name '$LAB' n1 ip -4 route show default proto 7)\" ]" ||
	fail "n1's proto 7 default stayed after its internet was cut: $(p7 n1)"
gone=$(elapsed "$t0")
wait_for 5 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip -4 route show default dev wan0 | grep -q 'metric 84831'" ||
	fail "n1's WAN default not demoted: $(mx n1 ip -4 route show default)"
assert_eq "n1 babeld_gw" withdrawn "$(gw_state n1)"
pretty "internet cut behind n1: proto 7 copy gone after ${gone}s, WAN default: $(wan_default n1 | tr -s ' ')"
wait_for 30 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip -4 route get $INET_IP | grep -q 'dev m-n2_17'" ||
	fail "n1 does not route to the internet over babel: $(mx n1 ip -4 route get $INET_IP); $(mx n1 ip -4 route show default)"
wait_for 20 ping_via g2 || fail "c1's pings do not go out through n2: $(mx n1 ip -4 route show default)"
pretty "n1 routes over babel ($(mx n1 ip -4 route show default proto babel | tr -s ' ')); c1 reaches the internet through n2 ($(elapsed "$t0")s)"
wait_for 5 grep -q '"withdrawn"' "$TMP/events" || fail "no babeld_gw event: $(cat "$TMP/events")"
pretty "event: $(grep -m1 withdrawn "$TMP/events" | cut -c1-160)"

# --- 3. back --------------------------------------------------------------
"$MESHLAB" link --name "$LAB" inet n1 up
t0=${EPOCHREALTIME/,/.}
wait_for 15 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip -4 route show default proto 7 | grep -q 'metric 10'" ||
	fail "n1's proto 7 default did not come back: $(mx n1 ip -4 route show default)"
assert_eq "n1 WAN default after the cut" "default via 100.64.1.254 " "$(wan_default n1)"
assert_eq "n1 babeld_gw" announced "$(gw_state n1)"
wait_for 20 ping_via g1 || fail "c1's pings do not leave through n1's WAN again: $(mx n1 ip -4 route get $INET_IP)"
pretty "internet back: proto 7 copy and WAN default at metric 0 after $(elapsed "$t0")s; c1 through n1 again"

# --- 4. l2meshd stopped while the WAN is demoted ------------------------
"$MESHLAB" link --name "$LAB" inet n1 down
wait_for 10 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip -4 route show default dev wan0 | grep -q 'metric 84831'" ||
	fail "n1's WAN default not demoted the second time"
l2pid=$(cat "$D/n1/l2meshd.pid") bpid=$(cat "$D/n1/babeld.pid")
ALLOW_DEAD="n1:l2meshd n1:babeld"	# l2meshd stops the babeld it started
kill "$l2pid"
wait_for 10 sh -c "! kill -0 $l2pid 2>/dev/null" || fail "n1's l2meshd did not stop"
proc_gone "$bpid" || fail "n1's babeld (pid $bpid) outlived its l2meshd"
[[ ! -e $D/n1/babeld.pid ]] || fail "n1's babeld.pid is left behind: $(tail -3 "$D/n1/l2meshd.log")"
assert_eq "n1 WAN default after l2meshd stopped" "default via 100.64.1.254 " "$(wan_default n1)"
assert_eq "n1 proto 7 defaults after l2meshd stopped" "" "$(p7 n1)"
pretty "l2meshd stopped: its babeld gone, n1's WAN default back at metric 0, no proto 7 route left"
"$MESHLAB" link --name "$LAB" inet n1 up
pretty "ok"
