#!/bin/bash
# An attacker on one of n2's wires (l2forge, from n1's end of the n1-n2
# veth) sends OGMs from 20,000 forged source MACs, each a new originator
# and a new one-hop neighbour, twice over (issue 12). n2's l2meshd must
# stay within its caps (L2_ORIGS_MAX originators, L2_PORT_NEIGHS_MAX
# neighbours per port): its RSS grows by no more than a bound derived
# from the caps and the entry sizes (printed with the figures); pings
# from c1 to c2 through n2 keep working during the flood; orig_refused
# and neigh_refused count the refusals; n1 and n3 stay n2's originators.
#
# Forged client frames (l2forge --clients) are l2_forge_tt.sh's.
#   l2_forge.sh MESHLAB L2FORGE
set -e
. "$(dirname "$0")/l2lib.sh"
L2FORGE=$2
[[ -x $L2FORGE ]] || fail "no l2forge given (second argument)"
LAB=${LAB:-l2forge} L2_ONLY=1
l2_init "$1"
FORGED=${FORGED:-20000} RATE=${RATE:-4000} ROUNDS=2

line3_up
n1=$(node_mac n1) n3=$(node_mac n3)
wait_for 10 sh -c "$MESHLAB exec --name $LAB n2 meshctl o | grep -q '^\* *$n3 '" ||
	fail "n3 is not among n2's originators: $(mctl n2 o)"
vid=$(mctl n2 raw l2meshd '{"cmd":"status"}' | awk -F'[:,]' '/"vid"/ { print $2 + 0 }')

# The bound: every originator entry the cap lets in, every neighbour of
# the attacked port (with the row a table subscriber keeps of it: meshlab's
# monitor is one), the forward queue full, plus 1 MiB for the allocator
# (malloc headers and hash slots: 48 bytes an entry).
read -r _ omax _ nmax _ obytes _ nbytes _ qlen _ fmax < <("$L2FORGE" --caps)
BOUND=$(((omax * (obytes + 48) + nmax * (nbytes + 48 + 2048) + qlen * (fmax + 64)) / 1024 + 1024))

flood_rss $(((FORGED * ROUNDS + RATE - 1) / RATE * 20 + 40)) \
	"$L2FORGE" --vid "$vid" --rate "$RATE" --rounds "$ROUNDS" --count "$FORGED" m-n2
pretty "  (bound: ${omax} originators of ${obytes} B, ${nmax} neighbours of ${nbytes} B, a ${qlen}-frame forward queue, 1 MiB)"

refused_o=$(counter n2 orig_refused) refused_n=$(counter n2 neigh_refused)
neighs=$(mctl n2 raw l2meshd '{"cmd":"status"}' | awk -F'[:,]' '/"neighbors"/ { print $2 + 0 }')
pretty "n2: orig_refused $refused_o, neigh_refused $refused_n, $neighs one-hop neighbours"
flood_bounded
# every round's forged MACs beyond the cap are refused (a frame the
# kernel dropped on the way is not: half of them is enough)
((refused_o >= (FORGED - omax) * ROUNDS / 2)) || fail "orig_refused $refused_o: the cap did not refuse"
((refused_n > 0)) || fail "neigh_refused is 0"
((neighs <= 2 * nmax)) || fail "n2 has $neighs one-hop neighbours on 2 ports (cap $nmax each)"
mctl n2 o >"$TMP/o"
grep -q "^\* *$n1 " "$TMP/o" || fail "n1 is no longer n2's originator: $(grep -v 06:f0 "$TMP/o")"
grep -q "^\* *$n3 " "$TMP/o" || fail "n3 is no longer n2's originator: $(grep -v 06:f0 "$TMP/o")"
mx c1 ping -c 5 -i 0.2 -W 1 10.13.250.2 >"$TMP/ping2" || fail "c1 -> c2 after the flood: $(tail -2 "$TMP/ping2")"
daemons_alive
pretty "ok"
