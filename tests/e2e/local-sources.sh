#!/usr/bin/env bash
# Local image sources end to end: docker-archive (single, multi-image,
# legacy), OCI layouts (gzip, zstd, hand-made whiteouts, nested indexes),
# oci-archive and dir:, checked against skopeo, tar and find.
. "$(dirname "$0")/lib.sh"

command -v skopeo >/dev/null || skip_all "skopeo is not installed"
fx=$CUSTOMS_FIXTURES
[ -d "$fx/multilayer.oci" ] || skip_all "fixtures missing: run tests/fixtures/build.sh $fx"

# inspect_json DESC REF [ARGS...]: inspect -f json into $T_TMP/i.json
inspect_json() {
	local desc=$1
	shift
	expect_ok "$desc" image inspect -f json "$@"
	printf '%s\n' "$OUT" >"$T_TMP/i.json"
}
ij() { json_get "$1" <"$T_TMP/i.json"; }

# ls_paths REF [ARGS...]: sorted paths of ls-files -f json (not the root)
ls_paths() {
	"$CUSTOMS" image ls-files -f json "$@" 2>"$T_TMP/ls.err" |
		python3 -c 'import json,sys; print("\n".join(sorted(e["path"].strip("/") for e in json.load(sys.stdin)["entries"] if e["path"].strip("/"))))'
}
# ls_types REF [ARGS...]: "TYPE PATH" lines
ls_types() {
	"$CUSTOMS" image ls-files -f json "$@" 2>"$T_TMP/ls.err" |
		python3 -c 'import json,sys; print("\n".join(sorted(e["type"]+" "+e["path"].strip("/")+" "+e["mode"] for e in json.load(sys.stdin)["entries"])))'
}

# skopeo's view of the same image
sk_digest() { echo "sha256:$(skopeo inspect --raw "$1" | sha256sum | cut -d' ' -f1)"; }
sk_raw() { skopeo inspect --raw "$1" | json_get "$2"; }
sk_config() { skopeo inspect --config --raw "$1" | json_get "$2"; }

# tar_count FILE: entries in a (possibly compressed) tar
tar_count() { tar -tf "$1" | grep -c ''; }

# check_oci DESC TRANSPORT:PATH[:TAG] LAYOUT_DIR: digests against skopeo, entries against tar
check_oci() {
	local desc=$1 ref=$2 layout=$3 n i want got
	inspect_json "$desc: inspect" "$ref"
	check "$desc: manifest digest equals skopeo's" test "$(ij 'd["manifestDigest"]')" = "$(sk_digest "$ref")"
	check "$desc: config digest equals skopeo's" test "$(ij 'd["configDigest"]')" = "$(sk_raw "$ref" 'd["config"]["digest"]')"
	n=$(sk_raw "$ref" 'len(d["layers"])')
	check "$desc: $n layers" test "$(ij 'len(d["layers"])')" = "$n"
	for ((i = 0; i < n; i++)); do
		want=$(sk_raw "$ref" "d[\"layers\"][$i][\"digest\"]")
		check "$desc: layer $i digest" test "$(ij "d[\"layers\"][$i][\"digest\"]")" = "$want"
		check "$desc: layer $i diff_id" test "$(ij "d[\"layers\"][$i][\"diffId\"]")" = "$(sk_config "$ref" "d[\"rootfs\"][\"diff_ids\"][$i]")"
		if [ -n "$layout" ]; then
			got=$(ij "d[\"layers\"][$i][\"entries\"]")
			check "$desc: layer $i has as many entries as tar lists" test "$got" = "$(tar_count "$layout/blobs/sha256/${want#sha256:}")"
		fi
	done
}

# --- OCI layouts and archives ---------------------------------------------
check_oci "alpine oci" "oci:$fx/alpine-3.20.oci:3.20" "$fx/alpine-3.20.oci"
check "alpine oci: gzip layer" test "$(ij 'd["layers"][0]["compression"]')" = gzip
check_oci "alpine oci zstd" "oci:$fx/alpine-3.20-zstd.oci:3.20" "$fx/alpine-3.20-zstd.oci"
check "alpine oci zstd: zstd layer" test "$(ij 'd["layers"][0]["compression"]')" = zstd
check_oci "alpine oci-archive" "oci-archive:$fx/alpine-3.20.oci.tar:3.20" ""
check_oci "debian oci" "oci:$fx/debian-bookworm.oci:bookworm" "$fx/debian-bookworm.oci"
check_oci "debian oci zstd" "oci:$fx/debian-bookworm-zstd.oci:bookworm" "$fx/debian-bookworm-zstd.oci"
check "debian zstd: zstd layer" test "$(ij 'd["layers"][0]["compression"]')" = zstd
check_oci "multilayer oci" "oci:$fx/multilayer.oci:latest" "$fx/multilayer.oci"
check_oci "hand-made oci" "oci:$fx/handmade.oci:v1" "$fx/handmade.oci"
check "hand-made: labels sorted" test "$(ij 'list(d["labels"].keys())')" = "['a', 'b']"
check "hand-made: exposed ports" test "$(ij 'd["exposedPorts"]')" = "['8080/tcp']"

# a layout with one image needs no tag
inspect_json "oci without a tag" "oci:$fx/alpine-3.20.oci"
check "oci without a tag: same config" test "$(ij 'd["configDigest"]')" = "$(sk_raw "oci:$fx/alpine-3.20.oci:3.20" 'd["config"]["digest"]')"
expect_error "oci: unknown tag lists the tags" 2 "no image tagged 'nope'.*tags: 3\.20" \
	image inspect "oci:$fx/alpine-3.20.oci:nope"
expect_error "oci-archive: unknown tag" 2 "no image tagged 'nope'" \
	image inspect "oci-archive:$fx/alpine-3.20.oci.tar:nope"
expect_error "oci: not a layout" 2 "not an OCI layout" image inspect "oci:$fx/alpine-3.20-rootfs"
expect_error "oci-archive: not a tar" 2 "oci archive" image inspect "oci-archive:$fx/handmade-rootfs.txt"

# nested index: index.json -> index -> index -> manifests per platform
inspect_json "nested index" "oci:$fx/nested.oci:nested" --platform linux/amd64
check "nested: an index digest is reported" test "$(ij 'd["indexDigest"] is not None')" = True
check "nested: amd64 picked" test "$(ij 'd["architecture"]')" = amd64
inspect_json "nested index, arm64" "oci:$fx/nested.oci:nested" --platform linux/arm64/v8
check "nested: arm64 picked" test "$(ij 'd["architecture"]')" = arm64
expect_error "nested: missing platform lists the available ones" 2 \
	"no image for platform 'linux/ppc64le'.*linux/arm64/v8, linux/amd64" \
	image inspect "oci:$fx/nested.oci:nested" --platform linux/ppc64le
check "nested: attestations are not offered" eval '! grep -q unknown <<<"$ERR"'

# --- whiteouts and opaque directories -------------------------------------
ls_paths "oci:$fx/handmade.oci:v1" >"$T_TMP/handmade.txt"
check "hand-made: merged view is exact" diff -u "$fx/handmade-rootfs.txt" "$T_TMP/handmade.txt"
ls_types "oci:$fx/handmade.oci:v1" --layer 1 >"$T_TMP/l1.txt"
check "hand-made layer 1: whiteout of etc/a.conf" grep -q '^whiteout etc/a.conf ' "$T_TMP/l1.txt"
check "hand-made layer 1: whiteout of gone" grep -q '^whiteout gone ' "$T_TMP/l1.txt"
check "hand-made layer 1: opaque dir" grep -q '^opaque dir ' "$T_TMP/l1.txt"
check "hand-made layer 1: setuid file" grep -Eq '^(reg|file|regular) bin/suid 4755' "$T_TMP/l1.txt"
ls_paths "oci:$fx/handmade.oci:v1" --layer 0 >"$T_TMP/l0.txt"
check "hand-made layer 0 still has the deleted files" grep -qx 'dir/sub/x' "$T_TMP/l0.txt"

for ref in "oci:$fx/multilayer.oci:latest" "docker-archive:$fx/multilayer.docker.tar" \
	"docker-archive:$fx/legacy.docker.tar"; do
	ls_paths "$ref" >"$T_TMP/merged.txt"
	check "$ref: files added on top are visible" grep -qx 'opt/app/data/b.txt' "$T_TMP/merged.txt"
	check "$ref: deleted base file is gone" eval '! grep -qx etc/motd "$T_TMP/merged.txt"'
	check "$ref: deleted upper file is gone" eval '! grep -qx opt/app/data/a.txt "$T_TMP/merged.txt"'
	check "$ref: replaced directory lost its old contents" eval '! grep -qx etc/ssl/openssl.cnf "$T_TMP/merged.txt"'
	check "$ref: replaced directory has the new file" grep -qx 'etc/ssl/README' "$T_TMP/merged.txt"
	check "$ref: file of a deleted directory is gone" eval '! grep -q "^etc/apk/protected_paths.d/" "$T_TMP/merged.txt"'
	ls_paths "$ref" --layer 0 >"$T_TMP/base.txt"
	check "$ref: layer 0 still has etc/motd" grep -qx 'etc/motd' "$T_TMP/base.txt"
	ls_types "$ref" >"$T_TMP/types.txt"
	check "$ref: setuid file" grep -Eq '^(reg|file|regular) usr/local/bin/suidbox 4755' "$T_TMP/types.txt"
	ls_types "$ref" --layer 2 >"$T_TMP/types.txt"
	check "$ref: layer 2 shows the whiteout" grep -q '^whiteout etc/motd ' "$T_TMP/types.txt"
done
cp "$T_TMP/merged.txt" "$T_TMP/legacy-merged.txt"
ls_paths "oci:$fx/multilayer.oci:latest" >"$T_TMP/oci-merged.txt"
check "legacy archive merges like the OCI copy" cmp -s "$T_TMP/legacy-merged.txt" "$T_TMP/oci-merged.txt"

# --- docker-archive -------------------------------------------------------
for name in alpine-3.20 multilayer debian-bookworm; do
	ref="docker-archive:$fx/$name.docker.tar"
	inspect_json "$name docker-archive" "$ref"
	check "$name docker-archive: config digest equals skopeo's" \
		test "$(ij 'd["configDigest"]')" = "$(sk_raw "$ref" 'd["config"]["digest"]')"
	n=$(sk_raw "$ref" 'len(d["layers"])')
	check "$name docker-archive: $n layers" test "$(ij 'len(d["layers"])')" = "$n"
	check "$name docker-archive: diff_ids equal skopeo's" \
		test "$(ij '[l["diffId"] for l in d["layers"]]')" = "$(sk_config "$ref" 'd["rootfs"]["diff_ids"]')"
	check "$name docker-archive: uncompressed layers" test "$(ij 'd["layers"][0]["compression"]')" = none
done
# the docker-archive and OCI copies of an image have the same files
ls_paths "docker-archive:$fx/alpine-3.20.docker.tar" >"$T_TMP/da.txt"
ls_paths "oci:$fx/alpine-3.20.oci:3.20" >"$T_TMP/oci.txt"
check "alpine: docker-archive and OCI list the same files" cmp -s "$T_TMP/da.txt" "$T_TMP/oci.txt"
check "alpine: ls-files count equals tar's" \
	test "$(grep -c '' "$T_TMP/oci.txt")" = "$(tar -tzf "$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz" | sed 's|^\./||; s|/$||' | grep -c .)"

inspect_json "named image in a docker-archive" "docker-archive:$fx/alpine-3.20.docker.tar:localhost/alpine:3.20"
expect_error "docker-archive: unknown name lists the images" 2 \
	"no image tagged 'localhost/alpine:9'.*localhost/alpine:3\.20" \
	image inspect "docker-archive:$fx/alpine-3.20.docker.tar:localhost/alpine:9"

# multi-image archives need a selection
multi=$fx/multi-image.docker.tar
expect_error "multi-image: a selection is required" 2 \
	"holds 2 images; choose one.*localhost/alpine:3\.20.*localhost/alpine:3\.18" \
	image inspect "docker-archive:$multi"
want318=$(sk_raw "oci:$fx/alpine-3.18.oci:3.18" 'd["config"]["digest"]')
want320=$(sk_raw "oci:$fx/alpine-3.20.oci:3.20" 'd["config"]["digest"]')
inspect_json "multi-image: by name" "docker-archive:$multi:localhost/alpine:3.18"
check "multi-image: by name picks 3.18" test "$(ij 'd["configDigest"]')" = "$want318"
inspect_json "multi-image: by index" "docker-archive:$multi:@0"
check "multi-image: @0 is 3.20" test "$(ij 'd["configDigest"]')" = "$want320"
expect_error "multi-image: index out of range" 2 "holds 2 images; there is no image @5" \
	image inspect "docker-archive:$multi:@5"

# legacy: only `repositories` and the v1 chain
inspect_json "legacy docker-archive" "docker-archive:$fx/legacy.docker.tar"
check "legacy: 5 layers from the parent chain" test "$(ij 'len(d["layers"])')" = 5
check "legacy: layer digests computed from the content" \
	test "$(ij 'd["layers"][0]["diffId"]')" = "$(sk_config "docker-archive:$fx/multilayer.docker.tar" 'd["rootfs"]["diff_ids"][0]')"
expect_error "docker-archive: missing file" 2 "/nonexistent.tar" image inspect docker-archive:/nonexistent.tar
expect_error "docker-archive: not an archive" 2 "docker archive" \
	image inspect "docker-archive:$fx/handmade-rootfs.txt"

# --- dir: -------------------------------------------------------------------
rootfs=$fx/alpine-3.20-rootfs
ls_paths "dir:$rootfs" >"$T_TMP/dir.txt"
(cd "$rootfs" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$T_TMP/find.txt"
check "dir: ls-files equals find" diff -u "$T_TMP/find.txt" "$T_TMP/dir.txt"
inspect_json "dir: inspect" "dir:$rootfs"
check "dir: one layer" test "$(ij 'len(d["layers"])')" = 1
expect_error "dir: not a directory" 2 "is not a directory" image inspect "dir:$fx/handmade-rootfs.txt"
expect_error "dir: missing" 2 "does not exist" image inspect "dir:$T_TMP/nope"


# --- hostile outer archives -------------------------------------------------
python3 - "$T_TMP" <<'EOF'
import io, json, sys, tarfile
d = sys.argv[1]
def mk(name, members):
    with tarfile.open(f"{d}/{name}.tar", "w") as t:
        for path, link, data in members:
            ti = tarfile.TarInfo(path)
            if link:
                ti.type, ti.linkname = tarfile.SYMTYPE, link
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
mf = lambda cfg: json.dumps([{"Config": cfg, "RepoTags": None, "Layers": []}]).encode()
mk("escape", [("../evil", None, b"x"), ("manifest.json", None, mf("c.json"))])
mk("cfg-escape", [("manifest.json", None, mf("../c.json"))])
mk("loop", [("manifest.json", None, mf("a")), ("a", "b", None), ("b", "a", None)])
mk("link-out", [("manifest.json", None, mf("a")), ("a", "../../../etc/passwd", None)])
EOF
expect_error "archive member climbing out is refused" 2 "path '\.\./evil' escapes the root" \
	image inspect "docker-archive:$T_TMP/escape.tar"
expect_error "Config climbing out is refused" 2 "'Config': path '\.\./c\.json' escapes" \
	image inspect "docker-archive:$T_TMP/cfg-escape.tar"
expect_error "symlink loops stop" 2 "more than [0-9]+ links followed" \
	image inspect "docker-archive:$T_TMP/loop.tar"
expect_error "symlinks stay inside the archive" 2 "'a' not found in docker archive" \
	image inspect "docker-archive:$T_TMP/link-out.tar"

finish
