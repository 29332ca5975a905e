/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Configuration audit reports: the results of one audit (audit/audit.h) as
 * a table for people, versioned JSON for programs (CS_AUDIT_SCHEMA,
 * documented in docs/AUDIT.md), SARIF 2.1.0 for code scanning (one rule per
 * check id, one result per failing or warning result, at its file and line
 * when known) and JUnit XML (one testcase per result, failing for fail).
 *
 * The audit is read, never changed: the caller sorts and filters it first.
 * Every string may come from a hostile manifest; the JSON writer and
 * libxml2 escape, the table sanitises, SARIF messages escape link brackets.
 */
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "audit/audit.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "basic/json.h"
#include "basic/table.h"
#include "report/internal.h"
#include "report/xmlw.h"

#define TEXT_MAX (1u << 24)

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static const char *generated(const struct cs_audit_report_options *o, char *buf, size_t n)
{
	const char *t = o->generated ? o->generated : cs_report_now(buf, n);

	return t ? t : "";
}

/* "PATH:LINE", "PATH" or NULL; new string in *ret */
static int location(const struct cs_check *c, char **ret)
{
	*ret = NULL;
	if (!c->path)
		return 0;
	*ret = c->line ? cs_asprintf("%s:%u", c->path, c->line) : cs_strdup(c->path);
	return *ret ? 0 : -ENOMEM;
}

/* ---- table ---- */

static const char *const status_colour[_CS_CHECK_STATUS_MAX] = {
	[CS_CHECK_PASS] = "\033[32m", [CS_CHECK_FAIL] = "\033[1;31m", [CS_CHECK_WARN] = "\033[33m",
	[CS_CHECK_INFO] = "",	      [CS_CHECK_MANUAL] = "\033[36m", [CS_CHECK_SKIP] = "",
};

static int table_rows(const struct cs_check *v, size_t n, bool suppressed,
		      const struct cs_audit_report_options *o, FILE *f)
{
	static const char *head[] = { "STATUS", "SEVERITY", "CHECK",
				      "TARGET", "EVIDENCE", "LOCATION" };
	static const char *shead[] = { "STATUS", "SEVERITY", "CHECK",
				       "TARGET", "LOCATION", "SUPPRESSED BY" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	int r;

	r = cs_table_new(CS_ARRAY_SIZE(head), suppressed ? shead : head, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct cs_check *c = &v[i];
		_cleanup_free_ char *loc = NULL, *why = NULL;

		if (location(c, &loc) < 0)
			return -ENOMEM;
		if (suppressed) {
			why = cs_asprintf("%s%s%s", or_dash(c->suppressed_by),
					  c->justification ? ": " : "",
					  c->justification ? c->justification : "");
			if (!why)
				return -ENOMEM;
			r = cs_table_add(t, cs_check_status_name(c->status),
					 cs_severity_name(c->severity), c->id, c->target, loc, why);
		} else {
			r = cs_table_add(t, cs_check_status_name(c->status),
					 cs_severity_name(c->severity), c->id, c->target,
					 c->evidence, loc);
		}
		if (r < 0)
			return r;
	}
	return cs_table_print(t, f, o->width);
}

static int audit_table(const struct cs_audit *a, const struct cs_audit_report_options *o, FILE *f)
{
	static const enum cs_check_status order[] = { CS_CHECK_FAIL, CS_CHECK_WARN, CS_CHECK_MANUAL,
						      CS_CHECK_INFO, CS_CHECK_PASS, CS_CHECK_SKIP };
	bool fail_remedy = false;
	int r = 0;

	fprintf(f, "Audit %s: %zu results (", a->kind, a->n);
	for (size_t i = 0; i < CS_ARRAY_SIZE(order); i++) {
		bool c = o->colour && *status_colour[order[i]];

		fprintf(f, "%s%s: %zu%s%s", c ? status_colour[order[i]] : "",
			cs_check_status_name(order[i]), cs_audit_count(a, order[i]),
			c ? "\033[0m" : "", i + 1 < CS_ARRAY_SIZE(order) ? ", " : ")\n");
	}
	if (a->n) {
		fputc('\n', f);
		r = table_rows(a->v, a->n, false, o, f);
	}
	for (size_t i = 0; i < a->n && r >= 0; i++)
		fail_remedy |= a->v[i].status == CS_CHECK_FAIL && a->v[i].remediation;
	if (r >= 0 && fail_remedy) {
		/* one line per failing check id: how to fix it */
		fprintf(f, "\nRemediation:\n");
		for (size_t i = 0; i < a->n; i++) {
			const struct cs_check *c = &a->v[i];
			bool seen = false;
			_cleanup_free_ char *safe = NULL;

			if (c->status != CS_CHECK_FAIL || !c->remediation)
				continue;
			for (size_t k = 0; k < i && !seen; k++)
				seen = a->v[k].status == CS_CHECK_FAIL &&
				       !strcmp(a->v[k].id, c->id);
			if (seen)
				continue;
			safe = cs_term_sanitize(c->remediation);
			fprintf(f, "  %s: %s\n", c->id, safe ? safe : "");
		}
	}
	if (r >= 0 && a->n_suppressed) {
		fprintf(f, "\nSuppressed: %zu\n\n", a->n_suppressed);
		r = table_rows(a->suppressed, a->n_suppressed, true, o, f);
	}
	if (r >= 0 && (fflush(f) != 0 || ferror(f)))
		r = -EIO;
	return r;
}

/* ---- JSON ---- */

static void json_check(struct cs_json *j, const struct cs_check *c)
{
	cs_json_begin_object(j);
	cs_json_kv_string(j, "id", c->id);
	cs_json_kv_string(j, "cis", c->cis);
	cs_json_kv_string(j, "title", c->title);
	cs_json_kv_string(j, "severity", cs_severity_name(c->severity));
	cs_json_kv_string(j, "status", cs_check_status_name(c->status));
	cs_json_kv_string(j, "target", c->target);
	cs_json_kv_string(j, "evidence", c->evidence);
	cs_json_kv_string(j, "path", c->path);
	if (c->line)
		cs_json_kv_uint(j, "line", c->line);
	else
		cs_json_kv_string(j, "line", NULL);
	cs_json_kv_string(j, "remediation", c->remediation);
	cs_json_kv_string(j, "url", c->url);
	if (c->suppressed_by) {
		cs_json_kv_string(j, "suppressedBy", c->suppressed_by);
		cs_json_kv_string(j, "justification", c->justification);
	}
	cs_json_end_object(j);
}

static int audit_json(const struct cs_audit *a, const struct cs_audit_report_options *o, FILE *f)
{
	struct cs_json *j = NULL;
	char now[32];
	int r = cs_json_new_file(f, CS_JSON_PRETTY, &j);

	if (r < 0)
		return r;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", CS_AUDIT_SCHEMA);
	cs_json_key(j, "tool");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", "customs");
	cs_json_kv_string(j, "version", CUSTOMS_VERSION);
	cs_json_end_object(j);
	cs_json_kv_string(j, "generated", generated(o, now, sizeof(now)));
	cs_json_kv_string(j, "kind", a->kind);
	cs_json_key(j, "summary");
	cs_json_begin_object(j);
	for (int s = 0; s < _CS_CHECK_STATUS_MAX; s++)
		cs_json_kv_uint(j, cs_check_status_name((enum cs_check_status)s),
				cs_audit_count(a, (enum cs_check_status)s));
	cs_json_kv_uint(j, "suppressed", a->n_suppressed);
	cs_json_end_object(j);
	cs_json_key(j, "results");
	cs_json_begin_array(j);
	for (size_t i = 0; i < a->n; i++)
		json_check(j, &a->v[i]);
	cs_json_end_array(j);
	cs_json_key(j, "suppressed");
	cs_json_begin_array(j);
	for (size_t i = 0; i < a->n_suppressed; i++)
		json_check(j, &a->suppressed[i]);
	cs_json_end_array(j);
	cs_json_key(j, "warnings");
	cs_json_begin_array(j);
	for (size_t i = 0; i < a->n_warnings; i++)
		cs_json_string(j, a->warnings[i]);
	cs_json_end_array(j);
	cs_json_end_object(j);
	r = cs_json_finish(j);
	cs_json_free(j);
	return r;
}

/* ---- SARIF ---- */

static bool sarif_result(const struct cs_check *c)
{
	return c->status == CS_CHECK_FAIL || c->status == CS_CHECK_WARN;
}

struct audit_rule {
	const struct cs_check *c; /* the first result of this id (title, remediation, url) */
	enum cs_severity severity;
};

static int cmp_rule(const void *pa, const void *pb)
{
	const struct audit_rule *a = pa, *b = pb;

	return strcmp(a->c->id, b->c->id);
}

/* One rule per check id of every result (shown and suppressed), sorted by id. */
static int build_rules(const struct cs_audit *a, struct audit_rule **ret, size_t *ret_n)
{
	struct audit_rule *v;
	size_t n = 0;

	v = calloc(a->n + a->n_suppressed + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < a->n + a->n_suppressed; i++) {
		const struct cs_check *c = i < a->n ? &a->v[i] : &a->suppressed[i - a->n];
		size_t k;

		if (!c->id)
			continue;
		for (k = 0; k < n && strcmp(v[k].c->id, c->id); k++)
			;
		if (k == n)
			v[n++] = (struct audit_rule){ .c = c, .severity = c->severity };
		else if (c->severity > v[k].severity)
			v[k].severity = c->severity;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_rule);
	*ret = v;
	*ret_n = n;
	return 0;
}

static int sarif_rule(struct cs_json *j, const struct audit_rule *rl)
{
	const struct cs_check *c = rl->c;
	struct cs_buf text = CS_BUF_INIT(TEXT_MAX), md = CS_BUF_INIT(TEXT_MAX);
	const char *url = c->url && report_url_ok(c->url) ? c->url : NULL;
	int r;

	r = cs_buf_printf(&text, "%s: %s\nSeverity: %s\n", c->id, or_dash(c->title),
			  cs_severity_name(rl->severity));
	if (r >= 0 && c->cis)
		r = cs_buf_printf(&text, "CIS Docker Benchmark: %s\n", c->cis);
	if (r >= 0 && c->remediation)
		r = cs_buf_printf(&text, "Remediation: %s\n", c->remediation);
	r = r < 0 ? r : cs_buf_puts(&md, "**");
	r = r < 0 ? r : report_md_escape(&md, c->id);
	r = r < 0 ? r : cs_buf_puts(&md, "**: ");
	r = r < 0 ? r : report_md_escape(&md, or_dash(c->title));
	r = r < 0 ? r : cs_buf_printf(&md, " (severity %s)\n", cs_severity_name(rl->severity));
	if (r >= 0 && c->remediation) {
		r = cs_buf_puts(&md, "\nRemediation: ");
		r = r < 0 ? r : report_md_escape(&md, c->remediation);
		r = r < 0 ? r : cs_buf_puts(&md, "\n");
	}
	if (r >= 0 && url) {
		r = cs_buf_printf(&text, "Link: %s\n", url);
		r = r < 0 ? r : cs_buf_printf(&md, "\n<%s>\n", url);
	}
	if (r >= 0)
		report_sarif_rule(j, c->id, NULL, or_dash(c->title), url, &text, &md, rl->severity,
				  "configuration");
	cs_buf_done(&text);
	cs_buf_done(&md);
	return r;
}

static size_t rule_index(const struct audit_rule *v, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].c->id, id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* what identifies a result across runs: check, target and file, not the line */
static int result_fingerprint(const struct cs_check *c, char out[CS_DIGEST_STR_MAX])
{
	_cleanup_free_ char *s =
		cs_asprintf("%s\n%s\n%s", or_dash(c->id), or_dash(c->target), or_dash(c->path));

	if (!s)
		return -ENOMEM;
	return cs_sha256_digest(s, strlen(s), out);
}

/*
 * A relative URI, as GitHub takes only those: the file, else the target
 * itself by its name (a host setting, a running container); leading "/"
 * and "./" go. New string, NULL without memory.
 */
static char *result_uri(const struct cs_check *c, const char *kind)
{
	const char *p = c->path && c->path[0]	    ? c->path
			: c->target && c->target[0] ? c->target
						    : kind;

	while (*p == '/' || (p[0] == '.' && p[1] == '/'))
		p += *p == '/' ? 1 : 2;
	return report_path_uri(*p ? p : "-");
}

static int sarif_check(struct cs_json *j, const struct audit_rule *rules, size_t n_rules,
		       const char *kind, const struct cs_check *c)
{
	struct cs_buf msg = CS_BUF_INIT(TEXT_MAX);
	_cleanup_free_ char *uri = NULL;
	char fp[CS_DIGEST_STR_MAX];
	int r;

	uri = result_uri(c, kind);
	if (!uri)
		return -ENOMEM;
	r = result_fingerprint(c, fp);
	r = r < 0 ? r : report_sarif_msg_escape(&msg, or_dash(c->title));
	if (r >= 0 && c->target) {
		r = cs_buf_puts(&msg, " — ");
		r = r < 0 ? r : report_sarif_msg_escape(&msg, c->target);
	}
	if (r >= 0 && c->evidence) {
		r = cs_buf_puts(&msg, ": ");
		r = r < 0 ? r : report_sarif_msg_escape(&msg, c->evidence);
	}
	if (r >= 0 && c->remediation) {
		r = cs_buf_puts(&msg, ". Remediation: ");
		r = r < 0 ? r : report_sarif_msg_escape(&msg, c->remediation);
	}
	r = r < 0 ? r
		  : report_sarif_result_begin(
			    j, &(struct report_sarif_result){
				       .rule_id = c->id,
				       .rule_index = rule_index(rules, n_rules, c->id),
				       .level = c->status == CS_CHECK_FAIL
							? report_sarif_level(c->severity)
							: "note",
				       .message = msg.data,
				       .uri = uri,
				       .line = c->line,
				       .logical_name = c->target,
				       .logical_kind = "object",
				       .fp_key = "customsAuditHash/v1",
				       .fp = cs_digest_hex(fp),
				       .suppressed_by = c->suppressed_by,
				       .justification = c->justification,
			       });
	if (r < 0) {
		cs_buf_done(&msg);
		return r;
	}
	cs_json_key(j, "properties");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "status", cs_check_status_name(c->status));
	cs_json_kv_string(j, "severity", cs_severity_name(c->severity));
	if (c->cis)
		cs_json_kv_string(j, "cis", c->cis);
	if (c->evidence)
		cs_json_kv_string(j, "evidence", c->evidence);
	cs_json_end_object(j);
	cs_json_end_object(j);
	cs_buf_done(&msg);
	return 0;
}

static int audit_sarif(const struct cs_audit *a, const struct cs_audit_report_options *o, FILE *f)
{
	struct audit_rule *rules = NULL;
	struct cs_json *j = NULL;
	size_t n_rules = 0;
	char now[32];
	int r;

	r = build_rules(a, &rules, &n_rules);
	if (r >= 0)
		r = cs_json_new_file(f, CS_JSON_PRETTY, &j);
	if (r < 0)
		goto out;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "version", "2.1.0");
	cs_json_kv_string(j, "$schema", REPORT_SARIF_SCHEMA);
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
	for (size_t i = 0; i < n_rules && r >= 0; i++)
		r = sarif_rule(j, &rules[i]);
	cs_json_end_array(j);
	cs_json_end_object(j);
	cs_json_end_object(j);
	cs_json_key(j, "invocations");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	cs_json_kv_bool(j, "executionSuccessful", true);
	cs_json_kv_string(j, "endTimeUtc", generated(o, now, sizeof(now)));
	if (a->n_warnings) {
		cs_json_key(j, "toolExecutionNotifications");
		cs_json_begin_array(j);
		for (size_t i = 0; i < a->n_warnings; i++) {
			cs_json_begin_object(j);
			cs_json_key(j, "message");
			cs_json_begin_object(j);
			cs_json_kv_string(j, "text", a->warnings[i]);
			cs_json_end_object(j);
			cs_json_kv_string(j, "level", "warning");
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
	}
	cs_json_end_object(j);
	cs_json_end_array(j);
	cs_json_key(j, "results");
	cs_json_begin_array(j);
	for (size_t i = 0; i < a->n && r >= 0; i++)
		if (sarif_result(&a->v[i]))
			r = sarif_check(j, rules, n_rules, a->kind, &a->v[i]);
	for (size_t i = 0; i < a->n_suppressed && r >= 0; i++)
		if (sarif_result(&a->suppressed[i]))
			r = sarif_check(j, rules, n_rules, a->kind, &a->suppressed[i]);
	cs_json_end_array(j);
	cs_json_key(j, "properties");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", CS_AUDIT_SCHEMA);
	cs_json_kv_string(j, "auditKind", a->kind);
	cs_json_end_object(j);
	cs_json_end_object(j);
	cs_json_end_array(j);
	cs_json_end_object(j);
	if (r >= 0)
		r = cs_json_finish(j);
out:
	cs_json_free(j);
	free(rules);
	return r;
}

/* ---- JUnit ---- */

static void junit_case(struct report_xml *ju, const struct cs_check *c)
{
	_cleanup_free_ char *name = NULL, *loc = NULL, *body = NULL;

	if (ju->r < 0)
		return;
	name = cs_asprintf("%s: %s", or_dash(c->id), or_dash(c->title));
	if (!name || location(c, &loc) < 0) {
		ju->r = -ENOMEM;
		return;
	}
	body = cs_asprintf("status: %s\nseverity: %s\ntarget: %s\nevidence: %s\nlocation: "
			   "%s\nremediation: %s\n",
			   cs_check_status_name(c->status), cs_severity_name(c->severity),
			   or_dash(c->target), or_dash(c->evidence), or_dash(loc),
			   or_dash(c->remediation));
	if (!body) {
		ju->r = -ENOMEM;
		return;
	}
	report_xml_start(ju, "testcase");
	report_xml_attr(ju, "classname", or_dash(c->target));
	report_xml_attr(ju, "name", name);
	if (loc)
		report_xml_attr(ju, "file", c->path);
	if (c->line)
		report_xml_attr_uint(ju, "line", c->line);
	report_xml_attr(ju, "time", "0");
	if (c->suppressed_by) {
		_cleanup_free_ char *why = cs_asprintf("suppressed by %s%s%s", c->suppressed_by,
						       c->justification ? ": " : "",
						       c->justification ? c->justification : "");
		if (!why) {
			ju->r = -ENOMEM;
			return;
		}
		report_xml_start(ju, "skipped");
		report_xml_attr(ju, "message", why);
		report_xml_end(ju);
	} else if (c->status == CS_CHECK_FAIL) {
		report_xml_start(ju, "failure");
		report_xml_attr(ju, "message", or_dash(c->evidence));
		report_xml_attr(ju, "type", cs_severity_name(c->severity));
		report_xml_text(ju, body);
		report_xml_end(ju);
	} else if (c->status == CS_CHECK_SKIP) {
		report_xml_start(ju, "skipped");
		report_xml_attr(ju, "message", or_dash(c->evidence));
		report_xml_end(ju);
	} else {
		report_xml_start(ju, "system-out");
		report_xml_text(ju, body);
		report_xml_end(ju);
	}
	report_xml_end(ju);
}

static int audit_junit(const struct cs_audit *a, const struct cs_audit_report_options *o, FILE *f)
{
	struct report_xml ju = { 0 };
	size_t fails = cs_audit_count(a, CS_CHECK_FAIL);
	size_t skipped = cs_audit_count(a, CS_CHECK_SKIP) + a->n_suppressed;
	size_t tests = a->n + a->n_suppressed;
	_cleanup_free_ char *suite = cs_asprintf("customs audit %s", a->kind);
	char now[32], ts[32];
	int r;

	if (!suite)
		return -ENOMEM;
	snprintf(ts, sizeof(ts), "%.19s", generated(o, now, sizeof(now)));
	r = report_xml_begin(&ju, f);
	if (r < 0)
		return r;
	report_xml_start(&ju, "testsuites");
	report_xml_attr(&ju, "name", "customs");
	report_xml_attr_uint(&ju, "tests", tests);
	report_xml_attr_uint(&ju, "failures", fails);
	report_xml_attr_uint(&ju, "errors", 0);
	report_xml_attr_uint(&ju, "skipped", skipped);
	report_xml_attr(&ju, "time", "0");
	report_xml_start(&ju, "testsuite");
	report_xml_attr(&ju, "name", suite);
	report_xml_attr_uint(&ju, "tests", tests);
	report_xml_attr_uint(&ju, "failures", fails);
	report_xml_attr_uint(&ju, "errors", 0);
	report_xml_attr_uint(&ju, "skipped", skipped);
	report_xml_attr(&ju, "time", "0");
	if (ts[0])
		report_xml_attr(&ju, "timestamp", ts);
	report_xml_start(&ju, "properties");
	report_xml_start(&ju, "property");
	report_xml_attr(&ju, "name", "schema");
	report_xml_attr(&ju, "value", CS_AUDIT_SCHEMA);
	report_xml_end(&ju);
	for (size_t i = 0; i < a->n_warnings; i++) {
		report_xml_start(&ju, "property");
		report_xml_attr(&ju, "name", "warning");
		report_xml_attr(&ju, "value", a->warnings[i]);
		report_xml_end(&ju);
	}
	report_xml_end(&ju);
	for (size_t i = 0; i < a->n; i++)
		junit_case(&ju, &a->v[i]);
	for (size_t i = 0; i < a->n_suppressed; i++)
		junit_case(&ju, &a->suppressed[i]);
	report_xml_end(&ju);
	report_xml_end(&ju);
	r = report_xml_finish(&ju, f);
	return r;
}

int cs_report_audit(enum cs_report_format format, const struct cs_audit *a,
		    const struct cs_audit_report_options *opts, FILE *f, struct cs_error *err)
{
	static const struct cs_audit_report_options defaults = { 0 };
	int r;

	if (!opts)
		opts = &defaults;
	switch (format) {
	case CS_REPORT_TABLE:
		r = audit_table(a, opts, f);
		break;
	case CS_REPORT_JSON:
		r = audit_json(a, opts, f);
		break;
	case CS_REPORT_SARIF:
		r = audit_sarif(a, opts, f);
		break;
	case CS_REPORT_JUNIT:
		r = audit_junit(a, opts, f);
		break;
	default:
		return cs_error_set(err, -ENOTSUP, "the %s report is not available for audits",
				    cs_report_format_name(format) ?: "unknown");
	}
	return r < 0 ? cs_error_errno(err, r, "cannot write the %s audit report",
				      cs_report_format_name(format))
		     : 0;
}
