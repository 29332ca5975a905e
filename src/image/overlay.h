/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The merged view of an image's layers, as overlayfs would show it, that
 * also remembers what it hides: for every path, each version that a layer
 * provided, which layer it came from, and which layer (by whiteout, opaque
 * directory or replacement) hid it. Only metadata is kept, never content,
 * so memory grows with the number of entries, not with the image size.
 *
 * Feed it by adding cs_overlay_walker() to an image walk.
 */
#pragma once

#include "image/layer.h"

struct cs_overlay;

/* One version of one path, as one layer provided it. */
struct cs_overlay_entry {
	const char *path;
	enum cs_entry_type type; /* never WHITEOUT/OPAQUE */
	uint32_t mode, uid, gid;
	uint64_t size;
	int64_t mtime;
	const char *link;
	uint32_t devmajor, devminor;
	unsigned layer;
	int hidden_by; /* layer that deleted or replaced this version, -1 if visible */
	bool has_caps;
};

int cs_overlay_new(const struct cs_limits *lim, struct cs_overlay **ret);
void cs_overlay_free(struct cs_overlay *ov);
CS_DEFINE_CLEANUP(struct cs_overlay *, cs_overlay_free)

/* A walker that records entries; layers must be walked bottom to top. */
void cs_overlay_walker(struct cs_overlay *ov, struct cs_walker *ret);

typedef int (*cs_overlay_fn)(void *ud, const struct cs_overlay_entry *e);
/*
 * Visit entries in path order (byte order, parents before children). With
 * include_hidden, also the versions lower layers provided and later layers
 * hid, each path's versions from the top layer down. Stops on fn's <0.
 */
int cs_overlay_foreach(struct cs_overlay *ov, bool include_hidden, cs_overlay_fn fn, void *ud);

/*
 * Look a path up in the merged view. With follow, symlinks (in the last
 * component and in directories on the way) are resolved inside the image
 * root, as RESOLVE_IN_ROOT does, at most lim->max_symlinks of them.
 * -CS_E_NOTFOUND if the path is absent or deleted, -CS_E_LIMIT on a loop.
 */
int cs_overlay_lookup(struct cs_overlay *ov, const char *path, bool follow,
		      const struct cs_overlay_entry **ret, struct cs_error *err);
/* Visible entries, and hidden versions. */
uint64_t cs_overlay_count(struct cs_overlay *ov, bool hidden);
