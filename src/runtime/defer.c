/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The deferral queue (see defer.h): one list in arrival order across keys,
 * so the oldest item overall is the head and a key's items are met oldest
 * first by a walk from the head. Bounded by max_total, so the walks are.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/defer.h"

struct node {
	struct node *prev, *next;
	uint64_t at_ms;
	char key[CS_DEFER_KEY_MAX];
	unsigned char item[];
};

struct cs_defer {
	size_t item_size, max_total, max_per_key;
	uint64_t wait_ms;
	struct node *head, *tail;
	size_t count;
};

int cs_defer_new(size_t item_size, size_t max_total, size_t max_per_key, uint64_t wait_ms,
		 struct cs_defer **ret)
{
	struct cs_defer *d;

	if (!item_size || !max_total || !max_per_key || item_size > SIZE_MAX / 2)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->item_size = item_size;
	d->max_total = max_total;
	d->max_per_key = max_per_key;
	d->wait_ms = wait_ms;
	*ret = d;
	return 0;
}

void cs_defer_free(struct cs_defer *d)
{
	struct node *n, *next;

	if (!d)
		return;
	for (n = d->head; n; n = next) {
		next = n->next;
		free(n);
	}
	free(d);
}

size_t cs_defer_count(const struct cs_defer *d)
{
	return d->count;
}

static struct node *first_of(const struct cs_defer *d, const char *key)
{
	for (struct node *n = d->head; n; n = n->next)
		if (!strcmp(n->key, key))
			return n;
	return NULL;
}

size_t cs_defer_count_key(const struct cs_defer *d, const char *key)
{
	size_t k = 0;

	for (const struct node *n = d->head; n; n = n->next)
		k += !strcmp(n->key, key);
	return k;
}

static void unlink_node(struct cs_defer *d, struct node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		d->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		d->tail = n->prev;
	d->count--;
}

/* Take n out of the queue and hand it to fn; freed afterwards. */
static int leave(struct cs_defer *d, struct node *n, enum cs_defer_reason why, cs_defer_fn fn,
		 void *ud)
{
	int r;

	unlink_node(d, n);
	r = fn(n->item, n->key, why, ud);
	free(n);
	return r;
}

int cs_defer_push(struct cs_defer *d, const char *key, const void *item, uint64_t now_ms,
		  cs_defer_fn fn, void *ud)
{
	size_t kl = strlen(key);
	struct node *n;
	int r;

	if (kl >= CS_DEFER_KEY_MAX)
		return -ENAMETOOLONG;
	if (cs_defer_count_key(d, key) >= d->max_per_key &&
	    (r = leave(d, first_of(d, key), CS_DEFER_FULL, fn, ud)) < 0)
		return r;
	if (d->count >= d->max_total && (r = leave(d, d->head, CS_DEFER_FULL, fn, ud)) < 0)
		return r;
	n = malloc(sizeof(*n) + d->item_size);
	if (!n)
		return -ENOMEM;
	memcpy(n->key, key, kl + 1);
	memcpy(n->item, item, d->item_size);
	n->at_ms = now_ms;
	n->next = NULL;
	n->prev = d->tail;
	if (d->tail)
		d->tail->next = n;
	else
		d->head = n;
	d->tail = n;
	d->count++;
	return 0;
}

static int release_key(struct cs_defer *d, const char *key, enum cs_defer_reason why,
		       cs_defer_fn fn, void *ud)
{
	char k[CS_DEFER_KEY_MAX];
	struct node *n;
	int count = 0, r;

	/* key may point into a node about to be freed */
	if (strlen(key) >= sizeof(k))
		return 0;
	memcpy(k, key, strlen(key) + 1);
	while ((n = first_of(d, k))) {
		r = leave(d, n, why, fn, ud);
		if (r < 0)
			return r;
		count++;
	}
	return count;
}

int cs_defer_release(struct cs_defer *d, const char *key, cs_defer_fn fn, void *ud)
{
	return release_key(d, key, CS_DEFER_READY, fn, ud);
}

int cs_defer_expire(struct cs_defer *d, uint64_t now_ms, cs_defer_fn fn, void *ud)
{
	int count = 0, r;

	/* the head is the oldest item of all: while it is due, its key goes */
	while (d->head && now_ms - d->head->at_ms >= d->wait_ms && now_ms >= d->head->at_ms) {
		r = release_key(d, d->head->key, CS_DEFER_TIMEOUT, fn, ud);
		if (r < 0)
			return r;
		count += r;
	}
	return count;
}

int64_t cs_defer_next_ms(const struct cs_defer *d, uint64_t now_ms)
{
	uint64_t due;

	if (!d->head)
		return -1;
	due = d->head->at_ms + d->wait_ms;
	return due <= now_ms ? 0 : (int64_t)(due - now_ms);
}
