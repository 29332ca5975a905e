/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI and Docker image metadata from untrusted JSON (jansson): manifests,
 * indexes, image configs, and platform matching for index selection.
 *
 * Every document is bounded by the caller's length, checked for nesting
 * depth before jansson sees it (jansson recurses), and parsed with duplicate
 * keys rejected. Wrong types are errors naming the field; null and missing
 * optional fields are the same thing. Nothing here prints.
 */
#include <string.h>
#include <sys/utsname.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "image/manifest.h"

/* Real manifests and configs nest 4-5 levels; anything deeper is hostile. */
#define JSON_MAX_DEPTH 32

/* Context for error messages: which document, which field. */
struct jctx {
	const char *doc; /* "image manifest", "image config" */
	struct cs_error *err;
};

static int type_error(struct jctx *c, const char *field, const char *want)
{
	return cs_error_set(c->err, -CS_E_INPUT, "%s: '%s' must be %s", c->doc, field, want);
}

/*
 * Reject nesting deeper than JSON_MAX_DEPTH before parsing: a byte scan
 * that tracks strings, so brackets inside strings do not count.
 */
static int check_depth(const char *p, size_t len, const char *doc, struct cs_error *err)
{
	unsigned depth = 0;
	bool in_str = false, esc = false;

	for (size_t i = 0; i < len; i++) {
		char ch = p[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == '[' || ch == '{') {
			if (++depth > JSON_MAX_DEPTH)
				return cs_error_set(err, -CS_E_INPUT,
						    "%s: JSON is nested deeper than %u levels", doc,
						    JSON_MAX_DEPTH);
		} else if (ch == ']' || ch == '}') {
			if (depth > 0)
				depth--;
		}
	}
	return 0;
}

static int load_json(const char *data, size_t len, const char *doc, json_t **ret,
		     struct cs_error *err)
{
	json_error_t je;
	json_t *root;
	int r;

	if (!data)
		data = "";
	r = check_depth(data, len, doc, err);
	if (r < 0)
		return r;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "%s: invalid JSON at line %d column %d: %s",
				    doc, je.line, je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return cs_error_set(err, -CS_E_INPUT, "%s: not a JSON object", doc);
	}
	*ret = root;
	return 0;
}

/* A present, non-null member, or NULL. */
static json_t *member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_null(v) ? NULL : v;
}

/* Optional string: missing or null leaves *out NULL. */
static int get_str(struct jctx *c, json_t *obj, const char *key, const char *field, char **out)
{
	json_t *v = member(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return type_error(c, field ? field : key, "a string");
	*out = cs_strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

/*
 * Array of strings, NULL-terminated. A plain string is taken as a
 * one-element array (Docker's strslice does the same for Cmd/Entrypoint).
 */
static int get_strv(struct jctx *c, json_t *obj, const char *key, const char *field,
		    bool allow_string, char ***out, size_t *ret_n)
{
	json_t *v = member(obj, key), *e;
	char **vec;
	size_t i, n;

	*out = NULL;
	if (ret_n)
		*ret_n = 0;
	if (!v)
		return 0;
	if (allow_string && json_is_string(v)) {
		vec = cs_new0(char *, 2);
		if (!vec)
			return -ENOMEM;
		vec[0] = cs_strdup(json_string_value(v));
		if (!vec[0]) {
			free(vec);
			return -ENOMEM;
		}
		*out = vec;
		if (ret_n)
			*ret_n = 1;
		return 0;
	}
	if (!json_is_array(v))
		return type_error(c, field, "an array of strings");
	n = json_array_size(v);
	vec = cs_new0(char *, n + 1);
	if (!vec)
		return -ENOMEM;
	json_array_foreach (v, i, e) {
		if (!json_is_string(e)) {
			cs_strv_free(vec);
			return type_error(c, field, "an array of strings");
		}
		vec[i] = cs_strdup(json_string_value(e));
		if (!vec[i]) {
			cs_strv_free(vec);
			return -ENOMEM;
		}
	}
	*out = vec;
	if (ret_n)
		*ret_n = n;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of an object ({"80/tcp": {}}), sorted, NULL-terminated. */
static int get_keys(struct jctx *c, json_t *obj, const char *key, const char *field, char ***out)
{
	json_t *v = member(obj, key), *val;
	const char *k;
	char **vec;
	size_t i = 0;

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_object(v))
		return type_error(c, field, "an object");
	vec = cs_new0(char *, json_object_size(v) + 1);
	if (!vec)
		return -ENOMEM;
	json_object_foreach (v, k, val) {
		(void)val;
		vec[i] = cs_strdup(k);
		if (!vec[i]) {
			cs_strv_free(vec);
			return -ENOMEM;
		}
		i++;
	}
	qsort(vec, i, sizeof(*vec), cmp_str);
	*out = vec;
	return 0;
}

static void kv_free(struct cs_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct cs_kv *)a)->key, ((const struct cs_kv *)b)->key);
}

/* A string-to-string object (labels, annotations), sorted by key. */
static int get_kv(struct jctx *c, json_t *obj, const char *key, const char *field,
		  struct cs_kv **out, size_t *ret_n)
{
	json_t *v = member(obj, key), *val;
	struct cs_kv *kv;
	const char *k;
	size_t n = 0;

	*out = NULL;
	*ret_n = 0;
	if (!v)
		return 0;
	if (!json_is_object(v))
		return type_error(c, field, "an object of strings");
	if (json_object_size(v) == 0)
		return 0;
	kv = cs_new0(struct cs_kv, json_object_size(v));
	if (!kv)
		return -ENOMEM;
	json_object_foreach (v, k, val) {
		if (!json_is_string(val)) {
			kv_free(kv, n);
			return type_error(c, field, "an object of strings");
		}
		kv[n].key = cs_strdup(k);
		kv[n].value = cs_strdup(json_string_value(val));
		n++;
		if (!kv[n - 1].key || !kv[n - 1].value) {
			kv_free(kv, n);
			return -ENOMEM;
		}
	}
	qsort(kv, n, sizeof(*kv), cmp_kv);
	*out = kv;
	*ret_n = n;
	return 0;
}

static int get_int(struct jctx *c, json_t *obj, const char *key, const char *field, int64_t *out,
		   bool *present)
{
	json_t *v = member(obj, key);

	if (present)
		*present = false;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return type_error(c, field, "an integer");
	*out = (int64_t)json_integer_value(v);
	if (present)
		*present = true;
	return 0;
}

static int get_bool(struct jctx *c, json_t *obj, const char *key, const char *field, bool *out)
{
	json_t *v = member(obj, key);

	*out = false;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return type_error(c, field, "a boolean");
	*out = json_is_true(v);
	return 0;
}

static int check_digest(struct jctx *c, const char *field, const char *digest)
{
	struct cs_error tmp = CS_ERROR_INIT;
	int r = cs_digest_parse(digest, NULL, &tmp);

	if (r < 0)
		return cs_error_set(c->err, r, "%s: '%s': %s", c->doc, field, tmp.msg);
	return 0;
}

/* --- descriptors --- */

void cs_platform_done(struct cs_platform *p)
{
	if (!p)
		return;
	free(p->os);
	free(p->arch);
	free(p->variant);
	free(p->os_version);
	memset(p, 0, sizeof(*p));
}

void cs_descriptor_done(struct cs_descriptor *d)
{
	if (!d)
		return;
	free(d->media_type);
	free(d->digest);
	cs_platform_done(&d->platform);
	kv_free(d->annotations, d->n_annotations);
	cs_strv_free(d->urls);
	free(d->location);
	memset(d, 0, sizeof(*d));
}

static int parse_descriptor(struct jctx *c, json_t *obj, const char *field, struct cs_descriptor *d)
{
	char f[160];
	json_t *p;
	bool has_size;
	int r;

	memset(d, 0, sizeof(*d));
	d->size = -1;
	if (!json_is_object(obj))
		return type_error(c, field, "an object");
	snprintf(f, sizeof(f), "%s.mediaType", field);
	r = get_str(c, obj, "mediaType", f, &d->media_type);
	if (r < 0)
		goto fail;
	snprintf(f, sizeof(f), "%s.digest", field);
	r = get_str(c, obj, "digest", f, &d->digest);
	if (r < 0)
		goto fail;
	if (!d->digest) {
		r = cs_error_set(c->err, -CS_E_INPUT, "%s: '%s' is missing", c->doc, f);
		goto fail;
	}
	r = check_digest(c, f, d->digest);
	if (r < 0)
		goto fail;
	snprintf(f, sizeof(f), "%s.size", field);
	r = get_int(c, obj, "size", f, &d->size, &has_size);
	if (r < 0)
		goto fail;
	if (!has_size) {
		d->size = -1;
	} else if (d->size < 0) {
		r = cs_error_set(c->err, -CS_E_INPUT, "%s: '%s' must not be negative", c->doc, f);
		goto fail;
	}
	snprintf(f, sizeof(f), "%s.urls", field);
	r = get_strv(c, obj, "urls", f, false, &d->urls, NULL);
	if (r < 0)
		goto fail;
	snprintf(f, sizeof(f), "%s.annotations", field);
	r = get_kv(c, obj, "annotations", f, &d->annotations, &d->n_annotations);
	if (r < 0)
		goto fail;
	p = member(obj, "platform");
	if (p) {
		snprintf(f, sizeof(f), "%s.platform", field);
		if (!json_is_object(p)) {
			r = type_error(c, f, "an object");
			goto fail;
		}
		snprintf(f, sizeof(f), "%s.platform.os", field);
		r = get_str(c, p, "os", f, &d->platform.os);
		if (r >= 0) {
			snprintf(f, sizeof(f), "%s.platform.architecture", field);
			r = get_str(c, p, "architecture", f, &d->platform.arch);
		}
		if (r >= 0) {
			snprintf(f, sizeof(f), "%s.platform.variant", field);
			r = get_str(c, p, "variant", f, &d->platform.variant);
		}
		if (r >= 0) {
			snprintf(f, sizeof(f), "%s.platform.os.version", field);
			r = get_str(c, p, "os.version", f, &d->platform.os_version);
		}
		if (r < 0)
			goto fail;
		d->has_platform = true;
	}
	return 0;
fail:
	cs_descriptor_done(d);
	return r;
}

static int parse_descriptors(struct jctx *c, json_t *obj, const char *key, bool required,
			     struct cs_descriptor **out, size_t *ret_n)
{
	json_t *v = member(obj, key), *e;
	struct cs_descriptor *ds;
	size_t i;
	int r;

	*out = NULL;
	*ret_n = 0;
	if (!v) {
		if (required)
			return cs_error_set(c->err, -CS_E_INPUT, "%s: '%s' is missing", c->doc,
					    key);
		return 0;
	}
	if (!json_is_array(v))
		return type_error(c, key, "an array");
	if (json_array_size(v) == 0)
		return 0;
	ds = cs_new0(struct cs_descriptor, json_array_size(v));
	if (!ds)
		return -ENOMEM;
	json_array_foreach (v, i, e) {
		char f[64];

		snprintf(f, sizeof(f), "%s[%zu]", key, i);
		r = parse_descriptor(c, e, f, &ds[i]);
		if (r < 0) {
			for (size_t j = 0; j < i; j++)
				cs_descriptor_done(&ds[j]);
			free(ds);
			return r;
		}
	}
	*out = ds;
	*ret_n = json_array_size(v);
	return 0;
}

/* --- manifests --- */

void cs_manifest_free(struct cs_manifest *m)
{
	if (!m)
		return;
	free(m->media_type);
	cs_descriptor_done(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		cs_descriptor_done(&m->layers[i]);
	free(m->layers);
	for (size_t i = 0; i < m->n_manifests; i++)
		cs_descriptor_done(&m->manifests[i]);
	free(m->manifests);
	kv_free(m->annotations, m->n_annotations);
	free(m->artifact_type);
	cs_descriptor_done(m->subject);
	free(m->subject);
	free(m);
}

static bool is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, CS_MT_OCI_INDEX) || !strcmp(mt, CS_MT_DOCKER_LIST));
}

static bool is_image_type(const char *mt)
{
	return mt && (!strcmp(mt, CS_MT_OCI_MANIFEST) || !strcmp(mt, CS_MT_DOCKER_MANIFEST));
}

static bool is_schema1_type(const char *mt)
{
	return mt &&
	       (!strcmp(mt, CS_MT_DOCKER_SCHEMA1) || !strcmp(mt, CS_MT_DOCKER_SCHEMA1_SIGNED));
}

int cs_manifest_parse(const char *data, size_t len, const char *media_type_hint,
		      struct cs_manifest **ret, struct cs_error *err)
{
	struct jctx c = { "image manifest", err };
	struct cs_manifest *m = NULL;
	json_t *root = NULL, *v;
	const char *mt = NULL;
	int64_t sv = 0;
	bool has_sv;
	int r;

	if (is_schema1_type(media_type_hint))
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "docker schema 1 manifests are not supported");
	r = load_json(data, len, c.doc, &root, err);
	if (r < 0)
		return r;
	r = get_int(&c, root, "schemaVersion", "schemaVersion", &sv, &has_sv);
	if (r < 0)
		goto out;
	v = member(root, "mediaType");
	if (v && !json_is_string(v)) {
		r = type_error(&c, "mediaType", "a string");
		goto out;
	}
	mt = v ? json_string_value(v) : NULL;
	if ((has_sv && sv == 1) || is_schema1_type(mt)) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "docker schema 1 manifests are not supported");
		goto out;
	}
	if (has_sv && sv != 2) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED, "%s: unsupported schemaVersion %lld",
				 c.doc, (long long)sv);
		goto out;
	}
	if (!mt)
		mt = media_type_hint;
	m = cs_zalloc(sizeof(*m));
	if (!m) {
		r = -ENOMEM;
		goto out;
	}
	m->schema_version = has_sv ? (int)sv : 0;
	m->config.size = -1;
	if (is_index_type(mt))
		m->kind = CS_MANIFEST_INDEX;
	else if (is_image_type(mt))
		m->kind = CS_MANIFEST_IMAGE;
	else if (member(root, "manifests"))
		m->kind = CS_MANIFEST_INDEX;
	else if (member(root, "layers") || member(root, "config"))
		m->kind = CS_MANIFEST_IMAGE;
	else if (member(root, "fsLayers") || member(root, "signatures")) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "docker schema 1 manifests are not supported");
		goto out;
	} else {
		r = cs_error_set(err, -CS_E_INPUT,
				 "%s: neither an image manifest nor an index (no 'layers', "
				 "'config' or 'manifests')",
				 c.doc);
		goto out;
	}
	if (m->kind == CS_MANIFEST_INDEX)
		c.doc = "image index";
	if (mt) {
		m->media_type = cs_strdup(mt);
	} else {
		m->media_type = cs_strdup(m->kind == CS_MANIFEST_INDEX ? CS_MT_OCI_INDEX
								       : CS_MT_OCI_MANIFEST);
	}
	if (!m->media_type) {
		r = -ENOMEM;
		goto out;
	}
	if (m->kind == CS_MANIFEST_INDEX) {
		r = parse_descriptors(&c, root, "manifests", true, &m->manifests, &m->n_manifests);
		if (r < 0)
			goto out;
	} else {
		v = member(root, "config");
		if (!v) {
			r = cs_error_set(err, -CS_E_INPUT, "%s: 'config' is missing", c.doc);
			goto out;
		}
		r = parse_descriptor(&c, v, "config", &m->config);
		if (r < 0)
			goto out;
		r = parse_descriptors(&c, root, "layers", true, &m->layers, &m->n_layers);
		if (r < 0)
			goto out;
	}
	r = get_kv(&c, root, "annotations", "annotations", &m->annotations, &m->n_annotations);
	if (r < 0)
		goto out;
	r = get_str(&c, root, "artifactType", NULL, &m->artifact_type);
	if (r < 0)
		goto out;
	v = member(root, "subject");
	if (v) {
		m->subject = cs_zalloc(sizeof(*m->subject));
		if (!m->subject) {
			r = -ENOMEM;
			goto out;
		}
		r = parse_descriptor(&c, v, "subject", m->subject);
		if (r < 0) {
			free(m->subject);
			m->subject = NULL;
			goto out;
		}
	}
	*ret = m;
	m = NULL;
	r = 0;
out:
	cs_manifest_free(m);
	json_decref(root);
	return r;
}

/* --- image config --- */

void cs_image_config_free(struct cs_image_config *c)
{
	if (!c)
		return;
	free(c->architecture);
	free(c->os);
	free(c->variant);
	free(c->os_version);
	free(c->created);
	free(c->author);
	free(c->user);
	cs_strv_free(c->env);
	cs_strv_free(c->entrypoint);
	cs_strv_free(c->cmd);
	free(c->working_dir);
	cs_strv_free(c->exposed_ports);
	cs_strv_free(c->volumes);
	free(c->stop_signal);
	cs_strv_free(c->shell);
	cs_strv_free(c->onbuild);
	kv_free(c->labels, c->n_labels);
	if (c->healthcheck) {
		cs_strv_free(c->healthcheck->test);
		free(c->healthcheck);
	}
	free(c->rootfs_type);
	cs_strv_free(c->diff_ids);
	for (size_t i = 0; i < c->n_history; i++) {
		free(c->history[i].created);
		free(c->history[i].created_by);
		free(c->history[i].author);
		free(c->history[i].comment);
	}
	free(c->history);
	free(c);
}

static int parse_healthcheck(struct jctx *c, json_t *h, struct cs_healthcheck **out)
{
	struct cs_healthcheck *hc;
	int r;

	if (!json_is_object(h))
		return type_error(c, "config.Healthcheck", "an object");
	hc = cs_zalloc(sizeof(*hc));
	if (!hc)
		return -ENOMEM;
	r = get_strv(c, h, "Test", "config.Healthcheck.Test", false, &hc->test, NULL);
	if (r >= 0)
		r = get_int(c, h, "Interval", "config.Healthcheck.Interval", &hc->interval_ns,
			    NULL);
	if (r >= 0)
		r = get_int(c, h, "Timeout", "config.Healthcheck.Timeout", &hc->timeout_ns, NULL);
	if (r >= 0)
		r = get_int(c, h, "StartPeriod", "config.Healthcheck.StartPeriod",
			    &hc->start_period_ns, NULL);
	if (r >= 0)
		r = get_int(c, h, "StartInterval", "config.Healthcheck.StartInterval",
			    &hc->start_interval_ns, NULL);
	if (r >= 0)
		r = get_int(c, h, "Retries", "config.Healthcheck.Retries", &hc->retries, NULL);
	if (r < 0) {
		cs_strv_free(hc->test);
		free(hc);
		return r;
	}
	*out = hc;
	return 0;
}

static int parse_container_config(struct jctx *c, json_t *cfg, struct cs_image_config *ic)
{
	json_t *h;
	int r;

	if (!json_is_object(cfg))
		return type_error(c, "config", "an object");
	if ((r = get_str(c, cfg, "User", "config.User", &ic->user)) < 0 ||
	    (r = get_strv(c, cfg, "Env", "config.Env", false, &ic->env, NULL)) < 0 ||
	    (r = get_strv(c, cfg, "Entrypoint", "config.Entrypoint", true, &ic->entrypoint, NULL)) <
		    0 ||
	    (r = get_strv(c, cfg, "Cmd", "config.Cmd", true, &ic->cmd, NULL)) < 0 ||
	    (r = get_str(c, cfg, "WorkingDir", "config.WorkingDir", &ic->working_dir)) < 0 ||
	    (r = get_keys(c, cfg, "ExposedPorts", "config.ExposedPorts", &ic->exposed_ports)) < 0 ||
	    (r = get_keys(c, cfg, "Volumes", "config.Volumes", &ic->volumes)) < 0 ||
	    (r = get_str(c, cfg, "StopSignal", "config.StopSignal", &ic->stop_signal)) < 0 ||
	    (r = get_strv(c, cfg, "Shell", "config.Shell", false, &ic->shell, NULL)) < 0 ||
	    (r = get_strv(c, cfg, "OnBuild", "config.OnBuild", false, &ic->onbuild, NULL)) < 0 ||
	    (r = get_kv(c, cfg, "Labels", "config.Labels", &ic->labels, &ic->n_labels)) < 0)
		return r;
	h = member(cfg, "Healthcheck");
	if (h) {
		r = parse_healthcheck(c, h, &ic->healthcheck);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_history(struct jctx *c, json_t *hist, struct cs_image_config *ic)
{
	json_t *e;
	size_t i;
	int r;

	if (!json_is_array(hist))
		return type_error(c, "history", "an array");
	if (json_array_size(hist) == 0)
		return 0;
	ic->history = cs_new0(struct cs_history, json_array_size(hist));
	if (!ic->history)
		return -ENOMEM;
	json_array_foreach (hist, i, e) {
		struct cs_history *h = &ic->history[i];
		char f[64];

		ic->n_history = i + 1;
		snprintf(f, sizeof(f), "history[%zu]", i);
		if (!json_is_object(e))
			return type_error(c, f, "an object");
		snprintf(f, sizeof(f), "history[%zu].created", i);
		if ((r = get_str(c, e, "created", f, &h->created)) < 0)
			return r;
		snprintf(f, sizeof(f), "history[%zu].created_by", i);
		if ((r = get_str(c, e, "created_by", f, &h->created_by)) < 0)
			return r;
		snprintf(f, sizeof(f), "history[%zu].author", i);
		if ((r = get_str(c, e, "author", f, &h->author)) < 0)
			return r;
		snprintf(f, sizeof(f), "history[%zu].comment", i);
		if ((r = get_str(c, e, "comment", f, &h->comment)) < 0)
			return r;
		snprintf(f, sizeof(f), "history[%zu].empty_layer", i);
		if ((r = get_bool(c, e, "empty_layer", f, &h->empty_layer)) < 0)
			return r;
	}
	return 0;
}

int cs_image_config_parse(const char *data, size_t len, struct cs_image_config **ret,
			  struct cs_error *err)
{
	struct jctx c = { "image config", err };
	struct cs_image_config *ic = NULL;
	json_t *root = NULL, *v;
	int r;

	r = load_json(data, len, c.doc, &root, err);
	if (r < 0)
		return r;
	ic = cs_zalloc(sizeof(*ic));
	if (!ic) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = get_str(&c, root, "architecture", NULL, &ic->architecture)) < 0 ||
	    (r = get_str(&c, root, "os", NULL, &ic->os)) < 0 ||
	    (r = get_str(&c, root, "variant", NULL, &ic->variant)) < 0 ||
	    (r = get_str(&c, root, "os.version", NULL, &ic->os_version)) < 0 ||
	    (r = get_str(&c, root, "created", NULL, &ic->created)) < 0 ||
	    (r = get_str(&c, root, "author", NULL, &ic->author)) < 0)
		goto out;
	v = member(root, "config");
	if (v && (r = parse_container_config(&c, v, ic)) < 0)
		goto out;
	v = member(root, "rootfs");
	if (v) {
		if (!json_is_object(v)) {
			r = type_error(&c, "rootfs", "an object");
			goto out;
		}
		if ((r = get_str(&c, v, "type", "rootfs.type", &ic->rootfs_type)) < 0 ||
		    (r = get_strv(&c, v, "diff_ids", "rootfs.diff_ids", false, &ic->diff_ids,
				  &ic->n_diff_ids)) < 0)
			goto out;
		for (size_t i = 0; i < ic->n_diff_ids; i++) {
			char f[64];

			snprintf(f, sizeof(f), "rootfs.diff_ids[%zu]", i);
			r = check_digest(&c, f, ic->diff_ids[i]);
			if (r < 0)
				goto out;
		}
	}
	v = member(root, "history");
	if (v && (r = parse_history(&c, v, ic)) < 0)
		goto out;
	*ret = ic;
	ic = NULL;
	r = 0;
out:
	cs_image_config_free(ic);
	json_decref(root);
	return r;
}

/* --- platforms --- */

static bool valid_platform_part(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

static char *lower_dup(const char *s, size_t n)
{
	char *d = cs_strndup(s, n);

	if (d)
		for (char *p = d; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	return d;
}

static bool streq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/*
 * containerd's normalisation: arch aliases, arm variants (arm means v7,
 * arm64 means v8, which is then left implicit), and 386/amd64 v1 implicit.
 * Works on owned strings in place.
 */
static int platform_normalise(struct cs_platform *p)
{
	const char *arch = p->arch, *var = p->variant;
	const char *new_arch = NULL, *new_var = NULL;
	bool set_var = false;

	if (p->os && !strcmp(p->os, "macos")) {
		free(p->os);
		p->os = cs_strdup("darwin");
		if (!p->os)
			return -ENOMEM;
	}
	if (!arch)
		return 0;
	if (streq(arch, "x86_64") || streq(arch, "x86-64") || streq(arch, "amd64")) {
		new_arch = "amd64";
		if (streq(var, "v1"))
			set_var = true;
	} else if (streq(arch, "aarch64") || streq(arch, "arm64")) {
		new_arch = "arm64";
		if (streq(var, "8") || streq(var, "v8") || streq(var, "v8.0"))
			set_var = true;
		else if (streq(var, "9") || streq(var, "9.0") || streq(var, "v9.0"))
			set_var = true, new_var = "v9";
	} else if (streq(arch, "armhf")) {
		new_arch = "arm", set_var = true, new_var = "v7";
	} else if (streq(arch, "armel")) {
		new_arch = "arm", set_var = true, new_var = "v6";
	} else if (streq(arch, "arm")) {
		if (!var || streq(var, "7"))
			set_var = true, new_var = "v7";
		else if (streq(var, "5"))
			set_var = true, new_var = "v5";
		else if (streq(var, "6"))
			set_var = true, new_var = "v6";
		else if (streq(var, "8"))
			set_var = true, new_var = "v8";
	} else if (streq(arch, "i386") || streq(arch, "i486") || streq(arch, "i586") ||
		   streq(arch, "i686") || streq(arch, "x86")) {
		new_arch = "386";
	} else if (streq(arch, "ppc64el")) {
		new_arch = "ppc64le";
	}
	if (new_arch && strcmp(new_arch, arch) != 0) {
		char *a = cs_strdup(new_arch);

		if (!a)
			return -ENOMEM;
		free(p->arch);
		p->arch = a;
	}
	if (set_var) {
		char *v = NULL;

		if (new_var && !(v = cs_strdup(new_var)))
			return -ENOMEM;
		free(p->variant);
		p->variant = v;
	}
	return 0;
}

int cs_platform_parse(const char *s, struct cs_platform *ret, struct cs_error *err)
{
	struct cs_platform p = { 0 };
	const char *parts[3];
	size_t lens[3], n = 0;
	const char *cur = s;
	int r;

	if (!s || !*s)
		return cs_error_set(err, -CS_E_INPUT, "empty platform");
	for (;;) {
		const char *slash = strchr(cur, '/');
		size_t l = slash ? (size_t)(slash - cur) : strlen(cur);

		if (n == 3 || !valid_platform_part(cur, l))
			return cs_error_set(err, -CS_E_INPUT,
					    "invalid platform '%.200s': want os/arch[/variant]", s);
		parts[n] = cur;
		lens[n++] = l;
		if (!slash)
			break;
		cur = slash + 1;
	}
	if (n == 1) {
		/* "linux" is an OS on this machine's arch; "arm64" an arch on linux */
		struct cs_platform def = { 0 };
		char *one = lower_dup(parts[0], lens[0]);
		bool is_os;

		if (!one)
			return -ENOMEM;
		is_os = !strcmp(one, "linux") || !strcmp(one, "windows") ||
			!strcmp(one, "darwin") || !strcmp(one, "freebsd");
		if (is_os) {
			r = cs_platform_default(&def);
			if (r < 0) {
				free(one);
				return r;
			}
			p.os = one;
			p.arch = CS_TAKE_PTR(def.arch);
			p.variant = CS_TAKE_PTR(def.variant);
			cs_platform_done(&def);
		} else {
			p.os = cs_strdup("linux");
			p.arch = one;
		}
	} else {
		p.os = lower_dup(parts[0], lens[0]);
		p.arch = lower_dup(parts[1], lens[1]);
		if (n == 3)
			p.variant = lower_dup(parts[2], lens[2]);
	}
	if (!p.os || !p.arch || (n == 3 && !p.variant)) {
		cs_platform_done(&p);
		return -ENOMEM;
	}
	r = platform_normalise(&p);
	if (r < 0) {
		cs_platform_done(&p);
		return r;
	}
	*ret = p;
	return 0;
}

int cs_platform_default(struct cs_platform *ret)
{
	struct cs_platform p = { 0 };
	struct utsname u;
	const char *arch = "amd64", *variant = NULL;

	if (uname(&u) == 0) {
		const char *m = u.machine;

		if (!strcmp(m, "x86_64"))
			arch = "amd64";
		else if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
			arch = "arm64";
		else if (!strncmp(m, "armv7", 5))
			arch = "arm", variant = "v7";
		else if (!strncmp(m, "armv6", 5))
			arch = "arm", variant = "v6";
		else if (!strncmp(m, "armv5", 5))
			arch = "arm", variant = "v5";
		else if (!strcmp(m, "i386") || !strcmp(m, "i486") || !strcmp(m, "i586") ||
			 !strcmp(m, "i686"))
			arch = "386";
		else if (!strcmp(m, "ppc64le"))
			arch = "ppc64le";
		else if (!strcmp(m, "s390x"))
			arch = "s390x";
		else if (!strcmp(m, "riscv64"))
			arch = "riscv64";
	}
	p.os = cs_strdup("linux");
	p.arch = cs_strdup(arch);
	p.variant = cs_strdup(variant);
	if (!p.os || !p.arch || (variant && !p.variant)) {
		cs_platform_done(&p);
		return -ENOMEM;
	}
	*ret = p;
	return 0;
}

/* A normalised copy (the descriptor's platform is left as declared). */
static int platform_copy_norm(const struct cs_platform *in, struct cs_platform *out)
{
	memset(out, 0, sizeof(*out));
	out->os = lower_dup(in->os ? in->os : "", in->os ? strlen(in->os) : 0);
	out->arch = lower_dup(in->arch ? in->arch : "", in->arch ? strlen(in->arch) : 0);
	if (in->variant)
		out->variant = lower_dup(in->variant, strlen(in->variant));
	if (!out->os || !out->arch || (in->variant && !out->variant) ||
	    platform_normalise(out) < 0) {
		cs_platform_done(out);
		return -ENOMEM;
	}
	return 0;
}

/* "v7" -> 7, "v8.2" -> 8; -1 when absent or not of that form */
static int variant_level(const char *v)
{
	int n = 0;

	if (!v)
		return -1;
	if (*v != 'v' || !(v[1] >= '0' && v[1] <= '9'))
		return -1;
	for (v++; *v >= '0' && *v <= '9' && n < 1000; v++)
		n = n * 10 + (*v - '0');
	return n;
}

/* Implied level of a missing variant: amd64 v1, arm64 v8. */
static int effective_level(const char *arch, const char *variant)
{
	int l = variant_level(variant);

	if (l >= 0)
		return l;
	if (variant)
		return -1;
	if (streq(arch, "amd64"))
		return 1;
	if (streq(arch, "arm64"))
		return 8;
	return 0;
}

/* 2: exact, 1: compatible (older variant of the same arch), 0: no */
static int platform_score(const struct cs_platform *want, const struct cs_platform *have)
{
	struct cs_platform w, h;
	int score = 0;

	if (platform_copy_norm(want, &w) < 0)
		return 0;
	if (platform_copy_norm(have, &h) < 0) {
		cs_platform_done(&w);
		return 0;
	}
	if (!strcmp(w.os, h.os) && !strcmp(w.arch, h.arch)) {
		if ((!w.variant && !h.variant) || streq(w.variant, h.variant)) {
			score = 2;
		} else {
			int wl = effective_level(w.arch, w.variant);
			int hl = effective_level(h.arch, h.variant);

			/* a newer CPU runs code built for an older variant */
			if (wl >= 0 && hl >= 0 && hl <= wl)
				score = 1;
		}
	}
	cs_platform_done(&w);
	cs_platform_done(&h);
	return score;
}

bool cs_platform_matches(const struct cs_platform *want, const struct cs_platform *have)
{
	return platform_score(want, have) > 0;
}

const char *cs_platform_format(const struct cs_platform *p, char *buf, size_t n)
{
	if (n == 0)
		return buf;
	snprintf(buf, n, "%s/%s%s%s", p->os ? p->os : "unknown", p->arch ? p->arch : "unknown",
		 p->variant ? "/" : "", p->variant ? p->variant : "");
	return buf;
}

static bool is_attestation(const struct cs_descriptor *d)
{
	if (d->has_platform && streq(d->platform.os, "unknown") &&
	    streq(d->platform.arch, "unknown"))
		return true;
	for (size_t i = 0; i < d->n_annotations; i++)
		if (!strcmp(d->annotations[i].key, "vnd.docker.reference.type") &&
		    !strcmp(d->annotations[i].value, "attestation-manifest"))
			return true;
	return false;
}

/* Descriptors an index may point to for an image: manifests, nested indexes, or unknown. */
static bool may_be_image(const struct cs_descriptor *d)
{
	return !d->media_type || is_image_type(d->media_type) || is_index_type(d->media_type);
}

int cs_index_select(const struct cs_manifest *m, const struct cs_platform *want,
		    struct cs_error *err)
{
	struct cs_buf avail = CS_BUF_INIT(4096);
	int best = -1, best_score = 0, best_level = -1, unplatformed = -1, n_unplatformed = 0;
	char wbuf[256];

	if (!m || m->kind != CS_MANIFEST_INDEX)
		return cs_error_set(err, -CS_E_INTERNAL, "not an image index");
	for (size_t i = 0; i < m->n_manifests && i < INT32_MAX; i++) {
		const struct cs_descriptor *d = &m->manifests[i];
		int score, level;

		if (is_attestation(d) || !may_be_image(d))
			continue;
		if (!d->has_platform || !d->platform.arch) {
			unplatformed = (int)i;
			n_unplatformed++;
			continue;
		}
		score = platform_score(want, &d->platform);
		if (score == 0)
			continue;
		level = effective_level(d->platform.arch, d->platform.variant);
		/* the exact match, else the newest compatible variant; first wins ties */
		if (score > best_score ||
		    (score == best_score && score == 1 && level > best_level)) {
			best = (int)i;
			best_score = score;
			best_level = level;
		}
	}
	if (best >= 0)
		return best;
	/* an index without platforms and one image in it (OCI layouts do this) */
	if (n_unplatformed == 1)
		return unplatformed;
	for (size_t i = 0; i < m->n_manifests; i++) {
		const struct cs_descriptor *d = &m->manifests[i];
		char pbuf[256];

		if (is_attestation(d) || !d->has_platform)
			continue;
		cs_platform_format(&d->platform, pbuf, sizeof(pbuf));
		if (avail.len > 0 && cs_buf_puts(&avail, ", ") < 0)
			break;
		if (cs_buf_puts(&avail, pbuf) < 0)
			break;
	}
	cs_platform_format(want, wbuf, sizeof(wbuf));
	cs_error_set(err, -CS_E_NOTFOUND, "no image for platform '%s' in the index (available: %s)",
		     wbuf, avail.len ? avail.data : "none");
	cs_buf_done(&avail);
	return -CS_E_NOTFOUND;
}

bool cs_media_type_is_layer(const char *mt)
{
	static const char *const layers[] = {
		CS_MT_OCI_LAYER,
		CS_MT_OCI_LAYER_GZIP,
		CS_MT_OCI_LAYER_ZSTD,
		CS_MT_OCI_LAYER_ND,
		CS_MT_OCI_LAYER_ND "+gzip",
		CS_MT_OCI_LAYER_ND "+zstd",
		CS_MT_DOCKER_LAYER_GZIP,
		CS_MT_DOCKER_LAYER_FOREIGN,
		"application/vnd.docker.image.rootfs.diff.tar",
	};

	if (!mt)
		return false;
	for (size_t i = 0; i < CS_ARRAY_SIZE(layers); i++)
		if (!strcmp(mt, layers[i]))
			return true;
	return false;
}
