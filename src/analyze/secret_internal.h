/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rule specifications before compilation: the built-in table
 * (secret_rules.c) and the rules read from a file share this shape.
 */
#pragma once

#include "analyze/secret.h"

struct secret_allow_spec {
	const char *description;
	const char *target;    /* "secret" (default), "match", "line" */
	const char *condition; /* "OR" (default), "AND" */
	const char *const *regexes;
	const char *const *paths;
	const char *const *stopwords;
};

struct secret_rule_spec {
	const char *id;
	const char *description;
	const char *regex; /* NULL: a path-only rule */
	const char *path;  /* NULL: every file */
	int secret_group;  /* 0: the first non-empty group, or the whole match */
	double entropy;	   /* 0: no threshold */
	const char *const *keywords;
	enum cs_severity severity;
	const struct secret_allow_spec *allow;
	size_t n_allow;
};

extern const struct secret_rule_spec secret_builtin_rules[];
extern const size_t secret_builtin_n_rules;
extern const struct secret_allow_spec secret_builtin_global_allow;
