#!/usr/bin/env bash
# sign: cosign-compatible signatures and attestations in a real
# docker-registry: keygen, sign, verify by tag and digest, a re-tagged
# (tampered) tag, two signers on one image, $COSIGN_REPOSITORY, wrong keys,
# attestations (a CycloneDX SBOM and a vulnerability report made by customs
# itself) round trip, and the registry layout checked with curl.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"

ALPINE=$(fixture alpine-3.20.oci)
ALPINE18=$(fixture alpine-3.18.oci)
export HOME=$T_TMP/home
mkdir -p "$HOME"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_RUNTIME_DIR COSIGN_REPOSITORY
export COSIGN_PASSWORD=customs-test-password
cd "$T_TMP" || exit 1

layout_digest() { json_get 'd["manifests"][0]["digest"]' <"$1/index.json"; }
DIGEST=$(layout_digest "$ALPINE")
DIGEST18=$(layout_digest "$ALPINE18")
SIGTAG=sha256-${DIGEST#sha256:}.sig
ATTTAG=sha256-${DIGEST#sha256:}.att

reg_start plain
P=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$P/app:1.0" || skip_all "cannot push to the registry"
push "oci:$ALPINE18:3.18" "$P/app:old" || fail "push the second image"

# manifest_of REPO TAG: the manifest JSON in the registry
manifest_of() {
	curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json" "http://$P/v2/$1/manifests/$2"
}
blob_of() { curl -sf "http://$P/v2/$1/blobs/$2"; }
# ossl_verify PUB SIG FILE: openssl's own ECDSA check, independent of customs
ossl_verify() { openssl dgst -sha256 -verify "$1" -signature "$2" "$3" >/dev/null; }

expect_ok "sbom -f cyclonedx (the predicate)" sbom -f cyclonedx -o sbom.cdx.json "oci:$ALPINE:3.20"

# ---- keys ----
expect_ok "keygen alice" keygen --output-key-prefix alice
expect_ok "keygen bob" keygen --output-key-prefix bob
expect_ok "keygen mallory" keygen --output-key-prefix mallory

# ---- sign and verify ----
expect_ok "sign by tag" sign --insecure --key alice.key -a team=blue --tlog-upload=false "$P/app:1.0"
check "sign reports the signature tag" grep -q "$SIGTAG" <<<"$ERR"
M=$(manifest_of app "$SIGTAG")
check "signature manifest under sha256-HEX.sig" [ -n "$M" ]
mq() { printf '%s' "$M" | json_get "$1"; }
check "signature manifest is an OCI image manifest" \
	[ "$(mq 'd["mediaType"]')" = "application/vnd.oci.image.manifest.v1+json" ]
check "config media type" [ "$(mq 'd["config"]["mediaType"]')" = "application/vnd.oci.image.config.v1+json" ]
check "one layer" [ "$(mq 'len(d["layers"])')" = 1 ]
check "layer media type simplesigning" \
	[ "$(mq 'd["layers"][0]["mediaType"]')" = "application/vnd.dev.cosign.simplesigning.v1+json" ]
check "signature annotation is base64" \
	bash -c "printf '%s' '$(mq 'd["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"]')' | base64 -d >/dev/null"
PAYLOAD=$(blob_of app "$(mq 'd["layers"][0]["digest"]')")
pq() { printf '%s' "$PAYLOAD" | json_get "$1"; }
check "payload names the image digest" [ "$(pq 'd["critical"]["image"]["docker-manifest-digest"]')" = "$DIGEST" ]
check "payload names the repository" [ "$(pq 'd["critical"]["identity"]["docker-reference"]')" = "$P/app" ]
check "payload type" [ "$(pq 'd["critical"]["type"]')" = "cosign container image signature" ]
check "payload carries the annotation" [ "$(pq 'd["optional"]["team"]')" = blue ]
CFG=$(blob_of app "$(mq 'd["config"]["digest"]')")
check "config lists the layer as its diff_id" \
	[ "$(printf '%s' "$CFG" | json_get 'd["rootfs"]["diff_ids"][0]')" = "$(mq 'd["layers"][0]["digest"]')" ]
# the signature with openssl, independently of customs
printf '%s' "$PAYLOAD" >payload.json
mq 'd["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"]' | base64 -d >payload.sig
check "openssl verifies the pushed signature with alice.pub" ossl_verify alice.pub payload.sig payload.json

expect_ok "verify by tag with alice.pub" verify --insecure --key alice.pub "$P/app:1.0"
check "verify prints the payload" [ "$(printf '%s' "$OUT" | head -1 | json_get 'd["critical"]["image"]["docker-manifest-digest"]')" = "$DIGEST" ]
expect_ok "verify by digest (registry: prefix)" verify --insecure --key alice.pub "registry:$P/app@$DIGEST"
expect_ok "verify -o FILE" verify --insecure --key alice.pub -o verified.json "$P/app:1.0"
check "verified payload written to the file" grep -q "$DIGEST" verified.json

run verify --insecure --key alice.pub --rekor-key "$CUSTOMS_SHARED/signing/cosign-containers-image/rekor.pub" "$P/app:1.0"
check "--rekor-key without a Rekor bundle on the layer: exit 1" [ "$RC" = 1 ]
run verify --insecure --key mallory.pub "$P/app:1.0"
check "wrong key: exit 1" [ "$RC" = 1 ]
check "wrong key: says why" grep -qi "verif" <<<"$ERR"
check "wrong key: nothing on stdout" [ -z "$OUT" ]

# signing again with the same key and payload adds nothing (ECDSA signatures are
# randomised, so a new signature is a new layer: cosign appends it too)
expect_ok "sign again" sign --insecure --key alice.key -a team=blue "$P/app:1.0"
check "second signature appended" [ "$(manifest_of app "$SIGTAG" | json_get 'len(d["layers"])')" = 2 ]

# ---- a second signer: both verify, each key finds its own ----
expect_ok "sign with bob" sign --insecure --key bob.key "$P/app:1.0"
M=$(manifest_of app "$SIGTAG")
check "existing signatures kept" [ "$(mq 'len(d["layers"])')" = 3 ]
expect_ok "verify with bob.pub alone" verify --insecure --key bob.pub "$P/app:1.0"
check "bob: one payload verified" [ "$(printf '%s\n' "$OUT" | grep -c docker-manifest-digest)" = 1 ]
expect_ok "verify with alice.pub alone" verify --insecure --key alice.pub "$P/app:1.0"
check "alice: her two payloads verified" [ "$(printf '%s\n' "$OUT" | grep -c docker-manifest-digest)" = 2 ]
expect_ok "verify with both keys" verify --insecure --key alice.pub --key bob.pub "$P/app:1.0"
check "both: three payloads verified" [ "$(printf '%s\n' "$OUT" | grep -c docker-manifest-digest)" = 3 ]

# ---- tamper: another manifest under the signed tag ----
skopeo copy -q --src-tls-verify=false --dest-tls-verify=false "docker://$P/app:old" "docker://$P/app:1.0" >/dev/null 2>&1 ||
	fail "re-tag app:1.0"
run verify --insecure --key alice.pub --key bob.pub "$P/app:1.0"
check "re-tagged image: verify fails with 1" [ "$RC" = 1 ]
check "re-tagged image: no signatures for the new digest" grep -q "$DIGEST18" <<<"$ERR"
expect_ok "the signed digest still verifies" verify --insecure --key alice.pub "$P/app@$DIGEST"

# a signature copied onto the other image's tag: the payload names another digest
SIG18=sha256-${DIGEST18#sha256:}.sig
manifest_of app "$SIGTAG" >sig.json
curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
	--data-binary @sig.json "http://$P/v2/app/manifests/$SIG18" >/dev/null || fail "copy the signature manifest"
run verify --insecure --key alice.pub "$P/app@$DIGEST18"
check "signature of another image: exit 1" [ "$RC" = 1 ]
check "signature of another image: the signed digest is named" grep -q "$DIGEST" <<<"$ERR"

# ---- a corrupted payload blob: the layer fails, the reason is given ----
push "oci:$ALPINE:3.20" "$P/corrupt:1.0" || fail "push corrupt"
expect_ok "sign corrupt:1.0" sign --insecure --key alice.key "$P/corrupt:1.0"
CM=$(manifest_of corrupt "$SIGTAG")
CL=$(printf '%s' "$CM" | json_get 'd["layers"][0]["digest"]')
data=$REG_STORAGE/docker/registry/v2/blobs/sha256/${CL:7:2}/${CL#sha256:}/data
python3 - "$data" <<'PY'
import sys
p = sys.argv[1]
b = open(p, 'rb').read().replace(b'cosign container image signature', b'cosign container image signaturf')
open(p, 'wb').write(b)
PY
run verify --insecure --key alice.pub "$P/corrupt:1.0"
check "corrupted payload blob: exit 1" [ "$RC" = 1 ]
check "corrupted payload blob: digest named" grep -q "$CL" <<<"$ERR"

# ---- COSIGN_REPOSITORY ----
push "oci:$ALPINE:3.20" "$P/elsewhere:1.0" || fail "push elsewhere"
COSIGN_REPOSITORY=$P/signatures expect_ok "sign into \$COSIGN_REPOSITORY" \
	sign --insecure --key alice.key "$P/elsewhere:1.0"
has_manifest() { manifest_of "$1" "$2" >/dev/null; }
check "signature stored in the other repository" has_manifest signatures "$SIGTAG"
check "nothing stored beside the image" bash -c "! curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' http://$P/v2/elsewhere/manifests/$SIGTAG >/dev/null"
COSIGN_REPOSITORY=$P/signatures expect_ok "verify from \$COSIGN_REPOSITORY" \
	verify --insecure --key alice.pub "$P/elsewhere:1.0"
run verify --insecure --key alice.pub "$P/elsewhere:1.0"
check "without \$COSIGN_REPOSITORY: no signatures (exit 1)" [ "$RC" = 1 ]

# ---- basic auth: pushes carry the credentials ----
htpasswd -Bbn alice wonderland >htpasswd
reg_start basic "auth:
  htpasswd:
    realm: customs-test
    path: $T_TMP/htpasswd"
B=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$B/team/app:1.0" --dest-creds alice:wonderland || fail "push basic"
expect_error "basic: sign without credentials" 2 "registry '$B' repository 'team/app': authentication required" \
	sign --insecure --key alice.key "$B/team/app:1.0"
expect_ok "basic: sign with --creds" sign --insecure --creds alice:wonderland --key alice.key "$B/team/app:1.0"
expect_ok "basic: verify with --creds" verify --insecure --creds alice:wonderland --key alice.pub "$B/team/app:1.0"

# ---- bearer tokens: sign asks for pull,push; verify for pull ----
token_server_start "$T_TMP/token" --user bob:builder || fail "token server did not start"
reg_start token "auth:
  token:
    realm: http://127.0.0.1:$TOKEN_PORT/token
    service: customs-test
    issuer: customs-test-issuer
    rootcertbundle: $TOKEN_CERT"
K=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$K/team/app:1.0" --dest-creds bob:builder || fail "push token"
: >"$TOKEN_LOG"
expect_ok "token: sign" sign --insecure --creds bob:builder --key bob.key "$K/team/app:1.0"
check "token: push scope requested" grep -q "scope=repository:team/app:pull,push$" "$TOKEN_LOG"
: >"$TOKEN_LOG"
expect_ok "token: verify" verify --insecure --creds bob:builder --key bob.pub "$K/team/app:1.0"
check "token: verify asks for pull only" bash -c "grep -q 'scope=repository:team/app:pull$' '$TOKEN_LOG' && ! grep -q push '$TOKEN_LOG'"
expect_ok "token: attest" attest --insecure --creds bob:builder --key bob.key --predicate sbom.cdx.json --type cyclonedx "$K/team/app:1.0"

# ---- bad input ----
expect_error "sign: no key" 2 "needs --key" sign --insecure "$P/app:1.0"
expect_error "sign: not a registry reference" 2 "registry" sign --insecure --key alice.key "oci:$ALPINE:3.20"
expect_error "sign: unknown tag" 2 "manifest 'nope' not found" sign --insecure --key alice.key "$P/app:nope"
expect_error "sign: tlog upload refused" 2 "transparency log" sign --insecure --key alice.key --tlog-upload=true "$P/app:1.0"
expect_error "sign: bad annotation" 2 "KEY=VALUE" sign --insecure --key alice.key -a novalue "$P/app:1.0"
COSIGN_PASSWORD=wrong expect_error "sign: wrong password" 2 "alice.key" sign --insecure --key alice.key "$P/app:1.0"
expect_error "verify: no key" 2 "needs --key" verify --insecure "$P/app:1.0"
expect_error "verify: key is not a public key" 2 "alice.key.*not a PUBLIC KEY" verify --insecure --key alice.key "$P/app:1.0"

# ---- attestations ----
expect_ok "attest cyclonedx" attest --insecure --key alice.key --predicate sbom.cdx.json --type cyclonedx "$P/app@$DIGEST"
A=$(manifest_of app "$ATTTAG")
aq() { printf '%s' "$A" | json_get "$1"; }
check "attestation manifest under sha256-HEX.att" [ -n "$A" ]
check "layer media type DSSE" [ "$(aq 'd["layers"][0]["mediaType"]')" = "application/vnd.dsse.envelope.v1+json" ]
check "predicateType annotation" [ "$(aq 'd["layers"][0]["annotations"]["predicateType"]')" = "https://cyclonedx.org/bom" ]
check "empty signature annotation, as cosign" [ "$(aq 'd["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"]')" = "" ]
ENV=$(blob_of app "$(aq 'd["layers"][0]["digest"]')")
printf '%s' "$ENV" >envelope.json
check "envelope payload type" [ "$(json_get 'd["payloadType"]' <envelope.json)" = "application/vnd.in-toto+json" ]
python3 - envelope.json pae.bin sig.bin statement.json <<'PY'
import base64, json, sys
e = json.load(open(sys.argv[1]))
body = base64.b64decode(e["payload"])
t = e["payloadType"].encode()
open(sys.argv[2], "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body))
open(sys.argv[3], "wb").write(base64.b64decode(e["signatures"][0]["sig"]))
open(sys.argv[4], "wb").write(body)
PY
check "openssl verifies the DSSE signature over the PAE" ossl_verify alice.pub sig.bin pae.bin
check "statement type v1" [ "$(json_get 'd["_type"]' <statement.json)" = "https://in-toto.io/Statement/v1" ]
check "statement subject digest" [ "$(json_get 'd["subject"][0]["digest"]["sha256"]' <statement.json)" = "${DIGEST#sha256:}" ]
check "statement predicate is the SBOM" [ "$(json_get 'd["predicate"]["bomFormat"]' <statement.json)" = CycloneDX ]

expect_ok "verify-attestation cyclonedx" verify-attestation --insecure --key alice.pub --type cyclonedx "$P/app@$DIGEST"
check "the SBOM comes back" [ "$(printf '%s' "$OUT" | json_get 'd["bomFormat"]')" = CycloneDX ]
check "same components as the SBOM file" [ "$(printf '%s' "$OUT" | json_get 'len(d["components"])')" = "$(json_get 'len(d["components"])' <sbom.cdx.json)" ]
run verify-attestation --insecure --key mallory.pub --type cyclonedx "$P/app@$DIGEST"
check "attestation, wrong key: exit 1" [ "$RC" = 1 ]
run verify-attestation --insecure --key alice.pub --type vuln "$P/app@$DIGEST"
check "attestation of another type: exit 1" [ "$RC" = 1 ]

# a vulnerability report made by customs scan
feeds=$CUSTOMS_SHARED/feeds
expect_ok "db build (alpine secdb)" db build --from "$feeds/alpine-secdb" --db db.sqlite
expect_ok "scan -f json (the predicate)" scan image -f json --db db.sqlite --db-max-age 0 -o scan.json "oci:$ALPINE:3.20"
expect_ok "attest vuln" attest --insecure --key bob.key --predicate scan.json --type vuln "$P/app@$DIGEST"
check "attestations kept: two layers" [ "$(manifest_of app "$ATTTAG" | json_get 'len(d["layers"])')" = 2 ]
expect_ok "verify-attestation vuln" verify-attestation --insecure --key bob.pub --type vuln "$P/app@$DIGEST"
check "vuln predicate holds the scan" [ "$(printf '%s' "$OUT" | json_get 'd["scanner"]["result"]["target"] is not None')" = True ]
check "CVE-2024-9143 in the attested scan" grep -q "CVE-2024-9143" <<<"$OUT"
expect_ok "verify-attestation, both keys, any type" verify-attestation --insecure --key alice.pub --key bob.pub "$P/app@$DIGEST"
check "both attestations printed" [ "$(printf '%s\n' "$OUT" | grep -c '')" = 2 ]
run verify-attestation --insecure --key alice.pub --type vuln "$P/app@$DIGEST"
check "vuln attestation with alice's key: exit 1 (bob signed it)" [ "$RC" = 1 ]

# an attestation copied onto another image: the subject does not match
ATT18=sha256-${DIGEST18#sha256:}.att
manifest_of app "$ATTTAG" >att.json
curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
	--data-binary @att.json "http://$P/v2/app/manifests/$ATT18" >/dev/null || fail "copy the attestation manifest"
run verify-attestation --insecure --key alice.pub --key bob.pub "$P/app@$DIGEST18"
check "attestation of another image: exit 1" [ "$RC" = 1 ]
check "attestation of another image: subject mismatch reported" grep -q "subjects do not include" <<<"$ERR"

printf 'hello\n' >note.txt
expect_ok "attest custom" attest --insecure --key alice.key --predicate note.txt "$P/app@$DIGEST"
expect_ok "verify-attestation custom" verify-attestation --insecure --key alice.pub --type custom "$P/app@$DIGEST"
check "custom predicate holds the text" [ "$(printf '%s' "$OUT" | json_get 'd["Data"]')" = hello ]
expect_error "attest: unknown type" 2 "--type 'sbom'" attest --insecure --key alice.key --predicate note.txt --type sbom "$P/app@$DIGEST"
expect_error "attest: predicate not JSON" 2 "predicate 'note.txt'" attest --insecure --key alice.key --predicate note.txt --type cyclonedx "$P/app@$DIGEST"
expect_error "attest: missing predicate" 2 "nope.json" attest --insecure --key alice.key --predicate nope.json --type cyclonedx "$P/app@$DIGEST"

# ---- tree: attachments found through a paginated tags list, and referrers ----
# 150 tags that sort before "sha256-...": the attachments are on the second page
manifest_of app "$DIGEST" >image.json
for i in $(seq -w 0 149); do
	curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
		--data-binary @image.json "http://$P/v2/app/manifests/a$i" >/dev/null || { fail "tag a$i"; break; }
done
expect_ok "tree -f json" tree --insecure -f json "$P/app@$DIGEST"
tq() { printf '%s' "$OUT" | json_get "$1"; }
check "tree: the image digest" [ "$(tq 'd["digest"]')" = "$DIGEST" ]
check "tree: signatures found past the first page" [ "$(tq 'len(d["signatures"]["layers"])')" = 3 ]
check "tree: signature manifest digest" [ -n "$(tq 'd["signatures"]["manifestDigest"]')" ]
check "tree: attestations with their predicate types" \
	[ "$(tq '",".join(sorted(set(l["predicateType"] for l in d["attestations"]["layers"])))')" = \
	"https://cosign.sigstore.dev/attestation/v1,https://cosign.sigstore.dev/attestation/vuln/v1,https://cyclonedx.org/bom" ]
check "tree: no sbom attachment" [ "$(tq 'd["sboms"]')" = None ]
check "tree: no referrers yet (fallback tag absent)" [ "$(tq 'len(d["referrers"]["manifests"])')" = 0 ]
# an OCI 1.1 artifact whose subject is the image, and the fallback tag index a
# client writes for a registry without the referrers API
printf '{}' >empty.json
LOC=$(curl -sf -X POST "http://$P/v2/app/blobs/uploads/" -D - -o /dev/null | tr -d '\r' | sed -n 's/^Location: //p')
curl -sf -X PUT "$LOC&digest=sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" \
	--data-binary @empty.json -H "Content-Type: application/octet-stream" >/dev/null || fail "upload the empty config"
SIZE=$(wc -c <image.json)
cat >artifact.json <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.sbom","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$DIGEST","size":$SIZE}}
JSON
ART=sha256:$(sha256sum <artifact.json | cut -d' ' -f1)
curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
	--data-binary @artifact.json "http://$P/v2/app/manifests/$ART" >/dev/null || fail "push the artifact"
cat >fallback.json <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$ART","size":$(wc -c <artifact.json),"artifactType":"application/vnd.example.sbom"}]}
JSON
curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" \
	--data-binary @fallback.json "http://$P/v2/app/manifests/sha256-${DIGEST#sha256:}" >/dev/null || fail "push the fallback index"
expect_ok "tree with a referrer" tree --insecure -f json "$P/app@$DIGEST"
check "tree: referrer from the fallback tag" [ "$(tq 'd["referrers"]["source"]')" = tag ]
check "tree: the referrer's digest and type" \
	[ "$(tq 'd["referrers"]["manifests"][0]["digest"] + " " + d["referrers"]["manifests"][0]["artifactType"]')" = "$ART application/vnd.example.sbom" ]
expect_ok "tree as text" tree --insecure "$P/app@$DIGEST"
check "tree text: signatures, attestations, referrers" \
	bash -c "grep -q '^signatures ($P/app:$SIGTAG)' <<<\"\$0\" && grep -q '^attestations' <<<\"\$0\" && grep -q '^referrers (fallback tag)' <<<\"\$0\"" "$OUT"
COSIGN_REPOSITORY=$P/signatures expect_ok "tree with \$COSIGN_REPOSITORY" tree --insecure -f json "$P/elsewhere:1.0"
check "tree: signatures found in \$COSIGN_REPOSITORY" [ "$(tq 'd["attachmentRepository"] + " " + str(len(d["signatures"]["layers"]))')" = "signatures 1" ]

finish
