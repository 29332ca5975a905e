/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events <-> JSON lines. The key table below is the single definition of the
 * JSON form: the writer and the reader both walk it, so a field the sensor
 * records is a field replay can read back.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "runtime/event_json.h"

enum kind { K_STR, K_I64, K_U64, K_U32, K_U16, K_BOOL, K_I32, K_UID };

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	size_t size;
	uint32_t have; /* bit set in e->have when present; written only when set */
};

#define E(m) offsetof(struct cs_rt_event, m), sizeof(((struct cs_rt_event *)0)->m)
#define S(n, m)                   \
	{                         \
		n, K_STR, E(m), 0 \
	}
#define N(n, k, m, h)         \
	{                     \
		n, k, E(m), h \
	}

static const struct key keys[] = {
	N("evt.num", K_U64, num, 0),
	N("evt.time", K_U64, ts_ns, 0),
	N("evt.rawres", K_I64, res, CS_RT_HAVE_RES),
	N("evt.cpu", K_U16, cpu, 0),
	S("evt.hostname", hostname),
	N("proc.pid", K_I64, proc.pid, 0),
	N("thread.tid", K_I64, proc.tid, 0),
	N("proc.ppid", K_I64, proc.ppid, 0),
	N("proc.vpid", K_I64, proc.vpid, 0),
	N("proc.sid", K_I64, proc.sid, 0),
	N("proc.vpgid", K_I64, proc.vpgid, CS_RT_HAVE_VPGID),
	N("user.uid", K_UID, proc.uid, 0),
	N("group.gid", K_UID, proc.gid, 0),
	N("user.loginuid", K_UID, proc.loginuid, CS_RT_HAVE_LOGINUID),
	N("proc.tty", K_U32, proc.tty, CS_RT_HAVE_TTY),
	N("thread.cap_effective", K_U64, proc.cap_effective, CS_RT_HAVE_CAPS),
	N("thread.cap_permitted", K_U64, proc.cap_permitted, CS_RT_HAVE_CAPS),
	N("proc.start_ts", K_U64, proc.start_ns, CS_RT_HAVE_PROC_START),
	N("proc.pstart_ts", K_U64, proc.pstart_ns, CS_RT_HAVE_PPROC_START),
	N("proc.exe_flags", K_U32, proc.exe_flags, CS_RT_HAVE_EXE_FLAGS),
	N("proc.exe_ino", K_U64, proc.exe_ino, CS_RT_HAVE_EXE_INO),
	N("proc.exe_ino.ctime", K_U64, proc.exe_ino_ctime_ns, CS_RT_HAVE_EXE_INO),
	N("proc.exe_ino.mtime", K_U64, proc.exe_ino_mtime_ns, CS_RT_HAVE_EXE_INO),
	S("proc.name", proc.name),
	S("proc.exe", proc.exe),
	S("proc.exepath", proc.exepath),
	S("proc.cwd", proc.cwd),
	S("proc.sname", proc.sname),
	S("proc.vpgid.name", proc.vpgid_name),
	S("proc.vpgid.exe", proc.vpgid_exe),
	S("user.name", proc.user),
	S("user.loginname", proc.loginname),
	S("user.homedir", proc.homedir),
	S("user.shell", proc.shell),
	S("group.name", proc.group),
	N("fd.num", K_I64, fd.num, CS_RT_HAVE_FD),
	S("fd.name", fd.name),
	S("fd.nameraw", fd.nameraw),
	N("fd.connected", K_BOOL, fd.connected, CS_RT_HAVE_FD_CONNECTED),
	N("fd.name_changed", K_BOOL, fd.name_changed, CS_RT_HAVE_FD_NAME_CHANGED),
	S("fd.cip", fd.cip),
	S("fd.sip", fd.sip),
	N("fd.cport", K_U16, fd.cport, CS_RT_HAVE_NET),
	N("fd.sport", K_U16, fd.sport, CS_RT_HAVE_NET),
	N("fd.server_is_local", K_BOOL, fd.server_is_local, CS_RT_HAVE_NET),
	S("fd.unix_path", fd.unix_path),
	N("evt.arg.flags", K_U32, arg.flags, 0),
	N("evt.arg.mode", K_U32, arg.mode, CS_RT_HAVE_MODE),
	N("evt.arg.request", K_I64, arg.request, CS_RT_HAVE_REQUEST),
	N("evt.arg.pid", K_I64, arg.pid, 0),
	N("evt.arg.domain", K_I32, arg.domain, CS_RT_HAVE_DOMAIN),
	N("evt.arg.type", K_I32, arg.type, 0),
	N("evt.arg.proto", K_I32, arg.protocol, 0),
	N("evt.arg.backlog", K_I32, arg.backlog, 0),
	N("evt.arg.fd", K_I64, arg.fd, 0),
	S("evt.arg.path", arg.path),
	S("evt.arg.name", arg.name),
	S("container.id", container.id),
	S("container.full_id", container.full_id),
	S("container.name", container.name),
	S("container.image", container.image),
	S("container.image.repository", container.repository),
	S("container.image.tag", container.tag),
	S("container.image.digest", container.digest),
	S("container.image.id", container.image_id),
	N("container.privileged", K_BOOL, container.privileged, CS_RT_HAVE_CONTAINER_PRIV),
	N("container.start_ts", K_U64, container.start_ns, 0),
};

/* evt.arg names of path1/path2 by event type (Falco's parameter names) */
static void path_arg_names(enum cs_rt_evt_type t, const char **a, const char **b)
{
	switch (t) {
	case CS_RT_EVT_SYMLINK:
	case CS_RT_EVT_SYMLINKAT:
		*a = "evt.arg.target", *b = "evt.arg.linkpath";
		break;
	case CS_RT_EVT_MOUNT:
		*a = "evt.arg.dev", *b = "evt.arg.dir";
		break;
	default:
		*a = "evt.arg.oldpath", *b = "evt.arg.newpath";
		break;
	}
}

static const char *const fd_type_names[CS_RT_FD_TYPE_COUNT] = {
	[CS_RT_FD_NONE] = "",
	[CS_RT_FD_FILE] = "file",
	[CS_RT_FD_DIRECTORY] = "directory",
	[CS_RT_FD_IPV4] = "ipv4",
	[CS_RT_FD_IPV6] = "ipv6",
	[CS_RT_FD_UNIX] = "unix",
	[CS_RT_FD_PIPE] = "pipe",
	[CS_RT_FD_EVENT] = "event",
	[CS_RT_FD_SIGNALFD] = "signalfd",
	[CS_RT_FD_EVENTPOLL] = "eventpoll",
	[CS_RT_FD_INOTIFY] = "inotify",
	[CS_RT_FD_TIMERFD] = "timerfd",
	[CS_RT_FD_NETLINK] = "netlink",
	[CS_RT_FD_MEMFD] = "memfd",
	[CS_RT_FD_BPF] = "bpf",
	[CS_RT_FD_USERFAULTFD] = "userfaultfd",
	[CS_RT_FD_IO_URING] = "io_uring",
	[CS_RT_FD_PACKET] = "packet",
};

const char *cs_rt_fd_type_name(enum cs_rt_fd_type t)
{
	return (unsigned)t < CS_RT_FD_TYPE_COUNT ? fd_type_names[t] : "";
}

static const char *l4_name(uint8_t p)
{
	switch (p) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
	case 58:
		return "icmp";
	case 255:
		return "raw";
	default:
		return "";
	}
}

static void write_strv(struct cs_json *w, const char *key, const char *buf, uint16_t len)
{
	cs_json_key(w, key);
	cs_json_begin_array(w);
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(buf + i, len - i);
		cs_json_stringn(w, buf + i, n);
		i += n + 1;
	}
	cs_json_end_array(w);
}

void cs_rt_event_write_json(const struct cs_rt_event *e, struct cs_json *w)
{
	const char *pa, *pb;
	cs_json_begin_object(w);
	cs_json_kv_string(w, "evt.type", cs_rt_evt_type_name(e->type));
	for (size_t i = 0; i < CS_ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];
		const char *p = (const char *)e + k->off;
		if (k->have && !(e->have & k->have))
			continue;
		switch (k->kind) {
		case K_STR:
			if (*p)
				cs_json_kv_string(w, k->name, p);
			break;
		case K_I64: {
			int64_t v;
			memcpy(&v, p, sizeof(v));
			/* event arguments that are not set stay out of the line */
			if (!v && !k->have && !strncmp(k->name, "evt.arg.", 8))
				break;
			cs_json_kv_int(w, k->name, v);
			break;
		}
		case K_U64: {
			uint64_t v;
			memcpy(&v, p, sizeof(v));
			if (v || k->have)
				cs_json_kv_uint(w, k->name, v);
			break;
		}
		case K_U32: {
			uint32_t v;
			memcpy(&v, p, sizeof(v));
			if (v || k->have)
				cs_json_kv_uint(w, k->name, v);
			break;
		}
		case K_UID: {
			/* uid_t: -1 (unset) is written as -1 */
			uint32_t v;
			memcpy(&v, p, sizeof(v));
			if (v == UINT32_MAX && !k->have)
				break;
			cs_json_kv_int(w, k->name, v == UINT32_MAX ? -1 : (int64_t)v);
			break;
		}
		case K_I32: {
			int32_t v;
			memcpy(&v, p, sizeof(v));
			if (v || k->have)
				cs_json_kv_int(w, k->name, v);
			break;
		}
		case K_U16: {
			uint16_t v;
			memcpy(&v, p, sizeof(v));
			if (v || k->have)
				cs_json_kv_uint(w, k->name, v);
			break;
		}
		case K_BOOL:
			cs_json_kv_bool(w, k->name, *(const bool *)p);
			break;
		}
	}
	if (e->fd.type != CS_RT_FD_NONE)
		cs_json_kv_string(w, "fd.type", cs_rt_fd_type_name(e->fd.type));
	if (e->fd.l4proto)
		cs_json_kv_string(w, "fd.l4proto", l4_name(e->fd.l4proto));
	path_arg_names(e->type, &pa, &pb);
	if (e->arg.path1[0])
		cs_json_kv_string(w, pa, e->arg.path1);
	if (e->arg.path2[0])
		cs_json_kv_string(w, pb, e->arg.path2);
	if (e->proc.argc || e->proc.args_len)
		write_strv(w, "proc.args", e->proc.args, e->proc.args_len);
	if (e->proc.pargc || e->proc.pargs_len)
		write_strv(w, "proc.pargs", e->proc.pargs, e->proc.pargs_len);
	if (e->proc.n_ancestors) {
		cs_json_key(w, "proc.ancestors");
		cs_json_begin_array(w);
		for (unsigned i = 0; i < e->proc.n_ancestors && i < CS_RT_ANCESTORS; i++) {
			const struct cs_rt_ancestor *a = &e->proc.ancestors[i];
			cs_json_begin_object(w);
			cs_json_kv_int(w, "pid", a->pid);
			cs_json_kv_string(w, "name", a->name);
			if (a->exe[0])
				cs_json_kv_string(w, "exe", a->exe);
			if (a->exepath[0])
				cs_json_kv_string(w, "exepath", a->exepath);
			cs_json_end_object(w);
		}
		cs_json_end_array(w);
	}
	if (e->container.labels_len) {
		const struct cs_rt_container *c = &e->container;
		cs_json_key(w, "container.labels");
		cs_json_begin_object(w);
		for (size_t i = 0; i < c->labels_len;) {
			size_t n = strnlen(c->labels + i, c->labels_len - i);
			const char *eq = memchr(c->labels + i, '=', n);
			if (eq) {
				char key[256];
				size_t kl = CS_MIN((size_t)(eq - (c->labels + i)), sizeof(key) - 1);
				memcpy(key, c->labels + i, kl);
				key[kl] = '\0';
				cs_json_key(w, key);
				cs_json_stringn(w, eq + 1, n - (size_t)(eq - (c->labels + i)) - 1);
			}
			i += n + 1;
		}
		cs_json_end_object(w);
	}
	if (e->truncated)
		cs_json_kv_uint(w, "evt.truncated", e->truncated);
	cs_json_end_object(w);
}

static int bad(struct cs_error *err, const char *key, const char *why)
{
	return cs_error_set(err, -CS_E_INPUT, "event key '%s': %s", key, why);
}

static int get_int(json_t *v, const char *key, int64_t lo, uint64_t hi, int64_t *ret,
		   struct cs_error *err)
{
	json_int_t x;
	if (!json_is_integer(v))
		return bad(err, key, "not an integer");
	x = json_integer_value(v);
	if (x < lo || (x > 0 && (uint64_t)x > hi))
		return bad(err, key, "out of range");
	*ret = x;
	return 0;
}

static int read_strv(json_t *v, const char *key, struct cs_rt_event *e, bool parent,
		     struct cs_error *err)
{
	size_t i;
	json_t *s;
	if (!json_is_array(v))
		return bad(err, key, "not an array of strings");
	json_array_foreach (v, i, s) {
		if (!json_is_string(s))
			return bad(err, key, "not an array of strings");
		if (parent)
			cs_rt_event_add_parg(e, json_string_value(s), json_string_length(s));
		else
			cs_rt_event_add_arg(e, json_string_value(s), json_string_length(s));
	}
	return 0;
}

static int set_str(struct cs_rt_event *e, char *dst, size_t cap, json_t *v, const char *key,
		   struct cs_error *err)
{
	if (!json_is_string(v))
		return bad(err, key, "not a string");
	if (!cs_rt_strset(dst, cap, json_string_value(v), json_string_length(v)))
		e->truncated |= CS_RT_TRUNC_PATH;
	/* a NUL inside the JSON string ends the C string: that is the truncation */
	return 0;
}

static int read_ancestors(json_t *v, struct cs_rt_event *e, struct cs_error *err)
{
	size_t i;
	json_t *a;
	if (!json_is_array(v))
		return bad(err, "proc.ancestors", "not an array");
	json_array_foreach (v, i, a) {
		struct cs_rt_ancestor *an;
		json_t *x;
		int r;
		if (!json_is_object(a))
			return bad(err, "proc.ancestors", "entry is not an object");
		if (e->proc.n_ancestors >= CS_RT_ANCESTORS)
			break;
		an = &e->proc.ancestors[e->proc.n_ancestors++];
		if ((x = json_object_get(a, "pid"))) {
			int64_t pid;
			if ((r = get_int(x, "proc.ancestors.pid", INT32_MIN, INT64_MAX, &pid,
					 err)) < 0)
				return r;
			an->pid = pid;
		}
		if ((x = json_object_get(a, "name")) &&
		    (r = set_str(e, an->name, sizeof(an->name), x, "proc.ancestors.name", err)) < 0)
			return r;
		if ((x = json_object_get(a, "exe")) &&
		    (r = set_str(e, an->exe, sizeof(an->exe), x, "proc.ancestors.exe", err)) < 0)
			return r;
		if ((x = json_object_get(a, "exepath")) &&
		    (r = set_str(e, an->exepath, sizeof(an->exepath), x, "proc.ancestors.exepath",
				 err)) < 0)
			return r;
	}
	return 0;
}

static int read_labels(json_t *v, struct cs_rt_event *e, struct cs_error *err)
{
	const char *k;
	json_t *x;
	if (!json_is_object(v))
		return bad(err, "container.labels", "not an object");
	json_object_foreach (v, k, x) {
		if (!json_is_string(x))
			return bad(err, "container.labels", "value is not a string");
		cs_rt_event_add_label(e, k, json_string_value(x));
	}
	return 0;
}

static int fd_type_from_name(const char *s)
{
	for (int i = 1; i < CS_RT_FD_TYPE_COUNT; i++)
		if (!strcmp(fd_type_names[i], s))
			return i;
	return -1;
}

/* keys sorted by name, built once, for a binary search per JSON key */
static const struct key *sorted_keys[CS_ARRAY_SIZE(keys)];
static pthread_once_t sorted_once = PTHREAD_ONCE_INIT;

static int key_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct key *const *)a)->name, (*(const struct key *const *)b)->name);
}

static void sort_keys(void)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(keys); i++)
		sorted_keys[i] = &keys[i];
	qsort(sorted_keys, CS_ARRAY_SIZE(keys), sizeof(sorted_keys[0]), key_cmp);
}

static const struct key *find_key(const char *name)
{
	size_t lo = 0, hi = CS_ARRAY_SIZE(keys);
	pthread_once(&sorted_once, sort_keys);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, sorted_keys[mid]->name);
		if (!c)
			return sorted_keys[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int read_key(struct cs_rt_event *e, const char *name, json_t *v, struct cs_error *err)
{
	const char *pa, *pb;
	const struct key *k = find_key(name);
	if (k) {
		char *p = (char *)e + k->off;
		int64_t x;
		int r = 0;
		switch (k->kind) {
		case K_STR:
			r = set_str(e, p, k->size, v, name, err);
			break;
		case K_BOOL:
			if (!json_is_boolean(v))
				return bad(err, name, "not a boolean");
			*(bool *)p = json_is_true(v);
			break;
		case K_I64:
			if ((r = get_int(v, name, INT64_MIN, INT64_MAX, &x, err)) == 0)
				memcpy(p, &x, sizeof(int64_t));
			break;
		case K_U64:
			if ((r = get_int(v, name, 0, INT64_MAX, &x, err)) == 0) {
				uint64_t u = (uint64_t)x;
				memcpy(p, &u, sizeof(u));
			}
			break;
		case K_U32:
			if ((r = get_int(v, name, 0, UINT32_MAX, &x, err)) == 0) {
				uint32_t u = (uint32_t)x;
				memcpy(p, &u, sizeof(u));
			}
			break;
		case K_UID:
			if ((r = get_int(v, name, -1, UINT32_MAX, &x, err)) == 0) {
				uint32_t u = x < 0 ? UINT32_MAX : (uint32_t)x;
				memcpy(p, &u, sizeof(u));
			}
			break;
		case K_I32:
			if ((r = get_int(v, name, INT32_MIN, INT32_MAX, &x, err)) == 0) {
				int32_t u = (int32_t)x;
				memcpy(p, &u, sizeof(u));
			}
			break;
		case K_U16:
			if ((r = get_int(v, name, 0, UINT16_MAX, &x, err)) == 0) {
				uint16_t u = (uint16_t)x;
				memcpy(p, &u, sizeof(u));
			}
			break;
		}
		if (r < 0)
			return r;
		e->have |= k->have;
		return 0;
	}
	if (!strcmp(name, "fd.type")) {
		int t;
		if (!json_is_string(v))
			return bad(err, name, "not a string");
		if ((t = fd_type_from_name(json_string_value(v))) < 0)
			return bad(err, name, "unknown fd type");
		e->fd.type = (enum cs_rt_fd_type)t;
		e->have |= CS_RT_HAVE_FD;
		return 0;
	}
	if (!strcmp(name, "fd.l4proto")) {
		static const struct {
			const char *n;
			uint8_t p;
		} l4[] = { { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "raw", 255 } };
		if (!json_is_string(v))
			return bad(err, name, "not a string");
		for (size_t i = 0; i < CS_ARRAY_SIZE(l4); i++)
			if (!strcmp(l4[i].n, json_string_value(v))) {
				e->fd.l4proto = l4[i].p;
				return 0;
			}
		return bad(err, name, "unknown protocol");
	}
	if (!strcmp(name, "proc.args"))
		return read_strv(v, name, e, false, err);
	if (!strcmp(name, "proc.pargs"))
		return read_strv(v, name, e, true, err);
	if (!strcmp(name, "proc.ancestors"))
		return read_ancestors(v, e, err);
	if (!strcmp(name, "container.labels"))
		return read_labels(v, e, err);
	path_arg_names(e->type, &pa, &pb);
	if (!strcmp(name, pa))
		return set_str(e, e->arg.path1, sizeof(e->arg.path1), v, name, err);
	if (!strcmp(name, pb))
		return set_str(e, e->arg.path2, sizeof(e->arg.path2), v, name, err);
	return 0; /* unknown keys are ignored (newer writers) */
}

int cs_rt_event_read_json(const char *data, size_t len, struct cs_rt_event *e, struct cs_error *err)
{
	json_error_t jerr;
	json_t *root, *t, *v;
	const char *k;
	int r = 0;

	if (len > CS_RT_JSON_LINE_MAX)
		return cs_error_set(err, -CS_E_LIMIT,
				    "event line of %zu bytes is over the %u limit", len,
				    CS_RT_JSON_LINE_MAX);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "invalid event json: %s", jerr.text);
	cs_rt_event_init(e);
	if (!json_is_object(root)) {
		r = cs_error_set(err, -CS_E_INPUT, "event is not a json object");
		goto out;
	}
	t = json_object_get(root, "evt.type");
	if (!json_is_string(t)) {
		r = bad(err, "evt.type", "missing or not a string");
		goto out;
	}
	e->type = cs_rt_evt_type_from_name(json_string_value(t), json_string_length(t));
	if (e->type == CS_RT_EVT_UNKNOWN) {
		r = bad(err, "evt.type", "unknown event type");
		goto out;
	}
	json_object_foreach (root, k, v) {
		if (!strcmp(k, "evt.type"))
			continue;
		if ((r = read_key(e, k, v, err)) < 0)
			goto out;
	}
out:
	json_decref(root);
	return r;
}
