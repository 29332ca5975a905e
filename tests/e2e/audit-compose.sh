#!/usr/bin/env bash
# customs audit compose on the Compose files in tests/data/compose: every
# least-privilege mistake of insecure.yml is a named failure at its line
# (through an x- extension anchor and a "<<" merge key); hardened.yml
# passes everything; x-customs-ignore and the customs.dev/ignore label
# suppress, --strict does not; docker compose's own parser (when
# installed) agrees the files are valid; formats, exit codes, bad input.
. "$(dirname "$0")/lib.sh"

data=$CUSTOMS_TESTDATA/compose

# ids STATUS SERVICE: the sorted check ids of SERVICE's results with STATUS
ids() { json_get "','.join(sorted({r['id'] for r in d['results'] if r['status']=='$1' and r['target']=='service $2'}))"; }

# --- every mistake of insecure.yml ---------------------------------------
run audit compose -f json "$data/insecure.yml"
check "insecure.yml: exit 0 without --exit-code" test "$RC" -eq 0
check "insecure.yml web: the failures" test "$(ids fail web <<<"$OUT")" = \
	CS-COMPOSE-CAP-ADD,CS-COMPOSE-CAP-DROP,CS-COMPOSE-ENV-SECRET,CS-COMPOSE-HOST-IPC,CS-COMPOSE-HOST-NETWORK,CS-COMPOSE-HOST-PATH,CS-COMPOSE-HOST-PID,CS-COMPOSE-IMAGE-TAG,CS-COMPOSE-LIMITS-CPU,CS-COMPOSE-LIMITS-MEMORY,CS-COMPOSE-LSM,CS-COMPOSE-NO-NEW-PRIVILEGES,CS-COMPOSE-PORTS,CS-COMPOSE-PRIVILEGED,CS-COMPOSE-READ-ONLY,CS-COMPOSE-SECCOMP,CS-COMPOSE-USER,CS-COMPOSE-USERNS-HOST
check "insecure.yml web: the warnings (restart from the x- anchor, health check, pids, a plain host path, 8443 on all interfaces)" \
	test "$(ids warn web <<<"$OUT")" = \
	CS-COMPOSE-HEALTHCHECK,CS-COMPOSE-HOST-PATH,CS-COMPOSE-IMAGE-DIGEST,CS-COMPOSE-LIMITS-PIDS,CS-COMPOSE-PORTS,CS-COMPOSE-RESTART
check "insecure.yml worker: list-form environment secret, :latest, bind of /" test \
	"$(json_get "sorted((r['id'], r['evidence']) for r in d['results'] if r['target']=='service worker' and r['id'] in ('CS-COMPOSE-ENV-SECRET','CS-COMPOSE-IMAGE-TAG','CS-COMPOSE-HOST-PATH'))" <<<"$OUT")" = \
	"[('CS-COMPOSE-ENV-SECRET', 'environment API_TOKEN has a literal value (16 characters)'), ('CS-COMPOSE-HOST-PATH', 'bind mount of / (a sensitive host path)'), ('CS-COMPOSE-IMAGE-TAG', 'image registry.example.com/team/worker:latest')]"
check "the merged-in DB_PASSWORD is found, its value never shown" test \
	"$(json_get "[r['line'] for r in d['results'] if r['id']=='CS-COMPOSE-ENV-SECRET' and 'DB_PASSWORD' in r['evidence']]" <<<"$OUT"):$(grep -c hunter2 <<<"$OUT")" = "[5]:0"
check "docker.sock (short syntax) and /etc (long syntax) fail at their lines" test \
	"$(json_get "sorted((r['line'], r['evidence']) for r in d['results'] if r['id']=='CS-COMPOSE-HOST-PATH' and r['status']=='fail' and r['target']=='service web')" <<<"$OUT")" = \
	"[(28, 'bind mount of /var/run/docker.sock (a sensitive host path)'), (29, 'bind mount of /etc (a sensitive host path)')]"
check "port 80 on every interface is a privileged-port failure" test \
	"$(json_get "[r['evidence'] for r in d['results'] if r['id']=='CS-COMPOSE-PORTS' and r['status']=='fail']" <<<"$OUT")" = \
	"['port 80:80: privileged host port 80 on every interface']"

# --- the hardened file passes ---------------------------------------------
run audit compose -f json --exit-code 7 "$data/hardened.yml"
check "hardened.yml: exit 0 with --exit-code 7" test "$RC" -eq 0
check "hardened.yml: two services, no fail or warn, limits through the anchor and the legacy keys" test \
	"$(json_get "(d['summary']['fail'], d['summary']['warn'], sorted({r['target'] for r in d['results']}), sorted(r['evidence'] for r in d['results'] if r['id']=='CS-COMPOSE-LIMITS-MEMORY'))" <<<"$OUT")" = \
	"(0, 0, ['service api', 'service cache'], ['mem_limit: 128m', 'memory: 256M'])"

# --- ignores --------------------------------------------------------------
run audit compose -f json "$data/ignored.yml"
check "x-customs-ignore and the label suppress, with the justification" test \
	"$(json_get "sorted((r['target'], r['id'], r['suppressedBy'], r['justification']) for r in d['suppressed'])" <<<"$OUT")" = \
	"[('service agent', 'CS-COMPOSE-HOST-NETWORK', 'label customs.dev/ignore', None), ('service monitor', 'CS-COMPOSE-HOST-PID', 'x-customs-ignore', \"node monitor needs the host's processes\"), ('service monitor', 'CS-COMPOSE-PRIVILEGED', 'x-customs-ignore', \"node monitor needs the host's processes\")]"
run audit compose -f json --strict "$data/ignored.yml"
check "--strict: nothing suppressed" test \
	"$(json_get "(len(d['suppressed']), sorted(r['id'] for r in d['results'] if r['id'] in ('CS-COMPOSE-PRIVILEGED','CS-COMPOSE-HOST-PID','CS-COMPOSE-HOST-NETWORK') and r['status']=='fail'))" <<<"$OUT")" = \
	"(0, ['CS-COMPOSE-HOST-NETWORK', 'CS-COMPOSE-HOST-PID', 'CS-COMPOSE-PRIVILEGED'])"

# --- the files are real Compose files --------------------------------------
if docker compose version >/dev/null 2>&1; then
	for f in insecure hardened ignored; do
		check "docker compose config accepts $f.yml" docker compose -f "$data/$f.yml" config -q
	done
elif command -v podman-compose >/dev/null 2>&1; then
	for f in insecure hardened ignored; do
		check "podman-compose config accepts $f.yml" podman-compose -f "$data/$f.yml" config
	done
else
	# PyYAML with merge keys: the same settings customs saw
	check "PyYAML resolves the merge keys to what customs judged" python3 - "$data/insecure.yml" <<'EOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
w = d["services"]["web"]
assert w["restart"] == "always" and w["environment"]["DB_PASSWORD"]
assert w["privileged"] is True and w["network_mode"] == "host"
EOF
fi

# --- formats and exit codes -----------------------------------------------
if "$CUSTOMS_SRC/tests/report-validate/setup.sh"; then
	"$CUSTOMS" audit compose -f sarif -o "$T_TMP/c.sarif" "$data/insecure.yml" "$data/ignored.yml"
	if o=$(node "$CUSTOMS_SRC/tests/report-validate/validate-sarif.js" "$T_TMP/c.sarif" 2>&1); then
		pass "SARIF: official 2.1.0 schema and GitHub's rules"
	else
		fail "SARIF: $o"
	fi
else
	fail "npm ci of tests/report-validate"
fi
"$CUSTOMS" audit compose -f junit -o "$T_TMP/c.xml" "$data/insecure.yml"
check "JUnit parses; failures match" python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
assert int(r.get("failures")) == len(r.findall(".//failure")) > 20' "$T_TMP/c.xml"
run audit compose --exit-code 4 "$data/insecure.yml"
check "failures + --exit-code 4 -> 4" test "$RC" -eq 4
run audit compose --exit-code 4 --severity low "$data/hardened.yml"
check "hardened + --exit-code 4 -> 0" test "$RC" -eq 0
run audit compose --exit-code 4 --severity low "$data/insecure.yml"
check "--severity low: no low failure in insecure.yml -> 0" test "$RC" -eq 0

# --- bad input --------------------------------------------------------------
expect_error "services as a list" 2 "bad-services.yml:1: services is not a mapping" \
	audit compose "$data/bad-services.yml"
expect_error "not a mapping" 2 "not-mapping.yml: not a Compose file" audit compose "$data/not-mapping.yml"
printf 'services:\n  web: {image: [\n' >"$T_TMP/broken.yml"
expect_error "broken YAML" 2 "broken.yml: invalid yaml" audit compose "$T_TMP/broken.yml"
expect_error "a missing file" 2 "cannot open '/nonexistent.yml'" audit compose /nonexistent.yml

finish
