#!/bin/bash
# meshlab roaming clients: 'client c1 a b' and 'meshlab move'. Interface
# state, addresses, routes and carrier after each move, the state shown by
# status, errors, the time a move takes, and a TCP stream that survives
# the move (static routes stand in for the mesh).
#   meshlab_roam.sh [MESHLAB]
set -e
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
lib_init "$@"
need_netns
need_cmd python3 awk

LAB=r$$
TMP=$(mktemp -d)
cleanup() {
	set +e
	"$MESHLAB" down --name "$LAB" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

make_fake_bindir "$TMP/bin"
export SOFTMESH_BINDIR=$TMP/bin
ns() { printf 'sm-%s-%s' "$LAB" "$1"; }
mx() { "$MESHLAB" exec --name "$LAB" "$@"; }
move() { "$MESHLAB" move --name "$LAB" "$@"; }

cat >"$TMP/t.topo" <<'EOF'
link a b
client c1 a b
EOF
# LibreMesh.org cloud: client 1 is 10.13.250.1/16, fd0d:fe46:8ce8::c:1/64
IP4=10.13.250.1/16
IP6=fd0d:fe46:8ce8::c:1/64

pretty "up"
"$MESHLAB" up "$TMP/t.topo" --name "$LAB"

carrier() { # NODE PORT yes|no: wait until the node's port has (no) carrier
	local f
	if [[ $3 == yes ]]; then
		wait_for 3 sh -c "ip -n '$(ns "$1")' -o link show dev $2 | grep -q LOWER_UP" || fail "$1 $2 has no carrier"
	else
		wait_for 3 sh -c "ip -n '$(ns "$1")' -o link show dev $2 | grep -q NO-CARRIER" || fail "$1 $2 has carrier"
	fi
	f=$(ip -n "$(ns "$1")" -o link show dev "$2")
	[[ $f == *",UP"* ]] || fail "$1 $2 is not up: $f"
}

# at NODE IFACE OTHER: c1 is at NODE through IFACE; OTHER is down and bare
at() {
	local n=$1 dev=$2 other=$3 a
	a=$(ip -n "$(ns c1)" -o addr show dev "$dev")
	[[ $a == *"inet $IP4 "* ]] || fail "c1 $dev lacks $IP4: $a"
	[[ $a == *"inet6 $IP6 "* ]] || fail "c1 $dev lacks $IP6: $a"
	[[ $a != *tentative* ]] || fail "c1 $dev has tentative addresses: $a"
	assert_eq "IPv4 default of c1" "default via 10.13.0.1 dev $dev" "$(ip -n "$(ns c1)" -4 route show default | sed 's/ *$//')"
	ip -n "$(ns c1)" -6 route show default | grep -q "^default via fd0d:fe46:8ce8::1 dev $dev " ||
		fail "c1 has no IPv6 default via $dev: $(ip -n "$(ns c1)" -6 route show default)"
	ip -n "$(ns c1)" -o link show dev "$dev" | grep -q 'state UP' || fail "c1 $dev is not up"
	ip -n "$(ns c1)" -o link show dev "$other" | grep -q 'state DOWN' || fail "c1 $other is not down"
	assert_eq "addresses on c1 $other" "" "$(ip -n "$(ns c1)" -o addr show dev "$other")"
	"$MESHLAB" status --name "$LAB" --json >"$TMP/s.json"
	python3 - "$TMP/s.json" "$n" "$dev" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["clients"][0]
want = {"name": "c1", "node": sys.argv[2], "iface": sys.argv[3], "home": "a", "roam": ["b"]}
got = {k: c[k] for k in want}
assert got == want, got
EOF
	"$MESHLAB" status --name "$LAB" | grep -Eq "^c1 +sm-[^ ]+ +$n +a +b +static " || fail "status does not show c1 at $n"
}

pretty "c1 at home: eth0 up on a, eth1 down, b's port without carrier"
for n in a b; do
	ip -n "$(ns "$n")" -d link show dev lan0 | grep -q 'alias c1$' || fail "$n lan0 alias is not c1"
	grep -qx 'lan0 lan c1 -' "/run/softmesh-lab/$LAB/nodes/$n/ports" || fail "$n ports lack lan0 for c1"
done
at a eth0 eth1
carrier a lan0 yes
carrier b lan0 no

pretty "move c1 b"
out=$(move c1 b)
assert_eq "move output" "client c1: a -> b (eth1)" "$out"
at b eth1 eth0
carrier a lan0 no
carrier b lan0 yes

pretty "no-op and errors"
out=$(move c1 b 2>&1) || fail "move to the current node failed: $out"
[[ $out == *"already at b"* ]] || fail "move to the current node: unclear note: $out"
if out=$(move c1 z 2>&1); then fail "move to an unlisted node succeeded"; fi
[[ $out == *"cannot move to 'z': its nodes are a, b"* ]] || fail "move to an unlisted node: unclear error: $out"
if out=$(move nosuch a 2>&1); then fail "move of an unknown client succeeded"; fi
[[ $out == *"no client 'nosuch'"* ]] || fail "move of an unknown client: unclear error: $out"
if out=$(move a b 2>&1); then fail "move of a node succeeded"; fi
if out=$(move c1 2>&1); then fail "move without a node succeeded"; fi
[[ $out == *usage* ]] || fail "move without a node: no usage: $out"
at b eth1 eth0

pretty "move back"
assert_eq "move output" "client c1: b -> a (eth0)" "$(move c1 a)"
at a eth0 eth1
carrier a lan0 yes
carrier b lan0 no

pretty "timing"
n=20 sum=0 max=0
for ((i = 0; i < n; i++)); do
	t1=$EPOCHREALTIME
	if ((i % 2 == 0)); then move c1 b >/dev/null; else move c1 a >/dev/null; fi
	d=$(awk -v a="$t1" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
	read -r sum max < <(awk -v s="$sum" -v m="$max" -v d="$d" 'BEGIN { print s + d, (d > m) ? d : m }')
done
pretty "meshlab move: $(awk -v s="$sum" -v n="$n" 'BEGIN { printf "%.1f", s / n }') ms average, $max ms max over $n moves"
# the kernel reports the carrier change of the node side asynchronously
t1=$EPOCHREALTIME
move c1 b >/dev/null
carrier a lan0 no
carrier b lan0 yes
pretty "node ports show the move after $(elapsed "$t1") s"
move c1 a >/dev/null
at a eth0 eth1

pretty "a TCP stream survives the move"
# Stand-in for the mesh: a and b both answer the anycast gateway
# 10.13.0.1 on their LAN port; the server 192.0.2.1 lives on b; the
# return route for the client on b points over a until c1 arrives at b.
mx a ip addr add 10.13.0.1/16 dev lan0
mx b ip addr add 10.13.0.1/16 dev lan0
mx a ip addr add 10.99.0.1/30 dev m-b
mx b ip addr add 10.99.0.2/30 dev m-a
mx b ip addr add 192.0.2.1/32 dev lo
mx a ip route add 192.0.2.1/32 via 10.99.0.2 dev m-b
mx b ip route add 10.13.250.1/32 via 10.99.0.1 dev m-a
cat >"$TMP/server.py" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", 7777))
s.listen(1)
open(sys.argv[1], "w").close()
c, _ = s.accept()
while True:
    d = c.recv(4096)
    if not d:
        break
    c.sendall(d)
EOF
cat >"$TMP/client.py" <<'EOF'
# Echo one line every 10 ms until the file 'stop' appears (then 50
# more); report the longest round trip. Fails on any error or timeout.
import os, socket, sys, time
d = sys.argv[1]
s = socket.create_connection(("192.0.2.1", 7777), timeout=5)
f = s.makefile("rb")
n, worst, after = 0, 0.0, None
while after is None or n < after:
    t = time.monotonic()
    s.sendall(b"line %d\n" % n)
    assert f.readline() == b"line %d\n" % n
    worst = max(worst, time.monotonic() - t)
    n += 1
    if n == 20:
        open(os.path.join(d, "flowing"), "w").close()
    if after is None and os.path.exists(os.path.join(d, "stop")):
        after = n + 50
    time.sleep(0.01)
print("%d lines, longest round trip %.0f ms" % (n, worst * 1000))
EOF
mx b python3 "$TMP/server.py" "$TMP/listening" &
wait_for 5 test -e "$TMP/listening" || fail "server did not start"
mx c1 python3 "$TMP/client.py" "$TMP" >"$TMP/client.out" 2>&1 &
cpid=$!
wait_for 5 test -e "$TMP/flowing" || fail "stream did not start: $(cat "$TMP/client.out")"
move c1 b >/dev/null
mx b ip route replace 10.13.250.1/32 dev lan0
touch "$TMP/stop"
rc=0
wait "$cpid" || rc=$?
[[ $rc -eq 0 ]] || fail "TCP stream broke across the move: $(cat "$TMP/client.out")"
pretty "stream across the move: $(cat "$TMP/client.out")"
at b eth1 eth0

pretty "down"
"$MESHLAB" down --name "$LAB"
assert_eq "namespaces after down" 0 "$(lab_namespaces "$LAB")"
pretty "OK"
