#!/usr/bin/env bash
# make demo: the product's main job on a real image. Today that is
# `customs image inspect` (and a look at the files) of a real Alpine image
# built from the official minirootfs with podman and skopeo.
set -euo pipefail

build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
shared=${CUSTOMS_SHARED:-$src/../shared/data}
customs=$src/$build/src/cli/customs
demo=$src/$build/demo
rootfs=$shared/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz

if [ ! -f "$rootfs" ]; then
	echo "demo: '$rootfs' not found (the shared data directory belongs beside the repository)" >&2
	exit 2
fi
if [ ! -d "$demo/alpine.oci" ]; then
	echo "== building an Alpine 3.20 image from the official minirootfs (podman import, skopeo copy)"
	rm -rf "$demo" && mkdir -p "$demo"
	P() {
		podman --root "$demo/podman/root" --runroot "$demo/podman/run" --storage-driver vfs \
			--runtime runc --cgroup-manager cgroupfs "$@"
	}
	P import --quiet --change 'CMD ["/bin/sh"]' --change 'LABEL org.opencontainers.image.title=alpine-demo' \
		"$rootfs" localhost/alpine:3.20 >/dev/null
	P save --quiet --format docker-archive -o "$demo/alpine.docker.tar" localhost/alpine:3.20
	skopeo copy --quiet "docker-archive:$demo/alpine.docker.tar" "oci:$demo/alpine.oci:3.20"
	rm -rf "$demo/podman"
fi

echo
echo "== customs image inspect oci:$build/demo/alpine.oci:3.20"
"$customs" image inspect "oci:$demo/alpine.oci:3.20"
echo
echo "== customs image ls-files oci:$build/demo/alpine.oci:3.20 (setuid and setgid files)"
"$customs" image ls-files "oci:$demo/alpine.oci:3.20" | awk '$1 ~ /^...[sS]|^......[sS]/' || true
echo
echo "== customs image inspect -f json docker-archive:$build/demo/alpine.docker.tar (layers)"
"$customs" image inspect -f json "docker-archive:$demo/alpine.docker.tar" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); [print(" ", l["index"], l["diffId"], l["uncompressedSize"], "bytes,", l["files"], "files") for l in d["layers"]]'
