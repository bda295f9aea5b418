#!/bin/bash
# `meson install` as a user gets it (issue 16; doc/deploy.md):
#   1. into a DESTDIR with prefix /usr: the daemons in sbin, meshctl in
#      bin, the units, tmpfiles.d and sysusers.d entries, the examples in
#      /etc/softmesh; each installed daemon accepts the installed examples
#      (-n);
#   2. every unit passes `systemd-analyze verify`, and `systemd-analyze
#      security` gives each service an exposure of at most 3.0 (printed);
#   3. the sysusers entry creates the softmesh user (systemd-sysusers);
#   4. a two-node meshlab lab with no daemons of its own: on each node the
#      installed daemons are started with their unit's ExecStart= line,
#      as the unit's User= with the unit's AmbientCapabilities= (setpriv:
#      what systemd does), on the installed examples with the lab's ports
#      and per-node paths substituted; /proc/PID/status shows the softmesh
#      uid and only the unit's capabilities; the nodes see each other and
#      the clients ping across the mesh.
#   install.sh MESHLAB BUILD_DIR
set -e
. "$(dirname "$0")/../netns/lib.sh"
lib_init "$1"
BUILD=$2
need_netns
need_cmd systemd-analyze setpriv ping python3
TMP=$(mktemp -d)
LAB=inst$$
LAB_UP=
PIDS=()
cleanup() {
	local rc=$?
	set +e
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	sleep 0.5
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	[[ -z $LAB_UP ]] || "$MESHLAB" down --name "$LAB" >/dev/null 2>&1
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
DEST=$TMP/dest

# --- 1. the files ---------------------------------------------------------
meson install -C "$BUILD" --destdir "$DEST" --no-rebuild >"$TMP/install.log" 2>&1 ||
	fail "meson install: $(tail -5 "$TMP/install.log")"
prefix=$(meson introspect --buildoptions "$BUILD" | python3 -c '
import json, sys
print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
unitdir=$(find "$DEST" -name softmesh.target -printf '%h\n' | head -1)
[[ -n $unitdir ]] || fail "no softmesh.target installed: $(find "$DEST" -type f | head -30)"
SBIN=$DEST$prefix/sbin
for d in l2meshd l3routed anycastd leasesyncd webuid; do
	[[ -x $SBIN/$d ]] || fail "$d not in $prefix/sbin"
	[[ -f $unitdir/softmesh-$d.service ]] || fail "no softmesh-$d.service"
done
[[ -x $DEST$prefix/bin/meshctl ]] || fail "meshctl not in $prefix/bin"
[[ -x $DEST$prefix/bin/meshlab ]] || fail "meshlab not in $prefix/bin"
grep -q "^readonly BUILD_ROOT='$prefix/sbin'$" "$DEST$prefix/bin/meshlab" ||
	fail "the installed meshlab does not look for the daemons in $prefix/sbin"
printf 'node a\nnode b\nlink a b\n' >"$TMP/check.topo"
"$DEST$prefix/bin/meshlab" check "$TMP/check.topo" >/dev/null 2>&1 || fail "the installed meshlab cannot check a topology"
conf=$(sed -n 's/^ExecStart=[^ ]* -c \([^ ]*\)\/lime-community .*/\1/p' "$unitdir/softmesh-l2meshd.service")
[[ -f $DEST$conf/lime-community && -f $DEST$conf/lime-node ]] || fail "the examples are not in $conf"
tmpf=$(find "$DEST" -path '*tmpfiles.d/softmesh.conf')
sysu=$(find "$DEST" -path '*sysusers.d/softmesh.conf')
[[ -n $tmpf && -n $sysu ]] || fail "no tmpfiles.d or sysusers.d entry"
for d in l2meshd l3routed anycastd leasesyncd webuid; do
	"$SBIN/$d" -n -c "$DEST$conf/lime-community" -c "$DEST$conf/lime-node" 2>"$TMP/n.err" ||
		fail "$d refuses the installed examples: $(cat "$TMP/n.err")"
done
pretty "installed: $(cd "$DEST" && find . -type f | sort | tr '\n' ' ')"

# --- 2. systemd-analyze ----------------------------------------------------
mkdir -p "$TMP/units"
for u in "$unitdir"/softmesh*; do
	# verify runs the checks on executables: point them into DESTDIR
	sed "s|^ExecStart=$prefix/sbin/|ExecStart=$SBIN/|" "$u" >"$TMP/units/${u##*/}"
done
SYSTEMD_UNIT_PATH=$TMP/units: systemd-analyze verify --man=no "$TMP"/units/* >"$TMP/verify" 2>&1 ||
	fail "systemd-analyze verify: $(cat "$TMP/verify")"
[[ ! -s $TMP/verify ]] || fail "systemd-analyze verify says: $(cat "$TMP/verify")"
pretty "systemd-analyze verify: every unit clean"
root=${unitdir%/lib/systemd/system}
root=${root%/usr}
for d in l2meshd l3routed anycastd leasesyncd webuid; do
	systemd-analyze security --offline=true --root="$root" "softmesh-$d.service" >"$TMP/sec" 2>&1 ||
		fail "systemd-analyze security softmesh-$d: $(tail -3 "$TMP/sec")"
	score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$TMP/sec")
	[[ -n $score ]] || fail "no exposure level for softmesh-$d: $(tail -3 "$TMP/sec")"
	awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }' || fail "softmesh-$d exposure $score > 3.0: $(grep '✗' "$TMP/sec")"
	pretty "exposure softmesh-$d.service: $score (<= 3.0)"
done

# --- 3. the user ------------------------------------------------------------
uid=$(softmesh_user "$sysu")
[[ $uid -ne 0 ]] || fail "the softmesh user is root"
pretty "user softmesh: uid $uid"

# --- 4. the installed daemons in a lab ---------------------------------
mkdir -p "$TMP/nobin"
printf 'node n1\nnode n2\nlink n1 n2\nclient c1 n1\nclient c2 n2\n' >"$TMP/lab.topo"
lab_claim "$LAB"
SOFTMESH_BINDIR=$TMP/nobin "$MESHLAB" up "$TMP/lab.topo" --name "$LAB" >"$TMP/up.log" 2>&1 ||
	fail "meshlab up: $(cat "$TMP/up.log")"
LAB_UP=1
L=/run/softmesh-lab/$LAB/nodes
caps_of() { # DAEMON -> the unit's AmbientCapabilities as setpriv wants them
	sed -n 's/^AmbientCapabilities=//p' "$unitdir/softmesh-$1.service" |
		tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ /,+/g; s/^/+/'
}
for n in n1 n2; do
	peer=$([[ $n == n1 ]] && echo n2 || echo n1)
	nd=$TMP/$n
	mkdir -p "$nd/etc" "$nd/run" "$nd/lib"
	cp "$DEST$conf/lime-community" "$nd/etc/"
	# the example's ports are eth0 (mesh), eth1 (lan, commented out): the
	# lab's are m-PEER and lan0; the node's MAC and its own state paths
	sed -e "s/'eth0'/'m-$peer'/" -e "s/^#config net 'lan0'/config net 'lan0'/" \
		-e "s/^#\toption linux_name 'eth1'/\toption linux_name 'lan0'/" \
		-e "s/^#\tlist protocols 'lan'/\tlist protocols 'lan'/" \
		"$DEST$conf/lime-node" >"$nd/etc/lime-node"
	mac=$(sed -n "s/^\toption primary_mac '\(.*\)'/\1/p" "$L/$n/node.conf")
	printf "config lime 'system'\n\toption primary_mac '%s'\n\toption hostname '%s'\nconfig lime 'network'\n\toption l3_key '%s/lib/l3route.key'\n\toption anycast_state_dir '%s/lib'\n\toption leasesync_state_dir '%s/lib'\n\toption leasesync_socket '%s/run/alfred.sock'\n\toption webui_state_dir '%s/lib'\n" \
		"$mac" "$n" "$nd" "$nd" "$nd" "$nd" "$nd" >>"$nd/etc/lime-node"
	chown -R softmesh: "$nd/run" "$nd/lib"
	chmod 755 "$TMP" "$nd" "$nd/etc"
	for d in l2meshd l3routed anycastd leasesyncd webuid; do
		line=$(sed -n 's/^ExecStart=//p' "$unitdir/softmesh-$d.service")
		line=${line//$prefix\/sbin\//$SBIN/}
		line=${line//$conf\//$nd/etc/}
		caps=$(caps_of "$d")
		# shellcheck disable=SC2086 # the unit's line, split as systemd does
		SOFTMESH_RUNDIR=$nd/run setsid ip netns exec "sm-$LAB-$n" \
			setpriv --reuid softmesh --regid softmesh --clear-groups \
			--inh-caps "$caps" --ambient-caps "$caps" --bounding-set "$caps" \
			$line </dev/null >"$nd/$d.log" 2>&1 &
		PIDS+=($!)
		echo "$! $d" >>"$nd/pids"
	done
done
sleep 2
for n in n1 n2; do
	while read -r pid d; do
		kill -0 "$pid" 2>/dev/null || fail "$d on $n exited: $(tail -5 "$TMP/$n/$d.log")"
		# the daemon itself (setsid/ip netns exec/setpriv exec into it)
		st=/proc/$pid/status
		u=$(awk '/^Uid:/ { print $2 }' "$st")
		eff=$(awk '/^CapEff:/ { print $2 }' "$st")
		[[ $u == "$uid" ]] || fail "$d on $n runs as uid $u"
		want=$(sed -n 's/^AmbientCapabilities=//p' "$unitdir/softmesh-$d.service")
		# shellcheck disable=SC2086 # the unit's list, a word each
		[[ $eff == "$(cap_mask $want)" ]] || fail "$d on $n has CapEff $eff, the unit's $want is $(cap_mask $want)"
		pretty "$n $d: pid $pid uid $u CapEff $eff ($want)"
	done <"$TMP/$n/pids"
done
mctl() { SOFTMESH_RUNDIR=$TMP/$1/run ip netns exec "sm-$LAB-$1" "$DEST$prefix/bin/meshctl" "${@:2}"; }
wait_for 30 sh -c "SOFTMESH_RUNDIR=$TMP/n1/run ip netns exec sm-$LAB-n1 $DEST$prefix/bin/meshctl o 2>/dev/null | grep -q 'm-n2$'" ||
	fail "n1 does not see n2: $(mctl n1 o 2>&1); n1: $(tail -8 "$TMP/n1/l2meshd.log"); n2: $(tail -8 "$TMP/n2/l2meshd.log")"
pretty "n1's originators: $(mctl n1 o | tail -1)"
ip_of() { ip -n "sm-$LAB-$1" -4 -o addr show dev eth0 scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }'; }
C2=$(ip_of c2)
[[ -n $C2 ]] || fail "c2 has no address"
wait_for 30 ip netns exec "sm-$LAB-c1" ping -c 1 -W 1 "$C2" >/dev/null ||
	fail "c1 cannot reach c2 ($C2) over the installed daemons"
pretty "c1 reaches c2 ($C2) over the mesh of installed daemons, run as their units say"
pretty "ok"
