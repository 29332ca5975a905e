/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Catalogers: one small table per package database or ecosystem (libscap
 * vtable style). A cataloger says which paths interest it; the catalog
 * walker buffers those files' content (bounded by max_size) in the single
 * pass over the layers and hands each to parse(). Adding an ecosystem means
 * adding one file and one entry in the catalogers table (catalog.c).
 *
 * parse() must treat the content as hostile: bounded, never trusting
 * lengths or counts. It returns 0 on success (even when it found nothing)
 * and <0 with err set when the file is malformed: the walker then records a
 * warning naming the file and layer, skips the file and goes on.
 */
#pragma once

#include "catalog/package.h"
#include "image/layer.h"
#include "image/overlay.h"

struct cs_cataloger_file {
	const char *path; /* cleaned, relative to the root */
	unsigned layer;
	const struct cs_entry *entry;
	/* for catalogers that need to see other files (e.g. dpkg's info/NAME.list) */
	void *state; /* this cataloger's per-scan state */
};

struct cs_cataloger {
	const char *name;  /* "dpkg", "apk", "rpm", "python", ... */
	unsigned version;  /* bumped when its output changes (layer cache key) */
	uint64_t max_size; /* larger files are skipped with a warning */
	/* cheap test on a cleaned path (and entry type/size) */
	bool (*wants)(const char *path, const struct cs_entry *e);
	/*
	 * optional: look at the first bytes of a wanted file (at least 64, fewer
	 * only if the file is shorter) and say whether to go on buffering it;
	 * lets binary catalogers want "every executable" cheaply (ELF magic).
	 */
	bool (*sniff)(const void *head, size_t n);
	int (*parse)(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		     size_t len, struct cs_error *err);
	/* optional per-scan state */
	void *(*state_new)(void);
	void (*state_free)(void *state);
	/*
	 * optional: after every layer was walked, before visibility filtering;
	 * ov is the merged view (NULL when there is none)
	 */
	int (*finish)(struct cs_catalog *cat, void *state, struct cs_overlay *ov,
		      struct cs_error *err);
};

/* Every cataloger, in a fixed order (catalog.c). */
extern const struct cs_cataloger *const cs_catalogers[];
extern const size_t cs_catalogers_count;

/* Helpers for wants() */
bool cs_path_has_suffix(const char *path, const char *suffix);
bool cs_path_basename_is(const char *path, const char *name);
