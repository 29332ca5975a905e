/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the SBOM reader (CycloneDX and SPDX JSON): no crash, no leak, a
 * one-line message on failure, and every package read has a type, a name
 * and the purl it came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/package.h"
#include "sbom/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_catalog *cat = NULL;
	enum cs_sbom_format fmt;

	if (size > (1u << 20))
		return 0;
	if (cs_sbom_read((const char *)data, size, &cat, &fmt, &err) < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n') || cat)
			abort();
		return 0;
	}
	if (fmt != CS_SBOM_CYCLONEDX && fmt != CS_SBOM_SPDX)
		abort();
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		if (!p->name || !p->name[0] || !p->purl || (unsigned)p->type >= CS_PKG_TYPE_COUNT)
			abort();
	}
	for (size_t i = 0; i < cs_catalog_warning_count(cat); i++)
		if (strchr(cs_catalog_warning(cat, i), '\n'))
			abort();
	cs_catalog_free(cat);
	return 0;
}
