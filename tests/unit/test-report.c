/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vulnerability report writers on a hand-built scan: OS and language
 * packages, findings with every field (CVSS v3/v4, KEV, EPSS, aliases,
 * notes), suppressed findings, warnings, and hostile strings from the
 * image and the feeds (markup, quotes, control characters, invalid UTF-8,
 * javascript: links) in every place they can appear.
 *  - SARIF: one rule per id, ruleIndex consistent, levels and
 *    security-severity, fingerprints stable across versions, suppressions,
 *    percent-encoded locations, no embedded links from names;
 *  - CycloneDX: the SBOM writer's components unchanged, one vulnerability
 *    per finding affecting its component, ratings, analysis for suppressed;
 *  - JUnit: well-formed XML (libxml2) with counts that add up;
 *  - HTML: the hostile strings only escaped, only safe links, one script.
 * Issues (secrets, malware, configuration, Dockerfile) beside the findings
 * and alone (a Dockerfile lint: no catalog, no findings, no image), with
 * hostile strings, positions, layers, deleted files, settings without a
 * path and suppressed issues, in every format.
 * With CUSTOMS_REPORT_OUT=DIR the documents are written to DIR, where
 * tests/e2e/report.sh and tests/e2e/report-issues.sh validate them with the
 * official schemas and other parsers.
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
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include "basic/alloc.h"
#include "catalog/purl.h"
#include "report/internal.h"
#include "report/report.h"
#include "sbom/sbom.h"

#define HOSTILE "<script>alert(1)</script>"

struct fixture {
	struct cs_catalog *cat;
	struct cs_findings *fs;
	struct cs_issues *is;
	struct cs_scan_report rep;
	const char *name; /* of the files under CUSTOMS_REPORT_OUT, or NULL */
};

static struct cs_package *add_pkg(struct cs_catalog *cat, enum cs_pkg_type t, const char *name,
				  const char *version, const char *path)
{
	struct cs_package *p = cs_package_new(t);

	assert_non_null(p);
	p->name = cs_strdup(name);
	p->version = cs_strdup(version);
	p->path = cs_strdup(path);
	p->found_by = "test";
	assert_int_equal(cs_catalog_add(cat, p), 0);
	return p;
}

static char *dup0(const char *s)
{
	return s ? cs_strdup(s) : NULL;
}

static struct cs_finding *add_finding(struct cs_findings *fs, const struct cs_package *p,
				      const char *id, enum cs_severity sev, const char *fixed)
{
	struct cs_finding *x;

	assert_int_equal(CS_GROW(fs->v, fs->cap, fs->n + 1), 0);
	x = &fs->v[fs->n++];
	memset(x, 0, sizeof(*x));
	x->id = cs_strdup(id);
	x->pkg = p;
	x->namespace = cs_strdup(cs_pkg_type_is_os(p->type) ? "alpine:3.20" : "pypi");
	x->matched_name = cs_strdup(p->name);
	x->installed = cs_strdup(p->version);
	x->fixed = dup0(fixed);
	x->fix_state = fixed ? CS_FIX_FIXED : CS_FIX_AFFECTED;
	x->severity = sev;
	x->epss = x->epss_percentile = -1;
	x->sources = cs_strdup("test-feed");
	return x;
}

static void set_aliases(struct cs_finding *x, const char *a, const char *b)
{
	x->aliases = cs_new0(char *, 3);
	assert_non_null(x->aliases);
	x->aliases[0] = cs_strdup(a);
	x->aliases[1] = cs_strdup(b);
	x->n_aliases = 2;
}

static void setup_scan(struct fixture *fx, bool hostile)
{
	struct cs_catalog *cat = NULL;
	struct cs_findings *fs = cs_zalloc(sizeof(*fs));
	struct cs_package *ssl, *crypto, *busy, *django, *evil, *left;
	struct cs_finding *x;

	assert_non_null(fs);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_set_os(cat, "alpine", "3.20.3"), 0);
	ssl = add_pkg(cat, CS_PKG_APK, "libssl3", "3.3.2-r0", "lib/apk/db/installed");
	crypto = add_pkg(cat, CS_PKG_APK, "libcrypto3", "3.3.2-r0", "lib/apk/db/installed");
	busy = add_pkg(cat, CS_PKG_APK, "busybox", "1.36.1-r29", "lib/apk/db/installed");
	django = add_pkg(cat, CS_PKG_PYPI, "Django", "4.2.1",
			 "usr/lib/python3.12/site-packages/Django-4.2.1.dist-info/METADATA");
	left = add_pkg(cat, CS_PKG_NPM, "left-pad", "1.3.0",
		       "app/node_modules/left-pad/package.json");
	evil = add_pkg(cat, CS_PKG_PYPI, hostile ? "evil" HOSTILE "[x](1)" : "evil", "1.0",
		       hostile ? "app/a b:c/<x>\"'&/METADATA" : "app/evil-1.0.dist-info/METADATA");
	evil->introduced = 2;
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		struct cs_package *p = cs_catalog_get(cat, i);

		assert_int_equal(cs_purl_for_package(p, cs_catalog_os(cat), &p->purl), 0);
	}

	x = add_finding(fs, crypto, "CVE-2024-9143", CS_SEV_HIGH, "3.3.2-r1");
	x->title = cs_strdup("Low-level invalid GF(2^m) parameters lead to OOB memory access");
	x->url = cs_strdup("https://nvd.nist.gov/vuln/detail/CVE-2024-9143");
	x->cvss3_score = 4.3;
	x->cvss3_vector = cs_strdup("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:L");
	x->severity_source = "distribution";
	x->epss = 0.00123;
	x->epss_percentile = 0.4821;
	x = add_finding(fs, ssl, "CVE-2024-9143", CS_SEV_MEDIUM, "3.3.2-r1");
	x->url = cs_strdup("https://nvd.nist.gov/vuln/detail/CVE-2024-9143");
	x = add_finding(fs, busy, "CVE-2023-42366", CS_SEV_UNKNOWN, NULL);
	x->note = cs_strdup("no fix in this release");
	x = add_finding(fs, django, "CVE-2024-27351", CS_SEV_CRITICAL, "4.2.11");
	set_aliases(x, "GHSA-vm8q-m57g-pff3", "PYSEC-2024-47");
	x->title = cs_strdup("Django ReDoS in Truncator.words");
	x->url = cs_strdup("https://osv.dev/vulnerability/GHSA-vm8q-m57g-pff3");
	x->cvss3_score = 9.8;
	x->cvss3_vector = cs_strdup("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	x->severity_source = "cvss";
	x->kev = true;
	x->kev_date_added = cs_strdup("2024-03-01");
	x->epss = 0.97;
	x->epss_percentile = 0.999;
	x = add_finding(fs, left, "GHSA-aaaa-bbbb-cccc", CS_SEV_LOW, "1.3.1");
	x->cvss4_score = 2.1;
	x->cvss4_vector =
		cs_strdup("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N");
	x->severity_source = "advisory";
	x = add_finding(fs, evil, "PYSEC-2099-1", CS_SEV_HIGH, hostile ? "2.0\"><b>" : "2.0");
	if (hostile) {
		x->title = cs_strdup(HOSTILE " & \"quotes\" 'too' ]]> \x01\x1b[31m \xff\xfe bad");
		x->url = cs_strdup("javascript:alert(1)//https://example.org/");
		x->note = cs_strdup("<img src=x onerror=alert(2)>");
	} else {
		x->title = cs_strdup("Evil package does evil things");
		x->url = cs_strdup("https://osv.dev/vulnerability/PYSEC-2099-1");
	}
	/* suppressed: a VEX statement and an ignore file */
	x = add_finding(fs, busy, "CVE-2023-42364", CS_SEV_MEDIUM, "1.36.1-r30");
	x->title = cs_strdup("busybox use-after-free in awk");
	x = add_finding(fs, django, "CVE-2023-46695", CS_SEV_HIGH, "4.2.7");
	assert_int_equal(cs_findings_suppress(fs, fs->n - 2, "vex:app.openvex.json",
					      hostile ? "vulnerable_code_not_present: " HOSTILE
						      : "vulnerable_code_not_present: awk is "
							"not used"),
			 0);
	assert_int_equal(cs_findings_suppress(fs, fs->n - 1, "ignore-file:.customsignore",
					      "accepted until the next release"),
			 0);

	fs->warnings = cs_new0(char *, 2);
	assert_non_null(fs->warnings);
	fs->warnings[0] = cs_strdup(hostile ? "cannot compare version '" HOSTILE "'"
					    : "cannot compare version '1.0~'");
	fs->n_warnings = 1;
	assert_int_equal(cs_catalog_warn(cat, "apk: skipped a truncated entry%s",
					 hostile ? " <iframe src=//x>" : ""),
			 0);

	fx->cat = cat;
	fx->fs = fs;
	fx->is = NULL;
	fx->name = NULL;
	fx->rep = (struct cs_scan_report){
		.kind = "sbom",
		.target = hostile ? "tests/" HOSTILE ".cdx.json" : "tests/app.cdx.json",
		.cat = cat,
		.findings = fs,
		.db_built = "2024-05-01T00:00:00Z",
		.generated = "2024-05-02T03:04:05Z",
	};
}

static void teardown_scan(struct fixture *fx)
{
	cs_issues_free(fx->is);
	cs_findings_free(fx->fs);
	cs_catalog_free(fx->cat);
}

static char *render(const struct fixture *fx, enum cs_report_format fmt, size_t *ret_len)
{
	struct cs_error err = CS_ERROR_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *out = getenv("CUSTOMS_REPORT_OUT");

	assert_non_null(f);
	if (cs_report_write(fmt, &fx->rep, NULL, f, &err) < 0)
		fail_msg("%s report: %s", cs_report_format_name(fmt), err.msg);
	assert_int_equal(fclose(f), 0);
	if (out && out[0]) {
		char path[4096];
		FILE *o;

		if (fx->name)
			snprintf(path, sizeof(path), "%s/%s.%s", out, fx->name,
				 cs_report_format_name(fmt));
		else
			snprintf(path, sizeof(path), "%s/%s%s.%s", out,
				 strstr(fx->rep.target, "<script>") ? "hostile" : "sample",
				 fx->fs->n_suppressed ? "" : "-nosup", cs_report_format_name(fmt));
		o = fopen(path, "wb");
		assert_non_null(o);
		assert_int_equal(fwrite(buf, 1, len, o), len);
		assert_int_equal(fclose(o), 0);
	}
	if (ret_len)
		*ret_len = len;
	return buf;
}

static json_t *render_json(const struct fixture *fx, enum cs_report_format fmt)
{
	json_error_t je;
	size_t len;
	char *doc = render(fx, fmt, &len);
	json_t *root = json_loadb(doc, len, 0, &je);

	if (!root)
		fail_msg("%s is not JSON: %s (line %d)", cs_report_format_name(fmt), je.text,
			 je.line);
	free(doc);
	return root;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_t *result_of(json_t *results, const char *rule, const char *pkg)
{
	size_t i;
	json_t *r;

	json_array_foreach (results, i, r) {
		json_t *props = json_object_get(r, "properties");

		if (!strcmp(jstr(r, "ruleId"), rule) && !strcmp(jstr(props, "packageName"), pkg))
			return r;
	}
	fail_msg("no result for %s on %s", rule, pkg);
	return NULL;
}

static void test_sarif(void **state)
{
	struct fixture fx;
	json_t *root, *run, *rules, *results, *r, *rule;
	size_t i;
	const char *fp1;
	char *fp;

	(void)state;
	setup_scan(&fx, false);
	root = render_json(&fx, CS_REPORT_SARIF);
	assert_string_equal(jstr(root, "version"), "2.1.0");
	assert_int_equal(json_array_size(json_object_get(root, "runs")), 1);
	run = json_array_get(json_object_get(root, "runs"), 0);
	rule = json_object_get(json_object_get(run, "tool"), "driver");
	assert_string_equal(jstr(rule, "name"), "customs");
	assert_non_null(jstr(rule, "version"));
	rules = json_object_get(rule, "rules");
	results = json_object_get(run, "results");
	/* 8 findings (2 suppressed) of 7 ids: CVE-2024-9143 is on two packages */
	assert_int_equal(json_array_size(results), 8);
	assert_int_equal(json_array_size(rules), 7);
	json_array_foreach (results, i, r) {
		size_t k = json_integer_value(json_object_get(r, "ruleIndex"));

		assert_true(k < json_array_size(rules));
		assert_string_equal(jstr(json_array_get(rules, k), "id"), jstr(r, "ruleId"));
		assert_int_equal(
			json_integer_value(json_object_get(
				json_object_get(
					json_object_get(
						json_array_get(json_object_get(r, "locations"), 0),
						"physicalLocation"),
					"region"),
				"startLine")),
			1);
	}
	/* one rule per id, with the highest severity and score of its findings */
	json_array_foreach (rules, i, rule) {
		json_t *props = json_object_get(rule, "properties");
		const char *id = jstr(rule, "id");
		const char *sev = jstr(props, "security-severity");
		const char *level = jstr(json_object_get(rule, "defaultConfiguration"), "level");

		assert_non_null(jstr(json_object_get(rule, "shortDescription"), "text"));
		assert_non_null(jstr(json_object_get(rule, "fullDescription"), "text"));
		assert_non_null(jstr(json_object_get(rule, "help"), "text"));
		assert_non_null(jstr(json_object_get(rule, "help"), "markdown"));
		assert_string_equal(
			json_string_value(json_array_get(json_object_get(props, "tags"), 0)),
			"vulnerability");
		if (!strcmp(id, "CVE-2024-27351")) {
			assert_string_equal(sev, "9.8"); /* CVSS */
			assert_string_equal(level, "error");
			assert_string_equal(jstr(rule, "helpUri"),
					    "https://osv.dev/vulnerability/GHSA-vm8q-m57g-pff3");
		} else if (!strcmp(id, "CVE-2024-9143")) {
			assert_string_equal(sev, "4.3");     /* CVSS wins over the mapping */
			assert_string_equal(level, "error"); /* high on libcrypto3 */
		} else if (!strcmp(id, "CVE-2023-42366")) {
			assert_null(sev); /* unknown severity: none claimed */
			assert_string_equal(level, "note");
		} else if (!strcmp(id, "CVE-2023-42364")) {
			assert_string_equal(sev, "5.5");
			assert_string_equal(level, "warning");
		} else if (!strcmp(id, "GHSA-aaaa-bbbb-cccc")) {
			assert_string_equal(sev, "2.1"); /* CVSS v4 */
			assert_string_equal(level, "note");
		} else if (!strcmp(id, "CVE-2023-46695")) {
			assert_string_equal(sev, "8.0");
		}
	}
	/* suppressed findings carry why */
	r = result_of(results, "CVE-2023-42364", "busybox");
	rule = json_array_get(json_object_get(r, "suppressions"), 0);
	assert_string_equal(jstr(rule, "kind"), "external");
	assert_non_null(strstr(jstr(rule, "justification"), "vulnerable_code_not_present"));
	assert_non_null(strstr(jstr(rule, "justification"), "vex:app.openvex.json"));
	assert_null(
		json_object_get(result_of(results, "CVE-2024-27351", "Django"), "suppressions"));
	/* the message names the package, installed and fixed versions */
	r = result_of(results, "CVE-2024-27351", "Django");
	assert_non_null(strstr(jstr(json_object_get(r, "message"), "text"), "Django 4.2.1"));
	assert_non_null(strstr(jstr(json_object_get(r, "message"), "text"), "4.2.11"));
	fp1 = jstr(json_object_get(r, "partialFingerprints"), "customsFindingHash/v1");
	assert_non_null(fp1);
	assert_int_equal(strlen(fp1), 64);
	fp = cs_strdup(fp1);
	json_decref(root);

	/* the same finding on another version of the package: the same alert */
	free(cs_catalog_get(fx.cat, 3)->version);
	cs_catalog_get(fx.cat, 3)->version = cs_strdup("4.2.2");
	root = render_json(&fx, CS_REPORT_SARIF);
	results = json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results");
	r = result_of(results, "CVE-2024-27351", "Django");
	assert_string_equal(
		jstr(json_object_get(r, "partialFingerprints"), "customsFindingHash/v1"), fp);
	r = result_of(results, "CVE-2024-9143", "libssl3");
	assert_string_not_equal(
		jstr(json_object_get(r, "partialFingerprints"), "customsFindingHash/v1"), fp);
	free(fp);
	json_decref(root);

	/* a package without a declaring file (from an SBOM) is located at the SBOM */
	free(cs_catalog_get(fx.cat, 4)->path);
	cs_catalog_get(fx.cat, 4)->path = NULL;
	fx.rep.target = "/abs/dir/app.cdx.json";
	root = render_json(&fx, CS_REPORT_SARIF);
	results = json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results");
	r = json_array_get(
		json_object_get(result_of(results, "GHSA-aaaa-bbbb-cccc", "left-pad"), "locations"),
		0);
	r = json_object_get(json_object_get(r, "physicalLocation"), "artifactLocation");
	assert_string_equal(jstr(r, "uri"), "app.cdx.json");
	json_decref(root);
	teardown_scan(&fx);
}

static void test_sarif_hostile(void **state)
{
	struct fixture fx;
	json_t *root, *results, *r, *rule;
	const char *uri, *msg, *md;
	size_t i;

	(void)state;
	setup_scan(&fx, true);
	root = render_json(&fx, CS_REPORT_SARIF);
	results = json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results");
	r = result_of(results, "PYSEC-2099-1", "evil" HOSTILE "[x](1)");
	uri = jstr(
		json_object_get(json_object_get(json_array_get(json_object_get(r, "locations"), 0),
						"physicalLocation"),
				"artifactLocation"),
		"uri");
	assert_string_equal(uri, "app/a%20b%3Ac/%3Cx%3E%22%27%26/METADATA");
	msg = jstr(json_object_get(r, "message"), "text");
	/* no embedded link can come from a name */
	assert_non_null(strstr(msg, "evil<script>alert(1)</script>\\[x\\](1)"));
	json_array_foreach (
		json_object_get(
			json_object_get(
				json_object_get(json_array_get(json_object_get(root, "runs"), 0),
						"tool"),
				"driver"),
			"rules"),
		i, rule) {
		if (strcmp(jstr(rule, "id"), "PYSEC-2099-1"))
			continue;
		/* a javascript: link is no help link */
		assert_null(json_object_get(rule, "helpUri"));
		md = jstr(json_object_get(rule, "help"), "markdown");
		assert_null(strstr(md, "<script>"));
		assert_non_null(strstr(md, "\\<script\\>"));
		assert_null(strstr(md, "javascript:"));
	}
	json_decref(root);
	teardown_scan(&fx);
}

static json_t *by_key(json_t *array, const char *key, const char *value)
{
	size_t i;
	json_t *o;

	json_array_foreach (array, i, o)
		if (jstr(o, key) && !strcmp(jstr(o, key), value))
			return o;
	return NULL;
}

static void test_cyclonedx(void **state)
{
	struct fixture fx;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sbom_subject subject = { .name = "tests/app.cdx.json", .created = 1714619045 };
	json_t *root, *sbom, *vulns, *v, *comps, *a;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	setup_scan(&fx, false);
	root = render_json(&fx, CS_REPORT_CYCLONEDX);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(cs_sbom_write(f, CS_SBOM_CYCLONEDX, fx.cat, &subject, &err), 0);
	assert_int_equal(fclose(f), 0);
	sbom = json_loadb(buf, len, 0, NULL);
	assert_non_null(sbom);
	free(buf);

	/* the SBOM's components, metadata and dependencies, and a different serial */
	assert_string_equal(jstr(root, "specVersion"), "1.6");
	comps = json_object_get(root, "components");
	assert_true(json_equal(comps, json_object_get(sbom, "components")));
	assert_true(json_equal(json_object_get(root, "dependencies"),
			       json_object_get(sbom, "dependencies")));
	assert_true(
		json_equal(json_object_get(root, "metadata"), json_object_get(sbom, "metadata")));
	assert_string_not_equal(jstr(root, "serialNumber"), jstr(sbom, "serialNumber"));
	assert_null(json_object_get(sbom, "vulnerabilities"));

	vulns = json_object_get(root, "vulnerabilities");
	assert_int_equal(json_array_size(vulns), 8);
	json_array_foreach (vulns, i, v) {
		json_t *aff = json_array_get(json_object_get(v, "affects"), 0);
		json_t *c = by_key(comps, "bom-ref", jstr(aff, "ref"));

		assert_non_null(jstr(v, "bom-ref"));
		assert_non_null(c);
		assert_string_equal(
			jstr(json_array_get(json_object_get(aff, "versions"), 0), "version"),
			jstr(c, "version"));
		assert_int_equal(json_array_size(json_object_get(v, "affects")), 1);
		/* unique refs */
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(jstr(json_array_get(vulns, k), "bom-ref"),
						jstr(v, "bom-ref"));
	}
	v = by_key(vulns, "id", "CVE-2024-27351");
	assert_non_null(v);
	assert_string_equal(jstr(json_object_get(v, "source"), "name"), "NVD");
	assert_int_equal(json_array_size(json_object_get(v, "references")), 2);
	a = json_array_get(json_object_get(v, "references"), 0);
	assert_string_equal(jstr(a, "id"), "GHSA-vm8q-m57g-pff3");
	assert_string_equal(jstr(json_object_get(a, "source"), "name"), "GitHub");
	/* severity from the CVSS: one rating, not repeated as "other" */
	assert_int_equal(json_array_size(json_object_get(v, "ratings")), 1);
	a = json_array_get(json_object_get(v, "ratings"), 0);
	assert_string_equal(jstr(a, "method"), "CVSSv3");
	assert_string_equal(jstr(a, "severity"), "critical");
	assert_true(json_real_value(json_object_get(a, "score")) > 9.7);
	assert_string_equal(jstr(a, "vector"), "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	assert_string_equal(jstr(v, "description"), "Django ReDoS in Truncator.words");
	assert_string_equal(jstr(json_array_get(json_object_get(v, "advisories"), 0), "url"),
			    "https://osv.dev/vulnerability/GHSA-vm8q-m57g-pff3");
	assert_null(json_object_get(v, "analysis"));
	assert_string_equal(
		jstr(by_key(json_object_get(v, "properties"), "name", "customs:kev"), "value"),
		"true");

	/* the distribution's own severity beside the CVSS v3.1 one */
	v = by_key(vulns, "id", "CVE-2024-9143");
	a = json_object_get(v, "ratings");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(jstr(json_array_get(a, 0), "method"), "CVSSv31");
	assert_string_equal(jstr(json_array_get(a, 1), "method"), "other");
	assert_string_equal(jstr(json_array_get(a, 1), "severity"), "high");
	assert_string_equal(jstr(json_object_get(json_array_get(a, 1), "source"), "name"),
			    "test-feed");
	v = by_key(vulns, "id", "GHSA-aaaa-bbbb-cccc");
	assert_string_equal(jstr(json_array_get(json_object_get(v, "ratings"), 0), "method"),
			    "CVSSv4");
	assert_string_equal(jstr(json_object_get(v, "source"), "name"), "GitHub");

	/* suppressed: not_affected, with the VEX justification mapped */
	v = by_key(vulns, "id", "CVE-2023-42364");
	a = json_object_get(v, "analysis");
	assert_string_equal(jstr(a, "state"), "not_affected");
	assert_string_equal(jstr(a, "justification"), "code_not_present");
	assert_non_null(strstr(jstr(a, "detail"), "awk is not used"));
	v = by_key(vulns, "id", "CVE-2023-46695");
	a = json_object_get(v, "analysis");
	assert_string_equal(jstr(a, "state"), "not_affected");
	assert_null(json_object_get(a, "justification"));
	assert_non_null(strstr(jstr(a, "detail"), "ignore-file:.customsignore"));

	json_decref(root);
	json_decref(sbom);
	teardown_scan(&fx);
}

static int xpath_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	int n;

	assert_non_null(ctx);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	n = o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static char *xpath_string(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	xmlChar *x;
	char *s;

	assert_non_null(ctx);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	assert_non_null(o);
	x = xmlXPathCastToString(o);
	s = cs_strdup(x ? (const char *)x : "");
	xmlFree(x);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static void check_junit(bool hostile)
{
	struct fixture fx;
	xmlDocPtr doc;
	size_t len;
	char *xml, *s;

	setup_scan(&fx, hostile);
	xml = render(&fx, CS_REPORT_JUNIT, &len);
	doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("the JUnit report is not well-formed XML:\n%s", xml);
	assert_int_equal(xpath_count(doc, "/testsuites/testsuite"), 3); /* os, npm, pypi */
	assert_int_equal(xpath_count(doc, "//testcase"), 8);
	assert_int_equal(xpath_count(doc, "//testcase/failure"), 6);
	assert_int_equal(xpath_count(doc, "//testcase/skipped"), 2);
	s = xpath_string(doc, "/testsuites/@tests");
	assert_string_equal(s, "8");
	free(s);
	s = xpath_string(doc, "/testsuites/@failures");
	assert_string_equal(s, "6");
	free(s);
	s = xpath_string(doc, "/testsuites/@skipped");
	assert_string_equal(s, "2");
	free(s);
	/* sections in the table's order, counts per section */
	s = xpath_string(doc, "/testsuites/testsuite[1]/@name");
	assert_string_equal(s, "OS packages");
	free(s);
	s = xpath_string(doc, "/testsuites/testsuite[1]/@tests");
	assert_string_equal(s, "4");
	free(s);
	s = xpath_string(doc, "/testsuites/testsuite[3]/@name");
	assert_string_equal(s, "pypi");
	free(s);
	s = xpath_string(doc, "//testcase[@name='CVE-2024-27351']/@classname");
	assert_string_equal(s, "Django@4.2.1");
	free(s);
	s = xpath_string(doc, "//testcase[@name='CVE-2024-27351']/failure/@type");
	assert_string_equal(s, "critical");
	free(s);
	s = xpath_string(doc, "//testcase[@name='CVE-2023-46695']/skipped/@message");
	assert_string_equal(s, "accepted until the next release");
	free(s);
	if (hostile) {
		/* the hostile title comes back as text, control characters replaced */
		s = xpath_string(doc, "//testcase[@name='PYSEC-2099-1']/failure/@message");
		assert_non_null(strstr(s, HOSTILE " & \"quotes\" 'too' ]]> \xef\xbf\xbd"));
		free(s);
		s = xpath_string(doc, "//testcase[@name='PYSEC-2099-1']/@classname");
		assert_string_equal(s, "evil" HOSTILE "[x](1)@1.0");
		free(s);
		assert_int_equal(xpath_count(doc, "//script"), 0);
	}
	xmlFreeDoc(doc);
	free(xml);
	teardown_scan(&fx);
}

static void test_junit(void **state)
{
	(void)state;
	check_junit(false);
	check_junit(true);
}

static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_html(void **state)
{
	struct fixture fx;
	char *html;

	(void)state;
	setup_scan(&fx, true);
	html = render(&fx, CS_REPORT_HTML, NULL);
	/* the page's own script only, admitted by hash */
	assert_int_equal(count_of(html, "<script"), 1);
	assert_non_null(strstr(html, "script-src 'sha256-"));
	assert_null(strstr(html, HOSTILE));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<iframe"));
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "javascript:"));
	assert_non_null(strstr(html,
			       "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; "
			       "&#39;too&#39;"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(2)&gt;"));
	assert_non_null(strstr(html, "&lt;iframe src=//x&gt;"));
	/* counts, links and sections */
	assert_non_null(strstr(html, "id=\"total\">6 vulnerabilities<"));
	assert_non_null(
		strstr(html, "<a href=\"https://osv.dev/vulnerability/GHSA-vm8q-m57g-pff3\""));
	assert_non_null(strstr(html, ">OS packages <span"));
	assert_non_null(strstr(html, "id=\"suppressed\""));
	assert_non_null(strstr(html, "id=\"warnings\""));
	assert_non_null(strstr(html, "vulnerable_code_not_present: &lt;script&gt;"));
	assert_null(strstr(html, "\x01"));
	assert_null(strstr(html, "\xff"));
	free(html);
	teardown_scan(&fx);
}

/* every format writes something for an empty scan */
static void test_empty(void **state)
{
	struct cs_catalog *cat = NULL;
	struct cs_findings fs = { 0 };
	struct cs_scan_report rep = { .kind = "rootfs", .target = "/empty", .findings = &fs };
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	rep.cat = cat;
	for (int fmt = 0; fmt < _CS_REPORT_MAX; fmt++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		assert_non_null(f);
		if (cs_report_write((enum cs_report_format)fmt, &rep, NULL, f, &err) < 0)
			fail_msg("%s: %s", cs_report_format_name(fmt), err.msg);
		assert_int_equal(fclose(f), 0);
		assert_true(len > 0);
		if (fmt == CS_REPORT_SARIF || fmt == CS_REPORT_CYCLONEDX || fmt == CS_REPORT_JSON) {
			json_t *j = json_loadb(buf, len, 0, NULL);

			assert_non_null(j);
			json_decref(j);
		}
		free(buf);
	}
	cs_catalog_free(cat);
}

/* writing to a full disk is an error, not a silently short report */
static void test_write_error(void **state)
{
	struct fixture fx;
	struct cs_error err = CS_ERROR_INIT;
	FILE *f;

	(void)state;
	f = fopen("/dev/full", "w");
	if (!f)
		skip();
	setup_scan(&fx, false);
	for (int fmt = CS_REPORT_SARIF; fmt < _CS_REPORT_MAX; fmt++) {
		FILE *g = fopen("/dev/full", "w");

		assert_non_null(g);
		assert_true(cs_report_write((enum cs_report_format)fmt, &fx.rep, NULL, g, &err) <
			    0);
		fclose(g);
		cs_error_clear(&err);
	}
	fclose(f);
	teardown_scan(&fx);
}

static void test_helpers(void **state)
{
	static const struct {
		const char *in, *out;
	} clean[] = {
		{ NULL, "" },
		{ "plain \t tab\nline", "plain \t tab\nline" },
		{ "a\x01"
		  "b\x1b",
		  "a\xef\xbf\xbd"
		  "b\xef\xbf\xbd" },
		{ "\xff\xc3(", "\xef\xbf\xbd\xef\xbf\xbd(" },
		{ "\xef\xbf\xbe\xef\xbf\xbf.", "\xef\xbf\xbd\xef\xbf\xbd." },
		{ "caf\xc3\xa9 \xf0\x9f\x90\xb3", "caf\xc3\xa9 \xf0\x9f\x90\xb3" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* a surrogate */
	};
	static const char *const good[] = {
		"https://nvd.nist.gov/vuln/detail/CVE-2024-9143",
		"http://example.org/a?b=c&d=%2F#frag",
		"https://security-tracker.debian.org/tracker/CVE-2024-1(x)",
	};
	static const char *const bad[] = {
		NULL,
		"",
		"javascript:alert(1)",
		"data:text/html,<script>",
		"https://",
		"https:///path",
		"//example.org/",
		"https://example.org/a b",
		"https://example.org/\"onmouseover=x",
		"https://example.org/'x",
		"https://example.org/<x>",
		"https://example.org/%zz",
		"https://example.org/%4",
		"https://example.org/\x7f",
		"https://exampl\xc3\xa9.org/",
		"HTTPS://example.org/",
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(clean); i++) {
		char *c = report_clean(clean[i].in);

		assert_non_null(c);
		assert_string_equal(c, clean[i].out);
		free(c);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(good); i++)
		if (!report_url_ok(good[i]))
			fail_msg("'%s' should be a safe link", good[i]);
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
		if (report_url_ok(bad[i]))
			fail_msg("'%s' should not be a link", bad[i]);
	assert_int_equal(report_parse_time("2024-05-02T03:04:05Z"), 1714619045);
	assert_int_equal(report_parse_time("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(report_parse_time("yesterday"), -1);
	assert_int_equal(report_parse_time(NULL), -1);
}

/* --- issues ------------------------------------------------------------- */

#define RAW_SECRET "AKIAIOSFODNN7EXAMPLE"

static void add_issue(struct cs_issues *is, const struct cs_issue *x)
{
	assert_int_equal(cs_issues_add(is, x), 0);
}

/* issues of every kind; the Dockerfile ones alone when lint */
static struct cs_issues *make_issues(bool hostile, bool lint)
{
	struct cs_issues *is = NULL;
	char *redacted = cs_issue_redact(RAW_SECRET, strlen(RAW_SECRET));

	assert_non_null(redacted);
	assert_int_equal(cs_issues_new(&is), 0);
	add_issue(is, &(struct cs_issue){
			      .kind = CS_ISSUE_DOCKERFILE,
			      .rule_id = "DL3007",
			      .title = "Using latest is prone to errors",
			      .severity = CS_SEV_MEDIUM,
			      .path = lint ? NULL : "Dockerfile",
			      .line = 1,
			      .column = 1,
			      .end_line = 1,
			      .end_column = 20,
			      .layer = -1,
			      .where = "FROM alpine:latest",
			      .excerpt = "FROM alpine:latest",
			      .remediation = "Pin the version of the base image",
			      .url = "https://github.com/hadolint/hadolint/wiki/DL3007",
		      });
	add_issue(is, &(struct cs_issue){
			      .kind = CS_ISSUE_DOCKERFILE,
			      .rule_id = hostile ? "DL" HOSTILE : "DL3002",
			      .title = hostile ? "Last USER " HOSTILE " [x](javascript:alert(1))"
					       : "Last USER should not be root",
			      .severity = CS_SEV_HIGH,
			      .line = 9,
			      .layer = -1,
			      .excerpt = hostile ? "USER \x1b[31m<b>root</b> \xff" : "USER root",
			      .url = hostile ? "javascript:alert(1)" : NULL,
		      });
	add_issue(is, &(struct cs_issue){
			      .kind = CS_ISSUE_DOCKERFILE,
			      .rule_id = "DL3008",
			      .title = "Pin versions in apt-get install",
			      .severity = CS_SEV_LOW,
			      .line = 4,
			      .layer = -1,
		      });
	if (!lint) {
		add_issue(is, &(struct cs_issue){
				      .kind = CS_ISSUE_SECRET,
				      .rule_id = "aws-access-token",
				      .title = "AWS access key ID",
				      .severity = CS_SEV_CRITICAL,
				      .path = "app/.env",
				      .line = 3,
				      .column = 5,
				      .end_line = 3,
				      .end_column = 25,
				      .layer = 1,
				      .excerpt = redacted,
				      .message = "an AWS access key ID in a file of the image",
				      .remediation = "Revoke the key and remove the file",
				      .url = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
					     "id_credentials_access-keys.html",
			      });
		add_issue(is, &(struct cs_issue){
				      .kind = CS_ISSUE_SECRET,
				      .rule_id = "generic-api-key",
				      .title = hostile ? HOSTILE : "Generic API key",
				      .severity = CS_SEV_HIGH,
				      .path = hostile ? "app/a b:c/<x>\"'&.env" : "app/old.env",
				      .line = 7,
				      .layer = 0,
				      .deleted = true,
				      .excerpt = hostile ? "<scr*****" : "abcd*****",
			      });
		add_issue(is, &(struct cs_issue){
				      .kind = CS_ISSUE_MALWARE,
				      .rule_id = "EICAR",
				      .title = "EICAR test file",
				      .severity = CS_SEV_CRITICAL,
				      .path = "tmp/eicar.com",
				      .layer = 2,
				      .message = "SHA-256 on the blocklist",
			      });
		add_issue(is,
			  &(struct cs_issue){
				  .kind = CS_ISSUE_CONFIG,
				  .rule_id = "CIS-4.1",
				  .title = "The image runs as root",
				  .severity = CS_SEV_HIGH,
				  .layer = -1,
				  .where = "config.User",
				  .message = hostile ? "<img src=x onerror=alert(3)>" : "no USER",
				  .remediation = "Add a USER instruction",
				  .url = "https://www.cisecurity.org/benchmark/docker",
			  });
		add_issue(is, &(struct cs_issue){
				      .kind = CS_ISSUE_CONFIG,
				      .rule_id = "secret-in-env",
				      .title = "A secret in the environment",
				      .severity = CS_SEV_UNKNOWN,
				      .layer = 3,
				      .where = "history[3].created_by",
				      .excerpt = "ENV AWS_SECRET=wJal*****",
			      });
		add_issue(is, &(struct cs_issue){
				      .kind = CS_ISSUE_SECRET,
				      .rule_id = "private-key",
				      .title = "Private key",
				      .severity = CS_SEV_HIGH,
				      .path = "root/.ssh/id_rsa",
				      .line = 1,
				      .layer = 1,
				      .excerpt = "----*****",
			      });
		/* suppressed: the private key (a test key) */
		assert_int_equal(cs_issues_suppress(is, is->n - 1, "ignore-file:.customsignore",
						    hostile ? "test key " HOSTILE
							    : "a test key, never deployed"),
				 0);
	}
	/* suppressed: DL3008 */
	assert_int_equal(cs_issues_suppress(is, 2, "inline:# customs:ignore DL3008", NULL), 0);
	assert_int_equal(cs_issues_warn(is, "secret: skipped app/big.bin (larger than 10 MiB)%s",
					hostile ? " <iframe src=//x>" : ""),
			 0);
	free(redacted);
	return is;
}

/* the scan of setup_scan with issues of every kind */
static void setup_issues(struct fixture *fx, bool hostile)
{
	setup_scan(fx, hostile);
	fx->is = make_issues(hostile, false);
	fx->rep.issues = fx->is;
	fx->name = hostile ? "issues-hostile" : "issues";
}

/* a Dockerfile lint: no catalog, no findings, no image */
static void setup_lint(struct fixture *fx, bool hostile)
{
	memset(fx, 0, sizeof(*fx));
	fx->is = make_issues(hostile, true);
	fx->rep = (struct cs_scan_report){
		.kind = "dockerfile",
		.target = "./sub dir/Dockerfile",
		.issues = fx->is,
		.generated = "2024-05-02T03:04:05Z",
	};
	fx->name = hostile ? "lint-hostile" : "lint";
}

static json_t *issue_of(json_t *issues, const char *rule)
{
	json_t *x = by_key(issues, "ruleId", rule);

	if (!x)
		fail_msg("no issue %s", rule);
	return x;
}

static void test_issues_json(void **state)
{
	struct fixture fx;
	json_t *root, *issues, *x, *w;
	size_t i;
	bool warned = false;

	(void)state;
	setup_issues(&fx, false);
	root = render_json(&fx, CS_REPORT_JSON);
	assert_string_equal(jstr(root, "schema"), "customs.scan/v1");
	assert_int_equal(json_integer_value(json_object_get(root, "count")), 6);
	issues = json_object_get(root, "issues");
	assert_int_equal(json_array_size(issues), 7);
	assert_int_equal(json_integer_value(json_object_get(root, "issueCount")), 7);
	assert_int_equal(json_array_size(json_object_get(root, "suppressedIssues")), 2);
	x = issue_of(issues, "aws-access-token");
	assert_string_equal(jstr(x, "kind"), "secret");
	assert_string_equal(jstr(x, "severity"), "critical");
	assert_string_equal(jstr(x, "path"), "app/.env");
	assert_int_equal(json_integer_value(json_object_get(x, "line")), 3);
	assert_int_equal(json_integer_value(json_object_get(x, "column")), 5);
	assert_int_equal(json_integer_value(json_object_get(x, "endLine")), 3);
	assert_int_equal(json_integer_value(json_object_get(x, "endColumn")), 25);
	assert_int_equal(json_integer_value(json_object_get(x, "layer")), 1);
	assert_true(json_is_false(json_object_get(x, "deleted")));
	assert_string_equal(jstr(x, "excerpt"), "AKIA*****");
	assert_non_null(jstr(x, "remediation"));
	assert_non_null(jstr(x, "url"));
	assert_null(json_object_get(x, "suppressedBy"));
	x = issue_of(issues, "generic-api-key");
	assert_true(json_is_true(json_object_get(x, "deleted")));
	assert_int_equal(json_integer_value(json_object_get(x, "layer")), 0);
	assert_true(json_is_null(json_object_get(x, "column")));
	/* a setting: no path, no position, no layer */
	x = issue_of(issues, "CIS-4.1");
	assert_string_equal(jstr(x, "kind"), "config");
	assert_true(json_is_null(json_object_get(x, "path")));
	assert_true(json_is_null(json_object_get(x, "line")));
	assert_true(json_is_null(json_object_get(x, "layer")));
	assert_string_equal(jstr(x, "where"), "config.User");
	x = issue_of(json_object_get(root, "suppressedIssues"), "private-key");
	assert_string_equal(jstr(x, "suppressedBy"), "ignore-file:.customsignore");
	assert_string_equal(jstr(x, "justification"), "a test key, never deployed");
	x = issue_of(json_object_get(root, "suppressedIssues"), "DL3008");
	assert_true(json_is_null(json_object_get(x, "justification")));
	json_array_foreach (json_object_get(root, "warnings"), i, w)
		warned |= strstr(json_string_value(w), "skipped app/big.bin") != NULL;
	assert_true(warned);
	json_decref(root);
	teardown_scan(&fx);

	/* a lint: no catalog, no findings */
	setup_lint(&fx, false);
	root = render_json(&fx, CS_REPORT_JSON);
	assert_true(json_is_null(json_object_get(json_object_get(root, "target"), "packages")));
	assert_string_equal(jstr(json_object_get(root, "target"), "kind"), "dockerfile");
	assert_true(json_is_null(json_object_get(root, "os")));
	assert_int_equal(json_array_size(json_object_get(root, "findings")), 0);
	assert_int_equal(json_integer_value(json_object_get(root, "count")), 0);
	assert_int_equal(json_integer_value(json_object_get(root, "issueCount")), 2);
	json_decref(root);
	teardown_scan(&fx);
}

static json_t *sarif_run(json_t *root)
{
	return json_array_get(json_object_get(root, "runs"), 0);
}

static json_t *issue_result(json_t *results, const char *rule)
{
	size_t i;
	json_t *r;

	json_array_foreach (results, i, r)
		if (!strcmp(jstr(r, "ruleId"), rule))
			return r;
	fail_msg("no result for %s", rule);
	return NULL;
}

static json_t *phys(json_t *result)
{
	return json_object_get(json_array_get(json_object_get(result, "locations"), 0),
			       "physicalLocation");
}

static const char *result_uri(json_t *result)
{
	return jstr(json_object_get(phys(result), "artifactLocation"), "uri");
}

static json_int_t region_int(json_t *result, const char *key)
{
	json_t *v = json_object_get(json_object_get(phys(result), "region"), key);

	return v ? json_integer_value(v) : -1;
}

static void check_sarif_consistent(json_t *run)
{
	json_t *rules =
		json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	json_t *r;
	size_t i;

	json_array_foreach (json_object_get(run, "results"), i, r) {
		size_t k = json_integer_value(json_object_get(r, "ruleIndex"));

		assert_true(k < json_array_size(rules));
		assert_string_equal(jstr(json_array_get(rules, k), "id"), jstr(r, "ruleId"));
		assert_non_null(result_uri(r));
		assert_true(result_uri(r)[0] != '/');
		assert_null(strchr(result_uri(r), ':'));
		assert_true(region_int(r, "startLine") >= 1);
		assert_non_null(jstr(json_object_get(r, "message"), "text"));
	}
	for (i = 0; i < json_array_size(rules); i++)
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(jstr(json_array_get(rules, i), "id"),
						jstr(json_array_get(rules, k), "id"));
}

static void test_issues_sarif(void **state)
{
	struct fixture fx;
	json_t *root, *run, *rules, *results, *r, *rule, *props;
	char *doc;

	(void)state;
	setup_issues(&fx, false);
	root = render_json(&fx, CS_REPORT_SARIF);
	run = sarif_run(root);
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	results = json_object_get(run, "results");
	/* 8 findings of 7 ids; 9 issues of 9 rules */
	assert_int_equal(json_array_size(results), 8 + 9);
	assert_int_equal(json_array_size(rules), 7 + 9);
	check_sarif_consistent(run);
	rule = by_key(rules, "id", "secret/aws-access-token");
	assert_non_null(rule);
	props = json_object_get(rule, "properties");
	assert_string_equal(jstr(props, "security-severity"), "9.5");
	assert_string_equal(json_string_value(json_array_get(json_object_get(props, "tags"), 0)),
			    "secret");
	assert_string_equal(jstr(json_object_get(rule, "defaultConfiguration"), "level"), "error");
	assert_non_null(strstr(jstr(rule, "helpUri"), "docs.aws.amazon.com"));
	assert_non_null(strstr(jstr(json_object_get(rule, "help"), "text"), "Revoke the key"));
	rule = by_key(rules, "id", "dockerfile/DL3007");
	assert_string_equal(jstr(json_object_get(rule, "defaultConfiguration"), "level"),
			    "warning");
	assert_string_equal(jstr(json_object_get(rule, "properties"), "security-severity"), "5.5");
	assert_non_null(by_key(rules, "id", "malware/EICAR"));
	assert_non_null(by_key(rules, "id", "config/CIS-4.1"));
	assert_null(jstr(json_object_get(by_key(rules, "id", "config/secret-in-env"), "properties"),
			 "security-severity")); /* unknown severity: none claimed */

	/* a secret: its file, its position */
	r = issue_result(results, "secret/aws-access-token");
	assert_string_equal(result_uri(r), "app/.env");
	assert_int_equal(region_int(r, "startLine"), 3);
	assert_int_equal(region_int(r, "startColumn"), 5);
	assert_int_equal(region_int(r, "endLine"), 3);
	assert_int_equal(region_int(r, "endColumn"), 25);
	assert_string_equal(jstr(r, "level"), "error");
	assert_non_null(strstr(jstr(json_object_get(r, "message"), "text"), "AKIA*****"));
	assert_int_equal(
		strlen(jstr(json_object_get(r, "partialFingerprints"), "customsIssueHash/v1")), 64);
	assert_null(json_object_get(r, "suppressions"));
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(r, "properties"), "layer")), 1);
	/* a whole file: line 1, no columns */
	r = issue_result(results, "malware/EICAR");
	assert_string_equal(result_uri(r), "tmp/eicar.com");
	assert_int_equal(region_int(r, "startLine"), 1);
	assert_int_equal(region_int(r, "startColumn"), -1);
	assert_int_equal(region_int(r, "endLine"), -1);
	/* a setting: the target by name, the setting as a logical location */
	r = issue_result(results, "config/CIS-4.1");
	assert_string_equal(result_uri(r), "tests/app.cdx.json");
	assert_string_equal(
		jstr(json_array_get(
			     json_object_get(json_array_get(json_object_get(r, "locations"), 0),
					     "logicalLocations"),
			     0),
		     "fullyQualifiedName"),
		"config.User");
	r = issue_result(results, "secret/generic-api-key");
	assert_true(json_is_true(json_object_get(json_object_get(r, "properties"), "deleted")));
	assert_non_null(strstr(jstr(json_object_get(r, "message"), "text"), "deleted"));
	/* suppressed */
	r = issue_result(results, "secret/private-key");
	rule = json_array_get(json_object_get(r, "suppressions"), 0);
	assert_string_equal(jstr(rule, "kind"), "external");
	assert_string_equal(jstr(rule, "justification"),
			    "ignore-file:.customsignore: a test key, never deployed");
	r = issue_result(results, "dockerfile/DL3008");
	assert_string_equal(
		jstr(json_array_get(json_object_get(r, "suppressions"), 0), "justification"),
		"inline:# customs:ignore DL3008");
	json_decref(root);
	doc = render(&fx, CS_REPORT_SARIF, NULL);
	assert_null(strstr(doc, RAW_SECRET));
	free(doc);
	teardown_scan(&fx);

	/* hostile: encoded paths, no links from names, no javascript: help */
	setup_issues(&fx, true);
	root = render_json(&fx, CS_REPORT_SARIF);
	run = sarif_run(root);
	check_sarif_consistent(run);
	results = json_object_get(run, "results");
	r = issue_result(results, "secret/generic-api-key");
	assert_string_equal(result_uri(r), "app/a%20b%3Ac/%3Cx%3E%22%27%26.env");
	rule = by_key(
		json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules"),
		"id", "dockerfile/DL" HOSTILE);
	assert_non_null(rule);
	assert_null(json_object_get(rule, "helpUri"));
	assert_null(strstr(jstr(json_object_get(rule, "help"), "markdown"), "<script>"));
	r = issue_result(results, "dockerfile/DL" HOSTILE);
	assert_non_null(strstr(jstr(json_object_get(r, "message"), "text"), "\\[x\\](javascript"));
	json_decref(root);
	teardown_scan(&fx);

	/* a lint: the Dockerfile as given, relative, encoded */
	setup_lint(&fx, false);
	root = render_json(&fx, CS_REPORT_SARIF);
	run = sarif_run(root);
	check_sarif_consistent(run);
	results = json_object_get(run, "results");
	assert_int_equal(json_array_size(results), 3);
	r = issue_result(results, "dockerfile/DL3007");
	assert_string_equal(result_uri(r), "sub%20dir/Dockerfile");
	assert_int_equal(region_int(r, "startColumn"), 1);
	assert_int_equal(region_int(r, "endColumn"), 20);
	assert_null(json_object_get(json_object_get(run, "properties"), "os"));
	json_decref(root);
	fx.rep.target = "/abs/Dockerfile";
	root = render_json(&fx, CS_REPORT_SARIF);
	r = issue_result(json_object_get(sarif_run(root), "results"), "dockerfile/DL3002");
	assert_string_equal(result_uri(r), "abs/Dockerfile");
	assert_int_equal(region_int(r, "startLine"), 9);
	json_decref(root);
	teardown_scan(&fx);
}

static void check_issues_junit(bool hostile)
{
	struct fixture fx;
	xmlDocPtr doc;
	size_t len;
	char *xml, *s;

	setup_issues(&fx, hostile);
	xml = render(&fx, CS_REPORT_JUNIT, &len);
	doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("the JUnit report is not well-formed XML:\n%s", xml);
	/* os, npm, pypi, then secrets, malware, configuration, Dockerfile */
	assert_int_equal(xpath_count(doc, "/testsuites/testsuite"), 7);
	s = xpath_string(doc, "/testsuites/@tests");
	assert_string_equal(s, "17");
	free(s);
	s = xpath_string(doc, "/testsuites/@failures");
	assert_string_equal(s, "13");
	free(s);
	s = xpath_string(doc, "/testsuites/@skipped");
	assert_string_equal(s, "4");
	free(s);
	s = xpath_string(doc, "/testsuites/testsuite[4]/@name");
	assert_string_equal(s, "Secrets");
	free(s);
	s = xpath_string(doc, "/testsuites/testsuite[4]/@tests");
	assert_string_equal(s, "3");
	free(s);
	s = xpath_string(doc, "/testsuites/testsuite[4]/@skipped");
	assert_string_equal(s, "1");
	free(s);
	s = xpath_string(doc, "/testsuites/testsuite[7]/@name");
	assert_string_equal(s, "Dockerfile");
	free(s);
	/* most severe first */
	s = xpath_string(doc, "/testsuites/testsuite[4]/testcase[1]/@name");
	assert_string_equal(s, "aws-access-token");
	free(s);
	s = xpath_string(doc, "//testcase[@name='aws-access-token']/@classname");
	assert_string_equal(s, "app/.env");
	free(s);
	s = xpath_string(doc, "//testcase[@name='aws-access-token']/failure/@type");
	assert_string_equal(s, "critical");
	free(s);
	s = xpath_string(doc, "//testcase[@name='CIS-4.1']/@classname");
	assert_string_equal(s, "config.User");
	free(s);
	s = xpath_string(doc, "//testcase[@name='private-key']/skipped/@message");
	assert_string_equal(s, hostile ? "test key " HOSTILE : "a test key, never deployed");
	free(s);
	s = xpath_string(doc, "//testcase[@name='DL3008']/skipped/@message");
	assert_string_equal(s, "inline:# customs:ignore DL3008");
	free(s);
	if (hostile) {
		s = xpath_string(doc, "//testcase[@name='DL" HOSTILE "']/failure");
		assert_non_null(strstr(s, "USER \xef\xbf\xbd[31m<b>root</b> \xef\xbf\xbd"));
		free(s);
		assert_int_equal(xpath_count(doc, "//script"), 0);
	}
	assert_null(strstr(xml, RAW_SECRET));
	xmlFreeDoc(doc);
	free(xml);
	teardown_scan(&fx);

	setup_lint(&fx, hostile);
	xml = render(&fx, CS_REPORT_JUNIT, &len);
	doc = xmlReadMemory(xml, (int)len, "junit.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_int_equal(xpath_count(doc, "/testsuites/testsuite"), 1);
	s = xpath_string(doc, "/testsuites/@tests");
	assert_string_equal(s, "3");
	free(s);
	s = xpath_string(doc, "//testcase[@name='DL3007']/@classname");
	assert_string_equal(s, "./sub dir/Dockerfile");
	free(s);
	xmlFreeDoc(doc);
	free(xml);
	teardown_scan(&fx);
}

static void test_issues_junit(void **state)
{
	(void)state;
	check_issues_junit(false);
	check_issues_junit(true);
}

static void test_issues_html(void **state)
{
	struct fixture fx;
	char *html;

	(void)state;
	setup_issues(&fx, true);
	html = render(&fx, CS_REPORT_HTML, NULL);
	assert_int_equal(count_of(html, "<script"), 1);
	assert_null(strstr(html, HOSTILE));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<iframe"));
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "javascript:alert(1)\""));
	assert_null(strstr(html, "href=\"javascript"));
	assert_null(strstr(html, "\x1b"));
	assert_null(strstr(html, RAW_SECRET));
	for (int k = 0; k < _CS_ISSUE_KIND_MAX; k++) {
		char id[64];

		snprintf(id, sizeof(id), "id=\"issues-%s\"", cs_issue_kind_name(k));
		assert_non_null(strstr(html, id));
	}
	assert_non_null(strstr(html, "id=\"issue-total\">7 issues<"));
	assert_non_null(strstr(html, "<code>AKIA*****</code>"));
	assert_non_null(strstr(html, "<code>USER \xef\xbf\xbd[31m&lt;b&gt;root&lt;/b&gt;"));
	assert_non_null(strstr(html, "&lt;img src=x onerror=alert(3)&gt;"));
	assert_non_null(strstr(html, "app/a b:c/&lt;x&gt;&quot;&#39;&amp;.env:7"));
	assert_non_null(strstr(html, "deleted by a later layer"));
	assert_non_null(strstr(html, "Suppressed issues <span class=\"sub\">(2)</span>"));
	assert_non_null(strstr(html, "test key &lt;script&gt;"));
	assert_non_null(strstr(html, "skipped app/big.bin (larger than 10 MiB) &lt;iframe"));
	assert_non_null(strstr(html, "id=\"total\">6 vulnerabilities<"));
	free(html);
	teardown_scan(&fx);

	setup_lint(&fx, false);
	html = render(&fx, CS_REPORT_HTML, NULL);
	assert_non_null(strstr(html, "<h1>Issue report</h1>"));
	assert_null(strstr(html, "vulnerabilities"));
	assert_null(strstr(html, "<dt>Packages</dt>"));
	assert_non_null(strstr(html, "id=\"issue-total\">2 issues<"));
	assert_non_null(strstr(html, "id=\"issues-dockerfile\""));
	assert_null(strstr(html, "id=\"issues-secret\""));
	assert_non_null(
		strstr(html, "<a href=\"https://github.com/hadolint/hadolint/wiki/DL3007\""));
	free(html);
	teardown_scan(&fx);
}

static void test_issues_table(void **state)
{
	struct fixture fx;
	char *t;
	const char *sec, *aws, *gen;

	(void)state;
	setup_issues(&fx, true);
	t = render(&fx, CS_REPORT_TABLE, NULL);
	assert_null(strstr(t, "\x1b"));
	assert_null(strstr(t, RAW_SECRET));
	assert_non_null(strstr(t, "Packages: 6"));
	sec = strstr(t, "\nSecrets\nIssues: 2 (critical: 1, high: 1, medium: 0, low: 0, "
			"negligible: 0, unknown: 0)\nSuppressed: 1\n");
	assert_non_null(sec);
	/* after the vulnerabilities, the kinds in order, most severe first */
	assert_true(sec > strstr(t, "OS packages"));
	assert_true(strstr(t, "\nMalware\n") > sec);
	assert_true(strstr(t, "\nConfiguration\n") > strstr(t, "\nMalware\n"));
	assert_true(strstr(t, "\nDockerfile\n") > strstr(t, "\nConfiguration\n"));
	aws = strstr(t, "aws-access-token");
	gen = strstr(t, "generic-api-key");
	assert_true(aws && gen && aws < gen);
	assert_non_null(strstr(t, "app/.env:3:5"));
	assert_non_null(strstr(t, "0 deleted"));
	assert_non_null(strstr(t, "AWS access key ID | AKIA*****"));
	assert_non_null(strstr(t, "config.User"));
	assert_non_null(strstr(t, "\nSuppressed issues: 2\n"));
	assert_non_null(strstr(t, "ignore-file:.customsignore"));
	free(t);
	teardown_scan(&fx);

	/* a lint: the issues alone */
	setup_lint(&fx, false);
	t = render(&fx, CS_REPORT_TABLE, NULL);
	assert_null(strstr(t, "Packages:"));
	assert_null(strstr(t, "Vulnerabilities"));
	assert_null(strstr(t, "OS"));
	assert_non_null(strstr(t, "./sub dir/Dockerfile (dockerfile)\n"));
	assert_non_null(strstr(t, "\nDockerfile\nIssues: 2 (critical: 0, high: 1, medium: 1"));
	assert_true(strstr(t, "DL3002") < strstr(t, "DL3007"));
	assert_non_null(strstr(t, "line 9 "));
	assert_non_null(strstr(t, "line 1:1 (FROM alpine:latest)"));
	assert_non_null(strstr(t, "FROM alpine:latest"));
	free(t);
	/* nothing found */
	fx.is->n = 0;
	fx.is->n_suppressed = 0;
	t = render(&fx, CS_REPORT_TABLE, NULL);
	assert_non_null(strstr(t, "Issues: 0"));
	free(t);
	fx.is->n = 2;
	fx.is->n_suppressed = 1;
	teardown_scan(&fx);
}

/* every format with issues, and a report of nothing at all (no catalog, findings, issues) */
static void test_issues_every_format(void **state)
{
	struct fixture fx[5];
	struct cs_scan_report nothing = { .kind = "dockerfile", .target = "Dockerfile" };
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	setup_issues(&fx[0], false);
	setup_issues(&fx[1], true);
	setup_lint(&fx[2], false);
	setup_lint(&fx[3], true);
	memset(&fx[4], 0, sizeof(fx[4]));
	fx[4].rep = nothing;
	fx[4].name = "nothing";
	for (size_t i = 0; i < CS_ARRAY_SIZE(fx); i++) {
		for (int fmt = 0; fmt < _CS_REPORT_MAX; fmt++) {
			size_t len;
			char *doc = render(&fx[i], (enum cs_report_format)fmt, &len);

			assert_true(len > 0);
			assert_null(strstr(doc, RAW_SECRET));
			if (fmt == CS_REPORT_SARIF || fmt == CS_REPORT_CYCLONEDX ||
			    fmt == CS_REPORT_JSON) {
				json_t *j = json_loadb(doc, len, 0, NULL);

				assert_non_null(j);
				/* CycloneDX leaves issues out, and has no components for a lint */
				if (fmt == CS_REPORT_CYCLONEDX && !fx[i].rep.cat)
					assert_int_equal(
						json_array_size(json_object_get(j, "components")),
						0);
				json_decref(j);
			}
			free(doc);
		}
		teardown_scan(&fx[i]);
	}
	/* and to a full disk: an error (the formats test_write_error checks) */
	setup_lint(&fx[0], false);
	for (int fmt = CS_REPORT_SARIF; fmt < _CS_REPORT_MAX; fmt++) {
		FILE *g = fopen("/dev/full", "w");

		if (!g)
			break;
		assert_true(cs_report_write((enum cs_report_format)fmt, &fx[0].rep, NULL, g, &err) <
			    0);
		fclose(g);
		cs_error_clear(&err);
	}
	teardown_scan(&fx[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sarif),	     cmocka_unit_test(test_sarif_hostile),
		cmocka_unit_test(test_cyclonedx),    cmocka_unit_test(test_junit),
		cmocka_unit_test(test_html),	     cmocka_unit_test(test_empty),
		cmocka_unit_test(test_write_error),  cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_issues_json),  cmocka_unit_test(test_issues_sarif),
		cmocka_unit_test(test_issues_junit), cmocka_unit_test(test_issues_html),
		cmocka_unit_test(test_issues_table), cmocka_unit_test(test_issues_every_format),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return r;
}
