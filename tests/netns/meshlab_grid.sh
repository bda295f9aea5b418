#!/bin/bash
# meshlab at scale: a 10x10 grid goes up and down quickly and cleanly, and
# down cleans up after crashes of meshlab and of the daemons.
#   meshlab_grid.sh [MESHLAB]
set -e
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
lib_init "$@"
need_netns

LAB=g$$
LAB2=k$$
LAB3=x$$
TMP=$(mktemp -d)
BG=()
cleanup() {
	set +e
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	"$MESHLAB" down --name "$LAB" >/dev/null 2>&1
	"$MESHLAB" down --name "$LAB2" >/dev/null 2>&1
	"$MESHLAB" down --name "$LAB3" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

make_fake_bindir "$TMP/bin"
export SOFTMESH_BINDIR=$TMP/bin
rm "$TMP/bin/l3route/l3routed" # one fake daemon per node is enough here

veths_before=$(ip -o link show type veth | wc -l)

pretty "gen grid 10x10"
"$MESHLAB" gen grid 10x10 >"$TMP/g.topo"
assert_eq "grid links" 180 "$(grep -c '^link ' "$TMP/g.topo")"

pretty "up 100 nodes"
t0=$EPOCHREALTIME
"$MESHLAB" up "$TMP/g.topo" --name "$LAB"
t_up=$(elapsed "$t0")
pretty "up took ${t_up}s"
assert_eq "namespaces" 100 "$(lab_namespaces "$LAB")"
[[ -d /run/softmesh-lab/$LAB/nodes/n5_5 ]] || fail "no state dir for n5_5"

pretty "mesh ports per node"
for ((r = 1; r <= 10; r++)); do
	for ((c = 1; c <= 10; c++)); do
		want=4
		((r == 1 || r == 10)) && want=$((want - 1))
		((c == 1 || c == 10)) && want=$((want - 1))
		got=$(ip -n "sm-$LAB-n${r}_$c" -o link show | grep -c ': m-' || true)
		assert_eq "mesh ports of n${r}_$c" "$want" "$got"
	done
done
ip -n "sm-$LAB-n5_5" -o link show dev m-n5_6 | grep -q 'mtu 1532' || fail "m-n5_6 has not mtu 1532"
ip -n "sm-$LAB-n5_5" -d link show dev m-n5_6 | grep -q 'alias n5_6' || fail "m-n5_6 has no alias"
ip -n "sm-$LAB-n5_5" -o link show dev lo | grep -q 'UP' || fail "lo is not up"

pretty "daemons running"
alive=$("$MESHLAB" status --name "$LAB" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(1 for n in d["nodes"] if isinstance(n["daemons"].get("l2meshd"), int)))')
assert_eq "running l2meshd" 100 "$alive"
daemon_pids=()
for f in /run/softmesh-lab/"$LAB"/nodes/*/l2meshd.pid; do daemon_pids+=("$(cat "$f")"); done
assert_eq "pid files" 100 "${#daemon_pids[@]}"

pretty "long-running exec in two nodes"
"$MESHLAB" exec --name "$LAB" n1_1 sleep 600 &
BG+=($!)
"$MESHLAB" exec --name "$LAB" n10_10 sleep 600 &
BG+=($!)
in_ns() { [[ $(ip netns identify "$1" 2>/dev/null) == "$2" ]]; }
wait_for 5 in_ns "${BG[0]}" "sm-$LAB-n1_1" || fail "exec sleep not in n1_1"
wait_for 5 in_ns "${BG[1]}" "sm-$LAB-n10_10" || fail "exec sleep not in n10_10"

pretty "down"
t0=$EPOCHREALTIME
"$MESHLAB" down --name "$LAB"
t_down=$(elapsed "$t0")
pretty "down took ${t_down}s"
assert_eq "namespaces after down" 0 "$(lab_namespaces "$LAB")"
[[ ! -e /run/softmesh-lab/$LAB ]] || fail "state dir left"
assert_eq "veths in the root namespace" "$veths_before" "$(ip -o link show type veth | wc -l)"
for p in "${BG[@]}"; do
	wait_for 5 proc_gone "$p" || fail "exec'd sleep $p survived down"
	wait "$p" 2>/dev/null || true
done
BG=()
for p in "${daemon_pids[@]}"; do
	wait_for 5 proc_gone "$p" || fail "daemon $p survived down"
done
out=$("$MESHLAB" down --name "$LAB" 2>&1) || fail "second down failed"
[[ $out == *"not up"* ]] || fail "second down did not say 'not up': $out"

pretty "crash: meshlab killed in the middle of up"
"$MESHLAB" up "$TMP/g.topo" --name "$LAB2" 2>/dev/null &
pid=$!
has_ns() { [[ $(lab_namespaces "$LAB2") -gt 0 ]]; }
wait_for 10 has_ns || fail "up made no namespace"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
sleep 0.3
[[ $(lab_namespaces "$LAB2") -gt 0 ]] || fail "crash left nothing behind (test is void)"
if "$MESHLAB" up "$TMP/g.topo" --name "$LAB2" 2>/dev/null; then fail "up over a crashed lab succeeded"; fi
"$MESHLAB" down --name "$LAB2"
assert_eq "namespaces after crash + down" 0 "$(lab_namespaces "$LAB2")"
[[ ! -e /run/softmesh-lab/$LAB2 ]] || fail "state dir left after crash + down"

pretty "crash: daemons killed, state dir lost"
"$MESHLAB" gen line 5 >"$TMP/l.topo"
"$MESHLAB" up "$TMP/l.topo" --name "$LAB3"
pids=()
for f in /run/softmesh-lab/"$LAB3"/nodes/*/l2meshd.pid; do pids+=("$(cat "$f")"); done
assert_eq "daemons in line lab" 5 "${#pids[@]}"
kill -9 "${pids[0]}" "${pids[1]}"
wait_for 5 proc_gone "${pids[0]}" || fail "kill -9 did not work"
"$MESHLAB" status --name "$LAB3" | grep -q 'l2meshd:dead' || fail "status does not show the dead daemon"
rm -rf "/run/softmesh-lab/$LAB3"
"$MESHLAB" down --name "$LAB3"
assert_eq "namespaces after daemon crash + down" 0 "$(lab_namespaces "$LAB3")"
for p in "${pids[@]}"; do
	wait_for 5 proc_gone "$p" || fail "daemon $p survived down"
done

pretty "failure in the middle of up is rolled back"
mkdir "$TMP/badpath"
printf '#!/bin/sh\nexit 1\n' >"$TMP/badpath/tc"
chmod +x "$TMP/badpath/tc"
printf 'link a b rate 10mbit\n' >"$TMP/r.topo"
if PATH=$TMP/badpath:$PATH "$MESHLAB" up "$TMP/r.topo" --name "$LAB3" 2>/dev/null; then
	fail "up with a failing tc succeeded"
fi
assert_eq "namespaces after failed up" 0 "$(lab_namespaces "$LAB3")"
[[ ! -e /run/softmesh-lab/$LAB3 ]] || fail "state dir left after failed up"

pretty "OK: 10x10 grid up ${t_up}s, down ${t_down}s"
