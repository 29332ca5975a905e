#!/usr/bin/env bash
# runtime-probe: the sensor's attach table on the real kernel. `runtime
# probe` must report, per hook, each candidate attach point and whether the
# kernel took it; the expectation is derived here, independently of
# customs, from the kernel: securityfs's lockdown mode and LSM list, and a
# minimal fentry program compiled here and loaded with bpftool (its errno
# is the kernel's answer). Refused candidates must carry that errno and
# their fallbacks must be active; `runtime watch` must say which fell back.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root: the sensor loads eBPF programs"
[ -e /sys/kernel/btf/vmlinux ] || skip_all "kernel without BTF (/sys/kernel/btf/vmlinux)"
"$CUSTOMS" runtime probe --help >/dev/null 2>&1 || skip_all "customs has no runtime probe"
command -v clang >/dev/null || skip_all "clang is not installed (the fentry oracle)"
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
[ -x "$BPFTOOL" ] || skip_all "bpftool is not installed (the fentry oracle)"

expect_error "probe takes no arguments" 2 "takes no arguments" runtime probe extra
expect_error "bad format" 2 "unknown format 'xml'" runtime probe -f xml

# the kernel's facts, read here through our own securityfs mount
sec=$T_TMP/securityfs
mkdir -p "$sec"
if mount -t securityfs none "$sec" 2>/dev/null; then
	at_exit "umount '$sec'"
	lockdown=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$sec/lockdown" 2>/dev/null)
	lsm=$(cat "$sec/lsm" 2>/dev/null)
fi
echo "# kernel: lockdown=${lockdown:-unknown} lsm=${lsm:-unknown}"

# The oracle: a minimal program of one section, loaded alone by bpftool.
# oracle NAME SECTION sets oracle_errno: 0 when it loads, else the errno.
pin=/sys/fs/bpf/customs-probe-oracle-$$
oracle() {
	cat >"$T_TMP/$1.bpf.c" <<C
#define SEC(n) __attribute__((section(n), used))
char LICENSE[] SEC("license") = "GPL";
SEC("$2")
int oracle(void *ctx) { return 0; }
C
	clang -target bpf -O2 -g -c "$T_TMP/$1.bpf.c" -o "$T_TMP/$1.o" ||
		skip_all "clang cannot build the $1 oracle"
	if "$BPFTOOL" prog load "$T_TMP/$1.o" "$pin" >"$T_TMP/$1.log" 2>&1; then
		rm -f "$pin"
		oracle_errno=0
	else
		oracle_errno=$(sed -n 's/.*failed to load: -\([0-9]*\).*/\1/p' "$T_TMP/$1.log" | head -1)
		[ -n "$oracle_errno" ] || skip_all "bpftool gave no errno: $(tail -2 "$T_TMP/$1.log")"
	fi
	echo "# oracle: $1 load errno=$oracle_errno"
}
oracle fentry fentry/wake_up_new_task
fentry_errno=$oracle_errno
# the same for BPF-LSM: an lsm/socket_connect program that allows all
oracle BPF-LSM lsm/socket_connect
lsm_errno=$oracle_errno
if [ "$lockdown" = confidentiality ]; then
	check "lockdown=confidentiality: the oracle is refused with EPERM" test "$fentry_errno" = 1
fi

"$CUSTOMS" runtime probe -f json -o "$T_TMP/probe.json" 2>"$T_TMP/probe.err"
check "runtime probe exits 0" test $? -eq 0
"$CUSTOMS" runtime probe >"$T_TMP/probe.txt" 2>>"$T_TMP/probe.err"
check "the table form names the kernel's lockdown mode" \
	grep -q "^kernel: lockdown ${lockdown:-unknown}" "$T_TMP/probe.txt"

check "the probe agrees with the kernel (fentry errno $fentry_errno, lockdown ${lockdown:-unknown})" \
	python3 - "$T_TMP/probe.json" "$fentry_errno" "${lockdown:-unknown}" "${lsm:-}" "$lsm_errno" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want_errno, lockdown, lsm = int(sys.argv[2]), sys.argv[3], sys.argv[4]
lsm_errno = int(sys.argv[5])
bad = []
k = d["kernel"]
if lockdown != "unknown" and k["lockdown"] != lockdown:
    bad.append("lockdown %s != %s" % (k["lockdown"], lockdown))
if lsm and k["bpf_lsm"] != ("bpf" in lsm.split(",")):
    bad.append("bpf_lsm %s for %s" % (k["bpf_lsm"], lsm))
hooks = {h["hook"]: h for h in d["hooks"]}
for name in ("exec", "exit", "fork", "openat", "connect", "bind", "ptrace"):
    if name not in hooks:
        bad.append("no hook " + name)
n_fentry = n_lsm = 0
for h in d["hooks"]:
    c = h["candidates"]
    active = [x for x in c if x["status"] == "active"]
    if len(active) > 1:
        bad.append("%s: %d active" % (h["hook"], len(active)))
    usable = [x for x in c if x["status"] not in ("refused", "missing")]
    if usable and (not active or usable[0] is not active[0]):
        bad.append("%s: the best usable candidate is not the active one" % h["hook"])
    if active and h.get("active") != active[0]["attach"]:
        bad.append("%s: active names %s" % (h["hook"], h.get("active")))
    for x in c:
        if x["kind"] != "fentry":
            continue
        n_fentry += 1
        if want_errno == 0 and x["status"] not in ("active",):
            bad.append("%s: fentry %s but the kernel takes fentry" % (h["hook"], x["status"]))
        if want_errno and (x["status"] != "refused" or x.get("errno") != want_errno
                           or not x.get("reason")):
            bad.append("%s: fentry %s errno %s, the kernel says %d" % (
                h["hook"], x["status"], x.get("errno"), want_errno))
    for x in c:
        if x["kind"] != "lsm":
            continue
        n_lsm += 1
        if x is not c[0]:
            bad.append("%s: the lsm candidate is not the first" % h["hook"])
        if lsm_errno == 0 and x["status"] != "active":
            bad.append("%s: lsm %s but the kernel takes BPF-LSM" % (h["hook"], x["status"]))
        if lsm_errno and (x["status"] != "refused" or x.get("errno") != lsm_errno
                          or not x.get("reason")):
            bad.append("%s: lsm %s errno %s, the kernel says %d" % (
                h["hook"], x["status"], x.get("errno"), lsm_errno))
    # a refused best candidate: a fallback is active, unless every other
    # candidate is missing (init_module without its tracepoints)
    if c and c[0]["status"] == "refused" and not active and usable:
        bad.append("%s: refused and no fallback active" % h["hook"])
    if not active and any(x["status"] != "missing" for x in c if x["kind"] == "tracepoint"):
        bad.append("%s: nothing active though its tracepoint exists" % h["hook"])
if n_fentry < 4:
    bad.append("only %d fentry candidates" % n_fentry)
for name in ("connect", "bind", "init_module", "finit_module"):
    if name in hooks and not any(x["kind"] == "lsm" for x in hooks[name]["candidates"]):
        bad.append("%s: no lsm candidate" % name)
if n_lsm < 4:
    bad.append("only %d lsm candidates" % n_lsm)
for b in bad:
    print("#", b)
sys.exit(1 if bad else 0)
PY

# watch says which candidates fell back, and still sees events
# (started, then an exec: a slow start, under a sanitizer, must not miss it)
"$CUSTOMS" runtime watch -f json >"$T_TMP/watch.jsonl" 2>"$T_TMP/watch.err" &
watcher=$!
for _ in $(seq 100); do
	grep -q "watching:" "$T_TMP/watch.err" && break
	sleep 0.1
done
/bin/true
sleep 0.5
kill -INT $watcher
wait $watcher
check "watch exits 0" test $? -eq 0
lsm_ename=$(python3 -c 'import errno, sys; n = int(sys.argv[1]); print(errno.errorcode.get(n, {524: "ENOTSUPP"}.get(n, "error")))' \
	"$lsm_errno")
if [ "$lsm_errno" != 0 ]; then
	check "watch reports the refused BPF-LSM candidates" \
		eval 'grep "refused by this kernel, fell back:" "$T_TMP/watch.err" |
			grep -qF "connect=lsm/socket_connect ($lsm_ename)"'
else
	check "watch runs the BPF-LSM flavours" \
		eval 'grep "watching:" "$T_TMP/watch.err" | grep -q "connect=lsm"'
fi
if [ "$fentry_errno" != 0 ]; then
	check "watch reports the refused fentry candidates" \
		eval 'grep "refused by this kernel, fell back:" "$T_TMP/watch.err" |
			grep -q "exec=fexit/bprm_execve" '
	check "watch runs the fallbacks" \
		eval 'grep "watching:" "$T_TMP/watch.err" | grep -q "exec=tp_btf\|exec=tracepoint"'
else
	check "watch runs the fentry flavours" \
		eval 'grep "watching:" "$T_TMP/watch.err" | grep -q "exec=fentry"'
fi
check "watch saw exec events" grep -q '"evt.type":"execve"' "$T_TMP/watch.jsonl"

finish
