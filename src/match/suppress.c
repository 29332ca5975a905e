/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the ignore file and VEX: id and purl matching, dates
 * (computed from the calendar, never through the C library's time zone
 * state), report texts and warnings. Library code: never prints.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/utf8.h"
#include "match/suppress.h"

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
	return *a == *b;
}

bool cs_finding_has_id(const struct cs_finding *f, const char *id)
{
	if (!id)
		return false;
	if (f->id && ascii_caseeq(f->id, id))
		return true;
	for (size_t i = 0; i < f->n_aliases; i++)
		if (f->aliases[i] && ascii_caseeq(f->aliases[i], id))
			return true;
	return false;
}

static bool same0(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool cs_purl_matches(const struct cs_purl *pattern, const struct cs_purl *pkg)
{
	if (!pattern || !pkg || strcmp(pattern->type, pkg->type) ||
	    !same0(pattern->namespace, pkg->namespace) || strcmp(pattern->name, pkg->name))
		return false;
	if (pattern->version && !same0(pattern->version, pkg->version))
		return false;
	if (pattern->subpath && !same0(pattern->subpath, pkg->subpath))
		return false;
	for (size_t i = 0; i < pattern->n_qualifiers; i++) {
		const char *v = cs_purl_qualifier(pkg, pattern->qualifiers[i].key);

		if (!v || strcmp(v, pattern->qualifiers[i].value))
			return false;
	}
	return true;
}

/* --- dates --- */

/* days since 1970-01-01 of a proleptic Gregorian date */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* n decimal digits at s[*i] */
static bool digits(const char *s, size_t len, size_t *i, size_t n, unsigned *ret)
{
	unsigned v = 0;

	if (len - *i < n)
		return false;
	for (size_t k = 0; k < n; k++) {
		char c = s[*i + k];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*i += n;
	*ret = v;
	return true;
}

static bool expect(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || ascii_lower(s[*i]) != ascii_lower(c))
		return false;
	(*i)++;
	return true;
}

int cs_parse_timestamp(const char *s, size_t len, int64_t *ret, bool *ret_date_only)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0;
	int64_t t, off = 0;
	size_t i = 0;

	if (!s || !digits(s, len, &i, 4, &y) || !expect(s, len, &i, '-') ||
	    !digits(s, len, &i, 2, &mo) || !expect(s, len, &i, '-') || !digits(s, len, &i, 2, &d))
		return -EINVAL;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y) ? 1u : 0u))
		return -EINVAL;
	if (i == len) {
		*ret = days_from_civil(y, mo, d) * 86400;
		if (ret_date_only)
			*ret_date_only = true;
		return 0;
	}
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return -EINVAL;
	i++;
	if (!digits(s, len, &i, 2, &h) || !expect(s, len, &i, ':') || !digits(s, len, &i, 2, &mi) ||
	    !expect(s, len, &i, ':') || !digits(s, len, &i, 2, &sec))
		return -EINVAL;
	/* 60: a leap second, counted as the next second as POSIX time does */
	if (h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	if (i < len && s[i] == '.') {
		size_t start = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return -EINVAL;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		bool neg = s[i++] == '-';

		if (!digits(s, len, &i, 2, &oh) || !expect(s, len, &i, ':') ||
		    !digits(s, len, &i, 2, &om) || oh > 23 || om > 59)
			return -EINVAL;
		off = ((int64_t)oh * 60 + om) * 60 * (neg ? -1 : 1);
	} else {
		return -EINVAL; /* RFC 3339 requires the offset */
	}
	if (i != len)
		return -EINVAL;
	t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec;
	*ret = t - off;
	if (ret_date_only)
		*ret_date_only = false;
	return 0;
}

/* --- texts and warnings --- */

int cs_findings_warn(struct cs_findings *f, const char *fmt, ...)
{
	char *line, **w;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	w = cs_reallocarray(f->warnings, f->n_warnings + 1, sizeof(*w));
	if (!w) {
		free(line);
		return -ENOMEM;
	}
	f->warnings = w;
	f->warnings[f->n_warnings++] = line;
	return 0;
}

char *cs_suppress_text(const char *s, size_t max)
{
	struct cs_buf b;
	bool space = false;
	size_t n;
	int r = 0;

	if (!s || max > SIZE_MAX / 2)
		return NULL;
	cs_buf_init(&b, max + 3); /* and "..." */
	n = strlen(s);
	for (size_t i = 0; i < n && r >= 0;) {
		unsigned char c = (unsigned char)s[i];
		const char *piece = s + i;
		size_t k, plen;

		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = b.len > 0;
			i++;
			continue;
		}
		k = plen = cs_utf8_valid_prefix(s + i, n - i);
		if (k == 0) {
			/* not UTF-8: one byte shown as the replacement character */
			k = 1;
			piece = "\xef\xbf\xbd";
			plen = 3;
		}
		if (b.len + (space ? 1 : 0) + plen > max) {
			r = cs_buf_puts(&b, "...");
			break;
		}
		if (space)
			r = cs_buf_putc(&b, ' ');
		space = false;
		if (r >= 0)
			r = cs_buf_append(&b, piece, plen);
		i += k;
	}
	if (r >= 0 && !b.data)
		r = cs_buf_puts(&b, "");
	if (r < 0) {
		cs_buf_done(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

/* --- parsed purls of packages --- */

struct purl_slot {
	const struct cs_package *pkg;
	struct cs_purl *purl;
};

struct cs_purl_cache {
	struct purl_slot *v;
	size_t n, cap;
	bool sorted;
};

int cs_purl_cache_new(struct cs_purl_cache **ret)
{
	struct cs_purl_cache *c = cs_zalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*ret = c;
	return 0;
}

void cs_purl_cache_free(struct cs_purl_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		cs_purl_free(c->v[i].purl);
	free(c->v);
	free(c);
}

int cs_purl_cache_add(struct cs_purl_cache *c, const struct cs_package *p)
{
	struct cs_purl *u = NULL;

	if (!p)
		return 0;
	if (p->purl) {
		int r = cs_purl_parse(p->purl, &u, NULL);

		if (r == -ENOMEM)
			return r;
	}
	if (CS_GROW(c->v, c->cap, c->n + 1) < 0) {
		cs_purl_free(u);
		return -ENOMEM;
	}
	c->v[c->n++] = (struct purl_slot){ p, u };
	c->sorted = false;
	return 0;
}

int cs_purl_cache_add_findings(struct cs_purl_cache *c, const struct cs_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		int r;

		/* findings of one package are usually adjacent */
		if (i > 0 && fs->v[i].pkg == fs->v[i - 1].pkg)
			continue;
		r = cs_purl_cache_add(c, fs->v[i].pkg);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cmp_slot(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct purl_slot *)a)->pkg;
	uintptr_t y = (uintptr_t)((const struct purl_slot *)b)->pkg;

	return x < y ? -1 : x > y;
}

static void cache_sort(struct cs_purl_cache *c)
{
	size_t k = 0;

	if (c->sorted || c->n == 0)
		return;
	qsort(c->v, c->n, sizeof(*c->v), cmp_slot);
	for (size_t i = 0; i < c->n; i++) {
		if (k > 0 && c->v[k - 1].pkg == c->v[i].pkg) {
			cs_purl_free(c->v[i].purl);
			continue;
		}
		c->v[k++] = c->v[i];
	}
	c->n = k;
	c->sorted = true;
}

const struct cs_purl *cs_purl_cache_get(struct cs_purl_cache *c, const struct cs_package *p)
{
	struct purl_slot key = { p, NULL }, *hit;

	cache_sort(c);
	hit = c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_slot) : NULL;
	return hit ? hit->purl : NULL;
}

size_t cs_purl_cache_count(struct cs_purl_cache *c)
{
	cache_sort(c);
	return c->n;
}

const struct cs_purl *cs_purl_cache_at(struct cs_purl_cache *c, size_t i)
{
	cache_sort(c);
	return i < c->n ? c->v[i].purl : NULL;
}
