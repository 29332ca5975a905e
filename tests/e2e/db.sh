#!/usr/bin/env bash
# customs db build | info on the real feeds in $CUSTOMS_SHARED/feeds,
# with counts checked against python3 parsing the same JSON files, and the
# failure paths: a corrupt feed or an unwritable --db leaves the old
# database byte-identical and exits 2 with one line.
. "$(dirname "$0")/lib.sh"

feeds=$CUSTOMS_SHARED/feeds
[ -d "$feeds/alpine-secdb" ] || skip_all "no feeds in $feeds"
db=$T_TMP/db.sqlite

# python3 counts: secdb affected entries (every CVE word of an entry, or the
# first word when there is none: docs/VULNDB.md) and KEV entries
secdb_count() {
	python3 -c '
import json, sys, glob
n = 0
for f in glob.glob(sys.argv[1] + "/*/*.json"):
    for p in json.load(open(f))["packages"]:
        for v, ids in (p["pkg"].get("secfixes") or {}).items():
            for e in ids or []:
                w = e.split()
                n += len([x for x in w if x.startswith("CVE-")] or w[:1])
print(n)' "$1"
}
kev_count() {
	python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["vulnerabilities"]))' \
		"$1/known_exploited_vulnerabilities.json"
}
# records of source NAME in `db info -f json` on stdin
source_records() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(s["records"] for s in d["sources"] if s["name"] == sys.argv[1]))' "$1"
}

want_secdb=$(secdb_count "$feeds/alpine-secdb")
want_kev=$(kev_count "$feeds/kev")

# --- build and info ------------------------------------------------------
expect_ok "db build from alpine-secdb and kev" db build --from "$feeds/alpine-secdb" \
	--from "$feeds/kev" --db "$db"
check "build prints the per-source counts" grep -q "alpine-secdb .*$want_secdb" <<<"$OUT"
check "build: no warnings for clean feeds" test -z "$ERR"
expect_ok "db info -f json" db info --db "$db" -f json
info=$OUT
check "info: schema version 1" test "$(json_get 'd["schema_version"]' <<<"$info")" = 1
check "info: builder is this customs" grep -q '"builder": "customs ' <<<"$info"
check "info: alpine-secdb records = python3 count ($want_secdb)" \
	test "$(source_records alpine-secdb <<<"$info")" = "$want_secdb"
check "info: kev records = python3 count ($want_kev)" \
	test "$(source_records kev <<<"$info")" = "$want_kev"
check "info: kev total = python3 count" test "$(json_get 'd["totals"]["kev"]' <<<"$info")" = "$want_kev"
check "info: kev updated from the catalogue's dateReleased" \
	test "$(json_get '[s["updated"][:10] for s in d["sources"] if s["name"]=="kev"][0]' <<<"$info")" = \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dateReleased"][:10])' \
		"$feeds/kev/known_exploited_vulnerabilities.json")"
check "info: the location is the feed directory" \
	test "$(json_get '[s["location"] for s in d["sources"] if s["name"]=="alpine-secdb"][0]' <<<"$info")" = \
	"$(realpath "$feeds/alpine-secdb")"
check "info: affected rows are at most the records (duplicates merge)" python3 -c '
import json, sys
d = json.loads(sys.argv[1]); t = d["totals"]
rec = sum(s["records"] for s in d["sources"] if s["name"] == "alpine-secdb")
sys.exit(not (0 < t["affected"] <= rec and t["vulnerabilities"] > 1000))' "$info"
expect_ok "db info (table)" db info --db "$db"
check "info table shows the sources" grep -Eq '^kev +.* '"$want_kev"' +0$' <<<"$OUT"
check "the database answers CVE-2024-9143 for openssl on alpine 3.20 (sqlite3 via python3)" \
	python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
r = c.execute("select fixed, fix_state from affected where namespace=? and package=? and vuln_id=?",
              ("alpine:3.20", "openssl", "CVE-2024-9143")).fetchall()
sys.exit(r != [("3.3.2-r1", "fixed")])' "$db"

# CUSTOMS_DB and the XDG default
CUSTOMS_DB=$db expect_ok "db info with \$CUSTOMS_DB" db info -f json
check "\$CUSTOMS_DB is used" grep -q "\"path\": \"$db\"" <<<"$OUT"
XDG_CACHE_HOME=$T_TMP/xdg expect_ok "db build into \$XDG_CACHE_HOME (parent created)" \
	db build --from "$feeds/kev"
check "the default path is \$XDG_CACHE_HOME/customs/db.sqlite" test -s "$T_TMP/xdg/customs/db.sqlite"

# --- failures leave the old database alone --------------------------------
cp "$db" "$T_TMP/db.before"
mkdir -p "$T_TMP/feeds"
cp -r "$feeds/alpine-secdb" "$T_TMP/feeds/"
chmod -R u+w "$T_TMP/feeds"
printf '{"distroversion":"v3.20","packages":[{"pkg":{"name":"x","secfixes":{' \
	>"$T_TMP/feeds/alpine-secdb/v3.20/broken.json"
expect_error "a corrupt feed file fails the build" 2 "broken\.json.*(line|parse)" \
	db build --from "$T_TMP/feeds/alpine-secdb" --db "$db"
check "after a failed build the database is byte-identical" cmp -s "$db" "$T_TMP/db.before"
check "no temporary files left" test -z "$(find "$T_TMP" -maxdepth 1 -name 'db.sqlite.tmp.*')"

touch "$T_TMP/not-a-dir"
expect_error "--db below a regular file: exit 2" 2 "not-a-dir" \
	db build --from "$feeds/kev" --db "$T_TMP/not-a-dir/db.sqlite"
expect_error "--db in /proc: exit 2" 2 "/proc/" db build --from "$feeds/kev" \
	--db /proc/customs-e2e/db.sqlite
expect_error "a missing feed directory: exit 2" 2 "nope" \
	db build --from "$T_TMP/nope" --db "$db"
check "the database is still byte-identical" cmp -s "$db" "$T_TMP/db.before"
expect_error "db info on a missing database" 2 "no vulnerability database" \
	db info --db "$T_TMP/missing.sqlite"
printf 'SQLite format 3\0garbage garbage garbage garbage garbage garbage garbage' \
	>"$T_TMP/junk.sqlite"
expect_error "db info on a file that is not a database" 2 "junk\.sqlite" \
	db info --db "$T_TMP/junk.sqlite"
python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("update meta set value=? where key=?", ("99", "schema_version")); c.commit()' \
	"$T_TMP/db.before"
expect_error "db info on a newer schema" 2 "schema version 99 is newer" \
	db info --db "$T_TMP/db.before"
expect_error "db build without --from" 2 "--from" db build --db "$db"

# --- every feed in the shared data ----------------------------------------
# The OSV, rubysec, Debian tracker and OVAL importers have their own tests;
# here the sources this module owns (alpine-secdb, kev) are checked exactly,
# the others only for being there with records.
all=$T_TMP/all.sqlite
expect_ok "db build over every shared feed" db build --from "$feeds" --db "$all"
printf '%s\n' "$ERR" >"$T_TMP/full.err"
expect_ok "db info of the full database" db info --db "$all" -f json
check "full: alpine-secdb records = python3 count" \
	test "$(source_records alpine-secdb <<<"$OUT")" = "$want_secdb"
check "full: kev records = python3 count" test "$(source_records kev <<<"$OUT")" = "$want_kev"
for kind in osv rubysec debian-tracker oval; do
	check "full: $kind sources with records" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
sys.exit(sum(s["records"] for s in d["sources"] if s["kind"] == sys.argv[2]) <= 0)' "$OUT" "$kind"
done
check "full: no feed file left unrecognised but the .SOURCES note" \
	test "$(grep -c 'unrecognised format' "$T_TMP/full.err")" -le 1
echo "# sources in the full build: $(json_get '", ".join("%s=%d" % (s["name"], s["records"]) for s in d["sources"])' <<<"$OUT")"

finish
