/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The secret analyser: rules (built-in, customs JSON or gitleaks TOML)
 * compiled once per scan; each file's content goes through one Vectorscan
 * block-mode scan of a prefilter database (every rule's regex plus every
 * keyword), and only the candidate rules run their PCRE2 program to confirm
 * and extract the secret group. Then entropy, allowlists and redaction.
 *
 * It must never let a secret out: issues carry a redacted excerpt, and no
 * error, warning or message quotes matched text.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <hs/hs.h>
#include <limits.h>
#include <math.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/secret_internal.h"
#include "analyze/toml.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "basic/stream.h"

#define BINARY_SNIFF	 8192
#define EXCERPT_BEFORE	 80
#define EXCERPT_AFTER	 120
#define MATCH_LIMIT	 2000000
#define JIT_STACK_MAX	 (1u << 20)
#define MAX_WARN_SKIPPED 20

enum target { TARGET_SECRET = 0, TARGET_MATCH, TARGET_LINE };

struct allow {
	enum target target;
	bool and_cond;
	pcre2_code **re;
	size_t n_re;
	pcre2_code **paths;
	size_t n_paths;
	char **stop; /* lowercased */
	size_t n_stop;
};

struct rule {
	char *id, *description;
	enum cs_severity severity;
	pcre2_code *re; /* NULL: path-only rule */
	char *src;	/* its source, for the prefilter database */
	pcre2_code *path;
	int group;
	double entropy;
	char **kw; /* lowercased */
	size_t n_kw;
	struct allow *al;
	size_t n_al;
	bool in_db; /* the prefilter database has its regex */
	bool generic;
};

struct cs_secret_rules {
	struct rule *v;
	size_t n;
	struct allow *gal;
	size_t n_gal;
	hs_database_t *db;
	hs_scratch_t *scratch;
	unsigned *kw_owner; /* database id - n -> rule */
	size_t n_fallback;
	uint8_t *hit_re, *hit_kw;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
};

/* A confirmed finding inside one buffer. */
struct hit {
	size_t rule;
	size_t s0, s1; /* the secret */
	size_t m0, m1; /* the whole match */
	double entropy;
	bool dropped;
};

double cs_secret_entropy(const char *s, size_t n)
{
	size_t cnt[256] = { 0 };
	double h = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		cnt[(unsigned char)s[i]]++;
	for (size_t i = 0; i < 256; i++)
		if (cnt[i]) {
			double p = (double)cnt[i] / (double)n;

			h -= p * log2(p);
		}
	return h;
}

/* ---- compiled rules ---------------------------------------------------- */

static void strv_free_n(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void codes_free(pcre2_code **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pcre2_code_free(v[i]);
	free(v);
}

static void allow_done(struct allow *a)
{
	codes_free(a->re, a->n_re);
	codes_free(a->paths, a->n_paths);
	strv_free_n(a->stop, a->n_stop);
}

void cs_secret_rules_free(struct cs_secret_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];

		free(r->id);
		free(r->description);
		free(r->src);
		pcre2_code_free(r->re);
		pcre2_code_free(r->path);
		strv_free_n(r->kw, r->n_kw);
		for (size_t j = 0; j < r->n_al; j++)
			allow_done(&r->al[j]);
		free(r->al);
	}
	for (size_t j = 0; j < rs->n_gal; j++)
		allow_done(&rs->gal[j]);
	free(rs->gal);
	free(rs->v);
	hs_free_scratch(rs->scratch);
	hs_free_database(rs->db);
	free(rs->kw_owner);
	free(rs->hit_re);
	free(rs->hit_kw);
	pcre2_match_data_free(rs->md);
	pcre2_match_context_free(rs->mctx);
	pcre2_jit_stack_free(rs->jit);
	free(rs);
}

size_t cs_secret_rules_count(const struct cs_secret_rules *rs)
{
	return rs->n;
}

size_t cs_secret_rules_fallback_count(const struct cs_secret_rules *rs)
{
	return rs->n_fallback;
}

const char *cs_secret_rule_id(const struct cs_secret_rules *rs, size_t i)
{
	return i < rs->n ? rs->v[i].id : NULL;
}

static size_t strv_count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* what: "regex", "path", "allowlist regex"; the error names the rule, never the input text */
static int re_compile(const char *re, const char *rule, const char *what, bool jit,
		      pcre2_code **ret, struct cs_error *err)
{
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE off;
	int ec;
	pcre2_code *c;

	if (strlen(re) > CS_SECRET_MAX_REGEX)
		return cs_error_set(err, -CS_E_LIMIT, "rule '%s': %s longer than %u bytes", rule,
				    what, CS_SECRET_MAX_REGEX);
	c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY, &ec, &off,
			  NULL);
	if (!c) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		return cs_error_set(err, -CS_E_INPUT,
				    "rule '%s': cannot compile %s at offset %zu: %s", rule, what,
				    (size_t)off, (char *)msg);
	}
	if (jit)
		(void)pcre2_jit_compile(c,
					PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
	*ret = c;
	return 0;
}

static int re_list(const char *const *src, const char *rule, const char *what, pcre2_code ***ret,
		   size_t *n, struct cs_error *err)
{
	size_t k = strv_count(src);
	int r;

	*n = 0;
	if (k > CS_SECRET_MAX_LIST)
		return cs_error_set(err, -CS_E_LIMIT, "rule '%s': more than %u %s", rule,
				    CS_SECRET_MAX_LIST, what);
	if (k == 0)
		return 0;
	*ret = cs_new0(pcre2_code *, k);
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < k; i++) {
		r = re_compile(src[i], rule, what, true, &(*ret)[i], err);
		if (r < 0)
			return r;
		(*n)++;
	}
	return 0;
}

static int lower_list(const char *const *src, const char *rule, const char *what, char ***ret,
		      size_t *n, struct cs_error *err)
{
	size_t k = strv_count(src);

	*n = 0;
	if (k > CS_SECRET_MAX_LIST)
		return cs_error_set(err, -CS_E_LIMIT, "rule '%s': more than %u %s", rule,
				    CS_SECRET_MAX_LIST, what);
	if (k == 0)
		return 0;
	*ret = cs_new0(char *, k);
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < k; i++) {
		char *s = cs_strdup(src[i]);

		if (!s)
			return -ENOMEM;
		if (!*s) {
			free(s);
			return cs_error_set(err, -CS_E_INPUT, "rule '%s': empty %s", rule, what);
		}
		for (char *q = s; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		(*ret)[(*n)++] = s;
	}
	return 0;
}

static int allow_compile(const struct secret_allow_spec *s, const char *rule, struct allow *a,
			 struct cs_error *err)
{
	int r;

	if (!s->target || !strcmp(s->target, "secret") || !*s->target)
		a->target = TARGET_SECRET;
	else if (!strcmp(s->target, "match"))
		a->target = TARGET_MATCH;
	else if (!strcmp(s->target, "line"))
		a->target = TARGET_LINE;
	else
		return cs_error_set(err, -CS_E_INPUT,
				    "rule '%s': regexTarget must be secret, match or line", rule);
	if (!s->condition || !strcasecmp(s->condition, "OR") || !*s->condition)
		a->and_cond = false;
	else if (!strcasecmp(s->condition, "AND"))
		a->and_cond = true;
	else
		return cs_error_set(err, -CS_E_INPUT, "rule '%s': condition must be OR or AND",
				    rule);
	r = re_list(s->regexes, rule, "allowlist regexes", &a->re, &a->n_re, err);
	if (r >= 0)
		r = re_list(s->paths, rule, "allowlist paths", &a->paths, &a->n_paths, err);
	if (r >= 0)
		r = lower_list(s->stopwords, rule, "stopwords", &a->stop, &a->n_stop, err);
	return r;
}

static int rule_compile(const struct secret_rule_spec *s, struct rule *x, unsigned flags,
			struct cs_error *err)
{
	bool compile = !(flags & CS_SECRET_PARSE_ONLY);
	int r;

	x->id = cs_strdup(s->id);
	x->description = cs_strdup(s->description ? s->description : s->id);
	if (!x->id || !x->description)
		return -ENOMEM;
	x->severity = s->severity ? s->severity : CS_SEV_HIGH;
	x->group = s->secret_group;
	x->entropy = s->entropy;
	x->generic = !strncmp(s->id, "generic", 7);
	if (!s->regex && !s->path)
		return cs_error_set(err, -CS_E_INPUT, "rule '%s': needs a regex or a path", s->id);
	if (s->secret_group < 0 || s->secret_group > 99)
		return cs_error_set(err, -CS_E_INPUT, "rule '%s': invalid secretGroup", s->id);
	if (s->regex && strlen(s->regex) > CS_SECRET_MAX_REGEX)
		return cs_error_set(err, -CS_E_LIMIT, "rule '%s': regex longer than %u bytes",
				    s->id, CS_SECRET_MAX_REGEX);
	r = lower_list(s->keywords, s->id, "keywords", &x->kw, &x->n_kw, err);
	if (r < 0 || !compile)
		return r;
	if (s->regex) {
		uint32_t groups = 0;

		r = re_compile(s->regex, s->id, "regex", true, &x->re, err);
		if (r < 0)
			return r;
		if (!(x->src = cs_strdup(s->regex)))
			return -ENOMEM;
		pcre2_pattern_info(x->re, PCRE2_INFO_CAPTURECOUNT, &groups);
		if ((uint32_t)s->secret_group > groups)
			return cs_error_set(err, -CS_E_INPUT,
					    "rule '%s': secretGroup %d but the regex has %u groups",
					    s->id, s->secret_group, groups);
	}
	if (s->path && (r = re_compile(s->path, s->id, "path", true, &x->path, err)) < 0)
		return r;
	if (s->n_allow > CS_SECRET_MAX_LIST)
		return cs_error_set(err, -CS_E_LIMIT, "rule '%s': too many allowlists", s->id);
	if (s->n_allow) {
		x->al = cs_new0(struct allow, s->n_allow);
		if (!x->al)
			return -ENOMEM;
		for (size_t i = 0; i < s->n_allow; i++) {
			r = allow_compile(&s->allow[i], s->id, &x->al[i], err);
			x->n_al++;
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* A literal as a Hyperscan expression: every byte as \xHH. */
static char *hs_literal(const char *s)
{
	size_t n = strlen(s);
	char *e = cs_mallocarray(n + 1, 4);

	if (!e)
		return NULL;
	for (size_t i = 0; i < n; i++)
		snprintf(e + 4 * i, 5, "\\x%02x", (unsigned char)s[i]);
	e[4 * n] = '\0';
	return e;
}

static int db_compile(struct cs_secret_rules *rs, const char **expr, unsigned *fl, unsigned *ids,
		      size_t n, int *bad)
{
	hs_compile_error_t *ce = NULL;
	hs_error_t e;

	*bad = -1;
	if (n == 0)
		return 0;
	e = hs_compile_multi(expr, fl, ids, (unsigned)n, HS_MODE_BLOCK, NULL, &rs->db, &ce);
	if (e == HS_SUCCESS)
		return 0;
	if (ce) {
		*bad = ce->expression;
		hs_free_compile_error(ce);
	}
	return -CS_E_UNSUPPORTED;
}

/*
 * One database: each rule's regex as a prefilter (id = rule index), each
 * keyword as a caseless literal (id = n + keyword index). A regex Hyperscan
 * refuses even as a prefilter is left out: that rule runs PCRE2 on the files
 * that have one of its keywords (on every file when it has none).
 */
static int db_build(struct cs_secret_rules *rs, struct cs_error *err)
{
	size_t n_kw = 0, k = 0, n = 0, tot;
	const char **expr = NULL;
	unsigned *fl = NULL, *ids = NULL;
	char **lits = NULL;
	int r = 0, bad;

	for (size_t i = 0; i < rs->n; i++) {
		n_kw += rs->v[i].n_kw;
		rs->v[i].in_db = rs->v[i].re != NULL;
	}
	tot = rs->n + n_kw;
	if (tot > UINT_MAX / 2)
		return cs_error_set(err, -CS_E_LIMIT, "too many rules and keywords");
	expr = cs_new0(const char *, tot + 1);
	fl = cs_new0(unsigned, tot + 1);
	ids = cs_new0(unsigned, tot + 1);
	lits = cs_new0(char *, n_kw + 1);
	rs->kw_owner = cs_new0(unsigned, n_kw + 1);
	rs->hit_re = cs_zalloc(rs->n + 1);
	rs->hit_kw = cs_zalloc(rs->n + 1);
	if (!expr || !fl || !ids || !lits || !rs->kw_owner || !rs->hit_re || !rs->hit_kw) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < rs->n; i++)
		for (size_t j = 0; j < rs->v[i].n_kw; j++) {
			rs->kw_owner[k] = (unsigned)i;
			if (!(lits[k++] = hs_literal(rs->v[i].kw[j]))) {
				r = -ENOMEM;
				goto out;
			}
		}
	for (size_t attempt = 0; attempt <= rs->n + 1; attempt++) {
		n = 0;
		for (size_t i = 0; i < rs->n; i++)
			if (rs->v[i].in_db) {
				expr[n] = rs->v[i].src;
				ids[n] = (unsigned)i;
				fl[n++] = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH |
					  HS_FLAG_ALLOWEMPTY;
			}
		for (size_t j = 0; j < n_kw; j++) {
			expr[n] = lits[j];
			ids[n] = (unsigned)(rs->n + j);
			fl[n++] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
		}
		r = db_compile(rs, expr, fl, ids, n, &bad);
		if (r >= 0)
			break;
		if (bad >= 0 && (size_t)bad < n && ids[bad] < rs->n) {
			rs->v[ids[bad]].in_db = false;
			continue;
		}
		/* not attributable to one expression: try each regex alone */
		{
			bool dropped = false;

			for (size_t i = 0; i < rs->n; i++) {
				hs_database_t *one = NULL;
				hs_compile_error_t *ce = NULL;

				if (!rs->v[i].in_db)
					continue;
				if (hs_compile(rs->v[i].src,
					       HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH |
						       HS_FLAG_ALLOWEMPTY,
					       HS_MODE_BLOCK, NULL, &one, &ce) != HS_SUCCESS) {
					rs->v[i].in_db = false;
					dropped = true;
				}
				hs_free_compile_error(ce);
				hs_free_database(one);
			}
			if (!dropped) {
				r = cs_error_set(err, -CS_E_INTERNAL,
						 "cannot build the secret prefilter database");
				goto out;
			}
		}
	}
	if (r < 0) {
		r = cs_error_set(err, -CS_E_INTERNAL, "cannot build the secret prefilter database");
		goto out;
	}
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].re && !rs->v[i].in_db)
			rs->n_fallback++;
	if (rs->db && hs_alloc_scratch(rs->db, &rs->scratch) != HS_SUCCESS)
		r = -ENOMEM;
out:
	for (size_t j = 0; j < k; j++)
		free(lits[j]);
	free(lits);
	free(expr);
	free(fl);
	free(ids);
	return r;
}

static int rules_compile(const struct secret_rule_spec *specs, size_t n,
			 const struct secret_allow_spec *gal, size_t n_gal, unsigned flags,
			 struct cs_secret_rules **ret, struct cs_error *err)
{
	_cleanup_(cs_secret_rules_freep) struct cs_secret_rules *rs = NULL;
	int r;

	if (n > CS_SECRET_MAX_RULES)
		return cs_error_set(err, -CS_E_LIMIT, "more than %u rules", CS_SECRET_MAX_RULES);
	if (n_gal > CS_SECRET_MAX_LIST)
		return cs_error_set(err, -CS_E_LIMIT, "too many global allowlists");
	rs = cs_zalloc(sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	rs->v = cs_new0(struct rule, n + 1);
	rs->gal = cs_new0(struct allow, n_gal + 1);
	if (!rs->v || !rs->gal)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (!strcmp(specs[i].id, specs[j].id))
				return cs_error_set(err, -CS_E_INPUT, "rule '%s' defined twice",
						    specs[i].id);
		r = rule_compile(&specs[i], &rs->v[i], flags, err);
		rs->n++;
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n_gal; i++) {
		r = flags & CS_SECRET_PARSE_ONLY
			    ? 0
			    : allow_compile(&gal[i], "(global allowlist)", &rs->gal[i], err);
		rs->n_gal++;
		if (r < 0)
			return r;
	}
	if (!(flags & CS_SECRET_PARSE_ONLY)) {
		r = db_build(rs, err);
		if (r < 0)
			return r;
		rs->md = pcre2_match_data_create(100, NULL);
		rs->mctx = pcre2_match_context_create(NULL);
		rs->jit = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
		if (!rs->md || !rs->mctx)
			return -ENOMEM;
		pcre2_set_match_limit(rs->mctx, MATCH_LIMIT);
		pcre2_set_depth_limit(rs->mctx, 10000);
		if (rs->jit)
			pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit);
	}
	*ret = CS_TAKE_PTR(rs);
	return 0;
}

int cs_secret_rules_builtin(struct cs_secret_rules **ret, struct cs_error *err)
{
	return rules_compile(secret_builtin_rules, secret_builtin_n_rules,
			     &secret_builtin_global_allow, 1, 0, ret, err);
}

/* ---- rules files ---------------------------------------------------- */

/* Strings taken from a value tree live as long as the tree; arrays are ours. */
struct spec_set {
	struct secret_rule_spec *rules;
	size_t n_rules, cap_rules;
	struct secret_allow_spec *gal;
	size_t n_gal, cap_gal;
	void **pool; /* every array allocated for the specs */
	size_t n_pool, cap_pool;
	bool use_default;
	const struct cs_tv *disabled;
};

static void spec_set_done(struct spec_set *ss)
{
	for (size_t i = 0; i < ss->n_pool; i++)
		free(ss->pool[i]);
	free(ss->pool);
	free(ss->rules);
	free(ss->gal);
}

static void *pool_new(struct spec_set *ss, size_t n, size_t size)
{
	void *p;

	if (CS_GROW(ss->pool, ss->cap_pool, ss->n_pool + 1) < 0)
		return NULL;
	p = cs_calloc_array(n + 1, size);
	if (p)
		ss->pool[ss->n_pool++] = p;
	return p;
}

static int want(const struct cs_tv *v, enum cs_tv_type t, const char *ctx, const char *key,
		struct cs_error *err)
{
	if (v->type == t || (t == CS_TV_FLOAT && v->type == CS_TV_INT))
		return 0;
	return cs_error_set(err, -CS_E_INPUT, "line %u: %s: '%s' must be a %s, not a %s", v->line,
			    ctx, key, cs_tv_type_name(t), cs_tv_type_name(v->type));
}

static int get_str(const struct cs_tv *t, const char *key, const char *ctx, const char **ret,
		   struct cs_error *err)
{
	const struct cs_tv *v = cs_tv_get(t, key);
	int r;

	*ret = NULL;
	if (!v)
		return 0;
	if ((r = want(v, CS_TV_STRING, ctx, key, err)) < 0)
		return r;
	*ret = v->s;
	return 0;
}

static int get_strv(struct spec_set *ss, const struct cs_tv *t, const char *key, const char *ctx,
		    const char *const **ret, struct cs_error *err)
{
	const struct cs_tv *v = cs_tv_get(t, key);
	const char **a;
	int r;

	*ret = NULL;
	if (!v)
		return 0;
	if ((r = want(v, CS_TV_ARRAY, ctx, key, err)) < 0)
		return r;
	if (v->n > CS_SECRET_MAX_LIST)
		return cs_error_set(err, -CS_E_LIMIT, "line %u: %s: more than %u %s", v->line, ctx,
				    CS_SECRET_MAX_LIST, key);
	a = pool_new(ss, v->n, sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < v->n; i++) {
		if ((r = want(v->items[i], CS_TV_STRING, ctx, key, err)) < 0)
			return r;
		a[i] = v->items[i]->s;
	}
	*ret = a;
	return 0;
}

static int allow_from(struct spec_set *ss, const struct cs_tv *t, const char *ctx,
		      struct secret_allow_spec *a, struct cs_error *err)
{
	int r;

	if (t->type != CS_TV_TABLE)
		return cs_error_set(err, -CS_E_INPUT, "line %u: %s: an allowlist must be a table",
				    t->line, ctx);
	if ((r = get_str(t, "description", ctx, &a->description, err)) < 0 ||
	    (r = get_str(t, "regexTarget", ctx, &a->target, err)) < 0 ||
	    (r = get_str(t, "condition", ctx, &a->condition, err)) < 0 ||
	    (r = get_strv(ss, t, "regexes", ctx, &a->regexes, err)) < 0 ||
	    (r = get_strv(ss, t, "paths", ctx, &a->paths, err)) < 0 ||
	    (r = get_strv(ss, t, "stopwords", ctx, &a->stopwords, err)) < 0)
		return r;
	return 0;
}

/* "allowlist" (one table) and "allowlists" (an array of tables), both accepted */
static int allows_from(struct spec_set *ss, const struct cs_tv *t, const char *ctx,
		       struct secret_allow_spec **ret, size_t *n, struct cs_error *err)
{
	const struct cs_tv *one = cs_tv_get(t, "allowlist"), *many = cs_tv_get(t, "allowlists");
	size_t k = (one ? 1 : 0) + (many && many->type == CS_TV_ARRAY ? many->n : 0);
	struct secret_allow_spec *a;
	int r;

	*n = 0;
	if (many && (r = want(many, CS_TV_ARRAY, ctx, "allowlists", err)) < 0)
		return r;
	if (k == 0)
		return 0;
	if (k > CS_SECRET_MAX_LIST)
		return cs_error_set(err, -CS_E_LIMIT, "%s: too many allowlists", ctx);
	a = pool_new(ss, k, sizeof(*a));
	if (!a)
		return -ENOMEM;
	if (one && (r = allow_from(ss, one, ctx, &a[(*n)++], err)) < 0)
		return r;
	for (size_t i = 0; many && i < many->n; i++)
		if ((r = allow_from(ss, many->items[i], ctx, &a[(*n)++], err)) < 0)
			return r;
	*ret = a;
	return 0;
}

static int rule_from(struct spec_set *ss, const struct cs_tv *t, size_t idx,
		     struct secret_rule_spec *s, struct cs_error *err)
{
	char ctx[160];
	const struct cs_tv *v;
	const char *sev = NULL;
	struct secret_allow_spec *al = NULL;
	int r;

	if (t->type != CS_TV_TABLE)
		return cs_error_set(err, -CS_E_INPUT, "rule %zu: not a table", idx + 1);
	snprintf(ctx, sizeof(ctx), "rule %zu", idx + 1);
	if ((r = get_str(t, "id", ctx, &s->id, err)) < 0)
		return r;
	if (!s->id || !*s->id || strlen(s->id) > 128)
		return cs_error_set(err, -CS_E_INPUT, "line %u: rule %zu: missing or invalid id",
				    t->line, idx + 1);
	snprintf(ctx, sizeof(ctx), "rule '%s'", s->id);
	if ((r = get_str(t, "description", ctx, &s->description, err)) < 0 ||
	    (r = get_str(t, "regex", ctx, &s->regex, err)) < 0 ||
	    (r = get_str(t, "path", ctx, &s->path, err)) < 0 ||
	    (r = get_str(t, "severity", ctx, &sev, err)) < 0 ||
	    (r = get_strv(ss, t, "keywords", ctx, &s->keywords, err)) < 0)
		return r;
	if ((v = cs_tv_get(t, "secretGroup"))) {
		if ((r = want(v, CS_TV_INT, ctx, "secretGroup", err)) < 0)
			return r;
		if (v->i < 0 || v->i > 99)
			return cs_error_set(err, -CS_E_INPUT, "%s: invalid secretGroup", ctx);
		s->secret_group = (int)v->i;
	}
	if ((v = cs_tv_get(t, "entropy"))) {
		if ((r = want(v, CS_TV_FLOAT, ctx, "entropy", err)) < 0)
			return r;
		if (!(v->f >= 0 && v->f <= 8))
			return cs_error_set(err, -CS_E_INPUT, "%s: entropy must be 0 to 8", ctx);
		s->entropy = v->f;
	}
	if (sev) {
		r = cs_severity_from_name(sev);
		if (r < 0)
			return cs_error_set(err, -CS_E_INPUT, "%s: unknown severity", ctx);
		s->severity = (enum cs_severity)r;
	}
	if ((r = allows_from(ss, t, ctx, &al, &s->n_allow, err)) < 0)
		return r;
	s->allow = al;
	return 0;
}

static bool disabled(const struct spec_set *ss, const char *id)
{
	for (size_t i = 0; ss->disabled && i < ss->disabled->n; i++)
		if (ss->disabled->items[i]->type == CS_TV_STRING &&
		    !strcmp(ss->disabled->items[i]->s, id))
			return true;
	return false;
}

static int specs_from(struct spec_set *ss, const struct cs_tv *root, struct cs_error *err)
{
	const struct cs_tv *rules = cs_tv_get(root, "rules"), *ext = cs_tv_get(root, "extend");
	struct secret_allow_spec *gal = NULL;
	size_t n_gal = 0, n_rules;
	int r;

	if (ext) {
		const struct cs_tv *u = cs_tv_get(ext, "useDefault");

		if (ext->type != CS_TV_TABLE)
			return cs_error_set(err, -CS_E_INPUT, "'extend' must be a table");
		if (cs_tv_get(ext, "path") || cs_tv_get(ext, "url"))
			return cs_error_set(err, -CS_E_UNSUPPORTED,
					    "extend.path/url is not supported: merge the files");
		if (u && (r = want(u, CS_TV_BOOL, "extend", "useDefault", err)) < 0)
			return r;
		ss->use_default = u && u->b;
		ss->disabled = cs_tv_get(ext, "disabledRules");
		if (ss->disabled &&
		    (r = want(ss->disabled, CS_TV_ARRAY, "extend", "disabledRules", err)) < 0)
			return r;
	}
	if (rules && (r = want(rules, CS_TV_ARRAY, "config", "rules", err)) < 0)
		return r;
	n_rules = rules ? rules->n : 0;
	if (n_rules + (ss->use_default ? secret_builtin_n_rules : 0) > CS_SECRET_MAX_RULES)
		return cs_error_set(err, -CS_E_LIMIT, "more than %u rules", CS_SECRET_MAX_RULES);
	ss->rules = cs_new0(struct secret_rule_spec, n_rules + secret_builtin_n_rules + 1);
	if (!ss->rules)
		return -ENOMEM;
	if (ss->use_default)
		for (size_t i = 0; i < secret_builtin_n_rules; i++)
			if (!disabled(ss, secret_builtin_rules[i].id))
				ss->rules[ss->n_rules++] = secret_builtin_rules[i];
	for (size_t i = 0; i < n_rules; i++) {
		struct secret_rule_spec s = { 0 };
		bool replaced = false;

		if ((r = rule_from(ss, rules->items[i], i, &s, err)) < 0)
			return r;
		/* a rule with a built-in's id replaces it (extend) */
		for (size_t j = 0; ss->use_default && j < ss->n_rules; j++)
			if (!strcmp(ss->rules[j].id, s.id) && ss->rules[j].keywords != s.keywords &&
			    j < secret_builtin_n_rules) {
				ss->rules[j] = s;
				replaced = true;
				break;
			}
		if (!replaced)
			ss->rules[ss->n_rules++] = s;
	}
	if ((r = allows_from(ss, root, "global allowlist", &gal, &n_gal, err)) < 0)
		return r;
	ss->gal = cs_new0(struct secret_allow_spec, n_gal + 2);
	if (!ss->gal)
		return -ENOMEM;
	for (size_t i = 0; i < n_gal; i++)
		ss->gal[ss->n_gal++] = gal[i];
	if (ss->use_default)
		ss->gal[ss->n_gal++] = secret_builtin_global_allow;
	return 0;
}

int cs_secret_rules_parse(const char *data, size_t len, const char *name, unsigned flags,
			  struct cs_secret_rules **ret, struct cs_error *err)
{
	_cleanup_(cs_tv_freep) struct cs_tv *root = NULL;
	struct spec_set ss = { 0 };
	size_t i = 0;
	int r;

	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	if (i < len && data[i] == '{')
		r = cs_tv_from_json(data, len, &root, err);
	else
		r = cs_toml_parse(data, len, &root, err);
	if (r >= 0)
		r = specs_from(&ss, root, err);
	if (r >= 0 && ss.n_rules == 0)
		r = cs_error_set(err, -CS_E_INPUT, "no rules");
	if (r >= 0)
		r = rules_compile(ss.rules, ss.n_rules, ss.gal, ss.n_gal, flags, ret, err);
	spec_set_done(&ss);
	if (r < 0) {
		if (r == -ENOMEM && !err->code)
			cs_error_errno(err, r, "out of memory");
		cs_error_prefix(err, "secret rules '%s'", name);
	}
	return r;
}

int cs_secret_rules_load(const char *path, struct cs_secret_rules **ret, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(CS_TOML_MAX_SIZE);
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r >= 0)
		r = cs_stream_read_all(s, &b, err);
	if (r < 0) {
		cs_error_prefix(err, "secret rules '%s'", path);
		return r;
	}
	return cs_secret_rules_parse(b.data ? b.data : "", b.len, path, 0, ret, err);
}

/* ---- matching -------------------------------------------------------- */

static int on_hs_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		       void *ud)
{
	struct cs_secret_rules *rs = ud;

	(void)from;
	(void)to;
	(void)flags;
	if (id < rs->n)
		rs->hit_re[id] = 1;
	else
		rs->hit_kw[rs->kw_owner[id - rs->n]] = 1;
	return 0;
}

static bool re_search(struct cs_secret_rules *rs, pcre2_code *re, const char *s, size_t n)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, rs->md, rs->mctx) >= 0;
}

static bool contains_ci(const char *s, size_t n, const char *lower)
{
	size_t k = strlen(lower);

	for (size_t i = 0; k && i + k <= n; i++) {
		size_t j = 0;

		while (j < k && tolower((unsigned char)s[i + j]) == lower[j])
			j++;
		if (j == k)
			return true;
	}
	return false;
}

struct cand {
	const char *path;
	const char *secret, *match, *line;
	size_t n_secret, n_match, n_line;
};

static bool allow_hit(struct cs_secret_rules *rs, const struct allow *a, const struct cand *c)
{
	bool has_path = a->n_paths > 0, has_re = a->n_re > 0, has_stop = a->n_stop > 0;
	bool path_ok = false, re_ok = false, stop_ok = false;
	const char *t = a->target == TARGET_MATCH  ? c->match
			: a->target == TARGET_LINE ? c->line
						   : c->secret;
	size_t tn = a->target == TARGET_MATCH  ? c->n_match
		    : a->target == TARGET_LINE ? c->n_line
					       : c->n_secret;

	for (size_t i = 0; has_path && c->path && i < a->n_paths && !path_ok; i++)
		path_ok = re_search(rs, a->paths[i], c->path, strlen(c->path));
	for (size_t i = 0; has_re && c->secret && i < a->n_re && !re_ok; i++)
		re_ok = re_search(rs, a->re[i], t, tn);
	for (size_t i = 0; has_stop && c->secret && i < a->n_stop && !stop_ok; i++)
		stop_ok = contains_ci(c->secret, c->n_secret, a->stop[i]);
	if (a->and_cond)
		return (has_path || has_re || has_stop) && (!has_path || path_ok) &&
		       (!has_re || re_ok) && (!has_stop || stop_ok);
	return path_ok || re_ok || stop_ok;
}

static bool allowed(struct cs_secret_rules *rs, const struct rule *r, const struct cand *c)
{
	for (size_t i = 0; i < r->n_al; i++)
		if (allow_hit(rs, &r->al[i], c))
			return true;
	for (size_t i = 0; i < rs->n_gal; i++)
		if (allow_hit(rs, &rs->gal[i], c))
			return true;
	return false;
}

static bool path_globally_allowed(struct cs_secret_rules *rs, const char *path)
{
	struct cand c = { .path = path };

	for (size_t i = 0; i < rs->n_gal; i++)
		if (rs->gal[i].n_paths && !rs->gal[i].and_cond && allow_hit(rs, &rs->gal[i], &c))
			return true;
	return false;
}

static void line_bounds(const char *p, size_t n, size_t off, size_t *ls, size_t *le)
{
	const char *q;

	*ls = off;
	while (*ls > 0 && p[*ls - 1] != '\n')
		(*ls)--;
	q = off < n ? memchr(p + off, '\n', n - off) : NULL;
	*le = q ? (size_t)(q - p) : n;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->s0 != y->s0)
		return x->s0 < y->s0 ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/*
 * The line around h with every secret found in the buffer replaced by its
 * redaction, so that no secret text, this one's or another's, gets out.
 */
static char *excerpt(const char *p, size_t n, const struct hit *hits, size_t n_hits,
		     const struct hit *h)
{
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(4096);
	size_t ls, le, ws, we, i;

	line_bounds(p, n, h->s0, &ls, &le);
	ws = h->s0 - ls > EXCERPT_BEFORE ? h->s0 - EXCERPT_BEFORE : ls;
	we = le - h->s0 > EXCERPT_AFTER ? h->s0 + EXCERPT_AFTER : le;
	if (ws > ls && cs_buf_puts(&b, "...") < 0)
		return NULL;
	for (i = ws; i < we;) {
		const struct hit *cover = NULL;

		for (size_t k = 0; k < n_hits; k++)
			if (hits[k].s0 <= i && i < hits[k].s1 && hits[k].s1 > hits[k].s0) {
				cover = &hits[k];
				break;
			}
		if (cover) {
			if (cover->s0 >= ws) {
				_cleanup_free_ char *red =
					cs_issue_redact(p + cover->s0, cover->s1 - cover->s0);

				if (!red || cs_buf_puts(&b, red) < 0)
					return NULL;
			} else if (cs_buf_puts(&b, "*****") < 0)
				return NULL;
			i = cover->s1;
			continue;
		}
		if (cs_buf_putc(&b, (p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\t' ? p[i] : '?') < 0)
			return NULL;
		i++;
	}
	if (we < le && cs_buf_puts(&b, "...") < 0)
		return NULL;
	if (cs_buf_putc(&b, '\0') < 0)
		return NULL;
	return cs_buf_steal(&b, NULL);
}

static void position(const char *p, size_t off, size_t *cur, unsigned *line, size_t *ls,
		     unsigned *ret_line, unsigned *ret_col)
{
	/* incremental: offsets of one rule only grow */
	if (off < *cur) {
		*cur = 0;
		*line = 1;
		*ls = 0;
	}
	for (; *cur < off; (*cur)++)
		if (p[*cur] == '\n') {
			(*line)++;
			*ls = *cur + 1;
		}
	*ret_line = *line;
	*ret_col = (unsigned)CS_MIN(off - *ls + 1, (size_t)UINT_MAX);
}

static int add_issue(const struct rule *r, const char *path, int layer, const char *where,
		     const char *p, size_t n, const struct hit *hits, size_t n_hits,
		     const struct hit *h, unsigned line, unsigned col, unsigned eline,
		     unsigned ecol, struct cs_issues *out)
{
	_cleanup_free_ char *ex = p ? excerpt(p, n, hits, n_hits, h) : NULL;
	_cleanup_free_ char *msg = NULL;
	struct cs_issue x = {
		.kind = CS_ISSUE_SECRET,
		.rule_id = r->id,
		.title = r->description,
		.severity = r->severity,
		.path = path,
		.layer = layer,
		.where = where,
		.line = line,
		.column = col,
		.end_line = eline,
		.end_column = ecol,
		.remediation =
			"remove the secret from every layer that has it (deleting it in a "
			"later layer leaves it in the image), revoke and rotate it, and pass "
			"secrets at run time or as build secrets (RUN --mount=type=secret)",
	};

	if (p && !ex)
		return -ENOMEM;
	msg = p ? cs_asprintf("%s: a %zu-byte secret (entropy %.2f) at line %u column %u", r->id,
			      h->s1 - h->s0, h->entropy, line, col)
		: cs_asprintf("%s: the file's name matches the rule", r->id);
	if (!msg)
		return -ENOMEM;
	x.excerpt = ex;
	x.message = msg;
	return cs_issues_add(out, &x);
}

static bool has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

/* Run rule ri over the buffer, appending confirmed hits. */
static int rule_run(struct cs_secret_rules *rs, size_t ri, const char *path, const char *p,
		    size_t n, struct hit **hits, size_t *n_hits, size_t *cap, unsigned *limited)
{
	const struct rule *r = &rs->v[ri];
	size_t off = 0;

	while (off <= n && *n_hits < CS_SECRET_MAX_PER_FILE) {
		PCRE2_SIZE *ov;
		size_t s0, s1, ls, le;
		int rc = pcre2_match(r->re, (PCRE2_SPTR)p, n, off, 0, rs->md, rs->mctx);
		struct cand c = { .path = path };
		struct hit h = { .rule = ri };

		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			(*limited)++;
			break;
		}
		if (rc == 0)
			rc = (int)pcre2_get_ovector_count(rs->md);
		ov = pcre2_get_ovector_pointer(rs->md);
		h.m0 = ov[0];
		h.m1 = ov[1];
		off = h.m1 > h.m0 ? h.m1 : h.m0 + 1;
		s0 = h.m0;
		s1 = h.m1;
		if (r->group > 0) {
			if (r->group >= rc || ov[2 * r->group] == PCRE2_UNSET)
				continue;
			s0 = ov[2 * r->group];
			s1 = ov[2 * r->group + 1];
		} else {
			for (int g = 1; g < rc; g++)
				if (ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g]) {
					s0 = ov[2 * g];
					s1 = ov[2 * g + 1];
					break;
				}
		}
		if (s1 <= s0 || s1 > n)
			continue;
		h.s0 = s0;
		h.s1 = s1;
		h.entropy = cs_secret_entropy(p + s0, s1 - s0);
		if (r->entropy > 0) {
			if (h.entropy <= r->entropy)
				continue;
			if (r->generic && !has_digit(p + s0, s1 - s0))
				continue;
		}
		line_bounds(p, n, s0, &ls, &le);
		c.secret = p + s0;
		c.n_secret = s1 - s0;
		c.match = p + h.m0;
		c.n_match = h.m1 - h.m0;
		c.line = p + ls;
		c.n_line = le - ls;
		if (allowed(rs, r, &c))
			continue;
		if (CS_GROW(*hits, *cap, *n_hits + 1) < 0)
			return -ENOMEM;
		(*hits)[(*n_hits)++] = h;
	}
	return 0;
}

int cs_secret_scan(struct cs_secret_rules *rs, const char *path, int layer, const char *where,
		   const void *data, size_t n, struct cs_issues *out, struct cs_error *err)
{
	const char *p = data ? data : "";
	_cleanup_free_ struct hit *hits = NULL;
	size_t n_hits = 0, cap = 0, cur = 0, ls = 0, prev_rule = SIZE_MAX;
	unsigned limited = 0, line = 1;
	int r, added = 0;

	if (n > UINT_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "buffer too large for the secret scan");
	memset(rs->hit_re, 0, rs->n);
	memset(rs->hit_kw, 0, rs->n);
	if (rs->db &&
	    hs_scan(rs->db, p, (unsigned)n, 0, rs->scratch, on_hs_match, rs) != HS_SUCCESS)
		return cs_error_set(err, -CS_E_INTERNAL, "the secret prefilter scan failed");
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *ru = &rs->v[i];

		if (!ru->re || (ru->n_kw && !rs->hit_kw[i]) || (ru->in_db && !rs->hit_re[i]))
			continue;
		if (ru->path && (!path || !re_search(rs, ru->path, path, strlen(path))))
			continue;
		r = rule_run(rs, i, path, p, n, &hits, &n_hits, &cap, &limited);
		if (r < 0)
			return cs_error_errno(err, r, "secret scan");
	}
	/* a generic finding on the bytes of a specific one, or the same bytes twice: drop */
	for (size_t i = 0; i < n_hits; i++)
		for (size_t j = 0; j < n_hits && !hits[i].dropped; j++) {
			const struct hit *a = &hits[i], *b = &hits[j];
			bool overlap = a->s0 < b->s1 && b->s0 < a->s1;

			if (i == j || !overlap || b->dropped)
				continue;
			if ((rs->v[a->rule].generic && !rs->v[b->rule].generic) ||
			    (rs->v[a->rule].generic == rs->v[b->rule].generic && j < i))
				hits[i].dropped = true;
		}
	if (n_hits > 1)
		qsort(hits, n_hits, sizeof(*hits), hit_cmp);
	for (size_t i = 0; i < n_hits; i++) {
		unsigned l0, c0, l1, c1;

		if (hits[i].dropped)
			continue;
		if (hits[i].rule != prev_rule)
			prev_rule = hits[i].rule;
		position(p, hits[i].s0, &cur, &line, &ls, &l0, &c0);
		position(p, hits[i].s1 - 1, &cur, &line, &ls, &l1, &c1);
		r = add_issue(&rs->v[hits[i].rule], path, layer, where, p, n, hits, n_hits,
			      &hits[i], l0, c0, l1, c1 + 1, out);
		if (r < 0)
			return cs_error_errno(err, r, "secret scan");
		added++;
	}
	if (limited && layer >= 0)
		cs_issues_warn(out,
			       "secret scan: '%s' in layer %d: a rule hit the regex match limit; "
			       "part of the content was not checked",
			       path ? path : "?", layer);
	else if (limited)
		cs_issues_warn(out,
			       "secret scan: %s: a rule hit the regex match limit; part of the "
			       "content was not checked",
			       path    ? path
			       : where ? where
				       : "buffer");
	if (n_hits >= CS_SECRET_MAX_PER_FILE)
		cs_issues_warn(out, "secret scan: %s: more than %u findings, the rest not reported",
			       path    ? path
			       : where ? where
				       : "buffer",
			       CS_SECRET_MAX_PER_FILE);
	return added;
}

/* Path-only rules (a rule with a path and no regex): the file's name is the finding. */
static int scan_path(struct cs_secret_rules *rs, const char *path, int layer, struct cs_issues *out)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *ru = &rs->v[i];
		struct cand c = { .path = path };
		int r;

		if (ru->re || !ru->path || !re_search(rs, ru->path, path, strlen(path)))
			continue;
		if (allowed(rs, ru, &c))
			continue;
		r = add_issue(ru, path, layer, NULL, NULL, 0, NULL, 0, NULL, 0, 0, 0, 0, out);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the analyser ---------------------------------------------------- */

struct secret_state {
	struct cs_secret_rules *rs;
	struct cs_issues *pending; /* file issues, deleted flags set in finish() */
	struct cs_buf buf;
	uint64_t cap;
	bool binary;
	uint64_t n_large, n_binary, n_files, bytes;
	/* the per-layer cache: identity, and where the current layer's results start */
	char *cache_id;
	size_t mark_n, mark_w;
	uint64_t mark_large;
	size_t large_w[MAX_WARN_SKIPPED]; /* this layer's size-limit warnings */
	size_t n_large_w;
};

static int hash_strs(struct cs_hash *h, const char *const *v)
{
	int r = 0;

	for (size_t i = 0; v && v[i] && r >= 0; i++)
		r = cs_hash_update(h, v[i], strlen(v[i]) + 1);
	if (r >= 0)
		r = cs_hash_update(h, "", 1);
	return r;
}

static int hash_str(struct cs_hash *h, const char *s)
{
	return s ? cs_hash_update(h, s, strlen(s) + 1) : cs_hash_update(h, "\377", 1);
}

static int hash_allow(struct cs_hash *h, const struct secret_allow_spec *a)
{
	int r = hash_str(h, a->description);

	if (r >= 0)
		r = hash_str(h, a->target);
	if (r >= 0)
		r = hash_str(h, a->condition);
	if (r >= 0)
		r = hash_strs(h, a->regexes);
	if (r >= 0)
		r = hash_strs(h, a->paths);
	if (r >= 0)
		r = hash_strs(h, a->stopwords);
	return r;
}

/* What the results depend on: the rules (built-in or the file's content) and the size cap. */
static int secret_make_cache_id(struct secret_state *st, const struct cs_analyze_options *o)
{
	_cleanup_(cs_hash_freep) struct cs_hash *h = NULL;
	char digest[CS_DIGEST_STR_MAX];
	int r;

	r = cs_hash_new(CS_HASH_SHA256, &h);
	if (r >= 0 && o && o->secret_config) {
		r = cs_cache_hash_file(h, o->secret_config);
	} else {
		for (size_t i = 0; i < secret_builtin_n_rules && r >= 0; i++) {
			const struct secret_rule_spec *sp = &secret_builtin_rules[i];
			char num[64];

			snprintf(num, sizeof(num), "%d %.17g %d", sp->secret_group, sp->entropy,
				 (int)sp->severity);
			r = hash_str(h, sp->id);
			if (r >= 0)
				r = hash_str(h, sp->description);
			if (r >= 0)
				r = hash_str(h, sp->regex);
			if (r >= 0)
				r = hash_str(h, sp->path);
			if (r >= 0)
				r = hash_str(h, num);
			if (r >= 0)
				r = hash_strs(h, sp->keywords);
			for (size_t k = 0; k < sp->n_allow && r >= 0; k++)
				r = hash_allow(h, &sp->allow[k]);
		}
		if (r >= 0)
			r = hash_allow(h, &secret_builtin_global_allow);
	}
	if (r >= 0)
		r = cs_hash_final(h, digest);
	if (r < 0)
		return r;
	st->cache_id =
		cs_asprintf("secret/%u rules:%s%s max:%llu", cs_analyzer_secret.version,
			    o && o->secret_config ? "file:" : "builtin:", cs_digest_hex(digest),
			    (unsigned long long)st->cap);
	return st->cache_id ? 0 : -ENOMEM;
}

static int secret_state_new(const struct cs_analyze_options *o, void **ret, struct cs_error *err)
{
	struct secret_state *st = cs_zalloc(sizeof(*st));
	int r;

	if (!st)
		return cs_error_errno(err, -ENOMEM, "secret scanner");
	st->cap = o && o->max_file_size ? o->max_file_size : CS_SECRET_MAX_FILE;
	if (st->cap > UINT_MAX)
		st->cap = UINT_MAX;
	cs_buf_init(&st->buf, (size_t)st->cap);
	r = o && o->secret_config ? cs_secret_rules_load(o->secret_config, &st->rs, err)
				  : cs_secret_rules_builtin(&st->rs, err);
	if (r >= 0)
		r = cs_issues_new(&st->pending);
	if (r >= 0) {
		r = secret_make_cache_id(st, o);
		if (r < 0 && r != -ENOMEM) /* the rules were just read: they changed */
			r = cs_error_errno(err, r, "cannot read the secret rules '%s'",
					   o->secret_config);
	}
	if (r < 0) {
		free(st->cache_id);
		cs_secret_rules_free(st->rs);
		cs_issues_free(st->pending);
		cs_buf_done(&st->buf);
		free(st);
		return r == -ENOMEM ? cs_error_errno(err, r, "secret scanner") : r;
	}
	*ret = st;
	return 0;
}

static void secret_state_free(void *p)
{
	struct secret_state *st = p;

	cs_secret_rules_free(st->rs);
	cs_issues_free(st->pending);
	cs_buf_done(&st->buf);
	free(st->cache_id);
	free(st);
}

static int w_layer_begin(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct secret_state *st = ud;

	(void)l;
	(void)err;
	st->mark_n = st->pending->n;
	st->mark_w = st->pending->n_warnings;
	st->mark_large = st->n_large;
	st->n_large_w = 0;
	return 0;
}

static int w_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct secret_state *st = ud;
	int r;

	if (e->type != CS_ENTRY_REG || path_globally_allowed(st->rs, e->path))
		return 0;
	r = scan_path(st->rs, e->path, (int)e->layer, st->pending);
	if (r < 0)
		return cs_error_errno(err, r, "secret scan");
	if (e->size == 0)
		return 0;
	if (e->size > st->cap) {
		if (st->n_large++ < MAX_WARN_SKIPPED &&
		    cs_issues_warn(st->pending,
				   "secret scan: skipped '%s' in layer %u: %llu bytes, over the "
				   "%llu-byte limit",
				   e->path, e->layer, (unsigned long long)e->size,
				   (unsigned long long)st->cap) >= 0 &&
		    st->n_large_w < MAX_WARN_SKIPPED)
			st->large_w[st->n_large_w++] = st->pending->n_warnings - 1;
		return 0;
	}
	cs_buf_reset(&st->buf);
	st->binary = false;
	return 1;
}

static int w_data(void *ud, const struct cs_entry *e, const void *p, size_t n, struct cs_error *err)
{
	struct secret_state *st = ud;
	int r;

	(void)e;
	if (st->binary)
		return 0;
	if (st->buf.len < BINARY_SNIFF &&
	    memchr(p, '\0', CS_MIN(n, (size_t)BINARY_SNIFF - st->buf.len))) {
		st->binary = true;
		st->n_binary++;
		return 0;
	}
	r = cs_buf_append(&st->buf, p, n);
	if (r == -CS_E_LIMIT) {
		/* the entry's size lied or grew: treat as too large */
		st->binary = true;
		return 0;
	}
	return r < 0 ? cs_error_errno(err, r, "secret scan") : 0;
}

static int w_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct secret_state *st = ud;
	int r;

	if (st->binary)
		return 0;
	st->n_files++;
	st->bytes += st->buf.len;
	r = cs_secret_scan(st->rs, e->path, (int)e->layer, NULL, st->buf.data, st->buf.len,
			   st->pending, err);
	if (st->buf.cap > (1u << 20)) /* do not keep a 10 MiB buffer for small files */
		cs_buf_done(&st->buf), cs_buf_init(&st->buf, (size_t)st->cap);
	return r < 0 ? r : 0;
}

static void secret_walker(void *state, struct cs_walker *w)
{
	*w = (struct cs_walker){
		.userdata = state,
		.layer_begin = w_layer_begin,
		.entry = w_entry,
		.data = w_data,
		.data_end = w_data_end,
	};
}

static int scan_config(struct cs_secret_rules *rs, const struct cs_image_config *c,
		       struct cs_issues *out, struct cs_error *err)
{
	char where[300];
	int r;

	for (size_t i = 0; c->env && c->env[i]; i++) {
		snprintf(where, sizeof(where), "config.Env[%zu]", i);
		r = cs_secret_scan(rs, NULL, -1, where, c->env[i], strlen(c->env[i]), out, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < c->n_labels; i++) {
		_cleanup_(cs_issues_freep) struct cs_issues *tmp = NULL;
		_cleanup_free_ char *kv = NULL;
		const char *key = c->labels[i].key ? c->labels[i].key : "";
		size_t klen = strlen(key);
		bool key_safe = klen <= 128;

		/* key=value, so that assignment rules see the label's name */
		kv = cs_asprintf("%s=%s", key, c->labels[i].value ? c->labels[i].value : "");
		if (!kv || cs_issues_new(&tmp) < 0)
			return -ENOMEM;
		snprintf(where, sizeof(where), "config.Labels[%zu]", i);
		r = cs_secret_scan(rs, NULL, -1, where, kv, strlen(kv), tmp, err);
		if (r < 0)
			return r;
		/* name the label by its key unless a secret starts inside the key */
		for (size_t k = 0; k < tmp->n; k++)
			if (tmp->v[k].line != 1 || tmp->v[k].column <= klen + 1)
				key_safe = false;
		if (key_safe)
			snprintf(where, sizeof(where), "config.Labels.%s", key);
		for (size_t k = 0; k < tmp->n; k++) {
			struct cs_issue x = tmp->v[k];

			x.where = where;
			if ((r = cs_issues_add(out, &x)) < 0)
				return r;
		}
		for (size_t k = 0; k < tmp->n_warnings; k++)
			cs_issues_warn(out, "%s", tmp->warnings[k]);
	}
	for (size_t i = 0; i < c->n_history; i++) {
		const char *s = c->history[i].created_by;

		if (!s)
			continue;
		snprintf(where, sizeof(where), "history[%zu].created_by", i);
		r = cs_secret_scan(rs, NULL, -1, where, s, strlen(s), out, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int secret_finish(void *state, const struct cs_analyze_context *ctx, struct cs_issues *out,
			 struct cs_error *err)
{
	struct secret_state *st = state;
	const struct cs_image_config *c = ctx->img ? cs_image_config(ctx->img) : NULL;
	int r;

	for (size_t i = 0; i < st->pending->n_warnings; i++)
		if ((r = cs_issues_warn(out, "%s", st->pending->warnings[i])) < 0)
			return r;
	if (st->n_large > MAX_WARN_SKIPPED)
		cs_issues_warn(out, "secret scan: %llu more files over the size limit skipped",
			       (unsigned long long)(st->n_large - MAX_WARN_SKIPPED));
	for (size_t i = 0; i < st->pending->n; i++) {
		struct cs_issue x = st->pending->v[i];
		const struct cs_overlay_entry *e = NULL;
		struct cs_error e2 = CS_ERROR_INIT;

		if (x.path && ctx->ov) {
			r = cs_overlay_lookup(ctx->ov, x.path, false, &e, &e2);
			x.deleted = r < 0 || !e || (int)e->layer != x.layer;
		}
		if ((r = cs_issues_add(out, &x)) < 0)
			return cs_error_errno(err, r, "secret scan");
	}
	if (c && (r = scan_config(st->rs, c, out, err)) < 0)
		return r;
	return 0;
}

/* --- the per-layer cache --- */

static const char *secret_cache_id(void *state)
{
	return ((struct secret_state *)state)->cache_id;
}

/*
 * Payload: the layer index, the issues, then the warnings, each with a flag
 * telling a size-limit warning (replayed through the cap on those) from the
 * others.
 */
static int secret_layer_save(void *state, unsigned layer, struct cs_buf *b)
{
	struct secret_state *st = state;
	size_t k = 0;
	int r;

	/* some of this layer's size-limit warnings were capped away */
	if (st->n_large > MAX_WARN_SKIPPED && st->n_large > st->mark_large)
		return 1;
	for (size_t i = st->mark_n; i < st->pending->n; i++)
		if (st->pending->v[i].layer != (int)layer)
			return 1;
	r = cs_cache_put_u64(b, layer);
	if (r >= 0)
		r = cs_cache_put_u64(b, st->pending->n - st->mark_n);
	for (size_t i = st->mark_n; i < st->pending->n && r >= 0; i++)
		r = cs_cache_put_issue(b, &st->pending->v[i]);
	if (r >= 0)
		r = cs_cache_put_u64(b, st->pending->n_warnings - st->mark_w);
	for (size_t i = st->mark_w; i < st->pending->n_warnings && r >= 0; i++) {
		bool large = k < st->n_large_w && st->large_w[k] == i;

		k += large;
		r = cs_cache_put_u64(b, large);
		if (r >= 0)
			r = cs_cache_put_str(b, st->pending->warnings[i]);
	}
	return r;
}

static int secret_layer_restore(void *state, unsigned layer, const void *data, size_t len)
{
	struct secret_state *st = state;
	struct cs_cache_reader rd = { data, len, 0, false };
	_cleanup_free_ struct cs_issue *v = NULL;
	_cleanup_free_ const char **w = NULL;
	_cleanup_free_ bool *large = NULL;
	size_t n, n_w;
	uint64_t saved_layer;
	int r;

	saved_layer = cs_cache_get_u64(&rd);
	n = cs_cache_get_count(&rd, 24 + 8 * 8);
	v = cs_new0(struct cs_issue, n ? n : 1);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n && !rd.bad; i++) {
		cs_cache_get_issue(&rd, (int)layer, &v[i]);
		if (v[i].kind != CS_ISSUE_SECRET || !v[i].path)
			rd.bad = true;
	}
	n_w = cs_cache_get_count(&rd, 16);
	w = cs_new0(const char *, n_w ? n_w : 1);
	large = cs_new0(bool, n_w ? n_w : 1);
	if (!w || !large)
		return -ENOMEM;
	for (size_t i = 0; i < n_w && !rd.bad; i++) {
		uint64_t f = cs_cache_get_u64(&rd);

		large[i] = f == 1;
		w[i] = cs_cache_get_str(&rd);
		if (f > 1 || !w[i])
			rd.bad = true;
	}
	/* the warnings name the layer by its index */
	if (rd.bad || rd.pos != rd.len || (n_w && saved_layer != layer))
		return -CS_E_INPUT;
	for (size_t i = 0; i < n; i++)
		if ((r = cs_issues_add(st->pending, &v[i])) < 0)
			return r;
	for (size_t i = 0; i < n_w; i++) {
		if (large[i] && st->n_large++ >= MAX_WARN_SKIPPED)
			continue;
		if ((r = cs_issues_warn(st->pending, "%s", w[i])) < 0)
			return r;
	}
	return 0;
}

const struct cs_analyzer cs_analyzer_secret = {
	.name = "secret",
	.version = 1,
	.state_new = secret_state_new,
	.state_free = secret_state_free,
	.walker = secret_walker,
	.finish = secret_finish,
	.cache_id = secret_cache_id,
	.layer_save = secret_layer_save,
	.layer_restore = secret_layer_restore,
};
