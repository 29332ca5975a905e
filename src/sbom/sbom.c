/* SPDX-License-Identifier: Apache-2.0 */
/* cs_sbom_write: pick the writer and stream the document to a FILE. */
#include "basic/alloc.h"
#include "sbom/internal.h"

int cs_sbom_write(FILE *f, enum cs_sbom_format fmt, struct cs_catalog *cat,
		  const struct cs_sbom_subject *subject, struct cs_error *err)
{
	return cs_sbom_write_ext(f, fmt, cat, subject, NULL, err);
}

int cs_sbom_write_ext(FILE *f, enum cs_sbom_format fmt, struct cs_catalog *cat,
		      const struct cs_sbom_subject *subject, const struct cs_sbom_extension *ext,
		      struct cs_error *err)
{
	static const char *const names[] = {
		[CS_SBOM_CYCLONEDX] = "CycloneDX",
		[CS_SBOM_SPDX] = "SPDX",
		[CS_SBOM_NATIVE] = "customs",
	};
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;
	struct sbom_doc d;
	int r;

	if ((unsigned)fmt >= CS_ARRAY_SIZE(names))
		return cs_error_set(err, -CS_E_UNSUPPORTED, "unknown SBOM format %d", (int)fmt);
	r = cs_json_new_file(f, CS_JSON_PRETTY, &j);
	if (r < 0)
		return cs_error_errno(err, r, "cannot write the %s SBOM", names[fmt]);
	r = sbom_doc_init(&d, cat, subject, fmt,
			  fmt == CS_SBOM_SPDX ? SBOM_ID_SPDX : SBOM_ID_BOMREF, ext);
	if (r >= 0) {
		switch (fmt) {
		case CS_SBOM_CYCLONEDX:
			r = sbom_write_cyclonedx(j, &d);
			break;
		case CS_SBOM_SPDX:
			r = sbom_write_spdx(j, &d);
			break;
		case CS_SBOM_NATIVE:
			r = sbom_write_native(j, &d);
			break;
		}
	}
	sbom_doc_done(&d);
	if (r >= 0)
		r = cs_json_finish(j);
	if (r < 0)
		return r <= -CS_E_BASE
			       ? cs_error_set(err, r, "cannot write the %s SBOM: %s", names[fmt],
					      cs_strerror(r))
			       : cs_error_errno(err, r, "cannot write the %s SBOM", names[fmt]);
	return 0;
}
