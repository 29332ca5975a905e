#!/usr/bin/env bash
# runtime-prefilter: the in-kernel open prefilter derived from the rules
# (`runtime watch --rules`). Two watches with the same rules run at once,
# one with the prefilter and one without (--no-prefilter), the second
# started before and stopped after the first. A burst of opens of a file no
# rule looks at must stay in the kernel (counted as prefiltered, missing
# from the first watch's events), while opens the rules do look at (an
# absolute path under a rule's prefix, a relative one resolved in user
# space, one through "..") raise the same alerts in both.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root: the sensor loads eBPF programs"
[ -e /sys/kernel/btf/vmlinux ] || skip_all "kernel without BTF (/sys/kernel/btf/vmlinux)"
"$CUSTOMS" runtime watch --help 2>/dev/null | grep -q -- --no-prefilter ||
	skip_all "no runtime watch --no-prefilter"
rules=$CUSTOMS_SHARED/rules/falco/falco_rules.yaml
local_rules=$(cd "$(dirname "$0")/../data/prefilter" && pwd)/e2e.yaml
[ -f "$rules" ] || skip_all "missing $rules"

dir=/tmp/customs-prefilter-e2e
rm -rf "$dir"
mkdir -p "$dir/sub"
at_exit "rm -rf $dir"
echo cold >"$dir/cold"
for i in 1 2 3 4 5; do echo hot >"$dir/hot$i"; done
burst=20000

started() { # started ERRFILE PID
	for _ in $(seq 300); do
		grep -q "watching:" "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

"$CUSTOMS" runtime watch --container host --no-prefilter --rules "$rules" --rules "$local_rules" \
	--alerts-to "file:$T_TMP/all.jsonl" 2>"$T_TMP/all.err" &
all=$!
at_exit "kill $all 2>/dev/null"
started "$T_TMP/all.err" $all || { cat "$T_TMP/all.err" >&2; fail "watch without the prefilter started"; finish; }
"$CUSTOMS" runtime watch --container host --rules "$rules" --rules "$local_rules" \
	--alerts-to "file:$T_TMP/pf.jsonl" 2>"$T_TMP/pf.err" &
pf=$!
at_exit "kill $pf 2>/dev/null"
started "$T_TMP/pf.err" $pf || { cat "$T_TMP/pf.err" >&2; fail "watch with the prefilter started"; finish; }
check "banner: the prefilter is on, with its prefixes" \
	grep -qE "open prefilter on: [0-9]+ path prefixes" "$T_TMP/pf.err"
check "banner: --no-prefilter turns it off" grep -q "open prefilter off: --no-prefilter" "$T_TMP/all.err"

python3 - "$dir" "$burst" <<'PY'
import os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
for _ in range(n):
    os.close(os.open(d + "/cold", os.O_RDONLY))
for i in (1, 2, 3):
    os.close(os.open(d + "/hot%d" % i, os.O_RDONLY))
os.close(os.open(d + "/hot5", os.O_WRONLY))  # a write: no rule here looks at it
os.chdir(d)
os.close(os.open("hot4", os.O_RDONLY))        # relative: resolved in user space
time.sleep(1.5)  # ... from /proc/PID/cwd, while this process still lives
os.close(os.open(d + "/sub/../cold", os.O_RDONLY))  # through ".."
PY
sleep 1
kill -INT $pf
wait $pf
sleep 0.5
kill -INT $all
wait $all

summary() { sed -n "s/.* \([0-9][0-9]*\) $2.*/\1/p" "$1"; }
pf_from=$(summary "$T_TMP/pf.err" "from the kernel")
all_from=$(summary "$T_TMP/all.err" "from the kernel")
pf_pre=$(summary "$T_TMP/pf.err" "prefiltered")
all_pre=$(summary "$T_TMP/all.err" "prefiltered")
pf_drop=$(summary "$T_TMP/pf.err" "dropped (ring")
all_drop=$(summary "$T_TMP/all.err" "dropped (ring")
echo "# with the prefilter: ${pf_from:-?} from the kernel, ${pf_pre:-?} prefiltered; without: ${all_from:-?}, ${all_pre:-?}"
check "the burst's opens are prefiltered (${pf_pre:-none} >= $burst)" test "${pf_pre:-0}" -ge "$burst"
check "without the prefilter nothing is prefiltered" test "${all_pre:--1}" -eq 0
check "no record lost in either watch" test "${pf_drop:--1}" -eq 0 -a "${all_drop:--1}" -eq 0
# the second watch saw everything the first did, plus what the first left in the kernel
check "the burst never reached user space (${all_from:-?} - ${pf_from:-?} >= $burst)" \
	test $((${all_from:-0} - ${pf_from:-0})) -ge "$burst"

alerts() { # alerts FILE RULE PYCOND: count
	python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    a = json.loads(l)
    e = a["event"]
    if a["rule"] == sys.argv[2] and eval(sys.argv[3]):
        n += 1
print(n)' "$@"
}
for f in pf all; do
	check "$f: hot reads alert (3 absolute)" test "$(alerts "$T_TMP/$f.jsonl" "Prefilter test hot read" \
		'e.get("fd.name", "") in ("/tmp/customs-prefilter-e2e/hot%d" % i for i in (1, 2, 3))')" -eq 3
	check "$f: a relative open is resolved and alerts" test "$(alerts "$T_TMP/$f.jsonl" \
		"Prefilter test hot read" 'e.get("fd.name") == "/tmp/customs-prefilter-e2e/hot4"')" -eq 1
	check "$f: an open through .. alerts" test "$(alerts "$T_TMP/$f.jsonl" "Prefilter test traversal" \
		'e.get("fd.nameraw") == "/tmp/customs-prefilter-e2e/sub/../cold"')" -eq 1
	check "$f: the write and the cold reads raise nothing" test "$(alerts "$T_TMP/$f.jsonl" \
		"Prefilter test hot read" '"hot5" in e.get("fd.name", "") or "cold" in e.get("fd.name", "")')" -eq 0
done

finish
