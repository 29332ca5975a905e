/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs lint image REF: the image configuration analyser alone (CIS
 * Docker Benchmark section 4 and Dockle checks, docs/IMAGE-CHECKS.md) on
 * one image, in every report format, with --severity and --exit-code
 * gating for CI.
 */
#include <string.h>
#include "analyze/analyze.h"
#include "analyze/config.h"
#include "basic/alloc.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "catalog/catalog.h"
#include "cli/cli.h"
#include "report/report.h"

static const char lint_image_help[] =
	"usage: customs lint image REF [OPTIONS]\n\n"
	"Check an image's configuration, build history and files against the CIS\n"
	"Docker Benchmark (section 4) and Dockle checks: root user, missing\n"
	"HEALTHCHECK, setuid files, secrets in ENV and history, package caches,\n"
	"empty passwords... (docs/IMAGE-CHECKS.md).\n\n"
	"  -f, --format FORMAT     table, json, sarif, cyclonedx, junit or html\n"
	"  -o, --output FILE\n"
	"  --severity LIST         show only these severities (critical,high,medium,low,\n"
	"                          negligible,unknown)\n"
	"  --exit-code N           exit with N when anything is shown (default 0)\n\n";

int cmd_lint_image(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "severity", required_argument, NULL, 2001 },
		{ "exit-code", required_argument, NULL, 2003 },
		{ "help", no_argument, NULL, 'h' },
		CLI_IMAGE_LONGOPTS,
		CLI_CACHE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct cs_analyzer *const an[] = { &cs_analyzer_config };
	_cleanup_(cs_layer_cache_freep) struct cs_layer_cache *cache = NULL;
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	_cleanup_(cs_issues_freep) struct cs_issues *issues = NULL;
	_cleanup_(cs_findings_freep) struct cs_findings *fs = NULL;
	bool severities[CS_SEV_CRITICAL + 1];
	enum cs_report_format format = CS_REPORT_TABLE;
	const char *output = NULL, *target;
	struct cs_analyze_options ao = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_scan_report rep = { 0 };
	struct cs_report_options ropts = { 0 };
	struct cli_image_opts io;
	struct cli_output out;
	int exit_code = 0, c, r;

	for (int s = 0; s <= CS_SEV_CRITICAL; s++)
		severities[s] = true;
	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			c = cs_report_format_from_name(optarg);
			if (c < 0) {
				r = cli_usage_error("unknown format '%s' (table, json, sarif, "
						    "cyclonedx, junit, html)",
						    optarg);
				goto done;
			}
			format = (enum cs_report_format)c;
			break;
		case 'o':
			output = optarg;
			break;
		case 2001:
			if (cli_parse_severities(optarg, severities) < 0) {
				r = cli_usage_error(
					"invalid --severity '%s' (critical,high,medium,low,"
					"negligible,unknown)",
					optarg);
				goto done;
			}
			break;
		case 2003:
			r = cli_parse_exit_code(optarg, &exit_code);
			if (r)
				goto done;
			break;
		case 'h':
			printf("%s%s%s", lint_image_help, cli_image_opts_help, cli_cache_opts_help);
			r = 0;
			goto done;
		default:
			r = cli_image_opts_default(&io, c, optarg, "lint image");
			if (r)
				goto done;
		}
	}
	if (optind + 1 != argc) {
		r = cli_usage_error("lint image takes one image reference (see --help)");
		goto done;
	}
	target = argv[optind];
	r = cs_issues_new(&issues);
	if (r >= 0) {
		fs = cs_zalloc(sizeof(*fs));
		r = fs ? 0 : -ENOMEM;
	}
	if (r < 0) {
		r = EXIT_INTERNAL;
		goto done;
	}
	r = cs_image_open(target, &io.image, &img, &err);
	if (r >= 0)
		r = cs_catalog_new(&cat);
	if (r >= 0 && cli_layer_cache_open(&io, &cache) < 0)
		r = -ENOMEM;
	if (r >= 0)
		r = cs_analyze_image(img, cat, cache, an, CS_ARRAY_SIZE(an), &ao, issues, &err);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot lint '%s'", target);
		r = cli_fail(&err);
		goto done;
	}
	for (size_t i = 0; i < cs_catalog_warning_count(cat); i++)
		cs_log_warn("%s", cs_catalog_warning(cat, i));
	for (size_t i = 0; i < issues->n_warnings; i++)
		cs_log_warn("%s", issues->warnings[i]);
	cs_issues_filter(issues, cli_issue_severity_selected, severities);
	r = cli_output_open(&out, output, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	rep.kind = "image";
	rep.target = target;
	rep.img = img;
	rep.cat = cat;
	rep.findings = fs;
	rep.no_vulns = true;
	rep.issues = issues;
	ropts.width = cli_term_width(out.f);
	ropts.colour = out.tty && !getenv("NO_COLOR");
	r = cs_report_write(format, &rep, &ropts, out.f, &err);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "cannot write the report");
		cli_output_abort(&out);
		r = cli_fail(&err);
		goto done;
	}
	r = cli_output_commit(&out, &err);
	if (r < 0)
		r = cli_fail(&err);
	else
		r = issues->n > 0 ? exit_code : 0;
done:
	cli_image_opts_done(&io);
	return r;
}
