#!/usr/bin/env bash
# meshctl and the daemon skeleton over real control sockets, with the
# testd fixture daemon. Usage: test_meshctl.sh MESHCTL TESTD
set -euo pipefail
meshctl=$1 testd=$2
dir=$(mktemp -d /tmp/sm-meshctl-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
m() { "$meshctl" --rundir "$dir" "$@"; }

cat > "$dir/node.conf" <<'CONF'
config lime 'system'
	option primary_mac '02:5e:00:00:01:02'
CONF
printf "config lime 'network'\n\toption hop_penalty '300'\n" > "$dir/bad.conf"

# -n accepts a good config, refuses a bad one naming file and line
"$testd" -c "$dir/node.conf" -n || fail "-n refused a good config"
if "$testd" -c "$dir/bad.conf" -n 2> "$dir/err"; then fail "-n accepted hop_penalty 300"; fi
grep -q "bad.conf:2:" "$dir/err" || fail "error does not name bad.conf:2: $(cat "$dir/err")"
# -nv prints the effective config with templates expanded from the MAC
"$testd" -c "$dir/node.conf" -n -v > "$dir/eff"
grep -q "option hostname 'LiMe-000102'" "$dir/eff" || fail "-nv: hostname not expanded"
grep -q "option main_ipv4_address '10.13.1.2/16'" "$dir/eff" || fail "-nv: ipv4 not 10.13.1.2/16"
grep -q "node.conf:2" "$dir/eff" || fail "-nv: no file:line note for primary_mac"

# command lines: global options only before the command, each command's
# own after it; a bad one exits 2 with the usage, -h exits 0
code() { set +e; m "$@" >"$dir/out" 2>&1; echo $?; set -e; }
[ "$(code ping -c 2 -x 02:5e:00:00:01:05)" = 2 ] || fail "ping -x: $(cat "$dir/out")"
grep -q "^usage: meshctl ping \[-c COUNT\]" "$dir/out" || fail "ping -x shows no usage: $(cat "$dir/out")"
[ "$(code ping -c 0 02:5e:00:00:01:05)" = 2 ] || fail "ping -c 0 accepted"
[ "$(code ping -i 0 02:5e:00:00:01:05)" = 2 ] || fail "ping -i 0 accepted"
[ "$(code ping -R 02:5e:00:00:01:05)" = 2 ] && grep -q "record route" "$dir/out" || fail "ping -R: $(cat "$dir/out")"
[ "$(code ping 02:5e:00:00:01:05 --rundir /tmp)" = 2 ] || fail "ping took a global option after the command"
[ "$(code ping -h)" = 0 ] && grep -q "^  -i SECS" "$dir/out" || fail "ping -h: $(cat "$dir/out")"
[ "$(code traceroute -n -T -m 5)" = 2 ] && grep -q "no target" "$dir/out" || fail "traceroute without target: $(cat "$dir/out")"
[ "$(code gw prefer)" = 2 ] || fail "gw prefer without a name accepted"
[ "$(code o -t 5)" = 2 ] || fail "a table took -t"
[ "$(code -t 0 status)" = 2 ] || fail "--timeout 0 accepted"
[ "$(code --count 1 monitor testd)" = 2 ] || fail "--count is monitor's own now"
[ "$(code -h)" = 0 ] || fail "meshctl -h"
# parsed fine, then no l2meshd: 3; a --bat-hosts file that is not there: 1
[ "$(code -t 200 ping -c 1 -i 0.2 -t 0.5 -m 3 02:5e:00:00:01:05)" = 3 ] || fail "ping with good flags: $(cat "$dir/out")"
[ "$(code o --json)" = 3 ] || fail "o --json: $(cat "$dir/out")"
[ "$(code --bat-hosts "$dir/none" ping c2)" = 1 ] && grep -q "$dir/none" "$dir/out" || fail "missing --bat-hosts file: $(cat "$dir/out")"

# nothing running yet
m status > "$dir/st0"
grep -q "^rundir $dir: 0 of 5 daemons running" "$dir/st0" || fail "status before start: $(cat "$dir/st0")"
set +e; m raw l2meshd '{"cmd":"status"}' 2>/dev/null; rc=$?; set -e
[ "$rc" = 3 ] || fail "raw to a stopped daemon exits $rc, want 3"

"$testd" -c "$dir/node.conf" -R "$dir" 2> "$dir/testd.log" &
pid=$!
for _ in $(seq 100); do [ -S "$dir/testd.sock" ] && break; sleep 0.05; done
[ -S "$dir/testd.sock" ] || fail "no socket: $(cat "$dir/testd.log")"
[ "$(stat -c %a "$dir/testd.sock")" = 660 ] || fail "socket mode not 0660"

m status > "$dir/st1"
grep -Eq "^testd +running +$pid " "$dir/st1" || fail "status table: $(cat "$dir/st1")"
grep -Eq "^l2meshd +stopped" "$dir/st1" || fail "status: l2meshd not stopped"
m status --json > "$dir/st1.json"
grep -q "\"hostname\":\"LiMe-000102\"" <(tr -d ' \n' < "$dir/st1.json") || fail "status --json: $(cat "$dir/st1.json")"

[ "$(m raw testd '{"cmd":"echo","arg":5}')" = 5 ] || fail "raw echo"
set +e; m raw testd '{"cmd":"nope"}' 2> "$dir/err"; rc=$?; set -e
[ "$rc" = 1 ] && grep -q "unknown command" "$dir/err" || fail "unknown command: rc $rc"
set +e; m raw testd 'not json' 2>/dev/null; rc=$?; set -e
[ "$rc" = 2 ] || fail "raw with bad JSON exits $rc, want 2"

m log testd debug batman,tt | grep -q "debug batman,tt" || fail "log set"
m log testd | grep -q "debug batman,tt" || fail "log kept"

# monitor gets the event another client triggers
m monitor testd t --count 1 > "$dir/events" &
mon=$!
sleep 0.3
m raw testd '{"cmd":"emit"}' > /dev/null
for _ in $(seq 50); do kill -0 $mon 2>/dev/null || break; sleep 0.05; done
wait $mon || fail "monitor exited non-zero"
grep -q '"event":"t","data":"tick"' "$dir/events" || fail "monitor: $(cat "$dir/events")"

# watch keeps the rows table from a dump and the row events; --verify
# compares it with a fresh dump at the end
m watch -s 1.5 --verify testd row > "$dir/watch" 2> "$dir/watch.err" &
wat=$!
sleep 0.4
m raw testd '{"cmd":"set","name":"x","value":1}' > /dev/null
m raw testd '{"cmd":"set","name":"n","value":101}' > /dev/null
m raw testd '{"cmd":"set","name":"m","value":300}' > /dev/null	# no change: no event
m raw testd '{"cmd":"del","name":"longer-name"}' > /dev/null
wait $wat || fail "watch --verify failed: $(cat "$dir/watch.err")"
grep -q '^+ {"name":"x","value":1}' "$dir/watch" || fail "watch: no add: $(cat "$dir/watch")"
grep -q '^~ {"name":"n","value":101}' "$dir/watch" || fail "watch: no change: $(cat "$dir/watch")"
grep -q '^- {"name":"longer-name"' "$dir/watch" || fail "watch: no del: $(cat "$dir/watch")"
[ "$(grep -c '^[-+~] ' "$dir/watch")" = 3 ] || fail "watch: not 3 changes: $(cat "$dir/watch")"
grep -q "3 rows kept from one dump and 3 events equal a fresh dump" "$dir/watch.err" ||
	fail "watch --verify: $(cat "$dir/watch.err")"
set +e; m watch -s 0.2 testd t 2> "$dir/err"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "no table topic 't'" "$dir/err" || fail "watch on a stream topic: rc $rc $(cat "$dir/err")"

# reload: SIGHUP and meshctl reload re-read node.conf; the pid stays
m log testd info > /dev/null
printf "\toption log_level 'warning'\n" >> "$dir/node.conf"
kill -HUP "$pid"
for _ in $(seq 50); do m log testd | grep -q "level warning" && break; sleep 0.05; done
m log testd | grep -q "level warning" || fail "SIGHUP: log_level warning not applied: $(m log testd)"
grep -q "applied: log_level" "$dir/testd.log" || fail "SIGHUP: not logged: $(cat "$dir/testd.log")"
printf "config lime 'system'\n\toption primary_mac '02:5e:00:00:01:02'\n\toption log_level 'nope'\n" > "$dir/node.conf"
kill -HUP "$pid"
for _ in $(seq 50); do grep -q "config refused" "$dir/testd.log" && break; sleep 0.05; done
grep -q "node.conf:3: invalid value 'nope' for log_level" "$dir/testd.log" || fail "SIGHUP: refusal not logged: $(cat "$dir/testd.log")"
m log testd | grep -q "level warning" || fail "refused config changed the level: $(m log testd)"
set +e; m reload testd > "$dir/out" 2> "$dir/err"; rc=$?; set -e
[ "$rc" = 1 ] || fail "meshctl reload of a refused config exits $rc, want 1"
grep -q "config refused" "$dir/err" && grep -q "node.conf:3:" "$dir/err" || fail "meshctl reload: $(cat "$dir/err")"
printf "config lime 'system'\n\toption primary_mac '02:5e:00:00:01:02'\n\toption log_level 'notice'\n\toption hostname 'renamed'\n" > "$dir/node.conf"
m reload > "$dir/out" || fail "meshctl reload: $(cat "$dir/out")"
grep -q "^testd: applied: log_level; needs a restart: hostname$" "$dir/out" || fail "meshctl reload: $(cat "$dir/out")"
m log testd | grep -q "level notice" || fail "meshctl reload: level not notice: $(m log testd)"
m status | grep -Eq "^testd +running +$pid " || fail "testd restarted by a reload"
set +e; m reload nosuchd 2> /dev/null; rc=$?; set -e
[ "$rc" = 3 ] || fail "meshctl reload of a stopped daemon exits $rc, want 3"

# a second instance on the same rundir refuses to start
if "$testd" -c "$dir/node.conf" -R "$dir" 2> "$dir/err2"; then fail "second instance started"; fi
grep -q "another instance" "$dir/err2" || fail "second instance: $(cat "$dir/err2")"

# SIGTERM: clean exit, socket gone, status says stopped
kill -TERM "$pid"
wait "$pid" || fail "testd exit status $?"
pid=
[ ! -e "$dir/testd.sock" ] || fail "socket left behind"
m status | grep -q "^rundir $dir: 0 of 5 daemons running" || fail "status after stop"
echo "meshctl: all checks passed"
