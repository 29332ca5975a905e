/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SBOM writers and reader.
 *  - golden documents for a small hand-built catalog (tests/data/sbom/,
 *    reviewed by hand; CUSTOMS_SBOM_UPDATE=1 rewrites them);
 *  - determinism (same input, same bytes; content changes the ids);
 *  - round trips: catalog -> CycloneDX/SPDX -> cs_sbom_read -> same set;
 *  - the reader on documents written the way other tools write them;
 *  - licence classification against the SPDX expression grammar.
 * With CUSTOMS_SBOM_OUT=DIR the documents are also written to DIR, where
 * tests/e2e/sbom-schema.sh validates them with the official CycloneDX
 * schema and independent purl / licence-expression parsers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "catalog/purl.h"
#include "sbom/internal.h"
#include "sbom/sbom.h"

#define MANIFEST "sha256:3f5ef9003cefbd1c2a4fd4bfeeb1c6d5f8fc9f1fd6c6d33f9e1dcbab5eb6a08e"
#define CONFIG	 "sha256:9c7a54a9a43cca047013b82af109fe963fde787f63f9e016fdc3384500c2823d"

static struct cs_package *add(struct cs_catalog *cat, enum cs_pkg_type t, const char *name,
			      const char *version)
{
	struct cs_package *p = cs_package_new(t);

	assert_non_null(p);
	p->name = cs_strdup(name);
	p->version = version ? cs_strdup(version) : NULL;
	p->found_by = "test";
	assert_int_equal(cs_catalog_add(cat, p), 0);
	return p;
}

static void set(char **field, const char *s)
{
	assert_int_equal(cs_package_set(field, s, strlen(s)), 0);
}

/* A Debian image with OS packages and one package of each language. */
static struct cs_catalog *sample_catalog(void)
{
	struct cs_catalog *cat = NULL;
	struct cs_package *p;

	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_set_os(cat, "debian", "12"), 0);

	p = add(cat, CS_PKG_DEB, "libc6", "2.36-9+deb12u4");
	set(&p->arch, "amd64");
	set(&p->source_name, "glibc");
	set(&p->vendor, "GNU Libc Maintainers <debian-glibc@lists.debian.org>");
	set(&p->path, "var/lib/dpkg/status");
	assert_int_equal(cs_package_add_file(p, "lib/x86_64-linux-gnu/libc.so.6", 30), 0);
	assert_int_equal(cs_package_add_file(p, "usr/lib/x86_64-linux-gnu/libc.so.6", 34), 0);

	p = add(cat, CS_PKG_DEB, "curl", "7.88.1-10+deb12u5");
	set(&p->arch, "amd64");
	set(&p->license, "curl");
	set(&p->cpe, "cpe:2.3:a:haxx:curl:7.88.1:*:*:*:*:*:*:*");
	set(&p->path, "var/lib/dpkg/status");
	p->layer = 1;
	p->introduced = 1;

	p = add(cat, CS_PKG_DEB, "libgcc-s1", "12.2.0-14");
	set(&p->arch, "amd64");
	set(&p->source_name, "gcc-12");
	set(&p->source_version, "12.2.0-14+b1");
	set(&p->license, "GPL-3.0-or-later WITH GCC-exception-3.1");
	set(&p->path, "var/lib/dpkg/status");

	p = add(cat, CS_PKG_NPM, "@babel/core", "7.23.0");
	set(&p->license, "MIT");
	set(&p->path, "usr/lib/node_modules/@babel/core/package.json");
	p->layer = p->introduced = 2;

	p = add(cat, CS_PKG_PYPI, "Django", "4.2.1");
	set(&p->license, "bsd-3-clause");
	set(&p->path, "usr/lib/python3/dist-packages/Django-4.2.1.dist-info/METADATA");
	p->layer = p->introduced = 2;

	p = add(cat, CS_PKG_MAVEN, "commons-lang3", "3.12.0");
	set(&p->namespace, "org.apache.commons");
	set(&p->license, "Apache-2.0 OR MIT");
	set(&p->path,
	    "app/lib/app.jar!META-INF/maven/org.apache.commons/commons-lang3/pom.properties");
	p->layer = p->introduced = 3;

	p = add(cat, CS_PKG_GOLANG, "github.com/sirupsen/logrus", "v1.9.3");
	set(&p->path, "app/server");
	assert_int_equal(cs_package_add_meta(p, "go.toolchain", "go1.21.4"), 0);
	p->layer = p->introduced = 3;

	p = add(cat, CS_PKG_GOLANG, "stdlib", "go1.21.4");
	set(&p->path, "app/server");
	p->layer = p->introduced = 3;

	p = add(cat, CS_PKG_GEM, "rake", "13.0.6");
	set(&p->license, "MIT License");
	set(&p->path, "var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec");
	p->layer = p->introduced = 2;

	p = add(cat, CS_PKG_COMPOSER, "laravel/framework", "v10.0.0");
	set(&p->license, "GPL v2");
	set(&p->path, "app/vendor/composer/installed.json");
	p->layer = p->introduced = 3;

	p = add(cat, CS_PKG_CARGO, "serde", "1.0.190");
	set(&p->license, "GPL/v2");
	set(&p->path, "app/server");
	p->layer = p->introduced = 3;

	p = add(cat, CS_PKG_NUGET, "Newtonsoft.Json", "13.0.1");
	set(&p->license, "(MIT OR Apache-2.0) AND BSD-2-Clause");
	set(&p->vendor, "James Newton-King");
	set(&p->path, "app/App.deps.json");
	p->layer = p->introduced = 3;

	/* the same package declared twice by identical files: ids must still be unique */
	for (int i = 0; i < 2; i++) {
		p = add(cat, CS_PKG_NPM, "left-pad", "1.3.0");
		set(&p->license, "WTFPL");
		set(&p->path, "app/node_modules/left-pad/package.json");
		p->layer = p->introduced = 3;
	}

	assert_int_equal(cs_catalog_warn(cat, "dpkg: skipped 'var/lib/dpkg/status-old' in layer 1: "
					      "truncated stanza"),
			 0);
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		p = cs_catalog_get(cat, i);
		assert_int_equal(cs_purl_for_package(p, cs_catalog_os(cat), &p->purl), 0);
	}
	return cat;
}

static const struct cs_sbom_subject sample_subject = {
	.name = "oci-archive:/tmp/app.tar:latest",
	.manifest_digest = MANIFEST,
	.config_digest = CONFIG,
	.os = "linux",
	.architecture = "amd64",
	.created = 1700000000, /* 2023-11-14T22:13:20Z */
};

static char *render(struct cs_catalog *cat, enum cs_sbom_format fmt,
		    const struct cs_sbom_subject *subj, size_t *ret_len)
{
	struct cs_error err = CS_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (cs_sbom_write(f, fmt, cat, subj, &err) < 0)
		fail_msg("cs_sbom_write: %s", err.msg);
	assert_int_equal(fclose(f), 0);
	if (ret_len)
		*ret_len = len;
	return buf;
}

static char *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*ret_len = (size_t)n;
	return buf;
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write '%s'", path);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static const char *testdata(void)
{
	const char *d = getenv("CUSTOMS_TESTDATA");

	return d ? d : "tests/data";
}

static void golden(enum cs_sbom_format fmt, const char *name)
{
	struct cs_catalog *cat = sample_catalog();
	const char *out = getenv("CUSTOMS_SBOM_OUT");
	char path[4096], *want;
	size_t len, wlen = 0;
	char *doc = render(cat, fmt, &sample_subject, &len);

	if (getenv("CUSTOMS_SBOM_UPDATE")) {
		snprintf(path, sizeof(path), "%s/sbom", testdata());
		write_file(path, name, doc, len);
	}
	snprintf(path, sizeof(path), "%s/sbom/%s", testdata(), name);
	if (out && out[0])
		write_file(out, name, doc, len);
	want = read_file(path, &wlen);
	if (!want)
		fail_msg("missing golden file '%s'", path);
	if (wlen != len || memcmp(want, doc, len)) {
		print_error("%s differs from the golden file; got:\n%s\n", name, doc);
		fail();
	}
	/* and it is JSON */
	{
		json_error_t je;
		json_t *root = json_loadb(doc, len, 0, &je);

		if (!root)
			fail_msg("%s: %s", name, je.text);
		json_decref(root);
	}
	free(want);
	free(doc);
	cs_catalog_free(cat);
}

static void test_golden_cyclonedx(void **state)
{
	(void)state;
	golden(CS_SBOM_CYCLONEDX, "sample.cdx.json");
}

static void test_golden_spdx(void **state)
{
	(void)state;
	golden(CS_SBOM_SPDX, "sample.spdx.json");
}

static void test_golden_native(void **state)
{
	(void)state;
	golden(CS_SBOM_NATIVE, "sample.customs.json");
}

static json_t *parse_json(const char *doc)
{
	json_error_t je;
	json_t *root = json_loads(doc, 0, &je);

	if (!root)
		fail_msg("%s", je.text);
	return root;
}

static void test_deterministic(void **state)
{
	struct cs_catalog *cat = sample_catalog();
	struct cs_sbom_subject later = sample_subject;
	char *a, *b, *c;
	json_t *ja, *jc;

	(void)state;
	for (int fmt = CS_SBOM_CYCLONEDX; fmt <= CS_SBOM_NATIVE; fmt++) {
		a = render(cat, (enum cs_sbom_format)fmt, &sample_subject, NULL);
		b = render(cat, (enum cs_sbom_format)fmt, &sample_subject, NULL);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	/* another time: another serial number, same component ids */
	later.created += 60;
	a = render(cat, CS_SBOM_CYCLONEDX, &sample_subject, NULL);
	c = render(cat, CS_SBOM_CYCLONEDX, &later, NULL);
	ja = parse_json(a);
	jc = parse_json(c);
	assert_string_not_equal(json_string_value(json_object_get(ja, "serialNumber")),
				json_string_value(json_object_get(jc, "serialNumber")));
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(jc, "metadata"), "timestamp")),
		"2023-11-14T22:14:20Z");
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(ja, "components"), 1), "bom-ref")),
		json_string_value(json_object_get(
			json_array_get(json_object_get(jc, "components"), 1), "bom-ref")));
	json_decref(ja);
	json_decref(jc);
	free(a);
	free(c);
	/* another package version: another SPDX namespace */
	a = render(cat, CS_SBOM_SPDX, &sample_subject, NULL);
	set(&cs_catalog_get(cat, 1)->version, "7.88.1-10+deb12u6");
	c = render(cat, CS_SBOM_SPDX, &sample_subject, NULL);
	ja = parse_json(a);
	jc = parse_json(c);
	assert_string_not_equal(json_string_value(json_object_get(ja, "documentNamespace")),
				json_string_value(json_object_get(jc, "documentNamespace")));
	json_decref(ja);
	json_decref(jc);
	free(a);
	free(c);
	cs_catalog_free(cat);
}

/* ids are unique within each document */
static void check_unique(json_t *arr, const char *key)
{
	size_t n = json_array_size(arr);

	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n; k++) {
			const char *a =
				json_string_value(json_object_get(json_array_get(arr, i), key));
			const char *b =
				json_string_value(json_object_get(json_array_get(arr, k), key));

			assert_non_null(a);
			if (b && !strcmp(a, b))
				fail_msg("duplicate %s '%s'", key, a);
		}
}

static void test_structure(void **state)
{
	struct cs_catalog *cat = sample_catalog();
	char *cdx = render(cat, CS_SBOM_CYCLONEDX, &sample_subject, NULL);
	char *spdx = render(cat, CS_SBOM_SPDX, &sample_subject, NULL);
	json_t *c = parse_json(cdx), *s = parse_json(spdx), *comps, *pkgs, *deps, *ex;
	const char *serial = json_string_value(json_object_get(c, "serialNumber"));
	size_t n = cs_catalog_count(cat);

	(void)state;
	/* CycloneDX: OS + one component per package, all in the image's dependsOn */
	comps = json_object_get(c, "components");
	assert_int_equal(json_array_size(comps), n + 1);
	check_unique(comps, "bom-ref");
	assert_string_equal(json_string_value(json_object_get(json_array_get(comps, 0), "type")),
			    "operating-system");
	deps = json_object_get(json_array_get(json_object_get(c, "dependencies"), 0), "dependsOn");
	assert_int_equal(json_array_size(deps), n + 1);
	/* urn:uuid: with version 5 and the RFC 4122 variant */
	assert_int_equal(strlen(serial), 9 + 36);
	assert_int_equal(serial[9 + 14], '5');
	assert_non_null(strchr("89ab", serial[9 + 19]));
	/* SPDX: image + OS + packages; every package CONTAINed; free texts extracted */
	pkgs = json_object_get(s, "packages");
	assert_int_equal(json_array_size(pkgs), n + 2);
	check_unique(pkgs, "SPDXID");
	assert_int_equal(json_array_size(json_object_get(s, "relationships")), n + 2);
	ex = json_object_get(s, "hasExtractedLicensingInfos");
	/* "MIT License", "GPL v2", "GPL/v2": the last two sanitise alike */
	assert_int_equal(json_array_size(ex), 3);
	check_unique(ex, "licenseId");
	for (size_t i = 0; i < json_array_size(pkgs); i++) {
		const char *id =
			json_string_value(json_object_get(json_array_get(pkgs, i), "SPDXID"));

		assert_non_null(id);
		assert_int_equal(strncmp(id, "SPDXRef-", 8), 0);
		assert_int_equal(strspn(id + 8,
					"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789.-"),
				 strlen(id + 8));
	}
	json_decref(c);
	json_decref(s);
	free(cdx);
	free(spdx);
	cs_catalog_free(cat);
}

/* --- round trips --- */

static bool eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

enum { RT_CDX = 1, RT_SPDX = 2 };

/* licences compare in their canonical form ("bsd-3-clause" is written "BSD-3-Clause") */
static bool same_licence(const char *a, const char *b)
{
	struct sbom_lic x, y;
	bool r;

	assert_int_equal(sbom_lic_classify(a, &x), 0);
	assert_int_equal(sbom_lic_classify(b, &y), 0);
	r = x.kind == y.kind && eq(x.text, y.text);
	free(x.text);
	free(y.text);
	return r;
}

static bool same_package(const struct cs_package *a, const struct cs_package *b, int how)
{
	if (a->type != b->type || !eq(a->name, b->name) || !eq(a->namespace, b->namespace) ||
	    !eq(a->version, b->version) || !eq(a->purl, b->purl) ||
	    !same_licence(a->license, b->license) || !eq(a->cpe, b->cpe) || !eq(a->arch, b->arch) ||
	    !eq(a->vendor, b->vendor))
		return false;
	/* OS packages carry their source in the purl's upstream qualifier */
	if ((how == RT_CDX || cs_pkg_type_is_os(a->type)) &&
	    (!eq(a->source_name, b->source_name) || !eq(a->source_version, b->source_version)))
		return false;
	if (how == RT_CDX) {
		if (!eq(a->path, b->path) || a->layer != b->layer ||
		    a->introduced != b->introduced || a->n_meta != b->n_meta)
			return false;
		for (size_t i = 0; i < a->n_meta; i++)
			if (!eq(cs_package_meta(b, a->meta[i].key), a->meta[i].value))
				return false;
	}
	return true;
}

static void round_trip(enum cs_sbom_format fmt, int how)
{
	struct cs_catalog *cat = sample_catalog(), *back = NULL;
	struct cs_error err = CS_ERROR_INIT;
	enum cs_sbom_format got_fmt;
	size_t len, n = cs_catalog_count(cat);
	char *doc = render(cat, fmt, &sample_subject, &len);
	bool *used;

	if (cs_sbom_read(doc, len, &back, &got_fmt, &err) < 0)
		fail_msg("cs_sbom_read: %s", err.msg);
	assert_int_equal(got_fmt, fmt);
	assert_int_equal(cs_catalog_count(back), n);
	assert_string_equal(cs_catalog_os(back)->id, "debian");
	assert_string_equal(cs_catalog_os(back)->version_id, "12");
	assert_int_equal(cs_catalog_warning_count(back), 0);
	used = calloc(n, sizeof(*used));
	assert_non_null(used);
	for (size_t i = 0; i < n; i++) {
		const struct cs_package *a = cs_catalog_get(cat, i);
		bool found = false;

		for (size_t k = 0; k < n && !found; k++)
			if (!used[k] && same_package(a, cs_catalog_get(back, k), how))
				used[k] = found = true;
		if (!found)
			fail_msg("%s %s did not survive the round trip", a->name, a->version);
	}
	free(used);
	free(doc);
	cs_catalog_free(back);
	cs_catalog_free(cat);
}

static void test_round_trip_cyclonedx(void **state)
{
	(void)state;
	round_trip(CS_SBOM_CYCLONEDX, RT_CDX);
}

static void test_round_trip_spdx(void **state)
{
	(void)state;
	round_trip(CS_SBOM_SPDX, RT_SPDX);
}

/* --- reading documents written by other tools --- */

static struct cs_catalog *read_ok(const char *doc, enum cs_sbom_format want)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_catalog *cat = NULL;
	enum cs_sbom_format fmt;

	if (cs_sbom_read(doc, strlen(doc), &cat, &fmt, &err) < 0)
		fail_msg("cs_sbom_read: %s", err.msg);
	assert_int_equal(fmt, want);
	return cat;
}

static const struct cs_package *find(struct cs_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		if (!strcmp(cs_catalog_get(cat, i)->name, name))
			return cs_catalog_get(cat, i);
	fail_msg("no package '%s'", name);
	return NULL;
}

static void test_read_cyclonedx_foreign(void **state)
{
	/* the shape syft and trivy write: nested components, scope as group, no OS component */
	static const char doc[] =
		"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\"version\":1,"
		"\"metadata\":{\"component\":{\"type\":\"container\",\"name\":\"x\"}},"
		"\"components\":["
		" {\"type\":\"library\",\"name\":\"busybox\",\"version\":\"1.36.1-r29\","
		"  \"purl\":\"pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&upstream=busybox&"
		"distro=alpine-3.20.3\","
		"  \"licenses\":[{\"license\":{\"id\":\"GPL-2.0-only\"}}],"
		"  \"components\":[{\"type\":\"library\",\"name\":\"core\",\"group\":\"@babel\","
		"    \"version\":\"7.23.0\",\"purl\":\"pkg:npm/%40babel/core@7.23.0\","
		"    \"licenses\":[{\"license\":{\"name\":\"MIT License\"}},"
		"                  {\"expression\":\"Apache-2.0 OR MIT\"}]}]},"
		" {\"type\":\"library\",\"name\":\"ssl_client\","
		"  \"purl\":\"pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&upstream=busybox\"},"
		" {\"type\":\"library\",\"name\":\"bash\","
		"  \"purl\":\"pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&epoch=1\"},"
		" {\"type\":\"library\",\"name\":\"x\",\"purl\":\"pkg:generic/x@1\"},"
		" {\"type\":\"library\",\"name\":\"nopurl\"},"
		" {\"type\":\"file\",\"name\":\"/etc/passwd\"},"
		" {\"type\":\"library\",\"name\":\"bad\",\"purl\":\"pkg:npm/a%zz@1\"}"
		"]}";
	struct cs_catalog *cat;
	const struct cs_package *p;

	(void)state;
	cat = read_ok(doc, CS_SBOM_CYCLONEDX);
	assert_int_equal(cs_catalog_count(cat), 4);
	/* the OS from the distro qualifier */
	assert_string_equal(cs_catalog_os(cat)->id, "alpine");
	assert_string_equal(cs_catalog_os(cat)->version_id, "3.20.3");
	p = find(cat, "busybox");
	assert_int_equal(p->type, CS_PKG_APK);
	assert_string_equal(p->arch, "x86_64");
	assert_null(p->source_name); /* upstream = itself */
	assert_string_equal(p->license, "GPL-2.0-only");
	assert_string_equal(p->purl, "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&upstream="
				     "busybox&distro=alpine-3.20.3"); /* kept as given */
	p = find(cat, "ssl_client");
	assert_string_equal(p->source_name, "busybox");
	assert_string_equal(p->version, "1.36.1-r29"); /* from the purl */
	p = find(cat, "@babel/core");
	assert_int_equal(p->type, CS_PKG_NPM);
	assert_string_equal(p->license, "(MIT License) AND (Apache-2.0 OR MIT)");
	p = find(cat, "bash");
	assert_int_equal(p->type, CS_PKG_RPM);
	assert_string_equal(p->version, "1:5.1.8-6.el9"); /* the epoch qualifier */
	/* pkg:generic is not supported; the bad purl and the purl-less library are reported */
	assert_int_equal(cs_catalog_warning_count(cat), 3);
	assert_non_null(strstr(cs_catalog_warning(cat, 0), "'pkg:generic/x@1'"));
	assert_non_null(strstr(cs_catalog_warning(cat, 1), "invalid purl"));
	assert_non_null(strstr(cs_catalog_warning(cat, 2), "1 packages without a purl"));
	cs_catalog_free(cat);
}

static void test_read_cyclonedx_os_component(void **state)
{
	static const char doc[] =
		"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":["
		" {\"type\":\"library\",\"name\":\"curl\",\"version\":\"7.88.1-10+deb12u5\","
		"  \"purl\":\"pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-11\","
		"  \"properties\":[{\"name\":\"customs:location:0:path\","
		"   \"value\":\"/var/lib//dpkg/./status\"}]},"
		" {\"type\":\"library\",\"name\":\"evil\",\"purl\":\"pkg:deb/debian/evil@1\","
		"  \"properties\":[{\"name\":\"customs:location:0:path\","
		"   \"value\":\"../../etc/passwd\"}]},"
		" {\"type\":\"operating-system\",\"name\":\"debian\",\"version\":\"12\"}]}";
	struct cs_catalog *cat;

	(void)state;
	cat = read_ok(doc, CS_SBOM_CYCLONEDX);
	/* the OS component wins over a purl's distro, wherever it comes */
	assert_string_equal(cs_catalog_os(cat)->id, "debian");
	assert_string_equal(cs_catalog_os(cat)->version_id, "12");
	assert_string_equal(cs_catalog_get(cat, 0)->version, "7.88.1-10+deb12u5");
	/* recorded paths are cleaned; one that climbs out of the root is dropped */
	assert_string_equal(cs_catalog_get(cat, 0)->path, "var/lib/dpkg/status");
	assert_null(cs_catalog_get(cat, 1)->path);
	cs_catalog_free(cat);
}

static void test_read_spdx_foreign(void **state)
{
	/* SPDX 2.2 with the older PACKAGE_MANAGER category and a LicenseRef */
	static const char doc[] =
		"{\"spdxVersion\":\"SPDX-2.2\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"packages\":["
		" {\"SPDXID\":\"SPDXRef-a\",\"name\":\"requests\",\"versionInfo\":\"2.31.0\","
		"  \"supplier\":\"Person: Kenneth Reitz (me@kennethreitz.org)\","
		"  \"licenseDeclared\":\"LicenseRef-Apache-2\","
		"  \"externalRefs\":[{\"referenceCategory\":\"PACKAGE_MANAGER\","
		"   \"referenceType\":\"purl\",\"referenceLocator\":\"pkg:pypi/requests@2.31.0\"},"
		"   {\"referenceCategory\":\"SECURITY\",\"referenceType\":\"cpe23Type\","
		"    \"referenceLocator\":\"cpe:2.3:a:python:requests:2.31.0:*:*:*:*:*:*:*\"}]},"
		" {\"SPDXID\":\"SPDXRef-b\",\"name\":\"commons-io\",\"versionInfo\":\"2.11.0\","
		"  \"licenseDeclared\":\"NOASSERTION\","
		"  \"externalRefs\":[{\"referenceCategory\":\"PACKAGE-MANAGER\","
		"   \"referenceType\":\"purl\","
		"   \"referenceLocator\":\"pkg:maven/commons-io/commons-io@2.11.0\"}]},"
		" {\"SPDXID\":\"SPDXRef-c\",\"name\":\"github.com/a/b\",\"versionInfo\":\"v1.0.0\","
		"  \"licenseDeclared\":\"MIT AND BSD-3-Clause\",\"externalRefs\":[{"
		"   \"referenceCategory\":\"PACKAGE-MANAGER\",\"referenceType\":\"purl\","
		"   \"referenceLocator\":\"pkg:golang/github.com/a/b@v1.0.0\"}]},"
		" {\"SPDXID\":\"SPDXRef-os\",\"name\":\"ubuntu\",\"versionInfo\":\"22.04\","
		"  \"primaryPackagePurpose\":\"OPERATING-SYSTEM\"},"
		" {\"SPDXID\":\"SPDXRef-img\",\"name\":\"img\",\"primaryPackagePurpose\":\"CONTAINER\"}"
		"],\"hasExtractedLicensingInfos\":[{\"licenseId\":\"LicenseRef-Apache-2\","
		" \"name\":\"Apache 2\",\"extractedText\":\"Apache 2\"}]}";
	struct cs_catalog *cat;
	const struct cs_package *p;

	(void)state;
	cat = read_ok(doc, CS_SBOM_SPDX);
	assert_int_equal(cs_catalog_count(cat), 3);
	assert_string_equal(cs_catalog_os(cat)->id, "ubuntu");
	assert_string_equal(cs_catalog_os(cat)->version_id, "22.04");
	p = find(cat, "requests");
	assert_int_equal(p->type, CS_PKG_PYPI);
	assert_string_equal(p->license, "Apache 2");
	assert_string_equal(p->vendor, "Kenneth Reitz (me@kennethreitz.org)");
	assert_string_equal(p->cpe, "cpe:2.3:a:python:requests:2.31.0:*:*:*:*:*:*:*");
	p = find(cat, "commons-io");
	assert_int_equal(p->type, CS_PKG_MAVEN);
	assert_string_equal(p->namespace, "commons-io");
	assert_null(p->license);
	p = find(cat, "github.com/a/b");
	assert_int_equal(p->type, CS_PKG_GOLANG);
	assert_string_equal(p->license, "MIT AND BSD-3-Clause");
	assert_int_equal(cs_catalog_warning_count(cat), 0);
	cs_catalog_free(cat);
}

static void test_read_errors(void **state)
{
	static const struct {
		const char *doc;
		int code;
	} bad[] = {
		{ "", -CS_E_INPUT },
		{ "not json", -CS_E_INPUT },
		{ "[1,2]", -CS_E_INPUT },
		{ "{\"hello\":1}", -CS_E_INPUT },
		{ "{\"a\":1,\"a\":2}", -CS_E_INPUT },
		{ "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"2.0\"}", -CS_E_UNSUPPORTED },
		{ "{\"bomFormat\":\"CycloneDX\"}", -CS_E_UNSUPPORTED },
		{ "{\"spdxVersion\":\"SPDX-3.0\"}", -CS_E_UNSUPPORTED },
	};
	char deep[4096];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_error err = CS_ERROR_INIT;
		struct cs_catalog *cat = NULL;

		assert_int_equal(cs_sbom_read(bad[i].doc, strlen(bad[i].doc), &cat, NULL, &err),
				 bad[i].code);
		assert_null(cat);
		assert_true(err.msg[0] != '\0');
	}
	/* nesting is refused before jansson recurses */
	n += (size_t)snprintf(deep, sizeof(deep), "{\"bomFormat\":\"CycloneDX\",\"x\":");
	for (int i = 0; i < 1000; i++)
		deep[n++] = '[';
	{
		struct cs_error err = CS_ERROR_INIT;
		struct cs_catalog *cat = NULL;

		assert_int_equal(cs_sbom_read(deep, n, &cat, NULL, &err), -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "nested"));
	}
}

static void test_read_nested_components_capped(void **state)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_catalog *cat = NULL;

	(void)state;
	assert_int_equal(cs_buf_puts(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\","
					 "\"components\":"),
			 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(cs_buf_printf(&b,
					       "[{\"type\":\"library\",\"name\":\"p%d\","
					       "\"purl\":\"pkg:npm/p%d@1\",\"components\":",
					       i, i),
				 0);
	assert_int_equal(cs_buf_puts(&b, "[]"), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(cs_buf_puts(&b, "}]"), 0);
	assert_int_equal(cs_buf_puts(&b, "}"), 0);
	assert_int_equal(cs_sbom_read(b.data, b.len, &cat, NULL, &err), 0);
	assert_int_equal(cs_catalog_count(cat), 16);
	assert_int_equal(cs_catalog_warning_count(cat), 1);
	assert_non_null(strstr(cs_catalog_warning(cat, 0), "nested"));
	cs_catalog_free(cat);
	cs_buf_done(&b);
}

/* --- licences --- */

static void assert_str_or_null_(const char *got, const char *want)
{
	if ((!got && !want) || (got && want && !strcmp(got, want)))
		return;
	fail_msg("got '%s', want '%s'", got ? got : "(null)", want ? want : "(null)");
}

static void lic(const char *in, enum sbom_lic_kind kind, const char *out)
{
	struct sbom_lic l;

	assert_int_equal(sbom_lic_classify(in, &l), 0);
	if (l.kind != kind)
		fail_msg("'%s': kind %d, want %d", in, l.kind, kind);
	assert_str_or_null_(l.text, out);
	free(l.text);
}

static void test_licences(void **state)
{
	(void)state;
	/* SPDX 2.3 annex D grammar; ids of the licence list matched without case */
	lic(NULL, SBOM_LIC_NONE, NULL);
	lic("", SBOM_LIC_NONE, NULL);
	lic("NOASSERTION", SBOM_LIC_NONE, NULL);
	lic("MIT", SBOM_LIC_ID, "MIT");
	lic("mit", SBOM_LIC_ID, "MIT");
	lic("apache-2.0 ", SBOM_LIC_ID, "Apache-2.0");
	lic("MIT OR Apache-2.0", SBOM_LIC_EXPR, "MIT OR Apache-2.0");
	lic("mit or apache-2.0", SBOM_LIC_EXPR, "MIT OR Apache-2.0");
	lic("(MIT OR Apache-2.0)  AND BSD-3-Clause", SBOM_LIC_EXPR,
	    "(MIT OR Apache-2.0) AND BSD-3-Clause");
	lic("GPL-2.0-or-later WITH Classpath-exception-2.0", SBOM_LIC_EXPR,
	    "GPL-2.0-or-later WITH Classpath-exception-2.0");
	lic("LGPL-2.1-only+", SBOM_LIC_EXPR, "LGPL-2.1-only+");
	lic("LicenseRef-Proprietary", SBOM_LIC_EXPR, "LicenseRef-Proprietary");
	lic("DocumentRef-x:LicenseRef-y", SBOM_LIC_EXPR, "DocumentRef-x:LicenseRef-y");
	/* not expressions */
	lic("MIT License", SBOM_LIC_TEXT, "MIT License");
	lic("MIT AND", SBOM_LIC_TEXT, "MIT AND");
	lic("(MIT", SBOM_LIC_TEXT, "(MIT");
	lic("MIT)", SBOM_LIC_TEXT, "MIT)");
	lic("MIT And Apache-2.0", SBOM_LIC_TEXT, "MIT And Apache-2.0");
	lic("GPL-2.0 WITH Not-An-Exception", SBOM_LIC_TEXT, "GPL-2.0 WITH Not-An-Exception");
	lic("LicenseRef-a_b", SBOM_LIC_TEXT, "LicenseRef-a_b");
	lic("GPLv2+", SBOM_LIC_TEXT, "GPLv2+");
	lic("((((((((((((((((((((MIT))))))))))))))))))))", SBOM_LIC_TEXT,
	    "((((((((((((((((((((MIT))))))))))))))))))))");
}

/* For the e2e check: one component per licence id known here. */
static void test_licence_table_document(void **state)
{
	const char *out = getenv("CUSTOMS_SBOM_OUT");
	struct cs_catalog *cat = NULL;
	size_t len, n = 0;
	char *doc;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	for (const char *const *id = sbom_spdx_license_ids; *id; id++, n++) {
		char name[32];
		struct cs_package *p;

		snprintf(name, sizeof(name), "lic%zu", n);
		p = add(cat, CS_PKG_NPM, name, "1.0.0");
		set(&p->license, *id);
		assert_int_equal(cs_purl_for_package(p, NULL, &p->purl), 0);
		/* each id of the table is an id, never free text */
		assert_ptr_equal(sbom_spdx_license_id(*id), *id);
	}
	assert_true(n > 50);
	doc = render(cat, CS_SBOM_CYCLONEDX, &sample_subject, &len);
	if (out && out[0])
		write_file(out, "licenses.cdx.json", doc, len);
	free(doc);
	cs_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_cyclonedx),
		cmocka_unit_test(test_golden_spdx),
		cmocka_unit_test(test_golden_native),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_round_trip_cyclonedx),
		cmocka_unit_test(test_round_trip_spdx),
		cmocka_unit_test(test_read_cyclonedx_foreign),
		cmocka_unit_test(test_read_cyclonedx_os_component),
		cmocka_unit_test(test_read_spdx_foreign),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_read_nested_components_capped),
		cmocka_unit_test(test_licences),
		cmocka_unit_test(test_licence_table_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
