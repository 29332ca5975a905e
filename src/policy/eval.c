/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evaluating one image against a policy: every rule runs and every
 * violation is listed (rule id and message), so a denied image says all
 * that is wrong with it at once. Only a failure to evaluate (an unreadable
 * layer, evidence that cannot be fetched) is an error.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "catalog/catalog.h"
#include "match/match.h"
#include "policy/internal.h"

#define BASE_NAME_KEY  "org.opencontainers.image.base.name"
#define MAX_VULN_LINES 50 /* findings listed one by one; the rest are counted */

int cs_policy_prepare(struct cs_policy *p, const struct cs_image_options *opts,
		      struct cs_error *err)
{
	if (p->base.prepared || !p->base.n_refs)
		return 0;
	p->base.layers = cs_calloc_array(p->base.n_refs, sizeof(*p->base.layers));
	if (!p->base.layers)
		return -ENOMEM;
	for (size_t i = 0; i < p->base.n_refs; i++) {
		_cleanup_(cs_image_freep) struct cs_image *img = NULL;
		const struct cs_image_config *c;
		int r;

		r = cs_image_open(p->base.refs[i], opts, &img, err);
		if (r < 0)
			return cs_error_prefix(err, "%s: allowed base image '%s'", p->file,
					       p->base.refs[i]);
		c = cs_image_config(img);
		if (c->n_diff_ids == 0)
			return cs_error_set(err, -CS_E_INPUT,
					    "%s: allowed base image '%s' has no layers", p->file,
					    p->base.refs[i]);
		p->base.layers[i].diff_ids = cs_calloc_array(c->n_diff_ids + 1, sizeof(char *));
		if (!p->base.layers[i].diff_ids)
			return -ENOMEM;
		p->base.n_layers = i + 1;
		for (size_t k = 0; k < c->n_diff_ids; k++)
			if (!(p->base.layers[i].diff_ids[k] = cs_strdup(c->diff_ids[k])))
				return -ENOMEM;
		p->base.layers[i].n = c->n_diff_ids;
	}
	p->base.prepared = true;
	return 0;
}

/* The repository an image was named by (new string), NULL for local sources. */
static char *image_name(const struct cs_image *img)
{
	const struct cs_ref *ref = cs_image_ref(img);

	if ((ref->transport == CS_TRANSPORT_REGISTRY || ref->transport == CS_TRANSPORT_ENGINE) &&
	    ref->name.domain && ref->name.path)
		return cs_asprintf("%s/%s", ref->name.domain, ref->name.path);
	return NULL;
}

static int check_trusted(const struct cs_policy *p, const char *name, const char *input,
			 struct cs_policy_decision *d)
{
	if (!p->has_trusted)
		return 0;
	if (!name)
		return cs_policy_decision_add(d, "trusted-registry",
					      "image '%s' does not come from a registry", input);
	for (size_t i = 0; p->trusted[i]; i++)
		if (cs_policy_glob(p->trusted[i], name))
			return 0;
	return cs_policy_decision_add(d, "trusted-registry",
				      "repository '%s' is not in trustedRegistries", name);
}

static int check_evidence(const struct cs_policy *p, const char *name, const char *digest,
			  const struct cs_policy_evidence *ev, struct cs_policy_decision *d,
			  struct cs_error *err)
{
	const struct {
		const struct cs_policy_keyrule *v;
		size_t n;
		const char *rule;
	} sets[] = { { p->sigs, p->n_sigs, "signature" }, { p->atts, p->n_atts, "attestation" } };

	for (size_t s = 0; s < CS_ARRAY_SIZE(sets); s++) {
		for (size_t i = 0; i < sets[s].n; i++) {
			const struct cs_policy_keyrule *k = &sets[s].v[i];
			_cleanup_free_ char *why = NULL;
			int r;

			if (!cs_policy_glob(k->match, name ? name : ""))
				continue;
			if (!name || !digest) {
				r = cs_policy_decision_add(d, sets[s].rule,
							   "image has no registry name and digest "
							   "to look up %ss for (match '%s')",
							   sets[s].rule, k->match);
				if (r < 0)
					return r;
				continue;
			}
			if (!ev ||
			    !(s ? ev->verify_attestation != NULL : ev->verify_signature != NULL))
				return cs_error_set(err, -CS_E_UNSUPPORTED,
						    "%s verification is not available",
						    sets[s].rule);
			if (s)
				r = ev->verify_attestation(ev->userdata, name, digest, k->type,
							   (const char *const *)k->keys, k->n_keys,
							   &why, err);
			else
				r = ev->verify_signature(ev->userdata, name, digest,
							 (const char *const *)k->keys, k->n_keys,
							 &why, err);
			if (r < 0)
				return cs_error_prefix(err, "cannot verify %ss of '%s@%s'",
						       sets[s].rule, name, digest);
			if (r > 0)
				continue;
			if (s)
				r = cs_policy_decision_add(d, "attestation",
							   "no verified '%s' attestation (match "
							   "'%s')%s%s",
							   k->type, k->match, why ? ": " : "",
							   why ? why : "");
			else
				r = cs_policy_decision_add(
					d, "signature",
					"no valid signature by the keys of match "
					"'%s'%s%s",
					k->match, why ? ": " : "", why ? why : "");
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static bool is_root_user(const char *user)
{
	size_t n;

	if (!user || !*user)
		return true;
	n = strcspn(user, ":");
	return (n == 1 && user[0] == '0') || (n == 4 && !strncmp(user, "root", 4));
}

static const char *label_value(const struct cs_image_config *c, const char *key)
{
	for (size_t i = 0; i < c->n_labels; i++)
		if (!strcmp(c->labels[i].key, key))
			return c->labels[i].value ? c->labels[i].value : "";
	return NULL;
}

static int check_labels(const struct cs_policy *p, const struct cs_image_config *c,
			struct cs_policy_decision *d)
{
	for (size_t i = 0; i < p->n_labels; i++) {
		const struct cs_policy_label *l = &p->labels[i];
		const char *v = label_value(c, l->key);
		pcre2_match_data *md;
		int m, r = 0;

		if (!v) {
			r = cs_policy_decision_add(d, "label", "required label '%s' is missing",
						   l->key);
		} else if (l->re) {
			md = pcre2_match_data_create_from_pattern(l->re, NULL);
			if (!md)
				return -ENOMEM;
			m = pcre2_match(l->re, (PCRE2_SPTR)v, strlen(v), 0, 0, md, NULL);
			pcre2_match_data_free(md);
			if (m < 0)
				r = cs_policy_decision_add(d, "label",
							   "label '%s' value '%s' does not match "
							   "/%s/",
							   l->key, v, l->value);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* RFC 3339 ("2024-09-06T12:05:36.123Z", "...+02:00") into seconds; <0 if not */
static int parse_time(const char *s, int64_t *ret)
{
	struct tm tm = { 0 };
	const char *e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	int64_t t, off = 0;

	if (!e)
		return -EINVAL;
	if (*e == '.')
		for (e++; *e >= '0' && *e <= '9'; e++)
			;
	if (*e == '+' || *e == '-') {
		int hh, mm;

		if (strlen(e) != 6 || e[3] != ':' || sscanf(e + 1, "%2d:%2d", &hh, &mm) != 2)
			return -EINVAL;
		off = (hh * 3600 + mm * 60) * (*e == '-' ? -1 : 1);
	} else if (strcmp(e, "Z") && strcmp(e, "z")) {
		return -EINVAL;
	}
	t = (int64_t)timegm(&tm);
	*ret = t - off;
	return 0;
}

static int check_age(const struct cs_policy *p, const struct cs_image_config *c, int64_t now,
		     struct cs_policy_decision *d)
{
	int64_t created;

	if (!p->max_age)
		return 0;
	if (!c->created || parse_time(c->created, &created) < 0)
		return cs_policy_decision_add(d, "max-age",
					      "image has no valid creation time ('%s')",
					      c->created ? c->created : "");
	if (now - created <= p->max_age)
		return 0;
	return cs_policy_decision_add(
		d, "max-age", "image was created %s, %lld days ago (maxAge %lld days)", c->created,
		(long long)((now - created) / 86400), (long long)(p->max_age / 86400));
}

static const char *base_name(struct cs_image *img)
{
	const struct cs_manifest *m = cs_image_manifest(img);
	const char *v;

	if (m)
		for (size_t i = 0; i < m->n_annotations; i++)
			if (!strcmp(m->annotations[i].key, BASE_NAME_KEY))
				return m->annotations[i].value;
	v = label_value(cs_image_config(img), BASE_NAME_KEY);
	return v && *v ? v : NULL;
}

static int check_base(const struct cs_policy *p, struct cs_image *img, struct cs_policy_decision *d,
		      struct cs_error *err)
{
	const struct cs_image_config *c = cs_image_config(img);
	const char *bn;

	if (!p->base.enabled)
		return 0;
	if (p->base.n_refs && !p->base.prepared)
		return cs_error_set(err, -CS_E_INTERNAL, "policy base images were not prepared");
	bn = base_name(img);
	if (bn && p->base.names) {
		struct cs_docker_ref dr = { 0 };
		_cleanup_free_ char *norm = NULL;

		if (cs_docker_ref_parse(bn, false, &dr, NULL) >= 0) {
			norm = cs_docker_ref_format(&dr);
			cs_docker_ref_done(&dr);
		}
		for (size_t i = 0; p->base.names[i]; i++)
			if (cs_policy_glob(p->base.names[i], bn) ||
			    (norm && cs_policy_glob(p->base.names[i], norm)))
				return 0;
	}
	for (size_t i = 0; i < p->base.n_layers; i++) {
		const struct cs_policy_base_layers *b = &p->base.layers[i];
		size_t k;

		if (b->n > c->n_diff_ids)
			continue;
		for (k = 0; k < b->n; k++)
			if (strcmp(b->diff_ids[k], c->diff_ids[k]))
				break;
		if (k == b->n)
			return 0;
	}
	if (bn)
		return cs_policy_decision_add(
			d, "base-image", "base image '%s' is not allowed%s", bn,
			p->base.n_refs ? " and no allowed base image's layers "
					 "start the image"
				       : "");
	return cs_policy_decision_add(d, "base-image",
				      "base image unknown: no '" BASE_NAME_KEY "' annotation%s",
				      p->base.n_refs ? " and no allowed base image's layers start "
						       "the image"
						     : "");
}

/* One finding over the limits: why, in why (empty when within them). */
static size_t over_limits(const struct cs_policy *p, enum cs_severity sev, double cvss, bool kev,
			  char *why, size_t n)
{
	size_t w = 0;

	why[0] = '\0';
	if (p->vuln.max_severity >= 0 && (int)sev > p->vuln.max_severity)
		w += (size_t)snprintf(why + w, n - w, "%sseverity %s > %s", w ? ", " : "",
				      cs_severity_name(sev),
				      cs_severity_name(p->vuln.max_severity));
	if (p->vuln.max_cvss >= 0 && cvss > p->vuln.max_cvss && w < n)
		w += (size_t)snprintf(why + w, n - w, "%sCVSS %.1f > %.1f", w ? ", " : "", cvss,
				      p->vuln.max_cvss);
	if (p->vuln.deny_kev && kev && w < n)
		w += (size_t)snprintf(why + w, n - w, "%sin CISA KEV (known exploited)",
				      w ? ", " : "");
	return w;
}

/*
 * The findings of a verified vulnerability attestation: cosign's vuln
 * predicate (scanner.result) around a customs scan report, whose findings
 * are judged by the same limits as a scan's.
 */
static int check_vulns_attested(const struct cs_policy *p, const char *name, const char *digest,
				const struct cs_policy_evidence *ev, struct cs_policy_decision *d,
				struct cs_error *err)
{
	_cleanup_free_ char *why_none = NULL;
	json_t *pred = NULL, *findings;
	size_t listed = 0, more = 0, i;
	json_t *f;
	int r;

	if (!name || !digest)
		return cs_policy_decision_add(d, "vulnerability",
					      "image has no registry name and digest to look up "
					      "its vulnerability attestation for");
	if (!ev || !ev->vuln_attestation)
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "vulnerability attestations cannot be fetched here");
	r = ev->vuln_attestation(ev->userdata, name, digest, (const char *const *)p->vuln.keys,
				 p->vuln.n_keys, &pred, &why_none, err);
	if (r < 0)
		return cs_error_prefix(err, "cannot read the vulnerability attestation of '%s@%s'",
				       name, digest);
	if (r == 0)
		return cs_policy_decision_add(d, "vulnerability",
					      "no verified vulnerability attestation%s%s",
					      why_none ? ": " : "", why_none ? why_none : "");
	findings = json_object_get(json_object_get(json_object_get(pred, "scanner"), "result"),
				   "findings");
	if (!json_is_array(findings)) {
		json_decref(pred);
		return cs_policy_decision_add(d, "vulnerability",
					      "the vulnerability attestation holds no customs scan "
					      "report (scanner.result.findings)");
	}
	json_array_foreach (findings, i, f) {
		const char *id = json_string_value(json_object_get(f, "id"));
		const char *sev = json_string_value(json_object_get(f, "severity"));
		const char *fix = json_string_value(json_object_get(f, "fixState"));
		json_t *pkg = json_object_get(f, "package");
		double cvss =
			json_number_value(json_object_get(json_object_get(f, "cvss3"), "score"));
		bool kev = json_is_true(json_object_get(f, "kev"));
		int s = sev ? cs_severity_from_name(sev) : -1;
		char why[256];

		if (!id)
			continue;
		if (p->vuln.ignore_unfixed && !(fix && !strcmp(fix, "fixed")))
			continue;
		if (!over_limits(p, s > 0 ? (enum cs_severity)s : CS_SEV_UNKNOWN, cvss, kev, why,
				 sizeof(why)))
			continue;
		if (listed == MAX_VULN_LINES) {
			more++;
			continue;
		}
		listed++;
		r = cs_policy_decision_add(
			d, "vulnerability", "%.80s in %.120s %.80s (attested): %s", id,
			json_string_value(json_object_get(pkg, "name"))
				? json_string_value(json_object_get(pkg, "name"))
				: "?",
			json_string_value(json_object_get(f, "installedVersion"))
				? json_string_value(json_object_get(f, "installedVersion"))
				: "?",
			why);
		if (r < 0) {
			json_decref(pred);
			return r;
		}
	}
	json_decref(pred);
	if (more)
		return cs_policy_decision_add(
			d, "vulnerability", "and %zu more attested findings over the limits", more);
	return 0;
}

static int check_vulns(const struct cs_policy *p, struct cs_image *img,
		       const struct cs_policy_context *ctx, struct cs_policy_decision *d,
		       const char *name, struct cs_error *err)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_findings_freep) struct cs_findings *fs = NULL;
	struct cs_match_options mo = { .ignore_unfixed = p->vuln.ignore_unfixed };
	size_t listed = 0, more = 0;
	int r;

	if (!p->vuln.enabled)
		return 0;
	if (p->vuln.from_attestation)
		return check_vulns_attested(p, name, cs_image_manifest_digest(img), ctx->evidence,
					    d, err);
	if (!ctx->db)
		return cs_error_set(
			err, -CS_E_USAGE,
			"the policy limits vulnerabilities: a database is needed (--db)");
	r = cs_catalog_new(&cat);
	if (r < 0)
		return r;
	r = cs_catalog_image_cached(img, cat, ctx->cache, err);
	if (r >= 0)
		r = cs_match_catalog(ctx->db, cat, &mo, &fs, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < fs->n; i++) {
		const struct cs_finding *f = &fs->v[i];
		char why[256];

		if (!over_limits(p, f->severity, f->cvss3_score, f->kev, why, sizeof(why)))
			continue;
		if (listed == MAX_VULN_LINES) {
			more++;
			continue;
		}
		listed++;
		r = cs_policy_decision_add(d, "vulnerability", "%s in %s %s: %s", f->id,
					   f->pkg ? f->pkg->name : "?",
					   f->installed ? f->installed : "?", why);
		if (r < 0)
			return r;
	}
	if (more)
		return cs_policy_decision_add(d, "vulnerability",
					      "and %zu more findings over the limits", more);
	return 0;
}

int cs_policy_eval(const struct cs_policy *p, struct cs_image *img,
		   const struct cs_policy_context *ctx, struct cs_policy_decision **ret,
		   struct cs_error *err)
{
	_cleanup_(cs_policy_decision_freep) struct cs_policy_decision *d = NULL;
	_cleanup_free_ char *own = NULL;
	const struct cs_image_config *c = cs_image_config(img);
	const char *name = ctx->name, *input = cs_image_ref(img)->input;
	int64_t now = ctx->now ? ctx->now : (int64_t)time(NULL);
	int r;

	d = cs_zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (!name)
		name = own = image_name(img);
	r = check_trusted(p, name, input, d);
	if (r >= 0)
		r = check_evidence(p, name, cs_image_manifest_digest(img), ctx->evidence, d, err);
	if (r >= 0 && p->forbid_root && is_root_user(c->user))
		r = cs_policy_decision_add(d, "root-user", "image runs as root (User '%s')",
					   c->user ? c->user : "");
	if (r >= 0)
		r = check_labels(p, c, d);
	if (r >= 0)
		r = check_age(p, c, now, d);
	if (r >= 0)
		r = check_base(p, img, d, err);
	if (r >= 0)
		r = check_vulns(p, img, ctx, d, name, err);
	if (r < 0) {
		if (!err->code)
			cs_error_errno(err, r, "cannot evaluate '%s'", input);
		return r;
	}
	d->allowed = d->n == 0 || p->mode == CS_POLICY_AUDIT;
	*ret = CS_TAKE_PTR(d);
	return 0;
}
