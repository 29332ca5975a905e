/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Package URLs. Expected values come from the purl specification, not from
 * this code:
 *  - [spec-types]  purl-spec types/<type>-definition.json examples and
 *                  tests/types/<type>-test.json (deb, npm, pypi, rpm, apk,
 *                  composer, cargo) of the ECMA-427 era spec;
 *  - [spec-enc]    the spec's character-encoding rules: only A-Z a-z 0-9
 *                  . - _ ~ and ':' stay unencoded ("+" is %2B);
 *  - [suite]       the purl test suite as shipped by the npm package
 *                  packageurl-js 1.2.1 (test/data/test-suite-data.json),
 *                  read at run time from tests/sbom-validate/node_modules
 *                  (installed by tests/sbom-validate/setup.sh) or from
 *                  $CUSTOMS_PURL_SUITE. When CUSTOMS_PURL_SUITE is set the
 *                  file must exist; otherwise the case is skipped.
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

static struct cs_purl *parse_ok(const char *s)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_purl *p = NULL;
	int r = cs_purl_parse(s, &p, &err);

	if (r < 0)
		fail_msg("'%s' did not parse: %s", s, err.msg);
	return p;
}

static void assert_str_or_null(const char *got, const char *want, const char *what)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want))
		fail_msg("%s: got '%s', want '%s'", what, got ? got : "(null)",
			 want ? want : "(null)");
}

/* parse, check the components, and check the canonical form */
static void check(const char *in, const char *type, const char *ns, const char *name,
		  const char *version, const char *quals, const char *subpath,
		  const char *canonical)
{
	struct cs_purl *p = parse_ok(in);
	struct cs_buf q = CS_BUF_INIT(4096);
	char *s;

	assert_str_or_null(p->type, type, "type");
	assert_str_or_null(p->namespace, ns, "namespace");
	assert_str_or_null(p->name, name, "name");
	assert_str_or_null(p->version, version, "version");
	assert_str_or_null(p->subpath, subpath, "subpath");
	for (size_t i = 0; i < p->n_qualifiers; i++)
		assert_int_equal(cs_buf_printf(&q, "%s%s=%s", i ? "&" : "", p->qualifiers[i].key,
					       p->qualifiers[i].value),
				 0);
	assert_str_or_null(q.len ? q.data : NULL, quals, "qualifiers");
	cs_buf_done(&q);
	s = cs_purl_format(p);
	assert_non_null(s);
	assert_str_or_null(s, canonical, "canonical");
	free(s);
	cs_purl_free(p);
	/* the canonical form parses to itself */
	p = parse_ok(canonical);
	s = cs_purl_format(p);
	assert_str_or_null(s, canonical, "canonical of canonical");
	free(s);
	cs_purl_free(p);
}

static void test_parse_spec_examples(void **state)
{
	(void)state;
	/* [spec-types] deb-test.json */
	check("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", "deb", "debian", "curl",
	      "7.50.3-1", "arch=i386&distro=jessie", NULL,
	      "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie");
	check("pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64", "deb", "debian", "attr",
	      "1:2.4.47-2+b1", "arch=amd64", NULL,
	      "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");
	/* [spec-enc] an unencoded '+' is accepted and written as %2B */
	check("pkg:deb/debian/attr@1:2.4.47-2+b1?arch=amd64", "deb", "debian", "attr",
	      "1:2.4.47-2+b1", "arch=amd64", NULL,
	      "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");
	/* [spec-types] npm-definition.json examples */
	check("pkg:npm/%40angular/animation@12.3.1", "npm", "@angular", "animation", "12.3.1", NULL,
	      NULL, "pkg:npm/%40angular/animation@12.3.1");
	check("pkg:npm/mypackage@12.4.5?vcs_url=git://host.com/path/to/repo.git%404345abcd34343",
	      "npm", NULL, "mypackage", "12.4.5",
	      "vcs_url=git://host.com/path/to/repo.git@4345abcd34343", NULL,
	      "pkg:npm/mypackage@12.4.5?vcs_url=git://host.com/path/to/repo.git%404345abcd34343");
	/* [spec-types] pypi: PEP 503 normalisation (runs of -_. become '-', lowercase) */
	check("pkg:PYPI/Django_package@1.11.1.dev1", "pypi", NULL, "django-package", "1.11.1.dev1",
	      NULL, NULL, "pkg:pypi/django-package@1.11.1.dev1");
	check("pkg:pypi/Zope.Interface@6.0", "pypi", NULL, "zope-interface", "6.0", NULL, NULL,
	      "pkg:pypi/zope-interface@6.0");
	/* [spec-types] rpm example: keys lowercased, qualifiers sorted */
	check("pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25", "rpm", "fedora",
	      "curl", "7.50.3-1.fc25", "arch=i386&distro=fedora-25", NULL,
	      "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
	check("pkg:rpm/centerim@4.22.10-1.el6?arch=i686&epoch=1&distro=fedora-25", "rpm", NULL,
	      "centerim", "4.22.10-1.el6", "arch=i686&distro=fedora-25&epoch=1", NULL,
	      "pkg:rpm/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1");
	/* [spec-types] golang: no case folding; subpath slashes trimmed */
	check("pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/",
	      "golang", "google.golang.org", "genproto", "abcdedf", NULL,
	      "googleapis/api/annotations",
	      "pkg:golang/google.golang.org/genproto@abcdedf#googleapis/api/annotations");
	check("pkg:golang/github.com/Azure/Go-AutoRest@v14.2.0", "golang", "github.com/Azure",
	      "Go-AutoRest", "v14.2.0", NULL, NULL,
	      "pkg:golang/github.com/Azure/Go-AutoRest@v14.2.0");
	/* [spec-types] github/bitbucket lowercase namespace and name */
	check("pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c", "github", "package-url",
	      "purl-spec", "244fd47e07d1004f0aed9c", NULL, NULL,
	      "pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c");
	/* [spec-types] composer lowercases; nuget keeps case */
	check("pkg:composer/Laravel/Laravel@5.5.0", "composer", "laravel", "laravel", "5.5.0", NULL,
	      NULL, "pkg:composer/laravel/laravel@5.5.0");
	check("pkg:Nuget/EnterpriseLibrary.Common@6.0.1304", "nuget", NULL,
	      "EnterpriseLibrary.Common", "6.0.1304", NULL, NULL,
	      "pkg:nuget/EnterpriseLibrary.Common@6.0.1304");
	/* [spec] leading slashes after the scheme are ignored; empty values dropped */
	check("pkg:///maven/org.apache.commons/io?classifier=&type=jar", "maven",
	      "org.apache.commons", "io", NULL, "type=jar", NULL,
	      "pkg:maven/org.apache.commons/io?type=jar");
	/* [spec-enc] space, '@', '?', '#' are encoded wherever they appear */
	check("pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value", "maven", "mygroup",
	      "myartifact", "1.0.0 Final", "mykey=my value", NULL,
	      "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value");
	check("pkg:npm/%40foo%40%3F%23/bar@1.0.0", "npm", "@foo@?#", "bar", "1.0.0", NULL, NULL,
	      "pkg:npm/%40foo%40%3F%23/bar@1.0.0");
	/* [spec] subpath: '.', '..' and empty segments are dropped */
	check("pkg:generic/x@1#a/./b/../c//", "generic", NULL, "x", "1", NULL, "a/b/c",
	      "pkg:generic/x@1#a/b/c");
	/* an unencoded npm scope is tolerated and written encoded */
	check("pkg:npm/@babel/core", "npm", "@babel", "core", NULL, NULL, NULL,
	      "pkg:npm/%40babel/core");
}

static void test_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"pkg:",
		"EnterpriseLibrary.Common@6.0.1304",		 /* no scheme [suite] */
		"pkg:EnterpriseLibrary.Common@6.0.1304",	 /* no type [suite] */
		"pkg:maven/@1.3.4",				 /* no name [suite] */
		"pkg:npm/myartifact@1.0.0?in%20production=true", /* key encoded [suite] */
		"pkg:maven/org.apache.commons/io@1.4.0-$@",	 /* empty version [suite] */
		"pkg:1type/name",				 /* type starts with a digit */
		"pkg:ty%70e/name",				 /* type is never encoded */
		"pkg:a/b?x=1&X=2",				 /* duplicate key */
		"pkg:a/b?1x=1",					 /* key starts with a digit */
		"pkg:a/b?novalue",				 /* no '=' */
		"pkg:a/b%zz",					 /* bad escape */
		"pkg:a/b%4",					 /* truncated escape */
		"pkg:a/b%00c",					 /* NUL */
		"pkg:a/ns%2Fx/b", /* '/' inside a namespace segment */
		"pkg:a/b#x%2Fy",  /* '/' inside a subpath segment */
		"http://a/b",
	};
	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		struct cs_error err = CS_ERROR_INIT;
		struct cs_purl *p = NULL;

		if (cs_purl_parse(bad[i], &p, &err) >= 0)
			fail_msg("'%s' parsed", bad[i]);
		assert_int_equal(err.code, -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "purl"));
		assert_null(p);
	}
}

static void test_long_input(void **state)
{
	size_t n = 200 * 1024;
	char *s = malloc(n + 1);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_purl *p = NULL;

	(void)state;
	assert_non_null(s);
	memcpy(s, "pkg:a/", 6);
	memset(s + 6, 'x', n - 6);
	s[n] = '\0';
	assert_int_equal(cs_purl_parse(s, &p, &err), -CS_E_INPUT);
	free(s);
}

static void test_qualifier_lookup(void **state)
{
	struct cs_purl *p = parse_ok("pkg:deb/debian/x@1?distro=debian-12&ARCH=amd64");

	(void)state;
	assert_string_equal(cs_purl_qualifier(p, "arch"), "amd64");
	assert_string_equal(cs_purl_qualifier(p, "distro"), "debian-12");
	assert_null(cs_purl_qualifier(p, "epoch"));
	/* sorted by key */
	assert_string_equal(p->qualifiers[0].key, "arch");
	cs_purl_free(p);
}

static void test_build(void **state)
{
	/* [spec] build: keys lowercased and sorted, empty values dropped */
	struct cs_kv q[] = {
		{ "Repository_URL", "repo.spring.io/release" },
		{ "classifier", "sources" },
		{ "empty", "" },
	};
	struct cs_purl p = {
		.type = "Maven",
		.namespace = "/org.apache.xmlgraphics/",
		.name = "batik-anim",
		.version = "1.9.1",
		.qualifiers = q,
		.n_qualifiers = 3,
		.subpath = "./",
	};
	char *s = cs_purl_format(&p);

	(void)state;
	assert_string_equal(s, "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1"
			       "?classifier=sources&repository_url=repo.spring.io/release");
	free(s);
}

/* --- the purl of a package --- */

static struct cs_package *pkg(enum cs_pkg_type t, const char *ns, const char *name,
			      const char *version, const char *arch)
{
	struct cs_package *p = cs_package_new(t);

	assert_non_null(p);
	if (ns)
		p->namespace = cs_strdup(ns);
	p->name = cs_strdup(name);
	if (version)
		p->version = cs_strdup(version);
	if (arch)
		p->arch = cs_strdup(arch);
	return p;
}

static void expect_purl(struct cs_package *p, const struct cs_os_release *os, const char *want)
{
	char *s = NULL;

	assert_int_equal(cs_purl_for_package(p, os, &s), 0);
	assert_str_or_null(s, want, p->name);
	free(s);
	cs_package_free(p);
}

static void test_for_package(void **state)
{
	struct cs_os_release debian = { .id = "debian", .version_id = "12" };
	struct cs_os_release ubuntu = { .id = "ubuntu" };
	struct cs_os_release alpine = { .id = "alpine", .version_id = "3.20.3" };
	struct cs_os_release fedora = { .id = "fedora", .version_id = "25" };
	struct cs_os_release rocky = { .id = "rocky",
				       .id_like = "rhel centos fedora",
				       .version_id = "9.3" };
	struct cs_package *p;

	(void)state;
	/* [spec-types] deb-definition example, built from a package */
	expect_purl(pkg(CS_PKG_DEB, NULL, "dpkg", "1.19.0.4", "amd64"), &ubuntu,
		    "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64");
	/* [spec-enc] + encoded; distro = id-version_id */
	expect_purl(pkg(CS_PKG_DEB, NULL, "curl", "7.88.1-10+deb12u5", "amd64"), &debian,
		    "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12");
	/* no OS: the family's default vendor, no distro */
	expect_purl(pkg(CS_PKG_DEB, NULL, "attr", "1:2.4.47-2", "source"), NULL,
		    "pkg:deb/debian/attr@1:2.4.47-2?arch=source");
	/* an OS of another family is not used */
	expect_purl(pkg(CS_PKG_DEB, NULL, "attr", "1:2.4.47-2", "source"), &alpine,
		    "pkg:deb/debian/attr@1:2.4.47-2?arch=source");
	/* the source package as syft writes it: upstream=<source>[@<version>] */
	p = pkg(CS_PKG_DEB, NULL, "libc6", "2.36-9+deb12u4", "amd64");
	p->source_name = cs_strdup("glibc");
	expect_purl(
		p, &debian,
		"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc");
	p = pkg(CS_PKG_DEB, NULL, "libgcc-s1", "12.2.0-14", "amd64");
	p->source_name = cs_strdup("gcc-12");
	p->source_version = cs_strdup("12.2.0-14+b1");
	expect_purl(p, &debian,
		    "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12"
		    "&upstream=gcc-12%4012.2.0-14%2Bb1");
	/* [spec-types] apk-definition example (no OS known) and with an Alpine release */
	expect_purl(pkg(CS_PKG_APK, NULL, "curl", "7.83.0-r0", "x86"), NULL,
		    "pkg:apk/alpine/curl@7.83.0-r0?arch=x86");
	expect_purl(pkg(CS_PKG_APK, NULL, "busybox", "1.36.1-r29", "x86_64"), &alpine,
		    "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3");
	/* [spec-types] rpm-definition example; the epoch goes to a qualifier */
	expect_purl(pkg(CS_PKG_RPM, NULL, "curl", "7.50.3-1.fc25", "i386"), &fedora,
		    "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
	expect_purl(pkg(CS_PKG_RPM, NULL, "centerim", "1:4.22.10-1.el6", "i686"), &fedora,
		    "pkg:rpm/fedora/centerim@4.22.10-1.el6?arch=i686&distro=fedora-25&epoch=1");
	/* rpm family through ID_LIKE */
	expect_purl(pkg(CS_PKG_RPM, NULL, "bash", "5.1.8-6.el9", "x86_64"), &rocky,
		    "pkg:rpm/rocky/bash@5.1.8-6.el9?arch=x86_64&distro=rocky-9.3");
	/* language packages: [spec-types] examples / [suite] vectors */
	expect_purl(pkg(CS_PKG_NPM, NULL, "@angular/animation", "12.3.1", NULL), &debian,
		    "pkg:npm/%40angular/animation@12.3.1");
	expect_purl(pkg(CS_PKG_NPM, NULL, "foobar", "12.3.1", NULL), NULL, "pkg:npm/foobar@12.3.1");
	expect_purl(pkg(CS_PKG_MAVEN, "org.apache.commons", "io", "1.3.4", NULL), NULL,
		    "pkg:maven/org.apache.commons/io@1.3.4");
	expect_purl(pkg(CS_PKG_GOLANG, NULL, "github.com/etcd-io/etcd", "v2.4.0", NULL), NULL,
		    "pkg:golang/github.com/etcd-io/etcd@v2.4.0");
	expect_purl(pkg(CS_PKG_GOLANG, NULL, "github.com/cncf/xds/go",
			"v0.0.0-20210922020428-25de7278fc84", NULL),
		    NULL, "pkg:golang/github.com/cncf/xds/go@v0.0.0-20210922020428-25de7278fc84");
	expect_purl(pkg(CS_PKG_GOLANG, NULL, "stdlib", "go1.21.4", NULL), NULL,
		    "pkg:golang/stdlib@1.21.4");
	expect_purl(pkg(CS_PKG_PYPI, NULL, "Django_package", "1.11.1.dev1", NULL), NULL,
		    "pkg:pypi/django-package@1.11.1.dev1");
	expect_purl(pkg(CS_PKG_CARGO, NULL, "rand", "0.7.2", NULL), NULL, "pkg:cargo/rand@0.7.2");
	expect_purl(pkg(CS_PKG_GEM, NULL, "ruby-advisory-db-check", "0.12.4", NULL), NULL,
		    "pkg:gem/ruby-advisory-db-check@0.12.4");
	expect_purl(pkg(CS_PKG_COMPOSER, NULL, "laravel/laravel", "5.5.0", NULL), NULL,
		    "pkg:composer/laravel/laravel@5.5.0");
	expect_purl(pkg(CS_PKG_NUGET, NULL, "EnterpriseLibrary.Common", "6.0.1304", NULL), NULL,
		    "pkg:nuget/EnterpriseLibrary.Common@6.0.1304");
	/* no name: no purl, no failure */
	p = cs_package_new(CS_PKG_NPM);
	{
		char *s = (char *)"untouched";

		assert_int_equal(cs_purl_for_package(p, NULL, &s), 0);
		assert_null(s);
	}
	cs_package_free(p);
}

/* --- the packageurl-js test suite --- */

/*
 * Vectors where packageurl-js 1.x disagrees with the current purl spec, and
 * what the spec says instead.
 */
static const struct {
	const char *purl;
	const char *canonical; /* NULL: the vector is not checked */
	const char *why;
} deviations[] = {
	{ "pkg:deb/debian/libssl1.1@1.1.1n-0+deb10u3?arch=amd64&distro=debian-10",
	  "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb10u3?arch=amd64&distro=debian-10",
	  "'+' is not in the spec's permitted characters and is encoded (deb-test.json: %2Bb1)" },
	{ "pkg:pub/flutter--downloader@1.0.0", NULL,
	  "pub name validation is a packageurl-js rule, not a parsing rule" },
};

static json_t *load_suite(void)
{
	const char *env = getenv("CUSTOMS_PURL_SUITE"), *src = getenv("CUSTOMS_SRC");
	char path[4096];
	json_error_t je;
	json_t *root;

	if (env && env[0]) {
		snprintf(path, sizeof(path), "%s", env);
	} else {
		snprintf(path, sizeof(path),
			 "%s/tests/sbom-validate/node_modules/packageurl-js-suite/test/data/"
			 "test-suite-data.json",
			 src ? src : ".");
		if (access(path, R_OK) != 0)
			return NULL;
	}
	root = json_load_file(path, 0, &je);
	if (!root)
		fail_msg("cannot load the purl test suite '%s': %s", path, je.text);
	return root;
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void test_suite(void **state)
{
	json_t *root = load_suite(), *t;
	size_t i, checked = 0;

	(void)state;
	if (!root) {
		print_message("purl test suite not installed (tests/sbom-validate/setup.sh)\n");
		skip();
	}
	assert_true(json_is_array(root));
	json_array_foreach (root, i, t) {
		const char *purl = jstr(t, "purl"), *canonical = jstr(t, "canonical_purl");
		const char *desc = jstr(t, "description");
		bool invalid = json_is_true(json_object_get(t, "is_invalid"));
		struct cs_error err = CS_ERROR_INIT;
		struct cs_purl *p = NULL;
		bool skip_case = false;
		json_t *q;
		char *s;

		assert_non_null(purl);
		for (size_t d = 0; d < CS_ARRAY_SIZE(deviations); d++)
			if (!strcmp(purl, deviations[d].purl)) {
				print_message("deviation: %s: %s\n", purl, deviations[d].why);
				canonical = deviations[d].canonical;
				skip_case = !canonical;
			}
		if (skip_case)
			continue;
		checked++;
		if (invalid) {
			if (cs_purl_parse(purl, &p, &err) >= 0)
				fail_msg("%s: '%s' should be invalid", desc, purl);
			continue;
		}
		if (cs_purl_parse(purl, &p, &err) < 0)
			fail_msg("%s: %s", desc, err.msg);
		assert_str_or_null(p->type, jstr(t, "type"), desc);
		assert_str_or_null(p->namespace, jstr(t, "namespace"), desc);
		assert_str_or_null(p->name, jstr(t, "name"), desc);
		assert_str_or_null(p->version, jstr(t, "version"), desc);
		assert_str_or_null(p->subpath, jstr(t, "subpath"), desc);
		q = json_object_get(t, "qualifiers");
		assert_int_equal(p->n_qualifiers, json_is_object(q) ? json_object_size(q) : 0);
		for (size_t k = 0; k < p->n_qualifiers; k++)
			assert_str_or_null(p->qualifiers[k].value, jstr(q, p->qualifiers[k].key),
					   desc);
		s = cs_purl_format(p);
		assert_str_or_null(s, canonical, desc);
		free(s);
		cs_purl_free(p);
	}
	print_message("%zu purl suite vectors checked\n", checked);
	assert_true(checked >= 30);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_spec_examples),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_qualifier_lookup),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_for_package),
		cmocka_unit_test(test_suite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
