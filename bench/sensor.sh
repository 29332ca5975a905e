#!/usr/bin/env bash
# Sensor overhead: wall time of a syscall-heavy workload (20,000 open/close
# pairs + 2,000 fork/exec of /bin/true, bench/sensor-workload.c) with
# `customs runtime watch` running against the same workload without it,
# alternating runs side by side in this run. Two watches: every event
# decoded, enriched and written as JSON to /dev/null; and a watch of one
# container, where the host's events (the workload's) stop in the kernel
# (the cost of the BPF programs alone). Prints both medians, their ratio, and the
# sensor's event and drop counts. Needs root. Measures, never asserts.
# A third watch loads Falco's rules (--rules, RULES env or the shared
# falco_rules.yaml): only the syscalls the rules need are attached, every
# event is evaluated, alerts go to a file. Also prints each watch's peak
# resident memory, and the drops of a full JSON watch at a sustained rate
# (SUSTAINED open/close pairs, default 500,000, as fast as one core goes).
# Then where the rules watch's cost goes in one run: its BPF programs' CPU
# time (kernel.bpf_stats_enabled) and its reader's (schedstat).
#
#   bench/sensor.sh BUILD [RUNS] [OPENS] [EXECS]
set -euo pipefail

build=$(cd "${1:?usage: bench/sensor.sh BUILD [RUNS] [OPENS] [EXECS]}" && pwd)
runs=${2:-5}
opens=${3:-20000}
execs=${4:-2000}
customs=$build/src/cli/customs
work=$build/bench/sensor-workload

[ "$(id -u)" -eq 0 ] || { echo "bench/sensor.sh: needs root (eBPF)" >&2; exit 2; }
[ -x "$work" ] || ninja -C "$build" bench/sensor-workload >/dev/null
[ -x "$customs" ] || { echo "bench/sensor.sh: no $customs" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'kill $watcher 2>/dev/null; rm -rf "$tmp"' EXIT
watcher=

secs() { # wall seconds of one workload run
	local s e
	s=$(date +%s.%N)
	"$work" "$opens" "$execs"
	e=$(date +%s.%N)
	echo "$e - $s" | bc -l
}
median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }
# the median of each round's own ratio (watch / baseline of the same round):
# drift of the machine between rounds cancels out
paired() {
	local -n xs=$1
	local i
	for i in "${!xs[@]}"; do echo "${xs[$i]} / ${base[$i]}" | bc -l; done | median
}

start_watch() {
	: >"$tmp/err"
	# events go to /dev/null; with --rules the alerts go where --alerts-to says
	case " $* " in
	*" --rules "*) "$customs" runtime watch "$@" 2>"$tmp/err" & ;;
	*) "$customs" runtime watch -o /dev/null "$@" 2>"$tmp/err" & ;;
	esac
	watcher=$!
	for _ in $(seq 200); do
		grep -q "watching:" "$tmp/err" && return 0
		sleep 0.05
	done
	echo "bench/sensor.sh: the sensor did not start: $(cat "$tmp/err")" >&2
	exit 3
}
stop_watch() {
	# the watch's peak resident memory, before it exits
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$watcher/status" 2>/dev/null || echo "?")
	kill -INT "$watcher"
	wait "$watcher" || true
	watcher=
}

"$work" 2000 200 # warm the page cache
rules=${RULES:-${CUSTOMS_SHARED:-/work/shared/data}/rules/falco/falco_rules.yaml}
base=() with=() kern=() rul=()
for _ in $(seq "$runs"); do
	base+=("$(secs)")
	start_watch
	with+=("$(secs)")
	stop_watch
	summary=$(sed -n 's/^customs: \(.*events printed.*\)/\1/p' "$tmp/err")
	fhwm=$hwm
	# only a container's events: the host's (this workload's) stop in the kernel
	start_watch --container customs-bench-no-such-container
	kern+=("$(secs)")
	stop_watch
	ksummary=$(sed -n 's/^customs: \(.*events printed.*\)/\1/p' "$tmp/err")
	if [ -f "$rules" ]; then
		start_watch --rules "$rules" --alerts-to "file:$tmp/alerts.jsonl"
		rul+=("$(secs)")
		stop_watch
		rsummary=$(sed -n 's/^customs: \(.*events evaluated.*\)/\1/p' "$tmp/err")
		rhwm=$hwm
	fi
done
b=$(printf '%s\n' "${base[@]}" | median)
w=$(printf '%s\n' "${with[@]}" | median)
k=$(printf '%s\n' "${kern[@]}" | median)
printf 'workload: %s open/close + %s fork/exec of /bin/true, %s runs each\n' "$opens" "$execs" "$runs"
printf 'without the sensor:                 %7.3f s\n' "$b"
printf 'runtime watch (every event, JSON):  %7.3f s   ratio %6.3f (paired %5.3f)\n' "$w" \
	"$(echo "$w / $b" | bc -l)" "$(paired with)"
printf 'runtime watch --container (host events dropped in the kernel):\n'
printf '                                    %7.3f s   ratio %6.3f (paired %5.3f)\n' "$k" \
	"$(echo "$k / $b" | bc -l)" "$(paired kern)"
if [ "${#rul[@]}" -gt 0 ]; then
	r=$(printf '%s\n' "${rul[@]}" | median)
	printf 'runtime watch --rules (Falco rules, alerts to a file):\n'
	printf '                                    %7.3f s   ratio %6.3f (paired %5.3f)\n' "$r" \
		"$(echo "$r / $b" | bc -l)" "$(paired rul)"
	printf 'last --rules watch: %s\n' "$rsummary"
fi
printf 'last full watch: %s\n' "$summary"
printf 'peak RSS of the watch: every event %s, --rules %s\n' "$fhwm" "${rhwm:-n/a}"
printf 'last --container watch: %s\n' "$ksummary"

# Where the rules watch's cost goes: the CPU time of its BPF programs (the
# kernel's own accounting, kernel.bpf_stats_enabled, summed over the
# programs that appeared with the watch) and of its reader process, during
# one workload run.
bpf_ns() { # the run time of the programs not listed in $1 (ids), in ns
	bpftool -j prog show | python3 -c '
import json, sys
old = set(sys.argv[1].split())
print(sum(p.get("run_time_ns", 0) for p in json.load(sys.stdin) if str(p["id"]) not in old))' "$1"
}
run_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ n += $1 } END { print n }'; } # all threads
if [ -f "$rules" ]; then
	stats=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -q kernel.bpf_stats_enabled=1
	old=$(bpftool -j prog show | python3 -c 'import json, sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))')
	start_watch --rules "$rules" --alerts-to "file:$tmp/alerts.jsonl"
	n0=$(bpf_ns "$old") t0=$(run_ns "$watcher")
	wall=$(secs)
	n1=$(bpf_ns "$old") t1=$(run_ns "$watcher")
	stop_watch
	sysctl -q kernel.bpf_stats_enabled="$stats"
	printf 'CPU of the --rules watch in one %.3f s run: BPF programs %.1f ms (%.2f%%), reader %.1f ms (%.2f%%)\n' \
		"$wall" "$(echo "($n1 - $n0) / 1000000" | bc -l)" "$(echo "($n1 - $n0) / 10000000 / $wall" | bc -l)" \
		"$(echo "($t1 - $t0) / 1000000" | bc -l)" "$(echo "($t1 - $t0) / 10000000 / $wall" | bc -l)"
fi

# Drops at a sustained rate: every event of an open/close loop as fast as
# one core makes them, decoded and written as JSON (the heaviest reader).
sustained=${SUSTAINED:-500000}
start_watch
s=$(date +%s.%N)
"$work" "$sustained" 0
e=$(date +%s.%N)
stop_watch
line=$(sed -n 's/^customs: \(.*events printed.*\)/\1/p' "$tmp/err")
from=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) from the kernel.*/\1/p')
printf 'sustained: %s open/close in %.2f s, about %.0f events/s: %s; peak RSS %s\n' \
	"$sustained" "$(echo "$e - $s" | bc -l)" "$(echo "${from:-0} / ($e - $s)" | bc -l)" "$line" "$hwm"
