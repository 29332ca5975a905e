/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image admission policy (docs/POLICY.md): a YAML ImagePolicy document
 * (trusted registries, signatures, attestations, vulnerability limits, root
 * user, labels, age, base images, mode, failurePolicy) and the evaluation
 * of one image against it, which lists every violated rule. Never prints;
 * the policy file is checked strictly (unknown keys are errors naming the
 * file and the line).
 *
 * Signature and attestation rules need evidence the policy module does not
 * gather itself: the caller passes a struct cs_policy_evidence whose
 * functions fetch and verify it (src/sign). A policy that needs evidence
 * the caller cannot provide fails to load with -CS_E_UNSUPPORTED: a rule is
 * never silently skipped.
 */
#pragma once

#include <stdbool.h>
#include <jansson.h>
#include <stdint.h>
#include "basic/error.h"
#include "image/image.h"

struct cs_vulndb;
struct cs_layer_cache;

#define CS_POLICY_MAX_SIZE  (1u << 20) /* bytes of YAML */
#define CS_POLICY_MAX_ITEMS 1024       /* entries of any rule list */

enum cs_policy_mode {
	CS_POLICY_ENFORCE = 0, /* violations deny */
	CS_POLICY_AUDIT,       /* violations are reported, never deny */
};

enum cs_policy_failure {
	CS_POLICY_FAIL_CLOSED = 0, /* failurePolicy: fail (deny when evaluation fails) */
	CS_POLICY_FAIL_OPEN,	   /* failurePolicy: ignore (allow with a warning) */
};

/*
 * Evidence the caller can verify (NULL functions: not available). Each
 * returns 1 when verified, 0 when not (with why in *ret_why, a new string),
 * <0 with err when the evidence could not be fetched. `name` is the
 * image's repository ("registry.example.com/team/app"), `digest` its
 * manifest digest; keys are public key paths.
 */
struct cs_policy_evidence {
	void *userdata;
	int (*verify_signature)(void *ud, const char *name, const char *digest,
				const char *const *keys, size_t n_keys, char **ret_why,
				struct cs_error *err);
	int (*verify_attestation)(void *ud, const char *name, const char *digest, const char *type,
				  const char *const *keys, size_t n_keys, char **ret_why,
				  struct cs_error *err);
	/*
	 * The predicate of the newest vulnerability attestation of the image
	 * that one of keys verifies (1, *ret_predicate a new reference), 0
	 * when there is none (with why).
	 */
	int (*vuln_attestation)(void *ud, const char *name, const char *digest,
				const char *const *keys, size_t n_keys, json_t **ret_predicate,
				char **ret_why, struct cs_error *err);
};

struct cs_policy; /* opaque, immutable once loaded and prepared: shareable between threads */

/*
 * Parse a policy. `file` names it in errors ("FILE:LINE: ..."). ev may be
 * NULL (no evidence available). Errors: -CS_E_INPUT (syntax, unknown key,
 * bad value), -CS_E_UNSUPPORTED (a rule needs evidence ev cannot verify),
 * -CS_E_LIMIT, -ENOMEM.
 */
int cs_policy_parse(const char *data, size_t len, const char *file,
		    const struct cs_policy_evidence *ev, struct cs_policy **ret,
		    struct cs_error *err);
/* Read and parse a policy file (at most CS_POLICY_MAX_SIZE bytes). */
int cs_policy_load(const char *path, const struct cs_policy_evidence *ev, struct cs_policy **ret,
		   struct cs_error *err);
void cs_policy_free(struct cs_policy *p);
CS_DEFINE_CLEANUP(struct cs_policy *, cs_policy_free)

/*
 * Open the allowed base images the policy names by reference (baseImages.refs)
 * and record their layer diff_ids. Call once after loading, before any
 * evaluation; a base image that cannot be opened is an error.
 */
int cs_policy_prepare(struct cs_policy *p, const struct cs_image_options *opts,
		      struct cs_error *err);

enum cs_policy_mode cs_policy_mode(const struct cs_policy *p);
enum cs_policy_failure cs_policy_failure(const struct cs_policy *p);
/* Does evaluation need the vulnerability database (a scan of the layers)? */
bool cs_policy_needs_vulndb(const struct cs_policy *p);
/* The database the policy names (vulnerabilities.db), NULL if none */
const char *cs_policy_vulndb_path(const struct cs_policy *p);

struct cs_policy_violation {
	const char *rule; /* static: "trusted-registry", "root-user", ... */
	char *message;
};

struct cs_policy_decision {
	bool allowed; /* after the mode: audit never denies */
	struct cs_policy_violation *v;
	size_t n, cap;
};
void cs_policy_decision_free(struct cs_policy_decision *d);
CS_DEFINE_CLEANUP(struct cs_policy_decision *, cs_policy_decision_free)
/* Add a violation (rule is a static string); 0 or -ENOMEM */
int cs_policy_decision_add(struct cs_policy_decision *d, const char *rule, const char *fmt, ...)
	CS_PRINTF(3, 4);
/* A deep copy (for caches); NULL without memory */
struct cs_policy_decision *cs_policy_decision_dup(const struct cs_policy_decision *d);
/* Violation messages joined by "; " (new string) */
char *cs_policy_decision_message(const struct cs_policy_decision *d);

struct cs_policy_context {
	/* the repository the image was named by ("docker.io/library/alpine"),
	 * NULL: from the image's reference (none for local sources) */
	const char *name;
	struct cs_vulndb *db;	      /* needed when cs_policy_needs_vulndb() */
	struct cs_layer_cache *cache; /* may be NULL */
	const struct cs_policy_evidence *evidence;
	int64_t now; /* seconds since the epoch */
};

/*
 * Evaluate img against every rule of p. Violations are listed, not errors;
 * <0 (err set) only when evaluation itself failed (a layer could not be
 * read, evidence could not be fetched). Not thread-safe for one vulndb.
 */
int cs_policy_eval(const struct cs_policy *p, struct cs_image *img,
		   const struct cs_policy_context *ctx, struct cs_policy_decision **ret,
		   struct cs_error *err);

/*
 * Glob over image names: '*' any run of characters but '/', '**' any run
 * (slashes too), '?' one character but '/', everything else literal.
 */
bool cs_policy_glob(const char *pattern, const char *s);
