/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small macros used everywhere: cleanup attributes, overflow-checked
 * arithmetic and array sizes. Depends on nothing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

#define CS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define cs_likely(x)	 __builtin_expect(!!(x), 1)
#define cs_unlikely(x)	 __builtin_expect(!!(x), 0)
#define CS_PRINTF(a, b)	 __attribute__((format(printf, a, b)))
#define CS_UNUSED	 __attribute__((unused))
#define CS_MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define CS_MAX(a, b)	 ((a) > (b) ? (a) : (b))

/* Checked arithmetic: return true when the result overflowed (git st_add). */
#define cs_add_overflow(a, b, res) __builtin_add_overflow(a, b, res)
#define cs_mul_overflow(a, b, res) __builtin_mul_overflow(a, b, res)

static inline void cs_freep(void *p)
{
	free(*(void **)p);
}

static inline void cs_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

#define _cleanup_(f)	__attribute__((cleanup(f)))
#define _cleanup_free_	_cleanup_(cs_freep)
#define _cleanup_close_ _cleanup_(cs_closep)

/* Take ownership of a pointer held by a cleanup variable (systemd TAKE_PTR). */
#define CS_TAKE_PTR(p)                   \
	({                               \
		__typeof__(p) _tp = (p); \
		(p) = NULL;              \
		_tp;                     \
	})

#define CS_TAKE_FD(fd)          \
	({                      \
		int _tf = (fd); \
		(fd) = -1;      \
		_tf;            \
	})

#define CS_DEFINE_CLEANUP(type, func)       \
	static inline void func##p(type *p) \
	{                                   \
		if (*p)                     \
			func(*p);           \
	}
