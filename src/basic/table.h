/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminal table writer: collect rows of text cells, then print them with
 * aligned columns. Cells are sanitised: control characters (which a hostile
 * image could use to drive the terminal) and invalid UTF-8 are shown as
 * \xNN escapes. With a width limit, the widest flexible column is shortened
 * with an ellipsis so that rows fit the terminal.
 */
#pragma once

#include <stdio.h>
#include "macro.h"

struct cs_table;

enum cs_align {
	CS_ALIGN_LEFT = 0,
	CS_ALIGN_RIGHT,
};

int cs_table_new(size_t ncols, const char *const *headers, struct cs_table **ret);
void cs_table_free(struct cs_table *t);
CS_DEFINE_CLEANUP(struct cs_table *, cs_table_free)
void cs_table_set_align(struct cs_table *t, size_t col, enum cs_align align);
/* Add a row of ncols cells (NULL shows as "-"). 0 or -ENOMEM. */
int cs_table_add_row(struct cs_table *t, const char *const *cells);
/* Variadic form: exactly ncols const char * arguments. */
int cs_table_add(struct cs_table *t, ...);
size_t cs_table_rows(const struct cs_table *t);
/* Print; width 0 means no limit. */
int cs_table_print(struct cs_table *t, FILE *f, size_t width);

/* Sanitise one string for a terminal into a new allocation. */
char *cs_term_sanitize(const char *s);
