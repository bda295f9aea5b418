# shellcheck shell=bash
# Helpers for the smart-gateway lab tests (issue 5; doc/l3route-gateways.md):
# real l2meshd and l3routed in meshlab, an `internet` host joined to the
# gateways' WAN ports. Sourced:
#   . "$(dirname "$0")/gwlib.sh"; gw_init "$@"   # args: MESHLAB L3FORGE [GWSPOOF]
# l3lib.sh (l3_node, l3_lab_up, l3_status ...) is used as it is.
# shellcheck source=l3lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/l3lib.sh"

INET_IP=198.18.0.1	# the internet host's address (doc/meshlab.md)

gw_init() {
	l3_init "$1" "${2:-}"
	# shellcheck disable=SC2034 # used by the tests that source this
	GWSPOOF=${3:-}
	need_cmd nft iperf3 tcpdump
	BG_PIDS=
	GW_OWNS=
	trap gw_cleanup EXIT
}

# The lab is taken down at exit only if this run brought it up: a run that
# finds its lab name taken must not tear down the other run's lab.
gw_cleanup() {
	local rc=$?
	if [[ -n $GW_OWNS ]]; then
		l2_teardown $rc
		return
	fi
	local p
	for p in ${BG_PIDS:-}; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}

# gw_lab_up TOPOLOGY_TEXT: l3_lab_up for a lab name nobody else uses now
gw_lab_up() {
	GW_OWNS=
	lab_claim "$LAB"
	GW_OWNS=1
	l3_lab_up "$1"
}

# bg CMD...: runs CMD in the background; killed by the cleanup trap
bg() {
	"$@" &
	BG_PIDS+=" $!"
}

# ---- the gateway table (meshctl gw --json) ----

# gw_json NODE: `meshctl gw --json` of the node (the rows as l3routed sent them)
gw_json() { mctl "$1" gw --json; }

# gw_rows NODE: one line per IPv4 offer the node knows, best first:
#   HOSTNAME SELECTED(0|1) DOWN_KBIT SCORE RANK WHY...
# (the JSON layout is doc/l3route-gateways.md's; a family is told by a
# "family" field (4, "ipv4", "inet") or by the offered prefix)
gw_rows() {
	gw_json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict):
    d = d.get("data", d)
if isinstance(d, dict):
    rows = d.get("gateways", d.get("ipv4", []))
    if isinstance(rows, dict):
        rows = rows.get("ipv4", [])
else:
    rows = d
def v4(r):
    f = str(r.get("family", r.get("prefix", "4"))).lower()
    return f in ("4", "ipv4", "inet", "af_inet") or f.startswith("0.0.0.0")
for r in rows:
    if not v4(r):
        continue
    print(r.get("hostname") or r.get("short_id") or r.get("id"),
          1 if r.get("selected") else 0, r.get("down_kbit", 0),
          r.get("score", 0), r.get("rank", 0), r.get("why", ""))'
}

# gw_sel NODE: hostname of the node's selected IPv4 gateway, "-" if none
gw_sel() {
	local s
	s=$(gw_rows "$1" 2>/dev/null | awk '$2 == 1 { print $1; exit }')
	echo "${s:--}"
}

# gw_wait_sel TIMEOUT_S NODE NAME: polls until NODE selects NAME; prints the
# seconds it took; fails the test with the node's table otherwise
gw_wait_sel() {
	local t0=${EPOCHREALTIME/,/.}
	wait_for "$1" gw_is "$2" "$3" ||
		fail "$2 does not select $3 within $1 s (selected: $(gw_sel "$2")): $(mctl "$2" gw 2>&1)"
	elapsed "$t0"
}
gw_is() { [[ $(gw_sel "$1") == "$2" ]]; }

# gw_offers NODE: number of IPv4 offers the node knows
gw_offers() { gw_rows "$1" | wc -l; }

# ---- counters at the internet host ----

# inet_counters INET: an nftables table in the internet host's namespace
# that counts, per gateway side gwK (K = 1, 2), the ICMP echo requests
# (gK_icmp), the TCP SYNs (gK_syn) and every IPv4 packet (gK_all) arriving
# from that gateway. Extra rules (nft syntax, "name: match") may follow, e.g.
#   inet_counters inet "len300: iifname gw1 ip length 328 icmp type echo-request"
inet_counters() {
	local ns=sm-$LAB-$1 k spec name
	shift
	{
		echo "table ip gwtest {"
		for k in 1 2; do
			echo "counter g${k}_icmp {}"
			echo "counter g${k}_syn {}"
			echo "counter g${k}_all {}"
		done
		for spec in "$@"; do echo "counter ${spec%%:*} {}"; done
		echo "chain pre { type filter hook prerouting priority -300; policy accept;"
		for k in 1 2; do
			echo "iifname \"gw$k\" icmp type echo-request counter name g${k}_icmp"
			echo "iifname \"gw$k\" tcp flags & (syn | ack) == syn counter name g${k}_syn"
			echo "iifname \"gw$k\" counter name g${k}_all"
		done
		for spec in "$@"; do
			name=${spec%%:*}
			echo "${spec#*:} counter name $name"
		done
		echo "}"; echo "}"
	} >"$TMP/inet.nft"
	ip netns exec "$ns" nft -f "$TMP/inet.nft" || fail "nft in $ns: $(cat "$TMP/inet.nft")"
	INET_NS=$ns
}

# inet_count NAME: packets counted so far by the named counter
inet_count() {
	ip netns exec "$INET_NS" nft list counter ip gwtest "$1" |
		awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# ---- pings, TCP ----

# ping_run FROM COUNT INTERVAL FILE: `ping -D` from FROM to the internet host
ping_run() {
	mx "$1" ping -D -n -i "$3" -W 1 -c "$2" "$INET_IP" >"$4" 2>&1 || true
}
replies() { grep -c 'bytes from' "$1" || true; }

# inet_tcp FROM SECONDS: iperf3 TCP from FROM to the internet host (a server
# there for the one run); prints bits/s, fails the test if it does not run
inet_tcp() {
	tcp_rate "$1" "${INET_HOST:-inet}" "$INET_IP" "$2"
}

# tcp_echo FROM SECONDS [PORT]: a new TCP connection from FROM to an echo
# server on the internet host (tests/netns/tcp_echo.py), echoing for SECONDS;
# prints its "echoes N max_gap_ms M" line; fails the test if it breaks
tcp_echo() {
	local port=${3:-5999} out
	mx "${INET_HOST:-inet}" python3 "$GWLIB_DIR/tcp_echo.py" serve "$port" &
	BG_PIDS+=" $!"
	wait_listen "${INET_HOST:-inet}" "$port"
	out=$(mx "$1" timeout 40 python3 "$GWLIB_DIR/tcp_echo.py" stream "$INET_IP" "$port" "$2" 2>&1) ||
		fail "TCP echo $1 -> $INET_IP:$port broke: $out"
	echo "$out"
}
GWLIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---- tunnel device / ports ----

# the tunnel devices (doc/l3route-gateways.md): smtun on every node (what
# it sends to its gateway), smgw on gateways (decapsulated packets, counted
# as the device's rx)
# shellcheck disable=SC2034
TUN_TX=smtun
# shellcheck disable=SC2034
TUN_RX=smgw

# link_pkts NODE DEV rx|tx: packet counter of a device in NODE
link_pkts() {
	ip -n "sm-$LAB-$1" -s -j link show dev "$2" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["stats64"][sys.argv[1]]["packets"])' "$3"
}

# l3_addr NODE: the node's fd5e:: node address (l3routed status)
l3_addr() {
	l3_status "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["address"])'
}

# tunnel_port NODE: the node's tunnel UDP port: l3_port + 1
tunnel_port() {
	l3_status "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["udp_port"] + 1)'
}

# gap_after FILE T: the longest ping silence (s) in `ping -D` output that
# covers or follows time T (EPOCHREALTIME), up to END (arg 3): the silence
# caused by an event at T. Replies before T only set where the gap starts.
gap_after() {
	awk -F'[][]' -v t="$2" -v e="$3" '
		/bytes from/ { r = $2 + 0; if (r <= t) { p = r; next }
			if (!p) p = t; if (r - p > g) g = r - p; p = r }
		END { if (!p) p = t; if (e - p > g) g = e - p; printf "%.2f", g }' "$1"
}

# l3_restart NODE: starts the node's l3routed again as meshlab does and waits
# until it answers on its control socket
l3_restart() {
	local rd=/run/softmesh-lab/$LAB/nodes/$1 ns=sm-$LAB-$1 cargs=()
	[[ -f $rd/community.conf ]] && cargs=(-c "$rd/community.conf")
	cargs+=(-c "$rd/node.conf" -R "$rd")
	# shellcheck disable=SC2016
	setsid ip netns exec "$ns" sh -c 'echo $$ >"$0"; exec "$@"' "$rd/l3routed.pid" \
		"$BINDIR/l3route/l3routed" "${cargs[@]}" </dev/null >>"$rd/l3routed.log" 2>&1 &
	wait_for 10 l3_answers "$1" || fail "l3routed of $1 did not come back: $(tail -3 "$rd/l3routed.log")"
}
l3_answers() { mctl "$1" raw l3routed '{"cmd":"status"}' >/dev/null 2>&1; }

# gw_tx NODE GW: packets NODE has tunnelled to gateway GW (its row's
# tx_packets in meshctl gw --json; 0 when GW has no row)
gw_tx() {
	gw_json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("data", d)
print(sum(r.get("tx_packets", 0) for r in d.get("gateways", [])
          if r.get("hostname") == sys.argv[1] and r.get("family") == "ipv4"))' "$2"
}

# gw_field NODE PATH: a field of meshctl gw --json, e.g. "tunnel.ipv4",
# "preference_source" (JSON null prints as null)
gw_field() {
	gw_json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("data", d)
for k in sys.argv[1].split("."):
    d = d[k]
print(json.dumps(d) if not isinstance(d, str) else d)' "$2"
}

# gw_offers_ge NODE N: the node knows at least N IPv4 offers (for wait_for)
gw_offers_ge() { (($(gw_offers "$1") >= $2)); }
