/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Packages and the catalog that holds them. A package is what one
 * cataloger found declared in one file of one layer; the catalog keeps the
 * packages of an image together with the detected operating system, and
 * after the walk (catalog.h, cs_catalog_finish) only the packages whose
 * declaring file is visible in the merged view remain, each knowing the
 * layer that introduced it.
 */
#pragma once

#include "basic/error.h"
#include "image/manifest.h"

/* Package types, named as the package-url spec names them. */
enum cs_pkg_type {
	CS_PKG_DEB = 0,
	CS_PKG_APK,
	CS_PKG_RPM,
	CS_PKG_PYPI,
	CS_PKG_NPM,
	CS_PKG_GOLANG,
	CS_PKG_CARGO,
	CS_PKG_MAVEN,
	CS_PKG_GEM,
	CS_PKG_COMPOSER,
	CS_PKG_NUGET,
	CS_PKG_TYPE_COUNT,
};

/* "deb", "apk", "rpm", "pypi", "npm", "golang", "cargo", "maven", "gem", "composer", "nuget" */
const char *cs_pkg_type_name(enum cs_pkg_type t);
/* inverse of cs_pkg_type_name; -1 if unknown */
int cs_pkg_type_from_name(const char *name);
/* OS packages (deb, apk, rpm) as opposed to language packages */
bool cs_pkg_type_is_os(enum cs_pkg_type t);

struct cs_package {
	enum cs_pkg_type type;
	char *name;	      /* as the ecosystem spells it; npm "@scope/x"; maven "artifactId" */
	char *namespace;      /* maven groupId; NULL otherwise (purl derives the rest) */
	char *version;	      /* deb "[epoch:]upstream[-rev]", rpm "[epoch:]version-release" */
	char *source_name;    /* deb Source, apk origin, rpm source rpm name; NULL if same */
	char *source_version; /* when the source version differs */
	char *arch;
	char *license;	      /* SPDX expression where known, else as declared */
	char *vendor;	      /* rpm vendor, maintainer/author otherwise (optional) */
	char *cpe;	      /* CPE 2.3 formatted string, NULL when not meaningful */
	char *purl;	      /* computed by cs_catalog_finish unless set */
	const char *found_by; /* cataloger name (a static string, not freed) */
	char *path;	      /* declaring file, relative to the root */
	unsigned layer;	      /* layer of the declaring file */
	unsigned introduced;  /* layer that introduced this package (finish) */
	/*
	 * Compiled into its declaring file (a Go or Rust binary's dependencies,
	 * the Go standard library): other software than the file itself, so it
	 * is kept even when an OS package owns that file.
	 */
	bool embedded;
	struct cs_kv *meta; /* extra facts: rpm modularity label, go toolchain, ... */
	size_t n_meta;
	char **files; /* files the package owns (OS packages), NULL-terminated or NULL */
	size_t n_files;
};

/* A new empty package of a type; fields are set by the caller (owned). */
struct cs_package *cs_package_new(enum cs_pkg_type type);
void cs_package_free(struct cs_package *p);
CS_DEFINE_CLEANUP(struct cs_package *, cs_package_free)
/* Set a string field from (s, n) with a copy; s NULL clears. 0 or -ENOMEM. */
int cs_package_set(char **field, const char *s, size_t n);
int cs_package_add_meta(struct cs_package *p, const char *key, const char *value);
int cs_package_add_file(struct cs_package *p, const char *path, size_t n);
const char *cs_package_meta(const struct cs_package *p, const char *key);

struct cs_os_release {
	char *id;	  /* "debian", "alpine", "rocky", "ubuntu", "distroless"... */
	char *version_id; /* "12", "3.20.3" */
	char *version_codename;
	char *id_like;
	char *pretty_name;
	char *name;
	char *cpe_name;
	char *detected_from; /* the file it was read from */
	unsigned layer;
};

struct cs_catalog;

int cs_catalog_new(struct cs_catalog **ret);
void cs_catalog_free(struct cs_catalog *c);
CS_DEFINE_CLEANUP(struct cs_catalog *, cs_catalog_free)
/* Takes ownership of p (also on failure). */
int cs_catalog_add(struct cs_catalog *c, struct cs_package *p);
size_t cs_catalog_count(const struct cs_catalog *c);
struct cs_package *cs_catalog_get(struct cs_catalog *c, size_t i);
/* NULL when no OS was detected */
const struct cs_os_release *cs_catalog_os(const struct cs_catalog *c);
/* Set the OS from an id and version (SBOM input); copies. */
int cs_catalog_set_os(struct cs_catalog *c, const char *id, const char *version_id);
/* Non-fatal problems (malformed files skipped), one line each. */
int cs_catalog_warn(struct cs_catalog *c, const char *fmt, ...) CS_PRINTF(2, 3);
size_t cs_catalog_warning_count(const struct cs_catalog *c);
const char *cs_catalog_warning(const struct cs_catalog *c, size_t i);
