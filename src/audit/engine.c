/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CIS Docker Benchmark v1.6 section 5 (container runtime), 4.1 (the
 * container user) and 6 (sprawl) through the Docker-compatible Engine API:
 * GET /containers/json, then /containers/ID/json for each running
 * container. The engine's answers are hostile input: bounded, and every
 * field type-checked before use. Never prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "audit/host.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "image/engine_api.h"

#define LIST_MAX       (16u << 20)
#define INSPECT_MAX    (4u << 20)
#define MAX_CONTAINERS 10000

struct def {
	const char *id, *cis, *title;
	enum cs_severity sev;
	const char *fix;
};

#define D5(n, t, s, f) static const struct def D_5_##n = { "CS-CTR-5." #n, "5." #n, t, s, f }
static const struct def D_4_1 = { "CS-CTR-4.1", "4.1", "a user for the container has been created",
				  CS_SEV_MEDIUM,
				  "run as a non-root user (USER in the Dockerfile, or --user)" };
D5(1, "an AppArmor profile is enabled", CS_SEV_MEDIUM,
   "drop --security-opt apparmor=unconfined; run with the default or a custom profile");
D5(2, "SELinux security options are set, if applicable", CS_SEV_MEDIUM,
   "drop --security-opt label=disable");
D5(3, "Linux kernel capabilities are restricted within containers", CS_SEV_HIGH,
   "drop --cap-add; add only the capabilities the workload needs");
D5(4, "privileged containers are not used", CS_SEV_CRITICAL, "do not run with --privileged");
D5(5, "sensitive host system directories are not mounted on containers", CS_SEV_HIGH,
   "do not bind-mount /, /boot, /dev, /etc, /lib, /proc, /sys or /usr");
D5(6, "sshd is not run within containers", CS_SEV_LOW,
   "use 'docker exec' instead of an SSH server in the container");
D5(7, "privileged ports are not mapped within containers", CS_SEV_LOW,
   "publish on host ports 1024 and above");
D5(9, "the host's network namespace is not shared", CS_SEV_HIGH, "do not run with --network host");
D5(10, "memory usage for containers is limited", CS_SEV_MEDIUM, "run with --memory");
D5(11, "CPU priority is set appropriately on containers", CS_SEV_LOW,
   "run with --cpus or --cpu-shares");
D5(12, "the container's root filesystem is mounted as read only", CS_SEV_MEDIUM,
   "run with --read-only (and tmpfs or volumes for what must be written)");
D5(13, "incoming container traffic is bound to a specific host interface", CS_SEV_MEDIUM,
   "publish as -p IP:HOSTPORT:PORT with a specific address");
D5(14, "the 'on-failure' container restart policy is set to '5'", CS_SEV_LOW,
   "use --restart on-failure:5");
D5(15, "the host's process namespace is not shared", CS_SEV_HIGH, "do not run with --pid host");
D5(16, "the host's IPC namespace is not shared", CS_SEV_HIGH, "do not run with --ipc host");
D5(17, "host devices are not directly exposed to containers", CS_SEV_MEDIUM,
   "do not run with --device unless the workload needs it");
D5(18, "the default ulimit is overwritten at runtime if needed only", CS_SEV_LOW,
   "rely on the daemon's default ulimits unless a container needs others");
D5(19, "mount propagation mode is not set to shared", CS_SEV_MEDIUM,
   "do not mount volumes with shared or rshared propagation");
D5(20, "the host's UTS namespace is not shared", CS_SEV_MEDIUM, "do not run with --uts host");
D5(21, "the default seccomp profile is not disabled", CS_SEV_HIGH,
   "drop --security-opt seccomp=unconfined");
D5(24, "cgroup usage is confirmed", CS_SEV_LOW, "remove --cgroup-parent unless intended");
D5(25, "the container is restricted from acquiring additional privileges", CS_SEV_MEDIUM,
   "run with --security-opt no-new-privileges");
D5(26, "container health is checked at runtime", CS_SEV_LOW,
   "add a HEALTHCHECK or run with --health-cmd");
D5(28, "the PIDs cgroup limit is used", CS_SEV_MEDIUM, "run with --pids-limit");
D5(29, "Docker's default bridge docker0 is not used", CS_SEV_LOW,
   "attach the container to a user-defined network");
D5(30, "the host's user namespaces are not shared", CS_SEV_HIGH, "do not run with --userns host");
D5(31, "the engine socket is not mounted inside any containers", CS_SEV_CRITICAL,
   "do not mount docker.sock, podman.sock or containerd.sock into containers");
static const struct def D_6_1 = { "CS-HOST-6.1", "6.1", "image sprawl is avoided", CS_SEV_LOW,
				  "remove unused images (docker image prune -a)" };
static const struct def D_6_2 = { "CS-HOST-6.2", "6.2", "container sprawl is avoided", CS_SEV_LOW,
				  "remove stopped containers (docker container prune)" };

static int emit(struct cs_audit *a, const struct def *d, enum cs_check_status st,
		const char *target, const char *fmt, ...) CS_PRINTF(5, 6);
static int emit(struct cs_audit *a, const struct def *d, enum cs_check_status st,
		const char *target, const char *fmt, ...)
{
	struct cs_check c = { .id = d->id,
			      .cis = d->cis,
			      .title = d->title,
			      .severity = d->sev,
			      .status = st,
			      .target = target,
			      .remediation = d->fix };
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cs_audit_addv(a, &c, fmt, ap);
	va_end(ap);
	return r;
}

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long jint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static bool jtrue(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

static bool streq0(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

/* A SecurityOpt entry "name=value" or "name:value" (docker accepts both) */
static bool secopt(const json_t *hc, const char *name, const char *value)
{
	const json_t *so = json_object_get(hc, "SecurityOpt");
	size_t i, nl = strlen(name);
	json_t *e;

	json_array_foreach (so, i, e) {
		const char *s = json_string_value(e);

		if (!s || strncmp(s, name, nl))
			continue;
		if (!value && (!s[nl] || !strcmp(s + nl, "=true") || !strcmp(s + nl, ":true")))
			return true;
		if (value && (s[nl] == '=' || s[nl] == ':') && !strcmp(s + nl + 1, value))
			return true;
	}
	return false;
}

static bool path_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return !strcmp(p, "/");
	return !strncmp(p, dir, n) && (p[n] == 0 || p[n] == '/');
}

static bool is_engine_socket(const char *src, const char *engine_socket)
{
	static const char *const names[] = { "docker.sock", "podman.sock", "containerd.sock" };
	const char *b = strrchr(src, '/');

	if (engine_socket && !strcmp(src, engine_socket))
		return true;
	b = b ? b + 1 : src;
	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++)
		if (!strcmp(b, names[i]))
			return true;
	/* a mount of the directory holding the socket exposes it too */
	return !strcmp(src, "/run/docker") || !strcmp(src, "/var/run") || !strcmp(src, "/run") ||
	       !strcmp(src, "/run/podman") || !strcmp(src, "/run/containerd");
}

/* "a, b" lists */
static void list_add(struct cs_buf *b, const char *fmt, ...) CS_PRINTF(2, 3);
static void list_add(struct cs_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cs_buf_printf(b, "%s%s", b->len ? ", " : "", tmp);
}

static const char *ns_mode(const json_t *hc, const char *key)
{
	const char *m = jstr(hc, key);

	return m && *m ? m : "default";
}

/*
 * Is the container in the host's namespace ns ("ipc", "pid", ...)? The
 * engine's word is not enough (Podman's compatible API reports IpcMode
 * "shareable" for --ipc host), so when the container's process is visible
 * here — its /proc/PID/cgroup names the container id, so the pid is not
 * another namespace's — the kernel is asked: 1 shared, 0 not, -1 unknown.
 */
static int ns_shared(const json_t *c, const char *ns)
{
	const json_t *st = json_object_get(c, "State");
	const char *id = jstr(c, "Id");
	long long pid = jint(st, "Pid");
	char path[64], mine[64], theirs[64], buf[8192];
	ssize_t n;
	int fd;

	if (pid <= 0 || pid > 0x7fffffff || !id || strlen(id) < 32)
		return -1;
	snprintf(path, sizeof(path), "/proc/%lld/cgroup", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	if (!strstr(buf, id))
		return -1;
	snprintf(path, sizeof(path), "/proc/%lld/ns/%s", pid, ns);
	n = readlink(path, theirs, sizeof(theirs) - 1);
	if (n <= 0)
		return -1;
	theirs[n] = 0;
	snprintf(path, sizeof(path), "/proc/1/ns/%s", ns);
	n = readlink(path, mine, sizeof(mine) - 1);
	if (n <= 0) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
		n = readlink(path, mine, sizeof(mine) - 1);
	}
	if (n <= 0)
		return -1;
	mine[n] = 0;
	return !strcmp(mine, theirs);
}

static int check_ns(struct cs_audit *a, const struct def *d, const char *target, const json_t *c,
		    const char *key, const char *ns)
{
	const json_t *hc = json_object_get(c, "HostConfig");
	const char *m = ns_mode(hc, key);

	if (!strcmp(m, "host"))
		return emit(a, d, CS_CHECK_FAIL, target, "%s: host", key);
	/* not for user namespaces: without remapping every container shares the host's */
	if (ns && ns_shared(c, ns) == 1)
		return emit(a, d, CS_CHECK_FAIL, target,
			    "%s: %s, but the kernel shows the container in the host's %s namespace",
			    key, m, ns);
	return emit(a, d, CS_CHECK_PASS, target, "%s: %s", key, m);
}

/*
 * Does a process listing (GET /containers/ID/top) show sshd? Docker gives
 * columns (CMD), Podman's compatible API one string per process (busybox
 * ps shows a script's name as "{sshd}"): any word of a row whose base name
 * is sshd (or "sshd:", what sshd's children call themselves) counts.
 */
static bool top_has_sshd(const json_t *top, struct cs_buf *what)
{
	const json_t *procs = json_object_get(top, "Processes"), *row, *cell;
	size_t i, k;

	json_array_foreach (procs, i, row) {
		json_array_foreach (row, k, cell) {
			const char *s = json_string_value(cell);

			while (s && *s) {
				size_t n = strcspn(s, " \t");
				const char *w = s, *slash;

				s += n + strspn(s + n, " \t");
				if (n && *w == '{' && w[n - 1] == '}') {
					w++;
					n -= 2;
				}
				slash = memrchr(w, '/', n);
				if (slash) {
					n -= (size_t)(slash + 1 - w);
					w = slash + 1;
				}
				if ((n == 4 && !memcmp(w, "sshd", 4)) ||
				    (n >= 5 && !memcmp(w, "sshd:", 5))) {
					cs_buf_printf(what, "%.*s", (int)(n > 64 ? 64 : n), w);
					return true;
				}
			}
		}
	}
	return false;
}

int cs_audit_container(const json_t *c, const json_t *top, const char *engine_socket,
		       struct cs_audit *a)
{
	const json_t *hc = json_object_get(c, "HostConfig"), *cfg = json_object_get(c, "Config");
	const json_t *mounts = json_object_get(c, "Mounts"), *e;
	const char *id = jstr(c, "Id"), *name = jstr(c, "Name"), *s;
	struct cs_buf l1 = CS_BUF_INIT(8192), l2 = CS_BUF_INIT(8192), l3 = CS_BUF_INIT(8192);
	struct cs_buf l4 = CS_BUF_INIT(8192);
	_cleanup_free_ char *target = NULL;
	size_t i;
	int r = 0;

	/* jansson's getters take NULL: a missing HostConfig reads as all defaults */
	if (name && *name == '/')
		name++;
	target = cs_asprintf("container %.200s (%.12s)", name && *name ? name : "?", id ? id : "?");
	if (!target)
		return -ENOMEM;
#define TRY(x)                    \
	do {                      \
		r = (x);          \
		if (r < 0)        \
			goto out; \
	} while (0)

	/* 4.1 */
	s = jstr(cfg, "User");
	{
		bool root = !s || !*s || !strcmp(s, "root") || !strcmp(s, "0") ||
			    !strncmp(s, "0:", 2) || !strncmp(s, "root:", 5);

		TRY(emit(a, &D_4_1, root ? CS_CHECK_FAIL : CS_CHECK_PASS, target, "User: %s",
			 s && *s ? s : "(empty: root)"));
	}
	/* 5.1 */
	s = jstr(c, "AppArmorProfile");
	if (secopt(hc, "apparmor", "unconfined") || streq0(s, "unconfined"))
		TRY(emit(a, &D_5_1, CS_CHECK_FAIL, target, "AppArmor profile: unconfined"));
	else if (s && *s)
		TRY(emit(a, &D_5_1, CS_CHECK_PASS, target, "AppArmor profile: %s", s));
	else
		TRY(emit(a, &D_5_1, CS_CHECK_SKIP, target,
			 "no AppArmor profile (AppArmor is not in use on the engine's host)"));
	/* 5.2 */
	s = jstr(c, "ProcessLabel");
	if (secopt(hc, "label", "disable"))
		TRY(emit(a, &D_5_2, CS_CHECK_FAIL, target, "SecurityOpt label=disable"));
	else if (s && *s)
		TRY(emit(a, &D_5_2, CS_CHECK_PASS, target, "SELinux label: %s", s));
	else
		TRY(emit(a, &D_5_2, CS_CHECK_SKIP, target,
			 "no SELinux label (SELinux is not in use on the engine's host)"));
	/* 5.3 */
	json_array_foreach (json_object_get(hc, "CapAdd"), i, e)
		if (json_is_string(e))
			list_add(&l1, "%s", json_string_value(e));
	TRY(emit(a, &D_5_3, l1.len ? CS_CHECK_FAIL : CS_CHECK_PASS, target, "CapAdd: %s",
		 l1.len ? l1.data : "none"));
	/* 5.4 */
	TRY(emit(a, &D_5_4, jtrue(hc, "Privileged") ? CS_CHECK_FAIL : CS_CHECK_PASS, target,
		 "Privileged: %s", jtrue(hc, "Privileged") ? "true" : "false"));
	/* 5.5, 5.19, 5.31 from Mounts */
	cs_buf_reset(&l1);
	{
		static const char *const sensitive[] = { "/",	 "/boot", "/dev", "/etc",
							 "/lib", "/proc", "/sys", "/usr" };

		json_array_foreach (mounts, i, e) {
			const char *src = jstr(e, "Source"), *dst = jstr(e, "Destination");
			const char *type = jstr(e, "Type"), *prop = jstr(e, "Propagation");
			bool rw = json_is_true(json_object_get(e, "RW"));

			if (!src)
				continue;
			if (!type || !strcmp(type, "bind"))
				for (size_t k = 0; k < CS_ARRAY_SIZE(sensitive); k++)
					if (path_under(src, sensitive[k])) {
						list_add(&l1, "%s:%s (%s)", src, dst ? dst : "?",
							 rw ? "rw" : "ro");
						break;
					}
			if (prop && (!strcmp(prop, "shared") || !strcmp(prop, "rshared")))
				list_add(&l4, "%s:%s %s", src, dst ? dst : "?", prop);
			if (is_engine_socket(src, engine_socket))
				list_add(&l3, "%s:%s", src, dst ? dst : "?");
		}
	}
	TRY(emit(a, &D_5_5, l1.len ? CS_CHECK_FAIL : CS_CHECK_PASS, target,
		 "sensitive host paths mounted: %s", l1.len ? l1.data : "none"));
	cs_buf_reset(&l2);
	if (!json_is_array(json_object_get(top, "Processes")))
		TRY(emit(a, &D_5_6, CS_CHECK_MANUAL, target,
			 "no process list from the engine: look for sshd with docker top"));
	else if (top_has_sshd(top, &l2))
		TRY(emit(a, &D_5_6, CS_CHECK_FAIL, target, "process %s runs in the container",
			 l2.data ? l2.data : "sshd"));
	else
		TRY(emit(a, &D_5_6, CS_CHECK_PASS, target, "no sshd among %zu processes",
			 json_array_size(json_object_get(top, "Processes"))));
	/* 5.7, 5.13 from the port bindings */
	cs_buf_reset(&l1);
	cs_buf_reset(&l2);
	{
		const json_t *pb = json_object_get(hc, "PortBindings");
		const char *port;
		json_t *binds;
		bool any = false;

		json_object_foreach ((json_t *)pb, port, binds) {
			size_t k;
			json_t *b;

			json_array_foreach (binds, k, b) {
				const char *hp = jstr(b, "HostPort"), *ip = jstr(b, "HostIp");
				char *end = NULL;
				long n = hp && *hp ? strtol(hp, &end, 10) : -1;

				any = true;
				if (n >= 0 && end && !*end && n < 1024)
					list_add(&l1, "%s -> %s", hp, port);
				if (!ip || !*ip || !strcmp(ip, "0.0.0.0") || !strcmp(ip, "::"))
					list_add(&l2, "%s:%s -> %s", ip && *ip ? ip : "0.0.0.0",
						 hp ? hp : "?", port);
			}
		}
		TRY(emit(a, &D_5_7, l1.len ? CS_CHECK_FAIL : CS_CHECK_PASS, target,
			 "host ports below 1024: %s", l1.len ? l1.data : "none"));
		TRY(emit(a, &D_5_13, l2.len ? CS_CHECK_FAIL : CS_CHECK_PASS, target,
			 "bindings on every interface: %s",
			 l2.len ? l2.data
			 : any	? "none"
				: "no published ports"));
	}
	TRY(check_ns(a, &D_5_9, target, c, "NetworkMode", "net"));
	TRY(emit(a, &D_5_10, jint(hc, "Memory") > 0 ? CS_CHECK_PASS : CS_CHECK_FAIL, target,
		 "Memory: %lld", jint(hc, "Memory")));
	{
		long long shares = jint(hc, "CpuShares"), nano = jint(hc, "NanoCpus"),
			  quota = jint(hc, "CpuQuota");
		bool set = nano > 0 || quota > 0 || (shares > 0 && shares != 1024);

		TRY(emit(a, &D_5_11, set ? CS_CHECK_PASS : CS_CHECK_FAIL, target,
			 "NanoCpus: %lld, CpuQuota: %lld, CpuShares: %lld", nano, quota, shares));
	}
	TRY(emit(a, &D_5_12, jtrue(hc, "ReadonlyRootfs") ? CS_CHECK_PASS : CS_CHECK_FAIL, target,
		 "ReadonlyRootfs: %s", jtrue(hc, "ReadonlyRootfs") ? "true" : "false"));
	{
		const json_t *rp = json_object_get(hc, "RestartPolicy");
		const char *pn = jstr(rp, "Name");
		long long max = jint(rp, "MaximumRetryCount");
		enum cs_check_status st = CS_CHECK_PASS;

		if (pn && !strcmp(pn, "on-failure"))
			st = max > 0 && max <= 5 ? CS_CHECK_PASS : CS_CHECK_FAIL;
		else if (pn && (!strcmp(pn, "always") || !strcmp(pn, "unless-stopped")))
			st = CS_CHECK_FAIL;
		TRY(emit(a, &D_5_14, st, target, "RestartPolicy: %s, MaximumRetryCount: %lld",
			 pn && *pn ? pn : "no", max));
	}
	TRY(check_ns(a, &D_5_15, target, c, "PidMode", "pid"));
	TRY(check_ns(a, &D_5_16, target, c, "IpcMode", "ipc"));
	cs_buf_reset(&l1);
	json_array_foreach (json_object_get(hc, "Devices"), i, e) {
		const char *ph = jstr(e, "PathOnHost"), *pc = jstr(e, "PathInContainer");

		list_add(&l1, "%s:%s", ph ? ph : "?", pc ? pc : "?");
	}
	TRY(emit(a, &D_5_17, l1.len ? CS_CHECK_FAIL : CS_CHECK_PASS, target, "Devices: %s",
		 l1.len ? l1.data : "none"));
	cs_buf_reset(&l1);
	json_array_foreach (json_object_get(hc, "Ulimits"), i, e) {
		const char *un = jstr(e, "Name");

		list_add(&l1, "%s=%lld:%lld", un ? un : "?", jint(e, "Soft"), jint(e, "Hard"));
	}
	TRY(emit(a, &D_5_18, l1.len ? CS_CHECK_INFO : CS_CHECK_PASS, target, "Ulimits: %s",
		 l1.len ? l1.data : "the daemon's defaults"));
	TRY(emit(a, &D_5_19, l4.len ? CS_CHECK_FAIL : CS_CHECK_PASS, target,
		 "shared propagation: %s", l4.len ? l4.data : "none"));
	TRY(check_ns(a, &D_5_20, target, c, "UTSMode", "uts"));
	{
		bool unconf = secopt(hc, "seccomp", "unconfined");
		bool priv = jtrue(hc, "Privileged");

		TRY(emit(a, &D_5_21, unconf || priv ? CS_CHECK_FAIL : CS_CHECK_PASS, target, "%s",
			 unconf ? "SecurityOpt seccomp=unconfined"
			 : priv ? "privileged: no seccomp filtering"
				: "default seccomp profile"));
	}
	s = jstr(hc, "CgroupParent");
	TRY(emit(a, &D_5_24, s && *s ? CS_CHECK_MANUAL : CS_CHECK_PASS, target, "CgroupParent: %s",
		 s && *s ? s : "the default"));
	{
		bool nnp = secopt(hc, "no-new-privileges", NULL);

		TRY(emit(a, &D_5_25, nnp ? CS_CHECK_PASS : CS_CHECK_FAIL, target,
			 "no-new-privileges: %s", nnp ? "set" : "not set"));
	}
	{
		const json_t *hcheck = json_object_get(cfg, "Healthcheck");
		const json_t *test = json_object_get(hcheck, "Test");
		const char *t0 = json_string_value(json_array_get(test, 0));
		bool has = json_array_size(test) > 0 && !streq0(t0, "NONE");

		TRY(emit(a, &D_5_26, has ? CS_CHECK_PASS : CS_CHECK_FAIL, target, "Healthcheck: %s",
			 has ? "set" : "none"));
	}
	TRY(emit(a, &D_5_28, jint(hc, "PidsLimit") > 0 ? CS_CHECK_PASS : CS_CHECK_FAIL, target,
		 "PidsLimit: %lld", jint(hc, "PidsLimit")));
	{
		const char *nm = ns_mode(hc, "NetworkMode");
		bool dflt = !strcmp(nm, "default") || !strcmp(nm, "bridge");

		TRY(emit(a, &D_5_29, dflt ? CS_CHECK_FAIL : CS_CHECK_PASS, target,
			 "NetworkMode: %s", nm));
	}
	TRY(check_ns(a, &D_5_30, target, c, "UsernsMode", NULL));
	TRY(emit(a, &D_5_31, l3.len ? CS_CHECK_FAIL : CS_CHECK_PASS, target,
		 "engine socket mounts: %s", l3.len ? l3.data : "none"));
#undef TRY
out:
	cs_buf_done(&l1);
	cs_buf_done(&l4);
	cs_buf_done(&l2);
	cs_buf_done(&l3);
	return r;
}

static bool valid_id(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n < 12 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}

int cs_audit_container_at(const char *socket, const char *id, struct cs_audit *a,
			  struct cs_error *err)
{
	_cleanup_free_ char *path = NULL;
	struct cs_error e2 = CS_ERROR_INIT;
	json_t *ins = NULL, *top = NULL;
	int r;

	if (!valid_id(id))
		return cs_error_set(err, -CS_E_INPUT, "engine at '%s': invalid container id",
				    socket);
	path = cs_asprintf("/containers/%s/json", id);
	if (!path)
		return -ENOMEM;
	r = cs_engine_get_json(socket, path, INSPECT_MAX, &ins, err);
	if (r < 0)
		return r;
	free(path);
	/* the process list is best effort: without it 5.6 is manual */
	path = cs_asprintf("/containers/%s/top", id);
	if (!path) {
		json_decref(ins);
		return -ENOMEM;
	}
	if (cs_engine_get_json(socket, path, INSPECT_MAX, &top, &e2) < 0)
		top = NULL;
	r = cs_audit_container(ins, top, socket, a);
	json_decref(ins);
	json_decref(top);
	return r;
}

int cs_audit_engine(const char *socket, struct cs_audit *a, struct cs_error *err)
{
	json_t *list = NULL, *all = NULL, *images = NULL, *e;
	size_t i, running = 0, used = 0;
	int r;

	r = cs_engine_get_json(socket, "/containers/json", LIST_MAX, &list, err);
	if (r < 0)
		goto out;
	if (!json_is_array(list)) {
		r = cs_error_set(err, -CS_E_INPUT, "engine at '%s': container list is not an array",
				 socket);
		goto out;
	}
	if (json_array_size(list) > MAX_CONTAINERS) {
		r = cs_error_set(err, -CS_E_LIMIT, "engine at '%s': more than %d containers",
				 socket, MAX_CONTAINERS);
		goto out;
	}
	json_array_foreach (list, i, e) {
		const char *id = jstr(e, "Id");
		struct cs_error e2 = CS_ERROR_INIT;

		if (!valid_id(id)) {
			cs_audit_warn(a, "engine at '%s': a container has an invalid id", socket);
			continue;
		}
		r = cs_audit_container_at(socket, id, a, &e2);
		if (r == -CS_E_NOTFOUND) /* gone since the list */
			continue;
		if (r < 0) {
			if (e2.code)
				*err = e2;
			goto out;
		}
		running++;
	}
	/* section 6 */
	r = cs_engine_get_json(socket, "/containers/json?all=1", LIST_MAX, &all, err);
	if (r >= 0)
		r = cs_engine_get_json(socket, "/images/json", LIST_MAX, &images, err);
	if (r < 0)
		goto out;
	json_array_foreach (images, i, e) {
		const char *iid = jstr(e, "Id");
		size_t k;
		json_t *c;

		json_array_foreach (all, k, c)
			if (iid && streq0(jstr(c, "ImageID"), iid)) {
				used++;
				break;
			}
	}
	r = emit(a, &D_6_1, CS_CHECK_INFO, "engine images", "%zu images, %zu in use by containers",
		 json_array_size(images), used);
	if (r >= 0)
		r = emit(a, &D_6_2, CS_CHECK_INFO, "engine containers",
			 "%zu containers, %zu running", json_array_size(all), running);
out:
	json_decref(list);
	json_decref(all);
	json_decref(images);
	return r;
}
