/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Feed importers: one table entry per advisory format (libscap vtable
 * style). `customs db build --from DIR...` walks each directory, asks every
 * importer whether it recognises a file (or a directory, for feeds that are
 * trees), and imports it. Bad records are reported with file and position
 * (cs_import_report_bad) and skipped; a file that cannot be read at all is
 * an error that fails the build (and the old database stays).
 */
#pragma once

#include "vulndb/vulndb.h"

struct cs_import_report {
	uint64_t records; /* affected records written */
	uint64_t vulns;
	uint64_t skipped; /* bad records */
	/* called for each bad record: file, position ("line 12", "record 3", "/vulns/4") and reason
	 */
	void (*bad)(void *ud, const char *file, const char *position, const char *reason);
	void *userdata;
	/*
	 * The feed's own date (RFC 3339 or YYYY-MM-DD) if the format carries
	 * one; set through cs_import_report_updated(), which keeps the newest.
	 * The build driver falls back to the newest file mtime.
	 */
	char updated[40];
};

void cs_import_report_bad(struct cs_import_report *r, const char *file, const char *position,
			  const char *fmt, ...) CS_PRINTF(4, 5);

/*
 * Read a whole feed file (regular files only) into a NUL-terminated
 * buffer (the NUL is not counted in *ret_len); a gzip file is decompressed
 * transparently. Fails with -CS_E_LIMIT beyond max (decompressed) bytes.
 */
int cs_import_read_file(const char *path, size_t max, char **ret, size_t *ret_len,
			struct cs_error *err);

/* Note the feed's date (keeps the newest of the values given). */
void cs_import_report_updated(struct cs_import_report *r, const char *date);

/* Where an importer's parsed records go; any callback may be NULL (records dropped). */
struct cs_record_sink {
	int (*vuln)(void *ud, const struct cs_vuln *v, struct cs_error *err);
	int (*alias)(void *ud, const char *id, const char *alias, struct cs_error *err);
	int (*affected)(void *ud, const struct cs_affected *a, struct cs_error *err);
	void *userdata;
};

/* The sink that writes into w and counts into rep (records, vulns); rep may be NULL. */
struct cs_record_writer_sink {
	struct cs_record_sink sink;
	struct cs_vulndb_writer *w;
	struct cs_import_report *rep;
};
void cs_record_writer_sink_init(struct cs_record_writer_sink *s, struct cs_vulndb_writer *w,
				struct cs_import_report *rep);

/*
 * Writing conventions for import(): count each affected row written in
 * rep->records (KEV and EPSS count their rows there too) and each
 * vulnerability in rep->vulns. The build driver records one sources row
 * per importer and top directory from those counts, named after
 * importer->name, unless import() recorded its own rows with
 * cs_vulndb_put_source() (e.g. one per release: "oval:debian:12").
 */
struct cs_importer {
	const char *name; /* "osv", "alpine-secdb", "debian-tracker", "oval", "rubysec", "kev",
			     "epss", "nvd" */
	/*
	 * Does this importer take `path`? (a file, or a directory it treats as
	 * one feed, e.g. ruby-advisory-db's gems/). head: the first bytes of a
	 * file (NULL for directories).
	 */
	bool (*detect)(const char *path, bool is_dir, const void *head, size_t n);
	int (*import)(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		      struct cs_error *err);
};

extern const struct cs_importer *const cs_importers[];

/*
 * Build a database at out_path from feed directories and files (build.c).
 * Each path is walked recursively in sorted order (depth-limited, symlinks
 * followed only while they stay inside it, hidden entries skipped). A
 * directory an importer takes as a whole is imported as one feed; other
 * files are offered to the importers in table order with their first 512
 * bytes. Files no importer recognises are reported through rep->bad with
 * the reason "unrecognised format" (not counted as skipped records). Bad
 * records are skipped; an importer error fails the build, and then the old
 * database at out_path is left untouched. rep (may be NULL) receives the
 * totals and the bad-record callbacks.
 */
int cs_vulndb_build(const char *const *paths, const char *out_path, struct cs_import_report *rep,
		    struct cs_error *err);
/*
 * The same, calling before_commit (when not NULL) on the finished writer
 * just before it replaces the database: to add meta rows or relocate
 * sources (cs_vulndb_writer_set_meta, cs_vulndb_writer_relocate). An error
 * it returns abandons the build.
 */
typedef int (*cs_vulndb_build_hook)(void *ud, struct cs_vulndb_writer *w, struct cs_error *err);
int cs_vulndb_build_with(const char *const *paths, const char *out_path,
			 struct cs_import_report *rep, cs_vulndb_build_hook before_commit, void *ud,
			 struct cs_error *err);
