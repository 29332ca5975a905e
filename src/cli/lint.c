/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs lint dockerfile FILE...: Dockerfile rules (docs/DOCKERFILE-RULES.md)
 * over one or more files ('-' for stdin), in one report with every issue
 * naming its file, with --config, --severity and --exit-code gating for CI.
 * Every file is read and parsed before anything is written, so a malformed
 * one fails the run (exit 2, "FILE:LINE: reason") without a partial report.
 */
#include <string.h>
#include <unistd.h>
#include "analyze/analyze.h"
#include "analyze/dockerfile.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/stream.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "match/match.h"
#include "report/report.h"

#define LINT_MAX_FILES 100000

struct lint_opts {
	const char *output;
	const char *config;
	enum cs_report_format format;
	bool severities[CS_SEV_CRITICAL + 1];
	int exit_code;
};

static const char lint_common_help[] =
	"  -f, --format FORMAT     table, json, sarif, junit or html\n"
	"  -o, --output FILE\n"
	"  --config FILE           rule configuration (YAML: ignore, enable, severity,\n"
	"                          trusted-registries, require-digest)\n"
	"  --severity LIST         show only these severities (critical,high,medium,low,\n"
	"                          negligible,unknown)\n"
	"  --exit-code N           exit with N when anything is shown (default 0)\n\n";

/* Common options of the lint verbs; returns the index of the first operand or <0 (usage). */
static int parse_lint_opts(const char *verb, const char *usage, int argc, char **argv,
			   struct lint_opts *lo)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 2000 },
		{ "severity", required_argument, NULL, 2001 },
		{ "exit-code", required_argument, NULL, 2002 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	for (int s = 0; s <= CS_SEV_CRITICAL; s++)
		lo->severities[s] = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			c = cs_report_format_from_name(optarg);
			if (c < 0 || c == CS_REPORT_CYCLONEDX)
				return -cli_usage_error(
					"unknown format '%s' for lint (table, json, "
					"sarif, junit, html)",
					optarg);
			lo->format = (enum cs_report_format)c;
			break;
		case 'o':
			lo->output = optarg;
			break;
		case 2000:
			lo->config = optarg;
			break;
		case 2001:
			if (cli_parse_severities(optarg, lo->severities) < 0)
				return -cli_usage_error(
					"invalid --severity '%s' (critical,high,medium,low,"
					"negligible,unknown)",
					optarg);
			break;
		case 2002:
			if (cs_safe_atoi(optarg, &lo->exit_code) < 0 || lo->exit_code < 0 ||
			    lo->exit_code > 255)
				return -cli_usage_error("invalid --exit-code '%s' (0-255)", optarg);
			break;
		case 'h':
			printf("%s%s", usage, lint_common_help);
			return 0;
		default:
			return -cli_usage_error("see 'customs lint %s --help'", verb);
		}
	}
	return optind;
}

/* The whole of path ('-': stdin) into b, bounded. */
static int read_input(const char *path, struct cs_buf *b, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	int r;

	if (!strcmp(path, "-"))
		r = cs_stream_from_fd(STDIN_FILENO, false, &s);
	else
		r = cs_stream_open_file(path, &s, err);
	if (r < 0)
		return err->code ? r : cs_error_errno(err, r, "cannot read '%s'", path);
	r = cs_stream_read_all(s, b, err);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "%s: larger than %u bytes", path, CS_DF_MAX_SIZE);
	if (r < 0 && !err->code)
		return cs_error_errno(err, r, "cannot read '%s'", path);
	if (r < 0)
		return cs_error_prefix(err, "%s", path);
	return 0;
}

/* One report: an empty catalog and no findings, the issues of every file. */
static int write_report(const struct lint_opts *lo, const char *kind, const char *target,
			struct cs_issues *issues)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_free_ struct cs_findings *fs = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_scan_report rep = { 0 };
	struct cs_report_options ropts = { 0 };
	struct cli_output out;
	int r;

	fs = cs_zalloc(sizeof(*fs));
	if (!fs || cs_catalog_new(&cat) < 0)
		return EXIT_INTERNAL;
	r = cli_output_open(&out, lo->output, &err);
	if (r < 0)
		return cli_fail(&err);
	rep.kind = kind;
	rep.target = target;
	rep.cat = cat;
	rep.findings = fs;
	rep.no_vulns = true;
	rep.issues = issues;
	ropts.width = cli_term_width(out.f);
	ropts.colour = out.tty && !getenv("NO_COLOR");
	r = cs_report_write(lo->format, &rep, &ropts, out.f, &err);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot write the report");
		cli_output_abort(&out);
		return cli_fail(&err);
	}
	r = cli_output_commit(&out, &err);
	if (r < 0)
		return cli_fail(&err);
	return issues->n > 0 ? lo->exit_code : 0;
}

static const char dockerfile_help[] =
	"usage: customs lint dockerfile [OPTIONS] FILE...\n\n"
	"Check Dockerfiles ('-' reads standard input) against the rules in\n"
	"docs/DOCKERFILE-RULES.md; silence a rule for one instruction with\n"
	"'# customs ignore=CS-DF-001' (or '# hadolint ignore=DL3007') on the line above.\n\n";

static int cmd_lint_dockerfile(int argc, char **argv)
{
	_cleanup_(cs_issues_freep) struct cs_issues *issues = NULL;
	_cleanup_(cs_df_config_freep) struct cs_df_config *cfg = NULL;
	_cleanup_free_ char *target = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct lint_opts lo = { 0 };
	_cleanup_buf_ struct cs_buf tb = CS_BUF_INIT(1u << 20);
	int first, r;

	first = parse_lint_opts("dockerfile", dockerfile_help, argc, argv, &lo);
	if (first <= 0)
		return -first;
	if (first >= argc)
		return cli_usage_error("lint dockerfile takes one or more files (see --help)");
	if (argc - first > LINT_MAX_FILES)
		return cli_usage_error("more than %d files", LINT_MAX_FILES);
	if (lo.config && cs_df_config_load(lo.config, &cfg, &err) < 0)
		return cli_fail(&err);
	if (cs_issues_new(&issues) < 0)
		return EXIT_INTERNAL;
	for (int i = first; i < argc; i++) {
		_cleanup_(cs_dockerfile_freep) struct cs_dockerfile *df = NULL;
		struct cs_buf b = CS_BUF_INIT(CS_DF_MAX_SIZE);
		const char *name = argv[i];

		if (!strcmp(name, "-") && i > first && !strcmp(argv[i - 1], "-"))
			continue;
		r = read_input(name, &b, &err);
		if (r >= 0)
			r = cs_dockerfile_parse(b.data ? b.data : "", b.len, name, &df, &err);
		cs_buf_done(&b);
		if (r >= 0)
			r = cs_dockerfile_lint(df, cfg, issues, &err);
		if (r < 0)
			return cli_fail(&err);
		if (tb.len < 200)
			cs_buf_printf(&tb, "%s%s", i > first ? ", " : "", name);
		else if (i == argc - 1)
			cs_buf_printf(&tb, " and %d more", argc - first);
	}
	target = cs_buf_steal(&tb, NULL);
	for (size_t i = 0; i < issues->n_warnings; i++)
		cs_log_warn("%s", issues->warnings[i]);
	cs_issues_filter(issues, cli_issue_severity_selected, lo.severities);
	cs_issues_sort(issues);
	return write_report(&lo, "dockerfile", target ? target : "", issues);
}

int cmd_lint(int argc, char **argv)
{
	/* one entry per lint target, each in its own file (lint_image.c) */
	static const struct cli_verb verbs[] = {
		{ "dockerfile", cmd_lint_dockerfile, "check Dockerfiles against best practices" },
		{ "image", cmd_lint_image, "lint an image's configuration and content" },
	};

	return cli_dispatch("lint", verbs, CS_ARRAY_SIZE(verbs), argc, argv);
}
