/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Package URLs (https://github.com/package-url/purl-spec): parsing and
 * formatting to the spec (percent-encoding, type-specific normalisation,
 * sorted qualifiers), and the purl of a catalogued package.
 */
#pragma once

#include "catalog/package.h"

struct cs_purl {
	char *type;		  /* lowercase */
	char *namespace;	  /* NULL if none; '/'-separated segments, decoded */
	char *name;		  /* decoded */
	char *version;		  /* decoded, NULL if none */
	struct cs_kv *qualifiers; /* sorted by key, keys lowercase, values decoded */
	size_t n_qualifiers;
	char *subpath; /* decoded, NULL if none */
};

int cs_purl_parse(const char *s, struct cs_purl **ret, struct cs_error *err);
/* The canonical string form (new allocation), NULL on allocation failure. */
char *cs_purl_format(const struct cs_purl *p);
void cs_purl_free(struct cs_purl *p);
CS_DEFINE_CLEANUP(struct cs_purl *, cs_purl_free)
const char *cs_purl_qualifier(const struct cs_purl *p, const char *key);

/*
 * The purl of a package: pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12,
 * pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3, pkg:npm/%40scope/x@1.0.0,
 * pkg:maven/group/artifact@1.0, pkg:golang/github.com/a/b@v1.2.3, ...
 * os may be NULL.
 */
int cs_purl_for_package(const struct cs_package *p, const struct cs_os_release *os, char **ret);
