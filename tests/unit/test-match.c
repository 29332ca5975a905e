/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matcher over a real database file written with the vulndb writer:
 * namespaces, source vs binary names, OSV range semantics, fix states,
 * alias merging, --ignore-unfixed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "catalog/package.h"
#include "match/match.h"

static char dbpath[256];

static void put(struct cs_vulndb_writer *w, const char *ns, const char *pkg, const char *id,
		enum cs_version_scheme scheme, const char *ranges, const char *fixed,
		enum cs_fix_state st, enum cs_severity sev)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_affected a = { ns, pkg, id, "test", scheme, ranges, fixed, st, sev, NULL };

	if (cs_vulndb_put_affected(w, &a, &err) < 0)
		fail_msg("%s", err.msg);
}

static int setup(void **state)
{
	struct cs_vulndb_writer *w;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vuln v = { 0 };

	(void)state;
	snprintf(dbpath, sizeof(dbpath), "%s/customs-match-%d.sqlite",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	if (cs_vulndb_writer_new(dbpath, &w, &err) < 0)
		fail_msg("%s", err.msg);
	/* Debian: source package openssl, binary libssl3 */
	put(w, "debian:12", "openssl", "CVE-2024-0001", CS_VERSION_DPKG,
	    "[{\"introduced\":\"0\"},{\"fixed\":\"3.0.15-1~deb12u1\"}]", "3.0.15-1~deb12u1",
	    CS_FIX_FIXED, CS_SEV_HIGH);
	put(w, "debian:12", "openssl", "CVE-2024-0002", CS_VERSION_DPKG, "[]", NULL,
	    CS_FIX_WONT_FIX, CS_SEV_LOW);
	put(w, "debian:12", "openssl", "CVE-2024-0003", CS_VERSION_DPKG, "[]", NULL,
	    CS_FIX_NOT_AFFECTED, CS_SEV_UNKNOWN);
	/* fixed before the installed version: no finding */
	put(w, "debian:12", "openssl", "CVE-2020-0004", CS_VERSION_DPKG,
	    "[{\"introduced\":\"0\"},{\"fixed\":\"1.1.1d-1\"}]", "1.1.1d-1", CS_FIX_FIXED,
	    CS_SEV_HIGH);
	/* another release: no finding */
	put(w, "debian:11", "openssl", "CVE-2024-0005", CS_VERSION_DPKG, "[]", NULL,
	    CS_FIX_AFFECTED, CS_SEV_HIGH);
	/* PyPI: two advisories naming one CVE */
	put(w, "pypi", "requests", "GHSA-j8r2-6x86-q33q", CS_VERSION_PEP440,
	    "[{\"introduced\":\"2.3.0\"},{\"fixed\":\"2.31.0\"}]", "2.31.0", CS_FIX_FIXED,
	    CS_SEV_UNKNOWN);
	put(w, "pypi", "requests", "PYSEC-2023-74", CS_VERSION_PEP440,
	    "[{\"introduced\":\"2.3.0\"},{\"fixed\":\"2.31.0\"}]", "2.31.0", CS_FIX_FIXED,
	    CS_SEV_UNKNOWN);
	/* Go: OSV writes versions without the v */
	put(w, "go", "stdlib", "GO-2023-1878", CS_VERSION_GO,
	    "[{\"introduced\":\"0\"},{\"fixed\":\"1.19.10\"},{\"introduced\":\"1.20.0\"},{\"fixed\":\"1.20.5\"}]",
	    "1.19.10, 1.20.5", CS_FIX_FIXED, CS_SEV_UNKNOWN);
	put(w, "go", "golang.org/x/net", "GO-2024-0001", CS_VERSION_GO,
	    "[{\"introduced\":\"0.1.0\"},{\"last_affected\":\"0.7.0\"}]", NULL, CS_FIX_AFFECTED,
	    CS_SEV_UNKNOWN);
	put(w, "go", "golang.org/x/text", "GO-2024-0002", CS_VERSION_GO,
	    "[{\"versions\":[\"0.3.0\",\"0.3.1\"]}]", NULL, CS_FIX_AFFECTED, CS_SEV_UNKNOWN);
	v.id = "GHSA-j8r2-6x86-q33q";
	v.summary = "Requests leaks Proxy-Authorization headers";
	v.severity = CS_SEV_MEDIUM;
	v.cvss3_score = 6.1;
	v.cvss3_vector = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N";
	if (cs_vulndb_put_vuln(w, &v, &err) < 0 ||
	    cs_vulndb_put_alias(w, "GHSA-j8r2-6x86-q33q", "CVE-2023-32681", &err) < 0 ||
	    cs_vulndb_put_alias(w, "PYSEC-2023-74", "CVE-2023-32681", &err) < 0 ||
	    cs_vulndb_put_kev(w, "CVE-2024-0001", "2024-05-01", "2024-05-22", "Unknown", "x",
			      &err) < 0 ||
	    cs_vulndb_writer_commit(w, &err) < 0)
		fail_msg("%s", err.msg);
	cs_vulndb_writer_free(w);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(dbpath);
	return 0;
}

static void add(struct cs_catalog *cat, enum cs_pkg_type t, const char *name, const char *source,
		const char *version)
{
	struct cs_package *p = cs_package_new(t);

	cs_package_set(&p->name, name, strlen(name));
	if (source)
		cs_package_set(&p->source_name, source, strlen(source));
	cs_package_set(&p->version, version, strlen(version));
	assert_int_equal(cs_catalog_add(cat, p), 0);
}

static const struct cs_finding *find(const struct cs_findings *fs, const char *pkg, const char *id)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].pkg->name, pkg) && !strcmp(fs->v[i].id, id))
			return &fs->v[i];
	return NULL;
}

static void test_match(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_vulndb *db;
	struct cs_catalog *cat;
	struct cs_findings *fs;
	const struct cs_finding *f;
	struct cs_match_options mo = { 0 };

	(void)state;
	if (cs_vulndb_open(dbpath, &db, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_set_os(cat, "debian", "12"), 0);
	add(cat, CS_PKG_DEB, "libssl3", "openssl", "3.0.11-1~deb12u2");
	add(cat, CS_PKG_PYPI, "Requests", NULL, "2.28.1");
	add(cat, CS_PKG_GOLANG, "stdlib", NULL, "1.19.8");
	add(cat, CS_PKG_GOLANG, "golang.org/x/net", NULL, "v0.7.0");
	add(cat, CS_PKG_GOLANG, "golang.org/x/text", NULL, "v0.3.2");
	if (cs_match_catalog(db, cat, &mo, &fs, &err) < 0)
		fail_msg("%s", err.msg);

	f = find(fs, "libssl3", "CVE-2024-0001");
	assert_non_null(f); /* binary package matched through its source */
	assert_string_equal(f->namespace, "debian:12");
	assert_string_equal(f->matched_name, "openssl");
	assert_int_equal(f->fix_state, CS_FIX_FIXED);
	assert_string_equal(f->fixed, "3.0.15-1~deb12u1");
	assert_int_equal(f->severity, CS_SEV_HIGH);
	assert_string_equal(f->severity_source, "distribution");
	assert_true(f->kev);
	f = find(fs, "libssl3", "CVE-2024-0002");
	assert_non_null(f);
	assert_int_equal(f->fix_state, CS_FIX_WONT_FIX);
	assert_null(f->fixed);
	assert_null(find(fs, "libssl3", "CVE-2024-0003")); /* not affected */
	assert_null(find(fs, "libssl3", "CVE-2020-0004")); /* fixed long ago */
	assert_null(find(fs, "libssl3", "CVE-2024-0005")); /* other release */

	/* two advisories, one CVE: one finding named by the CVE */
	f = find(fs, "Requests", "CVE-2023-32681");
	assert_non_null(f);
	assert_int_equal(f->n_aliases, 2);
	assert_string_equal(f->aliases[0], "GHSA-j8r2-6x86-q33q");
	assert_string_equal(f->aliases[1], "PYSEC-2023-74");
	assert_int_equal(f->severity, CS_SEV_MEDIUM);
	assert_string_equal(f->severity_source, "advisory");
	assert_string_equal(f->title, "Requests leaks Proxy-Authorization headers");

	assert_non_null(find(fs, "stdlib", "GO-2023-1878"));
	assert_non_null(
		find(fs, "golang.org/x/net", "GO-2024-0001"));	    /* last_affected is inclusive */
	assert_null(find(fs, "golang.org/x/text", "GO-2024-0002")); /* not in the list */
	assert_int_equal(fs->n, 5);
	/* most severe first */
	assert_int_equal(fs->v[0].severity, CS_SEV_HIGH);
	cs_findings_free(fs);

	mo.ignore_unfixed = true;
	if (cs_match_catalog(db, cat, &mo, &fs, &err) < 0)
		fail_msg("%s", err.msg);
	assert_null(find(fs, "libssl3", "CVE-2024-0002"));
	assert_null(find(fs, "golang.org/x/net", "GO-2024-0001"));
	assert_int_equal(fs->n, 3);
	cs_findings_free(fs);
	cs_catalog_free(cat);
	cs_vulndb_close(db);
}

static void test_ranges(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	bool hit;

	(void)state;
	assert_int_equal(cs_match_ranges(CS_VERSION_SEMVER, "1.5.0",
					 "[{\"introduced\":\"1.0.0\"},{\"fixed\":\"1.5.0\"}]", &hit,
					 &err),
			 0);
	assert_false(hit); /* fixed is exclusive */
	assert_int_equal(cs_match_ranges(CS_VERSION_SEMVER, "1.4.9",
					 "[{\"fixed\":\"1.5.0\"},{\"introduced\":\"1.0.0\"}]", &hit,
					 &err),
			 0);
	assert_true(hit); /* events are evaluated in version order */
	assert_int_equal(cs_match_ranges(CS_VERSION_SEMVER, "0.9.0",
					 "[{\"introduced\":\"1.0.0\"},{\"fixed\":\"1.5.0\"}]", &hit,
					 &err),
			 0);
	assert_false(hit);
	assert_int_equal(cs_match_ranges(CS_VERSION_APK, "1.36.1-r29", "[]", &hit, &err), 0);
	assert_true(hit); /* no range: every version */
	assert_int_equal(cs_match_ranges(CS_VERSION_SEMVER, "1.0.0", "{bad", &hit, &err),
			 -CS_E_INPUT);
	/* an uncomparable version is an error, never a silent "not affected" */
	assert_true(cs_match_ranges(CS_VERSION_SEMVER, "not-a-version",
				    "[{\"introduced\":\"1.0.0\"}]", &hit, &err) < 0);
}

/* the fix reported is the one of the release line the version is on */
static void test_range_fix(void **state)
{
	static const char two_lines[] = "[[{\"introduced\":\"0\"},{\"fixed\":\"1.21.11\"},"
					"{\"introduced\":\"1.22.0-0\"},{\"fixed\":\"1.22.4\"}]]";
	struct cs_error err = CS_ERROR_INIT;
	char *fix = NULL;
	bool hit;

	(void)state;
	assert_int_equal(
		cs_match_ranges_fix(CS_VERSION_SEMVER, "1.15.2", two_lines, &hit, &fix, &err), 0);
	assert_true(hit);
	assert_string_equal(fix, "1.21.11");
	free(fix);
	fix = NULL;
	assert_int_equal(
		cs_match_ranges_fix(CS_VERSION_SEMVER, "1.22.1", two_lines, &hit, &fix, &err), 0);
	assert_true(hit);
	assert_string_equal(fix, "1.22.4");
	free(fix);
	fix = NULL;
	assert_int_equal(
		cs_match_ranges_fix(CS_VERSION_SEMVER, "1.22.4", two_lines, &hit, &fix, &err), 0);
	assert_false(hit);
	assert_null(fix);
	/* last_affected only: affected, no fix known */
	assert_int_equal(
		cs_match_ranges_fix(CS_VERSION_SEMVER, "1.0.0",
				    "[[{\"introduced\":\"0\"},{\"last_affected\":\"1.2.0\"}]]",
				    &hit, &fix, &err),
		0);
	assert_true(hit);
	assert_null(fix);
}

static void test_namespaces(void **state)
{
	struct cs_catalog *cat;
	struct cs_package *p;
	char *ns;

	(void)state;
	assert_int_equal(cs_catalog_new(&cat), 0);
	assert_int_equal(cs_catalog_set_os(cat, "alpine", "3.20.3"), 0);
	p = cs_package_new(CS_PKG_APK);
	ns = cs_match_namespace(p, cs_catalog_os(cat));
	assert_string_equal(ns, "alpine:3.20");
	free(ns);
	p->type = CS_PKG_CARGO;
	ns = cs_match_namespace(p, NULL);
	assert_string_equal(ns, "crates.io");
	free(ns);
	p->type = CS_PKG_DEB;
	assert_null(cs_match_namespace(p, NULL)); /* no OS, no distro namespace */
	cs_package_free(p);
	cs_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_range_fix),
		cmocka_unit_test(test_namespaces),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
