/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The open prefilter derived from rules (rules_prefilter.c): per rule, the
 * exact prefix set and classes, or triviality, for each construct; the
 * union of several rules normalised; the kernel's test replayed in user
 * space; and Falco's own stable rules file, which must keep every alert
 * while dropping the opens of ordinary files.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/rules.h"

static struct cs_rules *load(const char *name)
{
	struct cs_rules *r = NULL;
	struct cs_error err = CS_ERROR_INIT;
	const char *data = getenv("CUSTOMS_TESTDATA");
	char path[4096];

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/prefilter/%s", data, name);
	assert_int_equal(cs_rules_new(&r), 0);
	if (cs_rules_load_file(r, path, &err) < 0 || cs_rules_compile(r, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	return r;
}

static long rule_index(const struct cs_rules *r, const char *name)
{
	for (size_t i = 0; i < cs_rules_count(r); i++) {
		struct cs_rule_info ri;

		cs_rules_info(r, i, &ri);
		if (!strcmp(ri.name, name))
			return (long)i;
	}
	fail_msg("no rule '%s'", name);
	return -1;
}

/*
 * Rule name's prefilter as "path=classes path=classes" (classes in hex),
 * "trivial" when inactive, with " odd" when it matches only odd paths and
 * "none" when it is never evaluated on an open.
 */
static const char *describe(const struct cs_rules *r, const char *name)
{
	static char out[1024];
	struct cs_rules_prefilter pf;
	size_t n = 0;

	assert_int_equal(cs_rules_prefilter(r, rule_index(r, name), &pf), 0);
	if (!pf.active) {
		assert_non_null(pf.reason);
		snprintf(out, sizeof(out), "trivial");
	} else if (!pf.rules) {
		snprintf(out, sizeof(out), "none");
	} else {
		out[0] = '\0';
		for (size_t i = 0; i < pf.n_prefixes; i++)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s=%02x", n ? " " : "",
					      pf.prefixes[i].path, pf.prefixes[i].classes);
		if (pf.odd_rules)
			snprintf(out + n, sizeof(out) - n, "%sodd", n ? " " : "");
	}
	cs_rules_prefilter_done(&pf);
	return out;
}

static void test_each_construct(void **state)
{
	struct cs_rules *r = load("each.yaml");

	(void)state;
	assert_string_equal(describe(r, "startswith"), "/etc/secret=ff");
	assert_string_equal(describe(r, "in list"), "/etc/gshadow=ff /etc/shadow=ff");
	assert_string_equal(describe(r, "pmatch"), "/srv=ff /var/lib/app=ff");
	assert_string_equal(describe(r, "glob"), "/home/=ff");
	assert_string_equal(describe(r, "directory"), "/etc/pam.d/=ff /etc/sudoers.d/=ff");
	/* "/" alone would pass every absolute path: nothing to filter */
	assert_string_equal(describe(r, "root directory"), "trivial");
	assert_string_equal(describe(r, "or with contains"), "trivial");
	assert_string_equal(describe(r, "not"), "trivial");
	assert_string_equal(describe(r, "and picks"), "/etc/shadow=ff");
	/* open_read: O_RDONLY or O_RDWR (classes 0, 2), and fd.num >= 0 */
	assert_string_equal(describe(r, "read under"), "/etc/ssh=05");
	assert_string_equal(describe(r, "traversal"), "odd");
	/* O_WRONLY or O_RDWR, succeeded or not (classes 1, 2, 5, 6) */
	assert_string_equal(describe(r, "write anywhere"), "=66");
	assert_string_equal(describe(r, "failed under"), "/root=f0");
	assert_string_equal(describe(r, "other types"), "/root/=ff");
	assert_string_equal(describe(r, "not an open"), "none");
	assert_string_equal(describe(r, "transformer"), "trivial");
	cs_rules_free(r);
}

static bool pass(const struct cs_rules_prefilter *pf, const char *path, uint32_t flags, bool failed)
{
	return cs_rules_prefilter_pass(pf, path, strlen(path), flags, failed);
}

static void test_union(void **state)
{
	struct cs_rules *r = load("all.yaml");
	struct cs_rules_prefilter pf;
	static const struct {
		const char *path;
		uint8_t classes;
	} want[] = {
		{ "", 0xf0 }, { "/etc/", 0xf5 }, { "/etc/shadow", 0xff }, { "/etc/ssh/", 0xf7 }
	};

	(void)state;
	assert_int_equal(cs_rules_prefilter(r, -1, &pf), 0);
	assert_true(pf.active);
	assert_int_equal(pf.rules, 5);
	/* /etc/passwd (read) adds nothing to /etc/ (read): dropped */
	assert_int_equal(pf.n_prefixes, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(pf.prefixes[i].path, want[i].path);
		assert_int_equal(pf.prefixes[i].len, strlen(want[i].path));
		assert_int_equal(pf.prefixes[i].classes, want[i].classes);
	}
	assert_true(pass(&pf, "/etc/hostname", O_RDONLY, false));
	assert_false(pass(&pf, "/etc/hostname", O_WRONLY, false));
	assert_true(pass(&pf, "/etc/shadow", O_WRONLY | O_TRUNC, false));
	assert_true(pass(&pf, "/etc/ssh/sshd_config", O_RDWR, false));
	assert_false(pass(&pf, "/usr/lib/libc.so", O_RDONLY | O_CLOEXEC, false));
	assert_true(pass(&pf, "/usr/lib/libc.so", O_RDONLY, true)); /* failed anywhere */
	assert_false(pass(&pf, "/etcetera", O_RDONLY, false));
	/* odd raw paths always pass */
	assert_true(pass(&pf, "usr/lib/libc.so", O_RDONLY, false));
	assert_true(pass(&pf, "/usr//lib", O_RDONLY, false));
	assert_true(pass(&pf, "/usr/./lib", O_RDONLY, false));
	assert_true(pass(&pf, "/usr/x/../lib", O_RDONLY, false));
	assert_true(pass(&pf, "/usr/lib/", O_RDONLY, false));
	assert_true(pass(&pf, "", O_RDONLY, false));
	cs_rules_prefilter_done(&pf);
	cs_rules_free(r);
}

static void test_odd(void **state)
{
	char longp[300];

	(void)state;
	assert_false(cs_rules_prefilter_odd("/etc/hostname", 13));
	assert_false(cs_rules_prefilter_odd("/lib/x86_64-linux-gnu/libc.so.6", 31));
	assert_false(cs_rules_prefilter_odd("/a..", 2)); /* only the first len bytes */
	assert_true(cs_rules_prefilter_odd("/a..", 4));
	assert_true(cs_rules_prefilter_odd("/root/.ssh/id_rsa", 17));
	assert_true(cs_rules_prefilter_odd("./x", 3));
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	assert_false(cs_rules_prefilter_odd(longp, 200));
	/* the sensor reads 255 bytes: a path that long may have been cut */
	assert_true(cs_rules_prefilter_odd(longp, 254));
}

static void test_falco_stable(void **state)
{
	const char *shared = getenv("CUSTOMS_SHARED");
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rules *r = NULL;
	struct cs_rules_prefilter pf;
	char path[4096];

	(void)state;
	if (!shared)
		skip();
	snprintf(path, sizeof(path), "%s/rules/falco/falco_rules.yaml", shared);
	assert_int_equal(cs_rules_new(&r), 0);
	if (cs_rules_load_file(r, path, &err) < 0 || cs_rules_compile(r, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	assert_int_equal(cs_rules_prefilter(r, -1, &pf), 0);
	if (!pf.active)
		fail_msg("inactive: %s", pf.reason);
	assert_true(pf.rules >= 4);
	assert_true(pf.n_prefixes >= 5);
	/* "Directory traversal monitored file read" matches only odd raw paths */
	assert_int_equal(pf.odd_rules, 1);
	/* the benchmark's opens stay in the kernel */
	assert_false(pass(&pf, "/etc/hostname", O_RDONLY | O_CLOEXEC, false));
	assert_false(pass(&pf, "/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC, false));
	assert_false(pass(&pf, "/etc/ld.so.cache", O_RDONLY | O_CLOEXEC, false));
	/* what the rules look at leaves it */
	assert_true(pass(&pf, "/etc/shadow", O_RDONLY, false));
	assert_true(pass(&pf, "/etc/pam.d/x", O_RDONLY, false));
	assert_true(pass(&pf, "/etc/sudoers", O_RDONLY, false));
	assert_true(pass(&pf, "etc/shadow", O_RDONLY, false));
	assert_true(pass(&pf, "shadow", O_RDONLY, false));
	assert_true(pass(&pf, "/etc/../etc/shadow", O_RDONLY, false));
	/* "Detect release_agent File Container Escapes": any successful write */
	assert_true(pass(&pf, "/sys/fs/cgroup/x/release_agent", O_WRONLY, false));
	/* ... and failed opens through a traversal; a plain failed read matches nothing */
	assert_true(pass(&pf, "/var/www/../../etc/nosuch", O_RDONLY, true));
	assert_false(pass(&pf, "/etc/nosuch", O_RDONLY, true));
	cs_rules_prefilter_done(&pf);
	cs_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_construct),
		cmocka_unit_test(test_union),
		cmocka_unit_test(test_odd),
		cmocka_unit_test(test_falco_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
