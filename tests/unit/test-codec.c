/* SPDX-License-Identifier: Apache-2.0 */
/* Layer codecs: gzip (ISA-L and zlib), zstd, truncation, corruption, bombs. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include "basic/buf.h"
#include "basic/stream.h"
#include "image/layer.h"

/* Half incompressible, half text: exercises both literal and match paths. */
static uint8_t *make_data(size_t n)
{
	uint8_t *p = malloc(n);
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		if ((i / 4096) % 2) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[i] = (uint8_t)x;
		} else {
			p[i] = "the quick brown fox jumps over the lazy dog\n"[i % 44];
		}
	}
	return p;
}

static size_t gzip_into(const void *in, size_t n, uint8_t *out, size_t cap, int level)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	deflateEnd(&z);
	return cap - z.avail_out;
}

/* Decompress (p, n) with codec c; returns the error code, output in out. */
static int decompress(const void *p, size_t n, enum cs_compression c, const struct cs_limits *lim,
		      struct cs_buf *out, struct cs_error *err)
{
	struct cs_stream *s = NULL, *d = NULL;
	int r;

	assert_int_equal(cs_stream_from_mem(p, n, &s), 0);
	r = cs_decompress_new(s, c, lim, &d, err);
	if (r < 0)
		return r;
	r = cs_stream_read_all(d, out, err);
	cs_stream_free(d);
	return r;
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(cs_compression_detect("\x1f\x8b\x08\x00", 4), CS_COMPRESSION_GZIP);
	assert_int_equal(cs_compression_detect("\x28\xb5\x2f\xfd", 4), CS_COMPRESSION_ZSTD);
	assert_int_equal(cs_compression_detect("\x50\x2a\x4d\x18", 4), CS_COMPRESSION_ZSTD);
	assert_int_equal(cs_compression_detect("usr/", 4), CS_COMPRESSION_NONE);
	assert_int_equal(cs_compression_detect("\x1f", 1), CS_COMPRESSION_NONE);
	assert_int_equal(cs_compression_detect("", 0), CS_COMPRESSION_NONE);
	assert_string_equal(cs_compression_name(CS_COMPRESSION_GZIP), "gzip");
	assert_string_equal(cs_compression_name(CS_COMPRESSION_ZSTD), "zstd");
	assert_string_equal(cs_compression_name(CS_COMPRESSION_NONE), "none");
}

static void check_gzip_multi(void)
{
	size_t n = 3 << 20, cap = n + (1 << 20), a, b;
	uint8_t *data = make_data(n), *gz = malloc(cap + 64);
	struct cs_buf out = CS_BUF_INIT(64 << 20);
	struct cs_error err = CS_ERROR_INIT;

	assert_non_null(gz);
	/* three members: two halves, and an empty one */
	a = gzip_into(data, n / 2, gz, cap, 6);
	b = gzip_into(data + n / 2, n - n / 2, gz + a, cap - a, 1);
	b += gzip_into("", 0, gz + a + b, cap - a - b, 9);
	memset(gz + a + b, 0, 64); /* zero padding after the last member is fine */
	assert_int_equal(decompress(gz, a + b + 64, CS_COMPRESSION_GZIP, NULL, &out, &err), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, data, n);

	/* garbage after a member is not */
	cs_buf_reset(&out);
	memcpy(gz + a + b, "garbage!", 8);
	assert_int_equal(decompress(gz, a + b + 8, CS_COMPRESSION_GZIP, NULL, &out, &err),
			 -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "gzip stream"));
	cs_buf_done(&out);
	free(gz);
	free(data);
}

static void test_gzip_multi_member(void **state)
{
	(void)state;
	unsetenv("CUSTOMS_INFLATE");
	check_gzip_multi();
	setenv("CUSTOMS_INFLATE", "zlib", 1);
	check_gzip_multi();
	unsetenv("CUSTOMS_INFLATE");
}

static void test_zlib_and_isal_agree(void **state)
{
	size_t n = 5 << 20, cap = n + (1 << 20), z;
	uint8_t *data = make_data(n), *gz = malloc(cap);
	struct cs_buf a = CS_BUF_INIT(64 << 20), b = CS_BUF_INIT(64 << 20);
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_non_null(gz);
	z = gzip_into(data, n, gz, cap, 6);
	unsetenv("CUSTOMS_INFLATE");
	assert_int_equal(decompress(gz, z, CS_COMPRESSION_GZIP, NULL, &a, &err), 0);
	setenv("CUSTOMS_INFLATE", "zlib", 1);
	assert_int_equal(decompress(gz, z, CS_COMPRESSION_GZIP, NULL, &b, &err), 0);
	unsetenv("CUSTOMS_INFLATE");
	assert_int_equal(a.len, n);
	assert_int_equal(b.len, n);
	assert_memory_equal(a.data, b.data, n);
	assert_memory_equal(a.data, data, n);
	cs_buf_done(&a);
	cs_buf_done(&b);
	free(gz);
	free(data);
}

static void check_gzip_truncated_corrupt(void)
{
	size_t n = 1 << 20, cap = n + 4096, z;
	uint8_t *data = make_data(n), *gz = malloc(cap);
	struct cs_buf out = CS_BUF_INIT(64 << 20);
	struct cs_error err = CS_ERROR_INIT;

	assert_non_null(gz);
	z = gzip_into(data, n, gz, cap, 6);
	/* cut anywhere: always an error, never short content */
	for (size_t cut = 1; cut < z; cut += z / 7 + 1) {
		cs_buf_reset(&out);
		cs_error_clear(&err);
		assert_int_equal(decompress(gz, cut, CS_COMPRESSION_GZIP, NULL, &out, &err),
				 -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "gzip stream"));
	}
	cs_buf_reset(&out);
	assert_int_equal(decompress(gz, z - 3, CS_COMPRESSION_GZIP, NULL, &out, &err), -CS_E_INPUT);
	assert_string_equal(err.msg, "truncated gzip stream");
	/* a flipped byte in the trailer: checksum */
	cs_buf_reset(&out);
	gz[z - 6] ^= 0x55;
	assert_int_equal(decompress(gz, z, CS_COMPRESSION_GZIP, NULL, &out, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "corrupt gzip stream"));
	gz[z - 6] ^= 0x55;
	/* a bad block type in the first deflate block header */
	cs_buf_reset(&out);
	gz[10] |= 0x06;
	assert_int_equal(decompress(gz, z, CS_COMPRESSION_GZIP, NULL, &out, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "corrupt gzip stream"));
	cs_buf_done(&out);
	free(gz);
	free(data);
}

static void test_gzip_truncated_corrupt(void **state)
{
	(void)state;
	unsetenv("CUSTOMS_INFLATE");
	check_gzip_truncated_corrupt();
	setenv("CUSTOMS_INFLATE", "zlib", 1);
	check_gzip_truncated_corrupt();
	unsetenv("CUSTOMS_INFLATE");
}

static void test_zstd(void **state)
{
	size_t n = 2 << 20, cap = ZSTD_compressBound(n) * 2, a, b;
	uint8_t *data = make_data(n), *zs = malloc(cap);
	struct cs_buf out = CS_BUF_INIT(64 << 20);
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_non_null(zs);
	/* two frames */
	a = ZSTD_compress(zs, cap, data, n / 3, 3);
	assert_false(ZSTD_isError(a));
	b = ZSTD_compress(zs + a, cap - a, data + n / 3, n - n / 3, 1);
	assert_false(ZSTD_isError(b));
	assert_int_equal(cs_compression_detect(zs, a + b), CS_COMPRESSION_ZSTD);
	assert_int_equal(decompress(zs, a + b, CS_COMPRESSION_ZSTD, NULL, &out, &err), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, data, n);

	cs_buf_reset(&out);
	assert_int_equal(decompress(zs, a + b - 5, CS_COMPRESSION_ZSTD, NULL, &out, &err),
			 -CS_E_INPUT);
	assert_string_equal(err.msg, "truncated zstd stream");

	cs_buf_reset(&out);
	zs[a + 2] ^= 0xff; /* the second frame's magic */
	assert_int_equal(decompress(zs, a + b, CS_COMPRESSION_ZSTD, NULL, &out, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "corrupt zstd stream: "));
	cs_buf_done(&out);
	free(zs);
	free(data);
}

static void test_bombs(void **state)
{
	size_t n = 16 << 20, cap = 1 << 20, z, zz;
	uint8_t *zeros = calloc(1, n), *gz = malloc(cap), *zs = malloc(cap);
	struct cs_buf out = CS_BUF_INIT(64 << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_limits lim;

	(void)state;
	assert_non_null(zeros);
	assert_non_null(gz);
	assert_non_null(zs);
	z = gzip_into(zeros, n, gz, cap, 9);
	zz = ZSTD_compress(zs, cap, zeros, n, 3);
	assert_false(ZSTD_isError(zz));

	/* output size */
	cs_limits_default(&lim);
	lim.max_layer_size = 1 << 20;
	assert_int_equal(decompress(gz, z, CS_COMPRESSION_GZIP, &lim, &out, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "layer size limit of 1048576 bytes"));
	cs_buf_reset(&out);
	assert_int_equal(decompress(zs, zz, CS_COMPRESSION_ZSTD, &lim, &out, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "zstd stream"));

	/* ratio, past the floor */
	cs_limits_default(&lim);
	lim.max_ratio = 50;
	lim.ratio_floor = 1 << 20;
	cs_buf_reset(&out);
	assert_int_equal(decompress(gz, z, CS_COMPRESSION_GZIP, &lim, &out, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "decompression bomb"));
	cs_buf_reset(&out);
	assert_int_equal(decompress(zs, zz, CS_COMPRESSION_ZSTD, &lim, &out, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "decompression bomb"));

	/* under the floor the ratio does not apply */
	lim.ratio_floor = 32 << 20;
	cs_buf_reset(&out);
	assert_int_equal(decompress(gz, z, CS_COMPRESSION_GZIP, &lim, &out, &err), 0);
	assert_int_equal(out.len, n);
	cs_buf_done(&out);
	free(zeros);
	free(gz);
	free(zs);
}

static void test_none_passthrough(void **state)
{
	struct cs_buf out = CS_BUF_INIT(1024);
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(decompress("plain", 5, CS_COMPRESSION_NONE, NULL, &out, &err), 0);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "plain", 5);
	cs_buf_done(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_gzip_multi_member),
		cmocka_unit_test(test_zlib_and_isal_agree),
		cmocka_unit_test(test_gzip_truncated_corrupt),
		cmocka_unit_test(test_zstd),
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_none_passthrough),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
