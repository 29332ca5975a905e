/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ruby, php and dotnet catalogers, each against an independent reader:
 * - gemspecs (the machine's installed ones and tests/data/ruby) against
 *   RubyGems itself (Gem::Specification.load), and tests/data/ruby's
 *   Gemfile.lock against Bundler's LockfileParser;
 * - Composer's installed.json (../shared/data) and tests/data/php's
 *   composer.lock against Python's json module;
 * - a .NET deps.json (../shared/data) against Python's json module.
 * Hostile input (garbage, deep nesting, unterminated strings) must give
 * clean errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_ruby;
extern const struct cs_cataloger cs_cataloger_php;
extern const struct cs_cataloger cs_cataloger_dotnet;

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

static int feed(const struct cs_cataloger *c, struct cs_catalog *cat, const char *path,
		const char *data, size_t len, struct cs_error *err)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = len };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	int r;

	if (!c->wants(path, &e))
		fail_msg("%s does not want '%s'", c->name, path);
	cs_error_clear(err);
	r = c->parse(cat, &f, data, len, err);
	if (r < 0) {
		assert_true(err->msg[0] != '\0');
		assert_null(strchr(err->msg, '\n'));
	}
	return r;
}

static void feed_file(const struct cs_cataloger *c, struct cs_catalog *cat, const char *file,
		      const char *image_path)
{
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	size_t len;

	data = slurp(file, &len);
	if (feed(c, cat, image_path, data, len, &err) < 0)
		fail_msg("'%s': %s", file, err.msg);
}

static void fails(const struct cs_cataloger *c, const char *path, const void *data, size_t len)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r;

	assert_int_equal(cs_catalog_new(&cat), 0);
	r = feed(c, cat, path, data, len, &err);
	if (r >= 0)
		fail_msg("%s accepted '%s': %.60s", c->name, path, (const char *)data);
	assert_int_not_equal(r, -ENOMEM);
	assert_int_equal(cs_catalog_count(cat), 0);
}

static void fails_str(const struct cs_cataloger *c, const char *path, const char *text)
{
	fails(c, path, text, strlen(text));
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line per package: "name version|license|extra", sorted. */
static char *catalog_lines(struct cs_catalog *cat, enum cs_pkg_type type, const char *found_by,
			   const char *path, const char *extra_meta)
{
	size_t n = cs_catalog_count(cat);
	_cleanup_free_ char **lines = cs_new0(char *, n + 1);
	struct cs_buf out = CS_BUF_INIT(16u << 20);

	assert_non_null(lines);
	for (size_t i = 0; i < n; i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);
		const char *extra = extra_meta ? cs_package_meta(p, extra_meta) : NULL;

		assert_int_equal(p->type, type);
		assert_string_equal(p->found_by, found_by);
		if (path)
			assert_string_equal(p->path, path);
		lines[i] = cs_asprintf("%s %s|%s|%s", p->name, p->version,
				       p->license ? p->license : "", extra ? extra : "");
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

/* Run a shell command with $SCRIPT set; its whole output. */
static char *run_script(const char *cmd, const char *script, int *ret_status)
{
	struct cs_buf out = CS_BUF_INIT(16u << 20);
	char chunk[4096];
	size_t n;
	FILE *p;
	int st;

	assert_int_equal(setenv("SCRIPT", script, 1), 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		assert_int_equal(cs_buf_append(&out, chunk, n), 0);
	st = pclose(p);
	*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (!out.data)
		assert_int_equal(cs_buf_puts(&out, ""), 0);
	return cs_buf_steal(&out, NULL);
}

static bool have_ruby(void)
{
	return system("ruby -e 'require \"bundler\"' >/dev/null 2>&1") == 0;
}

/* --- ruby --- */

static const char rb_spec[] =
	"ARGV.each do |f|\n"
	"  s = Gem::Specification.load(f)\n"
	"  plat = s.platform.to_s == 'ruby' ? '' : s.platform.to_s\n"
	"  puts \"#{f}\\t#{s.name} #{s.version}|#{s.licenses.join(' OR ')}|#{plat}\"\n"
	"end\n";

/* Every gemspec in `files` (shell words) matches RubyGems' reading. */
static size_t check_gemspecs(const char *files)
{
	_cleanup_free_ char *cmd = cs_asprintf("ruby -e \"$SCRIPT\" %s", files);
	_cleanup_free_ char *want = NULL;
	char *line, *next;
	size_t count = 0;
	int st;

	want = run_script(cmd, rb_spec, &st);
	assert_int_equal(st, 0);
	for (line = want; *line; line = next) {
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		_cleanup_free_ char *got = NULL, *image_path = NULL, *expect = NULL;
		char *tab, *nl = strchr(line, '\n');
		const char *spec_dir;

		assert_non_null(nl);
		*nl = '\0';
		next = nl + 1;
		tab = strchr(line, '\t');

		assert_non_null(tab);
		*tab = '\0';
		/* the file as it sits in an image's specifications directory */
		spec_dir = strstr(line, "/specifications/default/") ? "specifications/default"
								    : "specifications";
		image_path = cs_asprintf("usr/local/lib/ruby/gems/3.2.0/%s/%s", spec_dir,
					 strrchr(line, '/') + 1);
		assert_int_equal(cs_catalog_new(&cat), 0);
		feed_file(&cs_cataloger_ruby, cat, line, image_path);
		got = catalog_lines(cat, CS_PKG_GEM, "ruby", image_path, "platform");
		expect = cs_asprintf("%s\n", tab + 1);
		if (strcmp(got, expect))
			fail_msg("%s: got '%s', rubygems says '%s'", line, got, expect);
		count++;
	}
	return count;
}

static void test_gemspec_fixtures(void **state)
{
	_cleanup_free_ char *dir = env_path("CUSTOMS_TESTDATA", "ruby/specifications");
	_cleanup_free_ char *files = cs_asprintf("'%s'/*.gemspec", dir);

	(void)state;
	if (!have_ruby()) {
		print_message("skipped: ruby is not installed (scripts/install-deps.sh)\n");
		skip();
		return;
	}
	assert_int_equal(check_gemspecs(files), 2);
}

/* The gemspecs of the machine's own Ruby (default gems and Debian's). */
static void test_gemspec_installed(void **state)
{
	size_t n;

	(void)state;
	if (!have_ruby()) {
		print_message("skipped: ruby is not installed (scripts/install-deps.sh)\n");
		skip();
		return;
	}
	n = check_gemspecs("$(ls /usr/lib/ruby/gems/*/specifications/*.gemspec "
			   "/usr/lib/ruby/gems/*/specifications/default/*.gemspec "
			   "/usr/share/rubygems-integration/all/specifications/*.gemspec "
			   "2>/dev/null)");
	/* Debian's ruby3.1 alone has some 80 */
	assert_true(n >= 20);
}

static const char rb_lock[] = "parser = Bundler::LockfileParser.new(File.read(ARGV[0]))\n"
			      "gems = {}\n"
			      "parser.specs.each do |s|\n"
			      "  next unless s.source.is_a?(Bundler::Source::Rubygems)\n"
			      "  plats = (gems[[s.name, s.version.to_s]] ||= [])\n"
			      "  plats << s.platform.to_s unless s.platform.to_s == 'ruby'\n"
			      "end\n"
			      "puts gems.map { |(n, v), p| \"#{n} #{v}||#{p.join(',')}\" }.sort\n";

static void test_gemfile_lock(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *lock = env_path("CUSTOMS_TESTDATA", "ruby/Gemfile.lock");
	_cleanup_free_ char *gemfile = env_path("CUSTOMS_TESTDATA", "ruby/Gemfile");
	_cleanup_free_ char *cmd = NULL, *want = NULL, *got = NULL;
	int st;

	(void)state;
	if (!have_ruby()) {
		print_message("skipped: ruby is not installed (scripts/install-deps.sh)\n");
		skip();
		return;
	}
	cmd = cs_asprintf("BUNDLE_GEMFILE='%s' ruby -rbundler -e \"$SCRIPT\" '%s'", gemfile, lock);
	want = run_script(cmd, rb_lock, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(want, "nokogiri 1.15.4||aarch64-linux,x86_64-linux\n"));
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_file(&cs_cataloger_ruby, cat, lock, "srv/app/Gemfile.lock");
	got = catalog_lines(cat, CS_PKG_GEM, "ruby", "srv/app/Gemfile.lock", "platform");
	assert_string_equal(got, want);
}

static void test_ruby_wants(void **state)
{
	const struct cs_entry reg = { .type = CS_ENTRY_REG };
	static const char *const yes[] = {
		"usr/local/bundle/specifications/rake-13.0.6.gemspec",
		"usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
		"usr/share/rubygems-integration/all/specifications/rack-2.2.4.gemspec",
		"srv/app/Gemfile.lock",
		"Gemfile.lock",
		"srv/gems/app/Gemfile.lock",
	};
	static const char *const no[] = {
		"srv/app/app.gemspec",
		"usr/local/bundle/gems/rake-13.0.6/rake.gemspec",
		"specifications/.gemspec",
		"usr/local/bundle/gems/rake-13.0.6/Gemfile.lock",
		"usr/lib/ruby/gems/3.1.0/gems/x-1/Gemfile.lock",
		"app/vendor/bundle/ruby/3.2.0/gems/y-2/Gemfile.lock",
		"srv/app/Gemfile",
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(yes); i++)
		if (!cs_cataloger_ruby.wants(yes[i], &reg))
			fail_msg("'%s' not wanted", yes[i]);
	for (size_t i = 0; i < CS_ARRAY_SIZE(no); i++)
		if (cs_cataloger_ruby.wants(no[i], &reg))
			fail_msg("'%s' wanted", no[i]);
}

static void test_ruby_hostile(void **state)
{
	const char *spec = "usr/local/bundle/specifications/x-1.gemspec";
	const char *lock = "app/Gemfile.lock";
	char garbage[4096];
	struct cs_buf b = CS_BUF_INIT(16u << 20);

	(void)state;
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)((i * 2654435761u) >> 9);
	fails(&cs_cataloger_ruby, spec, garbage, sizeof(garbage));
	fails(&cs_cataloger_ruby, lock, garbage, sizeof(garbage));
	fails_str(&cs_cataloger_ruby, spec,
		  "Gem::Specification.new do |s|\n  s.name = \"x\n  s.version = \"1\"\nend\n");
	fails_str(&cs_cataloger_ruby, spec, "s.name = \"x\"\n");
	fails_str(&cs_cataloger_ruby, spec, "s.version = \"1.0\"\n");
	/* evaluated names are not read */
	fails_str(&cs_cataloger_ruby, spec, "s.name = \"x#{1}\"\ns.version = \"1.0\"\n");
	fails_str(&cs_cataloger_ruby, spec,
		  "s.name = File.read(\"/etc/passwd\")\ns.version = \"1.0\"\n");
	fails_str(&cs_cataloger_ruby, spec, "s.name = \"a b\"\ns.version = \"1.0\"\n");
	fails_str(&cs_cataloger_ruby, spec,
		  "s.name = \"x\"\ns.version = \"1.0\"\ns.licenses = [\"MIT\"");
	fails_str(&cs_cataloger_ruby, lock, "");
	fails_str(&cs_cataloger_ruby, lock, "GEM\n  specs:\n    rack 2.2.8\n");
	fails_str(&cs_cataloger_ruby, lock, "GEM\n  specs:\n    rack (2.2.8\n");
	fails_str(&cs_cataloger_ruby, lock, "GEM\n  specs:\n    ra$ck (2.2.8)\n");
	/* a list with more items than any gem has */
	assert_int_equal(cs_buf_puts(&b, "s.name = \"x\"\ns.version = \"1\"\ns.licenses = ["), 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(cs_buf_puts(&b, "\"MIT\",\n"), 0);
	assert_int_equal(cs_buf_puts(&b, "]\n"), 0);
	fails(&cs_cataloger_ruby, spec, b.data, b.len);
	cs_buf_done(&b);
}

static void test_gemspec_details(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_error err = CS_ERROR_INIT;
	const char *spec = "usr/local/bundle/specifications/x-1.gemspec";
	static const char text[] = "# stub: other 9.9.9 ruby lib\n"
				   "Gem::Specification.new do |s|\n"
				   "  s.name = \"x\".freeze\n"
				   "  s.version = Gem::Version.new(\"1.2.3.pre\")\n"
				   "  s.name = \"later\"\n"
				   "  s.version == \"5\"\n"
				   "  s.license = \"Apache-2.0\"\n"
				   "  s.authors = [\"A \\\"Q\\\" B\".freeze]\n"
				   "end\n";
	const struct cs_package *p;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed(&cs_cataloger_ruby, cat, spec, text, sizeof(text) - 1, &err), 0);
	p = cs_catalog_get(cat, 0);
	assert_string_equal(p->name, "x");
	assert_string_equal(p->version, "1.2.3.pre");
	assert_string_equal(p->license, "Apache-2.0");
	assert_string_equal(p->vendor, "A \"Q\" B");
	assert_string_equal(p->path, spec);
}

/* --- php --- */

static const char py_composer[] =
	"import json, sys\n"
	"d = json.load(open(sys.argv[1]))\n"
	"pk = d if isinstance(d, list) else d['packages']\n"
	"devnames = set(d.get('dev-package-names', [])) if isinstance(d, dict) else set()\n"
	"rows = [(p, p['name'] in devnames) for p in pk]\n"
	"if sys.argv[1].endswith('.lock'):\n"
	"    rows += [(p, True) for p in d.get('packages-dev', [])]\n"
	"def lic(p):\n"
	"    l = p.get('license', [])\n"
	"    return l if isinstance(l, str) else ' OR '.join(l)\n"
	"for l in sorted('%s %s|%s|%s' % (p['name'], p['version'], lic(p), 'true' if dev else '')"
	" for p, dev in rows):\n"
	"    print(l)\n";

static void check_composer(const char *file, const char *image_path, size_t expect_count)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *cmd = cs_asprintf("python3 -c \"$SCRIPT\" '%s'", file);
	_cleanup_free_ char *want = NULL, *got = NULL;
	int st;

	want = run_script(cmd, py_composer, &st);
	assert_int_equal(st, 0);
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_file(&cs_cataloger_php, cat, file, image_path);
	assert_int_equal(cs_catalog_count(cat), expect_count);
	got = catalog_lines(cat, CS_PKG_COMPOSER, "php", image_path, "dev");
	assert_string_equal(got, want);
}

static void test_composer_installed(void **state)
{
	_cleanup_free_ char *file = env_path("CUSTOMS_SHARED", "pkgdb/lang/php/installed.json");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;

	(void)state;
	check_composer(file, "var/www/html/vendor/composer/installed.json", 2);
	/* Composer's normalised version is kept beside the declared one */
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_file(&cs_cataloger_php, cat, file, "vendor/composer/installed.json");
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		if (!strcmp(p->name, "behat/mink")) {
			assert_string_equal(p->version, "v1.8.1");
			assert_string_equal(cs_package_meta(p, "version_normalized"), "1.8.1.0");
		}
	}
}

static void test_composer_lock(void **state)
{
	_cleanup_free_ char *file = env_path("CUSTOMS_TESTDATA", "php/composer.lock");

	(void)state;
	check_composer(file, "var/www/html/composer.lock", 8);
}

static void test_composer_v1_and_edges(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *got = NULL;
	struct cs_error err = CS_ERROR_INIT;
	static const char v1[] =
		"[{\"name\": \"a/b\", \"version\": \"1.0.0\", \"license\": [\"MIT\"]},"
		" {\"name\": \"c/d\", \"version\": 2}, 7, {\"version\": \"1\"},"
		" {\"name\": \"e/f\", \"version\": \"dev-main\", \"license\": [\"MIT\", 3, \"ISC\"]}]";
	const struct cs_entry reg = { .type = CS_ENTRY_REG };

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed(&cs_cataloger_php, cat, "vendor/composer/installed.json", v1,
			      sizeof(v1) - 1, &err),
			 0);
	got = catalog_lines(cat, CS_PKG_COMPOSER, "php", "vendor/composer/installed.json", "dev");
	assert_string_equal(got, "a/b 1.0.0|MIT|\ne/f dev-main|MIT OR ISC|\n");

	assert_true(cs_cataloger_php.wants("app/composer.lock", &reg));
	assert_true(cs_cataloger_php.wants("composer.lock", &reg));
	assert_true(cs_cataloger_php.wants("app/vendor/composer/installed.json", &reg));
	assert_false(cs_cataloger_php.wants("app/vendor/a/b/composer.lock", &reg));
	assert_false(cs_cataloger_php.wants("vendor/a/composer.lock", &reg));
	assert_false(cs_cataloger_php.wants("app/myvendor/composer/installed.json", &reg));
	assert_false(cs_cataloger_php.wants("app/composer.json", &reg));
	assert_false(cs_cataloger_php.wants("app/vendor/composer/installed.php", &reg));

	fails_str(&cs_cataloger_php, "composer.lock", "{\"packages\": {}}");
	fails_str(&cs_cataloger_php, "composer.lock", "\"x\"");
	fails_str(&cs_cataloger_php, "composer.lock", "{\"packages\": [");
	fails_str(&cs_cataloger_php, "vendor/composer/installed.json", "\x00\x01\x02garbage");
}

/* --- dotnet --- */

static const char py_deps[] =
	"import json, sys\n"
	"d = json.load(open(sys.argv[1]))\n"
	"for l in sorted('%s %s||%s' % (k.split('/')[0], k.split('/')[1], v['sha512'])"
	" for k, v in d['libraries'].items() if v['type'] == 'package'):\n"
	"    print(l)\n";

static void test_deps_json(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *file =
		env_path("CUSTOMS_SHARED", "pkgdb/lang/dotnet/TestLibrary.deps.json");
	_cleanup_free_ char *cmd = cs_asprintf("python3 -c \"$SCRIPT\" '%s'", file);
	_cleanup_free_ char *want = NULL, *got = NULL;
	const char *image_path = "app/TestLibrary.deps.json";
	int st;

	(void)state;
	want = run_script(cmd, py_deps, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(want, "Newtonsoft.Json 13.0.1||sha512-"));
	assert_int_equal(cs_catalog_new(&cat), 0);
	feed_file(&cs_cataloger_dotnet, cat, file, image_path);
	/* the project TestLibrary and TestCommon are not packages */
	assert_int_equal(cs_catalog_count(cat), 12);
	got = catalog_lines(cat, CS_PKG_NUGET, "dotnet", image_path, "sha512");
	assert_string_equal(got, want);
}

static void test_dotnet_edges(void **state)
{
	const struct cs_entry reg = { .type = CS_ENTRY_REG };
	struct cs_buf b = CS_BUF_INIT(1u << 20);

	(void)state;
	assert_true(cs_cataloger_dotnet.wants("app/MyApp.deps.json", &reg));
	assert_false(cs_cataloger_dotnet.wants("app/.deps.json", &reg));
	assert_false(cs_cataloger_dotnet.wants("app/MyApp.runtimeconfig.json", &reg));
	fails_str(&cs_cataloger_dotnet, "a.deps.json", "{\"targets\": {}}");
	fails_str(&cs_cataloger_dotnet, "a.deps.json", "{\"libraries\": [1]}");
	fails_str(&cs_cataloger_dotnet, "a.deps.json",
		  "{\"libraries\": {\"a/1\": {\"type\": \"package\"}");
	for (int i = 0; i < 50000; i++)
		assert_int_equal(cs_buf_puts(&b, "{\"a\":"), 0);
	fails(&cs_cataloger_dotnet, "a.deps.json", b.data, b.len);
	cs_buf_done(&b);
	{
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		_cleanup_free_ char *got = NULL;
		struct cs_error err = CS_ERROR_INIT;
		static const char text[] =
			"{\"libraries\": {\"A/1.0\": {\"type\": \"package\"},"
			" \"B\": {\"type\": \"package\"}, \"C/2.0\": {\"type\": \"project\"},"
			" \"D/3.0\": {\"type\": \"reference\"}, \"/1\": {\"type\": \"package\"},"
			" \"E/\": {\"type\": \"package\"}, \"F/4.0\": 1}}";

		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(feed(&cs_cataloger_dotnet, cat, "a.deps.json", text,
				      sizeof(text) - 1, &err),
				 0);
		got = catalog_lines(cat, CS_PKG_NUGET, "dotnet", "a.deps.json", "sha512");
		assert_string_equal(got, "A 1.0||\n");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ruby_wants),
		cmocka_unit_test(test_gemspec_fixtures),
		cmocka_unit_test(test_gemspec_installed),
		cmocka_unit_test(test_gemspec_details),
		cmocka_unit_test(test_gemfile_lock),
		cmocka_unit_test(test_ruby_hostile),
		cmocka_unit_test(test_composer_installed),
		cmocka_unit_test(test_composer_lock),
		cmocka_unit_test(test_composer_v1_and_edges),
		cmocka_unit_test(test_deps_json),
		cmocka_unit_test(test_dotnet_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
