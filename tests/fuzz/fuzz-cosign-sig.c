/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cosign signatures on arbitrary bytes: as a containers/image sigstore
 * signature file (then verified with the corpus keys, Rekor bundle
 * included), as a Rekor bundle, and as a
 * simple-signing payload. A payload that parses must be rebuilt by
 * cs_simple_signing_payload into one that parses to the same values.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sign/cosign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The keys that signed the corpus (throwaway keys made for it, private
 * halves discarded): corpus/bundle.sig verifies with them, tlog included,
 * so mutations reach every check of the bundle.
 */
static const char key_pem[] = "-----BEGIN PUBLIC KEY-----\n"
			      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1c+5C3oWEernoEUzdN9GQQTI34n7\n"
			      "vG8yQ4FrIY+QpEYNdjF5ECWk7176gmWtngJJe6Siy0H6okFI8f3skGuSBA==\n"
			      "-----END PUBLIC KEY-----\n";
static const char rekor_pem[] = "-----BEGIN PUBLIC KEY-----\n"
				"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEepw4iL8wMkVwc4dqMBh1NhZ/aid+\n"
				"TUOKJqSmzxc0NDLen3mkYkIuTXu5TjCgYdlSc478oH5+otaAlZ+XYyu0tw==\n"
				"-----END PUBLIC KEY-----\n";

static void check_payload(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_simple_signing p = { 0 }, q = { 0 };
	struct cs_buf b = CS_BUF_INIT(4u << 20);

	if (cs_simple_signing_parse(data, size, &p, &err) < 0)
		return;
	if (cs_simple_signing_payload(p.docker_reference, p.digest, p.optional, &b, &err) < 0 ||
	    cs_simple_signing_parse(b.data, b.len, &q, &err) < 0 || strcmp(p.digest, q.digest) ||
	    strcmp(p.docker_reference, q.docker_reference) || !p.optional != !q.optional ||
	    (p.optional && strcmp(p.optional, q.optional)))
		__builtin_trap();
	cs_simple_signing_done(&p);
	cs_simple_signing_done(&q);
	cs_buf_done(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cosign_sig s = { 0 };
	struct cs_rekor_bundle rb = { 0 };
	struct cs_pubkeys keys;
	struct cs_pubkey *k = NULL, *rk = NULL;
	struct cs_cosign_verified v;

	cs_pubkeys_init(&keys);
	if (cs_pubkey_parse(key_pem, sizeof(key_pem) - 1, "k", &k, &err) < 0 ||
	    cs_pubkeys_add(&keys, k) < 0 ||
	    cs_pubkey_parse(rekor_pem, sizeof(rekor_pem) - 1, "r", &rk, &err) < 0)
		__builtin_trap();
	if (cs_cosign_sig_parse_sigstore_json(data, size, "fuzz", &s, &err) == 0) {
		/* no image digest: the digest check is skipped, the rest runs */
		if (cs_cosign_verify(&s, NULL, &keys, rk, &v, &err) == 0) {
			/* only what the corpus keys signed can get here */
			if (!v.tlog || v.key_index != 0 || !v.payload.docker_reference)
				__builtin_trap();
			cs_cosign_verified_done(&v);
		} else if (!err.msg[0] || strchr(err.msg, '\n')) {
			__builtin_trap();
		}
		check_payload((const uint8_t *)s.payload, s.payload_len);
		if (s.bundle && cs_rekor_bundle_parse(s.bundle, s.bundle_len, &rb, &err) == 0)
			cs_rekor_bundle_done(&rb);
		cs_cosign_sig_done(&s);
	}
	if (cs_rekor_bundle_parse(data, size, &rb, &err) == 0)
		cs_rekor_bundle_done(&rb);
	check_payload(data, size);
	cs_pubkeys_done(&keys);
	cs_pubkey_free(rk);
	return 0;
}
