/* SPDX-License-Identifier: Apache-2.0 */
/* Catalog internals shared by the files of this folder only. */
#pragma once

#include "catalog/package.h"

void cs_catalog_set_os_(struct cs_catalog *c, struct cs_os_release *os);
void cs_os_release_free_(struct cs_os_release *o);
/* The package array and its length, for in-place filtering and sorting. */
struct cs_package **cs_catalog_packages_(struct cs_catalog *c, size_t **ret_n);
/* Drop the packages added after the first n (a file that failed to parse). */
void cs_catalog_truncate_(struct cs_catalog *c, size_t n);
/* Warnings emitted so far, kept or dropped past the cap. */
size_t cs_catalog_warnings_emitted_(const struct cs_catalog *c);

/* --- for the layer cache (layercache.c) --- */
struct cs_catalog_scan;
struct cs_cataloger;
struct cs_entry;
/*
 * At data_end of a file the scan asked for, before the scan's own data_end:
 * the bytes it holds for the file. 1: they will be parsed (*stateful: by a
 * cataloger with per-scan state among others); 0: sniffing turned the file
 * down (*len is then the length of the head that decided); -1: dropped for
 * being larger than its entry said.
 */
int cs_catalog_scan_pending_(struct cs_catalog_scan *s, const char **data, size_t *len,
			     bool *stateful);
/* Would the scan ask for this entry's content? */
bool cs_catalog_scan_wants_(const struct cs_catalog_scan *s, const struct cs_entry *e);
const struct cs_cataloger *const *cs_catalog_scan_catalogers_(const struct cs_catalog_scan *s,
							      size_t *ret_n);
