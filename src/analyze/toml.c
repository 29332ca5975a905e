/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TOML subset of rule files, into a value tree (see toml.h). Never
 * trusts the input: bounded sizes, counts and depth; no trailing NUL needed.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/toml.h"
#include "basic/alloc.h"
#include "basic/buf.h"

struct tp {
	const char *p, *end;
	unsigned line;
	size_t items;
	struct cs_tv *root, *cur;
	struct cs_error *err;
};

const char *cs_tv_type_name(enum cs_tv_type t)
{
	static const char *const n[] = {
		"string", "integer", "float", "boolean", "array", "table"
	};

	return (unsigned)t < CS_ARRAY_SIZE(n) ? n[t] : "value";
}

void cs_tv_free(struct cs_tv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		cs_tv_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	free(v);
}

const struct cs_tv *cs_tv_get(const struct cs_tv *t, const char *key)
{
	if (!t || t->type != CS_TV_TABLE)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->keys[i], key))
			return t->items[i];
	return NULL;
}

static struct cs_tv *tv_new(enum cs_tv_type type, unsigned line)
{
	struct cs_tv *v = cs_zalloc(sizeof(*v));

	if (v) {
		v->type = type;
		v->line = line;
	}
	return v;
}

/* Append to an array or a table (key owned by the callee on success). */
static int tv_push(struct cs_tv *c, char *key, struct cs_tv *v)
{
	size_t cap = c->cap;

	if (CS_GROW(c->items, c->cap, c->n + 1) < 0)
		return -ENOMEM;
	if (c->type == CS_TV_TABLE) {
		if (!c->keys || cap != c->cap) {
			char **k = cs_reallocarray(c->keys, c->cap, sizeof(*k));

			if (!k)
				return -ENOMEM;
			c->keys = k;
		}
		c->keys[c->n] = key;
	}
	c->items[c->n++] = v;
	return 0;
}

static int tp_fail(struct tp *t, int code, const char *what)
{
	return cs_error_set(t->err, code, "line %u: %s", t->line, what);
}

static int tp_count(struct tp *t)
{
	if (++t->items > CS_TOML_MAX_ITEMS)
		return tp_fail(t, -CS_E_LIMIT, "too many values");
	return 0;
}

static void skip_ws(struct tp *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

static void skip_comment(struct tp *t)
{
	if (t->p < t->end && *t->p == '#')
		while (t->p < t->end && *t->p != '\n')
			t->p++;
}

/* Whitespace, newlines and comments (inside arrays, between statements). */
static void skip_space(struct tp *t)
{
	for (;;) {
		skip_ws(t);
		skip_comment(t);
		if (t->p < t->end && *t->p == '\n') {
			t->line++;
			t->p++;
		} else if (t->end - t->p >= 2 && t->p[0] == '\r' && t->p[1] == '\n') {
			t->line++;
			t->p += 2;
		} else
			return;
	}
}

static int expect_eol(struct tp *t)
{
	skip_ws(t);
	skip_comment(t);
	if (t->p < t->end && *t->p == '\r')
		t->p++;
	if (t->p < t->end && *t->p != '\n')
		return tp_fail(t, -CS_E_INPUT, "expected the end of the line");
	return 0;
}

static bool at(struct tp *t, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(t->end - t->p) >= n && !memcmp(t->p, s, n);
}

static void put_utf8(struct cs_buf *b, uint32_t c, int *r)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (*r >= 0)
		*r = cs_buf_append(b, u, n);
}

/* One escape after a backslash in a basic string. */
static int escape(struct tp *t, struct cs_buf *b, bool multi)
{
	static const char from[] = "btnfr\"\\e", to[] = "\b\t\n\f\r\"\\\x1b";
	const char *q;
	int r = 0;

	if (t->p >= t->end)
		return tp_fail(t, -CS_E_INPUT, "unterminated string");
	if (multi && (*t->p == ' ' || *t->p == '\t' || *t->p == '\n' || *t->p == '\r')) {
		/* line-ending backslash: trim whitespace and newlines */
		const char *s = t->p;

		while (s < t->end && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s >= t->end || *s != '\n')
			return tp_fail(t, -CS_E_INPUT, "invalid escape in string");
		t->p = s;
		while (t->p < t->end && strchr(" \t\r\n", *t->p)) {
			if (*t->p == '\n')
				t->line++;
			t->p++;
		}
		return 0;
	}
	if ((q = memchr(from, *t->p, sizeof(from) - 1))) {
		t->p++;
		return cs_buf_putc(b, to[q - from]);
	}
	if (*t->p == 'u' || *t->p == 'U') {
		unsigned nd = *t->p == 'u' ? 4 : 8;
		uint32_t c = 0;

		t->p++;
		if ((size_t)(t->end - t->p) < nd)
			return tp_fail(t, -CS_E_INPUT, "truncated unicode escape");
		for (unsigned i = 0; i < nd; i++) {
			char h = t->p[i];
			unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
				     : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
				     : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
							    : 16;

			if (d == 16)
				return tp_fail(t, -CS_E_INPUT, "invalid unicode escape");
			c = c << 4 | d;
		}
		t->p += nd;
		if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
			return tp_fail(t, -CS_E_INPUT, "invalid unicode escape");
		put_utf8(b, c, &r);
		return r;
	}
	return tp_fail(t, -CS_E_INPUT, "invalid escape in string");
}

/* A string of any of the four kinds; t->p at the opening quote. */
static int parse_string(struct tp *t, char **ret, bool allow_multi)
{
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(CS_TOML_MAX_SIZE);
	char q = *t->p;
	bool multi = allow_multi && (q == '"' ? at(t, "\"\"\"") : at(t, "'''"));
	int r = 0;

	t->p += multi ? 3 : 1;
	if (multi) {
		/* a newline right after the opening delimiter is trimmed */
		if (at(t, "\r\n"))
			t->p += 2, t->line++;
		else if (at(t, "\n"))
			t->p++, t->line++;
	}
	for (;;) {
		if (t->p >= t->end)
			return tp_fail(t, -CS_E_INPUT, "unterminated string");
		if (*t->p == q && (!multi || (q == '"' ? at(t, "\"\"\"") : at(t, "'''")))) {
			if (multi) {
				t->p += 3;
				/* up to two more quotes belong to the content */
				for (int k = 0; k < 2 && t->p < t->end && *t->p == q; k++) {
					t->p++;
					r = cs_buf_putc(&b, q);
				}
			} else
				t->p++;
			break;
		}
		if (*t->p == '\n' && !multi)
			return tp_fail(t, -CS_E_INPUT, "newline in a single-line string");
		if (*t->p == '\0')
			return tp_fail(t, -CS_E_INPUT, "NUL byte in a string");
		if (*t->p == '\\' && q == '"') {
			t->p++;
			r = escape(t, &b, multi);
		} else {
			if (*t->p == '\n')
				t->line++;
			r = cs_buf_putc(&b, *t->p++);
		}
		if (r < 0)
			return r == -CS_E_LIMIT ? tp_fail(t, r, "string too long") : r;
	}
	if (r < 0)
		return r;
	if (cs_buf_putc(&b, '\0') < 0)
		return -ENOMEM;
	*ret = cs_buf_steal(&b, NULL);
	return *ret ? 0 : -ENOMEM;
}

static bool bare_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* A dotted key into parts (at most CS_TOML_MAX_DEPTH). */
static int parse_key(struct tp *t, char **parts, size_t *n)
{
	int r;

	*n = 0;
	for (;;) {
		char *k = NULL;

		skip_ws(t);
		if (*n >= CS_TOML_MAX_DEPTH)
			return tp_fail(t, -CS_E_LIMIT, "key nested too deep");
		if (t->p < t->end && (*t->p == '"' || *t->p == '\'')) {
			r = parse_string(t, &k, false);
			if (r < 0)
				return r;
		} else {
			const char *s = t->p;

			while (t->p < t->end && bare_char(*t->p))
				t->p++;
			if (t->p == s)
				return tp_fail(t, -CS_E_INPUT, "expected a key");
			k = cs_strndup(s, (size_t)(t->p - s));
			if (!k)
				return -ENOMEM;
		}
		parts[(*n)++] = k;
		skip_ws(t);
		if (t->p >= t->end || *t->p != '.')
			return 0;
		t->p++;
	}
}

static void free_parts(char **parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
}

/* The child table key of c, created (implicitly) when absent. */
static int descend(struct tp *t, struct cs_tv *c, const char *key, struct cs_tv **ret)
{
	struct cs_tv *v = (struct cs_tv *)cs_tv_get(c, key);
	char *k;
	int r;

	if (v && v->type == CS_TV_ARRAY && v->aot && v->n > 0) {
		*ret = v->items[v->n - 1];
		return 0;
	}
	if (v) {
		if (v->type != CS_TV_TABLE)
			return tp_fail(t, -CS_E_INPUT, "key is not a table");
		*ret = v;
		return 0;
	}
	if ((r = tp_count(t)) < 0)
		return r;
	v = tv_new(CS_TV_TABLE, t->line);
	k = cs_strdup(key);
	if (!v || !k || tv_push(c, k, v) < 0) {
		free(k);
		cs_tv_free(v);
		return -ENOMEM;
	}
	*ret = v;
	return 0;
}

static int parse_header(struct tp *t)
{
	char *parts[CS_TOML_MAX_DEPTH];
	size_t n = 0;
	bool aot = at(t, "[[");
	struct cs_tv *c = t->root, *v;
	int r;

	t->p += aot ? 2 : 1;
	r = parse_key(t, parts, &n);
	if (r >= 0 && !at(t, aot ? "]]" : "]"))
		r = tp_fail(t, -CS_E_INPUT, "unterminated table header");
	if (r < 0)
		goto out;
	t->p += aot ? 2 : 1;
	for (size_t i = 0; i + 1 < n && r >= 0; i++)
		r = descend(t, c, parts[i], &c);
	if (r < 0)
		goto out;
	v = (struct cs_tv *)cs_tv_get(c, parts[n - 1]);
	if (aot) {
		struct cs_tv *tab;

		if (v && !(v->type == CS_TV_ARRAY && v->aot)) {
			r = tp_fail(t, -CS_E_INPUT, "array of tables redefines a key");
			goto out;
		}
		if (!v) {
			char *k = cs_strdup(parts[n - 1]);

			v = tv_new(CS_TV_ARRAY, t->line);
			if (!k || !v || tv_push(c, k, v) < 0) {
				free(k);
				cs_tv_free(v);
				r = -ENOMEM;
				goto out;
			}
			v->aot = true;
		}
		if ((r = tp_count(t)) < 0)
			goto out;
		tab = tv_new(CS_TV_TABLE, t->line);
		if (!tab || tv_push(v, NULL, tab) < 0) {
			cs_tv_free(tab);
			r = -ENOMEM;
			goto out;
		}
		tab->defined = true;
		t->cur = tab;
	} else {
		if (v && (v->type != CS_TV_TABLE || v->defined)) {
			r = tp_fail(t, -CS_E_INPUT, "table defined twice");
			goto out;
		}
		if (!v && (r = descend(t, c, parts[n - 1], &v)) < 0)
			goto out;
		v->defined = true;
		t->cur = v;
	}
	r = expect_eol(t);
out:
	free_parts(parts, n);
	return r;
}

static int parse_value(struct tp *t, unsigned depth, struct cs_tv **ret);

static int parse_array(struct tp *t, unsigned depth, struct cs_tv **ret)
{
	struct cs_tv *a = tv_new(CS_TV_ARRAY, t->line);
	int r = 0;

	if (!a)
		return -ENOMEM;
	t->p++;
	for (;;) {
		struct cs_tv *v = NULL;

		skip_space(t);
		if (t->p >= t->end) {
			r = tp_fail(t, -CS_E_INPUT, "unterminated array");
			break;
		}
		if (*t->p == ']') {
			t->p++;
			break;
		}
		r = parse_value(t, depth + 1, &v);
		if (r >= 0 && (r = tv_push(a, NULL, v)) < 0)
			cs_tv_free(v);
		if (r < 0)
			break;
		skip_space(t);
		if (t->p < t->end && *t->p == ',') {
			t->p++;
			continue;
		}
		if (t->p < t->end && *t->p == ']') {
			t->p++;
			break;
		}
		r = tp_fail(t, -CS_E_INPUT, "expected ',' or ']' in an array");
		break;
	}
	if (r < 0) {
		cs_tv_free(a);
		return r;
	}
	*ret = a;
	return 0;
}

static int parse_number(struct tp *t, struct cs_tv **ret)
{
	char buf[64];
	size_t n = 0;
	bool is_float = false;
	struct cs_tv *v;
	char *e;

	while (t->p < t->end &&
	       (bare_char(*t->p) || *t->p == '+' || *t->p == '.' || *t->p == ':')) {
		char c = *t->p++;

		if (c == '_')
			continue;
		if (c == ':' || (c == '-' && n > 0 && buf[n - 1] != 'e' && buf[n - 1] != 'E'))
			return tp_fail(t, -CS_E_UNSUPPORTED, "dates are not supported");
		if (c == '.' || c == 'e' || c == 'E')
			is_float = true;
		if (n + 1 >= sizeof(buf))
			return tp_fail(t, -CS_E_INPUT, "number too long");
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (n == 0)
		return tp_fail(t, -CS_E_INPUT, "expected a value");
	v = tv_new(is_float ? CS_TV_FLOAT : CS_TV_INT, t->line);
	if (!v)
		return -ENOMEM;
	errno = 0;
	if (is_float) {
		v->f = strtod(buf, &e);
		if (!isfinite(v->f))
			errno = ERANGE;
	} else {
		long long ll = strtoll(buf, &e, 10);

		v->i = ll;
		v->f = (double)ll;
	}
	if (errno || *e || (buf[0] == '0' && n > 1 && buf[1] != '.' && !is_float)) {
		cs_tv_free(v);
		return tp_fail(t, -CS_E_INPUT, "invalid number");
	}
	*ret = v;
	return 0;
}

static int parse_value(struct tp *t, unsigned depth, struct cs_tv **ret)
{
	unsigned line = t->line;
	struct cs_tv *v;
	int r;

	if (depth > CS_TOML_MAX_DEPTH)
		return tp_fail(t, -CS_E_LIMIT, "arrays nested too deep");
	if ((r = tp_count(t)) < 0)
		return r;
	skip_ws(t);
	if (t->p >= t->end)
		return tp_fail(t, -CS_E_INPUT, "expected a value");
	switch (*t->p) {
	case '"':
	case '\'':
		v = tv_new(CS_TV_STRING, line);
		if (!v)
			return -ENOMEM;
		r = parse_string(t, &v->s, true);
		if (r < 0) {
			cs_tv_free(v);
			return r;
		}
		*ret = v;
		return 0;
	case '[':
		return parse_array(t, depth, ret);
	case '{':
		return tp_fail(t, -CS_E_UNSUPPORTED, "inline tables are not supported");
	default:
		break;
	}
	if (at(t, "true") || at(t, "false")) {
		v = tv_new(CS_TV_BOOL, line);
		if (!v)
			return -ENOMEM;
		v->b = *t->p == 't';
		t->p += v->b ? 4 : 5;
		*ret = v;
		return 0;
	}
	return parse_number(t, ret);
}

static int parse_keyval(struct tp *t)
{
	char *parts[CS_TOML_MAX_DEPTH];
	size_t n = 0;
	struct cs_tv *c = t->cur, *v = NULL;
	int r;

	r = parse_key(t, parts, &n);
	if (r >= 0 && (t->p >= t->end || *t->p != '='))
		r = tp_fail(t, -CS_E_INPUT, "expected '=' after a key");
	if (r < 0)
		goto out;
	t->p++;
	for (size_t i = 0; i + 1 < n && r >= 0; i++)
		r = descend(t, c, parts[i], &c);
	if (r >= 0 && cs_tv_get(c, parts[n - 1]))
		r = tp_fail(t, -CS_E_INPUT, "duplicate key");
	if (r >= 0)
		r = parse_value(t, 0, &v);
	if (r >= 0) {
		r = tv_push(c, parts[n - 1], v);
		if (r < 0)
			cs_tv_free(v);
		else
			n--; /* the key belongs to the table now */
	}
	if (r >= 0)
		r = expect_eol(t);
out:
	free_parts(parts, n);
	return r;
}

int cs_toml_parse(const char *p, size_t len, struct cs_tv **ret, struct cs_error *err)
{
	struct tp t = { .p = p, .end = p + len, .line = 1, .err = err };
	int r = 0;

	if (len > CS_TOML_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CS_TOML_MAX_SIZE);
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		t.p += 3;
	t.root = t.cur = tv_new(CS_TV_TABLE, 1);
	if (!t.root)
		return -ENOMEM;
	for (;;) {
		skip_space(&t);
		if (t.p >= t.end)
			break;
		r = *t.p == '[' ? parse_header(&t) : parse_keyval(&t);
		if (r < 0)
			break;
	}
	if (r < 0) {
		if (r == -ENOMEM)
			cs_error_errno(err, r, "line %u", t.line);
		cs_tv_free(t.root);
		return r;
	}
	*ret = t.root;
	return 0;
}

static int from_json(json_t *j, unsigned depth, size_t *count, struct cs_tv **ret,
		     struct cs_error *err)
{
	struct cs_tv *v = NULL;
	int r = 0;

	if (depth > CS_TOML_MAX_DEPTH)
		return cs_error_set(err, -CS_E_LIMIT, "nested too deep");
	if (++*count > CS_TOML_MAX_ITEMS)
		return cs_error_set(err, -CS_E_LIMIT, "too many values");
	switch (json_typeof(j)) {
	case JSON_STRING:
		v = tv_new(CS_TV_STRING, 0);
		if (v && memchr(json_string_value(j), '\0', json_string_length(j))) {
			cs_tv_free(v);
			return cs_error_set(err, -CS_E_INPUT, "NUL byte in a string");
		}
		if (v && !(v->s = cs_strdup(json_string_value(j))))
			r = -ENOMEM;
		break;
	case JSON_INTEGER:
		if ((v = tv_new(CS_TV_INT, 0))) {
			v->i = json_integer_value(j);
			v->f = (double)v->i;
		}
		break;
	case JSON_REAL:
		if ((v = tv_new(CS_TV_FLOAT, 0)))
			v->f = json_real_value(j);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		if ((v = tv_new(CS_TV_BOOL, 0)))
			v->b = json_is_true(j);
		break;
	case JSON_ARRAY: {
		size_t i;
		json_t *x;

		if (!(v = tv_new(CS_TV_ARRAY, 0)))
			break;
		json_array_foreach (j, i, x) {
			struct cs_tv *c = NULL;

			r = from_json(x, depth + 1, count, &c, err);
			if (r >= 0 && (r = tv_push(v, NULL, c)) < 0)
				cs_tv_free(c);
			if (r < 0)
				break;
		}
		break;
	}
	case JSON_OBJECT: {
		const char *k;
		json_t *x;

		if (!(v = tv_new(CS_TV_TABLE, 0)))
			break;
		v->defined = true;
		json_object_foreach (j, k, x) {
			struct cs_tv *c = NULL;
			char *kk;

			r = from_json(x, depth + 1, count, &c, err);
			if (r < 0)
				break;
			kk = cs_strdup(k);
			if (!kk || (r = tv_push(v, kk, c)) < 0) {
				free(kk);
				cs_tv_free(c);
				r = -ENOMEM;
				break;
			}
		}
		break;
	}
	default:
		return cs_error_set(err, -CS_E_INPUT, "null is not a valid value");
	}
	if (!v)
		return -ENOMEM;
	if (r < 0) {
		cs_tv_free(v);
		return r;
	}
	*ret = v;
	return 0;
}

int cs_tv_from_json(const char *p, size_t len, struct cs_tv **ret, struct cs_error *err)
{
	json_error_t je;
	json_t *j;
	size_t count = 0;
	int r;

	if (len > CS_TOML_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CS_TOML_MAX_SIZE);
	j = json_loadb(p, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return cs_error_set(err, -CS_E_INPUT, "line %d: %s", je.line, je.text);
	if (!json_is_object(j))
		r = cs_error_set(err, -CS_E_INPUT, "expected a JSON object");
	else
		r = from_json(j, 0, &count, ret, err);
	json_decref(j);
	return r;
}
