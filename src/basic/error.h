/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error type and conventions.
 *
 * Functions return 0 (or a positive count) on success and a negative code on
 * failure: -errno, or one of the CS_E* codes below. When a function takes a
 * `struct cs_error *`, it also fills in a one-line message naming the failing
 * thing: lowercase, no full stop, the input quoted, e.g.
 *     cannot open layer 'sha256:ab12..': truncated gzip stream
 * Callers add context with cs_error_prefix(). Library code never prints.
 */
#pragma once

#include <stdarg.h>
#include "macro.h"

enum {
	CS_E_BASE = 10000,
	CS_E_INPUT,	  /* malformed or hostile input */
	CS_E_LIMIT,	  /* a configured limit was exceeded */
	CS_E_DIGEST,	  /* content does not match its digest */
	CS_E_UNSUPPORTED, /* valid but not supported */
	CS_E_NOTFOUND,	  /* a named thing does not exist */
	CS_E_AUTH,	  /* authentication or authorisation failed */
	CS_E_NETWORK,	  /* network or remote server failure */
	CS_E_USAGE,	  /* bad command line */
	CS_E_INTERNAL,	  /* a bug or an unexpected internal state */
};

#define CS_ERROR_MSG_MAX 1024

struct cs_error {
	int code;		    /* negative, 0 when unset */
	char msg[CS_ERROR_MSG_MAX]; /* one line */
};

#define CS_ERROR_INIT \
	{             \
		0, "" \
	}

/* Set err (may be NULL) and return code, which must be negative. */
int cs_error_set(struct cs_error *err, int code, const char *fmt, ...) CS_PRINTF(3, 4);
int cs_error_setv(struct cs_error *err, int code, const char *fmt, va_list ap) CS_PRINTF(3, 0);
/* Set from an errno value (positive or negative), appending strerror. */
int cs_error_errno(struct cs_error *err, int errnum, const char *fmt, ...) CS_PRINTF(3, 4);
/* Prepend context: "ctx: old message". Returns err->code. */
int cs_error_prefix(struct cs_error *err, const char *fmt, ...) CS_PRINTF(2, 3);
void cs_error_clear(struct cs_error *err);
/* Short name of a code ("limit exceeded", strerror for errno values). */
const char *cs_strerror(int code);
/*
 * Process exit status for an error code: 2 for bad input or usage (the
 * common case), 3 for internal failures (out of memory, bugs).
 */
int cs_error_exit_status(int code);
