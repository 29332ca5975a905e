/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "basic/yaml.h"

static const struct cs_yaml_options all = { .aliases = true, .numbers = true, .lines = true };

static char *dump(const json_t *v)
{
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
}

static void expect(const char *yaml, const struct cs_yaml_options *o, size_t doc, const char *json)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_yaml *y = NULL;
	char *s;

	assert_int_equal(cs_yaml_parse(yaml, strlen(yaml), o, &y, &err), 0);
	assert_true(doc < y->n_docs);
	s = dump(y->docs[doc].root);
	assert_string_equal(s, json);
	free(s);
	cs_yaml_free(y);
}

static int must_fail(const char *yaml, const struct cs_yaml_options *o, const char *msg)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_yaml *y = NULL;
	int r = cs_yaml_parse(yaml, strlen(yaml), o, &y, &err);

	assert_true(r < 0);
	assert_null(y);
	assert_non_null(strstr(err.msg, msg));
	assert_null(strchr(err.msg, '\n'));
	return r;
}

static void test_scalars(void **state)
{
	(void)state;
	/* plain strings by default: numbers stay text */
	expect("a: 1.10\nb: 0\nc: ~\nd: True\ne: 'true'\nf:\n", NULL, 0,
	       "{\"a\":\"1.10\",\"b\":\"0\",\"c\":null,\"d\":true,\"e\":\"true\",\"f\":null}");
	/* typed: decimal integers and floats, but not quoted or odd spellings */
	expect("a: 1.10\nb: 0\nc: -42\nd: \"7\"\ne: 007\nf: 1e3\ng: 0x10\nh: .5\ni: 1.2.3\n", &all,
	       0,
	       "{\"a\":1.1000000000000001,\"b\":0,\"c\":-42,\"d\":\"7\",\"e\":\"007\","
	       "\"f\":1000.0,\"g\":\"0x10\",\"h\":0.5,\"i\":\"1.2.3\"}");
	expect("big: 99999999999999999999999\n", &all, 0, "{\"big\":\"99999999999999999999999\"}");
}

static void test_documents_and_lines(void **state)
{
	static const char *y3 = "# comment\na: 1\n---\nkind: Pod\nspec:\n  containers:\n"
				"  - name: c\n    image: x\n---\n---\n- 1\n";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_yaml *y = NULL;
	json_t *c;

	(void)state;
	assert_int_equal(cs_yaml_parse(y3, strlen(y3), &all, &y, &err), 0);
	assert_int_equal(y->n_docs, 4);
	assert_int_equal(y->docs[0].line, 2); /* its first token, after the comment */
	assert_int_equal(y->docs[1].line, 3);
	assert_true(json_is_null(y->docs[2].root));
	assert_true(json_is_array(y->docs[3].root));
	c = json_array_get(json_object_get(json_object_get(y->docs[1].root, "spec"), "containers"),
			   0);
	assert_non_null(c);
	assert_int_equal(cs_yaml_line(y, c), 7);
	assert_int_equal(cs_yaml_line(y, y->docs[1].root), 4);
	assert_int_equal(cs_yaml_line(y, json_object_get(y->docs[1].root, "kind")), 0);
	cs_yaml_free(y);

	/* the first-document loader */
	json_t *v = NULL;

	assert_int_equal(cs_yaml_load("x: 1\n---\ny: 2\n", 14, &v, &err), 0);
	assert_string_equal(json_string_value(json_object_get(v, "x")), "1");
	json_decref(v);
	assert_int_equal(cs_yaml_load("", 0, &v, &err), -CS_E_INPUT);
	struct cs_yaml_options two = { .max_docs = 2 };

	assert_int_equal(must_fail("a\n---\nb\n---\nc\n", &two, "more than 2 yaml documents"),
			 -CS_E_LIMIT);
}

static void test_aliases_and_merge(void **state)
{
	(void)state;
	expect("base: &b {image: x, user: root}\nsvc:\n  <<: *b\n  user: app\n", &all, 0,
	       "{\"base\":{\"image\":\"x\",\"user\":\"root\"},\"svc\":{\"image\":\"x\",\"user\":\"app\"}}");
	/* explicit keys before the merge win too; earlier merged maps win */
	expect("a: &a {k: 1, m: 1}\nb: &b {k: 2, n: 2}\nc: {k: 0, <<: [*a, *b]}\n", &all, 0,
	       "{\"a\":{\"k\":1,\"m\":1},\"b\":{\"k\":2,\"n\":2},\"c\":{\"k\":0,\"m\":1,\"n\":2}}");
	expect("l: &l [1, 2]\nm: *l\ns: &s text\nt: *s\n", &all, 0,
	       "{\"l\":[1,2],\"m\":[1,2],\"s\":\"text\",\"t\":\"text\"}");
	/* without the option, anchors and aliases are refused; "<<" is a key */
	assert_int_equal(must_fail("a: &x 1\nb: *x\n", NULL, "not allowed"), -CS_E_INPUT);
	expect("<<: 1\n", NULL, 0, "{\"<<\":\"1\"}");
	assert_int_equal(must_fail("a: *nope\n", &all, "unknown yaml alias *nope"), -CS_E_INPUT);
	assert_int_equal(must_fail("a: &x 1\nb: {<<: *x}\n", &all, "merge key needs a mapping"),
			 -CS_E_INPUT);
	/* anchors do not leak across documents */
	assert_int_equal(must_fail("a: &x 1\n---\nb: *x\n", &all, "unknown yaml alias"),
			 -CS_E_INPUT);
}

static void test_limits(void **state)
{
	char bomb[1024] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
	char deep[CS_YAML_MAX_DEPTH * 2 + 8];

	(void)state;
	/* each level has ten aliases of the one before: 10^9 nodes expanded */
	for (int i = 1; i < 10; i++) {
		char line[128];

		snprintf(line, sizeof(line),
			 "a%d: &a%d [*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d,*a%d]\n", i, i,
			 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
		snprintf(bomb + strlen(bomb), sizeof(bomb) - strlen(bomb), "%s", line);
	}
	assert_int_equal(must_fail(bomb, &all, "more than"), -CS_E_LIMIT);
	memset(deep, '[', CS_YAML_MAX_DEPTH + 1);
	deep[CS_YAML_MAX_DEPTH + 1] = 0;
	assert_int_equal(must_fail(deep, NULL, "nested deeper than 64"), -CS_E_LIMIT);
	assert_int_equal(must_fail("a: [1, 2\n", NULL, "invalid yaml at line"), -CS_E_INPUT);
	assert_int_equal(must_fail("? [a]\n: 1\n", NULL, "complex yaml mapping key"), -CS_E_INPUT);
	assert_int_equal(must_fail("a: \"\\0\"\n", NULL, "NUL byte"), -CS_E_INPUT);
	assert_int_equal(must_fail("a: \"\\ud800\"\n", NULL, "invalid"), -CS_E_INPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_documents_and_lines),
		cmocka_unit_test(test_aliases_and_merge),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
