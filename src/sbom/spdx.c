/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SPDX 2.3 JSON writer: the image as the described root package (purpose
 * CONTAINER), the OS (purpose OPERATING-SYSTEM) and one package per
 * catalogued package, each with its purl (PACKAGE-MANAGER) and CPE
 * (SECURITY) as external references; the image CONTAINS everything.
 * licenseDeclared is always a valid expression or NOASSERTION: free-text
 * licences become LicenseRef- ids defined in hasExtractedLicensingInfos.
 */
#include <string.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/hash.h"
#include "sbom/internal.h"

#define IMAGE_ID "SPDXRef-Image"
#define OS_ID	 "SPDXRef-OperatingSystem"

/* A free-text licence and the LicenseRef- id it is written as. */
struct extracted {
	char *text;
	char *ref;
};

struct spdx_ctx {
	struct sbom_lic *lics; /* per package */
	struct extracted *ex;  /* sorted by text, unique */
	size_t n_ex;
};

static int cmp_ex_text(const void *a, const void *b)
{
	return strcmp(((const struct extracted *)a)->text, ((const struct extracted *)b)->text);
}

static int cmp_ex_ref(const void *a, const void *b)
{
	const struct extracted *x = a, *y = b;
	int c = strcmp(x->ref, y->ref);

	return c ? c : strcmp(x->text, y->text);
}

static const char *extracted_ref(struct spdx_ctx *c, const char *text)
{
	struct extracted key = { (char *)text, NULL };
	struct extracted *e = bsearch(&key, c->ex, c->n_ex, sizeof(*c->ex), cmp_ex_text);

	return e ? e->ref : NULL;
}

static void ctx_done(struct spdx_ctx *c, size_t n)
{
	if (c->lics)
		for (size_t i = 0; i < n; i++)
			free(c->lics[i].text);
	free(c->lics);
	for (size_t i = 0; i < c->n_ex; i++) {
		free(c->ex[i].text);
		free(c->ex[i].ref);
	}
	free(c->ex);
}

/* Classify every licence; give each distinct free text a unique LicenseRef-. */
static int ctx_init(struct spdx_ctx *c, struct sbom_doc *d)
{
	size_t cap = 0, k = 0;
	int r;

	memset(c, 0, sizeof(*c));
	c->lics = cs_new0(struct sbom_lic, d->n + 1);
	if (!c->lics)
		return -ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		r = sbom_lic_classify(cs_catalog_get(d->cat, i)->license, &c->lics[i]);
		if (r < 0)
			return r;
		if (c->lics[i].kind != SBOM_LIC_TEXT)
			continue;
		if (CS_GROW(c->ex, cap, c->n_ex + 1) < 0)
			return -ENOMEM;
		c->ex[c->n_ex].text = cs_strdup(c->lics[i].text);
		c->ex[c->n_ex].ref = NULL;
		if (!c->ex[c->n_ex].text)
			return -ENOMEM;
		c->n_ex++;
	}
	if (c->n_ex == 0)
		return 0;
	qsort(c->ex, c->n_ex, sizeof(*c->ex), cmp_ex_text);
	for (size_t i = 0; i < c->n_ex; i++) {
		if (k && !strcmp(c->ex[k - 1].text, c->ex[i].text)) {
			free(c->ex[i].text);
			continue;
		}
		c->ex[k++] = c->ex[i];
	}
	c->n_ex = k;
	for (size_t i = 0; i < c->n_ex; i++) {
		_cleanup_free_ char *s = sbom_idstring(c->ex[i].text, 64);

		if (!s)
			return -ENOMEM;
		c->ex[i].ref = cs_asprintf("LicenseRef-%s", s);
		if (!c->ex[i].ref)
			return -ENOMEM;
	}
	/* different texts that sanitise alike ("MIT License", "MIT/License") get a hash */
	qsort(c->ex, c->n_ex, sizeof(*c->ex), cmp_ex_ref);
	for (size_t i = 0; i < c->n_ex;) {
		size_t j = i + 1;

		while (j < c->n_ex && !strcmp(c->ex[j].ref, c->ex[i].ref))
			j++;
		for (size_t m = i; j - i > 1 && m < j; m++) {
			char digest[CS_DIGEST_STR_MAX];
			char *ref;

			r = cs_sha256_digest(c->ex[m].text, strlen(c->ex[m].text), digest);
			if (r < 0)
				return r;
			ref = cs_asprintf("%s-%.8s", c->ex[m].ref, cs_digest_hex(digest));
			if (!ref)
				return -ENOMEM;
			free(c->ex[m].ref);
			c->ex[m].ref = ref;
		}
		i = j;
	}
	qsort(c->ex, c->n_ex, sizeof(*c->ex), cmp_ex_text);
	return 0;
}

static void opt_string(struct cs_json *j, const char *key, const char *v)
{
	if (v && v[0])
		cs_json_kv_string(j, key, v);
}

static void noassertion_fields(struct cs_json *j)
{
	cs_json_kv_string(j, "downloadLocation", "NOASSERTION");
	cs_json_kv_bool(j, "filesAnalyzed", false);
	cs_json_kv_string(j, "licenseConcluded", "NOASSERTION");
}

static void external_ref(struct cs_json *j, const char *category, const char *type,
			 const char *locator)
{
	cs_json_begin_object(j);
	cs_json_kv_string(j, "referenceCategory", category);
	cs_json_kv_string(j, "referenceType", type);
	cs_json_kv_string(j, "referenceLocator", locator);
	cs_json_end_object(j);
}

static int write_package(struct cs_json *j, struct spdx_ctx *c, const struct cs_package *p,
			 const struct sbom_lic *lic, const char *id)
{
	const char *declared = "NOASSERTION";
	_cleanup_free_ char *supplier = NULL, *info = NULL;

	if (lic->kind == SBOM_LIC_ID || lic->kind == SBOM_LIC_EXPR)
		declared = lic->text;
	else if (lic->kind == SBOM_LIC_TEXT)
		declared = extracted_ref(c, lic->text);
	if (!declared)
		return -CS_E_INTERNAL;
	if (p->vendor && p->vendor[0]) {
		supplier = cs_asprintf("Organization: %s", p->vendor);
		if (!supplier)
			return -ENOMEM;
	}
	if (p->path) {
		info = cs_asprintf("%s package declared in '%s' (layer %u)",
				   cs_pkg_type_name(p->type), p->path, p->layer);
		if (!info)
			return -ENOMEM;
	}
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", p->name ? p->name : "");
	cs_json_kv_string(j, "SPDXID", id);
	opt_string(j, "versionInfo", p->version);
	opt_string(j, "supplier", supplier);
	noassertion_fields(j);
	cs_json_kv_string(j, "licenseDeclared", declared);
	cs_json_kv_string(j, "copyrightText", "NOASSERTION");
	opt_string(j, "sourceInfo", info);
	if (p->purl || p->cpe) {
		cs_json_key(j, "externalRefs");
		cs_json_begin_array(j);
		if (p->purl)
			external_ref(j, "PACKAGE-MANAGER", "purl", p->purl);
		if (p->cpe)
			external_ref(j, "SECURITY", "cpe23Type", p->cpe);
		cs_json_end_array(j);
	}
	cs_json_end_object(j);
	return 0;
}

static void relationship(struct cs_json *j, const char *from, const char *type, const char *to)
{
	cs_json_begin_object(j);
	cs_json_kv_string(j, "spdxElementId", from);
	cs_json_kv_string(j, "relationshipType", type);
	cs_json_kv_string(j, "relatedSpdxElement", to);
	cs_json_end_object(j);
}

static int write_document(struct cs_json *j, struct sbom_doc *d, struct spdx_ctx *c)
{
	const struct cs_sbom_subject *s = d->subject;
	const struct cs_os_release *os = cs_catalog_os(d->cat);
	_cleanup_free_ char *ns_name = sbom_idstring(d->subject_name, 96);
	_cleanup_free_ char *ns = NULL, *creator = NULL;
	const char *digest = s->manifest_digest ? s->manifest_digest : s->config_digest;
	bool has_os = os && os->id;
	int r;

	if (!ns_name)
		return -ENOMEM;
	ns = cs_asprintf("https://customs.invalid/spdx/%s-%s", ns_name, d->uuid);
	creator = cs_asprintf("Tool: customs-%s", CUSTOMS_VERSION);
	if (!ns || !creator)
		return -ENOMEM;

	cs_json_begin_object(j);
	cs_json_kv_string(j, "spdxVersion", "SPDX-2.3");
	cs_json_kv_string(j, "dataLicense", "CC0-1.0");
	cs_json_kv_string(j, "SPDXID", "SPDXRef-DOCUMENT");
	cs_json_kv_string(j, "name", d->subject_name);
	cs_json_kv_string(j, "documentNamespace", ns);
	cs_json_key(j, "creationInfo");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "created", d->timestamp);
	cs_json_key(j, "creators");
	cs_json_begin_array(j);
	cs_json_string(j, creator);
	cs_json_end_array(j);
	cs_json_end_object(j);

	cs_json_key(j, "packages");
	cs_json_begin_array(j);
	/* the image */
	cs_json_begin_object(j);
	cs_json_kv_string(j, "name", d->subject_name);
	cs_json_kv_string(j, "SPDXID", IMAGE_ID);
	opt_string(j, "versionInfo", digest);
	noassertion_fields(j);
	cs_json_kv_string(j, "licenseDeclared", "NOASSERTION");
	cs_json_kv_string(j, "copyrightText", "NOASSERTION");
	if (digest && !strncmp(digest, "sha256:", 7) && strlen(digest) == 7 + 64) {
		cs_json_key(j, "checksums");
		cs_json_begin_array(j);
		cs_json_begin_object(j);
		cs_json_kv_string(j, "algorithm", "SHA256");
		cs_json_kv_string(j, "checksumValue", digest + 7);
		cs_json_end_object(j);
		cs_json_end_array(j);
	}
	cs_json_kv_string(j, "primaryPackagePurpose", "CONTAINER");
	cs_json_end_object(j);
	/* the OS */
	if (has_os) {
		cs_json_begin_object(j);
		cs_json_kv_string(j, "name", os->id);
		cs_json_kv_string(j, "SPDXID", OS_ID);
		opt_string(j, "versionInfo",
			   os->version_id ? os->version_id : os->version_codename);
		noassertion_fields(j);
		cs_json_kv_string(j, "licenseDeclared", "NOASSERTION");
		cs_json_kv_string(j, "copyrightText", "NOASSERTION");
		opt_string(j, "description", os->pretty_name);
		cs_json_kv_string(j, "primaryPackagePurpose", "OPERATING-SYSTEM");
		cs_json_end_object(j);
	}
	for (size_t i = 0; i < d->n; i++) {
		r = write_package(j, c, cs_catalog_get(d->cat, i), &c->lics[i], d->ids[i]);
		if (r < 0)
			return r;
	}
	cs_json_end_array(j);

	if (c->n_ex) {
		cs_json_key(j, "hasExtractedLicensingInfos");
		cs_json_begin_array(j);
		for (size_t i = 0; i < c->n_ex; i++) {
			cs_json_begin_object(j);
			cs_json_kv_string(j, "licenseId", c->ex[i].ref);
			cs_json_kv_string(j, "name", c->ex[i].text);
			cs_json_kv_string(j, "extractedText", c->ex[i].text);
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
	}

	cs_json_key(j, "relationships");
	cs_json_begin_array(j);
	relationship(j, "SPDXRef-DOCUMENT", "DESCRIBES", IMAGE_ID);
	if (has_os)
		relationship(j, IMAGE_ID, "CONTAINS", OS_ID);
	for (size_t i = 0; i < d->n; i++)
		relationship(j, IMAGE_ID, "CONTAINS", d->ids[i]);
	cs_json_end_array(j);
	cs_json_end_object(j);
	return 0;
}

int sbom_write_spdx(struct cs_json *j, struct sbom_doc *d)
{
	struct spdx_ctx c;
	int r = ctx_init(&c, d);

	if (r >= 0)
		r = write_document(j, d, &c);
	ctx_done(&c, d->n);
	return r;
}
