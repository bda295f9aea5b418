#!/bin/bash
# Kernel batman-adv nodes beside a meshlab lab (doc/kernel-vm.md), for the
# interop suite and `./run demo --with-kernel-node`. Source it; needs
# vm.sh's kernel cache (fetch.sh).
#
#   kn_start LAB NAME INDEX VID NODE...
#       boots kernel node NAME (INDEX 1..99) as a VM in namespace
#       sm-LAB-NAME (so `meshlab down` takes it too), one NIC per softmesh
#       NODE: the NIC's TAP moves into that node's namespace as m-NAME,
#       the mesh port the lab's `node NODE mesh_ports m-NAME` configured.
#       In the VM: batman-adv as LibreMesh's lime-proto-batadv sets it up,
#       on every ethI.VID (802.1ad, MTU 1496, a MAC of LibreMesh's form),
#       bat0 with MAC kn_mac INDEX and address NET.240.INDEX/16 (NET is
#       $KN_NET, 10.13 unless set: LibreMesh.org's cloud).
#       With KN_LAN="NS IFNAME", one more NIC is the node's LAN: its TAP
#       goes into namespace NS as IFNAME, and in the VM it is bridged with
#       bat0 in br-lan (LibreMesh's), the bridge holding bat0's address.
#   kn_babeld NAME VID        babeld in the VM on every ethI.VID, as
#       lime-proto-babeld sets it up (the node's IPv4 as a /32 on each)
#   kn_exec NAME CMD...       a shell command in the VM
#   kn_stop NAME
#   kn_orig INDEX I           the originator MAC of NAME's I-th NIC (0: the first)


KN_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KN_VM=$KN_HERE/vm.sh

kn_exec() { "$KN_VM" exec "$@"; }
kn_stop() { "$KN_VM" stop "$1" >/dev/null 2>&1 || true; }
kn_mac() { printf '02:4b:%02x:00:00:00' "$1"; }			# bat0
kn_nic_mac() { printf '02:4b:%02x:00:00:%02x' "$1" $(($2 + 1)); }	# ethI
# the VLAN interface's, as LibreMesh's get_id: 02, md5(ifname) bytes 2-3,
# the node's last three
kn_orig() {
	local id
	id=$(echo "eth$2" | md5sum)
	printf '02:%s:%s:4b:%02x:%02x' "${id:2:2}" "${id:4:2}" "$1" $(($2 + 1))
}

kn_start() {
	local lab=$1 name=$2 idx=$3 vid=$4 ns i node setup
	shift 4
	ns=sm-$lab-$name
	local -a nics=()
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	i=0
	for node in "$@"; do
		if ((i == 0)); then
			nics+=("kt$i" "$(kn_nic_mac "$idx" "$i")")
		else
			nics+=(--nic "kt$i" "$(kn_nic_mac "$idx" "$i")")
		fi
		i=$((i + 1))
	done
	# one more try: under load a VM has been seen not to answer its first
	# 60 s (2 boots in ~10; vm.sh keeps RUNDIR/failed-NAME to look at)
	if [[ -n ${KN_LAN:-} ]]; then
		nics+=(--nic "kt$i" "$(kn_nic_mac "$idx" "$i")")
	fi
	"$KN_VM" start "$name" "$ns" "${nics[@]}" ||
		{ echo "klib: $name did not come up; trying once more" >&2
		  "$KN_VM" start "$name" "$ns" "${nics[@]}"; } || return 1
	# each TAP to its softmesh node, named as its mesh port
	i=0
	for node in "$@"; do
		# under a name no other kernel node's TAP has: two VMs booting
		# at once move their kt0 into the same node
		ip -n "$ns" link set "kt$i" name "kt-$name-$i"
		ip -n "$ns" link set "kt-$name-$i" netns "sm-$lab-$node"
		ip -n "sm-$lab-$node" link set "kt-$name-$i" name "m-$name"
		ip -n "sm-$lab-$node" link set "m-$name" up
		i=$((i + 1))
	done
	setup="ip link add bat0 type batadv ra BATMAN_IV"
	for ((i = 0; i < $#; i++)); do
		setup+=" && ip link add link eth$i name eth$i.$vid type vlan proto 802.1ad id $vid"
		setup+=" && ip link set eth$i.$vid address $(kn_orig "$idx" "$i") mtu 1496 up"
		setup+=" && batctl meshif bat0 if add eth$i.$vid"
	done
	# lime-proto-batadv: BATMAN_IV, orig_interval 2000, bridge loop
	# avoidance on, multicast_mode 0; with anygw: DAT off, gw_mode client
	setup+=" && batctl meshif bat0 orig_interval 2000 && batctl meshif bat0 bridge_loop_avoidance 1"
	setup+=" && batctl meshif bat0 multicast_mode 0 && batctl meshif bat0 distributed_arp_table 0"
	setup+=" && batctl meshif bat0 gw_mode client"
	if [[ -z ${KN_LAN:-} ]]; then
		setup+=" && ip link set bat0 address $(kn_mac "$idx") up && ip addr add ${KN_NET:-10.13}.240.$idx/16 dev bat0"
	else
		# the LAN NIC is the last one, eth$#
		local lns=${KN_LAN% *} lif=${KN_LAN#* }
		ip -n "$ns" link set "kt$#" name "kt-$name-$#"
		ip -n "$ns" link set "kt-$name-$#" netns "$lns"
		ip -n "$lns" link set "kt-$name-$#" name "$lif"
		ip -n "$lns" link set "$lif" up
		setup+=" && ip link set bat0 address $(kn_mac "$idx") up"
		setup+=" && ip link add br-lan type bridge && ip link set br-lan address $(kn_mac "$idx")"
		setup+=" && ip link set bat0 master br-lan && ip link set eth$# master br-lan"
		setup+=" && ip link set eth$# up && ip link set br-lan up"
		setup+=" && ip addr add ${KN_NET:-10.13}.240.$idx/16 dev br-lan"
	fi
	kn_exec "$name" "$setup"
}

kn_babeld() {
	local name=$1 vid=$2 ifs="" i n addr
	n=$(kn_exec "$name" 'ls -d /sys/class/net/eth[0-9] | wc -l')
	addr=$(kn_exec "$name" "ip -4 -o addr show dev bat0" | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
	local setup="true"
	for ((i = 0; i < n; i++)); do
		setup+=" && ip link add link eth$i name eth$i.$vid type vlan proto 802.1ad id $vid"
		setup+=" && ip link set eth$i.$vid mtu 1496 up && ip addr add $addr/32 dev eth$i.$vid"
		ifs+=" eth$i.$vid"
	done
	# lime-proto-babeld's: local port 30003, these filters, wireless type
	setup+=" && printf '%s\\n' 'local-port 30003' 'redistribute ip fc00::/7 allow'"
	setup+=" 'redistribute ip 2000::/3 allow' 'redistribute ip ::/0 le 0 allow'"
	setup+=" 'redistribute ip 10.0.0.0/8 allow' 'redistribute ip 172.16.0.0/12 allow'"
	setup+=" 'redistribute ip 0.0.0.0/0 le 0 allow' 'redistribute local deny' 'redistribute deny'"
	for i in $ifs; do setup+=" 'interface $i type wireless'"; done
	setup+=" >/tmp/babeld.conf && babeld -D -c /tmp/babeld.conf -I /run/babeld.pid -S /run/babeld.state -L /run/babeld.log$ifs"
	kn_exec "$name" "$setup"
}
