/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ImagePolicy documents (docs/POLICY.md): strict parsing of the YAML into
 * the rule set, name globs, and decisions. A policy is trusted more than an
 * image but is still checked: every key is known, every value has its type,
 * every list is bounded, and an error names the file and the line.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/parse.h"
#include "basic/stream.h"
#include "basic/yaml.h"
#include "policy/internal.h"
#include "vulndb/vulndb.h"

bool cs_policy_glob(const char *p, const char *s)
{
	/* iterative matcher with one backtrack point per star kind (no recursion blow-up) */
	const char *star_p = NULL, *star_s = NULL;
	bool star_any = false;

	while (*s) {
		if (p[0] == '*' && p[1] == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			star_any = true;
			continue;
		}
		if (*p == '*') {
			p++;
			star_p = p;
			star_s = s;
			star_any = false;
			continue;
		}
		if (*p == *s || (*p == '?' && *s != '/')) {
			p++;
			s++;
			continue;
		}
		if (star_p && (star_any || *star_s != '/')) {
			p = star_p;
			s = ++star_s;
			continue;
		}
		return false;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

void cs_policy_decision_free(struct cs_policy_decision *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].message);
	free(d->v);
	free(d);
}

int cs_policy_decision_add(struct cs_policy_decision *d, const char *rule, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int r;

	r = cs_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	if (r < 0)
		return r;
	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	d->v[d->n].rule = rule;
	d->v[d->n].message = msg;
	d->n++;
	return 0;
}

struct cs_policy_decision *cs_policy_decision_dup(const struct cs_policy_decision *d)
{
	struct cs_policy_decision *c = cs_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->allowed = d->allowed;
	for (size_t i = 0; i < d->n; i++)
		if (cs_policy_decision_add(c, d->v[i].rule, "%s", d->v[i].message) < 0) {
			cs_policy_decision_free(c);
			return NULL;
		}
	return c;
}

char *cs_policy_decision_message(const struct cs_policy_decision *d)
{
	struct cs_buf b = CS_BUF_INIT(1u << 20);

	for (size_t i = 0; i < d->n; i++)
		if (cs_buf_printf(&b, "%s%s: %s", i ? "; " : "", d->v[i].rule, d->v[i].message) <
		    0) {
			cs_buf_done(&b);
			return NULL;
		}
	if (cs_buf_putc(&b, '\0') < 0) {
		cs_buf_done(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

static void key_rules_free(struct cs_policy_keyrule *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(k[i].match);
		free(k[i].type);
		cs_strv_free(k[i].keys);
	}
	free(k);
}

void cs_policy_free(struct cs_policy *p)
{
	if (!p)
		return;
	free(p->file);
	cs_strv_free(p->trusted);
	key_rules_free(p->sigs, p->n_sigs);
	key_rules_free(p->atts, p->n_atts);
	free(p->vuln.db);
	cs_strv_free(p->vuln.keys);
	for (size_t i = 0; i < p->n_labels; i++) {
		free(p->labels[i].key);
		free(p->labels[i].value);
		pcre2_code_free(p->labels[i].re);
	}
	free(p->labels);
	cs_strv_free(p->base.names);
	cs_strv_free(p->base.refs);
	for (size_t i = 0; i < p->base.n_layers; i++)
		cs_strv_free(p->base.layers[i].diff_ids);
	free(p->base.layers);
	free(p);
}

/* ---- parsing ----------------------------------------------------------- */

struct parser {
	const char *data;
	size_t len;
	const char *file;
	const struct cs_yaml *y;
	struct cs_error *err;
	unsigned doc_line;
};

static unsigned line_of(const struct parser *ps, const json_t *node, const json_t *parent)
{
	unsigned l = node ? cs_yaml_line(ps->y, node) : 0;

	if (!l && parent)
		l = cs_yaml_line(ps->y, parent);
	return l ? l : ps->doc_line;
}

static int bad(const struct parser *ps, const json_t *node, const json_t *parent, const char *fmt,
	       ...) CS_PRINTF(4, 5);
static int bad(const struct parser *ps, const json_t *node, const json_t *parent, const char *fmt,
	       ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(ps->err, -CS_E_INPUT, "%s:%u: %s", ps->file, line_of(ps, node, parent),
			    msg);
}

/*
 * The line of `key` in the block mapping starting at line `from`: the
 * loader records lines of containers only, so a scalar's key is found in
 * the text (first "KEY:" at or after the mapping's line); 0 when not found.
 */
static unsigned key_line(const struct parser *ps, unsigned from, const char *key)
{
	size_t kl = strlen(key), i = 0;
	unsigned line = 1;

	while (i < ps->len && line < from)
		if (ps->data[i++] == '\n')
			line++;
	for (; i < ps->len; line++) {
		size_t e = i;

		while (e < ps->len && ps->data[e] != '\n')
			e++;
		while (i < e && (ps->data[i] == ' ' || ps->data[i] == '\t'))
			i++;
		if (i + 1 < e && ps->data[i] == '-' && ps->data[i + 1] == ' ')
			for (i += 2; i < e && ps->data[i] == ' '; i++)
				;
		if (i < e && (ps->data[i] == '"' || ps->data[i] == '\''))
			i++;
		if (e - i > kl && !memcmp(ps->data + i, key, kl)) {
			i += kl;
			if (i < e && (ps->data[i] == '"' || ps->data[i] == '\''))
				i++;
			while (i < e && ps->data[i] == ' ')
				i++;
			if (i < e && ps->data[i] == ':')
				return line;
		}
		i = e + 1;
	}
	return 0;
}

/* An error about `key` of mapping obj, at the key's line. */
static int bad_key(const struct parser *ps, const json_t *obj, const char *key, const char *fmt,
		   ...) CS_PRINTF(4, 5);
static int bad_key(const struct parser *ps, const json_t *obj, const char *key, const char *fmt,
		   ...)
{
	unsigned from = line_of(ps, obj, NULL), l = key_line(ps, from, key);
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(ps->err, -CS_E_INPUT, "%s:%u: %s", ps->file, l ? l : from, msg);
}

/* Every key of obj must be in keys (NULL-terminated). */
static int check_keys(const struct parser *ps, const json_t *obj, const char *where,
		      const char *const *keys)
{
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)obj, k, v) {
		bool known = false;

		for (size_t i = 0; keys[i] && !known; i++)
			known = !strcmp(keys[i], k);
		if (!known)
			return bad_key(ps, obj, k, "unknown key '%s' in %s", k, where);
	}
	return 0;
}

static int get_string(const struct parser *ps, const json_t *obj, const char *key, bool required,
		      const char **ret)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v)) {
		if (required)
			return bad(ps, NULL, obj, "'%s' is required", key);
		*ret = NULL;
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0)
		return bad_key(ps, obj, key, "'%s' must be a non-empty string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return bad_key(ps, obj, key, "'%s' contains a NUL byte", key);
	*ret = json_string_value(v);
	return 0;
}

static int get_bool(const struct parser *ps, const json_t *obj, const char *key, bool *ret)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad_key(ps, obj, key, "'%s' must be true or false", key);
	*ret = json_is_true(v);
	return 0;
}

/* A list of non-empty strings (a single string counts as a list of one). */
static int get_strv(const struct parser *ps, const json_t *obj, const char *key, bool required,
		    char ***ret)
{
	json_t *v = json_object_get(obj, key), *x;
	char **out;
	size_t i;

	if (!v || json_is_null(v)) {
		if (required)
			return bad(ps, NULL, obj, "'%s' is required", key);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s;
		int r = get_string(ps, obj, key, true, &s);

		if (r < 0)
			return r;
		out = cs_calloc_array(2, sizeof(*out));
		if (!out || !(out[0] = cs_strdup(s))) {
			free(out);
			return -ENOMEM;
		}
		*ret = out;
		return 0;
	}
	if (!json_is_array(v))
		return bad_key(ps, obj, key, "'%s' must be a list of strings", key);
	if (json_array_size(v) == 0 && required)
		return bad(ps, v, obj, "'%s' must not be empty", key);
	if (json_array_size(v) > CS_POLICY_MAX_ITEMS)
		return cs_error_set(ps->err, -CS_E_LIMIT, "%s:%u: '%s' has more than %u entries",
				    ps->file, line_of(ps, v, obj), key, CS_POLICY_MAX_ITEMS);
	out = cs_calloc_array(json_array_size(v) + 1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	json_array_foreach (v, i, x) {
		if (!json_is_string(x) || json_string_length(x) == 0 ||
		    strlen(json_string_value(x)) != json_string_length(x)) {
			cs_strv_free(out);
			return bad(ps, v, obj, "'%s' entry %zu must be a non-empty string", key,
				   i + 1);
		}
		out[i] = cs_strdup(json_string_value(x));
		if (!out[i]) {
			cs_strv_free(out);
			return -ENOMEM;
		}
	}
	*ret = out;
	return 0;
}

static int get_list(const struct parser *ps, const json_t *obj, const char *key, json_t **ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad_key(ps, obj, key, "'%s' must be a list", key);
	if (json_array_size(v) > CS_POLICY_MAX_ITEMS)
		return cs_error_set(ps->err, -CS_E_LIMIT, "%s:%u: '%s' has more than %u entries",
				    ps->file, line_of(ps, v, obj), key, CS_POLICY_MAX_ITEMS);
	*ret = v;
	return 0;
}

static int get_object(const struct parser *ps, const json_t *obj, const char *key, json_t **ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad_key(ps, obj, key, "'%s' must be a mapping", key);
	*ret = v;
	return 0;
}

/* signatures / attestations: [{match, keys[, type]}] */
static int parse_key_rules(const struct parser *ps, const json_t *rules, const char *key,
			   bool with_type, struct cs_policy_keyrule **ret, size_t *ret_n)
{
	static const char *const sig_keys[] = { "match", "keys", NULL };
	static const char *const att_keys[] = { "match", "keys", "type", NULL };
	struct cs_policy_keyrule *out;
	json_t *list, *x;
	size_t i;
	int r;

	r = get_list(ps, rules, key, &list);
	if (r < 0 || !list)
		return r;
	out = cs_calloc_array(json_array_size(list) + 1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	*ret = out;
	json_array_foreach (list, i, x) {
		const char *s;

		if (!json_is_object(x))
			return bad(ps, x, list, "%s entry %zu must be a mapping", key, i + 1);
		r = check_keys(ps, x, key, with_type ? att_keys : sig_keys);
		if (r >= 0)
			r = get_string(ps, x, "match", true, &s);
		if (r < 0)
			return r;
		(*ret_n)++;
		out[i].match = cs_strdup(s);
		if (!out[i].match)
			return -ENOMEM;
		r = get_strv(ps, x, "keys", true, &out[i].keys);
		if (r < 0)
			return r;
		out[i].n_keys = cs_strv_len(out[i].keys);
		if (with_type) {
			r = get_string(ps, x, "type", true, &s);
			if (r < 0)
				return r;
			out[i].type = cs_strdup(s);
			if (!out[i].type)
				return -ENOMEM;
		}
	}
	return 0;
}

static int parse_vulns(const struct parser *ps, const json_t *v, struct cs_policy_vuln *out,
		       const struct cs_policy_evidence *ev)
{
	static const char *const keys[] = { "source",  "db",	  "maxSeverity",
					    "maxCvss", "denyKev", "ignoreUnfixed",
					    "keys",    NULL };
	const char *s;
	json_t *x;
	int r;

	r = check_keys(ps, v, "vulnerabilities", keys);
	if (r < 0)
		return r;
	out->enabled = true;
	r = get_string(ps, v, "source", false, &s);
	if (r < 0)
		return r;
	if (s && strcmp(s, "scan") && strcmp(s, "attestation"))
		return bad_key(ps, v, "source",
			       "vulnerabilities.source must be 'scan' or 'attestation'");
	out->from_attestation = s && !strcmp(s, "attestation");
	r = get_strv(ps, v, "keys", out->from_attestation, &out->keys);
	if (r < 0)
		return r;
	out->n_keys = out->keys ? cs_strv_len(out->keys) : 0;
	if (out->from_attestation && out->n_keys == 0)
		return bad_key(ps, v, "keys",
			       "vulnerabilities.keys: the keys that sign the vulnerability "
			       "attestation");
	if (!out->from_attestation && out->n_keys)
		return bad_key(ps, v, "keys",
			       "vulnerabilities.keys only goes with source 'attestation'");
	if (out->from_attestation && !(ev && ev->vuln_attestation))
		return cs_error_set(ps->err, -CS_E_UNSUPPORTED,
				    "%s:%u: vulnerabilities.source 'attestation' is not "
				    "supported here: this program cannot fetch attestations",
				    ps->file, line_of(ps, v, NULL));
	r = get_string(ps, v, "db", false, &s);
	if (r < 0)
		return r;
	if (s && !(out->db = cs_strdup(s)))
		return -ENOMEM;
	out->max_severity = -1;
	r = get_string(ps, v, "maxSeverity", false, &s);
	if (r < 0)
		return r;
	if (s) {
		r = cs_severity_from_name(s);
		if (r < 0)
			return bad_key(ps, v, "maxSeverity",
				       "unknown maxSeverity '%s' (critical, high, medium, low, "
				       "negligible, unknown)",
				       s);
		out->max_severity = r;
	}
	out->max_cvss = -1;
	x = json_object_get(v, "maxCvss");
	if (x && !json_is_null(x)) {
		if (!json_is_number(x) || json_number_value(x) < 0 || json_number_value(x) > 10)
			return bad_key(ps, v, "maxCvss", "maxCvss must be a number from 0 to 10");
		out->max_cvss = json_number_value(x);
	}
	r = get_bool(ps, v, "denyKev", &out->deny_kev);
	if (r >= 0)
		r = get_bool(ps, v, "ignoreUnfixed", &out->ignore_unfixed);
	if (r < 0)
		return r;
	if (out->max_severity < 0 && out->max_cvss < 0 && !out->deny_kev)
		return bad(ps, v, NULL, "vulnerabilities needs maxSeverity, maxCvss or denyKev");
	return 0;
}

static int parse_labels(const struct parser *ps, const json_t *rules, struct cs_policy *p)
{
	static const char *const keys[] = { "key", "value", NULL };
	json_t *list, *x;
	size_t i;
	int r;

	r = get_list(ps, rules, "requiredLabels", &list);
	if (r < 0 || !list)
		return r;
	p->labels = cs_calloc_array(json_array_size(list) + 1, sizeof(*p->labels));
	if (!p->labels)
		return -ENOMEM;
	json_array_foreach (list, i, x) {
		struct cs_policy_label *l = &p->labels[i];
		const char *k, *v = NULL;

		if (json_is_string(x)) {
			k = json_string_value(x);
			if (!*k || strlen(k) != json_string_length(x))
				return bad(ps, list, NULL,
					   "requiredLabels entry %zu must be a non-empty string",
					   i + 1);
		} else if (json_is_object(x)) {
			r = check_keys(ps, x, "requiredLabels", keys);
			if (r >= 0)
				r = get_string(ps, x, "key", true, &k);
			if (r >= 0)
				r = get_string(ps, x, "value", false, &v);
			if (r < 0)
				return r;
		} else {
			return bad(ps, x, list,
				   "requiredLabels entry %zu must be a key or a mapping", i + 1);
		}
		p->n_labels++;
		l->key = cs_strdup(k);
		if (!l->key || (v && !(l->value = cs_strdup(v))))
			return -ENOMEM;
		if (v) {
			int ec;
			PCRE2_SIZE off;

			l->re = pcre2_compile((PCRE2_SPTR)v, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec,
					      &off, NULL);
			if (!l->re) {
				PCRE2_UCHAR m[256];

				pcre2_get_error_message(ec, m, sizeof(m));
				return bad(ps, x, list,
					   "requiredLabels '%s': invalid value regex '%s' at "
					   "offset %zu: %s",
					   k, v, (size_t)off, (const char *)m);
			}
		}
	}
	return 0;
}

static int parse_base(const struct parser *ps, const json_t *v, struct cs_policy *p)
{
	static const char *const keys[] = { "names", "refs", NULL };
	int r;

	r = check_keys(ps, v, "allowedBaseImages", keys);
	if (r >= 0)
		r = get_strv(ps, v, "names", false, &p->base.names);
	if (r >= 0)
		r = get_strv(ps, v, "refs", false, &p->base.refs);
	if (r < 0)
		return r;
	if (!p->base.names && !p->base.refs)
		return bad(ps, v, NULL, "allowedBaseImages needs names or refs");
	p->base.enabled = true;
	p->base.n_refs = cs_strv_len(p->base.refs);
	return 0;
}

static int parse_rules(const struct parser *ps, const json_t *rules, struct cs_policy *p,
		       const struct cs_policy_evidence *ev)
{
	static const char *const keys[] = {
		"trustedRegistries",
		"signatures",
		"attestations",
		"vulnerabilities",
		"forbidRootUser",
		"requiredLabels",
		"maxAge",
		"allowedBaseImages",
		NULL,
	};
	const char *s;
	json_t *o;
	int r;

	r = check_keys(ps, rules, "rules", keys);
	if (r >= 0 && json_object_get(rules, "trustedRegistries")) {
		r = get_strv(ps, rules, "trustedRegistries", true, &p->trusted);
		p->has_trusted = true;
	}
	if (r >= 0)
		r = parse_key_rules(ps, rules, "signatures", false, &p->sigs, &p->n_sigs);
	if (r >= 0)
		r = parse_key_rules(ps, rules, "attestations", true, &p->atts, &p->n_atts);
	if (r < 0)
		return r;
	if (p->n_sigs && !(ev && ev->verify_signature))
		return cs_error_set(ps->err, -CS_E_UNSUPPORTED,
				    "%s:%u: rule 'signatures' is not yet supported: this build of "
				    "customs cannot verify signatures",
				    ps->file,
				    line_of(ps, json_object_get(rules, "signatures"), rules));
	if (p->n_atts && !(ev && ev->verify_attestation))
		return cs_error_set(
			ps->err, -CS_E_UNSUPPORTED,
			"%s:%u: rule 'attestations' is not yet supported: this build of "
			"customs cannot verify attestations",
			ps->file, line_of(ps, json_object_get(rules, "attestations"), rules));
	r = get_object(ps, rules, "vulnerabilities", &o);
	if (r >= 0 && o)
		r = parse_vulns(ps, o, &p->vuln, ev);
	if (r >= 0)
		r = get_bool(ps, rules, "forbidRootUser", &p->forbid_root);
	if (r >= 0)
		r = parse_labels(ps, rules, p);
	if (r >= 0)
		r = get_string(ps, rules, "maxAge", false, &s);
	if (r < 0)
		return r;
	if (s) {
		uint64_t secs;

		if (cs_parse_duration(s, &secs) < 0 || secs == 0 || secs > INT64_MAX)
			return bad_key(ps, rules, "maxAge", "invalid maxAge '%s' (e.g. 90d, 12h)",
				       s);
		p->max_age = (int64_t)secs;
	}
	r = get_object(ps, rules, "allowedBaseImages", &o);
	if (r >= 0 && o)
		r = parse_base(ps, o, p);
	return r;
}

/* "FILE:LINE: MESSAGE" from the YAML loader's "... at line N: ..." or "... (line N)" */
static int yaml_error(const char *file, struct cs_error *err)
{
	char msg[CS_ERROR_MSG_MAX];
	const char *at = strstr(err->msg, "line ");
	unsigned line = 0;

	if (at && sscanf(at, "line %u", &line) == 1 && line > 0) {
		snprintf(msg, sizeof(msg), "%s", err->msg);
		return cs_error_set(err, err->code, "%s:%u: %s", file, line, msg);
	}
	return cs_error_prefix(err, "%s", file);
}

int cs_policy_parse(const char *data, size_t len, const char *file,
		    const struct cs_policy_evidence *ev, struct cs_policy **ret,
		    struct cs_error *err)
{
	static const char *const top_keys[] = { "apiVersion",	 "kind",  "metadata", "mode",
						"failurePolicy", "rules", NULL };
	static const char *const meta_keys[] = { "name", "annotations", "labels", NULL };
	const struct cs_yaml_options yo = { .numbers = true, .lines = true, .max_docs = 2 };
	_cleanup_(cs_yaml_freep) struct cs_yaml *y = NULL;
	_cleanup_(cs_policy_freep) struct cs_policy *p = NULL;
	struct parser ps = { .data = data, .len = len, .file = file, .err = err, .doc_line = 1 };
	const json_t *root;
	const char *s;
	json_t *o;
	int r;

	if (len > CS_POLICY_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "%s: policy larger than %u bytes", file,
				    CS_POLICY_MAX_SIZE);
	r = cs_yaml_parse(data, len, &yo, &y, err);
	if (r < 0)
		return yaml_error(file, err);
	ps.y = y;
	if (y->n_docs != 1 || !json_is_object(y->docs[0].root))
		return cs_error_set(err, -CS_E_INPUT,
				    "%s:%u: a policy is one YAML document, a mapping", file,
				    y->n_docs ? y->docs[y->n_docs > 1].line : 1);
	root = y->docs[0].root;
	ps.doc_line = y->docs[0].line;
	p = cs_zalloc(sizeof(*p));
	if (!p || !(p->file = cs_strdup(file)))
		return -ENOMEM;
	r = check_keys(&ps, root, "the policy", top_keys);
	if (r >= 0)
		r = get_string(&ps, root, "apiVersion", true, &s);
	if (r < 0)
		return r;
	if (strcmp(s, "customs.dev/v1"))
		return bad_key(&ps, root, "apiVersion",
			       "unsupported apiVersion '%s' (customs.dev/v1)", s);
	r = get_string(&ps, root, "kind", true, &s);
	if (r < 0)
		return r;
	if (strcmp(s, "ImagePolicy"))
		return bad_key(&ps, root, "kind", "unsupported kind '%s' (ImagePolicy)", s);
	r = get_object(&ps, root, "metadata", &o);
	if (r >= 0 && o)
		r = check_keys(&ps, o, "metadata", meta_keys);
	if (r >= 0)
		r = get_string(&ps, root, "mode", false, &s);
	if (r < 0)
		return r;
	if (s && !strcmp(s, "audit"))
		p->mode = CS_POLICY_AUDIT;
	else if (s && strcmp(s, "enforce"))
		return bad_key(&ps, root, "mode", "mode must be 'enforce' or 'audit', not '%s'", s);
	r = get_string(&ps, root, "failurePolicy", false, &s);
	if (r < 0)
		return r;
	if (s && !strcmp(s, "ignore"))
		p->failure = CS_POLICY_FAIL_OPEN;
	else if (s && strcmp(s, "fail"))
		return bad_key(&ps, root, "failurePolicy",
			       "failurePolicy must be 'fail' or 'ignore', not '%s'", s);
	r = get_object(&ps, root, "rules", &o);
	if (r < 0)
		return r;
	if (!o)
		return bad(&ps, NULL, root, "'rules' is required");
	r = parse_rules(&ps, o, p, ev);
	if (r < 0)
		return r == -ENOMEM ? cs_error_errno(err, r, "%s", file) : r;
	*ret = CS_TAKE_PTR(p);
	return 0;
}

int cs_policy_load(const char *path, const struct cs_policy_evidence *ev, struct cs_policy **ret,
		   struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(CS_POLICY_MAX_SIZE);
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r >= 0)
		r = cs_stream_read_all(s, &b, err);
	if (r < 0)
		return cs_error_prefix(err, "policy '%s'", path);
	return cs_policy_parse(b.data ? b.data : "", b.len, path, ev, ret, err);
}

enum cs_policy_mode cs_policy_mode(const struct cs_policy *p)
{
	return p->mode;
}

enum cs_policy_failure cs_policy_failure(const struct cs_policy *p)
{
	return p->failure;
}

bool cs_policy_needs_vulndb(const struct cs_policy *p)
{
	return p->vuln.enabled && !p->vuln.from_attestation;
}

const char *cs_policy_vulndb_path(const struct cs_policy *p)
{
	return p->vuln.db;
}
