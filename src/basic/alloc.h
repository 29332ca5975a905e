/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checked allocation. Nothing here aborts: allocation failure and size
 * overflow return NULL with errno = ENOMEM (or EOVERFLOW for overflow), so
 * callers return -ENOMEM up the stack.
 */
#pragma once

#include <string.h>
#include "macro.h"

void *cs_malloc(size_t n);
void *cs_zalloc(size_t n);
void *cs_mallocarray(size_t nmemb, size_t size);
void *cs_reallocarray(void *p, size_t nmemb, size_t size);
char *cs_strdup(const char *s);
char *cs_strndup(const char *s, size_t n);
void *cs_memdup(const void *p, size_t n);
/* printf into a new string, NULL on failure */
char *cs_asprintf(const char *fmt, ...) CS_PRINTF(1, 2);

#define cs_new0(type, n) ((type *)cs_calloc_array((n), sizeof(type)))
void *cs_calloc_array(size_t nmemb, size_t size);

/*
 * Grow *array (of *cap elements of size `size`) so that it holds at least
 * `need` elements, doubling. Returns 0 or -ENOMEM.
 */
int cs_grow(void **array, size_t *cap, size_t need, size_t size);
#define CS_GROW(arr, cap, need) cs_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* Free a NULL-terminated array of strings and the array. */
void cs_strv_free(char **v);
size_t cs_strv_len(char *const *v);
CS_DEFINE_CLEANUP(char **, cs_strv_free)
#define _cleanup_strv_free_ _cleanup_(cs_strv_freep)
