/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the analysers' per-layer cache: blobs (a file on disk another
 * process could have written) and the payloads in them. The input is
 * parsed as a blob; then, with its first byte choosing the analyser
 * (secret, malware, config), the rest is restored as that analyser's
 * payload for layer 1, directly and wrapped in a blob with a valid
 * checksum (which must parse back to the same bytes). A restore either
 * succeeds or says -CS_E_INPUT; the state then still finishes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analyze.h"
#include "basic/alloc.h"
#include "image/layercache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char *const names[] = { "secret", "malware", "config" };
static void *states[3];
static unsigned uses[3];

static void *state_of(size_t i)
{
	const struct cs_analyzer *an = cs_analyzer_find(names[i]);
	struct cs_analyze_options o = { 0 };
	struct cs_error err = CS_ERROR_INIT;

	/* a fresh state now and then: restored findings pile up */
	if (states[i] && ++uses[i] % 256 == 0) {
		an->state_free(states[i]);
		states[i] = NULL;
	}
	if (!states[i] && an->state_new(&o, &states[i], &err) < 0)
		abort();
	return states[i];
}

static void restore(size_t i, const uint8_t *p, size_t n)
{
	const struct cs_analyzer *an = cs_analyzer_find(names[i]);
	void *st = state_of(i);
	int r = an->layer_restore(st, 1, p, n);

	if (r < 0 && r != -CS_E_INPUT && r != -ENOMEM)
		abort();
	if (i == 2) {
		/* config: what was restored is saved back as it was given */
		struct cs_buf b = CS_BUF_INIT(64 << 20);

		if (an->layer_save(st, 1, &b) < 0)
			abort();
		cs_buf_done(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_buf b = CS_BUF_INIT(CS_LAYER_BLOB_MAX + 4096);
	struct cs_error err = CS_ERROR_INIT;
	const void *p;
	size_t n, i;

	if (cs_layer_blob_parse(data, size, NULL, &p, &n, &err) == 0 &&
	    ((const uint8_t *)p < data || (const uint8_t *)p + n > data + size))
		abort();
	if (size < 1 || size > (1u << 20))
		return 0;
	i = data[0] % 3;
	restore(i, data + 1, size - 1);
	if (cs_layer_blob_make(&b, KEY, data + 1, size - 1) == 0) {
		err = (struct cs_error)CS_ERROR_INIT;
		if (cs_layer_blob_parse(b.data, b.len, KEY, &p, &n, &err) != 0 || n != size - 1 ||
		    (n && memcmp(p, data + 1, n) != 0))
			abort();
	}
	cs_buf_done(&b);
	return 0;
}
