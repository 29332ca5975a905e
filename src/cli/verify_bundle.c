/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs verify REF --key PUB for Sigstore bundles: the image's OCI 1.1
 * referrers (the referrers API, else the sha256-<hex> fallback tag) whose
 * artifact type is a Sigstore bundle, each fetched (bounded, digest-checked)
 * and verified with sign/bundle.h. cli_verify_registry hands over here when
 * the image has no cosign .sig signatures.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "cli/cli.h"
#include "cli/verify_bundle.h"
#include "registry/registry.h"
#include "sign/bundle.h"

#define BUNDLE_MANIFEST_MAX (1u << 20)
#define IMAGE_MANIFEST_MAX  (4u << 20)

static bool is_bundle_type(const char *t)
{
	return t && (!strcmp(t, CS_SIGSTORE_BUNDLE_V03) || !strcmp(t, CS_SIGSTORE_BUNDLE_V03_ALT) ||
		     !strcmp(t, CS_SIGSTORE_BUNDLE_V02) || !strcmp(t, CS_SIGSTORE_BUNDLE_V01));
}

/*
 * The bundle blob of one referrer: an OCI image manifest whose
 * artifactType is a bundle type, whose subject is the image, with one
 * layer (the bundle). 1 when the manifest is not a bundle (skipped).
 */
static int fetch_bundle(struct cs_sign_image *img, const struct cs_sign_referrer *x,
			struct cs_buf *blob, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(BUNDLE_MANIFEST_MAX);
	json_t *m = NULL, *layers, *layer, *size;
	const char *at, *sd, *ld;
	int r;

	r = cs_registry_get_manifest(img->reg, x->digest, &body, NULL, NULL, err);
	if (r < 0)
		return r;
	m = json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(m)) {
		r = cs_error_set(err, -CS_E_INPUT, "bundle manifest %s: not a JSON object",
				 x->digest);
		goto out;
	}
	at = json_string_value(json_object_get(m, "artifactType"));
	if (!at)
		at = json_string_value(json_object_get(json_object_get(m, "config"), "mediaType"));
	if (!is_bundle_type(at)) {
		r = 1;
		goto out;
	}
	sd = json_string_value(json_object_get(json_object_get(m, "subject"), "digest"));
	if (!sd || strcmp(sd, img->digest) != 0) {
		r = cs_error_set(err, -CS_E_AUTH,
				 "bundle manifest %s: its subject is %s, not the image %s",
				 x->digest, sd ? sd : "missing", img->digest);
		goto out;
	}
	layers = json_object_get(m, "layers");
	if (!json_is_array(layers) || json_array_size(layers) != 1) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "bundle manifest %s: a bundle manifest has exactly one layer",
				 x->digest);
		goto out;
	}
	layer = json_array_get(layers, 0);
	ld = json_string_value(json_object_get(layer, "digest"));
	size = json_object_get(layer, "size");
	if (!ld || !json_is_integer(size) || json_integer_value(size) < 0) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "bundle manifest %s: the layer has no digest or size", x->digest);
		goto out;
	}
	if (json_integer_value(size) > (json_int_t)CS_SIGSTORE_BUNDLE_MAX) {
		r = cs_error_set(err, -CS_E_LIMIT,
				 "bundle manifest %s: bundle larger than %u bytes", x->digest,
				 CS_SIGSTORE_BUNDLE_MAX);
		goto out;
	}
	cs_buf_reset(blob);
	r = cs_registry_get_blob(img->reg, ld, json_integer_value(size), blob, err);
	if (r < 0)
		cs_error_prefix(err, "bundle manifest %s", x->digest);
out:
	json_decref(m);
	return r;
}

/* Does the bundle carry a DSSE envelope? (false for ones that do not parse: reported later) */
static bool is_dsse(const struct cs_buf *blob)
{
	struct cs_sigstore_bundle b = { 0 };
	bool msg;

	if (cs_sigstore_bundle_parse(blob->data ? blob->data : "", blob->len, &b, NULL) < 0)
		return true;
	msg = b.msg_sig != NULL;
	cs_sigstore_bundle_done(&b);
	return !msg;
}

/* verify-attestation prints the predicate, as for .att attestations */
static int print_predicate(FILE *f, const struct cs_bundle_verified *v)
{
	char *line = json_dumps(v->predicate, JSON_COMPACT | JSON_ENCODE_ANY);
	int r = !line || fputs(line, f) == EOF || fputc('\n', f) == EOF ? -EIO : 0;

	free(line);
	return r;
}

static int print_bundle(FILE *f, const char *source, const struct cs_sign_image *img,
			const struct cs_bundle_verified *v, const struct cs_pubkeys *keys)
{
	json_t *o = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:b, s:I}", "type", "sigstore-bundle",
		"source", source, "digest", img->digest, "mediaType", v->media_type, "content",
		v->predicate_type ? "dsseEnvelope" : "messageSignature", "predicateType",
		v->predicate_type, "key", cs_pubkey_name(keys->v[v->key_index]), "tlog", v->tlog,
		"tlogEntries", (json_int_t)v->n_tlog);
	int r = o ? 0 : -ENOMEM;

	if (r == 0 && v->tlog)
		r = json_object_set_new(o, "integratedTime", json_integer(v->integrated_time)) |
		    json_object_set_new(o, "logIndex", json_integer(v->log_index));
	if (r == 0 && (json_dumpf(o, f, JSON_COMPACT) < 0 || fputc('\n', f) == EOF))
		r = -EIO;
	json_decref(o);
	return r < 0 ? r : 0;
}

/*
 * The core of both verbs: att (verify-attestation) counts only DSSE bundles
 * of want_type (NULL: any) and prints their predicates; otherwise every
 * bundle counts and a summary line is printed for each.
 */
static int verify_bundles(struct cs_sign_image *img, const struct cs_pubkeys *keys,
			  const struct cs_pubkey *rekor_key, const char *output, bool att,
			  const char *want_type)
{
	struct cs_buf blob = CS_BUF_INIT(CS_SIGSTORE_BUNDLE_MAX);
	struct cs_buf manifest = CS_BUF_INIT(IMAGE_MANIFEST_MAX);
	struct cs_sign_referrers refs = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cli_output out = { 0 };
	bool opened = false;
	size_t found = 0, verified = 0;
	int r, status;

	r = cs_sign_referrers_fetch(img, &refs, &err);
	/* the image manifest itself: a message signature signs these bytes */
	if (r >= 0 && refs.n)
		r = cs_registry_get_manifest(img->reg, img->digest, &manifest, NULL, NULL, &err);
	if (r >= 0)
		r = cli_output_open(&out, output, &err);
	if (r < 0) {
		status = cli_fail(&err);
		goto done;
	}
	opened = true;
	for (size_t i = 0; i < refs.n; i++) {
		const struct cs_sign_referrer *x = &refs.v[i];
		struct cs_bundle_verified v = { 0 };
		struct cs_error e = CS_ERROR_INIT;
		_cleanup_free_ char *source = NULL;

		if (x->artifact_type && !is_bundle_type(x->artifact_type))
			continue;
		r = fetch_bundle(img, x, &blob, &e);
		if (r == 1)
			continue;
		if (att && r >= 0 && !is_dsse(&blob)) {
			/* a message signature is a signature, not an attestation */
			continue;
		}
		found++;
		if (r >= 0)
			r = cs_sigstore_bundle_verify(blob.data ? blob.data : "", blob.len,
						      img->digest, manifest.data, manifest.len,
						      keys, rekor_key, &v, &e);
		if (r == -ENOMEM) {
			status = cli_fail(&e);
			goto done;
		}
		if (r < 0) {
			fprintf(stderr, "%s: bundle %s: %s\n", cli_program, x->digest, e.msg);
			continue;
		}
		if (att && (!v.predicate_type ||
			    (want_type && strcmp(v.predicate_type, want_type) != 0))) {
			/* a signature, or another predicate type: not asked for, not a failure */
			cs_bundle_verified_done(&v);
			continue;
		}
		source = cs_asprintf("%s@%s", img->ref, x->digest);
		if (att)
			r = print_predicate(out.f, &v);
		else
			r = source ? print_bundle(out.f, source, img, &v, keys) : -ENOMEM;
		cs_bundle_verified_done(&v);
		if (r < 0) {
			cs_error_errno(&err, r, "cannot write the output");
			status = cli_fail(&err);
			goto done;
		}
		verified++;
	}
	if (found == 0) {
		fprintf(stderr, "%s: no %s found for %s\n", cli_program,
			att ? "attestations" : "signatures", img->digest);
		status = EXIT_VERIFY_FAILED;
		goto done;
	}
	if (verified == 0) {
		if (att)
			fprintf(stderr, "%s: no attestation%s%s of %s verified\n", cli_program,
				want_type ? " of type " : "", want_type ? want_type : "",
				img->digest);
		status = EXIT_VERIFY_FAILED;
		goto done;
	}
	opened = false;
	if (cli_output_commit(&out, &err) < 0) {
		status = cli_fail(&err);
		goto done;
	}
	if (!cli_quiet)
		fprintf(stderr, "%s: %zu of %zu Sigstore bundles verified%s for %s\n", cli_program,
			verified, found, att ? " as attestations" : "", img->digest);
	status = 0;
done:
	if (opened)
		cli_output_abort(&out);
	cs_sign_referrers_done(&refs);
	cs_buf_done(&blob);
	cs_buf_done(&manifest);
	return status;
}

int cli_verify_bundles(struct cs_sign_image *img, const struct cs_pubkeys *keys,
		       const struct cs_pubkey *rekor_key, const char *output)
{
	return verify_bundles(img, keys, rekor_key, output, false, NULL);
}

int cli_verify_bundle_attestations(struct cs_sign_image *img, const struct cs_pubkeys *keys,
				   const char *want_type, const char *output)
{
	return verify_bundles(img, keys, NULL, output, true, want_type);
}
