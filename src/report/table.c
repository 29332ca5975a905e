/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table report: one section per target (the OS packages, then each
 * language ecosystem), each with its counts per severity and its findings
 * ordered from the most severe; then what was suppressed, and why. Then
 * one section per kind of issue (secrets, malware, configuration,
 * Dockerfile) with its counts and its issues, the most severe first, and
 * the suppressed issues with who and why. A report without a catalog or
 * findings (a Dockerfile lint) shows its issues alone.
 */
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/table.h"
#include "report/internal.h"

static const char *const sev_colour[] = {
	[CS_SEV_UNKNOWN] = "",	      [CS_SEV_NEGLIGIBLE] = "",	  [CS_SEV_LOW] = "\033[34m",
	[CS_SEV_MEDIUM] = "\033[33m", [CS_SEV_HIGH] = "\033[31m", [CS_SEV_CRITICAL] = "\033[1;31m",
};

static void print_counts_of(FILE *f, const char *what, const size_t *counts, size_t total,
			    bool colour)
{
	fprintf(f, "%s: %zu (", what, total);
	for (int s = CS_SEV_CRITICAL; s >= CS_SEV_UNKNOWN; s--) {
		bool c = colour && *sev_colour[s];

		fprintf(f, "%s%s: %zu%s%s", c ? sev_colour[s] : "", cs_severity_name(s), counts[s],
			c ? "\033[0m" : "", s > CS_SEV_UNKNOWN ? ", " : ")\n");
	}
}

static void print_counts(FILE *f, const size_t *counts, size_t total, bool colour)
{
	print_counts_of(f, "Vulnerabilities", counts, total, colour);
}

static int print_section(const struct cs_finding *const *rows, size_t n, const char *group,
			 const struct cs_report_options *opts, FILE *f)
{
	static const char *head[] = { "PACKAGE",   "VULNERABILITY", "SEVERITY", "STATUS",
				      "INSTALLED", "FIXED",	    "TITLE" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	size_t counts[REPORT_SEV_COUNT] = { 0 };
	int r;

	r = cs_table_new(CS_ARRAY_SIZE(head), head, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct cs_finding *x = rows[i];
		_cleanup_free_ char *title = NULL, *id = NULL;

		counts[x->severity]++;
		title = cs_asprintf("%s%s", x->kev ? "[KEV] " : "", x->title ? x->title : "");
		id = x->n_aliases ? cs_asprintf("%s (+%zu)", x->id, x->n_aliases)
				  : cs_strdup(x->id);
		if (!title || !id)
			return -ENOMEM;
		r = cs_table_add(t, x->pkg->name, id, cs_severity_name(x->severity),
				 cs_fix_state_name(x->fix_state), x->installed, x->fixed, title);
		if (r < 0)
			return r;
	}
	fprintf(f, "\n%s\n", report_group_title(group));
	print_counts(f, counts, n, opts->colour);
	fputc('\n', f);
	return cs_table_print(t, f, opts->width);
}

static int print_suppressed(const struct cs_findings *fs, const struct cs_report_options *opts,
			    FILE *f)
{
	static const char *head[] = { "PACKAGE", "VULNERABILITY", "SUPPRESSED BY", "WHY" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	int r;

	r = cs_table_new(CS_ARRAY_SIZE(head), head, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < fs->n_suppressed; i++) {
		const struct cs_finding *x = &fs->suppressed[i];

		r = cs_table_add(t, x->pkg->name, x->id, x->suppressed_by, x->justification);
		if (r < 0)
			return r;
	}
	fprintf(f, "\nSuppressed: %zu\n\n", fs->n_suppressed);
	return cs_table_print(t, f, opts->width);
}

static char *layer_cell(const struct cs_issue *x)
{
	if (x->layer < 0)
		return cs_strdup(x->deleted ? "deleted" : "-");
	return cs_asprintf("%d%s", x->layer, x->deleted ? " deleted" : "");
}

/* the rows of kind k among rows (sorted, so they are together): [*from, return) */
static size_t kind_range(const struct cs_issue *const *rows, size_t n, enum cs_issue_kind k,
			 size_t *from)
{
	size_t i = 0, j;

	while (i < n && rows[i]->kind != k)
		i++;
	for (j = i; j < n && rows[j]->kind == k; j++)
		;
	*from = i;
	return j;
}

static int print_issue_section(const struct cs_issue *const *rows, size_t n, enum cs_issue_kind k,
			       size_t n_suppressed, const struct cs_report_options *opts, FILE *f)
{
	static const char *head[] = { "RULE", "SEVERITY", "LOCATION", "LAYER", "TITLE" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	size_t counts[REPORT_SEV_COUNT] = { 0 };
	int r;

	r = cs_table_new(CS_ARRAY_SIZE(head), head, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct cs_issue *x = rows[i];
		_cleanup_free_ char *loc = report_issue_location(x), *layer = layer_cell(x);
		_cleanup_free_ char *title = NULL;

		if ((unsigned)x->severity < REPORT_SEV_COUNT)
			counts[x->severity]++;
		/* the evidence (redacted for secrets) after the title */
		title = cs_asprintf("%s%s%s", x->title && x->title[0] ? x->title : "",
				    x->excerpt && x->excerpt[0] ? " | " : "",
				    x->excerpt && x->excerpt[0] ? x->excerpt : "");
		if (!loc || !layer || !title)
			return -ENOMEM;
		r = cs_table_add(t, x->rule_id, cs_severity_name(x->severity), loc, layer, title);
		if (r < 0)
			return r;
	}
	fprintf(f, "\n%s\n", report_issue_kind_title(k));
	print_counts_of(f, "Issues", counts, n, opts->colour);
	if (n_suppressed)
		fprintf(f, "Suppressed: %zu\n", n_suppressed);
	if (!n)
		return 0;
	fputc('\n', f);
	return cs_table_print(t, f, opts->width);
}

static int print_suppressed_issues(const struct cs_issue *const *rows, size_t n,
				   const struct cs_report_options *opts, FILE *f)
{
	static const char *head[] = { "KIND", "RULE", "LOCATION", "SUPPRESSED BY", "WHY" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	int r;

	r = cs_table_new(CS_ARRAY_SIZE(head), head, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct cs_issue *x = rows[i];
		_cleanup_free_ char *loc = report_issue_location(x);

		if (!loc)
			return -ENOMEM;
		r = cs_table_add(t, cs_issue_kind_name(x->kind), x->rule_id, loc, x->suppressed_by,
				 x->justification);
		if (r < 0)
			return r;
	}
	fprintf(f, "\nSuppressed issues: %zu\n\n", n);
	return cs_table_print(t, f, opts->width);
}

static int print_issues(const struct cs_scan_report *rep, const struct cs_report_options *opts,
			FILE *f)
{
	const struct cs_issues *is = report_issues(rep);
	_cleanup_free_ const struct cs_issue **rows = NULL, **supp = NULL;
	int r;

	/* a report of issues alone says so when there are none */
	if (!rep->issues && report_has_vulns(rep))
		return 0;
	if (!is->n && !is->n_suppressed) {
		fputs("\nIssues: 0\n", f);
		return 0;
	}
	r = report_issues_sorted(is->v, is->n, &rows);
	if (r >= 0)
		r = report_issues_sorted(is->suppressed, is->n_suppressed, &supp);
	for (int k = 0; k < _CS_ISSUE_KIND_MAX && r >= 0; k++) {
		size_t a, b, sa, sb;

		b = kind_range(rows, is->n, (enum cs_issue_kind)k, &a);
		sb = kind_range(supp, is->n_suppressed, (enum cs_issue_kind)k, &sa);
		if (b > a || sb > sa)
			r = print_issue_section(rows + a, b - a, (enum cs_issue_kind)k, sb - sa,
						opts, f);
	}
	if (r >= 0 && is->n_suppressed)
		r = print_suppressed_issues(supp, is->n_suppressed, opts, f);
	return r;
}

int cs_report_table(const struct cs_scan_report *rep, const struct cs_report_options *opts, FILE *f,
		    struct cs_error *err)
{
	const struct cs_findings *fs = report_findings(rep);
	const struct cs_os_release *os = report_os(rep);
	_cleanup_free_ const struct cs_finding **rows = NULL;
	size_t counts[REPORT_SEV_COUNT] = { 0 };
	_cleanup_free_ char *target = cs_term_sanitize(rep->target);
	int r;

	if (!target)
		return cs_error_errno(err, -ENOMEM, "cannot write the table");
	if (!report_has_vulns(rep)) {
		/* issues alone (a Dockerfile lint): no packages, no OS to speak of */
		fprintf(f, "%s (%s)\n", target, rep->kind ? rep->kind : "issues");
		r = print_issues(rep, opts, f);
		if (r >= 0 && ferror(f))
			r = -EIO;
		return r < 0 ? cs_error_errno(err, r, "cannot write the table") : 0;
	}
	fprintf(f, "%s (%s %s)\n", target, os && os->id ? os->id : "unknown OS",
		os && os->version_id ? os->version_id : "");
	fprintf(f, "Packages: %zu  ", report_package_count(rep));
	report_count(fs->v, fs->n, counts);
	print_counts(f, counts, fs->n, opts->colour);
	r = report_sorted(fs->v, fs->n, &rows);
	for (size_t i = 0; r >= 0 && i < fs->n;) {
		const char *group = report_group(rows[i]->pkg);
		size_t j = i + 1;

		while (j < fs->n && !strcmp(report_group(rows[j]->pkg), group))
			j++;
		r = print_section(rows + i, j - i, group, opts, f);
		i = j;
	}
	if (r >= 0 && fs->n_suppressed)
		r = print_suppressed(fs, opts, f);
	if (r >= 0)
		r = print_issues(rep, opts, f);
	if (r >= 0 && ferror(f))
		r = -EIO;
	return r < 0 ? cs_error_errno(err, r, "cannot write the table") : 0;
}
