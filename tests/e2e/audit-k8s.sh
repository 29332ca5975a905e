#!/usr/bin/env bash
# customs audit k8s on kubesec's regression manifests ($CUSTOMS_SHARED/k8s/
# kubesec) and on tests/data/k8s: what each kubesec file's name says it
# holds must be flagged (or passed) by a named check, and — judged from
# each file's content by PyYAML, not by customs — every privileged
# container, host namespace, hostPath volume and dangerous capability must
# fail. A hardened Deployment passes everything; Helm output (# Source:
# comments, empty documents, a List, a CronJob) is audited object by
# object; ignore annotations suppress, --strict does not; SARIF passes the
# official schema and GitHub's rules (hostile names too), JUnit parses;
# exit codes and bad input.
. "$(dirname "$0")/lib.sh"

kubesec=$CUSTOMS_SHARED/k8s/kubesec
data=$CUSTOMS_TESTDATA/k8s
bad=$CUSTOMS_TESTDATA/k8s-bad
[ -d "$kubesec" ] || skip_all "no kubesec manifests in $kubesec"

# has FILE STATUS ID [EVIDENCE-SUBSTRING]: the audit JSON of FILE has such a result
has() {
	python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
st, cid = sys.argv[2], sys.argv[3]
ev = sys.argv[4] if len(sys.argv) > 4 else ""
ok = any(r["status"] == st and r["id"] == cid and ev in (r["evidence"] or "") for r in d["results"])
sys.exit(0 if ok else 1)
EOF
}

# --- kubesec: the verdict each file's name encodes -----------------------
# name pattern -> "STATUS ID [EVIDENCE]" expectations (all must hold)
declare -A want=(
	[*host-network*]="fail CS-K8S-HOST-NETWORK|hostNetwork: true"
	[*host-pid*]="fail CS-K8S-HOST-PID|hostPID: true"
	[*mount-docker-socket*]="fail CS-K8S-HOSTPATH|/var/run/docker.sock"
	[*volume-host-docker-socket*]="fail CS-K8S-HOSTPATH|docker.sock"
	[*securitycontext-privileged*]="fail CS-K8S-PRIVILEGED|privileged: true"
	[*cap-sys-admin*]="fail CS-K8S-CAPABILITIES-ADD|SYS_ADMIN"
	[score-0-cap-chown.yml]="warn CS-K8S-CAPABILITIES-ADD|CHOWN"
	[*cap-drop-all*]="pass CS-K8S-CAPABILITIES-DROP|ALL"
	[*seccomp-unconfined*]="fail CS-K8S-SECCOMP|Unconfined"
	[*seccomp-nonunconfined*]="pass CS-K8S-SECCOMP|RuntimeDefault"
	[*seccomp-empty-securitycontext*]="fail CS-K8S-SECCOMP|unset"
	[*apparmor-unconfined*]="fail CS-K8S-APPARMOR|Unconfined"
	[*apparmor-nonunconfined*]="pass CS-K8S-APPARMOR|RuntimeDefault"
	[*run-as-user-10001*]="pass CS-K8S-RUN-AS-NON-ROOT|runAsUser: 10001"
	[*run-as-user-1.yml]="pass CS-K8S-RUN-AS-NON-ROOT|runAsUser: 1"
	[*run-as-non-root*]="pass CS-K8S-RUN-AS-NON-ROOT|runAsNonRoot: true"
	[*run-as-group-10001*]="pass CS-K8S-RUN-AS-ROOT-GROUP|runAsGroup: 10001"
	[*run-as-group-1.yml]="pass CS-K8S-RUN-AS-ROOT-GROUP|runAsGroup: 1"
	[*resource-limit-cpu*]="pass CS-K8S-LIMITS-CPU|resources.limits.cpu"
	[*resource-limit-memory*]="pass CS-K8S-LIMITS-MEMORY|resources.limits.memory"
	[*ro-root-fs*]="pass CS-K8S-READ-ONLY-ROOT-FS|readOnlyRootFilesystem: true"
	[*automount-sa-set-to-false*]="pass CS-K8S-SA-TOKEN-AUTOMOUNT|automountServiceAccountToken: false"
	[*podsecuritypolicy-permissive*]="fail CS-K8S-CAPABILITIES-ADD|*"
	[*statefulset-no-sec*]="fail CS-K8S-RUN-AS-NON-ROOT|unset"
	[*-default.yml]="fail CS-K8S-PRIVILEGE-ESCALATION|unset (allowed)"
	[very-long-file]="fail CS-K8S-PRIVILEGED|privileged: true"
	[critical-double*]="fail CS-K8S-PRIVILEGED|privileged: true"
)
audited=0
for f in "$kubesec"/*; do
	name=$(basename "$f")
	case $name in form-prefix-*.json) continue ;; esac # not YAML: the bad-input section
	if ! "$CUSTOMS" audit k8s -f json -o "$T_TMP/$name.json" "$f" 2>"$T_TMP/err"; then
		fail "$name: exit $?: $(head -c 300 "$T_TMP/err")"
		continue
	fi
	audited=$((audited + 1))
	for pat in "${!want[@]}"; do
		# shellcheck disable=SC2254
		case $name in $pat) ;; *) continue ;; esac
		exp=${want[$pat]}
		st_id=${exp%%|*}
		ev=${exp#*|}
		if has "$T_TMP/$name.json" "${st_id%% *}" "${st_id#* }" "$ev"; then
			pass "$name: $st_id ($ev)"
		else
			fail "$name: want $st_id with '$ev'"
		fi
	done
done
check "every kubesec manifest but the form-prefixed JSON audits (${audited})" test "$audited" -ge 60

# --- kubesec: judged from the content, by PyYAML --------------------------
# every privileged container, host namespace, hostPath and dangerous
# capability that PyYAML finds in a file must be a failing result
out=$(python3 - "$kubesec" "$T_TMP" <<'EOF'
import glob, json, os, sys, yaml
src, tmp = sys.argv[1], sys.argv[2]
danger = {"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_RAW", "ALL", "*"}
bad = []
checked = 0
def walk(n, expect):
    if isinstance(n, dict):
        for k, v in n.items():
            if k == "privileged" and v is True: expect.add(("CS-K8S-PRIVILEGED", None))
            if k == "hostNetwork" and v is True: expect.add(("CS-K8S-HOST-NETWORK", None))
            if k == "hostPID" and v is True: expect.add(("CS-K8S-HOST-PID", None))
            if k == "hostIPC" and v is True: expect.add(("CS-K8S-HOST-IPC", None))
            if k == "hostPath" and isinstance(v, dict): expect.add(("CS-K8S-HOSTPATH", v.get("path")))
            if k in ("add", "allowedCapabilities") and isinstance(v, list):
                if any(str(c).upper().removeprefix("CAP_") in danger for c in v):
                    expect.add(("CS-K8S-CAPABILITIES-ADD", None))
            walk(v, expect)
    elif isinstance(n, list):
        for v in n: walk(v, expect)
for f in sorted(glob.glob(src + "/*")):
    name = os.path.basename(f)
    rep = os.path.join(tmp, name + ".json")
    if not os.path.exists(rep): continue
    try: docs = list(yaml.safe_load_all(open(f)))
    except Exception: continue
    expect = set()
    for d in docs:
        # objects customs audits: workloads and PodSecurityPolicy
        if isinstance(d, dict) and d.get("kind") not in ("ConfigMap", "ServiceAccount", None): walk(d, expect)
    results = json.load(open(rep))["results"]
    for cid, path in expect:
        checked += 1
        hit = [r for r in results if r["id"] == cid and r["status"] in ("fail", "warn")]
        if cid != "CS-K8S-HOSTPATH": hit = [r for r in hit if r["status"] == "fail"]
        if path: hit = [r for r in hit if os.path.normpath(path) in (r["evidence"] or "")]
        if not hit: bad.append(f"{name}: {cid} {path or ''}")
print("ok %d" % checked if not bad else "missed: " + "; ".join(bad))
EOF
)
case $out in
ok*) pass "content-derived: every privileged/host-namespace/hostPath/capability case flagged (${out#ok })" ;;
*) fail "content-derived: $out" ;;
esac
check "kubesec's 'hostNetwork: \"1\"' (not a boolean) is a warning" \
	has "$T_TMP/invalid-schema.yml.json" warn CS-K8S-HOST-NETWORK "not a boolean"
check "an unknown kind is a warning, not an error" \
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any("Deployment2" in w for w in d["warnings"]) and not d["results"] else 1)' "$T_TMP/invalid-type.yml.json"
check "lines: the docker socket volume is at line 26" python3 -c '
import json,sys; d=json.load(open(sys.argv[1]))
sys.exit(0 if [r["line"] for r in d["results"] if r["id"]=="CS-K8S-HOSTPATH" and r["status"]=="fail"]==[26] else 1)' \
	"$T_TMP/score-0-daemonset-mount-docker-socket.yml.json"

# --- the hardened Deployment passes everything ---------------------------
run audit k8s -f json --exit-code 9 "$data/hardened.yaml"
check "hardened.yaml: exit 0 with --exit-code 9" test "$RC" -eq 0
check "hardened.yaml: no fail, no warn, every check passes for both containers" test \
	"$(json_get "(d['summary']['fail'], d['summary']['warn'], len({r['id'] for r in d['results'] if r['status']=='pass'}) >= 24, len({r['target'] for r in d['results']}))" <<<"$OUT")" = "(0, 0, True, 3)"
check "hardened.yaml: the merge of pod and container contexts (runAsUser from the pod)" test \
	"$(json_get "[r['evidence'] for r in d['results'] if r['id']=='CS-K8S-RUN-AS-NON-ROOT']" <<<"$OUT")" = "['runAsUser: 10001', 'runAsUser: 10001']"

# --- Helm output ----------------------------------------------------------
run audit k8s -f json "$data/helm-rendered.yaml"
check "helm: exit 0" test "$RC" -eq 0
check "helm: objects carry their template" test \
	"$(json_get "sorted({r['target'].split(' (from ')[1].split(')')[0] for r in d['results']})" <<<"$OUT")" = \
	"['shop/templates/cronjob.yaml', 'shop/templates/deployment.yaml', 'shop/templates/list.yaml']"
check "helm: privileged + hostNetwork in the Deployment" test \
	"$(json_get "sorted({r['id'] for r in d['results'] if r['status']=='fail' and 'shop-web' in r['target'] and r['severity'] in ('critical',)} | {r['id'] for r in d['results'] if r['id']=='CS-K8S-HOST-NETWORK' and r['status']=='fail'})" <<<"$OUT")" = \
	"['CS-K8S-HOST-NETWORK', 'CS-K8S-PRIVILEGED']"
check "helm: CronJob (jobTemplate) hostPID, env secret by name only, no deadline" test \
	"$(json_get "sorted(r['id'] for r in d['results'] if r['status']=='fail' and 'CronJob' in r['target'] and r['id'] in ('CS-K8S-HOST-PID','CS-K8S-ENV-SECRET','CS-K8S-JOB-DEADLINE'))" <<<"$OUT")" = \
	"['CS-K8S-ENV-SECRET', 'CS-K8S-HOST-PID', 'CS-K8S-JOB-DEADLINE']"
check "helm: the secret value never appears in the report" test "$(grep -c 's3cr3t' <<<"$OUT")" = 0
check "helm: List items audited (SYS_PTRACE, kubelet hostPath through .., hostIPC, hostPort, uid 0, gid 0)" test \
	"$(json_get "sorted({r['id'] for r in d['results'] if r['status']=='fail' and '/templates/list.yaml' in r['target']} & {'CS-K8S-CAPABILITIES-ADD','CS-K8S-HOSTPATH','CS-K8S-HOST-IPC','CS-K8S-HOST-PORT','CS-K8S-RUN-AS-NON-ROOT','CS-K8S-RUN-AS-ROOT-GROUP'})" <<<"$OUT")" = \
	"['CS-K8S-CAPABILITIES-ADD', 'CS-K8S-HOST-IPC', 'CS-K8S-HOST-PORT', 'CS-K8S-HOSTPATH', 'CS-K8S-RUN-AS-NON-ROOT', 'CS-K8S-RUN-AS-ROOT-GROUP']"
check "helm: hostPath normalised to /var/lib/kubelet/pods" test \
	"$(json_get "[r['evidence'] for r in d['results'] if r['id']=='CS-K8S-HOSTPATH' and r['status']=='fail']" <<<"$OUT")" = \
	"['hostPath /var/lib/kubelet/pods (a sensitive host path)']"
check "helm: the CRD kind is a warning" test \
	"$(json_get "[w for w in d['warnings'] if 'Widget' in w] != []" <<<"$OUT")" = True

# --- ignore annotations and --strict --------------------------------------
run audit k8s -f json "$data/ignore.yaml"
check "ignore: three results suppressed with the justification" test \
	"$(json_get "sorted((r['id'], r['suppressedBy'], r['justification']) for r in d['suppressed'])" <<<"$OUT")" = \
	"[('CS-K8S-HOST-NETWORK', 'annotation customs.dev/ignore', \"node metrics need the host's namespaces\"), ('CS-K8S-HOST-PID', 'annotation customs.dev/ignore', \"node metrics need the host's namespaces\"), ('CS-K8S-HOSTPATH', 'annotation customs.dev/ignore', \"node metrics need the host's namespaces\")]"
check "ignore: the privileged container (not listed) still fails" \
	has <(printf '%s' "$OUT") fail CS-K8S-PRIVILEGED "privileged: true"
check "YAML 1.1 'privileged: yes' counts as true" test \
	"$(json_get "[r['status'] for r in d['results'] if r['id']=='CS-K8S-PRIVILEGED' and 'legacy' in r['target']]" <<<"$OUT")" = "['fail']"
check "old annotations: seccomp runtime/default noted, AppArmor unconfined fails" test \
	"$(json_get "sorted((r['id'], r['status']) for r in d['results'] if 'legacy' in r['target'] and r['id'] in ('CS-K8S-APPARMOR','CS-K8S-SECCOMP'))" <<<"$OUT")" = \
	"[('CS-K8S-APPARMOR', 'fail'), ('CS-K8S-SECCOMP', 'fail')]"
run audit k8s -f json --strict "$data/ignore.yaml"
check "--strict: nothing suppressed, the host namespaces fail" test \
	"$(json_get "(len(d['suppressed']), sorted({r['id'] for r in d['results'] if r['status']=='fail' and r['id'].startswith('CS-K8S-HOST')}))" <<<"$OUT")" = \
	"(0, ['CS-K8S-HOST-NETWORK', 'CS-K8S-HOST-PID', 'CS-K8S-HOSTPATH'])"

# --- formats --------------------------------------------------------------
if "$CUSTOMS_SRC/tests/report-validate/setup.sh"; then
	sv() { node "$CUSTOMS_SRC/tests/report-validate/validate-sarif.js" "$@"; }
	"$CUSTOMS" audit k8s -f sarif -o "$T_TMP/a.sarif" "$data/helm-rendered.yaml" "$data/ignore.yaml" 2>/dev/null
	if o=$(sv "$T_TMP/a.sarif" 2>&1); then pass "SARIF: official 2.1.0 schema and GitHub's rules"; else fail "SARIF: $o"; fi
	"$CUSTOMS" audit k8s -f sarif -o "$T_TMP/b.sarif" "$kubesec/very-long-file" "$kubesec/multi.yml" 2>/dev/null
	if o=$(sv "$T_TMP/b.sarif" 2>&1); then pass "SARIF (kubesec): schema and GitHub's rules"; else fail "SARIF (kubesec): $o"; fi
	# markup, quotes, brackets, control and bidi characters in every name
	hostile=$CUSTOMS_TESTDATA/k8s-hostile/hostile.yaml
	"$CUSTOMS" audit k8s -f sarif -o "$T_TMP/h.sarif" "$hostile" 2>/dev/null
	if o=$(sv "$T_TMP/h.sarif" 2>&1); then pass "hostile SARIF: schema and GitHub's rules"; else fail "hostile SARIF: $o"; fi
	"$CUSTOMS" audit k8s -f junit -o "$T_TMP/h.xml" "$hostile" 2>/dev/null
	check "hostile JUnit parses, the secret value is in no format" python3 -c '
import sys, xml.etree.ElementTree as ET
ET.parse(sys.argv[1])
for f in sys.argv[1:]:
    assert b"s3cr3t" not in open(f, "rb").read(), f' "$T_TMP/h.xml" "$T_TMP/h.sarif"
	run audit k8s "$hostile"
	check "hostile table: no escape character reaches the terminal" test "$(printf '%s' "$OUT" | grep -c $'\x1b')" = 0
else
	fail "npm ci of tests/report-validate"
fi
check "SARIF: rules are check ids with help, results at file+line, suppressions" python3 - "$T_TMP/a.sarif" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
rules = [r["id"] for r in run["rules"]] if "rules" in run else [r["id"] for r in run["tool"]["driver"]["rules"]]
assert rules == sorted(set(rules)), rules
assert all(r["help"]["text"] for r in run["tool"]["driver"]["rules"])
res = run["results"]
assert res and all(r["ruleId"] == rules[r["ruleIndex"]] for r in res)
loc = [r["locations"][0]["physicalLocation"] for r in res]
assert all(l["artifactLocation"]["uri"].endswith(("helm-rendered.yaml", "ignore.yaml")) and l["region"]["startLine"] > 1 for l in loc)
assert sum(1 for r in res if r.get("suppressions")) == 3
assert all(r["properties"]["status"] in ("fail", "warn") for r in res)
EOF
"$CUSTOMS" audit k8s -f junit -o "$T_TMP/a.xml" "$data/ignore.yaml" 2>/dev/null
"$CUSTOMS" audit k8s -f json -o "$T_TMP/a.json" "$data/ignore.yaml" 2>/dev/null
check "JUnit: well-formed, one testcase per result, failures = fails" python3 - "$T_TMP/a.xml" "$T_TMP/a.json" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
d = json.load(open(sys.argv[2]))
cases = root.findall(".//testcase")
assert len(cases) == len(d["results"]) + len(d["suppressed"]), (len(cases), len(d["results"]))
assert len(root.findall(".//testcase/failure")) == d["summary"]["fail"]
assert int(root.get("failures")) == d["summary"]["fail"]
assert len(root.findall(".//testcase/skipped")) == len(d["suppressed"])
EOF
run audit k8s "$data/helm-rendered.yaml"
check "table: a summary line and the remediation section" test \
	"$(grep -c -e '^Audit k8s: ' -e '^Remediation:' <<<"$OUT")" = 2
check "JSON: versioned schema" test "$(json_get "d['schema']" <<<"$(cat "$T_TMP/a.json")")" = customs.audit/v1
expect_error "cyclonedx is not an audit format" 2 "unknown format 'cyclonedx' for audit" \
	audit k8s -f cyclonedx "$data/hardened.yaml"

# --- exit codes, filters, inputs ------------------------------------------
run audit k8s --exit-code 3 "$data/helm-rendered.yaml"
check "failures + --exit-code 3 -> 3" test "$RC" -eq 3
run audit k8s --exit-code 3 --severity critical "$data/ignore.yaml"
check "--severity critical: the privileged containers still gate -> 3" test "$RC" -eq 3
run audit k8s --exit-code 3 --severity critical "$kubesec/score-0-daemonset-host-pid.yml"
check "--severity critical and no critical failure -> 0" test "$RC" -eq 0
run audit k8s -f json --quiet "$data/helm-rendered.yaml"
check "--quiet: only fail and warn results" test \
	"$(json_get "sorted({r['status'] for r in d['results']})" <<<"$OUT")" = "['fail', 'warn']"
run audit k8s -f json "$data"
check "a directory: every manifest in it, in name order" test \
	"$(json_get "sorted({r['path'].split('/')[-1] for r in d['results']})" <<<"$OUT")" = \
	"['hardened.yaml', 'helm-rendered.yaml', 'ignore.yaml']"
OUT=$("$CUSTOMS" audit k8s -f json - <"$kubesec/score-0-daemonset-host-pid.yml" 2>/dev/null)
check "stdin ('-')" has <(printf '%s' "$OUT") fail CS-K8S-HOST-PID
"$CUSTOMS" audit k8s -f json -o "$T_TMP/kubesec-bug.json" "$kubesec/bug-dump-2.json" 2>/dev/null
check "JSON input (kubectl output) is audited" test \
	"$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]) > 0)' "$T_TMP/kubesec-bug.json")" = True

expect_error "not YAML" 2 "form-prefix-not-file.json: invalid yaml" audit k8s "$kubesec/form-prefix-not-file.json"
expect_error "a document that is a list" 2 "bad-doc.yaml:3: document 2 is not a mapping" audit k8s "$bad/bad-doc.yaml"
expect_error "broken YAML names the file" 2 "bad-yaml.yaml: invalid yaml at line 3" audit k8s "$bad/bad-yaml.yaml"
expect_error "a missing file" 2 "cannot open '/nonexistent/x.yaml'" audit k8s /nonexistent/x.yaml
expect_error "no file" 2 "takes one or more files" audit k8s
echo old >"$T_TMP/keep.json"
run audit k8s -f json -o "$T_TMP/keep.json" "$data/hardened.yaml" "$bad/bad-doc.yaml"
check "bad input leaves an existing -o file alone" test "$(cat "$T_TMP/keep.json")" = old

finish
