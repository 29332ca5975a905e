#!/usr/bin/env bash
# make demo: the product's main job on a real image: a vulnerability scan
# of a real Alpine image (with its inspection and SBOM on the way)
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
echo "== customs sbom oci:$build/demo/alpine.oci:3.20"
"$customs" sbom "oci:$demo/alpine.oci:3.20"
echo
echo "== customs sbom -f cyclonedx (first components)"
"$customs" sbom -f cyclonedx "oci:$demo/alpine.oci:3.20" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print("  specVersion", d["specVersion"], "-", len(d["components"]), "components"); [print("  ", c.get("purl") or c["type"] + " " + c["name"] + " " + c.get("version", "")) for c in d["components"][:5]]'

echo
echo "== customs db build --from ../shared/data/feeds/{alpine-secdb,kev}"
db=$demo/db.sqlite
"$customs" db build --from "$shared/feeds/alpine-secdb" --from "$shared/feeds/kev" --db "$db"
echo
echo "== customs scan image oci:$build/demo/alpine.oci:3.20"
"$customs" scan image --db "$db" "oci:$demo/alpine.oci:3.20"
"$customs" -q scan image --db "$db" -f html -o "$demo/report.html" "oci:$demo/alpine.oci:3.20"
"$customs" -q scan image --db "$db" -f sarif -o "$demo/report.sarif" "oci:$demo/alpine.oci:3.20"
echo
echo "reports: $demo/report.html (open in a browser), $demo/report.sarif (code scanning)"
