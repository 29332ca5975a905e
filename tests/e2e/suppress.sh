#!/usr/bin/env bash
# Suppression on a real image and a real feed: the Alpine 3.20.3 fixture has
# CVE-2024-9143 on libcrypto3 and libssl3 3.3.2-r0 (shared data README), and
# these are its only findings with the Alpine secdb. Ignore files and VEX
# documents from tests/data/vex (see its README) must suppress exactly what
# they say, show why, stop gating, and be refused with exit 2 when malformed.
. "$(dirname "$0")/lib.sh"

db=$T_TMP/db.sqlite
vex=$CUSTOMS_TESTDATA/vex
alpine20=$(fixture alpine-3.20.oci)
img="oci:$alpine20:3.20"
# no .customsignore from wherever the tests run
mkdir -p "$T_TMP/work"
cd "$T_TMP/work" || exit 1

expect_ok "db build (alpine secdb)" db build --from "$CUSTOMS_SHARED/feeds/alpine-secdb" --db "$db"

scan() { run scan image --db "$db" --db-max-age 0 "$@" "$img"; }
# q EXPR: evaluate a python expression over the JSON report in $OUT
q() { json_get "$1" <<<"$OUT"; }
shown() { q "' '.join(sorted(f['package']['name'] for f in d['findings'] if f['id']=='CVE-2024-9143'))"; }
hidden() { q "' '.join(sorted(f['package']['name'] for f in d['suppressed'] if f['id']=='CVE-2024-9143'))"; }

scan -f json
check "no suppression: CVE-2024-9143 on libcrypto3 and libssl3 (README)" test "$(shown)" = "libcrypto3 libssl3"
check "no suppression: nothing suppressed" test "$(q "len(d['suppressed'])")" = 0
check "no suppression: these are the only findings (the gating checks rely on it)" \
	test "$(q "len(d['findings'])")" = 2

# --- ignore file -----------------------------------------------------------
scan -f json --ignorefile "$vex/ignore-id.yaml"
check "ignore by id: both suppressed" test "$(hidden)" = "libcrypto3 libssl3"
check "ignore by id: none shown" test -z "$(shown)"
check "ignore by id: by the file and the entry's line" \
	test "$(q "d['suppressed'][0]['suppressedBy']")" = "ignore-file:$vex/ignore-id.yaml:4"
check "ignore by id: the reason and the expiry" \
	test "$(q "d['suppressed'][0]['justification']")" = \
	"GF(2^m) curves are not used with untrusted parameters (until 2999-12-31)"

scan -f json --ignorefile "$vex/ignore-package.yaml"
check "ignore with package: libssl3 only" test "$(hidden)" = "libssl3"
check "ignore with package: libcrypto3 still shown" test "$(shown)" = "libcrypto3"

scan -f json --ignorefile "$vex/ignore-expired.yaml"
check "expired entry: suppresses nothing" test "$(shown)" = "libcrypto3 libssl3"
check "expired entry: warns on stderr" grep -q "ignore-expired.yaml' line 2: the entry for CVE-2024-9143 expired on 2020-01-01 and no longer applies" <<<"$ERR"
check "expired entry: the warning is in the report" \
	test "$(q "len([w for w in d['warnings'] if 'expired on 2020-01-01' in w])")" = 1

# the default: .customsignore in the current directory, and '' to turn it off
cp "$vex/ignore-id.yaml" .customsignore
scan -f json
check ".customsignore is read by default" test "$(hidden)" = "libcrypto3 libssl3"
check ".customsignore is named in suppressedBy" \
	test "$(q "d['suppressed'][0]['suppressedBy']")" = "ignore-file:.customsignore:4"
scan -f json --ignorefile ''
check "--ignorefile '' turns it off" test "$(shown)" = "libcrypto3 libssl3"
rm .customsignore

# --- gating ------------------------------------------------------------------
scan --exit-code 3 --ignorefile "$vex/ignore-id.yaml"
check "--exit-code 3: 0 when everything is suppressed" test "$RC" = 0
scan --exit-code 3 --ignorefile "$vex/ignore-package.yaml"
check "--exit-code 3: 3 when something is left" test "$RC" = 3
scan --exit-code 3 --ignorefile "$vex/ignore-expired.yaml"
check "--exit-code 3: 3 when the entry expired" test "$RC" = 3
scan -f json --severity critical --ignorefile "$vex/ignore-id.yaml"
check "--severity selects what is shown; suppressed findings are all listed" \
	test "$(hidden)" = "libcrypto3 libssl3"

# --- OpenVEX -------------------------------------------------------------------
# the VEX files name libssl3 by the purl customs reports, minus some qualifiers
"$CUSTOMS" -q sbom -f json "$img" >"$T_TMP/sbom.json"
check "the VEX purl is the one 'customs sbom' reports (a qualifier subset)" test \
	"$(json_get "[p['purl'] for p in d['packages'] if p['name']=='libssl3'][0].startswith('pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&')" <"$T_TMP/sbom.json")" = True

scan -f json --vex "$vex/openvex-not-affected.json"
check "OpenVEX not_affected: libssl3 suppressed" test "$(hidden)" = "libssl3"
check "OpenVEX not_affected: libcrypto3 still shown" test "$(shown)" = "libcrypto3"
check "OpenVEX not_affected: by the document" \
	test "$(q "d['suppressed'][0]['suppressedBy']")" = "vex:$vex/openvex-not-affected.json"
check "OpenVEX not_affected: the justification and impact statement in JSON" \
	test "$(q "d['suppressed'][0]['justification']")" = \
	"vulnerable_code_not_in_execute_path: libssl3 never reaches the GF(2^m) curve code"
scan --vex "$vex/openvex-not-affected.json"
check "OpenVEX not_affected: the table lists it with the justification" \
	grep -Eq '^libssl3 +CVE-2024-9143 +vex:.*openvex-not-affected\.json +vulnerable_code_not_in_execute_path' <<<"$OUT"
check "OpenVEX not_affected: the table counts it" grep -q '^Suppressed: 1$' <<<"$OUT"

for f in affected under-investigation; do
	scan -f json --vex "$vex/openvex-$f.json"
	check "OpenVEX $f: nothing suppressed" test "$(shown)" = "libcrypto3 libssl3"
done

scan -f json --vex "$vex/openvex-override.json"
check "OpenVEX: the latest statement wins, not the last written" test "$(hidden)" = "libssl3"
check "OpenVEX: the later 'affected' overrides an earlier not_affected" test "$(shown)" = "libcrypto3"
check "OpenVEX: the winning statement's justification" test "$(q "d['suppressed'][0]['justification']")" = \
	"vulnerable_code_cannot_be_controlled_by_adversary: curve parameters come from the binary, never from peers"
for order in "openvex-not-affected openvex-later-affected" "openvex-later-affected openvex-not-affected"; do
	set -- $order
	scan -f json --vex "$vex/$1.json" --vex "$vex/$2.json"
	check "OpenVEX across documents ($1 then $2): the later document's time wins" \
		test "$(shown)" = "libcrypto3 libssl3"
done

# image products: by the image's own manifest digest
scan -f json
digest=$(q "d['target']['manifestDigest']")
cat >"$T_TMP/image.json" <<EOF
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/image",
 "author": "t", "timestamp": "2024-11-01T10:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "CVE-2024-9143"},
   "products": [{"@id": "pkg:oci/alpine@$digest?repository_url=docker.io/library/alpine",
                 "subcomponents": [{"@id": "pkg:apk/alpine/libcrypto3"}]}],
   "status": "not_affected", "justification": "inline_mitigations_already_exist"}]}
EOF
scan -f json --vex "$T_TMP/image.json"
check "OpenVEX image product with a subcomponent: only that package" test "$(hidden)" = "libcrypto3"
sed "s/$digest/sha256:$(printf '0%.0s' {1..64})/" "$T_TMP/image.json" >"$T_TMP/other-image.json"
scan -f json --vex "$T_TMP/other-image.json"
check "OpenVEX product of another image: nothing" test -z "$(hidden)"
python3 - "$T_TMP/image.json" "$T_TMP/whole-image.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["statements"][0]["products"][0]["subcomponents"]
json.dump(d, open(sys.argv[2], "w"))
PY
scan -f json --vex "$T_TMP/whole-image.json"
check "OpenVEX image product without subcomponents: every package" test "$(hidden)" = "libcrypto3 libssl3"

# --- CycloneDX VEX ---------------------------------------------------------------
scan -f json --vex "$vex/cyclonedx-vex.json"
check "CycloneDX not_affected (by bom-ref): libssl3 suppressed" test "$(hidden)" = "libssl3"
check "CycloneDX in_triage: libcrypto3 still shown" test "$(shown)" = "libcrypto3"
check "CycloneDX: the justification and detail" test "$(q "d['suppressed'][0]['justification']")" = \
	"code_not_reachable: libssl3 never reaches the GF(2^m) curve code"
scan -f json --vex "$vex/cyclonedx-exploitable.json"
check "CycloneDX exploitable: nothing suppressed" test "$(shown)" = "libcrypto3 libssl3"
scan --exit-code 3 --vex "$vex/cyclonedx-vex.json" --ignorefile "$vex/ignore-package.yaml"
check "ignore file and VEX together: still gating on libcrypto3" test "$RC" = 3

# an SBOM keeps the purls: the same VEX applies to a scan of it
"$CUSTOMS" -q sbom -f cyclonedx -o "$T_TMP/a20.cdx.json" "$img"
run scan sbom -f json --db "$db" --db-max-age 0 --vex "$vex/openvex-not-affected.json" "$T_TMP/a20.cdx.json"
check "scan sbom: OpenVEX applies by purl" test "$(hidden)" = "libssl3"

# --- malformed input: exit 2, one line naming the file ---------------------------
expect_error "ignore file with an unknown key" 2 \
	"ignore file '.*ignore-bad\.yaml' line 5: unknown key 'severity'" \
	scan image --db "$db" --ignorefile "$vex/ignore-bad.yaml" "$img"
expect_error "missing ignore file" 2 "ignore file '$T_TMP/none.yaml': cannot open" \
	scan image --db "$db" --ignorefile "$T_TMP/none.yaml" "$img"
printf 'vulnerabilities:\n  - id: CVE-2024-9143\n    reason: r\n    expires: 2024-02-30\n' >"$T_TMP/bad-date.yaml"
expect_error "ignore file with a bad date" 2 "bad-date\.yaml' line 4: invalid date '2024-02-30'" \
	scan image --db "$db" --ignorefile "$T_TMP/bad-date.yaml" "$img"
printf 'vulnerabilities:\n  - id: CVE-2024-9143\n' >"$T_TMP/no-reason.yaml"
expect_error "ignore file without a reason" 2 "no-reason\.yaml' line 2: entry for 'CVE-2024-9143' without 'reason'" \
	scan image --db "$db" --ignorefile "$T_TMP/no-reason.yaml" "$img"
expect_error "OpenVEX with an unknown status" 2 \
	"vex '.*openvex-bad\.json': statement 2: unknown status 'probably_fine'" \
	scan image --db "$db" --vex "$vex/openvex-bad.json" "$img"
expect_error "truncated CycloneDX VEX" 2 "vex '.*cyclonedx-bad\.json': invalid JSON at line" \
	scan image --db "$db" --vex "$vex/cyclonedx-bad.json" "$img"
expect_error "a VEX that is neither format" 2 "vex '.*sbom\.json': neither OpenVEX" \
	scan image --db "$db" --vex "$T_TMP/sbom.json" "$img"
expect_error "missing VEX file" 2 "vex '$T_TMP/none.json'" \
	scan image --db "$db" --vex "$T_TMP/none.json" "$img"
head -c $((33 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$T_TMP/huge.json"
expect_error "VEX larger than the limit" 2 "vex '.*huge\.json'.*larger than" \
	scan image --db "$db" --vex "$T_TMP/huge.json" "$img"
args=()
for i in $(seq 65); do args+=(--vex "$vex/openvex-affected.json"); done
expect_error "more than 64 --vex files" 2 "more than 64 --vex files" scan image --db "$db" "${args[@]}" "$img"
check "a malformed file writes no report" bash -c "! '$CUSTOMS' scan image --db '$db' --vex '$vex/openvex-bad.json' -o '$T_TMP/r.json' '$img' 2>/dev/null && test ! -e '$T_TMP/r.json'"

finish
