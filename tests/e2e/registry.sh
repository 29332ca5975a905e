#!/usr/bin/env bash
# registry: images pulled from a real docker-registry over the OCI
# distribution API: plain HTTP, htpasswd basic auth, TLS with a private CA,
# bearer tokens from a token server, credentials from auth files, multi-arch
# indexes, pulls by tag and digest, and a corrupted blob.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"

ALPINE=$(fixture alpine-3.20.oci)
ALPINE18=$(fixture alpine-3.18.oci)
# no credentials from the machine running the tests
export HOME=$T_TMP/home
mkdir -p "$HOME"
unset REGISTRY_AUTH_FILE DOCKER_CONFIG XDG_RUNTIME_DIR

# layout_digest DIR: digest of the (only) manifest of an OCI layout
layout_digest() { json_get 'd["manifests"][0]["digest"]' <"$1/index.json"; }
ALPINE_DIGEST=$(layout_digest "$ALPINE")
jq_out() { printf '%s' "$OUT" | json_get "$1"; }

# ---- plain HTTP ----
reg_start plain
P=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$P/library/alpine:3.20" || skip_all "cannot push to the registry"

expect_ok "pull by tag (plain HTTP, --insecure)" \
	image inspect "registry:$P/library/alpine:3.20" --insecure -f json
check "manifest digest is the pushed one" [ "$(jq_out 'd["manifestDigest"]')" = "$ALPINE_DIGEST" ]
check "config read" [ "$(jq_out 'd["architecture"]')" = "amd64" ]
check "layer walked" [ "$(jq_out 'd["layers"][0]["files"] > 10')" = "True" ]
expect_ok "plain HOST/REPO:TAG means registry:" image inspect "$P/library/alpine:3.20" --insecure -f json
expect_ok "pull by digest" \
	image inspect "registry:$P/library/alpine@$ALPINE_DIGEST" --insecure -f json
check "by digest: same manifest" [ "$(jq_out 'd["manifestDigest"]')" = "$ALPINE_DIGEST" ]
expect_error "plain HTTP needs --insecure" 2 "registry '$P' repository 'library/alpine': TLS error.*" \
	image inspect "registry:$P/library/alpine:3.20" -f json
expect_error "unknown tag" 2 "^customs: registry '$P' repository 'library/alpine': manifest 'nope' not found$" \
	image inspect "registry:$P/library/alpine:nope" --insecure
expect_error "unknown repository" 2 "registry '$P' repository 'library/nothere': manifest '3.20' not found" \
	image inspect "registry:$P/library/nothere:3.20" --insecure
expect_error "unknown digest" 2 "manifest 'sha256:0{64}' not found" \
	image inspect "registry:$P/library/alpine@sha256:$(printf '0%.0s' {1..64})" --insecure
closed=$(free_port)
expect_error "connection refused" 2 "registry '127.0.0.1:$closed' repository 'library/alpine'.*(onnect|refused)" \
	image inspect "registry:127.0.0.1:$closed/library/alpine:3.20" --insecure

# ---- retries: a proxy that answers 503 once per manifest and cuts each blob once ----
PP=$(free_port)
python3 "$CUSTOMS_SRC/tests/e2e/flaky-proxy.py" "$PP" "$REG_PORT" "$T_TMP/proxy.log" &
at_exit "kill $!"
if wait_port "$PP"; then
	expect_ok "retry after 503 and resume a cut blob" \
		image inspect "registry:127.0.0.1:$PP/library/alpine:3.20" --insecure -f json
	check "retried: same manifest" [ "$(jq_out 'd["manifestDigest"]')" = "$ALPINE_DIGEST" ]
	check "resumed with a Range request" grep -q "/blobs/sha256:.* range=bytes=[1-9][0-9]*-$" "$T_TMP/proxy.log"
else
	fail "flaky proxy did not start"
fi

# ---- a multi-platform index: alpine 3.20 (amd64) and 3.18 relabelled arm64/v8 ----
read -r ARM_DIGEST ARM_SIZE < <(python3 "$CUSTOMS_SRC/tests/e2e/relabel.py" "$ALPINE18" "$T_TMP/arm64.oci" arm64 v8)
AMD_SIZE=$(json_get 'd["manifests"][0]["size"]' <"$ALPINE/index.json")
push "oci:$ALPINE:3.20" "$P/multi:amd64" && push "oci:$T_TMP/arm64.oci:3.18" "$P/multi:arm64" ||
	fail "push the images of the index"
cat >"$T_TMP/index.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$ALPINE_DIGEST","size":$AMD_SIZE,"platform":{"os":"linux","architecture":"amd64"}},
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$ARM_DIGEST","size":$ARM_SIZE,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}
JSON
INDEX_DIGEST=sha256:$(sha256sum <"$T_TMP/index.json" | cut -d' ' -f1)
curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" \
	--data-binary "@$T_TMP/index.json" "http://$P/v2/multi/manifests/latest" >/dev/null ||
	fail "put the index"
expect_ok "index: --platform linux/arm64" \
	image inspect "registry:$P/multi:latest" --insecure --platform linux/arm64 -f json
check "index: arm64 manifest chosen" [ "$(jq_out 'd["manifestDigest"]')" = "$ARM_DIGEST" ]
check "index: arm64 config" [ "$(jq_out 'd["architecture"]')" = "arm64" ]
check "index: index digest reported" [ "$(jq_out 'd["indexDigest"]')" = "$INDEX_DIGEST" ]
expect_ok "index: --platform linux/amd64" \
	image inspect "registry:$P/multi" --insecure --platform linux/amd64 -f json
check "index: amd64 manifest chosen" [ "$(jq_out 'd["manifestDigest"]')" = "$ALPINE_DIGEST" ]
expect_ok "index by digest" \
	image inspect "registry:$P/multi@$INDEX_DIGEST" --insecure --platform linux/arm64 -f json
check "index by digest: arm64 chosen" [ "$(jq_out 'd["manifestDigest"]')" = "$ARM_DIGEST" ]
expect_error "index: unknown platform lists the available ones" 2 "linux/amd64.*linux/arm64" \
	image inspect "registry:$P/multi:latest" --insecure --platform linux/s390x

# ---- a corrupted blob in the registry's storage ----
push "oci:$ALPINE:3.20" "$P/corrupt:3.20" || fail "push corrupt"
layer=$(json_get 'd["layers"][0]["digest"]' <"$ALPINE/blobs/sha256/${ALPINE_DIGEST#sha256:}")
data=$REG_STORAGE/docker/registry/v2/blobs/sha256/${layer:7:2}/${layer#sha256:}/data
if [ -f "$data" ]; then
	# same size, different bytes: only the digest can tell
	printf 'corrupted!' | dd of="$data" bs=1 seek=4096 conv=notrunc status=none
	expect_error "corrupted layer blob" 2 "(layer|blob).*(digest|does not match|corrupt)" \
		image inspect "registry:$P/corrupt:3.20" --insecure -f json
else
	fail "blob file '$data' not found in the registry storage"
fi

# ---- htpasswd basic auth ----
htpasswd -Bbn alice wonderland >"$T_TMP/htpasswd"
reg_start basic "auth:
  htpasswd:
    realm: customs-test
    path: $T_TMP/htpasswd"
B=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$B/team/alpine:3.20" --dest-creds alice:wonderland || fail "push basic"
expect_error "basic: no credentials" 2 "registry '$B' repository 'team/alpine': authentication required" \
	image inspect "registry:$B/team/alpine:3.20" --insecure
expect_ok "basic: --creds" image inspect "registry:$B/team/alpine:3.20" --insecure --creds alice:wonderland -f json
expect_error "basic: wrong password" 2 "access denied" \
	image inspect "registry:$B/team/alpine:3.20" --insecure --creds alice:nope
check "basic: the password is not in the message" eval "! printf '%s' \"\$ERR\" | grep -q nope"
auth=$(printf 'alice:wonderland' | base64 -w0)
mkdir -p "$T_TMP/dockercfg"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$B" "$auth" >"$T_TMP/dockercfg/config.json"
DOCKER_CONFIG=$T_TMP/dockercfg expect_ok "basic: \$DOCKER_CONFIG/config.json" \
	image inspect "registry:$B/team/alpine:3.20" --insecure -f json
mkdir -p "$HOME/.docker"
printf '{"auths":{"http://%s/v1/":{"auth":"%s"}}}' "$B" "$auth" >"$HOME/.docker/config.json"
expect_ok "basic: ~/.docker/config.json" image inspect "registry:$B/team/alpine:3.20" --insecure -f json
rm "$HOME/.docker/config.json"
printf '{"auths":{"%s/team":{"auth":"%s"}}}' "$B" "$auth" >"$T_TMP/auth.json"
REGISTRY_AUTH_FILE=$T_TMP/auth.json expect_ok "basic: \$REGISTRY_AUTH_FILE" \
	image inspect "registry:$B/team/alpine:3.20" --insecure -f json
expect_ok "basic: --authfile" \
	image inspect "registry:$B/team/alpine:3.20" --insecure --authfile "$T_TMP/auth.json" -f json
printf '{"auths":{"%s":{"auth":"%s"}}}' "$B" "$(printf 'alice:bad' | base64 -w0)" >"$T_TMP/bad.json"
expect_error "basic: bad credentials in the auth file are named" 2 "access denied.*bad.json" \
	image inspect "registry:$B/team/alpine:3.20" --insecure --authfile "$T_TMP/bad.json"
printf '{"auths":' >"$T_TMP/broken.json"
expect_error "basic: malformed auth file" 2 "auth file '.*broken.json'" \
	image inspect "registry:$B/team/alpine:3.20" --insecure --authfile "$T_TMP/broken.json"

# ---- TLS with a private CA ----
make_ca "$T_TMP/ca" || fail "make a CA"
reg_start tls "" "  tls:
    certificate: $T_TMP/ca/server.crt
    key: $T_TMP/ca/server.key"
S=127.0.0.1:$REG_PORT
mkdir -p "$T_TMP/certs.d" && cp "$T_TMP/ca/ca.crt" "$T_TMP/certs.d/"
push "oci:$ALPINE:3.20" "$S/library/alpine:3.20" --dest-tls-verify=true --dest-cert-dir "$T_TMP/certs.d" ||
	fail "push tls"
expect_ok "tls: --ca-cert" image inspect "registry:$S/library/alpine:3.20" --ca-cert "$T_TMP/ca/ca.crt" -f json
check "tls: manifest digest" [ "$(jq_out 'd["manifestDigest"]')" = "$ALPINE_DIGEST" ]
expect_error "tls: unknown CA" 2 "registry '$S' repository 'library/alpine': TLS error: .*certificate" \
	image inspect "registry:$S/library/alpine:3.20"
expect_error "tls: a CA file that does not exist" 2 "registry '$S'.*TLS error" \
	image inspect "registry:$S/library/alpine:3.20" --ca-cert "$T_TMP/nothere.pem"

# ---- bearer tokens ----
token_server_start "$T_TMP/token" --user bob:builder --user oauth:pw --refresh-token r3fresh ||
	skip_all "token server did not start"
reg_start token "auth:
  token:
    realm: http://127.0.0.1:$TOKEN_PORT/token
    service: customs-test
    issuer: customs-test-issuer
    rootcertbundle: $TOKEN_CERT"
K=127.0.0.1:$REG_PORT
push "oci:$ALPINE:3.20" "$K/app/alpine:3.20" --dest-creds bob:builder || fail "push token"
: >"$TOKEN_LOG"
expect_ok "token: --creds" image inspect "registry:$K/app/alpine:3.20" --insecure --creds bob:builder -f json
check "token: one token request for the whole pull (cached)" [ "$(grep -c '' "$TOKEN_LOG")" -eq 1 ]
check "token: service and pull scope" \
	grep -q "^GET user=bob service=customs-test scope=repository:app/alpine:pull$" "$TOKEN_LOG"
expect_ok "token: access_token field" image inspect "registry:$K/app/alpine:3.20" --insecure --creds oauth:pw -f json
expect_error "token: anonymous refused" 2 "registry '$K' repository 'app/alpine': token server .* refused anonymous access" \
	image inspect "registry:$K/app/alpine:3.20" --insecure
expect_error "token: wrong password" 2 "token server .* rejected the credentials" \
	image inspect "registry:$K/app/alpine:3.20" --insecure --creds bob:wrong
printf '{"auths":{"%s":{"auth":"%s"}}}' "$K" "$(printf 'bob:builder' | base64 -w0)" >"$T_TMP/tok-auth.json"
REGISTRY_AUTH_FILE=$T_TMP/tok-auth.json expect_ok "token: credentials from \$REGISTRY_AUTH_FILE" \
	image inspect "registry:$K/app/alpine:3.20" --insecure -f json
printf '{"auths":{"%s":{"auth":"%s","identitytoken":"r3fresh"}}}' "$K" "$(printf '<token>:' | base64 -w0)" \
	>"$T_TMP/idtoken.json"
: >"$TOKEN_LOG"
expect_ok "token: identitytoken (OAuth2 refresh token)" \
	image inspect "registry:$K/app/alpine:3.20" --insecure --authfile "$T_TMP/idtoken.json" -f json
check "token: refresh grant used" grep -q "^POST refresh scope=repository:app/alpine:pull$" "$TOKEN_LOG"

finish
