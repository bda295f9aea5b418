#!/bin/bash
# Churn soak (issue 12; not in CI: `sudo ./run soak [OPTIONS]`): a lab of
# N nodes (a meshlab grid, two L2 clouds joined at layer 3, a roaming
# client on every node) with every daemon that is built. Each round is a
# churn phase of random events -- link flaps, lossy links, kill -9 of a
# daemon followed by a restart as meshlab started it, client moves --
# then a quiet period, after which the script measures delivery (pings
# between fixed client pairs, both families) and samples RSS and
# descriptors of every daemon. At the end: one more churn phase, 15 s
# quiet, and the final delivery must be 100 %; a least-squares trend of
# RSS and descriptors within each process lifetime must show no growth.
# Exit status 0 only if both hold and no daemon died on its own or wrote
# a sanitizer report. The lab is always taken down.
#
#   churn.sh [--meshlab PATH] [--duration S] [--seed N] [--nodes N]
#            [--name LAB] [--out FILE] [--churn S] [--quiet S]
#            [--pairs N] [--clouds 1|2] [--clients dhcp|static]
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../netns/lib.sh"

usage() {
	sed -n '15,17s/^#//p' "$0" >&2
	exit 2
}

MESHLAB=${MESHLAB:-$here/../../build/tools/meshlab/meshlab}
DURATION=3600 SEED=1 NODES=20 LAB=soak OUT="" CHURN_S=30 QUIET_S=15
PAIRS=20 CLOUDS=2 CLIENTS=""
while [[ $# -gt 0 ]]; do
	[[ $1 == -h || $1 == --help ]] && usage
	[[ $# -ge 2 ]] || usage
	case $1 in
	--meshlab) MESHLAB=$2 ;;
	--duration) DURATION=$2 ;;
	--seed) SEED=$2 ;;
	--nodes) NODES=$2 ;;
	--name) LAB=$2 ;;
	--out) OUT=$2 ;;
	--churn) CHURN_S=$2 ;;
	--quiet) QUIET_S=$2 ;;
	--pairs) PAIRS=$2 ;;
	--clouds) CLOUDS=$2 ;;
	--clients) CLIENTS=$2 ;;
	*) usage ;;
	esac
	shift 2
done
for v in DURATION SEED NODES CHURN_S QUIET_S PAIRS; do
	[[ ${!v} =~ ^[0-9]+$ ]] || { echo "churn.sh: bad ${v,,} '${!v}'" >&2; exit 2; }
done
((NODES >= 4 && CHURN_S >= 5 && PAIRS >= 2)) || { echo "churn.sh: need --nodes >= 4, --churn >= 5, --pairs >= 2" >&2; exit 2; }
[[ $CLOUDS == 1 || $CLOUDS == 2 ]] || usage
MESHLAB=$(realpath "$MESHLAB")
lib_init "$MESHLAB"
# shellcheck disable=SC2034 # lib.sh prints it
TEST_NAME=soak
need_netns
need_cmd ping python3
BINDIR=${SOFTMESH_BINDIR:-$(sed -n "s/^readonly BUILD_ROOT='\(.*\)'$/\1/p" "$MESHLAB" | head -1)}
DAEMONS=()
for d in l2mesh/l2meshd l3route/l3routed anycast/anycastd leasesync/leasesyncd webui/webuid; do
	[[ -x $BINDIR/$d ]] && DAEMONS+=("${d#*/}")
done
[[ ${DAEMONS[0]:-} == l2meshd ]] || fail "no l2meshd in '$BINDIR' (not built?)"
# meshlab's own default: DHCP clients when anycastd is built
[[ -n $CLIENTS ]] || { [[ " ${DAEMONS[*]} " == *" anycastd "* ]] && CLIENTS=dhcp || CLIENTS=static; }
export MESHLAB_CLIENTS=$CLIENTS
LABDIR=/run/softmesh-lab/$LAB

# -- randomness: meshlab gen's LCG, so a seed means the same events on
# any bash; never drawn in a subshell (its draws would be lost)
RNG=$((SEED % 2147483648))
rnd() { # N -> R in [0, N)
	RNG=$(((RNG * 1103515245 + 12345) % 2147483648))
	R=$(((RNG >> 8) % $1))
}

now_s() { printf '%d' "${EPOCHSECONDS}"; }
say() { printf '%s\n' "$*"; }

# -- teardown: always, on any exit (Ctrl-C and TERM included)
TMP=$(mktemp -d)
LAB_OWNED=""
RC_EXTRA=0
cleanup() {
	local rc=$?
	set +e
	trap '' INT TERM
	if [[ -n $LAB_OWNED && -n ${KEEP:-} ]]; then
		say "KEEP set: lab $LAB left up (take it down with: $MESHLAB down --name $LAB)"
	elif [[ -n $LAB_OWNED ]]; then
		lab_stop "$LAB" || { say "FAIL: a daemon reported a sanitizer error or would not stop"; rc=1; }
		"$MESHLAB" down --name "$LAB" >/dev/null 2>&1 || say "meshlab down --name $LAB failed"
	fi
	rm -rf "$TMP"
	((rc != 0 || RC_EXTRA == 0)) || rc=$RC_EXTRA
	exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# -- topology: meshlab gen grid WxH (H the largest divisor of N up to
# sqrt(N)); with two clouds the lower half of the rows (the right half of
# the columns of a one-row grid) is cloud soakB; every node has a client
# that can roam to a neighbour of the same cloud
H=1
for ((i = 1; i * i <= NODES; i++)); do ((NODES % i)) || H=$i; done
W=$((NODES / H))
cloud_of() { # ROW COL -> CL (0 or 1)
	CL=0
	((CLOUDS == 2)) || return 0
	if ((H >= 2)); then ((2 * $1 > H)) && CL=1; else ((2 * $2 > W)) && CL=1; fi
	return 0
}
make_topology() {
	local r c o cl2
	"$MESHLAB" gen grid "${W}x$H" | while read -r kw name rest; do
		if [[ $kw == node ]]; then
			r=${name#n} c=${r#*_} r=${r%_*}
			cloud_of "$r" "$c"
			((CL == 0)) && echo "node $name" || echo "node $name ap_ssid soakB"
		else
			echo "$kw $name $rest"
		fi
	done
	for ((r = 1; r <= H; r++)); do
		for ((c = 1; c <= W; c++)); do
			cloud_of "$r" "$c"
			cl2=$CL o=$((c < W ? c + 1 : c - 1))
			cloud_of "$r" "$o"
			((CL == cl2)) || o=$((c - 1))
			echo "client c${r}_$c n${r}_$c n${r}_$o"
		done
	done
}

# -- the lab's parts, read back from meshlab's state
MESH_LINKS=()  # "a b" of every node-node link
CLIENT_LIST=() # client names, in order
declare -A HOME ROAM AT
read_lab() {
	local kind a b rest c node cn
	while read -r _ kind a b rest; do
		[[ $kind == mesh ]] && MESH_LINKS+=("$a $b")
	done <"$LABDIR/links.list"
	while read -r c node _ _ _ _ _ _ cn; do
		CLIENT_LIST+=("$c")
		HOME[$c]=${cn%%,*} ROAM[$c]=${cn#*,} AT[$c]=$node
	done <"$LABDIR/clients.list"
	((${#MESH_LINKS[@]} > 0)) || fail "no mesh links in $LABDIR/links.list"
}

# -- delivery: ping -c PINGS between fixed client pairs, IPv4 and IPv6
PINGS=3
PAIR_A=() PAIR_B=()
choose_pairs() {
	local n=${#CLIENT_LIST[@]} a b k tries=0
	local -A seen=()
	# the far corners of the grid first
	PAIR_A=(c1_1 "c1_$W") PAIR_B=("c${H}_$W" "c${H}_1")
	seen["c1_1 c${H}_$W"]=1 seen["c1_$W c${H}_1"]=1
	while ((${#PAIR_A[@]} < PAIRS && tries++ < 1000)); do
		rnd "$n"; a=${CLIENT_LIST[R]}
		rnd "$n"; b=${CLIENT_LIST[R]}
		[[ $a != "$b" && -z ${seen["$a $b"]:-} && -z ${seen["$b $a"]:-} ]] || continue
		seen["$a $b"]=1
		PAIR_A+=("$a") PAIR_B+=("$b")
	done
	k=""
	for a in "${!PAIR_A[@]}"; do k+=" ${PAIR_A[a]}-${PAIR_B[a]}"; done
	say "pairs (${#PAIR_A[@]}, IPv4 and IPv6, $PINGS pings each):$k"
}

# client_addr CLIENT 4|6 -> ADDR: the global address the client holds now
client_addr() {
	ADDR=$(ip -n "sm-$LAB-$1" -"$2" -o addr show scope global 2>/dev/null |
		awk '$4 !~ /^fe80/ { sub(/\/.*/, "", $4); print $4; exit }')
}

# measure: pings all pairs at once; DELIV_OK/DELIV_ALL (echo replies),
# DELIV_PCT, DELIV_BAD (the probes that lost a reply)
measure() {
	local i f c dst got pids=()
	local -A addr=()
	for c in "${CLIENT_LIST[@]}"; do
		client_addr "$c" 4; addr[$c.4]=$ADDR
		client_addr "$c" 6; addr[$c.6]=$ADDR
	done
	rm -f "$TMP"/ping.*
	for i in "${!PAIR_A[@]}"; do
		for f in 4 6; do
			dst=${addr[${PAIR_B[i]}.$f]}
			if [[ -z $dst || -z ${addr[${PAIR_A[i]}.$f]} ]]; then
				echo "no address" >"$TMP/ping.$i.$f"
				continue
			fi
			ip netns exec "sm-$LAB-${PAIR_A[i]}" ping -"$f" -n -q -c "$PINGS" -i 0.2 -W 2 "$dst" \
				>"$TMP/ping.$i.$f" 2>&1 &
			pids+=($!)
		done
	done
	# only the pings: the daemons restarted here are children too
	((${#pids[@]} == 0)) || wait "${pids[@]}" || true
	DELIV_OK=0 DELIV_ALL=0 DELIV_BAD=""
	for i in "${!PAIR_A[@]}"; do
		for f in 4 6; do
			got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping.$i.$f")
			got=${got:-0}
			DELIV_OK=$((DELIV_OK + got)) DELIV_ALL=$((DELIV_ALL + PINGS))
			((got == PINGS)) && continue
			if grep -q "no address" "$TMP/ping.$i.$f"; then
				DELIV_BAD+=" ${PAIR_A[i]}->${PAIR_B[i]}/v$f(no address)"
			else
				DELIV_BAD+=" ${PAIR_A[i]}->${PAIR_B[i]}/v$f($got/$PINGS)"
			fi
		done
	done
	DELIV_PCT=$(awk -v a="$DELIV_OK" -v b="$DELIV_ALL" 'BEGIN { printf "%.1f", 100 * a / b }')
}

# recovery: after a round short of 100 %, measures every 5 s for up to
# RECOVERY_S more and says when delivery was whole again (a diagnosis:
# slow, or stuck; the round's figure stands). The samples come first.
RECOVERY_S=60
recovery() {
	local t0=$EPOCHSECONDS
	while ((EPOCHSECONDS - t0 < RECOVERY_S)); do
		sleep 5
		measure
		if [[ -z $DELIV_BAD ]]; then
			say "  recovery: 100 % again $((EPOCHSECONDS - t_calm))s after the churn"
			return 0
		fi
	done
	say "  recovery: still $DELIV_PCT% $((EPOCHSECONDS - t_calm))s after the churn, lost:$DELIV_BAD"
}

# -- resources: VmRSS and descriptors of every daemon of every node
SAMPLES=$TMP/samples.tsv
printf 't\tround\tnode\tdaemon\tpid\trss_kb\tanon_kb\tfds\n' >"$SAMPLES"
sample() { # ROUND T
	local f d n name pid rss anon fds
	for f in "$LABDIR"/nodes/*/*.pid; do
		d=${f%/*} n=${d##*/} name=${f##*/} name=${name%.pid}
		read -r pid <"$f" 2>/dev/null || continue
		proc_gone "$pid" && continue
		read -r rss anon < <(awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } END { print r, a }' \
			"/proc/$pid/status" 2>/dev/null) || continue
		fds=(/proc/"$pid"/fd/*)
		[[ -n $anon ]] || continue
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$1" "$n" "$name" "$pid" "$rss" "$anon" "${#fds[@]}"
	done >>"$SAMPLES"
}

# summary of the last round's samples: min/median/max RSS and fd total
# per daemon
resource_line() { # ROUND
	awk -F'\t' -v r="$1" '
		NR > 1 && $2 == r { n[$4]++; rss[$4, n[$4]] = $6; anon[$4] += $7; fd[$4] += $8 }
		END {
			for (d in n) {
				m = n[d]
				for (i = 1; i <= m; i++) v[i] = rss[d, i]
				for (i = 2; i <= m; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { x = v[j]; v[j] = v[j - 1]; v[j - 1] = x }
				printf "  %s x%d: RSS %d/%d/%d kB (min/med/max), anon %d kB (mean), fds %d\n", d, m, v[1], v[int((m + 1) / 2)], v[m], anon[d] / m, fd[d]
			}
		}' "$SAMPLES" | sort
}

# -- churn
declare -A LINK_DOWN LINK_SHAPED # "a b" -> time it is restored
declare -A KILLED                  # NODE:DAEMON -> time it is restarted
EV_FLAP=0 EV_LOSS=0 EV_KILL=0 EV_MOVE=0 EV_WHAT="" EV_LOG=()

# ev_log WHAT: one event of the round, with its time (s since T0), said
# when the round falls short of 100 %
ev_log() { EV_LOG+=("t=$(($(now_s) - T0))s $*"); }

# ml CMD ARGS: a meshlab command on the lab; one that fails, or hangs for
# a minute, ends the soak
ml() {
	timeout 60 "$MESHLAB" "$1" --name "$LAB" "${@:2}" >/dev/null 2>"$TMP/ml.err" ||
		fail "meshlab $* failed or hung (status $?): $(cat "$TMP/ml.err")"
}

ev_flap() {
	local l
	rnd "${#MESH_LINKS[@]}"; l=${MESH_LINKS[R]}
	[[ -z ${LINK_DOWN[$l]:-} && -z ${LINK_SHAPED[$l]:-} ]] || return 0
	ml link "${l% *}" "${l#* }" down
	ev_log "link $l down"
	rnd 5; LINK_DOWN[$l]=$(($(now_s) + 1 + R))
	EV_FLAP=$((EV_FLAP + 1))
}

ev_loss() {
	local l p
	rnd "${#MESH_LINKS[@]}"; l=${MESH_LINKS[R]}
	[[ -z ${LINK_DOWN[$l]:-} && -z ${LINK_SHAPED[$l]:-} ]] || return 0
	rnd 4; p=$((20 + 20 * R))
	ml link "${l% *}" "${l#* }" set loss "$p%"
	ev_log "link $l loss $p%"
	rnd 8; LINK_SHAPED[$l]=$(($(now_s) + 2 + R))
	EV_LOSS=$((EV_LOSS + 1))
}

ev_kill() {
	local n d k
	rnd "${#CLIENT_LIST[@]}"; n=n${CLIENT_LIST[R]#c}
	rnd "${#DAEMONS[@]}"; d=${DAEMONS[R]}
	k=$n:$d
	[[ -z ${KILLED[$k]:-} ]] || return 0
	daemon_cmdline "$LAB" "$n" "$d"
	proc_gone "$DAEMON_PID" && fail "$d of $n is not running before its kill (pid $DAEMON_PID)"
	kill -KILL "$DAEMON_PID"
	ev_log "kill -9 $d on $n"
	wait_for 5 proc_gone "$DAEMON_PID" || fail "kill -9 of $d on $n (pid $DAEMON_PID): still there after 5 s"
	rnd 5; KILLED[$k]=$(($(now_s) + 1 + R))
	EV_KILL=$((EV_KILL + 1)) EV_WHAT+=" $k"
}

ev_move() {
	local c to
	rnd "${#CLIENT_LIST[@]}"; c=${CLIENT_LIST[R]}
	to=${HOME[$c]}
	[[ ${AT[$c]} != "$to" ]] || to=${ROAM[$c]}
	ml move "$c" "$to"
	ev_log "move $c ${AT[$c]} -> $to"
	AT[$c]=$to
	EV_MOVE=$((EV_MOVE + 1))
}

restart() { # NODE:DAEMON
	local k=$1
	mapfile -d '' DAEMON_CMD <"$TMP/cmd.$k"
	daemon_start "$LAB" "${k%:*}" "${k#*:}"
	ev_log "start ${k#*:} on ${k%:*}"
	# the daemon is a job of this shell: its kill -9 is no news to print
	disown -a
	unset "KILLED[$k]"
}

# undo: what is due (ALL: everything) is restored
undo() { # [all]
	local t l k
	t=$(now_s)
	for l in "${!LINK_DOWN[@]}"; do
		[[ -n ${1:-} || ${LINK_DOWN[$l]} -le $t ]] || continue
		ml link "${l% *}" "${l#* }" up; unset "LINK_DOWN[$l]"
		ev_log "link $l up"
	done
	for l in "${!LINK_SHAPED[@]}"; do
		[[ -n ${1:-} || ${LINK_SHAPED[$l]} -le $t ]] || continue
		ml link "${l% *}" "${l#* }" set; unset "LINK_SHAPED[$l]"
		ev_log "link $l clean"
	done
	for k in "${!KILLED[@]}"; do
		[[ -n ${1:-} || ${KILLED[$k]} -le $t ]] || continue
		restart "$k"
	done
}

# churn S: S seconds of random events, 1 to 3 s apart; then everything
# restored
churn() {
	local end=$(($(now_s) + $1))
	EV_FLAP=0 EV_LOSS=0 EV_KILL=0 EV_MOVE=0 EV_WHAT="" EV_LOG=()
	while (($(now_s) < end)); do
		rnd 100
		if ((R < 45)); then ev_flap
		elif ((R < 60)); then ev_loss
		elif ((R < 85)); then ev_kill
		else ev_move
		fi
		undo
		rnd 3; sleep $((1 + R))
		undo
	done
	undo all
}

# unexpected: a daemon that died on its own (not one we killed) or wrote
# a sanitizer report is a defect; said, counted, and started again
DEATHS=0
check_alive() {
	lab_alive "$LAB" && return 0
	local f d n name pid
	for f in "$LABDIR"/nodes/*/*.pid; do
		d=${f%/*} n=${d##*/} name=${f##*/} name=${name%.pid}
		read -r pid <"$f" 2>/dev/null || continue
		proc_gone "$pid" || continue
		DEATHS=$((DEATHS + 1))
		cp "$d/$name.log" "$OUTDIR/died-$n-$name-$pid.log" 2>/dev/null || true
		mapfile -d '' DAEMON_CMD <"$TMP/cmd.$n:$name"
		daemon_start "$LAB" "$n" "$name"
		disown -a
	done
	RC_EXTRA=1
}

# -- run
OUTDIR=${OUT:+$(dirname "$(realpath -m "$OUT")")}
OUTDIR=${OUTDIR:-$TMP}
lab_claim "$LAB"
make_topology >"$TMP/soak.topo"
say "soak: lab $LAB, grid ${W}x$H ($NODES nodes, $CLOUDS cloud(s)), clients $CLIENTS, daemons ${DAEMONS[*]}"
say "soak: duration ${DURATION}s, rounds of ${CHURN_S}s churn + ${QUIET_S}s quiet, seed $SEED"
LAB_OWNED=1
t_up=$EPOCHREALTIME
"$MESHLAB" up "$TMP/soak.topo" --name "$LAB" >"$TMP/up.log" 2>&1 || fail "meshlab up: $(tail -5 "$TMP/up.log")"
for f in "$LABDIR"/nodes/*/; do
	for d in "${DAEMONS[@]}"; do
		wait_for 10 test -S "$f/$d.sock" || fail "$d in $f did not start: $(tail -3 "$f/$d.log")"
	done
done
read_lab
# every daemon's command line, to start it again as meshlab did
for f in "$LABDIR"/nodes/*/; do
	n=${f%/} n=${n##*/}
	for d in "${DAEMONS[@]}"; do
		daemon_cmdline "$LAB" "$n" "$d"
		printf '%s\0' "${DAEMON_CMD[@]}" >"$TMP/cmd.$n:$d"
	done
done
say "soak: lab up in $(elapsed "$t_up")s: ${#MESH_LINKS[@]} mesh links, ${#CLIENT_LIST[@]} clients"
choose_pairs

# first convergence: up to 120 s for every probe to get all replies
t_conv=$EPOCHREALTIME
for ((i = 0; ; i++)); do
	measure
	[[ $DELIV_OK -eq $DELIV_ALL ]] && break
	awk -v a="$t_conv" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { exit !(b - a > 120) }' &&
		fail "the lab did not converge in 120 s: delivery $DELIV_PCT% ($DELIV_OK/$DELIV_ALL), lost:$DELIV_BAD"
	sleep 2
done
say "soak: converged after $(elapsed "$t_conv")s: delivery 100.0% ($DELIV_OK/$DELIV_ALL)"
T0=$(now_s)
sample 0 0
say "round 0 t=0s (baseline)"
resource_line 0

round=0 worst=100.0 rounds_short=0 last=0
# rounds while another fits in DURATION; the last one's quiet period is
# the 15 s of the final check, and its delivery the final delivery
while ((!last)); do
	round=$((round + 1))
	(($(now_s) - T0 + 2 * (CHURN_S + QUIET_S) + 10 > DURATION)) && last=1
	quiet=$QUIET_S
	((!last)) || quiet=15
	churn "$CHURN_S"
	t_calm=$(now_s)
	sleep "$quiet"
	measure
	t=$(($(now_s) - T0))
	check_alive
	sample "$round" "$t"
	final_ok=$DELIV_OK final_all=$DELIV_ALL final_pct=$DELIV_PCT
	say "round $round t=${t}s delivery $DELIV_PCT% ($DELIV_OK/$DELIV_ALL) ${quiet}s after the churn;" \
		"events: $EV_FLAP flaps, $EV_LOSS lossy, $EV_KILL kills${EV_WHAT:+ (${EV_WHAT# })}, $EV_MOVE moves"
	if [[ -n $DELIV_BAD ]]; then
		say "  lost:$DELIV_BAD"
		say "  the round's events:"
		printf '    %s\n' "${EV_LOG[@]}"
		# (the last round's: the final figure stands, this only says more)
		recovery
	fi
	resource_line "$round"
	[[ $final_ok -eq $final_all ]] || rounds_short=$((rounds_short + 1))
	worst=$(awk -v a="$worst" -v b="$final_pct" 'BEGIN { print (b < a ? b : a) }')
done
say "final: delivery $final_pct% ($final_ok/$final_all) 15s after the churn ended"
say "rounds: $round, $rounds_short short of 100 % (worst $worst%); daemons that died on their own: $DEATHS"

[[ -z $OUT ]] || cp "$SAMPLES" "$OUT"
trend_rc=0
python3 "$here/trend.py" "$SAMPLES" || trend_rc=$?

verdict=PASS
((final_ok == final_all)) || verdict=FAIL
((trend_rc == 0)) || verdict=FAIL
((DEATHS == 0)) || verdict=FAIL
say "soak $verdict: final delivery $final_pct%, $( ((trend_rc == 0)) && echo "0 growth trend" || echo "growth found"), $DEATHS unexpected deaths, seed $SEED"
[[ $verdict == PASS ]] || exit 1
