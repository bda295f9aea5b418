#!/bin/bash
# A silent client survives its node's crash (issue 12): after kill -9 and
# a restart of the l2meshd it sits behind, the client is reachable within
# a few seconds without having sent a frame, because the restarted daemon
# announces the local clients it kept in rundir/l2meshd.tt. Without that it
# is in nobody's translation table and unicast to it is dropped.
#   l2_restart_tt.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"

lab_up "link n1 n2
link n2 n3
client c1 n1
client c2 n3"
converge_ping 60 c1 10.13.250.2 >/dev/null
rd=/run/softmesh-lab/$LAB/nodes/n3

# c1 and c2 never ARP again: c1's frames to c2 are unicast to a MAC only
# TT can place, and c2 says nothing unless a frame reaches it
c2mac=$(mx c2 cat /sys/class/net/eth0/address 2>/dev/null || true)
[[ -n $c2mac ]] || c2mac=$(mx c1 ip neigh show 10.13.250.2 | awk '{ print $5 }')
c1mac=$(mx c2 ip neigh show 10.13.250.1 | awk '{ print $5 }')
[[ -n $c2mac && -n $c1mac ]] || fail "no client MACs ($c1mac/$c2mac)"
dev1=$(mx c1 ip -o route get 10.13.250.2 | sed -n 's/.* dev \([^ ]*\).*/\1/p')
dev2=$(mx c2 ip -o route get 10.13.250.1 | sed -n 's/.* dev \([^ ]*\).*/\1/p')
mx c1 ip neigh replace 10.13.250.2 lladdr "$c2mac" dev "$dev1" nud permanent
mx c2 ip neigh replace 10.13.250.1 lladdr "$c1mac" dev "$dev2" nud permanent
mctl n3 tl | grep -qi "$c2mac" || fail "c2 ($c2mac) not in n3's local table"
sleep 2	# the state file is written at most once a second

daemon_cmdline "$LAB" n3 l2meshd
kill -KILL "$DAEMON_PID"
wait_for 5 proc_gone "$DAEMON_PID" || fail "kill -9 did not stop it"
sleep 1
t0=${EPOCHREALTIME/,/.}
daemon_start "$LAB" n3 l2meshd
mctl n3 tl | grep -qi "$c2mac" || fail "c2 not in n3's local table after the restart: $(mctl n3 tl)"
# no ping yet: one riding n1's old copy of n3's table would make c2
# answer and be learnt anew. Once n1 has n3's new table (a new TTVN, a
# request, a response: a few OGMs), c2 must be in it and reachable.
sleep 6
mctl n1 tg | grep -qi "$c2mac" || fail "c2 not in n1's global table 6 s after the restart: $(mctl n1 tg)"
got=$(mx c1 ping -c 5 -i 0.2 -W 1 10.13.250.2 | awk '/received/ { print $4 }')
[[ ${got:-0} -ge 4 ]] || fail "c2 unreachable 6 s after the restart (${got:-0}/5 replies)"
pretty "silent c2 in n1's table and reachable ($got/5) $(elapsed "$t0")s after n3's l2meshd came back from kill -9"

# a malformed state file is ignored, never fatal
daemon_cmdline "$LAB" n3 l2meshd
kill -KILL "$DAEMON_PID"
wait_for 5 proc_gone "$DAEMON_PID" || fail "kill -9 did not stop it"
printf 'softmesh-tt-local 1 12\nnot a line\n' >"$rd/l2meshd.tt"
daemon_start "$LAB" n3 l2meshd
grep -q "l2meshd.tt: ignored" "$rd/l2meshd.log" || fail "no warning for a malformed l2meshd.tt"
daemons_alive
pretty "ok"
