/* SPDX-License-Identifier: Apache-2.0 */
/* The parsed policy, shared by the parser and the evaluator only. */
#pragma once

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "policy/policy.h"

struct cs_policy_keyrule {
	char *match; /* glob over the repository */
	char **keys; /* NULL-terminated public key paths */
	size_t n_keys;
	char *type; /* attestations: predicate type */
};

struct cs_policy_vuln {
	bool enabled;
	char *db;
	int max_severity; /* enum cs_severity, -1: no limit */
	double max_cvss;  /* -1: no limit */
	bool deny_kev;
	bool ignore_unfixed;
	/* source: attestation — the findings of a verified vulnerability attestation */
	bool from_attestation;
	char **keys;
	size_t n_keys;
};

struct cs_policy_label {
	char *key;
	char *value; /* regex source, NULL: any value */
	pcre2_code *re;
};

struct cs_policy_base_layers {
	char **diff_ids; /* NULL-terminated */
	size_t n;
};

struct cs_policy {
	char *file;
	enum cs_policy_mode mode;
	enum cs_policy_failure failure;
	bool has_trusted;
	char **trusted; /* globs */
	struct cs_policy_keyrule *sigs, *atts;
	size_t n_sigs, n_atts;
	struct cs_policy_vuln vuln;
	bool forbid_root;
	struct cs_policy_label *labels;
	size_t n_labels;
	int64_t max_age; /* seconds, 0: no limit */
	struct {
		bool enabled;
		char **names; /* globs over org.opencontainers.image.base.name */
		char **refs;  /* image references */
		size_t n_refs;
		struct cs_policy_base_layers *layers; /* per ref, after cs_policy_prepare */
		size_t n_layers;
		bool prepared;
	} base;
};
