#!/bin/bash
# Two clouds (different ap_ssid, so different 802.1ad VIDs) on the same
# mesh links: no frame of one reaches the other.
#   l2_clouds.sh MESHLAB
set -e
. "$(dirname "$0")/l2lib.sh"
# layer 2 only: l3routed would (rightly) route between the clouds
L2_ONLY=1 l2_init "$@"
need_cmd tcpdump python3

# x1 x2 x3 form cloud X in a line; y1 y2 sit on the same links, cloud Y.
lab_up "node x1 ap_ssid cloudX
node x2 ap_ssid cloudX
node x3 ap_ssid cloudX
node y1 ap_ssid cloudY
node y2 ap_ssid cloudY
radio r1 x1 x2 x3 y1 y2
client cx1 x1
client cx3 x3
client cy1 y1
client cy2 y2"

vx=$(mx x1 meshctl raw l2meshd '{"cmd":"status"}' | awk -F: '/"vid"/ { gsub(/[ ,]/, "", $2); print $2 }')
vy=$(mx y1 meshctl raw l2meshd '{"cmd":"status"}' | awk -F: '/"vid"/ { gsub(/[ ,]/, "", $2); print $2 }')
pretty "cloud X vid $vx, cloud Y vid $vy"
[[ $vx != "$vy" ]] || fail "both clouds got vid $vx"

ipx=$(mx cx3 ip -4 -o addr show dev eth0 | awk '{ sub(/\/.*/, "", $4); print $4 }')
ipy=$(mx cy2 ip -4 -o addr show dev eth0 | awk '{ sub(/\/.*/, "", $4); print $4 }')
converge_ping 60 cx1 "$ipx" >/dev/null
converge_ping 60 cy1 "$ipy" >/dev/null

# originators: each node knows only its own cloud, and all of it
for n in x1 x2 x3 y1 y2; do
	node_mac "$n" >"$TMP/mac-$n"
	mctl "$n" originators --json >"$TMP/o-$n"
done
python3 - "$TMP" <<'PY' || fail "an originator table crosses clouds"
import json, sys
t = sys.argv[1]
seen, me = {}, {}
for n in ["x1", "x2", "x3", "y1", "y2"]:
    seen[n] = {r["originator"] for r in json.load(open(f"{t}/o-{n}"))}
    me[n] = open(f"{t}/mac-{n}").read().strip()
X, Y = ["x1", "x2", "x3"], ["y1", "y2"]
for cloud, other in ((X, Y), (Y, X)):
    for n in cloud:
        # every other node of its cloud, no node of the other cloud
        assert {me[m] for m in cloud if m != n} <= seen[n], (n, seen[n])
        assert not ({me[m] for m in other} & seen[n]), (n, seen[n])
PY

# frames: a cloud Y client's broadcasts never show on cloud X's bat0
mx x2 tcpdump -l -n -e -i bat0 -c 1000 >"$TMP/x2-bat0" 2>/dev/null &
BG_PIDS=$!
sleep 1
mx cy1 ping -b -c 5 -i 0.2 10.255.255.255 >/dev/null 2>&1 || true
mx cy1 busybox arping -c 3 -w 4 -I eth0 "$ipy" >/dev/null 2>&1 || true
mx cy1 ping -c 5 -i 0.2 "$ipy" >/dev/null 2>&1 || fail "cloud Y broke"
sleep 1
kill $BG_PIDS 2>/dev/null || true
wait 2>/dev/null || true
cy1mac=$(mx cy1 cat /sys/class/net/eth0/address)
if grep -qi "$cy1mac" "$TMP/x2-bat0"; then
	fail "a frame of cloud Y's client reached cloud X: $(grep -i "$cy1mac" "$TMP/x2-bat0" | head -3)"
fi
# and cloud X clients cannot reach cloud Y clients over L2
if mx cx1 ping -c 2 -W 1 "$ipy" >/dev/null 2>&1; then
	fail "cx1 reached cloud Y's $ipy over the mesh"
fi
daemons_alive
pretty "ok"
