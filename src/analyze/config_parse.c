/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsers and pattern checks of the image configuration analyser: account
 * files, secret-looking names, build-history lines, known setuid files and
 * sensitive volumes. Inputs come from images: every length is explicit and
 * every count bounded; nothing here prints or keeps a secret value.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/config.h"
#include "basic/alloc.h"
#include "basic/parse.h"

void cs_accounts_free(struct cs_account *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].shell);
	}
	free(v);
}

/* The field'th ':'-separated field of line[0..n), or false when there are fewer. */
static bool field(const char *line, size_t n, unsigned idx, const char **ret, size_t *ret_len)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || line[i] == ':') {
			if (idx == 0) {
				*ret = line + start;
				*ret_len = i - start;
				return true;
			}
			idx--;
			start = i + 1;
		}
	}
	return false;
}

static int account_add(struct cs_account **v, size_t *n, size_t *cap, const struct cs_account *a)
{
	if (*n >= CS_ACCOUNT_MAX)
		return -CS_E_LIMIT;
	if (cs_grow((void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = *a;
	return 0;
}

int cs_accounts_parse(const char *data, size_t len, enum cs_account_file kind,
		      struct cs_account **ret, size_t *ret_n, size_t *ret_bad, struct cs_error *err)
{
	static const unsigned min_fields[] = {
		[CS_ACCOUNT_PASSWD] = 7,
		[CS_ACCOUNT_SHADOW] = 2,
		[CS_ACCOUNT_GROUP] = 3,
	};
	struct cs_account *v = NULL;
	size_t n = 0, cap = 0, bad = 0;
	unsigned lineno = 0;
	size_t pos = 0;
	int r;

	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		struct cs_account a = { 0 };
		const char *f;
		size_t fl;
		unsigned nf = 1;

		pos += ll + (nl ? 1 : 0);
		lineno++;
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		for (size_t i = 0; i < ll; i++)
			nf += line[i] == ':';
		if (nf < min_fields[kind] || !field(line, ll, 0, &f, &fl) || fl == 0 ||
		    memchr(line, '\0', ll)) {
			bad++;
			continue;
		}
		a.line = lineno;
		a.name = cs_strndup(f, fl);
		if (!a.name)
			goto nomem;
		field(line, ll, 1, &f, &fl);
		a.empty_password = fl == 0;
		if (kind != CS_ACCOUNT_SHADOW) {
			uint64_t id;

			field(line, ll, 2, &f, &fl);
			if (fl > 0 && fl <= 10 && cs_parse_u64n(f, fl, 10, &id) >= 0 &&
			    id <= UINT32_MAX) {
				a.id = (uint32_t)id;
				a.has_id = true;
			}
		}
		if (kind == CS_ACCOUNT_PASSWD) {
			field(line, ll, 6, &f, &fl);
			if (fl > 0 && !(a.shell = cs_strndup(f, fl))) {
				free(a.name);
				goto nomem;
			}
		}
		r = account_add(&v, &n, &cap, &a);
		if (r < 0) {
			free(a.name);
			free(a.shell);
			cs_accounts_free(v, n);
			if (r == -ENOMEM)
				return cs_error_errno(err, r, "cannot parse accounts");
			return cs_error_set(err, r, "more than %u accounts", CS_ACCOUNT_MAX);
		}
	}
	*ret = v;
	*ret_n = n;
	if (ret_bad)
		*ret_bad = bad;
	return 0;
nomem:
	cs_accounts_free(v, n);
	return cs_error_errno(err, -ENOMEM, "cannot parse accounts");
}

bool cs_login_shell(const char *shell)
{
	static const char *const nologin[] = { "nologin", "false", "sync", "shutdown", "halt" };
	const char *base;

	if (!shell || !*shell)
		return true;
	base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	for (size_t i = 0; i < CS_ARRAY_SIZE(nologin); i++)
		if (!strcmp(base, nologin[i]))
			return false;
	return true;
}

static bool word_eq(const char *w, size_t n, const char *lit)
{
	return strlen(lit) == n && !strncasecmp(w, lit, n);
}

static bool word_ends(const char *w, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !strncasecmp(w + n - l, lit, l);
}

bool cs_secret_name(const char *name, size_t len)
{
	static const char *const words[] = { "PASSWORD",    "PASSWD",	  "PASS",
					     "SECRET",	    "TOKEN",	  "APIKEY",
					     "CREDENTIALS", "CREDENTIAL", "PASSPHRASE" };
	static const char *const suffixes[] = { "PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY" };
	static const char *const pair_first[] = { "API",  "ACCESS", "SECRET",	  "PRIVATE",
						  "AUTH", "CLIENT", "ENCRYPTION", "SIGNING" };
	static const char *const pointers[] = { "FILE",	    "PATH",   "DIR",   "URL",
						"ENDPOINT", "HOST",   "USER",  "USERNAME",
						"NAME",	    "LENGTH", "EXPIRY" };
	const char *prev = NULL;
	size_t prev_n = 0, i = 0;
	bool hit = false;
	const char *last = NULL;
	size_t last_n = 0;

	while (len > 0 && name[0] == '-') {
		name++;
		len--;
	}
	if (len == 0 || len > 256)
		return false;
	while (i < len) {
		size_t s = i, n;

		while (i < len && name[i] != '_' && name[i] != '-' && name[i] != '.')
			i++;
		n = i - s;
		if (n > 0) {
			const char *w = name + s;

			for (size_t k = 0; k < CS_ARRAY_SIZE(words) && !hit; k++)
				hit = word_eq(w, n, words[k]);
			for (size_t k = 0; k < CS_ARRAY_SIZE(suffixes) && !hit; k++)
				hit = n > strlen(suffixes[k]) && word_ends(w, n, suffixes[k]);
			if (!hit && prev && word_eq(w, n, "KEY"))
				for (size_t k = 0; k < CS_ARRAY_SIZE(pair_first) && !hit; k++)
					hit = word_eq(prev, prev_n, pair_first[k]);
			prev = w;
			prev_n = n;
			last = w;
			last_n = n;
		}
		i++;
	}
	if (!hit)
		return false;
	for (size_t k = 0; k < CS_ARRAY_SIZE(pointers); k++)
		if (word_eq(last, last_n, pointers[k]))
			return false;
	return true;
}

bool cs_secret_value(const char *value, size_t len)
{
	static const char *const benign[] = { "true", "false", "yes",	  "no",	     "on",
					      "off",  "none",  "null",	  "nil",     "0",
					      "1",    "-",     "enabled", "disabled" };

	if (len == 0 || value[0] == '$')
		return false;
	for (size_t k = 0; k < CS_ARRAY_SIZE(benign); k++)
		if (word_eq(value, len, benign[k]))
			return false;
	return true;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

bool cs_next_secret_assignment(const char *s, size_t len, size_t *pos, struct cs_span *name,
			       struct cs_span *value)
{
	size_t i = *pos;

	while (i < len) {
		size_t ns, ne, vs, ve;

		/* a name starts at the beginning or after a separator */
		if (i > 0 && name_char(s[i - 1])) {
			i++;
			continue;
		}
		if (!name_char(s[i])) {
			i++;
			continue;
		}
		ns = i;
		while (i < len && name_char(s[i]))
			i++;
		ne = i;
		if (i >= len || s[i] != '=')
			continue;
		i++;
		if (i < len && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];

			vs = i;
			while (i < len && s[i] != q)
				i++;
			ve = i;
			if (i < len)
				i++;
		} else {
			vs = i;
			while (i < len && !isspace((unsigned char)s[i]) && s[i] != ';' &&
			       s[i] != '&' && s[i] != '|')
				i++;
			ve = i;
		}
		if (cs_secret_name(s + ns, ne - ns) && cs_secret_value(s + vs, ve - vs)) {
			name->off = ns;
			name->len = ne - ns;
			value->off = vs;
			value->len = ve - vs;
			*pos = i;
			return true;
		}
	}
	*pos = len;
	return false;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool starts_with(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return false;
	if (rest)
		*rest = s + n;
	return true;
}

static enum cs_history_instr instr_word(const char *p, const char **rest)
{
	static const struct {
		const char *w;
		enum cs_history_instr i;
	} map[] = {
		{ "RUN ", CS_HIST_RUN }, { "ADD ", CS_HIST_ADD }, { "COPY ", CS_HIST_COPY },
		{ "ENV ", CS_HIST_ENV }, { "ARG ", CS_HIST_ARG },
	};

	for (size_t k = 0; k < CS_ARRAY_SIZE(map); k++)
		if (starts_with(p, map[k].w, rest))
			return map[k].i;
	return CS_HIST_OTHER;
}

enum cs_history_instr cs_history_instr(const char *created_by, const char **ret_args)
{
	const char *p = skip_space(created_by ? created_by : ""), *rest = p;
	enum cs_history_instr in;

	/* "|2 A=b C=d /bin/sh -c ..." : a RUN with build arguments */
	if (*p == '|') {
		const char *sh = strstr(p, "/bin/sh -c ");

		if (ret_args)
			*ret_args = sh ? skip_space(sh + 11) : p;
		return CS_HIST_RUN;
	}
	if (starts_with(p, "/bin/sh -c ", &rest)) {
		rest = skip_space(rest);
		if (starts_with(rest, "#(nop)", &rest)) {
			rest = skip_space(rest);
			in = instr_word(rest, &rest);
			if (ret_args)
				*ret_args = skip_space(rest);
			return in;
		}
		if (ret_args)
			*ret_args = rest;
		return CS_HIST_RUN;
	}
	in = instr_word(p, &rest);
	rest = skip_space(rest);
	if (in == CS_HIST_RUN && starts_with(rest, "/bin/sh -c ", &rest))
		rest = skip_space(rest);
	if (ret_args)
		*ret_args = in == CS_HIST_OTHER ? p : rest;
	return in;
}

/* The words of a shell command line, split on blanks and the operators ; & | ( ) */
struct words {
	const char *w[512];
	size_t len[512];
	bool cmd_start[512]; /* first word of a command */
	size_t n;
};

static void split_words(const char *s, struct words *ws)
{
	bool start = true;

	ws->n = 0;
	while (*s && ws->n < CS_ARRAY_SIZE(ws->w)) {
		const char *b;

		if (*s == ';' || *s == '&' || *s == '|' || *s == '(' || *s == ')' || *s == '\n') {
			start = true;
			s++;
			continue;
		}
		if (isspace((unsigned char)*s) || *s == '\\') {
			s++;
			continue;
		}
		b = s;
		while (*s && !isspace((unsigned char)*s) && !strchr(";&|()\\", *s))
			s++;
		ws->w[ws->n] = b;
		ws->len[ws->n] = (size_t)(s - b);
		ws->cmd_start[ws->n] = start;
		ws->n++;
		start = false;
	}
}

/* Does the command line run TOOL (any of tools) with the subcommand SUB? */
static bool runs(const struct words *ws, const char *const *tools, const char *sub)
{
	for (size_t i = 0; i < ws->n; i++) {
		bool tool = false;
		const char *w = ws->w[i];
		size_t n = ws->len[i];
		const char *slash = memrchr(w, '/', n);

		if (slash) { /* /usr/bin/apt-get */
			n -= (size_t)(slash + 1 - w);
			w = slash + 1;
		}
		for (size_t k = 0; tools[k] && !tool; k++)
			tool = word_eq(w, n, tools[k]) && !strncmp(w, tools[k], n);
		if (!tool)
			continue;
		for (size_t j = i + 1; j < ws->n && !ws->cmd_start[j]; j++) {
			if (ws->w[j][0] == '-')
				continue;
			if (ws->len[j] == strlen(sub) && !strncmp(ws->w[j], sub, ws->len[j]))
				return true;
			break;
		}
	}
	return false;
}

static bool remote_source(const char *w, size_t n)
{
	static const char *const schemes[] = { "http://", "https://", "ftp://", "git@", "git://" };

	for (size_t k = 0; k < CS_ARRAY_SIZE(schemes); k++)
		if (n >= strlen(schemes[k]) && !strncasecmp(w, schemes[k], strlen(schemes[k])))
			return true;
	return false;
}

unsigned cs_history_check(const char *created_by)
{
	static const char *const apt[] = { "apt-get", "apt", NULL };
	static const char *const apk[] = { "apk", NULL };
	static const char *const yum[] = { "yum", "dnf", "microdnf", "tdnf", NULL };
	struct words *ws;
	const char *args = NULL;
	enum cs_history_instr in = cs_history_instr(created_by, &args);
	unsigned flags = 0;

	if (in != CS_HIST_RUN && in != CS_HIST_ADD)
		return 0;
	ws = cs_zalloc(sizeof(*ws));
	if (!ws)
		return 0;
	split_words(args, ws);
	if (in == CS_HIST_ADD) {
		bool remote = false, base_rootfs = false;
		size_t srcs = 0;

		for (size_t i = 0; i < ws->n; i++) {
			if (ws->w[i][0] == '-' && ws->w[i][1] == '-')
				continue;
			srcs++;
			remote |= remote_source(ws->w[i], ws->len[i]);
		}
		/* "ADD file:<digest> in /": how a base image's root filesystem is recorded */
		if (ws->n >= 1 &&
		    (!strncmp(ws->w[0], "file:", 5) || !strncmp(ws->w[0], "dir:", 4)) &&
		    ws->n >= 3 && word_eq(ws->w[ws->n - 2], ws->len[ws->n - 2], "in") &&
		    word_eq(ws->w[ws->n - 1], ws->len[ws->n - 1], "/"))
			base_rootfs = true;
		if (remote)
			flags |= CS_HIST_ADD_REMOTE;
		else if (!base_rootfs && srcs > 0)
			flags |= CS_HIST_ADD_LOCAL;
		free(ws);
		return flags;
	}
	if (runs(ws, apt, "update") && !runs(ws, apt, "install"))
		flags |= CS_HIST_UPDATE_ALONE;
	if (runs(ws, apk, "update") && !runs(ws, apk, "add") && !runs(ws, apk, "upgrade"))
		flags |= CS_HIST_APK_UPDATE_ALONE;
	if (runs(ws, yum, "update") || runs(ws, yum, "upgrade"))
		flags |= CS_HIST_YUM_UPDATE;
	if (runs(ws, apt, "upgrade") || runs(ws, apt, "dist-upgrade") ||
	    runs(ws, apt, "full-upgrade") || runs(ws, apk, "upgrade"))
		flags |= CS_HIST_DIST_UPGRADE;
	free(ws);
	return flags;
}

bool cs_setid_expected(const char *path)
{
	/* what Debian, Alpine, Fedora and Ubuntu base images ship setuid or setgid */
	static const char *const known[] = {
		"passwd",
		"su",
		"mount",
		"umount",
		"chsh",
		"chfn",
		"newgrp",
		"gpasswd",
		"chage",
		"expiry",
		"unix_chkpwd",
		"crontab",
		"ping",
		"ping6",
		"wall",
		"write",
		"bbsuid",
		"ssh-keysign",
		"ssh-agent",
		"pkexec",
		"fusermount",
		"fusermount3",
		"newuidmap",
		"newgidmap",
		"pam_extrausers_chkpwd",
		"dbus-daemon-launch-helper",
		"utempter",
		"userhelper",
		"pam_timestamp_check",
		"chkpwd",
		"staprun",
		"mount.nfs",
		"at",
		"dotlockfile",
	};
	static const char *const dirs[] = { "bin/",    "sbin/",	       "usr/bin/", "usr/sbin/",
					    "usr/lib", "usr/libexec/", "lib/" };
	const char *base = strrchr(path, '/');
	bool in_dir = false;

	base = base ? base + 1 : path;
	for (size_t k = 0; k < CS_ARRAY_SIZE(dirs) && !in_dir; k++)
		in_dir = !strncmp(path, dirs[k], strlen(dirs[k]));
	if (!in_dir)
		return false;
	for (size_t k = 0; k < CS_ARRAY_SIZE(known); k++)
		if (!strcmp(base, known[k]))
			return true;
	return false;
}

bool cs_volume_sensitive(const char *path)
{
	static const char *const exact[] = { "",	"etc", "root",		 "boot",
					     "usr",	"bin", "sbin",		 "lib",
					     "var/run", "run", "var/lib/docker", "home" };
	static const char *const trees[] = { "etc/",
					     "proc",
					     "sys",
					     "dev",
					     "root/.ssh",
					     "var/run/docker.sock",
					     "run/docker.sock",
					     "var/run/containerd",
					     "run/containerd",
					     "lib/modules",
					     "var/run/crio",
					     "run/podman" };
	char clean[256];
	size_t n = 0;

	/* drop leading, trailing and doubled slashes */
	for (const char *p = path ? path : ""; *p && n + 1 < sizeof(clean); p++)
		if (*p != '/' || (n > 0 && clean[n - 1] != '/'))
			clean[n++] = *p;
	while (n > 0 && clean[n - 1] == '/')
		n--;
	clean[n] = '\0';
	for (size_t k = 0; k < CS_ARRAY_SIZE(exact); k++)
		if (!strcmp(clean, exact[k]))
			return true;
	for (size_t k = 0; k < CS_ARRAY_SIZE(trees); k++) {
		size_t l = strlen(trees[k]);

		if (!strncmp(clean, trees[k], l) &&
		    (clean[l] == '\0' || clean[l] == '/' || trees[k][l - 1] == '/'))
			return true;
	}
	return false;
}
