/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The npm cataloger. One small project (tests/data/npm/tree/package.json)
 * was resolved by the real tools: npm 11 (package-lock-v3.json), yarn
 * 1.22 (yarn-v1.lock and the node_modules tree it installed, whose
 * package.json files are in tree/), yarn 4 (yarn-berry.lock) and pnpm 7, 8
 * and 9 (pnpm-lock-v5/v6/v9.yaml). The expected package set is read from
 * npm's lock file by Python's json module, and every other format must
 * give exactly the same set. trivy's v1 lock file (../shared/data) is
 * checked against Python the same way. Edge cases and hostile input are
 * inline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_npm;

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

static int feed(struct cs_catalog *cat, const char *path, const char *data, size_t len,
		struct cs_error *err)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = len };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	int r;

	assert_true(cs_cataloger_npm.wants(path, &e));
	cs_error_clear(err);
	r = cs_cataloger_npm.parse(cat, &f, data, len, err);
	if (r < 0) {
		assert_true(err->msg[0] != '\0');
		assert_null(strchr(err->msg, '\n'));
	}
	return r;
}

static void feed_ok(struct cs_catalog *cat, const char *path, const char *data, size_t len)
{
	struct cs_error err = CS_ERROR_INIT;

	if (feed(cat, path, data, len, &err) < 0)
		fail_msg("'%s': %s", path, err.msg);
}

static void feed_str(struct cs_catalog *cat, const char *path, const char *text)
{
	feed_ok(cat, path, text, strlen(text));
}

static void feed_testdata(struct cs_catalog *cat, const char *rel, const char *image_path)
{
	_cleanup_free_ char *p = env_path("CUSTOMS_TESTDATA", rel);
	_cleanup_free_ char *data = NULL;
	size_t len;

	data = slurp(p, &len);
	feed_ok(cat, image_path, data, len);
}

static int fails(const char *path, const void *data, size_t len)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r;

	assert_int_equal(cs_catalog_new(&cat), 0);
	r = feed(cat, path, data, len, &err);
	if (r >= 0)
		fail_msg("'%s' was accepted", path);
	assert_int_not_equal(r, -ENOMEM);
	assert_int_equal(cs_catalog_count(cat), 0);
	return r;
}

static int fails_str(const char *path, const char *text)
{
	return fails(path, text, strlen(text));
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The catalog as sorted "name version[ dev]" lines; every package must
 * have been declared by `path` (NULL: any).
 */
static char *catalog_lines(struct cs_catalog *cat, const char *path, bool with_dev)
{
	size_t n = cs_catalog_count(cat);
	_cleanup_free_ char **lines = cs_new0(char *, n + 1);
	struct cs_buf out = CS_BUF_INIT(16u << 20);

	assert_non_null(lines);
	for (size_t i = 0; i < n; i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);
		const char *dev = cs_package_meta(p, "dev");

		assert_int_equal(p->type, CS_PKG_NPM);
		assert_string_equal(p->found_by, "npm");
		assert_non_null(p->path);
		if (path)
			assert_string_equal(p->path, path);
		if (dev)
			assert_string_equal(dev, "true");
		lines[i] =
			cs_asprintf("%s %s%s", p->name, p->version, with_dev && dev ? " dev" : "");
		assert_non_null(lines[i]);
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(cs_buf_printf(&out, "%s\n", lines[i]), 0);
		free(lines[i]);
	}
	if (!out.data)
		assert_int_equal(cs_buf_puts(&out, ""), 0);
	return cs_buf_steal(&out, NULL);
}

/*
 * What Python reads from an npm lock file: the (name, version) set, a
 * package being dev only when every occurrence of it is.
 */
static const char py_lock[] =
	"import json, sys\n"
	"d = json.load(open(sys.argv[1]))\n"
	"dev = {}\n"
	"def add(n, v, isdev):\n"
	"    dev[(n, v)] = dev.get((n, v), True) and isdev\n"
	"def walk(deps):\n"
	"    for n, e in deps.items():\n"
	"        add(n, e['version'], e.get('dev', False))\n"
	"        walk(e.get('dependencies', {}))\n"
	"if 'packages' in d:\n"
	"    for k, e in d['packages'].items():\n"
	"        if k and not e.get('link') and 'node_modules/' in k:\n"
	"            add(e.get('name') or k.rsplit('node_modules/', 1)[1], e['version'], e.get('dev', False))\n"
	"else:\n"
	"    walk(d['dependencies'])\n"
	"with_dev = sys.argv[2] == '1'\n"
	"for l in sorted('%s %s%s' % (n, v, ' dev' if dev[(n, v)] and with_dev else '') for n, v in dev):\n"
	"    print(l)\n";

static char *python_lock_lines(const char *file, bool with_dev)
{
	_cleanup_free_ char *cmd = cs_asprintf("python3 -c \"$PYSCRIPT\" '%s' %d", file, with_dev);
	struct cs_buf out = CS_BUF_INIT(16u << 20);
	char chunk[4096];
	size_t n;
	FILE *p;

	assert_non_null(cmd);
	assert_int_equal(setenv("PYSCRIPT", py_lock, 1), 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		assert_int_equal(cs_buf_append(&out, chunk, n), 0);
	assert_int_equal(pclose(p), 0);
	assert_non_null(out.data);
	return cs_buf_steal(&out, NULL);
}

/* The fixture project's packages as npm resolved them, read by Python. */
static char *fixture_expected(bool with_dev)
{
	_cleanup_free_ char *lock = env_path("CUSTOMS_TESTDATA", "npm/package-lock-v3.json");
	char *want = python_lock_lines(lock, with_dev);

	/* the project has 25 packages: a test that finds nothing must not pass */
	size_t lines = 0;
	for (const char *s = want; *s; s++)
		lines += *s == '\n';
	assert_int_equal(lines, 25);
	return want;
}

static void check_lock(const char *rel, const char *image_path, bool with_dev)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *want = fixture_expected(with_dev), *got = NULL;

	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_testdata(cat, rel, image_path);
	got = catalog_lines(cat, image_path, with_dev);
	assert_string_equal(got, want);
}

static void test_package_lock_v3(void **state)
{
	(void)state;
	check_lock("npm/package-lock-v3.json", "srv/app/package-lock.json", true);
	check_lock("npm/package-lock-v3.json", "npm-shrinkwrap.json", true);
}

static void test_yarn_v1(void **state)
{
	(void)state;
	check_lock("npm/yarn-v1.lock", "srv/app/yarn.lock", false);
}

static void test_yarn_berry(void **state)
{
	(void)state;
	check_lock("npm/yarn-berry.lock", "srv/app/yarn.lock", false);
}

static void test_pnpm(void **state)
{
	(void)state;
	/* v5 and v6 say which packages are dev-only, v9 does not */
	check_lock("npm/pnpm-lock-v5.yaml", "srv/app/pnpm-lock.yaml", true);
	check_lock("npm/pnpm-lock-v6.yaml", "srv/app/pnpm-lock.yaml", true);
	check_lock("npm/pnpm-lock-v9.yaml", "srv/app/pnpm-lock.yaml", false);
}

/* The node_modules tree yarn installed for the same project. */
static void test_node_modules_tree(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *tree = env_path("CUSTOMS_TESTDATA", "npm/tree"), *cmd = NULL;
	_cleanup_free_ char *want = fixture_expected(false), *got = NULL;
	const struct cs_entry e = { .type = CS_ENTRY_REG };
	char line[4096];
	size_t wanted = 0, seen = 0;
	FILE *p;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	cmd = cs_asprintf("cd '%s' && find . -type f -name package.json | sed 's|^\\./||' | sort",
			  tree);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		_cleanup_free_ char *full = NULL, *data = NULL, *image_path = NULL;
		size_t len, before = cs_catalog_count(cat);

		line[strcspn(line, "\n")] = '\0';
		seen++;
		image_path = cs_asprintf("usr/src/app/%s", line);
		if (!cs_cataloger_npm.wants(image_path, &e))
			continue;
		wanted++;
		full = cs_asprintf("%s/%s", tree, line);
		data = slurp(full, &len);
		feed_ok(cat, image_path, data, len);
		assert_int_equal(cs_catalog_count(cat), before + 1);
		assert_string_equal(cs_catalog_get(cat, before)->path, image_path);
	}
	assert_int_equal(pclose(p), 0);
	/* the project's own package.json and react/umd/package.json are not packages */
	assert_int_equal(seen, 27);
	assert_int_equal(wanted, 25);
	got = catalog_lines(cat, NULL, false);
	assert_string_equal(got, want);
}

/* trivy's v1 lock file: nested dependencies, dev */
static void test_shared_lock_v1(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *file = env_path("CUSTOMS_SHARED", "pkgdb/lang/npm/package-lock.json");
	_cleanup_free_ char *data = NULL, *want = NULL, *got = NULL;
	size_t len;

	(void)state;
	want = python_lock_lines(file, true);
	assert_non_null(strstr(want, "z-lock 1.0.0 dev\n"));
	data = slurp(file, &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_ok(cat, "app/package-lock.json", data, len);
	got = catalog_lines(cat, "app/package-lock.json", true);
	assert_string_equal(got, want);
}

static void test_wants(void **state)
{
	const struct cs_entry reg = { .type = CS_ENTRY_REG };
	const struct cs_entry lnk = { .type = CS_ENTRY_SYMLINK };
	static const char *const yes[] = {
		"node_modules/a/package.json",
		"usr/lib/node_modules/npm/package.json",
		"app/node_modules/@types/node/package.json",
		"app/node_modules/a/node_modules/b/package.json",
		"app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json",
		"package-lock.json",
		"app/package-lock.json",
		"app/npm-shrinkwrap.json",
		"app/yarn.lock",
		"app/pnpm-lock.yaml",
	};
	static const char *const no[] = {
		"package.json",
		"app/package.json",
		"app/node_modules/package.json",
		"app/node_modules/a/lib/package.json",
		"app/node_modules/@scope/package.json",
		"app/node_modules/.bin/package.json",
		"app/node_modules/a/package-lock.json",
		"app/node_modules/.package-lock.json",
		"app/node_modules/a/yarn.lock",
		"node_modules/a/pnpm-lock.yaml",
		"app/yarn.lock.bak",
		"app/package-lock.json5",
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(yes); i++)
		if (!cs_cataloger_npm.wants(yes[i], &reg))
			fail_msg("'%s' not wanted", yes[i]);
	for (size_t i = 0; i < CS_ARRAY_SIZE(no); i++)
		if (cs_cataloger_npm.wants(no[i], &reg))
			fail_msg("'%s' wanted", no[i]);
	assert_false(cs_cataloger_npm.wants("app/yarn.lock", &lnk));
}

static void test_package_json(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	const struct cs_package *p;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_str(cat, "node_modules/a/package.json",
		 "{\"name\": \"a\", \"version\": \"1.0.0\", \"license\": \"MIT\", "
		 "\"author\": \"Ann <ann@example.org>\"}");
	feed_str(cat, "node_modules/@s/b/package.json",
		 "{\"name\": \"@s/b\", \"version\": \"2.0.0\", \"license\": {\"type\": \"ISC\"}, "
		 "\"author\": {\"name\": \"Bob\"}}");
	feed_str(cat, "node_modules/c/package.json",
		 "{\"version\": \"3.0.0\", \"licenses\": [{\"type\": \"MIT\"}, \"Apache-2.0\"]}");
	feed_str(cat, "node_modules/@s/d/package.json", "{\"version\": \"4.0.0\", \"license\": 5}");
	/* private without a version, or no version at all: not installed packages */
	feed_str(cat, "node_modules/e/package.json", "{\"name\": \"e\", \"private\": true}");
	feed_str(cat, "node_modules/f/package.json", "{\"name\": \"f\"}");
	assert_int_equal(cs_catalog_count(cat), 4);
	p = cs_catalog_get(cat, 0);
	assert_string_equal(p->name, "a");
	assert_string_equal(p->version, "1.0.0");
	assert_string_equal(p->license, "MIT");
	assert_string_equal(p->vendor, "Ann <ann@example.org>");
	assert_string_equal(p->path, "node_modules/a/package.json");
	assert_null(cs_package_meta(p, "dev"));
	p = cs_catalog_get(cat, 1);
	assert_string_equal(p->name, "@s/b");
	assert_string_equal(p->license, "ISC");
	assert_string_equal(p->vendor, "Bob");
	/* the name from the directory when package.json has none */
	p = cs_catalog_get(cat, 2);
	assert_string_equal(p->name, "c");
	assert_string_equal(p->license, "MIT OR Apache-2.0");
	p = cs_catalog_get(cat, 3);
	assert_string_equal(p->name, "@s/d");
	assert_null(p->license);
}

static void test_lock_edge_cases(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *got = NULL;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	/* v2: root, workspace folders and links are not packages; aliases; dev twice */
	feed_str(
		cat, "w/package-lock.json",
		"{\"name\": \"w\", \"lockfileVersion\": 2, \"packages\": {"
		"\"\": {\"name\": \"w\", \"version\": \"1.0.0\", \"workspaces\": [\"packages/*\"]},"
		"\"packages/lib\": {\"name\": \"lib\", \"version\": \"0.1.0\"},"
		"\"node_modules/lib\": {\"resolved\": \"packages/lib\", \"link\": true},"
		"\"node_modules/x\": {\"version\": \"1.0.0\", \"dev\": true, \"license\": \"MIT\"},"
		"\"node_modules/y/node_modules/x\": {\"version\": \"1.0.0\"},"
		"\"node_modules/z\": {\"version\": \"2.0.0\", \"dev\": true},"
		"\"node_modules/al\": {\"name\": \"real\", \"version\": \"3.0.0\"},"
		"\"node_modules/bad\": {\"version\": 7},"
		"\"node_modules/sp ace\": {\"version\": \"1.0.0\"}"
		"}, \"dependencies\": {\"ignored\": {\"version\": \"9.9.9\"}}}");
	got = catalog_lines(cat, "w/package-lock.json", true);
	assert_string_equal(got, "real 3.0.0\nx 1.0.0\nz 2.0.0 dev\n");
	assert_string_equal(cs_catalog_get(cat, 1)->license, "MIT");
	free(CS_TAKE_PTR(got));
	cs_catalog_free(CS_TAKE_PTR(cat));

	/* v1: aliases and local directories */
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_str(cat, "v1/package-lock.json",
		 "{\"lockfileVersion\": 1, \"dependencies\": {"
		 "\"al\": {\"version\": \"npm:real@2.0.0\"},"
		 "\"loc\": {\"version\": \"file:../loc\"},"
		 "\"g\": {\"version\": \"github:u/g#abc\", \"dependencies\": {"
		 "\"h\": {\"version\": \"1.0.0\", \"dev\": true}}}}}");
	got = catalog_lines(cat, "v1/package-lock.json", true);
	assert_string_equal(got, "g github:u/g#abc\nh 1.0.0 dev\nreal 2.0.0\n");
	free(CS_TAKE_PTR(got));
	cs_catalog_free(CS_TAKE_PTR(cat));

	/* yarn v1: a local file: package and an alias; CRLF */
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_str(cat, "y/yarn.lock",
		 "# yarn lockfile v1\r\n\r\n\r\n"
		 "local@file:../local:\r\n  version \"0.0.1\"\r\n\r\n"
		 "\"alias@npm:real@^1\", real@^1.0.0:\r\n  version \"1.2.3\"\r\n"
		 "  resolved \"https://registry.yarnpkg.com/real/-/real-1.2.3.tgz\"\r\n"
		 "  dependencies:\r\n    version \"6.6.6\"\r\n");
	got = catalog_lines(cat, "y/yarn.lock", false);
	assert_string_equal(got, "real 1.2.3\n");
	free(CS_TAKE_PTR(got));
	cs_catalog_free(CS_TAKE_PTR(cat));

	/* pnpm: git packages carry name and version; host keys without them are skipped */
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_str(cat, "p/pnpm-lock.yaml",
		 "lockfileVersion: 5.4\n"
		 "packages:\n"
		 "  /@s/a/1.0.0_react@16.14.0:\n    dev: false\n"
		 "  github.com/u/g/abc:\n    name: g\n    version: 2.0.0\n    dev: true\n"
		 "  registry.example.org/h/1.0.0:\n    dev: false\n"
		 "  /nul/1.0.0:\n"
		 "  /flow/3.0.0: {dev: true, resolution: {integrity: x}}\n");
	got = catalog_lines(cat, "p/pnpm-lock.yaml", true);
	assert_string_equal(got, "@s/a 1.0.0\nflow 3.0.0 dev\ng 2.0.0 dev\nnul 1.0.0\n");
}

static void test_hostile(void **state)
{
	char garbage[8192];
	struct cs_buf b = CS_BUF_INIT(64u << 20);

	(void)state;
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)((i * 2654435761u) >> 11);
	fails("node_modules/a/package.json", garbage, sizeof(garbage));
	fails("package-lock.json", garbage, sizeof(garbage));
	fails("yarn.lock", garbage, sizeof(garbage));
	fails("pnpm-lock.yaml", garbage, sizeof(garbage));

	fails_str("node_modules/a/package.json", "[1, 2]");
	fails_str("node_modules/a/package.json", "{\"name\": \"a\", \"version\": \"1\"");
	fails_str("node_modules/a/package.json", "{\"name\": \"a b\", \"version\": \"1\"}");
	fails_str("package-lock.json", "{\"name\": \"x\"}");
	fails_str("package-lock.json", "");
	fails_str("yarn.lock", "a@^1:\n  version \"1.0.0\n");
	fails_str("yarn.lock", "\"a@^1:\n  version \"1.0.0\"\n");
	fails_str("yarn.lock", "a@^1\n  version \"1.0.0\"\n");
	fails_str("pnpm-lock.yaml", "packages:\n  '/a/1.0.0:\n");
	fails_str("pnpm-lock.yaml", "packages: [\n");

	/* deep nesting: jansson and libyaml input, and v1 dependency trees */
	for (int i = 0; i < 100000; i++)
		assert_int_equal(cs_buf_putc(&b, '['), 0);
	fails("package-lock.json", b.data, b.len);
	fails("pnpm-lock.yaml", b.data, b.len);
	cs_buf_reset(&b);
	assert_int_equal(cs_buf_puts(&b, "{\"lockfileVersion\": 1, \"dependencies\": "), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(
			cs_buf_puts(&b, "{\"a\": {\"version\": \"1.0.0\", \"dependencies\": "), 0);
	assert_int_equal(cs_buf_puts(&b, "{}"), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(cs_buf_puts(&b, "}}"), 0);
	assert_int_equal(cs_buf_puts(&b, "}"), 0);
	fails("package-lock.json", b.data, b.len);
	/* package.json over its own limit, under the cataloger's */
	cs_buf_reset(&b);
	assert_int_equal(cs_buf_puts(&b, "{\"name\": \"a\", \"version\": \"1.0.0\", \"x\": \""), 0);
	while (b.len < (9u << 20))
		assert_int_equal(cs_buf_puts(&b, "0123456789abcdef"), 0);
	assert_int_equal(cs_buf_puts(&b, "\"}"), 0);
	fails("node_modules/a/package.json", b.data, b.len);
	cs_buf_done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wants),
		cmocka_unit_test(test_package_lock_v3),
		cmocka_unit_test(test_shared_lock_v1),
		cmocka_unit_test(test_yarn_v1),
		cmocka_unit_test(test_yarn_berry),
		cmocka_unit_test(test_pnpm),
		cmocka_unit_test(test_node_modules_tree),
		cmocka_unit_test(test_package_json),
		cmocka_unit_test(test_lock_edge_cases),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
