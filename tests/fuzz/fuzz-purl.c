/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the purl parser: whatever parses must format to a canonical string
 * that parses back to the same components and formats to the same string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_purl *p = NULL, *q = NULL;
	char *s, *f1 = NULL, *f2 = NULL;

	if (size > 16384 || memchr(data, 0, size))
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (cs_purl_parse(s, &p, &err) < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n'))
			abort(); /* every failure has a one-line message */
		free(s);
		return 0;
	}
	f1 = cs_purl_format(p);
	if (!f1)
		abort();
	if (cs_purl_parse(f1, &q, &err) < 0)
		abort(); /* the canonical form must parse */
	f2 = cs_purl_format(q);
	if (!f2 || strcmp(f1, f2))
		abort();
	if (!same(p->type, q->type) || !same(p->namespace, q->namespace) ||
	    !same(p->name, q->name) || !same(p->version, q->version) ||
	    !same(p->subpath, q->subpath) || p->n_qualifiers != q->n_qualifiers)
		abort();
	for (size_t i = 0; i < p->n_qualifiers; i++)
		if (strcmp(p->qualifiers[i].key, q->qualifiers[i].key) ||
		    strcmp(p->qualifiers[i].value, q->qualifiers[i].value) ||
		    cs_purl_qualifier(q, p->qualifiers[i].key) != q->qualifiers[i].value)
			abort();
	free(f1);
	free(f2);
	cs_purl_free(p);
	cs_purl_free(q);
	free(s);
	return 0;
}
