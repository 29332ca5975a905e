#!/usr/bin/env bash
# make bench: time the layer walk (digest + decompression + tar + merged
# view) against the floor, `gzip -dc` over the same layer blobs (`cat` for
# uncompressed layers), measured side by side in this run.
#
#   bench/run.sh BUILD [RUNS]
#
# Inputs are built once and cached under BUILD/bench-cache:
#   bookworm        Debian bookworm minbase (mmdebstrap), one layer
#   big             bookworm + one layer of ~1.1 GiB (incompressible and
#                   compressible files)
# each as an OCI layout with gzip layers and one with uncompressed layers.
set -euo pipefail

build=${1:?usage: bench/run.sh BUILD [RUNS]}
runs=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
walk=$build/bench/bench-walk
cache=$build/bench-cache
mkdir -p "$cache"

[ -x "$walk" ] || ninja -C "$build" bench/bench-walk >/dev/null

pm() {
	podman --root "$cache/podman/root" --runroot "$cache/podman/run" --storage-driver vfs \
		--runtime runc --cgroup-manager cgroupfs "$@"
}

# oci_layouts NAME IMAGE: save IMAGE as NAME-gzip and NAME-plain OCI layouts
oci_layouts() {
	local name=$1 image=$2
	pm save -q --format oci-archive -o "$cache/$name.oci.tar" "$image" >/dev/null
	rm -rf "$cache/$name-gzip" "$cache/$name-plain"
	skopeo copy -q --dest-compress --dest-compress-format gzip \
		"oci-archive:$cache/$name.oci.tar" "oci:$cache/$name-gzip:latest"
	# skopeo 1.9's --dest-decompress leaves oci: layers compressed: decompress here
	decompress_layout "$cache/$name-gzip" "$cache/$name-plain"
	rm -f "$cache/$name.oci.tar"
}

# decompress_layout SRC DST: the same image with uncompressed layers
decompress_layout() {
	python3 - "$1" "$2" <<'PY'
import gzip, hashlib, json, os, shutil, sys
src, dst = sys.argv[1:3]
def path(d, dg): return os.path.join(d, "blobs", *dg.split(":", 1))
def put(b):
    dg = "sha256:" + hashlib.sha256(b).hexdigest()
    with open(path(dst, dg), "wb") as f: f.write(b)
    return dg
os.makedirs(os.path.join(dst, "blobs", "sha256"))
shutil.copy(os.path.join(src, "oci-layout"), dst)
idx = json.load(open(os.path.join(src, "index.json")))
m = json.load(open(path(src, idx["manifests"][0]["digest"])))
shutil.copy(path(src, m["config"]["digest"]), path(dst, m["config"]["digest"]))
for l in m["layers"]:
    h = hashlib.sha256(); n = 0
    tmp = os.path.join(dst, "layer.tmp")
    with gzip.open(path(src, l["digest"])) as fi, open(tmp, "wb") as fo:
        while True:
            b = fi.read(1 << 20)
            if not b: break
            h.update(b); n += len(b); fo.write(b)
    l["digest"] = "sha256:" + h.hexdigest(); l["size"] = n
    l["mediaType"] = "application/vnd.oci.image.layer.v1.tar"
    os.rename(tmp, path(dst, l["digest"]))
mb = json.dumps(m).encode()
idx["manifests"][0]["digest"] = put(mb); idx["manifests"][0]["size"] = len(mb)
json.dump(idx, open(os.path.join(dst, "index.json"), "w"))
PY
}

prepare() {
	if [ ! -s "$cache/bookworm.tar" ]; then
		echo "# building the bookworm minbase rootfs (mmdebstrap)" >&2
		mmdebstrap --quiet --variant=minbase bookworm "$cache/bookworm.part.tar" >&2
		mv "$cache/bookworm.part.tar" "$cache/bookworm.tar"
	fi
	if [ ! -f "$cache/bookworm-gzip/index.json" ] || [ ! -f "$cache/big-gzip/index.json" ]; then
		rm -rf "$cache/podman"
		echo "# importing into podman and writing OCI layouts (skopeo)" >&2
		pm import "$cache/bookworm.tar" localhost/bench/bookworm:latest >/dev/null
		oci_layouts bookworm localhost/bench/bookworm:latest

		echo "# generating a ~1.1 GiB layer" >&2
		local ctx=$cache/big-ctx
		rm -rf "$ctx"
		mkdir -p "$ctx/data/random" "$ctx/data/libs"
		# 448 MiB incompressible
		for i in $(seq 1 56); do
			head -c 8M /dev/urandom >"$ctx/data/random/blob$i.bin"
		done
		# ~650 MiB of real, compressible files: copies of the host's libraries
		local n=0 total=0 f
		while [ "$total" -lt $((650 << 20)) ]; do
			n=$((n + 1))
			mkdir -p "$ctx/data/libs/copy$n"
			while IFS= read -r f; do
				cp "$f" "$ctx/data/libs/copy$n/" 2>/dev/null || true
			done < <(find /usr/lib/x86_64-linux-gnu /usr/bin -maxdepth 1 -type f -size +64k \
				2>/dev/null | head -400)
			total=$(du -sb "$ctx/data/libs" | cut -f1)
		done
		printf 'FROM localhost/bench/bookworm:latest\nCOPY data/ /data/\n' >"$ctx/Containerfile"
		pm build -q --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
			-t localhost/bench/big:latest "$ctx" >/dev/null
		oci_layouts big localhost/bench/big:latest
		rm -rf "$ctx" "$cache/podman"
	fi
	for name in bookworm big; do
		if [ ! -f "$cache/$name-plain/index.json" ]; then
			rm -rf "$cache/$name-plain"
			decompress_layout "$cache/$name-gzip" "$cache/$name-plain"
		fi
	done
}

# layer blob paths of an OCI layout, bottom first
blobs() {
	python3 - "$1" <<'EOF'
import json, sys, os
d = sys.argv[1]
def blob(dg): return os.path.join(d, "blobs", *dg.split(":", 1))
idx = json.load(open(os.path.join(d, "index.json")))
m = json.load(open(blob(idx["manifests"][0]["digest"])))
for l in m["layers"]:
    print(blob(l["digest"]))
EOF
}

now() { date +%s.%N; }

# best of $runs wall-clock seconds of a command
best_time() {
	local best="" t0 t1 t
	for _ in $(seq 1 "$runs"); do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	printf '%.3f' "$best"
}

# best walk: prints "seconds maxrss_kib uncompressed entries" of the fastest run
best_walk() {
	local best="" line s
	for _ in $(seq 1 "$runs"); do
		line=$("$walk" "$1")
		s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$line")
		if [ -z "$best" ] || [ "$(echo "$s < ${best%% *}" | bc -l)" = 1 ]; then
			best="$s $(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' <<<"$line") $(sed -n 's/.*uncompressed=\([0-9]*\).*/\1/p' <<<"$line") $(sed -n 's/.*entries=\([0-9]*\).*/\1/p' <<<"$line")"
		fi
	done
	echo "$best"
}

gunzip_all() { for b in "$@"; do gzip -dc "$b"; done; }
cat_all() { for b in "$@"; do cat "$b"; done; }
sha_all() { openssl dgst -sha256 "$@"; }

prepare

printf '%-18s %-6s %9s %9s %8s %-9s %8s %8s %6s %8s\n' image layers "comp MiB" "tar MiB" entries baseline "base s" "walk s" ratio "rss MiB"
for img in bookworm big; do
	for kind in gzip-isal gzip-zlib plain; do
		dir=$cache/$img-${kind%%-*}
		mapfile -t bl < <(blobs "$dir")
		comp=$(du -cb "${bl[@]}" | tail -1 | cut -f1)
		cat_all "${bl[@]}" >/dev/null # warm the page cache
		if [ "$kind" = plain ]; then
			# nothing to inflate: the floor is the digest check every reader owes
			base="sha256"
			bt=$(best_time sha_all "${bl[@]}")
		else
			base="gzip -dc"
			bt=$(best_time gunzip_all "${bl[@]}")
		fi
		if [ "$kind" = gzip-zlib ]; then
			read -r wt rss unc entries < <(CUSTOMS_INFLATE=zlib best_walk "$dir")
		else
			read -r wt rss unc entries < <(best_walk "$dir")
		fi
		printf '%-18s %-6s %9.1f %9.1f %8s %-9s %8s %8.3f %6.2f %8.1f\n' \
			"$img/$kind" "${#bl[@]}" "$(echo "$comp / 1048576" | bc -l)" \
			"$(echo "$unc / 1048576" | bc -l)" "$entries" "$base" "$bt" "$wt" \
			"$(echo "$wt / $bt" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
	done
done
echo "# ratio = walk / baseline (best of $runs); walk = sha256 of blob + decompress +"
echo "# sha256 of tar (diff_id) + tar parse + merged view; target <= 1.2, rss <= 64 MiB"
echo "# (uncompressed layers: baseline openssl dgst -sha256 (SHA-NI), the digest check no reader may skip)"
echo
"$here/sbom.sh" "$build" "$runs"
echo
"$here/scan.sh" "$build" "$runs"
