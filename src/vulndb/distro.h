/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the distribution feed importers (imp_debian.c: Debian
 * security tracker lists and JSON export; imp_oval.c: OVAL 5 definitions
 * of Debian, Ubuntu and the RHEL family), shared with their unit tests and
 * fuzz targets. Parsing is split from writing: a parser hands records to a
 * sink, and the importers' sink is the database writer, so a parser can be
 * tested and fuzzed without a database. Parsers never touch the network
 * and never follow references outside the document.
 */
#pragma once

#include "vulndb/importer.h"

/*
 * Debian release codename ("bookworm", "sid") to a namespace ("debian:12",
 * "debian:unstable"); NULL if unknown.
 */
const char *cs_debian_namespace(const char *codename, size_t n);

/*
 * Debian security tracker, list syntax: data/DSA/list, data/DLA/list and
 * data/CVE/list (the kind is told by the records themselves). `file` names
 * the input in reports. Bad records or lines are reported through rep and
 * skipped; input that is not a tracker list at all is -CS_E_INPUT.
 * -ENOMEM or a sink failure is returned as is.
 */
struct cs_debian_list;
int cs_debian_list_new(const char *file, const struct cs_record_sink *sink,
		       struct cs_import_report *rep, struct cs_debian_list **ret);
/* Feed one line (without its newline); lineno counts from 1. */
int cs_debian_list_line(struct cs_debian_list *p, const char *line, size_t n, uint64_t lineno,
			struct cs_error *err);
/* Flush the last record. */
int cs_debian_list_finish(struct cs_debian_list *p, struct cs_error *err);
void cs_debian_list_free(struct cs_debian_list *p);
CS_DEFINE_CLEANUP(struct cs_debian_list *, cs_debian_list_free)
/* All of it at once, from memory. */
int cs_debian_list_parse(const char *data, size_t len, const char *file,
			 const struct cs_record_sink *sink, struct cs_import_report *rep,
			 struct cs_error *err);

/*
 * The tracker's JSON export ({pkg: {CVE: {description, releases: {...}}}}).
 * Each package's object is parsed on its own, so memory stays bounded by
 * the largest package rather than the whole export.
 */
int cs_debian_json_parse(const char *data, size_t len, const char *file,
			 const struct cs_record_sink *sink, struct cs_import_report *rep,
			 struct cs_error *err);

/* What a file looks like: 0 not a tracker file, 1 list syntax, 2 JSON export. */
int cs_debian_tracker_sniff(const void *head, size_t n);

/* Limits of the OVAL parser. */
#define CS_OVAL_MAX_DEPTH 64	       /* element nesting */
#define CS_OVAL_MAX_ITEMS (4u << 20)   /* definitions + tests + objects + states + values */
#define CS_OVAL_MAX_DOC	  (2ull << 30) /* decompressed document */
#define CS_OVAL_MAX_REFS  4096	       /* references / test refs in one definition */

/*
 * Parse an OVAL 5 definitions document from memory (plain XML). `file`
 * names it in reports and helps to name the namespace when the document
 * does not (e.g. "org.rockylinux.rlsa-9.xml" -> "rocky:9"). No DTD is
 * loaded, no entity expanded, nothing fetched.
 */
int cs_oval_parse(const char *data, size_t len, const char *file, const struct cs_record_sink *sink,
		  struct cs_import_report *rep, struct cs_error *err);
/* The same from a file, plain or bzip2-compressed (told by content). */
int cs_oval_parse_file(const char *path, const struct cs_record_sink *sink,
		       struct cs_import_report *rep, struct cs_error *err);
