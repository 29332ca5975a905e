#!/usr/bin/env bash
# SBOM documents checked by tools customs did not write: the golden
# CycloneDX and SPDX documents of tests/unit/test-sbom.c, a document with
# every licence id customs writes as an id, and `customs sbom` on a real
# Alpine root filesystem go through tests/sbom-validate/validate.js (the
# official CycloneDX 1.6 schema, packageurl-js, spdx-expression-parse);
# test-purl runs the packageurl-js purl test suite.
. "$(dirname "$0")/lib.sh"

validate=$CUSTOMS_SRC/tests/sbom-validate
if ! "$validate/setup.sh"; then
	fail "npm ci of tests/sbom-validate"
	exit 1
fi

# the unit test binaries sit beside this build's tests/e2e
tests_dir=$(cd "$PWD/.." && pwd)
for t in test-sbom test-purl; do
	[ -x "$tests_dir/$t" ] || { fail "$t is not built in $tests_dir"; exit 1; }
done

# validate DESC FILE...
validate() {
	local desc=$1 out
	shift
	if out=$(node "$validate/validate.js" "$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc: $out"
	fi
}

docs=$T_TMP/docs
mkdir -p "$docs"
if CUSTOMS_SBOM_OUT=$docs "$tests_dir/test-sbom" >"$T_TMP/test-sbom.log" 2>&1; then
	pass "test-sbom wrote the documents"
else
	fail "test-sbom: $(tail -20 "$T_TMP/test-sbom.log")"
fi
for f in sample.cdx.json sample.spdx.json licenses.cdx.json; do
	if [ -s "$docs/$f" ]; then
		validate "$f is valid" "$docs/$f"
	else
		fail "$f was not written"
	fi
done

suite=$validate/node_modules/packageurl-js-suite/test/data/test-suite-data.json
if CUSTOMS_PURL_SUITE=$suite "$tests_dir/test-purl" >"$T_TMP/test-purl.log" 2>&1 &&
	grep -q 'purl suite vectors checked' "$T_TMP/test-purl.log"; then
	pass "purl test suite ($(grep -o '[0-9]* purl suite vectors' "$T_TMP/test-purl.log"))"
else
	fail "purl test suite: $(tail -20 "$T_TMP/test-purl.log")"
fi

# customs sbom on a real root filesystem
tarball=$CUSTOMS_SHARED/images/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
if [ -f "$tarball" ]; then
	rootfs=$T_TMP/rootfs
	mkdir -p "$rootfs"
	tar -xzf "$tarball" -C "$rootfs" --no-same-owner --no-same-permissions 2>/dev/null
	for fmt in cyclonedx spdx; do
		if SOURCE_DATE_EPOCH=1700000000 "$CUSTOMS" sbom -f $fmt -o "$docs/alpine.$fmt.json" \
			"dir:$rootfs" >"$T_TMP/sbom.out" 2>&1; then
			validate "customs sbom -f $fmt on alpine 3.20.3 is valid" "$docs/alpine.$fmt.json"
			# the packages are apk's own list (P: and V: of lib/apk/db/installed)
			awk -F: '/^P:/ { p = $2 } /^V:/ { print p " " $2 }' \
				"$rootfs/lib/apk/db/installed" | sort >"$T_TMP/apk.want"
			python3 - "$docs/alpine.$fmt.json" >"$T_TMP/apk.got" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if "bomFormat" in d:
    rows = [(c["name"], c.get("version", "")) for c in d.get("components", [])
            if c.get("purl", "").startswith("pkg:apk/")]
else:
    rows = [(p["name"], p.get("versionInfo", "")) for p in d["packages"]
            if any(r["referenceLocator"].startswith("pkg:apk/") for r in p.get("externalRefs", []))]
print("\n".join(sorted(f"{n} {v}" for n, v in rows)))
PY
			if [ -s "$T_TMP/apk.want" ] && diff -u "$T_TMP/apk.want" "$T_TMP/apk.got" >"$T_TMP/apk.diff"; then
				pass "customs sbom -f $fmt lists apk's $(wc -l <"$T_TMP/apk.want") packages"
			else
				fail "customs sbom -f $fmt packages differ from lib/apk/db/installed: $(head -20 "$T_TMP/apk.diff")"
			fi
		else
			fail "customs sbom -f $fmt: $(tail -5 "$T_TMP/sbom.out")"
		fi
	done
else
	echo "note: $tarball missing, real-image documents not checked" >&2
fi

echo "$T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
