/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notary Project (Notation) signatures: the JWS envelope (flattened JWS
 * JSON serialization, media type application/jose+json) over a payload
 * naming the signed manifest, signed by the key of the first certificate
 * of the envelope's x5c chain. Verification checks, offline: the envelope's
 * shape and critical headers, the chain up to a certificate of the trust
 * store (the leaf a code-signing certificate), that the alg header is the
 * one the leaf's key calls for, the signature over the JWS signing input,
 * the expiry, and that the payload's target is the image's manifest.
 *
 * Envelopes are hostile: size, chain length and every field are bounded;
 * every failure is one line naming what did not hold.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "basic/error.h"
#include "basic/macro.h"

#define CS_NOTATION_MEDIA_TYPE	  "application/jose+json"
#define CS_NOTATION_ARTIFACT_TYPE "application/vnd.cncf.notary.signature"
#define CS_NOTATION_ENVELOPE_MAX  (1u << 20)
#define CS_NOTATION_CHAIN_MAX	  10
#define CS_NOTATION_PAYLOAD_TYPE  "application/vnd.cncf.notary.payload.v1+json"

struct cs_notation_trust; /* an X.509 trust store */

/* An empty store (nothing verifies against it; for fuzzing the parser). */
int cs_notation_trust_new(struct cs_notation_trust **ret);
/* Certificates from PEM files or directories of them (*.pem, *.crt). */
int cs_notation_trust_load(const char *const *paths, size_t n, struct cs_notation_trust **ret,
			   struct cs_error *err);
void cs_notation_trust_free(struct cs_notation_trust *t);
CS_DEFINE_CLEANUP(struct cs_notation_trust *, cs_notation_trust_free)

struct cs_notation_options {
	const char *media_type; /* the target's media type must be this (NULL: any) */
	int64_t size;		/* the target's size must be this (-1: any) */
	const char *identity;	/* the leaf's subject (RFC 2253, e.g. "CN=x,O=y") must be this */
	time_t now;		/* 0: time(NULL); certificates and expiry are checked at now */
};

struct cs_notation_verified {
	char *alg;	     /* "ES256", "PS384"... */
	char *scheme;	     /* "notary.x509" or "notary.x509.signingAuthority" */
	char *subject;	     /* the leaf certificate's subject, RFC 2253 */
	char *issuer;	     /* its issuer */
	char *signing_time;  /* signingTime or authenticSigningTime as given */
	char *expiry;	     /* or NULL */
	char *target_digest; /* the payload's targetArtifact.digest */
	char *target_media_type;
	char *payload; /* the decoded payload JSON */
};
void cs_notation_verified_done(struct cs_notation_verified *v);

/*
 * Verify one envelope against the manifest digest it must sign. 0 and *out
 * filled in; -CS_E_INPUT for a malformed envelope, -CS_E_AUTH for one that
 * is well-formed but does not verify (chain, signature, target, expiry),
 * -CS_E_LIMIT for bounds, -CS_E_UNSUPPORTED for a critical header or
 * algorithm not supported (a verification plugin, "alg" outside the
 * Notary Project's list).
 */
int cs_notation_verify(const void *envelope, size_t n, const char *digest,
		       const struct cs_notation_trust *trust, const struct cs_notation_options *o,
		       struct cs_notation_verified *out, struct cs_error *err);
