/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The eBPF sensor seen from user space: load and attach the programs of
 * runtime/bpf/sensor.bpf.c (the best flavour the kernel accepts for each
 * hook), poll the ring buffer, and turn each raw record into a cs_rt_event.
 *
 * The loader needs root (CAP_BPF + CAP_PERFMON) and libbpf; without them
 * cs_sensor_open fails with -EPERM or -CS_E_UNSUPPORTED and a one-line
 * reason. Records are hostile input: cs_sensor_decode checks kind and size
 * before reading and bounds every string.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "basic/error.h"
#include "runtime/event.h"

/* event classes the sensor can attach (cs_sensor_options.classes) */
enum {
	CS_SENSOR_CLASS_PROCESS = 1u << 0, /* exec, fork, exit */
	CS_SENSOR_CLASS_FILE = 1u << 1,	   /* open*, creat, unlink*, rename*, chmod*, mkdir*,
					      symlink*, link*, dup* */
	CS_SENSOR_CLASS_NET = 1u << 2,	   /* connect, accept, bind, listen, socket */
	CS_SENSOR_CLASS_PRIV = 1u << 3,	   /* setuid family, capset, ptrace, mount, umount2,
					      bpf, *init_module, setns, unshare, memfd_create */
	CS_SENSOR_CLASS_ALL = 15u,
};

struct cs_sensor_options {
	unsigned classes;   /* CS_SENSOR_CLASS_*; 0 means all */
	uint32_t self_tgid; /* never reported; 0: this process */
	/* report only these cgroups (in-kernel filter); n_cgroups 0: every cgroup */
	const uint64_t *cgroups;
	size_t n_cgroups;
	/*
	 * attach only the syscalls whose evt.type is in this set (bit t of
	 * word t/64, CS_RT_EVT_*); NULL: every syscall of the classes. The
	 * process hooks (exec, fork, exit) are always attached: the process
	 * table needs them.
	 */
	const uint64_t *evtypes;
	/*
	 * The open prefilter (runtime/rules.h, cs_rules_prefilter): with
	 * open_prefilter set, an open whose raw path is absolute, not odd and
	 * under no prefix passing its class stays in the kernel (counted in
	 * cs_sensor_stats.prefiltered). Off: every open is reported.
	 */
	bool open_prefilter;
	const struct cs_sensor_prefix *open_prefixes;
	size_t n_open_prefixes;
};

/* One prefix of the open prefilter: path bytes (at most 255) and the classes passing */
struct cs_sensor_prefix {
	const char *path;
	size_t len;
	uint8_t classes; /* bit (flags & O_ACCMODE) | (failed ? 4 : 0) */
};

struct cs_sensor;

/* Whether this build has the sensor (libbpf, clang and bpftool were found). */
bool cs_sensor_available(void);
int cs_sensor_open(const struct cs_sensor_options *opts, struct cs_sensor **ret,
		   struct cs_error *err);
void cs_sensor_free(struct cs_sensor *s);
/* Which flavour each hook runs as: "exec=tp_btf ... openat=tracepoint ...". */
const char *cs_sensor_active(const struct cs_sensor *s);
/* Hooks wanted but not attached because the kernel lacks the tracepoint ("init_module ..."). */
const char *cs_sensor_missing(const struct cs_sensor *s);

/*
 * The attach table's outcome: per hook, each candidate attach point, best
 * first. status: "active" (attached), "standby" (not loaded: a better one
 * is active), "refused" (the kernel refused it: error is -errno and reason
 * says why), "missing" (the kernel has no such attach point).
 */
struct cs_sensor_candidate {
	const char *hook;   /* "exec", "connect", ... */
	const char *cls;    /* "process", "file", "network", "privilege" */
	const char *kind;   /* "fentry" (fentry/fexit), "tp_btf", "tracepoint" */
	const char *attach; /* "fexit/bprm_execve", "tp_btf/sched_process_exec", ... */
	const char *status;
	int error;
	const char *reason;
};
size_t cs_sensor_candidates(const struct cs_sensor *s, const struct cs_sensor_candidate **ret);
/* "exec=fexit/bprm_execve (EPERM) ...": the candidates the kernel refused */
const char *cs_sensor_refused(const struct cs_sensor *s);

/* Called for each raw record; a negative return stops cs_sensor_poll with it. */
typedef int (*cs_sensor_record_fn)(void *ud, const void *rec, size_t len);
/* Wait up to timeout_ms for records and hand each to fn. Returns records seen or <0. */
int cs_sensor_poll(struct cs_sensor *s, int timeout_ms, cs_sensor_record_fn fn, void *ud,
		   struct cs_error *err);

/*
 * Drop every later event of cgroup id in the kernel (at most 65536 ids).
 * 0, or -errno when the map is full.
 */
int cs_sensor_skip_cgroup(struct cs_sensor *s, uint64_t cgroup_id);

struct cs_sensor_stats {
	uint64_t events;      /* records the kernel side submitted */
	uint64_t drops;	      /* records lost because the ring buffer was full */
	uint64_t filtered;    /* records dropped by the in-kernel cgroup filter */
	uint64_t prefiltered; /* opens dropped by the open prefilter */
};
/* Prefixes the open prefilter holds, or -1 when it is off. */
long cs_sensor_prefilter(const struct cs_sensor *s);
int cs_sensor_stats(const struct cs_sensor *s, struct cs_sensor_stats *ret);

/*
 * One raw record into e (reset first, cs_rt_event_reset): the record's own content
 * (event type, result, proc.pid/ppid/vpid/uid/gid/name, fd.*, evt.arg.*,
 * execve's exepath and arguments), not the process table's or container's
 * context. boot_to_epoch_ns turns the record's boot-time clock into
 * wall-clock time. *ret_cgroup gets the record's cgroup id. -CS_E_INPUT for
 * a record of unknown kind or wrong size (never read past len).
 */
int cs_sensor_decode(const void *rec, size_t len, uint64_t boot_to_epoch_ns, struct cs_rt_event *e,
		     uint64_t *ret_cgroup, struct cs_error *err);

/* The raw record kind (enum cs_sensor_kind) or 0 when rec is too short. */
unsigned cs_sensor_record_kind(const void *rec, size_t len);
