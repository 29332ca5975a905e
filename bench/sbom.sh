#!/usr/bin/env bash
# Benchmark of `customs sbom` on the bookworm image (bench/run.sh builds it
# into BUILD/bench-cache first):
#   sbom time / merged-view walk time (customs image ls-files) — target <= 1.1
#   sbom time / cdxgen (@cyclonedx/cdxgen from npm, a widely used generator)
#   peak RSS of each
# Each command runs RUNS times side by side; the median wall time counts.
#
#   bench/sbom.sh BUILD [RUNS]
set -euo pipefail

build=$(cd "${1:?usage: bench/sbom.sh BUILD [RUNS]}" && pwd)
runs=${2:-3}
customs=$build/src/cli/customs
cache=$build/bench-cache
image=$cache/bookworm-gzip
cdxgen_version=12.8.4

[ -f "$image/index.json" ] || { echo "bench/sbom.sh: run bench/run.sh first ($image missing)" >&2; exit 2; }

# cdxgen reads image archives: make an oci-archive of the same image once
if [ ! -s "$cache/bookworm.oci.tar" ]; then
	skopeo copy -q "oci:$image:latest" "oci-archive:$cache/bookworm.oci.tar:latest"
fi
cdxgen=
if command -v npm >/dev/null; then
	if [ ! -x "$cache/cdxgen/node_modules/.bin/cdxgen" ]; then
		mkdir -p "$cache/cdxgen"
		npm install --prefix "$cache/cdxgen" --no-audit --no-fund --loglevel=error \
			"@cyclonedx/cdxgen@$cdxgen_version" >/dev/null 2>&1 || true
	fi
	[ -x "$cache/cdxgen/node_modules/.bin/cdxgen" ] && cdxgen=$cache/cdxgen/node_modules/.bin/cdxgen
fi

# measure NAME CMD...: median wall seconds and max RSS (KiB) over $runs runs
measure() {
	local name=$1 i t r
	shift
	local times=() rss=0
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%e %M' -o "$cache/time.out" "$@" >/dev/null 2>"$cache/err.out" ||
			{ echo "bench: '$name' failed:" >&2; tail -3 "$cache/err.out" >&2; return 1; }
		read -r t r <"$cache/time.out"
		times+=("$t")
		[ "$r" -gt "$rss" ] && rss=$r
	done
	t=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf '%s %s %s\n' "$name" "$t" "$rss"
}

results=$cache/sbom-results
: >"$results"
measure walk "$customs" -q image ls-files "oci:$image:latest" >>"$results"
measure sbom "$customs" -q sbom -f cyclonedx "oci:$image:latest" >>"$results"
if [ -n "$cdxgen" ]; then
	measure cdxgen env CDXGEN_DEBUG_MODE=none "$cdxgen" -t docker "$cache/bookworm.oci.tar" \
		-o "$cache/cdxgen.json" >>"$results"
fi

pkgs=$("$customs" -q sbom -f json "oci:$image:latest" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["packages"]))')
python3 - "$results" "$pkgs" "$cdxgen_version" <<'PY'
import sys
rows = {l.split()[0]: (float(l.split()[1]), int(l.split()[2])) for l in open(sys.argv[1])}
walk, sbom = rows["walk"], rows["sbom"]
print(f"sbom of bookworm ({sys.argv[2]} packages)")
print(f"  merged-view walk        {walk[0]:6.2f} s   {walk[1] / 1024:6.1f} MiB")
print(f"  customs sbom            {sbom[0]:6.2f} s   {sbom[1] / 1024:6.1f} MiB")
print(f"  sbom / walk             {sbom[0] / max(walk[0], 0.001):6.2f}     (target <= 1.1)")
if "cdxgen" in rows:
    c = rows["cdxgen"]
    print(f"  cdxgen {sys.argv[3]:<16} {c[0]:6.2f} s   {c[1] / 1024:6.1f} MiB")
    print(f"  sbom / cdxgen           {sbom[0] / max(c[0], 0.001):6.3f}")
else:
    print("  cdxgen: not installable here (npm missing or offline); no comparison")
PY
