/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ignore file parser, then applying what parsed to a fixed set of
 * findings at two fixed times: no finding is lost or duplicated, every
 * suppressed one says by whom and why, every failure has a one-line
 * message. The path glob matcher gets the input split in two as pattern
 * and path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "catalog/package.h"
#include "match/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_package *pkgs[3];

static struct cs_package *pkg(enum cs_pkg_type t, const char *name, const char *purl,
			      const char *path)
{
	struct cs_package *p = cs_package_new(t);

	if (!p)
		abort();
	p->name = cs_strdup(name);
	p->version = cs_strdup("1.0-r0");
	p->purl = cs_strdup(purl);
	p->path = cs_strdup(path);
	return p;
}

static struct cs_findings *findings(void)
{
	static const char *const ids[] = { "CVE-2024-9143", "CVE-2024-9143", "CVE-2023-32681" };
	struct cs_findings *fs = cs_zalloc(sizeof(*fs));

	if (!pkgs[0]) {
		pkgs[0] = pkg(CS_PKG_APK, "libssl3", "pkg:apk/alpine/libssl3@1.0-r0?arch=x86_64",
			      "lib/apk/db/installed");
		pkgs[1] = pkg(CS_PKG_APK, "libcrypto3", "pkg:apk/alpine/libcrypto3@1.0-r0",
			      "lib/apk/db/installed");
		pkgs[2] = pkg(CS_PKG_PYPI, "requests", "pkg:pypi/requests@1.0",
			      "usr/lib/python3/site-packages/requests.dist-info/METADATA");
	}
	fs->v = cs_new0(struct cs_finding, 3);
	fs->cap = 3;
	for (size_t i = 0; i < 3; i++) {
		fs->v[i].id = cs_strdup(ids[i]);
		fs->v[i].pkg = pkgs[i];
		if (i == 2) {
			fs->v[i].aliases = cs_new0(char *, 2);
			fs->v[i].aliases[0] = cs_strdup("GHSA-j8r2-6x86-q33q");
			fs->v[i].n_aliases = 1;
		}
	}
	fs->n = 3;
	return fs;
}

static void glob(const uint8_t *data, size_t size)
{
	size_t half = size / 2;
	char *pat, *path;

	if (size > 4096 || memchr(data, 0, size))
		return;
	pat = cs_strndup((const char *)data, half);
	path = cs_strndup((const char *)data + half, size - half);
	if (pat && path && cs_ignore_glob_check(pat) == 0)
		(void)cs_ignore_glob_match(pat, path);
	free(pat);
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t times[] = { 0, 4102444800 /* 2100-01-01 */ };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ignore *ign = NULL;
	int r;

	glob(data, size);
	r = cs_ignore_parse((const char *)data, size, "fuzz.yaml", &ign, &err);
	if (r < 0) {
		if (r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
			abort();
		if (ign)
			abort();
		return 0;
	}
	for (size_t t = 0; t < 2; t++) {
		struct cs_findings *fs = findings();

		r = cs_ignore_apply(ign, fs, times[t], &err);
		if (r >= 0) {
			if (fs->n + fs->n_suppressed != 3 || (size_t)r != fs->n_suppressed)
				abort();
			for (size_t i = 0; i < fs->n_suppressed; i++)
				if (!fs->suppressed[i].suppressed_by ||
				    strncmp(fs->suppressed[i].suppressed_by, "ignore-file:", 12) ||
				    !fs->suppressed[i].justification ||
				    strchr(fs->suppressed[i].justification, '\n'))
					abort();
		} else if (r != -ENOMEM) {
			abort();
		}
		cs_findings_free(fs);
	}
	cs_ignore_free(ign);
	return 0;
}
