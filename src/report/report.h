/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vulnerability reports: one scan result (the target, its catalog and its
 * findings, with the suppressed ones) written in each format a user or a
 * CI system reads: a table for people, versioned JSON for programs, SARIF
 * 2.1.0 for code-scanning upload, CycloneDX 1.6 with vulnerabilities,
 * JUnit XML for test dashboards and a self-contained HTML page.
 *
 * Writers stream to a FILE; the caller writes to a temporary file and
 * renames it (cli_output_*), so a failed report never half-exists.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include "basic/error.h"
#include "catalog/catalog.h"
#include "image/image.h"
#include "analyze/analyze.h"
#include "match/match.h"

#define CS_SCAN_SCHEMA "customs.scan/v1"

enum cs_report_format {
	CS_REPORT_TABLE = 0,
	CS_REPORT_JSON,
	CS_REPORT_SARIF,
	CS_REPORT_CYCLONEDX,
	CS_REPORT_JUNIT,
	CS_REPORT_HTML,
	_CS_REPORT_MAX,
};

struct cs_scan_report {
	const char *kind;	      /* "image", "rootfs" or "sbom" */
	const char *target;	      /* as the user named it */
	struct cs_image *img;	      /* NULL for an SBOM */
	struct cs_catalog *cat;	      /* the packages */
	struct cs_findings *findings; /* shown and suppressed findings */
	struct cs_issues *issues;     /* secrets, malware, configuration, Dockerfile; may be NULL */
	bool no_vulns;		      /* vulnerabilities were not looked for (lint, --scanners) */
	const char *db_built;	      /* when the database was built, or NULL */
	const char *generated;	      /* RFC 3339 time of the scan, or NULL (now) */
};

struct cs_report_options {
	size_t width; /* table: terminal width, 0 for unlimited */
	bool colour;  /* table: ANSI colours */
};

/* "table", "json", "sarif", "cyclonedx", "junit", "html" <-> the enum; -1 if unknown */
int cs_report_format_from_name(const char *name);
const char *cs_report_format_name(enum cs_report_format f);

int cs_report_write(enum cs_report_format format, const struct cs_scan_report *rep,
		    const struct cs_report_options *opts, FILE *f, struct cs_error *err);

/* The writers, one per format (report/<format>.c). */
int cs_report_table(const struct cs_scan_report *rep, const struct cs_report_options *opts, FILE *f,
		    struct cs_error *err);
int cs_report_json(const struct cs_scan_report *rep, FILE *f, struct cs_error *err);
int cs_report_sarif(const struct cs_scan_report *rep, FILE *f, struct cs_error *err);
int cs_report_cyclonedx(const struct cs_scan_report *rep, FILE *f, struct cs_error *err);
int cs_report_junit(const struct cs_scan_report *rep, FILE *f, struct cs_error *err);
int cs_report_html(const struct cs_scan_report *rep, FILE *f, struct cs_error *err);

/*
 * Configuration audit reports (report/audit.c): the results of one audit
 * (audit/audit.h) as a table, JSON (CS_AUDIT_SCHEMA, docs/AUDIT.md), SARIF
 * 2.1.0 (one rule per check id) or JUnit XML (one testcase per result).
 */
#define CS_AUDIT_SCHEMA "customs.audit/v1"
struct cs_audit;
struct cs_audit_report_options {
	size_t width;	       /* table: terminal width, 0 for unlimited */
	bool colour;	       /* table: ANSI colours */
	const char *generated; /* RFC 3339 time, or NULL (now) */
};
/* table, json, sarif, junit; -ENOTSUP (err set) for the others */
int cs_report_audit(enum cs_report_format format, const struct cs_audit *a,
		    const struct cs_audit_report_options *opts, FILE *f, struct cs_error *err);

/* Helpers for the writers */
const char *cs_report_now(char *buf, size_t n); /* RFC 3339 UTC, NULL on failure */
