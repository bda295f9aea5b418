# shellcheck shell=bash
# Helpers for the leasesync lab tests (after l2lib.sh's l2_init); sourced.

# al NODE ALFRED_ARGS...: the stock alfred client on NODE's leasesyncd
al() { local n=$1; shift; mx "$n" alfred -u "/run/softmesh-lab/$LAB/nodes/$n/alfred.sock" "$@"; }

# leases66 NODE: "MAC IP" of every lease in NODE's type-66 records (the
# records' text: "EXPIRES MAC IP HOSTNAME SINCE" lines)
leases66() {
	al "$1" -r 66 | sed 's/^{ "[^"]*", "//; s/\\x0a/\n/g' | awk 'NF >= 5 { print $2, $3 }'
}

# no_dup_addr NODE...: waits up to 5 s until no address is held by two
# clients in any of the nodes' tables; fails naming one that still is
no_dup_addr() {
	local n dup=x
	for _ in $(seq 1 50); do
		dup=$(for n in "$@"; do
			leases66 "$n" | sort -u | awk '{ c[$2]++ } END { for (a in c) if (c[a] > 1) print a }'
		done | head -1)
		[[ -z $dup ]] && return 0
		sleep 0.1
	done
	fail "$dup is held by two clients in a node's table"
}
