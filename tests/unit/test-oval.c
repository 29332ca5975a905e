/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OVAL importer (src/vulndb/imp_oval.c).
 *
 * The real Ubuntu, Rocky and (bzip2) Debian OVAL files of
 * $CUSTOMS_SHARED/feeds/oval are imported into a database and every
 * affected row is compared with an independent reader built on Python's
 * xml.etree.ElementTree and bz2 (tests/data/oval/oval_reference.py), plus
 * rows looked up by hand in the files. Hostile documents (billion laughs,
 * external entities, deep nesting, truncated bzip2) must fail cleanly,
 * expand nothing and touch no network.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sqlite3.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "vulndb/distro.h"

extern const struct cs_importer cs_importer_oval;

static char tmpdir[] = "/tmp/cs-test-oval-XXXXXX";

static const char *env_path(const char *var, const char *rel, char *buf, size_t n)
{
	const char *base = getenv(var);

	if (!base)
		return NULL;
	snprintf(buf, n, "%s/%s", base, rel);
	return buf;
}

static int build(const char *file, const char *db, struct cs_import_report *rep,
		 struct cs_error *err)
{
	struct cs_vulndb_writer *w = NULL;
	int r;

	unlink(db);
	assert_int_equal(cs_vulndb_writer_new(db, &w, err), 0);
	r = cs_importer_oval.import(w, file, rep, err);
	if (r >= 0)
		assert_int_equal(cs_vulndb_writer_commit(w, err), 0);
	cs_vulndb_writer_free(w);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *query_lines(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	struct cs_buf out = CS_BUF_INIT(1u << 30);

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct cs_buf l = CS_BUF_INIT(1 << 20);
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *t = sqlite3_column_text(st, c);
			assert_int_equal(
				cs_buf_printf(&l, "%s%s", c ? "\t" : "", t ? (const char *)t : ""),
				0);
		}
		assert_int_equal(cs_buf_putc(&l, '\n'), 0);
		assert_int_equal(CS_GROW(lines, cap, n + 1), 0);
		lines[n++] = cs_buf_steal(&l, NULL);
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

static char *run_python(const char *script, const char *file, const char *ns)
{
	char cmd[4096], chunk[65536];
	struct cs_buf out = CS_BUF_INIT(1u << 30);
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' '%s'", script, file, ns);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(cs_buf_append(&out, chunk, n), 0);
	assert_int_equal(pclose(f), 0);
	assert_true(out.len > 0);
	return cs_buf_steal(&out, NULL);
}

static void print_bad(void *ud, const char *file, const char *pos, const char *reason)
{
	(void)ud;
	fprintf(stderr, "bad record: %s: %s: %s\n", file, pos, reason);
}

static void check_real(const char *name, const char *ns, const char *dbname)
{
	char file[4096], script[4096], db[4200];
	struct cs_import_report rep = { .bad = print_bad };
	struct cs_error err = CS_ERROR_INIT;
	char *ref, *got;

	if (!getenv("CUSTOMS_SHARED"))
		skip();
	snprintf(file, sizeof(file), "%s/feeds/oval/%s", getenv("CUSTOMS_SHARED"), name);
	assert_non_null(
		env_path("CUSTOMS_TESTDATA", "oval/oval_reference.py", script, sizeof(script)));
	snprintf(db, sizeof(db), "%s/%s", tmpdir, dbname);
	if (build(file, db, &rep, &err) < 0)
		fail_msg("import failed: %s", err.msg);
	ref = run_python(script, file, ns);
	got = query_lines(db, "SELECT namespace, package, vuln_id, scheme, fixed, severity,"
			      " coalesce(note, '') FROM affected");
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
	assert_int_equal(rep.skipped, 0);
	free(ref);
	free(got);
}

static void assert_query(const char *db, const char *sql, const char *expect)
{
	char *got = query_lines(db, sql);

	assert_string_equal(got, expect);
	free(got);
}

static void test_ubuntu(void **state)
{
	char db[4200];

	(void)state;
	check_real("com.ubuntu.noble.usn.oval.xml", "ubuntu:24.04", "ubuntu.db");
	snprintf(db, sizeof(db), "%s/ubuntu.db", tmpdir);
	/* USN-7087-1 -- libarchive vulnerability: the binary packages of its variable */
	assert_query(db,
		     "SELECT package, fixed, severity, ranges, fix_state, source FROM affected"
		     " WHERE vuln_id = 'CVE-2024-20696' AND note = 'USN-7087-1'",
		     "libarchive-dev\t0:3.7.2-2ubuntu0.3\tmedium\t"
		     "[{\"introduced\":\"0\"},{\"fixed\":\"0:3.7.2-2ubuntu0.3\"}]\tfixed\t"
		     "oval:ubuntu:24.04\n"
		     "libarchive-tools\t0:3.7.2-2ubuntu0.3\tmedium\t"
		     "[{\"introduced\":\"0\"},{\"fixed\":\"0:3.7.2-2ubuntu0.3\"}]\tfixed\t"
		     "oval:ubuntu:24.04\n"
		     "libarchive13t64\t0:3.7.2-2ubuntu0.3\tmedium\t"
		     "[{\"introduced\":\"0\"},{\"fixed\":\"0:3.7.2-2ubuntu0.3\"}]\tfixed\t"
		     "oval:ubuntu:24.04\n");
	assert_query(db,
		     "SELECT id, summary, severity, published FROM vulnerabilities"
		     " WHERE id = 'USN-7087-1'",
		     "USN-7087-1\tUSN-7087-1 -- libarchive vulnerability\tmedium\t"
		     "2024-10-31T00:00:00Z\n");
	assert_query(db, "SELECT alias FROM aliases WHERE id = 'CVE-2024-20696'", "USN-7087-1\n");
	/* Ubuntu's CVSS of the CVE travels with it */
	assert_query(
		db,
		"SELECT cvss3_score, cvss3_vector FROM vulnerabilities WHERE id = 'CVE-2023-6270'",
		"7.0\tCVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H\n");
	assert_query(db, "SELECT name, kind FROM sources", "oval:ubuntu:24.04\toval\n");
}

static void test_rocky(void **state)
{
	char db[4200];

	(void)state;
	check_real("org.rockylinux.rlsa-9.xml", "rocky:9", "rocky.db");
	snprintf(db, sizeof(db), "%s/rocky.db", tmpdir);
	/* RLSA-2022:4582: gzip security update (Important); no CVE references */
	assert_query(db,
		     "SELECT package, scheme, fixed, severity FROM affected"
		     " WHERE vuln_id = 'RLSA-2022:4582'",
		     "gzip\trpm\t0:1.10-9.el9_0\thigh\n"
		     "gzip-debuginfo\trpm\t0:1.10-9.el9_0\thigh\n"
		     "gzip-debugsource\trpm\t0:1.10-9.el9_0\thigh\n");
	assert_query(db, "SELECT summary FROM vulnerabilities WHERE id = 'RLSA-2022:4582'",
		     "RLSA-2022:4582: gzip security update (Important)\n");
}

static void test_debian_bz2(void **state)
{
	char db[4200];

	(void)state;
	check_real("oval-definitions-bookworm-20230714.xml.bz2", "debian:12", "debian.db");
	snprintf(db, sizeof(db), "%s/debian.db", tmpdir);
	/* CVE-1999-0199 glibc: "glibc DPKG is earlier than 2.2-1" */
	assert_query(db,
		     "SELECT namespace, package, fixed, fix_state FROM affected"
		     " WHERE vuln_id = 'CVE-1999-0199'",
		     "debian:12\tglibc\t0:2.2-1\tfixed\n");
	assert_query(db,
		     "SELECT substr(summary, 1, 40) FROM vulnerabilities"
		     " WHERE id = 'CVE-1999-0199'",
		     "manual/search.texi in the GNU C Library \n");
}

/* A Red Hat style document: cpe namespace, <cve> with impact and cvss3, negate, no platform. */
static const char rhel_doc[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!-- a comment before the root -->\n"
	"<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\""
	" xmlns:red-def=\"http://oval.mitre.org/XMLSchema/oval-definitions-5#linux\">"
	"<definitions><definition class=\"patch\" id=\"oval:com.redhat.rhsa:def:20240001\">"
	"<metadata><title>RHSA-2024:0001: foo security update (Moderate)</title>"
	"<reference ref_id=\"RHSA-2024:0001\" ref_url=\"https://access.redhat.com/errata/RHSA-2024:0001\""
	" source=\"RHSA\"/>"
	"<description>foo fixes</description>"
	"<advisory from=\"secalert@redhat.com\"><severity>Moderate</severity>"
	"<issued date=\"2024-01-02\"/>"
	"<cve cvss3=\"9.8/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\" impact=\"critical\""
	" href=\"https://access.redhat.com/security/cve/CVE-2024-0001\">CVE-2024-0001</cve>"
	"<cve impact=\"low\">CVE-2024-0002</cve>"
	"<affected_cpe_list><cpe>cpe:/a:redhat:enterprise_linux:9::appstream</cpe>"
	"</affected_cpe_list></advisory></metadata>"
	"<criteria operator=\"OR\"><criterion test_ref=\"oval:t:tst:1\"/>"
	"<criteria operator=\"AND\"><criterion test_ref=\"oval:t:tst:2\"/>"
	"<criterion test_ref=\"oval:t:tst:3\" negate=\"true\"/>"
	"<criterion test_ref=\"oval:t:tst:4\"/></criteria></criteria>"
	"</definition></definitions>"
	"<tests>"
	"<red-def:rpminfo_test id=\"oval:t:tst:1\"><red-def:object object_ref=\"oval:t:obj:1\"/>"
	"<red-def:state state_ref=\"oval:t:ste:sig\"/></red-def:rpminfo_test>"
	"<red-def:rpminfo_test id=\"oval:t:tst:2\"><red-def:object object_ref=\"oval:t:obj:2\"/>"
	"<red-def:state state_ref=\"oval:t:ste:2\"/></red-def:rpminfo_test>"
	"<red-def:rpminfo_test id=\"oval:t:tst:3\"><red-def:object object_ref=\"oval:t:obj:3\"/>"
	"<red-def:state state_ref=\"oval:t:ste:2\"/></red-def:rpminfo_test>"
	"<red-def:rpminfo_test id=\"oval:t:tst:4\"><red-def:object object_ref=\"oval:t:obj:missing\"/>"
	"<red-def:state state_ref=\"oval:t:ste:2\"/></red-def:rpminfo_test>"
	"</tests><objects>"
	"<red-def:rpminfo_object id=\"oval:t:obj:1\"><red-def:name>redhat-release</red-def:name>"
	"</red-def:rpminfo_object>"
	"<red-def:rpminfo_object id=\"oval:t:obj:2\"><red-def:name>foo-libs</red-def:name>"
	"</red-def:rpminfo_object>"
	"<red-def:rpminfo_object id=\"oval:t:obj:3\"><red-def:name>foo-negated</red-def:name>"
	"</red-def:rpminfo_object>"
	"</objects><states>"
	"<red-def:rpminfo_state id=\"oval:t:ste:sig\"><red-def:signature_keyid operation=\"equals\">"
	"199e2f91fd431d51</red-def:signature_keyid></red-def:rpminfo_state>"
	"<red-def:rpminfo_state id=\"oval:t:ste:2\"><red-def:evr datatype=\"evr_string\""
	" operation=\"less than\">0:1.2-3.el9</red-def:evr></red-def:rpminfo_state>"
	"</states></oval_definitions>\n";

struct rows {
	struct cs_buf b;
};

static int collect_affected(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	struct rows *r = ud;

	(void)err;
	return cs_buf_printf(&r->b, "%s %s %s %s %s %s %s|", a->namespace, a->package, a->vuln_id,
			     cs_vulndb_scheme_name(a->scheme), a->fixed,
			     cs_severity_name(a->severity), a->note ? a->note : "-");
}

static int collect_vuln(void *ud, const struct cs_vuln *v, struct cs_error *err)
{
	struct rows *r = ud;

	(void)err;
	return cs_buf_printf(&r->b, "V %s %s %.1f|", v->id, cs_severity_name(v->severity),
			     v->cvss3_score);
}

static void test_rhel_style(void **state)
{
	struct rows rows = { CS_BUF_INIT(1 << 20) };
	struct cs_record_sink sink = { .vuln = collect_vuln,
				       .affected = collect_affected,
				       .userdata = &rows };
	struct cs_import_report rep = { 0 };
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(
		cs_oval_parse(rhel_doc, sizeof(rhel_doc) - 1, "rhel.xml", &sink, &rep, &err), 0);
	assert_string_equal(rows.b.data,
			    "V RHSA-2024:0001 medium 0.0|V CVE-2024-0001 unknown 9.8|"
			    "V CVE-2024-0002 unknown 0.0|"
			    "rhel:9 foo-libs CVE-2024-0001 rpm 0:1.2-3.el9 critical RHSA-2024:0001|"
			    "rhel:9 foo-libs CVE-2024-0002 rpm 0:1.2-3.el9 low RHSA-2024:0001|");
	cs_buf_done(&rows.b);
}

static int count_any(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	(void)a;
	(void)err;
	(*(int *)ud)++;
	return 0;
}

static int parse_str(const char *doc, size_t len, struct cs_error *err, int *n)
{
	struct cs_record_sink sink = { .affected = count_any, .userdata = n };
	struct cs_import_report rep = { 0 };

	cs_error_clear(err);
	return cs_oval_parse(doc, len, "hostile.xml", &sink, &rep, err);
}

static const char laughs[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE lolz [\n"
	" <!ENTITY lol \"lol\">\n"
	" <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	"]>\n"
	"<oval_definitions><definitions><definition class=\"patch\" id=\"a:b:def:1\">"
	"<metadata><title a=\"&lol9;\">&lol9;</title></metadata></definition></definitions>"
	"</oval_definitions>\n";

static void test_hostile(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	char path[4300], doc[512], secret[4200];
	int n = 0, fd;

	(void)state;
	/* billion laughs: refused at the declaration, nothing expanded */
	assert_int_equal(parse_str(laughs, sizeof(laughs) - 1, &err, &n), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "document type declarations are not allowed"));

	/* external entity reading a local file */
	snprintf(secret, sizeof(secret), "%s/secret", tmpdir);
	fd = open(secret, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "TOPSECRET", 9), 9);
	close(fd);
	snprintf(doc, sizeof(doc),
		 "<!-- x --><!DOCTYPE o [<!ENTITY xxe SYSTEM \"file://%s\">]>"
		 "<oval_definitions>&xxe;</oval_definitions>",
		 secret);
	assert_int_equal(parse_str(doc, strlen(doc), &err, &n), -CS_E_INPUT);
	assert_null(strstr(err.msg, "TOPSECRET"));

	/* an entity reference without a declaration is just malformed */
	snprintf(doc, sizeof(doc),
		 "<oval_definitions><generator>&xxe;</generator></oval_definitions>");
	assert_int_equal(parse_str(doc, strlen(doc), &err, &n), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "malformed XML"));

	/* deep nesting */
	{
		struct cs_buf b = CS_BUF_INIT(1 << 20);
		assert_int_equal(cs_buf_puts(&b, "<oval_definitions>"), 0);
		for (int i = 0; i < 5000; i++)
			assert_int_equal(cs_buf_puts(&b, "<a>"), 0);
		assert_int_equal(parse_str(b.data, b.len, &err, &n), -CS_E_LIMIT);
		cs_buf_done(&b);
	}

	/* not OVAL, not XML, empty, UTF-16 */
	assert_int_equal(parse_str("<html/>", 7, &err, &n), -CS_E_INPUT);
	assert_int_equal(parse_str("hello", 5, &err, &n), -CS_E_INPUT);
	assert_int_equal(parse_str("", 0, &err, &n), -CS_E_INPUT);
	assert_int_equal(parse_str("\xff\xfe<\0o\0/\0>\0", 10, &err, &n), -CS_E_INPUT);
	/* truncated document */
	assert_int_equal(parse_str(rhel_doc, 700, &err, &n), -CS_E_INPUT);
	assert_int_equal(n, 0);

	/* truncated bzip2 */
	if (env_path("CUSTOMS_SHARED", "feeds/oval/oval-definitions-bookworm-20230714.xml.bz2",
		     path, sizeof(path))) {
		char cut[4300], buf[65536];
		struct cs_import_report rep = { 0 };
		struct cs_record_sink sink = { .affected = count_any, .userdata = &n };
		FILE *in = fopen(path, "rb"), *out;
		size_t got;
		snprintf(cut, sizeof(cut), "%s/cut-oval-definitions-bookworm.xml.bz2", tmpdir);
		out = fopen(cut, "wb");
		assert_non_null(in);
		assert_non_null(out);
		for (int i = 0; i < 8 && (got = fread(buf, 1, sizeof(buf), in)) > 0; i++)
			assert_int_equal(fwrite(buf, 1, got, out), got);
		fclose(in);
		fclose(out);
		cs_error_clear(&err);
		n = 0;
		assert_true(cs_oval_parse_file(cut, &sink, &rep, &err) < 0);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(n, 0);
	}
}

/* A listening socket on loopback: nothing may connect while parsing. */
static void test_no_network(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	struct cs_error err = CS_ERROR_INIT;
	char doc[1024];
	int s, c, n = 0;

	(void)state;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);

	snprintf(doc, sizeof(doc),
		 "<!DOCTYPE o SYSTEM \"http://127.0.0.1:%d/o.dtd\"><oval_definitions/>",
		 ntohs(sa.sin_port));
	assert_int_equal(parse_str(doc, strlen(doc), &err, &n), -CS_E_INPUT);
	snprintf(doc, sizeof(doc),
		 "<oval_definitions xmlns:xi=\"http://www.w3.org/2001/XInclude\""
		 " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
		 " xsi:schemaLocation=\"x http://127.0.0.1:%d/s.xsd\">"
		 "<xi:include href=\"http://127.0.0.1:%d/i.xml\"/><generator/></oval_definitions>",
		 ntohs(sa.sin_port), ntohs(sa.sin_port));
	assert_int_equal(parse_str(doc, strlen(doc), &err, &n), 0);
	c = accept(s, NULL, NULL);
	assert_int_equal(c, -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	close(s);
}

static bool detect_file(const char *rel)
{
	char path[4096], head[4096];
	size_t n;
	FILE *f;

	assert_non_null(env_path("CUSTOMS_SHARED", rel, path, sizeof(path)));
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return cs_importer_oval.detect(path, false, head, n);
}

static void test_detect(void **state)
{
	(void)state;
	if (!getenv("CUSTOMS_SHARED"))
		skip();
	assert_true(detect_file("feeds/oval/com.ubuntu.noble.usn.oval.xml"));
	assert_true(detect_file("feeds/oval/org.rockylinux.rlsa-9.xml"));
	assert_true(detect_file("feeds/oval/oval-definitions-bookworm-20230714.xml.bz2"));
	assert_false(detect_file("feeds/debian-tracker/DSA-list"));
	assert_false(detect_file("feeds/kev/known_exploited_vulnerabilities.json"));
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
		cmocka_unit_test(test_ubuntu),	   cmocka_unit_test(test_rocky),
		cmocka_unit_test(test_debian_bz2), cmocka_unit_test(test_rhel_style),
		cmocka_unit_test(test_hostile),	   cmocka_unit_test(test_no_network),
		cmocka_unit_test(test_detect),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
