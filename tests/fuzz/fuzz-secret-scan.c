/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The secret matcher with the built-in rules on arbitrary content: every
 * issue must point inside the input (line, column), carry a redacted
 * excerpt, and the excerpt must not be longer than the window it shows.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_secret_rules *rules;

static void drop_rules(void)
{
	cs_secret_rules_free(rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_issues *is = NULL;
	size_t lines = 1;
	int r;

	if (!rules) {
		if (cs_secret_rules_builtin(&rules, &err) < 0)
			abort();
		atexit(drop_rules);
	}
	if (size > (1u << 20))
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (cs_issues_new(&is) < 0)
		abort();
	r = cs_secret_scan(rules, "root/.docker/config.json", 1, NULL, data, size, is, &err);
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	for (size_t i = 0; i < is->n; i++) {
		const struct cs_issue *x = &is->v[i];

		if (x->line < 1 || x->line > lines || x->end_line < x->line || x->column < 1 ||
		    !x->excerpt || !strstr(x->excerpt, "*****") || strlen(x->excerpt) > 1024 ||
		    x->kind != CS_ISSUE_SECRET || x->layer != 1)
			abort();
	}
	cs_issues_free(is);
	return 0;
}
