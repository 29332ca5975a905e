/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event model helpers: type names, errno names, bounded string setters.
 * Nothing here allocates: producers call these on the event path.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "runtime/event.h"

static const char *const evt_names[CS_RT_EVT_COUNT] = {
	[CS_RT_EVT_UNKNOWN] = "unknown",
	[CS_RT_EVT_EXECVE] = "execve",
	[CS_RT_EVT_EXECVEAT] = "execveat",
	[CS_RT_EVT_CLONE] = "clone",
	[CS_RT_EVT_CLONE3] = "clone3",
	[CS_RT_EVT_FORK] = "fork",
	[CS_RT_EVT_VFORK] = "vfork",
	[CS_RT_EVT_PROCEXIT] = "procexit",
	[CS_RT_EVT_OPEN] = "open",
	[CS_RT_EVT_OPENAT] = "openat",
	[CS_RT_EVT_OPENAT2] = "openat2",
	[CS_RT_EVT_CREAT] = "creat",
	[CS_RT_EVT_UNLINK] = "unlink",
	[CS_RT_EVT_UNLINKAT] = "unlinkat",
	[CS_RT_EVT_RENAME] = "rename",
	[CS_RT_EVT_RENAMEAT] = "renameat",
	[CS_RT_EVT_RENAMEAT2] = "renameat2",
	[CS_RT_EVT_CHMOD] = "chmod",
	[CS_RT_EVT_FCHMOD] = "fchmod",
	[CS_RT_EVT_FCHMODAT] = "fchmodat",
	[CS_RT_EVT_MKDIR] = "mkdir",
	[CS_RT_EVT_MKDIRAT] = "mkdirat",
	[CS_RT_EVT_RMDIR] = "rmdir",
	[CS_RT_EVT_SYMLINK] = "symlink",
	[CS_RT_EVT_SYMLINKAT] = "symlinkat",
	[CS_RT_EVT_LINK] = "link",
	[CS_RT_EVT_LINKAT] = "linkat",
	[CS_RT_EVT_CHDIR] = "chdir",
	[CS_RT_EVT_DUP] = "dup",
	[CS_RT_EVT_DUP2] = "dup2",
	[CS_RT_EVT_DUP3] = "dup3",
	[CS_RT_EVT_SOCKET] = "socket",
	[CS_RT_EVT_CONNECT] = "connect",
	[CS_RT_EVT_ACCEPT] = "accept",
	[CS_RT_EVT_ACCEPT4] = "accept4",
	[CS_RT_EVT_BIND] = "bind",
	[CS_RT_EVT_LISTEN] = "listen",
	[CS_RT_EVT_SENDTO] = "sendto",
	[CS_RT_EVT_RECVFROM] = "recvfrom",
	[CS_RT_EVT_SETUID] = "setuid",
	[CS_RT_EVT_SETGID] = "setgid",
	[CS_RT_EVT_SETREUID] = "setreuid",
	[CS_RT_EVT_SETREGID] = "setregid",
	[CS_RT_EVT_SETRESUID] = "setresuid",
	[CS_RT_EVT_SETRESGID] = "setresgid",
	[CS_RT_EVT_CAPSET] = "capset",
	[CS_RT_EVT_PTRACE] = "ptrace",
	[CS_RT_EVT_MOUNT] = "mount",
	[CS_RT_EVT_UMOUNT2] = "umount2",
	[CS_RT_EVT_BPF] = "bpf",
	[CS_RT_EVT_INIT_MODULE] = "init_module",
	[CS_RT_EVT_FINIT_MODULE] = "finit_module",
	[CS_RT_EVT_DELETE_MODULE] = "delete_module",
	[CS_RT_EVT_SETNS] = "setns",
	[CS_RT_EVT_UNSHARE] = "unshare",
	[CS_RT_EVT_MEMFD_CREATE] = "memfd_create",
	[CS_RT_EVT_USERFAULTFD] = "userfaultfd",
	[CS_RT_EVT_PRCTL] = "prctl",
	[CS_RT_EVT_MPROTECT] = "mprotect",
	[CS_RT_EVT_MMAP] = "mmap",
	[CS_RT_EVT_KILL] = "kill",
	[CS_RT_EVT_IOCTL] = "ioctl",
	[CS_RT_EVT_PIVOT_ROOT] = "pivot_root",
	[CS_RT_EVT_CHROOT] = "chroot",
	[CS_RT_EVT_SETSID] = "setsid",
	[CS_RT_EVT_SETPGID] = "setpgid",
	[CS_RT_EVT_TRUNCATE] = "truncate",
	[CS_RT_EVT_FTRUNCATE] = "ftruncate",
	[CS_RT_EVT_READ] = "read",
	[CS_RT_EVT_WRITE] = "write",
};

const char *cs_rt_evt_type_name(enum cs_rt_evt_type t)
{
	if ((unsigned)t >= CS_RT_EVT_COUNT || !evt_names[t])
		return "unknown";
	return evt_names[t];
}

enum cs_rt_evt_type cs_rt_evt_type_from_name(const char *name, size_t len)
{
	for (unsigned i = 1; i < CS_RT_EVT_COUNT; i++)
		if (evt_names[i] && strlen(evt_names[i]) == len && !memcmp(evt_names[i], name, len))
			return (enum cs_rt_evt_type)i;
	return CS_RT_EVT_UNKNOWN;
}

/* What "nothing known" is other than zero, after the event was cleared. */
static void set_unknown(struct cs_rt_event *e)
{
	e->proc.uid = e->proc.gid = e->proc.loginuid = UINT32_MAX;
	e->fd.num = -1;
	memcpy(e->container.id, "host", 5);
	memcpy(e->container.name, "host", 5);
}

void cs_rt_event_init(struct cs_rt_event *e)
{
	memset(e, 0, sizeof(*e));
	set_unknown(e);
}

/*
 * The big arrays cs_rt_event_reset does not clear: a string gets only its
 * first byte zeroed; the others are read only up to a length or count that
 * the reset zeroes. In struct order (an entry out of order is still correct:
 * it is cleared with the bytes before the next one, only slower).
 */
#define KEEP(m, str)                                                                       \
	{                                                                                  \
		offsetof(struct cs_rt_event, m), sizeof(((struct cs_rt_event *)0)->m), str \
	}
static const struct {
	size_t off, size;
	bool str;
} kept[] = {
	KEEP(proc.exe, true),
	KEEP(proc.exepath, true),
	KEEP(proc.cwd, true),
	KEEP(proc.args, false),
	KEEP(proc.pargs, false),
	KEEP(proc.vpgid_exe, true),
	KEEP(proc.homedir, true),
	KEEP(proc.shell, true),
	KEEP(proc.ancestors, false),
	KEEP(fd.name, true),
	KEEP(fd.nameraw, true),
	KEEP(fd.unix_path, true),
	KEEP(arg.path, true),
	KEEP(arg.path1, true),
	KEEP(arg.path2, true),
	KEEP(container.image, true),
	KEEP(container.repository, true),
	KEEP(container.labels, false),
	KEEP(filled, false), /* it describes the ancestors, kept too */
};

void cs_rt_event_reset(struct cs_rt_event *e)
{
	char *b = (char *)e;
	size_t at = 0;

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (kept[i].off < at)
			continue; /* out of order: already cleared */
		memset(b + at, 0, kept[i].off - at);
		if (kept[i].str)
			b[kept[i].off] = '\0';
		at = kept[i].off + kept[i].size;
	}
	memset(b + at, 0, sizeof(*e) - at);
	set_unknown(e);
}

void cs_rt_container_set_host(struct cs_rt_container *c)
{
	memcpy(c->id, "host", 5);
	memcpy(c->name, "host", 5);
	c->full_id[0] = c->image[0] = c->repository[0] = c->tag[0] = '\0';
	c->digest[0] = c->image_id[0] = '\0';
	c->privileged = false;
	c->start_ns = 0;
	c->labels_len = 0;
}

bool cs_rt_strset(char *dst, size_t cap, const char *src, size_t len)
{
	bool whole = len < cap;
	if (cap == 0)
		return false;
	if (!whole)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return whole;
}

static bool add_nul_sep(char *buf, size_t cap, uint16_t *used, uint16_t *count, const char *s,
			size_t len)
{
	if ((size_t)*used + len + 1 > cap)
		return false;
	memcpy(buf + *used, s, len);
	buf[*used + len] = '\0';
	*used = (uint16_t)(*used + len + 1);
	(*count)++;
	return true;
}

bool cs_rt_event_add_arg(struct cs_rt_event *e, const char *arg, size_t len)
{
	if (memchr(arg, '\0', len))
		len = strnlen(arg, len);
	if (add_nul_sep(e->proc.args, sizeof(e->proc.args), &e->proc.args_len, &e->proc.argc, arg,
			len))
		return true;
	e->truncated |= CS_RT_TRUNC_ARGS;
	return false;
}

bool cs_rt_event_add_parg(struct cs_rt_event *e, const char *arg, size_t len)
{
	if (memchr(arg, '\0', len))
		len = strnlen(arg, len);
	if (add_nul_sep(e->proc.pargs, sizeof(e->proc.pargs), &e->proc.pargs_len, &e->proc.pargc,
			arg, len))
		return true;
	e->truncated |= CS_RT_TRUNC_ARGS;
	return false;
}

bool cs_rt_event_add_label(struct cs_rt_event *e, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);
	size_t need = kl + 1 + vl + 1;
	struct cs_rt_container *c = &e->container;
	if (memchr(key, '=', kl) || (size_t)c->labels_len + need > sizeof(c->labels))
		return false;
	memcpy(c->labels + c->labels_len, key, kl);
	c->labels[c->labels_len + kl] = '=';
	memcpy(c->labels + c->labels_len + kl + 1, value, vl);
	c->labels[c->labels_len + kl + 1 + vl] = '\0';
	c->labels_len = (uint16_t)(c->labels_len + need);
	return true;
}

static const struct {
	int num;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },
	{ ENOEXEC, "ENOEXEC" },
	{ EBADF, "EBADF" },
	{ ECHILD, "ECHILD" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" },
	{ EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" },
	{ EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" },
	{ EFBIG, "EFBIG" },
	{ ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" },
	{ EROFS, "EROFS" },
	{ EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" },
	{ ENOTEMPTY, "ENOTEMPTY" },
	{ ELOOP, "ELOOP" },
	{ ENOTSOCK, "ENOTSOCK" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETUNREACH, "ENETUNREACH" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTUNREACH, "EHOSTUNREACH" },
	{ EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ECONNRESET, "ECONNRESET" },
	{ EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EISCONN, "EISCONN" },
	{ ENOTCONN, "ENOTCONN" },
};

const char *cs_rt_errno_name(int64_t res)
{
	if (res >= 0)
		return "SUCCESS";
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].num == -res)
			return errnames[i].name;
	return "EUNKNOWN";
}

int cs_rt_errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].num;
	return 0;
}
