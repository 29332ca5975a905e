/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML into jansson trees from libyaml's events. One pass: a stack of open
 * containers with the pending key of each mapping. Aliases share the
 * anchored node (a reference, not a copy) and count its whole size against
 * the node limit, so an alias bomb is a limit error, not a memory blow-up.
 * "<<" merge keys are resolved when their mapping closes: keys given
 * explicitly win, then earlier merged mappings over later ones.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "basic/alloc.h"
#include "basic/utf8.h"
#include "basic/yaml.h"

#define YAML_MAX_ANCHORS 65536

struct anchor {
	char *name;
	json_t *node;  /* reference held */
	unsigned size; /* nodes, expanded */
};

struct yload {
	const struct cs_yaml_options *o;
	json_t *stack[CS_YAML_MAX_DEPTH];
	char *keys[CS_YAML_MAX_DEPTH];	    /* pending key of each mapping on the stack */
	char *anchor_of[CS_YAML_MAX_DEPTH]; /* anchor named on each open container */
	unsigned nodes_at[CS_YAML_MAX_DEPTH];
	bool has_merge[CS_YAML_MAX_DEPTH];
	unsigned depth;
	json_t *root;
	bool have_root;
	size_t nodes;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	struct cs_yaml *out;
	size_t cap_docs, cap_lines;
};

static bool plain_is(const yaml_event_t *ev, const char *const *words, size_t n)
{
	size_t len = ev->data.scalar.length;

	for (size_t i = 0; i < n; i++)
		if (strlen(words[i]) == len && !memcmp(ev->data.scalar.value, words[i], len))
			return true;
	return false;
}

/* Plain decimal integer or float, as YAML 1.2's core schema spells them. */
static json_t *yaml_number(const char *s, size_t len)
{
	char buf[64];
	size_t i = 0, digits = 0, frac = 0;
	bool dot = false, exp = false;
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return NULL;
	if (s[0] == '-' || s[0] == '+')
		i++;
	for (; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			dot ? frac++ : digits++;
		else if (c == '.' && !dot && !exp)
			dot = true;
		else if ((c == 'e' || c == 'E') && !exp && digits + frac > 0) {
			exp = true;
			if (i + 1 < len && (s[i + 1] == '-' || s[i + 1] == '+'))
				i++;
			if (i + 1 >= len)
				return NULL;
		} else
			return NULL;
	}
	if (digits + frac == 0)
		return NULL;
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	if (!dot && !exp) {
		long long v = strtoll(buf, &end, 10);

		if (errno || *end)
			return NULL;
		/* "007" and "+1" stay text: they are not canonical integers */
		if ((digits > 1 && s[s[0] == '-'] == '0') || s[0] == '+')
			return NULL;
		return json_integer(v);
	}
	double d = strtod(buf, &end);

	if (errno || *end)
		return NULL;
	return json_real(d);
}

static json_t *yaml_scalar(const struct yload *y, const yaml_event_t *ev)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const trues[] = { "true", "True", "TRUE" };
	static const char *const falses[] = { "false", "False", "FALSE" };

	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (plain_is(ev, nulls, CS_ARRAY_SIZE(nulls)))
			return json_null();
		if (plain_is(ev, trues, CS_ARRAY_SIZE(trues)))
			return json_true();
		if (plain_is(ev, falses, CS_ARRAY_SIZE(falses)))
			return json_false();
		if (y->o->numbers) {
			json_t *n = yaml_number((const char *)ev->data.scalar.value,
						ev->data.scalar.length);

			if (n)
				return n;
		}
	}
	return json_stringn((const char *)ev->data.scalar.value, ev->data.scalar.length);
}

static int count_nodes(struct yload *y, size_t n, unsigned line, struct cs_error *err)
{
	y->nodes += n;
	if (y->nodes > CS_YAML_MAX_NODES)
		return cs_error_set(err, -CS_E_LIMIT, "yaml has more than %u nodes (line %u)",
				    CS_YAML_MAX_NODES, line);
	return 0;
}

static int anchor_add(struct yload *y, const unsigned char *name, json_t *node, size_t size,
		      unsigned line, struct cs_error *err)
{
	struct anchor *a;

	if (!name)
		return 0;
	if (!y->o->aliases)
		return cs_error_set(err, -CS_E_INPUT, "yaml anchors are not allowed here (line %u)",
				    line);
	if (y->n_anchors >= YAML_MAX_ANCHORS)
		return cs_error_set(err, -CS_E_LIMIT, "more than %u yaml anchors",
				    YAML_MAX_ANCHORS);
	if (y->n_anchors == y->cap_anchors) {
		size_t cap = y->cap_anchors ? y->cap_anchors * 2 : 16;
		struct anchor *v = reallocarray(y->anchors, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		y->anchors = v;
		y->cap_anchors = cap;
	}
	a = &y->anchors[y->n_anchors];
	a->name = strdup((const char *)name);
	if (!a->name)
		return -ENOMEM;
	a->node = json_incref(node);
	a->size = size > CS_YAML_MAX_NODES ? CS_YAML_MAX_NODES + 1 : (unsigned)size;
	y->n_anchors++;
	return 0;
}

static void anchors_clear(struct yload *y)
{
	for (size_t i = 0; i < y->n_anchors; i++) {
		free(y->anchors[i].name);
		json_decref(y->anchors[i].node);
	}
	y->n_anchors = 0;
}

static int line_add(struct yload *y, const json_t *node, unsigned line)
{
	struct cs_yaml *out = y->out;

	if (!y->o->lines)
		return 0;
	if (out->n_lines == y->cap_lines) {
		size_t cap = y->cap_lines ? y->cap_lines * 2 : 64;
		struct cs_yaml_line *v = reallocarray(out->lines, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->lines = v;
		y->cap_lines = cap;
	}
	out->lines[out->n_lines++] = (struct cs_yaml_line){ node, line };
	return 0;
}

/* Attach v (reference taken) to the container on top of the stack. */
static int yload_add(struct yload *y, json_t *v, unsigned line, struct cs_error *err)
{
	json_t *top;
	int r;

	if (!v)
		return -ENOMEM; /* scalars were checked for utf-8 */
	if (y->depth == 0) {
		if (y->have_root) {
			json_decref(v);
			return cs_error_set(err, -CS_E_INPUT, "more than one yaml root value");
		}
		y->root = v;
		y->have_root = true;
		return 0;
	}
	top = y->stack[y->depth - 1];
	if (json_is_array(top))
		r = json_array_append_new(top, v);
	else {
		char *key = y->keys[y->depth - 1];

		y->keys[y->depth - 1] = NULL;
		if (y->o->aliases && !strcmp(key, "<<")) {
			if (!json_is_object(v) && !json_is_array(v)) {
				json_decref(v);
				free(key);
				return cs_error_set(err, -CS_E_INPUT,
						    "yaml merge key needs a mapping (line %u)",
						    line);
			}
			if (y->has_merge[y->depth - 1]) {
				json_decref(v);
				free(key);
				return cs_error_set(err, -CS_E_INPUT,
						    "two yaml merge keys in one mapping (line %u)",
						    line);
			}
			y->has_merge[y->depth - 1] = true;
			/* kept aside as "<<" until the mapping closes */
		}
		r = json_object_set_new(top, key, v);
		free(key);
	}
	return r < 0 ? -ENOMEM : 0;
}

/* Resolve "<<" on a closing mapping: explicit keys win, earlier merges win. */
static int merge_resolve(json_t *map, unsigned line, struct cs_error *err)
{
	json_t *m = json_incref(json_object_get(map, "<<"));
	size_t n = json_is_array(m) ? json_array_size(m) : 1;
	int r = 0;

	json_object_del(map, "<<");
	for (size_t i = 0; i < n && r == 0; i++) {
		json_t *src = json_is_array(m) ? json_array_get(m, i) : m;
		const char *k;
		json_t *v;

		if (!json_is_object(src)) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "yaml merge key needs mappings (line %u)", line);
			break;
		}
		json_object_foreach (src, k, v)
			if (!json_object_get(map, k) && json_object_set(map, k, v) < 0) {
				r = -ENOMEM;
				break;
			}
	}
	json_decref(m);
	return r;
}

static int doc_push(struct yload *y, unsigned line)
{
	struct cs_yaml *out = y->out;

	if (out->n_docs == y->cap_docs) {
		size_t cap = y->cap_docs ? y->cap_docs * 2 : 4;
		struct cs_yaml_doc *v = reallocarray(out->docs, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->docs = v;
		y->cap_docs = cap;
	}
	out->docs[out->n_docs++] = (struct cs_yaml_doc){ y->root ? y->root : json_null(), line };
	y->root = NULL;
	y->have_root = false;
	return 0;
}

static int yload_event(struct yload *y, const yaml_event_t *ev, unsigned *doc_line,
		       struct cs_error *err)
{
	unsigned line = (unsigned)ev->start_mark.line + 1;
	bool want_key =
		y->depth > 0 && json_is_object(y->stack[y->depth - 1]) && !y->keys[y->depth - 1];
	const unsigned char *anchor = NULL;
	json_t *v;
	int r;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (y->o->max_docs && y->out->n_docs >= y->o->max_docs)
			return cs_error_set(err, -CS_E_LIMIT, "more than %zu yaml documents",
					    y->o->max_docs);
		*doc_line = line;
		anchors_clear(y);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return doc_push(y, *doc_line);
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		struct anchor *a = NULL;

		if (!y->o->aliases)
			return cs_error_set(err, -CS_E_INPUT,
					    "yaml aliases are not supported (line %u)", line);
		for (size_t i = y->n_anchors; i-- > 0;)
			if (!strcmp(y->anchors[i].name, name)) {
				a = &y->anchors[i];
				break;
			}
		if (!a)
			return cs_error_set(err, -CS_E_INPUT, "unknown yaml alias *%s (line %u)",
					    name, line);
		if (want_key)
			return cs_error_set(err, -CS_E_INPUT,
					    "yaml alias as a mapping key (line %u)", line);
		r = count_nodes(y, a->size, line, err);
		return r < 0 ? r : yload_add(y, json_incref(a->node), line, err);
	}
	case YAML_SCALAR_EVENT:
		if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length))
			return cs_error_set(err, -CS_E_INPUT, "NUL byte in a yaml scalar (line %u)",
					    line);
		/* escapes can still spell surrogates; then jansson's failure is not ENOMEM */
		if (!cs_utf8_is_valid((const char *)ev->data.scalar.value, ev->data.scalar.length))
			return cs_error_set(err, -CS_E_INPUT,
					    "invalid utf-8 in a yaml scalar (line %u)", line);
		r = count_nodes(y, 1, line, err);
		if (r < 0)
			return r;
		if (want_key) {
			if (ev->data.scalar.anchor)
				return cs_error_set(err, -CS_E_INPUT,
						    "yaml anchor on a mapping key (line %u)", line);
			y->keys[y->depth - 1] = cs_strndup((const char *)ev->data.scalar.value,
							   ev->data.scalar.length);
			return y->keys[y->depth - 1] ? 0 : -ENOMEM;
		}
		v = yaml_scalar(y, ev);
		if (!v)
			return -ENOMEM;
		r = anchor_add(y, ev->data.scalar.anchor, v, 1, line, err);
		if (r < 0) {
			json_decref(v);
			return r;
		}
		return yload_add(y, v, line, err);
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (want_key)
			return cs_error_set(err, -CS_E_INPUT, "complex yaml mapping key (line %u)",
					    line);
		if (y->depth >= CS_YAML_MAX_DEPTH)
			return cs_error_set(err, -CS_E_LIMIT,
					    "yaml nested deeper than %d (line %u)",
					    CS_YAML_MAX_DEPTH, line);
		anchor = ev->type == YAML_MAPPING_START_EVENT ? ev->data.mapping_start.anchor
							      : ev->data.sequence_start.anchor;
		if (anchor && !y->o->aliases)
			return cs_error_set(err, -CS_E_INPUT,
					    "yaml anchors are not allowed here (line %u)", line);
		r = count_nodes(y, 1, line, err);
		if (r < 0)
			return r;
		v = ev->type == YAML_MAPPING_START_EVENT ? json_object() : json_array();
		if (!v)
			return -ENOMEM;
		r = line_add(y, v, line);
		if (r == 0)
			r = yload_add(y, json_incref(v), line, err);
		if (r < 0) {
			json_decref(v);
			return r;
		}
		y->anchor_of[y->depth] = anchor ? strdup((const char *)anchor) : NULL;
		if (anchor && !y->anchor_of[y->depth]) {
			json_decref(v);
			return -ENOMEM;
		}
		y->nodes_at[y->depth] = (unsigned)y->nodes;
		y->has_merge[y->depth] = false;
		y->stack[y->depth++] = v;
		json_decref(v); /* the parent (or root) holds it */
		return 0;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT: {
		unsigned d;

		if (y->depth == 0)
			return cs_error_set(err, -CS_E_INPUT, "unbalanced yaml (line %u)", line);
		d = --y->depth;
		free(y->keys[d]);
		y->keys[d] = NULL;
		r = 0;
		if (y->has_merge[d])
			r = merge_resolve(y->stack[d], line, err);
		if (r == 0 && y->anchor_of[d]) {
			r = anchor_add(y, (const unsigned char *)y->anchor_of[d], y->stack[d],
				       y->nodes - y->nodes_at[d] + 1, line, err);
		}
		free(y->anchor_of[d]);
		y->anchor_of[d] = NULL;
		return r;
	}
	default:
		return 0;
	}
}

static int line_cmp(const void *a, const void *b)
{
	const struct cs_yaml_line *x = a, *y = b;

	return x->node < y->node ? -1 : x->node > y->node;
}

void cs_yaml_free(struct cs_yaml *y)
{
	if (!y)
		return;
	for (size_t i = 0; i < y->n_docs; i++)
		json_decref(y->docs[i].root);
	free(y->docs);
	free(y->lines);
	free(y);
}

static int parse(const char *data, size_t len, const struct cs_yaml_options *o, bool first_only,
		 struct cs_yaml **ret, struct cs_error *err)
{
	struct yload y = { .o = o };
	yaml_parser_t parser;
	unsigned doc_line = 1;
	int r = 0;

	y.out = calloc(1, sizeof(*y.out));
	if (!y.out)
		return -ENOMEM;
	if (!yaml_parser_initialize(&parser)) {
		free(y.out);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	for (;;) {
		yaml_event_t ev;
		bool end;

		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				r = -ENOMEM;
			else
				r = cs_error_set(err, -CS_E_INPUT, "invalid yaml at line %zu: %s",
						 parser.problem_mark.line + 1,
						 parser.problem ? parser.problem : "syntax error");
			break;
		}
		r = yload_event(&y, &ev, &doc_line, err);
		end = ev.type == YAML_STREAM_END_EVENT ||
		      (first_only && ev.type == YAML_DOCUMENT_END_EVENT);
		yaml_event_delete(&ev);
		if (r < 0 || end)
			break;
	}
	yaml_parser_delete(&parser);
	for (unsigned i = 0; i < CS_YAML_MAX_DEPTH; i++) {
		free(y.keys[i]);
		free(y.anchor_of[i]);
	}
	anchors_clear(&y);
	free(y.anchors);
	json_decref(y.root);
	if (r < 0) {
		cs_yaml_free(y.out);
		return r;
	}
	if (y.out->n_lines)
		qsort(y.out->lines, y.out->n_lines, sizeof(*y.out->lines), line_cmp);
	*ret = y.out;
	return 0;
}

int cs_yaml_parse(const char *data, size_t len, const struct cs_yaml_options *o,
		  struct cs_yaml **ret, struct cs_error *err)
{
	static const struct cs_yaml_options none;

	return parse(data, len, o ? o : &none, false, ret, err);
}

unsigned cs_yaml_line(const struct cs_yaml *y, const json_t *node)
{
	struct cs_yaml_line key = { node, 0 }, *hit;

	if (!y || !y->n_lines)
		return 0;
	hit = bsearch(&key, y->lines, y->n_lines, sizeof(key), line_cmp);
	return hit ? hit->line : 0;
}

int cs_yaml_load(const char *data, size_t len, json_t **ret, struct cs_error *err)
{
	static const struct cs_yaml_options none;
	_cleanup_(cs_yaml_freep) struct cs_yaml *y = NULL;
	int r;

	r = parse(data, len, &none, true, &y, err);
	if (r < 0)
		return r;
	if (y->n_docs == 0 || json_is_null(y->docs[0].root))
		return cs_error_set(err, -CS_E_INPUT, "empty yaml document");
	*ret = json_incref(y->docs[0].root);
	return 0;
}
