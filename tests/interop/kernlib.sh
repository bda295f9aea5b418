# shellcheck shell=bash
# The start every kernel interop test shares (doc/kernel-vm.md); sourced:
#   . "$(dirname "$0")/kernlib.sh"; kern_init "$@"     # args: MESHLAB
# l2lib's lab helpers, klib's kernel nodes, the kernel cache (the test is
# skipped, with the reason, when Debian's archive cannot give it), an
# `ok` line per check, and at exit the VMs in KVMS stopped (kept with
# KEEP=1, as the lab) before the lab's own checks.
# shellcheck source=../netns/l2lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../netns/l2lib.sh"
KDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../kernel" && pwd)
# shellcheck source=../kernel/klib.sh
. "$KDIR/klib.sh"

ok() { pretty "ok - $*"; }

kernel_cleanup() {
	local rc=$? v
	[[ -n ${KEEP:-} ]] || for v in "${KVMS[@]}"; do kn_stop "$v"; done
	l2_teardown "$rc"
}

kern_init() {
	l2_init "$@"
	need_cmd md5sum python3
	T0=${EPOCHREALTIME/,/.}
	"$KDIR/fetch.sh" >"$TMP/fetch.log" 2>&1 ||
		skip "cannot get Debian's kernel or qemu: $(tail -3 "$TMP/fetch.log" | tr '\n' ' ')"
	KVMS=()
	trap kernel_cleanup EXIT
}
