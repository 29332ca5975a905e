/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ruby, php and dotnet catalogers; the first byte of the input chooses
 * the parser: 0 gemspec, 1 Gemfile.lock, 2 composer installed.json /
 * composer.lock, 3 deps.json.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_ruby;
extern const struct cs_cataloger cs_cataloger_php;
extern const struct cs_cataloger cs_cataloger_dotnet;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const struct cs_cataloger *c;
		const char *path;
	} targets[] = {
		{ &cs_cataloger_ruby, "usr/local/bundle/specifications/x-1.0.gemspec" },
		{ &cs_cataloger_ruby, "srv/app/Gemfile.lock" },
		{ &cs_cataloger_php, "srv/app/composer.lock" },
		{ &cs_cataloger_dotnet, "app/App.deps.json" },
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_catalog *cat = NULL;
	const struct cs_cataloger *c;
	const char *path;
	int r;

	if (size < 1)
		return 0;
	c = targets[data[0] % 4].c;
	path = targets[data[0] % 4].path;
	{
		struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = size - 1 };
		struct cs_cataloger_file f = { path, 0, &e, NULL };

		if (!c->wants(path, &e) || cs_catalog_new(&cat) < 0)
			abort();
		r = c->parse(cat, &f, (const char *)data + 1, size - 1, &err);
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
