/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/error.h"
#include "basic/hash.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/stream.h"
#include "basic/table.h"
#include "basic/utf8.h"
#include "basic/progress.h"
#include <fcntl.h>
#include <pty.h>

static void test_error_prefix(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	int r;

	(void)state;
	r = cs_error_set(&err, -CS_E_INPUT, "truncated %s stream", "gzip");
	assert_int_equal(r, -CS_E_INPUT);
	cs_error_prefix(&err, "layer %d '%s'", 2, "sha256:ab");
	assert_string_equal(err.msg, "layer 2 'sha256:ab': truncated gzip stream");
	assert_int_equal(err.code, -CS_E_INPUT);
	cs_error_set(&err, -CS_E_INPUT, "two\nlines");
	assert_null(strchr(err.msg, '\n'));
	r = cs_error_errno(&err, ENOENT, "cannot open '%s'", "x");
	assert_int_equal(r, -ENOENT);
	assert_string_equal(err.msg, "cannot open 'x': No such file or directory");
	assert_int_equal(cs_error_exit_status(-CS_E_INPUT), 2);
	assert_int_equal(cs_error_exit_status(-ENOMEM), 3);
	assert_int_equal(cs_error_exit_status(-CS_E_INTERNAL), 3);
	/* a positive code is a bug and becomes internal */
	assert_int_equal(cs_error_set(NULL, 5, "x"), -CS_E_INTERNAL);
}

static void test_buf_limit(void **state)
{
	struct cs_buf b = CS_BUF_INIT(10);

	(void)state;
	assert_int_equal(cs_buf_append(&b, "hello", 5), 0);
	assert_int_equal(cs_buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(b.data, "hello1234");
	assert_int_equal(cs_buf_append(&b, "ab", 2), -CS_E_LIMIT);
	assert_int_equal(b.len, 9);
	assert_int_equal(cs_buf_putc(&b, '!'), 0);
	assert_int_equal(cs_buf_putc(&b, '!'), -CS_E_LIMIT);
	assert_int_equal(cs_buf_printf(&b, "x"), -CS_E_LIMIT);
	cs_buf_done(&b);
	assert_null(b.data);
}

static void test_parse_numbers(void **state)
{
	uint64_t u;
	int64_t i;
	uint32_t u32;
	int n;

	(void)state;
	assert_int_equal(cs_safe_atou64("18446744073709551615", &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(cs_safe_atou64("18446744073709551616", &u), -ERANGE);
	assert_int_equal(cs_safe_atou64("", &u), -EINVAL);
	assert_int_equal(cs_safe_atou64("12a", &u), -EINVAL);
	assert_int_equal(cs_safe_atou64("-1", &u), -EINVAL);
	assert_int_equal(cs_safe_atou64(" 1", &u), -EINVAL);
	assert_int_equal(cs_safe_atoi64("-9223372036854775808", &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(cs_safe_atoi64("9223372036854775808", &i), -ERANGE);
	assert_int_equal(cs_safe_atou32("4294967296", &u32), -ERANGE);
	assert_int_equal(cs_safe_atoi("-5", &n), 0);
	assert_int_equal(n, -5);
	/* untouched on failure */
	n = 7;
	assert_int_equal(cs_safe_atoi("x", &n), -EINVAL);
	assert_int_equal(n, 7);
	assert_int_equal(cs_parse_octaln("0000644\0", 8, &u), 0);
	assert_int_equal(u, 0644);
	assert_int_equal(cs_parse_octaln("  755 ", 6, &u), 0);
	assert_int_equal(u, 0755);
	assert_int_equal(cs_parse_octaln("0008", 4, &u), -EINVAL);
	assert_int_equal(cs_parse_size("64M", &u), 0);
	assert_int_equal(u, 64ULL << 20);
	assert_int_equal(cs_parse_size("2g", &u), 0);
	assert_int_equal(u, 2ULL << 30);
	assert_int_equal(cs_parse_size("512", &u), 0);
	assert_int_equal(u, 512);
	assert_int_equal(cs_parse_size("99999999999999T", &u), -ERANGE);
	assert_int_equal(cs_parse_size("M", &u), -EINVAL);
	assert_int_equal(cs_parse_duration("5m", &u), 0);
	assert_int_equal(u, 300);
}

static void test_hash(void **state)
{
	char out[CS_DIGEST_STR_MAX];
	struct cs_error err = CS_ERROR_INIT;
	enum cs_hash_alg alg;

	(void)state;
	assert_int_equal(cs_sha256_digest("abc", 3, out), 0);
	assert_string_equal(
		out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(cs_digest_of(CS_HASH_SHA512, "", 0, out), 0);
	assert_string_equal(out,
			    "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36"
			    "ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da"
			    "3e");
	assert_int_equal(cs_digest_parse("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb4"
					 "10ff61f20015ad",
					 &alg, &err),
			 0);
	assert_int_equal(alg, CS_HASH_SHA256);
	assert_int_equal(cs_digest_parse("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB4"
					 "10FF61F20015AD",
					 &alg, &err),
			 -CS_E_INPUT);
	assert_int_equal(cs_digest_parse("sha256:abc", &alg, &err), -CS_E_INPUT);
	assert_int_equal(cs_digest_parse("md5:abc", &alg, &err), -CS_E_UNSUPPORTED);
	assert_int_equal(cs_digest_parse("nocolon", &alg, &err), -CS_E_INPUT);
	assert_int_equal(cs_digest_parse(":abc", &alg, &err), -CS_E_INPUT);
	assert_int_equal(cs_digest_parse("sha256:../../etc/passwd", &alg, &err), -CS_E_INPUT);
}

static void test_stream_verify(void **state)
{
	static const char data[] = "abc";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_stream *m, *v;
	struct cs_buf b = CS_BUF_INIT(100);
	const char *good =
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	const char *bad = "sha256:aa7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	(void)state;
	assert_int_equal(cs_stream_from_mem(data, 3, &m), 0);
	assert_int_equal(cs_stream_verify_new(m, good, 3, 100, "blob x", &v, &err), 0);
	assert_int_equal(cs_stream_read_all(v, &b, &err), 0);
	assert_string_equal(cs_stream_verify_digest(v), good);
	assert_int_equal(cs_stream_verify_count(v), 3);
	cs_stream_free(v);

	cs_buf_reset(&b);
	assert_int_equal(cs_stream_from_mem(data, 3, &m), 0);
	assert_int_equal(cs_stream_verify_new(m, bad, -1, 100, "blob x", &v, &err), 0);
	assert_int_equal(cs_stream_read_all(v, &b, &err), -CS_E_DIGEST);
	assert_non_null(strstr(err.msg, "blob x does not match its digest"));
	cs_stream_free(v);

	/* declared size differs */
	cs_buf_reset(&b);
	assert_int_equal(cs_stream_from_mem(data, 3, &m), 0);
	assert_int_equal(cs_stream_verify_new(m, good, 4, 100, "blob x", &v, &err), 0);
	assert_int_equal(cs_stream_read_all(v, &b, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "truncated"));
	cs_stream_free(v);

	/* over the limit */
	cs_buf_reset(&b);
	assert_int_equal(cs_stream_from_mem(data, 3, &m), 0);
	assert_int_equal(cs_stream_verify_new(m, NULL, -1, 2, "blob x", &v, &err), 0);
	assert_int_equal(cs_stream_read_all(v, &b, &err), -CS_E_LIMIT);
	cs_stream_free(v);

	/* bounded read_all */
	{
		struct cs_buf small = CS_BUF_INIT(2);

		assert_int_equal(cs_stream_from_mem(data, 3, &m), 0);
		assert_int_equal(cs_stream_read_all(m, &small, &err), -CS_E_LIMIT);
		cs_stream_free(m);
		cs_buf_done(&small);
	}
	cs_buf_done(&b);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(cs_utf8_is_valid("h\xc3\xa9llo", 6));
	assert_false(cs_utf8_is_valid("\xc0\xaf", 2));	       /* overlong '/' */
	assert_false(cs_utf8_is_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(cs_utf8_is_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(cs_utf8_is_valid("\xe2\x82", 2));	       /* truncated */
	assert_int_equal(cs_utf8_width("h\xc3\xa9"), 2);
}

static void test_table(void **state)
{
	static const char *head[] = { "NAME", "SIZE" };
	struct cs_table *t;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char *s;

	(void)state;
	assert_int_equal(cs_table_new(2, head, &t), 0);
	cs_table_set_align(t, 1, CS_ALIGN_RIGHT);
	assert_int_equal(cs_table_add(t, "a\x1b[31mred", "1"), 0);
	assert_int_equal(cs_table_add(t, "bb", NULL), 0);
	assert_int_equal(cs_table_rows(t), 2);
	assert_int_equal(cs_table_print(t, f, 0), 0);
	fclose(f);
	/* escape sequences from hostile names never reach the terminal */
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "a\\x1b[31mred"));
	assert_non_null(strstr(out, "NAME          SIZE\n"));
	assert_non_null(strstr(out, "bb               -\n"));
	free(out);
	cs_table_free(t);
	s = cs_term_sanitize("ok\xc2\x9b\xff");
	assert_string_equal(s, "ok\\xc2\\x9b\\xff");
	free(s);
	/* bidirectional controls are escaped, other multi-byte text is kept */
	s = cs_term_sanitize(
		"evil\xe2\x80\xaetxt.exe \xe2\x81\xa6x\xe2\x81\xa9 \xd8\x9c \xe2\x80\x8f|caf\xc3\xa9 \xe2\x80\x94");
	assert_string_equal(
		s, "evil\\u202etxt.exe \\u2066x\\u2069 \\u061c \\u200f|caf\xc3\xa9 \xe2\x80\x94");
	free(s);
}

static int log_count;
static void count_log(void *ud, enum cs_log_level level, const char *msg)
{
	(void)ud;
	(void)level;
	assert_null(strchr(msg, '\n'));
	log_count++;
}

static void test_log_levels(void **state)
{
	(void)state;
	cs_log_set_handler(count_log, NULL);
	cs_log_set_level(CS_LOG_WARN);
	cs_log_debug("hidden");
	cs_log_warn("shown\nonce");
	assert_int_equal(log_count, 1);
	cs_log_set_handler(NULL, NULL);
	cs_log_warn("dropped");
	assert_int_equal(log_count, 1);
}

static void test_alloc(void **state)
{
	int *a = NULL;
	size_t cap = 0;

	(void)state;
	assert_null(cs_mallocarray(SIZE_MAX / 2, 4));
	assert_null(cs_reallocarray(NULL, SIZE_MAX / 2, 4));
	assert_int_equal(CS_GROW(a, cap, 100), 0);
	assert_true(cap >= 100);
	a[99] = 1;
	assert_int_equal(cs_grow((void **)&a, &cap, SIZE_MAX / 2, 8), -ENOMEM);
	free(a);
}

static void test_progress_term(void **state)
{
	struct cs_progress_term *t;
	struct cs_progress p;
	char buf[512];
	int master, slave;
	ssize_t n;
	FILE *f, *notty;

	(void)state;
	/* not a terminal: no renderer, and the callbacks do nothing */
	notty = tmpfile();
	assert_null(cs_progress_term_new(notty));
	cs_progress_term_bind(NULL, &p);
	cs_progress_update(&p, "x", 1, 2);
	cs_progress_finish(&p);
	fclose(notty);

	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	f = fdopen(slave, "w");
	t = cs_progress_term_new(f);
	assert_non_null(t);
	cs_progress_term_bind(t, &p);
	cs_progress_update(&p, "layer 1/2 \x1b", 512 * 1024, 1024 * 1024);
	/* a second update right away is rate-limited */
	cs_progress_update(&p, "dropped", 1, 2);
	cs_progress_finish(&p);
	fflush(f);
	/* the terminal may hand the output over in pieces */
	fcntl(master, F_SETFL, O_NONBLOCK);
	n = 0;
	for (int tries = 0; tries < 100 && n < (ssize_t)sizeof(buf) - 1; tries++) {
		ssize_t k = read(master, buf + n, sizeof(buf) - 1 - (size_t)n);

		if (k > 0)
			n += k;
		else if (n > 0 && strstr(buf, "\r\033[K") != strrchr(buf, '\r'))
			break;
		else
			usleep(1000);
		buf[n] = '\0';
	}
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "layer 1/2"));
	assert_non_null(strstr(buf, "512.0 KiB / 1.0 MiB (50%)"));
	assert_null(strstr(buf, "dropped"));
	/* finish clears the line */
	assert_non_null(strstr(buf + 1, "\r\033[K"));
	cs_progress_term_free(t);
	fclose(f);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_prefix),  cmocka_unit_test(test_buf_limit),
		cmocka_unit_test(test_parse_numbers), cmocka_unit_test(test_hash),
		cmocka_unit_test(test_stream_verify), cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_table),	      cmocka_unit_test(test_log_levels),
		cmocka_unit_test(test_alloc),	      cmocka_unit_test(test_progress_term),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
