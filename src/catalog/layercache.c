/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cataloguing with the layer cache (image/layercache.h). Before each layer
 * is opened, a hook looks for the layer's record; when there is one, the
 * record is replayed into the overlay and the catalog scan (the very
 * callbacks a read would have called) and the layer is never opened. When
 * there is none, the layer is read as usual through a walker that wraps
 * the catalog scan and writes down, as the scan sees them, every entry and
 * the bytes the scan used of each file it asked for:
 *
 * - a file the catalogers parse: its content, unless only catalogers
 *   without per-scan state wanted it and their parse added no package and
 *   no warning; then it is elided (an ELF binary that is not a Go or Rust
 *   program costs a few bytes instead of its size);
 * - a file sniffing turned down: its first bytes, which alone decided.
 *
 * The record is stored once the layer was read to its end, its diff_id
 * matched the config's, and every walker accepted it. The output with
 * records is the output without them, byte for byte: the replay feeds the
 * same callbacks the same entries and the same bytes in the same order,
 * catalogers are pure functions of (entry, bytes) or keep per-scan state
 * (and then always get the content), and the key names every cataloger's
 * version and every limit that changes what a layer read yields.
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "catalog/catalog.h"
#include "catalog/internal.h"
#include "image/layercache.h"

/* bumped when what the catalog records or how it replays changes */
#define CATALOG_RECORD_VERSION 1

struct catalog_cache {
	struct cs_layer_cache *cache;
	const struct cs_limits *lim;
	struct cs_catalog_scan *scan;
	struct cs_catalog *cat;
	struct cs_walker inner[2]; /* the overlay and the scan: what a replay feeds */
	char *consumer;
	bool usable; /* the image's diff_ids come from a config checked against a digest */

	/* the layer being read and recorded */
	bool recording;
	unsigned layer;
	char key[CS_LAYER_CACHE_KEY_LEN + 1];
	struct cs_buf rec;
	uint64_t n_rec;
	struct cs_walk_budget *budget;
	uint64_t tar_start;
};

static char *consumer_name(struct cs_catalog_scan *scan)
{
	struct cs_buf b = CS_BUF_INIT(1 << 16);
	const struct cs_cataloger *const *list;
	size_t n;
	int r;

	list = cs_catalog_scan_catalogers_(scan, &n);
	r = cs_buf_printf(&b, "catalog/%d", CATALOG_RECORD_VERSION);
	for (size_t i = 0; i < n && r >= 0; i++)
		r = cs_buf_printf(&b, " %s:%u", list[i]->name, list[i]->version);
	if (r < 0) {
		cs_buf_done(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

static void stop_recording(struct catalog_cache *cc, const char *why)
{
	if (cc->recording && why)
		cs_log_debug("layer %u: not cached: %s", cc->layer, why);
	cc->recording = false;
	cc->n_rec = 0;
	cs_buf_reset(&cc->rec);
}

static void record(struct catalog_cache *cc, const struct cs_entry *e, unsigned flags,
		   const void *p, size_t n)
{
	int r = cs_layer_record_add(&cc->rec, e, flags, p, n);

	if (r < 0) {
		stop_recording(cc, r == -CS_E_LIMIT ? "record too large" : cs_strerror(r));
		return;
	}
	cc->n_rec++;
}

/* Would the record make the image exceed its budget? Then read the layer: same error. */
static bool budget_fits(const struct catalog_cache *cc, const struct cs_walk_budget *b,
			const struct cs_layer_record *rec)
{
	uint64_t entries, total;

	return !cs_add_overflow(b->entries, rec->sum.entries, &entries) &&
	       entries <= cc->lim->max_entries &&
	       !cs_add_overflow(b->total_size, rec->sum.tar_bytes, &total) &&
	       total <= cc->lim->max_total_size;
}

/* Does the record hold (or elide) every file these catalogers ask for? */
static bool record_fits(const struct catalog_cache *cc, const struct cs_layer_record *rec)
{
	for (size_t i = 0; i < rec->n_entries; i++) {
		const struct cs_layer_record_entry *re = &rec->entries[i];

		if (!(re->flags & (CS_LAYER_RECORD_CONTENT | CS_LAYER_RECORD_ELIDED)) &&
		    cs_catalog_scan_wants_(cc->scan, &re->e))
			return false;
	}
	return true;
}

static int before_layer(void *ud, struct cs_layer_info *l, struct cs_walk_budget *budget,
			struct cs_error *err)
{
	struct catalog_cache *cc = ud;
	_cleanup_(cs_layer_record_freep) struct cs_layer_record *rec = NULL;
	struct cs_error lerr = CS_ERROR_INIT;
	char sz[32];
	int r;

	stop_recording(cc, NULL);
	if (!cc->usable || !l->diff_id)
		return 0;
	r = cs_layer_cache_key(l->diff_id, cc->consumer, cc->lim, cc->key);
	if (r < 0)
		return cs_error_errno(err, r, "cannot make the cache key of layer %u", l->index);
	r = cs_layer_cache_load(cc->cache, cc->key, cc->lim, &rec, &lerr);
	if (r == 0 && !budget_fits(cc, budget, rec)) {
		cs_log_debug("layer %u: its cache record would pass the image's limits: reading it",
			     l->index);
	} else if (r == 0 && !record_fits(cc, rec)) {
		cs_log_debug("layer %u: ignoring cache record %s: made for other catalogers",
			     l->index, cc->key);
	} else if (r == 0) {
		r = cs_layer_record_replay(rec, l, cc->inner, CS_ARRAY_SIZE(cc->inner), err);
		if (r < 0)
			return r;
		budget->entries += rec->sum.entries;
		budget->total_size += rec->sum.tar_bytes;
		cs_log_debug("layer %u from cache (%s: %zu entries, %s of content)", l->index,
			     cc->key, rec->n_entries,
			     cs_format_size(rec->content_bytes, sz, sizeof(sz)));
		return 1;
	} else if (r == -ENOMEM) {
		return cs_error_errno(err, r, "cannot load the cache record of layer %u", l->index);
	} else if (r != -CS_E_NOTFOUND) {
		cs_log_debug("layer %u: ignoring its cache record: %s", l->index, lerr.msg);
	}

	/* read it, and write down what it fed the catalog */
	cs_buf_reset(&cc->rec);
	if (cs_layer_record_begin(&cc->rec, cc->key, l->diff_id) < 0)
		return 0;
	cc->recording = true;
	cc->layer = l->index;
	cc->n_rec = 0;
	cc->budget = budget;
	cc->tar_start = budget->total_size;
	return 0;
}

/* --- the walker around the catalog scan --- */

static int rec_layer_begin(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct catalog_cache *cc = ud;

	if (!cc->inner[1].layer_begin)
		return 0;
	return cc->inner[1].layer_begin(cc->inner[1].userdata, l, err);
}

static int rec_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct catalog_cache *cc = ud;
	int r = cc->inner[1].entry(cc->inner[1].userdata, e, err);

	if (r < 0)
		return r;
	/* a file the scan asked for is written down at its data_end */
	if (cc->recording && !(r > 0 && e->type == CS_ENTRY_REG))
		record(cc, e, 0, NULL, 0);
	return r;
}

static int rec_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		    struct cs_error *err)
{
	struct catalog_cache *cc = ud;

	return cc->inner[1].data(cc->inner[1].userdata, e, p, n, err);
}

static int rec_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct catalog_cache *cc = ud;
	size_t len, mark, packages, warnings;
	const char *data;
	bool stateful;
	int k, r;

	if (!cc->recording)
		return cc->inner[1].data_end(cc->inner[1].userdata, e, err);
	k = cs_catalog_scan_pending_(cc->scan, &data, &len, &stateful);
	if (k < 0) {
		stop_recording(cc, "a file was larger than its entry said");
	} else if (k == 0) {
		record(cc, e, CS_LAYER_RECORD_CONTENT, data, len);
	} else {
		mark = cc->rec.len;
		record(cc, e, CS_LAYER_RECORD_CONTENT, data, len);
		packages = cs_catalog_count(cc->cat);
		warnings = cs_catalog_warnings_emitted_(cc->cat);
		r = cc->inner[1].data_end(cc->inner[1].userdata, e, err);
		if (r < 0)
			return r;
		if (cc->recording && !stateful && packages == cs_catalog_count(cc->cat) &&
		    warnings == cs_catalog_warnings_emitted_(cc->cat)) {
			/* parsed to nothing: keep the entry, not the bytes */
			cc->rec.len = mark;
			cc->n_rec--;
			record(cc, e, CS_LAYER_RECORD_ELIDED, NULL, 0);
		}
		return 0;
	}
	return cc->inner[1].data_end(cc->inner[1].userdata, e, err);
}

static int rec_layer_end(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct catalog_cache *cc = ud;
	struct cs_error serr = CS_ERROR_INIT;
	struct cs_layer_summary sum = { 0 };
	char sz[32];
	int r;

	if (cc->inner[1].layer_end) {
		r = cc->inner[1].layer_end(cc->inner[1].userdata, l, err);
		if (r < 0)
			return r;
	}
	if (!cc->recording || l->index != cc->layer)
		return 0;
	/* read to its end and proven to be the layer the config names */
	if (!l->walked || !l->diff_id || strcmp(l->computed_diff_id, l->diff_id) != 0) {
		stop_recording(cc, "its diff_id was not verified");
		return 0;
	}
	sum.entries = l->entries;
	sum.files = l->files;
	sum.uncompressed_size = l->uncompressed_size;
	sum.tar_bytes = cc->budget->total_size - cc->tar_start;
	sum.compression = !l->compression		    ? CS_COMPRESSION_NONE
			  : !strcmp(l->compression, "gzip") ? CS_COMPRESSION_GZIP
			  : !strcmp(l->compression, "zstd") ? CS_COMPRESSION_ZSTD
							    : CS_COMPRESSION_NONE;
	r = cs_layer_record_finish(&cc->rec, &sum, cc->n_rec);
	if (r < 0) {
		stop_recording(cc, r == -CS_E_LIMIT ? "record too large" : cs_strerror(r));
		return 0;
	}
	r = cs_layer_cache_store(cc->cache, cc->key, cc->rec.data, cc->rec.len, &serr);
	if (r < 0)
		cs_log_debug("layer %u: not cached: %s", cc->layer, serr.msg);
	else
		cs_log_debug("layer %u cached (%s: %llu entries, %s)", cc->layer, cc->key,
			     (unsigned long long)cc->n_rec,
			     cs_format_size(cc->rec.len, sz, sizeof(sz)));
	stop_recording(cc, NULL);
	return 0;
}

int cs_catalog_image_cached(struct cs_image *img, struct cs_catalog *cat,
			    struct cs_layer_cache *cache, struct cs_error *err)
{
	_cleanup_(cs_overlay_freep) struct cs_overlay *ov = NULL;
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *scan = NULL;
	const struct cs_manifest *m = cs_image_manifest(img);
	struct catalog_cache cc = { 0 };
	struct cs_walk_hooks hooks = { &cc, before_layer };
	struct cs_walker w[2];
	int r;

	if (!cache)
		return cs_catalog_image(img, cat, err);
	r = cs_overlay_new(cs_image_limits(img), &ov);
	if (r >= 0)
		r = cs_catalog_scan_new(cat, NULL, &scan);
	if (r >= 0) {
		cc.consumer = consumer_name(scan);
		r = cc.consumer ? 0 : -ENOMEM;
	}
	if (r < 0) {
		free(cc.consumer);
		return cs_error_errno(err, r, "cannot start the catalog");
	}
	cc.cache = cache;
	cc.lim = cs_image_limits(img);
	cc.scan = scan;
	cc.cat = cat;
	cc.usable = m && m->config.digest;
	cs_buf_init(&cc.rec, CS_LAYER_RECORD_MAX);
	cs_overlay_walker(ov, &cc.inner[0]);
	cs_catalog_scan_walker(scan, &cc.inner[1]);
	w[0] = cc.inner[0];
	w[1] = (struct cs_walker){
		.userdata = &cc,
		.layer_begin = rec_layer_begin,
		.entry = rec_entry,
		.data = rec_data,
		.data_end = rec_data_end,
		.layer_end = rec_layer_end,
	};
	r = cs_image_walk_hooked(img, w, CS_ARRAY_SIZE(w), -1, &hooks, err);
	cs_buf_done(&cc.rec);
	free(cc.consumer);
	if (r < 0)
		return r;
	return cs_catalog_scan_finish(scan, ov, err);
}
