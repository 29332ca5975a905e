/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table report: one section per target (the OS packages, then each
 * language ecosystem), each with its counts per severity and its findings
 * ordered from the most severe; then what was suppressed, and why.
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

static void print_counts(FILE *f, const size_t *counts, size_t total, bool colour)
{
	fprintf(f, "Vulnerabilities: %zu (", total);
	for (int s = CS_SEV_CRITICAL; s >= CS_SEV_UNKNOWN; s--) {
		bool c = colour && *sev_colour[s];

		fprintf(f, "%s%s: %zu%s%s", c ? sev_colour[s] : "", cs_severity_name(s), counts[s],
			c ? "\033[0m" : "", s > CS_SEV_UNKNOWN ? ", " : ")\n");
	}
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

int cs_report_table(const struct cs_scan_report *rep, const struct cs_report_options *opts, FILE *f,
		    struct cs_error *err)
{
	const struct cs_findings *fs = rep->findings;
	const struct cs_os_release *os = cs_catalog_os(rep->cat);
	_cleanup_free_ const struct cs_finding **rows = NULL;
	size_t counts[REPORT_SEV_COUNT] = { 0 };
	_cleanup_free_ char *target = cs_term_sanitize(rep->target);
	int r;

	if (!target)
		return cs_error_errno(err, -ENOMEM, "cannot write the table");
	fprintf(f, "%s (%s %s)\n", target, os && os->id ? os->id : "unknown OS",
		os && os->version_id ? os->version_id : "");
	fprintf(f, "Packages: %zu  ", cs_catalog_count(rep->cat));
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
	if (r >= 0 && ferror(f))
		r = -EIO;
	return r < 0 ? cs_error_errno(err, r, "cannot write the table") : 0;
}
