/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include "alloc.h"

void *cs_malloc(size_t n)
{
	return malloc(n ? n : 1);
}

void *cs_zalloc(size_t n)
{
	return calloc(1, n ? n : 1);
}

void *cs_calloc_array(size_t nmemb, size_t size)
{
	if (nmemb == 0 || size == 0)
		return calloc(1, 1);
	return calloc(nmemb, size);
}

void *cs_mallocarray(size_t nmemb, size_t size)
{
	size_t n;

	if (cs_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return cs_malloc(n);
}

void *cs_reallocarray(void *p, size_t nmemb, size_t size)
{
	size_t n;

	if (cs_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n ? n : 1);
}

char *cs_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *cs_strndup(const char *s, size_t n)
{
	return s ? strndup(s, n) : NULL;
}

void *cs_memdup(const void *p, size_t n)
{
	void *q = cs_malloc(n);

	if (q && n)
		memcpy(q, p, n);
	return q;
}

char *cs_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

int cs_grow(void **array, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (cs_mul_overflow(ncap, (size_t)2, &ncap))
			return -ENOMEM;
	}
	p = cs_reallocarray(*array, ncap, size);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = ncap;
	return 0;
}

void cs_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t cs_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}
