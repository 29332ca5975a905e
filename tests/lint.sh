#!/usr/bin/env bash
# Mechanical style checks: formatting (clang-format) and banned functions
# (git's banned.h list, enforced by grep instead of macros).
set -uo pipefail
cd "${CUSTOMS_SRC:?}"
fail=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find src tests bench -name '*.[ch]')
if ! clang-format --dry-run --Werror $files 2>"${TMPDIR:-/tmp}/cs-format.$$"; then
	head -40 "${TMPDIR:-/tmp}/cs-format.$$"
	echo "FAIL - clang-format: run 'make format'"
	fail=1
else
	echo "ok - clang-format"
fi
rm -f "${TMPDIR:-/tmp}/cs-format.$$"
banned=$(grep -nE '\b(strcpy|strcat|strncpy|sprintf|vsprintf|gets|strtok|atoi|atol|atoll)\s*\(' $files |
	grep -v 'snprintf\|vsnprintf' || true)
if [ -n "$banned" ]; then
	echo "$banned"
	echo "FAIL - banned functions"
	fail=1
else
	echo "ok - no banned functions"
fi
exit $fail
