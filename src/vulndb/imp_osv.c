/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OSV importer (schema 1.x): advisories as JSON files (Go vulndb, RustSec,
 * GHSA, osv.dev exports), as YAML files (PyPA's advisory database), whole
 * directory trees of them, and zip exports (osv.dev's all.zip). Each
 * document becomes a vulnerability, its aliases (both directions) and one
 * affected row per usable range of each affected[] entry. Withdrawn
 * advisories are recorded but get no affected rows, so they never match.
 *
 * Feeds are hostile input: every document is bounded in size, parsed into
 * a jansson tree (YAML through cs_yaml_load into the same shape) and only
 * known paths of that tree are read, each type-checked. A broken record is
 * reported with its file and JSON pointer and skipped; it never aborts the
 * import, and a broken range never widens into "every version".
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <archive.h>
#include <archive_entry.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "vulndb/osv.h"

#define OSV_NAME_MAX	    512
#define OSV_VERSION_MAX	    256
#define OSV_RANGES_MAX	    (1u << 20)
#define OSV_DIR_MAX_DEPTH   16
#define OSV_DIR_MAX_ENTRIES 1000000
#define OSV_ZIP_MAX_ENTRIES 4000000
#define OSV_NS_MAX	    64

void cs_adv_bad(struct cs_import_report *rep, const char *file, const char *position,
		const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!rep)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_import_report_bad(rep, file, position, "%s", msg);
}

static int sink_vuln(const struct cs_record_sink *s, const struct cs_vuln *v, struct cs_error *err)
{
	return s && s->vuln ? s->vuln(s->userdata, v, err) : 0;
}

static int sink_alias(const struct cs_record_sink *s, const char *id, const char *alias,
		      struct cs_error *err)
{
	return s && s->alias ? s->alias(s->userdata, id, alias, err) : 0;
}

static int sink_affected(const struct cs_record_sink *s, const struct cs_affected *a,
			 struct cs_error *err)
{
	return s && s->affected ? s->affected(s->userdata, a, err) : 0;
}

/* --- shared helpers --- */

bool cs_adv_id_valid(const char *s)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= 128 || c <= ' ' || c >= 0x7f || c == '/' || c == '\\')
			return false;
	}
	return true;
}

/* --- CVSS v3 --- */

struct cvss_metric {
	const char *key;
	const char *values; /* one letter per allowed value */
	bool base;
};

static const struct cvss_metric cvss3_metrics[] = {
	{ "AV", "NALP", true },	  { "AC", "LH", true },	    { "PR", "NLH", true },
	{ "UI", "NR", true },	  { "S", "UC", true },	    { "C", "HLN", true },
	{ "I", "HLN", true },	  { "A", "HLN", true },	    { "E", "XUPFH", false },
	{ "RL", "XOTWU", false }, { "RC", "XURC", false },  { "CR", "XLMH", false },
	{ "IR", "XLMH", false },  { "AR", "XLMH", false },  { "MAV", "XNALP", false },
	{ "MAC", "XLH", false },  { "MPR", "XNLH", false }, { "MUI", "XNR", false },
	{ "MS", "XUC", false },	  { "MC", "XNLH", false },  { "MI", "XNLH", false },
	{ "MA", "XNLH", false },
};

/* CVSS v3.1 specification, Appendix A: Roundup without floating point surprises. */
static double cvss_roundup(double x)
{
	long long i = llround(x * 100000.0);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

static double cvss_cia(char v)
{
	return v == 'H' ? 0.56 : v == 'L' ? 0.22 : 0.0;
}

int cs_cvss3_base_score(const char *vector, double *ret)
{
	char val[CS_ARRAY_SIZE(cvss3_metrics)] = { 0 };
	const char *p;
	double av, ac, pr, ui, iss, impact, expl, score;
	bool changed;

	if (!vector || (strncmp(vector, "CVSS:3.1/", 9) && strncmp(vector, "CVSS:3.0/", 9)) ||
	    strnlen(vector, 257) > 256)
		return -CS_E_INPUT;
	p = vector + 9;
	for (;;) {
		const char *colon = strchr(p, ':'), *end = strchr(p, '/');
		size_t klen, i;

		if (!end)
			end = p + strlen(p);
		if (!colon || colon > end || end - colon != 2)
			return -CS_E_INPUT;
		klen = (size_t)(colon - p);
		for (i = 0; i < CS_ARRAY_SIZE(cvss3_metrics); i++)
			if (strlen(cvss3_metrics[i].key) == klen &&
			    !memcmp(cvss3_metrics[i].key, p, klen))
				break;
		if (i == CS_ARRAY_SIZE(cvss3_metrics) || val[i] || !colon[1] ||
		    !strchr(cvss3_metrics[i].values, colon[1]))
			return -CS_E_INPUT;
		val[i] = colon[1];
		if (!*end)
			break;
		p = end + 1;
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(cvss3_metrics); i++)
		if (cvss3_metrics[i].base && !val[i])
			return -CS_E_INPUT;

	/* val[]: AV AC PR UI S C I A, in the table's order */
	changed = val[4] == 'C';
	av = val[0] == 'N' ? 0.85 : val[0] == 'A' ? 0.62 : val[0] == 'L' ? 0.55 : 0.2;
	ac = val[1] == 'L' ? 0.77 : 0.44;
	pr = val[2] == 'N'   ? 0.85
	     : val[2] == 'L' ? (changed ? 0.68 : 0.62)
			     : (changed ? 0.5 : 0.27);
	ui = val[3] == 'N' ? 0.85 : 0.62;
	iss = 1.0 - (1.0 - cvss_cia(val[5])) * (1.0 - cvss_cia(val[6])) * (1.0 - cvss_cia(val[7]));
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	else
		impact = 6.42 * iss;
	expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		score = 0;
	else if (changed)
		score = cvss_roundup(CS_MIN(1.08 * (impact + expl), 10.0));
	else
		score = cvss_roundup(CS_MIN(impact + expl, 10.0));
	*ret = score;
	return 0;
}

/* --- OSV records --- */

struct osv_ctx {
	const struct cs_record_sink *sink;
	struct cs_import_report *rep;
	const char *file;
	const char *id;
	char source[OSV_NS_MAX + 8];
	char ns[OSV_NS_MAX];
	enum cs_version_scheme scheme;
	struct cs_buf name, ranges, fixed, fixed_all;
};

#define bad(c, pos, ...) cs_adv_bad((c)->rep, (c)->file, (pos), __VA_ARGS__)

/* String member: 1 found, 0 absent or null, -1 present with another type. */
static int get_str(json_t *obj, const char *key, const char **ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*ret = json_string_value(v);
	return 1;
}

static bool text_ok(const char *s, size_t max)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; s[n]; n++)
		if (n >= max || (unsigned char)s[n] < ' ' || s[n] == 0x7f)
			return false;
	return true;
}

/* Map an OSV ecosystem to (namespace, scheme). 0 ok, 1 not supported here. */
static int osv_ecosystem(const char *eco, char *ns, size_t nsz, enum cs_version_scheme *scheme)
{
	static const struct {
		const char *eco, *ns;
		enum cs_version_scheme scheme;
	} plain[] = {
		{ "PyPI", "pypi", CS_VERSION_PEP440 },
		{ "npm", "npm", CS_VERSION_SEMVER },
		{ "Go", "go", CS_VERSION_GO },
		{ "crates.io", "crates.io", CS_VERSION_SEMVER },
		{ "RubyGems", "rubygems", CS_VERSION_GEM },
		{ "Maven", "maven", CS_VERSION_MAVEN },
		/* no scheme of their own yet: Composer and NuGet versions are semver-like */
		{ "Packagist", "packagist", CS_VERSION_SEMVER },
		{ "NuGet", "nuget", CS_VERSION_SEMVER },
		{ "Wolfi", "wolfi", CS_VERSION_APK },
		{ "Chainguard", "chainguard", CS_VERSION_APK },
	};
	static const struct {
		const char *prefix, *ns;
		enum cs_version_scheme scheme;
	} distro[] = {
		{ "Debian:", "debian", CS_VERSION_DPKG },
		{ "Ubuntu:", "ubuntu", CS_VERSION_DPKG },
		{ "Alpine:", "alpine", CS_VERSION_APK },
		{ "Rocky Linux:", "rocky", CS_VERSION_RPM },
		{ "AlmaLinux:", "alma", CS_VERSION_RPM },
		{ "Red Hat:enterprise_linux:", "redhat", CS_VERSION_RPM },
	};
	const char *rel;
	size_t n;

	for (size_t i = 0; i < CS_ARRAY_SIZE(plain); i++)
		if (!strcmp(eco, plain[i].eco) ||
		    (plain[i].scheme == CS_VERSION_MAVEN && !strncmp(eco, "Maven:", 6))) {
			snprintf(ns, nsz, "%s", plain[i].ns);
			*scheme = plain[i].scheme;
			return 0;
		}
	for (size_t i = 0; i < CS_ARRAY_SIZE(distro); i++) {
		if (strncmp(eco, distro[i].prefix, strlen(distro[i].prefix)))
			continue;
		rel = eco + strlen(distro[i].prefix);
		if (distro[i].scheme == CS_VERSION_APK && rel[0] == 'v')
			rel++;
		/* "Ubuntu:22.04:LTS" is 22.04; Ubuntu Pro (ESM) streams are not plain releases */
		n = strspn(rel, "0123456789.");
		if (n == 0 || n > 16 || (rel[n] && rel[n] != ':'))
			return 1;
		if (rel[n] == ':' && strcmp(distro[i].ns, "ubuntu") &&
		    strcmp(distro[i].ns, "redhat"))
			return 1;
		if (!strcmp(distro[i].ns, "redhat")) /* "9::appstream" -> 9 */
			n = strspn(rel, "0123456789");
		snprintf(ns, nsz, "%s:%.*s", distro[i].ns, (int)n, rel);
		*scheme = distro[i].scheme;
		return 0;
	}
	return 1;
}

/* PEP 503: lowercase, runs of "-_." become one "-". */
static int pep503(const char *s, struct cs_buf *out)
{
	int r = 0;

	cs_buf_reset(out);
	for (size_t i = 0; s[i] && r >= 0;) {
		if (s[i] == '-' || s[i] == '_' || s[i] == '.') {
			while (s[i] == '-' || s[i] == '_' || s[i] == '.')
				i++;
			r = cs_buf_putc(out, '-');
		} else {
			char ch = s[i++];

			r = cs_buf_putc(out, ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch);
		}
	}
	return r;
}

static int buf_json_str(struct cs_buf *b, const char *s)
{
	int r = cs_buf_putc(b, '"');

	if (r >= 0)
		r = cs_json_escape(b, s, strlen(s));
	if (r >= 0)
		r = cs_buf_putc(b, '"');
	return r;
}

static int join_add(struct cs_buf *b, const char *sep, const char *s)
{
	int r = b->len ? cs_buf_puts(b, sep) : 0;

	return r < 0 ? r : cs_buf_puts(b, s);
}

static int emit_row(struct osv_ctx *c, const char *package, enum cs_severity sev,
		    const struct cs_buf *fixed, struct cs_error *err)
{
	struct cs_affected a = {
		.namespace = c->ns,
		.package = package,
		.vuln_id = c->id,
		.source = c->source,
		.scheme = c->scheme,
		.ranges = c->ranges.data,
		.fixed = fixed->len ? fixed->data : NULL,
		.fix_state = fixed->len ? CS_FIX_FIXED : CS_FIX_AFFECTED,
		.severity = sev,
	};

	return sink_affected(c->sink, &a, err);
}

/*
 * One ECOSYSTEM/SEMVER range into c->ranges as an event list and its fixed
 * versions into c->fixed (and c->fixed_all). 1 written, 0 bad (reported).
 */
static int osv_range(struct osv_ctx *c, json_t *range, const char *pos)
{
	static const char *const kinds[] = { "introduced", "fixed", "last_affected", "limit" };
	json_t *events = json_object_get(range, "events"), *ev;
	char p[160];
	size_t i;
	int r = 0;

	if (!json_is_array(events) || json_array_size(events) == 0) {
		snprintf(p, sizeof(p), "%s/events", pos);
		bad(c, p, "range without events");
		return 0;
	}
	cs_buf_reset(&c->ranges);
	cs_buf_reset(&c->fixed);
	r = cs_buf_putc(&c->ranges, '[');
	json_array_foreach (events, i, ev) {
		const char *kind = NULL, *v = NULL;

		snprintf(p, sizeof(p), "%s/events/%zu", pos, i);
		for (size_t k = 0; json_is_object(ev) && k < CS_ARRAY_SIZE(kinds); k++) {
			json_t *x = json_object_get(ev, kinds[k]);

			if (x) {
				kind = kinds[k];
				v = json_string_value(x);
				break;
			}
		}
		if (!kind || !text_ok(v, OSV_VERSION_MAX)) {
			bad(c, p,
			    "event is not one of introduced, fixed, last_affected, limit with a version");
			return 0;
		}
		if (r >= 0 && i > 0)
			r = cs_buf_putc(&c->ranges, ',');
		if (r >= 0)
			r = cs_buf_printf(&c->ranges, "{\"%s\":", kind);
		if (r >= 0)
			r = buf_json_str(&c->ranges, v);
		if (r >= 0)
			r = cs_buf_putc(&c->ranges, '}');
		if (r >= 0 && kind == kinds[1]) {
			r = join_add(&c->fixed, ", ", v);
			if (r >= 0)
				r = join_add(&c->fixed_all, ", ", v);
		}
	}
	if (r >= 0)
		r = cs_buf_putc(&c->ranges, ']');
	if (r == -CS_E_LIMIT) {
		bad(c, pos, "range too large");
		return 0;
	}
	return r < 0 ? r : 1;
}

/* {"versions":[...]} from affected[].versions. 1 written, 0 bad (reported). */
static int osv_versions(struct osv_ctx *c, json_t *versions, const char *pos)
{
	json_t *v;
	size_t i;
	int r;

	cs_buf_reset(&c->ranges);
	r = cs_buf_puts(&c->ranges, "[{\"versions\":[");
	json_array_foreach (versions, i, v) {
		if (!text_ok(json_string_value(v), OSV_VERSION_MAX)) {
			char p[160];

			snprintf(p, sizeof(p), "%s/%zu", pos, i);
			bad(c, p, "version is not a string");
			return 0;
		}
		if (r >= 0 && i > 0)
			r = cs_buf_putc(&c->ranges, ',');
		if (r >= 0)
			r = buf_json_str(&c->ranges, json_string_value(v));
	}
	if (r >= 0)
		r = cs_buf_puts(&c->ranges, "]}]");
	if (r == -CS_E_LIMIT) {
		bad(c, pos, "versions list too large");
		return 0;
	}
	return r < 0 ? r : 1;
}

static enum cs_severity qualitative(json_t *obj)
{
	const char *s = json_string_value(json_object_get(obj, "severity"));
	int sev = s ? cs_severity_from_name(s) : -1;

	return sev > 0 ? (enum cs_severity)sev : CS_SEV_UNKNOWN;
}

static int osv_affected(struct osv_ctx *c, json_t *aff, size_t idx, struct cs_error *err)
{
	json_t *pkg, *ranges, *versions, *range;
	const char *eco = NULL, *name = NULL, *type;
	enum cs_severity sev;
	bool has_git = false;
	unsigned written = 0, before = c->rep ? (unsigned)c->rep->skipped : 0;
	char pos[96], p[128];
	size_t i;
	int r;

	snprintf(pos, sizeof(pos), "/affected/%zu", idx);
	pkg = json_object_get(aff, "package");
	if (!json_is_object(aff) || !json_is_object(pkg) || get_str(pkg, "ecosystem", &eco) < 1 ||
	    get_str(pkg, "name", &name) < 1 || !text_ok(name, OSV_NAME_MAX) ||
	    !text_ok(eco, OSV_NAME_MAX)) {
		snprintf(p, sizeof(p), "%s/package", pos);
		bad(c, p, "missing package ecosystem or name");
		return 0;
	}
	if (osv_ecosystem(eco, c->ns, sizeof(c->ns), &c->scheme))
		return 0; /* an ecosystem customs does not scan */
	snprintf(c->source, sizeof(c->source), "osv:%.*s", (int)strcspn(eco, ":"), eco);
	cs_buf_reset(&c->name);
	r = c->scheme == CS_VERSION_PEP440 ? pep503(name, &c->name) : cs_buf_puts(&c->name, name);
	if (r < 0)
		return r == -CS_E_LIMIT ? 0 : r;

	sev = qualitative(json_object_get(aff, "ecosystem_specific"));
	if (sev == CS_SEV_UNKNOWN)
		sev = qualitative(json_object_get(aff, "database_specific"));

	ranges = json_object_get(aff, "ranges");
	versions = json_object_get(aff, "versions");
	if ((ranges && !json_is_array(ranges) && !json_is_null(ranges)) ||
	    (versions && !json_is_array(versions) && !json_is_null(versions))) {
		bad(c, pos, "ranges or versions is not an array");
		return 0;
	}
	cs_buf_reset(&c->fixed_all);
	json_array_foreach (ranges, i, range) {
		snprintf(p, sizeof(p), "%s/ranges/%zu", pos, i);
		if (!json_is_object(range) || get_str(range, "type", &type) < 1) {
			bad(c, p, "range without a type");
			continue;
		}
		if (!strcmp(type, "GIT")) {
			has_git = true; /* commit hashes, not versions */
			continue;
		}
		if (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER")) {
			bad(c, p, "unknown range type '%s'", type);
			continue;
		}
		r = osv_range(c, range, p);
		if (r > 0) {
			r = emit_row(c, c->name.data, sev, &c->fixed, err);
			written++;
		}
		if (r < 0)
			return r;
	}
	/* exact versions count when no version range says it all (GIT ranges only, or none) */
	if (json_array_size(versions) > 0 && (has_git || written == 0)) {
		snprintf(p, sizeof(p), "%s/versions", pos);
		r = osv_versions(c, versions, p);
		if (r > 0) {
			r = emit_row(c, c->name.data, sev, &c->fixed_all, err);
			written++;
		}
		if (r < 0)
			return r;
	}
	/* (not twice: a bad range already said why there is nothing) */
	if (written == 0 && !has_git && (!c->rep || c->rep->skipped == before))
		bad(c, pos, "no ranges or versions");
	return 0;
}

static const char *osv_url(json_t *root)
{
	const char *url = json_string_value(
		json_object_get(json_object_get(root, "database_specific"), "url"));
	json_t *refs = json_object_get(root, "references"), *ref;
	const char *kinds[] = { "ADVISORY", "WEB" };
	size_t i;

	if (url && !strncmp(url, "https://", 8))
		return url;
	for (size_t k = 0; k < CS_ARRAY_SIZE(kinds); k++)
		json_array_foreach (refs, i, ref) {
			const char *t = json_string_value(json_object_get(ref, "type"));

			url = json_string_value(json_object_get(ref, "url"));
			if (t && url && !strcmp(t, kinds[k]) && text_ok(url, 2048))
				return url;
		}
	return NULL;
}

/* severity[]: CVSS_V3 and CVSS_V4 vectors. */
static void osv_severity(struct osv_ctx *c, json_t *root, struct cs_vuln *v)
{
	json_t *sevs = json_object_get(root, "severity"), *s;
	char pos[64];
	size_t i;

	json_array_foreach (sevs, i, s) {
		const char *type = json_string_value(json_object_get(s, "type"));
		const char *score = json_string_value(json_object_get(s, "score"));
		double x;

		snprintf(pos, sizeof(pos), "/severity/%zu", i);
		if (!type || !score) {
			bad(c, pos, "severity without type or score");
		} else if (!strcmp(type, "CVSS_V3")) {
			if (cs_cvss3_base_score(score, &x) < 0) {
				bad(c, pos, "invalid cvss v3 vector '%s'", score);
			} else if (!v->cvss3_vector) {
				v->cvss3_vector = score;
				v->cvss3_score = x;
			}
		} else if (!strcmp(type, "CVSS_V4")) {
			if (strncmp(score, "CVSS:4.0/", 9) || !text_ok(score, 256))
				bad(c, pos, "invalid cvss v4 vector '%s'", score);
			else if (!v->cvss4_vector)
				v->cvss4_vector = score;
		}
	}
}

static int osv_doc(struct osv_ctx *c, json_t *root, struct cs_error *err)
{
	static const char *const text_keys[] = { "summary", "details", "published", "modified",
						 "withdrawn" };
	const char *text[CS_ARRAY_SIZE(text_keys)];
	json_t *aliases, *affected, *a;
	struct cs_vuln v = { 0 };
	const char *id;
	size_t i;
	int r;

	if (!json_is_object(root)) {
		bad(c, "", "not an object");
		return 0;
	}
	if (get_str(root, "id", &id) < 1 || !cs_adv_id_valid(id)) {
		bad(c, "/id", "missing or invalid id");
		return 0;
	}
	c->id = id;
	for (i = 0; i < CS_ARRAY_SIZE(text_keys); i++)
		if (get_str(root, text_keys[i], &text[i]) < 0) {
			char p[32];

			snprintf(p, sizeof(p), "/%s", text_keys[i]);
			bad(c, p, "not a string");
			return 0;
		}
	aliases = json_object_get(root, "aliases");
	affected = json_object_get(root, "affected");
	if (aliases && !json_is_array(aliases) && !json_is_null(aliases)) {
		bad(c, "/aliases", "not an array");
		return 0;
	}
	if (affected && !json_is_array(affected) && !json_is_null(affected)) {
		bad(c, "/affected", "not an array");
		return 0;
	}
	v.id = id;
	v.summary = text[0];
	v.details = text[1];
	v.published = text[2];
	v.modified = text[3];
	v.withdrawn = text[4] && *text[4] ? text[4] : NULL;
	v.url = osv_url(root);
	osv_severity(c, root, &v);
	if (v.cvss3_vector)
		v.severity = cs_severity_from_cvss(v.cvss3_score);
	if (v.severity == CS_SEV_UNKNOWN)
		v.severity = qualitative(json_object_get(root, "database_specific"));
	json_array_foreach (affected, i, a) {
		if (v.severity == CS_SEV_UNKNOWN)
			v.severity = qualitative(json_object_get(a, "ecosystem_specific"));
	}
	r = sink_vuln(c->sink, &v, err);
	if (r < 0)
		return r;
	if (c->rep && v.modified && text_ok(v.modified, 39))
		cs_import_report_updated(c->rep, v.modified);

	json_array_foreach (aliases, i, a) {
		const char *alias = json_string_value(a);

		if (!cs_adv_id_valid(alias)) {
			char p[32];

			snprintf(p, sizeof(p), "/aliases/%zu", i);
			bad(c, p, "invalid alias");
			continue;
		}
		if (!strcmp(alias, id))
			continue;
		r = sink_alias(c->sink, id, alias, err);
		if (r >= 0)
			r = sink_alias(c->sink, alias, id, err);
		if (r < 0)
			return r;
	}
	if (v.withdrawn)
		return 0;
	json_array_foreach (affected, i, a) {
		r = osv_affected(c, a, i, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cs_osv_parse(const char *data, size_t len, bool yaml, const char *file,
		 const struct cs_record_sink *sink, struct cs_import_report *rep,
		 struct cs_error *err)
{
	struct osv_ctx c = {
		.sink = sink,
		.rep = rep,
		.file = file,
		.name = CS_BUF_INIT(OSV_NAME_MAX + 1),
		.ranges = CS_BUF_INIT(OSV_RANGES_MAX),
		.fixed = CS_BUF_INIT(OSV_RANGES_MAX),
		.fixed_all = CS_BUF_INIT(OSV_RANGES_MAX),
	};
	json_t *root = NULL;
	int r;

	if (len > CS_ADV_DOC_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CS_ADV_DOC_MAX);
	if (yaml) {
		r = cs_yaml_load(data, len, &root, err);
		if (r < 0)
			return r;
	} else {
		json_error_t jerr;

		root = json_loadb(data, len, 0, &jerr);
		if (!root)
			return cs_error_set(err, -CS_E_INPUT, "invalid json at line %d: %s",
					    jerr.line, jerr.text);
	}
	r = osv_doc(&c, root, err);
	json_decref(root);
	cs_buf_done(&c.name);
	cs_buf_done(&c.ranges);
	cs_buf_done(&c.fixed);
	cs_buf_done(&c.fixed_all);
	return r;
}

/* --- files, directories, zip exports --- */

static bool has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && !strcasecmp(name + n - e, ext);
}

enum osv_kind { OSV_NONE, OSV_JSON, OSV_YAML, OSV_ZIP };

static enum osv_kind osv_kind_of(const char *name)
{
	if (has_ext(name, ".json"))
		return OSV_JSON;
	if (has_ext(name, ".yaml") || has_ext(name, ".yml"))
		return OSV_YAML;
	if (has_ext(name, ".zip"))
		return OSV_ZIP;
	return OSV_NONE;
}

/* A document unreadable as JSON/YAML inside a tree or zip is one bad record. */
static int osv_doc_in_feed(const char *data, size_t len, bool yaml, const char *label,
			   const struct cs_record_sink *sink, struct cs_import_report *rep,
			   struct cs_error *err)
{
	struct cs_error e = CS_ERROR_INIT;
	int r = cs_osv_parse(data, len, yaml, label, sink, rep, &e);

	if (r == -CS_E_INPUT || r == -CS_E_LIMIT) {
		cs_adv_bad(rep, label, "", "%s", e.msg);
		return 0;
	}
	if (r < 0 && err)
		*err = e;
	return r;
}

static int osv_zip(const char *path, const struct cs_record_sink *sink,
		   struct cs_import_report *rep, struct cs_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct cs_buf data = CS_BUF_INIT(CS_ADV_DOC_MAX);
	struct cs_buf label = CS_BUF_INIT(8192);
	char chunk[65536];
	uint64_t n = 0;
	int r = 0;

	if (!a)
		return -ENOMEM;
	if (archive_read_support_format_zip(a) != ARCHIVE_OK ||
	    archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		r = cs_error_set(err, -CS_E_INPUT, "cannot open zip '%s': %s", path,
				 archive_error_string(a) ? archive_error_string(a)
							 : "unknown error");
		goto out;
	}
	for (;;) {
		const char *name;
		enum osv_kind kind;
		int ar = archive_read_next_header(a, &ae);

		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			r = cs_error_set(err, -CS_E_INPUT, "cannot read zip '%s': %s", path,
					 archive_error_string(a) ? archive_error_string(a)
								 : "unknown error");
			goto out;
		}
		if (++n > OSV_ZIP_MAX_ENTRIES) {
			r = cs_error_set(err, -CS_E_LIMIT, "zip '%s' has more than %u entries",
					 path, OSV_ZIP_MAX_ENTRIES);
			goto out;
		}
		name = archive_entry_pathname(ae);
		kind = name ? osv_kind_of(name) : OSV_NONE;
		if (archive_entry_filetype(ae) != AE_IFREG ||
		    (kind != OSV_JSON && kind != OSV_YAML))
			continue;
		cs_buf_reset(&label);
		if (cs_buf_printf(&label, "%s!%s", path, name) < 0) {
			r = -ENOMEM;
			goto out;
		}
		if (archive_entry_size_is_set(ae) &&
		    (uint64_t)archive_entry_size(ae) > CS_ADV_DOC_MAX) {
			cs_adv_bad(rep, label.data, "", "larger than %u bytes", CS_ADV_DOC_MAX);
			continue;
		}
		cs_buf_reset(&data);
		for (;;) {
			la_ssize_t got = archive_read_data(a, chunk, sizeof(chunk));

			if (got == 0)
				break;
			if (got < 0) {
				r = cs_error_set(err, -CS_E_INPUT, "cannot read '%s': %s",
						 label.data,
						 archive_error_string(a) ? archive_error_string(a)
									 : "unknown error");
				goto out;
			}
			r = cs_buf_append(&data, chunk, (size_t)got);
			if (r < 0)
				break;
		}
		if (r == -CS_E_LIMIT) {
			cs_adv_bad(rep, label.data, "", "larger than %u bytes", CS_ADV_DOC_MAX);
			r = 0;
			continue;
		}
		if (r < 0)
			goto out;
		r = osv_doc_in_feed(data.data ? data.data : "", data.len, kind == OSV_YAML,
				    label.data, sink, rep, err);
		if (r < 0)
			goto out;
	}
out:
	archive_read_free(a);
	cs_buf_done(&data);
	cs_buf_done(&label);
	return r;
}

/* Sorted names of the entries of a directory, without hidden ones. */
static int dir_names(const char *path, char ***ret, size_t *ret_n, struct cs_error *err)
{
	return cs_dir_names(path, OSV_DIR_MAX_ENTRIES, NULL, ret, ret_n, err);
}

static int osv_file(const char *path, enum osv_kind kind, bool in_tree,
		    const struct cs_record_sink *sink, struct cs_import_report *rep,
		    struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	if (kind == OSV_ZIP)
		return osv_zip(path, sink, rep, err);
	r = cs_import_read_file(path, CS_ADV_DOC_MAX, &data, &len, err);
	if (r == -CS_E_LIMIT && in_tree) {
		cs_adv_bad(rep, path, "", "larger than %u bytes", CS_ADV_DOC_MAX);
		r = 0;
	} else if (r >= 0) {
		r = in_tree ? osv_doc_in_feed(data, len, kind == OSV_YAML, path, sink, rep, err)
			    : cs_osv_parse(data, len, kind == OSV_YAML, path, sink, rep, err);
		if (r == -CS_E_INPUT || r == -CS_E_LIMIT)
			cs_error_prefix(err, "cannot import '%s'", path);
	}
	return r;
}

static int osv_tree(const char *path, unsigned depth, const struct cs_record_sink *sink,
		    struct cs_import_report *rep, struct cs_error *err)
{
	_cleanup_strv_free_ char **names = NULL;
	struct cs_buf child = CS_BUF_INIT(PATH_MAX);
	size_t n = 0;
	int r;

	if (depth > OSV_DIR_MAX_DEPTH)
		return cs_error_set(err, -CS_E_LIMIT, "'%s' is nested deeper than %d", path,
				    OSV_DIR_MAX_DEPTH);
	r = dir_names(path, &names, &n, err);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		struct stat st;

		cs_buf_reset(&child);
		r = cs_buf_printf(&child, "%s/%s", path, names[i]);
		if (r < 0)
			break;
		/* symbolic links are not followed: a feed is a plain tree */
		if (lstat(child.data, &st) < 0) {
			r = cs_error_errno(err, errno, "cannot stat '%s'", child.data);
			break;
		}
		if (S_ISDIR(st.st_mode))
			r = osv_tree(child.data, depth + 1, sink, rep, err);
		else if (S_ISREG(st.st_mode) && osv_kind_of(names[i]) != OSV_NONE)
			r = osv_file(child.data, osv_kind_of(names[i]), true, sink, rep, err);
	}
	cs_buf_done(&child);
	return r;
}

static int osv_import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		      struct cs_error *err)
{
	struct cs_record_writer_sink ws;
	struct stat st;

	cs_record_writer_sink_init(&ws, w, rep);
	if (stat(path, &st) < 0)
		return cs_error_errno(err, errno, "cannot stat '%s'", path);
	if (S_ISDIR(st.st_mode))
		return osv_tree(path, 0, &ws.sink, rep, err);
	return osv_file(path, osv_kind_of(path) == OSV_NONE ? OSV_JSON : osv_kind_of(path), false,
			&ws.sink, rep, err);
}

/* --- detection --- */

static const char *skip_ws(const char *p, const char *end)
{
	if (end - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static bool mem_has(const char *p, size_t n, const char *needle)
{
	return memmem(p, n, needle, strlen(needle)) != NULL;
}

/* A YAML key at the start of a line ("\nid:" or the very first line). */
static bool yaml_has_key(const char *p, size_t n, const char *key)
{
	char pat[40];
	size_t k = strlen(key);

	if (n > k && !memcmp(p, key, k) && p[k] == ':')
		return true;
	snprintf(pat, sizeof(pat), "\n%s:", key);
	return mem_has(p, n, pat);
}

static bool osv_head_is_osv(const char *name, const void *head, size_t n)
{
	static const char *const keys[] = {
		"affected", "withdrawn", "schema_version", "modified",
		"aliases",  "details",	 "summary",	   "published"
	};
	const char *p = head, *end = p + n;
	enum osv_kind kind = osv_kind_of(name);

	if (!head)
		return false;
	if (kind == OSV_ZIP) {
		const unsigned char *u = head;
		size_t nlen;

		/* local file header; the first member must be an advisory */
		if (n < 30 || memcmp(u, "PK\x03\x04", 4))
			return false;
		nlen = (size_t)u[26] | (size_t)u[27] << 8;
		if (30 + nlen > n || nlen < 6)
			return false;
		return (nlen > 5 && !memcmp(u + 30 + nlen - 5, ".json", 5)) ||
		       (nlen > 5 && !memcmp(u + 30 + nlen - 5, ".yaml", 5));
	}
	p = skip_ws(p, end);
	if (kind != OSV_YAML && p < end && *p == '{') {
		if (!mem_has(p, (size_t)(end - p), "\"id\""))
			return false;
		for (size_t i = 0; i < 4; i++) {
			char pat[32];

			snprintf(pat, sizeof(pat), "\"%s\"", keys[i]);
			if (mem_has(p, (size_t)(end - p), pat))
				return true;
		}
		return false;
	}
	if (kind == OSV_YAML) {
		size_t m = (size_t)(end - p);

		if (!yaml_has_key(p, m, "id") || yaml_has_key(p, m, "gem"))
			return false;
		/* a long `details:` may push the OSV keys past the head */
		for (size_t i = 0; i < CS_ARRAY_SIZE(keys); i++)
			if (yaml_has_key(p, m, keys[i]))
				return true;
	}
	return false;
}

/*
 * A directory is an OSV feed when the advisory files found within two
 * levels (a few per directory) all look like OSV and there is at least one:
 * Go's data/osv, RustSec's crates/, PyPA's vulns/<pkg>/, or a parent of them.
 */
static int osv_dir_vote(const char *path, unsigned depth)
{
	_cleanup_strv_free_ char **names = NULL;
	struct cs_error e = CS_ERROR_INIT;
	char child[PATH_MAX], head[4096];
	size_t n = 0;
	int yes = 0;

	if (dir_names(path, &names, &n, &e) < 0)
		return -1;
	for (size_t i = 0; i < n && i < 16; i++) {
		enum osv_kind kind = osv_kind_of(names[i]);
		struct stat st;
		int fd, v;
		ssize_t got;

		if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, names[i]) >=
			    sizeof(child) ||
		    lstat(child, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 2) {
			v = osv_dir_vote(child, depth + 1);
			if (v < 0)
				return -1;
			yes += v;
			continue;
		}
		if (!S_ISREG(st.st_mode) || (kind != OSV_JSON && kind != OSV_YAML))
			continue;
		fd = open(child, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		got = read(fd, head, sizeof(head));
		close(fd);
		if (got < 0 || !osv_head_is_osv(names[i], head, (size_t)got))
			return -1;
		yes++;
	}
	return yes;
}

static bool osv_detect(const char *path, bool is_dir, const void *head, size_t n)
{
	if (is_dir)
		return osv_dir_vote(path, 0) > 0;
	return osv_head_is_osv(cs_path_basename(path), head, n);
}

const struct cs_importer cs_importer_osv = {
	.name = "osv",
	.detect = osv_detect,
	.import = osv_import,
};
