#!/usr/bin/env bash
# Benchmark of the layer cache with every image analyser: a second
# `customs scan image --scanners vuln,secret,malware,config` of the same
# image with a warm cache (the catalog's records and the analysers' blobs:
# no layer is opened) against the same scan with --no-cache (every layer
# read, catalogued, and walked by secret, malware and config). The same for
# the analysers alone (no catalog: the merged view's entry-only records).
# Checks that the warm report equals the uncached one (the timestamp
# aside); prints the median wall times and their ratio; measures, never
# asserts a speed.
#
#   bench/cache.sh BUILD [RUNS] [REF]
#   REF defaults to the bookworm fixture, oci:$CUSTOMS_FIXTURES/debian-bookworm.oci:bookworm
set -euo pipefail

build=$(cd "${1:?usage: bench/cache.sh BUILD [RUNS] [REF]}" && pwd)
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=${CUSTOMS_FIXTURES:-$here/../build/fixtures}
shared=${CUSTOMS_SHARED:-$here/../../shared/data}
ref=${3:-oci:$fixtures/debian-bookworm.oci:bookworm}
customs=$build/src/cli/customs

[ -x "$customs" ] || { echo "bench/cache.sh: no $customs" >&2; exit 2; }
[ -d "$shared/feeds/debian-tracker" ] || { echo "bench/cache.sh: no feeds under $shared (set CUSTOMS_SHARED)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/db.sqlite
"$customs" db build --from "$shared/feeds/debian-tracker" --db "$db" >/dev/null 2>&1 ||
	{ echo "bench/cache.sh: db build failed" >&2; exit 3; }
export SOURCE_DATE_EPOCH=1700000000

# median wall seconds of RUNS runs of a command (output discarded)
median() {
	local t=()
	for _ in $(seq "$runs"); do
		local s e
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || { echo "bench/cache.sh: failed: $*" >&2; exit 3; }
		e=$(date +%s.%N)
		t+=("$(echo "$e - $s" | bc -l)")
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

# one row: SCANNERS
row() {
	local scanners=$1 cache=$tmp/cache-${1//,/-} cold warm
	local scan=("$customs" scan image "$ref" --db "$db" --db-max-age 0 --scanners "$scanners" -f json)

	"${scan[@]}" --no-cache 2>/dev/null | grep -v '"generated"' >"$tmp/ref.json"
	"${scan[@]}" --cache-dir "$cache" >/dev/null 2>&1 # fill the cache
	"${scan[@]}" --cache-dir "$cache" 2>/dev/null | grep -v '"generated"' >"$tmp/warm.json"
	cmp -s "$tmp/ref.json" "$tmp/warm.json" ||
		{ echo "bench/cache.sh: the warm report differs from --no-cache ($scanners)" >&2; exit 3; }
	cold=$(median "${scan[@]}" --no-cache -o /dev/null)
	warm=$(median "${scan[@]}" --cache-dir "$cache" -o /dev/null)
	printf '%-28s %8.3f s %8.3f s %8.3f   (%s in the cache)\n' "$scanners" "$cold" "$warm" \
		"$(echo "$warm / $cold" | bc -l)" "$(du -sh "$cache" | cut -f1)"
}

printf 'image: %s, median of %s runs\n' "$ref" "$runs"
printf '%-28s %10s %10s %8s\n' scanners --no-cache warm warm/none
row vuln,secret,malware,config
row secret,malware,config
