/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rpm cataloger: installed packages from the rpm database, in whichever
 * of its three formats the image has (Berkeley DB `Packages`, NDB
 * `Packages.db`, SQLite `rpmdb.sqlite`), under var/lib/rpm/ or
 * usr/lib/sysimage/rpm/. Parsed natively (rpmdb.c, rpmhdr.c); a file with
 * one malformed header is rejected whole so that a warning, not a partial
 * package list, is what a damaged database yields.
 */
#include <string.h>
#include "basic/alloc.h"
#include "catalog/catalog.h"
#include "catalog/rpm.h"

#define RPM_DB_MAX ((uint64_t)512 * 1024 * 1024)
/* more installed packages than any real system has */
#define RPM_MAX_PACKAGES 200000

enum rpm_db_kind {
	RPM_DB_NONE,
	RPM_DB_BDB,
	RPM_DB_NDB,
	RPM_DB_SQLITE,
};

static enum rpm_db_kind rpm_db_kind(const char *path)
{
	static const char *const dirs[] = { "var/lib/rpm/", "usr/lib/sysimage/rpm/" };
	static const struct {
		const char *name;
		enum rpm_db_kind kind;
	} files[] = {
		{ "Packages", RPM_DB_BDB },
		{ "Packages.db", RPM_DB_NDB },
		{ "rpmdb.sqlite", RPM_DB_SQLITE },
	};

	for (size_t i = 0; i < CS_ARRAY_SIZE(dirs); i++) {
		size_t dl = strlen(dirs[i]);

		if (strncmp(path, dirs[i], dl))
			continue;
		for (size_t j = 0; j < CS_ARRAY_SIZE(files); j++)
			if (!strcmp(path + dl, files[j].name))
				return files[j].kind;
	}
	return RPM_DB_NONE;
}

static bool rpm_wants(const char *path, const struct cs_entry *e)
{
	(void)e;
	return (path[0] == 'v' || path[0] == 'u') && rpm_db_kind(path) != RPM_DB_NONE;
}

struct rpm_collect {
	struct cs_package **pkgs;
	size_t n, cap;
	size_t blobs;
};

static int collect_blob(const uint8_t *blob, size_t len, void *userdata, struct cs_error *err)
{
	struct rpm_collect *c = userdata;
	struct cs_package *p = NULL;
	int r;

	if (++c->blobs > RPM_MAX_PACKAGES)
		return cs_error_set(err, -CS_E_LIMIT, "more than %d package headers",
				    RPM_MAX_PACKAGES);
	r = cs_rpm_header_decode(blob, len, &p, err);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return cs_error_prefix(err, "package header %zu", c->blobs);
	if (!p)
		return 0; /* gpg-pubkey */
	if (CS_GROW(c->pkgs, c->cap, c->n + 1) < 0) {
		cs_package_free(p);
		return -ENOMEM;
	}
	c->pkgs[c->n++] = p;
	return 0;
}

static int rpm_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		     size_t len, struct cs_error *err)
{
	struct rpm_collect c = { 0 };
	const uint8_t *d = (const uint8_t *)data;
	size_t i = 0;
	int r;

	switch (rpm_db_kind(f->path)) {
	case RPM_DB_BDB:
		r = cs_rpm_bdb_walk(d, len, collect_blob, &c, err);
		break;
	case RPM_DB_NDB:
		r = cs_rpm_ndb_walk(d, len, collect_blob, &c, err);
		break;
	case RPM_DB_SQLITE:
		r = cs_rpm_sqlite_walk(d, len, collect_blob, &c, err);
		break;
	default:
		r = cs_error_set(err, -CS_E_INPUT, "not an rpm database");
		break;
	}
	/* all or nothing: hand the packages over only when the whole file was read */
	for (; r >= 0 && i < c.n; i++) {
		struct cs_package *p = CS_TAKE_PTR(c.pkgs[i]);

		p->path = cs_strdup(f->path);
		p->layer = f->layer;
		p->found_by = "rpm";
		if (!p->path) {
			cs_package_free(p);
			r = -ENOMEM;
			break;
		}
		r = cs_catalog_add(cat, p); /* takes p, also on failure */
	}
	for (i = 0; i < c.n; i++)
		cs_package_free(c.pkgs[i]);
	free(c.pkgs);
	return r < 0 ? r : 0;
}

const struct cs_cataloger cs_cataloger_rpm = {
	.name = "rpm",
	.version = 1,
	.max_size = RPM_DB_MAX,
	.wants = rpm_wants,
	.parse = rpm_parse,
};
