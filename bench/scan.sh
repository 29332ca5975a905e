#!/usr/bin/env bash
# Benchmark of `customs scan image` (bench/run.sh builds the bookworm image
# into BUILD/bench-cache first; this script adds an image with thousands of
# npm packages on top of it):
#   db build time over every shared feed, and the DB size
#   scan time / catalog-only time (`customs sbom`) — target <= 1.2
#   matching throughput: packages per second of `scan sbom` (SBOM in, no layers)
#   peak RSS of each
# Each command runs RUNS times side by side; the median wall time counts.
# The layer cache is off (--no-cache) so both sides read every layer; a
# last column shows the scan again with a warm layer cache.
#
#   bench/scan.sh BUILD [RUNS]
set -euo pipefail

build=$(cd "${1:?usage: bench/scan.sh BUILD [RUNS]}" && pwd)
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
CUSTOMS_SHARED_DIR=${CUSTOMS_SHARED:-$here/../../shared/data}
feeds=$CUSTOMS_SHARED_DIR/feeds
customs=$build/src/cli/customs
cache=$build/bench-cache
db=$cache/all-feeds.sqlite

[ -f "$cache/bookworm-gzip/index.json" ] ||
	{ echo "bench/scan.sh: run bench/run.sh first ($cache/bookworm-gzip missing)" >&2; exit 2; }
[ -d "$feeds" ] || { echo "bench/scan.sh: no feeds at $feeds (set CUSTOMS_SHARED)" >&2; exit 2; }

nocache=--no-cache
warm="--cache-dir $cache/layer-cache"
rm -rf "$cache/layer-cache"

pm() {
	podman --root "$cache/podman/root" --runroot "$cache/podman/run" --storage-driver vfs \
		--runtime runc --cgroup-manager cgroupfs "$@"
}

# an image with thousands of npm packages: bookworm + one node_modules layer
if [ ! -f "$cache/npm-gzip/index.json" ]; then
	echo "# installing npm packages and building the npm image" >&2
	ctx=$cache/npm-ctx
	rm -rf "$ctx" "$cache/podman"
	mkdir -p "$ctx/app"
	cat >"$ctx/app/package.json" <<'JSON'
{
  "name": "bench-app",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "react-scripts": "5.0.1",
    "gatsby": "5.13.7",
    "@angular/cli": "17.3.8",
    "eslint": "8.57.0",
    "jest": "29.7.0"
  }
}
JSON
	npm install --prefix "$ctx/app" --ignore-scripts --no-audit --no-fund --loglevel=error \
		--legacy-peer-deps >/dev/null
	pm import "$cache/bookworm.tar" localhost/bench/bookworm:latest >/dev/null
	printf 'FROM localhost/bench/bookworm:latest\nCOPY app/ /app/\n' >"$ctx/Containerfile"
	pm build -q --ulimit nofile=4096:4096 --ulimit nproc=1024:1024 \
		-t localhost/bench/npm:latest "$ctx" >/dev/null
	pm save -q --format oci-archive -o "$cache/npm.oci.tar" localhost/bench/npm:latest >/dev/null
	rm -rf "$cache/npm-gzip"
	skopeo copy -q --dest-compress --dest-compress-format gzip \
		"oci-archive:$cache/npm.oci.tar" "oci:$cache/npm-gzip:latest"
	rm -rf "$ctx" "$cache/podman" "$cache/npm.oci.tar"
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

# a root filesystem holding only the shared Debian 12 dpkg status of
# 2025-05-20 (460 source packages): the images above are current and have
# few or no findings, this one has many
status=$CUSTOMS_SHARED_DIR/pkgdb/dpkg/host-bookworm-20250520.status
rootfs=$cache/host-status-root
mkdir -p "$rootfs/var/lib/dpkg" "$rootfs/etc"
cp "$status" "$rootfs/var/lib/dpkg/status"
printf 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$rootfs/etc/os-release"

results=$cache/scan-results
: >"$results"
measure dbbuild "$customs" -q db build --from "$feeds" --db "$db" >>"$results"
echo "dbsize $(stat -c %s "$db") 0" >>"$results"
for img in bookworm npm host-status; do
	if [ "$img" = host-status ]; then
		ref="dir:$rootfs" kind=rootfs target=$rootfs
	else
		ref="oci:$cache/$img-gzip:latest" kind=image target=$ref
	fi
	"$customs" -q sbom -f cyclonedx $nocache "$ref" >"$cache/$img.cdx.json"
	"$customs" -q scan "$kind" -f json --db "$db" --db-max-age 0 $nocache "$target" >"$cache/$img.scan.json"
	measure "$img-sbom" "$customs" -q sbom -f json $nocache "$ref" >>"$results"
	measure "$img-scan" "$customs" -q scan "$kind" -f json --db "$db" --db-max-age 0 $nocache "$target" >>"$results"
	"$customs" -q scan "$kind" -f json --db "$db" --db-max-age 0 $warm "$target" >/dev/null
	measure "$img-warm" "$customs" -q scan "$kind" -f json --db "$db" --db-max-age 0 $warm "$target" >>"$results"
	measure "$img-match" "$customs" -q scan sbom -f json --db "$db" --db-max-age 0 "$cache/$img.cdx.json" >>"$results"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2] + "-counts", d["target"]["packages"], len(d["findings"]))' \
		"$cache/$img.scan.json" "$img" >>"$results"
done

python3 - "$results" <<'PY'
import sys
rows = {}
for l in open(sys.argv[1]):
    k, a, b = l.split()
    rows[k] = (float(a), int(b))
print(f"db build over every shared feed  {rows['dbbuild'][0]:6.2f} s  {rows['dbbuild'][1] / 1024:6.1f} MiB"
      f"   db size {rows['dbsize'][0] / 1048576:.1f} MiB")
print(f"{'image':11} {'packages':>8} {'findings':>8} {'sbom s':>7} {'scan s':>7} {'ratio':>6} "
      f"{'match s':>8} {'pkg/s':>8} {'find/s':>8} {'scan MiB':>9} {'warm s':>7}")
for img in ("bookworm", "npm", "host-status"):
    pk, fi = rows[img + "-counts"]
    sb, sc, m, w = rows[img + "-sbom"], rows[img + "-scan"], rows[img + "-match"], rows[img + "-warm"]
    print(f"{img:11} {int(pk):8} {fi:8} {sb[0]:7.2f} {sc[0]:7.2f} {sc[0] / max(sb[0], 0.001):6.2f} "
          f"{m[0]:8.2f} {pk / max(m[0], 0.001):8.0f} {fi / max(m[0], 0.001):8.0f} {sc[1] / 1024:9.1f} {w[0]:7.2f}")
print("# ratio = scan image / sbom (catalog only), target <= 1.2; match = scan sbom of the")
print("# image's CycloneDX SBOM (SBOM parse + matching, no layers); warm = scan with the")
print("# layer cache filled by an earlier scan (sbom and scan run with --no-cache); medians")
PY
