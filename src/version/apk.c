/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alpine (apk-tools) versions:
 *   digits{.digits}...{letter}{_suffix{digits}}...{~hash}{-rN}
 * following apk-tools' own tokenizer: each token may only follow tokens of
 * a lower kind, suffixes _alpha _beta _pre _rc sort before "no suffix" and
 * _cvs _svn _git _hg _p after it, a digit group after a dot with a leading
 * zero compares as a string, and the fuzzy match ("~") only looks at the
 * tokens the bound has. Invalid versions still compare the way apk does it
 * (cs_version_apk_cmp_raw), but the public API rejects them.
 */
#include "internal.h"

enum apk_token {
	T_INITIAL_DIGIT,
	T_DIGIT,
	T_LETTER,
	T_SUFFIX,
	T_SUFFIX_NO,
	T_COMMIT_HASH,
	T_REVISION_NO,
	T_END,
	T_INVALID,
};

enum apk_suffix {
	S_INVALID,
	S_ALPHA,
	S_BETA,
	S_PRE,
	S_RC,
	S_NONE,
	S_CVS,
	S_SVN,
	S_GIT,
	S_HG,
	S_P,
};

struct tok {
	enum apk_token token;
	enum apk_suffix suffix;
	const char *val; /* the token's text (digits, letter, suffix, hash) */
	size_t valn;
};

struct cursor {
	const char *p;
	size_t n;
};

static enum apk_suffix suffix_value(const char *s, size_t n)
{
	static const char *const names[] = {
		[S_ALPHA] = "alpha", [S_BETA] = "beta", [S_PRE] = "pre",
		[S_RC] = "rc",	     [S_CVS] = "cvs",	[S_SVN] = "svn",
		[S_GIT] = "git",     [S_HG] = "hg",	[S_P] = "p",
	};

	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++) {
		if (!names[i])
			continue;
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return (enum apk_suffix)i;
	}
	return S_INVALID;
}

static void take_digits(struct tok *t, struct cursor *c)
{
	size_t i = 0;

	while (i < c->n && cs_v_isdigit(c->p[i]))
		i++;
	t->val = c->p;
	t->valn = i;
	c->p += i;
	c->n -= i;
	if (i == 0)
		t->token = T_INVALID;
}

static void token_first(struct tok *t, struct cursor *c)
{
	t->token = T_INITIAL_DIGIT;
	t->suffix = S_INVALID;
	take_digits(t, c);
}

static bool is_hex(char c)
{
	return cs_v_isdigit(c) || (c >= 'a' && c <= 'f');
}

static void token_next(struct tok *t, struct cursor *c)
{
	char ch;
	size_t i;

	if (c->n == 0) {
		t->token = T_END;
		return;
	}
	ch = c->p[0];
	if (cs_v_islower(ch)) {
		if (t->token > T_DIGIT)
			goto invalid;
		t->val = c->p;
		t->valn = 1;
		t->token = T_LETTER;
		c->p++, c->n--;
		return;
	}
	if (ch == '.' || cs_v_isdigit(ch)) {
		if (ch == '.') {
			if (t->token > T_DIGIT)
				goto invalid;
			c->p++, c->n--;
		}
		if (t->token == T_INITIAL_DIGIT || t->token == T_DIGIT)
			t->token = T_DIGIT;
		else if (t->token == T_SUFFIX)
			t->token = T_SUFFIX_NO;
		else
			goto invalid;
		take_digits(t, c);
		return;
	}
	switch (ch) {
	case '_':
		if (t->token > T_SUFFIX_NO)
			goto invalid;
		c->p++, c->n--;
		for (i = 0; i < c->n && cs_v_islower(c->p[i]); i++)
			;
		t->val = c->p;
		t->valn = i;
		c->p += i;
		c->n -= i;
		t->suffix = suffix_value(t->val, t->valn);
		if (t->suffix == S_INVALID)
			goto invalid;
		t->token = T_SUFFIX;
		return;
	case '~':
		if (t->token >= T_COMMIT_HASH)
			goto invalid;
		c->p++, c->n--;
		for (i = 0; i < c->n && is_hex(c->p[i]); i++)
			;
		t->val = c->p;
		t->valn = i;
		c->p += i;
		c->n -= i;
		if (i == 0)
			goto invalid;
		t->token = T_COMMIT_HASH;
		return;
	case '-':
		if (t->token >= T_REVISION_NO)
			goto invalid;
		if (c->n < 2 || c->p[1] != 'r')
			goto invalid;
		c->p += 2, c->n -= 2;
		t->token = T_REVISION_NO;
		take_digits(t, c);
		return;
	default:
		break;
	}
invalid:
	t->token = T_INVALID;
}

static int token_cmp(const struct tok *a, const struct tok *b)
{
	switch (a->token) {
	case T_DIGIT:
		/* a leading zero after a dot means string comparison (Gentoo) */
		if (a->val[0] == '0' || b->val[0] == '0')
			return cs_vstr_cmp(a->val, a->valn, b->val, b->valn);
		return cs_vnum_cmp(a->val, a->valn, b->val, b->valn);
	case T_INITIAL_DIGIT:
	case T_SUFFIX_NO:
	case T_REVISION_NO:
		return cs_vnum_cmp(a->val, a->valn, b->val, b->valn);
	case T_LETTER:
		return (int)(unsigned char)a->val[0] - (int)(unsigned char)b->val[0];
	case T_SUFFIX:
		return (int)a->suffix - (int)b->suffix;
	default:
		return cs_vstr_cmp(a->val, a->valn, b->val, b->valn);
	}
}

int cs_version_apk_cmp_raw(const char *a, size_t an, const char *b, size_t bn, bool fuzzy)
{
	struct cursor ca = { a, an }, cb = { b, bn };
	struct tok ta, tb;

	token_first(&ta, &ca);
	token_first(&tb, &cb);
	while (ta.token == tb.token && ta.token < T_END) {
		int r = token_cmp(&ta, &tb);

		if (r)
			return cs_v_sign(r);
		token_next(&ta, &ca);
		token_next(&tb, &cb);
	}
	if (ta.token == tb.token)
		return 0;
	if (tb.token == T_END && fuzzy)
		return 0;
	/* the version that goes on is newer, unless it goes on with a pre-release suffix */
	if (ta.token == T_SUFFIX && ta.suffix < S_NONE)
		return -1;
	if (tb.token == T_SUFFIX && tb.suffix < S_NONE)
		return 1;
	if (ta.token > tb.token)
		return -1;
	if (tb.token > ta.token)
		return 1;
	return 0;
}

static bool apk_valid(const char *v, size_t n)
{
	struct cursor c = { v, n };
	struct tok t;
	size_t count = 0;

	for (token_first(&t, &c); t.token < T_END; token_next(&t, &c))
		if (++count > CS_VERSION_MAX_PARTS)
			return false;
	return t.token == T_END;
}

static int apk_compare_mode(const char *a, size_t an, const char *b, size_t bn, int *ret,
			    bool fuzzy)
{
	if (!apk_valid(a, an))
		return CS_VCMP_BAD_A;
	if (!apk_valid(b, bn))
		return CS_VCMP_BAD_B;
	*ret = cs_version_apk_cmp_raw(a, an, b, bn, fuzzy);
	return CS_VCMP_OK;
}

static int apk_compare(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	return apk_compare_mode(a, an, b, bn, ret, false);
}

static int apk_compare_fuzzy(const char *a, size_t an, const char *b, size_t bn, int *ret)
{
	return apk_compare_mode(a, an, b, bn, ret, true);
}

const struct cs_version_ops cs_version_apk_ops = {
	.name = "apk",
	.valid = apk_valid,
	.compare = apk_compare,
	.compare_fuzzy = apk_compare_fuzzy,
};
