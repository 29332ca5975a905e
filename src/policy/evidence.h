/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signature and attestation evidence for policy rules, read from the
 * image's registry as cosign lays it out (sign/remote.h: the
 * sha256-HEX.sig and sha256-HEX.att manifests) and verified offline with
 * the rule's public keys (sign/cosign.h, sign/attest.h). Each call opens
 * its own registry clients: safe from several threads at once.
 */
#pragma once

#include "image/image.h"
#include "policy/policy.h"
#include "registry/registry.h"

struct cs_policy_registry_evidence {
	struct cs_policy_evidence ev; /* pass &x.ev to cs_policy_parse and the context */
	struct cs_registry_options ro;
	const char *sig_repo; /* $COSIGN_REPOSITORY ("HOST/REPO"), NULL: the image's */
};

/* Registry settings from the image options (borrowed: io must outlive x). */
void cs_policy_registry_evidence_init(struct cs_policy_registry_evidence *x,
				      const struct cs_image_options *io);
