/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime event model: one syscall-level event with the context of the
 * process, file descriptor, network endpoint and container that produced it.
 * The sensor fills it, the JSON reader (event_json.c) fills it from recorded
 * events, and the rule engine (rules.h) evaluates Falco conditions on it.
 *
 * Every string is a fixed, NUL-terminated array: producing or evaluating an
 * event allocates nothing. Strings longer than their array are truncated (the
 * producer sets CS_RT_TRUNC_* in `truncated`). An empty string means "not
 * known"; each numeric field that may be unknown has a bit in `have`.
 *
 * Field names in comments are Falco's (https://falco.org/docs/reference/rules/
 * supported-fields/); the JSON form of an event uses exactly those names.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* evt.type: the syscalls (and pseudo-events) the sensor reports. */
enum cs_rt_evt_type {
	CS_RT_EVT_UNKNOWN = 0,
	/* process */
	CS_RT_EVT_EXECVE,
	CS_RT_EVT_EXECVEAT,
	CS_RT_EVT_CLONE,
	CS_RT_EVT_CLONE3,
	CS_RT_EVT_FORK,
	CS_RT_EVT_VFORK,
	CS_RT_EVT_PROCEXIT, /* sched_process_exit */
	/* files */
	CS_RT_EVT_OPEN,
	CS_RT_EVT_OPENAT,
	CS_RT_EVT_OPENAT2,
	CS_RT_EVT_CREAT,
	CS_RT_EVT_UNLINK,
	CS_RT_EVT_UNLINKAT,
	CS_RT_EVT_RENAME,
	CS_RT_EVT_RENAMEAT,
	CS_RT_EVT_RENAMEAT2,
	CS_RT_EVT_CHMOD,
	CS_RT_EVT_FCHMOD,
	CS_RT_EVT_FCHMODAT,
	CS_RT_EVT_MKDIR,
	CS_RT_EVT_MKDIRAT,
	CS_RT_EVT_RMDIR,
	CS_RT_EVT_SYMLINK,
	CS_RT_EVT_SYMLINKAT,
	CS_RT_EVT_LINK,
	CS_RT_EVT_LINKAT,
	CS_RT_EVT_CHDIR,
	CS_RT_EVT_DUP,
	CS_RT_EVT_DUP2,
	CS_RT_EVT_DUP3,
	/* network */
	CS_RT_EVT_SOCKET,
	CS_RT_EVT_CONNECT,
	CS_RT_EVT_ACCEPT,
	CS_RT_EVT_ACCEPT4,
	CS_RT_EVT_BIND,
	CS_RT_EVT_LISTEN,
	CS_RT_EVT_SENDTO,
	CS_RT_EVT_RECVFROM,
	/* privileges and escapes */
	CS_RT_EVT_SETUID,
	CS_RT_EVT_SETGID,
	CS_RT_EVT_SETREUID,
	CS_RT_EVT_SETREGID,
	CS_RT_EVT_SETRESUID,
	CS_RT_EVT_SETRESGID,
	CS_RT_EVT_CAPSET,
	CS_RT_EVT_PTRACE,
	CS_RT_EVT_MOUNT,
	CS_RT_EVT_UMOUNT2,
	CS_RT_EVT_BPF,
	CS_RT_EVT_INIT_MODULE,
	CS_RT_EVT_FINIT_MODULE,
	CS_RT_EVT_DELETE_MODULE,
	CS_RT_EVT_SETNS,
	CS_RT_EVT_UNSHARE,
	CS_RT_EVT_MEMFD_CREATE,
	CS_RT_EVT_USERFAULTFD,
	CS_RT_EVT_PRCTL,
	CS_RT_EVT_MPROTECT,
	CS_RT_EVT_MMAP,
	CS_RT_EVT_KILL,
	CS_RT_EVT_IOCTL,
	CS_RT_EVT_PIVOT_ROOT,
	CS_RT_EVT_CHROOT,
	CS_RT_EVT_SETSID,
	CS_RT_EVT_SETPGID,
	CS_RT_EVT_TRUNCATE,
	CS_RT_EVT_FTRUNCATE,
	CS_RT_EVT_READ,
	CS_RT_EVT_WRITE,
	CS_RT_EVT_COUNT
};

/* The Falco name of t ("execve", "procexit"); "unknown" when out of range. */
const char *cs_rt_evt_type_name(enum cs_rt_evt_type t);
/* CS_RT_EVT_UNKNOWN when name is not a type customs knows. */
enum cs_rt_evt_type cs_rt_evt_type_from_name(const char *name, size_t len);

#define CS_RT_NAME_MAX	  64   /* proc.name, user.name, container.name ... */
#define CS_RT_PATH_MAX	  1024 /* fd.name, proc.exepath, proc.cwd ... */
#define CS_RT_ARGS_MAX	  1024 /* proc.args, NUL-separated */
#define CS_RT_ANCESTORS	  8    /* proc.aname[1..8]; [1] is the parent */
#define CS_RT_ID_MAX	  72   /* a full 64-hex container id, "host" */
#define CS_RT_IMAGE_MAX	  256
#define CS_RT_DIGEST_MAX  80   /* sha256:<64 hex> */
#define CS_RT_LABELS_MAX  1024 /* container.label: k=v pairs, NUL-separated */
#define CS_RT_ERRNAME_MAX 24   /* evt.res: "SUCCESS", "ENOENT" */
#define CS_RT_ADDR_MAX	  48   /* textual IPv4/IPv6 address */

/* fd.type / fd.typechar */
enum cs_rt_fd_type {
	CS_RT_FD_NONE = 0,
	CS_RT_FD_FILE,	      /* 'f' file */
	CS_RT_FD_DIRECTORY,   /* 'd' directory */
	CS_RT_FD_IPV4,	      /* '4' ipv4 */
	CS_RT_FD_IPV6,	      /* '6' ipv6 */
	CS_RT_FD_UNIX,	      /* 'u' unix */
	CS_RT_FD_PIPE,	      /* 'p' pipe */
	CS_RT_FD_EVENT,	      /* 'e' event */
	CS_RT_FD_SIGNALFD,    /* 's' signalfd */
	CS_RT_FD_EVENTPOLL,   /* 'l' eventpoll */
	CS_RT_FD_INOTIFY,     /* 'i' inotify */
	CS_RT_FD_TIMERFD,     /* 't' timerfd */
	CS_RT_FD_NETLINK,     /* 'n' netlink */
	CS_RT_FD_MEMFD,	      /* 'm' memfd */
	CS_RT_FD_BPF,	      /* 'b' bpf */
	CS_RT_FD_USERFAULTFD, /* 'u' userfaultfd */
	CS_RT_FD_IO_URING,    /* 'r' io_uring */
	CS_RT_FD_PACKET,      /* packet socket (fd.type "ipv4"-less raw) */
	CS_RT_FD_TYPE_COUNT
};

/* bits of cs_rt_event.have: numeric fields that are known */
enum {
	CS_RT_HAVE_RES = 1u << 0,	       /* evt.rawres / evt.res */
	CS_RT_HAVE_FD = 1u << 1,	       /* fd.num, fd.type */
	CS_RT_HAVE_LOGINUID = 1u << 2,	       /* user.loginuid */
	CS_RT_HAVE_CAPS = 1u << 3,	       /* thread.cap_* */
	CS_RT_HAVE_TTY = 1u << 4,	       /* proc.tty */
	CS_RT_HAVE_EXE_FLAGS = 1u << 5,	       /* proc.is_exe_*, execve flags */
	CS_RT_HAVE_OPEN_FLAGS = 1u << 6,       /* evt.arg.flags of open* */
	CS_RT_HAVE_PROC_START = 1u << 7,       /* proc.duration */
	CS_RT_HAVE_PPROC_START = 1u << 8,      /* proc.ppid.duration */
	CS_RT_HAVE_EXE_INO = 1u << 9,	       /* proc.exe_ino.* */
	CS_RT_HAVE_REQUEST = 1u << 10,	       /* evt.arg.request (ptrace) */
	CS_RT_HAVE_DOMAIN = 1u << 11,	       /* evt.arg.domain, type, proto (socket) */
	CS_RT_HAVE_NET = 1u << 12,	       /* fd.cip, fd.sip, fd.cport, fd.sport */
	CS_RT_HAVE_CONTAINER_PRIV = 1u << 13,  /* container.privileged */
	CS_RT_HAVE_FD_CONNECTED = 1u << 14,    /* fd.connected */
	CS_RT_HAVE_FD_NAME_CHANGED = 1u << 15, /* fd.name_changed */
	CS_RT_HAVE_MODE = 1u << 16,	       /* evt.arg.mode */
	CS_RT_HAVE_VPGID = 1u << 17,	       /* proc.vpgid.* */
};

/* proc.exe flags reported with execve (evt.arg.flags of execve, Falco's PPM_EXE_*) */
enum {
	CS_RT_EXE_WRITABLE = 1u << 0,	 /* EXE_WRITABLE: the exe is writable by the user */
	CS_RT_EXE_UPPER_LAYER = 1u << 1, /* EXE_UPPER_LAYER: in an overlayfs upper layer */
	CS_RT_EXE_FROM_MEMFD = 1u << 2,	 /* EXE_FROM_MEMFD */
	CS_RT_EXE_LOWER_LAYER = 1u << 3, /* EXE_LOWER_LAYER */
};

/* bits of cs_rt_event.truncated */
enum {
	CS_RT_TRUNC_ARGS = 1u << 0,
	CS_RT_TRUNC_PATH = 1u << 1,
};

struct cs_rt_ancestor {
	int64_t pid;
	char name[CS_RT_NAME_MAX];	  /* proc.aname[N] */
	char exe[CS_RT_PATH_MAX / 4];	  /* argv[0]: proc.pexe for N=1 */
	char exepath[CS_RT_PATH_MAX / 4]; /* proc.aexepath[N] */
};

struct cs_rt_process {
	int64_t pid;		      /* proc.pid (host namespace) */
	int64_t tid;		      /* thread.tid */
	int64_t ppid;		      /* proc.ppid */
	int64_t vpid;		      /* proc.vpid, in its pid namespace */
	int64_t sid;		      /* proc.sid */
	int64_t vpgid;		      /* proc.vpgid */
	uint32_t uid, gid, loginuid;  /* user.uid, group.gid, user.loginuid (-1 unset) */
	uint32_t tty;		      /* proc.tty: 0 without a controlling terminal */
	uint64_t cap_effective;	      /* thread.cap_effective, CAP_* bits */
	uint64_t cap_permitted;	      /* thread.cap_permitted */
	uint64_t start_ns;	      /* process start, ns since the epoch */
	uint64_t pstart_ns;	      /* parent start */
	uint32_t exe_flags;	      /* CS_RT_EXE_* */
	uint64_t exe_ino;	      /* proc.exe_ino */
	uint64_t exe_ino_ctime_ns;    /* proc.exe_ino.ctime */
	uint64_t exe_ino_mtime_ns;    /* proc.exe_ino.mtime */
	char name[CS_RT_NAME_MAX];    /* proc.name (comm, or exe basename) */
	char exe[CS_RT_PATH_MAX];     /* proc.exe: argv[0] */
	char exepath[CS_RT_PATH_MAX]; /* proc.exepath: full path of the executable */
	char cwd[CS_RT_PATH_MAX];     /* proc.cwd (with a trailing '/') */
	char args[CS_RT_ARGS_MAX];    /* argv[1..], NUL-separated (proc.args) */
	uint16_t args_len;	      /* bytes used in args */
	uint16_t argc;		      /* number of args (without argv[0]) */
	char pargs[CS_RT_ARGS_MAX];   /* parent's argv[1..] (proc.pcmdline) */
	uint16_t pargs_len;
	uint16_t pargc;
	char sname[CS_RT_NAME_MAX];	    /* proc.sname: session leader's name */
	char vpgid_name[CS_RT_NAME_MAX];    /* proc.vpgid.name */
	char vpgid_exe[CS_RT_PATH_MAX / 4]; /* proc.vpgid.exe */
	char user[CS_RT_NAME_MAX];	    /* user.name */
	char loginname[CS_RT_NAME_MAX];	    /* user.loginname */
	char homedir[CS_RT_PATH_MAX / 4];   /* user.homedir */
	char shell[CS_RT_PATH_MAX / 4];	    /* user.shell */
	char group[CS_RT_NAME_MAX];	    /* group.name */
	/* ancestors[0] is the parent (proc.aname[1] = proc.pname) */
	struct cs_rt_ancestor ancestors[CS_RT_ANCESTORS];
	uint8_t n_ancestors;
};

struct cs_rt_fd {
	int64_t num;		      /* fd.num: the returned/used fd, -1 on failure */
	enum cs_rt_fd_type type;      /* fd.type */
	char name[CS_RT_PATH_MAX];    /* fd.name: resolved path or "sip:sport->dip:dport" */
	char nameraw[CS_RT_PATH_MAX]; /* fd.nameraw: path as passed to the syscall */
	/* fd.directory and fd.filename are derived from name at evaluation */
	bool connected;	   /* fd.connected */
	bool name_changed; /* fd.name_changed */
	/* network */
	uint16_t family; /* AF_INET, AF_INET6, AF_UNIX */
	uint8_t l4proto; /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 0 */
	/* Falco's client/server view: for connect the client is local, for accept the server */
	char cip[CS_RT_ADDR_MAX]; /* fd.cip: client address */
	char sip[CS_RT_ADDR_MAX]; /* fd.sip: server address */
	uint16_t cport, sport;	  /* fd.cport, fd.sport */
	bool server_is_local;	  /* fd.lip/lport = server side when true (accept, bind, listen) */
	char unix_path[CS_RT_PATH_MAX / 4]; /* AF_UNIX path */
};

struct cs_rt_container {
	char id[CS_RT_ID_MAX];		  /* container.id: 12 hex, or "host" */
	char full_id[CS_RT_ID_MAX];	  /* container.full_id */
	char name[CS_RT_NAME_MAX * 2];	  /* container.name ("host" on the host) */
	char image[CS_RT_IMAGE_MAX];	  /* container.image: repo:tag as run */
	char repository[CS_RT_IMAGE_MAX]; /* container.image.repository */
	char tag[CS_RT_NAME_MAX * 2];	  /* container.image.tag */
	char digest[CS_RT_DIGEST_MAX];	  /* container.image.digest */
	char image_id[CS_RT_ID_MAX];	  /* container.image.id */
	bool privileged;		  /* container.privileged */
	uint64_t start_ns;		  /* container.start_ts */
	char labels[CS_RT_LABELS_MAX];	  /* k=v\0k=v\0 (container.label[k]) */
	uint16_t labels_len;
};

/*
 * Event-specific arguments (evt.arg.NAME). Which members are meaningful
 * depends on type; the rule engine renders them as Falco does.
 */
struct cs_rt_args {
	uint32_t flags;		   /* open*: O_* flags; execve: CS_RT_EXE_*; mount: MS_* */
	uint32_t mode;		   /* open*, chmod*, mkdir*: mode bits */
	int64_t request;	   /* ptrace: PTRACE_* request */
	int64_t pid;		   /* ptrace, kill: target pid */
	int32_t domain;		   /* socket: AF_* */
	int32_t type;		   /* socket: SOCK_* */
	int32_t protocol;	   /* socket */
	int32_t backlog;	   /* listen */
	int64_t fd;		   /* dup*: old fd; fd of fchmod etc. */
	char path[CS_RT_PATH_MAX]; /* unlink/mkdir/chmod/...: evt.arg.path/name */
	/*
	 * rename*: oldpath/newpath; link*: oldpath/newpath; symlink*: target
	 * (the content) and linkpath (the new link); mount: dev/dir.
	 */
	char path1[CS_RT_PATH_MAX];
	char path2[CS_RT_PATH_MAX];
	char name[CS_RT_NAME_MAX]; /* memfd_create: name; init_module: params */
};

struct cs_rt_event {
	enum cs_rt_evt_type type;      /* evt.type */
	uint32_t have;		       /* CS_RT_HAVE_* */
	uint32_t truncated;	       /* CS_RT_TRUNC_* */
	uint64_t num;		       /* evt.num: sequence number */
	uint64_t ts_ns;		       /* evt.time: ns since the epoch */
	int64_t res;		       /* evt.rawres: the syscall's return value */
	uint16_t cpu;		       /* evt.cpu */
	char hostname[CS_RT_NAME_MAX]; /* evt.hostname */
	struct cs_rt_process proc;
	struct cs_rt_fd fd;
	struct cs_rt_args arg;
	struct cs_rt_container container;
	/*
	 * Not an event field (never written or read as one): the process
	 * table's note that proc.ancestors (and proc.pargs when pargs_set)
	 * hold its state gen for parent ppid, so that a reused event skips
	 * refilling them (proctable.c). Cleared by cs_rt_event_init, kept with
	 * the ancestors by cs_rt_event_reset.
	 */
	struct {
		uint64_t gen; /* 0: nothing noted */
		int64_t ppid;
		uint16_t pargs_len, pargc;
		uint8_t n_ancestors;
		bool pargs_set;
	} filled;
};

/* An open of a file: open, openat, openat2, creat. */
static inline bool cs_rt_evt_is_open(enum cs_rt_evt_type t)
{
	return t == CS_RT_EVT_OPEN || t == CS_RT_EVT_OPENAT || t == CS_RT_EVT_OPENAT2 ||
	       t == CS_RT_EVT_CREAT;
}

/* Reset e to "nothing known": container "host", uid/gid/loginuid -1. */
void cs_rt_event_init(struct cs_rt_event *e);
/*
 * c is the host: id and name "host", every other string empty and number
 * zero. Like cs_rt_event_reset, the bytes after a terminator and the
 * labels past labels_len are left as they were (readers never look there).
 */
void cs_rt_container_set_host(struct cs_rt_container *c);
/*
 * The same "nothing known" for every reader of the event, at a fraction of
 * the cost, for a producer that reuses one event per record (the sensor):
 * every number, count and length is zeroed (or set as init sets it) and
 * every string is empty, but the bytes after a long string's terminator and
 * the content of proc.args, proc.pargs, container.labels and
 * proc.ancestors (read only up to their length or count) are left as they
 * were, and so is `filled`, the process table's note of them. Readers
 * never look past a terminator, a length or n_ancestors. e must have been
 * initialised (or zeroed) once before: cs_proctable_apply reads `filled`.
 */
void cs_rt_event_reset(struct cs_rt_event *e);

/*
 * Helpers for producers: copy a string into a fixed array, truncating (and
 * returning false when truncated); append one argument to proc.args.
 */
bool cs_rt_strset(char *dst, size_t cap, const char *src, size_t len);
#define CS_RT_SET(dst, src) cs_rt_strset((dst), sizeof(dst), (src), strlen(src))
bool cs_rt_event_add_arg(struct cs_rt_event *e, const char *arg, size_t len);
bool cs_rt_event_add_parg(struct cs_rt_event *e, const char *arg, size_t len);
bool cs_rt_event_add_label(struct cs_rt_event *e, const char *key, const char *value);
/* evt.res text for a return value: "SUCCESS" for >= 0, else "ENOENT"...  */
const char *cs_rt_errno_name(int64_t res);
int cs_rt_errno_from_name(const char *name); /* 0 when unknown */
/* fd.type name ("file", "ipv4"); "" for CS_RT_FD_NONE */
const char *cs_rt_fd_type_name(enum cs_rt_fd_type t);
