/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the report writers (internal.h): sections and order,
 * safe text and links, scores and time, what a report may lack, and the
 * order of issues. Never prints.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/utf8.h"
#include "report/internal.h"

static const struct cs_findings no_findings;
static const struct cs_issues no_issues;

const struct cs_findings *report_findings(const struct cs_scan_report *rep)
{
	return rep->findings ? rep->findings : &no_findings;
}

const struct cs_issues *report_issues(const struct cs_scan_report *rep)
{
	return rep->issues ? rep->issues : &no_issues;
}

size_t report_package_count(const struct cs_scan_report *rep)
{
	return rep->cat ? cs_catalog_count(rep->cat) : 0;
}

const struct cs_os_release *report_os(const struct cs_scan_report *rep)
{
	return rep->cat ? cs_catalog_os(rep->cat) : NULL;
}

size_t report_catalog_warning_count(const struct cs_scan_report *rep)
{
	return rep->cat ? cs_catalog_warning_count(rep->cat) : 0;
}

const char *report_catalog_warning(const struct cs_scan_report *rep, size_t i)
{
	return rep->cat ? cs_catalog_warning(rep->cat, i) : NULL;
}

bool report_has_vulns(const struct cs_scan_report *rep)
{
	const struct cs_findings *fs = report_findings(rep);

	return !rep->no_vulns && (rep->cat || fs->n || fs->n_suppressed);
}

const char *report_group(const struct cs_package *p)
{
	return cs_pkg_type_is_os(p->type) ? "os" : cs_pkg_type_name(p->type);
}

const char *report_group_title(const char *group)
{
	return !strcmp(group, "os") ? "OS packages" : group;
}

static int cmp_group(const char *a, const char *b)
{
	bool osa = !strcmp(a, "os"), osb = !strcmp(b, "os");

	if (osa != osb)
		return osa ? -1 : 1;
	return strcmp(a, b);
}

static int cmp_groupp(const void *a, const void *b)
{
	return cmp_group(*(const char *const *)a, *(const char *const *)b);
}

static void add_group(const char **groups, size_t *n, const char *g)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(groups[i], g))
			return;
	if (*n < REPORT_GROUP_MAX)
		groups[(*n)++] = g;
}

size_t report_groups(const struct cs_scan_report *rep, const char **groups)
{
	const struct cs_findings *fs = report_findings(rep);
	size_t n = 0, np = report_package_count(rep);

	for (size_t i = 0; i < np; i++)
		add_group(groups, &n, report_group(cs_catalog_get(rep->cat, i)));
	for (size_t i = 0; i < fs->n; i++)
		add_group(groups, &n, report_group(fs->v[i].pkg));
	for (size_t i = 0; i < fs->n_suppressed; i++)
		add_group(groups, &n, report_group(fs->suppressed[i].pkg));
	qsort(groups, n, sizeof(*groups), cmp_groupp);
	return n;
}

static int cmp_str0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_row(const void *pa, const void *pb)
{
	const struct cs_finding *a = *(const struct cs_finding *const *)pa;
	const struct cs_finding *b = *(const struct cs_finding *const *)pb;
	int c;

	if ((c = cmp_group(report_group(a->pkg), report_group(b->pkg))))
		return c;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = cmp_str0(a->pkg->name, b->pkg->name)) || (c = cmp_str0(a->id, b->id)) ||
	    (c = cmp_str0(a->installed, b->installed)))
		return c;
	return cmp_str0(a->pkg->path, b->pkg->path);
}

int report_sorted(const struct cs_finding *v, size_t n, const struct cs_finding ***ret)
{
	const struct cs_finding **rows = NULL;

	if (n) {
		rows = cs_new0(const struct cs_finding *, n);
		if (!rows)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			rows[i] = &v[i];
		qsort(rows, n, sizeof(*rows), cmp_row);
	}
	*ret = rows;
	return 0;
}

void report_count(const struct cs_finding *v, size_t n, size_t counts[REPORT_SEV_COUNT])
{
	memset(counts, 0, sizeof(size_t) * REPORT_SEV_COUNT);
	for (size_t i = 0; i < n; i++)
		if ((unsigned)v[i].severity < REPORT_SEV_COUNT)
			counts[v[i].severity]++;
}

const char *report_issue_kind_title(enum cs_issue_kind k)
{
	static const char *const titles[_CS_ISSUE_KIND_MAX] = {
		[CS_ISSUE_SECRET] = "Secrets",
		[CS_ISSUE_MALWARE] = "Malware",
		[CS_ISSUE_CONFIG] = "Configuration",
		[CS_ISSUE_DOCKERFILE] = "Dockerfile",
	};

	return (unsigned)k < _CS_ISSUE_KIND_MAX ? titles[k] : "Other issues";
}

static int cmp_issue_row(const void *pa, const void *pb)
{
	const struct cs_issue *a = *(const struct cs_issue *const *)pa;
	const struct cs_issue *b = *(const struct cs_issue *const *)pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = cmp_str0(a->path, b->path)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	if ((c = cmp_str0(a->rule_id, b->rule_id)) || (c = cmp_str0(a->where, b->where)))
		return c;
	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	return a < b ? -1 : a > b; /* stable: the analyser's order */
}

int report_issues_sorted(const struct cs_issue *v, size_t n, const struct cs_issue ***ret)
{
	const struct cs_issue **rows = NULL;

	if (n) {
		rows = cs_new0(const struct cs_issue *, n);
		if (!rows)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			rows[i] = &v[i];
		qsort(rows, n, sizeof(*rows), cmp_issue_row);
	}
	*ret = rows;
	return 0;
}

size_t report_issue_count(const struct cs_issue *v, size_t n, enum cs_issue_kind k,
			  size_t counts[REPORT_SEV_COUNT])
{
	size_t total = 0;

	memset(counts, 0, sizeof(size_t) * REPORT_SEV_COUNT);
	for (size_t i = 0; i < n; i++) {
		if (k != _CS_ISSUE_KIND_MAX && v[i].kind != k)
			continue;
		total++;
		if ((unsigned)v[i].severity < REPORT_SEV_COUNT)
			counts[v[i].severity]++;
	}
	return total;
}

char *report_issue_location(const struct cs_issue *x)
{
	bool path = x->path && x->path[0], where = x->where && x->where[0];
	char pos[64] = "";

	if (x->line && x->column)
		snprintf(pos, sizeof(pos), "%s%u:%u", path ? ":" : "line ", x->line, x->column);
	else if (x->line)
		snprintf(pos, sizeof(pos), "%s%u", path ? ":" : "line ", x->line);
	if (path || pos[0])
		return cs_asprintf("%s%s%s%s%s", path ? x->path : "", pos, where ? " (" : "",
				   where ? x->where : "", where ? ")" : "");
	return cs_strdup(where ? x->where : "-");
}

char *report_clean(const char *s)
{
	static const char replacement[] = "\xef\xbf\xbd";
	struct cs_buf b = CS_BUF_INIT(SIZE_MAX / 2);
	size_t n = s ? strlen(s) : 0;
	int r = cs_buf_append(&b, "", 0);

	for (size_t i = 0; i < n && r >= 0;) {
		unsigned char c = (unsigned char)s[i];
		size_t l = c >= 0x80 ? cs_utf8_valid_prefix(s + i, n - i) : 1;
		/* U+FFFE and U+FFFF are not XML characters */
		bool nonchar = l == 3 && c == 0xef && (unsigned char)s[i + 1] == 0xbf &&
			       (unsigned char)s[i + 2] >= 0xbe;

		if (l == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || nonchar) {
			r = cs_buf_append(&b, replacement, 3);
			i += l ? l : 1;
		} else {
			r = cs_buf_append(&b, s + i, l);
			i += l;
		}
	}
	if (r < 0) {
		cs_buf_done(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

bool report_url_ok(const char *url)
{
	const char *host;

	if (!url)
		return false;
	if (!strncmp(url, "https://", 8))
		host = url + 8;
	else if (!strncmp(url, "http://", 7))
		host = url + 7;
	else
		return false;
	if (!*host || *host == '/' || strlen(url) > 2048)
		return false;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"'<>\\`{}|^[]", *p))
			return false;
		/* a valid URI, as the SARIF and CycloneDX schemas check: %XX only */
		if (*p == '%' && !(isxdigit(p[1]) && isxdigit(p[2])))
			return false;
	}
	return true;
}

double report_cvss(const struct cs_finding *x)
{
	return x->cvss3_score > 0 ? x->cvss3_score : x->cvss4_score > 0 ? x->cvss4_score : 0;
}

const char *report_generated(const struct cs_scan_report *rep, char *buf, size_t n)
{
	const char *t = rep->generated ? rep->generated : cs_report_now(buf, n);

	return t ? t : "";
}

int64_t report_parse_time(const char *s)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s)
		return -1;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -1;
	return (int64_t)timegm(&tm);
}
