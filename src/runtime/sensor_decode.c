/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Raw sensor records (runtime/bpf/sensor.h) into the event model. The
 * records come from the kernel but are treated as hostile all the same: the
 * size is checked against the kind before any cast, every length inside is
 * clamped to its array, and no string is assumed NUL-terminated. Needs no
 * libbpf, so replay tools and the fuzz target use it too.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "runtime/bpf/sensor.h"
#include "runtime/sensor.h"

unsigned cs_sensor_record_kind(const void *rec, size_t len)
{
	struct cs_sensor_hdr h;

	if (!rec || len < sizeof(h))
		return 0;
	memcpy(&h, rec, sizeof(h));
	return h.kind;
}

static size_t kind_size(unsigned kind)
{
	switch (kind) {
	case CS_SENSOR_EXEC:
		return sizeof(struct cs_sensor_exec);
	case CS_SENSOR_EXIT:
		return sizeof(struct cs_sensor_exit);
	case CS_SENSOR_FORK:
		return sizeof(struct cs_sensor_fork);
	case CS_SENSOR_OPEN:
		return sizeof(struct cs_sensor_open);
	case CS_SENSOR_CONNECT:
	case CS_SENSOR_ACCEPT:
	case CS_SENSOR_BIND:
	case CS_SENSOR_LISTEN:
		return sizeof(struct cs_sensor_net);
	case CS_SENSOR_SYS:
		return sizeof(struct cs_sensor_sys);
	}
	return 0;
}

/* A bounded, possibly unterminated string of a record. */
static void set_str(char *dst, size_t cap, const char *src, size_t max)
{
	cs_rt_strset(dst, cap, src, strnlen(src, max));
}

static void hdr_into(const struct cs_sensor_hdr *h, uint64_t boot_to_epoch_ns,
		     struct cs_rt_event *e)
{
	e->ts_ns = h->ts_ns + boot_to_epoch_ns;
	e->proc.pid = h->pid;
	e->proc.tid = h->tid;
	e->proc.ppid = h->ppid;
	e->proc.vpid = h->vpid;
	e->proc.uid = h->uid;
	e->proc.gid = h->gid;
	set_str(e->proc.name, sizeof(e->proc.name), h->comm, sizeof(h->comm));
	e->res = h->ret;
	e->have |= CS_RT_HAVE_RES;
	e->proc.tty = h->tty;
	e->have |= CS_RT_HAVE_TTY;
}

static void decode_exec(const struct cs_sensor_exec *x, struct cs_rt_event *e)
{
	size_t flen = x->filename_len, alen = x->args_len;
	const char *p, *end;
	bool first = true;

	e->type = CS_RT_EVT_EXECVE;
	if (flen > sizeof(x->filename))
		flen = sizeof(x->filename);
	if (flen == sizeof(x->filename) && !memchr(x->filename, '\0', flen))
		e->truncated |= CS_RT_TRUNC_PATH;
	set_str(e->proc.exepath, sizeof(e->proc.exepath), x->filename, flen);
	if (alen > sizeof(x->args))
		alen = sizeof(x->args);
	if (x->args_truncated)
		e->truncated |= CS_RT_TRUNC_ARGS;
	/* argv as NUL-separated strings; the last may be cut by the bound */
	for (p = x->args, end = x->args + alen; p < end;) {
		size_t n = strnlen(p, (size_t)(end - p));

		if (first) {
			set_str(e->proc.exe, sizeof(e->proc.exe), p, n);
			first = false;
		} else {
			cs_rt_event_add_arg(e, p, n);
		}
		p += n + 1;
	}
	if (first) /* no argv (an empty arg area): argv[0] is conventionally the path */
		set_str(e->proc.exe, sizeof(e->proc.exe), e->proc.exepath, sizeof(e->proc.exepath));
	e->proc.exe_ino = x->exe_ino;
	e->have |= CS_RT_HAVE_EXE_INO | CS_RT_HAVE_EXE_FLAGS;
	if (x->exe_memfd)
		e->proc.exe_flags |= CS_RT_EXE_FROM_MEMFD;
	if (x->exe_upper)
		e->proc.exe_flags |= CS_RT_EXE_UPPER_LAYER;
	else if (x->exe_fs_magic == 0x794c7630u)
		e->proc.exe_flags |= CS_RT_EXE_LOWER_LAYER;
	e->arg.flags = e->proc.exe_flags;
}

static const enum cs_rt_evt_type open_types[] = {
	[CS_SYS_OPEN] = CS_RT_EVT_OPEN,
	[CS_SYS_OPENAT] = CS_RT_EVT_OPENAT,
	[CS_SYS_OPENAT2] = CS_RT_EVT_OPENAT2,
	[CS_SYS_CREAT] = CS_RT_EVT_CREAT,
};

static int decode_open(const struct cs_sensor_open *o, struct cs_rt_event *e, struct cs_error *err)
{
	size_t plen = o->path_len;

	if (o->h.syscall >= sizeof(open_types) / sizeof(open_types[0]) || !open_types[o->h.syscall])
		return cs_error_set(err, -CS_E_INPUT, "sensor open record of syscall %u",
				    o->h.syscall);
	e->type = open_types[o->h.syscall];
	if (plen > sizeof(o->path))
		plen = sizeof(o->path);
	if (plen == sizeof(o->path) && !memchr(o->path, '\0', plen))
		e->truncated |= CS_RT_TRUNC_PATH;
	set_str(e->fd.nameraw, sizeof(e->fd.nameraw), o->path, plen);
	/* fd.name: the path as given until the process table resolves it */
	set_str(e->fd.name, sizeof(e->fd.name), o->path, plen);
	e->fd.type = CS_RT_FD_FILE;
	e->fd.num = o->h.ret >= 0 ? o->h.ret : -1;
	e->have |= CS_RT_HAVE_FD | CS_RT_HAVE_OPEN_FLAGS | CS_RT_HAVE_MODE;
	e->arg.flags = o->flags;
	e->arg.mode = o->mode;
	e->arg.fd = o->dirfd;
	return 0;
}

/* An address of family fam from raw bytes into text and port. */
static bool addr_text(unsigned fam, const uint8_t *a, char *out, size_t cap)
{
	if (fam == AF_INET)
		return inet_ntop(AF_INET, a, out, (socklen_t)cap) != NULL;
	if (fam == AF_INET6)
		return inet_ntop(AF_INET6, a, out, (socklen_t)cap) != NULL;
	return false;
}

/*
 * The sockaddr of a record: family, textual address, port (host order),
 * unix path. false when it is not a complete AF_INET/AF_INET6/AF_UNIX one.
 */
static bool sockaddr_parse(const uint8_t *raw, size_t len, uint16_t *fam, char *ip, size_t ipcap,
			   uint16_t *port, char *upath, size_t upcap)
{
	uint16_t f;

	if (len < sizeof(f))
		return false;
	memcpy(&f, raw, sizeof(f));
	*fam = f;
	if (f == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, raw, sizeof(sin));
		*port = ntohs(sin.sin_port);
		return addr_text(AF_INET, (const uint8_t *)&sin.sin_addr, ip, ipcap);
	}
	if (f == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, raw, sizeof(sin6));
		*port = ntohs(sin6.sin6_port);
		return addr_text(AF_INET6, (const uint8_t *)&sin6.sin6_addr, ip, ipcap);
	}
	if (f == AF_UNIX) {
		const char *p = (const char *)raw + sizeof(f);
		size_t n = len - sizeof(f);

		if (n > 0 && p[0] == '\0') { /* abstract: shown as @name, as Falco does */
			char tmp[CS_SENSOR_ADDR_LEN + 1];
			size_t k = strnlen(p + 1, n - 1);

			tmp[0] = '@';
			memcpy(tmp + 1, p + 1, k);
			cs_rt_strset(upath, upcap, tmp, k + 1);
		} else {
			set_str(upath, upcap, p, n);
		}
		return true;
	}
	return false;
}

static const enum cs_rt_evt_type net_types[] = {
	[CS_SYS_CONNECT] = CS_RT_EVT_CONNECT, [CS_SYS_ACCEPT] = CS_RT_EVT_ACCEPT,
	[CS_SYS_ACCEPT4] = CS_RT_EVT_ACCEPT4, [CS_SYS_BIND] = CS_RT_EVT_BIND,
	[CS_SYS_LISTEN] = CS_RT_EVT_LISTEN,
};

static int decode_net(const struct cs_sensor_net *n, struct cs_rt_event *e, struct cs_error *err)
{
	struct cs_rt_fd *fd = &e->fd;
	char lip[CS_RT_ADDR_MAX] = "", rip[CS_RT_ADDR_MAX] = "";
	uint16_t rfam = 0, rport = 0, lport = n->lport;
	size_t alen = n->addr_len;
	bool have_remote, have_local;

	if (n->h.syscall >= sizeof(net_types) / sizeof(net_types[0]) || !net_types[n->h.syscall])
		return cs_error_set(err, -CS_E_INPUT, "sensor network record of syscall %u",
				    n->h.syscall);
	e->type = net_types[n->h.syscall];
	if (alen > sizeof(n->addr))
		alen = sizeof(n->addr);
	have_remote = sockaddr_parse(n->addr, alen, &rfam, rip, sizeof(rip), &rport, fd->unix_path,
				     sizeof(fd->unix_path));
	have_local = (n->lfamily == AF_INET || n->lfamily == AF_INET6) &&
		     addr_text(n->lfamily, n->laddr, lip, sizeof(lip));
	fd->family = rfam ? rfam : (n->family ? n->family : n->lfamily);
	fd->l4proto = n->l4proto <= 255 ? (uint8_t)n->l4proto : 0;
	fd->type = fd->family == AF_INET    ? CS_RT_FD_IPV4
		   : fd->family == AF_INET6 ? CS_RT_FD_IPV6
		   : fd->family == AF_UNIX  ? CS_RT_FD_UNIX
					    : CS_RT_FD_NONE;
	e->have |= CS_RT_HAVE_FD;
	fd->num = e->type == CS_RT_EVT_ACCEPT || e->type == CS_RT_EVT_ACCEPT4
			  ? (n->h.ret >= 0 ? n->h.ret : -1)
			  : n->fd;
	e->arg.fd = n->fd;
	if (e->type == CS_RT_EVT_LISTEN)
		e->arg.backlog = (int32_t)n->backlog;
	if (fd->family == AF_UNIX) {
		cs_rt_strset(fd->name, sizeof(fd->name), fd->unix_path, strlen(fd->unix_path));
		fd->connected = e->type == CS_RT_EVT_CONNECT && n->h.ret == 0;
		e->have |= CS_RT_HAVE_FD_CONNECTED;
		return 0;
	}
	if (fd->type == CS_RT_FD_NONE)
		return 0;
	switch (e->type) {
	case CS_RT_EVT_CONNECT:
		/* client = us (the kernel's chosen local end), server = the address given */
		fd->server_is_local = false;
		if (have_remote) {
			CS_RT_SET(fd->sip, rip);
			fd->sport = rport;
		}
		if (have_local) {
			CS_RT_SET(fd->cip, lip);
			fd->cport = lport;
		}
		fd->connected = n->h.ret == 0 || n->h.ret == -115 /* EINPROGRESS */;
		e->have |= CS_RT_HAVE_FD_CONNECTED;
		break;
	case CS_RT_EVT_ACCEPT:
	case CS_RT_EVT_ACCEPT4:
		fd->server_is_local = true;
		if (have_remote) {
			CS_RT_SET(fd->cip, rip);
			fd->cport = rport;
		}
		if (have_local) {
			CS_RT_SET(fd->sip, lip);
			fd->sport = lport;
		}
		fd->connected = n->h.ret >= 0;
		e->have |= CS_RT_HAVE_FD_CONNECTED;
		break;
	case CS_RT_EVT_BIND:
		fd->server_is_local = true;
		if (have_remote) {
			CS_RT_SET(fd->sip, rip);
			fd->sport = rport;
		}
		break;
	default: /* listen: the socket's bound address */
		fd->server_is_local = true;
		if (have_local) {
			CS_RT_SET(fd->sip, lip);
			fd->sport = lport;
		}
		break;
	}
	if (fd->sip[0] || fd->cip[0])
		e->have |= CS_RT_HAVE_NET;
	/* fd.name as Falco writes it: client->server, or the server alone */
	if (fd->cip[0] && fd->sip[0] && fd->family == AF_INET6)
		snprintf(fd->name, sizeof(fd->name), "[%s]:%u->[%s]:%u", fd->cip, fd->cport,
			 fd->sip, fd->sport);
	else if (fd->cip[0] && fd->sip[0])
		snprintf(fd->name, sizeof(fd->name), "%s:%u->%s:%u", fd->cip, fd->cport, fd->sip,
			 fd->sport);
	else if (fd->sip[0] && fd->family == AF_INET6)
		snprintf(fd->name, sizeof(fd->name), "[%s]:%u", fd->sip, fd->sport);
	else if (fd->sip[0])
		snprintf(fd->name, sizeof(fd->name), "%s:%u", fd->sip, fd->sport);
	return 0;
}

static const enum cs_rt_evt_type sys_types[CS_SYS_MAX] = {
	[CS_SYS_UNLINK] = CS_RT_EVT_UNLINK,
	[CS_SYS_UNLINKAT] = CS_RT_EVT_UNLINKAT,
	[CS_SYS_RENAME] = CS_RT_EVT_RENAME,
	[CS_SYS_RENAMEAT] = CS_RT_EVT_RENAMEAT,
	[CS_SYS_RENAMEAT2] = CS_RT_EVT_RENAMEAT2,
	[CS_SYS_CHMOD] = CS_RT_EVT_CHMOD,
	[CS_SYS_FCHMOD] = CS_RT_EVT_FCHMOD,
	[CS_SYS_FCHMODAT] = CS_RT_EVT_FCHMODAT,
	[CS_SYS_MKDIR] = CS_RT_EVT_MKDIR,
	[CS_SYS_MKDIRAT] = CS_RT_EVT_MKDIRAT,
	[CS_SYS_SYMLINK] = CS_RT_EVT_SYMLINK,
	[CS_SYS_SYMLINKAT] = CS_RT_EVT_SYMLINKAT,
	[CS_SYS_LINK] = CS_RT_EVT_LINK,
	[CS_SYS_LINKAT] = CS_RT_EVT_LINKAT,
	[CS_SYS_PTRACE] = CS_RT_EVT_PTRACE,
	[CS_SYS_MEMFD_CREATE] = CS_RT_EVT_MEMFD_CREATE,
	[CS_SYS_MOUNT] = CS_RT_EVT_MOUNT,
	[CS_SYS_UMOUNT2] = CS_RT_EVT_UMOUNT2,
	[CS_SYS_BPF] = CS_RT_EVT_BPF,
	[CS_SYS_INIT_MODULE] = CS_RT_EVT_INIT_MODULE,
	[CS_SYS_FINIT_MODULE] = CS_RT_EVT_FINIT_MODULE,
	[CS_SYS_SETNS] = CS_RT_EVT_SETNS,
	[CS_SYS_UNSHARE] = CS_RT_EVT_UNSHARE,
	[CS_SYS_SETUID] = CS_RT_EVT_SETUID,
	[CS_SYS_SETGID] = CS_RT_EVT_SETGID,
	[CS_SYS_SETREUID] = CS_RT_EVT_SETREUID,
	[CS_SYS_SETREGID] = CS_RT_EVT_SETREGID,
	[CS_SYS_SETRESUID] = CS_RT_EVT_SETRESUID,
	[CS_SYS_SETRESGID] = CS_RT_EVT_SETRESGID,
	[CS_SYS_CAPSET] = CS_RT_EVT_CAPSET,
	[CS_SYS_SOCKET] = CS_RT_EVT_SOCKET,
	[CS_SYS_DUP] = CS_RT_EVT_DUP,
	[CS_SYS_DUP2] = CS_RT_EVT_DUP2,
	[CS_SYS_DUP3] = CS_RT_EVT_DUP3,
};

/*
 * Any other syscall. Where each string goes follows the rule engine's
 * evt.arg names: one-path calls fill evt.arg.path; rename and link fill
 * oldpath/newpath (path1/path2), symlink target/linkpath, mount dev/dir;
 * memfd_create its name; init_module its parameters.
 */
static int decode_sys(const struct cs_sensor_sys *x, struct cs_rt_event *e, struct cs_error *err)
{
	size_t l1 = x->len1 > sizeof(x->str1) ? sizeof(x->str1) : x->len1;
	size_t l2 = x->len2 > sizeof(x->str2) ? sizeof(x->str2) : x->len2;
	const __s64 *a = x->args;

	if (x->h.syscall >= CS_SYS_MAX || !sys_types[x->h.syscall])
		return cs_error_set(err, -CS_E_INPUT, "sensor syscall record of syscall %u",
				    x->h.syscall);
	e->type = sys_types[x->h.syscall];
	if ((l1 == sizeof(x->str1) && !memchr(x->str1, '\0', l1)) ||
	    (l2 == sizeof(x->str2) && !memchr(x->str2, '\0', l2)))
		e->truncated |= CS_RT_TRUNC_PATH;
	switch (x->h.syscall) {
	case CS_SYS_UNLINKAT:
	case CS_SYS_MKDIRAT:
	case CS_SYS_FCHMODAT:
		e->arg.fd = a[0]; /* dirfd */
				  /* fall through */
	case CS_SYS_UNLINK:
	case CS_SYS_CHMOD:
	case CS_SYS_MKDIR:
	case CS_SYS_UMOUNT2:
		set_str(e->arg.path, sizeof(e->arg.path), x->str1, l1);
		if (x->h.syscall == CS_SYS_CHMOD || x->h.syscall == CS_SYS_MKDIR) {
			e->arg.mode = (uint32_t)a[1];
			e->have |= CS_RT_HAVE_MODE;
		} else if (x->h.syscall == CS_SYS_FCHMODAT || x->h.syscall == CS_SYS_MKDIRAT) {
			e->arg.mode = (uint32_t)a[2];
			e->have |= CS_RT_HAVE_MODE;
		} else if (x->h.syscall == CS_SYS_UNLINKAT) {
			e->arg.flags = (uint32_t)a[2];
		} else if (x->h.syscall == CS_SYS_UMOUNT2) {
			e->arg.flags = (uint32_t)a[1];
		}
		break;
	case CS_SYS_FCHMOD:
		e->arg.fd = a[0];
		e->arg.mode = (uint32_t)a[1];
		e->have |= CS_RT_HAVE_MODE;
		break;
	case CS_SYS_RENAMEAT2:
	case CS_SYS_LINKAT:
		e->arg.flags = (uint32_t)a[4];
		/* fall through */
	case CS_SYS_RENAME:
	case CS_SYS_RENAMEAT:
	case CS_SYS_LINK:
	case CS_SYS_SYMLINK:
	case CS_SYS_SYMLINKAT:
		set_str(e->arg.path1, sizeof(e->arg.path1), x->str1, l1);
		set_str(e->arg.path2, sizeof(e->arg.path2), x->str2, l2);
		break;
	case CS_SYS_MOUNT:
		set_str(e->arg.path1, sizeof(e->arg.path1), x->str1, l1);
		set_str(e->arg.path2, sizeof(e->arg.path2), x->str2, l2);
		e->arg.flags = (uint32_t)a[3];
		break;
	case CS_SYS_PTRACE:
		e->arg.request = a[0];
		e->arg.pid = a[1];
		e->have |= CS_RT_HAVE_REQUEST;
		break;
	case CS_SYS_MEMFD_CREATE:
		set_str(e->arg.name, sizeof(e->arg.name), x->str1, l1);
		e->arg.flags = (uint32_t)a[1];
		e->fd.num = x->h.ret >= 0 ? x->h.ret : -1;
		e->fd.type = CS_RT_FD_MEMFD;
		e->have |= CS_RT_HAVE_FD;
		break;
	case CS_SYS_INIT_MODULE:
	case CS_SYS_FINIT_MODULE:
		set_str(e->arg.name, sizeof(e->arg.name), x->str1, l1);
		if (x->h.syscall == CS_SYS_FINIT_MODULE) {
			e->arg.fd = a[0];
			e->arg.flags = (uint32_t)a[2];
		}
		break;
	case CS_SYS_SETNS:
		e->arg.fd = a[0];
		e->arg.flags = (uint32_t)a[1]; /* nstype */
		break;
	case CS_SYS_UNSHARE:
		e->arg.flags = (uint32_t)a[0];
		break;
	case CS_SYS_BPF:
		e->arg.request = a[0]; /* cmd */
		e->fd.num = x->h.ret >= 0 ? x->h.ret : -1;
		break;
	case CS_SYS_SOCKET:
		e->arg.domain = (int32_t)a[0];
		e->arg.type = (int32_t)a[1];
		e->arg.protocol = (int32_t)a[2];
		e->have |= CS_RT_HAVE_DOMAIN | CS_RT_HAVE_FD;
		e->fd.num = x->h.ret >= 0 ? x->h.ret : -1;
		e->fd.family = (uint16_t)a[0];
		/* the L4 protocol the socket will speak (connect's own record cannot
		 * tell: the kernel's sock is out of reach) */
		if ((a[0] == AF_INET || a[0] == AF_INET6) && (a[1] & 0xf) == SOCK_STREAM &&
		    (a[2] == 0 || a[2] == IPPROTO_TCP))
			e->fd.l4proto = IPPROTO_TCP;
		else if ((a[0] == AF_INET || a[0] == AF_INET6) && (a[1] & 0xf) == SOCK_DGRAM &&
			 (a[2] == 0 || a[2] == IPPROTO_UDP))
			e->fd.l4proto = IPPROTO_UDP;
		e->fd.type = a[0] == AF_INET	? CS_RT_FD_IPV4
			     : a[0] == AF_INET6 ? CS_RT_FD_IPV6
			     : a[0] == AF_UNIX	? CS_RT_FD_UNIX
			     : a[0] == 16	? CS_RT_FD_NETLINK
			     : a[0] == 17	? CS_RT_FD_PACKET
						: CS_RT_FD_NONE;
		break;
	case CS_SYS_DUP:
	case CS_SYS_DUP2:
	case CS_SYS_DUP3:
		/* fd.* of the duplicated descriptor come from user space's fd table */
		e->arg.fd = a[0];
		e->fd.num = x->h.ret >= 0 ? x->h.ret : -1;
		if (x->h.syscall == CS_SYS_DUP3)
			e->arg.flags = (uint32_t)a[2];
		break;
	default: /* setuid family, capset: the ids asked for */
		e->arg.pid = a[0];
		break;
	}
	return 0;
}

int cs_sensor_decode(const void *rec, size_t len, uint64_t boot_to_epoch_ns, struct cs_rt_event *e,
		     uint64_t *ret_cgroup, struct cs_error *err)
{
	/* a copy: the ring buffer's bytes are not aligned for every member and
	 * must not be read twice (the kernel side does not change them, but a
	 * replayed file could be anything) */
	union {
		struct cs_sensor_hdr h;
		struct cs_sensor_exec exec;
		struct cs_sensor_fork fork;
		struct cs_sensor_open open;
		struct cs_sensor_net net;
		struct cs_sensor_sys sys;
	} r;
	unsigned kind = cs_sensor_record_kind(rec, len);
	size_t want = kind_size(kind);

	/* one event per record: clearing all of its 17 KiB cost more than decoding */
	cs_rt_event_reset(e);
	if (!want)
		return cs_error_set(err, -CS_E_INPUT,
				    "sensor record of unknown kind %u (%zu bytes)", kind, len);
	if (len != want)
		return cs_error_set(err, -CS_E_INPUT,
				    "sensor record of kind %u has %zu bytes, want %zu", kind, len,
				    want);
	memcpy(&r, rec, want);
	if (r.h.size != want)
		return cs_error_set(err, -CS_E_INPUT, "sensor record says %u bytes, has %zu",
				    r.h.size, want);
	hdr_into(&r.h, boot_to_epoch_ns, e);
	if (ret_cgroup)
		*ret_cgroup = r.h.cgroup_id;
	switch (kind) {
	case CS_SENSOR_EXEC:
		decode_exec(&r.exec, e);
		e->res = 0;
		return 0;
	case CS_SENSOR_EXIT:
		e->type = CS_RT_EVT_PROCEXIT;
		return 0;
	case CS_SENSOR_FORK:
		e->type = CS_RT_EVT_CLONE;
		e->res = r.fork.child_pid; /* clone's result in the parent */
		e->arg.pid = r.fork.child_pid;
		return 0;
	case CS_SENSOR_OPEN:
		return decode_open(&r.open, e, err);
	case CS_SENSOR_SYS:
		return decode_sys(&r.sys, e, err);
	default:
		return decode_net(&r.net, e, err);
	}
}
