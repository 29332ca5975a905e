/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NetworkPolicy evaluation (netpol.h, docs/AUDIT-NETPOL.md): manifests in,
 * a model of namespaces, workloads and policies, then the reachability
 * matrix and the audit results. Port sets are interned (one id per distinct
 * set, id 0 nothing, id 1 everything) and their unions and intersections
 * memoised, so a matrix of a million cells costs a million id look-ups, not
 * a million set operations. Never prints; never trusts a count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "audit/internal.h"
#include "audit/k8s.h"
#include "audit/netpol.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/parse.h"
#include "basic/path.h"
#include "basic/stream.h"
#include "basic/yaml.h"

/* ---- port sets -------------------------------------------------------- */

/*
 * A port set is a sorted list of disjoint, non-adjacent closed ranges over
 * one line of keys, key = protocol * 65536 + port (ports 1-65535), so a
 * range never crosses protocols and set operations are plain range merges.
 */
enum { PROTO_TCP = 0, PROTO_UDP, PROTO_SCTP, N_PROTO };
static const char *const proto_names[N_PROTO] = { "TCP", "UDP", "SCTP" };
#define PKEY(proto, port) (((uint32_t)(proto) << 16) | (uint32_t)(port))

#define PS_EMPTY    0u
#define PS_ALL	    1u
#define PS_MAX_SETS (1u << 22)
#define PS_MAX_MEMO (1u << 22)

struct pset {
	size_t off; /* into pstore.r, pairs */
	uint32_t n; /* ranges */
	uint64_t hash;
	char *str;
};

struct memo_ent {
	uint64_t key; /* bit 63 set when used */
	uint32_t val;
};

struct pstore {
	uint32_t *r; /* lo, hi pairs of every set */
	size_t n_r, cap_r;
	struct pset *s;
	size_t n_s, cap_s;
	uint32_t *idx; /* open addressing: set id + 1, 0 free */
	size_t idx_cap;
	struct memo_ent *memo;
	size_t memo_cap, memo_n;
	uint32_t *tmp; /* scratch pairs */
	size_t n_tmp, cap_tmp;
	int err; /* sticky: -ENOMEM or -CS_E_LIMIT */
};

static uint64_t hash_pairs(const uint32_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < 2 * n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

static void idx_insert(struct pstore *ps, uint32_t id)
{
	size_t mask = ps->idx_cap - 1, i = ps->s[id].hash & mask;

	while (ps->idx[i])
		i = (i + 1) & mask;
	ps->idx[i] = id + 1;
}

static int idx_grow(struct pstore *ps)
{
	size_t nc = ps->idx_cap ? ps->idx_cap * 2 : 256;
	uint32_t *ni = cs_new0(uint32_t, nc);

	if (!ni)
		return -ENOMEM;
	free(ps->idx);
	ps->idx = ni;
	ps->idx_cap = nc;
	for (uint32_t id = 0; id < ps->n_s; id++)
		idx_insert(ps, id);
	return 0;
}

/* The id of the normalised pairs p (n ranges); PS_EMPTY on failure (ps->err). */
static uint32_t ps_intern(struct pstore *ps, const uint32_t *p, size_t n)
{
	uint64_t h = hash_pairs(p, n);
	size_t i;
	uint32_t id;

	if (ps->err)
		return PS_EMPTY;
	if (ps->idx_cap) {
		size_t mask = ps->idx_cap - 1;

		for (i = h & mask; ps->idx[i]; i = (i + 1) & mask) {
			const struct pset *s = &ps->s[ps->idx[i] - 1];

			if (s->hash == h && s->n == n &&
			    (n == 0 || !memcmp(&ps->r[s->off], p, 2 * n * sizeof(*p))))
				return ps->idx[i] - 1;
		}
	}
	if (ps->n_s >= PS_MAX_SETS) {
		ps->err = -CS_E_LIMIT;
		return PS_EMPTY;
	}
	if (CS_GROW(ps->s, ps->cap_s, ps->n_s + 1) < 0 ||
	    CS_GROW(ps->r, ps->cap_r, ps->n_r + 2 * n) < 0) {
		ps->err = -ENOMEM;
		return PS_EMPTY;
	}
	if (n)
		memcpy(&ps->r[ps->n_r], p, 2 * n * sizeof(*p));
	id = (uint32_t)ps->n_s++;
	ps->s[id] = (struct pset){ .off = ps->n_r, .n = (uint32_t)n, .hash = h };
	ps->n_r += 2 * n;
	if (ps->n_s * 2 > ps->idx_cap) {
		/* the new index holds every set, this one included */
		if (idx_grow(ps) < 0) {
			ps->n_s--;
			ps->err = -ENOMEM;
			return PS_EMPTY;
		}
	} else {
		idx_insert(ps, id);
	}
	return id;
}

static int tmp_push(struct pstore *ps, uint32_t lo, uint32_t hi)
{
	if (CS_GROW(ps->tmp, ps->cap_tmp, 2 * ps->n_tmp + 2) < 0) {
		ps->err = -ENOMEM;
		return -ENOMEM;
	}
	ps->tmp[2 * ps->n_tmp] = lo;
	ps->tmp[2 * ps->n_tmp + 1] = hi;
	ps->n_tmp++;
	return 0;
}

static int pair_cmp(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Sort and merge the scratch ranges, then intern them. */
static uint32_t tmp_intern(struct pstore *ps)
{
	size_t n = 0;

	if (ps->err)
		return PS_EMPTY;
	if (ps->n_tmp > 1)
		qsort(ps->tmp, ps->n_tmp, 2 * sizeof(uint32_t), pair_cmp);
	for (size_t i = 0; i < ps->n_tmp; i++) {
		uint32_t lo = ps->tmp[2 * i], hi = ps->tmp[2 * i + 1];

		if (n && lo <= ps->tmp[2 * (n - 1) + 1] + 1) {
			if (hi > ps->tmp[2 * (n - 1) + 1])
				ps->tmp[2 * (n - 1) + 1] = hi;
			continue;
		}
		ps->tmp[2 * n] = lo;
		ps->tmp[2 * n + 1] = hi;
		n++;
	}
	ps->n_tmp = 0;
	return ps_intern(ps, ps->tmp, n);
}

static int ps_init(struct pstore *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps_intern(ps, NULL, 0); /* PS_EMPTY */
	for (int p = 0; p < N_PROTO; p++)
		tmp_push(ps, PKEY(p, 1), PKEY(p, 65535));
	tmp_intern(ps); /* PS_ALL */
	return ps->err;
}

static void ps_done(struct pstore *ps)
{
	for (size_t i = 0; i < ps->n_s; i++)
		free(ps->s[i].str);
	free(ps->r);
	free(ps->s);
	free(ps->idx);
	free(ps->memo);
	free(ps->tmp);
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static bool memo_get(struct pstore *ps, uint64_t key, uint32_t *ret)
{
	size_t mask, i;

	if (!ps->memo_cap)
		return false;
	mask = ps->memo_cap - 1;
	for (i = mix64(key) & mask; ps->memo[i].key; i = (i + 1) & mask)
		if (ps->memo[i].key == key) {
			*ret = ps->memo[i].val;
			return true;
		}
	return false;
}

static void memo_put(struct pstore *ps, uint64_t key, uint32_t val)
{
	size_t mask, i;

	if (ps->memo_n * 2 >= ps->memo_cap) {
		size_t nc = ps->memo_cap ? ps->memo_cap * 2 : 4096;
		struct memo_ent *nm;

		if (ps->memo_n >= PS_MAX_MEMO) {
			/* bounded: forget everything and start again */
			memset(ps->memo, 0, ps->memo_cap * sizeof(*ps->memo));
			ps->memo_n = 0;
			nc = ps->memo_cap;
		}
		if (nc != ps->memo_cap) {
			nm = cs_new0(struct memo_ent, nc);
			if (!nm)
				return; /* a cache: losing an entry is harmless */
			for (size_t k = 0; k < ps->memo_cap; k++) {
				if (!ps->memo[k].key)
					continue;
				for (i = mix64(ps->memo[k].key) & (nc - 1); nm[i].key;
				     i = (i + 1) & (nc - 1))
					;
				nm[i] = ps->memo[k];
			}
			free(ps->memo);
			ps->memo = nm;
			ps->memo_cap = nc;
		}
	}
	mask = ps->memo_cap - 1;
	for (i = mix64(key) & mask; ps->memo[i].key; i = (i + 1) & mask)
		;
	ps->memo[i] = (struct memo_ent){ .key = key, .val = val };
	ps->memo_n++;
}

static uint64_t memo_key(int op, uint32_t a, uint32_t b)
{
	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	return (1ull << 63) | ((uint64_t)op << 62) | ((uint64_t)a << 31) | b;
}

static uint32_t ps_union(struct pstore *ps, uint32_t a, uint32_t b)
{
	uint64_t key;
	uint32_t ret;

	if (a == b || b == PS_EMPTY)
		return a;
	if (a == PS_EMPTY)
		return b;
	if (a == PS_ALL || b == PS_ALL)
		return PS_ALL;
	key = memo_key(0, a, b);
	if (memo_get(ps, key, &ret))
		return ret;
	for (int k = 0; k < 2; k++) {
		const struct pset *s = &ps->s[k ? b : a];

		for (uint32_t i = 0; i < s->n; i++)
			tmp_push(ps, ps->r[s->off + 2 * i], ps->r[s->off + 2 * i + 1]);
	}
	ret = tmp_intern(ps);
	if (!ps->err)
		memo_put(ps, key, ret);
	return ret;
}

static uint32_t ps_intersect(struct pstore *ps, uint32_t a, uint32_t b)
{
	const struct pset *x, *y;
	uint64_t key;
	uint32_t ret, i = 0, j = 0;

	if (a == b || b == PS_ALL)
		return a;
	if (a == PS_ALL)
		return b;
	if (a == PS_EMPTY || b == PS_EMPTY)
		return PS_EMPTY;
	key = memo_key(1, a, b);
	if (memo_get(ps, key, &ret))
		return ret;
	x = &ps->s[a];
	y = &ps->s[b];
	while (i < x->n && j < y->n) {
		uint32_t xl = ps->r[x->off + 2 * i], xh = ps->r[x->off + 2 * i + 1];
		uint32_t yl = ps->r[y->off + 2 * j], yh = ps->r[y->off + 2 * j + 1];
		uint32_t lo = CS_MAX(xl, yl), hi = CS_MIN(xh, yh);

		if (lo <= hi)
			tmp_push(ps, lo, hi);
		if (xh < yh)
			i++;
		else
			j++;
	}
	ret = tmp_intern(ps);
	if (!ps->err)
		memo_put(ps, key, ret);
	return ret;
}

static int ps_format(struct pstore *ps, uint32_t id)
{
	struct pset *s = &ps->s[id];
	struct cs_buf b = CS_BUF_INIT(1u << 24);
	int r = 0;

	if (s->str)
		return 0;
	if (id == PS_EMPTY || id == PS_ALL) {
		s->str = cs_strdup(id == PS_ALL ? "all" : "-");
		return s->str ? 0 : -ENOMEM;
	}
	for (uint32_t i = 0; i < s->n && r >= 0; i++) {
		uint32_t lo = ps->r[s->off + 2 * i], hi = ps->r[s->off + 2 * i + 1];
		const char *proto = proto_names[lo >> 16];
		const char *sep = i ? "," : "";

		lo &= 0xffff;
		hi &= 0xffff;
		if (lo == 1 && hi == 65535)
			r = cs_buf_printf(&b, "%s*/%s", sep, proto);
		else if (lo == hi)
			r = cs_buf_printf(&b, "%s%u/%s", sep, lo, proto);
		else
			r = cs_buf_printf(&b, "%s%u-%u/%s", sep, lo, hi, proto);
	}
	if (r < 0) {
		cs_buf_done(&b);
		return r;
	}
	s->str = cs_buf_steal(&b, NULL);
	return s->str ? 0 : -ENOMEM;
}

/* ---- labels and selectors --------------------------------------------- */

struct labels {
	char **kv; /* key0, value0, key1, value1, ... */
	size_t n;  /* pairs */
};

static void labels_done(struct labels *l)
{
	for (size_t i = 0; i < 2 * l->n; i++)
		free(l->kv[i]);
	free(l->kv);
	l->kv = NULL;
	l->n = 0;
}

static const char *kv_get(const char *const *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[2 * i], key))
			return kv[2 * i + 1];
	return NULL;
}

static int labels_set(struct labels *l, const char *key, const char *value)
{
	char *k, *v;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->kv[2 * i], key)) {
			v = cs_strdup(value);
			if (!v)
				return -ENOMEM;
			free(l->kv[2 * i + 1]);
			l->kv[2 * i + 1] = v;
			return 0;
		}
	k = cs_strdup(key);
	v = cs_strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	char **nv = cs_reallocarray(l->kv, 2 * (l->n + 1), sizeof(*nv));
	if (!nv) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	l->kv = nv;
	l->kv[2 * l->n] = k;
	l->kv[2 * l->n + 1] = v;
	l->n++;
	return 0;
}

enum sel_op { OP_IN, OP_NOTIN, OP_EXISTS, OP_DOESNOTEXIST };

struct sel_expr {
	char *key;
	enum sel_op op;
	char **values;
	size_t n_values;
};

struct cs_label_selector {
	struct labels match;
	struct sel_expr *exprs;
	size_t n_exprs;
};

static void selector_done(struct cs_label_selector *s)
{
	labels_done(&s->match);
	for (size_t i = 0; i < s->n_exprs; i++) {
		free(s->exprs[i].key);
		for (size_t k = 0; k < s->exprs[i].n_values; k++)
			free(s->exprs[i].values[k]);
		free(s->exprs[i].values);
	}
	free(s->exprs);
	memset(s, 0, sizeof(*s));
}

static bool selector_empty(const struct cs_label_selector *s)
{
	return s->match.n == 0 && s->n_exprs == 0;
}

bool cs_label_selector_matches(const struct cs_label_selector *s, const char *const *kv,
			       size_t n_pairs)
{
	for (size_t i = 0; i < s->match.n; i++) {
		const char *v = kv_get(kv, n_pairs, s->match.kv[2 * i]);

		if (!v || strcmp(v, s->match.kv[2 * i + 1]) != 0)
			return false;
	}
	for (size_t i = 0; i < s->n_exprs; i++) {
		const struct sel_expr *e = &s->exprs[i];
		const char *v = kv_get(kv, n_pairs, e->key);
		bool in = false;

		switch (e->op) {
		case OP_EXISTS:
			if (!v)
				return false;
			break;
		case OP_DOESNOTEXIST:
			if (v)
				return false;
			break;
		case OP_IN:
		case OP_NOTIN:
			for (size_t k = 0; v && k < e->n_values && !in; k++)
				in = !strcmp(v, e->values[k]);
			if (in != (e->op == OP_IN))
				return false;
			break;
		}
	}
	return true;
}

static bool selector_match(const struct cs_label_selector *s, const struct labels *l)
{
	return cs_label_selector_matches(s, (const char *const *)l->kv, l->n);
}

/* ---- the model -------------------------------------------------------- */

/* the customs.dev/ignore annotations of an object (docs/AUDIT.md) */
struct ignore {
	char *list; /* check ids, "," or white space separated; "*" or "all" */
	char *why;
};

static void ignore_done(struct ignore *ig)
{
	free(ig->list);
	free(ig->why);
	ig->list = ig->why = NULL;
}

struct ns {
	char *name;
	struct labels labels;
	bool defined;
	char *path;
	unsigned line;
	struct ignore ignore;
	size_t first, count; /* its workloads, after sorting */
};

struct cport {
	char *name; /* NULL when unnamed */
	uint32_t key;
};

struct workload {
	struct cs_netpol_workload pub;
	char *id, *kind, *ns, *name, *path;
	size_t ns_idx;
	struct labels labels;
	struct ignore ignore;
	struct cport *ports;
	size_t n_ports;
	size_t *pol_in, *pol_eg; /* selecting policies, by type */
	size_t n_pol_in, n_pol_eg;
	/* the first ingress rule admitting every namespace, and what it opens */
	bool allns;
	size_t allns_pol, allns_rule;
	uint32_t allns_ports;
};

struct named_port {
	char *name;
	uint32_t proto;
};

enum peer_kind { PEER_SELECTOR, PEER_IPBLOCK };

struct peer {
	enum peer_kind kind;
	bool has_pod, has_ns;
	struct cs_label_selector pod, nsel;
	char *cidr;
	unsigned prefix;
	char **except;
	size_t n_except;
};

struct rule {
	bool all_peers; /* from/to absent or empty */
	struct peer *peers;
	size_t n_peers;
	bool all_ports;	  /* ports absent or empty */
	uint32_t numeric; /* port set of the numeric and whole-protocol entries */
	struct named_port *named;
	size_t n_named;
	unsigned line;
	uint64_t *bits;	    /* the workloads its peers name, after analyze */
	uint32_t *resolved; /* per workload: port set id + 1 of the named ports, 0 not yet */
};

struct policy {
	char *ns, *name, *path;
	unsigned line;
	size_t ns_idx;
	struct cs_label_selector pod;
	bool t_in, t_eg;
	struct rule *in, *eg;
	size_t n_in, n_eg;
	size_t n_selected;
	struct ignore ignore;
};

struct cs_netpol {
	struct ns *ns;
	size_t n_ns, cap_ns;
	json_t *ns_index; /* name -> index */
	struct workload *wl;
	size_t n_wl, cap_wl;
	json_t *wl_index; /* id -> index */
	struct policy *pol;
	size_t n_pol, cap_pol;
	json_t *pol_index; /* ns/name -> index */
	struct pstore ps;
	uint32_t *m; /* n_wl * n_wl port set ids, row = source */
	size_t words;
	bool analyzed;
	char **warnings;
	size_t n_warnings;
	size_t n_files, n_objects;
};

static int np_warn(struct cs_netpol *np, const char *fmt, ...) CS_PRINTF(2, 3);
static int np_warn(struct cs_netpol *np, const char *fmt, ...)
{
	va_list ap;
	char *w = NULL;
	char **nv;
	int r;

	if (np->n_warnings >= 1000)
		return 0; /* enough said */
	va_start(ap, fmt);
	r = vasprintf(&w, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	nv = cs_reallocarray(np->warnings, np->n_warnings + 1, sizeof(*nv));
	if (!nv) {
		free(w);
		return -ENOMEM;
	}
	np->warnings = nv;
	np->warnings[np->n_warnings++] = w;
	return 0;
}

int cs_netpol_new(struct cs_netpol **ret)
{
	struct cs_netpol *np = cs_zalloc(sizeof(*np));

	if (!np)
		return -ENOMEM;
	np->ns_index = json_object();
	np->wl_index = json_object();
	np->pol_index = json_object();
	if (!np->ns_index || !np->wl_index || !np->pol_index || ps_init(&np->ps) < 0) {
		cs_netpol_free(np);
		return -ENOMEM;
	}
	*ret = np;
	return 0;
}

static void rules_free(struct rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < v[i].n_peers; k++) {
			struct peer *p = &v[i].peers[k];

			selector_done(&p->pod);
			selector_done(&p->nsel);
			free(p->cidr);
			for (size_t e = 0; e < p->n_except; e++)
				free(p->except[e]);
			free(p->except);
		}
		free(v[i].peers);
		free(v[i].bits);
		free(v[i].resolved);
		for (size_t k = 0; k < v[i].n_named; k++)
			free(v[i].named[k].name);
		free(v[i].named);
	}
	free(v);
}

static void policy_clear(struct policy *p)
{
	free(p->ns);
	free(p->name);
	free(p->path);
	selector_done(&p->pod);
	ignore_done(&p->ignore);
	rules_free(p->in, p->n_in);
	rules_free(p->eg, p->n_eg);
	memset(p, 0, sizeof(*p));
}

static void workload_clear(struct workload *w)
{
	free(w->id);
	free(w->kind);
	free(w->ns);
	free(w->name);
	free(w->path);
	labels_done(&w->labels);
	ignore_done(&w->ignore);
	for (size_t i = 0; i < w->n_ports; i++)
		free(w->ports[i].name);
	free(w->ports);
	free(w->pol_in);
	free(w->pol_eg);
	memset(w, 0, sizeof(*w));
}

void cs_netpol_free(struct cs_netpol *np)
{
	if (!np)
		return;
	for (size_t i = 0; i < np->n_ns; i++) {
		free(np->ns[i].name);
		free(np->ns[i].path);
		labels_done(&np->ns[i].labels);
		ignore_done(&np->ns[i].ignore);
	}
	free(np->ns);
	for (size_t i = 0; i < np->n_wl; i++)
		workload_clear(&np->wl[i]);
	free(np->wl);
	for (size_t i = 0; i < np->n_pol; i++)
		policy_clear(&np->pol[i]);
	free(np->pol);
	json_decref(np->ns_index);
	json_decref(np->wl_index);
	json_decref(np->pol_index);
	ps_done(&np->ps);
	free(np->m);
	for (size_t i = 0; i < np->n_warnings; i++)
		free(np->warnings[i]);
	free(np->warnings);
	free(np);
}

/* ---- loading ---------------------------------------------------------- */

struct load {
	struct cs_netpol *np;
	const char *path;
	const struct cs_yaml *y; /* NULL for JSON input: no lines */
	char what[320];		 /* "NetworkPolicy prod/db" */
	unsigned obj_line;
	struct cs_error *err;
};

static unsigned node_line(const struct load *L, const json_t *n)
{
	unsigned l =
		L->y && n && (json_is_object(n) || json_is_array(n)) ? cs_yaml_line(L->y, n) : 0;
	return l ? l : L->obj_line;
}

static int bad(const struct load *L, const json_t *n, const char *fmt, ...) CS_PRINTF(3, 4);
static int bad(const struct load *L, const json_t *n, const char *fmt, ...)
{
	char msg[512];
	unsigned line = node_line(L, n);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		return cs_error_set(L->err, -CS_E_INPUT, "%s:%u: %s%s%s", L->path, line, L->what,
				    L->what[0] ? ": " : "", msg);
	return cs_error_set(L->err, -CS_E_INPUT, "%s: %s%s%s", L->path, L->what,
			    L->what[0] ? ": " : "", msg);
}

static int oom(const struct load *L)
{
	return cs_error_set(L->err, -ENOMEM, "out of memory");
}

/* A field that must be an array (or absent/null: *ret NULL); at most CS_NETPOL_MAX_ITEMS. */
static int get_array(const struct load *L, const json_t *obj, const char *key, const json_t **ret)
{
	const json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(L, obj, "'%s' is not a list", key);
	if (json_array_size(v) > CS_NETPOL_MAX_ITEMS)
		return cs_error_set(L->err, -CS_E_LIMIT, "%s:%u: %s: '%s' has more than %d items",
				    L->path, node_line(L, v), L->what, key, CS_NETPOL_MAX_ITEMS);
	*ret = v;
	return 0;
}

/* A field that must be a mapping (or absent/null: *ret NULL). */
static int get_object(const struct load *L, const json_t *obj, const char *key, const json_t **ret)
{
	const json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(L, obj, "'%s' is not a mapping", key);
	if (json_object_size(v) > CS_NETPOL_MAX_ITEMS)
		return cs_error_set(L->err, -CS_E_LIMIT, "%s:%u: %s: '%s' has more than %d items",
				    L->path, node_line(L, v), L->what, key, CS_NETPOL_MAX_ITEMS);
	*ret = v;
	return 0;
}

/* A string field, or NULL when absent/null; other types are an error. */
static int get_string(const struct load *L, const json_t *obj, const char *key, const char **ret)
{
	const json_t *v = json_object_get(obj, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(L, obj, "'%s' is not a string", key);
	*ret = json_string_value(v);
	return 0;
}

/* metadata.labels / matchLabels: a mapping of strings (the API server refuses anything else). */
static int labels_parse(const struct load *L, const json_t *parent, const char *key,
			struct labels *out)
{
	const json_t *obj, *v;
	const char *k;
	int r;

	r = get_object(L, parent, key, &obj);
	if (r < 0 || !obj)
		return r;
	json_object_foreach ((json_t *)obj, k, v) {
		if (!json_is_string(v))
			return bad(L, obj, "%s '%s' is not a string (quote it)", key, k);
		if (labels_set(out, k, json_string_value(v)) < 0)
			return oom(L);
	}
	return 0;
}

static int selector_parse(const struct load *L, const json_t *v, const char *what,
			  struct cs_label_selector *s)
{
	const json_t *exprs, *e;
	size_t i;
	int r;

	memset(s, 0, sizeof(*s));
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return bad(L, v, "%s is not a mapping", what);
	r = labels_parse(L, v, "matchLabels", &s->match);
	if (r >= 0)
		r = get_array(L, v, "matchExpressions", &exprs);
	if (r < 0)
		return r;
	if (!exprs)
		return 0;
	s->exprs = cs_new0(struct sel_expr, json_array_size(exprs) ? json_array_size(exprs) : 1);
	if (!s->exprs)
		return oom(L);
	json_array_foreach (exprs, i, e) {
		struct sel_expr *x = &s->exprs[s->n_exprs];
		const char *key, *op;
		const json_t *vals, *val;
		size_t k;

		if (!json_is_object(e))
			return bad(L, exprs, "%s: matchExpressions[%zu] is not a mapping", what, i);
		if (get_string(L, e, "key", &key) < 0 || get_string(L, e, "operator", &op) < 0 ||
		    get_array(L, e, "values", &vals) < 0)
			return L->err->code;
		if (!key || !*key)
			return bad(L, e, "%s: matchExpressions[%zu] has no key", what, i);
		if (!op)
			return bad(L, e, "%s: matchExpressions[%zu] has no operator", what, i);
		if (!strcmp(op, "In"))
			x->op = OP_IN;
		else if (!strcmp(op, "NotIn"))
			x->op = OP_NOTIN;
		else if (!strcmp(op, "Exists"))
			x->op = OP_EXISTS;
		else if (!strcmp(op, "DoesNotExist"))
			x->op = OP_DOESNOTEXIST;
		else
			return bad(L, e,
				   "%s: unknown operator '%.64s' (In, NotIn, Exists, DoesNotExist)",
				   what, op);
		if ((x->op == OP_IN || x->op == OP_NOTIN) && (!vals || !json_array_size(vals)))
			return bad(L, e, "%s: operator %s needs values", what, op);
		if ((x->op == OP_EXISTS || x->op == OP_DOESNOTEXIST) && vals &&
		    json_array_size(vals))
			return bad(L, e, "%s: operator %s takes no values", what, op);
		x->key = cs_strdup(key);
		if (!x->key)
			return oom(L);
		s->n_exprs++;
		if (!vals || !json_array_size(vals))
			continue;
		x->values = cs_new0(char *, json_array_size(vals));
		if (!x->values)
			return oom(L);
		json_array_foreach (vals, k, val) {
			if (!json_is_string(val))
				return bad(L, e, "%s: values of '%.64s' must be strings", what,
					   key);
			x->values[x->n_values] = cs_strdup(json_string_value(val));
			if (!x->values[x->n_values])
				return oom(L);
			x->n_values++;
		}
	}
	return 0;
}

int cs_label_selector_parse(const json_t *v, struct cs_label_selector **ret, struct cs_error *err)
{
	struct load L = { .path = "selector", .err = err };
	struct cs_label_selector *s = cs_zalloc(sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	r = selector_parse(&L, v, "selector", s);
	if (r < 0) {
		cs_label_selector_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

void cs_label_selector_free(struct cs_label_selector *s)
{
	if (!s)
		return;
	selector_done(s);
	free(s);
}

static int parse_proto(const struct load *L, const json_t *obj, uint32_t *ret)
{
	const char *p;

	if (get_string(L, obj, "protocol", &p) < 0)
		return L->err->code;
	if (!p || !strcmp(p, "TCP"))
		*ret = PROTO_TCP;
	else if (!strcmp(p, "UDP"))
		*ret = PROTO_UDP;
	else if (!strcmp(p, "SCTP"))
		*ret = PROTO_SCTP;
	else
		return bad(L, obj, "unknown protocol '%.32s' (TCP, UDP, SCTP)", p);
	return 0;
}

/* A port number field: 1-65535. *ret 0 when absent. */
static int parse_port_number(const struct load *L, const json_t *obj, const char *key,
			     uint32_t *ret)
{
	const json_t *v = json_object_get(obj, key);

	*ret = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535)
		return bad(L, obj, "'%s' is not a port number (1-65535)", key);
	*ret = (uint32_t)json_integer_value(v);
	return 0;
}

/* IANA_SVC_NAME: at most 15 lowercase letters, digits and inner single '-', one letter at least. */
static bool valid_port_name(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;

	if (n == 0 || n > 15 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
		else if (s[i] == '-') {
			if (s[i + 1] == '-')
				return false;
		} else if (!(s[i] >= '0' && s[i] <= '9'))
			return false;
	}
	return letter;
}

static int rule_ports_parse(const struct load *L, const json_t *rule, const char *what,
			    struct rule *R)
{
	struct pstore *ps = &L->np->ps;
	const json_t *ports, *p;
	size_t i;

	ps->n_tmp = 0;
	if (get_array(L, rule, "ports", &ports) < 0)
		return L->err->code;
	if (!ports || !json_array_size(ports)) {
		R->all_ports = true;
		R->numeric = PS_ALL;
		return 0;
	}
	R->named = cs_new0(struct named_port, json_array_size(ports));
	if (!R->named)
		return oom(L);
	json_array_foreach (ports, i, p) {
		const json_t *port;
		uint32_t proto, end;

		if (!json_is_object(p))
			return bad(L, ports, "%s: ports[%zu] is not a mapping", what, i);
		if (parse_proto(L, p, &proto) < 0 || parse_port_number(L, p, "endPort", &end) < 0)
			return L->err->code;
		port = json_object_get(p, "port");
		if (!port || json_is_null(port)) {
			if (end)
				return bad(L, p, "%s: endPort needs a numeric port", what);
			tmp_push(ps, PKEY(proto, 1), PKEY(proto, 65535));
		} else if (json_is_string(port)) {
			const char *name = json_string_value(port);

			if (!valid_port_name(name))
				return bad(L, p,
					   "%s: port '%.64s' is neither a number nor a port name",
					   what, name);
			if (end)
				return bad(L, p, "%s: endPort cannot go with a named port", what);
			R->named[R->n_named].name = cs_strdup(name);
			if (!R->named[R->n_named].name)
				return oom(L);
			R->named[R->n_named++].proto = proto;
		} else {
			uint32_t lo;

			if (parse_port_number(L, p, "port", &lo) < 0)
				return L->err->code;
			if (end && end < lo)
				return bad(L, p, "%s: endPort %u is below port %u", what, end, lo);
			tmp_push(ps, PKEY(proto, lo), PKEY(proto, end ? end : lo));
		}
	}
	R->numeric = tmp_intern(ps);
	if (ps->err)
		return ps->err == -ENOMEM ? oom(L)
					  : cs_error_set(L->err, ps->err, "too many port sets");
	return 0;
}

static int parse_cidr(const struct load *L, const json_t *at, const char *what, const char *s,
		      unsigned *ret_prefix, bool *ret_v6)
{
	char addr[64];
	unsigned char buf[16];
	const char *slash = strchr(s, '/');
	size_t alen;
	uint64_t pfx;
	bool v6;

	if (!slash || (alen = (size_t)(slash - s)) >= sizeof(addr) || !slash[1])
		return bad(L, at, "%s: '%.64s' is not a CIDR (ADDRESS/PREFIX)", what, s);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	v6 = strchr(addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1)
		return bad(L, at, "%s: '%.64s' is not a CIDR (bad address)", what, s);
	if (cs_parse_u64n(slash + 1, strlen(slash + 1), 10, &pfx) < 0 || slash[1] < '0' ||
	    slash[1] > '9' || pfx > (v6 ? 128u : 32u))
		return bad(L, at, "%s: '%.64s' is not a CIDR (bad prefix)", what, s);
	*ret_prefix = (unsigned)pfx;
	*ret_v6 = v6;
	return 0;
}

static int peer_parse(const struct load *L, const json_t *v, const char *what, struct peer *P)
{
	const json_t *pod = json_object_get(v, "podSelector");
	const json_t *nsel = json_object_get(v, "namespaceSelector");
	const json_t *ipb = json_object_get(v, "ipBlock");
	bool has_pod = pod && !json_is_null(pod), has_ns = nsel && !json_is_null(nsel);
	bool has_ip = ipb && !json_is_null(ipb);

	if (has_ip) {
		const json_t *except, *e;
		const char *cidr;
		unsigned pfx;
		bool v6, ev6;
		size_t i;

		if (has_pod || has_ns)
			return bad(L, v,
				   "%s: ipBlock cannot be combined with podSelector or "
				   "namespaceSelector",
				   what);
		if (!json_is_object(ipb))
			return bad(L, v, "%s: ipBlock is not a mapping", what);
		if (get_string(L, ipb, "cidr", &cidr) < 0 ||
		    get_array(L, ipb, "except", &except) < 0)
			return L->err->code;
		if (!cidr)
			return bad(L, ipb, "%s: ipBlock has no cidr", what);
		if (parse_cidr(L, ipb, what, cidr, &pfx, &v6) < 0)
			return L->err->code;
		P->kind = PEER_IPBLOCK;
		P->prefix = pfx;
		P->cidr = cs_strdup(cidr);
		if (!P->cidr)
			return oom(L);
		if (!except || !json_array_size(except))
			return 0;
		P->except = cs_new0(char *, json_array_size(except));
		if (!P->except)
			return oom(L);
		json_array_foreach (except, i, e) {
			unsigned epfx;

			if (!json_is_string(e))
				return bad(L, ipb, "%s: ipBlock except[%zu] is not a string", what,
					   i);
			if (parse_cidr(L, ipb, what, json_string_value(e), &epfx, &ev6) < 0)
				return L->err->code;
			if (ev6 != v6 || epfx <= pfx)
				return bad(L, ipb, "%s: except '%.64s' is not inside cidr '%.64s'",
					   what, json_string_value(e), cidr);
			P->except[P->n_except] = cs_strdup(json_string_value(e));
			if (!P->except[P->n_except])
				return oom(L);
			P->n_except++;
		}
		return 0;
	}
	if (!has_pod && !has_ns)
		return bad(L, v, "%s: a peer needs podSelector, namespaceSelector or ipBlock",
			   what);
	P->kind = PEER_SELECTOR;
	P->has_pod = has_pod;
	P->has_ns = has_ns;
	if (selector_parse(L, pod, "podSelector", &P->pod) < 0 ||
	    selector_parse(L, nsel, "namespaceSelector", &P->nsel) < 0)
		return L->err->code;
	return 0;
}

static int rules_parse(const struct load *L, const json_t *spec, bool ingress, struct rule **ret,
		       size_t *ret_n)
{
	const char *key = ingress ? "ingress" : "egress", *peers_key = ingress ? "from" : "to";
	const json_t *rules, *rule;
	struct rule *v;
	size_t i;

	if (get_array(L, spec, key, &rules) < 0)
		return L->err->code;
	if (!rules || !json_array_size(rules))
		return 0;
	v = cs_new0(struct rule, json_array_size(rules));
	if (!v)
		return oom(L);
	*ret = v; /* owned by the policy from here, even on failure */
	json_array_foreach (rules, i, rule) {
		struct rule *R = &v[i];
		const json_t *peers, *p;
		char what[64];
		size_t k;

		*ret_n = i + 1;
		snprintf(what, sizeof(what), "%s rule %zu", key, i + 1);
		R->line = node_line(L, rule);
		if (!json_is_object(rule))
			return bad(L, rules, "%s is not a mapping", what);
		if (rule_ports_parse(L, rule, what, R) < 0 ||
		    get_array(L, rule, peers_key, &peers) < 0)
			return L->err->code;
		if (!peers || !json_array_size(peers)) {
			R->all_peers = true;
			continue;
		}
		R->peers = cs_new0(struct peer, json_array_size(peers));
		if (!R->peers)
			return oom(L);
		json_array_foreach (peers, k, p) {
			char pwhat[96];

			R->n_peers = k + 1;
			snprintf(pwhat, sizeof(pwhat), "%s, %s[%zu]", what, peers_key, k);
			if (!json_is_object(p))
				return bad(L, peers, "%s is not a mapping", pwhat);
			if (peer_parse(L, p, pwhat, &R->peers[k]) < 0)
				return L->err->code;
		}
	}
	return 0;
}

static int ns_get(struct cs_netpol *np, const char *name, size_t *ret)
{
	json_t *v = json_object_get(np->ns_index, name);
	struct ns *n;

	if (v) {
		*ret = (size_t)json_integer_value(v);
		return 0;
	}
	if (np->n_ns >= CS_NETPOL_MAX_OBJECTS)
		return -CS_E_LIMIT;
	if (CS_GROW(np->ns, np->cap_ns, np->n_ns + 1) < 0)
		return -ENOMEM;
	n = &np->ns[np->n_ns];
	memset(n, 0, sizeof(*n));
	n->name = cs_strdup(name);
	/* Kubernetes labels every namespace with its name (1.21+) */
	if (!n->name || labels_set(&n->labels, "kubernetes.io/metadata.name", name) < 0 ||
	    json_object_set_new(np->ns_index, name, json_integer((json_int_t)np->n_ns)) < 0) {
		free(n->name);
		labels_done(&n->labels);
		return -ENOMEM;
	}
	*ret = np->n_ns++;
	return 0;
}

static int ns_ref(const struct load *L, const char *name, size_t *ret)
{
	int r = ns_get(L->np, name, ret);

	if (r == -CS_E_LIMIT)
		return cs_error_set(L->err, r, "%s: more than %d namespaces", L->path,
				    CS_NETPOL_MAX_OBJECTS);
	return r < 0 ? oom(L) : 0;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.'))
			return false;
	return true;
}

static int meta_names(struct load *L, const json_t *obj, const char *kind, bool namespaced,
		      const json_t **ret_meta, const char **ret_name, const char **ret_ns)
{
	const json_t *meta;
	const char *name, *ns = NULL;

	snprintf(L->what, sizeof(L->what), "%s", kind);
	if (get_object(L, obj, "metadata", &meta) < 0)
		return L->err->code;
	if (!meta || get_string(L, meta, "name", &name) < 0)
		return meta ? L->err->code : bad(L, obj, "no metadata");
	if (!name || !valid_name(name))
		return bad(L, meta, "metadata.name '%.64s' is not a valid name", name ? name : "");
	if (namespaced) {
		if (get_string(L, meta, "namespace", &ns) < 0)
			return L->err->code;
		if (!ns)
			ns = "default";
		if (!valid_name(ns) || strchr(ns, '.'))
			return bad(L, meta, "metadata.namespace '%.64s' is not a valid name", ns);
		snprintf(L->what, sizeof(L->what), "%s %s/%s", kind, ns, name);
	} else {
		snprintf(L->what, sizeof(L->what), "%s %s", kind, name);
	}
	*ret_meta = meta;
	*ret_name = name;
	*ret_ns = ns;
	return 0;
}

/* Is the object managed by a controller (a ReplicaSet of a Deployment, a Pod of a Job)? */
static bool controlled(const json_t *meta)
{
	const json_t *owners = json_object_get(meta, "ownerReferences"), *o;
	size_t i;

	json_array_foreach (owners, i, o)
		if (json_is_true(json_object_get(o, "controller")))
			return true;
	return false;
}

/* metadata.annotations: customs.dev/ignore and its justification */
static int ignore_parse(const struct load *L, const json_t *meta, struct ignore *ig)
{
	const json_t *ann;
	const char *list, *why;

	if (get_object(L, meta, "annotations", &ann) < 0)
		return L->err->code;
	if (!ann)
		return 0;
	if (get_string(L, ann, CS_K8S_IGNORE_ANNOTATION, &list) < 0 ||
	    get_string(L, ann, CS_K8S_JUSTIFICATION_ANNOTATION, &why) < 0)
		return L->err->code;
	if ((list && !(ig->list = cs_strdup(list))) || (why && !(ig->why = cs_strdup(why))))
		return oom(L);
	return 0;
}

static int load_namespace(struct load *L, const json_t *obj)
{
	const json_t *meta;
	const char *name, *ns;
	struct labels l = { 0 };
	struct ignore ig = { 0 };
	size_t idx;
	struct ns *n;

	if (meta_names(L, obj, "Namespace", false, &meta, &name, &ns) < 0)
		return L->err->code;
	if (labels_parse(L, meta, "labels", &l) < 0 || ignore_parse(L, meta, &ig) < 0 ||
	    ns_ref(L, name, &idx) < 0 || labels_set(&l, "kubernetes.io/metadata.name", name) < 0) {
		labels_done(&l);
		ignore_done(&ig);
		return L->err->code ? L->err->code : oom(L);
	}
	n = &L->np->ns[idx];
	if (n->defined && np_warn(L->np, "%s:%u: Namespace %s defined again, the last one counts",
				  L->path, L->obj_line, name) < 0) {
		labels_done(&l);
		ignore_done(&ig);
		return oom(L);
	}
	labels_done(&n->labels);
	ignore_done(&n->ignore);
	n->ignore = ig;
	n->labels = l;
	n->defined = true;
	free(n->path);
	n->path = cs_strdup(L->path);
	n->line = L->obj_line;
	return n->path ? 0 : oom(L);
}

static int container_ports(const struct load *L, const json_t *podspec, const char *key,
			   struct workload *w)
{
	const json_t *cs, *c;
	size_t i;

	if (get_array(L, podspec, key, &cs) < 0)
		return L->err->code;
	json_array_foreach (cs, i, c) {
		const json_t *ports, *p;
		const char *rp = NULL;
		size_t k;

		if (!json_is_object(c))
			return bad(L, cs, "%s[%zu] is not a mapping", key, i);
		/* init containers serve ports only as native sidecars */
		if (!strcmp(key, "initContainers") &&
		    (get_string(L, c, "restartPolicy", &rp) < 0 || !rp || strcmp(rp, "Always")))
			continue;
		if (get_array(L, c, "ports", &ports) < 0)
			return L->err->code;
		json_array_foreach (ports, k, p) {
			uint32_t proto, num;
			const char *name;
			struct cport *np;

			if (!json_is_object(p))
				return bad(L, ports, "%s[%zu].ports[%zu] is not a mapping", key, i,
					   k);
			if (parse_proto(L, p, &proto) < 0 ||
			    parse_port_number(L, p, "containerPort", &num) < 0 ||
			    get_string(L, p, "name", &name) < 0)
				return L->err->code;
			if (!num)
				return bad(L, p, "%s[%zu].ports[%zu] has no containerPort", key, i,
					   k);
			if (w->n_ports >= CS_NETPOL_MAX_ITEMS)
				return bad(L, p, "more than %d container ports",
					   CS_NETPOL_MAX_ITEMS);
			np = cs_reallocarray(w->ports, w->n_ports + 1, sizeof(*np));
			if (!np)
				return oom(L);
			w->ports = np;
			np = &w->ports[w->n_ports];
			np->key = PKEY(proto, num);
			np->name = NULL;
			if (name && !(np->name = cs_strdup(name)))
				return oom(L);
			w->n_ports++;
		}
	}
	return 0;
}

static const char *const workload_kinds[] = {
	"Pod",	     "Deployment", "ReplicaSet", "StatefulSet",
	"DaemonSet", "Job",	   "CronJob",	 "ReplicationController",
};

static int load_workload(struct load *L, const json_t *obj, const char *kind)
{
	struct cs_netpol *np = L->np;
	const json_t *meta, *spec = json_object_get(obj, "spec"), *tmpl = NULL, *tmeta, *podspec;
	const char *name, *ns;
	struct workload w = { 0 };
	json_t *old;
	int r;

	if (meta_names(L, obj, kind, true, &meta, &name, &ns) < 0)
		return L->err->code;
	if (controlled(meta))
		return 0;
	if (!strcmp(kind, "Pod")) {
		tmeta = meta;
		podspec = spec;
	} else {
		if (!strcmp(kind, "CronJob"))
			spec = json_object_get(json_object_get(spec, "jobTemplate"), "spec");
		tmpl = json_object_get(spec, "template");
		if (!json_is_object(tmpl))
			return bad(L, obj, "no pod template (spec%s.template)",
				   !strcmp(kind, "CronJob") ? ".jobTemplate.spec" : "");
		tmeta = json_object_get(tmpl, "metadata");
		podspec = json_object_get(tmpl, "spec");
	}
	if (podspec && !json_is_object(podspec))
		return bad(L, obj, "the pod spec is not a mapping");
	if (tmeta && !json_is_object(tmeta))
		return bad(L, obj, "the pod template's metadata is not a mapping");
	w.kind = cs_strdup(kind);
	w.ns = cs_strdup(ns);
	w.name = cs_strdup(name);
	w.path = cs_strdup(L->path);
	w.id = cs_asprintf("%s/%s/%s", ns, kind, name);
	if (!w.kind || !w.ns || !w.name || !w.path || !w.id) {
		r = oom(L);
		goto fail;
	}
	w.pub.line = L->obj_line;
	if (ignore_parse(L, meta, &w.ignore) < 0 ||
	    (tmeta && labels_parse(L, tmeta, "labels", &w.labels) < 0) ||
	    (podspec && (container_ports(L, podspec, "containers", &w) < 0 ||
			 container_ports(L, podspec, "initContainers", &w) < 0))) {
		r = L->err->code;
		goto fail;
	}
	r = ns_ref(L, ns, &w.ns_idx);
	if (r < 0)
		goto fail;
	old = json_object_get(np->wl_index, w.id);
	if (old) {
		size_t i = (size_t)json_integer_value(old);

		if (np_warn(np, "%s:%u: %s defined again (first in %s:%u), the last one counts",
			    L->path, L->obj_line, L->what, np->wl[i].path,
			    np->wl[i].pub.line) < 0) {
			r = oom(L);
			goto fail;
		}
		workload_clear(&np->wl[i]);
		np->wl[i] = w;
		return 0;
	}
	if (np->n_wl >= CS_NETPOL_MAX_WORKLOADS) {
		r = cs_error_set(L->err, -CS_E_LIMIT, "%s:%u: more than %d workloads", L->path,
				 L->obj_line, CS_NETPOL_MAX_WORKLOADS);
		goto fail;
	}
	if (CS_GROW(np->wl, np->cap_wl, np->n_wl + 1) < 0 ||
	    json_object_set_new(np->wl_index, w.id, json_integer((json_int_t)np->n_wl)) < 0) {
		r = oom(L);
		goto fail;
	}
	np->wl[np->n_wl++] = w;
	return 0;
fail:
	workload_clear(&w);
	return r;
}

static int load_policy(struct load *L, const json_t *obj)
{
	struct cs_netpol *np = L->np;
	const json_t *meta, *spec, *types, *t;
	const char *name, *ns;
	struct policy p = { 0 };
	_cleanup_free_ char *key = NULL;
	json_t *old;
	size_t i;
	int r;

	if (meta_names(L, obj, "NetworkPolicy", true, &meta, &name, &ns) < 0)
		return L->err->code;
	if (get_object(L, obj, "spec", &spec) < 0)
		return L->err->code;
	p.ns = cs_strdup(ns);
	p.name = cs_strdup(name);
	p.path = cs_strdup(L->path);
	key = cs_asprintf("%s/%s", ns, name);
	if (!p.ns || !p.name || !p.path || !key) {
		r = oom(L);
		goto fail;
	}
	p.line = L->obj_line;
	r = ignore_parse(L, meta, &p.ignore);
	if (r < 0)
		goto fail;
	/* spec.podSelector is a struct, not a pointer: absent is {} (every pod) */
	r = selector_parse(L, spec ? json_object_get(spec, "podSelector") : NULL, "podSelector",
			   &p.pod);
	if (r >= 0 && spec)
		r = rules_parse(L, spec, true, &p.in, &p.n_in);
	if (r >= 0 && spec)
		r = rules_parse(L, spec, false, &p.eg, &p.n_eg);
	if (r >= 0 && spec)
		r = get_array(L, spec, "policyTypes", &types);
	if (r < 0)
		goto fail;
	if (spec && types && json_array_size(types)) {
		json_array_foreach (types, i, t) {
			const char *s = json_string_value(t);

			if (s && !strcmp(s, "Ingress"))
				p.t_in = true;
			else if (s && !strcmp(s, "Egress"))
				p.t_eg = true;
			else {
				r = bad(L, types, "unknown policyType '%.32s' (Ingress, Egress)",
					s ? s : "(not a string)");
				goto fail;
			}
		}
	} else {
		/* the API server's default: Ingress always, Egress when there are egress rules */
		p.t_in = true;
		p.t_eg = p.n_eg > 0;
	}
	r = ns_ref(L, ns, &p.ns_idx);
	if (r < 0)
		goto fail;
	old = json_object_get(np->pol_index, key);
	if (old) {
		size_t k = (size_t)json_integer_value(old);

		if (np_warn(np, "%s:%u: %s defined again (first in %s:%u), the last one counts",
			    L->path, L->obj_line, L->what, np->pol[k].path, np->pol[k].line) < 0) {
			r = oom(L);
			goto fail;
		}
		policy_clear(&np->pol[k]);
		np->pol[k] = p;
		return 0;
	}
	if (np->n_pol >= CS_NETPOL_MAX_POLICIES) {
		r = cs_error_set(L->err, -CS_E_LIMIT, "%s:%u: more than %d network policies",
				 L->path, L->obj_line, CS_NETPOL_MAX_POLICIES);
		goto fail;
	}
	if (CS_GROW(np->pol, np->cap_pol, np->n_pol + 1) < 0 ||
	    json_object_set_new(np->pol_index, key, json_integer((json_int_t)np->n_pol)) < 0) {
		r = oom(L);
		goto fail;
	}
	np->pol[np->n_pol++] = p;
	return 0;
fail:
	policy_clear(&p);
	return r;
}

static int load_object(struct load *L, const json_t *obj, const char *item_kind, int depth)
{
	const char *kind = NULL, *api = NULL;

	L->obj_line = node_line(L, obj);
	L->what[0] = '\0';
	if (!json_is_object(obj))
		return 0; /* a scalar document, a comment-only file */
	if (++L->np->n_objects > CS_NETPOL_MAX_OBJECTS)
		return cs_error_set(L->err, -CS_E_LIMIT, "%s: more than %d objects", L->path,
				    CS_NETPOL_MAX_OBJECTS);
	if (get_string(L, obj, "kind", &kind) < 0 || get_string(L, obj, "apiVersion", &api) < 0)
		return L->err->code;
	if (!kind && item_kind && *item_kind)
		kind = item_kind; /* items of a typed list (DeploymentList) carry no kind */
	if (!kind)
		return 0; /* not a Kubernetes object (a values file, a kustomization) */
	if (strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List")) {
		const json_t *items, *it;
		char lk[64];
		size_t i;

		if (depth > 0)
			return bad(L, obj, "a %.32s inside a list", kind);
		/* "DeploymentList" -> "Deployment"; "List" items name their kind */
		snprintf(lk, sizeof(lk), "%.*s", (int)CS_MIN(strlen(kind) - 4, sizeof(lk) - 1),
			 kind);
		if (get_array(L, obj, "items", &items) < 0)
			return L->err->code;
		json_array_foreach (items, i, it)
			if (load_object(L, it, lk, depth + 1) < 0)
				return L->err->code;
		return 0;
	}
	if (!strcmp(kind, "Namespace"))
		return load_namespace(L, obj);
	if (!strcmp(kind, "NetworkPolicy")) {
		if (api && strcmp(api, "networking.k8s.io/v1") != 0 &&
		    strcmp(api, "extensions/v1beta1") != 0)
			return np_warn(L->np,
				       "%s:%u: NetworkPolicy of apiVersion '%.64s' is not a "
				       "Kubernetes NetworkPolicy, skipped",
				       L->path, L->obj_line, api) < 0
				       ? oom(L)
				       : 0;
		return load_policy(L, obj);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(workload_kinds); i++)
		if (!strcmp(kind, workload_kinds[i]))
			return load_workload(L, obj, workload_kinds[i]);
	return 0;
}

static bool looks_like_json(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
			continue;
		return data[i] == '{' || data[i] == '[';
	}
	return false;
}

int cs_netpol_load_mem(struct cs_netpol *np, const char *data, size_t len, const char *path,
		       struct cs_error *err)
{
	static const struct cs_yaml_options yo = { .aliases = true,
						   .numbers = true,
						   .lines = true };
	_cleanup_(cs_yaml_freep) struct cs_yaml *y = NULL;
	struct load L = { .np = np, .path = path, .err = err };
	struct cs_error yerr = CS_ERROR_INIT;
	int r;

	if (np->analyzed)
		return cs_error_set(err, -EINVAL, "network policies already analysed");
	if (len > CS_NETPOL_MAX_FILE_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "%s: larger than %u bytes", path,
				    CS_NETPOL_MAX_FILE_SIZE);
	np->n_files++;
	r = cs_yaml_parse(data, len, &yo, &y, &yerr);
	if (r < 0 && r != -ENOMEM && looks_like_json(data, len)) {
		/* JSON that libyaml does not take (tabs): jansson, without lines */
		json_error_t je;
		json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);

		if (!root)
			return cs_error_set(err, -CS_E_INPUT, "%s:%d: %s", path, je.line, je.text);
		r = load_object(&L, root, NULL, 0);
		json_decref(root);
		return r;
	}
	if (r < 0) {
		*err = yerr;
		return cs_error_prefix(err, "%s", path);
	}
	L.y = y;
	for (size_t i = 0; i < y->n_docs; i++) {
		L.obj_line = y->docs[i].line;
		r = load_object(&L, y->docs[i].root, NULL, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool keep_manifest(const char *dir, const char *name)
{
	const char *dot = strrchr(name, '.');

	(void)dir;
	return !dot || !strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json");
}

static int load_file(struct cs_netpol *np, const char *path, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(CS_NETPOL_MAX_FILE_SIZE);
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r < 0)
		return err->code ? r : cs_error_errno(err, r, "cannot read '%s'", path);
	r = cs_stream_read_all(s, &b, err);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "%s: larger than %u bytes", path,
				    CS_NETPOL_MAX_FILE_SIZE);
	if (r < 0)
		return err->code ? cs_error_prefix(err, "%s", path)
				 : cs_error_errno(err, r, "cannot read '%s'", path);
	return cs_netpol_load_mem(np, b.data ? b.data : "", b.len, path, err);
}

static int load_tree(struct cs_netpol *np, const char *path, int depth, bool top,
		     struct cs_error *err)
{
	_cleanup_strv_free_ char **names = NULL;
	struct stat st;
	size_t n = 0;
	int r;

	/* below a directory, symbolic links are not followed (as audit k8s) */
	if ((top ? stat(path, &st) : lstat(path, &st)) < 0)
		return cs_error_errno(err, errno, "cannot read '%s'", path);
	if (S_ISLNK(st.st_mode))
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		if (!top) {
			/* inside a directory only manifests by their extension */
			const char *dot = strrchr(cs_path_basename(path), '.');

			if (!S_ISREG(st.st_mode) || !dot ||
			    (strcmp(dot, ".yaml") && strcmp(dot, ".yml") && strcmp(dot, ".json")))
				return 0;
		}
		if (np->n_files >= CS_NETPOL_MAX_FILES)
			return cs_error_set(err, -CS_E_LIMIT, "more than %d files",
					    CS_NETPOL_MAX_FILES);
		return load_file(np, path, err);
	}
	if (depth >= CS_NETPOL_MAX_DIR_DEPTH)
		return cs_error_set(err, -CS_E_LIMIT, "%s: directories nested deeper than %d", path,
				    CS_NETPOL_MAX_DIR_DEPTH);
	r = cs_dir_names(path, CS_NETPOL_MAX_FILES, keep_manifest, &names, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *sub = cs_asprintf("%s/%s", path, names[i]);

		if (!sub)
			return -ENOMEM;
		r = load_tree(np, sub, depth + 1, false, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cs_netpol_load_path(struct cs_netpol *np, const char *path, struct cs_error *err)
{
	return load_tree(np, path, 0, true, err);
}

/* ---- analysis --------------------------------------------------------- */

static int ns_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ns *)a)->name, ((const struct ns *)b)->name);
}

static int wl_cmp(const void *pa, const void *pb)
{
	const struct workload *a = pa, *b = pb;
	int r = strcmp(a->ns, b->ns);

	if (!r)
		r = strcmp(a->kind, b->kind);
	return r ? r : strcmp(a->name, b->name);
}

static int pol_cmp(const void *pa, const void *pb)
{
	const struct policy *a = pa, *b = pb;
	int r = strcmp(a->ns, b->ns);

	return r ? r : strcmp(a->name, b->name);
}

static size_t ns_lookup(const struct cs_netpol *np, const char *name)
{
	return (size_t)json_integer_value(json_object_get(np->ns_index, name));
}

static int push_idx(size_t **v, size_t *n, size_t x)
{
	size_t *nv = cs_reallocarray(*v, *n + 1, sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = x;
	return 0;
}

#define BIT_SET(b, i) ((b)[(i) >> 6] |= 1ull << ((i)&63))
#define COL_BLOCK     64

/* The workloads rule R names (every one without peers), as a bitset. */
static int rule_bits(struct cs_netpol *np, const struct policy *p, struct rule *R)
{
	R->bits = cs_new0(uint64_t, np->words ? np->words : 1);
	if (!R->bits)
		return -ENOMEM;
	if (R->all_peers) {
		for (size_t i = 0; i < np->n_wl; i++)
			BIT_SET(R->bits, i);
		return 0;
	}
	for (size_t k = 0; k < R->n_peers; k++) {
		const struct peer *P = &R->peers[k];

		if (P->kind != PEER_SELECTOR)
			continue; /* ipBlock: addresses, never a workload */
		for (size_t n = 0; n < np->n_ns; n++) {
			const struct ns *ns = &np->ns[n];

			if (P->has_ns ? !selector_match(&P->nsel, &ns->labels) : n != p->ns_idx)
				continue;
			for (size_t i = ns->first; i < ns->first + ns->count; i++)
				if (!P->has_pod || selector_match(&P->pod, &np->wl[i].labels))
					BIT_SET(R->bits, i);
		}
	}
	return 0;
}

/* Does rule R admit pods of every namespace (present and future)? How, into how. */
static bool rule_admits_all_namespaces(const struct rule *R, char *how, size_t n)
{
	if (R->all_peers) {
		snprintf(how, n, "a rule without 'from' (every source)");
		return true;
	}
	for (size_t i = 0; i < R->n_peers; i++) {
		const struct peer *P = &R->peers[i];

		if (P->kind != PEER_SELECTOR || !P->has_ns || !selector_empty(&P->nsel))
			continue;
		snprintf(how, n, "namespaceSelector: {}%s",
			 P->has_pod && !selector_empty(&P->pod)
				 ? " with a podSelector (pod labels anyone deploying there can set)"
				 : "");
		return true;
	}
	return false;
}

/* The ports rule R opens on workload w (named ports resolved against w's containers). */
static uint32_t rule_ports(struct cs_netpol *np, struct rule *R, size_t wi)
{
	struct pstore *ps = &np->ps;
	const struct workload *w = &np->wl[wi];
	uint32_t id;
	bool any = false;

	if (R->all_ports || !R->n_named)
		return R->numeric;
	/* every source of the policy asks again for the same destinations */
	if (!R->resolved)
		R->resolved = cs_new0(uint32_t, np->n_wl); /* NULL: no cache, still right */
	if (R->resolved && R->resolved[wi])
		return R->resolved[wi] - 1;
	for (size_t k = 0; k < R->n_named; k++)
		for (size_t c = 0; c < w->n_ports; c++)
			if (w->ports[c].name && (w->ports[c].key >> 16) == R->named[k].proto &&
			    !strcmp(w->ports[c].name, R->named[k].name)) {
				tmp_push(ps, w->ports[c].key, w->ports[c].key);
				any = true;
			}
	id = R->numeric;
	if (any) {
		if (R->numeric != PS_EMPTY) {
			const struct pset *s = &ps->s[R->numeric];

			for (uint32_t i = 0; i < s->n; i++)
				tmp_push(ps, ps->r[s->off + 2 * i], ps->r[s->off + 2 * i + 1]);
		}
		id = tmp_intern(ps);
	}
	if (R->resolved && !ps->err)
		R->resolved[wi] = id + 1;
	return id;
}

int cs_netpol_analyze(struct cs_netpol *np, struct cs_error *err)
{
	struct pstore *ps = &np->ps;
	_cleanup_free_ uint32_t *col = NULL;
	size_t n = np->n_wl, cells;
	int r;

	if (np->analyzed)
		return cs_error_set(err, -EINVAL, "network policies already analysed");
	np->analyzed = true;

	/* stable order: namespaces by name, workloads by (namespace, kind, name) */
	if (np->n_ns > 1)
		qsort(np->ns, np->n_ns, sizeof(*np->ns), ns_cmp);
	json_object_clear(np->ns_index);
	for (size_t i = 0; i < np->n_ns; i++)
		if (json_object_set_new(np->ns_index, np->ns[i].name, json_integer((json_int_t)i)) <
		    0)
			return cs_error_set(err, -ENOMEM, "out of memory");
	if (n > 1)
		qsort(np->wl, n, sizeof(*np->wl), wl_cmp);
	if (np->n_pol > 1)
		qsort(np->pol, np->n_pol, sizeof(*np->pol), pol_cmp);
	for (size_t i = 0; i < n; i++) {
		struct workload *w = &np->wl[i];
		struct ns *ns;

		w->ns_idx = ns_lookup(np, w->ns);
		ns = &np->ns[w->ns_idx];
		if (!ns->count)
			ns->first = i;
		ns->count++;
	}
	for (size_t i = 0; i < np->n_pol; i++)
		np->pol[i].ns_idx = ns_lookup(np, np->pol[i].ns);
	np->words = (n + 63) / 64;

	/* which pods each policy selects, and which peers each rule names */
	for (size_t k = 0; k < np->n_pol; k++) {
		struct policy *p = &np->pol[k];
		const struct ns *ns = &np->ns[p->ns_idx];

		for (size_t i = ns->first; i < ns->first + ns->count; i++) {
			struct workload *w = &np->wl[i];

			if (!selector_match(&p->pod, &w->labels))
				continue;
			p->n_selected++;
			if ((p->t_in && push_idx(&w->pol_in, &w->n_pol_in, k) < 0) ||
			    (p->t_eg && push_idx(&w->pol_eg, &w->n_pol_eg, k) < 0))
				return cs_error_set(err, -ENOMEM, "out of memory");
		}
		for (int d = 0; d < 2; d++) {
			struct rule *rules = d ? p->eg : p->in;
			size_t nr = d ? p->n_eg : p->n_in;

			for (size_t ri = 0; ri < nr; ri++)
				if (rule_bits(np, p, &rules[ri]) < 0)
					return cs_error_set(err, -ENOMEM, "out of memory");
		}
	}

	if (cs_mul_overflow(n, n, &cells))
		return cs_error_set(err, -CS_E_LIMIT, "too many workloads");
	np->m = cs_new0(uint32_t, cells ? cells : 1);
	col = cs_new0(uint32_t, COL_BLOCK * (n ? n : 1));
	if (!np->m || !col)
		return cs_error_set(err, -ENOMEM, "out of memory for a %zu x %zu matrix", n, n);

	/* egress, row by row: what each source's policies let it open */
	for (size_t a = 0; a < n; a++) {
		struct workload *w = &np->wl[a];
		uint32_t *row = &np->m[a * n];

		w->pub.egress_isolated = w->n_pol_eg > 0;
		if (!w->n_pol_eg) {
			for (size_t b = 0; b < n; b++)
				row[b] = PS_ALL;
			continue;
		}
		for (size_t k = 0; k < w->n_pol_eg; k++) {
			struct policy *p = &np->pol[w->pol_eg[k]];

			for (size_t ri = 0; ri < p->n_eg; ri++) {
				struct rule *R = &p->eg[ri];

				for (size_t wd = 0; wd < np->words; wd++)
					for (uint64_t x = R->bits[wd]; x; x &= x - 1) {
						size_t b = wd * 64 + (size_t)__builtin_ctzll(x);

						row[b] = ps_union(ps, row[b], rule_ports(np, R, b));
					}
			}
		}
	}
	/*
	 * ingress, column by column, intersected with the egress already
	 * there; COL_BLOCK columns at a time, so that the intersection walks
	 * the matrix along its rows instead of striding down a column per cell
	 */
	for (size_t b0 = 0; b0 < n; b0 += COL_BLOCK) {
		size_t nb = CS_MIN((size_t)COL_BLOCK, n - b0);

		for (size_t b = b0; b < b0 + nb; b++) {
			struct workload *w = &np->wl[b];
			uint32_t *c = &col[(b - b0) * n];

			w->pub.ingress_isolated = w->n_pol_in > 0;
			if (!w->n_pol_in)
				continue;
			memset(c, 0, n * sizeof(*c));
			for (size_t k = 0; k < w->n_pol_in; k++) {
				struct policy *p = &np->pol[w->pol_in[k]];

				for (size_t ri = 0; ri < p->n_in; ri++) {
					struct rule *R = &p->in[ri];
					uint32_t ports = rule_ports(np, R, b);

					if (ports == PS_EMPTY)
						continue;
					if (!w->allns && rule_admits_all_namespaces(R, NULL, 0)) {
						w->allns = true;
						w->allns_pol = w->pol_in[k];
						w->allns_rule = ri;
						w->allns_ports = ports;
					}
					for (size_t wd = 0; wd < np->words; wd++)
						for (uint64_t x = R->bits[wd]; x; x &= x - 1) {
							size_t a = wd * 64 +
								   (size_t)__builtin_ctzll(x);

							c[a] = ps_union(ps, c[a], ports);
						}
				}
			}
		}
		for (size_t a = 0; a < n; a++) {
			uint32_t *row = &np->m[a * n];

			for (size_t b = b0; b < b0 + nb; b++)
				if (np->wl[b].n_pol_in)
					row[b] = ps_intersect(ps, row[b], col[(b - b0) * n + a]);
		}
	}
	if (ps->err)
		return ps->err == -ENOMEM
			       ? cs_error_set(err, -ENOMEM, "out of memory")
			       : cs_error_set(err, ps->err, "more than %u port sets", PS_MAX_SETS);
	for (uint32_t id = 0; id < ps->n_s; id++) {
		r = ps_format(ps, id);
		if (r < 0)
			return cs_error_set(err, r, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		struct workload *w = &np->wl[i];

		w->pub.id = w->id;
		w->pub.kind = w->kind;
		w->pub.namespace = w->ns;
		w->pub.name = w->name;
		w->pub.path = w->path;
	}
	return 0;
}

size_t cs_netpol_n_workloads(const struct cs_netpol *np)
{
	return np->analyzed ? np->n_wl : 0;
}

const struct cs_netpol_workload *cs_netpol_workload(const struct cs_netpol *np, size_t i)
{
	return np->analyzed && i < np->n_wl ? &np->wl[i].pub : NULL;
}

size_t cs_netpol_n_namespaces(const struct cs_netpol *np)
{
	return np->n_ns;
}

size_t cs_netpol_n_policies(const struct cs_netpol *np)
{
	return np->n_pol;
}

const char *cs_netpol_namespace_name(const struct cs_netpol *np, size_t i)
{
	return i < np->n_ns ? np->ns[i].name : NULL;
}

const char *cs_netpol_cell(const struct cs_netpol *np, size_t src, size_t dst)
{
	if (!np->analyzed || src >= np->n_wl || dst >= np->n_wl)
		return NULL;
	return np->ps.s[np->m[src * np->n_wl + dst]].str;
}

bool cs_netpol_allowed(const struct cs_netpol *np, size_t src, size_t dst)
{
	return np->analyzed && src < np->n_wl && dst < np->n_wl &&
	       np->m[src * np->n_wl + dst] != PS_EMPTY;
}

/* ---- audit results ---------------------------------------------------- */

#define DOC_URL "https://kubernetes.io/docs/concepts/services-networking/network-policies/"

/* "a, b, c and 4 more" of the policies in idx */
static char *policy_list(const struct cs_netpol *np, const size_t *idx, size_t n)
{
	struct cs_buf b = CS_BUF_INIT(4096);

	for (size_t i = 0; i < n && i < 5; i++)
		cs_buf_printf(&b, "%s%s", i ? ", " : "", np->pol[idx[i]].name);
	if (n > 5)
		cs_buf_printf(&b, " and %zu more", n - 5);
	return cs_buf_steal(&b, NULL);
}

static bool default_deny(const struct policy *p, bool ingress)
{
	return selector_empty(&p->pod) && (ingress ? p->t_in && !p->n_in : p->t_eg && !p->n_eg);
}

/*
 * Add a result with printf-style evidence; suppressed when the object's
 * customs.dev/ignore annotation lists the check (unless strict).
 */
static int emit(struct cs_audit *a, struct cs_check *c, const struct ignore *ig, bool strict,
		const char *fmt, ...) CS_PRINTF(5, 6);
static int emit(struct cs_audit *a, struct cs_check *c, const struct ignore *ig, bool strict,
		const char *fmt, ...)
{
	char *ev = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&ev, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	c->evidence = ev;
	if (!strict && ig->list && audit_id_listed(ig->list, c->id)) {
		c->suppressed_by = "annotation " CS_K8S_IGNORE_ANNOTATION;
		c->justification = ig->why;
		r = cs_audit_add_suppressed(a, c);
	} else {
		r = cs_audit_add(a, c);
	}
	c->evidence = c->suppressed_by = c->justification = NULL;
	free(ev);
	return r;
}

static int audit_workloads(const struct cs_netpol *np, bool strict, struct cs_audit *a)
{
	for (size_t i = 0; i < np->n_wl; i++) {
		const struct workload *w = &np->wl[i];
		_cleanup_free_ char *target = cs_asprintf("%s %s/%s", w->kind, w->ns, w->name);
		struct cs_check c = {
			.target = target,
			.path = w->path,
			.line = w->pub.line,
			.url = DOC_URL,
		};
		_cleanup_free_ char *list = NULL;
		int r;

		if (!target)
			return -ENOMEM;
		c.id = "CS-NET-INGRESS-DEFAULT-ALLOW";
		c.title = "Workloads are isolated for ingress by a NetworkPolicy";
		c.severity = CS_SEV_HIGH;
		c.remediation = "add a NetworkPolicy selecting the workload's pods with Ingress in "
				"policyTypes (a namespace default-deny and explicit allows)";
		if (w->n_pol_in) {
			list = policy_list(np, w->pol_in, w->n_pol_in);
			c.status = CS_CHECK_PASS;
			r = emit(a, &c, &w->ignore, strict, "ingress isolated by %s",
				 list ? list : "?");
		} else {
			c.status = CS_CHECK_FAIL;
			r = emit(a, &c, &w->ignore, strict,
				 "no NetworkPolicy in namespace '%s' selects it for "
				 "ingress: every pod of the cluster may connect on any port",
				 w->ns);
		}
		if (r < 0)
			return r;
		free(list);
		list = NULL;
		c.id = "CS-NET-EGRESS-DEFAULT-ALLOW";
		c.title = "Workloads are isolated for egress by a NetworkPolicy";
		c.severity = CS_SEV_MEDIUM;
		c.remediation = "add a NetworkPolicy selecting the workload's pods with Egress in "
				"policyTypes, allowing DNS and the services it needs";
		if (w->n_pol_eg) {
			list = policy_list(np, w->pol_eg, w->n_pol_eg);
			c.status = CS_CHECK_PASS;
			r = emit(a, &c, &w->ignore, strict, "egress isolated by %s",
				 list ? list : "?");
		} else {
			c.status = CS_CHECK_WARN;
			r = emit(a, &c, &w->ignore, strict,
				 "no NetworkPolicy in namespace '%s' selects it for egress: "
				 "it may connect anywhere",
				 w->ns);
		}
		if (r < 0)
			return r;
		/* isolated, yet some policy admits every namespace */
		if (w->allns) {
			const struct policy *p = &np->pol[w->allns_pol];
			char how[160];

			rule_admits_all_namespaces(&p->in[w->allns_rule], how, sizeof(how));
			c.id = "CS-NET-REACHABLE-FROM-ALL-NAMESPACES";
			c.title = "Isolated workloads are not open to every namespace";
			c.severity = CS_SEV_MEDIUM;
			c.status = CS_CHECK_WARN;
			c.remediation = "name the client namespaces with a namespaceSelector on "
					"their labels";
			r = emit(a, &c, &w->ignore, strict,
				 "NetworkPolicy %s ingress rule %zu admits %s on %s", p->name,
				 w->allns_rule + 1, how, np->ps.s[w->allns_ports].str);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int audit_namespaces(const struct cs_netpol *np, bool strict, struct cs_audit *a)
{
	for (size_t i = 0; i < np->n_ns; i++) {
		const struct ns *ns = &np->ns[i];
		_cleanup_free_ char *target = cs_asprintf("Namespace %s", ns->name);
		const struct policy *din = NULL, *deg = NULL;
		struct cs_check c = { .target = target, .url = DOC_URL };
		int r;

		if (!target)
			return -ENOMEM;
		for (size_t k = 0; k < np->n_pol; k++) {
			const struct policy *p = &np->pol[k];

			if (p->ns_idx != i)
				continue;
			if (!din && default_deny(p, true))
				din = p;
			if (!deg && default_deny(p, false))
				deg = p;
		}
		c.path = din ? din->path : ns->path;
		c.line = din ? din->line : ns->line;
		c.id = "CS-NET-NS-DEFAULT-DENY-INGRESS";
		c.title = "Namespaces have a default-deny ingress NetworkPolicy";
		c.severity = CS_SEV_MEDIUM;
		c.status = din ? CS_CHECK_PASS : CS_CHECK_FAIL;
		c.remediation = "add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress] "
				"and no ingress rules";
		r = din ? emit(a, &c, &ns->ignore, strict, "default deny by NetworkPolicy %s",
			       din->name)
			: emit(a, &c, &ns->ignore, strict,
			       "no policy selects every pod for ingress without allowing "
			       "anything (%zu workloads)",
			       ns->count);
		if (r < 0)
			return r;
		c.path = deg ? deg->path : ns->path;
		c.line = deg ? deg->line : ns->line;
		c.id = "CS-NET-NS-DEFAULT-DENY-EGRESS";
		c.title = "Namespaces have a default-deny egress NetworkPolicy";
		c.severity = CS_SEV_LOW;
		c.status = deg ? CS_CHECK_PASS : CS_CHECK_WARN;
		c.remediation = "add a NetworkPolicy with podSelector: {}, policyTypes: [Egress] "
				"and no egress rules, then allow DNS and what each workload needs";
		r = deg ? emit(a, &c, &ns->ignore, strict, "default deny by NetworkPolicy %s",
			       deg->name)
			: emit(a, &c, &ns->ignore, strict,
			       "no policy selects every pod for egress without allowing "
			       "anything (%zu workloads)",
			       ns->count);
		if (r < 0)
			return r;
	}
	return 0;
}

static int audit_policies(const struct cs_netpol *np, bool strict, struct cs_audit *a)
{
	for (size_t k = 0; k < np->n_pol; k++) {
		const struct policy *p = &np->pol[k];
		_cleanup_free_ char *target = cs_asprintf("NetworkPolicy %s/%s", p->ns, p->name);
		struct cs_check c = { .target = target, .path = p->path, .line = p->line };
		int r;

		if (!target)
			return -ENOMEM;
		c.id = "CS-NET-POLICY-SELECTS-NOTHING";
		c.title = "NetworkPolicies select at least one workload";
		c.severity = CS_SEV_LOW;
		c.url = DOC_URL;
		c.remediation = "fix the podSelector (labels of the pod template) or remove the "
				"policy";
		/* a namespace-wide policy is meant for future pods too */
		if (p->n_selected || selector_empty(&p->pod)) {
			c.status = CS_CHECK_PASS;
			r = emit(a, &c, &p->ignore, strict, "selects %zu workload%s", p->n_selected,
				 p->n_selected == 1 ? "" : "s");
		} else {
			c.status = CS_CHECK_WARN;
			r = emit(a, &c, &p->ignore, strict,
				 "podSelector matches no workload in namespace '%s'", p->ns);
		}
		if (r < 0)
			return r;
		for (size_t ri = 0; ri < p->n_in; ri++)
			for (size_t pi = 0; pi < p->in[ri].n_peers; pi++) {
				const struct peer *P = &p->in[ri].peers[pi];

				if (P->kind != PEER_IPBLOCK || P->prefix != 0)
					continue;
				c.id = "CS-NET-INGRESS-FROM-ANY-IP";
				c.title = "Ingress rules do not admit every address";
				c.severity = CS_SEV_MEDIUM;
				c.status = CS_CHECK_WARN;
				c.line = p->in[ri].line ? p->in[ri].line : p->line;
				c.remediation = "narrow the ipBlock to the clients' networks";
				r = emit(a, &c, &p->ignore, strict,
					 "ingress rule %zu admits ipBlock %s%s%s on %s", ri + 1,
					 P->cidr, P->n_except ? " except " : "",
					 P->n_except ? P->except[0] : "",
					 p->in[ri].all_ports ? "every port" : "its ports");
				if (r < 0)
					return r;
			}
	}
	return 0;
}

int cs_netpol_audit(const struct cs_netpol *np, bool strict, struct cs_audit *a)
{
	int r;

	if (!np->analyzed)
		return -EINVAL;
	for (size_t i = 0; i < np->n_warnings; i++)
		if (cs_audit_warn(a, "%s", np->warnings[i]) < 0)
			return -ENOMEM;
	r = audit_workloads(np, strict, a);
	if (r >= 0)
		r = audit_namespaces(np, strict, a);
	if (r >= 0)
		r = audit_policies(np, strict, a);
	return r;
}
