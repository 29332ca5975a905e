/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SARIF 2.1.0 report, as GitHub code scanning takes it: one run whose
 * driver has one rule per vulnerability id (with a security-severity for
 * the alert's severity) and one result per finding, located at the file
 * that declares the package (the OS package database for OS packages),
 * line 1. Partial fingerprints hash what identifies a finding across scans
 * (id, package type, name and declaring file, not the version), so an alert
 * survives re-scans and upgrades that do not fix it. Suppressed findings
 * are results with an external suppression carrying why.
 *
 * Issues (secrets, malware, configuration, Dockerfile) are rules and
 * results too: one rule per kind and rule id ("KIND/RULE", e.g.
 * "secret/aws-access-token", "dockerfile/DL3007"), after the vulnerability
 * rules; a result per issue at its file and position. An issue without a
 * file (an image setting) is located at the target itself, by its name,
 * with the setting as a logical location: GitHub takes only results with a
 * relative artifact URI.
 *
 * Every string from an image or a feed goes through the JSON writer's
 * escaping; message texts escape SARIF's embedded-link brackets and help
 * markdown escapes markdown, so hostile names cannot make links.
 */
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "basic/json.h"
#include "basic/path.h"
#include "report/internal.h"

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define TEXT_MAX (1u << 24)

struct rule {
	const char *id;
	const struct cs_finding **v; /* the findings of this id (borrowed, into all) */
	size_t n;
	enum cs_severity severity; /* the highest */
	double cvss;		   /* the highest */
	const char *title, *url;
};

struct issue_rule {
	enum cs_issue_kind kind;
	const char *rule_id;
	char *id;		   /* "KIND/RULE" */
	const struct cs_issue **v; /* the issues of this rule (borrowed, into iall) */
	size_t n;
	enum cs_severity severity; /* the highest */
	const char *title, *url, *remediation;
};

struct sarif {
	const struct cs_scan_report *rep;
	const struct cs_finding **all; /* shown then suppressed, sorted by id */
	size_t n_all;
	struct rule *rules;
	size_t n_rules;
	const struct cs_issue **iall; /* shown then suppressed issues, sorted by rule */
	size_t n_iall;
	struct issue_rule *irules; /* ruleIndex n_rules + i */
	size_t n_irules;
};

static const char *level_of(enum cs_severity s)
{
	return s >= CS_SEV_HIGH ? "error" : s == CS_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub's security-severity: the CVSS score when known, else one per severity */
static bool security_severity(enum cs_severity s, double cvss, char *buf, size_t n)
{
	static const double by_severity[] = {
		[CS_SEV_UNKNOWN] = 0,  [CS_SEV_NEGLIGIBLE] = 1.0, [CS_SEV_LOW] = 2.0,
		[CS_SEV_MEDIUM] = 5.5, [CS_SEV_HIGH] = 8.0,	  [CS_SEV_CRITICAL] = 9.5,
	};
	double v = cvss > 0 ? cvss : (unsigned)s < REPORT_SEV_COUNT ? by_severity[s] : 0;

	if (v <= 0)
		return false;
	snprintf(buf, n, "%.1f", v > 10 ? 10.0 : v);
	return true;
}

static int cmp_by_id(const void *pa, const void *pb)
{
	const struct cs_finding *a = *(const struct cs_finding *const *)pa;
	const struct cs_finding *b = *(const struct cs_finding *const *)pb;
	int c = strcmp(a->id, b->id);

	if (c)
		return c;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->pkg->name ? a->pkg->name : "", b->pkg->name ? b->pkg->name : "")))
		return c;
	return a < b ? -1 : a > b;
}

static int build_rules(struct sarif *s)
{
	const struct cs_findings *fs = report_findings(s->rep);
	size_t k = 0;

	s->n_all = fs->n + fs->n_suppressed;
	if (!s->n_all)
		return 0;
	s->all = cs_new0(const struct cs_finding *, s->n_all);
	s->rules = cs_new0(struct rule, s->n_all);
	if (!s->all || !s->rules)
		return -ENOMEM;
	for (size_t i = 0; i < fs->n; i++)
		s->all[k++] = &fs->v[i];
	for (size_t i = 0; i < fs->n_suppressed; i++)
		s->all[k++] = &fs->suppressed[i];
	qsort(s->all, s->n_all, sizeof(*s->all), cmp_by_id);
	for (size_t i = 0; i < s->n_all;) {
		struct rule *r = &s->rules[s->n_rules++];
		size_t j = i;

		r->id = s->all[i]->id;
		r->v = &s->all[i];
		for (; j < s->n_all && !strcmp(s->all[j]->id, r->id); j++) {
			const struct cs_finding *x = s->all[j];

			if (x->severity > r->severity)
				r->severity = x->severity;
			if (report_cvss(x) > r->cvss)
				r->cvss = report_cvss(x);
			if (!r->title && x->title && x->title[0])
				r->title = x->title;
			if (!r->url && report_url_ok(x->url))
				r->url = x->url;
		}
		r->n = j - i;
		i = j;
	}
	return 0;
}

static size_t rule_index(const struct sarif *s, const char *id)
{
	size_t lo = 0, hi = s->n_rules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->rules[mid].id, id);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0; /* not reached: every finding has its rule */
}

static const char *issue_rule_id(const struct cs_issue *x)
{
	return x->rule_id && x->rule_id[0] ? x->rule_id : "unknown";
}

static int cmp_issue_rule(enum cs_issue_kind ka, const char *ra, enum cs_issue_kind kb,
			  const char *rb)
{
	int c = strcmp(cs_issue_kind_name(ka), cs_issue_kind_name(kb));

	return c ? c : strcmp(ra, rb);
}

static int cmp_issue_by_rule(const void *pa, const void *pb)
{
	const struct cs_issue *a = *(const struct cs_issue *const *)pa;
	const struct cs_issue *b = *(const struct cs_issue *const *)pb;
	int c = cmp_issue_rule(a->kind, issue_rule_id(a), b->kind, issue_rule_id(b));

	if (c)
		return c;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int build_issue_rules(struct sarif *s)
{
	const struct cs_issues *is = report_issues(s->rep);
	size_t k = 0;

	s->n_iall = is->n + is->n_suppressed;
	if (!s->n_iall)
		return 0;
	s->iall = cs_new0(const struct cs_issue *, s->n_iall);
	s->irules = cs_new0(struct issue_rule, s->n_iall);
	if (!s->iall || !s->irules)
		return -ENOMEM;
	for (size_t i = 0; i < is->n; i++)
		s->iall[k++] = &is->v[i];
	for (size_t i = 0; i < is->n_suppressed; i++)
		s->iall[k++] = &is->suppressed[i];
	qsort(s->iall, s->n_iall, sizeof(*s->iall), cmp_issue_by_rule);
	for (size_t i = 0; i < s->n_iall;) {
		struct issue_rule *r = &s->irules[s->n_irules++];
		size_t j = i;

		r->kind = s->iall[i]->kind;
		r->rule_id = issue_rule_id(s->iall[i]);
		r->id = cs_asprintf("%s/%s", cs_issue_kind_name(r->kind), r->rule_id);
		if (!r->id)
			return -ENOMEM;
		r->v = &s->iall[i];
		for (; j < s->n_iall && !cmp_issue_rule(s->iall[j]->kind, issue_rule_id(s->iall[j]),
							r->kind, r->rule_id);
		     j++) {
			const struct cs_issue *x = s->iall[j];

			if (x->severity > r->severity)
				r->severity = x->severity;
			if (!r->title && x->title && x->title[0])
				r->title = x->title;
			if (!r->remediation && x->remediation && x->remediation[0])
				r->remediation = x->remediation;
			if (!r->url && report_url_ok(x->url))
				r->url = x->url;
		}
		r->n = j - i;
		i = j;
	}
	return 0;
}

static size_t issue_rule_index(const struct sarif *s, const struct cs_issue *x)
{
	size_t lo = 0, hi = s->n_irules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_issue_rule(s->irules[mid].kind, s->irules[mid].rule_id, x->kind,
				       issue_rule_id(x));

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0; /* not reached: every issue has its rule */
}

/*
 * markdown inline text (never at the start of a line): every character that
 * could start emphasis, code, a link, an autolink, HTML or an entity, or end
 * a table cell, is escaped; line breaks become spaces
 */
static int md_escape(struct cs_buf *b, const char *s)
{
	int r = 0;

	for (; s && *s && r >= 0; s++) {
		if (*s == '\n' || *s == '\r')
			r = cs_buf_putc(b, ' ');
		else if (strchr("\\`*_{}[]()<>#!|~&", *s))
			r = cs_buf_printf(b, "\\%c", *s);
		else
			r = cs_buf_putc(b, *s);
	}
	return r;
}

/* plain text of a SARIF message: '[' and ']' would start embedded links */
static int msg_escape(struct cs_buf *b, const char *s)
{
	int r = 0;

	for (; s && *s && r >= 0; s++)
		r = strchr("\\[]", *s) ? cs_buf_printf(b, "\\%c", *s) : cs_buf_putc(b, *s);
	return r;
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static int rule_help(const struct rule *rl, struct cs_buf *text, struct cs_buf *md)
{
	int r;

	r = cs_buf_printf(text, "Vulnerability %s\nSeverity: %s\n", rl->id,
			  cs_severity_name(rl->severity));
	if (r >= 0 && rl->title)
		r = cs_buf_printf(text, "Title: %s\n", rl->title);
	r = r < 0 ? r : cs_buf_puts(md, "**Vulnerability ");
	r = r < 0 ? r : md_escape(md, rl->id);
	r = r < 0 ? r : cs_buf_printf(md, "** (severity %s)", cs_severity_name(rl->severity));
	if (r >= 0 && rl->title) {
		r = cs_buf_puts(md, ": ");
		r = r < 0 ? r : md_escape(md, rl->title);
	}
	r = r < 0 ? r : cs_buf_puts(md, "\n\n");
	r = r < 0 ? r
		  : cs_buf_puts(md, "| Severity | Package | Installed | Fixed | Status |\n"
				    "| --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < rl->n && r >= 0; i++) {
		const struct cs_finding *x = rl->v[i];
		const char *cells[] = { cs_severity_name(x->severity), x->pkg->name, x->installed,
					x->fixed, cs_fix_state_name(x->fix_state) };

		r = cs_buf_printf(text, "Package: %s %s, fixed: %s (%s)\n", or_dash(x->pkg->name),
				  or_dash(x->installed), or_dash(x->fixed),
				  cs_fix_state_name(x->fix_state));
		for (size_t c = 0; c < CS_ARRAY_SIZE(cells) && r >= 0; c++) {
			r = cs_buf_puts(md, "| ");
			r = r < 0 ? r : md_escape(md, or_dash(cells[c]));
			r = r < 0 ? r : cs_buf_puts(md, " ");
		}
		r = r < 0 ? r : cs_buf_puts(md, "|\n");
	}
	if (r >= 0 && rl->url) {
		r = cs_buf_printf(text, "Link: %s\n", rl->url);
		/* report_url_ok excludes white space, quotes and angle brackets */
		r = r < 0 ? r : cs_buf_printf(md, "\n<%s>\n", rl->url);
	}
	return r;
}

/* One reportingDescriptor: the same shape for vulnerabilities and issues. */
static void rule_object(struct cs_json *j, const char *id, const char *name, const char *desc,
			const char *url, const struct cs_buf *text, const struct cs_buf *md,
			enum cs_severity severity, double cvss, const char *tag)
{
	char sev[16];

	cs_json_begin_object(j);
	cs_json_kv_string(j, "id", id);
	if (name)
		cs_json_kv_string(j, "name", name);
	cs_json_key(j, "shortDescription");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "text", desc);
	cs_json_end_object(j);
	cs_json_key(j, "fullDescription");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "text", desc);
	cs_json_end_object(j);
	if (url)
		cs_json_kv_string(j, "helpUri", url);
	cs_json_key(j, "help");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "text", text->data);
	cs_json_kv_string(j, "markdown", md->data);
	cs_json_end_object(j);
	cs_json_key(j, "defaultConfiguration");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "level", level_of(severity));
	cs_json_end_object(j);
	cs_json_key(j, "properties");
	cs_json_begin_object(j);
	if (security_severity(severity, cvss, sev, sizeof(sev)))
		cs_json_kv_string(j, "security-severity", sev);
	cs_json_key(j, "tags");
	cs_json_begin_array(j);
	cs_json_string(j, tag);
	cs_json_string(j, "security");
	cs_json_string(j, cs_severity_name(severity));
	cs_json_end_array(j);
	cs_json_end_object(j);
	cs_json_end_object(j);
}

static int write_rule(struct cs_json *j, const struct rule *rl)
{
	struct cs_buf text = CS_BUF_INIT(TEXT_MAX), md = CS_BUF_INIT(TEXT_MAX);
	_cleanup_free_ char *short_desc = NULL;
	int r;

	/* the source package names the software once for all its binary packages */
	short_desc = rl->title
			     ? cs_strdup(rl->title)
			     : cs_asprintf("%s in %s", rl->id,
					   or_dash(rl->v[0]->matched_name ?: rl->v[0]->pkg->name));
	if (!short_desc)
		return -ENOMEM;
	r = rule_help(rl, &text, &md);
	if (r < 0)
		goto out;
	rule_object(j, rl->id, NULL, short_desc, rl->url, &text, &md, rl->severity, rl->cvss,
		    "vulnerability");
out:
	cs_buf_done(&text);
	cs_buf_done(&md);
	return r;
}

/*
 * A relative URI reference for a path inside the image: everything but
 * unreserved characters, '/' and a few harmless sub-delimiters is
 * percent-encoded (a ':' in the first segment would read as a scheme).
 */
static char *path_uri(const char *path)
{
	struct cs_buf b = CS_BUF_INIT(TEXT_MAX);
	int r = cs_buf_append(&b, "", 0);

	for (const unsigned char *p = (const unsigned char *)path; *p && r >= 0; p++) {
		bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || strchr("-._~/+@,=", *p);

		r = keep ? cs_buf_putc(&b, (char)*p) : cs_buf_printf(&b, "%%%02X", *p);
	}
	if (r < 0) {
		cs_buf_done(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

/* what identifies a finding from one scan to the next */
static int fingerprint(const struct cs_finding *x, char out[CS_DIGEST_STR_MAX])
{
	struct cs_buf b = CS_BUF_INIT(TEXT_MAX);
	const char *parts[] = { "customs/v1",	   x->id,	 cs_pkg_type_name(x->pkg->type),
				x->pkg->namespace, x->pkg->name, x->pkg->path };
	int r = 0;

	for (size_t i = 0; i < CS_ARRAY_SIZE(parts) && r >= 0; i++)
		r = cs_buf_append(&b, parts[i] ? parts[i] : "",
				  parts[i] ? strlen(parts[i]) + 1 : 1);
	if (r >= 0)
		r = cs_sha256_digest(b.data, b.len, out);
	cs_buf_done(&b);
	return r;
}

static int write_result(struct cs_json *j, const struct sarif *s, const struct cs_finding *x)
{
	struct cs_buf msg = CS_BUF_INIT(TEXT_MAX);
	_cleanup_free_ char *uri = NULL;
	const char *where = x->pkg->path;
	char fp[CS_DIGEST_STR_MAX];
	int r;

	/* a package without a declaring file (from an SBOM): the SBOM file, by its name */
	if (!where || !where[0])
		where = s->rep->target ? cs_path_basename(s->rep->target) : NULL;
	while (where && *where == '/')
		where++;
	uri = path_uri(where && where[0] ? where : "unknown");
	if (!uri)
		return -ENOMEM;
	r = fingerprint(x, fp);
	r = r < 0 ? r : cs_buf_puts(&msg, "Package ");
	r = r < 0 ? r : msg_escape(&msg, or_dash(x->pkg->name));
	r = r < 0 ? r : cs_buf_puts(&msg, " ");
	r = r < 0 ? r : msg_escape(&msg, or_dash(x->installed));
	r = r < 0 ? r : cs_buf_puts(&msg, " is affected by ");
	r = r < 0 ? r : msg_escape(&msg, x->id);
	r = r < 0 ? r
		  : cs_buf_printf(&msg,
				  " (severity %s). Fixed version: ", cs_severity_name(x->severity));
	r = r < 0 ? r : msg_escape(&msg, x->fixed ? x->fixed : "none");
	r = r < 0 ? r : cs_buf_printf(&msg, " (%s).", cs_fix_state_name(x->fix_state));
	if (r >= 0 && x->title) {
		r = cs_buf_puts(&msg, " ");
		r = r < 0 ? r : msg_escape(&msg, x->title);
	}
	if (r < 0) {
		cs_buf_done(&msg);
		return r;
	}
	r = report_sarif_result_begin(j, &(struct report_sarif_result){
						 .rule_id = x->id,
						 .rule_index = rule_index(s, x->id),
						 .level = level_of(x->severity),
						 .message = msg.data,
						 .uri = uri,
						 .fp_key = "customsFindingHash/v1",
						 .fp = cs_digest_hex(fp),
						 .suppressed_by = x->suppressed_by,
						 .justification = x->justification,
					 });
	if (r < 0) {
		cs_buf_done(&msg);
		return r;
	}
	cs_json_key(j, "properties");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "packageName", x->pkg->name);
	cs_json_kv_string(j, "packageType", cs_pkg_type_name(x->pkg->type));
	if (x->pkg->purl)
		cs_json_kv_string(j, "purl", x->pkg->purl);
	if (x->installed)
		cs_json_kv_string(j, "installedVersion", x->installed);
	if (x->fixed)
		cs_json_kv_string(j, "fixedVersion", x->fixed);
	cs_json_kv_string(j, "fixState", cs_fix_state_name(x->fix_state));
	cs_json_kv_string(j, "severity", cs_severity_name(x->severity));
	if (x->namespace)
		cs_json_kv_string(j, "namespace", x->namespace);
	cs_json_kv_uint(j, "layer", x->pkg->introduced);
	if (x->kev)
		cs_json_kv_bool(j, "kev", true);
	cs_json_end_object(j);
	cs_json_end_object(j);
	cs_buf_done(&msg);
	return 0;
}

static int issue_rule_help(const struct issue_rule *rl, struct cs_buf *text, struct cs_buf *md)
{
	const char *kind = report_issue_kind_title(rl->kind);
	int r;

	r = cs_buf_printf(text, "%s rule %s\nSeverity: %s\n", kind, rl->rule_id,
			  cs_severity_name(rl->severity));
	if (r >= 0 && rl->title)
		r = cs_buf_printf(text, "Title: %s\n", rl->title);
	if (r >= 0 && rl->remediation)
		r = cs_buf_printf(text, "Remediation: %s\n", rl->remediation);
	r = r < 0 ? r : cs_buf_printf(md, "**%s rule ", kind);
	r = r < 0 ? r : md_escape(md, rl->rule_id);
	r = r < 0 ? r : cs_buf_printf(md, "** (severity %s)", cs_severity_name(rl->severity));
	if (r >= 0 && rl->title) {
		r = cs_buf_puts(md, ": ");
		r = r < 0 ? r : md_escape(md, rl->title);
	}
	r = r < 0 ? r : cs_buf_puts(md, "\n");
	if (r >= 0 && rl->remediation) {
		r = cs_buf_puts(md, "\nRemediation: ");
		r = r < 0 ? r : md_escape(md, rl->remediation);
		r = r < 0 ? r : cs_buf_puts(md, "\n");
	}
	if (r >= 0 && rl->url) {
		r = cs_buf_printf(text, "Link: %s\n", rl->url);
		r = r < 0 ? r : cs_buf_printf(md, "\n<%s>\n", rl->url);
	}
	return r;
}

static int write_issue_rule(struct cs_json *j, const struct issue_rule *rl)
{
	struct cs_buf text = CS_BUF_INIT(TEXT_MAX), md = CS_BUF_INIT(TEXT_MAX);
	_cleanup_free_ char *short_desc = NULL;
	int r;

	short_desc = rl->title ? cs_strdup(rl->title)
			       : cs_asprintf("%s rule %s", report_issue_kind_title(rl->kind),
					     rl->rule_id);
	if (!short_desc)
		return -ENOMEM;
	r = issue_rule_help(rl, &text, &md);
	if (r < 0)
		goto out;
	rule_object(j, rl->id, rl->rule_id, short_desc, rl->url, &text, &md, rl->severity, 0,
		    cs_issue_kind_name(rl->kind));
out:
	cs_buf_done(&text);
	cs_buf_done(&md);
	return r;
}

/* what identifies an issue from one scan to the next: not its line, which edits move */
static int issue_fingerprint(const struct cs_issue *x, char out[CS_DIGEST_STR_MAX])
{
	struct cs_buf b = CS_BUF_INIT(TEXT_MAX);
	const char *parts[] = { "customs-issue/v1", cs_issue_kind_name(x->kind),
				issue_rule_id(x),   x->path,
				x->where,	    x->excerpt };
	int r = 0;

	for (size_t i = 0; i < CS_ARRAY_SIZE(parts) && r >= 0; i++)
		r = cs_buf_append(&b, parts[i] ? parts[i] : "",
				  parts[i] ? strlen(parts[i]) + 1 : 1);
	if (r >= 0)
		r = cs_sha256_digest(b.data, b.len, out);
	cs_buf_done(&b);
	return r;
}

/*
 * The artifact of an issue: its file (an image path, or a file on disk as
 * given: a relative path stays relative, leading "/" and "./" go), else the
 * target itself by its name.
 */
static char *issue_uri(const struct sarif *s, const struct cs_issue *x)
{
	const char *where = x->path && x->path[0] ? x->path : s->rep->target;

	for (;;) {
		if (where && where[0] == '/')
			where++;
		else if (where && where[0] == '.' && where[1] == '/')
			where += 2;
		else
			break;
	}
	return path_uri(where && where[0] ? where : "unknown");
}

static int issue_message(struct cs_buf *msg, const struct cs_issue *x)
{
	int r;

	r = msg_escape(msg, x->title && x->title[0] ? x->title : issue_rule_id(x));
	r = r < 0 ? r
		  : cs_buf_printf(msg, " (%s %s, severity %s).", cs_issue_kind_name(x->kind),
				  issue_rule_id(x), cs_severity_name(x->severity));
	if (r >= 0 && x->message && x->message[0]) {
		r = cs_buf_puts(msg, " ");
		r = r < 0 ? r : msg_escape(msg, x->message);
	}
	if (r >= 0 && x->where && x->where[0]) {
		r = cs_buf_puts(msg, " At ");
		r = r < 0 ? r : msg_escape(msg, x->where);
		r = r < 0 ? r : cs_buf_puts(msg, ".");
	}
	if (r >= 0 && x->excerpt && x->excerpt[0]) {
		r = cs_buf_puts(msg, " Evidence: ");
		r = r < 0 ? r : msg_escape(msg, x->excerpt);
	}
	if (r >= 0 && x->layer >= 0)
		r = cs_buf_printf(msg, " (layer %d%s)", x->layer,
				  x->deleted ? ", deleted by a later layer" : "");
	if (r >= 0 && x->remediation && x->remediation[0]) {
		r = cs_buf_puts(msg, " Remediation: ");
		r = r < 0 ? r : msg_escape(msg, x->remediation);
	}
	return r;
}

static void write_region(struct cs_json *j, const struct report_sarif_result *r)
{
	cs_json_key(j, "region");
	cs_json_begin_object(j);
	/* GitHub wants a line: a whole file or a setting is shown at its first */
	cs_json_kv_uint(j, "startLine", r->line ? r->line : 1);
	if (r->line) {
		if (r->column)
			cs_json_kv_uint(j, "startColumn", r->column);
		if (r->end_line >= r->line)
			cs_json_kv_uint(j, "endLine", r->end_line);
		if (r->end_column && (r->end_line >= r->line || !r->end_line))
			cs_json_kv_uint(j, "endColumn", r->end_column);
	}
	cs_json_end_object(j);
}

int report_sarif_result_begin(struct cs_json *j, const struct report_sarif_result *r)
{
	_cleanup_free_ char *why = NULL;

	if (r->suppressed_by &&
	    !(why = cs_asprintf("%s%s%s", r->suppressed_by, r->justification ? ": " : "",
				r->justification ? r->justification : "")))
		return -ENOMEM;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "ruleId", r->rule_id);
	cs_json_kv_uint(j, "ruleIndex", r->rule_index);
	cs_json_kv_string(j, "kind", "fail");
	cs_json_kv_string(j, "level", r->level);
	cs_json_key(j, "message");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "text", r->message);
	cs_json_end_object(j);
	cs_json_key(j, "locations");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	cs_json_key(j, "physicalLocation");
	cs_json_begin_object(j);
	cs_json_key(j, "artifactLocation");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "uri", r->uri);
	cs_json_end_object(j);
	write_region(j, r);
	cs_json_end_object(j);
	if (r->logical_name && r->logical_name[0]) {
		cs_json_key(j, "logicalLocations");
		cs_json_begin_array(j);
		cs_json_begin_object(j);
		cs_json_kv_string(j, "fullyQualifiedName", r->logical_name);
		cs_json_kv_string(j, "kind", r->logical_kind);
		cs_json_end_object(j);
		cs_json_end_array(j);
	}
	cs_json_end_object(j);
	cs_json_end_array(j);
	cs_json_key(j, "partialFingerprints");
	cs_json_begin_object(j);
	cs_json_kv_string(j, r->fp_key, r->fp);
	cs_json_end_object(j);
	if (why) {
		cs_json_key(j, "suppressions");
		cs_json_begin_array(j);
		cs_json_begin_object(j);
		cs_json_kv_string(j, "kind", "external");
		cs_json_kv_string(j, "status", "accepted");
		cs_json_kv_string(j, "justification", why);
		cs_json_end_object(j);
		cs_json_end_array(j);
	}
	return 0;
}

static int write_issue_result(struct cs_json *j, const struct sarif *s, const struct cs_issue *x)
{
	struct cs_buf msg = CS_BUF_INIT(TEXT_MAX);
	_cleanup_free_ char *uri = issue_uri(s, x);
	size_t k = issue_rule_index(s, x);
	char fp[CS_DIGEST_STR_MAX];
	int r;

	if (!uri)
		return -ENOMEM;
	r = issue_fingerprint(x, fp);
	r = r < 0 ? r : issue_message(&msg, x);
	r = r < 0 ? r
		  : report_sarif_result_begin(j, &(struct report_sarif_result){
							 .rule_id = s->irules[k].id,
							 .rule_index = s->n_rules + k,
							 .level = level_of(x->severity),
							 .message = msg.data,
							 .uri = uri,
							 .line = x->line,
							 .column = x->column,
							 .end_line = x->end_line,
							 .end_column = x->end_column,
							 .logical_name = x->where,
							 .logical_kind = "property",
							 .fp_key = "customsIssueHash/v1",
							 .fp = cs_digest_hex(fp),
							 .suppressed_by = x->suppressed_by,
							 .justification = x->justification,
						 });
	if (r < 0) {
		cs_buf_done(&msg);
		return r;
	}
	cs_json_key(j, "properties");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "issueKind", cs_issue_kind_name(x->kind));
	cs_json_kv_string(j, "severity", cs_severity_name(x->severity));
	if (x->path)
		cs_json_kv_string(j, "path", x->path);
	if (x->where)
		cs_json_kv_string(j, "where", x->where);
	if (x->excerpt)
		cs_json_kv_string(j, "excerpt", x->excerpt);
	if (x->layer >= 0)
		cs_json_kv_int(j, "layer", x->layer);
	if (x->deleted)
		cs_json_kv_bool(j, "deleted", true);
	cs_json_end_object(j);
	cs_json_end_object(j);
	cs_buf_done(&msg);
	return 0;
}

static void write_run_properties(struct cs_json *j, const struct cs_scan_report *rep)
{
	const struct cs_os_release *os = report_os(rep);

	cs_json_key(j, "properties");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", CS_SCAN_SCHEMA);
	cs_json_kv_string(j, "targetKind", rep->kind);
	cs_json_kv_string(j, "target", rep->target);
	if (rep->img && cs_image_manifest_digest(rep->img))
		cs_json_kv_string(j, "manifestDigest", cs_image_manifest_digest(rep->img));
	if (rep->img && cs_image_config_digest(rep->img))
		cs_json_kv_string(j, "configDigest", cs_image_config_digest(rep->img));
	if (os && os->id)
		cs_json_kv_string(j, "os", os->id);
	if (os && os->version_id)
		cs_json_kv_string(j, "osVersion", os->version_id);
	if (rep->db_built)
		cs_json_kv_string(j, "databaseBuilt", rep->db_built);
	cs_json_end_object(j);
}

int cs_report_sarif(const struct cs_scan_report *rep, FILE *f, struct cs_error *err)
{
	const struct cs_findings *fs = report_findings(rep);
	const struct cs_issues *is = report_issues(rep);
	struct sarif s = { .rep = rep };
	struct cs_json *j = NULL;
	char now[32];
	int r;

	r = build_rules(&s);
	if (r >= 0)
		r = build_issue_rules(&s);
	if (r >= 0)
		r = cs_json_new_file(f, CS_JSON_PRETTY, &j);
	if (r < 0)
		goto out;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "version", "2.1.0");
	cs_json_kv_string(j, "$schema", SARIF_SCHEMA);
	cs_json_key(j, "runs");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	cs_json_key(j, "tool");
	cs_json_begin_object(j);
	cs_json_key(j, "driver");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", "customs");
	cs_json_kv_string(j, "version", CUSTOMS_VERSION);
	cs_json_kv_string(j, "semanticVersion", CUSTOMS_VERSION);
	cs_json_key(j, "rules");
	cs_json_begin_array(j);
	for (size_t i = 0; i < s.n_rules && r >= 0; i++)
		r = write_rule(j, &s.rules[i]);
	for (size_t i = 0; i < s.n_irules && r >= 0; i++)
		r = write_issue_rule(j, &s.irules[i]);
	cs_json_end_array(j);
	cs_json_end_object(j);
	cs_json_end_object(j);
	cs_json_key(j, "invocations");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	cs_json_kv_bool(j, "executionSuccessful", true);
	cs_json_kv_string(j, "endTimeUtc", report_generated(rep, now, sizeof(now)));
	cs_json_end_object(j);
	cs_json_end_array(j);
	cs_json_key(j, "results");
	cs_json_begin_array(j);
	for (size_t i = 0; i < fs->n && r >= 0; i++)
		r = write_result(j, &s, &fs->v[i]);
	for (size_t i = 0; i < fs->n_suppressed && r >= 0; i++)
		r = write_result(j, &s, &fs->suppressed[i]);
	for (size_t i = 0; i < is->n && r >= 0; i++)
		r = write_issue_result(j, &s, &is->v[i]);
	for (size_t i = 0; i < is->n_suppressed && r >= 0; i++)
		r = write_issue_result(j, &s, &is->suppressed[i]);
	cs_json_end_array(j);
	cs_json_kv_string(j, "columnKind", "utf16CodeUnits");
	write_run_properties(j, rep);
	cs_json_end_object(j);
	cs_json_end_array(j);
	cs_json_end_object(j);
	if (r >= 0)
		r = cs_json_finish(j);
out:
	cs_json_free(j);
	free(s.all);
	free(s.rules);
	for (size_t i = 0; i < s.n_irules; i++)
		free(s.irules[i].id);
	free(s.iall);
	free(s.irules);
	return r < 0 ? cs_error_errno(err, r, "cannot write the SARIF report") : 0;
}

/* The pieces report/audit.c shares (report/internal.h) */
const char *report_sarif_level(enum cs_severity s)
{
	return level_of(s);
}

void report_sarif_rule(struct cs_json *j, const char *id, const char *name, const char *desc,
		       const char *url, const struct cs_buf *text, const struct cs_buf *md,
		       enum cs_severity severity, const char *tag)
{
	rule_object(j, id, name, desc, url, text, md, severity, 0, tag);
}

int report_md_escape(struct cs_buf *b, const char *s)
{
	return md_escape(b, s);
}

int report_sarif_msg_escape(struct cs_buf *b, const char *s)
{
	return msg_escape(b, s);
}

char *report_path_uri(const char *path)
{
	return path_uri(path);
}
