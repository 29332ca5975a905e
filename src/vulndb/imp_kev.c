/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CISA Known Exploited Vulnerabilities catalogue importer
 * (known_exploited_vulnerabilities.json):
 *   {"catalogVersion":"2025.08.25","dateReleased":"...","count":1404,
 *    "vulnerabilities":[{"cveID":"CVE-...","vulnerabilityName":"...",
 *      "dateAdded":"2025-08-25","dueDate":"2025-09-15",
 *      "knownRansomwareCampaignUse":"Known"|"Unknown", ...}]}
 * Only the kev table is written: KEV says a CVE is exploited, not which
 * packages it affects.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "vulndb/importer.h"

#define KEV_MAX_FILE (128u << 20)
#define KEV_MAX_TEXT 1024

static bool detect(const char *path, bool is_dir, const void *head, size_t n)
{
	(void)path;
	if (is_dir || !head)
		return false;
	return memmem(head, n, "\"catalogVersion\"", 16) ||
	       memmem(head, n, "Catalog of Known Exploited Vulnerabilities", 42);
}

/* CVE-YYYY-NNNN... */
static bool valid_cve(const char *s, size_t n)
{
	if (n < 13 || n > 32 || strncmp(s, "CVE-", 4))
		return false;
	for (size_t i = 4; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	if (s[8] != '-')
		return false;
	for (size_t i = 9; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A string member, or NULL when absent, not a string, too long or not one line. */
static const char *text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > KEV_MAX_TEXT || strlen(s) != n)
		return NULL;
	return s;
}

static int import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		  struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	json_t *root, *vulns, *e;
	json_error_t jerr;
	const char *date;
	size_t len, i;
	int r = 0;

	r = cs_import_read_file(path, KEV_MAX_FILE, &data, &len, err);
	if (r < 0)
		return r;
	root = json_loadb(data, len, 0, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "cannot parse '%s': line %d: %s", path,
				    jerr.line, jerr.text);
	vulns = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vulns)) {
		json_decref(root);
		return cs_error_set(
			err, -CS_E_INPUT,
			"cannot parse '%s': not a kev catalogue (no vulnerabilities list)", path);
	}
	date = text(root, "dateReleased");
	if (date && strlen(date) >= 10)
		cs_import_report_updated(rep, date);
	json_array_foreach (vulns, i, e) {
		char pos[64];
		const char *cve;

		snprintf(pos, sizeof(pos), "/vulnerabilities/%zu", i);
		cve = json_is_object(e) ? text(e, "cveID") : NULL;
		if (!cve || !valid_cve(cve, strlen(cve))) {
			cs_import_report_bad(rep, path, pos, "missing or invalid cveID");
			continue;
		}
		r = cs_vulndb_put_kev(w, cve, text(e, "dateAdded"), text(e, "dueDate"),
				      text(e, "knownRansomwareCampaignUse"),
				      text(e, "vulnerabilityName"), err);
		if (r < 0)
			break;
		rep->records++;
	}
	json_decref(root);
	return r < 0 ? r : 0;
}

const struct cs_importer cs_importer_kev = {
	.name = "kev",
	.detect = detect,
	.import = import,
};
