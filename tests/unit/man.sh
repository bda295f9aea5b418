#!/bin/bash
# The man pages agree with the programs (issue 16): every option a
# daemon's -h lists, every command and option of meshctl --help and every
# meshlab subcommand is in its page's source; the pages were built.
#   man.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
B=$1 S=$2
M=$S/doc/man
fails=0
bad() { printf 'man: %s\n' "$*" >&2; fails=$((fails + 1)); }
command -v scdoc >/dev/null || { echo "SKIP: no scdoc (apt-get install scdoc)"; exit 77; }
for d in l2mesh/l2meshd l3route/l3routed anycast/anycastd leasesync/leasesyncd webui/webuid; do
	n=${d##*/}
	[[ -s $B/doc/man/$n.8 ]] || bad "$n.8 was not built"
	opts=$("$B/$d" -h 2>&1 | sed -n 's/^ *\(-[a-zA-Z]\) .*/\1/p')
	[[ -n $opts ]] || bad "$n -h lists no options"
	for o in $opts; do
		grep -qF "*$o*" "$M/$n.8.scd" || bad "$n.8 lacks $o (in $n -h)"
	done
	# and the page claims no option the program lacks
	for o in $(grep -o '^\*-[a-zA-Z]\*' "$M/$n.8.scd" | tr -d '*'); do
		[[ $o == -h ]] || grep -qE -- "(^| |\[)$o( |\]|$)" <("$B/$d" -h 2>&1) ||
			bad "$n.8 has $o, $n -h does not"
	done
done
help=$("$B/tools/meshctl/meshctl" --help 2>&1)
for c in $(sed -n 's/^  \([a-z0-9]*\) .*/\1/p' <<<"$help"); do
	grep -qE "^\*$c\*" "$M/meshctl.8.scd" || bad "meshctl.8 lacks the command $c"
done
for o in $(head -1 <<<"$help" | grep -o -- '--[a-z-]*'); do
	grep -qF "*$o*" "$M/meshctl.8.scd" || bad "meshctl.8 lacks $o"
done
for c in $(sed -n '/^# COMMANDS/,/^# [A-Z]/p' "$M/meshctl.8.scd" | grep -oE '^\*[a-z0-9]+\*' | tr -d '*'); do
	grep -qE "^  $c( |$)" <<<"$help" || bad "meshctl.8 has a command $c that meshctl --help lacks"
done
for c in $("$B/tools/meshlab/meshlab" --help 2>&1 | grep -oE 'meshlab [a-z]+' | awk '{ print $2 }' | sort -u); do
	grep -qF "*meshlab $c*" "$M/meshlab.8.scd" || bad "meshlab.8 lacks meshlab $c"
done
for p in meshctl.8 meshlab.8 softmesh.7 softmesh.conf.5; do
	[[ -s $B/doc/man/$p ]] || bad "$p was not built"
done
# softmesh.conf(5) has every option of doc/config.md's tables
# (table rows, not their header rows: a header is followed by | --- |)
for o in $(awk '/^\| / { if (prev != "" && $0 !~ /^\| ---/) print prev; prev = $0; next } { if (prev != "") print prev; prev = "" }' "$S/doc/config.md" |
	sed -n 's/^| \([a-z0-9_]*\) | .*/\1/p' | sort -u); do
	grep -qF "*${o//_/\\_}*" "$B/doc/man/softmesh.conf.5.scd" || bad "softmesh.conf.5 lacks $o"
done
[[ $fails -eq 0 ]] || exit 1
echo "man pages agree with -h/--help of 7 programs; softmesh.conf(5) has every option"
