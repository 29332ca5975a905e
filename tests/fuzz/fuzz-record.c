/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One recorded event's bytes: decoding never crashes or overruns, errors
 * are one line, and whatever decodes re-encodes to bytes that decode to the
 * very same event.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_rt_event a, b;
	static uint8_t buf[CS_RT_RECORD_MAX];
	struct cs_error err = CS_ERROR_INIT;
	size_t n;

	if (cs_rt_record_decode(data, size, &a, &err) < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n'))
			abort();
		return 0;
	}
	n = cs_rt_record_encode(&a, buf);
	if (n > CS_RT_RECORD_MAX || cs_rt_record_decode(buf, n, &b, &err) < 0)
		abort();
	if (memcmp(&a, &b, sizeof(a)))
		abort();
	return 0;
}
