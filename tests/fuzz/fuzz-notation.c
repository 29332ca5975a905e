/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notation JWS envelopes: parsing, base64url, headers, the certificate
 * chain, against an empty trust store. Nothing may verify, nothing may
 * crash, every failure is one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sign/notation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_notation_trust *trust;
	struct cs_notation_options o = { .size = -1, .now = 1700000000 };
	struct cs_notation_verified v = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	int r;

	if (!trust && cs_notation_trust_new(&trust) < 0)
		abort();
	r = cs_notation_verify(
		data, size,
		"sha256:0000000000000000000000000000000000000000000000000000000000000000", trust,
		&o, &v, &err);
	if (r >= 0)
		abort(); /* an empty trust store trusts nothing */
	if (r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
		abort();
	return 0;
}
