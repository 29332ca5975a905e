/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cosign key files on arbitrary bytes: as an encrypted private key (the PEM,
 * the JSON envelope, scrypt bounds, secretbox, PKCS#8) and as a public key.
 * A private key that parses must sign, and its public half must verify that
 * signature and survive a PEM round trip.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sign/key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_privkey *k = NULL;
	struct cs_pubkey *pub = NULL, *again = NULL;
	struct cs_buf pem = CS_BUF_INIT(CS_KEY_FILE_MAX);
	unsigned char *sig = NULL;
	size_t sig_len = 0;

	/* the corpus keys are encrypted with "fuzz" */
	if (cs_privkey_parse(data, size, "fuzz", "fuzz.key", &k, &err) == 0) {
		if (cs_privkey_sign(k, data, size, &sig, &sig_len, &err) < 0 ||
		    cs_privkey_public(k, &pub, &err) < 0 ||
		    cs_pubkey_verify(pub, data, size, sig, sig_len, "signature", &err) < 0)
			__builtin_trap();
		free(sig);
		cs_pubkey_free(pub);
		pub = NULL;
		cs_privkey_free(k);
	} else if (err.code == 0 || !err.msg[0] || strchr(err.msg, '\n')) {
		__builtin_trap();
	}
	if (cs_pubkey_parse(data, size, "fuzz.pub", &pub, &err) == 0) {
		if (cs_pubkey_write_pem(pub, &pem, &err) < 0 ||
		    cs_pubkey_parse(pem.data, pem.len, "again", &again, &err) < 0 ||
		    !cs_pubkey_equal(pub, again))
			__builtin_trap();
		cs_pubkey_free(again);
		cs_pubkey_free(pub);
	}
	cs_buf_done(&pem);
	return 0;
}
