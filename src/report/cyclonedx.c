/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CycloneDX 1.6 vulnerability report: the SBOM of the scanned target,
 * written by the SBOM writer itself (the same components and bom-refs as
 * `customs sbom -f cyclonedx`), with a vulnerabilities array appended: one
 * entry per finding, affecting the component of its package, with the
 * ratings that are known (CVSS v3 / v4 with their vectors, and the
 * distribution's or advisory's own severity as method "other"), the
 * aliases as references, the advisory link, and for suppressed findings an
 * analysis saying not_affected and why.
 *
 * Issues (secrets, malware, configuration, Dockerfile) have no place in
 * CycloneDX's vulnerability model and are left out; a report without a
 * catalog (a Dockerfile lint) is an SBOM of no components.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "basic/json.h"
#include "report/internal.h"
#include "sbom/sbom.h"

struct pkg_ref {
	const struct cs_package *p;
	size_t i;
};

struct cdx {
	const struct cs_scan_report *rep;
	struct pkg_ref *pkgs; /* sorted by address */
	size_t n_pkgs;
	char **vuln_refs; /* per finding: shown, then suppressed */
};

static int cmp_pkg_ref(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct pkg_ref *)a)->p;
	uintptr_t y = (uintptr_t)((const struct pkg_ref *)b)->p;

	return x < y ? -1 : x > y;
}

/* the catalog index of a finding's package, or -1 */
static ssize_t pkg_index(const struct cdx *c, const struct cs_package *p)
{
	struct pkg_ref key = { p, 0 }, *hit;

	hit = bsearch(&key, c->pkgs, c->n_pkgs, sizeof(*c->pkgs), cmp_pkg_ref);
	return hit ? (ssize_t)hit->i : -1;
}

static const char *cdx_severity(enum cs_severity s)
{
	static const char *const names[] = {
		[CS_SEV_UNKNOWN] = "unknown", [CS_SEV_NEGLIGIBLE] = "info",
		[CS_SEV_LOW] = "low",	      [CS_SEV_MEDIUM] = "medium",
		[CS_SEV_HIGH] = "high",	      [CS_SEV_CRITICAL] = "critical",
	};

	return (unsigned)s < CS_ARRAY_SIZE(names) ? names[s] : "unknown";
}

/* who assigns an id: NVD for CVEs, GitHub for GHSAs, OSV for the rest */
static void id_source(struct cs_json *j, const char *id)
{
	_cleanup_free_ char *url = NULL;
	const char *name;

	if (!strncmp(id, "CVE-", 4)) {
		name = "NVD";
		url = cs_asprintf("https://nvd.nist.gov/vuln/detail/%s", id);
	} else if (!strncmp(id, "GHSA-", 5)) {
		name = "GitHub";
		url = cs_asprintf("https://github.com/advisories/%s", id);
	} else {
		name = "OSV";
		url = cs_asprintf("https://osv.dev/vulnerability/%s", id);
	}
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", name);
	/* ids are checked when the database is built; a strange one gets no link */
	if (url && report_url_ok(url))
		cs_json_kv_string(j, "url", url);
	cs_json_end_object(j);
}

static void property(struct cs_json *j, const char *name, const char *value)
{
	if (!value || !value[0])
		return;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", name);
	cs_json_kv_string(j, "value", value);
	cs_json_end_object(j);
}

static void rating(struct cs_json *j, double score, const char *vector, const char *method)
{
	cs_json_begin_object(j);
	if (score > 0) {
		cs_json_key(j, "score");
		cs_json_double(j, score);
		cs_json_kv_string(j, "severity", cdx_severity(cs_severity_from_cvss(score)));
	}
	cs_json_kv_string(j, "method", method);
	if (vector && vector[0])
		cs_json_kv_string(j, "vector", vector);
	cs_json_end_object(j);
}

static void ratings(struct cs_json *j, const struct cs_finding *x)
{
	cs_json_key(j, "ratings");
	cs_json_begin_array(j);
	if (x->cvss3_score > 0)
		rating(j, x->cvss3_score, x->cvss3_vector,
		       x->cvss3_vector && !strncmp(x->cvss3_vector, "CVSS:3.1/", 9) ? "CVSSv31"
										    : "CVSSv3");
	if (x->cvss4_score > 0 || (x->cvss4_vector && x->cvss4_vector[0]))
		rating(j, x->cvss4_score, x->cvss4_vector, "CVSSv4");
	/* the severity the report shows, unless it is the CVSS one above */
	if (!x->severity_source || strcmp(x->severity_source, "cvss") || report_cvss(x) <= 0) {
		cs_json_begin_object(j);
		if (x->sources && x->sources[0]) {
			cs_json_key(j, "source");
			cs_json_begin_object(j);
			cs_json_kv_string(j, "name", x->sources);
			cs_json_end_object(j);
		}
		cs_json_kv_string(j, "severity", cdx_severity(x->severity));
		cs_json_kv_string(j, "method", "other");
		if (x->severity_source)
			cs_json_kv_string(j, "justification",
					  !strcmp(x->severity_source, "distribution")
						  ? "the distribution's own severity"
					  : !strcmp(x->severity_source, "advisory")
						  ? "the advisory's severity"
						  : x->severity_source);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
}

/*
 * The CycloneDX justification for a suppression's free text: a CycloneDX
 * or OpenVEX justification named in it (as a whole word), if any.
 */
static const char *cdx_justification(const char *why)
{
	static const struct {
		const char *word, *cdx;
	} map[] = {
		{ "code_not_present", "code_not_present" },
		{ "code_not_reachable", "code_not_reachable" },
		{ "requires_configuration", "requires_configuration" },
		{ "requires_dependency", "requires_dependency" },
		{ "requires_environment", "requires_environment" },
		{ "protected_by_compiler", "protected_by_compiler" },
		{ "protected_at_runtime", "protected_at_runtime" },
		{ "protected_at_perimeter", "protected_at_perimeter" },
		{ "protected_by_mitigating_control", "protected_by_mitigating_control" },
		/* OpenVEX */
		{ "component_not_present", "code_not_present" },
		{ "vulnerable_code_not_present", "code_not_present" },
		{ "vulnerable_code_not_in_execute_path", "code_not_reachable" },
		{ "vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment" },
		{ "inline_mitigations_already_exist", "protected_by_mitigating_control" },
	};

	if (!why)
		return NULL;
	for (size_t i = 0; i < CS_ARRAY_SIZE(map); i++) {
		size_t n = strlen(map[i].word);

		for (const char *p = strstr(why, map[i].word); p; p = strstr(p + 1, map[i].word)) {
			bool start = p == why || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
			bool end = !(p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z'));

			if (start && end)
				return map[i].cdx;
		}
	}
	return NULL;
}

static int write_vuln(struct cs_json *j, const struct cdx *c, const struct cs_finding *x,
		      const char *bom_ref, char *const *refs)
{
	ssize_t pi = pkg_index(c, x->pkg);
	char num[32];

	cs_json_begin_object(j);
	cs_json_kv_string(j, "bom-ref", bom_ref);
	cs_json_kv_string(j, "id", x->id);
	cs_json_key(j, "source");
	id_source(j, x->id);
	if (x->n_aliases) {
		cs_json_key(j, "references");
		cs_json_begin_array(j);
		for (size_t i = 0; i < x->n_aliases; i++) {
			cs_json_begin_object(j);
			cs_json_kv_string(j, "id", x->aliases[i]);
			cs_json_key(j, "source");
			id_source(j, x->aliases[i]);
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
	}
	ratings(j, x);
	if (x->title && x->title[0])
		cs_json_kv_string(j, "description", x->title);
	if (x->note && x->note[0])
		cs_json_kv_string(j, "detail", x->note);
	if (x->fixed && x->fixed[0]) {
		_cleanup_free_ char *rec = cs_asprintf("Upgrade %s to %s", x->pkg->name, x->fixed);

		if (!rec)
			return -ENOMEM;
		cs_json_kv_string(j, "recommendation", rec);
	}
	if (report_url_ok(x->url)) {
		cs_json_key(j, "advisories");
		cs_json_begin_array(j);
		cs_json_begin_object(j);
		cs_json_kv_string(j, "url", x->url);
		cs_json_end_object(j);
		cs_json_end_array(j);
	}
	if (x->suppressed_by) {
		_cleanup_free_ char *detail = cs_asprintf("suppressed by %s%s%s", x->suppressed_by,
							  x->justification ? ": " : "",
							  x->justification ? x->justification : "");
		const char *why = cdx_justification(x->justification);

		if (!detail)
			return -ENOMEM;
		cs_json_key(j, "analysis");
		cs_json_begin_object(j);
		cs_json_kv_string(j, "state", "not_affected");
		if (why)
			cs_json_kv_string(j, "justification", why);
		cs_json_kv_string(j, "detail", detail);
		cs_json_end_object(j);
	}
	if (pi >= 0) {
		cs_json_key(j, "affects");
		cs_json_begin_array(j);
		cs_json_begin_object(j);
		cs_json_kv_string(j, "ref", refs[pi]);
		if (x->pkg->version && x->pkg->version[0]) {
			cs_json_key(j, "versions");
			cs_json_begin_array(j);
			cs_json_begin_object(j);
			cs_json_kv_string(j, "version", x->pkg->version);
			cs_json_kv_string(j, "status",
					  x->suppressed_by ? "unaffected" : "affected");
			cs_json_end_object(j);
			cs_json_end_array(j);
		}
		cs_json_end_object(j);
		cs_json_end_array(j);
	}
	cs_json_key(j, "properties");
	cs_json_begin_array(j);
	property(j, "customs:installed-version", x->installed);
	property(j, "customs:fixed-version", x->fixed);
	property(j, "customs:fix-state", cs_fix_state_name(x->fix_state));
	property(j, "customs:namespace", x->namespace);
	property(j, "customs:matched-name", x->matched_name);
	if (x->kev) {
		property(j, "customs:kev", "true");
		property(j, "customs:kev:date-added", x->kev_date_added);
	}
	if (x->epss >= 0) {
		snprintf(num, sizeof(num), "%.5f", x->epss);
		property(j, "customs:epss:score", num);
		snprintf(num, sizeof(num), "%.5f", x->epss_percentile);
		property(j, "customs:epss:percentile", num);
	}
	property(j, "customs:suppressed-by", x->suppressed_by);
	cs_json_end_array(j);
	cs_json_end_object(j);
	return 0;
}

static int write_vulns(struct cs_json *j, char *const *refs, size_t n, void *userdata)
{
	struct cdx *c = userdata;
	const struct cs_findings *fs = report_findings(c->rep);
	int r = 0;

	(void)n;
	cs_json_key(j, "vulnerabilities");
	cs_json_begin_array(j);
	for (size_t i = 0; i < fs->n && r >= 0; i++)
		r = write_vuln(j, c, &fs->v[i], c->vuln_refs[i], refs);
	for (size_t i = 0; i < fs->n_suppressed && r >= 0; i++)
		r = write_vuln(j, c, &fs->suppressed[i], c->vuln_refs[fs->n + i], refs);
	cs_json_end_array(j);
	return r;
}

static int hash_str(struct cs_hash *h, const char *s)
{
	return cs_hash_update(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static const struct cs_finding *nth(const struct cs_findings *fs, size_t i)
{
	return i < fs->n ? &fs->v[i] : &fs->suppressed[i - fs->n];
}

/* "<id>:<16 hex of the id and the package's identity>", stable across scans */
static char *vuln_ref(const struct cs_finding *x)
{
	_cleanup_(cs_hash_freep) struct cs_hash *h = NULL;
	const struct cs_package *p = x->pkg;
	char digest[CS_DIGEST_STR_MAX];
	int r = cs_hash_new(CS_HASH_SHA256, &h);

	r = r < 0 ? r : hash_str(h, x->id);
	r = r < 0 ? r : hash_str(h, cs_pkg_type_name(p->type));
	r = r < 0 ? r : hash_str(h, p->namespace);
	r = r < 0 ? r : hash_str(h, p->name);
	r = r < 0 ? r : hash_str(h, p->version);
	r = r < 0 ? r : hash_str(h, p->arch);
	r = r < 0 ? r : hash_str(h, p->path);
	r = r < 0 ? r : cs_hash_final(h, digest);
	if (r < 0)
		return NULL;
	return cs_asprintf("vulnerability:%s:%.16s", x->id, cs_digest_hex(digest));
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* bom-refs must be unique: a repeated one gets "-2", "-3"... */
static int make_vuln_refs(struct cdx *c, size_t n)
{
	_cleanup_free_ char ***order = NULL;

	c->vuln_refs = cs_new0(char *, n + 1);
	order = cs_new0(char **, n + 1);
	if (!c->vuln_refs || !order)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		c->vuln_refs[i] = vuln_ref(nth(report_findings(c->rep), i));
		if (!c->vuln_refs[i])
			return -ENOMEM;
		order[i] = &c->vuln_refs[i];
	}
	qsort(order, n, sizeof(*order), cmp_strp);
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;

		while (k < n && !strcmp(*order[k], *order[i]))
			k++;
		for (size_t m = i + 1; m < k; m++) {
			char *s = cs_asprintf("%s-%zu", *order[m], m - i + 1);

			if (!s)
				return -ENOMEM;
			free(*order[m]);
			*order[m] = s;
		}
		i = k;
	}
	return 0;
}

/* the serial number differs from the SBOM's and changes with the findings */
static int findings_salt(const struct cs_findings *fs, char out[CS_DIGEST_STR_MAX])
{
	_cleanup_(cs_hash_freep) struct cs_hash *h = NULL;
	int r = cs_hash_new(CS_HASH_SHA256, &h);

	r = r < 0 ? r : hash_str(h, "customs.scan/cyclonedx");
	for (size_t i = 0; i < fs->n + fs->n_suppressed && r >= 0; i++) {
		const struct cs_finding *x = nth(fs, i);

		r = hash_str(h, x->id);
		r = r < 0 ? r : hash_str(h, x->pkg->name);
		r = r < 0 ? r : hash_str(h, x->installed);
		r = r < 0 ? r : hash_str(h, x->fixed);
		r = r < 0 ? r : hash_str(h, cs_severity_name(x->severity));
		r = r < 0 ? r : hash_str(h, x->suppressed_by);
		r = r < 0 ? r : hash_str(h, x->justification);
	}
	return r < 0 ? r : cs_hash_final(h, out);
}

int cs_report_cyclonedx(const struct cs_scan_report *rep, FILE *f, struct cs_error *err)
{
	const struct cs_findings *fs = report_findings(rep);
	_cleanup_(cs_catalog_freep) struct cs_catalog *empty = NULL;
	struct cs_catalog *cat = rep->cat;
	const struct cs_image_config *cfg = rep->img ? cs_image_config(rep->img) : NULL;
	size_t n_all = fs->n + fs->n_suppressed;
	struct cdx c = { .rep = rep, .n_pkgs = report_package_count(rep) };
	char salt[CS_DIGEST_STR_MAX];
	int64_t created = report_parse_time(rep->generated);
	struct cs_sbom_subject subject = {
		.name = rep->img ? cs_image_ref(rep->img)->input : rep->target,
		.manifest_digest = rep->img ? cs_image_manifest_digest(rep->img) : NULL,
		.config_digest = rep->img ? cs_image_config_digest(rep->img) : NULL,
		.os = cfg ? cfg->os : NULL,
		.architecture = cfg ? cfg->architecture : NULL,
		.created = created >= 0 ? created : (int64_t)time(NULL),
	};
	struct cs_sbom_extension ext = { .salt = salt,
					 .cyclonedx_tail = write_vulns,
					 .userdata = &c };
	int r;

	/* no catalog (a Dockerfile lint): an SBOM of nothing */
	r = cat ? 0 : cs_catalog_new(&empty);
	if (!cat)
		cat = empty;
	c.pkgs = cs_new0(struct pkg_ref, c.n_pkgs + 1);
	if (r >= 0 && !c.pkgs)
		r = -ENOMEM;
	if (r >= 0) {
		for (size_t i = 0; i < c.n_pkgs; i++)
			c.pkgs[i] = (struct pkg_ref){ cs_catalog_get(cat, i), i };
		qsort(c.pkgs, c.n_pkgs, sizeof(*c.pkgs), cmp_pkg_ref);
		r = make_vuln_refs(&c, n_all);
	}
	if (r >= 0)
		r = findings_salt(fs, salt);
	if (r >= 0)
		r = cs_sbom_write_ext(f, CS_SBOM_CYCLONEDX, cat, &subject, &ext, err);
	else
		cs_error_errno(err, r, "cannot write the CycloneDX report");
	if (c.vuln_refs)
		for (size_t i = 0; i < n_all; i++)
			free(c.vuln_refs[i]);
	free(c.vuln_refs);
	free(c.pkgs);
	return r;
}
