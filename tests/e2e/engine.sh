#!/usr/bin/env bash
# engine: images of a real Podman service (Docker-compatible API) on a
# private unix socket, with private storage.
. "$(dirname "$0")/lib.sh"

command -v podman >/dev/null || skip_all "podman is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for podman with private storage"
alpine=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
[ -f "$alpine" ] || skip_all "missing $alpine"

sock=$T_TMP/podman.sock
t_podman import --quiet "$alpine" localhost/alpine:3.20 >/dev/null ||
	skip_all "podman import failed"
t_podman system service --time=0 "unix://$sock" >"$T_TMP/service.log" 2>&1 &
service=$!
at_exit "pkill -P $service; kill $service; wait $service"
for _ in $(seq 100); do
	[ -S "$sock" ] && curl -sf --unix-socket "$sock" http://d/_ping >/dev/null && break
	sleep 0.1
done
[ -S "$sock" ] || skip_all "podman service did not start: $(cat "$T_TMP/service.log")"

ref=engine:localhost/alpine:3.20
expect_ok "inspect an engine image" image inspect -f json "$ref" --engine "unix://$sock"
printf '%s\n' "$OUT" >"$T_TMP/i.json"
want_config=sha256:$(t_podman image inspect --format '{{.Id}}' localhost/alpine:3.20)
want_diffid=$(t_podman image inspect --format '{{index .RootFS.Layers 0}}' localhost/alpine:3.20)
check "config digest is the engine's image id" test "$(json_get 'd["configDigest"]' <"$T_TMP/i.json")" = "$want_config"
check "one layer" test "$(json_get 'len(d["layers"])' <"$T_TMP/i.json")" = 1
check "layer diff_id is the engine's" test "$(json_get 'd["layers"][0]["diffId"]' <"$T_TMP/i.json")" = "$want_diffid"

expect_ok "ls-files of an engine image" image ls-files -f json "$ref" --engine "unix://$sock"
n=$(json_get 'd["count"]' <<<"$OUT")
want=$(tar -tzf "$alpine" | sed 's|^\./||; s|/$||' | grep -c .)
check "ls-files lists every file of the rootfs ($want)" test "$n" = "$want"
check "ls-files has bin/busybox" eval 'json_get "[e[\"path\"].strip(\"/\") for e in d[\"entries\"]]" <<<"$OUT" | grep -q "bin/busybox"'

# DOCKER_HOST is honoured when --engine is absent
OUT=$(DOCKER_HOST="unix://$sock" "$CUSTOMS" image inspect -f json "$ref" 2>"$T_TMP/err")
check "DOCKER_HOST is used" test "$(json_get 'd["configDigest"]' <<<"$OUT")" = "$want_config"

expect_error "missing image" 2 "engine image 'localhost/nope:1' not found" \
	image inspect engine:localhost/nope:1 --engine "unix://$sock"
expect_error "no engine at the socket" 2 "cannot reach the container engine" \
	image inspect "$ref" --engine "unix://$T_TMP/nothing.sock"
expect_error "tcp engines are refused" 2 "want unix:///PATH" \
	image inspect "$ref" --engine tcp://127.0.0.1:2375

finish
