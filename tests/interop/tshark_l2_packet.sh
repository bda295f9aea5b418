#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Interop: Wireshark's batadv dissector (an implementation written apart
# from ours) must read every frame l2mesh's encoders build, plain and with
# the 802.1ad cloud tag, as clean batman-adv v15 with the fields we put in,
# and must find our TT CRCs correct. A control run with deliberately wrong
# CRCs must make it say so.
#
# usage: tshark_l2_packet.sh <l2_pcapgen binary>
# exit: 0 pass, 1 fail, 77 skipped (no tshark)
set -eu

gen=${1:?usage: $0 <l2_pcapgen binary>}

if ! command -v tshark >/dev/null 2>&1; then
	echo "SKIP: tshark not installed (apt-get install -y tshark)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# No personal Wireshark profile may change how frames dissect.
export HOME="$tmp" XDG_CONFIG_HOME="$tmp"

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

ts() {
	tshark -n -r "$@" 2>/dev/null
}

# Prints the frame count l2_pcapgen reports.
generate() {
	"$gen" "$@" | sed -n 's/^\([0-9][0-9]*\) frames$/\1/p'
}

# Compares every "<frame> <field> <value>" line of $2 with tshark's view
# of pcap $1. One tshark run prints all fields of all frames as a table.
check_expect() {
	pcap=$1 expect=$2
	set -- -e frame.number
	for f in $(awk '{ print $2 }' "$expect" | sort -u); do
		set -- "$@" -e "$f"
	done
	ts "$pcap" -T fields -E header=y -E separator=/t -E occurrence=a \
		-E aggregator=, "$@" >"$tmp/fields.tsv"
	awk -F'\t' '
		NR == FNR {
			if (FNR == 1)
				for (i = 1; i <= NF; i++) col[$i] = i
			else
				for (i = 1; i <= NF; i++) v[$1, i] = $i
			next
		}
		{
			# expectations are space-separated: frame field value
			split($0, e, " ")
			if (!(e[2] in col)) {
				printf "FAIL: field %s missing from tshark output\n", e[2]
				bad++
			}
			got = v[e[1], col[e[2]]]
			if (got != e[3]) {
				printf "FAIL: frame %s %s: want %s, tshark says \"%s\"\n", e[1], e[2], e[3], got
				bad++
			}
			n++
		}
		END { printf "%d field checks, %d wrong\n", n, bad; exit bad != 0 }
	' "$tmp/fields.tsv" "$expect" || fails=$((fails + 1))
}

frames=$(generate "$tmp/l2.pcap" "$tmp/l2.expect")
[ -n "$frames" ] || { echo "FAIL: l2_pcapgen produced nothing"; exit 1; }
echo "tshark $(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([^ ]*\).*/\1/p'), $frames frames"

got=$(ts "$tmp/l2.pcap" -T fields -e frame.number | wc -l)
[ "$got" -eq "$frames" ] || fail "tshark read $got frames, wrote $frames"

# Every frame is batman-adv, from the outer Ethernet (or 802.1ad) header.
ts "$tmp/l2.pcap" -T fields -e frame.number -e frame.protocols |
	awk -F'\t' '$2 !~ /^eth:ethertype:(ieee8021ad:ethertype:)?batadv/' >"$tmp/notbat"
[ -s "$tmp/notbat" ] && fail "not dissected as batadv: $(cat "$tmp/notbat")"

# Nothing malformed, unknown, unsupported, and no expert complaints. The
# Ethernet line "Type: Unknown (0x4305)" only says the ethertype has no
# name in Wireshark's table, so it is left out.
ts "$tmp/l2.pcap" -V >"$tmp/l2.txt"
ts "$tmp/l2.pcap" >>"$tmp/l2.txt"
grep -n -e 'Malformed' -e 'BATADV_???' -e 'Unsupported Version' \
	-e 'Unknown' -e 'Illegal' "$tmp/l2.txt" |
	grep -v 'Type: Unknown (0x4305)' >"$tmp/bad" || true
[ -s "$tmp/bad" ] && fail "dissector complaints:
$(head -20 "$tmp/bad")"
ts "$tmp/l2.pcap" -T fields -e frame.number -e _ws.expert.message |
	awk -F'\t' '$2 != ""' >"$tmp/expert"
[ -s "$tmp/expert" ] && fail "expert info: $(cat "$tmp/expert")"

# Field values, the version (15) of every packet, and TT CRC status Good.
check_expect "$tmp/l2.pcap" "$tmp/l2.expect"

# Control: wrong CRCs must be caught, or "Good" above proves nothing.
generate -x "$tmp/bad.pcap" "$tmp/bad.expect" >/dev/null
check_expect "$tmp/bad.pcap" "$tmp/bad.expect"
ts "$tmp/bad.pcap" -T fields -e _ws.expert.message | grep -q 'bad TT VLAN crc' ||
	fail "control run: tshark did not flag the corrupted TT CRC"

if [ "$fails" -ne 0 ]; then
	echo "$fails check group(s) failed"
	exit 1
fi
echo "PASS: all $frames frames dissect as batman-adv v15 with the encoded values"
