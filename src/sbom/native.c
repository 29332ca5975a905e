/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs.sbom/v1: the catalog as customs itself sees it (docs/JSON.md).
 * Every field of a package is written, null when absent; the list of
 * owned files is summarised by its length.
 */
#include <string.h>
#include "basic/alloc.h"
#include "sbom/internal.h"

static void write_os(struct cs_json *j, const struct cs_os_release *os)
{
	if (!os) {
		cs_json_null(j);
		return;
	}
	cs_json_begin_object(j);
	cs_json_kv_string(j, "id", os->id);
	cs_json_kv_string(j, "versionId", os->version_id);
	cs_json_kv_string(j, "versionCodename", os->version_codename);
	cs_json_kv_string(j, "idLike", os->id_like);
	cs_json_kv_string(j, "prettyName", os->pretty_name);
	cs_json_kv_string(j, "name", os->name);
	cs_json_kv_string(j, "cpeName", os->cpe_name);
	cs_json_kv_string(j, "detectedFrom", os->detected_from);
	cs_json_kv_uint(j, "layer", os->layer);
	cs_json_end_object(j);
}

static void write_package(struct cs_json *j, const struct cs_package *p)
{
	cs_json_begin_object(j);
	cs_json_kv_string(j, "type", cs_pkg_type_name(p->type));
	cs_json_kv_string(j, "name", p->name);
	cs_json_kv_string(j, "namespace", p->namespace);
	cs_json_kv_string(j, "version", p->version);
	cs_json_kv_string(j, "sourceName", p->source_name);
	cs_json_kv_string(j, "sourceVersion", p->source_version);
	cs_json_kv_string(j, "arch", p->arch);
	cs_json_kv_string(j, "license", p->license);
	cs_json_kv_string(j, "vendor", p->vendor);
	cs_json_kv_string(j, "cpe", p->cpe);
	cs_json_kv_string(j, "purl", p->purl);
	cs_json_kv_string(j, "foundBy", p->found_by);
	cs_json_kv_string(j, "path", p->path);
	cs_json_kv_uint(j, "layer", p->layer);
	cs_json_kv_uint(j, "introduced", p->introduced);
	cs_json_kv_uint(j, "files", p->n_files);
	cs_json_key(j, "meta");
	cs_json_begin_object(j);
	for (size_t m = 0; m < p->n_meta; m++)
		cs_json_kv_string(j, p->meta[m].key, p->meta[m].value);
	cs_json_end_object(j);
	cs_json_end_object(j);
}

int sbom_write_native(struct cs_json *j, struct sbom_doc *d)
{
	const struct cs_sbom_subject *s = d->subject;

	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", "customs.sbom/v1");
	cs_json_key(j, "subject");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", s->name);
	cs_json_kv_string(j, "manifestDigest", s->manifest_digest);
	cs_json_kv_string(j, "configDigest", s->config_digest);
	cs_json_kv_string(j, "os", s->os);
	cs_json_kv_string(j, "architecture", s->architecture);
	cs_json_kv_string(j, "created", d->timestamp);
	cs_json_end_object(j);
	cs_json_key(j, "os");
	write_os(j, cs_catalog_os(d->cat));
	cs_json_key(j, "packages");
	cs_json_begin_array(j);
	for (size_t i = 0; i < d->n; i++)
		write_package(j, cs_catalog_get(d->cat, i));
	cs_json_end_array(j);
	cs_json_kv_uint(j, "count", d->n);
	cs_json_key(j, "warnings");
	cs_json_begin_array(j);
	for (size_t i = 0; i < cs_catalog_warning_count(d->cat); i++)
		cs_json_string(j, cs_catalog_warning(d->cat, i));
	cs_json_end_array(j);
	cs_json_end_object(j);
	return 0;
}
