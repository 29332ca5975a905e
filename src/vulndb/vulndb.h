/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vulnerability database: one SQLite file with a versioned schema,
 * compiled from advisory feeds by importers (importer.h) and read by the
 * matcher. Writing happens into a temporary file that replaces the old
 * database only when the whole build succeeded (rename), so concurrent
 * scans never see a half-written database and a failed build leaves the
 * old one in place.
 *
 * Schema (CS_VULNDB_SCHEMA_VERSION; docs/VULNDB.md):
 *   meta(key, value)                     schema_version, built, builder, and
 *                                        mirror_* after `customs db update`
 *   sources(name, kind, location, updated, records, skipped)
 *   vulnerabilities(id, summary, details, severity, cvss3_score, cvss3_vector,
 *                   cvss4_score, cvss4_vector, published, modified, withdrawn, url)
 *   aliases(id, alias)                   both directions are looked up
 *   affected(namespace, package, vuln_id, source, scheme, ranges, fixed,
 *            fix_state, severity, note)  INDEX (namespace, package)
 *   kev(cve, date_added, due_date, ransomware, name)
 *   epss(cve, score, percentile, date)
 */
#pragma once

#include <stdint.h>
#include "basic/error.h"
#include "version/version.h"

#define CS_VULNDB_SCHEMA_VERSION 1

enum cs_fix_state {
	CS_FIX_FIXED = 0,    /* fixed in a known version */
	CS_FIX_AFFECTED,     /* unfixed: no fix released yet */
	CS_FIX_WONT_FIX,     /* the distribution will not fix (no-dsa, ignored, postponed) */
	CS_FIX_NOT_AFFECTED, /* explicitly not affected */
	CS_FIX_END_OF_LIFE,  /* the release is no longer supported */
	CS_FIX_UNDER_INVESTIGATION,
	CS_FIX_STATE_COUNT,
};
const char *cs_fix_state_name(enum cs_fix_state s); /* "fixed", "affected", "wont-fix", ... */
int cs_fix_state_from_name(const char *s);

enum cs_severity {
	CS_SEV_UNKNOWN = 0,
	CS_SEV_NEGLIGIBLE,
	CS_SEV_LOW,
	CS_SEV_MEDIUM,
	CS_SEV_HIGH,
	CS_SEV_CRITICAL,
};
const char *cs_severity_name(enum cs_severity s); /* "unknown", "negligible", "low", ... */
int cs_severity_from_name(const char *s); /* case-insensitive; also "moderate", "important" */
enum cs_severity cs_severity_from_cvss(double score);

/* One vulnerability record (fields may be NULL / 0 when unknown). */
struct cs_vuln {
	const char *id;
	const char *summary;
	const char *details;
	enum cs_severity severity;
	double cvss3_score; /* 0 when unknown */
	const char *cvss3_vector;
	double cvss4_score;
	const char *cvss4_vector;
	const char *published; /* RFC 3339 */
	const char *modified;
	const char *withdrawn;
	const char *url;
};

/*
 * Which versions of one package in one namespace a vulnerability affects.
 * ranges is a JSON array of events in the OSV style, in the scheme's
 * version syntax:
 *   [{"introduced":"0"},{"fixed":"1.2.3"}]      affected from 0 until 1.2.3
 *   [{"introduced":"1.0"},{"last_affected":"1.4"}]
 *   [{"versions":["1.0.1","1.0.2"]}]             exact versions (OSV "versions")
 *   []                                           every version (unfixed)
 */
struct cs_affected {
	const char
		*namespace; /* "debian:12", "alpine:3.20", "ubuntu:24.04", "rocky:9", "pypi", "npm",
			       "go", "crates.io", "rubygems", "maven", "packagist", "nuget" */
	const char *package; /* normalised name: distro source package, pypi PEP 503 name, ... */
	const char *vuln_id;
	const char *source; /* feed name */
	enum cs_version_scheme scheme;
	const char *ranges; /* JSON, see above */
	const char *fixed;  /* display: the fixed version(s), comma-separated, NULL if none */
	enum cs_fix_state fix_state;
	enum cs_severity severity; /* the distribution's own severity, UNKNOWN if none */
	const char *note;	   /* e.g. the reason for no-dsa */
};

struct cs_vulndb_writer;

/* Start building a new database that will replace `path` on commit. */
int cs_vulndb_writer_new(const char *path, struct cs_vulndb_writer **ret, struct cs_error *err);
/* Record a feed: name ("osv:PyPI"), kind ("osv"), where it came from, its date. */
int cs_vulndb_put_source(struct cs_vulndb_writer *w, const char *name, const char *kind,
			 const char *location, const char *updated, uint64_t records,
			 uint64_t skipped, struct cs_error *err);
/* Insert or merge (missing fields are filled from the new record). */
int cs_vulndb_put_vuln(struct cs_vulndb_writer *w, const struct cs_vuln *v, struct cs_error *err);
int cs_vulndb_put_alias(struct cs_vulndb_writer *w, const char *id, const char *alias,
			struct cs_error *err);
int cs_vulndb_put_affected(struct cs_vulndb_writer *w, const struct cs_affected *a,
			   struct cs_error *err);
int cs_vulndb_put_kev(struct cs_vulndb_writer *w, const char *cve, const char *date_added,
		      const char *due_date, const char *ransomware, const char *name,
		      struct cs_error *err);
int cs_vulndb_put_epss(struct cs_vulndb_writer *w, const char *cve, double score, double percentile,
		       const char *date, struct cs_error *err);
/*
 * Set a meta row other than schema_version, built and builder (those are
 * the writer's own): e.g. mirror_url after `customs db update`.
 */
int cs_vulndb_writer_set_meta(struct cs_vulndb_writer *w, const char *key, const char *value,
			      struct cs_error *err);
/*
 * Rewrite sources.location values equal to `from` or below it ("from/...")
 * to start with `to` instead: feeds built from a temporary copy then name
 * where they were fetched from.
 */
int cs_vulndb_writer_relocate(struct cs_vulndb_writer *w, const char *from, const char *to,
			      struct cs_error *err);
/* Finish: index, analyse, fsync, rename over the target. */
int cs_vulndb_writer_commit(struct cs_vulndb_writer *w, struct cs_error *err);
/* Abandon (the target is untouched); also frees. NULL-safe. */
void cs_vulndb_writer_free(struct cs_vulndb_writer *w);
CS_DEFINE_CLEANUP(struct cs_vulndb_writer *, cs_vulndb_writer_free)

/* Name of a version scheme as stored in affected.scheme ("dpkg", "apk", ...). */
const char *cs_vulndb_scheme_name(enum cs_version_scheme s);
int cs_vulndb_scheme_from_name(const char *s); /* -1 if unknown */

/*
 * Reading. A database is opened read-only; a schema_version other than
 * CS_VULNDB_SCHEMA_VERSION is an error (CS_E_UNSUPPORTED) telling the user
 * to rebuild it. Strings handed to callbacks are valid only during the call.
 */
struct cs_vulndb;

int cs_vulndb_open(const char *path, struct cs_vulndb **ret, struct cs_error *err);
void cs_vulndb_close(struct cs_vulndb *db);
CS_DEFINE_CLEANUP(struct cs_vulndb *, cs_vulndb_close)

struct cs_vulndb_source {
	char *name, *kind, *location, *updated;
	uint64_t records, skipped;
};

/* Meta keys `customs db update` records (docs/VULNDB.md) */
#define CS_VULNDB_META_MIRROR_URL      "mirror_url"
#define CS_VULNDB_META_MIRROR_KIND     "mirror_kind"
#define CS_VULNDB_META_MIRROR_CREATED  "mirror_manifest_created"
#define CS_VULNDB_META_MIRROR_MANIFEST "mirror_manifest_sha256"
#define CS_VULNDB_META_MIRROR_FETCHED  "mirror_fetched"

struct cs_vulndb_info {
	int schema_version;
	char *built;
	char *builder;
	/* where `customs db update` got it from; NULL for a local build */
	char *mirror_url, *mirror_kind, *mirror_created, *mirror_fetched;
	struct cs_vulndb_source *sources;
	size_t n_sources;
	uint64_t vulns, affected, aliases, kev, epss;
};
int cs_vulndb_info(struct cs_vulndb *db, struct cs_vulndb_info **ret, struct cs_error *err);
void cs_vulndb_info_free(struct cs_vulndb_info *info);
CS_DEFINE_CLEANUP(struct cs_vulndb_info *, cs_vulndb_info_free)

/* A meta value: 1 and *ret (a new string) if the key exists, 0 if not. */
int cs_vulndb_get_meta(struct cs_vulndb *db, const char *key, char **ret, struct cs_error *err);

/*
 * Prepare a database file that came from elsewhere (a mirror) before it
 * replaces the real one: check it is a rollback-journal SQLite file
 * without triggers that passes quick_check, then add the meta rows in kv
 * ({key, value, key, value, ..., NULL}) and sync it. The file must be a
 * private temporary copy: it is modified in place.
 */
int cs_vulndb_stamp(const char *path, const char *const *kv, struct cs_error *err);

/*
 * Call cb for every affected row of (namespace, package), ordered by
 * vuln_id then source. cb returns 0 to go on, >0 to stop (returned), <0 to
 * fail (returned; cb sets err).
 */
typedef int (*cs_vulndb_affected_fn)(void *ud, const struct cs_affected *a, struct cs_error *err);
int cs_vulndb_lookup(struct cs_vulndb *db, const char *namespace, const char *package,
		     cs_vulndb_affected_fn cb, void *ud, struct cs_error *err);

/* Get a vulnerability: 1 and *ret (free with cs_vuln_free) if found, 0 if not. */
int cs_vulndb_get_vuln(struct cs_vulndb *db, const char *id, struct cs_vuln **ret,
		       struct cs_error *err);
void cs_vuln_free(struct cs_vuln *v);
CS_DEFINE_CLEANUP(struct cs_vuln *, cs_vuln_free)

/* Every alias of id, in both directions (id -> alias and alias -> id), sorted. */
typedef int (*cs_vulndb_alias_fn)(void *ud, const char *alias, struct cs_error *err);
int cs_vulndb_aliases(struct cs_vulndb *db, const char *id, cs_vulndb_alias_fn cb, void *ud,
		      struct cs_error *err);

struct cs_kev {
	char *cve, *date_added, *due_date, *ransomware, *name;
};
/* 1 and *ret (free with cs_kev_free) if cve is in CISA KEV, 0 if not. */
int cs_vulndb_get_kev(struct cs_vulndb *db, const char *cve, struct cs_kev **ret,
		      struct cs_error *err);
void cs_kev_free(struct cs_kev *k);
CS_DEFINE_CLEANUP(struct cs_kev *, cs_kev_free)

/* 1 and the EPSS score/percentile (0..1) if known, 0 if not. */
int cs_vulndb_get_epss(struct cs_vulndb *db, const char *cve, double *ret_score,
		       double *ret_percentile, struct cs_error *err);
