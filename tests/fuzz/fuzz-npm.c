/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The npm cataloger's parsers; the first byte of the input chooses one:
 * 0 package.json, 1 package-lock.json, 2 yarn.lock, 3 pnpm-lock.yaml.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_npm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"app/node_modules/@s/x/package.json",
		"app/package-lock.json",
		"app/yarn.lock",
		"app/pnpm-lock.yaml",
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_catalog *cat = NULL;
	const char *path;
	int r;

	if (size < 1)
		return 0;
	path = paths[data[0] % 4];
	{
		struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = size - 1 };
		struct cs_cataloger_file f = { path, 0, &e, NULL };

		if (!cs_cataloger_npm.wants(path, &e) || cs_catalog_new(&cat) < 0)
			abort();
		r = cs_cataloger_npm.parse(cat, &f, (const char *)data + 1, size - 1, &err);
	}
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
