/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer reading: tars built here with libarchive's writer (ustar, pax, GNU),
 * hostile names, whiteouts, links, limits, digests, truncation; and the
 * directory walk on a temporary tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "basic/buf.h"
#include "basic/hash.h"
#include "basic/stream.h"
#include "image/layer.h"

/* --- building tars in memory --- */

struct tarb {
	struct archive *a;
	uint8_t *buf;
	size_t cap, used;
};

static void tar_begin(struct tarb *t, int format)
{
	t->cap = 8 << 20;
	t->buf = malloc(t->cap);
	assert_non_null(t->buf);
	t->a = archive_write_new();
	assert_int_equal(archive_write_set_format(t->a, format), ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_in_last_block(t->a, 1), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(t->a, t->buf, t->cap, &t->used), ARCHIVE_OK);
}

static struct archive_entry *new_entry(const char *path, unsigned type, unsigned mode)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode);
	archive_entry_set_uid(e, 1000);
	archive_entry_set_gid(e, 100);
	archive_entry_set_uname(e, "user");
	archive_entry_set_gname(e, "users");
	archive_entry_set_mtime(e, 1700000000, 0);
	return e;
}

static void tar_write(struct tarb *t, struct archive_entry *e, const void *data, size_t n)
{
	assert_int_equal(archive_write_header(t->a, e), ARCHIVE_OK);
	if (n)
		assert_int_equal(archive_write_data(t->a, data, n), (la_ssize_t)n);
	archive_entry_free(e);
}

static void tar_file(struct tarb *t, const char *path, const char *content)
{
	struct archive_entry *e = new_entry(path, AE_IFREG, 0644);
	size_t n = content ? strlen(content) : 0;

	archive_entry_set_size(e, (la_int64_t)n);
	tar_write(t, e, content, n);
}

static void tar_dir(struct tarb *t, const char *path)
{
	tar_write(t, new_entry(path, AE_IFDIR, 0755), NULL, 0);
}

static void tar_symlink(struct tarb *t, const char *path, const char *target)
{
	struct archive_entry *e = new_entry(path, AE_IFLNK, 0777);

	archive_entry_set_symlink(e, target);
	tar_write(t, e, NULL, 0);
}

static void tar_hardlink(struct tarb *t, const char *path, const char *target)
{
	struct archive_entry *e = new_entry(path, AE_IFREG, 0644);

	archive_entry_set_hardlink(e, target);
	archive_entry_set_size(e, 0);
	tar_write(t, e, NULL, 0);
}

static size_t tar_end(struct tarb *t)
{
	assert_int_equal(archive_write_close(t->a), ARCHIVE_OK);
	archive_write_free(t->a);
	return t->used;
}

/* --- a walker that logs what it sees --- */

struct rec {
	struct cs_buf log;
	bool want_all;
	const char *want; /* only this path's content, if set */
	uint64_t data_bytes, chunks;
	struct cs_buf content;
	unsigned begins, ends;
};

static int rec_begin(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct rec *r = ud;

	(void)l;
	(void)err;
	r->begins++;
	return 0;
}

static int rec_end(void *ud, const struct cs_layer_info *l, struct cs_error *err)
{
	struct rec *r = ud;

	(void)err;
	assert_true(l->walked);
	r->ends++;
	return 0;
}

static int rec_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct rec *r = ud;

	(void)err;
	cs_buf_printf(&r->log, "%s %s", cs_entry_type_name(e->type), e->path);
	if (e->link)
		cs_buf_printf(&r->log, " -> %s", e->link);
	if (e->type == CS_ENTRY_REG)
		cs_buf_printf(&r->log, " %llu", (unsigned long long)e->size);
	if (e->has_caps)
		cs_buf_puts(&r->log, " caps");
	if (e->sparse)
		cs_buf_puts(&r->log, " sparse");
	cs_buf_putc(&r->log, '\n');
	r->data_bytes = 0;
	return r->want_all || (r->want && strcmp(r->want, e->path) == 0);
}

static int rec_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		    struct cs_error *err)
{
	struct rec *r = ud;

	(void)e;
	(void)err;
	assert_true(n > 0);
	r->data_bytes += n;
	r->chunks++;
	return cs_buf_append(&r->content, p, n) < 0 ? -CS_E_LIMIT : 0;
}

static int rec_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct rec *r = ud;

	(void)err;
	cs_buf_printf(&r->log, "end %s %llu\n", e->path, (unsigned long long)r->data_bytes);
	return 0;
}

static void rec_init(struct rec *r, struct cs_walker *w)
{
	memset(r, 0, sizeof(*r));
	cs_buf_init(&r->log, 1 << 20);
	cs_buf_init(&r->content, 64 << 20);
	cs_buf_append(&r->log, "", 0);
	*w = (struct cs_walker){ r, rec_begin, rec_entry, rec_data, rec_data_end, rec_end };
}

static void rec_done(struct rec *r)
{
	cs_buf_done(&r->log);
	cs_buf_done(&r->content);
}

static int read_layer(const void *p, size_t n, struct cs_layer_info *info,
		      const struct cs_limits *lim, struct cs_walk_budget *budget, struct rec *r,
		      struct cs_error *err)
{
	struct cs_walk_budget local = { 0 };
	struct cs_limits deflim;
	struct cs_stream *s = NULL;
	struct cs_walker w;
	struct rec tmp;

	if (!lim) {
		cs_limits_default(&deflim);
		lim = &deflim;
	}
	assert_int_equal(cs_stream_from_mem(p, n, &s), 0);
	if (!r) {
		rec_init(&tmp, &w);
		r = &tmp;
		r->want_all = true;
	} else {
		struct rec save = *r;

		rec_done(r);
		rec_init(r, &w);
		r->want_all = save.want_all;
		r->want = save.want;
	}
	{
		int ret = cs_layer_read(s, info, lim, budget ? budget : &local, &w, 1, NULL, err);

		if (r == &tmp)
			rec_done(&tmp);
		return ret;
	}
}

static void info_init(struct cs_layer_info *info, unsigned index)
{
	memset(info, 0, sizeof(*info));
	info->index = index;
	info->compressed_size = -1;
}

/* --- tests --- */

static void build_basic(struct tarb *t, int format)
{
	tar_begin(t, format);
	tar_dir(t, "./");
	tar_dir(t, "./etc/");
	tar_file(t, "./etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	tar_symlink(t, "./etc/localtime", "../../../usr/share/zoneinfo/UTC");
	tar_dir(t, "usr");
	tar_file(t, "usr/empty", "");
	tar_hardlink(t, "usr/passwd-link", "./etc/../etc/passwd");
	{
		struct archive_entry *e = new_entry("dev/null", AE_IFCHR, 0666);

		archive_entry_set_rdevmajor(e, 1);
		archive_entry_set_rdevminor(e, 3);
		tar_write(t, e, NULL, 0);
	}
	tar_write(t, new_entry("run/fifo", AE_IFIFO, 0600), NULL, 0);
}

static const char basic_log[] = "dir \n"
				"dir etc\n"
				"file etc/passwd 26\n"
				"end etc/passwd 26\n"
				"symlink etc/localtime -> ../../../usr/share/zoneinfo/UTC\n"
				"dir usr\n"
				"file usr/empty 0\n"
				"end usr/empty 0\n"
				"hardlink usr/passwd-link -> etc/passwd\n"
				"chardev dev/null\n"
				"fifo run/fifo\n";

static void test_ustar_basic(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	char digest[CS_DIGEST_STR_MAX];
	struct tarb t;
	struct rec r = { .want_all = true };
	size_t n;

	(void)state;
	build_basic(&t, ARCHIVE_FORMAT_TAR_USTAR);
	n = tar_end(&t);
	assert_int_equal(cs_sha256_digest(t.buf, n, digest), 0);

	info_init(&info, 0);
	info.digest = digest;
	info.diff_id = digest;
	info.compressed_size = (int64_t)n;
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, &r, &err), 0);
	assert_string_equal(r.log.data, basic_log);
	assert_int_equal(r.begins, 1);
	assert_int_equal(r.ends, 1);
	assert_int_equal(r.content.len, 26);
	assert_memory_equal(r.content.data, "root:x:0:0::/root:/bin/sh\n", 26);
	assert_string_equal(info.compression, "none");
	assert_string_equal(info.computed_digest, digest);
	assert_string_equal(info.computed_diff_id, digest);
	assert_int_equal(info.uncompressed_size, n);
	assert_int_equal(info.entries, 9);
	assert_int_equal(info.files, 6);
	rec_done(&r);
	free(t.buf);
}

static void test_entry_fields(void **state)
{
	struct cs_entry e = { .type = CS_ENTRY_REG, .mode = 04755 };
	char buf[11];

	(void)state;
	assert_string_equal(cs_entry_mode_string(&e, buf), "-rwsr-xr-x");
	e.type = CS_ENTRY_DIR;
	e.mode = 01777;
	assert_string_equal(cs_entry_mode_string(&e, buf), "drwxrwxrwt");
	e.type = CS_ENTRY_SYMLINK;
	e.mode = 02640;
	assert_string_equal(cs_entry_mode_string(&e, buf), "lrw-r-S---");
	assert_string_equal(cs_entry_type_name(CS_ENTRY_WHITEOUT), "whiteout");
	assert_string_equal(cs_entry_type_name(CS_ENTRY_OPAQUE), "opaque");
}

static size_t gzip_buf(const void *in, size_t n, uint8_t **ret)
{
	size_t cap = n + n / 2 + 1024;
	uint8_t *out = malloc(cap);
	z_stream z;

	assert_non_null(out);
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	*ret = out;
	return cap - z.avail_out;
}

static void test_compressed_layers(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	char digest[CS_DIGEST_STR_MAX], diff_id[CS_DIGEST_STR_MAX];
	struct tarb t;
	struct rec r = { .want_all = true };
	uint8_t *gz, *zs;
	size_t n, gn, zn;

	(void)state;
	build_basic(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	n = tar_end(&t);
	assert_int_equal(cs_sha256_digest(t.buf, n, diff_id), 0);

	gn = gzip_buf(t.buf, n, &gz);
	assert_int_equal(cs_sha256_digest(gz, gn, digest), 0);
	info_init(&info, 1);
	info.digest = digest;
	info.diff_id = diff_id;
	info.compressed_size = (int64_t)gn;
	assert_int_equal(read_layer(gz, gn, &info, NULL, NULL, &r, &err), 0);
	assert_string_equal(r.log.data, basic_log);
	assert_string_equal(info.compression, "gzip");
	assert_string_equal(info.computed_digest, digest);
	assert_string_equal(info.computed_diff_id, diff_id);

	/* truncated gzip: the error names the layer */
	info_init(&info, 2);
	assert_int_equal(cs_sha256_digest(gz, gn - 9, digest), 0);
	info.digest = digest;
	assert_int_equal(read_layer(gz, gn - 9, &info, NULL, NULL, NULL, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "truncated gzip stream"));
	assert_int_equal(strncmp(err.msg, "layer 2 'sha256:", 16), 0);
	assert_non_null(strstr(err.msg, "\xe2\x80\xa6'"));

	zs = malloc(ZSTD_compressBound(n));
	assert_non_null(zs);
	zn = ZSTD_compress(zs, ZSTD_compressBound(n), t.buf, n, 3);
	assert_false(ZSTD_isError(zn));
	info_init(&info, 1);
	info.diff_id = diff_id;
	assert_int_equal(read_layer(zs, zn, &info, NULL, NULL, &r, &err), 0);
	assert_string_equal(r.log.data, basic_log);
	assert_string_equal(info.compression, "zstd");
	assert_string_equal(info.computed_diff_id, diff_id);
	rec_done(&r);
	free(zs);
	free(gz);
	free(t.buf);
}

static void test_long_names(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	char name[301], target[260], want[1024];
	int formats[] = { ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FORMAT_TAR_GNUTAR };

	(void)state;
	memset(name, 'n', 300);
	name[0] = 'd';
	name[1] = '/';
	name[300] = '\0';
	memset(target, 't', 259);
	target[259] = '\0';
	for (size_t i = 0; i < 2; i++) {
		struct rec r = { .want_all = true };
		struct tarb t;
		size_t n;

		tar_begin(&t, formats[i]);
		tar_file(&t, name, "long");
		tar_symlink(&t, "d/link", target);
		n = tar_end(&t);
		info_init(&info, 0);
		assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, &r, &err), 0);
		snprintf(want, sizeof(want), "file %s 4\nend %s 4\nsymlink d/link -> %s\n", name,
			 name, target);
		assert_string_equal(r.log.data, want);
		rec_done(&r);
		free(t.buf);
	}
}

static void test_non_ascii_names(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	struct rec r = { 0 };
	struct tarb t;
	size_t n;

	(void)state;
	/* written as UTF-8 in a pax header, read back in the C locale */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_file(&t, "usr/share/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt", "x");
	n = tar_end(&t);
	setlocale(LC_CTYPE, "C");
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, &r, &err), 0);
	assert_string_equal(r.log.data,
			    "file usr/share/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt 1\n");
	rec_done(&r);
	free(t.buf);
}

static void expect_layer_error(struct tarb *t, const struct cs_limits *lim, int code,
			       const char *pattern)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	size_t n = tar_end(t);

	info_init(&info, 3);
	assert_int_equal(read_layer(t->buf, n, &info, lim, NULL, NULL, &err), code);
	if (!strstr(err.msg, pattern))
		fail_msg("error '%s' lacks '%s'", err.msg, pattern);
	assert_int_equal(strncmp(err.msg, "layer 3: ", 9), 0);
	free(t->buf);
}

static void test_hostile_names(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	struct rec r = { 0 };
	struct tarb t;
	size_t n;

	(void)state;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	tar_file(&t, "ok", "x");
	tar_file(&t, "../../etc/x", "evil");
	expect_layer_error(&t, NULL, -CS_E_INPUT, "path '../../etc/x' escapes the root");

	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_file(&t, "a/b/../../../x", "evil");
	expect_layer_error(&t, NULL, -CS_E_INPUT, "escapes the root");

	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	tar_hardlink(&t, "etc/shadow", "../../../etc/shadow");
	expect_layer_error(&t, NULL, -CS_E_INPUT,
			   "hardlink 'etc/shadow' -> '../../../etc/shadow' escapes the root");

	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	tar_file(&t, "a/.wh..", "");
	expect_layer_error(&t, NULL, -CS_E_INPUT, "invalid whiteout 'a/.wh..'");

	/* absolute and dotted names are taken relative to the root */
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	tar_file(&t, "/etc/abs", "x");
	tar_file(&t, "./a//./b/../c", "y");
	tar_hardlink(&t, "/h", "/etc/abs");
	tar_symlink(&t, "s", "/../../../../etc/shadow");
	n = tar_end(&t);
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, &r, &err), 0);
	assert_string_equal(r.log.data, "file etc/abs 1\n"
					"file a/c 1\n"
					"hardlink h -> etc/abs\n"
					"symlink s -> /../../../../etc/shadow\n");
	rec_done(&r);
	free(t.buf);
}

static void test_whiteouts(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	struct rec r = { 0 };
	struct tarb t;
	size_t n;

	(void)state;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_dir(&t, "a");
	tar_file(&t, "a/.wh.b", "");
	tar_file(&t, "a/.wh..wh..opq", "");
	tar_file(&t, ".wh.top", "");
	tar_file(&t, ".wh..wh..opq", "");
	tar_dir(&t, ".wh..wh.plnk");
	tar_file(&t, ".wh..wh.plnk/1234.5678", "hidden");
	tar_file(&t, ".wh..wh.aufs", "");
	tar_file(&t, "x/.wh..wh.orph", "");
	tar_file(&t, "a/.wh.with space", "");
	n = tar_end(&t);
	info_init(&info, 4);
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, &r, &err), 0);
	assert_string_equal(r.log.data, "dir a\n"
					"whiteout a/b\n"
					"opaque a\n"
					"whiteout top\n"
					"opaque \n"
					"whiteout a/with space\n");
	assert_int_equal(info.entries, 10);
	assert_int_equal(info.files, 0);
	rec_done(&r);
	free(t.buf);
}

static void test_content_chunks(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	struct rec r = { .want = "big" };
	size_t big = 3 * 1024 * 1024 + 17, n;
	char *data = malloc(big + 1);
	struct tarb t;
	struct archive_entry *e;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)('a' + i % 23);
	data[big] = '\0';
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	tar_file(&t, "small", "not wanted");
	e = new_entry("big", AE_IFREG, 0755);
	archive_entry_set_size(e, (la_int64_t)big);
	tar_write(&t, e, data, big);
	tar_file(&t, "after", "not wanted either");
	n = tar_end(&t);
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, &r, &err), 0);
	assert_int_equal(r.content.len, big);
	assert_true(r.chunks >= 3);
	assert_memory_equal(r.content.data, data, big);
	assert_non_null(strstr(r.log.data, "end big 3145745\nfile after 17\n"));
	assert_null(strstr(r.log.data, "end small"));
	rec_done(&r);
	free(t.buf);
	free(data);
}

static void test_sparse_and_caps(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	struct rec r = { .want_all = true };
	size_t size = 1 << 20, n;
	char *data = calloc(1, size);
	struct archive_entry *e;
	struct tarb t;

	(void)state;
	assert_non_null(data);
	memset(data, 'A', 4096);
	memset(data + 512 * 1024, 'B', 4096);
	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	e = new_entry("sparse", AE_IFREG, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_sparse_add_entry(e, 0, 4096);
	archive_entry_sparse_add_entry(e, 512 * 1024, 4096);
	tar_write(&t, e, data, size);
	e = new_entry("usr/bin/ping", AE_IFREG, 0755);
	archive_entry_xattr_add_entry(e, "security.capability", "\x01\x00\x00\x02 caps", 10);
	archive_entry_set_size(e, 4);
	tar_write(&t, e, "ping", 4);
	n = tar_end(&t);
	/* holes are not stored */
	assert_true(n < 64 * 1024);
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, &r, &err), 0);
	assert_string_equal(r.log.data, "file sparse 1048576 sparse\n"
					"end sparse 1048576\n"
					"file usr/bin/ping 4 caps\n"
					"end usr/bin/ping 4\n");
	assert_int_equal(r.content.len, size + 4);
	assert_memory_equal(r.content.data, data, size);
	rec_done(&r);
	free(t.buf);
	free(data);
}

static void test_limits(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walk_budget budget = { 0 };
	struct cs_layer_info info;
	struct cs_limits lim;
	struct tarb t;
	char big[5000];
	size_t n;

	(void)state;
	cs_limits_default(&lim);
	lim.max_entries = 3;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	for (int i = 0; i < 5; i++)
		tar_file(&t, i % 2 ? "a" : "b", "x");
	expect_layer_error(&t, &lim, -CS_E_LIMIT, "more than the limit of 3 entries");

	cs_limits_default(&lim);
	lim.max_path = 50;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_file(&t, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x");
	expect_layer_error(&t, &lim, -CS_E_LIMIT, "longer than the limit of 50 bytes");

	cs_limits_default(&lim);
	lim.max_file_size = 10;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	tar_file(&t, "f", "0123456789abc");
	expect_layer_error(&t, &lim, -CS_E_LIMIT, "file 'f' is larger than the limit of 10 bytes");

	cs_limits_default(&lim);
	lim.max_layer_size = 4096;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tar_file(&t, "f", big);
	expect_layer_error(&t, &lim, -CS_E_LIMIT, "uncompressed layer is larger than the limit");

	cs_limits_default(&lim);
	lim.max_metadata_size = 1000;
	tar_begin(&t, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	{
		struct archive_entry *e = new_entry("meta", AE_IFREG, 0644);

		archive_entry_xattr_add_entry(e, "user.big", big, 2000);
		tar_write(&t, e, NULL, 0);
	}
	expect_layer_error(&t, &lim, -CS_E_LIMIT, "metadata of 'meta' is larger than the limit");

	/* the total size is counted over all layers of the image */
	cs_limits_default(&lim);
	tar_begin(&t, ARCHIVE_FORMAT_TAR_USTAR);
	tar_file(&t, "f", big);
	n = tar_end(&t);
	lim.max_total_size = n + n / 2;
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, n, &info, &lim, &budget, NULL, &err), 0);
	info_init(&info, 1);
	assert_int_equal(read_layer(t.buf, n, &info, &lim, &budget, NULL, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "image is larger than the limit"));
	free(t.buf);
}

static void test_digests(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	char digest[CS_DIGEST_STR_MAX], other[CS_DIGEST_STR_MAX];
	struct tarb t;
	uint8_t *gz;
	size_t n, gn;

	(void)state;
	build_basic(&t, ARCHIVE_FORMAT_TAR_USTAR);
	n = tar_end(&t);
	gn = gzip_buf(t.buf, n, &gz);
	assert_int_equal(cs_sha256_digest(gz, gn, digest), 0);
	assert_int_equal(cs_sha256_digest("other", 5, other), 0);

	info_init(&info, 1);
	info.digest = other;
	assert_int_equal(read_layer(gz, gn, &info, NULL, NULL, NULL, &err), -CS_E_DIGEST);
	assert_non_null(strstr(err.msg, "blob does not match its digest: got sha256:"));
	assert_int_equal(strncmp(err.msg, "layer 1 'sha256:", 16), 0);
	assert_false(info.walked);

	info_init(&info, 1);
	info.digest = digest;
	info.diff_id = other;
	assert_int_equal(read_layer(gz, gn, &info, NULL, NULL, NULL, &err), -CS_E_DIGEST);
	assert_non_null(strstr(err.msg, "does not match the diff_id"));

	/* uncompressed: the diff_id is the blob digest, computed once */
	info_init(&info, 1);
	assert_int_equal(cs_sha256_digest(t.buf, n, digest), 0);
	info.digest = digest;
	info.diff_id = other;
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, NULL, &err), -CS_E_DIGEST);
	assert_non_null(strstr(err.msg, "does not match the diff_id"));
	info_init(&info, 1);
	info.diff_id = digest;
	assert_int_equal(read_layer(t.buf, n, &info, NULL, NULL, NULL, &err), 0);
	assert_string_equal(info.computed_diff_id, digest);
	assert_string_equal(info.computed_digest, digest);
	assert_int_equal(cs_sha256_digest(gz, gn, digest), 0);

	/* a declared size that is wrong */
	info_init(&info, 1);
	info.compressed_size = (int64_t)gn + 1;
	assert_int_equal(read_layer(gz, gn, &info, NULL, NULL, NULL, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "truncated"));

	/* a malformed digest */
	info_init(&info, 1);
	info.digest = "sha256:zz";
	assert_true(read_layer(gz, gn, &info, NULL, NULL, NULL, &err) < 0);
	free(gz);
	free(t.buf);
}

static void test_truncated_and_trailing(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_layer_info info;
	char digest[CS_DIGEST_STR_MAX];
	struct tarb t;
	uint8_t *buf;
	size_t n;

	(void)state;
	build_basic(&t, ARCHIVE_FORMAT_TAR_USTAR);
	n = tar_end(&t);

	/* cut inside a file's data or a header */
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, 1024 + 100, &info, NULL, NULL, NULL, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "corrupt tar archive"));
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, 1024 + 512 + 200, &info, NULL, NULL, NULL, &err),
			 -CS_E_INPUT);

	/* the archive ends at a header boundary without its end marker: fine */
	info_init(&info, 0);
	assert_int_equal(read_layer(t.buf, 512 * 5, &info, NULL, NULL, NULL, &err), 0);
	assert_int_equal(info.entries, 4);

	/* trailing bytes after the end marker: fine, and digested */
	buf = malloc(n + 3000);
	assert_non_null(buf);
	memcpy(buf, t.buf, n);
	memset(buf + n, 'G', 3000);
	assert_int_equal(cs_sha256_digest(buf, n + 3000, digest), 0);
	info_init(&info, 0);
	info.digest = digest;
	info.diff_id = digest;
	assert_int_equal(read_layer(buf, n + 3000, &info, NULL, NULL, NULL, &err), 0);
	assert_string_equal(info.computed_diff_id, digest);
	assert_int_equal(info.uncompressed_size, n + 3000);

	/* not a tar at all */
	info_init(&info, 0);
	assert_int_equal(read_layer("this is not a tar archive, not even close............", 52,
				    &info, NULL, NULL, NULL, &err),
			 -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "corrupt tar archive"));

	/* an empty blob is an empty layer */
	info_init(&info, 0);
	assert_int_equal(read_layer("", 0, &info, NULL, NULL, NULL, &err), 0);
	assert_int_equal(info.entries, 0);

	/* xz is recognised and refused clearly */
	info_init(&info, 0);
	assert_int_equal(read_layer("\xfd"
				    "7zXZ\0\0\0\0\0\0\0",
				    12, &info, NULL, NULL, NULL, &err),
			 -CS_E_UNSUPPORTED);
	free(buf);
	free(t.buf);
}

static int failing_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	(void)ud;
	if (strcmp(e->path, "usr") == 0)
		return cs_error_set(err, -CS_E_INTERNAL, "walker gave up on '%s'", e->path);
	return 0;
}

static void test_walker_error(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walk_budget budget = { 0 };
	struct cs_walker w = { .entry = failing_entry };
	struct cs_layer_info info;
	struct cs_limits lim;
	struct cs_stream *s;
	struct tarb t;
	size_t n;

	(void)state;
	build_basic(&t, ARCHIVE_FORMAT_TAR_USTAR);
	n = tar_end(&t);
	cs_limits_default(&lim);
	info_init(&info, 5);
	assert_int_equal(cs_stream_from_mem(t.buf, n, &s), 0);
	assert_int_equal(cs_layer_read(s, &info, &lim, &budget, &w, 1, NULL, &err), -CS_E_INTERNAL);
	assert_string_equal(err.msg, "layer 5: walker gave up on 'usr'");
	/* NULL err is allowed */
	assert_int_equal(cs_stream_from_mem(t.buf, n, &s), 0);
	assert_int_equal(cs_layer_read(s, &info, &lim, &budget, &w, 1, NULL, NULL), -CS_E_INTERNAL);
	free(t.buf);
}

/* --- directory walk --- */

static void write_file(int dfd, const char *name, const char *content)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static void test_dir_walk(void **state)
{
	char tmpl[] = "/tmp/cs-dirwalk-XXXXXX";
	char outside[600], cmd[1300];
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walk_budget budget = { 0 };
	struct cs_layer_info info;
	struct cs_limits lim;
	struct cs_walker w;
	struct rec r;
	int root, top;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	top = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(top >= 0);
	/* the root, and a secret next to it that must stay unread */
	assert_int_equal(mkdirat(top, "root", 0755), 0);
	write_file(top, "secret", "outside secret\n");
	root = openat(top, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(root >= 0);
	{
		int d = openat(top, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		assert_int_equal(mkdirat(d, "etc", 0755), 0);
		assert_int_equal(mkdirat(d, "b", 0700), 0);
		write_file(d, "etc/passwd", "root:x:0:0\n");
		write_file(d, "b/z", "zz");
		write_file(d, "a", "a");
		snprintf(outside, sizeof(outside), "%s/secret", tmpl);
		assert_int_equal(symlinkat(outside, d, "etc/abs-link"), 0);
		assert_int_equal(symlinkat("../../secret", d, "etc/rel-link"), 0);
		assert_int_equal(symlinkat("..", d, "up"), 0);
		assert_int_equal(linkat(d, "a", d, "a-hard", 0), 0);
		close(d);
	}
	cs_limits_default(&lim);
	info_init(&info, 0);
	rec_init(&r, &w);
	r.want_all = true;
	assert_int_equal(cs_dir_walk(root, &info, &lim, &budget, &w, 1, NULL, &err), 0);
	snprintf(cmd, sizeof(cmd),
		 "dir \n"
		 "file a 1\nend a 1\n"
		 "file a-hard 1\nend a-hard 1\n"
		 "dir b\n"
		 "file b/z 2\nend b/z 2\n"
		 "dir etc\n"
		 "symlink etc/abs-link -> %s\n"
		 "file etc/passwd 11\nend etc/passwd 11\n"
		 "symlink etc/rel-link -> ../../secret\n"
		 "symlink up -> ..\n",
		 outside);
	assert_string_equal(r.log.data, cmd);
	/* nothing from outside the root was read */
	assert_int_equal(r.content.len, 15);
	assert_null(memmem(r.content.data, r.content.len, "outside", 7));
	assert_int_equal(info.entries, 10);
	assert_int_equal(info.files, 7);
	assert_int_equal(r.begins, 1);
	assert_int_equal(r.ends, 1);
	rec_done(&r);

	/* limits apply as for layers */
	lim.max_entries = 4;
	memset(&budget, 0, sizeof(budget));
	info_init(&info, 0);
	rec_init(&r, &w);
	assert_int_equal(cs_dir_walk(root, &info, &lim, &budget, &w, 1, NULL, &err), -CS_E_LIMIT);
	rec_done(&r);

	close(root);
	close(top);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ustar_basic),
		cmocka_unit_test(test_entry_fields),
		cmocka_unit_test(test_compressed_layers),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_non_ascii_names),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_whiteouts),
		cmocka_unit_test(test_content_chunks),
		cmocka_unit_test(test_sparse_and_caps),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_walker_error),
		cmocka_unit_test(test_dir_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
