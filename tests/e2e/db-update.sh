#!/usr/bin/env bash
# customs db manifest | update against real mirrors of the shared feeds:
# python3's http.server on loopback (plain HTTP), python3's ssl module with a
# certificate made by openssl here (HTTPS), and plain directories. Checks
# that an update equals a local build of the same feeds and finds the
# README's known answer, that nothing is fetched again for an unchanged
# manifest, that every failure (corrupt, short or missing file, truncated or
# hostile manifest, bad signature, TLS) exits 2 with one line and leaves the
# old database byte-identical with no temporary files, and that readers
# holding the old database keep it.
. "$(dirname "$0")/lib.sh"

feeds=$CUSTOMS_SHARED/feeds
[ -d "$feeds/alpine-secdb" ] || skip_all "no feeds in $feeds"
command -v openssl >/dev/null || skip_all "openssl is not installed"
alpine20=$(fixture alpine-3.20.oci)
unset CUSTOMS_DB CUSTOMS_DB_URL

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s)
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# serve DIR: python3 http.server for DIR on a free loopback port; sets PORT, LOG
serve() {
	PORT=$(free_port)
	LOG=$T_TMP/http-$PORT.log
	python3 -m http.server --bind 127.0.0.1 --directory "$1" "$PORT" >"$LOG" 2>&1 &
	at_exit "kill $!"
	wait_port "$PORT" || skip_all "python3 http.server did not start"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
# leftovers DIR: temporary files or directories of an update or build in DIR
leftovers() { find "$1" -mindepth 1 -maxdepth 1 \( -name '*.update.*' -o -name '*.tmp.*' \) | wc -l; }
gets() { grep -c '"GET /' "$LOG" || true; }

# --- a mirror of the shared feeds ---------------------------------------------
# Every shared feed, through symlinks (which db manifest follows): 9400 files,
# fetched and built in about 12 s on an idle machine, most of it python's
# server. CUSTOMS_E2E_QUICK=1 mirrors alpine-secdb, debian-tracker, kev and
# oval whole but only 150 OSV crates.io advisories and 60 rubysec gems.
m=$T_TMP/www/feeds
mkdir -p "$m"
for f in alpine-secdb debian-tracker kev oval; do ln -s "$feeds/$f" "$m/$f"; done
if [ -z "${CUSTOMS_E2E_QUICK:-}" ]; then
	ln -s "$feeds/osv" "$m/osv"
	ln -s "$feeds/rubysec" "$m/rubysec"
	osv_src=$feeds/osv rubysec_src=$feeds/rubysec
else
	mkdir -p "$m/osv/crates.io" "$m/rubysec/gems"
	find "$feeds/osv/crates.io" -maxdepth 1 -name '*.json' | sort | head -150 |
		xargs cp -t "$m/osv/crates.io"
	find "$feeds/rubysec/gems" -mindepth 1 -maxdepth 1 | sort | head -60 |
		xargs cp -r -t "$m/rubysec/gems"
	chmod -R u+w "$m/osv" "$m/rubysec"
	osv_src=$m/osv rubysec_src=$m/rubysec
fi
expect_ok "db manifest of the feed mirror" db manifest "$m"
check "manifest: every file with its size and sha256 (python3 walk)" python3 -c '
import hashlib, json, os, sys
root = sys.argv[1]
m = json.load(open(os.path.join(root, "manifest.json")))
assert m["schema"] == "customs.db-manifest/v1" and m["kind"] == "feeds", m["kind"]
want = set()
for d, dirs, files in os.walk(root, followlinks=True):
    dirs[:] = [x for x in dirs if not x.startswith(".")]
    for f in files:
        p = os.path.relpath(os.path.join(d, f), root)
        if not f.startswith(".") and p != "manifest.json":
            want.add(p)
got = {f["path"]: f for f in m["files"]}
assert set(got) == want, (len(got), len(want))
for p, f in got.items():
    b = open(os.path.join(root, p), "rb").read()
    assert f["size"] == len(b) and f["sha256"] == hashlib.sha256(b).hexdigest(), p
' "$m"
nfiles=$(json_get 'len(d["files"])' <"$m/manifest.json")
created=$(json_get 'd["created"]' <"$m/manifest.json")

serve "$T_TMP/www"
www=http://127.0.0.1:$PORT
url=$www/feeds
dbdir=$T_TMP/cache
db=$dbdir/db.sqlite
start=$SECONDS
expect_ok "update from the HTTP mirror" db update --url "$url/" --db "$db"
echo "# update of $nfiles files took $((SECONDS - start)) s"
check "update: all $nfiles files fetched" grep -q "^fetched $nfiles files" <<<"$OUT"
check "update: no warnings but the tracker's own bad record and .SOURCES note" \
	test "$(grep -cv 'kernel-image-2.4.17-ia64\|\.SOURCES: unrecognised format' <<<"$ERR")" -eq 0
check "update: warnings name the mirror's file" grep -q "^customs: warning: $url/debian-tracker/" <<<"$ERR"
check "no temporary files left" test "$(leftovers "$dbdir")" -eq 0
expect_ok "db info -f json after the update" db info --db "$db" -f json
info=$OUT
check "info: mirror url" test "$(json_get 'd["mirror"]["url"]' <<<"$info")" = "$url"
check "info: mirror kind feeds" test "$(json_get 'd["mirror"]["kind"]' <<<"$info")" = feeds
check "info: manifest created time" \
	test "$(json_get 'd["mirror"]["manifest_created"]' <<<"$info")" = "$created"
check "info: every feed's sources located at the mirror" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); url = sys.argv[2]
kinds = {s["kind"] for s in d["sources"] if s["records"] > 0 and s["location"].startswith(url + "/")}
want = {"alpine-secdb", "debian-tracker", "kev", "osv", "oval", "rubysec"}
assert kinds == want and all(s["location"].startswith(url + "/") for s in d["sources"]), kinds
' "$info" "$url"
expect_ok "db info (table)" db info --db "$db"
check "info table: the mirror and its manifest" \
	grep -Eq "^Mirror +$url\$" <<<"$OUT"
check "info table: manifest created" grep -Eq "^Manifest created +$created\$" <<<"$OUT"

# the same feeds built locally: the same sources and totals
local_db=$T_TMP/local.sqlite
expect_ok "db build of the same feeds" db build --db "$local_db" \
	--from "$feeds/alpine-secdb" --from "$feeds/debian-tracker" --from "$feeds/kev" \
	--from "$osv_src" --from "$feeds/oval" --from "$rubysec_src"
expect_ok "db info of the local build" db info --db "$local_db" -f json
check "update = local build (records per source, totals)" python3 -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rec = lambda d: sorted((s["name"], s["kind"], s["records"], s["skipped"]) for s in d["sources"])
assert rec(a) == rec(b), (rec(a), rec(b))
assert a["totals"] == b["totals"], (a["totals"], b["totals"])
assert b["mirror"] is None
' "$info" "$OUT"

expect_ok "scan alpine 3.20 with the updated database" scan image -f json --db "$db" \
	--db-max-age 0 "oci:$alpine20:3.20"
check "scan finds CVE-2024-9143 fixed in openssl 3.3.2-r1 (README)" test \
	"$(json_get "sorted({f['fixedVersion'] for f in d['findings'] if f['id']=='CVE-2024-9143'})" <<<"$OUT")" = "['3.3.2-r1']"

# --- unchanged manifest ---------------------------------------------------------
sum_before=$(sha "$db")
n_gets=$(gets)
expect_ok "second update" db update --url "$url" --db "$db"
check "second update: up to date" grep -q "is up to date with $url" <<<"$OUT"
check "second update: only manifest.json and manifest.json.sig requested" \
	test "$(($(gets) - n_gets))" -eq 2
check "second update: database untouched" test "$(sha "$db")" = "$sum_before"
CUSTOMS_DB_URL=$url expect_ok "\$CUSTOMS_DB_URL is the default mirror" db update --db "$db"
check "\$CUSTOMS_DB_URL: up to date" grep -q "up to date" <<<"$OUT"
if "$CUSTOMS" db update --help | grep -q 'default $CUSTOMS_DB_URL)'; then
	expect_error "no mirror at all: exit 2" 2 "no mirror to update from.*--url" db update --db "$db"
fi

# --- a small mirror for the failure paths ------------------------------------------
s=$T_TMP/www/small
mkdir -p "$s"
cp -r "$feeds/alpine-secdb" "$feeds/kev" "$s/"
chmod -R u+w "$s"
expect_ok "db manifest of the small mirror" db manifest "$s"
sdb=$T_TMP/small-cache/db.sqlite
expect_ok "update from the small mirror" db update --url "$www/small" --db "$sdb"
expect_ok "--force fetches an unchanged manifest again" db update --url "$www/small" --db "$sdb" --force
check "--force: fetched" grep -q "^fetched 7 files" <<<"$OUT"
ssum=$(sha "$sdb")
kev_rel=kev/known_exploited_vulnerabilities.json

# mirror NAME: a copy of the small mirror under www/NAME (files and manifest)
mirror() { rm -rf "$T_TMP/www/$1"; cp -r "$s" "$T_TMP/www/$1"; }
# fails DESC PATTERN URL [ARGS]: update from URL exits 2 with one line matching
# PATTERN, and the database stays byte-identical with no temporary files
fails() {
	local desc=$1 pattern=$2 u=$3
	shift 3
	expect_error "$desc: exit 2" 2 "$pattern" db update --url "$u" --db "$sdb" "$@"
	check "$desc: database byte-identical" test "$(sha "$sdb")" = "$ssum"
	check "$desc: no temporary files" test "$(leftovers "$(dirname "$sdb")")" -eq 0
}

mirror corrupt
python3 -c '
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read())
i = b.index(b"CVE-2"); b[i + 4] = ord("1") if b[i + 4] != ord("1") else ord("3")
open(p, "wb").write(b)' "$T_TMP/www/corrupt/$kev_rel"
fails "a corrupt file" "not changed: '$www/corrupt/$kev_rel': sha256 does not match the manifest" \
	"$www/corrupt"
mirror short
truncate -s -1 "$T_TMP/www/short/$kev_rel"
fails "a short file" "'$www/short/$kev_rel': size does not match the manifest" "$www/short"
mirror long
echo >>"$T_TMP/www/long/$kev_rel"
fails "a longer file" "'$www/long/$kev_rel': larger than" "$www/long"
mirror missing
rm "$T_TMP/www/missing/$kev_rel"
fails "a missing file" "'$www/missing/$kev_rel': not found \(HTTP 404\)" "$www/missing"
mirror broken
printf '{"catalogVersion": "x", "vulnerabilities": [' >"$T_TMP/www/broken/$kev_rel"
expect_ok "db manifest of a mirror with a broken feed" db manifest "$T_TMP/www/broken"
fails "a listed feed that does not parse" "'$www/broken/$kev_rel'" "$www/broken"
check "a broken feed: the error names no temporary path" \
	test "$(grep -c '\.update\.' <<<"$ERR")" -eq 0
mirror truncated
head -c 300 "$s/manifest.json" >"$T_TMP/www/truncated/manifest.json"
fails "a truncated manifest" "'$www/truncated/manifest.json': not valid JSON" "$www/truncated"
mirror badjson
printf '{"schema": "customs.db-manifest/v1", "files": [' >"$T_TMP/www/badjson/manifest.json"
fails "a manifest that is not JSON" "'$www/badjson/manifest.json': not valid JSON" "$www/badjson"
mirror nomanifest
rm "$T_TMP/www/nomanifest/manifest.json"
fails "no manifest" "'$www/nomanifest/manifest.json': not found" "$www/nomanifest"
mirror schema
sed -i 's|customs.db-manifest/v1|customs.db-manifest/v9|' "$T_TMP/www/schema/manifest.json"
fails "another manifest schema" "unsupported schema" "$www/schema"
for evil in "../small-cache/evil.json" "/tmp/evil.json" "kev/../../evil.json" ".hidden/x"; do
	mirror traversal
	python3 -c '
import json, sys
m = json.load(open(sys.argv[1])); m["files"][0]["path"] = sys.argv[2]
json.dump(m, open(sys.argv[1], "w"))' "$T_TMP/www/traversal/manifest.json" "$evil"
	fails "manifest path '$evil'" "'$www/traversal/manifest.json': files\[0\]\.path: not a clean relative path" \
		"$www/traversal"
done
check "nothing written outside the update directory" \
	test ! -e "$T_TMP/small-cache/evil.json" -a ! -e /tmp/evil.json -a ! -e "$T_TMP/evil.json"
mirror huge
python3 -c '
import json, sys
m = json.load(open(sys.argv[1])); m["files"][0]["size"] = 1 << 40
json.dump(m, open(sys.argv[1], "w"))' "$T_TMP/www/huge/manifest.json"
fails "a file size beyond the limit" "files\[0\]\.size: larger than" "$www/huge"
fails "plain HTTP to a host that is not loopback" \
	"mirror 'http://mirror.invalid/': plain HTTP is allowed only for loopback hosts or with --insecure" \
	"http://mirror.invalid/"
fails "a port nobody listens on" "'http://127.0.0.1:1/manifest.json': .*" "http://127.0.0.1:1" --retries 0
fails "an unsupported scheme" "unsupported URL scheme 'ftp'" "ftp://127.0.0.1/"

# redirects: followed to a mirror the policy allows, refused to plain HTTP elsewhere
RPORT=$(free_port)
python3 -c '
import http.server, sys
targets = {"ok": sys.argv[2], "away": "http://mirror.invalid"}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        first, _, rest = self.path.lstrip("/").partition("/")
        self.send_response(302)
        self.send_header("Location", "%s/%s" % (targets.get(first, "/nowhere"), rest))
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' \
	"$RPORT" "$www/small" >"$T_TMP/redirect.log" 2>&1 &
at_exit "kill $!"
wait_port "$RPORT" || skip_all "the python3 redirect server did not start"
rdb=$T_TMP/redirect-cache/db.sqlite
expect_ok "update through redirects to the mirror" db update --url "http://127.0.0.1:$RPORT/ok" \
	--db "$rdb"
check "redirected update: fetched" grep -q "^fetched 7 files" <<<"$OUT"
fails "a redirect to plain HTTP on another host" \
	"'http://127.0.0.1:$RPORT/away/manifest.json': redirect refused: plain HTTP is allowed only for loopback" \
	"http://127.0.0.1:$RPORT/away"

# a failed update leaves the old database and later updates still work
expect_ok "update from the good mirror after the failures" db update --url "$www/small" --db "$sdb"
check "the good mirror: up to date" grep -q "up to date" <<<"$OUT"

# --- local mirrors: a directory and a file:// URL ---------------------------------
ldb=$T_TMP/local-cache/db.sqlite
expect_ok "update from a mirror directory" db update --url "$s" --db "$ldb"
expect_ok "db info of the directory update" db info --db "$ldb" -f json
check "directory mirror: the mirror is its real path" \
	test "$(json_get 'd["mirror"]["url"]' <<<"$OUT")" = "$(realpath "$s")"
expect_ok "update from a file:// URL" db update --url "file://$s" --db "$ldb"
check "file:// URL: same mirror, up to date" grep -q "up to date" <<<"$OUT"
fails "a corrupt file in a directory mirror" "'$(realpath "$T_TMP/www/corrupt")/$kev_rel': sha256" \
	"$T_TMP/www/corrupt"

# --- kind database --------------------------------------------------------------
d=$T_TMP/www/db
mkdir -p "$d"
expect_ok "db build of the database to publish" db build --from "$s/alpine-secdb" \
	--from "$s/kev" --db "$d/db.sqlite"
expect_ok "db manifest --kind database" db manifest "$d" --kind database
check "database manifest: kind, schema version, one file" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
assert m["kind"] == "database" and m["schema_version"] == 1 and len(m["files"]) == 1, m' \
	"$d/manifest.json"
ddb=$T_TMP/db-cache/db.sqlite
expect_ok "update from a database mirror" db update --url "$www/db" --db "$ddb"
check "database mirror: fetched one file" grep -q "^fetched 1 files (.*database" <<<"$OUT"
expect_ok "db info of the fetched database" db info --db "$ddb" -f json
dinfo=$OUT
check "fetched database: mirror kind database" test "$(json_get 'd["mirror"]["kind"]' <<<"$dinfo")" = database
check "fetched database: the publisher's totals" test "$(json_get 'd["totals"]' <<<"$dinfo")" = \
	"$(json_get 'd["totals"]' < <("$CUSTOMS" db info --db "$d/db.sqlite" -f json))"
check "fetched database: same build time as published" test "$(json_get 'd["built"]' <<<"$dinfo")" = \
	"$(json_get 'd["built"]' < <("$CUSTOMS" db info --db "$d/db.sqlite" -f json))"
for z in gz zst; do
	zd=$T_TMP/www/db-$z
	mkdir -p "$zd"
	if [ "$z" = gz ]; then gzip -c "$d/db.sqlite" >"$zd/db.sqlite.gz"; else
		zstd -q -c "$d/db.sqlite" >"$zd/db.sqlite.zst" || continue
	fi
	expect_ok "db manifest of a .$z database" db manifest "$zd" --kind database
	expect_ok "update from a .$z database mirror" db update --url "$www/db-$z" --db "$ddb"
	check ".$z database: same totals as published" \
		test "$(json_get 'd["totals"]' < <("$CUSTOMS" db info --db "$ddb" -f json))" = \
		"$(json_get 'd["totals"]' <<<"$dinfo")"
	check ".$z database: no temporary files" test "$(leftovers "$(dirname "$ddb")")" -eq 0
done
# a newer schema than this customs reads: the client opens the file and refuses it
nd=$T_TMP/www/db-newer
mkdir -p "$nd"
cp "$d/db.sqlite" "$nd/db.sqlite"
python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("update meta set value=? where key=?", ("99", "schema_version")); c.commit()' \
	"$nd/db.sqlite"
expect_error "db manifest refuses a database this customs cannot read" 2 "schema version 99" \
	db manifest "$nd" --kind database
cp "$d/manifest.json" "$nd/manifest.json"
python3 -c '
import hashlib, json, os, sys
d = sys.argv[1]; p = os.path.join(d, "manifest.json"); m = json.load(open(p))
b = open(os.path.join(d, "db.sqlite"), "rb").read()
m["files"][0].update(size=len(b), sha256=hashlib.sha256(b).hexdigest())
json.dump(m, open(p, "w"))' "$nd"
dsum=$(sha "$ddb")
expect_error "a fetched database of a newer schema: exit 2" 2 "'$www/db-newer/db.sqlite':.*schema version 99 is newer" \
	db update --url "$www/db-newer" --db "$ddb"
check "newer schema: database byte-identical" test "$(sha "$ddb")" = "$dsum"
check "newer schema: no temporary files" test "$(leftovers "$(dirname "$ddb")")" -eq 0
python3 -c '
import json, sys
m = json.load(open(sys.argv[1])); m["schema_version"] = 2
json.dump(m, open(sys.argv[1], "w"))' "$nd/manifest.json"
expect_error "a manifest announcing another schema: exit 2 before any download" 2 \
	"schema version 2, this customs reads 1" db update --url "$www/db-newer" --db "$ddb"

# --- signatures ----------------------------------------------------------------
k=$T_TMP/keys
mkdir -p "$k"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k/key.pem" 2>/dev/null
openssl pkey -in "$k/key.pem" -pubout -out "$k/pub.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$k/other.pem" 2>/dev/null
openssl pkey -in "$k/other.pem" -pubout -out "$k/other.pub"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 2>/dev/null |
	openssl pkey -pubout -out "$k/p384.pub"
mirror signed
openssl dgst -sha256 -sign "$k/key.pem" "$T_TMP/www/signed/manifest.json" | base64 \
	>"$T_TMP/www/signed/manifest.json.sig"
expect_ok "update with --key and a valid signature" db update --url "$www/signed" --db "$sdb" \
	--key "$k/pub.pem" --force
check "signed: the signature is reported verified" grep -q "signature verified" <<<"$OUT"
ssum=$(sha "$sdb")
expect_ok "a signature without --key is ignored" db update --url "$www/signed" --db "$sdb" --force
check "unsigned use: a note on stderr" \
	grep -q "^customs: note: $www/signed/manifest.json.sig not checked (no --key given)" <<<"$ERR"
ssum=$(sha "$sdb")
mirror tampered
cp "$T_TMP/www/signed/manifest.json.sig" "$T_TMP/www/tampered/"
sed -i 's/"created": "[^"]*"/"created": "2020-01-01T00:00:00Z"/' "$T_TMP/www/tampered/manifest.json"
fails "a tampered manifest with a valid-looking signature" \
	"'$www/tampered/manifest.json.sig' with key '$k/pub.pem': signature does not match the manifest" \
	"$www/tampered" --key "$k/pub.pem"
fails "a signature by another key" "signature does not match" "$www/signed" --key "$k/other.pub"
fails "--key without a published signature" \
	"a signature is required by --key: '$www/small/manifest.json.sig': not found" "$www/small" --key "$k/pub.pem"
mirror badsig
echo 'this is not base64!' >"$T_TMP/www/badsig/manifest.json.sig"
fails "a signature that is not base64" "not base64" "$www/badsig" --key "$k/pub.pem"
echo "not a key" >"$k/junk.pem"
fails "a key file that is not a public key" "not a PEM ECDSA P-256 public key" "$www/signed" \
	--key "$k/junk.pem"
fails "a P-384 key" "not a PEM ECDSA P-256 public key" "$www/signed" --key "$k/p384.pub"

# --- HTTPS ----------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=customs test mirror" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	-keyout "$k/tls.key" -out "$k/tls.crt" 2>/dev/null
TPORT=$(free_port)
python3 -c '
import functools, http.server, ssl, sys
port, root, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()' "$TPORT" "$T_TMP/www" "$k/tls.crt" "$k/tls.key" >"$T_TMP/https.log" 2>&1 &
at_exit "kill $!"
wait_port "$TPORT" || skip_all "the python3 HTTPS server did not start"
hdb=$T_TMP/https-cache/db.sqlite
mkdir -p "$(dirname "$hdb")"
cp "$sdb" "$hdb"
ssum=$(sha "$hdb")
expect_error "HTTPS with a certificate nobody trusts: exit 2, TLS error" 2 \
	"'https://127.0.0.1:$TPORT/small/manifest.json': TLS error: .*certificate" \
	db update --url "https://127.0.0.1:$TPORT/small" --db "$hdb" --retries 0
check "TLS error: database byte-identical" test "$(sha "$hdb")" = "$ssum"
expect_ok "HTTPS with --ca-cert" db update --url "https://127.0.0.1:$TPORT/small" --db "$hdb" \
	--ca-cert "$k/tls.crt"
check "HTTPS: fetched" grep -q "^fetched 7 files" <<<"$OUT"
expect_ok "HTTPS with --insecure (no certificate check)" db update \
	--url "https://127.0.0.1:$TPORT/small" --db "$hdb" --insecure --force
expect_error "http:// to an HTTPS port: exit 2" 2 "'http://127.0.0.1:$TPORT/small/manifest.json'" \
	db update --url "http://127.0.0.1:$TPORT/small" --db "$hdb" --retries 0

# --- concurrency: readers keep the old file, updates take turns ---------------------
python3 -c '
import os, sqlite3, sys, time
db, ready, go = sys.argv[1:4]
c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
before = c.execute("select count(*) from affected").fetchone()[0]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.05)
after = c.execute("select count(*) from affected").fetchone()[0]
print(before, after)' "$sdb" "$T_TMP/reader.ready" "$T_TMP/reader.go" >"$T_TMP/reader.out" 2>&1 &
reader=$!
for ((i = 0; i < 100; i++)); do [ -e "$T_TMP/reader.ready" ] && break; sleep 0.05; done
mkdir -p "$T_TMP/www/kev-only"
cp -r "$feeds/kev" "$T_TMP/www/kev-only/"
chmod -R u+w "$T_TMP/www/kev-only"
expect_ok "db manifest of a KEV-only mirror" db manifest "$T_TMP/www/kev-only"
expect_ok "update while a reader holds the database open" db update --url "$www/kev-only" --db "$sdb"
touch "$T_TMP/reader.go"
wait "$reader"
read -r r_before r_after <"$T_TMP/reader.out"
check "the reader kept the old database (affected rows $r_before then $r_after)" \
	test "$r_before" -gt 0 -a "$r_before" = "$r_after"
check "new readers see the new database" test "$(json_get 'd["totals"]["affected"]' \
	< <("$CUSTOMS" db info --db "$sdb" -f json))" = 0
"$CUSTOMS" -q db update --url "$www/small" --db "$sdb" --force 2>"$T_TMP/u1.err" &
u1=$!
"$CUSTOMS" -q db update --url "$www/kev-only" --db "$sdb" --force 2>"$T_TMP/u2.err" &
u2=$!
wait "$u1"
rc1=$?
wait "$u2"
rc2=$?
check "two concurrent updates both succeed ($rc1, $rc2)" test "$rc1" -eq 0 -a "$rc2" -eq 0
expect_ok "the database after concurrent updates opens" db info --db "$sdb" -f json
check "after concurrent updates: no temporary files" test "$(leftovers "$(dirname "$sdb")")" -eq 0

finish
