#!/bin/bash
# Smart gateways: user choice and hysteresis (issue 5, "What it must
# show" 3).
#
# Lab 1 (gwpPID):
#   c1 - n1 (preferred_gateway g2) --- g1 (gateway 50mbit/10mbit) - wan0 --.
#   c2 - n2 ---------------------- \-- g2 (gateway 10mbit/2mbit)  - wan0 --inet
#   (mesh links n1-g1, n1-g2, n2-g1, n2-g2; n1, n2 one cloud)
#   1. n1's node line says preferred_gateway g2: n1 uses g2 although g1
#      scores more; n2 (no preference) uses g1. c1's pings reach the
#      internet host from g2's side, c2's from g1's (nftables counters).
#   2. meshctl gw prefer g2 on n2: n2 moves to g2 ("preferred by the user");
#      l3routed of n2 restarted (SIGTERM, start): still g2 (kept across
#      restarts); meshctl gw prefer auto: back to g1, and c2's pings with it.
#      A name no node has is refused (exit 1, nothing changes); a node
#      that offers no gateway is taken with a warning and the choice stays
#      automatic; a node id prefix works as a name; a bad name is refused. On n1, meshctl gw prefer auto beats the
#      config (g1), meshctl gw reset returns to the config's g2.
# Lab 2 (gwqPID), hysteresis:
#   c3 - n3 --- h1 (gateway 10mbit/2mbit) - wan0 --.
#          `--- h2 (gateway 11mbit/2mbit) - wan0 --inet
#   The link n3-h2 starts cut, so n3 takes h1; then it comes up: h2 scores
#   10 % more, inside the 20 % hysteresis, so n3 must keep h1. For 60 s the
#   choice is sampled every 0.5 s (meshctl gw --json), c3 pings twice a
#   second, and n3's log is watched for gateway changes: any change after
#   the first selection fails the test, as does an echo request from h2's
#   side. (That the hysteresis still lets a clearly better gateway win is
#   gw_failover.sh's "back to g1".)
#   gw_prefer.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/gwlib.sh"
LAB=${LAB:-gwp$$}	# the pid: runs from two build dirs do not meet
gw_init "$@"
HYST_SECS=${GW_HYST_SECONDS:-60}

gw_lab_up "$(l3_node n1 hostname n1 preferred_gateway g2)
$(l3_node n2 hostname n2)
$(l3_node g1 hostname g1 ap_ssid gwpone gateway 1 gateway_bandwidth 50mbit/10mbit)
$(l3_node g2 hostname g2 ap_ssid gwptwo gateway 1 gateway_bandwidth 10mbit/2mbit)
link n1 n2
link n1 g1
link n1 g2
link n2 g1
link n2 g2
client c1 n1
client c2 n2
internet inet g1 g2"
inet_counters inet

for n in n1 n2; do
	wait_for 60 gw_offers_ge $n 2 || fail "$n does not see both offers: $(mctl $n gw 2>&1)"
done
gw_wait_sel 30 n1 g2 >/dev/null
gw_wait_sel 30 n2 g1 >/dev/null
why() { gw_rows "$1" | awk -v g="$2" '$1 == g { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ */, ""); print }'; }
pretty "n1 (preferred_gateway g2) uses g2: '$(why n1 g2)'; n2 (no preference) uses g1: '$(why n2 g1)'"
mctl n1 gw | sed 's/^/    n1: /' >&2
why n1 g2 | grep -qi prefer || fail "n1 does not say g2 is chosen because it is preferred: '$(why n1 g2)'"

# through_gw CLIENT gK: 20 pings from CLIENT arrive at the internet host
# from gateway side K only
through_gw() {
	local c=$1 k=${2#g} o=$((3 - ${2#g})) bk bo dk do_
	converge_ping 30 "$c" "$INET_IP" >/dev/null
	bk=$(inet_count "g${k}_icmp") bo=$(inet_count "g${o}_icmp")
	mx "$c" ping -c 20 -i 0.05 -W 1 "$INET_IP" >/dev/null 2>&1 || true
	dk=$(($(inet_count "g${k}_icmp") - bk)) do_=$(($(inet_count "g${o}_icmp") - bo))
	pretty "$c: 20 pings, echo requests at inet from g$k: $dk, from g$o: $do_"
	((dk >= 18 && do_ == 0)) || fail "$c's pings do not go (only) through g$k: g$k $dk, g$o $do_"
}
through_gw c1 g2
through_gw c2 g1

src=$(gw_field n1 preference_source) pref=$(gw_field n1 preference)
pretty "n1: preference '$pref' from '$src'"
[[ $pref == g2 && $src == config ]] || fail "n1 shows preference '$pref' from '$src', not g2 from config"

# meshctl over the config: auto on n1 means automatic (g1) although the
# config names g2; reset goes back to the config's g2
out=$(mctl n1 gw prefer auto 2>&1) || fail "meshctl gw prefer auto on n1: $out"
t=$(gw_wait_sel 5 n1 g1)
pretty "meshctl gw prefer auto on n1: g1 after ${t}s ('$(why n1 g1)'), preference from '$(gw_field n1 preference_source)'"
[[ $(gw_field n1 preference_source) == meshctl ]] || fail "n1's preference not shown as meshctl's"
through_gw c1 g1
out=$(mctl n1 gw reset 2>&1) || fail "meshctl gw reset on n1: $out"
t=$(gw_wait_sel 5 n1 g2)
pretty "meshctl gw reset on n1: back to the config's g2 after ${t}s, preference '$(gw_field n1 preference)' from '$(gw_field n1 preference_source)'"
[[ $(gw_field n1 preference_source) == config ]] || fail "after reset n1's preference is not the config's"

# 2. run-time preference on n2
out=$(mctl n2 gw prefer g2 2>&1) || fail "meshctl gw prefer g2: $out"
t=$(gw_wait_sel 5 n2 g2)
pretty "meshctl gw prefer g2 on n2: g2 after ${t}s: '$(why n2 g2)'"
why n2 g2 | grep -qi prefer || fail "n2 does not say g2 is preferred: '$(why n2 g2)'"
through_gw c2 g2

pid=$(l3_pid n2)
kill -TERM "$pid"
wait_for 5 proc_gone "$pid" || fail "n2's l3routed ignores SIGTERM"
l3_restart n2
wait_for 60 gw_offers_ge n2 2 || fail "restarted n2 does not see both offers: $(mctl n2 gw 2>&1)"
sleep 2	# both offers known: an automatic choice would be g1 by now
t=$(gw_wait_sel 10 n2 g2)
pretty "n2's l3routed restarted: still on g2 (${t}s after both offers were known): '$(why n2 g2)'"
through_gw c2 g2

out=$(mctl n2 gw prefer auto 2>&1) || fail "meshctl gw prefer auto: $out"
t=$(gw_wait_sel 5 n2 g1)
pretty "meshctl gw prefer auto on n2: g1 after ${t}s: '$(why n2 g1)'"
why n2 g1 | grep -qi prefer && fail "n2 still reports a preference after auto: '$(why n2 g1)'"
through_gw c2 g1

# a name no node has is refused, and changes nothing
rc=0
out=$(mctl n2 gw prefer nosuchgw 2>&1) || rc=$?
((rc == 1)) || fail "meshctl gw prefer nosuchgw exits $rc, want 1: $out"
grep -q "no node in the mesh is called 'nosuchgw'" <<<"$out" || fail "meshctl gw prefer nosuchgw says: $out"
[[ $(gw_field n2 preference) == auto ]] || fail "a refused name changed n2's preference to '$(gw_field n2 preference)'"
sleep 1
[[ $(gw_sel n2) == g1 ]] || fail "a refused preferred name moved n2 to '$(gw_sel n2)'"
pretty "meshctl gw prefer nosuchgw on n2: refused ('$(head -1 <<<"$out")'), still g1"
# a node that offers no gateway: taken, with a warning; the choice stays automatic
out=$(mctl n2 gw prefer n1 2>&1) || fail "meshctl gw prefer n1 (a node without an offer): $out"
grep -q "warning: that node offers no gateway now" <<<"$out" || fail "no warning for n1, which offers no gateway: $out"
[[ $(gw_field n2 preference) == n1 ]] || fail "n2's preference is '$(gw_field n2 preference)', not n1"
sleep 1
[[ $(gw_sel n2) == g1 ]] || fail "preferring n1 (no offer) moved n2 to '$(gw_sel n2)'"
pretty "meshctl gw prefer n1 on n2: $(grep warning <<<"$out"); still g1"

# by node id prefix (8 hex digits of g2's id)
id2=$(l3_status g2 | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"][:8])')
out=$(mctl n2 gw prefer "$id2" 2>&1) || fail "meshctl gw prefer $id2: $out"
t=$(gw_wait_sel 5 n2 g2)
pretty "meshctl gw prefer $id2 (g2's id prefix) on n2: g2 after ${t}s"
mctl n2 gw prefer 'no/such name' >"$TMP/bad" 2>&1 && fail "meshctl gw prefer accepted 'no/such name': $(cat "$TMP/bad")"
pretty "a bad name is refused: $(head -1 "$TMP/bad")"
[[ $(gw_sel n2) == g2 ]] || fail "a refused preference changed n2's choice to $(gw_sel n2)"
mctl n2 gw prefer auto >/dev/null
gw_wait_sel 5 n2 g1 >/dev/null
daemons_alive
l3_alive ""
"$MESHLAB" down --name "$LAB" >/dev/null 2>&1

# ---- lab 2: hysteresis ----
LAB=gwq$$
gw_lab_up "$(l3_node n3 hostname n3)
$(l3_node h1 hostname h1 ap_ssid gwphone gateway 1 gateway_bandwidth 10mbit/2mbit)
$(l3_node h2 hostname h2 ap_ssid gwphtwo gateway 1 gateway_bandwidth 11mbit/2mbit)
link n3 h1
link n3 h2
client c3 n3
internet inet h1 h2"
"$MESHLAB" link --name "$LAB" n3 h2 down
inet_counters inet
t=$(gw_wait_sel 60 n3 h1)
pretty "n3 chose h1 (10mbit, the only offer) after ${t}s"
log=/run/softmesh-lab/$LAB/nodes/n3/l3routed.log
converge_ping 30 c3 "$INET_IP" >/dev/null
"$MESHLAB" link --name "$LAB" n3 h2 up
wait_for 60 gw_offers_ge n3 2 || fail "n3 does not see h2's offer after the link came up: $(mctl n3 gw 2>&1)"
pretty "h2 (11mbit) visible to n3:"
mctl n3 gw | sed 's/^/    n3: /' >&2
lines0=$(wc -l <"$log")
b2=$(inet_count g2_icmp) b1=$(inet_count g1_icmp)
mx c3 ping -n -i 0.5 -W 1 -w "$HYST_SECS" "$INET_IP" >"$TMP/ping3" 2>&1 &
BG_PIDS+=" $!"
first='' prev='' changes=0 samples=0 end=$((SECONDS + HYST_SECS))
while ((SECONDS < end)); do
	s=$(gw_sel n3)
	samples=$((samples + 1))
	[[ -z $first ]] && first=$s
	if [[ -n $prev && $s != "$prev" ]]; then
		changes=$((changes + 1))
		pretty "sample $samples: selection $prev -> $s"
	fi
	prev=$s
	sleep 0.5
done
loglines=$(tail -n +"$((lines0 + 1))" "$log" | grep -ci 'gateway' || true)
d1=$(($(inet_count g1_icmp) - b1)) d2=$(($(inet_count g2_icmp) - b2))
pretty "hysteresis: ${HYST_SECS}s, $samples samples, first '$first', $changes changes; $loglines gateway log lines; echo requests from h1 $d1, from h2 $d2"
[[ $first == h1 ]] || fail "n3 left h1 for '$first' when h2 (within the hysteresis) appeared"
((changes == 0)) || fail "the gateway choice flapped: $changes changes in ${HYST_SECS}s"
((loglines == 0)) || fail "n3 logged gateway changes: $(tail -n +"$((lines0 + 1))" "$log" | grep -i gateway | head -5)"
((d1 >= HYST_SECS && d2 == 0)) || fail "c3's pings not all through h1: h1 $d1, h2 $d2"
why n3 h1 | grep -qi 'hysteresis' || fail "n3 does not give the hysteresis as its reason for h1: '$(why n3 h1)'"
pretty "n3's reason for h1: '$(why n3 h1)'"
daemons_alive
l3_alive ""
pretty "ok"
