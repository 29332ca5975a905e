/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SemVer 2.0 precedence and node-semver ranges, non-loose mode, without
 * includePrerelease: comparators, ^, ~ (and ~>), x-ranges, hyphen ranges,
 * || unions, and node-semver's rule that a pre-release version only
 * satisfies a comparator set naming a pre-release of the same
 * [major, minor, patch]. Versions accept surrounding whitespace and a
 * leading 'v' as node-semver's strict parser does. Ranges are evaluated
 * comparator by comparator as they are parsed: no allocation, no
 * recursion, numbers of any length (node-semver's own limits on length and
 * safe integers are replaced by ours).
 */
#include "internal.h"

struct sv {
	const char *num[3];
	size_t numn[3];
	const char *pre; /* identifiers without the '-', pren == 0 when none */
	size_t pren;
};

/* 0|[1-9][0-9]* at the start of s; returns its length or 0 */
static size_t numid_len(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !cs_v_isdigit(s[0]))
		return 0;
	if (s[0] == '0')
		return 1;
	while (i < n && cs_v_isdigit(s[i]))
		i++;
	return i;
}

static bool ident_char(char c)
{
	return cs_v_isalnum(c) || c == '-';
}

/*
 * Dot-separated identifiers at the start of s, up to '+' or the end (for
 * a pre-release) or the end (for build metadata). Returns the length
 * consumed or 0 on error; *count gets the number of identifiers.
 */
static size_t idents_len(const char *s, size_t n, bool pre, size_t *count)
{
	size_t i = 0;

	*count = 0;
	for (;;) {
		size_t st = i;
		bool alldigits = true;

		while (i < n && ident_char(s[i])) {
			if (!cs_v_isdigit(s[i]))
				alldigits = false;
			i++;
		}
		if (i == st)
			return 0;
		if (pre && alldigits && i - st > 1 && s[st] == '0')
			return 0;
		(*count)++;
		if (i < n && s[i] == '.') {
			i++;
			continue;
		}
		return i;
	}
}

bool cs_semver_tail(const char *s, size_t n, size_t i, size_t parts, const char **pre, size_t *pren)
{
	size_t cnt;

	*pre = NULL;
	*pren = 0;
	if (i < n && s[i] == '-') {
		size_t l = idents_len(s + i + 1, n - i - 1, true, &cnt);

		if (l == 0)
			return false;
		*pre = s + i + 1;
		*pren = l;
		i += 1 + l;
		parts += cnt;
	}
	if (i < n && s[i] == '+') {
		size_t l = idents_len(s + i + 1, n - i - 1, false, &cnt);

		if (l == 0)
			return false;
		i += 1 + l;
		parts += cnt;
	}
	return i == n && parts <= CS_VERSION_MAX_PARTS;
}

/* Strict node-semver version: v?MAJOR.MINOR.PATCH(-PRE)?(+BUILD)?, no surrounding space */
static bool sv_parse_plain(const char *s, size_t n, bool allow_v, struct sv *v)
{
	size_t i = 0, parts = 3;

	if (allow_v && n > 0 && s[0] == 'v')
		i++;
	for (int k = 0; k < 3; k++) {
		size_t l;

		if (k > 0) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
		l = numid_len(s + i, n - i);
		if (l == 0)
			return false;
		v->num[k] = s + i;
		v->numn[k] = l;
		i += l;
	}
	return cs_semver_tail(s, n, i, parts, &v->pre, &v->pren);
}

static bool sv_parse(const char *s, size_t n, struct sv *v)
{
	cs_vtrim(&s, &n);
	return sv_parse_plain(s, n, true, v);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!cs_v_isdigit(s[i]))
			return false;
	return n > 0;
}

int cs_semver_pre_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	for (;;) {
		size_t si = i, sj = j;
		bool na, nb;
		int r;

		if (i >= an && j >= bn)
			return 0;
		if (i >= an)
			return -1;
		if (j >= bn)
			return 1;
		while (i < an && a[i] != '.')
			i++;
		while (j < bn && b[j] != '.')
			j++;
		na = all_digits(a + si, i - si);
		nb = all_digits(b + sj, j - sj);
		if (na && nb)
			r = cs_vnum_cmp(a + si, i - si, b + sj, j - sj);
		else if (na != nb)
			r = na ? -1 : 1;
		else
			r = cs_vstr_cmp(a + si, i - si, b + sj, j - sj);
		if (r)
			return r;
		/* skip the dot; a trailing dot cannot occur in parsed identifiers */
		if (i < an)
			i++;
		if (j < bn)
			j++;
	}
}

static int sv_cmp(const struct sv *a, const struct sv *b)
{
	for (int k = 0; k < 3; k++) {
		int r = cs_vnum_cmp(a->num[k], a->numn[k], b->num[k], b->numn[k]);

		if (r)
			return r;
	}
	if (a->pren == 0 && b->pren == 0)
		return 0;
	if (a->pren == 0)
		return 1;
	if (b->pren == 0)
		return -1;
	return cs_semver_pre_cmp(a->pre, a->pren, b->pre, b->pren);
}

static bool semver_valid(const char *v, size_t n)
{
	struct sv s;

	return sv_parse(v, n, &s);
}

static int semver_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	struct sv x, y;

	if (!sv_parse(a, an, &x))
		return CS_VCMP_BAD_A;
	if (!sv_parse(b, bn, &y))
		return CS_VCMP_BAD_B;
	*ret = sv_cmp(&x, &y);
	return CS_VCMP_OK;
}

/* ---- ranges ---- */

enum cop {
	C_ANY,
	C_LT,
	C_LE,
	C_GT,
	C_GE,
	C_EQ,
};

/* An x-range: [v=]*XID(.XID(.XID(-PRE)?(+BUILD)?)?)? with XID = number | x | X | * */
struct xr {
	const char *num[3];
	size_t numn[3];
	bool x[3];	   /* missing or a wildcard, propagated rightwards */
	bool bad_order;	   /* a number after a wildcard ("x.1", "1.x.2") */
	bool plain_prefix; /* the prefix is "" or "v": usable as a plain comparator */
	struct sv full;	   /* when no wildcard */
	bool has_full;
};

static bool is_xid(const char *s, size_t n, size_t *len, bool *isx)
{
	if (n > 0 && (s[0] == 'x' || s[0] == 'X' || s[0] == '*')) {
		*len = 1;
		*isx = true;
		return true;
	}
	*len = numid_len(s, n);
	*isx = false;
	return *len > 0;
}

static bool xr_parse(const char *s, size_t n, struct xr *x)
{
	size_t i = 0, cnt, parts = 3;
	const char *body;
	size_t bodyn;

	while (i < n && (s[i] == 'v' || s[i] == '=' || cs_v_isspace(s[i])))
		i++;
	x->plain_prefix = i == 0 || (i == 1 && s[0] == 'v');
	body = s + i;
	bodyn = n - i;
	for (int k = 0; k < 3; k++) {
		x->num[k] = NULL;
		x->numn[k] = 0;
		x->x[k] = true;
	}
	for (int k = 0; k < 3; k++) {
		size_t l;
		bool isx;

		if (k > 0) {
			if (i >= n || s[i] != '.')
				break;
			i++;
		}
		if (!is_xid(s + i, n - i, &l, &isx))
			return false;
		x->x[k] = isx;
		x->num[k] = s + i;
		x->numn[k] = l;
		i += l;
		if (k == 2) {
			if (i < n && s[i] == '-') {
				size_t pl = idents_len(s + i + 1, n - i - 1, true, &cnt);

				if (pl == 0)
					return false;
				i += 1 + pl;
				parts += cnt;
			}
			if (i < n && s[i] == '+') {
				size_t bl = idents_len(s + i + 1, n - i - 1, false, &cnt);

				if (bl == 0)
					return false;
				i += 1 + bl;
				parts += cnt;
			}
		}
	}
	if (i != n || parts > CS_VERSION_MAX_PARTS || n > CS_VERSION_MAX_LEN)
		return false;
	x->has_full = false;
	if (!x->x[0] && !x->x[1] && !x->x[2]) {
		/* no wildcard: re-parse as a plain version for the pre-release */
		if (!sv_parse_plain(body, bodyn, false, &x->full))
			return false;
		x->has_full = true;
	}
	/* node-semver 7.7+ refuses an x-range with a number after a wildcard */
	x->bad_order = (x->x[0] && !x->x[1]) || (x->x[1] && x->num[2] && !x->x[2]);
	/* isX(M) implies the rest is treated as wildcard too */
	if (x->x[0])
		x->x[1] = true;
	if (x->x[1])
		x->x[2] = true;
	return true;
}

struct eval {
	const struct sv *v;
	bool all;    /* every comparator so far holds */
	bool pre_ok; /* a comparator names a pre-release on the version's tuple */
};

static void feed(struct eval *e, enum cop op, const struct sv *b)
{
	int c;
	bool ok = false;

	if (op == C_ANY)
		return;
	c = sv_cmp(e->v, b);
	switch (op) {
	case C_LT:
		ok = c < 0;
		break;
	case C_LE:
		ok = c <= 0;
		break;
	case C_GT:
		ok = c > 0;
		break;
	case C_GE:
		ok = c >= 0;
		break;
	case C_EQ:
	case C_ANY:
		ok = c == 0;
		break;
	}
	if (!ok)
		e->all = false;
	if (b->pren > 0) {
		bool same = true;

		for (int k = 0; k < 3; k++)
			if (cs_vnum_cmp(e->v->num[k], e->v->numn[k], b->num[k], b->numn[k]))
				same = false;
		if (same)
			e->pre_ok = true;
	}
}

/* Build a bound M.m.p[-pre]; incremented parts go to the caller's buffers. */
static void mk(struct sv *out, const char *M, size_t Mn, const char *m, size_t mn, const char *p,
	       size_t pn, const char *pre)
{
	out->num[0] = M;
	out->numn[0] = Mn;
	out->num[1] = m;
	out->numn[1] = mn;
	out->num[2] = p;
	out->numn[2] = pn;
	out->pre = pre;
	out->pren = pre ? strlen(pre) : 0;
}

struct incbuf {
	char b[CS_VERSION_MAX_LEN + 2];
	size_t n;
};

static bool inc(struct incbuf *ib, const char *s, size_t n)
{
	ib->n = cs_vnum_inc(s, n, ib->b, sizeof(ib->b));
	return ib->n > 0;
}

/* an "x-range" comparator with an operator (replaceXRange) */
static bool feed_xrange(struct eval *e, enum cop op, bool has_op, const struct xr *x)
{
	struct sv lo, hi;
	struct incbuf ib;
	bool xM = x->x[0], xm = x->x[1], xp = x->x[2];
	bool anyX = xp;

	if (x->bad_order)
		return false;
	if (!anyX) {
		/* a plain comparator: node-semver only allows an optional 'v' here */
		if (!x->plain_prefix)
			return false;
		feed(e, has_op ? op : C_EQ, &x->full);
		return true;
	}
	if (has_op && op == C_EQ)
		has_op = false;
	if (xM) {
		if (has_op && (op == C_GT || op == C_LT)) {
			mk(&lo, "0", 1, "0", 1, "0", 1, "0");
			feed(e, C_LT, &lo); /* <0.0.0-0: nothing */
		}
		return true; /* '*' otherwise */
	}
	if (has_op) {
		const char *M = x->num[0], *m = xm ? "0" : x->num[1];
		size_t Mn = x->numn[0], mn = xm ? 1 : x->numn[1];
		const char *pre = NULL;

		if (op == C_GT) {
			op = C_GE;
			if (xm) {
				if (!inc(&ib, M, Mn))
					return false;
				M = ib.b;
				Mn = ib.n;
				m = "0";
				mn = 1;
			} else {
				if (!inc(&ib, m, mn))
					return false;
				m = ib.b;
				mn = ib.n;
			}
		} else if (op == C_LE) {
			op = C_LT;
			if (xm) {
				if (!inc(&ib, M, Mn))
					return false;
				M = ib.b;
				Mn = ib.n;
			} else {
				if (!inc(&ib, m, mn))
					return false;
				m = ib.b;
				mn = ib.n;
			}
		}
		if (op == C_LT)
			pre = "0";
		mk(&lo, M, Mn, m, mn, "0", 1, pre);
		feed(e, op, &lo);
		return true;
	}
	if (xm) {
		if (!inc(&ib, x->num[0], x->numn[0]))
			return false;
		mk(&lo, x->num[0], x->numn[0], "0", 1, "0", 1, NULL);
		mk(&hi, ib.b, ib.n, "0", 1, "0", 1, "0");
	} else {
		if (!inc(&ib, x->num[1], x->numn[1]))
			return false;
		mk(&lo, x->num[0], x->numn[0], x->num[1], x->numn[1], "0", 1, NULL);
		mk(&hi, x->num[0], x->numn[0], ib.b, ib.n, "0", 1, "0");
	}
	feed(e, C_GE, &lo);
	feed(e, C_LT, &hi);
	return true;
}

static bool feed_tilde(struct eval *e, const struct xr *x)
{
	struct sv lo, hi;
	struct incbuf ib;

	if (x->x[0])
		return true;
	if (x->x[1]) {
		if (!inc(&ib, x->num[0], x->numn[0]))
			return false;
		mk(&lo, x->num[0], x->numn[0], "0", 1, "0", 1, NULL);
		mk(&hi, ib.b, ib.n, "0", 1, "0", 1, "0");
	} else {
		if (!inc(&ib, x->num[1], x->numn[1]))
			return false;
		if (x->x[2])
			mk(&lo, x->num[0], x->numn[0], x->num[1], x->numn[1], "0", 1, NULL);
		else
			lo = x->full; /* keeps the pre-release, drops build */
		mk(&hi, x->num[0], x->numn[0], ib.b, ib.n, "0", 1, "0");
	}
	feed(e, C_GE, &lo);
	feed(e, C_LT, &hi);
	return true;
}

static bool feed_caret(struct eval *e, const struct xr *x)
{
	struct sv lo, hi;
	struct incbuf ib;
	const char *M = x->num[0], *m = x->num[1];
	size_t Mn = x->numn[0], mn = x->numn[1];
	bool M0 = !x->x[0] && Mn == 1 && M[0] == '0';
	bool m0 = !x->x[1] && mn == 1 && m[0] == '0';

	if (x->x[0])
		return true;
	if (x->x[1]) {
		if (!inc(&ib, M, Mn))
			return false;
		mk(&lo, M, Mn, "0", 1, "0", 1, NULL);
		mk(&hi, ib.b, ib.n, "0", 1, "0", 1, "0");
	} else if (x->x[2]) {
		mk(&lo, M, Mn, m, mn, "0", 1, NULL);
		if (M0) {
			if (!inc(&ib, m, mn))
				return false;
			mk(&hi, M, Mn, ib.b, ib.n, "0", 1, "0");
		} else {
			if (!inc(&ib, M, Mn))
				return false;
			mk(&hi, ib.b, ib.n, "0", 1, "0", 1, "0");
		}
	} else {
		lo = x->full;
		if (M0 && m0) {
			if (!inc(&ib, x->num[2], x->numn[2]))
				return false;
			mk(&hi, M, Mn, m, mn, ib.b, ib.n, "0");
		} else if (M0) {
			if (!inc(&ib, m, mn))
				return false;
			mk(&hi, M, Mn, ib.b, ib.n, "0", 1, "0");
		} else {
			if (!inc(&ib, M, Mn))
				return false;
			mk(&hi, ib.b, ib.n, "0", 1, "0", 1, "0");
		}
	}
	feed(e, C_GE, &lo);
	feed(e, C_LT, &hi);
	return true;
}

static bool feed_hyphen(struct eval *e, const struct xr *f, const struct xr *t)
{
	struct sv b;
	struct incbuf ib;

	if (!f->x[0]) {
		if (f->x[1])
			mk(&b, f->num[0], f->numn[0], "0", 1, "0", 1, NULL);
		else if (f->x[2])
			mk(&b, f->num[0], f->numn[0], f->num[1], f->numn[1], "0", 1, NULL);
		else
			b = f->full;
		feed(e, C_GE, &b);
	}
	if (!t->x[0]) {
		if (t->x[1]) {
			if (!inc(&ib, t->num[0], t->numn[0]))
				return false;
			mk(&b, ib.b, ib.n, "0", 1, "0", 1, "0");
			feed(e, C_LT, &b);
		} else if (t->x[2]) {
			if (!inc(&ib, t->num[1], t->numn[1]))
				return false;
			mk(&b, t->num[0], t->numn[0], ib.b, ib.n, "0", 1, "0");
			feed(e, C_LT, &b);
		} else {
			feed(e, C_LE, &t->full);
		}
	}
	return true;
}

/* Try "X - Y"; returns 1 if it was a hyphen range, 0 if not, -1 on error. */
static int try_hyphen(struct eval *e, const char *s, size_t n)
{
	for (size_t i = 1; i + 1 < n; i++) {
		const char *l = s, *r = s + i + 1;
		size_t ln = i, rn = n - i - 1;
		struct xr f, t;

		if (s[i] != '-' || !cs_v_isspace(s[i - 1]) || !cs_v_isspace(s[i + 1]))
			continue;
		cs_vtrim(&l, &ln);
		cs_vtrim(&r, &rn);
		if (!xr_parse(l, ln, &f) || !xr_parse(r, rn, &t))
			return 0;
		return feed_hyphen(e, &f, &t) ? 1 : -1;
	}
	return 0;
}

/* One comparator set (no "||"): true if the version satisfies it; -1 when invalid. */
static int eval_set(const struct sv *v, const char *s, size_t n, unsigned *terms)
{
	struct eval e = { v, true, false };
	size_t i = 0;
	int h;

	cs_vtrim(&s, &n);
	h = try_hyphen(&e, s, n);
	if (h < 0)
		return -1;
	if (h == 0) {
		while (i < n) {
			enum cop op = C_EQ;
			bool has_op = false, tilde = false, caret = false;
			size_t st;
			struct xr x;

			while (i < n && cs_v_isspace(s[i]))
				i++;
			if (i >= n)
				break;
			if (++*terms > CS_VERSION_RANGE_MAX_TERMS)
				return -1;
			if (s[i] == '<' || s[i] == '>') {
				has_op = true;
				op = s[i] == '<' ? C_LT : C_GT;
				i++;
				if (i < n && s[i] == '=') {
					op = op == C_LT ? C_LE : C_GE;
					i++;
				}
			} else if (s[i] == '=') {
				has_op = true;
				op = C_EQ;
				i++;
			} else if (s[i] == '~') {
				tilde = true;
				i++;
				if (i < n && s[i] == '>')
					i++;
			} else if (s[i] == '^') {
				caret = true;
				i++;
			}
			/* node-semver removes the space between an operator and its version */
			if (has_op || tilde || caret)
				while (i < n && cs_v_isspace(s[i]))
					i++;
			st = i;
			while (i < n && !cs_v_isspace(s[i]))
				i++;
			if (i == st || !xr_parse(s + st, i - st, &x))
				return -1;
			if (tilde) {
				if (!feed_tilde(&e, &x))
					return -1;
			} else if (caret) {
				if (!feed_caret(&e, &x))
					return -1;
			} else if (!feed_xrange(&e, op, has_op, &x)) {
				return -1;
			}
		}
	}
	if (!e.all)
		return 0;
	if (v->pren > 0 && !e.pre_ok)
		return 0;
	return 1;
}

static int semver_satisfies(const char *v, size_t vn, const char *r, size_t rn, bool *ret)
{
	struct sv ver;
	bool any = false;
	unsigned terms = 0;
	size_t i = 0;

	if (!sv_parse(v, vn, &ver))
		return CS_VCMP_BAD_A;
	for (;;) {
		size_t st = i;
		int k;

		while (i < rn && !(r[i] == '|' && i + 1 < rn && r[i + 1] == '|'))
			i++;
		k = eval_set(&ver, r + st, i - st, &terms);
		if (k < 0)
			return CS_VCMP_BAD_B;
		if (k > 0)
			any = true;
		if (i >= rn)
			break;
		i += 2;
	}
	*ret = any;
	return CS_VCMP_OK;
}

const struct cs_version_ops cs_version_semver_ops = {
	.name = "semver",
	.valid = semver_valid,
	.compare = semver_compare,
	.satisfies = semver_satisfies,
};
