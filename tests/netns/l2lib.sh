# shellcheck shell=bash
# Helpers for the l2mesh lab tests (real l2meshd in meshlab); sourced.
#   . "$(dirname "$0")/l2lib.sh"; l2_init "$@"     # args: MESHLAB
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

l2_init() {
	lib_init "$@"
	need_netns
	need_cmd ping awk
	# the build this meshlab was made for (or SOFTMESH_BINDIR, as meshlab)
	BINDIR=${SOFTMESH_BINDIR:-$(sed -n "s/^readonly BUILD_ROOT='\(.*\)'$/\1/p" "$MESHLAB" | head -1)}
	[[ -x $BINDIR/l2mesh/l2meshd ]] || fail "no l2meshd in '$BINDIR'"
	LAB=${LAB:-l$$}
	TMP=$(mktemp -d)
	trap l2_cleanup EXIT
	# L2_ONLY=1: the lab runs l2meshd alone (no l3routed joining the clouds
	# at layer 3), for tests about what layer 2 keeps apart
	if [[ -n ${L2_ONLY:-} ]]; then
		mkdir -p "$TMP/bin/l2mesh" "$TMP/bin/tools/meshctl"
		ln -s "$BINDIR/l2mesh/l2meshd" "$TMP/bin/l2mesh/l2meshd"
		ln -s "$BINDIR/tools/meshctl/meshctl" "$TMP/bin/tools/meshctl/meshctl"
		export SOFTMESH_BINDIR=$TMP/bin
	fi
}

# At exit every daemon must still run (a crash anywhere, on the event path
# of the monitors meshlab attaches to each daemon too, fails the test), but
# those in ALLOW_DEAD ("NODE" or "NODE:DAEMON" words) that the test stopped;
# then each stops cleanly, with no sanitizer report on the way out.
l2_cleanup() { l2_teardown $?; }
l2_teardown() { # EXIT_STATUS
	local rc=$1
	set +e
	if [[ -n ${LAB_OWNED:-} ]] && ! lab_alive "$LAB" ${ALLOW_DEAD:-}; then
		printf '[%s] FAIL: a daemon died during the test\n' "$TEST_NAME" >&2
		[[ $rc -ne 0 ]] || rc=1
	fi
	if [[ -n ${LAB_OWNED:-} && -z ${KEEP:-} ]] && ! lab_stop "$LAB"; then
		printf '[%s] FAIL: a daemon failed on its way out\n' "$TEST_NAME" >&2
		[[ $rc -ne 0 ]] || rc=1
	fi
	if [[ -n ${KEEP:-} ]]; then
		pretty "KEEP set: lab $LAB left up"
	elif [[ -n ${LAB_OWNED:-} ]]; then
		# only a lab this run brought up: a name clash must not take down
		# someone else's lab
		"$MESHLAB" down --name "$LAB" >/dev/null 2>&1
	fi
	local p
	for p in ${BG_PIDS:-}; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
	exit $rc
}

mx() { "$MESHLAB" exec --name "$LAB" "$@"; }
mctl() { local n=$1; shift; mx "$n" meshctl "$@"; }

# lab_up TOPOLOGY_TEXT: writes and brings up a topology; every l2meshd must
# be running afterwards.
lab_up() {
	printf '%s\n' "$1" >"$TMP/lab.topo"
	[[ -n ${COMMUNITY:-} ]] && printf '%s\n' "$COMMUNITY" >"$TMP/lab.conf"
	lab_claim "$LAB"
	LAB_OWNED=1
	"$MESHLAB" up "$TMP/lab.topo" --name "$LAB" >"$TMP/up.log" 2>&1 ||
		fail "meshlab up: $(cat "$TMP/up.log")"
	local d
	for d in /run/softmesh-lab/"$LAB"/nodes/*/; do
		wait_for 5 test -S "$d/l2meshd.sock" ||
			fail "l2meshd in $d did not start: $(tail -5 "$d/l2meshd.log")"
	done
}

# node_mac NODE: the node's MAC (its originator address)
node_mac() {
	mctl "$1" raw l2meshd '{"cmd":"status"}' | awk -F'"' '/"originator"/ { print $4 }'
}

# converge_ping TIMEOUT_S FROM DEST: waits until one ping gets through;
# prints the seconds it took. BATMAN IV needs a few OGM windows before
# multi-hop TQ rises above zero, so allow tens of seconds.
converge_ping() {
	local limit=$1 from=$2 dst=$3 t0=${EPOCHREALTIME/,/.} now
	while :; do
		mx "$from" ping -c 1 -W 1 "$dst" >/dev/null 2>&1 && break
		now=${EPOCHREALTIME/,/.}
		awk -v a="$t0" -v b="$now" -v l="$limit" 'BEGIN { exit !(b - a > l) }' &&
			fail "$from cannot reach $dst within ${limit}s"
		sleep 0.2
	done
	elapsed "$t0"
}

# daemons_alive: every l2meshd of the lab is still running (none crashed)
daemons_alive() {
	lab_alive "$LAB" || fail "a daemon died or reported a sanitizer error"
}

# max_gap FILE: the longest silence (s) between replies in `ping -D` output
max_gap() {
	awk -F'[][]' '/bytes from/ { t = $2 + 0; if (p && t - p > g) g = t - p; p = t }
		END { printf "%.2f", g }' "$1"
}

# counter NODE NAME: one of l2meshd's statistics counters
counter() {
	mctl "$1" statistics --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# iperf_bps JSON: the receiver's rate in an iperf3 -J report, bits/s
iperf_bps() {
	awk -F: '/"bits_per_second"/ { v = $2 } END { gsub(/[ ,]/, "", v); print v }' "$1"
}

# tcp_rate FROM TO_NODE TO_IP SECONDS: iperf3 TCP FROM -> TO_IP for SECONDS,
# a server started at TO_NODE for the one run; prints bits/s, fails the
# test if it does not run.
tcp_rate() {
	mx "$2" iperf3 -s -1 -D
	wait_listen "$2" 5201
	mx "$1" iperf3 -c "$3" -t "$4" -J >"$TMP/iperf.json" || fail "iperf3: $(tail -5 "$TMP/iperf.json")"
	iperf_bps "$TMP/iperf.json"
}

# line3_up: the lab n1 - n2 - n3 with a client on each end, c1 (n1) and c2
# (n3, 10.13.250.2), c1 reaching c2.
line3_up() {
	lab_up "link n1 n2
link n2 n3
client c1 n1
client c2 n3"
	local t
	t=$(converge_ping 60 c1 10.13.250.2)
	pretty "c1 -> c2 (2 hops) first ping after ${t}s"
}

# flood_rss PINGS CMD...: CMD runs at n1 (its output in $TMP/forge) while
# c1 pings c2 through n2 (PINGS of them, 50 ms apart, into $TMP/ping);
# sets RSS0, PEAK and RSS1, n2's l2meshd VmRSS (kB) before, at most during,
# and a second after, and prints them with BOUND (kB).
flood_rss() {
	local count=$1 pid ping_pid forge_pid r
	shift
	pid=$(cat "/run/softmesh-lab/$LAB/nodes/n2/l2meshd.pid")
	RSS0=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	mx c1 ping -i 0.05 -c "$count" -W 1 10.13.250.2 >"$TMP/ping" 2>&1 &
	ping_pid=$!
	BG_PIDS=$ping_pid
	sleep 1
	mx n1 "$@" >"$TMP/forge" 2>&1 &
	forge_pid=$!
	PEAK=$RSS0
	while ! proc_gone "$forge_pid"; do
		r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
		((r > PEAK)) && PEAK=$r
		sleep 0.2
	done
	wait "$forge_pid" || fail "$1: $(cat "$TMP/forge")"
	pretty "$(basename "$1"): $(cat "$TMP/forge")"
	wait "$ping_pid" || true
	sleep 1
	RSS1=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	((RSS1 > PEAK)) && PEAK=$RSS1
	pretty "n2's l2meshd VmRSS: before ${RSS0} kB, peak ${PEAK} kB (+$((PEAK - RSS0))), after ${RSS1} kB (+$((RSS1 - RSS0))); bound +${BOUND} kB"
	pretty "c1 -> c2 during the flood: $(grep -E 'transmitted|rtt' "$TMP/ping" | tr '\n' ' ')"
}

# flood_bounded: RSS within BOUND during and after flood_rss, and at most
# 2 % of c1's pings lost
flood_bounded() {
	local loss
	((PEAK - RSS0 <= BOUND)) || fail "n2's RSS grew by $((PEAK - RSS0)) kB, over the bound of $BOUND kB"
	((RSS1 - RSS0 <= BOUND)) || fail "n2's RSS stays $((RSS1 - RSS0)) kB up, over the bound of $BOUND kB"
	loss=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$TMP/ping")
	[[ -n $loss ]] || fail "no ping summary: $(tail -3 "$TMP/ping")"
	awk -v l="$loss" 'BEGIN { exit !(l <= 2) }' || fail "c1 -> c2 lost ${loss}% during the flood"
}
