/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "basic/json.h"

static char *render(void (*fn)(struct cs_json *), unsigned flags, int *ret)
{
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_json *j;

	assert_int_equal(cs_json_new_buf(&b, flags, &j), 0);
	fn(j);
	*ret = cs_json_finish(j);
	cs_json_free(j);
	return cs_buf_steal(&b, NULL);
}

static void doc_basic(struct cs_json *j)
{
	static char *strv[] = { "a", "b", NULL };

	cs_json_begin_object(j);
	cs_json_kv_string(j, "s", "quote\" back\\ nl\n tab\t ctl\x01 del\x7f");
	cs_json_kv_int(j, "neg", -42);
	cs_json_kv_uint(j, "big", UINT32_MAX);
	cs_json_kv_bool(j, "t", true);
	cs_json_kv_string(j, "null", NULL);
	cs_json_kv_strv(j, "v", strv);
	cs_json_key(j, "empty");
	cs_json_begin_array(j);
	cs_json_end_array(j);
	cs_json_key(j, "nested");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	cs_json_end_object(j);
	cs_json_double(j, 1.5);
	cs_json_end_array(j);
	cs_json_kv_string(j, "bad utf8", "a\xff\xc3\xa9z");
	cs_json_end_object(j);
}

static void check_roundtrip(unsigned flags)
{
	json_error_t jerr;
	json_t *root;
	int r;
	char *s = render(doc_basic, flags, &r);

	assert_int_equal(r, 0);
	root = json_loads(s, 0, &jerr);
	if (!root)
		fail_msg("%s: %s", jerr.text, s);
	assert_string_equal(json_string_value(json_object_get(root, "s")),
			    "quote\" back\\ nl\n tab\t ctl\x01 del\x7f");
	assert_int_equal(json_integer_value(json_object_get(root, "neg")), -42);
	assert_true(json_is_true(json_object_get(root, "t")));
	assert_true(json_is_null(json_object_get(root, "null")));
	assert_int_equal(json_array_size(json_object_get(root, "v")), 2);
	assert_int_equal(json_array_size(json_object_get(root, "empty")), 0);
	assert_string_equal(json_string_value(json_object_get(root, "bad utf8")),
			    "a\xef\xbf\xbd\xc3\xa9z");
	assert_int_equal(json_integer_value(json_object_get(root, "big")), UINT32_MAX);
	json_decref(root);
	free(s);
}

static void test_roundtrip(void **state)
{
	(void)state;
	check_roundtrip(0);
	check_roundtrip(CS_JSON_PRETTY);
}

static void doc_u64(struct cs_json *j)
{
	cs_json_uint(j, UINT64_MAX);
}

static void test_u64(void **state)
{
	int r;
	char *s = render(doc_u64, 0, &r);

	(void)state;
	assert_int_equal(r, 0);
	/* written exactly (jansson itself cannot hold it) */
	assert_string_equal(s, "18446744073709551615");
	free(s);
}

static void doc_value_without_key(struct cs_json *j)
{
	cs_json_begin_object(j);
	cs_json_string(j, "x");
	cs_json_end_object(j);
}

static void doc_unclosed(struct cs_json *j)
{
	cs_json_begin_array(j);
}

static void doc_mismatch(struct cs_json *j)
{
	cs_json_begin_array(j);
	cs_json_end_object(j);
}

static void doc_two_roots(struct cs_json *j)
{
	cs_json_null(j);
	cs_json_null(j);
}

static void doc_deep(struct cs_json *j)
{
	for (int i = 0; i < CS_JSON_MAX_DEPTH + 1; i++)
		cs_json_begin_array(j);
}

static void test_misuse(void **state)
{
	int r;

	(void)state;
	free(render(doc_value_without_key, 0, &r));
	assert_int_equal(r, -CS_E_INTERNAL);
	free(render(doc_unclosed, 0, &r));
	assert_int_equal(r, -CS_E_INTERNAL);
	free(render(doc_mismatch, 0, &r));
	assert_int_equal(r, -CS_E_INTERNAL);
	free(render(doc_two_roots, 0, &r));
	assert_int_equal(r, -CS_E_INTERNAL);
	free(render(doc_deep, 0, &r));
	assert_int_equal(r, -CS_E_LIMIT);
}

static void test_file_stream_large_string(void **state)
{
	char *out = NULL, *big;
	size_t len = 0, n = 200000;
	FILE *f = open_memstream(&out, &len);
	struct cs_json *j;
	json_t *root;

	(void)state;
	big = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = (i % 3 == 0) ? '"' : (i % 3 == 1 ? 'x' : '\xc3');
	/* make the 0xc3 bytes valid by pairing some with 0xa9 */
	for (size_t i = 2; i + 1 < n; i += 6)
		big[i + 1] = (char)0xa9;
	big[n] = '\0';
	assert_int_equal(cs_json_new_file(f, 0, &j), 0);
	cs_json_string(j, big);
	assert_int_equal(cs_json_finish(j), 0);
	cs_json_free(j);
	fclose(f);
	root = json_loadb(out, len, JSON_DECODE_ANY, NULL);
	assert_non_null(root);
	assert_true(json_is_string(root));
	json_decref(root);
	free(out);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_file_stream_large_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
