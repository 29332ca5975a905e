/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit host: CIS Docker Benchmark v1.6 sections 1-3 from a root
 * directory (audit/host.h, docs/AUDIT-HOST.md). Everything under the root
 * is reached with openat2(RESOLVE_IN_ROOT) so a symlink in a mounted host
 * image cannot lead the audit to this machine's files; ownership and
 * permissions are compared as bits. Never prints.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "audit/host.h"
#include "analyze/toml.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/parse.h"
#include "basic/path.h"
#include "image/engine_api.h"

#define FILE_MAX	   (4u << 20)
#define MAX_RULE_FILES	   1000
#define MAX_CERT_FILES	   1000
#define MAX_PROCS	   100000
#define AUDITCTL_TIMEOUT_S 10

extern char **environ;

/* --- the root --- */

struct root {
	int fd;
	bool slash; /* the running host: /proc and auditctl are ours to read */
	const char *path;
};

/* path (absolute, inside the root) opened with flags; -errno on failure */
static int root_open(const struct root *rt, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rt->fd, path, &how, sizeof(how));

	/*
	 * Without openat2 (kernels before 5.6, some seccomp filters, valgrind)
	 * the running host's own "/" needs no confinement; a foreign root does.
	 */
	if (fd < 0 && errno == ENOSYS && rt->slash)
		fd = openat(AT_FDCWD, path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

/*
 * lstat of path inside the root (*st), and when it is a symlink, the stat
 * of what it leads to inside the root (*target, *ret_link set).
 */
static int root_stat(const struct root *rt, const char *path, struct stat *st, bool *ret_link,
		     struct stat *target)
{
	int fd = root_open(rt, path, O_PATH | O_NOFOLLOW), r = 0;

	*ret_link = false;
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		r = -errno;
	close(fd);
	if (r < 0 || !S_ISLNK(st->st_mode))
		return r;
	*ret_link = true;
	fd = root_open(rt, path, O_PATH);
	if (fd < 0)
		return fd;
	if (fstat(fd, target) < 0)
		r = -errno;
	close(fd);
	return r;
}

static bool root_exists(const struct root *rt, const char *path)
{
	struct stat st, t;
	bool link;

	return root_stat(rt, path, &st, &link, &t) == 0;
}

static int read_fd(int fd, size_t max, struct cs_buf *out)
{
	char tmp[16384];

	cs_buf_init(out, max);
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (cs_buf_append(out, tmp, (size_t)n) < 0)
			return -CS_E_LIMIT;
	}
}

/* A regular file inside the root, at most max bytes (out is initialised). */
static int root_read(const struct root *rt, const char *path, size_t max, struct cs_buf *out)
{
	struct stat st;
	int fd = root_open(rt, path, O_RDONLY | O_NONBLOCK), r;

	cs_buf_init(out, max);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	r = read_fd(fd, max, out);
	close(fd);
	return r;
}

static int slurp(const char *path, size_t max, struct cs_buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	cs_buf_init(out, max);
	if (fd < 0)
		return -errno;
	r = read_fd(fd, max, out);
	close(fd);
	return r;
}

/* "ROOT/etc/x" for messages (new string) */
static char *shown(const struct root *rt, const char *path)
{
	return rt->slash ? cs_strdup(path) : cs_asprintf("%s%s", rt->path, path);
}

/* --- results --- */

struct def {
	const char *id, *cis, *title;
	enum cs_severity sev;
	const char *fix;
};

static int emit(struct cs_audit *a, const struct def *d, enum cs_check_status st,
		const char *target, const char *path, unsigned line, const char *fmt, ...)
	CS_PRINTF(7, 8);
static int emit(struct cs_audit *a, const struct def *d, enum cs_check_status st,
		const char *target, const char *path, unsigned line, const char *fmt, ...)
{
	struct cs_check c = {
		.id = d->id,
		.cis = d->cis,
		.title = d->title,
		.severity = d->sev,
		.status = st,
		.target = target,
		.path = path,
		.line = line,
		.remediation = d->fix,
	};
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cs_audit_addv(a, &c, fmt, ap);
	va_end(ap);
	return r;
}

/* --- modes --- */

bool cs_mode_within(unsigned mode, unsigned allowed)
{
	return ((mode & 07777u) & ~(allowed & 07777u)) == 0;
}

/* --- daemon settings --- */

void cs_daemon_conf_done(struct cs_daemon_conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
		free(c->v[i].source);
	}
	free(c->v);
	*c = (struct cs_daemon_conf){ 0 };
}

static int conf_add(struct cs_daemon_conf *c, const char *key, const char *value,
		    const char *source, unsigned line)
{
	struct cs_daemon_opt *o;

	if (c->n >= CS_DAEMON_ARGS_MAX)
		return -CS_E_LIMIT;
	if (cs_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)) < 0)
		return -ENOMEM;
	o = &c->v[c->n];
	o->key = cs_strdup(key);
	o->value = cs_strdup(value);
	o->source = cs_strdup(source);
	o->line = line;
	if (!o->key || !o->value || !o->source) {
		free(o->key);
		free(o->value);
		free(o->source);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

const struct cs_daemon_opt *cs_daemon_conf_get(const struct cs_daemon_conf *c, const char *key)
{
	for (size_t i = c->n; i-- > 0;)
		if (!strcmp(c->v[i].key, key))
			return &c->v[i];
	return NULL;
}

enum opt_type { OPT_BOOL, OPT_STRING, OPT_LIST, OPT_ULIMITS, OPT_OPAQUE };

/* The settings the checks read: daemon.json name, dockerd flag, type. */
static const struct daemon_key {
	const char *json, *flag;
	char shorthand;
	enum opt_type type;
} daemon_keys[] = {
	{ "icc", "icc", 0, OPT_BOOL },
	{ "userns-remap", "userns-remap", 0, OPT_STRING },
	{ "live-restore", "live-restore", 0, OPT_BOOL },
	{ "no-new-privileges", "no-new-privileges", 0, OPT_BOOL },
	{ "userland-proxy", "userland-proxy", 0, OPT_BOOL },
	{ "log-driver", "log-driver", 0, OPT_STRING },
	{ "log-level", "log-level", 'l', OPT_STRING },
	{ "insecure-registries", "insecure-registry", 0, OPT_LIST },
	{ "tls", "tls", 0, OPT_BOOL },
	{ "tlsverify", "tlsverify", 0, OPT_BOOL },
	{ "tlscacert", "tlscacert", 0, OPT_STRING },
	{ "tlscert", "tlscert", 0, OPT_STRING },
	{ "tlskey", "tlskey", 0, OPT_STRING },
	{ "default-ulimits", "default-ulimit", 0, OPT_ULIMITS },
	{ "seccomp-profile", "seccomp-profile", 0, OPT_STRING },
	{ "authorization-plugins", "authorization-plugin", 0, OPT_LIST },
	{ "experimental", "experimental", 0, OPT_BOOL },
	{ "iptables", "iptables", 0, OPT_BOOL },
	{ "storage-driver", "storage-driver", 's', OPT_STRING },
	{ "storage-opts", "storage-opt", 0, OPT_LIST },
	{ "cgroup-parent", "cgroup-parent", 0, OPT_STRING },
	{ "data-root", "data-root", 'g', OPT_STRING },
	{ "hosts", "host", 'H', OPT_LIST },
	{ "selinux-enabled", "selinux-enabled", 0, OPT_BOOL },
	{ "debug", "debug", 'D', OPT_BOOL },
	/* flags that take a value the checks do not read (so it is not misread as an argument) */
	{ NULL, "config-file", 0, OPT_STRING },
	{ NULL, "pidfile", 'p', OPT_STRING },
	{ NULL, "exec-root", 0, OPT_STRING },
	{ NULL, "containerd", 0, OPT_STRING },
	{ NULL, "group", 'G', OPT_STRING },
	{ NULL, "bridge", 'b', OPT_STRING },
	{ NULL, "bip", 0, OPT_STRING },
	{ NULL, "dns", 0, OPT_STRING },
	{ NULL, "mtu", 0, OPT_STRING },
	{ NULL, "exec-opt", 0, OPT_STRING },
	{ NULL, "log-opt", 0, OPT_STRING },
	{ NULL, "label", 0, OPT_STRING },
	{ NULL, "add-runtime", 0, OPT_STRING },
	{ NULL, "default-runtime", 0, OPT_STRING },
	{ NULL, "registry-mirror", 0, OPT_STRING },
};

static const struct daemon_key *key_by_json(const char *k)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(daemon_keys); i++)
		if (daemon_keys[i].json && !strcmp(daemon_keys[i].json, k))
			return &daemon_keys[i];
	return NULL;
}

/* 1-based line of the first "key" in the text, 0 if not found */
static unsigned key_line(const char *p, size_t len, const char *key)
{
	size_t kl = strlen(key);
	unsigned line = 1;

	for (size_t i = 0; i + kl + 2 <= len; i++) {
		if (p[i] == '\n')
			line++;
		else if (p[i] == '"' && !memcmp(p + i + 1, key, kl) && p[i + 1 + kl] == '"')
			return line;
	}
	return 0;
}

static int json_value(const char *source, const char *key, json_t *v, unsigned line,
		      struct cs_daemon_conf *c, struct cs_error *err)
{
	const struct daemon_key *k = key_by_json(key);
	char num[64];
	int r = 0;

	if (!k)
		return 0;
	switch (k->type) {
	case OPT_BOOL:
		if (!json_is_boolean(v))
			goto type;
		return conf_add(c, key, json_is_true(v) ? "true" : "false", source, line);
	case OPT_STRING:
	case OPT_OPAQUE:
		if (!json_is_string(v))
			goto type;
		return conf_add(c, key, json_string_value(v), source, line);
	case OPT_LIST: {
		size_t i;
		json_t *e;

		if (!json_is_array(v))
			goto type;
		json_array_foreach (v, i, e) {
			if (!json_is_string(e))
				goto type;
			r = conf_add(c, key, json_string_value(e), source, line);
			if (r < 0)
				return r;
		}
		return 0;
	}
	case OPT_ULIMITS: {
		const char *name;
		json_t *e;

		if (!json_is_object(v))
			goto type;
		json_object_foreach (v, name, e) {
			json_t *soft = json_object_get(e, "Soft"),
			       *hard = json_object_get(e, "Hard");

			if (!json_is_object(e) || !json_is_integer(soft) || !json_is_integer(hard))
				goto type;
			snprintf(num, sizeof(num), "=%lld:%lld",
				 (long long)json_integer_value(soft),
				 (long long)json_integer_value(hard));
			{
				_cleanup_free_ char *s = cs_asprintf("%.100s%s", name, num);

				if (!s)
					return -ENOMEM;
				r = conf_add(c, key, s, source, line);
			}
			if (r < 0)
				return r;
		}
		return 0;
	}
	}
type:
	return cs_error_set(err, -CS_E_INPUT, "line %u: '%s' has the wrong type (want %s)", line,
			    key,
			    k->type == OPT_BOOL	     ? "a boolean"
			    : k->type == OPT_LIST    ? "an array of strings"
			    : k->type == OPT_ULIMITS ? "an object of {Name, Soft, Hard}"
						     : "a string");
}

int cs_daemon_json_parse(const char *p, size_t len, const char *source, struct cs_daemon_conf *c,
			 struct cs_error *err)
{
	json_error_t je;
	json_t *root, *v;
	const char *key;
	int r = 0;

	if (len > CS_DAEMON_JSON_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CS_DAEMON_JSON_MAX);
	/* an empty daemon.json is what packages install: no settings */
	{
		size_t i = 0;

		while (i < len && isspace((unsigned char)p[i]))
			i++;
		if (i == len)
			return 0;
	}
	root = json_loadb(p, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "line %d: %s", je.line, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return cs_error_set(err, -CS_E_INPUT, "not a JSON object");
	}
	json_object_foreach (root, key, v) {
		r = json_value(source, key, v, key_line(p, len, key), c, err);
		if (r < 0)
			break;
	}
	json_decref(root);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "more than %d settings", CS_DAEMON_ARGS_MAX);
	return r;
}

static const struct daemon_key *key_by_flag(const char *f, size_t n, char shorthand)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(daemon_keys); i++) {
		const struct daemon_key *k = &daemon_keys[i];

		if (shorthand ? k->shorthand == shorthand
			      : strlen(k->flag) == n && !memcmp(k->flag, f, n))
			return k;
	}
	return NULL;
}

static int flag_value(const struct daemon_key *k, const char *value, const char *source,
		      unsigned line, struct cs_daemon_conf *c, struct cs_error *err)
{
	if (!k->json)
		return 0;
	if (k->type == OPT_BOOL) {
		if (!strcmp(value, "true") || !strcmp(value, "1") || !strcmp(value, "t") ||
		    !strcmp(value, "TRUE") || !strcmp(value, "True"))
			value = "true";
		else if (!strcmp(value, "false") || !strcmp(value, "0") || !strcmp(value, "f") ||
			 !strcmp(value, "FALSE") || !strcmp(value, "False"))
			value = "false";
		else
			return cs_error_set(err, -CS_E_INPUT, "invalid boolean '--%s=%.100s'",
					    k->flag, value);
	}
	return conf_add(c, k->json, value, source, line);
}

int cs_daemon_args_parse(char *const *argv, size_t argc, const char *source, unsigned line,
			 struct cs_daemon_conf *c, struct cs_error *err)
{
	int r = 0;

	if (argc > CS_DAEMON_ARGS_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "more than %d arguments", CS_DAEMON_ARGS_MAX);
	for (size_t i = 0; i < argc && r >= 0; i++) {
		const char *a = argv[i], *eq, *name;
		const struct daemon_key *k;
		size_t n;

		if (a[0] != '-' || !a[1])
			continue; /* dockerd takes no arguments: ignore strays */
		if (!strcmp(a, "--"))
			break;
		if (a[1] == '-') {
			name = a + 2;
			eq = strchr(name, '=');
			n = eq ? (size_t)(eq - name) : strlen(name);
			k = key_by_flag(name, n, 0);
		} else {
			/* -H unix:///x, -Htcp://..., -D */
			name = a + 1;
			k = key_by_flag(NULL, 0, name[0]);
			eq = name[1] ? name : NULL; /* value glued to the letter */
			if (k && eq && k->type != OPT_BOOL) {
				r = flag_value(k, name[1] == '=' ? name + 2 : name + 1, source,
					       line, c, err);
				continue;
			}
			eq = name[1] == '=' ? name + 1 : NULL;
		}
		if (!k)
			continue; /* unknown flags without '=' may eat a value; we cannot know */
		if (k->type == OPT_BOOL) {
			r = flag_value(k, eq ? eq + 1 : "true", source, line, c, err);
		} else if (eq) {
			r = flag_value(k, eq + 1, source, line, c, err);
		} else if (i + 1 < argc) {
			r = flag_value(k, argv[++i], source, line, c, err);
		} else {
			r = cs_error_set(err, -CS_E_INPUT, "flag '%.100s' needs a value", a);
		}
	}
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "more than %d settings", CS_DAEMON_ARGS_MAX);
	return r;
}

/* systemd's word splitting, enough for ExecStart: quotes and backslashes */
static int split_words(const char *s, char ***ret, size_t *ret_n)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct cs_buf w = CS_BUF_INIT(65536);
	int r = 0;

	for (;;) {
		char q = 0;
		bool any = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		cs_buf_reset(&w);
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (!q && (*s == '"' || *s == '\'')) {
				q = *s;
				any = true;
				continue;
			}
			if (q && *s == q) {
				q = 0;
				continue;
			}
			if (*s == '\\' && s[1])
				s++;
			if (cs_buf_putc(&w, *s) < 0) {
				r = -CS_E_LIMIT;
				goto fail;
			}
			any = true;
		}
		if (!any)
			continue;
		if (n + 1 >= CS_DAEMON_ARGS_MAX) {
			r = -CS_E_LIMIT;
			goto fail;
		}
		if (cs_grow((void **)&v, &cap, n + 2, sizeof(*v)) < 0) {
			r = -ENOMEM;
			goto fail;
		}
		v[n] = cs_strdup(w.data ? w.data : "");
		if (!v[n]) {
			r = -ENOMEM;
			goto fail;
		}
		v[++n] = NULL;
	}
	cs_buf_done(&w);
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	cs_buf_done(&w);
	cs_strv_free(v);
	return r;
}

static bool is_dockerd(const char *argv0)
{
	const char *b = strrchr(argv0, '/');

	return !strcmp(b ? b + 1 : argv0, "dockerd");
}

int cs_daemon_unit_parse(const char *p, size_t len, const char *source, struct cs_daemon_conf *c,
			 bool *ret_found, struct cs_error *err)
{
	struct cs_buf line = CS_BUF_INIT(CS_DAEMON_JSON_MAX);
	_cleanup_free_ char *exec = NULL;
	unsigned lineno = 0, exec_line = 0, start = 0;
	bool service = false;
	size_t i = 0;
	int r = 0;

	*ret_found = false;
	if (len > CS_DAEMON_JSON_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CS_DAEMON_JSON_MAX);
	while (i < len) {
		const char *s, *e;

		/* one logical line: a trailing backslash continues it */
		cs_buf_reset(&line);
		start = lineno + 1;
		for (;;) {
			size_t j = i;

			while (j < len && p[j] != '\n')
				j++;
			lineno++;
			if (j > i && p[j - 1] == '\\') {
				if (cs_buf_append(&line, p + i, j - i - 1) < 0 ||
				    cs_buf_putc(&line, ' ') < 0)
					goto limit;
				i = j + 1;
				if (i < len)
					continue;
			} else if (cs_buf_append(&line, p + i, j - i) < 0) {
				goto limit;
			}
			i = j + 1;
			break;
		}
		s = line.data ? line.data : "";
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (*s == '#' || *s == ';' || s == e)
			continue;
		if (*s == '[') {
			service = e - s == 9 && !memcmp(s, "[Service]", 9);
			continue;
		}
		if (!service || strncmp(s, "ExecStart", 9) != 0)
			continue;
		s += 9;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '=')
			continue;
		s++;
		free(exec);
		exec = cs_strndup(s, (size_t)(e - s));
		if (!exec) {
			cs_buf_done(&line);
			return -ENOMEM;
		}
		exec_line = start;
	}
	cs_buf_done(&line);
	if (exec) {
		char **argv = NULL, *a0;
		size_t n = 0;

		r = split_words(exec, &argv, &n);
		if (r < 0)
			return cs_error_set(err, r, "line %u: ExecStart is too long", exec_line);
		a0 = n ? argv[0] : NULL;
		/* prefixes: -, @, :, +, ! and !! */
		while (a0 && *a0 && strchr("-@:+!", *a0))
			a0++;
		if (a0 && is_dockerd(a0)) {
			*ret_found = true;
			r = cs_daemon_args_parse(argv + 1, n - 1, source, exec_line, c, err);
			if (r < 0)
				cs_error_prefix(err, "line %u", exec_line);
		}
		cs_strv_free(argv);
	}
	return r;
limit:
	cs_buf_done(&line);
	return cs_error_set(err, -CS_E_LIMIT, "line %u is too long", lineno);
}

/* --- audit rules --- */

void cs_audit_watches_done(struct cs_audit_watches *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	*w = (struct cs_audit_watches){ 0 };
}

static int watch_add(struct cs_audit_watches *w, const char *p, size_t n)
{
	char *s;

	while (n > 1 && p[n - 1] == '/')
		n--;
	if (!n || p[0] != '/')
		return 0;
	if (w->n >= CS_AUDIT_WATCHES_MAX)
		return -CS_E_LIMIT;
	if (cs_grow((void **)&w->v, &w->cap, w->n + 1, sizeof(*w->v)) < 0)
		return -ENOMEM;
	s = cs_strndup(p, n);
	if (!s)
		return -ENOMEM;
	w->v[w->n++] = s;
	return 0;
}

int cs_audit_rules_parse(const char *p, size_t len, struct cs_audit_watches *w,
			 struct cs_error *err)
{
	unsigned lineno = 0;
	size_t i = 0;
	int r = 0;

	if (len > CS_AUDIT_RULES_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CS_AUDIT_RULES_MAX);
	while (i < len && r >= 0) {
		size_t e = i;
		bool want_w = false, want_f = false, action = false;

		while (e < len && p[e] != '\n')
			e++;
		lineno++;
		/* tokens separated by blanks; "-F path=/x" and "-w /x" */
		for (size_t k = i; k < e && r >= 0;) {
			size_t t;

			while (k < e && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
				k++;
			if (k >= e)
				break;
			if (p[k] == '#')
				break;
			t = k;
			while (t < e && p[t] != ' ' && p[t] != '\t' && p[t] != '\r')
				t++;
			if (want_w) {
				r = watch_add(w, p + k, t - k);
				want_w = false;
			} else if (want_f) {
				if (action && t - k > 5 && !memcmp(p + k, "path=", 5))
					r = watch_add(w, p + k + 5, t - k - 5);
				else if (action && t - k > 4 && !memcmp(p + k, "dir=", 4))
					r = watch_add(w, p + k + 4, t - k - 4);
				want_f = false;
			} else if (t - k == 2 && !memcmp(p + k, "-w", 2)) {
				want_w = true;
			} else if (t - k == 2 && !memcmp(p + k, "-F", 2)) {
				want_f = true;
			} else if (t - k == 2 &&
				   (!memcmp(p + k, "-a", 2) || !memcmp(p + k, "-A", 2))) {
				action = true;
			} else if (t - k > 2 && !memcmp(p + k, "-w", 2)) {
				r = watch_add(w, p + k + 2, t - k - 2);
			}
			k = t;
		}
		i = e + 1;
	}
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "line %u: more than %d watched paths", lineno,
				    CS_AUDIT_WATCHES_MAX);
	return r;
}

bool cs_audit_watched(const struct cs_audit_watches *w, const char *path)
{
	size_t pl = strlen(path);

	for (size_t i = 0; i < w->n; i++) {
		size_t n = strlen(w->v[i]);

		if (n == pl && !memcmp(w->v[i], path, n))
			return true;
		/* a watched directory covers what lies below it */
		if (n < pl && !memcmp(w->v[i], path, n) && (path[n] == '/' || n == 1))
			return true;
	}
	return false;
}

/* --- the host's state --- */

struct host {
	struct root rt;
	struct cs_audit *a;
	struct cs_daemon_conf conf;
	struct cs_audit_watches watches;
	bool have_rules; /* some rules file or auditctl answered */
	char *rules_where;
	bool docker, podman, containerd;
	char *docker_why;
	gid_t docker_gid;
	bool docker_gid_known;
	char *docker_members;
};

static const char *const docker_units[] = {
	"/lib/systemd/system/docker.service",
	"/usr/lib/systemd/system/docker.service",
	"/etc/systemd/system/docker.service",
};
static const char *const docker_sockets[] = {
	"/lib/systemd/system/docker.socket",
	"/usr/lib/systemd/system/docker.socket",
	"/etc/systemd/system/docker.socket",
};
static const char *const podman_units[] = {
	"/lib/systemd/system/podman.service",	 "/usr/lib/systemd/system/podman.service",
	"/etc/systemd/system/podman.service",	 "/lib/systemd/system/podman.socket",
	"/usr/lib/systemd/system/podman.socket", "/etc/systemd/system/podman.socket",
};

static bool sorted_names_keep(const char *dir, const char *name)
{
	(void)dir;
	return name[0] != '.';
}

/* names in a directory inside the root, sorted; *ret NULL when absent */
static int root_dir_names(const struct root *rt, const char *dir, size_t max, char ***ret,
			  size_t *ret_n)
{
	int fd = root_open(rt, dir, O_RDONLY | O_DIRECTORY);
	struct cs_error e = CS_ERROR_INIT;
	char *proc;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (fd < 0)
		return fd;
	/* cs_dir_names wants a path: the fd's own, which cannot escape */
	proc = cs_asprintf("/proc/self/fd/%d", fd);
	if (!proc) {
		close(fd);
		return -ENOMEM;
	}
	r = cs_dir_names(proc, max, sorted_names_keep, ret, ret_n, &e);
	free(proc);
	close(fd);
	return r;
}

static int read_group(struct host *h)
{
	struct cs_buf b;
	int r = root_read(&h->rt, "/etc/group", FILE_MAX, &b);

	if (r < 0) {
		/* no group file: no docker group to compare against */
		cs_buf_done(&b);
		return 0;
	}
	for (size_t i = 0; i < b.len;) {
		size_t e = i;

		while (e < b.len && b.data[e] != '\n')
			e++;
		if (e - i > 7 && !memcmp(b.data + i, "docker:", 7)) {
			/* docker:x:GID:members */
			const char *f = b.data + i + 7, *end = b.data + e;
			const char *c1 = memchr(f, ':', (size_t)(end - f));
			const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
			uint64_t gid;

			if (c2 && cs_parse_u64n(c1 + 1, (size_t)(c2 - c1 - 1), 10, &gid) == 0 &&
			    gid < 0xffffffffu) {
				h->docker_gid = (gid_t)gid;
				h->docker_gid_known = true;
				free(h->docker_members);
				h->docker_members = cs_strndup(c2 + 1, (size_t)(end - c2 - 1));
			}
		}
		i = e + 1;
	}
	cs_buf_done(&b);
	return 0;
}

static int load_daemon_json(struct host *h, struct cs_error *err)
{
	_cleanup_free_ char *shown_path = shown(&h->rt, "/etc/docker/daemon.json");
	struct cs_buf b;
	int r = root_read(&h->rt, "/etc/docker/daemon.json", CS_DAEMON_JSON_MAX, &b);

	if (r == -ENOENT) {
		cs_buf_done(&b);
		return 0;
	}
	if (r == -CS_E_LIMIT)
		r = cs_error_set(err, -CS_E_INPUT, "'%s': larger than %u bytes", shown_path,
				 CS_DAEMON_JSON_MAX);
	else if (r < 0)
		r = cs_error_errno(err, r, "cannot read '%s'", shown_path);
	else if ((r = cs_daemon_json_parse(b.data ? b.data : "", b.len, "/etc/docker/daemon.json",
					   &h->conf, err)) < 0 &&
		 r != -ENOMEM)
		cs_error_prefix(err, "'%s'", shown_path);
	cs_buf_done(&b);
	return r;
}

/* Parse one unit file or drop-in into *best when it runs dockerd (the later wins). */
static int load_unit(struct host *h, const char *path, struct cs_daemon_conf *best)
{
	struct cs_daemon_conf c = { 0 };
	struct cs_error e = CS_ERROR_INIT;
	struct cs_buf b;
	bool found = false;
	int r = root_read(&h->rt, path, CS_DAEMON_JSON_MAX, &b);

	if (r >= 0)
		r = cs_daemon_unit_parse(b.data ? b.data : "", b.len, path, &c, &found, &e);
	cs_buf_done(&b);
	if (r >= 0 && found) {
		cs_daemon_conf_done(best);
		*best = c;
		return 0;
	}
	cs_daemon_conf_done(&c);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && r != -ENOENT)
		cs_audit_warn(h->a, "'%s': %s", path, e.code ? e.msg : cs_strerror(r));
	return 0;
}

/*
 * The daemon's ExecStart as systemd would pick it: the unit in /lib, then
 * /usr/lib, then /etc (which overrides them), then the drop-ins of
 * /etc/systemd/system/docker.service.d in name order; the last one that
 * runs dockerd is the command line.
 */
static int load_units(struct host *h)
{
	struct cs_daemon_conf best = { 0 };
	char **names = NULL;
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < CS_ARRAY_SIZE(docker_units) && r >= 0; i++)
		r = load_unit(h, docker_units[i], &best);
	if (r >= 0)
		root_dir_names(&h->rt, "/etc/systemd/system/docker.service.d", MAX_RULE_FILES,
			       &names, &n);
	for (size_t i = 0; i < n && r >= 0; i++) {
		size_t l = strlen(names[i]);
		_cleanup_free_ char *p = NULL;

		if (l < 5 || strcmp(names[i] + l - 5, ".conf"))
			continue;
		p = cs_asprintf("/etc/systemd/system/docker.service.d/%s", names[i]);
		r = p ? load_unit(h, p, &best) : -ENOMEM;
	}
	cs_strv_free(names);
	for (size_t i = 0; i < best.n && r >= 0; i++)
		r = conf_add(&h->conf, best.v[i].key, best.v[i].value, best.v[i].source,
			     best.v[i].line);
	cs_daemon_conf_done(&best);
	return r == -CS_E_LIMIT ? 0 : r;
}

/* dockerd processes of the running host: their command lines */
static int load_procs(struct host *h, bool *ret_running)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t seen = 0;
	int r = 0;

	*ret_running = false;
	if (!d)
		return 0;
	while ((de = readdir(d)) && seen++ < MAX_PROCS && r >= 0) {
		char path[64], **argv = NULL;
		struct cs_buf b;
		size_t n = 0, cap = 0;
		uint64_t pid;

		if (cs_safe_atou64(de->d_name, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%llu/comm", (unsigned long long)pid);
		if (slurp(path, 4096, &b) < 0 || b.len < 7 || memcmp(b.data, "dockerd", 7) ||
		    (b.len > 7 && b.data[7] != '\n')) {
			cs_buf_done(&b);
			continue;
		}
		cs_buf_done(&b);
		snprintf(path, sizeof(path), "/proc/%llu/cmdline", (unsigned long long)pid);
		if (slurp(path, 1u << 20, &b) < 0) {
			cs_buf_done(&b);
			continue;
		}
		*ret_running = true;
		/* NUL-separated arguments */
		for (size_t i = 0; i < b.len && r >= 0;) {
			size_t l = strnlen(b.data + i, b.len - i);

			if (cs_grow((void **)&argv, &cap, n + 2, sizeof(*argv)) < 0)
				r = -ENOMEM;
			if (r >= 0 && n + 1 >= CS_DAEMON_ARGS_MAX)
				break;
			if (r >= 0 && !(argv[n] = cs_strndup(b.data + i, l)))
				r = -ENOMEM;
			if (r >= 0)
				argv[++n] = NULL;
			i += l + 1;
		}
		cs_buf_done(&b);
		if (r >= 0 && n > 1) {
			struct cs_error e = CS_ERROR_INIT;
			_cleanup_free_ char *src = cs_asprintf("dockerd command line (pid %llu)",
							       (unsigned long long)pid);

			if (!src)
				r = -ENOMEM;
			else if (cs_daemon_args_parse(argv + 1, n - 1, src, 0, &h->conf, &e) < 0)
				cs_audit_warn(h->a, "%s: %s", src, e.msg);
		}
		cs_strv_free(argv);
	}
	closedir(d);
	return r;
}

/* auditctl -l of the running host, bounded in size and time */
static int run_auditctl(struct cs_buf *out)
{
	static const char *const paths[] = { "/usr/sbin/auditctl", "/sbin/auditctl" };
	const char *prog = NULL;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "auditctl", "-l", NULL };
	int pfd[2], status = 0, r = 0;
	time_t deadline;
	pid_t pid;

	cs_buf_init(out, CS_AUDIT_RULES_MAX);
	for (size_t i = 0; i < CS_ARRAY_SIZE(paths); i++)
		if (access(paths[i], X_OK) == 0)
			prog = paths[i];
	if (!prog)
		return -ENOENT;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	r = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r) {
		close(pfd[0]);
		return -r;
	}
	deadline = time(NULL) + AUDITCTL_TIMEOUT_S;
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		char tmp[8192];
		ssize_t n;

		if (time(NULL) > deadline) {
			r = -ETIMEDOUT;
			break;
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = read(pfd[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (cs_buf_append(out, tmp, (size_t)n) < 0) {
			r = -CS_E_LIMIT;
			break;
		}
	}
	close(pfd[0]);
	if (r < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = -EIO;
	return r;
}

static int load_rules(struct host *h)
{
	char **names = NULL;
	size_t n = 0;
	struct cs_buf where = CS_BUF_INIT(4096);
	int r;

	r = root_dir_names(&h->rt, "/etc/audit/rules.d", MAX_RULE_FILES, &names, &n);
	if (r == -CS_E_LIMIT)
		cs_audit_warn(h->a, "/etc/audit/rules.d: more than %d files", MAX_RULE_FILES);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		_cleanup_free_ char *p = NULL;
		struct cs_error e = CS_ERROR_INIT;
		struct cs_buf b;

		if (l < 6 || strcmp(names[i] + l - 6, ".rules"))
			continue;
		p = cs_asprintf("/etc/audit/rules.d/%s", names[i]);
		if (!p) {
			cs_strv_free(names);
			return -ENOMEM;
		}
		r = root_read(&h->rt, p, CS_AUDIT_RULES_MAX, &b);
		if (r >= 0)
			r = cs_audit_rules_parse(b.data ? b.data : "", b.len, &h->watches, &e);
		cs_buf_done(&b);
		if (r >= 0) {
			h->have_rules = true;
			cs_buf_printf(&where, "%s%s", where.len ? ", " : "", p);
		} else if (r == -ENOMEM) {
			cs_strv_free(names);
			return r;
		} else {
			cs_audit_warn(h->a, "'%s': %s", p, e.code ? e.msg : cs_strerror(r));
		}
	}
	cs_strv_free(names);
	{
		struct cs_error e = CS_ERROR_INIT;
		struct cs_buf b;

		r = root_read(&h->rt, "/etc/audit/audit.rules", CS_AUDIT_RULES_MAX, &b);
		if (r >= 0)
			r = cs_audit_rules_parse(b.data ? b.data : "", b.len, &h->watches, &e);
		cs_buf_done(&b);
		if (r >= 0) {
			h->have_rules = true;
			cs_buf_printf(&where, "%s/etc/audit/audit.rules", where.len ? ", " : "");
		} else if (r != -ENOENT) {
			cs_audit_warn(h->a, "'/etc/audit/audit.rules': %s",
				      e.code ? e.msg : cs_strerror(r));
		}
	}
	if (h->rt.slash) {
		struct cs_error e = CS_ERROR_INIT;
		struct cs_buf b;

		r = run_auditctl(&b);
		if (r >= 0)
			r = cs_audit_rules_parse(b.data ? b.data : "", b.len, &h->watches, &e);
		cs_buf_done(&b);
		if (r >= 0) {
			h->have_rules = true;
			cs_buf_printf(&where, "%sauditctl -l", where.len ? ", " : "");
		} else if (r != -ENOENT) {
			cs_audit_warn(h->a, "'auditctl -l' gave no rules: %s",
				      e.code ? e.msg : cs_strerror(r));
		}
	}
	h->rules_where = cs_buf_steal(&where, NULL);
	return 0;
}

/* --- section 1 --- */

/* Octal escapes of mountinfo and fstab ("\040" is a space) decoded in place. */
static void unescape_mount(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

/* Is dir a mount point in the table (field index fld, whitespace separated)? */
static bool mount_listed(const struct cs_buf *b, unsigned fld, const char *dir)
{
	for (size_t i = 0; i < b->len;) {
		size_t e = i;
		char line[4096], *save = NULL, *tok;
		unsigned f = 0;

		while (e < b->len && b->data[e] != '\n')
			e++;
		if (e - i < sizeof(line)) {
			memcpy(line, b->data + i, e - i);
			line[e - i] = 0;
			for (tok = strtok_r(line, " \t", &save); tok && f <= fld;
			     tok = strtok_r(NULL, " \t", &save), f++) {
				if (f == 0 && tok[0] == '#')
					break;
				if (f == fld) {
					size_t l;

					unescape_mount(tok);
					l = strlen(tok);
					while (l > 1 && tok[l - 1] == '/')
						tok[--l] = 0;
					if (!strcmp(tok, dir))
						return true;
				}
			}
		}
		i = e + 1;
	}
	return false;
}

static const struct def D_1_1_1 = {
	"CS-HOST-1.1.1", "1.1.1", "a separate partition for containers has been created",
	CS_SEV_LOW, "mount the engine's data root (/var/lib/docker) on its own partition"
};

static int check_partition(struct host *h, const char *dir, const char *engine)
{
	_cleanup_free_ char *parent = cs_strndup(dir, (size_t)(strrchr(dir, '/') - dir));
	struct stat st, pst, t;
	bool link;
	struct cs_buf b;
	bool listed = false;
	const char *table = h->rt.slash ? "/proc/self/mountinfo" : "/etc/fstab";
	_cleanup_free_ char *target = cs_asprintf("%s data root %s", engine, dir);
	int r;

	if (!parent || !target)
		return -ENOMEM;
	if (root_stat(&h->rt, dir, &st, &link, &t) < 0)
		return emit(h->a, &D_1_1_1, CS_CHECK_SKIP, target, NULL, 0, "%s does not exist",
			    dir);
	if (link)
		st = t;
	if (root_stat(&h->rt, *parent ? parent : "/", &pst, &link, &t) == 0 && link)
		pst = t;
	if (h->rt.slash)
		r = slurp(table, FILE_MAX, &b);
	else
		r = root_read(&h->rt, table, FILE_MAX, &b);
	if (r >= 0)
		listed = mount_listed(&b, h->rt.slash ? 4 : 1, dir);
	cs_buf_done(&b);
	if (listed)
		return emit(h->a, &D_1_1_1, CS_CHECK_PASS, target, table, 0,
			    "%s is a mount point in %s", dir, table);
	if (st.st_dev != pst.st_dev)
		return emit(h->a, &D_1_1_1, CS_CHECK_PASS, target, NULL, 0,
			    "%s is on another device than its parent", dir);
	return emit(h->a, &D_1_1_1, CS_CHECK_FAIL, target, r >= 0 ? table : NULL, 0,
		    "%s is on the same file system as %s%s%s", dir, *parent ? parent : "/",
		    r >= 0 ? " and not a mount point in " : "", r >= 0 ? table : "");
}

static const struct def D_1_1_2 = {
	"CS-HOST-1.1.2", "1.1.2", "only trusted users are allowed to control the Docker daemon",
	CS_SEV_HIGH, "keep only trusted users in the docker group (its members are root-equivalent)"
};

struct audit_target {
	const char *cis, *title;
	const char *const *paths;
	size_t n;
};

static int check_audit_rule(struct host *h, const char *cis, const char *what,
			    const char *const *paths, size_t n)
{
	_cleanup_free_ char *id = cs_asprintf("CS-HOST-%s", cis);
	_cleanup_free_ char *title = cs_asprintf("auditing is configured for %s", what);
	_cleanup_free_ char *fix =
		cs_asprintf("add an audit rule '-w %s -k docker' to /etc/audit/rules.d/", paths[0]);
	struct def d;
	const char *present = NULL;

	if (!id || !title || !fix)
		return -ENOMEM;
	d = (struct def){ id, cis, title, CS_SEV_LOW, fix };
	for (size_t i = 0; i < n; i++) {
		if (!root_exists(&h->rt, paths[i]))
			continue;
		if (!present)
			present = paths[i];
		if (cs_audit_watched(&h->watches, paths[i]))
			return emit(h->a, &d, CS_CHECK_PASS, paths[i], NULL, 0,
				    "%s is watched by the audit rules (%s)", paths[i],
				    h->rules_where);
	}
	if (!present)
		return emit(h->a, &d, CS_CHECK_SKIP, paths[0], NULL, 0, "%s does not exist",
			    paths[0]);
	if (present != paths[0]) {
		free(fix);
		fix = cs_asprintf("add an audit rule '-w %s -k docker' to /etc/audit/rules.d/",
				  present);
		if (!fix)
			return -ENOMEM;
		d.fix = fix;
	}
	if (!h->have_rules)
		return emit(h->a, &d, CS_CHECK_FAIL, present, NULL, 0,
			    "no audit rules found (/etc/audit/rules.d/*.rules, "
			    "/etc/audit/audit.rules%s)",
			    h->rt.slash ? ", auditctl -l" : "");
	return emit(h->a, &d, CS_CHECK_FAIL, present, NULL, 0, "no audit rule watches %s (%s)",
		    present, h->rules_where);
}

static int section1(struct host *h)
{
	static const char *const dockerd[] = { "/usr/bin/dockerd", "/usr/sbin/dockerd" };
	static const char *const run_containerd[] = { "/run/containerd" };
	static const char *const var_lib_docker[] = { "/var/lib/docker" };
	static const char *const etc_docker[] = { "/etc/docker" };
	static const char *const containerd_sock[] = { "/run/containerd/containerd.sock" };
	static const char *const default_docker[] = { "/etc/default/docker" };
	static const char *const daemon_json[] = { "/etc/docker/daemon.json" };
	static const char *const containerd_toml[] = { "/etc/containerd/config.toml" };
	static const char *const sysconfig_docker[] = { "/etc/sysconfig/docker" };
	static const char *const containerd[] = { "/usr/bin/containerd" };
	static const char *const shim[] = { "/usr/bin/containerd-shim" };
	static const char *const shim1[] = { "/usr/bin/containerd-shim-runc-v1" };
	static const char *const shim2[] = { "/usr/bin/containerd-shim-runc-v2" };
	static const char *const runc[] = { "/usr/bin/runc", "/usr/sbin/runc" };
	static const struct audit_target targets[] = {
		{ "1.1.3", "the Docker daemon", dockerd, 2 },
		{ "1.1.4", "/run/containerd", run_containerd, 1 },
		{ "1.1.5", "/var/lib/docker", var_lib_docker, 1 },
		{ "1.1.6", "/etc/docker", etc_docker, 1 },
		{ "1.1.7", "docker.service", docker_units, 3 },
		{ "1.1.8", "containerd.sock", containerd_sock, 1 },
		{ "1.1.9", "docker.socket", docker_sockets, 3 },
		{ "1.1.10", "/etc/default/docker", default_docker, 1 },
		{ "1.1.11", "/etc/docker/daemon.json", daemon_json, 1 },
		{ "1.1.12", "/etc/containerd/config.toml", containerd_toml, 1 },
		{ "1.1.13", "/etc/sysconfig/docker", sysconfig_docker, 1 },
		{ "1.1.14", "/usr/bin/containerd", containerd, 1 },
		{ "1.1.15", "/usr/bin/containerd-shim", shim, 1 },
		{ "1.1.16", "/usr/bin/containerd-shim-runc-v1", shim1, 1 },
		{ "1.1.17", "/usr/bin/containerd-shim-runc-v2", shim2, 1 },
		{ "1.1.18", "/usr/bin/runc", runc, 2 },
	};
	const struct cs_daemon_opt *dr = cs_daemon_conf_get(&h->conf, "data-root");
	int r;

	if (h->docker || root_exists(&h->rt, "/var/lib/docker"))
		r = check_partition(h, dr && dr->value[0] == '/' ? dr->value : "/var/lib/docker",
				    "Docker");
	else
		r = emit(h->a, &D_1_1_1, CS_CHECK_SKIP, "Docker data root", NULL, 0,
			 "no Docker installation found");
	if (r < 0)
		return r;
	if (h->podman) {
		_cleanup_free_ char *graph = NULL;
		struct cs_buf b;
		struct cs_tv *tv = NULL;
		struct cs_error e = CS_ERROR_INIT;

		if (root_read(&h->rt, "/etc/containers/storage.conf", FILE_MAX, &b) >= 0 &&
		    cs_toml_parse(b.data ? b.data : "", b.len, &tv, &e) >= 0) {
			const struct cs_tv *g = cs_tv_get(cs_tv_get(tv, "storage"), "graphroot");

			if (g && g->type == CS_TV_STRING && g->s[0] == '/' && !strstr(g->s, "/.."))
				graph = cs_strdup(g->s);
		} else if (e.code) {
			cs_audit_warn(h->a, "'/etc/containers/storage.conf': %s", e.msg);
		}
		cs_tv_free(tv);
		cs_buf_done(&b);
		r = check_partition(h, graph ? graph : "/var/lib/containers/storage", "Podman");
		if (r < 0)
			return r;
	}
	if (!h->docker)
		r = emit(h->a, &D_1_1_2, CS_CHECK_SKIP, "group docker", NULL, 0,
			 "no Docker installation found");
	else if (!h->docker_gid_known)
		r = emit(h->a, &D_1_1_2, CS_CHECK_PASS, "group docker", "/etc/group", 0,
			 "there is no docker group");
	else
		r = emit(h->a, &D_1_1_2, *h->docker_members ? CS_CHECK_MANUAL : CS_CHECK_PASS,
			 "group docker", "/etc/group", 0, "docker group (gid %u) members: %s",
			 (unsigned)h->docker_gid, *h->docker_members ? h->docker_members : "none");
	if (r < 0)
		return r;
	for (size_t i = 0; i < CS_ARRAY_SIZE(targets); i++) {
		r = check_audit_rule(h, targets[i].cis, targets[i].title, targets[i].paths,
				     targets[i].n);
		if (r < 0)
			return r;
	}
	{
		static const struct def d1 = { "CS-HOST-1.2.1", "1.2.1",
					       "the container host has been hardened",
					       CS_SEV_MEDIUM,
					       "follow your distribution's hardening guide" };
		static const struct def d2 = { "CS-HOST-1.2.2", "1.2.2",
					       "the version of the engine is up to date",
					       CS_SEV_MEDIUM,
					       "compare the engine version with the vendor's "
					       "latest release and update" };

		r = emit(h->a, &d1, CS_CHECK_MANUAL, "host", NULL, 0,
			 "hardening cannot be judged from configuration files");
		if (r >= 0)
			r = emit(h->a, &d2,
				 h->docker || h->podman ? CS_CHECK_MANUAL : CS_CHECK_SKIP, "engine",
				 NULL, 0, "%s",
				 h->docker || h->podman ? "compare the engine version with the "
							  "latest release"
							: "no container engine found");
	}
	return r;
}

/* --- section 2 --- */

#define D2(n, t, s, f) static const struct def D_2_##n = { "CS-HOST-2." #n, "2." #n, t, s, f }
D2(1, "the Docker daemon runs as a non-root user, if possible", CS_SEV_LOW,
   "consider rootless mode (dockerd-rootless-setuptool.sh install)");
D2(2, "network traffic is restricted between containers on the default bridge", CS_SEV_MEDIUM,
   "set \"icc\": false in /etc/docker/daemon.json");
D2(3, "the logging level is set to 'info'", CS_SEV_LOW, "set \"log-level\": \"info\" or remove it");
D2(4, "Docker is allowed to make changes to iptables", CS_SEV_MEDIUM,
   "remove \"iptables\": false (or --iptables=false)");
D2(5, "insecure registries are not used", CS_SEV_HIGH,
   "remove \"insecure-registries\" and serve registries over TLS");
D2(6, "the aufs storage driver is not used", CS_SEV_MEDIUM,
   "use overlay2 (\"storage-driver\": \"overlay2\")");
D2(7, "TLS authentication for the Docker daemon is configured", CS_SEV_CRITICAL,
   "with a tcp:// host set tlsverify, tlscacert, tlscert and tlskey");
D2(8, "the default ulimit is configured appropriately", CS_SEV_LOW,
   "set \"default-ulimits\" in /etc/docker/daemon.json");
D2(9, "user namespace support is enabled", CS_SEV_MEDIUM,
   "set \"userns-remap\": \"default\" in /etc/docker/daemon.json");
D2(10, "the default cgroup usage has been confirmed", CS_SEV_LOW,
   "remove \"cgroup-parent\" unless a specific cgroup is intended");
D2(11, "the base device size is not changed until needed", CS_SEV_LOW,
   "remove dm.basesize from \"storage-opts\"");
D2(12, "authorization for Docker client commands is enabled", CS_SEV_MEDIUM,
   "set \"authorization-plugins\" in /etc/docker/daemon.json");
D2(13, "centralized and remote logging is configured", CS_SEV_LOW,
   "set \"log-driver\" to syslog, journald, gelf, fluentd or another remote driver");
D2(14, "containers are restricted from acquiring new privileges", CS_SEV_MEDIUM,
   "set \"no-new-privileges\": true in /etc/docker/daemon.json");
D2(15, "live restore is enabled", CS_SEV_LOW, "set \"live-restore\": true");
D2(16, "the userland proxy is disabled", CS_SEV_LOW, "set \"userland-proxy\": false");
D2(17, "a daemon-wide custom seccomp profile is applied if appropriate", CS_SEV_HIGH,
   "remove \"seccomp-profile\": \"unconfined\"; use the default or a custom profile");
D2(18, "experimental features are not enabled in production", CS_SEV_LOW,
   "remove \"experimental\": true");

/* Emit a verdict about a setting: the target is where it was set (or the daemon). */
static int emit_opt(struct host *h, const struct def *d, enum cs_check_status st,
		    const struct cs_daemon_opt *o, const char *fmt, ...) CS_PRINTF(5, 6);
static int emit_opt(struct host *h, const struct def *d, enum cs_check_status st,
		    const struct cs_daemon_opt *o, const char *fmt, ...)
{
	char *ev = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&ev, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	r = emit(h->a, d, st, "Docker daemon", o && o->source[0] == '/' ? o->source : NULL,
		 o ? o->line : 0, "%s%s%s", ev, o ? " in " : "", o ? o->source : "");
	free(ev);
	return r;
}

static bool opt_is(const struct cs_daemon_opt *o, const char *v)
{
	return o && !strcmp(o->value, v);
}

static int check_bool(struct host *h, const struct def *d, const char *key, bool want, bool dflt)
{
	const struct cs_daemon_opt *o = cs_daemon_conf_get(&h->conf, key);
	bool v = o ? opt_is(o, "true") : dflt;

	return emit_opt(h, d, v == want ? CS_CHECK_PASS : CS_CHECK_FAIL, o, "%s is %s%s", key,
			v ? "true" : "false", o ? "" : " (the default)");
}

static int section2(struct host *h)
{
	const struct cs_daemon_opt *o;
	int r;

	if (!h->docker) {
		static const struct def *const all[] = {
			&D_2_1,	 &D_2_2,  &D_2_3,  &D_2_4,  &D_2_5,  &D_2_6,
			&D_2_7,	 &D_2_8,  &D_2_9,  &D_2_10, &D_2_11, &D_2_12,
			&D_2_13, &D_2_14, &D_2_15, &D_2_16, &D_2_17, &D_2_18,
		};
		for (size_t i = 0; i < CS_ARRAY_SIZE(all); i++) {
			r = emit(h->a, all[i], CS_CHECK_SKIP, "Docker daemon", NULL, 0,
				 "no Docker daemon found (no daemon.json, docker.service, "
				 "dockerd binary or process)");
			if (r < 0)
				return r;
		}
		return 0;
	}
	r = emit(h->a, &D_2_1, CS_CHECK_MANUAL, "Docker daemon", NULL, 0,
		 "%s; rootless mode is not applicable everywhere", h->docker_why);
	if (r >= 0)
		r = check_bool(h, &D_2_2, "icc", false, true);
	if (r >= 0) {
		o = cs_daemon_conf_get(&h->conf, "log-level");
		r = emit_opt(h, &D_2_3, !o || opt_is(o, "info") ? CS_CHECK_PASS : CS_CHECK_FAIL, o,
			     "log-level is %s", o ? o->value : "info (the default)");
	}
	if (r >= 0)
		r = check_bool(h, &D_2_4, "iptables", true, true);
	if (r >= 0) {
		struct cs_buf list = CS_BUF_INIT(4096);
		const struct cs_daemon_opt *last = NULL;

		for (size_t i = 0; i < h->conf.n; i++)
			if (!strcmp(h->conf.v[i].key, "insecure-registries") &&
			    strncmp(h->conf.v[i].value, "127.", 4)) {
				cs_buf_printf(&list, "%s%s", list.len ? ", " : "",
					      h->conf.v[i].value);
				last = &h->conf.v[i];
			}
		r = last ? emit_opt(h, &D_2_5, CS_CHECK_FAIL, last, "insecure registries: %s",
				    list.data)
			 : emit_opt(h, &D_2_5, CS_CHECK_PASS, NULL, "no insecure registries");
		cs_buf_done(&list);
	}
	if (r >= 0) {
		o = cs_daemon_conf_get(&h->conf, "storage-driver");
		r = emit_opt(h, &D_2_6, opt_is(o, "aufs") ? CS_CHECK_FAIL : CS_CHECK_PASS, o,
			     "storage-driver is %s", o ? o->value : "the default");
	}
	if (r >= 0) {
		const struct cs_daemon_opt *tcp = NULL;
		const struct cs_daemon_opt *v = cs_daemon_conf_get(&h->conf, "tlsverify");
		const char *miss = NULL;

		for (size_t i = 0; i < h->conf.n; i++)
			if (!strcmp(h->conf.v[i].key, "hosts") &&
			    !strncmp(h->conf.v[i].value, "tcp://", 6))
				tcp = &h->conf.v[i];
		if (!tcp)
			r = emit_opt(h, &D_2_7, CS_CHECK_PASS, NULL,
				     "the daemon listens on no TCP socket");
		else if (!opt_is(v, "true"))
			r = emit_opt(h, &D_2_7, CS_CHECK_FAIL, tcp,
				     "host %s without tlsverify: anyone who reaches it is root",
				     tcp->value);
		else if (!cs_daemon_conf_get(&h->conf, miss = "tlscacert") ||
			 !cs_daemon_conf_get(&h->conf, miss = "tlscert") ||
			 !cs_daemon_conf_get(&h->conf, miss = "tlskey"))
			r = emit_opt(h, &D_2_7, CS_CHECK_FAIL, tcp,
				     "host %s with tlsverify but no %s", tcp->value, miss);
		else
			r = emit_opt(h, &D_2_7, CS_CHECK_PASS, tcp,
				     "host %s with tlsverify, tlscacert, tlscert and tlskey",
				     tcp->value);
	}
	if (r >= 0) {
		o = cs_daemon_conf_get(&h->conf, "default-ulimits");
		r = emit_opt(h, &D_2_8, o ? CS_CHECK_PASS : CS_CHECK_WARN, o, "default-ulimits %s",
			     o ? o->value : "not set");
	}
	if (r >= 0) {
		o = cs_daemon_conf_get(&h->conf, "userns-remap");
		r = emit_opt(h, &D_2_9, o && *o->value ? CS_CHECK_PASS : CS_CHECK_FAIL, o,
			     "userns-remap is %s", o && *o->value ? o->value : "not set");
	}
	if (r >= 0) {
		o = cs_daemon_conf_get(&h->conf, "cgroup-parent");
		r = emit_opt(h, &D_2_10, o ? CS_CHECK_MANUAL : CS_CHECK_PASS, o,
			     "cgroup-parent is %s", o ? o->value : "the default");
	}
	if (r >= 0) {
		const struct cs_daemon_opt *bs = NULL;

		for (size_t i = 0; i < h->conf.n; i++)
			if (!strcmp(h->conf.v[i].key, "storage-opts") &&
			    !strncmp(h->conf.v[i].value, "dm.basesize", 11))
				bs = &h->conf.v[i];
		r = emit_opt(h, &D_2_11, bs ? CS_CHECK_WARN : CS_CHECK_PASS, bs, "%s",
			     bs ? bs->value : "dm.basesize is not set");
	}
	if (r >= 0) {
		o = cs_daemon_conf_get(&h->conf, "authorization-plugins");
		r = emit_opt(h, &D_2_12, o ? CS_CHECK_PASS : CS_CHECK_FAIL, o,
			     "authorization plugins: %s", o ? o->value : "none");
	}
	if (r >= 0) {
		static const char *const remote[] = { "syslog",	 "journald", "gelf",
						      "fluentd", "awslogs",  "splunk",
						      "etwlogs", "gcplogs",  "logentries",
						      "loki" };
		bool ok = false;

		o = cs_daemon_conf_get(&h->conf, "log-driver");
		for (size_t i = 0; o && i < CS_ARRAY_SIZE(remote); i++)
			ok |= !strcmp(o->value, remote[i]);
		r = emit_opt(h, &D_2_13, ok ? CS_CHECK_PASS : CS_CHECK_FAIL, o, "log-driver is %s",
			     o ? o->value : "json-file (the default)");
	}
	if (r >= 0)
		r = check_bool(h, &D_2_14, "no-new-privileges", true, false);
	if (r >= 0)
		r = check_bool(h, &D_2_15, "live-restore", true, false);
	if (r >= 0)
		r = check_bool(h, &D_2_16, "userland-proxy", false, true);
	if (r >= 0) {
		o = cs_daemon_conf_get(&h->conf, "seccomp-profile");
		r = emit_opt(h, &D_2_17, opt_is(o, "unconfined") ? CS_CHECK_FAIL : CS_CHECK_PASS, o,
			     "seccomp-profile is %s", o ? o->value : "the default profile");
	}
	if (r >= 0)
		r = check_bool(h, &D_2_18, "experimental", false, false);
	return r;
}

/* --- section 3 and the Podman / containerd file checks --- */

enum owner_rule { OWN_ROOT, OWN_ROOT_DOCKER };

struct file_check {
	const char *owner_id, *owner_cis, *mode_id, *mode_cis;
	const char *what;
	enum owner_rule owner;
	unsigned mode;
	enum cs_severity sev;
};

/* Owner and mode of path; with skip set, two skips saying why instead. */
static int check_file_ex(struct host *h, const struct file_check *fc, const char *path,
			 const char *skip)
{
	_cleanup_free_ char *ot = cs_asprintf("%s is owned by root:%s", fc->what,
					      fc->owner == OWN_ROOT_DOCKER ? "docker" : "root");
	_cleanup_free_ char *mt =
		cs_asprintf("%s permissions are %04o or more restrictive", fc->what, fc->mode);
	_cleanup_free_ char *of = cs_asprintf(
		"chown root:%s %s", fc->owner == OWN_ROOT_DOCKER ? "docker" : "root", path);
	_cleanup_free_ char *mf = cs_asprintf("chmod %04o %s", fc->mode, path);
	_cleanup_free_ char *lk = NULL;
	struct def od, md;
	struct stat st, t;
	bool link, own_ok;
	int r;

	if (!ot || !mt || !of || !mf)
		return -ENOMEM;
	od = (struct def){ fc->owner_id, fc->owner_cis, ot, fc->sev, of };
	md = (struct def){ fc->mode_id, fc->mode_cis, mt, fc->sev, mf };
	r = skip ? -ENOENT : root_stat(&h->rt, path, &st, &link, &t);
	if (r < 0) {
		const char *why = r == -ENOENT ? "does not exist" : cs_strerror(r);

		r = skip ? emit(h->a, &od, CS_CHECK_SKIP, path, NULL, 0, "%s", skip)
			 : emit(h->a, &od, CS_CHECK_SKIP, path, NULL, 0, "%s %s", path, why);
		if (r < 0)
			return r;
		return skip ? emit(h->a, &md, CS_CHECK_SKIP, path, NULL, 0, "%s", skip)
			    : emit(h->a, &md, CS_CHECK_SKIP, path, NULL, 0, "%s %s", path, why);
	}
	if (link) {
		/* the link itself carries no permissions; what it leads to (inside the root) does
		 */
		lk = cs_strdup(" (through a symlink)");
		if (!lk)
			return -ENOMEM;
		st = t;
	}
	own_ok = st.st_uid == 0 &&
		 (st.st_gid == 0 || (fc->owner == OWN_ROOT_DOCKER && h->docker_gid_known &&
				     st.st_gid == h->docker_gid));
	r = emit(h->a, &od, own_ok ? CS_CHECK_PASS : CS_CHECK_FAIL, path, path, 0, "owner %u:%u%s",
		 (unsigned)st.st_uid, (unsigned)st.st_gid, lk ? lk : "");
	if (r < 0)
		return r;
	return emit(h->a, &md,
		    cs_mode_within((unsigned)st.st_mode, fc->mode) ? CS_CHECK_PASS : CS_CHECK_FAIL,
		    path, path, 0, "mode %04o%s", (unsigned)(st.st_mode & 07777), lk ? lk : "");
}

static int check_file(struct host *h, const struct file_check *fc, const char *path)
{
	return check_file_ex(h, fc, path, NULL);
}

static int check_files(struct host *h, const struct file_check *fc, const char *const *paths,
		       size_t n)
{
	bool any = false;
	int r;

	for (size_t i = 0; i < n; i++) {
		if (!root_exists(&h->rt, paths[i]))
			continue;
		any = true;
		r = check_file(h, fc, paths[i]);
		if (r < 0)
			return r;
	}
	return any ? 0 : check_file(h, fc, paths[0]); /* two skips */
}

#define FC(a, b, w, o, m, s)                                 \
	{                                                    \
		"CS-HOST-" a, a, "CS-HOST-" b, b, w, o, m, s \
	}

static int check_certs_d(struct host *h)
{
	static const struct file_check fc =
		FC("3.7", "3.8", "registry certificate file", OWN_ROOT, 0444, CS_SEV_MEDIUM);
	char **regs = NULL;
	size_t nregs = 0, seen = 0;
	int r;

	r = root_dir_names(&h->rt, "/etc/docker/certs.d", MAX_CERT_FILES, &regs, &nregs);
	if (r == -CS_E_LIMIT)
		cs_audit_warn(h->a, "/etc/docker/certs.d: more than %d entries", MAX_CERT_FILES);
	if (!nregs)
		return check_file_ex(h, &fc, "/etc/docker/certs.d",
				     root_exists(&h->rt, "/etc/docker/certs.d")
					     ? "/etc/docker/certs.d holds no registry certificates"
					     : "/etc/docker/certs.d does not exist");
	for (size_t i = 0; i < nregs && seen < MAX_CERT_FILES; i++) {
		_cleanup_free_ char *dir = cs_asprintf("/etc/docker/certs.d/%s", regs[i]);
		char **files = NULL;
		size_t nf = 0;

		if (!dir) {
			r = -ENOMEM;
			break;
		}
		r = root_dir_names(&h->rt, dir, MAX_CERT_FILES, &files, &nf);
		if (r == -ENOTDIR || r == -CS_E_INPUT || nf == 0) {
			r = check_file(h, &fc, dir);
		} else {
			for (size_t k = 0; k < nf && seen < MAX_CERT_FILES && r >= 0; k++, seen++) {
				_cleanup_free_ char *p = cs_asprintf("%s/%s", dir, files[k]);

				r = p ? check_file(h, &fc, p) : -ENOMEM;
			}
		}
		cs_strv_free(files);
		if (r < 0 && r != -ENOENT && r != -EACCES)
			break;
		r = 0;
	}
	cs_strv_free(regs);
	return r;
}

static int section3(struct host *h)
{
	static const struct file_check unit_fc =
		FC("3.1", "3.2", "docker.service", OWN_ROOT, 0644, CS_SEV_MEDIUM);
	static const struct file_check sock_unit_fc =
		FC("3.3", "3.4", "docker.socket", OWN_ROOT, 0644, CS_SEV_MEDIUM);
	static const struct file_check etc_fc =
		FC("3.5", "3.6", "/etc/docker", OWN_ROOT, 0755, CS_SEV_MEDIUM);
	static const struct file_check ca_fc =
		FC("3.9", "3.10", "TLS CA certificate file", OWN_ROOT, 0444, CS_SEV_MEDIUM);
	static const struct file_check cert_fc =
		FC("3.11", "3.12", "Docker server certificate file", OWN_ROOT, 0444, CS_SEV_MEDIUM);
	static const struct file_check key_fc = FC(
		"3.13", "3.14", "Docker server certificate key file", OWN_ROOT, 0400, CS_SEV_HIGH);
	static const struct file_check dsock_fc =
		FC("3.15", "3.16", "the Docker socket file", OWN_ROOT_DOCKER, 0660, CS_SEV_HIGH);
	static const struct file_check json_fc =
		FC("3.17", "3.18", "daemon.json", OWN_ROOT, 0644, CS_SEV_MEDIUM);
	static const struct file_check default_fc =
		FC("3.19", "3.22", "/etc/default/docker", OWN_ROOT, 0644, CS_SEV_MEDIUM);
	static const struct file_check sysconfig_fc =
		FC("3.20", "3.21", "/etc/sysconfig/docker", OWN_ROOT, 0644, CS_SEV_MEDIUM);
	static const struct file_check csock_fc =
		FC("3.23", "3.24", "the containerd socket file", OWN_ROOT, 0660, CS_SEV_HIGH);
	static const char *const dsock[] = { "/var/run/docker.sock", "/run/docker.sock" };
	static const char *const csock[] = { "/run/containerd/containerd.sock" };
	static const char *const etc_docker[] = { "/etc/docker" };
	static const char *const daemon_json[] = { "/etc/docker/daemon.json" };
	static const char *const default_docker[] = { "/etc/default/docker" };
	static const char *const sysconfig_docker[] = { "/etc/sysconfig/docker" };
	static const struct {
		const struct file_check *fc;
		const char *key; /* a daemon setting naming the file */
	} tls[] = { { &ca_fc, "tlscacert" }, { &cert_fc, "tlscert" }, { &key_fc, "tlskey" } };
	int r;

	r = check_files(h, &unit_fc, docker_units, CS_ARRAY_SIZE(docker_units));
	if (r >= 0)
		r = check_files(h, &sock_unit_fc, docker_sockets, CS_ARRAY_SIZE(docker_sockets));
	if (r >= 0)
		r = check_files(h, &etc_fc, etc_docker, 1);
	if (r >= 0)
		r = check_certs_d(h);
	for (size_t i = 0; i < CS_ARRAY_SIZE(tls) && r >= 0; i++) {
		const struct cs_daemon_opt *o = cs_daemon_conf_get(&h->conf, tls[i].key);

		if (o && o->value[0] == '/') {
			r = check_file(h, tls[i].fc, o->value);
		} else {
			_cleanup_free_ char *why = cs_asprintf("%s is not configured", tls[i].key);

			r = why ? check_file_ex(h, tls[i].fc, tls[i].key, why) : -ENOMEM;
		}
	}
	if (r >= 0)
		r = check_files(h, &dsock_fc, dsock, CS_ARRAY_SIZE(dsock));
	if (r >= 0)
		r = check_files(h, &json_fc, daemon_json, 1);
	if (r >= 0)
		r = check_files(h, &default_fc, default_docker, 1);
	if (r >= 0)
		r = check_files(h, &sysconfig_fc, sysconfig_docker, 1);
	if (r >= 0)
		r = check_files(h, &csock_fc, csock, 1);
	return r;
}

static const struct def D_PODMAN_INSECURE = {
	"CS-HOST-PODMAN-INSECURE-REGISTRY", NULL, "Podman uses no insecure registries", CS_SEV_HIGH,
	"remove insecure = true from /etc/containers/registries.conf"
};
static const struct def D_PODMAN_SECCOMP = {
	"CS-HOST-PODMAN-SECCOMP", NULL, "Podman's default seccomp profile is not disabled",
	CS_SEV_HIGH, "remove seccomp_profile = \"unconfined\" from containers.conf"
};

static struct cs_tv *load_toml(struct host *h, const char *path)
{
	struct cs_error e = CS_ERROR_INIT;
	struct cs_tv *tv = NULL;
	struct cs_buf b;
	int r = root_read(&h->rt, path, FILE_MAX, &b);

	if (r >= 0 && cs_toml_parse(b.data ? b.data : "", b.len, &tv, &e) < 0)
		cs_audit_warn(h->a, "'%s': %s", path, e.msg);
	else if (r < 0 && r != -ENOENT)
		cs_audit_warn(h->a, "'%s': %s", path, cs_strerror(r));
	cs_buf_done(&b);
	return tv;
}

static int podman_settings(struct host *h)
{
	const char *reg = "/etc/containers/registries.conf";
	struct cs_tv *tv = load_toml(h, reg);
	struct cs_buf list = CS_BUF_INIT(4096);
	unsigned line = 0;
	int r;

	if (tv) {
		/* v2: [[registry]] location = "...", insecure = true */
		const struct cs_tv *regs = cs_tv_get(tv, "registry");
		/* v1: [registries.insecure] registries = [...] */
		const struct cs_tv *v1 =
			cs_tv_get(cs_tv_get(cs_tv_get(tv, "registries"), "insecure"), "registries");

		for (size_t i = 0; regs && regs->type == CS_TV_ARRAY && i < regs->n; i++) {
			const struct cs_tv *in = cs_tv_get(regs->items[i], "insecure");
			const struct cs_tv *loc = cs_tv_get(regs->items[i], "location");
			const struct cs_tv *pre = cs_tv_get(regs->items[i], "prefix");

			if (in && in->type == CS_TV_BOOL && in->b) {
				const struct cs_tv *n = loc ? loc : pre;

				cs_buf_printf(&list, "%s%s", list.len ? ", " : "",
					      n && n->type == CS_TV_STRING ? n->s : "?");
				if (!line)
					line = in->line;
			}
		}
		for (size_t i = 0; v1 && v1->type == CS_TV_ARRAY && i < v1->n; i++)
			if (v1->items[i]->type == CS_TV_STRING) {
				cs_buf_printf(&list, "%s%s", list.len ? ", " : "", v1->items[i]->s);
				if (!line)
					line = v1->line;
			}
	}
	if (!tv)
		r = emit(h->a, &D_PODMAN_INSECURE, CS_CHECK_SKIP, reg, NULL, 0,
			 "%s does not exist or cannot be read", reg);
	else
		r = emit(h->a, &D_PODMAN_INSECURE, list.len ? CS_CHECK_FAIL : CS_CHECK_PASS, reg,
			 reg, line, "%s%s",
			 list.len ? "insecure registries: " : "no insecure registries",
			 list.len ? list.data : "");
	cs_buf_done(&list);
	cs_tv_free(tv);
	if (r < 0)
		return r;
	{
		const char *cc = "/etc/containers/containers.conf";
		const struct cs_tv *s;

		tv = load_toml(h, cc);
		s = cs_tv_get(cs_tv_get(tv, "containers"), "seccomp_profile");
		if (!tv)
			r = emit(h->a, &D_PODMAN_SECCOMP, CS_CHECK_SKIP, cc, NULL, 0,
				 "%s does not exist or cannot be read", cc);
		else if (s && s->type == CS_TV_STRING && !strcmp(s->s, "unconfined"))
			r = emit(h->a, &D_PODMAN_SECCOMP, CS_CHECK_FAIL, cc, cc, s->line,
				 "seccomp_profile is \"unconfined\"");
		else
			r = emit(h->a, &D_PODMAN_SECCOMP, CS_CHECK_PASS, cc, cc, s ? s->line : 0,
				 "seccomp_profile is %s",
				 s && s->type == CS_TV_STRING ? s->s : "the default");
		cs_tv_free(tv);
	}
	return r;
}

static int podman_containerd_files(struct host *h)
{
	static const struct file_check conf_fc = { "CS-HOST-PODMAN-CONF-OWNER",
						   NULL,
						   "CS-HOST-PODMAN-CONF-MODE",
						   NULL,
						   "Podman configuration file",
						   OWN_ROOT,
						   0644,
						   CS_SEV_MEDIUM };
	static const struct file_check unit_fc = { "CS-HOST-PODMAN-UNIT-OWNER",
						   NULL,
						   "CS-HOST-PODMAN-UNIT-MODE",
						   NULL,
						   "podman.service/podman.socket",
						   OWN_ROOT,
						   0644,
						   CS_SEV_MEDIUM };
	static const struct file_check sock_fc = { "CS-HOST-PODMAN-SOCKET-OWNER",
						   NULL,
						   "CS-HOST-PODMAN-SOCKET-MODE",
						   NULL,
						   "the Podman socket file",
						   OWN_ROOT,
						   0660,
						   CS_SEV_HIGH };
	static const struct file_check ctd_fc = { "CS-HOST-CONTAINERD-CONFIG-OWNER",
						  NULL,
						  "CS-HOST-CONTAINERD-CONFIG-MODE",
						  NULL,
						  "/etc/containerd/config.toml",
						  OWN_ROOT,
						  0644,
						  CS_SEV_MEDIUM };
	static const char *const confs[] = { "/etc/containers/containers.conf",
					     "/etc/containers/storage.conf",
					     "/etc/containers/registries.conf",
					     "/etc/containers/policy.json" };
	static const char *const psock[] = { "/run/podman/podman.sock" };
	static const char *const ctd[] = { "/etc/containerd/config.toml" };
	int r = 0;

	if (h->podman) {
		for (size_t i = 0; i < CS_ARRAY_SIZE(confs) && r >= 0; i++)
			r = check_file(h, &conf_fc, confs[i]);
		if (r >= 0)
			r = check_files(h, &unit_fc, podman_units, CS_ARRAY_SIZE(podman_units));
		if (r >= 0)
			r = check_files(h, &sock_fc, psock, 1);
		if (r >= 0)
			r = podman_settings(h);
	}
	if (r >= 0 && h->containerd)
		r = check_files(h, &ctd_fc, ctd, 1);
	return r;
}

/* --- discovery and the whole audit --- */

static int discover(struct host *h)
{
	static const char *const dockerd[] = { "/usr/bin/dockerd", "/usr/sbin/dockerd",
					       "/usr/local/bin/dockerd" };
	static const char *const podman[] = { "/usr/bin/podman", "/usr/local/bin/podman",
					      "/etc/containers/containers.conf",
					      "/etc/containers/storage.conf" };
	static const char *const containerd[] = { "/usr/bin/containerd",
						  "/etc/containerd/config.toml",
						  "/run/containerd/containerd.sock" };
	const char *why = NULL;

	if (root_exists(&h->rt, "/etc/docker/daemon.json"))
		why = "/etc/docker/daemon.json exists";
	for (size_t i = 0; !why && i < CS_ARRAY_SIZE(docker_units); i++)
		if (root_exists(&h->rt, docker_units[i]))
			why = docker_units[i];
	for (size_t i = 0; !why && i < CS_ARRAY_SIZE(dockerd); i++)
		if (root_exists(&h->rt, dockerd[i]))
			why = dockerd[i];
	if (why) {
		h->docker = true;
		h->docker_why = cs_asprintf("Docker found (%s)", why);
		if (!h->docker_why)
			return -ENOMEM;
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(podman); i++)
		h->podman |= root_exists(&h->rt, podman[i]);
	for (size_t i = 0; i < CS_ARRAY_SIZE(containerd); i++)
		h->containerd |= root_exists(&h->rt, containerd[i]);
	return 0;
}

int cs_audit_host(const struct cs_host_audit_options *o, struct cs_audit *a, struct cs_error *err)
{
	struct host h = { .a = a, .rt = { .fd = -1 } };
	const char *root = o && o->root && *o->root ? o->root : "/";
	struct stat st;
	int r;

	h.rt.fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (h.rt.fd < 0)
		return cs_error_errno(err, errno, "cannot open root directory '%s'", root);
	if (fstat(h.rt.fd, &st) == 0) {
		struct stat s2;

		h.rt.slash =
			stat("/", &s2) == 0 && s2.st_dev == st.st_dev && s2.st_ino == st.st_ino;
	}
	h.rt.path = root;
	r = discover(&h);
	if (r >= 0)
		r = read_group(&h);
	if (r >= 0)
		r = load_daemon_json(&h, err);
	if (r >= 0)
		r = load_units(&h);
	if (r >= 0 && h.rt.slash) {
		bool running = false;

		r = load_procs(&h, &running);
		if (r >= 0 && running && !h.docker) {
			h.docker = true;
			h.docker_why = cs_strdup("Docker found (a dockerd process runs)");
			if (!h.docker_why)
				r = -ENOMEM;
		}
	}
	if (r >= 0)
		r = load_rules(&h);
	if (r >= 0)
		r = section1(&h);
	if (r >= 0)
		r = section2(&h);
	if (r >= 0)
		r = section3(&h);
	if (r >= 0)
		r = podman_containerd_files(&h);
	/*
	 * The usual sockets belong to this machine: a foreign root's audit asks
	 * an engine only when one is named (--engine, $DOCKER_HOST).
	 */
	if (r >= 0 && o && o->engine &&
	    (h.rt.slash || o->engine_required ||
	     (getenv("DOCKER_HOST") && *getenv("DOCKER_HOST")))) {
		_cleanup_free_ char *sock = NULL;
		struct cs_error e = CS_ERROR_INIT;

		r = cs_engine_find_socket(o->engine_host, &sock, &e);
		if (r >= 0)
			r = cs_audit_engine(sock, a, &e);
		if (r < 0 && r != -ENOMEM) {
			if (o->engine_required) {
				*err = e;
			} else {
				r = 0;
				cs_audit_warn(a, "container checks (sections 5, 6) skipped: %s",
					      e.msg);
			}
		}
	}
	if (r == -ENOMEM && !err->code)
		cs_error_set(err, r, "out of memory");
	close(h.rt.fd);
	cs_daemon_conf_done(&h.conf);
	cs_audit_watches_done(&h.watches);
	free(h.rules_where);
	free(h.docker_why);
	free(h.docker_members);
	return r;
}
