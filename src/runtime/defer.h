/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events held back while their container's metadata (name, image, labels)
 * is still being asked of the engine, so that no rule sees a container
 * without its image and no other container's events wait behind them.
 *
 * Items (fixed-size copies, e.g. events) are queued under a key (the
 * container's full id) in arrival order. They leave through the caller's
 * function, always oldest first within a key:
 *   - cs_defer_release: the key's metadata arrived (CS_DEFER_READY);
 *   - cs_defer_expire: the key's oldest item has waited wait_ms: every item
 *     of that key leaves (CS_DEFER_TIMEOUT), the caller stops waiting for it;
 *   - cs_defer_push on a full queue (max_per_key items of the key, or
 *     max_total in all): the oldest of the key, or the oldest of all, leaves
 *     first (CS_DEFER_FULL). Nothing is ever dropped.
 * Single-threaded; the caller's function must not call back into the queue.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CS_DEFER_WAIT_MS     500 /* longest wait for a container's metadata */
#define CS_DEFER_MAX_TOTAL   512 /* items held in all */
#define CS_DEFER_MAX_PER_KEY 256 /* items held for one container */
#define CS_DEFER_KEY_MAX     72

enum cs_defer_reason {
	CS_DEFER_READY,	  /* the key's metadata arrived */
	CS_DEFER_TIMEOUT, /* waited wait_ms */
	CS_DEFER_FULL,	  /* pushed out by a newer item */
};

struct cs_defer;

/* One item leaving: item is valid during the call only. <0 stops (returned). */
typedef int (*cs_defer_fn)(void *item, const char *key, enum cs_defer_reason why, void *ud);

/* 0, -EINVAL (a zero bound or size) or -ENOMEM. */
int cs_defer_new(size_t item_size, size_t max_total, size_t max_per_key, uint64_t wait_ms,
		 struct cs_defer **ret);
void cs_defer_free(struct cs_defer *d);

size_t cs_defer_count(const struct cs_defer *d);
size_t cs_defer_count_key(const struct cs_defer *d, const char *key);

/*
 * Queue a copy of item under key at now_ms (a monotonic clock), after
 * releasing what a full queue pushes out. 0, -ENOMEM, -ENAMETOOLONG (key),
 * or fn's error.
 */
int cs_defer_push(struct cs_defer *d, const char *key, const void *item, uint64_t now_ms,
		  cs_defer_fn fn, void *ud);
/* Release every item of key in order (CS_DEFER_READY). Items released, or fn's error. */
int cs_defer_release(struct cs_defer *d, const char *key, cs_defer_fn fn, void *ud);
/* Release the keys whose oldest item has waited wait_ms. Items released, or fn's error. */
int cs_defer_expire(struct cs_defer *d, uint64_t now_ms, cs_defer_fn fn, void *ud);
/* Milliseconds until the next expiry (0: due), -1 when empty. */
int64_t cs_defer_next_ms(const struct cs_defer *d, uint64_t now_ms);
