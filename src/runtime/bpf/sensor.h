/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The records the eBPF sensor (sensor.bpf.c) puts on its ring buffer, shared
 * with user space (runtime/sensor.c). Fixed-width types only: the same bytes
 * are read by a BPF program compiled for the bpf target and by the loader.
 * User space treats every record as hostile input: it checks the kind and
 * the size before any cast and never trusts a length or a NUL inside.
 */
#pragma once

#ifndef __VMLINUX_H__
#include <linux/types.h> /* __u32, __u64... as the kernel spells them */
#endif

#define CS_SENSOR_COMM_LEN 16
#define CS_SENSOR_PATH_LEN 256 /* exec filename, open path */
#define CS_SENSOR_ARGS_LEN 512 /* argv, NUL-separated, from the new mm's arg area */
#define CS_SENSOR_ADDR_LEN 112 /* a sockaddr_un fits (110) */

enum cs_sensor_kind {
	CS_SENSOR_EXEC = 1,
	CS_SENSOR_EXIT = 2,
	CS_SENSOR_FORK = 3,
	CS_SENSOR_OPEN = 4,
	CS_SENSOR_CONNECT = 5,
	CS_SENSOR_ACCEPT = 6,
	CS_SENSOR_BIND = 7,
	CS_SENSOR_LISTEN = 8,
	CS_SENSOR_SYS = 9, /* any other syscall: struct cs_sensor_sys */
	CS_SENSOR_KIND_MAX = 9,
};

/* the syscall a file or network record came from */
enum cs_sensor_syscall {
	CS_SYS_NONE = 0,
	CS_SYS_OPEN,
	CS_SYS_OPENAT,
	CS_SYS_OPENAT2,
	CS_SYS_CREAT,
	CS_SYS_CONNECT,
	CS_SYS_ACCEPT,
	CS_SYS_ACCEPT4,
	CS_SYS_BIND,
	CS_SYS_LISTEN,
	/* struct cs_sensor_sys records; args[] are the raw syscall arguments */
	CS_SYS_UNLINK,
	CS_SYS_UNLINKAT,
	CS_SYS_RENAME,
	CS_SYS_RENAMEAT,
	CS_SYS_RENAMEAT2,
	CS_SYS_CHMOD,
	CS_SYS_FCHMOD,
	CS_SYS_FCHMODAT,
	CS_SYS_MKDIR,
	CS_SYS_MKDIRAT,
	CS_SYS_SYMLINK,
	CS_SYS_SYMLINKAT,
	CS_SYS_LINK,
	CS_SYS_LINKAT,
	CS_SYS_PTRACE,
	CS_SYS_MEMFD_CREATE,
	CS_SYS_MOUNT,
	CS_SYS_UMOUNT2,
	CS_SYS_BPF,
	CS_SYS_INIT_MODULE,
	CS_SYS_FINIT_MODULE,
	CS_SYS_SETNS,
	CS_SYS_UNSHARE,
	CS_SYS_SETUID,
	CS_SYS_SETGID,
	CS_SYS_SETREUID,
	CS_SYS_SETREGID,
	CS_SYS_SETRESUID,
	CS_SYS_SETRESGID,
	CS_SYS_CAPSET,
	CS_SYS_SOCKET,
	CS_SYS_DUP,
	CS_SYS_DUP2,
	CS_SYS_DUP3,
	CS_SYS_MAX,
};

struct cs_sensor_hdr {
	__u32 kind;	 /* enum cs_sensor_kind */
	__u32 size;	 /* of the whole record */
	__u64 ts_ns;	 /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id; /* bpf_get_current_cgroup_id(): the cgroup v2 inode */
	__u32 pid;	 /* thread group id, in the initial pid namespace */
	__u32 tid;
	__u32 ppid; /* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__u32 mntns;   /* mount namespace inode */
	__u32 pidns;   /* pid namespace inode */
	__u32 vpid;    /* tgid inside its own pid namespace */
	__u32 syscall; /* enum cs_sensor_syscall, 0 for process records */
	__s32 ret;     /* syscall result (fd, 0 or -errno) or exit code */
	__u32 tty;     /* controlling terminal (major << 20 | minor), 0 for none */
	__u32 pad0;
	char comm[CS_SENSOR_COMM_LEN];
};

struct cs_sensor_exec {
	struct cs_sensor_hdr h;
	__u64 exe_ino;	      /* inode of the executed file */
	__u32 exe_dev;	      /* its superblock's s_dev */
	__u32 filename_len;   /* bytes read into filename, NUL included when it fitted */
	__u32 args_len;	      /* bytes of args (NUL-separated) */
	__u32 args_truncated; /* the arg area was larger than CS_SENSOR_ARGS_LEN */
	__u32 exe_fs_magic;   /* s_magic of its filesystem (overlayfs: 0x794c7630) */
	__u32 exe_upper; /* overlayfs: the file has an upper-layer copy (written after start) */
	__u32 exe_memfd; /* the file is a memfd ("memfd:" dentry, no link) */
	__u32 pad1;
	char filename[CS_SENSOR_PATH_LEN];
	char args[CS_SENSOR_ARGS_LEN];
};

struct cs_sensor_exit {
	struct cs_sensor_hdr h; /* ret: the exit status as wait(2) reports it */
};

struct cs_sensor_fork {
	struct cs_sensor_hdr h; /* the parent */
	__u32 child_pid;
	__u32 child_tid;
};

struct cs_sensor_open {
	struct cs_sensor_hdr h; /* ret: the new fd or -errno */
	__s32 dirfd;		/* -100 (AT_FDCWD) for open/creat */
	__u32 flags;		/* open(2) flags */
	__u32 mode;
	__u32 path_len; /* bytes read into path, NUL included */
	char path[CS_SENSOR_PATH_LEN];
};

struct cs_sensor_net {
	struct cs_sensor_hdr h; /* ret: 0, -errno, or the new fd for accept */
	__s32 fd;		/* the socket */
	__u32 family;		/* AF_INET, AF_INET6, AF_UNIX; 0 when unknown */
	__u32 addr_len;		/* bytes of addr (a struct sockaddr_*) */
	__u32 backlog;		/* listen(2) */
	/* the remote address (connect, accept) or the local one (bind, listen) */
	__u8 addr[CS_SENSOR_ADDR_LEN];
	/*
	 * the socket's local address after the call (connect, accept, listen,
	 * bind), from the kernel's sock; lfamily 0 when not read or not bound
	 */
	__u8 laddr[16];
	__u16 lport; /* host byte order */
	__u16 lfamily;
	__u16 l4proto; /* sk_protocol: IPPROTO_TCP, IPPROTO_UDP...; 0 when unknown */
	__u16 pad;
};

/*
 * Every other syscall: its raw arguments and up to two strings read from
 * user memory at entry (which argument each string is depends on the
 * syscall: see sensor_decode.c), the result in h.ret.
 */
struct cs_sensor_sys {
	struct cs_sensor_hdr h;
	__s64 args[6];
	__u32 len1; /* bytes read into str1, NUL included; 0 when none */
	__u32 len2;
	char str1[CS_SENSOR_PATH_LEN];
	char str2[CS_SENSOR_PATH_LEN];
};

/* per-CPU counters of the sensor, read by user space */
enum cs_sensor_counter {
	CS_SENSOR_C_EVENTS = 0,
	CS_SENSOR_C_DROPS, /* ring buffer full */
	CS_SENSOR_C_FILTERED,
	CS_SENSOR_C_PREFILTERED, /* opens no loaded rule can match, dropped by the open prefilter */
	CS_SENSOR_C_MAX,
};

/*
 * The open prefilter: an LPM trie of raw path prefixes (prefixlen in bits,
 * then the bytes), each valued with the open classes that pass under it,
 * bit (flags & O_ACCMODE) | (failed ? 4 : 0). See runtime/rules.h.
 */
#define CS_SENSOR_PREFIXES_MAX 16384
struct cs_sensor_prefix_key {
	__u32 prefixlen;
	__u8 data[CS_SENSOR_PATH_LEN];
};
