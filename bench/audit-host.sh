#!/usr/bin/env bash
# Benchmark of `customs audit host --no-engine`: wall time of ITER runs
# (default 200), median of RUNS (default 5), on two roots:
#   - this machine's /
#   - a generated Docker host root: daemon.json, units, audit rules and
#     /etc/docker/certs.d with CERTS registries (default 500), each with a
#     ca.crt, client.cert and client.key
# side by side with the baseline: the same files looked at by one `find`
# (the directories walked: certs.d, audit rules) and one `stat` (the fixed
# paths, those that exist) per iteration, printing owner and mode —
# what a shell script such as docker-bench-security does at the least.
# and the start-up floor: `customs version` ITER times (loading the
# binary and its shared libraries, which dominates on a small root).
# Prints the ratio audit / baseline.
#
#   bench/audit-host.sh BUILD [RUNS] [ITER] [CERTS]
set -euo pipefail

build=$(cd "${1:?usage: bench/audit-host.sh BUILD [RUNS] [ITER] [CERTS]}" && pwd)
runs=${2:-5}
iter=${3:-200}
certs=${4:-500}
customs=$build/src/cli/customs
work=$(mktemp -d "${TMPDIR:-/tmp}/customs-bench-host.XXXXXX")
trap 'rm -rf "$work"' EXIT

# the fixed paths the audit stats (docs/AUDIT-HOST.md)
paths=(/var/lib/docker /etc/docker /etc/docker/daemon.json /etc/default/docker
	/etc/sysconfig/docker /lib/systemd/system/docker.service /lib/systemd/system/docker.socket
	/usr/lib/systemd/system/docker.service /usr/lib/systemd/system/docker.socket
	/etc/systemd/system/docker.service /etc/systemd/system/docker.socket
	/var/run/docker.sock /run/docker.sock /run/containerd /run/containerd/containerd.sock
	/etc/containerd/config.toml /usr/bin/dockerd /usr/bin/containerd /usr/bin/containerd-shim
	/usr/bin/containerd-shim-runc-v1 /usr/bin/containerd-shim-runc-v2 /usr/bin/runc
	/usr/sbin/runc /etc/containers/containers.conf /etc/containers/storage.conf
	/etc/containers/registries.conf /etc/containers/policy.json /run/podman/podman.sock
	/etc/group /etc/audit/audit.rules)

r=$work/root
mkdir -p "$r"/etc/docker/certs.d "$r"/lib/systemd/system "$r"/etc/audit/rules.d \
	"$r"/var/lib/docker "$r"/usr/bin "$r"/run "$r"/etc/default
cat >"$r/etc/docker/daemon.json" <<'JSON'
{"icc": false, "live-restore": true, "userland-proxy": false, "no-new-privileges": true,
 "log-driver": "syslog", "insecure-registries": ["10.0.0.1:5000"]}
JSON
printf '[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n' \
	>"$r/lib/systemd/system/docker.service"
printf '[Socket]\nListenStream=/run/docker.sock\n' >"$r/lib/systemd/system/docker.socket"
for f in dockerd containerd runc; do printf '#!/bin/sh\n' >"$r/usr/bin/$f"; done
printf 'root:x:0:\ndocker:x:998:alice,bob\n' >"$r/etc/group"
for p in /usr/bin/dockerd /var/lib/docker /etc/docker /usr/bin/runc; do
	printf -- '-w %s -k docker\n' "$p"
done >"$r/etc/audit/rules.d/docker.rules"
for i in $(seq "$certs"); do
	d=$r/etc/docker/certs.d/registry$i.example:5000
	mkdir -p "$d"
	printf 'c\n' >"$d/ca.crt"
	printf 'c\n' >"$d/client.cert"
	printf 'k\n' >"$d/client.key"
done
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$r/run/docker.sock"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

audit() { # ROOT
	for ((k = 0; k < iter; k++)); do
		"$customs" audit host --root "$1" --no-engine -f json -o /dev/null || [ $? -le 1 ]
	done
}
startup() {
	for ((k = 0; k < iter; k++)); do "$customs" version >/dev/null; done
}
baseline() { # ROOT
	local p=() x
	for x in "${paths[@]}"; do [ -e "$1$x" ] && p+=("$1$x"); done
	for ((k = 0; k < iter; k++)); do
		find "$1/etc/docker/certs.d" "$1/etc/audit/rules.d" -printf '%m %U %G %p\n' \
			>/dev/null 2>&1 || true
		stat -c '%a %u %g %n' "${p[@]}" >/dev/null
	done
}

"$customs" audit host --root "$r" --no-engine -f json -o "$work/check.json"
results=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$work/check.json")
echo "generated root: $certs registries in certs.d, $results results per audit"

for root in / "$r"; do
	ta=() tb=() tc=()
	for ((i = 0; i < runs; i++)); do
		t0=$(now); audit "$root"; t1=$(now); baseline "$root"; t2=$(now); startup; t3=$(now)
		ta+=("$(echo "$t1 - $t0" | bc -l)")
		tb+=("$(echo "$t2 - $t1" | bc -l)")
		tc+=("$(echo "$t3 - $t2" | bc -l)")
	done
	a=$(printf '%s\n' "${ta[@]}" | median)
	b=$(printf '%s\n' "${tb[@]}" | median)
	c=$(printf '%s\n' "${tc[@]}" | median)
	name=$([ "$root" = / ] && echo "this machine's /" || echo "generated root")
	printf '%-18s audit %6.1f ms/run  find+stat %6.1f ms/run  ratio %.2f  (customs start-up %.1f ms/run)\n' \
		"$name" "$(echo "$a * 1000 / $iter" | bc -l)" "$(echo "$b * 1000 / $iter" | bc -l)" \
		"$(echo "$a / $b" | bc -l)" "$(echo "$c * 1000 / $iter" | bc -l)"
done
