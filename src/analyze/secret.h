/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secret scanning: a rule set (built-in, customs JSON or gitleaks TOML,
 * docs/SECRETS.md) compiled once into one Vectorscan/Hyperscan prefilter
 * database plus one PCRE2 program per rule, matched over file contents and
 * image config strings. Findings become CS_ISSUE_SECRET issues whose
 * excerpt is redacted: no field of an issue, no warning and no error ever
 * carries a secret's text.
 */
#pragma once

#include "analyze/analyze.h"

struct cs_secret_rules;

enum {
	CS_SECRET_PARSE_ONLY = 1 << 0, /* check the rules file; compile no regex (fuzzing) */
};

#define CS_SECRET_MAX_RULES    4096
#define CS_SECRET_MAX_REGEX    16384	   /* bytes of one regex */
#define CS_SECRET_MAX_LIST     4096	   /* entries of one keyword/allowlist array */
#define CS_SECRET_MAX_FILE     (10u << 20) /* default content cap per file */
#define CS_SECRET_MAX_PER_FILE 100	   /* findings kept per file (or config string) */

/* The built-in rules. */
int cs_secret_rules_builtin(struct cs_secret_rules **ret, struct cs_error *err);
/*
 * Rules from a document: gitleaks TOML, or customs JSON (first non-blank
 * byte '{'). name is used in errors only. A rule that cannot compile is an
 * error naming the rule.
 */
int cs_secret_rules_parse(const char *data, size_t len, const char *name, unsigned flags,
			  struct cs_secret_rules **ret, struct cs_error *err);
/* Read a file (at most CS_TOML_MAX_SIZE bytes) and parse it. */
int cs_secret_rules_load(const char *path, struct cs_secret_rules **ret, struct cs_error *err);
void cs_secret_rules_free(struct cs_secret_rules *rs);
CS_DEFINE_CLEANUP(struct cs_secret_rules *, cs_secret_rules_free)
size_t cs_secret_rules_count(const struct cs_secret_rules *rs);
/* Rule ids that the prefilter database could not take (PCRE2 on keywords). */
size_t cs_secret_rules_fallback_count(const struct cs_secret_rules *rs);
const char *cs_secret_rule_id(const struct cs_secret_rules *rs, size_t i);

/*
 * Scan one buffer. Issues get path/layer (path NULL for config strings, with
 * where set instead). Returns the number of issues added, or <0.
 */
int cs_secret_scan(struct cs_secret_rules *rs, const char *path, int layer, const char *where,
		   const void *p, size_t n, struct cs_issues *out, struct cs_error *err);

/* Shannon entropy in bits per byte. */
double cs_secret_entropy(const char *s, size_t n);

extern const struct cs_analyzer cs_analyzer_secret;
