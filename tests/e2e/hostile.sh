#!/usr/bin/env bash
# Hostile images end to end: OCI layouts built here whose layers try path
# traversal, hardlinks and symlinks out of the root, decompression bombs,
# truncation and wrong digests. Each must fail with exit 2 and one line
# naming the input and the layer (symlinks are only listed, never followed).
. "$(dirname "$0")/lib.sh"

W=$T_TMP/oci
mkdir -p "$W"

python3 - "$W" <<'EOF'
import gzip, hashlib, io, json, os, sys, tarfile, zlib

W = sys.argv[1]

def tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e["name"])
            data = e.get("data", b"")
            kind = e.get("type", "file")
            if kind == "file":
                ti.size = len(data)
            elif kind == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
            elif kind == "symlink":
                ti.type = tarfile.SYMTYPE
                ti.linkname = e["link"]
            elif kind == "hardlink":
                ti.type = tarfile.LNKTYPE
                ti.linkname = e["link"]
            t.addfile(ti, io.BytesIO(data) if kind == "file" else None)
    return b.getvalue()

def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()

def put(d, b):
    dg = sha(b)
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(d, "blobs", "sha256", dg[7:]), "wb") as f:
        f.write(b)
    return dg

def layout(name, layers):
    """layers: dicts with blob (bytes), diff_id, media_type, and optional
    'stored' (bytes written under the blob's digest instead of blob)."""
    d = os.path.join(W, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    descs = []
    for l in layers:
        dg = sha(l["blob"])
        stored = l.get("stored", l["blob"])
        os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(d, "blobs", "sha256", dg[7:]), "wb") as f:
            f.write(stored)
        descs.append({"mediaType": l["media_type"], "digest": dg, "size": len(l["blob"])})
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in layers]}}).encode()
    cdg = put(d, config)
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": cdg, "size": len(config)},
                           "layers": descs}).encode()
    mdg = put(d, manifest)
    with open(os.path.join(d, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdg,
            "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, f)

GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
TAR = "application/vnd.oci.image.layer.v1.tar"

def gz_layer(t):
    return {"blob": gzip.compress(t, 6), "diff_id": sha(t), "media_type": GZ}

def tar_layer(t):
    return {"blob": t, "diff_id": sha(t), "media_type": TAR}

base = tar([{"name": "etc", "type": "dir"},
            {"name": "etc/passwd", "data": b"root:x:0:0::/root:/bin/sh\n"},
            {"name": "etc/os-release", "data": b"ID=debian\nVERSION_ID=12\n"}])

layout("ok", [gz_layer(base)])
layout("traversal", [gz_layer(base), gz_layer(tar([{"name": "../../etc/x", "data": b"evil"}]))])
layout("hardlink", [gz_layer(base), gz_layer(tar([{"name": "innocent", "type": "hardlink",
                                                    "link": "../../../../etc/shadow"}]))])
layout("symlinks", [gz_layer(base), gz_layer(tar([
    {"name": "a", "type": "symlink", "link": "../../../../.."},
    {"name": "b", "type": "symlink", "link": "a/a/a/etc/shadow"},
    {"name": "c", "type": "symlink", "link": "/proc/self/root/etc/shadow"},
    {"name": "loop", "type": "symlink", "link": "loop"}]))])

# 1.5 GiB of zeros in one file, as 24 gzip members of 64 MiB
def bomb(level):
    chunk = 64 << 20
    size = 24 * chunk - 512
    hdr = tarfile.TarInfo("zeros")
    hdr.size = size
    h = hdr.tobuf(format=tarfile.USTAR_FORMAT)
    first = gzip.compress(h + bytes(chunk - len(h)), level)
    rest = gzip.compress(bytes(chunk), level)
    return {"blob": first + rest * 23, "diff_id": "sha256:" + "0" * 64, "media_type": GZ}

layout("bomb-fast", [bomb(1)])   # ratio ~230: caught by --max-layer-size / --max-ratio
layout("bomb-dense", [bomb(9)])  # ratio ~1030: caught by the default ratio limit

full = gz_layer(base)
cut = full["blob"][: len(full["blob"]) - 25]
layout("truncated", [{"blob": cut, "diff_id": full["diff_id"], "media_type": GZ}])

plain = tar_layer(base)
tampered = bytearray(plain["blob"])
i = tampered.find(b"root:x")
tampered[i] = ord("R")
layout("baddigest", [dict(plain, stored=bytes(tampered))])
layout("baddiffid", [dict(full, diff_id=sha(b"something else"))])
EOF
[ $? -eq 0 ] || { fail "generating hostile OCI layouts"; finish; }

L=$W
expect_ok "a clean layout lists" image ls-files "oci:$L/ok:latest"
check "the clean layout shows etc/passwd" grep -q "etc/passwd" <<<"$OUT"

expect_error "path traversal in a layer" 2 \
	"oci:.*/traversal.*layer 1.*'\.\./\.\./etc/x' escapes the root" \
	image ls-files "oci:$L/traversal:latest"
expect_error "hardlink out of the root" 2 \
	"oci:.*/hardlink.*layer 1.*hardlink 'innocent' -> '\.\./\.\./\.\./\.\./etc/shadow' escapes the root" \
	image ls-files "oci:$L/hardlink:latest"

# symlinks are listed as stored; nothing is followed on the host
expect_ok "escaping symlinks are only listed" image ls-files "oci:$L/symlinks:latest"
check "symlink targets listed verbatim" grep -q -- "a/a/a/etc/shadow" <<<"$OUT"
check "a self loop is listed" grep -q -- "loop" <<<"$OUT"
expect_ok "escaping symlinks with --all" image ls-files --all "oci:$L/symlinks:latest"

expect_error "gzip bomb over the layer size limit" 2 \
	"oci:.*/bomb-fast.*layer 0.*(layer size limit|larger than the limit)" \
	image ls-files --max-layer-size 1G "oci:$L/bomb-fast:latest"
expect_error "gzip bomb over the ratio limit" 2 \
	"oci:.*/bomb-fast.*layer 0.*decompression bomb" \
	image ls-files --max-ratio 100 "oci:$L/bomb-fast:latest"
expect_error "dense gzip bomb with default limits" 2 \
	"oci:.*/bomb-dense.*layer 0.*decompression bomb" \
	image ls-files "oci:$L/bomb-dense:latest"

expect_error "truncated gzip layer" 2 \
	"oci:.*/truncated.*layer 0.*truncated gzip stream" \
	image ls-files "oci:$L/truncated:latest"
expect_error "layer blob that does not match its digest" 2 \
	"oci:.*/baddigest.*(layer 0.*)?digest" \
	image ls-files "oci:$L/baddigest:latest"
expect_error "layer whose content does not match its diff_id" 2 \
	"oci:.*/baddiffid.*layer 0.*diff_id" \
	image ls-files "oci:$L/baddiffid:latest"

finish
