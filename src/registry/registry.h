/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI distribution API client (libcurl): manifests by tag or digest, blobs
 * as pull streams, with basic and bearer-token authentication, retries with
 * backoff and TLS settings. One client talks to one repository of one
 * registry. Everything a registry sends is untrusted and bounded; errors are
 * one line naming the registry and the repository. Never prints, never logs
 * a secret.
 */
#pragma once

#include "basic/buf.h"
#include "basic/error.h"
#include "basic/hash.h"
#include "basic/stream.h"

struct cs_registry_options {
	const char *ca_cert;   /* extra CA bundle (PEM), NULL: system CAs only */
	bool insecure;	       /* allow plain HTTP (tried after HTTPS fails) */
	bool tls_verify;       /* verify certificates */
	const char *auth_file; /* the only auth file to read; NULL: the usual ones */
	const char *username;  /* explicit credentials (both or neither) */
	const char *password;
	unsigned retries;	    /* retries after connection failures, 429 and 5xx */
	uint64_t max_manifest_size; /* 0: 4 MiB */
	bool push;		    /* ask tokens for "pull,push" (the write calls of push.c) */
};

void cs_registry_options_default(struct cs_registry_options *o);

struct cs_registry; /* opaque */

/*
 * A client for repository `repo` ("library/alpine") of registry `domain`
 * ("docker.io", "127.0.0.1:5000"). Copies everything it needs from opts.
 * No network traffic happens before the first request.
 */
int cs_registry_new(const char *domain, const char *repo, const struct cs_registry_options *opts,
		    struct cs_registry **ret, struct cs_error *err);
void cs_registry_free(struct cs_registry *reg);
CS_DEFINE_CLEANUP(struct cs_registry *, cs_registry_free)

/*
 * GET a manifest or index by tag or digest (`reference`). The bytes are
 * appended to out (whose max also bounds them). By digest the bytes must
 * match it; by tag they must match Docker-Content-Digest when the registry
 * sends one. ret_media_type (Content-Type, may be NULL) and ret_digest (the
 * verified digest, NULL when a tag was fetched without Docker-Content-Digest)
 * are new strings; either pointer may be NULL. Docker schema 1 manifests are
 * -CS_E_UNSUPPORTED.
 */
int cs_registry_get_manifest(struct cs_registry *reg, const char *reference, struct cs_buf *out,
			     char **ret_media_type, char **ret_digest, struct cs_error *err);

/*
 * Open a blob as a pull stream of its raw bytes. `size` (-1: unknown) is the
 * descriptor's size: more bytes than that is an error, as is more than
 * max_size. The digest is not verified here (wrap the stream in
 * cs_stream_verify_new). Transfers resume with Range requests after
 * connection failures. The stream must not outlive the client.
 */
int cs_registry_open_blob(struct cs_registry *reg, const char *digest, int64_t size,
			  uint64_t max_size, struct cs_stream **ret, struct cs_error *err);

/*
 * ---- writing and listing (push.c) ----
 * Create the client with opts.push for the write calls: bearer tokens are
 * then asked for "repository:REPO:pull,push".
 */

/* HEAD a blob: 1 when the repository has it, 0 when not, <0 on errors. */
int cs_registry_blob_exists(struct cs_registry *reg, const char *digest, struct cs_error *err);
/*
 * Upload n bytes (at most 256 MiB) as a blob unless the repository has it:
 * POST an upload session, then one monolithic PUT to its Location (relative
 * or absolute; credentials never go to another host) with ?digest=. The
 * sha256 digest of the bytes goes to ret_digest.
 */
int cs_registry_put_blob(struct cs_registry *reg, const void *p, size_t n,
			 char ret_digest[CS_DIGEST_STR_MAX], struct cs_error *err);
/*
 * PUT a manifest under `reference` (a tag, or a digest the bytes must have)
 * with Content-Type media_type. ret_digest (may be NULL) receives its
 * sha256 digest; a registry that reports another digest is -CS_E_DIGEST.
 */
int cs_registry_put_manifest(struct cs_registry *reg, const char *reference, const char *media_type,
			     const void *p, size_t n, char ret_digest[CS_DIGEST_STR_MAX],
			     struct cs_error *err);
/*
 * A whole blob appended to out (out->max bounds it), verified against its
 * digest and size (-1: unknown).
 */
int cs_registry_get_blob(struct cs_registry *reg, const char *digest, int64_t size,
			 struct cs_buf *out, struct cs_error *err);
/*
 * The repository's tags (GET /v2/REPO/tags/list?n=page_size, 0: 1000,
 * following Link rel="next" pages, at most 1000 pages and max_tags tags).
 * An unknown repository has none. Entries that are not valid tags are
 * skipped.
 */
int cs_registry_list_tags(struct cs_registry *reg, unsigned page_size, size_t max_tags,
			  char ***ret_tags, size_t *ret_n, struct cs_error *err);
void cs_registry_tags_free(char **tags, size_t n);
/*
 * The OCI 1.1 referrers of a manifest digest, as an image index appended to
 * out: from GET /v2/REPO/referrers/DIGEST (returns 1), else from the
 * fallback tag "ALG-HEX" (returns 0; an empty index when that tag does not
 * exist either).
 */
int cs_registry_get_referrers(struct cs_registry *reg, const char *digest, struct cs_buf *out,
			      struct cs_error *err);
/* "sha256-HEX" for "sha256:HEX" (the referrers fallback and cosign's tag stem); new string */
char *cs_registry_referrers_tag(const char *digest);

/* Helpers exposed for tests. */

/* Base URL of the API: "https://registry-1.docker.io" for docker.io. */
char *cs_registry_base_url(const char *domain, bool plain_http);
/* "BASE/v2/REPO/manifests/REFERENCE" ("blobs" with kind "blobs") */
char *cs_registry_url(const char *base, const char *repo, const char *kind, const char *reference);
/* "repository:REPO:pull" */
char *cs_registry_scope(const char *repo);
/* "repository:REPO:pull,push" */
char *cs_registry_scope_push(const char *repo);
/*
 * Milliseconds to wait before retry number `attempt` (0-based): 500 ms
 * doubling up to 30 s, at least Retry-After (seconds, <0 if absent, capped
 * at 60 s), plus `jitter` (0..999, per mille of a quarter of the delay).
 */
uint64_t cs_registry_backoff_ms(unsigned attempt, int64_t retry_after_s, unsigned jitter);
