/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rust cataloger: the cargo-auditable binary in pkgdb/lang/rust is
 * compared with an independent decode of its .dep-v0 section (binutils'
 * objcopy extracts it, python's zlib and json read it); Cargo.lock
 * fixtures in cargo's own format are compared with python's tomllib, and
 * with a lock file cargo itself writes when cargo is installed. Hostile
 * .dep-v0 sections (bombs, bad zlib, bad JSON) and malformed lock files
 * fail with a message.
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
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_rust;

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

static int parse(struct cs_catalog *cat, const char *path, mode_t mode, const void *data,
		 size_t len, struct cs_error *err)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .mode = mode, .size = len };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	int r;

	cs_error_clear(err);
	assert_true(cs_cataloger_rust.wants(path, &e));
	r = cs_cataloger_rust.parse(cat, &f, data, len, err);
	if (r < 0)
		assert_true(err->msg[0] != '\0' && !strchr(err->msg, '\n'));
	return r;
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

/* Lines of a command's output, sorted. */
static char **command_lines(const char *cmd)
{
	char **v = NULL, line[8192];
	size_t n = 0, cap = 0;
	FILE *q = popen(cmd, "r");

	assert_non_null(q);
	while (fgets(line, sizeof(line), q)) {
		line[strcspn(line, "\n")] = '\0';
		strv_add(&v, &n, &cap, cs_strdup(line));
	}
	if (pclose(q) != 0)
		fail_msg("command failed: %s", cmd);
	if (v)
		qsort(v, n, sizeof(*v), cmp_strp);
	return v;
}

static const char *meta_or(const struct cs_package *p, const char *key, const char *dflt)
{
	const char *v = cs_package_meta(p, key);

	return v ? v : dflt;
}

/* "name\tversion\tsource\tkind\troot" per package, sorted */
static char **audit_lines(struct cs_catalog *cat, const char *path)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		assert_int_equal(p->type, CS_PKG_CARGO);
		assert_string_equal(p->found_by, "rust-audit");
		assert_string_equal(p->path, path);
		strv_add(&v, &n, &cap,
			 cs_asprintf("%s\t%s\t%s\t%s\t%s", p->name, p->version,
				     meta_or(p, "source", "-"), meta_or(p, "kind", "-"),
				     meta_or(p, "root", "false")));
	}
	if (v)
		qsort(v, n, sizeof(*v), cmp_strp);
	return v;
}

static void test_audit_binary(void **state)
{
	_cleanup_free_ char *elf =
		env_path("CUSTOMS_SHARED", "pkgdb/lang/rust/cargo-auditable-test.elf");
	_cleanup_free_ char *data = NULL, *cmd = NULL;
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_strv_free_ char **want = NULL, **got = NULL;
	char dir[] = "/tmp/cs-test-rust-XXXXXX";
	struct cs_error err = CS_ERROR_INIT;
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/*
	 * objcopy -O binary writes nothing for a section that is not loaded;
	 * --dump-section extracts .dep-v0 as it is in the file.
	 */
	cmd = cs_asprintf(
		"cd '%s' && objcopy --dump-section .dep-v0=dep.bin '%s' out.elf && "
		"python3 -c 'import zlib, json\n"
		"d = json.loads(zlib.decompress(open(\"dep.bin\", \"rb\").read()))\n"
		"for p in d[\"packages\"]:\n"
		"    print(\"%%s\\t%%s\\t%%s\\t%%s\\t%%s\" %% (p[\"name\"], p[\"version\"], p[\"source\"],"
		" p.get(\"kind\", \"runtime\"), \"true\" if p.get(\"root\") else \"false\"))\n"
		"' && rm -f dep.bin out.elf",
		dir, elf);
	assert_non_null(cmd);
	want = command_lines(cmd);
	rmdir(dir);
	assert_non_null(want);

	data = slurp(elf, &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, "usr/bin/app", 0755, data, len, &err), 0);
	got = audit_lines(cat, "usr/bin/app");
	assert_same_lines(got, want);
}

/* --- synthetic binaries: a 64-bit ELF with a .dep-v0 section --- */

static size_t make_elf(uint8_t *d, size_t cap, const void *sec, size_t sec_len)
{
	static const char names[] = "\0.dep-v0\0.shstrtab";
	size_t data_off = 64, str_off = data_off + sec_len,
	       sh_off = (str_off + sizeof(names) + 7) & ~7ul;
	size_t total = sh_off + 3 * 64;

	assert_true(total <= cap);
	memset(d, 0, total);
	memcpy(d,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	d[16] = 3;  /* ET_DYN */
	d[18] = 62; /* x86-64 */
	d[20] = 1;
	for (int i = 0; i < 8; i++)
		d[40 + i] = (uint8_t)(sh_off >> (8 * i));
	d[52] = 64;
	d[58] = 64; /* e_shentsize */
	d[60] = 3;  /* e_shnum */
	d[62] = 2;  /* e_shstrndx */
	memcpy(d + data_off, sec, sec_len);
	memcpy(d + str_off, names, sizeof(names));
	/* [1] .dep-v0, [2] .shstrtab */
	uint8_t *s1 = d + sh_off + 64, *s2 = d + sh_off + 128;
	s1[0] = 1;
	s1[4] = 1;
	s2[0] = 9;
	s2[4] = 3;
	for (int i = 0; i < 8; i++) {
		s1[24 + i] = (uint8_t)(data_off >> (8 * i));
		s1[32 + i] = (uint8_t)(sec_len >> (8 * i));
		s2[24 + i] = (uint8_t)(str_off >> (8 * i));
		s2[32 + i] = (uint8_t)(sizeof(names) >> (8 * i));
	}
	return total;
}

static int parse_json_section(const char *json, size_t json_len, struct cs_catalog *cat,
			      struct cs_error *err)
{
	uLongf zlen = compressBound(json_len);
	uint8_t *z = cs_malloc(zlen), *elf = cs_malloc(zlen + 4096);
	size_t n;
	int r;

	assert_true(z && elf);
	assert_int_equal(compress2(z, &zlen, (const Bytef *)json, json_len, 9), Z_OK);
	n = make_elf(elf, zlen + 4096, z, zlen);
	r = parse(cat, "app", 0755, elf, n, err);
	free(z);
	free(elf);
	return r;
}

static void test_audit_synthetic(void **state)
{
	static const char json[] =
		"{\"packages\":[{\"name\":\"app\",\"version\":\"0.3.0\",\"source\":\"local\","
		"\"dependencies\":[1,2,3],\"root\":true},"
		"{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":\"build\"},"
		"{\"name\":\"serde\",\"version\":\"1.0.195\",\"source\":\"crates.io\"},"
		"{\"name\":\"fork\",\"version\":\"0.1.0\",\"source\":\"git\"}]}";
	static const char *const want[] = {
		"app\t0.3.0\tlocal\truntime\ttrue",
		"cc\t1.0.83\tcrates.io\tbuild\tfalse",
		"fork\t0.1.0\tgit\truntime\tfalse",
		"serde\t1.0.195\tcrates.io\truntime\tfalse",
		NULL,
	};
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_strv_free_ char **got = NULL;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse_json_section(json, sizeof(json) - 1, cat, &err), 0);
	got = audit_lines(cat, "app");
	assert_same_lines(got, (char **)want);
}

static void expect_failure(const char *json, size_t len, int code, const char *msg)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_error err = CS_ERROR_INIT;

	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse_json_section(json, len, cat, &err), code);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

static void test_audit_hostile(void **state)
{
	static const char *const bad[][2] = {
		{ "{\"packages\":{}}", "no packages array" },
		{ "[1,2]", "no packages array" },
		{ "{\"packages\":[{\"version\":\"1\"}]}", "no name or version" },
		{ "{\"packages\":[{\"name\":\"a\",\"version\":7}]}", "no name or version" },
		{ "{\"packages\":[3]}", "not an object" },
		{ "{\"packages\":[", "invalid json" },
		{ "{\"packages\":[],\"packages\":[]}", "invalid json" },
	};
	char *bomb;
	size_t n = 9u << 20;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
		expect_failure(bad[i][0], strlen(bad[i][0]), -CS_E_INPUT, bad[i][1]);
	/* 9 MiB of JSON whitespace compresses to a few KiB: over the inflate limit */
	bomb = cs_malloc(n);
	assert_non_null(bomb);
	memset(bomb, ' ', n);
	memcpy(bomb, "{\"packages\":[]}", 15);
	expect_failure(bomb, n, -CS_E_LIMIT, "inflates to more than");
	free(bomb);

	/* not zlib at all, and a truncated stream */
	{
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;
		uint8_t elf[4096], z[256];
		uLongf zlen = sizeof(z);
		static const char json[] = "{\"packages\":[{\"name\":\"a\",\"version\":\"1\"}]}";
		size_t len;

		assert_int_equal(cs_catalog_new(&cat), 0);
		len = make_elf(elf, sizeof(elf), "garbage!", 8);
		assert_int_equal(parse(cat, "app", 0755, elf, len, &err), -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "zlib"));
		assert_int_equal(compress2(z, &zlen, (const Bytef *)json, sizeof(json) - 1, 9),
				 Z_OK);
		for (size_t cut = 0; cut < zlen; cut++) {
			len = make_elf(elf, sizeof(elf), z, cut);
			assert_true(parse(cat, "app", 0755, elf, len, &err) < 0);
		}
		assert_int_equal(cs_catalog_count(cat), 0);
		/* every truncation of the whole file: never a crash */
		len = make_elf(elf, sizeof(elf), z, zlen);
		for (size_t cut = 0; cut < len; cut++)
			(void)parse(cat, "app", 0755, elf, cut, &err);
	}
}

/* --- Cargo.lock --- */

static char **lock_lines(struct cs_catalog *cat)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		assert_int_equal(p->type, CS_PKG_CARGO);
		assert_string_equal(p->found_by, "cargo-lock");
		strv_add(&v, &n, &cap,
			 cs_asprintf("%s\t%s\t%s\t%s", p->name, p->version,
				     meta_or(p, "source-url", "-"), meta_or(p, "checksum", "-")));
	}
	if (v)
		qsort(v, n, sizeof(*v), cmp_strp);
	return v;
}

/* python's tomllib reading the same file */
static char **tomllib_lines(const char *file)
{
	_cleanup_free_ char *cmd = cs_asprintf(
		"python3 -c 'import sys, tomllib\n"
		"d = tomllib.load(open(sys.argv[1], \"rb\"))\n"
		"for p in d.get(\"package\", []):\n"
		"    print(\"%%s\\t%%s\\t%%s\\t%%s\" %% (p[\"name\"], p[\"version\"], p.get(\"source\", \"-\"),"
		" p.get(\"checksum\", \"-\")))\n"
		"' '%s'",
		file);

	assert_non_null(cmd);
	return command_lines(cmd);
}

static void compare_lock_with_tomllib(const char *file)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_strv_free_ char **want = NULL, **got = NULL;
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	size_t len;

	data = slurp(file, &len);
	want = tomllib_lines(file);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, "src/app/Cargo.lock", 0644, data, len, &err), 0);
	got = lock_lines(cat);
	assert_same_lines(got, want);
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		assert_string_equal(cs_catalog_get(cat, i)->path, "src/app/Cargo.lock");
}

static void test_cargo_lock_fixtures(void **state)
{
	_cleanup_free_ char *v3 = env_path("CUSTOMS_TESTDATA", "rust/Cargo.lock");
	_cleanup_free_ char *v1 = env_path("CUSTOMS_TESTDATA", "rust/Cargo-v1.lock");
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	size_t len;

	(void)state;
	compare_lock_with_tomllib(v3);
	compare_lock_with_tomllib(v1);

	/* the source kinds */
	data = slurp(v3, &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, "Cargo.lock", 0644, data, len, &err), 0);
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);
		const char *want = !strcmp(p->name, "demo") || !strcmp(p->name, "demo-util")
					   ? "local"
				   : !strncmp(p->name, "regex", 5) ? "git"
								   : "crates.io";

		assert_string_equal(cs_package_meta(p, "source"), want);
	}
}

/* A lock file written by cargo itself (path dependencies only: no network). */
static void test_cargo_lock_from_cargo(void **state)
{
	char dir[] = "/tmp/cs-test-cargo-XXXXXX";
	_cleanup_free_ char *cmd = NULL, *lock = NULL;
	int st;

	(void)state;
	if (system("PATH=\"$PATH:$HOME/.cargo/bin\" cargo --version >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	cmd = cs_asprintf(
		"set -e; cd '%s'; export PATH=\"$PATH:$HOME/.cargo/bin\" CARGO_NET_OFFLINE=true; "
		"mkdir -p app/src util/src; "
		"printf '[package]\\nname = \"app\"\\nversion = \"0.2.0\"\\nedition = \"2021\"\\n\\n"
		"[dependencies]\\nutil = { path = \"../util\" }\\n' > app/Cargo.toml; "
		"printf 'fn main() {}\\n' > app/src/main.rs; "
		"printf '[package]\\nname = \"util\"\\nversion = \"1.4.1\"\\nedition = \"2021\"\\n' "
		"> util/Cargo.toml; printf '' > util/src/lib.rs; "
		"cd app && cargo generate-lockfile --offline -q",
		dir);
	assert_non_null(cmd);
	st = system(cmd);
	if (st != 0)
		fail_msg("cargo generate-lockfile failed");
	lock = cs_asprintf("%s/app/Cargo.lock", dir);
	compare_lock_with_tomllib(lock);
	free(cmd);
	cmd = cs_asprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_cargo_lock_malformed(void **state)
{
	static const char *const bad[][2] = {
		{ "[[package]]\nname = \"a\"\n", "line 1: [[package]] without name or version" },
		{ "[[package]]\nname = \"a\nversion = \"1\"\n", "line 2: unterminated string" },
		{ "[[package]]\nname = \"a\"\nname = \"b\"\nversion = \"1\"\n",
		  "line 3: duplicate key" },
		{ "[[package]]\nname = 'a'\n", "line 2: unsupported value" },
		{ "[[package]]\nname = \"a\" x\n", "line 2: unexpected text" },
		{ "[[package]]\ndependencies = [\n \"a\",\n", "unterminated array" },
		{ "[[package]\n", "line 1: unterminated table header" },
		{ "[]\n", "line 1: bad table header" },
		{ "[[package]]\nname = \"\"\nversion = \"1\"\n", "without name or version" },
		{ "[metadata\n", "line 1: unterminated table header" },
		{ "= \"x\"\n", "line 1: expected a key" },
		{ "[[package]]\nname = \"a\\q\"\n", "bad escape" },
		{ "[[package]]\nname = \"\\u0000\"\n", "bad unicode escape" },
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_catalog_new(&cat), 0);
		if (parse(cat, "Cargo.lock", 0644, bad[i][0], strlen(bad[i][0]), &err) !=
		    -CS_E_INPUT)
			fail_msg("case %zu: accepted", i);
		if (!strstr(err.msg, bad[i][1]))
			fail_msg("case %zu: message '%s' lacks '%s'", i, err.msg, bad[i][1]);
	}
	/* CRLF, escapes and a missing final newline are fine */
	{
		static const char ok[] = "[[package]]\r\nname = \"caf\\u00e9\"\r\n"
					 "version = \"1.0.0\" # note\r\n\r\n[[package]]\n"
					 "name = \"b\"\nversion = \"2\"";
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(parse(cat, "Cargo.lock", 0644, ok, sizeof(ok) - 1, &err), 0);
		assert_int_equal(cs_catalog_count(cat), 2);
		assert_string_equal(cs_catalog_get(cat, 0)->name, "caf\xc3\xa9");
		assert_string_equal(cs_catalog_get(cat, 1)->version, "2");
	}
}

static void test_wants_sniff(void **state)
{
	struct cs_entry lock = { .path = "src/Cargo.lock", .type = CS_ENTRY_REG, .mode = 0644 };
	struct cs_entry exe = { .path = "usr/bin/x", .type = CS_ENTRY_REG, .mode = 0755 };
	struct cs_entry plain = { .path = "usr/share/doc/x", .type = CS_ENTRY_REG, .mode = 0644 };
	static const char header[] = "# This file is automatically @generated by Cargo.\n";

	(void)state;
	assert_true(cs_cataloger_rust.wants(lock.path, &lock));
	assert_true(cs_cataloger_rust.wants(exe.path, &exe));
	assert_false(cs_cataloger_rust.wants(plain.path, &plain));
	assert_true(cs_cataloger_rust.sniff(header, sizeof(header) - 1));
	assert_true(cs_cataloger_rust.sniff("[[package]]\n", 12));
	assert_true(cs_cataloger_rust.sniff("\x7f"
					    "ELF\x02",
					    5));
	assert_false(cs_cataloger_rust.sniff("#!/bin/sh\nexit 0\n", 17));
	assert_false(cs_cataloger_rust.sniff("\x89PNG", 4));
	/* an executable script is neither a binary nor a lock file */
	{
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(parse(cat, "usr/bin/x", 0755, "[x]\n", 4, &err), 0);
		assert_int_equal(cs_catalog_count(cat), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_binary),
		cmocka_unit_test(test_audit_synthetic),
		cmocka_unit_test(test_audit_hostile),
		cmocka_unit_test(test_cargo_lock_fixtures),
		cmocka_unit_test(test_cargo_lock_from_cargo),
		cmocka_unit_test(test_cargo_lock_malformed),
		cmocka_unit_test(test_wants_sniff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
