// SPDX-License-Identifier: (Apache-2.0 OR GPL-2.0)
/*
 * The customs runtime sensor: process, file and network events of every
 * process, each with its cgroup id (which names the container) and its
 * namespaces, sent to user space on one ring buffer.
 *
 * Attach points come in flavours and the loader (runtime/sensor.c) picks the
 * best one the kernel accepts (BPF-LSM and fentry/fexit flavours at the end
 * of this file, preferred where allowed): process events have a BTF tracepoint
 * (tp_btf, typed arguments) and a classic tracepoint twin; syscalls use the
 * per-syscall tracepoints (syscalls:sys_enter_X / sys_exit_X), never one
 * program on every raw syscall. A syscall's arguments are copied at entry
 * into a per-thread slot and sent with the result at exit, so failed calls
 * are known and user memory is read before the call can change it. Opens,
 * the most frequent, are read whole at exit instead (see "opens" below).
 *
 * Kernel memory is read only through BTF-typed pointers (tp_btf arguments
 * and bpf_get_current_task_btf(); the fd table through bpf_rdonly_cast(),
 * see fd_sock), never with bpf_probe_read_kernel: kernel lockdown removes
 * that helper, while the verifier's checked direct loads (CO-RE relocated)
 * stay allowed. Strings the kernel copied to the new process's stack (argv,
 * the exec path) are read from user memory.
 *
 * This program must never block or loop unboundedly, and never trusts user
 * memory: every copy is bounded and a failed copy yields an empty field.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sensor.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_UNIX	 1
#define AF_INET	 2
#define AF_INET6 10
#define AT_FDCWD -100

/* set by the loader before load */
const volatile __u32 self_tgid = 0;	/* the sensor itself: never reported */
const volatile __u8 filter_cgroups = 0; /* report only cgroups in the cgroups map */
const volatile __u32 host_mntns = 0;	/* the host's mount namespace (PID 1's) */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CS_SENSOR_C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/*
 * cgroup ids never to report (user space adds the host's cgroups when only
 * containers are watched, so their events stop at the first one)
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} skip_cgroups SEC(".maps");

/* cgroup ids to report when filter_cgroups is set */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} cgroups SEC(".maps");

/* a syscall in flight: its arguments, copied at entry, keyed by thread id */
struct pending {
	__u32 syscall;
	__s32 fd;    /* socket */
	__u64 uaddr; /* accept: the caller's sockaddr buffer */
	__u64 ualen; /* accept: its length pointer */
	__u32 len;
	__u32 backlog;
	union {
		char path[CS_SENSOR_PATH_LEN];
		__u8 addr[CS_SENSOR_ADDR_LEN];
	};
	/* other syscalls (struct cs_sensor_sys): raw arguments, a second string */
	__s64 args[6];
	__u32 len2;
	char path2[CS_SENSOR_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending);
} inflight SEC(".maps");

/* a zeroed value to create inflight slots from (stack is too small) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending);
} scratch SEC(".maps");

/*
 * n = min(n, max) in one instruction sequence the compiler cannot reorder:
 * the verifier must see the bound on the very register passed as a size.
 */
#define CLAMP(n, max) \
	asm volatile("if %[v] <= %[m] goto +1; %[v] = %[m]" : [v] "+r"(n) : [m] "i"(max))

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		*v += 1;
}

/* Whether the current task is reported at all. */
static __always_inline bool wanted(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	__u64 cg;

	if (tgid == self_tgid)
		return false;
	cg = bpf_get_current_cgroup_id();
	if (bpf_map_lookup_elem(&skip_cgroups, &cg) ||
	    (filter_cgroups && !bpf_map_lookup_elem(&cgroups, &cg))) {
		count(CS_SENSOR_C_FILTERED);
		return false;
	}
	return true;
}

static __always_inline void fill_hdr(struct cs_sensor_hdr *h, __u32 kind, __u32 size)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();
	struct pid *tp = task->thread_pid;
	unsigned int level = tp->level;
	struct upid *up = NULL;

	h->kind = kind;
	h->size = size;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = task->real_parent->tgid;
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->mntns = task->nsproxy->mnt_ns->ns.inum;
	/* numbers[] is indexed by the task's own level: constant indices only */
	if (level == 0)
		up = &tp->numbers[0];
	else if (level == 1)
		up = &tp->numbers[1];
	else if (level == 2)
		up = &tp->numbers[2];
	else if (level == 3)
		up = &tp->numbers[3];
	if (up) {
		h->vpid = up->nr;
		h->pidns = up->ns->ns.inum;
	} else {
		h->vpid = 0;
		h->pidns = 0;
	}
	if (h->pid != h->tid)
		h->vpid = 0; /* a thread's own number would mislead: leave it unknown */
	h->syscall = 0;
	h->ret = 0;
	h->tty = 0;
	h->pad0 = 0;
	{
		/* the controlling terminal as proc.tty: major << 20 | minor */
		struct tty_struct *tty = task->signal->tty;

		if (tty) {
			struct tty_driver *drv = tty->driver;

			if (drv)
				h->tty = ((__u32)drv->major << 20) |
					 (((__u32)drv->minor_start + (__u32)tty->index) & 0xfffff);
		}
	}
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

static __always_inline void *reserve(__u32 size)
{
	void *r = bpf_ringbuf_reserve(&events, size, 0);

	if (!r)
		count(CS_SENSOR_C_DROPS);
	return r;
}

/*
 * Wake the reader only once a batch has piled up: a wakeup per record costs
 * the reader a context switch per event, which under a syscall-heavy load
 * is most of the sensor's cost. The reader also polls every 100 ms, so a
 * lone event waits at most that long.
 */
#define WAKEUP_BYTES (128 << 10)

static __always_inline void submit_wake(void *r, bool wake)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	count(CS_SENSOR_C_EVENTS);
	bpf_ringbuf_submit(r,
			   wake || avail >= WAKEUP_BYTES ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline void submit(void *r)
{
	submit_wake(r, false);
}

/* --- processes --- */

static __always_inline void exe_identity(struct cs_sensor_exec *e, struct file *file)
{
	struct inode *ino = file->f_inode;

	e->exe_ino = ino->i_ino;
	e->exe_dev = ino->i_sb->s_dev;
	e->exe_fs_magic = ino->i_sb->s_magic;
	e->exe_upper = 0; /* not known without reading the overlay's private inode */
	e->pad1 = 0;
	/* memfd_create's files are named "memfd:NAME" (short names live inline
	 * in the dentry, readable here) and have no link */
	{
		struct dentry *d = file->f_path.dentry;
		const unsigned char *n = d->d_shortname.string;

		e->exe_memfd = ino->__i_nlink == 0 && n[0] == 'm' && n[1] == 'e' && n[2] == 'm' &&
			       n[3] == 'f' && n[4] == 'd' && n[5] == ':';
	}
}

/*
 * argv from the new mm's arg area, and the exec path: execve copies the
 * path first, then the environment, then argv, each below the last, so
 * the path is the string that starts where the environment ends.
 */
static __always_inline void exec_strings(struct cs_sensor_exec *e, struct mm_struct *mm)
{
	unsigned long start = mm->arg_start, end = mm->arg_end;
	__u64 n = end - start;
	long r;

	e->args_truncated = 0;
	e->args_len = 0;
	if (end > start) {
		if (n > CS_SENSOR_ARGS_LEN)
			e->args_truncated = 1;
		CLAMP(n, CS_SENSOR_ARGS_LEN);
		if (bpf_probe_read_user(e->args, n, (void *)start) == 0)
			e->args_len = n;
	}
	r = bpf_probe_read_user_str(e->filename, sizeof(e->filename), (void *)mm->env_end);
	e->filename_len = r > 0 ? r : 0;
}

static __always_inline int on_exec(struct task_struct *task, struct file *file)
{
	struct cs_sensor_exec *e;

	if (!wanted())
		return 0;
	e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, CS_SENSOR_EXEC, sizeof(*e));
	exe_identity(e, file);
	exec_strings(e, task->mm);
	/* a container's exec at once: user space reads the new process's
	 * /proc (cwd, the overlay upper layer for drift) while it still lives */
	submit_wake(e, e->h.mntns != host_mntns);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, bprm->file);
}

SEC("tracepoint/sched/sched_process_exec")
int exec_tp(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return on_exec(task, task->mm->exe_file);
}

static __always_inline int on_exit(struct task_struct *task)
{
	struct cs_sensor_exit *e;
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if ((__u32)pid_tgid != pid_tgid >> 32)
		return 0; /* a thread, not the process */
	if (!wanted())
		return 0;
	e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, CS_SENSOR_EXIT, sizeof(*e));
	e->h.ret = task->exit_code;
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(exit_btf, struct task_struct *p)
{
	return on_exit(p);
}

SEC("tracepoint/sched/sched_process_exit")
int exit_tp(void *ctx)
{
	return on_exit(bpf_get_current_task_btf());
}

static __always_inline int on_fork(__u32 child_pid, __u32 child_tid)
{
	struct cs_sensor_fork *e;

	if (child_pid != child_tid)
		return 0; /* a new thread, not a new process */
	if (!wanted())
		return 0;
	e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, CS_SENSOR_FORK, sizeof(*e));
	e->child_pid = child_pid;
	e->child_tid = child_tid;
	submit(e);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_btf, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(child->tgid, child->pid);
}

SEC("tracepoint/sched/sched_process_fork")
int fork_tp(struct trace_event_raw_sched_process_fork *ctx)
{
	__u32 child = ctx->child_pid;

	/* the tracepoint names only the child's thread id: a process when it
	 * is not the same thread group as the parent's (CLONE_THREAD) */
	if (ctx->parent_pid == child)
		return 0;
	return on_fork(child, child);
}

/* --- syscalls: arguments at entry, result at exit --- */

static __always_inline struct pending *slot_new(__u32 syscall)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 zero = 0;
	struct pending *z;

	if (!wanted())
		return NULL;
	z = bpf_map_lookup_elem(&scratch, &zero);
	if (!z)
		return NULL;
	z->syscall = syscall;
	if (bpf_map_update_elem(&inflight, &tid, z, BPF_ANY) != 0)
		return NULL;
	return bpf_map_lookup_elem(&inflight, &tid);
}

/*
 * --- opens: one program at sys_exit, no enter program ---
 *
 * The arguments are read from the task's saved user registers (still the
 * syscall's arguments at exit), as Falco's modern probe does: no per-call
 * slot in the inflight hash. With the open prefilter on (set from the
 * loaded rules), an open whose raw path is absolute, not odd and under no
 * prefix that passes its class leaves no record: no rule could match it.
 */
const volatile __u8 open_prefilter = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, CS_SENSOR_PREFIXES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct cs_sensor_prefix_key);
	__type(value, __u8);
} open_prefixes SEC(".maps");

/* the path being looked at, laid out as an LPM key (too big for the stack) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cs_sensor_prefix_key);
} open_path SEC(".maps");

#if defined(__TARGET_ARCH_x86)
#define SYSARG1(r) ((r)->di)
#define SYSARG2(r) ((r)->si)
#define SYSARG3(r) ((r)->dx)
#define SYSARG4(r) ((r)->r10)
#elif defined(__TARGET_ARCH_arm64)
#define SYSARG1(r) ((r)->orig_x0) /* x0 holds the result by now */
#define SYSARG2(r) ((r)->regs[1])
#define SYSARG3(r) ((r)->regs[2])
#define SYSARG4(r) ((r)->regs[3])
#else
#error "the open hooks read syscall arguments from pt_regs: add this architecture"
#endif

static __always_inline struct pt_regs *sys_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/*
 * A raw path user space could resolve or normalise: relative, "//", "/.",
 * "..", a trailing '/', or so long it may have been cut (n: bytes read,
 * NUL included). Must match cs_rules_prefilter_odd().
 */
static __always_inline bool path_odd(const __u8 *p, long n)
{
	if (n <= 1 || p[0] != '/' || n - 1 >= CS_SENSOR_PATH_LEN - 2)
		return true;
	for (int i = 1; i < CS_SENSOR_PATH_LEN - 2; i++) {
		__u8 c = p[i], prev = p[i - 1];

		if (!c)
			return prev == '/' && i > 1;
		if ((prev == '/' && (c == '/' || c == '.')) || (prev == '.' && c == '.'))
			return true;
	}
	return true;
}

static __always_inline bool open_passes(struct cs_sensor_prefix_key *k, long n, __u32 flags,
					long ret)
{
	__u32 cls = (flags & 3) | (ret < 0 ? 4 : 0);
	__u8 *pass;

	if (n <= 1)
		return true; /* unreadable or empty: user space decides */
	k->prefixlen = (n - 1) * 8;
	pass = bpf_map_lookup_elem(&open_prefixes, k);
	if (pass && ((*pass >> cls) & 1))
		return true;
	return path_odd(k->data, n);
}

static __always_inline int open_event(__u32 sys, int dirfd, __u64 upath, __u32 flags, __u32 mode,
				      long ret)
{
	struct cs_sensor_prefix_key *k;
	struct cs_sensor_open *e;
	__u32 zero = 0;
	long n;

	if (!wanted())
		return 0;
	k = bpf_map_lookup_elem(&open_path, &zero);
	if (!k)
		return 0;
	__builtin_memset(k->data, 0, sizeof(k->data));
	n = bpf_probe_read_user_str(k->data, sizeof(k->data), (const void *)upath);
	if (n < 0)
		n = 0;
	if (open_prefilter && !open_passes(k, n, flags, ret)) {
		count(CS_SENSOR_C_PREFILTERED);
		return 0;
	}
	e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, CS_SENSOR_OPEN, sizeof(*e));
	e->h.syscall = sys;
	e->h.ret = ret;
	e->dirfd = dirfd;
	e->flags = flags;
	e->mode = mode;
	e->path_len = n;
	__builtin_memcpy(e->path, k->data, sizeof(e->path));
	submit(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r = sys_regs();

	return open_event(CS_SYS_OPENAT, (int)SYSARG1(r), SYSARG2(r), SYSARG3(r), SYSARG4(r),
			  ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r = sys_regs();
	struct open_how how = {};

	if (bpf_probe_read_user(&how, sizeof(how), (void *)SYSARG3(r)) != 0)
		how.flags = 0;
	return open_event(CS_SYS_OPENAT2, (int)SYSARG1(r), SYSARG2(r), how.flags, how.mode,
			  ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r = sys_regs();

	return open_event(CS_SYS_OPEN, AT_FDCWD, SYSARG1(r), SYSARG2(r), SYSARG3(r), ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int creat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *r = sys_regs();

	/* creat(2) is open(O_CREAT|O_WRONLY|O_TRUNC) */
	return open_event(CS_SYS_CREAT, AT_FDCWD, SYSARG1(r), 01 | 0100 | 01000, SYSARG2(r),
			  ctx->ret);
}

/* --- sockets --- */

/*
 * Addresses come from the callers' sockaddr buffers (user memory). The
 * socket behind a descriptor (the local end of connect and accept, the
 * address of listen, the port bind got) is read by the *_sk exit programs:
 * the fd table is not BTF-typed memory (fdt->fd is an array of pointers)
 * and bpf_probe_read_kernel is locked down, so each step is cast with the
 * bpf_rdonly_cast() kfunc (kernel >= 6.2), whose loads are the verifier's
 * fault-safe PROBE_MEM loads, not the helper. Where the kfunc is missing or
 * refused the *_sk programs fail their probe and the loader keeps the plain
 * exit programs (no local address, as before).
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

#define S_IFMT_	  0170000
#define S_IFSOCK_ 0140000

/* The sock behind descriptor fd of the current process, or NULL. */
static __always_inline struct sock *fd_sock(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct socket *so;
	struct file *f;
	__u64 *slot, fp;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	/*
	 * fdt->fd[fd], read through a kernel struct whose first word is a
	 * pointer (struct fd: 'word' since 6.12, 'file' before): a raw load at
	 * offset 0, valid for both layouts
	 */
	slot = bpf_rdonly_cast((void *)((__u64)fdt->fd + (__u64)fd * sizeof(void *)),
			       bpf_core_type_id_kernel(struct fd));
	fp = *slot;
	if (!fp)
		return NULL;
	f = bpf_rdonly_cast((void *)fp, bpf_core_type_id_kernel(struct file));
	if ((f->f_inode->i_mode & S_IFMT_) != S_IFSOCK_)
		return NULL;
	so = bpf_rdonly_cast(f->private_data, bpf_core_type_id_kernel(struct socket));
	if ((__u64)so->file != fp)
		return NULL;
	return so->sk;
}

/* The sock's local address (bound or chosen by the kernel) and protocol. */
static __always_inline void sock_local(struct cs_sensor_net *e, struct sock *sk)
{
	__u16 fam = sk->__sk_common.skc_family;
	__u16 port = sk->__sk_common.skc_num;

	if (fam != AF_INET && fam != AF_INET6)
		return;
	e->l4proto = sk->sk_protocol;
	if (!port)
		return; /* not bound (a failed connect released its port) */
	e->lport = port;
	e->lfamily = fam;
	if (fam == AF_INET) {
		__u32 a = sk->__sk_common.skc_rcv_saddr;

		__builtin_memcpy(e->laddr, &a, 4);
	} else {
		__u32 a[4];

		a[0] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[0];
		a[1] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[1];
		a[2] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[2];
		a[3] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[3];
		__builtin_memcpy(e->laddr, a, 16);
	}
}

/* The peer as a sockaddr, for an accept whose caller passed no buffer. */
static __always_inline void sock_peer(struct cs_sensor_net *e, struct sock *sk)
{
	__u16 fam = sk->__sk_common.skc_family;

	if (fam == AF_INET) {
		struct sockaddr_in a = {};

		a.sin_family = AF_INET;
		a.sin_port = sk->__sk_common.skc_dport;
		a.sin_addr.s_addr = sk->__sk_common.skc_daddr;
		__builtin_memcpy(e->addr, &a, sizeof(a));
		e->addr_len = sizeof(a);
		e->family = AF_INET;
	} else if (fam == AF_INET6) {
		struct sockaddr_in6 a = {};

		a.sin6_family = AF_INET6;
		a.sin6_port = sk->__sk_common.skc_dport;
		a.sin6_addr.in6_u.u6_addr32[0] = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[0];
		a.sin6_addr.in6_u.u6_addr32[1] = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[1];
		a.sin6_addr.in6_u.u6_addr32[2] = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[2];
		a.sin6_addr.in6_u.u6_addr32[3] = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[3];
		__builtin_memcpy(e->addr, &a, sizeof(a));
		e->addr_len = sizeof(a);
		e->family = AF_INET6;
	}
}

/* with_sk (a constant after inlining): fill the local end from fd's sock */
static __always_inline void net_sock(struct cs_sensor_net *e, int fd, bool with_sk)
{
	struct sock *sk;

	if (!with_sk)
		return;
	sk = fd_sock(fd);
	if (sk)
		sock_local(e, sk);
}

static __always_inline int sockaddr_enter(__u32 sys, int fd, const void *uaddr, int ulen)
{
	struct pending *p = slot_new(sys);
	__u64 n = ulen;

	if (!p)
		return 0;
	p->fd = fd;
	p->len = 0;
	if (ulen <= 0 || !uaddr)
		return 0;
	CLAMP(n, CS_SENSOR_ADDR_LEN);
	if (bpf_probe_read_user(p->addr, n, uaddr) == 0)
		p->len = n;
	return 0;
}

static __always_inline struct cs_sensor_net *net_begin(struct pending *p, long ret, __u32 kind)
{
	struct cs_sensor_net *e = reserve(sizeof(*e));

	if (!e)
		return NULL;
	fill_hdr(&e->h, kind, sizeof(*e));
	e->h.syscall = p->syscall;
	e->h.ret = ret;
	e->fd = p->fd;
	e->family = 0;
	e->addr_len = 0;
	e->backlog = 0;
	e->lport = 0;
	e->lfamily = 0;
	e->l4proto = 0;
	e->pad = 0;
	__builtin_memset(e->laddr, 0, sizeof(e->laddr));
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	return e;
}

static __always_inline int sockaddr_exit_as(long ret, __u32 kind, bool with_sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&inflight, &tid);
	struct cs_sensor_net *e;

	if (!p)
		return 0;
	e = net_begin(p, ret, kind);
	if (e) {
		__u32 n = p->len;

		if (n > CS_SENSOR_ADDR_LEN)
			n = CS_SENSOR_ADDR_LEN;
		__builtin_memcpy(e->addr, p->addr, sizeof(e->addr));
		e->addr_len = n;
		if (n >= 2)
			e->family = *(__u16 *)e->addr;
		/* the local end after the call: connect's chosen one, bind's port */
		if (ret == 0 || (kind == CS_SENSOR_CONNECT && ret == -115 /* EINPROGRESS */))
			net_sock(e, p->fd, with_sk);
		submit(e);
	}
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

static __always_inline int sockaddr_exit(long ret, __u32 kind)
{
	return sockaddr_exit_as(ret, kind, false);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	return sockaddr_enter(CS_SYS_CONNECT, ctx->args[0], (void *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	return sockaddr_exit(ctx->ret, CS_SENSOR_CONNECT);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int connect_exit_sk(struct trace_event_raw_sys_exit *ctx)
{
	return sockaddr_exit_as(ctx->ret, CS_SENSOR_CONNECT, true);
}

SEC("tracepoint/syscalls/sys_enter_bind")
int bind_enter(struct trace_event_raw_sys_enter *ctx)
{
	return sockaddr_enter(CS_SYS_BIND, ctx->args[0], (void *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	return sockaddr_exit(ctx->ret, CS_SENSOR_BIND);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int bind_exit_sk(struct trace_event_raw_sys_exit *ctx)
{
	return sockaddr_exit_as(ctx->ret, CS_SENSOR_BIND, true);
}

static __always_inline int accept_enter(__u32 sys, struct trace_event_raw_sys_enter *ctx)
{
	struct pending *p = slot_new(sys);

	if (p) {
		p->fd = ctx->args[0];
		p->uaddr = ctx->args[1]; /* filled by the kernel: read at exit */
		p->ualen = ctx->args[2];
		p->len = 0;
	}
	return 0;
}

static __always_inline int accept_exit_as(long ret, bool with_sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&inflight, &tid);
	struct cs_sensor_net *e;

	if (!p)
		return 0;
	e = net_begin(p, ret, CS_SENSOR_ACCEPT);
	if (e) {
		int alen = 0;

		if (ret >= 0 && p->uaddr && p->ualen &&
		    bpf_probe_read_user(&alen, sizeof(alen), (void *)p->ualen) == 0 && alen > 0) {
			__u64 n = (__u32)alen;

			CLAMP(n, CS_SENSOR_ADDR_LEN);
			if (bpf_probe_read_user(e->addr, n, (void *)p->uaddr) == 0) {
				e->addr_len = n;
				if (n >= 2)
					e->family = *(__u16 *)e->addr;
			}
		}
		if (with_sk && ret >= 0) {
			/* the new socket: our (the server's) end, and the peer
			 * from the kernel when the caller passed no buffer */
			struct sock *sk = fd_sock(ret);

			if (sk) {
				sock_local(e, sk);
				if (!e->addr_len)
					sock_peer(e, sk);
			}
		}
		submit(e);
	}
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

static __always_inline int accept_exit(long ret)
{
	return accept_exit_as(ret, false);
}

SEC("tracepoint/syscalls/sys_enter_accept")
int accept_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	return accept_enter(CS_SYS_ACCEPT, ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit_sk(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit_as(ctx->ret, true);
}

SEC("tracepoint/syscalls/sys_enter_accept4")
int accept4_enter(struct trace_event_raw_sys_enter *ctx)
{
	return accept_enter(CS_SYS_ACCEPT4, ctx);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit_sk(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit_as(ctx->ret, true);
}

SEC("tracepoint/syscalls/sys_enter_listen")
int listen_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct pending *p = slot_new(CS_SYS_LISTEN);

	if (p) {
		p->fd = ctx->args[0];
		p->backlog = ctx->args[1];
		p->len = 0;
	}
	return 0;
}

static __always_inline int listen_exit_as(long ret, bool with_sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&inflight, &tid);
	struct cs_sensor_net *e;

	if (!p)
		return 0;
	e = net_begin(p, ret, CS_SENSOR_LISTEN);
	if (e) {
		e->backlog = p->backlog;
		net_sock(e, p->fd, with_sk); /* the address it listens on */
		submit(e);
	}
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_listen")
int listen_exit(struct trace_event_raw_sys_exit *ctx)
{
	return listen_exit_as(ctx->ret, false);
}

SEC("tracepoint/syscalls/sys_exit_listen")
int listen_exit_sk(struct trace_event_raw_sys_exit *ctx)
{
	return listen_exit_as(ctx->ret, true);
}

/* --- every other syscall: raw arguments, up to two user strings --- */

static __always_inline void read_ustr(char *dst, __u32 *len, __u64 uptr)
{
	long n;

	*len = 0;
	if (!uptr)
		return;
	n = bpf_probe_read_user_str(dst, CS_SENSOR_PATH_LEN, (const void *)uptr);
	*len = n > 0 ? n : 0;
}

/* s1, s2: which argument is a string to copy (-1: none); constants after inlining */
static __always_inline int sys_enter(struct trace_event_raw_sys_enter *ctx, __u32 sys, int nargs,
				     int s1, int s2)
{
	struct pending *p = slot_new(sys);

	if (!p)
		return 0;
	/*
	 * constant offsets only (the verifier refuses a variable ctx offset),
	 * and only the arguments the syscall has: attaching a program that
	 * reads past its tracepoint's record is refused
	 */
	p->args[0] = ctx->args[0];
	if (nargs > 1)
		p->args[1] = ctx->args[1];
	if (nargs > 2)
		p->args[2] = ctx->args[2];
	if (nargs > 3)
		p->args[3] = ctx->args[3];
	if (nargs > 4)
		p->args[4] = ctx->args[4];
	p->len = 0;
	p->len2 = 0;
	if (s1 >= 0 && s1 < nargs)
		read_ustr(p->path, &p->len, p->args[s1]);
	if (s2 >= 0 && s2 < nargs)
		read_ustr(p->path2, &p->len2, p->args[s2]);
	return 0;
}

static __always_inline int sys_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&inflight, &tid);
	struct cs_sensor_sys *e;

	if (!p)
		return 0;
	if (p->syscall < CS_SYS_UNLINK || p->syscall >= CS_SYS_MAX) {
		/* a slot left by another syscall (its exit was never seen) */
		bpf_map_delete_elem(&inflight, &tid);
		return 0;
	}
	e = reserve(sizeof(*e));
	if (e) {
		fill_hdr(&e->h, CS_SENSOR_SYS, sizeof(*e));
		e->h.syscall = p->syscall;
		e->h.ret = ret;
		for (int i = 0; i < 6; i++)
			e->args[i] = p->args[i];
		e->len1 = p->len;
		e->len2 = p->len2;
		__builtin_memcpy(e->str1, p->path, sizeof(e->str1));
		__builtin_memcpy(e->str2, p->path2, sizeof(e->str2));
		submit(e);
	}
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

#define SYS_HOOK(name, id, nargs, s1, s2)                           \
	SEC("tracepoint/syscalls/sys_enter_" #name)                 \
	int name##_sys_enter(struct trace_event_raw_sys_enter *ctx) \
	{                                                           \
		return sys_enter(ctx, id, nargs, s1, s2);           \
	}                                                           \
	SEC("tracepoint/syscalls/sys_exit_" #name)                  \
	int name##_sys_exit(struct trace_event_raw_sys_exit *ctx)   \
	{                                                           \
		return sys_exit(ctx->ret);                          \
	}

SYS_HOOK(unlink, CS_SYS_UNLINK, 1, 0, -1)
SYS_HOOK(unlinkat, CS_SYS_UNLINKAT, 3, 1, -1)
SYS_HOOK(rename, CS_SYS_RENAME, 2, 0, 1)
SYS_HOOK(renameat, CS_SYS_RENAMEAT, 4, 1, 3)
SYS_HOOK(renameat2, CS_SYS_RENAMEAT2, 5, 1, 3)
SYS_HOOK(chmod, CS_SYS_CHMOD, 2, 0, -1)
SYS_HOOK(fchmod, CS_SYS_FCHMOD, 2, -1, -1)
SYS_HOOK(fchmodat, CS_SYS_FCHMODAT, 3, 1, -1)
SYS_HOOK(mkdir, CS_SYS_MKDIR, 2, 0, -1)
SYS_HOOK(mkdirat, CS_SYS_MKDIRAT, 3, 1, -1)
SYS_HOOK(symlink, CS_SYS_SYMLINK, 2, 0, 1)
SYS_HOOK(symlinkat, CS_SYS_SYMLINKAT, 3, 0, 2)
SYS_HOOK(link, CS_SYS_LINK, 2, 0, 1)
SYS_HOOK(linkat, CS_SYS_LINKAT, 5, 1, 3)
SYS_HOOK(ptrace, CS_SYS_PTRACE, 4, -1, -1)
SYS_HOOK(memfd_create, CS_SYS_MEMFD_CREATE, 2, 0, -1)
SYS_HOOK(mount, CS_SYS_MOUNT, 5, 0, 1)
SYS_HOOK(umount, CS_SYS_UMOUNT2, 2, 0, -1)
SYS_HOOK(bpf, CS_SYS_BPF, 3, -1, -1)
SYS_HOOK(init_module, CS_SYS_INIT_MODULE, 3, 2, -1)
SYS_HOOK(finit_module, CS_SYS_FINIT_MODULE, 3, 1, -1)
SYS_HOOK(setns, CS_SYS_SETNS, 2, -1, -1)
SYS_HOOK(unshare, CS_SYS_UNSHARE, 1, -1, -1)
SYS_HOOK(setuid, CS_SYS_SETUID, 1, -1, -1)
SYS_HOOK(setgid, CS_SYS_SETGID, 1, -1, -1)
SYS_HOOK(setreuid, CS_SYS_SETREUID, 2, -1, -1)
SYS_HOOK(setregid, CS_SYS_SETREGID, 2, -1, -1)
SYS_HOOK(setresuid, CS_SYS_SETRESUID, 3, -1, -1)
SYS_HOOK(setresgid, CS_SYS_SETRESGID, 3, -1, -1)
SYS_HOOK(capset, CS_SYS_CAPSET, 2, -1, -1)
SYS_HOOK(socket, CS_SYS_SOCKET, 3, -1, -1)
SYS_HOOK(dup, CS_SYS_DUP, 1, -1, -1)
SYS_HOOK(dup2, CS_SYS_DUP2, 2, -1, -1)
SYS_HOOK(dup3, CS_SYS_DUP3, 3, -1, -1)

/*
 * --- fentry/fexit flavours ---
 *
 * The kernel functions behind the same events, preferred by the loader's
 * attach table where the kernel allows them (kernel lockdown refuses them
 * with EPERM; the loader then falls back to tp_btf and tracepoints). Each
 * fills its record with the same code as its tracepoint flavour, so events
 * are identical whichever set is active. All are autoload-off until the
 * loader's probe has loaded them alone.
 */

/* after a successful exec: the new mm, its args and exe file are in place */
SEC("fexit/bprm_execve")
int BPF_PROG(exec_fexit, struct linux_binprm *bprm, int ret)
{
	struct task_struct *task;

	if (ret != 0)
		return 0;
	task = bpf_get_current_task_btf();
	return on_exec(task, task->mm->exe_file);
}

/* the child of a fork, just before it first runs (current is the parent) */
SEC("fentry/wake_up_new_task")
int BPF_PROG(fork_fentry, struct task_struct *p)
{
	return on_fork(p->tgid, p->pid);
}

/*
 * connect and bind: arguments, result and the socket's local end in one
 * program (bpf_rdonly_cast: where the kfunc is missing the probe refuses
 * them and the socket-reading tracepoints or the plain ones take over)
 */
SEC("fexit/__sys_connect")
int BPF_PROG(connect_fexit, int fd, struct sockaddr *uaddr, int addrlen, int ret)
{
	sockaddr_enter(CS_SYS_CONNECT, fd, uaddr, addrlen);
	return sockaddr_exit_as(ret, CS_SENSOR_CONNECT, true); /* and the socket */
}

SEC("fexit/__sys_bind")
int BPF_PROG(bind_fexit, int fd, struct sockaddr *uaddr, int addrlen, int ret)
{
	sockaddr_enter(CS_SYS_BIND, fd, uaddr, addrlen);
	return sockaddr_exit_as(ret, CS_SENSOR_BIND, true); /* and the socket */
}

/*
 * --- BPF-LSM flavours ---
 *
 * LSM hooks see the kernel's own view: connect's and bind's address as the
 * kernel copied it (what a user buffer changed after the entry tracepoint
 * read it cannot fool), and module loads, which have no tracepoint on some
 * kernels. They add to the syscall's in-flight slot, which the sys_exit
 * tracepoint completes with the result, so failed calls are still known.
 * They never deny: every one returns 0. The loader probes each alone and,
 * where the kernel refuses BPF-LSM (as under lockdown), keeps the
 * tracepoint flavours. The sockaddr is read through bpf_rdonly_cast (its
 * BTF type is the 16-byte struct sockaddr, too short for IPv6).
 */
static __always_inline int lsm_sockaddr(__u32 sys, struct sockaddr *a, int alen)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *p = bpf_map_lookup_elem(&inflight, &tid);
	__u16 fam;

	if (!p || p->syscall != sys || !a)
		return 0;
	fam = a->sa_family;
	if (fam == AF_INET && alen >= (int)sizeof(struct sockaddr_in)) {
		struct sockaddr_in *in =
			bpf_rdonly_cast(a, bpf_core_type_id_kernel(struct sockaddr_in));
		struct sockaddr_in k = {};

		k.sin_family = AF_INET;
		k.sin_port = in->sin_port;
		k.sin_addr.s_addr = in->sin_addr.s_addr;
		__builtin_memcpy(p->addr, &k, sizeof(k));
		p->len = sizeof(k);
	} else if (fam == AF_INET6 && alen >= (int)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *in =
			bpf_rdonly_cast(a, bpf_core_type_id_kernel(struct sockaddr_in6));
		struct sockaddr_in6 k = {};

		k.sin6_family = AF_INET6;
		k.sin6_port = in->sin6_port;
		k.sin6_flowinfo = in->sin6_flowinfo;
		k.sin6_addr.in6_u.u6_addr32[0] = in->sin6_addr.in6_u.u6_addr32[0];
		k.sin6_addr.in6_u.u6_addr32[1] = in->sin6_addr.in6_u.u6_addr32[1];
		k.sin6_addr.in6_u.u6_addr32[2] = in->sin6_addr.in6_u.u6_addr32[2];
		k.sin6_addr.in6_u.u6_addr32[3] = in->sin6_addr.in6_u.u6_addr32[3];
		k.sin6_scope_id = in->sin6_scope_id;
		__builtin_memcpy(p->addr, &k, sizeof(k));
		p->len = sizeof(k);
	}
	/* other families (AF_UNIX) keep the entry tracepoint's copy */
	return 0;
}

SEC("lsm/socket_connect")
int BPF_PROG(connect_lsm, struct socket *sock, struct sockaddr *address, int addrlen)
{
	return lsm_sockaddr(CS_SYS_CONNECT, address, addrlen);
}

SEC("lsm/socket_bind")
int BPF_PROG(bind_lsm, struct socket *sock, struct sockaddr *address, int addrlen)
{
	return lsm_sockaddr(CS_SYS_BIND, address, addrlen);
}

/*
 * A module load, seen by the LSM hook before the load: where the syscall
 * has its tracepoints the pair reports it (the slot exists) and this adds
 * nothing; where it has none (init_module/finit_module on kernels without
 * their syscall tracepoints) this is the only record: the attempt, ret 0,
 * its arguments unknown (finit_module's fd -1).
 */
static __always_inline int lsm_module(__u32 sys)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct cs_sensor_sys *e;

	if (bpf_map_lookup_elem(&inflight, &tid) || !wanted())
		return 0;
	e = reserve(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->h, CS_SENSOR_SYS, sizeof(*e));
	e->h.syscall = sys;
	e->h.ret = 0;
	for (int i = 0; i < 6; i++)
		e->args[i] = 0;
	if (sys == CS_SYS_FINIT_MODULE)
		e->args[0] = -1;
	e->len1 = 0;
	e->len2 = 0;
	__builtin_memset(e->str1, 0, sizeof(e->str1));
	__builtin_memset(e->str2, 0, sizeof(e->str2));
	submit(e);
	return 0;
}

SEC("lsm/kernel_read_file")
int BPF_PROG(finit_module_lsm, struct file *file, enum kernel_read_file_id id, bool contents)
{
	if (id == READING_MODULE)
		lsm_module(CS_SYS_FINIT_MODULE);
	return 0;
}

SEC("lsm/kernel_load_data")
int BPF_PROG(init_module_lsm, enum kernel_load_data_id id, bool contents)
{
	if (id == LOADING_MODULE)
		lsm_module(CS_SYS_INIT_MODULE);
	return 0;
}
