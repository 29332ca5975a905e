/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event JSON reader (runtime/event_json.c), which `runtime replay`
 * feeds with recorded, untrusted lines: any bytes. A decoded event has
 * terminated strings and bounded lengths, and writes back as valid JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "basic/json.h"
#include "runtime/event_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf b = CS_BUF_INIT(1 << 20);
	struct cs_json *j = NULL;
	json_t *back;

	if (cs_rt_event_read_json((const char *)data, size, &e, &err) < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n'))
			abort();
		return 0;
	}
	if (!memchr(e.proc.name, '\0', sizeof(e.proc.name)) ||
	    !memchr(e.fd.name, '\0', sizeof(e.fd.name)) ||
	    !memchr(e.container.id, '\0', sizeof(e.container.id)) ||
	    e.proc.args_len > sizeof(e.proc.args) || e.proc.n_ancestors > CS_RT_ANCESTORS ||
	    e.container.labels_len > sizeof(e.container.labels))
		abort();
	if (cs_json_new_buf(&b, 0, &j) < 0)
		return 0;
	cs_rt_event_write_json(&e, j);
	if (cs_json_finish(j) == 0) {
		back = json_loadb(b.data, b.len, 0, NULL);
		if (!back)
			abort();
		json_decref(back);
	}
	cs_json_free(j);
	cs_buf_done(&b);
	return 0;
}
