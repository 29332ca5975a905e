/* SPDX-License-Identifier: Apache-2.0 */
/* SBOM internals shared by the files of this folder only. */
#pragma once

#include "basic/json.h"
#include "catalog/package.h"
#include "sbom/sbom.h"

/* --- licences (license.c) --- */

enum sbom_lic_kind {
	SBOM_LIC_NONE = 0, /* no licence known */
	SBOM_LIC_ID,	   /* one identifier of the SPDX licence list */
	SBOM_LIC_EXPR,	   /* a valid SPDX expression (operators, '+', LicenseRef-) */
	SBOM_LIC_TEXT,	   /* free text */
};

struct sbom_lic {
	enum sbom_lic_kind kind;
	char *text; /* canonical id or expression, or the text as declared */
};

/* Classify a declared licence. 0 or -ENOMEM; lic->text is owned. */
int sbom_lic_classify(const char *declared, struct sbom_lic *lic);
/* The SPDX licence list id for s (any case), or NULL when unknown. */
const char *sbom_spdx_license_id(const char *s);
/* Every licence id known here, NULL-terminated (tests check them against the list). */
extern const char *const sbom_spdx_license_ids[];

/* --- document context (common.c) --- */

struct sbom_doc {
	struct cs_catalog *cat;
	const struct cs_sbom_subject *subject;
	size_t n;
	char **ids;	    /* per package: CycloneDX bom-ref or SPDX SPDXID (unique) */
	char uuid[37];	    /* content-derived UUID (version 5 layout) */
	char timestamp[32]; /* subject->created as RFC 3339 UTC */
	const char *subject_name;
	const struct cs_sbom_extension *ext; /* NULL for a plain SBOM */
};

enum sbom_id_style {
	SBOM_ID_BOMREF,
	SBOM_ID_SPDX,
};

int sbom_doc_init(struct sbom_doc *d, struct cs_catalog *cat, const struct cs_sbom_subject *s,
		  enum cs_sbom_format fmt, enum sbom_id_style style,
		  const struct cs_sbom_extension *ext);
void sbom_doc_done(struct sbom_doc *d);
/* Replace every character outside [A-Za-z0-9.-] by '-' (SPDX idstring); new string. */
char *sbom_idstring(const char *s, size_t max);
/* "@scope" and "x" of an npm "@scope/x", "vendor"/"name" for composer; group NULL otherwise */
int sbom_split_group(const struct cs_package *p, char **group, char **name);

int sbom_write_cyclonedx(struct cs_json *j, struct sbom_doc *d);
int sbom_write_spdx(struct cs_json *j, struct sbom_doc *d);
int sbom_write_native(struct cs_json *j, struct sbom_doc *d);
