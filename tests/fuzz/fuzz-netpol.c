/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit netpol on arbitrary manifests: loading never crashes and fails
 * with one line; a successful load analyses, every cell of the matrix is a
 * port string, the audit results are complete, and every writer (matrix
 * table, JSON, DOT) produces its document — the JSON one parses back with
 * the same number of rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "audit/netpol.h"
#include "report/netpol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_netpol *np = NULL;
	struct cs_audit *a = NULL;
	char *doc = NULL;
	size_t len = 0;
	FILE *mem;
	json_t *back;
	size_t n;
	FILE *null;
	int r;

	if (size > 1 << 16 || cs_netpol_new(&np) < 0)
		return 0;
	r = cs_netpol_load_mem(np, (const char *)data, size, "fuzz.yaml", &err);
	if (r < 0) {
		if (r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
			abort();
		cs_netpol_free(np);
		return 0;
	}
	if (cs_netpol_analyze(np, &err) < 0) {
		/* only resources can fail once the input is accepted */
		if (err.code != -ENOMEM && err.code != -CS_E_LIMIT)
			abort();
		cs_netpol_free(np);
		return 0;
	}
	n = cs_netpol_n_workloads(np);
	for (size_t s = 0; s < n; s++)
		for (size_t d = 0; d < n; d++) {
			const char *c = cs_netpol_cell(np, s, d);

			if (!c || !*c || (!strcmp(c, "-")) == cs_netpol_allowed(np, s, d))
				abort();
		}
	if (cs_audit_new("netpol", &a) < 0 || cs_netpol_audit(np, false, a) < 0)
		abort();
	/* two results per workload at least (ingress and egress isolation) */
	if (a->n < 2 * n)
		abort();
	null = fopen("/dev/null", "w");
	if (null) {
		if (cs_report_netpol_matrix_table(np, null) < 0 ||
		    cs_report_netpol_dot(np, null) < 0)
			abort();
		fclose(null);
	}
	mem = open_memstream(&doc, &len);
	if (!mem)
		abort();
	if (cs_report_netpol_matrix_json(np, mem, "") < 0)
		abort();
	fclose(mem);
	back = json_loadb(doc, len, 0, NULL);
	if (!back || json_array_size(json_object_get(back, "cells")) != n ||
	    json_array_size(json_object_get(back, "workloads")) != n)
		abort();
	json_decref(back);
	free(doc);
	cs_audit_free(a);
	cs_netpol_free(np);
	return 0;
}
