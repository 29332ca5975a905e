/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "alloc.h"
#include "buf.h"

void cs_buf_init(struct cs_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void cs_buf_done(struct cs_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void cs_buf_reset(struct cs_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static int buf_reserve(struct cs_buf *b, size_t n)
{
	size_t need, ncap;
	char *p;

	if (cs_add_overflow(b->len, n, &need) || need > b->max)
		return -CS_E_LIMIT;
	if (need == SIZE_MAX)
		return -ENOMEM;
	if (need + 1 <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need + 1) {
		if (cs_mul_overflow(ncap, (size_t)2, &ncap))
			return -ENOMEM;
	}
	/* room for the terminating NUL; max may be SIZE_MAX ("no limit") */
	if (b->max < SIZE_MAX && ncap > b->max + 1)
		ncap = b->max + 1;
	p = realloc(b->data, ncap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int cs_buf_append(struct cs_buf *b, const void *p, size_t n)
{
	int r = buf_reserve(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int cs_buf_putc(struct cs_buf *b, char c)
{
	return cs_buf_append(b, &c, 1);
}

int cs_buf_puts(struct cs_buf *b, const char *s)
{
	return cs_buf_append(b, s, strlen(s));
}

int cs_buf_printf(struct cs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = buf_reserve(b, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *cs_buf_steal(struct cs_buf *b, size_t *ret_len)
{
	char *p;

	if (!b->data) {
		if (buf_reserve(b, 0) < 0)
			return NULL;
		b->data[0] = '\0';
	}
	p = b->data;
	if (ret_len)
		*ret_len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
