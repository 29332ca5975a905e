/* SPDX-License-Identifier: Apache-2.0 */
/*
 * registry: image source over the OCI distribution API. It only fetches:
 * the manifest the reference names, child manifests by digest, and raw
 * blobs. image.c parses, selects the platform and verifies blob digests.
 */
#include <string.h>
#include "basic/alloc.h"
#include "image/source.h"
#include "registry/registry.h"

struct reg_source {
	struct cs_registry *reg;
	char *reference; /* the digest if the reference has one, else the tag */
	struct cs_limits limits;
};

static void reg_close(void *ctx)
{
	struct reg_source *s = ctx;

	if (!s)
		return;
	cs_registry_free(s->reg);
	free(s->reference);
	free(s);
}

static int reg_open(const struct cs_ref *ref, const struct cs_image_options *opts, void **ret_ctx,
		    struct cs_error *err)
{
	const struct cs_docker_ref *n = &ref->name;
	struct cs_registry_options ro;
	struct reg_source *s;
	int r;

	if (!n->domain || !n->path)
		return cs_error_set(err, -CS_E_INPUT, "'%s': not a registry reference", ref->input);
	cs_registry_options_default(&ro);
	ro.ca_cert = opts->ca_cert;
	ro.insecure = opts->insecure;
	ro.tls_verify = opts->tls_verify;
	ro.auth_file = opts->auth_file;
	ro.username = opts->username;
	ro.password = opts->password;
	ro.retries = opts->retries;
	ro.max_manifest_size = opts->limits.max_manifest_size;
	s = cs_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->limits = opts->limits;
	s->reference = cs_strdup(n->digest ? n->digest : n->tag ? n->tag : "latest");
	if (!s->reference) {
		reg_close(s);
		return -ENOMEM;
	}
	r = cs_registry_new(n->domain, n->path, &ro, &s->reg, err);
	if (r < 0) {
		reg_close(s);
		return r;
	}
	*ret_ctx = s;
	return 0;
}

static int reg_get_manifest(void *ctx, const char *digest, struct cs_manifest_blob *out,
			    struct cs_error *err)
{
	struct reg_source *s = ctx;

	return cs_registry_get_manifest(s->reg, digest ? digest : s->reference, &out->data,
					&out->media_type, &out->expected_digest, err);
}

static int reg_open_blob(void *ctx, const struct cs_descriptor *desc, struct cs_stream **ret,
			 struct cs_error *err)
{
	struct reg_source *s = ctx;

	if (!desc->digest)
		return cs_error_set(err, -CS_E_INPUT, "blob without a digest");
	return cs_registry_open_blob(s->reg, desc->digest, desc->size, s->limits.max_blob_size, ret,
				     err);
}

const struct cs_source_ops cs_source_registry = {
	.name = "registry",
	.open = reg_open,
	.get_manifest = reg_get_manifest,
	.open_blob = reg_open_blob,
	.close = reg_close,
};
