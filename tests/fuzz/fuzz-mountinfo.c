/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /proc/PID/mountinfo text as runtime/drift.c reads it (mount points and
 * options can be named by a container): no crash, no read past the input,
 * a found upperdir is NUL-terminated within the output and non-empty, and
 * too small an output is refused, never overrun.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/drift.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1), out[4096], small[16];
	int r;

	if (!in)
		return 0;
	memcpy(in, data, size); /* exactly size bytes: ASan sees any overread */
	r = cs_drift_upperdir_parse(in, size, out, sizeof(out));
	if (r != 0 && r != 1 && r != -ENAMETOOLONG)
		abort();
	if (r == 1 && (!memchr(out, '\0', sizeof(out)) || !out[0]))
		abort();
	r = cs_drift_upperdir_parse(in, size, small, sizeof(small));
	if (r == 1 && !memchr(small, '\0', sizeof(small)))
		abort();
	free(in);
	return 0;
}
