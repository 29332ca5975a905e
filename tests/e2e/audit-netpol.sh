#!/usr/bin/env bash
# customs audit netpol: every scenario of tests/data/netpol against its
# hand-written expected matrix and findings, and against netpol-ref.py (an
# independent Python evaluator) — the scenarios and a generated cluster of
# 300 workloads and 100 policies; the formats (table with the matrix, JSON
# with its "matrix" member, SARIF, JUnit, DOT rendered by Graphviz), exit
# codes, stdin, warnings and malformed input.
. "$(dirname "$0")/lib.sh"

data=$CUSTOMS_TESTDATA/netpol
ref=$CUSTOMS_SRC/tests/e2e/netpol-ref.py
gen=$CUSTOMS_SRC/tests/e2e/netpol-gen.py
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is missing (scripts/install-deps.sh)"

squeeze() { tr -s ' ' <"$1"; }
# the fail and warn results of a JSON report as "STATUS ID TARGET", sorted
findings() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for r in sorted((r["status"], r["id"], r["target"]) for r in d["results"] if r["status"] in ("fail", "warn")):
    print(*r)'
}
# compare the matrix of a customs JSON report ($1) with netpol-ref.py's ($2)
same_matrix() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["matrix"]
r = json.load(open(sys.argv[2]))
ids = [w["id"] for w in c["workloads"]]
if ids != r["ids"]:
    sys.exit("workloads differ: %s vs %s" % (ids[:5], r["ids"][:5]))
bad = [(ids[i], ids[j], c["cells"][i][j], r["cells"][i][j])
       for i in range(len(ids)) for j in range(len(ids)) if c["cells"][i][j] != r["cells"][i][j]]
if bad:
    sys.exit("%d cells differ, first: %s" % (len(bad), bad[0]))
EOF
}

# --- each scenario: hand-written matrix and findings, and the reference --
for dir in "$data"/*/; do
	name=$(basename "$dir")
	run audit netpol --matrix "$dir"
	printf '%s\n' "$OUT" >"$T_TMP/$name.matrix"
	if [ "$RC" -ne 0 ]; then
		fail "$name: --matrix exit $RC: $ERR"
	elif diff <(squeeze "$dir/expected.matrix") <(squeeze "$T_TMP/$name.matrix") >"$T_TMP/diff"; then
		pass "$name: matrix as expected"
	else
		fail "$name: matrix differs: $(cat "$T_TMP/diff")"
	fi
	run audit netpol -f json "$dir"
	printf '%s\n' "$OUT" >"$T_TMP/$name.json"
	got=$(findings <"$T_TMP/$name.json")
	if [ "$got" = "$(cat "$dir/expected.findings")" ]; then
		pass "$name: findings as expected"
	else
		fail "$name: findings differ: $(diff <(printf '%s\n' "$got") "$dir/expected.findings")"
	fi
	python3 "$ref" "$dir" >"$T_TMP/$name.ref"
	if err=$(same_matrix "$T_TMP/$name.json" "$T_TMP/$name.ref" 2>&1); then
		pass "$name: same matrix as netpol-ref.py"
	else
		fail "$name: netpol-ref.py disagrees: $err"
	fi
done

# --- a generated cluster against the reference ---------------------------
python3 "$gen" "$T_TMP/gen" 300 100 7
run audit netpol -f json -o "$T_TMP/gen.json" "$T_TMP/gen"
check "generated cluster: audited" test "$RC" -eq 0
python3 "$ref" "$T_TMP/gen" >"$T_TMP/gen.ref"
if err=$(same_matrix "$T_TMP/gen.json" "$T_TMP/gen.ref" 2>&1); then
	pass "generated cluster (300 workloads, 100 policies): same 90000 cells as netpol-ref.py"
else
	fail "generated cluster: netpol-ref.py disagrees: $err"
fi
check "generated cluster: the matrix is not trivial (>= 10 distinct cells)" test \
	"$(json_get "len(set(x for r in d['matrix']['cells'] for x in r))" <"$T_TMP/gen.json")" -ge 10

# --- formats ---------------------------------------------------------------
sc=$data/and-vs-or
run audit netpol "$sc"
check "table: results, then the matrix" python3 -c '
import sys
out = sys.argv[1]
a, b = out.find("CS-NET-INGRESS-DEFAULT-ALLOW"), out.find("Reachability: 6 workloads")
sys.exit(not (0 <= a < b))' "$OUT"
run audit netpol -f json "$sc"
check "json: an audit document of kind netpol" test \
	"$(json_get "(d['schema'], d['kind'])" <<<"$OUT")" = "('customs.audit/v1', 'netpol')"
check "json: the matrix has the table's cells" test \
	"$(json_get "' '.join(d['matrix']['cells'][0])" <<<"$OUT")" = "all all all 5432/TCP 5432/TCP all"
check "json: workloads carry isolation, path and line" test \
	"$(json_get "[(w['id'], w['ingressIsolated'], w['egressIsolated'], w['line']) for w in d['matrix']['workloads']][3]" <<<"$OUT")" = \
	"('db/StatefulSet/pg-and', True, False, 38)"
check "json: namespaces" test "$(json_get "d['matrix']['namespaces']" <<<"$OUT")" = "['api', 'db', 'web']"
run audit netpol -f sarif "$sc"
check "sarif: JSON with a result per failing workload" test \
	"$(json_get "len([r for r in d['runs'][0]['results'] if r['ruleId'] == 'CS-NET-INGRESS-DEFAULT-ALLOW'])" <<<"$OUT")" = 4
run audit netpol -f junit "$sc"
check "junit: well-formed XML" python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.argv[1])' "$OUT"

# DOT: Graphviz renders it; one edge per allowed cell, dashed exactly into
# workloads no ingress policy isolates
run audit netpol -f dot "$sc"
printf '%s\n' "$OUT" >"$T_TMP/g.dot"
if command -v dot >/dev/null; then
	check "dot: Graphviz renders it" dot -Tsvg -o "$T_TMP/g.svg" "$T_TMP/g.dot"
	check "dot: the SVG has the six workloads" test "$(grep -c 'class="node"' "$T_TMP/g.svg")" -eq 6
	check "dot: three namespace clusters" test "$(grep -c 'class="cluster"' "$T_TMP/g.svg")" -eq 3
else
	fail "dot: graphviz is missing (scripts/install-deps.sh)"
fi
check "dot: 28 edges for the 28 allowed cells" test "$(grep -c -- ' -> ' "$T_TMP/g.dot")" -eq 28
check "dot: 24 default-allow edges (into the 4 open workloads)" test \
	"$(grep -- ' -> ' "$T_TMP/g.dot" | grep -c 'style=dashed')" -eq 24
check "dot: api/client -> pg-and labelled with its port" \
	grep -q 'w0 -> w3 \[label="5432/TCP"\];' "$T_TMP/g.dot"

# --- exit codes and gating -----------------------------------------------
run audit netpol --exit-code 4 "$data/no-policies"
check "failures + --exit-code 4 -> 4" test "$RC" -eq 4
run audit netpol --exit-code 4 --severity low,medium "$data/ipblock-only"
check "only a medium failure shown -> 4" test "$RC" -eq 4
run audit netpol --exit-code 4 --severity low "$data/ipblock-only"
check "--severity low hides every failure -> 0" test "$RC" -eq 0
run audit netpol -f json --quiet "$data/policytypes-default"
check "--quiet keeps fail and warn only" test \
	"$(json_get "sorted(set(r['status'] for r in d['results']))" <<<"$OUT")" = "['fail', 'warn']"

# --- inputs ----------------------------------------------------------------
OUT=$("$CUSTOMS" audit netpol --matrix - <"$data/default-deny/cluster.yaml" 2>"$T_TMP/err")
check "stdin ('-')" test "$(printf '%s\n' "$OUT" | tr -s ' ')" = "$(squeeze "$data/default-deny/expected.matrix")"
run audit netpol --matrix "$data/and-vs-or/workloads.yaml" "$data/and-vs-or/policies.yaml"
check "files given one by one: the namespaces file missing, team labels are gone" test \
	"$(printf '%s\n' "$OUT" | grep 'api/Deployment/client' | tr -s ' ')" = \
	"1 api/Deployment/client none all all all - - all"
mkdir -p "$T_TMP/dup"
cp "$data/default-deny/cluster.yaml" "$T_TMP/dup/a.yaml"
cp "$data/default-deny/cluster.yaml" "$T_TMP/dup/b.yaml"
cat >"$T_TMP/dup/calico.yaml" <<'EOF'
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: calico, namespace: open}
spec: {selector: all()}
EOF
printf 'not: a manifest\n' >"$T_TMP/dup/values.yaml"
printf 'ignored\n' >"$T_TMP/dup/notes.txt"
ln -s "$data/and-vs-or/workloads.yaml" "$T_TMP/dup/link.yaml"
run audit netpol --matrix "$T_TMP/dup"
check "duplicates: one row each; a symbolic link is not followed" test "$(printf '%s\n' "$OUT" | head -n1)" = \
	"Reachability: 3 workloads (rows: source, columns: destination)"
check "duplicates and foreign policies are warnings" test \
	"$(grep -c 'defined again' <<<"$ERR"):$(grep -c 'projectcalico.org/v3.*skipped' <<<"$ERR")" = "4:1"

# --- customs.dev/ignore annotations and --strict --------------------------
mkdir -p "$T_TMP/ign"
sed 's|metadata: {name: a, namespace: open}|metadata: {name: a, namespace: open, annotations: {customs.dev/ignore: cs-net-ingress-default-allow}}|' \
	"$data/default-deny/cluster.yaml" >"$T_TMP/ign/cluster.yaml"
printf '%s\n' 'apiVersion: v1' 'kind: Namespace' 'metadata:' '  name: open' '  annotations:' \
	'    customs.dev/ignore: CS-NET-NS-DEFAULT-DENY-INGRESS' \
	'    customs.dev/ignore-justification: a sandbox' >"$T_TMP/ign/open.yaml"
run audit netpol --exit-code 4 "$data/default-deny"
check "without annotations: failures -> 4" test "$RC" -eq 4
run audit netpol -f json --exit-code 4 "$T_TMP/ign"
check "annotated: both failures suppressed -> 0" test "$RC" -eq 0
check "annotated: suppressedBy and justification" test \
	"$(json_get "sorted((r['id'], r['suppressedBy'], r['justification']) for r in d['suppressed'])" <<<"$OUT")" = \
	"[('CS-NET-INGRESS-DEFAULT-ALLOW', 'annotation customs.dev/ignore', None), ('CS-NET-NS-DEFAULT-DENY-INGRESS', 'annotation customs.dev/ignore', 'a sandbox')]"
run audit netpol --strict --exit-code 4 "$T_TMP/ign"
check "--strict: annotations do not apply -> 4" test "$RC" -eq 4

# --- malformed input: one line, exit 2, nothing written -----------------
bad=$T_TMP/bad
mkdir -p "$bad"
cat >"$bad/op.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: Matches, values: [a]}
EOF
expect_error "unknown operator" 2 "op.yaml:7: NetworkPolicy x/p: podSelector: unknown operator 'Matches'" \
	audit netpol -o "$T_TMP/never.json" -f json "$bad/op.yaml"
check "a failed run writes no report" test ! -e "$T_TMP/never.json"
printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: a\n' >"$bad/syntax.yaml"
expect_error "YAML syntax" 2 "syntax.yaml.*line" audit netpol "$bad/syntax.yaml"
cat >"$bad/label.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: a
  labels: {version: 1.10}
EOF
expect_error "a label that is not a string" 2 "label.yaml:5: Pod default/a: labels 'version' is not a string" \
	audit netpol "$bad/label.yaml"
cat >"$bad/peer.yaml" <<'EOF'
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: p}
spec:
  podSelector: {}
  ingress:
    - from:
        - ipBlock: {cidr: 10.0.0.0/8}
          podSelector: {}
EOF
expect_error "ipBlock with a selector" 2 "peer.yaml:8: NetworkPolicy default/p: ingress rule 1, from\[0\]: ipBlock cannot be combined" \
	audit netpol "$bad/peer.yaml"
cat >"$bad/port.yaml" <<'EOF'
kind: NetworkPolicy
apiVersion: networking.k8s.io/v1
metadata: {name: p}
spec:
  podSelector: {}
  egress:
    - ports: [{port: http, endPort: 90}]
EOF
expect_error "endPort with a named port" 2 "port.yaml:7: NetworkPolicy default/p: egress rule 1: endPort cannot go with a named port" \
	audit netpol "$bad/port.yaml"
expect_error "a missing file" 2 "cannot read '$T_TMP/missing.yaml'" audit netpol "$T_TMP/missing.yaml"
expect_error "no operands" 2 "one or more files" audit netpol
expect_error "--matrix is a table" 2 "takes no -f" audit netpol --matrix -f json "$sc"
expect_error "unknown format" 2 "unknown format 'xml' for audit netpol \\(table, json, sarif, junit, dot\\)" audit netpol -f xml "$sc"

finish
