/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The YAML loader with every option on and with none: no crash, errors are
 * one line, every recorded line number lies inside the input, and a
 * successful load can be dumped (no cycles, even through aliases).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "basic/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(const uint8_t *data, size_t size, const struct cs_yaml_options *o)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_yaml *y = NULL;
	size_t lines = 1;
	int r;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	r = cs_yaml_parse((const char *)data, size, o, &y, &err);
	if (r < 0) {
		if (y || (r != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n'))))
			abort();
		return;
	}
	for (size_t i = 0; i < y->n_lines; i++)
		if (y->lines[i].line == 0 || y->lines[i].line > lines)
			abort();
	for (size_t i = 0; i < y->n_docs; i++) {
		char *s;

		if (!y->docs[i].root)
			abort();
		/* a bounded dump: aliases share nodes but never make cycles */
		s = json_dumps(y->docs[i].root, JSON_ENCODE_ANY | JSON_COMPACT);
		free(s);
	}
	cs_yaml_free(y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cs_yaml_options all = {
		.aliases = true, .numbers = true, .lines = true, .max_docs = 64
	};

	if (size > 1 << 16)
		return 0;
	load(data, size, NULL);
	load(data, size, &all);
	return 0;
}
