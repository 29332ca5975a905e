/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CycloneDX 1.6 JSON writer: the image as metadata.component, the OS as an
 * operating-system component, one library component per package, and a
 * dependency entry from the image to everything in it. Only fields with a
 * value are written (the schema allows no nulls), and licences are ids of
 * the SPDX list, expressions or names, never mixed within one component.
 */
#include <string.h>
#include "config.h"
#include "basic/alloc.h"
#include "sbom/internal.h"

#define IMAGE_REF "customs:image"
#define OS_REF	  "customs:os"

static void property(struct cs_json *j, const char *name, const char *value)
{
	if (!value)
		return;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", name);
	cs_json_kv_string(j, "value", value);
	cs_json_end_object(j);
}

static void property_uint(struct cs_json *j, const char *name, unsigned long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%llu", v);
	property(j, name, b);
}

static void opt_string(struct cs_json *j, const char *key, const char *v)
{
	if (v && v[0])
		cs_json_kv_string(j, key, v);
}

static int write_licenses(struct cs_json *j, const char *declared)
{
	struct sbom_lic lic;
	int r = sbom_lic_classify(declared, &lic);

	if (r < 0 || lic.kind == SBOM_LIC_NONE)
		return r;
	cs_json_key(j, "licenses");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	if (lic.kind == SBOM_LIC_EXPR) {
		cs_json_kv_string(j, "expression", lic.text);
	} else {
		cs_json_key(j, "license");
		cs_json_begin_object(j);
		cs_json_kv_string(j, lic.kind == SBOM_LIC_ID ? "id" : "name", lic.text);
		cs_json_end_object(j);
	}
	cs_json_end_object(j);
	cs_json_end_array(j);
	free(lic.text);
	return 0;
}

static int write_component(struct cs_json *j, const struct cs_package *p, const char *ref)
{
	_cleanup_free_ char *group = NULL, *name = NULL;
	int r;

	r = sbom_split_group(p, &group, &name);
	if (r < 0)
		return r;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "bom-ref", ref);
	cs_json_kv_string(j, "type", "library");
	opt_string(j, "publisher", p->vendor);
	opt_string(j, "group", group);
	cs_json_kv_string(j, "name", name);
	opt_string(j, "version", p->version);
	r = write_licenses(j, p->license);
	if (r < 0)
		return r;
	opt_string(j, "cpe", p->cpe);
	opt_string(j, "purl", p->purl);
	cs_json_key(j, "properties");
	cs_json_begin_array(j);
	property(j, "customs:package:type", cs_pkg_type_name(p->type));
	property(j, "customs:package:found-by", p->found_by);
	property(j, "customs:package:arch", p->arch);
	property(j, "customs:package:source-name", p->source_name);
	property(j, "customs:package:source-version", p->source_version);
	property_uint(j, "customs:layer:declared", p->layer);
	property_uint(j, "customs:layer:introduced", p->introduced);
	property(j, "customs:location:0:path", p->path);
	if (p->n_files)
		property_uint(j, "customs:package:files", p->n_files);
	for (size_t m = 0; m < p->n_meta; m++) {
		_cleanup_free_ char *k = cs_asprintf("customs:meta:%s", p->meta[m].key);

		if (!k)
			return -ENOMEM;
		property(j, k, p->meta[m].value);
	}
	cs_json_end_array(j);
	cs_json_end_object(j);
	return 0;
}

int sbom_write_cyclonedx(struct cs_json *j, struct sbom_doc *d)
{
	const struct cs_sbom_subject *s = d->subject;
	const struct cs_os_release *os = cs_catalog_os(d->cat);
	char serial[64];
	int r;

	snprintf(serial, sizeof(serial), "urn:uuid:%s", d->uuid);
	cs_json_begin_object(j);
	cs_json_kv_string(j, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
	cs_json_kv_string(j, "bomFormat", "CycloneDX");
	cs_json_kv_string(j, "specVersion", "1.6");
	cs_json_kv_string(j, "serialNumber", serial);
	cs_json_kv_int(j, "version", 1);

	cs_json_key(j, "metadata");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "timestamp", d->timestamp);
	cs_json_key(j, "tools");
	cs_json_begin_object(j);
	cs_json_key(j, "components");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	cs_json_kv_string(j, "type", "application");
	cs_json_kv_string(j, "name", "customs");
	cs_json_kv_string(j, "version", CUSTOMS_VERSION);
	cs_json_end_object(j);
	cs_json_end_array(j);
	cs_json_end_object(j);
	cs_json_key(j, "component");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "bom-ref", IMAGE_REF);
	cs_json_kv_string(j, "type", "container");
	cs_json_kv_string(j, "name", d->subject_name);
	opt_string(j, "version", s->manifest_digest ? s->manifest_digest : s->config_digest);
	if (s->manifest_digest || s->config_digest || s->os || s->architecture) {
		cs_json_key(j, "properties");
		cs_json_begin_array(j);
		property(j, "customs:image:manifest-digest", s->manifest_digest);
		property(j, "customs:image:config-digest", s->config_digest);
		property(j, "customs:image:os", s->os);
		property(j, "customs:image:architecture", s->architecture);
		cs_json_end_array(j);
	}
	cs_json_end_object(j);
	cs_json_end_object(j);

	cs_json_key(j, "components");
	cs_json_begin_array(j);
	if (os && os->id) {
		cs_json_begin_object(j);
		cs_json_kv_string(j, "bom-ref", OS_REF);
		cs_json_kv_string(j, "type", "operating-system");
		cs_json_kv_string(j, "name", os->id);
		opt_string(j, "version", os->version_id ? os->version_id : os->version_codename);
		opt_string(j, "description", os->pretty_name);
		if (os->detected_from || os->version_codename || os->cpe_name) {
			cs_json_key(j, "properties");
			cs_json_begin_array(j);
			property(j, "customs:os:codename", os->version_codename);
			property(j, "customs:os:cpe-name", os->cpe_name);
			property(j, "customs:os:detected-from", os->detected_from);
			cs_json_end_array(j);
		}
		cs_json_end_object(j);
	}
	for (size_t i = 0; i < d->n; i++) {
		r = write_component(j, cs_catalog_get(d->cat, i), d->ids[i]);
		if (r < 0)
			return r;
	}
	cs_json_end_array(j);

	cs_json_key(j, "dependencies");
	cs_json_begin_array(j);
	cs_json_begin_object(j);
	cs_json_kv_string(j, "ref", IMAGE_REF);
	cs_json_key(j, "dependsOn");
	cs_json_begin_array(j);
	if (os && os->id)
		cs_json_string(j, OS_REF);
	for (size_t i = 0; i < d->n; i++)
		cs_json_string(j, d->ids[i]);
	cs_json_end_array(j);
	cs_json_end_object(j);
	cs_json_end_array(j);
	if (d->ext && d->ext->cyclonedx_tail) {
		r = d->ext->cyclonedx_tail(j, d->ids, d->n, d->ext->userdata);
		if (r < 0)
			return r;
	}
	cs_json_end_object(j);
	return 0;
}
