/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Analysers other than package matching: secrets, malware, image
 * configuration, Dockerfiles. Each reports issues — a rule that fired on a
 * file, a line, a setting — in one model that every report format and the
 * exit-code gating understand.
 *
 * Image analysers ride the same single pass over the layers as the catalog
 * (every layer, so files deleted by a later layer are seen too): each may
 * give a walker for that pass and has a finish() step that sees the merged
 * view, the image config and the catalog.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "basic/buf.h"
#include "basic/error.h"
#include "catalog/catalog.h"
#include "image/image.h"
#include "image/overlay.h"
#include "vulndb/vulndb.h" /* enum cs_severity */

enum cs_issue_kind {
	CS_ISSUE_SECRET = 0,
	CS_ISSUE_MALWARE,
	CS_ISSUE_CONFIG,     /* image configuration and content (lint image) */
	CS_ISSUE_DOCKERFILE, /* lint dockerfile */
	_CS_ISSUE_KIND_MAX,
};
const char *
cs_issue_kind_name(enum cs_issue_kind k); /* "secret", "malware", "config", "dockerfile" */

struct cs_issue {
	enum cs_issue_kind kind;
	const char *rule_id; /* "aws-access-token", "DL3007", "CIS-4.1", "EICAR" */
	const char *title;   /* one line: what the rule is about */
	enum cs_severity severity;
	const char *path; /* image path (no leading /) or file on disk; NULL for config settings */
	unsigned line, column; /* 1-based; 0 when unknown or not a text position */
	unsigned end_line, end_column;
	int layer;    /* index of the layer the file came from; -1 for none */
	bool deleted; /* the file is gone from the merged view (a later layer removed or replaced
			 it) */
	const char
		*where; /* for settings: "config.User", "history[3].created_by", "ENV AWS_SECRET" */
	const char *excerpt; /* evidence; for secrets ALWAYS redacted (cs_issue_redact) */
	const char *message; /* details */
	const char *remediation;
	const char *url; /* reference (hadolint wiki, CIS, gitleaks rule...) */
	/* set on suppressed issues only */
	const char *suppressed_by;
	const char *justification;
};

/* A list of issues; cs_issues_add() copies every string. */
struct cs_issues {
	struct cs_issue *v;
	size_t n, cap;
	struct cs_issue *suppressed;
	size_t n_suppressed, cap_suppressed;
	char **warnings; /* analysers' warnings (skipped files, rule load notes), one line each */
	size_t n_warnings;
};

int cs_issues_new(struct cs_issues **ret);
void cs_issues_free(struct cs_issues *is);
CS_DEFINE_CLEANUP(struct cs_issues *, cs_issues_free)
int cs_issues_add(struct cs_issues *is, const struct cs_issue *x);
int cs_issues_warn(struct cs_issues *is, const char *fmt, ...) CS_PRINTF(2, 3);
/* Move issue i to the suppressed list with who and why (copied). */
int cs_issues_suppress(struct cs_issues *is, size_t i, const char *by, const char *why);
/* Keep only the issues keep() accepts. */
void cs_issues_filter(struct cs_issues *is, bool (*keep)(const struct cs_issue *, void *),
		      void *ud);
/* Stable order: kind, severity (most severe first), path, line, rule. */
void cs_issues_sort(struct cs_issues *is);

/*
 * A redacted excerpt of a secret: the first min(4, len/4) characters, then
 * "*****"; never more. New string.
 */
char *cs_issue_redact(const char *secret, size_t len);

struct cs_analyze_options {
	const char *secret_config; /* customs or gitleaks rules file; NULL: built-in */
	const char *const
		*yara_rules; /* NULL-terminated files or directories; NULL: built-in only */
	const char *malware_blocklist; /* SHA-256 list file; NULL: built-in only */
	const char *config_file;       /* lint configuration (rule selection, severities) or NULL */
	uint64_t max_file_size;	       /* analysers skip larger files (0: their default) */
};

struct cs_analyze_context {
	struct cs_image *img;	/* NULL when the target is not an image */
	struct cs_overlay *ov;	/* the merged view after the walk */
	struct cs_catalog *cat; /* the packages, or NULL when not catalogued */
	const struct cs_analyze_options *opts;
};

struct cs_analyzer {
	const char *name; /* "secret", "malware", "config" */
	unsigned version; /* bumped when its output changes */
	int (*state_new)(const struct cs_analyze_options *o, void **ret, struct cs_error *err);
	void (*state_free)(void *state);
	/* optional: the walker for the single pass over every layer */
	void (*walker)(void *state, struct cs_walker *w);
	/* after the walk */
	int (*finish)(void *state, const struct cs_analyze_context *ctx, struct cs_issues *out,
		      struct cs_error *err);
	/*
	 * Optional, all three or none: the per-layer cache of what the walker
	 * found in one layer (everything decided from the merged view stays in
	 * finish()). cache_id: what the results depend on (name, version, a
	 * digest of the rules and limits), owned by the state. layer_save, at
	 * the end of a layer the walker was fed: 0 with the layer's results
	 * appended to buf, 1 when this layer's results cannot be cached (a cap
	 * on findings was reached), < 0 on error. layer_restore, in place of
	 * feeding the walker that layer: 0 when restored as if it had been
	 * read, -CS_E_INPUT when data is unusable (the state is unchanged),
	 * another error (-ENOMEM).
	 */
	const char *(*cache_id)(void *state);
	int (*layer_save)(void *state, unsigned layer, struct cs_buf *buf);
	int (*layer_restore)(void *state, unsigned layer, const void *data, size_t len);
};

/*
 * For the cache hooks: issues and strings in a payload. Writing appends to
 * buf; reading is bounded by the data and marks the reader bad on anything
 * out of place (strings point into the data).
 */
int cs_cache_put_u64(struct cs_buf *b, uint64_t v);
int cs_cache_put_str(struct cs_buf *b, const char *s); /* NULL allowed */
int cs_cache_put_issue(struct cs_buf *b, const struct cs_issue *x);
struct cs_cache_reader {
	const unsigned char *p;
	size_t len, pos;
	bool bad;
};
uint64_t cs_cache_get_u64(struct cs_cache_reader *r);
const char *cs_cache_get_str(struct cs_cache_reader *r);
/* Bytes (may hold NULs; NULL allowed): */
int cs_cache_put_mem(struct cs_buf *b, const void *p, size_t n);
const void *cs_cache_get_mem(struct cs_cache_reader *r, size_t max, size_t *n);
/* x.layer is set to layer; deleted and suppression fields are cleared */
void cs_cache_get_issue(struct cs_cache_reader *r, int layer, struct cs_issue *x);
/* Feed h the path and content of a file (for cache_id): 0 or -errno. */
struct cs_hash;
int cs_cache_hash_file(struct cs_hash *h, const char *path);
/* A count of items each taking at least min_size bytes: bounded by what is left. */
size_t cs_cache_get_count(struct cs_cache_reader *r, size_t min_size);

/* The image analysers by name, NULL if unknown. */
const struct cs_analyzer *cs_analyzer_find(const char *name);
/* "secret,malware,config" — the names cs_analyzer_find knows. */
const char *cs_analyzer_names(void);

/*
 * One pass over img: the merged view, the catalog (when cat is not NULL;
 * through the layer cache when cache is not NULL and no analyser needs file
 * content) and each analyser's walker; then each analyser's finish().
 */
struct cs_layer_cache;
int cs_analyze_image(struct cs_image *img, struct cs_catalog *cat, struct cs_layer_cache *cache,
		     const struct cs_analyzer *const *an, size_t n_an,
		     const struct cs_analyze_options *o, struct cs_issues *out,
		     struct cs_error *err);
