#!/bin/bash
# anycastd with leasesync (issue 13): one cloud n1-n2-n3, DHCP clients c1
# and c3 on n1, c2 on n3 (meshlab's udhcpc).
#   1. c1's lease, leased on n1, is listed by `alfred -r 66` on n3, a new
#      lease (c3 asks for another address) within 3 s, and c2 resolves c1's
#      name through its own node's DNS;
#   2. c1 roams to n3 (meshlab move: INIT-REBOOT for its address): n3
#      ACKs the same address from the shared record;
#   3. a partition (n2-n3 cut), c3 on n1 and then c2 on n3 ask for the same
#      address and get it; after the heal the older lease (c3's) wins: n3
#      revokes c2's, c2's next renew is NAKed and it gets another address;
#      no address is held by two clients in any node's table;
#   4. kill -9 of leasesyncd on n1: after its restart its table holds its
#      own records (from its state file) and n3's within one sync interval.
#   ls_leases.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
# shellcheck source=lslib.sh
. "$(dirname "$0")/lslib.sh"
l2_init "$@"
need_cmd busybox
[[ -x $BINDIR/leasesync/leasesyncd && -x $BINDIR/anycast/anycastd ]] ||
	skip "leasesyncd and anycastd are not both built"
export MESHLAB_CLIENTS=dhcp

lab_up "link n1 n2
link n2 n3
client c1 n1 n3
client c2 n3
client c3 n1"
R=/run/softmesh-lab/$LAB
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
lease_ip() { awk '{ print $1 }' "$R/hosts/$1/lease" 2>/dev/null; }
cmac() { mx "$1" cat /sys/class/net/eth0/address; }
poll() { # SECONDS CMD...: until CMD succeeds; prints the seconds it took
	local limit=$1 t0
	shift
	t0=$(now)
	until "$@" >/dev/null 2>&1; do
		awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }' &&
			return 1
		sleep 0.05
	done
	since "$t0"
}
has66() { al "$1" -r 66 | grep -q -- "$2 $3 "; }	# NODE MAC IP

wait_for 10 test -s "$R/hosts/c1/lease" || fail "c1 has no lease"
wait_for 10 test -s "$R/hosts/c2/lease" || fail "c2 has no lease"
wait_for 10 test -s "$R/hosts/c3/lease" || fail "c3 has no lease"
M1=$(cmac c1) M2=$(cmac c2) M3=$(cmac c3)
IP1=$(lease_ip c1)

ask() { # CLIENT ADDRESS: meshlab's udhcpc again, asking for ADDRESS
	local c=$1 pid
	pid=$(cat "$R/hosts/$c/udhcpc.pid")
	kill -USR2 "$pid"	# a RELEASE first: a node offers a client its lease again
	sleep 0.3
	kill "$pid"
	wait_for 5 proc_gone "$pid" || true
	mx "$c" sh -c "exec env LEASE_FILE='$R/hosts/$c/lease' busybox udhcpc -f -i eth0 \
		-s '$R/udhcpc.script' -p '$R/hosts/$c/udhcpc.pid' -x hostname:$c \
		-O mtu -O domain -O dns -t 20 -T 1 -A 1 -r $2" \
		</dev/null >>"$R/hosts/$c/udhcpc.log" 2>&1 &
	wait_for 10 sh -c "[ \"\$(awk '{ print \$1 }' '$R/hosts/$c/lease')\" = $2 ]" ||
		fail "$c did not get $2: $(tail -3 "$R/hosts/$c/udhcpc.log")"
}

# 1
t=$(poll 10 has66 n3 "$M1" "$IP1") || fail "c1's lease ($M1 $IP1) is not on n3: $(al n3 -r 66)"
pretty "1: c1's lease from n1 ($IP1), made as the lab came up, is listed by alfred -r 66 on n3 ${t}s after the lease file was there"
Y=10.13.66.66
ask c3 "$Y"
t=$(poll 3 has66 n3 "$M3" "$Y") || fail "c3's new lease ($M3 $Y) is not on n3 within 3 s: $(al n3 -r 66)"
pretty "1: a new lease on n1 (c3: $Y) is listed on n3 after ${t}s (limit 3 s; alfred's rounds: up to 10 s)"
out=$(mx c2 busybox nslookup c1 10.13.0.1 2>&1 || true)
grep -q "Address.*$IP1" <<<"$out" || fail "c2 cannot resolve c1 through n3: $out"
pretty "1: c2 resolves c1 (a client of n1) to $IP1 through n3's DNS"

# 2
"$MESHLAB" move --name "$LAB" c1 n3 >/dev/null
got() { mctl n3 leases --json | tr -d ' \n' | grep -q "\"mac\":\"$M1\",\"ip\":\"$IP1\""; }
t=$(poll 10 got) || fail "n3 did not ACK c1's $IP1 after the roam: $(mctl n3 leases)"
[[ $(lease_ip c1) == "$IP1" ]] || fail "c1 changed address on the roam: $(lease_ip c1)"
pretty "2: c1 roamed to n3 and kept $IP1 (n3's ACK ${t}s after the move)"

# 3: a partition; both sides lease X
X=10.13.77.77
"$MESHLAB" link --name "$LAB" n2 n3 down >/dev/null
sleep 1
ask c3 "$X"
sleep 2		# c3's lease is older by whole seconds (the records carry seconds)
ask c2 "$X"
pretty "3: partitioned, c3 (on n1) and c2 (on n3) both hold $X"
has66 n3 "$M3" "$X" && fail "n3 knows c3's $X through the partition"
mctl n3 raw anycastd '{"cmd":"status"}' | tr -d ' \n' | grep -q '"conflicts_lost":0' ||
	fail "n3 settled the conflict before the heal"
t0=$(now)
"$MESHLAB" link --name "$LAB" n2 n3 up >/dev/null
lost() { mctl n3 raw anycastd '{"cmd":"status"}' | tr -d ' \n' | grep -q '"conflicts_lost":1'; }
t=$(poll 20 lost) || fail "n3 did not give up c2's $X after the heal: $(mctl n3 raw anycastd '{"cmd":"status"}')"
pretty "3: healed; n3 revoked c2's $X ${t}s after the heal (c3's lease is older)"
mctl n1 raw anycastd '{"cmd":"status"}' | tr -d ' \n' | grep -q '"conflicts_lost":0' ||
	fail "n1 gave up c3's lease too"
kill -USR1 "$(cat "$R/hosts/c2/udhcpc.pid")"	# c2 renews now
newip() { local ip; ip=$(lease_ip c2); [[ -n $ip && $ip != "$X" ]]; }
t=$(poll 15 newip) || fail "c2 kept $X: $(tail -5 "$R/hosts/c2/udhcpc.log")"
pretty "3: c2 was NAKed at its renew and took $(lease_ip c2) (${t}s)"
[[ $(lease_ip c3) == "$X" ]] || fail "c3 lost $X: $(lease_ip c3)"
# no address held by two clients, in any node's view of the cloud (c2's
# new lease reaches the tables within a push)
no_dup_addr n1 n2 n3
pretty "3: no address is held by two clients in any node's table"

# 4: kill -9 leasesyncd on n1
daemon_cmdline "$LAB" n1 leasesyncd
kill -KILL "$DAEMON_PID"
wait_for 5 proc_gone "$DAEMON_PID" || fail "leasesyncd did not die"
t0=$(now)
daemon_start "$LAB" n1 leasesyncd
IP2=$(lease_ip c2)
back() { has66 n1 "$M3" "$X" && has66 n3 "$M3" "$X" && has66 n1 "$M2" "$IP2"; }
t=$(poll 10 back) || fail "n1's table is not whole within 10 s of the restart: $(al n1 -r 66)"
pretty "4: leasesyncd on n1 killed -9 and restarted: its own records and n3's are in its table ${t}s later"

lab_alive "$LAB" || fail "a daemon died or reported a sanitizer error"
pretty "ok"
