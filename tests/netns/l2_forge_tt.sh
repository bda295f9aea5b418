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

line3_up
vid=$(mctl n2 raw l2meshd '{"cmd":"status"}' | awk -F'[:,]' '/"vid"/ { print $2 + 0 }')
# TEMP rows in n2's global table (batctl tg's T flag)
temp_rows() { mctl n2 tg | awk '$0 ~ /06:c1:/ { k++ } END { print k + 0 }'; }

# The bound: every TEMP row the cap lets in (entry, link, two allocator
# headers of 48 bytes, and 2 KiB for the row a table subscriber keeps of
# it: meshlab's monitor is one), plus 1 MiB for the allocator and the
# hash slots.
read -r _ tmax _ _ _ rbytes < <("$L2FORGE" --tt-caps)
BOUND=$((tmax * (rbytes + 96 + 2048) / 1024 + 1024))

flood_rss $(((CLIENTS + RATE - 1) / RATE * 20 + 60)) \
	"$L2FORGE" --vid "$vid" --rate "$RATE" --count 1 --clients "$CLIENTS" m-n2
rows=$(temp_rows)
refused=$(counter n2 tt_temp_refused)
pretty "  (bound: ${tmax} TEMP rows of ${rbytes} B, 1 MiB)"
pretty "n2: ${rows} forged clients in its global table, tt_temp_refused ${refused}"

flood_bounded
((rows <= tmax)) || fail "n2 holds $rows forged clients, over the cap of $tmax"
((rows > 0)) || fail "n2 holds no forged client: the flood did not reach it"
# a frame the kernel dropped on the way is no refusal: half is enough
((refused >= (CLIENTS - tmax) / 2)) || fail "tt_temp_refused $refused: the cap did not refuse"
mx c1 ping -c 5 -i 0.2 -W 1 10.13.250.2 >"$TMP/ping2" || fail "c1 -> c2 after the flood: $(tail -2 "$TMP/ping2")"
daemons_alive
pretty "ok"
