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
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "report/internal.h"

#define TEXT_MAX (1u << 24)

struct junit {
	xmlTextWriterPtr w;
	int r; /* first error, sticky */
	const struct cs_scan_report *rep;
	const struct cs_finding **shown, **suppressed; /* in table order */
	const struct cs_issue **ishown, **isuppressed; /* in table order */
	char generated[32];			       /* without the zone, as JUnit has it */
};

static void check(struct junit *ju, int rc)
{
	if (rc < 0 && ju->r >= 0)
		ju->r = -EIO;
}

static void start(struct junit *ju, const char *name)
{
	if (ju->r >= 0)
		check(ju, xmlTextWriterStartElement(ju->w, BAD_CAST name));
}

static void end(struct junit *ju)
{
	if (ju->r >= 0)
		check(ju, xmlTextWriterEndElement(ju->w));
}

/* an attribute from any string: cleaned, then escaped by libxml2 */
static void attr(struct junit *ju, const char *name, const char *value)
{
	_cleanup_free_ char *v = NULL;

	if (ju->r < 0)
		return;
	v = report_clean(value);
	if (!v) {
		ju->r = -ENOMEM;
		return;
	}
	check(ju, xmlTextWriterWriteAttribute(ju->w, BAD_CAST name, BAD_CAST v));
}

static void attr_uint(struct junit *ju, const char *name, size_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%zu", v);
	attr(ju, name, b);
}

static void text(struct junit *ju, const char *s)
{
	_cleanup_free_ char *v = NULL;

	if (ju->r < 0)
		return;
	v = report_clean(s);
	if (!v) {
		ju->r = -ENOMEM;
		return;
	}
	check(ju, xmlTextWriterWriteString(ju->w, BAD_CAST v));
}

static void property(struct junit *ju, const char *name, const char *value)
{
	if (!value || !value[0])
		return;
	start(ju, "property");
	attr(ju, "name", name);
	attr(ju, "value", value);
	end(ju);
}

static void counts_attrs(struct junit *ju, size_t failures, size_t skipped)
{
	attr_uint(ju, "tests", failures + skipped);
	attr_uint(ju, "failures", failures);
	attr_uint(ju, "errors", 0);
	attr_uint(ju, "skipped", skipped);
	attr(ju, "time", "0");
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
		ju->r = r;
	} else {
		start(ju, "failure");
		attr(ju, "message", msg);
		attr(ju, "type", cs_severity_name(sev));
		text(ju, body->data);
		end(ju);
		end(ju);
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
		ju->r = -ENOMEM;
		return;
	}
	start(ju, "testcase");
	attr(ju, "classname", classname);
	attr(ju, "name", x->id);
	attr(ju, "time", "0");
	if (x->suppressed_by) {
		start(ju, "skipped");
		attr(ju, "message",
		     x->justification && x->justification[0] ? x->justification : x->suppressed_by);
		text(ju, "suppressed by ");
		text(ju, x->suppressed_by);
		end(ju);
		end(ju);
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
	start(ju, "testsuite");
	attr(ju, "name", report_group_title(g));
	counts_attrs(ju, b - a, sb - sa);
	if (ju->generated[0])
		attr(ju, "timestamp", ju->generated);
	start(ju, "properties");
	property(ju, "target", ju->rep->target);
	property(ju, "kind", ju->rep->kind);
	if (!strcmp(g, "os") && os) {
		property(ju, "os", os->id);
		property(ju, "osVersion", os->version_id);
	}
	if (ju->rep->img)
		property(ju, "manifestDigest", cs_image_manifest_digest(ju->rep->img));
	property(ju, "databaseBuilt", ju->rep->db_built);
	end(ju);
	for (size_t i = a; i < b && ju->r >= 0; i++)
		testcase(ju, ju->shown[i]);
	for (size_t i = sa; i < sb && ju->r >= 0; i++)
		testcase(ju, ju->suppressed[i]);
	end(ju);
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
		ju->r = -ENOMEM;
		return;
	}
	start(ju, "testcase");
	attr(ju, "classname", or_dash(classname));
	attr(ju, "name", or_dash(x->rule_id));
	attr(ju, "time", "0");
	if (x->suppressed_by) {
		start(ju, "skipped");
		attr(ju, "message",
		     x->justification && x->justification[0] ? x->justification : x->suppressed_by);
		text(ju, "suppressed by ");
		text(ju, x->suppressed_by);
		end(ju);
		end(ju);
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
	start(ju, "testsuite");
	attr(ju, "name", report_issue_kind_title(k));
	counts_attrs(ju, b - a, sb - sa);
	if (ju->generated[0])
		attr(ju, "timestamp", ju->generated);
	start(ju, "properties");
	property(ju, "target", ju->rep->target);
	property(ju, "kind", ju->rep->kind);
	property(ju, "issueKind", cs_issue_kind_name(k));
	if (ju->rep->img)
		property(ju, "manifestDigest", cs_image_manifest_digest(ju->rep->img));
	end(ju);
	for (size_t i = a; i < b && ju->r >= 0; i++)
		issue_testcase(ju, ju->ishown[i]);
	for (size_t i = sa; i < sb && ju->r >= 0; i++)
		issue_testcase(ju, ju->isuppressed[i]);
	end(ju);
}

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int cs_report_junit(const struct cs_scan_report *rep, FILE *f, struct cs_error *err)
{
	const struct cs_findings *fs = report_findings(rep);
	const struct cs_issues *is = report_issues(rep);
	xmlGenericErrorFunc old = xmlGenericError;
	void *old_ctx = xmlGenericErrorContext;
	struct junit ju = { .rep = rep };
	const char *groups[REPORT_GROUP_MAX];
	size_t ng = report_groups(rep, groups);
	xmlOutputBufferPtr out;
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
	/* libxml2 would print its own messages: the error is reported once, below */
	xmlSetGenericErrorFunc(NULL, silent);
	out = xmlOutputBufferCreateFile(f, NULL);
	ju.w = out ? xmlNewTextWriter(out) : NULL;
	if (!ju.w) {
		if (out)
			xmlOutputBufferClose(out);
		xmlSetGenericErrorFunc(old_ctx, old);
		r = -ENOMEM;
		goto out;
	}
	check(&ju, xmlTextWriterSetIndent(ju.w, 1));
	check(&ju, xmlTextWriterSetIndentString(ju.w, BAD_CAST "  "));
	check(&ju, xmlTextWriterStartDocument(ju.w, "1.0", "UTF-8", NULL));
	start(&ju, "testsuites");
	attr(&ju, "name", "customs");
	counts_attrs(&ju, fs->n + is->n, fs->n_suppressed + is->n_suppressed);
	for (size_t i = 0; i < ng && ju.r >= 0; i++)
		testsuite(&ju, groups[i]);
	for (int k = 0; k < _CS_ISSUE_KIND_MAX && ju.r >= 0; k++)
		issue_testsuite(&ju, (enum cs_issue_kind)k);
	end(&ju);
	if (ju.r >= 0)
		check(&ju, xmlTextWriterEndDocument(ju.w));
	if (ju.r >= 0)
		check(&ju, xmlTextWriterFlush(ju.w));
	xmlFreeTextWriter(ju.w);
	xmlSetGenericErrorFunc(old_ctx, old);
	r = ju.r;
	if (r >= 0 && (fflush(f) != 0 || ferror(f)))
		r = errno > 0 ? -errno : -EIO;
out:
	free(ju.shown);
	free(ju.suppressed);
	free(ju.ishown);
	free(ju.isuppressed);
	return r < 0 ? cs_error_errno(err, r, "cannot write the JUnit report") : 0;
}
