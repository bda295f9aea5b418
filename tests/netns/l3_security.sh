#!/bin/bash
# l3route under attack. Lab: x - v1 - v2. x is a lab node whose l3routed is
# stopped; l3forge (tests/netns/l3forge.c) speaks from x's mesh port m-v1 as
# a neighbour of v1 (hellos and IHUs under its own id, so v1 keeps a link to
# it), each attack under its own key (--seed), and the matching counter of
# v1's l3routed must go up while nothing forged reaches a kernel table:
#
#   desc-foreign-key     v2's public key (so v2's id) in a description
#                        signed with the attacker's key, dseq far above
#                        v2's: the faithful "signed by another key" attack
#                        is a blob whose embedded key is the victim's, since
#                        a node id is the hash of the key the blob carries.
#                        v2's key is taken from the wire (l3forge asks v1 for
#                        v2's description); if v1 does not relay it, from
#                        v2's key file (public part only; same attack).
#                        -> desc_bad_signature
#   desc-tampered        own description for 10.97.0.0/16, changed to
#                        10.96.0.0/16 after signing -> desc_bad_signature
#   desc-replay          own description dseq 10, then dseq 5 -> desc_stale
#   update-bad-elem      valid description, updates with a wrong chain
#                        element -> update_bad_chain
#   update-beyond-chain  updates past the chain's length -> update_beyond_chain
#
# A positive control first: l3forge as an honest node (10.99.0.0/16) must get
# its prefix into v2's kernel table, so the tool's packets are ones l3routed
# takes. Then a second lab whose community config trusts only the lab
# nodes' ids: the same honest-but-untrusted node never gets 10.99.0.0/16
# into a kernel table, and desc_untrusted or update_untrusted goes up.
#   l3_security.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/l3lib.sh"
LAB=${LAB:-l3sec}
l3_init "$@"
[[ -x $FORGE ]] || fail "no l3forge given"

TOPO="$(l3_node x)
$(l3_node v1)
$(l3_node v2)
link x v1
link v1 v2"

# stop_x: x's own l3routed leaves the port to l3forge
stop_x() {
	local pid
	pid=$(l3_pid x)
	ALLOW_DEAD="x:l3routed"	# stopped on purpose: the exit check skips it
	kill "$pid"
	wait_for 5 proc_gone "$pid" || fail "x's l3routed does not stop"
}
forge() { mx x "$FORGE" "$@"; }

# no_forged NODE: none of the forged prefixes/addresses in NODE's kernel
no_forged() {
	local n=$1 p
	shift
	for p in 10.96.0.0/16 10.97.0.0/16 "$@"; do
		l3_has_route "$n" "$p" && fail "$n has a kernel route to forged $p: $(l3_kroutes "$n" | grep -F "${p%/*}")"
	done
	return 0
}

# expect_up NODE COUNTER BEFORE: the counter went above BEFORE (polled 5 s)
expect_up() {
	local now
	for _ in $(seq 50); do
		now=$(l3_stat "$1" "$2")
		((now > $3)) && { pretty "$1 $2: $3 -> $now"; return 0; }
		sleep 0.1
	done
	fail "$1 $2 stayed at $3 after the attack (desc_no_link $(l3_stat "$1" desc_no_link), desc_rate_limited $(l3_stat "$1" desc_rate_limited), desc_bad_signature_known $(l3_stat "$1" desc_bad_signature_known))"
}

# attack MODE COUNTER SEED [OPTIONS]: runs l3forge MODE against v1
attack() {
	local mode=$1 ctr=$2 seed=$3 before
	shift 3
	before=$(l3_stat v1 "$ctr")
	pretty "attack $mode (seed $seed)"
	forge --seed "$seed" "$@" m-v1 "$mode" >"$TMP/forge-$mode.log" 2>&1 ||
		fail "l3forge $mode: $(tail -5 "$TMP/forge-$mode.log")"
	sed 's/^/    /' "$TMP/forge-$mode.log" >&2
	expect_up v1 "$ctr" "$before"
}

# ---- lab 1: open (no trust list) ----
l3_lab_up "$TOPO"
v2addr=$(l3_node_addr v2)
t=$(wait_route 30 v1 "$v2addr/128")
pretty "v1 routes v2's $v2addr after ${t}s"
stop_x

# positive control: an honest node's prefix reaches v2 (two hops away)
forge --seed honest --duration 25 m-v1 node >"$TMP/forge-honest.log" 2>&1 &
BG_PIDS=$!
t=$(wait_route 20 v2 10.99.0.0/16)
pretty "control: l3forge as an honest node got 10.99.0.0/16 into v2's table after ${t}s"
# $! is the subshell running forge(): l3forge itself must go too, or its
# hellos under another id from the same address keep resetting v1's link
# to the next attacker (descriptions need a two-way link)
kill "$BG_PIDS" 2>/dev/null || true
# (hones[t]: the pattern must not match the command line that carries it)
pkill -f -- "--seed hones[t] --duration 25" || true
wait_for 5 sh -c '! pgrep -f -- "--seed hones[t] --duration 25" >/dev/null' ||
	fail "the honest l3forge does not stop"
wait "$BG_PIDS" 2>/dev/null || true
BG_PIDS=

# the victim's public key, from the wire if v1 relays v2's description
v2id=$(l3_id v2)
if forge --seed capture --victim-id "$v2id" --duration 8 --out "$TMP/v2.desc" m-v1 capture \
	>"$TMP/forge-capture.log" 2>&1; then
	pkopt=(--victim-pk-from "$TMP/v2.desc")
	pretty "v2's description captured from the wire: $(grep '^pk' "$TMP/forge-capture.log")"
else
	"$FORGE" --key-id "$KEYS/v2.key" | awk '{ print $6 }' >"$TMP/v2.pk"
	pkopt=(--victim-pk-from "$TMP/v2.pk")
	pretty "v1 did not relay v2's description; v2's public key from its key file"
fi
# desc_dseq ID: the dseq of ID's description as v1 has it ("none": unknown)
desc_dseq() {
	mctl v1 raw l3routed '{"cmd":"descriptions"}' | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(next((d["dseq"] for d in (r["data"] if isinstance(r, dict) else r) if d["id"] == sys.argv[1]), "none"))' "$1"
}
dseq0=$(desc_dseq "$v2id")
attack desc-foreign-key desc_bad_signature foreign "${pkopt[@]}"
assert_eq "v2's description at v1 after the forgery (dseq)" "$dseq0" "$(desc_dseq "$v2id")"
l3_has_route v1 "$v2addr/128" || fail "v1 lost its route to v2 after the forged description"

attack desc-tampered desc_bad_signature tampered --prefix 10.97.0.0/16
attack desc-replay desc_stale replay --prefix 10.95.0.0/16
assert_eq "the replaying node's description at v1 (dseq)" 10 \
	"$(desc_dseq "$(awk '/^id / { print $2; exit }' "$TMP/forge-desc-replay.log")")"
attack update-bad-elem update_bad_chain badelem --prefix 10.94.0.0/16
attack update-beyond-chain update_beyond_chain beyond --prefix 10.93.0.0/16

# the attackers' own node addresses (first line of each l3forge log)
forged=()
for m in desc-foreign-key desc-tampered update-bad-elem update-beyond-chain; do
	a=$(awk '/^id / { print $4; exit }' "$TMP/forge-$m.log")
	[[ -n $a ]] || fail "no attacker address in the $m log"
	forged+=("$a/128")
done
for n in v1 v2; do no_forged "$n" 10.94.0.0/16 10.93.0.0/16 "${forged[@]}"; done
pretty "no forged prefix or attacker address in v1's or v2's kernel table"
l3_alive x
"$MESHLAB" down --name "$LAB" >/dev/null

# ---- lab 2: trusted_nodes lists the lab's nodes only ----
# shellcheck disable=SC2034 # lab_up reads it
COMMUNITY="config lime 'network'
	list trusted_nodes '$(l3_id x)'
	list trusted_nodes '$(l3_id v1)'
	list trusted_nodes '$(l3_id v2)'"
l3_lab_up "community lab.conf
$TOPO"
t=$(wait_route 30 v1 "$v2addr/128")
pretty "trust list: v1 routes trusted v2 after ${t}s"
stop_x
du0=$(l3_stat v1 desc_untrusted)
uu0=$(l3_stat v1 update_untrusted)
forge --seed honest --duration 15 m-v1 node >"$TMP/forge-untrusted.log" 2>&1 &
BG_PIDS=$!
t0=${EPOCHREALTIME/,/.}
while ! proc_gone "$BG_PIDS"; do
	for n in v1 v2; do
		l3_has_route "$n" 10.99.0.0/16 && fail "untrusted 10.99.0.0/16 in $n's kernel table after $(elapsed "$t0")s"
	done
	sleep 0.2
done
wait "$BG_PIDS" || fail "l3forge node: $(tail -5 "$TMP/forge-untrusted.log")"
BG_PIDS=
grep -q 'neighbour' "$TMP/forge-untrusted.log" || fail "l3forge never heard v1: $(cat "$TMP/forge-untrusted.log")"
du1=$(l3_stat v1 desc_untrusted)
uu1=$(l3_stat v1 update_untrusted)
pretty "v1 desc_untrusted $du0 -> $du1, update_untrusted $uu0 -> $uu1"
((du1 > du0 || uu1 > uu0)) || fail "the untrusted node was not counted as untrusted"
for n in v1 v2; do
	l3_has_route "$n" 10.99.0.0/16 && fail "untrusted 10.99.0.0/16 in $n's kernel table"
done
l3_has_route v1 "$v2addr/128" || fail "v1 lost trusted v2"
l3_alive x
pretty "ok"
