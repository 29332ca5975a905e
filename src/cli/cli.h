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
extern const char cli_image_opts_help[];

int cmd_image(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_lint(int argc, char **argv);
/* customs lint image REF (lint_image.c) */
int cmd_lint_image(int argc, char **argv);
/*
 * The vulnerability database path (new string, NULL without memory): opt
 * (--db), else $CUSTOMS_DB, else $XDG_CACHE_HOME/customs/db.sqlite.
 */
char *cli_db_path(const char *opt);
