/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit netpol FILE|DIR...: Kubernetes NetworkPolicies evaluated
 * over the namespaces and workloads of manifests (audit/netpol.c), as audit
 * results and the reachability matrix (table, JSON, DOT). Every input is
 * read and analysed before anything is written, so bad input fails the run
 * (exit 2, "FILE:LINE: reason") without a partial report.
 */
#include <string.h>
#include <unistd.h>
#include "audit/audit.h"
#include "audit/netpol.h"
#include "basic/buf.h"
#include "basic/stream.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "report/netpol.h"
#include "report/report.h"

#define NETPOL_MAX_OPERANDS 100000

static const char netpol_help[] =
	"usage: customs audit netpol [OPTIONS] FILE|DIR...\n\n"
	"Evaluate Kubernetes NetworkPolicies (networking.k8s.io/v1) over the namespaces\n"
	"and workloads of manifests (YAML or JSON, List kinds; directories are read for\n"
	"*.yaml, *.yml and *.json; '-' reads standard input) as Kubernetes does, and\n"
	"report what isolates each workload and which workload may reach which, on what\n"
	"ports (docs/AUDIT-NETPOL.md).\n\n"
	"  --matrix                print only the reachability matrix (a table)\n"
	"  -f dot                  the allowed flows as a Graphviz graph\n"
	"  --strict                customs.dev/ignore annotations do not apply\n"
	"                          (-f table shows the results, then the matrix; -f json\n"
	"                          has the matrix in its \"matrix\" member)\n\n";

static int load_stdin(struct cs_netpol *np, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(CS_NETPOL_MAX_FILE_SIZE);
	int r;

	if (cs_stream_from_fd(STDIN_FILENO, false, &s) < 0)
		return cs_error_set(err, -ENOMEM, "out of memory");
	r = cs_stream_read_all(s, &b, err);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "standard input: larger than %u bytes",
				    CS_NETPOL_MAX_FILE_SIZE);
	if (r < 0)
		return err->code ? cs_error_prefix(err, "standard input")
				 : cs_error_errno(err, r, "cannot read standard input");
	return cs_netpol_load_mem(np, b.data ? b.data : "", b.len, "-", err);
}

int cli_audit_netpol(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_AUDIT_LONGOPTS,
		{ "matrix", no_argument, NULL, 4000 },
		{ "strict", no_argument, NULL, 4001 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_netpol_freep) struct cs_netpol *np = NULL;
	_cleanup_(cs_audit_freep) struct cs_audit *a = NULL;
	struct cs_audit_report_options ropts = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cli_audit_opts ao;
	struct cli_output out;
	bool dot = false, matrix = false, format_set = false, strict = false, failed;
	int c, r;

	cli_audit_opts_init(&ao);
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_AUDIT_SHORTOPTS "h", longopts, NULL)) != -1) {
		if (c == 'f') {
			static const char *const formats[] = { "table", "json", "sarif", "junit" };
			bool known = false;

			format_set = true;
			dot = !strcmp(optarg, "dot");
			if (dot)
				continue;
			for (size_t i = 0; i < CS_ARRAY_SIZE(formats); i++)
				known |= !strcmp(optarg, formats[i]);
			if (!known)
				return cli_usage_error(
					"unknown format '%s' for audit netpol (table, "
					"json, sarif, junit, dot)",
					optarg);
		}
		r = cli_audit_opts_parse(&ao, c, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (c) {
		case 4000:
			matrix = true;
			break;
		case 4001:
			strict = true;
			break;
		case 'h':
			printf("%s%s", netpol_help, cli_audit_opts_help);
			return 0;
		default:
			return cli_usage_error("see 'customs audit netpol --help'");
		}
	}
	if (matrix && format_set && (dot || ao.format != CS_REPORT_TABLE))
		return cli_usage_error("--matrix is a table; it takes no -f");
	if (optind >= argc)
		return cli_usage_error(
			"audit netpol takes one or more files or directories (see --help)");
	if (argc - optind > NETPOL_MAX_OPERANDS)
		return cli_usage_error("more than %d files", NETPOL_MAX_OPERANDS);

	if (cs_netpol_new(&np) < 0 || cs_audit_new("netpol", &a) < 0)
		return EXIT_INTERNAL;
	for (int i = optind; i < argc; i++) {
		r = !strcmp(argv[i], "-") ? load_stdin(np, &err)
					  : cs_netpol_load_path(np, argv[i], &err);
		if (r < 0)
			return cli_fail(&err);
	}
	r = cs_netpol_analyze(np, &err);
	if (r < 0)
		return cli_fail(&err);
	r = cs_netpol_audit(np, strict, a);
	if (r < 0) {
		cs_error_set(&err, r, "out of memory");
		return cli_fail(&err);
	}

	cs_audit_filter(a, ao.severities, ao.quiet);
	cs_audit_sort(a);
	if (!ao.quiet)
		for (size_t i = 0; i < a->n_warnings; i++) {
			_cleanup_free_ char *safe = cs_term_sanitize(a->warnings[i]);

			fprintf(stderr, "%s: warning: %s\n", cli_program,
				safe ? safe : a->warnings[i]);
		}
	failed = cs_audit_failed(a, NULL);
	r = cli_output_open(&out, ao.output, &err);
	if (r < 0)
		return cli_fail(&err);
	ropts.width = cli_term_width(out.f);
	ropts.colour = out.tty && !getenv("NO_COLOR");
	if (dot)
		r = cs_report_netpol_dot(np, out.f);
	else if (matrix)
		r = cs_report_netpol_matrix_table(np, out.f);
	else
		r = cs_report_netpol(ao.format, a, np, &ropts, out.f, &err);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot write the report");
		cli_output_abort(&out);
		return cli_fail(&err);
	}
	r = cli_output_commit(&out, &err);
	if (r < 0)
		return cli_fail(&err);
	return failed ? ao.exit_code : 0;
}
