#!/usr/bin/env python3
"""Copy an OCI layout, changing the platform in its image config.

usage: relabel.py SRC DST ARCH [VARIANT]
Prints the new manifest's digest and size. Used to build multi-platform
indexes from single-platform fixtures.
"""
import hashlib
import json
import os
import shutil
import sys

src, dst, arch = sys.argv[1:4]
variant = sys.argv[4] if len(sys.argv) > 4 else None
shutil.copytree(src, dst)


def blob_path(digest):
    alg, hexd = digest.split(":")
    return os.path.join(dst, "blobs", alg, hexd)


def put(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob_path(digest), "wb") as f:
        f.write(data)
    return digest


index = json.load(open(os.path.join(dst, "index.json")))
desc = index["manifests"][0]
manifest = json.load(open(blob_path(desc["digest"])))
config = json.load(open(blob_path(manifest["config"]["digest"])))
config["architecture"] = arch
config.pop("variant", None)
if variant:
    config["variant"] = variant
cdata = json.dumps(config).encode()
manifest["config"]["digest"] = put(cdata)
manifest["config"]["size"] = len(cdata)
mdata = json.dumps(manifest).encode()
desc["digest"] = put(mdata)
desc["size"] = len(mdata)
with open(os.path.join(dst, "index.json"), "w") as f:
    json.dump(index, f)
print(desc["digest"], desc["size"])
