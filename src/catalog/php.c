/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PHP packages installed by Composer: vendor/composer/installed.json (v1:
 * an array of packages; v2: {"packages": [...], "dev-package-names": [...]})
 * and a project's composer.lock ("packages" and "packages-dev"). Lock files
 * of dependencies, inside vendor/, are not what is installed and are
 * ignored. Names are "vendor/name" as Composer writes them; versions are
 * kept as declared ("v1.8.1"), with Composer's normalised form in meta.
 */
#include <string.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "catalog/cataloger.h"

#define COMPOSER_MAX	     (64u << 20)
#define COMPOSER_NAME_MAX    256
#define COMPOSER_VERSION_MAX 256
#define COMPOSER_LICENSE_MAX 512

static bool php_is_installed_json(const char *path)
{
	static const char suffix[] = "vendor/composer/installed.json";
	size_t n = strlen(path), m = sizeof(suffix) - 1;

	return n >= m && !memcmp(path + n - m, suffix, m) && (n == m || path[n - m - 1] == '/');
}

static bool php_is_lock(const char *path)
{
	const char *p;

	if (!cs_path_basename_is(path, "composer.lock"))
		return false;
	for (p = strstr(path, "vendor/"); p; p = strstr(p + 1, "vendor/"))
		if (p == path || p[-1] == '/')
			return false;
	return true;
}

static bool php_wants(const char *path, const struct cs_entry *e)
{
	if (e && e->type != CS_ENTRY_REG)
		return false;
	return php_is_installed_json(path) || php_is_lock(path);
}

static bool text_ok(const char *s, size_t n, size_t max)
{
	if (!s || n == 0 || n > max || !cs_utf8_is_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static const char *json_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "license": ["MIT"] (alternatives, as Composer documents) or a string */
static int php_licence(json_t *pkg, char **ret)
{
	json_t *l = json_object_get(pkg, "license"), *v;
	struct cs_buf b = CS_BUF_INIT(COMPOSER_LICENSE_MAX);
	size_t i;
	int r = 0;

	*ret = NULL;
	if (json_is_string(l)) {
		const char *s = json_string_value(l);

		if (text_ok(s, strlen(s), COMPOSER_LICENSE_MAX) && !(*ret = cs_strdup(s)))
			return -ENOMEM;
		return 0;
	}
	json_array_foreach (l, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) : NULL;

		if (!s || !text_ok(s, strlen(s), COMPOSER_LICENSE_MAX))
			continue;
		r = b.len ? cs_buf_puts(&b, " OR ") : 0;
		if (r >= 0)
			r = cs_buf_puts(&b, s);
		if (r < 0)
			break;
	}
	if (r == -ENOMEM) {
		cs_buf_done(&b);
		return r;
	}
	/* an overlong list is not kept half */
	if (r >= 0 && b.len)
		*ret = cs_buf_steal(&b, NULL);
	cs_buf_done(&b);
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct php_ctx {
	struct cs_catalog *cat;
	const struct cs_cataloger_file *f;
	const char **dev_names; /* sorted; installed.json v2 */
	size_t n_dev;
};

static int php_package(struct php_ctx *c, json_t *pkg, bool dev)
{
	_cleanup_(cs_package_freep) struct cs_package *p = NULL;
	const char *name = json_str(pkg, "name"), *version = json_str(pkg, "version");
	const char *normalized = json_str(pkg, "version_normalized");
	json_t *authors = json_object_get(pkg, "authors");
	const char *author = json_str(json_array_get(authors, 0), "name");

	/* entries that are not packages are skipped, not fatal */
	if (!json_is_object(pkg) || !name || !version ||
	    !text_ok(name, strlen(name), COMPOSER_NAME_MAX) ||
	    !text_ok(version, strlen(version), COMPOSER_VERSION_MAX))
		return 0;
	if (!dev && c->n_dev &&
	    bsearch(&name, c->dev_names, c->n_dev, sizeof(*c->dev_names), cmp_strp))
		dev = true;
	p = cs_package_new(CS_PKG_COMPOSER);
	if (!p || cs_package_set(&p->name, name, strlen(name)) < 0 ||
	    cs_package_set(&p->version, version, strlen(version)) < 0 ||
	    php_licence(pkg, &p->license) < 0 ||
	    cs_package_set(&p->path, c->f->path, strlen(c->f->path)) < 0)
		return -ENOMEM;
	/* author names hold spaces: a looser rule than text_ok() */
	if (author && strlen(author) <= 1024 && cs_utf8_is_valid(author, strlen(author)) &&
	    !strpbrk(author, "\n\r\t") && cs_package_set(&p->vendor, author, strlen(author)) < 0)
		return -ENOMEM;
	if (normalized && text_ok(normalized, strlen(normalized), COMPOSER_VERSION_MAX) &&
	    cs_package_add_meta(p, "version_normalized", normalized) < 0)
		return -ENOMEM;
	if (dev && cs_package_add_meta(p, "dev", "true") < 0)
		return -ENOMEM;
	p->layer = c->f->layer;
	p->found_by = "php";
	return cs_catalog_add(c->cat, CS_TAKE_PTR(p));
}

static int php_packages(struct php_ctx *c, json_t *arr, bool dev)
{
	json_t *v;
	size_t i;

	json_array_foreach (arr, i, v) {
		int r = php_package(c, v, dev);

		if (r < 0)
			return r;
	}
	return 0;
}

static int php_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		     size_t len, struct cs_error *err)
{
	struct php_ctx c = { cat, f, NULL, 0 };
	json_error_t jerr;
	json_t *root, *pkgs, *dev_pkgs = NULL, *dev_names;
	int r = 0;

	root = json_loadb(data, len, 0, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "invalid json at line %d: %s", jerr.line,
				    jerr.text);
	if (json_is_array(root)) {
		pkgs = root; /* installed.json v1 */
	} else if (json_is_object(root)) {
		pkgs = json_object_get(root, "packages");
		if (php_is_lock(f->path))
			dev_pkgs = json_object_get(root, "packages-dev");
	} else {
		pkgs = NULL;
	}
	if (!json_is_array(pkgs)) {
		r = cs_error_set(err, -CS_E_INPUT, "no packages array");
		goto out;
	}
	dev_names = json_is_object(root) ? json_object_get(root, "dev-package-names") : NULL;
	if (json_is_array(dev_names) && json_array_size(dev_names)) {
		json_t *v;
		size_t i;

		c.dev_names = cs_new0(const char *, json_array_size(dev_names));
		if (!c.dev_names) {
			r = -ENOMEM;
			goto out;
		}
		json_array_foreach (dev_names, i, v)
			if (json_is_string(v))
				c.dev_names[c.n_dev++] = json_string_value(v);
		qsort(c.dev_names, c.n_dev, sizeof(*c.dev_names), cmp_strp);
	}
	r = php_packages(&c, pkgs, false);
	if (r >= 0 && json_is_array(dev_pkgs))
		r = php_packages(&c, dev_pkgs, true);
out:
	free(c.dev_names);
	json_decref(root);
	return r;
}

const struct cs_cataloger cs_cataloger_php = {
	.name = "php",
	.version = 1,
	.max_size = COMPOSER_MAX,
	.wants = php_wants,
	.parse = php_parse,
};
