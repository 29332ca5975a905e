#!/usr/bin/env bash
# runtime-drift: "Drop and execute new binary in container" from Falco's
# rules on the real kernel with real podman containers on kernel overlayfs
# (--storage-driver overlay). A binary copied into the container after it
# started lives in the overlay's upper layer and must raise the rule with the
# container's id and image; a binary of the image (/bin/ls) must not. The
# upper-layer test is done in user space (src/runtime/drift.c): the
# container's upperdir from /proc/PID/mountinfo, the executed path inside it.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root: the sensor loads eBPF programs"
[ -e /sys/kernel/btf/vmlinux ] || skip_all "kernel without BTF (/sys/kernel/btf/vmlinux)"
command -v podman >/dev/null || skip_all "podman is not installed"
"$CUSTOMS" runtime watch --help 2>/dev/null | grep -q -- --rules || skip_all "no runtime watch --rules"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
grep -qw overlay /proc/filesystems || skip_all "the kernel has no overlayfs"
alpine=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
rules=$CUSTOMS_SHARED/rules/falco/falco_rules.yaml
[ -f "$alpine" ] || skip_all "missing $alpine"
[ -f "$rules" ] || skip_all "missing $rules"

PO() {
	podman --root "$T_TMP/po/root" --runroot "$T_TMP/po/run" --storage-driver overlay \
		--runtime runc --cgroup-manager cgroupfs "$@"
}
image=localhost/customs-drift-test:1
PO import --quiet "$alpine" "$image" >/dev/null 2>"$T_TMP/import.err" ||
	skip_all "podman import with the overlay driver failed: $(tail -1 "$T_TMP/import.err")"
PO run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" \
	grep -q ' / / .* - overlay .*upperdir=' /proc/self/mountinfo 2>"$T_TMP/probe.err" ||
	skip_all "podman's overlay driver does not give a kernel overlayfs root here: $(tail -1 "$T_TMP/probe.err")"
pass "podman runs containers on kernel overlayfs"

sock=$T_TMP/podman.sock
PO system service --time=0 "unix://$sock" >"$T_TMP/service.log" 2>&1 &
service=$!
at_exit "pkill -P $service; kill $service; wait $service"
for _ in $(seq 100); do
	[ -S "$sock" ] && curl -sf --unix-socket "$sock" http://d/_ping >/dev/null && break
	sleep 0.1
done
[ -S "$sock" ] || skip_all "podman service did not start: $(cat "$T_TMP/service.log")"

alerts=$T_TMP/alerts.jsonl
"$CUSTOMS" runtime watch --engine "unix://$sock" --rules "$rules" --alerts-to "file:$alerts" \
	2>"$T_TMP/watch.err" &
watcher=$!
at_exit "kill $watcher"
for _ in $(seq 300); do
	grep -q "watching:" "$T_TMP/watch.err" && break
	kill -0 $watcher 2>/dev/null || break
	sleep 0.1
done
grep -q "watching:" "$T_TMP/watch.err" || { cat "$T_TMP/watch.err" >&2; fail "the sensor started"; finish; }
pass "the sensor started"

name=customs-drift-$$
at_exit "PO rm -f -t 0 '$name' >/dev/null 2>&1"
PO run -d --name "$name" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" \
	sleep 600 >/dev/null
check "the container runs" test $? -eq 0
cid=$(PO inspect --format '{{.Id}}' "$name")
ex() { PO exec "$@" >>"$T_TMP/exec.log" 2>&1; }
# from the image: lower layer, silent
ex "$name" /bin/ls /
ex "$name" /bin/busybox true
# dropped after start: upper layer
ex "$name" sh -c 'cp /bin/busybox /tmp/dropped-echo && /tmp/dropped-echo dropped'
# dropped into another directory, executed by a relative path
ex "$name" sh -c 'mkdir -p /root/w && cat /bin/busybox >/root/w/rel && chmod +x /root/w/rel && cd /root/w && ./rel true'
sleep 2
kill -INT $watcher
wait $watcher
check "watch exits 0 on SIGINT" test $? -eq 0

drops() { # the exe paths of the drift alerts for this container, sorted
	python3 -c '
import json, sys
rule, cid, image = "Drop and execute new binary in container", sys.argv[1], sys.argv[2]
s = set()
for l in open(sys.argv[3]):
    a = json.loads(l)
    e = a["event"]
    if (a["rule"] == rule and e.get("container.full_id") == cid
            and e.get("container.image") == image and a.get("priority") == "Critical"):
        s.add(e.get("proc.exepath"))
print(" ".join(sorted(s)))' "$cid" "$image" "$alerts"
}
got=$(drops)
check "fires: Drop and execute new binary in container for /tmp/dropped-echo ($got)" \
	eval 'echo " $got " | grep -q " /tmp/dropped-echo "'
check "fires for a new file run by a relative path ($got)" \
	eval 'echo " $got " | grep -qE " (\./rel|/root/w/rel) "'
check "does not fire for the image's /bin/ls or /bin/busybox ($got)" \
	eval '! echo " $got " | grep -qE " /bin/(ls|busybox) "'
check "the alert output names the upper layer flag" python3 -c '
import json, sys
for l in open(sys.argv[1]):
    a = json.loads(l)
    if a["rule"] == "Drop and execute new binary in container" and "EXE_UPPER_LAYER" in a["output"]:
        sys.exit(0)
sys.exit(1)' "$alerts"

finish
