#!/bin/bash
# Table events (issue 10; doc/control.md#events). On a ring of four (one
# cloud, so that the cut leaves it whole at both layers), n1
# keeps every table of l2meshd and l3routed from one dump plus its events
# (meshctl watch --verify) while the lab goes through a link that vanishes
# and comes back, a client that roams, and a route that moves; at the end
# each kept table must equal a fresh dump, volatile fields aside. The
# gateway n3 raises its offer (meshctl reload). The
# monitors meshlab attaches to every daemon must have seen link,
# originator and route events, and no daemon may have died.
#   ctl_events.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/l3lib.sh"
l3_init "$@"
LAB=${LAB:-ev$$}

l3_lab_up "$(l3_node n1)
$(l3_node n2)
$(l3_node n3 gateway 1 gateway_bandwidth 10mbit/2mbit)
$(l3_node n4)
link n1 n2
link n2 n3
link n3 n4
link n4 n1
client c1 n1 n2
client c2 n3 n4
internet inet n3"
converge_ping 60 c1 "$(client_ip c2 4)" >/dev/null

WATCH_S=${WATCH_S:-40}
l2_topics="originator neighbor gateway translocal transglobal interface"
l3_topics="link originator route description"
watch() { # DAEMON TOPIC
	mx n1 meshctl watch -s "$WATCH_S" --verify "$1" "$2" >"$TMP/w.$1.$2" 2>"$TMP/w.$1.$2.err"
}
pids=()
for t in $l2_topics; do watch l2meshd "$t" & pids+=("$!:l2meshd.$t"); done
for t in $l3_topics; do watch l3routed "$t" & pids+=("$!:l3routed.$t"); done
sleep 2
t0=${EPOCHREALTIME/,/.}

# the n1-n2 cable is pulled: both ends of the veth go
n1=sm-$LAB-n1 n2=sm-$LAB-n2
mac1=$(ip -n "$n1" -o link show m-n2 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mac2=$(ip -n "$n2" -o link show m-n1 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
ip -n "$n1" link del m-n2
sleep 6
# c1 moves to n2, c2 to n4: both clients roam
"$MESHLAB" move --name "$LAB" c1 n2 >/dev/null
"$MESHLAB" move --name "$LAB" c2 n4 >/dev/null
converge_ping 30 c1 "$(client_ip c2 4)" >/dev/null
# the cable is back
ip link add m-n2 netns "$n1" address "$mac1" mtu 1532 type veth peer name m-n1 netns "$n2" \
	address "$mac2" mtu 1532
ip -n "$n1" link set m-n2 up
ip -n "$n2" link set m-n1 up
# the gateway n3 offers more: a new description, a new batman GW TVLV
sed -i "s|gateway_bandwidth '10mbit/2mbit'|gateway_bandwidth '20mbit/4mbit'|" \
	"/run/softmesh-lab/$LAB/nodes/n3/node.conf"
mctl n3 reload >/dev/null || fail "meshctl reload on n3: $(mctl n3 reload 2>&1)"
pretty "cut, roams, repair and a new offer done $(elapsed "$t0")s into the watch"

bad=0
for p in "${pids[@]}"; do
	pid=${p%%:*} name=${p#*:}
	if ! wait "$pid"; then
		pretty "watch $name: $(cat "$TMP/w.$name.err")"
		bad=1
		continue
	fi
	pretty "$(cat "$TMP/w.$name.err")"
done
((bad == 0)) || fail "a table kept from events differs from a fresh dump"

# events seen, by topic and action, in what the watches printed
seen() { grep -c "^$1 " "$TMP/w.$2" || true; }
check() { # FILE ACTION WHAT
	(($(seen "$2" "$1") > 0)) || fail "no '$2' event on $1: $(head -5 "$TMP/w.$1")"
}
check l2meshd.originator '~' "TQ or next hop changes"
check l2meshd.neighbor '-' "the neighbour behind the pulled cable"
check l2meshd.neighbor '+' "it comes back"
check l2meshd.interface '~' "the port goes and comes back"
check l2meshd.gateway '~' "n3's offer and TQ"
check l2meshd.translocal '-' "c1 left n1"
check l2meshd.transglobal '+' "c2 at n4"
check l3routed.link '-' "the link lost"
check l3routed.link '+' "the link back"
check l3routed.route '~' "routes that moved"
check l3routed.originator '~' "metrics that changed"
check l3routed.description '~' "n3's new offer"

# meshlab's monitors (every topic) saw them too, on every node
for n in n1 n2 n3 n4; do
	for d in l2meshd l3routed; do
		ev=/run/softmesh-lab/$LAB/nodes/$n/$d.events
		[[ -s $ev ]] || fail "no events in $ev"
	done
done
ev=/run/softmesh-lab/$LAB/nodes/n1/l3routed.events
for t in link originator route; do
	grep -q "\"event\":\"$t\"" "$ev" || fail "n1's monitor saw no $t event"
done
grep -q '"event":"log"' "$ev" || fail "n1's monitor saw no log event"
daemons_alive
pretty ok
