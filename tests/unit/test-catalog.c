/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The catalog core: the walker feeding catalogers, warnings for malformed
 * files, sniffing, visibility through the merged view, the layer that
 * introduced a package, ownership deduplication and OS detection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "basic/alloc.h"
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_os;

/* "name version" per line; a line "!" makes the file malformed */
static bool lines_wants(const char *path, const struct cs_entry *e)
{
	(void)e;
	return cs_path_has_suffix(path, ".pkgs");
}

static int lines_parse_type(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			    const char *data, size_t len, struct cs_error *err,
			    enum cs_pkg_type type)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *sp;
		struct cs_package *pkg;

		if (le - p == 1 && *p == '!')
			return cs_error_set(err, -CS_E_INPUT, "bad line");
		sp = memchr(p, ' ', (size_t)(le - p));
		if (sp) {
			pkg = cs_package_new(type);
			assert_non_null(pkg);
			cs_package_set(&pkg->name, p, (size_t)(sp - p));
			cs_package_set(&pkg->version, sp + 1, (size_t)(le - sp - 1));
			cs_package_set(&pkg->path, f->path, strlen(f->path));
			pkg->layer = f->layer;
			pkg->found_by = "lines";
			if (type == CS_PKG_DEB)
				cs_package_add_file(pkg, "usr/lib/py/x.dist-info/METADATA", 31);
			assert_int_equal(cs_catalog_add(cat, pkg), 0);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int lines_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		       size_t len, struct cs_error *err)
{
	return lines_parse_type(cat, f, data, len, err, CS_PKG_NPM);
}

static const struct cs_cataloger lines_cataloger = {
	.name = "lines",
	.version = 1,
	.max_size = 1000,
	.wants = lines_wants,
	.parse = lines_parse,
};

/* an "OS" cataloger owning a file a language package declares */
static bool owner_wants(const char *path, const struct cs_entry *e)
{
	(void)e;
	return !strcmp(path, "var/owner.db");
}

static int owner_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		       size_t len, struct cs_error *err)
{
	return lines_parse_type(cat, f, data, len, err, CS_PKG_DEB);
}

static const struct cs_cataloger owner_cataloger = {
	.name = "owner",
	.max_size = 1000,
	.wants = owner_wants,
	.parse = owner_parse,
};

static bool meta_wants(const char *path, const struct cs_entry *e)
{
	(void)e;
	return cs_path_has_suffix(path, "METADATA");
}

static int meta_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		      size_t len, struct cs_error *err)
{
	return lines_parse_type(cat, f, data, len, err, CS_PKG_PYPI);
}

static const struct cs_cataloger meta_cataloger = {
	.name = "meta",
	.max_size = 1000,
	.wants = meta_wants,
	.parse = meta_parse,
};

/* wants everything, but only files starting with "ELF!" */
static int sniff_parsed;
static bool sniff_wants(const char *path, const struct cs_entry *e)
{
	(void)path;
	return e->mode & 0111;
}

static bool sniff_sniff(const void *head, size_t n)
{
	return n >= 4 && !memcmp(head, "ELF!", 4);
}

static int sniff_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		       size_t len, struct cs_error *err)
{
	(void)cat;
	(void)f;
	(void)err;
	assert_true(len >= 4 && !memcmp(data, "ELF!", 4));
	sniff_parsed++;
	return 0;
}

static const struct cs_cataloger sniff_cataloger = {
	.name = "sniff",
	.max_size = 1 << 20,
	.wants = sniff_wants,
	.sniff = sniff_sniff,
	.parse = sniff_parse,
};

struct feed {
	struct cs_walker w[2];
};

static void feed_file(struct feed *fd, unsigned layer, const char *path, const char *content,
		      uint32_t mode)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_entry e = { 0 };
	size_t n = strlen(content);

	e.path = path;
	e.type = CS_ENTRY_REG;
	e.mode = mode;
	e.size = n;
	e.layer = layer;
	for (int i = 0; i < 2; i++) {
		int want = fd->w[i].entry(fd->w[i].userdata, &e, &err);

		assert_true(want >= 0);
		if (want > 0) {
			/* deliver in two chunks to exercise buffering */
			size_t half = n / 2;

			if (fd->w[i].data) {
				assert_int_equal(
					fd->w[i].data(fd->w[i].userdata, &e, content, half, &err),
					0);
				assert_int_equal(fd->w[i].data(fd->w[i].userdata, &e,
							       content + half, n - half, &err),
						 0);
			}
			if (fd->w[i].data_end)
				assert_int_equal(fd->w[i].data_end(fd->w[i].userdata, &e, &err), 0);
		}
	}
}

static void feed_special(struct feed *fd, unsigned layer, const char *path, enum cs_entry_type type)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_entry e = { 0 };

	e.path = path;
	e.type = type;
	e.mode = 0755;
	e.layer = layer;
	for (int i = 0; i < 2; i++)
		assert_true(fd->w[i].entry(fd->w[i].userdata, &e, &err) >= 0);
}

static void layer_edge(struct feed *fd, unsigned layer, bool begin)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info li = { 0 };

	li.index = layer;
	for (int i = 0; i < 2; i++) {
		if (begin && fd->w[i].layer_begin)
			assert_int_equal(fd->w[i].layer_begin(fd->w[i].userdata, &li, &err), 0);
		if (!begin && fd->w[i].layer_end)
			assert_int_equal(fd->w[i].layer_end(fd->w[i].userdata, &li, &err), 0);
	}
}

static const struct cs_package *find(struct cs_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		if (!strcmp(cs_catalog_get(cat, i)->name, name))
			return cs_catalog_get(cat, i);
	return NULL;
}

static void test_layers_and_visibility(void **state)
{
	static const struct cs_cataloger *const list[] = { &cs_cataloger_os, &lines_cataloger,
							   &owner_cataloger, &meta_cataloger,
							   &sniff_cataloger, NULL };
	struct cs_catalog *cat;
	struct cs_catalog_scan *scan;
	struct cs_overlay *ov;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_limits lim;
	struct feed fd;
	const struct cs_package *p;
	const struct cs_os_release *os;

	(void)state;
	cs_limits_default(&lim);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_scan_new(cat, list, &scan), 0);
	assert_int_equal(cs_overlay_new(&lim, &ov), 0);
	cs_overlay_walker(ov, &fd.w[0]);
	cs_catalog_scan_walker(scan, &fd.w[1]);

	/* layer 0 */
	layer_edge(&fd, 0, true);
	feed_special(&fd, 0, "", CS_ENTRY_DIR);
	feed_special(&fd, 0, "etc", CS_ENTRY_DIR);
	feed_file(&fd, 0, "etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\n", 0644);
	feed_special(&fd, 0, "db", CS_ENTRY_DIR);
	feed_file(&fd, 0, "db/app.pkgs", "a 1\nb 1\n", 0644);
	feed_file(&fd, 0, "db/old.pkgs", "gone 1\n", 0644);
	feed_file(&fd, 0, "db/bad.pkgs", "x 1\n!\n", 0644);
	feed_file(&fd, 0, "bin/prog", "ELF!binary", 0755);
	feed_file(&fd, 0, "bin/script", "#!/bin/sh\n", 0755);
	layer_edge(&fd, 0, false);
	/* layer 1: upgrades b, adds c, replaces the OS */
	layer_edge(&fd, 1, true);
	feed_file(&fd, 1, "etc/os-release",
		  "ID=\"debian\"\nVERSION_ID=\"12\"\n# c\nNAME='Debian'\n", 0644);
	feed_file(&fd, 1, "db/app.pkgs", "a 1\nb 2\nc 1\n", 0644);
	feed_file(&fd, 1, "var/owner.db", "deb 1\n", 0644);
	feed_file(&fd, 1, "usr/lib/py/x.dist-info/METADATA", "owned 1\n", 0644);
	feed_file(&fd, 1, "usr/lib/py/y.dist-info/METADATA", "free 1\n", 0644);
	layer_edge(&fd, 1, false);
	/* layer 2: deletes db/old.pkgs */
	layer_edge(&fd, 2, true);
	feed_special(&fd, 2, "db/old.pkgs", CS_ENTRY_WHITEOUT);
	layer_edge(&fd, 2, false);

	assert_int_equal(cs_catalog_scan_finish(scan, ov, &err), 0);

	os = cs_catalog_os(cat);
	assert_non_null(os);
	assert_string_equal(os->id, "debian");
	assert_string_equal(os->version_id, "12");
	assert_string_equal(os->name, "Debian");
	assert_int_equal(os->layer, 1);

	p = find(cat, "a");
	assert_non_null(p);
	assert_int_equal(p->layer, 1);
	assert_int_equal(p->introduced, 0); /* unchanged since layer 0 */
	p = find(cat, "b");
	assert_string_equal(p->version, "2");
	assert_int_equal(p->introduced, 1); /* the upgrade came with layer 1 */
	assert_non_null(find(cat, "c"));
	assert_null(find(cat, "gone"));	 /* deleted by layer 2 */
	assert_null(find(cat, "x"));	 /* malformed file skipped */
	assert_null(find(cat, "owned")); /* owned by the OS package "deb" */
	assert_non_null(find(cat, "free"));
	assert_non_null(find(cat, "deb"));
	assert_int_equal(cs_catalog_count(cat), 5); /* a, b 2, c, free, deb */
	/* every package has a purl, and the list is sorted with OS packages first */
	assert_int_equal(cs_catalog_get(cat, 0)->type, CS_PKG_DEB);
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		assert_non_null(cs_catalog_get(cat, i)->purl);
	/* the malformed file is one warning naming it and its layer */
	assert_int_equal(cs_catalog_warning_count(cat), 1);
	assert_non_null(strstr(cs_catalog_warning(cat, 0), "'db/bad.pkgs' in layer 0"));
	/* sniffing kept the script out */
	assert_int_equal(sniff_parsed, 1);

	cs_overlay_free(ov);
	cs_catalog_scan_free(scan);
	cs_catalog_free(cat);
}

static void test_size_limit_warning(void **state)
{
	static const struct cs_cataloger *const list[] = { &lines_cataloger, NULL };
	struct cs_catalog *cat;
	struct cs_catalog_scan *scan;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walker w;
	struct cs_entry e = { 0 };

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_scan_new(cat, list, &scan), 0);
	cs_catalog_scan_walker(scan, &w);
	e.path = "big.pkgs";
	e.type = CS_ENTRY_REG;
	e.size = 5000; /* over lines_cataloger.max_size */
	assert_int_equal(w.entry(w.userdata, &e, &err), 0);
	assert_int_equal(cs_catalog_warning_count(cat), 1);
	assert_non_null(strstr(cs_catalog_warning(cat, 0), "'big.pkgs'"));
	/* no overlay: everything declared stays */
	assert_int_equal(cs_catalog_scan_finish(scan, NULL, &err), 0);
	cs_catalog_scan_free(scan);
	cs_catalog_free(cat);
}

static void test_os_fallbacks(void **state)
{
	static const struct {
		const char *path, *content, *id, *version;
	} cases[] = {
		{ "etc/alpine-release", "3.18.9\n", "alpine", "3.18.9" },
		{ "etc/debian_version", "12.7\n", "debian", "12" },
		{ "etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)\n", "rocky", "9.3" },
		{ "etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos",
		  "7.9.2009" },
		{ "usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n", "ubuntu", "24.04" },
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		static const struct cs_cataloger *const list[] = { &cs_cataloger_os, NULL };
		struct cs_catalog *cat;
		struct cs_catalog_scan *scan;
		struct cs_error err = CS_ERROR_INIT;
		struct cs_walker w;
		struct cs_entry e = { 0 };

		assert_int_equal(cs_catalog_new(&cat), 0);
		assert_int_equal(cs_catalog_scan_new(cat, list, &scan), 0);
		cs_catalog_scan_walker(scan, &w);
		e.path = cases[i].path;
		e.type = CS_ENTRY_REG;
		e.size = strlen(cases[i].content);
		assert_int_equal(w.entry(w.userdata, &e, &err), 1);
		assert_int_equal(w.data(w.userdata, &e, cases[i].content, e.size, &err), 0);
		assert_int_equal(w.data_end(w.userdata, &e, &err), 0);
		assert_int_equal(cs_catalog_scan_finish(scan, NULL, &err), 0);
		assert_non_null(cs_catalog_os(cat));
		assert_string_equal(cs_catalog_os(cat)->id, cases[i].id);
		assert_string_equal(cs_catalog_os(cat)->version_id, cases[i].version);
		cs_catalog_scan_free(scan);
		cs_catalog_free(cat);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layers_and_visibility),
		cmocka_unit_test(test_size_limit_warning),
		cmocka_unit_test(test_os_fallbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
