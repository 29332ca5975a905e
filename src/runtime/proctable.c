/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process table (proctable.h): a hash of pid -> what the process runs.
 * /proc is read with bounded reads; its content (comm, cmdline) is the
 * processes' own and is treated as hostile. Never prints.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "runtime/proctable.h"

#define BUCKETS	  65536u
#define AT_FDCWD_ -100

struct proc {
	struct proc *next;
	int64_t pid, ppid;
	uint16_t name_len, exe_len, exepath_len; /* events copy these strings without strlen */
	char name[CS_RT_NAME_MAX];
	char exe[CS_RT_PATH_MAX / 4];
	char exepath[CS_RT_PATH_MAX / 4];
	char args[CS_RT_ARGS_MAX]; /* argv[1..], NUL-separated */
	uint16_t args_len, argc;
};

struct cs_proctable {
	struct proc *buckets[BUCKETS];
	size_t count;
	uint64_t gen; /* changes with every entry added, changed or removed */
	char *proc_root;
	struct cs_buf clean; /* scratch for resolved paths */
};

/*
 * A new gen, unique across tables and never 0: an event's note
 * (cs_rt_event.filled) names one state of one table.
 */
static void changed(struct cs_proctable *pt)
{
	static uint64_t seq;

	pt->gen = __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
}

static struct proc **find(struct cs_proctable *pt, int64_t pid)
{
	struct proc **pp = &pt->buckets[(uint64_t)pid % BUCKETS];

	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return pp;
}

static struct proc *get(struct cs_proctable *pt, int64_t pid)
{
	return *find(pt, pid);
}

/* The entry of pid, created empty when absent (NULL when the table is full). */
static struct proc *get_or_add(struct cs_proctable *pt, int64_t pid)
{
	struct proc **pp = find(pt, pid);

	if (*pp)
		return *pp;
	if (pt->count >= CS_PROCTABLE_MAX)
		return NULL;
	*pp = calloc(1, sizeof(**pp));
	if (!*pp)
		return NULL;
	(*pp)->pid = pid;
	pt->count++;
	changed(pt);
	return *pp;
}

static void forget(struct cs_proctable *pt, int64_t pid)
{
	struct proc **pp = find(pt, pid), *p = *pp;

	if (!p)
		return;
	*pp = p->next;
	free(p);
	pt->count--;
	changed(pt);
}

/* Read at most cap-1 bytes of a small /proc file; -1 on failure. */
static ssize_t read_small(int dirfd, const char *name, char *buf, size_t cap)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off + 1 < cap) {
		ssize_t n = read(fd, buf + off, cap - 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return (ssize_t)off;
}

/* A string of an entry, returning the length it has there. */
static uint16_t pset(char *dst, size_t cap, const char *src, size_t len)
{
	cs_rt_strset(dst, cap, src, len);
	return (uint16_t)strnlen(dst, cap);
}
#define PSET(p, m, src) ((p)->m##_len = pset((p)->m, sizeof((p)->m), (src), strlen(src)))

/* argv (NUL-separated, len bytes) into p->exe and p->args. */
static void set_argv(struct proc *p, const char *a, size_t len)
{
	size_t n = strnlen(a, len);

	p->exe_len = pset(p->exe, sizeof(p->exe), a, n);
	p->args_len = p->argc = 0;
	for (size_t off = n + 1; off < len;) {
		size_t k = strnlen(a + off, len - off);

		if ((size_t)p->args_len + k + 1 > sizeof(p->args))
			break;
		memcpy(p->args + p->args_len, a + off, k);
		p->args[p->args_len + k] = '\0';
		p->args_len = (uint16_t)(p->args_len + k + 1);
		p->argc++;
		off += k + 1;
	}
}

static void seed_one(struct cs_proctable *pt, int procfd, const char *pidname, int64_t pid)
{
	char buf[CS_RT_ARGS_MAX + 1], *open_paren, *close_paren;
	struct proc *p;
	int dfd;
	ssize_t n;
	long long ppid;

	dfd = openat(procfd, pidname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	n = read_small(dfd, "stat", buf, sizeof(buf));
	/* "pid (comm) state ppid ...": comm may hold ')' and spaces; the last ')' ends it */
	open_paren = n > 0 ? strchr(buf, '(') : NULL;
	close_paren = n > 0 ? strrchr(buf, ')') : NULL;
	if (!open_paren || !close_paren || close_paren < open_paren ||
	    sscanf(close_paren + 1, " %*c %lld", &ppid) != 1 || !(p = get_or_add(pt, pid))) {
		close(dfd);
		return;
	}
	changed(pt);
	p->ppid = ppid;
	p->name_len = pset(p->name, sizeof(p->name), open_paren + 1,
			   (size_t)(close_paren - open_paren - 1));
	n = read_small(dfd, "cmdline", buf, sizeof(buf));
	if (n > 0)
		set_argv(p, buf, (size_t)n);
	n = readlinkat(dfd, "exe", buf, sizeof(buf) - 1);
	if (n > 0)
		p->exepath_len = pset(p->exepath, sizeof(p->exepath), buf, (size_t)n);
	close(dfd);
}

int cs_proctable_new(const char *proc_root, struct cs_proctable **ret)
{
	struct cs_proctable *pt = calloc(1, sizeof(*pt));
	struct dirent *de;
	DIR *d;
	int fd;

	if (!pt)
		return -ENOMEM;
	cs_buf_init(&pt->clean, CS_RT_PATH_MAX);
	changed(pt); /* never 0, the gen of no note */
	pt->proc_root = cs_strdup(proc_root ? proc_root : "/proc");
	if (!pt->proc_root) {
		free(pt);
		return -ENOMEM;
	}
	if (proc_root) {
		fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d && fd >= 0)
			close(fd);
		while (d && (de = readdir(d))) {
			char *end;
			long long pid = strtoll(de->d_name, &end, 10);

			if (*end || pid <= 0 || de->d_name[0] == '\0')
				continue;
			seed_one(pt, dirfd(d), de->d_name, pid);
		}
		if (d)
			closedir(d);
	}
	*ret = pt;
	return 0;
}

void cs_proctable_free(struct cs_proctable *pt)
{
	if (!pt)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		for (struct proc *p = pt->buckets[i], *n; p; p = n) {
			n = p->next;
			free(p);
		}
	cs_buf_done(&pt->clean);
	free(pt->proc_root);
	free(pt);
}

size_t cs_proctable_count(const struct cs_proctable *pt)
{
	return pt->count;
}

/*
 * The directory /proc/PID/<link> points at (cwd, fd/N), as the process sees
 * it: the link reads as the host sees it, so the process's own root is
 * stripped. false when the process is gone or the link is not a path.
 */
static bool read_dir(struct cs_proctable *pt, int64_t pid, const char *link, char *out, size_t cap)
{
	char p[96], dir[PATH_MAX], root[PATH_MAX];
	const char *d = dir;
	ssize_t n, rn;

	snprintf(p, sizeof(p), "%s/%lld/%s", pt->proc_root, (long long)pid, link);
	n = readlink(p, dir, sizeof(dir) - 1);
	if (n <= 0 || dir[0] != '/')
		return false;
	dir[n] = '\0';
	snprintf(p, sizeof(p), "%s/%lld/root", pt->proc_root, (long long)pid);
	rn = readlink(p, root, sizeof(root) - 1);
	if (rn > 1) {
		size_t rl = (size_t)rn;

		root[rn] = '\0';
		if (!strncmp(dir, root, rl) && (dir[rl] == '/' || dir[rl] == '\0'))
			d = dir[rl] ? dir + rl : "/";
	}
	return cs_rt_strset(out, cap, d, strlen(d));
}

/*
 * A relative open path made absolute from the live process's cwd or
 * directory fd. Without chdir events the sensor cannot know a cwd it did
 * not read: a process gone by the time its event is read keeps the path
 * as given (a guess from an older cwd could name the wrong file).
 */
static void resolve_path(struct cs_proctable *pt, struct cs_rt_event *e)
{
	char dir[CS_RT_PATH_MAX], out[CS_RT_PATH_MAX], link[32];
	bool ok = false;

	if (!e->fd.nameraw[0] || e->fd.nameraw[0] == '/')
		return;
	if (e->arg.fd == AT_FDCWD_) {
		ok = read_dir(pt, e->proc.pid, "cwd", dir, sizeof(dir));
	} else if (e->arg.fd >= 0) {
		snprintf(link, sizeof(link), "fd/%lld", (long long)e->arg.fd);
		ok = read_dir(pt, e->proc.pid, link, dir, sizeof(dir));
	}
	if (!ok)
		return;
	if (snprintf(out, sizeof(out), "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
		     e->fd.nameraw) >= (int)sizeof(out)) {
		e->truncated |= CS_RT_TRUNC_PATH;
		CS_RT_SET(e->fd.name, out);
		return;
	}
	/* "." and ".." lexically, as Falco shows them ("/usr/./lib/x" is "/usr/lib/x") */
	cs_buf_reset(&pt->clean);
	if (cs_path_clean(out, strlen(out), &pt->clean, NULL) == 0)
		snprintf(e->fd.name, sizeof(e->fd.name), "/%s",
			 pt->clean.data ? pt->clean.data : "");
	else
		CS_RT_SET(e->fd.name, out);
}

static void fill_from(struct cs_rt_event *e, const struct proc *p)
{
	if (!e->proc.exe[0])
		cs_rt_strset(e->proc.exe, sizeof(e->proc.exe), p->exe, p->exe_len);
	if (!e->proc.exepath[0])
		cs_rt_strset(e->proc.exepath, sizeof(e->proc.exepath), p->exepath, p->exepath_len);
	if (!e->proc.args_len && e->type != CS_RT_EVT_EXECVE) {
		memcpy(e->proc.args, p->args, p->args_len);
		e->proc.args_len = p->args_len;
		e->proc.argc = p->argc;
	}
}

void cs_proctable_apply(struct cs_proctable *pt, struct cs_rt_event *e)
{
	struct proc *p, *parent;
	int64_t pid = e->proc.pid, anc;

	if (e->type == CS_RT_EVT_EXECVE || e->type == CS_RT_EVT_CLONE)
		changed(pt); /* an entry's name, exe or args changes */
	switch (e->type) {
	case CS_RT_EVT_EXECVE:
		p = get_or_add(pt, pid);
		if (p) {
			p->ppid = e->proc.ppid;
			PSET(p, name, e->proc.name);
			PSET(p, exe, e->proc.exe);
			PSET(p, exepath, e->proc.exepath);
			memcpy(p->args, e->proc.args, e->proc.args_len);
			p->args_len = e->proc.args_len;
			p->argc = e->proc.argc;
		}
		break;
	case CS_RT_EVT_CLONE:
		parent = get(pt, pid);
		p = e->arg.pid > 0 ? get_or_add(pt, e->arg.pid) : NULL;
		if (p) {
			p->ppid = pid;
			PSET(p, name, e->proc.name);
			if (parent && parent != p) {
				memcpy(p->exe, parent->exe, sizeof(p->exe));
				memcpy(p->exepath, parent->exepath, sizeof(p->exepath));
				p->exe_len = parent->exe_len;
				p->exepath_len = parent->exepath_len;
				memcpy(p->args, parent->args, sizeof(p->args));
				p->args_len = parent->args_len;
				p->argc = parent->argc;
			}
		}
		break;
	default:
		break;
	}
	p = get(pt, pid);
	if (p)
		fill_from(e, p);
	if (cs_rt_evt_is_open(e->type))
		resolve_path(pt, e);
	/*
	 * ancestors: parent first, along the remembered ppid chain. A reused
	 * event still holds them when neither the table nor the parent changed
	 * since they were filled (the sensor's events come in runs of one
	 * process): copying them again was the most of this function.
	 */
	if (e->filled.gen == pt->gen && e->filled.ppid == e->proc.ppid) {
		e->proc.n_ancestors = e->filled.n_ancestors;
		if (e->filled.pargs_set) {
			e->proc.pargs_len = e->filled.pargs_len;
			e->proc.pargc = e->filled.pargc;
		}
		goto done;
	}
	e->filled.pargs_set = false;
	e->proc.n_ancestors = 0;
	anc = e->proc.ppid;
	for (unsigned i = 0; i < CS_RT_ANCESTORS && anc > 0; i++) {
		struct cs_rt_ancestor *a = &e->proc.ancestors[i];
		struct proc *q = get(pt, anc);

		/* every member readers see is set: the event is not cleared past its strings */
		a->pid = anc;
		e->proc.n_ancestors = (uint8_t)(i + 1);
		if (!q) {
			a->name[0] = a->exe[0] = a->exepath[0] = '\0';
			break;
		}
		cs_rt_strset(a->name, sizeof(a->name), q->name, q->name_len);
		cs_rt_strset(a->exe, sizeof(a->exe), q->exe, q->exe_len);
		cs_rt_strset(a->exepath, sizeof(a->exepath), q->exepath, q->exepath_len);
		if (i == 0) {
			memcpy(e->proc.pargs, q->args, q->args_len);
			e->proc.pargs_len = q->args_len;
			e->proc.pargc = q->argc;
			e->filled.pargs_set = true;
		}
		if (q->ppid == anc)
			break;
		anc = q->ppid;
	}
	e->filled.gen = pt->gen;
	e->filled.ppid = e->proc.ppid;
	e->filled.n_ancestors = e->proc.n_ancestors;
	e->filled.pargs_len = e->proc.pargs_len;
	e->filled.pargc = e->proc.pargc;
done:
	if (e->type == CS_RT_EVT_PROCEXIT)
		forget(pt, pid);
}
