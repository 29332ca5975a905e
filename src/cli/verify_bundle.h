/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sign/key.h"
#include "sign/remote.h"

/*
 * Verify the Sigstore bundles among the image's referrers with keys (and
 * their tlog entries with rekor_key when given): one JSON line per verified
 * bundle to output (NULL: stdout), one stderr line per bundle that fails.
 * Returns the exit status: 0 when one verified, EXIT_VERIFY_FAILED when
 * none did (or there are none), 2/3 on errors.
 */
int cli_verify_bundles(struct cs_sign_image *img, const struct cs_pubkeys *keys,
		       const struct cs_pubkey *rekor_key, const char *output);
/*
 * verify-attestation's counterpart: only DSSE bundles whose predicate type
 * is want_type (NULL: any) count; each one's predicate is printed.
 */
int cli_verify_bundle_attestations(struct cs_sign_image *img, const struct cs_pubkeys *keys,
				   const char *want_type, const char *output);
