/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go module versions as golang.org/x/mod/semver: a mandatory leading 'v',
 * vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]] (the short forms mean .0 and take no
 * pre-release or build), no leading zeros. Build metadata, and so
 * "+incompatible", is ignored for ordering; pseudo-versions
 * (v0.0.0-20191109021931-daa7c04131f5) are ordinary pre-releases.
 */
#include "internal.h"

struct gov {
	const char *num[3];
	size_t numn[3];
	const char *pre;
	size_t pren;
};

static size_t go_int(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && cs_v_isdigit(s[i]))
		i++;
	if (i == 0 || (s[0] == '0' && i != 1))
		return 0;
	return i;
}

static bool go_parse(const char *s, size_t n, struct gov *v)
{
	size_t i = 1;

	if (n == 0 || s[0] != 'v')
		return false;
	v->pre = NULL;
	v->pren = 0;
	for (int k = 0; k < 3; k++) {
		size_t l;

		v->num[k] = "0";
		v->numn[k] = 1;
		if (k > 0) {
			if (i == n) {
				/* short form: v1 or v1.2 */
				for (; k < 3; k++) {
					v->num[k] = "0";
					v->numn[k] = 1;
				}
				return true;
			}
			if (s[i] != '.')
				return false;
			i++;
		}
		l = go_int(s + i, n - i);
		if (l == 0)
			return false;
		v->num[k] = s + i;
		v->numn[k] = l;
		i += l;
	}
	return cs_semver_tail(s, n, i, 3, &v->pre, &v->pren);
}

static bool go_valid(const char *v, size_t n)
{
	struct gov g;

	return go_parse(v, n, &g);
}

static int go_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	struct gov x, y;
	int r = 0;

	if (!go_parse(a, an, &x))
		return CS_VCMP_BAD_A;
	if (!go_parse(b, bn, &y))
		return CS_VCMP_BAD_B;
	for (int k = 0; k < 3 && !r; k++)
		r = cs_vnum_cmp(x.num[k], x.numn[k], y.num[k], y.numn[k]);
	if (!r) {
		if (x.pren == 0 && y.pren == 0)
			r = 0;
		else if (x.pren == 0)
			r = 1;
		else if (y.pren == 0)
			r = -1;
		else
			r = cs_semver_pre_cmp(x.pre, x.pren, y.pre, y.pren);
	}
	*ret = r;
	return CS_VCMP_OK;
}

const struct cs_version_ops cs_version_go_ops = {
	.name = "go",
	.valid = go_valid,
	.compare = go_compare,
};
