/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Members of an outer image archive (docker save output, oci-archive): a
 * plain or compressed tar read with libarchive. The archive is listed once
 * when opened; each member is then read by re-reading the archive up to
 * it (skipping data by seeking), so any number of members can be streamed
 * one after another from one file descriptor.
 *
 * Member names are cleaned (basic/path.h); a name that climbs out of the
 * archive makes the whole archive invalid. Symlinks and hardlinks between
 * members are resolved inside the archive, with a hop limit.
 */
#pragma once

#include "basic/buf.h"
#include "basic/error.h"
#include "basic/stream.h"
#include "image/image.h"
#include "image/limits.h"
#include "image/source.h"

enum cs_archive_member_type {
	CS_ARCHIVE_FILE = 0,
	CS_ARCHIVE_DIR,
	CS_ARCHIVE_SYMLINK,
	CS_ARCHIVE_HARDLINK,
	CS_ARCHIVE_OTHER,
};

struct cs_archive_member {
	char *name; /* cleaned */
	enum cs_archive_member_type type;
	uint64_t size;	/* regular files */
	char *link;	/* symlink: target as stored; hardlink: cleaned target */
	size_t ordinal; /* position in the archive (0 = first header) */
};

struct cs_archive;

/*
 * Open and list the archive at path, or fd when fd >= 0 (dup'ed; the
 * caller keeps its own). label names it in messages ("docker archive
 * '/x.tar'").
 */
int cs_archive_open(const char *path, int fd, const char *label, const struct cs_limits *lim,
		    struct cs_archive **ret, struct cs_error *err);
void cs_archive_free(struct cs_archive *a);
CS_DEFINE_CLEANUP(struct cs_archive *, cs_archive_free)

const char *cs_archive_label(const struct cs_archive *a);
size_t cs_archive_count(const struct cs_archive *a);
const struct cs_archive_member *cs_archive_member_at(const struct cs_archive *a, size_t i);
/* Exact lookup of a cleaned name (the last entry of that name wins, as tar does). */
const struct cs_archive_member *cs_archive_find(const struct cs_archive *a, const char *name);
/*
 * Follow symlinks and hardlinks (also in parent components) to a regular
 * file member. name is cleaned first. -CS_E_NOTFOUND if there is none,
 * -CS_E_INPUT for a link leaving the archive, -CS_E_LIMIT for too many hops.
 */
int cs_archive_resolve(const struct cs_archive *a, const char *name,
		       const struct cs_archive_member **ret, struct cs_error *err);
/* Read a member fully into out; more than out->max bytes is -CS_E_LIMIT. */
int cs_archive_read(struct cs_archive *a, const char *name, struct cs_buf *out,
		    struct cs_error *err);
/* Stream a member; the stream stays valid after cs_archive_free. */
int cs_archive_open_member(struct cs_archive *a, const char *name, struct cs_stream **ret,
			   struct cs_error *err);

/*
 * docker-archive on an already open file (the engine source's spool).
 * select_name: pick the image with this RepoTag (normalised) when there
 * are several, NULL otherwise. The context is the docker-archive source's
 * (use cs_source_docker_archive's get_manifest/open_blob/close).
 */
int cs_docker_archive_open_fd(int fd, const char *label, const char *select_name,
			      const struct cs_image_options *opts, void **ret_ctx,
			      struct cs_error *err);
