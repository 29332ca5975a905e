#!/usr/bin/env bash
# Benchmark of `customs policy webhook`: latency of POST /validate for a
# Deployment with 3 containers (3 different images in a real docker-registry
# on 127.0.0.1) under concurrent load from wrk, after the decision cache is
# warm, against the baseline of the same wrk load on the same server's
# GET /healthz (same TLS stack, same HTTP threads, no policy work). Two
# webhook configurations are measured:
#   - tags cached (--tag-ttl 60s): a request is parse + 3 cache hits + reply
#   - tags resolved on every request (--tag-ttl 0, the default): each
#     request also asks the registry for 3 manifests (tag -> digest); its
#     floor is measured too: wrk straight at the registry's manifest GET
# Prints p50/p99 and requests/s of each, and the p50/p99 ratios to /healthz.
#
#   bench/webhook.sh BUILD [SECONDS] [CONNECTIONS]
set -euo pipefail

build=$(cd "${1:?usage: bench/webhook.sh BUILD [SECONDS] [CONNECTIONS]}" && pwd)
secs=${2:-10}
conns=${3:-8}
src=$(cd "$(dirname "$0")/.." && pwd)
customs=$build/src/cli/customs
fixtures=${CUSTOMS_FIXTURES:-$src/build/fixtures}
alpine=$fixtures/alpine-3.20.oci
[ -d "$alpine" ] || { echo "fixture $alpine missing: run tests/fixtures/build.sh" >&2; exit 2; }
for t in wrk docker-registry skopeo openssl curl; do
	command -v "$t" >/dev/null || { echo "$t is not installed" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/customs-bench-webhook.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_https() {
	for _ in $(seq 100); do
		curl -sf --cacert "$work/ca.crt" "https://127.0.0.1:$1/healthz" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# a CA and a server certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=bench CA" -keyout "$work/ca.key" \
	-out "$work/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$work/server.key" \
	-out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$work/ext.cnf"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
	-CAcreateserial -days 1 -extfile "$work/ext.cnf" -out "$work/server.crt" 2>/dev/null

# the registry and three images (same layers, three configs: three digests)
rport=$(port)
mkdir -p "$work/reg"
cat >"$work/reg.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/reg}}
http: {addr: 127.0.0.1:$rport, secret: bench}
YAML
docker-registry serve "$work/reg.yml" >"$work/reg.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$rport") 2>/dev/null && break; sleep 0.1; done
images=()
for i in 1 2 3; do
	python3 "$src/tests/e2e/policy-image.py" "$alpine" "$work/img$i.oci" --user 1000 \
		--label "maintainer=team$i@example.com" --created "$(date -u +%FT%TZ)" >/dev/null
	skopeo copy -q --dest-tls-verify=false "oci:$work/img$i.oci" \
		"docker://127.0.0.1:$rport/team/app$i:1.0" >/dev/null
	images+=("127.0.0.1:$rport/team/app$i:1.0")
done

cat >"$work/policy.yaml" <<YAML
apiVersion: customs.dev/v1
kind: ImagePolicy
rules:
  trustedRegistries: ["127.0.0.1:*/team/*"]
  forbidRootUser: true
  requiredLabels: [maintainer]
  maxAge: 30d
YAML
python3 - "${images[@]}" >"$work/review.json" <<'PY'
import json, sys
containers = [{"name": "c%d" % i, "image": im} for i, im in enumerate(sys.argv[1:])]
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "bench", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
    "operation": "CREATE", "namespace": "default", "name": "bench",
    "object": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bench"},
               "spec": {"replicas": 3, "template": {"spec": {"containers": containers}}}}}}))
PY
cat >"$work/post.lua" <<LUA
local f = io.open("$work/review.json", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

# wrk_run URL [LUA]: prints "p50_ms p99_ms req_per_s"
wrk_run() {
	local out
	out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency ${2:+-s "$2"} "$1")
	echo "$out" >>"$work/wrk.log"
	python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
def ms(tok):
    v, u = re.match(r"([\d.]+)(us|ms|s)", tok).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
if bad:
    sys.exit("non-2xx responses: " + bad.group(1))
print("%.3f %.3f %.0f" % (p50, p99, rps))
PY
}

measure() { # measure NAME ARGS...
	local name=$1 wport
	shift
	wport=$(port)
	"$customs" policy webhook --policy "$work/policy.yaml" --tls-cert "$work/server.crt" \
		--tls-key "$work/server.key" --listen "127.0.0.1:$wport" --insecure --threads 2 \
		"$@" 2>"$work/$name.log" &
	pids+=($!)
	wait_https "$wport" || { cat "$work/$name.log" >&2; exit 1; }
	# warm the cache, and check the answer is the expected allow
	curl -s --cacert "$work/ca.crt" --data-binary @"$work/review.json" \
		"https://127.0.0.1:$wport/validate" | grep -q '"allowed":true' ||
		{ echo "warm-up request was not allowed" >&2; exit 1; }
	read -r hp50 hp99 hrps < <(wrk_run "https://127.0.0.1:$wport/healthz")
	read -r vp50 vp99 vrps < <(wrk_run "https://127.0.0.1:$wport/validate" "$work/post.lua")
	ev=$(curl -s --cacert "$work/ca.crt" "https://127.0.0.1:$wport/metrics" |
		awk '$1 == "customs_webhook_evaluations_total" { print $2 }')
	printf '%-26s /healthz p50 %7.3f ms p99 %7.3f ms %7.0f req/s | /validate p50 %7.3f ms p99 %7.3f ms %7.0f req/s | ratio p50 %.2f p99 %.2f | evaluations %s\n' \
		"$name" "$hp50" "$hp99" "$hrps" "$vp50" "$vp99" "$vrps" \
		"$(echo "$vp50 / $hp50" | bc -l)" "$(echo "$vp99 / $hp99" | bc -l)" "$ev"
}

echo "wrk -t2 -c$conns -d${secs}s, Deployment with 3 containers, warm decision cache"
measure "tags cached (--tag-ttl 60s)" --tag-ttl 60s
measure "tags resolved per request" --tag-ttl 0
# the floor of the second configuration: the registry answering one manifest GET
cat >"$work/manifest.lua" <<'LUA'
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
LUA
read -r mp50 mp99 mrps < <(wrk_run "http://127.0.0.1:$rport/v2/team/app1/manifests/1.0" "$work/manifest.lua")
printf '%-26s one manifest GET p50 %7.3f ms p99 %7.3f ms %7.0f req/s (a request needs 3)\n' \
	"docker-registry alone" "$mp50" "$mp99" "$mrps"
