/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the binary catalogers: the input is an ELF file handed to the
 * go-binary cataloger (ELF headers, build info in both formats, module
 * text) and to the rust cataloger (.dep-v0: zlib + JSON), and the same
 * bytes as a Cargo.lock. Whatever comes out must be a package with a name,
 * found by the right cataloger, recorded at the path it was given; an
 * error must carry a one-line message.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_gobinary;
extern const struct cs_cataloger cs_cataloger_rust;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(const struct cs_cataloger *c, const char *path, const uint8_t *data, size_t size,
		const char *found_by)
{
	struct cs_catalog *cat = NULL;
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .mode = 0755, .size = size };
	struct cs_cataloger_file f = { path, 0, &e, NULL };
	struct cs_error err = CS_ERROR_INIT;
	int r;

	if (cs_catalog_new(&cat) < 0)
		return;
	r = c->parse(cat, &f, (const char *)data, size, &err);
	if (r < 0 && r != -ENOMEM)
		assert(err.msg[0] && !strchr(err.msg, '\n'));
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		assert(p->name && p->name[0]);
		assert(!strcmp(p->path, path));
		assert(!strcmp(p->found_by, found_by));
	}
	cs_catalog_free(cat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the walker hands parse() a buffer it owns; give the sanitizers exact bounds */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	run(&cs_cataloger_gobinary, "usr/bin/app", copy, size, "go-binary");
	run(&cs_cataloger_rust, "usr/bin/app", copy, size, "rust-audit");
	/* a Cargo.lock is never an ELF file (those are read as binaries) */
	if (size < 4 || memcmp(copy,
			       "\x7f"
			       "ELF",
			       4))
		run(&cs_cataloger_rust, "src/Cargo.lock", copy, size, "cargo-lock");
	free(copy);
	return 0;
}
