/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/audit.h"
#include "basic/alloc.h"

static const char *const status_names[_CS_CHECK_STATUS_MAX] = {
	[CS_CHECK_PASS] = "pass", [CS_CHECK_FAIL] = "fail",	[CS_CHECK_WARN] = "warn",
	[CS_CHECK_INFO] = "info", [CS_CHECK_MANUAL] = "manual", [CS_CHECK_SKIP] = "skip",
};

const char *cs_check_status_name(enum cs_check_status s)
{
	return s < _CS_CHECK_STATUS_MAX ? status_names[s] : "unknown";
}

int cs_check_status_from_name(const char *s, enum cs_check_status *ret)
{
	for (int i = 0; i < _CS_CHECK_STATUS_MAX; i++)
		if (s && !strcmp(s, status_names[i])) {
			*ret = (enum cs_check_status)i;
			return 0;
		}
	return -EINVAL;
}

int cs_audit_new(const char *kind, struct cs_audit **ret)
{
	struct cs_audit *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->kind = kind;
	*ret = a;
	return 0;
}

static void check_clear(struct cs_check *c)
{
	free((char *)c->id);
	free((char *)c->cis);
	free((char *)c->title);
	free((char *)c->target);
	free((char *)c->evidence);
	free((char *)c->path);
	free((char *)c->remediation);
	free((char *)c->url);
	free((char *)c->suppressed_by);
	free((char *)c->justification);
}

void cs_audit_free(struct cs_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		check_clear(&a->v[i]);
	for (size_t i = 0; i < a->n_suppressed; i++)
		check_clear(&a->suppressed[i]);
	for (size_t i = 0; i < a->n_warnings; i++)
		free(a->warnings[i]);
	free(a->v);
	free(a->suppressed);
	free(a->warnings);
	free(a);
}

static int dup_opt(const char *s, const char **ret)
{
	*ret = NULL;
	if (!s)
		return 0;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static int check_copy(struct cs_check *d, const struct cs_check *s, const char *evidence)
{
	*d = (struct cs_check){ .severity = s->severity, .status = s->status, .line = s->line };
	if (dup_opt(s->id, &d->id) < 0 || dup_opt(s->cis, &d->cis) < 0 ||
	    dup_opt(s->title, &d->title) < 0 || dup_opt(s->target, &d->target) < 0 ||
	    dup_opt(evidence, &d->evidence) < 0 || dup_opt(s->path, &d->path) < 0 ||
	    dup_opt(s->remediation, &d->remediation) < 0 || dup_opt(s->url, &d->url) < 0 ||
	    dup_opt(s->suppressed_by, &d->suppressed_by) < 0 ||
	    dup_opt(s->justification, &d->justification) < 0) {
		check_clear(d);
		return -ENOMEM;
	}
	return 0;
}

static int push(struct cs_check **v, size_t *n, size_t *cap, const struct cs_check *c,
		const char *evidence)
{
	int r;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct cs_check *nv = reallocarray(*v, nc, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	r = check_copy(&(*v)[*n], c, evidence);
	if (r < 0)
		return r;
	(*n)++;
	return 0;
}

int cs_audit_add(struct cs_audit *a, const struct cs_check *c)
{
	return push(&a->v, &a->n, &a->cap, c, c->evidence);
}

int cs_audit_addf(struct cs_audit *a, const struct cs_check *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cs_audit_addv(a, c, fmt, ap);
	va_end(ap);
	return r;
}

int cs_audit_addv(struct cs_audit *a, const struct cs_check *c, const char *fmt, va_list ap)
{
	char *ev = NULL;
	int r;

	r = vasprintf(&ev, fmt, ap);
	if (r < 0)
		return -ENOMEM;
	r = push(&a->v, &a->n, &a->cap, c, ev);
	free(ev);
	return r;
}

int cs_audit_add_suppressed(struct cs_audit *a, const struct cs_check *c)
{
	return push(&a->suppressed, &a->n_suppressed, &a->cap_suppressed, c, c->evidence);
}

int cs_audit_warn(struct cs_audit *a, const char *fmt, ...)
{
	char *w = NULL, **nv;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&w, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	nv = reallocarray(a->warnings, a->n_warnings + 1, sizeof(*nv));
	if (!nv) {
		free(w);
		return -ENOMEM;
	}
	a->warnings = nv;
	a->warnings[a->n_warnings++] = w;
	return 0;
}

static int status_rank(enum cs_check_status s)
{
	static const int rank[_CS_CHECK_STATUS_MAX] = {
		[CS_CHECK_FAIL] = 0, [CS_CHECK_WARN] = 1, [CS_CHECK_MANUAL] = 2,
		[CS_CHECK_INFO] = 3, [CS_CHECK_PASS] = 4, [CS_CHECK_SKIP] = 5,
	};
	return s < _CS_CHECK_STATUS_MAX ? rank[s] : 6;
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int check_cmp(const void *pa, const void *pb)
{
	const struct cs_check *a = pa, *b = pb;
	int r;

	r = status_rank(a->status) - status_rank(b->status);
	if (r)
		return r;
	/* enum cs_severity: a higher value is more severe */
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	r = strcmp0(a->id, b->id);
	if (r)
		return r;
	r = strcmp0(a->target, b->target);
	if (r)
		return r;
	r = strcmp0(a->path, b->path);
	if (r)
		return r;
	return (a->line > b->line) - (a->line < b->line);
}

void cs_audit_sort(struct cs_audit *a)
{
	if (a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), check_cmp);
	if (a->n_suppressed > 1)
		qsort(a->suppressed, a->n_suppressed, sizeof(*a->suppressed), check_cmp);
}

static size_t filter(struct cs_check *v, size_t n, const bool *sev, bool problems_only)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bool problem = v[i].status == CS_CHECK_FAIL || v[i].status == CS_CHECK_WARN ||
			       v[i].status == CS_CHECK_MANUAL;

		if ((sev && !sev[v[i].severity]) || (problems_only && !problem)) {
			check_clear(&v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

void cs_audit_filter(struct cs_audit *a, const bool *sev, bool problems_only)
{
	a->n = filter(a->v, a->n, sev, problems_only);
	a->n_suppressed = filter(a->suppressed, a->n_suppressed, sev, problems_only);
}

size_t cs_audit_count(const struct cs_audit *a, enum cs_check_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n; i++)
		n += a->v[i].status == s;
	return n;
}

bool cs_audit_failed(const struct cs_audit *a, const bool *sev)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].status == CS_CHECK_FAIL && (!sev || sev[a->v[i].severity]))
			return true;
	return false;
}
