/* SPDX-License-Identifier: Apache-2.0 */
/* cs_image_config_parse on arbitrary bytes; accepted configs are walked. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "basic/alloc.h"
#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(char **v)
{
	size_t n = 0;

	for (; v && *v; v++)
		n += strlen(*v);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_image_config *c = NULL;
	volatile size_t n = 0;

	if (cs_image_config_parse((const char *)data, size, &c, NULL) < 0)
		return 0;
	n += touch(c->env) + touch(c->cmd) + touch(c->entrypoint) + touch(c->exposed_ports) +
	     touch(c->volumes) + touch(c->diff_ids) + touch(c->shell) + touch(c->onbuild);
	for (size_t i = 0; i < c->n_labels; i++)
		n += strlen(c->labels[i].key) + strlen(c->labels[i].value);
	if (c->healthcheck)
		n += touch(c->healthcheck->test);
	if (c->diff_ids && cs_strv_len(c->diff_ids) != c->n_diff_ids)
		__builtin_trap();
	cs_image_config_free(c);
	(void)n;
	return 0;
}
