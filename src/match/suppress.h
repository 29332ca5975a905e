/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the ignore file (ignore.h) and VEX (vex.h) share when they decide
 * which findings to suppress: a finding's ids, package URL matching,
 * dates, one-line texts for reports and warnings added to the findings.
 * Nothing here reads the clock: callers pass "now".
 */
#pragma once

#include <stdint.h>
#include "catalog/purl.h"
#include "match/match.h"

/* Is id the finding's id or one of its aliases (ASCII case-insensitive)? */
bool cs_finding_has_id(const struct cs_finding *f, const char *id);

/*
 * Does the package purl pkg match the pattern purl: same type, namespace and
 * name; the pattern's version, when it has one, equal; every qualifier of
 * the pattern present in pkg with the same value; the pattern's subpath,
 * when it has one, equal.
 */
bool cs_purl_matches(const struct cs_purl *pattern, const struct cs_purl *pkg);

/*
 * Parse a date (YYYY-MM-DD, taken as 00:00:00 UTC) or an RFC 3339 date-time
 * (fractions of a second ignored, Z or +hh:mm offset) from (s, n) into
 * seconds since the epoch. *ret_date_only (may be NULL) says which it was.
 * 0 or -EINVAL; *ret untouched on failure.
 */
int cs_parse_timestamp(const char *s, size_t n, int64_t *ret, bool *ret_date_only);

/* Append a warning line to the findings (shown by reports). 0 or -ENOMEM. */
int cs_findings_warn(struct cs_findings *f, const char *fmt, ...) CS_PRINTF(2, 3);

/*
 * A one-line text for reports from untrusted prose: control characters and
 * runs of white space become one space, leading/trailing space is dropped,
 * and more than max bytes are cut (at a character boundary) with "...".
 * New string or NULL without memory.
 */
char *cs_suppress_text(const char *s, size_t max);

/*
 * The parsed purls of packages, looked up by package (borrowed pointers).
 * Built once per apply so that each package's purl is parsed once; a
 * package without a purl, or with one that does not parse, has none.
 */
struct cs_purl_cache;
int cs_purl_cache_new(struct cs_purl_cache **ret);
void cs_purl_cache_free(struct cs_purl_cache *c);
CS_DEFINE_CLEANUP(struct cs_purl_cache *, cs_purl_cache_free)
/* Add a package (duplicates are fine); call before the first lookup. */
int cs_purl_cache_add(struct cs_purl_cache *c, const struct cs_package *p);
/* Add the packages of every finding. */
int cs_purl_cache_add_findings(struct cs_purl_cache *c, const struct cs_findings *fs);
/* The package's parsed purl or NULL. */
const struct cs_purl *cs_purl_cache_get(struct cs_purl_cache *c, const struct cs_package *p);
/* Every cached purl, for "is this product anywhere in the scan" questions. */
size_t cs_purl_cache_count(struct cs_purl_cache *c);
const struct cs_purl *cs_purl_cache_at(struct cs_purl_cache *c, size_t i);
