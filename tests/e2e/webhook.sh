#!/usr/bin/env bash
# customs policy webhook: the real server over HTTPS (a test CA made with
# openssl), real AdmissionReview requests sent with curl --cacert for every
# workload kind, images in a real docker-registry on 127.0.0.1, the decision
# cache observed through /metrics, and failurePolicy with a registry that
# is closed or never answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"
command -v curl >/dev/null || skip_all "curl is not installed"

alpine20=$(fixture alpine-3.20.oci)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
python3 "$CUSTOMS_SRC/tests/e2e/policy-image.py" "$alpine20" "$T_TMP/good.oci" --created "$now" \
	--user 1000 --label maintainer=team@example.com >/dev/null
make_ca "$T_TMP/tls" || skip_all "cannot make a test CA"

reg_start plain
P=127.0.0.1:$REG_PORT
push "oci:$T_TMP/good.oci" "$P/team/app:1.0" && push "oci:$alpine20:3.20" "$P/other/alpine:3.20" ||
	skip_all "cannot push to the registry"
GOOD=$P/team/app:1.0
BAD=$P/other/alpine:3.20

policy() { # policy FILE MODE FAILUREPOLICY
	cat >"$1" <<YAML
apiVersion: customs.dev/v1
kind: ImagePolicy
mode: $2
failurePolicy: $3
rules:
  trustedRegistries: ["127.0.0.1:*/team/*"]
  forbidRootUser: true
  requiredLabels: [maintainer]
YAML
}
policy "$T_TMP/enforce.yaml" enforce fail
policy "$T_TMP/audit.yaml" audit ignore

# start_webhook NAME POLICY [ARGS...]: sets WH_PORT, WH_PID, WH_LOG
start_webhook() {
	local name=$1 pol=$2
	shift 2
	WH_PORT=$(free_port)
	WH_LOG=$T_TMP/$name.log
	"$CUSTOMS" policy webhook --policy "$pol" --tls-cert "$T_TMP/tls/server.crt" \
		--tls-key "$T_TMP/tls/server.key" --listen "127.0.0.1:$WH_PORT" --insecure \
		--log-level debug "$@" 2>"$WH_LOG" &
	WH_PID=$!
	at_exit "kill $WH_PID"
	local i
	for ((i = 0; i < 100; i++)); do
		curl -sf --cacert "$T_TMP/tls/ca.crt" "https://127.0.0.1:$WH_PORT/healthz" >/dev/null && return 0
		sleep 0.1
	done
	cat "$WH_LOG" >&2
	return 1
}

# review KIND UID IMAGE [INIT_IMAGE]: an AdmissionReview for a CREATE of KIND
review() {
	python3 - "$@" <<'PY'
import json, sys
kind, uid, image = sys.argv[1:4]
init = sys.argv[4] if len(sys.argv) > 4 else None
pod = {"containers": [{"name": "web", "image": image}, {"name": "side", "image": image}]}
if init:
    pod["initContainers"] = [{"name": "init", "image": init}]
    pod["ephemeralContainers"] = [{"name": "debug", "image": init}]
tmpl = {"metadata": {"labels": {"app": "x"}}, "spec": pod}
spec = {
    "Pod": lambda: pod,
    "CronJob": lambda: {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": tmpl}}},
}.get(kind, lambda: {"template": tmpl})()
group = {"Pod": ("", "v1"), "Job": ("batch", "v1"), "CronJob": ("batch", "v1")}.get(kind, ("apps", "v1"))
print(json.dumps({
    "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": {
        "uid": uid, "kind": {"group": group[0], "version": group[1], "kind": kind},
        "resource": {"group": group[0], "version": group[1], "resource": kind.lower() + "s"},
        "namespace": "default", "name": "x", "operation": "CREATE",
        "object": {"apiVersion": (group[0] + "/" if group[0] else "") + group[1], "kind": kind,
                   "metadata": {"name": "x", "namespace": "default"}, "spec": spec},
    }}))
PY
}

# post: POST $T_TMP/req to /validate; sets CODE and BODY
post() {
	BODY=$(curl -s --cacert "$T_TMP/tls/ca.crt" -o "$T_TMP/body" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary @"$T_TMP/req" \
		"https://127.0.0.1:$WH_PORT/validate")
	CODE=$BODY
	BODY=$(cat "$T_TMP/body")
}
resp() { json_get "$1" <<<"$BODY"; }
metric() {
	curl -s --cacert "$T_TMP/tls/ca.crt" "https://127.0.0.1:$WH_PORT/metrics" |
		awk -v m="customs_webhook_$1" '$1 == m { print $2 }'
}

start_webhook enforce "$T_TMP/enforce.yaml" --timeout 2s --retries 0 || { fail "webhook did not start"; finish; }
pass "webhook serves /healthz over HTTPS with the test CA"

# ---- every workload kind: allowed, and denied with reasons ---------------------
for kind in Pod Deployment StatefulSet DaemonSet ReplicaSet Job CronJob; do
	uid=$(python3 -c 'import uuid; print(uuid.uuid4())')
	review "$kind" "$uid" "$GOOD" >"$T_TMP/req"
post
	check "$kind with trusted images: HTTP 200, uid echoed, allowed" test \
		"$CODE $(resp "(d['apiVersion'], d['kind'], d['response']['uid'], d['response']['allowed'])")" = \
		"200 ('admission.k8s.io/v1', 'AdmissionReview', '$uid', True)"
	review "$kind" "$uid-deny" "$GOOD" "$BAD" >"$T_TMP/req"
post
	check "$kind with an untrusted root initContainer: denied (403)" test \
		"$(resp "(d['response']['uid'], d['response']['allowed'], d['response']['status']['code'])")" = \
		"('$uid-deny', False, 403)"
	msg=$(resp "d['response']['status']['message']")
	check "$kind: the message names the initContainer and every violated rule" \
		grep -q "initContainers\[0\] (init) image '$BAD': trusted-registry: .*root-user: .*label: required label 'maintainer' is missing" <<<"$msg"
	check "$kind: the ephemeralContainer with the same image is denied too" \
		grep -q "ephemeralContainers\[0\] (debug) image '$BAD': trusted-registry: " <<<"$msg"
	check "$kind: the trusted containers are not blamed" \
		test "$(grep -o "[a-zA-Z]*\[[0-9]\] ([a-z]*) image '$GOOD'" <<<"$msg" | grep -c .)" = 0
done

# ---- the cache: a second request is a cache hit, not an evaluation ---------------
ev0=$(metric evaluations_total)
hit0=$(metric cache_hits_total)
review Deployment cache-1 "$GOOD" >"$T_TMP/req"
post
ev1=$(metric evaluations_total)
hit1=$(metric cache_hits_total)
check "second request for evaluated images: no new evaluation ($ev0 -> $ev1)" test "$ev0" = "$ev1"
check "second request for evaluated images: 2 cache hits ($hit0 -> $hit1)" test $((hit1 - hit0)) = 2
check "the debug log shows the cache hit" grep -q "webhook: cache hit for $P/team/app@sha256:" "$WH_LOG"
digest=$(skopeo inspect --tls-verify=false "docker://$GOOD" | json_get "d['Digest']")
review Pod pinned "$P/team/app@$digest" >"$T_TMP/req"
post
check "an image pinned by digest is the same cache entry" test \
	"$(resp "d['response']['allowed']") $(metric evaluations_total)" = "True $ev1"

# ---- malformed requests, paths, methods, sizes ------------------------------------
printf '{"apiVersion":' >"$T_TMP/req"
post
check "invalid JSON: 400" test "$CODE" = 400
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"kind":{"kind":"Pod"},"operation":"CREATE","object":{}}}' >"$T_TMP/req"
post
check "no request.uid: 400 naming it" test "$CODE:$BODY" = "400:admission review: request.uid missing or invalid"
printf '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"a"}}' >"$T_TMP/req"
post
check "admission.k8s.io/v1beta1: 400" test "$CODE" = 400
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"a","kind":{"kind":"Deployment"},"operation":"CREATE","object":{"spec":{"template":{"spec":{"containers":[{"name":"x"}]}}}}}}' >"$T_TMP/req"
post
check "a container without an image: 400" test "$CODE" = 400
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"svc","kind":{"kind":"Service"},"operation":"CREATE","object":{"spec":{}}}}' >"$T_TMP/req"
post
check "a kind without a pod spec is allowed" test "$CODE $(resp "d['response']['allowed']")" = "200 True"
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"del","kind":{"kind":"Pod"},"operation":"DELETE","object":null}}' >"$T_TMP/req"
post
check "DELETE is allowed" test "$CODE $(resp "d['response']['allowed']")" = "200 True"
head -c $((4 << 20)) /dev/zero | tr '\0' ' ' >"$T_TMP/req"
post
check "a body over the 3 MiB limit: 413" test "$CODE" = 413
code=$(curl -s --cacert "$T_TMP/tls/ca.crt" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$WH_PORT/validate")
check "GET /validate: 405" test "$code" = 405
code=$(curl -s --cacert "$T_TMP/tls/ca.crt" -o /dev/null -w '%{http_code}' -d '{}' "https://127.0.0.1:$WH_PORT/mutate")
check "POST /mutate: 404" test "$code" = 404
check "the server refuses plain HTTP" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WH_PORT/healthz")" != 200
check "bad requests are counted" test "$(metric bad_requests_total)" -ge 4

# ---- failurePolicy: fail closes on an unreachable registry ---------------------------
closed=$(free_port)
review Pod closed "127.0.0.1:$closed/team/app:1.0" >"$T_TMP/req"
post
check "unreachable registry, failurePolicy fail: denied" test "$(resp "d['response']['allowed']")" = False
check "unreachable registry, failurePolicy fail: the reason says it was not evaluated" \
	grep -q "not evaluated: registry '127.0.0.1:$closed'" <<<"$(resp "d['response']['status']['message']")"
# a registry that accepts connections and never answers: the 2 s deadline decides
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",0)); s.listen(16); print(s.getsockname()[1], flush=True); time.sleep(60)' >"$T_TMP/hang.port" &
HANG_PID=$!
at_exit "kill $HANG_PID"
for ((i = 0; i < 100; i++)); do [ -s "$T_TMP/hang.port" ] && break; sleep 0.1; done
hang=$(cat "$T_TMP/hang.port")
t0=$(date +%s%N)
review Pod hang "127.0.0.1:$hang/team/app:1.0" >"$T_TMP/req"
post
ms=$((($(date +%s%N) - t0) / 1000000))
check "silent registry: denied after the 2 s timeout (${ms} ms)" test \
	"$(resp "d['response']['allowed']")" = False -a "$ms" -ge 1900 -a "$ms" -lt 6000
check "silent registry: the reason is the timeout" \
	grep -q "not evaluated: evaluation timed out" <<<"$(resp "d['response']['status']['message']")"
check "timeouts are counted (one per container)" test "$(metric timeouts_total)" = 2
kill "$HANG_PID"

# ---- graceful shutdown ------------------------------------------------------------------
kill -TERM "$WH_PID"
wait "$WH_PID"
check "SIGTERM: the webhook stops with status 0" test $? = 0

# ---- failurePolicy ignore and audit mode ---------------------------------------------------
start_webhook audit "$T_TMP/audit.yaml" --retries 0 --tag-ttl 60s || { fail "audit webhook did not start"; finish; }
review Pod open "127.0.0.1:$closed/team/app:1.0" >"$T_TMP/req"
post
check "unreachable registry, failurePolicy ignore: allowed" test "$(resp "d['response']['allowed']")" = True
check "failurePolicy ignore: a warning says the image was not evaluated" \
	grep -q "was not evaluated (registry '127.0.0.1:$closed'.*admitted by failurePolicy ignore" <<<"$(resp "d['response']['warnings'][0]")"
review Deployment audit "$GOOD" "$BAD" >"$T_TMP/req"
post
check "audit mode: a violating Deployment is allowed" test "$(resp "d['response']['allowed']")" = True
check "audit mode: each violation is a warning (3 rules, 2 containers)" test \
	"$(resp "len([w for w in d['response']['warnings'] if w.startswith('customs audit: ')])")" = 6
post
check "--tag-ttl: the same request again is answered from both caches (4 tag hits)" test \
	"$(metric tag_cache_hits_total) $(metric evaluations_total) $(resp "len(d['response']['warnings'])")" = "4 2 6"
kill -INT "$WH_PID"
wait "$WH_PID"
check "SIGINT: the webhook stops with status 0" test $? = 0

# ---- signatures through the webhook (customs keygen + sign) ------------------------------
if COSIGN_PASSWORD= "$CUSTOMS" keygen --output-key-prefix "$T_TMP/signer" >/dev/null 2>&1 &&
	COSIGN_PASSWORD= "$CUSTOMS" sign "$GOOD" --key "$T_TMP/signer.key" --insecure 2>/dev/null; then
	printf 'apiVersion: customs.dev/v1\nkind: ImagePolicy\nrules:\n  signatures:\n    - match: "127.0.0.1:*/**"\n      keys: [%s]\n' \
		"$T_TMP/signer.pub" >"$T_TMP/sig.yaml"
	start_webhook sig "$T_TMP/sig.yaml" --retries 0 || fail "signature webhook did not start"
	review Deployment signed "$GOOD" >"$T_TMP/req"
	post
	check "signed images: allowed" test "$(resp "d['response']['allowed']")" = True
	review Deployment unsigned "$GOOD" "$BAD" >"$T_TMP/req"
	post
	check "an unsigned initContainer image: denied by the signature rule" \
		grep -q "initContainers\[0\] (init) image '$BAD': signature: no valid signature" <<<"$(resp "d['response']['status']['message']")"
	kill -TERM "$WH_PID"
	wait "$WH_PID"
else
	fail "customs keygen/sign could not sign the test image"
fi

expect_error "webhook without --tls-key" 2 "needs --policy, --tls-cert and --tls-key" \
	policy webhook --policy "$T_TMP/enforce.yaml" --tls-cert "$T_TMP/tls/server.crt"
expect_error "webhook with a bad listen address" 2 "invalid listen address 'nowhere'" \
	policy webhook --policy "$T_TMP/enforce.yaml" --tls-cert "$T_TMP/tls/server.crt" \
	--tls-key "$T_TMP/tls/server.key" --listen nowhere
expect_error "webhook with a key that is not PEM" 2 "cannot serve HTTPS" \
	policy webhook --policy "$T_TMP/enforce.yaml" --tls-cert "$T_TMP/tls/server.crt" \
	--tls-key "$T_TMP/enforce.yaml" --listen "127.0.0.1:$(free_port)"

finish
