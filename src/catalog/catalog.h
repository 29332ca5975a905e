/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cataloguing an image: a walker that feeds the catalogers during the one
 * pass over the layers (alongside the overlay walker and any analyser),
 * and a finish step that keeps what the merged view still shows, finds the
 * layer that introduced each package, removes language packages whose
 * declaring file an OS package owns, derives purls and sorts the result.
 */
#pragma once

#include "catalog/cataloger.h"
#include "image/image.h"
#include "image/overlay.h"

struct cs_catalog_scan;

/*
 * catalogers: NULL-terminated selection, or NULL for all of them.
 * The scan fills `cat` (borrowed).
 */
int cs_catalog_scan_new(struct cs_catalog *cat, const struct cs_cataloger *const *catalogers,
			struct cs_catalog_scan **ret);
void cs_catalog_scan_free(struct cs_catalog_scan *s);
CS_DEFINE_CLEANUP(struct cs_catalog_scan *, cs_catalog_scan_free)
void cs_catalog_scan_walker(struct cs_catalog_scan *s, struct cs_walker *ret);
/* After the walk: run finish hooks, filter by ov (may be NULL for a single layer). */
int cs_catalog_scan_finish(struct cs_catalog_scan *s, struct cs_overlay *ov, struct cs_error *err);

/*
 * Catalogue a whole image in one pass (overlay + every cataloger) and
 * finish: the usual way to fill a catalog.
 */
int cs_catalog_image(struct cs_image *img, struct cs_catalog *cat, struct cs_error *err);

/*
 * cs_catalog_image with a layer cache (image/layercache.h; NULL: none):
 * layers whose record the cache holds are replayed and never opened, the
 * others are read and, once verified, recorded. The result is the same as
 * without the cache. Only layers whose diff_id comes from a config that was
 * checked against its digest are cached; cache trouble is never an error
 * (debug log, the layer is read).
 */
struct cs_layer_cache;
/*
 * cs_catalog_image with more walkers in the same pass (cat may be NULL: no
 * catalog, only the merged view and the walkers); *ret_ov, if not NULL,
 * receives the merged view.
 */
int cs_catalog_image_walk(struct cs_image *img, struct cs_catalog *cat,
			  const struct cs_walker *extra, size_t n_extra, struct cs_overlay **ret_ov,
			  struct cs_error *err);
int cs_catalog_image_cached(struct cs_image *img, struct cs_catalog *cat,
			    struct cs_layer_cache *cache, struct cs_error *err);

/*
 * A walker riding cs_catalog_image_walk_cached, with its per-layer cache
 * hooks (see struct cs_analyzer): id NULL means not cacheable (then no
 * layer is skipped). save and restore get state.
 */
struct cs_buf;
struct cs_cached_walker {
	struct cs_walker w;
	const char *name; /* for the debug log */
	void *state;
	const char *id;
	int (*save)(void *state, unsigned layer, struct cs_buf *b);
	int (*restore)(void *state, unsigned layer, const void *data, size_t len);
};
/*
 * cs_catalog_image_walk through the layer cache (cache not NULL; cat may be
 * NULL): a layer is skipped when the catalog's (or, without a catalog, the
 * merged view's) record and every walker's results are cached; otherwise
 * it is read, the walkers whose results were restored are not fed it, and
 * the others' results are stored after a verified read.
 */
int cs_catalog_image_walk_cached(struct cs_image *img, struct cs_catalog *cat,
				 struct cs_layer_cache *cache, const struct cs_cached_walker *extra,
				 size_t n_extra, struct cs_overlay **ret_ov, struct cs_error *err);

/* OS detection (os.c): parse os-release style content into cat's OS. */
int cs_os_detect_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		       size_t len, struct cs_error *err);
