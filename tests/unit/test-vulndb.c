/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vulnerability database: writer (merge, idempotence, atomic replace),
 * reader (schema check, lookups), the build driver and the secdb, KEV,
 * EPSS and NVD importers. Counts on the real feeds are cross-checked with
 * python3 parsing the same files; row counts are read back with plain SQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <dirent.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include "basic/alloc.h"
#include "vulndb/importer.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-vulndb.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *tpath(const char *name)
{
	char *p = cs_asprintf("%s/%s", tmpdir, name);

	assert_non_null(p);
	return p;
}

static const char *shared(void)
{
	const char *d = getenv("CUSTOMS_SHARED");

	if (!d)
		fail_msg("CUSTOMS_SHARED is not set");
	return d;
}

static const char *testdata(void)
{
	const char *d = getenv("CUSTOMS_TESTDATA");

	if (!d)
		fail_msg("CUSTOMS_TESTDATA is not set");
	return d;
}

/* Run a python3 program and read one unsigned number from its output. */
static uint64_t python_u64(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static uint64_t python_u64(const char *fmt, ...)
{
	char prog[4096], cmd[4600], out[64] = "";
	va_list ap;
	FILE *f;
	uint64_t v;

	va_start(ap, fmt);
	vsnprintf(prog, sizeof(prog), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "python3 -c \"%s\"", prog);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(out, sizeof(out), f));
	assert_int_equal(pclose(f), 0);
	assert_int_equal(sscanf(out, "%" SCNu64, &v), 1);
	return v;
}

/* Independent read-back: plain SQL on the file. */
static int64_t sql_count(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static void sql_exec(const char *db, const char *sql)
{
	sqlite3 *h = NULL;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path, size_t *n)
{
	char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;

	assert_int_equal(cs_import_read_file(path, 1 << 30, &data, n, &err), 0);
	return data;
}

static size_t count_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- enum helpers ---- */

static void test_enums(void **state)
{
	(void)state;
	assert_string_equal(cs_severity_name(CS_SEV_CRITICAL), "critical");
	assert_string_equal(cs_severity_name(99), "unknown");
	assert_int_equal(cs_severity_from_name("HIGH"), CS_SEV_HIGH);
	assert_int_equal(cs_severity_from_name("Moderate"), CS_SEV_MEDIUM);
	assert_int_equal(cs_severity_from_name("important"), CS_SEV_HIGH);
	assert_int_equal(cs_severity_from_name("unimportant"), CS_SEV_NEGLIGIBLE);
	assert_int_equal(cs_severity_from_name("unknown"), CS_SEV_UNKNOWN);
	assert_true(cs_severity_from_name("bogus") < 0);
	assert_true(cs_severity_from_name(NULL) < 0);

	/* CVSS v3.1 specification, table 14: qualitative severity rating scale */
	assert_int_equal(cs_severity_from_cvss(0.0), CS_SEV_NEGLIGIBLE);
	assert_int_equal(cs_severity_from_cvss(0.1), CS_SEV_LOW);
	assert_int_equal(cs_severity_from_cvss(3.9), CS_SEV_LOW);
	assert_int_equal(cs_severity_from_cvss(4.0), CS_SEV_MEDIUM);
	assert_int_equal(cs_severity_from_cvss(6.9), CS_SEV_MEDIUM);
	assert_int_equal(cs_severity_from_cvss(7.0), CS_SEV_HIGH);
	assert_int_equal(cs_severity_from_cvss(8.9), CS_SEV_HIGH);
	assert_int_equal(cs_severity_from_cvss(9.0), CS_SEV_CRITICAL);
	assert_int_equal(cs_severity_from_cvss(10.0), CS_SEV_CRITICAL);
	assert_int_equal(cs_severity_from_cvss(10.1), CS_SEV_UNKNOWN);
	assert_int_equal(cs_severity_from_cvss(-1), CS_SEV_UNKNOWN);

	for (int s = 0; s < CS_FIX_STATE_COUNT; s++)
		assert_int_equal(cs_fix_state_from_name(cs_fix_state_name(s)), s);
	assert_string_equal(cs_fix_state_name(CS_FIX_WONT_FIX), "wont-fix");
	assert_string_equal(cs_fix_state_name(CS_FIX_NOT_AFFECTED), "not-affected");
	assert_true(cs_fix_state_from_name("maybe") < 0);
	for (int s = 0; s < CS_VERSION_SCHEME_COUNT; s++)
		assert_int_equal(cs_vulndb_scheme_from_name(cs_vulndb_scheme_name(s)), s);
}

/* ---- writer ---- */

static const struct cs_affected aff1 = {
	.namespace = "alpine:3.20",
	.package = "openssl",
	.vuln_id = "CVE-2024-0001",
	.source = "test",
	.scheme = CS_VERSION_APK,
	.ranges = "[{\"introduced\":\"0\"},{\"fixed\":\"3.3.2-r1\"}]",
	.fixed = "3.3.2-r1",
	.fix_state = CS_FIX_FIXED,
	.severity = CS_SEV_HIGH,
};

static void write_sample(struct cs_vulndb_writer *w)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_affected a2 = aff1, a3 = aff1;
	struct cs_vuln v = { .id = "CVE-2024-0001", .summary = "first" };

	a2.vuln_id = "CVE-2024-0002";
	a2.fix_state = CS_FIX_AFFECTED;
	a2.ranges = "[]";
	a2.fixed = NULL;
	a2.note = "no fix yet";
	a3.namespace = "alpine:3.18";
	assert_int_equal(cs_vulndb_put_vuln(w, &v, &err), 0);
	assert_int_equal(cs_vulndb_put_affected(w, &aff1, &err), 0);
	assert_int_equal(cs_vulndb_put_affected(w, &a2, &err), 0);
	assert_int_equal(cs_vulndb_put_affected(w, &a3, &err), 0);
	assert_int_equal(cs_vulndb_put_alias(w, "CVE-2024-0001", "GHSA-aaaa-bbbb-cccc", &err), 0);
	assert_int_equal(cs_vulndb_put_kev(w, "CVE-2024-0001", "2024-10-01", "2024-10-22", "Known",
					   "Sample", &err),
			 0);
	assert_int_equal(cs_vulndb_put_epss(w, "CVE-2024-0001", 0.5, 0.9, "2025-01-01", &err), 0);
}

static void test_idempotent(void **state)
{
	_cleanup_free_ char *db = tpath("idem.sqlite");
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vulndb_writer *w = NULL;

	(void)state;
	assert_int_equal(cs_vulndb_writer_new(db, &w, &err), 0);
	write_sample(w);
	write_sample(w); /* the same records again change nothing */
	assert_int_equal(cs_vulndb_writer_commit(w, &err), 0);
	cs_vulndb_writer_free(w);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected"), 3);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM vulnerabilities"), 1);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM aliases"), 1);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM kev"), 1);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM epss"), 1);
	assert_int_equal(sql_count(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
			 CS_VULNDB_SCHEMA_VERSION);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM meta WHERE key = 'builder' AND "
				       "value LIKE 'customs %'"),
			 1);
	/* the index the matcher relies on */
	assert_int_equal(sql_count(db,
				   "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
				   "AND tbl_name = 'affected' AND sql LIKE '%namespace, package%'"),
			 1);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
				       "AND tbl_name = 'aliases' AND sql LIKE '%(alias)%'"),
			 1);
	/* no temporary files left beside it */
	assert_int_equal(count_dir_entries(tmpdir), 1);
}

static void test_merge(void **state)
{
	_cleanup_free_ char *db = tpath("merge.sqlite");
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vulndb_writer *w = NULL;
	struct cs_vulndb *r = NULL;
	struct cs_vuln *v = NULL;
	const struct cs_vuln a = { .id = "CVE-1", .summary = "from secdb" };
	const struct cs_vuln b = { .id = "CVE-1",
				   .summary = "from nvd",
				   .details = "long text",
				   .severity = CS_SEV_HIGH,
				   .cvss3_score = 7.5,
				   .cvss3_vector = "CVSS:3.1/AV:N",
				   .published = "2024-01-01T00:00:00Z" };
	const struct cs_vuln c = { .id = "CVE-1",
				   .severity = CS_SEV_LOW,
				   .cvss3_score = 2.0,
				   .cvss3_vector = "CVSS:3.1/other",
				   .cvss4_score = 8.1,
				   .cvss4_vector = "CVSS:4.0/AV:N",
				   .withdrawn = "2024-06-01T00:00:00Z" };
	const struct cs_vuln d = { .id = "CVE-2", .severity = CS_SEV_MEDIUM };
	const struct cs_vuln e = { .id = "CVE-2", .severity = CS_SEV_CRITICAL, .cvss3_score = 9.8 };

	(void)state;
	assert_int_equal(cs_vulndb_writer_new(db, &w, &err), 0);
	assert_int_equal(cs_vulndb_put_vuln(w, &a, &err), 0);
	assert_int_equal(cs_vulndb_put_vuln(w, &b, &err), 0);
	assert_int_equal(cs_vulndb_put_vuln(w, &c, &err), 0);
	assert_int_equal(cs_vulndb_put_vuln(w, &d, &err), 0);
	assert_int_equal(cs_vulndb_put_vuln(w, &e, &err), 0);
	assert_int_equal(cs_vulndb_writer_commit(w, &err), 0);
	cs_vulndb_writer_free(w);

	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);
	assert_int_equal(cs_vulndb_get_vuln(r, "CVE-1", &v, &err), 1);
	assert_string_equal(v->summary, "from secdb");	       /* the first keeps its fields */
	assert_string_equal(v->details, "long text");	       /* and gains missing ones */
	assert_int_equal(v->severity, CS_SEV_HIGH);	       /* first known severity */
	assert_true(v->cvss3_score == 7.5);		       /* scores are not overwritten */
	assert_string_equal(v->cvss3_vector, "CVSS:3.1/AV:N"); /* vector stays with its score */
	assert_true(v->cvss4_score == 8.1);		       /* but filled in when missing */
	assert_string_equal(v->cvss4_vector, "CVSS:4.0/AV:N");
	assert_string_equal(v->withdrawn, "2024-06-01T00:00:00Z"); /* withdrawn wins */
	assert_string_equal(v->published, "2024-01-01T00:00:00Z");
	cs_vuln_free(v);
	v = NULL;
	assert_int_equal(cs_vulndb_get_vuln(r, "CVE-2", &v, &err), 1);
	assert_int_equal(v->severity, CS_SEV_MEDIUM);
	assert_true(v->cvss3_score == 9.8);
	cs_vuln_free(v);
	v = NULL;
	assert_int_equal(cs_vulndb_get_vuln(r, "CVE-3", &v, &err), 0);
	assert_null(v);
	cs_vulndb_close(r);
}

static void test_abandon_and_replace(void **state)
{
	_cleanup_free_ char *db = tpath("atomic.sqlite");
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vulndb_writer *w = NULL;
	struct cs_vulndb *r = NULL;
	size_t n1, n2, entries;

	(void)state;
	/* an existing database */
	assert_int_equal(cs_vulndb_writer_new(db, &w, &err), 0);
	write_sample(w);
	assert_int_equal(cs_vulndb_writer_commit(w, &err), 0);
	cs_vulndb_writer_free(w);
	before = slurp(db, &n1);
	entries = count_dir_entries(tmpdir);

	/* a build that is abandoned half-way leaves it byte-identical */
	assert_int_equal(cs_vulndb_writer_new(db, &w, &err), 0);
	assert_int_equal(count_dir_entries(tmpdir), entries + 1); /* PATH.tmp.XXXXXX */
	assert_int_equal(cs_vulndb_put_affected(w, &aff1, &err), 0);
	cs_vulndb_writer_free(w);
	after = slurp(db, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	assert_int_equal(count_dir_entries(tmpdir), entries);

	/* a committed one replaces it */
	assert_int_equal(cs_vulndb_writer_new(db, &w, &err), 0);
	assert_int_equal(cs_vulndb_put_affected(w, &aff1, &err), 0);
	assert_int_equal(cs_vulndb_writer_commit(w, &err), 0);
	cs_vulndb_writer_free(w);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected"), 1);
	assert_int_equal(count_dir_entries(tmpdir), entries);
	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);
	cs_vulndb_close(r);

	/* a directory that does not exist: a clear error, nothing created */
	_cleanup_free_ char *bad = tpath("missing/dir/db.sqlite");
	assert_true(cs_vulndb_writer_new(bad, &w, &err) < 0);
	assert_non_null(strstr(err.msg, "missing/dir/db.sqlite"));
}

static void test_schema_check(void **state)
{
	_cleanup_free_ char *db = tpath("schema.sqlite");
	_cleanup_free_ char *junk = tpath("junk.sqlite");
	_cleanup_free_ char *other = tpath("other.sqlite");
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vulndb_writer *w = NULL;
	struct cs_vulndb *r = NULL;

	(void)state;
	assert_int_equal(cs_vulndb_writer_new(db, &w, &err), 0);
	assert_int_equal(cs_vulndb_writer_commit(w, &err), 0);
	cs_vulndb_writer_free(w);
	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);
	cs_vulndb_close(r);
	r = NULL;

	sql_exec(db, "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
	cs_error_clear(&err);
	assert_int_equal(cs_vulndb_open(db, &r, &err), -CS_E_UNSUPPORTED);
	assert_null(r);
	assert_non_null(strstr(err.msg, "schema version 2 is newer"));
	assert_non_null(strstr(err.msg, "customs db build"));

	sql_exec(db, "DELETE FROM meta WHERE key = 'schema_version'");
	assert_int_equal(cs_vulndb_open(db, &r, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "no schema version"));

	write_file(junk, "this is not a database, just some text that is long enough......");
	assert_true(cs_vulndb_open(junk, &r, &err) < 0);
	assert_non_null(strstr(err.msg, "junk.sqlite"));

	sql_exec(other, "CREATE TABLE t(x)");
	assert_int_equal(cs_vulndb_open(other, &r, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "not a customs vulnerability database"));

	_cleanup_free_ char *none = tpath("none.sqlite");
	assert_int_equal(cs_vulndb_open(none, &r, &err), -CS_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "customs db build"));
}

#define COLLECT_MAX 512

struct collect {
	char ids[COLLECT_MAX][32];
	enum cs_fix_state states[COLLECT_MAX];
	char fixed[COLLECT_MAX][32];
	size_t n;
};

static int collect_cb(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	struct collect *c = ud;

	(void)err;
	if (c->n >= COLLECT_MAX)
		return 1;
	snprintf(c->ids[c->n], sizeof(c->ids[0]), "%s", a->vuln_id);
	snprintf(c->fixed[c->n], sizeof(c->fixed[0]), "%s", a->fixed ? a->fixed : "");
	c->states[c->n] = a->fix_state;
	c->n++;
	return 0;
}

static int alias_cb(void *ud, const char *alias, struct cs_error *err)
{
	struct collect *c = ud;

	(void)err;
	if (c->n < COLLECT_MAX)
		snprintf(c->ids[c->n++], sizeof(c->ids[0]), "%s", alias);
	return 0;
}

static void test_lookup(void **state)
{
	_cleanup_free_ char *db = tpath("lookup.sqlite");
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vulndb_writer *w = NULL;
	struct cs_vulndb *r = NULL;
	static struct collect c;
	struct cs_kev *k = NULL;
	double score = 0, pct = 0;

	(void)state;
	assert_int_equal(cs_vulndb_writer_new(db, &w, &err), 0);
	write_sample(w);
	assert_int_equal(cs_vulndb_writer_commit(w, &err), 0);
	cs_vulndb_writer_free(w);
	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);

	assert_int_equal(cs_vulndb_lookup(r, "alpine:3.20", "openssl", collect_cb, &c, &err), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.ids[0], "CVE-2024-0001");
	assert_int_equal(c.states[0], CS_FIX_FIXED);
	assert_string_equal(c.fixed[0], "3.3.2-r1");
	assert_string_equal(c.ids[1], "CVE-2024-0002");
	assert_int_equal(c.states[1], CS_FIX_AFFECTED);
	memset(&c, 0, sizeof(c));
	assert_int_equal(cs_vulndb_lookup(r, "alpine:3.18", "openssl", collect_cb, &c, &err), 0);
	assert_int_equal(c.n, 1);
	memset(&c, 0, sizeof(c));
	assert_int_equal(cs_vulndb_lookup(r, "alpine:3.20", "zlib", collect_cb, &c, &err), 0);
	assert_int_equal(c.n, 0);

	/* aliases in both directions */
	memset(&c, 0, sizeof(c));
	assert_int_equal(cs_vulndb_aliases(r, "CVE-2024-0001", alias_cb, &c, &err), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.ids[0], "GHSA-aaaa-bbbb-cccc");
	memset(&c, 0, sizeof(c));
	assert_int_equal(cs_vulndb_aliases(r, "GHSA-aaaa-bbbb-cccc", alias_cb, &c, &err), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.ids[0], "CVE-2024-0001");

	assert_int_equal(cs_vulndb_get_kev(r, "CVE-2024-0001", &k, &err), 1);
	assert_string_equal(k->date_added, "2024-10-01");
	assert_string_equal(k->ransomware, "Known");
	cs_kev_free(k);
	k = NULL;
	assert_int_equal(cs_vulndb_get_kev(r, "CVE-2024-0002", &k, &err), 0);
	assert_int_equal(cs_vulndb_get_epss(r, "CVE-2024-0001", &score, &pct, &err), 1);
	assert_true(score == 0.5 && pct == 0.9);
	assert_int_equal(cs_vulndb_get_epss(r, "CVE-2024-0002", &score, &pct, &err), 0);
	cs_vulndb_close(r);
}

/* ---- importers through the build driver ---- */

struct bad_log {
	char lines[64][512];
	size_t n;
};

static void bad_cb(void *ud, const char *file, const char *position, const char *reason)
{
	struct bad_log *b = ud;

	if (b->n < 64)
		snprintf(b->lines[b->n++], sizeof(b->lines[0]), "%s:%s: %s", file, position,
			 reason);
}

static int build(const char *db, struct cs_import_report *rep, struct cs_error *err, ...)
{
	const char *paths[8];
	size_t n = 0;
	va_list ap;

	va_start(ap, err);
	while (n < 7 && (paths[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	paths[n] = NULL;
	return cs_vulndb_build(paths, db, rep, err);
}

/* Distinct affected rows python expects from secdb files (see imp_secdb.c). */
static const char secdb_py[] =
	"import json,sys,glob\n"
	"rows=set(); total=0\n"
	"for f in sorted(glob.glob(sys.argv[1])):\n"
	"  d=json.load(open(f)); ns='alpine:'+d['distroversion'].lstrip('v')\n"
	"  for p in d['packages']:\n"
	"    for v,ids in (p['pkg'].get('secfixes') or {}).items():\n"
	"      for e in ids or []:\n"
	"        w=e.split(); c=[x for x in w if x.startswith('CVE-')] or w[:1]\n"
	"        for i in c:\n"
	"          total+=1; rows.add((ns,p['pkg']['name'],i,v))\n"
	"print(len(rows) if sys.argv[2]=='rows' else total)\n";

static uint64_t secdb_python(const char *glob, const char *what)
{
	_cleanup_free_ char *script = tpath("secdb.py");
	char cmd[1024], out[64] = "";
	FILE *f;
	uint64_t v = 0;

	write_file(script, secdb_py);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' %s", script, glob, what);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(out, sizeof(out), f));
	assert_int_equal(pclose(f), 0);
	assert_int_equal(sscanf(out, "%" SCNu64, &v), 1);
	return v;
}

static void test_secdb(void **state)
{
	_cleanup_free_ char *db = tpath("secdb.sqlite");
	_cleanup_free_ char *feed = cs_asprintf("%s/feeds/alpine-secdb", shared());
	_cleanup_free_ char *glob = cs_asprintf("%s/*/*.json", feed);
	struct cs_error err = CS_ERROR_INIT;
	struct bad_log bad = { 0 };
	struct cs_import_report rep = { .bad = bad_cb, .userdata = &bad };
	struct cs_vulndb *r = NULL;
	static struct collect c;
	static struct collect al;
	bool found = false;

	(void)state;
	assert_int_equal(build(db, &rep, &err, feed, NULL), 0);
	assert_int_equal(bad.n, 0);
	assert_int_equal(rep.skipped, 0);
	/* python: every (package, version, id) entry, and the distinct rows */
	assert_int_equal(rep.records, secdb_python(glob, "total"));
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected"),
			 secdb_python(glob, "rows"));
	assert_int_equal(sql_count(db, "SELECT sum(records) FROM sources WHERE name = "
				       "'alpine-secdb'"),
			 rep.records);
	/* version "0" means never affected */
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected WHERE fix_state = "
				       "'not-affected' AND fixed IS NULL AND ranges = '[]'"),
			 python_u64("import json,glob\nn=0\nfor f in glob.glob('%s'):\n for p in "
				    "json.load(open(f))['packages']:\n  n+=sum(len(x) for v,x in "
				    "(p['pkg'].get('secfixes') or {}).items() if v=='0')\nprint(n)",
				    glob));
	assert_int_equal(sql_count(db, "SELECT count(DISTINCT namespace) FROM affected"), 3);

	/* the README's known answer: CVE-2024-9143 fixed in openssl 3.3.2-r1 on 3.20 */
	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);
	assert_int_equal(cs_vulndb_lookup(r, "alpine:3.20", "openssl", collect_cb, &c, &err), 0);
	assert_true(c.n > 0);
	for (size_t i = 0; i < c.n; i++)
		if (!strcmp(c.ids[i], "CVE-2024-9143")) {
			assert_string_equal(c.fixed[i], "3.3.2-r1");
			assert_int_equal(c.states[i], CS_FIX_FIXED);
			found = true;
		}
	assert_true(found);
	/* and the row itself, by plain SQL */
	assert_int_equal(sql_count(db,
				   "SELECT count(*) FROM affected WHERE namespace = "
				   "'alpine:3.20' AND package = 'openssl' AND vuln_id = "
				   "'CVE-2024-9143' AND fixed = '3.3.2-r1' AND fix_state = 'fixed' "
				   "AND scheme = 'apk' AND ranges = "
				   "'[{\"introduced\":\"0\"},{\"fixed\":\"3.3.2-r1\"}]'"),
			 1);
	/* and busybox 1.35.0-r17 on 3.16 is older than the fix for CVE-2023-42366 */
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected WHERE namespace = "
				       "'alpine:3.16' AND package = 'busybox' AND vuln_id = "
				       "'CVE-2023-42366'"),
			 1);
	/* multi-word entries: each CVE gets the row, the other word is an alias */
	assert_int_equal(cs_vulndb_aliases(r, "CVE-2019-17350", alias_cb, &al, &err), 0);
	assert_int_equal(al.n, 1);
	assert_string_equal(al.ids[0], "XSA-295");
	cs_vulndb_close(r);
}

static void test_kev(void **state)
{
	_cleanup_free_ char *db = tpath("kev.sqlite");
	_cleanup_free_ char *feed =
		cs_asprintf("%s/feeds/kev/known_exploited_vulnerabilities.json", shared());
	struct cs_error err = CS_ERROR_INIT;
	struct cs_import_report rep = { 0 };
	struct cs_vulndb *r = NULL;
	struct cs_kev *k = NULL;
	uint64_t n, idx;
	char cve[64], date[32];

	(void)state;
	assert_int_equal(build(db, &rep, &err, feed, NULL), 0);
	n = python_u64("import json; print(len(json.load(open('%s'))['vulnerabilities']))", feed);
	assert_true(n > 1000);
	assert_int_equal(rep.records, n);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM kev"),
			 python_u64("import json; print(len(set(v['cveID'] for v in "
				    "json.load(open('%s'))['vulnerabilities'])))",
				    feed));
	assert_int_equal(
		sql_count(db, "SELECT count(*) FROM kev WHERE ransomware = 'Known'"),
		python_u64("import json; print(sum(1 for v in json.load(open('%s'))["
			   "'vulnerabilities'] if v['knownRansomwareCampaignUse']=='Known'))",
			   feed));
	/* one record field by field: the 100th entry's CVE number and date */
	idx = 100;
	snprintf(cve, sizeof(cve), "CVE-%" PRIu64 "-%" PRIu64,
		 python_u64("import json; print(json.load(open('%s'))['vulnerabilities'][%" PRIu64
			    "]['cveID'].split('-')[1])",
			    feed, idx),
		 python_u64("import json; print(json.load(open('%s'))['vulnerabilities'][%" PRIu64
			    "]['cveID'].split('-')[2])",
			    feed, idx));
	snprintf(date, sizeof(date), "%" PRIu64,
		 python_u64("import json; print(json.load(open('%s'))['vulnerabilities'][%" PRIu64
			    "]['dateAdded'].replace('-',''))",
			    feed, idx));
	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);
	assert_int_equal(cs_vulndb_get_kev(r, cve, &k, &err), 1);
	assert_non_null(k->date_added);
	char compact[32];
	size_t j = 0;
	for (const char *p = k->date_added; *p && j + 1 < sizeof(compact); p++)
		if (*p != '-')
			compact[j++] = *p;
	compact[j] = '\0';
	assert_string_equal(compact, date);
	cs_kev_free(k);
	cs_vulndb_close(r);
	/* the feed's own date is the source's date */
	assert_int_equal(sql_count(db, "SELECT count(*) FROM sources WHERE name = 'kev' AND "
				       "updated LIKE '2025-08-25%'"),
			 1);
}

static void test_epss(void **state)
{
	_cleanup_free_ char *db = tpath("epss.sqlite");
	_cleanup_free_ char *feed = cs_asprintf("%s/vulndb/epss_scores-2025-08-25.csv", testdata());
	_cleanup_free_ char *gzfeed = tpath("epss_scores-2025-08-25.csv.gz");
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct bad_log bad = { 0 };
	struct cs_import_report rep = { .bad = bad_cb, .userdata = &bad };
	struct cs_vulndb *r = NULL;
	double score, pct;
	size_t n;
	gzFile gz;

	(void)state;
	assert_int_equal(build(db, &rep, &err, feed, NULL), 0);
	/* python's csv module: rows whose id is a CVE and both values are in [0, 1] */
	assert_int_equal(
		rep.records,
		python_u64("import csv\nr=list(csv.reader(l for l in open('%s') if not "
			   "l.startswith('#')))[1:]\nprint(sum(1 for x in r if len(x)==3 and "
			   "x[0].startswith('CVE-') and 0<=float(x[1])<=1 and 0<=float(x[2])<=1))",
			   feed));
	assert_int_equal(rep.skipped, 3);
	assert_int_equal(bad.n, 3);
	assert_non_null(strstr(bad.lines[0], ":line 10: "));
	assert_non_null(strstr(bad.lines[1], ":line 11: "));
	assert_non_null(strstr(bad.lines[2], ":line 12: "));
	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);
	assert_int_equal(cs_vulndb_get_epss(r, "CVE-2021-44228", &score, &pct, &err), 1);
	assert_true(score == 0.94358 && pct == 0.99955);
	assert_int_equal(cs_vulndb_get_epss(r, "CVE-2024-0001", &score, &pct, &err), 0);
	cs_vulndb_close(r);
	r = NULL;
	assert_int_equal(sql_count(db, "SELECT count(*) FROM epss WHERE date = "
				       "'2025-08-25T12:55:00Z'"),
			 (int64_t)rep.records);

	/* the published file is gzip-compressed */
	data = slurp(feed, &n);
	gz = gzopen(gzfeed, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, data, (unsigned)n), (int)n);
	assert_int_equal(gzclose(gz), Z_OK);
	memset(&rep, 0, sizeof(rep));
	_cleanup_free_ char *db2 = tpath("epss2.sqlite");
	assert_int_equal(build(db2, &rep, &err, gzfeed, NULL), 0);
	assert_int_equal(sql_count(db2, "SELECT count(*) FROM epss"),
			 sql_count(db, "SELECT count(*) FROM epss"));

	/* a file without the header is not an EPSS file */
	_cleanup_free_ char *nohead = tpath("epss-nohead.csv");
	write_file(nohead, "#model_version:v1,score_date:2025-01-01\nCVE-2024-1,0.1,0.2\n");
	assert_true(build(db, &rep, &err, nohead, NULL) < 0);
	assert_non_null(strstr(err.msg, "cve,epss,percentile"));
}

static void test_nvd(void **state)
{
	_cleanup_free_ char *db = tpath("nvd.sqlite");
	_cleanup_free_ char *feed = cs_asprintf("%s/vulndb/nvdcve-2.0-sample.json", testdata());
	_cleanup_free_ char *secdb = cs_asprintf("%s/feeds/alpine-secdb/v3.20/main.json", shared());
	struct cs_error err = CS_ERROR_INIT;
	struct bad_log bad = { 0 };
	struct cs_import_report rep = { .bad = bad_cb, .userdata = &bad };
	struct cs_vulndb *r = NULL;
	struct cs_vuln *v = NULL;

	(void)state;
	/* secdb first, NVD enriches the CVE rows it created */
	assert_int_equal(build(db, &rep, &err, secdb, feed, NULL), 0);
	assert_int_equal(bad.n, 2);
	assert_non_null(strstr(bad.lines[0], "/vulnerabilities/3"));
	assert_non_null(strstr(bad.lines[1], "/vulnerabilities/4"));
	assert_int_equal(
		sql_count(db, "SELECT records FROM sources WHERE name = 'nvd'"),
		python_u64("import json; print(sum(1 for v in json.load(open('%s'))"
			   "['vulnerabilities'] if v.get('cve',{}).get('id','').startswith("
			   "'CVE-')))",
			   feed));
	/* NVD writes no affected rows */
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected WHERE source = 'nvd'"), 0);
	assert_int_equal(cs_vulndb_open(db, &r, &err), 0);
	assert_int_equal(cs_vulndb_get_vuln(r, "CVE-2024-9143", &v, &err), 1);
	/* the Primary (NVD) metric, checked against python reading the fixture */
	assert_int_equal(
		(uint64_t)(v->cvss3_score * 10 + 0.5),
		python_u64("import json\nfor m in json.load(open('%s'))['vulnerabilities'][0]"
			   "['cve']['metrics']['cvssMetricV31']:\n if m['type']=='Primary': "
			   "print(round(m['cvssData']['baseScore']*10))",
			   feed));
	assert_string_equal(v->cvss3_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H");
	assert_int_equal(v->severity, CS_SEV_CRITICAL);
	assert_non_null(v->summary);
	assert_true(!strncmp(v->summary, "Issue summary:", 14)); /* English, not Spanish */
	assert_string_equal(v->published, "2024-10-16T17:15:18.130");
	assert_string_equal(v->url, "https://nvd.nist.gov/vuln/detail/CVE-2024-9143");
	assert_null(v->withdrawn);
	cs_vuln_free(v);
	v = NULL;
	assert_int_equal(cs_vulndb_get_vuln(r, "CVE-2025-0001", &v, &err), 1);
	assert_true(v->cvss3_score == 0);
	assert_true(v->cvss4_score == 6.9);
	assert_int_equal(v->severity, CS_SEV_MEDIUM);
	cs_vuln_free(v);
	v = NULL;
	assert_int_equal(cs_vulndb_get_vuln(r, "CVE-2023-0002", &v, &err), 1);
	assert_string_equal(v->withdrawn, "2023-06-01T12:00:00.000");
	cs_vuln_free(v);
	cs_vulndb_close(r);
}

static void test_build_driver(void **state)
{
	_cleanup_free_ char *feeds = tpath("feeds");
	_cleanup_free_ char *sub = tpath("feeds/alpine/v3.20");
	_cleanup_free_ char *db = tpath("driver.sqlite");
	_cleanup_free_ char *before = NULL, *after = NULL;
	char src[1024], dst[1024];
	struct cs_error err = CS_ERROR_INIT;
	struct bad_log bad = { 0 };
	struct cs_import_report rep = { .bad = bad_cb, .userdata = &bad };
	size_t n1, n2;

	(void)state;
	assert_int_equal(mkdir(feeds, 0755), 0);
	snprintf(dst, sizeof(dst), "%s/feeds/alpine", tmpdir);
	assert_int_equal(mkdir(dst, 0755), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(src, sizeof(src), "cp '%s/feeds/alpine-secdb/v3.20/main.json' '%s/'", shared(),
		 sub);
	assert_int_equal(system(src), 0);
	snprintf(dst, sizeof(dst), "%s/feeds/README.txt", tmpdir);
	write_file(dst, "not a feed\n");
	snprintf(dst, sizeof(dst), "%s/feeds/.hidden.json", tmpdir);
	write_file(dst, "{ broken");
	/* a symlink leaving the tree is not followed, one inside it is */
	snprintf(src, sizeof(src), "%s/feeds/outside.json", tmpdir);
	assert_int_equal(symlink("/etc/passwd", src), 0);
	snprintf(src, sizeof(src), "%s/feeds/inside.json", tmpdir);
	assert_int_equal(symlink("alpine/v3.20/main.json", src), 0);

	assert_int_equal(build(db, &rep, &err, feeds, NULL), 0);
	assert_int_equal(rep.skipped, 0);
	assert_int_equal(bad.n, 2); /* README.txt, outside.json; in byte order */
	assert_non_null(strstr(bad.lines[0], "/feeds/README.txt:: unrecognised format"));
	assert_non_null(strstr(bad.lines[1], "/feeds/outside.json:: unrecognised format"));
	/* main.json read twice (also through the link): same rows, records counted twice */
	snprintf(src, sizeof(src), "%s/main.json", sub);
	assert_int_equal(sql_count(db, "SELECT count(*) FROM sources"), 1);
	assert_int_equal(sql_count(db, "SELECT records FROM sources"),
			 2 * secdb_python(src, "total"));
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected"), secdb_python(src, "rows"));
	before = slurp(db, &n1);

	/* a corrupt feed fails the build and leaves the database as it was */
	snprintf(dst, sizeof(dst), "%s/feeds/alpine/v3.20/community.json", tmpdir);
	write_file(dst, "{\"distroversion\":\"v3.20\",\"packages\": [ {\"pkg\": ");
	memset(&bad, 0, sizeof(bad));
	assert_true(build(db, &rep, &err, feeds, NULL) < 0);
	assert_non_null(strstr(err.msg, "community.json"));
	assert_null(strchr(err.msg, '\n'));
	after = slurp(db, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	{
		DIR *d = opendir(tmpdir);
		struct dirent *de;

		assert_non_null(d);
		while ((de = readdir(d)))
			assert_null(strstr(de->d_name, ".tmp."));
		closedir(d);
	}

	/* a feed path that does not exist */
	snprintf(dst, sizeof(dst), "%s/nope", tmpdir);
	assert_true(build(db, &rep, &err, dst, NULL) < 0);
	assert_non_null(strstr(err.msg, "nope"));
}

/* Bad records inside a valid secdb file are reported with their position and skipped. */
static void test_secdb_bad_records(void **state)
{
	_cleanup_free_ char *f = tpath("bad-secdb.json");
	_cleanup_free_ char *db = tpath("bad-secdb.sqlite");
	struct cs_error err = CS_ERROR_INIT;
	struct bad_log bad = { 0 };
	struct cs_import_report rep = { .bad = bad_cb, .userdata = &bad };

	(void)state;
	write_file(f, "{\"distroversion\":\"v3.19\",\"reponame\":\"main\",\"packages\":["
		      "{\"pkg\":{\"name\":\"ok\",\"secfixes\":{\"1.0-r1\":[\"CVE-2024-1\"]}}},"
		      "{\"pkg\":{\"secfixes\":{}}},"
		      "{\"pkg\":{\"name\":\"bad ver\",\"secfixes\":{\"1.0\":[\"CVE-2024-2\"]}}},"
		      "{\"pkg\":{\"name\":\"x\",\"secfixes\":{\"1\\\"0\":[\"CVE-2024-3\"],"
		      "\"2.0-r0\":[7,\"\",\"CVE-2024-4\"]}}},"
		      "{\"pkg\":{\"name\":\"y\",\"secfixes\":null}}]}");
	assert_int_equal(build(db, &rep, &err, f, NULL), 0);
	assert_int_equal(rep.records, 2);
	assert_int_equal(rep.skipped, 5);
	assert_int_equal(bad.n, 5);
	assert_non_null(strstr(bad.lines[0], ":/packages/1: "));
	assert_non_null(strstr(bad.lines[1], ":/packages/2: "));
	assert_non_null(strstr(bad.lines[2], ":/packages/3/pkg/secfixes/1\"0: bad version"));
	assert_non_null(strstr(bad.lines[3], ":/packages/3/pkg/secfixes/2.0-r0/0: "));
	assert_non_null(strstr(bad.lines[4], ":/packages/3/pkg/secfixes/2.0-r0/1: "));
	assert_int_equal(sql_count(db, "SELECT count(*) FROM affected WHERE namespace = "
				       "'alpine:3.19'"),
			 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enums, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandon_and_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secdb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secdb_bad_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kev, setup, teardown),
		cmocka_unit_test_setup_teardown(test_epss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nvd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_driver, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
