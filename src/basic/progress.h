/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Progress of long work. The library reports progress through a callback in
 * struct cs_progress (it never prints); the CLI passes cs_progress_term,
 * which draws one self-overwriting status line on a terminal at most ten
 * times a second, and nothing when stderr is not a terminal.
 */
#pragma once

#include <stdio.h>
#include "macro.h"

struct cs_progress {
	/* what: short label ("layer 2/5 sha256:ab12…"); total 0 when unknown */
	void (*update)(void *userdata, const char *what, uint64_t done, uint64_t total);
	void (*finish)(void *userdata);
	void *userdata;
};

static inline void cs_progress_update(const struct cs_progress *p, const char *what, uint64_t done,
				      uint64_t total)
{
	if (p && p->update)
		p->update(p->userdata, what, done, total);
}

static inline void cs_progress_finish(const struct cs_progress *p)
{
	if (p && p->finish)
		p->finish(p->userdata);
}

struct cs_progress_term;
/* NULL (and no output at all) when f is not a terminal or on failure. */
struct cs_progress_term *cs_progress_term_new(FILE *f);
void cs_progress_term_free(struct cs_progress_term *t);
/* Fill p with callbacks drawing on t (t may be NULL: then p does nothing). */
void cs_progress_term_bind(struct cs_progress_term *t, struct cs_progress *p);
