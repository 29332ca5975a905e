/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pull streams: the one way bytes flow through customs (files, archive
 * members, HTTP bodies, decompressors, digest verifiers). A stream is a
 * small vtable (libscap style) plus a context it owns.
 */
#pragma once

#include <sys/types.h>
#include "buf.h"
#include "error.h"
#include "hash.h"

struct cs_stream_ops {
	const char *name;
	/* >0 bytes read, 0 at the end, <0 error with err filled in */
	ssize_t (*read)(void *ctx, void *buf, size_t n, struct cs_error *err);
	void (*close)(void *ctx);
};

struct cs_stream;

/* Wrap ops+ctx; on failure ops->close(ctx) is called. */
int cs_stream_new(const struct cs_stream_ops *ops, void *ctx, struct cs_stream **ret);
ssize_t cs_stream_read(struct cs_stream *s, void *buf, size_t n, struct cs_error *err);
/* Read exactly n bytes; -CS_E_INPUT ("unexpected end") if the stream ends first. */
int cs_stream_read_full(struct cs_stream *s, void *buf, size_t n, struct cs_error *err);
/* Read everything into out; more than out->max bytes is -CS_E_LIMIT. */
int cs_stream_read_all(struct cs_stream *s, struct cs_buf *out, struct cs_error *err);
/* Read and discard to the end; returns bytes skipped or <0. */
int64_t cs_stream_drain(struct cs_stream *s, struct cs_error *err);
void cs_stream_free(struct cs_stream *s);
CS_DEFINE_CLEANUP(struct cs_stream *, cs_stream_free)

/* Plain sources */
int cs_stream_from_fd(int fd, bool own_fd, struct cs_stream **ret);
int cs_stream_open_file(const char *path, struct cs_stream **ret, struct cs_error *err);
int cs_stream_open_fileat(int dirfd, const char *path, struct cs_stream **ret,
			  struct cs_error *err);
/* Reads from memory that must outlive the stream. */
int cs_stream_from_mem(const void *p, size_t n, struct cs_stream **ret);

/*
 * Verifying stream: passes the bytes of `inner` through, counting and
 * hashing them. Fails with -CS_E_LIMIT once more than max_size bytes pass,
 * with -CS_E_DIGEST at the end if the digest is not `digest` (NULL: only
 * compute it), and with -CS_E_INPUT if expected_size >= 0 and the length
 * differs. `label` names the content in messages ("layer 2", "blob ...").
 * Takes ownership of inner.
 */
int cs_stream_verify_new(struct cs_stream *inner, const char *digest, int64_t expected_size,
			 uint64_t max_size, const char *label, struct cs_stream **ret,
			 struct cs_error *err);
/* For a verifying stream at its end: the computed digest and byte count. */
const char *cs_stream_verify_digest(struct cs_stream *s);
uint64_t cs_stream_verify_count(struct cs_stream *s);
