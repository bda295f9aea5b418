#!/bin/bash
# Boots and drives small Linux VMs (Debian 12's kernel, batman-adv 2022.3)
# whose NIC is a TAP in a given network namespace (doc/kernel-vm.md).
#   vm.sh start NAME NETNS TAP MAC [--nic TAP MAC]... [--mem MB] [--cache CACHE]
#   vm.sh exec NAME [--timeout S] CMD...
#   vm.sh stop NAME | stop-all | list
# A VM's pid file, console log and command socket are in
# ${SOFTMESH_VM_RUNDIR:-/run/softmesh-vm}/NAME/.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
RUNBASE=${SOFTMESH_VM_RUNDIR:-/run/softmesh-vm}
CACHE=${SOFTMESH_KERNEL_CACHE:-/var/cache/softmesh/kernel}
BOOT_TIMEOUT_S=60
EXEC_TIMEOUT_S=30
STOP_GRACE_S=5
# Debian's own: a pyenv shim in PATH costs 0.4 s per call
PY=/usr/bin/python3
# quiet: the console is a log, not the command channel, but every byte
# printed costs emulated time. No CPU mitigations or crypto self-tests in a
# throwaway test VM: 0.5-1 s of a 3-4 s boot under TCG.
KERNEL_ARGS="console=ttyS0 quiet panic=-1 mitigations=off cryptomgr.notests"

die() { printf 'vm: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '3,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

vm_dir() {
	[[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "bad VM name '$1'"
	printf '%s/%s' "$RUNBASE" "$1"
}

# vm_pid DIR: prints the VM's qemu pid if that process is alive and is
# the qemu of DIR (a pid file can outlive its process and the pid be
# reused); prints nothing otherwise.
vm_pid() {
	local pid
	pid=$(cat "$1/qemu.pid" 2>/dev/null) || return 0
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	# (the test first: a failed < redirection prints before 2>/dev/null applies)
	[[ -r /proc/$pid/cmdline ]] || return 0
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$1/cmd.sock" || return 0
	printf '%s' "$pid"
}

pid_wait_gone() {
	local pid=$1 tenths=$(($2 * 10))
	while ((tenths-- > 0)); do
		[[ -d /proc/$pid ]] || return 0
		sleep 0.1
	done
	[[ ! -d /proc/$pid ]]
}

# vm_kill DIR: poweroff over the channel, then SIGTERM, then SIGKILL.
vm_kill() {
	local dir=$1 pid
	pid=$(vm_pid "$dir")
	[[ -n $pid ]] || return 0
	timeout 3 "$PY" "$HERE/vmctl.py" send "$dir/cmd.sock" 'poweroff -f' 2>/dev/null || true
	pid_wait_gone "$pid" "$STOP_GRACE_S" && return 0
	kill -TERM "$pid" 2>/dev/null || true
	pid_wait_gone "$pid" 1 && return 0
	kill -KILL "$pid" 2>/dev/null || true
	pid_wait_gone "$pid" 2 || printf 'vm: %s: qemu %s did not die\n' "$(basename "$dir")" "$pid" >&2
}

# vm_remove DIR: the VM gone, its TAP (vm.sh made it) and its dir too.
vm_remove() {
	local dir=$1 netns tap
	vm_kill "$dir"
	netns=$(cat "$dir/netns" 2>/dev/null || true)
	# the namespace may be gone already, and the TAPs with it (or moved
	# to another namespace, which takes them when it goes)
	while read -r tap; do
		if [[ -n $netns && -n $tap ]] && ip -n "$netns" -d link show dev "$tap" 2>/dev/null | grep -q 'tun type tap'; then
			ip -n "$netns" link del dev "$tap"
		fi
	done <"$dir/tap" 2>/dev/null || true
	rm -rf "$dir"
}

# start_failed DIR WHY: says why with the console's last lines, removes
# the VM and exits.
start_failed() {
	local dir=$1
	printf 'vm: %s: %s; last console lines:\n' "$(basename "$dir")" "$2" >&2
	tail -n 20 "$dir/console.log" 2>/dev/null | sed 's/^/  | /' >&2 || true
	[[ ! -s $dir/qemu.err ]] || sed 's/^/  qemu: /' "$dir/qemu.err" >&2
	# what is left of it, for a look afterwards
	rm -rf "$RUNBASE/failed-$(basename "$dir")"
	cp -r "$dir" "$RUNBASE/failed-$(basename "$dir")" 2>/dev/null || true
	vm_remove "$dir"
	exit 1
}

cmd_start() {
	[[ $# -ge 4 ]] || usage
	local name=$1 netns=$2 tap=$3 mac=$4 mem=128 dir kernel t0 secs pid i
	local -a taps=("$3") macs=("$4") nicargs=()
	shift 4
	while [[ $# -gt 0 ]]; do
		case $1 in
		# one more NIC (eth1, eth2... in the VM), its TAP in NETNS too
		--nic) taps+=("${2:?}"); macs+=("${3:?}"); shift 3 ;;
		--mem) mem=${2:?}; shift 2 ;;
		--cache) CACHE=${2:?}; shift 2 ;;
		*) usage ;;
		esac
	done
	for i in "${!taps[@]}"; do
		[[ ${macs[$i]} =~ ^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$ ]] || die "bad MAC '${macs[$i]}'"
		[[ ${#taps[$i]} -le 15 ]] || die "TAP name '${taps[$i]}' is longer than 15 characters"
	done
	# measured: 80 MB panics "deadlocked on memory" before /init runs
	[[ $mem =~ ^[0-9]+$ && $mem -ge 96 ]] || die "--mem $mem: the VM needs 96 MB or more"
	[[ -d /run/netns && -e /run/netns/$netns ]] || die "no network namespace '$netns'"
	kernel=$CACHE/vmlinux
	# vmlinux boots through PVH, skipping 2 s of emulated xz decompression
	[[ -s $kernel ]] || kernel=$CACHE/vmlinuz
	[[ -s $kernel && -s $CACHE/initramfs.cpio.gz ]] ||
		die "no kernel or initramfs in $CACHE: run $HERE/fetch.sh first"
	dir=$(vm_dir "$name")
	mkdir -p "$RUNBASE"
	if [[ -d $dir && -z $(vm_pid "$dir") ]]; then
		printf 'vm: %s: removing what a dead VM left\n' "$name" >&2
		vm_remove "$dir"
	fi
	mkdir "$dir" 2>/dev/null || die "$name is running already"
	for tap in "${taps[@]}"; do
		ip -n "$netns" link show dev "$tap" >/dev/null 2>&1 && { rmdir "$dir"; die "$tap exists in $netns already"; }
	done
	printf '%s\n' "$netns" >"$dir/netns"
	printf '%s\n' "${taps[@]}" >"$dir/tap"
	printf '%s\n' "$mac" >"$dir/mac"
	date +%s >"$dir/started"
	# from here on a failure leaves nothing behind
	for i in "${!taps[@]}"; do
		tap=${taps[$i]}
		ip -n "$netns" tuntap add dev "$tap" mode tap || start_failed "$dir" "cannot make $tap"
		ip -n "$netns" link set dev "$tap" up || start_failed "$dir" "cannot bring $tap up"
		nicargs+=(-netdev "tap,id=n$i,ifname=$tap,script=no,downscript=no"
			-device "virtio-net-pci,netdev=n$i,mac=${macs[$i]},romfile=")
	done
	t0=$(date +%s%N)
	# romfile=: no iPXE option ROM, the kernel is loaded directly
	ip netns exec "$netns" qemu-system-x86_64 -accel tcg -M pc -m "$mem" -smp 1 \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$kernel" -initrd "$CACHE/initramfs.cpio.gz" \
		-append "$KERNEL_ARGS sm.name=$name" \
		-chardev "file,id=con,path=$dir/console.log" -serial chardev:con \
		-chardev "socket,id=cmd,path=$dir/cmd.sock,server=on,wait=off" -serial chardev:cmd \
		"${nicargs[@]}" \
		-daemonize -pidfile "$dir/qemu.pid" 2>"$dir/qemu.err" ||
		start_failed "$dir" "qemu did not start"
	pid=$(vm_pid "$dir")
	[[ -n $pid ]] || start_failed "$dir" "qemu exited at once"
	"$PY" "$HERE/vmctl.py" wait "$dir/cmd.sock" "$BOOT_TIMEOUT_S" "$pid" >/dev/null 2>"$dir/wait.err" ||
		start_failed "$dir" "$(sed 's/^vmctl: //' "$dir/wait.err")"
	secs=$((($(date +%s%N) - t0) / 1000000))
	printf '%d.%03d\n' $((secs / 1000)) $((secs % 1000)) >"$dir/boot_s"
	printf 'vm: %s up in %s s (%s in %s, %s)\n' "$name" "$(cat "$dir/boot_s")" "${taps[*]}" "$netns" "$mac"
}

cmd_exec() {
	local timeout=$EXEC_TIMEOUT_S name dir
	[[ ${1:-} != --timeout ]] || { timeout=${2:?}; shift 2; }
	[[ $# -ge 1 ]] || usage
	name=$1
	shift
	[[ ${1:-} != --timeout ]] || { timeout=${2:?}; shift 2; }
	[[ $# -gt 0 ]] || usage
	[[ $timeout =~ ^[0-9]+$ && $timeout -gt 0 ]] || die "bad timeout '$timeout'"
	dir=$(vm_dir "$name")
	[[ -n $(vm_pid "$dir") ]] || die "$name is not running"
	# one request at a time: qemu serves one client on the socket
	exec 9>"$dir/lock"
	flock -w "$timeout" 9 || die "$name: another exec held the channel for $timeout s"
	# like ssh: the words are joined and the VM's shell reads them
	"$PY" "$HERE/vmctl.py" exec "$dir/cmd.sock" "$timeout" "$*"
}

cmd_stop() {
	local dir
	[[ $# -eq 1 ]] || usage
	dir=$(vm_dir "$1")
	[[ -d $dir ]] || die "no VM $1"
	vm_remove "$dir"
}

cmd_stop_all() {
	local dir
	for dir in "$RUNBASE"/*/; do
		[[ -d $dir ]] || continue
		vm_remove "${dir%/}"
	done
}

cmd_list() {
	local dir pid state
	printf '%-12s %-8s %-8s %-12s %-12s %-17s %s\n' NAME STATE PID NETNS TAP MAC BOOT_S
	for dir in "$RUNBASE"/*/; do
		[[ -d $dir ]] || continue
		dir=${dir%/}
		pid=$(vm_pid "$dir")
		state=running
		[[ -n $pid ]] || state=dead
		printf '%-12s %-8s %-8s %-12s %-12s %-17s %s\n' "$(basename "$dir")" "$state" "${pid:--}" \
			"$(cat "$dir/netns" 2>/dev/null)" "$(paste -sd, "$dir/tap" 2>/dev/null)" \
			"$(cat "$dir/mac" 2>/dev/null)" "$(cat "$dir/boot_s" 2>/dev/null || echo -)"
	done
}

[[ $EUID -eq 0 ]] || die "run as root (namespaces, TAP devices)"
sub=${1:-}
shift || true
case $sub in
start) cmd_start "$@" ;;
exec) cmd_exec "$@" ;;
stop) cmd_stop "$@" ;;
stop-all) cmd_stop_all "$@" ;;
list) cmd_list "$@" ;;
*) usage ;;
esac
