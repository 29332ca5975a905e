/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VEX: OpenVEX (v0.2.0 and the older string form) and CycloneDX VEX
 * parsing, product matching by purl (version, qualifiers), image products
 * with and without subcomponents, status and timestamp ordering, and
 * errors that name the document.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/package.h"
#include "match/vex.h"

#define DIGEST "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define OTHER  "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SSL    "pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3"
#define CRYPTO "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3"

struct fixture {
	struct cs_catalog *cat;
	struct cs_findings *fs;
	struct cs_vex *vex;
	struct cs_vex_target target;
};

static void add_pkg(struct cs_catalog *cat, enum cs_pkg_type t, const char *name,
		    const char *version, const char *purl)
{
	struct cs_package *p = cs_package_new(t);

	p->name = cs_strdup(name);
	p->version = cs_strdup(version);
	p->purl = cs_strdup(purl);
	p->path = cs_strdup("x");
	assert_int_equal(cs_catalog_add(cat, p), 0);
}

static const struct cs_package *get_pkg(struct cs_catalog *cat, const char *name)
{
	for (size_t i = 0; i < cs_catalog_count(cat); i++)
		if (!strcmp(cs_catalog_get(cat, i)->name, name))
			return cs_catalog_get(cat, i);
	fail_msg("no package %s", name);
	return NULL;
}

static void add_finding(struct fixture *fx, const char *id, const char *alias, const char *pkg)
{
	struct cs_findings *fs = fx->fs;
	struct cs_finding *f;

	assert_int_equal(CS_GROW(fs->v, fs->cap, fs->n + 1), 0);
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->id = cs_strdup(id);
	if (alias) {
		f->aliases = cs_new0(char *, 2);
		f->aliases[0] = cs_strdup(alias);
		f->n_aliases = 1;
	}
	f->pkg = get_pkg(fx->cat, pkg);
	f->epss = f->epss_percentile = -1;
}

static int setup(void **state)
{
	struct fixture *fx = cs_zalloc(sizeof(*fx));

	assert_int_equal(cs_catalog_new(&fx->cat), 0);
	add_pkg(fx->cat, CS_PKG_APK, "libssl3", "3.3.2-r0", SSL);
	add_pkg(fx->cat, CS_PKG_APK, "libcrypto3", "3.3.2-r0", CRYPTO);
	add_pkg(fx->cat, CS_PKG_GOLANG, "example.com/app", "v1.0.0",
		"pkg:golang/example.com/app@v1.0.0");
	add_pkg(fx->cat, CS_PKG_GOLANG, "golang.org/x/net", "v0.7.0",
		"pkg:golang/golang.org/x/net@v0.7.0");
	fx->fs = cs_zalloc(sizeof(*fx->fs));
	add_finding(fx, "CVE-2024-9143", NULL, "libssl3");
	add_finding(fx, "CVE-2024-9143", NULL, "libcrypto3");
	add_finding(fx, "CVE-2023-3978", "GO-2023-1988", "golang.org/x/net");
	assert_int_equal(cs_vex_new(&fx->vex), 0);
	fx->target.cat = fx->cat;
	fx->target.digests[0] = DIGEST;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	cs_findings_free(fx->fs);
	cs_catalog_free(fx->cat);
	cs_vex_free(fx->vex);
	free(fx);
	return 0;
}

static void add_ok(struct fixture *fx, const char *name, const char *json)
{
	struct cs_error err = CS_ERROR_INIT;

	if (cs_vex_add(fx->vex, json, strlen(json), name, &err) < 0)
		fail_msg("%s", err.msg);
}

static int apply(struct fixture *fx)
{
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_vex_apply(fx->vex, fx->fs, &fx->target, &err);

	if (r < 0)
		fail_msg("%s", err.msg);
	assert_int_equal((size_t)r, fx->fs->n_suppressed);
	assert_int_equal(fx->fs->n + fx->fs->n_suppressed, 3);
	return r;
}

static const struct cs_finding *suppressed(const struct fixture *fx, const char *pkg)
{
	for (size_t i = 0; i < fx->fs->n_suppressed; i++)
		if (!strcmp(fx->fs->suppressed[i].pkg->name, pkg))
			return &fx->fs->suppressed[i];
	return NULL;
}

/* An OpenVEX v0.2.0 document with one statement. */
static char *openvex(const char *doc_time, const char *stmts)
{
	return cs_asprintf("{\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n"
			   " \"@id\": \"https://example.com/vex-1\", \"author\": \"t\",\n"
			   " %s%s%s \"version\": 1, \"statements\": [%s]}",
			   doc_time ? "\"timestamp\": \"" : "", doc_time ? doc_time : "",
			   doc_time ? "\"," : "", stmts);
}

static char *stmt(const char *vuln, const char *products, const char *status, const char *time)
{
	return cs_asprintf("{\"vulnerability\": {\"name\": \"%s\"}, \"products\": [%s],"
			   " \"status\": \"%s\"%s%s%s,"
			   " \"justification\": \"vulnerable_code_not_in_execute_path\","
			   " \"impact_statement\": \"no\\nTLS here\"}",
			   vuln, products, status, time ? ", \"timestamp\": \"" : "",
			   time ? time : "", time ? "\"" : "");
}

static void add_one(struct fixture *fx, const char *vuln, const char *products, const char *status)
{
	_cleanup_free_ char *s = stmt(vuln, products, status, NULL);
	_cleanup_free_ char *d = openvex("2024-11-01T00:00:00Z", s);

	add_ok(fx, "vex.json", d);
}

static void test_openvex_not_affected(void **state)
{
	struct fixture *fx = *state;
	const struct cs_finding *f;

	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64\"}",
		"not_affected");
	assert_int_equal(cs_vex_count(fx->vex), 1);
	assert_int_equal(apply(fx), 1);
	f = suppressed(fx, "libssl3");
	assert_non_null(f);
	assert_string_equal(f->suppressed_by, "vex:vex.json");
	assert_string_equal(f->justification, "vulnerable_code_not_in_execute_path: no TLS here");
}

static void test_openvex_statuses(void **state)
{
	struct fixture *fx = *state;

	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3\"}", "affected");
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libcrypto3\"}",
		"under_investigation");
	add_one(fx, "CVE-2023-3978", "{\"@id\": \"pkg:golang/golang.org/x/net\"}", "fixed");
	assert_int_equal(apply(fx), 0);
}

static void test_openvex_purl_rules(void **state)
{
	struct fixture *fx = *state;

	/* another version, a qualifier the package lacks, another namespace */
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3@3.3.2-r1\"}",
		"not_affected");
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3?arch=aarch64\"}",
		"not_affected");
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:apk/wolfi/libssl3\"}", "not_affected");
	assert_int_equal(apply(fx), 0);
	/* without a version: every version */
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libcrypto3\"}", "not_affected");
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "libcrypto3"));
}

static void test_openvex_alias(void **state)
{
	struct fixture *fx = *state;

	/* the statement names the GO id; the finding has it as an alias */
	add_one(fx, "GO-2023-1988", "{\"@id\": \"pkg:golang/golang.org/x/net@v0.7.0\"}",
		"not_affected");
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "golang.org/x/net"));
}

static void test_openvex_aliases_field(void **state)
{
	struct fixture *fx = *state;

	add_ok(fx, "v",
	       "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{"
	       "\"vulnerability\": {\"@id\": \"https://nvd.nist.gov/vuln/detail/X\","
	       " \"name\": \"GHSA-xxxx-yyyy-zzzz\", \"aliases\": [\"cve-2024-9143\"]},"
	       "\"products\": [{\"@id\": \"pkg:apk/alpine/libssl3\"}],"
	       "\"status\": \"not_affected\", \"justification\": \"component_not_present\"}]}");
	assert_int_equal(apply(fx), 1);
	assert_string_equal(suppressed(fx, "libssl3")->justification, "component_not_present");
}

static void test_openvex_order(void **state)
{
	struct fixture *fx = *state;
	_cleanup_free_ char *a = stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3\"}",
				      "not_affected", "2024-11-02T00:00:00Z");
	_cleanup_free_ char *b = stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3\"}",
				      "affected", "2024-11-03T00:00:00Z");
	_cleanup_free_ char *c = stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libcrypto3\"}",
				      "affected", "2024-11-01T00:00:00Z");
	_cleanup_free_ char *d = stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libcrypto3\"}",
				      "not_affected", NULL); /* inherits 2024-11-02 */
	_cleanup_free_ char *all = cs_asprintf("%s,%s,%s,%s", b, a, c, d);
	_cleanup_free_ char *doc = openvex("2024-11-02T00:00:00Z", all);

	/* libssl3: the later "affected" wins although written first; libcrypto3: the
	 * statement inheriting the document's time is later than the explicit one */
	add_ok(fx, "vex.json", doc);
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "libcrypto3"));
}

static void test_openvex_order_across_documents(void **state)
{
	struct fixture *fx = *state;
	_cleanup_free_ char *a = stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3\"}",
				      "not_affected", NULL);
	_cleanup_free_ char *b = stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3\"}",
				      "under_investigation", NULL);
	_cleanup_free_ char *d1 = openvex("2024-11-02T00:00:00Z", a);
	_cleanup_free_ char *d2 = openvex("2024-11-02T00:00:00Z", b);

	/* same time: the document added later wins */
	add_ok(fx, "first.json", d1);
	add_ok(fx, "second.json", d2);
	assert_int_equal(apply(fx), 0);
}

static void test_openvex_untimed_is_oldest(void **state)
{
	struct fixture *fx = *state;
	_cleanup_free_ char *a = stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3\"}",
				      "not_affected", "2020-01-01T00:00:00Z");
	_cleanup_free_ char *b =
		stmt("CVE-2024-9143", "{\"@id\": \"pkg:apk/alpine/libssl3\"}", "affected", NULL);
	_cleanup_free_ char *d1 = openvex(NULL, b);
	_cleanup_free_ char *d2 = openvex(NULL, a);

	add_ok(fx, "untimed.json", d1);
	add_ok(fx, "timed.json", d2);
	assert_int_equal(apply(fx), 1);
}

static void test_openvex_old_form(void **state)
{
	struct fixture *fx = *state;

	/* v0.0.x: plain strings, statement-level subcomponents */
	add_ok(fx, "old.json",
	       "{\"@context\": \"https://openvex.dev/ns\", \"timestamp\": \"2023-01-16T20:41:55Z\","
	       " \"statements\": [{\"vulnerability\": \"CVE-2024-9143\","
	       " \"products\": [\"pkg:oci/alpine@" DIGEST "\"],"
	       " \"subcomponents\": [\"pkg:apk/alpine/libcrypto3\"],"
	       " \"status\": \"not_affected\", \"justification\": \"component_not_present\"}]}");
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "libcrypto3"));
}

static void test_image_products(void **state)
{
	struct fixture *fx = *state;

	/* another image's digest: nothing */
	add_one(fx, "CVE-2024-9143",
		"{\"@id\": \"pkg:oci/alpine@" OTHER "\","
		" \"subcomponents\": [{\"@id\": \"pkg:apk/alpine/libssl3\"}]}",
		"not_affected");
	/* a tag is not a digest: never this image */
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:docker/alpine@3.20\"}", "not_affected");
	assert_int_equal(apply(fx), 0);
	/* this image, one subcomponent */
	add_one(fx, "CVE-2024-9143",
		"{\"@id\": \"pkg:oci/alpine@" DIGEST "?repository_url=docker.io/library/alpine\","
		" \"subcomponents\": [{\"@id\": \"pkg:apk/alpine/libssl3\"}]}",
		"not_affected");
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "libssl3"));
}

static void test_image_without_subcomponents(void **state)
{
	struct fixture *fx = *state;

	/* a bare digest without subcomponents: every package of the image */
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"" DIGEST "\"}", "not_affected");
	assert_int_equal(apply(fx), 2);
}

static void test_image_any(void **state)
{
	struct fixture *fx = *state;

	/* pkg:oci without a digest: whichever image is scanned, even with no digest known */
	fx->target.digests[0] = NULL;
	add_one(fx, "CVE-2024-9143", "{\"@id\": \"pkg:oci/alpine\"}", "not_affected");
	assert_int_equal(apply(fx), 2);
}

static void test_product_subcomponents(void **state)
{
	struct fixture *fx = *state;

	/* a product that is not in the scan: its subcomponents are not cleared */
	add_one(fx, "CVE-2023-3978",
		"{\"@id\": \"pkg:golang/example.com/other\","
		" \"subcomponents\": [{\"@id\": \"pkg:golang/golang.org/x/net\"}]}",
		"not_affected");
	assert_int_equal(apply(fx), 0);
	add_one(fx, "CVE-2023-3978",
		"{\"@id\": \"pkg:golang/example.com/app@v1.0.0\","
		" \"subcomponents\": [{\"@id\": \"pkg:golang/golang.org/x/net@v0.7.0\"}]}",
		"not_affected");
	assert_int_equal(apply(fx), 1);
}

static void test_openvex_unusable_products(void **state)
{
	struct fixture *fx = *state;

	/* an IRI product with identifiers.purl is used; a CPE alone is not (warning) */
	add_one(fx, "CVE-2024-9143",
		"{\"@id\": \"https://example.com/p\","
		" \"identifiers\": {\"purl\": \"pkg:apk/alpine/libssl3\"}},"
		"{\"@id\": \"cpe:2.3:a:openssl:openssl:3.3.2:*:*:*:*:*:*:*\"}",
		"not_affected");
	/* an image whose only subcomponent is unusable must not clear the whole image */
	add_one(fx, "CVE-2024-9143",
		"{\"@id\": \"" DIGEST "\", \"subcomponents\": [{\"@id\": \"cpe:2.3:a:x\"}]}",
		"not_affected");
	assert_int_equal(cs_vex_count(fx->vex), 1);
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "libssl3"));
	assert_int_equal(fx->fs->n_warnings, 3);
	assert_non_null(strstr(fx->fs->warnings[0],
			       "vex 'vex.json': statement 1: product 'cpe:2.3:a:openssl:"));
}

static const char cdx_head[] =
	"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"version\": 1,"
	" \"serialNumber\": \"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79\","
	" \"metadata\": {\"timestamp\": \"2024-11-01T00:00:00Z\", \"component\":"
	"   {\"bom-ref\": \"img\", \"type\": \"container\", \"name\": \"alpine\","
	"    \"version\": \"" DIGEST "\"}},"
	" \"components\": ["
	"  {\"bom-ref\": \"ssl\", \"type\": \"library\", \"name\": \"libssl3\","
	"   \"purl\": \"pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64\"},"
	"  {\"bom-ref\": \"lib\", \"type\": \"library\", \"name\": \"x\", \"components\": ["
	"   {\"bom-ref\": \"crypto\", \"type\": \"library\", \"name\": \"libcrypto3\","
	"    \"purl\": \"pkg:apk/alpine/libcrypto3@3.3.2-r0\"}]}],"
	" \"vulnerabilities\": [";

static void add_cdx(struct fixture *fx, const char *vulns)
{
	_cleanup_free_ char *doc = cs_asprintf("%s%s]}", cdx_head, vulns);

	add_ok(fx, "vex.cdx.json", doc);
}

static void test_cdx_not_affected(void **state)
{
	struct fixture *fx = *state;
	const struct cs_finding *f;

	add_cdx(fx, "{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"not_affected\","
		    " \"justification\": \"code_not_reachable\", \"detail\": \"no TLS\"},"
		    " \"affects\": [{\"ref\": \"ssl\"}]}");
	assert_int_equal(apply(fx), 1);
	f = suppressed(fx, "libssl3");
	assert_non_null(f);
	assert_string_equal(f->suppressed_by, "vex:vex.cdx.json");
	assert_string_equal(f->justification, "code_not_reachable: no TLS");
}

static void test_cdx_states(void **state)
{
	struct fixture *fx = *state;

	add_cdx(fx, "{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"resolved\"},"
		    " \"affects\": [{\"ref\": \"ssl\"}]},"
		    "{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"exploitable\"},"
		    " \"affects\": [{\"ref\": \"crypto\"}]},"
		    "{\"id\": \"CVE-2023-3978\", \"affects\": [{\"ref\": \"pkg:golang/x\"}]}");
	assert_int_equal(apply(fx), 0);
	/* false_positive suppresses; a BOM-Link names a nested component */
	add_cdx(fx, "{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"false_positive\","
		    " \"lastUpdated\": \"2024-12-01T00:00:00Z\"},"
		    " \"affects\": [{\"ref\": \"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#"
		    "crypto\"}]}");
	assert_int_equal(apply(fx), 1);
	assert_string_equal(suppressed(fx, "libcrypto3")->justification, "false_positive");
}

static void test_cdx_refs(void **state)
{
	struct fixture *fx = *state;

	/* a purl as the ref; a reference id as the alias */
	add_cdx(fx,
		"{\"id\": \"GHSA-2wrh-6pvc-2jm9\","
		" \"references\": [{\"id\": \"CVE-2023-3978\", \"source\": {\"name\": \"NVD\"}}],"
		" \"analysis\": {\"state\": \"not_affected\","
		" \"justification\": \"requires_configuration\"},"
		" \"affects\": [{\"ref\": \"pkg:golang/golang.org/x/net@v0.7.0\"},"
		"               {\"ref\": \"nothing-here\"}]}");
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "golang.org/x/net"));
	assert_int_equal(fx->fs->n_warnings, 1);
	assert_non_null(strstr(fx->fs->warnings[0], "vulnerability 1 (GHSA-2wrh-6pvc-2jm9): "
						    "affects ref 'nothing-here' names no"));
}

static void test_cdx_image(void **state)
{
	struct fixture *fx = *state;

	/* the container itself: every package of this image */
	add_cdx(fx,
		"{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"not_affected\","
		" \"justification\": \"protected_at_runtime\"}, \"affects\": [{\"ref\": \"img\"}]}");
	assert_int_equal(apply(fx), 2);
}

static void test_cdx_order(void **state)
{
	struct fixture *fx = *state;

	/* the later analysis wins whatever the order in the list */
	add_cdx(fx,
		"{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"in_triage\","
		" \"lastUpdated\": \"2024-12-02T00:00:00Z\"}, \"affects\": [{\"ref\": \"ssl\"}]},"
		"{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"not_affected\","
		" \"lastUpdated\": \"2024-12-01T00:00:00Z\"}, \"affects\": [{\"ref\": \"ssl\"}]},"
		"{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"exploitable\"},"
		" \"affects\": [{\"ref\": \"crypto\"}]},"
		"{\"id\": \"CVE-2024-9143\", \"analysis\": {\"state\": \"not_affected\"},"
		" \"updated\": \"2024-11-02T00:00:00Z\", \"affects\": [{\"ref\": \"crypto\"}]}");
	assert_int_equal(apply(fx), 1);
	assert_non_null(suppressed(fx, "libcrypto3"));
}

static void expect_error(const char *json, int code, const char *msg)
{
	static const char good[] =
		"{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{"
		"\"vulnerability\": {\"name\": \"CVE-1\"}, \"products\": [{\"@id\": "
		"\"pkg:apk/alpine/x\"}], \"status\": \"affected\"}]}";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vex *v = NULL;
	int r;

	assert_int_equal(cs_vex_new(&v), 0);
	/* a good document first: a failed one must leave it as it was */
	r = cs_vex_add(v, good, strlen(good), "good", &err);
	assert_int_equal(r, 0);
	r = cs_vex_add(v, json, strlen(json), "bad.json", &err);
	if (r >= 0)
		fail_msg("accepted: %s", json);
	assert_int_equal(r, code);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' does not contain '%s'", err.msg, msg);
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(cs_vex_count(v), 1);
	cs_vex_free(v);
}

#define OV "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": "

static void test_errors(void **state)
{
	(void)state;
	expect_error("{\"@context\": ", -CS_E_INPUT, "vex 'bad.json': invalid JSON at line 1");
	expect_error("[]", -CS_E_INPUT, "vex 'bad.json': not a JSON object");
	expect_error("{\"a\": 1}", -CS_E_INPUT, "neither OpenVEX");
	expect_error("{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}", -CS_E_INPUT,
		     "no 'statements' list");
	expect_error(OV "[{\"vulnerability\": {\"name\": \"CVE-2\"}, \"products\": [{\"@id\": "
			"\"pkg:apk/a/b\"}], \"status\": \"maybe\"}]}",
		     -CS_E_INPUT, "vex 'bad.json': statement 1: unknown status 'maybe'");
	expect_error(OV "[{\"vulnerability\": {\"name\": \"CVE-2\"}, \"status\": \"fixed\"}]}",
		     -CS_E_INPUT, "statement 1: no 'products'");
	expect_error(OV "[{\"products\": [\"pkg:apk/a/b\"], \"status\": \"fixed\"}]}", -CS_E_INPUT,
		     "statement 1: no 'vulnerability'");
	expect_error(OV "[{\"vulnerability\": {\"name\": \"CVE 2\"}, \"products\": "
			"[\"pkg:apk/a/b\"], \"status\": \"fixed\"}]}",
		     -CS_E_INPUT, "invalid vulnerability id 'CVE 2'");
	expect_error(OV "[{\"vulnerability\": \"CVE-2\", \"products\": [\"pkg:apk/a/b\"],"
			" \"status\": \"fixed\", \"timestamp\": \"yesterday\"}]}",
		     -CS_E_INPUT, "statement 1: invalid 'timestamp' 'yesterday'");
	expect_error(OV "[{\"vulnerability\": \"CVE-2\", \"products\": [\"pkg:apk/a/b\"],"
			" \"status\": \"fixed\"}, {\"vulnerability\": \"CVE-3\", \"products\":"
			" [\"pkg:apk/%zz\"], \"status\": \"fixed\"}]}",
		     -CS_E_INPUT, "statement 2: invalid purl 'pkg:apk/%zz'");
	expect_error(OV "[{\"vulnerability\": \"CVE-2\", \"products\": [\"pkg:apk/a/b\"],"
			" \"status\": \"fixed\", \"status\": \"affected\"}]}",
		     -CS_E_INPUT, "invalid JSON at line 1: duplicate object key");
	expect_error(OV "[{\"vulnerability\": \"CVE-2\", \"products\": [\"pkg:apk/a/b\"],"
			" \"status\": 1}]}",
		     -CS_E_INPUT, "'status' must be a string");
	expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.3\"}", -CS_E_UNSUPPORTED,
		     "unsupported CycloneDX specVersion '1.3'");
	expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"vulnerabilities\":"
		     " [{\"id\": \"CVE-2\", \"analysis\": {\"state\": \"nope\"}}]}",
		     -CS_E_INPUT, "vulnerability 1 (CVE-2): unknown analysis state 'nope'");
	expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"vulnerabilities\":"
		     " [{\"analysis\": {\"state\": \"not_affected\"}}]}",
		     -CS_E_INPUT, "vulnerability 1: no 'id'");
	expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": ["
		     "{\"bom-ref\": \"a\"}, {\"bom-ref\": \"a\"}]}",
		     -CS_E_INPUT, "duplicate bom-ref 'a'");
	expect_error("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"vulnerabilities\":"
		     " [{\"id\": \"CVE-2\", \"analysis\": {\"state\": \"not_affected\"},"
		     " \"affects\": [{\"ref\": 3}]}]}",
		     -CS_E_INPUT, "'ref' must be a string");
}

static void test_limits(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vex *v = NULL;
	struct cs_buf b = CS_BUF_INIT(1u << 20);
	char nested[4096];
	size_t n = 0;

	(void)state;
	assert_int_equal(cs_vex_new(&v), 0);
	/* too many aliases */
	assert_int_equal(cs_buf_puts(&b, OV "[{\"vulnerability\": {\"name\": \"CVE-1\", "
					    "\"aliases\": ["),
			 0);
	for (unsigned i = 0; i <= CS_VEX_MAX_ALIASES; i++)
		assert_int_equal(cs_buf_printf(&b, "%s\"CVE-%u\"", i ? "," : "", i + 2), 0);
	assert_int_equal(cs_buf_puts(&b, "]}, \"products\": [\"pkg:apk/a/b\"], \"status\": "
					 "\"fixed\"}]}"),
			 0);
	assert_int_equal(cs_vex_add(v, b.data, b.len, "big", &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "more than 256 aliases"));
	cs_buf_done(&b);
	/* components nested too deep */
	n += (size_t)snprintf(nested, sizeof(nested),
			      "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", "
			      "\"components\": [");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(nested + n, sizeof(nested) - n,
				      "{\"bom-ref\": \"r%d\", \"components\": [", i);
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(nested + n, sizeof(nested) - n, "]}");
	n += (size_t)snprintf(nested + n, sizeof(nested) - n, "]}");
	assert_int_equal(cs_vex_add(v, nested, n, "deep", &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "nested deeper than 32"));
	/* the whole document */
	assert_int_equal(cs_vex_add(v, "", CS_VEX_FILE_MAX + 1, "huge", &err), -CS_E_LIMIT);
	assert_int_equal(cs_vex_count(v), 0);
	cs_vex_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_openvex_not_affected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_statuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_purl_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_aliases_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_order_across_documents, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_openvex_untimed_is_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_old_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_products, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_without_subcomponents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_any, setup, teardown),
		cmocka_unit_test_setup_teardown(test_product_subcomponents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openvex_unusable_products, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdx_not_affected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdx_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdx_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdx_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cdx_order, setup, teardown),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
