/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Layer cache records and their store (layercache.h).
 *
 * Record format (little-endian, every string followed by a NUL that its
 * length does not count):
 *
 *   header   "CSLAYER\n" | u32 format | u32 flags (0) | key (64 hex)
 *            | u16 len, diff_id
 *   entries  'E' | u8 type | u8 bits | u16 0 | u32 mode, uid, gid, devmajor,
 *            devminor | u64 size | i64 mtime | u32 len, path
 *            [u32 len, uname] [u32 len, gname] [u32 len, link]
 *            [u64 len, content]
 *   trailer  'T' | u64 entries, files, uncompressed size, tar bytes, records
 *            | u8 compression | SHA-256 (64 hex) of every byte before it
 *
 * Parsing never trusts a length: every read is checked against what is
 * left, every count against the limits, and the checksum is verified before
 * a single field is interpreted. Never prints.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "basic/path.h"
#include "image/layercache.h"

#define MAGIC	  "CSLAYER\n"
#define MAGIC_LEN 8
#define SUM_LEN	  64 /* hex SHA-256 at the end */

#define TAG_ENTRY   'E'
#define TAG_TRAILER 'T'

/* entry bits */
#define B_SPARSE  0x01
#define B_CAPS	  0x02
#define B_UNAME	  0x04
#define B_GNAME	  0x08
#define B_LINK	  0x10
#define B_CONTENT 0x20
#define B_ELIDED  0x40

#define TEMP_MAX_AGE  (24 * 3600)
#define DIR_MAX_NAMES 1000000

/* --- writing --- */

static int put_u8(struct cs_buf *b, uint8_t v)
{
	return cs_buf_append(b, &v, 1);
}

static int put_u16(struct cs_buf *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return cs_buf_append(b, p, sizeof(p));
}

static int put_u32(struct cs_buf *b, uint32_t v)
{
	uint8_t p[4];

	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return cs_buf_append(b, p, sizeof(p));
}

static int put_u64(struct cs_buf *b, uint64_t v)
{
	uint8_t p[8];

	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
	return cs_buf_append(b, p, sizeof(p));
}

static int put_str32(struct cs_buf *b, const char *s)
{
	size_t n = strlen(s);
	int r;

	if (n > UINT32_MAX)
		return -CS_E_LIMIT;
	r = put_u32(b, (uint32_t)n);
	if (r >= 0)
		r = cs_buf_append(b, s, n + 1);
	return r;
}

static bool is_hex_key(const char *s, size_t n)
{
	if (n != CS_LAYER_CACHE_KEY_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int cs_layer_record_begin(struct cs_buf *b, const char *key, const char *diff_id)
{
	size_t n = strlen(diff_id);
	int r;

	if (!is_hex_key(key, strlen(key)) || n >= CS_DIGEST_STR_MAX)
		return -EINVAL;
	cs_buf_reset(b);
	r = cs_buf_append(b, MAGIC, MAGIC_LEN);
	if (r >= 0)
		r = put_u32(b, CS_LAYER_CACHE_FORMAT);
	if (r >= 0)
		r = put_u32(b, 0);
	if (r >= 0)
		r = cs_buf_append(b, key, CS_LAYER_CACHE_KEY_LEN);
	if (r >= 0)
		r = put_u16(b, (uint16_t)n);
	if (r >= 0)
		r = cs_buf_append(b, diff_id, n + 1);
	return r;
}

int cs_layer_record_add(struct cs_buf *b, const struct cs_entry *e, unsigned flags,
			const void *content, size_t n)
{
	uint8_t bits = 0;
	int r;

	if ((unsigned)e->type > CS_ENTRY_OPAQUE ||
	    ((flags & CS_LAYER_RECORD_CONTENT) && (flags & CS_LAYER_RECORD_ELIDED)))
		return -EINVAL;
	bits |= e->sparse ? B_SPARSE : 0;
	bits |= e->has_caps ? B_CAPS : 0;
	bits |= e->uname ? B_UNAME : 0;
	bits |= e->gname ? B_GNAME : 0;
	bits |= e->link ? B_LINK : 0;
	bits |= (flags & CS_LAYER_RECORD_CONTENT) ? B_CONTENT : 0;
	bits |= (flags & CS_LAYER_RECORD_ELIDED) ? B_ELIDED : 0;
	r = put_u8(b, TAG_ENTRY);
	if (r >= 0)
		r = put_u8(b, (uint8_t)e->type);
	if (r >= 0)
		r = put_u8(b, bits);
	if (r >= 0)
		r = put_u16(b, 0);
	if (r >= 0)
		r = put_u32(b, e->mode);
	if (r >= 0)
		r = put_u32(b, e->uid);
	if (r >= 0)
		r = put_u32(b, e->gid);
	if (r >= 0)
		r = put_u32(b, e->devmajor);
	if (r >= 0)
		r = put_u32(b, e->devminor);
	if (r >= 0)
		r = put_u64(b, e->size);
	if (r >= 0)
		r = put_u64(b, (uint64_t)e->mtime);
	if (r >= 0)
		r = put_str32(b, e->path);
	if (r >= 0 && e->uname)
		r = put_str32(b, e->uname);
	if (r >= 0 && e->gname)
		r = put_str32(b, e->gname);
	if (r >= 0 && e->link)
		r = put_str32(b, e->link);
	if (r >= 0 && (flags & CS_LAYER_RECORD_CONTENT)) {
		r = put_u64(b, n);
		if (r >= 0 && n > 0)
			r = cs_buf_append(b, content, n);
	}
	return r;
}

int cs_layer_record_finish(struct cs_buf *b, const struct cs_layer_summary *sum, uint64_t n_entries)
{
	char digest[CS_DIGEST_STR_MAX];
	int r;

	r = put_u8(b, TAG_TRAILER);
	if (r >= 0)
		r = put_u64(b, sum->entries);
	if (r >= 0)
		r = put_u64(b, sum->files);
	if (r >= 0)
		r = put_u64(b, sum->uncompressed_size);
	if (r >= 0)
		r = put_u64(b, sum->tar_bytes);
	if (r >= 0)
		r = put_u64(b, n_entries);
	if (r >= 0)
		r = put_u8(b, (uint8_t)sum->compression);
	if (r < 0)
		return r;
	r = cs_sha256_digest(b->data, b->len, digest);
	if (r < 0)
		return r;
	return cs_buf_append(b, cs_digest_hex(digest), SUM_LEN);
}

/* --- parsing --- */

struct cursor {
	const uint8_t *p;
	size_t len, pos;
};

static bool take(struct cursor *c, size_t n, const uint8_t **ret)
{
	if (n > c->len - c->pos)
		return false;
	*ret = c->p + c->pos;
	c->pos += n;
	return true;
}

static bool get_u8(struct cursor *c, uint8_t *v)
{
	const uint8_t *p;

	if (!take(c, 1, &p))
		return false;
	*v = p[0];
	return true;
}

static bool get_u16(struct cursor *c, uint16_t *v)
{
	const uint8_t *p;

	if (!take(c, 2, &p))
		return false;
	*v = (uint16_t)(p[0] | (p[1] << 8));
	return true;
}

static bool get_u32(struct cursor *c, uint32_t *v)
{
	const uint8_t *p;

	if (!take(c, 4, &p))
		return false;
	*v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	     ((uint32_t)p[3] << 24);
	return true;
}

static bool get_u64(struct cursor *c, uint64_t *v)
{
	const uint8_t *p;

	if (!take(c, 8, &p))
		return false;
	*v = 0;
	for (int i = 7; i >= 0; i--)
		*v = (*v << 8) | p[i];
	return true;
}

/* A string of at most max bytes, without NUL, followed by a NUL. */
static bool get_str(struct cursor *c, size_t len, uint64_t max, const char **ret)
{
	const uint8_t *p;

	if (len > max || len >= SIZE_MAX || !take(c, len + 1, &p) || p[len] != '\0' ||
	    memchr(p, '\0', len))
		return false;
	*ret = (const char *)p;
	return true;
}

static bool get_str32(struct cursor *c, uint64_t max, const char **ret, size_t *ret_len)
{
	uint32_t n;

	if (!get_u32(c, &n) || !get_str(c, n, max, ret))
		return false;
	if (ret_len)
		*ret_len = n;
	return true;
}

/* Is (p, n) a path as cs_path_clean leaves it? */
static bool path_is_clean(const char *p, size_t n, struct cs_buf *tmp)
{
	cs_buf_reset(tmp);
	return cs_path_clean(p, n, tmp, NULL) >= 0 && tmp->len == n &&
	       (n == 0 || memcmp(tmp->data, p, n) == 0);
}

static int bad(struct cs_error *err, const char *what, size_t off)
{
	return cs_error_set(err, -CS_E_INPUT, "%s at byte %zu", what, off);
}

static int parse_entry(struct cursor *c, const struct cs_limits *lim, struct cs_buf *tmp,
		       struct cs_layer_record_entry *out, struct cs_error *err)
{
	struct cs_entry *e = &out->e;
	size_t at = c->pos, plen = 0, llen = 0;
	uint8_t type, bits;
	uint16_t zero;
	uint64_t mtime;

	memset(out, 0, sizeof(*out));
	if (!get_u8(c, &type) || !get_u8(c, &bits) || !get_u16(c, &zero) || !get_u32(c, &e->mode) ||
	    !get_u32(c, &e->uid) || !get_u32(c, &e->gid) || !get_u32(c, &e->devmajor) ||
	    !get_u32(c, &e->devminor) || !get_u64(c, &e->size) || !get_u64(c, &mtime))
		return bad(err, "truncated entry", at);
	if (type > CS_ENTRY_OPAQUE || zero != 0 || (bits & 0x80) || (e->mode & ~07777u))
		return bad(err, "invalid entry", at);
	e->type = (enum cs_entry_type)type;
	e->mtime = (int64_t)mtime;
	e->sparse = bits & B_SPARSE;
	e->has_caps = bits & B_CAPS;
	if (!get_str32(c, lim->max_path, &e->path, &plen) || !path_is_clean(e->path, plen, tmp))
		return bad(err, "invalid path", at);
	if ((bits & B_UNAME) && !get_str32(c, lim->max_metadata_size, &e->uname, NULL))
		return bad(err, "invalid user name", at);
	if ((bits & B_GNAME) && !get_str32(c, lim->max_metadata_size, &e->gname, NULL))
		return bad(err, "invalid group name", at);
	if ((bits & B_LINK) && !get_str32(c, lim->max_path, &e->link, &llen))
		return bad(err, "invalid link target", at);

	/* the shapes cs_layer_read produces, and no other */
	if ((e->type == CS_ENTRY_SYMLINK || e->type == CS_ENTRY_HARDLINK) != !!e->link)
		return bad(err, "link target on the wrong entry type", at);
	if (e->type == CS_ENTRY_HARDLINK && !path_is_clean(e->link, llen, tmp))
		return bad(err, "invalid hardlink target", at);
	if (e->type == CS_ENTRY_WHITEOUT && plen == 0)
		return bad(err, "whiteout of the root", at);
	if (e->type != CS_ENTRY_REG && (e->size != 0 || e->sparse))
		return bad(err, "size on a non-file entry", at);
	if (e->size > lim->max_file_size)
		return bad(err, "file larger than the limit", at);
	if (e->type != CS_ENTRY_CHR && e->type != CS_ENTRY_BLK && (e->devmajor || e->devminor))
		return bad(err, "device numbers on a non-device entry", at);
	if ((bits & (B_CONTENT | B_ELIDED)) && e->type != CS_ENTRY_REG)
		return bad(err, "content on a non-file entry", at);
	if ((bits & B_CONTENT) && (bits & B_ELIDED))
		return bad(err, "content on an elided entry", at);
	if (bits & B_ELIDED)
		out->flags |= CS_LAYER_RECORD_ELIDED;
	if (bits & B_CONTENT) {
		const uint8_t *p;
		uint64_t n;

		if (!get_u64(c, &n) || n > e->size || !take(c, (size_t)n, &p))
			return bad(err, "invalid content", at);
		out->flags |= CS_LAYER_RECORD_CONTENT;
		out->content = p;
		out->content_len = (size_t)n;
	}
	return 0;
}

static int parse_trailer(struct cursor *c, const struct cs_limits *lim, struct cs_layer_record *rec,
			 uint64_t *ret_n, struct cs_error *err)
{
	struct cs_layer_summary *s = &rec->sum;
	size_t at = c->pos;
	uint8_t comp;

	if (!get_u64(c, &s->entries) || !get_u64(c, &s->files) ||
	    !get_u64(c, &s->uncompressed_size) || !get_u64(c, &s->tar_bytes) ||
	    !get_u64(c, ret_n) || !get_u8(c, &comp))
		return bad(err, "truncated trailer", at);
	if (comp > CS_COMPRESSION_ZSTD || s->entries > lim->max_entries ||
	    s->uncompressed_size > lim->max_layer_size || s->tar_bytes > s->uncompressed_size)
		return bad(err, "invalid trailer", at);
	s->compression = (enum cs_compression)comp;
	return 0;
}

int cs_layer_record_parse(const void *data, size_t len, const char *want_key,
			  const struct cs_limits *lim, struct cs_layer_record **ret,
			  struct cs_error *err)
{
	_cleanup_(cs_layer_record_freep) struct cs_layer_record *rec = NULL;
	_cleanup_buf_ struct cs_buf tmp = CS_BUF_INIT(lim->max_path + 2);
	struct cursor c = { data, 0, 0 };
	char digest[CS_DIGEST_STR_MAX];
	const uint8_t *p;
	uint32_t format, flags;
	uint16_t dlen;
	uint64_t n_declared = 0, files = 0;
	size_t cap = 0;
	bool trailer = false;
	int r;

	if (len < CS_LAYER_RECORD_MIN)
		return cs_error_set(err, -CS_E_INPUT, "truncated record (%zu bytes)", len);
	if (len > CS_LAYER_RECORD_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "record larger than %llu bytes",
				    (unsigned long long)CS_LAYER_RECORD_MAX);
	if (memcmp(data, MAGIC, MAGIC_LEN) != 0)
		return cs_error_set(err, -CS_E_INPUT, "not a layer cache record");
	c.len = len - SUM_LEN;
	c.pos = MAGIC_LEN;
	if (!get_u32(&c, &format) || !get_u32(&c, &flags))
		return bad(err, "truncated header", c.pos);
	if (format != CS_LAYER_CACHE_FORMAT)
		return cs_error_set(err, -CS_E_INPUT, "record format %u, not %u", format,
				    CS_LAYER_CACHE_FORMAT);
	r = cs_sha256_digest(data, len - SUM_LEN, digest);
	if (r < 0)
		return cs_error_errno(err, r, "cannot hash the record");
	if (memcmp(cs_digest_hex(digest), (const char *)data + len - SUM_LEN, SUM_LEN) != 0)
		return cs_error_set(err, -CS_E_INPUT, "checksum mismatch");
	if (flags != 0)
		return bad(err, "unknown header flags", MAGIC_LEN + 4);

	rec = cs_zalloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	if (!take(&c, CS_LAYER_CACHE_KEY_LEN, &p) ||
	    !is_hex_key((const char *)p, CS_LAYER_CACHE_KEY_LEN))
		return bad(err, "invalid key", c.pos);
	memcpy(rec->key, p, CS_LAYER_CACHE_KEY_LEN);
	if (want_key && strcmp(want_key, rec->key) != 0)
		return cs_error_set(err, -CS_E_INPUT, "record of another key (%.12s)", rec->key);
	if (!get_u16(&c, &dlen) || !get_str(&c, dlen, CS_DIGEST_STR_MAX - 1, &rec->diff_id) ||
	    cs_digest_parse(rec->diff_id, NULL, NULL) < 0)
		return bad(err, "invalid diff_id", c.pos);

	while (!trailer) {
		uint8_t tag;

		if (!get_u8(&c, &tag))
			return bad(err, "truncated record", c.pos);
		if (tag == TAG_TRAILER) {
			r = parse_trailer(&c, lim, rec, &n_declared, err);
			if (r < 0)
				return r;
			trailer = true;
		} else if (tag == TAG_ENTRY) {
			struct cs_layer_record_entry *e;

			if (rec->n_entries >= lim->max_entries)
				return cs_error_set(err, -CS_E_LIMIT,
						    "record has more than %llu entries",
						    (unsigned long long)lim->max_entries);
			if (CS_GROW(rec->entries, cap, rec->n_entries + 1) < 0)
				return -ENOMEM;
			e = &rec->entries[rec->n_entries];
			r = parse_entry(&c, lim, &tmp, e, err);
			if (r < 0)
				return r;
			rec->n_entries++;
			rec->content_bytes += e->content_len;
			if (e->e.type != CS_ENTRY_DIR && e->e.type != CS_ENTRY_WHITEOUT &&
			    e->e.type != CS_ENTRY_OPAQUE)
				files++;
		} else {
			return bad(err, "unknown tag", c.pos - 1);
		}
	}
	if (c.pos != c.len)
		return bad(err, "trailing bytes", c.pos);
	if (n_declared != rec->n_entries || rec->sum.entries < rec->n_entries ||
	    rec->sum.files != files)
		return cs_error_set(err, -CS_E_INPUT, "entry counts do not add up");
	*ret = CS_TAKE_PTR(rec);
	return 0;
}

void cs_layer_record_free(struct cs_layer_record *rec)
{
	if (!rec)
		return;
	free(rec->entries);
	free(rec->owned);
	free(rec);
}

/* --- replay --- */

static void replay_label(const struct cs_layer_info *info, char *buf, size_t n)
{
	const char *d = info->digest;

	if (d && strlen(d) > 19)
		snprintf(buf, n, "layer %u '%.19s\xe2\x80\xa6'", info->index, d);
	else if (d)
		snprintf(buf, n, "layer %u '%s'", info->index, d);
	else
		snprintf(buf, n, "layer %u", info->index);
}

static int replay_entry(const struct cs_layer_record_entry *re, unsigned layer,
			const struct cs_walker *walkers, size_t n, bool *want, struct cs_error *err)
{
	struct cs_entry e = re->e;
	bool any = false;
	int r;

	e.layer = layer;
	for (size_t i = 0; i < n; i++) {
		want[i] = false;
		if (!walkers[i].entry)
			continue;
		r = walkers[i].entry(walkers[i].userdata, &e, err);
		if (r < 0)
			return r;
		if (r > 0 && e.type == CS_ENTRY_REG && walkers[i].data) {
			want[i] = true;
			any = true;
		}
	}
	if (!any || (re->flags & CS_LAYER_RECORD_ELIDED))
		return 0;
	if (!(re->flags & CS_LAYER_RECORD_CONTENT))
		return cs_error_set(err, -CS_E_INPUT,
				    "the cache record holds no content of '%s' (made for other "
				    "analysers)",
				    e.path);
	for (size_t i = 0; i < n && re->content_len > 0; i++) {
		if (!want[i])
			continue;
		r = walkers[i].data(walkers[i].userdata, &e, re->content, re->content_len, err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < n; i++) {
		if (!want[i] || !walkers[i].data_end)
			continue;
		r = walkers[i].data_end(walkers[i].userdata, &e, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cs_layer_record_replay(const struct cs_layer_record *rec, struct cs_layer_info *info,
			   const struct cs_walker *walkers, size_t n_walkers, struct cs_error *err)
{
	struct cs_error local = CS_ERROR_INIT;
	_cleanup_free_ bool *want = cs_new0(bool, n_walkers ? n_walkers : 1);
	char label[96];
	int r = 0;

	if (!err)
		err = &local;
	if (!want)
		return cs_error_errno(err, ENOMEM, "cannot replay layer %u", info->index);
	info->entries = 0;
	info->files = 0;
	info->uncompressed_size = 0;
	info->computed_digest[0] = '\0';
	info->computed_diff_id[0] = '\0';
	info->compression = NULL;
	info->walked = false;
	for (size_t i = 0; i < n_walkers && r >= 0; i++)
		if (walkers[i].layer_begin)
			r = walkers[i].layer_begin(walkers[i].userdata, info, err);
	for (size_t k = 0; k < rec->n_entries && r >= 0; k++)
		r = replay_entry(&rec->entries[k], info->index, walkers, n_walkers, want, err);
	if (r >= 0) {
		info->entries = rec->sum.entries;
		info->files = rec->sum.files;
		info->uncompressed_size = rec->sum.uncompressed_size;
		info->compression = cs_compression_name(rec->sum.compression);
		/* reading the blob would have proven these */
		snprintf(info->computed_digest, sizeof(info->computed_digest), "%s",
			 info->digest ? info->digest : "");
		snprintf(info->computed_diff_id, sizeof(info->computed_diff_id), "%s",
			 rec->diff_id);
		info->walked = true;
	}
	for (size_t i = 0; i < n_walkers && r >= 0; i++)
		if (walkers[i].layer_end)
			r = walkers[i].layer_end(walkers[i].userdata, info, err);
	if (r < 0) {
		if (err->code == 0)
			cs_error_set(err, r, "%s", cs_strerror(r));
		replay_label(info, label, sizeof(label));
		cs_error_prefix(err, "%s", label);
	}
	return r < 0 ? r : 0;
}

/* --- keys --- */

int cs_layer_cache_key(const char *diff_id, const char *consumer, const struct cs_limits *lim,
		       char key[CS_LAYER_CACHE_KEY_LEN + 1])
{
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(1 << 20);
	char digest[CS_DIGEST_STR_MAX];
	int r;

	r = cs_buf_printf(
		&b,
		"customs layer cache %u\n"
		"diff_id %s\n"
		"consumer %s\n"
		"max_path %llu\n"
		"max_file_size %llu\n"
		"max_layer_size %llu\n"
		"max_blob_size %llu\n"
		"max_ratio %u\n"
		"ratio_floor %llu\n"
		"max_metadata_size %llu\n",
		CS_LAYER_CACHE_FORMAT, diff_id, consumer, (unsigned long long)lim->max_path,
		(unsigned long long)lim->max_file_size, (unsigned long long)lim->max_layer_size,
		(unsigned long long)lim->max_blob_size, lim->max_ratio,
		(unsigned long long)lim->ratio_floor, (unsigned long long)lim->max_metadata_size);
	if (r >= 0)
		r = cs_sha256_digest(b.data, b.len, digest);
	if (r < 0)
		return r;
	memcpy(key, cs_digest_hex(digest), CS_LAYER_CACHE_KEY_LEN);
	key[CS_LAYER_CACHE_KEY_LEN] = '\0';
	return 0;
}

/* --- the store --- */

struct cs_layer_cache {
	char *dir;
};

int cs_layer_cache_new(const char *dir, struct cs_layer_cache **ret)
{
	struct cs_layer_cache *c;

	if (!dir || !*dir)
		return -EINVAL;
	c = cs_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->dir = cs_strdup(dir);
	if (!c->dir) {
		free(c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void cs_layer_cache_free(struct cs_layer_cache *c)
{
	if (!c)
		return;
	free(c->dir);
	free(c);
}

const char *cs_layer_cache_dir(const struct cs_layer_cache *c)
{
	return c->dir;
}

/* mkdir -p with 0700 for what it creates */
static int mkdir_parents(const char *dir)
{
	_cleanup_free_ char *p = cs_strdup(dir);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int read_exact(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, (char *)buf + got, n - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return -CS_E_INPUT;
		got += (size_t)k;
	}
	return 0;
}

/* The whole file of key (at most max bytes); marks it recently used. */
static int load_file(struct cs_layer_cache *c, const char *key, uint64_t max, char **ret_path,
		     void **ret, size_t *ret_len, struct cs_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ void *buf = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (!is_hex_key(key, strlen(key)))
		return cs_error_set(err, -EINVAL, "invalid cache key");
	path = cs_asprintf("%s/%s", c->dir, key);
	if (!path)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return -CS_E_NOTFOUND;
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", path);
	if (!S_ISREG(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a regular file", path);
	if ((uint64_t)st.st_size > max)
		return cs_error_set(err, -CS_E_LIMIT, "'%s' is larger than %llu bytes", path,
				    (unsigned long long)max);
	buf = cs_malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (!buf)
		return -ENOMEM;
	r = read_exact(fd, buf, (size_t)st.st_size);
	if (r == -CS_E_INPUT)
		return cs_error_set(err, r, "'%s' shrank while being read", path);
	if (r < 0)
		return cs_error_errno(err, r, "cannot read '%s'", path);
	/* recently used: prune keeps it longer (a read-only cache is fine too) */
	(void)futimens(fd, NULL);
	*ret = CS_TAKE_PTR(buf);
	*ret_len = (size_t)st.st_size;
	*ret_path = CS_TAKE_PTR(path);
	return 0;
}

int cs_layer_cache_load(struct cs_layer_cache *c, const char *key, const struct cs_limits *lim,
			struct cs_layer_record **ret, struct cs_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ void *buf = NULL;
	struct cs_layer_record *rec = NULL;
	size_t len;
	int r;

	r = load_file(c, key, CS_LAYER_RECORD_MAX, &path, &buf, &len, err);
	if (r < 0)
		return r;
	r = cs_layer_record_parse(buf, len, key, lim, &rec, err);
	if (r < 0)
		return cs_error_prefix(err, "'%s'", path);
	rec->owned = CS_TAKE_PTR(buf);
	*ret = rec;
	return 0;
}

/* --- blobs --- */

#define BLOB_MAGIC "CSLBLOB\n"
#define BLOB_HEAD  (MAGIC_LEN + 4 + CS_LAYER_CACHE_KEY_LEN + 8)

int cs_layer_blob_make(struct cs_buf *b, const char *key, const void *payload, size_t n)
{
	char digest[CS_DIGEST_STR_MAX];
	int r;

	if (!is_hex_key(key, strlen(key)))
		return -EINVAL;
	if (n > CS_LAYER_BLOB_MAX)
		return -CS_E_LIMIT;
	cs_buf_reset(b);
	r = cs_buf_append(b, BLOB_MAGIC, MAGIC_LEN);
	if (r >= 0)
		r = put_u32(b, CS_LAYER_CACHE_FORMAT);
	if (r >= 0)
		r = cs_buf_append(b, key, CS_LAYER_CACHE_KEY_LEN);
	if (r >= 0)
		r = put_u64(b, n);
	if (r >= 0 && n)
		r = cs_buf_append(b, payload, n);
	if (r >= 0)
		r = cs_sha256_digest(b->data, b->len, digest);
	if (r >= 0)
		r = cs_buf_append(b, cs_digest_hex(digest), SUM_LEN);
	return r;
}

int cs_layer_blob_parse(const void *data, size_t len, const char *want_key, const void **payload,
			size_t *n, struct cs_error *err)
{
	struct cursor c = { data, 0, 0 };
	char digest[CS_DIGEST_STR_MAX];
	const uint8_t *p;
	uint32_t format;
	uint64_t plen;
	int r;

	if (len < BLOB_HEAD + SUM_LEN)
		return cs_error_set(err, -CS_E_INPUT, "truncated blob (%zu bytes)", len);
	if (len > BLOB_HEAD + SUM_LEN + CS_LAYER_BLOB_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "blob larger than %zu bytes",
				    BLOB_HEAD + SUM_LEN + CS_LAYER_BLOB_MAX);
	if (memcmp(data, BLOB_MAGIC, MAGIC_LEN) != 0)
		return cs_error_set(err, -CS_E_INPUT, "not a layer cache blob");
	c.len = len - SUM_LEN;
	c.pos = MAGIC_LEN;
	if (!get_u32(&c, &format))
		return bad(err, "truncated header", c.pos);
	if (format != CS_LAYER_CACHE_FORMAT)
		return cs_error_set(err, -CS_E_INPUT, "blob format %u, not %u", format,
				    CS_LAYER_CACHE_FORMAT);
	r = cs_sha256_digest(data, len - SUM_LEN, digest);
	if (r < 0)
		return cs_error_errno(err, r, "cannot hash the blob");
	if (memcmp(cs_digest_hex(digest), (const char *)data + len - SUM_LEN, SUM_LEN) != 0)
		return cs_error_set(err, -CS_E_INPUT, "checksum mismatch");
	if (!take(&c, CS_LAYER_CACHE_KEY_LEN, &p) ||
	    !is_hex_key((const char *)p, CS_LAYER_CACHE_KEY_LEN))
		return bad(err, "invalid key", c.pos);
	if (want_key && (strlen(want_key) != CS_LAYER_CACHE_KEY_LEN ||
			 memcmp(want_key, p, CS_LAYER_CACHE_KEY_LEN) != 0))
		return cs_error_set(err, -CS_E_INPUT, "blob of another key (%.12s)",
				    (const char *)p);
	if (!get_u64(&c, &plen) || plen != c.len - c.pos)
		return bad(err, "payload length does not match the blob", c.pos);
	*payload = c.p + c.pos;
	*n = (size_t)plen;
	return 0;
}

int cs_layer_cache_load_blob(struct cs_layer_cache *c, const char *key, void **owned,
			     const void **payload, size_t *n, struct cs_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ void *buf = NULL;
	size_t len;
	int r;

	r = load_file(c, key, BLOB_HEAD + SUM_LEN + CS_LAYER_BLOB_MAX, &path, &buf, &len, err);
	if (r < 0)
		return r;
	r = cs_layer_blob_parse(buf, len, key, payload, n, err);
	if (r < 0)
		return cs_error_prefix(err, "'%s'", path);
	*owned = CS_TAKE_PTR(buf);
	return 0;
}

int cs_layer_cache_store(struct cs_layer_cache *c, const char *key, const void *data, size_t len,
			 struct cs_error *err)
{
	_cleanup_free_ char *tmp = NULL, *path = NULL;
	size_t done = 0;
	int fd, r = 0;

	if (!is_hex_key(key, strlen(key)))
		return cs_error_set(err, -EINVAL, "invalid cache key");
	r = mkdir_parents(c->dir);
	if (r < 0)
		return cs_error_errno(err, r, "cannot create '%s'", c->dir);
	tmp = cs_asprintf("%s/.%s.XXXXXX", c->dir, key);
	path = cs_asprintf("%s/%s", c->dir, key);
	if (!tmp || !path)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot create a file in '%s'", c->dir);
	while (done < len) {
		ssize_t k = write(fd, (const char *)data + done, len - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			break;
		}
		done += (size_t)k;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return cs_error_errno(err, r, "cannot write '%s'", path);
	}
	return 0;
}

static bool name_is_record(const char *n)
{
	return is_hex_key(n, strlen(n));
}

/* ".KEY.XXXXXX" from mkostemp */
static bool name_is_temp(const char *n)
{
	size_t len = strlen(n);

	return len == 1 + CS_LAYER_CACHE_KEY_LEN + 7 && n[0] == '.' &&
	       is_hex_key(n + 1, CS_LAYER_CACHE_KEY_LEN) && n[1 + CS_LAYER_CACHE_KEY_LEN] == '.';
}

struct cached_file {
	char name[CS_LAYER_CACHE_KEY_LEN + 9];
	uint64_t size;
	struct timespec mtime;
	bool temp;
};

static int list_dir(struct cs_layer_cache *c, struct cached_file **ret, size_t *ret_n,
		    struct cs_error *err)
{
	_cleanup_free_ struct cached_file *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*ret = NULL;
	*ret_n = 0;
	d = opendir(c->dir);
	if (!d && errno == ENOENT)
		return 0;
	if (!d)
		return cs_error_errno(err, errno, "cannot open '%s'", c->dir);
	while ((errno = 0, de = readdir(d))) {
		bool temp = name_is_temp(de->d_name);
		struct stat st;

		if (!temp && !name_is_record(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n >= DIR_MAX_NAMES) {
			closedir(d);
			return cs_error_set(err, -CS_E_LIMIT, "'%s' holds more than %u records",
					    c->dir, DIR_MAX_NAMES);
		}
		if (CS_GROW(v, cap, n + 1) < 0) {
			closedir(d);
			return -ENOMEM;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
		v[n].size = (uint64_t)st.st_size;
		v[n].mtime = st.st_mtim;
		v[n].temp = temp;
		n++;
	}
	if (errno != 0) {
		int e = errno;

		closedir(d);
		return cs_error_errno(err, e, "cannot read '%s'", c->dir);
	}
	closedir(d);
	*ret = CS_TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

static void count(struct cs_layer_cache_stats *s, const struct cached_file *f)
{
	if (f->temp) {
		s->temp_files++;
		s->temp_bytes += f->size;
	} else {
		s->records++;
		s->bytes += f->size;
	}
}

int cs_layer_cache_stat(struct cs_layer_cache *c, struct cs_layer_cache_stats *ret,
			struct cs_error *err)
{
	_cleanup_free_ struct cached_file *v = NULL;
	size_t n;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = list_dir(c, &v, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		count(ret, &v[i]);
	return 0;
}

/* least recently used first */
static int cmp_mtime(const void *x, const void *y)
{
	const struct cached_file *a = x, *b = y;

	if (a->mtime.tv_sec != b->mtime.tv_sec)
		return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
	if (a->mtime.tv_nsec != b->mtime.tv_nsec)
		return a->mtime.tv_nsec < b->mtime.tv_nsec ? -1 : 1;
	return strcmp(a->name, b->name);
}

int cs_layer_cache_prune(struct cs_layer_cache *c, uint64_t max_bytes,
			 struct cs_layer_cache_stats *ret, struct cs_error *err)
{
	_cleanup_free_ struct cached_file *v = NULL;
	struct cs_layer_cache_stats have = { 0 };
	_cleanup_close_ int dfd = -1;
	time_t now = time(NULL);
	size_t n;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = list_dir(c, &v, &n, err);
	if (r < 0 || n == 0)
		return r;
	dfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", c->dir);
	qsort(v, n, sizeof(*v), cmp_mtime);
	for (size_t i = 0; i < n; i++)
		if (!v[i].temp)
			count(&have, &v[i]);
	for (size_t i = 0; i < n; i++) {
		bool drop;

		if (v[i].temp)
			drop = max_bytes == 0 || now - v[i].mtime.tv_sec > TEMP_MAX_AGE;
		else
			drop = max_bytes == 0 || have.bytes > max_bytes;
		if (!drop)
			continue;
		if (unlinkat(dfd, v[i].name, 0) < 0) {
			if (errno == ENOENT) /* another prune, or a rename over it */
				continue;
			return cs_error_errno(err, errno, "cannot remove '%s/%s'", c->dir,
					      v[i].name);
		}
		if (!v[i].temp)
			have.bytes -= v[i].size;
		count(ret, &v[i]);
	}
	return 0;
}
