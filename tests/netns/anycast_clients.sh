#!/bin/bash
# anycastd with real clients (issue 11): busybox udhcpc and ISC dhclient
# get leases with the anycast router and DNS, MTU 1350 and the domain; the
# kernel's SLAAC configures IPv6 from the RA, which rdisc6 shows carrying
# the prefix, the MTU and RDNSS; thisnode.info, anygw, a node's and a
# client's hostname resolve locally and a name of the internet host's
# resolver (dnsmasq there) through anycastd; a client that roams keeps
# its address and its TCP session; dhclient roaming to another node gets
# an ACK without a DISCOVER; a kill -9 of anycastd loses no lease; bad
# DHCP is counted and survived.
#   anycast_clients.sh MESHLAB
set -e
export MESHLAB_CLIENTS=dhcp
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd busybox dhclient rdisc6 dnsmasq python3 getent flock fuser

lab_up "node n1 dns_upstream 198.18.0.1
node n2 gateway 1 dns_upstream 198.18.0.1
link n1 n2
client c1 n1 n2
client c2 n2 n1
internet inet n2"
GW4=10.13.0.1 GW6=fd0d:fe46:8ce8::1
here=$(dirname "$0")
# acstat NODE dhcp|dns FIELD: one of anycastd's counters
acstat() {
	mctl "$1" "$2" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$3"
}
c_ip4() { mx "$1" ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }'; }

# --- udhcpc: the lease and what came with it ----------------------------
read -r ip mtu domain router dns <"/run/softmesh-lab/$LAB/hosts/c1/lease" ||
	fail "c1 has no lease: $(cat "/run/softmesh-lab/$LAB/hosts/c1/udhcpc.log")"
pretty "udhcpc on c1: $ip, mtu $mtu, domain $domain, router $router, dns $dns"
[[ $ip == 10.13.* && $ip != 10.13.250.* && $ip != "$GW4" ]] || fail "c1's address $ip is not the cloud's pool"
assert_eq "router" "$GW4" "$router"
assert_eq "dns" "$GW4" "$dns"
assert_eq "mtu" 1350 "$mtu"
assert_eq "domain" thisnode.info "$domain"
assert_eq "c1's eth0 MTU" 1350 "$(mx c1 cat /sys/class/net/eth0/mtu)"
leased=$(mctl n1 leases --json | python3 -c '
import json, sys
print(" ".join(r["ip"] + "/" + r["hostname"] + "/" + r["state"] for r in json.load(sys.stdin)))')
pretty "n1 leases: $leased"
[[ $leased == *"$ip/c1/bound"* ]] || fail "n1's meshctl leases does not show c1's lease"

# --- SLAAC from the RA, and the RA itself --------------------------------
t0=${EPOCHREALTIME/,/.}
for ((i = 0; i < 100; i++)); do
	ip6=$(mx c1 ip -6 -o addr show dev eth0 scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
	[[ -z $ip6 ]] || break
	sleep 0.2
done
[[ $ip6 == fd0d:fe46:8ce8:* ]] || fail "c1 got no SLAAC address in fd0d:fe46:8ce8::/64 (has '$ip6')"
pretty "SLAAC on c1: $ip6 after $(elapsed "$t0")s"
mx c1 rdisc6 -1 -w 2000 eth0 >"$TMP/rdisc6" 2>&1 || fail "rdisc6: $(cat "$TMP/rdisc6")"
grep -q "Prefix *: fd0d:fe46:8ce8::/64" "$TMP/rdisc6" || fail "RA without the prefix: $(cat "$TMP/rdisc6")"
grep -q "MTU *: *1350 bytes" "$TMP/rdisc6" || fail "RA without MTU 1350: $(cat "$TMP/rdisc6")"
grep -q "Recursive DNS server *: $GW6" "$TMP/rdisc6" || fail "RA without RDNSS $GW6"
grep -q "DNS search list *: thisnode.info" "$TMP/rdisc6" || fail "RA without DNSSL thisnode.info"
grep -qi "Source link-layer address: aa:aa:aa:0d:fe:aa" "$TMP/rdisc6" || fail "RA not from the anycast MAC"
pretty "rdisc6 on c1: prefix, MTU 1350, RDNSS $GW6, DNSSL thisnode.info from the anycast MAC"

# --- DNS ---------------------------------------------------------------
resolve() { # CLIENT NAME FAMILY(ahostsv4|ahostsv6)
	mx "$1" getent "$3" "$2" | awk 'NR == 1 { print $1 }'
}
assert_eq "thisnode.info A" "$GW4" "$(resolve c1 thisnode.info ahostsv4)"
assert_eq "thisnode.info AAAA" "$GW6" "$(resolve c1 thisnode.info ahostsv6)"
assert_eq "anygw A" "$GW4" "$(resolve c1 anygw ahostsv4)"
n1ip=$(mx n1 ip -4 -o addr show dev bat0 | awk '{ sub(/\/.*/, "", $4); print $4 }')
n1name=$(mctl n1 l3 status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["hostname"])')
assert_eq "$n1name.thisnode.info" "$n1ip" "$(resolve c1 "$n1name.thisnode.info" ahostsv4)"
assert_eq "c1.thisnode.info (its lease)" "$ip" "$(resolve c1 c1.thisnode.info ahostsv4)"
# another node, by the name in its l3route description
n2ip=$(mx n2 ip -4 -o addr show dev bat0 | awk '{ sub(/\/.*/, "", $4); print $4 }')
n2name=$(mctl n2 l3 status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["hostname"])')
for ((i = 0; i < 75; i++)); do	# anycastd reads the names every 10 s
	got=$(resolve c1 "$n2name" ahostsv4)
	[[ -z $got ]] || break
	sleep 0.2
done
assert_eq "$n2name (another node)" "$n2ip" "$got"
mx c1 getent ahostsv4 nosuchhost.thisnode.info >/dev/null && fail "nosuchhost.thisnode.info resolved"
pretty "c1 resolves thisnode.info, anygw, $n1name, $n2name and c1 locally; nosuchhost is NXDOMAIN"
# and over TCP (a query of type A for thisnode.info, length-prefixed)
tcp=$(mx c1 python3 - "$GW4" <<'PY'
import socket, struct, sys
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l for l in (b"thisnode", b"info")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.create_connection((sys.argv[1], 53), timeout=3)
s.sendall(struct.pack(">H", len(q)) + q)
n = struct.unpack(">H", s.recv(2))[0]
r = b""
while len(r) < n:
    r += s.recv(n - len(r))
ident, flags, qd, an = struct.unpack(">HHHH", r[:8])
print(ident == 0x1234 and an >= 1 and socket.inet_ntoa(r[-4:]) or "bad")
PY
)
assert_eq "thisnode.info A over TCP" "$GW4" "$tcp"
mx inet dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
	--listen-address=198.18.0.1 --host-record=www.example.test,198.18.7.7 \
	--user=root --pid-file="$TMP/dnsmasq.pid" --log-facility=- 2>"$TMP/dnsmasq.log" &
BG_PIDS="$BG_PIDS $!"
t0=${EPOCHREALTIME/,/.}
for ((i = 0; i < 60; i++)); do
	www=$(resolve c1 www.example.test ahostsv4)
	[[ -z $www ]] || break
	sleep 0.5
done
assert_eq "www.example.test (inet's dnsmasq, through n1's anycastd)" 198.18.7.7 "$www"
pretty "www.example.test -> $www through n1's anycastd after $(elapsed "$t0")s; n1 dns: forwarded $(acstat n1 dns forwarded), answered $(acstat n1 dns answered), local $(acstat n1 dns local)"
[[ $(acstat n1 dns answered) -ge 1 ]] || fail "n1's anycastd counted no upstream answer"

# n1's lease table, kept from one dump and the events until the end
mx n1 meshctl watch --verify anycastd lease >"$TMP/watch" 2>"$TMP/watch.err" &
wpid=$!

# --- dhclient (ISC) on c2 at n2; then it roams to n1: INIT-REBOOT ---------
kill "$(cat "/run/softmesh-lab/$LAB/hosts/c2/udhcpc.pid")"
mx c2 ip -4 addr flush dev eth0 scope global
dhc() { mx c2 dhclient -v -1 -lf "$TMP/c2.leases" -pf "$TMP/dhclient.pid" "$@" 2>>"$TMP/dhclient.log"; }
dhc eth0 || fail "dhclient got no lease: $(tail -5 "$TMP/dhclient.log")"
mx c2 dhclient -x -pf "$TMP/dhclient.pid" eth0 2>/dev/null || true
lease=$(awk '/^lease/ { l = "" } { l = l $0 "\n" } END { printf "%s", l }' "$TMP/c2.leases")
for want in "option routers $GW4;" "option domain-name-servers $GW4;" "option interface-mtu 1350;" \
	'option domain-name "thisnode.info";'; do
	grep -qF "$want" <<<"$lease" || fail "dhclient's lease lacks '$want': $lease"
done
c2ip=$(awk '/fixed-address/ { sub(/;/, "", $2); ip = $2 } END { print ip }' <<<"$lease")
pretty "dhclient on c2: $c2ip, with routers, DNS, MTU 1350 and the domain"
"$MESHLAB" move --name "$LAB" c2 n1 >/dev/null
# (a phone has one radio; meshlab gives c2 a port per node: its lease is
# eth1's now)
sed -i 's/interface "eth0"/interface "eth1"/' "$TMP/c2.leases"
d0=$(acstat n1 dhcp discover) a0=$(acstat n1 dhcp ack)
dhc eth1 || fail "dhclient at n1 got no lease: $(tail -5 "$TMP/dhclient.log")"
assert_eq "c2's address at n1" "$c2ip" "$(c_ip4 c2)"
[[ $(acstat n1 dhcp discover) -eq $d0 ]] || fail "n1 saw DISCOVERs from the roaming dhclient: $(grep -E "DHCP[A-Z]+ " "$TMP/dhclient.log" | tail -6 | tr "\n" "|")"
[[ $(acstat n1 dhcp ack) -gt $a0 ]] || fail "n1 did not ACK c2's REQUEST"
pretty "c2 roamed to n1: n1 ACKed $c2ip with no DISCOVER (INIT-REBOOT)"
mx c2 dhclient -x -pf "$TMP/dhclient.pid" eth1 2>/dev/null || true

# --- c1 roams n1 -> n2 with a TCP stream to c2 ---------------------------
mx c2 python3 "$here/tcp_echo.py" serve 5001 &
BG_PIDS="$BG_PIDS $!"
wait_listen c2 5001
mx c1 python3 "$here/tcp_echo.py" stream "$c2ip" 5001 10 >"$TMP/stream" 2>&1 &
spid=$!
sleep 3
"$MESHLAB" move --name "$LAB" c1 n2 >/dev/null
wait "$spid" || fail "the TCP stream broke across the move: $(cat "$TMP/stream")"
# the udhcpc the move started again does not hold the move lock (the next
# move of any client would wait for ever)
flock -n "/run/softmesh-lab/$LAB/move.lock" true ||
	fail "meshlab move left its lock held, by pid(s)$(fuser "/run/softmesh-lab/$LAB/move.lock" 2>/dev/null)"
for ((i = 0; i < 50; i++)); do
	[[ $(tail -1 "/run/softmesh-lab/$LAB/hosts/c1/udhcpc.log") == *"lease of"* ]] && break
	sleep 0.1
done
assert_eq "c1's address after the roam" "$ip" "$(c_ip4 c1)"
mctl n2 leases --json | grep -q "\"$ip\"" || fail "n2 has no lease for c1's $ip"
pretty "c1 roamed to n2 keeping $ip (n2 leased it again), TCP across the move: $(cat "$TMP/stream")"

# --- kill -9 and restart of n2's anycastd: no lease lost ------------------
daemon_cmdline "$LAB" n2 anycastd
kill -9 "$DAEMON_PID"
wait_for 5 proc_gone "$DAEMON_PID" || fail "anycastd survived kill -9"
daemon_start "$LAB" n2 anycastd
mctl n2 leases --json | grep -q "\"$ip\"" || fail "n2's leases lost c1 across kill -9: $(mctl n2 leases)"
a0=$(acstat n2 dhcp ack)
kill -USR1 "$(cat "/run/softmesh-lab/$LAB/hosts/c1/udhcpc.pid")"	# renew now
for ((i = 0; i < 50; i++)); do
	[[ $(acstat n2 dhcp ack) -le $a0 ]] || break
	sleep 0.1
done
[[ $(acstat n2 dhcp ack) -gt $a0 ]] || fail "n2 did not ACK c1's renewal after the restart"
assert_eq "c1's address after the restart and renewal" "$ip" "$(c_ip4 c1)"
pretty "kill -9 of n2's anycastd: lease of $ip restored from the state file, c1 renewed it"

# --- bad DHCP: counted, survived -----------------------------------------
m0=$(acstat n2 dhcp malformed)
mx c1 python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth1")
for p in (b"", b"\x01", b"\x01\x01\x06\x00" + b"\x00" * 232 + b"\x63\x82\x53\x63\x35\xff",
          b"\x01\x01\x06\x00" + b"\x00" * 232 + b"\x63\x82\x53\x63\x34\x01\x03\xff",
          b"\x02" * 1400):
    s.sendto(p, ("255.255.255.255", 67))
PY
sleep 0.5
m1=$(acstat n2 dhcp malformed)
pretty "n2 counted $((m1 - m0)) malformed DHCP messages of 5"
[[ $((m1 - m0)) -ge 4 ]] || fail "malformed DHCP not counted ($m0 -> $m1)"
# --- two nodes on one segment (LibreMesh issue #1007) --------------------
# c1's two ports become one bridge: a segment that n1 and n2 both serve.
# Only DHCP crosses between the ports (nft), so the segment carries the
# exchange to both nodes without a loop through the mesh. A client new
# to both gets one address, and both nodes lease it that same address.
kill "$(cat "/run/softmesh-lab/$LAB/hosts/c1/udhcpc.pid")" 2>/dev/null || true
mx c1 ip -4 addr flush dev eth1 scope global
mx c1 ip link add br0 address 02:5e:c1:00:00:77 type bridge
mx c1 ip link set eth0 master br0 up
mx c1 ip link set eth1 master br0 up
mx c1 ip link set br0 up
mx c1 nft -f - <<'NFT'
table bridge seg {
	chain between {
		type filter hook forward priority 0; policy drop;
		udp dport { 67, 68 } accept
	}
}
NFT
mx c1 busybox udhcpc -i br0 -n -q -f -t 5 -T 1 -x hostname:seg -s /bin/true \
	>"$TMP/seg.log" 2>&1 || fail "no lease on the shared segment: $(cat "$TMP/seg.log")"
segip=$(awk '/lease of/ { print $4 }' "$TMP/seg.log")
seg_lease() { # NODE: the address it leased to br0's MAC, and the state
	mctl "$1" leases --json | python3 -c '
import json, sys
print(" ".join(r["ip"] + "/" + r["state"] for r in json.load(sys.stdin) if r["mac"] == "02:5e:c1:00:00:77"))'
}
l1=$(seg_lease n1) l2=$(seg_lease n2)
pretty "shared segment: client got $segip; n1 leased '$l1', n2 leased '$l2'"
[[ -n $segip && $l1 == "$segip/bound" && $l2 == "$segip/bound" ]] ||
	fail "the nodes on one segment do not agree: client $segip, n1 '$l1', n2 '$l2'"

pkill -INT -f "meshctl watch --verify anycastd lease"
wait "$wpid" || fail "n1's lease table from events: $(cat "$TMP/watch.err")"
events=$(grep -c '^[-+~] ' "$TMP/watch" || true)
pretty "$(cat "$TMP/watch.err") ($events printed)"
[[ $events -ge 2 ]] || fail "n1 published $events lease events: $(cat "$TMP/watch")"
daemons_alive
pretty "ok"
