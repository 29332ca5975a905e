/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The go-binary cataloger against Go itself: the module list and toolchain
 * version read from a real binary (pkgdb/lang/go/test.elf, old pointer
 * format) and from programs built here with Debian's Go (inline format,
 * normal, -s -w, and with the section headers removed) are compared with
 * what `go version -m` prints for the same files. Synthetic ELF files
 * cover 32-bit, big-endian and stripped layouts; truncated and corrupted
 * inputs must fail cleanly.
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
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_gobinary;

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

static void spit(const char *path, const void *data, size_t len, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int parse(struct cs_catalog *cat, const char *path, const void *data, size_t len,
		 struct cs_error *err)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .mode = 0755, .size = len };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	int r;

	cs_error_clear(err);
	assert_true(cs_cataloger_gobinary.wants(path, &e));
	r = cs_cataloger_gobinary.parse(cat, &f, data, len, err);
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

static struct cs_package *find(struct cs_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		if (!strcmp(cs_catalog_get(cat, i)->name, name))
			return cs_catalog_get(cat, i);
	return NULL;
}

/* "name@version" of every package, sorted; checks the fields every package has */
static char **catalog_set(struct cs_catalog *cat, const char *path)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		assert_int_equal(p->type, CS_PKG_GOLANG);
		assert_string_equal(p->found_by, "go-binary");
		assert_string_equal(p->path, path);
		assert_non_null(cs_package_meta(p, "go-toolchain"));
		strv_add(&v, &n, &cap, cs_asprintf("%s@%s", p->name, p->version ? p->version : ""));
	}
	if (v)
		qsort(v, n, sizeof(*v), cmp_strp);
	return v;
}

static bool have_go(void)
{
	return system("go version >/dev/null 2>&1") == 0;
}

static bool is_dir_path(const char *s)
{
	return s[0] == '/' || !strncmp(s, "./", 2) || !strncmp(s, "../", 3) || !strcmp(s, ".") ||
	       !strcmp(s, "..");
}

struct go_answer {
	char **set;	 /* sorted "name@version" */
	char *toolchain; /* "go1.19.8" */
	char *main_path;
	char *goos, *goarch;
};

static void go_answer_done(struct go_answer *a)
{
	cs_strv_free(a->set);
	free(a->toolchain);
	free(a->main_path);
	free(a->goos);
	free(a->goarch);
}

/*
 * What `go version -m FILE` says: the main module, each dependency with its
 * replacement applied (a module replacement by its own name, a directory one
 * under the replaced name), and the standard library at the toolchain version.
 */
static void go_version_m(const char *file, struct go_answer *a)
{
	_cleanup_free_ char *cmd = cs_asprintf("go version -m '%s' 2>&1", file);
	char line[16384], *fields[5], **last = NULL;
	size_t n = 0, cap = 0;
	FILE *q;

	memset(a, 0, sizeof(*a));
	assert_non_null(cmd);
	q = popen(cmd, "r");
	assert_non_null(q);
	while (fgets(line, sizeof(line), q)) {
		size_t nf = 0;
		char *s = line, *colon;

		line[strcspn(line, "\n")] = '\0';
		if (!a->toolchain) {
			colon = strstr(line, ": ");
			assert_non_null(colon);
			a->toolchain = cs_strdup(colon + 2);
			continue;
		}
		if (*s != '\t')
			fail_msg("unexpected go version output: %s", line);
		s++;
		while (nf < 5) {
			fields[nf++] = s;
			s = strchr(s, '\t');
			if (!s)
				break;
			*s++ = '\0';
		}
		if (nf >= 3 && (!strcmp(fields[0], "mod") || !strcmp(fields[0], "dep"))) {
			if (!strcmp(fields[0], "mod"))
				a->main_path = cs_strdup(fields[1]);
			strv_add(&a->set, &n, &cap, cs_asprintf("%s@%s", fields[1], fields[2]));
			last = &a->set[n - 1];
		} else if (nf >= 3 && !strcmp(fields[0], "=>")) {
			_cleanup_free_ char *orig = NULL;
			const char *ver = fields[2][0] ? fields[2] : "(devel)";

			assert_non_null(last);
			orig = *last;
			*strchr(orig, '@') = '\0';
			*last = cs_asprintf("%s@%s", is_dir_path(fields[1]) ? orig : fields[1],
					    ver);
			assert_non_null(*last);
			last = NULL;
		} else if (nf >= 2 && !strcmp(fields[0], "build")) {
			if (!strncmp(fields[1], "GOOS=", 5))
				a->goos = cs_strdup(fields[1] + 5);
			if (!strncmp(fields[1], "GOARCH=", 7))
				a->goarch = cs_strdup(fields[1] + 7);
		}
	}
	assert_int_equal(pclose(q), 0);
	assert_non_null(a->toolchain);
	assert_int_equal(strncmp(a->toolchain, "go", 2), 0);
	strv_add(&a->set, &n, &cap,
		 cs_asprintf("stdlib@%.*s", (int)strcspn(a->toolchain + 2, " "), a->toolchain + 2));
	qsort(a->set, n, sizeof(*a->set), cmp_strp);
}

static void assert_same_set(char **got, char **want)
{
	size_t i = 0;

	assert_non_null(got);
	assert_non_null(want);
	for (; got[i] && want[i]; i++)
		assert_string_equal(got[i], want[i]);
	if (got[i] || want[i])
		fail_msg("package sets differ at %zu: got %s, want %s", i,
			 got[i] ? got[i] : "(end)", want[i] ? want[i] : "(end)");
}

/* Catalog `file` (path recorded as `path`) and compare with go version -m on `file`. */
static void compare_with_go(const char *file, const char *path)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_strv_free_ char **got = NULL;
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct go_answer want;
	struct cs_package *stdlib, *main_pkg;
	size_t len;

	go_version_m(file, &want);
	data = slurp(file, &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, path, data, len, &err), 0);
	got = catalog_set(cat, path);
	assert_same_set(got, want.set);
	stdlib = find(cat, "stdlib");
	assert_non_null(stdlib);
	assert_string_equal(cs_package_meta(stdlib, "go-toolchain"), want.toolchain);
	assert_non_null(want.main_path);
	main_pkg = find(cat, want.main_path);
	assert_non_null(main_pkg);
	assert_string_equal(cs_package_meta(main_pkg, "main-module"), want.main_path);
	if (want.goos)
		assert_string_equal(cs_package_meta(main_pkg, "GOOS"), want.goos);
	if (want.goarch)
		assert_string_equal(cs_package_meta(main_pkg, "GOARCH"), want.goarch);
	go_answer_done(&want);
}

static void test_shared_binary(void **state)
{
	char dir[] = "/tmp/cs-test-gobin-XXXXXX";
	const char *shared = getenv("CUSTOMS_SHARED");
	_cleanup_free_ char *src = NULL, *copy = NULL, *data = NULL;
	size_t len;

	(void)state;
	if (!shared)
		fail_msg("CUSTOMS_SHARED is not set");
	if (!have_go())
		skip();
	src = cs_asprintf("%s/pkgdb/lang/go/test.elf", shared);
	assert_non_null(mkdtemp(dir));
	copy = cs_asprintf("%s/test.elf", dir);
	assert_true(src && copy);
	/* go version -m only looks at executable files */
	data = slurp(src, &len);
	spit(copy, data, len, 0755);
	compare_with_go(copy, "usr/bin/test");
	unlink(copy);
	rmdir(dir);
}

static void run(const char *cmd)
{
	int st = system(cmd);

	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("command failed: %s", cmd);
}

/* Remove the section headers as sstrip does: e_shoff, e_shnum, e_shstrndx = 0. */
static void drop_sections(char *d, size_t len)
{
	assert_true(len >= 64 && d[4] == 2 && d[5] == 1);
	memset(d + 40, 0, 8);
	memset(d + 60, 0, 4);
}

static void test_built_programs(void **state)
{
	char dir[] = "/tmp/cs-test-gobuild-XXXXXX";
	_cleanup_free_ char *cmd = NULL, *f = NULL, *data = NULL, *sstripped = NULL;
	static const char *const files[][2] = {
		{ "go.mod", "module example.com/hello\n\ngo 1.19\n\n"
			    "require (\n\texample.com/lib v1.2.3\n\texample.com/other v0.4.0\n)\n\n"
			    "replace example.com/lib v1.2.3 => ./lib\n\n"
			    "replace example.com/other v0.4.0 => example.com/fork v0.5.0\n" },
		{ "main.go", "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/lib\"\n"
			     "\t\"example.com/other\"\n)\n\n"
			     "func main() { fmt.Println(lib.Hello(), other.Name) }\n" },
		{ "lib/go.mod", "module example.com/lib\n\ngo 1.19\n" },
		{ "lib/lib.go", "package lib\n\nfunc Hello() string { return \"hello\" }\n" },
		/* a module replacement served from a local vendor-less module cache copy */
		{ "fork/go.mod", "module example.com/other\n\ngo 1.19\n" },
		{ "fork/other.go", "package other\n\nconst Name = \"fork\"\n" },
	};
	size_t len;

	(void)state;
	if (!have_go())
		skip();
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *p = cs_asprintf("%s/%s", dir, files[i][0]);
		char *slash;

		assert_non_null(p);
		slash = strrchr(p, '/');
		*slash = '\0';
		mkdir(p, 0755);
		*slash = '/';
		spit(p, files[i][1], strlen(files[i][1]), 0644);
	}
	/*
	 * example.com/fork v0.5.0 comes from a file:// GOPROXY made from the
	 * fork/ directory, so the build needs no network.
	 */
	cmd = cs_asprintf(
		"set -e; cd '%s'; export HOME='%s' GOPATH='%s/gopath' GOCACHE='%s/cache' "
		"GOFLAGS=-mod=mod GONOSUMDB=example.com GOSUMDB=off "
		"GOPROXY=off CGO_ENABLED=0 GOTOOLCHAIN=local; "
		"mkdir -p proxy/example.com/fork/@v; "
		"(cd fork && printf 'v0.5.0\\n' > ../proxy/example.com/fork/@v/list && "
		"cp go.mod ../proxy/example.com/fork/@v/v0.5.0.mod && "
		"printf '{\"Version\":\"v0.5.0\"}' > ../proxy/example.com/fork/@v/v0.5.0.info && "
		"mkdir -p ../z/example.com/fork@v0.5.0 && cp go.mod other.go ../z/example.com/fork@v0.5.0/ && "
		"cd ../z && python3 -c \"import zipfile,os;"
		"z=zipfile.ZipFile('../proxy/example.com/fork/@v/v0.5.0.zip','w');"
		"[z.write(os.path.join(r,f)) for r,d,fs in os.walk('example.com') for f in fs];z.close()\"); "
		"rm -rf fork z; "
		"GOPROXY=file://%s/proxy go build -o hello . >build.log 2>&1; "
		"GOPROXY=file://%s/proxy go build -ldflags='-s -w' -o hello-stripped . >>build.log 2>&1",
		dir, dir, dir, dir, dir, dir);
	assert_non_null(cmd);
	run(cmd);

	f = cs_asprintf("%s/hello", dir);
	compare_with_go(f, "app/hello");
	free(f);
	f = cs_asprintf("%s/hello-stripped", dir);
	compare_with_go(f, "app/hello-stripped");

	/* no section headers: the build info is found by scanning the data segment */
	data = slurp(f, &len);
	drop_sections(data, len);
	sstripped = cs_asprintf("%s/hello-sstripped", dir);
	spit(sstripped, data, len, 0755);
	compare_with_go(sstripped, "app/hello-sstripped");

	/* the replacements are recorded */
	{
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;
		struct cs_package *p;

		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(parse(cat, "app/hello", data, len, &err), 0);
		p = find(cat, "example.com/fork");
		assert_non_null(p);
		assert_string_equal(p->version, "v0.5.0");
		assert_string_equal(cs_package_meta(p, "replaces"), "example.com/other@v0.4.0");
		p = find(cat, "example.com/lib");
		assert_non_null(p);
		assert_string_equal(p->version, "(devel)");
		assert_string_equal(cs_package_meta(p, "replaced-by"), "./lib");
		p = find(cat, "example.com/hello");
		assert_non_null(p);
		assert_string_equal(p->version, "(devel)");
	}
	free(cmd);
	/* the module cache is read-only */
	cmd = cs_asprintf("chmod -R u+w '%s' && rm -rf '%s'", dir, dir);
	run(cmd);
}

/* --- synthetic ELF files: layouts Go produces elsewhere (32-bit, big-endian, stripped) --- */

struct elfb {
	uint8_t d[16384];
	bool is64, be;
};

static void put(struct elfb *e, size_t off, uint64_t v, unsigned size)
{
	assert_true(off + size <= sizeof(e->d));
	for (unsigned i = 0; i < size; i++) {
		unsigned shift = 8 * (e->be ? size - 1 - i : i);

		e->d[off + i] = (uint8_t)(v >> shift);
	}
}

static void put_bytes(struct elfb *e, size_t off, const void *p, size_t n)
{
	assert_true(off + n <= sizeof(e->d));
	memcpy(e->d + off, p, n);
}

#define SENTINEL "0123456789abcdef"
static const char modinfo[] = SENTINEL "path\texample.org/tool\n"
				       "mod\texample.org/tool\tv0.1.0\th1:AAAA=\n"
				       "dep\tgolang.org/x/text\tv0.3.7\th1:BBBB=\n"
				       "dep\tgithub.com/a/b\tv1.0.0\th1:CCCC=\n"
				       "=>\tgithub.com/c/b\tv1.1.0\th1:DDDD=\n"
				       "build\tGOOS=linux\nbuild\tGOARCH=mips\n"
				       "build\tvcs.revision=deadbeef\n" SENTINEL;
static const char toolchain[] = "go1.21.4";
static const char *const synthetic_set[] = {
	"example.org/tool@v0.1.0",
	"github.com/c/b@v1.1.0",
	"golang.org/x/text@v0.3.7",
	"stdlib@1.21.4",
	NULL,
};

#define VADDR 0x10000
#define DATA  0x1000

/*
 * An ELF file with one writable PT_LOAD segment (file offset DATA, address
 * VADDR + DATA) holding the build info, and optionally a section table with
 * .go.buildinfo. Returns the file size.
 */
static size_t make_elf(struct elfb *e, bool is64, bool be, bool inline_fmt, bool sections)
{
	unsigned ps = is64 ? 8 : 4;
	size_t ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32, shsize = is64 ? 64 : 40;
	size_t seglen = 0x1000, end = DATA + seglen, shoff = end;
	uint64_t base = VADDR + DATA;
	size_t n;

	memset(e, 0, sizeof(*e));
	e->is64 = is64;
	e->be = be;
	put_bytes(e, 0,
		  "\x7f"
		  "ELF",
		  4);
	e->d[4] = is64 ? 2 : 1;
	e->d[5] = be ? 2 : 1;
	e->d[6] = 1;
	put(e, 16, 2, 2);	      /* ET_EXEC */
	put(e, 18, is64 ? 62 : 8, 2); /* x86-64 / MIPS */
	put(e, 20, 1, 4);
	put(e, is64 ? 32 : 28, ehsize, ps); /* e_phoff */
	put(e, is64 ? 40 : 32, sections ? shoff : 0, ps);
	put(e, is64 ? 52 : 40, ehsize, 2);
	put(e, is64 ? 54 : 42, phsize, 2);
	put(e, is64 ? 56 : 44, 1, 2);
	put(e, is64 ? 58 : 46, shsize, 2);
	put(e, is64 ? 60 : 48, sections ? 3 : 0, 2);
	put(e, is64 ? 62 : 50, sections ? 2 : 0, 2);
	/* PT_LOAD, RW */
	put(e, ehsize, 1, 4);
	if (is64) {
		put(e, ehsize + 4, 6, 4);
		put(e, ehsize + 8, DATA, 8);
		put(e, ehsize + 16, base, 8);
		put(e, ehsize + 24, base, 8);
		put(e, ehsize + 32, seglen, 8);
		put(e, ehsize + 40, seglen, 8);
	} else {
		put(e, ehsize + 4, DATA, 4);
		put(e, ehsize + 8, base, 4);
		put(e, ehsize + 12, base, 4);
		put(e, ehsize + 16, seglen, 4);
		put(e, ehsize + 20, seglen, 4);
		put(e, ehsize + 24, 6, 4);
	}
	/* the build info, 32 bytes into the segment (16-aligned) */
	size_t bi = DATA + 32;
	put_bytes(e, bi, "\xff Go buildinf:", 14);
	e->d[bi + 14] = (uint8_t)ps;
	if (inline_fmt) {
		size_t o = bi + 32;

		e->d[bi + 15] = 2;
		e->d[o++] = sizeof(toolchain) - 1;
		put_bytes(e, o, toolchain, sizeof(toolchain) - 1);
		o += sizeof(toolchain) - 1;
		n = sizeof(modinfo) - 1;
		e->d[o++] = (uint8_t)(0x80 | (n & 0x7f));
		e->d[o++] = (uint8_t)(n >> 7);
		put_bytes(e, o, modinfo, n);
	} else {
		/* pointers to string headers, which point to the strings */
		uint64_t hdr = base + 0x100, vs = base + 0x200, ms = base + 0x300;

		e->d[bi + 15] = be ? 1 : 0;
		put(e, bi + 16, hdr, ps);
		put(e, bi + 16 + ps, hdr + 2 * ps, ps);
		put(e, DATA + 0x100, vs, ps);
		put(e, DATA + 0x100 + ps, sizeof(toolchain) - 1, ps);
		put(e, DATA + 0x100 + 2 * ps, ms, ps);
		put(e, DATA + 0x100 + 3 * ps, sizeof(modinfo) - 1, ps);
		put_bytes(e, DATA + 0x200, toolchain, sizeof(toolchain) - 1);
		put_bytes(e, DATA + 0x300, modinfo, sizeof(modinfo) - 1);
	}
	if (!sections)
		return end;
	/* sections: null, .go.buildinfo, .shstrtab (names right after the table) */
	static const char names[] = "\0.go.buildinfo\0.shstrtab";
	size_t strs = shoff + 3 * shsize, s1 = shoff + shsize, s2 = shoff + 2 * shsize;

	put_bytes(e, strs, names, sizeof(names));
	put(e, s1, 1, 4);
	put(e, s1 + 4, 1, 4); /* PROGBITS */
	put(e, s2, 15, 4);
	put(e, s2 + 4, 3, 4); /* STRTAB */
	if (is64) {
		put(e, s1 + 8, 3, 8);
		put(e, s1 + 16, base + 32, 8);
		put(e, s1 + 24, bi, 8);
		put(e, s1 + 32, 0x400, 8);
		put(e, s2 + 24, strs, 8);
		put(e, s2 + 32, sizeof(names), 8);
	} else {
		put(e, s1 + 8, 3, 4);
		put(e, s1 + 12, base + 32, 4);
		put(e, s1 + 16, bi, 4);
		put(e, s1 + 20, 0x400, 4);
		put(e, s2 + 16, strs, 4);
		put(e, s2 + 20, sizeof(names), 4);
	}
	return strs + sizeof(names);
}

static void check_synthetic(bool is64, bool be, bool inline_fmt, bool sections)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_strv_free_ char **got = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct elfb e;
	size_t len = make_elf(&e, is64, be, inline_fmt, sections);
	struct cs_package *p;

	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, "bin/tool", e.d, len, &err), 0);
	got = catalog_set(cat, "bin/tool");
	assert_same_set(got, (char **)synthetic_set);
	p = find(cat, "example.org/tool");
	assert_string_equal(cs_package_meta(p, "GOARCH"), "mips");
	assert_string_equal(cs_package_meta(p, "vcs.revision"), "deadbeef");
	assert_string_equal(cs_package_meta(p, "h1-digest"), "h1:AAAA=");
	p = find(cat, "github.com/c/b");
	assert_string_equal(cs_package_meta(p, "replaces"), "github.com/a/b@v1.0.0");
	assert_string_equal(cs_package_meta(p, "main-module"), "example.org/tool");
	p = find(cat, "stdlib");
	assert_string_equal(cs_package_meta(p, "go-toolchain"), "go1.21.4");
}

static void test_synthetic_layouts(void **state)
{
	(void)state;
	for (int m = 0; m < 16; m++)
		check_synthetic(m & 1, m & 2, m & 4, m & 8);
}

/* Every truncation and many corruptions fail cleanly (the sanitizers watch). */
static void test_hostile(void **state)
{
	(void)state;
	for (int m = 0; m < 16; m++) {
		struct elfb e;
		size_t len = make_elf(&e, m & 1, m & 2, m & 4, m & 8);

		for (size_t cut = 0; cut < len; cut += (cut < 128 ? 1 : 61)) {
			_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
			struct cs_error err = CS_ERROR_INIT;
			void *copy = cs_memdup(e.d, cut);

			assert_int_equal(cs_catalog_new(&cat), 0);
			assert_true(copy || cut == 0);
			if (parse(cat, "bin/tool", copy, cut, &err) == 0 && cut < DATA)
				assert_int_equal(cs_catalog_count(cat), 0);
			free(copy);
		}
		/* flip each byte of the headers and of the build info */
		for (size_t i = 0; i < len;
		     i += (i < 256 || (i >= DATA && i < DATA + 0x400)) ? 1 : 97) {
			_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
			struct cs_error err = CS_ERROR_INIT;
			struct elfb c = e;

			c.d[i] ^= 0xff;
			assert_int_equal(cs_catalog_new(&cat), 0);
			(void)parse(cat, "bin/tool", c.d, len, &err);
		}
	}
	/* a string header pointing outside the file is an error, not a read */
	{
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;
		struct elfb e;
		size_t len = make_elf(&e, true, false, false, true);

		put(&e, DATA + 0x100 + 8, 1ull << 40, 8);
		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(parse(cat, "bin/tool", e.d, len, &err), -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "go build info"));
		assert_int_equal(cs_catalog_count(cat), 0);
	}
	/* a section table beyond the end of the file */
	{
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		struct cs_error err = CS_ERROR_INIT;
		struct elfb e;
		size_t len = make_elf(&e, true, false, true, true);

		put(&e, 40, len - 10, 8);
		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(parse(cat, "bin/tool", e.d, len, &err), -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "section header table"));
	}
}

/* A C program is an ELF file without Go build info: nothing, and no error. */
static void test_not_go(void **state)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	size_t len;

	(void)state;
	data = slurp("/bin/true", &len);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, "bin/true", data, len, &err), 0);
	assert_int_equal(cs_catalog_count(cat), 0);
	assert_int_equal(parse(cat, "bin/x", "#!/bin/sh\n", 10, &err), 0);
	assert_int_equal(cs_catalog_count(cat), 0);
}

static void test_wants_sniff(void **state)
{
	struct cs_entry exe = { .path = "usr/bin/x", .type = CS_ENTRY_REG, .mode = 0755 };
	struct cs_entry plain = { .path = "usr/share/x", .type = CS_ENTRY_REG, .mode = 0644 };
	struct cs_entry dir = { .path = "usr/bin", .type = CS_ENTRY_DIR, .mode = 0755 };

	(void)state;
	assert_true(cs_cataloger_gobinary.wants(exe.path, &exe));
	assert_false(cs_cataloger_gobinary.wants(plain.path, &plain));
	assert_false(cs_cataloger_gobinary.wants(dir.path, &dir));
	assert_true(cs_cataloger_gobinary.sniff("\x7f"
						"ELF\x02\x01",
						6));
	assert_false(cs_cataloger_gobinary.sniff("#!/bin/sh\n", 10));
	assert_false(cs_cataloger_gobinary.sniff("\x7f"
						 "EL",
						 3));
	assert_true(cs_cataloger_gobinary.max_size >= 256u << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_binary),
		cmocka_unit_test(test_built_programs),
		cmocka_unit_test(test_synthetic_layouts),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_not_go),
		cmocka_unit_test(test_wants_sniff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
