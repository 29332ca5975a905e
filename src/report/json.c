/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON report, schema customs.scan/v1 (docs/SCAN-JSON.md): the target
 * (with the image's digests and layers), the OS, every finding, the
 * suppressed findings with why, the issues (secrets, malware,
 * configuration, Dockerfile) and the suppressed issues, and the warnings.
 */
#include <time.h>
#include "basic/json.h"
#include "report/internal.h"

static void json_finding(struct cs_json *j, const struct cs_finding *x)
{
	cs_json_begin_object(j);
	cs_json_kv_string(j, "id", x->id);
	cs_json_kv_strv(j, "aliases", x->aliases);
	cs_json_key(j, "package");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", x->pkg->name);
	cs_json_kv_string(j, "type", cs_pkg_type_name(x->pkg->type));
	cs_json_kv_string(j, "version", x->pkg->version);
	cs_json_kv_string(j, "sourceName", x->pkg->source_name);
	cs_json_kv_string(j, "purl", x->pkg->purl);
	cs_json_kv_string(j, "path", x->pkg->path);
	cs_json_kv_uint(j, "layer", x->pkg->introduced);
	cs_json_end_object(j);
	cs_json_kv_string(j, "namespace", x->namespace);
	cs_json_kv_string(j, "matchedName", x->matched_name);
	cs_json_kv_string(j, "installedVersion", x->installed);
	cs_json_kv_string(j, "fixedVersion", x->fixed);
	cs_json_kv_string(j, "fixState", cs_fix_state_name(x->fix_state));
	cs_json_kv_string(j, "severity", cs_severity_name(x->severity));
	cs_json_kv_string(j, "severitySource", x->severity_source);
	cs_json_key(j, "cvss3");
	if (x->cvss3_score > 0) {
		cs_json_begin_object(j);
		cs_json_key(j, "score");
		cs_json_double(j, x->cvss3_score);
		cs_json_kv_string(j, "vector", x->cvss3_vector);
		cs_json_end_object(j);
	} else {
		cs_json_null(j);
	}
	cs_json_key(j, "cvss4");
	if (x->cvss4_score > 0 || x->cvss4_vector) {
		cs_json_begin_object(j);
		cs_json_key(j, "score");
		cs_json_double(j, x->cvss4_score);
		cs_json_kv_string(j, "vector", x->cvss4_vector);
		cs_json_end_object(j);
	} else {
		cs_json_null(j);
	}
	cs_json_kv_bool(j, "kev", x->kev);
	cs_json_kv_string(j, "kevDateAdded", x->kev_date_added);
	cs_json_key(j, "epss");
	if (x->epss >= 0) {
		cs_json_begin_object(j);
		cs_json_key(j, "score");
		cs_json_double(j, x->epss);
		cs_json_key(j, "percentile");
		cs_json_double(j, x->epss_percentile);
		cs_json_end_object(j);
	} else {
		cs_json_null(j);
	}
	cs_json_kv_string(j, "title", x->title);
	cs_json_kv_string(j, "url", x->url);
	cs_json_kv_string(j, "sources", x->sources);
	cs_json_kv_string(j, "note", x->note);
	if (x->suppressed_by) {
		cs_json_kv_string(j, "suppressedBy", x->suppressed_by);
		cs_json_kv_string(j, "justification", x->justification);
	}
	cs_json_end_object(j);
}

/* a position: null when unknown (0) */
static void kv_pos(struct cs_json *j, const char *key, unsigned v)
{
	if (v)
		cs_json_kv_uint(j, key, v);
	else {
		cs_json_key(j, key);
		cs_json_null(j);
	}
}

static void json_issue(struct cs_json *j, const struct cs_issue *x)
{
	cs_json_begin_object(j);
	cs_json_kv_string(j, "kind", cs_issue_kind_name(x->kind));
	cs_json_kv_string(j, "ruleId", x->rule_id);
	cs_json_kv_string(j, "title", x->title);
	cs_json_kv_string(j, "severity", cs_severity_name(x->severity));
	cs_json_kv_string(j, "path", x->path);
	kv_pos(j, "line", x->line);
	kv_pos(j, "column", x->column);
	kv_pos(j, "endLine", x->end_line);
	kv_pos(j, "endColumn", x->end_column);
	if (x->layer >= 0)
		cs_json_kv_int(j, "layer", x->layer);
	else {
		cs_json_key(j, "layer");
		cs_json_null(j);
	}
	cs_json_kv_bool(j, "deleted", x->deleted);
	cs_json_kv_string(j, "where", x->where);
	cs_json_kv_string(j, "excerpt", x->excerpt);
	cs_json_kv_string(j, "message", x->message);
	cs_json_kv_string(j, "remediation", x->remediation);
	cs_json_kv_string(j, "url", x->url);
	if (x->suppressed_by) {
		cs_json_kv_string(j, "suppressedBy", x->suppressed_by);
		cs_json_kv_string(j, "justification", x->justification);
	}
	cs_json_end_object(j);
}

static void json_target(struct cs_json *j, const struct cs_scan_report *rep)
{
	size_t n = rep->img ? cs_image_layer_count(rep->img) : 0;

	cs_json_begin_object(j);
	cs_json_kv_string(j, "kind", rep->kind);
	cs_json_kv_string(j, "name", rep->target);
	if (rep->cat)
		cs_json_kv_uint(j, "packages", cs_catalog_count(rep->cat));
	else {
		cs_json_key(j, "packages");
		cs_json_null(j);
	}
	if (rep->img) {
		cs_json_kv_string(j, "manifestDigest", cs_image_manifest_digest(rep->img));
		cs_json_kv_string(j, "configDigest", cs_image_config_digest(rep->img));
		cs_json_key(j, "layers");
		cs_json_begin_array(j);
		for (size_t i = 0; i < n; i++) {
			const struct cs_layer_info *l = cs_image_layer(rep->img, i);

			cs_json_begin_object(j);
			cs_json_kv_uint(j, "index", i);
			cs_json_kv_string(j, "digest", l->digest);
			cs_json_kv_string(j, "diffId",
					  l->diff_id		 ? l->diff_id
					  : *l->computed_diff_id ? l->computed_diff_id
								 : NULL);
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
	}
	cs_json_end_object(j);
}

/* RFC 3339 UTC time of now */
const char *cs_report_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return buf;
}

int cs_report_json(const struct cs_scan_report *rep, FILE *f, struct cs_error *err)
{
	const struct cs_os_release *os = report_os(rep);
	const struct cs_findings *fs = report_findings(rep);
	const struct cs_issues *is = report_issues(rep);
	struct cs_json *j = NULL;
	char now[32];
	int r = cs_json_new_file(f, CS_JSON_PRETTY, &j);

	if (r < 0)
		return cs_error_errno(err, r, "cannot write JSON");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", CS_SCAN_SCHEMA);
	cs_json_kv_string(j, "generated",
			  rep->generated ? rep->generated : cs_report_now(now, sizeof(now)));
	cs_json_kv_string(j, "databaseBuilt", rep->db_built);
	cs_json_key(j, "target");
	json_target(j, rep);
	cs_json_key(j, "os");
	if (os) {
		cs_json_begin_object(j);
		cs_json_kv_string(j, "id", os->id);
		cs_json_kv_string(j, "versionId", os->version_id);
		cs_json_end_object(j);
	} else {
		cs_json_null(j);
	}
	cs_json_key(j, "findings");
	cs_json_begin_array(j);
	for (size_t i = 0; i < fs->n; i++)
		json_finding(j, &fs->v[i]);
	cs_json_end_array(j);
	cs_json_kv_uint(j, "count", fs->n);
	cs_json_key(j, "suppressed");
	cs_json_begin_array(j);
	for (size_t i = 0; i < fs->n_suppressed; i++)
		json_finding(j, &fs->suppressed[i]);
	cs_json_end_array(j);
	cs_json_key(j, "issues");
	cs_json_begin_array(j);
	for (size_t i = 0; i < is->n; i++)
		json_issue(j, &is->v[i]);
	cs_json_end_array(j);
	cs_json_kv_uint(j, "issueCount", is->n);
	cs_json_key(j, "suppressedIssues");
	cs_json_begin_array(j);
	for (size_t i = 0; i < is->n_suppressed; i++)
		json_issue(j, &is->suppressed[i]);
	cs_json_end_array(j);
	cs_json_key(j, "warnings");
	cs_json_begin_array(j);
	for (size_t i = 0; i < fs->n_warnings; i++)
		cs_json_string(j, fs->warnings[i]);
	for (size_t i = 0; i < report_catalog_warning_count(rep); i++)
		cs_json_string(j, report_catalog_warning(rep, i));
	for (size_t i = 0; i < is->n_warnings; i++)
		cs_json_string(j, is->warnings[i]);
	cs_json_end_array(j);
	cs_json_end_object(j);
	r = cs_json_finish(j);
	cs_json_free(j);
	return r < 0 ? cs_error_errno(err, r, "cannot write JSON") : 0;
}
