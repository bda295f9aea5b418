#!/bin/bash
# Makes tests/webui/node_modules (playwright-core, axe-core; versions
# pinned in package-lock.json) if it is missing or older than the lock
# file: `npm ci` from the npm registry. Exits 77 with the reason when that
# cannot be done (no npm, no registry), as a test that cannot run.
HERE=$(cd "$(dirname "$0")" && pwd)
mods=$HERE/node_modules
if [ -d "$mods/playwright-core" ] && [ -d "$mods/axe-core" ] &&
	[ "$mods/.package-lock.json" -nt "$HERE/package-lock.json" -o \
	  "$mods/.package-lock.json" -ef "$HERE/package-lock.json" ] 2>/dev/null; then
	exit 0
fi
command -v npm >/dev/null || { echo "SKIP: npm is not installed (apt-get install nodejs npm)"; exit 77; }
# one test at a time installs (meson may start two browser tests)
exec 9>"$HERE/.npm.lock"
flock 9
[ -d "$mods/playwright-core" ] && [ -d "$mods/axe-core" ] && exit 0
if ! (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >/tmp/webui-npm.log 2>&1); then
	echo "SKIP: npm ci in $HERE failed (no access to the npm registry?): $(tail -3 /tmp/webui-npm.log)"
	exit 77
fi
