/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VEX input (docs/SUPPRESSION.md): statements from OpenVEX (v0.2.0 and the
 * older plain-string form) and CycloneDX VEX (1.4 to 1.6, JSON) documents
 * about whether a vulnerability affects a product. A finding is suppressed
 * when the latest statement that names its vulnerability (id or alias) and
 * applies to its package says "not_affected" (OpenVEX) or "not_affected" /
 * "false_positive" (CycloneDX).
 *
 * Products are matched by package URL: type, namespace and name, the
 * version when the statement's purl has one, and every qualifier the
 * statement's purl has. An image product (pkg:oci/..., pkg:docker/... or a
 * bare digest) applies to the scanned image when its digest, if it gives
 * one, is the image's; with subcomponents it applies to those, without to
 * every package.
 *
 * Documents are untrusted input: bounded size, statement, product and
 * alias counts and field lengths; malformed documents are errors naming the
 * file and what is wrong. Statements customs cannot use (a product that is
 * neither a purl nor a digest, a CycloneDX ref that names no component) are
 * dropped with a warning.
 */
#pragma once

#include <stdint.h>
#include "basic/error.h"
#include "catalog/package.h"
#include "match/match.h"

#define CS_VEX_FILE_MAX	      (32u << 20) /* bytes per document */
#define CS_VEX_MAX_STATEMENTS 100000	  /* in all documents together */
#define CS_VEX_MAX_PRODUCTS   1000000	  /* products and subcomponents, all documents */
#define CS_VEX_MAX_ALIASES    256	  /* per vulnerability */
#define CS_VEX_ID_MAX	      256	  /* bytes in a vulnerability id */
#define CS_VEX_TEXT_MAX	      65536	  /* bytes in a justification or statement */

struct cs_vex;

int cs_vex_new(struct cs_vex **ret);
void cs_vex_free(struct cs_vex *v);
CS_DEFINE_CLEANUP(struct cs_vex *, cs_vex_free)

/*
 * Parse one document (the format is recognised from its content) and add
 * its statements; name labels it in messages and in "suppressed by"
 * ("vex:NAME"). On failure nothing of the document is kept.
 */
int cs_vex_add(struct cs_vex *v, const char *data, size_t len, const char *name,
	       struct cs_error *err);
/* Read the file at path and add it. */
int cs_vex_load(struct cs_vex *v, const char *path, struct cs_error *err);
/* Statements kept so far. */
size_t cs_vex_count(const struct cs_vex *v);

/* What was scanned, for image products. */
struct cs_vex_target {
	struct cs_catalog *cat; /* every package scanned (NULL: the findings' packages) */
	/* the image's manifest, index and config digests; NULL where unknown */
	const char *digests[3];
};

/*
 * Move the findings the statements clear to the suppressed list (by
 * "vex:NAME", why: the justification and impact statement or detail), and
 * add the warnings of reading the documents to fs. Statements are ordered
 * by their time (a statement without one is older than any with one), ties
 * by the order documents were added and statements written. Returns the
 * number of findings suppressed, or <0 (only -ENOMEM).
 */
int cs_vex_apply(const struct cs_vex *v, struct cs_findings *fs, const struct cs_vex_target *t,
		 struct cs_error *err);
