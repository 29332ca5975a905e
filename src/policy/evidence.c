/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry-backed verifier behind the signatures and attestations
 * rules. A missing .sig/.att tag, a layer that cannot be read and a
 * signature that does not verify are all "not verified" with why; only a
 * registry that cannot be asked is an error (the webhook's failurePolicy
 * then decides).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "policy/evidence.h"
#include "sign/attest.h"
#include "sign/cosign.h"
#include "sign/key.h"
#include "sign/remote.h"

static int load_keys(const char *const *paths, size_t n, struct cs_pubkeys *ks,
		     struct cs_error *err)
{
	cs_pubkeys_init(ks);
	for (size_t i = 0; i < n; i++) {
		struct cs_pubkey *k = NULL;
		int r = cs_pubkey_load(paths[i], &k, err);

		if (r < 0)
			return r;
		r = cs_pubkeys_add(ks, k);
		if (r < 0)
			return cs_error_errno(err, r, "public key '%s'", paths[i]);
	}
	return 0;
}

/* Fetch the attachment layers (suffix "sig" or "att") of NAME@DIGEST. */
static int fetch(const struct cs_policy_registry_evidence *x, const char *name, const char *digest,
		 const char *suffix, struct cs_sign_image **ret_img, struct cs_sign_layers *ret,
		 struct cs_error *err)
{
	_cleanup_free_ char *ref = cs_asprintf("%s@%s", name, digest);
	int r;

	if (!ref)
		return -ENOMEM;
	r = cs_sign_image_resolve(ref, x->sig_repo, &x->ro, false, ret_img, err);
	if (r >= 0)
		r = cs_sign_layers_fetch(*ret_img, suffix, true, ret, err);
	return r;
}

static int verify_signature(void *ud, const char *name, const char *digest, const char *const *keys,
			    size_t n_keys, char **ret_why, struct cs_error *err)
{
	const struct cs_policy_registry_evidence *x = ud;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	struct cs_sign_layers layers = { 0 };
	struct cs_pubkeys ks;
	char why[CS_ERROR_MSG_MAX] = "no signature ('sha256-HEX.sig' tag) found";
	int r, ok = 0;

	r = load_keys(keys, n_keys, &ks, err);
	if (r >= 0)
		r = fetch(x, name, digest, CS_SIGN_TAG_SIG, &img, &layers, err);
	for (size_t i = 0; r >= 0 && !ok && i < layers.n; i++) {
		const struct cs_sign_layer *l = &layers.v[i];
		struct cs_cosign_sig s = {
			.name = (char *)"signature",
			.media_type = (char *)l->media_type,
			.payload = l->blob,
			.payload_len = l->blob_len,
			.layer_digest = (char *)l->digest,
			.signature = (char *)l->signature,
			.bundle = (char *)l->bundle,
			.bundle_len = l->bundle ? strlen(l->bundle) : 0,
		};
		struct cs_cosign_verified v = { 0 };
		struct cs_error e = CS_ERROR_INIT;

		if (!l->blob) {
			snprintf(why, sizeof(why), "%s", l->blob_err.msg);
			continue;
		}
		if (cs_cosign_verify(&s, digest, &ks, NULL, &v, &e) == 0) {
			cs_cosign_verified_done(&v);
			ok = 1;
		} else {
			snprintf(why, sizeof(why), "%s", e.msg);
		}
	}
	cs_sign_layers_done(&layers);
	cs_pubkeys_done(&ks);
	if (r < 0)
		return r;
	if (!ok && !(*ret_why = cs_strdup(why)))
		return -ENOMEM;
	return ok;
}

static int verify_attestation(void *ud, const char *name, const char *digest, const char *type,
			      const char *const *keys, size_t n_keys, char **ret_why,
			      struct cs_error *err)
{
	const struct cs_policy_registry_evidence *x = ud;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	struct cs_sign_layers layers = { 0 };
	const char *want = cs_attest_predicate_type(type);
	struct cs_pubkeys ks;
	char why[CS_ERROR_MSG_MAX] = "no attestation ('sha256-HEX.att' tag) found";
	int r, ok = 0;

	r = load_keys(keys, n_keys, &ks, err);
	if (r >= 0)
		r = fetch(x, name, digest, CS_SIGN_TAG_ATT, &img, &layers, err);
	for (size_t i = 0; r >= 0 && !ok && i < layers.n; i++) {
		const struct cs_sign_layer *l = &layers.v[i];
		struct cs_attestation a = { 0 };
		struct cs_error e = CS_ERROR_INIT;

		if (!l->blob) {
			snprintf(why, sizeof(why), "%s", l->blob_err.msg);
			continue;
		}
		if (cs_attestation_verify(l->blob, l->blob_len, digest, &ks, want ? want : type, &a,
					  &e) == 0) {
			cs_attestation_done(&a);
			ok = 1;
		} else {
			snprintf(why, sizeof(why), "%s", e.msg);
		}
	}
	cs_sign_layers_done(&layers);
	cs_pubkeys_done(&ks);
	if (r < 0)
		return r;
	if (!ok && !(*ret_why = cs_strdup(why)))
		return -ENOMEM;
	return ok;
}

/* The newest verified vulnerability attestation: layers are appended, so the last one. */
static int vuln_attestation(void *ud, const char *name, const char *digest, const char *const *keys,
			    size_t n_keys, json_t **ret_predicate, char **ret_why,
			    struct cs_error *err)
{
	const struct cs_policy_registry_evidence *x = ud;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	struct cs_sign_layers layers = { 0 };
	const char *want = cs_attest_predicate_type("vuln");
	struct cs_pubkeys ks;
	char why[CS_ERROR_MSG_MAX] = "no attestation ('sha256-HEX.att' tag) found";
	json_t *found = NULL;
	int r;

	r = load_keys(keys, n_keys, &ks, err);
	if (r >= 0)
		r = fetch(x, name, digest, CS_SIGN_TAG_ATT, &img, &layers, err);
	for (size_t i = 0; r >= 0 && i < layers.n; i++) {
		const struct cs_sign_layer *l = &layers.v[i];
		struct cs_attestation a = { 0 };
		struct cs_error e = CS_ERROR_INIT;

		if (!l->blob) {
			snprintf(why, sizeof(why), "%s", l->blob_err.msg);
			continue;
		}
		if (cs_attestation_verify(l->blob, l->blob_len, digest, &ks, want, &a, &e) == 0) {
			json_decref(found);
			found = json_incref(a.statement.predicate);
			cs_attestation_done(&a);
		} else if (!found) {
			snprintf(why, sizeof(why), "%s", e.msg);
		}
	}
	cs_sign_layers_done(&layers);
	cs_pubkeys_done(&ks);
	if (r < 0) {
		json_decref(found);
		return r;
	}
	if (!found)
		return (*ret_why = cs_strdup(why)) ? 0 : -ENOMEM;
	*ret_predicate = found;
	return 1;
}

void cs_policy_registry_evidence_init(struct cs_policy_registry_evidence *x,
				      const struct cs_image_options *io)
{
	const char *repo = getenv("COSIGN_REPOSITORY");

	memset(x, 0, sizeof(*x));
	cs_registry_options_default(&x->ro);
	x->ro.ca_cert = io->ca_cert;
	x->ro.insecure = io->insecure;
	x->ro.tls_verify = io->tls_verify;
	x->ro.auth_file = io->auth_file;
	x->ro.username = io->username;
	x->ro.password = io->password;
	x->ro.retries = io->retries;
	x->sig_repo = repo && *repo ? repo : NULL;
	x->ev.userdata = x;
	x->ev.verify_signature = verify_signature;
	x->ev.verify_attestation = verify_attestation;
	x->ev.vuln_attestation = vuln_attestation;
}
