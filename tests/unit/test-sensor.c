/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sensor records into events (runtime/sensor_decode.c): sizes checked
 * before reading, bounded strings, addresses, and the cgroup id -> container
 * mapping (runtime/container.c) on a real directory tree made here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "runtime/bpf/sensor.h"
#include "runtime/container.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "runtime/event_json.h"
#include "runtime/proctable.h"
#include "runtime/record.h"
#include "runtime/sensor.h"

static void hdr(struct cs_sensor_hdr *h, unsigned kind, size_t size)
{
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->size = (uint32_t)size;
	h->ts_ns = 5;
	h->cgroup_id = 4242;
	h->pid = 100;
	h->tid = 100;
	h->ppid = 1;
	h->uid = 1000;
	h->gid = 1000;
	memcpy(h->comm, "cat", 4);
}

static void test_exec(void **state)
{
	static const char argv[] = "cat\0/etc/shadow\0-n";
	struct cs_sensor_exec x;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;
	uint64_t cg = 0;

	(void)state;
	memset(&x, 0, sizeof(x));
	hdr(&x.h, CS_SENSOR_EXEC, sizeof(x));
	memcpy(x.filename, "/bin/cat", 9);
	x.filename_len = 9;
	memcpy(x.args, argv, sizeof(argv)); /* the last argument without its NUL */
	x.args_len = sizeof(argv) - 1;
	x.exe_ino = 77;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 1000, &e, &cg, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_EXECVE);
	assert_int_equal(cg, 4242);
	assert_int_equal(e.ts_ns, 1005);
	assert_int_equal(e.proc.pid, 100);
	assert_int_equal(e.proc.uid, 1000);
	assert_string_equal(e.proc.name, "cat");
	assert_string_equal(e.proc.exepath, "/bin/cat");
	assert_string_equal(e.proc.exe, "cat");
	assert_int_equal(e.proc.argc, 2);
	assert_string_equal(e.proc.args, "/etc/shadow");
	assert_string_equal(e.proc.args + strlen("/etc/shadow") + 1, "-n");
	assert_int_equal(e.proc.exe_ino, 77);
	assert_int_equal(e.truncated, 0);
}

/* Every string of a record filled to the brim, without a NUL, and lying lengths. */
static void test_exec_unterminated(void **state)
{
	struct cs_sensor_exec x;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	memset(&x, 'A', sizeof(x));
	hdr(&x.h, CS_SENSOR_EXEC, sizeof(x));
	memset(x.h.comm, 'B', sizeof(x.h.comm));
	x.filename_len = 100000;
	x.args_len = 100000;
	x.args_truncated = 1;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(strlen(e.proc.name), CS_SENSOR_COMM_LEN);
	assert_int_equal(strlen(e.proc.exepath), CS_SENSOR_PATH_LEN);
	assert_int_equal(strlen(e.proc.exe), CS_SENSOR_ARGS_LEN);
	assert_true(e.truncated & CS_RT_TRUNC_PATH);
	assert_true(e.truncated & CS_RT_TRUNC_ARGS);
}

static void test_bad_records(void **state)
{
	struct cs_sensor_exec x;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sensor_open o;

	(void)state;
	memset(&x, 0, sizeof(x));
	hdr(&x.h, CS_SENSOR_EXEC, sizeof(x));
	/* truncated: one byte short */
	assert_int_equal(cs_sensor_decode(&x, sizeof(x) - 1, 0, &e, NULL, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "want"));
	/* shorter than a header */
	assert_int_equal(cs_sensor_decode(&x, 3, 0, &e, NULL, &err), -CS_E_INPUT);
	assert_int_equal(cs_sensor_decode(NULL, 0, 0, &e, NULL, &err), -CS_E_INPUT);
	/* unknown kind */
	x.h.kind = 99;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "unknown kind 99"));
	/* the size field disagrees */
	x.h.kind = CS_SENSOR_EXEC;
	x.h.size = 12;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), -CS_E_INPUT);
	/* an open record of a syscall it cannot be */
	memset(&o, 0, sizeof(o));
	hdr(&o.h, CS_SENSOR_OPEN, sizeof(o));
	o.h.syscall = CS_SYS_CONNECT;
	assert_int_equal(cs_sensor_decode(&o, sizeof(o), 0, &e, NULL, &err), -CS_E_INPUT);
	o.h.syscall = 1000;
	assert_int_equal(cs_sensor_decode(&o, sizeof(o), 0, &e, NULL, &err), -CS_E_INPUT);
}

static void test_open(void **state)
{
	struct cs_sensor_open o;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	memset(&o, 0, sizeof(o));
	hdr(&o.h, CS_SENSOR_OPEN, sizeof(o));
	o.h.syscall = CS_SYS_OPENAT;
	o.h.ret = 3;
	o.dirfd = -100;
	o.flags = 01 | 0100; /* O_WRONLY|O_CREAT */
	o.mode = 0644;
	memcpy(o.path, "/etc/shadow", 12);
	o.path_len = 12;
	assert_int_equal(cs_sensor_decode(&o, sizeof(o), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_OPENAT);
	assert_string_equal(e.fd.name, "/etc/shadow");
	assert_string_equal(e.fd.nameraw, "/etc/shadow");
	assert_int_equal(e.fd.num, 3);
	assert_int_equal(e.fd.type, CS_RT_FD_FILE);
	assert_int_equal(e.arg.flags, 01 | 0100);
	assert_int_equal(e.arg.mode, 0644);
	assert_true(e.have & CS_RT_HAVE_OPEN_FLAGS);
	/* a failed open: fd.num -1, the result kept */
	o.h.ret = -2;
	o.path_len = 99999; /* lies: clamped to the array */
	assert_int_equal(cs_sensor_decode(&o, sizeof(o), 0, &e, NULL, &err), 0);
	assert_int_equal(e.fd.num, -1);
	assert_int_equal(e.res, -2);
	assert_string_equal(cs_rt_errno_name(e.res), "ENOENT");
	assert_string_equal(e.fd.name, "/etc/shadow");
}

/* every other syscall (struct cs_sensor_sys): where each string and argument goes */
static void sys_record(struct cs_sensor_sys *x, unsigned sys, const char *s1, const char *s2)
{
	memset(x, 0, sizeof(*x));
	hdr(&x->h, CS_SENSOR_SYS, sizeof(*x));
	x->h.syscall = sys;
	if (s1) {
		snprintf(x->str1, sizeof(x->str1), "%s", s1);
		x->len1 = (uint32_t)strlen(s1) + 1;
	}
	if (s2) {
		snprintf(x->str2, sizeof(x->str2), "%s", s2);
		x->len2 = (uint32_t)strlen(s2) + 1;
	}
}

static void test_sys(void **state)
{
	struct cs_sensor_sys x;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	sys_record(&x, CS_SYS_UNLINKAT, "/etc/passwd", NULL);
	x.args[0] = -100;
	x.h.ret = -13;
	x.h.tty = (136u << 20) | 3;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_UNLINKAT);
	assert_string_equal(e.arg.path, "/etc/passwd");
	assert_int_equal(e.arg.fd, -100);
	assert_string_equal(cs_rt_errno_name(e.res), "EACCES");
	assert_true(e.have & CS_RT_HAVE_TTY);
	assert_int_equal(e.proc.tty, (136u << 20) | 3);

	sys_record(&x, CS_SYS_SYMLINKAT, "/etc/shadow", "/tmp/s");
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_SYMLINKAT);
	assert_string_equal(e.arg.path1, "/etc/shadow"); /* evt.arg.target */
	assert_string_equal(e.arg.path2, "/tmp/s");	 /* evt.arg.linkpath */

	sys_record(&x, CS_SYS_PTRACE, NULL, NULL);
	x.args[0] = 16; /* PTRACE_ATTACH */
	x.args[1] = 4321;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_PTRACE);
	assert_int_equal(e.arg.request, 16);
	assert_int_equal(e.arg.pid, 4321);
	assert_true(e.have & CS_RT_HAVE_REQUEST);

	sys_record(&x, CS_SYS_SOCKET, NULL, NULL);
	x.args[0] = 17; /* AF_PACKET */
	x.args[1] = 3;	/* SOCK_RAW */
	x.h.ret = 4;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_SOCKET);
	assert_int_equal(e.arg.domain, 17);
	assert_int_equal(e.fd.num, 4);
	assert_int_equal(e.fd.type, CS_RT_FD_PACKET);
	assert_true(e.have & CS_RT_HAVE_DOMAIN);

	sys_record(&x, CS_SYS_DUP2, NULL, NULL);
	x.args[0] = 3;
	x.args[1] = 0;
	x.h.ret = 0;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_DUP2);
	assert_int_equal(e.arg.fd, 3);
	assert_int_equal(e.fd.num, 0);

	sys_record(&x, CS_SYS_MEMFD_CREATE, "payload", NULL);
	x.h.ret = 5;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_MEMFD_CREATE);
	assert_string_equal(e.arg.name, "payload");
	assert_int_equal(e.fd.type, CS_RT_FD_MEMFD);

	/* hostile: lengths that lie are clamped, strings without a NUL are cut */
	sys_record(&x, CS_SYS_RENAME, NULL, NULL);
	memset(x.str1, 'a', sizeof(x.str1));
	x.len1 = 1u << 30;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(strlen(e.arg.path1), sizeof(x.str1));
	assert_true(e.truncated & CS_RT_TRUNC_PATH);
	/* a syscall number out of range, or one of another record kind */
	sys_record(&x, CS_SYS_MAX, NULL, NULL);
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), -CS_E_INPUT);
	cs_error_clear(&err);
	sys_record(&x, CS_SYS_OPENAT, NULL, NULL);
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), -CS_E_INPUT);
	cs_error_clear(&err);
	/* a short record */
	assert_int_equal(cs_sensor_decode(&x, sizeof(x) - 1, 0, &e, NULL, &err), -CS_E_INPUT);
	cs_error_clear(&err);
}

static void net_record(struct cs_sensor_net *n, unsigned kind, unsigned sys, const void *addr,
		       size_t len)
{
	memset(n, 0, sizeof(*n));
	hdr(&n->h, kind, sizeof(*n));
	n->h.syscall = sys;
	n->fd = 5;
	memcpy(n->addr, addr, len);
	n->addr_len = (uint32_t)len;
}

static void test_connect(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(4444) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct cs_sensor_net n;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr);
	net_record(&n, CS_SENSOR_CONNECT, CS_SYS_CONNECT, &sin, sizeof(sin));
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_CONNECT);
	assert_int_equal(e.fd.type, CS_RT_FD_IPV4);
	assert_string_equal(e.fd.sip, "10.1.2.3");
	assert_int_equal(e.fd.sport, 4444);
	assert_string_equal(e.fd.name, "10.1.2.3:4444");
	assert_int_equal(e.fd.num, 5);
	assert_true(e.fd.connected);
	/* a sockaddr_in cut short is no address */
	net_record(&n, CS_SENSOR_CONNECT, CS_SYS_CONNECT, &sin, 6);
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_string_equal(e.fd.sip, "");
	assert_string_equal(e.fd.name, "");

	inet_pton(AF_INET6, "2001:db8::1", &sin6.sin6_addr);
	net_record(&n, CS_SENSOR_CONNECT, CS_SYS_CONNECT, &sin6, sizeof(sin6));
	n.h.ret = -111;
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_int_equal(e.fd.type, CS_RT_FD_IPV6);
	assert_string_equal(e.fd.name, "[2001:db8::1]:443");
	assert_false(e.fd.connected);
	assert_string_equal(cs_rt_errno_name(e.res), "ECONNREFUSED");

	/* AF_UNIX: a path filling sun_path without a NUL, then an abstract name */
	memset(sun.sun_path, 'p', sizeof(sun.sun_path));
	net_record(&n, CS_SENSOR_CONNECT, CS_SYS_CONNECT, &sun, sizeof(sun));
	n.addr_len = 100000;
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_int_equal(e.fd.type, CS_RT_FD_UNIX);
	assert_int_equal(strlen(e.fd.unix_path), sizeof(sun.sun_path));
	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	memcpy(sun.sun_path + 1, "dbus", 4);
	net_record(&n, CS_SENSOR_CONNECT, CS_SYS_CONNECT, &sun,
		   offsetof(struct sockaddr_un, sun_path) + 5);
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_string_equal(e.fd.name, "@dbus");
}

static void test_accept_listen(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(50000) };
	struct cs_sensor_net n;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	net_record(&n, CS_SENSOR_ACCEPT, CS_SYS_ACCEPT4, &sin, sizeof(sin));
	n.h.ret = 9;
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_ACCEPT4);
	assert_int_equal(e.fd.num, 9);
	assert_string_equal(e.fd.cip, "192.0.2.7");
	assert_int_equal(e.fd.cport, 50000);
	assert_true(e.fd.server_is_local);

	net_record(&n, CS_SENSOR_BIND, CS_SYS_BIND, &sin, sizeof(sin));
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_BIND);
	assert_string_equal(e.fd.name, "192.0.2.7:50000");

	net_record(&n, CS_SENSOR_LISTEN, CS_SYS_LISTEN, "", 0);
	n.backlog = 128;
	assert_int_equal(cs_sensor_decode(&n, sizeof(n), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_LISTEN);
	assert_int_equal(e.arg.backlog, 128);
}

static void test_fork_exit(void **state)
{
	struct cs_sensor_fork f;
	struct cs_sensor_exit x;
	struct cs_rt_event e;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	memset(&f, 0, sizeof(f));
	hdr(&f.h, CS_SENSOR_FORK, sizeof(f));
	f.child_pid = f.child_tid = 101;
	assert_int_equal(cs_sensor_decode(&f, sizeof(f), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_CLONE);
	assert_int_equal(e.res, 101);
	memset(&x, 0, sizeof(x));
	hdr(&x.h, CS_SENSOR_EXIT, sizeof(x));
	x.h.ret = 256;
	assert_int_equal(cs_sensor_decode(&x, sizeof(x), 0, &e, NULL, &err), 0);
	assert_int_equal(e.type, CS_RT_EVT_PROCEXIT);
	assert_int_equal(e.res, 256);
}

/* exec, clone and exit through the process table: ancestry and forgetting */
static void test_proctable(void **state)
{
	struct cs_proctable *pt;
	struct cs_rt_event e;

	(void)state;
	assert_int_equal(cs_proctable_new(NULL, &pt), 0);
	cs_rt_event_init(&e);
	e.type = CS_RT_EVT_EXECVE;
	e.proc.pid = 10;
	e.proc.ppid = 1;
	CS_RT_SET(e.proc.name, "sh");
	CS_RT_SET(e.proc.exe, "sh");
	CS_RT_SET(e.proc.exepath, "/bin/sh");
	cs_rt_event_add_arg(&e, "-c", 2);
	cs_proctable_apply(pt, &e);
	cs_rt_event_init(&e);
	e.type = CS_RT_EVT_CLONE;
	e.proc.pid = 10;
	e.proc.ppid = 1;
	e.arg.pid = 11;
	CS_RT_SET(e.proc.name, "sh");
	cs_proctable_apply(pt, &e);
	cs_rt_event_init(&e);
	e.type = CS_RT_EVT_EXECVE;
	e.proc.pid = 11;
	e.proc.ppid = 10;
	CS_RT_SET(e.proc.name, "cat");
	CS_RT_SET(e.proc.exe, "cat");
	CS_RT_SET(e.proc.exepath, "/bin/cat");
	cs_proctable_apply(pt, &e);
	assert_int_equal(e.proc.n_ancestors, 2); /* sh, then pid 1 unknown */
	assert_string_equal(e.proc.ancestors[0].name, "sh");
	assert_string_equal(e.proc.ancestors[0].exepath, "/bin/sh");
	assert_string_equal(e.proc.pargs, "-c");
	assert_int_equal(e.proc.ancestors[1].pid, 1);
	/* an open of the child carries its exec's context */
	cs_rt_event_init(&e);
	e.type = CS_RT_EVT_OPENAT;
	e.proc.pid = 11;
	e.proc.ppid = 10;
	cs_proctable_apply(pt, &e);
	assert_string_equal(e.proc.exepath, "/bin/cat");
	assert_int_equal(cs_proctable_count(pt), 2);
	cs_rt_event_init(&e);
	e.type = CS_RT_EVT_PROCEXIT;
	e.proc.pid = 11;
	cs_proctable_apply(pt, &e);
	assert_int_equal(cs_proctable_count(pt), 1);
	cs_proctable_free(pt);
}

/* What every reader of an event sees: its recorded form and its JSON line. */
static void assert_same_event(const struct cs_rt_event *a, const struct cs_rt_event *b)
{
	static uint8_t ra[CS_RT_RECORD_MAX], rb[CS_RT_RECORD_MAX];
	size_t na = cs_rt_record_encode(a, ra), nb = cs_rt_record_encode(b, rb);
	struct cs_buf ja, jb;
	struct cs_json *j = NULL;

	assert_int_equal(na, nb);
	assert_memory_equal(ra, rb, na);
	cs_buf_init(&ja, CS_RT_JSON_LINE_MAX);
	cs_buf_init(&jb, CS_RT_JSON_LINE_MAX);
	assert_int_equal(cs_json_new_buf(&ja, 0, &j), 0);
	cs_rt_event_write_json(a, j);
	assert_int_equal(cs_json_finish(j), 0);
	cs_json_free(j);
	assert_int_equal(cs_json_new_buf(&jb, 0, &j), 0);
	cs_rt_event_write_json(b, j);
	assert_int_equal(cs_json_finish(j), 0);
	cs_json_free(j);
	assert_int_equal(ja.len, jb.len);
	assert_memory_equal(ja.data, jb.data, ja.len);
	cs_buf_done(&ja);
	cs_buf_done(&jb);
}

/*
 * The watch decodes every record into one reused event (cs_rt_event_reset
 * clears only what readers can see): a sequence of records through decode
 * and the process table gives the same events as decoding each into a
 * zeroed one, whatever the reused event held before (garbage, a deeper
 * ancestry, longer strings).
 */
static void test_reused_event(void **state)
{
	static const char sh_argv[] = "sh\0-c\0exec cat /etc/shadow";
	static const char cat_argv[] = "cat\0/etc/shadow";
	static struct cs_rt_event clean, dirty;
	struct cs_sensor_exec x1, x2, x3;
	struct cs_sensor_fork f;
	struct cs_sensor_open o1, o2;
	struct cs_sensor_exit z;
	struct cs_proctable *pt_clean, *pt_dirty;
	struct cs_error err = CS_ERROR_INIT;
	const struct {
		const void *rec;
		size_t len;
	} seq[] = {
		/* the second open of a process: its ancestry as noted by the first;
		 * then its parent runs something else (x3): noted no more */
		{ &x1, sizeof(x1) }, { &f, sizeof(f) },	  { &x2, sizeof(x2) }, { &o1, sizeof(o1) },
		{ &o1, sizeof(o1) }, { &x3, sizeof(x3) }, { &o1, sizeof(o1) }, { &z, sizeof(z) },
		{ &o2, sizeof(o2) }, { &o2, sizeof(o2) }, { &x1, sizeof(x1) },
	};

	(void)state;
	memset(&x1, 0, sizeof(x1));
	hdr(&x1.h, CS_SENSOR_EXEC, sizeof(x1));
	x1.h.pid = x1.h.tid = 10;
	memcpy(x1.h.comm, "sh", 3);
	memcpy(x1.filename, "/bin/sh", 8);
	x1.filename_len = 8;
	memcpy(x1.args, sh_argv, sizeof(sh_argv));
	x1.args_len = sizeof(sh_argv);
	x3 = x1;
	memcpy(x3.h.comm, "bash", 5);
	memcpy(x3.filename, "/bin/bash", 10);
	x3.filename_len = 10;
	memcpy(x3.args, "bash", 5);
	x3.args_len = 5;
	memset(&f, 0, sizeof(f));
	hdr(&f.h, CS_SENSOR_FORK, sizeof(f));
	f.h.pid = f.h.tid = 10;
	f.child_pid = f.child_tid = 11;
	memset(&x2, 0, sizeof(x2));
	hdr(&x2.h, CS_SENSOR_EXEC, sizeof(x2));
	x2.h.pid = x2.h.tid = 11;
	x2.h.ppid = 10;
	memcpy(x2.filename, "/usr/bin/cat", 13);
	x2.filename_len = 13;
	memcpy(x2.args, cat_argv, sizeof(cat_argv));
	x2.args_len = sizeof(cat_argv);
	memset(&o1, 0, sizeof(o1));
	hdr(&o1.h, CS_SENSOR_OPEN, sizeof(o1));
	o1.h.pid = o1.h.tid = 11;
	o1.h.ppid = 10;
	o1.h.syscall = CS_SYS_OPENAT;
	o1.h.ret = 3;
	o1.dirfd = -100;
	memcpy(o1.path, "/etc/shadow", 12);
	o1.path_len = 12;
	memset(&z, 0, sizeof(z));
	hdr(&z.h, CS_SENSOR_EXIT, sizeof(z));
	z.h.pid = z.h.tid = 11;
	z.h.ppid = 10;
	/* a process the table never saw, with a parent it never saw either */
	memset(&o2, 0, sizeof(o2));
	hdr(&o2.h, CS_SENSOR_OPEN, sizeof(o2));
	o2.h.pid = o2.h.tid = 99;
	o2.h.ppid = 98;
	o2.h.syscall = CS_SYS_OPEN;
	o2.h.ret = -2;
	o2.dirfd = -100;
	memcpy(o2.path, "/x", 3);
	o2.path_len = 3;

	assert_int_equal(cs_proctable_new(NULL, &pt_clean), 0);
	assert_int_equal(cs_proctable_new(NULL, &pt_dirty), 0);
	memset(&dirty, 0xa5, sizeof(dirty));
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		memset(&clean, 0, sizeof(clean));
		assert_int_equal(cs_sensor_decode(seq[i].rec, seq[i].len, 0, &clean, NULL, &err),
				 0);
		assert_int_equal(cs_sensor_decode(seq[i].rec, seq[i].len, 0, &dirty, NULL, &err),
				 0);
		assert_same_event(&clean, &dirty);
		cs_proctable_apply(pt_clean, &clean);
		cs_proctable_apply(pt_dirty, &dirty);
		assert_same_event(&clean, &dirty);
	}
	/* the last exec's parent is unknown: one ancestor, its pid only */
	assert_int_equal(dirty.proc.n_ancestors, 1);
	assert_int_equal(dirty.proc.ancestors[0].pid, 1);
	assert_string_equal(dirty.proc.ancestors[0].name, "");
	assert_string_equal(dirty.proc.exepath, "/bin/sh");
	assert_int_equal(dirty.proc.argc, 2);
	assert_string_equal(dirty.container.name, "host");
	assert_string_equal(dirty.container.image, "");
	assert_int_equal(dirty.container.labels_len, 0);
	assert_int_equal(dirty.proc.uid, 1000);
	cs_proctable_free(pt_clean);
	cs_proctable_free(pt_dirty);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Seeding from a /proc-shaped tree, and relative paths made absolute inside the root. */
static void test_proctable_proc(void **state)
{
	char root[] = "/tmp/customs-proc.XXXXXX", p[512], cmd[300];
	struct cs_proctable *pt;
	struct cs_rt_event e;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/42", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/42/stat", root);
	/* a comm with ") " inside: the last ')' ends it */
	write_file(p, "42 (we) ird) S 7 42 42 0 -1\n", 28);
	snprintf(p, sizeof(p), "%s/42/cmdline", root);
	write_file(p, "/bin/app\0--flag\0x", 18);
	snprintf(p, sizeof(p), "%s/42/exe", root);
	assert_int_equal(symlink("/usr/bin/app", p), 0);
	/* the process runs chrooted in /srv/c, its cwd /srv/c/data as the host sees it */
	snprintf(p, sizeof(p), "%s/42/root", root);
	assert_int_equal(symlink("/srv/c", p), 0);
	snprintf(p, sizeof(p), "%s/42/cwd", root);
	assert_int_equal(symlink("/srv/c/data", p), 0);
	snprintf(p, sizeof(p), "%s/notapid", root);
	assert_int_equal(mkdir(p, 0755), 0);

	assert_int_equal(cs_proctable_new(root, &pt), 0);
	assert_int_equal(cs_proctable_count(pt), 1);
	cs_rt_event_init(&e);
	e.type = CS_RT_EVT_OPENAT;
	e.proc.pid = 42;
	e.proc.ppid = 7;
	e.arg.fd = -100;
	CS_RT_SET(e.fd.nameraw, "./x/../secret");
	CS_RT_SET(e.fd.name, "./x/../secret");
	cs_proctable_apply(pt, &e);
	assert_int_equal(e.proc.n_ancestors, 1); /* ppid 7 from stat: not in the table */
	assert_int_equal(e.proc.ancestors[0].pid, 7);
	assert_string_equal(e.proc.exepath, "/usr/bin/app");
	assert_string_equal(e.proc.exe, "/bin/app");
	assert_int_equal(e.proc.argc, 2);
	assert_string_equal(e.proc.args, "--flag");
	assert_string_equal(e.fd.name, "/data/secret");
	assert_string_equal(e.fd.nameraw, "./x/../secret");
	/* a process that is gone keeps the path as given */
	cs_rt_event_init(&e);
	e.type = CS_RT_EVT_OPENAT;
	e.proc.pid = 43;
	e.arg.fd = -100;
	CS_RT_SET(e.fd.nameraw, "rel");
	CS_RT_SET(e.fd.name, "rel");
	cs_proctable_apply(pt, &e);
	assert_string_equal(e.fd.name, "rel");
	cs_proctable_free(pt);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* --- cgroup id -> container on a real directory tree --- */

static const char id1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char id2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
static const char id3[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static uint64_t mkcg(const char *root, const char *rel)
{
	char p[1024];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(stat(p, &st), 0);
	return (uint64_t)st.st_ino;
}

static void test_cgroup_names(void **state)
{
	char id[65];
	char name[128];

	(void)state;
	snprintf(name, sizeof(name), "libpod-%s", id1);
	assert_true(cs_cgroup_name_container_id(name, false, id));
	assert_string_equal(id, id1);
	snprintf(name, sizeof(name), "libpod-%s.scope", id1);
	assert_true(cs_cgroup_name_container_id(name, false, id));
	snprintf(name, sizeof(name), "docker-%s.scope", id2);
	assert_true(cs_cgroup_name_container_id(name, false, id));
	assert_string_equal(id, id2);
	snprintf(name, sizeof(name), "cri-containerd-%s.scope", id2);
	assert_true(cs_cgroup_name_container_id(name, false, id));
	snprintf(name, sizeof(name), "crio-%s.scope", id2);
	assert_true(cs_cgroup_name_container_id(name, false, id));
	/* the monitor, a short id, upper case, trailing junk, a bare id outside docker/ */
	snprintf(name, sizeof(name), "libpod-conmon-%s", id1);
	assert_false(cs_cgroup_name_container_id(name, false, id));
	assert_false(cs_cgroup_name_container_id("libpod-0123abcd", false, id));
	assert_false(cs_cgroup_name_container_id(
		"libpod-0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false,
		id));
	snprintf(name, sizeof(name), "docker-%s.scopex", id2);
	assert_false(cs_cgroup_name_container_id(name, false, id));
	assert_false(cs_cgroup_name_container_id(id2, false, id));
	assert_true(cs_cgroup_name_container_id(id2, true, id));
}

static void test_cgroup_tree(void **state)
{
	char root[] = "/tmp/customs-cgroup.XXXXXX", rel[256], cmd[300];
	struct cs_containers *c;
	struct cs_rt_container out;
	struct cs_error err = CS_ERROR_INIT;
	uint64_t podman, nested, docker, dockerfs, host, user, conmon, late;

	(void)state;
	assert_non_null(mkdtemp(root));
	mkcg(root, "libpod_parent");
	snprintf(rel, sizeof(rel), "libpod_parent/libpod-%s", id1);
	podman = mkcg(root, rel);
	snprintf(rel, sizeof(rel), "libpod_parent/libpod-%s/worker", id1);
	nested = mkcg(root, rel);
	snprintf(rel, sizeof(rel), "libpod_parent/libpod-conmon-%s", id1);
	conmon = mkcg(root, rel);
	host = mkcg(root, "system.slice");
	snprintf(rel, sizeof(rel), "system.slice/docker-%s.scope", id2);
	docker = mkcg(root, rel);
	mkcg(root, "docker");
	snprintf(rel, sizeof(rel), "docker/%s", id3);
	dockerfs = mkcg(root, rel);
	user = mkcg(root, "user.slice");

	assert_int_equal(cs_containers_new(root, NULL, &c, &err), 0);
	assert_true(cs_containers_lookup(c, podman, &out));
	assert_string_equal(out.full_id, id1);
	assert_string_equal(out.id, "0123456789ab");
	assert_string_equal(out.name, "0123456789ab"); /* no engine: the short id */
	assert_true(cs_containers_lookup(c, nested, &out));
	assert_string_equal(out.full_id, id1);
	assert_true(cs_containers_lookup(c, docker, &out));
	assert_string_equal(out.full_id, id2);
	assert_true(cs_containers_lookup(c, dockerfs, &out));
	assert_string_equal(out.full_id, id3);
	assert_false(cs_containers_lookup(c, conmon, &out));
	assert_string_equal(out.id, "host");
	assert_string_equal(out.name, "host");
	assert_false(cs_containers_lookup(c, host, &out));
	assert_false(cs_containers_lookup(c, user, &out));
	assert_false(cs_containers_lookup(c, 1, &out));
	assert_true(cs_containers_known(c, host));
	assert_true(cs_containers_known(c, podman));
	assert_false(cs_containers_known(c, 1));
	assert_true(cs_container_matches(&(struct cs_rt_container){ .full_id = "abcdef" }, "abc"));

	/* a container started later is found by the rescan an unknown id triggers */
	snprintf(rel, sizeof(rel), "libpod_parent/libpod-%s", id2);
	late = mkcg(root, rel);
	usleep((CS_CONTAINERS_RESCAN_MS + 50) * 1000);
	assert_true(cs_containers_lookup(c, late, &out));
	assert_string_equal(out.full_id, id2);
	cs_containers_free(c);

	assert_int_equal(cs_containers_new("/nonexistent/cgroup", NULL, &c, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/cgroup"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void count_ended(const char *full_id, bool answered, void *ud)
{
	char *ended = ud;
	size_t n = strlen(ended);

	/* which container stopped being pending: '1' for id1, '2' for id2 */
	assert_false(answered); /* nobody listens */
	if (n < 15) {
		ended[n] = !strcmp(full_id, id1) ? '1' : !strcmp(full_id, id2) ? '2' : '?';
		ended[n + 1] = '\0';
	}
}

/* Poll the resolver's answers until one comes (at most 5 s); returns how many. */
static int poll_answers(struct cs_containers *c, char *ended)
{
	int n = 0;

	for (int i = 0; i < 500 && !n; i++) {
		n = cs_containers_poll(c, count_ended, ended);
		if (!n)
			usleep(10000);
	}
	return n;
}

/*
 * The engine asked off the lookups' path: with an engine socket nobody
 * listens on, lookups return at once (pending, the short id as name), one
 * request per container however many lookups, the failed answer ends the
 * wait once, and the retry waits for its backoff.
 */
static void test_cgroup_engine_down(void **state)
{
	char root[] = "/tmp/customs-cgroup.XXXXXX", rel[256], cmd[300], sock[300];
	char ended[16] = "";
	struct cs_containers *c;
	struct cs_rt_container out;
	struct cs_error err = CS_ERROR_INIT;
	uint64_t podman, nested, docker, host;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(rel, sizeof(rel), "libpod-%s", id1);
	podman = mkcg(root, rel);
	snprintf(rel, sizeof(rel), "libpod-%s/worker", id1);
	nested = mkcg(root, rel);
	snprintf(rel, sizeof(rel), "docker-%s.scope", id2);
	docker = mkcg(root, rel);
	host = mkcg(root, "system.slice");
	snprintf(sock, sizeof(sock), "%s/nobody.sock", root);

	assert_int_equal(cs_containers_new(root, sock, &c, &err), 0);
	assert_int_equal(cs_containers_lookup(c, podman, &out), CS_CONTAINER_PENDING);
	assert_string_equal(out.name, "0123456789ab");
	assert_string_equal(out.image, "");
	assert_int_equal(cs_containers_lookup(c, nested, &out), CS_CONTAINER_PENDING);
	assert_int_equal(cs_containers_lookup(c, podman, &out), CS_CONTAINER_PENDING);
	assert_int_equal(cs_containers_lookup(c, host, &out), CS_CONTAINER_HOST);
	/* three lookups of id1, one request, one end of its wait */
	assert_int_equal(poll_answers(c, ended), 1);
	assert_string_equal(ended, "1");
	assert_int_equal(cs_containers_poll(c, count_ended, ended), 0);
	assert_int_equal(cs_containers_lookup(c, podman, &out), CS_CONTAINER_KNOWN);
	assert_string_equal(out.name, "0123456789ab");
	/* asked again only after the backoff (250 ms), and its answer ends no wait */
	usleep(50 * 1000);
	assert_int_equal(cs_containers_poll(c, count_ended, ended), 0);
	usleep((CS_CONTAINERS_RETRY_MIN_MS + 50) * 1000);
	assert_int_equal(cs_containers_lookup(c, podman, &out), CS_CONTAINER_KNOWN);
	assert_int_equal(poll_answers(c, ended), 1);
	assert_string_equal(ended, "1");

	/* given up on: known at once, its answer later ends no wait */
	assert_int_equal(cs_containers_lookup(c, docker, &out), CS_CONTAINER_PENDING);
	cs_containers_give_up(c, id2);
	assert_int_equal(cs_containers_lookup(c, docker, &out), CS_CONTAINER_KNOWN);
	assert_string_equal(out.name, "fedcba987654");
	assert_int_equal(poll_answers(c, ended), 1);
	assert_string_equal(ended, "1");
	cs_containers_free(c); /* joins the resolver */

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/*
 * An engine that takes the connection and never answers: lookups still
 * return at once, and freeing the cache abandons the request in flight
 * instead of waiting for curl's 60 s timeout.
 */
static void test_cgroup_engine_silent(void **state)
{
	char root[] = "/tmp/customs-cgroup.XXXXXX", rel[256], cmd[300], ended[16] = "";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cs_containers *c;
	struct cs_rt_container out;
	struct cs_error err = CS_ERROR_INIT;
	struct timespec t0, t1;
	uint64_t podman;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(rel, sizeof(rel), "libpod-%s", id1);
	podman = mkcg(root, rel);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/silent.sock", root);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0); /* never accepted: connect succeeds, no answer */

	assert_int_equal(cs_containers_new(root, sa.sun_path, &c, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(cs_containers_lookup(c, podman, &out), CS_CONTAINER_PENDING);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 1); /* the lookup did not wait for the engine */
	usleep(300 * 1000);
	assert_int_equal(cs_containers_poll(c, count_ended, ended), 0); /* still in flight */
	assert_int_equal(cs_containers_lookup(c, podman, &out), CS_CONTAINER_PENDING);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cs_containers_free(c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	close(fd);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_exec_unterminated),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_accept_listen),
		cmocka_unit_test(test_fork_exit),
		cmocka_unit_test(test_proctable),
		cmocka_unit_test(test_reused_event),
		cmocka_unit_test(test_proctable_proc),
		cmocka_unit_test(test_cgroup_names),
		cmocka_unit_test(test_cgroup_tree),
		cmocka_unit_test(test_sys),
		cmocka_unit_test(test_cgroup_engine_down),
		cmocka_unit_test(test_cgroup_engine_silent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
