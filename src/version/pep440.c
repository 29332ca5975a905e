/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PEP 440 versions as packaging.version: case-insensitive, surrounding
 * whitespace, a leading 'v', [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 * in every spelling the PEP allows (alpha/beta/c/pre/preview, rev/r,
 * "-N" posts, -_. separators, implicit numbers); ordered by packaging's
 * key (dev-only releases before pre-releases, dev < pre < final < post,
 * local segments: numbers above strings). Specifier sets follow
 * packaging.specifiers (~=, == with .* prefix matching, !=, <=, >=, <, >
 * with the pre-release/post-release/local exclusions of < and >, ===),
 * evaluated with prereleases=True: a scanner must not drop a pre-release
 * from a vulnerable range the way pip's install-time default would.
 */
#include "internal.h"

struct span {
	const char *p;
	size_t n;
};

struct pep {
	struct span epoch; /* n == 0: 0 */
	struct span rel[CS_VERSION_MAX_PARTS];
	size_t nrel;
	int pre_l; /* -1 none, 0 a, 1 b, 2 rc */
	struct span pre_n;
	bool post;
	struct span post_n;
	bool dev;
	struct span dev_n;
	bool local;
	struct span loc[CS_VERSION_MAX_PARTS];
	size_t nloc;
};

static bool lit_at(const char *s, size_t n, size_t i, const char *lit)
{
	size_t l = strlen(lit);

	if (n - i < l)
		return false;
	for (size_t k = 0; k < l; k++)
		if (cs_v_tolower(s[i + k]) != lit[k])
			return false;
	return true;
}

static bool is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

static size_t digits_at(const char *s, size_t n, size_t i)
{
	size_t k = i;

	while (k < n && cs_v_isdigit(s[k]))
		k++;
	return k - i;
}

/* [-_.]?LABEL[-_.]?N? with the labels in the regex's order; false if no label */
static bool labelled(const char *s, size_t n, size_t *pi, const char *const *labels, size_t nl,
		     size_t *which, struct span *num)
{
	size_t i = *pi;

	if (i < n && is_sep(s[i]))
		i++;
	for (size_t k = 0; k < nl; k++) {
		size_t d;

		if (!lit_at(s, n, i, labels[k]))
			continue;
		i += strlen(labels[k]);
		*which = k;
		if (i < n && is_sep(s[i]) && i + 1 <= n)
			i++;
		d = digits_at(s, n, i);
		num->p = s + i;
		num->n = d;
		i += d;
		/* a separator consumed without a number stays consumed (the regex does too) */
		*pi = i;
		return true;
	}
	return false;
}

static bool pep_parse(const char *s, size_t n, struct pep *v)
{
	static const char *const pre_labels[] = { "alpha",   "a",   "beta", "b",
						  "preview", "pre", "c",    "rc" };
	static const int pre_kind[] = { 0, 0, 1, 1, 2, 2, 2, 2 };
	static const char *const post_labels[] = { "post", "rev", "r" };
	static const char *const dev_labels[] = { "dev" };
	size_t i = 0, d, which;

	cs_vtrim(&s, &n);
	v->epoch = (struct span){ "", 0 };
	v->nrel = 0;
	v->pre_l = -1;
	v->post = v->dev = v->local = false;
	v->nloc = 0;
	v->pre_n = v->post_n = v->dev_n = (struct span){ "", 0 };
	if (i < n && (s[i] == 'v' || s[i] == 'V'))
		i++;
	d = digits_at(s, n, i);
	if (d > 0 && i + d < n && s[i + d] == '!') {
		v->epoch = (struct span){ s + i, d };
		i += d + 1;
	}
	for (;;) {
		d = digits_at(s, n, i);
		if (d == 0)
			return false;
		if (v->nrel >= CS_VERSION_MAX_PARTS)
			return false;
		v->rel[v->nrel++] = (struct span){ s + i, d };
		i += d;
		if (i + 1 < n && s[i] == '.' && cs_v_isdigit(s[i + 1])) {
			i++;
			continue;
		}
		break;
	}
	if (labelled(s, n, &i, pre_labels, CS_ARRAY_SIZE(pre_labels), &which, &v->pre_n))
		v->pre_l = pre_kind[which];
	if (i + 1 < n && s[i] == '-' && cs_v_isdigit(s[i + 1])) {
		d = digits_at(s, n, i + 1);
		v->post = true;
		v->post_n = (struct span){ s + i + 1, d };
		i += 1 + d;
	} else if (labelled(s, n, &i, post_labels, CS_ARRAY_SIZE(post_labels), &which,
			    &v->post_n)) {
		v->post = true;
	}
	if (labelled(s, n, &i, dev_labels, 1, &which, &v->dev_n))
		v->dev = true;
	if (i < n && s[i] == '+') {
		i++;
		v->local = true;
		for (;;) {
			size_t st = i;

			while (i < n && cs_v_isalnum(s[i]))
				i++;
			if (i == st)
				return false;
			if (v->nrel + v->nloc >= CS_VERSION_MAX_PARTS)
				return false;
			v->loc[v->nloc++] = (struct span){ s + st, i - st };
			if (i + 1 < n && is_sep(s[i]) && cs_v_isalnum(s[i + 1])) {
				i++;
				continue;
			}
			break;
		}
	}
	return i == n;
}

static bool all_digits(struct span s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!cs_v_isdigit(s.p[i]))
			return false;
	return true;
}

static int cmp_release(const struct pep *a, const struct pep *b)
{
	size_t n = a->nrel > b->nrel ? a->nrel : b->nrel;

	for (size_t i = 0; i < n; i++) {
		struct span x = i < a->nrel ? a->rel[i] : (struct span){ "0", 1 };
		struct span y = i < b->nrel ? b->rel[i] : (struct span){ "0", 1 };
		int r = cs_vnum_cmp(x.p, x.n, y.p, y.n);

		if (r)
			return r;
	}
	return 0;
}

static int cmp_local_seg(struct span a, struct span b)
{
	bool na = all_digits(a), nb = all_digits(b);

	if (na && nb)
		return cs_vnum_cmp(a.p, a.n, b.p, b.n);
	if (na != nb)
		return na ? 1 : -1;
	for (size_t i = 0; i < a.n && i < b.n; i++) {
		char x = cs_v_tolower(a.p[i]), y = cs_v_tolower(b.p[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return a.n == b.n ? 0 : (a.n < b.n ? -1 : 1);
}

/* packaging's _cmpkey; with_local false compares the public versions */
static int pep_cmp(const struct pep *a, const struct pep *b, bool with_local)
{
	int r, ka, kb;

	r = cs_vnum_cmp(a->epoch.p, a->epoch.n, b->epoch.p, b->epoch.n);
	if (r)
		return r;
	r = cmp_release(a, b);
	if (r)
		return r;
	/* pre: -inf for a dev-only release, +inf for none */
	ka = a->pre_l >= 0 ? 0 : (!a->post && a->dev ? -1 : 1);
	kb = b->pre_l >= 0 ? 0 : (!b->post && b->dev ? -1 : 1);
	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (ka == 0) {
		if (a->pre_l != b->pre_l)
			return a->pre_l < b->pre_l ? -1 : 1;
		r = cs_vnum_cmp(a->pre_n.p, a->pre_n.n, b->pre_n.p, b->pre_n.n);
		if (r)
			return r;
	}
	/* post: -inf for none */
	if (a->post != b->post)
		return a->post ? 1 : -1;
	if (a->post) {
		r = cs_vnum_cmp(a->post_n.p, a->post_n.n, b->post_n.p, b->post_n.n);
		if (r)
			return r;
	}
	/* dev: +inf for none */
	if (a->dev != b->dev)
		return a->dev ? -1 : 1;
	if (a->dev) {
		r = cs_vnum_cmp(a->dev_n.p, a->dev_n.n, b->dev_n.p, b->dev_n.n);
		if (r)
			return r;
	}
	if (!with_local)
		return 0;
	/* local: -inf for none */
	if (a->local != b->local)
		return a->local ? 1 : -1;
	for (size_t i = 0; i < a->nloc || i < b->nloc; i++) {
		if (i >= a->nloc)
			return -1;
		if (i >= b->nloc)
			return 1;
		r = cmp_local_seg(a->loc[i], b->loc[i]);
		if (r)
			return r;
	}
	return 0;
}

static bool pep_valid(const char *v, size_t n)
{
	struct pep p;

	return pep_parse(v, n, &p);
}

static int pep_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	struct pep x, y;

	if (!pep_parse(a, an, &x))
		return CS_VCMP_BAD_A;
	if (!pep_parse(b, bn, &y))
		return CS_VCMP_BAD_B;
	*ret = pep_cmp(&x, &y, true);
	return CS_VCMP_OK;
}

/* ---- normalised strings (str(Version)) and packaging's list helpers ---- */

#define NORM_MAX (2 * CS_VERSION_MAX_LEN + 64)

struct sbuf {
	char b[NORM_MAX];
	size_t n;
	bool overflow;
};

static void sb_put(struct sbuf *s, const char *p, size_t n)
{
	if (s->overflow || n > sizeof(s->b) - 1 - s->n) {
		s->overflow = true;
		return;
	}
	memcpy(s->b + s->n, p, n);
	s->n += n;
	s->b[s->n] = '\0';
}

static void sb_num(struct sbuf *s, struct span d)
{
	while (d.n > 1 && d.p[0] == '0')
		d.p++, d.n--;
	if (d.n == 0)
		sb_put(s, "0", 1);
	else
		sb_put(s, d.p, d.n);
}

/* str(Version) without the local part (public) or with it */
static void pep_normalize(const struct pep *v, bool with_local, struct sbuf *s)
{
	static const char *const pre_names[] = { "a", "b", "rc" };

	s->n = 0;
	s->overflow = false;
	s->b[0] = '\0';
	if (v->epoch.n > 0 && !cs_vnum_is_zero(v->epoch.p, v->epoch.n)) {
		sb_num(s, v->epoch);
		sb_put(s, "!", 1);
	}
	for (size_t i = 0; i < v->nrel; i++) {
		if (i)
			sb_put(s, ".", 1);
		sb_num(s, v->rel[i]);
	}
	if (v->pre_l >= 0) {
		sb_put(s, pre_names[v->pre_l], strlen(pre_names[v->pre_l]));
		sb_num(s, v->pre_n);
	}
	if (v->post) {
		sb_put(s, ".post", 5);
		sb_num(s, v->post_n);
	}
	if (v->dev) {
		sb_put(s, ".dev", 4);
		sb_num(s, v->dev_n);
	}
	if (with_local && v->local) {
		sb_put(s, "+", 1);
		for (size_t i = 0; i < v->nloc; i++) {
			if (i)
				sb_put(s, ".", 1);
			if (all_digits(v->loc[i])) {
				sb_num(s, v->loc[i]);
			} else {
				for (size_t k = 0; k < v->loc[i].n; k++) {
					char c = cs_v_tolower(v->loc[i].p[k]);

					sb_put(s, &c, 1);
				}
			}
		}
	}
}

#define SPLIT_MAX (2 * CS_VERSION_MAX_PARTS + 8)

struct split {
	struct span it[SPLIT_MAX];
	size_t n;
	bool overflow;
};

static void split_add(struct split *sp, const char *p, size_t n)
{
	if (sp->n >= SPLIT_MAX) {
		sp->overflow = true;
		return;
	}
	sp->it[sp->n++] = (struct span){ p, n };
}

/* ^([0-9]+)((?:a|b|c|rc)[0-9]+)$ (case-sensitive, as packaging's) */
static size_t prefix_split(struct span it)
{
	size_t d = digits_at(it.p, it.n, 0), i = d, l;

	if (d == 0 || i >= it.n)
		return 0;
	if (it.n - i >= 2 && it.p[i] == 'r' && it.p[i + 1] == 'c')
		l = 2;
	else if (it.p[i] == 'a' || it.p[i] == 'b' || it.p[i] == 'c')
		l = 1;
	else
		return 0;
	if (digits_at(it.p, it.n, i + l) == 0 || i + l + digits_at(it.p, it.n, i + l) != it.n)
		return 0;
	return d;
}

/* packaging's _version_split: epoch (or "0"), then '.' items, "1rc1" split in two */
static void version_split(const char *s, size_t n, struct split *sp)
{
	const char *bang = NULL;
	size_t i, st;

	sp->n = 0;
	sp->overflow = false;
	for (i = n; i-- > 0;) {
		if (s[i] == '!') {
			bang = s + i;
			break;
		}
	}
	if (bang && bang > s)
		split_add(sp, s, (size_t)(bang - s));
	else
		split_add(sp, "0", 1);
	if (bang) {
		n -= (size_t)(bang + 1 - s);
		s = bang + 1;
	}
	for (i = 0, st = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			struct span it = { s + st, i - st };
			size_t d = prefix_split(it);

			if (d) {
				split_add(sp, it.p, d);
				split_add(sp, it.p + d, it.n - d);
			} else {
				split_add(sp, it.p, it.n);
			}
			st = i + 1;
		}
	}
}

/* str.startswith on a raw item (case-sensitive, as packaging's _is_not_suffix) */
static bool lit_prefix(struct span it, const char *lit)
{
	size_t l = strlen(lit);

	return it.n >= l && memcmp(it.p, lit, l) == 0;
}

static bool span_isdigit(struct span s)
{
	return s.n > 0 && all_digits(s);
}

static bool span_eq(struct span a, struct span b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* == V.* : packaging's _compare_equal prefix branch (spec is normalised) */
static bool prefix_match(const struct pep *prospective, const char *spec, size_t specn)
{
	struct sbuf np;
	struct split ss, sv;
	size_t rs = 0, rv = 0, pad, k = 0;

	pep_normalize(prospective, false, &np);
	if (np.overflow)
		return false;
	version_split(spec, specn, &ss);
	version_split(np.b, np.n, &sv);
	if (ss.overflow || sv.overflow)
		return false;
	while (rs < ss.n && span_isdigit(ss.it[rs]))
		rs++;
	while (rv < sv.n && span_isdigit(sv.it[rv]))
		rv++;
	/* _pad_version: zeros after the prospective's release part */
	pad = rs > rv ? rs - rv : 0;
	for (size_t i = 0; i < ss.n; i++) {
		struct span item;

		if (i < rv) {
			item = sv.it[i];
		} else if (i < rv + pad) {
			item = (struct span){ "0", 1 };
		} else {
			k = i - pad;
			if (k >= sv.n)
				return false;
			item = sv.it[k];
		}
		if (!span_eq(item, ss.it[i]))
			return false;
	}
	return true;
}

/* normalise a version string (canonicalize_version); unparsable ones stay as they are */
static void canonical_string(const char *s, size_t n, struct sbuf *out)
{
	struct pep p;

	if (pep_parse(s, n, &p)) {
		pep_normalize(&p, true, out);
	} else {
		out->n = 0;
		out->overflow = false;
		out->b[0] = '\0';
		sb_put(out, s, n);
	}
}

static bool is_base_equal(const struct pep *a, const struct pep *b)
{
	return cs_vnum_cmp(a->epoch.p, a->epoch.n, b->epoch.p, b->epoch.n) == 0 &&
	       cmp_release(a, b) == 0;
}

enum pop {
	P_COMPAT,
	P_EQ,
	P_NE,
	P_LE,
	P_GE,
	P_LT,
	P_GT,
	P_ARB,
};

/* Which version forms the specifier grammar allows after each operator */
static bool spec_form_ok(enum pop op, const struct pep *p, bool wildcard)
{
	if (wildcard)
		return op == P_EQ || op == P_NE;
	if (p->local && op != P_EQ && op != P_NE)
		return false;
	if (op == P_COMPAT && p->nrel < 2)
		return false;
	return true;
}

/* One specifier against a parsed version; false with *bad on a malformed specifier. */
static bool spec_match(const struct pep *v, const char *s, size_t n, bool *bad)
{
	static const struct {
		const char *s;
		enum pop op;
	} ops[] = {
		{ "===", P_ARB }, { "~=", P_COMPAT }, { "==", P_EQ }, { "!=", P_NE },
		{ "<=", P_LE },	  { ">=", P_GE },     { "<", P_LT },  { ">", P_GT },
	};
	enum pop op = P_EQ;
	bool found = false, wildcard = false;
	struct pep sp;
	int c;

	cs_vtrim(&s, &n);
	for (size_t i = 0; i < CS_ARRAY_SIZE(ops); i++) {
		size_t l = strlen(ops[i].s);

		if (n >= l && memcmp(s, ops[i].s, l) == 0) {
			op = ops[i].op;
			s += l;
			n -= l;
			found = true;
			break;
		}
	}
	if (!found) {
		*bad = true;
		return false;
	}
	cs_vtrim(&s, &n);
	if (op == P_ARB) {
		struct sbuf nv;

		/* [^\s;)]* compared with str(version), case-insensitively */
		for (size_t i = 0; i < n; i++) {
			if (cs_v_isspace(s[i]) || s[i] == ';' || s[i] == ')') {
				*bad = true;
				return false;
			}
		}
		pep_normalize(v, true, &nv);
		if (nv.overflow || nv.n != n)
			return false;
		for (size_t i = 0; i < n; i++)
			if (cs_v_tolower(nv.b[i]) != cs_v_tolower(s[i]))
				return false;
		return true;
	}
	if (n >= 2 && s[n - 2] == '.' && s[n - 1] == '*') {
		wildcard = true;
		if (!pep_parse(s, n - 2, &sp) || sp.pre_l >= 0 || sp.post || sp.dev || sp.local ||
		    !spec_form_ok(op, &sp, true)) {
			*bad = true;
			return false;
		}
	} else if (!pep_parse(s, n, &sp) || !spec_form_ok(op, &sp, false)) {
		*bad = true;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (cs_v_isspace(s[i])) {
			*bad = true;
			return false;
		}
	}
	switch (op) {
	case P_EQ:
	case P_NE: {
		bool eq;

		if (wildcard) {
			struct sbuf ns;

			canonical_string(s, n - 2, &ns);
			eq = !ns.overflow && prefix_match(v, ns.b, ns.n);
		} else {
			eq = pep_cmp(v, &sp, sp.local) == 0;
		}
		return op == P_EQ ? eq : !eq;
	}
	case P_LE:
		return pep_cmp(v, &sp, false) <= 0;
	case P_GE:
		return pep_cmp(v, &sp, false) >= 0;
	case P_LT:
		c = pep_cmp(v, &sp, true);
		if (c >= 0)
			return false;
		/* <V excludes pre-releases of V's release unless V is a pre-release */
		if (!(sp.pre_l >= 0 || sp.dev) && (v->pre_l >= 0 || v->dev) &&
		    is_base_equal(v, &sp))
			return false;
		return true;
	case P_GT:
		c = pep_cmp(v, &sp, true);
		if (c <= 0)
			return false;
		/* >V excludes post-releases and local versions of V unless V is a post-release */
		if (!sp.post && v->post && is_base_equal(v, &sp))
			return false;
		if (v->local && is_base_equal(v, &sp))
			return false;
		return true;
	case P_COMPAT: {
		struct split ss;
		struct sbuf prefix;
		size_t keep = 0;

		if (pep_cmp(v, &sp, false) < 0)
			return false;
		/* prefix: _version_split of the raw spec, up to the first suffix, minus one */
		if (n > 0 && (s[0] == 'v' || s[0] == 'V'))
			version_split(s + 1, n - 1, &ss);
		else
			version_split(s, n, &ss);
		if (ss.overflow)
			return false;
		while (keep < ss.n) {
			struct span it = ss.it[keep];

			if (lit_prefix(it, "dev") || lit_prefix(it, "a") || lit_prefix(it, "b") ||
			    lit_prefix(it, "rc") || lit_prefix(it, "post"))
				break;
			keep++;
		}
		if (keep < 2)
			return false;
		keep--;
		prefix.n = 0;
		prefix.overflow = false;
		prefix.b[0] = '\0';
		sb_put(&prefix, ss.it[0].p, ss.it[0].n);
		sb_put(&prefix, "!", 1);
		for (size_t i = 1; i < keep; i++) {
			if (i > 1)
				sb_put(&prefix, ".", 1);
			sb_put(&prefix, ss.it[i].p, ss.it[i].n);
		}
		if (prefix.overflow)
			return false;
		{
			struct sbuf ns;

			canonical_string(prefix.b, prefix.n, &ns);
			return !ns.overflow && prefix_match(v, ns.b, ns.n);
		}
	}
	default:
		break;
	}
	*bad = true;
	return false;
}

static int pep_satisfies(const char *v, size_t vn, const char *r, size_t rn, bool *ret)
{
	struct pep ver;
	const char *p = r, *end = r + rn;
	bool all = true;
	unsigned terms = 0;

	if (!pep_parse(v, vn, &ver))
		return CS_VCMP_BAD_A;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item = p;
		size_t n = (size_t)((comma ? comma : end) - p);
		bool bad = false;

		if (++terms > CS_VERSION_RANGE_MAX_TERMS)
			return CS_VCMP_BAD_B;
		cs_vtrim(&item, &n);
		/* SpecifierSet skips empty items: "" and ">=1," are fine */
		if (n > 0) {
			if (n > CS_VERSION_MAX_LEN + 8)
				return CS_VCMP_BAD_B;
			if (!spec_match(&ver, item, n, &bad))
				all = false;
			if (bad)
				return CS_VCMP_BAD_B;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*ret = all;
	return CS_VCMP_OK;
}

const struct cs_version_ops cs_version_pep440_ops = {
	.name = "pep440",
	.valid = pep_valid,
	.compare = pep_compare,
	.satisfies = pep_satisfies,
};
