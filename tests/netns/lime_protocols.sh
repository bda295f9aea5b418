#!/bin/bash
# LibreMesh's list protocols and DHCP range in a live lab (issue 15, doc/
# config.md "LibreMesh's files"): a community file in LibreMesh's shape
# whose list protocols names batadv:%N2, anygw, babeld:17 and not
# l3route, with anygw_dhcp_start/_limit. l2meshd tags the mesh links with
# 802.1ad VLAN 270 (29 + (N2 - 13) mod 256, N2 = 0xfe), seen on the wire;
# meshctl if shows it; l3routed does not start and meshlab says why;
# udhcpc clients get addresses inside the range and reach each other
# over the mesh.
#   lime_protocols.sh MESHLAB
set -e
export MESHLAB_CLIENTS=dhcp
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd tcpdump busybox python3

COMMUNITY="# LibreMesh's shape: lime-community
config lime 'network'
	list protocols 'lan'
	list protocols 'anygw'
	list protocols 'batadv:%N2'
	list protocols 'babeld:17'
	option anygw_dhcp_start '2562'
	option anygw_dhcp_limit '16'
	option batadv_orig_interval '1000'
config lime 'wifi'
	option ap_ssid 'LibreMesh.org'
	list modes 'ieee80211s'"
lab_up "community lab.conf
link n1 n2
client c1 n1
client c2 n2"

# --- what runs --------------------------------------------------------
grep -q "l3routed on n1: lime 'network' list protocols names no 'l3route'" "$TMP/up.log" ||
	fail "meshlab did not say why l3routed is not running: $(cat "$TMP/up.log")"
pretty "meshlab: $(grep -m1 'l3routed on n1' "$TMP/up.log")"
for n in n1 n2; do
	d=/run/softmesh-lab/$LAB/nodes/$n
	[[ ! -S $d/l3routed.sock ]] || fail "l3routed runs on $n"
	grep -q "not started: lime 'network' list protocols names no 'l3route'" "$d/l3routed.log" ||
		fail "l3routed's log on $n: $(cat "$d/l3routed.log")"
	[[ -S $d/anycastd.sock && -S $d/l2meshd.sock ]] || fail "anycastd or l2meshd missing on $n"
done
pretty "l3routed not started on n1, n2 (its log says why); l2meshd and anycastd run"

# --- the cloud VLAN from batadv:%N2 ------------------------------------
vid=$(mctl n1 if --json | python3 -c '
import json, sys
print(" ".join(str(r.get("vid")) for r in json.load(sys.stdin) if r.get("role") == "mesh"))')
assert_eq "n1's mesh port VLAN (meshctl if)" 270 "$vid"
mctl n1 if | grep -q 'VLAN' || fail "meshctl if has no VLAN column"
# 802.1ad (0x88a8) with VID 270 on the veth, batman inside (0x4305)
mx n1 timeout 5 tcpdump -i m-n2 -c 3 -nn -e \
	'ether[12:2] = 0x88a8 and (ether[14:2] & 0x0fff) = 270 and ether[16:2] = 0x4305' \
	>"$TMP/tcpdump" 2>&1 || fail "no 802.1ad VLAN 270 batman frames on n1's m-n2: $(cat "$TMP/tcpdump")"
pretty "on the wire: $(grep -m1 -o '802.1Q-QinQ.*vlan 270, p [0-9]*, ethertype [^,]*' "$TMP/tcpdump")"

# --- the DHCP range ---------------------------------------------------
for c in c1 c2; do
	read -r ip _ <"/run/softmesh-lab/$LAB/hosts/$c/lease" ||
		fail "$c has no lease: $(cat "/run/softmesh-lab/$LAB/hosts/$c/udhcpc.log")"
	last=${ip##*.} third=$(cut -d. -f3 <<<"$ip")
	[[ $ip == 10.13.10.* && $third == 10 && $last -ge 2 && $last -le 17 ]] ||
		fail "$c's address $ip is outside anygw_dhcp_start 2562 / limit 16 (10.13.10.2 .. 10.13.10.17)"
	pretty "$c: $ip (range 10.13.10.2 .. 10.13.10.17)"
	eval "ip_$c=$ip"
done
size=$(mctl n1 dhcp --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["pool_size"])')
assert_eq "n1's pool size (meshctl dhcp)" 16 "$size"
# shellcheck disable=SC2154
converge_ping 30 c1 "$ip_c2" >/dev/null
pretty "c1 reaches c2 ($ip_c2) over VLAN 270"
[[ ! -e /run/softmesh-lab/$LAB/nodes/n1/l3routed.pid ]] || fail "meshlab keeps a pid file for l3routed"
daemons_alive
pretty "ok"
