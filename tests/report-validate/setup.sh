#!/usr/bin/env bash
# Install the pinned report validation tools (package-lock.json) into
# tests/report-validate/node_modules with `npm ci`, once: a stamp holding the
# lock file's hash makes later runs a no-op. Install scripts are not run
# (only the schema file of the SARIF package is used). Quiet unless
# something fails.
set -euo pipefail

dir=$(cd "$(dirname "$0")" && pwd)
stamp=$dir/node_modules/.customs-installed
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)

[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
command -v npm >/dev/null || { echo "report-validate: npm is not installed (nodejs)" >&2; exit 1; }

exec 9>"$dir/.install.lock"
flock 9
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
log=$(mktemp)
if ! npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
echo "$want" >"$stamp"
