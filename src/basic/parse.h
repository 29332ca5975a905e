/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Safe number parsing (systemd safe_atou). All functions take (ptr, len) or
 * a NUL-terminated string, accept only the whole input, reject signs where
 * they make no sense, detect overflow, and leave *ret untouched on failure.
 * Return 0 or -EINVAL / -ERANGE.
 */
#pragma once

#include "macro.h"

int cs_parse_u64n(const char *s, size_t len, unsigned base, uint64_t *ret);
int cs_parse_i64n(const char *s, size_t len, int64_t *ret);
int cs_safe_atou64(const char *s, uint64_t *ret);
int cs_safe_atoi64(const char *s, int64_t *ret);
int cs_safe_atou32(const char *s, uint32_t *ret);
int cs_safe_atoi(const char *s, int *ret);
/* Octal numbers as tar writes them: spaces/NULs around digits allowed. */
int cs_parse_octaln(const char *s, size_t len, uint64_t *ret);
/* Sizes with an optional binary suffix: 512, 64K, 10M, 2G, 1T (powers of 1024). */
int cs_parse_size(const char *s, uint64_t *ret);
/* Durations: 90, 90s, 5m, 2h, 1d (seconds). */
int cs_parse_duration(const char *s, uint64_t *ret_seconds);

/* Format a size for humans: "1.5 MiB". Returns buf. */
const char *cs_format_size(uint64_t n, char *buf, size_t bufsz);
