#!/usr/bin/env bash
# customs verify REF --key PUB with Sigstore bundles (v0.3) attached as OCI
# 1.1 referrers, in a real docker-registry (no referrers API: the
# sha256-<hex> fallback index). The bundles are made here independently of
# customs: python3 writes the JSON, the openssl command line signs (DSSE PAE
# over an in-toto statement, a message signature over the manifest, a Rekor
# SignedEntryTimestamp with a test log key), curl pushes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"

command -v curl >/dev/null || skip_all "curl is not installed"
ALPINE=$(fixture alpine-3.20.oci)
ALPINE18=$(fixture alpine-3.18.oci)
export HOME=$T_TMP/home
mkdir -p "$HOME"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_RUNTIME_DIR COSIGN_REPOSITORY
cd "$T_TMP" || exit 1

reg_start plain
P=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$P/app:1.0" || skip_all "cannot push to the registry"
push "oci:$ALPINE18:3.18" "$P/app:old" || fail "push the second image"

OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
OCI_INDEX=application/vnd.oci.image.index.v1+json
BUNDLE=application/vnd.dev.sigstore.bundle.v0.3+json
curl -sf -H "Accept: $OCI_MANIFEST" -o m.json "http://$P/v2/app/manifests/1.0" ||
	skip_all "cannot read the pushed manifest"
digest=sha256:$(sha256sum m.json | cut -d' ' -f1)
size=$(stat -c %s m.json)
mtype=$(json_get "d['mediaType']" <m.json)
curl -sf -H "Accept: $OCI_MANIFEST" -o m18.json "http://$P/v2/app/manifests/old"
digest18=sha256:$(sha256sum m18.json | cut -d' ' -f1)

for k in signer mallory rekor otherlog; do
	openssl ecparam -name prime256v1 -genkey -noout -out $k.key 2>/dev/null &&
		openssl ec -in $k.key -pubout -out $k.pub 2>/dev/null ||
		skip_all "openssl cannot make EC keys"
done

# mkbundle OUT KIND [SUBJECT-DIGEST]: KIND dsse | message | cert | tampered | badmsg
mkbundle() {
	python3 - "$@" "$digest" "$T_TMP" <<'PY'
import base64, hashlib, json, subprocess, sys
out, kind = sys.argv[1], sys.argv[2]
subject = sys.argv[3] if len(sys.argv) > 5 else None
digest, tmp = sys.argv[-2], sys.argv[-1]
subject = subject or digest
b64 = lambda b: base64.b64encode(b).decode()
def sign(key, data):
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", f"{tmp}/{key}.key"],
                          input=data, capture_output=True, check=True).stdout
def der(pub):
    return subprocess.run(["openssl", "pkey", "-pubin", "-in", f"{tmp}/{pub}.pub", "-outform", "DER"],
                          capture_output=True, check=True).stdout
bundle = {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
          "verificationMaterial": {"publicKey": {"hint": "test"}}}
if kind in ("cert", "certok"):
    # a certificate names the key: the signer's (certok) or another one (cert)
    crt = open(f"{tmp}/{'signer' if kind == 'certok' else 'mallory'}.crt", "rb").read()
    bundle["verificationMaterial"] = {"x509CertificateChain": {"certificates": [{"rawBytes": b64(crt)}]}}
if kind in ("message", "badmsg"):
    m = open(f"{tmp}/m.json", "rb").read()
    md = hashlib.sha256(m).digest()
    if kind == "badmsg":
        md = hashlib.sha256(b"another manifest").digest()
    sig = sign("signer", m)
    bundle["messageSignature"] = {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(md)},
                                  "signature": b64(sig)}
else:
    st = {"_type": "https://in-toto.io/Statement/v1",
          "subject": [{"name": "app", "digest": {"sha256": subject.split(":")[1]}}],
          "predicateType": "https://sigstore.dev/cosign/sign/v1", "predicate": {}}
    payload = json.dumps(st, separators=(",", ":")).encode()
    ptype = "application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype.encode(), len(payload), payload)
    sig = sign("signer", pae)
    if kind == "tampered":
        payload = payload.replace(b"cosign/sign/v1", b"cosign/sign/v2")
    bundle["dsseEnvelope"] = {"payload": b64(payload), "payloadType": ptype,
                              "signatures": [{"sig": b64(sig), "keyid": ""}]}
# a transparency log entry with a SignedEntryTimestamp by the test log key
body = {"apiVersion": "0.0.1", "kind": "dsse",
        "spec": {"signatures": [{"signature": b64(sig), "verifier": b64(open(f"{tmp}/signer.pub", "rb").read())}]}}
cbody = b64(json.dumps(body, separators=(",", ":")).encode())
log_id = hashlib.sha256(der("rekor")).digest()
it, li = 1765000000, 4242
canon = '{"body":"%s","integratedTime":%d,"logID":"%s","logIndex":%d}' % (cbody, it, log_id.hex(), li)
bundle["verificationMaterial"]["tlogEntries"] = [{
    "logIndex": str(li), "logId": {"keyId": b64(log_id)},
    "kindVersion": {"kind": "dsse", "version": "0.0.1"}, "integratedTime": str(it),
    "inclusionPromise": {"signedEntryTimestamp": b64(sign("rekor", canon.encode()))},
    "canonicalizedBody": cbody}]
json.dump(bundle, open(out, "w"))
PY
}

put_blob() {
	local dg loc
	dg=sha256:$(sha256sum "$1" | cut -d' ' -f1)
	loc=$(curl -sf -X POST -D - -o /dev/null "http://$P/v2/app/blobs/uploads/" |
		tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
	[ -n "$loc" ] || return 1
	case $loc in http*) ;; *) loc=http://$P$loc ;; esac
	case $loc in *\?*) loc="$loc&digest=$dg" ;; *) loc="$loc?digest=$dg" ;; esac
	curl -sf -X PUT -H "Content-Type: application/octet-stream" --data-binary "@$1" "$loc" >/dev/null || return 1
	echo "$dg"
}
put_manifest() {
	curl -sf -X PUT -H "Content-Type: $3" --data-binary "@$1" "http://$P/v2/app/manifests/$2" >/dev/null
}
printf '{}' >empty.json
EMPTY=$(put_blob empty.json) || skip_all "cannot upload a blob with curl"
# attach BUNDLE-FILE [SUBJECT-DIGEST]: a referrer manifest as cosign writes
# it (empty config, the bundle as the one layer); prints "digest size"
attach() {
	local bd bs md subj=${2:-$digest}
	bd=$(put_blob "$1") || return 1
	bs=$(stat -c %s "$1")
	printf '{"schemaVersion":2,"mediaType":"%s","artifactType":"%s","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},"layers":[{"mediaType":"%s","digest":"%s","size":%s}],"subject":{"mediaType":"%s","digest":"%s","size":%s},"annotations":{"dev.sigstore.bundle.content":"dsse-envelope"}}' \
		"$OCI_MANIFEST" "$BUNDLE" "$EMPTY" "$BUNDLE" "$bd" "$bs" "$mtype" "$subj" "$size" >"$1.manifest"
	md=sha256:$(sha256sum "$1.manifest" | cut -d' ' -f1)
	put_manifest "$1.manifest" "$md" "$OCI_MANIFEST" || return 1
	echo "$md $(stat -c %s "$1.manifest")"
}
# referrers "digest size"...: the fallback index sha256-<hex> of the image
referrers() {
	local entries="" sep="" x
	for x in "$@"; do
		entries="$entries$sep{\"mediaType\":\"$OCI_MANIFEST\",\"artifactType\":\"$BUNDLE\",\"digest\":\"${x% *}\",\"size\":${x#* }}"
		sep=,
	done
	printf '{"schemaVersion":2,"mediaType":"%s","manifests":[%s]}' "$OCI_INDEX" "$entries" >refs.json
	put_manifest refs.json "sha256-${digest#sha256:}" "$OCI_INDEX"
}

expect_error "no .sig and no referrers: no signatures" 1 "no signatures found for $digest" \
	verify --insecure "$P/app:1.0" --key signer.pub

for k in signer mallory; do
	openssl req -x509 -new -key $k.key -subj "/CN=$k" -days 1 -outform DER -out $k.crt 2>/dev/null ||
		skip_all "openssl cannot make certificates"
done
for k in dsse message cert certok tampered badmsg; do
	mkbundle "$k.bundle" "$k" || fail "make the $k bundle"
done
mkbundle other.bundle dsse "$digest18" || fail "make the other image's bundle"

# --- a DSSE bundle -----------------------------------------------------------------
DSSE=$(attach dsse.bundle) || fail "attach the DSSE bundle"
referrers "$DSSE" || fail "push the referrers index"
expect_ok "a DSSE bundle found through the fallback tag verifies" verify --insecure "$P/app:1.0" \
	--key signer.pub
check "it reports the image, the content and the predicate type" test \
	"$(echo "$OUT" | json_get "(d['type'], d['digest'], d['content'], d['predicateType'], d['tlog'], d['source'])")" = \
	"('sigstore-bundle', '$digest', 'dsseEnvelope', 'https://sigstore.dev/cosign/sign/v1', False, '$P/app:1.0@${DSSE% *}')"
expect_ok "by digest, with the Rekor key: the SET verifies" verify --insecure "$P/app@$digest" \
	--key signer.pub --rekor-key rekor.pub -o out.json
check "-o: tlog verified, log index" test "$(json_get "(d['tlog'], d['logIndex'])" <out.json)" = "(True, 4242)"
expect_error "another key fails" 1 "bundle ${DSSE% *}: sigstore bundle: no DSSE signature verifies with the given key" \
	verify --insecure "$P/app:1.0" --key mallory.pub
expect_error "another Rekor key fails" 1 "tlog entry 0 is from log" \
	verify --insecure "$P/app:1.0" --key signer.pub --rekor-key otherlog.pub

# --- a message signature over the manifest ----------------------------------------
MSG=$(attach message.bundle) || fail "attach the message bundle"
referrers "$MSG" || fail "update the referrers index"
expect_ok "a message-signature bundle verifies" verify --insecure "$P/app:1.0" --key signer.pub \
	--rekor-key rekor.pub
check "content messageSignature" test "$(echo "$OUT" | json_get "d['content']")" = messageSignature
expect_error "a message signature with another key fails" 1 "message signature does not verify" \
	verify --insecure "$P/app:1.0" --key mallory.pub

# --- failures -----------------------------------------------------------------
OTHER=$(attach other.bundle) || fail "attach"
referrers "$OTHER" || fail "update the referrers index"
expect_error "a statement whose subject is another image fails" 1 "bundle ${OTHER% *}: " \
	verify --insecure "$P/app:1.0" --key signer.pub
check "the reason names the subject" grep -qi "subject" <<<"$ERR"
TAMP=$(attach tampered.bundle) || fail "attach"
referrers "$TAMP" || fail "update the referrers index"
expect_error "a tampered payload fails" 1 "bundle ${TAMP% *}: sigstore bundle: no DSSE signature verifies with the given key" \
	verify --insecure "$P/app:1.0" --key signer.pub
BADMSG=$(attach badmsg.bundle) || fail "attach"
referrers "$BADMSG" || fail "update the referrers index"
expect_error "a message digest of another manifest fails" 1 "the message signature is for sha256:[0-9a-f]+, not for $digest" \
	verify --insecure "$P/app:1.0" --key signer.pub
CERT=$(attach cert.bundle) || fail "attach"
referrers "$CERT" || fail "update the referrers index"
expect_error "a certificate of another key is keyless: reported clearly" 1 "certificate whose key is none of the given keys: keyless certificates are not supported" \
	verify --insecure "$P/app:1.0" --key signer.pub
CERTOK=$(attach certok.bundle) || fail "attach"
referrers "$CERTOK" || fail "update the referrers index"
expect_ok "a certificate carrying the given key verifies with that key" verify --insecure \
	"$P/app:1.0" --key mallory.pub --key signer.pub
check "the key reported is the certificate's" test "$(echo "$OUT" | json_get "d['key']")" = signer.pub
expect_error "but not with another key" 1 "keyless certificates are not supported" \
	verify --insecure "$P/app:1.0" --key mallory.pub
WRONGSUBJ=$(attach dsse.bundle "$digest18") || fail "attach"
referrers "$WRONGSUBJ" || fail "update the referrers index"
expect_error "a referrer manifest whose subject is another image fails" 1 "its subject is $digest18, not the image $digest" \
	verify --insecure "$P/app:1.0" --key signer.pub
printf '{"mediaType":"%s","verificationMaterial":{"publicKey":{}},"dsseEnvelope":[]}' "$BUNDLE" >bad.bundle
BAD=$(attach bad.bundle) || fail "attach"
referrers "$BAD" "$DSSE" || fail "update the referrers index"
expect_ok "a malformed bundle next to a good one: the good one verifies" verify --insecure \
	"$P/app:1.0" --key signer.pub
check "the malformed one is reported" grep -q "dsseEnvelope is not an object" <<<"$ERR"
check "one verified" test "$(echo "$OUT" | wc -l)" = 1

# --- verify-attestation: DSSE bundles count as attestations ---------------------
referrers "$DSSE" "$MSG" || fail "update the referrers index"
expect_ok "verify-attestation: a DSSE bundle's statement" verify-attestation --insecure \
	"$P/app:1.0" --key signer.pub --type https://sigstore.dev/cosign/sign/v1
check "the predicate is printed, the message signature is not an attestation" \
	test "$OUT" = "{}"
expect_error "verify-attestation: another predicate type" 1 "no attestation of type https://cyclonedx.org/bom of $digest verified" \
	verify-attestation --insecure "$P/app:1.0" --key signer.pub --type cyclonedx
run verify-attestation --insecure "$P/app:1.0" --key mallory.pub --type https://sigstore.dev/cosign/sign/v1
check "verify-attestation: another key fails (exit 1)" test "$RC" = 1
check "the DSSE bundle's reason, then the summary" test "$ERR" = \
	"customs: bundle ${DSSE% *}: sigstore bundle: no DSSE signature verifies with the given key
customs: no attestation of type https://sigstore.dev/cosign/sign/v1 of $digest verified"

finish
