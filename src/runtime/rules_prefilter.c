/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The open prefilter (rules.h): from each active rule's compiled condition
 * (macros and lists expanded, as the evaluator sees it), a predicate P with
 * C => P on every open event, built from what the sensor can test in the
 * kernel: a prefix of the raw path, the open's class (access mode, failed or
 * not) and "the raw path is odd". The kernel drops an open only when no
 * rule's P holds, so the prefilter never hides an alert; any doubt makes P
 * "everything" (and one such rule turns the prefilter off).
 *
 * It must only read the rule engine's structures, never change them.
 *
 * Why prefixes are sound: for an absolute raw path user space does not
 * resolve anything, so fd.name (and fs.path.name, fd.nameraw) is the raw
 * path the kernel read; paths user space could resolve or normalise
 * (relative, "//", "/.", "..") always pass, as do paths the sensor may
 * have truncated.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "runtime/rules.h"
#include "runtime/rules_internal.h"

#define TERMS_MAX 4096 /* per predicate: more turn it into "everything" */

/* path startswith s ("": every path) and the open's class is in cls */
struct term {
	uint8_t cls;
	uint16_t len;
	char s[CS_RULES_PREFIX_MAX + 1];
};

/*
 * all: no condition (every open). Otherwise the union of terms; no term
 * means no non-odd path (odd: some atom asked for an odd path).
 */
struct pred {
	bool all, odd;
	struct term *t;
	size_t n, cap;
};

static void pred_free(struct pred *p)
{
	free(p->t);
	p->t = NULL;
	p->n = p->cap = 0;
}

static void pred_set_all(struct pred *p)
{
	pred_free(p);
	p->all = true;
}

static int pred_add(struct pred *p, const char *s, size_t len, uint8_t cls)
{
	struct term *t;

	if (p->all || !cls)
		return 0;
	if (p->n >= TERMS_MAX) {
		pred_set_all(p); /* too big to be worth it: weaker, still sound */
		return 0;
	}
	if (CS_GROW(p->t, p->cap, p->n + 1) < 0)
		return -ENOMEM;
	t = &p->t[p->n++];
	t->cls = cls;
	/* a longer prefix cut short is a weaker condition: still implied */
	if (len > CS_RULES_PREFIX_MAX)
		len = CS_RULES_PREFIX_MAX;
	if (len)
		memcpy(t->s, s, len);
	t->s[len] = '\0';
	t->len = (uint16_t)len;
	return 0;
}

static bool term_prefix(const struct term *a, const struct term *b)
{
	return a->len <= b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* a := a AND b (b is consumed) */
static int pred_and(struct pred *a, struct pred *b)
{
	struct pred r = { .odd = a->odd || b->odd };
	int ret = 0;

	if (b->all)
		return 0;
	if (a->all) {
		*a = *b;
		a->odd = r.odd;
		*b = (struct pred){ 0 };
		return 0;
	}
	for (size_t i = 0; i < a->n && !r.all && ret == 0; i++) {
		for (size_t k = 0; k < b->n && !r.all && ret == 0; k++) {
			const struct term *x = &a->t[i], *y = &b->t[k];
			uint8_t cls = x->cls & y->cls;

			if (!cls)
				continue;
			/* the longer of two prefixes, one of the other; none: disjoint */
			if (term_prefix(y, x))
				ret = pred_add(&r, x->s, x->len, cls);
			else if (term_prefix(x, y))
				ret = pred_add(&r, y->s, y->len, cls);
		}
	}
	if (ret < 0) {
		pred_free(&r);
		pred_free(b);
		return ret;
	}
	if (r.all) {
		/* the exact intersection is too big: either side alone is implied too */
		pred_free(&r);
		if (b->n < a->n) {
			pred_free(a);
			*a = *b;
			*b = (struct pred){ 0 };
		}
		pred_free(b);
		a->odd = r.odd;
		return 0;
	}
	pred_free(a);
	pred_free(b);
	*a = r;
	return 0;
}

/* a := a OR b (b is consumed) */
static int pred_or(struct pred *a, struct pred *b)
{
	int ret = 0;

	a->odd |= b->odd;
	if (b->all)
		pred_set_all(a);
	for (size_t i = 0; i < b->n && !a->all && ret == 0; i++)
		ret = pred_add(a, b->t[i].s, b->t[i].len, b->t[i].cls);
	pred_free(b);
	return ret;
}

/* A value no non-odd absolute path can contain. */
static bool implies_odd(const char *s, size_t len)
{
	for (size_t i = 1; i < len; i++)
		if ((s[i - 1] == '/' && (s[i] == '/' || s[i] == '.')) ||
		    (s[i - 1] == '.' && s[i] == '.'))
			return true;
	return false;
}

/* Whether some x in [lo, hi] satisfies x OP c. */
static bool range_can(int64_t lo, int64_t hi, enum op op, int64_t c)
{
	switch (op) {
	case OP_EQ:
		return lo <= c && c <= hi;
	case OP_NE:
		return !(lo == hi && lo == c);
	case OP_LT:
		return lo < c;
	case OP_LE:
		return lo <= c;
	case OP_GT:
		return hi > c;
	case OP_GE:
		return hi >= c;
	default:
		return true;
	}
}

static int path_atom(const struct rnode *n, bool dir, struct pred *p)
{
	int ret = 0;

	switch (n->op) {
	case OP_EQ:
	case OP_IN:
	case OP_INTERSECTS:
		for (size_t i = 0; i < n->n_cv && ret == 0; i++) {
			const struct cval *c = &n->cv[i];
			char buf[CS_RULES_PREFIX_MAX + 2];
			size_t l = c->len > CS_RULES_PREFIX_MAX ? CS_RULES_PREFIX_MAX : c->len;

			if (!dir) {
				ret = pred_add(p, c->s, c->len, CS_RULES_OPEN_ANY);
				continue;
			}
			/* fd.directory D: fd.name is D "/" something ("/" itself for D "/") */
			memcpy(buf, c->s, l);
			if (!(l == 1 && buf[0] == '/'))
				buf[l++] = '/';
			ret = pred_add(p, buf, l, CS_RULES_OPEN_ANY);
		}
		return ret;
	case OP_STARTSWITH:
	case OP_BSTARTSWITH:
		/* fd.directory is itself a prefix of fd.name */
		return n->n_cv ? pred_add(p, n->cv[0].s, n->cv[0].len, CS_RULES_OPEN_ANY)
			       : (pred_set_all(p), 0);
	case OP_PMATCH:
		for (size_t i = 0; i < n->n_cv && ret == 0; i++) {
			size_t cl = n->cv[i].len;

			while (cl > 1 && n->cv[i].s[cl - 1] == '/')
				cl--;
			ret = pred_add(p, n->cv[i].s, cl, CS_RULES_OPEN_ANY);
		}
		return ret;
	case OP_GLOB:
		if (!n->n_cv) {
			pred_set_all(p);
			return 0;
		}
		/* the literal text before the first wildcard (or escape) */
		return pred_add(p, n->cv[0].s, strcspn(n->cv[0].s, "*?[\\"), CS_RULES_OPEN_ANY);
	case OP_CONTAINS:
	case OP_ICONTAINS:
	case OP_BCONTAINS:
	case OP_ENDSWITH:
		/* case folding leaves '.' and '/' alone: icontains too */
		if (!dir && n->n_cv && implies_odd(n->cv[0].s, n->cv[0].len)) {
			p->odd = true;
			return 0;
		}
		pred_set_all(p);
		return 0;
	default:
		pred_set_all(p);
		return 0;
	}
}

static int class_atom(const struct rnode *n, const char *name, struct pred *p)
{
	uint8_t cls = CS_RULES_OPEN_ANY;
	enum op op = n->op;

	if (!strcmp(name, "evt.is_open_read") || !strcmp(name, "evt.is_open_write") ||
	    !strcmp(name, "evt.failed")) {
		uint8_t yes = !strcmp(name, "evt.is_open_read")	   ? CS_RULES_OPEN_READ
			      : !strcmp(name, "evt.is_open_write") ? CS_RULES_OPEN_WRITE
								   : CS_RULES_OPEN_FAILED;

		if ((op == OP_EQ || op == OP_NE) && n->n_cv == 1)
			cls = ((n->cv[0].n != 0) == (op == OP_EQ)) ? yes : (uint8_t)~yes;
	} else if (!strcmp(name, "fd.num") || !strcmp(name, "evt.rawres")) {
		/* opens: fd.num is the new fd, or -1 when the call failed */
		int64_t flo = !strcmp(name, "fd.num") ? -1 : -4095;

		if (op >= OP_EQ && op <= OP_GE && n->n_cv == 1)
			cls = (range_can(0, INT32_MAX, op, n->cv[0].n) ? CS_RULES_OPEN_SUCCEEDED
								       : 0) |
			      (range_can(flo, -1, op, n->cv[0].n) ? CS_RULES_OPEN_FAILED : 0);
	} else if (!strcmp(name, "evt.res")) {
		if (op == OP_EQ || op == OP_IN) {
			cls = 0;
			for (size_t i = 0; i < n->n_cv; i++)
				cls |= !strcmp(n->cv[i].s, "SUCCESS") ? CS_RULES_OPEN_SUCCEEDED
								      : CS_RULES_OPEN_FAILED;
		} else if (op == OP_NE && n->n_cv == 1 && !strcmp(n->cv[0].s, "SUCCESS")) {
			cls = CS_RULES_OPEN_FAILED;
		}
	}
	if (cls == CS_RULES_OPEN_ANY) {
		pred_set_all(p);
		return 0;
	}
	return pred_add(p, "", 0, cls);
}

static int cmp_atom(const struct rnode *n, struct pred *p)
{
	const struct fieldref *f = &n->lhs;
	const char *name = f->def ? f->def->name : NULL;

	if (!name || f->n_tr) {
		pred_set_all(p);
		return 0;
	}
	if (f->def->type == FT_EVTTYPE) {
		unsigned in = 0;

		for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
			in += cs_rt_evt_is_open(t) && evset_has(n->types, t);
		/* nothing on an open event: no term; otherwise no condition */
		if ((n->op == OP_EQ || n->op == OP_IN) && in == 0)
			return 0;
		if (n->op == OP_NE && in == 4)
			return 0;
		pred_set_all(p);
		return 0;
	}
	if (!strcmp(name, "fd.name") || !strcmp(name, "fs.path.name") ||
	    !strcmp(name, "fd.nameraw"))
		return path_atom(n, false, p);
	if (!strcmp(name, "fd.directory"))
		return path_atom(n, true, p);
	return class_atom(n, name, p);
}

/* P of node n on open events, into *p (zeroed by the caller) */
static int analyse(const struct rnode *n, struct pred *p)
{
	int ret = 0;

	switch (n->kind) {
	case N_AND:
		p->all = true;
		for (size_t i = 0; i < n->n_kids && ret == 0; i++) {
			struct pred k = { 0 };

			if ((ret = analyse(n->kids[i], &k)) < 0) {
				pred_free(&k);
				break;
			}
			ret = pred_and(p, &k);
			if (!p->all && !p->n)
				break; /* nothing non-odd: stays so */
		}
		return ret;
	case N_OR:
		for (size_t i = 0; i < n->n_kids && ret == 0 && !p->all; i++) {
			struct pred k = { 0 };

			if ((ret = analyse(n->kids[i], &k)) < 0) {
				pred_free(&k);
				break;
			}
			ret = pred_or(p, &k);
		}
		return ret;
	case N_REF:
		if (n->n_kids)
			return analyse(n->kids[0], p);
		pred_set_all(p);
		return 0;
	case N_CMP:
		return cmp_atom(n, p);
	case N_FALSE:
		return 0;
	default: /* N_NOT (its child's P says nothing of its negation), N_TRUE */
		pred_set_all(p);
		return 0;
	}
}

static int term_cmp(const void *a, const void *b)
{
	const struct term *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/*
 * The union of all terms as a minimal sorted prefix set whose longest match
 * gives the classes of every prefix that starts the path.
 */
static int normalise(struct pred *all, struct cs_rules_prefilter *pf)
{
	size_t *stack = NULL, depth = 0, out = 0;

	if (!all->n)
		return 0;
	qsort(all->t, all->n, sizeof(*all->t), term_cmp);
	stack = calloc(all->n, sizeof(*stack));
	pf->prefixes = calloc(all->n, sizeof(*pf->prefixes));
	if (!stack || !pf->prefixes) {
		free(stack);
		return -ENOMEM;
	}
	for (size_t i = 0; i < all->n; i++) {
		struct term *t = &all->t[i];
		struct cs_rules_prefix *q;

		/* duplicates: the same prefix, several class sets */
		if (out && pf->prefixes[out - 1].len == t->len &&
		    !memcmp(pf->prefixes[out - 1].path, t->s, t->len) && depth &&
		    stack[depth - 1] == out - 1) {
			pf->prefixes[out - 1].classes |= t->cls;
			continue;
		}
		while (depth) {
			q = &pf->prefixes[stack[depth - 1]];
			if (q->len <= t->len && !memcmp(q->path, t->s, q->len))
				break;
			depth--;
		}
		if (depth) {
			q = &pf->prefixes[stack[depth - 1]];
			if ((q->classes | t->cls) == q->classes)
				continue; /* its parent already passes all of it */
			t->cls |= q->classes;
		}
		q = &pf->prefixes[out];
		memcpy(q->path, t->s, t->len + 1);
		q->len = t->len;
		q->classes = t->cls;
		stack[depth++] = out++;
	}
	free(stack);
	pf->n_prefixes = out;
	return 0;
}

static void inactive(struct cs_rules_prefilter *pf, const char *fmt, ...) CS_PRINTF(2, 3);
static void inactive(struct cs_rules_prefilter *pf, const char *fmt, ...)
{
	va_list ap;

	pf->active = false;
	va_start(ap, fmt);
	vsnprintf(pf->reason_buf, sizeof(pf->reason_buf), fmt, ap);
	va_end(ap);
	pf->reason = pf->reason_buf;
}

int cs_rules_prefilter(const struct cs_rules *r, long rule, struct cs_rules_prefilter *ret)
{
	struct pred all = { 0 };
	size_t from = rule < 0 ? 0 : (size_t)rule, to = rule < 0 ? cs_rules_count(r) : from + 1;
	int err = 0;

	memset(ret, 0, sizeof(*ret));
	ret->active = true;
	for (size_t i = from; i < to && i < cs_rules_count(r) && ret->active; i++) {
		const struct rnode *root = rules_rule_root(r, i);
		struct cs_rule_info ri;
		struct pred p = { 0 };
		bool opens = false;

		cs_rules_info(r, i, &ri);
		if (rule < 0 && ri.status != CS_RULE_ACTIVE)
			continue;
		for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
			opens |= cs_rt_evt_is_open(t) && evset_has(ri.evttypes, t);
		if (!opens)
			continue; /* never evaluated on an open */
		ret->rules++;
		if (!root) {
			inactive(ret, "rule '%s' is not compiled", ri.name);
			break;
		}
		if ((err = analyse(root, &p)) < 0) {
			pred_free(&p);
			break;
		}
		if (p.all) {
			inactive(ret, "rule '%s' gives no condition on opens", ri.name);
			break;
		}
		if (!p.n && p.odd)
			ret->odd_rules++;
		if ((err = pred_or(&all, &p)) < 0)
			break;
		if (all.all) {
			inactive(ret, "too many path prefixes (rule '%s')", ri.name);
			break;
		}
	}
	if (!err && ret->active)
		err = normalise(&all, ret);
	pred_free(&all);
	if (err < 0) {
		cs_rules_prefilter_done(ret);
		return err;
	}
	if (ret->active && ret->n_prefixes > CS_RULES_PREFIXES_MAX) {
		inactive(ret, "more than %d path prefixes", CS_RULES_PREFIXES_MAX);
	} else if (ret->active && ((ret->n_prefixes > 0 && ret->prefixes[0].len <= 1 &&
				    ret->prefixes[0].classes == CS_RULES_OPEN_ANY) ||
				   (ret->n_prefixes > 1 && !strcmp(ret->prefixes[1].path, "/") &&
				    ret->prefixes[1].classes == CS_RULES_OPEN_ANY))) {
		/* "" or "/" passing all: so does every absolute path (the only ones tested) */
		inactive(ret, "the rules' conditions on opens pass every path");
	}
	if (!ret->active)
		cs_rules_prefilter_done(ret);
	return 0;
}

void cs_rules_prefilter_done(struct cs_rules_prefilter *pf)
{
	free(pf->prefixes);
	pf->prefixes = NULL;
	pf->n_prefixes = 0;
}

bool cs_rules_prefilter_odd(const char *path, size_t len)
{
	/* the sensor reads 255 bytes: a path that long may be cut short */
	if (len == 0 || path[0] != '/' || len >= CS_RULES_PREFIX_MAX - 1 ||
	    (len > 1 && path[len - 1] == '/'))
		return true;
	return implies_odd(path, len);
}

bool cs_rules_prefilter_pass(const struct cs_rules_prefilter *pf, const char *path, size_t len,
			     uint32_t flags, bool failed)
{
	const struct cs_rules_prefix *best = NULL;
	unsigned cls = (flags & 3u) | (failed ? 4u : 0u);

	if (!pf->active || cs_rules_prefilter_odd(path, len))
		return true;
	for (size_t i = 0; i < pf->n_prefixes; i++) {
		const struct cs_rules_prefix *q = &pf->prefixes[i];

		if (q->len <= len && !memcmp(q->path, path, q->len) &&
		    (!best || q->len > best->len))
			best = q;
	}
	return best && ((best->classes >> cls) & 1);
}
