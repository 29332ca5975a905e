#!/usr/bin/env bash
# Benchmark of `customs lint dockerfile`: 1,000 Dockerfiles generated from
# tests/data/dockerfile (each test file with a numbered comment, ARG and RUN
# added so no two are alike), linted
#   - in one process (every file in one report), RUNS times, median wall time
#   - one process per file (what a pre-commit hook or a CI step per file costs)
# and the floor: `cat` of the same files, measured in the same run.
# No hadolint is packaged for Debian or npm, so there is no external baseline;
# the script prints files/s and the ratio to the floor.
#
#   bench/dockerfile.sh BUILD [RUNS] [N]
set -euo pipefail

build=$(cd "${1:?usage: bench/dockerfile.sh BUILD [RUNS] [N]}" && pwd)
runs=${2:-5}
n=${3:-1000}
here=$(cd "$(dirname "$0")" && pwd)
customs=$build/src/cli/customs
data=$here/../tests/data/dockerfile
work=$(mktemp -d "${TMPDIR:-/tmp}/customs-bench-df.XXXXXX")
trap 'rm -rf "$work"' EXIT

mapfile -t src < <(grep -L '^# expect-error:' "$data"/*.Dockerfile | sort)
for ((i = 0; i < n; i++)); do
	f=${src[$((i % ${#src[@]}))]}
	{
		cat "$f"
		printf '\n# generated %d\nARG BENCH_%d=%d\nRUN echo "%d" > /tmp/bench-%d\n' "$i" "$i" "$i" "$i" "$i"
	} >"$work/$i.Dockerfile"
done
files=("$work"/*.Dockerfile)
bytes=$(cat "${files[@]}" | wc -c)

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # timeit CMD...: wall seconds of one run
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1 || true
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}

one=$(for ((r = 0; r < runs; r++)); do timeit "$customs" lint dockerfile -f json "${files[@]}"; done | median)
floor=$(for ((r = 0; r < runs; r++)); do timeit cat "${files[@]}"; done | median)
per=$(timeit bash -c 'for f in "$@"; do "'"$customs"'" lint dockerfile -f json "$f"; done' _ "${files[@]}")
issues=$("$customs" lint dockerfile -f json "${files[@]}" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["issues"]))')

printf '%d Dockerfiles, %d bytes, %s issues; median of %d runs\n' "$n" "$bytes" "$issues" "$runs"
printf 'one process:        %8.3f s  %10.0f files/s\n' "$one" "$(echo "$n / $one" | bc -l)"
printf 'process per file:   %8.3f s  %10.0f files/s\n' "$per" "$(echo "$n / $per" | bc -l)"
printf 'floor (cat):        %8.3f s\n' "$floor"
printf 'one process / floor: %.1f\n' "$(echo "$one / $floor" | bc -l)"
