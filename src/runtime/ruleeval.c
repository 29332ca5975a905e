/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evaluation of compiled conditions on one event. Runs on the event path:
 * no allocation, no locks; composed field values live in stack scratch.
 * A field with no value makes its comparison false (whatever the operator),
 * as in Falco; a multi-valued field matches when any value matches, and
 * `!=` on it means "no value equals".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>
#include "runtime/rules.h"
#include "runtime/rules_internal.h"

static bool ieq_prefix(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

static bool icontains(const char *h, size_t hl, const char *n, size_t nl)
{
	if (nl == 0)
		return true;
	for (size_t i = 0; i + nl <= hl; i++)
		if (ieq_prefix(h + i, n, nl))
			return true;
	return false;
}

static const char b64tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* decode base64 from s into out (cap bytes); false when invalid */
static bool b64_decode(const char *s, size_t len, char *out, size_t cap, size_t *outlen)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		const char *p;
		if (s[i] == '=')
			break;
		if (!s[i] || !(p = strchr(b64tab, s[i])))
			return false;
		acc = acc << 6 | (uint32_t)(p - b64tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= cap)
				return false;
			out[o++] = (char)(acc >> bits);
		}
	}
	out[o] = '\0';
	*outlen = o;
	return true;
}

/* apply f's transformers to v, using buf (SCRATCH_MAX); false: no value */
__attribute__((noinline)) static bool transform(const struct fieldref *f, struct fval *v, char *buf)
{
	for (unsigned i = 0; i < f->n_tr; i++) {
		size_t n = CS_MIN(v->len, (size_t)SCRATCH_MAX - 1);
		switch (f->tr[i]) {
		case TR_TOLOWER:
		case TR_TOUPPER:
			for (size_t k = 0; k < n; k++)
				buf[k] = f->tr[i] == TR_TOLOWER
						 ? (char)tolower((unsigned char)v->s[k])
						 : (char)toupper((unsigned char)v->s[k]);
			buf[n] = '\0';
			v->s = buf;
			v->len = n;
			break;
		case TR_B64: {
			char tmp[SCRATCH_MAX];
			size_t ol;
			memcpy(tmp, v->s, n);
			if (!b64_decode(tmp, n, buf, SCRATCH_MAX, &ol))
				return false;
			v->s = buf;
			v->len = ol;
			break;
		}
		case TR_BASENAME: {
			const char *sl = memrchr(v->s, '/', v->len);
			if (sl) {
				v->len -= (size_t)(sl + 1 - v->s);
				v->s = sl + 1;
			}
			break;
		}
		case TR_LEN:
			v->type = FT_INT;
			v->n = (int64_t)v->len;
			break;
		}
	}
	return true;
}

/*
 * n (nl >= 1) in h: glibc's memmem prepares a shift table per call, which
 * costs more than the search in a path; the first byte is rare enough.
 */
static bool contains(const char *h, size_t hl, const char *n, size_t nl)
{
	const char *p = h, *end = h + hl;

	while ((size_t)(end - p) >= nl && (p = memchr(p, n[0], (size_t)(end - p) - nl + 1))) {
		if (!memcmp(p + 1, n + 1, nl - 1))
			return true;
		p++;
	}
	return false;
}

static bool str_eq(const struct fval *v, const struct cval *c)
{
	return v->len == c->len && !memcmp(v->s, c->s, c->len);
}

static bool ip_match(const struct fval *v, const struct cval *c)
{
	char buf[64];
	struct in_addr a;
	if (!c->cidr)
		return str_eq(v, c);
	if (v->len >= sizeof(buf))
		return false;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	return (ntohl(a.s_addr) & c->mask) == c->net;
}

static bool in_list(const struct rnode *n, const struct fval *v)
{
	if (v->type == FT_INT || v->type == FT_BOOL) {
		for (size_t i = 0; i < n->n_cv; i++)
			if (n->cv[i].n == v->n)
				return true;
		return false;
	}
	if (v->type == FT_IP) {
		for (size_t i = 0; i < n->n_cv; i++)
			if (ip_match(v, &n->cv[i]))
				return true;
		return false;
	}
	if (n->sorted) {
		size_t lo = 0, hi = n->n_cv;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct cval *c = &n->cv[mid];
			int r = memcmp(v->s, c->s, CS_MIN(v->len, c->len));
			if (!r)
				r = v->len < c->len ? -1 : v->len > c->len;
			if (!r)
				return true;
			if (r < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		return false;
	}
	for (size_t i = 0; i < n->n_cv; i++)
		if (str_eq(v, &n->cv[i]))
			return true;
	return false;
}

static bool pmatch(const struct rnode *n, const struct fval *v)
{
	for (size_t i = 0; i < n->n_cv; i++) {
		const struct cval *c = &n->cv[i];
		size_t cl = c->len;
		while (cl > 1 && c->s[cl - 1] == '/')
			cl--;
		if (v->len < cl || memcmp(v->s, c->s, cl))
			continue;
		if (v->len == cl || v->s[cl] == '/' || (cl == 1 && c->s[0] == '/'))
			return true;
	}
	return false;
}

/* one value against the constants with op (n->op, or EQ for NE on multi fields) */
static bool cmp_one(const struct rnode *n, enum op op, const struct fval *v)
{
	const struct cval *c = n->n_cv ? &n->cv[0] : NULL;
	char nb[32];
	struct fval sv;

	if (op == OP_IN || op == OP_INTERSECTS)
		return in_list(n, v);
	if (op == OP_PMATCH)
		return v->type == FT_STR && pmatch(n, v);
	if (!c)
		return false;
	if (v->type == FT_INT || v->type == FT_BOOL) {
		switch (op) {
		case OP_EQ:
			return v->n == c->n;
		case OP_NE:
			return v->n != c->n;
		case OP_LT:
			return v->n < c->n;
		case OP_LE:
			return v->n <= c->n;
		case OP_GT:
			return v->n > c->n;
		case OP_GE:
			return v->n >= c->n;
		default:
			/* string operators on a number compare its text */
			sv.type = FT_STR;
			sv.len = fval_render(v, nb, sizeof(nb));
			sv.s = nb;
			v = &sv;
			break;
		}
	}
	if (v->type == FT_IP && (op == OP_EQ || op == OP_NE))
		return ip_match(v, c) == (op == OP_EQ);
	switch (op) {
	case OP_EQ:
		return str_eq(v, c);
	case OP_NE:
		return !str_eq(v, c);
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE: {
		int r = memcmp(v->s, c->s, CS_MIN(v->len, c->len));
		if (!r)
			r = v->len < c->len ? -1 : v->len > c->len;
		return op == OP_LT ? r < 0 : op == OP_LE ? r <= 0 : op == OP_GT ? r > 0 : r >= 0;
	}
	case OP_CONTAINS:
	case OP_BCONTAINS:
		return c->len == 0 || contains(v->s, v->len, c->s, c->len);
	case OP_ICONTAINS:
		return icontains(v->s, v->len, c->s, c->len);
	case OP_STARTSWITH:
	case OP_BSTARTSWITH:
		return v->len >= c->len && !memcmp(v->s, c->s, c->len);
	case OP_ENDSWITH:
		return v->len >= c->len && !memcmp(v->s + v->len - c->len, c->s, c->len);
	/* extracted values are always NUL-terminated at len (field_extract, transform) */
	case OP_GLOB:
		return v->s[v->len] == '\0' && fnmatch(c->s, v->s, 0) == 0;
	case OP_REGEX:
		return n->re && v->s[v->len] == '\0' && regexec(n->re, v->s, 0, NULL, 0) == 0;
	default:
		return false;
	}
}

/* out of line: its locals would give every node_eval of the recursion a stack frame and canary */
__attribute__((noinline)) static bool cmp_eval(const struct rnode *n, const struct cs_rt_event *e,
					       struct evalctx *x)
{
	char *scratch = x->scratch, *tbuf = x->tbuf;
	const struct fieldref *f = &n->lhs;
	bool multi = f->def->multi, any = false, seen = false;

	if (f->def->type == FT_EVTTYPE && !f->n_tr) {
		bool has = (unsigned)e->type < CS_RT_EVT_COUNT && evset_has(n->types, e->type);
		if (n->op == OP_EXISTS)
			return true;
		return n->op == OP_NE ? !has : has;
	}
	for (unsigned k = 0;; k++) {
		struct fval v;
		int r = field_extract(f, e, k, &v, scratch);
		if (r < 0)
			break;
		if (r == 0) {
			if (!multi)
				break;
			continue;
		}
		if (f->n_tr && !transform(f, &v, tbuf))
			continue;
		seen = true;
		if (n->op == OP_EXISTS)
			return true;
		if (multi && n->op == OP_NE) {
			if (cmp_one(n, OP_EQ, &v))
				return false;
			continue;
		}
		if (cmp_one(n, n->op, &v)) {
			any = true;
			break;
		}
		if (!multi)
			break;
	}
	if (multi && n->op == OP_NE)
		return seen;
	return any;
}

bool node_eval(const struct rnode *n, const struct cs_rt_event *e, struct evalctx *x)
{
	switch (n->kind) {
	case N_AND:
		for (size_t i = 0; i < n->n_kids; i++)
			if (!node_eval(n->kids[i], e, x))
				return false;
		return true;
	case N_OR:
		for (size_t i = 0; i < n->n_kids; i++)
			if (node_eval(n->kids[i], e, x))
				return true;
		return false;
	case N_NOT:
		return !node_eval(n->kids[0], e, x);
	case N_REF: {
		const struct rnode *m = n->kids[0];
		bool v;

		if (!m->memo)
			return node_eval(m, e, x);
		if (x->memo[m->memo - 1])
			return x->memo[m->memo - 1] == 2;
		v = node_eval(m, e, x);
		x->memo[m->memo - 1] = v ? 2 : 1;
		return v;
	}
	case N_CMP:
		return cmp_eval(n, e, x);
	case N_TRUE:
		return true;
	default:
		return false;
	}
}
