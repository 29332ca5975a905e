/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dockerfiles: a parser that follows the BuildKit frontend grammar (parser
 * directives, the escape character, line continuations with comment lines
 * inside them, exec (JSON) and shell forms, heredocs, instruction flags,
 * ONBUILD, multi-stage builds, ARG/ENV expansion) and the lint rules over
 * the parsed file (dockerfile_rules.c, docs/DOCKERFILE-RULES.md).
 *
 * Input is hostile: size, line, instruction, heredoc, flag, word and
 * expansion counts are capped; a file that breaks the grammar or a cap is
 * an error naming "FILE:LINE: reason". Nothing here prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "analyze/analyze.h"
#include "basic/error.h"

#define CS_DF_MAX_SIZE	       (4u << 20) /* bytes */
#define CS_DF_MAX_LINES	       200000
#define CS_DF_MAX_INSTRUCTIONS 20000
#define CS_DF_MAX_STAGES       256
#define CS_DF_MAX_FLAGS	       64	    /* per instruction */
#define CS_DF_MAX_HEREDOCS     16	    /* per instruction */
#define CS_DF_MAX_WORDS	       4096	    /* per instruction */
#define CS_DF_MAX_VARS	       1024	    /* ARG and ENV names per stage */
#define CS_DF_MAX_EXPAND_DEPTH 8	    /* ${a:-${b:-...}} */
#define CS_DF_MAX_EXPANDED     (256u << 10) /* one expanded word */

enum cs_df_cmd {
	CS_DF_ADD = 0,
	CS_DF_ARG,
	CS_DF_CMD,
	CS_DF_COPY,
	CS_DF_ENTRYPOINT,
	CS_DF_ENV,
	CS_DF_EXPOSE,
	CS_DF_FROM,
	CS_DF_HEALTHCHECK,
	CS_DF_LABEL,
	CS_DF_MAINTAINER,
	CS_DF_ONBUILD,
	CS_DF_RUN,
	CS_DF_SHELL,
	CS_DF_STOPSIGNAL,
	CS_DF_USER,
	CS_DF_VOLUME,
	CS_DF_WORKDIR,
	_CS_DF_CMD_MAX,
};
const char *cs_df_cmd_name(enum cs_df_cmd c); /* "FROM", ... */

struct cs_df_flag {
	char *name;  /* without the dashes: "from", "mount", "link" */
	char *value; /* NULL for a flag without '=' (--link) */
};

struct cs_df_heredoc {
	char *name;		 /* the delimiter word, without quotes */
	char *content;		 /* the lines between marker and delimiter, each ending in '\n' */
	bool chomp;		 /* <<-: leading tabs removed */
	bool expand;		 /* unquoted delimiter: the shell expands the content */
	unsigned line, end_line; /* first content line, the delimiter's line */
};

/* A key=value of ENV, LABEL or ARG (value NULL for "ARG NAME") */
struct cs_df_kv {
	char *key;
	char *value;	/* quotes removed, not expanded */
	char *expanded; /* value with the variables known at this point expanded */
};

struct cs_df_instr {
	enum cs_df_cmd cmd;
	char *text; /* the instruction as written, continuations joined (no heredoc bodies) */
	unsigned line, column;	       /* the keyword, 1-based */
	unsigned end_line, end_column; /* after its last character (end_column is exclusive) */
	int stage;		       /* index into stages[], -1 before the first FROM */
	struct cs_df_flag *flags;
	size_t n_flags;
	char *rest;  /* the text after the flags, trimmed (shell form command line) */
	bool json;   /* exec form: args are the JSON array's strings */
	char **args; /* JSON elements, or the shell words of rest (quotes removed, expanded
			for instructions BuildKit expands) */
	size_t n_args;
	struct cs_df_kv *kv; /* ENV, LABEL, ARG */
	size_t n_kv;
	struct cs_df_heredoc *heredocs;
	size_t n_heredocs;
	struct cs_df_instr *sub; /* ONBUILD: the wrapped instruction; HEALTHCHECK CMD: the command
				    (a CMD instruction) */
	bool healthcheck_none;	 /* HEALTHCHECK NONE */
	char **ignore; /* rule ids named by "# customs ignore=" or "# hadolint ignore=" just above
			*/
	size_t n_ignore;
	unsigned ignore_line; /* the line of that comment */
};

struct cs_df_stage {
	char *image;	/* FROM's image, global ARGs expanded ("scratch", "alpine:3.20", a stage) */
	char *name;	/* AS name (lowercased) or NULL */
	char *platform; /* --platform value as written, or NULL */
	int base_stage; /* the stage FROM names, -1 for an image */
	size_t first, count; /* instructions[first..first+count) (FROM included) */
};

struct cs_dockerfile {
	char *path;
	char escape;  /* '\\' or '`' */
	char *syntax; /* # syntax= or NULL */
	char *check;  /* # check= or NULL */
	struct cs_df_instr *v;
	size_t n;
	struct cs_df_stage *stages;
	size_t n_stages;
	/* "# customs global ignore=" / "# hadolint global ignore=" */
	char **global_ignore;
	size_t n_global_ignore;
};

/*
 * Parse data (len bytes, not NUL-terminated). path names the file in
 * errors ("Dockerfile:12: unterminated heredoc 'EOF'") and in issues.
 */
int cs_dockerfile_parse(const char *data, size_t len, const char *path, struct cs_dockerfile **ret,
			struct cs_error *err);
void cs_dockerfile_free(struct cs_dockerfile *df);
CS_DEFINE_CLEANUP(struct cs_dockerfile *, cs_dockerfile_free)

/* Value of flag name on x, or NULL; *present says whether it was given at all. */
const char *cs_df_flag(const struct cs_df_instr *x, const char *name, bool *present);

/*
 * Expand $VAR, ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:+word}, ${VAR+word},
 * ${VAR:?msg} in s with lookup (NULL: unset), removing escapes of '$' (the
 * escape character). Quotes are kept. New string in *ret.
 */
typedef const char *(*cs_df_lookup_fn)(void *ud, const char *name, size_t len);
int cs_df_expand(const char *s, char escape, cs_df_lookup_fn lookup, void *ud, char **ret);

/* Lint configuration (YAML, docs/DOCKERFILE-RULES.md). */
struct cs_df_config {
	char *path;
	char **ignore;
	size_t n_ignore;
	char **enable; /* rules that are off by default */
	size_t n_enable;
	char **sev_rule; /* severity overrides */
	enum cs_severity *sev;
	size_t n_sev;
	char **trusted; /* trusted registries ("docker.io", "registry.example.com/team") */
	size_t n_trusted;
	bool require_digest;
};
int cs_df_config_load(const char *path, struct cs_df_config **ret, struct cs_error *err);
int cs_df_config_parse(const char *data, size_t len, const char *path, struct cs_df_config **ret,
		       struct cs_error *err);
void cs_df_config_free(struct cs_df_config *c);
CS_DEFINE_CLEANUP(struct cs_df_config *, cs_df_config_free)

/*
 * Run every enabled rule over df and add CS_ISSUE_DOCKERFILE issues to out;
 * issues silenced by an inline comment or by cfg (may be NULL) go to the
 * suppressed list ("inline:LINE", "config:FILE").
 */
int cs_dockerfile_lint(const struct cs_dockerfile *df, const struct cs_df_config *cfg,
		       struct cs_issues *out, struct cs_error *err);

/* The rule table, for docs and tests. */
struct cs_df_rule_info {
	const char *id;	      /* "CS-DF-001" */
	const char *hadolint; /* "DL3007" or NULL */
	const char *cis;      /* "4.1" or NULL */
	enum cs_severity severity;
	bool default_on;
	const char *title;
	const char *remediation;
};
size_t cs_df_rule_count(void);
const struct cs_df_rule_info *cs_df_rule(size_t i);
/* Our id for "CS-DF-001" or a hadolint id "DL3007" (case-insensitive), NULL if unknown */
const char *cs_df_rule_id(const char *name);
