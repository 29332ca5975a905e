/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matcher. For every package: its namespace, the names its advisories
 * use (source and binary package for distributions, the ecosystem's
 * normalised name otherwise), each affected record's ranges evaluated with
 * the ecosystem's version order (OSV semantics), and one finding per
 * vulnerability however many ids and feeds name it. A version or range
 * that cannot be compared is a warning, never a silent "not affected".
 */
#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "match/match.h"

#define MAX_EVENTS 512

static const char *debian_codename_version(const char *codename)
{
	static const struct {
		const char *name, *version;
	} names[] = {
		{ "buster", "10" }, { "bullseye", "11" }, { "bookworm", "12" },
		{ "trixie", "13" }, { "forky", "14" },	  { "sid", "unstable" },
	};

	for (size_t i = 0; codename && i < CS_ARRAY_SIZE(names); i++)
		if (!strcmp(codename, names[i].name))
			return names[i].version;
	return NULL;
}

/* the first n dot-separated components of v */
static char *version_prefix(const char *v, int n)
{
	size_t i = 0;

	for (int dots = 0; v[i]; i++)
		if (v[i] == '.' && ++dots == n)
			break;
	return cs_strndup(v, i);
}

char *cs_match_namespace(const struct cs_package *p, const struct cs_os_release *os)
{
	switch (p->type) {
	case CS_PKG_DEB:
		if (!os || !os->id)
			return NULL;
		if (!strcmp(os->id, "ubuntu") && os->version_id)
			return cs_asprintf("ubuntu:%s", os->version_id);
		if (!strcmp(os->id, "debian")) {
			const char *v = debian_codename_version(os->version_codename);
			_cleanup_free_ char *major =
				os->version_id ? version_prefix(os->version_id, 1) : NULL;

			if (major)
				return cs_asprintf("debian:%s", major);
			return v ? cs_asprintf("debian:%s", v) : NULL;
		}
		return NULL;
	case CS_PKG_APK: {
		_cleanup_free_ char *mm = NULL;

		if (!os || !os->id || strcmp(os->id, "alpine") || !os->version_id)
			return NULL;
		mm = version_prefix(os->version_id, 2);
		return mm ? cs_asprintf("alpine:%s", mm) : NULL;
	}
	case CS_PKG_RPM: {
		_cleanup_free_ char *major = NULL;

		if (!os || !os->id || !os->version_id)
			return NULL;
		major = version_prefix(os->version_id, 1);
		return major ? cs_asprintf("%s:%s", os->id, major) : NULL;
	}
	case CS_PKG_PYPI:
		return cs_strdup("pypi");
	case CS_PKG_NPM:
		return cs_strdup("npm");
	case CS_PKG_GOLANG:
		return cs_strdup("go");
	case CS_PKG_CARGO:
		return cs_strdup("crates.io");
	case CS_PKG_MAVEN:
		return cs_strdup("maven");
	case CS_PKG_GEM:
		return cs_strdup("rubygems");
	case CS_PKG_COMPOSER:
		return cs_strdup("packagist");
	case CS_PKG_NUGET:
		return cs_strdup("nuget");
	case CS_PKG_TYPE_COUNT:
		break;
	}
	return NULL;
}

static enum cs_version_scheme scheme_for(enum cs_pkg_type t)
{
	switch (t) {
	case CS_PKG_DEB:
		return CS_VERSION_DPKG;
	case CS_PKG_APK:
		return CS_VERSION_APK;
	case CS_PKG_RPM:
		return CS_VERSION_RPM;
	case CS_PKG_PYPI:
		return CS_VERSION_PEP440;
	case CS_PKG_GOLANG:
		return CS_VERSION_GO;
	case CS_PKG_MAVEN:
		return CS_VERSION_MAVEN;
	case CS_PKG_GEM:
		return CS_VERSION_GEM;
	default:
		return CS_VERSION_SEMVER;
	}
}

/* PEP 503: lowercase, runs of "-_." become "-" */
static char *pep503(const char *name)
{
	struct cs_buf b = CS_BUF_INIT(4096);

	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			while (p[1] == '-' || p[1] == '_' || p[1] == '.')
				p++;
			if (cs_buf_putc(&b, '-') < 0)
				break;
		} else if (cs_buf_putc(&b, (char)tolower((unsigned char)*p)) < 0) {
			break;
		}
	}
	return cs_buf_steal(&b, NULL);
}

/* Go versions compare with their "v"; OSV writes them without it */
static char *go_version(const char *v)
{
	return v[0] == 'v' ? cs_strdup(v) : cs_asprintf("v%s", v);
}

static int cmp_versions(enum cs_version_scheme s, const char *a, const char *b, int *ret,
			struct cs_error *err)
{
	_cleanup_free_ char *ga = NULL, *gb = NULL;

	if (s == CS_VERSION_GO) {
		ga = go_version(a);
		gb = go_version(b);
		if (!ga || !gb)
			return -ENOMEM;
		a = ga;
		b = gb;
	}
	return cs_version_compare(s, a, b, ret, err);
}

struct event {
	const char *kind; /* introduced, fixed, last_affected, limit */
	const char *version;
};

static int range_affects(enum cs_version_scheme s, const char *v, json_t *events, bool *ret,
			 char **ret_fix, struct cs_error *err)
{
	struct event ev[MAX_EVENTS];
	size_t n = 0, i;
	bool affected = false;
	json_t *e;
	int r, c;

	json_array_foreach (events, i, e) {
		const char *key;
		json_t *val;

		if (n >= MAX_EVENTS)
			return cs_error_set(err, -CS_E_LIMIT, "more than %d range events",
					    MAX_EVENTS);
		json_object_foreach (e, key, val) {
			if (!json_is_string(val))
				return cs_error_set(err, -CS_E_INPUT,
						    "range event '%s' is not a string", key);
			ev[n].kind = key;
			ev[n].version = json_string_value(val);
			n++;
			break;
		}
	}
	/* OSV: evaluate the events in version order ("0" first) */
	for (i = 1; i < n; i++) {
		struct event x = ev[i];
		size_t j = i;

		while (j > 0) {
			if (!strcmp(x.version, "0"))
				c = -1;
			else if (!strcmp(ev[j - 1].version, "0"))
				c = 1;
			else if ((r = cmp_versions(s, ev[j - 1].version, x.version, &c, err)) < 0)
				return r;
			else
				c = -c;
			if (c >= 0)
				break;
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = x;
	}
	for (i = 0; i < n; i++) {
		bool zero = !strcmp(ev[i].version, "0");

		if (zero)
			c = 1;
		else if ((r = cmp_versions(s, v, ev[i].version, &c, err)) < 0)
			return r;
		if (!strcmp(ev[i].kind, "introduced")) {
			if (zero || c >= 0)
				affected = true;
		} else if (!strcmp(ev[i].kind, "fixed") || !strcmp(ev[i].kind, "limit")) {
			if (c >= 0)
				affected = false;
		} else if (!strcmp(ev[i].kind, "last_affected")) {
			if (c > 0)
				affected = false;
		}
	}
	*ret = affected;
	/* the fix of the interval the version is in: the first fixed event above it */
	for (i = 0; affected && ret_fix && i < n; i++) {
		if (strcmp(ev[i].kind, "fixed") || !strcmp(ev[i].version, "0"))
			continue;
		if ((r = cmp_versions(s, v, ev[i].version, &c, err)) < 0)
			return r;
		if (c < 0) {
			*ret_fix = cs_strdup(ev[i].version);
			return *ret_fix ? 0 : -ENOMEM;
		}
	}
	return 0;
}

static int any_satisfied(enum cs_version_scheme s, const char *v, json_t *reqs, bool *ret,
			 struct cs_error *err)
{
	size_t i;
	json_t *q;

	*ret = false;
	json_array_foreach (reqs, i, q) {
		bool ok = false;
		int r;

		if (!json_is_string(q))
			return cs_error_set(err, -CS_E_INPUT, "requirement is not a string");
		r = cs_version_satisfies(s, v, json_string_value(q), &ok, err);
		if (r < 0)
			return r;
		if (ok) {
			*ret = true;
			return 0;
		}
	}
	return 0;
}

int cs_match_ranges(enum cs_version_scheme scheme, const char *v, const char *ranges, bool *ret,
		    struct cs_error *err)
{
	return cs_match_ranges_fix(scheme, v, ranges, ret, NULL, err);
}

int cs_match_ranges_fix(enum cs_version_scheme scheme, const char *v, const char *ranges, bool *ret,
			char **ret_fix, struct cs_error *err)
{
	json_error_t jerr;
	json_t *root = json_loads(ranges ? ranges : "[]", JSON_REJECT_DUPLICATES, &jerr);
	size_t i;
	json_t *rg;
	int r = 0;

	if (!root || !json_is_array(root)) {
		json_decref(root);
		return cs_error_set(err, -CS_E_INPUT, "invalid ranges '%.80s'", ranges);
	}
	*ret = json_array_size(root) == 0; /* no range: every version */
	json_array_foreach (root, i, rg) {
		json_t *versions = json_object_get(rg, "versions");
		json_t *patched = json_object_get(rg, "gem_patched");
		json_t *unaffected = json_object_get(rg, "gem_unaffected");
		bool hit = false;

		if (versions) {
			size_t k;
			json_t *x;

			json_array_foreach (versions, k, x) {
				int c;

				if (!json_is_string(x))
					continue;
				r = cmp_versions(scheme, v, json_string_value(x), &c, err);
				if (r < 0)
					goto out;
				if (c == 0)
					hit = true;
			}
		} else if (patched || unaffected) {
			bool in_patched = false, in_unaffected = false;

			if (patched &&
			    (r = any_satisfied(scheme, v, patched, &in_patched, err)) < 0)
				goto out;
			if (unaffected &&
			    (r = any_satisfied(scheme, v, unaffected, &in_unaffected, err)) < 0)
				goto out;
			hit = !in_patched && !in_unaffected;
		} else if (json_is_array(rg)) {
			r = range_affects(scheme, v, rg, &hit, ret_fix, err);
			if (r < 0)
				goto out;
		} else {
			/* a flat list of events: the whole array is one range */
			r = range_affects(scheme, v, root, &hit, ret_fix, err);
			if (r < 0)
				goto out;
			*ret = hit;
			goto out;
		}
		if (hit) {
			*ret = true;
			break;
		}
	}
out:
	json_decref(root);
	return r;
}

/* --- collecting matches --- */

struct raw_match {
	char *id;
	char *canonical;
	char *fixed;
	char *source;
	char *note;
	char *namespace;
	char *name;
	char *version;
	enum cs_fix_state state;
	enum cs_severity severity;
};

struct pkg_ctx {
	struct cs_vulndb *db;
	const struct cs_package *pkg;
	const char *namespace;
	const char *name;
	const char *version;
	enum cs_version_scheme scheme;
	struct raw_match *m;
	size_t n, cap;
	struct cs_findings *out;
};

static int add_warning(struct cs_findings *f, const char *fmt, ...) CS_PRINTF(2, 3);
static int add_warning(struct cs_findings *f, const char *fmt, ...)
{
	char **w;
	va_list ap;
	char *s = NULL;
	int r;

	if (f->n_warnings >= 1000)
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	w = cs_reallocarray(f->warnings, f->n_warnings + 1, sizeof(*w));
	if (!w) {
		free(s);
		return -ENOMEM;
	}
	f->warnings = w;
	w[f->n_warnings++] = s;
	return 0;
}

static int on_affected(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	struct pkg_ctx *c = ud;
	struct cs_error merr = CS_ERROR_INIT;
	struct raw_match *m;
	_cleanup_free_ char *fix = NULL;
	bool hit = false;
	int r;

	(void)err;
	if (a->fix_state == CS_FIX_NOT_AFFECTED)
		return 0;
	r = cs_match_ranges_fix(a->scheme, c->version, a->ranges, &hit, &fix, &merr);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return add_warning(c->out, "%s %s: cannot evaluate %s from %s: %s", c->name,
				   c->version, a->vuln_id, a->source ? a->source : "?", merr.msg);
	if (!hit)
		return 0;
	if (CS_GROW(c->m, c->cap, c->n + 1) < 0)
		return -ENOMEM;
	m = &c->m[c->n];
	memset(m, 0, sizeof(*m));
	m->id = cs_strdup(a->vuln_id);
	/* the fix on the installed version's own line when the ranges tell it */
	m->fixed = a->fix_state != CS_FIX_FIXED ? NULL
		   : fix			? CS_TAKE_PTR(fix)
						: cs_strdup(a->fixed);
	m->source = cs_strdup(a->source);
	m->note = cs_strdup(a->note);
	m->namespace = cs_strdup(c->namespace);
	m->name = cs_strdup(c->name);
	m->version = cs_strdup(c->version);
	m->state = a->fix_state;
	m->severity = a->severity;
	c->n++;
	if (!m->id || !m->namespace || !m->name || !m->version)
		return -ENOMEM;
	return 0;
}

static void raw_done(struct raw_match *m)
{
	free(m->id);
	free(m->canonical);
	free(m->fixed);
	free(m->source);
	free(m->note);
	free(m->namespace);
	free(m->name);
	free(m->version);
}

struct alias_ctx {
	char *best;  /* smallest CVE id seen */
	char ***ids; /* all ids seen */
	size_t *n_ids;
};

static int is_cve(const char *s)
{
	return !strncmp(s, "CVE-", 4);
}

/* CVE ids order by year then number, not lexically */
static int cve_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (strncmp(a, b, 9))
		return strcmp(a, b);
	return la != lb ? (la < lb ? -1 : 1) : strcmp(a, b);
}

static int strv_add_unique(char ***v, size_t *n, const char *s)
{
	char **nv;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	nv = cs_reallocarray(*v, *n + 2, sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = cs_strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	nv[*n] = NULL;
	return 0;
}

static int on_alias(void *ud, const char *alias, struct cs_error *err)
{
	struct alias_ctx *a = ud;

	(void)err;
	if (is_cve(alias) && (!a->best || cve_cmp(alias, a->best) < 0)) {
		free(a->best);
		a->best = cs_strdup(alias);
		if (!a->best)
			return -ENOMEM;
	}
	return strv_add_unique(a->ids, a->n_ids, alias);
}

static int cmp_strp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void finding_done(struct cs_finding *f)
{
	free(f->id);
	cs_strv_free(f->aliases);
	free(f->namespace);
	free(f->matched_name);
	free(f->installed);
	free(f->fixed);
	free(f->cvss3_vector);
	free(f->cvss4_vector);
	free(f->kev_date_added);
	free(f->title);
	free(f->url);
	free(f->sources);
	free(f->note);
	free(f->suppressed_by);
	free(f->justification);
}

void cs_findings_free(struct cs_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		finding_done(&f->v[i]);
	free(f->v);
	for (size_t i = 0; i < f->n_warnings; i++)
		free(f->warnings[i]);
	free(f->warnings);
	for (size_t i = 0; i < f->n_suppressed; i++)
		finding_done(&f->suppressed[i]);
	free(f->suppressed);
	free(f);
}

int cs_findings_suppress(struct cs_findings *f, size_t i, const char *by, const char *why)
{
	struct cs_finding *x;

	assert(i < f->n);
	if (CS_GROW(f->suppressed, f->cap_suppressed, f->n_suppressed + 1) < 0)
		return -ENOMEM;
	x = &f->suppressed[f->n_suppressed];
	*x = f->v[i];
	x->suppressed_by = by ? cs_strdup(by) : NULL;
	x->justification = why ? cs_strdup(why) : NULL;
	if ((by && !x->suppressed_by) || (why && !x->justification)) {
		free(x->suppressed_by);
		free(x->justification);
		x->suppressed_by = x->justification = NULL;
		return -ENOMEM;
	}
	f->n_suppressed++;
	memmove(&f->v[i], &f->v[i + 1], (f->n - i - 1) * sizeof(*f->v));
	f->n--;
	return 0;
}

void cs_findings_filter(struct cs_findings *f, bool (*keep)(const struct cs_finding *, void *),
			void *ud)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n; i++) {
		if (keep(&f->v[i], ud))
			f->v[k++] = f->v[i];
		else
			finding_done(&f->v[i]);
	}
	f->n = k;
}

static int append_csv(char **dst, const char *s)
{
	char *n;

	if (!s || !*s)
		return 0;
	if (*dst) {
		/* no duplicates in the list */
		const char *p = *dst;
		size_t l = strlen(s);

		while ((p = strstr(p, s))) {
			if ((p == *dst || p[-1] == ' ') && (p[l] == ',' || !p[l]))
				return 0;
			p += l;
		}
		n = cs_asprintf("%s, %s", *dst, s);
	} else {
		n = cs_strdup(s);
	}
	if (!n)
		return -ENOMEM;
	free(*dst);
	*dst = n;
	return 0;
}

/* Merge the raw matches of one package into findings, one per vulnerability. */
static int merge_package(struct pkg_ctx *c, const struct cs_match_options *opts,
			 struct cs_error *err)
{
	for (size_t i = 0; i < c->n; i++) {
		struct alias_ctx ac = { 0 };
		char **ids = NULL;
		size_t n_ids = 0;
		int r;

		ac.ids = &ids;
		ac.n_ids = &n_ids;
		if (is_cve(c->m[i].id))
			ac.best = cs_strdup(c->m[i].id);
		r = strv_add_unique(&ids, &n_ids, c->m[i].id);
		if (r >= 0)
			r = cs_vulndb_aliases(c->db, c->m[i].id, on_alias, &ac, err);
		cs_strv_free(ids);
		if (r < 0) {
			free(ac.best);
			return r;
		}
		c->m[i].canonical = ac.best ? ac.best : cs_strdup(c->m[i].id);
		if (!c->m[i].canonical)
			return -ENOMEM;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct cs_finding *f = NULL;
		struct raw_match *m = &c->m[i];
		size_t k;

		for (k = 0; k < c->out->n; k++)
			if (c->out->v[k].pkg == c->pkg && !strcmp(c->out->v[k].id, m->canonical))
				break;
		if (k == c->out->n) {
			if (CS_GROW(c->out->v, c->out->cap, c->out->n + 1) < 0)
				return -ENOMEM;
			f = &c->out->v[c->out->n++];
			memset(f, 0, sizeof(*f));
			f->pkg = c->pkg;
			f->id = cs_strdup(m->canonical);
			f->namespace = cs_strdup(m->namespace);
			f->matched_name = cs_strdup(m->name);
			f->installed = cs_strdup(m->version);
			f->fix_state = m->state;
			f->epss = f->epss_percentile = -1;
			if (!f->id || !f->namespace || !f->matched_name || !f->installed)
				return -ENOMEM;
		} else {
			f = &c->out->v[k];
			/* a fixed record wins over an unfixed one for the same vulnerability */
			if (m->state == CS_FIX_FIXED)
				f->fix_state = CS_FIX_FIXED;
		}
		if (strcmp(m->id, f->id) && strv_add_unique(&f->aliases, &f->n_aliases, m->id) < 0)
			return -ENOMEM;
		if (append_csv(&f->fixed, m->fixed) < 0 || append_csv(&f->sources, m->source) < 0 ||
		    (!f->note && m->note && !(f->note = cs_strdup(m->note))))
			return -ENOMEM;
		if (m->severity != CS_SEV_UNKNOWN && m->severity > f->severity) {
			f->severity = m->severity;
			f->severity_source = "distribution";
		}
	}
	(void)opts;
	return 0;
}

#define TITLE_MAX 120

/*
 * A one-line title: the summary, cut at its first sentence or at a word
 * before TITLE_MAX bytes (some feeds only have a long description).
 */
static char *make_title(const char *s)
{
	size_t n, cut;
	const char *dot;

	if (!s)
		return NULL;
	n = strcspn(s, "\n");
	if (n <= TITLE_MAX)
		return cs_strndup(s, n);
	dot = memmem(s, TITLE_MAX, ". ", 2);
	if (dot)
		return cs_strndup(s, (size_t)(dot - s) + 1);
	cut = TITLE_MAX - 3;
	while (cut > TITLE_MAX / 2 && s[cut] != ' ')
		cut--;
	/* never split a UTF-8 sequence */
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	return cs_asprintf("%.*s...", (int)cut, s);
}

/* Fill details from the vulnerability records, KEV and EPSS. */
static int enrich(struct cs_vulndb *db, struct cs_finding *f, struct cs_error *err)
{
	_cleanup_(cs_vuln_freep) struct cs_vuln *v = NULL;
	_cleanup_(cs_kev_freep) struct cs_kev *k = NULL;
	int r;

	/*
	 * the records of the id and of its aliases each may hold part of the
	 * story (an OVAL stub with a severity, the OSV record with a summary):
	 * take each detail from the first record that has it
	 */
	for (size_t i = 0; i <= f->n_aliases; i++) {
		cs_vuln_free(v);
		v = NULL;
		r = cs_vulndb_get_vuln(db, i == 0 ? f->id : f->aliases[i - 1], &v, err);
		if (r < 0)
			return r;
		if (r == 0 || !v)
			continue;
		if (!f->title && v->summary && !(f->title = make_title(v->summary)))
			return -ENOMEM;
		if (!f->url && v->url && !(f->url = cs_strdup(v->url)))
			return -ENOMEM;
		if (f->cvss3_score <= 0 && v->cvss3_score > 0) {
			f->cvss3_score = v->cvss3_score;
			free(f->cvss3_vector);
			f->cvss3_vector = cs_strdup(v->cvss3_vector);
		}
		if (f->cvss4_score <= 0 && v->cvss4_score > 0) {
			f->cvss4_score = v->cvss4_score;
			free(f->cvss4_vector);
			f->cvss4_vector = cs_strdup(v->cvss4_vector);
		}
		if (f->severity == CS_SEV_UNKNOWN && v->severity != CS_SEV_UNKNOWN) {
			f->severity = v->severity;
			f->severity_source = "advisory";
		}
	}
	if (f->severity == CS_SEV_UNKNOWN && (f->cvss3_score > 0 || f->cvss4_score > 0)) {
		f->severity =
			cs_severity_from_cvss(f->cvss3_score > 0 ? f->cvss3_score : f->cvss4_score);
		f->severity_source = "cvss";
	}
	if (!f->url && is_cve(f->id))
		f->url = cs_asprintf("https://nvd.nist.gov/vuln/detail/%s", f->id);
	if (is_cve(f->id)) {
		r = cs_vulndb_get_kev(db, f->id, &k, err);
		if (r < 0)
			return r;
		if (r > 0) {
			f->kev = true;
			f->kev_date_added = cs_strdup(k->date_added);
		}
		r = cs_vulndb_get_epss(db, f->id, &f->epss, &f->epss_percentile, err);
		if (r < 0)
			return r;
		if (r == 0)
			f->epss = f->epss_percentile = -1;
	}
	return 0;
}

static int cmp_finding(const void *x, const void *y)
{
	const struct cs_finding *a = x, *b = y;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = strcmp(a->pkg->name, b->pkg->name)))
		return c;
	if ((c = strcmp(a->installed, b->installed)))
		return c;
	return is_cve(a->id) && is_cve(b->id) ? cve_cmp(a->id, b->id) : strcmp(a->id, b->id);
}

static int match_package(struct cs_vulndb *db, const struct cs_package *p,
			 const struct cs_os_release *os, const struct cs_match_options *opts,
			 struct cs_findings *out, struct cs_error *err)
{
	_cleanup_free_ char *ns = cs_match_namespace(p, os);
	_cleanup_free_ char *norm = NULL;
	struct pkg_ctx c = { 0 };
	const char *names[2] = { NULL, NULL };
	int r = 0;

	if (!ns || !p->name || !p->version)
		return 0;
	c.db = db;
	c.pkg = p;
	c.namespace = ns;
	c.scheme = scheme_for(p->type);
	c.out = out;
	switch (p->type) {
	case CS_PKG_DEB:
	case CS_PKG_APK:
	case CS_PKG_RPM:
		/* distributions publish advisories for source packages */
		names[0] = p->source_name ? p->source_name : p->name;
		names[1] = p->source_name && strcmp(p->source_name, p->name) ? p->name : NULL;
		break;
	case CS_PKG_PYPI:
		norm = pep503(p->name);
		names[0] = norm;
		break;
	case CS_PKG_MAVEN:
		norm = p->namespace ? cs_asprintf("%s:%s", p->namespace, p->name) : NULL;
		names[0] = norm;
		break;
	default:
		names[0] = p->name;
	}
	for (size_t i = 0; i < 2 && r >= 0; i++) {
		if (!names[i])
			continue;
		c.name = names[i];
		/* Debian's source version differs from the binary's after a binNMU (+b1) */
		c.version = i == 0 && p->type == CS_PKG_DEB && p->source_version ? p->source_version
										 : p->version;
		r = cs_vulndb_lookup(db, ns, names[i], on_affected, &c, err);
	}
	if (r >= 0)
		r = merge_package(&c, opts, err);
	for (size_t i = 0; i < c.n; i++)
		raw_done(&c.m[i]);
	free(c.m);
	return r < 0 ? r : 0;
}

int cs_match_catalog(struct cs_vulndb *db, struct cs_catalog *cat,
		     const struct cs_match_options *opts, struct cs_findings **ret,
		     struct cs_error *err)
{
	static const struct cs_match_options defaults = { 0 };
	_cleanup_(cs_findings_freep) struct cs_findings *out = cs_zalloc(sizeof(*out));
	size_t k = 0;
	int r;

	if (!out)
		return -ENOMEM;
	if (!opts)
		opts = &defaults;
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		r = match_package(db, cs_catalog_get(cat, i), cs_catalog_os(cat), opts, out, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < out->n; i++) {
		struct cs_finding *f = &out->v[i];

		if (opts->ignore_unfixed && f->fix_state != CS_FIX_FIXED) {
			finding_done(f);
			continue;
		}
		if (f->aliases)
			qsort(f->aliases, f->n_aliases, sizeof(*f->aliases), cmp_strp);
		r = enrich(db, f, err);
		if (r < 0)
			return r;
		out->v[k++] = *f;
	}
	out->n = k;
	qsort(out->v, out->n, sizeof(*out->v), cmp_finding);
	*ret = CS_TAKE_PTR(out);
	return 0;
}
