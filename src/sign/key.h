/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signing keys in cosign's formats: ECDSA P-256 key pairs, public keys as
 * PEM "PUBLIC KEY" (SPKI), private keys as cosign's encrypted PEM
 * ("ENCRYPTED SIGSTORE PRIVATE KEY", and the older "ENCRYPTED COSIGN
 * PRIVATE KEY"): a JSON envelope (scrypt KDF + nacl/secretbox, libsodium)
 * around the PKCS#8 DER of the key (OpenSSL). docs/SIGNING.md has the
 * format. Key files are hostile input: sizes and scrypt parameters are
 * bounded before any work is done.
 *
 * Never prints, never prompts: the caller supplies the password.
 */
#pragma once

#include <stdint.h>
#include "basic/buf.h"
#include "basic/error.h"
#include "basic/hash.h"

/* the PEM labels cosign reads; we write the first (cosign >= 2.0 does too) */
#define CS_PEM_SIGSTORE_PRIVATE "ENCRYPTED SIGSTORE PRIVATE KEY"
#define CS_PEM_COSIGN_PRIVATE	"ENCRYPTED COSIGN PRIVATE KEY"

/* the largest key file read (a P-256 key file is about 650 bytes) */
#define CS_KEY_FILE_MAX (64u << 10)
/* scrypt parameters we accept when reading (cosign writes N=32768 r=8 p=1) */
#define CS_SCRYPT_MAX_LOG_N 20
#define CS_SCRYPT_MAX_R	    32
#define CS_SCRYPT_MAX_P	    16
/* N * r * 128 bytes of memory at most */
#define CS_SCRYPT_MAX_MEM (256u << 20)

struct cs_privkey; /* opaque: an ECDSA P-256 private key */
struct cs_pubkey;  /* opaque: an ECDSA P-256 public key */

/* A set of public keys; any one of them may verify. */
struct cs_pubkeys {
	struct cs_pubkey **v; /* owned */
	size_t n, cap;
};
void cs_pubkeys_init(struct cs_pubkeys *ks);
/* Take ownership of k (freed on failure too). 0 or -ENOMEM. */
int cs_pubkeys_add(struct cs_pubkeys *ks, struct cs_pubkey *k);
void cs_pubkeys_done(struct cs_pubkeys *ks);

/* ---- private keys ---- */

int cs_keypair_generate(struct cs_privkey **ret, struct cs_error *err);
void cs_privkey_free(struct cs_privkey *k);
CS_DEFINE_CLEANUP(struct cs_privkey *, cs_privkey_free)

/*
 * Decrypt a cosign encrypted private key PEM (pem, n) with password (NUL
 * terminated; "" is a valid password, as in cosign). Errors: -CS_E_INPUT
 * (not a cosign key: PEM, base64, JSON, PKCS#8), -CS_E_LIMIT (size or scrypt
 * parameters beyond the limits above), -CS_E_AUTH (wrong password: the
 * secretbox does not open), -CS_E_UNSUPPORTED (another KDF, cipher or key
 * type). name is used in messages (a path).
 */
int cs_privkey_parse(const void *pem, size_t n, const char *password, const char *name,
		     struct cs_privkey **ret, struct cs_error *err);
int cs_privkey_load(const char *path, const char *password, struct cs_privkey **ret,
		    struct cs_error *err);
/*
 * Append cosign's encrypted PEM of k to out: scrypt N=32768 r=8 p=1 with a
 * random 32-byte salt, secretbox with a random nonce, JSON with cosign's
 * field order, label CS_PEM_SIGSTORE_PRIVATE.
 */
int cs_privkey_write_encrypted(const struct cs_privkey *k, const char *password, struct cs_buf *out,
			       struct cs_error *err);
/* A new public key object for k's public half. */
int cs_privkey_public(const struct cs_privkey *k, struct cs_pubkey **ret, struct cs_error *err);
/*
 * ECDSA P-256 over SHA-256 of (data, n): *ret_sig is the ASN.1 DER signature
 * (malloc'd), as cosign signs.
 */
int cs_privkey_sign(const struct cs_privkey *k, const void *data, size_t n, unsigned char **ret_sig,
		    size_t *ret_len, struct cs_error *err);

/* ---- public keys ---- */

/* PEM "PUBLIC KEY" (SPKI) of an ECDSA P-256 key; -CS_E_INPUT / -CS_E_UNSUPPORTED */
int cs_pubkey_parse(const void *pem, size_t n, const char *name, struct cs_pubkey **ret,
		    struct cs_error *err);
int cs_pubkey_load(const char *path, struct cs_pubkey **ret, struct cs_error *err);
/* Append the PEM (as cosign writes it: "PUBLIC KEY", 64-column base64). */
int cs_pubkey_write_pem(const struct cs_pubkey *k, struct cs_buf *out, struct cs_error *err);
/* Append the DER SubjectPublicKeyInfo. */
int cs_pubkey_der(const struct cs_pubkey *k, struct cs_buf *out, struct cs_error *err);
/* Lowercase hex SHA-256 of the DER SPKI: Rekor's log ID for a log key. */
int cs_pubkey_id(const struct cs_pubkey *k, char out[65], struct cs_error *err);
bool cs_pubkey_equal(const struct cs_pubkey *a, const struct cs_pubkey *b);
/*
 * Whether the PEM public key (pem, n) is k: 1 yes, 0 another key, < 0 when
 * it is not a P-256 public key PEM (message names `name`).
 */
int cs_pubkey_pem_matches(const struct cs_pubkey *k, const void *pem, size_t n, const char *name,
			  struct cs_error *err);
/* The file name the key was loaded from, or its parse name (never NULL). */
const char *cs_pubkey_name(const struct cs_pubkey *k);
/*
 * Check an ASN.1 DER ECDSA signature over SHA-256 of (data, n).
 * 0 when it verifies, -CS_E_AUTH when it does not (message names `what`).
 */
int cs_pubkey_verify(const struct cs_pubkey *k, const void *data, size_t n, const void *sig,
		     size_t sig_len, const char *what, struct cs_error *err);
void cs_pubkey_free(struct cs_pubkey *k);
CS_DEFINE_CLEANUP(struct cs_pubkey *, cs_pubkey_free)

/* ---- helpers shared with cosign.c ---- */

/*
 * Strict standard base64 (RFC 4648, padding required, no whitespace unless
 * ignore_ws) into a new buffer of at most max bytes. -CS_E_INPUT or
 * -CS_E_LIMIT with a message naming `what`.
 */
int cs_sign_b64_decode(const char *s, size_t n, bool ignore_ws, size_t max, const char *what,
		       unsigned char **ret, size_t *ret_len, struct cs_error *err);
/* Append standard padded base64 of (p, n) to out. */
int cs_sign_b64_encode(const void *p, size_t n, struct cs_buf *out);

/*
 * Read a whole regular file (relative to dirfd, or AT_FDCWD) of at most max
 * bytes; NUL-terminated for convenience. -CS_E_LIMIT when larger.
 */
int cs_sign_read_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len,
		      struct cs_error *err);

/*
 * Write (data, n) to path atomically (a temporary file beside it, fsync,
 * rename) with mode. Without overwrite an existing path is -EEXIST with a
 * message naming it.
 */
int cs_sign_write_file(const char *path, const void *data, size_t n, unsigned mode, bool overwrite,
		       struct cs_error *err);

/*
 * customs keygen: generate a key pair and write PREFIX.key (0600, encrypted
 * with password) and PREFIX.pub (0644). Both paths are checked before
 * anything is written; without overwrite an existing file is -EEXIST. If
 * writing the .pub fails the .key just written is removed.
 */
int cs_keygen_files(const char *prefix, const char *password, bool overwrite, struct cs_error *err);
