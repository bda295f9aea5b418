#!/bin/sh
# /init of a softmesh test VM (PID 1; /bin/sh is dash, the rest busybox).
# Sets the box up, then serves shell commands on ttyS1 for vm.sh; ttyS0 is
# the kernel's console, so kernel messages never reach the command channel.
#
# Protocol on ttyS1 (doc/kernel-vm.md), one request per line:
#   SMK MARKER TIMEOUT_S BASE64(COMMAND)
# answered by
#   MARKER out NBYTES\n<NBYTES of stdout+stderr>MARKER rc=N\n
# The byte count makes output without a final newline, or with lines that
# look like markers, come back exact. Lines that do not parse are ignored:
# a host that gave up halfway leaves a torn line, and the next one counts.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
log() { echo "init: $*" >/dev/console; }

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
# no modprobe in here: an empty helper path makes the kernel's module
# requests fail at once instead of running a busybox that finds nothing
echo >/proc/sys/kernel/modprobe
# The console loglevel stays at quiet's 4: errors still reach ttyS0, the
# log on the host, and never the command channel on ttyS1.

while read -r m; do
	insmod "/lib/modules/$m" || log "insmod $m failed"
done </etc/modules.load

name=vm
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in sm.name=*) name=${arg#sm.name=} ;; esac
done
hostname "$name"
ip link set lo up
ip link set eth0 up || log "no eth0"
for d in /sys/class/net/eth*; do ip link set "${d##*/}" up; done
log "$name up in $(cut -d' ' -f1 /proc/uptime) s; serving ttyS1"

serve() {
	set -f
	while IFS= read -r line; do
		# shellcheck disable=SC2086 # split the request into its words
		set -- $line
		if [ $# -ne 4 ] || [ "$1" != SMK ]; then continue; fi
		echo "$4" | base64 -d >/tmp/.cmd 2>/dev/null || continue
		# a file per request: what a command left running in the
		# background writes lands in its own, unlinked, file
		out=/tmp/.out-$2
		# KILL: the host has stopped waiting by then; the next request
		# must find this loop free
		timeout -s KILL "$3" /bin/sh /tmp/.cmd </dev/null >"$out" 2>&1
		rc=$?
		printf '%s out %s\n' "$2" "$(wc -c <"$out")"
		cat "$out"
		rm -f "$out"
		printf '%s rc=%s\n' "$2" "$rc"
	done
}

# raw: no echo, no CR/LF rewriting, no flow control characters
while :; do
	stty -F /dev/ttyS1 raw -echo
	serve </dev/ttyS1 >/dev/ttyS1 2>&1
	log "command server ended; restarting"
	sleep 1
done
