#!/bin/bash
# The tests' wrapper (tests/meson.build's default setup): runs the test,
# then fails it if a softmesh program died by a signal while it ran, as
# the kernel logged it ("l3routed[123]: segfault at ...", "traps:
# webuid[45] general protection fault ..."). A daemon that crashes in a
# lab is otherwise seen only when a later check happens to need it, and
# not at all if the crash comes as the lab is taken down.
# The kernel stamps its lines with the clock of /proc/uptime.
# Without a readable kernel log (no root, dmesg_restrict) it only runs
# the test.
start=$(cut -d' ' -f1 /proc/uptime)
"$@"
rc=$?
log=$(dmesg 2>/dev/null) || exit "$rc"
crashes=$(awk -v s="$start" '
	{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t) }
	t + 0 >= s &&
	/(l2meshd|l3routed|anycastd|leasesyncd|webuid|meshctl|testd|pktfwd)\[[0-9]+\]/ &&
	/segfault|general protection|trap /' <<<"$log")
if [[ -n $crashes ]]; then
	printf 'crashcheck: a softmesh program died by a signal during this test:\n%s\n' \
		"$crashes" >&2
	[[ $rc -eq 0 || $rc -eq 77 ]] && rc=1
fi
exit "$rc"
