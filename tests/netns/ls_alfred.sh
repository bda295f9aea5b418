#!/bin/bash
# leasesyncd and Debian's alfred, both ways (issue 13). A line n1-n2-n3 in
# one cloud; n1 runs the stock alfred daemon (-b none: there is no kernel
# batman-adv) instead of leasesyncd; every client call is the stock
# `alfred` client on a node's socket.
#   A. leasesyncd to leasesyncd: `alfred -s 66` on n2 is read with
#      `alfred -r 66` on n3 within 3 s (figure printed; alfred's rounds
#      take up to 10 s), and n3's `alfred -E` reports it;
#   B. stock primary: its data is read on leasesyncd nodes and theirs on
#      it; `alfred -r 66` on the stock node lists n2's record;
#   C. leasesyncd as secondary, the stock primary its best: requests are
#      answered through it, a record set on n3 reaches it at once;
#   D. stock secondary with leasesyncd primaries: its request is answered
#      by one, its record reaches the others.
#   ls_alfred.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
l2_init "$@"
need_cmd alfred stdbuf
[[ -x $BINDIR/leasesync/leasesyncd ]] || skip "leasesyncd is not built"

lab_up "link n1 n2
link n2 n3"
R=/run/softmesh-lab/$LAB/nodes
ALLOW_DEAD="n1:leasesyncd"
al() { local n=$1; shift; mx "$n" alfred -u "$R/$n/alfred.sock" "$@"; }
st() { mx n1 alfred -u "$R/n1/stock.sock" "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# poll SECONDS PATTERN CMD...: until CMD's output has PATTERN; prints the
# seconds it took, fails with the last output after SECONDS
poll() {
	local limit=$1 pat=$2 t0 out
	shift 2
	t0=$(now)
	while :; do
		out=$("$@" 2>&1 || true)
		if grep -qF -- "$pat" <<<"$out"; then
			since "$t0"
			return 0
		fi
		if awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
			fail "no '$pat' within ${limit}s from: $*; last output: $out"
		fi
		sleep 0.05
	done
}

stock_start() { # [-m]
	# shellcheck disable=SC2016
	mx n1 sh -c 'echo $$ >"$0"; exec "$@"' "$R/n1/stock.pid" \
		alfred -i bat0 -b none "$@" -u "$R/n1/stock.sock" >>"$R/n1/stock.log" 2>&1 &
	wait_for 5 test -S "$R/n1/stock.sock" || fail "stock alfred did not start: $(tail -3 "$R/n1/stock.log")"
}
stock_stop() {
	local pid
	pid=$(cat "$R/n1/stock.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	wait_for 5 proc_gone "$pid" || true
	rm -f "$R/n1/stock.sock" "$R/n1/stock.pid"
}
trap 'rc=$?; stock_stop >/dev/null 2>&1; l2_teardown $rc' EXIT

# n1: the stock daemon instead of leasesyncd
kill "$(cat "$R/n1/leasesyncd.pid")"
wait_for 5 test ! -S "$R/n1/alfred.sock" || fail "leasesyncd on n1 did not stop"
stock_start -m
MAC1=$(node_mac n1) MAC2=$(node_mac n2) MAC3=$(node_mac n3)

# A: leasesyncd to leasesyncd
poll 15 '"primaries":2' mctl n3 raw leasesyncd '{"cmd":"sync"}' >/dev/null
mx n3 stdbuf -oL alfred -u "$R/n3/alfred.sock" -E >"$TMP/events" 2>&1 &
EVPID=$!
sleep 0.3
echo "lease from n2" | al n2 -s 66
t=$(poll 3 "\"$MAC2\", \"lease from n2\x0a\"" al n3 -r 66)
pretty "A: a record set with alfred -s on n2 is read with alfred -r on n3 after ${t}s (limit 3 s)"
poll 3 "Event: type = 66, source = $MAC2" cat "$TMP/events" >/dev/null
kill "$EVPID" 2>/dev/null || true
pretty "A: alfred -E on n3 reported it"
echo "versioned" | al n2 -s 72 -V 3
poll 3 "\"$MAC2\", \"versioned\x0a\", 3 }" al n3 -r 72 -d >/dev/null
al n3 -I bat0
al n3 -S | grep -q "interface: bat0" || fail "alfred -S after -I bat0: $(al n3 -S)"
pretty "A: alfred -V (the data version, shown by -r -d) and -I are taken"

# B: the stock primary
echo "from stock" | st -s 67
t=$(poll 25 "\"$MAC1\", \"from stock\x0a\"" al n3 -r 67)
pretty "B: the stock primary's record is read on n3 (leasesyncd) after ${t}s"
echo "from n3" | al n3 -s 68
t=$(poll 25 "\"$MAC3\", \"from n3\x0a\"" st -r 68)
pretty "B: n3's record is read on the stock primary after ${t}s"
t=$(poll 25 "\"$MAC2\", \"lease from n2\x0a\"" st -r 66)
pretty "B: alfred -r 66 on the stock node lists n2's lease (${t}s)"

# C: leasesyncd as secondary; the stock primary has the lowest MAC: best
al n3 -M secondary
al n3 -S | grep -q "mode: secondary" || fail "n3 did not switch to secondary: $(al n3 -S)"
poll 3 "\"best\":true" mctl n3 raw leasesyncd '{"cmd":"peers"}' >/dev/null
mctl n3 raw leasesyncd '{"cmd":"peers"}' | tr -d ' \n' | grep -q "\"mac\":\"$MAC1\",\"primary\":true,\"best\":true" ||
	fail "n3's best primary is not the stock one: $(mctl n3 raw leasesyncd '{"cmd":"peers"}')"
out=$(al n3 -r 67)
grep -qF "\"$MAC1\", \"from stock\x0a\"" <<<"$out" || fail "n3 (secondary) -r 67: $out"
[[ $(mctl n3 raw leasesyncd '{"cmd":"sync"}' | tr -d ' \n') == *'"requests_sent":'[1-9]* ]] ||
	fail "n3 answered from its own store, not through the primary"
echo "secondary n3" | al n3 -s 71
t=$(poll 3 "\"$MAC3\", \"secondary n3\x0a\"" st -r 71)
pretty "C: leasesyncd as secondary: its request answered by the stock primary; its record there after ${t}s"
al n3 -M primary

# D: the stock daemon as secondary, leasesyncd the primaries
stock_stop
stock_start
t=$(poll 25 "\"$MAC2\", \"lease from n2\x0a\"" st -r 66)
pretty "D: the stock secondary's alfred -r 66 is answered by a leasesyncd primary (${t}s)"
echo "stock secondary" | st -s 69
t=$(poll 30 "\"$MAC1\", \"stock secondary\x0a\"" al n3 -r 69)
pretty "D: the stock secondary's record reaches n3 after ${t}s (its round, then a primary's)"

# nothing malformed on the way, nothing lost
for n in n2 n3; do
	c=$(mctl "$n" raw leasesyncd '{"cmd":"sync"}' | tr -d ' \n')
	for k in rx_malformed rx_bad_version rx_unknown_type unix_malformed tx_open_refused; do
		[[ $c == *"\"$k\":0"* ]] || fail "$n counts $k: $c"
	done
done
# junk on n2's alfred socket: a request of an unknown type, one of the
# wrong length, and half a one kept open past the 2 s a request may take
python3 - "$R/n2/alfred.sock" <<'PY'
import socket, sys, time
path = sys.argv[1]
for junk in (bytes([99, 0, 0, 0]), bytes([2, 0, 0, 2, 66, 0])):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(junk)
    time.sleep(0.1)
    s.close()
half = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
half.connect(path)
half.sendall(bytes([0, 0, 0x10]))
time.sleep(2.5)
half.close()
PY
c=$(mctl n2 raw leasesyncd '{"cmd":"sync"}' | tr -d ' \n')
[[ $c =~ \"unix_malformed\":([0-9]+) ]] && ((BASH_REMATCH[1] >= 2)) ||
	fail "n2 counted fewer than 2 bad unix requests: $c"
[[ $c =~ \"unix_timeout\":([0-9]+) ]] && ((BASH_REMATCH[1] >= 1)) ||
	fail "n2 did not time out the half request: $c"
al n2 -r 66 | grep -qF "\"$MAC2\", \"lease from n2\x0a\"" || fail "n2 no longer answers after the junk"
pretty "junk on the alfred socket: counted (unix_malformed, unix_timeout), n2 still answers"

lab_alive "$LAB" $ALLOW_DEAD || fail "a daemon died or reported a sanitizer error"
pretty "ok"
