/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SBOM documents: CycloneDX 1.6 JSON and SPDX 2.3 JSON written from a
 * catalog (streaming, valid against the published schemas), customs' own
 * JSON, and reading CycloneDX or SPDX JSON back into a catalog so SBOMs
 * round-trip (`customs scan sbom FILE`).
 */
#pragma once

#include <stdio.h>
#include "catalog/package.h"

/* What the SBOM describes. */
struct cs_sbom_subject {
	const char *name;	     /* the reference as given ("oci:/x:tag", "dir:/rootfs") */
	const char *manifest_digest; /* NULL if none */
	const char *config_digest;   /* NULL if none */
	const char *os;		     /* config os / arch, may be NULL */
	const char *architecture;
	/*
	 * Document timestamp (seconds since the epoch). Serial numbers and
	 * namespaces are derived from the content, so the same input and time
	 * give byte-identical documents (golden tests; SOURCE_DATE_EPOCH).
	 */
	int64_t created;
};

enum cs_sbom_format {
	CS_SBOM_CYCLONEDX = 0, /* CycloneDX 1.6 JSON */
	CS_SBOM_SPDX,	       /* SPDX 2.3 JSON */
	CS_SBOM_NATIVE,	       /* customs.sbom/v1 JSON (docs/JSON.md) */
};

int cs_sbom_write(FILE *f, enum cs_sbom_format fmt, struct cs_catalog *cat,
		  const struct cs_sbom_subject *subject, struct cs_error *err);

/*
 * For documents that build on the SBOM (the CycloneDX vulnerability report):
 * the same components, plus what the caller appends. salt (may be NULL) is
 * mixed into the serial number, so that a different document about the same
 * catalog gets a different one. cyclonedx_tail (may be NULL) is called after
 * "dependencies", inside the top-level object, with each package's bom-ref
 * (refs[i] belongs to cs_catalog_get(cat, i)); it returns 0 or -errno.
 */
struct cs_json;
struct cs_sbom_extension {
	const char *salt;
	int (*cyclonedx_tail)(struct cs_json *j, char *const *refs, size_t n, void *userdata);
	void *userdata;
};

int cs_sbom_write_ext(FILE *f, enum cs_sbom_format fmt, struct cs_catalog *cat,
		      const struct cs_sbom_subject *subject, const struct cs_sbom_extension *ext,
		      struct cs_error *err);

/*
 * Parse a CycloneDX (1.4-1.6) or SPDX 2.x JSON document (detected from its
 * content) into a new catalog: packages with type, name, version, purl,
 * licence, CPE, and the OS from the distro qualifier or the operating-system
 * component when present. Bounded by len; hostile input is -CS_E_INPUT.
 */
int cs_sbom_read(const char *data, size_t len, struct cs_catalog **ret,
		 enum cs_sbom_format *ret_format, struct cs_error *err);
