/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OSV and ruby-advisory-db parsers, then the database writer. The first
 * byte chooses the path: '{', '[' or whitespace is an OSV JSON document,
 * "CVSS:" a CVSS vector, anything else YAML (read both as an OSV YAML
 * document and as a ruby-advisory-db advisory). Every record a parser hands
 * over is checked (ids, scores, ranges that parse as a JSON array of
 * objects) and then written into one database that is never committed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vulndb/osv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_vulndb_writer *writer;

static void drop_writer(void)
{
	cs_vulndb_writer_free(writer); /* abandons: removes its temporary file */
	writer = NULL;
}

static struct cs_vulndb_writer *get_writer(void)
{
	char path[64];

	if (!writer) {
		snprintf(path, sizeof(path), "/tmp/cs-fuzz-osv-%d.db", (int)getpid());
		if (cs_vulndb_writer_new(path, &writer, NULL) < 0)
			abort();
		atexit(drop_writer);
	}
	return writer;
}

static bool score_ok(double s)
{
	return s >= 0.0 && s <= 10.0;
}

static int check_vuln(void *ud, const struct cs_vuln *v, struct cs_error *err)
{
	(void)ud;
	if (!cs_adv_id_valid(v->id) || !score_ok(v->cvss3_score) || !score_ok(v->cvss4_score) ||
	    (unsigned)v->severity > CS_SEV_CRITICAL)
		abort();
	return cs_vulndb_put_vuln(get_writer(), v, err);
}

static int check_alias(void *ud, const char *id, const char *alias, struct cs_error *err)
{
	(void)ud;
	if (!cs_adv_id_valid(id) || !cs_adv_id_valid(alias) || !strcmp(id, alias))
		abort();
	return cs_vulndb_put_alias(get_writer(), id, alias, err);
}

static int check_affected(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	json_error_t jerr;
	json_t *ranges, *r;
	size_t i;

	(void)ud;
	if (!a->namespace || !a->namespace[0] || !a->package || !a->package[0] ||
	    !cs_adv_id_valid(a->vuln_id) || !a->source || !a->ranges ||
	    (unsigned)a->scheme >= CS_VERSION_SCHEME_COUNT ||
	    (unsigned)a->fix_state >= CS_FIX_STATE_COUNT)
		abort();
	/* the ranges are JSON we wrote: a non-empty array of objects */
	ranges = json_loads(a->ranges, 0, &jerr);
	if (!json_is_array(ranges) || json_array_size(ranges) == 0)
		abort();
	json_array_foreach (ranges, i, r)
		if (!json_is_object(r) || json_object_size(r) == 0)
			abort();
	json_decref(ranges);
	if ((a->fix_state == CS_FIX_FIXED) != (a->fixed != NULL))
		abort();
	return cs_vulndb_put_affected(get_writer(), a, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_record_sink sink = { check_vuln, check_alias, check_affected, NULL };
	struct cs_import_report rep = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	const char *p = (const char *)data;
	int r;

	if (size < 1)
		return 0;
	if (size >= 5 && !memcmp(p, "CVSS:", 5)) {
		char v[300];
		double s = -1;

		if (size >= sizeof(v))
			return 0;
		memcpy(v, p, size);
		v[size] = '\0';
		if (cs_cvss3_base_score(v, &s) == 0 && !score_ok(s))
			abort();
		return 0;
	}
	if (p[0] == '{' || p[0] == '[' || p[0] == ' ' || p[0] == '\n' || p[0] == '\t') {
		r = cs_osv_parse(p, size, false, "fuzz.json", &sink, &rep, &err);
		if (r < 0 && r != -ENOMEM && !err.msg[0])
			abort();
		return 0;
	}
	r = cs_osv_parse(p, size, true, "fuzz.yaml", &sink, &rep, &err);
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	cs_error_clear(&err);
	r = cs_rubysec_parse(p, size, "gems/fuzz/CVE-2000-0001.yml", &sink, &rep, &err);
	if (r < 0 && r != -ENOMEM && !err.msg[0])
		abort();
	return 0;
}
