/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The deferral queue (runtime/defer.c): events held per container until its
 * metadata arrives, released in order; the wait bound; the per-container
 * and total bounds, which push the oldest out rather than drop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "runtime/defer.h"

/* What left the queue, in order: "key:n/reason" lines. */
struct log {
	char text[8192];
	size_t len;
	int fail_at; /* return -EIO at this call (1-based), 0: never */
	int calls;
};

static int record(void *item, const char *key, enum cs_defer_reason why, void *ud)
{
	static const char reasons[] = { 'R', 'T', 'F' };
	struct log *l = ud;
	int n;

	memcpy(&n, item, sizeof(n));
	l->calls++;
	if (l->fail_at && l->calls == l->fail_at)
		return -EIO;
	l->len += (size_t)snprintf(l->text + l->len, sizeof(l->text) - l->len, "%s:%d/%c ", key, n,
				   reasons[why]);
	return 0;
}

static int push(struct cs_defer *d, const char *key, int n, uint64_t now, struct log *l)
{
	return cs_defer_push(d, key, &n, now, record, l);
}

static void test_release_in_order(void **state)
{
	struct cs_defer *d = NULL;
	struct log l = { 0 };

	(void)state;
	assert_int_equal(cs_defer_new(sizeof(int), 16, 8, 500, &d), 0);
	assert_int_equal(push(d, "a", 1, 1000, &l), 0);
	assert_int_equal(push(d, "b", 2, 1001, &l), 0);
	assert_int_equal(push(d, "a", 3, 1002, &l), 0);
	assert_int_equal(push(d, "b", 4, 1003, &l), 0);
	assert_int_equal(push(d, "a", 5, 1004, &l), 0);
	assert_int_equal(cs_defer_count(d), 5);
	assert_int_equal(cs_defer_count_key(d, "a"), 3);
	assert_int_equal(cs_defer_count_key(d, "c"), 0);
	assert_string_equal(l.text, ""); /* nothing left on its own */
	/* b's metadata: b's events in order, a's stay */
	assert_int_equal(cs_defer_release(d, "b", record, &l), 2);
	assert_string_equal(l.text, "b:2/R b:4/R ");
	assert_int_equal(cs_defer_count(d), 3);
	assert_int_equal(cs_defer_release(d, "b", record, &l), 0);
	assert_int_equal(cs_defer_release(d, "a", record, &l), 3);
	assert_string_equal(l.text, "b:2/R b:4/R a:1/R a:3/R a:5/R ");
	assert_int_equal(cs_defer_count(d), 0);
	assert_int_equal(cs_defer_next_ms(d, 2000), -1);
	cs_defer_free(d);
}

static void test_timeout(void **state)
{
	struct cs_defer *d = NULL;
	struct log l = { 0 };

	(void)state;
	assert_int_equal(cs_defer_new(sizeof(int), 16, 8, 500, &d), 0);
	assert_int_equal(push(d, "a", 1, 1000, &l), 0);
	assert_int_equal(push(d, "b", 2, 1200, &l), 0);
	assert_int_equal(push(d, "a", 3, 1400, &l), 0);
	assert_int_equal(cs_defer_next_ms(d, 1100), 400);
	/* not yet: nothing leaves one millisecond early */
	assert_int_equal(cs_defer_expire(d, 1499, record, &l), 0);
	assert_string_equal(l.text, "");
	/* a's oldest has waited 500 ms: all of a goes, in order; b waits on */
	assert_int_equal(cs_defer_expire(d, 1500, record, &l), 2);
	assert_string_equal(l.text, "a:1/T a:3/T ");
	assert_int_equal(cs_defer_count(d), 1);
	assert_int_equal(cs_defer_next_ms(d, 1500), 200);
	assert_int_equal(cs_defer_expire(d, 1699, record, &l), 0);
	assert_int_equal(cs_defer_next_ms(d, 1800), 0);
	assert_int_equal(cs_defer_expire(d, 1800, record, &l), 1);
	assert_string_equal(l.text, "a:1/T a:3/T b:2/T ");
	/* the final flush: everything, whatever its age */
	assert_int_equal(push(d, "c", 4, 5000, &l), 0);
	assert_int_equal(cs_defer_expire(d, UINT64_MAX, record, &l), 1);
	assert_string_equal(l.text, "a:1/T a:3/T b:2/T c:4/T ");
	/* a clock that went back never underflows into a release */
	assert_int_equal(push(d, "d", 5, 9000, &l), 0);
	assert_int_equal(cs_defer_expire(d, 8000, record, &l), 0);
	assert_int_equal(cs_defer_count(d), 1);
	cs_defer_free(d); /* frees what is still held */
}

static void test_bounds(void **state)
{
	struct cs_defer *d = NULL;
	struct log l = { 0 };

	(void)state;
	assert_int_equal(cs_defer_new(sizeof(int), 4, 2, 500, &d), 0);
	/* per container: the third of a pushes a's oldest out, b is untouched */
	assert_int_equal(push(d, "a", 1, 10, &l), 0);
	assert_int_equal(push(d, "b", 2, 11, &l), 0);
	assert_int_equal(push(d, "a", 3, 12, &l), 0);
	assert_int_equal(push(d, "a", 5, 13, &l), 0);
	assert_string_equal(l.text, "a:1/F ");
	assert_int_equal(cs_defer_count_key(d, "a"), 2);
	/* in all: the fifth item pushes the oldest of all (b's) out */
	assert_int_equal(push(d, "c", 6, 14, &l), 0);
	assert_int_equal(cs_defer_count(d), 4);
	assert_int_equal(push(d, "c", 7, 15, &l), 0);
	assert_string_equal(l.text, "a:1/F b:2/F ");
	assert_int_equal(cs_defer_count(d), 4);
	/* what is left still leaves in order */
	assert_int_equal(cs_defer_release(d, "a", record, &l), 2);
	assert_int_equal(cs_defer_release(d, "c", record, &l), 2);
	assert_string_equal(l.text, "a:1/F b:2/F a:3/R a:5/R c:6/R c:7/R ");
	/* nothing was dropped: 6 pushed, 6 released */
	assert_int_equal(l.calls, 6);
	cs_defer_free(d);
}

static void test_errors(void **state)
{
	struct cs_defer *d = NULL;
	struct log l = { 0 };
	char long_key[CS_DEFER_KEY_MAX + 1];

	(void)state;
	assert_int_equal(cs_defer_new(0, 4, 2, 500, &d), -EINVAL);
	assert_int_equal(cs_defer_new(sizeof(int), 0, 2, 500, &d), -EINVAL);
	assert_int_equal(cs_defer_new(sizeof(int), 4, 0, 500, &d), -EINVAL);
	assert_int_equal(cs_defer_new(sizeof(int), 4, 4, 500, &d), 0);
	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	assert_int_equal(push(d, long_key, 1, 0, &l), -ENAMETOOLONG);
	assert_int_equal(cs_defer_count(d), 0);
	/* the caller's error stops the release and is returned; the items after it stay held */
	assert_int_equal(push(d, "a", 1, 0, &l), 0);
	assert_int_equal(push(d, "a", 2, 0, &l), 0);
	assert_int_equal(push(d, "a", 3, 0, &l), 0);
	l.fail_at = 2;
	assert_int_equal(cs_defer_release(d, "a", record, &l), -EIO);
	assert_string_equal(l.text, "a:1/R ");
	assert_int_equal(cs_defer_count(d), 1);
	assert_int_equal(cs_defer_release(d, "a", record, &l), 1);
	assert_string_equal(l.text, "a:1/R a:3/R ");
	cs_defer_free(d);
	cs_defer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_in_order),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
