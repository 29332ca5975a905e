/* SPDX-License-Identifier: Apache-2.0 */
#include <math.h>
#include <string.h>
#include <inttypes.h>
#include "alloc.h"
#include "json.h"
#include "utf8.h"

struct cs_json {
	FILE *f;
	struct cs_buf *b;
	unsigned flags;
	int error;
	unsigned depth;
	bool expect_value;		   /* a key was just written */
	bool first[CS_JSON_MAX_DEPTH + 1]; /* no element yet at this depth */
	char kind[CS_JSON_MAX_DEPTH + 1];  /* '{' or '[' */
	bool done;
};

static void put(struct cs_json *j, const char *p, size_t n)
{
	if (j->error)
		return;
	if (j->f) {
		if (n && fwrite(p, 1, n, j->f) != n)
			j->error = -errno ? -errno : -EIO;
	} else {
		int r = cs_buf_append(j->b, p, n);

		if (r < 0)
			j->error = r;
	}
}

static void puts_(struct cs_json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void newline(struct cs_json *j)
{
	if (!(j->flags & CS_JSON_PRETTY))
		return;
	put(j, "\n", 1);
	for (unsigned i = 0; i < j->depth; i++)
		put(j, "  ", 2);
}

static int json_new(FILE *f, struct cs_buf *b, unsigned flags, struct cs_json **ret)
{
	struct cs_json *j = cs_zalloc(sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->f = f;
	j->b = b;
	j->flags = flags;
	j->first[0] = true;
	*ret = j;
	return 0;
}

int cs_json_new_file(FILE *f, unsigned flags, struct cs_json **ret)
{
	return json_new(f, NULL, flags, ret);
}

int cs_json_new_buf(struct cs_buf *b, unsigned flags, struct cs_json **ret)
{
	return json_new(NULL, b, flags, ret);
}

/* Called before every value (not before keys). */
static bool before_value(struct cs_json *j)
{
	if (j->error)
		return false;
	if (j->done) {
		j->error = -CS_E_INTERNAL;
		return false;
	}
	if (j->expect_value) {
		j->expect_value = false;
		return true;
	}
	if (j->depth > 0 && j->kind[j->depth] == '{') {
		/* a value inside an object needs a key */
		j->error = -CS_E_INTERNAL;
		return false;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			put(j, ",", 1);
		j->first[j->depth] = false;
		newline(j);
	}
	return true;
}

static void after_value(struct cs_json *j)
{
	if (j->depth == 0) {
		j->done = true;
		if (j->flags & CS_JSON_PRETTY)
			put(j, "\n", 1);
	}
}

static void open_(struct cs_json *j, char c)
{
	if (!before_value(j))
		return;
	if (j->depth >= CS_JSON_MAX_DEPTH) {
		j->error = -CS_E_LIMIT;
		return;
	}
	put(j, &c, 1);
	j->depth++;
	j->kind[j->depth] = c;
	j->first[j->depth] = true;
}

static void close_(struct cs_json *j, char open, char c)
{
	bool empty;

	if (j->error)
		return;
	if (j->depth == 0 || j->kind[j->depth] != open || j->expect_value) {
		j->error = -CS_E_INTERNAL;
		return;
	}
	empty = j->first[j->depth];
	j->depth--;
	if (!empty)
		newline(j);
	put(j, &c, 1);
	after_value(j);
}

void cs_json_begin_object(struct cs_json *j)
{
	open_(j, '{');
}

void cs_json_end_object(struct cs_json *j)
{
	close_(j, '{', '}');
}

void cs_json_begin_array(struct cs_json *j)
{
	open_(j, '[');
}

void cs_json_end_array(struct cs_json *j)
{
	close_(j, '[', ']');
}

int cs_json_escape(struct cs_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;
	int r = 0;

	while (i < n && r >= 0) {
		unsigned char c = (unsigned char)s[i];
		size_t run = i;

		/* copy plain ASCII runs in one go */
		while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x80 &&
		       s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			r = cs_buf_append(b, s + i, run - i);
			i = run;
			continue;
		}
		if (c >= 0x80) {
			size_t l = cs_utf8_valid_prefix(s + i, n - i);

			if (l == 0) {
				r = cs_buf_append(b, "\\ufffd", 6);
				i++;
			} else {
				r = cs_buf_append(b, s + i, l);
				i += l;
			}
			continue;
		}
		switch (c) {
		case '"':
			r = cs_buf_append(b, "\\\"", 2);
			break;
		case '\\':
			r = cs_buf_append(b, "\\\\", 2);
			break;
		case '\n':
			r = cs_buf_append(b, "\\n", 2);
			break;
		case '\r':
			r = cs_buf_append(b, "\\r", 2);
			break;
		case '\t':
			r = cs_buf_append(b, "\\t", 2);
			break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			r = cs_buf_append(b, u, 6);
		}
		}
		i++;
	}
	return r;
}

static void put_string(struct cs_json *j, const char *s, size_t n)
{
	struct cs_buf tmp = CS_BUF_INIT(SIZE_MAX / 2);
	int r;

	put(j, "\"", 1);
	if (j->b) {
		r = cs_json_escape(j->b, s, n);
		if (r < 0)
			j->error = r;
	} else {
		/* escape in bounded pieces to keep memory flat for huge strings */
		for (size_t off = 0; off < n && !j->error;) {
			size_t chunk = CS_MIN(n - off, (size_t)65536);

			/* do not split a UTF-8 sequence */
			while (chunk < n - off && chunk > 0 &&
			       ((unsigned char)s[off + chunk] & 0xc0) == 0x80)
				chunk--;
			if (chunk == 0)
				chunk = CS_MIN(n - off, (size_t)65536);
			cs_buf_reset(&tmp);
			r = cs_json_escape(&tmp, s + off, chunk);
			if (r < 0)
				j->error = r;
			else
				put(j, tmp.data, tmp.len);
			off += chunk;
		}
		cs_buf_done(&tmp);
	}
	put(j, "\"", 1);
}

void cs_json_key(struct cs_json *j, const char *key)
{
	if (j->error)
		return;
	if (j->depth == 0 || j->kind[j->depth] != '{' || j->expect_value) {
		j->error = -CS_E_INTERNAL;
		return;
	}
	if (!j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = false;
	newline(j);
	put_string(j, key, strlen(key));
	put(j, (j->flags & CS_JSON_PRETTY) ? ": " : ":", (j->flags & CS_JSON_PRETTY) ? 2 : 1);
	j->expect_value = true;
}

void cs_json_stringn(struct cs_json *j, const char *s, size_t n)
{
	if (!s) {
		cs_json_null(j);
		return;
	}
	if (!before_value(j))
		return;
	put_string(j, s, n);
	after_value(j);
}

void cs_json_string(struct cs_json *j, const char *s)
{
	cs_json_stringn(j, s, s ? strlen(s) : 0);
}

static void put_scalar(struct cs_json *j, const char *text)
{
	if (!before_value(j))
		return;
	puts_(j, text);
	after_value(j);
}

void cs_json_int(struct cs_json *j, int64_t v)
{
	char t[32];

	snprintf(t, sizeof(t), "%" PRId64, v);
	put_scalar(j, t);
}

void cs_json_uint(struct cs_json *j, uint64_t v)
{
	char t[32];

	snprintf(t, sizeof(t), "%" PRIu64, v);
	put_scalar(j, t);
}

void cs_json_double(struct cs_json *j, double v)
{
	char t[64];

	if (!isfinite(v)) {
		cs_json_null(j);
		return;
	}
	snprintf(t, sizeof(t), "%.17g", v);
	put_scalar(j, t);
}

void cs_json_bool(struct cs_json *j, bool v)
{
	put_scalar(j, v ? "true" : "false");
}

void cs_json_null(struct cs_json *j)
{
	put_scalar(j, "null");
}

void cs_json_kv_string(struct cs_json *j, const char *key, const char *s)
{
	cs_json_key(j, key);
	cs_json_string(j, s);
}

void cs_json_kv_int(struct cs_json *j, const char *key, int64_t v)
{
	cs_json_key(j, key);
	cs_json_int(j, v);
}

void cs_json_kv_uint(struct cs_json *j, const char *key, uint64_t v)
{
	cs_json_key(j, key);
	cs_json_uint(j, v);
}

void cs_json_kv_bool(struct cs_json *j, const char *key, bool v)
{
	cs_json_key(j, key);
	cs_json_bool(j, v);
}

void cs_json_kv_strv(struct cs_json *j, const char *key, char *const *v)
{
	cs_json_key(j, key);
	if (!v) {
		cs_json_null(j);
		return;
	}
	cs_json_begin_array(j);
	for (; *v; v++)
		cs_json_string(j, *v);
	cs_json_end_array(j);
}

int cs_json_finish(struct cs_json *j)
{
	if (!j->error && (!j->done || j->depth != 0))
		j->error = -CS_E_INTERNAL;
	if (!j->error && j->f && fflush(j->f) != 0)
		j->error = -errno ? -errno : -EIO;
	return j->error;
}

void cs_json_free(struct cs_json *j)
{
	free(j);
}
