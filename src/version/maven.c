/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Maven versions as maven-artifact's ComparableVersion (3.8 series, the
 * one Debian ships): lowercased, split at '.', '-' and digit/letter
 * transitions into integers, qualifiers and nested lists ('-' and
 * transitions open a sub-list; ".X" is treated as "-X"); qualifiers order
 * alpha/a < beta/b < milestone/m < rc/cr < snapshot < "" = ga = final =
 * release < sp < unknown (lexically); trailing null items are removed
 * from each list. The item tree lives in a fixed array and is compared
 * with an explicit stack: nothing recurses on input.
 */
#include "internal.h"

enum mtype {
	M_INT,
	M_STR,
	M_LIST,
};

#define Q_RELEASE 5
#define Q_UNKNOWN 7
#define MAX_NODES (4 * CS_VERSION_MAX_PARTS + 8)

/* small on purpose: two trees and the compare stack live on the stack */
struct mnode {
	uint8_t type;
	uint8_t qual; /* strings: index in the qualifier list, Q_UNKNOWN otherwise */
	bool removed;
	int16_t first, last, next, prev; /* children (lists) and siblings, -1 for none */
	uint16_t off, n;		 /* int: digits without leading zeros; string: its text */
};

struct mver {
	const char *src;
	struct mnode node[MAX_NODES];
	int count;
	int items;
};

#define NODE_P(m, x) ((m)->src + (x)->off)

static int new_node(struct mver *m, enum mtype t)
{
	struct mnode *x;

	if (m->count >= MAX_NODES)
		return -1;
	x = &m->node[m->count];
	*x = (struct mnode){ (uint8_t)t, 0, false, -1, -1, -1, -1, 0, 0 };
	return m->count++;
}

static void append(struct mver *m, int list, int child)
{
	struct mnode *l = &m->node[list];

	m->node[child].prev = l->last;
	if (l->last >= 0)
		m->node[l->last].next = (int16_t)child;
	else
		l->first = (int16_t)child;
	l->last = (int16_t)child;
}

static bool lit_nocase(const char *s, size_t n, const char *lit)
{
	return cs_vstr_eq_nocase(s, n, lit);
}

static int qualifier(const char *s, size_t n, bool followed_by_digit)
{
	static const char *const names[] = { "alpha",	 "beta", "milestone", "rc",
					     "snapshot", "",	 "sp" };

	if (followed_by_digit && n == 1) {
		switch (cs_v_tolower(s[0])) {
		case 'a':
			return 0;
		case 'b':
			return 1;
		case 'm':
			return 2;
		default:
			break;
		}
	}
	if (lit_nocase(s, n, "ga") || lit_nocase(s, n, "final") || lit_nocase(s, n, "release"))
		return Q_RELEASE;
	if (lit_nocase(s, n, "cr"))
		return 3;
	for (int i = 0; i < (int)CS_ARRAY_SIZE(names); i++)
		if (lit_nocase(s, n, names[i]))
			return i;
	return Q_UNKNOWN;
}

/* add an int or string item to list; false when out of room */
static bool add_item(struct mver *m, int list, bool digit, const char *s, size_t n,
		     bool followed_by_digit)
{
	int k = new_node(m, digit ? M_INT : M_STR);

	if (k < 0 || ++m->items > CS_VERSION_MAX_PARTS)
		return false;
	if (digit) {
		while (n > 0 && *s == '0')
			s++, n--;
	} else {
		m->node[k].qual = (uint8_t)qualifier(s, n, followed_by_digit);
	}
	/* an empty item's literal "0" has no digits left after the zeros are stripped */
	m->node[k].off = (uint16_t)(n ? s - m->src : 0);
	m->node[k].n = (uint16_t)n;
	append(m, list, k);
	return true;
}

static int add_list(struct mver *m, int list)
{
	int k = new_node(m, M_LIST);

	if (k < 0)
		return -1;
	append(m, list, k);
	return k;
}

static bool is_null(const struct mver *m, int k)
{
	const struct mnode *x = &m->node[k];

	switch (x->type) {
	case M_INT:
		return x->n == 0;
	case M_STR:
		return x->qual == Q_RELEASE;
	case M_LIST:
		return x->first < 0;
	}
	return false;
}

static void normalize(struct mver *m, int list)
{
	int k = m->node[list].last;

	while (k >= 0) {
		int prev = m->node[k].prev;

		if (is_null(m, k)) {
			/* unlink */
			if (prev >= 0)
				m->node[prev].next = m->node[k].next;
			else
				m->node[list].first = m->node[k].next;
			if (m->node[k].next >= 0)
				m->node[m->node[k].next].prev = prev;
			else
				m->node[list].last = prev;
			m->node[k].removed = true;
		} else if (m->node[k].type != M_LIST) {
			break;
		}
		k = prev;
	}
}

static bool maven_parse(const char *s, size_t n, struct mver *m)
{
	int list;
	bool digit = false;
	size_t start = 0;

	m->src = s;
	m->count = 0;
	m->items = 0;
	if (n > CS_VERSION_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	list = new_node(m, M_LIST);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.' || c == '-') {
			if (i == start) {
				if (!add_item(m, list, true, "0", 1, false))
					return false;
			} else if (!add_item(m, list, digit, s + start, i - start, false)) {
				return false;
			}
			start = i + 1;
			if (c == '-') {
				list = add_list(m, list);
				if (list < 0)
					return false;
			}
		} else if (cs_v_isdigit(c)) {
			if (!digit && i > start) {
				/* 1.0.0.X1 < 1.0.0-X2: treat .X as -X */
				if (m->node[list].first >= 0) {
					list = add_list(m, list);
					if (list < 0)
						return false;
				}
				if (!add_item(m, list, false, s + start, i - start, true))
					return false;
				start = i;
				list = add_list(m, list);
				if (list < 0)
					return false;
			}
			digit = true;
		} else {
			if (digit && i > start) {
				if (!add_item(m, list, true, s + start, i - start, false))
					return false;
				start = i;
				list = add_list(m, list);
				if (list < 0)
					return false;
			}
			digit = false;
		}
	}
	if (n > start) {
		if (!digit && m->node[list].first >= 0) {
			list = add_list(m, list);
			if (list < 0)
				return false;
		}
		if (!add_item(m, list, digit, s + start, n - start, false))
			return false;
	}
	/* children are created after their parents: normalise in reverse order */
	for (int k = m->count; k-- > 0;)
		if (m->node[k].type == M_LIST && !m->node[k].removed)
			normalize(m, k);
	return true;
}

static int str_nocase_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++) {
		char x = cs_v_tolower(a[i]), y = cs_v_tolower(b[i]);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return an == bn ? 0 : (an < bn ? -1 : 1);
}

static int qual_cmp(const struct mver *ma, const struct mnode *a, const struct mver *mb,
		    const struct mnode *b)
{
	if (a->qual != b->qual)
		return a->qual < b->qual ? -1 : 1;
	if (a->qual == Q_UNKNOWN)
		return str_nocase_cmp(NODE_P(ma, a), a->n, NODE_P(mb, b), b->n);
	return 0;
}

/* a (never a list unless b is a non-list) against b (NULL = missing) */
static int leaf_cmp(const struct mver *ma, const struct mnode *a, const struct mver *mb,
		    const struct mnode *b)
{
	switch (a->type) {
	case M_INT:
		if (!b)
			return a->n == 0 ? 0 : 1;
		if (b->type == M_INT)
			return cs_vnum_cmp(NODE_P(ma, a), a->n, NODE_P(mb, b), b->n);
		return 1; /* 1.1 > 1-sp, 1.1 > 1-1 */
	case M_STR:
		if (!b)
			return a->qual < Q_RELEASE ? -1 : (a->qual == Q_RELEASE ? 0 : 1);
		if (b->type == M_STR)
			return qual_cmp(ma, a, mb, b);
		return -1; /* 1.any < 1.1, 1.any < 1-1 */
	case M_LIST:
		/* only reached against a number or a string */
		return b->type == M_INT ? -1 : 1;
	}
	return 0;
}

struct frame {
	int16_t ca, cb; /* next children; cb < 0 once the right side is exhausted */
	int8_t ta, tb;	/* which tree each side is in; tb < 0: compared against nothing */
	int8_t sign;	/* of this frame's result relative to the whole comparison */
};

static int maven_cmp(const struct mver *x, const struct mver *y)
{
	const struct mver *tree[2] = { x, y };
	struct frame st[MAX_NODES + 1];
	int sp = 0;

	st[0] = (struct frame){ x->node[0].first, y->node[0].first, 0, 1, 1 };
	while (sp >= 0) {
		struct frame *f = &st[sp];
		int l = f->ca, r = f->tb >= 0 ? f->cb : -1;
		int tl = f->ta, tr = f->tb;
		const struct mnode *nl, *nr;
		int s = 1, res;

		if (l < 0 && r < 0) {
			sp--;
			continue;
		}
		if (l >= 0)
			f->ca = tree[f->ta]->node[l].next;
		if (r >= 0)
			f->cb = tree[f->tb]->node[r].next;
		/* a missing left item: compare the right one with nothing, negated */
		if (l < 0) {
			l = r;
			tl = tr;
			r = -1;
			s = -1;
		}
		nl = &tree[tl]->node[l];
		nr = r >= 0 ? &tree[tr]->node[r] : NULL;
		if (nl->type == M_LIST && (!nr || nr->type == M_LIST)) {
			if (sp + 1 > MAX_NODES)
				return 0;
			sp++;
			st[sp] = (struct frame){ nl->first, nr ? nr->first : -1, (int8_t)tl,
						 (int8_t)(nr ? tr : -1), (int8_t)(f->sign * s) };
			continue;
		}
		res = leaf_cmp(tree[tl], nl, nr ? tree[tr] : NULL, nr);
		if (res)
			return cs_v_sign(res) * s * f->sign;
	}
	return 0;
}

static bool maven_valid(const char *v, size_t n)
{
	struct mver m;

	return maven_parse(v, n, &m);
}

static int maven_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	struct mver x, y;

	if (!maven_parse(a, an, &x))
		return CS_VCMP_BAD_A;
	if (!maven_parse(b, bn, &y))
		return CS_VCMP_BAD_B;
	*ret = maven_cmp(&x, &y);
	return CS_VCMP_OK;
}

const struct cs_version_ops cs_version_maven_ops = {
	.name = "maven",
	.valid = maven_valid,
	.compare = maven_compare,
};
