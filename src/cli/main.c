/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs: container security in one program. This file holds the verb
 * table (git's commands[]) and the global options; each verb lives in its
 * own file under src/cli/.
 */
#include <stdio.h>
#include <string.h>
#include "config.h"
#include "basic/log.h"
#include "basic/table.h"
#include "cli/cli.h"

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("customs %s\n", CUSTOMS_VERSION);
	return 0;
}

static const struct cli_verb verbs[] = {
	{ "attest", cmd_attest, "attach a signed in-toto attestation (SBOM, vulns) to an image" },
	{ "audit", cmd_audit, "audit host, Kubernetes, Compose and network policy configuration" },
	{ "cache", cmd_cache, "show, clean or prune the layer cache" },
	{ "db", cmd_db, "build and inspect the vulnerability database" },
	{ "image", cmd_image, "inspect images and list their files" },
	{ "inventory", cmd_inventory, "list the containers and images of an engine" },
	{ "keygen", cmd_keygen, "generate a cosign-compatible signing key pair" },
	{ "lint", cmd_lint, "lint Dockerfiles and image configuration" },
	{ "policy", cmd_policy, "evaluate images against a policy; the admission webhook" },
	{ "runtime", cmd_runtime, "watch containers at run time (eBPF sensor, Falco rules)" },
	{ "public-key", cmd_public_key, "print the public key of a cosign private key" },
	{ "scan", cmd_scan, "find known vulnerabilities (image, rootfs, sbom)" },
	{ "sign", cmd_sign, "sign an image in a registry (cosign-compatible, key-based)" },
	{ "sbom", cmd_sbom, "list every package of an image (CycloneDX, SPDX, JSON, table)" },
	{ "tree", cmd_tree, "list the signatures, attestations and referrers of an image" },
	{ "verify", cmd_verify, "verify cosign signatures (registry image or dir: offline)" },
	{ "verify-attestation", cmd_verify_attestation, "verify an image's attestations" },
	{ "version", cmd_version, "print the version" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: customs [--quiet] [--verbose|--debug] VERB [ARGS]...\n"
		   "\n"
		   "Container security in one program.\n"
		   "\n"
		   "verbs:\n");
	for (size_t i = 0; i < CS_ARRAY_SIZE(verbs); i++)
		fprintf(f, "  %-12s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n"
		   "Image references: docker-archive:PATH[:NAME:TAG|:@N], oci:DIR[:TAG],\n"
		   "oci-archive:PATH[:TAG], dir:PATH, registry:HOST/REPO[:TAG][@DIGEST],\n"
		   "engine:NAME, or a plain registry name (alpine:3.20).\n"
		   "\n"
		   "Exit status: 0 success, 2 bad input or usage, 3 internal failure.\n");
}

static void log_to_stderr(void *ud, enum cs_log_level level, const char *msg)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	/* messages quote image and feed content: never let it drive the terminal */
	_cleanup_free_ char *safe = cs_term_sanitize(msg);

	(void)ud;
	fprintf(stderr, "%s: %s: %s\n", cli_program, names[level], safe ? safe : msg);
}

int main(int argc, char **argv)
{
	int i = 1;

	cs_log_set_handler(log_to_stderr, NULL);
	cs_log_set_level(CS_LOG_WARN);
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			cli_quiet = true;
			cs_log_set_level(CS_LOG_ERROR);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			cs_log_set_level(CS_LOG_INFO);
		} else if (!strcmp(a, "--debug")) {
			cs_log_set_level(CS_LOG_DEBUG);
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			return cmd_version(0, NULL);
		} else {
			return cli_usage_error("unknown option '%s' (see 'customs --help')", a);
		}
	}
	if (i >= argc)
		return cli_usage_error("no verb given (see 'customs --help')");
	for (size_t k = 0; k < CS_ARRAY_SIZE(verbs); k++)
		if (!strcmp(argv[i], verbs[k].name))
			return verbs[k].run(argc - i, argv + i);
	if (!strcmp(argv[i], "help")) {
		usage(stdout);
		return 0;
	}
	return cli_usage_error("unknown verb '%s' (see 'customs --help')", argv[i]);
}
