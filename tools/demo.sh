#!/usr/bin/env bash
# The live demo: a lab mesh in network namespaces on the embedded default
# config. Usage: tools/demo.sh BUILD_DIR [--keep] [--with-kernel-node]
#   --keep              leave the lab (and the web UI forward) running
#   --with-kernel-node  add k1, the kernel's own batman-adv in a qemu VM
#                       (Debian 12's kernel, as LibreMesh sets it up),
#                       linked to n1: both kinds in one meshctl o
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
shift
keep="" kernel=""
for a in "$@"; do
	case $a in
	--keep) keep=--keep ;;
	--with-kernel-node) kernel=1 ;;
	*) echo "usage: ./run demo [--keep] [--with-kernel-node]" >&2; exit 2 ;;
	esac
done
top=$(cd "$(dirname "$0")/.." && pwd)
meshlab="$build/tools/meshlab/meshlab"
lab=demo
topo=$top/tools/demo.topo

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
# a client's IPv4 address, however it got it (DHCP or static)
cip() { "$meshlab" exec --name "$lab" "$1" ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }'; }

if [ "$(id -u)" != 0 ]; then
	echo "the demo builds network namespaces: run it as root" >&2
	exit 1
fi
"$meshlab" down --name "$lab" >/dev/null 2>&1 || true
if [ -n "$kernel" ]; then
	# shellcheck source=../tests/kernel/klib.sh
	. "$top/tests/kernel/klib.sh"
	kn_stop k1
	say "the kernel node: Debian 12's kernel and batman-adv for qemu (downloaded once, then cached)"
	"$top/tests/kernel/fetch.sh"
	# n1 gets a mesh port for it, m-k1, which the VM's NIC becomes
	topo=$(mktemp /tmp/softmesh-demo.XXXXXX.topo)
	sed 's/^node n1$/node n1 mesh_ports m-k1/' "$top/tools/demo.topo" >"$topo"
fi
cleanup() {
	[ -z "$kernel" ] || kn_stop k1
	"$meshlab" down --name "$lab" >/dev/null 2>&1 || true
}
if [ "$keep" != "--keep" ]; then
	trap cleanup EXIT
fi

say "bringing up the lab (tools/demo.topo)"
cat "$topo"
run "$meshlab" up "$topo" --name "$lab"
if [ -n "$kernel" ]; then
	say "k1: a kernel batman-adv node (qemu, BATMAN_IV on 802.1ad VLAN 29, LibreMesh's settings), linked to n1"
	kn_start "$lab" k1 1 29 n1
	rm -f "$topo"
fi
say "what meshlab built"
run "$meshlab" status --name "$lab"

say "daemons on node n1"
run "$meshlab" exec --name "$lab" n1 meshctl status

if [ ! -x "$build/l2mesh/l2meshd" ]; then
	say "l2meshd is not built: nothing more to show"
	exit 1
fi

if [ -x "$build/anycast/anycastd" ]; then
	say "every node is its clients' gateway: c1 got its addresses from n1 by DHCP and SLAAC"
	run "$meshlab" exec --name "$lab" c1 ip -br addr show dev eth0
	run "$meshlab" exec --name "$lab" c1 ip route
	run "$meshlab" exec --name "$lab" n1 meshctl leases
	say "c1's resolver is the anycast address; thisnode.info is its own node"
	run "$meshlab" exec --name "$lab" c1 cat /etc/resolv.conf
	run "$meshlab" exec --name "$lab" c1 getent ahosts thisnode.info
fi
c2ip=$(cip c2)

say "waiting for the mesh to converge (BATMAN IV: a few OGM intervals per hop)"
t0=$(date +%s)
until "$meshlab" exec --name "$lab" c1 ping -c 1 -W 1 "$c2ip" >/dev/null 2>&1; do
	now=$(date +%s)
	[ $((now - t0)) -lt 90 ] || { echo "no convergence after 90 s" >&2; exit 1; }
	printf '\r  %3d s' $((now - t0))
done
printf '\r  converged after %d s\n' $(($(date +%s) - t0))

say "client c1 (behind n1) pings client c2 (behind n5) across 4 mesh hops"
run "$meshlab" exec --name "$lab" c1 ping -c 4 -i 0.3 "$c2ip"
say "originators seen from n1 (batctl o)"
if [ -n "$kernel" ]; then
	for _ in $(seq 100); do
		"$meshlab" exec --name "$lab" n1 meshctl originators | grep -q "$(kn_orig 1 0)" && break
		sleep 0.2
	done
fi
run "$meshlab" exec --name "$lab" n1 meshctl originators
if [ -n "$kernel" ]; then
	say "the same mesh from the kernel node k1 (batctl in the VM): softmesh nodes are its originators"
	n1orig=$("$meshlab" exec --name "$lab" n1 meshctl raw l2meshd '{"cmd":"status"}' | sed -n 's/.*"originator":"\([^"]*\)".*/\1/p')
	kn_exec k1 --timeout 40 "i=0; while [ \$i -lt 120 ]; do batctl o -H | grep -q '$n1orig' && exit 0; sleep 0.25; i=\$((i + 1)); done; exit 0"
	echo "$ tests/kernel/vm.sh exec k1 batctl o"
	kn_exec k1 batctl o
	n5orig=$("$meshlab" exec --name "$lab" n5 meshctl raw l2meshd '{"cmd":"status"}' | sed -n 's/.*"originator":"\([^"]*\)".*/\1/p')
	echo "$ tests/kernel/vm.sh exec k1 batctl traceroute $n5orig"
	kn_exec k1 "batctl traceroute $n5orig"
fi
say "n1's neighbours and the clients each node announces (batctl n, tl, tg)"
run "$meshlab" exec --name "$lab" n1 meshctl neighbors
run "$meshlab" exec --name "$lab" n1 meshctl translocal
run "$meshlab" exec --name "$lab" n1 meshctl transglobal
say "batman-level traceroute from n1 to n5"
n5=$("$meshlab" exec --name "$lab" n5 meshctl raw l2meshd '{"cmd":"status"}' | sed -n 's/.*"originator":"\([^"]*\)".*/\1/p')
run "$meshlab" exec --name "$lab" n1 meshctl traceroute "$n5"
say "TCP from c1 to c2 (iperf3, 3 s)"
"$meshlab" exec --name "$lab" c2 iperf3 -s -1 -D
sleep 0.3
run "$meshlab" exec --name "$lab" c1 iperf3 -c "$c2ip" -t 3 | tail -4
say "n1's counters (batctl s), drops by reason"
run "$meshlab" exec --name "$lab" n1 meshctl statistics

if [ -x "$build/l3route/l3routed" ]; then
	c3=$(cip c3)
	say "layer 3: l3route joins cloud LibreMesh.org (n1-n5) and cloud cloudB (n6, n7)"
	run "$meshlab" exec --name "$lab" n5 meshctl links
	run "$meshlab" exec --name "$lab" n1 meshctl l3 originators
	run "$meshlab" exec --name "$lab" n1 meshctl routes
	say "client c1 (cloud LibreMesh.org) pings client c3 (cloud cloudB, $c3)"
	run "$meshlab" exec --name "$lab" c1 ping -c 4 -i 0.3 "$c3"
	say "smart gateway: n5 offers its uplink; every node tunnels Internet traffic to it"
	run "$meshlab" exec --name "$lab" n7 meshctl gw
	say "clients c1 and c3 ping the Internet host 198.18.0.1 (tunnel to n5, NAT there)"
	run "$meshlab" exec --name "$lab" c1 ping -c 3 -i 0.3 198.18.0.1
	run "$meshlab" exec --name "$lab" c3 ping -c 3 -i 0.3 198.18.0.1
fi

if [ -x "$build/anycast/anycastd" ]; then
	say "c1 roams from n1 to n2 and keeps its address; n2 leases it too"
	before=$(cip c1)
	run "$meshlab" move --name "$lab" c1 n2
	for _ in $(seq 50); do [ "$(cip c1)" = "$before" ] && break; sleep 0.1; done
	run "$meshlab" exec --name "$lab" c1 ip -br addr show scope global
	run "$meshlab" exec --name "$lab" n2 meshctl leases
	run "$meshlab" exec --name "$lab" c1 ping -c 3 -i 0.3 "$c2ip"
fi

if [ -x "$build/leasesync/leasesyncd" ] && [ -x "$build/anycast/anycastd" ]; then
	say "leasesync: the cloud shares its leases; c2's lease (leased by n5) as n1 sees it"
	c2mac=$("$meshlab" exec --name "$lab" c2 cat /sys/class/net/eth0/address)
	for _ in $(seq 150); do
		"$meshlab" exec --name "$lab" n1 meshctl sync records 66 | grep -q "$c2mac" && break
		sleep 0.1
	done
	run "$meshlab" exec --name "$lab" n1 meshctl sync
	run "$meshlab" exec --name "$lab" n1 meshctl sync records 66
	if command -v alfred >/dev/null; then
		say "the stock alfred client reads the same records from n1's leasesyncd"
		run "$meshlab" exec --name "$lab" n1 alfred -u "/run/softmesh-lab/$lab/nodes/n1/alfred.sock" -r 66
	fi
	say "names resolve across the cloud: c1 (at n2) looks up c2 (a client of n5)"
	run "$meshlab" exec --name "$lab" c1 getent ahosts c2
fi

if [ -x "$build/webui/webuid" ]; then
	say "the web UI: every client opens http://thisnode.info/, served by its own node"
	run "$meshlab" exec --name "$lab" c1 busybox wget -qO- http://thisnode.info/api/status
	echo
	if [ "$keep" = "--keep" ]; then
		say "the web UI of n1 on this host"
		"$meshlab" web --name "$lab" n1 --port 8080
		echo "open http://127.0.0.1:8080/ in a browser on this host"
		echo "(from another machine: ssh -L 8080:127.0.0.1:8080 root@THIS_HOST, then the same URL)"
		echo "a fresh node starts with its first-run setup: name it, name the community, set a password"
	else
		echo "to open it in a browser: ./run demo --keep, then http://127.0.0.1:8080/"
	fi
fi

if [ "$keep" = "--keep" ]; then
	say "lab '$lab' left running: $meshlab exec --name $lab NODE CMD..., then $meshlab down --name $lab"
	[ -z "$kernel" ] || echo "the kernel node: $top/tests/kernel/vm.sh exec k1 batctl o (stop it with vm.sh stop k1)"
fi
