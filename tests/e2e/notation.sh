#!/usr/bin/env bash
# customs verify --trust-store: Notary Project (Notation) JWS signatures of a
# real OCI image. The certificates and the envelopes are made here with the
# openssl command line (an independent producer): a root CA, a code-signing
# leaf (ECDSA P-256, ES256) and an RSA 3072 leaf (PS384), each envelope
# signed over ASCII(BASE64URL(protected) "." BASE64URL(payload)) as the JWS
# envelope specification says. Then tampering, wrong trust, wrong identity,
# expiry, a wrong algorithm, a leaf without code signing, unknown critical
# headers and malformed envelopes.
. "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || skip_all "openssl is not installed"
command -v basenc >/dev/null || skip_all "basenc (coreutils) is not installed"
img=$(fixture alpine-3.20.oci)
ref="oci:$img"

expect_ok "inspect the image" image inspect "$ref" -f json
digest=$(echo "$OUT" | json_get "d['manifestDigest']")
mtype=$(echo "$OUT" | json_get "d['manifestMediaType']")
size=$(stat -c %s "$img/blobs/sha256/${digest#sha256:}")
check "the image has a manifest digest" test "${digest#sha256:}" != "$digest"

d=$T_TMP/pki
mkdir -p "$d"
cd "$d" || exit 1
ossl() { openssl "$@" 2>>"$d/openssl.log"; }
leaf_ext() { printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' "$1" >"$d/$2.ext"; }
# root CA and a second, untrusted one
for ca in root other; do
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $ca.key \
		-out $ca.pem -days 3 -subj "/CN=customs test $ca CA" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
done
# leaf certificates: EC P-256 and RSA 3072 for code signing, and one for TLS only
mkleaf() { # NAME KEYARGS CA EXT
	ossl req -newkey $2 -nodes -keyout $1.key -out $1.csr -subj "/CN=$1/O=customs test"
	leaf_ext "$4" $1
	ossl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key -CAcreateserial -out $1.pem -days 2 \
		-extfile $1.ext
}
mkleaf signer "ec -pkeyopt ec_paramgen_curve:P-256" root "extendedKeyUsage=codeSigning"
mkleaf rsasigner "rsa:3072" root "extendedKeyUsage=codeSigning"
mkleaf tlsonly "ec -pkeyopt ec_paramgen_curve:P-256" root "extendedKeyUsage=serverAuth"
mkleaf stranger "ec -pkeyopt ec_paramgen_curve:P-256" other "extendedKeyUsage=codeSigning"
[ -s signer.pem ] && [ -s rsasigner.pem ] || skip_all "openssl cannot make certificates: $(tail -2 openssl.log)"

b64url() { basenc --base64url -w0 | tr -d '='; }
der64() { ossl x509 -in "$1" -outform DER | base64 -w0; }
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# ecdsa_raw: DER ECDSA-Sig-Value on stdin -> r || s (32 bytes each) on stdout
ecdsa_raw() {
	ossl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}' | while read -r h; do
		# a DER INTEGER may be 33 bytes (a leading 00) or shorter than 32;
		# "${h: -64}" of a shorter string is empty, so trim, then pad
		while [ ${#h} -gt 64 ]; do h=${h#??}; done
		h=$(printf '%64s' "$h" | tr ' ' 0)
		printf '%s' "$h"
	done | basenc --base16 -d
}

# envelope NAME KEY ALG CERT [PROTECTED-JSON] [PAYLOAD-JSON]
envelope() {
	local name=$1 key=$2 alg=$3 cert=$4
	local prot=${5:-"{\"alg\":\"$alg\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",\"crit\":[\"io.cncf.notary.signingScheme\"],\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"$now\"}"}
	local payload=${6:-"{\"targetArtifact\":{\"mediaType\":\"$mtype\",\"digest\":\"$digest\",\"size\":$size,\"annotations\":{\"build\":\"42\"}}}"}
	local p64 l64 sig
	p64=$(printf '%s' "$prot" | b64url)
	l64=$(printf '%s' "$payload" | b64url)
	case $alg in
	ES256) sig=$(printf '%s.%s' "$p64" "$l64" | ossl dgst -sha256 -sign "$key" -binary | ecdsa_raw | b64url) ;;
	PS384) sig=$(printf '%s.%s' "$p64" "$l64" | ossl dgst -sha384 -sigopt rsa_padding_mode:pss \
		-sigopt rsa_pss_saltlen:digest -sign "$key" -binary | b64url) ;;
	esac
	printf '{"payload":"%s","protected":"%s","header":{"x5c":["%s","%s"],"io.cncf.notary.signingAgent":"openssl"},"signature":"%s"}' \
		"$l64" "$p64" "$(der64 "$cert")" "$(der64 root.pem)" "$sig" >"$d/$name.jws"
}

envelope good signer.key ES256 signer.pem
envelope rsa rsasigner.key PS384 rsasigner.pem
cd - >/dev/null || exit 1

# --- valid signatures ------------------------------------------------------
expect_ok "ES256 signature verifies with the root as trust store" verify "$ref" \
	--trust-store "$d/root.pem" --signature "$d/good.jws"
check "the verified payload names the image" test \
	"$(echo "$OUT" | json_get "(d['digest'], d['alg'], d['subject'], d['payload']['targetArtifact']['annotations']['build'])")" = \
	"('$digest', 'ES256', 'O=customs test,CN=signer', '42')"
expect_ok "PS384 (RSA 3072) signature verifies" verify "$ref" --trust-store "$d" \
	--signature "$d/rsa.jws"
check "RSA-PSS alg reported" test "$(echo "$OUT" | json_get "d['alg']")" = PS384
expect_ok "the signer identity matches" verify "$ref" --trust-store "$d/root.pem" \
	--identity "O=customs test,CN=signer" --signature "$d/good.jws"
expect_error "another identity is refused" 1 "signed by 'O=customs test,CN=signer', not by" \
	verify "$ref" --trust-store "$d/root.pem" --identity "CN=someone" --signature "$d/good.jws"

# --- wrong trust, wrong image, tampering --------------------------------------
expect_error "an untrusted root fails" 1 "certificate chain does not verify" \
	verify "$ref" --trust-store "$d/other.pem" --signature "$d/good.jws"
other_img=$(fixture alpine-3.18.oci)
expect_error "the signature of another image fails" 1 "the signature is for $digest, not for" \
	verify "oci:$other_img" --trust-store "$d/root.pem" --signature "$d/good.jws"
python3 - "$d/good.jws" "$d/tampered.jws" <<'PY'
import base64, json, sys
e = json.load(open(sys.argv[1]))
p = json.loads(base64.urlsafe_b64decode(e["payload"] + "=" * (-len(e["payload"]) % 4)))
p["targetArtifact"]["annotations"]["build"] = "43"
e["payload"] = base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=")
json.dump(e, open(sys.argv[2], "w"))
PY
expect_error "a changed payload fails" 1 "the signature does not verify" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$d/tampered.jws"
expect_ok "one good envelope among bad ones is enough" verify "$ref" --trust-store "$d/root.pem" \
	--signature "$d/tampered.jws" --signature "$d/good.jws"
check "only the good one is printed" test "$(echo "$OUT" | wc -l)" = 1

# --- headers -------------------------------------------------------------
cd "$d" || exit 1
envelope wrongalg signer.key ES256 signer.pem \
	"{\"alg\":\"ES384\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",\"crit\":[\"io.cncf.notary.signingScheme\"],\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"$now\"}"
envelope expired signer.key ES256 signer.pem \
	"{\"alg\":\"ES256\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",\"crit\":[\"io.cncf.notary.signingScheme\",\"io.cncf.notary.expiry\"],\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"2024-01-01T00:00:00Z\",\"io.cncf.notary.expiry\":\"2024-06-01T00:00:00+02:00\"}"
envelope plugin signer.key ES256 signer.pem \
	"{\"alg\":\"ES256\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",\"crit\":[\"io.cncf.notary.signingScheme\",\"io.cncf.notary.verificationPlugin\"],\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"$now\",\"io.cncf.notary.verificationPlugin\":\"x\"}"
envelope nocrit signer.key ES256 signer.pem \
	"{\"alg\":\"ES256\",\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\"$now\"}"
envelope tls tlsonly.key ES256 tlsonly.pem
envelope stranger stranger.key ES256 stranger.pem
cd - >/dev/null || exit 1
expect_error "alg that does not fit the key" 1 "alg ES384 does not fit the signing key \(ES256\)" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$d/wrongalg.jws"
expect_error "an expired signature" 1 "the signature expired at 2024-06-01T00:00:00\+02:00" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$d/expired.jws"
expect_error "a verification plugin is not supported" 1 "critical header 'io.cncf.notary.verificationPlugin' is not supported" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$d/plugin.jws"
expect_error "signingScheme must be critical" 1 "no crit header" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$d/nocrit.jws"
expect_error "a TLS certificate cannot sign code" 1 "not for code signing" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$d/tls.jws"
expect_error "a leaf of another CA" 1 "certificate chain does not verify" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$d/stranger.jws"

# --- malformed input ------------------------------------------------------
printf 'not json' >"$T_TMP/bad.jws"
expect_error "a malformed envelope is reported, not verified" 1 "bad.jws: notation envelope: not a JSON object" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$T_TMP/bad.jws"
printf '{"payload":"e30","protected":"!!","header":{},"signature":"x"}' >"$T_TMP/bad64.jws"
expect_error "protected header that is not base64url" 1 "protected header is not base64url" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$T_TMP/bad64.jws"
expect_error "missing signature file" 2 "cannot open signature '$T_TMP/none.jws'" \
	verify "$ref" --trust-store "$d/root.pem" --signature "$T_TMP/none.jws"
printf 'garbage\n' >"$T_TMP/garbage.pem"
expect_error "a trust store without certificates" 2 "trust store '$T_TMP/garbage.pem': no PEM certificate" \
	verify "$ref" --trust-store "$T_TMP/garbage.pem" --signature "$d/good.jws"
expect_error "verify needs a reference" 2 "verify takes one image reference" \
	verify --trust-store "$d/root.pem" --signature "$d/good.jws"

finish
