/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the layer pipeline: the input is a layer blob (compression detected
 * from the content, so gzip and zstd inputs reach the decompressors), read
 * with small limits by a walker that takes every file's content and feeds
 * the merged view, which is then listed and probed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "basic/stream.h"
#include "image/layer.h"
#include "image/overlay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct cs_walker ov;
	uint64_t bytes;
	bool in_file;
};

static int fz_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct fz *f = ud;
	int r;

	/* walkers only ever see clean paths */
	if (e->path[0] == '/' || strstr(e->path, "//") || !strcmp(e->path, "..") ||
	    !strncmp(e->path, "../", 3) || strstr(e->path, "/../") || strstr(e->path, "/./"))
		abort();
	if (e->type == CS_ENTRY_HARDLINK && (!e->link || e->link[0] == '/'))
		abort();
	if (f->in_file)
		abort();
	r = f->ov.entry(f->ov.userdata, e, err);
	if (r < 0)
		return r;
	if (e->type == CS_ENTRY_REG) {
		f->in_file = true;
		f->bytes = 0;
		return 1;
	}
	return 0;
}

static int fz_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		   struct cs_error *err)
{
	struct fz *f = ud;

	(void)err;
	if (!f->in_file || n == 0)
		abort();
	f->bytes += n;
	if (f->bytes > e->size)
		abort();
	/* touch the bytes so the sanitizers check them */
	if (((const volatile uint8_t *)p)[n - 1] == 0xff && ((const uint8_t *)p)[0] == 0xfe)
		f->bytes += 0;
	return 0;
}

static int fz_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct fz *f = ud;

	(void)err;
	if (!f->in_file || f->bytes != e->size)
		abort();
	f->in_file = false;
	return 0;
}

static int count_cb(void *ud, const struct cs_overlay_entry *e)
{
	(*(uint64_t *)ud)++;
	if (!e->path)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walk_budget budget = { 0 };
	struct cs_layer_info info = { .index = 1, .compressed_size = -1 };
	struct cs_overlay *ov = NULL;
	struct cs_stream *s = NULL;
	struct cs_limits lim;
	struct fz f = { 0 };
	struct cs_walker w = { &f, NULL, fz_entry, fz_data, fz_data_end, NULL };
	uint64_t n = 0;
	int r;

	cs_limits_default(&lim);
	lim.max_entries = 2000;
	lim.max_file_size = 8 << 20;
	lim.max_layer_size = 16 << 20;
	lim.max_total_size = 16 << 20;
	lim.max_ratio = 200;
	lim.ratio_floor = 1 << 20;
	lim.max_metadata_size = 64 << 10;
	lim.max_symlinks = 8;
	lim.max_path = 1024;

	(void)cs_compression_detect(data, size);
	if (cs_overlay_new(&lim, &ov) < 0)
		return 0;
	cs_overlay_walker(ov, &f.ov);
	if (cs_stream_from_mem(data, size, &s) < 0) {
		cs_overlay_free(ov);
		return 0;
	}
	r = cs_layer_read(s, &info, &lim, &budget, &w, 1, NULL, &err);
	if (r < 0) {
		/* every failure is one line naming the layer */
		if (strncmp(err.msg, "layer 1", 7) != 0 || strchr(err.msg, '\n'))
			abort();
	} else if (!info.walked || !info.computed_diff_id[0] || !info.computed_digest[0]) {
		abort();
	}
	cs_overlay_foreach(ov, true, count_cb, &n);
	if (n < cs_overlay_count(ov, false))
		abort();
	{
		const struct cs_overlay_entry *e;
		static const char *probes[] = { "", "etc/passwd", "a/b/c", "../../x", "bin/sh" };

		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			if (cs_overlay_lookup(ov, probes[i], true, &e, NULL) == 0 && !e->path)
				abort();
	}
	cs_overlay_free(ov);
	return 0;
}
