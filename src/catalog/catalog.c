/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The catalog walker and finish step. During the one pass over the layers,
 * files that a cataloger asked for are buffered (bounded) and parsed; a
 * malformed file is a warning naming it, never the end of the scan. After
 * the walk, only packages declared by files the merged view still shows are
 * kept, each with the lowest layer whose copy of the same declaring file
 * already had the same package and version (the layer that introduced it).
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/path.h"
#include "catalog/catalog.h"
#include "catalog/internal.h"
#include "catalog/purl.h"

extern const struct cs_cataloger cs_cataloger_os;
extern const struct cs_cataloger cs_cataloger_dpkg;
extern const struct cs_cataloger cs_cataloger_apk;
extern const struct cs_cataloger cs_cataloger_rpm;
extern const struct cs_cataloger cs_cataloger_python;
extern const struct cs_cataloger cs_cataloger_npm;
extern const struct cs_cataloger cs_cataloger_gobinary;
extern const struct cs_cataloger cs_cataloger_rust;
extern const struct cs_cataloger cs_cataloger_java;
extern const struct cs_cataloger cs_cataloger_ruby;
extern const struct cs_cataloger cs_cataloger_php;
extern const struct cs_cataloger cs_cataloger_dotnet;

const struct cs_cataloger *const cs_catalogers[] = {
	&cs_cataloger_os,
	&cs_cataloger_dpkg,
	&cs_cataloger_apk,
	&cs_cataloger_rpm,
	&cs_cataloger_python,
	&cs_cataloger_npm,
	&cs_cataloger_gobinary,
	&cs_cataloger_rust,
	&cs_cataloger_java,
	&cs_cataloger_ruby,
	&cs_cataloger_php,
	&cs_cataloger_dotnet,
	NULL,
};
const size_t cs_catalogers_count = CS_ARRAY_SIZE(cs_catalogers) - 1;

bool cs_path_has_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path), m = strlen(suffix);

	return n >= m && memcmp(path + n - m, suffix, m) == 0;
}

bool cs_path_basename_is(const char *path, const char *name)
{
	return strcmp(cs_path_basename(path), name) == 0;
}

struct cs_catalog_scan {
	struct cs_catalog *cat;
	const struct cs_cataloger **list;
	void **states;
	size_t n;
	bool *interested; /* per cataloger, for the current file */
	bool buffering;
	bool sniffed;
	bool overflowed; /* dropped: larger than its entry said */
	struct cs_buf content;
};

#define SNIFF_BYTES 64

int cs_catalog_scan_new(struct cs_catalog *cat, const struct cs_cataloger *const *catalogers,
			struct cs_catalog_scan **ret)
{
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *s = NULL;
	const struct cs_cataloger *const *src = catalogers ? catalogers : cs_catalogers;
	size_t n = 0;

	while (src[n])
		n++;
	s = cs_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cat = cat;
	s->list = cs_new0(const struct cs_cataloger *, n);
	s->states = cs_new0(void *, n);
	s->interested = cs_new0(bool, n);
	if (!s->list || !s->states || !s->interested)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		s->list[i] = src[i];
		if (src[i]->state_new) {
			s->states[i] = src[i]->state_new();
			if (!s->states[i])
				return -ENOMEM;
		}
		s->n++;
	}
	cs_buf_init(&s->content, 0);
	*ret = CS_TAKE_PTR(s);
	return 0;
}

void cs_catalog_scan_free(struct cs_catalog_scan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->list[i]->state_free)
			s->list[i]->state_free(s->states[i]);
	free(s->states);
	free(s->list);
	free(s->interested);
	cs_buf_done(&s->content);
	free(s);
}

static int scan_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct cs_catalog_scan *s = ud;
	uint64_t max = 0;
	bool any = false;
	int r;

	(void)err;
	s->buffering = false;
	s->overflowed = false;
	if (e->type != CS_ENTRY_REG)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		s->interested[i] = s->list[i]->wants(e->path, e);
		if (!s->interested[i])
			continue;
		if (e->size > s->list[i]->max_size) {
			char sz[32];

			s->interested[i] = false;
			r = cs_catalog_warn(s->cat,
					    "%s: skipped '%s' in layer %u: %s is over its limit",
					    s->list[i]->name, e->path, e->layer,
					    cs_format_size(e->size, sz, sizeof(sz)));
			if (r < 0)
				return r;
			continue;
		}
		any = true;
		max = CS_MAX(max, s->list[i]->max_size);
	}
	if (!any)
		return 0;
	cs_buf_reset(&s->content);
	s->content.max = (size_t)max;
	s->buffering = true;
	s->sniffed = false;
	return 1;
}

/*
 * Let catalogers with a sniff() look at the first bytes; stop if nobody is
 * left. They see exactly the first SNIFF_BYTES (fewer only for a shorter
 * file), however the content was chunked, so the decision is a function of
 * those bytes alone (the layer cache keeps only them for a turned-down file).
 */
static void scan_sniff(struct cs_catalog_scan *s)
{
	bool any = false;

	s->sniffed = true;
	for (size_t i = 0; i < s->n; i++) {
		if (s->interested[i] && s->list[i]->sniff)
			s->interested[i] = s->list[i]->sniff(s->content.data ? s->content.data : "",
							     CS_MIN(s->content.len, SNIFF_BYTES));
		any = any || s->interested[i];
	}
	if (!any)
		s->buffering = false;
}

static int scan_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		     struct cs_error *err)
{
	struct cs_catalog_scan *s = ud;
	int r;

	if (!s->buffering)
		return 0;
	r = cs_buf_append(&s->content, p, n);
	if (r == -CS_E_LIMIT) {
		/* the entry lied about its size; skip the file */
		s->buffering = false;
		s->overflowed = true;
		return cs_catalog_warn(s->cat, "skipped '%s' in layer %u: larger than declared",
				       e->path, e->layer);
	}
	if (r < 0)
		return cs_error_errno(err, r, "cannot buffer '%s'", e->path);
	if (!s->sniffed && s->content.len >= SNIFF_BYTES)
		scan_sniff(s);
	return 0;
}

static int scan_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct cs_catalog_scan *s = ud;
	const char *data;

	if (s->buffering && !s->sniffed)
		scan_sniff(s);
	if (!s->buffering)
		return 0;
	s->buffering = false;
	data = s->content.data ? s->content.data : "";
	for (size_t i = 0; i < s->n; i++) {
		struct cs_cataloger_file f = { e->path, e->layer, e, s->states[i] };
		struct cs_error perr = CS_ERROR_INIT;
		size_t before = cs_catalog_count(s->cat);
		int r;

		if (!s->interested[i] || s->content.len > s->list[i]->max_size)
			continue;
		r = s->list[i]->parse(s->cat, &f, data, s->content.len, &perr);
		if (r < 0)
			cs_catalog_truncate_(s->cat, before); /* nothing from a bad file */
		if (r == -ENOMEM)
			return cs_error_errno(err, r, "%s: cannot parse '%s'", s->list[i]->name,
					      e->path);
		if (r < 0) {
			r = cs_catalog_warn(s->cat, "%s: skipped '%s' in layer %u: %s",
					    s->list[i]->name, e->path, e->layer,
					    perr.msg[0] ? perr.msg : cs_strerror(r));
			if (r < 0)
				return r;
		}
	}
	/* large buffers are not kept between files */
	if (s->content.cap > (1u << 20)) {
		cs_buf_done(&s->content);
		cs_buf_init(&s->content, 0);
	}
	return 0;
}

int cs_catalog_scan_pending_(struct cs_catalog_scan *s, const char **data, size_t *len,
			     bool *stateful)
{
	if (s->buffering && !s->sniffed)
		scan_sniff(s);
	*data = s->content.data ? s->content.data : "";
	*len = s->content.len;
	*stateful = false;
	if (s->overflowed)
		return -1;
	if (!s->buffering) {
		*len = CS_MIN(*len, (size_t)SNIFF_BYTES);
		return 0;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->interested[i] && s->list[i]->state_new)
			*stateful = true;
	return 1;
}

bool cs_catalog_scan_wants_(const struct cs_catalog_scan *s, const struct cs_entry *e)
{
	if (e->type != CS_ENTRY_REG)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (s->list[i]->wants(e->path, e) && e->size <= s->list[i]->max_size)
			return true;
	return false;
}

const struct cs_cataloger *const *cs_catalog_scan_catalogers_(const struct cs_catalog_scan *s,
							      size_t *ret_n)
{
	*ret_n = s->n;
	return s->list;
}

void cs_catalog_scan_walker(struct cs_catalog_scan *s, struct cs_walker *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->userdata = s;
	ret->entry = scan_entry;
	ret->data = scan_data;
	ret->data_end = scan_data_end;
}

/* --- finish --- */

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : (b ? -1 : 0);
	return strcmp(a, b);
}

/* identity of a declaration: type, declaring path, name, version; then layer */
static int cmp_declaration(const void *x, const void *y)
{
	const struct cs_package *a = *(struct cs_package *const *)x;
	const struct cs_package *b = *(struct cs_package *const *)y;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = cmp_str(a->path, b->path)) || (c = cmp_str(a->namespace, b->namespace)) ||
	    (c = cmp_str(a->name, b->name)) || (c = cmp_str(a->version, b->version)))
		return c;
	return a->layer < b->layer ? -1 : a->layer > b->layer;
}

/* final order: OS packages first, then by type, name, version, path */
static int cmp_output(const void *x, const void *y)
{
	const struct cs_package *a = *(struct cs_package *const *)x;
	const struct cs_package *b = *(struct cs_package *const *)y;
	int c;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if ((c = cmp_str(a->namespace, b->namespace)) || (c = cmp_str(a->name, b->name)) ||
	    (c = cmp_str(a->version, b->version)) || (c = cmp_str(a->path, b->path)))
		return c;
	return a->layer < b->layer ? -1 : a->layer > b->layer;
}

/* Is the copy of `path` that `layer` provided the one the merged view shows? */
static bool declaration_visible(struct cs_overlay *ov, const char *path, unsigned layer)
{
	const struct cs_overlay_entry *e;
	const char *bang;

	if (!ov || !path)
		return true;
	if (cs_overlay_lookup(ov, path, false, &e, NULL) == 0)
		return e->layer == layer;
	/* "outer.jar!inner/file": the outer file decides */
	bang = strchr(path, '!');
	if (bang) {
		_cleanup_free_ char *outer = cs_strndup(path, (size_t)(bang - path));

		if (outer && cs_overlay_lookup(ov, outer, false, &e, NULL) == 0)
			return e->layer == layer;
	}
	return false;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Drop language packages declared by a file that an OS package owns: the OS
 * package already reports that software (python3-six's dist-info is six).
 * What a binary embeds (its Go modules, its Rust crates) is other software
 * and stays.
 */
static int drop_owned(struct cs_package **pkgs, size_t *n)
{
	_cleanup_free_ char **owned = NULL;
	size_t n_owned = 0, cap = 0, k = 0;

	for (size_t i = 0; i < *n; i++) {
		if (!cs_pkg_type_is_os(pkgs[i]->type))
			continue;
		for (size_t f = 0; f < pkgs[i]->n_files; f++) {
			if (CS_GROW(owned, cap, n_owned + 1) < 0)
				return -ENOMEM;
			owned[n_owned++] = pkgs[i]->files[f];
		}
	}
	if (n_owned == 0)
		return 0;
	qsort(owned, n_owned, sizeof(*owned), cmp_strp);
	for (size_t i = 0; i < *n; i++) {
		struct cs_package *p = pkgs[i];

		if (!cs_pkg_type_is_os(p->type) && !p->embedded && p->path &&
		    bsearch(&p->path, owned, n_owned, sizeof(*owned), cmp_strp)) {
			cs_log_debug("%s %s at '%s' is owned by an OS package", p->name,
				     p->version ? p->version : "", p->path);
			cs_package_free(p);
			continue;
		}
		pkgs[k++] = p;
	}
	*n = k;
	return 0;
}

int cs_catalog_scan_finish(struct cs_catalog_scan *s, struct cs_overlay *ov, struct cs_error *err)
{
	struct cs_package **pkgs;
	size_t *n, k = 0;
	int r;

	for (size_t i = 0; i < s->n; i++) {
		if (!s->list[i]->finish)
			continue;
		r = s->list[i]->finish(s->cat, s->states[i], ov, err);
		if (r < 0)
			return cs_error_prefix(err, "%s", s->list[i]->name);
	}
	pkgs = cs_catalog_packages_(s->cat, &n);
	if (*n == 0)
		return 0;
	/* group the declarations of each package by file, lowest layer first */
	qsort(pkgs, *n, sizeof(*pkgs), cmp_declaration);
	for (size_t i = 0; i < *n;) {
		size_t j = i + 1;
		unsigned lowest = pkgs[i]->layer;

		while (j < *n && pkgs[j]->type == pkgs[i]->type &&
		       !cmp_str(pkgs[j]->path, pkgs[i]->path) &&
		       !cmp_str(pkgs[j]->namespace, pkgs[i]->namespace) &&
		       !cmp_str(pkgs[j]->name, pkgs[i]->name) &&
		       !cmp_str(pkgs[j]->version, pkgs[i]->version))
			j++;
		for (size_t m = i; m < j; m++) {
			struct cs_package *p = pkgs[m];

			if (!declaration_visible(ov, p->path, p->layer)) {
				cs_package_free(p);
				continue;
			}
			p->introduced = lowest;
			pkgs[k++] = p;
		}
		i = j;
	}
	*n = k;
	r = drop_owned(pkgs, n);
	if (r < 0)
		return cs_error_errno(err, r, "cannot deduplicate packages");
	for (size_t i = 0; i < *n; i++) {
		if (pkgs[i]->purl)
			continue;
		r = cs_purl_for_package(pkgs[i], cs_catalog_os(s->cat), &pkgs[i]->purl);
		if (r < 0)
			return cs_error_errno(err, r, "cannot make the purl of '%s'",
					      pkgs[i]->name);
	}
	qsort(pkgs, *n, sizeof(*pkgs), cmp_output);
	return 0;
}

int cs_catalog_image_walk(struct cs_image *img, struct cs_catalog *cat,
			  const struct cs_walker *extra, size_t n_extra, struct cs_overlay **ret_ov,
			  struct cs_error *err)
{
	_cleanup_(cs_overlay_freep) struct cs_overlay *ov = NULL;
	_cleanup_(cs_catalog_scan_freep) struct cs_catalog_scan *scan = NULL;
	_cleanup_free_ struct cs_walker *w = NULL;
	size_t n = 0;
	int r;

	w = cs_new0(struct cs_walker, n_extra + 2);
	if (!w)
		return cs_error_errno(err, -ENOMEM, "cannot start the walk");
	r = cs_overlay_new(cs_image_limits(img), &ov);
	if (r >= 0 && cat)
		r = cs_catalog_scan_new(cat, NULL, &scan);
	if (r < 0)
		return cs_error_errno(err, r, "cannot start the catalog");
	cs_overlay_walker(ov, &w[n++]);
	if (scan)
		cs_catalog_scan_walker(scan, &w[n++]);
	for (size_t i = 0; i < n_extra; i++)
		w[n++] = extra[i];
	r = cs_image_walk(img, w, n, -1, err);
	if (r < 0)
		return r;
	if (scan) {
		r = cs_catalog_scan_finish(scan, ov, err);
		if (r < 0)
			return r;
	}
	if (ret_ov)
		*ret_ov = CS_TAKE_PTR(ov);
	return 0;
}

int cs_catalog_image(struct cs_image *img, struct cs_catalog *cat, struct cs_error *err)
{
	return cs_catalog_image_walk(img, cat, NULL, 0, NULL, err);
}
