/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sensor API of a build without libbpf, clang or bpftool
 * (-Dsensor=disabled, or auto without them): opening fails with a clear
 * reason. Decoding (sensor_decode.c) is always built.
 */
#include "runtime/sensor.h"

bool cs_sensor_available(void)
{
	return false;
}

int cs_sensor_open(const struct cs_sensor_options *opts, struct cs_sensor **ret,
		   struct cs_error *err)
{
	(void)opts;
	(void)ret;
	return cs_error_set(err, -CS_E_UNSUPPORTED,
			    "this customs was built without the eBPF sensor (-Dsensor=disabled "
			    "or libbpf, clang or bpftool missing)");
}

void cs_sensor_free(struct cs_sensor *s)
{
	(void)s;
}

const char *cs_sensor_active(const struct cs_sensor *s)
{
	(void)s;
	return "";
}

const char *cs_sensor_missing(const struct cs_sensor *s)
{
	(void)s;
	return "";
}

const char *cs_sensor_refused(const struct cs_sensor *s)
{
	(void)s;
	return "";
}

size_t cs_sensor_candidates(const struct cs_sensor *s, const struct cs_sensor_candidate **ret)
{
	(void)s;
	*ret = NULL;
	return 0;
}

int cs_sensor_poll(struct cs_sensor *s, int timeout_ms, cs_sensor_record_fn fn, void *ud,
		   struct cs_error *err)
{
	(void)s;
	(void)timeout_ms;
	(void)fn;
	(void)ud;
	return cs_error_set(err, -CS_E_UNSUPPORTED, "no eBPF sensor in this build");
}

int cs_sensor_skip_cgroup(struct cs_sensor *s, uint64_t cgroup_id)
{
	(void)s;
	(void)cgroup_id;
	return -CS_E_UNSUPPORTED;
}

int cs_sensor_stats(const struct cs_sensor *s, struct cs_sensor_stats *ret)
{
	(void)s;
	(void)ret;
	return -CS_E_UNSUPPORTED;
}

long cs_sensor_prefilter(const struct cs_sensor *s)
{
	(void)s;
	return -1;
}
