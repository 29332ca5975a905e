/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the image reference parser (transports and docker names). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "image/ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ref *ref = NULL;
	char *s;

	if (size > 8192)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (cs_ref_parse(s, &ref, &err) == 0) {
		if (ref->transport == CS_TRANSPORT_REGISTRY) {
			char *f = cs_docker_ref_format(&ref->name);
			struct cs_docker_ref again;

			/* a formatted reference parses back to the same name */
			if (f && cs_docker_ref_parse(f, false, &again, NULL) == 0) {
				if (strcmp(again.domain, ref->name.domain) ||
				    strcmp(again.path, ref->name.path))
					abort();
				cs_docker_ref_done(&again);
			} else if (f) {
				abort();
			}
			free(f);
		}
		cs_ref_free(ref);
	} else if (!err.msg[0] || strchr(err.msg, '\n')) {
		abort(); /* every failure has a one-line message */
	}
	free(s);
	return 0;
}
