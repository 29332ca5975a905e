/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI image layouts: a directory (oci:DIR[:TAG]) or a tar of one
 * (oci-archive:PATH[:TAG]). The reference's manifest is chosen from
 * index.json by the org.opencontainers.image.ref.name annotation (also in
 * nested indexes, to limits.max_depth); without a tag the layout must
 * hold exactly one image. Blobs are blobs/ALG/HEX, opened beneath the
 * layout directory without following symlinks out of it (openat2
 * RESOLVE_BENEATH, or an O_NOFOLLOW walk on older kernels).
 *
 * This file only fetches bytes: digests are verified by image.c and the
 * layer reader.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "image/archive.h"
#include "image/source.h"

#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"
#define OCI_LAYOUT_MAX	    4096

struct oci_ctx {
	int dirfd;	       /* oci: */
	struct cs_archive *ar; /* oci-archive: */
	char *label;	       /* "OCI layout '/dir'" */
	struct cs_image_options opts;
	struct cs_buf index; /* index.json */
	/* the chosen top-level manifest; digest NULL: index.json itself */
	char *digest;
	char *media_type;
};

static void oci_close(void *p)
{
	struct oci_ctx *c = p;

	if (!c)
		return;
	if (c->dirfd >= 0)
		close(c->dirfd);
	cs_archive_free(c->ar);
	free(c->label);
	cs_buf_done(&c->index);
	free(c->digest);
	free(c->media_type);
	free(c);
}

/* --- files beneath the layout directory --- */

static int open_nofollow_walk(int dirfd, const char *path, int flags)
{
	_cleanup_close_ int cur = -1;
	const char *p = path;

	for (;;) {
		const char *slash = strchr(p, '/');
		char comp[256];
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int fd;

		if (n == 0 || n >= sizeof(comp) || (n == 2 && !memcmp(p, "..", 2)) ||
		    (n == 1 && p[0] == '.')) {
			errno = EINVAL;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (!slash)
			return openat(cur >= 0 ? cur : dirfd, comp,
				      flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
		fd = openat(cur >= 0 ? cur : dirfd, comp,
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -1;
		if (cur >= 0)
			close(cur);
		cur = fd;
		p = slash + 1;
	}
}

/* Open a regular file beneath dirfd; -errno on failure. */
static int open_beneath(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st = { 0 };
	int fd;

	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = open_nofollow_walk(dirfd, path, O_RDONLY);
	if (fd < 0)
		return errno == ELOOP || errno == EXDEV ? -EXDEV : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;

		close(fd);
		return e;
	}
	return fd;
}

static int layout_open_stream(struct oci_ctx *c, const char *path, struct cs_stream **ret,
			      struct cs_error *err)
{
	int fd, r;

	if (c->ar) {
		r = cs_archive_open_member(c->ar, path, ret, err);
		return r;
	}
	fd = open_beneath(c->dirfd, path);
	if (fd == -ENOENT)
		return cs_error_set(err, -CS_E_NOTFOUND, "'%s' not found in %s", path, c->label);
	if (fd == -EXDEV)
		return cs_error_set(err, -CS_E_INPUT, "'%s' in %s leads out of the layout", path,
				    c->label);
	if (fd < 0)
		return cs_error_errno(err, fd, "cannot open '%s' in %s", path, c->label);
	r = cs_stream_from_fd(fd, true, ret);
	if (r < 0) {
		close(fd);
		return r;
	}
	return 0;
}

static int layout_read(struct oci_ctx *c, const char *path, struct cs_buf *out,
		       struct cs_error *err)
{
	struct cs_stream *s = NULL;
	int r;

	r = layout_open_stream(c, path, &s, err);
	if (r < 0)
		return r;
	r = cs_stream_read_all(s, out, err);
	cs_stream_free(s);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "'%s' in %s is larger than %zu bytes", path, c->label,
				    out->max);
	if (r < 0)
		return cs_error_prefix(err, "cannot read '%s' in %s", path, c->label);
	return 0;
}

static int blob_path(struct oci_ctx *c, const char *digest, char *buf, size_t n,
		     struct cs_error *err)
{
	enum cs_hash_alg alg;
	int r = cs_digest_parse(digest, &alg, err);

	if (r < 0)
		return cs_error_prefix(err, "%s", c->label);
	snprintf(buf, n, "blobs/%s/%s", cs_hash_alg_name(alg), cs_digest_hex(digest));
	return 0;
}

/* --- choosing the manifest --- */

static const char *ref_name(const struct cs_descriptor *d)
{
	for (size_t i = 0; i < d->n_annotations; i++)
		if (!strcmp(d->annotations[i].key, REF_NAME_ANNOTATION))
			return d->annotations[i].value;
	return NULL;
}

static bool is_index_mt(const char *mt)
{
	return mt && (!strcmp(mt, CS_MT_OCI_INDEX) || !strcmp(mt, CS_MT_DOCKER_LIST));
}

static int set_choice(struct oci_ctx *c, const struct cs_descriptor *d)
{
	c->digest = cs_strdup(d->digest);
	c->media_type = cs_strdup(d->media_type);
	if (!c->digest || (d->media_type && !c->media_type))
		return -ENOMEM;
	return 0;
}

/* Search `m` and the indexes it points to for `tag`. 1 found, 0 not, <0 error. */
static int find_tag(struct oci_ctx *c, const struct cs_manifest *m, const char *tag, unsigned depth,
		    struct cs_error *err)
{
	int r;

	for (size_t i = 0; i < m->n_manifests; i++) {
		const char *name = ref_name(&m->manifests[i]);

		if (name && !strcmp(name, tag)) {
			r = set_choice(c, &m->manifests[i]);
			return r < 0 ? r : 1;
		}
	}
	for (size_t i = 0; i < m->n_manifests; i++) {
		const struct cs_descriptor *d = &m->manifests[i];
		struct cs_buf buf = CS_BUF_INIT(c->opts.limits.max_manifest_size);
		struct cs_manifest *sub = NULL;
		char path[CS_DIGEST_STR_MAX + 16];

		if (!is_index_mt(d->media_type))
			continue;
		if (depth + 1 >= c->opts.limits.max_depth)
			return cs_error_set(err, -CS_E_LIMIT,
					    "image indexes in %s are nested deeper than %u",
					    c->label, c->opts.limits.max_depth);
		r = blob_path(c, d->digest, path, sizeof(path), err);
		if (r >= 0)
			r = layout_read(c, path, &buf, err);
		if (r >= 0) {
			r = cs_manifest_parse(buf.data, buf.len, d->media_type, &sub, err);
			if (r < 0)
				cs_error_prefix(err, "index %s in %s", d->digest, c->label);
		}
		cs_buf_done(&buf);
		if (r < 0)
			return r;
		r = sub->kind == CS_MANIFEST_INDEX ? find_tag(c, sub, tag, depth + 1, err) : 0;
		cs_manifest_free(sub);
		if (r != 0)
			return r;
	}
	return 0;
}

static int list_tags(const struct cs_manifest *m, struct cs_buf *out)
{
	for (size_t i = 0; i < m->n_manifests; i++) {
		const char *name = ref_name(&m->manifests[i]);

		if (cs_buf_printf(out, "%s%s", i ? ", " : "", name ? name : "(untagged)") < 0)
			return -ENOMEM;
	}
	return 0;
}

static int choose(struct oci_ctx *c, const char *tag, struct cs_error *err)
{
	struct cs_buf tags = CS_BUF_INIT(8192);
	struct cs_manifest *m = NULL;
	bool any_named = false;
	int r;

	r = cs_manifest_parse(c->index.data, c->index.len, CS_MT_OCI_INDEX, &m, err);
	if (r < 0)
		return cs_error_prefix(err, "'index.json' in %s", c->label);
	if (m->kind != CS_MANIFEST_INDEX) {
		r = cs_error_set(err, -CS_E_INPUT, "'index.json' in %s is not an image index",
				 c->label);
		goto out;
	}
	for (size_t i = 0; i < m->n_manifests; i++)
		any_named |= ref_name(&m->manifests[i]) != NULL;
	if (tag) {
		r = find_tag(c, m, tag, 0, err);
		if (r == 0) {
			list_tags(m, &tags);
			r = cs_error_set(err, -CS_E_NOTFOUND,
					 "no image tagged '%s' in %s (tags: %s)", tag, c->label,
					 m->n_manifests ? tags.data : "none");
		}
	} else if (m->n_manifests == 1) {
		r = set_choice(c, &m->manifests[0]);
	} else if (m->n_manifests == 0) {
		r = cs_error_set(err, -CS_E_NOTFOUND, "%s holds no images", c->label);
	} else if (!any_named) {
		/* one multi-platform image laid out directly in index.json */
		r = 0;
	} else {
		list_tags(m, &tags);
		r = cs_error_set(err, -CS_E_USAGE,
				 "%s holds %zu images; choose one with :TAG (tags: %s)", c->label,
				 m->n_manifests, tags.data);
	}
out:
	cs_buf_done(&tags);
	cs_manifest_free(m);
	return r < 0 ? r : 0;
}

static int check_layout(struct oci_ctx *c, struct cs_error *err)
{
	struct cs_buf buf = CS_BUF_INIT(OCI_LAYOUT_MAX);
	json_t *root = NULL, *v;
	json_error_t je;
	int r;

	r = layout_read(c, "oci-layout", &buf, err);
	if (r == -CS_E_NOTFOUND) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "%s is not an OCI layout: 'oci-layout' is missing", c->label);
		goto out;
	}
	if (r < 0)
		goto out;
	root = json_loadb(buf.data ? buf.data : "", buf.len, JSON_REJECT_DUPLICATES, &je);
	v = json_object_get(root, "imageLayoutVersion");
	if (!json_is_string(v)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "'oci-layout' in %s has no 'imageLayoutVersion' string", c->label);
		goto out;
	}
	if (strncmp(json_string_value(v), "1.", 2) != 0) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "%s: unsupported image layout version '%.40s'", c->label,
				 json_string_value(v));
		goto out;
	}
	r = layout_read(c, "index.json", &c->index, err);
	if (r == -CS_E_NOTFOUND)
		r = cs_error_set(err, -CS_E_INPUT,
				 "%s is not an OCI layout: 'index.json' is missing", c->label);
out:
	json_decref(root);
	cs_buf_done(&buf);
	return r < 0 ? r : 0;
}

static int oci_open_common(const struct cs_ref *ref, bool archive,
			   const struct cs_image_options *opts, void **ret_ctx,
			   struct cs_error *err)
{
	struct oci_ctx *c;
	int r;

	c = cs_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->dirfd = -1;
	c->opts = *opts;
	cs_buf_init(&c->index, opts->limits.max_manifest_size);
	c->label = cs_asprintf("%s '%s'", archive ? "oci archive" : "OCI layout", ref->path);
	if (!c->label) {
		r = -ENOMEM;
		goto fail;
	}
	if (archive) {
		r = cs_archive_open(ref->path, -1, c->label, &opts->limits, &c->ar, err);
		if (r < 0)
			goto fail;
	} else {
		c->dirfd = open(ref->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c->dirfd < 0) {
			r = cs_error_errno(err, errno, "cannot open %s", c->label);
			goto fail;
		}
	}
	r = check_layout(c, err);
	if (r < 0)
		goto fail;
	r = choose(c, ref->tag, err);
	if (r < 0)
		goto fail;
	*ret_ctx = c;
	return 0;
fail:
	oci_close(c);
	return r;
}

static int oci_open(const struct cs_ref *ref, const struct cs_image_options *opts, void **ret_ctx,
		    struct cs_error *err)
{
	return oci_open_common(ref, false, opts, ret_ctx, err);
}

static int oci_archive_open(const struct cs_ref *ref, const struct cs_image_options *opts,
			    void **ret_ctx, struct cs_error *err)
{
	return oci_open_common(ref, true, opts, ret_ctx, err);
}

static int oci_get_manifest(void *p, const char *digest, struct cs_manifest_blob *out,
			    struct cs_error *err)
{
	struct oci_ctx *c = p;
	char path[CS_DIGEST_STR_MAX + 16];
	int r;

	if (!digest && !c->digest) {
		/* index.json itself is the index to choose a platform from */
		r = cs_buf_append(&out->data, c->index.data, c->index.len);
		if (r < 0)
			return cs_error_set(err, r, "'index.json' in %s is too large", c->label);
		out->media_type = cs_strdup(CS_MT_OCI_INDEX);
		return out->media_type ? 0 : -ENOMEM;
	}
	if (!digest) {
		digest = c->digest;
		if (c->media_type) {
			out->media_type = cs_strdup(c->media_type);
			if (!out->media_type)
				return -ENOMEM;
		}
	}
	r = blob_path(c, digest, path, sizeof(path), err);
	if (r < 0)
		return r;
	out->expected_digest = cs_strdup(digest);
	if (!out->expected_digest)
		return -ENOMEM;
	r = layout_read(c, path, &out->data, err);
	if (r == -CS_E_NOTFOUND)
		return cs_error_set(err, r, "manifest '%s' not found in %s", digest, c->label);
	return r;
}

static int oci_open_blob(void *p, const struct cs_descriptor *desc, struct cs_stream **ret,
			 struct cs_error *err)
{
	struct oci_ctx *c = p;
	char path[CS_DIGEST_STR_MAX + 16];
	int r;

	if (!desc->digest)
		return cs_error_set(err, -CS_E_INPUT, "%s: descriptor without a digest", c->label);
	r = blob_path(c, desc->digest, path, sizeof(path), err);
	if (r < 0)
		return r;
	r = layout_open_stream(c, path, ret, err);
	if (r == -CS_E_NOTFOUND && desc->urls && desc->urls[0])
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "blob '%s' is a foreign layer not stored in %s (url '%s')",
				    desc->digest, c->label, desc->urls[0]);
	if (r == -CS_E_NOTFOUND)
		return cs_error_set(err, r, "blob '%s' not found in %s", desc->digest, c->label);
	return r;
}

const struct cs_source_ops cs_source_oci = {
	.name = "oci",
	.open = oci_open,
	.get_manifest = oci_get_manifest,
	.open_blob = oci_open_blob,
	.close = oci_close,
};

const struct cs_source_ops cs_source_oci_archive = {
	.name = "oci-archive",
	.open = oci_archive_open,
	.get_manifest = oci_get_manifest,
	.open_blob = oci_open_blob,
	.close = oci_close,
};
