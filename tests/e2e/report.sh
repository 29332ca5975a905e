#!/usr/bin/env bash
# customs scan in every report format, checked by tools customs did not
# write: SARIF against the official SARIF 2.1.0 schema and GitHub's upload
# rules (tests/report-validate), CycloneDX against the official 1.6 schema
# (tests/sbom-validate), JUnit with python3's xml.etree, HTML with python3's
# html.parser and headless Chromium when it is installed. Every format must
# hold what `-f json` holds, with and without suppressed findings. A hostile
# SBOM and a hostile advisory (tests/data/report/) put markup, quotes and
# javascript: links in every field a report shows; the unit test's
# documents (every field, VEX suppressions) go through the same validators.
. "$(dirname "$0")/lib.sh"

feeds=$CUSTOMS_SHARED/feeds
data=$CUSTOMS_TESTDATA/report
db=$T_TMP/db.sqlite
out=$T_TMP/out
mkdir -p "$out"
alpine20=$(fixture alpine-3.20.oci)
ref="oci:$alpine20:3.20"
tests_dir=$(cd "$PWD/.." && pwd)

for v in report-validate sbom-validate; do
	if ! "$CUSTOMS_SRC/tests/$v/setup.sh"; then
		fail "npm ci of tests/$v"
		finish
	fi
done
sarif_validate() { node "$CUSTOMS_SRC/tests/report-validate/validate-sarif.js" "$@"; }
cdx_validate() { node "$CUSTOMS_SRC/tests/sbom-validate/validate.js" "$@"; }

# validated DESC VALIDATOR FILE...: the validator must accept the files
validated() {
	local desc=$1 v=$2 o
	shift 2
	if o=$($v "$@" 2>&1); then pass "$desc"; else fail "$desc: $o"; fi
}

# pycheck DESC SCRIPT ARGS...: a python3 check that prints "ok" or why not
pycheck() {
	local desc=$1 script=$2 o
	shift 2
	o=$(python3 -c "$script" "$@" 2>&1)
	if [ "$o" = ok ]; then pass "$desc"; else fail "$desc: $o"; fi
}

sarif_check='
import json, sys
s = json.load(open(sys.argv[1])); j = json.load(open(sys.argv[2]))
run = s["runs"][0]
res = run["results"]; fs = j["findings"] + j["suppressed"]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
loc = lambda r: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
got = sorted((r["ruleId"], r["properties"]["packageName"], loc(r)) for r in res)
want = sorted((f["id"], f["package"]["name"], f["package"]["path"]) for f in fs)
sup = sorted((r["ruleId"], r["properties"]["packageName"], r["suppressions"][0]["kind"],
              r["suppressions"][0]["justification"]) for r in res if r.get("suppressions"))
wsup = sorted((f["id"], f["package"]["name"], "external", f["suppressedBy"] + ": " + f["justification"])
              for f in j["suppressed"])
if got != want: print("results", got, "!= findings", want)
elif sorted(rules) != sorted({f["id"] for f in fs}): print("rules", rules)
elif sup != wsup: print("suppressions", sup, "!=", wsup)
elif run["tool"]["driver"]["version"] != sys.argv[3].split()[-1]: print("version", run["tool"]["driver"]["version"])
else: print("ok")
'

cdx_check='
import json, sys
c = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2])); j = json.load(open(sys.argv[3]))
refs = [x["bom-ref"] for x in c["components"]] + [c["metadata"]["component"]["bom-ref"]]
vulns = c.get("vulnerabilities", [])
allrefs = refs + [v["bom-ref"] for v in vulns]
fs = j["findings"] + j["suppressed"]
comp = {x["bom-ref"]: x for x in c["components"]}
aff = lambda v: comp[v["affects"][0]["ref"]]
got = sorted((v["id"], aff(v)["name"], v["affects"][0]["versions"][0]["version"]) for v in vulns)
want = sorted((f["id"], f["package"]["name"], f["package"]["version"]) for f in fs)
sup = sorted((v["id"], aff(v)["name"]) for v in vulns if v.get("analysis", {}).get("state") == "not_affected")
wsup = sorted((f["id"], f["package"]["name"]) for f in j["suppressed"])
if c["components"] != s["components"]: print("components differ from customs sbom -f cyclonedx")
elif c["dependencies"] != s["dependencies"]: print("dependencies differ")
elif len(allrefs) != len(set(allrefs)): print("duplicate bom-refs")
elif any(a["ref"] not in refs for v in vulns for a in v["affects"]): print("affects names no component")
elif got != want: print(got, "!=", want)
elif sup != wsup: print("analysis", sup, "!=", wsup)
elif c["serialNumber"] == s["serialNumber"]: print("same serial number as the SBOM")
else: print("ok")
'

junit_check='
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot(); j = json.load(open(sys.argv[2]))
n, s = len(j["findings"]), len(j["suppressed"])
suites = root.findall("testsuite"); cases = root.findall("testsuite/testcase")
def num(e, k): return int(e.get(k))
bad = []
if root.tag != "testsuites": bad.append("root " + root.tag)
if (num(root, "tests"), num(root, "failures"), num(root, "skipped"), num(root, "errors")) != (n + s, n, s, 0):
    bad.append("testsuites counts " + str(root.attrib))
for st in suites:
    c = st.findall("testcase")
    f = sum(1 for x in c if x.find("failure") is not None); k = sum(1 for x in c if x.find("skipped") is not None)
    if (num(st, "tests"), num(st, "failures"), num(st, "skipped")) != (len(c), f, k): bad.append("suite " + st.get("name"))
if sum(num(st, "tests") for st in suites) != n + s: bad.append("suites do not add up")
got = sorted((x.get("classname"), x.get("name")) for x in cases)
want = sorted((f["package"]["name"] + "@" + f["package"]["version"], f["id"]) for f in j["findings"] + j["suppressed"])
if got != want: bad.append(f"{got} != {want}")
skipped = sorted((x.get("name"), x.find("skipped").get("message")) for x in cases if x.find("skipped") is not None)
if skipped != sorted((f["id"], f["justification"]) for f in j["suppressed"]): bad.append(f"skipped {skipped}")
names = [st.get("name") for st in suites]
if any(f["package"]["type"] in ("apk", "deb", "rpm") for f in j["findings"]) and names[:1] != ["OS packages"]:
    bad.append("sections " + str(names))
print("; ".join(bad) or "ok")
'

html_check='
import json, sys, re
from html.parser import HTMLParser
doc = open(sys.argv[1], encoding="utf-8").read(); j = json.load(open(sys.argv[2]))
hostile = sys.argv[3:]
class P(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True); s.text = []; s.scripts = 0; s.bad = []; s.stack = []
    def handle_starttag(s, tag, attrs):
        s.stack.append(tag); a = dict(attrs)
        if tag == "script":
            s.scripts += 1
            if "src" in a: s.bad.append("script src")
        if tag in ("link", "img", "iframe", "object", "embed", "frame", "base", "form", "svg", "audio", "video", "source"):
            s.bad.append("tag " + tag)
        for k, v in attrs:
            if k.startswith("on"): s.bad.append("event handler " + k)
            if k in ("src", "srcset", "action", "formaction", "background", "poster", "xlink:href"): s.bad.append("attribute " + k)
            if k == "href" and (tag != "a" or not re.match(r"https?://[^\s]+$", v or "")): s.bad.append("href " + str(v))
            if k == "style": s.bad.append("style attribute")
            if v and "javascript:" in v.lower(): s.bad.append("javascript: in " + k)
    def handle_endtag(s, tag):
        if s.stack and s.stack[-1] == tag: s.stack.pop()
    def handle_data(s, d):
        if not (s.stack and s.stack[-1] in ("script", "style")): s.text.append(d)
p = P(); p.feed(doc); p.close()
text = "".join(p.text)
n = j["count"]
bad = list(p.bad)
if p.scripts != 1: bad.append(f"{p.scripts} scripts")
if "@import" in doc or "url(" in doc: bad.append("external resource in the style")
want = f"{n} vulnerabilit" + ("y" if n == 1 else "ies")
if want not in text: bad.append("no " + want)
for f in j["findings"] + j["suppressed"]:
    if f["id"] not in text or f["package"]["name"] not in text: bad.append("missing " + f["id"])
for f in j["suppressed"]:
    if f["justification"] not in text or f["suppressedBy"] not in text: bad.append("no why for " + f["id"])
if j["suppressed"] and "Suppressed (%d)" % len(j["suppressed"]) not in text: bad.append("no suppressed section")
for h in hostile:
    if h not in text: bad.append("hostile text not shown as text: " + h)
print("; ".join(bad) or "ok")
'

# chromium_check DESC HTML COUNT: headless Chromium runs the page: its own
# script ran, nothing was blocked by its policy, nothing injected ran
chromium_check() {
	local desc=$1 page=$2 n=$3 dom=$T_TMP/dom.html
	if ! [ -x /usr/bin/chromium ]; then
		echo "note: /usr/bin/chromium missing, $desc not rendered" >&2
		return
	fi
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T_TMP/chromium" --enable-logging=stderr --v=0 \
		--dump-dom "file://$page" >"$dom" 2>"$T_TMP/chromium.log"
	pycheck "$desc" '
import sys
from html.parser import HTMLParser
doc = open(sys.argv[1], encoding="utf-8").read(); n = int(sys.argv[2])
log = open(sys.argv[3], errors="replace").read()
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.bad = []; s.intitle = False; s.title = ""; s.total = None; s.intotal = False
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if "data-pwned" in a: s.bad.append("injected code ran")
        if a.get("id") == "q" and "hidden" in a: s.bad.append("the page script did not run")
        s.intitle = tag == "title"; s.intotal = a.get("id") == "total"
    def handle_data(s, d):
        if s.intitle: s.title += d
        if s.intotal: s.total = d; s.intotal = False
p = P(); p.feed(doc)
want = f"{n} vulnerabilit" + ("y" if n == 1 else "ies")
csp = [l for l in log.splitlines() if "Content Security Policy" in l]
if not doc.strip(): print("no DOM")
elif p.bad: print(p.bad)
elif csp: print("the page tried what its policy blocks:", csp[:2])
elif "pwned" in p.title: print("injected code set the title:", p.title)
elif p.total != want: print("count shown:", p.total, "want", want)
else: print("ok")
' "$dom" "$n" "$T_TMP/chromium.log"
}

# scan_all NAME ARGS...: the image in every format, into $out/NAME.FORMAT
scan_all() {
	local name=$1 fmt
	shift
	for fmt in json table sarif cyclonedx junit html; do
		expect_ok "$name: scan -f $fmt" scan image -f "$fmt" -o "$out/$name.$fmt" --db "$db" \
			--db-max-age 0 "$@" "$ref"
	done
}

# check_all NAME: every format of $out/NAME against its JSON report
check_all() {
	local name=$1
	validated "$name: SARIF: official 2.1.0 schema and GitHub's rules" sarif_validate \
		"$out/$name.sarif"
	pycheck "$name: SARIF: one result per finding, one rule per id, the declaring file" \
		"$sarif_check" "$out/$name.sarif" "$out/$name.json" "$("$CUSTOMS" --version)"
	validated "$name: CycloneDX: official 1.6 schema, purls, refs" cdx_validate \
		"$out/$name.cyclonedx"
	pycheck "$name: CycloneDX: the SBOM's components, a vulnerability per finding" \
		"$cdx_check" "$out/$name.cyclonedx" "$out/sbom.json" "$out/$name.json"
	pycheck "$name: JUnit: well-formed, counts equal the JSON report's" "$junit_check" \
		"$out/$name.junit" "$out/$name.json"
	pycheck "$name: HTML: self-contained, every finding shown" "$html_check" \
		"$out/$name.html" "$out/$name.json"
	chromium_check "$name: HTML: Chromium renders the count" "$out/$name.html" \
		"$(json_get "d['count']" <"$out/$name.json")"
}

expect_ok "db build (alpine secdb, KEV)" db build --from "$feeds/alpine-secdb" \
	--from "$feeds/kev" --db "$db"
"$CUSTOMS" -q sbom -f cyclonedx -o "$out/sbom.json" "$ref"

# --- every format on a real image ---------------------------------------
scan_all a20
count=$(json_get "d['count']" <"$out/a20.json")
check "the JSON report has findings to compare ($count)" test "$count" -gt 0
check_all a20
"$CUSTOMS" scan image -f sarif -o "$out/again.sarif" --db "$db" --db-max-age 0 "$ref" 2>/dev/null
pycheck "SARIF: fingerprints are the same on a second scan" '
import json, sys
fp = lambda p: sorted(r["partialFingerprints"]["customsFindingHash/v1"] for r in json.load(open(p))["runs"][0]["results"])
a, b = fp(sys.argv[1]), fp(sys.argv[2])
print("ok" if a == b and len(set(a)) == len(a) else f"{a} != {b}")
' "$out/a20.sarif" "$out/again.sarif"

# the same with a finding suppressed by an ignore file (docs/SUPPRESSION.md)
printf '%s\n' 'vulnerabilities:' '  - id: CVE-2024-9143' '    package: libssl3' \
	'    reason: "TLS here uses no GF(2^m) curves"' >"$T_TMP/ignore.yaml"
scan_all a20s --ignorefile "$T_TMP/ignore.yaml"
nsup=$(json_get "len(d['suppressed'])" <"$out/a20s.json")
check "an ignore file moved one finding to the suppressed list ($nsup)" test "$nsup" = 1
check_all a20s

# --- -o replaces the file atomically --------------------------------------
echo old >"$out/atomic.html"
before=$(stat -c %i "$out/atomic.html")
expect_ok "scan -o over an existing file" scan image -f html -o "$out/atomic.html" --db "$db" \
	--db-max-age 0 "$ref"
check "-o renamed a new file into place" test "$(stat -c %i "$out/atomic.html")" != "$before"
check "-o left no temporary file" test -z "$(ls "$out" | grep '\.tmp\.')"
check "-o wrote the whole report" grep -q '</html>' "$out/atomic.html"
echo old >"$out/atomic.sarif"
# a write that fails half-way (file size limit): the old file stays, nothing is left behind
(
	trap '' XFSZ
	ulimit -f 2
	"$CUSTOMS" scan image -f sarif -o "$out/atomic.sarif" --db "$db" --db-max-age 0 "$ref"
) >/dev/null 2>"$T_TMP/xfsz.err"
rc=$?
check "a failed write exits non-zero with one line ($rc: $(cat "$T_TMP/xfsz.err"))" \
	test "$rc" -ne 0 -a "$(grep -c '' "$T_TMP/xfsz.err")" -eq 1
check "a failed write leaves the old file" test "$(cat "$out/atomic.sarif")" = old
check "a failed write leaves no temporary file" test -z "$(ls "$out" | grep '\.tmp\.')"
expect_error "unknown format" 2 "unknown format 'xml'" scan image -f xml --db "$db" "$ref"

# --- hostile input: markup everywhere a report shows text -----------------
hdb=$T_TMP/hostile.sqlite
expect_ok "db build with a hostile advisory" db build --from "$feeds/alpine-secdb" \
	--from "$data/osv" --db "$hdb"
for fmt in json sarif cyclonedx junit html; do
	expect_ok "hostile scan -f $fmt" scan sbom -f "$fmt" -o "$out/h.$fmt" --db "$hdb" \
		--db-max-age 0 "$data/hostile.cdx.json"
done
hcount=$(json_get "d['count']" <"$out/h.json")
check "hostile: the SBOM and the advisory both match ($hcount)" test "$hcount" = 2
title=$(json_get "[f['title'] for f in d['findings'] if f['package']['name']=='hostile-pkg'][0]" <"$out/h.json")
name=$(json_get "[f['package']['name'] for f in d['findings'] if f['id']=='CVE-2024-9143'][0]" <"$out/h.json")
vid=$(json_get "[f['id'] for f in d['findings'] if f['package']['name']=='hostile-pkg'][0]" <"$out/h.json")
warn=$(json_get "d['warnings'][0]" <"$out/h.json")
check "hostile: the title carries markup" grep -q '<script>' <<<"$title"
validated "hostile SARIF: schema and GitHub's rules" sarif_validate "$out/h.sarif"
validated "hostile CycloneDX: schema" cdx_validate "$out/h.cyclonedx"
pycheck "hostile JSON formats carry the strings unchanged, no javascript: link" '
import json, sys
s = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[2])); name, vid = sys.argv[3], sys.argv[4]
rules = s["runs"][0]["tool"]["driver"]["rules"]
msgs = [r["message"]["text"] for r in s["runs"][0]["results"]]
bad = []
if not any(name.replace("[", "\\[") in m for m in msgs): bad.append("package name not in a SARIF message")
if vid not in [r["id"] for r in rules]: bad.append("id not a SARIF rule")
if any("javascript:" in json.dumps(r.get("helpUri", "")) for r in rules): bad.append("javascript: helpUri")
if any("<script>" in r["help"]["markdown"] for r in rules): bad.append("markup in help markdown")
if vid not in [v["id"] for v in c["vulnerabilities"]]: bad.append("id not a CycloneDX vulnerability")
if "javascript:" in json.dumps(c.get("vulnerabilities")): bad.append("javascript: in CycloneDX")
print("; ".join(bad) or "ok")
' "$out/h.sarif" "$out/h.cyclonedx" "$name" "$vid"
pycheck "hostile JUnit: well-formed, counts, the strings as text" "$junit_check" "$out/h.junit" "$out/h.json"
pycheck "hostile JUnit: the title comes back as text" '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
msgs = [f.get("message") for f in r.iter("failure")]
print("ok" if any(sys.argv[2] in m for m in msgs) and not list(r.iter("script")) else msgs)
' "$out/h.junit" "$title"
pycheck "hostile HTML: nothing but text, only safe links" "$html_check" "$out/h.html" "$out/h.json" \
	"$title" "$name" "$vid" "$warn"
chromium_check "hostile HTML: Chromium runs none of it" "$out/h.html" "$hcount"

# --- the unit test's documents: suppressed findings, every field ---------
docs=$T_TMP/docs
mkdir -p "$docs"
if [ -x "$tests_dir/test-report" ] &&
	CUSTOMS_REPORT_OUT=$docs "$tests_dir/test-report" >"$T_TMP/test-report.log" 2>&1; then
	validated "unit test SARIF (suppressions, hostile strings)" sarif_validate \
		"$docs/sample.sarif" "$docs/hostile.sarif"
	validated "unit test CycloneDX (analysis of suppressed findings)" cdx_validate \
		"$docs/sample.cyclonedx"
else
	fail "test-report: $(tail -20 "$T_TMP/test-report.log" 2>/dev/null)"
fi

# the validators can fail
python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); d["runs"][0]["results"][0]["level"] = "fatal"
d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "file:///etc/passwd"
json.dump(d, open(sys.argv[2], "w"))' "$out/a20.sarif" "$T_TMP/broken.sarif"
check "the SARIF validator rejects a broken log" eval '! sarif_validate "$T_TMP/broken.sarif" >/dev/null'
python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); d["vulnerabilities"][0]["ratings"][0]["severity"] = "dire"
json.dump(d, open(sys.argv[2], "w"))' "$out/a20.cyclonedx" "$T_TMP/broken.cdx.json"
check "the CycloneDX validator rejects a broken document" eval '! cdx_validate "$T_TMP/broken.cdx.json" >/dev/null'

finish
