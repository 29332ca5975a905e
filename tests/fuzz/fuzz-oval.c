/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OVAL parser on a small bounded buffer of XML. Every record handed
 * over is checked: ids and packages present, a known scheme, ranges a JSON
 * array with the fixed version in it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "vulndb/distro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_vuln(void *ud, const struct cs_vuln *v, struct cs_error *err)
{
	(void)ud;
	(void)err;
	if (!v->id || !*v->id || v->cvss3_score < 0 || v->cvss3_score > 10)
		abort();
	return 0;
}

static int check_alias(void *ud, const char *id, const char *alias, struct cs_error *err)
{
	(void)ud;
	(void)err;
	if (!id || !alias || !*id || !*alias)
		abort();
	return 0;
}

static int check_affected(void *ud, const struct cs_affected *a, struct cs_error *err)
{
	json_t *r;

	(void)ud;
	(void)err;
	if (!a->namespace || !strchr(a->namespace, ':') || !a->package || !*a->package ||
	    !a->vuln_id || !a->fixed || !a->ranges || a->fix_state != CS_FIX_FIXED ||
	    (a->scheme != CS_VERSION_DPKG && a->scheme != CS_VERSION_RPM))
		abort();
	r = json_loads(a->ranges, 0, NULL);
	if (!json_is_array(r) || json_array_size(r) != 2 ||
	    strcmp(json_string_value(json_object_get(json_array_get(r, 1), "fixed")), a->fixed))
		abort();
	json_decref(r);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_record_sink sink = { check_vuln, check_alias, check_affected, NULL };
	struct cs_import_report rep = { 0 };
	struct cs_error err = CS_ERROR_INIT;

	if (size > (256u << 10))
		return 0;
	(void)cs_oval_parse((const char *)data, size, "fuzz-ubuntu.xml", &sink, &rep, &err);
	return 0;
}
