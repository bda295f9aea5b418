#!/bin/bash
# softmesh's l2meshd against the kernel's own batman-adv (issue 15 part 2,
# doc/kernel-vm.md): Debian 12's kernel (batman-adv 2022.3, compat 15)
# under qemu TCG, as LibreMesh configures it (802.1ad VLAN 29, BATMAN_IV,
# orig_interval 2000, bridge loop avoidance on, multicast_mode 0, DAT
# off, gw_mode client), in a chain
#     c1 - n1 ~ k1 ~ n2 ~ k2        (n softmesh, k kernel, ~ VLAN 29)
#                  |
#                  c2
# so n1 and n2 talk only through the kernel node k1, and k1 and k2 only
# through the softmesh node n2. Both ways: originators, ping over bat0,
# each side's clients in the other's global TT, ARP and DHCP broadcasts,
# fragmentation, batman ICMP ping and traceroute, the gateway TVLV, the
# tag on the wire. Every check is one "ok - ..." line.
#   kernel_batman.sh MESHLAB
set -e
export MESHLAB_CLIENTS=static
. "$(dirname "$0")/kernlib.sh"
kern_init "$@"
need_cmd tcpdump
set +u
ok "kernel cache: $(paste -sd';' /var/cache/softmesh/kernel/versions.txt | sed 's/;/, /g')"
lab_up "node n1 mesh_ports m-k1
node n2 gateway 1 mesh_ports m-k1,m-k2:1500
client c1 n1
client c2 n2"
N1=$(node_mac n1) N2=$(node_mac n2)
IP1=$(mx n1 ip -4 -o addr show dev bat0 | awk '{ sub(/\/.*/, "", $4); print $4 }')
KVMS=(k1 k2)
kn_start "$LAB" k1 1 29 n1 n2 >"$TMP/k1.log" 2>&1 &
kn_start "$LAB" k2 2 29 n2 >"$TMP/k2.log" 2>&1 &
wait %1 || fail "k1: $(cat "$TMP/k1.log")"
wait %2 || fail "k2: $(cat "$TMP/k2.log")"
ok "k1 $(grep -o 'up in [0-9.]* s' "$TMP/k1.log"), k2 $(grep -o 'up in [0-9.]* s' "$TMP/k2.log"); bat0 on eth*.29"
K1=$(kn_orig 1 0) K2=$(kn_orig 2 0)
KB2=$(kn_mac 2)

got=$(kn_exec k1 'echo ra=$(batctl ra | sed -n "s/^ \* bat0: //p") it=$(batctl it) bl=$(batctl bl) mm=$(batctl mm) dat=$(batctl dat) gw=$(batctl gw | cut -d" " -f1) vlan=$(cat /proc/net/vlan/config 2>/dev/null | grep -c "| 29 ")')
[[ $got == "ra=BATMAN_IV it=2000 bl=enabled mm=disabled dat=disabled gw=client"* ]] ||
	fail "k1's batman settings: $got"
ok "k1 as LibreMesh: $got"
kn_exec k1 'ip -d link show eth0.29' | grep -q 'vlan protocol 802.1ad id 29' || fail "k1's eth0.29 is not 802.1ad VID 29"

# --- originators, both ways -------------------------------------------
wait_orig() { # NODE MAC: in meshctl o of a softmesh node
	wait_for 60 sh -c "'$MESHLAB' exec --name '$LAB' $1 meshctl o --json | grep -qi '\"originator\":\"$2\"'"
}
kwait_orig() { # VM MAC: in batctl o of a kernel node
	kn_exec "$1" --timeout 70 "i=0; while [ \$i -lt 240 ]; do batctl o -H | grep -qi '^ \\* $2 ' && exit 0; sleep 0.25; i=\$((i + 1)); done; batctl o; exit 1"
}
t=${EPOCHREALTIME/,/.}
wait_orig n1 "$K1" || fail "n1 never saw k1 ($K1): $(mctl n1 o)"
kwait_orig k1 "$N1" >"$TMP/o" || fail "k1 never saw n1 ($N1): $(cat "$TMP/o")"
ok "n1 and k1 are each other's originators ($(elapsed "$t") s)"
wait_orig n1 "$K2" || fail "n1 never saw k2 ($K2) through k1 and n2: $(mctl n1 o)"
kwait_orig k2 "$N1" >"$TMP/o" || fail "k2 never saw n1 through n2 and k1: $(cat "$TMP/o")"
ok "n1 and k2 see each other across k1 and n2 ($(elapsed "$t") s): $(mctl n1 o | grep -i "$K2" | head -1 | tr -s ' ')"
# the kernel reads only the first 512 bytes of an aggregate: no softmesh
# port facing a kernel node may send longer ones (bat_iv.c, port_long)
for np in n1:m-k1 n2:m-k1 n2:m-k2; do
	agg=$(mctl "${np%%:*}" if --json | python3 -c '
import json, sys
print([r["ogm_agg_max"] for r in json.load(sys.stdin) if r["ifname"] == sys.argv[1]][0])' "${np#*:}")
	[[ $agg -eq 512 ]] || fail "$np faces a kernel node but aggregates OGMs up to $agg bytes"
done
ok "OGM aggregates towards the kernel nodes: at most 512 bytes"

# --- ping over bat0 (ARP broadcast first) ------------------------------
# a fresh bat0 with bridge loop avoidance drops broadcasts from the mesh
# for its first 30 s (batman-adv's BLA wait periods): ARP waits for that
t=${EPOCHREALTIME/,/.}
kn_exec k2 --timeout 80 "i=0; while [ \$i -lt 70 ]; do ping -c 1 -W 1 $IP1 >/dev/null 2>&1 && exit 0; i=\$((i + 1)); done; exit 1" ||
	fail "k2 cannot ping n1's bat0 $IP1"
kn_exec k2 "ping -c 3 -i 0.2 -W 2 $IP1" >"$TMP/p" || fail "k2 -> n1 $IP1: $(cat "$TMP/p")"
ok "k2 pings n1 ($IP1) over bat0 after $(elapsed "$t") s (ARP across k1 and n2): $(tail -1 "$TMP/p")"
converge_ping 60 n1 10.13.240.2 >/dev/null
mx n1 ping -c 3 -i 0.2 -W 2 10.13.240.2 >"$TMP/p" || fail "n1 -> k2 10.13.240.2: $(cat "$TMP/p")"
ok "n1 pings k2 (10.13.240.2): $(tail -1 "$TMP/p")"

# --- forwarding: softmesh through kernel, kernel through softmesh ------
converge_ping 30 c1 10.13.250.2 >/dev/null
mx c1 ping -c 5 -i 0.2 -W 2 10.13.250.2 >"$TMP/p" || fail "c1 -> c2: $(cat "$TMP/p")"
ok "c1 (behind n1) pings c2 (behind n2) through the kernel node k1: $(tail -1 "$TMP/p")"
# k2's fresh bat0 may still be in its 30 s of bridge loop avoidance wait
kn_exec k1 --timeout 70 "i=0; while [ \$i -lt 60 ]; do ping -c 1 -W 1 10.13.240.2 >/dev/null 2>&1 && exit 0; i=\$((i + 1)); done; exit 1" ||
	fail "k1 cannot ping k2 through n2"
kn_exec k1 "ping -c 3 -i 0.2 -W 2 10.13.240.2" >"$TMP/p" || fail "k1 -> k2: $(cat "$TMP/p")"
ok "k1 pings k2 through the softmesh node n2: $(tail -1 "$TMP/p")"

# --- translation tables, both ways -------------------------------------
C1MAC=$(mx c1 cat /sys/class/net/eth0/address)
kn_exec k2 "batctl tg -H" >"$TMP/tg"
grep -qi "$C1MAC" "$TMP/tg" || fail "c1 ($C1MAC) is not in k2's global TT: $(cat "$TMP/tg")"
ok "c1 ($C1MAC, behind softmesh n1) in k2's global TT: $(grep -i "$C1MAC" "$TMP/tg" | tr -s ' ' | head -1)"
wait_for 10 sh -c "'$MESHLAB' exec --name '$LAB' n1 meshctl tg --json | grep -qi '$KB2'" ||
	fail "k2's bat0 ($KB2) is not in n1's global TT: $(mctl n1 tg)"
ok "k2's bat0 ($KB2) in n1's global TT"

# --- the gateway TVLV: n2 offers, the kernel nodes list it --------------
kn_exec k1 --timeout 40 "i=0; while [ \$i -lt 60 ]; do batctl gwl -H | grep -qi '$N2' && exit 0; sleep 0.5; i=\$((i + 1)); done; batctl gwl; exit 1" >"$TMP/g" ||
	fail "k1's gateway list lacks n2 ($N2): $(cat "$TMP/g")"
ok "n2's gateway offer in k1's batctl gwl: $(kn_exec k1 'batctl gwl -H' | grep -i "$N2" | tr -s ' ' | head -1)"

# --- DHCP broadcast: a kernel node's client gets a lease from anycastd --
kn_exec k1 --timeout 30 "udhcpc -i bat0 -n -q -t 6 -T 2 -s /bin/true" >"$TMP/dh" 2>&1 ||
	fail "udhcpc on k1's bat0 got no lease: $(cat "$TMP/dh")"
ok "DHCP from k1's bat0 answered by the cloud: $(grep -o 'lease of [0-9.]* obtained[^,]*' "$TMP/dh" | head -1)"

# --- fragmentation, both ways -------------------------------------------
# k2's hard interface is 1496 (LibreMesh's on Ethernet), n2's port to k2
# 1500: full-size frames are fragmented each way
kn_exec k2 "ping -c 3 -i 0.2 -W 2 -s 1472 $IP1" >"$TMP/p" || fail "1500-byte ping k2 -> n1: $(cat "$TMP/p")"
ftx=$(kn_exec k2 "batctl s" | awk '/frag_tx:/ { print $2 }')
[[ ${ftx:-0} -gt 0 ]] || fail "k2 fragmented nothing (frag_tx ${ftx:-none})"
# n2 passes k2's fragments on (k1's hard interface is as small); n1 joins them
ffwd=$(counter n2 frag_fwd) frx=$(counter n1 frag_rx)
mx c2 ping -c 3 -i 0.2 -W 2 -s 1472 10.13.240.2 >"$TMP/p" || fail "1500-byte ping c2 -> k2: $(cat "$TMP/p")"
ftx2=$(counter n2 frag_tx)
krx=$(kn_exec k2 "batctl s" | awk '/frag_rx:/ { print $2 }')
[[ $frx -gt 0 && $ftx2 -gt 0 && ${krx:-0} -gt 0 ]] ||
	fail "fragments: k2 frag_tx $ftx, n2 frag_fwd $ffwd, n1 frag_rx $frx, n2 frag_tx $ftx2, k2 frag_rx $krx"
ok "1500-byte pings both ways: k2 frag_tx $ftx -> n2 frag_fwd $ffwd -> n1 frag_rx $frx; n2 frag_tx $ftx2 -> k2 frag_rx $krx"

# --- batman ICMP: ping and traceroute, both ways ------------------------
kn_exec k2 "batctl ping -c 3 $N1" >"$TMP/bp" || fail "batctl ping k2 -> n1: $(cat "$TMP/bp")"
ok "batctl ping k2 -> n1: $(grep -o '[0-9]* packets transmitted.*' "$TMP/bp")"
kn_exec k2 "batctl traceroute $N1" >"$TMP/bt" || fail "batctl traceroute k2 -> n1: $(cat "$TMP/bt")"
hops=$(grep -c '^ *[0-9]*: ' "$TMP/bt")
[[ $hops -eq 3 ]] || fail "batctl traceroute k2 -> n1: $hops hops, 3 expected (n2, k1, n1): $(cat "$TMP/bt")"
ok "batctl traceroute k2 -> n1: 3 hops: $(grep '^ *[0-9]*: ' "$TMP/bt" | awk '{ print $2 }' | paste -sd' ')"
mctl n1 ping -c 3 "$K2" >"$TMP/mp" || fail "meshctl ping n1 -> k2: $(cat "$TMP/mp")"
ok "meshctl ping n1 -> k2: $(grep -o '[0-9]* packets transmitted.*' "$TMP/mp")"
mctl n1 traceroute "$K2" >"$TMP/mt" || fail "meshctl traceroute n1 -> k2: $(cat "$TMP/mt")"
ok "meshctl traceroute n1 -> k2: $(grep -c '^ *[0-9]*: ' "$TMP/mt") hops"

# --- on the wire ----------------------------------------------------------
# by tcpdump's decoding: a tag the kernel keeps beside the frame (qemu's
# TAP) is not at offset 12 for a BPF filter
mx n1 timeout 5 tcpdump -i m-k1 -c 30 -nn -e >"$TMP/td" 2>&1 || true
tagged=$(grep -c 'ethertype 802.1Q-QinQ (0x88a8), length [0-9]*: vlan 29, p 0, ethertype [A-Za-z]* (0x4305)' "$TMP/td" || true)
untagged=$(grep -c 'ethertype [A-Za-z]* (0x4305), length' "$TMP/td" || true)
[[ $tagged -gt 0 && $untagged -eq 0 ]] ||
	fail "on n1's m-k1: $tagged VLAN 29 batman frames, $untagged untagged: $(head -5 "$TMP/td")"
ok "on the wire between n1 and k1: $tagged batman frames, all 802.1ad VLAN 29"
daemons_alive
ok "all checks passed in $(elapsed "$T0") s"
