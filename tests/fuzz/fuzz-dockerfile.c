/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Dockerfile parser and the lint rules over whatever it accepts, then
 * the same bytes as a lint configuration. Every issue must point inside the
 * file; every failure must say why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check(const struct cs_issue *v, size_t n, unsigned lines)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].line < 1 || v[i].line > lines || v[i].end_line < v[i].line ||
		    v[i].end_line > lines || !v[i].column || !v[i].rule_id || !v[i].title)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_dockerfile *df = NULL;
	struct cs_df_config *cfg = NULL;
	struct cs_issues *is = NULL;
	struct cs_error err = CS_ERROR_INIT;
	int r;

	r = cs_dockerfile_parse((const char *)data, size, "fuzz", &df, &err);
	if (r < 0) {
		if (r != -ENOMEM && strncmp(err.msg, "fuzz", 4))
			abort();
	} else {
		for (size_t i = 0; i < df->n; i++)
			if (df->v[i].line > df->v[i].end_line || !df->v[i].text)
				abort();
		if (cs_issues_new(&is) < 0)
			abort();
		if (cs_dockerfile_lint(df, NULL, is, &err) == 0) {
			check(is->v, is->n, count_lines(data, size));
			check(is->suppressed, is->n_suppressed, count_lines(data, size));
		}
		cs_issues_free(is);
		cs_dockerfile_free(df);
	}
	cs_error_clear(&err);
	r = cs_df_config_parse((const char *)data, size, "fuzz.yaml", &cfg, &err);
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	cs_df_config_free(cfg);
	return 0;
}
