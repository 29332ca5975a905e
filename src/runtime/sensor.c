/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sensor's loader (sensor.h): opens the bpftool skeleton of
 * bpf/sensor.bpf.c, picks each hook's flavour, loads, attaches every
 * program explicitly (this bpftool's skeletons have no auto-attach) and
 * polls the ring buffer. This is the privileged part of `runtime watch`:
 * it parses nothing from images or the network.
 *
 * The attach table, best flavour first, per hook: BPF-LSM hooks (connect,
 * bind: the address as the kernel copied it, added to the syscall's
 * tracepoint pair, which still gives the result; init_module, finit_module:
 * the module load, where no tracepoint exists), then fentry/fexit on the
 * kernel function behind the event (exec, fork, connect, bind: the kernel's
 * own view, one program for arguments and result), then BTF tracepoints
 * (tp_btf: typed arguments, no tracefs) for the process hooks, then classic
 * tracepoints (per-syscall enter/exit pairs for syscalls). The network
 * hooks' exit tracepoint comes in two programs: one that also reads the
 * socket behind the descriptor through bpf_rdonly_cast (the local address
 * of connect and accept, listen's address), preferred, and the plain one.
 * Each LSM, fentry and socket-reading candidate is first loaded alone (the
 * probe); a refusal (kernel lockdown answers EPERM) is recorded with the
 * kernel's reason and the hook falls back. cs_sensor_candidates() reports
 * every candidate and its fate.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "basic/alloc.h"
#include "basic/log.h"
#include "runtime/bpf/sensor.h"
#include "runtime/bpf/sensor.skel.h"
#include "runtime/sensor.h"

struct hook {
	const char *name;
	unsigned cls;
	enum cs_rt_evt_type evt; /* the event type it reports; 0 for the process hooks */
	const char *btf_prog;	 /* tp_btf flavour, or NULL */
	const char *tp_prog;	 /* tracepoint flavour (enter for syscalls) */
	const char *tp_exit;	 /* the exit tracepoint's program for syscalls */
	const char *tp_event;	 /* events/<category>/<name> that must exist */
};

static const struct hook hooks[] = {
	{ "exec", CS_SENSOR_CLASS_PROCESS, 0, "exec_btf", "exec_tp", NULL,
	  "sched/sched_process_exec" },
	{ "exit", CS_SENSOR_CLASS_PROCESS, 0, "exit_btf", "exit_tp", NULL,
	  "sched/sched_process_exit" },
	{ "fork", CS_SENSOR_CLASS_PROCESS, 0, "fork_btf", "fork_tp", NULL,
	  "sched/sched_process_fork" },
	/* opens: one program at exit, arguments from the saved registers */
	{ "open", CS_SENSOR_CLASS_FILE, CS_RT_EVT_OPEN, NULL, "open_exit_tp", NULL,
	  "syscalls/sys_exit_open" },
	{ "openat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_OPENAT, NULL, "openat_exit", NULL,
	  "syscalls/sys_exit_openat" },
	{ "openat2", CS_SENSOR_CLASS_FILE, CS_RT_EVT_OPENAT2, NULL, "openat2_exit", NULL,
	  "syscalls/sys_exit_openat2" },
	{ "creat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_CREAT, NULL, "creat_exit", NULL,
	  "syscalls/sys_exit_creat" },
	{ "connect", CS_SENSOR_CLASS_NET, CS_RT_EVT_CONNECT, NULL, "connect_enter", "connect_exit",
	  "syscalls/sys_enter_connect" },
	{ "accept", CS_SENSOR_CLASS_NET, CS_RT_EVT_ACCEPT, NULL, "accept_enter_tp",
	  "accept_exit_tp", "syscalls/sys_enter_accept" },
	{ "accept4", CS_SENSOR_CLASS_NET, CS_RT_EVT_ACCEPT4, NULL, "accept4_enter", "accept4_exit",
	  "syscalls/sys_enter_accept4" },
	{ "bind", CS_SENSOR_CLASS_NET, CS_RT_EVT_BIND, NULL, "bind_enter", "bind_exit",
	  "syscalls/sys_enter_bind" },
	{ "listen", CS_SENSOR_CLASS_NET, CS_RT_EVT_LISTEN, NULL, "listen_enter", "listen_exit",
	  "syscalls/sys_enter_listen" },
	{ "unlink", CS_SENSOR_CLASS_FILE, CS_RT_EVT_UNLINK, NULL, "unlink_sys_enter",
	  "unlink_sys_exit", "syscalls/sys_enter_unlink" },
	{ "unlinkat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_UNLINKAT, NULL, "unlinkat_sys_enter",
	  "unlinkat_sys_exit", "syscalls/sys_enter_unlinkat" },
	{ "rename", CS_SENSOR_CLASS_FILE, CS_RT_EVT_RENAME, NULL, "rename_sys_enter",
	  "rename_sys_exit", "syscalls/sys_enter_rename" },
	{ "renameat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_RENAMEAT, NULL, "renameat_sys_enter",
	  "renameat_sys_exit", "syscalls/sys_enter_renameat" },
	{ "renameat2", CS_SENSOR_CLASS_FILE, CS_RT_EVT_RENAMEAT2, NULL, "renameat2_sys_enter",
	  "renameat2_sys_exit", "syscalls/sys_enter_renameat2" },
	{ "chmod", CS_SENSOR_CLASS_FILE, CS_RT_EVT_CHMOD, NULL, "chmod_sys_enter", "chmod_sys_exit",
	  "syscalls/sys_enter_chmod" },
	{ "fchmod", CS_SENSOR_CLASS_FILE, CS_RT_EVT_FCHMOD, NULL, "fchmod_sys_enter",
	  "fchmod_sys_exit", "syscalls/sys_enter_fchmod" },
	{ "fchmodat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_FCHMODAT, NULL, "fchmodat_sys_enter",
	  "fchmodat_sys_exit", "syscalls/sys_enter_fchmodat" },
	{ "mkdir", CS_SENSOR_CLASS_FILE, CS_RT_EVT_MKDIR, NULL, "mkdir_sys_enter", "mkdir_sys_exit",
	  "syscalls/sys_enter_mkdir" },
	{ "mkdirat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_MKDIRAT, NULL, "mkdirat_sys_enter",
	  "mkdirat_sys_exit", "syscalls/sys_enter_mkdirat" },
	{ "symlink", CS_SENSOR_CLASS_FILE, CS_RT_EVT_SYMLINK, NULL, "symlink_sys_enter",
	  "symlink_sys_exit", "syscalls/sys_enter_symlink" },
	{ "symlinkat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_SYMLINKAT, NULL, "symlinkat_sys_enter",
	  "symlinkat_sys_exit", "syscalls/sys_enter_symlinkat" },
	{ "link", CS_SENSOR_CLASS_FILE, CS_RT_EVT_LINK, NULL, "link_sys_enter", "link_sys_exit",
	  "syscalls/sys_enter_link" },
	{ "linkat", CS_SENSOR_CLASS_FILE, CS_RT_EVT_LINKAT, NULL, "linkat_sys_enter",
	  "linkat_sys_exit", "syscalls/sys_enter_linkat" },
	{ "dup", CS_SENSOR_CLASS_FILE, CS_RT_EVT_DUP, NULL, "dup_sys_enter", "dup_sys_exit",
	  "syscalls/sys_enter_dup" },
	{ "dup2", CS_SENSOR_CLASS_FILE, CS_RT_EVT_DUP2, NULL, "dup2_sys_enter", "dup2_sys_exit",
	  "syscalls/sys_enter_dup2" },
	{ "dup3", CS_SENSOR_CLASS_FILE, CS_RT_EVT_DUP3, NULL, "dup3_sys_enter", "dup3_sys_exit",
	  "syscalls/sys_enter_dup3" },
	{ "socket", CS_SENSOR_CLASS_NET, CS_RT_EVT_SOCKET, NULL, "socket_sys_enter",
	  "socket_sys_exit", "syscalls/sys_enter_socket" },
	{ "ptrace", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_PTRACE, NULL, "ptrace_sys_enter",
	  "ptrace_sys_exit", "syscalls/sys_enter_ptrace" },
	{ "memfd_create", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_MEMFD_CREATE, NULL,
	  "memfd_create_sys_enter", "memfd_create_sys_exit", "syscalls/sys_enter_memfd_create" },
	{ "mount", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_MOUNT, NULL, "mount_sys_enter", "mount_sys_exit",
	  "syscalls/sys_enter_mount" },
	{ "umount2", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_UMOUNT2, NULL, "umount_sys_enter",
	  "umount_sys_exit", "syscalls/sys_enter_umount" },
	{ "bpf", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_BPF, NULL, "bpf_sys_enter", "bpf_sys_exit",
	  "syscalls/sys_enter_bpf" },
	{ "init_module", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_INIT_MODULE, NULL, "init_module_sys_enter",
	  "init_module_sys_exit", "syscalls/sys_enter_init_module" },
	{ "finit_module", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_FINIT_MODULE, NULL,
	  "finit_module_sys_enter", "finit_module_sys_exit", "syscalls/sys_enter_finit_module" },
	{ "setns", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_SETNS, NULL, "setns_sys_enter", "setns_sys_exit",
	  "syscalls/sys_enter_setns" },
	{ "unshare", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_UNSHARE, NULL, "unshare_sys_enter",
	  "unshare_sys_exit", "syscalls/sys_enter_unshare" },
	{ "setuid", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_SETUID, NULL, "setuid_sys_enter",
	  "setuid_sys_exit", "syscalls/sys_enter_setuid" },
	{ "setgid", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_SETGID, NULL, "setgid_sys_enter",
	  "setgid_sys_exit", "syscalls/sys_enter_setgid" },
	{ "setreuid", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_SETREUID, NULL, "setreuid_sys_enter",
	  "setreuid_sys_exit", "syscalls/sys_enter_setreuid" },
	{ "setregid", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_SETREGID, NULL, "setregid_sys_enter",
	  "setregid_sys_exit", "syscalls/sys_enter_setregid" },
	{ "setresuid", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_SETRESUID, NULL, "setresuid_sys_enter",
	  "setresuid_sys_exit", "syscalls/sys_enter_setresuid" },
	{ "setresgid", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_SETRESGID, NULL, "setresgid_sys_enter",
	  "setresgid_sys_exit", "syscalls/sys_enter_setresgid" },
	{ "capset", CS_SENSOR_CLASS_PRIV, CS_RT_EVT_CAPSET, NULL, "capset_sys_enter",
	  "capset_sys_exit", "syscalls/sys_enter_capset" },
};
#define N_HOOKS (sizeof(hooks) / sizeof(hooks[0]))

/* A program of a hook other than its tracepoints: its name, and where it attaches. */
struct alt_prog {
	const char *hook, *prog, *attach;
};

/* fentry/fexit flavours, preferred over the hook's others when they load */
static const struct alt_prog fn_flavours[] = {
	{ "exec", "exec_fexit", "fexit/bprm_execve" },
	{ "fork", "fork_fentry", "fentry/wake_up_new_task" },
	{ "connect", "connect_fexit", "fexit/__sys_connect" },
	{ "bind", "bind_fexit", "fexit/__sys_bind" },
};
#define N_FN (sizeof(fn_flavours) / sizeof(fn_flavours[0]))

/*
 * BPF-LSM flavours, preferred over every other: the LSM program plus the
 * hook's tracepoint pair where it exists (the LSM adds the kernel's view to
 * the in-flight slot, the exit tracepoint sends it with the result), the
 * LSM program alone where it does not.
 */
static const struct alt_prog lsm_flavours[] = {
	{ "connect", "connect_lsm", "lsm/socket_connect" },
	{ "bind", "bind_lsm", "lsm/socket_bind" },
	{ "init_module", "init_module_lsm", "lsm/kernel_load_data" },
	{ "finit_module", "finit_module_lsm", "lsm/kernel_read_file" },
};
#define N_LSM (sizeof(lsm_flavours) / sizeof(lsm_flavours[0]))

/* exit tracepoint programs that also read the descriptor's socket (bpf_rdonly_cast) */
static const struct alt_prog sk_flavours[] = {
	{ "connect", "connect_exit_sk", NULL }, { "accept", "accept_exit_sk", NULL },
	{ "accept4", "accept4_exit_sk", NULL }, { "bind", "bind_exit_sk", NULL },
	{ "listen", "listen_exit_sk", NULL },
};
#define N_SK (sizeof(sk_flavours) / sizeof(sk_flavours[0]))

enum flavour { FL_OFF = 0, FL_BTF, FL_TP, FL_FN, FL_LSM };

#define MAX_CANDS (3 * N_HOOKS)
#define ENOTSUPP_ 524 /* the kernel's internal ENOTSUPP, as BPF can return it */

struct cs_sensor {
	struct sensor_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[3 * N_HOOKS];
	size_t n_links;
	enum flavour active[N_HOOKS];
	bool sk[N_HOOKS];    /* the exit tracepoint is the socket-reading program */
	bool tp_ok[N_HOOKS]; /* the hook's tracepoint exists */
	char active_desc[2048];
	char missing_desc[512];
	char refused_desc[1024];
	struct cs_sensor_candidate cands[MAX_CANDS];
	char cand_reason[MAX_CANDS][160];
	char cand_attach[MAX_CANDS][96];
	size_t n_cands;
	cs_sensor_record_fn fn;
	void *ud;
	int cb_error;
	long prefixes; /* the open prefilter's, -1 when off */
};

bool cs_sensor_available(void)
{
	return true;
}

static bool probing; /* a candidate's refusal is a result, not a warning */

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static char msg[1 << 16]; /* verifier logs are long */
	size_t n;

	if ((level == LIBBPF_DEBUG || probing) && cs_log_get_level() < CS_LOG_DEBUG)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (n > 900) /* a verifier log: whole, not cut by the log line's bound */
		fprintf(stderr, "libbpf: %s\n", msg);
	else
		cs_log(CS_LOG_DEBUG, "libbpf: %s", msg);
	return 0;
}

static const char *tracefs_dir(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct stat st;

	for (size_t i = 0; i < 2; i++) {
		char p[64];

		snprintf(p, sizeof(p), "%s/events", dirs[i]);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			return dirs[i];
	}
	return NULL;
}

/* tracefs, mounted when absent (tracepoints are found through it). */
static const char *ensure_tracefs(void)
{
	const char *d = tracefs_dir();

	if (d)
		return d;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
		cs_log(CS_LOG_INFO, "mounted tracefs on /sys/kernel/tracing");
	return tracefs_dir();
}

static bool tracepoint_exists(const char *tracefs, const char *event)
{
	char p[256];
	struct stat st;

	if (!tracefs)
		return false;
	snprintf(p, sizeof(p), "%s/events/%s", tracefs, event);
	return stat(p, &st) == 0;
}

static void set_autoload(struct sensor_bpf *skel, const char *name, bool on)
{
	struct bpf_program *p;

	if (!name)
		return;
	p = bpf_object__find_program_by_name(skel->obj, name);
	if (p)
		bpf_program__set_autoload(p, on);
}

/* hook's entry in a flavour table, or one with every name NULL */
static const struct alt_prog *alt_prog_of(const struct alt_prog *t, size_t n, size_t hook)
{
	static const struct alt_prog none;

	for (size_t k = 0; k < n; k++)
		if (strcmp(t[k].hook, hooks[hook].name) == 0)
			return &t[k];
	return &none;
}
#define FN(hook)  alt_prog_of(fn_flavours, N_FN, (hook))
#define LSM(hook) alt_prog_of(lsm_flavours, N_LSM, (hook))
#define SK(hook)  alt_prog_of(sk_flavours, N_SK, (hook))

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case EINVAL:
		return "EINVAL";
	case ENOTSUPP_:
		return "ENOTSUPP";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case ENOENT:
		return "ENOENT";
	case ESRCH:
		return "ESRCH";
	case E2BIG:
		return "E2BIG";
	default:
		return "error";
	}
}

/* A candidate that loaded alone and not with the rest of the sensor (error r). */
static void refused_together(int r, int *err, char *why, size_t cap)
{
	*err = r;
	snprintf(why, cap, "loaded alone, refused with the sensor: %s (%s)", strerror(-r),
		 errno_name(-r));
}

/* A hook's flavour when its better ones are refused: BTF tracepoint, tracepoint, none. */
static enum flavour tp_fallback(const struct cs_sensor *s, size_t hook)
{
	return hooks[hook].btf_prog ? FL_BTF : s->tp_ok[hook] ? FL_TP : FL_OFF;
}

/* "hook=candidate (ERRNO)" appended to the refused candidates' summary */
static void note_refused(struct cs_sensor *s, const char *hook, const char *cand, int err)
{
	size_t rl = strlen(s->refused_desc);

	snprintf(s->refused_desc + rl, sizeof(s->refused_desc) - rl, "%s%s=%s (%s)", rl ? " " : "",
		 hook, cand, errno_name(-err));
}

/*
 * Load one program alone (every other autoload off) and attach it, then
 * drop it: 0 when the kernel takes it, -errno and why[] when it refuses.
 */
static int probe_alone(const struct cs_sensor_options *o, const char *prog, char *why, size_t whysz)
{
	struct sensor_bpf *skel = sensor_bpf__open();
	struct bpf_program *p, *want = NULL;
	struct bpf_link *l;
	int r;

	if (!skel) {
		r = errno ? -errno : -ENOMEM;
		snprintf(why, whysz, "cannot open the sensor object: %s", strerror(-r));
		return r;
	}
	skel->rodata->self_tgid = o->self_tgid ? o->self_tgid : (uint32_t)getpid();
	{
		/* a probe needs the maps, not their size: the smallest ones */
		struct bpf_map *m;

		bpf_object__for_each_map(m, skel->obj)
		{
			if (bpf_map__type(m) == BPF_MAP_TYPE_HASH)
				bpf_map__set_max_entries(m, 1);
			else if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
				bpf_map__set_max_entries(m, (uint32_t)sysconf(_SC_PAGESIZE));
		}
	}
	bpf_object__for_each_program(p, skel->obj)
	{
		bool me = strcmp(bpf_program__name(p), prog) == 0;

		bpf_program__set_autoload(p, me);
		if (me)
			want = p;
	}
	if (!want) {
		sensor_bpf__destroy(skel);
		snprintf(why, whysz, "no program '%s' in the sensor object", prog);
		return -ENOENT;
	}
	probing = true;
	r = sensor_bpf__load(skel);
	probing = false;
	if (r) {
		r = r < 0 ? r : -r;
		snprintf(why, whysz, "load refused by the kernel: %s (%s)", strerror(-r),
			 errno_name(-r));
		sensor_bpf__destroy(skel);
		return r;
	}
	l = bpf_program__attach(want);
	if (!l) {
		r = errno ? -errno : -ENOENT;
		snprintf(why, whysz, "attach refused by the kernel: %s (%s)", strerror(-r),
			 errno_name(-r));
		sensor_bpf__destroy(skel);
		return r;
	}
	bpf_link__destroy(l);
	sensor_bpf__destroy(skel);
	why[0] = '\0';
	return 0;
}

/* Open and load the skeleton with each hook's flavour from want[]. */
/*
 * The inode of the host's mount namespace: PID 1's, or, where PID 1 is out
 * of reach (a sandboxed init, another user namespace), the sensor's own,
 * which runs on the host. Without it every exec would look like a
 * container's and wake the reader.
 */
static uint32_t host_mntns(void)
{
	struct stat st;

	if (stat("/proc/1/ns/mnt", &st) == 0 || stat("/proc/self/ns/mnt", &st) == 0)
		return (uint32_t)st.st_ino;
	return 0;
}

static int try_load(struct cs_sensor *s, const struct cs_sensor_options *o,
		    const enum flavour *want, struct cs_error *err)
{
	struct sensor_bpf *skel = sensor_bpf__open();
	int r;

	if (!skel)
		return cs_error_errno(err, errno, "cannot open the eBPF sensor object");
	skel->rodata->self_tgid = o->self_tgid ? o->self_tgid : (uint32_t)getpid();
	skel->rodata->filter_cgroups = o->n_cgroups > 0;
	skel->rodata->host_mntns = host_mntns();
	skel->rodata->open_prefilter = o->open_prefilter;
	for (size_t i = 0; i < N_HOOKS; i++) {
		/* the tracepoint pair: alone, or with the hook's LSM program */
		bool tp = want[i] == FL_TP || (want[i] == FL_LSM && s->tp_ok[i]);

		set_autoload(skel, hooks[i].btf_prog, want[i] == FL_BTF);
		set_autoload(skel, hooks[i].tp_prog, tp);
		set_autoload(skel, hooks[i].tp_exit, tp && !s->sk[i]);
		set_autoload(skel, SK(i)->prog, tp && s->sk[i]);
		set_autoload(skel, FN(i)->prog, want[i] == FL_FN);
		set_autoload(skel, LSM(i)->prog, want[i] == FL_LSM);
	}
	r = sensor_bpf__load(skel);
	if (r) {
		sensor_bpf__destroy(skel);
		return cs_error_errno(err, r, "cannot load the eBPF sensor");
	}
	s->skel = skel;
	memcpy(s->active, want, sizeof(s->active));
	return 0;
}

static const char *class_name(unsigned cls)
{
	switch (cls) {
	case CS_SENSOR_CLASS_PROCESS:
		return "process";
	case CS_SENSOR_CLASS_FILE:
		return "file";
	case CS_SENSOR_CLASS_NET:
		return "network";
	default:
		return "privilege";
	}
}

/* The open prefilter's prefixes into the LPM trie (the switch is set before load). */
static int set_prefilter(struct cs_sensor *s, const struct cs_sensor_options *o,
			 struct cs_error *err)
{
	s->prefixes = -1;
	if (!o->open_prefilter)
		return 0;
	if (o->n_open_prefixes > CS_SENSOR_PREFIXES_MAX)
		return cs_error_set(err, -E2BIG, "the open prefilter has more than %d prefixes",
				    CS_SENSOR_PREFIXES_MAX);
	for (size_t i = 0; i < o->n_open_prefixes; i++) {
		const struct cs_sensor_prefix *p = &o->open_prefixes[i];
		struct cs_sensor_prefix_key k = { 0 };

		if (p->len >= sizeof(k.data))
			return cs_error_set(err, -EINVAL, "open prefilter prefix too long");
		k.prefixlen = (uint32_t)p->len * 8;
		memcpy(k.data, p->path, p->len);
		if (bpf_map__update_elem(s->skel->maps.open_prefixes, &k, sizeof(k), &p->classes,
					 sizeof(p->classes), BPF_ANY))
			return cs_error_errno(err, errno, "cannot set the open prefilter");
	}
	s->prefixes = (long)o->n_open_prefixes;
	return 0;
}

static void add_cand(struct cs_sensor *s, size_t hook, const char *kind, const char *attach,
		     const char *status, int error, const char *reason)
{
	struct cs_sensor_candidate *c;
	size_t k = s->n_cands;

	if (k >= MAX_CANDS)
		return;
	c = &s->cands[k];
	snprintf(s->cand_attach[k], sizeof(s->cand_attach[k]), "%s", attach);
	snprintf(s->cand_reason[k], sizeof(s->cand_reason[k]), "%s",
		 strcmp(status, "refused") == 0 || strcmp(status, "missing") == 0 ? reason : "");
	c->hook = hooks[hook].name;
	c->cls = class_name(hooks[hook].cls);
	c->kind = kind;
	c->attach = s->cand_attach[k];
	c->status = status;
	c->error = strcmp(status, "refused") == 0 || strcmp(status, "missing") == 0 ? error : 0;
	c->reason = s->cand_reason[k];
	s->n_cands++;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct cs_sensor *s = ctx;
	int r = s->fn(s->ud, data, size);

	if (r < 0) {
		s->cb_error = r;
		return r;
	}
	return 0;
}

int cs_sensor_open(const struct cs_sensor_options *opts, struct cs_sensor **ret,
		   struct cs_error *err)
{
	struct cs_sensor_options o = opts ? *opts : (struct cs_sensor_options){ 0 };
	enum flavour want[N_HOOKS];
	bool used[N_HOOKS];
	int fn_err[N_HOOKS], lsm_err[N_HOOKS], sk_err[N_HOOKS], btf_err = 0;
	char fn_why[N_HOOKS][160], lsm_why[N_HOOKS][160], sk_why[N_HOOKS][160], btf_why[160] = "";
	struct cs_sensor *s;
	const char *tracefs;
	bool any_btf = false, any_fn = false, any_lsm = false, any_sk = false;
	size_t len = 0;
	int r;

	if (!o.classes)
		o.classes = CS_SENSOR_CLASS_ALL;
	if (geteuid() != 0)
		return cs_error_set(err, -EPERM,
				    "the eBPF sensor needs root (CAP_BPF and CAP_PERFMON)");
	libbpf_set_print(libbpf_log);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	tracefs = ensure_tracefs();
	for (size_t i = 0; i < N_HOOKS; i++) {
		const struct hook *h = &hooks[i];

		want[i] = FL_OFF;
		used[i] = false;
		fn_err[i] = lsm_err[i] = sk_err[i] = 0;
		fn_why[i][0] = lsm_why[i][0] = sk_why[i][0] = '\0';
		if (!(o.classes & h->cls))
			continue;
		if (h->evt && o.evtypes && !((o.evtypes[h->evt / 64] >> (h->evt % 64)) & 1))
			continue; /* no loaded rule needs it */
		used[i] = true;
		s->tp_ok[i] = tracepoint_exists(tracefs, h->tp_event);
		if (SK(i)->prog && s->tp_ok[i]) {
			/* the exit tracepoint that reads the socket, when it loads */
			sk_err[i] = probe_alone(&o, SK(i)->prog, sk_why[i], sizeof(sk_why[i]));
			s->sk[i] = sk_err[i] == 0;
			any_sk |= s->sk[i];
			if (sk_err[i])
				cs_log(CS_LOG_INFO, "sensor: %s: %s %s: the plain exit program",
				       h->name, SK(i)->prog, sk_why[i]);
		}
		if (LSM(i)->prog) {
			lsm_err[i] = probe_alone(&o, LSM(i)->prog, lsm_why[i], sizeof(lsm_why[i]));
			if (lsm_err[i] == 0) {
				want[i] = FL_LSM;
				any_lsm = true;
				continue;
			}
			cs_log(CS_LOG_INFO, "sensor: %s: %s %s: falling back", h->name,
			       LSM(i)->attach, lsm_why[i]);
		}
		if (FN(i)->prog) {
			/* the best flavour, when the kernel takes it (the probe) */
			fn_err[i] = probe_alone(&o, FN(i)->prog, fn_why[i], sizeof(fn_why[i]));
			if (fn_err[i] == 0) {
				want[i] = FL_FN;
				any_fn = true;
				continue;
			}
			cs_log(CS_LOG_INFO, "sensor: %s: %s %s: falling back", h->name,
			       FN(i)->attach, fn_why[i]);
		}
		if (h->btf_prog) {
			want[i] = FL_BTF;
			any_btf = true;
		} else if (s->tp_ok[i]) {
			want[i] = FL_TP;
		} else {
			size_t ml = strlen(s->missing_desc);

			snprintf(s->missing_desc + ml, sizeof(s->missing_desc) - ml, "%s%s",
				 ml ? " " : "", h->name);
		}
	}
	r = try_load(s, &o, want, err);
	if (r < 0 && any_lsm) {
		/* each LSM program loaded alone but not with the rest */
		for (size_t i = 0; i < N_HOOKS; i++) {
			if (want[i] != FL_LSM)
				continue;
			refused_together(r, &lsm_err[i], lsm_why[i], sizeof(lsm_why[i]));
			want[i] = tp_fallback(s, i);
		}
		if (err)
			cs_error_clear(err);
		r = try_load(s, &o, want, err);
	}
	if (r < 0 && any_sk) {
		/* the socket-reading exit programs loaded alone but not together */
		for (size_t i = 0; i < N_HOOKS; i++) {
			if (!s->sk[i])
				continue;
			s->sk[i] = false;
			refused_together(r, &sk_err[i], sk_why[i], sizeof(sk_why[i]));
		}
		if (err)
			cs_error_clear(err);
		r = try_load(s, &o, want, err);
	}
	if (r < 0 && any_fn) {
		/* each loaded alone but not with the rest: the next flavour */
		for (size_t i = 0; i < N_HOOKS; i++) {
			if (want[i] != FL_FN)
				continue;
			refused_together(r, &fn_err[i], fn_why[i], sizeof(fn_why[i]));
			want[i] = tp_fallback(s, i);
		}
		if (err)
			cs_error_clear(err);
		r = try_load(s, &o, want, err);
	}
	if (r < 0 && any_btf) {
		/* the kernel refused BTF tracepoints: classic ones for every hook */
		cs_log(CS_LOG_INFO, "tp_btf programs refused (%s): falling back to tracepoints",
		       err ? err->msg : "");
		btf_err = r;
		snprintf(btf_why, sizeof(btf_why), "load refused by the kernel: %s (%s)",
			 strerror(-r), errno_name(-r));
		for (size_t i = 0; i < N_HOOKS; i++)
			if (want[i] == FL_BTF)
				want[i] = s->tp_ok[i] ? FL_TP : FL_OFF;
		if (err)
			cs_error_clear(err);
		r = try_load(s, &o, want, err);
	}
	if (r < 0)
		goto fail;
	if ((r = set_prefilter(s, &o, err)) < 0)
		goto fail;
	for (size_t i = 0; i < o.n_cgroups; i++) {
		uint8_t one = 1;

		if (bpf_map__update_elem(s->skel->maps.cgroups, &o.cgroups[i], sizeof(uint64_t),
					 &one, sizeof(one), BPF_ANY)) {
			r = cs_error_errno(err, errno, "cannot set the sensor's cgroup filter");
			goto fail;
		}
	}
	for (size_t i = 0; i < N_HOOKS; i++) {
		const char *names[3] = { NULL, NULL, NULL };

		if (s->active[i] == FL_BTF)
			names[0] = hooks[i].btf_prog;
		else if (s->active[i] == FL_FN)
			names[0] = FN(i)->prog;
		else if (s->active[i] == FL_TP || s->active[i] == FL_LSM) {
			int k = 0;

			if (s->active[i] == FL_LSM)
				names[k++] = LSM(i)->prog;
			if (s->active[i] == FL_TP || s->tp_ok[i]) {
				names[k++] = hooks[i].tp_prog;
				names[k] = s->sk[i] ? SK(i)->prog : hooks[i].tp_exit;
			}
		}
		for (int k = 0; k < 3 && names[k]; k++) {
			struct bpf_program *p =
				bpf_object__find_program_by_name(s->skel->obj, names[k]);
			struct bpf_link *l = p ? bpf_program__attach(p) : NULL;

			if (!l) {
				r = cs_error_errno(err, errno ? errno : ENOENT,
						   "cannot attach sensor program '%s' (%s)",
						   names[k], hooks[i].name);
				goto fail;
			}
			s->links[s->n_links++] = l;
		}
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_record, s, NULL);
	if (!s->rb) {
		r = cs_error_errno(err, errno, "cannot open the sensor's ring buffer");
		goto fail;
	}
	{
		/*
		 * Edge-triggered: libbpf registers the ring level-triggered, so
		 * under a steady stream every poll found a record or two waiting
		 * and returned at once, and the reader spun a record at a time
		 * on a core the workload wanted. Edge-triggered, a poll returns
		 * only for the kernel side's wakeups (a batch, or a container's
		 * exec) or its timeout.
		 */
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = 0 };

		if (epoll_ctl(ring_buffer__epoll_fd(s->rb), EPOLL_CTL_MOD,
			      bpf_map__fd(s->skel->maps.events), &ev) < 0) {
			r = cs_error_errno(err, errno,
					   "cannot set up the sensor's ring buffer poll");
			goto fail;
		}
	}
	for (size_t i = 0; i < N_HOOKS; i++) {
		int n;

		if (s->active[i] == FL_OFF)
			continue;
		n = snprintf(s->active_desc + len, sizeof(s->active_desc) - len, "%s%s=%s",
			     len ? " " : "", hooks[i].name,
			     s->active[i] == FL_LSM		 ? "lsm"
			     : s->active[i] == FL_FN		 ? "fentry"
			     : s->active[i] == FL_BTF		 ? "tp_btf"
			     : s->active[i] == FL_TP && s->sk[i] ? "tracepoint+sock"
								 : "tracepoint");
		if (n > 0 && (size_t)n < sizeof(s->active_desc) - len)
			len += (size_t)n;
	}
	if (!len) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "no sensor hook could be attached (tracefs missing?)");
		goto fail;
	}
	for (size_t i = 0; i < N_HOOKS; i++) {
		const struct hook *h = &hooks[i];
		const char *ev = strrchr(h->tp_event, '/') + 1;
		char a[96];

		if (!used[i])
			continue;
		if (LSM(i)->prog) {
			if (h->tp_exit && s->tp_ok[i])
				snprintf(a, sizeof(a), "%s + the sys_enter/sys_exit pair",
					 LSM(i)->attach);
			else
				snprintf(a, sizeof(a), "%s", LSM(i)->attach);
			add_cand(s, i, "lsm", a,
				 s->active[i] == FL_LSM ? "active"
				 : lsm_err[i]		? "refused"
							: "standby",
				 lsm_err[i], lsm_why[i]);
			if (lsm_err[i])
				note_refused(s, h->name, LSM(i)->attach, lsm_err[i]);
		}
		if (FN(i)->prog) {
			add_cand(s, i, "fentry", FN(i)->attach,
				 s->active[i] == FL_FN ? "active"
				 : fn_err[i]	       ? "refused"
						       : "standby",
				 fn_err[i], fn_why[i]);
			if (fn_err[i])
				note_refused(s, h->name, FN(i)->attach, fn_err[i]);
		}
		if (h->btf_prog) {
			snprintf(a, sizeof(a), "tp_btf/%s", ev);
			add_cand(s, i, "tp_btf", a,
				 s->active[i] == FL_BTF ? "active"
				 : btf_err		? "refused"
							: "standby",
				 btf_err, btf_why);
		}
		if (SK(i)->prog) {
			snprintf(a, sizeof(a), "tracepoint/%s + sys_exit_%s (socket read)",
				 h->tp_event, ev + strlen("sys_enter_"));
			add_cand(s, i, "tracepoint+sock", a,
				 s->active[i] == FL_TP && s->sk[i] ? "active"
				 : !s->tp_ok[i]			   ? "missing"
				 : sk_err[i]			   ? "refused"
								   : "standby",
				 !s->tp_ok[i] ? -ENOENT : sk_err[i],
				 !s->tp_ok[i] ? "no such tracepoint in tracefs" : sk_why[i]);
			if (sk_err[i])
				note_refused(s, h->name, SK(i)->prog, sk_err[i]);
		}
		if (h->tp_exit)
			snprintf(a, sizeof(a), "tracepoint/%s + sys_exit_%s", h->tp_event,
				 ev + strlen("sys_enter_"));
		else
			snprintf(a, sizeof(a), "tracepoint/%s", h->tp_event);
		add_cand(s, i, "tracepoint", a,
			 s->active[i] == FL_TP && !s->sk[i] ? "active"
			 : !s->tp_ok[i]			    ? "missing"
							    : "standby",
			 s->tp_ok[i] ? 0 : -ENOENT,
			 s->tp_ok[i] ? "" : "no such tracepoint in tracefs");
	}
	*ret = s;
	return 0;
fail:
	cs_sensor_free(s);
	return r;
}

void cs_sensor_free(struct cs_sensor *s)
{
	if (!s)
		return;
	ring_buffer__free(s->rb);
	for (size_t i = 0; i < s->n_links; i++)
		bpf_link__destroy(s->links[i]);
	sensor_bpf__destroy(s->skel);
	free(s);
}

const char *cs_sensor_active(const struct cs_sensor *s)
{
	return s->active_desc;
}

const char *cs_sensor_missing(const struct cs_sensor *s)
{
	return s->missing_desc;
}

const char *cs_sensor_refused(const struct cs_sensor *s)
{
	return s->refused_desc;
}

size_t cs_sensor_candidates(const struct cs_sensor *s, const struct cs_sensor_candidate **ret)
{
	*ret = s->cands;
	return s->n_cands;
}

int cs_sensor_poll(struct cs_sensor *s, int timeout_ms, cs_sensor_record_fn fn, void *ud,
		   struct cs_error *err)
{
	int r;

	s->fn = fn;
	s->ud = ud;
	s->cb_error = 0;
	r = ring_buffer__poll(s->rb, timeout_ms);
	/*
	 * The kernel side wakes the reader only for a batch (sensor.bpf.c):
	 * after a timeout, take whatever came in without a wakeup.
	 */
	if (r >= 0 && !s->cb_error) {
		int k = ring_buffer__consume(s->rb);

		r = k < 0 ? k : r + k;
	}
	if (s->cb_error)
		return s->cb_error;
	if (r == -EINTR)
		return 0;
	if (r < 0)
		return cs_error_errno(err, r, "cannot poll the sensor's ring buffer");
	return r;
}

long cs_sensor_prefilter(const struct cs_sensor *s)
{
	return s->prefixes;
}

int cs_sensor_skip_cgroup(struct cs_sensor *s, uint64_t cgroup_id)
{
	uint8_t one = 1;

	if (bpf_map__update_elem(s->skel->maps.skip_cgroups, &cgroup_id, sizeof(cgroup_id), &one,
				 sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

int cs_sensor_stats(const struct cs_sensor *s, struct cs_sensor_stats *ret)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum[CS_SENSOR_C_MAX] = { 0 };
	uint64_t *vals;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < CS_SENSOR_C_MAX; k++) {
		if (bpf_map__lookup_elem(s->skel->maps.counters, &k, sizeof(k), vals,
					 sizeof(*vals) * (size_t)ncpu, 0))
			continue;
		for (int c = 0; c < ncpu; c++)
			sum[k] += vals[c];
	}
	free(vals);
	ret->events = sum[CS_SENSOR_C_EVENTS];
	ret->drops = sum[CS_SENSOR_C_DROPS];
	ret->filtered = sum[CS_SENSOR_C_FILTERED];
	ret->prefiltered = sum[CS_SENSOR_C_PREFILTERED];
	return 0;
}
