#!/bin/bash
# meshlab features on a small lab: exec, daemons, node.conf, clients,
# radios (hub), internet hosts, link down/up/set, topology errors, gen.
#   meshlab_exec.sh [MESHLAB]
set -e
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
lib_init "$@"
need_netns
need_cmd ping md5sum python3 awk

LAB=e$$
LAB2=f$$
TMP=$(mktemp -d)
cleanup() {
	set +e
	"$MESHLAB" down --name "$LAB" >/dev/null 2>&1
	"$MESHLAB" down --name "$LAB2" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

make_fake_bindir "$TMP/bin"
export SOFTMESH_BINDIR=$TMP/bin
STATE=/run/softmesh-lab/$LAB
ns() { printf 'sm-%s-%s' "$LAB" "$1"; }
mx() { "$MESHLAB" exec --name "$LAB" "$@"; }

cat >"$TMP/lab.conf" <<'EOF'
config lime 'wifi'
	option ap_ssid 'Community'
EOF
cat >"$TMP/t.topo" <<'EOF'
# a small lab with every kind of line
community lab.conf
node a ap_ssid X hostname alpha gateway_bandwidth 10mbit/2mbit
link a b loss 5% delay 2ms rate 54mbit
link b c mtu 1500
radio r1 a c d
client c1 a
client c2 d b
internet i1 a b
EOF

pretty "up"
"$MESHLAB" up "$TMP/t.topo" --name "$LAB"
assert_eq "namespaces" 8 "$(lab_namespaces "$LAB")"
out=$("$MESHLAB" up "$TMP/t.topo" --name "$LAB" 2>&1) && fail "second up of the same lab succeeded"
[[ $out == *"already up"* ]] || fail "second up: unclear error: $out"

pretty "exec runs in the node's namespace"
want=$(stat -L -c %i "/run/netns/$(ns a)")
got=$(mx a readlink /proc/self/ns/net)
assert_eq "netns of exec a" "net:[$want]" "$got"
assert_eq "ip netns identify" "$(ns c1)" "$(mx c1 ip netns identify)"
assert_eq "ip netns identify" "$(ns i1)" "$(mx i1 ip netns identify)"
# shellcheck disable=SC2016
assert_eq "SOFTMESH_RUNDIR of a" "$STATE/nodes/a" "$(mx a sh -c 'echo "$SOFTMESH_RUNDIR"')"
# shellcheck disable=SC2016
assert_eq "SOFTMESH_RUNDIR of c1" "$STATE/hosts/c1" "$(mx c1 sh -c 'echo "$SOFTMESH_RUNDIR"')"
rc=0
mx a sh -c 'exit 42' || rc=$?
assert_eq "exit status" 42 "$rc"
assert_eq "stdin" hello "$(echo hello | mx a cat)"
out=$(mx b meshctl status)
assert_eq "meshctl in exec" "fake meshctl status rundir=$STATE/nodes/b netns=$(ns b)" "$out"
if mx nosuch true 2>/dev/null; then fail "exec on an unknown node succeeded"; fi

pretty "daemons"
for n in a b c d; do
	for d in l2meshd l3routed; do
		[[ -s $STATE/nodes/$n/$d.pid ]] || fail "no $d.pid for $n"
		pid=$(cat "$STATE/nodes/$n/$d.pid")
		proc_gone "$pid" && fail "$d of $n is not running"
		assert_eq "netns of $d on $n" "$(ns "$n")" "$(ip netns identify "$pid")"
	done
	assert_eq "l2meshd args on $n" \
		"args: -c $STATE/nodes/$n/community.conf -c $STATE/nodes/$n/node.conf -R $STATE/nodes/$n" \
		"$(head -1 "$STATE/nodes/$n/l2meshd.log")"
	cmp -s "$TMP/lab.conf" "$STATE/nodes/$n/community.conf" || fail "community.conf copy of $n differs"
done
[[ ! -e $STATE/nodes/a/anycastd.pid ]] || fail "anycastd started though not built"
"$MESHLAB" status --name "$LAB" --json >"$TMP/status.json"
python3 - "$TMP/status.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
names = [n["name"] for n in d["nodes"]]
assert names == ["a", "b", "c", "d"], names
for n in d["nodes"]:
    assert set(n["daemons"]) == {"l2meshd", "l3routed"}, n
    assert all(isinstance(p, int) for p in n["daemons"].values()), n
a = d["nodes"][0]
assert [p["name"] for p in a["ports"]] == ["m-b", "r-r1", "lan0", "wan0"], a["ports"]
assert [c["name"] for c in d["clients"]] == ["c1", "c2"]
c1, c2 = d["clients"]
assert (c1["node"], c1["iface"], c1["home"], c1["roam"]) == ("a", "eth0", "a", []), c1
assert (c2["node"], c2["iface"], c2["home"], c2["roam"]) == ("d", "eth0", "d", ["b"]), c2
b = d["nodes"][1]
assert [p["name"] for p in b["ports"]] == ["m-a", "m-c", "lan0", "wan0"], b["ports"]
assert b["ports"][2]["peer"] == "c2", b["ports"]
assert d["internet"][0]["gateways"] == ["a", "b"]
EOF
"$MESHLAB" status --name "$LAB" | grep -q '^c1 ' || fail "status lists no client c1"

pretty "node.conf"
# flatten UCI into section.option=value lines
flat() {
	awk '/^config/ { gsub(/\047/, "", $3); s = $3 }
	     /^\toption/ { v = $0; sub(/^\toption [^ ]+ /, "", v); gsub(/\047/, "", v); print s "." $2 "=" v }' "$1"
}
flat "$STATE/nodes/a/node.conf" >"$TMP/a.flat"
for l in system.primary_mac=02:5e:00:00:01:01 system.hostname=alpha network.ap_ssid=X \
	network.gateway_bandwidth=10mbit/2mbit m_b.linux_name=m-b m_b.role=mesh m_b.rate=54mbit \
	r_r1.linux_name=r-r1 r_r1.role=mesh r_r1.wireless=1 lan0.role=lan wan0.role=wan wan0.linux_name=wan0; do
	grep -qFx "$l" "$TMP/a.flat" || fail "node.conf of a lacks $l"
done
flat "$STATE/nodes/b/node.conf" >"$TMP/b.flat"
grep -qFx m_c.role=mesh "$TMP/b.flat" || fail "node.conf of b lacks m_c"
for l in lan0.linux_name=lan0 lan0.role=lan; do
	grep -qFx "$l" "$TMP/b.flat" || fail "node.conf of b lacks $l (roam port of c2)"
done
if grep -q 'm_c.rate\|m_c.wireless\|ap_ssid' "$TMP/b.flat"; then fail "node.conf of b has extra options"; fi

pretty "MACs and MTUs"
# a roaming client has one MAC on all its interfaces: count it once
macs=$(for n in a b c d c1 c2 i1 air; do ip -n "$(ns "$n")" -o link show | grep -o 'link/ether [0-9a-f:]*' | sort -u; done | awk '{ print $2 }')
assert_eq "duplicate MACs" "" "$(sort <<<"$macs" | uniq -d)"
for n in a b c d; do
	m=$(awk -v n="$n" '$1 == n { print $3 }' "$STATE/nodes.list")
	[[ $m =~ ^02:5e:00:00:([0-9a-f]{2}):[0-9a-f]{2}$ ]] || fail "node MAC $m of $n"
	((16#${BASH_REMATCH[1]} < 200)) || fail "M5 of $n is >= 200"
done
ip -n "$(ns a)" -o link show dev m-b | grep -q 'mtu 1532' || fail "m-b mtu is not 1532"
ip -n "$(ns b)" -o link show dev m-c | grep -q 'mtu 1500' || fail "m-c mtu is not 1500"

pretty "clients"
cloud() { # SSID -> "N1 prefix6"
	local h
	h=$(printf '%s\n' "$1" | md5sum)
	printf '%d fd%s:%s:%s' "$((16#${h:0:2}))" "${h:0:2}" "${h:2:4}" "${h:6:4}"
}
check_client() { # CLIENT K SSID
	local c=$1 k=$2 n1 p6
	read -r n1 p6 <<<"$(cloud "$3")"
	p6=$(python3 -c "import ipaddress,sys; print(ipaddress.IPv6Address(sys.argv[1] + '::'))" "$p6")
	p6=${p6%::}
	ip -n "$(ns "$c")" -4 -o addr show dev eth0 | grep -q "inet 10.$n1.250.$k/16 " || fail "$c has no 10.$n1.250.$k/16"
	ip -n "$(ns "$c")" -6 -o addr show dev eth0 | grep -q "inet6 $p6::c:$k/64 " || fail "$c has no $p6::c:$k/64"
	assert_eq "IPv4 default of $c" "default via 10.$n1.0.1 dev eth0" "$(ip -n "$(ns "$c")" -4 route show default | sed "s/ *$//")"
	ip -n "$(ns "$c")" -6 route show default | grep -q "^default via $p6::1 dev eth0" || fail "$c has no IPv6 default via $p6::1"
}
check_client c1 1 X
check_client c2 2 Community
assert_eq "lan port of c1" "$(ns c1)" "$(ip -n "$(ns a)" -d -o link show dev lan0 | grep -o "link-netns [^ ]*" | cut -d' ' -f2)"

pretty "roaming client (client c2 d b)"
for n in d b; do
	assert_eq "roam port on $n" "$(ns c2)" "$(ip -n "$(ns "$n")" -d -o link show dev lan0 | grep -o "link-netns [^ ]*" | cut -d' ' -f2)"
done
mac0=$(ip -n "$(ns c2)" -o link show dev eth0 | grep -o 'link/ether [0-9a-f:]*')
mac1=$(ip -n "$(ns c2)" -o link show dev eth1 | grep -o 'link/ether [0-9a-f:]*')
assert_eq "MAC of c2 eth0" "link/ether 02:5e:c1:00:00:02" "$mac0"
assert_eq "MAC of c2 eth1" "$mac0" "$mac1"
assert_eq "MAC of c1 eth0" "link/ether 02:5e:c1:00:00:01" "$(ip -n "$(ns c1)" -o link show dev eth0 | grep -o 'link/ether [0-9a-f:]*')"
assert_eq "aliases of c2" "d b" "$(ip -n "$(ns c2)" -d link show | awk '$1 == "alias" { printf "%s%s", s, $2; s = " " }')"
assert_eq "up interfaces of c2" "lo eth0" "$(ip -n "$(ns c2)" -o link show up | awk -F': ' '{ sub(/@.*/, "", $2); printf "%s%s", s, $2; s = " " }')"
assert_eq "addresses on c2 eth1" "" "$(ip -n "$(ns c2)" -o addr show dev eth1)"
wait_for 3 sh -c "ip -n '$(ns b)' -o link show dev lan0 | grep -q NO-CARRIER" || fail "b lan0 (c2 out of range) has carrier"
ip -n "$(ns d)" -o link show dev lan0 | grep -q LOWER_UP || fail "d lan0 (c2 at home) has no carrier"
"$MESHLAB" status --name "$LAB" | grep -Eq '^c2 +sm-[^ ]+ +d +d +b +static ' || fail "status does not show c2 at d, home d, roam b"

pretty "radio is a hub"
lc=$(ll_addr "$(ns c)" r-r1)
ld=$(ll_addr "$(ns d)" r-r1)
mx a ping -6 -c1 -W2 "$lc%r-r1" >/dev/null || fail "a cannot ping c over r1"
mx a ping -6 -c1 -W2 "$ld%r-r1" >/dev/null || fail "a cannot ping d over r1"
replies=$(mx a ping -6 -c2 -W2 "ff02::1%r-r1" | grep -c 'bytes from' || true)
[[ $replies -ge 4 ]] || fail "ping ff02::1 on r1 got $replies replies, want >= 4"
rx() { mx d cat /sys/class/net/r-r1/statistics/rx_packets; }
before=$(rx)
mx a ping -6 -q -c 20 -i 0.01 "$lc%r-r1" >/dev/null || fail "a cannot ping c 20 times"
after=$(rx)
[[ $((after - before)) -ge 20 ]] || fail "d saw only $((after - before)) of a's unicast frames to c: not a hub"
[[ $(ip -n "$(ns air)" -d link show dev b1) == *"ageing_time 0 "* ]] || fail "radio bridge ageing is not 0"

pretty "internet"
mx i1 ip -o addr show dev lo | grep -q 'inet 198.18.0.1/32' || fail "i1 has no 198.18.0.1"
mx i1 ip -o addr show dev gw1 | grep -q 'inet 100.64.1.254/24' || fail "i1 gw1 address"
mx i1 ip -o addr show dev gw2 | grep -q 'inet 100.64.2.254/24' || fail "i1 gw2 address"
mx a ip -o addr show dev wan0 | grep -q 'inet 100.64.1.1/24' || fail "a wan0 address"
mx b ip -o addr show dev wan0 | grep -q 'inet 100.64.2.1/24' || fail "b wan0 address"
assert_eq "default route of b" "default via 100.64.2.254 dev wan0" "$(mx b ip -4 route show default | sed "s/ *$//")"
mx a ping -c1 -W2 198.18.0.1 >/dev/null || fail "gateway a cannot reach the internet"
mx b ping -c1 -W2 198.18.0.1 >/dev/null || fail "gateway b cannot reach the internet"

pretty "link shaping"
netem=no
probe=smnetem$$
ip netns add "$probe"
if tc -n "$probe" qdisc add dev lo root netem delay 0ms 2>/dev/null; then netem=yes; fi
ip netns del "$probe"
for end in "a m-b" "b m-a"; do
	read -r n dev <<<"$end"
	q=$(tc -n "$(ns "$n")" qdisc show dev "$dev")
	if [[ $netem == yes ]]; then
		[[ $q == *netem*"delay 2ms"* && $q == *"loss 5%"* && $q == *"rate 54Mbit"* ]] || fail "netem on $n $dev: $q"
	else
		[[ $q == *tbf*"rate 54Mbit"* ]] || fail "tbf on $n $dev: $q"
		if command -v nft >/dev/null; then
			mx "$n" nft list chain netdev meshlab "out_${dev//-/_}" | grep -q 'numgen random mod 10000 < 500 drop' ||
				fail "no 5% loss rule on $n $dev"
		fi
	fi
done
"$MESHLAB" link --name "$LAB" a b set rate 1mbit
q=$(tc -n "$(ns b)" qdisc show dev m-a)
[[ $q == *"rate 1Mbit"* ]] || fail "rate not reshaped: $q"
[[ $q != *loss* ]] || fail "loss still set: $q"
if command -v nft >/dev/null && mx b nft list ruleset | grep -q numgen; then fail "loss rule left after set"; fi
"$MESHLAB" link --name "$LAB" a b set
q=$(tc -n "$(ns a)" qdisc show dev m-b)
[[ $q != *netem* && $q != *tbf* ]] || fail "shaping left after plain set: $q"
"$MESHLAB" link --name "$LAB" a r1 set rate 2mbit
[[ $(tc -n "$(ns a)" qdisc show dev r-r1) == *"rate 2Mbit"* ]] || fail "radio member not shaped"

pretty "link down/up"
lb=$(ll_addr "$(ns b)" m-a)
mx a ping -6 -c1 -W2 "$lb%m-b" >/dev/null || fail "a cannot ping b"
"$MESHLAB" link --name "$LAB" a b down
if mx a ping -6 -c2 -i 0.2 -W1 "$lb%m-b" >/dev/null; then fail "ping over a-b works while down"; fi
"$MESHLAB" link --name "$LAB" b a up
mx a ping -6 -c1 -W2 "$lb%m-b" >/dev/null || fail "a cannot ping b after up"
"$MESHLAB" link --name "$LAB" a r1 down
if mx a ping -6 -c2 -i 0.2 -W1 "$lc%r-r1" >/dev/null; then fail "a reaches c over r1 while off the radio"; fi
mx c ping -6 -c1 -W2 "$ld%r-r1" >/dev/null || fail "c cannot ping d while a is off the radio"
"$MESHLAB" link --name "$LAB" a r1 up
mx a ping -6 -c1 -W2 "$lc%r-r1" >/dev/null || fail "a cannot ping c after radio up"
if "$MESHLAB" link --name "$LAB" a c down 2>/dev/null; then fail "link a c (no such link) succeeded"; fi

pretty "default cloud (LibreMesh.org), a second lab alongside"
printf 'client k1 x\nnode x\n' >"$TMP/m.topo"
"$MESHLAB" up "$TMP/m.topo" --name "$LAB2"
ip -n "sm-$LAB2-k1" -o addr show dev eth0 | grep -q 'inet 10.13.250.1/16' || fail "k1 has no 10.13.250.1/16"
ip -n "sm-$LAB2-k1" -o addr show dev eth0 | grep -q 'inet6 fd0d:fe46:8ce8::c:1/64' || fail "k1 has no fd0d:fe46:8ce8::c:1/64"
"$MESHLAB" down --name "$LAB2"
assert_eq "lab $LAB namespaces after down of $LAB2" 8 "$(lab_namespaces "$LAB")"

pretty "bad topologies are refused with file:line"
bad() { # LINE-NUMBER MESSAGE-PART TOPOLOGY-TEXT
	local f=$TMP/bad.topo out
	printf '%s\n' "$3" >"$f"
	if out=$("$MESHLAB" up "$f" --name "$LAB2" 2>&1); then fail "accepted: $3"; fi
	[[ $out == "$f:$1: "*"$2"* ]] || fail "for '$3' want '$f:$1: ...$2...', got: $out"
	[[ $(lab_namespaces "$LAB2") -eq 0 && ! -e /run/softmesh-lab/$LAB2 ]] || fail "refused topology left state"
}
bad 1 "unknown keyword" "lnk a b"
bad 2 "itself" $'node a\nlink a a'
bad 1 "bad loss" "link a b loss 500%"
bad 1 "bad delay" "link a b delay fast"
bad 1 "unknown option" "link a b jitter 2ms"
bad 3 "duplicate link" $'link a b\n# comment\nlink b a'
bad 1 "no value" "node a ap_ssid"
bad 1 "single quote" "node a ap_ssid it's"
bad 2 "not a node" $'client c1 a\nlink c1 b'
bad 2 "already used" $'link a b\nradio a b'
bad 1 "cannot read community" "community /nonexistent/x.conf"
bad 1 "bad name" "link a-b c"
bad 1 "reserved" "link air b"
bad 1 "already a gateway" "internet i1 a a"
bad 1 "listed twice" "client c1 a b a"
bad 2 "in cloud 'X', its home 'a' in cloud 'LibreMesh.org'" $'node a\nclient c1 a b\nnode b ap_ssid X'
bad 1 "usage: client NAME NODE [NODE ...]" "client c1"

pretty "gen random is connected and deterministic"
"$MESHLAB" gen random 30 --degree 3 --seed 7 >"$TMP/r1"
"$MESHLAB" gen random 30 --degree 3 --seed 7 >"$TMP/r2"
"$MESHLAB" gen random 30 --degree 3 --seed 8 >"$TMP/r3"
cmp -s "$TMP/r1" "$TMP/r2" || fail "gen random is not deterministic"
if cmp -s "$TMP/r1" "$TMP/r3"; then fail "gen random ignores the seed"; fi
comps=$(awk '$1 == "node" { p[$2] = $2 } $1 == "link" { e[++m] = $2 " " $3 }
	function f(x) { while (p[x] != x) x = p[x]; return x }
	END { for (i = 1; i <= m; i++) { split(e[i], v, " "); p[f(v[1])] = f(v[2]) }
	      for (x in p) if (f(x) == x) c++; print c }' "$TMP/r1")
assert_eq "components of gen random 30" 1 "$comps"
"$MESHLAB" check "$TMP/r1" >/dev/null || fail "gen random output does not check"

pretty "down"
"$MESHLAB" down --name "$LAB"
assert_eq "namespaces after down" 0 "$(lab_namespaces "$LAB")"
[[ ! -e $STATE ]] || fail "state dir left"
pretty "OK"
