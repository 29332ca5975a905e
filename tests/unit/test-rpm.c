/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rpm cataloger against Debian's rpm 4.18 (`rpm --dbpath`), which reads
 * the real Berkeley DB and SQLite databases of shared/data/pkgdb/rpm
 * itself. Debian's rpm has no NDB backend: the NDB database is checked by
 * re-packing its blobs into SQLite with an independent Python script
 * (tests/data/rpm/ndb2sqlite.py) for rpm to read, and against the package
 * listing go-rpmdb recorded for the same file. Hostile inputs are built
 * here byte by byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <zlib.h>

#include "basic/alloc.h"
#include "catalog/cataloger.h"
#include "catalog/rpm.h"

extern const struct cs_cataloger cs_cataloger_rpm;

/* ------------------------------------------------------------ helpers */

static char *shared(const char *rel)
{
	const char *root = getenv("CUSTOMS_SHARED");

	assert_non_null(root);
	return cs_asprintf("%s/%s", root, rel);
}

static uint8_t *read_all(const char *path, size_t *ret_len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		assert_true(n > 0);
		got += (size_t)n;
	}
	close(fd);
	*ret_len = got;
	return buf;
}

struct lines {
	char **v;
	size_t n, cap;
};

static void lines_add(struct lines *l, char *s)
{
	assert_int_equal(CS_GROW(l->v, l->cap, l->n + 1), 0);
	l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_sort(struct lines *l)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){ 0 };
}

/* stdout of a shell command, one entry per line */
static int run_lines(const char *cmd, struct lines *out)
{
	FILE *f = popen(cmd, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	assert_non_null(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		lines_add(out, cs_strdup(line));
	}
	free(line);
	return pclose(f);
}

static void assert_lines_equal(struct lines *want, struct lines *got, const char *what)
{
	size_t i;

	lines_sort(want);
	lines_sort(got);
	for (i = 0; i < want->n && i < got->n; i++)
		if (strcmp(want->v[i], got->v[i]))
			break;
	if (i < want->n || i < got->n) {
		print_error("%s: %zu lines from rpm, %zu from customs; first difference:\n"
			    "  rpm:     %s\n  customs: %s\n",
			    what, want->n, got->n, i < want->n ? want->v[i] : "(end)",
			    i < got->n ? got->v[i] : "(end)");
		fail();
	}
}

static char *make_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *d = cs_asprintf("%s/customs-rpm-XXXXXX", t && *t ? t : "/tmp");

	assert_non_null(d);
	assert_non_null(mkdtemp(d));
	return d;
}

static void remove_tmpdir(char *d)
{
	char *cmd = cs_asprintf("rm -rf '%s'", d);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(d);
}

/* Catalogue one database file through the cataloger as the walker would. */
static int catalog_file(const char *dbpath, const char *as_path, struct cs_catalog **ret,
			struct cs_error *err)
{
	struct cs_cataloger_file f = { .path = as_path, .layer = 2 };
	struct cs_catalog *cat = NULL;
	size_t len;
	uint8_t *data = read_all(dbpath, &len);
	int r;

	assert_true(cs_cataloger_rpm.wants(as_path, NULL));
	assert_int_equal(cs_catalog_new(&cat), 0);
	r = cs_cataloger_rpm.parse(cat, &f, (const char *)data, len, err);
	free(data);
	*ret = cat;
	return r;
}

/* The same fields as rpm's query format in rpm_query() below. */
static void customs_lines(struct cs_catalog *cat, struct lines *pkgs, struct lines *files)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		struct cs_package *p = cs_catalog_get(cat, i);
		const char *epoch = cs_package_meta(p, "epoch");
		const char *label = cs_package_meta(p, "modularitylabel");
		const char *v = p->version;

		assert_int_equal(p->type, CS_PKG_RPM);
		assert_string_equal(p->found_by, "rpm");
		assert_int_equal(p->layer, 2);
		if (epoch) {
			assert_int_equal(strncmp(v, epoch, strlen(epoch)), 0);
			v += strlen(epoch) + 1;
		}
		lines_add(pkgs,
			  cs_asprintf("%s\t%s:%s\t%s\t%s-%s.src.rpm\t%s\t%s\t%s", p->name,
				      epoch ? epoch : "0", v, p->arch ? p->arch : "(none)",
				      p->source_name ? p->source_name : p->name,
				      p->source_version ? p->source_version : v,
				      p->license ? p->license : "(none)",
				      p->vendor ? p->vendor : "(none)", label ? label : "(none)"));
		for (size_t j = 0; j < p->n_files; j++)
			lines_add(files, cs_asprintf("%s\t%s", p->name, p->files[j]));
	}
}

/* rpm's own answer for the database directory dir (a writable copy). */
static void rpm_query(const char *dir, const char *backend, struct lines *pkgs, struct lines *files)
{
	struct lines raw = { 0 };
	char *cmd;

	cmd = cs_asprintf("rpm --dbpath '%s' --define '_db_backend %s' -qa --qf "
			  "'%%{NAME}\\t%%{EPOCHNUM}:%%{VERSION}-%%{RELEASE}\\t%%{ARCH}\\t"
			  "%%{SOURCERPM}\\t%%{LICENSE}\\t%%{VENDOR}\\t%%{MODULARITYLABEL}\\n' "
			  "2>/dev/null",
			  dir, backend);
	assert_int_equal(run_lines(cmd, pkgs), 0);
	free(cmd);
	/* gpg-pubkey pseudo-packages are not packages */
	for (size_t i = 0; i < pkgs->n; i++)
		if (!strncmp(pkgs->v[i], "gpg-pubkey\t", 11)) {
			free(pkgs->v[i]);
			pkgs->v[i--] = pkgs->v[--pkgs->n];
		}
	cmd = cs_asprintf("rpm --dbpath '%s' --define '_db_backend %s' -qa --qf "
			  "'[%%{=NAME}\\t%%{FILENAMES}\\n]' 2>/dev/null",
			  dir, backend);
	assert_int_equal(run_lines(cmd, &raw), 0);
	free(cmd);
	/* customs records paths relative to the root, and "/" is the root itself */
	for (size_t i = 0; i < raw.n; i++) {
		char *tab = strchr(raw.v[i], '\t');

		assert_non_null(tab);
		if (strncmp(raw.v[i], "gpg-pubkey\t", 11) && tab[1] == '/' && tab[2])
			lines_add(files, cs_asprintf("%.*s\t%s", (int)(tab - raw.v[i]), raw.v[i],
						     tab + 2));
	}
	lines_free(&raw);
}

/* Copy a shared database into a fresh directory rpm may write its lock into. */
static char *copy_db(const char *rel, const char *name)
{
	char *dir = make_tmpdir(), *src = shared(rel);
	char *cmd = cs_asprintf("cp '%s' '%s/%s' && chmod u+w '%s/%s'", src, dir, name, dir, name);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src);
	return dir;
}

static void compare_with_rpm(const char *rel, const char *name, const char *as_path,
			     const char *backend, size_t min_packages)
{
	struct cs_error err = CS_ERROR_INIT;
	struct lines want = { 0 }, got = { 0 }, want_files = { 0 }, got_files = { 0 };
	struct cs_catalog *cat;
	char *dir = copy_db(rel, name), *db = cs_asprintf("%s/%s", dir, name);
	int r;

	r = catalog_file(db, as_path, &cat, &err);
	if (r < 0)
		print_error("%s: %s\n", rel, err.msg);
	assert_int_equal(r, 0);
	rpm_query(dir, backend, &want, &want_files);
	customs_lines(cat, &got, &got_files);
	assert_true(want.n >= min_packages);
	assert_lines_equal(&want, &got, rel);
	assert_true(want_files.n > 0);
	assert_lines_equal(&want_files, &got_files, "file lists");
	lines_free(&want);
	lines_free(&got);
	lines_free(&want_files);
	lines_free(&got_files);
	cs_catalog_free(cat);
	free(db);
	remove_tmpdir(dir);
}

/* ------------------------------------------------------------ real databases */

static void test_bdb_vs_rpm(void **state)
{
	(void)state;
	compare_with_rpm("pkgdb/rpm/libuuid/Packages", "Packages", "var/lib/rpm/Packages", "bdb_ro",
			 1);
}

static void test_sqlite_vs_rpm(void **state)
{
	(void)state;
	compare_with_rpm("pkgdb/rpm/cbl-mariner-2.0/rpmdb.sqlite", "rpmdb.sqlite",
			 "var/lib/rpm/rpmdb.sqlite", "sqlite", 100);
}

/* Debian's rpm 4.18 is built without NDB: show it, then skip. */
static void test_ndb_vs_rpm_ndb_backend(void **state)
{
	struct lines want = { 0 }, files = { 0 };
	char *dir = copy_db("pkgdb/rpm/sle15-bci/Packages.db", "Packages.db");

	(void)state;
	rpm_query(dir, "ndb", &want, &files);
	remove_tmpdir(dir);
	if (want.n == 0) {
		lines_free(&want);
		lines_free(&files);
		print_message("Debian's rpm has no ndb backend (it reads an empty dummy "
			      "database): Packages.db is checked through ndb2sqlite.py below\n");
		skip();
	}
	fail_msg("this rpm reads ndb: compare it directly");
}

/* NDB blobs re-packed into SQLite by an independent script, then read by rpm. */
static void test_ndb_via_sqlite_vs_rpm(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct lines want = { 0 }, got = { 0 }, want_files = { 0 }, got_files = { 0 }, out = { 0 };
	struct cs_catalog *cat;
	char *dir = make_tmpdir(), *src = shared("pkgdb/rpm/sle15-bci/Packages.db");
	const char *tree = getenv("CUSTOMS_TESTDATA");
	char *cmd;
	int r;

	(void)state;
	assert_non_null(tree);
	cmd = cs_asprintf("python3 '%s/rpm/ndb2sqlite.py' '%s' '%s/rpmdb.sqlite'", tree, src, dir);
	assert_int_equal(run_lines(cmd, &out), 0);
	free(cmd);
	r = catalog_file(src, "usr/lib/sysimage/rpm/Packages.db", &cat, &err);
	if (r < 0)
		print_error("%s\n", err.msg);
	assert_int_equal(r, 0);
	rpm_query(dir, "sqlite", &want, &want_files);
	customs_lines(cat, &got, &got_files);
	assert_int_equal(want.n, 35);
	assert_lines_equal(&want, &got, "sle15-bci");
	assert_lines_equal(&want_files, &got_files, "sle15-bci file lists");
	lines_free(&out);
	lines_free(&want);
	lines_free(&got);
	lines_free(&want_files);
	lines_free(&got_files);
	cs_catalog_free(cat);
	free(src);
	remove_tmpdir(dir);
}

/*
 * The listing go-rpmdb recorded for this very file (rpm -qa inside the
 * SLE 15 BCI image; go-rpmdb pkg/rpmdb_testcase_test.go, test data
 * sle15-bci/Packages.db as of 2021, as also transcribed in fossa-cli's
 * test/Ndb/NdbSpec.hs): arch, name, version-release.
 */
static const char *const sle15_listing[] = {
	"noarch system-user-root 20190513-3.3.1",
	"x86_64 filesystem 15.0-11.3.2",
	"x86_64 glibc 2.31-9.3.2",
	"x86_64 libpcre1 8.45-20.10.1",
	"x86_64 libgmp10 6.1.2-4.6.1",
	"x86_64 libgcc_s1 11.2.1+git610-1.3.9",
	"x86_64 libcap2 2.26-4.6.1",
	"x86_64 libstdc++6 11.2.1+git610-1.3.9",
	"x86_64 libncurses6 6.1-5.9.1",
	"x86_64 terminfo-base 6.1-5.9.1",
	"x86_64 libattr1 2.4.47-2.19",
	"x86_64 libselinux1 3.0-1.31",
	"x86_64 libreadline7 7.0-19.6.1",
	"x86_64 bash 4.4-19.6.1",
	"x86_64 libacl1 2.2.52-4.3.1",
	"x86_64 coreutils 8.32-3.2.1",
	"x86_64 sles-release 15.3-55.4.1",
	"noarch ca-certificates-mozilla-prebuilt 2.44-21.1",
	"x86_64 libgpg-error0 1.29-1.8",
	"x86_64 libpopt0 1.16-3.22",
	"noarch file-magic 5.32-7.14.1",
	"x86_64 libbz2-1 1.0.6-5.11.1",
	"x86_64 liblua5_3-5 5.3.6-3.6.1",
	"x86_64 liblzma5 5.2.3-4.3.1",
	"x86_64 libz1 1.2.11-3.21.1",
	"x86_64 libzstd1 1.4.4-1.6.1",
	"x86_64 libmagic1 5.32-7.14.1",
	"x86_64 libdw1 0.168-4.5.3",
	"x86_64 libebl-plugins 0.168-4.5.3",
	"x86_64 libelf1 0.168-4.5.3",
	"x86_64 libcrypt1 4.4.15-2.51",
	"x86_64 perl-base 5.26.1-15.87",
	"x86_64 libgcrypt20 1.8.2-8.39.1",
	"noarch rpm-config-SUSE 1-5.6.1",
	"x86_64 rpm-ndb 4.14.3-40.1",
};

static void test_ndb_vs_listing(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct lines want = { 0 }, got = { 0 };
	struct cs_catalog *cat;
	char *src = shared("pkgdb/rpm/sle15-bci/Packages.db");

	(void)state;
	assert_int_equal(catalog_file(src, "var/lib/rpm/Packages.db", &cat, &err), 0);
	for (size_t i = 0; i < CS_ARRAY_SIZE(sle15_listing); i++)
		lines_add(&want, cs_strdup(sle15_listing[i]));
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		struct cs_package *p = cs_catalog_get(cat, i);

		assert_string_equal(p->path, "var/lib/rpm/Packages.db");
		lines_add(&got, cs_asprintf("%s %s %s", p->arch, p->name, p->version));
	}
	assert_lines_equal(&want, &got, "go-rpmdb listing");
	lines_free(&want);
	lines_free(&got);
	cs_catalog_free(cat);
	free(src);
}

/* ------------------------------------------------------------ header builder */

struct hb {
	uint8_t idx[64 * 16];
	uint32_t il;
	uint8_t data[32768];
	uint32_t dl;
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void hb_entry(struct hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	uint8_t *e = h->idx + h->il * 16;

	assert_true(h->il < 64);
	put_be32(e, tag);
	put_be32(e + 4, type);
	put_be32(e + 8, off);
	put_be32(e + 12, count);
	h->il++;
}

static uint32_t hb_data(struct hb *h, const void *p, size_t n, size_t align)
{
	uint32_t off;

	while (h->dl % align)
		h->data[h->dl++] = 0;
	off = h->dl;
	assert_true(h->dl + n <= sizeof(h->data));
	memcpy(h->data + h->dl, p, n);
	h->dl += (uint32_t)n;
	return off;
}

static void hb_str(struct hb *h, uint32_t tag, const char *s)
{
	hb_entry(h, tag, 6, hb_data(h, s, strlen(s) + 1, 1), 1);
}

static void hb_strv(struct hb *h, uint32_t tag, const char *const *v, uint32_t n)
{
	uint32_t off = h->dl;

	for (uint32_t i = 0; i < n; i++)
		hb_data(h, v[i], strlen(v[i]) + 1, 1);
	hb_entry(h, tag, 8, off, n);
}

static void hb_i32(struct hb *h, uint32_t tag, const uint32_t *v, uint32_t n)
{
	uint8_t b[64];
	uint32_t off;

	assert_true(n <= 16);
	for (uint32_t i = 0; i < n; i++)
		put_be32(b + i * 4, v[i]);
	off = hb_data(h, b, n * 4, 4);
	hb_entry(h, tag, 4, off, n);
}

/* Serialise; with a region, the immutable region tag first and its trailer last. */
static uint8_t *hb_blob(struct hb *h, bool region, size_t *ret_len)
{
	uint8_t *b, trailer[16];
	uint32_t il = h->il + (region ? 1 : 0), toff = 0;
	size_t len;

	if (region) {
		put_be32(trailer, 63);
		put_be32(trailer + 4, 7);
		put_be32(trailer + 8, (uint32_t) - (int32_t)(il * 16));
		put_be32(trailer + 12, 16);
		toff = hb_data(h, trailer, 16, 1);
	}
	len = 8 + (size_t)il * 16 + h->dl;
	b = cs_zalloc(len);
	assert_non_null(b);
	put_be32(b, il);
	put_be32(b + 4, h->dl);
	if (region) {
		put_be32(b + 8, 63);
		put_be32(b + 12, 7);
		put_be32(b + 16, toff);
		put_be32(b + 20, 16);
	}
	memcpy(b + 8 + (region ? 16 : 0), h->idx, (size_t)h->il * 16);
	memcpy(b + 8 + (size_t)il * 16, h->data, h->dl);
	*ret_len = len;
	return b;
}

static const char *const test_dirs[] = { "/usr/bin/", "/etc/" };
static const char *const test_bases[] = { "hello", "hello.conf", "hi" };
static const uint32_t test_dirindex[] = { 0, 1, 0 };

static void hb_sample(struct hb *h, const char *name)
{
	uint32_t epoch = 2;

	memset(h, 0, sizeof(*h));
	hb_str(h, 1000, name);
	hb_str(h, 1001, "1.0");
	hb_str(h, 1002, "3.el9");
	hb_i32(h, 1003, &epoch, 1);
	hb_str(h, 1022, "x86_64");
	hb_str(h, 1044, "hello-src-1.0-3.el9.src.rpm");
	hb_str(h, 1014, "GPL-2.0-or-later");
	hb_str(h, 1011, "Example, Inc.");
	hb_str(h, 5096, "hello:1:9010:abcdef");
	hb_strv(h, 1117, test_bases, 3);
	hb_strv(h, 1118, test_dirs, 2);
	hb_i32(h, 1116, test_dirindex, 3);
}

static uint8_t *sample_blob(size_t *len)
{
	struct hb h;

	hb_sample(&h, "hello");
	return hb_blob(&h, true, len);
}

static void test_header_fields(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_package *p = NULL;
	size_t len;
	uint8_t *b = sample_blob(&len);

	(void)state;
	assert_int_equal(cs_rpm_header_decode(b, len, &p, &err), 0);
	assert_non_null(p);
	assert_string_equal(p->name, "hello");
	assert_string_equal(p->version, "2:1.0-3.el9");
	assert_string_equal(p->arch, "x86_64");
	assert_string_equal(p->source_name, "hello-src");
	assert_null(p->source_version); /* same as the binary's */
	assert_string_equal(p->license, "GPL-2.0-or-later");
	assert_string_equal(p->vendor, "Example, Inc.");
	assert_string_equal(cs_package_meta(p, "epoch"), "2");
	assert_string_equal(cs_package_meta(p, "modularitylabel"), "hello:1:9010:abcdef");
	assert_int_equal(p->n_files, 3);
	assert_string_equal(p->files[0], "usr/bin/hello");
	assert_string_equal(p->files[1], "etc/hello.conf");
	assert_string_equal(p->files[2], "usr/bin/hi");
	cs_package_free(p);
	free(b);
}

static void test_header_gpg_pubkey_and_old_filenames(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_package *p = (struct cs_package *)1;
	const char *const old[] = { "/bin/sh", "/", "/etc//x/" };
	struct hb h = { 0 };
	size_t len;
	uint8_t *b;

	(void)state;
	hb_sample(&h, "gpg-pubkey");
	b = hb_blob(&h, false, &len);
	assert_int_equal(cs_rpm_header_decode(b, len, &p, &err), 0);
	assert_null(p);
	free(b);

	memset(&h, 0, sizeof(h));
	hb_str(&h, 1000, "old");
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	hb_str(&h, 1044, "weird.rpm"); /* not NAME-VERSION-RELEASE.src.rpm: ignored */
	hb_strv(&h, 1027, old, 3);
	b = hb_blob(&h, false, &len);
	assert_int_equal(cs_rpm_header_decode(b, len, &p, &err), 0);
	assert_non_null(p);
	assert_string_equal(p->version, "1-1");
	assert_null(cs_package_meta(p, "epoch"));
	assert_null(p->arch);
	assert_null(p->source_name);
	assert_int_equal(p->n_files, 2); /* "/" is the root, not a file */
	assert_string_equal(p->files[0], "bin/sh");
	assert_string_equal(p->files[1], "etc/x");
	cs_package_free(p);
	free(b);
}

static struct cs_error last_err;

static void expect_decode_error(const uint8_t *b, size_t len, const char *what)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_package *p = NULL;
	int r = cs_rpm_header_decode(b, len, &p, &err);

	if (r >= 0)
		print_error("%s: decoded\n", what);
	assert_true(r < 0 && r != -ENOMEM);
	assert_null(p);
	assert_true(err.msg[0] != '\0');
	last_err = err;
}

static void test_header_truncated(void **state)
{
	size_t len;
	uint8_t *b = sample_blob(&len);

	(void)state;
	/* every proper prefix is an error, and reading never leaves the prefix */
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = cs_memdup(b, n ? n : 1);

		expect_decode_error(copy, n, "prefix");
		free(copy);
	}
	free(b);
}

static void test_header_hostile(void **state)
{
	struct hb h;
	size_t len;
	uint8_t *b;

	(void)state;
	/* index count past the end of the blob */
	b = sample_blob(&len);
	put_be32(b, get_be32(b) + 1);
	expect_decode_error(b, len, "index count");
	put_be32(b, 0x7fffffff);
	expect_decode_error(b, len, "huge index count");
	free(b);
	/* data length past the end */
	b = sample_blob(&len);
	put_be32(b + 4, get_be32(b + 4) + 1);
	expect_decode_error(b, len, "data length");
	free(b);
	/* an entry's offset past the data (entry 1 is NAME) */
	b = sample_blob(&len);
	put_be32(b + 8 + 16 + 8, 0xfffffff0);
	expect_decode_error(b, len, "offset");
	free(b);
	/* a string without its NUL: make the last data byte non-NUL and point NAME there */
	memset(&h, 0, sizeof(h));
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	hb_entry(&h, 1000, 6, hb_data(&h, "abc", 3, 1), 1);
	b = hb_blob(&h, false, &len);
	expect_decode_error(b, len, "unterminated string");
	free(b);
	/* a string array count larger than the data */
	memset(&h, 0, sizeof(h));
	hb_str(&h, 1000, "x");
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	hb_entry(&h, 1117, 8, 0, 1000000);
	b = hb_blob(&h, false, &len);
	expect_decode_error(b, len, "string array count");
	free(b);
	/* a dirindex out of range */
	hb_sample(&h, "hello");
	{
		uint32_t bad[] = { 0, 7, 0 };

		hb_i32(&h, 1116, bad, 3); /* the later entry wins */
	}
	b = hb_blob(&h, true, &len);
	expect_decode_error(b, len, "dirindex");
	free(b);
	/* dirindexes count not matching basenames */
	hb_sample(&h, "hello");
	hb_i32(&h, 1116, test_dirindex, 2);
	b = hb_blob(&h, true, &len);
	expect_decode_error(b, len, "dirindex count");
	free(b);
	/* a file that climbs above the root */
	{
		const char *const dirs[] = { "/usr/../../" };

		memset(&h, 0, sizeof(h));
		hb_str(&h, 1000, "x");
		hb_str(&h, 1001, "1");
		hb_str(&h, 1002, "1");
		hb_strv(&h, 1027, dirs, 1);
		b = hb_blob(&h, false, &len);
		expect_decode_error(b, len, "escaping path");
		free(b);
	}
	/* region trailer claiming more entries than the header has */
	b = sample_blob(&len);
	put_be32(b + len - 8, (uint32_t) - (int32_t)(100 * 16));
	expect_decode_error(b, len, "region trailer");
	free(b);
	/* wrong types for the name and the epoch */
	memset(&h, 0, sizeof(h));
	hb_entry(&h, 1000, 4, hb_data(&h, "abcd", 4, 4), 1);
	b = hb_blob(&h, false, &len);
	expect_decode_error(b, len, "int name");
	free(b);
	memset(&h, 0, sizeof(h));
	hb_str(&h, 1000, "x");
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	hb_str(&h, 1003, "1");
	b = hb_blob(&h, false, &len);
	expect_decode_error(b, len, "string epoch");
	free(b);
	/* a long shared directory name multiplied by many files */
	{
		static char dir[3501];
		const char *const dirs[] = { dir };
		static uint8_t idx[3000 * 4];
		static char bases[3000 * 2];
		uint32_t off;

		memset(dir, 'd', sizeof(dir) - 1);
		dir[0] = '/';
		memset(&h, 0, sizeof(h));
		hb_str(&h, 1000, "x");
		hb_str(&h, 1001, "1");
		hb_str(&h, 1002, "1");
		for (size_t i = 0; i < 3000; i++) {
			bases[2 * i] = 'a';
			bases[2 * i + 1] = '\0';
		}
		off = hb_data(&h, bases, sizeof(bases), 1);
		hb_entry(&h, 1117, 8, off, 3000);
		hb_strv(&h, 1118, dirs, 1);
		hb_entry(&h, 1116, 4, hb_data(&h, idx, sizeof(idx), 4), 3000);
		b = hb_blob(&h, false, &len);
		expect_decode_error(b, len, "path amplification");
		assert_int_equal(last_err.code, -CS_E_LIMIT);
		free(b);
	}
	/* no name at all */
	memset(&h, 0, sizeof(h));
	hb_str(&h, 1001, "1");
	b = hb_blob(&h, false, &len);
	expect_decode_error(b, len, "no name");
	free(b);
}

/* ------------------------------------------------------------ BDB builder */

#define BP 512 /* page size */

struct walk_count {
	size_t blobs, packages;
	char names[4][32];
};

static int count_blob(const uint8_t *blob, size_t len, void *userdata, struct cs_error *err)
{
	struct walk_count *c = userdata;
	struct cs_package *p = NULL;
	int r = cs_rpm_header_decode(blob, len, &p, err);

	if (r < 0)
		return r;
	if (p && c->packages < 4)
		snprintf(c->names[c->packages], sizeof(c->names[0]), "%s", p->name);
	c->blobs++;
	c->packages += p != NULL;
	cs_package_free(p);
	return 0;
}

static void put32(uint8_t *p, uint32_t v, bool be)
{
	if (be)
		put_be32(p, v);
	else
		put_le32(p, v);
}

static void put16(uint8_t *p, uint16_t v, bool be)
{
	p[be ? 0 : 1] = (uint8_t)(v >> 8);
	p[be ? 1 : 0] = (uint8_t)v;
}

/*
 * A hash database holding one header on an overflow chain from page 2 on:
 * page 0 metadata, page 1 a hash page with rpm's key-0 counter inline and
 * key 1 pointing off-page.
 */
static uint8_t *bdb_build(const uint8_t *blob, size_t blen, bool be, size_t *ret_len,
			  uint32_t *ret_npages)
{
	size_t per = BP - 26, nov = (blen + per - 1) / per;
	uint32_t npages = (uint32_t)(2 + nov);
	uint8_t *f = cs_zalloc((size_t)npages * BP), *pg;
	uint16_t o;

	assert_non_null(f);
	put32(f + 12, 0x061561, be);
	put32(f + 16, 9, be);
	put32(f + 20, BP, be);
	f[25] = 8;
	put32(f + 32, npages - 1, be);
	/* hash page: items from the end down: key0, counter, key1, offpage */
	pg = f + BP;
	put32(pg + 8, 1, be);
	put16(pg + 20, 4, be);
	pg[25] = 13;
	o = BP - 5;
	pg[o] = 1; /* key 0 */
	put16(pg + 26, o, be);
	o -= 5;
	pg[o] = 1; /* counter */
	put32(pg + o + 1, 7, be);
	put16(pg + 28, o, be);
	o -= 5;
	pg[o] = 1;
	put32(pg + o + 1, 1, be); /* key 1 */
	put16(pg + 30, o, be);
	o -= 12;
	pg[o] = 3;
	put32(pg + o + 4, 2, be);
	put32(pg + o + 8, (uint32_t)blen, be);
	put16(pg + 32, o, be);
	put16(pg + 22, o, be);
	for (size_t i = 0; i < nov; i++) {
		size_t n = CS_MIN(per, blen - i * per);

		pg = f + (2 + i) * BP;
		put32(pg + 8, (uint32_t)(2 + i), be);
		put32(pg + 12, (uint32_t)(i ? 1 + i : 0), be);
		put32(pg + 16, (uint32_t)(i + 1 < nov ? 3 + i : 0), be);
		put16(pg + 20, 1, be);
		put16(pg + 22, (uint16_t)n, be);
		pg[25] = 7;
		memcpy(pg + 26, blob + i * per, n);
	}
	*ret_len = (size_t)npages * BP;
	*ret_npages = npages;
	return f;
}

static void test_bdb_synthetic(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	size_t blen, flen;
	uint32_t np;
	uint8_t *blob, *f;
	char vendor[1500];
	struct hb h;

	(void)state;
	/* big enough for a chain of several overflow pages */
	memset(vendor, 'v', sizeof(vendor) - 1);
	vendor[sizeof(vendor) - 1] = '\0';
	hb_sample(&h, "hello");
	hb_str(&h, 1011, vendor);
	blob = hb_blob(&h, true, &blen);
	assert_true(blen > 2 * (BP - 26)); /* a chain of at least three pages */
	for (int be = 0; be <= 1; be++) {
		struct walk_count c = { 0 };

		f = bdb_build(blob, blen, be, &flen, &np);
		assert_int_equal(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err), 0);
		assert_int_equal(c.blobs, 1);
		assert_string_equal(c.names[0], "hello");

		/* a cycle: the second overflow page points back at the first */
		assert_true(np >= 5);
		put32(f + 3 * BP + 16, 2, be);
		c = (struct walk_count){ 0 };
		assert_true(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err) < 0);
		assert_non_null(strstr(err.msg, "cycle"));
		free(f);

		/* the chain leaves the file */
		f = bdb_build(blob, blen, be, &flen, &np);
		put32(f + 2 * BP + 16, 9999, be);
		assert_true(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err) < 0);
		/* ... or ends before the item does */
		put32(f + 2 * BP + 16, 0, be);
		assert_true(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err) < 0);
		free(f);

		/* the overflow item claims more bytes than the file holds */
		f = bdb_build(blob, blen, be, &flen, &np);
		{
			uint8_t *pg = f + BP;
			uint16_t voff = be ? (uint16_t)(pg[32] << 8 | pg[33])
					   : (uint16_t)(pg[33] << 8 | pg[32]);

			put32(pg + voff + 8, 0x7fffffff, be);
			assert_true(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err) < 0);
			/* an entry offset inside the index array */
			put16(pg + 32, 26, be);
			assert_true(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err) < 0);
			/* an entry count larger than the page */
			put16(pg + 20, 0xffff, be);
			assert_true(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err) < 0);
		}
		free(f);

		/* a corrupted header in the chain fails the walk */
		f = bdb_build(blob, blen, be, &flen, &np);
		f[2 * BP + 26] = 0xff;
		assert_true(cs_rpm_bdb_walk(f, flen, count_blob, &c, &err) < 0);
		free(f);
	}
	/* not a database, truncated, btree, bad page size */
	{
		uint8_t junk[600] = { 0 };
		struct walk_count c = { 0 };

		assert_true(cs_rpm_bdb_walk(junk, sizeof(junk), count_blob, &c, &err) < 0);
		assert_true(cs_rpm_bdb_walk(junk, 10, count_blob, &c, &err) < 0);
		put_le32(junk + 12, 0x053162);
		assert_int_equal(cs_rpm_bdb_walk(junk, sizeof(junk), count_blob, &c, &err),
				 -CS_E_UNSUPPORTED);
		put_le32(junk + 12, 0x061561);
		put_le32(junk + 20, 1000);
		junk[25] = 8;
		assert_true(cs_rpm_bdb_walk(junk, sizeof(junk), count_blob, &c, &err) < 0);
	}
	free(blob);
}

/* ------------------------------------------------------------ NDB builder */

static uint8_t *ndb_build(const uint8_t *blob, size_t blen, size_t *ret_len)
{
	size_t blk = (16 + blen + 12 + 15) / 16, len = 4096 + blk * 16;
	uint8_t *f = cs_zalloc(len), *b = f + 4096;

	assert_non_null(f);
	memcpy(f, "RpmP", 4);
	put_le32(f + 12, 1);
	put_le32(f + 16, 2);
	for (size_t off = 32; off < 4096; off += 16)
		memcpy(f + off, "Slot", 4);
	put_le32(f + 32 + 4, 1);
	put_le32(f + 32 + 8, 4096 / 16);
	put_le32(f + 32 + 12, (uint32_t)blk);
	memcpy(b, "BlbS", 4);
	put_le32(b + 4, 1);
	put_le32(b + 12, (uint32_t)blen);
	memcpy(b + 16, blob, blen);
	put_le32(b + blk * 16 - 12, (uint32_t)adler32(1, b, (uInt)(blk * 16 - 12)));
	put_le32(b + blk * 16 - 8, (uint32_t)blen);
	memcpy(b + blk * 16 - 4, "BlbE", 4);
	*ret_len = len;
	return f;
}

static void test_ndb_synthetic(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct walk_count c = { 0 };
	size_t blen, flen;
	uint8_t *blob = sample_blob(&blen), *f;

	(void)state;
	f = ndb_build(blob, blen, &flen);
	assert_int_equal(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err), 0);
	assert_int_equal(c.packages, 1);
	assert_string_equal(c.names[0], "hello");

	/* slot pointing past the end */
	put_le32(f + 40, 0x0fffffff);
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	/* slot pointing into the slot pages */
	put_le32(f + 40, 1);
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	put_le32(f + 40, 4096 / 16);
	/* block count past the end */
	put_le32(f + 44, 0xffffffff);
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	free(f);
	/* a second slot sharing the same blocks */
	f = ndb_build(blob, blen, &flen);
	memcpy(f + 48, f + 32, 16);
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	free(f);
	/* checksum mismatch */
	f = ndb_build(blob, blen, &flen);
	f[4096 + 100] ^= 1;
	assert_int_equal(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err), -CS_E_DIGEST);
	free(f);
	/* slot page count past the file, bad slot magic, bad blob header */
	f = ndb_build(blob, blen, &flen);
	put_le32(f + 12, 1000);
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	put_le32(f + 12, 1);
	f[64] = 'X';
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	f[64] = 'S';
	put_le32(f + 4096 + 4, 2); /* pkgidx differs from the slot's */
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	put_le32(f + 4096 + 4, 1);
	put_le32(f + 4096 + 12, (uint32_t)blen + 64); /* length beyond the blocks */
	assert_true(cs_rpm_ndb_walk(f, flen, count_blob, &c, &err) < 0);
	free(f);
	assert_true(cs_rpm_ndb_walk((const uint8_t *)"RpmP", 4, count_blob, &c, &err) < 0);
	free(blob);
}

/* ------------------------------------------------------------ SQLite */

/* An SQLite database image made by sqlite itself from statements. */
static uint8_t *sqlite_build(const char *sql, const uint8_t *blob, size_t blen, size_t *ret_len)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	sqlite3_int64 n;
	unsigned char *img;
	uint8_t *copy;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	if (blob) {
		assert_int_equal(
			sqlite3_prepare_v2(db, "INSERT INTO Packages VALUES (1, ?)", -1, &st, NULL),
			SQLITE_OK);
		sqlite3_bind_blob(st, 1, blob, (int)blen, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	img = sqlite3_serialize(db, "main", &n, 0);
	assert_non_null(img);
	copy = cs_memdup(img, (size_t)n);
	sqlite3_free(img);
	sqlite3_close(db);
	*ret_len = (size_t)n;
	return copy;
}

static void test_sqlite_synthetic(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct walk_count c = { 0 };
	size_t blen, flen;
	uint8_t *blob = sample_blob(&blen), *f;

	(void)state;
	f = sqlite_build("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)",
			 blob, blen, &flen);
	assert_int_equal(cs_rpm_sqlite_walk(f, flen, count_blob, &c, &err), 0);
	assert_int_equal(c.packages, 1);
	/* marked WAL as rpm leaves it: still readable */
	f[18] = f[19] = 2;
	c = (struct walk_count){ 0 };
	assert_int_equal(cs_rpm_sqlite_walk(f, flen, count_blob, &c, &err), 0);
	assert_int_equal(c.packages, 1);
	/* truncated */
	assert_true(cs_rpm_sqlite_walk(f, flen / 2, count_blob, &c, &err) < 0);
	free(f);
	/* no Packages table */
	f = sqlite_build("CREATE TABLE Other (x)", NULL, 0, &flen);
	assert_true(cs_rpm_sqlite_walk(f, flen, count_blob, &c, &err) < 0);
	free(f);
	/* blob column holding text */
	f = sqlite_build("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob);"
			 "INSERT INTO Packages VALUES (1, 'text')",
			 NULL, 0, &flen);
	assert_true(cs_rpm_sqlite_walk(f, flen, count_blob, &c, &err) < 0);
	assert_non_null(strstr(err.msg, "not a blob"));
	free(f);
	/* Packages as a view that would never finish: views are off */
	f = sqlite_build("CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS "
			 "(SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob FROM r) "
			 "SELECT hnum, blob FROM r",
			 NULL, 0, &flen);
	assert_true(cs_rpm_sqlite_walk(f, flen, count_blob, &c, &err) < 0);
	free(f);
	/* a corrupt header blob */
	blob[3] = 0x7f;
	f = sqlite_build("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)",
			 blob, blen, &flen);
	assert_true(cs_rpm_sqlite_walk(f, flen, count_blob, &c, &err) < 0);
	free(f);
	assert_true(cs_rpm_sqlite_walk((const uint8_t *)"not sqlite", 10, count_blob, &c, &err) <
		    0);
	free(blob);
}

/* ------------------------------------------------------------ cataloger */

static void test_wants(void **state)
{
	(void)state;
	assert_true(cs_cataloger_rpm.wants("var/lib/rpm/Packages", NULL));
	assert_true(cs_cataloger_rpm.wants("var/lib/rpm/Packages.db", NULL));
	assert_true(cs_cataloger_rpm.wants("var/lib/rpm/rpmdb.sqlite", NULL));
	assert_true(cs_cataloger_rpm.wants("usr/lib/sysimage/rpm/Packages", NULL));
	assert_true(cs_cataloger_rpm.wants("usr/lib/sysimage/rpm/Packages.db", NULL));
	assert_true(cs_cataloger_rpm.wants("usr/lib/sysimage/rpm/rpmdb.sqlite", NULL));
	assert_false(cs_cataloger_rpm.wants("var/lib/rpm/Name", NULL));
	assert_false(cs_cataloger_rpm.wants("var/lib/rpm/rpmdb.sqlite-wal", NULL));
	assert_false(cs_cataloger_rpm.wants("opt/var/lib/rpm/Packages", NULL));
	assert_false(cs_cataloger_rpm.wants("var/lib/rpm/x/Packages", NULL));
	assert_false(cs_cataloger_rpm.wants("var/lib/dpkg/status", NULL));
	assert_string_equal(cs_cataloger_rpm.name, "rpm");
}

/* A malformed database adds nothing (not even the packages before the damage). */
static void test_parse_all_or_nothing(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cataloger_file f = { .path = "var/lib/rpm/Packages.db", .layer = 0 };
	struct cs_catalog *cat;
	struct hb h;
	size_t b1, b2, len;
	uint8_t *good, *bad, *two, *db;

	(void)state;
	hb_sample(&h, "first");
	good = hb_blob(&h, true, &b1);
	bad = cs_memdup(good, b1);
	put_be32(bad, 0xffff);
	b2 = b1;
	/* two blobs in one NDB: the first good, the second bad */
	two = cs_malloc(b1);
	memcpy(two, good, b1);
	db = ndb_build(two, b1, &len);
	{
		size_t blk = (16 + b1 + 12 + 15) / 16;
		uint8_t *db2 = cs_zalloc(len + blk * 16), *b;

		memcpy(db2, db, len);
		memcpy(db2 + 48, db2 + 32, 16);
		put_le32(db2 + 48 + 4, 2);
		put_le32(db2 + 48 + 8, (uint32_t)(len / 16));
		b = db2 + len;
		memcpy(b, db + 4096, blk * 16);
		put_le32(b + 4, 2);
		memcpy(b + 16, bad, b2);
		put_le32(b + blk * 16 - 12, (uint32_t)adler32(1, b, (uInt)(blk * 16 - 12)));
		free(db);
		db = db2;
		len += blk * 16;
	}
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_true(cs_cataloger_rpm.parse(cat, &f, (const char *)db, len, &err) < 0);
	assert_non_null(strstr(err.msg, "package header 2"));
	assert_int_equal(cs_catalog_count(cat), 0);
	/* without the bad one: one package, with the declaring file and layer */
	put_le32(db + 48 + 4, 0);
	assert_int_equal(cs_cataloger_rpm.parse(cat, &f, (const char *)db, len, &err), 0);
	assert_int_equal(cs_catalog_count(cat), 1);
	assert_string_equal(cs_catalog_get(cat, 0)->path, "var/lib/rpm/Packages.db");
	assert_string_equal(cs_catalog_get(cat, 0)->name, "first");
	cs_catalog_free(cat);
	free(db);
	free(two);
	free(bad);
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_header_gpg_pubkey_and_old_filenames),
		cmocka_unit_test(test_header_truncated),
		cmocka_unit_test(test_header_hostile),
		cmocka_unit_test(test_bdb_synthetic),
		cmocka_unit_test(test_ndb_synthetic),
		cmocka_unit_test(test_sqlite_synthetic),
		cmocka_unit_test(test_wants),
		cmocka_unit_test(test_parse_all_or_nothing),
		cmocka_unit_test(test_bdb_vs_rpm),
		cmocka_unit_test(test_sqlite_vs_rpm),
		cmocka_unit_test(test_ndb_vs_rpm_ndb_backend),
		cmocka_unit_test(test_ndb_via_sqlite_vs_rpm),
		cmocka_unit_test(test_ndb_vs_listing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
