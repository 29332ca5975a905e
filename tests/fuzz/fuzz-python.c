/* SPDX-License-Identifier: Apache-2.0 */
/* The python cataloger's metadata parser (METADATA, PKG-INFO, egg-info). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_python;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "usr/lib/python3/dist-packages/x-1.dist-info/METADATA";
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = size };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_catalog *cat = NULL;
	int r;

	if (cs_catalog_new(&cat) < 0)
		return 0;
	r = cs_cataloger_python.parse(cat, &f, (const char *)data, size, &err);
	/* an error always says what went wrong; a package always has a name and version */
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		if (!p->name || !p->name[0] || !p->version || !p->version[0] ||
		    strcmp(p->path, path))
			abort();
	}
	cs_catalog_free(cat);
	return 0;
}
