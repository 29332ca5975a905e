/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include "alloc.h"
#include "parse.h"
#include "progress.h"
#include "table.h"

struct cs_progress_term {
	FILE *f;
	int64_t last_ns;
	bool drawn;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct cs_progress_term *cs_progress_term_new(FILE *f)
{
	struct cs_progress_term *t;

	if (!f || !isatty(fileno(f)))
		return NULL;
	t = cs_zalloc(sizeof(*t));
	if (t)
		t->f = f;
	return t;
}

void cs_progress_term_free(struct cs_progress_term *t)
{
	free(t);
}

static size_t term_width(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void term_update(void *ud, const char *what, uint64_t done, uint64_t total)
{
	struct cs_progress_term *t = ud;
	char d[32], tot[32], line[512];
	_cleanup_free_ char *safe = NULL;
	int64_t now = now_ns();
	size_t width;

	if (t->drawn && now - t->last_ns < 100000000)
		return;
	t->last_ns = now;
	safe = cs_term_sanitize(what ? what : "");
	if (!safe)
		return;
	cs_format_size(done, d, sizeof(d));
	if (total)
		snprintf(line, sizeof(line), "%s  %s / %s (%u%%)", safe, d,
			 cs_format_size(total, tot, sizeof(tot)),
			 (unsigned)(done >= total ? 100 : done * 100 / total));
	else
		snprintf(line, sizeof(line), "%s  %s", safe, d);
	width = term_width(t->f) - 1;
	if (strlen(line) > width)
		line[width] = '\0';
	fprintf(t->f, "\r\033[K%s", line);
	fflush(t->f);
	t->drawn = true;
}

static void term_finish(void *ud)
{
	struct cs_progress_term *t = ud;

	if (t->drawn) {
		fputs("\r\033[K", t->f);
		fflush(t->f);
		t->drawn = false;
	}
}

void cs_progress_term_bind(struct cs_progress_term *t, struct cs_progress *p)
{
	memset(p, 0, sizeof(*p));
	if (!t)
		return;
	p->update = term_update;
	p->finish = term_finish;
	p->userdata = t;
}
