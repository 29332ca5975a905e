/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recorded-event files: a full event survives a round trip bit for bit
 * (uid 0 and other values equal to "unknown" defaults included), a fresh
 * event costs no field bytes, and hostile files — a string too long for its
 * field, an enum out of range, unknown tags, a truncated or oversized
 * record, another magic or version — are counted and skipped or refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runtime/record.h"

static char dir[64];

static void full_event(struct cs_rt_event *e, int i)
{
	cs_rt_event_init(e);
	e->type = CS_RT_EVT_OPENAT;
	e->have = CS_RT_HAVE_RES | CS_RT_HAVE_FD | CS_RT_HAVE_OPEN_FLAGS | CS_RT_HAVE_NET;
	e->num = 1000 + (uint64_t)i;
	e->ts_ns = 1765000000123456789ULL;
	e->res = -2;
	e->cpu = 1;
	CS_RT_SET(e->hostname, "node-1");
	e->proc.pid = 4242;
	e->proc.tid = 4243;
	e->proc.ppid = 1;
	e->proc.vpid = 7;
	e->proc.uid = 0; /* root: differs from the "unknown" default */
	e->proc.gid = 0;
	e->proc.cap_effective = 0x1ffffffffffULL;
	CS_RT_SET(e->proc.name, "cat");
	CS_RT_SET(e->proc.exe, "cat");
	CS_RT_SET(e->proc.exepath, "/usr/bin/cat");
	CS_RT_SET(e->proc.cwd, "/root/");
	cs_rt_event_add_arg(e, "/etc/shadow", 11);
	cs_rt_event_add_arg(e, "-n", 2);
	cs_rt_event_add_parg(e, "-c", 2);
	CS_RT_SET(e->proc.user, "root");
	e->proc.n_ancestors = 2;
	e->proc.ancestors[0].pid = 1;
	CS_RT_SET(e->proc.ancestors[0].name, "sh");
	CS_RT_SET(e->proc.ancestors[0].exepath, "/bin/sh");
	e->proc.ancestors[1].pid = -1;
	CS_RT_SET(e->proc.ancestors[1].name, "conmon");
	e->fd.num = 3;
	e->fd.type = CS_RT_FD_FILE;
	CS_RT_SET(e->fd.name, "/etc/shadow");
	e->fd.connected = true;
	e->fd.family = 2;
	e->fd.sport = 443;
	e->arg.flags = 0x80000;
	e->arg.domain = -1;
	CS_RT_SET(e->container.id, "0123456789ab");
	CS_RT_SET(e->container.name, "web");
	CS_RT_SET(e->container.image, "localhost/alpine:3.20");
	e->container.privileged = true;
	cs_rt_event_add_label(e, "app", "web");
}

static void test_round_trip(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rt_writer *w = NULL;
	struct cs_rt_reader *r = NULL;
	struct cs_rt_event in, out, fresh;
	static uint8_t buf[CS_RT_RECORD_MAX];
	char path[128];

	(void)state;
	cs_rt_event_init(&fresh);
	assert_int_equal(cs_rt_record_encode(&fresh, buf), 0);
	snprintf(path, sizeof(path), "%s/events.cse", dir);
	assert_int_equal(cs_rt_writer_open(path, &w, &err), 0);
	assert_int_equal(access(path, F_OK), -1); /* not there before close */
	for (int i = 0; i < 3; i++) {
		full_event(&in, i);
		assert_int_equal(cs_rt_writer_add(w, &in, &err), 0);
	}
	assert_int_equal(cs_rt_writer_add(w, &fresh, &err), 0);
	assert_int_equal(cs_rt_writer_count(w), 4);
	assert_int_equal(cs_rt_writer_close(w, &err), 0);

	assert_int_equal(cs_rt_reader_open(path, &r, &err), 0);
	for (int i = 0; i < 3; i++) {
		full_event(&in, i);
		assert_int_equal(cs_rt_reader_next(r, &out, &err), 1);
		assert_memory_equal(&in, &out, sizeof(in));
	}
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 1);
	assert_memory_equal(&fresh, &out, sizeof(out));
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 0);
	assert_int_equal(cs_rt_reader_bad(r), 0);
	cs_rt_reader_free(r);
	/* compact: far below the in-memory size of an event */
	full_event(&in, 0);
	assert_true(cs_rt_record_encode(&in, buf) < 512);
}

static void put(FILE *f, const void *p, size_t n)
{
	assert_int_equal(fwrite(p, 1, n, f), n);
}

static void put_record(FILE *f, const uint8_t *p, uint32_t n)
{
	uint8_t l[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };

	put(f, l, 4);
	put(f, p, n);
}

static void test_hostile(void **state)
{
	static uint8_t buf[CS_RT_RECORD_MAX];
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rt_reader *r = NULL;
	struct cs_rt_event in, out;
	uint8_t hdr[CS_RT_HEADER_SIZE] = { 0 };
	/* proc.name (tag 118) of 100 bytes: larger than its 64-byte field */
	uint8_t longname[4 + 100] = { 118, 0, 100, 0 };
	/* evt.type (tag 1) out of range */
	uint8_t badtype[8] = { 1, 0, 4, 0, 0xff, 0xff, 0, 0 };
	/* an unknown tag 9999 then proc.pid (tag 100) = 5 */
	uint8_t unknown[4 + 3 + 4 + 8] = { 0x0f, 0x27, 3, 0, 'x', 'y', 'z', 100, 0, 8, 0, 5 };
	char path[128];
	size_t n;
	FILE *f;

	(void)state;
	memset(longname + 4, 'a', 100);
	memcpy(hdr, CS_RT_RECORD_MAGIC, 8);
	hdr[8] = CS_RT_RECORD_VERSION;
	snprintf(path, sizeof(path), "%s/hostile.cse", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	put(f, hdr, sizeof(hdr));
	full_event(&in, 0);
	n = cs_rt_record_encode(&in, buf);
	put_record(f, longname, sizeof(longname));
	put_record(f, buf, (uint32_t)n);
	put_record(f, badtype, sizeof(badtype));
	put_record(f, unknown, sizeof(unknown));
	put_record(f, buf, (uint32_t)n - 1); /* the last field cut short */
	put_record(f, buf, (uint32_t)n);
	put(f, "\x10\x00", 2); /* a truncated length */
	fclose(f);

	assert_int_equal(cs_rt_reader_open(path, &r, &err), 0);
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 1);
	assert_memory_equal(&in, &out, sizeof(in));
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 1);
	assert_int_equal(out.proc.pid, 5); /* the unknown tag was skipped */
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 1);
	assert_memory_equal(&in, &out, sizeof(in));
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 0);
	/* long name, bad type, cut field, truncated length */
	assert_int_equal(cs_rt_reader_bad(r), 4);
	assert_non_null(strstr(cs_rt_reader_last_error(r), "truncated length"));
	cs_rt_reader_free(r);

	/* an absurd length ends the file */
	f = fopen(path, "w");
	put(f, hdr, sizeof(hdr));
	put_record(f, buf, (uint32_t)n);
	put(f, "\xff\xff\xff\x7f", 4);
	put(f, buf, n);
	fclose(f);
	assert_int_equal(cs_rt_reader_open(path, &r, &err), 0);
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 1);
	assert_int_equal(cs_rt_reader_next(r, &out, &err), 0);
	assert_int_equal(cs_rt_reader_bad(r), 1);
	assert_non_null(strstr(cs_rt_reader_last_error(r), "past the limit"));
	cs_rt_reader_free(r);

	/* not a recording; another version */
	f = fopen(path, "w");
	put(f, "{\"evt.type\":\"open\"}\n", 20);
	fclose(f);
	assert_int_equal(cs_rt_reader_open(path, &r, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "is not a customs event recording"));
	hdr[8] = 2;
	f = fopen(path, "w");
	put(f, hdr, sizeof(hdr));
	fclose(f);
	assert_int_equal(cs_rt_reader_open(path, &r, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "format version 2"));
}

static void test_abort(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_rt_writer *w = NULL;
	struct cs_rt_event e;
	char path[128], cmd[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/aborted.cse", dir);
	assert_int_equal(cs_rt_writer_open(path, &w, &err), 0);
	full_event(&e, 0);
	assert_int_equal(cs_rt_writer_add(w, &e, &err), 0);
	cs_rt_writer_abort(w);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls '%s' | grep aborted)\"", dir);
	assert_int_equal(system(cmd), 0);
	assert_true(cs_rt_writer_open("/nonexistent-dir/x.cse", &w, &err) < 0);
	assert_non_null(strstr(err.msg, "cannot create recording '/nonexistent-dir/x.cse'"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/customs-record-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_abort),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
