/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RPM versions: rpmvercmp() on alphanumeric segments ('~' sorts before
 * anything, '^' after the end but before anything else, numbers beat
 * letters, leading zeros ignored) and EVR comparison as rpm.vercmp():
 * [epoch:]version[-release], a missing epoch is 0 and a missing release
 * sorts before any release, even an empty one (so "1.0" < "1.0-" <
 * "1.0-1"; only rpm's dependency ranges let a missing release match any).
 */
#include "internal.h"

struct rpm_evr {
	const char *e;
	size_t en;
	const char *v;
	size_t vn;
	const char *r;
	size_t rn;
	bool has_r;
};

static bool rpm_parse(const char *s, size_t n, struct rpm_evr *evr)
{
	size_t i, parts = 0;
	bool prev_alnum = false, prev_digit = false;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
		if (cs_v_isalnum(s[i]) && (!prev_alnum || cs_v_isdigit(s[i]) != prev_digit))
			parts++;
		prev_alnum = cs_v_isalnum(s[i]);
		prev_digit = cs_v_isdigit(s[i]);
	}
	if (parts > CS_VERSION_MAX_PARTS)
		return false;
	/* rpm's parseEVR: leading digits followed by ':' are the epoch */
	for (i = 0; i < n && cs_v_isdigit(s[i]); i++)
		;
	evr->e = "0";
	evr->en = 1;
	if (i < n && s[i] == ':') {
		if (i > 0) {
			evr->e = s;
			evr->en = i;
		}
		s += i + 1;
		n -= i + 1;
	}
	evr->v = s;
	evr->vn = n;
	evr->r = "";
	evr->rn = 0;
	evr->has_r = false;
	for (i = n; i-- > 0;) {
		if (s[i] == '-') {
			evr->vn = i;
			evr->r = s + i + 1;
			evr->rn = n - i - 1;
			evr->has_r = true;
			break;
		}
	}
	return evr->vn > 0;
}

static bool seg_char(char c)
{
	return cs_v_isalnum(c) || c == '~' || c == '^';
}

/* rpmvercmp() on (ptr, len) */
static int rpmvercmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	if (an == bn && memcmp(a, b, an) == 0)
		return 0;
	while (i < an || j < bn) {
		size_t si, sj;
		bool isnum;
		int r;

		while (i < an && !seg_char(a[i]))
			i++;
		while (j < bn && !seg_char(b[j]))
			j++;
		/* tilde: sorts before everything, even the end */
		if ((i < an && a[i] == '~') || (j < bn && b[j] == '~')) {
			if (i >= an || a[i] != '~')
				return 1;
			if (j >= bn || b[j] != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		/* caret: sorts after the end but before anything else */
		if ((i < an && a[i] == '^') || (j < bn && b[j] == '^')) {
			if (i >= an)
				return -1;
			if (j >= bn)
				return 1;
			if (a[i] != '^')
				return 1;
			if (b[j] != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (!(i < an && j < bn))
			break;
		si = i;
		sj = j;
		isnum = cs_v_isdigit(a[i]);
		if (isnum) {
			while (i < an && cs_v_isdigit(a[i]))
				i++;
			while (j < bn && cs_v_isdigit(b[j]))
				j++;
		} else {
			while (i < an && cs_v_isalpha(a[i]))
				i++;
			while (j < bn && cs_v_isalpha(b[j]))
				j++;
		}
		/* segments of different types: numeric is newer */
		if (j == sj)
			return isnum ? 1 : -1;
		if (isnum)
			r = cs_vnum_cmp(a + si, i - si, b + sj, j - sj);
		else
			r = cs_vstr_cmp(a + si, i - si, b + sj, j - sj);
		if (r)
			return r;
	}
	if (i >= an && j >= bn)
		return 0;
	return i < an ? 1 : -1;
}

static bool rpm_valid(const char *v, size_t n)
{
	struct rpm_evr e;

	return rpm_parse(v, n, &e);
}

static int rpm_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	struct rpm_evr x, y;
	int r;

	if (!rpm_parse(a, an, &x))
		return CS_VCMP_BAD_A;
	if (!rpm_parse(b, bn, &y))
		return CS_VCMP_BAD_B;
	r = cs_vnum_cmp(x.e, x.en, y.e, y.en);
	if (!r)
		r = rpmvercmp(x.v, x.vn, y.v, y.vn);
	if (!r && x.has_r && y.has_r)
		r = rpmvercmp(x.r, x.rn, y.r, y.rn);
	else if (!r && x.has_r != y.has_r)
		r = x.has_r ? 1 : -1;
	*ret = cs_v_sign(r);
	return CS_VCMP_OK;
}

const struct cs_version_ops cs_version_rpm_ops = {
	.name = "rpm",
	.valid = rpm_valid,
	.compare = rpm_compare,
};
