/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading CycloneDX (1.4-1.6, and the 1.x versions around them) and SPDX
 * 2.x JSON back into a catalog, so an SBOM can be scanned like an image.
 * A package is kept when it has a purl of a supported type; its type comes
 * from the purl, name and version from the document (the purl when the
 * document has none), and the purl is kept exactly as given. The OS comes
 * from an operating-system component (CycloneDX) or package (SPDX), else
 * from the distro qualifier of an OS package's purl.
 *
 * The document is hostile: bounded size, nesting checked before jansson
 * (which recurses) sees it, component nesting and package count capped,
 * over-long fields skipped with a warning. Nothing here prints.
 */
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/path.h"
#include "catalog/purl.h"
#include "sbom/internal.h"

#define SBOM_MAX_LEN	     (512u * 1024 * 1024)
#define SBOM_JSON_MAX_DEPTH  64
#define SBOM_COMPONENT_DEPTH 16
#define SBOM_MAX_PACKAGES    1000000
#define SBOM_FIELD_MAX	     4096
#define SBOM_LICENSE_MAX     16384
#define SBOM_MAX_LICENSES    32
#define SBOM_MAX_PROPERTIES  256

static const char cyclonedx_found_by[] = "cyclonedx";
static const char spdx_found_by[] = "spdx";

struct reader {
	struct cs_catalog *cat;
	const char *found_by;
	size_t packages;
	size_t no_purl;
	size_t too_long;
	bool os_from_component; /* an OS component/package set the OS */
	bool os_from_purl;
	bool too_deep;
	bool too_many;
	json_t *extracted; /* SPDX hasExtractedLicensingInfos */
};

/* What one component or SPDX package says about a package. */
struct entry {
	const char *purl, *name, *group, *version, *license, *cpe, *vendor;
	json_t *properties; /* CycloneDX properties array or NULL */
};

static int check_depth(const char *p, size_t len, struct cs_error *err)
{
	unsigned depth = 0;
	bool in_str = false, esc = false;

	for (size_t i = 0; i < len; i++) {
		char ch = p[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (ch == '\\')
				esc = true;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == '[' || ch == '{') {
			if (++depth > SBOM_JSON_MAX_DEPTH)
				return cs_error_set(err, -CS_E_INPUT,
						    "SBOM: JSON is nested deeper than %u levels",
						    SBOM_JSON_MAX_DEPTH);
		} else if ((ch == ']' || ch == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* A string member, or NULL (missing, null or another type). */
static const char *jstr(json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool too_long(const char *s, size_t max)
{
	return s && strnlen(s, max + 1) > max;
}

/* "name@version" of an upstream qualifier */
static int set_upstream(struct cs_package *p, const char *up)
{
	const char *at = strchr(up, '@');
	size_t n = at ? (size_t)(at - up) : strlen(up);
	int r = 0;

	if (n && !(strlen(p->name) == n && !strncmp(p->name, up, n)))
		r = cs_package_set(&p->source_name, up, n);
	if (r >= 0 && at && at[1] && !(p->version && !strcmp(p->version, at + 1)))
		r = cs_package_set(&p->source_version, at + 1, strlen(at + 1));
	return r;
}

static int set_str(char **field, const char *s)
{
	return s && s[0] ? cs_package_set(field, s, strlen(s)) : 0;
}

/* a declaring path, cleaned as every recorded path is; a hostile one is dropped */
static int set_path(struct cs_package *p, const char *v)
{
	struct cs_buf b = CS_BUF_INIT(SBOM_FIELD_MAX + 1);
	int r = cs_path_clean(v, strlen(v), &b, NULL);

	if (r == 0 && b.len)
		r = cs_package_set(&p->path, b.data, b.len);
	else if (r != -ENOMEM)
		r = 0;
	cs_buf_done(&b);
	return r;
}

static int apply_properties(struct cs_package *p, json_t *props)
{
	size_t i, n = json_is_array(props) ? json_array_size(props) : 0;
	json_t *e;
	int r = 0;

	if (n > SBOM_MAX_PROPERTIES)
		n = SBOM_MAX_PROPERTIES;
	for (i = 0; i < n && r >= 0; i++) {
		const char *k, *v;
		uint64_t u;

		e = json_array_get(props, i);
		k = jstr(e, "name");
		v = jstr(e, "value");
		if (!k || !v || too_long(v, SBOM_FIELD_MAX))
			continue;
		if (!strcmp(k, "customs:package:source-name"))
			r = set_str(&p->source_name, v);
		else if (!strcmp(k, "customs:package:source-version"))
			r = set_str(&p->source_version, v);
		else if (!strcmp(k, "customs:location:0:path"))
			r = set_path(p, v);
		else if (!strcmp(k, "customs:package:arch"))
			r = set_str(&p->arch, v);
		else if (!strcmp(k, "customs:layer:declared") && cs_safe_atou64(v, &u) == 0 &&
			 u <= UINT32_MAX)
			p->layer = (unsigned)u;
		else if (!strcmp(k, "customs:layer:introduced") && cs_safe_atou64(v, &u) == 0 &&
			 u <= UINT32_MAX)
			p->introduced = (unsigned)u;
		else if (!strncmp(k, "customs:meta:", 13) && k[13] &&
			 !too_long(k, SBOM_FIELD_MAX) && !cs_package_meta(p, k + 13))
			r = cs_package_add_meta(p, k + 13, v);
	}
	return r;
}

/* The OS from an OS package's purl: namespace and distro=<id>-<version>. */
static int os_from_purl(struct reader *rd, const struct cs_purl *u)
{
	const char *distro = cs_purl_qualifier(u, "distro");
	const char *version = NULL;
	size_t n;

	if (rd->os_from_component || rd->os_from_purl || !u->namespace)
		return 0;
	n = strlen(u->namespace);
	if (distro && !strncasecmp(distro, u->namespace, n) && distro[n] == '-' && distro[n + 1])
		version = distro + n + 1;
	rd->os_from_purl = true;
	return cs_catalog_set_os(rd->cat, u->namespace, version);
}

static int add_package(struct reader *rd, const struct entry *e)
{
	_cleanup_(cs_purl_freep) struct cs_purl *u = NULL;
	_cleanup_(cs_package_freep) struct cs_package *p = NULL;
	struct cs_error perr = CS_ERROR_INIT;
	const char *ver;
	int type, r;

	if (too_long(e->purl, SBOM_FIELD_MAX) || too_long(e->name, SBOM_FIELD_MAX) ||
	    too_long(e->group, SBOM_FIELD_MAX) || too_long(e->version, SBOM_FIELD_MAX) ||
	    too_long(e->cpe, SBOM_FIELD_MAX) || too_long(e->vendor, SBOM_FIELD_MAX) ||
	    too_long(e->license, SBOM_LICENSE_MAX)) {
		rd->too_long++;
		return 0;
	}
	r = cs_purl_parse(e->purl, &u, &perr);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return cs_catalog_warn(rd->cat, "%s: skipped a package: %s", rd->found_by,
				       perr.msg);
	type = cs_pkg_type_from_name(u->type);
	if (type < 0)
		return cs_catalog_warn(rd->cat,
				       "%s: skipped '%.200s': purl type '%.32s' is not supported",
				       rd->found_by, e->purl, u->type);
	if (rd->packages >= SBOM_MAX_PACKAGES) {
		rd->too_many = true;
		return 0;
	}
	p = cs_package_new((enum cs_pkg_type)type);
	if (!p)
		return -ENOMEM;

	/* name (and maven's groupId) */
	if (type == CS_PKG_MAVEN) {
		const char *g = e->group && e->group[0] ? e->group : u->namespace;

		r = set_str(&p->namespace, g);
		if (r >= 0)
			r = set_str(&p->name, e->name && e->name[0] ? e->name : u->name);
	} else if (e->name && e->name[0]) {
		size_t gn = e->group ? strlen(e->group) : 0;

		if (gn &&
		    (type == CS_PKG_NPM || type == CS_PKG_COMPOSER || type == CS_PKG_GOLANG) &&
		    !(!strncmp(e->name, e->group, gn) && e->name[gn] == '/')) {
			p->name = cs_asprintf("%s/%s", e->group, e->name);
			r = p->name ? 0 : -ENOMEM;
		} else {
			r = set_str(&p->name, e->name);
		}
	} else if (u->namespace &&
		   (type == CS_PKG_NPM || type == CS_PKG_COMPOSER || type == CS_PKG_GOLANG)) {
		p->name = cs_asprintf("%s/%s", u->namespace, u->name);
		r = p->name ? 0 : -ENOMEM;
	} else {
		r = set_str(&p->name, u->name);
	}
	if (r < 0)
		return r;

	/* version: the document's, else the purl's (with an rpm epoch) */
	ver = e->version && e->version[0] ? e->version : u->version;
	if (ver && type == CS_PKG_RPM && !strchr(ver, ':') && cs_purl_qualifier(u, "epoch") &&
	    strcmp(cs_purl_qualifier(u, "epoch"), "0")) {
		p->version = cs_asprintf("%s:%s", cs_purl_qualifier(u, "epoch"), ver);
		r = p->version ? 0 : -ENOMEM;
	} else {
		r = set_str(&p->version, ver);
	}
	if (r >= 0)
		r = set_str(&p->arch, cs_purl_qualifier(u, "arch"));
	if (r >= 0)
		r = set_str(&p->license, e->license);
	if (r >= 0)
		r = set_str(&p->cpe, e->cpe);
	if (r >= 0)
		r = set_str(&p->vendor, e->vendor);
	if (r >= 0)
		r = set_str(&p->purl, e->purl);
	if (r >= 0)
		r = apply_properties(p, e->properties);
	if (r >= 0 && !p->source_name && !p->source_version && cs_purl_qualifier(u, "upstream"))
		r = set_upstream(p, cs_purl_qualifier(u, "upstream"));
	if (r >= 0 && cs_pkg_type_is_os(p->type))
		r = os_from_purl(rd, u);
	if (r < 0)
		return r;
	p->found_by = rd->found_by;
	rd->packages++;
	return cs_catalog_add(rd->cat, CS_TAKE_PTR(p));
}

/* --- CycloneDX --- */

/* licenses: [{license: {id|name}}, ...] or [{expression}]; several mean all of them */
static int cdx_licenses(json_t *arr, char **ret)
{
	struct cs_buf b = CS_BUF_INIT(SBOM_LICENSE_MAX + 64);
	const char *v[SBOM_MAX_LICENSES];
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0, count = 0;
	int r = 0;

	*ret = NULL;
	for (size_t i = 0; i < n && count < SBOM_MAX_LICENSES; i++) {
		json_t *e = json_array_get(arr, i), *l = json_object_get(e, "license");
		const char *s = jstr(e, "expression");

		if (!s)
			s = jstr(l, "id");
		if (!s)
			s = jstr(l, "name");
		if (s && s[0])
			v[count++] = s;
	}
	if (count == 0)
		return 0;
	if (count == 1)
		return (*ret = cs_strdup(v[0])) ? 0 : -ENOMEM;
	for (size_t i = 0; i < count && r >= 0; i++) {
		r = cs_buf_puts(&b, i ? " AND (" : "(");
		if (r >= 0)
			r = cs_buf_puts(&b, v[i]);
		if (r >= 0)
			r = cs_buf_putc(&b, ')');
	}
	if (r >= 0) {
		*ret = cs_buf_steal(&b, NULL);
		r = *ret ? 0 : -ENOMEM;
	} else if (r == -CS_E_LIMIT) {
		r = 0; /* an absurdly long licence list is dropped */
	}
	cs_buf_done(&b);
	return r;
}

static int cdx_os(struct reader *rd, json_t *c)
{
	const char *name = jstr(c, "name"), *version = jstr(c, "version");

	if (rd->os_from_component || !name || !name[0] || too_long(name, 256) ||
	    too_long(version, 256))
		return 0;
	rd->os_from_component = true;
	return cs_catalog_set_os(rd->cat, name, version && version[0] ? version : NULL);
}

static int cdx_components(struct reader *rd, json_t *arr, unsigned depth)
{
	size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
	int r;

	if (n && depth >= SBOM_COMPONENT_DEPTH) {
		rd->too_deep = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(arr, i);
		const char *type = jstr(c, "type");

		if (!json_is_object(c))
			continue;
		if (type && !strcmp(type, "operating-system")) {
			r = cdx_os(rd, c);
		} else if (jstr(c, "purl")) {
			_cleanup_free_ char *lic = NULL;
			struct entry e = {
				.purl = jstr(c, "purl"),
				.name = jstr(c, "name"),
				.group = jstr(c, "group"),
				.version = jstr(c, "version"),
				.cpe = jstr(c, "cpe"),
				.vendor = jstr(c, "publisher"),
				.properties = json_object_get(c, "properties"),
			};

			if (!e.vendor)
				e.vendor = jstr(json_object_get(c, "supplier"), "name");
			r = cdx_licenses(json_object_get(c, "licenses"), &lic);
			e.license = lic;
			if (r >= 0)
				r = add_package(rd, &e);
		} else {
			if (type && (!strcmp(type, "library") || !strcmp(type, "application") ||
				     !strcmp(type, "framework")))
				rd->no_purl++;
			r = 0;
		}
		if (r < 0)
			return r;
		r = cdx_components(rd, json_object_get(c, "components"), depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_cyclonedx(struct reader *rd, json_t *root, struct cs_error *err)
{
	const char *spec = jstr(root, "specVersion");
	unsigned minor;

	if (!spec || strncmp(spec, "1.", 2) || cs_safe_atou32(spec + 2, &minor) < 0 || minor < 2 ||
	    minor > 7)
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "CycloneDX specVersion '%.32s' is not supported (1.2-1.7)",
				    spec ? spec : "");
	rd->found_by = cyclonedx_found_by;
	return cdx_components(rd, json_object_get(root, "components"), 0);
}

/* --- SPDX --- */

static const char *spdx_agent(const char *s)
{
	if (!s || !strcmp(s, "NOASSERTION"))
		return NULL;
	if (!strncmp(s, "Organization:", 13))
		s += 13;
	else if (!strncmp(s, "Person:", 7))
		s += 7;
	while (*s == ' ')
		s++;
	return *s ? s : NULL;
}

/* A lone LicenseRef- defined in the document becomes its name (the licence as declared). */
static const char *spdx_license(struct reader *rd, const char *declared)
{
	size_t n;

	if (!declared || !strcmp(declared, "NOASSERTION") || !strcmp(declared, "NONE"))
		return NULL;
	if (strncmp(declared, "LicenseRef-", 11) || strpbrk(declared, " ()"))
		return declared;
	n = json_is_array(rd->extracted) ? json_array_size(rd->extracted) : 0;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(rd->extracted, i);
		const char *id = jstr(e, "licenseId"), *name = jstr(e, "name");
		const char *text = jstr(e, "extractedText");

		if (!id || strcmp(id, declared))
			continue;
		if (name && name[0] && strcmp(name, "NOASSERTION"))
			return name;
		if (text && text[0] && strnlen(text, 257) <= 256)
			return text;
		break;
	}
	return declared;
}

static int spdx_package(struct reader *rd, json_t *pk)
{
	const char *purpose = jstr(pk, "primaryPackagePurpose");
	json_t *refs = json_object_get(pk, "externalRefs");
	size_t n = json_is_array(refs) ? json_array_size(refs) : 0;
	struct entry e = {
		.name = jstr(pk, "name"),
		.version = jstr(pk, "versionInfo"),
		.vendor = spdx_agent(jstr(pk, "supplier")),
	};

	if (purpose && !strcmp(purpose, "OPERATING-SYSTEM")) {
		if (rd->os_from_component || !e.name || !e.name[0] || too_long(e.name, 256) ||
		    too_long(e.version, 256))
			return 0;
		rd->os_from_component = true;
		return cs_catalog_set_os(rd->cat, e.name,
					 e.version && e.version[0] ? e.version : NULL);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *ref = json_array_get(refs, i);
		const char *cat = jstr(ref, "referenceCategory"),
			   *type = jstr(ref, "referenceType");
		const char *loc = jstr(ref, "referenceLocator");

		if (!cat || !type || !loc)
			continue;
		if (!e.purl && !strcmp(type, "purl") &&
		    (!strcmp(cat, "PACKAGE-MANAGER") || !strcmp(cat, "PACKAGE_MANAGER")))
			e.purl = loc;
		else if (!e.cpe && !strcmp(cat, "SECURITY") &&
			 (!strcmp(type, "cpe23Type") || !strcmp(type, "cpe22Type")))
			e.cpe = loc;
	}
	if (!e.purl) {
		if (!purpose || (strcmp(purpose, "CONTAINER") && strcmp(purpose, "FILE") &&
				 strcmp(purpose, "SOURCE") && strcmp(purpose, "ARCHIVE")))
			rd->no_purl++;
		return 0;
	}
	e.license = spdx_license(rd, jstr(pk, "licenseDeclared"));
	return add_package(rd, &e);
}

static int read_spdx(struct reader *rd, json_t *root, struct cs_error *err)
{
	const char *v = jstr(root, "spdxVersion");
	json_t *pkgs = json_object_get(root, "packages");
	size_t n = json_is_array(pkgs) ? json_array_size(pkgs) : 0;
	int r;

	if (!v || (strcmp(v, "SPDX-2.2") && strcmp(v, "SPDX-2.3")))
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "SPDX version '%.32s' is not supported (SPDX-2.2, SPDX-2.3)",
				    v ? v : "");
	rd->found_by = spdx_found_by;
	rd->extracted = json_object_get(root, "hasExtractedLicensingInfos");
	for (size_t i = 0; i < n; i++) {
		json_t *pk = json_array_get(pkgs, i);

		if (!json_is_object(pk))
			continue;
		r = spdx_package(rd, pk);
		if (r < 0)
			return r;
	}
	return 0;
}

int cs_sbom_read(const char *data, size_t len, struct cs_catalog **ret,
		 enum cs_sbom_format *ret_format, struct cs_error *err)
{
	_cleanup_(cs_catalog_freep) struct cs_catalog *cat = NULL;
	struct reader rd = { 0 };
	enum cs_sbom_format fmt = CS_SBOM_CYCLONEDX;
	json_error_t je;
	json_t *root;
	int r;

	if (len > SBOM_MAX_LEN)
		return cs_error_set(err, -CS_E_LIMIT, "SBOM: larger than %u MiB",
				    SBOM_MAX_LEN >> 20);
	if (!data)
		data = "";
	r = check_depth(data, len, err);
	if (r < 0)
		return r;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "SBOM: invalid JSON at line %d column %d: %s",
				    je.line, je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return cs_error_set(err, -CS_E_INPUT, "SBOM: not a JSON object");
	}
	r = cs_catalog_new(&cat);
	if (r < 0) {
		json_decref(root);
		return cs_error_errno(err, r, "cannot read the SBOM");
	}
	rd.cat = cat;
	if (jstr(root, "bomFormat") && !strcmp(jstr(root, "bomFormat"), "CycloneDX")) {
		fmt = CS_SBOM_CYCLONEDX;
		r = read_cyclonedx(&rd, root, err);
	} else if (jstr(root, "spdxVersion")) {
		fmt = CS_SBOM_SPDX;
		r = read_spdx(&rd, root, err);
	} else {
		r = cs_error_set(err, -CS_E_INPUT,
				 "SBOM: neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON");
	}
	json_decref(root);
	if (r == -ENOMEM)
		return cs_error_errno(err, r, "cannot read the SBOM");
	if (r < 0)
		return r;
	if (rd.no_purl)
		r = cs_catalog_warn(cat, "%s: skipped %zu packages without a purl", rd.found_by,
				    rd.no_purl);
	if (r >= 0 && rd.too_long)
		r = cs_catalog_warn(cat, "%s: skipped %zu packages with fields over %u bytes",
				    rd.found_by, rd.too_long, SBOM_FIELD_MAX);
	if (r >= 0 && rd.too_deep)
		r = cs_catalog_warn(cat, "%s: components nested deeper than %u levels were skipped",
				    rd.found_by, SBOM_COMPONENT_DEPTH);
	if (r >= 0 && rd.too_many)
		r = cs_catalog_warn(cat, "%s: only the first %u packages were read", rd.found_by,
				    SBOM_MAX_PACKAGES);
	if (r < 0)
		return cs_error_errno(err, r, "cannot read the SBOM");
	*ret = CS_TAKE_PTR(cat);
	if (ret_format)
		*ret_format = fmt;
	return 0;
}
