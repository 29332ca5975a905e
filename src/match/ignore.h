/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ignore file (.customsignore, docs/SUPPRESSION.md): YAML entries that
 * suppress findings by vulnerability id or alias, optionally only for one
 * package (name or purl) and for packages declared under a path glob, each
 * with a required reason and an optional expiry date.
 *
 *   vulnerabilities:
 *     - id: CVE-2024-9143
 *       package: libssl3
 *       path: "lib/apk/installed"
 *       reason: "not reachable"
 *       expires: 2025-01-31
 *
 * The file is untrusted input: bounded size, entry count and field length;
 * unknown keys, a missing id or reason and bad dates are errors naming the
 * file and the line.
 */
#pragma once

#include <stdint.h>
#include "basic/error.h"
#include "match/match.h"

#define CS_IGNORE_FILE_MAX    (1u << 20) /* bytes */
#define CS_IGNORE_MAX_ENTRIES 10000
#define CS_IGNORE_FIELD_MAX   4096 /* bytes per value */

struct cs_ignore;

/* Parse an ignore file's bytes; name labels it in messages and in "suppressed by". */
int cs_ignore_parse(const char *data, size_t len, const char *name, struct cs_ignore **ret,
		    struct cs_error *err);
/* Read and parse the file at path. */
int cs_ignore_load(const char *path, struct cs_ignore **ret, struct cs_error *err);
void cs_ignore_free(struct cs_ignore *ign);
CS_DEFINE_CLEANUP(struct cs_ignore *, cs_ignore_free)
size_t cs_ignore_count(const struct cs_ignore *ign);

/*
 * Move the findings an entry matches to the suppressed list, by
 * "ignore-file:NAME:LINE" with the reason (and the expiry date) as why; the
 * first matching entry in file order is the one recorded. An entry whose
 * expiry is before now (seconds since the epoch, from the caller: tests
 * pass a fixed time) matches nothing and adds a warning to fs. Returns the
 * number of findings suppressed, or <0 (only -ENOMEM).
 */
int cs_ignore_apply(const struct cs_ignore *ign, struct cs_findings *fs, int64_t now,
		    struct cs_error *err);

/*
 * The path globs of the ignore file: '*' matches within one path segment,
 * '**' across segments ("**" followed by '/' also matches no directory at
 * all), '?' one character other than '/', [abc], [a-z] and [!a-z] one
 * character of a set, '\' takes the next character literally. A leading
 * '/' in the pattern is ignored: package paths are relative to the root.
 * -EINVAL for a malformed pattern.
 */
int cs_ignore_glob_check(const char *pattern);
bool cs_ignore_glob_match(const char *pattern, const char *path);
