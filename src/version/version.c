/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Version comparison: scheme table, shared helpers and the generic
 * comma-separated range syntax used by dpkg, rpm, apk, Maven and Go.
 * Never fails open: an invalid version or range is -CS_E_INPUT, never an
 * answer.
 */
#include <stdio.h>
#include <string.h>
#include "internal.h"

static const struct cs_version_ops *const schemes[CS_VERSION_SCHEME_COUNT] = {
	[CS_VERSION_DPKG] = &cs_version_dpkg_ops,     [CS_VERSION_RPM] = &cs_version_rpm_ops,
	[CS_VERSION_APK] = &cs_version_apk_ops,	      [CS_VERSION_SEMVER] = &cs_version_semver_ops,
	[CS_VERSION_PEP440] = &cs_version_pep440_ops, [CS_VERSION_MAVEN] = &cs_version_maven_ops,
	[CS_VERSION_GEM] = &cs_version_gem_ops,	      [CS_VERSION_GO] = &cs_version_go_ops,
};

int cs_vnum_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int r;

	while (an > 0 && *a == '0')
		a++, an--;
	while (bn > 0 && *b == '0')
		b++, bn--;
	if (an != bn)
		return an < bn ? -1 : 1;
	if (an == 0)
		return 0;
	r = memcmp(a, b, an);
	return cs_v_sign(r);
}

bool cs_vnum_is_zero(const char *a, size_t an)
{
	for (size_t i = 0; i < an; i++)
		if (a[i] != '0')
			return false;
	return true;
}

int cs_vstr_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	size_t n = an < bn ? an : bn;
	int r = n ? memcmp(a, b, n) : 0;

	if (r)
		return cs_v_sign(r);
	if (an == bn)
		return 0;
	return an < bn ? -1 : 1;
}

bool cs_vstr_eq_nocase(const char *a, size_t an, const char *lit)
{
	size_t n = strlen(lit);

	if (an != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (cs_v_tolower(a[i]) != lit[i])
			return false;
	return true;
}

void cs_vtrim(const char **s, size_t *n)
{
	while (*n > 0 && cs_v_isspace(**s))
		(*s)++, (*n)--;
	while (*n > 0 && cs_v_isspace((*s)[*n - 1]))
		(*n)--;
}

size_t cs_vnum_inc(const char *a, size_t an, char *buf, size_t bufsz)
{
	size_t i, n;
	bool carry = true;

	while (an > 1 && *a == '0')
		a++, an--;
	if (an == 0) {
		a = "0";
		an = 1;
	}
	if (bufsz < an + 1)
		return 0;
	/* write right-aligned into buf[1..an], then shift if no carry out */
	for (i = an; i-- > 0;) {
		char c = a[i];

		if (carry) {
			if (c == '9') {
				c = '0';
			} else {
				c++;
				carry = false;
			}
		}
		buf[i + 1] = c;
	}
	if (carry) {
		buf[0] = '1';
		n = an + 1;
	} else {
		memmove(buf, buf + 1, an);
		n = an;
	}
	return n;
}

const char *cs_version_scheme_name(enum cs_version_scheme s)
{
	if ((unsigned)s >= CS_VERSION_SCHEME_COUNT)
		return "unknown";
	return schemes[s]->name;
}

int cs_version_scheme_from_name(const char *name)
{
	static const struct {
		const char *name;
		enum cs_version_scheme s;
	} aliases[] = {
		{ "deb", CS_VERSION_DPKG },	 { "debian", CS_VERSION_DPKG },
		{ "npm", CS_VERSION_SEMVER },	 { "pypi", CS_VERSION_PEP440 },
		{ "python", CS_VERSION_PEP440 }, { "rubygems", CS_VERSION_GEM },
		{ "golang", CS_VERSION_GO },	 { "alpine", CS_VERSION_APK },
		{ "redhat", CS_VERSION_RPM },
	};

	if (!name)
		return -1;
	for (int i = 0; i < CS_VERSION_SCHEME_COUNT; i++)
		if (strcmp(name, schemes[i]->name) == 0)
			return i;
	for (size_t i = 0; i < CS_ARRAY_SIZE(aliases); i++)
		if (strcmp(name, aliases[i].name) == 0)
			return aliases[i].s;
	return -1;
}

/* A short, printable, one-line rendering of hostile input for messages. */
static const char *quote(const char *s, size_t n, char *buf, size_t bufsz)
{
	size_t j = 0, max = bufsz - 4;

	for (size_t i = 0; i < n && j < max; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n > max) {
		buf[j++] = '.';
		buf[j++] = '.';
	}
	buf[j] = '\0';
	return buf;
}

static int bad_version(struct cs_error *err, enum cs_version_scheme s, const char *v, size_t n)
{
	char q[96];

	return cs_error_set(err, -CS_E_INPUT, "invalid %s version '%s'", cs_version_scheme_name(s),
			    quote(v, n, q, sizeof(q)));
}

static int bad_range(struct cs_error *err, enum cs_version_scheme s, const char *r, const char *why)
{
	char q[96];

	return cs_error_set(err, -CS_E_INPUT, "invalid %s range '%s': %s",
			    cs_version_scheme_name(s), quote(r, strlen(r), q, sizeof(q)), why);
}

bool cs_version_valid(enum cs_version_scheme s, const char *v)
{
	size_t n;

	if ((unsigned)s >= CS_VERSION_SCHEME_COUNT || !v)
		return false;
	n = strnlen(v, CS_VERSION_MAX_LEN + 1);
	if (n > CS_VERSION_MAX_LEN)
		return false;
	return schemes[s]->valid(v, n);
}

int cs_version_compare(enum cs_version_scheme s, const char *a, const char *b, int *ret,
		       struct cs_error *err)
{
	size_t an, bn;
	int r, c = 0;

	if ((unsigned)s >= CS_VERSION_SCHEME_COUNT)
		return cs_error_set(err, -CS_E_INPUT, "unknown version scheme %d", (int)s);
	if (!a || !b)
		return cs_error_set(err, -CS_E_INPUT, "missing version");
	an = strnlen(a, CS_VERSION_MAX_LEN + 1);
	bn = strnlen(b, CS_VERSION_MAX_LEN + 1);
	if (an > CS_VERSION_MAX_LEN)
		return bad_version(err, s, a, an);
	if (bn > CS_VERSION_MAX_LEN)
		return bad_version(err, s, b, bn);
	r = schemes[s]->compare(a, an, b, bn, &c);
	if (r == CS_VCMP_BAD_A)
		return bad_version(err, s, a, an);
	if (r == CS_VCMP_BAD_B)
		return bad_version(err, s, b, bn);
	*ret = cs_v_sign(c);
	return 0;
}

enum gen_op {
	OP_LT,
	OP_LE,
	OP_EQ,
	OP_NE,
	OP_GE,
	OP_GT,
	OP_FUZZY, /* apk "~": equal on the tokens the bound has */
	OP_LE_FUZZY,
	OP_GE_FUZZY,
};

static const struct {
	const char *s;
	enum gen_op op;
	bool apk_only;
} gen_ops[] = {
	/* longest first */
	{ "<<", OP_LT, false },	     { ">>", OP_GT, false },	  { "<=", OP_LE, false },
	{ ">=", OP_GE, false },	     { "==", OP_EQ, false },	  { "!=", OP_NE, false },
	{ "<~", OP_LE_FUZZY, true }, { ">~", OP_GE_FUZZY, true }, { "=~", OP_FUZZY, true },
	{ "<", OP_LT, false },	     { ">", OP_GT, false },	  { "=", OP_EQ, false },
	{ "~", OP_FUZZY, true },
};

/*
 * Generic range: "OP VERSION[, OP VERSION]..."; all must hold. OP is one of
 * < <= > >= = == != (and dpkg's << >>, apk's ~ <~ >~); no OP means =.
 */
static int generic_satisfies(enum cs_version_scheme s, const char *v, size_t vn, const char *range,
			     bool *ret, struct cs_error *err)
{
	const struct cs_version_ops *ops = schemes[s];
	const char *p = range, *end = range + strlen(range);
	bool all = true;
	unsigned terms = 0;

	if (!ops->valid(v, vn))
		return bad_version(err, s, v, vn);
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item = p, *ver;
		size_t n = (size_t)((comma ? comma : end) - p), vlen;
		enum gen_op op = OP_EQ;
		int c = 0, r;
		bool ok = false;

		if (++terms > CS_VERSION_RANGE_MAX_TERMS)
			return bad_range(err, s, range, "too many terms");
		cs_vtrim(&item, &n);
		if (n == 0)
			return bad_range(err, s, range, "empty term");
		for (size_t i = 0; i < CS_ARRAY_SIZE(gen_ops); i++) {
			size_t l = strlen(gen_ops[i].s);

			if (gen_ops[i].apk_only && s != CS_VERSION_APK)
				continue;
			if (n >= l && memcmp(item, gen_ops[i].s, l) == 0) {
				op = gen_ops[i].op;
				item += l;
				n -= l;
				break;
			}
		}
		ver = item;
		vlen = n;
		cs_vtrim(&ver, &vlen);
		if (vlen == 0)
			return bad_range(err, s, range, "missing version");
		if (vlen > CS_VERSION_MAX_LEN || !ops->valid(ver, vlen))
			return bad_range(err, s, range, "invalid version");
		if (op == OP_FUZZY || op == OP_LE_FUZZY || op == OP_GE_FUZZY)
			r = ops->compare_fuzzy(v, vn, ver, vlen, &c);
		else
			r = ops->compare(v, vn, ver, vlen, &c);
		if (r != CS_VCMP_OK)
			return bad_range(err, s, range, "invalid version");
		switch (op) {
		case OP_LT:
			ok = c < 0;
			break;
		case OP_LE:
			ok = c <= 0;
			break;
		case OP_EQ:
		case OP_FUZZY:
			ok = c == 0;
			break;
		case OP_NE:
			ok = c != 0;
			break;
		case OP_GE:
			ok = c >= 0;
			break;
		case OP_GT:
			ok = c > 0;
			break;
		case OP_LE_FUZZY:
			ok = c <= 0;
			break;
		case OP_GE_FUZZY:
			ok = c >= 0;
			break;
		}
		if (!ok)
			all = false;
		if (!comma)
			break;
		p = comma + 1;
	}
	*ret = all;
	return 0;
}

int cs_version_satisfies(enum cs_version_scheme s, const char *v, const char *range, bool *ret,
			 struct cs_error *err)
{
	size_t vn, rn;
	bool r = false;
	int k;

	if ((unsigned)s >= CS_VERSION_SCHEME_COUNT)
		return cs_error_set(err, -CS_E_INPUT, "unknown version scheme %d", (int)s);
	if (!v || !range)
		return cs_error_set(err, -CS_E_INPUT, "missing version or range");
	vn = strnlen(v, CS_VERSION_MAX_LEN + 1);
	if (vn > CS_VERSION_MAX_LEN)
		return bad_version(err, s, v, vn);
	rn = strnlen(range, CS_VERSION_RANGE_MAX_LEN + 1);
	if (rn > CS_VERSION_RANGE_MAX_LEN)
		return bad_range(err, s, range, "too long");
	if (!schemes[s]->satisfies) {
		k = generic_satisfies(s, v, vn, range, &r, err);
		if (k < 0)
			return k;
	} else {
		k = schemes[s]->satisfies(v, vn, range, rn, &r);
		if (k == CS_VCMP_BAD_A)
			return bad_version(err, s, v, vn);
		if (k != CS_VCMP_OK)
			return bad_range(err, s, range, "syntax error");
	}
	*ret = r;
	return 0;
}
