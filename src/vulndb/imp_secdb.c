/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alpine secdb importer (secdb.alpinelinux.org/vX.Y/{main,community}.json):
 *   {"distroversion":"v3.20","reponame":"main",
 *    "packages":[{"pkg":{"name":"openssl",
 *                        "secfixes":{"3.3.2-r1":["CVE-2024-9143"],"0":["CVE-..."]}}}]}
 * Each (package, fixed version, id) becomes one affected row in namespace
 * alpine:3.20 for the apk origin (source) package name: fixed from "0"
 * until the version. The version "0" is secdb's way of saying the package
 * was never affected. An id entry may carry a second word, an alias
 * ("CVE-2021-27219 GHSL-2021-045").
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "vulndb/importer.h"

#define SECDB_MAX_FILE	(256u << 20)
#define SECDB_MAX_TOKEN 256

static const char SOURCE[] = "alpine-secdb";

static bool detect(const char *path, bool is_dir, const void *head, size_t n)
{
	size_t pl;

	if (is_dir || !head)
		return false;
	pl = strlen(path);
	if (pl < 5 || strcmp(path + pl - 5, ".json"))
		return false;
	return memmem(head, n, "\"distroversion\"", 15) || memmem(head, n, "\"apkurl\"", 8);
}

/* A token that can go into the database and into a JSON string as is. */
static bool plain_token(const char *s, size_t n)
{
	if (n == 0 || n > SECDB_MAX_TOKEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return false;
	}
	return true;
}

#define SECDB_MAX_WORDS 8

static bool is_cve(const char *s)
{
	return !strncmp(s, "CVE-", 4);
}

/*
 * One secfixes entry: usually one id, sometimes several words naming the
 * same fix ("CVE-2019-17349 CVE-2019-17350 XSA-295"). Every CVE in the
 * entry is fixed by the version; the other words are aliases of each. An
 * entry without a CVE uses its first word as the id.
 */
static int import_entry(struct cs_vulndb_writer *w, const char *ns, const char *pkg,
			const char *version, const char *entry, const char *file, const char *pos,
			struct cs_import_report *rep, struct cs_error *err)
{
	char words[SECDB_MAX_WORDS][SECDB_MAX_TOKEN + 1], ranges[2 * SECDB_MAX_TOKEN];
	const char *p = entry;
	bool never = !strcmp(version, "0");
	size_t nw = 0, ncve = 0;
	int r;

	for (;;) {
		size_t n;

		p += strspn(p, " \t");
		if (!*p)
			break;
		n = strcspn(p, " \t");
		if (nw >= SECDB_MAX_WORDS || !plain_token(p, n)) {
			cs_import_report_bad(rep, file, pos, "bad vulnerability id '%.64s'", entry);
			return 0;
		}
		memcpy(words[nw], p, n);
		words[nw][n] = '\0';
		if (is_cve(words[nw]))
			ncve++;
		nw++;
		p += n;
	}
	if (nw == 0) {
		cs_import_report_bad(rep, file, pos, "empty vulnerability id");
		return 0;
	}
	if (never)
		snprintf(ranges, sizeof(ranges), "[]");
	else
		snprintf(ranges, sizeof(ranges), "[{\"introduced\":\"0\"},{\"fixed\":\"%s\"}]",
			 version);
	for (size_t i = 0; i < nw; i++) {
		const char *id = words[i];

		if (ncve ? !is_cve(id) : i > 0)
			continue;

		struct cs_vuln v = { .id = id };
		struct cs_affected a = {
			.namespace = ns,
			.package = pkg,
			.vuln_id = id,
			.source = SOURCE,
			.scheme = CS_VERSION_APK,
			.ranges = ranges,
			.fixed = never ? NULL : version,
			.fix_state = never ? CS_FIX_NOT_AFFECTED : CS_FIX_FIXED,
		};

		r = cs_vulndb_put_vuln(w, &v, err);
		for (size_t k = 0; r >= 0 && k < nw; k++)
			if (ncve ? !is_cve(words[k]) : k > 0)
				r = cs_vulndb_put_alias(w, id, words[k], err);
		if (r >= 0)
			r = cs_vulndb_put_affected(w, &a, err);
		if (r < 0)
			return r;
		rep->vulns++;
		rep->records++;
	}
	return 0;
}

static int import_package(struct cs_vulndb_writer *w, const char *ns, json_t *entry, size_t idx,
			  const char *file, struct cs_import_report *rep, struct cs_error *err)
{
	char pos[128];
	json_t *pkg, *name, *secfixes, *ids;
	const char *version;
	const char *pkgname;
	int r;

	snprintf(pos, sizeof(pos), "/packages/%zu", idx);
	pkg = json_is_object(entry) ? json_object_get(entry, "pkg") : NULL;
	name = json_is_object(pkg) ? json_object_get(pkg, "name") : NULL;
	if (!json_is_string(name) ||
	    !plain_token(json_string_value(name), json_string_length(name)) ||
	    strlen(json_string_value(name)) != json_string_length(name)) {
		cs_import_report_bad(rep, file, pos, "package without a valid name");
		return 0;
	}
	pkgname = json_string_value(name);
	secfixes = json_object_get(pkg, "secfixes");
	if (!secfixes || json_is_null(secfixes))
		return 0;
	if (!json_is_object(secfixes)) {
		cs_import_report_bad(rep, file, pos, "secfixes of '%s' is not an object", pkgname);
		return 0;
	}
	json_object_foreach (secfixes, version, ids) {
		size_t i;
		json_t *id;

		snprintf(pos, sizeof(pos), "/packages/%zu/pkg/secfixes/%.64s", idx, version);
		if (!plain_token(version, strlen(version))) {
			cs_import_report_bad(rep, file, pos, "bad version for '%s'", pkgname);
			continue;
		}
		if (json_is_null(ids))
			continue;
		if (!json_is_array(ids)) {
			cs_import_report_bad(rep, file, pos, "ids of '%s' are not a list", pkgname);
			continue;
		}
		json_array_foreach (ids, i, id) {
			char ipos[160];

			snprintf(ipos, sizeof(ipos), "%s/%zu", pos, i);
			if (!json_is_string(id) ||
			    strlen(json_string_value(id)) != json_string_length(id)) {
				cs_import_report_bad(rep, file, ipos, "id is not a string");
				continue;
			}
			r = import_entry(w, ns, pkgname, version, json_string_value(id), file, ipos,
					 rep, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		  struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	json_t *root, *dv, *packages, *entry;
	json_error_t jerr;
	char ns[64];
	const char *v;
	size_t len, idx;
	int r;

	r = cs_import_read_file(path, SECDB_MAX_FILE, &data, &len, err);
	if (r < 0)
		return r;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "cannot parse '%s': line %d: %s", path,
				    jerr.line, jerr.text);
	dv = json_object_get(root, "distroversion");
	packages = json_object_get(root, "packages");
	if (!json_is_string(dv) || !json_is_array(packages)) {
		json_decref(root);
		return cs_error_set(err, -CS_E_INPUT,
				    "cannot parse '%s': not an alpine secdb file (no distroversion "
				    "or packages)",
				    path);
	}
	v = json_string_value(dv);
	if (v[0] == 'v')
		v++;
	if (!*v || strlen(v) > 16 ||
	    strspn(v, "0123456789.abcdefghijklmnopqrstuvwxyz") != strlen(v)) {
		json_decref(root);
		return cs_error_set(err, -CS_E_INPUT,
				    "cannot parse '%s': bad distroversion '%.32s'", path,
				    json_string_value(dv));
	}
	snprintf(ns, sizeof(ns), "alpine:%s", v);
	json_array_foreach (packages, idx, entry) {
		r = import_package(w, ns, entry, idx, path, rep, err);
		if (r < 0)
			break;
	}
	json_decref(root);
	return r < 0 ? r : 0;
}

const struct cs_importer cs_importer_secdb = {
	.name = "alpine-secdb",
	.detect = detect,
	.import = import,
};
