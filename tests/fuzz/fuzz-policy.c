/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ImagePolicy parser: no crash, errors are one line naming the file
 * ("fuzz.yaml:LINE: ..." or "fuzz.yaml: ..."), and a loaded policy answers
 * its accessors. With evidence functions present the signature and
 * attestation rules are parsed too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int never(void *ud, const char *name, const char *digest, const char *const *keys,
		 size_t n_keys, char **ret_why, struct cs_error *err)
{
	(void)ud, (void)name, (void)digest, (void)keys, (void)n_keys, (void)ret_why, (void)err;
	abort();
}

static int never_att(void *ud, const char *name, const char *digest, const char *type,
		     const char *const *keys, size_t n_keys, char **ret_why, struct cs_error *err)
{
	(void)ud, (void)name, (void)digest, (void)type, (void)keys, (void)n_keys;
	(void)ret_why, (void)err;
	abort();
}

static void load(const uint8_t *data, size_t size, const struct cs_policy_evidence *ev)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_policy *p = NULL;
	int r;

	r = cs_policy_parse((const char *)data, size, "fuzz.yaml", ev, &p, &err);
	if (r < 0) {
		if (p ||
		    (r != -ENOMEM && (strncmp(err.msg, "fuzz.yaml", 9) || strchr(err.msg, '\n'))))
			abort();
		return;
	}
	if (cs_policy_mode(p) > CS_POLICY_AUDIT || cs_policy_failure(p) > CS_POLICY_FAIL_OPEN)
		abort();
	(void)cs_policy_needs_vulndb(p);
	(void)cs_policy_vulndb_path(p);
	cs_policy_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cs_policy_evidence ev = { .verify_signature = never,
					       .verify_attestation = never_att };

	load(data, size, NULL);
	load(data, size, &ev);
	return 0;
}
