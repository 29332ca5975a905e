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
