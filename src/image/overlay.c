/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The merged view of an image's layers (overlayfs + OCI whiteout rules)
 * that remembers what each layer hid.
 *
 * A tree of nodes, one per path, found through one open-addressing hash
 * table keyed by (parent, name); each node keeps its versions top-down.
 * Only a node's top version can be visible: every new version from a higher
 * layer hides the one below. Nodes, versions and strings live in an arena
 * freed at once, so an entry costs well under 200 bytes. Only metadata is
 * kept, never content. Lookups resolve symlinks inside the root, never on
 * any real filesystem.
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "image/overlay.h"

#define ARENA_CHUNK (256 * 1024)

struct ov_version {
	struct cs_overlay_entry e; /* e.path: NULL until a lookup returns it */
	struct ov_version *lower;
};

struct ov_node {
	const char *name; /* one component, interned; "" for the root */
	uint32_t name_len;
	uint32_t hash;
	struct ov_node *parent, *first_child, *next_sibling;
	struct ov_version *top;
};

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct cs_overlay {
	struct cs_limits lim;
	struct arena_chunk *arena;
	struct ov_node root;
	struct ov_node **slots;
	size_t nslots, nnodes;
	uint64_t n_visible, n_hidden;
	struct cs_overlay_entry root_entry; /* the root when no layer lists it */
};

static void *arena_alloc(struct cs_overlay *ov, size_t n)
{
	struct arena_chunk *c = ov->arena;
	size_t need = (n + 7) & ~(size_t)7;
	void *p;

	if (need < n)
		return NULL;
	if (!c || c->size - c->used < need) {
		size_t size = CS_MAX((size_t)ARENA_CHUNK, need);

		if (size > SIZE_MAX - sizeof(*c))
			return NULL;
		c = cs_malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->next = ov->arena;
		c->used = 0;
		c->size = size;
		ov->arena = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

static char *arena_strndup(struct cs_overlay *ov, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = arena_alloc(ov, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static uint32_t hash_name(const struct ov_node *parent, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ ((uintptr_t)parent * 0x9e3779b97f4a7c15ULL);

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)name[i];
		h *= 1099511628211ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static struct ov_node *find_child(struct cs_overlay *ov, struct ov_node *parent, const char *name,
				  size_t len, uint32_t h)
{
	size_t mask = ov->nslots - 1;

	if (!ov->slots)
		return NULL;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct ov_node *n = ov->slots[i];

		if (!n)
			return NULL;
		if (n->hash == h && n->parent == parent && n->name_len == len &&
		    memcmp(n->name, name, len) == 0)
			return n;
	}
}

static int table_grow(struct cs_overlay *ov)
{
	size_t nslots = ov->nslots ? ov->nslots * 2 : 1024;
	struct ov_node **slots;

	if (nslots < ov->nslots)
		return -ENOMEM;
	slots = cs_new0(struct ov_node *, nslots);
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < ov->nslots; i++) {
		struct ov_node *n = ov->slots[i];
		size_t j;

		if (!n)
			continue;
		for (j = n->hash & (nslots - 1); slots[j]; j = (j + 1) & (nslots - 1))
			;
		slots[j] = n;
	}
	free(ov->slots);
	ov->slots = slots;
	ov->nslots = nslots;
	return 0;
}

static struct ov_node *get_child(struct cs_overlay *ov, struct ov_node *parent, const char *name,
				 size_t len, bool create)
{
	uint32_t h = hash_name(parent, name, len);
	struct ov_node *n = find_child(ov, parent, name, len, h);
	const char *iname;
	size_t j;

	if (n || !create)
		return n;
	if (len > UINT32_MAX)
		return NULL;
	if ((ov->nnodes + 1) * 4 > ov->nslots * 3 && table_grow(ov) < 0)
		return NULL;
	n = arena_alloc(ov, sizeof(*n));
	iname = arena_strndup(ov, name, len);
	if (!n || !iname)
		return NULL;
	*n = (struct ov_node){
		.name = iname,
		.name_len = (uint32_t)len,
		.hash = h,
		.parent = parent,
		.next_sibling = parent->first_child,
	};
	parent->first_child = n;
	for (j = h & (ov->nslots - 1); ov->slots[j]; j = (j + 1) & (ov->nslots - 1))
		;
	ov->slots[j] = n;
	ov->nnodes++;
	return n;
}

static bool visible(const struct ov_node *n)
{
	return n->top && n->top->e.hidden_by < 0;
}

static void hide(struct cs_overlay *ov, struct ov_version *v, unsigned layer)
{
	if (v->e.hidden_by >= 0 || v->e.layer >= layer)
		return;
	v->e.hidden_by = (int)layer;
	ov->n_visible--;
	ov->n_hidden++;
}

/* Hide the visible versions lower layers gave to everything below n. */
static void hide_subtree(struct cs_overlay *ov, struct ov_node *n, unsigned layer)
{
	for (struct ov_node *c = n->first_child; c; c = c->next_sibling) {
		if (c->top)
			hide(ov, c->top, layer);
		hide_subtree(ov, c, layer);
	}
}

static int set_version(struct cs_overlay *ov, struct ov_version *v, struct ov_node *n,
		       const struct cs_entry *e)
{
	v->e = (struct cs_overlay_entry){
		.path = n == &ov->root ? "" : NULL,
		.type = e->type,
		.mode = e->mode,
		.uid = e->uid,
		.gid = e->gid,
		.size = e->size,
		.mtime = e->mtime,
		.devmajor = e->devmajor,
		.devminor = e->devminor,
		.layer = e->layer,
		.hidden_by = -1,
		.has_caps = e->has_caps,
	};
	if (e->link) {
		v->e.link = arena_strndup(ov, e->link, strlen(e->link));
		if (!v->e.link)
			return -ENOMEM;
	}
	return 0;
}

static int overlay_add(struct cs_overlay *ov, const struct cs_entry *e)
{
	bool marker = e->type == CS_ENTRY_WHITEOUT || e->type == CS_ENTRY_OPAQUE;
	struct ov_node *n = &ov->root;
	const char *p = e->path;
	struct ov_version *v;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		struct ov_node *c = get_child(ov, n, p, len, !marker);

		if (!c)
			return marker ? 0 : -ENOMEM; /* a marker for nothing hides nothing */
		/* a lower non-directory on the way is replaced by this layer's directory */
		if (slash && !marker && visible(c) && c->top->e.type != CS_ENTRY_DIR)
			hide(ov, c->top, e->layer);
		n = c;
		p = slash ? slash + 1 : p + len;
	}

	switch (e->type) {
	case CS_ENTRY_WHITEOUT:
		if (n->top)
			hide(ov, n->top, e->layer);
		hide_subtree(ov, n, e->layer);
		return 0;
	case CS_ENTRY_OPAQUE:
		hide_subtree(ov, n, e->layer);
		return 0;
	default:
		break;
	}
	if (n->top && n->top->e.layer == e->layer && n->top->e.hidden_by < 0) {
		/* the same layer lists the path again: the last one wins */
		v = n->top;
		if (set_version(ov, v, n, e) < 0)
			return -ENOMEM;
	} else {
		v = arena_alloc(ov, sizeof(*v));
		if (!v || set_version(ov, v, n, e) < 0)
			return -ENOMEM;
		if (n->top)
			hide(ov, n->top, e->layer);
		v->lower = n->top;
		n->top = v;
		ov->n_visible++;
	}
	/* a directory over a directory merges; anything else hides what was below */
	if (e->type != CS_ENTRY_DIR)
		hide_subtree(ov, n, e->layer);
	return 0;
}

static int ov_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	int r = overlay_add(ud, e);

	if (r < 0)
		return cs_error_errno(err, r, "cannot record '%s'", e->path);
	return 0;
}

void cs_overlay_walker(struct cs_overlay *ov, struct cs_walker *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->userdata = ov;
	ret->entry = ov_entry;
}

int cs_overlay_new(const struct cs_limits *lim, struct cs_overlay **ret)
{
	struct cs_overlay *ov = cs_zalloc(sizeof(*ov));

	if (!ov)
		return -ENOMEM;
	if (lim)
		ov->lim = *lim;
	else
		cs_limits_default(&ov->lim);
	ov->root.name = "";
	ov->root_entry = (struct cs_overlay_entry){
		.path = "",
		.type = CS_ENTRY_DIR,
		.mode = 0755,
		.hidden_by = -1,
	};
	if (table_grow(ov) < 0) {
		free(ov);
		return -ENOMEM;
	}
	*ret = ov;
	return 0;
}

void cs_overlay_free(struct cs_overlay *ov)
{
	struct arena_chunk *c, *next;

	if (!ov)
		return;
	for (c = ov->arena; c; c = next) {
		next = c->next;
		free(c);
	}
	free(ov->slots);
	free(ov);
}

static int cmp_nodes(const void *a, const void *b)
{
	const struct ov_node *x = *(const struct ov_node *const *)a;
	const struct ov_node *y = *(const struct ov_node *const *)b;
	int c = memcmp(x->name, y->name, CS_MIN(x->name_len, y->name_len));

	if (c)
		return c;
	return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

/* path holds n's path on entry and on return */
static int foreach_node(struct ov_node *n, struct cs_buf *path, bool include_hidden,
			cs_overlay_fn fn, void *ud)
{
	size_t base = path->len;
	struct ov_node **kids;
	size_t nk = 0, i = 0;
	int r;

	for (struct ov_version *v = n->top; v; v = v->lower) {
		struct cs_overlay_entry e;

		if (v->e.hidden_by >= 0 && !include_hidden)
			break;
		e = v->e;
		e.path = path->data;
		r = fn(ud, &e);
		if (r < 0)
			return r;
		if (!include_hidden)
			break;
	}
	for (struct ov_node *c = n->first_child; c; c = c->next_sibling)
		nk++;
	if (nk == 0)
		return 0;
	kids = cs_new0(struct ov_node *, nk);
	if (!kids)
		return -ENOMEM;
	for (struct ov_node *c = n->first_child; c; c = c->next_sibling)
		kids[i++] = c;
	qsort(kids, nk, sizeof(*kids), cmp_nodes);
	r = 0;
	for (i = 0; i < nk && r >= 0; i++) {
		if (base > 0)
			r = cs_buf_putc(path, '/');
		if (r >= 0)
			r = cs_buf_append(path, kids[i]->name, kids[i]->name_len);
		if (r >= 0)
			r = foreach_node(kids[i], path, include_hidden, fn, ud);
		path->len = base;
		path->data[base] = '\0';
	}
	free(kids);
	return r;
}

int cs_overlay_foreach(struct cs_overlay *ov, bool include_hidden, cs_overlay_fn fn, void *ud)
{
	_cleanup_buf_ struct cs_buf path = CS_BUF_INIT(SIZE_MAX - 1);
	int r = cs_buf_append(&path, "", 0);

	if (r < 0)
		return r;
	return foreach_node(&ov->root, &path, include_hidden, fn, ud);
}

/* Give v (the top version of n) its path, built once, when a lookup returns it. */
static int materialize_path(struct cs_overlay *ov, struct ov_node *n, struct ov_version *v)
{
	size_t len = 0;
	char *p;

	if (v->e.path)
		return 0;
	for (struct ov_node *a = n; a != &ov->root; a = a->parent)
		len += a->name_len + (a->parent != &ov->root);
	p = arena_alloc(ov, len + 1);
	if (!p)
		return -ENOMEM;
	p[len] = '\0';
	for (struct ov_node *a = n; a != &ov->root; a = a->parent) {
		len -= a->name_len;
		memcpy(p + len, a->name, a->name_len);
		if (a->parent != &ov->root)
			p[--len] = '/';
	}
	v->e.path = p;
	return 0;
}

uint64_t cs_overlay_count(struct cs_overlay *ov, bool hidden)
{
	return hidden ? ov->n_hidden : ov->n_visible;
}

int cs_overlay_lookup(struct cs_overlay *ov, const char *path, bool follow,
		      const struct cs_overlay_entry **ret, struct cs_error *err)
{
	size_t max = ov->lim.max_path > SIZE_MAX / 4 ? SIZE_MAX / 2 : ov->lim.max_path * 2 + 2;
	_cleanup_buf_ struct cs_buf cur = CS_BUF_INIT(max);
	_cleanup_buf_ struct cs_buf tmp = CS_BUF_INIT(max);
	_cleanup_buf_ struct cs_buf lp = CS_BUF_INIT(max);
	uint32_t links = 0;
	int r;

	/* the caller's path, cleaned; ".." cannot climb above the root */
	r = cs_path_resolve_link("", path, &cur);
	if (r < 0)
		goto fail;
restart : {
	struct ov_node *n = &ov->root;
	const char *p = cur.data;

	if (!*p) {
		*ret = visible(n) ? &n->top->e : &ov->root_entry;
		return 0;
	}
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		struct ov_node *c = get_child(ov, n, p, len, false);
		struct ov_version *v;

		if (!c)
			goto notfound;
		v = visible(c) ? c->top : NULL;
		if (v && v->e.type == CS_ENTRY_SYMLINK && v->e.link && (slash || follow)) {
			if (++links > ov->lim.max_symlinks)
				return cs_error_set(err, -CS_E_LIMIT,
						    "too many levels of symbolic links "
						    "resolving '%s'",
						    path); /* the link's own path: the resolved
							      prefix up to here */
			cs_buf_reset(&lp);
			r = cs_buf_append(&lp, cur.data, (size_t)(p - cur.data) + len);
			if (r >= 0)
				r = cs_path_resolve_link(lp.data, v->e.link, &tmp);
			if (r >= 0 && slash && tmp.len > 0)
				r = cs_buf_putc(&tmp, '/');
			if (r >= 0 && slash)
				r = cs_buf_puts(&tmp, slash + 1);
			if (r < 0)
				goto fail;
			cs_buf_reset(&cur);
			r = cs_buf_append(&cur, tmp.data, tmp.len);
			if (r < 0)
				goto fail;
			goto restart;
		}
		if (!slash) {
			if (!v)
				goto notfound;
			r = materialize_path(ov, c, v);
			if (r < 0)
				goto fail;
			*ret = &v->e;
			return 0;
		}
		/* a directory, or a node only implied by its children */
		if (v && v->e.type != CS_ENTRY_DIR)
			goto notfound;
		n = c;
		p = slash + 1;
	}
}
notfound:
	return cs_error_set(err, -CS_E_NOTFOUND, "'%s' not found", path);
fail:
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "path '%.64s...' is too long to resolve", path);
	return cs_error_errno(err, r, "cannot resolve '%s'", path);
}
