/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "basic/path.h"

static void expect_clean(const char *in, const char *want)
{
	struct cs_buf b = CS_BUF_INIT(4096);
	struct cs_error err = CS_ERROR_INIT;

	assert_int_equal(cs_path_clean(in, strlen(in), &b, &err), 0);
	assert_string_equal(b.data, want);
	cs_buf_done(&b);
}

static void expect_escape(const char *in)
{
	struct cs_buf b = CS_BUF_INIT(4096);
	struct cs_error err = CS_ERROR_INIT;

	assert_int_equal(cs_path_clean(in, strlen(in), &b, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "escapes the root"));
	cs_buf_done(&b);
}

static void test_clean(void **state)
{
	(void)state;
	expect_clean("./etc/passwd", "etc/passwd");
	expect_clean("/etc//passwd/", "etc/passwd");
	expect_clean("etc/./x/../passwd", "etc/passwd");
	expect_clean(".", "");
	expect_clean("./", "");
	expect_clean("/", "");
	expect_clean("a/b/../../c", "c");
	expect_clean("...", "...");
	expect_clean(".wh..wh..opq", ".wh..wh..opq");
	expect_escape("..");
	expect_escape("../etc/passwd");
	expect_escape("a/../../etc");
	expect_escape("/../x");
	expect_escape("./a/b/../../../x");
}

static void test_clean_limits(void **state)
{
	struct cs_buf b = CS_BUF_INIT(8);
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(cs_path_clean("abcdefghij", 10, &b, &err), -CS_E_LIMIT);
	assert_int_equal(cs_path_clean("a\0b", 3, &b, &err), -CS_E_INPUT);
	cs_buf_done(&b);
}

static void expect_link(const char *linkpath, const char *target, const char *want)
{
	struct cs_buf b = CS_BUF_INIT(4096);

	assert_int_equal(cs_path_resolve_link(linkpath, target, &b), 0);
	assert_string_equal(b.data, want);
	cs_buf_done(&b);
}

static void test_resolve_link(void **state)
{
	(void)state;
	expect_link("etc/os-release", "../usr/lib/os-release", "usr/lib/os-release");
	expect_link("bin/sh", "busybox", "bin/busybox");
	expect_link("a/b/c", "/etc/passwd", "etc/passwd");
	/* climbing above the root stays at the root, as inside a chroot */
	expect_link("x", "../../../../etc/shadow", "etc/shadow");
	expect_link("a/b", "../../../..", "");
	expect_link("top", ".", "");
}

static void test_helpers(void **state)
{
	(void)state;
	assert_string_equal(cs_path_basename("a/b/c"), "c");
	assert_string_equal(cs_path_basename("c"), "c");
	assert_int_equal(cs_path_dirlen("a/b/c"), 3);
	assert_int_equal(cs_path_dirlen("c"), 0);
	assert_true(cs_path_is_under("etc/x", "etc"));
	assert_true(cs_path_is_under("etc", "etc"));
	assert_false(cs_path_is_under("etcx", "etc"));
	assert_true(cs_path_is_under("anything", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_clean_limits),
		cmocka_unit_test(test_resolve_link),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
