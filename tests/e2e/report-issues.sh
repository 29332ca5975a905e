#!/usr/bin/env bash
# Issues (secrets, malware, configuration, Dockerfile) in every report
# format, checked by tools customs did not write. tests/unit/test-report
# writes its fixtures' reports (CUSTOMS_REPORT_OUT): a scan with findings and
# issues of every kind (suppressed ones, a setting without a path, a deleted
# file), the same with hostile strings, and a Dockerfile lint without a
# catalog, findings or image. SARIF goes through the official 2.1.0 schema
# and GitHub's upload rules (tests/report-validate), JUnit through python3's
# xml.etree, HTML through python3's html.parser, and each must hold what the
# JSON report holds.
. "$(dirname "$0")/lib.sh"

docs=$T_TMP/docs
mkdir -p "$docs"
tests_dir=$(cd "$PWD/.." && pwd)
names="issues issues-hostile lint lint-hostile nothing"

if ! "$CUSTOMS_SRC/tests/report-validate/setup.sh"; then
	fail "npm ci of tests/report-validate"
	finish
fi
sarif_validate() { node "$CUSTOMS_SRC/tests/report-validate/validate-sarif.js" "$@"; }

# pycheck DESC SCRIPT ARGS...: a python3 check that prints "ok" or why not
pycheck() {
	local desc=$1 script=$2 o
	shift 2
	o=$(python3 -c "$script" "$@" 2>&1)
	if [ "$o" = ok ]; then pass "$desc"; else fail "$desc: $o"; fi
}

if ! [ -x "$tests_dir/test-report" ] ||
	! CUSTOMS_REPORT_OUT=$docs "$tests_dir/test-report" >"$T_TMP/test-report.log" 2>&1; then
	fail "test-report: $(tail -20 "$T_TMP/test-report.log" 2>/dev/null)"
	finish
fi
for n in $names; do
	for fmt in json table sarif cyclonedx junit html; do
		check "$n.$fmt written" test -s "$docs/$n.$fmt"
	done
done

# --- SARIF ----------------------------------------------------------------
for n in $names; do
	if o=$(sarif_validate "$docs/$n.sarif" 2>&1); then
		pass "$n: SARIF: official 2.1.0 schema and GitHub's rules"
	else
		fail "$n: SARIF: $o"
	fi
done
sarif_check='
import json, sys, urllib.parse
s = json.load(open(sys.argv[1])); j = json.load(open(sys.argv[2]))
run = s["runs"][0]; rules = run["tool"]["driver"]["rules"]
res = [r for r in run["results"] if "issueKind" in r.get("properties", {})]
iss = j["issues"] + j["suppressedIssues"]
bad = []
key = lambda k, r: k + "/" + r
got = sorted((r["ruleId"], r["properties"].get("path") or r["properties"].get("where")) for r in res)
want = sorted((key(i["kind"], i["ruleId"]), i["path"] or i["where"]) for i in iss)
if got != want: bad.append(f"results {got} != issues {want}")
if sorted({r["id"] for r in rules if "/" in r["id"]}) != sorted({key(i["kind"], i["ruleId"]) for i in iss}):
    bad.append("one rule per kind and rule id")
for r in res:
    i = [x for x in iss if key(x["kind"], x["ruleId"]) == r["ruleId"]][0]
    loc = r["locations"][0]["physicalLocation"]
    uri = urllib.parse.unquote(loc["artifactLocation"]["uri"])
    if i["path"] and uri != i["path"].lstrip("/").removeprefix("./"): bad.append("uri " + uri + " for " + i["path"])
    if not i["path"] and uri != j["target"]["name"].lstrip("/").removeprefix("./"): bad.append(f"uri {uri} for a setting")
    if i["line"] and loc["region"]["startLine"] != i["line"]: bad.append("startLine")
    if i["column"] and loc["region"].get("startColumn") != i["column"]: bad.append("startColumn")
    if not i["column"] and "startColumn" in loc["region"]: bad.append("an unknown column written")
    if bool(r.get("suppressions")) != ("suppressedBy" in i): bad.append("suppression of " + r["ruleId"])
    if i["excerpt"] and i["excerpt"].replace("[", "\\[").replace("]", "\\]") not in r["message"]["text"]: bad.append("no evidence in " + r["ruleId"])
print("; ".join(bad) or "ok")
'
for n in $names; do
	pycheck "$n: SARIF: one result per issue at its file and line, rules per kind" \
		"$sarif_check" "$docs/$n.sarif" "$docs/$n.json"
done

# --- JUnit ----------------------------------------------------------------
junit_check='
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot(); j = json.load(open(sys.argv[2]))
n = len(j["findings"]) + len(j["issues"]); s = len(j["suppressed"]) + len(j["suppressedIssues"])
num = lambda e, k: int(e.get(k))
bad = []
if (num(root, "tests"), num(root, "failures"), num(root, "skipped"), num(root, "errors")) != (n + s, n, s, 0):
    bad.append("testsuites counts " + str(root.attrib))
for st in root.findall("testsuite"):
    c = st.findall("testcase")
    f = sum(1 for x in c if x.find("failure") is not None); k = sum(1 for x in c if x.find("skipped") is not None)
    if (num(st, "tests"), num(st, "failures"), num(st, "skipped")) != (len(c), f, k): bad.append("suite " + st.get("name"))
titles = {"secret": "Secrets", "malware": "Malware", "config": "Configuration", "dockerfile": "Dockerfile"}
for kind, title in titles.items():
    want = sorted(i["ruleId"] for i in j["issues"] + j["suppressedIssues"] if i["kind"] == kind)
    st = [x for x in root.findall("testsuite") if x.get("name") == title]
    got = sorted(c.get("name") for c in st[0].findall("testcase")) if st else []
    if got != want: bad.append(f"{title}: {got} != {want}")
for c in root.iter("testcase"):
    sk = c.find("skipped")
    if sk is not None and not sk.get("message"): bad.append("skipped without why")
print("; ".join(bad) or "ok")
'
for n in $names; do
	pycheck "$n: JUnit: well-formed, a suite per kind, counts equal the JSON report's" \
		"$junit_check" "$docs/$n.junit" "$docs/$n.json"
done

# --- HTML -----------------------------------------------------------------
html_check='
import json, sys, re
from html.parser import HTMLParser
doc = open(sys.argv[1], encoding="utf-8").read(); j = json.load(open(sys.argv[2]))
class P(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True); s.text = []; s.code = []; s.scripts = 0; s.bad = []; s.stack = []; s.ids = set()
    def handle_starttag(s, tag, attrs):
        s.stack.append(tag); a = dict(attrs)
        if "id" in a: s.ids.add(a["id"])
        if tag == "script":
            s.scripts += 1
            if "src" in a: s.bad.append("script src")
        if tag in ("link", "img", "iframe", "object", "embed", "frame", "base", "form", "svg", "b"):
            s.bad.append("tag " + tag)
        for k, v in attrs:
            if k.startswith("on"): s.bad.append("event handler " + k)
            if k == "href" and (tag != "a" or not re.match(r"https?://[^\s]+$", v or "")): s.bad.append("href " + str(v))
    def handle_endtag(s, tag):
        while s.stack and s.stack.pop() != tag: pass
    def handle_data(s, d):
        if not (s.stack and s.stack[-1] in ("script", "style")): s.text.append(d)
        if s.stack and s.stack[-1] == "code": s.code.append(d)
p = P(); p.feed(doc); p.close()
text = "".join(p.text)
clean = lambda x: re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", x)
bad = list(p.bad)
if p.scripts != 1: bad.append(f"{p.scripts} scripts")
n = len(j["issues"])
if ("%d issue%s" % (n, "" if n == 1 else "s")) not in text: bad.append("no issue count")
for i in j["issues"] + j["suppressedIssues"]:
    if clean(i["ruleId"]) not in text: bad.append("missing " + i["ruleId"])
    if "suppressedBy" not in i and i["excerpt"] and clean(i["excerpt"]) not in p.code: bad.append("excerpt not as code: " + i["excerpt"])
    if "suppressedBy" in i and (i["justification"] or i["suppressedBy"]) not in text: bad.append("no why for " + i["ruleId"])
    if "suppressedBy" not in i and i["title"] and clean(i["title"]) not in text: bad.append("title not shown as text: " + i["title"])
for k in {i["kind"] for i in j["issues"] + j["suppressedIssues"]}:
    if "issues-" + k not in p.ids: bad.append("no section for " + k)
if j["target"]["packages"] is None and "vulnerabilit" in text: bad.append("a lint speaks of vulnerabilities")
for w in j["warnings"]:
    if clean(w) not in text: bad.append("warning not shown: " + w)
print("; ".join(bad) or "ok")
'
for n in $names; do
	pycheck "$n: HTML: self-contained, every issue as text, evidence as code" \
		"$html_check" "$docs/$n.html" "$docs/$n.json"
done

# --- table and JSON -------------------------------------------------------
check "lint table: no package or vulnerability header" \
	eval '! grep -qE "^Packages:|Vulnerabilities" "$docs/lint.table"'
check "lint table: the Dockerfile section" grep -q '^Dockerfile$' "$docs/lint.table"
check "scan table: the secrets after the vulnerabilities" \
	test "$(grep -n '^Secrets$' "$docs/issues.table" | cut -d: -f1)" -gt \
	"$(grep -n '^OS packages$' "$docs/issues.table" | cut -d: -f1)"
check "no report holds the raw secret" eval '! grep -rq AKIAIOSFODNN7EXAMPLE "$docs"'
pycheck "JSON: issueCount and the schema unchanged" '
import json, sys
bad = []
for f in sys.argv[1:]:
    j = json.load(open(f))
    if j["schema"] != "customs.scan/v1" or j["issueCount"] != len(j["issues"]): bad.append(f)
print("; ".join(bad) or "ok")
' "$docs"/*.json

# the checks can fail: a result without its location, an issue without its suite
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["runs"][0]["results"]:
    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "/etc/passwd"
json.dump(d, open(sys.argv[2], "w"))' "$docs/lint.sarif" "$T_TMP/broken.sarif"
check "the SARIF validator rejects an absolute uri" eval '! sarif_validate "$T_TMP/broken.sarif" >/dev/null'
sed 's/name="DL3007"/name="DL0000"/' "$docs/lint.junit" >"$T_TMP/broken.junit"
check "the JUnit check notices a missing issue" \
	eval '[ "$(python3 -c "$junit_check" "$T_TMP/broken.junit" "$docs/lint.json")" != ok ]'

finish
