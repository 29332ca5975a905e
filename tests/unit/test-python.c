/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The python cataloger against Python itself: real METADATA / PKG-INFO /
 * egg-info files (../shared/data/pkgdb/lang/python, and the egg-info and
 * dist-info of Debian's python3-six and python3-packaging, downloaded and
 * unpacked at test time) are parsed and compared with what Python's
 * email.parser reads from the same files. Licence fallbacks, folding, CRLF,
 * the end of the header block and hostile input are checked on fixtures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_python;

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	struct cs_buf b = CS_BUF_INIT(64u << 20);
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

static const char *shared_dir(void)
{
	const char *d = getenv("CUSTOMS_SHARED");

	if (!d)
		fail_msg("CUSTOMS_SHARED is not set");
	return d;
}

/* Parse data as the file `path` of layer 0; returns parse()'s result. */
static int feed(struct cs_catalog *cat, const char *path, const char *data, size_t len,
		struct cs_error *err)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = len };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	int r;

	assert_true(cs_cataloger_python.wants(path, &e));
	cs_error_clear(err);
	r = cs_cataloger_python.parse(cat, &f, data, len, err);
	if (r < 0) {
		assert_true(err->msg[0] != '\0');
		assert_null(strchr(err->msg, '\n'));
	}
	return r;
}

static const struct cs_package *parse_one(struct cs_catalog *cat, const char *path,
					  const char *text)
{
	struct cs_error err = CS_ERROR_INIT;
	size_t before = cs_catalog_count(cat);
	int r = feed(cat, path, text, strlen(text), &err);

	if (r < 0)
		fail_msg("parse failed: %s", err.msg);
	assert_int_equal(cs_catalog_count(cat), before + 1);
	return cs_catalog_get(cat, before);
}

static int parse_fails(const char *path, const void *data, size_t len)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r;

	assert_int_equal(cs_catalog_new(&cat), 0);
	r = feed(cat, path, data, len, &err);
	assert_true(r < 0);
	assert_int_not_equal(r, -ENOMEM);
	assert_int_equal(cs_catalog_count(cat), 0);
	return r;
}

/*
 * What email.parser says about a metadata file: Name, Version, License,
 * License-Expression and Author, one per line, folding whitespace collapsed
 * (as the cataloger folds continuation lines).
 */
static const char py_script[] =
	"import sys, email.parser\n"
	"m = email.parser.Parser().parse(open(sys.argv[1], encoding='utf-8', errors='replace'),"
	" headersonly=True)\n"
	"for k in ('Name', 'Version', 'License', 'License-Expression', 'Author'):\n"
	"    v = m.get(k)\n"
	"    print(' '.join(str(v).split()) if v is not None else '')\n";

struct py_expect {
	char *field[5];
};

static void py_expect_done(struct py_expect *e)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(e->field); i++)
		free(e->field[i]);
}

static void python_reads(const char *file, struct py_expect *ret)
{
	_cleanup_free_ char *cmd = NULL;
	char line[8192];
	FILE *p;
	size_t i = 0;

	cmd = cs_asprintf("python3 -c \"$PYSCRIPT\" '%s'", file);
	assert_non_null(cmd);
	assert_int_equal(setenv("PYSCRIPT", py_script, 1), 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (i < CS_ARRAY_SIZE(ret->field) && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		ret->field[i] = cs_strdup(line);
		assert_non_null(ret->field[i]);
		i++;
	}
	assert_int_equal(pclose(p), 0);
	assert_int_equal(i, CS_ARRAY_SIZE(ret->field));
}

/* The cataloger's package for `file` matches email.parser's reading of it. */
static void check_against_python(const char *file, const char *image_path)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *data = NULL;
	struct py_expect want = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	const struct cs_package *p;
	const char *lic_expr, *lic;
	size_t len;

	python_reads(file, &want);
	data = slurp(file, &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	if (feed(cat, image_path, data, len, &err) < 0)
		fail_msg("%s: %s", file, err.msg);
	assert_int_equal(cs_catalog_count(cat), 1);
	p = cs_catalog_get(cat, 0);
	assert_true(want.field[0][0] && want.field[1][0]);
	assert_string_equal(p->name, want.field[0]);
	assert_string_equal(p->version, want.field[1]);
	assert_int_equal(p->type, CS_PKG_PYPI);
	assert_string_equal(p->found_by, "python");
	assert_string_equal(p->path, image_path);
	/* a declared licence name is taken as declared (License-Expression first) */
	lic_expr = want.field[3];
	lic = want.field[2];
	if (lic_expr[0]) {
		assert_non_null(p->license);
		assert_string_equal(p->license, lic_expr);
	} else if (lic[0] && strcmp(lic, "UNKNOWN") && strlen(lic) <= 256) {
		assert_non_null(p->license);
		assert_string_equal(p->license, lic);
	}
	if (want.field[4][0] && strcmp(want.field[4], "UNKNOWN")) {
		assert_non_null(p->vendor);
		assert_string_equal(p->vendor, want.field[4]);
	}
	py_expect_done(&want);
}

static void test_shared_metadata(void **state)
{
	static const struct {
		const char *file, *image_path;
	} files[] = {
		{ "asyncssh-2.14.2.METADATA",
		  "usr/lib/python3.11/site-packages/asyncssh-2.14.2.dist-info/METADATA" },
		{ "networkx-3.0.METADATA",
		  "usr/local/lib/python3.11/site-packages/networkx-3.0.dist-info/METADATA" },
		{ "zipp-3.12.1.METADATA",
		  "opt/venv/lib/python3.9/site-packages/zipp-3.12.1.dist-info/METADATA" },
		{ "distlib-0.3.1-py3.9.egg-info",
		  "usr/lib/python3/dist-packages/distlib-0.3.1-py3.9.egg-info" },
		{ "setuptools-51.3.3-py3.8.egg-info.PKG-INFO",
		  "usr/lib/python3.8/site-packages/setuptools-51.3.3-py3.8.egg-info/PKG-INFO" },
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *path =
			cs_asprintf("%s/pkgdb/lang/python/%s", shared_dir(), files[i].file);

		assert_non_null(path);
		check_against_python(path, files[i].image_path);
	}
}

/* Licence classifiers, read by Python, are the fallback when License is absent. */
static void test_classifier_fallback_real(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *path = NULL, *data = NULL, *cmd = NULL;
	struct cs_error err = CS_ERROR_INIT;
	char line[512] = "";
	size_t len;
	FILE *p;

	(void)state;
	path = cs_asprintf("%s/pkgdb/lang/python/zipp-3.12.1.METADATA", shared_dir());
	assert_non_null(path);
	cmd = cs_asprintf("python3 -c \"import email.parser,sys; m=email.parser.Parser().parse("
			  "open(sys.argv[1]), headersonly=True); print(m.get('License'), "
			  "[c for c in m.get_all('Classifier') if c.startswith('License')])\" '%s'",
			  path);
	assert_non_null(cmd);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof(line), p));
	assert_int_equal(pclose(p), 0);
	assert_string_equal(line, "None ['License :: OSI Approved :: MIT License']\n");
	data = slurp(path, &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed(cat, "usr/lib/python3/dist-packages/zipp-3.12.1.dist-info/METADATA",
			      data, len, &err),
			 0);
	assert_string_equal(cs_catalog_get(cat, 0)->license, "MIT");
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Debian's own python3 packages, unpacked: egg-info/PKG-INFO and dist-info/METADATA. */
static void test_debian_packages(void **state)
{
	static const char *const debs[] = { "python3-six", "python3-packaging" };
	char dir[] = "/tmp/customs-test-python-XXXXXX";
	_cleanup_free_ char *cmd = NULL;
	size_t checked = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	cmd = cs_asprintf("cd '%s' && timeout 120 apt-get download python3-six python3-packaging "
			  ">/dev/null 2>&1",
			  dir);
	assert_non_null(cmd);
	if (run(cmd) != 0) {
		free(CS_TAKE_PTR(cmd));
		cmd = cs_asprintf("rm -rf '%s'", dir);
		run(cmd);
		print_message("skipped: apt-get download does not work on this machine\n");
		skip();
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(debs); i++) {
		_cleanup_free_ char *x = NULL, *find = NULL, *vcmd = NULL;
		char line[4096], upstream[256] = "";
		FILE *p;

		/* the Debian version's upstream part is the Python version */
		vcmd = cs_asprintf(
			"dpkg-deb -f '%s'/%s_*.deb Version | sed 's/^[0-9]*://; s/-[^-]*$//'", dir,
			debs[i]);
		p = popen(vcmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(upstream, sizeof(upstream), p));
		assert_int_equal(pclose(p), 0);
		upstream[strcspn(upstream, "\n")] = '\0';

		x = cs_asprintf("mkdir -p '%s/root-%s' && dpkg-deb -x '%s'/%s_*.deb '%s/root-%s'",
				dir, debs[i], dir, debs[i], dir, debs[i]);
		assert_int_equal(run(x), 0);
		find = cs_asprintf(
			"cd '%s/root-%s' && find . -type f \\( -path '*.egg-info/PKG-INFO' "
			"-o -path '*.dist-info/METADATA' \\) | sed 's|^\\./||'",
			dir, debs[i]);
		p = popen(find, "r");
		assert_non_null(p);
		while (fgets(line, sizeof(line), p)) {
			_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
			_cleanup_free_ char *full = NULL, *data = NULL;
			struct cs_error err = CS_ERROR_INIT;
			size_t len;

			line[strcspn(line, "\n")] = '\0';
			full = cs_asprintf("%s/root-%s/%s", dir, debs[i], line);
			check_against_python(full, line);
			data = slurp(full, &len);
			assert_int_equal(cs_catalog_new(&cat), 0);
			assert_int_equal(feed(cat, line, data, len, &err), 0);
			assert_string_equal(cs_catalog_get(cat, 0)->version, upstream);
			checked++;
		}
		assert_int_equal(pclose(p), 0);
	}
	assert_int_equal(checked, CS_ARRAY_SIZE(debs));
	free(CS_TAKE_PTR(cmd));
	cmd = cs_asprintf("rm -rf '%s'", dir);
	run(cmd);
}

static void test_wants(void **state)
{
	const struct cs_entry reg = { .type = CS_ENTRY_REG };
	const struct cs_entry dir = { .type = CS_ENTRY_DIR };

	(void)state;
	assert_true(cs_cataloger_python.wants(
		"usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", &reg));
	assert_true(cs_cataloger_python.wants(
		"usr/lib/python3/dist-packages/distlib-0.3.1.egg-info", &reg));
	assert_true(cs_cataloger_python.wants(
		"app/venv/lib/python3.12/site-packages/a-1.dist-info/METADATA", &reg));
	assert_true(cs_cataloger_python.wants("x.dist-info/METADATA", &reg));
	/* a directory named .egg-info is not a file of metadata */
	assert_false(cs_cataloger_python.wants("usr/lib/python3/dist-packages/six-1.16.0.egg-info",
					       &dir));
	assert_false(cs_cataloger_python.wants("usr/lib/python3/dist-packages/a.dist-info/RECORD",
					       &reg));
	assert_false(cs_cataloger_python.wants("usr/lib/python3/dist-packages/a.egg-info/METADATA",
					       &reg));
	assert_false(cs_cataloger_python.wants("usr/lib/python3/dist-packages/a.dist-info/PKG-INFO",
					       &reg));
	assert_false(cs_cataloger_python.wants("usr/share/doc/METADATA", &reg));
	assert_false(cs_cataloger_python.wants(".dist-info/METADATA", &reg));
	assert_false(cs_cataloger_python.wants("METADATA", &reg));
	assert_false(cs_cataloger_python.wants(".egg-info", &reg));
	assert_false(cs_cataloger_python.wants("a/dist-info/METADATA", &reg));
}

static void test_headers(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	const struct cs_package *p;
	const char *path = "usr/lib/python3/dist-packages/x-1.0.dist-info/METADATA";

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);

	/* License-Expression wins over License and classifiers; CRLF; first occurrence */
	p = parse_one(cat, path,
		      "Metadata-Version: 2.4\r\nName: Foo.Bar\r\nVersion: 2.0.1\r\n"
		      "License-Expression: MIT OR Apache-2.0\r\nLicense: BSD\r\n"
		      "Classifier: License :: OSI Approved :: ISC License (ISCL)\r\n"
		      "Name: other\r\n\r\nName: body\r\n");
	assert_string_equal(p->name, "Foo.Bar");
	assert_string_equal(p->version, "2.0.1");
	assert_string_equal(p->license, "MIT OR Apache-2.0");

	/* folded License, headers case-insensitive, Author-email when no Author */
	p = parse_one(cat, path,
		      "name: folded\nVERSION:1.0\nLicense: GNU General\n  Public License\n"
		      "Author-email: A <a@example.org>\n");
	assert_string_equal(p->name, "folded");
	assert_string_equal(p->version, "1.0");
	assert_string_equal(p->license, "GNU General Public License");
	assert_string_equal(p->vendor, "A <a@example.org>");

	/* UNKNOWN licence: classifiers, several are alternatives; unknown ones kept */
	p = parse_one(
		cat, path,
		"Name: multi\nVersion: 3\nLicense: UNKNOWN\n"
		"Classifier: License :: OSI Approved :: Apache Software License\n"
		"Classifier: Programming Language :: Python\n"
		"Classifier: License :: OSI Approved :: BSD License\n"
		"Classifier: License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)\n");
	assert_string_equal(p->license, "Apache-2.0 OR BSD License OR GPL-2.0-or-later");

	/* a licence text in License is not a licence name: classifiers instead */
	{
		struct cs_buf b = CS_BUF_INIT(1 << 20);

		assert_int_equal(cs_buf_puts(&b, "Name: longlic\nVersion: 1\nLicense: Copyright"),
				 0);
		for (int i = 0; i < 100; i++)
			assert_int_equal(cs_buf_puts(&b, "\n        Permission is hereby granted"),
					 0);
		assert_int_equal(
			cs_buf_puts(&b, "\nClassifier: License :: OSI Approved :: MIT License\n"),
			0);
		p = parse_one(cat, path, b.data);
		cs_buf_done(&b);
		assert_string_equal(p->license, "MIT");
	}

	/* nothing usable: no licence */
	p = parse_one(cat, path, "Name: nolic\nVersion: 0.1\nLicense: UNKNOWN\n\nLicense: MIT\n");
	assert_null(p->license);
	assert_null(p->vendor);

	/* the body starts at a line that is not a header, as in the feed parser */
	p = parse_one(cat, path, "Name: early\nVersion: 1\nthis is not a header\nLicense: MIT\n");
	assert_null(p->license);
}

static void test_hostile(void **state)
{
	static const char nul[] = "Name: a\nVer\0sion: 1\n";
	char garbage[4096];
	struct cs_buf big = CS_BUF_INIT(9u << 20);
	const char *path = "usr/lib/python3/dist-packages/x.egg-info";

	(void)state;
	/* the same bytes every run */
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)((i * 2654435761u) >> 13);
	parse_fails(path, garbage, sizeof(garbage));
	parse_fails(path, nul, sizeof(nul) - 1);
	parse_fails(path, "", 0);
	parse_fails(path, "Name: a\n", 8);
	parse_fails(path, "Version: 1\n", 11);
	parse_fails(path, "\nName: a\nVersion: 1\n", 20);
	parse_fails(path, "Name: a\x01b\nVersion: 1\n", 21);
	parse_fails(path, "Name: a\nVersion: \xff\xfe\n", 20);
	/* a name folded across thousands of lines is not a name */
	for (int i = 0; i < 20000; i++)
		assert_int_equal(cs_buf_puts(&big, i ? " x\n" : "Name: x\n"), 0);
	assert_int_equal(cs_buf_puts(&big, "Version: 1\n"), 0);
	parse_fails(path, big.data, big.len);
	/* over the size limit */
	cs_buf_reset(&big);
	assert_int_equal(cs_buf_puts(&big, "Name: a\nVersion: 1\n\n"), 0);
	while (big.len <= (8u << 20))
		assert_int_equal(cs_buf_append(&big, garbage, sizeof(garbage)), 0);
	parse_fails(path, big.data, big.len);
	cs_buf_done(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wants),
		cmocka_unit_test(test_shared_metadata),
		cmocka_unit_test(test_classifier_fallback_real),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_debian_packages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
