#!/bin/bash
# Started by hand as root, every daemon drops to the softmesh user with
# only its unit's capabilities once its devices and sockets are open
# (issue 16; doc/deploy.md "Privileges"), and the node still works:
#
#   c1 - n1 ---- n2
#          \     |
#           `-- g1 (gateway) - wan0 - inet (198.18.0.1)
#
#   1. /proc/PID/status of each daemon on each node: the softmesh uid (all
#      of real, effective, saved) and CapEff/CapPrm/CapAmb exactly the
#      daemon's list; CapBnd no more; its log says so;
#   2. c1 reaches the internet host through g1's gateway tunnel (TUN
#      devices, routes, the WAN check's ICMP socket, nft NAT: all done
#      after the drop where they change);
#   3. the link n1-g1 cut: n1's route to g1's node address moves to n2
#      (l3routed writes routes as softmesh) and c1 still reaches the
#      internet;
#   4. meshctl restart of l2meshd: it comes back (re-executed as the
#      softmesh user with the ambient capabilities) and still works.
#   privdrop.sh MESHLAB
set -e
export MESHLAB_USER=softmesh
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd nft
uid=$(softmesh_user "$(dirname "$0")/../../dist/softmesh.sysusers")
INET_IP=198.18.0.1
lab_up "node n1 hostname n1
node n2 hostname n2
node g1 hostname g1 gateway 1 gateway_check $INET_IP
link n1 n2
link n2 g1
link n1 g1
client c1 n1
internet inet g1"
D=/run/softmesh-lab/$LAB/nodes

# --- 1. who they run as ---------------------------------------------------
declare -A CAPS=([l2meshd]="CAP_NET_ADMIN CAP_NET_RAW" [l3routed]="CAP_NET_ADMIN CAP_NET_RAW"
	[anycastd]="CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE"
	[leasesyncd]="CAP_NET_ADMIN CAP_NET_RAW" [webuid]="CAP_NET_BIND_SERVICE")
check_daemon() { # NODE DAEMON
	local pid st want
	pid=$(cat "$D/$1/$2.pid")
	st=/proc/$pid/status
	wait_for 5 grep -q "running as softmesh (uid $uid)" "$D/$1/$2.log" ||
		fail "$2 on $1 did not say it dropped root: $(tail -3 "$D/$1/$2.log")"
	want=$(cap_mask ${CAPS[$2]})
	assert_eq "$1 $2 Uid" "$uid $uid $uid $uid" "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")"
	assert_eq "$1 $2 CapEff" "$want" "$(awk '/^CapEff:/ { print $2 }' "$st")"
	assert_eq "$1 $2 CapPrm" "$want" "$(awk '/^CapPrm:/ { print $2 }' "$st")"
	assert_eq "$1 $2 CapAmb" "$want" "$(awk '/^CapAmb:/ { print $2 }' "$st")"
	assert_eq "$1 $2 CapBnd" "$want" "$(awk '/^CapBnd:/ { print $2 }' "$st")"
}
for n in n1 n2 g1; do
	for d in l2meshd l3routed anycastd leasesyncd webuid; do
		check_daemon "$n" "$d"
	done
done
pretty "15 daemons: uid $uid, capabilities as their units ($(grep -h 'running as' "$D/g1/l3routed.log" | sed 's/.*notice: //'))"

# --- 2. the gateway tunnel ---------------------------------------------
t=$(converge_ping 60 c1 "$INET_IP")
pretty "c1 reaches $INET_IP through g1's tunnel after ${t}s (n1 has no other way out: $(mx n1 ip -4 route show default table all | head -1 | tr -s ' '))"

# --- 3. a link cut --------------------------------------------------------
g1addr=$(mctl g1 l3 status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["address"])')
route() { mx n1 ip -6 route show table 201 "$g1addr/128"; }
wait_for 30 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip -6 route show table 201 '$g1addr/128' | grep -q 'dev m-g1'" ||
	fail "n1's route to g1 ($g1addr) is not direct: $(route)"
"$MESHLAB" link --name "$LAB" n1 g1 down
wait_for 20 sh -c "'$MESHLAB' exec --name '$LAB' n1 ip -6 route show table 201 '$g1addr/128' | grep -q 'dev m-n2'" ||
	fail "n1's route to g1 did not move to n2 after the cut: $(route)"
pretty "link n1-g1 cut: n1's route to g1 now $(route | tr -s ' ')"
converge_ping 30 c1 "$INET_IP" >/dev/null
pretty "c1 still reaches $INET_IP"
"$MESHLAB" link --name "$LAB" n1 g1 up

# --- 4. a restart -------------------------------------------------------
old=$(cat "$D/n1/l2meshd.pid")
mctl n1 raw l2meshd '{"cmd":"restart"}' >/dev/null 2>&1 || true
wait_for 10 sh -c "[ \$(grep -c 'running as softmesh' '$D/n1/l2meshd.log') -ge 2 ]" ||
	fail "l2meshd did not come back after restart: $(tail -5 "$D/n1/l2meshd.log")"
assert_eq "n1 l2meshd pid after restart (re-executed in place)" "$old" "$(cat "$D/n1/l2meshd.pid")"
wait_for 5 test -S "$D/n1/l2meshd.sock" || fail "no l2meshd socket after restart"
check_daemon n1 l2meshd
converge_ping 30 c1 "$INET_IP" >/dev/null
pretty "l2meshd restarted as softmesh (same pid, same capabilities); c1 reaches $INET_IP"
daemons_alive
pretty "ok"
