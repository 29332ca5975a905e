/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .NET packages: the NuGet packages an application was built with, as its
 * APP.deps.json lists them ("libraries": {"Name/Version": {"type":
 * "package", "sha512": ...}}). Projects and framework references of the
 * same file are the application itself, not packages, and are skipped.
 */
#include <string.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "catalog/cataloger.h"

#define DEPS_JSON_MAX	  (64u << 20)
#define NUGET_NAME_MAX	  256
#define NUGET_VERSION_MAX 128
#define NUGET_HASH_MAX	  256

static bool dotnet_wants(const char *path, const struct cs_entry *e)
{
	const char *base = cs_path_basename(path);

	if (e && e->type != CS_ENTRY_REG)
		return false;
	return cs_path_has_suffix(base, ".deps.json") && strlen(base) > strlen(".deps.json");
}

static bool token_ok(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max || !cs_utf8_is_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static int dotnet_library(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			  const char *key, json_t *lib)
{
	_cleanup_(cs_package_freep) struct cs_package *p = NULL;
	json_t *type = json_object_get(lib, "type"), *sha = json_object_get(lib, "sha512");
	const char *slash = strrchr(key, '/');
	size_t nlen, vlen;

	if (!json_is_string(type) || strcmp(json_string_value(type), "package") || !slash)
		return 0;
	nlen = (size_t)(slash - key);
	vlen = strlen(slash + 1);
	if (!token_ok(key, nlen, NUGET_NAME_MAX) || !token_ok(slash + 1, vlen, NUGET_VERSION_MAX))
		return 0;
	p = cs_package_new(CS_PKG_NUGET);
	if (!p || cs_package_set(&p->name, key, nlen) < 0 ||
	    cs_package_set(&p->version, slash + 1, vlen) < 0 ||
	    cs_package_set(&p->path, f->path, strlen(f->path)) < 0)
		return -ENOMEM;
	if (json_is_string(sha) &&
	    token_ok(json_string_value(sha), json_string_length(sha), NUGET_HASH_MAX) &&
	    cs_package_add_meta(p, "sha512", json_string_value(sha)) < 0)
		return -ENOMEM;
	p->layer = f->layer;
	p->found_by = "dotnet";
	return cs_catalog_add(cat, CS_TAKE_PTR(p));
}

static int dotnet_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
			size_t len, struct cs_error *err)
{
	json_error_t jerr;
	json_t *root, *libs, *v;
	const char *key;
	int r = 0;

	root = json_loadb(data, len, 0, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "invalid json at line %d: %s", jerr.line,
				    jerr.text);
	libs = json_is_object(root) ? json_object_get(root, "libraries") : NULL;
	if (!json_is_object(libs)) {
		r = cs_error_set(err, -CS_E_INPUT, "no libraries object");
		goto out;
	}
	json_object_foreach (libs, key, v) {
		if (!json_is_object(v))
			continue;
		r = dotnet_library(cat, f, key, v);
		if (r < 0)
			break;
	}
out:
	json_decref(root);
	return r;
}

const struct cs_cataloger cs_cataloger_dotnet = {
	.name = "dotnet",
	.version = 1,
	.max_size = DEPS_JSON_MAX,
	.wants = dotnet_wants,
	.parse = dotnet_parse,
};
