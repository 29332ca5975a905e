/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the attestation parsers: DSSE envelopes, the in-toto statements they
 * carry, and the cosign signature/attestation manifests that list them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sign/attest.h"
#include "sign/remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_dsse_envelope e = { 0 };
	struct cs_intoto_statement st = { 0 };
	struct cs_sign_layers l = { 0 };
	struct cs_error err = CS_ERROR_INIT;

	if (size > (1u << 20))
		return 0;
	if (cs_dsse_envelope_parse(data, size, &e, &err) == 0) {
		struct cs_buf pae = CS_BUF_INIT(4u << 20);

		if (e.n_sigs == 0 || !e.payload_type || !e.payload)
			abort();
		if (cs_dsse_pae(e.payload_type, e.payload, e.payload_len, &pae) == 0 &&
		    pae.len < e.payload_len)
			abort();
		cs_buf_done(&pae);
		if (cs_intoto_statement_parse(e.payload, e.payload_len, &st, &err) == 0) {
			if (st.n_subjects == 0 || !st.predicate)
				abort();
			cs_intoto_statement_done(&st);
		}
		cs_dsse_envelope_done(&e);
	}
	/* the raw bytes as a statement and as an attachment manifest, too */
	if (cs_intoto_statement_parse(data, size, &st, &err) == 0)
		cs_intoto_statement_done(&st);
	if (cs_sign_layers_parse(data, size, &l, &err) == 0) {
		for (size_t i = 0; i < l.n; i++)
			if (!l.v[i].digest || !l.v[i].media_type || l.v[i].size < 0)
				abort();
		cs_sign_layers_done(&l);
	}
	return 0;
}
