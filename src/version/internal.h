/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface between the version dispatcher (version.c) and the
 * per-scheme implementations. Every scheme works on (ptr, len) and never
 * allocates on the heap: versions are bounded (CS_VERSION_MAX_LEN bytes,
 * CS_VERSION_MAX_PARTS components), so parsed forms live on the stack.
 * Nothing here recurses on input.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "version.h"

#define CS_VERSION_MAX_LEN   1024
#define CS_VERSION_MAX_PARTS 128
/* a range holds many versions; its own bounds */
#define CS_VERSION_RANGE_MAX_LEN   16384
#define CS_VERSION_RANGE_MAX_TERMS 256

/* result of a scheme's compare(): which input was invalid */
enum {
	CS_VCMP_OK = 0,
	CS_VCMP_BAD_A = 1,
	CS_VCMP_BAD_B = 2,
};

struct cs_version_ops {
	const char *name;
	bool (*valid)(const char *v, size_t n);
	/* *ret gets <0, 0, >0; returns CS_VCMP_OK or CS_VCMP_BAD_A/B */
	int (*compare)(const char *a, size_t an, const char *b, size_t bn, int *ret);
	/*
	 * Native range syntax; NULL means the generic comma-separated
	 * operator list handled by version.c. Returns CS_VCMP_OK,
	 * CS_VCMP_BAD_A (the version is invalid) or CS_VCMP_BAD_B (the range).
	 */
	int (*satisfies)(const char *v, size_t vn, const char *r, size_t rn, bool *ret);
	/* apk only: extra fuzzy comparison for the "~" operators (may be NULL) */
	int (*compare_fuzzy)(const char *a, size_t an, const char *b, size_t bn, int *ret);
};

extern const struct cs_version_ops cs_version_dpkg_ops;
extern const struct cs_version_ops cs_version_rpm_ops;
extern const struct cs_version_ops cs_version_apk_ops;
extern const struct cs_version_ops cs_version_semver_ops;
extern const struct cs_version_ops cs_version_pep440_ops;
extern const struct cs_version_ops cs_version_maven_ops;
extern const struct cs_version_ops cs_version_gem_ops;
extern const struct cs_version_ops cs_version_go_ops;

/* Character classes: ASCII only, independent of the locale. */
static inline bool cs_v_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool cs_v_islower(char c)
{
	return c >= 'a' && c <= 'z';
}

static inline bool cs_v_isupper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool cs_v_isalpha(char c)
{
	return cs_v_islower(c) || cs_v_isupper(c);
}

static inline bool cs_v_isalnum(char c)
{
	return cs_v_isalpha(c) || cs_v_isdigit(c);
}

static inline char cs_v_tolower(char c)
{
	return cs_v_isupper(c) ? (char)(c - 'A' + 'a') : c;
}

/* JavaScript/Python/Ruby-style ASCII whitespace */
static inline bool cs_v_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline int cs_v_sign(int x)
{
	return (x > 0) - (x < 0);
}

/*
 * Compare two runs of decimal digits of any length: leading zeros are
 * ignored, then the longer number is larger, then bytewise. An empty run
 * counts as 0.
 */
int cs_vnum_cmp(const char *a, size_t an, const char *b, size_t bn);
/* Is the digit run zero (empty or only '0')? */
bool cs_vnum_is_zero(const char *a, size_t an);
/* Bytewise comparison of two strings, shorter prefix first (memcmp + length). */
int cs_vstr_cmp(const char *a, size_t an, const char *b, size_t bn);
/* Case-insensitive (ASCII) equality. */
bool cs_vstr_eq_nocase(const char *a, size_t an, const char *lit);

/* Trim ASCII whitespace on both sides. */
void cs_vtrim(const char **s, size_t *n);

/*
 * Decimal increment of a digit run into buf (leading zeros dropped).
 * Returns the length written, or 0 if buf is too small.
 */
size_t cs_vnum_inc(const char *a, size_t an, char *buf, size_t bufsz);

/*
 * apk-tools comparison on any input, valid or not, exactly as apk does it
 * (invalid versions fall back to its token rules). Returns <0, 0, >0.
 * Exposed for the test of apk-tools' own vectors, some of which compare
 * invalid versions.
 */
int cs_version_apk_cmp_raw(const char *a, size_t an, const char *b, size_t bn, bool fuzzy);

/*
 * SemVer 2.0 pre-release precedence of two dot-separated identifier lists
 * (without the leading '-'): numeric identifiers compare as numbers and
 * sort before alphanumeric ones, which compare bytewise; a shorter list
 * that is a prefix sorts first. Shared by semver and Go.
 */
int cs_semver_pre_cmp(const char *a, size_t an, const char *b, size_t bn);

/*
 * The end of a SemVer 2.0 version from s[i]: an optional -PRE (no leading
 * zeros in numeric identifiers) and +BUILD, then nothing; *pre and *pren get
 * the pre-release (NULL/0 when none). parts counts the identifiers so far;
 * the whole may have at most CS_VERSION_MAX_PARTS. Shared by semver and Go.
 */
bool cs_semver_tail(const char *s, size_t n, size_t i, size_t parts, const char **pre,
		    size_t *pren);
