/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JavaScript packages: the package.json of every package installed under a
 * node_modules directory, and the lock files of projects (package-lock.json
 * and npm-shrinkwrap.json v1-v3, yarn.lock v1 and berry, pnpm-lock.yaml
 * v5-v9). Lock files inside node_modules belong to dependencies and say
 * nothing about what is installed, so they are ignored. Every package of a
 * lock file is reported once per (name, version), with the lock file as its
 * path; "dev" in meta says it is only a development dependency.
 */
#include <string.h>
#include <jansson.h>
#include <yaml.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "catalog/cataloger.h"

#define NPM_MANIFEST_MAX (8u << 20)
#define NPM_LOCK_MAX	 (64u << 20)
#define NPM_NAME_MAX	 512
#define NPM_VERSION_MAX	 256
#define NPM_LICENSE_MAX	 512
#define NPM_MAX_PACKAGES 1000000
/* package-lock v1 nests dependencies; real trees are far shallower */
#define NPM_MAX_DEPTH	   64
#define NPM_YAML_MAX_DEPTH 64

/* --- which files --- */

static bool component_is(const char *s, size_t n, const char *what)
{
	return n == strlen(what) && !memcmp(s, what, n);
}

static bool path_has_component(const char *path, const char *what)
{
	const char *p = path;

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (component_is(p, n, what))
			return true;
		if (!slash)
			break;
		p = slash + 1;
	}
	return false;
}

/* Start of the component that ends at `end` (exclusive), within path. */
static const char *component_start(const char *path, const char *end)
{
	while (end > path && end[-1] != '/')
		end--;
	return end;
}

/* .../node_modules/NAME/package.json or .../node_modules/@scope/NAME/package.json */
static bool npm_is_installed_manifest(const char *path)
{
	const char *base = cs_path_basename(path);
	const char *name_end, *name, *parent, *parent_end;

	if (strcmp(base, "package.json") || base == path)
		return false;
	name_end = base - 1;
	name = component_start(path, name_end);
	if (name == name_end || name[0] == '.' || name == path)
		return false;
	parent_end = name - 1;
	parent = component_start(path, parent_end);
	if (name[0] == '@')
		return false; /* a scope directory, not a package */
	if (parent[0] == '@' && parent_end - parent > 1) {
		if (parent == path)
			return false;
		parent_end = parent - 1;
		parent = component_start(path, parent_end);
	}
	return component_is(parent, (size_t)(parent_end - parent), "node_modules");
}

enum npm_kind {
	NPM_NONE = 0,
	NPM_MANIFEST,
	NPM_LOCK_JSON,
	NPM_YARN,
	NPM_PNPM,
};

static enum npm_kind npm_kind(const char *path)
{
	const char *base = cs_path_basename(path);

	if (!strcmp(base, "package.json"))
		return npm_is_installed_manifest(path) ? NPM_MANIFEST : NPM_NONE;
	if (strcmp(base, "package-lock.json") && strcmp(base, "npm-shrinkwrap.json") &&
	    strcmp(base, "yarn.lock") && strcmp(base, "pnpm-lock.yaml"))
		return NPM_NONE;
	if (path_has_component(path, "node_modules"))
		return NPM_NONE;
	if (base[0] == 'y')
		return NPM_YARN;
	if (base[1] == 'n')
		return NPM_PNPM;
	return NPM_LOCK_JSON;
}

static bool npm_wants(const char *path, const struct cs_entry *e)
{
	if (e && e->type != CS_ENTRY_REG)
		return false;
	return npm_kind(path) != NPM_NONE;
}

/* --- validation --- */

static bool text_ok(const char *s, size_t n, size_t max)
{
	if (!s || n == 0 || n > max || !cs_utf8_is_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* npm names and versions never hold whitespace */
static bool token_ok(const char *s, size_t n, size_t max)
{
	if (!text_ok(s, n, max))
		return false;
	return !memchr(s, ' ', n);
}

/* Versions that point at a directory of the project, not a package. */
static bool version_is_local(const char *v, size_t n)
{
	static const char *const local[] = { "file:", "link:", "workspace:", "portal:" };

	for (size_t i = 0; i < CS_ARRAY_SIZE(local); i++) {
		size_t m = strlen(local[i]);

		if (n >= m && !memcmp(v, local[i], m))
			return true;
	}
	return false;
}

/*
 * Split a descriptor "name@range" ("@scope/name@range"); returns the name
 * length (the whole string when there is no range).
 */
static size_t descriptor_name_len(const char *s, size_t n)
{
	const char *at;
	size_t from = 0;

	if (n && s[0] == '@') {
		const char *slash = memchr(s, '/', n);

		if (!slash)
			return n;
		from = (size_t)(slash - s);
	}
	at = memchr(s + from, '@', n - from);
	return at ? (size_t)(at - s) : n;
}

/* --- collecting the packages of one file --- */

struct npm_entry {
	char *name, *version, *license;
	bool dev;
};

struct npm_set {
	struct npm_entry *v;
	size_t n, cap;
};

static void npm_set_done(struct npm_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].version);
		free(s->v[i].license);
	}
	free(s->v);
}

/*
 * Add (name, version); invalid names or versions are left out (a lock file
 * may mention things this cataloger does not understand), local ones too.
 * An alias version "npm:real@1.2.3" stands for package real.
 */
static int npm_set_add(struct npm_set *s, const char *name, size_t nlen, const char *version,
		       size_t vlen, const char *license, bool dev, struct cs_error *err)
{
	struct npm_entry *e;
	bool has_licence;

	if (vlen > 4 && !memcmp(version, "npm:", 4)) {
		size_t k = descriptor_name_len(version + 4, vlen - 4);

		if (k >= vlen - 4)
			return 0;
		name = version + 4;
		nlen = k;
		version = name + k + 1;
		vlen = vlen - 4 - k - 1;
	}
	if (!token_ok(name, nlen, NPM_NAME_MAX) || !token_ok(version, vlen, NPM_VERSION_MAX) ||
	    version_is_local(version, vlen))
		return 0;
	if (s->n >= NPM_MAX_PACKAGES)
		return cs_error_set(err, -CS_E_LIMIT, "more than %d packages", NPM_MAX_PACKAGES);
	if (CS_GROW(s->v, s->cap, s->n + 1) < 0)
		return -ENOMEM;
	has_licence = license && text_ok(license, strlen(license), NPM_LICENSE_MAX);
	e = &s->v[s->n];
	*e = (struct npm_entry){ cs_strndup(name, nlen), cs_strndup(version, vlen),
				 has_licence ? cs_strdup(license) : NULL, dev };
	if (!e->name || !e->version || (has_licence && !e->license)) {
		free(e->name);
		free(e->version);
		free(e->license);
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

static int npm_entry_cmp(const void *x, const void *y)
{
	const struct npm_entry *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c ? c : strcmp(a->version, b->version);
}

static int npm_emit(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *name,
		    const char *version, const char *license, const char *author, bool dev)
{
	_cleanup_(cs_package_freep) struct cs_package *p = cs_package_new(CS_PKG_NPM);

	if (!p || cs_package_set(&p->name, name, strlen(name)) < 0 ||
	    cs_package_set(&p->version, version, strlen(version)) < 0 ||
	    (license && cs_package_set(&p->license, license, strlen(license)) < 0) ||
	    (author && cs_package_set(&p->vendor, author, strlen(author)) < 0) ||
	    cs_package_set(&p->path, f->path, strlen(f->path)) < 0 ||
	    (dev && cs_package_add_meta(p, "dev", "true") < 0))
		return -ENOMEM;
	p->layer = f->layer;
	p->found_by = "npm";
	return cs_catalog_add(cat, CS_TAKE_PTR(p));
}

/* Once per (name, version); a package is dev only if every mention of it is. */
static int npm_set_emit(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			struct npm_set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), npm_entry_cmp);
	for (size_t i = 0; i < s->n;) {
		size_t j = i + 1;
		bool dev = s->v[i].dev;
		const char *license = s->v[i].license;
		int r;

		while (j < s->n && !npm_entry_cmp(&s->v[i], &s->v[j])) {
			dev = dev && s->v[j].dev;
			if (!license)
				license = s->v[j].license;
			j++;
		}
		r = npm_emit(cat, f, s->v[i].name, s->v[i].version, license, NULL, dev);
		if (r < 0)
			return r;
		i = j;
	}
	return 0;
}

/* --- JSON --- */

static int npm_json_load(const char *data, size_t len, json_t **ret, struct cs_error *err)
{
	json_error_t jerr;
	json_t *j = json_loadb(data, len, 0, &jerr);

	if (!j)
		return cs_error_set(err, -CS_E_INPUT, "invalid json at line %d: %s", jerr.line,
				    jerr.text);
	*ret = j;
	return 0;
}

static const char *json_str(json_t *obj, const char *key, size_t *ret_len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return NULL;
	if (ret_len)
		*ret_len = json_string_length(v);
	return json_string_value(v);
}

static const char *npm_licence_item(json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v))
		return json_str(v, "type", NULL);
	return NULL;
}

/*
 * "license": "MIT" | {"type": "MIT"}, or the old "licenses": [...] (a list
 * of alternatives). Returns a new string or NULL (in *ret), 0 or -ENOMEM.
 */
static int npm_json_licence(json_t *obj, char **ret)
{
	const char *l = npm_licence_item(json_object_get(obj, "license"));
	json_t *arr = json_object_get(obj, "licenses"), *v;
	struct cs_buf b = CS_BUF_INIT(NPM_LICENSE_MAX);
	size_t i;

	*ret = NULL;
	if (l) {
		if (text_ok(l, strlen(l), NPM_LICENSE_MAX) && !(*ret = cs_strdup(l)))
			return -ENOMEM;
		return 0;
	}
	if (!json_is_array(arr))
		return 0;
	json_array_foreach (arr, i, v) {
		const char *item = npm_licence_item(v);
		int r;

		if (!item || !text_ok(item, strlen(item), NPM_LICENSE_MAX))
			continue;
		r = b.len ? cs_buf_puts(&b, " OR ") : 0;
		if (r >= 0)
			r = cs_buf_puts(&b, item);
		if (r == -CS_E_LIMIT)
			break;
		if (r < 0) {
			cs_buf_done(&b);
			return r;
		}
	}
	if (b.len)
		*ret = cs_buf_steal(&b, NULL);
	cs_buf_done(&b);
	return 0;
}

static const char *npm_author(json_t *obj)
{
	json_t *a = json_object_get(obj, "author");
	const char *s = json_is_object(a) ? json_str(a, "name", NULL) : json_string_value(a);

	return s && text_ok(s, strlen(s), 1024) ? s : NULL;
}

/* The package's name from its path: node_modules/NAME or node_modules/@scope/NAME. */
static void npm_name_from_path(const char *path, const char **ret, size_t *ret_len)
{
	const char *end = cs_path_basename(path) - 1;
	const char *name = component_start(path, end);

	if (name > path + 1) {
		const char *scope = component_start(path, name - 1);

		if (scope[0] == '@')
			name = scope;
	}
	*ret = name;
	*ret_len = (size_t)(end - name);
}

static int npm_parse_manifest(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			      const char *data, size_t len, struct cs_error *err)
{
	json_t *root = NULL;
	const char *name, *version;
	size_t nlen = 0, vlen = 0;
	_cleanup_free_ char *license = NULL, *nm = NULL;
	int r;

	if (len > NPM_MANIFEST_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "package.json larger than %u bytes",
				    NPM_MANIFEST_MAX);
	r = npm_json_load(data, len, &root, err);
	if (r < 0)
		return r;
	if (!json_is_object(root)) {
		r = cs_error_set(err, -CS_E_INPUT, "package.json is not a json object");
		goto out;
	}
	version = json_str(root, "version", &vlen);
	/* a private package without a version is a project, not something installed */
	if (!version) {
		r = 0;
		goto out;
	}
	name = json_str(root, "name", &nlen);
	if (!name)
		npm_name_from_path(f->path, &name, &nlen);
	if (!token_ok(name, nlen, NPM_NAME_MAX) || !token_ok(version, vlen, NPM_VERSION_MAX)) {
		r = cs_error_set(err, -CS_E_INPUT, "invalid package name or version");
		goto out;
	}
	r = -ENOMEM;
	nm = cs_strndup(name, nlen);
	if (!nm || npm_json_licence(root, &license) < 0)
		goto out;
	r = npm_emit(cat, f, nm, version, license, npm_author(root), false);
out:
	json_decref(root);
	return r;
}

/* lockfileVersion 1: "dependencies": {name: {version, dev, dependencies: {...}}} */
static int npm_lock_v1(struct npm_set *s, json_t *deps, unsigned depth, struct cs_error *err)
{
	const char *key;
	json_t *v;

	if (depth > NPM_MAX_DEPTH)
		return cs_error_set(err, -CS_E_LIMIT, "dependencies nested deeper than %d",
				    NPM_MAX_DEPTH);
	json_object_foreach (deps, key, v) {
		const char *version;
		size_t vlen = 0;
		json_t *sub;
		int r;

		if (!json_is_object(v))
			continue;
		version = json_str(v, "version", &vlen);
		if (version) {
			r = npm_set_add(s, key, strlen(key), version, vlen, NULL,
					json_is_true(json_object_get(v, "dev")), err);
			if (r < 0)
				return r;
		}
		sub = json_object_get(v, "dependencies");
		if (json_is_object(sub)) {
			r = npm_lock_v1(s, sub, depth + 1, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* lockfileVersion 2 and 3: "packages": {"node_modules/a/node_modules/b": {...}} */
static int npm_lock_v2(struct npm_set *s, json_t *pkgs, struct cs_error *err)
{
	static const char nm[] = "node_modules/";
	const char *key;
	json_t *v;

	json_object_foreach (pkgs, key, v) {
		const char *name, *version, *last = NULL, *q = key;
		size_t nlen = 0, vlen = 0;
		_cleanup_free_ char *license = NULL;
		int r;

		if (!json_is_object(v) || !key[0] || json_is_true(json_object_get(v, "link")))
			continue;
		while ((q = strstr(q, nm))) {
			if (q == key || q[-1] == '/')
				last = q + sizeof(nm) - 1;
			q += sizeof(nm) - 1;
		}
		/* other keys are the project's own workspace folders */
		if (!last)
			continue;
		version = json_str(v, "version", &vlen);
		if (!version)
			continue;
		name = json_str(v, "name", &nlen);
		if (!name) {
			name = last;
			nlen = strlen(last);
		}
		if (npm_json_licence(v, &license) < 0)
			return -ENOMEM;
		r = npm_set_add(s, name, nlen, version, vlen, license,
				json_is_true(json_object_get(v, "dev")), err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int npm_parse_lock_json(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			       const char *data, size_t len, struct cs_error *err)
{
	struct npm_set s = { 0 };
	json_t *root = NULL, *pkgs, *deps;
	int r;

	r = npm_json_load(data, len, &root, err);
	if (r < 0)
		return r;
	if (!json_is_object(root)) {
		r = cs_error_set(err, -CS_E_INPUT, "lock file is not a json object");
		goto out;
	}
	pkgs = json_object_get(root, "packages");
	deps = json_object_get(root, "dependencies");
	if (json_is_object(pkgs))
		r = npm_lock_v2(&s, pkgs, err);
	else if (json_is_object(deps))
		r = npm_lock_v1(&s, deps, 0, err);
	else if (!json_is_integer(json_object_get(root, "lockfileVersion")))
		r = cs_error_set(err, -CS_E_INPUT, "not an npm lock file");
	if (r >= 0)
		r = npm_set_emit(cat, f, &s);
out:
	npm_set_done(&s);
	json_decref(root);
	return r;
}

/* --- yarn.lock (v1 and berry) --- */

struct yarn_entry {
	const char *name; /* from the header's first descriptor */
	size_t nlen;
	const char *version, *resolution;
	size_t vlen, rlen;
	bool skip;
};

/* "x", x: the value of a yarn v1 ("version \"1.0\"") or berry ("version: 1.0") line */
static int yarn_value(const char *s, size_t n, size_t lineno, const char **ret, size_t *ret_len,
		      struct cs_error *err)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n && (*s == '"' || *s == '\'')) {
		const char *close = memchr(s + 1, *s, n - 1);

		if (!close)
			return cs_error_set(err, -CS_E_INPUT, "unterminated quote on line %zu",
					    lineno);
		*ret = s + 1;
		*ret_len = (size_t)(close - s - 1);
		return 0;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*ret = s;
	*ret_len = n;
	return 0;
}

static int yarn_entry_done(struct npm_set *s, struct yarn_entry *e, struct cs_error *err)
{
	const char *name = e->name;
	size_t nlen = e->nlen;
	int r = 0;

	if (e->name && !e->skip && e->version) {
		/* berry: the resolution names the real package ("alias@npm:x" resolves to x) */
		if (e->resolution) {
			size_t k = descriptor_name_len(e->resolution, e->rlen);
			const char *proto = e->resolution + k + 1;
			size_t plen = k < e->rlen ? e->rlen - k - 1 : 0;

			if (!version_is_local(proto, plen) && k) {
				name = e->resolution;
				nlen = k;
			} else {
				e->skip = true;
			}
		}
		if (!e->skip)
			r = npm_set_add(s, name, nlen, e->version, e->vlen, NULL, false, err);
	}
	*e = (struct yarn_entry){ 0 };
	return r;
}

/*
 * A header: `"@a/b@^1", "@a/b@^1.2":` (v1) or `"@a/b@npm:^1, @a/b@npm:^1.2":`
 * (berry). The first descriptor names the package.
 */
static int yarn_header(struct yarn_entry *e, const char *s, size_t n, size_t lineno,
		       struct cs_error *err)
{
	const char *d;
	size_t dlen, k;

	if (n == 0 || s[n - 1] != ':')
		return cs_error_set(err, -CS_E_INPUT, "line %zu is not an entry header", lineno);
	n--;
	if (n && s[0] == '"') {
		const char *close = memchr(s + 1, '"', n - 1);

		if (!close)
			return cs_error_set(err, -CS_E_INPUT, "unterminated quote on line %zu",
					    lineno);
		d = s + 1;
		dlen = (size_t)(close - d);
	} else {
		d = s;
		dlen = n;
	}
	{
		const char *comma = memchr(d, ',', dlen);

		if (comma)
			dlen = (size_t)(comma - d);
	}
	if (dlen == 10 && !memcmp(d, "__metadata", 10)) {
		e->skip = true;
		return 0;
	}
	k = descriptor_name_len(d, dlen);
	e->name = d;
	e->nlen = k;
	if (k < dlen) {
		const char *range = d + k + 1;
		size_t rlen = dlen - k - 1;

		/* v1 alias: "alias@npm:real@^1" */
		if (rlen > 4 && !memcmp(range, "npm:", 4)) {
			size_t k2 = descriptor_name_len(range + 4, rlen - 4);

			if (k2 < rlen - 4) {
				e->name = range + 4;
				e->nlen = k2;
			}
		}
		if (version_is_local(range, rlen))
			e->skip = true;
	}
	return 0;
}

static int npm_parse_yarn(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			  const char *data, size_t len, struct cs_error *err)
{
	struct npm_set s = { 0 };
	struct yarn_entry e = { 0 };
	const char *p = data, *end = data + len;
	size_t lineno = 0;
	bool in_entry = false;
	int r = 0;

	if (memchr(data, '\0', len))
		return cs_error_set(err, -CS_E_INPUT, "not a text file");
	while (p < end && r >= 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);

		lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0 || p[0] == '#') {
			/* blank lines and comments */
		} else if (p[0] != ' ') {
			if (in_entry)
				r = yarn_entry_done(&s, &e, err);
			if (r >= 0)
				r = yarn_header(&e, p, n, lineno, err);
			in_entry = true;
		} else if (in_entry && n > 2 && p[1] == ' ' && p[2] != ' ') {
			const char *k = p + 2, *kend = k, *v = NULL;
			size_t klen, vlen = 0;

			while (kend < p + n && *kend != ' ' && *kend != ':')
				kend++;
			klen = (size_t)(kend - k);
			if (kend < p + n && *kend == ':')
				kend++;
			if (klen == 7 && !memcmp(k, "version", 7)) {
				r = yarn_value(kend, (size_t)(p + n - kend), lineno, &v, &vlen,
					       err);
				e.version = v;
				e.vlen = vlen;
			} else if (klen == 10 && !memcmp(k, "resolution", 10)) {
				r = yarn_value(kend, (size_t)(p + n - kend), lineno, &v, &vlen,
					       err);
				e.resolution = v;
				e.rlen = vlen;
			} else if (klen == 8 && !memcmp(k, "linkType", 8)) {
				r = yarn_value(kend, (size_t)(p + n - kend), lineno, &v, &vlen,
					       err);
				if (r >= 0 && vlen == 4 && !memcmp(v, "soft", 4))
					e.skip = true;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (r >= 0 && in_entry)
		r = yarn_entry_done(&s, &e, err);
	if (r >= 0)
		r = npm_set_emit(cat, f, &s);
	npm_set_done(&s);
	return r;
}

/* --- pnpm-lock.yaml --- */

struct pnpm_state {
	struct npm_set *set;
	bool is_map[NPM_YAML_MAX_DEPTH + 1];
	bool expect_key[NPM_YAML_MAX_DEPTH + 1];
	char *key[4];	  /* the current key at levels 1..3 */
	bool in_packages; /* level 2 is the packages mapping */
	/* fields of the package entry (level 3) being read */
	char *name, *version;
	bool dev;
	unsigned depth;
};

static void pnpm_entry_reset(struct pnpm_state *st)
{
	free(st->name);
	free(st->version);
	st->name = st->version = NULL;
	st->dev = false;
}

/*
 * The package named by a key of `packages:`: "/name/1.2.3_peer" (v5),
 * "/name@1.2.3(peer@1)" (v6), "name@1.2.3" (v9), scoped "@s/name" alike.
 * Fields "name:"/"version:" in the entry take precedence (git, tarballs).
 */
static int pnpm_entry_done(struct pnpm_state *st, struct cs_error *err)
{
	const char *key = st->key[2], *k, *name = st->name, *version = st->version;
	size_t nlen = name ? strlen(name) : 0, vlen = version ? strlen(version) : 0;
	bool slash;

	if (!key)
		return 0;
	slash = key[0] == '/';
	k = key + slash;
	if (!name || !version) {
		const char *sep = k;
		size_t from = 0;

		if (k[0] == '@') {
			const char *s = strchr(k, '/');

			if (!s)
				return 0;
			from = (size_t)(s + 1 - k);
		}
		sep = k + from + strcspn(k + from, "/@");
		if (!*sep)
			return 0;
		if (!name) {
			name = k;
			nlen = (size_t)(sep - k);
		}
		if (!version) {
			version = sep + 1;
			/* "/name/1.2.3" only with the leading slash: others are hosts */
			if (*sep == '/' && !slash)
				return 0;
			vlen = strcspn(version, *sep == '/' ? "_/(" : "(");
			if (!vlen || version[0] < '0' || version[0] > '9')
				return 0;
		}
	}
	return npm_set_add(st->set, name, nlen, version, vlen, NULL, st->dev, err);
}

static int pnpm_scalar(struct pnpm_state *st, const yaml_event_t *ev, bool is_key,
		       struct cs_error *err)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	unsigned d = st->depth;

	if (is_key) {
		if (d >= 1 && d <= 3) {
			free(st->key[d]);
			st->key[d] = cs_strndup(v, n);
			if (!st->key[d])
				return -ENOMEM;
		}
		return 0;
	}
	/* an entry without fields: "/name/1.0.0: {}" is a mapping, but null is a scalar */
	if (d == 2 && st->in_packages && st->is_map[2]) {
		pnpm_entry_reset(st);
		return pnpm_entry_done(st, err);
	}
	if (d == 3 && st->in_packages && st->is_map[3] && st->key[3]) {
		char **field = NULL;

		if (!strcmp(st->key[3], "name"))
			field = &st->name;
		else if (!strcmp(st->key[3], "version"))
			field = &st->version;
		else if (!strcmp(st->key[3], "dev"))
			st->dev = n == 4 && !memcmp(v, "true", 4);
		if (field) {
			free(*field);
			*field = cs_strndup(v, n);
			if (!*field)
				return -ENOMEM;
		}
	}
	return 0;
}

/* A node at the current level was completed: a mapping alternates key and value. */
static void pnpm_complete(struct pnpm_state *st)
{
	if (st->depth > 0 && st->is_map[st->depth])
		st->expect_key[st->depth] = !st->expect_key[st->depth];
}

static int pnpm_event(struct pnpm_state *st, const yaml_event_t *ev, struct cs_error *err)
{
	bool is_key = st->depth > 0 && st->is_map[st->depth] && st->expect_key[st->depth];
	int r = 0;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		st->depth = 0;
		st->in_packages = false;
		break;
	case YAML_SCALAR_EVENT:
		r = pnpm_scalar(st, ev, is_key, err);
		pnpm_complete(st);
		break;
	case YAML_ALIAS_EVENT:
		if (is_key && st->depth <= 3) {
			free(st->key[st->depth]);
			st->key[st->depth] = NULL;
		}
		pnpm_complete(st);
		break;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (is_key && st->depth <= 3) {
			free(st->key[st->depth]);
			st->key[st->depth] = NULL;
		}
		if (st->depth >= NPM_YAML_MAX_DEPTH)
			return cs_error_set(err, -CS_E_LIMIT, "yaml nested deeper than %d",
					    NPM_YAML_MAX_DEPTH);
		st->depth++;
		st->is_map[st->depth] = ev->type == YAML_MAPPING_START_EVENT;
		st->expect_key[st->depth] = true;
		if (st->depth <= 3) {
			free(st->key[st->depth]);
			st->key[st->depth] = NULL;
		}
		if (st->depth == 2)
			st->in_packages = !is_key && st->is_map[1] && st->key[1] &&
					  !strcmp(st->key[1], "packages");
		if (st->depth == 3 && st->in_packages)
			pnpm_entry_reset(st);
		break;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (st->depth == 0)
			return cs_error_set(err, -CS_E_INPUT, "unbalanced yaml");
		if (st->depth == 3 && st->in_packages && st->is_map[3] && st->is_map[2])
			r = pnpm_entry_done(st, err);
		if (st->depth == 2)
			st->in_packages = false;
		st->depth--;
		pnpm_complete(st);
		break;
	default:
		break;
	}
	return r;
}

static int npm_parse_pnpm(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			  const char *data, size_t len, struct cs_error *err)
{
	struct npm_set s = { 0 };
	struct pnpm_state st = { .set = &s };
	yaml_parser_t parser;
	bool done = false;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done && r >= 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR)
				r = -ENOMEM;
			else
				r = cs_error_set(err, -CS_E_INPUT, "invalid yaml at line %zu: %s",
						 parser.problem_mark.line + 1,
						 parser.problem ? parser.problem : "syntax error");
			break;
		}
		r = pnpm_event(&st, &ev, err);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (r >= 0)
		r = npm_set_emit(cat, f, &s);
	pnpm_entry_reset(&st);
	for (size_t i = 0; i < CS_ARRAY_SIZE(st.key); i++)
		free(st.key[i]);
	npm_set_done(&s);
	return r;
}

static int npm_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		     size_t len, struct cs_error *err)
{
	switch (npm_kind(f->path)) {
	case NPM_MANIFEST:
		return npm_parse_manifest(cat, f, data, len, err);
	case NPM_LOCK_JSON:
		return npm_parse_lock_json(cat, f, data, len, err);
	case NPM_YARN:
		return npm_parse_yarn(cat, f, data, len, err);
	case NPM_PNPM:
		return npm_parse_pnpm(cat, f, data, len, err);
	default:
		return cs_error_set(err, -CS_E_INTERNAL, "not an npm file");
	}
}

const struct cs_cataloger cs_cataloger_npm = {
	.name = "npm",
	.version = 1,
	.max_size = NPM_LOCK_MAX,
	.wants = npm_wants,
	.parse = npm_parse,
};
