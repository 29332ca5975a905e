/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debian versions, [epoch:]upstream[-revision], validated as dpkg's
 * parseversion() and ordered as its verrevcmp(): in the non-digit parts
 * '~' sorts before everything (even the end), letters before other
 * characters; digit parts compare as numbers of any length.
 */
#include "internal.h"

struct dpkg_version {
	const char *epoch; /* digits, may be empty (= 0) */
	size_t epochn;
	const char *up;
	size_t upn;
	const char *rev; /* empty when absent */
	size_t revn;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool dpkg_parse(const char *s, size_t n, struct dpkg_version *v)
{
	const char *colon, *hyphen = NULL;
	size_t i, parts = 0;
	bool prev_alnum = false, prev_digit = false;

	/* dpkg skips leading blanks and trailing spaces; inner spaces are an error */
	while (n > 0 && is_blank(*s))
		s++, n--;
	while (n > 0 && cs_v_isspace(s[n - 1]))
		n--;
	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (cs_v_isspace(s[i]) || s[i] == '\0')
			return false;

	v->epoch = "";
	v->epochn = 0;
	colon = memchr(s, ':', n);
	if (colon) {
		const char *e = s;
		size_t en = (size_t)(colon - s);
		bool neg = false;

		/* strtol(): an optional sign, then digits, up to the colon */
		if (en > 0 && (*e == '+' || *e == '-')) {
			neg = *e == '-';
			e++, en--;
		}
		if (en == 0)
			return false;
		for (i = 0; i < en; i++)
			if (!cs_v_isdigit(e[i]))
				return false;
		if (neg && !cs_vnum_is_zero(e, en))
			return false;
		/* dpkg stores the epoch in an int */
		if (cs_vnum_cmp(e, en, "2147483647", 10) > 0)
			return false;
		v->epoch = e;
		v->epochn = en;
		n -= (size_t)(colon + 1 - s);
		s = colon + 1;
		if (n == 0)
			return false;
	}
	for (i = n; i-- > 0;) {
		if (s[i] == '-') {
			hyphen = s + i;
			break;
		}
	}
	v->up = s;
	v->upn = hyphen ? (size_t)(hyphen - s) : n;
	v->rev = hyphen ? hyphen + 1 : "";
	v->revn = hyphen ? n - v->upn - 1 : 0;
	if (hyphen && v->revn == 0)
		return false;
	if (v->upn == 0 || !cs_v_isdigit(v->up[0]))
		return false;
	for (i = 0; i < v->upn; i++) {
		char c = v->up[i];

		if (!cs_v_isalnum(c) && !strchr(".-+~:", c))
			return false;
	}
	for (i = 0; i < v->revn; i++) {
		char c = v->rev[i];

		if (!cs_v_isalnum(c) && !strchr(".+~", c))
			return false;
	}
	/* components: alphanumeric runs split at digit/letter boundaries */
	for (i = 0; i < n; i++) {
		bool an = cs_v_isalnum(s[i]), dg = cs_v_isdigit(s[i]);

		if (an && (!prev_alnum || dg != prev_digit))
			parts++;
		prev_alnum = an;
		prev_digit = dg;
	}
	return parts <= CS_VERSION_MAX_PARTS;
}

static int order(const char *s, size_t n, size_t i)
{
	char c;

	if (i >= n)
		return 0;
	c = s[i];
	if (cs_v_isdigit(c))
		return 0;
	if (cs_v_isalpha(c))
		return (unsigned char)c;
	if (c == '~')
		return -1;
	return (unsigned char)c + 256;
}

/* dpkg's verrevcmp() on (ptr, len) */
static int verrevcmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	while (i < an || j < bn) {
		size_t ds, de, es, ee;
		int r;

		while ((i < an && !cs_v_isdigit(a[i])) || (j < bn && !cs_v_isdigit(b[j]))) {
			int ac = order(a, an, i), bc = order(b, bn, j);

			if (ac != bc)
				return ac - bc;
			i++;
			j++;
		}
		ds = i;
		while (i < an && cs_v_isdigit(a[i]))
			i++;
		de = i;
		es = j;
		while (j < bn && cs_v_isdigit(b[j]))
			j++;
		ee = j;
		r = cs_vnum_cmp(a + ds, de - ds, b + es, ee - es);
		if (r)
			return r;
	}
	return 0;
}

static bool dpkg_valid(const char *v, size_t n)
{
	struct dpkg_version d;

	return dpkg_parse(v, n, &d);
}

static int dpkg_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	struct dpkg_version x, y;
	int r;

	if (!dpkg_parse(a, an, &x))
		return CS_VCMP_BAD_A;
	if (!dpkg_parse(b, bn, &y))
		return CS_VCMP_BAD_B;
	r = cs_vnum_cmp(x.epoch, x.epochn, y.epoch, y.epochn);
	if (!r)
		r = verrevcmp(x.up, x.upn, y.up, y.upn);
	if (!r)
		r = verrevcmp(x.rev, x.revn, y.rev, y.revn);
	*ret = cs_v_sign(r);
	return CS_VCMP_OK;
}

const struct cs_version_ops cs_version_dpkg_ops = {
	.name = "dpkg",
	.valid = dpkg_valid,
	.compare = dpkg_compare,
};
