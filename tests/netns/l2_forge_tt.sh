#!/bin/bash
# An attacker on one of n2's wires (l2forge, from n1's end of the n1-n2
# veth) announces one forged originator, then sends BCASTs from it, each
# carrying a client frame from another of 20,000 forged client MACs
# (issue 12). Every frame is a sighting of a client behind that
# originator: before the caps each became a TEMP row of n2's global
# translation table (+37 MB RSS; 41.6 MB in this test). Now n2's l2meshd must stop at
# L2_TT_ORIG_TEMP_MAX rows for the originator: its RSS grows by no more
# than a bound derived from that cap and the row size (printed with the
# figures); pings from c1 to c2 through n2 keep working during the flood;
# tt_temp_refused counts the refusals; n2's global table holds at most
# the cap of TEMP rows.
#   l2_forge_tt.sh MESHLAB L2FORGE
set -e
. "$(dirname "$0")/l2lib.sh"
L2FORGE=$2
[[ -x $L2FORGE ]] || fail "no l2forge given (second argument)"
LAB=${LAB:-ttcap} L2_ONLY=1
l2_init "$1"
CLIENTS=${CLIENTS:-20000} RATE=${RATE:-4000}

lab_up "link n1 n2
link n2 n3
client c1 n1
client c2 n3"
t=$(converge_ping 60 c1 10.13.250.2)
pretty "c1 -> c2 (2 hops) first ping after ${t}s"
vid=$(mctl n2 raw l2meshd '{"cmd":"status"}' | awk -F'[:,]' '/"vid"/ { print $2 + 0 }')
pid=$(cat "/run/softmesh-lab/$LAB/nodes/n2/l2meshd.pid")
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }	# kB
# TEMP rows in n2's global table (batctl tg's T flag)
temp_rows() { mctl n2 tg | awk '$0 ~ /06:c1:/ { k++ } END { print k + 0 }'; }

# The bound: every TEMP row the cap lets in (entry, link, two allocator
# headers of 48 bytes, and 2 KiB for the row a table subscriber keeps of
# it: meshlab's monitor is one), plus 1 MiB for the allocator and the
# hash slots.
read -r _ tmax _ _ _ rbytes < <("$L2FORGE" --tt-caps)
bound=$((tmax * (rbytes + 96 + 2048) / 1024 + 1024))

rss0=$(rss)
count=$(((CLIENTS + RATE - 1) / RATE * 20 + 60))	# pings, 50 ms apart
mx c1 ping -i 0.05 -c "$count" -W 1 10.13.250.2 >"$TMP/ping" 2>&1 &
ping_pid=$!
BG_PIDS=$ping_pid
sleep 1
mx n1 "$L2FORGE" --vid "$vid" --rate "$RATE" --count 1 --clients "$CLIENTS" m-n2 \
	>"$TMP/forge" 2>&1 &
forge_pid=$!
peak=$rss0
while ! proc_gone "$forge_pid"; do
	r=$(rss)
	((r > peak)) && peak=$r
	sleep 0.2
done
wait "$forge_pid" || fail "l2forge: $(cat "$TMP/forge")"
pretty "l2forge: $(cat "$TMP/forge")"
wait "$ping_pid" || true
sleep 1
rss1=$(rss)
((rss1 > peak)) && peak=$rss1
rows=$(temp_rows)
refused=$(counter n2 tt_temp_refused)
pretty "n2's l2meshd VmRSS: before ${rss0} kB, peak ${peak} kB (+$((peak - rss0))), after ${rss1} kB (+$((rss1 - rss0))); bound +${bound} kB"
pretty "  (bound: ${tmax} TEMP rows of ${rbytes} B, 1 MiB)"
pretty "c1 -> c2 during the flood: $(grep -E 'transmitted|rtt' "$TMP/ping" | tr '\n' ' ')"
pretty "n2: ${rows} forged clients in its global table, tt_temp_refused ${refused}"

((peak - rss0 <= bound)) || fail "n2's RSS grew by $((peak - rss0)) kB, over the bound of $bound kB"
((rss1 - rss0 <= bound)) || fail "n2's RSS stays $((rss1 - rss0)) kB up, over the bound of $bound kB"
loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$TMP/ping")
[[ -n $loss ]] || fail "no ping summary: $(tail -3 "$TMP/ping")"
awk -v l="$loss" 'BEGIN { exit !(l <= 2) }' || fail "c1 -> c2 lost ${loss}% during the flood"
((rows <= tmax)) || fail "n2 holds $rows forged clients, over the cap of $tmax"
((rows > 0)) || fail "n2 holds no forged client: the flood did not reach it"
# a frame the kernel dropped on the way is no refusal: half is enough
((refused >= (CLIENTS - tmax) / 2)) || fail "tt_temp_refused $refused: the cap did not refuse"
mx c1 ping -c 5 -i 0.2 -W 1 10.13.250.2 >"$TMP/ping2" || fail "c1 -> c2 after the flood: $(tail -2 "$TMP/ping2")"
daemons_alive
pretty "ok"
