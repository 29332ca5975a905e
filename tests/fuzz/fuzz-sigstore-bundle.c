/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the Sigstore bundle parser and the verifier's paths up to the
 * signature checks (no key verifies, so every input must be refused
 * cleanly).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sign/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char manifest[] = "{}";
	struct cs_sigstore_bundle b = { 0 };
	struct cs_bundle_verified v = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkeys keys;
	int r;

	if (size > (1u << 20))
		return 0;
	if (cs_sigstore_bundle_parse(data, size, &b, &err) == 0) {
		if (!b.media_type || (!b.dsse == !b.msg_sig))
			abort();
		for (size_t i = 0; i < b.n_tlog; i++)
			if (!b.tlog[i].kind || !b.tlog[i].log_id || b.tlog[i].log_index < 0)
				abort();
		cs_sigstore_bundle_done(&b);
	} else if (!err.msg[0]) {
		abort();
	}
	/* with no key nothing may verify */
	cs_pubkeys_init(&keys);
	cs_error_clear(&err);
	r = cs_sigstore_bundle_verify(
		data, size,
		"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", manifest,
		2, &keys, NULL, &v, &err);
	if (r == 0 || !err.msg[0])
		abort();
	cs_pubkeys_done(&keys);
	return 0;
}
