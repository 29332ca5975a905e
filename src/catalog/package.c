/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "catalog/internal.h"
#include "catalog/package.h"

#define MAX_WARNINGS 1000

static const char *const type_names[CS_PKG_TYPE_COUNT] = {
	[CS_PKG_DEB] = "deb",		[CS_PKG_APK] = "apk",	  [CS_PKG_RPM] = "rpm",
	[CS_PKG_PYPI] = "pypi",		[CS_PKG_NPM] = "npm",	  [CS_PKG_GOLANG] = "golang",
	[CS_PKG_CARGO] = "cargo",	[CS_PKG_MAVEN] = "maven", [CS_PKG_GEM] = "gem",
	[CS_PKG_COMPOSER] = "composer", [CS_PKG_NUGET] = "nuget",
};

const char *cs_pkg_type_name(enum cs_pkg_type t)
{
	return (unsigned)t < CS_PKG_TYPE_COUNT ? type_names[t] : "unknown";
}

int cs_pkg_type_from_name(const char *name)
{
	for (int i = 0; i < CS_PKG_TYPE_COUNT; i++)
		if (!strcmp(name, type_names[i]))
			return i;
	return -1;
}

bool cs_pkg_type_is_os(enum cs_pkg_type t)
{
	return t == CS_PKG_DEB || t == CS_PKG_APK || t == CS_PKG_RPM;
}

struct cs_package *cs_package_new(enum cs_pkg_type type)
{
	struct cs_package *p = cs_zalloc(sizeof(*p));

	if (p)
		p->type = type;
	return p;
}

void cs_package_free(struct cs_package *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->namespace);
	free(p->version);
	free(p->source_name);
	free(p->source_version);
	free(p->arch);
	free(p->license);
	free(p->vendor);
	free(p->cpe);
	free(p->purl);
	free(p->path);
	for (size_t i = 0; i < p->n_meta; i++) {
		free(p->meta[i].key);
		free(p->meta[i].value);
	}
	free(p->meta);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	free(p);
}

int cs_package_set(char **field, const char *s, size_t n)
{
	char *v = NULL;

	if (s) {
		v = cs_strndup(s, n);
		if (!v)
			return -ENOMEM;
	}
	free(*field);
	*field = v;
	return 0;
}

int cs_package_add_meta(struct cs_package *p, const char *key, const char *value)
{
	struct cs_kv *m = cs_reallocarray(p->meta, p->n_meta + 1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	p->meta = m;
	m[p->n_meta].key = cs_strdup(key);
	m[p->n_meta].value = cs_strdup(value ? value : "");
	if (!m[p->n_meta].key || !m[p->n_meta].value) {
		free(m[p->n_meta].key);
		free(m[p->n_meta].value);
		return -ENOMEM;
	}
	p->n_meta++;
	return 0;
}

const char *cs_package_meta(const struct cs_package *p, const char *key)
{
	for (size_t i = 0; i < p->n_meta; i++)
		if (!strcmp(p->meta[i].key, key))
			return p->meta[i].value;
	return NULL;
}

int cs_package_add_file(struct cs_package *p, const char *path, size_t n)
{
	/* keep the array NULL-terminated */
	char **f = cs_reallocarray(p->files, p->n_files + 2, sizeof(*f));

	if (!f)
		return -ENOMEM;
	p->files = f;
	f[p->n_files] = cs_strndup(path, n);
	if (!f[p->n_files])
		return -ENOMEM;
	p->n_files++;
	f[p->n_files] = NULL;
	return 0;
}

/* --- catalog --- */

struct cs_catalog {
	struct cs_package **pkgs;
	size_t n, cap;
	struct cs_os_release *os;
	char **warnings;
	size_t n_warnings, warn_cap, warnings_dropped;
};

int cs_catalog_new(struct cs_catalog **ret)
{
	struct cs_catalog *c = cs_zalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*ret = c;
	return 0;
}

void cs_os_release_free_(struct cs_os_release *o)
{
	if (!o)
		return;
	free(o->id);
	free(o->version_id);
	free(o->version_codename);
	free(o->id_like);
	free(o->pretty_name);
	free(o->name);
	free(o->cpe_name);
	free(o->detected_from);
	free(o);
}

void cs_catalog_free(struct cs_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		cs_package_free(c->pkgs[i]);
	free(c->pkgs);
	for (size_t i = 0; i < c->n_warnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	cs_os_release_free_(c->os);
	free(c);
}

int cs_catalog_add(struct cs_catalog *c, struct cs_package *p)
{
	if (CS_GROW(c->pkgs, c->cap, c->n + 1) < 0) {
		cs_package_free(p);
		return -ENOMEM;
	}
	c->pkgs[c->n++] = p;
	return 0;
}

size_t cs_catalog_count(const struct cs_catalog *c)
{
	return c->n;
}

struct cs_package *cs_catalog_get(struct cs_catalog *c, size_t i)
{
	return i < c->n ? c->pkgs[i] : NULL;
}

const struct cs_os_release *cs_catalog_os(const struct cs_catalog *c)
{
	return c->os;
}

void cs_catalog_set_os_(struct cs_catalog *c, struct cs_os_release *os)
{
	cs_os_release_free_(c->os);
	c->os = os;
}

int cs_catalog_set_os(struct cs_catalog *c, const char *id, const char *version_id)
{
	struct cs_os_release *os = cs_zalloc(sizeof(*os));

	if (!os)
		return -ENOMEM;
	os->id = cs_strdup(id);
	os->version_id = cs_strdup(version_id);
	if (!os->id || (version_id && !os->version_id)) {
		cs_os_release_free_(os);
		return -ENOMEM;
	}
	cs_catalog_set_os_(c, os);
	return 0;
}

struct cs_package **cs_catalog_packages_(struct cs_catalog *c, size_t **ret_n)
{
	*ret_n = &c->n;
	return c->pkgs;
}

size_t cs_catalog_warnings_emitted_(const struct cs_catalog *c)
{
	return c->n_warnings + c->warnings_dropped;
}

void cs_catalog_truncate_(struct cs_catalog *c, size_t n)
{
	while (c->n > n)
		cs_package_free(c->pkgs[--c->n]);
}

int cs_catalog_warn(struct cs_catalog *c, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	if (c->n_warnings >= MAX_WARNINGS) {
		c->warnings_dropped++;
		return 0;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (CS_GROW(c->warnings, c->warn_cap, c->n_warnings + 1) < 0) {
		free(s);
		return -ENOMEM;
	}
	c->warnings[c->n_warnings++] = s;
	return 0;
}

size_t cs_catalog_warning_count(const struct cs_catalog *c)
{
	return c->n_warnings;
}

const char *cs_catalog_warning(const struct cs_catalog *c, size_t i)
{
	return i < c->n_warnings ? c->warnings[i] : NULL;
}
