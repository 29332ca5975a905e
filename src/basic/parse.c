/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include "parse.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

int cs_parse_u64n(const char *s, size_t len, unsigned base, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || len == 0 || base < 2 || base > 36)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= (int)base)
			return -EINVAL;
		if (cs_mul_overflow(v, (uint64_t)base, &v) || cs_add_overflow(v, (uint64_t)d, &v))
			return -ERANGE;
	}
	*ret = v;
	return 0;
}

int cs_parse_i64n(const char *s, size_t len, int64_t *ret)
{
	bool neg = false;
	uint64_t u;
	int r;

	if (!s || len == 0)
		return -EINVAL;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		s++;
		len--;
	}
	r = cs_parse_u64n(s, len, 10, &u);
	if (r < 0)
		return r;
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*ret = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > INT64_MAX)
			return -ERANGE;
		*ret = (int64_t)u;
	}
	return 0;
}

int cs_safe_atou64(const char *s, uint64_t *ret)
{
	return s ? cs_parse_u64n(s, strlen(s), 10, ret) : -EINVAL;
}

int cs_safe_atoi64(const char *s, int64_t *ret)
{
	return s ? cs_parse_i64n(s, strlen(s), ret) : -EINVAL;
}

int cs_safe_atou32(const char *s, uint32_t *ret)
{
	uint64_t v;
	int r = cs_safe_atou64(s, &v);

	if (r < 0)
		return r;
	if (v > UINT32_MAX)
		return -ERANGE;
	*ret = (uint32_t)v;
	return 0;
}

int cs_safe_atoi(const char *s, int *ret)
{
	int64_t v;
	int r = cs_safe_atoi64(s, &v);

	if (r < 0)
		return r;
	if (v < INT32_MIN || v > INT32_MAX)
		return -ERANGE;
	*ret = (int)v;
	return 0;
}

int cs_parse_octaln(const char *s, size_t len, uint64_t *ret)
{
	size_t b = 0, e = len;

	while (b < e && (s[b] == ' ' || s[b] == '\0'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\0'))
		e--;
	if (b == e) {
		*ret = 0;
		return 0;
	}
	return cs_parse_u64n(s + b, e - b, 8, ret);
}

static int parse_with_suffix(const char *s, const char *suffixes, const uint64_t *mults,
			     uint64_t *ret)
{
	size_t len;
	uint64_t v, mult = 1;
	const char *p;
	int r;

	if (!s || !*s)
		return -EINVAL;
	len = strlen(s);
	p = strchr(suffixes, s[len - 1]);
	if (s[len - 1] != '\0' && p) {
		mult = mults[p - suffixes];
		len--;
	}
	r = cs_parse_u64n(s, len, 10, &v);
	if (r < 0)
		return r;
	if (cs_mul_overflow(v, mult, &v))
		return -ERANGE;
	*ret = v;
	return 0;
}

int cs_parse_size(const char *s, uint64_t *ret)
{
	static const uint64_t mults[] = { 1,	      1024,	  1024,
					  1ULL << 20, 1ULL << 20, 1ULL << 30,
					  1ULL << 30, 1ULL << 40, 1ULL << 40 };

	return parse_with_suffix(s, "BkKmMgGtT", mults, ret);
}

int cs_parse_duration(const char *s, uint64_t *ret_seconds)
{
	static const uint64_t mults[] = { 1, 60, 3600, 86400 };

	return parse_with_suffix(s, "smhd", mults, ret_seconds);
}

const char *cs_format_size(uint64_t n, char *buf, size_t bufsz)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < CS_ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, bufsz, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, bufsz, "%.1f %s", v, units[u]);
	return buf;
}
