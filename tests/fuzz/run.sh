#!/usr/bin/env bash
# make fuzz: run each libFuzzer target for N seconds over its corpus,
# adding new interesting inputs to tests/fuzz/corpus/NAME.
set -euo pipefail
build=$1 secs=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
for bin in "$build"/tests/fuzz/fuzz-*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz-}
	mkdir -p "$here/corpus/$name"
	echo "== fuzz-$name for ${secs}s"
	"$bin" -max_total_time="$secs" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$here/" "$here/corpus/$name"
done
