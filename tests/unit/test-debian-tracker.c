/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debian security tracker importer (src/vulndb/imp_debian.c).
 *
 * The real DSA/DLA lists ($CUSTOMS_SHARED/feeds/debian-tracker) are imported
 * into a database and every affected row is compared with an independent
 * regex-based reader in Python (tests/data/debian/dsa_reference.py), plus
 * exact rows looked up by hand in the files. data/CVE/list and the JSON
 * export are not available offline: tests/data/debian/CVE-list-excerpt and
 * json-excerpt.json are hand-written excerpts in their exact syntax, with
 * every state, checked row by row against what the tracker's syntax means.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "vulndb/distro.h"

extern const struct cs_importer cs_importer_debian;

static char tmpdir[] = "/tmp/cs-test-debian-XXXXXX";

struct bads {
	char lines[64][128];
	size_t n;
};

static void on_bad(void *ud, const char *file, const char *pos, const char *reason)
{
	struct bads *b = ud;

	(void)file;
	(void)reason;
	if (b->n < 64)
		snprintf(b->lines[b->n++], sizeof(b->lines[0]), "%s", pos);
}

static const char *env_path(const char *var, const char *rel, char *buf, size_t n)
{
	const char *base = getenv(var);

	if (!base)
		return NULL;
	snprintf(buf, n, "%s/%s", base, rel);
	return buf;
}

/* Import one file into a fresh database; returns the import's result. */
static int build(const char *file, const char *db, struct cs_import_report *rep,
		 struct cs_error *err)
{
	struct cs_vulndb_writer *w = NULL;
	int r;

	unlink(db);
	r = cs_vulndb_writer_new(db, &w, err);
	assert_int_equal(r, 0);
	r = cs_importer_debian.import(w, file, rep, err);
	if (r >= 0)
		assert_int_equal(cs_vulndb_writer_commit(w, err), 0);
	cs_vulndb_writer_free(w);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All affected rows, as the reference prints them, sorted bytewise. */
static char *dump_rows(const char *db)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	struct cs_buf out = CS_BUF_INIT(1u << 30);

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h,
					    "SELECT namespace, package, vuln_id, fix_state,"
					    " coalesce(fixed, ''), severity, coalesce(note, '')"
					    " FROM affected",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *l = cs_asprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", sqlite3_column_text(st, 0),
				      sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
				      sqlite3_column_text(st, 3), sqlite3_column_text(st, 4),
				      sqlite3_column_text(st, 5), sqlite3_column_text(st, 6));
		assert_non_null(l);
		assert_int_equal(CS_GROW(lines, cap, n + 1), 0);
		lines[n++] = l;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	qsort(lines, n, sizeof(*lines), cmp_str);
	assert_int_equal(cs_buf_puts(&out, ""), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(cs_buf_puts(&out, lines[i]), 0);
		free(lines[i]);
	}
	free(lines);
	return cs_buf_steal(&out, NULL);
}

static long long count(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* "state|fixed|severity|note|ranges" of one row, "" if there is none. */
static void row(const char *db, const char *ns, const char *pkg, const char *vid, char *out,
		size_t outsz)
{
	sqlite3 *h;
	sqlite3_stmt *st;

	out[0] = '\0';
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(h,
				   "SELECT fix_state, coalesce(fixed, ''), severity,"
				   " coalesce(note, ''), ranges, scheme FROM affected"
				   " WHERE namespace = ?1 AND package = ?2 AND vuln_id = ?3",
				   -1, &st, NULL),
		SQLITE_OK);
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pkg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, vid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		assert_string_equal((const char *)sqlite3_column_text(st, 5), "dpkg");
		snprintf(out, outsz, "%s|%s|%s|%s|%s", sqlite3_column_text(st, 0),
			 sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
			 sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
		/* exactly one row for the key */
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

#define assert_row(db, ns, pkg, vid, expect)               \
	do {                                               \
		char got_[1024];                           \
		row(db, ns, pkg, vid, got_, sizeof(got_)); \
		assert_string_equal(got_, expect);         \
	} while (0)

static char *run_python(const char *script, const char *file)
{
	char cmd[4096];
	struct cs_buf out = CS_BUF_INIT(1u << 30);
	char chunk[65536];
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", script, file);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(cs_buf_append(&out, chunk, n), 0);
	assert_int_equal(pclose(f), 0);
	assert_true(out.len > 0);
	return cs_buf_steal(&out, NULL);
}

static void check_real_list(const char *name)
{
	char file[4096], script[4096], db[4200], line[64];
	struct bads bads = { .n = 0 };
	struct cs_import_report rep = { .bad = on_bad, .userdata = &bads };
	struct cs_error err = CS_ERROR_INIT;
	char *ref, *got, *trailer;
	long long want;
	size_t nbad = 0;

	if (!getenv("CUSTOMS_SHARED"))
		skip();
	snprintf(file, sizeof(file), "%s/feeds/debian-tracker/%s", getenv("CUSTOMS_SHARED"), name);
	assert_non_null(
		env_path("CUSTOMS_TESTDATA", "debian/dsa_reference.py", script, sizeof(script)));
	snprintf(db, sizeof(db), "%s/%s.db", tmpdir, name);

	assert_int_equal(build(file, db, &rep, &err), 0);
	ref = run_python(script, file);
	got = dump_rows(db);

	/* every row, field by field */
	trailer = strstr(ref, "#advisories ");
	assert_non_null(trailer);
	*trailer = '\0';
	if (strcmp(ref, got) != 0) {
		size_t i = 0;
		while (ref[i] && ref[i] == got[i])
			i++;
		while (i && ref[i - 1] != '\n')
			i--;
		fprintf(stderr, "first difference:\nreference: %.200s\ncustoms:   %.200s\n",
			ref + i, got + i);
	}
	assert_string_equal(ref, got);
	*trailer = '#';

	/* advisories, aliases and the lines reported as bad */
	assert_int_equal(sscanf(trailer, "#advisories %lld", &want), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM vulnerabilities WHERE id LIKE 'DSA-%'"
				   " OR id LIKE 'DLA-%'"),
			 want);
	trailer = strstr(trailer, "#aliases ");
	assert_non_null(trailer);
	assert_int_equal(sscanf(trailer, "#aliases %lld", &want), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM aliases"), want);
	for (char *b = strstr(trailer, "#bad "); b; b = strstr(b + 1, "#bad ")) {
		long long ln;
		assert_int_equal(sscanf(b, "#bad %lld", &ln), 1);
		snprintf(line, sizeof(line), "line %lld", ln);
		assert_true(nbad < bads.n);
		assert_string_equal(bads.lines[nbad], line);
		nbad++;
	}
	assert_int_equal(nbad, bads.n);
	assert_int_equal(rep.skipped, bads.n);
	assert_true(rep.records >= (uint64_t)count(db, "SELECT count(*) FROM affected"));
	assert_int_equal(count(db, "SELECT count(*) FROM sources WHERE kind = 'debian-tracker'"),
			 1);
	free(ref);
	free(got);
}

static void test_dsa_list(void **state)
{
	char file[4096], db[4200];

	(void)state;
	check_real_list("DSA-list");
	if (!env_path("CUSTOMS_SHARED", "feeds/debian-tracker/DSA-list", file, sizeof(file)))
		skip();
	snprintf(db, sizeof(db), "%s/DSA-list.db", tmpdir);
	/* looked up in the file: DSA-5343-1 openssl (bullseye), DSA-746-1 / DSA-789-1 (woody, high)
	 */
	assert_row(db, "debian:11", "openssl", "CVE-2023-0286",
		   "fixed|1.1.1n-0+deb11u4|unknown|DSA-5343-1|"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"1.1.1n-0+deb11u4\"}]");
	assert_row(db, "debian:3.0", "phpgroupware", "CVE-2005-1921", "affected||high||[]");
	assert_row(db, "debian:3.1", "phpgroupware", "CVE-2005-1921",
		   "fixed|0.9.16.005-3.sarge0|high|DSA-746-1|"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"0.9.16.005-3.sarge0\"}]");
	/* a fix for bullseye says nothing about bookworm */
	assert_row(db, "debian:12", "openssl", "CVE-2023-0286", "");
	/* "DSA-5356-2 sox - regression update" names no CVE: it is its own id */
	assert_row(db, "debian:11", "sox", "DSA-5356-2",
		   "fixed|14.4.2+git20190427-2+deb11u2|unknown|DSA-5356-2|"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"14.4.2+git20190427-2+deb11u2\"}]");
}

static void test_dla_list(void **state)
{
	char db[4200];

	(void)state;
	check_real_list("DLA-list");
	snprintf(db, sizeof(db), "%s/DLA-list.db", tmpdir);
	assert_row(db, "debian:10", "systemd", "CVE-2023-26604",
		   "fixed|241-7~deb10u9|unknown|DLA-3377-1|"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"241-7~deb10u9\"}]");
}

static int print_row(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	struct cs_buf *b = ud;

	(void)err;
	return cs_buf_printf(b, "%s %s %s;", a->vuln_id, cs_fix_state_name(a->fix_state),
			     a->fixed ? a->fixed : "-");
}

static void test_dsa_2025(void **state)
{
	char db[4200];
	struct cs_vulndb *h = NULL;
	struct cs_vuln *v = NULL;
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(1 << 20);

	(void)state;
	check_real_list("DSA-list-2025-2026");
	snprintf(db, sizeof(db), "%s/DSA-list-2025-2026.db", tmpdir);
	/* [01 Oct 2025] DSA-6015-1 openssl: {CVE-2025-9230 CVE-2025-9232}, bookworm and trixie */
	assert_row(db, "debian:12", "openssl", "CVE-2025-9230",
		   "fixed|3.0.17-1~deb12u3|unknown|DSA-6015-1|"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"3.0.17-1~deb12u3\"}]");
	assert_row(db, "debian:13", "openssl", "CVE-2025-9232",
		   "fixed|3.5.1-1+deb13u1|unknown|DSA-6015-1|"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"3.5.1-1+deb13u1\"}]");

	/* through the reader API as well */
	assert_int_equal(cs_vulndb_open(db, &h, &err), 0);
	assert_int_equal(cs_vulndb_lookup(h, "debian:12", "openssl", print_row, &b, &err), 0);
	assert_string_equal(b.data, "CVE-2025-9230 fixed 3.0.17-1~deb12u3;"
				    "CVE-2025-9232 fixed 3.0.17-1~deb12u3;"
				    "CVE-2026-28387 fixed 3.0.19-1~deb12u2;"
				    "CVE-2026-28388 fixed 3.0.19-1~deb12u2;"
				    "CVE-2026-28389 fixed 3.0.19-1~deb12u2;"
				    "CVE-2026-28390 fixed 3.0.19-1~deb12u2;"
				    "CVE-2026-31789 fixed 3.0.19-1~deb12u2;"
				    "CVE-2026-31790 fixed 3.0.19-1~deb12u2;");
	assert_int_equal(cs_vulndb_get_vuln(h, "DSA-6015-1", &v, &err), 1);
	assert_string_equal(v->summary, "openssl - security update");
	assert_string_equal(v->published, "2025-10-01T00:00:00Z");
	cs_vuln_free(v);
	cs_vulndb_close(h);
	assert_int_equal(count(db, "SELECT count(*) FROM aliases WHERE id = 'CVE-2025-9230'"
				   " AND alias = 'DSA-6015-1'"),
			 1);
}

static void test_cve_list_excerpt(void **state)
{
	char file[4096], db[4200];
	struct bads bads = { .n = 0 };
	struct cs_import_report rep = { .bad = on_bad, .userdata = &bads };
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_non_null(
		env_path("CUSTOMS_TESTDATA", "debian/CVE-list-excerpt", file, sizeof(file)));
	snprintf(db, sizeof(db), "%s/cve.db", tmpdir);
	assert_int_equal(build(file, db, &rep, &err), 0);

	/* CVE-2024-99001: fixed in sid and bookworm, no-dsa and postponed in older releases */
	assert_row(db, "debian:unstable", "libfoo", "CVE-2024-99001",
		   "fixed|1.2.4-1|unknown||[{\"introduced\":\"0\"},{\"fixed\":\"1.2.4-1\"}]");
	assert_row(db, "debian:12", "libfoo", "CVE-2024-99001",
		   "fixed|1.2.3-2+deb12u1|unknown||"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"1.2.3-2+deb12u1\"}]");
	assert_row(db, "debian:11", "libfoo", "CVE-2024-99001",
		   "wont-fix||unknown|no-dsa: Minor issue|[]");
	assert_row(db, "debian:10", "libfoo", "CVE-2024-99001",
		   "wont-fix||unknown|postponed: Revisit when fixed upstream|[]");
	assert_int_equal(count(db, "SELECT count(*) FROM aliases WHERE id = 'CVE-2024-99001'"
				   " AND alias IN ('DSA-5999-1', 'DLA-3999-1')"),
			 2);
	/* CVE-2024-99002: unfixed and unimportant in sid; releases take sid's urgency */
	assert_row(db, "debian:unstable", "bar", "CVE-2024-99002", "affected||negligible||[]");
	assert_row(db, "debian:12", "bar", "CVE-2024-99002",
		   "wont-fix||negligible|ignored: Minor issue; intrusive to backport|[]");
	assert_row(db, "debian:11", "bar", "CVE-2024-99002",
		   "end-of-life||negligible|bar is not supported in bullseye|[]");
	/* CVE-2024-99003: not-affected, urgency low, undetermined, an epoch */
	assert_row(db, "debian:unstable", "baz", "CVE-2024-99003",
		   "not-affected||unknown|Vulnerable code introduced later|[]");
	assert_row(db, "debian:unstable", "qux", "CVE-2024-99003",
		   "fixed|2.0-1|low||[{\"introduced\":\"0\"},{\"fixed\":\"2.0-1\"}]");
	assert_row(db, "debian:13", "qux", "CVE-2024-99003", "under-investigation||low||[]");
	assert_row(
		db, "debian:12", "qux", "CVE-2024-99003",
		"fixed|1:1.9-1+deb12u1|low||[{\"introduced\":\"0\"},{\"fixed\":\"1:1.9-1+deb12u1\"}]");
	/* the urgency after the bug number; a release's own urgency wins */
	assert_row(db, "debian:unstable", "oldpkg", "CVE-2024-99008",
		   "fixed|3.1-2|medium||[{\"introduced\":\"0\"},{\"fixed\":\"3.1-2\"}]");
	assert_row(db, "debian:12", "oldpkg", "CVE-2024-99008", "affected||high||[]");

	/* RESERVED, REJECTED, NOT-FOR-US, <removed> and CVE-XXXX placeholders write no row */
	assert_int_equal(count(db, "SELECT count(*) FROM affected"), 13);
	assert_int_equal(count(db, "SELECT count(*) FROM affected WHERE vuln_id IN"
				   " ('CVE-2024-99004', 'CVE-2024-99005', 'CVE-2024-99006',"
				   " 'CVE-2024-99007') OR vuln_id LIKE '%XXXX%'"),
			 0);
	assert_int_equal(count(db, "SELECT count(*) FROM vulnerabilities WHERE id IN"
				   " ('CVE-2024-99004', 'CVE-2024-99005', 'CVE-2024-99006')"),
			 0);
	assert_int_equal(
		count(db, "SELECT count(*) FROM vulnerabilities WHERE id ="
			  " 'CVE-2024-99001' AND summary LIKE 'Buffer overflow in the chunk%'"),
		1);
	/* "[bookworm] - broken" and "[hamm2] - ..." are reported with their lines */
	assert_int_equal(bads.n, 2);
	assert_string_equal(bads.lines[0], "line 32");
	assert_string_equal(bads.lines[1], "line 33");
	assert_int_equal(rep.skipped, 2);
	assert_int_equal(
		count(db, "SELECT count(*) FROM sources WHERE name = 'debian-tracker:CVE'"), 1);
}

static void test_json_excerpt(void **state)
{
	char file[4096], db[4200];
	struct bads bads = { .n = 0 };
	struct cs_import_report rep = { .bad = on_bad, .userdata = &bads };
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_non_null(
		env_path("CUSTOMS_TESTDATA", "debian/json-excerpt.json", file, sizeof(file)));
	snprintf(db, sizeof(db), "%s/json.db", tmpdir);
	assert_int_equal(build(file, db, &rep, &err), 0);

	assert_row(db, "debian:12", "libfoo", "CVE-2024-99001",
		   "fixed|1.2.3-2+deb12u1|unknown||"
		   "[{\"introduced\":\"0\"},{\"fixed\":\"1.2.3-2+deb12u1\"}]");
	assert_row(db, "debian:11", "libfoo", "CVE-2024-99001",
		   "wont-fix||unknown|no-dsa: Minor issue|[]");
	assert_row(db, "debian:10", "libfoo", "CVE-2024-99001", "end-of-life||unknown||[]");
	assert_row(db, "debian:unstable", "libfoo", "CVE-2024-99001",
		   "fixed|1.2.4-1|unknown||[{\"introduced\":\"0\"},{\"fixed\":\"1.2.4-1\"}]");
	/* fixed_version "0": never vulnerable */
	assert_row(db, "debian:13", "libfoo", "CVE-2024-99001", "not-affected||negligible||[]");
	assert_row(db, "debian:12", "libfoo", "TEMP-1060002-4A3F1B", "affected||low||[]");
	assert_row(db, "debian:12", "bar", "CVE-2024-99002",
		   "wont-fix||medium|postponed: Revisit when fixed upstream|[]");
	assert_row(db, "debian:13", "bar", "CVE-2024-99002", "under-investigation||high||[]");
	assert_int_equal(count(db, "SELECT count(*) FROM affected"), 8);
	assert_int_equal(count(db,
			       "SELECT count(*) FROM vulnerabilities WHERE id ="
			       " 'CVE-2024-99002' AND summary = 'Integer overflow in bar_decode()"
			       " in bar 0.9.'"),
			 1);
	/* the unknown release "hamm2" */
	assert_int_equal(bads.n, 1);
	assert_string_equal(bads.lines[0], "/bar/CVE-2024-99002/releases/hamm2");
}

static bool detect_file(const char *var, const char *rel)
{
	char path[4096], head[4096];
	size_t n;
	FILE *f;

	if (!env_path(var, rel, path, sizeof(path)))
		return false;
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return cs_importer_debian.detect(path, false, head, n);
}

static void test_detect(void **state)
{
	(void)state;
	assert_true(detect_file("CUSTOMS_TESTDATA", "debian/CVE-list-excerpt"));
	assert_true(detect_file("CUSTOMS_TESTDATA", "debian/json-excerpt.json"));
	if (getenv("CUSTOMS_SHARED")) {
		assert_true(detect_file("CUSTOMS_SHARED", "feeds/debian-tracker/DSA-list"));
		assert_true(detect_file("CUSTOMS_SHARED", "feeds/debian-tracker/DLA-list"));
		assert_false(detect_file("CUSTOMS_SHARED", "feeds/oval/org.rockylinux.rlsa-9.xml"));
		assert_false(detect_file("CUSTOMS_SHARED",
					 "feeds/kev/known_exploited_vulnerabilities.json"));
	}
	assert_false(cs_importer_debian.detect("x", false, "{\"a\": {\"b\": 1}}", 16));
	assert_false(cs_importer_debian.detect("x", false, "[01 Jan 2024] XSA-1 x", 21));
	assert_false(cs_importer_debian.detect("x", true, NULL, 0));
}

static int count_cb(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	(void)a;
	(void)err;
	(*(int *)ud)++;
	return 0;
}

static void test_malformed(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_import_report rep = { 0 };
	int n = 0;
	struct cs_record_sink sink = { .affected = count_cb, .userdata = &n };
	static const char *const bad_json[] = {
		"",
		"{",
		"{\"pkg\": {\"CVE-2024-1\": {\"releases\": {}}}",
		"{\"pkg\": {\"CVE-2024-1\": {}}} x",
		"{\"pkg\": [1]}",
		"[]",
	};

	(void)state;
	assert_int_equal(cs_debian_list_parse("hello\nworld\n", 12, "t", &sink, &rep, &err),
			 -CS_E_INPUT);
	assert_int_equal(cs_debian_list_parse("", 0, "t", &sink, &rep, &err), -CS_E_INPUT);
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad_json); i++)
		assert_int_equal(cs_debian_json_parse(bad_json[i], strlen(bad_json[i]), "t", &sink,
						      &rep, &err),
				 -CS_E_INPUT);
	/* a NUL byte and a line without its record go to the report, not further */
	rep.skipped = 0;
	{
		static const char nul[] = "\t- x 1.0\n[01 Jan 2024] DSA-1-1 x - y\n"
					  "\t[bookworm] - x 1.\0-1\n";
		assert_int_equal(cs_debian_list_parse(nul, sizeof(nul) - 1, "t", &sink, &rep, &err),
				 0);
	}
	assert_int_equal(rep.skipped, 2);
	assert_int_equal(n, 0);
	/* an id list of a thousand bad ids stays bounded */
	{
		_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(1 << 20);
		assert_int_equal(cs_buf_puts(&b, "[01 Jan 2024] DSA-1-1 x - y\n\t{"), 0);
		for (int i = 0; i < 1000; i++)
			assert_int_equal(cs_buf_puts(&b, "CVE-X "), 0);
		assert_int_equal(cs_buf_puts(&b, "}\n\t[bookworm] - x 1.0-1\n"), 0);
		rep.skipped = 0;
		assert_int_equal(cs_debian_list_parse(b.data, b.len, "t", &sink, &rep, &err), 0);
		assert_int_equal(rep.skipped, 1000);
		assert_int_equal(n, 1); /* the DSA itself */
	}
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsa_list),     cmocka_unit_test(test_dla_list),
		cmocka_unit_test(test_dsa_2025),     cmocka_unit_test(test_cve_list_excerpt),
		cmocka_unit_test(test_json_excerpt), cmocka_unit_test(test_detect),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
