#!/bin/bash
# OGMs held to the aggregation slots (issue 17; doc/l2meshd.md "Scale").
#   1. 5x5 grid: the middle node reads its OGMs at its slots (status
#      ogm_held, rx_ogm on every mesh port; each port's OGM aggregates
#      may fill its MTU, as every neighbour says it reads long aggregates
#      in its own OGMs), wakes up less often than OGM
#      frames come, and forwards each OGM when it would have read at
#      once: captured on all its ports, the repeat leaves 50-160 ms after
#      the copy it repeats came in (0-10 ms jitter, then the first slot
#      50 ms on); one read a slot late would wait 100 ms more.
#   2. two nodes, a couple of OGMs a second: each watches for them as
#      they come (ogm_held false), and still forwards them as before.
#   l2_ogm_hold.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
L2_ONLY=1
l2_init "$@"
need_cmd tcpdump python3

ogm_status() { # NODE -> "ogm_held ogm_held_reads"
	mctl "$1" status --json | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin) if x["daemon"] == "l2meshd"][0]
print(str(d["ogm_held"]).lower(), d["ogm_held_reads"])'
}
port_ogms() { # NODE -> "IFNAME rx_ogm ogm_agg_max mtu" per mesh port
	mctl "$1" if --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["ifname"].startswith("m-"):
        print(r["ifname"], r["rx_ogm"], r["ogm_agg_max"], r["mtu"])'
}
wakeups() { # PID -> voluntary context switches so far
	awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$1/status"
}
rx_frames() { # NODE -> frames received on its mesh ports
	mctl "$1" if --json | python3 -c '
import json, sys
print(sum(r["rx_frames"] for r in json.load(sys.stdin) if r["ifname"].startswith("m-")))'
}

# --- 1. a 5x5 grid ------------------------------------------------------
"$MESHLAB" gen grid 5x5 >"$TMP/grid.topo"
lab_up "$(cat "$TMP/grid.topo")"
far=$(node_mac n5_5)
t0=${EPOCHREALTIME/,/.}
wait_for 60 mctl n1_1 ping -c 1 -t 1 "$far" >/dev/null 2>&1 ||
	fail "n1_1 does not reach n5_5 in 60 s"
pretty "5x5 grid: corner to corner after $(elapsed "$t0")s"
wait_for 15 sh -c "'$MESHLAB' exec --name '$LAB' n3_3 meshctl status --json | grep -q '\"ogm_held\":true'" ||
	fail "n3_3 does not hold its OGMs to its slots: $(ogm_status n3_3)"
read -r held reads0 < <(ogm_status n3_3)
pid=$(cat "/run/softmesh-lab/$LAB/nodes/n3_3/l2meshd.pid")
w0=$(wakeups "$pid") f0=$(rx_frames n3_3) s0=${EPOCHREALTIME/,/.}
mx n3_3 timeout 8 tcpdump -i any -s 2000 -w "$TMP/ogm.pcap" 2>/dev/null || true
w1=$(wakeups "$pid") f1=$(rx_frames n3_3) s=$(elapsed "$s0")
read -r held reads1 < <(ogm_status n3_3)
assert_eq "n3_3 ogm_held" true "$held"
[[ $reads1 -gt $reads0 ]] || fail "n3_3 read no OGMs at its slots ($reads0 -> $reads1)"
# every neighbour is softmesh and said so in its own OGMs: aggregates of
# OGMs may fill the port's MTU, not only batman-adv's 512 bytes
while read -r ifname n agg mtu; do
	[[ $n -gt 0 ]] || fail "n3_3's $ifname: no OGMs on its OGM socket"
	[[ $agg -gt 512 && $agg -le $mtu ]] || fail "n3_3's $ifname: OGM aggregates up to $agg bytes (MTU $mtu)"
done < <(port_ogms n3_3)
assert_eq "n3_3 mesh ports" 4 "$(port_ogms n3_3 | wc -l)"
rate=$(awk -v a="$w0" -v b="$w1" -v s="$s" 'BEGIN { printf "%.1f", (b - a) / s }')
frate=$(awk -v a="$f0" -v b="$f1" -v s="$s" 'BEGIN { printf "%.1f", (b - a) / s }')
pretty "n3_3: $rate wake-ups/s for $frate frames/s in ($((reads1 - reads0)) slot reads with OGMs)"
awk -v w="$rate" -v f="$frate" 'BEGIN { exit !(w < 0.5 * f) }' ||
	fail "n3_3 woke $rate times a second for $frate frames: not held to its slots"
read -r n med p95 max < <(python3 "$(dirname "$0")/ogm_delays.py" "$TMP/ogm.pcap")
pretty "n3_3 forwarded $n OGM copies: delay median ${med}s, 95th percentile ${p95}s, max ${max}s"
[[ $n -ge 200 ]] || fail "only $n forwarded OGMs matched in the capture"
awk -v m="$med" -v p="$p95" 'BEGIN { exit !(m >= 0.04 && m <= 0.165 && p <= 0.17) }' ||
	fail "forwarding delays (median $med, p95 $p95) are not those of OGMs handled as they came"
daemons_alive
"$MESHLAB" down --name "$LAB" >/dev/null

# --- 2. two nodes -------------------------------------------------------
LAB=${LAB}b
lab_up "link a b"
wait_for 30 mctl a ping -c 1 -t 1 "$(node_mac b)" >/dev/null 2>&1 || fail "a does not reach b"
sleep 3
mx a timeout 6 tcpdump -i any -s 2000 -w "$TMP/ogm2.pcap" 2>/dev/null || true
read -r held _ < <(ogm_status a)
assert_eq "a ogm_held (two nodes)" false "$held"
read -r n med p95 max < <(python3 "$(dirname "$0")/ogm_delays.py" "$TMP/ogm2.pcap")
pretty "a forwarded $n OGM copies (b's, echoed): delay median ${med}s, max ${max}s"
[[ $n -ge 3 ]] || fail "a echoed only $n of b's OGMs in 6 s"
awk -v p="$max" 'BEGIN { exit !(p <= 0.17) }' || fail "a's echoes took up to ${max}s"
while read -r ifname n agg mtu; do
	[[ $n -gt 0 ]] || fail "a's $ifname: no OGMs on its OGM socket"
	[[ $agg -gt 512 && $agg -le $mtu ]] || fail "a's $ifname: OGM aggregates up to $agg bytes (MTU $mtu)"
done < <(port_ogms a)
daemons_alive
pretty "ok"
