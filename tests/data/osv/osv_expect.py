#!/usr/bin/env python3
# Independent expectation for test-osv: what the OSV importer must write for
# a feed (a directory of OSV JSON/YAML files, or a zip export), computed
# with python's json, PyYAML (BaseLoader: every scalar a string, as OSV's
# YAML means them) and zipfile -- none of customs' code.
#
# Usage: osv_expect.py rows|vulns|aliases|counts PATH
# Rows follow the OSV spec: withdrawn advisories affect nothing; each
# ECOSYSTEM/SEMVER range is one event list; GIT ranges name commits, so an
# entry's exact `versions` are used when it has GIT ranges or no version
# range at all. Lines are tab-separated, sorted and unique.
import json, os, re, sys, zipfile
import yaml

ECO = {"PyPI": "pypi", "npm": "npm", "Go": "go", "crates.io": "crates.io",
       "RubyGems": "rubygems", "Maven": "maven", "Packagist": "packagist",
       "NuGet": "nuget"}


def load(name, data):
    if name.endswith((".yaml", ".yml")):
        return yaml.load(data, Loader=yaml.BaseLoader)
    return json.loads(data)


def docs(path):
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                if f.startswith(".") or not f.endswith((".json", ".yaml", ".yml")):
                    continue
                with open(os.path.join(root, f), "rb") as fh:
                    yield load(f, fh.read())
    elif path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if n.endswith((".json", ".yaml", ".yml")):
                    try:
                        yield load(n, z.read(n))
                    except ValueError:
                        pass  # a broken member is one bad record
    else:
        with open(path, "rb") as fh:
            yield load(path, fh.read())


def dumps(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def rows(d):
    if d.get("withdrawn"):
        return
    for a in d.get("affected") or []:
        eco = a["package"]["ecosystem"]
        ns = ECO.get(eco)
        if ns is None:
            continue
        name = a["package"]["name"]
        if ns == "pypi":
            name = re.sub(r"[-_.]+", "-", name).lower()
        ranges = a.get("ranges") or []
        usable = [r for r in ranges if r["type"] in ("ECOSYSTEM", "SEMVER") and r.get("events")]
        has_git = any(r["type"] == "GIT" for r in ranges)
        allfixed = []
        for r in usable:
            events = [{k: v} for e in r["events"] for k, v in e.items()]
            fixed = [v for e in r["events"] for k, v in e.items() if k == "fixed"]
            allfixed += fixed
            yield (ns, name, d["id"], "osv:" + eco.split(":")[0], dumps(events), ", ".join(fixed),
                   "fixed" if fixed else "affected")
        versions = a.get("versions") or []
        if versions and (has_git or not usable):
            yield (ns, name, d["id"], "osv:" + eco.split(":")[0], dumps([{"versions": versions}]),
                   ", ".join(allfixed), "fixed" if allfixed else "affected")


def main():
    mode, path = sys.argv[1], sys.argv[2]
    out = set()
    counts = {}
    for d in docs(path):
        if not isinstance(d, dict) or not isinstance(d.get("id"), str):
            continue
        if mode == "rows" or mode == "counts":
            for r in rows(d):
                out.add("\t".join(r))
        elif mode == "vulns":
            v3 = [s["score"] for s in d.get("severity") or [] if s["type"] == "CVSS_V3"]
            out.add("\t".join((d["id"], d.get("withdrawn") or "", v3[0] if v3 else "")))
        elif mode == "aliases":
            for a in d.get("aliases") or []:
                if a != d["id"]:
                    out.add(d["id"] + "\t" + a)
                    out.add(a + "\t" + d["id"])
    if mode == "counts":
        for line in out:
            ns = line.split("\t")[0]
            counts[ns] = counts.get(ns, 0) + 1
        out = {"%s\t%d" % kv for kv in counts.items()}
    for line in sorted(out):
        print(line)


main()
