/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network policy audit's own outputs (docs/AUDIT-NETPOL.md): the
 * workload-to-workload reachability matrix as a table, as the "matrix"
 * member of the JSON audit report, and the allowed flows as a Graphviz DOT
 * graph. The results themselves are written by report/audit.c.
 */
#pragma once

#include <stdio.h>
#include "audit/netpol.h"
#include "report/report.h"

/* Rows are sources, columns destinations numbered as the rows. */
int cs_report_netpol_matrix_table(const struct cs_netpol *np, FILE *f);
/* The matrix object (no newline after it); indent: the prefix of its lines. */
int cs_report_netpol_matrix_json(const struct cs_netpol *np, FILE *f, const char *indent);
/* Nodes are workloads clustered by namespace, edges the allowed flows. */
int cs_report_netpol_dot(const struct cs_netpol *np, FILE *f);
/*
 * The audit report of a netpol audit: table (the results, then the
 * matrix), json (the customs.audit/v1 document with a "matrix" member),
 * sarif and junit (the results).
 */
int cs_report_netpol(enum cs_report_format format, const struct cs_audit *a,
		     const struct cs_netpol *np, const struct cs_audit_report_options *o, FILE *f,
		     struct cs_error *err);
