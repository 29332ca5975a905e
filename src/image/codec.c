/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer codecs: decompressing pull streams for gzip (ISA-L igzip when built
 * in, zlib otherwise) and zstd. Every decompressor enforces the bomb limits
 * (output size, output/input ratio) itself, so no caller can forget them.
 * Never trusts the input: a truncated or corrupt stream is an error, never
 * silently shortened content. Never prints.
 */
#include "config.h"

#include <string.h>
#include <zlib.h>
#include <zstd.h>
#if HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#include "basic/alloc.h"
#include "image/layer.h"

#define DEC_IN_SIZE (128 * 1024)

enum dec_backend {
	DEC_ISAL,
	DEC_ZLIB,
	DEC_ZSTD,
};

enum dec_state {
	DEC_IN_MEMBER, /* inside a gzip member or zstd frame */
	DEC_BETWEEN,   /* a member ended; more may follow */
};

struct dec {
	struct cs_stream *inner;
	enum dec_backend backend;
	enum dec_state state;
	const char *fmt; /* "gzip" or "zstd", for messages */
	uint64_t max_out, ratio_floor;
	uint32_t max_ratio;
	uint64_t in_total, out_total;
	uint8_t *in;
	size_t pos, avail;
	bool in_eof, done;
	union {
#if HAVE_ISAL
		struct inflate_state *isal;
#endif
		z_stream *z;
		ZSTD_DStream *zstd;
	} u;
};

const char *cs_compression_name(enum cs_compression c)
{
	switch (c) {
	case CS_COMPRESSION_GZIP:
		return "gzip";
	case CS_COMPRESSION_ZSTD:
		return "zstd";
	case CS_COMPRESSION_NONE:
		break;
	}
	return "none";
}

enum cs_compression cs_compression_detect(const void *p, size_t n)
{
	const uint8_t *b = p;

	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return CS_COMPRESSION_GZIP;
	if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
		return CS_COMPRESSION_ZSTD;
	/* a zstd skippable frame (magic 0x184D2A5?) may come first */
	if (n >= 4 && (b[0] & 0xf0) == 0x50 && b[1] == 0x2a && b[2] == 0x4d && b[3] == 0x18)
		return CS_COMPRESSION_ZSTD;
	return CS_COMPRESSION_NONE;
}

/*
 * One decompression step from the input window into out. Returns 1 when a
 * member (gzip) or frame (zstd) ended, 0 otherwise, <0 on corrupt input.
 */
#if HAVE_ISAL
static const char *isal_reason(int ret)
{
	switch (ret) {
	case ISAL_INVALID_BLOCK:
		return "invalid deflate block";
	case ISAL_INVALID_SYMBOL:
		return "invalid deflate symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid lookback distance";
	case ISAL_INVALID_WRAPPER:
		return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD:
		return "unsupported compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "checksum mismatch";
	case ISAL_NEED_DICT:
		return "preset dictionary required";
	}
	return "inflate failed";
}

static int step_isal(struct dec *c, uint8_t *out, size_t n, size_t *produced, struct cs_error *err)
{
	struct inflate_state *s = c->u.isal;
	size_t cap = CS_MIN(n, (size_t)UINT32_MAX);
	int ret;

	s->next_in = c->in + c->pos;
	s->avail_in = (uint32_t)c->avail;
	s->next_out = out;
	s->avail_out = (uint32_t)cap;
	ret = isal_inflate(s);
	c->pos += c->avail - s->avail_in;
	c->avail = s->avail_in;
	*produced = cap - s->avail_out;
	if (ret < 0 || ret == ISAL_NEED_DICT)
		return cs_error_set(err, -CS_E_INPUT, "corrupt gzip stream: %s", isal_reason(ret));
	return s->block_state == ISAL_BLOCK_FINISH ? 1 : 0;
}
#endif

static int step_zlib(struct dec *c, uint8_t *out, size_t n, size_t *produced, struct cs_error *err)
{
	z_stream *z = c->u.z;
	size_t cap = CS_MIN(n, (size_t)UINT_MAX);
	int ret;

	z->next_in = c->in + c->pos;
	z->avail_in = (uInt)c->avail;
	z->next_out = out;
	z->avail_out = (uInt)cap;
	ret = inflate(z, Z_NO_FLUSH);
	c->pos += c->avail - z->avail_in;
	c->avail = z->avail_in;
	*produced = cap - z->avail_out;
	if (ret == Z_STREAM_END)
		return 1;
	if (ret == Z_OK || ret == Z_BUF_ERROR)
		return 0;
	if (ret == Z_MEM_ERROR)
		return cs_error_errno(err, ENOMEM, "cannot inflate gzip stream");
	return cs_error_set(err, -CS_E_INPUT, "corrupt gzip stream: %s",
			    z->msg ? z->msg : "inflate failed");
}

static int step_zstd(struct dec *c, uint8_t *out, size_t n, size_t *produced, struct cs_error *err)
{
	ZSTD_inBuffer in = { c->in + c->pos, c->avail, 0 };
	ZSTD_outBuffer o = { out, n, 0 };
	size_t ret = ZSTD_decompressStream(c->u.zstd, &o, &in);

	c->pos += in.pos;
	c->avail -= in.pos;
	*produced = o.pos;
	if (ZSTD_isError(ret))
		return cs_error_set(err, -CS_E_INPUT, "corrupt zstd stream: %s",
				    ZSTD_getErrorName(ret));
	return ret == 0 ? 1 : 0;
}

static int dec_step(struct dec *c, uint8_t *out, size_t n, size_t *produced, struct cs_error *err)
{
	switch (c->backend) {
#if HAVE_ISAL
	case DEC_ISAL:
		return step_isal(c, out, n, produced, err);
#endif
	case DEC_ZLIB:
		return step_zlib(c, out, n, produced, err);
	case DEC_ZSTD:
		return step_zstd(c, out, n, produced, err);
	default:
		break;
	}
	return cs_error_set(err, -CS_E_INTERNAL, "no decompressor");
}

static int dec_restart(struct dec *c, struct cs_error *err)
{
	switch (c->backend) {
#if HAVE_ISAL
	case DEC_ISAL:
		isal_inflate_reset(c->u.isal);
		c->u.isal->crc_flag = ISAL_GZIP;
		return 0;
#endif
	case DEC_ZLIB:
		if (inflateReset(c->u.z) != Z_OK)
			return cs_error_set(err, -CS_E_INTERNAL, "cannot reset inflater");
		return 0;
	case DEC_ZSTD:
		return 0; /* ZSTD_decompressStream starts the next frame by itself */
	default:
		break;
	}
	return cs_error_set(err, -CS_E_INTERNAL, "no decompressor");
}

static int dec_refill(struct dec *c, struct cs_error *err)
{
	ssize_t r = cs_stream_read(c->inner, c->in, DEC_IN_SIZE, err);

	if (r < 0)
		return (int)r;
	if (r == 0) {
		c->in_eof = true;
		return 0;
	}
	c->pos = 0;
	c->avail = (size_t)r;
	c->in_total += (uint64_t)r;
	return 0;
}

static int dec_check_limits(struct dec *c, struct cs_error *err)
{
	if (c->out_total > c->max_out)
		return cs_error_set(
			err, -CS_E_LIMIT,
			"%s stream expands to more than the layer size limit of %llu bytes", c->fmt,
			(unsigned long long)c->max_out);
	if (c->max_ratio > 0 && c->out_total > c->ratio_floor && c->in_total > 0 &&
	    c->out_total / c->in_total > c->max_ratio)
		return cs_error_set(err, -CS_E_LIMIT,
				    "%s stream expands more than %u times (%llu bytes from %llu): "
				    "likely a decompression bomb",
				    c->fmt, c->max_ratio, (unsigned long long)c->out_total,
				    (unsigned long long)c->in_total);
	return 0;
}

static ssize_t dec_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct dec *c = ctx;
	uint8_t *out = buf;
	size_t got = 0;
	int r;

	if (c->done || n == 0)
		return 0;
	/* fill the caller's buffer: downstream parsers like large reads */
	while (got < n) {
		size_t produced = 0, before;

		if (c->avail == 0 && !c->in_eof) {
			r = dec_refill(c, err);
			if (r < 0)
				return r;
			continue;
		}
		if (c->state == DEC_BETWEEN) {
			/* zero padding after the last member is tolerated */
			while (c->avail > 0 && c->in[c->pos] == 0) {
				c->pos++;
				c->avail--;
			}
			if (c->avail == 0) {
				if (c->in_eof) {
					c->done = true;
					break;
				}
				continue;
			}
			r = dec_restart(c, err);
			if (r < 0)
				return r;
			c->state = DEC_IN_MEMBER;
		}
		before = c->avail;
		r = dec_step(c, out + got, n - got, &produced, err);
		if (r < 0)
			return r;
		got += produced;
		if (r == 1) {
			c->state = DEC_BETWEEN;
			continue;
		}
		if (produced == 0 && before == c->avail) {
			/* no progress with room to write: the input is used up */
			if (c->in_eof)
				return cs_error_set(err, -CS_E_INPUT, "truncated %s stream",
						    c->fmt);
			if (c->avail > 0)
				return cs_error_set(err, -CS_E_INPUT, "corrupt %s stream: stalled",
						    c->fmt);
		}
	}
	c->out_total += got;
	r = dec_check_limits(c, err);
	if (r < 0)
		return r;
	return (ssize_t)got;
}

static void dec_close(void *ctx)
{
	struct dec *c = ctx;

	cs_stream_free(c->inner);
	switch (c->backend) {
#if HAVE_ISAL
	case DEC_ISAL:
		free(c->u.isal);
		break;
#endif
	case DEC_ZLIB:
		if (c->u.z)
			inflateEnd(c->u.z);
		free(c->u.z);
		break;
	case DEC_ZSTD:
		ZSTD_freeDStream(c->u.zstd);
		break;
	default:
		break;
	}
	free(c->in);
	free(c);
}

static const struct cs_stream_ops dec_ops = { "decompress", dec_read, dec_close };

/* CUSTOMS_INFLATE=zlib forces zlib (to compare inflaters); isal is the default when built in. */
static bool want_zlib(void)
{
	const char *e = getenv("CUSTOMS_INFLATE");

	return !HAVE_ISAL || (e && strcmp(e, "zlib") == 0);
}

static int dec_init_backend(struct dec *c, enum cs_compression comp, struct cs_error *err)
{
	if (comp == CS_COMPRESSION_ZSTD) {
		c->backend = DEC_ZSTD;
		c->fmt = "zstd";
		c->u.zstd = ZSTD_createDStream();
		if (!c->u.zstd)
			return cs_error_errno(err, ENOMEM, "cannot create zstd decompressor");
		/* the default window cap (128 MiB) bounds memory on hostile frames */
		ZSTD_initDStream(c->u.zstd);
		return 0;
	}
	c->fmt = "gzip";
#if HAVE_ISAL
	if (!want_zlib()) {
		c->backend = DEC_ISAL;
		c->u.isal = cs_malloc(sizeof(*c->u.isal));
		if (!c->u.isal)
			return cs_error_errno(err, ENOMEM, "cannot create gzip decompressor");
		isal_inflate_init(c->u.isal);
		c->u.isal->crc_flag = ISAL_GZIP;
		return 0;
	}
#endif
	c->backend = DEC_ZLIB;
	c->u.z = cs_zalloc(sizeof(*c->u.z));
	if (!c->u.z)
		return cs_error_errno(err, ENOMEM, "cannot create gzip decompressor");
	if (inflateInit2(c->u.z, 16 + MAX_WBITS) != Z_OK) {
		free(c->u.z);
		c->u.z = NULL;
		return cs_error_errno(err, ENOMEM, "cannot create gzip decompressor");
	}
	return 0;
}

int cs_decompress_new(struct cs_stream *inner, enum cs_compression comp,
		      const struct cs_limits *lim, struct cs_stream **ret, struct cs_error *err)
{
	struct dec *c;
	int r;

	if (comp == CS_COMPRESSION_NONE) {
		*ret = inner;
		return 0;
	}
	if (comp != CS_COMPRESSION_GZIP && comp != CS_COMPRESSION_ZSTD) {
		cs_stream_free(inner);
		return cs_error_set(err, -CS_E_UNSUPPORTED, "unsupported compression %d",
				    (int)comp);
	}
	c = cs_zalloc(sizeof(*c));
	if (!c) {
		cs_stream_free(inner);
		return cs_error_errno(err, ENOMEM, "cannot create decompressor");
	}
	c->inner = inner;
	c->backend = DEC_ZLIB;
	c->state = DEC_IN_MEMBER;
	c->max_out = lim ? lim->max_layer_size : UINT64_MAX;
	c->max_ratio = lim ? lim->max_ratio : 0;
	c->ratio_floor = lim ? lim->ratio_floor : 0;
	c->in = cs_malloc(DEC_IN_SIZE);
	if (!c->in) {
		dec_close(c);
		return cs_error_errno(err, ENOMEM, "cannot create decompressor");
	}
	r = dec_init_backend(c, comp, err);
	if (r < 0) {
		dec_close(c);
		return r;
	}
	return cs_stream_new(&dec_ops, c, ret);
}
