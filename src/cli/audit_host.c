/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit host [--root DIR] [--engine unix:///PATH | --no-engine]:
 * the CIS Docker Benchmark host, daemon and file checks against a root
 * directory, and the container runtime checks through the engine API
 * (audit/host.h). Output options are every audit verb's (cli_audit_emit).
 */
#include <string.h>
#include "audit/host.h"
#include "cli/cli.h"

static const char host_help[] =
	"usage: customs audit host [--root DIR] [--engine unix:///PATH | --no-engine] [OPTIONS]\n\n"
	"Audit the host, its container engine (Docker, Podman, containerd) and its running\n"
	"containers against the CIS Docker Benchmark v1.6 (docs/AUDIT-HOST.md).\n\n"
	"  --root DIR              the host's root directory (default /; a mounted host\n"
	"                          image works: symlinks never lead out of DIR)\n"
	"  --engine unix:///PATH   audit the running containers of this engine (default\n"
	"                          $DOCKER_HOST, then the usual Docker and Podman sockets\n"
	"                          when one exists)\n"
	"  --no-engine             do not query an engine (sections 5 and 6 are left out)\n\n";

int cli_audit_host(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_AUDIT_LONGOPTS,
		{ "root", required_argument, NULL, 4000 },
		{ "engine", required_argument, NULL, 4001 },
		{ "no-engine", no_argument, NULL, 4002 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_audit_freep) struct cs_audit *a = NULL;
	struct cs_host_audit_options ho = { .root = "/", .engine = true };
	struct cs_error err = CS_ERROR_INIT;
	struct cli_audit_opts ao;
	int c, r;

	cli_audit_opts_init(&ao);
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_AUDIT_SHORTOPTS "h", longopts, NULL)) != -1) {
		r = cli_audit_opts_parse(&ao, c, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (c) {
		case 4000:
			ho.root = optarg;
			break;
		case 4001:
			ho.engine_host = optarg;
			ho.engine = ho.engine_required = true;
			break;
		case 4002:
			ho.engine = false;
			break;
		case 'h':
			printf("%s%s", host_help, cli_audit_opts_help);
			return 0;
		default:
			return cli_usage_error("see 'customs audit host --help'");
		}
	}
	if (optind != argc)
		return cli_usage_error("audit host takes no arguments (see --help)");
	if (ho.engine_required && !ho.engine)
		return cli_usage_error("--engine and --no-engine exclude each other");
	if (!*ho.root)
		return cli_usage_error("--root needs a directory");
	if (cs_audit_new("host", &a) < 0)
		return EXIT_INTERNAL;
	r = cs_audit_host(&ho, a, &err);
	if (r < 0)
		return cli_fail(&err);
	return cli_audit_emit(a, &ao);
}
