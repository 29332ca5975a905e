/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <string.h>
#include "alloc.h"
#include "buf.h"
#include "table.h"
#include "utf8.h"

struct cs_table {
	size_t ncols;
	char **cells; /* rows * ncols, row 0 = headers */
	size_t nrows; /* including header */
	size_t cap;
	enum cs_align *align;
};

/*
 * Unicode's bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069): valid UTF-8, but they reorder what a terminal shows, so
 * a hostile name could make a table row read as something else.
 */
static bool is_bidi_control(const unsigned char *u, size_t l)
{
	if (l == 2)
		return u[0] == 0xd8 && u[1] == 0x9c;
	if (l != 3 || u[0] != 0xe2)
		return false;
	if (u[1] == 0x80)
		return u[2] == 0x8e || u[2] == 0x8f || (u[2] >= 0xaa && u[2] <= 0xae);
	return u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9;
}

char *cs_term_sanitize(const char *s)
{
	struct cs_buf b = CS_BUF_INIT(SIZE_MAX / 2);
	size_t n = strlen(s);
	char *out;

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t l = c >= 0x80 ? cs_utf8_valid_prefix(s + i, n - i) : 1;
		int r;

		if (c < 0x20 || c == 0x7f || l == 0) {
			r = cs_buf_printf(&b, "\\x%02x", c);
			i++;
		} else if (c >= 0x80 && l == 2 && (unsigned char)s[i + 1] < 0xa0 && c == 0xc2) {
			/* C1 control characters U+0080..U+009F */
			r = cs_buf_printf(&b, "\\x%02x\\x%02x", c, (unsigned char)s[i + 1]);
			i += 2;
		} else if (is_bidi_control((const unsigned char *)s + i, l)) {
			const unsigned char *u = (const unsigned char *)s + i;

			r = l == 2 ? cs_buf_printf(&b, "\\u%04x",
						   ((u[0] & 0x1fu) << 6) | (u[1] & 0x3fu))
				   : cs_buf_printf(&b, "\\u%04x",
						   ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) |
							   (u[2] & 0x3fu));
			i += l;
		} else {
			r = cs_buf_append(&b, s + i, l);
			i += l;
		}
		if (r < 0) {
			cs_buf_done(&b);
			return NULL;
		}
	}
	out = cs_buf_steal(&b, NULL);
	return out;
}

int cs_table_new(size_t ncols, const char *const *headers, struct cs_table **ret)
{
	struct cs_table *t = cs_zalloc(sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->ncols = ncols;
	t->align = cs_new0(enum cs_align, ncols);
	if (!t->align || cs_table_add_row(t, headers) < 0) {
		cs_table_free(t);
		return -ENOMEM;
	}
	*ret = t;
	return 0;
}

void cs_table_free(struct cs_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->align);
	free(t);
}

void cs_table_set_align(struct cs_table *t, size_t col, enum cs_align align)
{
	if (col < t->ncols)
		t->align[col] = align;
}

int cs_table_add_row(struct cs_table *t, const char *const *cells)
{
	size_t need;

	if (cs_mul_overflow(t->nrows + 1, t->ncols, &need))
		return -ENOMEM;
	if (CS_GROW(t->cells, t->cap, need) < 0)
		return -ENOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		char *s = cs_term_sanitize(cells[c] ? cells[c] : "-");

		if (!s) {
			for (size_t k = 0; k < c; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return -ENOMEM;
		}
		t->cells[t->nrows * t->ncols + c] = s;
	}
	t->nrows++;
	return 0;
}

int cs_table_add(struct cs_table *t, ...)
{
	const char **cells = cs_new0(const char *, t->ncols);
	va_list ap;
	int r;

	if (!cells)
		return -ENOMEM;
	va_start(ap, t);
	for (size_t c = 0; c < t->ncols; c++)
		cells[c] = va_arg(ap, const char *);
	va_end(ap);
	r = cs_table_add_row(t, cells);
	free(cells);
	return r;
}

size_t cs_table_rows(const struct cs_table *t)
{
	return t->nrows - 1;
}

static void print_cell(FILE *f, const char *s, size_t width, size_t maxw, enum cs_align a,
		       bool last)
{
	size_t w = cs_utf8_width(s);

	if (w > maxw) {
		/* cut to maxw-1 code points and add an ellipsis */
		size_t keep = maxw ? maxw - 1 : 0, cp = 0;
		const char *p = s;

		while (*p && cp < keep) {
			p++;
			while (((unsigned char)*p & 0xc0) == 0x80)
				p++;
			cp++;
		}
		fwrite(s, 1, (size_t)(p - s), f);
		if (maxw)
			fputs("\xe2\x80\xa6", f);
		w = maxw;
		s = "";
	} else if (a == CS_ALIGN_RIGHT) {
		for (size_t i = w; i < width; i++)
			fputc(' ', f);
		fputs(s, f);
		return;
	} else {
		fputs(s, f);
	}
	if (!last)
		for (size_t i = w; i < width; i++)
			fputc(' ', f);
}

int cs_table_print(struct cs_table *t, FILE *f, size_t width)
{
	_cleanup_free_ size_t *w = cs_new0(size_t, t->ncols);
	size_t total = 0;

	if (!w)
		return -ENOMEM;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			w[c] = CS_MAX(w[c], cs_utf8_width(t->cells[r * t->ncols + c]));
	for (size_t c = 0; c < t->ncols; c++)
		total += w[c] + (c + 1 < t->ncols ? 2 : 0);
	/* shrink the widest columns until the table fits */
	while (width && total > width) {
		size_t widest = 0;

		for (size_t c = 1; c < t->ncols; c++)
			if (w[c] > w[widest])
				widest = c;
		if (w[widest] <= 8)
			break;
		w[widest]--;
		total--;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			print_cell(f, t->cells[r * t->ncols + c], w[c], w[c], t->align[c],
				   c + 1 == t->ncols);
			if (c + 1 < t->ncols)
				fputs("  ", f);
		}
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}
