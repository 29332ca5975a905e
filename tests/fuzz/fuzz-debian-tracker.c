/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Debian security tracker parsers: input starting with '{' or
 * whitespace is read as the JSON export, anything else as the list syntax
 * (DSA/DLA/CVE lists). Every record handed over is checked: ids and
 * packages present, namespaces "debian:...", ranges a JSON array, a fixed
 * version exactly when the state is "fixed".
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
	if (!v->id || !*v->id)
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
	if (!a->namespace || strncmp(a->namespace, "debian:", 7) != 0 || !a->package ||
	    !*a->package || !a->vuln_id || !a->source || !a->ranges)
		abort();
	if ((a->fix_state == CS_FIX_FIXED) != (a->fixed != NULL))
		abort();
	r = json_loads(a->ranges, 0, NULL);
	if (!json_is_array(r))
		abort();
	json_decref(r);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_record_sink sink = { check_vuln, check_alias, check_affected, NULL };
	struct cs_import_report rep = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	const char *s = (const char *)data;

	if (size > (1u << 20))
		return 0;
	(void)cs_debian_tracker_sniff(data, size);
	if (size && (s[0] == '{' || s[0] == ' ' || s[0] == '\n'))
		(void)cs_debian_json_parse(s, size, "fuzz", &sink, &rep, &err);
	else
		(void)cs_debian_list_parse(s, size, "fuzz", &sink, &rep, &err);
	return 0;
}
