/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signature and attestation manifests in a registry (cosign's tag layout):
 * resolve an image reference to its digest, read the "sha256-HEX.sig" and
 * ".att" manifests and their layer blobs, append a layer. Manifests and
 * blobs are hostile input: sizes and counts are bounded, blobs are checked
 * against their digests. Never verifies, never prints.
 */
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "image/manifest.h"
#include "image/ref.h"
#include "sign/cosign.h"
#include "sign/remote.h"

#define SIG_MANIFEST_MAX	  (4u << 20)
#define IMAGE_MANIFEST_MAX	  (4u << 20)
#define PREDICATE_TYPE_ANNOTATION "predicateType"

void cs_sign_image_free(struct cs_sign_image *img)
{
	if (!img)
		return;
	if (img->areg != img->reg)
		cs_registry_free(img->areg);
	cs_registry_free(img->reg);
	free(img->ref);
	free(img->domain);
	free(img->repo);
	free(img->identity);
	free(img->media_type);
	free(img->att_domain);
	free(img->att_repo);
	free(img);
}

static char *identity_of(const char *domain, const char *repo)
{
	/* go-containerregistry names Docker Hub repositories this way */
	if (!strcmp(domain, "docker.io"))
		return cs_asprintf("index.docker.io/%s", repo);
	return cs_asprintf("%s/%s", domain, repo);
}

int cs_sign_image_resolve(const char *ref, const char *sig_repo,
			  const struct cs_registry_options *opts, bool push,
			  struct cs_sign_image **ret, struct cs_error *err)
{
	_cleanup_(cs_ref_freep) struct cs_ref *r = NULL;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(IMAGE_MANIFEST_MAX);
	_cleanup_free_ char *digest = NULL;
	struct cs_docker_ref sr = { 0 };
	struct cs_registry_options o = *opts;
	const char *reference;
	int k;

	k = cs_ref_parse(ref, &r, err);
	if (k < 0)
		return k;
	if (r->transport != CS_TRANSPORT_REGISTRY)
		return cs_error_set(
			err, -CS_E_INPUT,
			"'%s': signatures live in a registry: give registry:HOST/REPO:TAG "
			"or HOST/REPO@DIGEST",
			ref);
	img = cs_zalloc(sizeof(*img));
	if (!img)
		return -ENOMEM;
	img->ref = cs_strdup(ref);
	img->domain = cs_strdup(r->name.domain);
	img->repo = cs_strdup(r->name.path);
	img->identity = identity_of(r->name.domain, r->name.path);
	if (!img->ref || !img->domain || !img->repo || !img->identity)
		return -ENOMEM;
	o.push = push;
	k = cs_registry_new(img->domain, img->repo, &o, &img->reg, err);
	if (k < 0)
		return k;
	reference = r->name.digest ? r->name.digest : r->name.tag ? r->name.tag : "latest";
	k = cs_registry_get_manifest(img->reg, reference, &body, &img->media_type, &digest, err);
	if (k < 0)
		return k;
	if (digest) {
		snprintf(img->digest, sizeof(img->digest), "%s", digest);
	} else {
		/* a tag served without Docker-Content-Digest: the bytes are what it names */
		k = cs_sha256_digest(body.data ? body.data : "", body.len, img->digest);
		if (k < 0)
			return cs_error_set(err, k, "cannot hash the manifest of '%s'", ref);
	}
	if (strncmp(img->digest, "sha256:", 7) != 0)
		return cs_error_set(
			err, -CS_E_UNSUPPORTED,
			"'%s': manifest digest '%s' is not sha256 (cosign's tags need it)", ref,
			img->digest);
	if (sig_repo && *sig_repo) {
		k = cs_docker_ref_parse(sig_repo, false, &sr, err);
		if (k < 0)
			return cs_error_prefix(err, "signature repository '%s'", sig_repo);
		if (sr.tag || sr.digest) {
			cs_docker_ref_done(&sr);
			return cs_error_set(
				err, -CS_E_INPUT,
				"signature repository '%s': a repository, without a tag "
				"or digest",
				sig_repo);
		}
		img->att_domain = CS_TAKE_PTR(sr.domain);
		img->att_repo = CS_TAKE_PTR(sr.path);
		cs_docker_ref_done(&sr);
	} else {
		img->att_domain = cs_strdup(img->domain);
		img->att_repo = cs_strdup(img->repo);
	}
	if (!img->att_domain || !img->att_repo)
		return -ENOMEM;
	if (!strcmp(img->att_domain, img->domain) && !strcmp(img->att_repo, img->repo)) {
		img->areg = img->reg;
	} else {
		k = cs_registry_new(img->att_domain, img->att_repo, &o, &img->areg, err);
		if (k < 0)
			return k;
	}
	*ret = CS_TAKE_PTR(img);
	return 0;
}

char *cs_sign_attachment_tag(const struct cs_sign_image *img, const char *suffix)
{
	_cleanup_free_ char *stem = cs_registry_referrers_tag(img->digest);

	return stem ? cs_asprintf("%s.%s", stem, suffix) : NULL;
}

void cs_sign_layers_done(struct cs_sign_layers *l)
{
	for (size_t i = 0; i < l->n; i++) {
		json_decref(l->v[i].descriptor);
		free(l->v[i].blob);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const char *annotation(json_t *desc, const char *key)
{
	return json_string_value(json_object_get(json_object_get(desc, "annotations"), key));
}

int cs_sign_layers_parse(const void *manifest, size_t n, struct cs_sign_layers *ret,
			 struct cs_error *err)
{
	struct cs_sign_layers l = { 0 };
	json_t *root, *layers, *d;
	json_error_t je;
	size_t i;
	int r = 0;

	root = json_loadb(manifest, n, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "not JSON: %s (line %d)", je.text, je.line);
	layers = json_object_get(root, "layers");
	if (json_integer_value(json_object_get(root, "schemaVersion")) != 2 ||
	    !json_is_array(layers)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "not an image manifest (schemaVersion 2, layers)");
		goto out;
	}
	if (json_array_size(layers) > CS_SIGN_LAYERS_MAX) {
		r = cs_error_set(err, -CS_E_LIMIT, "more than %u layers", CS_SIGN_LAYERS_MAX);
		goto out;
	}
	l.v = cs_calloc_array(json_array_size(layers) + 1, sizeof(*l.v));
	if (!l.v) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach (layers, i, d) {
		struct cs_sign_layer *x = &l.v[l.n];
		json_t *ann = json_object_get(d, "annotations"), *size = json_object_get(d, "size");
		struct cs_error e2 = CS_ERROR_INIT;
		enum cs_hash_alg alg;

		if (!json_is_object(d) || !json_is_string(json_object_get(d, "mediaType")) ||
		    !json_is_string(json_object_get(d, "digest")) || !json_is_integer(size) ||
		    json_integer_value(size) < 0 || (ann && !json_is_object(ann))) {
			r = cs_error_set(err, -CS_E_INPUT, "layer %zu: not a descriptor", i);
			goto out;
		}
		if (cs_digest_parse(json_string_value(json_object_get(d, "digest")), &alg, &e2) <
		    0) {
			r = cs_error_set(err, -CS_E_INPUT, "layer %zu: %s", i, e2.msg);
			goto out;
		}
		x->descriptor = json_incref(d);
		x->media_type = json_string_value(json_object_get(d, "mediaType"));
		x->digest = json_string_value(json_object_get(d, "digest"));
		x->size = json_integer_value(size);
		x->signature = annotation(d, CS_COSIGN_SIGNATURE_ANNOTATION);
		x->bundle = annotation(d, CS_COSIGN_BUNDLE_ANNOTATION);
		x->predicate_type = annotation(d, PREDICATE_TYPE_ANNOTATION);
		l.n++;
	}
	*ret = l;
	l = (struct cs_sign_layers){ 0 };
out:
	cs_sign_layers_done(&l);
	json_decref(root);
	return r;
}

int cs_sign_layers_fetch(struct cs_sign_image *img, const char *suffix, bool fetch_blobs,
			 struct cs_sign_layers *ret, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(SIG_MANIFEST_MAX);
	_cleanup_free_ char *tag = cs_sign_attachment_tag(img, suffix), *digest = NULL;
	struct cs_sign_layers l = { 0 };
	struct cs_error e2 = CS_ERROR_INIT;
	int r;

	if (!tag)
		return -ENOMEM;
	r = cs_registry_get_manifest(img->areg, tag, &body, NULL, &digest, &e2);
	if (r == -CS_E_NOTFOUND) {
		*ret = l;
		return 0;
	}
	if (r < 0) {
		if (err)
			*err = e2;
		return r;
	}
	r = cs_sign_layers_parse(body.data ? body.data : "", body.len, &l, err);
	if (r < 0)
		return cs_error_prefix(err, "registry '%s' repository '%s': manifest '%s'",
				       img->att_domain, img->att_repo, tag);
	if (digest)
		snprintf(l.manifest_digest, sizeof(l.manifest_digest), "%s", digest);
	else
		cs_sha256_digest(body.data ? body.data : "", body.len, l.manifest_digest);
	for (size_t i = 0; fetch_blobs && i < l.n; i++) {
		struct cs_sign_layer *x = &l.v[i];
		struct cs_buf b = CS_BUF_INIT(CS_SIGN_LAYER_BLOB_MAX);

		if (x->size > (int64_t)CS_SIGN_LAYER_BLOB_MAX) {
			cs_error_set(&x->blob_err, -CS_E_LIMIT,
				     "layer %zu: blob '%s' is larger than %u bytes", i, x->digest,
				     CS_SIGN_LAYER_BLOB_MAX);
			continue;
		}
		r = cs_registry_get_blob(img->areg, x->digest, x->size, &b, &x->blob_err);
		if (r < 0) {
			cs_buf_done(&b);
			cs_error_prefix(&x->blob_err, "layer %zu", i);
			continue;
		}
		/* NUL-terminated for the JSON parsers' convenience; not counted */
		if (cs_buf_putc(&b, '\0') < 0) {
			cs_buf_done(&b);
			cs_error_set(&x->blob_err, -CS_E_LIMIT, "layer %zu: blob too large", i);
			continue;
		}
		x->blob_len = b.len - 1;
		x->blob = b.data;
	}
	*ret = l;
	return 0;
}

static void utc_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int dump_to(json_t *v, struct cs_buf *out)
{
	char *s = json_dumps(v, JSON_COMPACT);
	int r;

	if (!s)
		return -ENOMEM;
	r = cs_buf_puts(out, s);
	free(s);
	return r;
}

int cs_sign_manifest_build(json_t *layers, const char *created, struct cs_buf *config,
			   struct cs_buf *manifest, struct cs_error *err)
{
	json_t *cfg = NULL, *hist = NULL, *diffs = NULL, *m = NULL, *d;
	char cdigest[CS_DIGEST_STR_MAX];
	size_t i;
	int r = -ENOMEM;

	/* the image config go-containerregistry writes for appended static layers */
	hist = json_array();
	diffs = json_array();
	if (!hist || !diffs)
		goto out;
	json_array_foreach (layers, i, d) {
		/* a static layer is uncompressed: its diff_id is its digest */
		if (json_array_append_new(
			    hist, json_pack("{s:s}", "created", "0001-01-01T00:00:00Z")) < 0 ||
		    json_array_append(diffs, json_object_get(d, "digest")) < 0)
			goto out;
	}
	cfg = json_pack("{s:s, s:s, s:O, s:s, s:{s:s, s:O}, s:{}}", "architecture", "", "created",
			created, "history", hist, "os", "", "rootfs", "type", "layers", "diff_ids",
			diffs, "config");
	if (!cfg)
		goto out;
	r = dump_to(cfg, config);
	if (r < 0)
		goto out;
	r = cs_sha256_digest(config->data, config->len, cdigest);
	if (r < 0)
		goto out;
	m = json_pack("{s:i, s:s, s:{s:s, s:I, s:s}, s:O}", "schemaVersion", 2, "mediaType",
		      CS_MT_OCI_MANIFEST, "config", "mediaType", CS_MT_OCI_CONFIG, "size",
		      (json_int_t)config->len, "digest", cdigest, "layers", layers);
	if (!m) {
		r = -ENOMEM;
		goto out;
	}
	r = dump_to(m, manifest);
out:
	json_decref(cfg);
	json_decref(hist);
	json_decref(diffs);
	json_decref(m);
	if (r < 0)
		return cs_error_set(err, r, "cannot build a signature manifest");
	return 0;
}

int cs_sign_layers_append(struct cs_sign_image *img, const char *suffix, const void *payload,
			  size_t n, const char *layer_media_type, json_t *annotations,
			  bool *ret_added, char ret_manifest_digest[CS_DIGEST_STR_MAX],
			  struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf config = CS_BUF_INIT(SIG_MANIFEST_MAX);
	_cleanup_buf_ struct cs_buf manifest = CS_BUF_INIT(SIG_MANIFEST_MAX);
	_cleanup_free_ char *tag = cs_sign_attachment_tag(img, suffix);
	struct cs_sign_layers old = { 0 };
	char pdigest[CS_DIGEST_STR_MAX], cdigest[CS_DIGEST_STR_MAX], mdigest[CS_DIGEST_STR_MAX];
	char created[32];
	json_t *layers = NULL, *desc = NULL, *ann = NULL, *v;
	const char *key;
	int r;

	if (!tag)
		return -ENOMEM;
	if (n > CS_SIGN_LAYER_BLOB_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "payload of %zu bytes: larger than %u bytes",
				    n, CS_SIGN_LAYER_BLOB_MAX);
	r = cs_sign_layers_fetch(img, suffix, false, &old, err);
	if (r < 0)
		return r;
	r = cs_sha256_digest(payload, n, pdigest);
	if (r < 0)
		goto out;
	/* annotations: string values only, in the caller's order */
	ann = json_object();
	if (!ann) {
		r = -ENOMEM;
		goto out;
	}
	json_object_foreach (annotations, key, v) {
		if (!json_is_string(v)) {
			r = cs_error_set(err, -CS_E_INTERNAL, "annotation '%s' is not a string",
					 key);
			goto out;
		}
		if (json_object_set(ann, key, v) < 0) {
			r = -ENOMEM;
			goto out;
		}
	}
	desc = json_pack("{s:s, s:I, s:s, s:O}", "mediaType", layer_media_type, "size",
			 (json_int_t)n, "digest", pdigest, "annotations", ann);
	if (!desc) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < old.n; i++) {
		json_t *oa = json_object_get(old.v[i].descriptor, "annotations");

		bool same_ann = oa ? json_equal(oa, ann) : json_object_size(ann) == 0;

		if (!strcmp(old.v[i].digest, pdigest) && same_ann) {
			/* the identical signature is there already */
			*ret_added = false;
			if (ret_manifest_digest)
				memcpy(ret_manifest_digest, old.manifest_digest, CS_DIGEST_STR_MAX);
			r = 0;
			goto out;
		}
	}
	if (old.n + 1 > CS_SIGN_LAYERS_MAX) {
		r = cs_error_set(err, -CS_E_LIMIT, "manifest '%s' already has %zu layers", tag,
				 old.n);
		goto out;
	}
	layers = json_array();
	if (!layers) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < old.n; i++)
		if (json_array_append(layers, old.v[i].descriptor) < 0) {
			r = -ENOMEM;
			goto out;
		}
	if (json_array_append(layers, desc) < 0) {
		r = -ENOMEM;
		goto out;
	}
	utc_now(created);
	r = cs_sign_manifest_build(layers, created, &config, &manifest, err);
	if (r < 0)
		goto out;
	r = cs_registry_put_blob(img->areg, payload, n, pdigest, err);
	if (r < 0)
		goto out;
	r = cs_registry_put_blob(img->areg, config.data, config.len, cdigest, err);
	if (r < 0)
		goto out;
	r = cs_registry_put_manifest(img->areg, tag, CS_MT_OCI_MANIFEST, manifest.data,
				     manifest.len, mdigest, err);
	if (r < 0)
		goto out;
	cs_log_debug("pushed '%s' (%s) with %zu layers", tag, mdigest, old.n + 1);
	*ret_added = true;
	if (ret_manifest_digest)
		memcpy(ret_manifest_digest, mdigest, sizeof(mdigest));
	r = 0;
out:
	cs_sign_layers_done(&old);
	json_decref(layers);
	json_decref(desc);
	json_decref(ann);
	return r;
}

void cs_sign_referrers_done(struct cs_sign_referrers *r)
{
	json_decref(r->index);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int cs_sign_referrers_fetch(struct cs_sign_image *img, struct cs_sign_referrers *ret,
			    struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(SIG_MANIFEST_MAX);
	struct cs_sign_referrers out = { 0 };
	json_t *list, *d;
	size_t i;
	int r;

	r = cs_registry_get_referrers(img->reg, img->digest, &body, err);
	if (r < 0)
		return r;
	out.api = r > 0;
	out.index = json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES, NULL);
	list = json_object_get(out.index, "manifests");
	if (!json_is_array(list)) {
		r = cs_error_set(err, -CS_E_INPUT, "referrers of '%s': not an image index",
				 img->digest);
		goto fail;
	}
	if (json_array_size(list) > CS_SIGN_LAYERS_MAX) {
		r = cs_error_set(err, -CS_E_LIMIT, "referrers of '%s': more than %u", img->digest,
				 CS_SIGN_LAYERS_MAX);
		goto fail;
	}
	out.v = cs_calloc_array(json_array_size(list) + 1, sizeof(*out.v));
	if (!out.v) {
		r = -ENOMEM;
		goto fail;
	}
	json_array_foreach (list, i, d) {
		struct cs_sign_referrer *x = &out.v[out.n];
		struct cs_error e2 = CS_ERROR_INIT;
		enum cs_hash_alg alg;
		json_t *at = json_object_get(d, "artifactType");

		x->digest = json_string_value(json_object_get(d, "digest"));
		x->media_type = json_string_value(json_object_get(d, "mediaType"));
		x->artifact_type = json_string_value(at);
		x->size = json_integer_value(json_object_get(d, "size"));
		if (!x->digest || !x->media_type || (at && !x->artifact_type) ||
		    cs_digest_parse(x->digest, &alg, &e2) < 0) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "referrers of '%s': entry %zu is not a "
					 "descriptor",
					 img->digest, i);
			goto fail;
		}
		out.n++;
	}
	*ret = out;
	return 0;
fail:
	cs_sign_referrers_done(&out);
	return r;
}
