#!/usr/bin/env bash
# Benchmark of the Falco rule engine: events/s per core with every rule of
# $CUSTOMS_SHARED/rules/falco/falco_rules.yaml loaded (24 active), on a mix
# of recorded events (tests/data/runtime/*.jsonl: attacks, benign activity,
# outbound connections), decoded once and evaluated REPEAT times
# (`runtime replay --repeat`), against the baseline of only decoding the
# same events from their JSON lines (`runtime replay --decode-only`).
# Times are CPU time of the process (the machine is shared), medians of
# RUNS runs. Prints engine events/s, decode events/s, the ratio engine ÷
# decode (how many times faster than parsing the events), and the cost of
# a full replay (decode + evaluate) ÷ decode alone.
#
#   bench/rules.sh BUILD [RUNS] [REPEAT]
set -euo pipefail

build=$(cd "${1:?usage: bench/rules.sh BUILD [RUNS] [REPEAT]}" && pwd)
runs=${2:-5}
repeat=${3:-50000}
src=$(cd "$(dirname "$0")/.." && pwd)
shared=${CUSTOMS_SHARED:-$src/../shared/data}
customs=$build/src/cli/customs
rules=$shared/rules/falco/falco_rules.yaml
work=$(mktemp -d "${TMPDIR:-/tmp}/customs-bench-rules.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat "$src"/tests/data/runtime/attacks.jsonl "$src"/tests/data/runtime/benign.jsonl \
	"$src"/tests/data/runtime/site.jsonl >"$work/mix.jsonl"
n=$(wc -l <"$work/mix.jsonl")
decode_repeat=$((repeat / 10))

eng=()
dec=()
for ((i = 0; i < runs; i++)); do
	eng+=("$("$customs" runtime replay "$work/mix.jsonl" -r "$rules" --repeat "$repeat" 2>&1 >/dev/null |
		sed -n 's/.*events_per_sec=\([0-9]*\).*/\1/p')")
	dec+=("$("$customs" runtime replay "$work/mix.jsonl" --decode-only --repeat "$decode_repeat" 2>&1 >/dev/null |
		sed -n 's/.*events_per_sec=\([0-9]*\).*/\1/p')")
done
rss=$(python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' \
	"$customs" runtime replay "$work/mix.jsonl" -r "$rules" --repeat "$repeat")
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
e=$(median "${eng[@]}")
d=$(median "${dec[@]}")
echo "events in the mix: $n; evaluated $repeat times per run, decoded $decode_repeat times"
echo "rule engine (falco_rules.yaml): $e events/s per core  (runs: ${eng[*]})"
echo "decode only (JSON parse):       $d events/s per core  (runs: ${dec[*]})"
python3 -c "e,d=$e,$d; print('engine / decode: %.1f x faster than parsing the events' % (e/d)); print('replay (decode + evaluate) / decode alone: %.3f' % (1 + d/e))"
echo "peak RSS of a replay run: ${rss} MiB"
