# shellcheck shell=bash
# Helpers for the l3route lab tests (real l3routed, and l2meshd, in
# meshlab); sourced.
#   . "$(dirname "$0")/l3lib.sh"; l3_init "$@"     # args: MESHLAB [L3FORGE]
# shellcheck source=l2lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/l2lib.sh"

l3_init() {
	l2_init "$1"
	FORGE=${2:-}
	need_cmd python3
	[[ -x $BINDIR/l3route/l3routed ]] || fail "no l3routed in '$BINDIR' (not built?)"
	KEYS=$TMP/keys
	mkdir -p "$KEYS"
}

# l3_node NAME [KEY VALUE...]: a topology `node` line whose l3routed key is
# a file of ours, made from the node's name: every run of a test gives a
# node the same id (l3_id NAME), and lab nodes never share the default key
# path.
l3_node() {
	local n=$1
	shift
	python3 -c 'import hashlib, sys; sys.stdout.buffer.write(hashlib.sha256(b"softmesh-l3lab-" + sys.argv[1].encode()).digest())' \
		"$n" >"$KEYS/$n.key"
	chmod 600 "$KEYS/$n.key"
	echo "node $n l3_key $KEYS/$n.key $*"
}

# l3_id NAME / l3_node_addr NAME: the id (32 hex digits) and fd5e:: node
# address of a node made with l3_node, from its key file alone.
l3_id() { "$FORGE" --key-id "$KEYS/$1.key" | awk '{ print $2 }'; }
l3_node_addr() { "$FORGE" --key-id "$KEYS/$1.key" | awk '{ print $4 }'; }

# l3_lab_up TOPOLOGY_TEXT: lab_up, and every l3routed has its socket.
l3_lab_up() {
	lab_up "$1"
	local d
	for d in /run/softmesh-lab/"$LAB"/nodes/*/; do
		wait_for 5 test -S "$d/l3routed.sock" ||
			fail "l3routed in $d did not start: $(tail -5 "$d/l3routed.log")"
	done
}

# l3_status NODE: `meshctl l3 status --json` (l3routed's status object)
l3_status() { mctl "$1" l3 status --json; }

# l3_stat NODE NAME: one of l3routed's counters (`meshctl l3 status` stats)
l3_stat() {
	l3_status "$1" | python3 -c '
import json, sys
print(json.load(sys.stdin)["stats"][sys.argv[1]])' "$2"
}

# l3_kroutes NODE: the node's kernel routes of protocol 201 (l3routed's), both
# families, one per line as `ip route` prints them (table shown)
l3_kroutes() {
	{
		ip -n "sm-$LAB-$1" -4 route show table all proto 201
		ip -n "sm-$LAB-$1" -6 route show table all proto 201
	} 2>/dev/null
}

# l3_has_route NODE PREFIX: the node's kernel has an l3routed route to PREFIX
# (exactly that destination; a host route may be printed without /32, /128)
l3_has_route() {
	local p=$1 dst=$2
	l3_kroutes "$p" | awk -v d="$dst" '
		{ x = $1; if (x == "unicast") x = $2 }
		x == d || x "/32" == d || x "/128" == d { f = 1 } END { exit !f }'
}

# l3_alive [NODE...]: every daemon of the lab but the l3routed of the NODEs
# named (stopped on purpose) is still running, and none has a sanitizer report
l3_alive() {
	local n except=()
	for n in "$@"; do [[ -z $n ]] || except+=("$n:l3routed"); done
	lab_alive "$LAB" "${except[@]}" || fail "a daemon died or reported a sanitizer error"
}

# l3_pid NODE: pid of the node's l3routed
l3_pid() { cat "/run/softmesh-lab/$LAB/nodes/$1/l3routed.pid"; }

# client_ip CLIENT 4|6: the client's address from meshlab status
client_ip() {
	"$MESHLAB" status --name "$LAB" --json | python3 -c '
import json, sys
c = next(c for c in json.load(sys.stdin)["clients"] if c["name"] == sys.argv[1])
print(c["ipv4" if sys.argv[2] == "4" else "ipv6"].split("/")[0])' "$1" "$2"
}

# wait_route TIMEOUT_S NODE PREFIX: polls until the node has the route;
# prints the seconds it took, fails the test after TIMEOUT_S
wait_route() {
	local t0=${EPOCHREALTIME/,/.}
	wait_for "$1" l3_has_route "$2" "$3" ||
		fail "$2 has no route to $3 after $1 s: $(l3_kroutes "$2" | head -20)"
	elapsed "$t0"
}

# silence FILE START END: the longest time (s) without a reply in `ping -D`
# output, counting from START to the first reply and from the last to END
# (EPOCHREALTIME values), so a ping that never recovers shows its silence
silence() {
	awk -F'[][]' -v s="$2" -v e="$3" '
		BEGIN { p = s + 0 }
		/bytes from/ { t = $2 + 0; if (t - p > g) g = t - p; p = t }
		END { if (e - p > g) g = e - p; printf "%.2f", g }' "$1"
}
