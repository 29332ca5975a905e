/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attestations as cosign writes them: an in-toto Statement (subject = the
 * image's name and sha256 digest, a predicate type and the predicate)
 * wrapped in a DSSE envelope (payloadType application/vnd.in-toto+json,
 * signatures over DSSE's pre-authentication encoding), stored as a layer of
 * the "sha256-HEX.att" manifest (sign/remote.h).
 *
 * Envelopes and statements are hostile input: sizes, signature counts and
 * nesting are bounded; parsing never trusts a trailing NUL. Nothing here
 * touches the network or prints.
 */
#pragma once

#include <jansson.h>
#include "basic/buf.h"
#include "basic/error.h"
#include "sign/key.h"

#define CS_DSSE_ENVELOPE_TYPE	  "application/vnd.dsse.envelope.v1+json"
#define CS_INTOTO_PAYLOAD_TYPE	  "application/vnd.in-toto+json"
#define CS_INTOTO_STATEMENT_V1	  "https://in-toto.io/Statement/v1"
#define CS_INTOTO_STATEMENT_V01	  "https://in-toto.io/Statement/v0.1"
#define CS_PREDICATE_CYCLONEDX	  "https://cyclonedx.org/bom"
#define CS_PREDICATE_SPDX	  "https://spdx.dev/Document"
#define CS_PREDICATE_VULN	  "https://cosign.sigstore.dev/attestation/vuln/v1"
#define CS_PREDICATE_CUSTOM	  "https://cosign.sigstore.dev/attestation/v1"
#define CS_ATTEST_ANNOTATION_TYPE "predicateType"

#define CS_DSSE_ENVELOPE_MAX   (16u << 20) /* an SBOM predicate can be large */
#define CS_DSSE_SIGNATURES_MAX 16
#define CS_DSSE_SIG_B64_MAX    (16u << 10)
#define CS_INTOTO_SUBJECTS_MAX 1024
#define CS_PREDICATE_FILE_MAX  (12u << 20)

/*
 * The predicate type URI for `--type`: cyclonedx, spdx, spdxjson, vuln,
 * custom, or a URI (http:// or https://) taken as is. NULL when the name
 * is none of these.
 */
const char *cs_attest_predicate_type(const char *type);

/* DSSE v1 pre-authentication encoding: "DSSEv1 LEN TYPE LEN BODY", appended to out. */
int cs_dsse_pae(const char *payload_type, const void *body, size_t n, struct cs_buf *out);

struct cs_dsse_signature {
	char *keyid;	    /* "" when absent */
	unsigned char *sig; /* decoded */
	size_t sig_len;
};

struct cs_dsse_envelope {
	char *payload_type;
	unsigned char *payload; /* decoded, NUL-terminated (not counted) */
	size_t payload_len;
	struct cs_dsse_signature *sigs;
	size_t n_sigs;
};
/*
 * Parse a DSSE envelope (JSON): payloadType string, payload standard base64
 * (URL-safe accepted too, as the spec allows either), signatures a
 * non-empty array of {keyid?, sig}. -CS_E_INPUT / -CS_E_LIMIT.
 */
int cs_dsse_envelope_parse(const void *data, size_t n, struct cs_dsse_envelope *ret,
			   struct cs_error *err);
void cs_dsse_envelope_done(struct cs_dsse_envelope *e);

struct cs_intoto_subject {
	char *name;
	char *sha256; /* lowercase hex, NULL when the subject has no sha256 digest */
};

struct cs_intoto_statement {
	char *type; /* _type */
	struct cs_intoto_subject *subjects;
	size_t n_subjects;
	char *predicate_type;
	json_t *predicate; /* owned reference; JSON null when absent */
};
/*
 * Parse an in-toto Statement (v1 or v0.1): _type, subject (a non-empty
 * array of {name, digest{alg: hex}}), predicateType (a string), predicate.
 */
int cs_intoto_statement_parse(const void *data, size_t n, struct cs_intoto_statement *ret,
			      struct cs_error *err);
void cs_intoto_statement_done(struct cs_intoto_statement *s);

/*
 * Build the predicate for predicate_type from a file's bytes as cosign
 * does: cyclonedx, spdx and URIs take the JSON document as it is (a
 * non-JSON SPDX tag-value document becomes a JSON string); vuln takes a
 * document already in cosign's vuln shape ({"scanner":...}) as it is and
 * wraps anything else (customs scan -f json) as the scanner's result;
 * custom wraps the bytes as {"Data": TEXT, "Timestamp": NOW}. now is
 * RFC 3339 UTC. *ret is a new reference.
 */
int cs_attest_predicate_build(const char *predicate_type, const void *data, size_t n,
			      const char *now, const char *scanner_version, json_t **ret,
			      struct cs_error *err);

/*
 * The statement for an image: _type v1, one subject {name, {sha256: HEX}}
 * (digest is "sha256:HEX"), predicateType, predicate. Compact JSON appended
 * to out.
 */
int cs_intoto_statement_build(const char *subject_name, const char *digest,
			      const char *predicate_type, json_t *predicate, struct cs_buf *out,
			      struct cs_error *err);

/*
 * Sign a statement into a DSSE envelope with k (ECDSA over the PAE): the
 * envelope JSON ({"payloadType","payload","signatures":[{"keyid":"","sig"}]})
 * appended to out.
 */
int cs_dsse_sign(const struct cs_privkey *k, const char *payload_type, const void *payload,
		 size_t n, struct cs_buf *out, struct cs_error *err);

/* What cs_attestation_verify found for one envelope. */
struct cs_attestation {
	struct cs_intoto_statement statement;
	size_t key_index; /* the key that verified it */
};
void cs_attestation_done(struct cs_attestation *a);

/*
 * Verify one attestation layer's envelope for an image (digest
 * "sha256:HEX"): payloadType in-toto, at least one signature that one of
 * keys verifies over the PAE, a statement whose subjects include the
 * image's sha256, and (when want_type is not NULL) predicateType equal to
 * want_type. 0 and *out filled, else -CS_E_AUTH (no signature verifies),
 * -CS_E_DIGEST (no subject is the image), -CS_E_NOTFOUND (another
 * predicate type), -CS_E_INPUT (malformed), with a one-line reason.
 */
int cs_attestation_verify(const void *envelope, size_t n, const char *image_digest,
			  const struct cs_pubkeys *keys, const char *want_type,
			  struct cs_attestation *out, struct cs_error *err);
