#!/usr/bin/env bash
# The layer cache of `customs sbom` and `customs scan image`: a warm run
# prints what a cold run prints, byte for byte, without opening a single
# layer (the layer blob is deleted between the runs); images that share a
# layer share its record; a corrupt, truncated or foreign record is ignored,
# the layer read and the record rewritten; --no-cache writes nothing;
# parallel scans filling the same records agree; `customs cache` shows,
# prunes and cleans.
. "$(dirname "$0")/lib.sh"

bookworm=$(fixture debian-bookworm.oci)
bookworm_da=$(fixture debian-bookworm.docker.tar)
alpine=$(fixture alpine-3.20.oci)
multilayer=$(fixture multilayer.oci)
export SOURCE_DATE_EPOCH=1700000000
export XDG_CACHE_HOME=$T_TMP/xdg
cache=$T_TMP/cache

# records in a cache directory
records() { find "$1" -maxdepth 1 -type f -regextype egrep -regex '.*/[0-9a-f]{64}' 2>/dev/null | wc -l; }
temps() { find "$1" -maxdepth 1 -type f -name '.*' 2>/dev/null | wc -l; }
# the record of a cache that holds exactly one
only_record() { find "$1" -maxdepth 1 -type f -regextype egrep -regex '.*/[0-9a-f]{64}'; }

# sbom REF OUT [ARGS...]: customs --debug sbom -f json, stdout to OUT, stderr to OUT.err
sbom() {
	local ref=$1 out=$2
	shift 2
	"$CUSTOMS" --debug sbom -f json "$@" "$ref" >"$out" 2>"$out.err"
}

# --- cold, warm, and a warm run that cannot read the layer ---------------
cp -r "$bookworm" "$T_TMP/bookworm.oci"
ref="oci:$T_TMP/bookworm.oci:bookworm"
check "reference run without the cache" sbom "$ref" "$T_TMP/ref.json" --no-cache
check "--no-cache writes nothing (not even the directory)" test ! -e "$cache" -a ! -e "$XDG_CACHE_HOME"
check "cold run" sbom "$ref" "$T_TMP/cold.json" --cache-dir "$cache"
check "cold run: the layer is read and recorded" grep -q "layer 0 cached (" "$T_TMP/cold.json.err"
check "cold run: output equals the run without the cache" cmp "$T_TMP/ref.json" "$T_TMP/cold.json"
check "cold run: one record" test "$(records "$cache")" = 1
check "the cache directory is private (0700)" test "$(stat -c %a "$cache")" = 700
check "warm run" sbom "$ref" "$T_TMP/warm.json" --cache-dir "$cache"
check "warm run: layer 0 from cache" grep -q "layer 0 from cache" "$T_TMP/warm.json.err"
check "warm run: nothing recorded again" test -z "$(grep ' cached (' "$T_TMP/warm.json.err")"
check "warm run: output identical to the cold run (diff)" diff -u "$T_TMP/cold.json" "$T_TMP/warm.json"
check "warm run: the same warnings" diff <(grep -v ': debug: ' "$T_TMP/cold.json.err") \
	<(grep -v ': debug: ' "$T_TMP/warm.json.err")
check "the warm output lists the deb packages" \
	test "$(json_get "len([p for p in d['packages'] if p['type']=='deb'])" <"$T_TMP/warm.json")" -gt 50

layer=$(python3 -c '
import json, sys
d = sys.argv[1]
m = json.load(open(d + "/index.json"))["manifests"][0]["digest"].split(":")[1]
print(json.load(open(d + "/blobs/sha256/" + m))["layers"][0]["digest"].split(":")[1])' "$T_TMP/bookworm.oci")
rm -f "$T_TMP/bookworm.oci/blobs/sha256/$layer"
expect_error "without its layer blob, --no-cache fails" 2 "cannot open layer 0" \
	sbom -f json --no-cache "$ref"
check "without its layer blob, the warm run succeeds (the layer is never opened)" \
	sbom "$ref" "$T_TMP/noblob.json" --cache-dir "$cache"
check "... with identical output" cmp "$T_TMP/cold.json" "$T_TMP/noblob.json"

# --- the same layer in other images --------------------------------------
check "docker-archive of the same image reuses the OCI layout's record" \
	sbom "docker-archive:$bookworm_da" "$T_TMP/da.json" --cache-dir "$cache"
check "... layer 0 from cache" grep -q "layer 0 from cache" "$T_TMP/da.json.err"
check "docker-archive without the cache" sbom "docker-archive:$bookworm_da" "$T_TMP/da-ref.json" --no-cache
check "... identical output" cmp "$T_TMP/da-ref.json" "$T_TMP/da.json"

check "alpine 3.20 (cold)" sbom "oci:$alpine:3.20" "$T_TMP/alpine.json" --cache-dir "$cache"
check "multilayer image on alpine's base layer" sbom "oci:$multilayer" "$T_TMP/ml.json" --cache-dir "$cache"
check "... its base layer comes from alpine's record" grep -q "layer 0 from cache" "$T_TMP/ml.json.err"
check "... its other four layers are read and recorded" \
	test "$(grep -c 'layer [1-4] cached (' "$T_TMP/ml.json.err")" = 4
check "multilayer without the cache" sbom "oci:$multilayer" "$T_TMP/ml-ref.json" --no-cache
check "... identical output" cmp "$T_TMP/ml-ref.json" "$T_TMP/ml.json"
check "multilayer again: all five layers from cache" sbom "oci:$multilayer" "$T_TMP/ml2.json" --cache-dir "$cache"
check "... five hits" test "$(grep -c 'from cache' "$T_TMP/ml2.json.err")" = 5
check "... identical output" cmp "$T_TMP/ml-ref.json" "$T_TMP/ml2.json"

# --- bad records: ignored, the layer read, the record rewritten -----------
bad=$T_TMP/bad-cache
check "a cache with one bookworm record" sbom "oci:$bookworm:bookworm" "$T_TMP/b1.json" --cache-dir "$bad"
rec=$(only_record "$bad")
cp "$rec" "$T_TMP/good-record"
# corrupt_with NAME PYTHON-EXPR-OVER-b: rewrite the record, rerun, expect a fallback and a rewrite
corrupt_with() {
	local name=$1 expr=$2
	python3 -c "
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b = $expr
open(sys.argv[1], 'wb').write(b)" "$rec"
	check "$name: the run succeeds" sbom "oci:$bookworm:bookworm" "$T_TMP/b2.json" --cache-dir "$bad"
	check "$name: the record is ignored, with the reason in the debug log" \
		grep -q "layer 0: ignoring its cache record: .*$3" "$T_TMP/b2.json.err"
	check "$name: the layer is read and recorded again" grep -q "layer 0 cached (" "$T_TMP/b2.json.err"
	check "$name: identical output" cmp "$T_TMP/b1.json" "$T_TMP/b2.json"
	check "$name: the record was rewritten" cmp "$T_TMP/good-record" "$rec"
}
corrupt_with "a flipped byte in the content" "b[:len(b)//2] + bytes([b[len(b)//2] ^ 1]) + b[len(b)//2 + 1:]" "checksum mismatch"
corrupt_with "a truncated record" "b[:len(b) - 1000]" "checksum mismatch"
corrupt_with "an empty file" "b''" "truncated record"
corrupt_with "another format version" "b[:8] + bytes([99]) + b[9:]" "record format 99"
akey=$(sed -n 's/.*layer 0 cached (\([0-9a-f]*\):.*/\1/p' "$T_TMP/alpine.json.err")
check "alpine's record key is in the debug log" test -n "$akey"
corrupt_with "another layer's record under this key" "open('$cache/$akey', 'rb').read()" "record of another key"
corrupt_with "not a record at all" "b'hello world' * 20" "not a layer cache record"
check "a warm run after the rewrite hits" sbom "oci:$bookworm:bookworm" "$T_TMP/b4.json" --cache-dir "$bad"
check "... layer 0 from cache" grep -q "layer 0 from cache" "$T_TMP/b4.json.err"
check "... identical output" cmp "$T_TMP/b1.json" "$T_TMP/b4.json"

# --- the default directory, and `customs cache` ---------------------------
check "default cache directory: \$XDG_CACHE_HOME/customs/layers" \
	sbom "oci:$alpine:3.20" "$T_TMP/x.json"
check "... holds alpine's record" test "$(records "$XDG_CACHE_HOME/customs/layers")" = 1
expect_ok "cache info -f json (default directory)" cache info -f json
check "... names the directory" test "$(json_get "d['path']" <<<"$OUT")" = "$XDG_CACHE_HOME/customs/layers"
check "... one record" test "$(json_get "d['records']" <<<"$OUT")" = 1
expect_ok "cache info (table) of the shared cache" cache info --cache-dir "$cache"
check "... shows the record count" grep -Eq "Layer records +6" <<<"$OUT"
size=$(json_get "d['bytes']" < <("$CUSTOMS" cache info -f json --cache-dir "$cache"))
expect_ok "cache prune above the size removes nothing" cache prune --max-size "$size" --cache-dir "$cache"
check "... six records left" test "$(records "$cache")" = 6
touch -d '2001-01-01' "$(ls -S "$cache"/* | head -1)" # the bookworm record, least recently used
expect_ok "cache prune --max-size 1M" cache prune --max-size 1M --cache-dir "$cache"
check "... removed the least recently used (bookworm, 7 MB)" grep -q "removed 1 layer records" <<<"$OUT"
check "... five left" test "$(records "$cache")" = 5
expect_error "cache prune without --max-size" 2 "max-size" cache prune --cache-dir "$cache"
expect_error "cache prune --max-size 0" 2 "invalid size" cache prune --max-size 0 --cache-dir "$cache"
expect_ok "cache clean" cache clean --cache-dir "$cache"
check "... removed five" grep -q "removed 5 layer records" <<<"$OUT"
check "... the cache is empty" test "$(records "$cache")" = 0
expect_ok "cache clean of a missing directory" cache clean --cache-dir "$T_TMP/nope"
run sbom --cache-dir
check "sbom --cache-dir without a value: exit 2" test "$RC" = 2
run image inspect --no-cache "oci:$alpine:3.20"
check "image inspect has no cache options: exit 2" test "$RC" = 2

# --- an unwritable cache is no error --------------------------------------
touch "$T_TMP/file"
check "a cache directory below a regular file: the run succeeds" \
	sbom "oci:$alpine:3.20" "$T_TMP/ro.json" --cache-dir "$T_TMP/file/cache"
check "... with the same output" cmp "$T_TMP/alpine.json" "$T_TMP/ro.json"
check "... and says why in the debug log" grep -q "layer 0: not cached: cannot create" "$T_TMP/ro.json.err"

# --- parallel scans --------------------------------------------------------
par_ok=1
for i in 1 2 3 4 5; do
	pc=$T_TMP/par$i
	sbom "oci:$bookworm:bookworm" "$T_TMP/p$i-a.json" --cache-dir "$pc" &
	a=$!
	sbom "oci:$bookworm:bookworm" "$T_TMP/p$i-b.json" --cache-dir "$pc" &
	b=$!
	wait $a || par_ok=0
	wait $b || par_ok=0
	cmp -s "$T_TMP/b1.json" "$T_TMP/p$i-a.json" || par_ok=0
	cmp -s "$T_TMP/b1.json" "$T_TMP/p$i-b.json" || par_ok=0
	[ "$(records "$pc")" = 1 ] && [ "$(temps "$pc")" = 0 ] || par_ok=0
	# and two warm ones
	sbom "oci:$bookworm:bookworm" "$T_TMP/p$i-c.json" --cache-dir "$pc" &
	a=$!
	sbom "oci:$bookworm:bookworm" "$T_TMP/p$i-d.json" --cache-dir "$pc" &
	b=$!
	wait $a || par_ok=0
	wait $b || par_ok=0
	cmp -s "$T_TMP/b1.json" "$T_TMP/p$i-c.json" || par_ok=0
	cmp -s "$T_TMP/b1.json" "$T_TMP/p$i-d.json" || par_ok=0
	grep -q "from cache" "$T_TMP/p$i-c.json.err" || par_ok=0
done
check "5 x two parallel cold scans, then two warm ones: all succeed, identical output, one record, no temporary file" \
	test "$par_ok" = 1

# --- catalog warnings and elided files ------------------------------------
# An image whose files make catalogers warn (a truncated ELF executable, a
# jar that is not a zip, a broken package.json) beside an ELF that parses
# to nothing (elided from the record): the warm run warns the same.
mkdir -p "$T_TMP/warn/l0/usr/bin" "$T_TMP/warn/l0/opt" "$T_TMP/warn/l0/usr/lib/node_modules/x"
cp /bin/true "$T_TMP/warn/l0/usr/bin/true"
printf '\177ELF\002\001\001' >"$T_TMP/warn/l0/usr/bin/broken"
chmod 755 "$T_TMP/warn/l0/usr/bin/broken"
printf 'PK\003\004 not really a zip' >"$T_TMP/warn/l0/opt/app.jar"
printf '{"name": "x", "version": ' >"$T_TMP/warn/l0/usr/lib/node_modules/x/package.json"
python3 - "$T_TMP/warn/l0" "$T_TMP/warn.oci" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out + "/blobs/sha256")
def blob(b):
    d = hashlib.sha256(b).hexdigest()
    open(out + "/blobs/sha256/" + d, "wb").write(b)
    return "sha256:" + d
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
    for root, dirs, files in sorted(os.walk(src)):
        dirs.sort()
        for n in sorted(dirs) + sorted(files):
            p = os.path.join(root, n)
            ti = t.gettarinfo(p, os.path.relpath(p, src))
            ti.mtime = 1700000000; ti.uid = ti.gid = 0; ti.uname = ti.gname = "root"
            t.addfile(ti, open(p, "rb") if ti.isfile() else None)
tar = raw.getvalue()
gz = gzip.compress(tar, mtime=0)
cfg = json.dumps({"architecture": "amd64", "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]}}).encode()
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cfg), "size": len(cfg)},
                  "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": blob(gz), "size": len(gz)}]}).encode()
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": blob(man), "size": len(man)}]}, open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
PY
wc=$T_TMP/warn-cache
check "warnings image: cold" sbom "oci:$T_TMP/warn.oci" "$T_TMP/w1.json" --cache-dir "$wc"
check "... warns about the broken files" test "$(grep -c ': warning: ' "$T_TMP/w1.json.err")" -ge 2
check "warnings image: warm" sbom "oci:$T_TMP/warn.oci" "$T_TMP/w2.json" --cache-dir "$wc"
check "... from cache" grep -q "layer 0 from cache" "$T_TMP/w2.json.err"
check "... identical output" cmp "$T_TMP/w1.json" "$T_TMP/w2.json"
check "... identical warnings" diff <(grep -v ': debug: ' "$T_TMP/w1.json.err") \
	<(grep -v ': debug: ' "$T_TMP/w2.json.err")
check "... the ELF that parses to nothing is not stored (record smaller than /bin/true)" \
	test "$(stat -c %s "$(only_record "$wc")")" -lt "$(stat -c %s /bin/true)"

# --- scan image uses the cache too ----------------------------------------
db=$T_TMP/db.sqlite
expect_ok "db build (alpine secdb)" db build --from "$CUSTOMS_SHARED/feeds/alpine-secdb" --db "$db"
sc=$T_TMP/scan-cache
scan_json() { "$CUSTOMS" --debug scan image -f json --db "$db" --db-max-age 0 "$@" 2>"$T_TMP/scan.err" | grep -v '"generated"'; }
scan_json --no-cache "oci:$alpine:3.20" >"$T_TMP/s0.json"
check "scan image without the cache finds vulnerabilities" \
	test "$(json_get "len(d['findings'])" <"$T_TMP/s0.json")" -gt 0
scan_json --cache-dir "$sc" "oci:$alpine:3.20" >"$T_TMP/s1.json"
check "scan image (cold) records the layer" test "$(records "$sc")" = 1
scan_json --cache-dir "$sc" "oci:$alpine:3.20" >"$T_TMP/s2.json"
check "scan image (warm): layer 0 from cache" grep -q "layer 0 from cache" "$T_TMP/scan.err"
check "scan image: cold, warm and uncached reports are identical" \
	sh -c "cmp '$T_TMP/s0.json' '$T_TMP/s1.json' && cmp '$T_TMP/s0.json' '$T_TMP/s2.json'"

# --- the analysers' results are cached per layer too --------------------
# secret, malware and config keep what they found in each layer under the
# layer's diff_id and their identity (rules' content, caps): a warm scan
# opens no layer and prints what --no-cache prints; changed rules miss; an
# image on a cached base reads only its new layer; a corrupt blob is a miss.
if command -v podman >/dev/null && [ "$(id -u)" -eq 0 ] &&
	t_podman pull --quiet "oci-archive:$(fixture alpine-3.20.oci.tar)" >/dev/null &&
	t_podman tag "$(t_podman images -q | head -1)" localhost/alpine:3.20; then
	actx=$T_TMP/actx
	mkdir -p "$actx"
	printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$actx/eicar.com"
	# an AWS key id assembled here, so that the repository holds none
	printf 'aws_access_key_id = %s%s\n' AKIA 'Q3EGRIMZ4XKT7WLN' >"$actx/credentials"
	printf 'payload acme-implant-7f3a trailer\n' >"$actx/implant.bin"
	printf 'token = "%s%s"\n' 'ghp_' 'x7Kq2Lm9Pz4Rt8Vw3Yb6Nc1Df5Gh0Jk2Ms7Qa' >"$actx/app.cfg"
	cat >"$actx/Containerfile" <<'CF'
FROM localhost/alpine:3.20
COPY eicar.com /opt/eicar.com
COPY credentials /root/.aws/credentials
COPY implant.bin /usr/local/bin/implant.bin
RUN rm /opt/eicar.com && echo 'toor:x:0:0:root:/root:/bin/sh' >>/etc/passwd
CF
	printf 'FROM localhost/planted:1\nCOPY app.cfg /srv/app.cfg\n' >"$actx/Containerfile.app"
	if t_podman build --quiet --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -t localhost/planted:1 -f "$actx/Containerfile" "$actx" >"$T_TMP/abuild.log" 2>&1 &&
		t_podman build --quiet --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 -t localhost/app:1 -f "$actx/Containerfile.app" "$actx" >>"$T_TMP/abuild.log" 2>&1 &&
		t_podman save --quiet --format oci-archive -o "$T_TMP/planted.tar" localhost/planted:1 &&
		t_podman save --quiet --format oci-archive -o "$T_TMP/app.tar" localhost/app:1; then
		ac=$T_TMP/an-cache
		pl="oci-archive:$T_TMP/planted.tar"
		# an_json OUT ARGS...: the JSON report without its timestamp; stderr to OUT.err
		an_json() {
			local out=$1
			shift
			"$CUSTOMS" --debug scan image -f json --scanners secret,malware,config "$@" \
				2>"$out.err" | grep -v '"generated"' >"$out"
		}
		nl=$(python3 -c 'import json,sys,tarfile
t = tarfile.open(sys.argv[1])
ix = json.load(t.extractfile("index.json"))
m = json.load(t.extractfile("blobs/sha256/" + ix["manifests"][0]["digest"].split(":")[1]))
print(len(m["layers"]))' "$T_TMP/planted.tar")
		an_json "$T_TMP/a-ref.json" --no-cache "$pl"
		check "analysers: the planted image has secret, malware and config issues, one deleted" \
			test "$(json_get "sorted(set(i['kind'] for i in d['issues'])), any(i.get('deleted') for i in d['issues'])" <"$T_TMP/a-ref.json")" = \
			"(['config', 'malware', 'secret'], True)"
		an_json "$T_TMP/a-cold.json" --cache-dir "$ac" "$pl"
		check "analysers (cold): each analyser's results of each of the $nl layers are stored" \
			test "$(grep -c 'layer [0-9]*: [a-z]* results cached (' "$T_TMP/a-cold.json.err")" = $((3 * nl))
		check "analysers (cold): output equals --no-cache" cmp "$T_TMP/a-ref.json" "$T_TMP/a-cold.json"
		an_json "$T_TMP/a-warm.json" --cache-dir "$ac" "$pl"
		check "analysers (warm): every layer from cache" \
			test "$(grep -c 'layer [0-9]* from cache (' "$T_TMP/a-warm.json.err")" = "$nl"
		check "analysers (warm): every analyser's results from cache" \
			test "$(grep -c 'results from cache (' "$T_TMP/a-warm.json.err")" = $((3 * nl))
		check "analysers (warm): nothing stored again" test -z "$(grep ' cached (' "$T_TMP/a-warm.json.err")"
		check "analysers (warm): output identical to --no-cache (diff)" diff -u "$T_TMP/a-ref.json" "$T_TMP/a-warm.json"

		# changed YARA rules: malware misses, secret and config still hit
		mkdir -p "$T_TMP/yr"
		cat >"$T_TMP/yr/acme.yar" <<'YAR'
rule Acme_Implant {
  meta:
    severity = "critical"
  strings:
    $m = "acme-implant-"
  condition:
    $m
}
YAR
		an_json "$T_TMP/y1.json" --cache-dir "$ac" --yara-rules "$T_TMP/yr" "$pl"
		check "YARA rules added: the malware results miss, the others hit" sh -c \
			"! grep -q 'malware results from cache' '$T_TMP/y1.json.err' && test \$(grep -c 'secret results from cache' '$T_TMP/y1.json.err') = $nl"
		check "... and the rule fires" grep -q 'Acme_Implant"' "$T_TMP/y1.json"
		an_json "$T_TMP/y2.json" --cache-dir "$ac" --yara-rules "$T_TMP/yr" "$pl"
		check "the same rules again: every layer from cache" \
			test "$(grep -c 'layer [0-9]* from cache (' "$T_TMP/y2.json.err")" = "$nl"
		sed -i 's/acme-implant-/acme-implant-7/' "$T_TMP/yr/acme.yar"
		an_json "$T_TMP/y3.json" --cache-dir "$ac" --yara-rules "$T_TMP/yr" "$pl"
		check "a YARA rule file's content changed: malware misses" \
			sh -c "! grep -q 'malware results from cache' '$T_TMP/y3.json.err'"
		an_json "$T_TMP/y3-ref.json" --no-cache --yara-rules "$T_TMP/yr" "$pl"
		check "... output equals --no-cache" cmp "$T_TMP/y3-ref.json" "$T_TMP/y3.json"

		# a secret rules file, then the same file changed
		printf '[[rules]]\nid = "acme-token"\nregex = """acme-implant-[0-9a-f]{4}"""\n' >"$T_TMP/sr.toml"
		an_json "$T_TMP/s1.json" --cache-dir "$ac" --secret-config "$T_TMP/sr.toml" "$pl"
		an_json "$T_TMP/s2.json" --cache-dir "$ac" --secret-config "$T_TMP/sr.toml" "$pl"
		check "a secret rules file: the second scan hits" \
			test "$(grep -c 'secret results from cache' "$T_TMP/s2.json.err")" = "$nl"
		printf '[[rules]]\nid = "acme-token"\nregex = """acme-implant-[0-9a-f]{3}"""\n' >"$T_TMP/sr.toml"
		an_json "$T_TMP/s3.json" --cache-dir "$ac" --secret-config "$T_TMP/sr.toml" "$pl"
		check "the secret rules file changed: secret misses" \
			sh -c "! grep -q 'secret results from cache' '$T_TMP/s3.json.err'"
		an_json "$T_TMP/s3-ref.json" --no-cache --secret-config "$T_TMP/sr.toml" "$pl"
		check "... output equals --no-cache" cmp "$T_TMP/s3-ref.json" "$T_TMP/s3.json"

		# an image on the cached one: only its new layer is read
		an_json "$T_TMP/app.json" --cache-dir "$ac" "oci-archive:$T_TMP/app.tar"
		check "an image sharing the base: its $nl base layers from cache" \
			test "$(grep -c 'layer [0-9]* from cache (' "$T_TMP/app.json.err")" = "$nl"
		check "... only its new layer is read and stored" \
			sh -c "grep -q 'layer $nl cached (' '$T_TMP/app.json.err' && test \$(grep -c ' cached (' '$T_TMP/app.json.err') = 4"
		an_json "$T_TMP/app-ref.json" --no-cache "oci-archive:$T_TMP/app.tar"
		check "... output equals --no-cache" cmp "$T_TMP/app-ref.json" "$T_TMP/app.json"
		check "... which finds the new layer's token" grep -q '"srv/app.cfg"' "$T_TMP/app.json"

		# corrupt blobs: a miss, the layer read, the blob rewritten, never a crash
		skey=$(sed -n 's/.*layer 1: secret results cached (\([0-9a-f]*\),.*/\1/p' "$T_TMP/a-cold.json.err")
		mkey=$(sed -n 's/.*layer 1: malware results cached (\([0-9a-f]*\),.*/\1/p' "$T_TMP/a-cold.json.err")
		ckey=$(sed -n 's/.*layer 1: config results cached (\([0-9a-f]*\),.*/\1/p' "$T_TMP/a-cold.json.err")
		printf 'garbage' | dd of="$ac/$skey" bs=1 seek=100 conv=notrunc status=none
		truncate -s 50 "$ac/$mkey"
		cp "$ac/$skey" "$ac/$ckey" # another key's (and corrupt) blob
		an_json "$T_TMP/c1.json" --cache-dir "$ac" "$pl"
		check "corrupt blobs: the scan succeeds with output identical to --no-cache" \
			cmp "$T_TMP/a-ref.json" "$T_TMP/c1.json"
		check "... each is ignored with its reason" sh -c \
			"grep -q 'layer 1: ignoring the cached secret results: .*checksum mismatch' '$T_TMP/c1.json.err' &&
			 grep -q 'layer 1: ignoring the cached malware results: .*truncated blob' '$T_TMP/c1.json.err' &&
			 grep -q 'layer 1: ignoring the cached config results' '$T_TMP/c1.json.err'"
		check "... layer 1 is read and the three blobs rewritten" sh -c \
			"! grep -q 'layer 1 from cache' '$T_TMP/c1.json.err' && test \$(grep -c 'layer 1: [a-z]* results cached' '$T_TMP/c1.json.err') = 3"
		an_json "$T_TMP/c2.json" --cache-dir "$ac" "$pl"
		check "... then hit again" test "$(grep -c 'layer [0-9]* from cache (' "$T_TMP/c2.json.err")" = "$nl"
		check "... with identical output" cmp "$T_TMP/a-ref.json" "$T_TMP/c2.json"
	else
		echo "# podman build failed: analyser cache checks not run ($(tail -1 "$T_TMP/abuild.log"))"
	fi
else
	echo "# podman missing or not root: analyser cache checks not run"
fi

# --- a registry image: a cached layer is never downloaded ----------------
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
	. "$(dirname "$0")/registry-lib.sh"
	reg_start cache
	P=127.0.0.1:$REG_PORT
	if push "oci:$alpine:3.20" "$P/library/alpine:3.20"; then
		rref="registry:$P/library/alpine:3.20"
		check "registry image: cold" sbom "$rref" "$T_TMP/r1.json" --insecure --cache-dir "$T_TMP/rc"
		check "... its layer recorded" grep -q "layer 0 cached (" "$T_TMP/r1.json.err"
		blob=$(find "$REG_STORAGE" -path '*/blobs/sha256/*/data' -size +1M)
		check "the layer blob is in the registry's storage" test -f "$blob"
		rm -f "$blob"
		run sbom -f json --insecure --no-cache "$rref"
		check "without the blob in the registry, --no-cache fails" test "$RC" = 2
		check "without the blob in the registry, the warm run succeeds (nothing downloaded)" \
			sbom "$rref" "$T_TMP/r2.json" --insecure --cache-dir "$T_TMP/rc"
		check "... identical output" cmp "$T_TMP/r1.json" "$T_TMP/r2.json"
	else
		fail "push alpine to the registry"
	fi
else
	echo "# docker-registry or skopeo missing: registry checks not run"
fi

finish
