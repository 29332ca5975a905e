/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the report writers of this folder share: the sections of a report
 * and the order of findings within them (as the table shows them), text
 * made safe for XML and HTML, links that are safe to follow, severity
 * scores and the report's time, and the issues (secrets, malware,
 * configuration, Dockerfile) beside the findings. Only for src/report/.
 */
#pragma once

#include <stdint.h>
#include "report/report.h"

#define REPORT_SEV_COUNT (CS_SEV_CRITICAL + 1)
#define REPORT_GROUP_MAX (CS_PKG_TYPE_COUNT + 1)

/*
 * What a report may lack: a Dockerfile lint has no catalog and no findings,
 * a scan without issue scanners no issues. These never return NULL.
 */
const struct cs_findings *report_findings(const struct cs_scan_report *rep); /* or an empty list */
const struct cs_issues *report_issues(const struct cs_scan_report *rep);     /* or an empty list */
size_t report_package_count(const struct cs_scan_report *rep);		 /* 0 without a catalog */
const struct cs_os_release *report_os(const struct cs_scan_report *rep); /* NULL without one */
size_t report_catalog_warning_count(const struct cs_scan_report *rep);
const char *report_catalog_warning(const struct cs_scan_report *rep, size_t i);
/*
 * Does the report speak of vulnerabilities: a catalog was made or there are
 * findings? False for a Dockerfile lint, whose reports show only issues.
 */
bool report_has_vulns(const struct cs_scan_report *rep);

/* The section a package is reported in: "os" or its package type ("pypi", "npm"...). */
const char *report_group(const struct cs_package *p);
/* "OS packages" for "os", else the group itself */
const char *report_group_title(const char *group);
/*
 * The sections of a report, in order: "os" when the catalog or a finding
 * has an OS package, then each ecosystem of a package or finding by name.
 * Fills groups (REPORT_GROUP_MAX entries, static strings) and returns how many.
 */
size_t report_groups(const struct cs_scan_report *rep, const char **groups);

/*
 * Pointers to the n findings of v (borrowed) in table order: sections (OS
 * first), then the most severe first, then package, id and version.
 * *ret is NULL when n is 0. 0 or -ENOMEM.
 */
int report_sorted(const struct cs_finding *v, size_t n, const struct cs_finding ***ret);

/* Findings per severity */
void report_count(const struct cs_finding *v, size_t n, size_t counts[REPORT_SEV_COUNT]);

/*
 * A copy of s fit for XML 1.0 and HTML text: each byte of invalid UTF-8 and
 * each control character but tab, newline and carriage return becomes
 * U+FFFD, as do U+FFFE and U+FFFF. NULL becomes "". NULL without memory.
 */
char *report_clean(const char *s);

/*
 * Is url an absolute http or https URL with a host and no white space,
 * control characters, quotes, angle brackets or backslashes? Only such
 * links from the feeds are written as links.
 */
bool report_url_ok(const char *url);

/* The CVSS score to show: v3 when known, else v4; 0 when neither is. */
double report_cvss(const struct cs_finding *x);

/* rep->generated, or now (RFC 3339 UTC) into buf; "" when the clock fails */
const char *report_generated(const struct cs_scan_report *rep, char *buf, size_t n);
/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS" (fraction and Z ignored); -1 if it is not one */
int64_t report_parse_time(const char *s);

/* "Secrets", "Malware", "Configuration", "Dockerfile" */
const char *report_issue_kind_title(enum cs_issue_kind k);

/*
 * Pointers to the n issues of v (borrowed) in table order: kind, the most
 * severe first, then path, line, rule and where. *ret is NULL when n is 0.
 * 0 or -ENOMEM.
 */
int report_issues_sorted(const struct cs_issue *v, size_t n, const struct cs_issue ***ret);

/* Issues of kind k (all kinds when k is _CS_ISSUE_KIND_MAX) per severity; returns how many */
size_t report_issue_count(const struct cs_issue *v, size_t n, enum cs_issue_kind k,
			  size_t counts[REPORT_SEV_COUNT]);

/*
 * Where an issue is, as one line for people: "PATH:LINE:COLUMN", "PATH:LINE",
 * "PATH", "line LINE" in the file linted; then " (WHERE)" when both are
 * known; WHERE alone for a setting; "-" when nothing is known. New string, NULL without memory.
 */
char *report_issue_location(const struct cs_issue *x);

/*
 * SARIF pieces shared by the scan and the audit reports (report/sarif.c).
 * report_sarif_rule writes one reportingDescriptor (help as text and
 * markdown, the level and security-severity of severity, tags tag,
 * "security" and the severity); tag names the kind of rule.
 */
struct cs_json;
struct cs_buf;
const char *report_sarif_level(enum cs_severity s);
void report_sarif_rule(struct cs_json *j, const char *id, const char *name, const char *desc,
		       const char *url, const struct cs_buf *text, const struct cs_buf *md,
		       enum cs_severity severity, const char *tag);
/*
 * One SARIF result, written up to its "properties": the caller adds them
 * and closes the object. line 0: a whole file, shown at line 1; a logical
 * location and a suppression only when named.
 */
struct report_sarif_result {
	const char *rule_id;
	size_t rule_index;
	const char *level;
	const char *message; /* already escaped for SARIF */
	const char *uri;
	unsigned line, column, end_line, end_column;
	const char *logical_name, *logical_kind;
	const char *fp_key, *fp; /* partialFingerprints */
	const char *suppressed_by, *justification;
};
int report_sarif_result_begin(struct cs_json *j, const struct report_sarif_result *r);
/* markdown inline text and SARIF message text, escaped onto b */
int report_md_escape(struct cs_buf *b, const char *s);
int report_sarif_msg_escape(struct cs_buf *b, const char *s);
/* a relative URI reference for a path (new string, NULL without memory) */
char *report_path_uri(const char *path);
#define REPORT_SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
