/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rpm database readers: the first byte selects the header-blob decoder
 * (0), the Berkeley DB walker (1), the NDB walker (2) or the SQLite reader
 * (3); the rest is the input. Walkers decode every blob they find.
 */
#include <stddef.h>
#include <stdint.h>
#include "catalog/rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int decode_blob(const uint8_t *blob, size_t len, void *userdata, struct cs_error *err)
{
	struct cs_package *p = NULL;
	int r = cs_rpm_header_decode(blob, len, &p, err);

	(void)userdata;
	cs_package_free(p);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		decode_blob(data + 1, size - 1, NULL, &err);
		break;
	case 1:
		cs_rpm_bdb_walk(data + 1, size - 1, decode_blob, NULL, &err);
		break;
	case 2:
		cs_rpm_ndb_walk(data + 1, size - 1, decode_blob, NULL, &err);
		break;
	default:
		cs_rpm_sqlite_walk(data + 1, size - 1, decode_blob, NULL, &err);
		break;
	}
	return 0;
}
