/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <string.h>
#include "alloc.h"
#include "stream.h"

struct cs_stream {
	const struct cs_stream_ops *ops;
	void *ctx;
};

int cs_stream_new(const struct cs_stream_ops *ops, void *ctx, struct cs_stream **ret)
{
	struct cs_stream *s = cs_zalloc(sizeof(*s));

	if (!s) {
		if (ops->close)
			ops->close(ctx);
		return -ENOMEM;
	}
	s->ops = ops;
	s->ctx = ctx;
	*ret = s;
	return 0;
}

ssize_t cs_stream_read(struct cs_stream *s, void *buf, size_t n, struct cs_error *err)
{
	return s->ops->read(s->ctx, buf, n, err);
}

int cs_stream_read_full(struct cs_stream *s, void *buf, size_t n, struct cs_error *err)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = cs_stream_read(s, (char *)buf + got, n - got, err);

		if (r < 0)
			return (int)r;
		if (r == 0)
			return cs_error_set(err, -CS_E_INPUT, "unexpected end of data");
		got += (size_t)r;
	}
	return 0;
}

int cs_stream_read_all(struct cs_stream *s, struct cs_buf *out, struct cs_error *err)
{
	char tmp[65536];

	for (;;) {
		ssize_t r = cs_stream_read(s, tmp, sizeof(tmp), err);
		int q;

		if (r < 0)
			return (int)r;
		if (r == 0)
			return 0;
		q = cs_buf_append(out, tmp, (size_t)r);
		if (q == -CS_E_LIMIT)
			return cs_error_set(err, q, "content larger than %zu bytes", out->max);
		if (q < 0)
			return cs_error_errno(err, q, "cannot buffer content");
	}
}

int64_t cs_stream_drain(struct cs_stream *s, struct cs_error *err)
{
	char tmp[65536];
	int64_t total = 0;

	for (;;) {
		ssize_t r = cs_stream_read(s, tmp, sizeof(tmp), err);

		if (r < 0)
			return r;
		if (r == 0)
			return total;
		total += r;
	}
}

void cs_stream_free(struct cs_stream *s)
{
	if (!s)
		return;
	if (s->ops->close)
		s->ops->close(s->ctx);
	free(s);
}

/* --- file descriptors --- */

struct fd_ctx {
	int fd;
	bool own;
};

static ssize_t fd_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct fd_ctx *c = ctx;

	for (;;) {
		ssize_t r = read(c->fd, buf, n);

		if (r >= 0)
			return r;
		if (errno != EINTR)
			return cs_error_errno(err, errno, "read failed");
	}
}

static void fd_close(void *ctx)
{
	struct fd_ctx *c = ctx;

	if (c->own)
		close(c->fd);
	free(c);
}

static const struct cs_stream_ops fd_ops = { "fd", fd_read, fd_close };

int cs_stream_from_fd(int fd, bool own_fd, struct cs_stream **ret)
{
	struct fd_ctx *c = cs_zalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->fd = fd;
	c->own = own_fd;
	return cs_stream_new(&fd_ops, c, ret);
}

int cs_stream_open_fileat(int dirfd, const char *path, struct cs_stream **ret, struct cs_error *err)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int r;

	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", path);
	r = cs_stream_from_fd(fd, true, ret);
	if (r < 0) {
		close(fd);
		return cs_error_errno(err, r, "cannot open '%s'", path);
	}
	return 0;
}

int cs_stream_open_file(const char *path, struct cs_stream **ret, struct cs_error *err)
{
	return cs_stream_open_fileat(AT_FDCWD, path, ret, err);
}

/* --- memory --- */

struct mem_ctx {
	const char *p;
	size_t n, off;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct mem_ctx *c = ctx;
	size_t k = CS_MIN(n, c->n - c->off);

	(void)err;
	memcpy(buf, c->p + c->off, k);
	c->off += k;
	return (ssize_t)k;
}

static const struct cs_stream_ops mem_ops = { "memory", mem_read, free };

int cs_stream_from_mem(const void *p, size_t n, struct cs_stream **ret)
{
	struct mem_ctx *c = cs_zalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->p = p;
	c->n = n;
	return cs_stream_new(&mem_ops, c, ret);
}

/* --- verifying --- */

struct verify_ctx {
	struct cs_stream *inner;
	struct cs_hash *hash;
	char *expected;
	char *label;
	int64_t expected_size;
	uint64_t max_size;
	uint64_t count;
	bool done;
	char digest[CS_DIGEST_STR_MAX];
};

static ssize_t verify_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct verify_ctx *c = ctx;
	ssize_t r;

	if (c->done)
		return 0;
	r = cs_stream_read(c->inner, buf, n, err);
	if (r < 0)
		return cs_error_prefix(err, "cannot read %s", c->label);
	if (r > 0) {
		c->count += (uint64_t)r;
		if (c->count > c->max_size)
			return cs_error_set(err, -CS_E_LIMIT,
					    "%s is larger than the limit of %llu bytes", c->label,
					    (unsigned long long)c->max_size);
		if (c->expected_size >= 0 && c->count > (uint64_t)c->expected_size)
			return cs_error_set(err, -CS_E_INPUT,
					    "%s is longer than its declared size of %lld bytes",
					    c->label, (long long)c->expected_size);
		if (cs_hash_update(c->hash, buf, (size_t)r) < 0)
			return cs_error_set(err, -CS_E_INTERNAL, "cannot hash %s", c->label);
		return r;
	}
	c->done = true;
	if (cs_hash_final(c->hash, c->digest) < 0)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot hash %s", c->label);
	if (c->expected_size >= 0 && c->count != (uint64_t)c->expected_size)
		return cs_error_set(err, -CS_E_INPUT,
				    "%s is truncated: %llu of %lld declared bytes", c->label,
				    (unsigned long long)c->count, (long long)c->expected_size);
	if (c->expected && strcmp(c->expected, c->digest) != 0)
		return cs_error_set(err, -CS_E_DIGEST, "%s does not match its digest: got %s",
				    c->label, c->digest);
	return 0;
}

static void verify_close(void *ctx)
{
	struct verify_ctx *c = ctx;

	cs_stream_free(c->inner);
	cs_hash_free(c->hash);
	free(c->expected);
	free(c->label);
	free(c);
}

static const struct cs_stream_ops verify_ops = { "verify", verify_read, verify_close };

int cs_stream_verify_new(struct cs_stream *inner, const char *digest, int64_t expected_size,
			 uint64_t max_size, const char *label, struct cs_stream **ret,
			 struct cs_error *err)
{
	enum cs_hash_alg alg = CS_HASH_SHA256;
	struct verify_ctx *c;
	int r;

	if (digest) {
		r = cs_digest_parse(digest, &alg, err);
		if (r < 0) {
			cs_stream_free(inner);
			return r;
		}
	}
	c = cs_zalloc(sizeof(*c));
	if (!c) {
		cs_stream_free(inner);
		return cs_error_errno(err, ENOMEM, "cannot verify %s", label);
	}
	c->inner = inner;
	c->expected_size = expected_size;
	c->max_size = max_size;
	c->expected = cs_strdup(digest);
	c->label = cs_strdup(label ? label : "content");
	r = cs_hash_new(alg, &c->hash);
	if (r < 0 || !c->label || (digest && !c->expected)) {
		verify_close(c);
		return cs_error_errno(err, ENOMEM, "cannot verify %s", label);
	}
	return cs_stream_new(&verify_ops, c, ret);
}

const char *cs_stream_verify_digest(struct cs_stream *s)
{
	struct verify_ctx *c = s->ctx;

	return s->ops == &verify_ops && c->done ? c->digest : NULL;
}

uint64_t cs_stream_verify_count(struct cs_stream *s)
{
	struct verify_ctx *c = s->ctx;

	return s->ops == &verify_ops ? c->count : 0;
}
