#!/usr/bin/env bash
# audit host: CIS Docker Benchmark checks against root directories built
# here (known good and bad files, modes, owners, daemon.json variants,
# audit rules), against this machine's real /, and against real containers
# of a real Podman service (Docker-compatible API) on a private socket;
# then customs inventory over the same engine.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to set file owners"

# verdict FILE ID [TARGET-SUBSTRING]: the distinct statuses of the results
verdict() {
	python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
want = sys.argv[3] if len(sys.argv) > 3 else None
print(",".join(sorted({x["status"] for x in d["results"]
                       if x["id"] == sys.argv[2] and (want is None or want in (x["target"] or ""))})))
EOF
}
# evidence FILE ID [TARGET-SUBSTRING]: the evidence of the first such result
evidence() {
	python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
want = sys.argv[3] if len(sys.argv) > 3 else None
print(next((x["evidence"] for x in d["results"]
            if x["id"] == sys.argv[2] and (want is None or want in (x["target"] or ""))), ""))
EOF
}
# want FILE ID STATUS [TARGET-SUBSTRING]
want() {
	local f=$1 id=$2 st=$3 got
	got=$(verdict "$f" "$id" "${4:-}")
	if [ "$got" = "$st" ]; then
		pass "$(basename "$f" .json) $id ${4:+($4) }is $st"
	else
		fail "$(basename "$f" .json) $id ${4:+($4) }is '$got', want $st: $(evidence "$f" "$id" "${4:-}")"
	fi
}
mksock() { python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1"; }

# --- a well-configured Docker host ---
good=$T_TMP/good
mkdir -p "$good"/etc/docker/certs.d/reg.example:5000 "$good"/lib/systemd/system \
	"$good"/etc/audit/rules.d "$good"/var/lib/docker "$good"/usr/bin "$good"/run \
	"$good"/etc/default "$good"/etc/docker/tls
cat >"$good/etc/docker/daemon.json" <<'EOF'
{
  "icc": false,
  "userns-remap": "default",
  "live-restore": true,
  "no-new-privileges": true,
  "userland-proxy": false,
  "log-driver": "syslog",
  "log-level": "info",
  "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048}},
  "authorization-plugins": ["authz-broker"],
  "hosts": ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"],
  "tlsverify": true,
  "tlscacert": "/etc/docker/tls/ca.pem",
  "tlscert": "/etc/docker/tls/server.pem",
  "tlskey": "/etc/docker/tls/server-key.pem"
}
EOF
printf '[Service]\nExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock\n' \
	>"$good/lib/systemd/system/docker.service"
printf '[Socket]\nListenStream=/run/docker.sock\n' >"$good/lib/systemd/system/docker.socket"
printf '#!/bin/sh\n' >"$good/usr/bin/dockerd"
printf '#!/bin/sh\n' >"$good/usr/bin/runc"
printf 'DOCKER_OPTS=\n' >"$good/etc/default/docker"
printf 'cert\n' >"$good/etc/docker/certs.d/reg.example:5000/ca.crt"
for f in ca.pem server.pem; do printf 'cert\n' >"$good/etc/docker/tls/$f"; done
printf 'key\n' >"$good/etc/docker/tls/server-key.pem"
printf 'root:x:0:\ndocker:x:998:\n' >"$good/etc/group"
printf '/dev/sdb1 /var/lib/docker ext4 defaults 0 2\n' >"$good/etc/fstab"
cat >"$good/etc/audit/rules.d/docker.rules" <<'EOF'
-w /usr/bin/dockerd -k docker
-w /var/lib/docker -k docker
-w /etc/docker -k docker
-w /lib/systemd/system/docker.service -k docker
-w /lib/systemd/system/docker.socket -k docker
-w /etc/default/docker -k docker
-a always,exit -F path=/usr/bin/runc -F perm=x -k docker
EOF
printf -- '-w /usr/bin/containerd -k docker\n' >"$good/etc/audit/rules.d/README"
printf '#!/bin/sh\n' >"$good/usr/bin/containerd"
mksock "$good/run/docker.sock"
ln -s /run "$good/var/run" 2>/dev/null || { mkdir -p "$good/var"; ln -s /run "$good/var/run"; }
chown -R 0:0 "$good"
chown 0:998 "$good/run/docker.sock"
chmod 0660 "$good/run/docker.sock"
chmod 0644 "$good/etc/docker/daemon.json" "$good/lib/systemd/system/docker.service" \
	"$good/etc/default/docker"
chmod 0600 "$good/lib/systemd/system/docker.socket" # more restrictive than 0644
chmod 0755 "$good/etc/docker" "$good/usr/bin/dockerd"
chmod 0444 "$good/etc/docker/certs.d/reg.example:5000/ca.crt" "$good/etc/docker/tls/ca.pem" \
	"$good/etc/docker/tls/server.pem"
chmod 0400 "$good/etc/docker/tls/server-key.pem"

expect_ok "audit a well-configured root" audit host --root "$good" --no-engine -f json
printf '%s\n' "$OUT" >"$T_TMP/good.json"
g=$T_TMP/good.json
for id in 1.1.1 1.1.3 1.1.5 1.1.6 1.1.7 1.1.9 1.1.10 1.1.11 1.1.18 \
	2.2 2.3 2.4 2.5 2.6 2.7 2.8 2.9 2.12 2.13 2.14 2.15 2.16 2.17 2.18 \
	3.1 3.2 3.3 3.4 3.5 3.6 3.7 3.8 3.9 3.10 3.11 3.12 3.13 3.14 3.15 3.16 3.17 3.18 3.19 3.22; do
	want "$g" "CS-HOST-$id" pass
done
want "$g" CS-HOST-1.1.4 skip  # no /run/containerd in this root
want "$g" CS-HOST-1.1.13 skip # no /etc/sysconfig/docker
want "$g" CS-HOST-3.20 skip
want "$g" CS-HOST-3.21 skip
want "$g" CS-HOST-3.23 skip
want "$g" CS-HOST-1.1.2 pass # a docker group without members
want "$g" CS-HOST-2.1 manual
want "$g" CS-HOST-1.1.14 fail # only rules.d/README watches it: not a .rules file
# var/run -> /run is resolved inside the root (this machine has no docker.sock)
want "$g" CS-HOST-3.16 pass /var/run/docker.sock
check "no container checks with --no-engine" \
	test -z "$(verdict "$g" CS-CTR-5.4)"
run audit host --root "$good" --no-engine --exit-code 9 --severity critical,high,medium
check "table output, no failure at medium and above: exit 0" test "$RC" -eq 0
check "the table names a check" eval 'grep -q "CS-HOST-2.2" <<<"$OUT"'
run audit host --root "$good" --no-engine --exit-code 9
check "the low failure (1.1.14) gates at every severity: exit 9" test "$RC" -eq 9

# --- a badly configured one ---
bad=$T_TMP/bad
mkdir -p "$bad"/etc/docker/certs.d/reg.example:5000 "$bad"/lib/systemd/system \
	"$bad"/var/lib/docker "$bad"/usr/bin "$bad"/var/run "$bad"/etc/sysconfig
cat >"$bad/etc/docker/daemon.json" <<'EOF'
{
  "insecure-registries": ["registry.corp:5000"],
  "log-level": "debug",
  "storage-driver": "aufs",
  "hosts": ["tcp://0.0.0.0:2375"],
  "experimental": true,
  "seccomp-profile": "unconfined",
  "iptables": false,
  "cgroup-parent": "/custom"
}
EOF
printf '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// --icc=true --userland-proxy=true\n' \
	>"$bad/lib/systemd/system/docker.service"
printf '#!/bin/sh\n' >"$bad/usr/bin/dockerd"
printf 'cert\n' >"$bad/etc/docker/certs.d/reg.example:5000/ca.crt"
mksock "$bad/var/run/docker.sock"
# a symlink that climbs out of the root: resolved inside it, never to this machine's file
printf 'root:x:0:0::/root:/bin/sh\n' >"$bad/etc/passwd"
ln -s ../../../../../../../../etc/passwd "$bad/etc/sysconfig/docker"
chown -R 0:0 "$bad"
chmod 0611 "$bad/etc/docker/daemon.json" # 611 < 644 as a number, but grants execute
chown 1000:1000 "$bad/etc/docker/daemon.json"
chmod 0664 "$bad/lib/systemd/system/docker.service"
chmod 0777 "$bad/etc/docker"
chmod 0644 "$bad/etc/docker/certs.d/reg.example:5000/ca.crt"
chmod 0666 "$bad/var/run/docker.sock"
chown 0:5 "$bad/var/run/docker.sock"
chmod 0666 "$bad/etc/passwd"

expect_ok "audit a badly configured root" audit host --root "$bad" --no-engine -f json
printf '%s\n' "$OUT" >"$T_TMP/bad.json"
b=$T_TMP/bad.json
for id in 1.1.1 1.1.3 1.1.5 1.1.6 1.1.7 1.1.11 \
	2.2 2.3 2.4 2.5 2.6 2.7 2.9 2.12 2.13 2.14 2.15 2.16 2.17 2.18 \
	3.2 3.6 3.8 3.15 3.16 3.17 3.18 3.21; do
	want "$b" "CS-HOST-$id" fail
done
want "$b" CS-HOST-2.10 manual
want "$b" CS-HOST-2.8 warn
want "$b" CS-HOST-3.1 pass
want "$b" CS-HOST-3.20 pass
want "$b" CS-HOST-3.9 skip # no tlscacert configured
check "0611 is reported as the mode it is" \
	eval 'evidence "$b" CS-HOST-3.18 | grep -q "mode 0611"'
check "owner 1000:1000 is evidence" eval 'evidence "$b" CS-HOST-3.17 | grep -q "owner 1000:1000"'
check "the escaping symlink is resolved inside the root (0666, not this host's 0644)" \
	eval 'evidence "$b" CS-HOST-3.21 | grep -q "mode 0666 (through a symlink)"'
check "the command line's --icc=true is the evidence, with its unit" \
	eval 'evidence "$b" CS-HOST-2.2 | grep -q "docker.service"'
check "tcp without TLS is named" eval 'evidence "$b" CS-HOST-2.7 | grep -q "tcp://0.0.0.0:2375 without tlsverify"'
check "no audit rules at all is said so" eval 'evidence "$b" CS-HOST-1.1.3 | grep -q "no audit rules found"'
run audit host --root "$bad" --no-engine --exit-code 9 -f json
check "failures with --exit-code 9: exit 9" test "$RC" -eq 9
run audit host --root "$bad" --no-engine --exit-code 9 --severity critical -o "$T_TMP/crit.json" -f json
check "--severity critical still fails on 2.7 (critical)" test "$RC" -eq 9
check "--severity critical shows only critical results" \
	test "$(python3 -c 'import json,sys; print(sorted({x["severity"] for x in json.load(open(sys.argv[1]))["results"]}))' "$T_TMP/crit.json")" = "['critical']"

# --- daemon.json variants ---
v=$T_TMP/variants
mkdir -p "$v/etc/docker"
printf '{\n  "icc": false,\n  "live-restore": tru\n}\n' >"$v/etc/docker/daemon.json"
expect_error "malformed daemon.json" 2 "daemon.json': line 3" audit host --root "$v" --no-engine -o "$T_TMP/never.json"
check "nothing written on bad input" test ! -e "$T_TMP/never.json"
printf '{"icc": "false"}' >"$v/etc/docker/daemon.json"
expect_error "daemon.json with a wrong type" 2 "'icc' has the wrong type" audit host --root "$v" --no-engine
printf '{"icc": true, "icc": false}' >"$v/etc/docker/daemon.json"
expect_error "daemon.json with a duplicate key" 2 "daemon.json'.*duplicate" audit host --root "$v" --no-engine
: >"$v/etc/docker/daemon.json"
expect_ok "an empty daemon.json is no settings" audit host --root "$v" --no-engine -f json
printf '%s\n' "$OUT" >"$T_TMP/empty.json"
want "$T_TMP/empty.json" CS-HOST-2.2 fail # icc defaults to true
want "$T_TMP/empty.json" CS-HOST-2.17 pass
# systemd's choice of ExecStart: /etc's drop-ins override the packaged unit
mkdir -p "$v/lib/systemd/system" "$v/etc/systemd/system/docker.service.d" "$v/etc/docker/certs.d"
printf '[Service]\nExecStart=/usr/bin/dockerd --icc=true --experimental\n' >"$v/lib/systemd/system/docker.service"
printf '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --icc=false\n' \
	>"$v/etc/systemd/system/docker.service.d/10-icc.conf"
printf '[Service]\nEnvironment=X=1\n' >"$v/etc/systemd/system/docker.service.d/20-env.conf"
expect_ok "audit with a drop-in" audit host --root "$v" --no-engine -f json
printf '%s\n' "$OUT" >"$T_TMP/dropin.json"
want "$T_TMP/dropin.json" CS-HOST-2.2 pass
want "$T_TMP/dropin.json" CS-HOST-2.18 pass # the overridden ExecStart's --experimental is gone
check "the drop-in is the evidence" eval 'evidence "$T_TMP/dropin.json" CS-HOST-2.2 | grep -q "10-icc.conf"'
want "$T_TMP/dropin.json" CS-HOST-3.8 skip
check "an empty certs.d is said so" eval 'evidence "$T_TMP/dropin.json" CS-HOST-3.8 | grep -q "holds no registry certificates"'
head -c 2000000 /dev/zero | tr '\0' ' ' >"$v/etc/docker/daemon.json"
expect_error "an oversized daemon.json" 2 "larger than" audit host --root "$v" --no-engine
expect_error "a root that does not exist" 2 "cannot open root directory" audit host --root "$T_TMP/nope"
expect_error "an argument" 2 "takes no arguments" audit host extra
expect_error "a tcp engine" 2 "want unix:///PATH" audit host --root "$good" --engine tcp://127.0.0.1:2375
expect_error "an engine that is not there" 2 "cannot reach the container engine" \
	audit host --root "$good" --engine "unix://$T_TMP/none.sock"

# --- this machine's real / ---
expect_ok "audit this machine's /" audit host --no-engine -f json
printf '%s\n' "$OUT" >"$T_TMP/real.json"
r=$T_TMP/real.json
check "every result has a verdict" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ok = {"pass", "fail", "warn", "info", "manual", "skip"}
sys.exit(0 if d["results"] and all(x["status"] in ok and x["id"] for x in d["results"]) else 1)' "$r"
if [ ! -e /etc/docker/daemon.json ] && [ ! -e /usr/bin/dockerd ] && [ ! -e /usr/sbin/dockerd ] &&
	[ ! -e /lib/systemd/system/docker.service ] && ! pgrep -x dockerd >/dev/null; then
	for id in 2.1 2.2 2.7 2.9 2.14 2.18; do want "$r" "CS-HOST-$id" skip; done
	want "$r" CS-HOST-1.1.3 skip
	want "$r" CS-HOST-3.17 skip
fi
if [ -e /usr/sbin/runc ] && [ ! -e /usr/bin/runc ]; then
	check "runc is found where this machine has it" \
		eval 'test "$(verdict "$r" CS-HOST-1.1.18)" != skip'
fi
if [ -f /etc/containers/registries.conf ]; then
	check "Podman's registries.conf is checked" \
		eval 'test -n "$(verdict "$r" CS-HOST-PODMAN-CONF-MODE /etc/containers/registries.conf)"'
	st=$(stat -c '%a %u' /etc/containers/registries.conf)
	case $st in
	"644 0" | "640 0" | "600 0" | "444 0" | "400 0") w=pass ;;
	*) w=fail ;;
	esac
	want "$r" CS-HOST-PODMAN-CONF-MODE $w /etc/containers/registries.conf
fi

# --- running containers of a real Podman service ---
command -v podman >/dev/null || { echo "# podman missing: container checks not run"; finish; }
alpine=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
[ -f "$alpine" ] || { echo "# $alpine missing: container checks not run"; finish; }
sock=$T_TMP/podman.sock
t_podman import --quiet "$alpine" localhost/alpine:3.20 >/dev/null || skip_all "podman import failed"
t_podman system service --time=0 "unix://$sock" >"$T_TMP/service.log" 2>&1 &
service=$!
at_exit "pkill -P $service; kill $service; wait $service"
at_exit "podman --root '$T_TMP/podman/root' --runroot '$T_TMP/podman/run' --storage-driver vfs --runtime runc --cgroup-manager cgroupfs rm -af -t 0"
for _ in $(seq 100); do
	[ -S "$sock" ] && curl -sf --unix-socket "$sock" http://d/_ping >/dev/null && break
	sleep 0.1
done
[ -S "$sock" ] || skip_all "podman service did not start: $(cat "$T_TMP/service.log")"

ul=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
img=localhost/alpine:3.20
start() {
	local name=$1
	shift
	if ! t_podman run -d "${ul[@]}" --name "$name" "$@" "$img" sleep 600 >"$T_TMP/run-$name.log" 2>&1; then
		echo "# cannot start $name: $(tail -1 "$T_TMP/run-$name.log")"
		return 1
	fi
}
mkdir -p "$T_TMP/shared"
start plain --label tier=web
start devices --device /dev/null:/dev/xnull --restart always
start priv --privileged
start caps --cap-add NET_ADMIN --cap-add SYS_ADMIN
start hostfs -v /:/host:ro -v "$sock:/var/run/docker.sock"
start limited --memory 64m --cpus 0.5 --pids-limit 50 --read-only \
	--security-opt no-new-privileges --user 1000:1000 \
	--health-cmd true --restart on-failure:3
start nsshare --network host --pid host --ipc host --uts host
start seccomp --security-opt seccomp=unconfined
start propagation -v "$T_TMP/shared:/mnt:rshared"
# a process the kernel names sshd (a script's comm is its file name)
t_podman run -d "${ul[@]}" --name sshd "$img" sh -c \
	'printf "#!/bin/sh\nsleep 600\n" >/tmp/sshd; chmod +x /tmp/sshd; /tmp/sshd' >/dev/null
ports=true
start ports -p 80:80 -p 127.0.0.1:8443:443 || ports=false
start localport -p 127.0.0.1:8080:80 || ports=false
t_podman create "${ul[@]}" --name stopped "$img" true >/dev/null

expect_ok "audit with the engine" audit host --root "$good" --engine "unix://$sock" -f json
printf '%s\n' "$OUT" >"$T_TMP/ctr.json"
c=$T_TMP/ctr.json
id12=$(t_podman inspect --format '{{.Id}}' plain | cut -c1-12)
check "targets name the container and its short id" \
	eval 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(x[\"target\"] == \"container plain ($id12)\" for x in d[\"results\"]) else 1)" "$c"'
want "$c" CS-CTR-5.4 pass plain
want "$c" CS-CTR-5.4 fail priv
want "$c" CS-CTR-5.21 fail priv
want "$c" CS-CTR-5.3 pass plain
want "$c" CS-CTR-5.3 fail caps
check "the added capabilities are the evidence" eval 'evidence "$c" CS-CTR-5.3 caps | grep -q NET_ADMIN'
want "$c" CS-CTR-5.5 pass plain
want "$c" CS-CTR-5.5 fail hostfs
want "$c" CS-CTR-5.31 fail hostfs
want "$c" CS-CTR-5.31 pass plain
want "$c" CS-CTR-5.10 fail plain
want "$c" CS-CTR-5.10 pass limited
want "$c" CS-CTR-5.11 fail plain
want "$c" CS-CTR-5.11 pass limited
want "$c" CS-CTR-5.12 fail plain
want "$c" CS-CTR-5.12 pass limited
want "$c" CS-CTR-5.25 fail plain
want "$c" CS-CTR-5.25 pass limited
want "$c" CS-CTR-4.1 fail plain
want "$c" CS-CTR-4.1 pass limited
want "$c" CS-CTR-5.28 pass limited
check "the pids limit is the evidence" eval 'evidence "$c" CS-CTR-5.28 limited | grep -q "PidsLimit: 50"'
want "$c" CS-CTR-5.26 fail plain
want "$c" CS-CTR-5.26 pass limited
want "$c" CS-CTR-5.14 pass limited
want "$c" CS-CTR-5.14 fail devices
want "$c" CS-CTR-5.17 fail devices
want "$c" CS-CTR-5.17 pass plain
want "$c" CS-CTR-5.29 fail plain # podman's default bridge
want "$c" CS-CTR-5.9 pass plain
want "$c" CS-CTR-5.9 fail nsshare
want "$c" CS-CTR-5.15 fail nsshare
want "$c" CS-CTR-5.16 fail nsshare
check "the kernel, not the engine's IpcMode, is the evidence when they disagree" \
	eval 'evidence "$c" CS-CTR-5.16 nsshare | grep -Eq "IpcMode: host|kernel shows the container in the host.s ipc namespace"'
want "$c" CS-CTR-5.20 fail nsshare
want "$c" CS-CTR-5.15 pass plain
want "$c" CS-CTR-5.21 fail seccomp
want "$c" CS-CTR-5.21 pass plain
want "$c" CS-CTR-5.19 fail propagation
want "$c" CS-CTR-5.19 pass plain
want "$c" CS-CTR-5.18 info plain # the ulimits these machines need
want "$c" CS-CTR-5.6 fail sshd
want "$c" CS-CTR-5.6 pass plain
if $ports; then
	want "$c" CS-CTR-5.7 fail ports
	want "$c" CS-CTR-5.13 fail ports
	want "$c" CS-CTR-5.7 pass localport
	want "$c" CS-CTR-5.13 pass localport
fi
check "stopped containers are not audited" test -z "$(verdict "$c" CS-CTR-5.4 stopped)"
n_run=$(t_podman ps -q | wc -l)
n_all=$(t_podman ps -aq | wc -l)
want "$c" CS-HOST-6.2 info
check "6.2 counts the engine's containers ($n_all, $n_run running)" \
	eval 'evidence "$c" CS-HOST-6.2 | grep -qx "$n_all containers, $n_run running"'
check "6.1 counts the engine's images" eval 'evidence "$c" CS-HOST-6.1 | grep -q "^1 images, 1 in use"'

# DOCKER_HOST is the default engine
OUT=$(DOCKER_HOST="unix://$sock" "$CUSTOMS" audit host --root "$good" -f json 2>/dev/null)
printf '%s\n' "$OUT" >"$T_TMP/dh.json"
want "$T_TMP/dh.json" CS-CTR-5.4 fail priv

# --- inventory over the same engine ---
expect_ok "inventory as JSON" inventory --engine "unix://$sock" -f json
printf '%s\n' "$OUT" >"$T_TMP/inv.json"
check "inventory shape and counts" python3 - "$T_TMP/inv.json" "$n_all" "$n_run" "$id12" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
n_all, n_run, id12 = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
assert d["schema"] == "customs.inventory/v1", d["schema"]
assert len(d["containers"]) == n_all, (len(d["containers"]), n_all)
assert sum(1 for c in d["containers"] if c["state"] == "running") == n_run
assert len(d["images"]) == 1
im = d["images"][0]
assert "localhost/alpine:3.20" in im["tags"], im
assert im["id"].startswith("sha256:") and im["containers"] == n_all, im
byname = {c["name"]: c for c in d["containers"]}
p = byname["plain"]
assert p["id"].startswith(id12) and p["image"] == "localhost/alpine:3.20", p
assert p["imageId"] == im["id"], p
assert p["labels"].get("tier") == "web", p["labels"]
assert p["audit"]["fail"] > 0 and p["audit"]["pass"] > 0, p
assert byname["priv"]["audit"]["fail"] > p["audit"]["fail"], (byname["priv"]["audit"], p["audit"])
assert byname["stopped"]["state"] != "running" and byname["stopped"]["audit"] is None
assert any(m["destination"] == "/host" for m in byname["hostfs"]["mounts"])
assert d["summary"]["containers"] == n_all and d["summary"]["running"] == n_run
assert d["summary"]["images"] == 1
EOF
if $ports; then
	check "inventory lists published ports" eval 'python3 -c "import json,sys; d=json.load(open(sys.argv[1])); c=[c for c in d[\"containers\"] if c[\"name\"]==\"ports\"][0]; sys.exit(0 if any(p[\"hostPort\"]==80 for p in c[\"ports\"]) else 1)" "$T_TMP/inv.json"'
fi
expect_ok "inventory as a table" inventory --engine "unix://$sock"
check "the table has a row per container" eval 'grep -c "localhost/alpine:3.20" <<<"$OUT" | grep -qx "$((n_all + 1))"'
expect_error "inventory without an engine" 2 "cannot reach the container engine" \
	inventory --engine "unix://$T_TMP/none.sock"
expect_error "inventory --with-scan without a database" 2 "no vulnerability database at" \
	inventory --engine "unix://$sock" --with-scan --db "$T_TMP/none.sqlite"
expect_error "inventory --db alone" 2 "--db is for --with-scan" inventory --db x
expect_error "inventory formats" 2 "unknown format 'sarif'" inventory -f sarif
db=$T_TMP/vuln.sqlite
feeds=$CUSTOMS_SHARED/feeds
if [ -d "$feeds/alpine-secdb" ]; then
	if "$CUSTOMS" db build --from "$feeds/alpine-secdb" --db "$db" >"$T_TMP/db.log" 2>&1; then
		expect_ok "inventory --with-scan" inventory --engine "unix://$sock" --with-scan --db "$db" -f json
		check "vulnerability counts per image" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = d["images"][0]["vulnerabilities"]
sys.exit(0 if isinstance(v, dict) and all(isinstance(v[k], int) for k in ("critical","high","medium","low","negligible","unknown","total")) else 1)' /dev/stdin <<<"$OUT"
		total=$(json_get 'd["images"][0]["vulnerabilities"]["total"]' <<<"$OUT")
		expect_ok "scan the same image" scan image engine:$img --engine "unix://$sock" --db "$db" --ignorefile '' -f json
		check "inventory's count is scan's ($total)" test "$(json_get 'd["count"]' <<<"$OUT")" = "$total"
		check "the image has vulnerabilities to count" test "$total" -gt 0
	else
		echo "# db build failed: --with-scan not run ($(tail -1 "$T_TMP/db.log"))"
	fi
fi

finish
