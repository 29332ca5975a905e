#!/usr/bin/env python3
# Independent expectation for test-osv: what the ruby-advisory-db importer
# must write for a gems/ tree, computed with PyYAML (BaseLoader: every
# scalar a string) -- none of customs' code. The ranges encoding is the one
# documented in src/vulndb/imp_rubysec.c:
#   [{"gem_patched":[...],"gem_unaffected":[...]}]
#
# Usage: rubysec_expect.py rows|vulns|aliases GEMS_DIR
import json, os, sys
import yaml


def dumps(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def listof(v):
    if v is None:
        return []
    return [v] if isinstance(v, str) else list(v)


def main():
    mode, top = sys.argv[1], sys.argv[2]
    out = set()
    for gem in sorted(os.listdir(top)):
        gdir = os.path.join(top, gem)
        if gem.startswith(".") or not os.path.isdir(gdir):
            continue
        for f in sorted(os.listdir(gdir)):
            if f.startswith(".") or not f.endswith(".yml"):
                continue
            with open(os.path.join(gdir, f), "rb") as fh:
                d = yaml.load(fh, Loader=yaml.BaseLoader)
            cve = d.get("cve")
            ghsa = d.get("ghsa")
            osvdb = d.get("osvdb")
            fileid = f[:-4]
            cve = cve and ("CVE-" + cve.removeprefix("CVE-"))
            ghsa = ghsa and ("GHSA-" + ghsa.removeprefix("GHSA-"))
            osvdb = osvdb and ("OSVDB-" + osvdb.removeprefix("OSVDB-"))
            vid = cve or ghsa or fileid
            patched = listof(d.get("patched_versions"))
            unaffected = listof(d.get("unaffected_versions"))
            if mode == "rows":
                out.add("\t".join(("rubygems", d["gem"], vid, "rubysec",
                                   dumps([{"gem_patched": patched, "gem_unaffected": unaffected}]),
                                   "; ".join(patched), "fixed" if patched else "affected")))
            elif mode == "vulns":
                v3 = d.get("cvss_v3")
                out.add("\t".join((vid, d.get("title") or "", "%.1f" % float(v3) if v3 else "")))
            elif mode == "aliases":
                for a in (ghsa, fileid, osvdb):
                    if a and a != vid:
                        out.add(vid + "\t" + a)
                        out.add(a + "\t" + vid)
    for line in sorted(out):
        print(line)


main()
