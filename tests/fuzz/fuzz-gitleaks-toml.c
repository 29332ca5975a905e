/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secret rule files: the TOML reader and the rule interpreter on any input
 * (gitleaks TOML, or customs JSON when the first non-blank byte is '{').
 * Every input is checked without compiling (fast), small ones also compiled
 * (PCRE2 and the Vectorscan prefilter database) and run on a short text.
 * A failure must come with a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/secret.h"
#include "analyze/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "key = abcdef0123456789\npassword: hunter2hunter2\n";
	struct cs_secret_rules *rs = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_tv *tv = NULL;
	const char *p = (const char *)data;
	int r;

	r = cs_toml_parse(p, size, &tv, &err);
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	cs_tv_free(tv);
	cs_error_clear(&err);
	r = cs_secret_rules_parse(p, size, "fuzz.toml", CS_SECRET_PARSE_ONLY, &rs, &err);
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	cs_secret_rules_free(rs);
	rs = NULL;
	if (size > 1024)
		return 0;
	cs_error_clear(&err);
	r = cs_secret_rules_parse(p, size, "fuzz.toml", 0, &rs, &err);
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	if (r >= 0) {
		struct cs_issues *is = NULL;

		if (cs_issues_new(&is) < 0)
			abort();
		r = cs_secret_scan(rs, "etc/x.conf", 0, NULL, text, sizeof(text) - 1, is, &err);
		if (r < 0 && !err.msg[0])
			abort();
		for (size_t i = 0; i < is->n; i++)
			if (is->v[i].line < 1 || is->v[i].line > 3)
				abort();
		cs_issues_free(is);
	}
	cs_secret_rules_free(rs);
	return 0;
}
