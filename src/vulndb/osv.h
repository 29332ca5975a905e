/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the OSV and ruby-advisory-db importers (imp_osv.c,
 * imp_rubysec.c), their unit tests and their fuzz target. Parsing is split
 * from writing: a parser turns one advisory document into records handed
 * to a sink, and the importers' sink is the database writer, so a parser
 * can be tested and fuzzed without a database.
 */
#pragma once

#include <jansson.h>
#include "basic/yaml.h"
#include "vulndb/importer.h"

/* cs_import_report_bad that accepts rep == NULL (records nothing). */
void cs_adv_bad(struct cs_import_report *rep, const char *file, const char *position,
		const char *fmt, ...) CS_PRINTF(4, 5);

/* Largest advisory document (one file or zip entry) read into memory. */
#define CS_ADV_DOC_MAX (16u << 20)

/*
 * CVSS v3.0/v3.1 base score of a vector ("CVSS:3.1/AV:N/AC:L/..."), with
 * the v3.1 specification's formula and Roundup (also used for v3.0).
 * Temporal and environmental metrics are accepted and ignored. Returns 0,
 * or -CS_E_INPUT for an invalid vector (unknown or repeated metric, a
 * missing base metric, a bad value).
 */
int cs_cvss3_base_score(const char *vector, double *ret);

/*
 * Parse one OSV document (JSON, or YAML when yaml is true) and hand its
 * records to sink. `file` names the document in reports. A document that
 * cannot be parsed at all is an error (-CS_E_INPUT, err set); bad records
 * or bad parts of a record are reported through rep and skipped (0).
 * -ENOMEM, or a sink failure, is returned as is.
 */
int cs_osv_parse(const char *data, size_t len, bool yaml, const char *file,
		 const struct cs_record_sink *sink, struct cs_import_report *rep,
		 struct cs_error *err);

/*
 * Parse one ruby-advisory-db advisory (gems/<gem>/<ID>.yml). `file` names
 * it in reports and gives the fallback id (its base name without .yml).
 */
int cs_rubysec_parse(const char *data, size_t len, const char *file,
		     const struct cs_record_sink *sink, struct cs_import_report *rep,
		     struct cs_error *err);

/* An advisory or alias id: 1..128 printable ASCII characters, no spaces or slashes. */
bool cs_adv_id_valid(const char *s);
