/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The condition language parser (runtime/rules_parse.c): any bytes as one
 * condition. A syntax error is one line naming a column inside the input;
 * nesting is bounded, so deep inputs fail cleanly instead of overflowing
 * the stack.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_rules_check_condition((const char *)data, size, &err);
	if (r < 0 && r != -ENOMEM) {
		if (!err.msg[0] || strchr(err.msg, '\n'))
			abort();
		if (r == -CS_E_INPUT && strncmp(err.msg, "at column ", 10) &&
		    strcmp(err.msg, "empty condition"))
			abort();
	}
	return 0;
}
