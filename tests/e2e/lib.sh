# Shared helpers for end-to-end tests (sourced). Each script counts its own
# checks and exits non-zero if any failed, 77 when it must skip (with the
# reason on stderr).
set -uo pipefail

: "${CUSTOMS:?CUSTOMS must point at the customs binary}"
: "${CUSTOMS_SRC:?}"
: "${CUSTOMS_SHARED:=$CUSTOMS_SRC/../shared/data}"
: "${CUSTOMS_FIXTURES:=$CUSTOMS_SRC/build/fixtures}"
: "${CUSTOMS_TESTDATA:=$CUSTOMS_SRC/tests/data}"
export CUSTOMS CUSTOMS_SRC CUSTOMS_SHARED CUSTOMS_FIXTURES CUSTOMS_TESTDATA

T_PASS=0
T_FAIL=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/customs-e2e.XXXXXX")
T_CLEANUPS=()

t_cleanup() {
	local i
	for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUPS[$i]}" >/dev/null 2>&1 || true
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT

# at_exit CMD: run CMD (a string) when the script ends, last registered first
at_exit() { T_CLEANUPS+=("$1"); }

pass() { T_PASS=$((T_PASS + 1)); echo "ok - $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $*"; }
skip_all() { echo "SKIP: $*" >&2; exit 77; }

# fixture NAME: path of a fixture built by tests/fixtures/build.sh, or skip
fixture() {
	local p="$CUSTOMS_FIXTURES/$1"
	[ -e "$p" ] || skip_all "fixture '$1' missing: run tests/fixtures/build.sh"
	echo "$p"
}

# run: run customs, capture stdout/stderr/status into $OUT $ERR $RC
run() {
	OUT=$("$CUSTOMS" "$@" 2>"$T_TMP/stderr")
	RC=$?
	ERR=$(cat "$T_TMP/stderr")
}

# expect_ok DESC ARGS...: customs ARGS must exit 0
expect_ok() {
	local desc=$1
	shift
	run "$@"
	if [ "$RC" -eq 0 ]; then
		pass "$desc"
	else
		fail "$desc (exit $RC): $ERR"
	fi
}

# expect_error DESC STATUS PATTERN ARGS...: customs ARGS must exit STATUS with
# exactly one line on stderr matching the extended regex PATTERN
expect_error() {
	local desc=$1 status=$2 pattern=$3
	shift 3
	run "$@"
	local lines
	lines=$(printf '%s' "$ERR" | grep -c '' || true)
	if [ "$RC" -ne "$status" ]; then
		fail "$desc: exit $RC, want $status; stderr: $ERR"
	elif [ "$lines" -ne 1 ]; then
		fail "$desc: want one line on stderr, got $lines: $ERR"
	elif ! printf '%s' "$ERR" | grep -Eq -- "$pattern"; then
		fail "$desc: stderr '$ERR' does not match /$pattern/"
	else
		pass "$desc"
	fi
}

# check DESC COMMAND...: a shell condition that must hold
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# jq-free JSON queries through python3
json_get() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }

# free_port: an unused TCP port on 127.0.0.1
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# podman with private storage under $T_TMP and the flags these machines need
t_podman() {
	podman --root "$T_TMP/podman/root" --runroot "$T_TMP/podman/run" --storage-driver vfs \
		--runtime runc --cgroup-manager cgroupfs "$@"
}

finish() {
	echo "# $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
	exit $?
}
