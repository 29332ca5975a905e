/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules files: Falco's YAML items (lists, macros, rules, required versions),
 * layered in load order with append/override, then compiled: conditions
 * parsed, macros expanded (each once, cycles refused), list references
 * expanded, exceptions turned into `and not (...)`, fields resolved and
 * every rule indexed under the event types it can match.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "basic/yaml.h"
#include "runtime/rules.h"
#include "runtime/rules_internal.h"

struct list_def {
	const char *name;
	const char **items;
	size_t n, cap;
	const char *file;
	unsigned line;
	int state; /* expansion: 1 in progress */
	/* compiled once for string comparisons (in, intersects, pmatch) */
	struct cval *cv;
	size_t n_cv;
	bool sorted;
};

struct macro_def {
	const char *name;
	const char *cond;
	const char *file;
	unsigned line;
	struct rnode *root;
	int state;	   /* 0 new, 1 compiling, 2 done */
	size_t size;	   /* nodes after expansion */
	const char *unsup; /* unsupported reason */
};

struct exc_value {
	const char **items;
	size_t n;
	bool is_list;
};

struct exc_def {
	const char *name;
	const char **fields;
	const char **comps;
	size_t n_fields;
	bool single;		  /* fields given as one string */
	struct exc_value *values; /* n_rows * n_fields */
	size_t n_rows;
};

struct out_seg {
	const char *text; /* literal, or NULL for a field */
	size_t len;
	struct fieldref f;
	bool na; /* field cannot be rendered */
};

struct rule_def {
	const char *name, *desc, *cond, *output, *source, *file;
	unsigned line;
	enum cs_rule_priority prio;
	bool enabled;
	const char **tags;
	size_t n_tags;
	struct exc_def *exc;
	size_t n_exc;
	/* compiled */
	enum cs_rule_status status;
	const char *reason;
	struct rnode *root;
	uint64_t types[EVT_WORDS];
	bool all_types;
	struct out_seg *segs;
	size_t n_segs;
};

struct name_map {
	const char **keys;
	size_t *vals;
	size_t cap, n;
};

struct cs_rules {
	struct arena a;
	struct list_def *lists;
	size_t n_lists, cap_lists;
	struct macro_def *macros;
	size_t n_macros, cap_macros;
	struct rule_def *rules;
	size_t n_rules, cap_rules;
	struct name_map lmap, mmap, rmap;
	char **warnings;
	size_t n_warnings, cap_warnings;
	regex_t **regexes;
	size_t n_regexes, cap_regexes;
	size_t *by_type[CS_RT_EVT_COUNT];
	size_t n_by_type[CS_RT_EVT_COUNT];
	size_t n_memo; /* evalctx.memo slots given to macros */
	bool compiled;
	/* compile context */
	const char *cur_file;
	unsigned cur_line;
	unsigned depth;
};

/* ---- small helpers ---- */
static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static long map_get(const struct name_map *m, const char *k)
{
	if (!m->cap)
		return -1;
	for (size_t i = fnv(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return -1;
		if (!strcmp(m->keys[i], k))
			return (long)m->vals[i];
	}
}

static int map_put(struct name_map *m, const char *k, size_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 64;
		const char **nk = calloc(nc, sizeof(*nk));
		size_t *nv = calloc(nc, sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -ENOMEM;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			size_t j = fnv(m->keys[i]) & (nc - 1);
			while (nk[j])
				j = (j + 1) & (nc - 1);
			nk[j] = m->keys[i];
			nv[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = nc;
	}
	size_t i = fnv(k) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], k))
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = k;
	m->vals[i] = v;
	return 0;
}

static void map_free(struct name_map *m)
{
	free(m->keys);
	free(m->vals);
}

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
	void *np;
	size_t nc;
	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	np = reallocarray(*p, nc, elem);
	if (!np)
		return -ENOMEM;
	memset((char *)np + *cap * elem, 0, (nc - *cap) * elem);
	*p = np;
	*cap = nc;
	return 0;
}

static int warn(struct cs_rules *r, const char *file, unsigned line, const char *fmt, ...)
	CS_PRINTF(4, 5);
static int warn(struct cs_rules *r, const char *file, unsigned line, const char *fmt, ...)
{
	char msg[1024];
	char *s;
	va_list ap;
	int n;
	if (r->n_warnings >= 100000)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (grow((void **)&r->warnings, &r->cap_warnings, r->n_warnings, sizeof(char *)) < 0)
		return -ENOMEM;
	n = asprintf(&s, "%s:%u: %s", file, line, msg);
	if (n < 0)
		return -ENOMEM;
	r->warnings[r->n_warnings++] = s;
	return 0;
}

/* an allocation failed: over the engine's bound (bad input) or really out of memory */
static int nomem(struct cs_rules *r, struct cs_error *err)
{
	if (r->a.over)
		return cs_error_set(err, -CS_E_LIMIT, "rules need more than %u MiB compiled",
				    ARENA_MAX >> 20);
	return cs_error_set(err, -ENOMEM, "out of memory");
}

static const char *adup(struct cs_rules *r, const char *s)
{
	return arena_strndup(&r->a, s, strlen(s));
}

static const char *const prio_names[] = { "Emergency", "Alert",	 "Critical",	  "Error",
					  "Warning",   "Notice", "Informational", "Debug" };

const char *cs_rule_priority_name(enum cs_rule_priority p)
{
	return (unsigned)p < CS_ARRAY_SIZE(prio_names) ? prio_names[p] : "Unknown";
}

int cs_rule_priority_parse(const char *s, enum cs_rule_priority *ret)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(prio_names); i++)
		if (!strcasecmp(s, prio_names[i])) {
			*ret = (enum cs_rule_priority)i;
			return 0;
		}
	if (!strcasecmp(s, "info")) {
		*ret = CS_RULE_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}

const char *cs_rule_status_name(enum cs_rule_status s)
{
	static const char *const n[] = { "active", "disabled", "unsupported", "other-source" };
	return (unsigned)s < CS_ARRAY_SIZE(n) ? n[s] : "?";
}

int cs_rules_new(struct cs_rules **ret)
{
	struct cs_rules *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*ret = r;
	return 0;
}

void cs_rules_free(struct cs_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_regexes; i++) {
		regfree(r->regexes[i]);
		free(r->regexes[i]);
	}
	free(r->regexes);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	for (size_t i = 0; i < CS_RT_EVT_COUNT; i++)
		free(r->by_type[i]);
	free(r->lists);
	free(r->macros);
	free(r->rules);
	map_free(&r->lmap);
	map_free(&r->mmap);
	map_free(&r->rmap);
	arena_free(&r->a);
	free(r);
}

/* ---- loading ---- */
struct loader {
	struct cs_rules *r;
	const char *file;
	const struct cs_yaml *y;
	struct cs_error *err;
};

static int lerr(struct loader *l, const json_t *node, const char *fmt, ...) CS_PRINTF(3, 4);
static int lerr(struct loader *l, const json_t *node, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(l->err, -CS_E_INPUT, "%s:%u: %s", l->file, cs_yaml_line(l->y, node),
			    msg);
}

/* a scalar as text: strings as is, booleans/numbers rendered */
static const char *scalar(struct cs_rules *r, const json_t *v)
{
	char buf[64];
	if (json_is_string(v))
		return arena_strndup(&r->a, json_string_value(v), json_string_length(v));
	if (json_is_true(v))
		return adup(r, "true");
	if (json_is_false(v))
		return adup(r, "false");
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return adup(r, buf);
	}
	if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%g", json_real_value(v));
		return adup(r, buf);
	}
	return NULL;
}

static int get_str(struct loader *l, const json_t *item, const char *key, const char **ret,
		   bool required)
{
	json_t *v = json_object_get(item, key);
	if (!v || json_is_null(v)) {
		if (required)
			return lerr(l, item, "missing '%s'", key);
		*ret = NULL;
		return 0;
	}
	if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
		return lerr(l, item, "'%s' is not a string", key);
	if (!(*ret = scalar(l->r, v)))
		return -ENOMEM;
	return 0;
}

static int get_bool(struct loader *l, const json_t *item, const char *key, bool *ret, bool *present)
{
	json_t *v = json_object_get(item, key);
	*present = false;
	if (!v)
		return 0;
	if (json_is_boolean(v))
		*ret = json_is_true(v);
	else if (json_is_string(v) && !strcmp(json_string_value(v), "true"))
		*ret = true;
	else if (json_is_string(v) && !strcmp(json_string_value(v), "false"))
		*ret = false;
	else
		return lerr(l, item, "'%s' is not a boolean", key);
	*present = true;
	return 0;
}

static int strv(struct loader *l, const json_t *item, const json_t *v, const char *key,
		const char ***ret, size_t *n)
{
	size_t i;
	json_t *x;
	const char **out;
	if (!json_is_array(v))
		return lerr(l, item, "'%s' is not a list", key);
	if (json_array_size(v) > CS_RULES_LIST_ITEMS_MAX)
		return lerr(l, item, "'%s' has too many items", key);
	out = arena_alloc(&l->r->a, (json_array_size(v) + 1) * sizeof(*out));
	if (!out)
		return -ENOMEM;
	json_array_foreach (v, i, x) {
		if (!(out[i] = scalar(l->r, x)))
			return lerr(l, item, "'%s' item %zu is not a scalar", key, i + 1);
	}
	*ret = out;
	*n = json_array_size(v);
	return 0;
}

/* override: {key: append|replace}; returns the mode of key (0 none, 1 append, 2 replace) */
static int override_mode(struct loader *l, const json_t *item, const char *key, int *mode)
{
	json_t *o = json_object_get(item, "override"), *v;
	*mode = 0;
	if (!o)
		return 0;
	if (!json_is_object(o))
		return lerr(l, item, "'override' is not a mapping");
	if (!(v = json_object_get(o, key)))
		return 0;
	if (json_is_string(v) && !strcmp(json_string_value(v), "append"))
		*mode = 1;
	else if (json_is_string(v) && !strcmp(json_string_value(v), "replace"))
		*mode = 2;
	else
		return lerr(l, item, "override of '%s' is neither append nor replace", key);
	return 0;
}

static int check_override_keys(struct loader *l, const json_t *item, const char *const *allowed)
{
	json_t *o = json_object_get(item, "override"), *v;
	const char *k;
	if (!o)
		return 0;
	if (!json_is_object(o))
		return lerr(l, item, "'override' is not a mapping");
	json_object_foreach (o, k, v) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			ok |= !strcmp(allowed[i], k);
		if (!ok)
			return lerr(l, item, "cannot override '%s'", k);
		if (!json_object_get(item, k))
			return lerr(l, item, "override of '%s' without a '%s' key", k, k);
	}
	return 0;
}

static const char *concat(struct cs_rules *r, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = arena_alloc(&r->a, la + lb + 2);
	if (!s)
		return NULL;
	memcpy(s, a, la);
	s[la] = ' ';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

static int load_list(struct loader *l, const json_t *item)
{
	struct cs_rules *r = l->r;
	const char *name, **items;
	size_t n;
	bool append = false, present;
	int mode, ret;
	long idx;
	json_t *iv = json_object_get(item, "items");
	static const char *const allowed[] = { "items", NULL };

	if ((ret = get_str(l, item, "list", &name, true)) < 0 ||
	    (ret = get_bool(l, item, "append", &append, &present)) < 0 ||
	    (ret = check_override_keys(l, item, allowed)) < 0 ||
	    (ret = override_mode(l, item, "items", &mode)) < 0)
		return ret;
	if (!iv)
		return lerr(l, item, "list '%s': missing 'items'", name);
	if (json_is_null(iv)) {
		items = NULL;
		n = 0;
	} else if ((ret = strv(l, item, iv, "items", &items, &n)) < 0) {
		return ret;
	}
	if (mode == 1)
		append = true;
	idx = map_get(&r->lmap, name);
	if (append) {
		struct list_def *d;
		if (idx < 0)
			return lerr(l, item, "list '%s' has append but no earlier definition",
				    name);
		d = &r->lists[idx];
		if (d->n + n > CS_RULES_LIST_ITEMS_MAX)
			return lerr(l, item, "list '%s' has too many items", name);
		if (d->n + n > d->cap) {
			size_t nc = (d->n + n) * 2;
			const char **ni = arena_alloc(&r->a, nc * sizeof(*ni));
			if (!ni)
				return -ENOMEM;
			if (d->n)
				memcpy(ni, d->items, d->n * sizeof(*ni));
			d->items = ni;
			d->cap = nc;
		}
		if (n)
			memcpy(d->items + d->n, items, n * sizeof(*items));
		d->n += n;
		return 0;
	}
	if (idx < 0) {
		if (r->n_lists + r->n_macros + r->n_rules >= CS_RULES_ITEMS_MAX)
			return lerr(l, item, "too many items");
		if (grow((void **)&r->lists, &r->cap_lists, r->n_lists, sizeof(*r->lists)) < 0)
			return -ENOMEM;
		idx = (long)r->n_lists++;
		if (map_put(&r->lmap, name, (size_t)idx) < 0)
			return -ENOMEM;
	}
	r->lists[idx] = (struct list_def){ .name = name,
					   .items = items,
					   .n = n,
					   .cap = n,
					   .file = l->file,
					   .line = cs_yaml_line(l->y, item) };
	return 0;
}

static int load_macro(struct loader *l, const json_t *item)
{
	struct cs_rules *r = l->r;
	const char *name, *cond;
	bool append = false, present;
	int mode, ret;
	long idx;
	static const char *const allowed[] = { "condition", NULL };

	if ((ret = get_str(l, item, "macro", &name, true)) < 0 ||
	    (ret = get_str(l, item, "condition", &cond, true)) < 0 ||
	    (ret = get_bool(l, item, "append", &append, &present)) < 0 ||
	    (ret = check_override_keys(l, item, allowed)) < 0 ||
	    (ret = override_mode(l, item, "condition", &mode)) < 0)
		return ret;
	if (mode == 1)
		append = true;
	idx = map_get(&r->mmap, name);
	if (append) {
		if (idx < 0)
			return lerr(l, item, "macro '%s' has append but no earlier definition",
				    name);
		if (!(r->macros[idx].cond = concat(r, r->macros[idx].cond, cond)))
			return -ENOMEM;
		return 0;
	}
	if (idx < 0) {
		if (r->n_lists + r->n_macros + r->n_rules >= CS_RULES_ITEMS_MAX)
			return lerr(l, item, "too many items");
		if (grow((void **)&r->macros, &r->cap_macros, r->n_macros, sizeof(*r->macros)) < 0)
			return -ENOMEM;
		idx = (long)r->n_macros++;
		if (map_put(&r->mmap, name, (size_t)idx) < 0)
			return -ENOMEM;
	}
	r->macros[idx] = (struct macro_def){
		.name = name, .cond = cond, .file = l->file, .line = cs_yaml_line(l->y, item)
	};
	return 0;
}

static int load_exc_values(struct loader *l, const json_t *item, struct exc_def *x,
			   const json_t *vals)
{
	size_t i;
	json_t *row;
	if (!vals || json_is_null(vals))
		return 0;
	if (!json_is_array(vals))
		return lerr(l, item, "exception '%s': 'values' is not a list", x->name);
	if (json_array_size(vals) > CS_RULES_LIST_ITEMS_MAX)
		return lerr(l, item, "exception '%s': too many values", x->name);
	struct exc_value *nv =
		arena_alloc(&l->r->a, (x->n_rows + json_array_size(vals)) *
					      (x->n_fields ? x->n_fields : 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	if (x->n_rows)
		memcpy(nv, x->values, x->n_rows * x->n_fields * sizeof(*nv));
	json_array_foreach (vals, i, row) {
		struct exc_value *ev = nv + (x->n_rows + i) * x->n_fields;
		if (x->single) {
			/* one field: each value is a scalar or a list */
			if (json_is_array(row)) {
				ev->is_list = true;
				if (strv(l, item, row, "values", &ev->items, &ev->n) < 0)
					return -CS_E_INPUT;
			} else {
				ev->items = arena_alloc(&l->r->a, sizeof(char *));
				if (!ev->items)
					return -ENOMEM;
				if (!(ev->items[0] = scalar(l->r, row)))
					return lerr(l, item, "exception '%s': bad value", x->name);
				ev->n = 1;
			}
			continue;
		}
		if (!json_is_array(row) || json_array_size(row) != x->n_fields)
			return lerr(l, item,
				    "exception '%s': a value has %zu items, the fields are %zu",
				    x->name, json_is_array(row) ? json_array_size(row) : 1,
				    x->n_fields);
		for (size_t f = 0; f < x->n_fields; f++) {
			json_t *c = json_array_get(row, f);
			if (json_is_array(c)) {
				ev[f].is_list = true;
				if (strv(l, item, c, "values", &ev[f].items, &ev[f].n) < 0)
					return -CS_E_INPUT;
			} else {
				ev[f].items = arena_alloc(&l->r->a, sizeof(char *));
				if (!ev[f].items)
					return -ENOMEM;
				if (!(ev[f].items[0] = scalar(l->r, c)))
					return lerr(l, item, "exception '%s': bad value", x->name);
				ev[f].n = 1;
			}
		}
	}
	x->values = nv;
	x->n_rows += json_array_size(vals);
	return 0;
}

static int load_exceptions(struct loader *l, const json_t *item, struct rule_def *d, bool append)
{
	json_t *ex = json_object_get(item, "exceptions"), *e;
	size_t i;
	int ret;
	if (!ex || json_is_null(ex))
		return 0;
	if (!json_is_array(ex))
		return lerr(l, item, "'exceptions' is not a list");
	json_array_foreach (ex, i, e) {
		const char *name;
		struct exc_def *x = NULL;
		json_t *fields, *comps;
		if (!json_is_object(e))
			return lerr(l, item, "exception %zu is not a mapping", i + 1);
		if ((ret = get_str(l, e, "name", &name, true)) < 0)
			return ret;
		for (size_t k = 0; k < d->n_exc; k++)
			if (!strcmp(d->exc[k].name, name))
				x = &d->exc[k];
		fields = json_object_get(e, "fields");
		if (x && append) {
			if ((ret = load_exc_values(l, e, x, json_object_get(e, "values"))) < 0)
				return ret;
			continue;
		}
		if (!fields)
			return lerr(l, e, "exception '%s': missing 'fields'", name);
		if (!x) {
			struct exc_def *nx = arena_alloc(&l->r->a, (d->n_exc + 1) * sizeof(*nx));
			if (!nx)
				return -ENOMEM;
			if (d->n_exc)
				memcpy(nx, d->exc, d->n_exc * sizeof(*nx));
			d->exc = nx;
			x = &d->exc[d->n_exc++];
		}
		memset(x, 0, sizeof(*x));
		x->name = name;
		if (json_is_string(fields)) {
			x->single = true;
			x->n_fields = 1;
			x->fields = arena_alloc(&l->r->a, sizeof(char *));
			x->comps = arena_alloc(&l->r->a, sizeof(char *));
			if (!x->fields || !x->comps)
				return -ENOMEM;
			x->fields[0] = scalar(l->r, fields);
			comps = json_object_get(e, "comps");
			if (comps && !json_is_string(comps))
				return lerr(l, e, "exception '%s': 'comps' must be a string", name);
			x->comps[0] = comps ? scalar(l->r, comps) : "in";
		} else {
			size_t nc = 0;
			if ((ret = strv(l, e, fields, "fields", &x->fields, &x->n_fields)) < 0)
				return ret;
			if (!x->n_fields)
				return lerr(l, e, "exception '%s': empty 'fields'", name);
			comps = json_object_get(e, "comps");
			if (comps) {
				if ((ret = strv(l, e, comps, "comps", &x->comps, &nc)) < 0)
					return ret;
				if (nc != x->n_fields)
					return lerr(l, e,
						    "exception '%s': %zu comps for %zu fields",
						    name, nc, x->n_fields);
			} else {
				x->comps = arena_alloc(&l->r->a, x->n_fields * sizeof(char *));
				if (!x->comps)
					return -ENOMEM;
				for (size_t k = 0; k < x->n_fields; k++)
					x->comps[k] = "=";
			}
		}
		if ((ret = load_exc_values(l, e, x, json_object_get(e, "values"))) < 0)
			return ret;
	}
	return 0;
}

static int load_rule(struct loader *l, const json_t *item)
{
	struct cs_rules *r = l->r;
	const char *name, *cond, *output, *desc, *prio, *source;
	bool append = false, enabled = true, has_append, has_enabled;
	json_t *tags = json_object_get(item, "tags");
	const char **tagv = NULL;
	size_t n_tags = 0;
	int ret, m_cond, m_out, m_desc, m_prio, m_tags, m_exc, m_en;
	long idx;
	struct rule_def *d;
	static const char *const allowed[] = {
		"condition",  "output",	 "desc",   "priority",	    "tags",
		"exceptions", "enabled", "source", "warn_evttypes", "skip-if-unknown-filter",
		NULL
	};

	if ((ret = get_str(l, item, "rule", &name, true)) < 0 ||
	    (ret = get_str(l, item, "condition", &cond, false)) < 0 ||
	    (ret = get_str(l, item, "output", &output, false)) < 0 ||
	    (ret = get_str(l, item, "desc", &desc, false)) < 0 ||
	    (ret = get_str(l, item, "priority", &prio, false)) < 0 ||
	    (ret = get_str(l, item, "source", &source, false)) < 0 ||
	    (ret = get_bool(l, item, "append", &append, &has_append)) < 0 ||
	    (ret = get_bool(l, item, "enabled", &enabled, &has_enabled)) < 0 ||
	    (ret = check_override_keys(l, item, allowed)) < 0 ||
	    (ret = override_mode(l, item, "condition", &m_cond)) < 0 ||
	    (ret = override_mode(l, item, "output", &m_out)) < 0 ||
	    (ret = override_mode(l, item, "desc", &m_desc)) < 0 ||
	    (ret = override_mode(l, item, "priority", &m_prio)) < 0 ||
	    (ret = override_mode(l, item, "tags", &m_tags)) < 0 ||
	    (ret = override_mode(l, item, "exceptions", &m_exc)) < 0 ||
	    (ret = override_mode(l, item, "enabled", &m_en)) < 0)
		return ret;
	if (tags && !json_is_null(tags) && (ret = strv(l, item, tags, "tags", &tagv, &n_tags)) < 0)
		return ret;
	if (prio) {
		enum cs_rule_priority p;
		if (cs_rule_priority_parse(prio, &p) < 0)
			return lerr(l, item, "rule '%s': unknown priority '%s'", name, prio);
	}
	if ((m_prio == 1 || m_en == 1))
		return lerr(l, item, "rule '%s': priority and enabled can only be replaced", name);
	idx = map_get(&r->rmap, name);
	bool has_override = json_object_get(item, "override") != NULL;
	if (append || has_override) {
		if (idx < 0)
			return lerr(l, item, "rule '%s' has %s but no earlier definition", name,
				    append ? "append" : "override");
		d = &r->rules[idx];
		if (append) {
			if (cond && !(d->cond = concat(r, d->cond, cond)))
				return -ENOMEM;
			if (output && !(d->output = concat(r, d->output, output)))
				return -ENOMEM;
			return load_exceptions(l, item, d, true);
		}
		if (m_cond && !(d->cond = m_cond == 1 ? concat(r, d->cond, cond) : cond))
			return -ENOMEM;
		if (m_out && !(d->output = m_out == 1 ? concat(r, d->output, output) : output))
			return -ENOMEM;
		if (m_desc && !(d->desc = m_desc == 1 ? concat(r, d->desc, desc) : desc))
			return -ENOMEM;
		if (m_prio == 2)
			cs_rule_priority_parse(prio, &d->prio);
		if (m_en == 2)
			d->enabled = enabled;
		if (m_tags) {
			if (m_tags == 2) {
				d->tags = tagv;
				d->n_tags = n_tags;
			} else if (n_tags) {
				const char **nt =
					arena_alloc(&r->a, (d->n_tags + n_tags) * sizeof(*nt));
				if (!nt)
					return -ENOMEM;
				if (d->n_tags)
					memcpy(nt, d->tags, d->n_tags * sizeof(*nt));
				memcpy(nt + d->n_tags, tagv, n_tags * sizeof(*nt));
				d->tags = nt;
				d->n_tags += n_tags;
			}
		}
		if (m_exc == 2) {
			d->exc = NULL;
			d->n_exc = 0;
		}
		if (m_exc)
			return load_exceptions(l, item, d, m_exc == 1);
		return 0;
	}
	if (!cond && has_enabled && idx >= 0) {
		/* the legacy form: `- rule: X` + `enabled: false` toggles X */
		r->rules[idx].enabled = enabled;
		return 0;
	}
	if (!cond)
		return lerr(l, item, "rule '%s': missing 'condition'", name);
	if (!output)
		return lerr(l, item, "rule '%s': missing 'output'", name);
	if (!prio)
		return lerr(l, item, "rule '%s': missing 'priority'", name);
	if (idx < 0) {
		if (r->n_lists + r->n_macros + r->n_rules >= CS_RULES_ITEMS_MAX)
			return lerr(l, item, "too many items");
		if (grow((void **)&r->rules, &r->cap_rules, r->n_rules, sizeof(*r->rules)) < 0)
			return -ENOMEM;
		idx = (long)r->n_rules++;
		if (map_put(&r->rmap, name, (size_t)idx) < 0)
			return -ENOMEM;
	}
	d = &r->rules[idx];
	*d = (struct rule_def){ .name = name,
				.desc = desc ? desc : "",
				.cond = cond,
				.output = output,
				.source = source ? source : "syscall",
				.file = l->file,
				.line = cs_yaml_line(l->y, item),
				.enabled = enabled,
				.tags = tagv,
				.n_tags = n_tags };
	cs_rule_priority_parse(prio, &d->prio);
	return load_exceptions(l, item, d, false);
}

/* "0.57.0" or "7": compare dotted numbers */
static int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((*a && (*a < '0' || *a > '9')) || (*b && (*b < '0' || *b > '9')))
			break;
	}
	return 0;
}

static int load_item(struct loader *l, const json_t *item)
{
	if (!json_is_object(item))
		return lerr(l, item, "an item is not a mapping");
	if (json_object_get(item, "rule"))
		return load_rule(l, item);
	if (json_object_get(item, "macro"))
		return load_macro(l, item);
	if (json_object_get(item, "list"))
		return load_list(l, item);
	if (json_object_get(item, "required_engine_version")) {
		const char *v;
		int ret = get_str(l, item, "required_engine_version", &v, true);
		if (ret < 0)
			return ret;
		/* engine versions before semver were single integers (up to 0.x in semver) */
		if (strchr(v, '.') && version_cmp(v, CS_RULES_ENGINE_VERSION) > 0)
			return lerr(l, item, "requires engine version %s, customs implements %s", v,
				    CS_RULES_ENGINE_VERSION);
		return 0;
	}
	if (json_object_get(item, "required_plugin_versions")) {
		warn(l->r, l->file, cs_yaml_line(l->y, item),
		     "required_plugin_versions ignored: customs has no plugins, container fields "
		     "are built in");
		return 0;
	}
	return lerr(l, item, "unknown item (not a rule, macro, list or required version)");
}

int cs_rules_load_buf(struct cs_rules *r, const char *name, const char *data, size_t len,
		      struct cs_error *err)
{
	struct cs_yaml_options o = { .aliases = true, .lines = true };
	_cleanup_(cs_yaml_freep) struct cs_yaml *y = NULL;
	struct loader l = { .r = r, .err = err };
	int ret;

	if (len > CS_RULES_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "%s: rules file over %u bytes", name,
				    CS_RULES_FILE_MAX);
	if (!(l.file = adup(r, name)))
		return -ENOMEM;
	if ((ret = cs_yaml_parse(data, len, &o, &y, err)) < 0)
		return cs_error_prefix(err, "%s", name);
	l.y = y;
	r->compiled = false;
	for (size_t d = 0; d < y->n_docs; d++) {
		json_t *root = y->docs[d].root, *item;
		size_t i;
		if (!root)
			continue;
		if (!json_is_array(root))
			return cs_error_set(err, -CS_E_INPUT,
					    "%s:%u: a rules file is a list of items", name,
					    y->docs[d].line);
		json_array_foreach (root, i, item) {
			if ((ret = load_item(&l, item)) < 0) {
				if (ret == -ENOMEM)
					return nomem(r, err);
				return ret;
			}
		}
	}
	return 0;
}

int cs_rules_load_file(struct cs_rules *r, const char *path, struct cs_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *data = NULL;
	struct stat st;
	size_t got = 0;
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open rules file '%s'", path);
	if (fstat(fd, &st) < 0)
		return cs_error_errno(err, errno, "cannot stat '%s'", path);
	if (!S_ISREG(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a regular file", path);
	if ((uint64_t)st.st_size > CS_RULES_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "%s: rules file over %u bytes", path,
				    CS_RULES_FILE_MAX);
	if (!(data = malloc((size_t)st.st_size + 1)))
		return nomem(r, err);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cs_error_errno(err, errno, "cannot read '%s'", path);
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return cs_rules_load_buf(r, path, data, got, err);
}

/* ---- compilation ---- */
struct cctx {
	struct cs_rules *r;
	struct cs_error *err;
	const char *unsup; /* first unsupported reason */
	const char *file;
	unsigned line;
	const char *what; /* "rule 'X'" for messages */
	size_t size;	  /* nodes after macro expansion (evaluation cost) */
};

static int cerr(struct cctx *c, const char *fmt, ...) CS_PRINTF(2, 3);
static int cerr(struct cctx *c, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(c->err, -CS_E_INPUT, "%s:%u: %s: %s", c->file, c->line, c->what, msg);
}

static int unsupported(struct cctx *c, const char *reason)
{
	if (!c->unsup)
		c->unsup = adup(c->r, reason);
	return 0;
}

/*
 * List items are pasted into conditions by Falco, so an item written with
 * its own quotes ('"sh -c uname -p"') is one string without them.
 */
static const char *unquote(struct cs_rules *r, const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out;
	if (n < 2 || (s[0] != '"' && s[0] != '\'') || s[n - 1] != s[0])
		return s;
	if (!(out = arena_alloc(&r->a, n)))
		return NULL;
	for (size_t i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* append list name's items (expanded) to out */
static int expand_list(struct cctx *c, struct list_def *d, const char ***out, size_t *n,
		       size_t *cap, unsigned depth)
{
	if (d->state == 1 || depth > 32)
		return cerr(c, "list '%s' refers to itself", d->name);
	d->state = 1;
	for (size_t i = 0; i < d->n; i++) {
		long li = map_get(&c->r->lmap, d->items[i]);
		int ret;
		if (li >= 0) {
			if ((ret = expand_list(c, &c->r->lists[li], out, n, cap, depth + 1)) < 0) {
				d->state = 0;
				return ret;
			}
			continue;
		}
		if (*n >= CS_RULES_LIST_ITEMS_MAX * 4) {
			d->state = 0;
			return cerr(c, "list '%s' expands to too many items", d->name);
		}
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			const char **no = arena_alloc(&c->r->a, nc * sizeof(*no));
			if (!no) {
				d->state = 0;
				return -ENOMEM;
			}
			if (*n)
				memcpy(no, *out, *n * sizeof(*no));
			*out = no;
			*cap = nc;
		}
		(*out)[(*n)++] = unquote(c->r, d->items[i]);
		if (!(*out)[*n - 1]) {
			d->state = 0;
			return -ENOMEM;
		}
	}
	d->state = 0;
	return 0;
}

static int parse_ipv4_cidr(const char *s, struct cval *v)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct in_addr a;
	unsigned long bits = 32;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	if (slash) {
		char *end;
		bits = strtoul(slash + 1, &end, 10);
		if (*end || bits > 32 || end == slash + 1)
			return -1;
	}
	v->mask = bits ? (uint32_t)(0xffffffffu << (32 - bits)) : 0;
	v->net = ntohl(a.s_addr) & v->mask;
	v->cidr = true;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int cval_cmp(const void *a, const void *b)
{
	const struct cval *x = a, *y = b;
	int c = memcmp(x->s, y->s, CS_MIN(x->len, y->len));
	return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

static enum ftype eff_type(const struct fieldref *f)
{
	if (f->n_tr && f->tr[f->n_tr - 1] == TR_LEN)
		return FT_INT;
	return f->def->type;
}

static int compile_cmp(struct cctx *c, struct rnode *n)
{
	struct cs_rules *r = c->r;
	struct cs_error ferr = CS_ERROR_INIT;
	const char **vals = NULL;
	size_t nv = 0, cap = 0;
	enum ftype t;
	int ret;

	ret = field_resolve(&n->lhs, n->lhs.name, &r->a, &ferr);
	if (ret == -CS_E_UNSUPPORTED)
		return unsupported(c, ferr.msg);
	if (ret < 0)
		return cerr(c, "%s", ferr.msg);
	for (unsigned i = 0; i < n->lhs.n_tr; i++)
		if (n->lhs.def->type != FT_STR && n->lhs.def->type != FT_IP)
			return cerr(c, "transformer on non-string field '%s'", n->lhs.name);
	t = eff_type(&n->lhs);
	/* `in (one_list)` on a string field: the list's constants, compiled once */
	if (t == FT_STR && n->rhs_list && n->n_vals == 1 && !n->quoted[0] &&
	    (n->op == OP_IN || n->op == OP_INTERSECTS || n->op == OP_PMATCH)) {
		long li = map_get(&r->lmap, n->vals[0]);
		if (li >= 0 && r->lists[li].cv) {
			n->cv = r->lists[li].cv;
			n->n_cv = r->lists[li].n_cv;
			n->sorted = r->lists[li].sorted;
			return 0;
		}
	}
	/* values, with list references expanded */
	for (size_t i = 0; i < n->n_vals; i++) {
		long li = n->rhs_list && !n->quoted[i] ? map_get(&r->lmap, n->vals[i]) : -1;
		if (li >= 0) {
			if ((ret = expand_list(c, &r->lists[li], &vals, &nv, &cap, 0)) < 0)
				return ret;
			continue;
		}
		if (nv == cap) {
			size_t nc = cap ? cap * 2 : 8;
			const char **no = arena_alloc(&r->a, nc * sizeof(*no));
			if (!no)
				return -ENOMEM;
			if (nv)
				memcpy(no, vals, nv * sizeof(*no));
			vals = no;
			cap = nc;
		}
		vals[nv++] = n->quoted[i] ? n->vals[i] : unquote(r, n->vals[i]);
		if (!vals[nv - 1])
			return -ENOMEM;
	}
	if (n->op == OP_EXISTS)
		return 0;
	if (!n->rhs_list && nv != 1)
		return cerr(c, "'%s %s' needs one value", n->lhs.name, op_name(n->op));
	if (t == FT_EVTTYPE) {
		if (n->op != OP_EQ && n->op != OP_NE && n->op != OP_IN)
			return unsupported(c, "unsupported operator on evt.type");
		for (size_t i = 0; i < nv; i++) {
			enum cs_rt_evt_type et = cs_rt_evt_type_from_name(vals[i], strlen(vals[i]));
			if (et != CS_RT_EVT_UNKNOWN)
				evset_add(n->types, et);
			else
				warn(r, c->file, c->line, "%s: event type '%s' is never reported",
				     c->what, vals[i]);
		}
		return 0;
	}
	n->cv = arena_alloc(&r->a, (nv ? nv : 1) * sizeof(*n->cv));
	if (!n->cv)
		return -ENOMEM;
	n->n_cv = nv;
	for (size_t i = 0; i < nv; i++) {
		struct cval *v = &n->cv[i];
		v->s = vals[i];
		v->len = strlen(vals[i]);
		if (t == FT_INT) {
			char *end;
			errno = 0;
			long long x = strtoll(v->s, &end, 0);
			if (errno || end == v->s || *end)
				return cerr(c, "'%s' is not a number for '%s'", v->s, n->lhs.name);
			v->n = x;
		} else if (t == FT_BOOL) {
			if (!strcmp(v->s, "true"))
				v->n = 1;
			else if (!strcmp(v->s, "false"))
				v->n = 0;
			else
				return cerr(c, "'%s' is not a boolean for '%s'", v->s, n->lhs.name);
		} else if (t == FT_IP) {
			parse_ipv4_cidr(v->s, v); /* not IPv4: compared as text */
		}
		if (n->op == OP_BCONTAINS || n->op == OP_BSTARTSWITH) {
			char *b;
			if (v->len % 2)
				return cerr(c, "'%s' is not a hex byte string", v->s);
			b = arena_alloc(&r->a, v->len / 2 + 1);
			if (!b)
				return -ENOMEM;
			for (size_t k = 0; k < v->len; k += 2) {
				int h = hexval(v->s[k]), lo = hexval(v->s[k + 1]);
				if (h < 0 || lo < 0)
					return cerr(c, "'%s' is not a hex byte string", v->s);
				b[k / 2] = (char)(h << 4 | lo);
			}
			v->s = b;
			v->len /= 2;
		}
	}
	if (n->op == OP_REGEX) {
		size_t l = n->cv[0].len;
		char *pat = malloc(l + 5);
		regex_t *re = calloc(1, sizeof(*re));
		if (!pat || !re) {
			free(pat);
			free(re);
			return -ENOMEM;
		}
		pat[0] = '^';
		pat[1] = '(';
		memcpy(pat + 2, n->cv[0].s, l);
		memcpy(pat + 2 + l, ")$", 3);
		ret = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
		free(pat);
		if (ret) {
			free(re);
			return cerr(c, "invalid regular expression '%s'", n->cv[0].s);
		}
		if (grow((void **)&r->regexes, &r->cap_regexes, r->n_regexes, sizeof(*r->regexes)) <
		    0) {
			regfree(re);
			free(re);
			return -ENOMEM;
		}
		r->regexes[r->n_regexes++] = re;
		n->re = re;
	}
	if ((n->op == OP_IN || n->op == OP_INTERSECTS || n->op == OP_PMATCH) && t == FT_STR &&
	    nv >= 8) {
		qsort(n->cv, nv, sizeof(*n->cv), cval_cmp);
		n->sorted = true;
	}
	if (t == FT_STR && n->rhs_list && n->n_vals == 1 && !n->quoted[0] &&
	    (n->op == OP_IN || n->op == OP_INTERSECTS || n->op == OP_PMATCH)) {
		long li = map_get(&r->lmap, n->vals[0]);
		if (li >= 0) {
			r->lists[li].cv = n->cv;
			r->lists[li].n_cv = n->n_cv;
			r->lists[li].sorted = n->sorted;
		}
	}
	return 0;
}

static int compile_macro(struct cctx *c, struct macro_def *m, unsigned depth);

static int compile_node(struct cctx *c, struct rnode *n, unsigned depth)
{
	int ret;
	if (depth > CS_RULES_DEPTH_MAX)
		return cerr(c, "condition nested too deeply (with macros)");
	/* shared macros make expansion exponential in the worst case: bound it */
	if (++c->size > CS_RULES_EXPANDED_MAX)
		return cerr(c, "condition expands to more than %u nodes", CS_RULES_EXPANDED_MAX);
	switch (n->kind) {
	case N_AND:
	case N_OR:
	case N_NOT:
		for (size_t i = 0; i < n->n_kids; i++)
			if ((ret = compile_node(c, n->kids[i], depth + 1)) < 0)
				return ret;
		return 0;
	case N_CMP:
		return compile_cmp(c, n);
	case N_REF: {
		long mi = map_get(&c->r->mmap, n->ref);
		struct macro_def *m;
		if (mi < 0) {
			if (strchr(n->ref, '.'))
				return cerr(c, "'%s' is a field without an operator", n->ref);
			return cerr(c, "undefined macro '%s'", n->ref);
		}
		m = &c->r->macros[mi];
		if ((ret = compile_macro(c, m, depth + 1)) < 0)
			return ret;
		if (m->unsup)
			unsupported(c, m->unsup);
		c->size += m->size;
		if (c->size > CS_RULES_EXPANDED_MAX)
			return cerr(c, "condition expands to more than %u nodes",
				    CS_RULES_EXPANDED_MAX);
		n->kids = arena_alloc(&c->r->a, sizeof(*n->kids));
		if (!n->kids)
			return -ENOMEM;
		n->kids[0] = m->root;
		n->n_kids = 1;
		return 0;
	}
	default:
		return 0;
	}
}

static int parse_cond(struct cctx *c, const char *cond, struct rnode **ret)
{
	struct cs_error perr = CS_ERROR_INIT;
	int r = cond_parse(&c->r->a, cond, strlen(cond), ret, &perr);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return cerr(c, "condition %s", perr.msg);
	return 0;
}

static int compile_macro(struct cctx *c, struct macro_def *m, unsigned depth)
{
	struct cctx mc;
	int ret;
	if (m->state == 2)
		return 0;
	if (m->state == 1)
		return cerr(c, "macro '%s' refers to itself", m->name);
	m->state = 1;
	mc = (struct cctx){ .r = c->r, .err = c->err, .file = m->file, .line = m->line };
	char what[300];
	snprintf(what, sizeof(what), "macro '%s'", m->name);
	mc.what = what;
	if ((ret = parse_cond(&mc, m->cond, &m->root)) < 0 ||
	    (ret = compile_node(&mc, m->root, depth)) < 0) {
		m->state = 0;
		if (ret != -ENOMEM && c->err && mc.what == what) {
			/* keep the innermost message; it names the macro */
		}
		return ret;
	}
	m->unsup = mc.unsup;
	m->size = mc.size;
	m->state = 2;
	return 0;
}

static struct rnode *mk(struct cs_rules *r, enum nkind k, size_t nkids)
{
	struct rnode *n = arena_alloc(&r->a, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = k;
	n->lhs.index = -1;
	if (nkids) {
		n->kids = arena_alloc(&r->a, nkids * sizeof(*n->kids));
		if (!n->kids)
			return NULL;
	}
	return n;
}

static int comp_op(const char *s, enum op *ret)
{
	static const struct {
		const char *n;
		enum op o;
	} t[] = { { "=", OP_EQ },
		  { "==", OP_EQ },
		  { "!=", OP_NE },
		  { "<", OP_LT },
		  { "<=", OP_LE },
		  { ">", OP_GT },
		  { ">=", OP_GE },
		  { "contains", OP_CONTAINS },
		  { "icontains", OP_ICONTAINS },
		  { "startswith", OP_STARTSWITH },
		  { "endswith", OP_ENDSWITH },
		  { "glob", OP_GLOB },
		  { "in", OP_IN },
		  { "intersects", OP_INTERSECTS },
		  { "pmatch", OP_PMATCH },
		  { "regex", OP_REGEX } };
	for (size_t i = 0; i < CS_ARRAY_SIZE(t); i++)
		if (!strcmp(t[i].n, s)) {
			*ret = t[i].o;
			return 0;
		}
	return -1;
}

/* rule condition `and not (exception rows...)` */
static int add_exceptions(struct cctx *c, struct rule_def *d, struct rnode **root)
{
	struct cs_rules *r = c->r;
	size_t rows = 0;
	struct rnode *any, *not, *and;
	for (size_t i = 0; i < d->n_exc; i++)
		rows += d->exc[i].n_rows;
	if (!rows)
		return 0;
	if (!(any = mk(r, N_OR, rows)))
		return -ENOMEM;
	for (size_t i = 0; i < d->n_exc; i++) {
		struct exc_def *x = &d->exc[i];
		enum op ops[64];
		if (x->n_fields > CS_ARRAY_SIZE(ops))
			return cerr(c, "exception '%s' has too many fields", x->name);
		for (size_t f = 0; f < x->n_fields; f++)
			if (comp_op(x->comps[f], &ops[f]) < 0)
				return cerr(c, "exception '%s': unknown comparison '%s'", x->name,
					    x->comps[f]);
		for (size_t row = 0; row < x->n_rows; row++) {
			struct rnode *all = mk(r, N_AND, x->n_fields);
			if (!all)
				return -ENOMEM;
			for (size_t f = 0; f < x->n_fields; f++) {
				struct exc_value *ev = &x->values[row * x->n_fields + f];
				struct rnode *cmp = mk(r, N_CMP, 0);
				bool listop = ops[f] == OP_IN || ops[f] == OP_INTERSECTS ||
					      ops[f] == OP_PMATCH;
				if (!cmp)
					return -ENOMEM;
				cmp->lhs.name = x->fields[f];
				cmp->op = ops[f];
				cmp->vals = ev->items;
				cmp->n_vals = ev->n;
				cmp->rhs_list = listop;
				cmp->quoted = arena_alloc(&r->a, (ev->n + 1) * sizeof(bool));
				if (!cmp->quoted)
					return -ENOMEM;
				for (size_t k = 0; k < ev->n; k++)
					cmp->quoted[k] = false;
				if (!listop && ev->n != 1)
					return cerr(c, "exception '%s': a list value for '%s'",
						    x->name, x->comps[f]);
				all->kids[all->n_kids++] = cmp;
			}
			any->kids[any->n_kids++] = all;
		}
	}
	if (!(not = mk(r, N_NOT, 1)) || !(and = mk(r, N_AND, 2)))
		return -ENOMEM;
	not ->kids[not ->n_kids++] = any;
	and->kids[0] = *root;
	and->kids[1] = not ;
	and->n_kids = 2;
	*root = and;
	return 0;
}

/* the event types a node can match (Falco's evttype resolution) */
static void evtypes(const struct rnode *n, bool neg, uint64_t *out)
{
	uint64_t all[EVT_WORDS], tmp[EVT_WORDS];
	memset(all, 0, sizeof(all));
	for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
		evset_add(all, t);
	switch (n->kind) {
	case N_CMP:
		if (n->lhs.def && n->lhs.def->type == FT_EVTTYPE && !n->lhs.n_tr &&
		    (n->op == OP_EQ || n->op == OP_IN || n->op == OP_NE)) {
			bool inv = (n->op == OP_NE) != neg;
			for (int w = 0; w < EVT_WORDS; w++)
				out[w] = (inv ? ~n->types[w] : n->types[w]) & all[w];
			return;
		}
		memcpy(out, all, sizeof(all));
		return;
	case N_NOT:
		evtypes(n->kids[0], !neg, out);
		return;
	case N_REF:
		evtypes(n->kids[0], neg, out);
		return;
	case N_AND:
	case N_OR: {
		bool inter = (n->kind == N_AND) != neg;
		evtypes(n->kids[0], neg, out);
		for (size_t i = 1; i < n->n_kids; i++) {
			evtypes(n->kids[i], neg, tmp);
			for (int w = 0; w < EVT_WORDS; w++)
				out[w] = inter ? (out[w] & tmp[w]) : (out[w] | tmp[w]);
		}
		return;
	}
	default:
		memcpy(out, all, sizeof(all));
	}
}

static int compile_output(struct cctx *c, struct rule_def *d)
{
	struct cs_rules *r = c->r;
	const char *s = d->output;
	size_t n = 0, cap = 8;
	struct out_seg *segs = arena_alloc(&r->a, cap * sizeof(*segs));
	if (!segs)
		return -ENOMEM;
	while (*s) {
		const char *p = strchr(s, '%');
		struct out_seg *g;
		if (n + 2 >= cap) {
			struct out_seg *ns = arena_alloc(&r->a, cap * 2 * sizeof(*ns));
			if (!ns)
				return -ENOMEM;
			memcpy(ns, segs, n * sizeof(*ns));
			segs = ns;
			cap *= 2;
		}
		if (!p)
			p = s + strlen(s);
		if (p > s) {
			segs[n++] = (struct out_seg){ .text = s, .len = (size_t)(p - s) };
			s = p;
			continue;
		}
		/* %field or %field[arg] */
		size_t l = 1;
		while (s[l] && (isalnum((unsigned char)s[l]) || s[l] == '.' || s[l] == '_'))
			l++;
		if (s[l] == '[') {
			const char *e = strchr(s + l, ']');
			if (e)
				l = (size_t)(e - s) + 1;
		}
		if (l == 1) {
			segs[n++] = (struct out_seg){ .text = s, .len = 1 };
			s++;
			continue;
		}
		g = &segs[n++];
		memset(g, 0, sizeof(*g));
		{
			struct cs_error ferr = CS_ERROR_INIT;
			const char *full = arena_strndup(&r->a, s + 1, l - 1);
			if (!full)
				return -ENOMEM;
			g->f.name = full;
			if (field_resolve(&g->f, full, &r->a, &ferr) < 0)
				g->na = true;
		}
		s += l;
	}
	d->segs = segs;
	d->n_segs = n;
	return 0;
}

int cs_rules_compile(struct cs_rules *r, struct cs_error *err)
{
	int ret;
	if (r->compiled)
		return 0;
	for (size_t i = 0; i < CS_RT_EVT_COUNT; i++) {
		free(r->by_type[i]);
		r->by_type[i] = NULL;
		r->n_by_type[i] = 0;
	}
	for (size_t i = 0; i < r->n_lists; i++) {
		r->lists[i].cv = NULL;
		r->lists[i].n_cv = 0;
	}
	for (size_t i = 0; i < r->n_macros; i++) {
		r->macros[i].state = 0;
		r->macros[i].root = NULL;
		r->macros[i].unsup = NULL;
	}
	for (size_t i = 0; i < r->n_rules; i++) {
		struct rule_def *d = &r->rules[i];
		char what[300];
		struct cctx c = {
			.r = r, .err = err, .file = d->file, .line = d->line, .what = what
		};
		snprintf(what, sizeof(what), "rule '%s'", d->name);
		d->status = CS_RULE_ACTIVE;
		d->reason = NULL;
		d->root = NULL;
		if ((ret = parse_cond(&c, d->cond, &d->root)) < 0 ||
		    (ret = add_exceptions(&c, d, &d->root)) < 0 ||
		    (ret = compile_node(&c, d->root, 0)) < 0 || (ret = compile_output(&c, d)) < 0) {
			if (ret == -ENOMEM)
				return nomem(r, err);
			return ret;
		}
		if (strcmp(d->source, "syscall")) {
			d->status = CS_RULE_OTHER_SOURCE;
			d->reason = "source is not syscall";
		} else if (c.unsup) {
			d->status = CS_RULE_UNSUPPORTED;
			d->reason = c.unsup;
			warn(r, d->file, d->line, "rule '%s' skipped: %s", d->name, c.unsup);
		} else if (!d->enabled) {
			d->status = CS_RULE_DISABLED;
			d->reason = "enabled: false";
		}
		evtypes(d->root, false, d->types);
		d->all_types = true;
		for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
			d->all_types &= evset_has(d->types, t);
		if (d->all_types && d->status == CS_RULE_ACTIVE)
			warn(r, d->file, d->line,
			     "rule '%s' does not restrict evt.type: it runs on every event",
			     d->name);
	}
	/* every macro compiles, used or not (Falco refuses broken macros too) */
	for (size_t i = 0; i < r->n_macros; i++) {
		struct cctx c = { .r = r, .err = err, .what = "macro" };
		if ((ret = compile_macro(&c, &r->macros[i], 0)) < 0)
			return ret == -ENOMEM ? nomem(r, err) : ret;
	}
	/* each macro's value is computed once per event (ruleeval.c) */
	r->n_memo = CS_MIN(r->n_macros, (size_t)EVAL_MEMO_MAX);
	for (size_t i = 0; i < r->n_memo; i++)
		if (r->macros[i].root)
			r->macros[i].root->memo = (uint32_t)i + 1;
	/* the index: rule numbers per event type, in load order (count, then fill) */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++) {
			if (pass == 1 && r->n_by_type[t] &&
			    !(r->by_type[t] = calloc(r->n_by_type[t], sizeof(size_t))))
				return nomem(r, err);
			if (pass == 1)
				r->n_by_type[t] = 0;
		}
		for (size_t i = 0; i < r->n_rules; i++) {
			struct rule_def *d = &r->rules[i];
			if (d->status != CS_RULE_ACTIVE)
				continue;
			for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++) {
				if (!evset_has(d->types, t))
					continue;
				if (pass == 1)
					r->by_type[t][r->n_by_type[t]] = i;
				r->n_by_type[t]++;
			}
		}
	}
	r->compiled = true;
	return 0;
}

void cs_rules_get_stats(const struct cs_rules *r, struct cs_rules_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->lists = r->n_lists;
	s->macros = r->n_macros;
	s->rules = r->n_rules;
	s->warnings = r->n_warnings;
	for (size_t i = 0; i < r->n_rules; i++) {
		switch (r->rules[i].status) {
		case CS_RULE_ACTIVE:
			s->active++;
			break;
		case CS_RULE_DISABLED:
			s->disabled++;
			break;
		case CS_RULE_UNSUPPORTED:
			s->unsupported++;
			break;
		case CS_RULE_OTHER_SOURCE:
			s->other_source++;
			break;
		}
	}
}

size_t cs_rules_count(const struct cs_rules *r)
{
	return r->n_rules;
}

void cs_rules_info(const struct cs_rules *r, size_t i, struct cs_rule_info *ret)
{
	const struct rule_def *d = &r->rules[i];
	size_t n = 0;
	for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
		n += evset_has(d->types, t);
	*ret = (struct cs_rule_info){ .name = d->name,
				      .desc = d->desc,
				      .source = d->source,
				      .output = d->output,
				      .file = d->file,
				      .line = d->line,
				      .priority = d->prio,
				      .status = d->status,
				      .reason = d->reason,
				      .tags = d->tags,
				      .n_tags = d->n_tags,
				      .n_evttypes = n,
				      .evttypes = { d->types[0], d->types[1] },
				      .all_evttypes = d->all_types };
}

const struct rnode *rules_rule_root(const struct cs_rules *r, size_t i)
{
	return i < r->n_rules && r->compiled ? r->rules[i].root : NULL;
}

void cs_rules_evtypes(const struct cs_rules *r, uint64_t set[CS_RULES_EVTSET_WORDS])
{
	memset(set, 0, CS_RULES_EVTSET_WORDS * sizeof(uint64_t));
	for (unsigned t = 1; t < CS_RT_EVT_COUNT; t++)
		if (r->n_by_type[t])
			set[t / 64] |= 1ull << (t % 64);
}

size_t cs_rules_warning_count(const struct cs_rules *r)
{
	return r->n_warnings;
}

const char *cs_rules_warning(const struct cs_rules *r, size_t i)
{
	return i < r->n_warnings ? r->warnings[i] : NULL;
}

/* ---- evaluation entry points (the evaluator itself is in ruleeval.c) ---- */
int cs_rules_eval(const struct cs_rules *r, const struct cs_rt_event *e, cs_rules_match_fn match,
		  void *ud)
{
	unsigned t = (unsigned)e->type;
	struct evalctx x;
	if (t == 0 || t >= CS_RT_EVT_COUNT)
		return 0;
	memset(x.memo, 0, r->n_memo);
	for (size_t i = 0; i < r->n_by_type[t]; i++) {
		size_t ri = r->by_type[t][i];
		if (node_eval(r->rules[ri].root, e, &x)) {
			int ret = match(ri, ud);
			if (ret)
				return ret;
		}
	}
	return 0;
}

size_t cs_rules_render_output(const struct cs_rules *r, size_t i, const struct cs_rt_event *e,
			      char *buf, size_t cap)
{
	const struct rule_def *d = &r->rules[i];
	char scratch[SCRATCH_MAX];
	size_t at = 0;
	if (!cap)
		return 0;
	buf[0] = '\0';
	for (size_t s = 0; s < d->n_segs && at + 1 < cap; s++) {
		const struct out_seg *g = &d->segs[s];
		struct fval v;
		size_t n;
		if (g->text) {
			n = CS_MIN(g->len, cap - 1 - at);
			memcpy(buf + at, g->text, n);
			at += n;
			continue;
		}
		if (g->na || field_extract(&g->f, e, 0, &v, scratch) != 1) {
			n = CS_MIN((size_t)4, cap - 1 - at);
			memcpy(buf + at, "<NA>", n);
			at += n;
			continue;
		}
		at += fval_render(&v, buf + at, cap - at);
	}
	buf[at] = '\0';
	return at;
}
