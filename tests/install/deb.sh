#!/bin/bash
# The Debian package (issue 16): dpkg-buildpackage -us -uc -b on a copy of
# the source tree, lintian with no errors (its warnings printed), then
# dpkg -i: the softmesh user, the units, /etc/softmesh and the programs
# are there, the units are neither enabled nor started, a daemon accepts
# the installed examples; dpkg --purge takes it away again.
#   deb.sh SOURCE_DIR
set -euo pipefail
S=$1
say() { printf '[deb] %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
[[ $EUID -eq 0 ]] || { say "SKIP: needs root (dpkg -i)"; exit 77; }
for c in dpkg-buildpackage lintian dh; do
	command -v "$c" >/dev/null || { say "SKIP: no $c (apt-get install dpkg-dev lintian debhelper)"; exit 77; }
done
dpkg -s softmesh >/dev/null 2>&1 && fail "a softmesh package is installed already; this test would replace it"
T=$(mktemp -d)
trap 'dpkg --purge softmesh >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
mkdir "$T/src"
if git -C "$S" rev-parse >/dev/null 2>&1; then
	git -C "$S" ls-files -co --exclude-standard | grep -v '^build' | (cd "$S" && tar -cf - -T -) | tar -xf - -C "$T/src"
else
	tar -C "$S" --exclude='./build*' -cf - . | tar -xf - -C "$T/src"
fi
t0=$SECONDS
(cd "$T/src" && dpkg-buildpackage -us -uc -b >"$T/build.log" 2>&1) ||
	fail "dpkg-buildpackage: $(tail -20 "$T/build.log")"
deb=$(ls "$T"/softmesh_*.deb 2>/dev/null | head -1)
[[ -n $deb ]] || fail "no softmesh_*.deb: $(ls "$T")"
say "built $(basename "$deb") ($(du -k "$deb" | cut -f1) kB) in $((SECONDS - t0)) s"
dpkg-deb -f "$deb" Depends | say "Depends: $(cat)"
lintian --no-tag-display-limit "$deb" >"$T/lintian" 2>&1 || true
errs=$(grep -c '^E: ' "$T/lintian" || true)
warns=$(grep -c '^W: ' "$T/lintian" || true)
sed 's/^/    /' "$T/lintian" >&2
[[ $errs -eq 0 ]] || fail "lintian: $errs errors"
say "lintian: 0 errors, $warns warnings"
dpkg-deb -e "$deb" "$T/ctl"
grep -q 'systemd-sysusers.*softmesh.conf' "$T/ctl/postinst" || fail "postinst creates no user: $(cat "$T/ctl/postinst")"
had_user=$(id -u softmesh 2>/dev/null || true)
dpkg -i "$deb" >"$T/install.log" 2>&1 || fail "dpkg -i: $(tail -10 "$T/install.log")"
id softmesh >/dev/null 2>&1 || fail "installing made no softmesh user"
for f in /usr/sbin/l2meshd /usr/sbin/l3routed /usr/sbin/anycastd /usr/sbin/leasesyncd \
	/usr/sbin/webuid /usr/bin/meshctl /etc/softmesh/lime-community /etc/softmesh/lime-node \
	/lib/systemd/system/softmesh.target /lib/systemd/system/softmesh-l2meshd.service \
	/usr/share/man/man8/l2meshd.8.gz /usr/share/man/man5/softmesh.conf.5.gz; do
	[[ -e $f ]] || fail "$f is not installed"
done
[[ -d /var/lib/softmesh ]] || fail "no /var/lib/softmesh after install (tmpfiles)"
dpkg-query -W -f='${Conffiles}\n' softmesh | grep -q /etc/softmesh/lime-node || fail "/etc/softmesh/lime-node is no conffile"
/usr/sbin/l2meshd -n -c /etc/softmesh/lime-community -c /etc/softmesh/lime-node 2>"$T/n.err" ||
	fail "the installed l2meshd refuses the installed examples: $(cat "$T/n.err")"
say "installed: user softmesh (uid $(id -u softmesh)${had_user:+, there before}), units, /etc/softmesh (conffiles), man pages; l2meshd -n accepts the examples"
dpkg --purge softmesh >/dev/null 2>&1 || fail "dpkg --purge failed"
[[ ! -e /usr/sbin/l2meshd && ! -e /etc/softmesh/lime-node ]] || fail "purge left files behind"
say "purged"
say "ok"
