#!/usr/bin/env bash
# Benchmark of the secret scanner: `customs scan rootfs DIR --scanners
# secret` (built-in rules, then gitleaks' rules) over a large text corpus,
# against `cat` (read floor) and `grep -c` (one regex, one pass) over the
# same files, all warm in the page cache; and the engine alone on one core
# (bench/bench-secret: the corpus in memory, CPU time). Prints MB/s and
# ratios; measures, never asserts.
#
#   bench/secret.sh BUILD [SIZE_MB] [RUNS]
#
# The corpus (text files from /usr/include, /usr/share/doc, /usr/share,
# /usr/lib, copied again until SIZE_MB, default 500) is built once under
# ${TMPDIR:-/tmp}/customs-bench-secret-SIZE and kept for the next run.
set -euo pipefail

build=$(cd "${1:?usage: bench/secret.sh BUILD [SIZE_MB] [RUNS]}" && pwd)
size_mb=${2:-500}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
customs=$build/src/cli/customs
shared=${CUSTOMS_SHARED:-$here/../../shared/data}
gitleaks=$shared/rules/gitleaks/gitleaks.toml
corpus=${TMPDIR:-/tmp}/customs-bench-secret-$size_mb

[ -x "$customs" ] || { echo "bench/secret.sh: no $customs" >&2; exit 2; }

if [ ! -e "$corpus/.done" ]; then
	rm -rf "$corpus"
	mkdir -p "$corpus"
	# text files (no NUL in the first 8 KiB) under 10 MiB, copied round after
	# round into 0/, 1/, ... until the corpus holds SIZE_MB
	python3 - "$corpus" "$size_mb" <<'PY'
import os, shutil, sys
dst, want = sys.argv[1], int(sys.argv[2]) * 1000000
src, seen = [], set()
for top in ("/usr/include", "/usr/share/doc", "/usr/share", "/usr/lib"):
    for d, _, names in os.walk(top):
        if d.startswith(dst):
            continue
        for n in names:
            p = os.path.join(d, n)
            if p in seen:
                continue
            seen.add(p)
            try:
                if not os.path.isfile(p) or os.path.islink(p) or n.endswith(".gz"):
                    continue
                size = os.path.getsize(p)
                if 0 < size < 10 << 20:
                    with open(p, "rb") as f:
                        if b"\0" not in f.read(8192):
                            src.append((p, size))
            except OSError:
                pass
if not src:
    sys.exit("bench/secret.sh: no text files found")
total, rnd = 0, 0
while total < want:
    for p, size in src:
        if total >= want:
            break
        out = os.path.join(dst, str(rnd), p.lstrip("/"))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        try:
            shutil.copyfile(p, out)
            total += size
        except OSError:
            pass
    rnd += 1
PY
	touch "$corpus/.done"
fi
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
files=$(find "$corpus" -type f | wc -l)
mb=$(echo "$bytes / 1000000" | bc -l)

# median wall seconds of RUNS runs of a command (output discarded)
median() {
	local t=()
	for _ in $(seq "$runs"); do
		local s e
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || [ $? -eq 1 ] || { echo "bench/secret.sh: failed: $*" >&2; exit 3; }
		e=$(date +%s.%N)
		t+=("$(echo "$e - $s" | bc -l)")
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}

catall() { find "$corpus" -type f -print0 | xargs -0 cat >/dev/null; }
grepall() { grep -r -c -E 'ghp_[0-9A-Za-z]{36}|AKIA[A-Z2-7]{16}' "$corpus" >/dev/null; }

catall # warm the page cache
t_cat=$(median catall)
t_grep=$(median grepall)
t_builtin=$(median "$customs" scan rootfs "$corpus" --scanners secret -f json -o /dev/null)
t_gitleaks=$(median "$customs" scan rootfs "$corpus" --scanners secret \
	--secret-config "$gitleaks" -f json -o /dev/null)
# the engine alone, in memory, per core (CPU time): bench/bench-secret.c
engine() { find "$corpus" -type f | "$build/bench/bench-secret" "$1" "$runs" | sed 's/.*mb_per_s=//'; }
e_builtin=$(engine -)
e_gitleaks=$(engine "$gitleaks")
n_builtin=$("$customs" scan rootfs "$corpus" --scanners secret -f json 2>/dev/null |
	python3 -c 'import json,sys; print(len(json.load(sys.stdin)["issues"]))')

rate() { echo "$mb / $1" | bc -l; }
printf 'corpus: %s (%d files, %.0f MB), median of %d runs\n' "$corpus" "$files" "$mb" "$runs"
printf 'cat:                          %6.2f s  %7.0f MB/s\n' "$t_cat" "$(rate "$t_cat")"
printf 'grep -r -c (2 regexes):       %6.2f s  %7.0f MB/s\n' "$t_grep" "$(rate "$t_grep")"
printf 'customs, built-in rules:      %6.2f s  %7.0f MB/s  (%s issues)\n' "$t_builtin" \
	"$(rate "$t_builtin")" "$n_builtin"
printf 'customs, gitleaks rules:      %6.2f s  %7.0f MB/s\n' "$t_gitleaks" "$(rate "$t_gitleaks")"
printf 'engine alone, one core (CPU time), built-in rules: %7.0f MB/s\n' "$e_builtin"
printf 'engine alone, one core (CPU time), gitleaks rules: %7.0f MB/s\n' "$e_gitleaks"
printf 'built-in / cat: %.1fx   built-in / grep: %.1fx   gitleaks / built-in: %.1fx\n' \
	"$(echo "$t_builtin / $t_cat" | bc -l)" "$(echo "$t_builtin / $t_grep" | bc -l)" \
	"$(echo "$t_gitleaks / $t_builtin" | bc -l)"
