#!/usr/bin/env bash
# customs policy eval on real images: a real docker-registry on 127.0.0.1,
# OCI layouts and docker-archives from the fixtures (rewritten by
# policy-image.py where a test needs a known creation time, user, label or
# base-image annotation), a root filesystem with real lock files, and a
# vulnerability database built from the shared feeds. The expected
# vulnerability violations are computed here from customs scan's JSON.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"

feeds=$CUSTOMS_SHARED/feeds
alpine20=$(fixture alpine-3.20.oci)
alpine16=$(fixture alpine-3.16.oci)
dockertar=$(fixture alpine-3.20.docker.tar)
mkimg() { python3 "$CUSTOMS_SRC/tests/e2e/policy-image.py" "$@" >/dev/null; }
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# good: recent, non-root, labelled, built on alpine 3.20; bad: none of that
mkimg "$alpine20" "$T_TMP/good.oci" --created "$now" --user 1000:1000 \
	--label org.opencontainers.image.source=https://git.example.com/team/app \
	--label maintainer=team@example.com --base-name docker.io/library/alpine:3.20
mkimg "$alpine16" "$T_TMP/bad.oci" --created 2020-01-01T00:00:00Z --user root \
	--label org.opencontainers.image.source=http://insecure.example.com/app
# on top of alpine 3.20's layers, without any annotation
printf 'app\n' >"$T_TMP/app.txt"
tar -C "$T_TMP" -cf "$T_TMP/app.tar" app.txt
mkimg "$alpine20" "$T_TMP/derived.oci" --add-layer "$T_TMP/app.tar" --user 1000

reg_start plain
P=127.0.0.1:$REG_PORT
push "oci:$T_TMP/good.oci" "$P/team/app:1.0" && push "oci:$T_TMP/bad.oci" "$P/other/app:1.0" ||
	skip_all "cannot push to the registry"

cat >"$T_TMP/policy.yaml" <<YAML
apiVersion: customs.dev/v1
kind: ImagePolicy
metadata:
  name: production
mode: enforce
rules:
  trustedRegistries:
    - "127.0.0.1:*/team/*"
  forbidRootUser: true
  requiredLabels:
    - key: org.opencontainers.image.source
      value: "^https://"
    - maintainer
  maxAge: 30d
  allowedBaseImages:
    names: ["docker.io/library/alpine:3.*"]
YAML

# ---- registry images: allowed, and denied with every reason --------------
expect_ok "eval: trusted, recent, non-root, labelled image from the registry is allowed" \
	policy eval "$T_TMP/policy.yaml" "registry:$P/team/app:1.0" --insecure -f json
check "allowed image: allowed true, no violations" test \
	"$(json_get "(d['images'][0]['allowed'], d['images'][0]['violations'])" <<<"$OUT")" = "(True, [])"
check "allowed image: the digest is the registry's manifest digest" test \
	"$(json_get "d['images'][0]['digest']" <<<"$OUT")" = \
	"$(skopeo inspect --tls-verify=false "docker://$P/team/app:1.0" | json_get "d['Digest']")"

run policy eval "$T_TMP/policy.yaml" "registry:$P/other/app:1.0" --insecure -f json
check "untrusted image: exit 1" test "$RC" = 1
printf '%s' "$OUT" >"$T_TMP/bad.json"
rules=$(json_get "' '.join(sorted(v['rule'] for v in d['images'][0]['violations']))" <"$T_TMP/bad.json")
check "untrusted image: every reason listed ($rules)" test "$rules" = \
	"base-image label label max-age root-user trusted-registry"
check "untrusted image: the untrusted repository is named" grep -q "repository '$P/other/app' is not in trustedRegistries" "$T_TMP/bad.json"
check "untrusted image: the label value mismatch quotes value and regex" \
	grep -q "label 'org.opencontainers.image.source' value 'http://insecure.example.com/app' does not match /^https:\\/\\//" "$T_TMP/bad.json"
check "untrusted image: the missing label is named" grep -q "required label 'maintainer' is missing" "$T_TMP/bad.json"
check "untrusted image: root user named" grep -q "image runs as root (User 'root')" "$T_TMP/bad.json"
check "untrusted image: the age is computed from created (2020-01-01)" \
	grep -q "image was created 2020-01-01T00:00:00Z, $((($(date +%s) - $(date -d 2020-01-01T00:00:00Z +%s)) / 86400)) days ago (maxAge 30 days)" "$T_TMP/bad.json"
check "untrusted image: unknown base image" grep -q "base image unknown" "$T_TMP/bad.json"

run policy eval "$T_TMP/policy.yaml" "registry:$P/team/app:1.0" "registry:$P/other/app:1.0" --insecure
check "two images, table: exit 1, one allow and one deny row" \
	test "$RC" = 1 -a "$(grep -c ' allow ' <<<"$OUT")" = 1 -a "$(grep -c ' deny ' <<<"$OUT")" = 1
run policy eval "$T_TMP/policy.yaml" "registry:$P/other/app:1.0" --insecure --exit-code 7
check "--exit-code 7 when denied" test "$RC" = 7

# ---- signatures and attestations: customs keygen/sign/attest (cosign's layout) ----
export COSIGN_PASSWORD=
if "$CUSTOMS" keygen --output-key-prefix "$T_TMP/signer" >/dev/null 2>&1 &&
	"$CUSTOMS" keygen --output-key-prefix "$T_TMP/stranger" >/dev/null 2>&1 &&
	"$CUSTOMS" sign "$P/team/app:1.0" --key "$T_TMP/signer.key" --insecure 2>/dev/null &&
	printf '{"builder":"ci.example.com"}\n' >"$T_TMP/pred.json" &&
	"$CUSTOMS" attest "$P/team/app:1.0" --key "$T_TMP/signer.key" --predicate "$T_TMP/pred.json" \
		--type custom --insecure 2>/dev/null; then
	sigpolicy() { # sigpolicy FILE KEY
		cat >"$1" <<YAML
apiVersion: customs.dev/v1
kind: ImagePolicy
rules:
  signatures:
    - match: "127.0.0.1:*/**"
      keys: [$2]
  attestations:
    - match: "127.0.0.1:*/**"
      type: custom
      keys: [$2]
YAML
	}
	sigpolicy "$T_TMP/sig.yaml" "$T_TMP/signer.pub"
	sigpolicy "$T_TMP/sig-stranger.yaml" "$T_TMP/stranger.pub"
	expect_ok "signed and attested image: allowed" policy eval "$T_TMP/sig.yaml" "registry:$P/team/app:1.0" --insecure
	run policy eval "$T_TMP/sig.yaml" "registry:$P/other/app:1.0" --insecure -f json
	check "unsigned image: denied by signature and attestation" test \
		"$RC:$(json_get "[v['rule'] for v in d['images'][0]['violations']]" <<<"$OUT")" = "1:['signature', 'attestation']"
	check "unsigned image: no .sig tag found" grep -q "no signature ('sha256-HEX.sig' tag) found" <<<"$OUT"
	run policy eval "$T_TMP/sig-stranger.yaml" "registry:$P/team/app:1.0" --insecure -f json
	check "signed by another key: denied by signature and attestation" test \
		"$RC:$(json_get "[v['rule'] for v in d['images'][0]['violations']]" <<<"$OUT")" = "1:['signature', 'attestation']"
	sed 's/type: custom/type: cyclonedx/' "$T_TMP/sig.yaml" >"$T_TMP/sig-type.yaml"
	run policy eval "$T_TMP/sig-type.yaml" "registry:$P/team/app:1.0" --insecure -f json
	check "an attestation of another predicate type does not count" test \
		"$RC:$(json_get "[v['rule'] for v in d['images'][0]['violations']]" <<<"$OUT")" = "1:['attestation']"
	expect_error "a signature key that cannot be read is bad input" 2 "nothere.pub" \
		policy eval <(sed "s|$T_TMP/signer.pub|$T_TMP/nothere.pub|" "$T_TMP/sig.yaml") "registry:$P/team/app:1.0" --insecure
else
	fail "customs keygen/sign/attest could not sign the test image"
fi
unset COSIGN_PASSWORD

# ---- local sources: oci:, docker-archive: -----------------------------------
cat >"$T_TMP/local.yaml" <<YAML
apiVersion: customs.dev/v1
kind: ImagePolicy
rules:
  forbidRootUser: true
  maxAge: 3650d
YAML
expect_ok "oci: non-root image is allowed" policy eval "$T_TMP/local.yaml" "oci:$T_TMP/good.oci"
run policy eval "$T_TMP/local.yaml" "docker-archive:$dockertar" -f json
check "docker-archive: alpine runs as root: denied with root-user only" test \
	"$RC:$(json_get "[v['rule'] for v in d['images'][0]['violations']]" <<<"$OUT")" = "1:['root-user']"
run policy eval "$T_TMP/policy.yaml" "oci:$T_TMP/good.oci" -f json
check "oci: trustedRegistries denies an image that does not come from a registry" test \
	"$(json_get "[v['rule'] for v in d['images'][0]['violations']]" <<<"$OUT")" = "['trusted-registry']"

# ---- base images by layers ---------------------------------------------------
cat >"$T_TMP/base.yaml" <<YAML
apiVersion: customs.dev/v1
kind: ImagePolicy
rules:
  allowedBaseImages:
    refs: ["oci:$alpine20:3.20"]
YAML
expect_ok "base image: alpine 3.20's layers start the derived image" \
	policy eval "$T_TMP/base.yaml" "oci:$T_TMP/derived.oci"
run policy eval "$T_TMP/base.yaml" "oci:$alpine16:3.16" -f json
check "base image: alpine 3.16 is not built on alpine 3.20" test \
	"$RC:$(json_get "[v['rule'] for v in d['images'][0]['violations']]" <<<"$OUT")" = "1:['base-image']"
printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  allowedBaseImages:\n    refs: ["oci:%s/nothere"]\n' "$T_TMP" >"$T_TMP/base-bad.yaml"
expect_error "base image reference that cannot be opened" 2 "base-bad.yaml: allowed base image 'oci:.*nothere'" \
	policy eval "$T_TMP/base-bad.yaml" "oci:$alpine16:3.16"

# ---- audit mode ----------------------------------------------------------------
sed 's/^mode: enforce/mode: audit/' "$T_TMP/policy.yaml" >"$T_TMP/audit.yaml"
run policy eval "$T_TMP/audit.yaml" "registry:$P/other/app:1.0" --insecure -f json
check "audit mode: exit 0, allowed, the 6 violations still listed" test \
	"$RC:$(json_get "(d['mode'], d['images'][0]['allowed'], len(d['images'][0]['violations']))" <<<"$OUT")" = \
	"0:('audit', True, 6)"

# ---- vulnerabilities -------------------------------------------------------------
db=$T_TMP/db.sqlite
expect_ok "db build (alpine secdb, rubysec, KEV)" db build --from "$feeds/alpine-secdb" \
	--from "$feeds/rubysec" --from "$feeds/kev" --db "$db"
root=$T_TMP/root
mkdir -p "$root/app"
tar -xzf "$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.16.9-x86_64.tar.gz" -C "$root"
cp "$CUSTOMS_TESTDATA/policy/Gemfile.lock" "$root/app/"
cat >"$T_TMP/vuln.yaml" <<YAML
apiVersion: customs.dev/v1
kind: ImagePolicy
rules:
  vulnerabilities:
    maxSeverity: medium
    maxCvss: 9.0
    denyKev: true
YAML
expect_ok "scan the root filesystem (the reference findings)" scan rootfs -f json --db "$db" --db-max-age 0 "$root"
printf '%s' "$OUT" >"$T_TMP/scan.json"
run policy eval "$T_TMP/vuln.yaml" "dir:$root" --db "$db" -f json
printf '%s' "$OUT" >"$T_TMP/vuln.json"
check "vulnerabilities: denied (exit 1)" test "$RC" = 1
python3 - "$T_TMP/scan.json" "$T_TMP/vuln.json" >"$T_TMP/vuln-check" <<'PY'
import json, sys
order = ["unknown", "negligible", "low", "medium", "high", "critical"]
scan, ev = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
want = set()
for f in scan["findings"]:
    over = order.index(f["severity"]) > order.index("medium")
    cvss = (f.get("cvss3") or {}).get("score") or 0
    if over or cvss > 9.0 or f["kev"]:
        want.add((f["id"], f["package"]["name"]))
got = set()
for v in ev["images"][0]["violations"]:
    assert v["rule"] == "vulnerability", v
    ident, rest = v["message"].split(" in ", 1)
    got.add((ident, rest.split(" ")[0]))
print("want", len(want), "missing", len(want - got), "unexpected", len(got - want))
PY
check "vulnerabilities: one violation per finding over the limits ($(cat "$T_TMP/vuln-check"))" \
	grep -Eq '^want [1-9][0-9]* missing 0 unexpected 0$' "$T_TMP/vuln-check"
check "vulnerabilities: CVE-2019-5418 in actionview 5.2.2 is in CISA KEV" \
	grep -q 'CVE-2019-5418 in actionview 5.2.2: severity high > medium, in CISA KEV (known exploited)' "$T_TMP/vuln.json"
check "vulnerabilities: CVE-2022-30123 in rack 2.2.3 over maxCvss (10.0)" \
	grep -q 'CVE-2022-30123 in rack 2.2.3: severity critical > medium, CVSS 10.0 > 9.0' "$T_TMP/vuln.json"
printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities:\n    maxSeverity: critical\n    denyKev: true\n' >"$T_TMP/vuln-ok.yaml"
rm "$root/app/Gemfile.lock"
expect_ok "vulnerabilities: alpine 3.16 alone has no critical or KEV finding" \
	policy eval "$T_TMP/vuln-ok.yaml" "dir:$root" --db "$db"
expect_error "vulnerabilities: a missing database is bad input" 2 "nothere.sqlite" \
	policy eval "$T_TMP/vuln-ok.yaml" "dir:$root" --db "$T_TMP/nothere.sqlite"

# ---- vulnerabilities from a signed vulnerability attestation (no database) ---------
# the reference scan report above is attested on team/app by the signer; the
# policy judges the attested findings with the same limits as a scan's
export COSIGN_PASSWORD=
if [ -s "$T_TMP/signer.key" ] &&
	"$CUSTOMS" attest "$P/team/app:1.0" --key "$T_TMP/signer.key" --predicate "$T_TMP/scan.json" \
		--type vuln --insecure 2>/dev/null; then
	attpolicy() { # attpolicy FILE KEY
		printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities:\n    source: attestation\n    keys: [%s]\n    maxSeverity: medium\n    maxCvss: 9.0\n    denyKev: true\n' "$2" >"$1"
	}
	attpolicy "$T_TMP/vuln-att.yaml" "$T_TMP/signer.pub"
	attpolicy "$T_TMP/vuln-att-stranger.yaml" "$T_TMP/stranger.pub"
	run policy eval "$T_TMP/vuln-att.yaml" "registry:$P/team/app:1.0" --insecure -f json
	printf '%s' "$OUT" >"$T_TMP/vuln-att.json"
	check "attested vulnerabilities: denied (exit 1) without a database" test "$RC" = 1
	check "attested vulnerabilities: the KEV finding" grep -q \
		'CVE-2019-5418 in actionview 5.2.2 (attested): severity high > medium, in CISA KEV (known exploited)' \
		"$T_TMP/vuln-att.json"
	check "attested vulnerabilities: the same violations as the scan of the same report" test \
		"$(json_get "sorted(v['message'].replace(' (attested)', '') for v in d['images'][0]['violations'])" <"$T_TMP/vuln-att.json")" = \
		"$(json_get "sorted(v['message'] for v in d['images'][0]['violations'])" <"$T_TMP/vuln.json")"
	run policy eval "$T_TMP/vuln-att-stranger.yaml" "registry:$P/team/app:1.0" --insecure -f json
	check "attested vulnerabilities: an attestation by another key does not count" test \
		"$RC:$(json_get "[v['message'].startswith('no verified vulnerability attestation: ') for v in d['images'][0]['violations']]" <<<"$OUT")" = \
		"1:[True]"
	run policy eval "$T_TMP/vuln-att.yaml" "registry:$P/other/app:1.0" --insecure -f json
	check "attested vulnerabilities: an image without attestations is denied" \
		grep -q "no verified vulnerability attestation: no attestation ('sha256-HEX.att' tag) found" <<<"$OUT"
	expect_error "attested vulnerabilities need keys" 2 "keys" policy eval \
		<(printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  vulnerabilities:\n    source: attestation\n    denyKev: true\n') \
		"registry:$P/team/app:1.0" --insecure
else
	fail "customs attest could not attach the vulnerability report"
fi
unset COSIGN_PASSWORD

# ---- malformed policies: one line naming file:line, exit 2 ---------------------------
printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  forbidRootUser: true\n  maxAgee: 3d\n' >"$T_TMP/typo.yaml"
expect_error "unknown key" 2 "typo.yaml:5: unknown key 'maxAgee' in rules" \
	policy eval "$T_TMP/typo.yaml" "oci:$alpine20:3.20"
printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules: [\n' >"$T_TMP/syntax.yaml"
expect_error "YAML syntax error" 2 "syntax.yaml:[0-9]+: invalid yaml" \
	policy eval "$T_TMP/syntax.yaml" "oci:$alpine20:3.20"
printf 'apiVersion: customs.dev/v2\nkind: ImagePolicy\nrules: {}\n' >"$T_TMP/v2.yaml"
expect_error "unsupported apiVersion" 2 "v2.yaml:1: unsupported apiVersion 'customs.dev/v2'" \
	policy eval "$T_TMP/v2.yaml" "oci:$alpine20:3.20"
printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nmode: strict\nrules: {}\n' >"$T_TMP/mode.yaml"
expect_error "bad mode" 2 "mode.yaml:3: mode must be 'enforce' or 'audit', not 'strict'" \
	policy eval "$T_TMP/mode.yaml" "oci:$alpine20:3.20"
printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  requiredLabels:\n    - key: a\n      value: "(["\n' >"$T_TMP/re.yaml"
expect_error "invalid label regex" 2 "re.yaml:5: requiredLabels 'a': invalid value regex" \
	policy eval "$T_TMP/re.yaml" "oci:$alpine20:3.20"
printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  maxAge: soon\n' >"$T_TMP/age.yaml"
expect_error "invalid maxAge" 2 "age.yaml:4: invalid maxAge 'soon'" \
	policy eval "$T_TMP/age.yaml" "oci:$alpine20:3.20"
expect_error "missing policy file" 2 "nothere.yaml" policy eval "$T_TMP/nothere.yaml" "oci:$alpine20:3.20"
expect_error "an image that cannot be opened" 2 "nothere.oci" policy eval "$T_TMP/local.yaml" "oci:$T_TMP/nothere.oci"
expect_error "no image given" 2 "policy eval takes a policy and image references" policy eval "$T_TMP/local.yaml"

finish
