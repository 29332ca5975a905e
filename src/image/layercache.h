/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The layer cache: for each layer, a record of what one walk over it fed a
 * consumer (the catalog pass), so that walking an image whose layers were
 * seen before does not open, fetch, decompress, untar or hash them again.
 *
 * A record holds every entry the walkers were given (the merged view needs
 * all of them) and, for each regular file the consumer asked for, the bytes
 * it used: the whole file, only its first bytes when a sniff turned it
 * down, or nothing at all when the consumer knew the file contributes
 * nothing (CS_LAYER_RECORD_ELIDED). Replaying a record calls the walkers'
 * callbacks exactly as cs_layer_read would have, file content in one chunk.
 *
 * Records are keyed by the layer's diff_id, the consumer's identity (its
 * analysers and their versions) and the limits that change what a layer
 * read yields (cs_layer_cache_key). One file per key in one directory,
 * written to a temporary name and renamed: two scans may write the same key,
 * readers never see a partial record. A record is a file another process
 * could have written: it is checked whole (magic, format, key, SHA-256
 * checksum, every field bounded, every path clean) before any of it is
 * used, and a bad one is only a cache miss. Never prints.
 */
#pragma once

#include "basic/buf.h"
#include "basic/error.h"
#include "image/layer.h"
#include "image/limits.h"

#define CS_LAYER_CACHE_FORMAT  1
#define CS_LAYER_CACHE_KEY_LEN 64 /* hex SHA-256 */
/* Largest record written or read; a layer that needs more is not cached. */
#define CS_LAYER_RECORD_MAX (1ULL << 30)
/* No record is shorter (its checksum alone takes 64 bytes). */
#define CS_LAYER_RECORD_MIN 64

enum {
	CS_LAYER_RECORD_CONTENT = 1 << 0, /* content follows (all of it, or the sniffed head) */
	CS_LAYER_RECORD_ELIDED = 1 << 1,  /* wanted, contributes nothing: replayed without data */
};

/* What a layer read reported besides its entries. */
struct cs_layer_summary {
	uint64_t entries; /* every archive entry (cs_layer_info.entries) */
	uint64_t files;
	uint64_t uncompressed_size;
	uint64_t tar_bytes; /* bytes the tar reader took: the image's total-size budget */
	enum cs_compression compression;
};

/* One entry of a parsed record; pointers go into the record's bytes. */
struct cs_layer_record_entry {
	struct cs_entry e; /* e.layer is set by the replay */
	unsigned flags;	   /* CS_LAYER_RECORD_* */
	const void *content;
	size_t content_len;
};

struct cs_layer_record {
	char key[CS_LAYER_CACHE_KEY_LEN + 1];
	const char *diff_id;
	struct cs_layer_summary sum;
	struct cs_layer_record_entry *entries;
	size_t n_entries;
	uint64_t content_bytes;
	void *owned; /* the bytes, when the record owns them (cs_layer_cache_load) */
};

/*
 * Writing a record into b (bounded by b->max; -CS_E_LIMIT past it): begin,
 * one add per entry in walk order (content: n bytes, CS_LAYER_RECORD_CONTENT
 * set), finish. An entry can be taken back by resetting b->len to its value
 * before the add.
 */
int cs_layer_record_begin(struct cs_buf *b, const char *key, const char *diff_id);
int cs_layer_record_add(struct cs_buf *b, const struct cs_entry *e, unsigned flags,
			const void *content, size_t n);
int cs_layer_record_finish(struct cs_buf *b, const struct cs_layer_summary *sum,
			   uint64_t n_entries);

/*
 * Parse and check a record. want_key NULL accepts any key. The record points
 * into data, which must outlive it. -CS_E_INPUT (or -CS_E_LIMIT) with a
 * reason for anything wrong: bad magic, another format, another key, a
 * checksum mismatch, truncation, an unclean path, a field out of bounds.
 */
int cs_layer_record_parse(const void *data, size_t len, const char *want_key,
			  const struct cs_limits *lim, struct cs_layer_record **ret,
			  struct cs_error *err);
void cs_layer_record_free(struct cs_layer_record *rec);
CS_DEFINE_CLEANUP(struct cs_layer_record *, cs_layer_record_free)

/*
 * Feed the walkers the layer as cs_layer_read would have (layer_begin, the
 * entries, their content, layer_end) and fill in info's walk results. A
 * walker that asks for an elided file gets neither data nor data_end for it;
 * asking for a file the record holds no content of is an error (the record
 * was made for other walkers). Does not touch the image's budget.
 */
int cs_layer_record_replay(const struct cs_layer_record *rec, struct cs_layer_info *info,
			   const struct cs_walker *walkers, size_t n_walkers, struct cs_error *err);

/*
 * The key of a layer's record: SHA-256 (hex) over the cache format, the
 * diff_id, the consumer's identity (e.g. "catalog os:1 dpkg:1 ...") and the
 * limits that change what reading a layer yields.
 */
int cs_layer_cache_key(const char *diff_id, const char *consumer, const struct cs_limits *lim,
		       char key[CS_LAYER_CACHE_KEY_LEN + 1]);

/* --- the store: one directory of records --- */

struct cs_layer_cache;

/* dir is created (0700) on the first store. */
int cs_layer_cache_new(const char *dir, struct cs_layer_cache **ret);
void cs_layer_cache_free(struct cs_layer_cache *c);
CS_DEFINE_CLEANUP(struct cs_layer_cache *, cs_layer_cache_free)
const char *cs_layer_cache_dir(const struct cs_layer_cache *c);

/*
 * Load and check the record of key: 0, -CS_E_NOTFOUND when there is none,
 * another error (with the reason) when the file is unusable. A hit marks the
 * record as recently used (prune keeps those longest).
 */
int cs_layer_cache_load(struct cs_layer_cache *c, const char *key, const struct cs_limits *lim,
			struct cs_layer_record **ret, struct cs_error *err);
/* Write a record (temporary file, then rename over any older one). */
int cs_layer_cache_store(struct cs_layer_cache *c, const char *key, const void *data, size_t len,
			 struct cs_error *err);

/*
 * A blob: what a consumer other than the walk (an analyser) keeps of one
 * layer, opaque to the store. "CSLBLOB\n", the format, the key, the payload
 * length, the payload, then the hex SHA-256 of everything before it. Checked
 * whole before the payload is handed out; anything wrong is -CS_E_INPUT
 * with a reason (a miss for the caller).
 */
#define CS_LAYER_BLOB_MAX ((size_t)64 << 20)
int cs_layer_blob_make(struct cs_buf *b, const char *key, const void *payload, size_t n);
int cs_layer_blob_parse(const void *data, size_t len, const char *want_key, const void **payload,
			size_t *n, struct cs_error *err);
/*
 * Load and check the blob of key: 0 with *owned (free it) holding the bytes
 * and payload/n pointing into them, -CS_E_NOTFOUND when there is none,
 * another error with the reason when the file is unusable.
 */
int cs_layer_cache_load_blob(struct cs_layer_cache *c, const char *key, void **owned,
			     const void **payload, size_t *n, struct cs_error *err);

struct cs_layer_cache_stats {
	uint64_t records;
	uint64_t bytes;	     /* of the records */
	uint64_t temp_files; /* unfinished writes (a scan in progress, or one that died) */
	uint64_t temp_bytes;
};
/* A missing directory is an empty cache. */
int cs_layer_cache_stat(struct cs_layer_cache *c, struct cs_layer_cache_stats *ret,
			struct cs_error *err);
/*
 * max_bytes 0: remove every record and temporary file. Otherwise remove the
 * least recently used records until the rest take at most max_bytes, and
 * temporary files older than a day. ret: what was removed.
 */
int cs_layer_cache_prune(struct cs_layer_cache *c, uint64_t max_bytes,
			 struct cs_layer_cache_stats *ret, struct cs_error *err);
