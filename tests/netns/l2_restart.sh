#!/bin/bash
# A clean stop removes bat0, anygw and the control socket; a restart (after
# a clean stop, and after a kill -9) rejoins the mesh within 15 s: the OGM
# seqno kept in rundir means the peers do not sit out their 30 s restart
# protection. Its broadcasts get through at once too: the broadcast seqno
# is kept with it, so n2 drops none of them as duplicates of the old run.
#   l2_restart.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd busybox tcpdump

lab_up "link n1 n2
client c1 n1
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null
rd=/run/softmesh-lab/$LAB/nodes/n1
ns=sm-$LAB-n1

restart() { # start n1's l2meshd again as meshlab does
	setsid ip netns exec "$ns" sh -c 'echo $$ >"$0"; exec "$@"' "$rd/l2meshd.pid" \
		"$BINDIR/l2mesh/l2meshd" -c "$rd/node.conf" -R "$rd" </dev/null >>"$rd/l2meshd.log" 2>&1 &
	wait_for 5 test -S "$rd/l2meshd.sock" || fail "l2meshd did not come back: $(tail -3 "$rd/l2meshd.log")"
}

# bcast_through WHEN: 5 ARP requests from c1 for an address nobody has,
# each seen once at c2 (through n1's broadcasts to n2)
bcast_through() {
	# (timeout inside: killing meshlab exec would leave tcpdump writing)
	mx c2 timeout 8 tcpdump -l -n -i eth0 arp and host 10.13.250.99 >"$TMP/arp-c2" 2>/dev/null &
	local dump=$!
	sleep 1
	mx c1 busybox arping -c 5 -w 6 -I eth0 10.13.250.99 >/dev/null 2>&1 || true
	wait "$dump" 2>/dev/null || true
	local n
	n=$(grep -c "Request who-has 10.13.250.99" "$TMP/arp-c2" || true)
	pretty "$1: 5 ARP broadcasts from c1 seen $n times at c2"
	assert_eq "ARP requests at c2 $1" 5 "$n"
}
bcast_through "before any restart"

pid=$(cat "$rd/l2meshd.pid")
kill -TERM "$pid"
wait_for 5 proc_gone "$pid" || fail "l2meshd ignored SIGTERM"
ip -n "$ns" link show bat0 >/dev/null 2>&1 && fail "bat0 left behind after a clean stop"
ip -n "$ns" link show anygw >/dev/null 2>&1 && fail "anygw left behind after a clean stop"
[[ ! -e $rd/l2meshd.sock ]] || fail "control socket left behind"
mx c1 ping -c 1 -W 1 10.13.250.2 >/dev/null 2>&1 && fail "c1 still reaches c2 with n1's daemon stopped"
pretty "clean stop: bat0, anygw and the socket are gone"

restart
t=$(converge_ping 60 c1 10.13.250.2)
pretty "after a clean restart c1 reaches c2 again in ${t}s"
# the kept OGM seqno spares us the peers' 30 s restart protection
grep -q . "$rd/l2meshd.seqno" || fail "no kept seqno in $rd"
awk -v t="$t" 'BEGIN { exit !(t < 15) }' || fail "rejoin took ${t}s: the kept seqno did not help"
bcast_through "after a clean restart"

pid=$(cat "$rd/l2meshd.pid")
kill -KILL "$pid"
wait_for 5 proc_gone "$pid" || fail "kill -9 did not stop it"
restart	# the stale socket and the TAPs of the dead process are no obstacle
t=$(converge_ping 60 c1 10.13.250.2)
pretty "after kill -9 and a restart c1 reaches c2 again in ${t}s"
awk -v t="$t" 'BEGIN { exit !(t < 15) }' || fail "rejoin after a crash took ${t}s"
bcast_through "after kill -9 and a restart"
daemons_alive
pretty "ok"
