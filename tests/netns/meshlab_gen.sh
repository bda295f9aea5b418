#!/bin/bash
# meshlab gen and check: no root needed (suite 'unit').
#   meshlab_gen.sh [MESHLAB]
set -e
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
lib_init "$@"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# gen_counts ARGS... -> "NODES LINKS" after checking names and duplicates
gen_counts() {
	"$MESHLAB" gen "$@" >"$TMP/t" || fail "gen $* failed"
	awk -v what="gen $*" '
		/^#/ || NF == 0 { next }
		$1 == "node" { if (length($2) > 8) { print what ": long name " $2; exit 1 } nodes[$2] = 1; n++; next }
		$1 == "link" {
			if (!($2 in nodes) || !($3 in nodes)) { print what ": link to unknown node: " $0; exit 1 }
			if ($2 == $3) { print what ": self link: " $0; exit 1 }
			k = ($2 < $3) ? $2 " " $3 : $3 " " $2
			if (k in seen) { print what ": duplicate link: " $0; exit 1 }
			seen[k] = 1; l++; next }
		{ print what ": unexpected line: " $0; exit 1 }
		END { print n + 0, l + 0 }' "$TMP/t" >"$TMP/out" || fail "$(cat "$TMP/out")"
	cat "$TMP/out"
}

pretty "line, ring, grid"
assert_eq "line 1" "1 0" "$(gen_counts line 1)"
assert_eq "line 5" "5 4" "$(gen_counts line 5)"
assert_eq "ring 2" "2 1" "$(gen_counts ring 2)"
assert_eq "ring 5" "5 5" "$(gen_counts ring 5)"
assert_eq "ring 100" "100 100" "$(gen_counts ring 100)"
assert_eq "grid 1x1" "1 0" "$(gen_counts grid 1x1)"
assert_eq "grid 3x2" "6 7" "$(gen_counts grid 3x2)"
assert_eq "grid 10x10" "100 180" "$(gen_counts grid 10x10)"
assert_eq "grid 20x5" "100 175" "$(gen_counts grid 20x5)"
"$MESHLAB" gen grid 3x2 | grep -qx 'link n2_3 n1_3\|link n1_3 n2_3' || fail "grid 3x2 lacks n1_3-n2_3"
"$MESHLAB" gen ring 5 | grep -qx 'link n5 n1' || fail "ring 5 is not closed"

pretty "random"
for seed in 1 2 3 42; do
	read -r n l <<<"$(gen_counts random 50 --degree 4 --seed "$seed")"
	assert_eq "random 50 nodes" 50 "$n"
	assert_eq "random 50 --degree 4 links" 100 "$l"
	comps=$(awk '$1 == "node" { p[$2] = $2 } $1 == "link" { e[++m] = $2 " " $3 }
		function f(x) { while (p[x] != x) x = p[x]; return x }
		END { for (i = 1; i <= m; i++) { split(e[i], v, " "); p[f(v[1])] = f(v[2]) }
		      for (x in p) if (f(x) == x) c++; print c }' "$TMP/t")
	assert_eq "components of random 50 seed $seed" 1 "$comps"
	cp "$TMP/t" "$TMP/seed$seed"
done
"$MESHLAB" gen random 50 --degree 4 --seed 3 | cmp -s - "$TMP/seed3" || fail "random is not deterministic"
if cmp -s "$TMP/seed1" "$TMP/seed2"; then fail "random ignores the seed"; fi
assert_eq "random 1" "1 0" "$(gen_counts random 1)"
assert_eq "random 4 --degree 9 (complete)" "4 6" "$(gen_counts random 4 --degree 9)"
assert_eq "random 10 --degree 0 (tree)" "10 9" "$(gen_counts random 10 --degree 0)"

pretty "bad arguments"
for args in "line 0" "ring x" "grid 10" "grid 0x3" "random 5 --seed x" "star 5"; do
	# shellcheck disable=SC2086
	if "$MESHLAB" gen $args >/dev/null 2>&1; then fail "gen $args succeeded"; fi
done

pretty "check"
"$MESHLAB" gen grid 10x10 >"$TMP/g.topo"
out=$("$MESHLAB" check "$TMP/g.topo")
[[ $out == *"100 nodes, 180 links"* ]] || fail "check: $out"
printf 'link a b\nlink b c rate fast\n' >"$TMP/bad.topo"
if out=$("$MESHLAB" check "$TMP/bad.topo" 2>&1); then fail "check accepted a bad rate"; fi
[[ $out == "$TMP/bad.topo:2: bad rate"* ]] || fail "check error: $out"
pretty "OK"
