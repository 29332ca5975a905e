/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer cache records: the format round-trips every entry shape, every
 * corruption (any flipped byte, any truncation, another key or format, an
 * unclean path under a valid checksum) is rejected, a replay calls the
 * walkers as a read would, and the store writes, loads, counts and prunes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "image/layercache.h"

#define KEY  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define DIFF "sha256:1111111111111111111111111111111111111111111111111111111111111111"

static const char elf[] = "\x7f"
			  "ELF-and-then-some";
static const char status[] = "Package: a\nStatus: install ok installed\nVersion: 1\n\n";

static const struct cs_entry sample[] = {
	{ .path = "", .type = CS_ENTRY_DIR, .mode = 0755 },
	{ .path = "etc", .type = CS_ENTRY_DIR, .mode = 0755, .uname = "root", .gname = "root" },
	{ .path = "var/lib/dpkg/status",
	  .type = CS_ENTRY_REG,
	  .mode = 0644,
	  .size = sizeof(status) - 1,
	  .mtime = 1700000000 },
	{ .path = "usr/bin/tool",
	  .type = CS_ENTRY_REG,
	  .mode = 04755,
	  .size = 5000,
	  .has_caps = true },
	{ .path = "usr/bin/head", .type = CS_ENTRY_REG, .mode = 0755, .size = 9000, .uid = 7 },
	{ .path = "usr/bin/sparse",
	  .type = CS_ENTRY_REG,
	  .mode = 0644,
	  .size = 1 << 20,
	  .sparse = true },
	{ .path = "bin", .type = CS_ENTRY_SYMLINK, .mode = 0777, .link = "usr/bin" },
	{ .path = "usr/bin/tool2",
	  .type = CS_ENTRY_HARDLINK,
	  .mode = 0755,
	  .link = "usr/bin/tool" },
	{ .path = "dev/null", .type = CS_ENTRY_CHR, .mode = 0666, .devmajor = 1, .devminor = 3 },
	{ .path = "old/file", .type = CS_ENTRY_WHITEOUT },
	{ .path = "opt", .type = CS_ENTRY_OPAQUE },
	{ .path = "", .type = CS_ENTRY_OPAQUE, .mtime = -5 },
};

static unsigned sample_flags(size_t i, const void **p, size_t *n)
{
	*p = NULL;
	*n = 0;
	if (i == 2) {
		*p = status;
		*n = sizeof(status) - 1;
		return CS_LAYER_RECORD_CONTENT;
	}
	if (i == 3)
		return CS_LAYER_RECORD_ELIDED;
	if (i == 4) {
		*p = elf;
		*n = 4; /* a sniffed head */
		return CS_LAYER_RECORD_CONTENT;
	}
	return 0;
}

static const struct cs_layer_summary sample_sum = {
	.entries = 14, /* two entries that walkers never saw */
	.files = 7,
	.uncompressed_size = 20480,
	.tar_bytes = 19968,
	.compression = CS_COMPRESSION_ZSTD,
};

static void build(struct cs_buf *b, const char *key)
{
	cs_buf_init(b, CS_LAYER_RECORD_MAX);
	assert_int_equal(cs_layer_record_begin(b, key, DIFF), 0);
	for (size_t i = 0; i < CS_ARRAY_SIZE(sample); i++) {
		const void *p;
		size_t n;
		unsigned fl = sample_flags(i, &p, &n);

		assert_int_equal(cs_layer_record_add(b, &sample[i], fl, p, n), 0);
	}
	assert_int_equal(cs_layer_record_finish(b, &sample_sum, CS_ARRAY_SIZE(sample)), 0);
}

static void assert_str_eq_or_null(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void test_round_trip(void **state)
{
	struct cs_layer_record *rec = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_limits lim;
	struct cs_buf b;

	(void)state;
	cs_limits_default(&lim);
	build(&b, KEY);
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), 0);
	assert_string_equal(rec->key, KEY);
	assert_string_equal(rec->diff_id, DIFF);
	assert_int_equal(rec->n_entries, CS_ARRAY_SIZE(sample));
	assert_int_equal(rec->sum.entries, 14);
	assert_int_equal(rec->sum.files, 7);
	assert_int_equal(rec->sum.uncompressed_size, 20480);
	assert_int_equal(rec->sum.tar_bytes, 19968);
	assert_int_equal(rec->sum.compression, CS_COMPRESSION_ZSTD);
	assert_int_equal(rec->content_bytes, sizeof(status) - 1 + 4);
	for (size_t i = 0; i < rec->n_entries; i++) {
		const struct cs_entry *w = &sample[i], *g = &rec->entries[i].e;
		const void *p;
		size_t n;
		unsigned fl = sample_flags(i, &p, &n);

		assert_string_equal(g->path, w->path);
		assert_int_equal(g->type, w->type);
		assert_int_equal(g->mode, w->mode);
		assert_int_equal(g->uid, w->uid);
		assert_int_equal(g->gid, w->gid);
		assert_int_equal(g->size, w->size);
		assert_int_equal(g->mtime, w->mtime);
		assert_int_equal(g->devmajor, w->devmajor);
		assert_int_equal(g->devminor, w->devminor);
		assert_int_equal(g->sparse, w->sparse);
		assert_int_equal(g->has_caps, w->has_caps);
		assert_str_eq_or_null(g->uname, w->uname);
		assert_str_eq_or_null(g->gname, w->gname);
		assert_str_eq_or_null(g->link, w->link);
		assert_int_equal(rec->entries[i].flags, fl);
		assert_int_equal(rec->entries[i].content_len, n);
		if (n)
			assert_memory_equal(rec->entries[i].content, p, n);
	}
	/* any key accepted when none is asked for; another one refused */
	cs_layer_record_free(rec);
	rec = NULL;
	assert_int_equal(cs_layer_record_parse(b.data, b.len, NULL, &lim, &rec, &err), 0);
	cs_layer_record_free(rec);
	rec = NULL;
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY2, &lim, &rec, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "another key"));
	assert_null(rec);
	cs_buf_done(&b);
}

static void test_corruption(void **state)
{
	struct cs_layer_record *rec = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_limits lim;
	struct cs_buf b;

	(void)state;
	cs_limits_default(&lim);
	build(&b, KEY);
	/* every single flipped byte */
	for (size_t i = 0; i < b.len; i++) {
		b.data[i] ^= 0x20;
		assert_true(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err) < 0);
		assert_null(rec);
		b.data[i] ^= 0x20;
	}
	/* every truncation, and a byte too many */
	for (size_t n = 0; n < b.len; n++)
		assert_true(cs_layer_record_parse(b.data, n, KEY, &lim, &rec, &err) < 0);
	assert_int_equal(cs_buf_putc(&b, '\n'), 0);
	assert_true(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err) < 0);
	assert_null(rec);
	cs_buf_done(&b);
}

/* Rewrite the checksum after tampering, so the checks behind it are reached. */
static void reseal(struct cs_buf *b)
{
	char d[CS_DIGEST_STR_MAX];

	assert_int_equal(cs_sha256_digest(b->data, b->len - 64, d), 0);
	memcpy(b->data + b->len - 64, cs_digest_hex(d), 64);
}

static void expect_bad(const struct cs_entry *e, unsigned flags, const void *p, size_t n,
		       const char *why)
{
	struct cs_layer_record *rec = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_summary sum = { .entries = 1, .files = 1 };
	struct cs_limits lim;
	struct cs_buf b;

	cs_limits_default(&lim);
	lim.max_path = 64;
	cs_buf_init(&b, 1 << 20);
	assert_int_equal(cs_layer_record_begin(&b, KEY, DIFF), 0);
	assert_int_equal(cs_layer_record_add(&b, e, flags, p, n), 0);
	if (e->type == CS_ENTRY_DIR || e->type == CS_ENTRY_WHITEOUT || e->type == CS_ENTRY_OPAQUE)
		sum.files = 0;
	assert_int_equal(cs_layer_record_finish(&b, &sum, 1), 0);
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), -CS_E_INPUT);
	assert_null(rec);
	if (!strstr(err.msg, why))
		fail_msg("'%s' does not say '%s'", err.msg, why);
	cs_buf_done(&b);
}

static void test_hostile_fields(void **state)
{
	char longp[100];

	(void)state;
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	expect_bad(&(struct cs_entry){ .path = "a/../b", .type = CS_ENTRY_REG }, 0, NULL, 0,
		   "invalid path");
	expect_bad(&(struct cs_entry){ .path = "/etc", .type = CS_ENTRY_DIR }, 0, NULL, 0,
		   "invalid path");
	expect_bad(&(struct cs_entry){ .path = "a//b", .type = CS_ENTRY_DIR }, 0, NULL, 0,
		   "invalid path");
	expect_bad(&(struct cs_entry){ .path = longp, .type = CS_ENTRY_DIR }, 0, NULL, 0,
		   "invalid path");
	expect_bad(&(struct cs_entry){ .path = "h", .type = CS_ENTRY_HARDLINK, .link = "../x" }, 0,
		   NULL, 0, "invalid hardlink target");
	expect_bad(&(struct cs_entry){ .path = "d", .type = CS_ENTRY_DIR, .link = "x" }, 0, NULL, 0,
		   "wrong entry type");
	expect_bad(&(struct cs_entry){ .path = "s", .type = CS_ENTRY_SYMLINK }, 0, NULL, 0,
		   "wrong entry type");
	expect_bad(&(struct cs_entry){ .path = "f", .type = CS_ENTRY_REG, .size = 2 },
		   CS_LAYER_RECORD_CONTENT, "abc", 3, "invalid content");
	expect_bad(&(struct cs_entry){ .path = "d", .type = CS_ENTRY_DIR }, CS_LAYER_RECORD_CONTENT,
		   "", 0, "content on a non-file");
	expect_bad(&(struct cs_entry){ .path = "d", .type = CS_ENTRY_DIR, .size = 3 }, 0, NULL, 0,
		   "size on a non-file");
	expect_bad(&(struct cs_entry){ .path = "", .type = CS_ENTRY_WHITEOUT }, 0, NULL, 0,
		   "whiteout of the root");
	expect_bad(&(struct cs_entry){ .path = "f", .type = CS_ENTRY_REG, .devmajor = 1 }, 0, NULL,
		   0, "device numbers");
	expect_bad(&(struct cs_entry){ .path = "f", .type = CS_ENTRY_REG, .mode = 010000 }, 0, NULL,
		   0, "invalid entry");
}

static void test_header_and_trailer(void **state)
{
	struct cs_layer_record *rec = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_limits lim;
	struct cs_buf b;

	(void)state;
	cs_limits_default(&lim);
	/* another format version, checksum intact */
	build(&b, KEY);
	b.data[8] = 2;
	reseal(&b);
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "format 2"));
	cs_buf_done(&b);
	/* not a record at all */
	build(&b, KEY);
	b.data[0] = 'X';
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "not a layer cache record"));
	/* a checksum mismatch says so */
	b.data[0] = 'C';
	b.data[b.len - 100] ^= 1;
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "checksum"));
	cs_buf_done(&b);
	/* counts that do not add up */
	cs_buf_init(&b, 1 << 20);
	assert_int_equal(cs_layer_record_begin(&b, KEY, DIFF), 0);
	assert_int_equal(cs_layer_record_add(&b, &sample[0], 0, NULL, 0), 0);
	assert_int_equal(cs_layer_record_finish(&b, &sample_sum, 1), 0);
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "counts"));
	cs_buf_done(&b);
	/* limits apply to what a record claims */
	build(&b, KEY);
	lim.max_entries = 5;
	assert_true(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err) < 0);
	cs_limits_default(&lim);
	lim.max_file_size = 4096;
	assert_true(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err) < 0);
	assert_null(rec);
	cs_buf_done(&b);
	/* bad arguments to the writer */
	cs_buf_init(&b, 1 << 20);
	assert_int_equal(cs_layer_record_begin(&b, "short", DIFF), -EINVAL);
	assert_int_equal(cs_layer_record_begin(&b, KEY, DIFF), 0);
	assert_int_equal(cs_layer_record_add(&b, &sample[2],
					     CS_LAYER_RECORD_CONTENT | CS_LAYER_RECORD_ELIDED, NULL,
					     0),
			 -EINVAL);
	/* the buffer's bound holds */
	b.max = b.len + 10;
	assert_int_equal(cs_layer_record_add(&b, &sample[2], CS_LAYER_RECORD_CONTENT, status,
					     sizeof(status) - 1),
			 -CS_E_LIMIT);
	cs_buf_done(&b);
}

/* --- replay --- */

struct trace {
	struct cs_buf log;
	bool want_files;
	unsigned begins, ends;
};

static int tr_begin(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct trace *t = ud;

	(void)err;
	assert_false(l->walked);
	t->begins++;
	return 0;
}

static int tr_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct trace *t = ud;

	(void)err;
	assert_int_equal(e->layer, 3);
	cs_buf_printf(&t->log, "E %s %s\n", cs_entry_type_name(e->type), e->path);
	/* every file but the one recorded without content (its walkers did not want it) */
	return t->want_files && e->type == CS_ENTRY_REG && strcmp(e->path, "usr/bin/sparse") != 0;
}

static int tr_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		   struct cs_error *err)
{
	struct trace *t = ud;

	(void)err;
	cs_buf_printf(&t->log, "D %s %zu %.*s\n", e->path, n, (int)CS_MIN(n, 4), (const char *)p);
	return 0;
}

static int tr_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct trace *t = ud;

	(void)err;
	cs_buf_printf(&t->log, "F %s\n", e->path);
	return 0;
}

static int tr_end(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct trace *t = ud;

	(void)err;
	assert_true(l->walked);
	t->ends++;
	return 0;
}

static void test_replay(void **state)
{
	struct cs_layer_record *rec = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct trace ta = { .want_files = true }, tb = { 0 };
	struct cs_walker w[2] = {
		{ &ta, tr_begin, tr_entry, tr_data, tr_data_end, tr_end },
		{ &tb, tr_begin, tr_entry, tr_data, tr_data_end, tr_end },
	};
	struct cs_layer_info info = {
		.index = 3,
		.digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222",
		.diff_id = DIFF,
	};
	struct cs_limits lim;
	struct cs_buf b;

	(void)state;
	cs_limits_default(&lim);
	cs_buf_init(&ta.log, 1 << 20);
	cs_buf_init(&tb.log, 1 << 20);
	build(&b, KEY);
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), 0);
	assert_int_equal(cs_layer_record_replay(rec, &info, w, 2, &err), 0);
	assert_int_equal(ta.begins, 1);
	assert_int_equal(ta.ends, 1);
	assert_int_equal(tb.ends, 1);
	/* content for the file that has it, the head of the sniffed one, nothing when elided */
	assert_string_equal(ta.log.data, "E dir \n"
					 "E dir etc\n"
					 "E file var/lib/dpkg/status\n"
					 "D var/lib/dpkg/status 52 Pack\n"
					 "F var/lib/dpkg/status\n"
					 "E file usr/bin/tool\n"
					 "E file usr/bin/head\n"
					 "D usr/bin/head 4 \x7f"
					 "ELF\n"
					 "F usr/bin/head\n"
					 "E file usr/bin/sparse\n"
					 "E symlink bin\n"
					 "E hardlink usr/bin/tool2\n"
					 "E chardev dev/null\n"
					 "E whiteout old/file\n"
					 "E opaque opt\n"
					 "E opaque \n");
	assert_null(strstr(tb.log.data, "D "));
	assert_true(info.walked);
	assert_int_equal(info.entries, 14);
	assert_int_equal(info.files, 7);
	assert_int_equal(info.uncompressed_size, 20480);
	assert_string_equal(info.compression, "zstd");
	assert_string_equal(info.computed_diff_id, DIFF);
	assert_string_equal(info.computed_digest, info.digest);
	cs_layer_record_free(rec);
	cs_buf_done(&b);
	cs_buf_done(&ta.log);
	cs_buf_done(&tb.log);
}

static void test_replay_missing_content(void **state)
{
	struct cs_layer_record *rec = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct trace t = { .want_files = true };
	struct cs_walker w = { &t, NULL, tr_entry, tr_data, tr_data_end, NULL };
	struct cs_layer_info info = { .index = 3 };
	struct cs_layer_summary sum = { .entries = 1, .files = 1 };
	struct cs_limits lim;
	struct cs_buf b;

	(void)state;
	cs_limits_default(&lim);
	cs_buf_init(&t.log, 1 << 20);
	cs_buf_init(&b, 1 << 20);
	assert_int_equal(cs_layer_record_begin(&b, KEY, DIFF), 0);
	assert_int_equal(cs_layer_record_add(&b, &sample[5], 0, NULL, 0), 0);
	assert_int_equal(cs_layer_record_finish(&b, &sum, 1), 0);
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), 0);
	/* a file nobody asks for needs no content */
	t.want_files = false;
	assert_int_equal(cs_layer_record_replay(rec, &info, &w, 1, &err), 0);
	assert_true(info.walked);
	/* one that somebody asks for does */
	t.want_files = true;
	cs_layer_record_free(rec);
	rec = NULL;
	cs_buf_reset(&b);
	assert_int_equal(cs_layer_record_begin(&b, KEY, DIFF), 0);
	assert_int_equal(cs_layer_record_add(&b, &sample[2], 0, NULL, 0), 0);
	assert_int_equal(cs_layer_record_finish(&b, &sum, 1), 0);
	assert_int_equal(cs_layer_record_parse(b.data, b.len, KEY, &lim, &rec, &err), 0);
	assert_int_equal(cs_layer_record_replay(rec, &info, &w, 1, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "layer 3: the cache record holds no content"));
	cs_layer_record_free(rec);
	cs_buf_done(&b);
	cs_buf_done(&t.log);
}

/* --- keys and the store --- */

static void test_key(void **state)
{
	char k1[65], k2[65];
	struct cs_limits lim;

	(void)state;
	cs_limits_default(&lim);
	assert_int_equal(cs_layer_cache_key(DIFF, "catalog/1 os:1", &lim, k1), 0);
	assert_int_equal(strlen(k1), 64);
	assert_int_equal(cs_layer_cache_key(DIFF, "catalog/1 os:1", &lim, k2), 0);
	assert_string_equal(k1, k2);
	assert_int_equal(cs_layer_cache_key(DIFF, "catalog/1 os:2", &lim, k2), 0);
	assert_string_not_equal(k1, k2);
	assert_int_equal(cs_layer_cache_key(
				 "sha256:"
				 "3333333333333333333333333333333333333333333333333333333333333333",
				 "catalog/1 os:1", &lim, k2),
			 0);
	assert_string_not_equal(k1, k2);
	lim.max_file_size = 1000;
	assert_int_equal(cs_layer_cache_key(DIFF, "catalog/1 os:1", &lim, k2), 0);
	assert_string_not_equal(k1, k2);
	/* a per-image budget is not part of it (a record is checked against it instead) */
	cs_limits_default(&lim);
	lim.max_entries = 10;
	assert_int_equal(cs_layer_cache_key(DIFF, "catalog/1 os:1", &lim, k2), 0);
	assert_string_equal(k1, k2);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_store(void **state)
{
	char tmpl[] = "/tmp/customs-test-layer-cache.XXXXXX";
	struct cs_layer_cache *c = NULL;
	struct cs_layer_record *rec = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_cache_stats st;
	struct cs_limits lim;
	struct cs_buf b;
	char *dir, *path, *tmp;
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };

	(void)state;
	cs_limits_default(&lim);
	assert_non_null(mkdtemp(tmpl));
	dir = cs_asprintf("%s/a/b/layers", tmpl);
	assert_int_equal(cs_layer_cache_new(dir, &c), 0);
	assert_string_equal(cs_layer_cache_dir(c), dir);
	/* a missing directory: empty, and every key a miss */
	assert_int_equal(cs_layer_cache_stat(c, &st, &err), 0);
	assert_int_equal(st.records, 0);
	assert_int_equal(cs_layer_cache_load(c, KEY, &lim, &rec, &err), -CS_E_NOTFOUND);

	build(&b, KEY);
	assert_int_equal(cs_layer_cache_store(c, KEY, b.data, b.len, &err), 0);
	assert_int_equal(cs_layer_cache_store(c, KEY, b.data, b.len, &err), 0); /* over itself */
	assert_int_equal(cs_layer_cache_load(c, KEY, &lim, &rec, &err), 0);
	assert_int_equal(rec->n_entries, CS_ARRAY_SIZE(sample));
	assert_string_equal(rec->entries[2].e.path, "var/lib/dpkg/status");
	cs_layer_record_free(rec);
	rec = NULL;
	assert_int_equal(cs_layer_cache_stat(c, &st, &err), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.bytes, b.len);
	assert_int_equal(st.temp_files, 0);

	/* a record stored under another key's name is refused */
	path = cs_asprintf("%s/%s", dir, KEY2);
	write_file(path, b.data, b.len);
	assert_int_equal(cs_layer_cache_load(c, KEY2, &lim, &rec, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "another key"));
	/* a truncated one too */
	write_file(path, b.data, b.len / 2);
	assert_int_equal(cs_layer_cache_load(c, KEY2, &lim, &rec, &err), -CS_E_INPUT);
	assert_null(rec);
	/* stray files are neither records nor counted */
	free(path);
	path = cs_asprintf("%s/README", dir);
	write_file(path, "x", 1);
	tmp = cs_asprintf("%s/.%s.abcdef", dir, KEY);
	write_file(tmp, "partial", 7);
	assert_int_equal(cs_layer_cache_stat(c, &st, &err), 0);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.temp_files, 1);
	assert_int_equal(st.temp_bytes, 7);

	/* prune: the least recently used goes first; fresh temp files stay */
	free(path);
	path = cs_asprintf("%s/%s", dir, KEY2);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
	assert_int_equal(cs_layer_cache_prune(c, b.len, &st, &err), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.temp_files, 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(cs_layer_cache_load(c, KEY, &lim, &rec, &err), 0);
	cs_layer_record_free(rec);
	rec = NULL;
	/* clean: everything of ours, nothing else */
	assert_int_equal(cs_layer_cache_prune(c, 0, &st, &err), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.temp_files, 1);
	assert_int_equal(cs_layer_cache_stat(c, &st, &err), 0);
	assert_int_equal(st.records + st.temp_files, 0);
	free(path);
	path = cs_asprintf("%s/README", dir);
	assert_int_equal(access(path, F_OK), 0);

	unlink(path);
	free(path);
	free(tmp);
	rmdir(dir);
	path = cs_asprintf("%s/a/b", tmpl);
	rmdir(path);
	free(path);
	path = cs_asprintf("%s/a", tmpl);
	rmdir(path);
	free(path);
	rmdir(tmpl);
	cs_layer_cache_free(c);
	cs_buf_done(&b);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_corruption),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_header_and_trailer),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_replay_missing_content),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
