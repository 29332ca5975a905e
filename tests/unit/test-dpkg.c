/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dpkg cataloger against dpkg itself: real status files are parsed and
 * compared with what dpkg-query reports for a copy of the same file, run at
 * test time. Distroless status.d samples, file lists, hostile and CRLF
 * input and the catalog walker are checked on fixtures in tests/data/dpkg.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/catalog.h"
#include "image/overlay.h"

extern const struct cs_cataloger cs_cataloger_dpkg;

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

static char *shared_file(const char *rel, size_t *len)
{
	_cleanup_free_ char *p = env_path("CUSTOMS_SHARED", rel);

	return slurp(p, len);
}

static char *testdata_file(const char *rel, size_t *len)
{
	_cleanup_free_ char *p = env_path("CUSTOMS_TESTDATA", rel);

	return slurp(p, len);
}

/* Hand one file of one layer to the cataloger, as the walker would. */
static int feed(struct cs_catalog *cat, void *state, const char *path, unsigned layer,
		const char *data, size_t len)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = len, .layer = layer };
	struct cs_cataloger_file f = { path, layer, &e, state };
	struct cs_error err = CS_ERROR_INIT;
	int r;

	assert_true(cs_cataloger_dpkg.wants(path, &e));
	r = cs_cataloger_dpkg.parse(cat, &f, data, len, &err);
	if (r < 0)
		assert_true(err.msg[0] != '\0' && !strchr(err.msg, '\n'));
	return r;
}

static int feed_testdata(struct cs_catalog *cat, void *state, const char *path, unsigned layer,
			 const char *rel)
{
	size_t len;
	_cleanup_free_ char *data = testdata_file(rel, &len);

	return feed(cat, state, path, layer, data, len);
}

static struct cs_package *find(struct cs_catalog *cat, const char *name, unsigned layer)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		struct cs_package *p = cs_catalog_get(cat, i);

		if (!strcmp(p->name, name) && p->layer == layer)
			return p;
	}
	return NULL;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* --- against dpkg-query --- */

#define QUERY_FORMAT                                                                           \
	"${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\t" \
	"${Maintainer}\\t${db:Status-Status}\\n"

/*
 * What dpkg-query says is installed in a status file: a temporary admin
 * directory holds a copy. One "name\tversion\tarch\tsrc\tsrcver\tmaint" line
 * per package whose files are all in place.
 */
static char **dpkg_query(const char *data, size_t len, size_t *ret_n)
{
	char dir[] = "/tmp/cs-test-dpkg-XXXXXX";
	_cleanup_free_ char *status = NULL, *info = NULL, *updates = NULL, *cmd = NULL;
	char **v = NULL, line[8192];
	size_t n = 0, cap = 0;
	FILE *f, *q;

	assert_non_null(mkdtemp(dir));
	status = cs_asprintf("%s/status", dir);
	info = cs_asprintf("%s/info", dir);
	updates = cs_asprintf("%s/updates", dir);
	assert_true(status && info && updates);
	assert_int_equal(mkdir(info, 0700), 0);
	assert_int_equal(mkdir(updates, 0700), 0);
	f = fopen(status, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	cmd = cs_asprintf("dpkg-query --admindir='%s' -W -f '" QUERY_FORMAT "' 2>/dev/null", dir);
	assert_non_null(cmd);
	q = popen(cmd, "r");
	assert_non_null(q);
	while (fgets(line, sizeof(line), q)) {
		char *state = strrchr(line, '\t');

		assert_non_null(state);
		*state++ = '\0';
		state[strcspn(state, "\n")] = '\0';
		if (strcmp(state, "installed") && strcmp(state, "triggers-pending") &&
		    strcmp(state, "triggers-awaited"))
			continue;
		assert_int_equal(CS_GROW(v, cap, n + 2), 0);
		v[n] = cs_strdup(line);
		assert_non_null(v[n]);
		v[++n] = NULL;
	}
	assert_int_equal(pclose(q), 0);
	unlink(status);
	rmdir(info);
	rmdir(updates);
	rmdir(dir);
	qsort(v, n, sizeof(*v), cmp_strp);
	*ret_n = n;
	return v;
}

/* The same lines from what the cataloger found (NULL source means the same). */
static char **catalog_lines(struct cs_catalog *cat, size_t *ret_n)
{
	size_t n = cs_catalog_count(cat);
	char **v = cs_new0(char *, n + 1);

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		assert_int_equal(p->type, CS_PKG_DEB);
		assert_string_equal(p->found_by, "dpkg");
		v[i] = cs_asprintf("%s\t%s\t%s\t%s\t%s\t%s", p->name, p->version,
				   p->arch ? p->arch : "",
				   p->source_name ? p->source_name : p->name,
				   p->source_version ? p->source_version : p->version,
				   p->vendor ? p->vendor : "");
		assert_non_null(v[i]);
	}
	qsort(v, n, sizeof(*v), cmp_strp);
	*ret_n = n;
	return v;
}

static void compare_with_dpkg_query(const char *data, size_t len, size_t min_packages)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_strv_free_ char **want = NULL, **got = NULL;
	size_t n_want, n_got;

	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed(cat, NULL, "var/lib/dpkg/status", 0, data, len), 0);
	assert_int_equal(cs_catalog_warning_count(cat), 0);
	want = dpkg_query(data, len, &n_want);
	got = catalog_lines(cat, &n_got);
	assert_true(n_want >= min_packages);
	for (size_t i = 0; i < n_want && i < n_got; i++)
		assert_string_equal(got[i], want[i]);
	assert_int_equal(n_got, n_want);
}

static void test_bookworm_pointrelease(void **unused)
{
	size_t len;
	_cleanup_free_ char *data = shared_file("pkgdb/dpkg/bookworm-pointrelease.status", &len);

	(void)unused;
	compare_with_dpkg_query(data, len, 90);
}

static void test_host_bookworm(void **unused)
{
	size_t len;
	_cleanup_free_ char *data = shared_file("pkgdb/dpkg/host-bookworm-20250520.status", &len);

	(void)unused;
	compare_with_dpkg_query(data, len, 800);
}

/* States, case-insensitive names, continuation lines, Source with a version. */
static void test_mixed_states(void **unused)
{
	size_t len;
	_cleanup_free_ char *data = testdata_file("dpkg/status-mixed", &len);
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	const struct cs_package *p;

	(void)unused;
	compare_with_dpkg_query(data, len, 7);
	/* facts dpkg-query does not show directly */
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed(cat, NULL, "var/lib/dpkg/status", 3, data, len), 0);
	p = find(cat, "hello", 3);
	assert_non_null(p);
	assert_string_equal(p->source_name, "hello-src");
	assert_string_equal(p->source_version, "2.10-3");
	assert_string_equal(p->path, "var/lib/dpkg/status");
	/* same-named source with no version: NULL means "the same" */
	p = find(cat, "goingaway", 3);
	assert_non_null(p);
	assert_null(p->source_name);
	assert_null(p->source_version);
	p = find(cat, "libfoo1", 3);
	assert_non_null(p);
	assert_string_equal(p->source_name, "foo");
	assert_null(p->source_version);
	assert_null(find(cat, "not-a-package", 3));
	assert_null(find(cat, "oldpkg", 3));
	assert_null(find(cat, "broken", 3));
	assert_null(find(cat, "unpackedpkg", 3));
	assert_null(find(cat, "gone", 3));
}

/* CRLF line ends give exactly what LF gives. */
static void test_crlf(void **unused)
{
	size_t len;
	_cleanup_free_ char *data = testdata_file("dpkg/status-mixed", &len);
	_cleanup_(cs_catalog_freep) struct cs_catalog *lf = NULL, *crlf = NULL;
	_cleanup_strv_free_ char **a = NULL, **b = NULL;
	_cleanup_buf_ struct cs_buf conv = CS_BUF_INIT(1u << 20);
	size_t na, nb;

	(void)unused;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n')
			assert_int_equal(cs_buf_putc(&conv, '\r'), 0);
		assert_int_equal(cs_buf_putc(&conv, data[i]), 0);
	}
	assert_int_equal(cs_catalog_new(&lf), 0);
	assert_int_equal(cs_catalog_new(&crlf), 0);
	assert_int_equal(feed(lf, NULL, "var/lib/dpkg/status", 0, data, len), 0);
	assert_int_equal(feed(crlf, NULL, "var/lib/dpkg/status", 0, conv.data, conv.len), 0);
	a = catalog_lines(lf, &na);
	b = catalog_lines(crlf, &nb);
	assert_int_equal(na, nb);
	assert_true(na >= 7);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
	assert_int_equal(cs_catalog_warning_count(crlf), 0);
}

/* distroless status.d: no Status field means installed */
static void test_distroless(void **unused)
{
	static const char *const coreutils[][5] = {
		/* name, version, arch, source, source version (NULL: same), as the file says */
		{ "coreutils", "9.1-1", "arm64", NULL },
		{ "libacl1", "2.3.1-3", "arm64", "acl" },
		{ "libc6", "2.36-9+deb12u1", "arm64", "glibc" },
		{ "libgcc-s1", "12.2.0-14", "arm64", "gcc-12" },
		{ "gcc-12-base", "12.2.0-14", "arm64", "gcc-12" },
		{ "libattr1", "1:2.5.1-4", "arm64", "attr" },
		{ "libgmp10", "2:6.2.1+dfsg1-1.1", "arm64", "gmp" },
		{ "libselinux1", "3.4-1+b6", "arm64", "libselinux", "3.4-1" },
		{ "libpcre2-8-0", "10.42-1", "arm64", "pcre2" },
	};
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	void *state = cs_cataloger_dpkg.state_new();
	struct cs_error err = CS_ERROR_INIT;
	size_t len;
	char *data;
	const struct cs_package *p;

	(void)unused;
	assert_non_null(state);
	assert_int_equal(cs_catalog_new(&cat), 0);
	data = shared_file("pkgdb/dpkg/distroless-status.d-libsqlite3-0", &len);
	assert_int_equal(feed(cat, state, "var/lib/dpkg/status.d/libsqlite3-0", 0, data, len), 0);
	free(data);
	assert_int_equal(feed_testdata(cat, state, "var/lib/dpkg/status.d/libsqlite3-0.md5sums", 0,
				       "dpkg/status.d/libsqlite3-0.md5sums"),
			 0);
	data = shared_file("pkgdb/dpkg/status.d-coreutils-relationships", &len);
	assert_int_equal(feed(cat, state, "var/lib/dpkg/status.d/coreutils", 0, data, len), 0);
	free(data);
	assert_int_equal(cs_cataloger_dpkg.finish(cat, state, NULL, &err), 0);
	cs_cataloger_dpkg.state_free(state);

	assert_int_equal(cs_catalog_count(cat), 1 + CS_ARRAY_SIZE(coreutils));
	p = find(cat, "libsqlite3-0", 0);
	assert_non_null(p);
	assert_string_equal(p->version, "3.34.1-3");
	assert_string_equal(p->arch, "arm64");
	assert_string_equal(p->source_name, "sqlite3");
	assert_string_equal(p->vendor, "Laszlo Boszormenyi (GCS) <gcs@debian.org>");
	assert_string_equal(p->path, "var/lib/dpkg/status.d/libsqlite3-0");
	assert_int_equal(p->n_files, 2);
	assert_string_equal(p->files[0], "usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6");
	assert_string_equal(p->files[1], "usr/share/doc/libsqlite3-0/copyright");
	assert_null(p->files[2]);
	for (size_t i = 0; i < CS_ARRAY_SIZE(coreutils); i++) {
		p = find(cat, coreutils[i][0], 0);
		assert_non_null(p);
		assert_string_equal(p->version, coreutils[i][1]);
		assert_string_equal(p->arch, coreutils[i][2]);
		if (coreutils[i][3])
			assert_string_equal(p->source_name, coreutils[i][3]);
		else
			assert_null(p->source_name);
		if (coreutils[i][4])
			assert_string_equal(p->source_version, coreutils[i][4]);
		else
			assert_null(p->source_version);
		assert_string_equal(p->path, "var/lib/dpkg/status.d/coreutils");
		/* the coreutils file list is not theirs */
		assert_int_equal(p->n_files, 0);
	}
}

static void assert_files(const struct cs_package *p, const char *const *want, size_t n)
{
	assert_non_null(p);
	assert_int_equal(p->n_files, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(p->files[i], want[i]);
	if (p->files)
		assert_null(p->files[n]);
}

/* info/NAME.list, NAME:ARCH.list and the .md5sums fallback */
static void test_file_lists(void **unused)
{
	static const char *const hello[] = { "usr", "usr/bin", "usr/bin/hello",
					     "usr/share/doc/hello/copyright" };
	static const char *const libfoo[] = { "usr/lib/x86_64-linux-gnu/libfoo.so.1",
					      "usr/share/doc/libfoo1" };
	static const char *const onlymd5[] = { "usr/bin/onlymd5", "usr/share/doc/onlymd5/README" };
	static const char *const evil[] = { "usr/bin/evil", "usr/share/evil" };
	static const char *const lists[] = { "hello.list", "hello.md5sums", "libfoo1:amd64.list",
					     "onlymd5.md5sums", "evil.list" };
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	void *state = cs_cataloger_dpkg.state_new();
	struct cs_error err = CS_ERROR_INIT;
	size_t warnings;

	(void)unused;
	assert_int_equal(cs_catalog_new(&cat), 0);
	/* lists before the status file, as a layer may order them */
	for (size_t i = 0; i < CS_ARRAY_SIZE(lists); i++) {
		_cleanup_free_ char *path = cs_asprintf("var/lib/dpkg/info/%s", lists[i]);
		_cleanup_free_ char *rel = cs_asprintf("dpkg/info/%s", lists[i]);

		assert_int_equal(feed_testdata(cat, state, path, 0, rel), 0);
	}
	/* the hostile line of evil.list is one warning */
	warnings = cs_catalog_warning_count(cat);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(cs_catalog_warning(cat, 0), "evil.list"));
	assert_int_equal(feed_testdata(cat, state, "var/lib/dpkg/status", 0, "dpkg/status-mixed"),
			 0);
	assert_int_equal(cs_cataloger_dpkg.finish(cat, state, NULL, &err), 0);
	cs_cataloger_dpkg.state_free(state);
	assert_files(find(cat, "hello", 0), hello, CS_ARRAY_SIZE(hello));
	assert_files(find(cat, "libfoo1", 0), libfoo, CS_ARRAY_SIZE(libfoo));
	assert_files(find(cat, "onlymd5", 0), onlymd5, CS_ARRAY_SIZE(onlymd5));
	assert_files(find(cat, "evil", 0), evil, CS_ARRAY_SIZE(evil));
	assert_files(find(cat, "heldpkg", 0), NULL, 0);
	assert_int_equal(cs_catalog_warning_count(cat), warnings);
}

/* Without a merged view, a package gets the highest list at or below its layer. */
static void test_list_layers(void **unused)
{
	static const char status[] = "Package: a\nStatus: install ok installed\nVersion: 1\n";
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	void *state = cs_cataloger_dpkg.state_new();
	struct cs_error err = CS_ERROR_INIT;
	const struct cs_package *p;

	(void)unused;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed(cat, state, "var/lib/dpkg/info/a.list", 2, "/two\n", 5), 0);
	assert_int_equal(feed(cat, state, "var/lib/dpkg/info/a.list", 0, "/zero\n", 6), 0);
	assert_int_equal(feed(cat, state, "var/lib/dpkg/info/a.list", 4, "/four\n", 6), 0);
	assert_int_equal(feed(cat, state, "var/lib/dpkg/status", 1, status, strlen(status)), 0);
	assert_int_equal(feed(cat, state, "var/lib/dpkg/status", 3, status, strlen(status)), 0);
	assert_int_equal(cs_cataloger_dpkg.finish(cat, state, NULL, &err), 0);
	cs_cataloger_dpkg.state_free(state);
	p = find(cat, "a", 1);
	assert_non_null(p);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "zero");
	p = find(cat, "a", 3);
	assert_non_null(p);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "two");
}

/* Malformed lines and stanzas are skipped and reported once; the rest stays. */
static void test_hostile(void **unused)
{
	static const char bad[] =
		"Package: ok\nStatus: install ok installed\nVersion: 1.0\n\n"
		"garbage line without colon\n"
		" continuation without a field\n"
		"Package: dup\nPackage: dup2\nStatus: install ok installed\nVersion: 1\n\n"
		"Package: sp ace\nStatus: install ok installed\nVersion: 1\n\n"
		"Package: nover\nStatus: install ok installed\n\n"
		"Package: ctl\nStatus: install ok installed\nVersion: 1\x01\n\n"
		"Package: badsrc\nStatus: install ok installed\nVersion: 1\n"
		"Source: x (1\n\n"
		"Package: nul\0\nStatus: install ok installed\nVersion: 1\n\n"
		"Package: status-junk\nStatus: install ok installed extra\nVersion: 1\n\n"
		"Package: last\nStatus: install ok installed\nVersion: 2.0";
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct cs_error err = CS_ERROR_INIT;
	const struct cs_package *p;

	(void)unused;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed(cat, NULL, "var/lib/dpkg/status", 0, bad, sizeof(bad) - 1), 0);
	assert_int_equal(cs_catalog_count(cat), 2);
	assert_non_null(find(cat, "ok", 0));
	p = find(cat, "last", 0);
	assert_non_null(p);
	assert_string_equal(p->version, "2.0");
	assert_int_equal(cs_catalog_warning_count(cat), 1);
	assert_non_null(strstr(cs_catalog_warning(cat, 0), "'var/lib/dpkg/status'"));

	/* a binary file is an error, not an empty database */
	cs_catalog_free(cat);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_true(feed(cat, NULL, "var/lib/dpkg/status", 0,
			 "\x7f"
			 "ELF\x02\x01\x01\0\0\0",
			 10) < 0);
	assert_int_equal(cs_catalog_count(cat), 0);
	/* empty files are fine */
	assert_int_equal(feed(cat, NULL, "var/lib/dpkg/status", 0, "", 0), 0);
	assert_int_equal(feed(cat, NULL, "var/lib/dpkg/status", 0, "\n\n\n", 3), 0);
	assert_int_equal(cs_catalog_count(cat), 0);
	(void)err;
}

/* Licenses from machine-readable usr/share/doc/NAME/copyright files */
static void test_copyright(void **unused)
{
	static const char later[] = "Format: x\n\nLicense: MIT\n";
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	void *state = cs_cataloger_dpkg.state_new();
	struct cs_error err = CS_ERROR_INIT;

	(void)unused;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(feed_testdata(cat, state, "usr/share/doc/hello/copyright", 0,
				       "dpkg/doc/hello/copyright"),
			 0);
	assert_int_equal(feed_testdata(cat, state, "usr/share/doc/libfoo1/copyright", 0,
				       "dpkg/doc/libfoo1/copyright"),
			 0);
	/* a later layer's copy does not apply to a package declared below it */
	assert_int_equal(
		feed(cat, state, "usr/share/doc/heldpkg/copyright", 1, later, strlen(later)), 0);
	assert_int_equal(feed_testdata(cat, state, "var/lib/dpkg/status", 0, "dpkg/status-mixed"),
			 0);
	assert_int_equal(cs_cataloger_dpkg.finish(cat, state, NULL, &err), 0);
	cs_cataloger_dpkg.state_free(state);
	assert_string_equal(find(cat, "hello", 0)->license, "GPL-3.0+ AND (GPL-2+ or Artistic)");
	assert_null(find(cat, "libfoo1", 0)->license);
	assert_null(find(cat, "heldpkg", 0)->license);
	assert_null(find(cat, "trig", 0)->license);
}

/* --- through the catalog walker --- */

struct fake_file {
	unsigned layer;
	enum cs_entry_type type;
	const char *path;
	const char *content;
};

/* Feed entries to walkers as a layer reader would: data in small chunks. */
static void walk(const struct fake_file *files, size_t n, struct cs_walker *w, size_t n_w)
{
	struct cs_error err = CS_ERROR_INIT;
	unsigned layer = UINT32_MAX;

	for (size_t i = 0; i <= n; i++) {
		struct cs_layer_info info = { .index = layer };
		struct cs_entry e;
		size_t len;

		if (layer != UINT32_MAX && (i == n || files[i].layer != layer)) {
			for (size_t k = 0; k < n_w; k++)
				if (w[k].layer_end)
					assert_int_equal(w[k].layer_end(w[k].userdata, &info, &err),
							 0);
		}
		if (i == n)
			break;
		if (files[i].layer != layer) {
			layer = files[i].layer;
			info.index = layer;
			for (size_t k = 0; k < n_w; k++)
				if (w[k].layer_begin)
					assert_int_equal(
						w[k].layer_begin(w[k].userdata, &info, &err), 0);
		}
		len = files[i].content ? strlen(files[i].content) : 0;
		e = (struct cs_entry){ .path = files[i].path,
				       .type = files[i].type,
				       .mode = files[i].type == CS_ENTRY_DIR ? 0755 : 0644,
				       .size = len,
				       .layer = layer };
		for (size_t k = 0; k < n_w; k++) {
			int r = w[k].entry ? w[k].entry(w[k].userdata, &e, &err) : 0;

			assert_true(r >= 0);
			if (r != 1)
				continue;
			for (size_t off = 0; off < len; off += 7)
				assert_int_equal(w[k].data(w[k].userdata, &e,
							   files[i].content + off,
							   CS_MIN(7, len - off), &err),
						 0);
			if (w[k].data_end)
				assert_int_equal(w[k].data_end(w[k].userdata, &e, &err), 0);
		}
	}
}

#define STATUS_A(v)                                                                       \
	"Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: " v "\n" \
	"Description: a\n multi-line\n .\n description\n\n"
#define STATUS_B "Package: b\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"

/* Two layers: the upper one upgrades a, removes b and replaces the lists. */
static void test_walker_layers(void **unused)
{
	static const struct cs_cataloger *const only_dpkg[] = { &cs_cataloger_dpkg, NULL };
	static const struct fake_file files[] = {
		{ 0, CS_ENTRY_DIR, "var", NULL },
		{ 0, CS_ENTRY_DIR, "var/lib", NULL },
		{ 0, CS_ENTRY_DIR, "var/lib/dpkg", NULL },
		{ 0, CS_ENTRY_DIR, "var/lib/dpkg/info", NULL },
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/info/a.list", "/.\n/usr/bin/a-zero\n" },
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/info/b.list", "/.\n/usr/bin/b\n" },
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/info/b.postinst", "#!/bin/sh\n" },
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/status", STATUS_A("1.0") "\n" STATUS_B },
		{ 1, CS_ENTRY_REG, "var/lib/dpkg/status", STATUS_A("2.0") },
		{ 1, CS_ENTRY_WHITEOUT, "var/lib/dpkg/info/b.list", NULL },
		{ 1, CS_ENTRY_REG, "var/lib/dpkg/info/a.list", "/.\n/usr/bin/a-one\n" },
	};
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *scan = NULL;
	_cleanup_(cs_overlay_freep) struct cs_overlay *ov = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walker w[2];
	struct cs_limits lim;
	const struct cs_package *p;

	(void)unused;
	cs_limits_default(&lim);
	assert_int_equal(cs_overlay_new(&lim, &ov), 0);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_scan_new(cat, only_dpkg, &scan), 0);
	cs_overlay_walker(ov, &w[0]);
	cs_catalog_scan_walker(scan, &w[1]);
	walk(files, CS_ARRAY_SIZE(files), w, 2);
	assert_int_equal(cs_catalog_scan_finish(scan, ov, &err), 0);
	assert_int_equal(cs_catalog_warning_count(cat), 0);
	assert_int_equal(cs_catalog_count(cat), 1);
	p = cs_catalog_get(cat, 0);
	assert_string_equal(p->name, "a");
	assert_string_equal(p->version, "2.0");
	assert_string_equal(p->path, "var/lib/dpkg/status");
	assert_int_equal(p->layer, 1);
	assert_int_equal(p->introduced, 1);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "usr/bin/a-one");
}

/* One layer, no merged view: every declaration stays. */
static void test_walker_single(void **unused)
{
	static const struct cs_cataloger *const only_dpkg[] = { &cs_cataloger_dpkg, NULL };
	static const struct fake_file files[] = {
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/status", STATUS_A("1.0") "\n" STATUS_B },
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/info/b.list", "/.\n/usr/bin/b\n" },
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/status.d/c", "Package: c\nVersion: 3\n" },
		{ 0, CS_ENTRY_REG, "var/lib/dpkg/status.d/c.md5sums", "00  usr/bin/c\n" },
	};
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *scan = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walker w;
	const struct cs_package *p;

	(void)unused;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_scan_new(cat, only_dpkg, &scan), 0);
	cs_catalog_scan_walker(scan, &w);
	walk(files, CS_ARRAY_SIZE(files), &w, 1);
	assert_int_equal(cs_catalog_scan_finish(scan, NULL, &err), 0);
	assert_int_equal(cs_catalog_count(cat), 3);
	p = find(cat, "b", 0);
	assert_non_null(p);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "usr/bin/b");
	p = find(cat, "c", 0);
	assert_non_null(p);
	assert_string_equal(p->path, "var/lib/dpkg/status.d/c");
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "usr/bin/c");
	assert_int_equal(find(cat, "a", 0)->n_files, 0);
}

static void test_wants(void **unused)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
		{ "var/lib/dpkg/status", true },
		{ "var/lib/dpkg/status-old", false },
		{ "var/lib/dpkg/status.d/libc6", true },
		{ "var/lib/dpkg/status.d/libc6.md5sums", true },
		{ "var/lib/dpkg/status.d/sub/x", false },
		{ "var/lib/dpkg/status.d", false },
		{ "var/lib/dpkg/info/bash.list", true },
		{ "var/lib/dpkg/info/libc6:amd64.list", true },
		{ "var/lib/dpkg/info/bash.md5sums", true },
		{ "var/lib/dpkg/info/bash.postinst", false },
		{ "var/lib/dpkg/info/x/y.list", false },
		{ "usr/var/lib/dpkg/status", false },
		{ "var/lib/dpkg/available", false },
		{ "usr/share/doc/bash/copyright", true },
		{ "usr/share/doc/bash/changelog.gz", false },
		{ "usr/share/doc/copyright", false },
		{ "usr/share/doc//copyright", false },
		{ "usr/share/doc/a/b/copyright", false },
	};
	struct cs_entry e = { .type = CS_ENTRY_REG };

	(void)unused;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		e.path = cases[i].path;
		if (cs_cataloger_dpkg.wants(cases[i].path, &e) != cases[i].want)
			fail_msg("wants('%s') should be %d", cases[i].path, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wants),	      cmocka_unit_test(test_bookworm_pointrelease),
		cmocka_unit_test(test_host_bookworm), cmocka_unit_test(test_mixed_states),
		cmocka_unit_test(test_crlf),	      cmocka_unit_test(test_distroless),
		cmocka_unit_test(test_file_lists),    cmocka_unit_test(test_list_layers),
		cmocka_unit_test(test_hostile),	      cmocka_unit_test(test_copyright),
		cmocka_unit_test(test_walker_single), cmocka_unit_test(test_walker_layers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
