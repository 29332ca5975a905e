#!/usr/bin/env bash
# runtime-sensor: the eBPF sensor on the real kernel, watching a real podman
# container that reads /etc/shadow, writes a file and connects to a TCP
# port this script listens on. The events must carry the container's id,
# name and image, the process and its arguments; the host's own processes
# must not be attributed to the container.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root: the sensor loads eBPF programs"
[ -e /sys/kernel/btf/vmlinux ] || skip_all "kernel without BTF (/sys/kernel/btf/vmlinux)"
command -v podman >/dev/null || skip_all "podman is not installed"
"$CUSTOMS" runtime watch --help >/dev/null 2>&1 || skip_all "customs has no runtime watch"
alpine=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
[ -f "$alpine" ] || skip_all "missing $alpine"

# usage errors and the privilege check need no kernel
expect_error "bad --duration" 2 "invalid --duration 'soon'" runtime watch --duration soon
expect_error "bad --events" 2 "unknown event class 'disk'" runtime watch --events disk
expect_error "bad format" 2 "unknown format 'xml'" runtime watch -f xml
if command -v setpriv >/dev/null; then
	OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$CUSTOMS" runtime watch \
		--duration 1 2>"$T_TMP/err")
	RC=$?
	check "not root: exit 2" test "$RC" -eq 2
	check "not root: one line naming root" \
		eval '[ "$(grep -c "" "$T_TMP/err")" -eq 1 ] && grep -q "needs root" "$T_TMP/err"'
fi

image=localhost/customs-sensor-test:1
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

# a TCP listener on the host's loopback for the container to connect to
port=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
s.settimeout(60)
while True:
    try:
        c, _ = s.accept()
    except OSError:
        break
    c.recv(100); c.close()
' "$port" &
listener=$!
at_exit "kill $listener"

events=$T_TMP/events.jsonl
"$CUSTOMS" runtime watch --engine "unix://$sock" -o "$events" 2>"$T_TMP/watch.err" &
watcher=$!
at_exit "kill $watcher"
name=customs-sensor-$$
filtered=$T_TMP/filtered.jsonl
"$CUSTOMS" runtime watch --engine "unix://$sock" --container "$name" -o "$filtered" \
	2>"$T_TMP/watch2.err" &
watcher2=$!
at_exit "kill $watcher2"
for _ in $(seq 200); do
	grep -q "watching:" "$T_TMP/watch.err" && grep -q "watching:" "$T_TMP/watch2.err" && break
	kill -0 $watcher 2>/dev/null || break
	sleep 0.1
done
grep -q "watching:" "$T_TMP/watch.err" || { cat "$T_TMP/watch.err" >&2; fail "the sensor started"; finish; }
pass "the sensor started: $(sed -n 's/.*watching: //p' "$T_TMP/watch.err")"

t_podman run --name "$name" --network host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
	"$image" sh -c "cat /etc/shadow >/dev/null; echo drift >/tmp/written-by-test;
		echo hello | nc 127.0.0.1 $port; true" >"$T_TMP/run.log" 2>&1
check "the container ran" test $? -eq 0
cid=$(t_podman inspect --format '{{.Id}}' "$name")
at_exit "podman --root '$T_TMP/podman/root' --runroot '$T_TMP/podman/run' --storage-driver vfs rm -f '$name'"
# the host reads the same file: it must stay the host's
cat /etc/shadow >/dev/null &
hostcat=$!
wait $hostcat
# a host client: TCP and UDP connects, a listener on a kernel-chosen port
# and an accept without a sockaddr buffer; it prints what getsockname()
# says of each local end, which the events must carry
python3 -c '
import ctypes, socket, sys
port, out = int(sys.argv[1]), open(sys.argv[2], "w")
c = socket.create_connection(("127.0.0.1", port))
print("tcp", c.getsockname()[1], file=out)
c.sendall(b"x"); c.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.connect(("127.0.0.1", 9))
print("udp", u.getsockname()[1], file=out)
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
cl = socket.create_connection(srv.getsockname())
fd = ctypes.CDLL(None, use_errno=True).accept(srv.fileno(), None, None)
print("srv", srv.getsockname()[1], cl.getsockname()[1], fd, file=out)
' "$port" "$T_TMP/client.out" &
client=$!
wait $client
check "the host client ran" test $? -eq 0
sleep 1
kill -INT $watcher $watcher2
wait $watcher
check "watch exits 0 on SIGINT" test $? -eq 0
wait $watcher2
check "summary on stderr" grep -q "events printed" "$T_TMP/watch.err"

# one JSON object per line, each valid
check "events are JSON lines" python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    json.loads(line); n += 1
sys.exit(0 if n > 0 else 1)' "$events"

read -r _ tcp_lport <<<"$(grep '^tcp ' "$T_TMP/client.out")"
read -r _ udp_lport <<<"$(grep '^udp ' "$T_TMP/client.out")"
read -r _ srv_port acc_cport acc_fd <<<"$(grep '^srv ' "$T_TMP/client.out")"
q() { # q PY-EXPR-over-events: count of events e for which the expression holds
	python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
cid, name, port, hostcat = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
client, tcp_lport, udp_lport = int(sys.argv[7]), int(sys.argv[8] or -1), int(sys.argv[9] or -1)
srv_port, acc_cport, acc_fd = int(sys.argv[10] or -1), int(sys.argv[11] or -1), int(sys.argv[12] or -1)
def inc(e):
    return (e.get("container.full_id") == cid and e.get("container.id") == cid[:12]
            and e.get("container.name") == name
            and e.get("container.image") == "localhost/customs-sensor-test:1")
print(sum(1 for e in evs if eval(sys.argv[6])))' "$events" "$cid" "$name" "$port" "$hostcat" "$1" \
		"$client" "$tcp_lport" "$udp_lport" "$srv_port" "$acc_cport" "$acc_fd"
}
want() { # want DESC EXPR: at least one event matches
	local n
	n=$(q "$2")
	if [ "${n:-0}" -gt 0 ]; then pass "$1"; else fail "$1 (no matching event)"; fi
}

want "exec of cat /etc/shadow in the container, with id, name and image" \
	'e["evt.type"] == "execve" and inc(e) and e.get("proc.name") == "cat" and e.get("proc.args") == ["/etc/shadow"] and e.get("proc.exepath") == "/bin/cat"'
want "cat's parent is the container's sh" \
	'e["evt.type"] == "execve" and inc(e) and e.get("proc.name") == "cat" and e.get("proc.ancestors", [{}])[0].get("name") == "sh"'
want "open of /etc/shadow by cat in the container" \
	'e["evt.type"] in ("open", "openat", "openat2") and inc(e) and e.get("fd.name") == "/etc/shadow" and e.get("proc.name") == "cat" and e.get("evt.rawres", -1) >= 0'
want "write-open of /tmp/written-by-test in the container (O_WRONLY|O_CREAT)" \
	'e["evt.type"] in ("open", "openat", "openat2", "creat") and inc(e) and e.get("fd.name") == "/tmp/written-by-test" and (e.get("evt.arg.flags", 0) & 0o101) == 0o101'
want "connect to 127.0.0.1:$port by nc in the container" \
	'e["evt.type"] == "connect" and inc(e) and e.get("fd.sip") == "127.0.0.1" and e.get("fd.sport") == port and e.get("proc.name") == "nc" and e.get("proc.args", [])[-1:] == [str(port)] and e.get("evt.rawres") == 0'
want "exec of sh -c in the container" \
	'e["evt.type"] == "execve" and inc(e) and e.get("proc.name") == "sh" and e.get("proc.args", [""])[0] == "-c"'
want "the host's cat of /etc/shadow is the host's" \
	'e["evt.type"] in ("open", "openat") and e.get("proc.pid") == hostcat and e.get("fd.name") == "/etc/shadow" and e.get("container.id") == "host"'

# the socket's local end, read from the kernel's sock (connect, accept,
# listen) where the socket-reading exit programs are active
if grep "watching:" "$T_TMP/watch.err" | grep -qE " connect=(tracepoint\+sock|lsm)"; then
	want "TCP connect: the local end is what the client's getsockname() said ($tcp_lport)" \
		'e["evt.type"] == "connect" and e.get("proc.pid") == client and e.get("fd.l4proto") == "tcp" and e.get("fd.cip") == "127.0.0.1" and e.get("fd.cport") == tcp_lport and e.get("fd.sip") == "127.0.0.1" and e.get("fd.sport") == port and e.get("fd.name") == "127.0.0.1:%d->127.0.0.1:%d" % (tcp_lport, port) and e.get("evt.rawres") == 0'
	want "UDP connect: the local end is what the client's getsockname() said ($udp_lport)" \
		'e["evt.type"] == "connect" and e.get("proc.pid") == client and e.get("fd.l4proto") == "udp" and e.get("fd.cip") == "127.0.0.1" and e.get("fd.cport") == udp_lport and e.get("fd.sport") == 9'
	want "listen on a kernel-chosen port: its address ($srv_port)" \
		'e["evt.type"] == "listen" and e.get("proc.pid") == client and e.get("fd.sip") == "127.0.0.1" and e.get("fd.sport") == srv_port'
	want "accept without a buffer: both ends from the kernel's sock" \
		'e["evt.type"] in ("accept", "accept4") and e.get("proc.pid") == client and e.get("fd.num") == acc_fd and e.get("fd.sip") == "127.0.0.1" and e.get("fd.sport") == srv_port and e.get("fd.cip") == "127.0.0.1" and e.get("fd.cport") == acc_cport'
	want "the container's connect has its local end too" \
		'e["evt.type"] == "connect" and inc(e) and e.get("fd.sport") == port and e.get("fd.cip") == "127.0.0.1" and e.get("fd.cport", 0) > 0'
else
	# the fallback: the connect is still reported, without a local end
	grep "refused by this kernel" "$T_TMP/watch.err" | grep -q "connect=connect_exit_sk"
	check "socket read refused: reported as such" test $? -eq 0
	want "socket read refused: the TCP connect is still seen, without a local end" \
		'e["evt.type"] == "connect" and e.get("proc.pid") == client and e.get("fd.sport") == port and "fd.cip" not in e'
fi
n=$(q 'e.get("proc.pid") == hostcat and e.get("container.id") != "host"')
check "no host process attributed to a container" test "$n" = 0
n=$(q 'e.get("container.full_id") == cid and e.get("container.name") != name')
check "every event of the container carries its name" test "$n" = 0
# from the first one on: they waited for the engine's answer, not evaluated without it
n=$(q 'e.get("container.full_id") == cid and not inc(e)')
check "every event of the container carries its name and image, the first too ($n)" test "$n" = 0
check "the summary counts the events that waited for metadata" \
	grep -qE " [1-9][0-9]* waited for container metadata" "$T_TMP/watch.err"

# --container NAME: only that container's events
n=$(python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
print(len(evs), sum(1 for e in evs if e.get("container.name") != sys.argv[2]))' "$filtered" "$name")
check "--container keeps the container's events ($n)" test "${n%% *}" -gt 0
check "--container drops everything else" test "${n##* }" = 0
k=$(sed -n 's/.* \([0-9]*\) filtered in the kernel.*/\1/p' "$T_TMP/watch2.err")
check "--container stops host events in the kernel (${k:-none} filtered)" test "${k:-0}" -gt 0

finish
