/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image configuration analyser ("config"): the checks of CIS Docker
 * Benchmark section 4 and Dockle on the image config, its build history,
 * the merged file system and the catalog (docs/IMAGE-CHECKS.md).
 *
 * The overlay keeps metadata only, so the walker captures the few small
 * files whose content a check reads (the account files), keeping the copy
 * from the highest layer that has one; finish() uses it only while the
 * merged view still shows that very version. Secret values found in the
 * config or the history are never stored or reported: only a redacted
 * excerpt (cs_issue_redact).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/config.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/parse.h"
#include "catalog/package.h"

#define CONFIG_MAX_PATH_ISSUES 50 /* per check over the file system; the rest is counted */
#define DOCKLE_URL	       "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#"

enum {
	R_ROOT = 0,
	R_HEALTHCHECK,
	R_UPDATE_ALONE,
	R_UPGRADE,
	R_SETID,
	R_ADD_REMOTE,
	R_ADD_LOCAL,
	R_ENV_SECRET,
	R_HISTORY_SECRET,
	R_LATEST,
	R_BASE_LATEST,
	R_PKG_CACHE,
	R_SUDO,
	R_SSHD,
	R_SHELL_MINIMAL,
	R_EMPTY_PASSWORD,
	R_DUP_ID,
	R_DUP_ROOT,
	R_VOLUME,
	R_PORT_SSH,
	R_PORT_PRIVILEGED,
	R_WORLD_WRITABLE,
	R_VCS_DIR,
	R_SSH_KEY,
	R_JUNK_FILE,
	R_CRED_FILE,
	_R_MAX,
};

struct rule {
	const char *id;
	const char *title;
	enum cs_severity severity;
	const char *dockle; /* Dockle checkpoint for the url, or NULL */
	const char *remediation;
};

static const struct rule rules[_R_MAX] = {
	[R_ROOT] = { "CS-IMG-001", "Image runs as root (CIS 4.1, CIS-DI-0001)", CS_SEV_HIGH,
		     "cis-di-0001",
		     "create an unprivileged user and set it with USER (a name from /etc/passwd "
		     "or a non-zero UID)" },
	[R_HEALTHCHECK] = { "CS-IMG-002", "No HEALTHCHECK instruction (CIS 4.6, CIS-DI-0006)",
			    CS_SEV_LOW, "cis-di-0006",
			    "add a HEALTHCHECK instruction that probes the service" },
	[R_UPDATE_ALONE] = { "CS-IMG-003",
			     "Package index update without install in the same RUN (CIS 4.7, "
			     "CIS-DI-0007)",
			     CS_SEV_MEDIUM, "cis-di-0007",
			     "update and install in one RUN (apt-get update && apt-get install "
			     "...; apk add --no-cache ...)" },
	[R_UPGRADE] = { "CS-IMG-004", "Distribution upgrade during the build (DKL-DI-0003)",
			CS_SEV_LOW, "dkl-di-0003",
			"rebuild on a newer base image instead of upgrading packages in a layer" },
	[R_SETID] = { "CS-IMG-005", "setuid/setgid file (CIS 4.8, CIS-DI-0008)", CS_SEV_MEDIUM,
		      "cis-di-0008",
		      "remove the setuid/setgid bits (chmod u-s,g-s FILE) unless the file needs "
		      "them" },
	[R_ADD_REMOTE] = { "CS-IMG-006", "ADD of a remote URL (CIS 4.9, CIS-DI-0009)",
			   CS_SEV_MEDIUM, "cis-di-0009",
			   "download with a verified checksum in a RUN step (or ADD --checksum), "
			   "or COPY a vetted file" },
	[R_ADD_LOCAL] = { "CS-IMG-007", "ADD used instead of COPY (CIS 4.9, CIS-DI-0009)",
			  CS_SEV_LOW, "cis-di-0009",
			  "use COPY for local files; ADD also unpacks archives and fetches URLs" },
	[R_ENV_SECRET] = { "CS-IMG-008",
			   "Secret in an environment variable (CIS 4.10, CIS-DI-0010)", CS_SEV_HIGH,
			   "cis-di-0010",
			   "pass the secret at run time (a secret mount or orchestrator secret), "
			   "rotate the exposed value" },
	[R_HISTORY_SECRET] = { "CS-IMG-009", "Secret in the build history (CIS 4.10, CIS-DI-0010)",
			       CS_SEV_HIGH, "cis-di-0010",
			       "use build secrets (RUN --mount=type=secret) instead of build "
			       "arguments or ENV, rotate the exposed value" },
	[R_LATEST] = { "CS-IMG-010", "Image tagged latest or untagged (DKL-DI-0006)", CS_SEV_LOW,
		       "dkl-di-0006", "refer to images by a version tag or a digest" },
	[R_BASE_LATEST] = { "CS-IMG-011", "Base image referenced as latest (DKL-DI-0006)",
			    CS_SEV_LOW, "dkl-di-0006",
			    "pin the base image (FROM image:version or image@sha256:...)" },
	[R_PKG_CACHE] = { "CS-IMG-012",
			  "Package manager cache left in the image (DKL-DI-0004, DKL-DI-0005)",
			  CS_SEV_LOW, "dkl-di-0005",
			  "clean the cache in the same RUN (rm -rf /var/lib/apt/lists/*, apk add "
			  "--no-cache, pip --no-cache-dir, npm cache clean --force)" },
	[R_SUDO] = { "CS-IMG-013", "sudo is installed (DKL-DI-0001)", CS_SEV_MEDIUM, "dkl-di-0001",
		     "remove sudo; set the user with USER and use gosu/su-exec to drop privileges" },
	[R_SSHD] = { "CS-IMG-014", "SSH server is installed (CIS 4.3, CIS 5.6)", CS_SEV_MEDIUM,
		     NULL, "remove the SSH server; use the engine's exec for access" },
	[R_SHELL_MINIMAL] = { "CS-IMG-015",
			      "Shell in a minimal image without a shell package (CIS 4.3)",
			      CS_SEV_LOW, NULL,
			      "drop the shell from the final stage (multi-stage build, distroless "
			      "base)" },
	[R_EMPTY_PASSWORD] = { "CS-IMG-016", "Account with an empty password (DKL-LI-0001)",
			       CS_SEV_HIGH, "dkl-li-0001",
			       "lock the account (passwd -l NAME) or set its password field to "
			       "'!' or '*'" },
	[R_DUP_ID] = { "CS-IMG-017", "Duplicate user or group id (DKL-LI-0002)", CS_SEV_MEDIUM,
		       "dkl-li-0002", "give every account and group its own id" },
	[R_DUP_ROOT] = { "CS-IMG-018", "More than one account with UID 0 (DKL-LI-0002)",
			 CS_SEV_HIGH, "dkl-li-0002",
			 "remove the extra UID 0 accounts or give them their own UID" },
	[R_VOLUME] = { "CS-IMG-019", "Sensitive directory declared as a VOLUME (DKL-DI-0002)",
		       CS_SEV_MEDIUM, "dkl-di-0002",
		       "declare volumes only for application data directories" },
	[R_PORT_SSH] = { "CS-IMG-020", "SSH port 22 exposed (CIS 5.6)", CS_SEV_MEDIUM, NULL,
			 "do not run SSH in containers; remove EXPOSE 22" },
	[R_PORT_PRIVILEGED] = { "CS-IMG-021", "Privileged port exposed (CIS 5.8)",
				CS_SEV_NEGLIGIBLE, NULL,
				"listen on a port above 1023 so the service needs no privilege" },
	[R_WORLD_WRITABLE] = { "CS-IMG-022", "World-writable file or directory without sticky bit",
			       CS_SEV_MEDIUM, NULL,
			       "remove the write bit for others (chmod o-w PATH) or set the "
			       "sticky bit on shared directories" },
	[R_VCS_DIR] = { "CS-IMG-023", "Version control directory in the image (DKL-LI-0003)",
			CS_SEV_MEDIUM, "dkl-li-0003",
			"add .git to .dockerignore or copy only the build output" },
	[R_SSH_KEY] = { "CS-IMG-024", "SSH private key in the image (CIS 4.10)", CS_SEV_HIGH, NULL,
			"remove the key (generate host keys at start, mount user keys as "
			"secrets) and rotate it" },
	[R_JUNK_FILE] = { "CS-IMG-025", "Unnecessary file in the image (DKL-LI-0003)",
			  CS_SEV_NEGLIGIBLE, "dkl-li-0003", "add the file to .dockerignore" },
	[R_CRED_FILE] = { "CS-IMG-026", "Credentials file in the image (CIS 4.10)", CS_SEV_MEDIUM,
			  NULL,
			  "do not copy credential files into images; use build secrets and "
			  "rotate what was exposed" },
};

/* The account files captured during the walk. */
enum { CAP_PASSWD = 0, CAP_SHADOW, CAP_GROUP, _CAP_MAX };
static const char *const cap_paths[_CAP_MAX] = { "etc/passwd", "etc/shadow", "etc/group" };

struct capture {
	char *data;
	size_t len;
	unsigned layer;
	bool have;    /* some layer provided it (data may be NULL when too big) */
	bool too_big; /* the highest copy was larger than CS_ACCOUNT_FILE_MAX */
};

struct config_state {
	struct capture cap[_CAP_MAX];
	int cur; /* capture receiving data, -1 */
	struct cs_buf buf;
	bool cur_failed;
};

static int config_state_new(const struct cs_analyze_options *o, void **ret, struct cs_error *err)
{
	struct config_state *s = cs_zalloc(sizeof(*s));

	(void)o;
	if (!s)
		return cs_error_errno(err, -ENOMEM, "cannot start the configuration analysis");
	s->cur = -1;
	cs_buf_init(&s->buf, CS_ACCOUNT_FILE_MAX);
	*ret = s;
	return 0;
}

static void config_state_free(void *state)
{
	struct config_state *s = state;

	if (!s)
		return;
	for (size_t i = 0; i < _CAP_MAX; i++)
		free(s->cap[i].data);
	cs_buf_done(&s->buf);
	free(s);
}

static int walk_entry(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct config_state *s = ud;

	(void)err;
	for (int i = 0; i < _CAP_MAX; i++) {
		if (strcmp(e->path, cap_paths[i]))
			continue;
		if (e->type != CS_ENTRY_REG)
			return 0;
		/* a higher layer's version replaces what a lower one gave */
		free(s->cap[i].data);
		s->cap[i].data = NULL;
		s->cap[i].len = 0;
		s->cap[i].have = true;
		s->cap[i].layer = e->layer;
		s->cap[i].too_big = e->size > CS_ACCOUNT_FILE_MAX;
		if (s->cap[i].too_big)
			return 0;
		s->cur = i;
		s->cur_failed = false;
		cs_buf_reset(&s->buf);
		return 1;
	}
	return 0;
}

static int walk_data(void *ud, const struct cs_entry *e, const void *p, size_t n,
		     struct cs_error *err)
{
	struct config_state *s = ud;
	int r;

	(void)e;
	if (s->cur < 0 || s->cur_failed)
		return 0;
	r = cs_buf_append(&s->buf, p, n);
	if (r == -ENOMEM)
		return cs_error_errno(err, r, "cannot read '%s'", cap_paths[s->cur]);
	if (r < 0) {
		s->cur_failed = true;
		s->cap[s->cur].too_big = true;
	}
	return 0;
}

static int walk_data_end(void *ud, const struct cs_entry *e, struct cs_error *err)
{
	struct config_state *s = ud;
	struct capture *c;

	(void)e;
	(void)err;
	if (s->cur < 0)
		return 0;
	c = &s->cap[s->cur];
	s->cur = -1;
	if (s->cur_failed)
		return 0;
	c->data = cs_buf_steal(&s->buf, &c->len);
	if (!c->data && c->len == 0) {
		c->data = cs_strdup("");
		if (!c->data)
			return cs_error_errno(err, -ENOMEM, "cannot read an account file");
	}
	return 0;
}

static void config_walker(void *state, struct cs_walker *w)
{
	*w = (struct cs_walker){
		.userdata = state,
		.entry = walk_entry,
		.data = walk_data,
		.data_end = walk_data_end,
	};
}

/* One issue; fmt formats the message. Strings are copied by cs_issues_add. */
struct emit {
	const char *path;
	int layer1; /* layer + 1; 0: none */
	unsigned line;
	const char *where;
	const char *excerpt;
	int sev1; /* severity + 1; 0: the rule's */
};

static int emit(struct cs_issues *out, int rule, const struct emit *e, const char *fmt, ...)
	CS_PRINTF(4, 5);

static int emit(struct cs_issues *out, int rule, const struct emit *e, const char *fmt, ...)
{
	const struct rule *ru = &rules[rule];
	_cleanup_free_ char *msg = NULL, *url = NULL;
	struct cs_issue x = { 0 };
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		msg = NULL;
		return -ENOMEM;
	}
	if (ru->dockle && !(url = cs_asprintf(DOCKLE_URL "%s", ru->dockle)))
		return -ENOMEM;
	x.kind = CS_ISSUE_CONFIG;
	x.rule_id = ru->id;
	x.title = ru->title;
	x.severity = e->sev1 > 0 ? (enum cs_severity)(e->sev1 - 1) : ru->severity;
	x.path = e->path;
	x.line = e->line;
	x.layer = e->layer1 - 1;
	x.where = e->where;
	x.excerpt = e->excerpt;
	x.message = msg;
	x.remediation = ru->remediation;
	x.url = url;
	return cs_issues_add(out, &x);
}

/* zero-initialised fields mean "none": layers and severities are stored plus one */
#define EMIT(...) ((struct emit){ __VA_ARGS__ })
#define LAYER(l)  .layer1 = (l) + 1
#define SEV(s)	  .sev1 = (s) + 1

/* The parsed account files that the merged view still shows */
struct accounts {
	struct cs_account *v[_CAP_MAX];
	size_t n[_CAP_MAX];
	unsigned layer[_CAP_MAX];
};

static void accounts_done(struct accounts *a)
{
	for (size_t i = 0; i < _CAP_MAX; i++)
		cs_accounts_free(a->v[i], a->n[i]);
}

static int load_accounts(struct config_state *s, struct cs_overlay *ov, struct accounts *a,
			 struct cs_issues *out, struct cs_error *err)
{
	static const enum cs_account_file kinds[_CAP_MAX] = { CS_ACCOUNT_PASSWD, CS_ACCOUNT_SHADOW,
							      CS_ACCOUNT_GROUP };

	for (size_t i = 0; i < _CAP_MAX; i++) {
		struct capture *c = &s->cap[i];
		const struct cs_overlay_entry *oe = NULL;
		struct cs_error lerr = CS_ERROR_INIT;
		size_t bad = 0;
		int r;

		if (!c->have || !ov)
			continue;
		r = cs_overlay_lookup(ov, cap_paths[i], false, &oe, &lerr);
		cs_error_clear(&lerr);
		/* deleted, or replaced by something that is not the copy we kept */
		if (r < 0 || oe->type != CS_ENTRY_REG || oe->layer != c->layer)
			continue;
		if (c->too_big || !c->data) {
			if (cs_issues_warn(out, "config: /%s is larger than %u bytes: not checked",
					   cap_paths[i], CS_ACCOUNT_FILE_MAX) < 0)
				return cs_error_errno(err, -ENOMEM, "cannot warn");
			continue;
		}
		r = cs_accounts_parse(c->data, c->len, kinds[i], &a->v[i], &a->n[i], &bad, &lerr);
		if (r == -ENOMEM) {
			cs_error_clear(&lerr);
			return cs_error_errno(err, r, "cannot parse /%s", cap_paths[i]);
		}
		if (r < 0) {
			r = cs_issues_warn(out, "config: /%s: %s: not checked", cap_paths[i],
					   lerr.msg);
			cs_error_clear(&lerr);
			if (r < 0)
				return cs_error_errno(err, -ENOMEM, "cannot warn");
			continue;
		}
		a->layer[i] = c->layer;
		if (bad > 0 && cs_issues_warn(out, "config: /%s: %zu malformed lines skipped",
					      cap_paths[i], bad) < 0)
			return cs_error_errno(err, -ENOMEM, "cannot warn");
	}
	return 0;
}

static const struct cs_account *account_by_name(const struct accounts *a, int which,
						const char *name, size_t len)
{
	for (size_t i = 0; i < a->n[which]; i++)
		if (strlen(a->v[which][i].name) == len && !strncmp(a->v[which][i].name, name, len))
			return &a->v[which][i];
	return NULL;
}

static int check_user(const struct cs_image_config *cfg, const struct accounts *a,
		      struct cs_issues *out)
{
	const char *u = cfg->user, *colon;
	size_t len;
	uint64_t uid;

	if (!u || !*u)
		return emit(out, R_ROOT, &EMIT(.where = "config.User"),
			    "no USER is set: the container runs as root");
	colon = strchr(u, ':');
	len = colon ? (size_t)(colon - u) : strlen(u);
	if (len > 0 && cs_parse_u64n(u, len, 10, &uid) >= 0) {
		if (uid == 0)
			return emit(out, R_ROOT, &EMIT(.where = "config.User", .excerpt = u),
				    "USER is UID 0: the container runs as root");
		return 0;
	}
	if (len == 4 && !strncmp(u, "root", 4))
		return emit(out, R_ROOT, &EMIT(.where = "config.User", .excerpt = u),
			    "USER is root");
	{
		const struct cs_account *acc = account_by_name(a, CAP_PASSWD, u, len);

		if (acc && acc->has_id && acc->id == 0)
			return emit(out, R_ROOT,
				    &EMIT(.where = "config.User", .excerpt = u,
					  .path = cap_paths[CAP_PASSWD],
					  LAYER((int)a->layer[CAP_PASSWD]), .line = acc->line),
				    "USER '%.*s' has UID 0 in /etc/passwd: the container runs as "
				    "root",
				    (int)len, u);
	}
	return 0;
}

static int check_accounts(const struct accounts *a, struct cs_issues *out)
{
	const struct cs_account *pw = a->v[CAP_PASSWD];
	int r;

	/* empty passwords: in passwd only when there is no shadow entry to defer to */
	for (size_t i = 0; i < a->n[CAP_PASSWD]; i++) {
		if (!pw[i].empty_password || !cs_login_shell(pw[i].shell))
			continue;
		r = emit(out, R_EMPTY_PASSWORD,
			 &EMIT(.path = cap_paths[CAP_PASSWD], LAYER((int)a->layer[CAP_PASSWD]),
			       .line = pw[i].line, .excerpt = pw[i].name),
			 "account '%s' has an empty password field in /etc/passwd and the login "
			 "shell '%s'",
			 pw[i].name, pw[i].shell ? pw[i].shell : "/bin/sh");
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < a->n[CAP_SHADOW]; i++) {
		const struct cs_account *sh = &a->v[CAP_SHADOW][i];
		const struct cs_account *p =
			account_by_name(a, CAP_PASSWD, sh->name, strlen(sh->name));

		if (!sh->empty_password)
			continue;
		r = emit(out, R_EMPTY_PASSWORD,
			 &EMIT(.path = cap_paths[CAP_SHADOW], LAYER((int)a->layer[CAP_SHADOW]),
			       .line = sh->line, .excerpt = sh->name,
			       SEV(p && !cs_login_shell(p->shell) ? CS_SEV_LOW : -1)),
			 "account '%s' has an empty password in /etc/shadow: it needs no password "
			 "to log in%s",
			 sh->name,
			 p && !cs_login_shell(p->shell) ? " (its shell refuses logins)" : "");
		if (r < 0)
			return r;
	}
	/* duplicate ids (quadratic, so bounded: real images have a few dozen accounts) */
	for (size_t f = 0; f < 2; f++) {
		int which = f == 0 ? CAP_PASSWD : CAP_GROUP;
		const struct cs_account *v = a->v[which];
		size_t n = a->n[which] < 4096 ? a->n[which] : 4096;

		for (size_t i = 0; i < n; i++) {
			if (!v[i].has_id)
				continue;
			for (size_t j = 0; j < i; j++) {
				if (!v[j].has_id || v[j].id != v[i].id)
					continue;
				if (which == CAP_PASSWD && v[i].id == 0)
					r = emit(out, R_DUP_ROOT,
						 &EMIT(.path = cap_paths[which],
						       LAYER((int)a->layer[which]),
						       .line = v[i].line, .excerpt = v[i].name),
						 "account '%s' has UID 0 like '%s': a second root "
						 "account",
						 v[i].name, v[j].name);
				else
					r = emit(out, R_DUP_ID,
						 &EMIT(.path = cap_paths[which],
						       LAYER((int)a->layer[which]),
						       .line = v[i].line, .excerpt = v[i].name),
						 "%s '%s' has %s %u like '%s'",
						 which == CAP_PASSWD ? "account" : "group",
						 v[i].name, which == CAP_PASSWD ? "UID" : "GID",
						 v[i].id, v[j].name);
				if (r < 0)
					return r;
				break;
			}
		}
	}
	return 0;
}

static int check_healthcheck(const struct cs_image_config *cfg, struct cs_issues *out)
{
	const struct cs_healthcheck *h = cfg->healthcheck;

	if (h && h->test && h->test[0] && strcmp(h->test[0], "NONE"))
		return 0;
	return emit(out, R_HEALTHCHECK, &EMIT(.where = "config.Healthcheck"),
		    h ? "the health check is disabled (NONE)" : "the image has no HEALTHCHECK");
}

/* "NAME=" + a redacted value */
static char *redacted_assignment(const char *name, size_t nl, const char *value, size_t vl)
{
	_cleanup_free_ char *red = cs_issue_redact(value, vl);

	return red ? cs_asprintf("%.*s=%s", (int)nl, name, red) : NULL;
}

/* Does the config's Env hold NAME=VALUE? */
static bool env_has(const struct cs_image_config *cfg, const char *name, size_t nl,
		    const char *value, size_t vl)
{
	for (size_t i = 0; cfg->env && cfg->env[i]; i++) {
		const char *e = cfg->env[i];

		if (strlen(e) == nl + 1 + vl && !strncmp(e, name, nl) && e[nl] == '=' &&
		    !strncmp(e + nl + 1, value, vl))
			return true;
	}
	return false;
}

static int check_env(const struct cs_image_config *cfg, struct cs_issues *out)
{
	for (size_t i = 0; cfg->env && cfg->env[i]; i++) {
		const char *kv = cfg->env[i], *eq = strchr(kv, '=');
		_cleanup_free_ char *where = NULL, *ex = NULL;
		int r;

		if (!eq || !cs_secret_name(kv, (size_t)(eq - kv)) ||
		    !cs_secret_value(eq + 1, strlen(eq + 1)))
			continue;
		where = cs_asprintf("config.Env[%zu] %.*s", i, (int)(eq - kv), kv);
		ex = redacted_assignment(kv, (size_t)(eq - kv), eq + 1, strlen(eq + 1));
		if (!where || !ex)
			return -ENOMEM;
		r = emit(out, R_ENV_SECRET, &EMIT(.where = where, .excerpt = ex),
			 "the environment variable %.*s has a literal value: anyone who can pull "
			 "the image can read it",
			 (int)(eq - kv), kv);
		if (r < 0)
			return r;
	}
	return 0;
}

static int history_secrets(const struct cs_image_config *cfg, size_t i, int layer,
			   struct cs_issues *out)
{
	const char *cb = cfg->history[i].created_by, *args = NULL;
	enum cs_history_instr in = cs_history_instr(cb, &args);
	size_t len = strlen(cb), pos = 0;
	struct cs_span name, value;
	_cleanup_free_ char *where = cs_asprintf("history[%zu].created_by", i);

	if (!where)
		return -ENOMEM;
	/* legacy "ENV NAME VALUE" (one variable, a space instead of '=') */
	if (in == CS_HIST_ENV && !strchr(args, '=')) {
		const char *sp = strpbrk(args, " \t");

		if (sp && cs_secret_name(args, (size_t)(sp - args)) &&
		    cs_secret_value(sp + 1, strlen(sp + 1))) {
			_cleanup_free_ char *ex = redacted_assignment(args, (size_t)(sp - args),
								      sp + 1, strlen(sp + 1));

			if (!ex)
				return -ENOMEM;
			return emit(out, R_HISTORY_SECRET,
				    &EMIT(.where = where, .excerpt = ex, LAYER(layer)),
				    "ENV %.*s with a literal value is recorded in the history",
				    (int)(sp - args), args);
		}
		return 0;
	}
	while (cs_next_secret_assignment(cb, len, &pos, &name, &value)) {
		_cleanup_free_ char *ex = NULL;
		int r;

		/* the current ENV value is reported once, as config.Env */
		if (in == CS_HIST_ENV &&
		    env_has(cfg, cb + name.off, name.len, cb + value.off, value.len))
			continue;
		ex = redacted_assignment(cb + name.off, name.len, cb + value.off, value.len);
		if (!ex)
			return -ENOMEM;
		r = emit(out, R_HISTORY_SECRET, &EMIT(.where = where, .excerpt = ex, LAYER(layer)),
			 "%.*s with a literal value is recorded in the build history (%s)",
			 (int)name.len, cb + name.off,
			 in == CS_HIST_RUN   ? "a build argument or a command line of a RUN step"
			 : in == CS_HIST_ENV ? "an ENV step"
			 : in == CS_HIST_ARG ? "an ARG step"
					     : "a build step");
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_history(const struct cs_image_config *cfg, struct cs_issues *out)
{
	static const struct {
		unsigned flag;
		int rule;
		const char *what;
	} pats[] = {
		{ CS_HIST_UPDATE_ALONE, R_UPDATE_ALONE,
		  "apt-get update without apt-get install in the same RUN" },
		{ CS_HIST_APK_UPDATE_ALONE, R_UPDATE_ALONE,
		  "apk update without apk add in the same RUN" },
		{ CS_HIST_YUM_UPDATE, R_UPDATE_ALONE, "yum/dnf update or upgrade in a RUN" },
		{ CS_HIST_DIST_UPGRADE, R_UPGRADE, "a distribution upgrade in a RUN" },
		{ CS_HIST_ADD_REMOTE, R_ADD_REMOTE, "ADD fetches a remote URL" },
		{ CS_HIST_ADD_LOCAL, R_ADD_LOCAL, "ADD of local files" },
	};
	int layer = 0;

	for (size_t i = 0; i < cfg->n_history; i++) {
		const struct cs_history *h = &cfg->history[i];
		int this_layer = h->empty_layer ? -1 : layer++;
		_cleanup_free_ char *where = NULL;
		unsigned flags;
		int r;

		if (!h->created_by)
			continue;
		r = history_secrets(cfg, i, this_layer, out);
		if (r < 0)
			return r;
		flags = cs_history_check(h->created_by);
		if (!flags)
			continue;
		where = cs_asprintf("history[%zu].created_by", i);
		if (!where)
			return -ENOMEM;
		for (size_t k = 0; k < CS_ARRAY_SIZE(pats); k++) {
			_cleanup_free_ char *ex = NULL;

			if (!(flags & pats[k].flag))
				continue;
			/* the excerpt is the step itself, so never for a step that holds a secret
			 */
			if (!cs_next_secret_assignment(h->created_by, strlen(h->created_by),
						       &(size_t){ 0 }, &(struct cs_span){ 0 },
						       &(struct cs_span){ 0 }))
				ex = cs_strndup(h->created_by, 200);
			r = emit(out, pats[k].rule,
				 &EMIT(.where = where, .excerpt = ex, LAYER(this_layer)), "%s",
				 pats[k].what);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static bool tag_is_latest_or_absent(const char *name)
{
	const char *slash, *colon;

	if (!name || !*name || strchr(name, '@'))
		return false;
	slash = strrchr(name, '/');
	colon = strrchr(slash ? slash : name, ':');
	return !colon || !strcmp(colon + 1, "latest");
}

static int check_reference(struct cs_image *img, const struct cs_image_config *cfg,
			   struct cs_issues *out)
{
	const struct cs_ref *ref = cs_image_ref(img);
	const char *tag = NULL;
	bool check = false;
	int r;

	if (ref) {
		switch (ref->transport) {
		case CS_TRANSPORT_REGISTRY:
		case CS_TRANSPORT_ENGINE:
			check = !ref->name.digest;
			tag = ref->name.tag;
			break;
		case CS_TRANSPORT_OCI:
		case CS_TRANSPORT_OCI_ARCHIVE:
			check = true;
			tag = ref->tag;
			break;
		case CS_TRANSPORT_DOCKER_ARCHIVE:
			/* NAME:TAG when one was asked for; the archive's own tags are not seen */
			check = ref->tag != NULL;
			tag = ref->tag ? strrchr(ref->tag, ':') : NULL;
			tag = tag ? tag + 1 : NULL;
			break;
		default:
			break;
		}
	}
	if (check && (!tag || !strcmp(tag, "latest"))) {
		r = emit(out, R_LATEST, &EMIT(.where = "reference", .excerpt = ref->input),
			 tag ? "the image is referenced by the tag 'latest'"
			     : "the image is referenced without a tag");
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < cfg->n_labels; i++) {
		const struct cs_kv *kv = &cfg->labels[i];
		_cleanup_free_ char *where = NULL;

		if (strcmp(kv->key, "org.opencontainers.image.base.name") || !kv->value ||
		    !tag_is_latest_or_absent(kv->value))
			continue;
		where = cs_asprintf("config.Labels[%s]", kv->key);
		if (!where)
			return -ENOMEM;
		r = emit(out, R_BASE_LATEST, &EMIT(.where = where, .excerpt = kv->value),
			 "the base image '%s' is not pinned to a version", kv->value);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_volumes_ports(const struct cs_image_config *cfg, struct cs_issues *out)
{
	int r;

	for (size_t i = 0; cfg->volumes && cfg->volumes[i]; i++) {
		if (!cs_volume_sensitive(cfg->volumes[i]))
			continue;
		r = emit(out, R_VOLUME,
			 &EMIT(.where = "config.Volumes", .excerpt = cfg->volumes[i]),
			 "VOLUME %s: a host directory mounted there exposes or replaces a "
			 "sensitive location",
			 cfg->volumes[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; cfg->exposed_ports && cfg->exposed_ports[i]; i++) {
		const char *p = cfg->exposed_ports[i], *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		uint64_t port;

		if (cs_parse_u64n(p, len, 10, &port) < 0)
			continue;
		if (port == 22)
			r = emit(out, R_PORT_SSH,
				 &EMIT(.where = "config.ExposedPorts", .excerpt = p),
				 "port 22 (SSH) is exposed");
		else if (port > 0 && port < 1024)
			r = emit(out, R_PORT_PRIVILEGED,
				 &EMIT(.where = "config.ExposedPorts", .excerpt = p),
				 "port %llu is below 1024: binding it needs privilege",
				 (unsigned long long)port);
		else
			r = 0;
		if (r < 0)
			return r;
	}
	return 0;
}

/* Package manager caches, counted over the merged view */
static const struct {
	const char *prefix;
	const char *what;
} caches[] = {
	{ "var/lib/apt/lists/", "apt package lists" },
	{ "var/cache/apt/", "apt package cache" },
	{ "var/cache/apk/", "apk package cache" },
	{ "var/cache/yum/", "yum cache" },
	{ "var/cache/dnf/", "dnf cache" },
	{ "root/.cache/pip/", "pip cache" },
	{ "root/.npm/", "npm cache" },
	{ "root/.cache/yarn/", "yarn cache" },
};

struct fs_walk {
	struct cs_issues *out;
	struct {
		uint64_t files, bytes;
		int layer; /* highest layer that added to it */
	} cache[CS_ARRAY_SIZE(caches)];
	size_t n_path_issues[_R_MAX];
	size_t n_skipped[_R_MAX];
	const char *shell_path; /* a shell binary seen (static string), NULL if none */
	int shell_layer;
	bool sshd, sudo;
	int sshd_layer, sudo_layer;
};

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* A path issue, at most CONFIG_MAX_PATH_ISSUES per rule (the rest is counted). */
static int path_issue(struct fs_walk *fw, int rule, const struct cs_overlay_entry *e, int sev,
		      const char *msg)
{
	char mode[16];

	if (fw->n_path_issues[rule] >= CONFIG_MAX_PATH_ISSUES) {
		fw->n_skipped[rule]++;
		return 0;
	}
	fw->n_path_issues[rule]++;
	snprintf(mode, sizeof(mode), "mode %04o", (unsigned)(e->mode & 07777));
	return emit(fw->out, rule,
		    &EMIT(.path = e->path, LAYER((int)e->layer), SEV(sev), .excerpt = mode), "%s",
		    msg);
}

static bool ssh_private_key(const char *path, bool *ret_host)
{
	const char *b = base_name(path);
	size_t bl = strlen(b);

	*ret_host = false;
	if (bl > 4 && !strcmp(b + bl - 4, ".pub"))
		return false;
	if (under(path, "etc/ssh") && !strncmp(b, "ssh_host_", 9) && bl > 13 &&
	    !strcmp(b + bl - 4, "_key")) {
		*ret_host = true;
		return true;
	}
	return !strncmp(b, "id_", 3) && (strstr(path, "/.ssh/") || !strncmp(path, ".ssh/", 5));
}

static bool cred_file(const char *path)
{
	static const char *const names[] = { ".npmrc",		 ".netrc",  ".pypirc",
					     ".git-credentials", ".pgpass", ".s3cfg" };
	static const char *const suffixes[] = { ".docker/config.json", ".aws/credentials" };
	const char *b = base_name(path);
	size_t pl = strlen(path);

	for (size_t k = 0; k < CS_ARRAY_SIZE(names); k++)
		if (!strcmp(b, names[k]))
			return true;
	for (size_t k = 0; k < CS_ARRAY_SIZE(suffixes); k++) {
		size_t l = strlen(suffixes[k]);

		if (pl >= l && !strcmp(path + pl - l, suffixes[k]) &&
		    (pl == l || path[pl - l - 1] == '/'))
			return true;
	}
	return false;
}

static int fs_visit(void *ud, const struct cs_overlay_entry *e)
{
	static const char *const ww_skip[] = { "tmp", "var/tmp", "dev", "proc", "sys", "run" };
	static const char *const shells[] = {
		"bin/sh",  "bin/bash",	  "bin/ash",	  "bin/dash",
		"bin/zsh", "bin/busybox", "usr/bin/bash", "usr/bin/sh"
	};
	struct fs_walk *fw = ud;
	const char *b = base_name(e->path);
	bool host;
	int r = 0;

	if (e->hidden_by >= 0)
		return 0;
	for (size_t k = 0; k < CS_ARRAY_SIZE(caches); k++)
		if (e->type == CS_ENTRY_REG &&
		    !strncmp(e->path, caches[k].prefix, strlen(caches[k].prefix)) &&
		    strcmp(b, "lock")) {
			fw->cache[k].files++;
			fw->cache[k].bytes += e->size;
			if ((int)e->layer > fw->cache[k].layer)
				fw->cache[k].layer = (int)e->layer;
		}
	for (size_t k = 0; k < CS_ARRAY_SIZE(shells) && !fw->shell_path; k++)
		if (!strcmp(e->path, shells[k]) &&
		    (e->type == CS_ENTRY_REG || e->type == CS_ENTRY_SYMLINK ||
		     e->type == CS_ENTRY_HARDLINK)) {
			fw->shell_path = shells[k];
			fw->shell_layer = (int)e->layer;
		}
	if (e->type == CS_ENTRY_REG && !fw->sshd &&
	    (!strcmp(e->path, "usr/sbin/sshd") || !strcmp(e->path, "usr/sbin/dropbear"))) {
		fw->sshd = true;
		fw->sshd_layer = (int)e->layer;
	}
	if (e->type == CS_ENTRY_REG && !fw->sudo && !strcmp(e->path, "usr/bin/sudo")) {
		fw->sudo = true;
		fw->sudo_layer = (int)e->layer;
	}
	if (e->type == CS_ENTRY_REG && (e->mode & 06000)) {
		bool expected = cs_setid_expected(e->path);
		const char *bits = (e->mode & 04000) && (e->mode & 02000) ? "setuid and setgid"
				   : (e->mode & 04000)			  ? "setuid"
									  : "setgid";
		char msg[128];

		snprintf(msg, sizeof(msg), "%s, %s", bits,
			 expected ? "as its distribution ships it"
				  : "and not a file distributions ship so");
		r = path_issue(fw, R_SETID, e, expected ? CS_SEV_NEGLIGIBLE : -1, msg);
		if (r < 0)
			return r;
	}
	if ((e->type == CS_ENTRY_REG || e->type == CS_ENTRY_DIR) && (e->mode & 0002) &&
	    !(e->type == CS_ENTRY_DIR && (e->mode & 01000))) {
		bool skip = false;

		for (size_t k = 0; k < CS_ARRAY_SIZE(ww_skip) && !skip; k++) {
			size_t l = strlen(ww_skip[k]);

			skip = !strncmp(e->path, ww_skip[k], l) && e->path[l] == '/';
		}
		if (!skip) {
			r = path_issue(
				fw, R_WORLD_WRITABLE, e, -1,
				e->type == CS_ENTRY_DIR
					? "the directory is writable by every user (no sticky "
					  "bit)"
					: "the file is writable by every user");
			if (r < 0)
				return r;
		}
	}
	if (e->type == CS_ENTRY_DIR &&
	    (!strcmp(b, ".git") || !strcmp(b, ".svn") || !strcmp(b, ".hg")))
		r = path_issue(fw, R_VCS_DIR, e, -1,
			       "a repository's history and configuration (may hold credentials)");
	else if (e->type == CS_ENTRY_REG && ssh_private_key(e->path, &host))
		r = path_issue(fw, R_SSH_KEY, e, host ? CS_SEV_MEDIUM : -1,
			       host ? "an SSH host key: every container of the image shares it"
				    : "an SSH private key");
	else if (e->type == CS_ENTRY_REG && (!strcmp(b, ".DS_Store") || !strcmp(b, "Thumbs.db")))
		r = path_issue(fw, R_JUNK_FILE, e, -1, "a desktop metadata file");
	else if (e->type == CS_ENTRY_REG && cred_file(e->path))
		r = path_issue(fw, R_CRED_FILE, e, -1,
			       "a file that usually holds credentials (its content is not read)");
	return r;
}

static bool pkg_named(struct cs_catalog *cat, const char *const *names, const char **ret_name,
		      unsigned *ret_layer)
{
	for (size_t i = 0; cat && i < cs_catalog_count(cat); i++) {
		const struct cs_package *p = cs_catalog_get(cat, i);

		if (!cs_pkg_type_is_os(p->type) || !p->name)
			continue;
		for (size_t k = 0; names[k]; k++)
			if (!strcmp(p->name, names[k])) {
				*ret_name = names[k];
				*ret_layer = p->introduced;
				return true;
			}
	}
	return false;
}

static int check_files(struct cs_overlay *ov, struct cs_catalog *cat, struct cs_issues *out,
		       struct cs_error *err)
{
	static const char *const sudo_pkgs[] = { "sudo", "sudo-ldap", NULL };
	static const char *const sshd_pkgs[] = { "openssh-server", "openssh-server-pam", "dropbear",
						 NULL };
	static const char *const shell_pkgs[] = {
		"bash", "dash", "busybox", "busybox-binsh", "busybox-static", "zsh",
		"mksh", "ash",	"tcsh",	   "ksh",	    "toybox",	      NULL
	};
	struct fs_walk fw = { .out = out, .shell_layer = -1 };
	const char *pkg = NULL;
	unsigned layer = 0;
	int r;

	for (size_t k = 0; k < CS_ARRAY_SIZE(caches); k++)
		fw.cache[k].layer = -1;
	if (ov) {
		r = cs_overlay_foreach(ov, false, fs_visit, &fw);
		if (r < 0)
			return cs_error_errno(err, r, "cannot check the file system");
	}
	for (size_t k = 0; k < _R_MAX; k++)
		if (fw.n_skipped[k] && cs_issues_warn(out, "config: %s: %zu more paths not listed",
						      rules[k].id, fw.n_skipped[k]) < 0)
			return cs_error_errno(err, -ENOMEM, "cannot warn");
	for (size_t k = 0; k < CS_ARRAY_SIZE(caches); k++) {
		char size[32];
		_cleanup_free_ char *path = NULL;

		if (!fw.cache[k].files)
			continue;
		path = cs_strndup(caches[k].prefix, strlen(caches[k].prefix) - 1);
		if (!path)
			return cs_error_errno(err, -ENOMEM, "cannot check caches");
		cs_format_size(fw.cache[k].bytes, size, sizeof(size));
		r = emit(out, R_PKG_CACHE, &EMIT(.path = path, LAYER(fw.cache[k].layer)),
			 "%s: %llu files, %s", caches[k].what,
			 (unsigned long long)fw.cache[k].files, size);
		if (r < 0)
			return cs_error_errno(err, r, "cannot check caches");
	}
	if (pkg_named(cat, sudo_pkgs, &pkg, &layer))
		r = emit(out, R_SUDO, &EMIT(.where = "packages", .excerpt = pkg, LAYER((int)layer)),
			 "the package %s is installed", pkg);
	else if (fw.sudo)
		r = emit(out, R_SUDO, &EMIT(.path = "usr/bin/sudo", LAYER(fw.sudo_layer)),
			 "a sudo binary is present");
	else
		r = 0;
	if (r < 0)
		return cs_error_errno(err, r, "cannot check packages");
	if (pkg_named(cat, sshd_pkgs, &pkg, &layer))
		r = emit(out, R_SSHD, &EMIT(.where = "packages", .excerpt = pkg, LAYER((int)layer)),
			 "the package %s is installed", pkg);
	else if (fw.sshd)
		r = emit(out, R_SSHD, &EMIT(.path = "usr/sbin/sshd", LAYER(fw.sshd_layer)),
			 "an SSH server binary is present");
	else
		r = 0;
	if (r < 0)
		return cs_error_errno(err, r, "cannot check packages");
	/* "minimal": catalogued, and no package provides a shell, yet one is there */
	if (cat && fw.shell_path && !pkg_named(cat, shell_pkgs, &pkg, &layer)) {
		r = emit(out, R_SHELL_MINIMAL, &EMIT(.path = fw.shell_path, LAYER(fw.shell_layer)),
			 "/%s is present but no installed package provides a shell: it was copied "
			 "in by hand",
			 fw.shell_path);
		if (r < 0)
			return cs_error_errno(err, r, "cannot check packages");
	}
	return 0;
}

static int config_finish(void *state, const struct cs_analyze_context *ctx, struct cs_issues *out,
			 struct cs_error *err)
{
	struct config_state *s = state;
	struct accounts a = { 0 };
	const struct cs_ref *ref = ctx->img ? cs_image_ref(ctx->img) : NULL;
	const struct cs_image_config *cfg = NULL;
	int r;

	/* a root filesystem (dir:) has no config: no USER, no history to judge */
	if (ctx->img && !(ref && ref->transport == CS_TRANSPORT_DIR))
		cfg = cs_image_config(ctx->img);

	r = load_accounts(s, ctx->ov, &a, out, err);
	if (r < 0)
		goto done;
	if (cfg) {
		r = check_user(cfg, &a, out);
		if (r >= 0)
			r = check_healthcheck(cfg, out);
		if (r >= 0)
			r = check_env(cfg, out);
		if (r >= 0)
			r = check_history(cfg, out);
		if (r >= 0)
			r = check_reference(ctx->img, cfg, out);
		if (r >= 0)
			r = check_volumes_ports(cfg, out);
	}
	if (r >= 0)
		r = check_accounts(&a, out);
	if (r < 0) {
		r = cs_error_errno(err, r, "cannot check the image configuration");
		goto done;
	}
	r = check_files(ctx->ov, ctx->cat, out, err);
done:
	accounts_done(&a);
	return r;
}

/* --- the per-layer cache: the account files the layer gave --- */

#define CONFIG_VERSION 1
#define STR_(x)	       #x
#define STR(x)	       STR_(x)

static const char *config_cache_id(void *state)
{
	(void)state;
	/* what a layer's captures depend on: the capture cap */
	_Static_assert(CS_ACCOUNT_FILE_MAX == 1048576, "config_cache_id names the cap");
	return "config/" STR(CONFIG_VERSION) " accounts:1048576";
}

/* Payload: for each capture this layer set: its slot, too_big, its content (or none). */
static int config_layer_save(void *state, unsigned layer, struct cs_buf *b)
{
	struct config_state *s = state;
	uint64_t n = 0;
	int r;

	for (size_t i = 0; i < _CAP_MAX; i++)
		n += s->cap[i].have && s->cap[i].layer == layer;
	r = cs_cache_put_u64(b, n);
	for (size_t i = 0; i < _CAP_MAX && r >= 0; i++) {
		const struct capture *c = &s->cap[i];

		if (!c->have || c->layer != layer)
			continue;
		r = cs_cache_put_u64(b, i | ((uint64_t)c->too_big << 8));
		if (r >= 0)
			r = cs_cache_put_mem(b, c->data, c->len);
	}
	return r;
}

static int config_layer_restore(void *state, unsigned layer, const void *data, size_t len)
{
	struct config_state *s = state;
	struct cs_cache_reader rd = { data, len, 0, false };
	const void *p[_CAP_MAX] = { 0 };
	size_t n_p[_CAP_MAX] = { 0 };
	bool set[_CAP_MAX] = { 0 }, too_big[_CAP_MAX] = { 0 };
	size_t n = cs_cache_get_count(&rd, 16);

	for (size_t k = 0; k < n && !rd.bad; k++) {
		uint64_t a = cs_cache_get_u64(&rd);
		size_t i = (size_t)(a & 0xff);

		if (i >= _CAP_MAX || set[i] || (a >> 8) > 1) {
			rd.bad = true;
			break;
		}
		set[i] = true;
		too_big[i] = a >> 8;
		p[i] = cs_cache_get_mem(&rd, CS_ACCOUNT_FILE_MAX, &n_p[i]);
	}
	if (rd.bad || rd.pos != rd.len)
		return -CS_E_INPUT;
	for (size_t i = 0; i < _CAP_MAX; i++) {
		char *d = NULL;

		if (!set[i])
			continue;
		if (p[i]) {
			d = cs_malloc(n_p[i] + 1);
			if (!d)
				return -ENOMEM;
			memcpy(d, p[i], n_p[i]);
			d[n_p[i]] = '\0';
		}
		free(s->cap[i].data);
		s->cap[i] = (struct capture){ .data = d,
					      .len = n_p[i],
					      .layer = layer,
					      .have = true,
					      .too_big = too_big[i] };
	}
	return 0;
}

const struct cs_analyzer cs_analyzer_config = {
	.name = "config",
	.version = CONFIG_VERSION,
	.state_new = config_state_new,
	.state_free = config_state_free,
	.walker = config_walker,
	.finish = config_finish,
	.cache_id = config_cache_id,
	.layer_save = config_layer_save,
	.layer_restore = config_layer_restore,
};
