#!/usr/bin/env bash
# Run every test in the normal build and again in the sanitizer build
# (unit tests, fuzz corpus replays, end-to-end tests, lint), then print one
# summary line: "N passed, N failed, N skipped".
set -uo pipefail

build=${1:-build}
asan=${2:-build-asan}
src=$(cd "$(dirname "$0")/.." && pwd)
export CUSTOMS_FIXTURES=${CUSTOMS_FIXTURES:-$src/$build/fixtures}

status=0
meson test -C "$build" --print-errorlogs --num-processes 2 || status=1
meson test -C "$asan" --print-errorlogs --num-processes 2 --no-suite lint || status=1

python3 - "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for path, tag in zip(sys.argv[1:], ("", " (asan)")):
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print(f"missing test log {path}")
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
            print(f"failed: {t.get('name')}{tag}: {r}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
[ $? -eq 0 ] || status=1
exit $status
