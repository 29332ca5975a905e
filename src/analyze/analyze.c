/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The issue list and the one-pass image analysis that feeds it.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analyze.h"
#include "analyze/config.h"
#include "analyze/malware.h"
#include "analyze/secret.h"
#include "basic/alloc.h"
#include "basic/hash.h"

#define ISSUES_MAX_WARNINGS 1000

/* The image analysers; each lives in its own file of this folder. */
static const struct cs_analyzer *const analyzers[] = {
	&cs_analyzer_config,
	&cs_analyzer_malware,
	&cs_analyzer_secret,
	NULL,
};

static const char *const kind_names[_CS_ISSUE_KIND_MAX] = {
	[CS_ISSUE_SECRET] = "secret",
	[CS_ISSUE_MALWARE] = "malware",
	[CS_ISSUE_CONFIG] = "config",
	[CS_ISSUE_DOCKERFILE] = "dockerfile",
};

const char *cs_issue_kind_name(enum cs_issue_kind k)
{
	return (unsigned)k < _CS_ISSUE_KIND_MAX ? kind_names[k] : "unknown";
}

const struct cs_analyzer *cs_analyzer_find(const char *name)
{
	for (size_t i = 0; analyzers[i]; i++)
		if (!strcmp(analyzers[i]->name, name))
			return analyzers[i];
	return NULL;
}

const char *cs_analyzer_names(void)
{
	static char names[128];

	if (!names[0]) {
		size_t o = 0;

		for (size_t i = 0; analyzers[i] && o < sizeof(names); i++)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? "," : "",
					      analyzers[i]->name);
	}
	return names;
}

int cs_issues_new(struct cs_issues **ret)
{
	*ret = cs_zalloc(sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

static void issue_done(struct cs_issue *x)
{
	free((char *)x->rule_id);
	free((char *)x->title);
	free((char *)x->path);
	free((char *)x->where);
	free((char *)x->excerpt);
	free((char *)x->message);
	free((char *)x->remediation);
	free((char *)x->url);
	free((char *)x->suppressed_by);
	free((char *)x->justification);
}

void cs_issues_free(struct cs_issues *is)
{
	if (!is)
		return;
	for (size_t i = 0; i < is->n; i++)
		issue_done(&is->v[i]);
	for (size_t i = 0; i < is->n_suppressed; i++)
		issue_done(&is->suppressed[i]);
	for (size_t i = 0; i < is->n_warnings; i++)
		free(is->warnings[i]);
	free(is->v);
	free(is->suppressed);
	free(is->warnings);
	free(is);
}

static int dup_field(const char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = cs_strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int cs_issues_add(struct cs_issues *is, const struct cs_issue *x)
{
	struct cs_issue *y;
	int r = 0;

	if (CS_GROW(is->v, is->cap, is->n + 1) < 0)
		return -ENOMEM;
	y = &is->v[is->n];
	*y = *x;
	r |= dup_field(&y->rule_id, x->rule_id);
	r |= dup_field(&y->title, x->title);
	r |= dup_field(&y->path, x->path);
	r |= dup_field(&y->where, x->where);
	r |= dup_field(&y->excerpt, x->excerpt);
	r |= dup_field(&y->message, x->message);
	r |= dup_field(&y->remediation, x->remediation);
	r |= dup_field(&y->url, x->url);
	r |= dup_field(&y->suppressed_by, x->suppressed_by);
	r |= dup_field(&y->justification, x->justification);
	if (r < 0) {
		issue_done(y);
		return -ENOMEM;
	}
	is->n++;
	return 0;
}

int cs_issues_warn(struct cs_issues *is, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int r;

	if (is->n_warnings >= ISSUES_MAX_WARNINGS)
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (!(is->n_warnings & (is->n_warnings + 1)) || !is->warnings) {
		/* grow at 0, 1, 3, 7...: capacity doubles */
		char **w = cs_reallocarray(is->warnings, 2 * is->n_warnings + 1, sizeof(*w));

		if (!w) {
			free(s);
			return -ENOMEM;
		}
		is->warnings = w;
	}
	is->warnings[is->n_warnings++] = s;
	return 0;
}

int cs_issues_suppress(struct cs_issues *is, size_t i, const char *by, const char *why)
{
	struct cs_issue *x;
	int r = 0;

	assert(i < is->n);
	if (CS_GROW(is->suppressed, is->cap_suppressed, is->n_suppressed + 1) < 0)
		return -ENOMEM;
	x = &is->suppressed[is->n_suppressed];
	*x = is->v[i];
	free((char *)x->suppressed_by);
	free((char *)x->justification);
	r |= dup_field(&x->suppressed_by, by);
	r |= dup_field(&x->justification, why);
	if (r < 0) {
		free((char *)x->suppressed_by);
		free((char *)x->justification);
		x->suppressed_by = x->justification = NULL;
		is->v[i].suppressed_by = is->v[i].justification = NULL;
		return -ENOMEM;
	}
	is->n_suppressed++;
	memmove(&is->v[i], &is->v[i + 1], (is->n - i - 1) * sizeof(*is->v));
	is->n--;
	return 0;
}

void cs_issues_filter(struct cs_issues *is, bool (*keep)(const struct cs_issue *, void *), void *ud)
{
	size_t k = 0;

	for (size_t i = 0; i < is->n; i++) {
		if (keep(&is->v[i], ud))
			is->v[k++] = is->v[i];
		else
			issue_done(&is->v[i]);
	}
	is->n = k;
}

static int cmp_str0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_issue(const void *pa, const void *pb)
{
	const struct cs_issue *a = pa, *b = pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = cmp_str0(a->path, b->path)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if ((c = cmp_str0(a->rule_id, b->rule_id)) || (c = cmp_str0(a->where, b->where)))
		return c;
	return a->layer < b->layer ? -1 : a->layer > b->layer;
}

void cs_issues_sort(struct cs_issues *is)
{
	if (is->n > 1)
		qsort(is->v, is->n, sizeof(*is->v), cmp_issue);
	if (is->n_suppressed > 1)
		qsort(is->suppressed, is->n_suppressed, sizeof(*is->suppressed), cmp_issue);
}

char *cs_issue_redact(const char *secret, size_t len)
{
	size_t keep = len / 4 < 4 ? len / 4 : 4;

	return cs_asprintf("%.*s*****", (int)keep, secret ? secret : "");
}

/* --- payloads of the per-layer cache --- */

#define CACHE_STR_MAX ((size_t)1 << 20)

int cs_cache_put_u64(struct cs_buf *b, uint64_t v)
{
	unsigned char p[8];

	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	return cs_buf_append(b, p, sizeof(p));
}

int cs_cache_put_str(struct cs_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int r;

	if (n > CACHE_STR_MAX)
		return -CS_E_LIMIT;
	/* 0: NULL; n + 1: a string of n bytes, then its NUL */
	r = cs_cache_put_u64(b, s ? n + 1 : 0);
	if (r >= 0 && s)
		r = cs_buf_append(b, s, n + 1);
	return r;
}

int cs_cache_put_issue(struct cs_buf *b, const struct cs_issue *x)
{
	const char *s[] = { x->rule_id, x->title,   x->path,	    x->where,
			    x->excerpt, x->message, x->remediation, x->url };
	int r;

	r = cs_cache_put_u64(b, (uint64_t)x->kind | ((uint64_t)x->severity << 8));
	if (r >= 0)
		r = cs_cache_put_u64(b, (uint64_t)x->line | ((uint64_t)x->column << 32));
	if (r >= 0)
		r = cs_cache_put_u64(b, (uint64_t)x->end_line | ((uint64_t)x->end_column << 32));
	for (size_t i = 0; i < CS_ARRAY_SIZE(s) && r >= 0; i++)
		r = cs_cache_put_str(b, s[i]);
	return r;
}

uint64_t cs_cache_get_u64(struct cs_cache_reader *r)
{
	uint64_t v = 0;

	if (r->bad || r->len - r->pos < 8) {
		r->bad = true;
		return 0;
	}
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | r->p[r->pos + (size_t)i];
	r->pos += 8;
	return v;
}

const char *cs_cache_get_str(struct cs_cache_reader *r)
{
	uint64_t n = cs_cache_get_u64(r);
	const char *s;

	if (r->bad || n == 0)
		return NULL;
	if (n - 1 > CACHE_STR_MAX || n > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	s = (const char *)r->p + r->pos;
	if (s[n - 1] != '\0' || memchr(s, '\0', (size_t)n - 1)) {
		r->bad = true;
		return NULL;
	}
	r->pos += (size_t)n;
	return s;
}

int cs_cache_put_mem(struct cs_buf *b, const void *p, size_t n)
{
	int r = cs_cache_put_u64(b, p ? (uint64_t)n + 1 : 0);

	if (r >= 0 && p && n)
		r = cs_buf_append(b, p, n);
	return r;
}

const void *cs_cache_get_mem(struct cs_cache_reader *r, size_t max, size_t *n)
{
	uint64_t k = cs_cache_get_u64(r);
	const void *p;

	*n = 0;
	if (r->bad || k == 0)
		return NULL;
	if (k - 1 > max || k - 1 > r->len - r->pos) {
		r->bad = true;
		return NULL;
	}
	p = r->p + r->pos;
	r->pos += (size_t)(k - 1);
	*n = (size_t)(k - 1);
	return p;
}

void cs_cache_get_issue(struct cs_cache_reader *r, int layer, struct cs_issue *x)
{
	uint64_t a = cs_cache_get_u64(r), pos = cs_cache_get_u64(r), end = cs_cache_get_u64(r);

	*x = (struct cs_issue){ 0 };
	if ((a & 0xff) >= _CS_ISSUE_KIND_MAX || (a >> 8) > CS_SEV_CRITICAL)
		r->bad = true;
	x->kind = (enum cs_issue_kind)(a & 0xff);
	x->severity = (enum cs_severity)((a >> 8) & 0xff);
	x->line = (unsigned)(uint32_t)pos;
	x->column = (unsigned)(pos >> 32);
	x->end_line = (unsigned)(uint32_t)end;
	x->end_column = (unsigned)(end >> 32);
	x->rule_id = cs_cache_get_str(r);
	x->title = cs_cache_get_str(r);
	x->path = cs_cache_get_str(r);
	x->where = cs_cache_get_str(r);
	x->excerpt = cs_cache_get_str(r);
	x->message = cs_cache_get_str(r);
	x->remediation = cs_cache_get_str(r);
	x->url = cs_cache_get_str(r);
	x->layer = layer;
}

int cs_cache_hash_file(struct cs_hash *h, const char *path)
{
	char chunk[65536];
	int fd, r;

	r = cs_hash_update(h, path, strlen(path) + 1);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t k = read(fd, chunk, sizeof(chunk));

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			break;
		}
		if (k == 0)
			break;
		r = cs_hash_update(h, chunk, (size_t)k);
		if (r < 0)
			break;
	}
	close(fd);
	return r < 0 ? r : 0;
}

size_t cs_cache_get_count(struct cs_cache_reader *r, size_t min_size)
{
	uint64_t n = cs_cache_get_u64(r);

	if (r->bad || min_size == 0 || n > (r->len - r->pos) / min_size) {
		r->bad = true;
		return 0;
	}
	return (size_t)n;
}

int cs_analyze_image(struct cs_image *img, struct cs_catalog *cat, struct cs_layer_cache *cache,
		     const struct cs_analyzer *const *an, size_t n_an,
		     const struct cs_analyze_options *o, struct cs_issues *out,
		     struct cs_error *err)
{
	_cleanup_(cs_overlay_freep) struct cs_overlay *ov = NULL;
	_cleanup_free_ struct cs_walker *w = NULL;
	_cleanup_free_ struct cs_cached_walker *cw = NULL;
	_cleanup_free_ void **states = NULL;
	struct cs_analyze_context ctx = { 0 };
	size_t n_w = 0;
	int r = 0;

	if (n_an == 0)
		return cat ? cs_catalog_image_cached(img, cat, cache, err) : 0;
	states = cs_new0(void *, n_an);
	w = cs_new0(struct cs_walker, n_an);
	cw = cs_new0(struct cs_cached_walker, n_an);
	if (!states || !w || !cw)
		return cs_error_errno(err, -ENOMEM, "cannot start the analysis");
	for (size_t i = 0; i < n_an && r >= 0; i++) {
		r = an[i]->state_new(o, &states[i], err);
		if (r < 0)
			cs_error_prefix(err, "%s", an[i]->name);
		else if (an[i]->walker) {
			an[i]->walker(states[i], &w[n_w]);
			cw[n_w] = (struct cs_cached_walker){
				.w = w[n_w],
				.name = an[i]->name,
				.state = states[i],
				.id = an[i]->cache_id ? an[i]->cache_id(states[i]) : NULL,
				.save = an[i]->layer_save,
				.restore = an[i]->layer_restore,
			};
			n_w++;
		}
	}
	/* with a cache, a layer every analyser and the catalog saw before is not read */
	if (r >= 0 && cache)
		r = cs_catalog_image_walk_cached(img, cat, cache, cw, n_w, &ov, err);
	else if (r >= 0)
		r = cs_catalog_image_walk(img, cat, w, n_w, &ov, err);
	ctx.img = img;
	ctx.ov = ov;
	ctx.cat = cat;
	ctx.opts = o;
	for (size_t i = 0; i < n_an && r >= 0; i++) {
		r = an[i]->finish(states[i], &ctx, out, err);
		if (r < 0)
			cs_error_prefix(err, "%s", an[i]->name);
	}
	for (size_t i = 0; i < n_an; i++)
		if (states[i])
			an[i]->state_free(states[i]);
	if (r >= 0)
		cs_issues_sort(out);
	return r;
}
