/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line: argument parsing, output files and error reporting.
 * Only this layer prints; it calls libcustoms and turns errors into one
 * line on stderr and an exit status (0 ok, 2 bad input or usage, 3 internal).
 */
#pragma once

#include <getopt.h>
#include <stdio.h>
#include "basic/error.h"
#include "basic/progress.h"
#include "image/image.h"
#include "image/layercache.h"
#include "report/report.h"

#define EXIT_USAGE    2
#define EXIT_INTERNAL 3

struct cli_verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

extern const char *cli_program;
extern bool cli_quiet;

/* Print "customs: MSG" for err and return the exit status for its code. */
int cli_fail(const struct cs_error *err);
/* Usage error: print "customs: MSG" and return 2. */
int cli_usage_error(const char *fmt, ...) CS_PRINTF(1, 2);
/* Dispatch argv[1] to a verb in the table (git's commands[]). */
int cli_dispatch(const char *group, const struct cli_verb *verbs, size_t n, int argc, char **argv);

enum cli_format {
	CLI_FORMAT_TABLE = 0,
	CLI_FORMAT_JSON,
};
/* "critical,high,..." into sev[severity] = shown; -EINVAL on an unknown name */
int cli_parse_severities(const char *s, bool *sev);
/* cs_issues_filter() callback: ud is the bool array of cli_parse_severities */
struct cs_issue;
bool cli_issue_severity_selected(const struct cs_issue *x, void *ud);
int cli_parse_format(const char *s, const char *const *allowed, enum cli_format *ret);

/*
 * Output to stdout or to a file: a file is written to a temporary name
 * beside it and renamed into place only on success, so a failed run never
 * leaves a half-written report.
 */
struct cli_output {
	FILE *f;
	char *path;
	char *tmp;
	bool tty;
	bool direct; /* not a regular file (/dev/null, a FIFO): written in place */
};
int cli_output_open(struct cli_output *o, const char *path, struct cs_error *err);
int cli_output_commit(struct cli_output *o, struct cs_error *err);
void cli_output_abort(struct cli_output *o);
size_t cli_term_width(FILE *f);

/* Options shared by every verb that opens an image. */
struct cli_image_opts {
	struct cs_image_options image;
	struct cs_progress progress;
	struct cs_progress_term *term;
	char *creds; /* USER:PASS copy */
	/* the layer cache (CLI_CACHE_LONGOPTS, only for verbs that catalogue) */
	const char *cache_dir; /* --cache-dir; NULL: cli_cache_dir's default */
	bool no_cache;	       /* --no-cache */
};
#define CLI_IMAGE_LONGOPTS                                                                      \
	{ "platform", required_argument, NULL, 1000 }, { "insecure", no_argument, NULL, 1001 }, \
		{ "ca-cert", required_argument, NULL, 1002 },                                   \
		{ "tls-verify", required_argument, NULL, 1003 },                                \
		{ "creds", required_argument, NULL, 1004 },                                     \
		{ "authfile", required_argument, NULL, 1005 },                                  \
		{ "engine", required_argument, NULL, 1006 },                                    \
		{ "max-file-size", required_argument, NULL, 1010 },                             \
		{ "max-layer-size", required_argument, NULL, 1011 },                            \
		{ "max-total-size", required_argument, NULL, 1012 },                            \
		{ "max-entries", required_argument, NULL, 1013 },                               \
		{ "max-ratio", required_argument, NULL, 1014 },                                 \
		{ "tmpdir", required_argument, NULL, 1015 },                                    \
	{                                                                                       \
		"retries", required_argument, NULL, 1016                                        \
	}
/* Verbs that catalogue images add these after CLI_IMAGE_LONGOPTS (cli_image_opts_parse). */
#define CLI_CACHE_LONGOPTS                              \
	{ "cache-dir", required_argument, NULL, 1020 }, \
	{                                               \
		"no-cache", no_argument, NULL, 1021     \
	}
extern const char cli_cache_opts_help[];
/*
 * The layer cache directory (new string, NULL without memory): opt, else
 * $XDG_CACHE_HOME/customs/layers (~/.cache/customs/layers).
 */
char *cli_cache_dir(const char *opt);
/* The cache the options ask for: *ret NULL with --no-cache. 0 or -ENOMEM. */
int cli_layer_cache_open(const struct cli_image_opts *o, struct cs_layer_cache **ret);
void cli_image_opts_init(struct cli_image_opts *o);
void cli_image_opts_done(struct cli_image_opts *o);
/* Handle one of CLI_IMAGE_LONGOPTS: 1 if handled, 0 if not ours, <0 usage error (printed) */
int cli_image_opts_parse(struct cli_image_opts *o, int opt, const char *arg);
/*
 * The default: case of a verb's option loop: 0 when opt was one of
 * CLI_IMAGE_LONGOPTS, else the exit status of a usage error (printed; an
 * unknown option points at "customs VERB --help").
 */
int cli_image_opts_default(struct cli_image_opts *o, int opt, const char *arg, const char *verb);
/* --exit-code N (0-255) into *ret: 0, or the exit status of a usage error (printed) */
int cli_parse_exit_code(const char *arg, int *ret);
extern const char cli_image_opts_help[];

int cmd_image(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_lint(int argc, char **argv);
/* customs lint image REF (lint_image.c) */
int cmd_lint_image(int argc, char **argv);
/* customs policy eval|webhook (policy.c) */
int cmd_policy(int argc, char **argv);
/* customs keygen and customs verify (sign.c) */
int cmd_keygen(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_public_key(int argc, char **argv);
/* verify's exit status when no signature verifies */
#define EXIT_VERIFY_FAILED 1
/*
 * A password for `what` ("private key"): $COSIGN_PASSWORD when set (even
 * empty), else a prompt on /dev/tty without echo (twice when confirm).
 * -CS_E_USAGE when neither is available. Free after sodium_memzero.
 */
int cli_get_password(const char *what, bool confirm, char **ret, struct cs_error *err);
/*
 * The core of `customs verify`, for any source of signatures: verify each
 * signature of sigs against image_digest, print why each failed on stderr,
 * write one JSON line per verified signature to output (NULL: stdout,
 * atomically for a file). Returns the exit status: 0 when at least one
 * verified, EXIT_VERIFY_FAILED when none did (or n == 0), 2/3 on errors.
 */
struct cs_cosign_sig;
struct cs_pubkeys;
struct cs_pubkey;
int cli_verify_signatures(const struct cs_cosign_sig *sigs, size_t n, const char *image_digest,
			  const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
			  const char *output);
/*
 * The registry side (sign_registry.c): customs sign, attest,
 * verify-attestation and tree, and customs verify for references that are not dir:.
 * cmd_verify hands its argc/argv over untouched, before parsing options:
 *	if (cli_verify_is_registry(argc, argv)) return cli_verify_registry(argc, argv);
 * cli_verify_is_registry says whether the first operand is not a dir: reference.
 */
int cmd_sign(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_verify_attestation(int argc, char **argv);
int cmd_tree(int argc, char **argv);
bool cli_verify_is_registry(int argc, char **argv);
/* customs verify --trust-store: Notary Project signatures (verify_notation.c) */
bool cli_verify_is_notation(int argc, char **argv);
int cli_verify_notation(int argc, char **argv);
int cli_verify_registry(int argc, char **argv);
/*
 * customs audit host|k8s|compose|netpol (audit.c and audit_*.c). Every
 * audit verb takes the same output options; a verb handles its own options
 * first, then hands the rest to cli_audit_opts_parse (as cli_image_opts_parse):
 *
 *	struct cli_audit_opts ao;
 *	cli_audit_opts_init(&ao);
 *	static const struct option longopts[] = { CLI_AUDIT_LONGOPTS, ...mine..., {0} };
 *	while ((c = getopt_long(argc, argv, CLI_AUDIT_SHORTOPTS "h", longopts, NULL)) != -1) {
 *		r = cli_audit_opts_parse(&ao, c, optarg);
 *		if (r < 0) return -r;  // usage error, already printed
 *		if (r > 0) continue;
 *		...mine...
 *	}
 *	... run the audit into a struct cs_audit *a ...
 *	return cli_audit_emit(a, &ao);
 */
#define CLI_AUDIT_SHORTOPTS "f:o:"
#define CLI_AUDIT_LONGOPTS                                                                      \
	{ "format", required_argument, NULL, 'f' }, { "output", required_argument, NULL, 'o' }, \
		{ "severity", required_argument, NULL, 3000 },                                  \
		{ "exit-code", required_argument, NULL, 3001 },                                 \
	{                                                                                       \
		"quiet", no_argument, NULL, 3002                                                \
	}
struct cs_audit;
struct cli_audit_opts {
	const char *output;	      /* -o FILE; NULL: stdout */
	enum cs_report_format format; /* table, json, sarif or junit */
	/* --severity: the severities shown (all by default) */
	bool severities[CS_SEV_CRITICAL + 1];
	int exit_code; /* --exit-code N: status when a shown result fails (default 0) */
	bool quiet;    /* --quiet: only fail, warn and manual results; no warnings */
};
extern const char cli_audit_opts_help[];
void cli_audit_opts_init(struct cli_audit_opts *o);
/* Handle one of CLI_AUDIT_LONGOPTS: 1 if handled, 0 if not ours, <0 usage error (printed) */
int cli_audit_opts_parse(struct cli_audit_opts *o, int opt, const char *arg);
/*
 * Sort a, drop the results the options hide, print the audit's warnings on
 * stderr (unless quiet) and write the report (atomically with -o). Returns
 * the exit status: o->exit_code when a shown result fails, else 0; 3 when
 * the report cannot be written. a is modified (filtered), not freed.
 */
int cli_audit_emit(struct cs_audit *a, const struct cli_audit_opts *o);
int cmd_audit(int argc, char **argv);
/* customs audit host (audit_host.c) and customs audit netpol (audit_netpol.c) */
int cli_audit_host(int argc, char **argv);
/* customs inventory (inventory.c) */
int cmd_inventory(int argc, char **argv);
int cli_audit_netpol(int argc, char **argv);
/* customs audit k8s and customs audit compose (audit.c) */
int cli_audit_k8s(int argc, char **argv);
int cli_audit_compose(int argc, char **argv);

/*
 * customs runtime: runtime.c holds the group's verb table and `watch`
 * (the eBPF sensor); the rule verbs (rules check, replay, record) live in
 * their own files, are declared here and added to runtime.c's table.
 */
int cmd_runtime(int argc, char **argv);
int cmd_runtime_watch(int argc, char **argv);
/* runtime_rules.c: `runtime rules check|list` and `runtime replay` */
int cli_runtime_rules(int argc, char **argv);
int cli_runtime_replay(int argc, char **argv);
int cli_runtime_probe(int argc, char **argv);
/* runtime.c: `runtime record` (the watch loop writing a .cse file) */
int cli_runtime_record(int argc, char **argv);
/*
 * The vulnerability database path (new string, NULL without memory): opt
 * (--db), else $CUSTOMS_DB, else $XDG_CACHE_HOME/customs/db.sqlite.
 */
char *cli_db_path(const char *opt);
