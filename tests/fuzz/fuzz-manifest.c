/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cs_manifest_parse on arbitrary bytes, then platform selection on every
 * index it accepts. The first byte picks the media type hint so the
 * hint-driven paths are reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hints[] = {
		NULL, CS_MT_OCI_MANIFEST, CS_MT_OCI_INDEX, CS_MT_DOCKER_MANIFEST, CS_MT_DOCKER_LIST,
	};
	static const char *const platforms[] = {
		"linux/amd64", "linux/arm64", "linux/arm/v6", "linux/arm", "windows/amd64",
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_manifest *m = NULL;
	const char *hint = NULL;

	if (size > 0 && data[0] < 5) {
		hint = hints[data[0]];
		data++;
		size--;
	}
	if (cs_manifest_parse((const char *)data, size, hint, &m, &err) < 0)
		return 0;
	for (size_t i = 0; i < m->n_layers; i++)
		(void)cs_media_type_is_layer(m->layers[i].media_type);
	if (m->kind == CS_MANIFEST_INDEX) {
		for (size_t i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++) {
			struct cs_platform p;
			int idx;

			if (cs_platform_parse(platforms[i], &p, NULL) < 0)
				continue;
			idx = cs_index_select(m, &p, &err);
			if (idx >= 0 && (size_t)idx >= m->n_manifests)
				__builtin_trap();
			cs_platform_done(&p);
		}
		for (size_t i = 0; i < m->n_manifests; i++) {
			char buf[128];

			if (m->manifests[i].has_platform)
				cs_platform_format(&m->manifests[i].platform, buf, sizeof(buf));
		}
	}
	cs_manifest_free(m);
	return 0;
}
