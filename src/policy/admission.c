/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AdmissionReview parsing (jansson, duplicate keys rejected) and the
 * response writer. Which path holds the pod spec depends on the kind; a
 * kind without one is admitted without images.
 */
#include <errno.h>
#include <jansson.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "policy/admission.h"

#define MAX_IMAGE_LEN 4096

void cs_admission_request_free(struct cs_admission_request *r)
{
	if (!r)
		return;
	free(r->uid);
	free(r->kind);
	free(r->operation);
	free(r->name);
	free(r->namespace);
	for (size_t i = 0; i < r->n_images; i++) {
		free(r->images[i].image);
		free(r->images[i].container);
	}
	free(r->images);
	free(r);
}

static const char *str_at(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v)
		       ? json_string_value(v)
		       : NULL;
}

/* The path of the pod spec inside the object, per kind; NULL: none */
static const char *const *spec_path(const char *kind)
{
	static const char *const pod[] = { "spec", NULL };
	static const char *const tmpl[] = { "spec", "template", "spec", NULL };
	static const char *const cron[] = {
		"spec", "jobTemplate", "spec", "template", "spec", NULL
	};
	static const char *const tmpl_kinds[] = { "Deployment", "StatefulSet",
						  "DaemonSet",	"ReplicaSet",
						  "Job",	"ReplicationController" };

	if (!strcmp(kind, "Pod"))
		return pod;
	if (!strcmp(kind, "CronJob"))
		return cron;
	for (size_t i = 0; i < CS_ARRAY_SIZE(tmpl_kinds); i++)
		if (!strcmp(kind, tmpl_kinds[i]))
			return tmpl;
	return NULL;
}

static int add_containers(struct cs_admission_request *r, const json_t *spec, const char *where,
			  const char *list, struct cs_error *err)
{
	json_t *cs = json_object_get(spec, list), *c;
	size_t i;

	if (!cs || json_is_null(cs))
		return 0;
	if (!json_is_array(cs))
		return cs_error_set(err, -CS_E_INPUT, "admission review: %s.%s is not a list",
				    where, list);
	json_array_foreach (cs, i, c) {
		const char *img, *name;
		struct cs_admission_image *a;

		if (!json_is_object(c))
			return cs_error_set(err, -CS_E_INPUT,
					    "admission review: %s.%s[%zu] is not an object", where,
					    list, i);
		img = str_at(c, "image");
		if (!img || !*img || strlen(img) > MAX_IMAGE_LEN)
			return cs_error_set(err, -CS_E_INPUT,
					    "admission review: %s.%s[%zu] has no valid image",
					    where, list, i);
		if (r->n_images >= CS_ADMISSION_MAX_CONTAINERS)
			return cs_error_set(err, -CS_E_LIMIT,
					    "admission review: more than %u containers",
					    CS_ADMISSION_MAX_CONTAINERS);
		a = cs_reallocarray(r->images, r->n_images + 1, sizeof(*a));
		if (!a)
			return -ENOMEM;
		r->images = a;
		a = &r->images[r->n_images];
		name = str_at(c, "name");
		a->image = cs_strdup(img);
		a->container = name && strlen(name) < 254
				       ? cs_asprintf("%s.%s[%zu] (%s)", where, list, i, name)
				       : cs_asprintf("%s.%s[%zu]", where, list, i);
		if (!a->image || !a->container) {
			free(a->image);
			free(a->container);
			return -ENOMEM;
		}
		r->n_images++;
	}
	return 0;
}

static int parse_object(struct cs_admission_request *r, const json_t *obj, struct cs_error *err)
{
	static const char *const lists[] = { "initContainers", "containers",
					     "ephemeralContainers" };
	const char *const *path = spec_path(r->kind);
	char where[128] = "";
	const json_t *spec = obj;
	json_t *meta;
	int k;

	meta = json_object_get(obj, "metadata");
	if (json_is_object(meta) && !r->name && str_at(meta, "name") &&
	    !(r->name = cs_strdup(str_at(meta, "name"))))
		return -ENOMEM;
	if (!path)
		return 0;
	r->workload = true;
	for (size_t i = 0; path[i]; i++) {
		spec = json_object_get(spec, path[i]);
		snprintf(where + strlen(where), sizeof(where) - strlen(where), "%s%s", i ? "." : "",
			 path[i]);
		if (!json_is_object(spec))
			return cs_error_set(err, -CS_E_INPUT,
					    "admission review: %s%s%s%s has no object at %s",
					    r->kind, r->name ? " '" : "", r->name ? r->name : "",
					    r->name ? "'" : "", where);
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(lists); i++) {
		k = add_containers(r, spec, where, lists[i], err);
		if (k < 0)
			return k;
	}
	return 0;
}

int cs_admission_parse(const char *data, size_t len, struct cs_admission_request **ret,
		       struct cs_error *err)
{
	_cleanup_(cs_admission_request_freep) struct cs_admission_request *r = NULL;
	json_error_t je;
	json_t *root, *req, *kind, *obj;
	const char *s;
	int k = -CS_E_INPUT;

	if (len > CS_ADMISSION_MAX_BODY)
		return cs_error_set(err, -CS_E_LIMIT, "admission review larger than %u bytes",
				    CS_ADMISSION_MAX_BODY);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT,
				    "admission review: invalid JSON at line %d: %s", je.line,
				    je.text);
	r = cs_zalloc(sizeof(*r));
	if (!r) {
		k = -ENOMEM;
		goto out;
	}
	if (!json_is_object(root) || !(s = str_at(root, "kind")) || strcmp(s, "AdmissionReview")) {
		cs_error_set(err, k, "admission review: kind is not 'AdmissionReview'");
		goto out;
	}
	if (!(s = str_at(root, "apiVersion")) || strcmp(s, "admission.k8s.io/v1")) {
		cs_error_set(err, k, "admission review: apiVersion is not 'admission.k8s.io/v1'");
		goto out;
	}
	req = json_object_get(root, "request");
	if (!json_is_object(req)) {
		cs_error_set(err, k, "admission review: no request");
		goto out;
	}
	s = str_at(req, "uid");
	if (!s || !*s || strlen(s) > CS_ADMISSION_MAX_UID) {
		cs_error_set(err, k, "admission review: request.uid missing or invalid");
		goto out;
	}
	r->uid = cs_strdup(s);
	kind = json_object_get(req, "kind");
	s = json_is_object(kind) ? str_at(kind, "kind") : NULL;
	if (!s || !*s || strlen(s) > 253) {
		cs_error_set(err, k, "admission review: request.kind.kind missing or invalid");
		goto out;
	}
	r->kind = cs_strdup(s);
	s = str_at(req, "operation");
	if (!s || !*s || strlen(s) > 32) {
		cs_error_set(err, k, "admission review: request.operation missing or invalid");
		goto out;
	}
	r->operation = cs_strdup(s);
	if ((s = str_at(req, "name")) && strlen(s) < 254)
		r->name = cs_strdup(s);
	if ((s = str_at(req, "namespace")) && strlen(s) < 254)
		r->namespace = cs_strdup(s);
	if (!r->uid || !r->kind || !r->operation) {
		k = -ENOMEM;
		goto out;
	}
	obj = json_object_get(req, "object");
	if (!strcmp(r->operation, "CREATE") || !strcmp(r->operation, "UPDATE")) {
		if (!json_is_object(obj)) {
			cs_error_set(err, k, "admission review: %s of %s without an object",
				     r->operation, r->kind);
			goto out;
		}
		k = parse_object(r, obj, err);
		if (k < 0)
			goto out;
	}
	k = 0;
	*ret = CS_TAKE_PTR(r);
out:
	json_decref(root);
	if (k == -ENOMEM)
		cs_error_errno(err, k, "admission review");
	return k;
}

int cs_admission_response(struct cs_buf *out, const char *uid, bool allowed, const char *message,
			  char *const *warnings)
{
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;
	int r;

	r = cs_json_new_buf(out, 0, &j);
	if (r < 0)
		return r;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "apiVersion", "admission.k8s.io/v1");
	cs_json_kv_string(j, "kind", "AdmissionReview");
	cs_json_key(j, "response");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "uid", uid);
	cs_json_kv_bool(j, "allowed", allowed);
	if (message) {
		cs_json_key(j, "status");
		cs_json_begin_object(j);
		cs_json_kv_int(j, "code", allowed ? 200 : 403);
		if (!allowed)
			cs_json_kv_string(j, "reason", "Forbidden");
		cs_json_kv_string(j, "message", message);
		cs_json_end_object(j);
	}
	if (warnings && warnings[0])
		cs_json_kv_strv(j, "warnings", warnings);
	cs_json_end_object(j);
	cs_json_end_object(j);
	return cs_json_finish(j);
}
