#!/usr/bin/env bash
# Benchmark of `customs audit netpol`: a generated cluster (default 1,000
# workloads and 300 NetworkPolicies, tests/e2e/netpol-gen.py, seed 1),
# measured side by side in the same run, RUNS times, median:
#   - the baseline: merely loading the same YAML (cs_yaml_parse, the loader
#     and options the audit uses, file already in memory) — bench-netpol
#   - the audit's phases in the same process: load (parse + model), analyze
#     (selection, peers, the reachability matrix), audit (results)
#   - the whole command: customs audit netpol -f json (results and the
#     1,000 x 1,000 matrix) and --matrix (the table), to /dev/null
# and prints the ratios matrix / YAML loading and command / YAML loading.
#
#   bench/audit-netpol.sh BUILD [RUNS] [WORKLOADS] [POLICIES]
set -euo pipefail

build=$(cd "${1:?usage: bench/audit-netpol.sh BUILD [RUNS] [WORKLOADS] [POLICIES]}" && pwd)
runs=${2:-5}
nw=${3:-1000}
np=${4:-300}
src=$(cd "$(dirname "$0")/.." && pwd)
customs=$build/src/cli/customs
helper=$build/bench/bench-netpol
work=$(mktemp -d "${TMPDIR:-/tmp}/customs-bench-netpol.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 "$src/tests/e2e/netpol-gen.py" "$work/c" "$nw" "$np" 1
file=$work/c/cluster.yaml
echo "cluster: $nw workloads, $np policies, $(wc -c <"$file") bytes of YAML"

median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

: >"$work/phases"
: >"$work/json"
: >"$work/matrix"
for ((i = 0; i < runs; i++)); do
	"$helper" "$file" >>"$work/phases"
	s=$(date +%s.%N)
	"$customs" audit netpol -f json -o /dev/null "$file"
	e=$(date +%s.%N)
	echo "$e - $s" | bc -l >>"$work/json"
	s=$(date +%s.%N)
	"$customs" audit netpol --matrix -o /dev/null "$file"
	e=$(date +%s.%N)
	echo "$e - $s" | bc -l >>"$work/matrix"
done
head -n1 "$work/phases" | sed 's/ yaml_s.*//; s/^/helper: /'
yaml=$(field yaml_s <"$work/phases" | median)
load=$(field load_s <"$work/phases" | median)
analyze=$(field analyze_s <"$work/phases" | median)
audit=$(field audit_s <"$work/phases" | median)
json=$(median <"$work/json")
matrix=$(median <"$work/matrix")
allowed=$(sed -n 's/.*allowed_cells=\([0-9]*\).*/\1/p' "$work/phases" | head -n1)
printf 'allowed cells: %s of %s\n' "$allowed" "$((nw * nw))"
printf '%-40s %9.4f s\n' "baseline: YAML loading (cs_yaml_parse)" "$yaml" \
	"audit load (parse + model)" "$load" \
	"analyze (selection + matrix)" "$analyze" \
	"audit results" "$audit" \
	"customs audit netpol -f json" "$json" \
	"customs audit netpol --matrix" "$matrix"
printf 'ratio matrix / YAML loading:          %.2f\n' "$(echo "$analyze / $yaml" | bc -l)"
printf 'ratio load+analyze+audit / YAML:      %.2f\n' "$(echo "($load + $analyze + $audit) / $yaml" | bc -l)"
printf 'ratio command -f json / YAML loading: %.2f\n' "$(echo "$json / $yaml" | bc -l)"
