#!/usr/bin/env bash
# customs verify REF --trust-store CERTS (no --signature): Notary Project
# signatures found in a real docker-registry through the image's referrers.
# The registry (CNCF distribution 2.x) has no referrers API, so the
# signatures are pushed with curl the way notation does then: the envelope
# blob, the "{}" config blob of media type application/vnd.cncf.notary.signature,
# an OCI image manifest with subject = the image and that artifactType, and
# the referrers fallback index under the tag sha256-<hex>. The envelopes are
# made with the openssl command line, as tests/e2e/notation.sh does.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"

command -v curl >/dev/null || skip_all "curl is not installed"
command -v basenc >/dev/null || skip_all "basenc (coreutils) is not installed"
ALPINE=$(fixture alpine-3.20.oci)
ALPINE18=$(fixture alpine-3.18.oci)
export HOME=$T_TMP/home
mkdir -p "$HOME"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_RUNTIME_DIR COSIGN_REPOSITORY

reg_start plain
P=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$P/app:1.0" || skip_all "cannot push to the registry"
push "oci:$ALPINE18:3.18" "$P/app:old" || fail "push the second image"

OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
OCI_INDEX=application/vnd.oci.image.index.v1+json
NOTARY=application/vnd.cncf.notary.signature
# the image's manifest as the registry serves it: digest, media type, size
curl -sf -H "Accept: $OCI_MANIFEST" -o "$T_TMP/m.json" "http://$P/v2/app/manifests/1.0" ||
	skip_all "cannot read the pushed manifest"
digest=sha256:$(sha256sum "$T_TMP/m.json" | cut -d' ' -f1)
size=$(stat -c %s "$T_TMP/m.json")
mtype=$(json_get "d['mediaType']" <"$T_TMP/m.json")
curl -sf -H "Accept: $OCI_MANIFEST" -o "$T_TMP/m18.json" "http://$P/v2/app/manifests/old"
digest18=sha256:$(sha256sum "$T_TMP/m18.json" | cut -d' ' -f1)
size18=$(stat -c %s "$T_TMP/m18.json")

d=$T_TMP/pki
mkdir -p "$d"
cd "$d" || exit 1
ossl() { openssl "$@" 2>>"$d/openssl.log"; }
for ca in root other; do
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $ca.key \
		-out $ca.pem -days 3 -subj "/CN=customs test $ca CA" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
done
mkleaf() { # NAME CA
	ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $1.key -out $1.csr \
		-subj "/CN=$1/O=customs test"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n' >$1.ext
	ossl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -out $1.pem -days 2 \
		-extfile $1.ext
}
mkleaf signer root
mkleaf stranger other
[ -s signer.pem ] && [ -s stranger.pem ] || skip_all "openssl cannot make certificates: $(tail -2 openssl.log)"

b64url() { basenc --base64url -w0 | tr -d '='; }
der64() { ossl x509 -in "$1" -outform DER | base64 -w0; }
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ecdsa_raw() {
	ossl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}' | while read -r h; do
		# a DER INTEGER may be 33 bytes (a leading 00) or shorter than 32;
		# "${h: -64}" of a shorter string is empty, so trim, then pad
		while [ ${#h} -gt 64 ]; do h=${h#??}; done
		h=$(printf '%64s' "$h" | tr ' ' 0)
		printf '%s' "$h"
	done | basenc --base16 -d
}
# envelope NAME KEY CERT CA DIGEST SIZE: an ES256 JWS envelope over a payload naming DIGEST
envelope() {
	local prot="{\"alg\":\"ES256\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",\"crit\":[\"io.cncf.notary.signingScheme\"],\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"$now\"}"
	local payload="{\"targetArtifact\":{\"mediaType\":\"$mtype\",\"digest\":\"$5\",\"size\":$6}}"
	local p64 l64 sig
	p64=$(printf '%s' "$prot" | b64url)
	l64=$(printf '%s' "$payload" | b64url)
	sig=$(printf '%s.%s' "$p64" "$l64" | ossl dgst -sha256 -sign "$2" -binary | ecdsa_raw | b64url)
	printf '{"payload":"%s","protected":"%s","header":{"x5c":["%s","%s"]},"signature":"%s"}' \
		"$l64" "$p64" "$(der64 "$3")" "$(der64 "$4")" "$sig" >"$d/$1.jws"
}
envelope good signer.key signer.pem root.pem "$digest" "$size"
envelope stranger stranger.key stranger.pem other.pem "$digest" "$size"
envelope forold signer.key signer.pem root.pem "$digest18" "$size18"
cd "$T_TMP" || exit 1

# put_blob FILE: upload FILE as a blob of repository app; prints its digest
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
# put_manifest FILE REFERENCE MEDIATYPE
put_manifest() {
	curl -sf -X PUT -H "Content-Type: $3" --data-binary "@$1" "http://$P/v2/app/manifests/$2" >/dev/null
}
printf '{}' >config.json
CFG=$(put_blob config.json) || skip_all "cannot upload a blob with curl"
# sign_manifest ENVELOPE SUBJECT-DIGEST SUBJECT-SIZE: push a Notation signature
# manifest for the subject; prints "digest size"
sign_manifest() {
	local env=$1 ed es md
	ed=$(put_blob "$env") || return 1
	es=$(stat -c %s "$env")
	printf '{"schemaVersion":2,"mediaType":"%s","artifactType":"%s","config":{"mediaType":"%s","digest":"%s","size":2},"layers":[{"mediaType":"application/jose+json","digest":"%s","size":%s}],"subject":{"mediaType":"%s","digest":"%s","size":%s},"annotations":{"io.cncf.notary.x509chain.thumbprint#S256":"[]"}}' \
		"$OCI_MANIFEST" "$NOTARY" "$NOTARY" "$CFG" "$ed" "$es" "$mtype" "$2" "$3" >"$env.manifest"
	md=sha256:$(sha256sum "$env.manifest" | cut -d' ' -f1)
	put_manifest "$env.manifest" "$md" "$OCI_MANIFEST" || return 1
	echo "$md $(stat -c %s "$env.manifest")"
}
# set_referrers SUBJECT-DIGEST "digest size"...: the fallback index sha256-<hex>
set_referrers() {
	local subject=$1 entries="" sep="" x
	shift
	for x in "$@"; do
		entries="$entries$sep{\"mediaType\":\"$OCI_MANIFEST\",\"artifactType\":\"$NOTARY\",\"digest\":\"${x% *}\",\"size\":${x#* }}"
		sep=,
	done
	printf '{"schemaVersion":2,"mediaType":"%s","manifests":[%s]}' "$OCI_INDEX" "$entries" >refs.json
	put_manifest refs.json "sha256-${subject#sha256:}" "$OCI_INDEX"
}

# --- no signature yet ---------------------------------------------------------
expect_error "no referrers: nothing verifies" 1 "no Notation signature among the 0 referrers" \
	verify --insecure "$P/app:1.0" --trust-store "$d/root.pem"

# --- a trusted signature through the fallback tag ----------------------------------
GOOD=$(sign_manifest "$d/good.jws" "$digest" "$size") || fail "push the signature manifest"
set_referrers "$digest" "$GOOD" || fail "push the referrers index"
check "the fallback tag is in the registry" \
	curl -sf -H "Accept: $OCI_INDEX" -o /dev/null "http://$P/v2/app/manifests/sha256-${digest#sha256:}"
expect_ok "the signature found through the referrers verifies" verify --insecure "$P/app:1.0" \
	--trust-store "$d/root.pem"
check "it names the image and the signer" test \
	"$(echo "$OUT" | json_get "(d['digest'], d['subject'], d['source'])")" = \
	"('$digest', 'O=customs test,CN=signer', '$P/app:1.0@${GOOD% *}')"
expect_ok "by digest too" verify --insecure "$P/app@$digest" --trust-store "$d/root.pem" \
	--identity "O=customs test,CN=signer" -o "$T_TMP/out.json"
check "-o writes the verified payload" grep -q "\"digest\":\"$digest\"" "$T_TMP/out.json"
expect_error "an untrusted root fails" 1 "certificate chain does not verify" \
	verify --insecure "$P/app:1.0" --trust-store "$d/other.pem"
expect_error "another identity fails" 1 "not by" \
	verify --insecure "$P/app:1.0" --trust-store "$d/root.pem" --identity "CN=someone"

# --- a chain the trust store does not hold, next to the good one ----------------
STRANGER=$(sign_manifest "$d/stranger.jws" "$digest" "$size") || fail "push the stranger's signature"
set_referrers "$digest" "$STRANGER" "$GOOD" || fail "update the referrers index"
expect_ok "the good signature still verifies next to an untrusted one" verify --insecure \
	"$P/app:1.0" --trust-store "$d/root.pem"
check "only the good one is printed" test "$(echo "$OUT" | wc -l)" = 1
check "the untrusted one is reported" grep -q "${STRANGER% *}: .*certificate chain does not verify" <<<"$ERR"
set_referrers "$digest" "$STRANGER" || fail "update the referrers index"
expect_error "only an untrusted chain: fails" 1 "certificate chain does not verify" \
	verify --insecure "$P/app:1.0" --trust-store "$d/root.pem"

# --- the signature of another image -----------------------------------------
# a valid envelope for the old image, listed (wrongly) among this image's referrers
FOROLD=$(sign_manifest "$d/forold.jws" "$digest18" "$size18") || fail "push the old image's signature"
set_referrers "$digest" "$FOROLD" || fail "update the referrers index"
expect_error "a signature whose subject is another image fails" 1 "its subject is $digest18, not the image $digest" \
	verify --insecure "$P/app:1.0" --trust-store "$d/root.pem"
set_referrers "$digest18" "$FOROLD" || fail "push the old image's referrers"
expect_ok "it verifies for the image it signs" verify --insecure "$P/app:old" --trust-store "$d/root.pem"
# an envelope for the old image in a manifest whose subject is this image
cp "$d/forold.jws" "$d/forold2.jws"
MIS=$(sign_manifest "$d/forold2.jws" "$digest" "$size") || fail "push the mismatched signature"
set_referrers "$digest" "$MIS" || fail "update the referrers index"
expect_error "an envelope signing another image fails" 1 "the signature is for $digest18, not for" \
	verify --insecure "$P/app:1.0" --trust-store "$d/root.pem"

# --- a tampered envelope blob ---------------------------------------------------
python3 - "$d/good.jws" "$d/tampered.jws" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
s = e["signature"]
e["signature"] = ("B" if s[0] == "A" else "A") + s[1:]
json.dump(e, open(sys.argv[2], "w"))
PY
TAMP=$(sign_manifest "$d/tampered.jws" "$digest" "$size") || fail "push the tampered signature"
set_referrers "$digest" "$TAMP" || fail "update the referrers index"
expect_error "a tampered signature fails" 1 "the signature does not verify" \
	verify --insecure "$P/app:1.0" --trust-store "$d/root.pem"

# --- bad input ---------------------------------------------------------------
expect_error "a reference that is not in a registry needs --signature" 2 "" \
	verify "oci:$ALPINE" --trust-store "$d/root.pem"

finish
