/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An image from any source. This is the one place where manifests are
 * parsed, platforms selected and digests of manifests and configs checked,
 * so every source gets the same verification. Layers are verified by
 * cs_layer_read as they stream.
 */
#include <fcntl.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/log.h"
#include "image/image.h"
#include "image/source.h"

struct cs_image {
	struct cs_ref *ref;
	struct cs_image_options opts;
	char *platform; /* copy of opts.platform */
	const struct cs_source_ops *ops;
	void *ctx;
	struct cs_manifest *manifest; /* NULL for dir: */
	char *manifest_digest;
	char *manifest_media_type;
	char *index_digest;
	char *config_digest;
	struct cs_image_config *config;
	struct cs_layer_info *layers;
	size_t n_layers;
};

void cs_image_options_default(struct cs_image_options *o)
{
	memset(o, 0, sizeof(*o));
	o->tls_verify = true;
	o->retries = 3;
	cs_limits_default(&o->limits);
}

void cs_manifest_blob_done(struct cs_manifest_blob *b)
{
	cs_buf_done(&b->data);
	free(b->media_type);
	free(b->expected_digest);
	cs_manifest_free(b->parsed);
	memset(b, 0, sizeof(*b));
}

static const struct cs_source_ops *source_for(enum cs_transport t)
{
	switch (t) {
	case CS_TRANSPORT_DOCKER_ARCHIVE:
		return &cs_source_docker_archive;
	case CS_TRANSPORT_OCI:
		return &cs_source_oci;
	case CS_TRANSPORT_OCI_ARCHIVE:
		return &cs_source_oci_archive;
	case CS_TRANSPORT_DIR:
		return &cs_source_dir;
	case CS_TRANSPORT_REGISTRY:
		return &cs_source_registry;
	case CS_TRANSPORT_ENGINE:
		return &cs_source_engine;
	}
	return NULL;
}

/*
 * Fetch a manifest (digest NULL: the top-level one), check its digest and
 * parse it. Returns the parsed manifest and its digest (NULL if unknown).
 */
static int fetch_manifest(struct cs_image *img, const char *digest, struct cs_manifest **ret,
			  char **ret_digest, char **ret_media_type, struct cs_error *err)
{
	struct cs_manifest_blob blob = { 0 };
	char computed[CS_DIGEST_STR_MAX];
	struct cs_manifest *m = NULL;
	enum cs_hash_alg alg = CS_HASH_SHA256;
	const char *want;
	int r;

	cs_buf_init(&blob.data, img->opts.limits.max_manifest_size);
	r = img->ops->get_manifest(img->ctx, digest, &blob, err);
	if (r < 0)
		goto out;
	if (blob.parsed) {
		/* a source without manifests (legacy docker-archive) */
		*ret = CS_TAKE_PTR(blob.parsed);
		*ret_digest = NULL;
		*ret_media_type = cs_strdup((*ret)->media_type);
		r = 0;
		goto out;
	}
	if (blob.data.len > img->opts.limits.max_manifest_size) {
		r = cs_error_set(err, -CS_E_LIMIT, "manifest of '%s' is larger than %llu bytes",
				 img->ref->input,
				 (unsigned long long)img->opts.limits.max_manifest_size);
		goto out;
	}
	want = digest ? digest : blob.expected_digest;
	if (want) {
		r = cs_digest_parse(want, &alg, err);
		if (r < 0)
			goto out;
	}
	r = cs_digest_of(alg, blob.data.data ? blob.data.data : "", blob.data.len, computed);
	if (r < 0) {
		r = cs_error_set(err, r, "cannot hash manifest of '%s'", img->ref->input);
		goto out;
	}
	if (want && strcmp(want, computed) != 0) {
		r = cs_error_set(err, -CS_E_DIGEST,
				 "manifest '%s' of '%s' does not match its digest: got %s", want,
				 img->ref->input, computed);
		goto out;
	}
	r = cs_manifest_parse(blob.data.data ? blob.data.data : "", blob.data.len, blob.media_type,
			      &m, err);
	if (r < 0) {
		cs_error_prefix(err, "manifest %s of '%s'", computed, img->ref->input);
		goto out;
	}
	*ret_digest = cs_strdup(computed);
	*ret_media_type = cs_strdup(m->media_type ? m->media_type : blob.media_type);
	if (!*ret_digest) {
		cs_manifest_free(m);
		r = -ENOMEM;
		goto out;
	}
	*ret = m;
out:
	cs_manifest_blob_done(&blob);
	return r;
}

static int resolve_manifest(struct cs_image *img, struct cs_error *err)
{
	struct cs_platform want = { 0 };
	char *digest = NULL, *mt = NULL;
	struct cs_manifest *m = NULL;
	int r;

	if (img->platform)
		r = cs_platform_parse(img->platform, &want, err);
	else
		r = cs_platform_default(&want);
	if (r < 0)
		return r;
	r = fetch_manifest(img, NULL, &m, &digest, &mt, err);
	for (unsigned depth = 0; r >= 0 && m->kind == CS_MANIFEST_INDEX; depth++) {
		char *child;
		int idx;

		if (depth >= img->opts.limits.max_depth) {
			r = cs_error_set(err, -CS_E_LIMIT,
					 "image indexes of '%s' are nested deeper than %u",
					 img->ref->input, img->opts.limits.max_depth);
			break;
		}
		idx = cs_index_select(m, &want, err);
		if (idx < 0) {
			r = cs_error_prefix(err, "'%s'", img->ref->input);
			break;
		}
		child = cs_strdup(m->manifests[idx].digest);
		if (!child) {
			r = -ENOMEM;
			break;
		}
		if (!img->index_digest) {
			img->index_digest = digest;
			digest = NULL;
		}
		free(digest);
		free(mt);
		digest = mt = NULL;
		cs_manifest_free(m);
		m = NULL;
		r = fetch_manifest(img, child, &m, &digest, &mt, err);
		free(child);
	}
	cs_platform_done(&want);
	if (r < 0) {
		cs_manifest_free(m);
		free(digest);
		free(mt);
		return r;
	}
	img->manifest = m;
	img->manifest_digest = digest;
	img->manifest_media_type = mt;
	return 0;
}

static int load_config(struct cs_image *img, struct cs_error *err)
{
	const struct cs_descriptor *d = &img->manifest->config;
	struct cs_buf buf = CS_BUF_INIT(img->opts.limits.max_config_size);
	struct cs_stream *raw = NULL, *s = NULL;
	char label[128];
	int r;

	snprintf(label, sizeof(label), "config %s", d->digest ? d->digest : "");
	if (d->size > 0 && (uint64_t)d->size > img->opts.limits.max_config_size)
		return cs_error_set(err, -CS_E_LIMIT, "config of '%s' is larger than %llu bytes",
				    img->ref->input,
				    (unsigned long long)img->opts.limits.max_config_size);
	r = img->ops->open_blob(img->ctx, d, &raw, err);
	if (r < 0)
		return cs_error_prefix(err, "cannot read config of '%s'", img->ref->input);
	r = cs_stream_verify_new(raw, d->digest, d->size, img->opts.limits.max_config_size, label,
				 &s, err);
	if (r < 0)
		return cs_error_prefix(err, "'%s'", img->ref->input);
	r = cs_stream_read_all(s, &buf, err);
	if (r < 0) {
		cs_error_prefix(err, "cannot read config of '%s'", img->ref->input);
		goto out;
	}
	if (!img->manifest->config.digest) {
		img->config_digest = cs_strdup(cs_stream_verify_digest(s));
		if (!img->config_digest) {
			r = -ENOMEM;
			goto out;
		}
	} else {
		img->config_digest = cs_strdup(d->digest);
		if (!img->config_digest) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = cs_image_config_parse(buf.data ? buf.data : "", buf.len, &img->config, err);
	if (r < 0)
		cs_error_prefix(err, "config %s of '%s'", img->config_digest, img->ref->input);
out:
	cs_stream_free(s);
	cs_buf_done(&buf);
	return r;
}

static int setup_layers(struct cs_image *img, struct cs_error *err)
{
	const struct cs_manifest *m = img->manifest;
	const struct cs_image_config *c = img->config;

	if (m->n_layers > img->opts.limits.max_layers)
		return cs_error_set(err, -CS_E_LIMIT,
				    "'%s' has %zu layers, more than the limit of %u",
				    img->ref->input, m->n_layers, img->opts.limits.max_layers);
	if (c->diff_ids && c->n_diff_ids != m->n_layers)
		return cs_error_set(
			err, -CS_E_INPUT,
			"'%s': config lists %zu diff_ids but the manifest has %zu layers",
			img->ref->input, c->n_diff_ids, m->n_layers);
	img->layers = cs_new0(struct cs_layer_info, m->n_layers);
	if (!img->layers)
		return -ENOMEM;
	img->n_layers = m->n_layers;
	for (size_t i = 0; i < m->n_layers; i++) {
		struct cs_layer_info *l = &img->layers[i];
		const struct cs_descriptor *d = &m->layers[i];

		l->index = (unsigned)i;
		l->digest = d->digest;
		l->diff_id = c->diff_ids ? c->diff_ids[i] : NULL;
		l->media_type = d->media_type;
		l->compressed_size = d->size;
	}
	return 0;
}

int cs_image_open(const char *refstr, const struct cs_image_options *opts, struct cs_image **ret,
		  struct cs_error *err)
{
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	int r;

	img = cs_zalloc(sizeof(*img));
	if (!img)
		return -ENOMEM;
	if (opts)
		img->opts = *opts;
	else
		cs_image_options_default(&img->opts);
	if (img->opts.platform) {
		img->platform = cs_strdup(img->opts.platform);
		if (!img->platform)
			return -ENOMEM;
		img->opts.platform = img->platform;
	}
	r = cs_ref_parse(refstr, &img->ref, err);
	if (r < 0)
		return r;
	img->ops = source_for(img->ref->transport);
	if (!img->ops)
		return cs_error_set(err, -CS_E_INTERNAL, "no source for '%s'", refstr);
	r = img->ops->open(img->ref, &img->opts, &img->ctx, err);
	if (r < 0)
		return r;
	if (img->ops->rootfs_fd) {
		/* a root filesystem: no manifest, no config, one layer */
		img->config = cs_zalloc(sizeof(*img->config));
		img->layers = cs_new0(struct cs_layer_info, 1);
		if (!img->config || !img->layers)
			return -ENOMEM;
		img->n_layers = 1;
		img->layers[0].compressed_size = -1;
		*ret = CS_TAKE_PTR(img);
		return 0;
	}
	r = resolve_manifest(img, err);
	if (r < 0)
		return r;
	r = load_config(img, err);
	if (r < 0)
		return r;
	r = setup_layers(img, err);
	if (r < 0)
		return r;
	*ret = CS_TAKE_PTR(img);
	return 0;
}

void cs_image_free(struct cs_image *img)
{
	if (!img)
		return;
	if (img->ops && img->ctx && img->ops->close)
		img->ops->close(img->ctx);
	cs_manifest_free(img->manifest);
	cs_image_config_free(img->config);
	free(img->layers);
	free(img->manifest_digest);
	free(img->manifest_media_type);
	free(img->index_digest);
	free(img->config_digest);
	free(img->platform);
	cs_ref_free(img->ref);
	free(img);
}

const struct cs_ref *cs_image_ref(const struct cs_image *img)
{
	return img->ref;
}

const char *cs_image_manifest_digest(const struct cs_image *img)
{
	return img->manifest_digest;
}

const char *cs_image_manifest_media_type(const struct cs_image *img)
{
	return img->manifest_media_type;
}

const char *cs_image_index_digest(const struct cs_image *img)
{
	return img->index_digest;
}

const char *cs_image_config_digest(const struct cs_image *img)
{
	return img->config_digest;
}

const struct cs_image_config *cs_image_config(const struct cs_image *img)
{
	return img->config;
}

const struct cs_manifest *cs_image_manifest(const struct cs_image *img)
{
	return img->manifest;
}

const struct cs_limits *cs_image_limits(const struct cs_image *img)
{
	return &img->opts.limits;
}

size_t cs_image_layer_count(const struct cs_image *img)
{
	return img->n_layers;
}

struct cs_layer_info *cs_image_layer(struct cs_image *img, size_t i)
{
	return i < img->n_layers ? &img->layers[i] : NULL;
}

static int walk_rootfs(struct cs_image *img, const struct cs_walker *walkers, size_t n,
		       struct cs_walk_budget *budget, struct cs_error *err)
{
	int fd = -1, r;

	r = img->ops->rootfs_fd(img->ctx, &fd, err);
	if (r < 0)
		return r;
	r = cs_dir_walk(fd, &img->layers[0], &img->opts.limits, budget, walkers, n,
			img->opts.progress, err);
	close(fd);
	if (r < 0)
		return cs_error_prefix(err, "'%s'", img->ref->input);
	return r;
}

int cs_image_walk(struct cs_image *img, const struct cs_walker *walkers, size_t n_walkers, int only,
		  struct cs_error *err)
{
	return cs_image_walk_hooked(img, walkers, n_walkers, only, NULL, err);
}

int cs_image_walk_hooked(struct cs_image *img, const struct cs_walker *walkers, size_t n_walkers,
			 int only, const struct cs_walk_hooks *hooks, struct cs_error *err)
{
	struct cs_walk_budget budget = { 0 };
	int r = 0;

	if (only >= 0 && (size_t)only >= img->n_layers)
		return cs_error_set(err, -CS_E_USAGE, "'%s' has %zu layers; there is no layer %d",
				    img->ref->input, img->n_layers, only);
	if (img->ops->rootfs_fd) {
		r = walk_rootfs(img, walkers, n_walkers, &budget, err);
		cs_progress_finish(img->opts.progress);
		return r;
	}
	for (size_t i = 0; i < img->n_layers; i++) {
		struct cs_layer_info *l = &img->layers[i];
		const struct cs_descriptor *d = &img->manifest->layers[i];
		struct cs_stream *blob = NULL;

		if (only >= 0 && (size_t)only != i)
			continue;
		if (d->media_type && !cs_media_type_is_layer(d->media_type)) {
			r = cs_error_set(err, -CS_E_UNSUPPORTED,
					 "'%s': layer %zu has unsupported media type '%s'",
					 img->ref->input, i, d->media_type);
			break;
		}
		if (hooks && hooks->before_layer) {
			r = hooks->before_layer(hooks->userdata, l, &budget, err);
			if (r < 0) {
				cs_error_prefix(err, "'%s'", img->ref->input);
				break;
			}
			if (r > 0) {
				r = 0;
				continue;
			}
		}
		r = img->ops->open_blob(img->ctx, d, &blob, err);
		if (r < 0) {
			cs_error_prefix(err, "'%s': cannot open layer %zu", img->ref->input, i);
			break;
		}
		r = cs_layer_read(blob, l, &img->opts.limits, &budget, walkers, n_walkers,
				  img->opts.progress, err);
		if (r < 0) {
			cs_error_prefix(err, "'%s'", img->ref->input);
			break;
		}
	}
	cs_progress_finish(img->opts.progress);
	return r < 0 ? r : 0;
}
