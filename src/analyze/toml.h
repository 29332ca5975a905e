/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded reader for the TOML subset rule files use (gitleaks'
 * configuration): tables, arrays of tables, dotted and quoted keys, basic,
 * literal and multi-line strings, arrays, integers, floats, booleans and
 * comments. Dates and inline tables are refused as unsupported. Input is
 * untrusted: (ptr, len) without a trailing NUL, every count and depth
 * capped, duplicate keys refused.
 *
 * The result is a small value tree that a JSON document can also be turned
 * into (cs_tv_from_json), so one interpreter serves both rule formats.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "basic/error.h"

enum cs_tv_type {
	CS_TV_STRING = 0,
	CS_TV_INT,
	CS_TV_FLOAT,
	CS_TV_BOOL,
	CS_TV_ARRAY,
	CS_TV_TABLE,
};

struct cs_tv {
	enum cs_tv_type type;
	char *s; /* strings: NUL-terminated (embedded NULs are refused) */
	int64_t i;
	double f; /* floats, and integers too */
	bool b;
	/* arrays and tables: n items; tables also have keys */
	struct cs_tv **items;
	char **keys;
	size_t n, cap;
	bool defined;  /* tables: opened by a [header] or by key/values */
	bool aot;      /* arrays: built by [[headers]] */
	unsigned line; /* where the value starts (1-based) */
};

#define CS_TOML_MAX_SIZE  (4u << 20)
#define CS_TOML_MAX_DEPTH 16
#define CS_TOML_MAX_ITEMS 100000 /* values in one document */

/* Parse; errors name the line: "line 12: unterminated string". */
int cs_toml_parse(const char *p, size_t len, struct cs_tv **ret, struct cs_error *err);
/* A JSON document (jansson) as the same tree; objects become tables. */
int cs_tv_from_json(const char *p, size_t len, struct cs_tv **ret, struct cs_error *err);
void cs_tv_free(struct cs_tv *v);
CS_DEFINE_CLEANUP(struct cs_tv *, cs_tv_free)
/* The value under key in a table, or NULL. */
const struct cs_tv *cs_tv_get(const struct cs_tv *t, const char *key);
const char *cs_tv_type_name(enum cs_tv_type t);
