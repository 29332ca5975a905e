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
 *
 * Analysers ride the same walk (cs_catalog_image_walk_cached): each one
 * with cache hooks has its own blob per layer, keyed by the diff_id, its
 * identity (rules, versions, caps) and the limits. Before a layer, every
 * analyser's blob is looked up; when the catalog record and every blob are
 * there, the blobs are restored, the record replayed and the layer is never
 * opened. Otherwise the analysers whose blob was restored are not fed that
 * layer (their walker is wrapped), the layer is read, and after a verified
 * read every other analyser's results for it are stored. Without a catalog
 * the record holds only the entries (the merged view needs them all).
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
#define OVERLAY_RECORD_VERSION 1

/* An analyser's walker in the cached walk. */
struct an_cache {
	struct catalog_cache *cc;
	struct cs_cached_walker cw;
	char key[CS_LAYER_CACHE_KEY_LEN + 1];
	bool restored; /* this layer's results came from the cache: not fed */
	bool save;     /* store this layer's results after a verified read */
};

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

	struct an_cache *an;
	size_t n_an;
	bool all_cacheable; /* every extra walker has cache hooks */
	struct cs_buf payload, blob;
};

static int noop_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	(void)ud;
	(void)e;
	(void)err;
	return 0;
}

static char *consumer_name(struct cs_catalog_scan *scan)
{
	struct cs_buf b = CS_BUF_INIT(1 << 16);
	const struct cs_cataloger *const *list;
	size_t n;
	int r;

	if (!scan)
		return cs_asprintf("overlay/%d", OVERLAY_RECORD_VERSION);
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
	if (!cc->scan)
		return true;
	for (size_t i = 0; i < rec->n_entries; i++) {
		const struct cs_layer_record_entry *re = &rec->entries[i];

		if (!(re->flags & (CS_LAYER_RECORD_CONTENT | CS_LAYER_RECORD_ELIDED)) &&
		    cs_catalog_scan_wants_(cc->scan, &re->e))
			return false;
	}
	return true;
}

/*
 * Look up every analyser's blob of this layer; restore them all when the
 * layer can be skipped (*all set), else only those found (the others are
 * fed the read). 0, or -ENOMEM.
 */
static int restore_analysers(struct catalog_cache *cc, struct cs_layer_info *l, bool rec_ok,
			     bool *all, struct cs_error *err)
{
	_cleanup_free_ void **owned = NULL;
	_cleanup_free_ const void **payload = NULL;
	_cleanup_free_ size_t *len = NULL;
	size_t found = 0;
	int r = 0;

	*all = false;
	if (cc->n_an == 0) {
		*all = rec_ok;
		return 0;
	}
	owned = cs_new0(void *, cc->n_an);
	payload = cs_new0(const void *, cc->n_an);
	len = cs_new0(size_t, cc->n_an);
	if (!owned || !payload || !len)
		return cs_error_errno(err, -ENOMEM, "cannot look up layer %u in the cache",
				      l->index);
	for (size_t i = 0; i < cc->n_an; i++) {
		struct an_cache *a = &cc->an[i];
		struct cs_error lerr = CS_ERROR_INIT;

		if (!a->cw.id)
			continue;
		r = cs_layer_cache_key(l->diff_id, a->cw.id, cc->lim, a->key);
		if (r < 0)
			break;
		a->save = true;
		r = cs_layer_cache_load_blob(cc->cache, a->key, &owned[i], &payload[i], &len[i],
					     &lerr);
		if (r == 0)
			found++;
		else if (r == -ENOMEM)
			break;
		else if (r != -CS_E_NOTFOUND)
			cs_log_debug("layer %u: ignoring the cached %s results: %s", l->index,
				     a->cw.name, lerr.msg);
		r = 0;
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < cc->n_an; i++) {
		struct an_cache *a = &cc->an[i];

		if (!owned[i])
			continue;
		r = a->cw.restore(a->cw.state, l->index, payload[i], len[i]);
		if (r == -CS_E_INPUT) {
			cs_log_debug("layer %u: ignoring the cached %s results: unusable payload",
				     l->index, a->cw.name);
			found--;
			r = 0;
			continue;
		}
		if (r < 0)
			goto out;
		a->restored = true;
		a->save = false;
		cs_log_debug("layer %u: %s results from cache (%s)", l->index, a->cw.name, a->key);
	}
	*all = rec_ok && cc->all_cacheable && found == cc->n_an;
out:
	for (size_t i = 0; i < cc->n_an; i++)
		free(owned[i]);
	if (r < 0)
		return cs_error_errno(err, r, "cannot restore layer %u from the cache", l->index);
	return 0;
}

static int before_layer(void *ud, struct cs_layer_info *l, struct cs_walk_budget *budget,
			struct cs_error *err)
{
	struct catalog_cache *cc = ud;
	_cleanup_(cs_layer_record_freep) struct cs_layer_record *rec = NULL;
	struct cs_error lerr = CS_ERROR_INIT;
	bool rec_ok = false, all;
	char sz[32];
	int r;

	stop_recording(cc, NULL);
	for (size_t i = 0; i < cc->n_an; i++)
		cc->an[i].restored = cc->an[i].save = false;
	cc->layer = l->index;
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
		rec_ok = true;
	} else if (r == -ENOMEM) {
		return cs_error_errno(err, r, "cannot load the cache record of layer %u", l->index);
	} else if (r != -CS_E_NOTFOUND) {
		cs_log_debug("layer %u: ignoring its cache record: %s", l->index, lerr.msg);
	}
	r = restore_analysers(cc, l, rec_ok, &all, err);
	if (r < 0)
		return r;
	if (all) {
		r = cs_layer_record_replay(rec, l, cc->inner, CS_ARRAY_SIZE(cc->inner), err);
		if (r < 0)
			return r;
		budget->entries += rec->sum.entries;
		budget->total_size += rec->sum.tar_bytes;
		cs_log_debug("layer %u from cache (%s: %zu entries, %s of content)", l->index,
			     cc->key, rec->n_entries,
			     cs_format_size(rec->content_bytes, sz, sizeof(sz)));
		return 1;
	}

	/* read it, and write down what it fed the catalog */
	cc->budget = budget;
	cc->tar_start = budget->total_size;
	cs_buf_reset(&cc->rec);
	if (cs_layer_record_begin(&cc->rec, cc->key, l->diff_id) < 0)
		return 0;
	cc->recording = true;
	cc->n_rec = 0;
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

	if (!cc->scan && r > 0)
		r = 0;

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

	if (cc->inner[1].layer_end)
		return cc->inner[1].layer_end(cc->inner[1].userdata, l, err);
	return 0;
}

static void store_analysers(struct catalog_cache *cc, const struct cs_layer_info *l)
{
	char sz[32];

	for (size_t i = 0; i < cc->n_an; i++) {
		struct an_cache *a = &cc->an[i];
		struct cs_error serr = CS_ERROR_INIT;
		int r;

		if (!a->save)
			continue;
		a->save = false;
		cs_buf_reset(&cc->payload);
		r = a->cw.save(a->cw.state, l->index, &cc->payload);
		if (r == 1) {
			cs_log_debug(
				"layer %u: %s results not cached: a cap on findings was reached",
				l->index, a->cw.name);
			continue;
		}
		if (r >= 0)
			r = cs_layer_blob_make(&cc->blob, a->key, cc->payload.data,
					       cc->payload.len);
		if (r < 0) {
			cs_log_debug("layer %u: %s results not cached: %s", l->index, a->cw.name,
				     cs_strerror(r));
			continue;
		}
		r = cs_layer_cache_store(cc->cache, a->key, cc->blob.data, cc->blob.len, &serr);
		if (r < 0)
			cs_log_debug("layer %u: %s results not cached: %s", l->index, a->cw.name,
				     serr.msg);
		else
			cs_log_debug("layer %u: %s results cached (%s, %s)", l->index, a->cw.name,
				     a->key, cs_format_size(cc->blob.len, sz, sizeof(sz)));
	}
}

/* The last walker: once every walker saw the layer's end, store what was recorded. */
static int tail_layer_end(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct catalog_cache *cc = ud;
	struct cs_error serr = CS_ERROR_INIT;
	struct cs_layer_summary sum = { 0 };
	char sz[32];
	int r;

	(void)err;
	if (l->index != cc->layer)
		return 0;
	/* read to its end and proven to be the layer the config names */
	if (!l->walked || !l->diff_id || strcmp(l->computed_diff_id, l->diff_id) != 0) {
		stop_recording(cc, "its diff_id was not verified");
		for (size_t i = 0; i < cc->n_an; i++)
			cc->an[i].save = false;
		return 0;
	}
	store_analysers(cc, l);
	if (!cc->recording)
		return 0;
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

static int tail_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	return noop_entry(ud, e, err);
}

/* --- an analyser's walker, not fed the layers its results were restored for --- */

static int an_layer_begin(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct an_cache *a = ud;

	if (a->restored || !a->cw.w.layer_begin)
		return 0;
	return a->cw.w.layer_begin(a->cw.w.userdata, l, err);
}

static int an_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct an_cache *a = ud;

	if (a->restored)
		return 0;
	return a->cw.w.entry(a->cw.w.userdata, e, err);
}

static int an_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		   struct cs_error *err)
{
	struct an_cache *a = ud;

	return a->cw.w.data ? a->cw.w.data(a->cw.w.userdata, e, p, n, err) : 0;
}

static int an_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct an_cache *a = ud;

	return a->cw.w.data_end ? a->cw.w.data_end(a->cw.w.userdata, e, err) : 0;
}

static int an_layer_end(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct an_cache *a = ud;

	if (a->restored || !a->cw.w.layer_end)
		return 0;
	return a->cw.w.layer_end(a->cw.w.userdata, l, err);
}

int cs_catalog_image_walk_cached(struct cs_image *img, struct cs_catalog *cat,
				 struct cs_layer_cache *cache, const struct cs_cached_walker *extra,
				 size_t n_extra, struct cs_overlay **ret_ov, struct cs_error *err)
{
	_cleanup_(cs_overlay_freep) struct cs_overlay *ov = NULL;
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *scan = NULL;
	const struct cs_manifest *m = cs_image_manifest(img);
	struct catalog_cache cc = { 0 };
	struct cs_walk_hooks hooks = { &cc, before_layer };
	_cleanup_free_ struct cs_walker *w = NULL;
	_cleanup_free_ struct an_cache *an = NULL;
	size_t n_w = 0;
	int r;

	r = cs_overlay_new(cs_image_limits(img), &ov);
	if (r >= 0 && cat)
		r = cs_catalog_scan_new(cat, NULL, &scan);
	if (r >= 0) {
		cc.consumer = consumer_name(scan);
		w = cs_new0(struct cs_walker, n_extra + 3);
		an = cs_new0(struct an_cache, n_extra ? n_extra : 1);
		r = cc.consumer && w && an ? 0 : -ENOMEM;
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
	cc.an = an;
	cc.n_an = n_extra;
	cc.all_cacheable = true;
	cs_buf_init(&cc.rec, CS_LAYER_RECORD_MAX);
	cs_buf_init(&cc.payload, CS_LAYER_BLOB_MAX);
	cs_buf_init(&cc.blob, CS_LAYER_BLOB_MAX + 4096);
	cs_overlay_walker(ov, &cc.inner[0]);
	if (scan)
		cs_catalog_scan_walker(scan, &cc.inner[1]);
	else
		cc.inner[1] = (struct cs_walker){ .entry = noop_entry };
	w[n_w++] = cc.inner[0];
	w[n_w++] = (struct cs_walker){
		.userdata = &cc,
		.layer_begin = rec_layer_begin,
		.entry = rec_entry,
		.data = rec_data,
		.data_end = rec_data_end,
		.layer_end = rec_layer_end,
	};
	for (size_t i = 0; i < n_extra; i++) {
		an[i].cc = &cc;
		an[i].cw = extra[i];
		if (!an[i].cw.id || !an[i].cw.save || !an[i].cw.restore) {
			an[i].cw.id = NULL;
			cc.all_cacheable = false;
		}
		if (!an[i].cw.name)
			an[i].cw.name = "analyser";
		w[n_w++] = (struct cs_walker){
			.userdata = &an[i],
			.layer_begin = an_layer_begin,
			.entry = an_entry,
			.data = an_data,
			.data_end = an_data_end,
			.layer_end = an_layer_end,
		};
	}
	w[n_w++] = (struct cs_walker){ .userdata = &cc,
				       .entry = tail_entry,
				       .layer_end = tail_layer_end };
	r = cs_image_walk_hooked(img, w, n_w, -1, &hooks, err);
	cs_buf_done(&cc.rec);
	cs_buf_done(&cc.payload);
	cs_buf_done(&cc.blob);
	free(cc.consumer);
	if (r < 0)
		return r;
	if (scan) {
		r = cs_catalog_scan_finish(scan, ov, err);
		if (r < 0)
			return r;
	}
	if (ret_ov)
		*ret_ov = CS_TAKE_PTR(ov);
	return 0;
}

int cs_catalog_image_cached(struct cs_image *img, struct cs_catalog *cat,
			    struct cs_layer_cache *cache, struct cs_error *err)
{
	if (!cache)
		return cs_catalog_image(img, cat, err);
	return cs_catalog_image_walk_cached(img, cat, cache, NULL, 0, NULL, err);
}
