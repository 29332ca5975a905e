/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The malware SHA-256 blocklist parser (sha256sum-style lines). Whatever
 * the input, parsing either succeeds and every parsed hash can be looked
 * up, or fails with a one-line message and keeps nothing of the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/malware.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_blocklist *bl = NULL;
	struct cs_error err = CS_ERROR_INIT;
	uint8_t zero[32] = { 0 };
	size_t before;
	int r;

	if (cs_blocklist_new(&bl) < 0)
		abort();
	before = cs_blocklist_count(bl);
	r = cs_blocklist_parse(bl, "fuzz", (const char *)data, size, &err);
	if (r < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n') || cs_blocklist_count(bl) != before)
			abort();
	} else if (cs_blocklist_count(bl) < before) {
		abort();
	}
	(void)cs_blocklist_lookup(bl, zero);
	/* a second list on top of the first, as --malware-blocklist adds to the built-in */
	(void)cs_blocklist_parse(bl, "fuzz", (const char *)data, size, NULL);
	cs_blocklist_free(bl);
	return 0;
}
