#!/usr/bin/env bash
# Benchmark of the drift check (src/runtime/drift.c) that `runtime watch`
# runs at each container exec event: its cost per event (the container's
# upperdir cached, as after its first exec) side by side with the baseline,
# one fork + exec + wait of /bin/true, and their ratio (the share the check
# adds to the cheapest exec it is attached to).
#
#   bench/drift.sh BUILD [N]
set -euo pipefail

build=$(cd "${1:?usage: bench/drift.sh BUILD [N]}" && pwd)
n=${2:-200000}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/customs-bench-drift.XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046
cc -O2 -D_GNU_SOURCE -I"$src/src" -I"$build/src" "$src/bench/bench-drift.c" \
	"$build/src/libcustoms.a" -o "$work/bench-drift" \
	$(pkg-config --libs libbpf libelf jansson) -lz -lpthread
"$work/bench-drift" "$work" "$n"
