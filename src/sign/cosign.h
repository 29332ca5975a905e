/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cosign signatures, offline: the simple-signing payload (built byte for
 * byte as cosign writes it, and parsed), signing a payload, and verifying a
 * signature against an image digest, public keys and optionally a Rekor
 * bundle (SignedEntryTimestamp over the canonical entry, the hashedrekord /
 * rekord body matched to the payload, signature and key). Also the
 * containers/image `dir:` signature file format (`\0sigstore-json\n`).
 *
 * Nothing here touches the network: the registry side fetches the `.sig`
 * manifest and its layers and hands them here as struct cs_cosign_sig.
 * Payloads, signatures and bundles are hostile input; every size is capped.
 * docs/SIGNING.md describes what is checked.
 */
#pragma once

#include <stdint.h>
#include "basic/buf.h"
#include "basic/error.h"
#include "basic/hash.h"
#include "sign/key.h"

#define CS_COSIGN_SIGNATURE_ANNOTATION "dev.cosignproject.cosign/signature"
#define CS_COSIGN_BUNDLE_ANNOTATION    "dev.sigstore.cosign/bundle"
#define CS_COSIGN_SIMPLESIGNING_TYPE   "application/vnd.dev.cosign.simplesigning.v1+json"
#define CS_COSIGN_PAYLOAD_TYPE	       "cosign container image signature"
/* the magic containers/image writes before a sigstore signature in dir: */
#define CS_SIGSTORE_JSON_MAGIC	   "\0sigstore-json\n"
#define CS_SIGSTORE_JSON_MAGIC_LEN 15

/* limits on hostile input */
#define CS_COSIGN_PAYLOAD_MAX  (1u << 20) /* a payload is a few hundred bytes */
#define CS_COSIGN_SIG_B64_MAX  (16u << 10)
#define CS_COSIGN_BUNDLE_MAX   (1u << 20)
#define CS_COSIGN_SIG_FILE_MAX (4u << 20)
#define CS_COSIGN_REF_MAX      4096

/*
 * One signature as found on a `.sig` manifest layer (or a dir: signature
 * file). All fields owned (malloc'd), freed by cs_cosign_sig_done; NULL
 * when absent.
 */
struct cs_cosign_sig {
	char *name;	  /* for messages: "signature-1", "layer 0" */
	char *media_type; /* the layer's media type (simplesigning), may be NULL */
	char *payload;	  /* the layer blob: the simple-signing payload */
	size_t payload_len;
	char *layer_digest; /* the layer descriptor's digest; when set, payload must match */
	char *signature;    /* base64 DER ECDSA signature (CS_COSIGN_SIGNATURE_ANNOTATION) */
	char *bundle;	    /* Rekor bundle JSON (CS_COSIGN_BUNDLE_ANNOTATION) or NULL */
	size_t bundle_len;
	char *error; /* set by readers when the signature could not be parsed */
};
void cs_cosign_sig_done(struct cs_cosign_sig *s);

/*
 * Parse a containers/image sigstore signature file: the magic, then JSON
 * {"mimeType":..., "payload": base64, "annotations": {...}}. name is kept
 * for messages.
 */
int cs_cosign_sig_parse_sigstore_json(const void *data, size_t n, const char *name,
				      struct cs_cosign_sig *ret, struct cs_error *err);

/* A sigstore signature file (the format above) read from path. */
int cs_cosign_sig_file_read(const char *path, struct cs_cosign_sig *ret, struct cs_error *err);
void cs_cosign_sigs_free(struct cs_cosign_sig *sigs, size_t n);

/*
 * A containers/image `dir:` layout: *digest is the sha256 of DIR/manifest.json
 * (bounded by CS_COSIGN_MANIFEST_MAX), *ret_sigs the sigstore signatures
 * among DIR/signature-1, signature-2, ... (in order, up to
 * CS_COSIGN_DIR_SIGS_MAX). Files without the sigstore magic (GPG simple
 * signing) are skipped and counted in *ret_other; a sigstore file that does
 * not parse is kept as a signature without payload whose `name` says why,
 * so verifying it fails with that reason instead of hiding it.
 */
#define CS_COSIGN_MANIFEST_MAX (4u << 20)
#define CS_COSIGN_DIR_SIGS_MAX 1000
int cs_cosign_dir_read(const char *dir, char digest[CS_DIGEST_STR_MAX],
		       struct cs_cosign_sig **ret_sigs, size_t *ret_n, size_t *ret_other,
		       struct cs_error *err);

/* ---- simple signing payload ---- */

/*
 * The payload cosign signs for an image, as Go's encoding/json writes it:
 * {"critical":{"identity":{"docker-reference":REF},"image":{"docker-manifest-digest":DIGEST},
 *  "type":"cosign container image signature"},"optional":OPT}
 * where OPT is annotations_json (a JSON object, written with sorted keys and
 * Go's escaping) or null when annotations_json is NULL. Appends to out.
 */
int cs_simple_signing_payload(const char *docker_ref, const char *digest,
			      const char *annotations_json, struct cs_buf *out,
			      struct cs_error *err);

struct cs_simple_signing {
	char *docker_reference;
	char digest[CS_DIGEST_STR_MAX]; /* critical.image.docker-manifest-digest */
	char *optional;			/* compact JSON of "optional", NULL when null/absent */
};
/*
 * Parse and validate a payload: critical.type must be the cosign type,
 * the digest a valid digest, identity.docker-reference a string.
 */
int cs_simple_signing_parse(const void *data, size_t n, struct cs_simple_signing *ret,
			    struct cs_error *err);
void cs_simple_signing_done(struct cs_simple_signing *p);

/* ---- Rekor bundle ---- */

struct cs_rekor_bundle {
	unsigned char *set; /* SignedEntryTimestamp, DER */
	size_t set_len;
	char *body; /* Payload.body as given (base64) */
	int64_t integrated_time;
	int64_t log_index;
	char *log_id; /* hex */
};
int cs_rekor_bundle_parse(const void *json, size_t n, struct cs_rekor_bundle *ret,
			  struct cs_error *err);
void cs_rekor_bundle_done(struct cs_rekor_bundle *b);
/*
 * The bytes a Rekor SignedEntryTimestamp signs: the RFC 8785 canonical JSON
 * {"body":..,"integratedTime":..,"logID":..,"logIndex":..}, appended to out.
 */
int cs_rekor_set_payload(const char *body, int64_t integrated_time, const char *log_id,
			 int64_t log_index, struct cs_buf *out);

/* ---- signing ---- */

/* Sign (payload, n) with k: *b64sig is the base64 DER signature (malloc'd). */
int cs_cosign_sign_payload(const struct cs_privkey *k, const void *payload, size_t n, char **b64sig,
			   struct cs_error *err);

/* ---- verification ---- */

struct cs_cosign_verified {
	struct cs_simple_signing payload;
	size_t key_index;	 /* which of the keys verified it */
	bool tlog;		 /* a Rekor bundle was verified */
	int64_t integrated_time; /* when tlog */
	int64_t log_index;
	char log_id[65];
};
void cs_cosign_verified_done(struct cs_cosign_verified *v);

/* Check (payload, n) against a layer digest ("sha256:..."): -CS_E_DIGEST on mismatch. */
int cs_cosign_verify_layer_digest(const void *payload, size_t n, const char *layer_digest,
				  struct cs_error *err);

/*
 * Verify one signature for an image whose manifest digest is image_digest:
 * the payload's digest against sig->layer_digest (when set), the base64
 * signature over the payload with any of keys, the payload's type and
 * docker-manifest-digest. With rekor_key and a bundle: the SET over the
 * canonical entry, the log ID against the key, and the body's hash,
 * signature and public key against the payload, signature and verifying
 * key. With rekor_key and no bundle the signature fails (a tlog entry was
 * required). A bundle without rekor_key is not checked (out->tlog false).
 * image_digest NULL skips the digest match (the caller compares
 * out->payload.digest itself, e.g. to a digest it resolves later).
 *
 * 0 and *out filled when it verifies; otherwise a negative code with a
 * one-line message saying what failed: -CS_E_AUTH (signature, SET or bundle
 * mismatch), -CS_E_DIGEST (payload or image digest), -CS_E_INPUT (malformed
 * payload, signature or bundle), -CS_E_LIMIT.
 */
int cs_cosign_verify(const struct cs_cosign_sig *sig, const char *image_digest,
		     const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
		     struct cs_cosign_verified *out, struct cs_error *err);

/* The outcome for each signature of a list (cs_cosign_verify_all). */
struct cs_cosign_result {
	int status; /* 0 verified, else cs_cosign_verify's code */
	struct cs_error err;
	struct cs_cosign_verified verified; /* when status == 0 */
};
/*
 * Verify every signature of a list (the core of `customs verify`): results
 * must have n entries, each filled. Returns how many verified (>= 0).
 * Free with cs_cosign_results_done.
 */
int cs_cosign_verify_all(const struct cs_cosign_sig *sigs, size_t n, const char *image_digest,
			 const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
			 struct cs_cosign_result *results);
void cs_cosign_results_done(struct cs_cosign_result *results, size_t n);

/*
 * Write a verified signature as the JSON line `customs verify` prints
 * (cosign verify's shape plus which key and tlog): appends to out.
 */
int cs_cosign_verified_json(const struct cs_cosign_sig *sig, const struct cs_cosign_verified *v,
			    const struct cs_pubkeys *keys, struct cs_buf *out);
