/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cosign signatures and attestations in a registry, laid out as cosign lays
 * them out: for an image whose manifest digest is sha256:HEX, the tag
 * "sha256-HEX.sig" (signatures) or "sha256-HEX.att" (attestations) in the
 * image's repository, or in the repository $COSIGN_REPOSITORY names, holds
 * an OCI image manifest whose config is cosign's near-empty image config
 * and whose layers each carry one payload blob with its annotations.
 *
 * This module resolves references, reads those manifests and their layer
 * blobs (bounded, digest-checked) and appends layers to them. Nothing here
 * verifies a signature (sign/cosign.c and sign/attest.c do) and nothing
 * prints.
 */
#pragma once

#include <jansson.h>
#include "basic/error.h"
#include "basic/hash.h"
#include "registry/registry.h"

#define CS_SIGN_TAG_SIG "sig"
#define CS_SIGN_TAG_ATT "att"
/* a signature manifest with more layers than this is refused */
#define CS_SIGN_LAYERS_MAX 1000
/* one layer's payload blob */
#define CS_SIGN_LAYER_BLOB_MAX (4u << 20)

/* An image in a registry, resolved to the digest of what its tag names. */
struct cs_sign_image {
	char *ref;	/* the reference as given */
	char *domain;	/* "127.0.0.1:5000" */
	char *repo;	/* "library/alpine" */
	char *identity; /* cosign's docker-reference: "HOST/REPO" */
	char digest[CS_DIGEST_STR_MAX];
	char *media_type;	  /* of the manifest or index */
	char *att_domain;	  /* where .sig/.att tags live: the image's repository */
	char *att_repo;		  /* or $COSIGN_REPOSITORY */
	struct cs_registry *reg;  /* the image's repository */
	struct cs_registry *areg; /* the attachments' repository (may be reg) */
};
void cs_sign_image_free(struct cs_sign_image *img);
CS_DEFINE_CLEANUP(struct cs_sign_image *, cs_sign_image_free)

/*
 * Resolve `ref` (registry:HOST/REPO:TAG, HOST/REPO:TAG, ...@sha256:...) to
 * its manifest digest, without platform selection: an index is signed as
 * the index, as cosign does. A reference with both a tag and a digest uses
 * the digest. sig_repo ("HOST/REPO", NULL: the image's repository) is
 * where attachments are read and written ($COSIGN_REPOSITORY). The clients
 * ask for push access when push is set. Errors: -CS_E_INPUT for a
 * reference that is not a registry one, the registry's errors otherwise.
 */
int cs_sign_image_resolve(const char *ref, const char *sig_repo,
			  const struct cs_registry_options *opts, bool push,
			  struct cs_sign_image **ret, struct cs_error *err);

/* "sha256-HEX.SUFFIX" for the image (new string). */
char *cs_sign_attachment_tag(const struct cs_sign_image *img, const char *suffix);

/* One layer of a signature or attestation manifest. */
struct cs_sign_layer {
	json_t *descriptor; /* the layer descriptor as found (owned reference) */
	const char *media_type;
	const char *digest;
	int64_t size;
	const char *signature; /* annotation dev.cosignproject.cosign/signature, NULL if absent */
	const char *bundle;    /* annotation dev.sigstore.cosign/bundle */
	const char *predicate_type; /* annotation predicateType */
	char *blob;		    /* the payload, digest-checked; NULL when fetching failed */
	size_t blob_len;
	struct cs_error blob_err; /* why blob is NULL */
};

struct cs_sign_layers {
	struct cs_sign_layer *v;
	size_t n;
	char manifest_digest[CS_DIGEST_STR_MAX]; /* of the .sig/.att manifest; "" when absent */
};
void cs_sign_layers_done(struct cs_sign_layers *l);

/*
 * Read the attachment manifest "sha256-HEX.SUFFIX" and, when fetch_blobs,
 * every layer's blob. A missing tag is an empty list (manifest_digest "").
 * A blob that cannot be fetched or does not match its digest is recorded in
 * the layer (blob NULL, blob_err) rather than failing the whole read: one
 * bad layer must not hide the good ones. A malformed manifest is
 * -CS_E_INPUT.
 */
int cs_sign_layers_fetch(struct cs_sign_image *img, const char *suffix, bool fetch_blobs,
			 struct cs_sign_layers *ret, struct cs_error *err);

/*
 * Parse an attachment manifest (for fuzzing and tests): layers with their
 * descriptors; blobs are not touched.
 */
int cs_sign_layers_parse(const void *manifest, size_t n, struct cs_sign_layers *ret,
			 struct cs_error *err);

/*
 * Append one layer (payload bytes of layer_media_type, with annotations, a
 * JSON object whose string values are copied) to the attachment manifest
 * "sha256-HEX.SUFFIX", keeping every layer already there. When a layer with
 * the same digest and the same annotations exists nothing is pushed and
 * *ret_added is false. Uploads the payload and the new config blob, then
 * PUTs the manifest under the tag. ret_manifest_digest (may be NULL) gets
 * the digest of the manifest now under the tag.
 */
int cs_sign_layers_append(struct cs_sign_image *img, const char *suffix, const void *payload,
			  size_t n, const char *layer_media_type, json_t *annotations,
			  bool *ret_added, char ret_manifest_digest[CS_DIGEST_STR_MAX],
			  struct cs_error *err);

/*
 * The manifest and config cosign writes for a list of layer descriptors
 * (exposed for tests): config {"architecture":"","created":CREATED,
 * "history":[...],"os":"","rootfs":{"type":"layers","diff_ids":[...]},
 * "config":{}} and an OCI image manifest pointing at it.
 */
int cs_sign_manifest_build(json_t *layers, const char *created, struct cs_buf *config,
			   struct cs_buf *manifest, struct cs_error *err);

/* A manifest that names the image as its subject (OCI 1.1 referrers). */
struct cs_sign_referrer {
	const char *digest;
	const char *media_type;
	const char *artifact_type; /* NULL when absent */
	int64_t size;
};

struct cs_sign_referrers {
	json_t *index; /* owns the strings above */
	struct cs_sign_referrer *v;
	size_t n;
	bool api; /* from the referrers API (else the "sha256-HEX" fallback tag) */
};
void cs_sign_referrers_done(struct cs_sign_referrers *r);

/*
 * The referrers of the image in its own repository (registry/
 * cs_registry_get_referrers: the API, else the fallback tag). Descriptors
 * without a valid digest or media type are -CS_E_INPUT; at most
 * CS_SIGN_LAYERS_MAX entries.
 */
int cs_sign_referrers_fetch(struct cs_sign_image *img, struct cs_sign_referrers *ret,
			    struct cs_error *err);
