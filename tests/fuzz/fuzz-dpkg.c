/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the dpkg cataloger: the input is read as a status file, a distroless
 * status.d entry and its md5sums, and a file list, then file lists are
 * attached. Every package must come out with a sane name and version and
 * every owned file as a clean relative path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "catalog/catalog.h"

extern const struct cs_cataloger cs_cataloger_dpkg;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool clean_path(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || p[0] == '/' || p[n - 1] == '/' || strstr(p, "//"))
		return false;
	for (const char *c = p; c; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (!strncmp(c, "../", 3) || !strcmp(c, "..") || !strncmp(c, "./", 2) ||
		    !strcmp(c, "."))
			return false;
	}
	return true;
}

static bool token(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void feed(struct cs_catalog *cat, void *state, const char *path, const uint8_t *data,
		 size_t size)
{
	struct cs_entry e = { .path = path, .type = CS_ENTRY_REG, .size = size };
	struct cs_cataloger_file f = { path, 0, &e, state };
	struct cs_error err = CS_ERROR_INIT;

	if (!cs_cataloger_dpkg.wants(path, &e))
		abort();
	if (cs_cataloger_dpkg.parse(cat, &f, (const char *)data, size, &err) < 0 &&
	    (!err.msg[0] || strchr(err.msg, '\n')))
		abort(); /* every failure has a one-line message */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_catalog *cat = NULL;
	struct cs_error err = CS_ERROR_INIT;
	void *state;

	if (size > (1u << 20) || cs_catalog_new(&cat) < 0)
		return 0;
	state = cs_cataloger_dpkg.state_new();
	if (!state) {
		cs_catalog_free(cat);
		return 0;
	}
	feed(cat, state, "var/lib/dpkg/status", data, size);
	feed(cat, state, "var/lib/dpkg/status.d/x", data, size);
	feed(cat, state, "var/lib/dpkg/status.d/x.md5sums", data, size);
	feed(cat, state, "var/lib/dpkg/info/x.list", data, size);
	feed(cat, state, "var/lib/dpkg/info/x:amd64.md5sums", data, size);
	if (cs_cataloger_dpkg.finish(cat, state, NULL, &err) < 0 && err.code != -ENOMEM)
		abort();
	for (size_t i = 0; i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		if (!token(p->name) || !token(p->version) || (p->arch && !token(p->arch)) ||
		    (p->source_name && !token(p->source_name)) ||
		    (p->source_version && !token(p->source_version)) || !p->path)
			abort();
		for (size_t k = 0; k < p->n_files; k++)
			if (!clean_path(p->files[k]))
				abort();
		if (p->n_files && p->files[p->n_files])
			abort();
	}
	cs_cataloger_dpkg.state_free(state);
	cs_catalog_free(cat);
	return 0;
}
