#!/bin/bash
# Smart gateways: fail-over within 3 s (issue 5, "What it must show" 2).
# Lab:
#
#   c1 - n1 --- g1 (gateway 50mbit/10mbit) - wan0 ---.
#          \                                         inet (198.18.0.1)
#           `-- g2 (gateway 10mbit/2mbit)  - wan0 ---'
#
# n1 chooses g1 (the better offer). c1 pings the internet host 20 times a
# second while g1 fails, three ways, each undone before the next:
#   a. g1's l3routed is killed (SIGKILL: no goodbye; n1 must notice the
#      lost link by itself);
#   b. the mesh link n1-g1 is cut (meshlab link down: frames dropped,
#      carrier stays);
#   c. g1's WAN port goes down (ip link set wan0 down: the WAN link check
#      sees it and g1 withdraws its offer);
#   d. the internet is cut behind a WAN port that stays up (meshlab link
#      inet g1 down: frames dropped, carrier stays): g1's ping check
#      (gateway_check 198.18.0.1) fails and g1 withdraws its offer.
# Each time the longest ping silence from the failure on is printed and
# must be <= 3 s; then n1 must have chosen g2, the echo requests must reach
# the internet host from g2's side (nftables counters there), and a new TCP
# connection (tests/netns/tcp_echo.py) must work, its SYN arriving from g2.
# After each undo n1 must go back to g1. Every daemon has a monitor
# attached (meshlab's default); n1's must have seen each choice as a
# gateway event, and no daemon may die while publishing them.
#   gw_failover.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/gwlib.sh"
LAB=${LAB:-gwf$$}	# the pid: runs from two build dirs do not meet
gw_init "$@"
LIMIT=${GW_FAILOVER_LIMIT:-3.0}

gw_lab_up "$(l3_node n1 hostname n1)
$(l3_node g1 hostname g1 ap_ssid gwfone gateway 1 gateway_bandwidth 50mbit/10mbit gateway_check "$INET_IP")
$(l3_node g2 hostname g2 ap_ssid gwftwo gateway 1 gateway_bandwidth 10mbit/2mbit)
link n1 g1
link n1 g2
client c1 n1
internet inet g1 g2"

inet_counters inet
wait_for 60 gw_offers_ge n1 2 || fail "n1 does not see both offers: $(mctl n1 gw 2>&1)"
t=$(gw_wait_sel 30 n1 g1)
t=$(converge_ping 60 c1 "$INET_IP")
pretty "n1 chose g1; c1 reaches $INET_IP after ${t}s"

# ping_via gK: one ping from c1 gets an answer and an echo request arrived
# from gateway side K
ping_via() {
	local b
	b=$(inet_count "$1_icmp")
	mx c1 ping -c 1 -W 1 "$INET_IP" >/dev/null 2>&1 && (($(inet_count "$1_icmp") > b))
}

# back_to_g1 WHAT: after an undo, n1 returns to g1 and pings flow through it
back_to_g1() {
	local t
	t=$(gw_wait_sel 30 n1 g1)
	wait_for 15 ping_via g1 || fail "after $1, pings do not go through g1 again"
	pretty "after $1, n1 is back on g1 (${t}s)"
}

# failover NAME CMD...: pings at 20/s across CMD; prints and checks the
# silence, the new choice, the side the pings and a new TCP connection
# arrive from
port=6000
failover() {
	local name=$1 t0 te gap got b1 b2 s1 s2 out
	shift
	b1=$(inet_count g1_icmp) b2=$(inet_count g2_icmp)
	mx c1 ping -D -n -i 0.05 -W 1 -c 200 "$INET_IP" >"$TMP/ping.$name" 2>&1 &
	local p=$!
	sleep 2
	t0=${EPOCHREALTIME/,/.}
	"$@"
	wait "$p" || true
	te=${EPOCHREALTIME/,/.}
	gap=$(gap_after "$TMP/ping.$name" "$t0" "$te")
	got=$(replies "$TMP/ping.$name")
	pretty "$name: longest silence after the failure ${gap}s ($got/200 replies; limit ${LIMIT}s)"
	pretty "$name: echo requests at inet during the run: from g1 $(($(inet_count g1_icmp) - b1)), from g2 $(($(inet_count g2_icmp) - b2))"
	pretty "$name: meshctl gw on n1 now:"
	mctl n1 gw 2>&1 | sed 's/^/    /' >&2
	awk -v g="$gap" -v l="$LIMIT" 'BEGIN { exit !(g <= l) }' || fail "$name: pings silent for ${gap}s (limit ${LIMIT}s)"
	[[ $(gw_sel n1) == g2 ]] || fail "$name: n1 selects '$(gw_sel n1)', not g2"
	((got > 150)) || fail "$name: only $got/200 replies"
	b2=$(inet_count g2_icmp)
	mx c1 ping -c 5 -i 0.1 -W 1 "$INET_IP" >/dev/null || fail "$name: c1 cannot ping after the fail-over"
	(($(inet_count g2_icmp) >= b2 + 5)) || fail "$name: pings after the fail-over do not arrive from g2"
	s1=$(inet_count g1_syn) s2=$(inet_count g2_syn)
	port=$((port + 1))
	out=$(tcp_echo c1 2 "$port")
	pretty "$name: new TCP connection: $out; SYNs at inet from g1 $(($(inet_count g1_syn) - s1)), from g2 $(($(inet_count g2_syn) - s2))"
	(($(inet_count g2_syn) > s2)) || fail "$name: the new TCP connection did not go out through g2"
}

kill_g1() { kill -KILL "$(l3_pid g1)"; }
failover kill kill_g1
l3_restart g1
back_to_g1 "g1's l3routed restarted"

failover cut "$MESHLAB" link --name "$LAB" n1 g1 down
"$MESHLAB" link --name "$LAB" n1 g1 up
back_to_g1 "the link n1-g1 up again"

failover wan ip -n "sm-$LAB-g1" link set wan0 down
ip -n "sm-$LAB-g1" link set wan0 up
ip -n "sm-$LAB-g1" route replace default via 100.64.1.254 dev wan0
back_to_g1 "g1's wan0 up again"

failover uplink "$MESHLAB" link --name "$LAB" inet g1 down
"$MESHLAB" link --name "$LAB" inet g1 up
back_to_g1 "the uplink behind g1 back"

# meshlab attached a monitor to every daemon (every topic): n1's saw each
# choice as a gateway event, and no daemon died while publishing them
ev=/run/softmesh-lab/$LAB/nodes/n1/l3routed.events
n_g1=$(grep -c '"event":"gateway".*"gateway":"g1"' "$ev" || true)
n_g2=$(grep -c '"event":"gateway".*"gateway":"g2"' "$ev" || true)
pretty "n1's monitor: $n_g1 gateway events for g1, $n_g2 for g2"
((n_g1 >= 5 && n_g2 >= 4)) || fail "n1's monitor missed gateway events: $(grep '"gateway"' "$ev" | head -12)"
daemons_alive
l3_alive ""
pretty "ok"
