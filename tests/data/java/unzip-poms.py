#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent listing of the Maven packages in a Java archive, for
test-java: Info-ZIP's unzip lists and extracts every
META-INF/maven/G/A/pom.properties, recursing into nested archives (at most
8 levels, as customs). Prints "path<TAB>groupId<TAB>artifactId<TAB>version".
Usage: unzip-poms.py ARCHIVE LABEL
"""
import os
import subprocess
import sys
import tempfile

EXTS = (".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", ".nar", ".kar")


def props(text):
    d = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        k, _, v = line.partition("=")
        d[k.strip()] = v.strip()
    return d


def walk(path, label, depth, tmp):
    r = subprocess.run(["unzip", "-Z1", path], capture_output=True)
    if r.returncode != 0:
        return  # unreadable: customs warns and goes on
    names = r.stdout.decode().splitlines()
    for n in names:
        parts = n.split("/")
        if len(parts) == 5 and parts[:2] == ["META-INF", "maven"] and parts[4] == "pom.properties":
            out = subprocess.run(["unzip", "-p", path, n], capture_output=True, check=True)
            d = props(out.stdout.decode())
            print("%s\t%s\t%s\t%s" % (label, d.get("groupId", ""), d["artifactId"], d.get("version", "")))
    if depth + 1 >= 8:
        return
    for n in names:
        if n.lower().endswith(EXTS):
            inner = os.path.join(tmp, "%d.zip" % depth)
            with open(inner, "wb") as f:
                subprocess.run(["unzip", "-p", path, n], stdout=f)
            walk(inner, label + "!" + n, depth + 1, tmp)


with tempfile.TemporaryDirectory() as tmp:
    walk(sys.argv[1], sys.argv[2], 0, tmp)
