/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTML report: one self-contained page (inline style and a small inline
 * script for filtering and sorting; no external scripts, styles, fonts or
 * images) with the target, its OS and digests, the time of the scan and of
 * the database, the counts per severity, one table per section (OS
 * packages, then each ecosystem), the suppressed findings with why, one
 * table per kind of issue (secrets, malware, configuration, Dockerfile)
 * with the evidence as code, the suppressed issues with why, and the
 * warnings. A report without a catalog or findings (a Dockerfile lint)
 * shows its issues alone.
 *
 * Everything that comes from an image or a feed is hostile: it is made
 * valid UTF-8 without control characters and HTML-escaped, in text and in
 * attributes alike; only http(s) links that pass report_url_ok are links.
 * A Content-Security-Policy admits the page's own script (by its hash) and
 * nothing else, so an escaping mistake still could not run code.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "config.h"
#include "basic/alloc.h"
#include "report/internal.h"

struct html {
	FILE *f;
	int r; /* first error, sticky */
};

static const char style[] =
	":root{--fg:#1d2127;--muted:#5f6b7a;--bg:#fff;--line:#d8dde3;--head:#f3f5f7;"
	"--critical:#8e0b0b;--high:#d1361b;--medium:#b86e00;--low:#1f63b5;--other:#6b7480}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6e9ed;--muted:#a2acb8;--bg:#15181c;"
	"--line:#2f353d;--head:#1e2329}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:1400px;padding:1.5rem;font:14px/1.45 system-ui,-apple-system,"
	"'Segoe UI',sans-serif;color:var(--fg);background:var(--bg)}\n"
	"h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}\n"
	".target{font-family:ui-monospace,monospace;word-break:break-all;margin:0 0 1rem}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}\n"
	"dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;word-break:break-all}\n"
	"code,.mono{font-family:ui-monospace,monospace;font-size:.92em}\n"
	".summary{margin:1.5rem 0;padding:1rem;border:1px solid var(--line);border-radius:6px}\n"
	".total{font-size:1.25rem;font-weight:600;margin:0 0 .5rem}\n"
	".counts{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;padding:0;margin:0}\n"
	".badge{display:inline-block;min-width:5.5em;padding:.1rem .5rem;border-radius:4px;"
	"color:#fff;font-weight:600;text-align:center;font-size:.85em;white-space:nowrap}\n"
	".critical{background:var(--critical)}.high{background:var(--high)}"
	".medium{background:var(--medium)}.low{background:var(--low)}"
	".negligible,.unknown{background:var(--other)}\n"
	".kev{background:var(--critical)}\n"
	"input[type=search]{width:100%;max-width:30rem;padding:.4rem .6rem;margin:.5rem 0;"
	"font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);"
	"border-radius:4px}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;"
	"border-bottom:1px solid var(--line)}\n"
	"th{background:var(--head);position:sticky;top:0;cursor:pointer;user-select:none}\n"
	"td{overflow-wrap:anywhere}.sub{color:var(--muted);font-size:.85em}\n"
	"td.id{white-space:nowrap;overflow-wrap:normal}td.id .sub{white-space:normal}\n"
	"table.findings{table-layout:fixed}\n"
	"table.findings th:nth-child(1){width:7.5rem}table.findings th:nth-child(2){width:20%}"
	"table.findings th:nth-child(3){width:11rem}table.findings th:nth-child(4){width:6.5rem}"
	"table.findings th:nth-child(5),table.findings th:nth-child(6){width:9%}"
	"table.findings th:nth-child(8){width:9rem}\n"
	"table.issues th:nth-child(1){width:7.5rem}table.issues th:nth-child(2){width:12rem}"
	"table.issues th:nth-child(3){width:22%}\n"
	"td code{white-space:pre-wrap;overflow-wrap:anywhere}\n"
	"a{color:var(--low)}ul.warnings{padding-left:1.2rem}\n"
	"footer{margin-top:2rem;color:var(--muted);font-size:.85em}\n";

/*
 * Show the search box and filter rows by it, sort a table by a clicked
 * column (a cell's data-sort when it has one). The CSP admits exactly this
 * text, by hash.
 */
static const char script[] =
	"(function(){'use strict';\n"
	"var rows=[].slice.call(document.querySelectorAll('table.findings tbody tr,"
	"table.issues tbody tr'));\n"
	"var q=document.getElementById('q');q.hidden=false;\n"
	"q.addEventListener('input',function(){var s=q.value.toLowerCase();\n"
	"rows.forEach(function(r){r.hidden=s!==''&&r.textContent.toLowerCase().indexOf(s)<0;});});\n"
	"[].forEach.call(document.querySelectorAll('table th'),function(th){\n"
	"th.addEventListener('click',function(){\n"
	"var tb=th.closest('table').tBodies[0],i=th.cellIndex,d=th.dataset.dir==='asc'?-1:1;\n"
	"th.dataset.dir=d>0?'asc':'desc';\n"
	"var k=function(r){var c=r.cells[i];return c?(c.dataset.sort||c.textContent):'';};\n"
	"[].slice.call(tb.rows).sort(function(a,b){\n"
	"return d*k(a).localeCompare(k(b),undefined,{numeric:true});})\n"
	".forEach(function(r){tb.appendChild(r);});});});})();\n";

static void put(struct html *h, const char *s)
{
	if (h->r >= 0)
		fputs(s, h->f);
}

static void CS_PRINTF(2, 3) putf(struct html *h, const char *fmt, ...)
{
	va_list ap;

	if (h->r < 0)
		return;
	va_start(ap, fmt);
	vfprintf(h->f, fmt, ap);
	va_end(ap);
}

/* untrusted text, in an element or an attribute value */
static void esc(struct html *h, const char *s)
{
	_cleanup_free_ char *c = NULL;

	if (h->r < 0)
		return;
	c = report_clean(s);
	if (!c) {
		h->r = -ENOMEM;
		return;
	}
	for (const char *p = c; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", h->f);
			break;
		case '<':
			fputs("&lt;", h->f);
			break;
		case '>':
			fputs("&gt;", h->f);
			break;
		case '"':
			fputs("&quot;", h->f);
			break;
		case '\'':
			fputs("&#39;", h->f);
			break;
		default:
			fputc(*p, h->f);
		}
	}
}

static void esc_or_dash(struct html *h, const char *s)
{
	esc(h, s && s[0] ? s : "-");
}

/* a link when url is a safe http(s) URL, else the text alone */
static void put_link(struct html *h, const char *url, const char *text)
{
	if (report_url_ok(url)) {
		put(h, "<a href=\"");
		esc(h, url);
		put(h, "\" rel=\"noopener noreferrer\" target=\"_blank\">");
		esc(h, text);
		put(h, "</a>");
	} else {
		esc(h, text);
	}
}

static void meta_row(struct html *h, const char *name, const char *value, bool mono)
{
	if (!value || !value[0])
		return;
	putf(h, "<dt>%s</dt><dd%s>", name, mono ? " class=\"mono\"" : "");
	esc(h, value);
	put(h, "</dd>\n");
}

/* 'sha256-<base64>' of the script, for the Content-Security-Policy */
static int script_hash(char out[64])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(script, sizeof(script) - 1, md, &n, EVP_sha256(), NULL) || n != 32)
		return -EIO;
	/* 32 bytes are 44 base64 characters */
	EVP_EncodeBlock((unsigned char *)out, md, (int)n);
	return 0;
}

static void header(struct html *h, const struct cs_scan_report *rep)
{
	const struct cs_os_release *os = report_os(rep);
	bool vulns = report_has_vulns(rep);
	_cleanup_free_ char *os_name = NULL;
	char now[32], npkgs[32];

	if (os && os->id)
		os_name = cs_asprintf("%s %s", os->id, os->version_id ? os->version_id : "");
	snprintf(npkgs, sizeof(npkgs), "%zu", report_package_count(rep));
	putf(h, "<header>\n<h1>%s</h1>\n<p class=\"target\">",
	     vulns ? "Vulnerability report" : "Issue report");
	esc(h, rep->target);
	put(h, "</p>\n<dl class=\"meta\">\n");
	meta_row(h, "Kind", rep->kind, false);
	if (vulns)
		meta_row(h, "OS", os_name ? os_name : "not detected", false);
	if (rep->img) {
		meta_row(h, "Image digest", cs_image_manifest_digest(rep->img), true);
		meta_row(h, "Config digest", cs_image_config_digest(rep->img), true);
	}
	if (vulns)
		meta_row(h, "Packages", npkgs, false);
	meta_row(h, "Generated", report_generated(rep, now, sizeof(now)), false);
	if (vulns)
		meta_row(h, "Database built", rep->db_built ? rep->db_built : "unknown", false);
	put(h, "</dl>\n</header>\n");
}

static void summary(struct html *h, const struct cs_findings *fs)
{
	size_t counts[REPORT_SEV_COUNT], kev = 0;

	report_count(fs->v, fs->n, counts);
	for (size_t i = 0; i < fs->n; i++)
		kev += fs->v[i].kev;
	putf(h,
	     "<section class=\"summary\">\n<p class=\"total\" id=\"total\">%zu %s</p>\n"
	     "<ul class=\"counts\">\n",
	     fs->n, fs->n == 1 ? "vulnerability" : "vulnerabilities");
	for (int s = CS_SEV_CRITICAL; s >= CS_SEV_UNKNOWN; s--)
		putf(h, "<li><span class=\"badge %s\">%s %zu</span></li>\n", cs_severity_name(s),
		     cs_severity_name(s), counts[s]);
	putf(h, "</ul>\n<p class=\"sub\">%zu suppressed, %zu known exploited (CISA KEV)</p>\n",
	     fs->n_suppressed, kev);
	put(h, "</section>\n");
}

static void package_cell(struct html *h, const struct cs_finding *x)
{
	put(h, "<td>");
	esc(h, x->pkg->name);
	put(h, "<div class=\"sub\">");
	esc(h, cs_pkg_type_name(x->pkg->type));
	if (x->pkg->path) {
		put(h, " &middot; ");
		esc(h, x->pkg->path);
	}
	putf(h, " &middot; layer %u</div></td>", x->pkg->introduced);
}

static void id_cell(struct html *h, const struct cs_finding *x)
{
	put(h, "<td class=\"mono id\">");
	put_link(h, x->url, x->id);
	if (x->n_aliases) {
		put(h, "<div class=\"sub\">");
		for (size_t i = 0; i < x->n_aliases && i < 8; i++) {
			if (i)
				put(h, ", ");
			esc(h, x->aliases[i]);
		}
		if (x->n_aliases > 8)
			putf(h, " (+%zu)", x->n_aliases - 8);
		put(h, "</div>");
	}
	put(h, "</td>");
}

static void finding_row(struct html *h, const struct cs_finding *x)
{
	const char *sev = cs_severity_name(x->severity);

	putf(h, "<tr><td data-sort=\"%d\"><span class=\"badge %s\">%s</span></td>",
	     5 - (int)x->severity, sev, sev);
	package_cell(h, x);
	id_cell(h, x);
	put(h, "<td>");
	esc(h, cs_fix_state_name(x->fix_state));
	put(h, "</td><td class=\"mono\">");
	esc_or_dash(h, x->installed);
	put(h, "</td><td class=\"mono\">");
	esc_or_dash(h, x->fixed);
	put(h, "</td><td>");
	esc_or_dash(h, x->title);
	if (x->note && x->note[0]) {
		put(h, "<div class=\"sub\">");
		esc(h, x->note);
		put(h, "</div>");
	}
	if (report_cvss(x) > 0)
		putf(h, "<div class=\"sub\">CVSS %.1f</div>", report_cvss(x));
	putf(h, "</td><td data-sort=\"%d%.6f\">", x->kev ? 2 : 1, x->epss >= 0 ? x->epss : 0);
	if (x->kev) {
		put(h, "<span class=\"badge kev\" title=\"known exploited since ");
		esc_or_dash(h, x->kev_date_added);
		put(h, "\">KEV</span> ");
	}
	if (x->epss >= 0)
		putf(h, "EPSS %.2f%% <span class=\"sub\">(p%d)</span>", x->epss * 100,
		     (int)(x->epss_percentile * 100));
	put(h, "</td></tr>\n");
}

static void section(struct html *h, const char *group, const struct cs_finding **rows, size_t n)
{
	put(h, "<section>\n<h2>");
	esc(h, report_group_title(group));
	putf(h, " <span class=\"sub\">(%zu)</span></h2>\n", n);
	put(h, "<table class=\"findings\">\n<thead><tr><th>Severity</th><th>Package</th>"
	       "<th>Vulnerability</th><th>Status</th><th>Installed</th><th>Fixed</th>"
	       "<th>Title</th><th>KEV / EPSS</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		finding_row(h, rows[i]);
	put(h, "</tbody>\n</table>\n</section>\n");
}

static void suppressed(struct html *h, const struct cs_finding **rows, size_t n)
{
	putf(h,
	     "<section id=\"suppressed\">\n<h2>Suppressed <span class=\"sub\">(%zu)</span></h2>\n",
	     n);
	put(h, "<table>\n<thead><tr><th>Severity</th><th>Package</th><th>Vulnerability</th>"
	       "<th>Installed</th><th>Suppressed by</th><th>Justification</th></tr></thead>\n"
	       "<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct cs_finding *x = rows[i];
		const char *sev = cs_severity_name(x->severity);

		putf(h, "<tr><td data-sort=\"%d\"><span class=\"badge %s\">%s</span></td>",
		     5 - (int)x->severity, sev, sev);
		package_cell(h, x);
		id_cell(h, x);
		put(h, "<td class=\"mono\">");
		esc_or_dash(h, x->installed);
		put(h, "</td><td>");
		esc_or_dash(h, x->suppressed_by);
		put(h, "</td><td>");
		esc_or_dash(h, x->justification);
		put(h, "</td></tr>\n");
	}
	put(h, "</tbody>\n</table>\n</section>\n");
}

static void severity_cell(struct html *h, enum cs_severity s)
{
	const char *sev = cs_severity_name(s);

	putf(h, "<td data-sort=\"%d\"><span class=\"badge %s\">%s</span></td>", 5 - (int)s, sev,
	     sev);
}

static void issue_location_cell(struct html *h, const struct cs_issue *x)
{
	_cleanup_free_ char *loc = report_issue_location(x);

	if (!loc) {
		h->r = -ENOMEM;
		return;
	}
	put(h, "<td class=\"mono\">");
	esc(h, loc);
	if (x->layer >= 0 || x->deleted) {
		put(h, "<div class=\"sub\">");
		if (x->layer >= 0)
			putf(h, "layer %d", x->layer);
		if (x->deleted)
			putf(h, "%sdeleted by a later layer", x->layer >= 0 ? " &middot; " : "");
		put(h, "</div>");
	}
	put(h, "</td>");
}

static void issue_row(struct html *h, const struct cs_issue *x)
{
	put(h, "<tr>");
	severity_cell(h, x->severity);
	put(h, "<td class=\"mono id\">");
	put_link(h, x->url, x->rule_id && x->rule_id[0] ? x->rule_id : "-");
	put(h, "</td>");
	issue_location_cell(h, x);
	put(h, "<td>");
	esc_or_dash(h, x->title);
	if (x->message && x->message[0]) {
		put(h, "<div class=\"sub\">");
		esc(h, x->message);
		put(h, "</div>");
	}
	if (x->remediation && x->remediation[0]) {
		put(h, "<div class=\"sub\">Remediation: ");
		esc(h, x->remediation);
		put(h, "</div>");
	}
	put(h, "</td><td>");
	if (x->excerpt && x->excerpt[0]) {
		put(h, "<code>");
		esc(h, x->excerpt);
		put(h, "</code>");
	} else {
		put(h, "-");
	}
	put(h, "</td></tr>\n");
}

static void issue_section(struct html *h, enum cs_issue_kind k, const struct cs_issue **rows,
			  size_t n, size_t n_suppressed)
{
	size_t counts[REPORT_SEV_COUNT] = { 0 };

	for (size_t i = 0; i < n; i++)
		if ((unsigned)rows[i]->severity < REPORT_SEV_COUNT)
			counts[rows[i]->severity]++;
	putf(h, "<section id=\"issues-%s\">\n<h2>%s <span class=\"sub\">(%zu)</span></h2>\n",
	     cs_issue_kind_name(k), report_issue_kind_title(k), n);
	put(h, "<ul class=\"counts\">\n");
	for (int s = CS_SEV_CRITICAL; s >= CS_SEV_UNKNOWN; s--)
		putf(h, "<li><span class=\"badge %s\">%s %zu</span></li>\n", cs_severity_name(s),
		     cs_severity_name(s), counts[s]);
	putf(h, "</ul>\n<p class=\"sub\">%zu suppressed</p>\n", n_suppressed);
	if (n) {
		put(h, "<table class=\"issues\">\n<thead><tr><th>Severity</th><th>Rule</th>"
		       "<th>Location</th><th>Title</th><th>Evidence</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < n; i++)
			issue_row(h, rows[i]);
		put(h, "</tbody>\n</table>\n");
	}
	put(h, "</section>\n");
}

/* the issues of v (n, sorted) of kind k: [*from, return) */
static size_t kind_range(const struct cs_issue **v, size_t n, enum cs_issue_kind k, size_t *from)
{
	size_t i = 0, j;

	while (i < n && v[i]->kind != k)
		i++;
	for (j = i; j < n && v[j]->kind == k; j++)
		;
	*from = i;
	return j;
}

static void suppressed_issues(struct html *h, const struct cs_issue **rows, size_t n)
{
	putf(h,
	     "<section id=\"suppressed-issues\">\n<h2>Suppressed issues "
	     "<span class=\"sub\">(%zu)</span></h2>\n",
	     n);
	put(h, "<table>\n<thead><tr><th>Severity</th><th>Kind</th><th>Rule</th><th>Location</th>"
	       "<th>Suppressed by</th><th>Justification</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct cs_issue *x = rows[i];

		put(h, "<tr>");
		severity_cell(h, x->severity);
		put(h, "<td>");
		esc(h, cs_issue_kind_name(x->kind));
		put(h, "</td><td class=\"mono id\">");
		esc_or_dash(h, x->rule_id);
		put(h, "</td>");
		issue_location_cell(h, x);
		put(h, "<td>");
		esc_or_dash(h, x->suppressed_by);
		put(h, "</td><td>");
		esc_or_dash(h, x->justification);
		put(h, "</td></tr>\n");
	}
	put(h, "</tbody>\n</table>\n</section>\n");
}

static int issues(struct html *h, const struct cs_scan_report *rep)
{
	const struct cs_issues *is = report_issues(rep);
	_cleanup_free_ const struct cs_issue **rows = NULL, **supp = NULL;
	int r;

	/* a report of issues alone says so when there are none */
	if (!rep->issues && report_has_vulns(rep))
		return 0;
	r = report_issues_sorted(is->v, is->n, &rows);
	if (r >= 0)
		r = report_issues_sorted(is->suppressed, is->n_suppressed, &supp);
	if (r < 0)
		return r;
	putf(h, "<section class=\"summary\">\n<p class=\"total\" id=\"issue-total\">%zu %s</p>\n",
	     is->n, is->n == 1 ? "issue" : "issues");
	putf(h, "<p class=\"sub\">%zu suppressed</p>\n</section>\n", is->n_suppressed);
	for (int k = 0; k < _CS_ISSUE_KIND_MAX; k++) {
		size_t a, b, sa, sb;

		b = kind_range(rows, is->n, (enum cs_issue_kind)k, &a);
		sb = kind_range(supp, is->n_suppressed, (enum cs_issue_kind)k, &sa);
		if (b > a || sb > sa)
			issue_section(h, (enum cs_issue_kind)k, rows + a, b - a, sb - sa);
	}
	if (!is->n)
		put(h, "<p>No issues were found.</p>\n");
	if (is->n_suppressed)
		suppressed_issues(h, supp, is->n_suppressed);
	return 0;
}

static void warnings(struct html *h, const struct cs_scan_report *rep)
{
	const struct cs_findings *fs = report_findings(rep);
	const struct cs_issues *is = report_issues(rep);
	size_t nc = report_catalog_warning_count(rep);

	if (!fs->n_warnings && !nc && !is->n_warnings)
		return;
	putf(h,
	     "<section id=\"warnings\">\n<h2>Warnings <span class=\"sub\">(%zu)</span></h2>\n"
	     "<ul class=\"warnings\">\n",
	     fs->n_warnings + nc + is->n_warnings);
	for (size_t i = 0; i < fs->n_warnings; i++) {
		put(h, "<li>");
		esc(h, fs->warnings[i]);
		put(h, "</li>\n");
	}
	for (size_t i = 0; i < nc; i++) {
		put(h, "<li>");
		esc(h, report_catalog_warning(rep, i));
		put(h, "</li>\n");
	}
	for (size_t i = 0; i < is->n_warnings; i++) {
		put(h, "<li>");
		esc(h, is->warnings[i]);
		put(h, "</li>\n");
	}
	put(h, "</ul>\n</section>\n");
}

int cs_report_html(const struct cs_scan_report *rep, FILE *f, struct cs_error *err)
{
	const struct cs_findings *fs = report_findings(rep);
	bool vulns = report_has_vulns(rep);
	_cleanup_free_ const struct cs_finding **rows = NULL, **supp = NULL;
	const char *groups[REPORT_GROUP_MAX];
	size_t ng = report_groups(rep, groups);
	struct html h = { .f = f };
	char hash[64];
	int r;

	r = report_sorted(fs->v, fs->n, &rows);
	if (r >= 0)
		r = report_sorted(fs->suppressed, fs->n_suppressed, &supp);
	if (r >= 0)
		r = script_hash(hash);
	if (r < 0)
		return cs_error_errno(err, r, "cannot write the HTML report");
	put(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	putf(&h,
	     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	     "style-src 'unsafe-inline'; script-src 'sha256-%s'; base-uri 'none'; "
	     "form-action 'none'\">\n",
	     hash);
	put(&h, "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"generator\" "
		"content=\"customs " CUSTOMS_VERSION "\">\n<title>");
	put(&h, vulns ? "Vulnerabilities: " : "Issues: ");
	esc(&h, rep->target);
	put(&h, "</title>\n<style>\n");
	put(&h, style);
	put(&h, "</style>\n</head>\n<body>\n");
	header(&h, rep);
	if (vulns)
		summary(&h, fs);
	/* shown by the script: without it, filtering could not work */
	put(&h, "<input id=\"q\" type=\"search\" placeholder=\"Filter findings\" "
		"aria-label=\"Filter findings\" hidden>\n");
	for (size_t g = 0; g < ng; g++) {
		size_t a = 0, b;

		while (a < fs->n && strcmp(report_group(rows[a]->pkg), groups[g]))
			a++;
		for (b = a; b < fs->n && !strcmp(report_group(rows[b]->pkg), groups[g]); b++)
			;
		if (b > a)
			section(&h, groups[g], rows + a, b - a);
	}
	if (vulns && !fs->n)
		put(&h, "<p>No known vulnerabilities were found.</p>\n");
	if (fs->n_suppressed)
		suppressed(&h, supp, fs->n_suppressed);
	r = issues(&h, rep);
	if (r < 0 && h.r >= 0)
		h.r = r;
	warnings(&h, rep);
	put(&h, "<footer>Written by customs " CUSTOMS_VERSION "</footer>\n<script>");
	put(&h, script);
	put(&h, "</script>\n</body>\n</html>\n");
	r = h.r;
	if (r >= 0 && (fflush(f) != 0 || ferror(f)))
		r = errno > 0 ? -errno : -EIO;
	return r < 0 ? cs_error_errno(err, r, "cannot write the HTML report") : 0;
}
