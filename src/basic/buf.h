/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounded growable buffer (curl dynbuf). Every buffer has a maximum size;
 * growing past it fails with -CS_E_LIMIT instead of exhausting memory.
 * The data is always NUL-terminated for convenience, but parsers must use
 * (data, len) and never rely on the terminator.
 */
#pragma once

#include "macro.h"
#include "error.h"

struct cs_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

#define CS_BUF_INIT(maxsize)          \
	{                             \
		NULL, 0, 0, (maxsize) \
	}

void cs_buf_init(struct cs_buf *b, size_t max);
void cs_buf_done(struct cs_buf *b);
void cs_buf_reset(struct cs_buf *b);
/* 0, -ENOMEM or -CS_E_LIMIT */
int cs_buf_append(struct cs_buf *b, const void *p, size_t n);
int cs_buf_putc(struct cs_buf *b, char c);
int cs_buf_puts(struct cs_buf *b, const char *s);
int cs_buf_printf(struct cs_buf *b, const char *fmt, ...) CS_PRINTF(2, 3);
/* Hand the data over to the caller (NUL-terminated); the buffer is reset. */
char *cs_buf_steal(struct cs_buf *b, size_t *ret_len);

static inline void cs_buf_donep_(struct cs_buf *b)
{
	cs_buf_done(b);
}
#define _cleanup_buf_ _cleanup_(cs_buf_donep_)
