#!/usr/bin/env bash
# The live demo: a lab mesh in network namespaces on the embedded default
# config. Usage: tools/demo.sh BUILD_DIR [--keep]
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
keep=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
meshlab="$build/tools/meshlab/meshlab"
lab=demo

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

if [ "$(id -u)" != 0 ]; then
	echo "the demo builds network namespaces: run it as root" >&2
	exit 1
fi
"$meshlab" down --name "$lab" >/dev/null 2>&1 || true
if [ "$keep" != "--keep" ]; then
	trap '"$meshlab" down --name "$lab" >/dev/null 2>&1 || true' EXIT
fi

say "bringing up the lab (tools/demo.topo)"
cat "$top/tools/demo.topo"
run "$meshlab" up "$top/tools/demo.topo" --name "$lab"
say "what meshlab built"
run "$meshlab" status --name "$lab"

say "daemons on node n1"
run "$meshlab" exec --name "$lab" n1 meshctl status

say "the radio segment air1 is one shared medium: n3 reaches n5 directly"
ll=$("$meshlab" exec --name "$lab" n5 ip -6 -o addr show dev r-air1 scope link | awk '{print $4}' | cut -d/ -f1)
run "$meshlab" exec --name "$lab" n3 ping -6 -c 2 -w 5 "$ll%r-air1" || true

if [ -x "$build/l2mesh/l2meshd" ]; then
	say "client c1 (behind n1) pings client c2 (behind n5) across the mesh"
	run "$meshlab" exec --name "$lab" c1 ping -c 5 -w 10 10.13.250.2
	say "originators seen from n1"
	run "$meshlab" exec --name "$lab" n1 meshctl originators
else
	say "l2meshd is not built yet: the mesh daemons join this demo as they land"
fi

if [ "$keep" = "--keep" ]; then
	say "lab '$lab' left running: $meshlab exec --name $lab NODE CMD..., then $meshlab down --name $lab"
fi
