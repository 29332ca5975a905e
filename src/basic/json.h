/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A streaming JSON writer: output goes straight to a FILE or a cs_buf as
 * values are added, so reports of any size use constant memory. Commas,
 * nesting and string escaping are handled here; invalid UTF-8 in strings is
 * replaced by U+FFFD so the output is always valid JSON.
 *
 * Errors are sticky: calls after the first failure do nothing and
 * cs_json_finish() returns the failure, so callers check once at the end.
 */
#pragma once

#include <stdio.h>
#include "buf.h"

#define CS_JSON_PRETTY	  (1u << 0)
#define CS_JSON_MAX_DEPTH 128

struct cs_json;

int cs_json_new_file(FILE *f, unsigned flags, struct cs_json **ret);
int cs_json_new_buf(struct cs_buf *b, unsigned flags, struct cs_json **ret);
/* Check the document is complete, flush, and return the first error (0 if none). */
int cs_json_finish(struct cs_json *j);
void cs_json_free(struct cs_json *j);
CS_DEFINE_CLEANUP(struct cs_json *, cs_json_free)

void cs_json_begin_object(struct cs_json *j);
void cs_json_end_object(struct cs_json *j);
void cs_json_begin_array(struct cs_json *j);
void cs_json_end_array(struct cs_json *j);
void cs_json_key(struct cs_json *j, const char *key);
/* NULL writes null */
void cs_json_string(struct cs_json *j, const char *s);
void cs_json_stringn(struct cs_json *j, const char *s, size_t n);
void cs_json_int(struct cs_json *j, int64_t v);
void cs_json_uint(struct cs_json *j, uint64_t v);
void cs_json_double(struct cs_json *j, double v);
void cs_json_bool(struct cs_json *j, bool v);
void cs_json_null(struct cs_json *j);

/* key + value shorthands */
void cs_json_kv_string(struct cs_json *j, const char *key, const char *s);
void cs_json_kv_int(struct cs_json *j, const char *key, int64_t v);
void cs_json_kv_uint(struct cs_json *j, const char *key, uint64_t v);
void cs_json_kv_bool(struct cs_json *j, const char *key, bool v);
/* a NULL-terminated string vector as an array (null when v is NULL) */
void cs_json_kv_strv(struct cs_json *j, const char *key, char *const *v);

/* Append the JSON-escaped form of (s, n), without quotes, to b. */
int cs_json_escape(struct cs_buf *b, const char *s, size_t n);
