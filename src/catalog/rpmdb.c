/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The three containers of rpm header blobs, read from memory:
 *  - Berkeley DB hash files: the metadata page gives the byte order and
 *    page size; hash pages hold key/value pairs, and a value too big for
 *    a page lives on a chain of overflow pages. Each overflow page may
 *    belong to one chain only, which also catches cycles.
 *  - NDB: a header, slot pages (package index, block offset, block count)
 *    and blobs framed by 'BlbS' ... adler32, length, 'BlbE'.
 *  - SQLite: the Packages table through sqlite's in-memory deserialise,
 *    read-only, with triggers, views and untrusted schema functions off and
 *    a bound on the work a query may do.
 * Nothing here writes a file or trusts a count, offset or length.
 */
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sqlite3.h>
#include <zlib.h>
#include "basic/alloc.h"
#include "catalog/rpm.h"

/* the largest blob rpm itself accepts */
#define RPM_BLOB_MAX (8 + (size_t)CS_RPM_HEADER_MAX_TAGS * 16 + CS_RPM_HEADER_MAX_DATA)

/* ---------------------------------------------------------------- BDB */

#define BDB_HASH_MAGIC	0x061561u
#define BDB_BTREE_MAGIC 0x053162u
#define BDB_PAGE_HDR	26 /* lsn 8, pgno 4, prev 4, next 4, entries 2, hf_offset 2, level, type */
#define BDB_META_MIN	72 /* the generic metadata page header */

enum {
	BDB_P_HASH_UNSORTED = 2,
	BDB_P_OVERFLOW = 7,
	BDB_P_HASHMETA = 8,
	BDB_P_HASH = 13,
};

enum {
	BDB_H_KEYDATA = 1,
	BDB_H_OFFPAGE = 3,
};

struct bdb {
	const uint8_t *data;
	uint32_t pagesize;
	uint32_t npages;
	bool swap;	 /* big-endian file */
	uint32_t *owner; /* per page: the overflow chain that used it (0 = none) */
	uint32_t chains;
};

static uint32_t rd32(const struct bdb *b, const uint8_t *p)
{
	if (b->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const struct bdb *b, const uint8_t *p)
{
	return b->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static const uint8_t *bdb_page(const struct bdb *b, uint32_t pgno)
{
	return b->data + (size_t)pgno * b->pagesize;
}

/* Copy the value held on the overflow chain starting at pgno (tlen bytes) into *ret. */
static int bdb_overflow(struct bdb *b, uint32_t pgno, uint32_t tlen, uint8_t **ret,
			struct cs_error *err)
{
	_cleanup_free_ uint8_t *out = NULL;
	uint32_t chain = ++b->chains, got = 0;

	/* every byte comes from a distinct page of this file */
	if (tlen == 0 || tlen > RPM_BLOB_MAX ||
	    tlen > (uint64_t)b->npages * (b->pagesize - BDB_PAGE_HDR))
		return cs_error_set(err, -CS_E_INPUT, "overflow item of %u bytes out of range",
				    tlen);
	out = cs_malloc(tlen);
	if (!out)
		return -ENOMEM;
	while (got < tlen) {
		const uint8_t *pg;
		uint32_t n;

		if (pgno == 0 || pgno >= b->npages)
			return cs_error_set(err, -CS_E_INPUT,
					    "overflow chain points at page %u of %u", pgno,
					    b->npages);
		if (b->owner[pgno])
			return cs_error_set(err, -CS_E_INPUT, "overflow page %u is used twice%s",
					    pgno, b->owner[pgno] == chain ? " (a cycle)" : "");
		b->owner[pgno] = chain;
		pg = bdb_page(b, pgno);
		if (pg[25] != BDB_P_OVERFLOW)
			return cs_error_set(err, -CS_E_INPUT,
					    "page %u in an overflow chain has type %u", pgno,
					    pg[25]);
		n = rd16(b, pg + 22); /* bytes used on this page */
		if (n == 0 || n > b->pagesize - BDB_PAGE_HDR || n > tlen - got)
			return cs_error_set(err, -CS_E_INPUT,
					    "overflow page %u holds %u bytes, %u expected", pgno, n,
					    tlen - got);
		memcpy(out + got, pg + BDB_PAGE_HDR, n);
		got += n;
		pgno = rd32(b, pg + 16);
	}
	*ret = CS_TAKE_PTR(out);
	return 0;
}

static int bdb_hash_page(struct bdb *b, uint32_t pgno, cs_rpm_blob_fn fn, void *userdata,
			 struct cs_error *err)
{
	const uint8_t *pg = bdb_page(b, pgno);
	uint32_t entries = rd16(b, pg + 20);
	size_t inp_end = BDB_PAGE_HDR + (size_t)entries * 2;

	if (inp_end > b->pagesize)
		return cs_error_set(err, -CS_E_INPUT, "hash page %u claims %u entries", pgno,
				    entries);
	/* entries come in pairs: key at i, value at i + 1, stored from the page end down */
	for (uint32_t i = 0; i + 1 < entries; i += 2) {
		uint32_t koff = rd16(b, pg + BDB_PAGE_HDR + i * 2);
		uint32_t voff = rd16(b, pg + BDB_PAGE_HDR + (i + 1) * 2);
		int r;

		if (voff < inp_end || voff >= b->pagesize || koff < inp_end || koff >= b->pagesize)
			return cs_error_set(err, -CS_E_INPUT,
					    "hash page %u entry %u at offset %u out of range", pgno,
					    i + 1, voff);
		if (pg[voff] == BDB_H_OFFPAGE) {
			_cleanup_free_ uint8_t *blob = NULL;
			uint32_t tlen;

			if (voff + 12 > b->pagesize)
				return cs_error_set(err, -CS_E_INPUT,
						    "hash page %u entry %u truncated", pgno, i + 1);
			tlen = rd32(b, pg + voff + 8);
			r = bdb_overflow(b, rd32(b, pg + voff + 4), tlen, &blob, err);
			if (r < 0)
				return r;
			r = fn(blob, tlen, userdata, err);
			if (r < 0)
				return r;
		} else if (pg[voff] == BDB_H_KEYDATA) {
			/* inline value: up to the item above it, the key */
			size_t vlen;

			if (koff <= voff)
				return cs_error_set(err, -CS_E_INPUT,
						    "hash page %u entry %u overlaps its key", pgno,
						    i + 1);
			vlen = koff - voff - 1;
			/* rpm keeps its 4-byte instance counter under key 0 */
			if (vlen <= 4)
				continue;
			r = fn(pg + voff + 1, vlen, userdata, err);
			if (r < 0)
				return r;
		}
		/* duplicates (H_DUPLICATE, H_OFFDUP) are never used by rpm */
	}
	return 0;
}

int cs_rpm_bdb_walk(const uint8_t *data, size_t len, cs_rpm_blob_fn fn, void *userdata,
		    struct cs_error *err)
{
	_cleanup_free_ uint32_t *owner = NULL;
	struct bdb b = { .data = data };
	uint32_t magic, last;
	int r;

	if (len < BDB_META_MIN)
		return cs_error_set(err, -CS_E_INPUT, "berkeley db file of %zu bytes is truncated",
				    len);
	magic = rd32(&b, data + 12);
	if (magic != BDB_HASH_MAGIC && magic != BDB_BTREE_MAGIC) {
		b.swap = true;
		magic = rd32(&b, data + 12);
	}
	if (magic == BDB_BTREE_MAGIC)
		return cs_error_set(err, -CS_E_UNSUPPORTED, "berkeley db btree, not a hash");
	if (magic != BDB_HASH_MAGIC)
		return cs_error_set(err, -CS_E_INPUT, "not a berkeley db hash file");
	b.pagesize = rd32(&b, data + 20);
	if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1)))
		return cs_error_set(err, -CS_E_INPUT, "berkeley db page size %u", b.pagesize);
	if (data[25] != BDB_P_HASHMETA)
		return cs_error_set(err, -CS_E_INPUT, "berkeley db metadata page has type %u",
				    data[25]);
	if (data[24] != 0)
		return cs_error_set(err, -CS_E_UNSUPPORTED, "encrypted berkeley db");
	if (data[26] & 0x01)
		return cs_error_set(err, -CS_E_UNSUPPORTED, "berkeley db with page checksums");
	if (len < b.pagesize)
		return cs_error_set(err, -CS_E_INPUT, "berkeley db shorter than one page");
	last = rd32(&b, data + 32);
	/* pages past the end of the file are not there to read */
	b.npages = (uint32_t)CS_MIN((uint64_t)last + 1, len / b.pagesize);
	owner = cs_new0(uint32_t, b.npages);
	if (!owner)
		return -ENOMEM;
	b.owner = owner;
	for (uint32_t pgno = 1; pgno < b.npages; pgno++) {
		uint8_t type = bdb_page(&b, pgno)[25];

		if (type != BDB_P_HASH && type != BDB_P_HASH_UNSORTED)
			continue;
		r = bdb_hash_page(&b, pgno, fn, userdata, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- NDB */

#define NDB_MAGIC	0x506d7052u /* "RpmP" little-endian */
#define NDB_SLOT_MAGIC	0x746f6c53u /* "Slot" */
#define NDB_BLOB_MAGIC	0x53626c42u /* "BlbS" */
#define NDB_TAIL_MAGIC	0x45626c42u /* "BlbE" */
#define NDB_HEADER_SIZE 32
#define NDB_SLOT_SIZE	16
#define NDB_BLK_SIZE	16
#define NDB_PAGE_SIZE	4096
#define NDB_BLOBHEAD	16
#define NDB_BLOBTAIL	12

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

struct ndb_slot {
	uint32_t pkgidx, blkoff, blkcnt;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct ndb_slot *x = a, *y = b;

	return x->blkoff < y->blkoff ? -1 : x->blkoff > y->blkoff;
}

/* Check every used slot and that no two share a block (as rpm does when it opens the file). */
static int ndb_slots(const uint8_t *data, size_t len, uint64_t slot_end, struct ndb_slot **ret,
		     size_t *ret_n, struct cs_error *err)
{
	_cleanup_free_ struct ndb_slot *v = NULL;
	_cleanup_free_ struct ndb_slot *sorted = NULL;
	size_t n = 0, cap = 0;

	for (uint64_t off = NDB_HEADER_SIZE; off < slot_end; off += NDB_SLOT_SIZE) {
		const uint8_t *s = data + off;
		struct ndb_slot sl = { le32(s + 4), le32(s + 8), le32(s + 12) };
		uint64_t start = (uint64_t)sl.blkoff * NDB_BLK_SIZE;
		uint64_t size = (uint64_t)sl.blkcnt * NDB_BLK_SIZE;

		if (le32(s) != NDB_SLOT_MAGIC)
			return cs_error_set(err, -CS_E_INPUT,
					    "ndb slot at offset %" PRIu64 " has a bad magic", off);
		if (sl.pkgidx == 0)
			continue; /* free slot */
		if (start < slot_end || size < NDB_BLOBHEAD + NDB_BLOBTAIL || start > len ||
		    size > len - start)
			return cs_error_set(err, -CS_E_INPUT,
					    "ndb slot of package %u: blocks %u+%u out of range",
					    sl.pkgidx, sl.blkoff, sl.blkcnt);
		if (CS_GROW(v, cap, n + 1) < 0)
			return -ENOMEM;
		v[n++] = sl;
	}
	if (n) {
		sorted = cs_memdup(v, n * sizeof(*v));
		if (!sorted)
			return -ENOMEM;
		qsort(sorted, n, sizeof(*sorted), cmp_slot);
		for (size_t i = 1; i < n; i++)
			if ((uint64_t)sorted[i - 1].blkoff + sorted[i - 1].blkcnt >
			    sorted[i].blkoff)
				return cs_error_set(err, -CS_E_INPUT,
						    "ndb slots of packages %u and %u overlap",
						    sorted[i - 1].pkgidx, sorted[i].pkgidx);
	}
	*ret = CS_TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

int cs_rpm_ndb_walk(const uint8_t *data, size_t len, cs_rpm_blob_fn fn, void *userdata,
		    struct cs_error *err)
{
	_cleanup_free_ struct ndb_slot *slots = NULL;
	uint64_t slot_end;
	size_t n = 0;
	uint32_t npages;
	int r;

	if (len < NDB_HEADER_SIZE)
		return cs_error_set(err, -CS_E_INPUT, "ndb file of %zu bytes is truncated", len);
	if (le32(data) != NDB_MAGIC)
		return cs_error_set(err, -CS_E_INPUT, "not an ndb package database");
	if (le32(data + 4) != 0)
		return cs_error_set(err, -CS_E_UNSUPPORTED, "ndb version %u", le32(data + 4));
	npages = le32(data + 12);
	slot_end = (uint64_t)npages * NDB_PAGE_SIZE;
	if (npages == 0 || slot_end > len)
		return cs_error_set(err, -CS_E_INPUT, "ndb claims %u slot pages in %zu bytes",
				    npages, len);
	r = ndb_slots(data, len, slot_end, &slots, &n, err);
	if (r < 0)
		return r;
	/* slots do not overlap: the work below is linear in the file */
	for (size_t i = 0; i < n; i++) {
		const struct ndb_slot *sl = &slots[i];
		const uint8_t *blob = data + (size_t)sl->blkoff * NDB_BLK_SIZE, *tail;
		size_t size = (size_t)sl->blkcnt * NDB_BLK_SIZE;
		uint32_t bloblen = le32(blob + 12);

		if (le32(blob) != NDB_BLOB_MAGIC || le32(blob + 4) != sl->pkgidx)
			return cs_error_set(err, -CS_E_INPUT, "ndb blob of package %u: bad header",
					    sl->pkgidx);
		/* the blob fills its blocks but for the last one's padding */
		if ((uint64_t)NDB_BLOBHEAD + bloblen + NDB_BLOBTAIL > size ||
		    size - ((uint64_t)NDB_BLOBHEAD + bloblen + NDB_BLOBTAIL) >= NDB_BLK_SIZE)
			return cs_error_set(err, -CS_E_INPUT,
					    "ndb blob of package %u: %u bytes in %u blocks",
					    sl->pkgidx, bloblen, sl->blkcnt);
		tail = blob + size - NDB_BLOBTAIL;
		if (le32(tail + 8) != NDB_TAIL_MAGIC || le32(tail + 4) != bloblen)
			return cs_error_set(err, -CS_E_INPUT, "ndb blob of package %u: bad trailer",
					    sl->pkgidx);
		/* over the blob header, the blob and its padding */
		if ((uint32_t)adler32_z(1, blob, size - NDB_BLOBTAIL) != le32(tail))
			return cs_error_set(err, -CS_E_DIGEST,
					    "ndb blob of package %u: checksum mismatch",
					    sl->pkgidx);
		r = fn(blob + NDB_BLOBHEAD, bloblen, userdata, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- SQLite */

#define SQLITE_PROGRESS_STEP 10000

struct sqlite_budget {
	uint64_t calls, max_calls;
};

static int sqlite_progress(void *p)
{
	struct sqlite_budget *b = p;

	return ++b->calls > b->max_calls; /* nonzero interrupts the query */
}

static int sqlite_fail(sqlite3 *db, int rc, const char *what, struct cs_error *err)
{
	if (rc == SQLITE_NOMEM)
		return -ENOMEM;
	if (rc == SQLITE_INTERRUPT)
		return cs_error_set(err, -CS_E_LIMIT, "sqlite %s: too much work", what);
	return cs_error_set(err, -CS_E_INPUT, "sqlite %s: %s", what,
			    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int sqlite_walk(sqlite3 *db, uint8_t *image, size_t len, cs_rpm_blob_fn fn, void *userdata,
		       struct cs_error *err)
{
	struct sqlite_budget budget = { 0, 0 };
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)CS_MIN(RPM_BLOB_MAX, (size_t)INT_MAX));
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	/* a generous budget of VM steps proportional to the file: a real scan needs far less */
	budget.max_calls = ((uint64_t)len * 64 + 100000000) / SQLITE_PROGRESS_STEP;
	sqlite3_progress_handler(db, SQLITE_PROGRESS_STEP, sqlite_progress, &budget);

	rc = sqlite3_deserialize(db, "main", image, (sqlite3_int64)len, (sqlite3_int64)len,
				 SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK)
		return sqlite_fail(db, rc, "open", err);
	rc = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sqlite_fail(db, rc, "query", err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob;
		int n;

		/* never trust the schema: the column may hold anything */
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
			r = cs_error_set(err, -CS_E_INPUT, "sqlite row %lld: blob is not a blob",
					 (long long)sqlite3_column_int64(st, 0));
			break;
		}
		blob = sqlite3_column_blob(st, 1);
		n = sqlite3_column_bytes(st, 1);
		if (!blob || n <= 0) {
			if (sqlite3_errcode(db) == SQLITE_NOMEM) {
				r = -ENOMEM;
				break;
			}
			blob = "";
			n = 0;
		}
		r = fn(blob, (size_t)n, userdata, err);
		if (r < 0)
			break;
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = sqlite_fail(db, rc, "read", err);
	sqlite3_finalize(st);
	return r;
}

int cs_rpm_sqlite_walk(const uint8_t *data, size_t len, cs_rpm_blob_fn fn, void *userdata,
		       struct cs_error *err)
{
	_cleanup_free_ uint8_t *image = NULL;
	sqlite3 *db = NULL;
	int rc, r;

	if (len < 100 || memcmp(data, "SQLite format 3", 16))
		return cs_error_set(err, -CS_E_INPUT, "not an sqlite database");
	/*
	 * A private copy: sqlite wants a writable pointer, and a database in WAL
	 * mode (rpm's default) must be marked as a rollback-journal one for the
	 * in-memory VFS, which has no WAL; without its -wal file the main file
	 * is what a reader would see anyway.
	 */
	image = cs_memdup(data, len);
	if (!image)
		return -ENOMEM;
	if (image[18] == 2)
		image[18] = 1;
	if (image[19] == 2)
		image[19] = 1;
	rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		r = db ? sqlite_fail(db, rc, "open", err) : -ENOMEM;
		sqlite3_close(db);
		return r;
	}
	r = sqlite_walk(db, image, len, fn, userdata, err);
	sqlite3_close(db);
	return r;
}
