/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OSV and ruby-advisory-db importers. The real feeds in
 * $CUSTOMS_SHARED/feeds (Go vulndb, RustSec, PyPA, ruby-advisory-db) are
 * imported into a temporary database and compared row by row with an
 * independent reading of the same files by python (json, PyYAML, zipfile:
 * tests/data/osv/osv_expect.py and rubysec_expect.py). CVSS v3 scores are checked against the
 * specification's examples, against NVD's published scores and, for every
 * vector in the feeds, against Debian's ruby-cvss-suite.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "basic/alloc.h"
#include "basic/path.h"
#include "vulndb/osv.h"

extern const struct cs_importer cs_importer_osv;
extern const struct cs_importer cs_importer_rubysec;

static char tmpdir[] = "/tmp/cs-test-osv-XXXXXX";

/* --- helpers --- */

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_add(struct strv *s, const char *line)
{
	assert_int_equal(CS_GROW(s->v, s->cap, s->n + 1), 0);
	s->v[s->n] = cs_strdup(line);
	assert_non_null(s->v[s->n]);
	s->n++;
}

static void strv_done(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates. */
static void strv_uniq(struct strv *s)
{
	size_t j = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_line);
	for (size_t i = 1; i < s->n; i++) {
		if (!strcmp(s->v[i], s->v[j]))
			free(s->v[i]);
		else
			s->v[++j] = s->v[i];
	}
	s->n = j + 1;
}

static const char *shared(void)
{
	const char *s = getenv("CUSTOMS_SHARED");

	if (!s)
		fail_msg("CUSTOMS_SHARED is not set");
	return s;
}

static const char *testdata(void)
{
	const char *s = getenv("CUSTOMS_TESTDATA");

	if (!s)
		fail_msg("CUSTOMS_TESTDATA is not set");
	return s;
}

static char *path_of(const char *fmt, ...) CS_PRINTF(1, 2);
static char *path_of(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return cs_strdup(buf);
}

/* Lines printed by a command (the independent source). */
static void run_lines(const char *cmd, struct strv *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = popen(cmd, "r");

	assert_non_null(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		strv_add(out, line);
	}
	free(line);
	if (pclose(f) != 0)
		fail_msg("command failed: %s", cmd);
}

static void sql_lines(const char *db, const char *sql, struct strv *out)
{
	sqlite3 *h;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *s = sqlite3_column_text(st, 0);

		strv_add(out, s ? (const char *)s : "");
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static long long sql_int(const char *db, const char *sql)
{
	struct strv v = { 0 };
	long long x;

	sql_lines(db, sql, &v);
	assert_int_equal(v.n, 1);
	x = strtoll(v.v[0], NULL, 10);
	strv_done(&v);
	return x;
}

/* Two line sets must be equal; show the first differences. */
static void assert_same(struct strv *got, struct strv *want, const char *what)
{
	size_t i = 0, j = 0, shown = 0;

	strv_uniq(got);
	strv_uniq(want);
	while ((i < got->n || j < want->n) && shown < 5) {
		int c = i == got->n ? 1 : j == want->n ? -1 : strcmp(got->v[i], want->v[j]);

		if (c == 0) {
			i++, j++;
			continue;
		}
		print_message("%s: %s %s\n", what, c < 0 ? "unexpected" : "missing",
			      c < 0 ? got->v[i] : want->v[j]);
		shown++;
		c < 0 ? i++ : j++;
	}
	if (shown)
		fail_msg("%s differ (%zu written, %zu expected)", what, got->n, want->n);
	assert_true(want->n > 0);
}

struct bads {
	struct strv lines; /* "file|position|reason" */
};

static void on_bad(void *ud, const char *file, const char *pos, const char *reason)
{
	struct bads *b = ud;
	char line[2048];

	snprintf(line, sizeof(line), "%s|%s|%s", cs_path_basename(file), pos, reason);
	strv_add(&b->lines, line);
}

static void import_into(const struct cs_importer *imp, const char *src, const char *db,
			struct cs_import_report *rep)
{
	struct cs_vulndb_writer *w = NULL;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_vulndb_writer_new(db, &w, &err) < 0)
		fail_msg("writer: %s", err.msg);
	if (imp->import(w, src, rep, &err) < 0)
		fail_msg("import '%s': %s", src, err.msg);
	if (cs_vulndb_writer_commit(w, &err) < 0)
		fail_msg("commit: %s", err.msg);
	cs_vulndb_writer_free(w);
}

static const char *const rows_sql =
	"SELECT namespace || char(9) || package || char(9) || vuln_id || char(9) || source ||"
	" char(9) || ranges || char(9) || coalesce(fixed, '') || char(9) || fix_state"
	" FROM affected";

/* --- CVSS --- */

static double cvss(const char *v)
{
	double x = -1;

	if (cs_cvss3_base_score(v, &x) < 0)
		fail_msg("vector rejected: %s", v);
	return x;
}

static void test_cvss_spec(void **state)
{
	double x;

	(void)state;
	/* examples of the CVSS v3.1 specification and its calculator */
	assert_float_equal(cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8, 1e-9);
	assert_float_equal(cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0, 1e-9);
	assert_float_equal(cvss("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), 5.5, 1e-9);
	assert_float_equal(cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1, 1e-9);
	assert_float_equal(cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0, 1e-9);
	assert_float_equal(cvss("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"), 1.6, 1e-9);
	/* temporal/environmental metrics are allowed, and ignored for the base score */
	assert_float_equal(cvss("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/MAV:L"),
			   9.8, 1e-9);
	/* invalid vectors */
	assert_true(cs_cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", &x) < 0);
	assert_true(cs_cvss3_base_score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &x) <
		    0);
	assert_true(cs_cvss3_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &x) < 0);
	assert_true(cs_cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1", &x) <
		    0);
	assert_true(cs_cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", &x) < 0);
	assert_true(cs_cvss3_base_score("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", &x) < 0);
	assert_true(cs_cvss3_base_score("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &x) < 0);
	assert_true(cs_cvss3_base_score("CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &x) < 0);
	assert_true(cs_cvss3_base_score("", &x) < 0);
}

/*
 * NVD's published base scores for CVEs whose vectors are in the feeds:
 * import the advisory and compare the stored score.
 */
static void test_cvss_nvd(void **state)
{
	static const struct {
		const char *file, *cve;
		double nvd;
	} cases[] = {
		{ "PyPI/urllib3/PYSEC-2023-192.yaml", "CVE-2023-43804", 8.1 },
		{ "PyPI/twisted/PYSEC-2024-75.yaml", "CVE-2024-41810", 6.1 },
		{ "PyPI/twisted/PYSEC-2023-224.yaml", "CVE-2023-46137", 5.3 },
		{ "PyPI/werkzeug/PYSEC-2023-221.yaml", "CVE-2023-46136", 7.5 },
		{ "crates.io/RUSTSEC-2022-0013.json", "CVE-2022-24713", 7.5 },
		{ "crates.io/RUSTSEC-2018-0010.json", "CVE-2018-20997", 9.8 }, /* a v3.0 vector */
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *src = path_of("%s/feeds/osv/%s", shared(), cases[i].file);
		_cleanup_free_ char *db = path_of("%s/nvd-%zu.db", tmpdir, i);
		_cleanup_free_ char *sql = NULL;
		struct cs_import_report rep = { 0 };
		struct strv v = { 0 };

		import_into(&cs_importer_osv, src, db, &rep);
		sql = path_of(
			"SELECT printf('%%.1f', v.cvss3_score) FROM vulnerabilities v JOIN aliases a"
			" ON a.id = v.id WHERE a.alias = '%s'",
			cases[i].cve);
		sql_lines(db, sql, &v);
		assert_int_equal(v.n, 1);
		if (fabs(strtod(v.v[0], NULL) - cases[i].nvd) > 1e-9)
			fail_msg("%s: score %s, NVD says %.1f", cases[i].cve, v.v[0], cases[i].nvd);
		assert_int_equal(rep.skipped, 0);
		strv_done(&v);
	}
}

/* --- the real feeds --- */

static char *feeds_db;

/* Import Go, crates.io and PyPI (as three imports into one database). */
static const char *osv_feeds_db(void)
{
	static const char *const feeds[] = { "Go", "crates.io", "PyPI" };
	struct cs_vulndb_writer *w = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct bads bads = { 0 };
	struct cs_import_report rep = { .bad = on_bad, .userdata = &bads };

	if (feeds_db)
		return feeds_db;
	feeds_db = path_of("%s/feeds.db", tmpdir);
	if (cs_vulndb_writer_new(feeds_db, &w, &err) < 0)
		fail_msg("writer: %s", err.msg);
	for (size_t i = 0; i < CS_ARRAY_SIZE(feeds); i++) {
		_cleanup_free_ char *src = path_of("%s/feeds/osv/%s", shared(), feeds[i]);

		if (cs_importer_osv.import(w, src, &rep, &err) < 0)
			fail_msg("import '%s': %s", src, err.msg);
	}
	if (cs_vulndb_writer_commit(w, &err) < 0)
		fail_msg("commit: %s", err.msg);
	cs_vulndb_writer_free(w);
	for (size_t i = 0; i < bads.lines.n; i++)
		print_message("bad record: %s\n", bads.lines.v[i]);
	/* the real feeds are clean: nothing may be reported bad */
	assert_int_equal(rep.skipped, 0);
	assert_int_equal(bads.lines.n, 0);
	assert_true(rep.vulns >= 4291 + 1206 + 2661);
	assert_true(rep.updated[0] != '\0');
	strv_done(&bads.lines);
	return feeds_db;
}

static void expect(const char *script, const char *mode, const char *path, struct strv *out)
{
	_cleanup_free_ char *cmd =
		path_of("python3 '%s/osv/%s' %s '%s'", testdata(), script, mode, path);

	run_lines(cmd, out);
}

static void test_osv_feeds_rows(void **state)
{
	const char *db = osv_feeds_db();
	_cleanup_free_ char *src = path_of("%s/feeds/osv", shared());
	struct strv got = { 0 }, want = { 0 };

	(void)state;
	sql_lines(db, rows_sql, &got);
	expect("osv_expect.py", "rows", src, &want);
	assert_same(&got, &want, "affected rows");
	strv_done(&got);
	strv_done(&want);

	/* per-ecosystem totals, excluding withdrawn advisories */
	sql_lines(db, "SELECT namespace || char(9) || count(*) FROM affected GROUP BY namespace",
		  &got);
	expect("osv_expect.py", "counts", src, &want);
	for (size_t i = 0; i < want.n; i++)
		print_message("expected rows: %s\n", want.v[i]);
	assert_same(&got, &want, "rows per ecosystem");
	assert_int_equal(want.n, 3);
	strv_done(&got);
	strv_done(&want);
}

static void test_osv_feeds_vulns(void **state)
{
	const char *db = osv_feeds_db();
	_cleanup_free_ char *src = path_of("%s/feeds/osv", shared());
	struct strv got = { 0 }, want = { 0 };

	(void)state;
	sql_lines(db,
		  "SELECT id || char(9) || coalesce(withdrawn, '') || char(9) ||"
		  " coalesce(cvss3_vector, '') FROM vulnerabilities",
		  &got);
	expect("osv_expect.py", "vulns", src, &want);
	assert_same(&got, &want, "vulnerabilities");
	strv_done(&got);
	strv_done(&want);

	sql_lines(db, "SELECT id || char(9) || alias FROM aliases", &got);
	expect("osv_expect.py", "aliases", src, &want);
	assert_same(&got, &want, "aliases");
	strv_done(&got);
	strv_done(&want);
}

/* Specific advisories, looked up by hand in the feed files. */
static void test_osv_named(void **state)
{
	const char *db = osv_feeds_db();
	struct strv v = { 0 };

	(void)state;
	/* GO-2020-0001: gin before 1.6.0 */
	sql_lines(db,
		  "SELECT namespace || ' ' || package || ' ' || scheme || ' ' || ranges || ' ' ||"
		  " fixed || ' ' || fix_state FROM affected WHERE vuln_id = 'GO-2020-0001'",
		  &v);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.v[0], "go github.com/gin-gonic/gin go "
				    "[{\"introduced\":\"0\"},{\"fixed\":\"1.6.0\"}] 1.6.0 fixed");
	strv_done(&v);
	/* both alias directions */
	assert_int_equal(sql_int(db, "SELECT count(*) FROM aliases WHERE (id = 'GO-2020-0001' AND"
				     " alias = 'CVE-2020-36567') OR (id = 'CVE-2020-36567' AND"
				     " alias = 'GO-2020-0001')"),
			 2);
	/* PYSEC-2021-335: AccessControl 4.0..4.3 and 5.0..5.2; GIT range -> versions row too */
	sql_lines(db,
		  "SELECT package || ' ' || scheme || ' ' || ranges || ' ' || fixed FROM affected"
		  " WHERE vuln_id = 'PYSEC-2021-335' ORDER BY ranges",
		  &v);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[0],
			    "accesscontrol pep440 [{\"introduced\":\"4.0\"},{\"fixed\":"
			    "\"4.3\"},{\"introduced\":\"5.0\"},{\"fixed\":\"5.2\"}] 4.3, 5.2");
	assert_string_equal(v.v[1], "accesscontrol pep440 [{\"versions\":[\"4.0\",\"4.1\",\"4.2\","
				    "\"5.0\",\"5.1\"]}] 4.3, 5.2");
	strv_done(&v);
	/* RUSTSEC-2016-0001: openssl before 0.9.0 */
	sql_lines(db,
		  "SELECT namespace || ' ' || package || ' ' || scheme || ' ' || ranges FROM"
		  " affected WHERE vuln_id = 'RUSTSEC-2016-0001'",
		  &v);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.v[0], "crates.io openssl semver "
				    "[{\"introduced\":\"0.0.0-0\"},{\"fixed\":\"0.9.0\"}]");
	strv_done(&v);
	/* stdlib and toolchain are packages of their own in Go's vulndb */
	assert_true(sql_int(db, "SELECT count(*) FROM affected WHERE namespace = 'go' AND"
				" package = 'stdlib'") > 100);
	assert_true(sql_int(db, "SELECT count(*) FROM affected WHERE namespace = 'go' AND"
				" package = 'toolchain'") > 0);
}

static void test_osv_withdrawn(void **state)
{
	const char *db = osv_feeds_db();
	_cleanup_free_ char *src = path_of("%s/feeds/osv", shared());
	_cleanup_free_ char *cmd = path_of(
		"python3 -c 'import json,glob,sys; print(sum(1 for f in glob.glob(sys.argv[1]+\"/*/*.json\")"
		" for d in [json.load(open(f))] if d.get(\"withdrawn\") and d.get(\"affected\")))' '%s'",
		src);
	struct strv v = { 0 };

	(void)state;
	/* the feeds do have withdrawn advisories with affected entries... */
	run_lines(cmd, &v);
	assert_int_equal(v.n, 1);
	assert_true(strtol(v.v[0], NULL, 10) >= 20);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM vulnerabilities WHERE withdrawn IS NOT"
				     " NULL"),
			 17 + 13 + 10);
	/* ...and none of them has an affected row */
	assert_int_equal(sql_int(db, "SELECT count(*) FROM affected a JOIN vulnerabilities v ON"
				     " v.id = a.vuln_id WHERE v.withdrawn IS NOT NULL"),
			 0);
	strv_done(&v);
}

/* Every CVSS v3 vector in the feeds against ruby-cvss-suite (Debian). */
static void test_cvss_feeds(void **state)
{
	const char *db = osv_feeds_db();
	_cleanup_free_ char *list = path_of("%s/vectors.txt", tmpdir);
	_cleanup_free_ char *cmd = NULL;
	struct strv vec = { 0 }, ref = { 0 };
	FILE *f;

	(void)state;
	sql_lines(db,
		  "SELECT DISTINCT cvss3_vector || ' ' || printf('%.1f', cvss3_score) FROM"
		  " vulnerabilities WHERE cvss3_vector IS NOT NULL",
		  &vec);
	assert_true(vec.n > 50);
	f = fopen(list, "w");
	assert_non_null(f);
	for (size_t i = 0; i < vec.n; i++) {
		char *sp = strchr(vec.v[i], ' ');

		/* v3.0 vectors are scored with v3.1's formula (the spec's Roundup) */
		fprintf(f, "CVSS:3.1/%.*s\n", (int)(sp - vec.v[i] - 9), vec.v[i] + 9);
		/* and our own calculator must agree with the stored score */
		*sp = '\0';
		assert_float_equal(cvss(vec.v[i]), strtod(sp + 1, NULL), 1e-9);
		*sp = ' ';
		vec.v[i][5] = '3', vec.v[i][7] = '1'; /* compare in 3.1 form */
	}
	fclose(f);
	cmd = path_of("ruby -e 'require \"cvss_suite\"; STDIN.each_line { |l| v = l.strip;"
		      " printf(\"%%s %%.1f\\n\", v, CvssSuite.new(v).base_score) }' < '%s'",
		      list);
	run_lines(cmd, &ref);
	assert_same(&vec, &ref, "cvss scores");
	strv_done(&vec);
	strv_done(&ref);
}

static void test_rubysec_feed(void **state)
{
	_cleanup_free_ char *src = path_of("%s/feeds/rubysec/gems", shared());
	_cleanup_free_ char *db = path_of("%s/rubysec.db", tmpdir);
	struct bads bads = { 0 };
	struct cs_import_report rep = { .bad = on_bad, .userdata = &bads };
	struct strv got = { 0 }, want = { 0 };

	(void)state;
	assert_true(cs_importer_rubysec.detect(src, true, NULL, 0));
	import_into(&cs_importer_rubysec, src, db, &rep);
	for (size_t i = 0; i < bads.lines.n; i++)
		print_message("bad record: %s\n", bads.lines.v[i]);
	assert_int_equal(rep.skipped, 0);
	assert_int_equal(rep.vulns, 1234);
	assert_int_equal(rep.records, 1234);

	sql_lines(db, rows_sql, &got);
	expect("rubysec_expect.py", "rows", src, &want);
	assert_same(&got, &want, "rubysec rows");
	strv_done(&got);
	strv_done(&want);

	sql_lines(db, "SELECT id || char(9) || alias FROM aliases", &got);
	expect("rubysec_expect.py", "aliases", src, &want);
	assert_same(&got, &want, "rubysec aliases");
	strv_done(&got);
	strv_done(&want);

	/* one advisory by hand: actionpack CVE-2008-7248 */
	sql_lines(db,
		  "SELECT a.scheme || ' ' || a.ranges || ' ' || a.fixed || ' ' || v.summary FROM"
		  " affected a JOIN vulnerabilities v ON v.id = a.vuln_id WHERE a.vuln_id ="
		  " 'CVE-2008-7248' AND a.package = 'actionpack'",
		  &got);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.v[0], "gem [{\"gem_patched\":[\"~> 2.1.3\",\">= 2.2.2\"],"
				      "\"gem_unaffected\":[\"< 2.1.0\"]}] ~> 2.1.3; >= 2.2.2 "
				      "Improper Input Validation in rails");
	strv_done(&got);
	/* cvss_v3 scores as the feed gives them */
	sql_lines(db,
		  "SELECT count(*) FROM vulnerabilities WHERE cvss3_score IS NOT NULL AND"
		  " severity != 'unknown'",
		  &got);
	assert_true(strtol(got.v[0], NULL, 10) > 800);
	strv_done(&got);
	strv_done(&bads.lines);
}

/* A zip export built here from a few of the JSON files, with python's zipfile. */
static void test_osv_zip(void **state)
{
	_cleanup_free_ char *zip = path_of("%s/all.zip", tmpdir);
	_cleanup_free_ char *db = path_of("%s/zip.db", tmpdir);
	_cleanup_free_ char *cmd = path_of(
		"python3 -c 'import sys, zipfile, os\n"
		"z = zipfile.ZipFile(sys.argv[1], \"w\", zipfile.ZIP_DEFLATED)\n"
		"for f in sys.argv[2:]: z.write(f, os.path.basename(f))\n"
		"z.writestr(\"README.txt\", \"not an advisory\")\n"
		"z.writestr(\"BROKEN-1.json\", \"{\\\"id\\\": \")\n"
		"z.close()' '%s' '%s/feeds/osv/Go/GO-2020-0001.json' '%s/feeds/osv/Go/GO-2022-0646.json'"
		" '%s/feeds/osv/crates.io/RUSTSEC-2016-0001.json' '%s/feeds/osv/crates.io/RUSTSEC-2021-0012.json'"
		" '%s/feeds/osv/Go/GO-2024-2442.json'",
		zip, shared(), shared(), shared(), shared(), shared());
	struct bads bads = { 0 };
	struct cs_import_report rep = { .bad = on_bad, .userdata = &bads };
	struct strv got = { 0 }, want = { 0 }, none = { 0 };
	char head[512];
	size_t n;
	FILE *f;

	(void)state;
	run_lines(cmd, &none);
	f = fopen(zip, "rb");
	assert_non_null(f);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	assert_true(cs_importer_osv.detect(zip, false, head, n));
	import_into(&cs_importer_osv, zip, db, &rep);
	/* the broken member is one bad record, named by the zip and the member */
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(bads.lines.n, 1);
	assert_non_null(strstr(bads.lines.v[0], "all.zip!BROKEN-1.json|"));
	assert_int_equal(rep.vulns, 5);
	sql_lines(db, rows_sql, &got);
	expect("osv_expect.py", "rows", zip, &want);
	assert_same(&got, &want, "zip rows");
	strv_done(&got);
	strv_done(&want);
	strv_done(&bads.lines);
}

/* --- detection --- */

static bool detect_file(const struct cs_importer *imp, const char *path)
{
	char head[512]; /* what build.c hands over */
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return imp->detect(path, false, head, n);
}

static void test_detect(void **state)
{
	static const struct {
		const char *rel;
		bool osv, rubysec;
	} files[] = {
		{ "osv/Go/GO-2020-0001.json", true, false },
		{ "osv/crates.io/RUSTSEC-2016-0001.json", true, false },
		{ "osv/PyPI/accesscontrol/PYSEC-2021-335.yaml", true, false },
		{ "rubysec/gems/actionpack/CVE-2008-7248.yml", false, true },
		{ "kev/known_exploited_vulnerabilities.json", false, false },
		{ "alpine-secdb/v3.20/main.json", false, false },
	};
	static const struct {
		const char *rel;
		bool osv, rubysec;
	} dirs[] = {
		{ "osv/Go", true, false },	  { "osv/PyPI", true, false },
		{ "osv", true, false },		  { "rubysec/gems", false, true },
		{ "rubysec", false, false },	  { "", false, false },
		{ "alpine-secdb", false, false },
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *p = path_of("%s/feeds/%s", shared(), files[i].rel);

		if (detect_file(&cs_importer_osv, p) != files[i].osv ||
		    detect_file(&cs_importer_rubysec, p) != files[i].rubysec)
			fail_msg("detect %s", files[i].rel);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *p = path_of("%s/feeds/%s", shared(), dirs[i].rel);

		if (cs_importer_osv.detect(p, true, NULL, 0) != dirs[i].osv ||
		    cs_importer_rubysec.detect(p, true, NULL, 0) != dirs[i].rubysec)
			fail_msg("detect directory '%s'", dirs[i].rel);
	}
}

/* --- bad records, mapping --- */

static bool has_bad(struct bads *b, const char *prefix)
{
	for (size_t i = 0; i < b->lines.n; i++)
		if (!strncmp(b->lines.v[i], prefix, strlen(prefix)))
			return true;
	return false;
}

static void test_bad_records(void **state)
{
	_cleanup_free_ char *src = path_of("%s/osv/bad", testdata());
	_cleanup_free_ char *db = path_of("%s/bad.db", tmpdir);
	struct bads bads = { 0 };
	struct cs_import_report rep = { .bad = on_bad, .userdata = &bads };
	struct strv got = { 0 };
	static const char *const expected[] = {
		"missing-id.json|/id|",
		"wrong-types.json|/summary|",
		"partial.json|/aliases/1|",
		"partial.json|/affected/1/package|",
		"partial.json|/affected/2/ranges/0/events/1|",
		"partial.json|/affected/3/ranges/0/events|",
		"partial.json|/affected/4/ranges/0|unknown range type 'CALVER'",
		"truncated.json||",
		"alias.yaml||",
	};

	(void)state;
	import_into(&cs_importer_osv, src, db, &rep);
	for (size_t i = 0; i < bads.lines.n; i++)
		print_message("bad record: %s\n", bads.lines.v[i]);
	for (size_t i = 0; i < CS_ARRAY_SIZE(expected); i++)
		if (!has_bad(&bads, expected[i]))
			fail_msg("not reported: %s", expected[i]);
	/* partial.json's empty ranges did not become "every version" rows */
	assert_int_equal(bads.lines.n, CS_ARRAY_SIZE(expected));
	assert_int_equal(rep.skipped, CS_ARRAY_SIZE(expected));
	sql_lines(db, rows_sql, &got);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.v[0],
			    "npm\tgood-package\tTEST-PARTIAL\tosv:npm\t"
			    "[{\"introduced\":\"1.0.0\"},{\"fixed\":\"1.2.3\"}]\t1.2.3\tfixed");
	strv_done(&got);
	sql_lines(db, "SELECT id FROM vulnerabilities", &got);
	assert_int_equal(got.n, 1);
	strv_done(&got);
	strv_done(&bads.lines);

	/* a single file that is not JSON at all is an error, not a skipped record */
	{
		_cleanup_free_ char *one = path_of("%s/osv/bad/truncated.json", testdata());
		_cleanup_free_ char *db2 = path_of("%s/bad2.db", tmpdir);
		struct cs_vulndb_writer *w = NULL;
		struct cs_error err = CS_ERROR_INIT;
		struct cs_import_report rep2 = { 0 };

		assert_int_equal(cs_vulndb_writer_new(db2, &w, &err), 0);
		assert_int_equal(cs_importer_osv.import(w, one, &rep2, &err), -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "truncated.json"));
		/* and so is a file that cannot be read */
		assert_true(cs_importer_osv.import(w, "/nonexistent/GO-1.json", &rep2, &err) < 0);
		assert_true(cs_importer_rubysec.import(w, "/nonexistent/gems", &rep2, &err) < 0);
		assert_int_equal(rep2.skipped, 0);
		cs_vulndb_writer_free(w);
	}
}

static void test_mapping(void **state)
{
	_cleanup_free_ char *src = path_of("%s/osv/mapping", testdata());
	_cleanup_free_ char *db = path_of("%s/mapping.db", tmpdir);
	struct cs_import_report rep = { 0 };
	struct strv got = { 0 }, want = { 0 };
	static const char *const rows[] = {
		"pypi\tzope-interface-extra\tpep440\t[{\"introduced\":\"0\"},{\"last_affected\":\"2.0\"}]\t\taffected",
		"debian:12\topenssl\tdpkg\t[{\"introduced\":\"0\"},{\"fixed\":\"3.0.11-1~deb12u1\"}]\t3.0.11-1~deb12u1\tfixed",
		"alpine:3.20\tbusybox\tapk\t[{\"introduced\":\"0\"},{\"fixed\":\"1.36.1-r29\"}]\t1.36.1-r29\tfixed",
		"ubuntu:22.04\tcurl\tdpkg\t[{\"introduced\":\"0\"},{\"fixed\":\"7.81.0-1ubuntu1.15\"}]\t7.81.0-1ubuntu1.15\tfixed",
		"rocky:9\tkernel\trpm\t[{\"introduced\":\"0\"},{\"fixed\":\"0:5.14.0-362.8.1.el9_3\"}]\t0:5.14.0-362.8.1.el9_3\tfixed",
		"maven\torg.apache.logging.log4j:log4j-core\tmaven\t[{\"introduced\":\"2.0-beta9\"},{\"fixed\":\"2.15.0\"},{\"introduced\":\"2.16.0\"},{\"limit\":\"2.17.0\"}]\t2.15.0\tfixed",
		"go\tstdlib\tgo\t[{\"introduced\":\"0\"},{\"fixed\":\"1.21.5\"},{\"introduced\":\"1.22.0-0\"},{\"fixed\":\"1.22.1\"}]\t1.21.5, 1.22.1\tfixed",
		"npm\tonly-git\tsemver\t[{\"versions\":[\"1.0.0\",\"1.0.1\"]}]\t\taffected",
		"rubygems\track\tgem\t[{\"versions\":[\"2.2.0\"]}]\t\taffected",
		/* YAML: plain scalars stay text (1.10, not 1.1), the name is PEP 503 */
		"pypi\tsome-package\tpep440\t[{\"introduced\":\"0\"},{\"fixed\":\"1.10\"}]\t1.10\tfixed",
	};

	(void)state;
	import_into(&cs_importer_osv, src, db, &rep);
	assert_int_equal(rep.skipped, 0);
	sql_lines(db,
		  "SELECT namespace || char(9) || package || char(9) || scheme || char(9) ||"
		  " ranges || char(9) || coalesce(fixed, '') || char(9) || fix_state FROM affected",
		  &got);
	for (size_t i = 0; i < CS_ARRAY_SIZE(rows); i++)
		strv_add(&want, rows[i]);
	assert_same(&got, &want, "mapped rows");
	strv_done(&got);
	strv_done(&want);
	/* GHSA-style qualitative severity; CVSS v4 vector kept */
	sql_lines(db,
		  "SELECT severity || ' ' || cvss4_vector || ' ' || coalesce(withdrawn, '-') FROM"
		  " vulnerabilities WHERE id = 'GHSA-test-mapping'",
		  &got);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.v[0], "medium CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/"
				      "SC:N/SI:N/SA:N -");
	strv_done(&got);
	assert_int_equal(sql_int(db, "SELECT count(*) FROM vulnerabilities WHERE id ="
				     " 'PYSEC-TEST-1' AND withdrawn IS NULL AND modified ="
				     " '2024-04-01T00:00:00Z'"),
			 1);
}

/* The parser without a database: a sink that checks what it is handed. */
struct count_sink {
	unsigned vulns, aliases, affected;
};

static int cnt_vuln(void *ud, const struct cs_vuln *v, struct cs_error *err)
{
	(void)err;
	assert_non_null(v->id);
	((struct count_sink *)ud)->vulns++;
	return 0;
}

static int cnt_alias(void *ud, const char *id, const char *alias, struct cs_error *err)
{
	(void)err;
	assert_string_not_equal(id, alias);
	((struct count_sink *)ud)->aliases++;
	return 0;
}

static int cnt_affected(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	(void)err;
	assert_non_null(a->ranges);
	((struct count_sink *)ud)->affected++;
	return 0;
}

static void test_parse_sink(void **state)
{
	static const char yaml[] = "gem: rack\n"
				   "cve: 2099-0001\n"
				   "url: https://example.org\n"
				   "title: test\n"
				   "date: 2024-01-01\n"
				   "description: x\n"
				   "cvss_v3: 9.8\n"
				   "patched_versions:\n"
				   "  - \"~> 2.2.8\"\n"
				   "  - \">= 3.0.0\"\n";
	static const char osv[] =
		"{\"id\":\"X-1\",\"aliases\":[\"CVE-1\",\"X-1\"],\"withdrawn\":"
		"\"2024-01-01T00:00:00Z\",\"affected\":[{\"package\":{\"ecosystem\":"
		"\"npm\",\"name\":\"a\"},\"versions\":[\"1\"]}]}";
	struct count_sink c = { 0 };
	struct cs_record_sink sink = { cnt_vuln, cnt_alias, cnt_affected, &c };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_import_report rep = { 0 };

	(void)state;
	assert_int_equal(cs_rubysec_parse(yaml, sizeof(yaml) - 1, "gems/rack/CVE-2099-0001.yml",
					  &sink, &rep, &err),
			 0);
	assert_int_equal(c.vulns, 1);
	assert_int_equal(c.aliases, 0); /* the file id is the CVE */
	assert_int_equal(c.affected, 1);
	/* withdrawn: the record and its aliases, no affected rows */
	memset(&c, 0, sizeof(c));
	assert_int_equal(cs_osv_parse(osv, sizeof(osv) - 1, false, "x.json", &sink, &rep, &err), 0);
	assert_int_equal(c.vulns, 1);
	assert_int_equal(c.aliases, 2);
	assert_int_equal(c.affected, 0);
	assert_int_equal(rep.skipped, 0);
	/* YAML aliases and deep nesting are refused */
	{
		json_t *j = NULL;
		char deep[400];

		assert_true(cs_yaml_load("a: &x 1\nb: *x\n", 14, &j, &err) < 0);
		memset(deep, '[', sizeof(deep));
		assert_true(cs_yaml_load(deep, sizeof(deep), &j, &err) < 0);
		/* a surrogate spelt with an escape is bad input, not an allocation failure */
		assert_int_equal(cs_yaml_load("a: \"\\ud800\"\n", 13, &j, &err), -CS_E_INPUT);
		assert_int_equal(cs_yaml_load("a: [1, ~, true, \"x\"]\n", 21, &j, &err), 0);
		assert_true(json_is_string(json_array_get(json_object_get(j, "a"), 0)));
		assert_true(json_is_null(json_array_get(json_object_get(j, "a"), 1)));
		assert_true(json_is_true(json_array_get(json_object_get(j, "a"), 2)));
		json_decref(j);
	}
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(feeds_db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cvss_spec),	cmocka_unit_test(test_parse_sink),
		cmocka_unit_test(test_detect),		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_mapping),		cmocka_unit_test(test_osv_zip),
		cmocka_unit_test(test_cvss_nvd),	cmocka_unit_test(test_osv_feeds_rows),
		cmocka_unit_test(test_osv_feeds_vulns), cmocka_unit_test(test_osv_named),
		cmocka_unit_test(test_osv_withdrawn),	cmocka_unit_test(test_cvss_feeds),
		cmocka_unit_test(test_rubysec_feed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
