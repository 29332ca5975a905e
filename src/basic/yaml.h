/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML into jansson trees, for every YAML input customs reads (OSV and
 * rubysec advisories, Kubernetes and Compose files, policies, runtime
 * rules). Built on libyaml's event parser; inputs are hostile, so depth,
 * node count and alias expansion are bounded.
 *
 * Shape: mappings are objects (keys are scalars), sequences are arrays,
 * plain null/~/empty scalars are null, plain true/false (any of the three
 * casings) are booleans. Every other scalar is a string unless the caller
 * asks for typed numbers, in which case plain decimal integers become
 * integers and plain decimal floats become reals ("1.10" quoted stays text).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "basic/error.h"
#include "basic/macro.h"

#define CS_YAML_MAX_DEPTH 64
#define CS_YAML_MAX_NODES (4u << 20) /* after alias expansion */

struct cs_yaml_options {
	bool aliases;	 /* accept anchors and aliases (and "<<" merge keys) */
	bool numbers;	 /* plain integers and floats become JSON numbers */
	bool lines;	 /* record the line of every mapping and sequence */
	size_t max_docs; /* 0: no limit */
};

struct cs_yaml_doc {
	json_t *root;  /* null for an empty document */
	unsigned line; /* 1-based line where the document starts */
};

/* The documents of one stream, and the line of each container node. */
struct cs_yaml {
	struct cs_yaml_doc *docs;
	size_t n_docs;
	/* sorted by node address when lines were asked for */
	struct cs_yaml_line {
		const json_t *node;
		unsigned line;
	} * lines;
	size_t n_lines;
};

/*
 * Load every document of data. Errors: -CS_E_INPUT (syntax, an alias when
 * not allowed, a complex key, NUL or invalid UTF-8), -CS_E_LIMIT (depth,
 * nodes, documents), -ENOMEM; err names the line.
 */
int cs_yaml_parse(const char *data, size_t len, const struct cs_yaml_options *o,
		  struct cs_yaml **ret, struct cs_error *err);
void cs_yaml_free(struct cs_yaml *y);
CS_DEFINE_CLEANUP(struct cs_yaml *, cs_yaml_free)
/* 1-based line where an object or array of y starts; 0 when unknown. */
unsigned cs_yaml_line(const struct cs_yaml *y, const json_t *node);

/*
 * The first document only, plain strings, no aliases (the OSV and rubysec
 * shape). An empty stream is -CS_E_INPUT.
 */
int cs_yaml_load(const char *data, size_t len, json_t **ret, struct cs_error *err);
