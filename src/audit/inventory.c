/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine inventory (audit/inventory.h): GET /containers/json?all=1,
 * /images/json, and /containers/ID/json for each running container, whose
 * section 5 results are counted. Everything the engine says is bounded and
 * type-checked. Never prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "audit/host.h"
#include "audit/inventory.h"
#include "basic/alloc.h"
#include "catalog/catalog.h"
#include "image/engine_api.h"
#include "match/match.h"

#define LIST_MAX       (16u << 20)
#define MAX_CONTAINERS 10000
#define MAX_IMAGES     10000
#define MAX_ITEMS      1000 /* ports, mounts, tags of one object */

static char *dup_str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return cs_strdup(json_is_string(v) ? json_string_value(v) : "");
}

static int64_t get_int(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

/* Engines differ: Docker says "sha256:HEX", Podman's compat API sometimes bare HEX. */
static char *image_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 64 && strspn(s, "0123456789abcdef") == 64)
		return cs_asprintf("sha256:%s", s);
	return cs_strdup(s);
}

static json_t *labels_copy(const json_t *o)
{
	const json_t *l = json_object_get(o, "Labels");
	json_t *out = json_object(), *v;
	const char *k;

	if (!out)
		return NULL;
	if (json_is_object(l))
		json_object_foreach ((json_t *)l, k, v)
			if (json_is_string(v) && json_object_size(out) < MAX_ITEMS)
				json_object_set(out, k, v);
	return out;
}

static char **strv_of(const json_t *a)
{
	size_t n = json_is_array(a) ? json_array_size(a) : 0, k = 0, i;
	char **v;
	json_t *e;

	if (n > MAX_ITEMS)
		n = MAX_ITEMS;
	v = cs_calloc_array(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	json_array_foreach (a, i, e) {
		if (k >= n)
			break;
		/* Docker lists "<none>:<none>" for untagged images */
		if (json_is_string(e) && strcmp(json_string_value(e), "<none>:<none>") &&
		    strcmp(json_string_value(e), "<none>@<none>")) {
			v[k] = cs_strdup(json_string_value(e));
			if (!v[k]) {
				cs_strv_free(v);
				return NULL;
			}
			k++;
		}
	}
	return v;
}

static int fill_container(struct cs_inv_container *c, const json_t *e)
{
	const json_t *names = json_object_get(e, "Names"), *ports = json_object_get(e, "Ports");
	const json_t *mounts = json_object_get(e, "Mounts"), *x;
	const char *name = json_string_value(json_array_get(names, 0));
	_cleanup_free_ char *iid = dup_str(e, "ImageID");
	size_t i;

	c->id = dup_str(e, "Id");
	c->name = cs_strdup(name ? (*name == '/' ? name + 1 : name) : "");
	c->image = dup_str(e, "Image");
	c->image_id = iid ? image_id(iid) : NULL;
	c->state = dup_str(e, "State");
	c->status = dup_str(e, "Status");
	c->created = get_int(e, "Created");
	c->labels = labels_copy(e);
	if (!c->id || !c->name || !c->image || !c->image_id || !c->state || !c->status ||
	    !c->labels)
		return -ENOMEM;
	if (json_array_size(ports)) {
		c->ports = cs_calloc_array(json_array_size(ports), sizeof(*c->ports));
		if (!c->ports)
			return -ENOMEM;
	}
	json_array_foreach (ports, i, x) {
		struct cs_inv_port *p;

		if (!json_is_object(x) || c->n_ports >= MAX_ITEMS)
			continue;
		p = &c->ports[c->n_ports++];
		p->ip = dup_str(x, "IP");
		p->proto = dup_str(x, "Type");
		if (!p->ip || !p->proto)
			return -ENOMEM;
		p->host_port = (unsigned)(get_int(x, "PublicPort") & 0xffff);
		p->container_port = (unsigned)(get_int(x, "PrivatePort") & 0xffff);
	}
	if (json_array_size(mounts)) {
		c->mounts = cs_calloc_array(json_array_size(mounts), sizeof(*c->mounts));
		if (!c->mounts)
			return -ENOMEM;
	}
	json_array_foreach (mounts, i, x) {
		struct cs_inv_mount *m;

		if (!json_is_object(x) || c->n_mounts >= MAX_ITEMS)
			continue;
		m = &c->mounts[c->n_mounts++];
		m->type = dup_str(x, "Type");
		m->source = dup_str(x, "Source");
		m->destination = dup_str(x, "Destination");
		m->propagation = dup_str(x, "Propagation");
		m->rw = json_is_true(json_object_get(x, "RW"));
		if (!m->type || !m->source || !m->destination || !m->propagation)
			return -ENOMEM;
	}
	return 0;
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	return n >= 12 && n <= 128 && strspn(id, "0123456789abcdef") == n;
}

/* section 5 of one running container, counted by status */
static int audit_counts(const char *socket, struct cs_inv_container *c, struct cs_error *err)
{
	_cleanup_(cs_audit_freep) struct cs_audit *a = NULL;
	int r;

	if (!valid_id(c->id))
		return 0;
	if (cs_audit_new("host", &a) < 0)
		return -ENOMEM;
	r = cs_audit_container_at(socket, c->id, a, err);
	if (r == -CS_E_NOTFOUND) { /* gone since the list */
		cs_error_clear(err);
		return 0;
	}
	if (r < 0)
		return r;
	c->audited = true;
	for (size_t i = 0; i < a->n; i++)
		c->counts[a->v[i].status]++;
	return 0;
}

static int cmp_container(const void *pa, const void *pb)
{
	const struct cs_inv_container *a = pa, *b = pb;
	int r = strcmp(a->name, b->name);

	return r ? r : strcmp(a->id, b->id);
}

static int cmp_image(const void *pa, const void *pb)
{
	const struct cs_inv_image *a = pa, *b = pb;
	const char *ta = a->tags && a->tags[0] ? a->tags[0] : "~";
	const char *tb = b->tags && b->tags[0] ? b->tags[0] : "~";
	int r = strcmp(ta, tb);

	return r ? r : strcmp(a->id, b->id);
}

int cs_inventory_collect(const char *socket, struct cs_inventory **ret, struct cs_error *err)
{
	_cleanup_(cs_inventory_freep) struct cs_inventory *inv = cs_zalloc(sizeof(*inv));
	json_t *cl = NULL, *il = NULL, *e;
	size_t i;
	int r;

	if (!inv || !(inv->engine = cs_strdup(socket)))
		return -ENOMEM;
	r = cs_engine_get_json(socket, "/containers/json?all=1", LIST_MAX, &cl, err);
	if (r >= 0)
		r = cs_engine_get_json(socket, "/images/json", LIST_MAX, &il, err);
	if (r < 0)
		goto out;
	if (!json_is_array(cl) || !json_is_array(il)) {
		r = cs_error_set(err, -CS_E_INPUT, "engine at '%s': a list is not an array",
				 socket);
		goto out;
	}
	if (json_array_size(cl) > MAX_CONTAINERS || json_array_size(il) > MAX_IMAGES) {
		r = cs_error_set(err, -CS_E_LIMIT,
				 "engine at '%s': more than %d containers or images", socket,
				 MAX_CONTAINERS);
		goto out;
	}
	inv->containers = cs_calloc_array(json_array_size(cl) + 1, sizeof(*inv->containers));
	inv->images = cs_calloc_array(json_array_size(il) + 1, sizeof(*inv->images));
	if (!inv->containers || !inv->images) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach (cl, i, e) {
		struct cs_inv_container *c;

		if (!json_is_object(e))
			continue;
		c = &inv->containers[inv->n_containers++];
		r = fill_container(c, e);
		if (r < 0)
			goto out;
		if (!strcmp(c->state, "running")) {
			inv->n_running++;
			r = audit_counts(socket, c, err);
			if (r < 0)
				goto out;
		}
	}
	json_array_foreach (il, i, e) {
		struct cs_inv_image *im;
		_cleanup_free_ char *id = NULL;

		if (!json_is_object(e))
			continue;
		im = &inv->images[inv->n_images++];
		id = dup_str(e, "Id");
		im->id = id ? image_id(id) : NULL;
		im->tags = strv_of(json_object_get(e, "RepoTags"));
		im->digests = strv_of(json_object_get(e, "RepoDigests"));
		im->labels = labels_copy(e);
		im->created = get_int(e, "Created");
		im->size = get_int(e, "Size");
		if (!im->id || !im->tags || !im->digests || !im->labels) {
			r = -ENOMEM;
			goto out;
		}
		for (size_t k = 0; k < inv->n_containers; k++)
			im->containers += !strcmp(inv->containers[k].image_id, im->id);
	}
	qsort(inv->containers, inv->n_containers, sizeof(*inv->containers), cmp_container);
	qsort(inv->images, inv->n_images, sizeof(*inv->images), cmp_image);
	*ret = CS_TAKE_PTR(inv);
	r = 0;
out:
	if (r == -ENOMEM && !err->code)
		cs_error_set(err, r, "out of memory");
	json_decref(cl);
	json_decref(il);
	return r;
}

int cs_inventory_scan(struct cs_inventory *inv, struct cs_vulndb *db,
		      const struct cs_image_options *opts)
{
	for (size_t i = 0; i < inv->n_images; i++) {
		struct cs_inv_image *im = &inv->images[i];
		_cleanup_(cs_image_freep) struct cs_image *img = NULL;
		_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
		_cleanup_(cs_findings_freep) struct cs_findings *fs = NULL;
		struct cs_match_options mo = { 0 };
		struct cs_error err = CS_ERROR_INIT;
		_cleanup_free_ char *ref = NULL;
		int r;

		/* by tag when it has one (what the engine exports by name), else by id */
		ref = cs_asprintf("engine:%s", im->tags[0] ? im->tags[0] : im->id);
		if (!ref)
			return -ENOMEM;
		r = cs_image_open(ref, opts, &img, &err);
		if (r >= 0)
			r = cs_catalog_new(&cat);
		if (r >= 0)
			r = cs_catalog_image(img, cat, &err);
		if (r >= 0)
			r = cs_match_catalog(db, cat, &mo, &fs, &err);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			im->scan_error = cs_strdup(err.code ? err.msg : cs_strerror(r));
			if (!im->scan_error)
				return -ENOMEM;
			continue;
		}
		im->scanned = true;
		for (size_t k = 0; k < fs->n; k++)
			if (fs->v[k].severity <= CS_SEV_CRITICAL) {
				im->vulns[fs->v[k].severity]++;
				im->vulns_total++;
			}
	}
	return 0;
}

void cs_inventory_free(struct cs_inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->n_containers; i++) {
		struct cs_inv_container *c = &inv->containers[i];

		free(c->id);
		free(c->name);
		free(c->image);
		free(c->image_id);
		free(c->state);
		free(c->status);
		json_decref(c->labels);
		for (size_t k = 0; k < c->n_ports; k++) {
			free(c->ports[k].ip);
			free(c->ports[k].proto);
		}
		free(c->ports);
		for (size_t k = 0; k < c->n_mounts; k++) {
			free(c->mounts[k].type);
			free(c->mounts[k].source);
			free(c->mounts[k].destination);
			free(c->mounts[k].propagation);
		}
		free(c->mounts);
	}
	for (size_t i = 0; i < inv->n_images; i++) {
		struct cs_inv_image *im = &inv->images[i];

		free(im->id);
		cs_strv_free(im->tags);
		cs_strv_free(im->digests);
		json_decref(im->labels);
		free(im->scan_error);
	}
	free(inv->containers);
	free(inv->images);
	free(inv->engine);
	free(inv);
}
