#!/usr/bin/env bash
# Benchmark of cosign verification on a cached signature (the fixtures in
# $CUSTOMS_SHARED/signing/cosign-containers-image), measured side by side
# with its baselines in this run:
#
#   core      bench/bench-verify: cs_cosign_verify N times in one process
#             (key-only signature; then the Rekor fixture, which adds the
#             SET, the entry body and its key)
#   openssl   `openssl dgst -sha256 -verify` of the same payload and
#             signature, N processes (the baseline the issue names), and
#             `openssl speed ecdsap256` (raw P-256 verifies/s in-process, the
#             floor of any verifier)
#   cli       `customs verify dir:` N processes, against the same N openssl
#             processes
#
#   bench/verify.sh BUILD [N] [NPROC]
#
# Rates are per CPU second (user + sys), so a busy shared machine skews
# them less than wall time (also shown). Prints rates and ratios; measures,
# never asserts.
set -euo pipefail

build=$(cd "${1:?usage: bench/verify.sh BUILD [N] [NPROC]}" && pwd)
n=${2:-20000}
nproc=${3:-300}
here=$(cd "$(dirname "$0")" && pwd)
shared=${CUSTOMS_SHARED:-$here/../../shared/data}
F=$shared/signing/cosign-containers-image
customs=$build/src/cli/customs
bv=$build/bench/bench-verify
[ -x "$bv" ] || ninja -C "$build" bench/bench-verify >/dev/null
[ -x "$customs" ] || { echo "bench/verify.sh: no $customs" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the payload and DER signature of dir-img-cosign-valid, for openssl
python3 - "$F/dir-img-cosign-valid/signature-1" "$tmp" <<'PY'
import base64, json, sys
d = json.loads(open(sys.argv[1], "rb").read()[15:])
open(sys.argv[2] + "/payload", "wb").write(base64.b64decode(d["payload"]))
open(sys.argv[2] + "/sig", "wb").write(
    base64.b64decode(d["annotations"]["dev.cosignproject.cosign/signature"]))
PY

rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# secs CMD...: "WALL CPU" seconds of CMD (CPU: user + sys of the processes it ran)
secs() {
	local TIMEFORMAT='%R %U %S' out
	out=$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -n 1)
	awk '{ printf "%s %.4f\n", $1, $2 + $3 }' <<<"$out"
}
field() { sed -n "s/.*$1 [0-9.]* s \([0-9]*\)\/s.*/\1/p"; }

echo "# cosign verify on a cached signature, N=$n in-process, $nproc processes"
out=$("$bv" "$F/dir-img-cosign-valid" "$F/cosign.pub" - "$n")
core=$(field cpu <<<"$out")
core_wall=$(field wall <<<"$out")
out=$("$bv" "$F/dir-img-cosign-key-rekor-valid" "$F/cosign2.pub" "$F/rekor.pub" "$n")
core_rekor=$(field cpu <<<"$out")
speed=$(openssl speed -seconds 3 ecdsap256 2>/dev/null |
	awk '/256 bits ecdsa \(nistp256\)/ { print int($NF) }')

ossl_loop() {
	for ((i = 0; i < nproc; i++)); do
		openssl dgst -sha256 -verify "$F/cosign.pub" -signature "$tmp/sig" "$tmp/payload" \
			>/dev/null
	done
}
cli_loop() {
	for ((i = 0; i < nproc; i++)); do
		"$customs" -q verify "dir:$F/dir-img-cosign-valid" --key "$F/cosign.pub" >/dev/null
	done
}
read -r w_ossl c_ossl < <(secs ossl_loop)
read -r w_cli c_cli < <(secs cli_loop)
ossl=$(rate "$nproc" "$c_ossl")
cli=$(rate "$nproc" "$c_cli")

echo "(rates per CPU second: user + sys; the machine may be shared)"
printf '%-44s %10s/s  (wall %s/s)\n' "core, key only (bench-verify)" "$core" "$core_wall"
printf '%-44s %10s/s\n' "core, key + Rekor bundle (bench-verify)" "$core_rekor"
printf '%-44s %10s/s\n' "openssl speed ecdsap256 (verify, user time)" "$speed"
printf '%-44s %10s/s  (wall %s/s)\n' "openssl dgst -verify (one process each)" "$ossl" \
	"$(rate "$nproc" "$w_ossl")"
printf '%-44s %10s/s  (wall %s/s)\n' "customs verify dir: (one process each)" "$cli" \
	"$(rate "$nproc" "$w_cli")"
echo "core key-only / openssl dgst -verify processes: $(ratio "$core" "$ossl")x"
echo "core key-only / openssl speed raw verify:       $(ratio "$core" "$speed")"
echo "core with Rekor / core key-only:                $(ratio "$core_rekor" "$core")"
echo "customs verify process / openssl dgst process:  $(ratio "$cli" "$ossl")"
