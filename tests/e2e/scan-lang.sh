#!/usr/bin/env bash
# customs scan of language packages against the real OSV and
# ruby-advisory-db feeds. The artefacts are the shared Go binary, Rust
# binary and Python metadata (shared/data/pkgdb/lang) plus the lock files of
# tests/data/lang-scan. The expected answer for OSV is computed here, from
# the feed files, by an independent evaluator (python3: semver for Go and
# crates.io, the packaging library's PEP 440 for PyPI).
. "$(dirname "$0")/lib.sh"

feeds=$CUSTOMS_SHARED/feeds
lang=$CUSTOMS_SHARED/pkgdb/lang
data=$CUSTOMS_SRC/tests/data/lang-scan
db=$T_TMP/db.sqlite
root=$T_TMP/root
site=$root/usr/lib/python3.11/site-packages

expect_ok "db build (osv, rubysec)" db build --from "$feeds/osv" --from "$feeds/rubysec" --db "$db"

mkdir -p "$root/usr/local/bin" "$root/app" "$site"
install -m 0755 "$lang/go/test.elf" "$root/usr/local/bin/gotest"
install -m 0755 "$lang/rust/cargo-auditable-test.elf" "$root/usr/local/bin/rusttest"
for m in asyncssh-2.14.2 networkx-3.0 zipp-3.12.1; do
	mkdir -p "$site/$m.dist-info"
	cp "$lang/python/$m.METADATA" "$site/$m.dist-info/METADATA"
done
mkdir -p "$site/setuptools-51.3.3-py3.8.egg-info" "$site/redis-4.5.0.dist-info"
cp "$lang/python/setuptools-51.3.3-py3.8.egg-info.PKG-INFO" "$site/setuptools-51.3.3-py3.8.egg-info/PKG-INFO"
cp "$data/redis-4.5.0.METADATA" "$site/redis-4.5.0.dist-info/METADATA"
cp "$data/Cargo.lock" "$data/Gemfile.lock" "$root/app/"

expect_ok "scan rootfs" scan rootfs -f json --db "$db" --db-max-age 0 "$root"
printf '%s' "$OUT" >"$T_TMP/scan.json"
expect_ok "sbom of the rootfs" sbom -f json "dir:$root"
printf '%s' "$OUT" >"$T_TMP/sbom.json"
json_get '[p["type"] for p in d["packages"]]' <"$T_TMP/sbom.json" >"$T_TMP/types"
for t in golang cargo pypi gem; do
	check "the catalog has $t packages" grep -q "'$t'" "$T_TMP/types"
done

# expected: every non-withdrawn OSV record whose ECOSYSTEM/SEMVER ranges or
# versions list contain a catalogued package's version
/usr/bin/python3 - "$feeds/osv" "$T_TMP/sbom.json" "$T_TMP/scan.json" >"$T_TMP/oracle" <<'PY'
import json, os, re, sys
import yaml
from packaging.version import Version, InvalidVersion

osv_dir = sys.argv[1]
sbom, scan = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
eco_of = {"golang": "Go", "cargo": "crates.io", "pypi": "PyPI"}

def semver_key(v):
    v = v[1:] if v.startswith("v") else v
    core, _, pre = v.split("+", 1)[0].partition("-")
    nums = [int(x) for x in core.split(".")] + [0, 0]
    if not pre:
        return (nums[:3], 1, [])
    return (nums[:3], 0, [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")])

def key(eco, v):
    return Version(v) if eco == "PyPI" else semver_key(v)

def norm(eco, name):
    return re.sub(r"[-_.]+", "-", name).lower() if eco == "PyPI" else name

def affected(eco, a, version):
    plain = version[1:] if eco == "Go" and version.startswith("v") else version
    if plain in [str(x) for x in a.get("versions") or []]:
        return True
    try:
        v = key(eco, plain)
    except (InvalidVersion, ValueError):
        return False
    for r in a.get("ranges") or []:
        if r["type"] not in ("ECOSYSTEM", "SEMVER"):
            continue
        inside = False
        for ev in r["events"]:
            if "introduced" in ev:
                i = str(ev["introduced"])
                inside = inside or i == "0" or key(eco, i) <= v
            elif "fixed" in ev and inside and v >= key(eco, str(ev["fixed"])):
                inside = False
            elif "last_affected" in ev and inside and v > key(eco, str(ev["last_affected"])):
                inside = False
        if inside:
            return True
    return False

index = {}
withdrawn = set()
for eco in eco_of.values():
    for dirpath, _, files in os.walk(os.path.join(osv_dir, eco)):
        for fn in files:
            p = os.path.join(dirpath, fn)
            d = json.load(open(p)) if fn.endswith(".json") else yaml.safe_load(open(p))
            if d.get("withdrawn"):
                withdrawn.add(d["id"])
                continue
            for a in d.get("affected") or []:
                if a["package"]["ecosystem"] == eco:
                    index.setdefault((eco, norm(eco, a["package"]["name"])), []).append((d["id"], a))

want = set()
for p in sbom["packages"]:
    eco = eco_of.get(p["type"])
    if not eco or not p.get("version"):
        continue
    for vid, a in index.get((eco, norm(eco, p["name"])), []):
        if affected(eco, a, p["version"]):
            want.add((p["type"], p["name"], p["version"], vid))

got, bad = set(), []
for f in scan["findings"]:
    pk = f["package"]
    if pk["type"] not in eco_of:
        continue
    ids = {f["id"], *(f.get("aliases") or [])}
    hit = {w for w in want if w[:3] == (pk["type"], pk["name"], pk["version"]) and w[3] in ids}
    if not hit:
        bad.append(f"{pk['name']} {pk['version']} {f['id']}")
    if ids & withdrawn:
        bad.append(f"withdrawn {ids & withdrawn}")
    got |= hit
missing = sorted(" ".join(w) for w in want - got)
print(f"want {len(want)} missing {len(missing)} unexpected {len(bad)}")
for m in missing[:10] + bad[:10]:
    print(" ", m)
PY
check "OSV: every expected finding and nothing else ($(head -1 "$T_TMP/oracle"))" \
	grep -Eq '^want [1-9][0-9]* missing 0 unexpected 0$' "$T_TMP/oracle"
[ "$T_FAIL" = 0 ] || cat "$T_TMP/oracle"

# named cases, each from its feed file
has() { json_get "any(f['package']['name'] == '$1' and '$2' in [f['id']] + (f['aliases'] or []) for f in d['findings'])" <"$T_TMP/scan.json"; }
check "crates: smallvec 1.6.0 has RUSTSEC-2021-0003 (fixed 1.6.1)" test "$(has smallvec RUSTSEC-2021-0003)" = True
check "crates: the withdrawn RUSTSEC-2025-0007 is not reported for ring" test "$(has ring RUSTSEC-2025-0007)" = False
check "crates: the withdrawn RUSTSEC-2020-0053 is not reported for dirs" test "$(has dirs RUSTSEC-2020-0053)" = False
check "pypi: setuptools 51.3.3 has PYSEC-2022-43012 (fixed 65.5.1)" test "$(has setuptools PYSEC-2022-43012)" = True
check "pypi: asyncssh 2.14.2 is past every fix (2.14.1 and older)" \
	test "$(json_get "sum(f['package']['name'] == 'asyncssh' for f in d['findings'])" <"$T_TMP/scan.json")" = 0
check "pypi: the withdrawn PYSEC-2023-73 is not reported for redis" test "$(has redis PYSEC-2023-73)" = False
check "other ecosystem: the crate named setuptools matches nothing" \
	test "$(json_get "sum(f['package']['name'] == 'setuptools' and f['package']['type'] == 'cargo' for f in d['findings'])" <"$T_TMP/scan.json")" = 0
check "go: stdlib 1.15.2 has GO-2021-0240 (fixed 1.15.13)" test "$(has stdlib GO-2021-0240)" = True
check "go: stdlib 1.15.2 is outside GO-2021-0067 (introduced 1.16.0-0)" test "$(has stdlib GO-2021-0067)" = False
check "ruby: rack 2.2.3 has CVE-2022-30122 (gems/rack/CVE-2022-30122.yml: patched >= 2.2.3.1)" \
	test "$(has rack CVE-2022-30122)" = True
check "ruby: rake 13.0.6 is past CVE-2020-8130 (patched >= 12.3.3)" test "$(has rake CVE-2020-8130)" = False

# scan fs: the same packages and findings, and secrets by default (the
# secret is made here, at run time)
python3 -c 'import random, string; r = random.Random(7); print("aws_secret_access_key = " + "".join(r.choice(string.ascii_letters + string.digits) for _ in range(40)))' >"$root/app/config.ini"
expect_ok "scan fs" scan fs -f json --db "$db" --db-max-age 0 "$root"
printf '%s' "$OUT" >"$T_TMP/fs.json"
ids() { json_get 'sorted((f["package"]["name"], f["id"]) for f in d["findings"])' <"$1"; }
check "scan fs: the same findings as scan rootfs" test "$(ids "$T_TMP/fs.json")" = "$(ids "$T_TMP/scan.json")"
check "scan fs: the planted AWS secret is reported" \
	test "$(json_get '[i["ruleId"] for i in d["issues"] if i["path"] == "app/config.ini"]' <"$T_TMP/fs.json")" = "['aws-secret-access-key']"
check "scan fs: the secret itself is not in the report" \
	test -z "$(grep -F "$(cut -d' ' -f3 "$root/app/config.ini")" "$T_TMP/fs.json")"

finish
