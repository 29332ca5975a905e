/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading layers: one pass over each layer's bytes (digest check,
 * decompression, tar parsing) hands every entry to every interested walker.
 * Walkers never see unclean paths: names are cleaned (basic/path.h), OCI and
 * AUFS whiteouts are turned into CS_ENTRY_WHITEOUT / CS_ENTRY_OPAQUE entries,
 * hardlink targets are checked to stay in the image, and every limit in
 * struct cs_limits is enforced.
 */
#pragma once

#include "basic/error.h"
#include "basic/hash.h"
#include "basic/progress.h"
#include "basic/stream.h"
#include "image/limits.h"

enum cs_entry_type {
	CS_ENTRY_REG = 0,
	CS_ENTRY_DIR,
	CS_ENTRY_SYMLINK,
	CS_ENTRY_HARDLINK,
	CS_ENTRY_CHR,
	CS_ENTRY_BLK,
	CS_ENTRY_FIFO,
	CS_ENTRY_SOCK,
	CS_ENTRY_WHITEOUT, /* path: the name this layer deletes (".wh.NAME" -> NAME) */
	CS_ENTRY_OPAQUE,   /* path: the directory whose lower contents this layer hides */
};

struct cs_entry {
	const char *path; /* cleaned, relative to the root, "" = root */
	enum cs_entry_type type;
	uint32_t mode; /* permission bits incl. suid/sgid/sticky (07777) */
	uint32_t uid, gid;
	const char *uname, *gname; /* NULL if absent */
	uint64_t size;		   /* content bytes of regular files, 0 otherwise */
	int64_t mtime;
	const char *link; /* symlink: target as stored; hardlink: cleaned target path */
	uint32_t devmajor, devminor;
	unsigned layer; /* 0 = bottom layer */
	bool sparse;	/* a sparse file (content is still delivered expanded) */
	bool has_caps;	/* carries a security.capability xattr (file capabilities) */
};

const char *cs_entry_type_name(enum cs_entry_type t);
/* "-rwsr-xr-x" style, 11 bytes with NUL */
const char *cs_entry_mode_string(const struct cs_entry *e, char buf[11]);

struct cs_layer_info {
	unsigned index;
	const char *digest;	 /* blob digest; NULL when unknown (legacy docker-archive, dir:) */
	const char *diff_id;	 /* from the config; NULL when unknown */
	const char *media_type;	 /* NULL when unknown */
	int64_t compressed_size; /* -1 when unknown */
	/* filled in by the walk; final when layer_end is called */
	const char *compression; /* "gzip", "zstd", "none" */
	uint64_t uncompressed_size;
	uint64_t entries; /* every archive entry */
	uint64_t files;	  /* entries that are not directories, whiteouts or opaque markers */
	char computed_digest[CS_DIGEST_STR_MAX];  /* of the blob as read */
	char computed_diff_id[CS_DIGEST_STR_MAX]; /* of the uncompressed tar */
	bool walked;
};

/*
 * A consumer of entries. Any callback may be NULL. Returning <0 (with err
 * set) stops the walk with that error.
 */
struct cs_walker {
	void *userdata;
	int (*layer_begin)(void *ud, const struct cs_layer_info *layer, struct cs_error *err);
	/* Return 1 to receive the content of this regular file, 0 not to. */
	int (*entry)(void *ud, const struct cs_entry *e, struct cs_error *err);
	int (*data)(void *ud, const struct cs_entry *e, const void *p, size_t n,
		    struct cs_error *err);
	int (*data_end)(void *ud, const struct cs_entry *e, struct cs_error *err);
	int (*layer_end)(void *ud, const struct cs_layer_info *layer, struct cs_error *err);
};

/* Counters shared by all layers of one image, checked against the limits. */
struct cs_walk_budget {
	uint64_t entries;
	uint64_t total_size;
};

/*
 * Read one layer blob. Verifies info->digest over the raw bytes and
 * info->diff_id over the uncompressed tar when they are set, detects the
 * compression from the content (gzip, zstd or none), and dispatches each
 * entry. Takes ownership of blob. Errors name the layer:
 *   layer 2 'sha256:ab12...': truncated gzip stream
 */
int cs_layer_read(struct cs_stream *blob, struct cs_layer_info *info, const struct cs_limits *lim,
		  struct cs_walk_budget *budget, const struct cs_walker *walkers, size_t n_walkers,
		  const struct cs_progress *progress, struct cs_error *err);

/*
 * Walk a root filesystem directory as if it were a single layer (index
 * info->index): the same entries, with the same limits, without following
 * any symlink and without leaving the tree. rootfd is an O_PATH or
 * O_DIRECTORY descriptor of the root.
 */
int cs_dir_walk(int rootfd, struct cs_layer_info *info, const struct cs_limits *lim,
		struct cs_walk_budget *budget, const struct cs_walker *walkers, size_t n_walkers,
		const struct cs_progress *progress, struct cs_error *err);

/* Decompression (image/codec.c) */
enum cs_compression {
	CS_COMPRESSION_NONE = 0,
	CS_COMPRESSION_GZIP,
	CS_COMPRESSION_ZSTD,
};
const char *cs_compression_name(enum cs_compression c);
/* Detect from the first bytes (at least 4 should be given). */
enum cs_compression cs_compression_detect(const void *p, size_t n);
/*
 * A stream that decompresses `inner` (owned). Fails on corrupt or truncated
 * input with -CS_E_INPUT ("truncated gzip stream"), and with -CS_E_LIMIT once
 * more than max_out bytes come out or the output/input ratio passes
 * max_ratio after ratio_floor bytes (decompression bombs).
 */
int cs_decompress_new(struct cs_stream *inner, enum cs_compression c, const struct cs_limits *lim,
		      struct cs_stream **ret, struct cs_error *err);
