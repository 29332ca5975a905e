/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpm database readers, shared by the rpm cataloger (rpm.c), its tests and
 * its fuzz target only. Three containers hold the same thing, one rpm header
 * blob per installed package: Berkeley DB hash files (`Packages`), rpm's own
 * NDB format (`Packages.db`) and SQLite (`rpmdb.sqlite`). The walkers find
 * the blobs and hand each to a callback; rpmhdr.c decodes one blob into a
 * package. No librpm, no libdb: every byte is hostile and every loop bounded.
 */
#pragma once

#include "basic/error.h"
#include "catalog/package.h"

/* rpm's own limits (hdrchkTags, hdrchkData) */
#define CS_RPM_HEADER_MAX_TAGS 0xffff
#define CS_RPM_HEADER_MAX_DATA (256u * 1024 * 1024)

/*
 * Called once per header blob found; the blob is only valid during the
 * call. Returning <0 stops the walk and the walker returns that value.
 */
typedef int (*cs_rpm_blob_fn)(const uint8_t *blob, size_t len, void *userdata,
			      struct cs_error *err);

/* Berkeley DB hash database (the `Packages` file), either byte order. */
int cs_rpm_bdb_walk(const uint8_t *data, size_t len, cs_rpm_blob_fn fn, void *userdata,
		    struct cs_error *err);
/* rpm's NDB package database (`Packages.db`); blob checksums are verified. */
int cs_rpm_ndb_walk(const uint8_t *data, size_t len, cs_rpm_blob_fn fn, void *userdata,
		    struct cs_error *err);
/* SQLite database (`rpmdb.sqlite`), read from memory, never from disk. */
int cs_rpm_sqlite_walk(const uint8_t *data, size_t len, cs_rpm_blob_fn fn, void *userdata,
		       struct cs_error *err);

/*
 * Decode one header blob (as stored in the databases: index count, data
 * length, index entries, data; no lead or magic) into a new rpm package
 * with name, version, arch, source, license, vendor, meta and files set
 * (path, layer, found_by are the caller's). *ret is NULL for the gpg-pubkey
 * pseudo-packages. 0, -ENOMEM, or -CS_E_INPUT/-CS_E_LIMIT with err set.
 */
int cs_rpm_header_decode(const uint8_t *blob, size_t len, struct cs_package **ret,
			 struct cs_error *err);
