#!/usr/bin/env bash
# customs keygen, public-key and verify dir: (offline cosign signatures):
# the containers/image cosign fixtures (valid, with a tag, with a Rekor
# bundle, modified manifest, digest error, unknown key), keys we generate
# (password handling, refusal to overwrite, corrupted files), and
# signatures made by openssl with keys openssl made.
. "$(dirname "$0")/lib.sh"

F="$CUSTOMS_SHARED/signing/cosign-containers-image"
[ -d "$F" ] || skip_all "missing $F"
command -v openssl >/dev/null || skip_all "openssl is not installed"
W="$T_TMP/w"
mkdir -p "$W"

# ---- keygen ----
(cd "$W" && COSIGN_PASSWORD=s3cret "$CUSTOMS" keygen) 2>"$T_TMP/kg.err"
check "keygen writes cosign.key and cosign.pub" test -s "$W/cosign.key" -a -s "$W/cosign.pub"
check "cosign.key is mode 0600" test "$(stat -c %a "$W/cosign.key")" = 600
check "cosign.key is an encrypted sigstore key" \
	grep -qx -- '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----' "$W/cosign.key"
check "cosign.pub is a P-256 public key openssl reads" \
	sh -c "openssl pkey -pubin -in '$W/cosign.pub' -noout -text | grep -q 'NIST CURVE: P-256'"
envelope=$(sed '1d;$d' "$W/cosign.key" | base64 -d)
check "the key's envelope has cosign's layout" sh -c "printf '%s' '$envelope' | grep -Eq \
'^\\{\"kdf\":\\{\"name\":\"scrypt\",\"params\":\\{\"N\":32768,\"r\":8,\"p\":1\\},\"salt\":\"[A-Za-z0-9+/]{43}=\"\\},\"cipher\":\\{\"name\":\"nacl/secretbox\",\"nonce\":\"[A-Za-z0-9+/]{32}\"\\},\"ciphertext\":\"[A-Za-z0-9+/=]+\"\\}$'"
old_pub=$(cat "$W/cosign.pub")
COSIGN_PASSWORD=x expect_error "keygen refuses to overwrite" 2 "cosign.key' exists" \
	keygen --output-key-prefix "$W/cosign"
check "the refused keygen left the key alone" test "$(cat "$W/cosign.pub")" = "$old_pub"
COSIGN_PASSWORD=s3cret expect_ok "keygen --force replaces" keygen --force \
	--output-key-prefix "$W/cosign"
check "the replaced key is new" test "$(cat "$W/cosign.pub")" != "$old_pub"
check "no temporary files are left" test "$(ls -A "$W" | wc -l)" -eq 2
COSIGN_PASSWORD= expect_ok "keygen with an empty password" keygen --output-key-prefix "$W/empty"
# no password source at all: no $COSIGN_PASSWORD and no terminal
OUT=$(env -u COSIGN_PASSWORD setsid -w "$CUSTOMS" keygen --output-key-prefix "$W/nopw" \
	</dev/null 2>"$T_TMP/stderr")
RC=$?
check "keygen without a password source fails with 2" test "$RC" -eq 2
check "... saying where a password comes from" grep -q COSIGN_PASSWORD "$T_TMP/stderr"
check "... and writes nothing" test ! -e "$W/nopw.key" -a ! -e "$W/nopw.pub"
expect_error "keygen rejects an operand" 2 "unexpected argument" keygen foo

# a terminal: the password is asked twice, never echoed
tty_keygen() { # PREFIX PW1 PW2: prints what the terminal showed, exits with keygen's status
	python3 - "$CUSTOMS" "$@" <<'EOF'
import os, pty, select, sys, time
customs, prefix, pw1, pw2 = sys.argv[1:5]
env = {k: v for k, v in os.environ.items() if k != "COSIGN_PASSWORD"}
pid, fd = pty.fork()
if pid == 0:
    os.execve(customs, ["customs", "keygen", "--output-key-prefix", prefix], env)
out = b""
def until(word):
    global out
    end = time.time() + 20
    while time.time() < end and word not in out:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                d = os.read(fd, 1024)
            except OSError:
                return
            if not d:
                return
            out += d
until(b"key: ")
os.write(fd, pw1.encode() + b"\n")
until(b"again: ")
os.write(fd, pw2.encode() + b"\n")
until(b"\0")  # returns when keygen exits and the terminal closes
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.WEXITSTATUS(st))
EOF
}
out=$(tty_keygen "$W/tty" "tty-pw-1" "tty-pw-1")
check "keygen on a terminal asks twice and succeeds" test $? -eq 0 -a -s "$W/tty.key"
check "... without echoing the password" sh -c "! printf '%s' '$out' | grep -q tty-pw-1"
COSIGN_PASSWORD=tty-pw-1 run public-key --key "$W/tty.key"
check "... and the key opens with it" test "$OUT" = "$(cat "$W/tty.pub")"
out=$(tty_keygen "$W/tty2" "one" "two")
check "different passwords on the terminal fail with 2" test $? -eq 2 -a ! -e "$W/tty2.key"

# ---- public-key: the password is checked ----
COSIGN_PASSWORD=s3cret run public-key --key "$W/cosign.key"
check "public-key with the right password prints the .pub" test "$OUT" = "$(cat "$W/cosign.pub")"
COSIGN_PASSWORD= run public-key --key "$W/empty.key"
check "the empty password works" test "$OUT" = "$(cat "$W/empty.pub")"
COSIGN_PASSWORD=wrong expect_error "a wrong password is exit 2" 2 \
	"cannot decrypt '.*cosign.key': wrong password" public-key --key "$W/cosign.key"
sed 's/^eyJ/!!!/' "$W/cosign.key" >"$W/badb64.key"
COSIGN_PASSWORD=s3cret expect_error "corrupted base64" 2 "badb64.key' is not a PEM file" \
	public-key --key "$W/badb64.key"
{
	echo '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----'
	printf '{"kdf":{"name":"scrypt"' | base64
	echo '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
} >"$W/badjson.key"
COSIGN_PASSWORD=s3cret expect_error "corrupted JSON" 2 "badjson.key': encrypted key is not JSON" \
	public-key --key "$W/badjson.key"
{
	echo '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----'
	printf '{"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":"AAAA"},"cipher":{"name":"nacl/secretbox","nonce":"AAAA"},"ciphertext":"AAAA"}' |
		base64 -w 64
	echo '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----'
} >"$W/bign.key"
COSIGN_PASSWORD=s3cret expect_error "scrypt N beyond the limit" 2 "N=1073741824 is above the limit" \
	public-key --key "$W/bign.key"
COSIGN_PASSWORD=s3cret expect_error "a public key is not a private key" 2 \
	"not a cosign encrypted private key" public-key --key "$W/cosign.pub"
COSIGN_PASSWORD=s3cret expect_error "a missing key file" 2 "cannot open '.*nokey.key'" \
	public-key --key "$W/nokey.key"

# ---- verify: the containers/image fixtures ----
digest_of() { echo "sha256:$(sha256sum "$1/manifest.json" | cut -d' ' -f1)"; }

for d in dir-img-cosign-valid dir-img-cosign-valid-with-tag; do
	run verify "dir:$F/$d" --key "$F/cosign.pub"
	check "$d verifies with cosign.pub" test "$RC" -eq 0
	check "$d prints the payload for the manifest's digest" \
		test "$(printf '%s' "$OUT" | json_get 'd["critical"]["image"]["docker-manifest-digest"]')" = "$(digest_of "$F/$d")"
done
run verify "dir:$F/dir-img-cosign-valid-with-tag" --key "$F/cosign.pub"
check "the optional annotations are printed" \
	test "$(printf '%s' "$OUT" | json_get 'd["optional"]["creator"]')" = "containers/image 5.21.2-dev"
run verify "dir:$F/dir-img-cosign-valid" --key "$F/cosign2.pub"
check "dir-img-cosign-valid fails with another key (exit 1)" test "$RC" -eq 1
check "... saying the signature does not verify" grep -q "signature does not verify with key" <<<"$ERR"
run verify "dir:$F/dir-img-cosign-valid" --key "$F/cosign2.pub" --key "$F/cosign.pub"
check "any of several keys may verify" test "$RC" -eq 0

run verify "dir:$F/dir-img-cosign-key-rekor-valid" --key "$F/cosign2.pub" --rekor-key "$F/rekor.pub"
check "the Rekor fixture verifies with its bundle" test "$RC" -eq 0
check "... and says the tlog entry was verified" \
	test "$(printf '%s' "$OUT" | json_get 'd["verification"]["tlog"], d["verification"]["logIndex"]')" = "(True, 11608800)"
run verify "dir:$F/dir-img-cosign-key-rekor-valid" --key "$F/cosign2.pub" --rekor-key "$F/cosign.pub"
check "the Rekor fixture fails with a wrong Rekor key" test "$RC" -eq 1
check "... naming the log ID" grep -q "bundle log ID" <<<"$ERR"
run verify "dir:$F/dir-img-cosign-valid" --key "$F/cosign.pub" --rekor-key "$F/rekor.pub"
check "a Rekor key requires a bundle" test "$RC" -eq 1
check "... and says so" grep -q "no Rekor bundle" <<<"$ERR"

for d in dir-img-cosign-modified-manifest dir-img-cosign-manifest-digest-error; do
	run verify "dir:$F/$d" --key "$F/cosign.pub"
	check "$d fails (exit 1)" test "$RC" -eq 1 -a -z "$OUT"
	check "$d: the payload's digest is not the manifest's" grep -q "not the image's" <<<"$ERR"
done
run verify "dir:$F/dir-img-cosign-valid" --key "$F/cosign.pub" --key "$F/cosign2.pub" \
	--signature "$F/unknown-cosign-key.signature"
check "unknown-cosign-key.signature fails with the given keys" test "$RC" -eq 1
check "... saying no key verifies it" grep -q "any of the 2 keys" <<<"$ERR"

# -o: written only when something verified
run verify "dir:$F/dir-img-cosign-valid" --key "$F/cosign.pub" -o "$W/out.json"
check "-o writes the verified payloads" test "$RC" -eq 0 -a -s "$W/out.json"
run verify "dir:$F/dir-img-cosign-modified-manifest" --key "$F/cosign.pub" -o "$W/fail.json"
check "-o writes nothing when nothing verified" test "$RC" -eq 1 -a ! -e "$W/fail.json"

# ---- verify: signatures openssl made, and hostile layouts ----
openssl ecparam -name prime256v1 -genkey -noout -out "$W/ossl.pem" 2>/dev/null
openssl pkey -in "$W/ossl.pem" -pubout -out "$W/ossl.pub"
mkdir -p "$W/img"
printf '{"schemaVersion":2,"layers":[]}' >"$W/img/manifest.json"
python3 - "$W" <<'EOF'
import base64, hashlib, json, subprocess, sys
w = sys.argv[1]
digest = "sha256:" + hashlib.sha256(open(w + "/img/manifest.json", "rb").read()).hexdigest()
payload = ('{"critical":{"identity":{"docker-reference":"example.com/app"},"image":'
           '{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},'
           '"optional":null}' % digest).encode()
open(w + "/payload", "wb").write(payload)
sig = subprocess.check_output(["openssl", "dgst", "-sha256", "-sign", w + "/ossl.pem", w + "/payload"])
doc = {"mimeType": "application/vnd.dev.cosign.simplesigning.v1+json",
       "payload": base64.b64encode(payload).decode(),
       "annotations": {"dev.cosignproject.cosign/signature": base64.b64encode(sig).decode()}}
open(w + "/img/signature-1", "wb").write(b"\0sigstore-json\n" + json.dumps(doc).encode())
# a GPG-style signature file: not sigstore, skipped
open(w + "/img/signature-2", "wb").write(b"\x89\x02gpg")
# a sigstore file that does not parse
open(w + "/img/signature-3", "wb").write(b"\0sigstore-json\n{\"payload\":")
EOF
run verify "dir:$W/img" --key "$W/ossl.pub"
check "a signature openssl made verifies" test "$RC" -eq 0
check "... the broken one is reported as a warning" grep -q "signature-3.*not JSON" <<<"$ERR"
check "... the non-sigstore one is skipped" grep -q "1 signature file(s) .* not sigstore" <<<"$ERR"
rm "$W/img/signature-1"
run verify "dir:$W/img" --key "$W/ossl.pub"
check "only a broken signature: exit 1" test "$RC" -eq 1
rm "$W/img/signature-2" "$W/img/signature-3"
expect_error "no signatures: exit 1" 1 "no signatures found" verify "dir:$W/img" --key "$W/ossl.pub"

head -c $((5 << 20)) /dev/zero >"$W/img/manifest.json"
expect_error "an oversized manifest is bad input" 2 "manifest.json' is larger than" \
	verify "dir:$W/img" --key "$W/ossl.pub"
expect_error "a missing directory is bad input" 2 "cannot open directory" \
	verify "dir:$W/none" --key "$W/ossl.pub"
expect_error "a missing key file is bad input" 2 "cannot open" \
	verify "dir:$F/dir-img-cosign-valid" --key "$W/none.pub"
expect_error "a private key is not a public key" 2 "not a PUBLIC KEY" \
	verify "dir:$F/dir-img-cosign-valid" --key "$W/cosign.key"
expect_error "verify needs a key" 2 "needs --key" verify "dir:$F/dir-img-cosign-valid"
run verify "dir:" --key "$W/ossl.pub"
check "an empty dir: reference is a usage error" test "$RC" -eq 2

finish
