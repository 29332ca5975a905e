/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JUnit XML report, for CI test dashboards: one <testsuite> per section
 * of the table report (OS packages, then each ecosystem), one <testcase>
 * per finding (classname package@version, name the vulnerability id) that
 * fails with the severity as its type, and suppressed findings as skipped
 * test cases with why. Then one <testsuite> per kind of issue (Secrets,
 * Malware, Configuration, Dockerfile) with a <testcase> per issue
 * (classname the file, else the setting, else the target; name the rule
 * id), failing with the severity; suppressed issues are skipped. tests = failures + skipped at
 * every level.
 *
 * libxml2's writer does the XML escaping; strings from images and feeds
 * are first made valid XML characters (report_clean), since a control
 * character cannot be escaped in XML 1.0.
 */
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "report/internal.h"
#include "report/xmlw.h"

#define TEXT_MAX (1u << 24)

struct junit {
	struct report_xml x;
	const struct cs_scan_report *rep;
	const struct cs_finding **shown, **suppressed; /* in table order */
	const struct cs_issue **ishown, **isuppressed; /* in table order */
	char generated[32];			       /* without the zone, as JUnit has it */
};

/* a suppressed finding or issue: skipped, and why; closes the testcase */
static void suppressed(struct junit *ju, const char *by, const char *justification)
{
	report_xml_start(&ju->x, "skipped");
	report_xml_attr(&ju->x, "message", justification && justification[0] ? justification : by);
	report_xml_text(&ju->x, "suppressed by ");
	report_xml_text(&ju->x, by);
	report_xml_end(&ju->x);
	report_xml_end(&ju->x);
}

static void property(struct junit *ju, const char *name, const char *value)
{
	if (!value || !value[0])
		return;
	report_xml_start(&ju->x, "property");
	report_xml_attr(&ju->x, "name", name);
	report_xml_attr(&ju->x, "value", value);
	report_xml_end(&ju->x);
}

static void counts_attrs(struct junit *ju, size_t failures, size_t skipped)
{
	report_xml_attr_uint(&ju->x, "tests", failures + skipped);
	report_xml_attr_uint(&ju->x, "failures", failures);
	report_xml_attr_uint(&ju->x, "errors", 0);
	report_xml_attr_uint(&ju->x, "skipped", skipped);
	report_xml_attr(&ju->x, "time", "0");
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

/*
 * Close a testcase with its <failure> (message, severity as type, body as
 * text) unless building the body failed (r < 0); frees body.
 */
static void failure(struct junit *ju, int r, const char *msg, enum cs_severity sev,
		    struct cs_buf *body)
{
	if (r < 0) {
		ju->x.r = r;
	} else {
		report_xml_start(&ju->x, "failure");
		report_xml_attr(&ju->x, "message", msg);
		report_xml_attr(&ju->x, "type", cs_severity_name(sev));
		report_xml_text(&ju->x, body->data);
		report_xml_end(&ju->x);
		report_xml_end(&ju->x);
	}
	cs_buf_done(body);
}

static void testcase(struct junit *ju, const struct cs_finding *x)
{
	const struct cs_package *p = x->pkg;
	_cleanup_free_ char *classname = NULL, *msg = NULL;
	struct cs_buf body = CS_BUF_INIT(TEXT_MAX);
	int r;

	classname = cs_asprintf("%s@%s", or_dash(p->name), or_dash(p->version ?: x->installed));
	if (!classname) {
		ju->x.r = -ENOMEM;
		return;
	}
	report_xml_start(&ju->x, "testcase");
	report_xml_attr(&ju->x, "classname", classname);
	report_xml_attr(&ju->x, "name", x->id);
	report_xml_attr(&ju->x, "time", "0");
	if (x->suppressed_by) {
		suppressed(ju, x->suppressed_by, x->justification);
		return;
	}
	msg = cs_asprintf("%s: %s in %s %s, fixed version %s%s%s", cs_severity_name(x->severity),
			  x->id, or_dash(p->name), or_dash(x->installed),
			  x->fixed ? x->fixed : "none", x->title ? ": " : "",
			  x->title ? x->title : "");
	r = msg ? 0 : -ENOMEM;
	r = r < 0 ? r
		  : cs_buf_printf(&body,
				  "Vulnerability: %s\nSeverity: %s\nPackage: %s (%s)\n"
				  "Installed: %s\nFixed: %s\nStatus: %s\n",
				  x->id, cs_severity_name(x->severity), or_dash(p->name),
				  cs_pkg_type_name(p->type), or_dash(x->installed),
				  or_dash(x->fixed), cs_fix_state_name(x->fix_state));
	if (r >= 0 && x->n_aliases) {
		r = cs_buf_puts(&body, "Aliases:");
		for (size_t i = 0; i < x->n_aliases && r >= 0; i++)
			r = cs_buf_printf(&body, " %s", x->aliases[i]);
		r = r < 0 ? r : cs_buf_putc(&body, '\n');
	}
	if (r >= 0 && p->path)
		r = cs_buf_printf(&body, "Path: %s (layer %u)\n", p->path, p->introduced);
	if (r >= 0 && p->purl)
		r = cs_buf_printf(&body, "Purl: %s\n", p->purl);
	if (r >= 0 && x->title)
		r = cs_buf_printf(&body, "Title: %s\n", x->title);
	if (r >= 0 && report_cvss(x) > 0)
		r = cs_buf_printf(&body, "CVSS: %.1f %s\n", report_cvss(x),
				  x->cvss3_score > 0 ? or_dash(x->cvss3_vector)
						     : or_dash(x->cvss4_vector));
	if (r >= 0 && x->kev)
		r = cs_buf_printf(&body, "Known exploited (CISA KEV) since %s\n",
				  or_dash(x->kev_date_added));
	if (r >= 0 && x->epss >= 0)
		r = cs_buf_printf(&body, "EPSS: %.5f (percentile %.5f)\n", x->epss,
				  x->epss_percentile);
	if (r >= 0 && x->note)
		r = cs_buf_printf(&body, "Note: %s\n", x->note);
	if (r >= 0 && x->url)
		r = cs_buf_printf(&body, "Link: %s\n", x->url);
	failure(ju, r, msg, x->severity, &body);
}

/* the findings of v (n, sorted) in group g: [*from, return) */
static size_t group_range(const struct cs_finding **v, size_t n, const char *g, size_t *from)
{
	size_t i = 0, j;

	while (i < n && strcmp(report_group(v[i]->pkg), g))
		i++;
	for (j = i; j < n && !strcmp(report_group(v[j]->pkg), g); j++)
		;
	*from = i;
	return j;
}

static void testsuite(struct junit *ju, const char *g)
{
	const struct cs_findings *fs = report_findings(ju->rep);
	const struct cs_os_release *os = report_os(ju->rep);
	size_t a, b, sa, sb;

	b = group_range(ju->shown, fs->n, g, &a);
	sb = group_range(ju->suppressed, fs->n_suppressed, g, &sa);
	report_xml_start(&ju->x, "testsuite");
	report_xml_attr(&ju->x, "name", report_group_title(g));
	counts_attrs(ju, b - a, sb - sa);
	if (ju->generated[0])
		report_xml_attr(&ju->x, "timestamp", ju->generated);
	report_xml_start(&ju->x, "properties");
	property(ju, "target", ju->rep->target);
	property(ju, "kind", ju->rep->kind);
	if (!strcmp(g, "os") && os) {
		property(ju, "os", os->id);
		property(ju, "osVersion", os->version_id);
	}
	if (ju->rep->img)
		property(ju, "manifestDigest", cs_image_manifest_digest(ju->rep->img));
	property(ju, "databaseBuilt", ju->rep->db_built);
	report_xml_end(&ju->x);
	for (size_t i = a; i < b && ju->x.r >= 0; i++)
		testcase(ju, ju->shown[i]);
	for (size_t i = sa; i < sb && ju->x.r >= 0; i++)
		testcase(ju, ju->suppressed[i]);
	report_xml_end(&ju->x);
}

static void issue_testcase(struct junit *ju, const struct cs_issue *x)
{
	_cleanup_free_ char *loc = report_issue_location(x), *msg = NULL;
	struct cs_buf body = CS_BUF_INIT(TEXT_MAX);
	/* the file; a Dockerfile's issue without one is in the Dockerfile linted */
	const char *classname = x->path && x->path[0] ? x->path
				: x->kind != CS_ISSUE_DOCKERFILE && x->where && x->where[0]
					? x->where
					: ju->rep->target;
	int r;

	if (!loc) {
		ju->x.r = -ENOMEM;
		return;
	}
	report_xml_start(&ju->x, "testcase");
	report_xml_attr(&ju->x, "classname", or_dash(classname));
	report_xml_attr(&ju->x, "name", or_dash(x->rule_id));
	report_xml_attr(&ju->x, "time", "0");
	if (x->suppressed_by) {
		suppressed(ju, x->suppressed_by, x->justification);
		return;
	}
	msg = cs_asprintf("%s: %s at %s%s%s", cs_severity_name(x->severity), or_dash(x->rule_id),
			  loc, x->title && x->title[0] ? ": " : "", x->title ? x->title : "");
	r = msg ? 0 : -ENOMEM;
	r = r < 0 ? r
		  : cs_buf_printf(&body, "Kind: %s\nRule: %s\nSeverity: %s\nLocation: %s\n",
				  cs_issue_kind_name(x->kind), or_dash(x->rule_id),
				  cs_severity_name(x->severity), loc);
	if (r >= 0 && x->layer >= 0)
		r = cs_buf_printf(&body, "Layer: %d%s\n", x->layer,
				  x->deleted ? " (deleted by a later layer)" : "");
	if (r >= 0 && x->title)
		r = cs_buf_printf(&body, "Title: %s\n", x->title);
	if (r >= 0 && x->excerpt)
		r = cs_buf_printf(&body, "Evidence: %s\n", x->excerpt);
	if (r >= 0 && x->message)
		r = cs_buf_printf(&body, "Message: %s\n", x->message);
	if (r >= 0 && x->remediation)
		r = cs_buf_printf(&body, "Remediation: %s\n", x->remediation);
	if (r >= 0 && x->url)
		r = cs_buf_printf(&body, "Link: %s\n", x->url);
	failure(ju, r, msg, x->severity, &body);
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

static void issue_testsuite(struct junit *ju, enum cs_issue_kind k)
{
	const struct cs_issues *is = report_issues(ju->rep);
	size_t a, b, sa, sb;

	b = kind_range(ju->ishown, is->n, k, &a);
	sb = kind_range(ju->isuppressed, is->n_suppressed, k, &sa);
	if (a == b && sa == sb)
		return;
	report_xml_start(&ju->x, "testsuite");
	report_xml_attr(&ju->x, "name", report_issue_kind_title(k));
	counts_attrs(ju, b - a, sb - sa);
	if (ju->generated[0])
		report_xml_attr(&ju->x, "timestamp", ju->generated);
	report_xml_start(&ju->x, "properties");
	property(ju, "target", ju->rep->target);
	property(ju, "kind", ju->rep->kind);
	property(ju, "issueKind", cs_issue_kind_name(k));
	if (ju->rep->img)
		property(ju, "manifestDigest", cs_image_manifest_digest(ju->rep->img));
	report_xml_end(&ju->x);
	for (size_t i = a; i < b && ju->x.r >= 0; i++)
		issue_testcase(ju, ju->ishown[i]);
	for (size_t i = sa; i < sb && ju->x.r >= 0; i++)
		issue_testcase(ju, ju->isuppressed[i]);
	report_xml_end(&ju->x);
}

int cs_report_junit(const struct cs_scan_report *rep, FILE *f, struct cs_error *err)
{
	const struct cs_findings *fs = report_findings(rep);
	const struct cs_issues *is = report_issues(rep);
	struct junit ju = { .rep = rep };
	const char *groups[REPORT_GROUP_MAX];
	size_t ng = report_groups(rep, groups);
	char now[32];
	int r;

	snprintf(ju.generated, sizeof(ju.generated), "%.19s",
		 report_generated(rep, now, sizeof(now)));
	r = report_sorted(fs->v, fs->n, &ju.shown);
	if (r >= 0)
		r = report_sorted(fs->suppressed, fs->n_suppressed, &ju.suppressed);
	if (r >= 0)
		r = report_issues_sorted(is->v, is->n, &ju.ishown);
	if (r >= 0)
		r = report_issues_sorted(is->suppressed, is->n_suppressed, &ju.isuppressed);
	if (r < 0)
		goto out;
	r = report_xml_begin(&ju.x, f);
	if (r < 0)
		goto out;
	report_xml_start(&ju.x, "testsuites");
	report_xml_attr(&ju.x, "name", "customs");
	counts_attrs(&ju, fs->n + is->n, fs->n_suppressed + is->n_suppressed);
	for (size_t i = 0; i < ng && ju.x.r >= 0; i++)
		testsuite(&ju, groups[i]);
	for (int k = 0; k < _CS_ISSUE_KIND_MAX && ju.x.r >= 0; k++)
		issue_testsuite(&ju, (enum cs_issue_kind)k);
	report_xml_end(&ju.x);
	r = report_xml_finish(&ju.x, f);
out:
	free(ju.shown);
	free(ju.suppressed);
	free(ju.ishown);
	free(ju.isuppressed);
	return r < 0 ? cs_error_errno(err, r, "cannot write the JUnit report") : 0;
}
