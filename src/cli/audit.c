/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit host|k8s|compose|netpol: the verb dispatcher and what every
 * audit verb shares — the output options (-f, -o, --severity, --exit-code,
 * --quiet) and cli_audit_emit, which filters, writes the report atomically
 * and turns the results into the exit status. The k8s and compose verbs
 * are audit_k8s.c, host and netpol audit_host.c and audit_netpol.c.
 */
#include <string.h>
#include <unistd.h>
#include "audit/audit.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "report/report.h"

const char cli_audit_opts_help[] =
	"output options:\n"
	"  -f, --format FORMAT     table (default), json, sarif or junit\n"
	"  -o, --output FILE       write the report to FILE (atomically)\n"
	"  --severity LIST         only results of these severities (critical,high,medium,\n"
	"                          low,negligible,unknown); gates --exit-code too\n"
	"  --exit-code N           exit with N when a shown result fails (default 0)\n"
	"  --quiet                 report only fail, warn and manual results; no warnings\n";

void cli_audit_opts_init(struct cli_audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = CS_REPORT_TABLE;
	for (int s = 0; s <= CS_SEV_CRITICAL; s++)
		o->severities[s] = true;
	o->quiet = cli_quiet;
}

int cli_audit_opts_parse(struct cli_audit_opts *o, int opt, const char *arg)
{
	int v;

	switch (opt) {
	case 'f':
		v = cs_report_format_from_name(arg);
		if (v != CS_REPORT_TABLE && v != CS_REPORT_JSON && v != CS_REPORT_SARIF &&
		    v != CS_REPORT_JUNIT)
			return -cli_usage_error(
				"unknown format '%s' for audit (table, json, sarif, junit)", arg);
		o->format = (enum cs_report_format)v;
		return 1;
	case 'o':
		o->output = arg;
		return 1;
	case 3000:
		if (cli_parse_severities(arg, o->severities) < 0)
			return -cli_usage_error("invalid --severity '%s' (critical,high,medium,low,"
						"negligible,unknown)",
						arg);
		return 1;
	case 3001:
		if (cs_safe_atoi(arg, &v) < 0 || v < 0 || v > 255)
			return -cli_usage_error("invalid --exit-code '%s' (0-255)", arg);
		o->exit_code = v;
		return 1;
	case 3002:
		o->quiet = true;
		return 1;
	}
	return 0;
}

int cli_audit_emit(struct cs_audit *a, const struct cli_audit_opts *o)
{
	struct cs_audit_report_options ropts = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cli_output out;
	bool failed;
	int r;

	cs_audit_filter(a, o->severities, o->quiet);
	cs_audit_sort(a);
	if (!o->quiet)
		for (size_t i = 0; i < a->n_warnings; i++) {
			_cleanup_free_ char *safe = cs_term_sanitize(a->warnings[i]);

			fprintf(stderr, "%s: warning: %s\n", cli_program,
				safe ? safe : a->warnings[i]);
		}
	failed = cs_audit_failed(a, NULL);
	r = cli_output_open(&out, o->output, &err);
	if (r < 0)
		return cli_fail(&err);
	ropts.width = cli_term_width(out.f);
	ropts.colour = out.tty && !getenv("NO_COLOR");
	r = cs_report_audit(o->format, a, &ropts, out.f, &err);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot write the report");
		cli_output_abort(&out);
		return cli_fail(&err);
	}
	r = cli_output_commit(&out, &err);
	if (r < 0)
		return cli_fail(&err);
	return failed ? o->exit_code : 0;
}

static const struct cli_verb audit_verbs[] = {
	{ "host", cli_audit_host, "the host, its container engine and running containers" },
	{ "k8s", cli_audit_k8s, "Kubernetes manifests (YAML, JSON, Helm output)" },
	{ "compose", cli_audit_compose, "Docker Compose files" },
	{ "netpol", cli_audit_netpol, "Kubernetes network policies" },
};

int cmd_audit(int argc, char **argv)
{
	return cli_dispatch("audit", audit_verbs, CS_ARRAY_SIZE(audit_verbs), argc, argv);
}
