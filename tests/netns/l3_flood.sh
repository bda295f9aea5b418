#!/bin/bash
# One neighbour floods l3routed (issue 12). Lab:
#
#   v0 ---- v1 ---- v2
#           |
#           x   (l3routed stopped; l3forge speaks from x's port)
#
# 1. 10,000 made-up nodes, each a validly signed description with a /32,
#    at 800 a second into v1 (which passes on what it takes to v2):
#    - v1's and v2's l3routed stay under the cap's figure: l3_max_nodes
#      (1024) nodes of at most NODE_KB each (the core's ~1.9 kB, measured
#      with mallinfo2, and the control server's copy of the node's
#      originator and description rows for the attached monitor, ~6 kB),
#      plus MEMOS_KB for the signature memos (0.55 MB) and buffers;
#    - v0 keeps reaching v2 through v1 all along (ping every 0.1 s);
#    - the made-up nodes leave within 90 s after the flood, and the
#      daemon's own memory (RssAnon: heap, data, stack) returns to within
#      RETURN_KB of where it was: what stays is the signature memo's pages
#      (0.55 MB, static), tables grown for 1024 nodes (~0.2 MB) and heap
#      pages that a few live objects keep (malloc_trim returns the rest;
#      measured +1.9 MB of a +8.9 MB peak; on 2026-12-06 +1.97 to +2.64 MB
#      over nine runs, the last under CI's load, with webuid and leasesyncd
#      reading l3routed too: RETURN_KB allows 3 MB, far below what keeping
#      the 10,000 made-up nodes would cost, ~20 MB). (VmRSS also
#      counts the pages of libc, libnl and libsodium the flood's code
#      paths touched; printed too.)
# 2. Bad signatures at line rate into v1 for 10 s: v0 keeps pinging v2
#    through v1 every 20 ms with no silence of 1 s or more, v1 keeps its
#    links, and only a few ed25519 checks a second are spent on the flood.
#   l3_flood.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/l3lib.sh"
LAB=${LAB:-l3fld}
l3_init "$@"
[[ -x $FORGE ]] || fail "no l3forge given"
NODE_KB=9
MEMOS_KB=2048
RETURN_KB=3072
FAKES=10000

l3_lab_up "$(l3_node v0)
$(l3_node v1)
$(l3_node v2)
$(l3_node x)
link v0 v1
link v1 v2
link x v1"
v2addr=$(l3_node_addr v2)
t=$(wait_route 30 v0 "$v2addr/128")
pretty "v0 routes v2's $v2addr after ${t}s"
ALLOW_DEAD="x:l3routed"
pid=$(l3_pid x)
kill "$pid"
wait_for 5 proc_gone "$pid" || fail "x's l3routed does not stop"

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$(l3_pid "$1")/status"; }
anon() { awk '/^RssAnon/ { print $2 }' "/proc/$(l3_pid "$1")/status"; }
origs() { l3_status "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["originators"])'; }
sleep 3
declare -A base peak anon0
for n in v1 v2; do base[$n]=$(rss $n); peak[$n]=${base[$n]}; anon0[$n]=$(anon $n); done
declare -A o0
for n in v1 v2; do o0[$n]=$(origs $n); done
origs_le() { (($(origs "$1") <= $2)); }
bound=$((1024 * NODE_KB + MEMOS_KB))
pretty "before: l3routed RSS v1 ${base[v1]} kB, v2 ${base[v2]} kB; v1 knows ${o0[v1]} nodes; bound +$bound kB"

# ---- 1. made-up nodes ----
mx v0 ping -6 -D -i 0.1 -w 25 -W 1 "$v2addr" >"$TMP/ping1.txt" 2>&1 &
ping_pid=$!
BG_PIDS+=" $ping_pid"
mx x "$FORGE" --seed flood --count $FAKES --rate 800 --warmup 2000 --linger 500 \
	m-v1 desc-flood >"$TMP/flood.log" 2>&1 &
forge_pid=$!
BG_PIDS+=" $forge_pid"
while ! proc_gone "$forge_pid"; do
	for n in v1 v2; do r=$(rss $n); ((r > peak[$n])) && peak[$n]=$r; done
	sleep 0.5
done
wait "$forge_pid" || fail "l3forge desc-flood: $(tail -5 "$TMP/flood.log")"
for _ in $(seq 10); do
	for n in v1 v2; do r=$(rss $n); ((r > peak[$n])) && peak[$n]=$r; done
	sleep 0.5
done
grep -E '^flood' "$TMP/flood.log" | sed 's/^/    /' >&2
for n in v1 v2; do
	pretty "$n: RSS ${base[$n]} -> peak ${peak[$n]} kB (+$((peak[$n] - base[$n])), bound +$bound), $(origs $n) nodes," \
		"accepted $(l3_stat $n desc_accepted), rate-limited $(l3_stat $n desc_rate_limited)," \
		"evicted $(l3_stat $n orig_evicted)"
	((peak[$n] - base[$n] <= bound)) || fail "$n's l3routed grew by $((peak[$n] - base[$n])) kB under the flood (bound $bound)"
	(($(origs $n) <= 1024)) || fail "$n holds $(origs $n) nodes, over l3_max_nodes"
done
(($(l3_stat v1 desc_rate_limited) > 0)) || fail "v1 rate-limited none of the flood"
wait "$ping_pid" || true
BG_PIDS=
loss=$(grep -o '[0-9.]*% packet loss' "$TMP/ping1.txt")
gap=$(max_gap "$TMP/ping1.txt")
pretty "v0 -> v2 through v1 during the flood: $loss, longest silence ${gap}s"
awk -v g="$gap" 'BEGIN { exit !(g < 1) }' || fail "v0 lost v2 for ${gap}s during the flood"
[[ ${loss%%%*} =~ ^[0-9.]+$ ]] && awk -v l="${loss%%%*}" 'BEGIN { exit !(l <= 2) }' ||
	fail "v0 -> v2 lost $loss during the flood"

t0=${EPOCHREALTIME/,/.}
for n in v1 v2; do
	wait_for 90 origs_le $n "${o0[$n]}" || fail "$n still holds $(origs $n) nodes 90 s after the flood"
done
sleep 3
pretty "the made-up nodes are gone after $(elapsed "$t0")s"
for n in v1 v2; do
	a=$(anon $n)
	pretty "$n: after the flood RSS $(rss $n) kB (before ${base[$n]}, peak ${peak[$n]}), RssAnon $a kB (before ${anon0[$n]})"
	((a - anon0[$n] <= RETURN_KB)) || fail "$n's l3routed keeps $a kB of its own after the flood (before ${anon0[$n]}, allowed +$RETURN_KB)"
done

# ---- 2. bad signatures ----
bs0=$(l3_stat v1 desc_bad_signature)
rc0=$(l3_stat v1 route_changes)
cpu() { awk '{ print $14 + $15 }' "/proc/$(l3_pid v1)/stat"; }
mx v0 ping -6 -D -i 0.02 -w 14 -W 1 "$v2addr" >"$TMP/ping2.txt" 2>&1 &
ping_pid=$!
BG_PIDS+=" $ping_pid"
sleep 1
c0=$(cpu) t0=${EPOCHREALTIME/,/.}
mx x "$FORGE" --seed badsig --duration 10 --warmup 1000 --linger 0 m-v1 badsig-flood \
	>"$TMP/badsig.log" 2>&1 || fail "l3forge badsig-flood: $(tail -5 "$TMP/badsig.log")"
c1=$(cpu) dt=$(elapsed "$t0")
wait "$ping_pid" || true
BG_PIDS=
grep -E '^sent' "$TMP/badsig.log" | sed 's/^/    /' >&2
bs=$(($(l3_stat v1 desc_bad_signature) - bs0))
pretty "v1: $bs signature checks failed, $(l3_stat v1 desc_bad_signature_known) known bad," \
	"$(l3_stat v1 desc_rate_limited) rate-limited; l3routed CPU" \
	"$(awk -v c=$((c1 - c0)) -v t="$dt" 'BEGIN { printf "%.0f", c / t }')% of a core"
gap=$(max_gap "$TMP/ping2.txt")
loss=$(grep -o '[0-9.]*% packet loss' "$TMP/ping2.txt")
pretty "v0 -> v2 through v1 during the bad signatures: $loss, longest silence ${gap}s"
awk -v g="$gap" 'BEGIN { exit !(g < 1) }' || fail "v0 lost v2 for ${gap}s during the bad signatures"
# 16 at once, then about 4 a second (doc/l3route-routing.md, "Limits")
((bs <= 16 + 6 * 12)) || fail "v1 checked $bs bad signatures in ~11 s"
assert_eq "v1's route changes during the bad signatures" "$rc0" "$(l3_stat v1 route_changes)"
l3_has_route v0 "$v2addr/128" || fail "v0 lost its route to v2"
l3_alive x
pretty "ok"
