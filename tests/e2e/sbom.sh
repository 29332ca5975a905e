#!/usr/bin/env bash
# customs sbom on real images, checked against independent sources: the
# apk database parsed by python3, dpkg-query over the image's own dpkg
# database, and go version -m over the Go binary inside the image.
. "$(dirname "$0")/lib.sh"

alpine=$(fixture alpine-3.20.oci)
bookworm=$(fixture debian-bookworm.oci)
alpine_tgz=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz

# name<TAB>version of every component with a purl of TYPE, from CycloneDX on stdin
cdx_set() {
	python3 -c '
import json, sys, urllib.parse
want = sys.argv[1]
d = json.load(sys.stdin)
for c in d.get("components", []):
    p = c.get("purl", "")
    if not p.startswith("pkg:" + want + "/"):
        continue
    print(c["name"] + "\t" + c.get("version", ""))
' "$1" | sort -u
}

# --- Alpine --------------------------------------------------------------
expect_ok "sbom of alpine (cyclonedx)" sbom -f cyclonedx "oci:$alpine:3.20"
echo "$OUT" >"$T_TMP/alpine.cdx.json"
cdx_set apk <"$T_TMP/alpine.cdx.json" >"$T_TMP/alpine-got"
tar -xzOf "$alpine_tgz" --wildcards "*lib/apk/db/installed" | python3 -c '
import sys
name = ver = None
for line in sys.stdin.read().split("\n") + [""]:
    if line.startswith("P:"): name = line[2:]
    elif line.startswith("V:"): ver = line[2:]
    elif line == "" and name:
        print(name + "\t" + ver); name = ver = None
' | sort -u >"$T_TMP/alpine-want"
check "alpine: apk packages equal the installed database (python3 parse)" cmp -s "$T_TMP/alpine-want" "$T_TMP/alpine-got"
check "alpine: 14 or more packages" test "$(wc -l <"$T_TMP/alpine-got")" -ge 14
check "alpine: libcrypto3 from the openssl origin" grep -q '"pkg:apk/alpine/libcrypto3@[^"]*distro=alpine-3.20.3' "$T_TMP/alpine.cdx.json"

expect_ok "sbom of alpine (table)" sbom "oci:$alpine:3.20"
check "table names the OS" grep -q '^OS: alpine 3.20.3 (from etc/os-release)' <<<"$OUT"
check "table shows busybox" grep -Eq '^busybox +1\.36\.1-r[0-9]+ +apk' <<<"$OUT"

expect_ok "sbom of the alpine rootfs (dir:)" sbom -f cyclonedx "dir:$(fixture alpine-3.20-rootfs)"
cdx_set apk <<<"$OUT" >"$T_TMP/dir-got"
check "dir: finds the same apk packages" cmp -s "$T_TMP/alpine-want" "$T_TMP/dir-got"

expect_ok "sbom of the alpine docker-archive" sbom -f cyclonedx "docker-archive:$(fixture alpine-3.20.docker.tar)"
cdx_set apk <<<"$OUT" >"$T_TMP/da-got"
check "docker-archive: same apk packages" cmp -s "$T_TMP/alpine-want" "$T_TMP/da-got"

# --- Debian bookworm -----------------------------------------------------
expect_ok "sbom of bookworm (cyclonedx)" sbom -f cyclonedx "oci:$bookworm:bookworm"
echo "$OUT" >"$T_TMP/bookworm.cdx.json"
mkdir -p "$T_TMP/rootfs"
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"].split(":")[1])' \
	"$bookworm/blobs/sha256/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"].split(":")[1])' "$bookworm/index.json")")
tar -xzf "$bookworm/blobs/sha256/$layer" -C "$T_TMP/rootfs" ./var/lib/dpkg ./usr/bin/fzf 2>/dev/null ||
	tar -xzf "$bookworm/blobs/sha256/$layer" -C "$T_TMP/rootfs" var/lib/dpkg usr/bin/fzf
dpkg-query --admindir="$T_TMP/rootfs/var/lib/dpkg" -W -f '${db:Status-Abbrev}\t${Package}\t${Version}\n' |
	awk -F'\t' '$1 ~ /^ii/ {print $2 "\t" $3}' | sort -u >"$T_TMP/deb-want"
cdx_set deb <"$T_TMP/bookworm.cdx.json" >"$T_TMP/deb-got"
check "bookworm: deb packages equal dpkg-query's ($(wc -l <"$T_TMP/deb-want"))" cmp -s "$T_TMP/deb-want" "$T_TMP/deb-got"
check "bookworm: OS debian 12 in the purls" grep -q 'distro=debian-12' "$T_TMP/bookworm.cdx.json"
check "bookworm: python3-six's dist-info is not reported again as pypi" \
	test -z "$(cdx_set pypi <"$T_TMP/bookworm.cdx.json" | grep -i '^six')"
check "bookworm: commons-lang3's jar is not reported again as maven" \
	test -z "$(cdx_set maven <"$T_TMP/bookworm.cdx.json" | grep -i 'commons-lang3')"
if command -v go >/dev/null; then
	gov=$(go version -m "$T_TMP/rootfs/usr/bin/fzf" | awk 'NR==1 {sub(/^go/, "", $2); print $2}')
	check "bookworm: fzf's Go standard library $gov (go version -m)" \
		grep -q "pkg:golang/stdlib@$gov" "$T_TMP/bookworm.cdx.json"
	go version -m "$T_TMP/rootfs/usr/bin/fzf" | awk '$1 == "dep" {print $2 "@" $3}' | sort -u >"$T_TMP/go-want"
	python3 -c '
import json, sys, urllib.parse
for c in json.load(open(sys.argv[1])).get("components", []):
    p = c.get("purl", "")
    if p.startswith("pkg:golang/") and not p.startswith("pkg:golang/stdlib@"):
        p = urllib.parse.unquote(p[len("pkg:golang/"):].split("?")[0])
        print(p)
' "$T_TMP/bookworm.cdx.json" | sort -u >"$T_TMP/go-got"
	check "bookworm: fzf's Go modules equal go version -m's" cmp -s "$T_TMP/go-want" "$T_TMP/go-got"
else
	fail "go is not installed (scripts/install-deps.sh installs golang-go)"
fi

# --- formats and errors --------------------------------------------------
expect_ok "sbom spdx" sbom -f spdx "oci:$alpine:3.20"
check "spdx document" test "$(json_get 'd["spdxVersion"]' <<<"$OUT")" = SPDX-2.3
expect_ok "sbom json" sbom -f json "oci:$alpine:3.20"
check "native schema" test "$(json_get 'd["schema"]' <<<"$OUT")" = customs.sbom/v1
expect_error "unknown sbom format" 2 "unknown format 'xml'" sbom -f xml "oci:$alpine:3.20"
expect_error "sbom of a missing image" 2 "nosuch" sbom "oci:$alpine:nosuch"

finish
