/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz layer cache records (a file on disk another process could have
 * written). The input is parsed as it is, then once more with its checksum
 * rewritten so that mutations reach the checks behind it; a record that
 * parses is replayed into a walker that checks what walkers are promised
 * (clean paths, no more content than the entry's size, data only after an
 * entry asked for it) and passes everything on to the merged view and the
 * catalog scan, which is then finished as after a walk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "catalog/catalog.h"
#include "image/layercache.h"
#include "image/overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct cs_walker ov, scan;
	uint64_t bytes;
	bool in_file;
};

static bool clean(const char *p)
{
	return p[0] != '/' && !strstr(p, "//") && strcmp(p, "..") != 0 &&
	       strncmp(p, "../", 3) != 0 && !strstr(p, "/../") && !strstr(p, "/./") &&
	       strncmp(p, "./", 2) != 0;
}

/* checks every entry, feeds the merged view and the catalog scan, watches the content */
static int fz_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct fz *f = ud;
	int r;

	if (!clean(e->path) || e->layer != 2)
		abort();
	if (e->type == CS_ENTRY_HARDLINK && (!e->link || !clean(e->link)))
		abort();
	r = f->ov.entry(f->ov.userdata, e, err);
	if (r < 0)
		return r;
	/* an elided file ends without data_end: a new entry starts afresh */
	f->in_file = false;
	r = f->scan.entry(f->scan.userdata, e, err);
	if (r > 0) {
		if (e->type != CS_ENTRY_REG)
			abort();
		f->in_file = true;
		f->bytes = 0;
	}
	return r;
}

static int fz_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		   struct cs_error *err)
{
	struct fz *f = ud;

	if (!f->in_file || n == 0)
		abort();
	f->bytes += n;
	if (f->bytes > e->size)
		abort();
	return f->scan.data(f->scan.userdata, e, p, n, err);
}

static int fz_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct fz *f = ud;

	if (!f->in_file)
		abort();
	f->in_file = false;
	return f->scan.data_end(f->scan.userdata, e, err);
}

static void replay(const struct cs_layer_record *rec, const struct cs_limits *lim)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info = { .index = 2, .diff_id = rec->diff_id };
	struct cs_overlay *ov = NULL;
	struct cs_catalog *cat = NULL;
	struct cs_catalog_scan *scan = NULL;
	struct fz f = { 0 };
	struct cs_walker w = { &f, NULL, fz_entry, fz_data, fz_data_end, NULL };

	if (cs_overlay_new(lim, &ov) < 0 || cs_catalog_new(&cat) < 0 ||
	    cs_catalog_scan_new(cat, NULL, &scan) < 0)
		goto out;
	cs_overlay_walker(ov, &f.ov);
	cs_catalog_scan_walker(scan, &f.scan);
	if (cs_layer_record_replay(rec, &info, &w, 1, &err) < 0) {
		/* one line naming the layer */
		if (strncmp(err.msg, "layer 2", 7) != 0 || strchr(err.msg, '\n'))
			abort();
		goto out;
	}
	if (!info.walked || info.entries != rec->sum.entries)
		abort();
	(void)cs_catalog_scan_finish(scan, ov, &err);
out:
	cs_catalog_scan_free(scan);
	cs_catalog_free(cat);
	cs_overlay_free(ov);
}

static void one(const uint8_t *data, size_t size, const struct cs_limits *lim)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_record *rec = NULL;

	if (cs_layer_record_parse(data, size, NULL, lim, &rec, &err) < 0) {
		if (rec || !err.msg[0] || strchr(err.msg, '\n'))
			abort();
		return;
	}
	if (rec->n_entries > lim->max_entries)
		abort();
	replay(rec, lim);
	cs_layer_record_free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char digest[CS_DIGEST_STR_MAX];
	struct cs_limits lim;
	uint8_t *copy;

	cs_limits_default(&lim);
	lim.max_entries = 2000;
	lim.max_file_size = 8 << 20;
	lim.max_metadata_size = 64 << 10;
	lim.max_symlinks = 8;
	lim.max_path = 1024;

	one(data, size, &lim);
	if (size < CS_LAYER_RECORD_MIN || size > (4u << 20))
		return 0;
	copy = cs_memdup(data, size);
	if (!copy)
		return 0;
	if (cs_sha256_digest(copy, size - 64, digest) == 0) {
		memcpy(copy + size - 64, cs_digest_hex(digest), 64);
		one(copy, size, &lim);
	}
	free(copy);
	return 0;
}
