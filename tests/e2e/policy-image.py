#!/usr/bin/env python3
"""Copy a single-image OCI layout, changing its image config and annotations.

usage: policy-image.py SRC DST [--created TIME] [--user USER] [--label K=V]...
                               [--base-name NAME] [--add-layer TAR]
The layers stay the real ones (plus --add-layer, an uncompressed tar whose
diff_id is appended); the config and manifest are rewritten and their
digests recomputed. Used by tests/e2e/policy.sh and webhook.sh to make
images with known creation times, users, labels and base-image annotations.
"""
import argparse
import hashlib
import json
import os
import shutil

ap = argparse.ArgumentParser()
ap.add_argument("src")
ap.add_argument("dst")
ap.add_argument("--created")
ap.add_argument("--user")
ap.add_argument("--label", action="append", default=[])
ap.add_argument("--base-name")
ap.add_argument("--add-layer")
a = ap.parse_args()
shutil.copytree(a.src, a.dst)


def blob_path(digest):
    alg, hexd = digest.split(":")
    return os.path.join(a.dst, "blobs", alg, hexd)


def put(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob_path(digest), "wb") as f:
        f.write(data)
    return digest


index = json.load(open(os.path.join(a.dst, "index.json")))
desc = index["manifests"][0]
manifest = json.load(open(blob_path(desc["digest"])))
config = json.load(open(blob_path(manifest["config"]["digest"])))
cc = config.setdefault("config", {})
if a.created:
    config["created"] = a.created
if a.user is not None:
    cc["User"] = a.user
for kv in a.label:
    k, v = kv.split("=", 1)
    cc.setdefault("Labels", {})[k] = v
if a.base_name:
    manifest.setdefault("annotations", {})["org.opencontainers.image.base.name"] = a.base_name
if a.add_layer:
    data = open(a.add_layer, "rb").read()
    d = put(data)
    manifest["layers"].append({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                               "digest": d, "size": len(data)})
    config["rootfs"]["diff_ids"].append(d)
    config.setdefault("history", []).append({"created_by": "policy-image.py --add-layer"})
cdata = json.dumps(config).encode()
manifest["config"]["digest"] = put(cdata)
manifest["config"]["size"] = len(cdata)
mdata = json.dumps(manifest).encode()
desc["digest"] = put(mdata)
desc["size"] = len(mdata)
with open(os.path.join(a.dst, "index.json"), "w") as f:
    json.dump(index, f)
print(desc["digest"])
