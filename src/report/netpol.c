/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writers of the network policy matrix (report/netpol.h). Workload names
 * come from hostile manifests: the table sanitises them, JSON escapes them
 * and DOT labels are quoted with every byte outside printable ASCII
 * replaced, so a name can neither break the graph nor drive a terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "report/netpol.h"

/* "  " and s padded to width (a million of these: no printf) */
static void put_cell(FILE *f, const char *s, size_t width)
{
	static const char spaces[] =
		"                                                                ";
	size_t len = strlen(s);

	fputs("  ", f);
	fwrite(s, 1, len, f);
	while (len < width) {
		size_t k = CS_MIN(width - len, sizeof(spaces) - 1);

		fwrite(spaces, 1, k, f);
		len += k;
	}
}

/*
 * Written directly rather than through cs_table: a thousand workloads make
 * a million cells, and every cell is a port string this program made
 * (digits, "/", ",", "-", "*", protocol names) under an id made of
 * validated Kubernetes names, so there is nothing to sanitise.
 */
int cs_report_netpol_matrix_table(const struct cs_netpol *np, FILE *f)
{
	size_t n = cs_netpol_n_workloads(np), wnum, wid = strlen("SOURCE \\ DESTINATION");
	size_t wiso = strlen("ISOLATED");
	_cleanup_free_ size_t *w = NULL;
	char num[32];

	fprintf(f, "Reachability: %zu workloads (rows: source, columns: destination)\n", n);
	if (!n)
		return ferror(f) ? -EIO : 0;
	w = cs_new0(size_t, n);
	if (!w)
		return -ENOMEM;
	wnum = (size_t)snprintf(num, sizeof(num), "%zu", n);
	for (size_t b = 0; b < n; b++)
		w[b] = (size_t)snprintf(num, sizeof(num), "%zu", b + 1);
	for (size_t a = 0; a < n; a++) {
		wid = CS_MAX(wid, strlen(cs_netpol_workload(np, a)->id));
		for (size_t b = 0; b < n; b++)
			w[b] = CS_MAX(w[b], strlen(cs_netpol_cell(np, a, b)));
	}
	fprintf(f, "%*s  %-*s  %-*s", (int)wnum, "#", (int)wid, "SOURCE \\ DESTINATION", (int)wiso,
		"ISOLATED");
	for (size_t b = 0; b < n; b++) {
		snprintf(num, sizeof(num), "%zu", b + 1);
		fprintf(f, "  %-*s", b + 1 < n ? (int)w[b] : 0, num);
	}
	fputc('\n', f);
	for (size_t a = 0; a < n; a++) {
		const struct cs_netpol_workload *wl = cs_netpol_workload(np, a);
		const char *iso = wl->ingress_isolated ? (wl->egress_isolated ? "in,eg" : "in")
						       : (wl->egress_isolated ? "eg" : "none");

		fprintf(f, "%*zu  %-*s  %-*s", (int)wnum, a + 1, (int)wid, wl->id, (int)wiso, iso);
		for (size_t b = 0; b < n; b++)
			put_cell(f, cs_netpol_cell(np, a, b), b + 1 < n ? w[b] : 0);
		fputc('\n', f);
	}
	return fflush(f) != 0 || ferror(f) ? -EIO : 0;
}

/* a JSON string (escaped) */
static void json_str(FILE *f, struct cs_buf *b, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	cs_buf_reset(b);
	if (cs_json_escape(b, s, strlen(s)) < 0) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	fwrite(b->data ? b->data : "", 1, b->len, f);
	fputc('"', f);
}

/*
 * By hand as well, one workload and one row per line: pretty printing a
 * million cells one per line would make the report five times longer.
 */
int cs_report_netpol_matrix_json(const struct cs_netpol *np, FILE *f, const char *indent)
{
	size_t n = cs_netpol_n_workloads(np);
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(1u << 20);

	fprintf(f, "{\n%s  \"namespaces\": [", indent);
	for (size_t i = 0; i < cs_netpol_n_namespaces(np); i++) {
		fputs(i ? ", " : "", f);
		json_str(f, &b, cs_netpol_namespace_name(np, i));
	}
	fprintf(f, "],\n%s  \"workloads\": [", indent);
	for (size_t i = 0; i < n; i++) {
		const struct cs_netpol_workload *w = cs_netpol_workload(np, i);

		fprintf(f, "%s\n%s    {\"id\": ", i ? "," : "", indent);
		json_str(f, &b, w->id);
		fputs(", \"namespace\": ", f);
		json_str(f, &b, w->namespace);
		fputs(", \"kind\": ", f);
		json_str(f, &b, w->kind);
		fputs(", \"name\": ", f);
		json_str(f, &b, w->name);
		fputs(", \"path\": ", f);
		json_str(f, &b, w->path);
		if (w->line)
			fprintf(f, ", \"line\": %u", w->line);
		else
			fputs(", \"line\": null", f);
		fprintf(f, ", \"ingressIsolated\": %s, \"egressIsolated\": %s}",
			w->ingress_isolated ? "true" : "false",
			w->egress_isolated ? "true" : "false");
	}
	if (n)
		fprintf(f, "\n%s  ", indent);
	fprintf(f, "],\n%s  \"cells\": [", indent);
	for (size_t a = 0; a < n; a++) {
		fprintf(f, "%s\n%s    [", a ? "," : "", indent);
		for (size_t c = 0; c < n; c++) {
			fputs(c ? ", \"" : "\"", f);
			fputs(cs_netpol_cell(np, a, c), f); /* made here: nothing to escape */
			fputc('"', f);
		}
		fputc(']', f);
	}
	if (n)
		fprintf(f, "\n%s  ", indent);
	fprintf(f, "]\n%s}", indent);
	return ferror(f) ? -EIO : 0;
}

/* Inside a DOT double-quoted string: printable ASCII, quotes and backslashes escaped. */
static void dot_chars(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fputc('\\', f);
		fputc(c >= 0x20 && c < 0x7f ? c : '?', f);
	}
}

static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	dot_chars(f, s);
	fputc('"', f);
}

int cs_report_netpol_dot(const struct cs_netpol *np, FILE *f)
{
	size_t n = cs_netpol_n_workloads(np), nns = cs_netpol_n_namespaces(np);

	fprintf(f, "digraph \"netpol\" {\n"
		   "\tgraph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=\"customs audit "
		   "netpol: allowed flows between workloads; red dashed: default allow (no "
		   "ingress policy selects the destination)\"];\n"
		   "\tnode [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
		   "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	/* workloads are sorted by namespace: one cluster per run */
	for (size_t k = 0, i = 0; k < nns; k++) {
		const char *ns = cs_netpol_namespace_name(np, k);
		bool open = false;

		for (; i < n && !strcmp(cs_netpol_workload(np, i)->namespace, ns); i++) {
			const struct cs_netpol_workload *w = cs_netpol_workload(np, i);

			if (!open) {
				fprintf(f, "\tsubgraph \"cluster_%zu\" {\n\t\tlabel=", k);
				dot_str(f, ns);
				fprintf(f, ";\n");
				open = true;
			}
			fprintf(f, "\t\tw%zu [label=\"", i);
			dot_chars(f, w->kind);
			fputs("\\n", f); /* DOT's line break */
			dot_chars(f, w->name);
			fputc('"', f);
			if (!w->ingress_isolated)
				fputs(", color=red, fontcolor=red", f);
			fputs("];\n", f);
		}
		if (open)
			fputs("\t}\n", f);
	}
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++) {
			if (!cs_netpol_allowed(np, a, b))
				continue;
			fprintf(f, "\tw%zu -> w%zu [label=", a, b);
			dot_str(f, cs_netpol_cell(np, a, b));
			if (!cs_netpol_workload(np, b)->ingress_isolated)
				fputs(", style=dashed, color=red", f);
			fputs("];\n", f);
		}
	fputs("}\n", f);
	return fflush(f) != 0 || ferror(f) ? -EIO : 0;
}

/*
 * The JSON audit document of report/audit.c with the matrix added as its
 * last member: the results keep exactly the shape every audit has.
 */
static int netpol_json(const struct cs_audit *a, const struct cs_netpol *np,
		       const struct cs_audit_report_options *o, FILE *f, struct cs_error *err)
{
	char *doc = NULL;
	size_t len = 0, end;
	FILE *mem = open_memstream(&doc, &len);
	int r;

	if (!mem)
		return -ENOMEM;
	r = cs_report_audit(CS_REPORT_JSON, a, o, mem, err);
	if (fclose(mem) != 0 && r >= 0)
		r = -ENOMEM;
	if (r < 0) {
		free(doc);
		return r;
	}
	end = len;
	while (end > 0 && (doc[end - 1] == '\n' || doc[end - 1] == ' ' || doc[end - 1] == '\t'))
		end--;
	if (end < 2 || doc[0] != '{' || doc[end - 1] != '}') {
		free(doc);
		return cs_error_set(err, -CS_E_INTERNAL, "the audit report is not a JSON object");
	}
	end--;
	while (end > 0 && (doc[end - 1] == '\n' || doc[end - 1] == ' ' || doc[end - 1] == '\t'))
		end--;
	fwrite(doc, 1, end, f);
	free(doc);
	fputs(",\n  \"matrix\": ", f);
	r = cs_report_netpol_matrix_json(np, f, "  ");
	if (r < 0)
		return r;
	fputs("\n}\n", f);
	return fflush(f) != 0 || ferror(f) ? -EIO : 0;
}

int cs_report_netpol(enum cs_report_format format, const struct cs_audit *a,
		     const struct cs_netpol *np, const struct cs_audit_report_options *o, FILE *f,
		     struct cs_error *err)
{
	int r;

	switch (format) {
	case CS_REPORT_JSON:
		return netpol_json(a, np, o, f, err);
	case CS_REPORT_TABLE:
		r = cs_report_audit(format, a, o, f, err);
		if (r < 0)
			return r;
		fputc('\n', f);
		return cs_report_netpol_matrix_table(np, f);
	default:
		return cs_report_audit(format, a, o, f, err);
	}
}
