/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the sensor's record decoder (runtime/sensor_decode.c): any bytes,
 * any length, and also the input padded to each record kind's exact size
 * so the decoder's inner fields (lengths, families, syscalls) are reached.
 * Every decoded string must stay within its array and be terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/bpf/sensor.h"
#include "runtime/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct cs_rt_event *e)
{
	if (memchr(e->proc.name, '\0', sizeof(e->proc.name)) == NULL ||
	    memchr(e->proc.exe, '\0', sizeof(e->proc.exe)) == NULL ||
	    memchr(e->proc.exepath, '\0', sizeof(e->proc.exepath)) == NULL ||
	    memchr(e->fd.name, '\0', sizeof(e->fd.name)) == NULL ||
	    memchr(e->fd.unix_path, '\0', sizeof(e->fd.unix_path)) == NULL ||
	    e->proc.args_len > sizeof(e->proc.args))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = {
		sizeof(struct cs_sensor_exec), sizeof(struct cs_sensor_exit),
		sizeof(struct cs_sensor_fork), sizeof(struct cs_sensor_open),
		sizeof(struct cs_sensor_net),
	};
	static struct cs_rt_event e;
	uint8_t rec[sizeof(struct cs_sensor_exec) + 64];
	uint64_t cg;

	if (size > sizeof(rec))
		return 0;
	if (cs_sensor_decode(data, size, 0, &e, &cg, NULL) == 0)
		check(&e);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct cs_sensor_hdr h;

		memset(rec, 0, sizeof(rec));
		memcpy(rec, data, size < sizes[i] ? size : sizes[i]);
		memcpy(&h, rec, sizeof(h));
		h.size = (uint32_t)sizes[i];
		memcpy(rec, &h, sizeof(h));
		if (cs_sensor_decode(rec, sizes[i], 0, &e, &cg, NULL) == 0)
			check(&e);
	}
	return 0;
}
