/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Between the writer and the build driver only: not for importers.
 */
#pragma once

#include "vulndb/vulndb.h"

/* How many cs_vulndb_put_source() calls the writer has seen. */
uint64_t cs_vulndb_writer_source_calls(const struct cs_vulndb_writer *w);
