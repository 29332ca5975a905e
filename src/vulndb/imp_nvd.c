/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NVD CVE API / feed JSON 2.0 importer (nvdcve-2.0-*.json[.gz], or saved
 * API pages):
 *   {"format":"NVD_CVE","version":"2.0","timestamp":"...",
 *    "vulnerabilities":[{"cve":{"id":"CVE-...","published":"...",
 *      "lastModified":"...","vulnStatus":"Analyzed",
 *      "descriptions":[{"lang":"en","value":"..."}],
 *      "metrics":{"cvssMetricV40":[...],"cvssMetricV31":[...],"cvssMetricV30":[...]}}}]}
 * Enrichment only: NVD's CPE configurations do not name distribution or
 * ecosystem packages, so only vulnerability rows (summary, CVSS, dates)
 * are written, merged into what the package feeds wrote. A "Rejected" CVE
 * is recorded as withdrawn.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "vulndb/importer.h"

#define NVD_MAX_FILE (1024u << 20)
#define NVD_MAX_TEXT (64u << 10)

static bool detect(const char *path, bool is_dir, const void *head, size_t n)
{
	const unsigned char *h = head;
	const char *base;

	if (is_dir || !head)
		return false;
	if (memmem(head, n, "\"NVD_CVE\"", 9))
		return true;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return n >= 2 && h[0] == 0x1f && h[1] == 0x8b && !strncmp(base, "nvdcve-2.0-", 11);
}

static const char *text(json_t *o, const char *key, size_t max)
{
	json_t *v = json_object_get(o, key);
	const char *s;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	if (json_string_length(v) > max || strlen(s) != json_string_length(v) || !*s)
		return NULL;
	return s;
}

/*
 * The metric to use from a cvssMetricVxx list: NVD's own ("Primary")
 * when present, else the first one with a valid score.
 */
static bool pick_metric(json_t *list, double *score, const char **vector, enum cs_severity *sev)
{
	json_t *m, *best = NULL;
	size_t i;

	if (!json_is_array(list))
		return false;
	json_array_foreach (list, i, m) {
		json_t *d = json_object_get(m, "cvssData");
		json_t *bs = json_object_get(d, "baseScore");
		const char *type = text(m, "type", 32);

		if (!json_is_number(bs))
			continue;
		if (!best || (type && !strcmp(type, "Primary")))
			best = m;
		if (type && !strcmp(type, "Primary"))
			break;
	}
	if (!best)
		return false;
	json_t *d = json_object_get(best, "cvssData");
	double s = json_number_value(json_object_get(d, "baseScore"));
	const char *bsev = text(d, "baseSeverity", 32);
	int sv = bsev ? cs_severity_from_name(bsev) : -1;

	if (!isfinite(s) || s < 0.0 || s > 10.0)
		return false;
	*score = s;
	*vector = text(d, "vectorString", 256);
	*sev = sv > 0 ? (enum cs_severity)sv : cs_severity_from_cvss(s);
	return true;
}

static bool valid_cve(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 13 || n > 32 || strncmp(s, "CVE-", 4) || s[8] != '-')
		return false;
	for (size_t i = 4; i < n; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static int import_cve(struct cs_vulndb_writer *w, json_t *cve, const char *file, const char *pos,
		      struct cs_import_report *rep, struct cs_error *err)
{
	json_t *descs, *d, *metrics;
	const char *id = text(cve, "id", 32), *status;
	char url[96];
	size_t i;
	enum cs_severity sev3 = CS_SEV_UNKNOWN, sev4 = CS_SEV_UNKNOWN;
	struct cs_vuln v = { 0 };
	int r;

	if (!valid_cve(id)) {
		cs_import_report_bad(rep, file, pos, "missing or invalid cve id");
		return 0;
	}
	v.id = id;
	v.published = text(cve, "published", 40);
	v.modified = text(cve, "lastModified", 40);
	status = text(cve, "vulnStatus", 40);
	if (status && !strcmp(status, "Rejected"))
		v.withdrawn = v.modified ? v.modified : "rejected";
	descs = json_object_get(cve, "descriptions");
	json_array_foreach (descs, i, d) {
		const char *lang = text(d, "lang", 16);

		if (lang && !strcmp(lang, "en")) {
			v.summary = text(d, "value", NVD_MAX_TEXT);
			break;
		}
	}
	metrics = json_object_get(cve, "metrics");
	if (json_is_object(metrics)) {
		if (!pick_metric(json_object_get(metrics, "cvssMetricV31"), &v.cvss3_score,
				 &v.cvss3_vector, &sev3))
			pick_metric(json_object_get(metrics, "cvssMetricV30"), &v.cvss3_score,
				    &v.cvss3_vector, &sev3);
		pick_metric(json_object_get(metrics, "cvssMetricV40"), &v.cvss4_score,
			    &v.cvss4_vector, &sev4);
	}
	/* prefer the CVSS 3 rating: that is what the distributions and tools quote */
	v.severity = sev3 != CS_SEV_UNKNOWN ? sev3 : sev4;
	snprintf(url, sizeof(url), "https://nvd.nist.gov/vuln/detail/%s", id);
	v.url = url;
	r = cs_vulndb_put_vuln(w, &v, err);
	if (r < 0)
		return r;
	rep->vulns++;
	rep->records++;
	return 0;
}

static int import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		  struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	json_t *root, *vulns, *e;
	json_error_t jerr;
	const char *ts;
	size_t len, i;
	int r;

	r = cs_import_read_file(path, NVD_MAX_FILE, &data, &len, err);
	if (r < 0)
		return r;
	root = json_loadb(data, len, 0, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "cannot parse '%s': line %d: %s", path,
				    jerr.line, jerr.text);
	free(data); /* the tree holds what we need: halve the peak memory */
	data = NULL;
	vulns = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vulns)) {
		json_decref(root);
		return cs_error_set(
			err, -CS_E_INPUT,
			"cannot parse '%s': not an nvd cve feed (no vulnerabilities list)", path);
	}
	ts = text(root, "timestamp", 40);
	if (ts)
		cs_import_report_updated(rep, ts);
	r = 0;
	json_array_foreach (vulns, i, e) {
		char pos[64];
		json_t *cve = json_object_get(e, "cve");

		snprintf(pos, sizeof(pos), "/vulnerabilities/%zu", i);
		if (!json_is_object(cve)) {
			cs_import_report_bad(rep, path, pos, "record without a cve object");
			continue;
		}
		r = import_cve(w, cve, path, pos, rep, err);
		if (r < 0)
			break;
	}
	json_decref(root);
	return r < 0 ? r : 0;
}

const struct cs_importer cs_importer_nvd = {
	.name = "nvd",
	.detect = detect,
	.import = import,
};
