/* SPDX-License-Identifier: Apache-2.0 */
/* Drift (drift.h): overlayfs upper-layer executables, decided in user space. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "basic/alloc.h"
#include "runtime/drift.h"

#define DRIFT_CACHE	 64	   /* containers remembered */
#define MOUNTINFO_MAX	 (1 << 20) /* bytes of /proc/PID/mountinfo read */
#define MOUNTINFO_FIELDS 64

struct drift_entry {
	char id[CS_RT_ID_MAX];
	bool overlay; /* false: the root is not an overlay with an upperdir */
	char upper[PATH_MAX];
};

struct cs_drift {
	char proc_root[256];
	struct drift_entry cache[DRIFT_CACHE];
	size_t next; /* round-robin replacement */
};

/* mountinfo's octal escapes (\040 space, \011, \012, \134) undone. */
static int unescape(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= outsz)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	/* an empty path, or one with a NUL in it, is no path */
	return o == 0 || strlen(out) != o ? -EINVAL : 0;
}

/* One mountinfo line: 1 and the upperdir when it is an overlay at "/". */
static int parse_line(const char *l, size_t n, char *out, size_t outsz)
{
	const char *f[MOUNTINFO_FIELDS];
	size_t fl[MOUNTINFO_FIELDS], nf = 0, dash = 0;
	const char *p = l, *end = l + n, *opt, *oend;

	while (p < end && nf < MOUNTINFO_FIELDS) {
		const char *s;

		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		s = p;
		while (p < end && *p != ' ')
			p++;
		f[nf] = s;
		fl[nf] = (size_t)(p - s);
		if (!dash && nf >= 6 && fl[nf] == 1 && *s == '-')
			dash = nf;
		nf++;
	}
	/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
	if (!dash || nf < dash + 4 || fl[4] != 1 || f[4][0] != '/')
		return 0;
	if (fl[dash + 1] != 7 || memcmp(f[dash + 1], "overlay", 7) != 0)
		return 0;
	opt = f[dash + 3];
	oend = opt + fl[dash + 3];
	while (opt < oend) {
		const char *c = memchr(opt, ',', (size_t)(oend - opt));
		size_t len = c ? (size_t)(c - opt) : (size_t)(oend - opt);

		if (len > 9 && memcmp(opt, "upperdir=", 9) == 0) {
			int r = unescape(opt + 9, len - 9, out, outsz);

			if (r == -EINVAL)
				return 0;
			return r < 0 ? r : 1;
		}
		opt += len + (c ? 1 : 0);
	}
	return 0;
}

int cs_drift_upperdir_parse(const char *mountinfo, size_t len, char *out, size_t outsz)
{
	const char *p = mountinfo, *end = mountinfo + len;
	int found = 0;

	if (outsz)
		out[0] = '\0';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char tmp[PATH_MAX];
		int r = parse_line(p, n, tmp, sizeof(tmp));

		if (r < 0)
			return r;
		if (r > 0) {
			/* a later overlay at "/" hides an earlier one */
			if (strlen(tmp) + 1 > outsz)
				return -ENAMETOOLONG;
			memcpy(out, tmp, strlen(tmp) + 1);
			found = 1;
		} else if (n > 0) {
			/* a later non-overlay mount at "/" hides an earlier overlay */
			const char *f = p;
			int sp = 0;
			size_t i;

			for (i = 0; i < n && sp < 4; i++)
				if (f[i] == ' ')
					sp++;
			if (sp == 4 && i + 1 < n && f[i] == '/' && f[i + 1] == ' ') {
				found = 0;
				if (outsz)
					out[0] = '\0';
			}
		}
		p += n + 1;
	}
	return found;
}

int cs_drift_in_upper(const char *upperdir, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_NO_XDEV,
	};
	struct stat st;
	int dfd, fd, r;

	while (*path == '/')
		path++;
	if (!*path)
		return 0;
	dfd = open(upperdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	close(dfd);
	if (fd < 0)
		return 0; /* absent, through a symlink (ELOOP), across a mount (EXDEV) */
	r = fstat(fd, &st);
	close(fd);
	if (r < 0)
		return 0;
	/* a whiteout (char device 0:0) is a deleted file: not an upper one */
	return S_ISREG(st.st_mode) ? 1 : 0;
}

struct cs_drift *cs_drift_new(const char *proc_root)
{
	struct cs_drift *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	snprintf(d->proc_root, sizeof(d->proc_root), "%s", proc_root ? proc_root : "/proc");
	return d;
}

void cs_drift_free(struct cs_drift *d)
{
	free(d);
}

/* The container's entry, read from the process's mountinfo when not cached. */
static struct drift_entry *lookup(struct cs_drift *d, const char *id, int64_t pid)
{
	struct drift_entry *e;
	char path[320], *buf;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	for (size_t i = 0; i < DRIFT_CACHE; i++)
		if (d->cache[i].id[0] && strcmp(d->cache[i].id, id) == 0)
			return &d->cache[i];
	snprintf(path, sizeof(path), "%s/%lld/mountinfo", d->proc_root, (long long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL; /* gone: unknown, not cached */
	buf = malloc(MOUNTINFO_MAX);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (len < MOUNTINFO_MAX && (n = read(fd, buf + len, MOUNTINFO_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	e = &d->cache[d->next];
	d->next = (d->next + 1) % DRIFT_CACHE;
	r = cs_drift_upperdir_parse(buf, len, e->upper, sizeof(e->upper));
	free(buf);
	if (r < 0 || len == 0) {
		e->id[0] = '\0';
		return NULL;
	}
	e->overlay = r > 0;
	snprintf(e->id, sizeof(e->id), "%s", id);
	return e;
}

int cs_drift_apply(struct cs_drift *d, struct cs_rt_event *ev)
{
	struct drift_entry *c;
	char exe[CS_RT_PATH_MAX], link[320];
	int r = -1;

	if (!d || ev->type != CS_RT_EVT_EXECVE || !ev->container.id[0] ||
	    strcmp(ev->container.id, "host") == 0 || ev->proc.pid <= 0)
		return 0;
	c = lookup(d, ev->container.id, ev->proc.pid);
	if (!c || !c->overlay)
		return 0;
	if (ev->proc.exepath[0] == '/') {
		r = cs_drift_in_upper(c->upper, ev->proc.exepath);
	} else if (ev->proc.exepath[0]) {
		/* relative: from the live process's cwd, as it sees it */
		char cwd[CS_RT_PATH_MAX], full[2 * CS_RT_PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof(link), "%s/%lld/cwd", d->proc_root, (long long)ev->proc.pid);
		n = readlink(link, cwd, sizeof(cwd) - 1);
		if (n > 0 && cwd[0] == '/') {
			cwd[n] = '\0';
			if ((size_t)snprintf(full, sizeof(full), "%s/%s", cwd, ev->proc.exepath) <
			    sizeof(full))
				r = cs_drift_in_upper(c->upper, full);
		}
	}
	if (r != 1) {
		/* a relative path, or one through a symlinked directory of the
		 * image (/bin -> usr/bin): the kernel's resolved exe link */
		ssize_t n;

		snprintf(link, sizeof(link), "%s/%lld/exe", d->proc_root, (long long)ev->proc.pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
			if (exe[0] == '/' && strcmp(exe, ev->proc.exepath) != 0) {
				int r2 = cs_drift_in_upper(c->upper, exe);

				if (r2 >= 0)
					r = r2;
			}
		}
	}
	if (r < 0)
		return 0;
	ev->proc.exe_flags &= ~(uint32_t)(CS_RT_EXE_UPPER_LAYER | CS_RT_EXE_LOWER_LAYER);
	ev->proc.exe_flags |= r ? CS_RT_EXE_UPPER_LAYER : CS_RT_EXE_LOWER_LAYER;
	ev->have |= CS_RT_HAVE_EXE_FLAGS;
	ev->arg.flags = ev->proc.exe_flags;
	return 1;
}
