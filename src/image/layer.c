/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one layer blob in a single pass:
 *
 *   blob -> verify (digest, raw bytes) -> peek (detect compression)
 *        -> decompress (bomb limits) -> verify (diff_id, layer size)
 *        -> libarchive tar reader -> walkers
 *
 * Memory stays constant (a few buffers of DATA_READ_SIZE), whatever the
 * layer size. Walkers only ever see cleaned paths, translated whiteouts and
 * hardlink targets that stay inside the image; symlink targets are passed on
 * as stored and never followed here. Never prints.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "image/layer.h"

#define DATA_READ_SIZE (256 * 1024)
#define PEEK_SIZE      16
#define ZERO_CHUNK     (64 * 1024)

static const uint8_t zeros[ZERO_CHUNK];

const char *cs_entry_type_name(enum cs_entry_type t)
{
	switch (t) {
	case CS_ENTRY_REG:
		return "file";
	case CS_ENTRY_DIR:
		return "dir";
	case CS_ENTRY_SYMLINK:
		return "symlink";
	case CS_ENTRY_HARDLINK:
		return "hardlink";
	case CS_ENTRY_CHR:
		return "chardev";
	case CS_ENTRY_BLK:
		return "blockdev";
	case CS_ENTRY_FIFO:
		return "fifo";
	case CS_ENTRY_SOCK:
		return "socket";
	case CS_ENTRY_WHITEOUT:
		return "whiteout";
	case CS_ENTRY_OPAQUE:
		return "opaque";
	}
	return "unknown";
}

const char *cs_entry_mode_string(const struct cs_entry *e, char buf[11])
{
	static const char types[] = {
		[CS_ENTRY_REG] = '-',	   [CS_ENTRY_DIR] = 'd',  [CS_ENTRY_SYMLINK] = 'l',
		[CS_ENTRY_HARDLINK] = 'h', [CS_ENTRY_CHR] = 'c',  [CS_ENTRY_BLK] = 'b',
		[CS_ENTRY_FIFO] = 'p',	   [CS_ENTRY_SOCK] = 's', [CS_ENTRY_WHITEOUT] = 'w',
		[CS_ENTRY_OPAQUE] = 'o',
	};
	uint32_t m = e->mode;

	buf[0] = (unsigned)e->type < sizeof(types) ? types[e->type] : '?';
	buf[1] = m & 0400 ? 'r' : '-';
	buf[2] = m & 0200 ? 'w' : '-';
	buf[3] = m & 04000 ? (m & 0100 ? 's' : 'S') : (m & 0100 ? 'x' : '-');
	buf[4] = m & 040 ? 'r' : '-';
	buf[5] = m & 020 ? 'w' : '-';
	buf[6] = m & 02000 ? (m & 010 ? 's' : 'S') : (m & 010 ? 'x' : '-');
	buf[7] = m & 04 ? 'r' : '-';
	buf[8] = m & 02 ? 'w' : '-';
	buf[9] = m & 01000 ? (m & 01 ? 't' : 'T') : (m & 01 ? 'x' : '-');
	buf[10] = '\0';
	return buf;
}

/* --- peek: hands back the first bytes read for detection, then the rest --- */

struct peek_ctx {
	struct cs_stream *inner;
	uint8_t buf[PEEK_SIZE];
	size_t len, pos;
};

static ssize_t peek_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct peek_ctx *c = ctx;
	size_t k;
	ssize_t r;

	if (c->pos == c->len)
		return cs_stream_read(c->inner, buf, n, err);
	k = CS_MIN(n, c->len - c->pos);
	memcpy(buf, c->buf + c->pos, k);
	c->pos += k;
	if (k == n)
		return (ssize_t)k;
	r = cs_stream_read(c->inner, (uint8_t *)buf + k, n - k, err);
	if (r < 0)
		return r;
	return (ssize_t)k + r;
}

static void peek_close(void *ctx)
{
	struct peek_ctx *c = ctx;

	cs_stream_free(c->inner);
	free(c);
}

static const struct cs_stream_ops peek_ops = { "peek", peek_read, peek_close };

/* Wrap inner (owned), reading its first bytes into the returned context. */
static int peek_new(struct cs_stream *inner, struct cs_stream **ret, struct peek_ctx **ret_ctx,
		    struct cs_error *err)
{
	struct peek_ctx *c = cs_zalloc(sizeof(*c));
	int r;

	if (!c) {
		cs_stream_free(inner);
		return cs_error_errno(err, ENOMEM, "cannot read blob");
	}
	c->inner = inner;
	while (c->len < PEEK_SIZE) {
		ssize_t n = cs_stream_read(inner, c->buf + c->len, PEEK_SIZE - c->len, err);

		if (n < 0) {
			peek_close(c);
			return (int)n;
		}
		if (n == 0)
			break;
		c->len += (size_t)n;
	}
	r = cs_stream_new(&peek_ops, c, ret);
	if (r < 0)
		return cs_error_errno(err, r, "cannot read blob");
	*ret_ctx = c;
	return 0;
}

/*
 * diff: hashes and counts the uncompressed tar (diff_id, layer size) and
 * passes errors from below through unchanged.
 */

struct diff_ctx {
	struct cs_stream *inner;
	struct cs_hash *hash;
	const char *expected; /* borrowed from the layer info */
	/* uncompressed blob: the raw stage already hashes these very bytes */
	struct cs_stream *same;
	uint64_t count, max;
	bool done;
	char digest[CS_DIGEST_STR_MAX];
};

static ssize_t diff_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct diff_ctx *c = ctx;
	ssize_t r;

	if (c->done)
		return 0;
	r = cs_stream_read(c->inner, buf, n, err);
	if (r < 0)
		return r;
	if (r > 0) {
		c->count += (uint64_t)r;
		if (c->count > c->max)
			return cs_error_set(
				err, -CS_E_LIMIT,
				"uncompressed layer is larger than the limit of %llu bytes",
				(unsigned long long)c->max);
		if (!c->same && cs_hash_update(c->hash, buf, (size_t)r) < 0)
			return cs_error_set(err, -CS_E_INTERNAL, "cannot hash the layer");
		return r;
	}
	c->done = true;
	if (c->same) {
		const char *d = cs_stream_verify_digest(c->same);

		if (!d)
			return cs_error_set(err, -CS_E_INTERNAL, "cannot hash the layer");
		snprintf(c->digest, sizeof(c->digest), "%s", d);
	} else if (cs_hash_final(c->hash, c->digest) < 0) {
		return cs_error_set(err, -CS_E_INTERNAL, "cannot hash the layer");
	}
	if (c->expected && strcmp(c->expected, c->digest) != 0)
		return cs_error_set(err, -CS_E_DIGEST,
				    "uncompressed content does not match the diff_id %s: got %s",
				    c->expected, c->digest);
	return 0;
}

static void diff_close(void *ctx)
{
	struct diff_ctx *c = ctx;

	cs_stream_free(c->inner);
	cs_hash_free(c->hash);
	free(c);
}

static const struct cs_stream_ops diff_ops = { "diff_id", diff_read, diff_close };

static int diff_new(struct cs_stream *inner, const char *diff_id, uint64_t max,
		    struct cs_stream *same, enum cs_hash_alg same_alg, struct cs_stream **ret,
		    struct diff_ctx **ret_ctx, struct cs_error *err)
{
	enum cs_hash_alg alg = CS_HASH_SHA256;
	struct diff_ctx *c;
	int r;

	if (diff_id) {
		r = cs_digest_parse(diff_id, &alg, err);
		if (r < 0) {
			cs_stream_free(inner);
			return cs_error_prefix(err, "invalid diff_id");
		}
	}
	c = cs_zalloc(sizeof(*c));
	if (!c || cs_hash_new(alg, &c->hash) < 0) {
		free(c);
		cs_stream_free(inner);
		return cs_error_errno(err, ENOMEM, "cannot hash the layer");
	}
	c->inner = inner;
	c->expected = diff_id;
	c->max = max;
	c->same = same && same_alg == alg ? same : NULL;
	r = cs_stream_new(&diff_ops, c, ret);
	if (r < 0)
		return cs_error_errno(err, r, "cannot hash the layer");
	*ret_ctx = c;
	return 0;
}

/* --- the walk --- */

struct layer_read {
	struct cs_layer_info *info;
	const struct cs_limits *lim;
	struct cs_walk_budget *budget;
	const struct cs_walker *walkers;
	size_t n_walkers;
	const struct cs_progress *progress;
	struct cs_error *err;

	struct cs_stream *raw; /* borrowed: the digest-verifying stage */
	struct cs_stream *tar; /* owns the chain: diff_id stage */
	struct diff_ctx *diff; /* its context */
	int stream_error;      /* the chain failed: err holds why */
	uint8_t *buf;
	char label[96];

	struct cs_buf path, path2, link;
	bool *want;
};

static la_ssize_t tar_read_cb(struct archive *a, void *ud, const void **ret)
{
	struct layer_read *s = ud;
	ssize_t r = cs_stream_read(s->tar, s->buf, DATA_READ_SIZE, s->err);

	if (r < 0) {
		s->stream_error = (int)r;
		archive_set_error(a, EIO, "read failed");
		return -1;
	}
	if (r > 0) {
		s->budget->total_size += (uint64_t)r;
		if (s->budget->total_size > s->lim->max_total_size) {
			s->stream_error = cs_error_set(
				s->err, -CS_E_LIMIT,
				"the image is larger than the limit of %llu uncompressed bytes",
				(unsigned long long)s->lim->max_total_size);
			archive_set_error(a, EFBIG, "limit");
			return -1;
		}
		cs_progress_update(s->progress, s->label, cs_stream_verify_count(s->raw),
				   s->info->compressed_size > 0 ? (uint64_t)s->info->compressed_size
								: 0);
	}
	*ret = s->buf;
	return r;
}

/* An error from libarchive, unless the stream under it failed first. */
static int archive_failed(struct layer_read *s, struct archive *a, const char *what)
{
	char msg[256];
	const char *m;

	if (s->stream_error < 0)
		return s->stream_error;
	m = archive_error_string(a);
	snprintf(msg, sizeof(msg), "%s", m ? m : "unknown error");
	if (msg[0] >= 'A' && msg[0] <= 'Z')
		msg[0] = (char)(msg[0] - 'A' + 'a');
	return cs_error_set(s->err, -CS_E_INPUT, "corrupt tar archive%s%s: %s", what ? " at " : "",
			    what ? what : "", msg);
}

/* Does a component (other than a final opaque marker) name AUFS metadata? */
static bool aufs_meta(const char *path)
{
	const char *p = path;

	for (;;) {
		const char *slash = strchr(p, '/');

		if (strncmp(p, ".wh..wh.", 8) == 0 && (slash || strcmp(p, ".wh..wh..opq") != 0))
			return true;
		if (!slash)
			return false;
		p = slash + 1;
	}
}

static uint32_t clamp_id(la_int64_t v)
{
	return v < 0 ? 0 : v > (la_int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/*
 * Translate one archive header into e. Returns 1 to dispatch, 0 to skip
 * (AUFS metadata, unknown types), <0 on hostile input.
 */
static int entry_from_archive(struct layer_read *s, struct archive_entry *ae, struct cs_entry *e)
{
	const char *name = archive_entry_pathname(ae);
	const char *hl, *sl, *base;
	uint64_t meta = 0;
	size_t len;
	int r;

	if (!name)
		name = archive_entry_pathname_utf8(ae);
	if (!name)
		return cs_error_set(s->err, -CS_E_INPUT, "entry without a name");
	len = strlen(name);
	if (len > s->lim->max_path)
		return cs_error_set(s->err, -CS_E_LIMIT,
				    "path '%.64s...' is longer than the limit of %llu bytes", name,
				    (unsigned long long)s->lim->max_path);
	r = cs_path_clean(name, len, &s->path, s->err);
	if (r < 0)
		return r;

	memset(e, 0, sizeof(*e));
	e->path = s->path.data;
	e->layer = s->info->index;
	e->mode = (uint32_t)archive_entry_perm(ae) & 07777;
	e->uid = clamp_id(archive_entry_uid(ae));
	e->gid = clamp_id(archive_entry_gid(ae));
	e->uname = archive_entry_uname(ae);
	e->gname = archive_entry_gname(ae);
	e->mtime = archive_entry_mtime(ae);
	meta += len;
	if (e->uname)
		meta += strlen(e->uname);
	if (e->gname)
		meta += strlen(e->gname);

	hl = archive_entry_hardlink(ae);
	sl = archive_entry_symlink(ae);
	if (hl) {
		size_t hlen = strlen(hl);

		meta += hlen;
		if (hlen > s->lim->max_path)
			return cs_error_set(s->err, -CS_E_LIMIT,
					    "hardlink '%s' target is longer than the limit of %llu "
					    "bytes",
					    e->path, (unsigned long long)s->lim->max_path);
		r = cs_path_clean(hl, hlen, &s->link, NULL);
		if (r < 0)
			return cs_error_set(s->err, r == -CS_E_LIMIT ? r : -CS_E_INPUT,
					    "hardlink '%s' -> '%.512s' escapes the root", e->path,
					    hl);
		e->type = CS_ENTRY_HARDLINK;
		e->link = s->link.data;
	} else {
		switch (archive_entry_filetype(ae)) {
		case AE_IFREG:
			e->type = CS_ENTRY_REG;
			break;
		case AE_IFDIR:
			e->type = CS_ENTRY_DIR;
			break;
		case AE_IFLNK:
			e->type = CS_ENTRY_SYMLINK;
			if (!sl)
				sl = archive_entry_symlink_utf8(ae);
			if (!sl)
				return cs_error_set(s->err, -CS_E_INPUT,
						    "symlink '%s' has no target", e->path);
			meta += strlen(sl);
			e->link = sl;
			break;
		case AE_IFCHR:
			e->type = CS_ENTRY_CHR;
			break;
		case AE_IFBLK:
			e->type = CS_ENTRY_BLK;
			break;
		case AE_IFIFO:
			e->type = CS_ENTRY_FIFO;
			break;
		case AE_IFSOCK:
			e->type = CS_ENTRY_SOCK;
			break;
		default:
			return 0;
		}
	}
	if (e->type == CS_ENTRY_CHR || e->type == CS_ENTRY_BLK) {
		e->devmajor = (uint32_t)archive_entry_rdevmajor(ae);
		e->devminor = (uint32_t)archive_entry_rdevminor(ae);
	}
	if (e->type == CS_ENTRY_REG) {
		la_int64_t sz = archive_entry_size(ae);

		e->size = sz > 0 ? (uint64_t)sz : 0;
		if (e->size > s->lim->max_file_size)
			return cs_error_set(s->err, -CS_E_LIMIT,
					    "file '%s' is larger than the limit of %llu bytes",
					    e->path, (unsigned long long)s->lim->max_file_size);
		e->sparse = archive_entry_sparse_count(ae) > 0;
	}
	if (archive_entry_xattr_reset(ae) > 0) {
		const char *xname;
		const void *xval;
		size_t xlen;

		while (archive_entry_xattr_next(ae, &xname, &xval, &xlen) == ARCHIVE_OK) {
			meta += strlen(xname) + xlen;
			if (strcmp(xname, "security.capability") == 0)
				e->has_caps = true;
		}
	}
	if (meta > s->lim->max_metadata_size)
		return cs_error_set(s->err, -CS_E_LIMIT,
				    "metadata of '%s' is larger than the limit of %llu bytes",
				    e->path, (unsigned long long)s->lim->max_metadata_size);

	/* whiteouts (OCI image spec, from AUFS) */
	if (aufs_meta(e->path))
		return 0;
	base = cs_path_basename(e->path);
	if (strncmp(base, ".wh.", 4) == 0) {
		size_t dirlen = cs_path_dirlen(e->path);
		const char *victim = base + 4;

		if (strcmp(base, ".wh..wh..opq") == 0) {
			e->type = CS_ENTRY_OPAQUE;
			s->path.len = dirlen;
			s->path.data[dirlen] = '\0';
		} else {
			if (!victim[0] || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0)
				return cs_error_set(s->err, -CS_E_INPUT, "invalid whiteout '%s'",
						    e->path);
			cs_buf_reset(&s->path2);
			r = cs_buf_append(&s->path2, e->path, dirlen);
			if (r >= 0 && dirlen > 0)
				r = cs_buf_putc(&s->path2, '/');
			if (r >= 0)
				r = cs_buf_puts(&s->path2, victim);
			if (r < 0)
				return cs_error_errno(s->err, r, "cannot translate whiteout '%s'",
						      e->path);
			e->type = CS_ENTRY_WHITEOUT;
			e->path = s->path2.data;
		}
		e->size = 0;
		e->link = NULL;
		e->sparse = false;
	}
	return 1;
}

static int deliver(struct layer_read *s, const struct cs_entry *e, const void *p, size_t n)
{
	for (size_t i = 0; i < s->n_walkers; i++) {
		if (!s->want[i])
			continue;
		int r = s->walkers[i].data(s->walkers[i].userdata, e, p, n, s->err);

		if (r < 0)
			return r;
	}
	return 0;
}

static int deliver_zeros(struct layer_read *s, const struct cs_entry *e, uint64_t n)
{
	while (n > 0) {
		size_t k = (size_t)CS_MIN(n, (uint64_t)ZERO_CHUNK);
		int r = deliver(s, e, zeros, k);

		if (r < 0)
			return r;
		n -= k;
	}
	return 0;
}

static int stream_content(struct layer_read *s, struct archive *a, const struct cs_entry *e)
{
	uint64_t cur = 0;
	int r;

	for (;;) {
		const void *p;
		size_t n;
		la_int64_t off;

		r = archive_read_data_block(a, &p, &n, &off);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return archive_failed(s, a, e->path);
		if (off < 0 || (uint64_t)off < cur || (uint64_t)off > e->size)
			return cs_error_set(s->err, -CS_E_INPUT, "corrupt sparse map of '%s'",
					    e->path);
		if ((uint64_t)off > cur) {
			/* a hole in a sparse file */
			if ((uint64_t)off > s->lim->max_file_size)
				goto too_big;
			r = deliver_zeros(s, e, (uint64_t)off - cur);
			if (r < 0)
				return r;
			cur = (uint64_t)off;
		}
		if (cs_add_overflow(cur, (uint64_t)n, &cur) || cur > s->lim->max_file_size)
			goto too_big;
		if (cur > e->size)
			return cs_error_set(s->err, -CS_E_INPUT,
					    "content of '%s' is longer than its size", e->path);
		if (n > 0) {
			r = deliver(s, e, p, n);
			if (r < 0)
				return r;
		}
	}
	if (cur < e->size) {
		r = deliver_zeros(s, e, e->size - cur);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < s->n_walkers; i++) {
		if (!s->want[i] || !s->walkers[i].data_end)
			continue;
		r = s->walkers[i].data_end(s->walkers[i].userdata, e, s->err);
		if (r < 0)
			return r;
	}
	return 0;
too_big:
	return cs_error_set(s->err, -CS_E_LIMIT, "file '%s' is larger than the limit of %llu bytes",
			    e->path, (unsigned long long)s->lim->max_file_size);
}

static int dispatch(struct layer_read *s, struct archive *a, const struct cs_entry *e)
{
	bool any = false;
	int r;

	for (size_t i = 0; i < s->n_walkers; i++) {
		s->want[i] = false;
		if (!s->walkers[i].entry)
			continue;
		r = s->walkers[i].entry(s->walkers[i].userdata, e, s->err);
		if (r < 0)
			return r;
		if (r > 0 && e->type == CS_ENTRY_REG && s->walkers[i].data) {
			s->want[i] = true;
			any = true;
		}
	}
	return any ? stream_content(s, a, e) : 0;
}

static int walk_tar(struct layer_read *s)
{
	struct archive *a = archive_read_new();
	int r;

	if (!a)
		return cs_error_errno(s->err, ENOMEM, "cannot create tar reader");
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_support_format_gnutar(a) != ARCHIVE_OK) {
		r = cs_error_set(s->err, -CS_E_INTERNAL, "cannot set up tar reader");
		goto out;
	}
	if (archive_read_open(a, s, NULL, tar_read_cb, NULL) != ARCHIVE_OK) {
		/* an empty layer is a valid (if odd) empty tar */
		if (s->stream_error == 0 && archive_errno(a) == 0)
			r = 0;
		else
			r = archive_failed(s, a, NULL);
		goto out;
	}
	for (;;) {
		struct archive_entry *ae;
		struct cs_entry e;

		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF) {
			r = 0;
			break;
		}
		if (r == ARCHIVE_RETRY)
			continue;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			r = archive_failed(s, a, NULL);
			break;
		}
		s->info->entries++;
		if (++s->budget->entries > s->lim->max_entries) {
			r = cs_error_set(s->err, -CS_E_LIMIT,
					 "the image has more than the limit of %llu entries",
					 (unsigned long long)s->lim->max_entries);
			break;
		}
		r = entry_from_archive(s, ae, &e);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		if (e.type != CS_ENTRY_DIR && e.type != CS_ENTRY_WHITEOUT &&
		    e.type != CS_ENTRY_OPAQUE)
			s->info->files++;
		r = dispatch(s, a, &e);
		if (r < 0)
			break;
	}
out:
	archive_read_free(a);
	return r;
}

/* Record the digests computed so far; explain a blob digest mismatch. */
static int check_digests(struct layer_read *s, int r)
{
	const char *raw = cs_stream_verify_digest(s->raw);

	if (raw)
		snprintf(s->info->computed_digest, sizeof(s->info->computed_digest), "%s", raw);
	if (s->diff && s->diff->done)
		snprintf(s->info->computed_diff_id, sizeof(s->info->computed_diff_id), "%s",
			 s->diff->digest);
	if (r == -CS_E_DIGEST && raw && s->info->digest && strcmp(raw, s->info->digest) != 0)
		return cs_error_set(s->err, -CS_E_DIGEST,
				    "blob does not match its digest: got %s, want %s", raw,
				    s->info->digest);
	return r;
}

static void make_label(struct layer_read *s)
{
	const char *d = s->info->digest;

	if (d && strlen(d) > 19)
		snprintf(s->label, sizeof(s->label), "layer %u '%.19s\xe2\x80\xa6'", s->info->index,
			 d);
	else if (d)
		snprintf(s->label, sizeof(s->label), "layer %u '%s'", s->info->index, d);
	else
		snprintf(s->label, sizeof(s->label), "layer %u", s->info->index);
}

static int layer_pipeline(struct layer_read *s, struct cs_stream *blob)
{
	const struct cs_limits *lim = s->lim;
	struct cs_layer_info *info = s->info;
	struct cs_stream *st = NULL;
	struct peek_ctx *peek = NULL;
	enum cs_hash_alg raw_alg = CS_HASH_SHA256;
	enum cs_compression comp;
	int64_t n;
	int r;

	r = cs_stream_verify_new(blob, info->digest, info->compressed_size, lim->max_blob_size,
				 "blob", &st, s->err);
	if (r < 0)
		return r;
	s->raw = st;
	r = peek_new(st, &st, &peek, s->err);
	if (r < 0) {
		s->raw = NULL;
		return r;
	}
	comp = cs_compression_detect(peek->buf, peek->len);
	info->compression = cs_compression_name(comp);
	if (comp == CS_COMPRESSION_NONE && peek->len >= 6 &&
	    (memcmp(peek->buf,
		    "\xfd"
		    "7zXZ\0",
		    6) == 0 ||
	     memcmp(peek->buf, "BZh", 3) == 0)) {
		const char *what = peek->buf[0] == 'B' ? "bzip2" : "xz";

		cs_stream_free(st);
		s->raw = NULL;
		return cs_error_set(s->err, -CS_E_UNSUPPORTED, "unsupported layer compression (%s)",
				    what);
	}
	r = cs_decompress_new(st, comp, lim, &st, s->err);
	if (r < 0) {
		s->raw = NULL;
		return r;
	}
	if (info->digest && cs_digest_parse(info->digest, &raw_alg, NULL) < 0)
		raw_alg = CS_HASH_SHA256; /* cannot happen: the raw stage checked it */
	r = diff_new(st, info->diff_id, lim->max_layer_size,
		     comp == CS_COMPRESSION_NONE ? s->raw : NULL, raw_alg, &s->tar, &s->diff,
		     s->err);
	if (r < 0) {
		s->raw = NULL;
		return r;
	}

	/* an empty blob is an empty layer (as Go's tar reader sees it) */
	r = peek->len > 0 ? walk_tar(s) : 0;
	if (r < 0)
		return check_digests(s, r);
	/* the digests cover every byte, even past the end of the archive */
	n = cs_stream_drain(s->tar, s->err);
	if (n >= 0)
		n = cs_stream_drain(s->raw, s->err);
	r = check_digests(s, n < 0 ? (int)n : 0);
	if (r < 0)
		return r;
	info->uncompressed_size = s->diff->count;
	return 0;
}

int cs_layer_read(struct cs_stream *blob, struct cs_layer_info *info, const struct cs_limits *lim,
		  struct cs_walk_budget *budget, const struct cs_walker *walkers, size_t n_walkers,
		  const struct cs_progress *progress, struct cs_error *err)
{
	struct cs_error local = CS_ERROR_INIT;
	struct layer_read s = {
		.info = info,
		.lim = lim,
		.budget = budget,
		.walkers = walkers,
		.n_walkers = n_walkers,
		.progress = progress,
		.err = err ? err : &local,
	};
	int r;

	cs_buf_init(&s.path, lim->max_path + 2);
	cs_buf_init(&s.path2, lim->max_path + 2);
	cs_buf_init(&s.link, lim->max_path + 2);
	info->entries = 0;
	info->files = 0;
	info->uncompressed_size = 0;
	info->computed_digest[0] = '\0';
	info->computed_diff_id[0] = '\0';
	info->compression = NULL;
	info->walked = false;
	make_label(&s);

	s.buf = cs_malloc(DATA_READ_SIZE);
	s.want = cs_new0(bool, n_walkers ? n_walkers : 1);
	if (!s.buf || !s.want) {
		cs_stream_free(blob);
		r = cs_error_errno(s.err, ENOMEM, "cannot read layer");
		goto out;
	}
	for (size_t i = 0; i < n_walkers; i++) {
		if (!walkers[i].layer_begin)
			continue;
		r = walkers[i].layer_begin(walkers[i].userdata, info, s.err);
		if (r < 0) {
			cs_stream_free(blob);
			goto out;
		}
	}
	r = layer_pipeline(&s, blob);
	if (r < 0)
		goto out;
	info->walked = true;
	for (size_t i = 0; i < n_walkers; i++) {
		if (!walkers[i].layer_end)
			continue;
		r = walkers[i].layer_end(walkers[i].userdata, info, s.err);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	if (r < 0) {
		if (s.err->code == 0)
			cs_error_set(s.err, r, "%s", cs_strerror(r));
		cs_error_prefix(s.err, "%s", s.label);
	}
	cs_stream_free(s.tar);
	free(s.buf);
	free(s.want);
	cs_buf_done(&s.path);
	cs_buf_done(&s.path2);
	cs_buf_done(&s.link);
	return r;
}
