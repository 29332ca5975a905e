/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The apk cataloger against the real databases of Alpine's minirootfs
 * tarballs (extracted with tar at test time), compared with an independent
 * parse in python3, plus known facts from the data README and hostile input.
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
#include "basic/stream.h"
#include "catalog/catalog.h"
#include "image/layer.h"
#include "image/overlay.h"

extern const struct cs_cataloger cs_cataloger_apk;

static const char db_path[] = "lib/apk/db/installed";

/* Output of a shell command, whole. */
static char *run(const char *cmd, size_t *ret_len)
{
	struct cs_buf b = CS_BUF_INIT(64u << 20);
	char chunk[65536];
	size_t n;
	FILE *f = popen(cmd, "r");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(cs_buf_append(&b, chunk, n), 0);
	if (pclose(f) != 0)
		fail_msg("command failed: %s", cmd);
	if (!b.data)
		assert_int_equal(cs_buf_append(&b, "", 0), 0);
	return cs_buf_steal(&b, ret_len);
}

static char *tarball(const char *version)
{
	const char *dir = getenv("CUSTOMS_SHARED");
	char *p;

	if (!dir)
		fail_msg("CUSTOMS_SHARED is not set");
	p = cs_asprintf("%s/images/alpine/alpine-minirootfs-%s-x86_64.tar.gz", dir, version);
	assert_non_null(p);
	return p;
}

static char *extract_db(const char *version, size_t *len)
{
	_cleanup_free_ char *tgz = tarball(version);
	_cleanup_free_ char *cmd = cs_asprintf("tar -xzf '%s' -O ./lib/apk/db/installed", tgz);

	assert_non_null(cmd);
	return run(cmd, len);
}

/*
 * An independent reading of the same database: one "pkg" line per block
 * (name, version, arch, origin, license, maintainer) and one "file" line per
 * R: entry, sorted.
 */
static const char python_parser[] =
	"import sys\n"
	"out = []\n"
	"for blk in sys.stdin.buffer.read().decode().split(\"\\n\\n\"):\n"
	"    k = {}; files = []; folder = None\n"
	"    for l in blk.split(\"\\n\"):\n"
	"        if len(l) < 2 or l[1] != \":\": continue\n"
	"        c, v = l[0], l[2:]\n"
	"        if c == \"F\": folder = v\n"
	"        elif c == \"R\": files.append(folder + \"/\" + v if folder else v)\n"
	"        elif c not in k: k[c] = v\n"
	"    if \"P\" not in k: continue\n"
	"    out.append(\"\\t\".join([\"pkg\"] + [k.get(c, \"\") for c in \"PVAoLm\"]))\n"
	"    out += [\"file\\t%s\\t%s\" % (k[\"P\"], f) for f in files]\n"
	"print(\"\\n\".join(sorted(out)))\n";

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push(char ***v, size_t *n, size_t *cap, char *s)
{
	assert_non_null(s);
	assert_int_equal(CS_GROW(*v, *cap, *n + 2), 0);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static char **python_lines(const char *version, size_t *ret_n)
{
	_cleanup_free_ char *tgz = tarball(version);
	_cleanup_free_ char *cmd = NULL, *out = NULL;
	char **v = NULL;
	size_t n = 0, cap = 0, len;

	cmd = cs_asprintf("tar -xzf '%s' -O ./lib/apk/db/installed | python3 -c '%s'", tgz,
			  python_parser);
	assert_non_null(cmd);
	out = run(cmd, &len);
	for (char *p = out, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		if (*p)
			push(&v, &n, &cap, cs_strdup(p));
		if (!nl[1])
			break;
	}
	qsort(v, n, sizeof(*v), cmp_strp);
	*ret_n = n;
	return v;
}

static char **catalog_lines(struct cs_catalog *cat, size_t *ret_n)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		assert_int_equal(p->type, CS_PKG_APK);
		assert_string_equal(p->found_by, "apk");
		push(&v, &n, &cap,
		     cs_asprintf("pkg\t%s\t%s\t%s\t%s\t%s\t%s", p->name, p->version,
				 p->arch ? p->arch : "", p->source_name ? p->source_name : p->name,
				 p->license ? p->license : "", p->vendor ? p->vendor : ""));
		for (size_t f = 0; f < p->n_files; f++)
			push(&v, &n, &cap, cs_asprintf("file\t%s\t%s", p->name, p->files[f]));
	}
	qsort(v, n, sizeof(*v), cmp_strp);
	*ret_n = n;
	return v;
}

static int parse(struct cs_catalog *cat, const char *path, unsigned layer, const char *data,
		 size_t len)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = len, .layer = layer };
	struct cs_cataloger_file f = { path, layer, &e, NULL };
	struct cs_error err = CS_ERROR_INIT;
	int r;

	assert_true(cs_cataloger_apk.wants(path, &e));
	r = cs_cataloger_apk.parse(cat, &f, data, len, &err);
	if (r < 0)
		assert_true(err.msg[0] != '\0' && !strchr(err.msg, '\n'));
	return r;
}

static struct cs_package *find(struct cs_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		struct cs_package *p = cs_catalog_get(cat, i);

		if (!strcmp(p->name, name))
			return p;
	}
	return NULL;
}

static struct cs_catalog *parse_release(const char *version)
{
	struct cs_catalog *cat = NULL;
	_cleanup_strv_free_ char **want = NULL, **got = NULL;
	_cleanup_free_ char *data = NULL;
	size_t len, n_want, n_got;

	data = extract_db(version, &len);
	assert_true(len > 1000);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, db_path, 0, data, len), 0);
	assert_int_equal(cs_catalog_warning_count(cat), 0);
	want = python_lines(version, &n_want);
	got = catalog_lines(cat, &n_got);
	assert_true(n_want > 100);
	for (size_t i = 0; i < n_want && i < n_got; i++)
		assert_string_equal(got[i], want[i]);
	assert_int_equal(n_got, n_want);
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		assert_string_equal(cs_catalog_get(cat, i)->path, db_path);
	return cat;
}

static void test_alpine_3_20(void **unused)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = parse_release("3.20.3");
	const struct cs_package *p;

	(void)unused;
	p = find(cat, "busybox");
	assert_non_null(p);
	assert_string_equal(p->arch, "x86_64");
	p = find(cat, "libcrypto3");
	assert_non_null(p);
	assert_string_equal(p->source_name, "openssl");
	assert_string_equal(p->license, "Apache-2.0");
	assert_non_null(find(cat, "libssl3"));
	/* busybox's own binary is one of its files */
	p = find(cat, "busybox");
	assert_true(p->n_files > 0);
	{
		bool found = false;

		for (size_t i = 0; i < p->n_files; i++)
			found = found || !strcmp(p->files[i], "bin/busybox");
		assert_true(found);
	}
}

static void test_alpine_3_18(void **unused)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = parse_release("3.18.9");

	(void)unused;
	assert_non_null(find(cat, "libcrypto3"));
}

static void test_alpine_3_16(void **unused)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = parse_release("3.16.9");
	const struct cs_package *p = find(cat, "busybox");

	(void)unused;
	assert_non_null(p);
	assert_string_equal(p->version, "1.35.0-r17");
	assert_null(p->source_name);
}

/* Through the catalog walker, fed in small chunks as a layer reader would. */
static void test_walker(void **unused)
{
	static const struct cs_cataloger *const only_apk[] = { &cs_cataloger_apk, NULL };
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *scan = NULL;
	_cleanup_free_ char *data = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walker w;
	size_t len;
	struct cs_entry other = { .path = "etc/motd", .type = CS_ENTRY_REG, .size = 3 };
	struct cs_entry e = { .path = db_path, .type = CS_ENTRY_REG, .layer = 0 };

	(void)unused;
	data = extract_db("3.20.3", &len);
	e.size = len;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_scan_new(cat, only_apk, &scan), 0);
	cs_catalog_scan_walker(scan, &w);
	assert_int_equal(w.entry(w.userdata, &other, &err), 0);
	assert_int_equal(w.entry(w.userdata, &e, &err), 1);
	for (size_t off = 0; off < len; off += 1000)
		assert_int_equal(w.data(w.userdata, &e, data + off, CS_MIN(1000, len - off), &err),
				 0);
	assert_int_equal(w.data_end(w.userdata, &e, &err), 0);
	assert_int_equal(cs_catalog_scan_finish(scan, NULL, &err), 0);
	assert_true(cs_catalog_count(cat) > 10);
	assert_non_null(find(cat, "busybox"));
	assert_int_equal(cs_catalog_warning_count(cat), 0);
}

/*
 * The whole path: the real minirootfs tarball read as a layer (layer
 * reader, merged view, every cataloger), finished with the merged view.
 */
static void test_layer(void **unused)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *scan = NULL;
	_cleanup_(cs_overlay_freep) struct cs_overlay *ov = NULL;
	_cleanup_free_ char *tgz = tarball("3.20.3");
	_cleanup_strv_free_ char **want = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_stream *blob = NULL;
	struct cs_layer_info info = { .index = 0, .compressed_size = -1 };
	struct cs_walk_budget budget = { 0 };
	struct cs_limits lim;
	struct cs_walker w[2];
	const struct cs_os_release *os;
	const struct cs_package *p;
	size_t n_want, n_pkgs = 0, n_apk = 0;

	(void)unused;
	cs_limits_default(&lim);
	assert_int_equal(cs_overlay_new(&lim, &ov), 0);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_scan_new(cat, NULL, &scan), 0);
	cs_overlay_walker(ov, &w[0]);
	cs_catalog_scan_walker(scan, &w[1]);
	assert_int_equal(cs_stream_open_file(tgz, &blob, &err), 0);
	if (cs_layer_read(blob, &info, &lim, &budget, w, 2, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	if (cs_catalog_scan_finish(scan, ov, &err) < 0)
		fail_msg("%s", err.msg);

	want = python_lines("3.20.3", &n_want);
	for (size_t i = 0; i < n_want; i++)
		n_pkgs += !strncmp(want[i], "pkg\t", 4);
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		p = cs_catalog_get(cat, i);
		if (p->type != CS_PKG_APK)
			continue;
		n_apk++;
		assert_string_equal(p->path, db_path);
		assert_int_equal(p->introduced, 0);
		assert_non_null(p->purl);
	}
	assert_int_equal(n_apk, n_pkgs);
	os = cs_catalog_os(cat);
	assert_non_null(os);
	assert_string_equal(os->id, "alpine");
	assert_string_equal(os->version_id, "3.20.3");
	p = find(cat, "libcrypto3");
	assert_non_null(p);
	assert_string_equal(p->source_name, "openssl");
	assert_non_null(strstr(p->purl, "pkg:apk/alpine/libcrypto3@"));
}

static void test_hostile(void **unused)
{
	static const char bad[] =
		"P:good\nV:1.0-r0\nA:x86_64\nF:usr/bin\nR:good\n\n"
		"this is not a line\n"
		"P:twice\nP:again\nV:1\n\n"
		"P:nover\n\n"
		"P:sp ace\nV:1\n\n"
		"P:escape\nV:2\nF:../../etc\nR:shadow\nF:usr\nR:a/b\nR:..\nR:ok\n\n"
		"P:rootfile\nV:3\nR:top\n\n"
		"\r\nP:crlf\r\nV:4\r\no:crlf\r\nL:MIT\r\n\r\n"
		"P:nul\0\nV:5\n\n"
		"P:last\nV:6";
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	const struct cs_package *p;

	(void)unused;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(parse(cat, db_path, 2, bad, sizeof(bad) - 1), 0);
	assert_int_equal(cs_catalog_count(cat), 5);
	p = find(cat, "good");
	assert_non_null(p);
	assert_int_equal(p->layer, 2);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "usr/bin/good");
	p = find(cat, "escape");
	assert_non_null(p);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "usr/ok");
	p = find(cat, "rootfile");
	assert_non_null(p);
	assert_int_equal(p->n_files, 1);
	assert_string_equal(p->files[0], "top");
	p = find(cat, "crlf");
	assert_non_null(p);
	assert_string_equal(p->version, "4");
	assert_null(p->source_name);
	assert_string_equal(p->license, "MIT");
	assert_non_null(find(cat, "last"));
	assert_null(find(cat, "nul"));
	assert_int_equal(cs_catalog_warning_count(cat), 1);

	cs_catalog_free(cat);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_true(parse(cat, db_path, 0,
			  "\x7f"
			  "ELF\x02\x01\x01\0",
			  8) < 0);
	assert_int_equal(parse(cat, db_path, 0, "", 0), 0);
	assert_int_equal(cs_catalog_count(cat), 0);
}

static void test_wants(void **unused)
{
	struct cs_entry e = { .type = CS_ENTRY_REG };

	(void)unused;
	assert_true(cs_cataloger_apk.wants("lib/apk/db/installed", &e));
	assert_true(cs_cataloger_apk.wants("usr/lib/apk/db/installed", &e));
	assert_false(cs_cataloger_apk.wants("lib/apk/db/installed.old", &e));
	assert_false(cs_cataloger_apk.wants("lib/apk/db/triggers", &e));
	assert_false(cs_cataloger_apk.wants("x/lib/apk/db/installed", &e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wants),	    cmocka_unit_test(test_alpine_3_20),
		cmocka_unit_test(test_alpine_3_18), cmocka_unit_test(test_alpine_3_16),
		cmocka_unit_test(test_walker),	    cmocka_unit_test(test_layer),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
