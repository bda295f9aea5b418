#!/bin/bash
# Config reload (issue 10; doc/config.md "Reloading"): SIGHUP and meshctl
# reload re-read a running node's config files and apply what can change
# live, without a restart; a broken file is refused and changes nothing.
#
#   n1 ---- g1 (gateway 10mbit/2mbit) - wan0 -- inet
#
# n1 and g1 are one cloud, so n1 sees g1's offer twice: in l3routed's
# smart-gateway table (meshctl gw --json, from g1's signed description)
# and in batman's gateway list (meshctl gwl --json, from the GW TVLV of
# g1's OGMs).
#   1. g1's node.conf gets log_level debug and gateway_bandwidth
#      30mbit/6mbit; kill -HUP to both daemons of g1: same pids, meshctl
#      log says debug, n1's gw and gwl show 30000/6000 kbit/s.
#   2. a broken line (gateway_bandwidth 'lots'); kill -HUP: each daemon
#      logs "node.conf:LINE: invalid value 'lots' ..." and "config
#      refused", same pids, and for 5 s n1 still sees 30000 and g1 still
#      logs at debug.
#   3. the same through meshctl reload on g1: the broken file exits 1
#      naming file:line and keeps everything; fixed (log_level notice,
#      50mbit/10mbit, l3_hello_interval 500) it exits 0, lists per daemon
#      what was applied and that l3_hello_interval needs a restart, and n1
#      sees 50000/10000 in both tables.
#   conf_reload.sh MESHLAB L3FORGE
set -e
. "$(dirname "$0")/gwlib.sh"
LAB=${LAB:-cfr$$}	# the pid: runs from two build dirs do not meet
gw_init "$@"

gw_lab_up "$(l3_node n1 hostname n1)
$(l3_node g1 hostname g1 gateway 1 gateway_bandwidth 10mbit/2mbit)
link n1 g1
internet inet g1"
rd=/run/softmesh-lab/$LAB/nodes/g1
conf=$rd/node.conf

# gwl_down NODE NAME_MAC: batman's offer (down_kbit) of router MAC, "-" if none
gwl_down() {
	mctl "$1" gwl --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(next((str(r["down_kbit"]) + "/" + str(r["up_kbit"]) for r in rows
            if r.get("router") == sys.argv[1]), "-"))' "$2"
}
# gw_down NODE: l3routed's view of g1's IPv4 offer as DOWN/UP, "-" if none
gw_down() {
	gw_json "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("data", d)
print(next((str(r["down_kbit"]) + "/" + str(r["up_kbit"]) for r in d.get("gateways", [])
            if r.get("hostname") == "g1" and r.get("family") == "ipv4"), "-"))'
}
offers_are() { [[ $(gw_down n1) == "$1" && $(gwl_down n1 "$G1MAC") == "$1" ]]; }
level() { mctl g1 log "$1" | awk '{ sub(",", "", $3); print $3 }'; }
pids() { echo "$(cat "$rd/l2meshd.pid") $(cat "$rd/l3routed.pid")"; }
hup() { kill -HUP $(pids); }
G1MAC=$(node_mac g1)

wait_for 60 offers_are 10000/2000 ||
	fail "n1 does not see g1's 10mbit/2mbit offer: gw $(gw_down n1), gwl $(gwl_down n1 "$G1MAC")"
pids0=$(pids)
pretty "n1 sees g1's offer 10000/2000 kbit/s in gw and gwl; g1's daemons: $pids0"

# 1. SIGHUP applies log_level and gateway_bandwidth
cat >>"$conf" <<'EOF'
config lime 'system'
	option log_level 'debug'
config lime 'network'
	option gateway_bandwidth '30mbit/6mbit'
EOF
t0=${EPOCHREALTIME/,/.}
hup
wait_for 30 offers_are 30000/6000 ||
	fail "after SIGHUP n1 does not see 30mbit/6mbit: gw $(gw_down n1), gwl $(gwl_down n1 "$G1MAC")"
pretty "SIGHUP: n1 sees 30000/6000 in gw and gwl after $(elapsed "$t0")s"
[[ $(pids) == "$pids0" ]] || fail "a daemon of g1 restarted: $pids0 -> $(pids)"
for d in l2meshd l3routed; do
	[[ $(level $d) == debug ]] || fail "$d's level after SIGHUP: $(mctl g1 log $d)"
	grep -q "applied: log_level, gateway_bandwidth" "$rd/$d.log" ||
		fail "$d does not log what it applied: $(grep reload "$rd/$d.log" | tail -3)"
done
pretty "both daemons of g1 log at debug, same pids: $(grep -h 'reload: config accepted' "$rd"/l[23]*.log | sed 's/^/    /')"

# 2. a broken file is refused whole
printf "config lime 'system'\n\toption log_level 'error'\nconfig lime 'network'\n\toption gateway_bandwidth 'lots'\n" >>"$conf"
bad=$(grep -n "'lots'" "$conf" | cut -d: -f1)
hup
for d in l2meshd l3routed; do
	wait_for 5 grep -q "config refused" "$rd/$d.log" || fail "$d did not refuse the broken file: $(tail -3 "$rd/$d.log")"
	grep -q "$conf:$bad: invalid value 'lots' for gateway_bandwidth" "$rd/$d.log" ||
		fail "$d's refusal does not name $conf:$bad: $(grep reload "$rd/$d.log" | tail -3)"
done
sleep 5	# an offer that changed would have reached n1 by now
[[ $(pids) == "$pids0" ]] || fail "a daemon of g1 restarted on a broken file: $pids0 -> $(pids)"
offers_are 30000/6000 || fail "the refused file changed the offer: gw $(gw_down n1), gwl $(gwl_down n1 "$G1MAC")"
[[ $(level l2meshd) == debug && $(level l3routed) == debug ]] ||
	fail "the refused file changed the log level: $(level l2meshd) $(level l3routed)"
pretty "SIGHUP with a broken line: refused, logged as $(grep -h -m1 "invalid value 'lots'" "$rd/l2meshd.log" | sed 's/.*reload: //'); 5 s later still 30000/6000 and debug"

# 3. meshctl reload: refused, then accepted
out=$(mctl g1 reload 2>&1) && fail "meshctl reload accepted the broken file: $out"
grep -q "$conf:$bad: invalid value 'lots'" <<<"$out" || fail "meshctl reload's refusal: $out"
pretty "meshctl reload of the broken file exits non-zero: $(head -2 <<<"$out" | tr '\n' ' ')"
[[ $(pids) == "$pids0" ]] && offers_are 30000/6000 || fail "meshctl reload's refusal changed something"
sed -i "s/'lots'/'50mbit\/10mbit'/; s/'error'/'notice'/" "$conf"
printf "\toption l3_hello_interval '500'\n" >>"$conf"
out=$(mctl g1 reload 2>&1) || fail "meshctl reload of the fixed file: $out"
pretty "meshctl reload: $(tr '\n' ' ' <<<"$out")"
grep -q "^l2meshd: applied: log_level, gateway_bandwidth; needs a restart: none$" <<<"$out" ||
	fail "l2meshd's reload line: $out"
grep -q "^l3routed: applied: log_level, gateway_bandwidth; needs a restart: l3_hello_interval$" <<<"$out" ||
	fail "l3routed's reload line: $out"
wait_for 30 offers_are 50000/10000 ||
	fail "after meshctl reload n1 does not see 50mbit/10mbit: gw $(gw_down n1), gwl $(gwl_down n1 "$G1MAC")"
[[ $(level l2meshd) == notice && $(level l3routed) == notice ]] ||
	fail "meshctl reload did not apply log_level notice: $(level l2meshd) $(level l3routed)"
[[ $(pids) == "$pids0" ]] || fail "a daemon of g1 restarted: $pids0 -> $(pids)"
pretty "n1 sees 50000/10000 in gw and gwl; g1 logs at notice; same pids"
daemons_alive
l3_alive ""
pretty "ok"
