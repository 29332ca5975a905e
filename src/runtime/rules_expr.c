/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fields of the condition language: the table of Falco field names customs
 * knows (supported or not), and extraction of a field's value from an event.
 * Extraction never allocates: composed strings (proc.cmdline, rendered
 * flags) are built in the caller's scratch buffer.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "runtime/rules.h"
#include "runtime/rules_internal.h"

enum fid {
	F_EVT_TYPE,
	F_EVT_RES,
	F_EVT_RAWRES,
	F_EVT_FAILED,
	F_EVT_NUM,
	F_EVT_TIME,
	F_EVT_RAWTIME,
	F_EVT_DIR,
	F_EVT_HOSTNAME,
	F_EVT_CPU,
	F_EVT_IS_OPEN_READ,
	F_EVT_IS_OPEN_WRITE,
	F_EVT_ARGS,
	F_EVT_ARG,
	F_PROC_PID,
	F_PROC_PPID,
	F_PROC_VPID,
	F_PROC_SID,
	F_PROC_VPGID,
	F_PROC_NAME,
	F_PROC_EXE,
	F_PROC_EXEPATH,
	F_PROC_PEXE,
	F_PROC_PEXEPATH,
	F_PROC_AEXE,
	F_PROC_AEXEPATH,
	F_PROC_ARGS,
	F_PROC_CMDLINE,
	F_PROC_PCMDLINE,
	F_PROC_CWD,
	F_PROC_PNAME,
	F_PROC_ANAME,
	F_PROC_APID,
	F_PROC_TTY,
	F_PROC_SNAME,
	F_PROC_VPGID_NAME,
	F_PROC_VPGID_EXE,
	F_PROC_IS_VPGID_LEADER,
	F_PROC_DURATION,
	F_PROC_PPID_DURATION,
	F_PROC_IS_EXE_WRITABLE,
	F_PROC_IS_EXE_UPPER_LAYER,
	F_PROC_IS_EXE_FROM_MEMFD,
	F_PROC_EXE_INO,
	F_PROC_EXE_INO_CTIME,
	F_PROC_EXE_INO_MTIME,
	F_PROC_EXE_INO_CTIME_DUR_PROC_START,
	F_THREAD_TID,
	F_THREAD_CAP_EFFECTIVE,
	F_THREAD_CAP_PERMITTED,
	F_USER_UID,
	F_USER_NAME,
	F_USER_LOGINUID,
	F_USER_LOGINNAME,
	F_USER_HOMEDIR,
	F_USER_SHELL,
	F_GROUP_GID,
	F_GROUP_NAME,
	F_FD_NUM,
	F_FD_TYPE,
	F_FD_TYPECHAR,
	F_FD_NAME,
	F_FD_NAMERAW,
	F_FD_DIRECTORY,
	F_FD_FILENAME,
	F_FD_CIP,
	F_FD_SIP,
	F_FD_LIP,
	F_FD_RIP,
	F_FD_IP,
	F_FD_CPORT,
	F_FD_SPORT,
	F_FD_LPORT,
	F_FD_RPORT,
	F_FD_PORT,
	F_FD_CNET,
	F_FD_SNET,
	F_FD_LNET,
	F_FD_RNET,
	F_FD_NET,
	F_FD_L4PROTO,
	F_FD_SOCKFAMILY,
	F_FD_IS_SERVER,
	F_FD_CONNECTED,
	F_FD_NAME_CHANGED,
	F_FS_PATH_NAME,
	F_FS_PATH_SOURCE,
	F_FS_PATH_TARGET,
	F_CONTAINER_ID,
	F_CONTAINER_FULL_ID,
	F_CONTAINER_NAME,
	F_CONTAINER_IMAGE,
	F_CONTAINER_IMAGE_REPOSITORY,
	F_CONTAINER_IMAGE_TAG,
	F_CONTAINER_IMAGE_DIGEST,
	F_CONTAINER_IMAGE_ID,
	F_CONTAINER_PRIVILEGED,
	F_CONTAINER_START_TS,
	F_CONTAINER_LABEL,
	F_UNSUPPORTED,
};

#define F(n, id, t)                            \
	{                                      \
		n, id, t, FA_NONE, true, false \
	}
#define FX(n, id, t, a)                  \
	{                                \
		n, id, t, a, true, false \
	}
#define FM(n, id, t, a)                 \
	{                               \
		n, id, t, a, true, true \
	}
#define U(n, t)                                            \
	{                                                  \
		n, F_UNSUPPORTED, t, FA_NONE, false, false \
	}
#define UX(n, t, a)                                  \
	{                                            \
		n, F_UNSUPPORTED, t, a, false, false \
	}

static const struct field_def fields[] = {
	F("evt.type", F_EVT_TYPE, FT_EVTTYPE),
	F("evt.res", F_EVT_RES, FT_STR),
	F("evt.rawres", F_EVT_RAWRES, FT_INT),
	F("evt.failed", F_EVT_FAILED, FT_BOOL),
	F("evt.num", F_EVT_NUM, FT_INT),
	F("evt.time", F_EVT_TIME, FT_STR),
	F("evt.rawtime", F_EVT_RAWTIME, FT_INT),
	F("evt.dir", F_EVT_DIR, FT_STR),
	F("evt.hostname", F_EVT_HOSTNAME, FT_STR),
	F("evt.cpu", F_EVT_CPU, FT_INT),
	F("evt.is_open_read", F_EVT_IS_OPEN_READ, FT_BOOL),
	F("evt.is_open_write", F_EVT_IS_OPEN_WRITE, FT_BOOL),
	F("evt.args", F_EVT_ARGS, FT_STR),
	FX("evt.arg", F_EVT_ARG, FT_STR, FA_KEY),
	F("proc.pid", F_PROC_PID, FT_INT),
	F("proc.ppid", F_PROC_PPID, FT_INT),
	F("proc.vpid", F_PROC_VPID, FT_INT),
	F("proc.sid", F_PROC_SID, FT_INT),
	F("proc.vpgid", F_PROC_VPGID, FT_INT),
	F("proc.name", F_PROC_NAME, FT_STR),
	F("proc.exe", F_PROC_EXE, FT_STR),
	F("proc.exepath", F_PROC_EXEPATH, FT_STR),
	F("proc.pexe", F_PROC_PEXE, FT_STR),
	F("proc.pexepath", F_PROC_PEXEPATH, FT_STR),
	FM("proc.aexe", F_PROC_AEXE, FT_STR, FA_INDEX_OPT),
	FM("proc.aexepath", F_PROC_AEXEPATH, FT_STR, FA_INDEX_OPT),
	F("proc.args", F_PROC_ARGS, FT_STR),
	F("proc.cmdline", F_PROC_CMDLINE, FT_STR),
	F("proc.pcmdline", F_PROC_PCMDLINE, FT_STR),
	F("proc.cwd", F_PROC_CWD, FT_STR),
	F("proc.pname", F_PROC_PNAME, FT_STR),
	FM("proc.aname", F_PROC_ANAME, FT_STR, FA_INDEX_OPT),
	FM("proc.apid", F_PROC_APID, FT_INT, FA_INDEX_OPT),
	F("proc.tty", F_PROC_TTY, FT_INT),
	F("proc.sname", F_PROC_SNAME, FT_STR),
	F("proc.vpgid.name", F_PROC_VPGID_NAME, FT_STR),
	F("proc.vpgid.exe", F_PROC_VPGID_EXE, FT_STR),
	F("proc.is_vpgid_leader", F_PROC_IS_VPGID_LEADER, FT_BOOL),
	F("proc.duration", F_PROC_DURATION, FT_INT),
	F("proc.ppid.duration", F_PROC_PPID_DURATION, FT_INT),
	F("proc.is_exe_writable", F_PROC_IS_EXE_WRITABLE, FT_BOOL),
	F("proc.is_exe_upper_layer", F_PROC_IS_EXE_UPPER_LAYER, FT_BOOL),
	F("proc.is_exe_from_memfd", F_PROC_IS_EXE_FROM_MEMFD, FT_BOOL),
	F("proc.exe_ino", F_PROC_EXE_INO, FT_INT),
	F("proc.exe_ino.ctime", F_PROC_EXE_INO_CTIME, FT_INT),
	F("proc.exe_ino.mtime", F_PROC_EXE_INO_MTIME, FT_INT),
	F("proc.exe_ino.ctime_duration_proc_start", F_PROC_EXE_INO_CTIME_DUR_PROC_START, FT_INT),
	F("thread.tid", F_THREAD_TID, FT_INT),
	F("thread.cap_effective", F_THREAD_CAP_EFFECTIVE, FT_STR),
	F("thread.cap_permitted", F_THREAD_CAP_PERMITTED, FT_STR),
	F("user.uid", F_USER_UID, FT_INT),
	F("user.name", F_USER_NAME, FT_STR),
	F("user.loginuid", F_USER_LOGINUID, FT_INT),
	F("user.loginname", F_USER_LOGINNAME, FT_STR),
	F("user.homedir", F_USER_HOMEDIR, FT_STR),
	F("user.shell", F_USER_SHELL, FT_STR),
	F("group.gid", F_GROUP_GID, FT_INT),
	F("group.name", F_GROUP_NAME, FT_STR),
	F("fd.num", F_FD_NUM, FT_INT),
	F("fd.type", F_FD_TYPE, FT_STR),
	F("fd.typechar", F_FD_TYPECHAR, FT_STR),
	F("fd.name", F_FD_NAME, FT_STR),
	F("fd.nameraw", F_FD_NAMERAW, FT_STR),
	F("fd.directory", F_FD_DIRECTORY, FT_STR),
	F("fd.filename", F_FD_FILENAME, FT_STR),
	F("fd.cip", F_FD_CIP, FT_IP),
	F("fd.sip", F_FD_SIP, FT_IP),
	F("fd.lip", F_FD_LIP, FT_IP),
	F("fd.rip", F_FD_RIP, FT_IP),
	FM("fd.ip", F_FD_IP, FT_IP, FA_NONE),
	F("fd.cport", F_FD_CPORT, FT_INT),
	F("fd.sport", F_FD_SPORT, FT_INT),
	F("fd.lport", F_FD_LPORT, FT_INT),
	F("fd.rport", F_FD_RPORT, FT_INT),
	FM("fd.port", F_FD_PORT, FT_INT, FA_NONE),
	F("fd.cnet", F_FD_CNET, FT_IP),
	F("fd.snet", F_FD_SNET, FT_IP),
	F("fd.lnet", F_FD_LNET, FT_IP),
	F("fd.rnet", F_FD_RNET, FT_IP),
	FM("fd.net", F_FD_NET, FT_IP, FA_NONE),
	F("fd.l4proto", F_FD_L4PROTO, FT_STR),
	F("fd.sockfamily", F_FD_SOCKFAMILY, FT_STR),
	F("fd.is_server", F_FD_IS_SERVER, FT_BOOL),
	F("fd.connected", F_FD_CONNECTED, FT_BOOL),
	F("fd.name_changed", F_FD_NAME_CHANGED, FT_BOOL),
	F("fs.path.name", F_FS_PATH_NAME, FT_STR),
	F("fs.path.source", F_FS_PATH_SOURCE, FT_STR),
	F("fs.path.target", F_FS_PATH_TARGET, FT_STR),
	F("container.id", F_CONTAINER_ID, FT_STR),
	F("container.full_id", F_CONTAINER_FULL_ID, FT_STR),
	F("container.name", F_CONTAINER_NAME, FT_STR),
	F("container.image", F_CONTAINER_IMAGE, FT_STR),
	F("container.image.repository", F_CONTAINER_IMAGE_REPOSITORY, FT_STR),
	F("container.image.tag", F_CONTAINER_IMAGE_TAG, FT_STR),
	F("container.image.digest", F_CONTAINER_IMAGE_DIGEST, FT_STR),
	F("container.image.id", F_CONTAINER_IMAGE_ID, FT_STR),
	F("container.privileged", F_CONTAINER_PRIVILEGED, FT_BOOL),
	F("container.start_ts", F_CONTAINER_START_TS, FT_INT),
	FX("container.label", F_CONTAINER_LABEL, FT_STR, FA_KEY),
	/* Falco fields customs knows but cannot fill (yet) */
	U("fd.sip.name", FT_STR),
	U("fd.cip.name", FT_STR),
	U("fd.rip.name", FT_STR),
	U("fd.lip.name", FT_STR),
	UX("fd.types", FT_STR, FA_INDEX_OPT),
	U("fd.dev", FT_INT),
	U("fd.ino", FT_INT),
	U("evt.buffer", FT_STR),
	U("evt.is_open_exec", FT_BOOL),
	U("evt.category", FT_STR),
	U("proc.is_container_healthcheck", FT_BOOL),
	U("proc.is_container_liveness_probe", FT_BOOL),
	U("proc.is_container_readiness_probe", FT_BOOL),
	U("proc.exe_ino.ctime_duration_pidns_start", FT_INT),
	U("proc.pidns_init_start_ts", FT_INT),
	U("proc.loginshellid", FT_INT),
	U("proc.env", FT_STR),
	U("proc.stdin.type", FT_STR),
	U("proc.stdout.type", FT_STR),
	U("proc.stdin.name", FT_STR),
	U("proc.stdout.name", FT_STR),
	U("proc.fdopencount", FT_INT),
	U("proc.vmsize", FT_INT),
	U("proc.vmrss", FT_INT),
	U("container.type", FT_STR),
	U("container.mounts", FT_STR),
	U("container.healthcheck", FT_STR),
	U("container.liveness_probe", FT_STR),
	U("container.readiness_probe", FT_STR),
	U("k8s.ns.name", FT_STR),
	U("k8s.pod.name", FT_STR),
	U("k8s.pod.uid", FT_STR),
	U("k8s.pod.labels", FT_STR),
	UX("k8s.pod.label", FT_STR, FA_KEY),
	U("k8s.deployment.name", FT_STR),
	U("user.log", FT_STR),
};

const struct field_def *field_lookup(const char *name, const char **arg_out)
{
	size_t n = strcspn(name, "[");
	const char *arg = name[n] == '[' ? name + n + 1 : NULL;
	/* evt.arg.NAME: the argument is the suffix */
	if (!strncmp(name, "evt.arg.", 8) && n > 8) {
		for (size_t i = 0; i < CS_ARRAY_SIZE(fields); i++)
			if (!strcmp(fields[i].name, "evt.arg")) {
				*arg_out = name + 8;
				return &fields[i];
			}
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(fields); i++)
		if (strlen(fields[i].name) == n && !memcmp(fields[i].name, name, n)) {
			*arg_out = arg;
			return &fields[i];
		}
	*arg_out = NULL;
	return NULL;
}

static const char *const arg_names[] = {
	"flags",   "mode",    "request", "pid",	 "domain",   "type",	 "proto",
	"backlog", "fd",      "path",	 "name", "res",	     "target",	 "linkpath",
	"oldpath", "newpath", "dev",	 "dir",	 "pathname", "filename", "data",
};

int field_resolve(struct fieldref *f, const char *full, struct arena *a, struct cs_error *err)
{
	const char *arg;
	const struct field_def *d = field_lookup(full, &arg);
	if (!d)
		return cs_error_set(err, -CS_E_UNSUPPORTED, "unknown field '%s'", full);
	if (!d->supported)
		return cs_error_set(err, -CS_E_UNSUPPORTED, "unsupported field '%s'", d->name);
	f->def = d;
	f->index = -1;
	f->arg = NULL;
	if (arg) {
		size_t al = strlen(arg);
		if (d->id != F_EVT_ARG) {
			if (!al || arg[al - 1] != ']')
				return cs_error_set(err, -CS_E_INPUT, "field '%s': bad argument",
						    full);
			al--;
		}
		if (d->arg == FA_NONE)
			return cs_error_set(err, -CS_E_INPUT, "field '%s' takes no argument",
					    d->name);
		if (d->arg == FA_INDEX || d->arg == FA_INDEX_OPT) {
			long v = 0;
			if (!al || al > 4)
				return cs_error_set(err, -CS_E_INPUT, "field '%s': bad index",
						    full);
			for (size_t i = 0; i < al; i++) {
				if (arg[i] < '0' || arg[i] > '9')
					return cs_error_set(err, -CS_E_INPUT,
							    "field '%s': bad index", full);
				v = v * 10 + (arg[i] - '0');
			}
			f->index = v;
		} else {
			f->arg = arena_strndup(a, arg, al);
			if (!f->arg)
				return -ENOMEM;
		}
		if (d->id == F_EVT_ARG) {
			bool known = false;
			for (size_t i = 0; i < CS_ARRAY_SIZE(arg_names); i++)
				known |= !strcmp(arg_names[i], f->arg);
			if (!known)
				return cs_error_set(err, -CS_E_UNSUPPORTED,
						    "unsupported field 'evt.arg.%s'", f->arg);
		}
	} else if (d->arg == FA_INDEX || d->arg == FA_KEY) {
		return cs_error_set(err, -CS_E_INPUT, "field '%s' needs an argument", d->name);
	}
	return 0;
}

/* ---- rendering helpers ---- */
static size_t app(char *buf, size_t cap, size_t at, const char *s, size_t n)
{
	if (at >= cap)
		return at;
	if (n > cap - 1 - at)
		n = cap - 1 - at;
	memcpy(buf + at, s, n);
	buf[at + n] = '\0';
	return at + n;
}
#define APPS(buf, at, s) app(buf, SCRATCH_MAX, at, s, strlen(s))

static size_t join_args(char *buf, size_t at, const char *args, size_t len)
{
	bool first = true;
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(args + i, len - i);
		if (!first || at)
			at = app(buf, SCRATCH_MAX, at, " ", 1);
		at = app(buf, SCRATCH_MAX, at, args + i, n);
		first = false;
		i += n + 1;
	}
	return at;
}

static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

static size_t render_caps(uint64_t caps, char *buf)
{
	size_t at = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < CS_ARRAY_SIZE(cap_names); i++)
		if (caps & (1ull << i)) {
			if (at)
				at = app(buf, SCRATCH_MAX, at, " ", 1);
			at = APPS(buf, at, cap_names[i]);
		}
	return at;
}

static size_t render_open_flags(uint32_t f, char *buf)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ O_CREAT, "O_CREAT" },		{ O_EXCL, "O_EXCL" },
		{ O_NOCTTY, "O_NOCTTY" },	{ O_TRUNC, "O_TRUNC" },
		{ O_APPEND, "O_APPEND" },	{ O_NONBLOCK, "O_NONBLOCK" },
		{ O_DSYNC, "O_DSYNC" },		{ O_DIRECT, "O_DIRECT" },
		{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
		{ O_NOATIME, "O_NOATIME" },	{ O_CLOEXEC, "O_CLOEXEC" },
		{ O_PATH, "O_PATH" },
	};
	size_t at = 0;
	uint32_t acc = f & O_ACCMODE;
	buf[0] = '\0';
	at = APPS(buf, at, acc == O_WRONLY ? "O_WRONLY" : acc == O_RDWR ? "O_RDWR" : "O_RDONLY");
	for (size_t i = 0; i < CS_ARRAY_SIZE(bits); i++)
		if ((f & bits[i].bit) == bits[i].bit) {
			at = app(buf, SCRATCH_MAX, at, "|", 1);
			at = APPS(buf, at, bits[i].name);
		}
	return at;
}

static size_t render_exe_flags(uint32_t f, char *buf)
{
	size_t at = 0;
	static const char *const n[] = { "EXE_WRITABLE", "EXE_UPPER_LAYER", "EXE_FROM_MEMFD",
					 "EXE_LOWER_LAYER" };
	buf[0] = '\0';
	for (unsigned i = 0; i < CS_ARRAY_SIZE(n); i++)
		if (f & (1u << i)) {
			if (at)
				at = app(buf, SCRATCH_MAX, at, "|", 1);
			at = APPS(buf, at, n[i]);
		}
	return at;
}

static const char *ptrace_name(int64_t r)
{
	static const struct {
		int64_t v;
		const char *n;
	} t[] = {
		{ 0, "PTRACE_TRACEME" },
		{ 1, "PTRACE_PEEKTEXT" },
		{ 2, "PTRACE_PEEKDATA" },
		{ 3, "PTRACE_PEEKUSR" },
		{ 4, "PTRACE_POKETEXT" },
		{ 5, "PTRACE_POKEDATA" },
		{ 6, "PTRACE_POKEUSR" },
		{ 7, "PTRACE_CONT" },
		{ 8, "PTRACE_KILL" },
		{ 9, "PTRACE_SINGLESTEP" },
		{ 12, "PTRACE_GETREGS" },
		{ 13, "PTRACE_SETREGS" },
		{ 14, "PTRACE_GETFPREGS" },
		{ 15, "PTRACE_SETFPREGS" },
		{ 16, "PTRACE_ATTACH" },
		{ 17, "PTRACE_DETACH" },
		{ 24, "PTRACE_SYSCALL" },
		{ 0x4200, "PTRACE_SETOPTIONS" },
		{ 0x4201, "PTRACE_GETEVENTMSG" },
		{ 0x4202, "PTRACE_GETSIGINFO" },
		{ 0x4203, "PTRACE_SETSIGINFO" },
		{ 0x4204, "PTRACE_GETREGSET" },
		{ 0x4205, "PTRACE_SETREGSET" },
		{ 0x4206, "PTRACE_SEIZE" },
		{ 0x4207, "PTRACE_INTERRUPT" },
		{ 0x4208, "PTRACE_LISTEN" },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(t); i++)
		if (t[i].v == r)
			return t[i].n;
	return NULL;
}

static const char *af_name(int d)
{
	switch (d) {
	case AF_UNIX:
		return "AF_UNIX";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_NETLINK:
		return "AF_NETLINK";
	case AF_PACKET:
		return "AF_PACKET";
	default:
		return NULL;
	}
}

static bool is_exec(enum cs_rt_evt_type t)
{
	return t == CS_RT_EVT_EXECVE || t == CS_RT_EVT_EXECVEAT;
}

#define STR(x)                        \
	do {                          \
		const char *_s = (x); \
		v->type = FT_STR;     \
		v->s = _s;            \
		v->len = strlen(_s);  \
		return 1;             \
	} while (0)
#define STR_OPT(x)                    \
	do {                          \
		const char *_o = (x); \
		if (!_o[0])           \
			return 0;     \
		STR(_o);              \
	} while (0)
#define INT(x)                       \
	do {                         \
		v->type = FT_INT;    \
		v->n = (int64_t)(x); \
		return 1;            \
	} while (0)
#define BOOL(x)                    \
	do {                       \
		v->type = FT_BOOL; \
		v->n = !!(x);      \
		return 1;          \
	} while (0)
#define SCR(len_expr)                \
	do {                         \
		v->type = FT_STR;    \
		v->len = (len_expr); \
		v->s = scratch;      \
		return 1;            \
	} while (0)

static int64_t dur(uint64_t now, uint64_t start)
{
	return now > start ? (int64_t)(now - start) : 0;
}

/* fd.lip etc: local side is the server for accept/bind/listen */
static const char *local_ip(const struct cs_rt_event *e)
{
	return e->fd.server_is_local ? e->fd.sip : e->fd.cip;
}
static const char *remote_ip(const struct cs_rt_event *e)
{
	return e->fd.server_is_local ? e->fd.cip : e->fd.sip;
}

static int ancestor(const struct cs_rt_event *e, long idx, unsigned k,
		    const struct cs_rt_ancestor **a, bool *self)
{
	long i;
	if (idx >= 0) {
		if (k > 0)
			return -1;
		i = idx;
	} else {
		i = (long)k + 1; /* without index: every ancestor from the parent */
	}
	*self = i == 0;
	if (i == 0)
		return 1;
	if (i > (long)e->proc.n_ancestors || i > CS_RT_ANCESTORS)
		return idx < 0 ? -1 : 0;
	*a = &e->proc.ancestors[i - 1];
	return 1;
}

static int arg_value(const struct fieldref *f, const struct cs_rt_event *e, struct fval *v,
		     char *scratch)
{
	const char *a = f->arg;
	enum cs_rt_evt_type t = e->type;
	if (!strcmp(a, "flags")) {
		if (cs_rt_evt_is_open(t))
			SCR(render_open_flags(e->arg.flags, scratch));
		if (is_exec(t)) {
			if (!(e->have & CS_RT_HAVE_EXE_FLAGS))
				return 0;
			SCR(render_exe_flags(e->proc.exe_flags, scratch));
		}
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%u", e->arg.flags));
	}
	if (!strcmp(a, "mode")) {
		if (!(e->have & CS_RT_HAVE_MODE))
			return 0;
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "0%o", e->arg.mode));
	}
	if (!strcmp(a, "request")) {
		const char *n;
		if (t != CS_RT_EVT_PTRACE || !(e->have & CS_RT_HAVE_REQUEST))
			return 0;
		if ((n = ptrace_name(e->arg.request)))
			STR(n);
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%lld", (long long)e->arg.request));
	}
	if (!strcmp(a, "domain")) {
		const char *n;
		if (!(e->have & CS_RT_HAVE_DOMAIN))
			return 0;
		if ((n = af_name(e->arg.domain)))
			STR(n);
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%d", e->arg.domain));
	}
	if (!strcmp(a, "type"))
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%d", e->arg.type));
	if (!strcmp(a, "proto"))
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%d", e->arg.protocol));
	if (!strcmp(a, "backlog"))
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%d", e->arg.backlog));
	if (!strcmp(a, "pid"))
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%lld", (long long)e->arg.pid));
	if (!strcmp(a, "res"))
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%lld", (long long)e->res));
	if (!strcmp(a, "fd")) {
		if (t == CS_RT_EVT_DUP || t == CS_RT_EVT_DUP2 || t == CS_RT_EVT_DUP3 ||
		    t == CS_RT_EVT_FCHMOD)
			SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%lld", (long long)e->arg.fd));
		SCR((size_t)snprintf(scratch, SCRATCH_MAX, "%lld", (long long)e->fd.num));
	}
	if (!strcmp(a, "name") || !strcmp(a, "filename")) {
		if (cs_rt_evt_is_open(t) || is_exec(t))
			STR_OPT(e->fd.nameraw[0] ? e->fd.nameraw : e->fd.name);
		STR_OPT(e->arg.name[0] ? e->arg.name : e->arg.path);
	}
	if (!strcmp(a, "path") || !strcmp(a, "pathname"))
		STR_OPT(e->arg.path[0] ? e->arg.path : e->fd.nameraw);
	if (!strcmp(a, "target") || !strcmp(a, "oldpath") || !strcmp(a, "dev"))
		STR_OPT(e->arg.path1);
	if (!strcmp(a, "linkpath") || !strcmp(a, "newpath") || !strcmp(a, "dir"))
		STR_OPT(e->arg.path2);
	return 0;
}

static int ip_val(const char *ip, struct fval *v)
{
	if (!ip[0])
		return 0;
	v->type = FT_IP;
	v->s = ip;
	v->len = strlen(ip);
	return 1;
}

int field_extract(const struct fieldref *f, const struct cs_rt_event *e, unsigned k, struct fval *v,
		  char *scratch)
{
	const struct cs_rt_process *p = &e->proc;
	const struct cs_rt_fd *fd = &e->fd;
	const struct cs_rt_container *c = &e->container;
	bool net = (e->have & CS_RT_HAVE_NET) != 0;

	if (k > 0 && !f->def->multi)
		return -1;
	switch (f->def->id) {
	case F_EVT_TYPE:
		STR(cs_rt_evt_type_name(e->type));
	case F_EVT_RES:
		if (!(e->have & CS_RT_HAVE_RES))
			return 0;
		STR(cs_rt_errno_name(e->res));
	case F_EVT_RAWRES:
		if (!(e->have & CS_RT_HAVE_RES))
			return 0;
		INT(e->res);
	case F_EVT_FAILED:
		if (!(e->have & CS_RT_HAVE_RES))
			return 0;
		BOOL(e->res < 0);
	case F_EVT_NUM:
		INT(e->num);
	case F_EVT_TIME: {
		time_t s = (time_t)(e->ts_ns / 1000000000u);
		struct tm tm;
		size_t n;
		gmtime_r(&s, &tm);
		n = strftime(scratch, SCRATCH_MAX, "%H:%M:%S", &tm);
		n += (size_t)snprintf(scratch + n, SCRATCH_MAX - n, ".%09llu",
				      (unsigned long long)(e->ts_ns % 1000000000u));
		SCR(n);
	}
	case F_EVT_RAWTIME:
		INT(e->ts_ns);
	case F_EVT_DIR:
		STR("<");
	case F_EVT_HOSTNAME:
		STR_OPT(e->hostname);
	case F_EVT_CPU:
		INT(e->cpu);
	case F_EVT_IS_OPEN_READ:
		if (!cs_rt_evt_is_open(e->type))
			return 0;
		BOOL((e->arg.flags & O_ACCMODE) == O_RDONLY ||
		     (e->arg.flags & O_ACCMODE) == O_RDWR);
	case F_EVT_IS_OPEN_WRITE:
		if (!cs_rt_evt_is_open(e->type))
			return 0;
		BOOL((e->arg.flags & O_ACCMODE) == O_WRONLY ||
		     (e->arg.flags & O_ACCMODE) == O_RDWR || e->type == CS_RT_EVT_CREAT);
	case F_EVT_ARGS: {
		size_t n = (size_t)snprintf(scratch, SCRATCH_MAX, "res=%lld", (long long)e->res);
		if (fd->name[0])
			n += (size_t)snprintf(scratch + n, SCRATCH_MAX - n, " fd=%lld(%s)",
					      (long long)fd->num, fd->name);
		if (e->type == CS_RT_EVT_SOCKET && (e->have & CS_RT_HAVE_DOMAIN)) {
			const char *d = af_name(e->arg.domain);
			n += (size_t)snprintf(scratch + n, SCRATCH_MAX - n,
					      " domain=%d(%s) type=%d proto=%d", e->arg.domain,
					      d ? d : "?", e->arg.type, e->arg.protocol);
		}
		SCR(CS_MIN(n, (size_t)SCRATCH_MAX - 1));
	}
	case F_EVT_ARG:
		return arg_value(f, e, v, scratch);
	case F_PROC_PID:
		INT(p->pid);
	case F_PROC_PPID:
		INT(p->ppid);
	case F_PROC_VPID:
		INT(p->vpid);
	case F_PROC_SID:
		INT(p->sid);
	case F_PROC_VPGID:
		if (!(e->have & CS_RT_HAVE_VPGID))
			return 0;
		INT(p->vpgid);
	case F_PROC_NAME:
		STR_OPT(p->name);
	case F_PROC_EXE:
		STR_OPT(p->exe);
	case F_PROC_EXEPATH:
		STR_OPT(p->exepath);
	case F_PROC_PEXE:
		if (!p->n_ancestors)
			return 0;
		STR_OPT(p->ancestors[0].exe);
	case F_PROC_PEXEPATH:
		if (!p->n_ancestors)
			return 0;
		STR_OPT(p->ancestors[0].exepath);
	case F_PROC_ANAME:
	case F_PROC_AEXE:
	case F_PROC_AEXEPATH:
	case F_PROC_APID: {
		const struct cs_rt_ancestor *a = NULL;
		bool self;
		int r = ancestor(e, f->index, k, &a, &self);
		if (r <= 0)
			return r;
		switch (f->def->id) {
		case F_PROC_ANAME:
			STR_OPT(self ? p->name : a->name);
		case F_PROC_AEXE:
			STR_OPT(self ? p->exe : a->exe);
		case F_PROC_AEXEPATH:
			STR_OPT(self ? p->exepath : a->exepath);
		default:
			INT(self ? p->pid : a->pid);
		}
	}
	case F_PROC_ARGS:
		SCR(join_args(scratch, 0, p->args, p->args_len));
	case F_PROC_CMDLINE: {
		size_t at = APPS(scratch, 0, p->name);
		SCR(join_args(scratch, at, p->args, p->args_len));
	}
	case F_PROC_PCMDLINE: {
		size_t at;
		if (!p->n_ancestors)
			return 0;
		at = APPS(scratch, 0, p->ancestors[0].name);
		SCR(join_args(scratch, at, p->pargs, p->pargs_len));
	}
	case F_PROC_CWD:
		STR_OPT(p->cwd);
	case F_PROC_PNAME:
		if (!p->n_ancestors)
			return 0;
		STR_OPT(p->ancestors[0].name);
	case F_PROC_TTY:
		if (!(e->have & CS_RT_HAVE_TTY))
			return 0;
		INT(p->tty);
	case F_PROC_SNAME:
		STR_OPT(p->sname);
	case F_PROC_VPGID_NAME:
		STR_OPT(p->vpgid_name);
	case F_PROC_VPGID_EXE:
		STR_OPT(p->vpgid_exe);
	case F_PROC_IS_VPGID_LEADER:
		if (!(e->have & CS_RT_HAVE_VPGID))
			return 0;
		BOOL(p->vpid == p->vpgid);
	case F_PROC_DURATION:
		if (!(e->have & CS_RT_HAVE_PROC_START))
			return 0;
		INT(dur(e->ts_ns, p->start_ns));
	case F_PROC_PPID_DURATION:
		if (!(e->have & CS_RT_HAVE_PPROC_START))
			return 0;
		INT(dur(e->ts_ns, p->pstart_ns));
	case F_PROC_IS_EXE_WRITABLE:
		if (!(e->have & CS_RT_HAVE_EXE_FLAGS))
			return 0;
		BOOL(p->exe_flags & CS_RT_EXE_WRITABLE);
	case F_PROC_IS_EXE_UPPER_LAYER:
		if (!(e->have & CS_RT_HAVE_EXE_FLAGS))
			return 0;
		BOOL(p->exe_flags & CS_RT_EXE_UPPER_LAYER);
	case F_PROC_IS_EXE_FROM_MEMFD:
		if (!(e->have & CS_RT_HAVE_EXE_FLAGS))
			return 0;
		BOOL(p->exe_flags & CS_RT_EXE_FROM_MEMFD);
	case F_PROC_EXE_INO:
		if (!(e->have & CS_RT_HAVE_EXE_INO))
			return 0;
		INT(p->exe_ino);
	case F_PROC_EXE_INO_CTIME:
		if (!(e->have & CS_RT_HAVE_EXE_INO))
			return 0;
		INT(p->exe_ino_ctime_ns);
	case F_PROC_EXE_INO_MTIME:
		if (!(e->have & CS_RT_HAVE_EXE_INO))
			return 0;
		INT(p->exe_ino_mtime_ns);
	case F_PROC_EXE_INO_CTIME_DUR_PROC_START:
		if (!(e->have & CS_RT_HAVE_EXE_INO) || !(e->have & CS_RT_HAVE_PROC_START))
			return 0;
		INT(dur(p->start_ns, p->exe_ino_ctime_ns));
	case F_THREAD_TID:
		INT(p->tid);
	case F_THREAD_CAP_EFFECTIVE:
		if (!(e->have & CS_RT_HAVE_CAPS))
			return 0;
		SCR(render_caps(p->cap_effective, scratch));
	case F_THREAD_CAP_PERMITTED:
		if (!(e->have & CS_RT_HAVE_CAPS))
			return 0;
		SCR(render_caps(p->cap_permitted, scratch));
	case F_USER_UID:
		if (p->uid == UINT32_MAX)
			return 0;
		INT(p->uid);
	case F_USER_NAME:
		STR_OPT(p->user);
	case F_USER_LOGINUID:
		if (!(e->have & CS_RT_HAVE_LOGINUID))
			return 0;
		INT(p->loginuid == UINT32_MAX ? -1 : (int64_t)p->loginuid);
	case F_USER_LOGINNAME:
		STR_OPT(p->loginname);
	case F_USER_HOMEDIR:
		STR_OPT(p->homedir);
	case F_USER_SHELL:
		STR_OPT(p->shell);
	case F_GROUP_GID:
		if (p->gid == UINT32_MAX)
			return 0;
		INT(p->gid);
	case F_GROUP_NAME:
		STR_OPT(p->group);
	case F_FD_NUM:
		if (!(e->have & CS_RT_HAVE_FD))
			return 0;
		INT(fd->num);
	case F_FD_TYPE:
		if (fd->type == CS_RT_FD_NONE)
			return 0;
		STR(cs_rt_fd_type_name(fd->type));
	case F_FD_TYPECHAR: {
		static const char tc[CS_RT_FD_TYPE_COUNT] = {
			[CS_RT_FD_FILE] = 'f',	      [CS_RT_FD_DIRECTORY] = 'd',
			[CS_RT_FD_IPV4] = '4',	      [CS_RT_FD_IPV6] = '6',
			[CS_RT_FD_UNIX] = 'u',	      [CS_RT_FD_PIPE] = 'p',
			[CS_RT_FD_EVENT] = 'e',	      [CS_RT_FD_SIGNALFD] = 's',
			[CS_RT_FD_EVENTPOLL] = 'l',   [CS_RT_FD_INOTIFY] = 'i',
			[CS_RT_FD_TIMERFD] = 't',     [CS_RT_FD_NETLINK] = 'n',
			[CS_RT_FD_MEMFD] = 'm',	      [CS_RT_FD_BPF] = 'b',
			[CS_RT_FD_USERFAULTFD] = 'u', [CS_RT_FD_IO_URING] = 'r',
			[CS_RT_FD_PACKET] = 'k',
		};
		if (fd->type == CS_RT_FD_NONE || (unsigned)fd->type >= CS_RT_FD_TYPE_COUNT)
			return 0;
		scratch[0] = tc[fd->type];
		scratch[1] = '\0';
		SCR(1);
	}
	case F_FD_NAME:
		STR_OPT(fd->name);
	case F_FD_NAMERAW:
		STR_OPT(fd->nameraw);
	case F_FD_DIRECTORY:
	case F_FD_FILENAME: {
		const char *slash;
		if (fd->type != CS_RT_FD_FILE && fd->type != CS_RT_FD_DIRECTORY)
			return 0;
		if (!fd->name[0] || !(slash = strrchr(fd->name, '/')))
			return 0;
		if (f->def->id == F_FD_FILENAME)
			STR(slash + 1);
		if (slash == fd->name)
			STR("/");
		SCR(app(scratch, SCRATCH_MAX, 0, fd->name, (size_t)(slash - fd->name)));
	}
	case F_FD_CIP:
	case F_FD_CNET:
		return net ? ip_val(fd->cip, v) : 0;
	case F_FD_SIP:
	case F_FD_SNET:
		return net ? ip_val(fd->sip, v) : 0;
	case F_FD_LIP:
	case F_FD_LNET:
		return net ? ip_val(local_ip(e), v) : 0;
	case F_FD_RIP:
	case F_FD_RNET:
		return net ? ip_val(remote_ip(e), v) : 0;
	case F_FD_IP:
	case F_FD_NET:
		if (!net)
			return k == 0 ? 0 : -1;
		if (k > 1)
			return -1;
		return ip_val(k == 0 ? fd->cip : fd->sip, v);
	case F_FD_CPORT:
		if (!net)
			return 0;
		INT(fd->cport);
	case F_FD_SPORT:
		if (!net)
			return 0;
		INT(fd->sport);
	case F_FD_LPORT:
		if (!net)
			return 0;
		INT(fd->server_is_local ? fd->sport : fd->cport);
	case F_FD_RPORT:
		if (!net)
			return 0;
		INT(fd->server_is_local ? fd->cport : fd->sport);
	case F_FD_PORT:
		if (!net)
			return k == 0 ? 0 : -1;
		if (k > 1)
			return -1;
		INT(k == 0 ? fd->cport : fd->sport);
	case F_FD_L4PROTO:
		switch (fd->l4proto) {
		case 6:
			STR("tcp");
		case 17:
			STR("udp");
		case 1:
		case 58:
			STR("icmp");
		case 255:
			STR("raw");
		default:
			if (fd->type == CS_RT_FD_IPV4 || fd->type == CS_RT_FD_IPV6)
				STR("unknown");
			return 0;
		}
	case F_FD_SOCKFAMILY:
		if (fd->type == CS_RT_FD_IPV4 || fd->type == CS_RT_FD_IPV6)
			STR("ip");
		if (fd->type == CS_RT_FD_UNIX)
			STR("unix");
		return 0;
	case F_FD_IS_SERVER:
		if (!net)
			return 0;
		BOOL(fd->server_is_local);
	case F_FD_CONNECTED:
		if (!(e->have & CS_RT_HAVE_FD_CONNECTED))
			return 0;
		BOOL(fd->connected);
	case F_FD_NAME_CHANGED:
		if (!(e->have & CS_RT_HAVE_FD_NAME_CHANGED))
			return 0;
		BOOL(fd->name_changed);
	case F_FS_PATH_NAME:
		if (cs_rt_evt_is_open(e->type))
			STR_OPT(fd->name);
		STR_OPT(e->arg.path[0] ? e->arg.path : e->arg.path2);
	case F_FS_PATH_SOURCE:
		STR_OPT(e->arg.path1);
	case F_FS_PATH_TARGET:
		STR_OPT(e->arg.path2);
	case F_CONTAINER_ID:
		STR_OPT(c->id);
	case F_CONTAINER_FULL_ID:
		STR_OPT(c->full_id[0] ? c->full_id : c->id);
	case F_CONTAINER_NAME:
		STR_OPT(c->name);
	case F_CONTAINER_IMAGE:
		STR_OPT(c->image);
	case F_CONTAINER_IMAGE_REPOSITORY:
		STR_OPT(c->repository);
	case F_CONTAINER_IMAGE_TAG:
		STR_OPT(c->tag);
	case F_CONTAINER_IMAGE_DIGEST:
		STR_OPT(c->digest);
	case F_CONTAINER_IMAGE_ID:
		STR_OPT(c->image_id);
	case F_CONTAINER_PRIVILEGED:
		if (!(e->have & CS_RT_HAVE_CONTAINER_PRIV))
			return 0;
		BOOL(c->privileged);
	case F_CONTAINER_START_TS:
		if (!c->start_ns)
			return 0;
		INT(c->start_ns);
	case F_CONTAINER_LABEL: {
		size_t kl = strlen(f->arg);
		for (size_t i = 0; i < c->labels_len;) {
			size_t n = strnlen(c->labels + i, c->labels_len - i);
			if (n > kl && c->labels[i + kl] == '=' &&
			    !memcmp(c->labels + i, f->arg, kl))
				SCR(app(scratch, SCRATCH_MAX, 0, c->labels + i + kl + 1,
					n - kl - 1));
			i += n + 1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

size_t fval_render(const struct fval *v, char *buf, size_t cap)
{
	int n;
	if (!cap)
		return 0;
	switch (v->type) {
	case FT_INT:
		n = snprintf(buf, cap, "%lld", (long long)v->n);
		break;
	case FT_BOOL:
		n = snprintf(buf, cap, "%s", v->n ? "true" : "false");
		break;
	default:
		return app(buf, cap, 0, v->s, v->len);
	}
	if (n < 0)
		n = 0;
	return CS_MIN((size_t)n, cap - 1);
}
