#!/bin/bash
# Smoke test of the kernel VM kit: two VMs with Debian's batman-adv on one
# Linux bridge find each other and carry pings, first on plain eth0 with
# batman-adv's defaults, then on 802.1ad VLAN 29 with LibreMesh's settings
# (lime-proto-batadv). Prints one TAP-style line per check; exit 0 only
# if all pass. Run as root:
#   smoke.sh [CACHE]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
export SOFTMESH_KERNEL_CACHE=${1:-${SOFTMESH_KERNEL_CACHE:-/var/cache/softmesh/kernel}}
NS=smk-hub
BR=smk-br0
# smk- names throughout: other people's labs share this machine
VMS=(smk-k1 smk-k2)
declare -A TAP=([smk-k1]=smk-k1t [smk-k2]=smk-k2t)
declare -A MAC=([smk-k1]=02:00:5e:10:00:01 [smk-k2]=02:00:5e:10:00:02)
declare -A IP=([smk-k1]=1 [smk-k2]=2)
CONVERGE_S=45
T0=$(date +%s%N)
STARTED=()
FAILED=0
LOG=$(mktemp /tmp/smk-smoke.XXXXXX)

cleanup() {
	local vm
	# a start still under way would leave its VM behind
	wait || true
	for vm in "${STARTED[@]}"; do "$HERE/vm.sh" stop "$vm" >/dev/null 2>&1 & done
	wait || true
	ip netns del "$NS" 2>/dev/null || true
	rm -f "$LOG" "$LOG".*
	echo "# total $(secs "$(ms_since "$T0")") s, VMs and $NS removed"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { printf 'ok - %s\n' "$*"; }
not_ok() {
	printf 'not ok - %s\n' "$*"
	# the failing command's output, indented, to see why
	sed 's/^/#   /' "$LOG"
	FAILED=$((FAILED + 1))
}
# check DESC CMD...: one line for CMD's success, its output kept in LOG
check() {
	local desc=$1
	shift
	if "$@" >"$LOG" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}
# check_ping DESC VM ADDR [SIZE]
check_ping() {
	local desc=$1
	shift
	if ping_until "$@" >"$LOG" 2>&1; then
		ok "$desc: first reply after $(tail -n 1 "$LOG")"
	else
		not_ok "$desc"
	fi
}
vmx() { "$HERE/vm.sh" exec "$@"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
secs() { printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100)); }
other() { [[ $1 == "${VMS[0]}" ]] && echo "${VMS[1]}" || echo "${VMS[0]}"; }

# lime_mac VM: the MAC LibreMesh gives an Ethernet port's batman VLAN:
# 02, bytes 2-3 of md5("eth0\n"), the node's last three MAC bytes.
lime_mac() {
	local id
	id=$(echo eth0 | md5sum)
	echo "02:${id:2:2}:${id:4:2}:${MAC[$1]:9}"
}

# wait_orig VM ORIG: VM's batctl o has ORIG as a best route; prints the
# time that took.
wait_orig() {
	local t
	t=$(date +%s%N)
	vmx "$1" --timeout "$((CONVERGE_S + 10))" "i=0; while [ \$i -lt $((CONVERGE_S * 4)) ]; do
		batctl o -H | grep -q '^ \* $2 ' && exit 0; sleep 0.25; i=\$((i + 1)); done
		batctl o; exit 1"
	echo "$(secs "$(ms_since "$t")") s"
}

# ping_until VM ADDR [SIZE]: prints the time to the first reply, then
# wants three in a row. batman-adv's bridge loop avoidance (on by default)
# drops broadcasts from the mesh for 3 periods of 10 s after bat0 appears
# (BATADV_BLA_WAIT_PERIODS), so ARP needs about 30 s on a fresh mesh.
ping_until() {
	local t
	t=$(date +%s%N)
	vmx "$1" --timeout "$((CONVERGE_S + 10))" "i=0; while [ \$i -lt $((CONVERGE_S * 2)) ]; do
		ping -c 1 -W 1 -s ${3:-56} $2 >/dev/null 2>&1 && exec ping -c 3 -i 0.2 -W 2 -s ${3:-56} $2
		sleep 0.5; i=\$((i + 1)); done; exit 1"
	echo "$(secs "$(ms_since "$t")") s"
}

# settings VM: LibreMesh's batman-adv settings, read back
settings() {
	local got
	# shellcheck disable=SC2016 # expanded by the VM's shell
	got=$(vmx "$1" 'echo routing_algo=$(batctl ra | sed -n "s/^ \* bat0: //p") \
		orig_interval=$(batctl it) bridge_loop_avoidance=$(batctl bl) \
		multicast_mode=$(batctl mm) distributed_arp_table=$(batctl dat) \
		gw_mode=$(batctl gw | cut -d" " -f1)')
	echo "$got"
	[[ $got == "routing_algo=BATMAN_IV orig_interval=2000 bridge_loop_avoidance=enabled multicast_mode=disabled distributed_arp_table=disabled gw_mode=client" ]]
}

# wire_vlan29: on the hub bridge, batman-adv frames go 802.1ad-tagged with
# VID 29 and none untagged.
wire_vlan29() {
	local cap
	command -v tcpdump >/dev/null || { echo "no tcpdump on the host"; return 1; }
	# 5 s: two or three OGM intervals of each node
	cap=$(timeout 5 ip netns exec "$NS" tcpdump -l -n -e -i "$BR" 2>/dev/null || true)
	echo "$cap" | grep -v '^[[:space:]]' | tail -n 5
	# tcpdump names 0x4305 "Unknown" or "BATMAN" by version
	echo "$cap" | grep -q 'ethertype 802.1Q-QinQ (0x88a8), length [0-9]*: vlan 29, p 0, ethertype [A-Za-z]* (0x4305)' &&
		! echo "$cap" | grep -q 'ethertype [A-Za-z]* (0x4305), length'
}

setup_eth0() {
	vmx "$1" "batctl ra BATMAN_IV && batctl if add eth0 &&
		ip addr add 10.200.0.${IP[$1]}/24 dev bat0 && ip link set bat0 up && batctl o -H >/dev/null"
}

# setup_vlan29 VM: what lime-proto-batadv makes of an Ethernet port,
# with anygw among the protocols (LibreMesh's default)
setup_vlan29() {
	vmx "$1" "ip link del bat0 &&
		ip link add link eth0 name eth0.29 type vlan proto 802.1ad id 29 &&
		ip link set eth0.29 address $(lime_mac "$1") mtu 1496 up &&
		ip link add bat0 type batadv ra BATMAN_IV &&
		batctl meshif bat0 orig_interval 2000 &&
		batctl meshif bat0 bridge_loop_avoidance 1 &&
		batctl meshif bat0 multicast_mode 0 &&
		batctl meshif bat0 distributed_arp_table 0 &&
		batctl meshif bat0 gw_mode client &&
		batctl meshif bat0 if add eth0.29 &&
		ip addr add 10.29.0.${IP[$1]}/24 dev bat0 && ip link set bat0 up"
}

[[ $EUID -eq 0 ]] || { echo "not ok - smoke.sh must run as root"; exit 1; }
check "kernel cache ready ($SOFTMESH_KERNEL_CACHE)" "$HERE/fetch.sh" "$SOFTMESH_KERNEL_CACHE"
[[ $FAILED -eq 0 ]] || exit 1
echo "# $(paste -sd';' "$SOFTMESH_KERNEL_CACHE/versions.txt" | sed 's/;/, /g')"

ip netns add "$NS"
ip -n "$NS" link add "$BR" type bridge
ip -n "$NS" link set "$BR" up

for vm in "${VMS[@]}"; do
	! "$HERE/vm.sh" list | grep -q "^$vm " || { echo "not ok - $vm is running already (another smoke?)"; exit 1; }
done
# both boot at once, one core each; from here on the VMs are ours to stop
STARTED=("${VMS[@]}")
for vm in "${VMS[@]}"; do
	"$HERE/vm.sh" start "$vm" "$NS" "${TAP[$vm]}" "${MAC[$vm]}" >"$LOG.$vm" 2>&1 &
done
wait
for vm in "${VMS[@]}"; do
	if grep -q " up in " "$LOG.$vm"; then
		ok "$vm booted in $(sed -n 's/.* up in \([0-9.]*\) s.*/\1/p' "$LOG.$vm") s"
		ip -n "$NS" link set "${TAP[$vm]}" master "$BR"
	else
		cp "$LOG.$vm" "$LOG"
		not_ok "$vm booted"
	fi
	rm -f "$LOG.$vm"
done
[[ $FAILED -eq 0 ]] || exit 1

for vm in "${VMS[@]}"; do
	check "$vm: bat0 with eth0, BATMAN_IV, batman-adv defaults" setup_eth0 "$vm"
done
for vm in "${VMS[@]}"; do
	o=$(other "$vm")
	if wait_orig "$vm" "${MAC[$o]}" >"$LOG" 2>&1; then
		ok "$vm has $o (${MAC[$o]}) as originator on eth0 after $(tail -n 1 "$LOG")"
	else
		not_ok "$vm has $o as originator on eth0"
	fi
done
for vm in "${VMS[@]}"; do
	o=$(other "$vm")
	check_ping "$vm pings $o (10.200.0.${IP[$o]}) over bat0 on eth0" "$vm" "10.200.0.${IP[$o]}"
done

for vm in "${VMS[@]}"; do
	check "$vm: bat0 on eth0.29 (802.1ad), LibreMesh's settings" setup_vlan29 "$vm"
	if settings "$vm" >"$LOG" 2>&1; then
		ok "$vm: read back: $(cat "$LOG")"
	else
		not_ok "$vm: LibreMesh's settings read back"
	fi
done
check "smk-k1: eth0.29 is 802.1ad VID 29, MTU 1496" \
	vmx smk-k1 "ip -d link show eth0.29 | grep -q 'mtu 1496 .*master bat0' &&
		ip -d link show eth0.29 | grep -q 'vlan protocol 802.1ad id 29 '"
for vm in "${VMS[@]}"; do
	o=$(other "$vm")
	if wait_orig "$vm" "$(lime_mac "$o")" >"$LOG" 2>&1; then
		ok "$vm has $o ($(lime_mac "$o")) as originator on VLAN 29 after $(tail -n 1 "$LOG")"
	else
		not_ok "$vm has $o as originator on VLAN 29"
	fi
done
for vm in "${VMS[@]}"; do
	o=$(other "$vm")
	check_ping "$vm pings $o (10.29.0.${IP[$o]}) over bat0 on VLAN 29" "$vm" "10.29.0.${IP[$o]}"
done
# a 1500-byte IP packet in 14 + 10 bytes of batman-adv unicast does not
# fit eth0.29's 1496: bat0 keeps MTU 1500 by fragmenting
check_ping "smk-k1 pings smk-k2 with 1500-byte packets over VLAN 29" smk-k1 10.29.0.2 1472
check "smk-k1 fragmented them (batctl s: frag_tx > 0)" \
	vmx smk-k1 "batctl s | grep -E 'frag_tx: [1-9]'"
check "on the wire: 802.1ad VID 29 batman-adv frames, no untagged ones" wire_vlan29

[[ $FAILED -eq 0 ]] || { echo "# $FAILED checks failed"; exit 1; }
echo "# all checks passed"
