/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the apk cataloger with the input as lib/apk/db/installed. Every
 * package must come out with a sane name and version and every owned file
 * as a clean relative path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_apk;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool clean_path(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || p[0] == '/' || p[n - 1] == '/' || strstr(p, "//"))
		return false;
	for (const char *c = p; c; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (!strncmp(c, "../", 3) || !strcmp(c, "..") || !strncmp(c, "./", 2) ||
		    !strcmp(c, "."))
			return false;
	}
	return true;
}

static bool token(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "lib/apk/db/installed";
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = size, .layer = 1 };
	struct cs_cataloger_file f = { path, 1, &e, NULL };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_catalog *cat = NULL;

	if (size > (1u << 20) || cs_catalog_new(&cat) < 0)
		return 0;
	if (cs_cataloger_apk.parse(cat, &f, (const char *)data, size, &err) < 0 &&
	    (!err.msg[0] || strchr(err.msg, '\n')))
		abort(); /* every failure has a one-line message */
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		if (!token(p->name) || !token(p->version) || (p->arch && !token(p->arch)) ||
		    (p->source_name && !token(p->source_name)) || p->layer != 1 || !p->path ||
		    strcmp(p->path, path))
			abort();
		for (size_t k = 0; k < p->n_files; k++)
			if (!clean_path(p->files[k]))
				abort();
	}
	cs_catalog_free(cat);
	return 0;
}
