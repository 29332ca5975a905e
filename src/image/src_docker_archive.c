/* SPDX-License-Identifier: Apache-2.0 */
/*
 * docker-archive: the output of `docker save` / `podman save`.
 *   docker-archive:PATH[:NAME:TAG|:@INDEX]
 * manifest.json ([{Config, RepoTags, Layers}]) names the config and layer
 * members; archives with several images need a selection. Archives with
 * only the legacy `repositories` file are read through the v1 layer
 * chain: the selected top layer's ID/json, its `parent` links, and each
 * ID/layer.tar. Their config is the top layer's v1 JSON, which has no
 * rootfs.diff_ids, so such layers are checked only by the tar reader.
 *
 * There is no manifest blob: get_manifest hands over a parsed manifest
 * whose descriptors carry member paths (location). Digests are given only
 * where the member name is one (HEX.json configs, blobs/sha256/HEX); the
 * caller verifies them and diff_ids from the config cover the rest.
 */
#include <string.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "basic/path.h"
#include "image/archive.h"
#include "image/source.h"

struct da_ctx {
	struct cs_archive *ar;
	char *label;
	char *config;  /* member path */
	char **layers; /* member paths, bottom first, NULL-terminated */
	size_t n_layers;
	bool legacy;
	struct cs_image_options opts;
};

static void da_close(void *p)
{
	struct da_ctx *c = p;

	if (!c)
		return;
	cs_archive_free(c->ar);
	free(c->label);
	free(c->config);
	cs_strv_free(c->layers);
	free(c);
}

static bool is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* "HEX.json" or "blobs/sha256/HEX" -> "sha256:HEX"; NULL otherwise. */
static char *digest_from_name(const char *path, bool allow_json)
{
	const char *base = cs_path_basename(path);
	size_t n = strlen(base);

	if (!strncmp(path, "blobs/sha256/", 13) && !strchr(path + 13, '/') && is_hex64(base, n))
		return cs_asprintf("sha256:%s", base);
	if (allow_json && !strchr(path, '/') && n == 69 && !strcmp(base + 64, ".json") &&
	    is_hex64(base, 64))
		return cs_asprintf("sha256:%.64s", base);
	return NULL;
}

static int read_json(struct da_ctx *c, const char *member, uint64_t max, json_t **ret,
		     struct cs_error *err)
{
	struct cs_buf buf = CS_BUF_INIT(max);
	json_error_t je;
	json_t *root;
	int r;

	r = cs_archive_read(c->ar, member, &buf, err);
	if (r < 0) {
		if (r != -CS_E_NOTFOUND)
			cs_error_prefix(err, "cannot read '%s' in %s", member, c->label);
		goto out;
	}
	root = json_loadb(buf.data ? buf.data : "", buf.len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		r = cs_error_set(err, -CS_E_INPUT, "invalid '%s' in %s: %s (line %d)", member,
				 c->label, je.text, je.line);
		goto out;
	}
	*ret = root;
out:
	cs_buf_done(&buf);
	return r < 0 ? r : 0;
}

/* Is `tag` (NAME:TAG as the user wrote it) the same image name as `repotag`? */
static bool tag_matches(const char *tag, const char *repotag)
{
	struct cs_docker_ref a = { 0 }, b = { 0 };
	bool eq = false;

	if (!strcmp(tag, repotag))
		return true;
	if (cs_docker_ref_parse(tag, true, &a, NULL) >= 0 &&
	    cs_docker_ref_parse(repotag, true, &b, NULL) >= 0) {
		char *fa = cs_docker_ref_format(&a), *fb = cs_docker_ref_format(&b);

		eq = fa && fb && !strcmp(fa, fb);
		free(fa);
		free(fb);
	}
	cs_docker_ref_done(&a);
	cs_docker_ref_done(&b);
	return eq;
}

static int describe_images(json_t *root, struct cs_buf *out)
{
	json_t *img;
	size_t i;

	json_array_foreach (root, i, img) {
		json_t *tags = json_object_get(img, "RepoTags"), *t;
		size_t j;
		bool any = false;

		if (cs_buf_printf(out, "%s@%zu", i ? ", " : "", i) < 0)
			return -ENOMEM;
		json_array_foreach (tags, j, t) {
			if (json_is_string(t) &&
			    cs_buf_printf(out, "%s%s", any ? " " : " = ", json_string_value(t)) < 0)
				return -ENOMEM;
			any = true;
		}
	}
	return 0;
}

static int clean_member(struct da_ctx *c, const char *field, json_t *v, char **out,
			struct cs_error *err)
{
	struct cs_buf clean = CS_BUF_INIT(c->opts.limits.max_path + 1);
	int r;

	if (!json_is_string(v))
		return cs_error_set(err, -CS_E_INPUT,
				    "'manifest.json' in %s: '%s' must be a string", c->label,
				    field);
	r = cs_path_clean(json_string_value(v), json_string_length(v), &clean, err);
	if (r < 0) {
		cs_error_prefix(err, "'manifest.json' in %s: '%s'", c->label, field);
	} else {
		*out = cs_buf_steal(&clean, NULL);
		if (!*out)
			*out = cs_strdup("");
		r = *out ? 0 : -ENOMEM;
	}
	cs_buf_done(&clean);
	return r;
}

static int select_from_manifest(struct da_ctx *c, json_t *root, const char *tag, int index,
				const char *loose_name, struct cs_error *err)
{
	struct cs_buf list = CS_BUF_INIT(8192);
	size_t n, pick = SIZE_MAX, i;
	json_t *img, *layers, *l;
	int r;

	if (!json_is_array(root))
		return cs_error_set(err, -CS_E_INPUT, "'manifest.json' in %s is not an array",
				    c->label);
	n = json_array_size(root);
	json_array_foreach (root, i, img) {
		json_t *tags;

		if (!json_is_object(img))
			return cs_error_set(err, -CS_E_INPUT,
					    "'manifest.json' in %s: entry %zu is not an object",
					    c->label, i);
		tags = json_object_get(img, "RepoTags");
		if (tags && !json_is_null(tags) && !json_is_array(tags))
			return cs_error_set(err, -CS_E_INPUT,
					    "'manifest.json' in %s: 'RepoTags' must be an array",
					    c->label);
	}
	if (n == 0)
		return cs_error_set(err, -CS_E_INPUT, "%s holds no images", c->label);
	if (index >= 0) {
		if ((size_t)index >= n)
			return cs_error_set(err, -CS_E_NOTFOUND,
					    "%s holds %zu image%s; there is no image @%d", c->label,
					    n, n == 1 ? "" : "s", index);
		pick = (size_t)index;
	} else if (tag || (loose_name && n > 1)) {
		const char *want = tag ? tag : loose_name;

		json_array_foreach (root, i, img) {
			json_t *tags = json_object_get(img, "RepoTags"), *t;
			size_t j;

			json_array_foreach (tags, j, t) {
				if (json_is_string(t) && tag_matches(want, json_string_value(t))) {
					pick = i;
					break;
				}
			}
			if (pick != SIZE_MAX)
				break;
		}
		if (pick == SIZE_MAX) {
			r = describe_images(root, &list);
			r = cs_error_set(err, -CS_E_NOTFOUND,
					 "no image tagged '%s' in %s (available: %s)", want,
					 c->label, r < 0 ? "?" : list.data);
			cs_buf_done(&list);
			return r;
		}
	} else if (n == 1) {
		pick = 0;
	} else {
		r = describe_images(root, &list);
		r = cs_error_set(err, -CS_E_USAGE,
				 "%s holds %zu images; choose one with :NAME:TAG or :@INDEX (%s)",
				 c->label, n, r < 0 ? "?" : list.data);
		cs_buf_done(&list);
		return r;
	}
	img = json_array_get(root, pick);
	r = clean_member(c, "Config", json_object_get(img, "Config"), &c->config, err);
	if (r < 0)
		return r;
	layers = json_object_get(img, "Layers");
	if (!json_is_array(layers))
		return cs_error_set(err, -CS_E_INPUT,
				    "'manifest.json' in %s: 'Layers' must be an array of strings",
				    c->label);
	if (json_array_size(layers) > c->opts.limits.max_layers)
		return cs_error_set(err, -CS_E_LIMIT, "%s: image has more than %u layers", c->label,
				    c->opts.limits.max_layers);
	c->layers = cs_new0(char *, json_array_size(layers) + 1);
	if (!c->layers)
		return -ENOMEM;
	json_array_foreach (layers, i, l) {
		char field[32];

		snprintf(field, sizeof(field), "Layers[%zu]", i);
		r = clean_member(c, field, l, &c->layers[i], err);
		if (r < 0)
			return r;
		c->n_layers = i + 1;
	}
	return 0;
}

/*
 * Legacy archives: repositories = {"name": {"tag": "layer id"}}; the v1
 * chain is ID/json {"id", "parent"} with ID/layer.tar.
 */
static int legacy_pick(struct da_ctx *c, json_t *repos, const char *tag, int index,
		       const char *loose_name, const char **ret_top, struct cs_error *err)
{
	struct cs_buf list = CS_BUF_INIT(8192);
	const char *name, *t, *top = NULL, *want = tag ? tag : loose_name;
	json_t *tags, *id;
	size_t count = 0;
	bool several = false;
	int r = 0;

	if (!json_is_object(repos))
		return cs_error_set(err, -CS_E_INPUT, "'repositories' in %s is not an object",
				    c->label);
	json_object_foreach (repos, name, tags) {
		if (!json_is_object(tags)) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "'repositories' in %s: '%s' must be an object", c->label,
					 name);
			goto out;
		}
		json_object_foreach (tags, t, id) {
			char *full = cs_asprintf("%s:%s", name, t);
			bool hit;

			if (!full) {
				r = -ENOMEM;
				goto out;
			}
			if (!json_is_string(id)) {
				r = cs_error_set(err, -CS_E_INPUT,
						 "'repositories' in %s: '%s' must be a string",
						 c->label, full);
				free(full);
				goto out;
			}
			if (index >= 0)
				hit = count == (size_t)index;
			else if (want)
				hit = tag_matches(want, full);
			else
				hit = true;
			if (hit && !top)
				top = json_string_value(id);
			else if (hit && !want && index < 0 && strcmp(top, json_string_value(id)))
				several = true;
			r = cs_buf_printf(&list, "%s@%zu = %s", count ? ", " : "", count, full);
			free(full);
			if (r < 0)
				goto out;
			count++;
		}
	}
	if (several) {
		r = cs_error_set(err, -CS_E_USAGE,
				 "%s holds %zu images; choose one with :NAME:TAG or :@INDEX (%s)",
				 c->label, count, list.data);
	} else if (!top && index >= 0) {
		r = cs_error_set(err, -CS_E_NOTFOUND, "%s holds %zu image%s; there is no image @%d",
				 c->label, count, count == 1 ? "" : "s", index);
	} else if (!top && want) {
		r = cs_error_set(err, -CS_E_NOTFOUND, "no image tagged '%s' in %s (available: %s)",
				 want, c->label, count ? list.data : "none");
	} else if (!top) {
		r = cs_error_set(err, -CS_E_INPUT, "%s holds no images", c->label);
	} else {
		*ret_top = top;
		r = 0;
	}
out:
	cs_buf_done(&list);
	return r;
}

static int select_legacy(struct da_ctx *c, const char *tag, int index, const char *loose_name,
			 struct cs_error *err)
{
	json_t *repos = NULL;
	const char *top = NULL;
	char **chain = NULL, *cur = NULL;
	size_t n_chain = 0, cap = 0;
	int r;

	r = read_json(c, "repositories", c->opts.limits.max_manifest_size, &repos, err);
	if (r == -CS_E_NOTFOUND)
		return cs_error_set(err, -CS_E_INPUT,
				    "%s has neither 'manifest.json' nor 'repositories'", c->label);
	if (r < 0)
		return r;
	r = legacy_pick(c, repos, tag, index, loose_name, &top, err);
	if (r < 0)
		goto out;
	cur = cs_strdup(top);
	if (!cur) {
		r = -ENOMEM;
		goto out;
	}
	/* walk the parent chain down from the top layer */
	while (cur) {
		json_t *v1 = NULL, *parent;
		char *path;

		if (!is_hex64(cur, strlen(cur))) {
			r = cs_error_set(err, -CS_E_INPUT, "%s: invalid layer id '%.80s'", c->label,
					 cur);
			goto out;
		}
		for (size_t i = 0; i < n_chain; i++) {
			if (!strcmp(chain[i], cur)) {
				r = cs_error_set(err, -CS_E_INPUT,
						 "%s: layer '%s' is its own parent", c->label, cur);
				goto out;
			}
		}
		if (n_chain >= c->opts.limits.max_layers) {
			r = cs_error_set(err, -CS_E_LIMIT, "%s: image has more than %u layers",
					 c->label, c->opts.limits.max_layers);
			goto out;
		}
		r = CS_GROW(chain, cap, n_chain + 2);
		if (r < 0)
			goto out;
		chain[n_chain++] = CS_TAKE_PTR(cur);
		chain[n_chain] = NULL;
		path = cs_asprintf("%s/json", chain[n_chain - 1]);
		if (!path) {
			r = -ENOMEM;
			goto out;
		}
		r = read_json(c, path, c->opts.limits.max_config_size, &v1, err);
		if (r == -CS_E_NOTFOUND)
			cs_error_prefix(err, "%s: missing layer metadata", c->label);
		if (r >= 0 && n_chain == 1)
			c->config = CS_TAKE_PTR(path);
		free(path);
		if (r < 0)
			goto out;
		parent = json_object_get(v1, "parent");
		if (parent && !json_is_null(parent) && !json_is_string(parent)) {
			json_decref(v1);
			r = cs_error_set(err, -CS_E_INPUT,
					 "%s: layer '%s': 'parent' must be a string", c->label,
					 chain[n_chain - 1]);
			goto out;
		}
		if (json_is_string(parent) && json_string_length(parent) > 0) {
			cur = cs_strdup(json_string_value(parent));
			if (!cur) {
				json_decref(v1);
				r = -ENOMEM;
				goto out;
			}
		}
		json_decref(v1);
	}
	c->legacy = true;
	c->layers = cs_new0(char *, n_chain + 1);
	if (!c->layers) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n_chain; i++) {
		c->layers[i] = cs_asprintf("%s/layer.tar", chain[n_chain - 1 - i]);
		if (!c->layers[i]) {
			r = -ENOMEM;
			goto out;
		}
		c->n_layers = i + 1;
	}
	r = 0;
out:
	free(cur);
	json_decref(repos);
	cs_strv_free(chain);
	return r;
}

static int da_open_common(const char *path, int fd, const char *label, const char *tag, int index,
			  const char *loose_name, const struct cs_image_options *opts,
			  void **ret_ctx, struct cs_error *err)
{
	struct da_ctx *c;
	json_t *root = NULL;
	int r;

	c = cs_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->opts = *opts;
	c->label = cs_strdup(label);
	if (!c->label) {
		r = -ENOMEM;
		goto fail;
	}
	r = cs_archive_open(path, fd, label, &opts->limits, &c->ar, err);
	if (r < 0)
		goto fail;
	r = read_json(c, "manifest.json", opts->limits.max_manifest_size, &root, err);
	if (r == -CS_E_NOTFOUND) {
		cs_error_clear(err);
		r = select_legacy(c, tag, index, loose_name, err);
	} else if (r >= 0) {
		r = select_from_manifest(c, root, tag, index, loose_name, err);
	}
	json_decref(root);
	if (r < 0)
		goto fail;
	*ret_ctx = c;
	return 0;
fail:
	da_close(c);
	return r;
}

static int da_open(const struct cs_ref *ref, const struct cs_image_options *opts, void **ret_ctx,
		   struct cs_error *err)
{
	char *label = cs_asprintf("docker archive '%s'", ref->path);
	int r;

	if (!label)
		return -ENOMEM;
	r = da_open_common(ref->path, -1, label, ref->tag, ref->index, NULL, opts, ret_ctx, err);
	free(label);
	return r;
}

int cs_docker_archive_open_fd(int fd, const char *label, const char *select_name,
			      const struct cs_image_options *opts, void **ret_ctx,
			      struct cs_error *err)
{
	return da_open_common(NULL, fd, label, NULL, -1, select_name, opts, ret_ctx, err);
}

static int set_location(struct da_ctx *c, struct cs_descriptor *d, const char *member,
			bool is_config, struct cs_error *err)
{
	const struct cs_archive_member *m;
	int r;

	r = cs_archive_resolve(c->ar, member, &m, err);
	if (r < 0)
		return cs_error_prefix(err, "cannot find the %s",
				       is_config ? "image config" : "layer");
	d->location = cs_strdup(member);
	if (!d->location)
		return -ENOMEM;
	d->size = m->size > INT64_MAX ? -1 : (int64_t)m->size;
	if (!c->legacy) {
		d->digest = digest_from_name(member, is_config);
		if (d->digest && cs_digest_parse(d->digest, NULL, NULL) < 0) {
			free(d->digest);
			d->digest = NULL;
		}
	}
	return 0;
}

static int da_get_manifest(void *p, const char *digest, struct cs_manifest_blob *out,
			   struct cs_error *err)
{
	struct da_ctx *c = p;
	struct cs_manifest *m;
	int r;

	if (digest)
		return cs_error_set(err, -CS_E_NOTFOUND, "%s has no manifest '%s'", c->label,
				    digest);
	m = cs_zalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->kind = CS_MANIFEST_IMAGE;
	m->schema_version = 2;
	m->media_type = cs_strdup(CS_MT_DOCKER_MANIFEST);
	m->config.media_type = cs_strdup(CS_MT_DOCKER_CONFIG);
	m->layers = cs_new0(struct cs_descriptor, c->n_layers ? c->n_layers : 1);
	if (!m->media_type || !m->config.media_type || !m->layers) {
		r = -ENOMEM;
		goto fail;
	}
	r = set_location(c, &m->config, c->config, true, err);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < c->n_layers; i++) {
		m->n_layers = i + 1;
		r = set_location(c, &m->layers[i], c->layers[i], false, err);
		if (r < 0)
			goto fail;
	}
	out->parsed = m;
	return 0;
fail:
	cs_manifest_free(m);
	return r;
}

static int da_open_blob(void *p, const struct cs_descriptor *desc, struct cs_stream **ret,
			struct cs_error *err)
{
	struct da_ctx *c = p;

	if (!desc->location)
		return cs_error_set(err, -CS_E_NOTFOUND, "%s has no blob '%s'", c->label,
				    desc->digest ? desc->digest : "?");
	return cs_archive_open_member(c->ar, desc->location, ret, err);
}

const struct cs_source_ops cs_source_docker_archive = {
	.name = "docker-archive",
	.open = da_open,
	.get_manifest = da_get_manifest,
	.open_blob = da_open_blob,
	.close = da_close,
};
