/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ignore file: parsing (every error names the file and the line),
 * matching by id and alias, package name or purl, path glob, expiry at a
 * fixed "now", and what a suppressed finding records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "catalog/package.h"
#include "match/ignore.h"
#include "match/suppress.h"

/* 2025-01-15T12:00:00Z */
#define NOW_JAN15 ((int64_t)1736942400)

struct fixture {
	struct cs_package *pkgs[4];
	struct cs_findings *fs;
};

static struct cs_package *pkg(enum cs_pkg_type t, const char *name, const char *purl,
			      const char *path)
{
	struct cs_package *p = cs_package_new(t);

	assert_non_null(p);
	p->name = cs_strdup(name);
	p->version = cs_strdup("3.3.2-r0");
	p->purl = purl ? cs_strdup(purl) : NULL;
	p->path = cs_strdup(path);
	return p;
}

static void add_finding(struct cs_findings *fs, const char *id, const char *alias,
			const struct cs_package *p)
{
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
	f->pkg = p;
	f->installed = cs_strdup(p->version);
	f->epss = f->epss_percentile = -1;
}

/* libssl3 and libcrypto3 with CVE-2024-9143, libcrypto3 also with CVE-2024-0727 (+GHSA) */
static int setup(void **state)
{
	struct fixture *fx = cs_zalloc(sizeof(*fx));

	fx->pkgs[0] = pkg(CS_PKG_APK, "libssl3",
			  "pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3",
			  "lib/apk/db/installed");
	fx->pkgs[1] = pkg(CS_PKG_APK, "libcrypto3",
			  "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3",
			  "lib/apk/db/installed");
	fx->pkgs[2] = pkg(CS_PKG_PYPI, "requests", "pkg:pypi/requests@2.28.1",
			  "usr/lib/python3.12/site-packages/requests-2.28.1.dist-info/METADATA");
	fx->fs = cs_zalloc(sizeof(*fx->fs));
	add_finding(fx->fs, "CVE-2024-9143", NULL, fx->pkgs[0]);
	add_finding(fx->fs, "CVE-2024-9143", NULL, fx->pkgs[1]);
	add_finding(fx->fs, "CVE-2024-0727", "GHSA-9v9h-cgj8-h64p", fx->pkgs[1]);
	add_finding(fx->fs, "CVE-2023-32681", "GHSA-j8r2-6x86-q33q", fx->pkgs[2]);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	cs_findings_free(fx->fs);
	for (size_t i = 0; i < CS_ARRAY_SIZE(fx->pkgs); i++)
		cs_package_free(fx->pkgs[i]);
	free(fx);
	return 0;
}

static struct cs_ignore *parse_ok(const char *yaml)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ignore *ign = NULL;

	if (cs_ignore_parse(yaml, strlen(yaml), ".customsignore", &ign, &err) < 0)
		fail_msg("%s", err.msg);
	return ign;
}

/* apply yaml at now; the number suppressed */
static int apply(struct fixture *fx, const char *yaml, int64_t now)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ignore *ign = parse_ok(yaml);
	size_t before = fx->fs->n_suppressed, total = fx->fs->n + before;
	int r = cs_ignore_apply(ign, fx->fs, now, &err);

	if (r < 0)
		fail_msg("%s", err.msg);
	assert_int_equal((size_t)r, fx->fs->n_suppressed - before);
	assert_int_equal(fx->fs->n + fx->fs->n_suppressed, total);
	cs_ignore_free(ign);
	return r;
}

static bool suppressed(const struct fixture *fx, const char *id, const char *pkgname)
{
	for (size_t i = 0; i < fx->fs->n_suppressed; i++)
		if (!strcmp(fx->fs->suppressed[i].id, id) &&
		    !strcmp(fx->fs->suppressed[i].pkg->name, pkgname))
			return true;
	return false;
}

static void test_by_id(void **state)
{
	struct fixture *fx = *state;
	const struct cs_finding *f;

	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    reason: \"not reachable: no\n"
			       "      X.509 parsing of untrusted input\"\n",
			       NOW_JAN15),
			 2);
	assert_true(suppressed(fx, "CVE-2024-9143", "libssl3"));
	assert_true(suppressed(fx, "CVE-2024-9143", "libcrypto3"));
	assert_int_equal(fx->fs->n, 2); /* the others stay */
	f = &fx->fs->suppressed[0];
	assert_string_equal(f->suppressed_by, "ignore-file:.customsignore:2");
	assert_string_equal(f->justification, "not reachable: no X.509 parsing of untrusted input");
	assert_int_equal(fx->fs->n_warnings, 0);
}

static void test_by_alias(void **state)
{
	struct fixture *fx = *state;

	/* an alias of the finding, in another case */
	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: ghsa-9v9h-cgj8-h64p\n"
			       "    reason: r\n",
			       NOW_JAN15),
			 1);
	assert_true(suppressed(fx, "CVE-2024-0727", "libcrypto3"));
	/* an id that names nothing here */
	assert_int_equal(
		apply(fx, "vulnerabilities:\n  - {id: CVE-1999-0001, reason: r}\n", NOW_JAN15), 0);
}

static void test_by_package(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    package: libssl3\n"
			       "    reason: only libssl3\n",
			       NOW_JAN15),
			 1);
	assert_true(suppressed(fx, "CVE-2024-9143", "libssl3"));
	assert_false(suppressed(fx, "CVE-2024-9143", "libcrypto3"));
}

static void test_by_purl(void **state)
{
	struct fixture *fx = *state;

	/* wrong version: nothing */
	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    package: pkg:apk/alpine/libcrypto3@3.3.1-r0\n"
			       "    reason: r\n",
			       NOW_JAN15),
			 0);
	/* a qualifier the package does not have: nothing */
	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    package: pkg:apk/alpine/libcrypto3?arch=aarch64\n"
			       "    reason: r\n",
			       NOW_JAN15),
			 0);
	/* without a version, with a qualifier it has */
	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    package: pkg:apk/alpine/libcrypto3?arch=x86_64\n"
			       "    reason: r\n",
			       NOW_JAN15),
			 1);
	assert_true(suppressed(fx, "CVE-2024-9143", "libcrypto3"));
	/* with its version; the name normalised as the purl spec says (pypi) */
	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2023-32681\n"
			       "    package: pkg:pypi/Requests@2.28.1\n"
			       "    reason: r\n",
			       NOW_JAN15),
			 1);
}

static void test_by_path(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2023-32681\n"
			       "    path: /usr/lib/*/METADATA\n" /* '*' stays in one segment */
			       "    reason: r\n",
			       NOW_JAN15),
			 0);
	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2023-32681\n"
			       "    path: \"usr/lib/**\"\n"
			       "    reason: r\n",
			       NOW_JAN15),
			 1);
	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    path: \"usr/lib/**\"\n"
			       "    reason: r\n",
			       NOW_JAN15),
			 0);
}

static void test_expiry(void **state)
{
	struct fixture *fx = *state;
	static const char yaml[] = "vulnerabilities:\n"
				   "  - id: CVE-2024-9143\n"
				   "    reason: until the fix\n"
				   "    expires: 2025-01-15\n";

	/* a date is the whole day, UTC: still applies at 23:59:59 */
	assert_int_equal(apply(fx, yaml, NOW_JAN15 + 12 * 3600 - 1), 2);
	assert_string_equal(fx->fs->suppressed[0].justification,
			    "until the fix (until 2025-01-15)");
	assert_int_equal(fx->fs->n_warnings, 0);
}

static void test_expired(void **state)
{
	struct fixture *fx = *state;

	/* the next day: nothing, and a warning naming the line and the date */
	assert_int_equal(apply(fx,
			       "# comment\n"
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    reason: until the fix\n"
			       "    expires: 2025-01-15\n",
			       NOW_JAN15 + 12 * 3600),
			 0);
	assert_int_equal(fx->fs->n_warnings, 1);
	assert_string_equal(fx->fs->warnings[0],
			    "ignore file '.customsignore' line 3: the entry for CVE-2024-9143 "
			    "expired on 2025-01-15 and no longer applies");
}

static void test_expiry_rfc3339(void **state)
{
	struct fixture *fx = *state;
	static const char yaml[] = "vulnerabilities:\n"
				   "  - id: CVE-2024-9143\n"
				   "    reason: r\n"
				   "    expires: 2025-01-15T13:00:00+01:00\n"; /* 12:00Z */

	assert_int_equal(apply(fx, yaml, NOW_JAN15), 2);
	assert_int_equal(apply(fx, yaml, NOW_JAN15 + 1), 0);
	assert_int_equal(fx->fs->n_warnings, 1);
}

static void test_first_entry_wins(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(apply(fx,
			       "vulnerabilities:\n"
			       "  - id: CVE-2024-9143\n"
			       "    package: libssl3\n"
			       "    reason: first\n"
			       "  - id: CVE-2024-9143\n"
			       "    reason: second\n",
			       NOW_JAN15),
			 2);
	for (size_t i = 0; i < fx->fs->n_suppressed; i++) {
		const struct cs_finding *f = &fx->fs->suppressed[i];
		bool ssl = !strcmp(f->pkg->name, "libssl3");

		assert_string_equal(f->justification, ssl ? "first" : "second");
		assert_string_equal(f->suppressed_by, ssl ? "ignore-file:.customsignore:2"
							  : "ignore-file:.customsignore:5");
	}
}

static void test_empty(void **state)
{
	static const char *const ok[] = { "", "# nothing\n", "---\n", "vulnerabilities:\n",
					  "vulnerabilities: []\n" };

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(ok); i++) {
		struct cs_ignore *ign = parse_ok(ok[i]);

		assert_int_equal(cs_ignore_count(ign), 0);
		cs_ignore_free(ign);
	}
}

static void expect_error(const char *yaml, int code, const char *msg)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ignore *ign = NULL;
	int r = cs_ignore_parse(yaml, strlen(yaml), "x.yaml", &ign, &err);

	if (r >= 0)
		fail_msg("accepted: %s", yaml);
	assert_int_equal(r, code);
	assert_null(ign);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' does not contain '%s'", err.msg, msg);
	assert_null(strchr(err.msg, '\n'));
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n    severity: low\n",
		     -CS_E_INPUT,
		     "ignore file 'x.yaml' line 4: unknown key 'severity' (id, package, path, "
		     "reason, expires)");
	expect_error("vulnerabilities:\n  - id: CVE-1\n", -CS_E_INPUT,
		     "ignore file 'x.yaml' line 2: entry for 'CVE-1' without 'reason'");
	expect_error("vulnerabilities:\n\n  - reason: r\n", -CS_E_INPUT,
		     "line 3: entry without 'id'");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n    expires: 2025-02-30\n",
		     -CS_E_INPUT, "line 4: invalid date '2025-02-30' for 'expires'");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n    expires: tomorrow\n",
		     -CS_E_INPUT, "line 4: invalid date 'tomorrow'");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n"
		     "    expires: 2025-01-01T00:00:00\n",
		     -CS_E_INPUT, "line 4: invalid date"); /* RFC 3339 needs the offset */
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n    reason: s\n", -CS_E_INPUT,
		     "line 4: duplicate key 'reason'");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: \"\"\n", -CS_E_INPUT,
		     "line 3: 'reason' is empty");
	expect_error("vulnerabilities:\n  - id: [CVE-1]\n    reason: r\n", -CS_E_INPUT,
		     "line 2: 'id' must be a string");
	expect_error("vulnerabilities:\n  - id: CVE 1\n    reason: r\n", -CS_E_INPUT,
		     "line 2: 'id' must be one vulnerability id");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n    package: pkg:/x\n",
		     -CS_E_INPUT, "line 4: 'package': invalid purl");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n    path: \"usr/[lib\"\n",
		     -CS_E_INPUT, "line 4: invalid glob");
	expect_error("vulnerabilities:\n  - CVE-1\n", -CS_E_INPUT,
		     "line 2: each entry of 'vulnerabilities' must be a mapping");
	expect_error("vulnerabilities: CVE-1\n", -CS_E_INPUT,
		     "line 1: 'vulnerabilities' must be a list");
	expect_error("ignore:\n  - id: CVE-1\n", -CS_E_INPUT,
		     "line 1: unknown key 'ignore' (the file holds 'vulnerabilities')");
	expect_error("- id: CVE-1\n", -CS_E_INPUT, "line 1: the file must be a mapping");
	expect_error("vulnerabilities:\n  - &a {id: CVE-1, reason: r}\n  - *a\n", -CS_E_INPUT,
		     "line 3: YAML aliases are not supported");
	expect_error("vulnerabilities: []\n---\nvulnerabilities: []\n", -CS_E_INPUT,
		     "line 2: more than one YAML document");
	expect_error("vulnerabilities:\n  - id: \"CVE-1\\0\"\n", -CS_E_INPUT, "line 2: NUL byte");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: r\n   bad: x\n", -CS_E_INPUT,
		     "ignore file 'x.yaml' line 4: invalid YAML: did not find expected '-'");
	expect_error("vulnerabilities:\n  - id: CVE-1\n    reason: \"\xff\"\n", -CS_E_INPUT,
		     "invalid");
}

static void test_limits(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ignore *ign = NULL;
	char *big;
	size_t n = 0, cap = (CS_IGNORE_MAX_ENTRIES + 1) * 32 + 64;

	(void)state;
	/* one entry too many */
	big = cs_malloc(cap);
	n += (size_t)snprintf(big, cap, "vulnerabilities:\n");
	for (unsigned i = 0; i <= CS_IGNORE_MAX_ENTRIES; i++)
		n += (size_t)snprintf(big + n, cap - n, "- {id: CVE-%u, reason: r}\n", i);
	assert_true(n < CS_IGNORE_FILE_MAX);
	assert_int_equal(cs_ignore_parse(big, n, "x", &ign, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "more than 10000 entries"));
	free(big);

	/* a value that is too long */
	cap = CS_IGNORE_FIELD_MAX + 128;
	big = cs_malloc(cap);
	n = (size_t)snprintf(big, cap, "vulnerabilities:\n- id: CVE-1\n  reason: ");
	memset(big + n, 'x', CS_IGNORE_FIELD_MAX + 1);
	n += CS_IGNORE_FIELD_MAX + 1;
	assert_int_equal(cs_ignore_parse(big, n, "x", &ign, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "line 3: 'reason' is longer than 4096 bytes"));
	free(big);

	/* the whole file */
	assert_int_equal(cs_ignore_parse("", CS_IGNORE_FILE_MAX + 1, "x", &ign, &err), -CS_E_LIMIT);
	assert_null(ign);
}

static void test_glob(void **state)
{
	static const struct {
		const char *pattern, *path;
		bool match;
	} cases[] = {
		{ "lib/apk/db/installed", "lib/apk/db/installed", true },
		{ "/lib/apk/db/installed", "lib/apk/db/installed", true },
		{ "lib/apk/db/installe", "lib/apk/db/installed", false },
		{ "lib/*/db/installed", "lib/apk/db/installed", true },
		{ "lib/*", "lib/apk/db/installed", false },
		{ "lib/**", "lib/apk/db/installed", true },
		{ "**/installed", "lib/apk/db/installed", true },
		{ "**/installed", "installed", true },
		{ "lib/**/installed", "lib/installed", true },
		{ "lib/**/db/installed", "lib/apk/db/installed", true },
		{ "lib/**/db/installed", "lib/apkdb/installed", false },
		{ "lib/apk/db/install?d", "lib/apk/db/installed", true },
		{ "lib?apk/db/installed", "lib/apk/db/installed", false },
		{ "lib/[a-c]pk/**", "lib/apk/db/installed", true },
		{ "lib/[!a]pk/**", "lib/apk/db/installed", false },
		{ "lib/[]a]pk/**", "lib/apk/db/installed", true },
		{ "usr/lib/python3.*/site-packages/**", "usr/lib/python3.12/site-packages/a/b",
		  true },
		{ "a\\*b", "a*b", true },
		{ "a\\*b", "axb", false },
		{ "*", "", true },
		{ "", "", true },
		{ "**", "anything/at/all", true },
		{ "*.jar", "app.jar", true },
		{ "*.jar", "lib/app.jar", false },
		{ "**/*.jar", "opt/lib/app.jar", true },
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++)
		if (cs_ignore_glob_match(cases[i].pattern, cases[i].path) != cases[i].match)
			fail_msg("glob '%s' on '%s': want %d", cases[i].pattern, cases[i].path,
				 cases[i].match);
	assert_int_equal(cs_ignore_glob_check("a[b"), -EINVAL);
	assert_int_equal(cs_ignore_glob_check("a\\"), -EINVAL);
	assert_int_equal(cs_ignore_glob_check("a[]]"), 0);
}

static void test_timestamps(void **state)
{
	int64_t t = 0;
	bool d = false;

	(void)state;
	assert_int_equal(cs_parse_timestamp("1970-01-01", 10, &t, &d), 0);
	assert_int_equal(t, 0);
	assert_true(d);
	assert_int_equal(cs_parse_timestamp("2024-02-29T00:00:00Z", 20, &t, &d), 0);
	assert_int_equal(t, 1709164800);
	assert_false(d);
	assert_int_equal(cs_parse_timestamp("2023-01-08T18:02:03.647787998-06:00", 35, &t, NULL),
			 0);
	assert_int_equal(t, 1673222523);
	assert_int_equal(cs_parse_timestamp("2023-02-29", 10, &t, NULL), -EINVAL);
	assert_int_equal(cs_parse_timestamp("2024-13-01", 10, &t, NULL), -EINVAL);
	assert_int_equal(cs_parse_timestamp("2024-01-01T24:00:00Z", 20, &t, NULL), -EINVAL);
	assert_int_equal(cs_parse_timestamp("2024-01-01T00:00:00Zx", 21, &t, NULL), -EINVAL);
	assert_int_equal(cs_parse_timestamp("2024-1-01", 9, &t, NULL), -EINVAL);
	/* (s, n): no reading past n */
	assert_int_equal(cs_parse_timestamp("2024-01-01T", 10, &t, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_package, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_purl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_by_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_rfc3339, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_entry_wins, setup, teardown),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_timestamps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
