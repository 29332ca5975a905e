/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Content digests through OpenSSL (SHA-256, and SHA-512 which OCI also
 * allows), and parsing/validation of "algorithm:hex" digest strings.
 */
#pragma once

#include "macro.h"
#include "error.h"

enum cs_hash_alg {
	CS_HASH_SHA256 = 0,
	CS_HASH_SHA512,
};

#define CS_HASH_MAX_LEN 64
/* "sha512:" + 128 hex + NUL */
#define CS_DIGEST_STR_MAX (7 + 2 * CS_HASH_MAX_LEN + 1)

struct cs_hash; /* opaque */

int cs_hash_new(enum cs_hash_alg alg, struct cs_hash **ret);
int cs_hash_update(struct cs_hash *h, const void *p, size_t n);
/* Writes "alg:hex" into out (CS_DIGEST_STR_MAX bytes). The hash can then be reset. */
int cs_hash_final(struct cs_hash *h, char out[CS_DIGEST_STR_MAX]);
int cs_hash_reset(struct cs_hash *h);
void cs_hash_free(struct cs_hash *h);
CS_DEFINE_CLEANUP(struct cs_hash *, cs_hash_free)

/* One-shot digest of a buffer: out = "sha256:<hex>". */
int cs_sha256_digest(const void *p, size_t n, char out[CS_DIGEST_STR_MAX]);
int cs_digest_of(enum cs_hash_alg alg, const void *p, size_t n, char out[CS_DIGEST_STR_MAX]);

/*
 * Validate a digest string ("sha256:" + 64 lowercase hex, or "sha512:" +
 * 128). Returns 0 and the algorithm, or -CS_E_INPUT (-CS_E_UNSUPPORTED for a
 * well-formed digest of another algorithm) with a message naming it.
 */
int cs_digest_parse(const char *digest, enum cs_hash_alg *ret_alg, struct cs_error *err);
/* The hex part of a valid digest (after the colon). */
const char *cs_digest_hex(const char *digest);
const char *cs_hash_alg_name(enum cs_hash_alg alg);
