#!/bin/bash
# Every frame a live softmesh mesh puts on its links decodes in Wireshark's
# batadv dissector as batman-adv v15: nothing malformed or unknown, no TT
# CRC complaint. A 3-node line with clients, pings (one fragmenting link),
# broadcasts, client roaming between LAN ports is not needed here.
#   l2_live_tshark.sh MESHLAB
set -e
. "$(dirname "$0")/../netns/l2lib.sh"
l2_init "$@"
need_cmd tshark tcpdump busybox

lab_up "link n1 n2
link n2 n3 mtu 1500
client c1 n1
client c2 n3
client c3 n2"
# capture both of n2's mesh ports from the start of traffic
for p in m-n1 m-n3; do
	# only tagged frames: the kernel's own IPv6 chatter on the port is
	# not softmesh's (libpcap's vlan test sees offloaded tags too)
	mx n2 tcpdump -U -n -i "$p" -w "$TMP/$p.pcap" vlan >/dev/null 2>&1 &
	BG_PIDS="$BG_PIDS $!"
done
sleep 0.5
converge_ping 60 c1 10.13.250.2 >/dev/null
mx c1 ping -c 5 -i 0.2 10.13.250.2 >/dev/null
mx c1 ping -c 3 -i 0.2 -s 1472 10.13.250.2 >/dev/null || fail "fragmenting ping failed"
mx c1 ping -6 -c 3 -i 0.2 fd0d:fe46:8ce8::c:2 >/dev/null
mx c3 busybox arping -c 2 -w 3 -I eth0 10.13.250.99 >/dev/null 2>&1 || true
mctl n1 ping -c 2 "$(node_mac n3)" >/dev/null || fail "meshctl ping n1 -> n3"
sleep 3	# a few more OGM rounds with TT TVLVs
kill $BG_PIDS 2>/dev/null || true
wait 2>/dev/null || true

total=0
for p in m-n1 m-n3; do
	f=$TMP/$p.pcap
	count() { tshark -n -r "$f" ${1:+-Y "$1"} -T fields -e frame.number 2>/dev/null | wc -l; }
	v15="batadv.iv_ogm.version == 15 || batadv.unicast.version == 15 || batadv.unicast_4addr.version == 15 || batadv.bcast.version == 15 || batadv.icmp.version == 15 || batadv.unicast_frag.version == 15 || batadv.unicast_tvlv.version == 15"
	n=$(count "")
	notb=$(count "not batadv")
	not15=$(count "batadv and not ($v15)")
	pretty "$p: $n frames; not batadv: $notb; batadv but not version 15: $not15"
	[[ $n -gt 20 ]] || fail "$p: only $n frames captured"
	[[ $notb -eq 0 ]] || fail "$p: $notb frames are not batadv"
	[[ $not15 -eq 0 ]] || fail "$p: $not15 batadv frames are not version 15"
	tshark -n -r "$f" -V 2>/dev/null >"$TMP/$p.txt"
	if grep -n -e 'Malformed' -e 'BATADV_???' -e 'Unsupported Version' "$TMP/$p.txt" | head -3 | grep .; then
		fail "$p: malformed or unknown batadv frames"
	fi
	tshark -n -r "$f" -T fields -e frame.number -e _ws.expert.message 2>/dev/null |
		awk -F'\t' '$2 != ""' >"$TMP/$p.expert"
	[[ -s $TMP/$p.expert ]] && fail "$p expert info: $(head -5 "$TMP/$p.expert")"
	for t in iv_ogm unicast bcast icmp unicast_frag unicast_tvlv; do
		pretty "  $t: $(count "batadv.$t.version")"
	done
	total=$((total + n))
done
tt=$(tshark -n -r "$TMP/m-n1.pcap" -Y "batadv.tvlv.tt.vlan.crc" -T fields -e frame.number 2>/dev/null | wc -l)
pretty "OGMs with a TT VLAN CRC on m-n1: $tt"
[[ $tt -gt 0 ]] || fail "no OGM carried a TT TVLV with a VLAN CRC"
pretty "ok: $total frames decoded clean"
