/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Matching a catalog against the vulnerability database: each package is
 * looked up in its namespace (the detected distribution release for OS
 * packages, the ecosystem for language packages) under its source and
 * binary names, its version is tested against each record's ranges with
 * the ecosystem's own comparison, and the records that name one
 * vulnerability under several ids (CVE, GHSA, PYSEC, DSA...) become one
 * finding.
 */
#pragma once

#include "catalog/package.h"
#include "vulndb/vulndb.h"

struct cs_finding {
	char *id;	/* the vulnerability: its CVE when one is known */
	char **aliases; /* the other ids, sorted, NULL-terminated (may be NULL) */
	size_t n_aliases;
	const struct cs_package *pkg; /* borrowed from the catalog */
	char *namespace;	      /* where it matched: "debian:12", "pypi"... */
	char *matched_name;	      /* the name looked up (source package for distros) */
	char *installed;	      /* the version compared */
	char *fixed;		      /* fixed version(s), NULL if none */
	enum cs_fix_state fix_state;
	enum cs_severity severity;
	const char *severity_source; /* "distribution", "advisory", "cvss" or NULL */
	double cvss3_score;
	char *cvss3_vector;
	double cvss4_score;
	char *cvss4_vector;
	bool kev;
	char *kev_date_added;
	double epss, epss_percentile; /* -1 when unknown */
	char *title;
	char *url;
	char *sources; /* the feeds that reported it, comma-separated */
	char *note;
	/* set on suppressed findings only (cs_findings_suppress) */
	char *suppressed_by; /* "ignore-file:PATH", "vex:PATH"... */
	char *justification; /* why: the reason, the VEX justification/statement */
};

struct cs_findings {
	struct cs_finding *v;
	size_t n, cap;
	/* versions or ranges the matcher could not evaluate, one line each */
	char **warnings;
	size_t n_warnings;
	/*
	 * findings an ignore file or a VEX statement suppressed: never gating,
	 * shown in reports with why
	 */
	struct cs_finding *suppressed;
	size_t n_suppressed, cap_suppressed;
};

struct cs_match_options {
	bool ignore_unfixed; /* drop findings without a fixed version */
};

int cs_match_catalog(struct cs_vulndb *db, struct cs_catalog *cat,
		     const struct cs_match_options *opts, struct cs_findings **ret,
		     struct cs_error *err);
void cs_findings_free(struct cs_findings *f);
CS_DEFINE_CLEANUP(struct cs_findings *, cs_findings_free)

/* Keep only the findings keep() accepts (the others are freed). */
void cs_findings_filter(struct cs_findings *f, bool (*keep)(const struct cs_finding *, void *),
			void *ud);

/*
 * Move finding i to the suppressed list, recording by whom and why (both
 * copied). The findings after i shift down by one.
 */
int cs_findings_suppress(struct cs_findings *f, size_t i, const char *by, const char *why);

/* The namespace a package's advisories live in, or NULL (new string). */
char *cs_match_namespace(const struct cs_package *p, const struct cs_os_release *os);

/*
 * Is version v inside the ranges (the JSON of struct cs_affected.ranges)?
 * *ret = true/false; <0 with err when a version cannot be compared.
 */
int cs_match_ranges(enum cs_version_scheme scheme, const char *v, const char *ranges, bool *ret,
		    struct cs_error *err);
/* The same; when affected, *ret_fix (if not NULL) is the fixed version of the
 * range interval v is in (new string), or stays NULL when none is known. */
int cs_match_ranges_fix(enum cs_version_scheme scheme, const char *v, const char *ranges, bool *ret,
			char **ret_fix, struct cs_error *err);
