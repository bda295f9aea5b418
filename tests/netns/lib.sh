# shellcheck shell=bash
# Helpers for the meshlab tests; sourced, not run. Usage in a test:
#   . "$(dirname "$0")/lib.sh"; lib_init "$@"
# MESHLAB (env) or the first argument is the meshlab script to test.

pretty() { printf '[%s] %s\n' "${TEST_NAME:-test}" "$*" >&2; }
fail() { printf '[%s] FAIL: %s\n' "${TEST_NAME:-test}" "$*" >&2; exit 1; }
skip() { printf '[%s] SKIP: %s\n' "${TEST_NAME:-test}" "$*" >&2; exit 77; }

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[[ $2 == "$3" ]] || fail "$1: expected '$2', got '$3'"
}

lib_init() {
	TEST_NAME=$(basename "$0" .sh)
	MESHLAB=${1:-${MESHLAB:-}}
	[[ -n $MESHLAB ]] || fail "no meshlab given (argument or MESHLAB=)"
	[[ -x $MESHLAB ]] || fail "meshlab '$MESHLAB' is not executable"
	# the tests know their clients' addresses (10.N1.250.K); those of
	# anycastd's DHCP set MESHLAB_CLIENTS=dhcp before their lab comes up
	export MESHLAB_CLIENTS=${MESHLAB_CLIENTS:-static}
}

# need_netns: exit 77 unless this box can run a lab.
need_netns() {
	[[ $EUID -eq 0 ]] || skip "needs root"
	[[ -c /dev/net/tun ]] || skip "/dev/net/tun is not available"
	command -v ip >/dev/null || skip "ip (iproute2) is not installed"
	local probe=smprobe$$
	ip netns add "$probe" 2>/dev/null || skip "ip netns is not available"
	if ! ip -n "$probe" link add p0 type veth peer name p1 2>/dev/null; then
		ip netns del "$probe"
		skip "veth is not available"
	fi
	ip netns del "$probe"
}

need_cmd() {
	local c
	for c in "$@"; do command -v "$c" >/dev/null || skip "'$c' is not installed"; done
}

# wait_for TIMEOUT_S CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# wait_listen NODE PORT: waits up to 10 s until a TCP server listens on
# PORT in NODE of $LAB (a server started in the background may take a
# while on a loaded machine; connecting earlier is refused)
wait_listen() {
	wait_for 10 sh -c "'$MESHLAB' exec --name '$LAB' '$1' ss -Hltn 'sport = :$2' | grep -q LISTEN" ||
		fail "nothing listens on TCP port $2 in $1 after 10 s"
}

# proc_gone PID: true if PID has exited (a zombie counts as exited).
proc_gone() {
	local st
	[[ -r /proc/$1/stat ]] || return 0
	read -r st <"/proc/$1/stat" 2>/dev/null || return 0
	st=${st##*) }
	[[ ${st:0:1} == Z || ${st:0:1} == X ]]
}

# make_fake_bindir DIR: fake daemons that log their arguments and run until
# killed, and a fake meshctl that reports where it runs. Fake daemons have
# no control socket, so meshlab attaches no monitors to them.
make_fake_bindir() {
	local d=$1 p
	export MESHLAB_MONITOR=0
	mkdir -p "$d/l2mesh" "$d/l3route" "$d/tools/meshctl"
	for p in l2mesh/l2meshd l3route/l3routed; do
		cat >"$d/$p" <<'EOF'
#!/bin/bash
echo "args: $*"
trap 'exit 0' TERM
while :; do sleep 1; done
EOF
		chmod +x "$d/$p"
	done
	cat >"$d/tools/meshctl/meshctl" <<'EOF'
#!/bin/bash
echo "fake meshctl $* rundir=$SOFTMESH_RUNDIR netns=$(ip netns identify)"
EOF
	chmod +x "$d/tools/meshctl/meshctl"
}

lab_namespaces() { # LAB -> count of its namespaces
	local f n=0
	for f in /run/netns/sm-"$1"-*; do [[ -e $f ]] && n=$((n + 1)); done
	printf '%d' "$n"
}

elapsed() { # START -> seconds since START (EPOCHREALTIME)
	awk -v a="$1" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.2f", b - a }'
}

# ll_addr NS DEV: the link-local IPv6 address of DEV
ll_addr() {
	ip -n "$1" -6 -o addr show dev "$2" scope link | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

# daemon_cmdline LAB NODE DAEMON: the running daemon's pid into DAEMON_PID
# and its command line into DAEMON_CMD, to start it again as meshlab did.
daemon_cmdline() {
	DAEMON_PID=$(cat "/run/softmesh-lab/$1/nodes/$2/$3.pid")
	mapfile -d '' DAEMON_CMD <"/proc/$DAEMON_PID/cmdline"
}

# daemon_start LAB NODE DAEMON: starts DAEMON_CMD in NODE as meshlab does
# (pid file, log) and waits until its control socket answers (a socket
# file a kill -9 left behind does not count; meshctl's "not running" on
# the way is not shown).
daemon_start() {
	local d=/run/softmesh-lab/$1/nodes/$2
	"$MESHLAB" exec --name "$1" "$2" sh -c 'echo $$ >"$0"; exec "$@"' "$d/$3.pid" \
		"${DAEMON_CMD[@]}" </dev/null >>"$d/$3.log" 2>&1 &
	wait_for 5 "$MESHLAB" exec --name "$1" "$2" meshctl raw "$3" '{"cmd":"status"}' >/dev/null 2>&1 ||
		fail "$3 on $2 did not start: $(tail -3 "$d/$3.log")"
}

# lab_claim LAB: makes sure LAB's name is free for this run. A lab left
# by a run that was killed (no process in any of its namespaces, set up
# over a minute ago) is taken down, with a note; a live one fails the test.
lab_claim() {
	local lab=$1 nss age
	mapfile -t nss < <(ip netns list | awk -v p="sm-$lab-" 'index($1, p) == 1 { print $1 }')
	[[ -e /run/softmesh-lab/$lab || ${#nss[@]} -gt 0 ]] || return 0
	age=$(($(date +%s) - $(stat -c %Y "/run/softmesh-lab/$lab" 2>/dev/null || echo 0)))
	if [[ $age -lt 60 ]] || { [[ ${#nss[@]} -gt 0 ]] &&
		[[ -n $(printf 'netns pids %s\n' "${nss[@]}" | ip -force -batch - 2>/dev/null) ]]; }; then
		fail "lab '$lab' is up and running (another run of this test?)"
	fi
	printf '[%s] lab %s was left over by an earlier run (no process in it): taking it down\n' \
		"${TEST_NAME:-test}" "$lab" >&2
	"$MESHLAB" down --name "$lab" >/dev/null 2>&1 || fail "meshlab down --name $lab failed"
}

# lab_stop LAB: stops every daemon of LAB cleanly (SIGTERM, as meshlab down
# does) and waits, so that what they do on the way out (freeing their
# tables: a sanitizer build reports there) is in their logs; then checks
# the logs. Returns 1 on a sanitizer report or a daemon that will not stop.
lab_stop() {
	local lab=$1 f pid bad=0 pids=()
	for f in /run/softmesh-lab/"$lab"/nodes/*/*.pid; do
		pid=$(cat "$f" 2>/dev/null) || continue
		proc_gone "$pid" && continue
		kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
	done
	for pid in "${pids[@]}"; do
		if ! wait_for 5 proc_gone "$pid"; then
			printf '[%s] pid %s ignored SIGTERM for 5 s\n' "${TEST_NAME:-test}" "$pid" >&2
			bad=1
		fi
	done
	for f in /run/softmesh-lab/"$lab"/nodes/*/*.log; do
		if grep -q "runtime error\|AddressSanitizer\|LeakSanitizer" "$f" 2>/dev/null; then
			printf '[%s] sanitizer report in %s: %s\n' "${TEST_NAME:-test}" "$f" \
				"$(grep -m3 "runtime error\|Sanitizer" "$f")" >&2
			bad=1
		fi
	done
	return $bad
}

# lab_alive LAB [NODE[:DAEMON]...]: every daemon meshlab started in LAB
# (its pid file) still runs but those named (NODE alone: all of the node's),
# stopped on purpose, and no daemon log holds a sanitizer report. Says what
# is wrong and returns 1.
lab_alive() {
	local lab=$1 f d n name pid bad=0
	shift
	for f in /run/softmesh-lab/"$lab"/nodes/*/*.pid; do
		d=${f%/*} n=${d##*/} name=${f##*/}
		name=${name%.pid}
		[[ " $* " == *" $n "* || " $* " == *" $n:$name "* ]] && continue
		pid=$(cat "$f" 2>/dev/null) || continue
		if proc_gone "$pid"; then
			printf '[%s] %s of %s died (pid %s): %s\n' "${TEST_NAME:-test}" "$name" "$n" \
				"$pid" "$(tail -3 "$d/$name.log" 2>/dev/null | tr '\n' '|')" >&2
			bad=1
		fi
		if grep -q "runtime error\|AddressSanitizer\|LeakSanitizer" "$d/$name.log" 2>/dev/null; then
			printf '[%s] sanitizer report in %s: %s\n' "${TEST_NAME:-test}" "$d/$name.log" \
				"$(grep -m3 "runtime error\|Sanitizer" "$d/$name.log")" >&2
			bad=1
		fi
	done
	return $bad
}

# cap_mask CAP_NAME...: the capability set as /proc/PID/status prints it
# (16 hex digits; the bits of linux/capability.h softmesh's units use)
cap_mask() {
	local m=0 c
	for c; do
		case $c in
		CAP_NET_BIND_SERVICE) m=$((m | 1 << 10)) ;;
		CAP_NET_ADMIN) m=$((m | 1 << 12)) ;;
		CAP_NET_RAW) m=$((m | 1 << 13)) ;;
		*) fail "cap_mask: $c is unknown to the tests" ;;
		esac
	done
	printf '%016x' "$m"
}

# softmesh_user SYSUSERS_FILE: the softmesh user's uid, made from that
# sysusers.d entry (systemd-sysusers) when the user does not exist yet
softmesh_user() {
	if ! id softmesh >/dev/null 2>&1; then
		need_cmd systemd-sysusers
		systemd-sysusers "$1" >&2 || fail "systemd-sysusers $1 could not make the softmesh user"
	fi
	id -u softmesh || fail "no softmesh user after systemd-sysusers $1"
}
