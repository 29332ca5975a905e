/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit k8s and audit compose over arbitrary input (the first byte
 * picks which, and whether ignore annotations apply): no crash, an error is
 * one line and leaves no results behind it unexplained, every result has
 * an id, a title and a line inside the input, and the audit report is
 * written in every format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/k8s.h"
#include "report/report.h"

#ifndef FUZZ_COMPOSE
#define FUZZ_COMPOSE 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum cs_report_format formats[] = { CS_REPORT_TABLE, CS_REPORT_JSON,
							 CS_REPORT_SARIF, CS_REPORT_JUNIT };
	struct cs_k8s_options o = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_audit *a = NULL;
	size_t lines = 1;
	FILE *null;
	int r;

	if (size < 1 || size > 1 << 16)
		return 0;
	o.strict = data[0] & 1;
	data++;
	size--;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (cs_audit_new(FUZZ_COMPOSE ? "compose" : "k8s", &a) < 0)
		return 0;
	r = (FUZZ_COMPOSE ? cs_audit_compose : cs_audit_k8s)(a, "fuzz.yaml", (const char *)data,
							     size, &o, &err);
	if (r < 0) {
		if (r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
			abort();
		cs_audit_free(a);
		return 0;
	}
	for (size_t i = 0; i < a->n + a->n_suppressed; i++) {
		const struct cs_check *c = i < a->n ? &a->v[i] : &a->suppressed[i - a->n];

		if (!c->id || !c->title || !c->target || c->line > lines ||
		    (o.strict && c->suppressed_by))
			abort();
	}
	cs_audit_sort(a);
	null = fopen("/dev/null", "w");
	for (size_t i = 0; null && i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct cs_error werr = CS_ERROR_INIT;

		if (cs_report_audit(formats[i], a, NULL, null, &werr) < 0)
			abort();
	}
	if (null)
		fclose(null);
	cs_audit_free(a);
	return 0;
}
