/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit compose: the least-privilege checks of every service of a
 * Docker Compose file (docs/AUDIT.md): privilege, capabilities, security
 * options, host namespaces, host paths, a read-only root, the user,
 * resource limits, published ports, images, secrets in the environment,
 * restart policy and health checks. Anchors, "<<" merge keys and x-
 * extensions are resolved by the YAML loader before anything is judged,
 * so a service gets exactly the settings Compose would give it.
 *
 * The file is hostile: every field is type-checked, no environment value
 * is ever reported (only the variable's name), and strings in evidence are
 * cut short.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/config.h"
#include "audit/internal.h"
#include "audit/k8s.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/parse.h"
#include "basic/yaml.h"

#define COMPOSE_IGNORE_EXT	  "x-customs-ignore"
#define COMPOSE_JUSTIFICATION_EXT "x-customs-ignore-justification"

enum {
	C_PRIVILEGED,
	C_CAP_ADD,
	C_CAP_DROP,
	C_NO_NEW_PRIVS,
	C_SECCOMP,
	C_LSM,
	C_HOST_NETWORK,
	C_HOST_PID,
	C_HOST_IPC,
	C_USERNS,
	C_VOLUMES,
	C_RO_ROOTFS,
	C_USER,
	C_LIMITS_MEM,
	C_LIMITS_CPU,
	C_LIMITS_PIDS,
	C_PORTS,
	C_IMAGE_TAG,
	C_IMAGE_DIGEST,
	C_ENV_SECRET,
	C_RESTART,
	C_HEALTHCHECK,
	_C_MAX,
};

static const struct audit_def defs[_C_MAX] = {
	[C_PRIVILEGED] = { "CS-COMPOSE-PRIVILEGED", "Services do not run privileged",
			   CS_SEV_CRITICAL, "remove privileged: true" },
	[C_CAP_ADD] = { "CS-COMPOSE-CAP-ADD", "Services add no dangerous capabilities", CS_SEV_HIGH,
			"remove the capability from cap_add; grant only what the process needs" },
	[C_CAP_DROP] = { "CS-COMPOSE-CAP-DROP", "Services drop all capabilities", CS_SEV_MEDIUM,
			 "set cap_drop: [ALL] and add back only what is needed" },
	[C_NO_NEW_PRIVS] = { "CS-COMPOSE-NO-NEW-PRIVILEGES", "Services cannot gain privileges",
			     CS_SEV_HIGH, "add security_opt: [\"no-new-privileges:true\"]" },
	[C_SECCOMP] = { "CS-COMPOSE-SECCOMP", "Services keep a seccomp profile", CS_SEV_HIGH,
			"remove security_opt seccomp:unconfined (the engine's default profile "
			"applies)" },
	[C_LSM] = { "CS-COMPOSE-LSM", "Services keep their AppArmor and SELinux confinement",
		    CS_SEV_HIGH, "remove security_opt apparmor:unconfined and label:disable" },
	[C_HOST_NETWORK] = { "CS-COMPOSE-HOST-NETWORK", "Services do not share the host network",
			     CS_SEV_HIGH, "remove network_mode: host; publish the ports needed" },
	[C_HOST_PID] = { "CS-COMPOSE-HOST-PID", "Services do not share the host PID namespace",
			 CS_SEV_HIGH, "remove pid: host" },
	[C_HOST_IPC] = { "CS-COMPOSE-HOST-IPC", "Services do not share the host IPC namespace",
			 CS_SEV_HIGH, "remove ipc: host" },
	[C_USERNS] = { "CS-COMPOSE-USERNS-HOST", "Services do not leave the user namespace",
		       CS_SEV_MEDIUM, "remove userns_mode: host" },
	[C_VOLUMES] = { "CS-COMPOSE-HOST-PATH", "Services mount no sensitive host paths",
			CS_SEV_HIGH,
			"mount a named volume or a project directory instead; never the engine "
			"socket or host system paths" },
	[C_RO_ROOTFS] = { "CS-COMPOSE-READ-ONLY", "Services have a read-only root filesystem",
			  CS_SEV_MEDIUM,
			  "set read_only: true and mount tmpfs where the process writes" },
	[C_USER] = { "CS-COMPOSE-USER", "Services run as a non-root user", CS_SEV_HIGH,
		     "set user: to a non-zero uid (e.g. \"10001:10001\")" },
	[C_LIMITS_MEM] = { "CS-COMPOSE-LIMITS-MEMORY", "Services have a memory limit",
			   CS_SEV_MEDIUM, "set deploy.resources.limits.memory (or mem_limit)" },
	[C_LIMITS_CPU] = { "CS-COMPOSE-LIMITS-CPU", "Services have a CPU limit", CS_SEV_MEDIUM,
			   "set deploy.resources.limits.cpus (or cpus)" },
	[C_LIMITS_PIDS] = { "CS-COMPOSE-LIMITS-PIDS", "Services have a process limit", CS_SEV_LOW,
			    "set deploy.resources.limits.pids (or pids_limit)" },
	[C_PORTS] = { "CS-COMPOSE-PORTS", "Ports are published on chosen interfaces only",
		      CS_SEV_MEDIUM,
		      "publish on one address (\"127.0.0.1:8080:80\") or put a proxy in front" },
	[C_IMAGE_TAG] = { "CS-COMPOSE-IMAGE-TAG", "Images name a version, not latest",
			  CS_SEV_MEDIUM, "use a version tag and, better, a digest" },
	[C_IMAGE_DIGEST] = { "CS-COMPOSE-IMAGE-DIGEST", "Images are pinned by digest", CS_SEV_LOW,
			     "pin the image by digest (image:tag@sha256:...)" },
	[C_ENV_SECRET] = { "CS-COMPOSE-ENV-SECRET", "No literal secrets in service environments",
			   CS_SEV_HIGH,
			   "use Compose secrets, or a variable (${VAR}) from an .env file kept "
			   "out of version control" },
	[C_RESTART] = { "CS-COMPOSE-RESTART", "Restarts are bounded (on-failure, at most 5)",
			CS_SEV_LOW,
			"use restart: on-failure:5 (or deploy.restart_policy.max_attempts)" },
	[C_HEALTHCHECK] = { "CS-COMPOSE-HEALTHCHECK", "Health checks are not disabled", CS_SEV_LOW,
			    "remove healthcheck.disable / test: [\"NONE\"]" },
};

struct compose {
	struct cs_audit *a;
	const struct cs_yaml *y;
	const char *path;
	const struct cs_k8s_options *o;
	const char *target; /* "service NAME" */
	unsigned svc_line;
	char *ignore_buf; /* the ignore list when it is a sequence */
	const char *ignore, *justified;
	const char *ignore_by; /* where the ignore list came from */
};

static const json_t *get(const json_t *o, const char *k)
{
	return json_is_object(o) ? json_object_get(o, k) : NULL;
}

static const char *get_str(const json_t *o, const char *k)
{
	return json_string_value(get(o, k));
}

static unsigned line_of(const struct compose *c, const json_t *n)
{
	unsigned l = n ? cs_yaml_line(c->y, n) : 0;

	return l ? l : c->svc_line;
}

static int emit(struct compose *c, int id, enum cs_check_status st, unsigned line, const char *fmt,
		...) CS_PRINTF(5, 6);

static int emit(struct compose *c, int id, enum cs_check_status st, unsigned line, const char *fmt,
		...)
{
	const struct audit_def *d = &defs[id];
	_cleanup_free_ char *ev = NULL;
	struct cs_check k = {
		.id = d->id,
		.title = d->title,
		.severity = d->severity,
		.status = st,
		.target = c->target,
		.path = c->path,
		.line = line,
		.remediation = st == CS_CHECK_PASS ? NULL : d->remediation,
	};
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&ev, fmt, ap);
	va_end(ap);
	if (r < 0) {
		ev = NULL;
		return -ENOMEM;
	}
	k.evidence = ev;
	if (c->ignore && !c->o->strict && audit_id_listed(c->ignore, d->id)) {
		k.suppressed_by = c->ignore_by;
		k.justification = c->justified;
		return cs_audit_add_suppressed(c->a, &k);
	}
	return cs_audit_add(c->a, &k);
}

/* Compose booleans: YAML booleans, or the strings Compose accepts */
static int truth(const json_t *v)
{
	const char *s = json_string_value(v);

	if (json_is_boolean(v))
		return json_is_true(v);
	if (s && (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on") ||
		  !strcmp(s, "1")))
		return 1;
	if (s && (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off") ||
		  !strcmp(s, "0")))
		return 0;
	return -1;
}

static int check_caps(struct compose *c, const json_t *svc)
{
	const json_t *add = get(svc, "cap_add"), *drop = get(svc, "cap_drop");
	struct cs_buf bad = CS_BUF_INIT(4096), other = CS_BUF_INIT(4096);
	size_t i, nbad = 0, nother = 0;
	bool all = false;
	json_t *v;
	int r = 0;

	json_array_foreach (add, i, v) {
		const char *s = json_string_value(v);
		bool d;

		if (!s)
			continue;
		d = audit_cap_dangerous(s);
		if ((d ? nbad : nother) < 16)
			r = cs_buf_printf(d ? &bad : &other, "%s%.40s",
					  (d ? nbad : nother) ? ", " : "", s);
		if (r < 0)
			goto out;
		(*(d ? &nbad : &nother))++;
	}
	if (nbad)
		r = emit(c, C_CAP_ADD, CS_CHECK_FAIL, line_of(c, add), "cap_add: %s", bad.data);
	else if (nother && !(nother == 1 && strstr(other.data, "NET_BIND_SERVICE")))
		r = emit(c, C_CAP_ADD, CS_CHECK_WARN, line_of(c, add), "cap_add: %s", other.data);
	else
		r = emit(c, C_CAP_ADD, CS_CHECK_PASS, line_of(c, add), "cap_add: %s",
			 nother ? other.data : "none");
	if (r < 0)
		goto out;
	json_array_foreach (drop, i, v)
		all |= audit_cap_is_all(json_string_value(v));
	r = emit(c, C_CAP_DROP, all ? CS_CHECK_PASS : CS_CHECK_FAIL, line_of(c, drop),
		 all	? "cap_drop: ALL"
		 : drop ? "cap_drop without ALL"
			: "cap_drop unset");
out:
	cs_buf_done(&bad);
	cs_buf_done(&other);
	return r;
}

/* "seccomp:unconfined", "seccomp=unconfined" -> key seccomp, value unconfined */
static bool secopt(const char *s, const char *key, const char **value)
{
	size_t n = strlen(key);

	if (strncmp(s, key, n) != 0)
		return false;
	if (s[n] == '\0') {
		*value = "";
		return true;
	}
	if (s[n] != ':' && s[n] != '=')
		return false;
	*value = s + n + 1;
	return true;
}

static int check_security_opt(struct compose *c, const json_t *svc)
{
	const json_t *opts = get(svc, "security_opt");
	unsigned line = line_of(c, opts);
	const char *seccomp = NULL, *lsm = NULL, *nnp = NULL, *v;
	size_t i;
	json_t *o;
	int r;

	json_array_foreach (opts, i, o) {
		const char *s = json_string_value(o);

		if (!s)
			continue;
		if (secopt(s, "seccomp", &v))
			seccomp = v;
		else if (secopt(s, "apparmor", &v) && !strcmp(v, "unconfined"))
			lsm = "apparmor:unconfined";
		else if (secopt(s, "label", &v) && !strcmp(v, "disable"))
			lsm = "label:disable";
		else if (secopt(s, "no-new-privileges", &v))
			nnp = v;
	}
	if (nnp && (!nnp[0] || !strcmp(nnp, "true")))
		r = emit(c, C_NO_NEW_PRIVS, CS_CHECK_PASS, line, "security_opt no-new-privileges");
	else
		r = emit(c, C_NO_NEW_PRIVS, CS_CHECK_FAIL, line,
			 nnp ? "security_opt no-new-privileges:%.20s" : "no-new-privileges unset%s",
			 nnp ? nnp : "");
	if (r < 0)
		return r;
	if (seccomp && !strcmp(seccomp, "unconfined"))
		r = emit(c, C_SECCOMP, CS_CHECK_FAIL, line, "security_opt seccomp:unconfined");
	else
		r = emit(c, C_SECCOMP, CS_CHECK_PASS, line,
			 seccomp ? "seccomp profile %.100s" : "the engine's default profile%s",
			 seccomp ? seccomp : "");
	if (r < 0)
		return r;
	return emit(c, C_LSM, lsm ? CS_CHECK_FAIL : CS_CHECK_PASS, line,
		    lsm ? "security_opt %s" : "confinement unchanged%s", lsm ? lsm : "");
}

static int check_mode(struct compose *c, const json_t *svc, int id, const char *key,
		      const char *bad)
{
	const char *v = get_str(svc, key);

	if (v && !strcmp(v, bad))
		return emit(c, id, CS_CHECK_FAIL, c->svc_line, "%s: %s", key, bad);
	return emit(c, id, CS_CHECK_PASS, c->svc_line, v ? "%s: %.60s" : "%s unset%s", key,
		    v ? v : "");
}

/* One volume: short "SRC:DST[:MODE]" or long {type, source, target} syntax. */
static int check_volume(struct compose *c, const json_t *vol, unsigned line, size_t *n)
{
	_cleanup_free_ char *src = NULL, *norm = NULL;
	const char *type = NULL;
	enum audit_host_path kind;

	if (json_is_string(vol)) {
		const char *s = json_string_value(vol), *colon = strchr(s, ':');

		/* "/dst" alone is an anonymous volume; "name:/dst" a named one */
		if (!colon)
			return 0;
		src = strndup(s, (size_t)(colon - s));
		if (!src)
			return -ENOMEM;
		if (src[0] != '/' && src[0] != '.' && src[0] != '~')
			return 0;
	} else if (json_is_object(vol)) {
		type = get_str(vol, "type");
		if (!type || strcmp(type, "bind") != 0 || !get_str(vol, "source"))
			return 0;
		src = strdup(get_str(vol, "source"));
		if (!src)
			return -ENOMEM;
	} else {
		return 0;
	}
	(*n)++;
	if (src[0] == '~')
		return emit(c, C_VOLUMES, CS_CHECK_FAIL, line,
			    "bind mount of %.200s (a home directory)", src);
	kind = audit_host_path(src, &norm);
	if (!norm)
		return -ENOMEM;
	if (kind == AUDIT_PATH_SENSITIVE)
		return emit(c, C_VOLUMES, CS_CHECK_FAIL, line,
			    "bind mount of %.200s (a sensitive host path)", norm);
	if (kind == AUDIT_PATH_RELATIVE)
		return emit(c, C_VOLUMES, CS_CHECK_PASS, line,
			    "bind mount of %.200s (the project directory)", src);
	return emit(c, C_VOLUMES, CS_CHECK_WARN, line, "bind mount of host path %.200s", norm);
}

static int check_volumes(struct compose *c, const json_t *svc)
{
	const json_t *vols = get(svc, "volumes");
	size_t i, n = 0;
	json_t *v;
	int r;

	json_array_foreach (vols, i, v) {
		r = check_volume(c, v, line_of(c, json_is_object(v) ? v : vols), &n);
		if (r < 0)
			return r;
	}
	return n ? 0 : emit(c, C_VOLUMES, CS_CHECK_PASS, line_of(c, vols), "no host path mounted");
}

static int check_user(struct compose *c, const json_t *svc)
{
	const json_t *u = get(svc, "user");
	char buf[64];
	const char *s;

	if (json_is_integer(u)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(u));
		s = buf;
	} else {
		s = json_string_value(u);
	}
	if (!s || !s[0])
		return emit(c, C_USER, CS_CHECK_FAIL, c->svc_line,
			    "user unset: the image's user (often root) runs");
	if (!strcmp(s, "root") || !strcmp(s, "0") || !strncmp(s, "root:", 5) ||
	    !strncmp(s, "0:", 2))
		return emit(c, C_USER, CS_CHECK_FAIL, c->svc_line, "user: %.60s", s);
	return emit(c, C_USER, CS_CHECK_PASS, c->svc_line, "user: %.60s", s);
}

static bool value_set(const json_t *v)
{
	if (json_is_string(v))
		return json_string_length(v) > 0 && strcmp(json_string_value(v), "0") != 0;
	if (json_is_integer(v))
		return json_integer_value(v) > 0;
	if (json_is_real(v))
		return json_real_value(v) > 0;
	return false;
}

static int check_limits(struct compose *c, const json_t *svc)
{
	const json_t *lim = get(get(get(svc, "deploy"), "resources"), "limits");
	static const struct {
		int id;
		const char *deploy, *legacy;
		enum cs_check_status missing;
	} rows[] = {
		{ C_LIMITS_MEM, "memory", "mem_limit", CS_CHECK_FAIL },
		{ C_LIMITS_CPU, "cpus", "cpus", CS_CHECK_FAIL },
		{ C_LIMITS_PIDS, "pids", "pids_limit", CS_CHECK_WARN },
	};
	int r = 0;

	for (size_t i = 0; i < CS_ARRAY_SIZE(rows) && r >= 0; i++) {
		const json_t *d = get(lim, rows[i].deploy), *l = get(svc, rows[i].legacy);
		char v[80];

		if (value_set(d) || value_set(l)) {
			const json_t *x = value_set(d) ? d : l;

			if (json_is_string(x))
				snprintf(v, sizeof(v), "%.60s", json_string_value(x));
			else if (json_is_integer(x))
				snprintf(v, sizeof(v), "%lld", (long long)json_integer_value(x));
			else
				snprintf(v, sizeof(v), "%g", json_real_value(x));
			r = emit(c, rows[i].id, CS_CHECK_PASS,
				 line_of(c, value_set(d) ? lim : NULL), "%s: %s",
				 value_set(d) ? rows[i].deploy : rows[i].legacy, v);
		} else {
			r = emit(c, rows[i].id, rows[i].missing, line_of(c, lim),
				 "neither deploy.resources.limits.%s nor %s is set", rows[i].deploy,
				 rows[i].legacy);
		}
	}
	return r;
}

static bool all_interfaces(const char *ip)
{
	return !ip || !ip[0] || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::") || !strcmp(ip, "[::]");
}

/* the lowest port of "80", "8000-8010"; 0 when none */
static unsigned low_port(const char *s, size_t n)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9' && v < 100000; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return i ? v : 0;
}

/*
 * Short syntax: [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTO]; HOST_IP may be
 * "[v6]". Sets *ip (new string or NULL) and *host (0: a random host port).
 */
static int parse_port(const char *s, char **ip, unsigned *host, bool *published)
{
	const char *end = s + strcspn(s, "/"), *last, *prev = NULL;

	*ip = NULL;
	*host = 0;
	*published = true;
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb > end)
			return 0;
		*ip = strndup(s + 1, (size_t)(rb - s - 1));
		if (!*ip)
			return -ENOMEM;
		s = rb + 1;
		if (*s == ':')
			s++;
		last = memrchr(s, ':', (size_t)(end - s));
		*host = last ? low_port(s, (size_t)(last - s)) : 0;
		return 0;
	}
	last = memrchr(s, ':', (size_t)(end - s));
	if (!last)
		return 0; /* "80": published on a random port of every interface */
	prev = last > s ? memrchr(s, ':', (size_t)(last - s)) : NULL;
	if (prev) {
		*ip = strndup(s, (size_t)(prev - s));
		if (!*ip)
			return -ENOMEM;
		*host = low_port(prev + 1, (size_t)(last - prev - 1));
	} else {
		*host = low_port(s, (size_t)(last - s));
	}
	return 0;
}

static int check_ports(struct compose *c, const json_t *svc)
{
	const json_t *ports = get(svc, "ports");
	size_t i, n = 0;
	json_t *p;
	int r;

	json_array_foreach (ports, i, p) {
		_cleanup_free_ char *ip = NULL;
		char spec[96];
		unsigned host = 0;
		bool published = true;

		if (json_is_string(p) || json_is_integer(p)) {
			if (json_is_integer(p))
				snprintf(spec, sizeof(spec), "%lld",
					 (long long)json_integer_value(p));
			else
				snprintf(spec, sizeof(spec), "%.80s", json_string_value(p));
			r = parse_port(spec, &ip, &host, &published);
			if (r < 0)
				return r;
		} else if (json_is_object(p)) {
			const json_t *pub = get(p, "published");
			const char *hip = get_str(p, "host_ip");

			if (hip && !(ip = strdup(hip)))
				return -ENOMEM;
			if (json_is_integer(pub))
				host = (unsigned)json_integer_value(pub);
			else if (json_is_string(pub))
				host = low_port(json_string_value(pub),
						strlen(json_string_value(pub)));
			/* written as the short syntax it means: [IP:]HOST:TARGET */
			snprintf(spec, sizeof(spec), "%.40s%s%u:%lld", ip ? ip : "", ip ? ":" : "",
				 host, (long long)json_integer_value(get(p, "target")));
		} else {
			continue;
		}
		n++;
		if (!published || !all_interfaces(ip))
			r = emit(c, C_PORTS, CS_CHECK_PASS,
				 line_of(c, json_is_object(p) ? p : ports), "port %s on %.60s",
				 spec, ip ? ip : "-");
		else if (host && host < 1024)
			r = emit(c, C_PORTS, CS_CHECK_FAIL,
				 line_of(c, json_is_object(p) ? p : ports),
				 "port %s: privileged host port %u on every interface", spec, host);
		else
			r = emit(c, C_PORTS, CS_CHECK_WARN,
				 line_of(c, json_is_object(p) ? p : ports),
				 "port %s on every interface", spec);
		if (r < 0)
			return r;
	}
	return n ? 0 : emit(c, C_PORTS, CS_CHECK_PASS, c->svc_line, "no published port");
}

static int check_image(struct compose *c, const json_t *svc)
{
	const char *img = get_str(svc, "image");
	int r;

	if (!img || !img[0])
		return 0; /* built from source: no tag to judge */
	switch (audit_image_ref(img)) {
	case AUDIT_IMAGE_DIGEST:
		r = emit(c, C_IMAGE_TAG, CS_CHECK_PASS, c->svc_line, "image %.200s", img);
		return r < 0 ? r
			     : emit(c, C_IMAGE_DIGEST, CS_CHECK_PASS, c->svc_line, "image %.200s",
				    img);
	case AUDIT_IMAGE_TAG:
		r = emit(c, C_IMAGE_TAG, CS_CHECK_PASS, c->svc_line, "image %.200s", img);
		break;
	case AUDIT_IMAGE_LATEST:
		r = emit(c, C_IMAGE_TAG, CS_CHECK_FAIL, c->svc_line, "image %.200s", img);
		break;
	default:
		r = emit(c, C_IMAGE_TAG, CS_CHECK_FAIL, c->svc_line,
			 "image %.200s has no tag (latest)", img);
	}
	return r < 0 ? r
		     : emit(c, C_IMAGE_DIGEST, CS_CHECK_WARN, c->svc_line,
			    "image %.200s has no digest", img);
}

static int env_one(struct compose *c, const char *name, size_t nlen, const char *value,
		   unsigned line, size_t *n)
{
	if (!value || !cs_secret_name(name, nlen) || !cs_secret_value(value, strlen(value)))
		return 0;
	(*n)++;
	/* the value is a secret: only its name and length are reported */
	return emit(c, C_ENV_SECRET, CS_CHECK_FAIL, line,
		    "environment %.*s has a literal value (%zu characters)",
		    (int)(nlen > 80 ? 80 : nlen), name, strlen(value));
}

static int check_env(struct compose *c, const json_t *svc)
{
	const json_t *env = get(svc, "environment");
	unsigned line = line_of(c, env);
	size_t n = 0, i;
	const char *key;
	json_t *v;
	int r = 0;

	if (json_is_object(env)) {
		json_object_foreach ((json_t *)env, key, v) {
			char num[32];
			const char *s = json_string_value(v);

			if (json_is_integer(v)) {
				snprintf(num, sizeof(num), "%lld",
					 (long long)json_integer_value(v));
				s = num;
			}
			r = env_one(c, key, strlen(key), s, line, &n);
			if (r < 0)
				return r;
		}
	} else {
		json_array_foreach (env, i, v) {
			const char *s = json_string_value(v), *eq = s ? strchr(s, '=') : NULL;

			if (!eq)
				continue;
			r = env_one(c, s, (size_t)(eq - s), eq + 1, line, &n);
			if (r < 0)
				return r;
		}
	}
	return n ? 0
		 : emit(c, C_ENV_SECRET, CS_CHECK_PASS, line,
			"no literal value under a secret-like name");
}

static int check_restart(struct compose *c, const json_t *svc)
{
	const json_t *rp = get(get(svc, "deploy"), "restart_policy");
	const char *s = get_str(svc, "restart");
	uint64_t max = 0;

	if (json_is_object(rp)) {
		const char *cond = get_str(rp, "condition");
		const json_t *m = get(rp, "max_attempts");

		if (cond && !strcmp(cond, "none"))
			return emit(c, C_RESTART, CS_CHECK_PASS, line_of(c, rp),
				    "restart_policy.condition: none");
		if (json_is_integer(m) && json_integer_value(m) > 0 && json_integer_value(m) <= 5)
			return emit(c, C_RESTART, CS_CHECK_PASS, line_of(c, rp),
				    "restart_policy.max_attempts: %lld",
				    (long long)json_integer_value(m));
		return emit(c, C_RESTART, CS_CHECK_WARN, line_of(c, rp),
			    "restart_policy without max_attempts of 1-5");
	}
	if (!s || !strcmp(s, "no") || !strcmp(s, "\"no\""))
		return emit(c, C_RESTART, CS_CHECK_PASS, c->svc_line, "restart: %s",
			    s ? "no" : "unset (no)");
	if (!strncmp(s, "on-failure:", 11) && cs_safe_atou64(s + 11, &max) == 0 && max > 0 &&
	    max <= 5)
		return emit(c, C_RESTART, CS_CHECK_PASS, c->svc_line, "restart: %.40s", s);
	return emit(c, C_RESTART, CS_CHECK_WARN, c->svc_line,
		    "restart: %.40s restarts without a bound", s);
}

static int check_healthcheck(struct compose *c, const json_t *svc)
{
	const json_t *hc = get(svc, "healthcheck"), *test = get(hc, "test");
	const char *t0 = json_string_value(json_is_array(test) ? json_array_get(test, 0) : test);

	if (truth(get(hc, "disable")) == 1 || (t0 && !strcmp(t0, "NONE")))
		return emit(c, C_HEALTHCHECK, CS_CHECK_WARN, line_of(c, hc),
			    "the health check is disabled");
	return emit(c, C_HEALTHCHECK, CS_CHECK_PASS, line_of(c, hc),
		    hc ? "healthcheck set" : "healthcheck unset (the image's HEALTHCHECK applies)");
}

/* The ignore list of a service: x-customs-ignore, or the customs.dev/ignore label. */
static int service_ignores(struct compose *c, const json_t *svc)
{
	const json_t *ig = get(svc, COMPOSE_IGNORE_EXT), *labels = get(svc, "labels");
	size_t i;
	json_t *v;

	free(c->ignore_buf);
	c->ignore_buf = NULL;
	c->ignore = NULL;
	c->justified = get_str(svc, COMPOSE_JUSTIFICATION_EXT);
	c->ignore_by = COMPOSE_IGNORE_EXT;
	if (json_is_string(ig)) {
		c->ignore = json_string_value(ig);
	} else if (json_is_array(ig)) {
		struct cs_buf b = CS_BUF_INIT(1u << 16);

		json_array_foreach (ig, i, v)
			if (json_is_string(v) &&
			    cs_buf_printf(&b, "%s,", json_string_value(v)) < 0) {
				cs_buf_done(&b);
				return -ENOMEM;
			}
		if (b.len)
			c->ignore = c->ignore_buf = cs_buf_steal(&b, NULL);
		cs_buf_done(&b);
	}
	if (!c->ignore)
		c->ignore_by = "label " CS_K8S_IGNORE_ANNOTATION;
	if (!c->ignore && json_is_object(labels)) {
		c->ignore = get_str(labels, CS_K8S_IGNORE_ANNOTATION);
		if (!c->justified)
			c->justified = get_str(labels, CS_K8S_JUSTIFICATION_ANNOTATION);
	}
	if (!c->ignore && json_is_array(labels))
		json_array_foreach (labels, i, v) {
			const char *s = json_string_value(v);
			size_t n = strlen(CS_K8S_IGNORE_ANNOTATION);

			if (s && !strncmp(s, CS_K8S_IGNORE_ANNOTATION, n) && s[n] == '=')
				c->ignore = s + n + 1;
		}
	return 0;
}

static int audit_service(struct compose *c, const char *name, const json_t *svc)
{
	_cleanup_free_ char *target = cs_asprintf("service %.100s", name);
	int r, t;

	if (!target)
		return -ENOMEM;
	c->target = target;
	c->svc_line = line_of(c, svc);
	r = service_ignores(c, svc);
	if (r < 0)
		return r;
	t = truth(get(svc, "privileged"));
	r = emit(c, C_PRIVILEGED,
		 t == 1				     ? CS_CHECK_FAIL
		 : t == -1 && get(svc, "privileged") ? CS_CHECK_WARN
						     : CS_CHECK_PASS,
		 c->svc_line,
		 t == 1			  ? "privileged: true"
		 : t == 0		  ? "privileged: false"
		 : get(svc, "privileged") ? "privileged is not a boolean"
					  : "privileged unset");
	if (r >= 0)
		r = check_caps(c, svc);
	if (r >= 0)
		r = check_security_opt(c, svc);
	if (r >= 0)
		r = check_mode(c, svc, C_HOST_NETWORK, "network_mode", "host");
	if (r >= 0)
		r = check_mode(c, svc, C_HOST_PID, "pid", "host");
	if (r >= 0)
		r = check_mode(c, svc, C_HOST_IPC, "ipc", "host");
	if (r >= 0)
		r = check_mode(c, svc, C_USERNS, "userns_mode", "host");
	if (r >= 0)
		r = check_volumes(c, svc);
	if (r >= 0) {
		t = truth(get(svc, "read_only"));
		r = emit(c, C_RO_ROOTFS, t == 1 ? CS_CHECK_PASS : CS_CHECK_FAIL, c->svc_line,
			 t == 1	  ? "read_only: true"
			 : t == 0 ? "read_only: false"
				  : "read_only unset");
	}
	if (r >= 0)
		r = check_user(c, svc);
	if (r >= 0)
		r = check_limits(c, svc);
	if (r >= 0)
		r = check_ports(c, svc);
	if (r >= 0)
		r = check_image(c, svc);
	if (r >= 0)
		r = check_env(c, svc);
	if (r >= 0)
		r = check_restart(c, svc);
	if (r >= 0)
		r = check_healthcheck(c, svc);
	c->target = NULL;
	return r;
}

int cs_audit_compose(struct cs_audit *a, const char *path, const char *data, size_t len,
		     const struct cs_k8s_options *o, struct cs_error *err)
{
	static const struct cs_k8s_options defaults = { 0 };
	struct cs_yaml_options yo = {
		.aliases = true, .numbers = true, .lines = true, .max_docs = 1
	};
	_cleanup_(cs_yaml_freep) struct cs_yaml *y = NULL;
	struct compose c = { .a = a, .path = path, .o = o ? o : &defaults };
	const json_t *root, *services;
	const char *name;
	json_t *svc;
	int r;

	if (len > CS_K8S_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "%s: larger than %u bytes", path,
				    CS_K8S_MAX_SIZE);
	r = cs_yaml_parse(data, len, &yo, &y, err);
	if (r < 0)
		return cs_error_prefix(err, "%s", path);
	c.y = y;
	root = y->n_docs ? y->docs[0].root : NULL;
	if (!json_is_object(root))
		return cs_error_set(err, -CS_E_INPUT, "%s: not a Compose file (not a mapping)",
				    path);
	services = get(root, "services");
	if (!services || json_is_null(services))
		return cs_audit_warn(a, "%s: no services", path);
	if (!json_is_object(services))
		return cs_error_set(err, -CS_E_INPUT, "%s:%u: services is not a mapping", path,
				    line_of(&c, services));
	json_object_foreach ((json_t *)services, name, svc) {
		if (!json_is_object(svc)) {
			r = json_is_null(svc)
				    ? 0
				    : cs_error_set(err, -CS_E_INPUT,
						   "%s:%u: service '%.100s' is not a mapping", path,
						   line_of(&c, services), name);
			if (r < 0)
				break;
			continue;
		}
		r = audit_service(&c, name, svc);
		if (r < 0)
			break;
	}
	free(c.ignore_buf);
	if (r < 0)
		return err->code ? r : cs_error_errno(err, r, "%s", path);
	return 0;
}
