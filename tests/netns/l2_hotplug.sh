#!/bin/bash
# A mesh interface that goes away while l2meshd runs (a USB radio pulled)
# is closed and shown "gone", the daemon does not spin, and when the
# interface comes back it is reopened and the mesh heals. And l2meshd
# started before its mesh interface exists (a radio that comes up late at
# boot) starts, shows the port gone, and forms the mesh once it appears.
#   l2_hotplug.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd python3

lab_up "link n1 n2
client c1 n1
client c2 n2"
converge_ping 60 c1 10.13.250.2 >/dev/null
n1=sm-$LAB-n1 n2=sm-$LAB-n2
mac1=$(ip -n "$n1" -o link show m-n2 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mac2=$(ip -n "$n2" -o link show m-n1 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
port_status() { # NODE PORT
	mctl "$1" interface --json | python3 -c '
import json, sys
print(next(r["status"] for r in json.load(sys.stdin) if r["ifname"] == sys.argv[1]))' "$2"
}

ip -n "$n1" link del m-n2	# both ends of the veth go
wait_for 5 sh -c "[ \"\$($MESHLAB exec --name $LAB n1 meshctl interface --json | grep -c '\"gone\"')\" -ge 1 ]" ||
	fail "n1 does not show m-n2 gone"
assert_eq "n1 m-n2" gone "$(port_status n1 m-n2)"
assert_eq "n2 m-n1" gone "$(port_status n2 m-n1)"
mx c1 ping -c 1 -W 1 10.13.250.2 >/dev/null 2>&1 && fail "c1 reaches c2 with the link gone"
sleep 2
pid=$(cat "/run/softmesh-lab/$LAB/nodes/n1/l2meshd.pid")
cpu=$(ps -o pcpu= -p "$pid" | tr -d ' ')
pretty "l2meshd CPU with its port gone: ${cpu}%"
awk -v c="$cpu" 'BEGIN { exit !(c < 20) }' || fail "l2meshd spins (${cpu}% CPU) with a port gone"

# the n1-n2 veth again, as meshlab made it
link_back() {
	ip link add m-n2 netns "$n1" address "$mac1" mtu 1532 type veth peer name m-n1 netns "$n2" address "$mac2" mtu 1532
	ip -n "$n1" link set m-n2 up
	ip -n "$n2" link set m-n1 up
}

link_back
t=$(converge_ping 60 c1 10.13.250.2)
pretty "interface back: c1 reaches c2 again after ${t}s"
assert_eq "n1 m-n2" active "$(port_status n1 m-n2)"
grep -q "port m-n2 is back" "/run/softmesh-lab/$LAB/nodes/n1/l2meshd.log" || fail "no 'is back' in n1's log"

daemon_cmdline "$LAB" n1 l2meshd
kill -TERM "$DAEMON_PID"
wait_for 5 proc_gone "$DAEMON_PID" || fail "l2meshd did not stop"
ip -n "$n1" link del m-n2
daemon_start "$LAB" n1 l2meshd
sleep 1
rundir=/run/softmesh-lab/$LAB/nodes/n1
proc_gone "$(cat "$rundir/l2meshd.pid")" && fail "l2meshd died: $(tail -3 "$rundir/l2meshd.log")"
assert_eq "n1 m-n2 before it exists" gone "$(port_status n1 m-n2)"
link_back
t=$(converge_ping 60 c1 10.13.250.2)
pretty "l2meshd started before m-n2 existed: the mesh formed ${t}s after it appeared"
assert_eq "n1 m-n2" active "$(port_status n1 m-n2)"
daemons_alive
pretty "ok"
