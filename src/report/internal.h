/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the report writers of this folder share: the sections of a report
 * and the order of findings within them (as the table shows them), text
 * made safe for XML and HTML, links that are safe to follow, severity
 * scores and the report's time. Only for src/report/.
 */
#pragma once

#include <stdint.h>
#include "report/report.h"

#define REPORT_SEV_COUNT (CS_SEV_CRITICAL + 1)
#define REPORT_GROUP_MAX (CS_PKG_TYPE_COUNT + 1)

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
