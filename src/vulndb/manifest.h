/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mirror manifest of `customs db update` (docs/VULNDB.md): which files a
 * mirror serves, with their sizes and SHA-256 digests, and whether they are
 * advisory feeds to build from or a ready database. Manifests come from the
 * network: the parser is bounded in every dimension and refuses paths that
 * could leave the directory they are written into. The optional signature
 * is an ECDSA P-256 signature over the manifest's bytes, base64-encoded
 * (what `cosign sign-blob --key` writes), checked against a PEM public key.
 */
#pragma once

#include <stdint.h>
#include "basic/buf.h"
#include "basic/error.h"

#define CS_DB_MANIFEST_SCHEMA	      "customs.db-manifest/v1"
#define CS_DB_MANIFEST_MAX_SIZE	      (32u << 20) /* bytes of manifest.json */
#define CS_DB_MANIFEST_MAX_SIG_SIZE   (16u << 10) /* bytes of manifest.json.sig */
#define CS_DB_MANIFEST_MAX_FILES      200000
#define CS_DB_MANIFEST_MAX_FILE_SIZE  (16ULL << 30)
#define CS_DB_MANIFEST_MAX_TOTAL_SIZE (64ULL << 30)
#define CS_DB_MANIFEST_MAX_PATH	      1024 /* bytes of one path */
#define CS_DB_MANIFEST_MAX_DEPTH      16   /* components of one path */

enum cs_db_manifest_kind {
	CS_DB_MANIFEST_FEEDS = 0, /* advisory feeds: the client builds the database */
	CS_DB_MANIFEST_DATABASE,  /* one database file, plain, gzip or zstd */
};
const char *cs_db_manifest_kind_name(enum cs_db_manifest_kind k); /* "feeds", "database" */

struct cs_db_manifest_file {
	char *path; /* relative to the manifest, clean (cs_db_manifest_path_ok) */
	uint64_t size;
	char sha256[65]; /* lowercase hex */
};

struct cs_db_manifest {
	enum cs_db_manifest_kind kind;
	char *created;			   /* RFC 3339, as written */
	int64_t created_sec;		   /* the same in seconds since the epoch */
	int schema_version;		   /* kind database: the database's schema; 0 for feeds */
	struct cs_db_manifest_file *files; /* in path order, '/' first */
	size_t n_files;
	uint64_t total_size;
};

/*
 * Parse manifest bytes (no NUL needed). -CS_E_INPUT with a message naming
 * the field ("files[3].path: ...") for anything malformed: not JSON,
 * duplicate keys, another schema, an unknown kind, a bad or duplicate
 * path, a path that is also a directory of another, a bad digest; a kind
 * database manifest lists exactly one file. -CS_E_LIMIT past the limits
 * above.
 */
int cs_db_manifest_parse(const void *data, size_t len, struct cs_db_manifest **ret,
			 struct cs_error *err);
void cs_db_manifest_free(struct cs_db_manifest *m);
CS_DEFINE_CLEANUP(struct cs_db_manifest *, cs_db_manifest_free)

/*
 * Is (p, n) a path a manifest may name? Relative, '/'-separated, 1 to
 * CS_DB_MANIFEST_MAX_DEPTH components of printable ASCII without spaces or
 * backslashes, none empty or starting with '.' (so no "." or ".."), at most
 * CS_DB_MANIFEST_MAX_PATH bytes.
 */
bool cs_db_manifest_path_ok(const char *p, size_t n);

/* Seconds since the epoch of an RFC 3339 date-time ("2026-01-02T03:04:05Z"). */
int cs_db_manifest_parse_time(const char *s, int64_t *ret);

/* Sort m->files into manifest order and check for duplicates and conflicts. */
int cs_db_manifest_sort(struct cs_db_manifest *m, struct cs_error *err);

/* Serialise m (pretty JSON, a final newline) into out. */
int cs_db_manifest_write(const struct cs_db_manifest *m, struct cs_buf *out, struct cs_error *err);

/*
 * Check a signature over (data, len): sig is base64 (whitespace ignored) of
 * a DER ECDSA signature over SHA-256 of the data; key_pem a PEM
 * SubjectPublicKeyInfo of a P-256 key. 0 when it verifies; -CS_E_DIGEST
 * when it does not; -CS_E_INPUT for a malformed signature or key.
 */
int cs_db_manifest_verify(const void *data, size_t len, const void *sig, size_t sig_len,
			  const void *key_pem, size_t key_len, struct cs_error *err);
