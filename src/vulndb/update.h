/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `customs db update`: replace the database with what a mirror publishes,
 * and `customs db manifest`: describe a directory as a mirror
 * (docs/VULNDB.md). A mirror is a base URL (https://, or http:// for
 * loopback hosts or with insecure), a file:// URL or a directory, holding
 * manifest.json (manifest.h), optionally manifest.json.sig, and the files
 * the manifest lists: advisory feeds that the client builds into a
 * database, or one ready database file (plain, gzip or zstd).
 *
 * Everything fetched is untrusted until its size and SHA-256 match the
 * manifest (and the manifest's signature matches the key, when a key is
 * given). The new database is assembled in a temporary directory beside
 * the old one and renamed over it only when everything succeeded, so a
 * failure of any kind leaves the old database byte-identical and no
 * temporary files behind, and scanners holding the old file open keep
 * reading it. Concurrent updates of one database are serialised with
 * flock() on PATH.lock; readers never take it.
 */
#pragma once

#include "basic/progress.h"
#include "vulndb/importer.h"
#include "vulndb/manifest.h"

struct cs_vulndb_update_options {
	const char *url;	      /* the mirror (see above) */
	const char *key;	      /* PEM public key file: manifest.json.sig is then required */
	const char *ca_cert;	      /* extra CA bundle for https */
	bool insecure;		      /* plain HTTP to any host, no certificate checks */
	bool force;		      /* fetch even when the manifest is unchanged */
	unsigned retries;	      /* network retries per request */
	struct cs_import_report *rep; /* kind feeds: the build's counts and bad records */
	const struct cs_progress *progress;
};

enum cs_vulndb_sig_state {
	CS_VULNDB_SIG_NONE = 0, /* no key given, no signature published */
	CS_VULNDB_SIG_VERIFIED, /* --key given and the signature matched */
	CS_VULNDB_SIG_IGNORED,	/* a signature is published but no key was given */
};

struct cs_vulndb_update_result {
	bool updated; /* false: the manifest is the one the database came from */
	enum cs_db_manifest_kind kind;
	enum cs_vulndb_sig_state sig;
	char base[1024];  /* the mirror as recorded (URL without trailing '/', or a path) */
	char created[65]; /* the manifest's created time */
	size_t files;	  /* files fetched */
	uint64_t bytes;	  /* bytes fetched */
};

/*
 * Update the database at db_path (its directory must exist) from the
 * mirror. Errors name the mirror file and the reason; the database is then
 * unchanged.
 */
int cs_vulndb_update(const char *db_path, const struct cs_vulndb_update_options *o,
		     struct cs_vulndb_update_result *ret, struct cs_error *err);

/*
 * The publisher's side: a manifest for every file below dir (symlinks
 * followed, hidden entries and a top-level manifest.json and
 * manifest.json.sig skipped), created now (or at $SOURCE_DATE_EPOCH). Kind
 * database: dir holds exactly one file, a database this customs reads
 * (plain, gzip or zstd).
 */
int cs_vulndb_manifest_for_dir(const char *dir, enum cs_db_manifest_kind kind,
			       struct cs_db_manifest **ret, struct cs_error *err);
