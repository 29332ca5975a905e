/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The VEX reader (OpenVEX and CycloneDX), then applying what was read to a
 * fixed set of findings in a fixed image: no finding is lost or
 * duplicated, every suppressed one says by whom and why on one line, and
 * every failure has a one-line message and leaves nothing behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "catalog/package.h"
#include "match/vex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIGEST "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static struct cs_package *pkgs[3];

static struct cs_package *pkg(enum cs_pkg_type t, const char *name, const char *purl)
{
	struct cs_package *p = cs_package_new(t);

	if (!p)
		abort();
	p->name = cs_strdup(name);
	p->version = cs_strdup("3.3.2-r0");
	p->purl = cs_strdup(purl);
	return p;
}

static struct cs_findings *findings(void)
{
	static const char *const ids[] = { "CVE-2024-9143", "CVE-2024-9143", "CVE-2023-3978" };
	struct cs_findings *fs = cs_zalloc(sizeof(*fs));

	if (!pkgs[0]) {
		pkgs[0] = pkg(CS_PKG_APK, "libssl3",
			      "pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3");
		pkgs[1] = pkg(CS_PKG_APK, "libcrypto3", "pkg:apk/alpine/libcrypto3@3.3.2-r0");
		pkgs[2] = pkg(CS_PKG_GOLANG, "golang.org/x/net",
			      "pkg:golang/golang.org/x/net@v0.7.0");
	}
	fs->v = cs_new0(struct cs_finding, 3);
	fs->cap = 3;
	for (size_t i = 0; i < 3; i++) {
		fs->v[i].id = cs_strdup(ids[i]);
		fs->v[i].pkg = pkgs[i];
		if (i == 2) {
			fs->v[i].aliases = cs_new0(char *, 2);
			fs->v[i].aliases[0] = cs_strdup("GO-2023-1988");
			fs->v[i].n_aliases = 1;
		}
	}
	fs->n = 3;
	return fs;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_vex_target target = { .digests = { DIGEST, NULL, NULL } };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_findings *fs;
	struct cs_vex *v = NULL;
	int r;

	if (cs_vex_new(&v) < 0)
		return 0;
	r = cs_vex_add(v, (const char *)data, size, "fuzz.json", &err);
	if (r < 0) {
		if (r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n')))
			abort();
		if (cs_vex_count(v) != 0)
			abort();
	}
	fs = findings();
	r = cs_vex_apply(v, fs, &target, &err);
	if (r >= 0) {
		if (fs->n + fs->n_suppressed != 3 || (size_t)r != fs->n_suppressed)
			abort();
		for (size_t i = 0; i < fs->n_suppressed; i++)
			if (!fs->suppressed[i].suppressed_by ||
			    strcmp(fs->suppressed[i].suppressed_by, "vex:fuzz.json") ||
			    !fs->suppressed[i].justification ||
			    strchr(fs->suppressed[i].justification, '\n'))
				abort();
		for (size_t i = 0; i < fs->n_warnings; i++)
			if (strchr(fs->warnings[i], '\n'))
				abort();
	} else if (r != -ENOMEM) {
		abort();
	}
	cs_findings_free(fs);
	cs_vex_free(v);
	return 0;
}
