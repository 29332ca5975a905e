/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recorded events: a compact, versioned binary file of runtime events
 * (docs/RUNTIME-RECORD.md), so that detections are reproducible and
 * testable without root. `runtime record` writes one; `runtime replay`
 * evaluates rules on one.
 *
 * A file is an 16-byte header then records; a record is a 32-bit length
 * and that many bytes of fields, each a 16-bit tag, a 16-bit length and the
 * value. Only fields that differ from a fresh event (cs_rt_event_init) are
 * written. Files are hostile: every length is checked against the field it
 * fills, enum values against their range; a bad record is counted and
 * skipped, an unknown tag is skipped (later versions may add fields), and a
 * record whose length cannot be trusted ends the file.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include "basic/error.h"
#include "basic/macro.h"
#include "runtime/event.h"

#define CS_RT_RECORD_VERSION 1
#define CS_RT_RECORD_MAX     (128u << 10) /* bytes of one record */
#define CS_RT_RECORD_MAGIC \
	"\x89"             \
	"CSE\r\n\x1a\n"
#define CS_RT_HEADER_SIZE 16

/*
 * Encode e into buf (CS_RT_RECORD_MAX bytes): the record's bytes without
 * its length prefix. Returns the length.
 */
size_t cs_rt_record_encode(const struct cs_rt_event *e, uint8_t *buf);
/* Decode one record's bytes. 0, or -CS_E_INPUT with the reason. */
int cs_rt_record_decode(const void *p, size_t n, struct cs_rt_event *e, struct cs_error *err);

struct cs_rt_writer;
/* Written to PATH.tmp-XXXXXX and renamed to path by cs_rt_writer_close(). */
int cs_rt_writer_open(const char *path, struct cs_rt_writer **ret, struct cs_error *err);
int cs_rt_writer_add(struct cs_rt_writer *w, const struct cs_rt_event *e, struct cs_error *err);
/* Flush, fsync and rename into place; frees w either way. */
int cs_rt_writer_close(struct cs_rt_writer *w, struct cs_error *err);
/* Remove the temporary file; frees w. */
void cs_rt_writer_abort(struct cs_rt_writer *w);
uint64_t cs_rt_writer_count(const struct cs_rt_writer *w);

struct cs_rt_reader;
/* -CS_E_INPUT when the file is not a recording of a version this reads. */
int cs_rt_reader_open(const char *path, struct cs_rt_reader **ret, struct cs_error *err);
/* Whether the file starts with the recording magic (for replay's format guess). */
bool cs_rt_record_sniff(const void *p, size_t n);
/*
 * The next event: 1, or 0 at the end. Bad records are skipped and counted
 * (cs_rt_reader_bad) with the last reason kept (cs_rt_reader_last_error);
 * a truncated or oversized record ends the file the same way. <0 only for
 * I/O errors.
 */
int cs_rt_reader_next(struct cs_rt_reader *r, struct cs_rt_event *e, struct cs_error *err);
uint64_t cs_rt_reader_bad(const struct cs_rt_reader *r);
const char *cs_rt_reader_last_error(const struct cs_rt_reader *r);
void cs_rt_reader_free(struct cs_rt_reader *r);
CS_DEFINE_CLEANUP(struct cs_rt_reader *, cs_rt_reader_free)
