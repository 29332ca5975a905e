/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dir:PATH, a root filesystem on disk. This source only checks the
 * directory and hands out a descriptor of it; image.c walks it with
 * cs_dir_walk as a single layer. There is no manifest and no blob.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "basic/alloc.h"
#include "image/source.h"

struct dir_ctx {
	int fd; /* O_PATH|O_DIRECTORY */
	char *path;
};

static void dir_close(void *p)
{
	struct dir_ctx *c = p;

	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
}

static int dir_open(const struct cs_ref *ref, const struct cs_image_options *opts, void **ret_ctx,
		    struct cs_error *err)
{
	struct dir_ctx *c;
	struct stat st;

	(void)opts;
	c = cs_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->path = cs_strdup(ref->path);
	if (!c->path) {
		free(c);
		return -ENOMEM;
	}
	/* the path itself is the user's: following a symlink to the rootfs is fine */
	c->fd = open(ref->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->fd < 0) {
		int e = errno;

		dir_close(c);
		if (e == ENOTDIR)
			return cs_error_set(err, -CS_E_INPUT, "'%s' is not a directory", ref->path);
		if (e == ENOENT)
			return cs_error_set(err, -CS_E_NOTFOUND, "directory '%s' does not exist",
					    ref->path);
		return cs_error_errno(err, e, "cannot open directory '%s'", ref->path);
	}
	if (fstat(c->fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		dir_close(c);
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a directory", ref->path);
	}
	*ret_ctx = c;
	return 0;
}

static int dir_get_manifest(void *p, const char *digest, struct cs_manifest_blob *out,
			    struct cs_error *err)
{
	struct dir_ctx *c = p;

	(void)digest;
	(void)out;
	return cs_error_set(err, -CS_E_UNSUPPORTED, "directory '%s' has no image manifest",
			    c->path);
}

static int dir_open_blob(void *p, const struct cs_descriptor *desc, struct cs_stream **ret,
			 struct cs_error *err)
{
	struct dir_ctx *c = p;

	(void)desc;
	(void)ret;
	return cs_error_set(err, -CS_E_UNSUPPORTED, "directory '%s' has no blobs", c->path);
}

static int dir_rootfs_fd(void *p, int *ret_fd, struct cs_error *err)
{
	struct dir_ctx *c = p;
	int fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open directory '%s'", c->path);
	*ret_fd = fd;
	return 0;
}

const struct cs_source_ops cs_source_dir = {
	.name = "dir",
	.open = dir_open,
	.get_manifest = dir_get_manifest,
	.open_blob = dir_open_blob,
	.rootfs_fd = dir_rootfs_fd,
	.close = dir_close,
};
