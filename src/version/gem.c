/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RubyGems versions as Gem::Version: [0-9]+(.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+
 * (.[0-9A-Za-z-]+)*)?, surrounding whitespace allowed, empty means 0;
 * each '-' reads as ".pre."; segments are digit runs and letter runs; a
 * letter makes it a pre-release; trailing zeros of the numeric part and of
 * the string part are dropped before comparing. Requirements are
 * Gem::Requirement's "OP VERSION" (=, !=, >, <, >=, <=, ~>), comma
 * separated, all must hold.
 */
#include "internal.h"

struct seg {
	const char *p;
	size_t n;
	bool num;
};

struct gemv {
	struct seg seg[CS_VERSION_MAX_PARTS];
	size_t nseg;
	bool prerelease;
};

static bool ruby_space(char c)
{
	return cs_v_isspace(c);
}

static bool gem_parse(const char *s, size_t n, struct gemv *g)
{
	size_t i = 0;

	while (n > 0 && ruby_space(*s))
		s++, n--;
	while (n > 0 && ruby_space(s[n - 1]))
		n--;
	g->nseg = 0;
	g->prerelease = false;
	if (n == 0) {
		/* an empty version is "0" */
		g->seg[0] = (struct seg){ "0", 1, true };
		g->nseg = 1;
		return true;
	}
	/* [0-9]+ */
	while (i < n && cs_v_isdigit(s[i]))
		i++;
	if (i == 0)
		return false;
	/* (\.[0-9a-zA-Z]+)* */
	while (i < n && s[i] == '.') {
		size_t st = ++i;

		while (i < n && cs_v_isalnum(s[i]))
			i++;
		if (i == st)
			return false;
	}
	/* (-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? */
	if (i < n && s[i] == '-') {
		i++;
		for (;;) {
			size_t st = i;

			while (i < n && (cs_v_isalnum(s[i]) || s[i] == '-'))
				i++;
			if (i == st)
				return false;
			if (i < n && s[i] == '.') {
				i++;
				continue;
			}
			break;
		}
	}
	if (i != n)
		return false;
	/* segments of the string with each '-' read as ".pre." */
	for (i = 0; i < n;) {
		struct seg sg;

		if (s[i] == '.') {
			i++;
			continue;
		}
		if (s[i] == '-') {
			sg = (struct seg){ "pre", 3, false };
			i++;
		} else {
			size_t st = i;
			bool num = cs_v_isdigit(s[i]);

			while (i < n && (num ? cs_v_isdigit(s[i]) : cs_v_isalpha(s[i])))
				i++;
			sg = (struct seg){ s + st, i - st, num };
		}
		if (!sg.num)
			g->prerelease = true;
		if (g->nseg >= CS_VERSION_MAX_PARTS)
			return false;
		g->seg[g->nseg++] = sg;
	}
	return true;
}

static bool seg_zero(const struct seg *s)
{
	return s->num && cs_vnum_is_zero(s->p, s->n);
}

/* canonical_segments: trailing zeros dropped from the numeric and the string part */
static size_t canonical(const struct gemv *g, const struct seg **out)
{
	size_t fs = 0, e1, e2, k = 0;

	while (fs < g->nseg && g->seg[fs].num)
		fs++;
	e1 = fs;
	while (e1 > 0 && seg_zero(&g->seg[e1 - 1]))
		e1--;
	e2 = g->nseg;
	while (e2 > fs && seg_zero(&g->seg[e2 - 1]))
		e2--;
	for (size_t i = 0; i < e1; i++)
		out[k++] = &g->seg[i];
	for (size_t i = fs; i < e2; i++)
		out[k++] = &g->seg[i];
	return k;
}

static const struct seg zero_seg = { "0", 1, true };

static int gem_cmp(const struct gemv *a, const struct gemv *b)
{
	const struct seg *ca[CS_VERSION_MAX_PARTS], *cb[CS_VERSION_MAX_PARTS];
	size_t na = canonical(a, ca), nb = canonical(b, cb);
	size_t limit = na > nb ? na : nb;

	for (size_t i = 0; i < limit; i++) {
		const struct seg *l = i < na ? ca[i] : &zero_seg;
		const struct seg *r = i < nb ? cb[i] : &zero_seg;
		int c;

		if (l->num && r->num)
			c = cs_vnum_cmp(l->p, l->n, r->p, r->n);
		else if (!l->num && !r->num)
			c = cs_vstr_cmp(l->p, l->n, r->p, r->n);
		else
			c = l->num ? 1 : -1;
		if (c)
			return c;
	}
	return 0;
}

static bool gem_valid(const char *v, size_t n)
{
	struct gemv g;

	return gem_parse(v, n, &g);
}

static int gem_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	struct gemv x, y;

	if (!gem_parse(a, an, &x))
		return CS_VCMP_BAD_A;
	if (!gem_parse(b, bn, &y))
		return CS_VCMP_BAD_B;
	*ret = gem_cmp(&x, &y);
	return CS_VCMP_OK;
}

/* the numeric segments before the first string one */
static size_t numeric_prefix(const struct gemv *g)
{
	size_t k = 0;

	while (k < g->nseg && g->seg[k].num)
		k++;
	return k;
}

/* v.release < r.bump, both purely numeric, missing segments are 0 */
static bool release_below_bump(const struct gemv *v, const struct gemv *r)
{
	char buf[CS_VERSION_MAX_LEN + 2];
	size_t nv = numeric_prefix(v), nr = numeric_prefix(r), nb, bl;
	const struct seg *last;

	/* bump: drop the last numeric segment if there are several, then increment */
	nb = nr > 1 ? nr - 1 : nr;
	last = &r->seg[nb - 1];
	bl = cs_vnum_inc(last->p, last->n, buf, sizeof(buf));
	if (bl == 0)
		return false;
	for (size_t i = 0; i < (nv > nb ? nv : nb); i++) {
		const char *lp = "0", *rp = "0";
		size_t ln = 1, rn = 1;
		int c;

		if (i < nv) {
			lp = v->seg[i].p;
			ln = v->seg[i].n;
		}
		if (i + 1 == nb) {
			rp = buf;
			rn = bl;
		} else if (i < nb) {
			rp = r->seg[i].p;
			rn = r->seg[i].n;
		}
		c = cs_vnum_cmp(lp, ln, rp, rn);
		if (c)
			return c < 0;
	}
	return false;
}

static int gem_satisfies(const char *v, size_t vn, const char *r, size_t rn, bool *ret)
{
	struct gemv ver, bound;
	const char *p = r, *end = r + rn;
	bool all = true;
	unsigned terms = 0;

	if (!gem_parse(v, vn, &ver))
		return CS_VCMP_BAD_A;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item = p;
		size_t n = (size_t)((comma ? comma : end) - p);
		enum { EQ, NE, GT, LT, GE, LE, TW } op = EQ;
		bool ok = false;
		int c;

		if (++terms > CS_VERSION_RANGE_MAX_TERMS)
			return CS_VCMP_BAD_B;
		cs_vtrim(&item, &n);
		if (n >= 2 && memcmp(item, "!=", 2) == 0)
			op = NE;
		else if (n >= 2 && memcmp(item, ">=", 2) == 0)
			op = GE;
		else if (n >= 2 && memcmp(item, "<=", 2) == 0)
			op = LE;
		else if (n >= 2 && memcmp(item, "~>", 2) == 0)
			op = TW;
		else if (n >= 1 && item[0] == '=')
			op = EQ;
		else if (n >= 1 && item[0] == '>')
			op = GT;
		else if (n >= 1 && item[0] == '<')
			op = LT;
		if (op == NE || op == GE || op == LE || op == TW)
			item += 2, n -= 2;
		else if (n >= 1 && (item[0] == '=' || item[0] == '>' || item[0] == '<'))
			item += 1, n -= 1;
		cs_vtrim(&item, &n);
		/* a requirement needs a version (an empty one is not "0" here) */
		if (n == 0 || n > CS_VERSION_MAX_LEN || !gem_parse(item, n, &bound))
			return CS_VCMP_BAD_B;
		c = gem_cmp(&ver, &bound);
		switch (op) {
		case EQ:
			ok = c == 0;
			break;
		case NE:
			ok = c != 0;
			break;
		case GT:
			ok = c > 0;
			break;
		case LT:
			ok = c < 0;
			break;
		case GE:
			ok = c >= 0;
			break;
		case LE:
			ok = c <= 0;
			break;
		case TW:
			ok = c >= 0 && release_below_bump(&ver, &bound);
			break;
		}
		if (!ok)
			all = false;
		if (!comma)
			break;
		p = comma + 1;
	}
	*ret = all;
	return CS_VCMP_OK;
}

const struct cs_version_ops cs_version_gem_ops = {
	.name = "gem",
	.valid = gem_valid,
	.compare = gem_compare,
	.satisfies = gem_satisfies,
};
