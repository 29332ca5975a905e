/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sigstore bundles (protobuf-specs Bundle, JSON form; media types
 * application/vnd.dev.sigstore.bundle.v0.3+json and the older
 * ...bundle+json;version=0.1/0.2), as cosign attaches them to an image as an
 * OCI 1.1 referrer (artifactType = the bundle media type, the bundle as the
 * one layer). Verification is key-based and offline: the verification
 * material must be a public key hint, or a certificate whose public key is
 * one of the given keys (the certificate is used only as a container of
 * that key; keyless Fulcio verification is refused with a clear message),
 * the content a DSSE envelope over an in-toto statement
 * whose subject is the image (what `cosign sign --new-bundle-format` and
 * `cosign attest` write), or a message signature over the image manifest.
 *
 * Bundles are hostile input: size, tlog entries and every field are
 * bounded; duplicate JSON keys are refused.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "basic/error.h"
#include "sign/attest.h"
#include "sign/key.h"

#define CS_SIGSTORE_BUNDLE_V03	     "application/vnd.dev.sigstore.bundle.v0.3+json"
#define CS_SIGSTORE_BUNDLE_V03_ALT   "application/vnd.dev.sigstore.bundle+json;version=0.3"
#define CS_SIGSTORE_BUNDLE_V02	     "application/vnd.dev.sigstore.bundle+json;version=0.2"
#define CS_SIGSTORE_BUNDLE_V01	     "application/vnd.dev.sigstore.bundle+json;version=0.1"
#define CS_SIGSTORE_BUNDLE_MAX	     (16u << 20)
#define CS_SIGSTORE_TLOG_ENTRIES_MAX 32

enum cs_bundle_material {
	CS_BUNDLE_PUBLIC_KEY,
	CS_BUNDLE_CERTIFICATE, /* certificate or x509CertificateChain */
};

struct cs_bundle_tlog_entry {
	int64_t log_index;
	int64_t integrated_time;
	char *kind;	    /* kindVersion.kind, "" when absent */
	char *log_id;	    /* logId.keyId as lowercase hex */
	char *body;	    /* canonicalizedBody (base64) as given, NULL when absent */
	unsigned char *set; /* inclusionPromise.signedEntryTimestamp, decoded; NULL when absent */
	size_t set_len;
};

struct cs_sigstore_bundle {
	char *media_type;
	enum cs_bundle_material material;
	char *key_hint;	     /* publicKey.hint, "" when absent */
	unsigned char *cert; /* the leaf certificate (DER) of certificate material */
	size_t cert_len;
	struct cs_bundle_tlog_entry *tlog;
	size_t n_tlog;
	/* exactly one of: */
	char *dsse; /* the dsseEnvelope object as compact JSON (cs_dsse_envelope_parse checks it) */
	size_t dsse_len;
	unsigned char msg_digest[32]; /* messageSignature.messageDigest (SHA2_256) */
	unsigned char *msg_sig;	      /* messageSignature.signature, decoded */
	size_t msg_sig_len;
};
/* Parse a bundle: -CS_E_INPUT / -CS_E_LIMIT / -CS_E_UNSUPPORTED (media type). */
int cs_sigstore_bundle_parse(const void *data, size_t n, struct cs_sigstore_bundle *ret,
			     struct cs_error *err);
void cs_sigstore_bundle_done(struct cs_sigstore_bundle *b);

struct cs_bundle_verified {
	char *media_type;
	char *predicate_type;	 /* DSSE bundles: the statement's; NULL for message signatures */
	json_t *predicate;	 /* DSSE bundles: the statement's predicate (owned reference) */
	size_t key_index;	 /* the key that verified it */
	size_t n_tlog;		 /* transparency log entries present */
	bool tlog;		 /* one was verified with the Rekor key */
	int64_t integrated_time; /* of the verified entry (else the first), 0 when none */
	int64_t log_index;
};
void cs_bundle_verified_done(struct cs_bundle_verified *v);

/*
 * Verify a bundle for an image whose manifest digest is image_digest
 * ("sha256:HEX") and whose manifest bytes are (manifest, manifest_len)
 * (needed for a message signature; may be NULL otherwise). A DSSE envelope
 * must be signed by one of keys over the PAE and carry an in-toto statement
 * whose subject includes the image's sha256; a message signature must have
 * messageDigest = the image digest and a signature over the manifest by one
 * of keys. Certificate material counts only when the leaf's public key is
 * one of keys, and only that key may verify. With rekor_key, one tlog entry must have an inclusion
 * promise (SignedEntryTimestamp) that rekor_key verifies over the canonical {body, integratedTime,
 * logID, logIndex}, a logID that is rekor_key's, and a body naming the bundle's signature (as
 * cosign checks a bundle's SET; inclusion proofs and checkpoints are not checked).
 * -CS_E_UNSUPPORTED for a certificate whose key is none of keys (keyless); otherwise
 * cs_attestation_verify's codes.
 */
int cs_sigstore_bundle_verify(const void *data, size_t n, const char *image_digest,
			      const void *manifest, size_t manifest_len,
			      const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
			      struct cs_bundle_verified *out, struct cs_error *err);
