/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the java cataloger: the input is a jar read from memory by
 * libarchive, with its pom.properties, MANIFEST.MF and nested archives.
 * Every package must have a name and a path that starts with the outer
 * file's (nested ones after a '!'); an error must carry a one-line message.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_java;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "opt/app/lib/app.jar";
	struct cs_catalog *cat = NULL;
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .mode = 0644, .size = size };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	struct cs_error err = CS_ERROR_INIT;
	uint8_t *copy = malloc(size ? size : 1);
	int r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (cs_catalog_new(&cat) < 0) {
		free(copy);
		return 0;
	}
	r = cs_cataloger_java.parse(cat, &f, (const char *)copy, size, &err);
	if (r < 0 && r != -ENOMEM)
		assert(err.msg[0] && !strchr(err.msg, '\n'));
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);
		size_t n = strlen(path);

		assert(p->name && p->name[0]);
		assert(!strncmp(p->path, path, n) && (p->path[n] == '\0' || p->path[n] == '!'));
		assert(!strcmp(p->found_by, "java"));
	}
	cs_catalog_free(cat);
	free(copy);
	return 0;
}
