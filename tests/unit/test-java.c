/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The java cataloger. The real jar in pkgdb/lang/java (with two nested
 * log4j jars) and archives built here with Python's zipfile
 * (tests/data/java/make-archives.py: a war with nested jars, the war in an
 * ear, zip64 and stored entries) are compared with what Info-ZIP's unzip
 * extracts from the same files (tests/data/java/unzip-poms.py). Manifest
 * and file-name fallbacks, CPE escaping, and hostile archives (a 300 MiB
 * nested bomb, self-nesting 12 levels deep, truncated archives) are
 * checked on the same generated files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_java;

static char gen_dir[] = "/tmp/cs-test-java-XXXXXX";

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	struct cs_buf b = CS_BUF_INIT(256u << 20);
	char chunk[65536];
	size_t n;

	if (!f)
		fail_msg("cannot open '%s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(cs_buf_append(&b, chunk, n), 0);
	fclose(f);
	if (!b.data)
		assert_int_equal(cs_buf_append(&b, "", 0), 0);
	return cs_buf_steal(&b, ret_len);
}

static char *env_path(const char *var, const char *rel)
{
	const char *dir = getenv(var);
	char *p;

	if (!dir)
		fail_msg("%s is not set", var);
	p = cs_asprintf("%s/%s", dir, rel);
	assert_non_null(p);
	return p;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strv_add(char ***v, size_t *n, size_t *cap, char *s)
{
	assert_non_null(s);
	assert_int_equal(CS_GROW(*v, *cap, *n + 2), 0);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static void assert_same_lines(char **got, char **want)
{
	size_t i = 0;

	assert_non_null(got);
	assert_non_null(want);
	for (; got[i] && want[i]; i++)
		assert_string_equal(got[i], want[i]);
	if (got[i] || want[i])
		fail_msg("differ at line %zu: got %s, want %s", i, got[i] ? got[i] : "(end)",
			 want[i] ? want[i] : "(end)");
}

static int parse(struct cs_catalog *cat, const char *path, const void *data, size_t len,
		 struct cs_error *err)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .mode = 0644, .size = len };
	struct cs_cataloger_file f = { path, 2, &e, NULL };
	int r;

	cs_error_clear(err);
	assert_true(cs_cataloger_java.wants(path, &e));
	assert_true(len < 64 || cs_cataloger_java.sniff(data, 64));
	r = cs_cataloger_java.parse(cat, &f, data, len, err);
	if (r < 0)
		assert_true(err->msg[0] != '\0' && !strchr(err->msg, '\n'));
	return r;
}

/* Catalog a file (recorded as `path`); the catalog is returned. */
static struct cs_catalog *catalog_file(const char *file, const char *path, int expect)
{
	struct cs_catalog *cat = NULL;
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	size_t len;

	data = slurp(file, &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, path, data, len, &err), expect);
	return cat;
}

static char *gen_file(const char *name)
{
	char *p = cs_asprintf("%s/%s", gen_dir, name);

	assert_non_null(p);
	return p;
}

/* "path\tgroup\tartifact\tversion" of the packages read from pom.properties */
static char **pom_lines(struct cs_catalog *cat)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		assert_int_equal(p->type, CS_PKG_MAVEN);
		assert_string_equal(p->found_by, "java");
		assert_int_equal(p->layer, 2);
		if (cs_package_meta(p, "name-source"))
			continue;
		strv_add(&v, &n, &cap,
			 cs_asprintf("%s\t%s\t%s\t%s", p->path, p->namespace ? p->namespace : "",
				     p->name, p->version ? p->version : ""));
	}
	if (v)
		qsort(v, n, sizeof(*v), cmp_strp);
	return v;
}

static char **unzip_lines(const char *file, const char *label)
{
	_cleanup_free_ char *script = env_path("CUSTOMS_TESTDATA", "java/unzip-poms.py");
	_cleanup_free_ char *cmd = cs_asprintf("python3 '%s' '%s' '%s'", script, file, label);
	char **v = NULL, line[8192];
	size_t n = 0, cap = 0;
	FILE *q;

	assert_non_null(cmd);
	q = popen(cmd, "r");
	assert_non_null(q);
	while (fgets(line, sizeof(line), q)) {
		line[strcspn(line, "\n")] = '\0';
		strv_add(&v, &n, &cap, cs_strdup(line));
	}
	assert_int_equal(pclose(q), 0);
	if (v)
		qsort(v, n, sizeof(*v), cmp_strp);
	return v;
}

static void compare_with_unzip(const char *file, const char *path, size_t min)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = catalog_file(file, path, 0);
	_cleanup_strv_free_ char **want = unzip_lines(file, path);
	_cleanup_strv_free_ char **got = pom_lines(cat);

	assert_true(cs_strv_len(want) >= min);
	assert_same_lines(got, want);
}

static struct cs_package *find(struct cs_catalog *cat, const char *path)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		if (!strcmp(cs_catalog_get(cat, i)->path, path))
			return cs_catalog_get(cat, i);
	return NULL;
}

static bool has_warning(struct cs_catalog *cat, const char *a, const char *b)
{
	for (size_t i = 0; i < cs_catalog_warning_count(cat); i++) {
		const char *w = cs_catalog_warning(cat, i);

		if (strstr(w, a) && (!b || strstr(w, b)))
			return true;
	}
	return false;
}

static void test_gizmo(void **state)
{
	_cleanup_free_ char *jar =
		env_path("CUSTOMS_SHARED", "pkgdb/lang/java/io.quarkus.gizmo.gizmo-1.1.jar");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_package *p;

	(void)state;
	compare_with_unzip(jar, "opt/app/gizmo-1.1.jar", 3);
	cat = catalog_file(jar, "opt/app/gizmo-1.1.jar", 0);
	assert_int_equal(cs_catalog_count(cat), 3);
	assert_int_equal(cs_catalog_warning_count(cat), 0);
	p = find(cat, "opt/app/gizmo-1.1.jar");
	assert_non_null(p);
	/* from its MANIFEST.MF, as unzip -p shows it */
	assert_string_equal(p->vendor, "JBoss by Red Hat");
	assert_null(p->license);
	assert_string_equal(p->cpe, "cpe:2.3:a:gizmo:gizmo:1.1:*:*:*:*:*:*:*");
	p = find(cat, "opt/app/gizmo-1.1.jar!jars/log4j-1.2.16.jar");
	assert_non_null(p);
	assert_string_equal(p->license, "http://www.apache.org/licenses/LICENSE-2.0.txt");
	assert_string_equal(p->vendor, "Apache Software Foundation");
	assert_string_equal(p->cpe, "cpe:2.3:a:log4j:log4j:1.2.16:*:*:*:*:*:*:*");
}

static void test_nested_war_ear(void **state)
{
	_cleanup_free_ char *war = gen_file("app.war"), *ear = gen_file("app.ear");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_package *p;

	(void)state;
	compare_with_unzip(war, "srv/app.war", 3);
	compare_with_unzip(ear, "srv/app.ear", 3);

	cat = catalog_file(ear, "srv/app.ear", 0);
	/* the pom-less ear itself (file name), the war, 2 pom jars, manifest, file name */
	assert_int_equal(cs_catalog_count(cat), 6);
	p = find(cat, "srv/app.ear!app.war!WEB-INF/lib/beta-core-2.0.1.jar");
	assert_non_null(p);
	assert_string_equal(p->license, "Apache-2.0");
	assert_string_equal(p->vendor, "The Beta Project");
	assert_string_equal(p->cpe, "cpe:2.3:a:beta:beta-core:2.0.1:*:*:*:*:*:*:*");
	/* manifest only: Implementation-*, continuation lines joined */
	p = find(cat, "srv/app.ear!app.war!WEB-INF/lib/gamma.jar");
	assert_non_null(p);
	assert_string_equal(p->name, "gamma-lib");
	assert_string_equal(p->version, "3.1.4");
	assert_null(p->namespace);
	assert_string_equal(p->vendor, "Example Corp, a vendor name long enough to be "
				       "continued on the next line");
	assert_string_equal(cs_package_meta(p, "name-source"), "manifest");
	assert_string_equal(p->cpe, "cpe:2.3:a:example_corp\\,_a_vendor_name_long_enough_to_be_"
				    "continued_on_the_next_line:gamma-lib:3.1.4:*:*:*:*:*:*:*");
	/* nothing but a file name */
	p = find(cat, "srv/app.ear!app.war!WEB-INF/lib/plain-0.9.2.jar");
	assert_non_null(p);
	assert_string_equal(p->name, "plain");
	assert_string_equal(p->version, "0.9.2");
	assert_string_equal(cs_package_meta(p, "name-source"), "filename");
	p = find(cat, "srv/app.ear");
	assert_non_null(p);
	assert_string_equal(p->name, "app");
	assert_null(p->version);
	/* the cut-short jar is a warning naming it; the rest is kept */
	assert_true(has_warning(cat, "srv/app.ear!app.war!WEB-INF/lib/trunc-9.jar", "layer 2"));
	assert_null(find(cat, "srv/app.ear!app.war!WEB-INF/lib/trunc-9.jar"));
}

static void test_deep_nesting(void **state)
{
	_cleanup_free_ char *deep = gen_file("deep.jar");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;

	(void)state;
	compare_with_unzip(deep, "deep.jar", 8);
	cat = catalog_file(deep, "deep.jar", 0);
	assert_int_equal(cs_catalog_count(cat), 8);
	assert_true(has_warning(cat, "nested deeper than 8", NULL));
}

static void test_bomb(void **state)
{
	_cleanup_free_ char *bomb = gen_file("bomb.jar");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;

	(void)state;
	cat = catalog_file(bomb, "app/bomb.jar", 0);
	assert_int_equal(cs_catalog_count(cat), 1);
	assert_string_equal(cs_catalog_get(cat, 0)->name, "bomb");
	assert_true(has_warning(cat, "app/bomb.jar!BOOT-INF/lib/huge.jar", "budget"));
}

/* an entry that inflates far beyond its declared size: stopped at the budget */
static void test_lying_sizes(void **state)
{
	_cleanup_free_ char *liar = gen_file("liar.jar");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;

	(void)state;
	cat = catalog_file(liar, "app/liar.jar", 0);
	assert_int_equal(cs_catalog_count(cat), 1);
	assert_string_equal(cs_catalog_get(cat, 0)->name, "liar");
	assert_int_equal(cs_catalog_warning_count(cat), 1);
	assert_true(has_warning(cat, "app/liar.jar!lib/liar.jar", NULL));
}

static void test_cpe_escaping(void **state)
{
	_cleanup_free_ char *special = gen_file("special.jar");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;

	(void)state;
	cat = catalog_file(special, "special.jar", 0);
	assert_int_equal(cs_catalog_count(cat), 1);
	assert_string_equal(cs_catalog_get(cat, 0)->cpe,
			    "cpe:2.3:a:ex:x\\+y:1.0\\:beta:*:*:*:*:*:*:*");
}

static void test_truncated_and_garbage(void **state)
{
	_cleanup_free_ char *jar =
		env_path("CUSTOMS_SHARED", "pkgdb/lang/java/io.quarkus.gizmo.gizmo-1.1.jar");
	_cleanup_free_ char *data = NULL;
	size_t len;

	(void)state;
	data = slurp(jar, &len);
	/* without its central directory a jar cannot be read: an error, nothing kept */
	for (size_t cut = 0; cut < len; cut += len / 7 + 1) {
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(parse(cat, "x.jar", data, cut, &err), -CS_E_INPUT);
		assert_int_equal(cs_catalog_count(cat), 0);
	}
	/* a few damaged bytes in the central directory and near the end */
	for (size_t i = len - 4096; i < len; i += 7) {
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;
		char saved = data[i];

		data[i] = (char)~data[i];
		assert_int_equal(cs_catalog_new(&cat), 0);
		(void)parse(cat, "x.jar", data, len, &err);
		data[i] = saved;
	}
	{
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(parse(cat, "x.jar", "PK\x03\x04garbage", 11, &err), -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "zip"));
	}
}

static void test_wants_sniff(void **state)
{
	static const char *const yes[] = { "a/b.jar", "x.WAR", "y.ear", "p.jpi", "p.hpi",
					   "p.par",   "p.sar", "p.nar", "p.kar" };
	static const char *const no[] = { "a/b.jar.txt", "jar", "x.zip", "a.jarx" };
	struct cs_entry e = { .type = CS_ENTRY_REG, .mode = 0644 };

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(yes); i++)
		assert_true(cs_cataloger_java.wants(yes[i], &e));
	for (size_t i = 0; i < CS_ARRAY_SIZE(no); i++)
		assert_false(cs_cataloger_java.wants(no[i], &e));
	assert_true(cs_cataloger_java.sniff("PK\x03\x04\x14\x00", 6));
	assert_false(cs_cataloger_java.sniff("\x7f"
					     "ELF\x02\x01",
					     6));
	assert_true(cs_cataloger_java.max_size >= 128u << 20);
}

static int setup(void **state)
{
	_cleanup_free_ char *script = env_path("CUSTOMS_TESTDATA", "java/make-archives.py");
	_cleanup_free_ char *cmd = NULL;

	(void)state;
	if (!mkdtemp(gen_dir))
		return -1;
	cmd = cs_asprintf("python3 '%s' '%s'", script, gen_dir);
	return cmd && system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	_cleanup_free_ char *cmd = cs_asprintf("rm -rf '%s'", gen_dir);

	(void)state;
	return cmd && system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gizmo),
		cmocka_unit_test(test_nested_war_ear),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_lying_sizes),
		cmocka_unit_test(test_cpe_escaping),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_wants_sniff),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
