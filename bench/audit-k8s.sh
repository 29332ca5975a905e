#!/usr/bin/env bash
# Benchmark of `customs audit k8s`: N Kubernetes manifests (default 10,000)
# generated from one Deployment template, varied per file (name, namespace,
# replicas, image tag, and one of several security postures: hardened,
# privileged, hostPath, capabilities, no context at all), each file also
# holding a Service. Measured side by side in the same run, RUNS times,
# median wall time:
#   - customs audit k8s -f json DIR (every manifest, one report to /dev/null)
#   - the same with --quiet (only fail and warn results are reported: most of
#     the time above goes to writing the pass results)
#   - the baseline: parse only, PyYAML's libyaml-backed CSafeLoader loading
#     every document of the same files (the same C parser customs uses,
#     without any checks or report)
# and prints manifests/s and the ratio audit / parse-only.
#
#   bench/audit-k8s.sh BUILD [RUNS] [N]
set -euo pipefail

build=$(cd "${1:?usage: bench/audit-k8s.sh BUILD [RUNS] [N]}" && pwd)
runs=${2:-5}
n=${3:-10000}
customs=$build/src/cli/customs
work=$(mktemp -d "${TMPDIR:-/tmp}/customs-bench-k8s.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/m"

python3 - "$work/m" "$n" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
postures = [
    """      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      automountServiceAccountToken: false""",
    """      hostNetwork: true
      hostPID: true""",
    """      volumes:
        - name: sock
          hostPath: {path: /var/run/docker.sock}
        - name: logs
          hostPath: {path: /var/log}""",
    "",
]
ctx = [
    """          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}""",
    """          securityContext:
            privileged: true""",
    """          securityContext:
            capabilities: {add: [SYS_ADMIN, NET_RAW]}""",
    "",
]
for i in range(n):
    p = i % len(postures)
    with open(f"{out}/app-{i:05d}.yaml", "w") as f:
        f.write(f"""---
# Source: bench/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{i % 17}
  labels: {{app: app-{i}, tier: web}}
spec:
  replicas: {1 + i % 5}
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
{postures[p]}
      containers:
        - name: app
          image: registry.example.com/team/app-{i}:{i % 100}.{i % 7}
          ports:
            - containerPort: {8000 + i % 1000}
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              valueFrom: {{secretKeyRef: {{name: db-{i}, key: password}}}}
          resources:
            requests: {{cpu: {100 + i % 400}m, memory: {128 + i % 256}Mi}}
            limits: {{cpu: "1", memory: 512Mi}}
{ctx[(i // 4) % len(ctx)]}
        - name: sidecar
          image: envoyproxy/envoy:v1.{i % 30}.0
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{i % 17}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 80, targetPort: {8000 + i % 1000}}}]
""")
PY
bytes=$(cat "$work"/m/*.yaml | wc -c)

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # timeit CMD...: wall seconds of one run
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1 || true
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
parse_only() {
	python3 -c '
import glob, sys, yaml
docs = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.yaml")):
    with open(f, "rb") as fh:
        docs += sum(1 for d in yaml.load_all(fh, Loader=yaml.CSafeLoader) if d is not None)
print(docs)' "$1"
}

audit=$(for ((r = 0; r < runs; r++)); do timeit "$customs" audit k8s -f json -o /dev/null "$work/m"; done | median)
quiet=$(for ((r = 0; r < runs; r++)); do timeit "$customs" audit k8s --quiet -f json -o /dev/null "$work/m"; done | median)
base=$(for ((r = 0; r < runs; r++)); do timeit parse_only "$work/m"; done | median)
results=$("$customs" audit k8s -f json "$work/m" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["results"]), d["summary"]["fail"])')
docs=$(parse_only "$work/m")

printf '%d manifests (%d documents, %d bytes); %s results (%s failing); median of %d runs\n' \
	"$n" "$docs" "$bytes" "${results% *}" "${results#* }" "$runs"
printf 'customs audit k8s:            %8.3f s  %10.0f manifests/s\n' "$audit" "$(echo "$n / $audit" | bc -l)"
printf 'customs audit k8s --quiet:    %8.3f s  %10.0f manifests/s\n' "$quiet" "$(echo "$n / $quiet" | bc -l)"
printf 'parse only (PyYAML CSafeLoader): %5.3f s  %10.0f manifests/s\n' "$base" "$(echo "$n / $base" | bc -l)"
printf 'audit / parse-only: %.2f   (--quiet: %.2f)\n' "$(echo "$audit / $base" | bc -l)" "$(echo "$quiet / $base" | bc -l)"
