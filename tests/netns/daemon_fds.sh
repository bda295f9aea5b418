#!/bin/bash
# Descriptors: a lab brought up by a script that holds a lock file open
# leaves the lock free (meshlab passes on no inherited descriptor), a
# daemon started directly with the lock on fd 9 closes it at start
# (close_range), and every descriptor a daemon holds is close-on-exec, so
# what it runs (nft) inherits nothing.
#   daemon_fds.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/l3lib.sh"
l3_init "$@"
need_cmd flock
lock=$TMP/lab.lock

exec 9>"$lock"
flock 9
l3_lab_up "$(l3_node n1 gateway 1 nat 1)
$(l3_node n2)
link n1 n2"
exec 9>&-
flock -n "$lock" true || fail "the script's lock is still held after meshlab up: $(fuser -v "$lock" 2>&1)"
pretty "meshlab up from a script holding a lock: the lock is free once the script lets go"

# holds PID: the lock file is among the process's descriptors
holds() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[[ $(readlink "$fd") == "$lock" ]] && return 0
	done
	return 1
}

# restart NODE DAEMON: starts it again directly, with the lock on fd 9
restart() {
	local rd=/run/softmesh-lab/$LAB/nodes/$1 pid
	pid=$(cat "$rd/$2.pid")
	kill -TERM "$pid"
	wait_for 5 proc_gone "$pid" || fail "$2 of $1 ignored SIGTERM"
	# shellcheck disable=SC2016
	setsid ip netns exec "sm-$LAB-$1" sh -c 'echo $$ >"$0"; exec "$@"' "$rd/$2.pid" \
		"$BINDIR/$3" -c "$rd/node.conf" -R "$rd" </dev/null >>"$rd/$2.log" 2>&1 9>"$lock" &
	wait_for 10 test -S "$rd/$2.sock" || fail "$2 of $1 did not come back"
	pid=$(cat "$rd/$2.pid")
	holds "$pid" && fail "$2 started with the lock on fd 9 still holds it"
	return 0
}
restart n1 l2meshd l2mesh/l2meshd
restart n1 l3routed l3route/l3routed
pretty "l2meshd and l3routed started with a lock on fd 9 close it"

# every descriptor of every daemon but 0..2 is close-on-exec (O_CLOEXEC,
# 02000000 in fdinfo's octal flags)
sleep 2	# the gateway's tunnel and nft rules are set up by now
checked=0
for pidf in /run/softmesh-lab/"$LAB"/nodes/*/*.pid; do
	pid=$(cat "$pidf")
	for fd in /proc/"$pid"/fd/*; do
		n=${fd##*/}
		((n > 2)) || continue
		flags=$(awk '/^flags:/ { print $2 }' "/proc/$pid/fdinfo/$n" 2>/dev/null) || continue
		[[ -n $flags ]] || continue
		(((8#$flags & 8#2000000) != 0)) ||
			fail "${pidf##*/} fd $n ($(readlink "$fd")) is not close-on-exec (flags $flags)"
		checked=$((checked + 1))
	done
done
((checked > 10)) || fail "only $checked descriptors looked at"
pretty "$checked descriptors of the daemons, all close-on-exec"
daemons_alive
pretty ok
