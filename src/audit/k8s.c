/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit k8s: the least-privilege checks of every Pod-bearing
 * object of a Kubernetes manifest (docs/AUDIT.md lists them). One result
 * per check and container (or pod, or volume), each naming "Kind
 * namespace/name container X", the file and the line of the mapping the
 * evidence is in. Container security contexts are merged with the pod's as
 * the kubelet does; a field of the wrong type is evidence the API server
 * would refuse, reported as a warning, never trusted.
 *
 * The manifest is hostile: cs_yaml_parse bounds it, Lists nest at most
 * LIST_DEPTH deep, and no value is printed that could be a secret (the
 * env check names the variable, never its value).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/config.h"
#include "audit/internal.h"
#include "audit/k8s.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/yaml.h"

#define LIST_DEPTH 4

enum {
	C_PRIVILEGED,
	C_PRIV_ESC,
	C_CAP_ADD,
	C_CAP_DROP,
	C_NON_ROOT,
	C_ROOT_GROUP,
	C_RO_ROOTFS,
	C_SECCOMP,
	C_APPARMOR,
	C_HOST_NETWORK,
	C_HOST_PID,
	C_HOST_IPC,
	C_HOST_PORT,
	C_HOSTPATH,
	C_LIMITS_CPU,
	C_LIMITS_MEM,
	C_REQ_CPU,
	C_REQ_MEM,
	C_EPHEMERAL,
	C_JOB_DEADLINE,
	C_JOB_TTL,
	C_SA_TOKEN,
	C_ENV_SECRET,
	C_IMAGE_TAG,
	C_IMAGE_DIGEST,
	C_NAMESPACE,
	C_PROC_MOUNT,
	_C_MAX,
};

static const struct audit_def defs[_C_MAX] = {
	[C_PRIVILEGED] = { "CS-K8S-PRIVILEGED", "Containers do not run privileged", CS_SEV_CRITICAL,
			   "remove securityContext.privileged or set it to false" },
	[C_PRIV_ESC] = { "CS-K8S-PRIVILEGE-ESCALATION", "Containers cannot gain privileges",
			 CS_SEV_HIGH, "set securityContext.allowPrivilegeEscalation: false" },
	[C_CAP_ADD] = { "CS-K8S-CAPABILITIES-ADD", "Containers add no dangerous capabilities",
			CS_SEV_HIGH,
			"remove the capability from securityContext.capabilities.add; grant only "
			"what the process needs (e.g. NET_BIND_SERVICE)" },
	[C_CAP_DROP] = { "CS-K8S-CAPABILITIES-DROP", "Containers drop all capabilities",
			 CS_SEV_MEDIUM,
			 "set securityContext.capabilities.drop: [ALL] and add back only what is "
			 "needed" },
	[C_NON_ROOT] = { "CS-K8S-RUN-AS-NON-ROOT", "Containers run as a non-root user", CS_SEV_HIGH,
			 "set securityContext.runAsNonRoot: true and runAsUser to a non-zero uid" },
	[C_ROOT_GROUP] = { "CS-K8S-RUN-AS-ROOT-GROUP", "Containers do not run with group 0",
			   CS_SEV_LOW, "set securityContext.runAsGroup to a non-zero gid" },
	[C_RO_ROOTFS] = { "CS-K8S-READ-ONLY-ROOT-FS", "Containers have a read-only root filesystem",
			  CS_SEV_MEDIUM,
			  "set securityContext.readOnlyRootFilesystem: true; mount emptyDir "
			  "volumes where the process writes" },
	[C_SECCOMP] = { "CS-K8S-SECCOMP", "Containers run under a seccomp profile", CS_SEV_MEDIUM,
			"set securityContext.seccompProfile.type: RuntimeDefault (pod or "
			"container)" },
	[C_APPARMOR] = { "CS-K8S-APPARMOR", "Containers are not AppArmor-unconfined", CS_SEV_MEDIUM,
			 "set securityContext.appArmorProfile.type: RuntimeDefault (or Localhost) "
			 "and drop the unconfined annotation" },
	[C_HOST_NETWORK] = { "CS-K8S-HOST-NETWORK", "Pods do not share the host network",
			     CS_SEV_HIGH, "remove hostNetwork: true" },
	[C_HOST_PID] = { "CS-K8S-HOST-PID", "Pods do not share the host PID namespace", CS_SEV_HIGH,
			 "remove hostPID: true" },
	[C_HOST_IPC] = { "CS-K8S-HOST-IPC", "Pods do not share the host IPC namespace", CS_SEV_HIGH,
			 "remove hostIPC: true" },
	[C_HOST_PORT] = { "CS-K8S-HOST-PORT", "Containers do not bind host ports", CS_SEV_MEDIUM,
			  "remove hostPort; expose the port through a Service" },
	[C_HOSTPATH] = { "CS-K8S-HOSTPATH", "Pods mount no host paths", CS_SEV_HIGH,
			 "replace the hostPath volume (emptyDir, a PersistentVolumeClaim, a "
			 "ConfigMap); never mount host system paths or engine sockets" },
	[C_LIMITS_CPU] = { "CS-K8S-LIMITS-CPU", "Containers have a CPU limit", CS_SEV_MEDIUM,
			   "set resources.limits.cpu" },
	[C_LIMITS_MEM] = { "CS-K8S-LIMITS-MEMORY", "Containers have a memory limit", CS_SEV_MEDIUM,
			   "set resources.limits.memory" },
	[C_REQ_CPU] = { "CS-K8S-REQUESTS-CPU", "Containers request CPU", CS_SEV_LOW,
			"set resources.requests.cpu" },
	[C_REQ_MEM] = { "CS-K8S-REQUESTS-MEMORY", "Containers request memory", CS_SEV_LOW,
			"set resources.requests.memory" },
	[C_EPHEMERAL] = { "CS-K8S-LIMITS-EPHEMERAL-STORAGE",
			  "Containers have an ephemeral-storage limit", CS_SEV_LOW,
			  "set resources.limits.ephemeral-storage" },
	[C_JOB_DEADLINE] = { "CS-K8S-JOB-DEADLINE", "Jobs have a deadline", CS_SEV_LOW,
			     "set activeDeadlineSeconds on the Job (jobTemplate.spec of a CronJob)" },
	[C_JOB_TTL] = { "CS-K8S-JOB-TTL", "Finished Jobs are cleaned up", CS_SEV_LOW,
			"set ttlSecondsAfterFinished on the Job (jobTemplate.spec of a CronJob)" },
	[C_SA_TOKEN] = { "CS-K8S-SA-TOKEN-AUTOMOUNT",
			 "Pods do not mount a service account token they do not need",
			 CS_SEV_MEDIUM, "set automountServiceAccountToken: false in the pod spec" },
	[C_ENV_SECRET] = { "CS-K8S-ENV-SECRET", "No literal secrets in container environments",
			   CS_SEV_HIGH,
			   "move the value into a Secret and use env.valueFrom.secretKeyRef" },
	[C_IMAGE_TAG] = { "CS-K8S-IMAGE-TAG", "Images name a version, not latest", CS_SEV_MEDIUM,
			  "use a version tag and, better, a digest (image@sha256:...)" },
	[C_IMAGE_DIGEST] = { "CS-K8S-IMAGE-DIGEST", "Images are pinned by digest", CS_SEV_LOW,
			     "pin the image by digest (image:tag@sha256:...)" },
	[C_NAMESPACE] = { "CS-K8S-NAMESPACE", "Workloads do not live in the default namespace",
			  CS_SEV_LOW, "set metadata.namespace to a namespace of the application" },
	[C_PROC_MOUNT] = { "CS-K8S-PROC-MOUNT", "Containers keep the default masked /proc",
			   CS_SEV_HIGH, "remove securityContext.procMount: Unmasked" },
};

struct k8s {
	struct cs_audit *a;
	const struct cs_yaml *y; /* NULL for input jansson read (no lines) */
	const char *path;
	const struct cs_k8s_options *o;
	struct cs_error *err;
	/* Helm's "# Source: FILE" comments: (line, file) in order */
	struct source {
		unsigned line;
		char *file;
	} * sources;
	size_t n_sources;
	unsigned doc_line, next_doc_line; /* the document being audited and the next one */
	/* the object being audited */
	const char *kind;
	char *label;	       /* "Deployment ns/name", with "(from FILE)" for Helm output */
	const char *ignore;    /* the ignore annotation's value, or NULL */
	const char *justified; /* the justification annotation's value, or NULL */
	unsigned obj_line;
};

/* ---- small JSON helpers: every field is type-checked ---- */

static const json_t *get(const json_t *o, const char *k)
{
	return json_is_object(o) ? json_object_get(o, k) : NULL;
}

static const char *get_str(const json_t *o, const char *k)
{
	return json_string_value(get(o, k));
}

enum tri { T_UNSET = 0, T_TRUE, T_FALSE, T_BAD };

/*
 * A boolean field. Kubernetes reads YAML 1.1, where plain yes/no/on/off are
 * booleans too; the loader keeps them as text, so they count here.
 */
static enum tri get_bool(const json_t *o, const char *k)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "off", "Off", "OFF" };
	const json_t *v = get(o, k);
	const char *s;

	if (!v || json_is_null(v))
		return T_UNSET;
	if (json_is_boolean(v))
		return json_is_true(v) ? T_TRUE : T_FALSE;
	s = json_string_value(v);
	for (size_t i = 0; s && i < CS_ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]))
			return T_TRUE;
		if (!strcmp(s, no[i]))
			return T_FALSE;
	}
	return T_BAD;
}

/* An integer field: 1 and *v, 0 unset, -1 present but not an integer. */
static int get_int(const json_t *o, const char *k, long long *v)
{
	const json_t *x = get(o, k);

	if (!x || json_is_null(x))
		return 0;
	if (json_is_integer(x)) {
		*v = json_integer_value(x);
		return 1;
	}
	if (json_is_real(x) && json_real_value(x) == (double)(long long)json_real_value(x)) {
		*v = (long long)json_real_value(x);
		return 1;
	}
	return -1;
}

static unsigned line_of(const struct k8s *k, const json_t *node)
{
	return k->y && node ? cs_yaml_line(k->y, node) : 0;
}

/* The first known line of the nodes (any may be NULL), else the object's. */
static unsigned best_linev(const struct k8s *k, const json_t *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned l = line_of(k, v[i]);

		if (l)
			return l;
	}
	return k->obj_line;
}
#define best_line(k, ...)                                     \
	best_linev(k, (const json_t *const[]){ __VA_ARGS__ }, \
		   sizeof((const json_t *const[]){ __VA_ARGS__ }) / sizeof(const json_t *))

/* A short, safe rendering of a scalar for evidence: never more than 60 bytes. */
static void scalar_text(const json_t *v, char *buf, size_t n)
{
	if (json_is_string(v))
		snprintf(buf, n, "'%.60s'", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, n, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, n, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_array(v))
		snprintf(buf, n, "a list");
	else if (json_is_object(v))
		snprintf(buf, n, "a mapping");
	else
		snprintf(buf, n, "null");
}

/* ---- results ---- */

static int emit(struct k8s *k, int id, enum cs_check_status st, const char *target, unsigned line,
		const char *fmt, ...) CS_PRINTF(6, 7);

static int emit(struct k8s *k, int id, enum cs_check_status st, const char *target, unsigned line,
		const char *fmt, ...)
{
	const struct audit_def *d = &defs[id];
	_cleanup_free_ char *ev = NULL;
	struct cs_check c = {
		.id = d->id,
		.title = d->title,
		.severity = d->severity,
		.status = st,
		.target = target,
		.path = k->path,
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
	c.evidence = ev;
	if (k->ignore && !k->o->strict && audit_id_listed(k->ignore, d->id)) {
		c.suppressed_by = "annotation " CS_K8S_IGNORE_ANNOTATION;
		c.justification = k->justified;
		return cs_audit_add_suppressed(k->a, &c);
	}
	return cs_audit_add(k->a, &c);
}

/* ---- the security context ---- */

json_t *cs_k8s_effective_security_context(const json_t *pod_sc, const json_t *container_sc)
{
	/* PodSecurityContext fields a container inherits (k8s.io/api core/v1) */
	static const char *const inherited[] = { "runAsUser",	   "runAsGroup",
						 "runAsNonRoot",   "seLinuxOptions",
						 "seccompProfile", "appArmorProfile",
						 "windowsOptions" };
	json_t *sc =
		json_is_object(container_sc) ? json_copy((json_t *)container_sc) : json_object();

	if (!sc)
		return NULL;
	for (size_t i = 0; json_is_object(pod_sc) && i < CS_ARRAY_SIZE(inherited); i++) {
		json_t *v = json_object_get(pod_sc, inherited[i]);
		json_t *mine = json_object_get(sc, inherited[i]);

		/* an explicit null in the container is unset: the pod's value applies */
		if (v && !json_is_null(v) && (!mine || json_is_null(mine)) &&
		    json_object_set(sc, inherited[i], v) < 0) {
			json_decref(sc);
			return NULL;
		}
	}
	return sc;
}

/* Where a merged field came from: the container's context, else the pod's, else the container. */
static unsigned sc_line(const struct k8s *k, const char *field, const json_t *csc,
			const json_t *psc, const json_t *c)
{
	if (get(csc, field))
		return best_line(k, get(csc, field), csc, c);
	if (get(psc, field))
		return best_line(k, get(psc, field), psc, c);
	return best_line(k, csc, c);
}

static int check_bool_false(struct k8s *k, int id, const char *target, const json_t *sc,
			    const char *field, unsigned line)
{
	char v[80];

	switch (get_bool(sc, field)) {
	case T_TRUE:
		return emit(k, id, CS_CHECK_FAIL, target, line, "%s: true", field);
	case T_FALSE:
		return emit(k, id, CS_CHECK_PASS, target, line, "%s: false", field);
	case T_BAD:
		scalar_text(get(sc, field), v, sizeof(v));
		return emit(k, id, CS_CHECK_WARN, target, line,
			    "%s: %s is not a boolean (the API server refuses it)", field, v);
	default:
		return emit(k, id, CS_CHECK_PASS, target, line, "%s unset (false)", field);
	}
}

/* Capability names of a list, comma-separated into b (strings only, at most 16). */
static int cap_list(const json_t *list, bool (*pick)(const char *), struct cs_buf *b, size_t *n)
{
	size_t i;
	json_t *v;
	int r = 0;

	*n = 0;
	json_array_foreach (list, i, v) {
		const char *s = json_string_value(v);

		if (!s || (pick && !pick(s)))
			continue;
		if (*n < 16)
			r = cs_buf_printf(b, "%s%.40s", *n ? ", " : "", s);
		else if (*n == 16)
			r = cs_buf_puts(b, ", ...");
		if (r < 0)
			return r;
		(*n)++;
	}
	return 0;
}

static bool cap_benign(const char *s)
{
	return !audit_cap_dangerous(s);
}

static int check_caps(struct k8s *k, const char *target, const json_t *csc, const json_t *c)
{
	const json_t *caps = get(csc, "capabilities");
	const json_t *add = get(caps, "add"), *drop = get(caps, "drop");
	unsigned line = best_line(k, add, caps, csc, c);
	struct cs_buf b = CS_BUF_INIT(4096);
	size_t n = 0, i;
	bool all = false;
	json_t *v;
	int r;

	r = cap_list(add, audit_cap_dangerous, &b, &n);
	if (r >= 0 && n)
		r = emit(k, C_CAP_ADD, CS_CHECK_FAIL, target, line, "capabilities.add: %s", b.data);
	else if (r >= 0) {
		cs_buf_done(&b);
		r = cap_list(add, cap_benign, &b, &n);
		/* NET_BIND_SERVICE alone is the usual, acceptable grant */
		if (r >= 0 && n && !(n == 1 && strstr(b.data, "NET_BIND_SERVICE")))
			r = emit(k, C_CAP_ADD, CS_CHECK_WARN, target, line, "capabilities.add: %s",
				 b.data);
		else if (r >= 0)
			r = emit(k, C_CAP_ADD, CS_CHECK_PASS, target, line,
				 n ? "capabilities.add: %s" : "no capabilities added%s",
				 n ? b.data : "");
	}
	cs_buf_done(&b);
	if (r < 0)
		return r;
	json_array_foreach (drop, i, v)
		all |= json_is_string(v) && audit_cap_is_all(json_string_value(v));
	line = best_line(k, drop, caps, csc, c);
	if (all)
		return emit(k, C_CAP_DROP, CS_CHECK_PASS, target, line, "capabilities.drop: ALL");
	r = cap_list(drop, NULL, &b, &n);
	if (r >= 0)
		r = emit(k, C_CAP_DROP, CS_CHECK_FAIL, target, line,
			 n ? "capabilities.drop: %s (not ALL)" : "capabilities.drop unset%s",
			 n ? b.data : "");
	cs_buf_done(&b);
	return r;
}

static int check_user(struct k8s *k, const char *target, const json_t *sc, const json_t *csc,
		      const json_t *psc, const json_t *c)
{
	unsigned line = sc_line(k, "runAsUser", csc, psc, c);
	long long uid = -1, gid = -1;
	int hu = get_int(sc, "runAsUser", &uid), hg = get_int(sc, "runAsGroup", &gid);
	enum tri nonroot = get_bool(sc, "runAsNonRoot");
	int r;

	if (hu > 0 && uid == 0)
		r = emit(k, C_NON_ROOT, CS_CHECK_FAIL, target, line, "runAsUser: 0");
	else if (hu > 0)
		r = emit(k, C_NON_ROOT, CS_CHECK_PASS, target, line, "runAsUser: %lld", uid);
	else if (hu < 0)
		r = emit(k, C_NON_ROOT, CS_CHECK_WARN, target, line,
			 "runAsUser is not an integer (the API server refuses it)");
	else if (nonroot == T_TRUE)
		r = emit(k, C_NON_ROOT, CS_CHECK_PASS, target,
			 sc_line(k, "runAsNonRoot", csc, psc, c), "runAsNonRoot: true");
	else
		r = emit(k, C_NON_ROOT, CS_CHECK_FAIL, target,
			 sc_line(k, "runAsNonRoot", csc, psc, c),
			 "%s and runAsUser unset: the image's user (often root) runs",
			 nonroot == T_FALSE ? "runAsNonRoot: false" : "runAsNonRoot unset");
	if (r < 0)
		return r;
	line = sc_line(k, "runAsGroup", csc, psc, c);
	if (hg > 0 && gid == 0)
		return emit(k, C_ROOT_GROUP, CS_CHECK_FAIL, target, line, "runAsGroup: 0");
	if (hg > 0)
		return emit(k, C_ROOT_GROUP, CS_CHECK_PASS, target, line, "runAsGroup: %lld", gid);
	if (hg < 0)
		return emit(k, C_ROOT_GROUP, CS_CHECK_WARN, target, line,
			    "runAsGroup is not an integer (the API server refuses it)");
	return emit(k, C_ROOT_GROUP, CS_CHECK_PASS, target, line,
		    "runAsGroup unset (the image's group applies)");
}

/* The deprecated annotations: container-specific first, then the pod's (seccomp only). */
static const char *annotation(const json_t *ann, const char *prefix, const char *name)
{
	_cleanup_free_ char *key = cs_asprintf("%s%s", prefix, name ? name : "");

	return key ? get_str(ann, key) : NULL;
}

static bool profile_confined(const char *v)
{
	return !strcmp(v, "runtime/default") || !strcmp(v, "docker/default") ||
	       !strncmp(v, "localhost/", 10);
}

static int check_seccomp(struct k8s *k, const char *target, const json_t *sc, const json_t *csc,
			 const json_t *psc, const json_t *c, const json_t *ann, bool privileged)
{
	const json_t *prof = get(sc, "seccompProfile");
	const char *type = get_str(prof, "type"), *name = get_str(c, "name"), *an;
	unsigned line = sc_line(k, "seccompProfile", csc, psc, c);
	const char *why = privileged ? " (privileged: no profile applies)" : "";
	enum cs_check_status ok = privileged ? CS_CHECK_FAIL : CS_CHECK_PASS;

	if (type) {
		if (!strcmp(type, "RuntimeDefault") || !strcmp(type, "Localhost"))
			return emit(k, C_SECCOMP, ok, target, line, "seccompProfile.type: %s%s",
				    type, why);
		if (!strcmp(type, "Unconfined"))
			return emit(k, C_SECCOMP, CS_CHECK_FAIL, target, line,
				    "seccompProfile.type: Unconfined");
		return emit(k, C_SECCOMP, CS_CHECK_WARN, target, line,
			    "seccompProfile.type: '%.60s' is not a known type", type);
	}
	an = annotation(ann, "container.seccomp.security.alpha.kubernetes.io/", name);
	if (!an)
		an = get_str(ann, "seccomp.security.alpha.kubernetes.io/pod");
	if (an && profile_confined(an))
		return emit(k, C_SECCOMP, ok, target, k->obj_line,
			    "seccomp annotation '%.60s' (deprecated: use seccompProfile)%s", an,
			    why);
	if (an)
		return emit(k, C_SECCOMP, CS_CHECK_FAIL, target, k->obj_line,
			    "seccomp annotation '%.60s'", an);
	return emit(k, C_SECCOMP, CS_CHECK_FAIL, target, line,
		    "seccompProfile unset (Unconfined unless the kubelet's SeccompDefault is on)");
}

static int check_apparmor(struct k8s *k, const char *target, const json_t *sc, const json_t *csc,
			  const json_t *psc, const json_t *c, const json_t *ann, bool privileged)
{
	const json_t *prof = get(sc, "appArmorProfile");
	const char *type = get_str(prof, "type"), *name = get_str(c, "name"), *an;
	unsigned line = sc_line(k, "appArmorProfile", csc, psc, c);

	if (type) {
		if (!strcmp(type, "Unconfined"))
			return emit(k, C_APPARMOR, CS_CHECK_FAIL, target, line,
				    "appArmorProfile.type: Unconfined");
		if (strcmp(type, "RuntimeDefault") && strcmp(type, "Localhost"))
			return emit(k, C_APPARMOR, CS_CHECK_WARN, target, line,
				    "appArmorProfile.type: '%.60s' is not a known type", type);
		return emit(k, C_APPARMOR, privileged ? CS_CHECK_FAIL : CS_CHECK_PASS, target, line,
			    "appArmorProfile.type: %s%s", type,
			    privileged ? " (privileged: no profile applies)" : "");
	}
	an = annotation(ann, "container.apparmor.security.beta.kubernetes.io/", name);
	if (an && !strcmp(an, "unconfined"))
		return emit(k, C_APPARMOR, CS_CHECK_FAIL, target, k->obj_line,
			    "AppArmor annotation 'unconfined'");
	if (privileged)
		return emit(k, C_APPARMOR, CS_CHECK_FAIL, target, line,
			    "privileged: the container runs AppArmor-unconfined");
	if (an)
		return emit(k, C_APPARMOR, profile_confined(an) ? CS_CHECK_PASS : CS_CHECK_WARN,
			    target, k->obj_line, "AppArmor annotation '%.60s'", an);
	return emit(k, C_APPARMOR, CS_CHECK_PASS, target, line,
		    "appArmorProfile unset (the runtime's default profile applies)");
}

static bool quantity_set(const json_t *v)
{
	return (json_is_string(v) && json_string_length(v) > 0) || json_is_number(v);
}

static int check_resources(struct k8s *k, const char *target, const json_t *c)
{
	const json_t *res = get(c, "resources");
	const json_t *lim = get(res, "limits"), *req = get(res, "requests");
	static const struct {
		int id;
		const char *what, *key;
		bool limit;
		enum cs_check_status missing;
	} rows[] = {
		{ C_LIMITS_CPU, "limits", "cpu", true, CS_CHECK_FAIL },
		{ C_LIMITS_MEM, "limits", "memory", true, CS_CHECK_FAIL },
		{ C_REQ_CPU, "requests", "cpu", false, CS_CHECK_WARN },
		{ C_REQ_MEM, "requests", "memory", false, CS_CHECK_WARN },
		{ C_EPHEMERAL, "limits", "ephemeral-storage", true, CS_CHECK_WARN },
	};
	int r = 0;

	for (size_t i = 0; i < CS_ARRAY_SIZE(rows) && r >= 0; i++) {
		const json_t *m = rows[i].limit ? lim : req, *v = get(m, rows[i].key);
		unsigned line = best_line(k, m, res, c);
		char val[80];

		if (quantity_set(v)) {
			scalar_text(v, val, sizeof(val));
			r = emit(k, rows[i].id, CS_CHECK_PASS, target, line, "resources.%s.%s: %s",
				 rows[i].what, rows[i].key, val);
		} else if (!rows[i].limit && quantity_set(get(lim, rows[i].key))) {
			/* the API server defaults a missing request to the limit */
			r = emit(k, rows[i].id, CS_CHECK_PASS, target, line,
				 "resources.requests.%s unset: defaults to the limit", rows[i].key);
		} else {
			r = emit(k, rows[i].id, rows[i].missing, target, line,
				 "resources.%s.%s unset", rows[i].what, rows[i].key);
		}
	}
	return r;
}

static int check_env(struct k8s *k, const char *target, const json_t *c)
{
	const json_t *env = get(c, "env");
	size_t i;
	json_t *e;
	int r, n = 0;

	json_array_foreach (env, i, e) {
		const char *name = get_str(e, "name"), *value = get_str(e, "value");

		if (!name || !value || !cs_secret_name(name, strlen(name)) ||
		    !cs_secret_value(value, strlen(value)))
			continue;
		/* the value is a secret: only its name and length are reported */
		r = emit(k, C_ENV_SECRET, CS_CHECK_FAIL, target, best_line(k, e, env, c),
			 "env %.80s has a literal value (%zu characters)", name, strlen(value));
		if (r < 0)
			return r;
		n++;
	}
	if (n)
		return 0;
	return emit(k, C_ENV_SECRET, CS_CHECK_PASS, target, best_line(k, env, c),
		    "no literal value under a secret-like name");
}

static int check_image(struct k8s *k, const char *target, const json_t *c)
{
	const char *img = get_str(c, "image");
	unsigned line = best_line(k, c);
	int r;

	if (!img || !img[0])
		/* a PodTemplate may leave it to be filled; nothing to judge */
		return 0;
	switch (audit_image_ref(img)) {
	case AUDIT_IMAGE_DIGEST:
		r = emit(k, C_IMAGE_TAG, CS_CHECK_PASS, target, line, "image %.200s", img);
		return r < 0 ? r
			     : emit(k, C_IMAGE_DIGEST, CS_CHECK_PASS, target, line, "image %.200s",
				    img);
	case AUDIT_IMAGE_TAG:
		r = emit(k, C_IMAGE_TAG, CS_CHECK_PASS, target, line, "image %.200s", img);
		return r < 0 ? r
			     : emit(k, C_IMAGE_DIGEST, CS_CHECK_WARN, target, line,
				    "image %.200s has no digest", img);
	case AUDIT_IMAGE_LATEST:
		r = emit(k, C_IMAGE_TAG, CS_CHECK_FAIL, target, line, "image %.200s", img);
		break;
	default:
		r = emit(k, C_IMAGE_TAG, CS_CHECK_FAIL, target, line,
			 "image %.200s has no tag (latest)", img);
		break;
	}
	return r < 0 ? r
		     : emit(k, C_IMAGE_DIGEST, CS_CHECK_WARN, target, line,
			    "image %.200s has no digest", img);
}

static int check_host_ports(struct k8s *k, const char *target, const json_t *c)
{
	const json_t *ports = get(c, "ports");
	size_t i;
	json_t *p;
	int r, n = 0;

	json_array_foreach (ports, i, p) {
		long long hp = 0, cp = 0;

		if (get_int(p, "hostPort", &hp) <= 0 || hp <= 0)
			continue;
		if (get_int(p, "containerPort", &cp) <= 0)
			cp = 0;
		r = emit(k, C_HOST_PORT, CS_CHECK_FAIL, target, best_line(k, p, ports, c),
			 "hostPort %lld (containerPort %lld)", hp, cp);
		if (r < 0)
			return r;
		n++;
	}
	return n ? 0
		 : emit(k, C_HOST_PORT, CS_CHECK_PASS, target, best_line(k, ports, c),
			"no hostPort");
}

static int audit_container(struct k8s *k, const json_t *spec, const json_t *ann, const json_t *c,
			   const char *role)
{
	const json_t *psc = get(spec, "securityContext"), *csc = get(c, "securityContext");
	const char *name = get_str(c, "name");
	_cleanup_free_ char *target = NULL;
	json_t *sc = NULL;
	bool priv;
	char v[80];
	int r;

	if (!json_is_object(c))
		return cs_audit_warn(k->a, "%s:%u: %s: a %s that is not a mapping", k->path,
				     k->obj_line, k->label, role);
	target = cs_asprintf("%s %s %.100s", k->label, role, name ? name : "(unnamed)");
	sc = cs_k8s_effective_security_context(psc, csc);
	if (!target || !sc) {
		json_decref(sc);
		return -ENOMEM;
	}
	priv = get_bool(sc, "privileged") == T_TRUE;
	r = check_bool_false(k, C_PRIVILEGED, target, sc, "privileged",
			     sc_line(k, "privileged", csc, NULL, c));
	if (r >= 0) {
		unsigned line = sc_line(k, "allowPrivilegeEscalation", csc, NULL, c);

		switch (get_bool(sc, "allowPrivilegeEscalation")) {
		case T_FALSE:
			r = emit(k, C_PRIV_ESC, priv ? CS_CHECK_FAIL : CS_CHECK_PASS, target, line,
				 "allowPrivilegeEscalation: false%s",
				 priv ? " but privileged: true" : "");
			break;
		case T_TRUE:
			r = emit(k, C_PRIV_ESC, CS_CHECK_FAIL, target, line,
				 "allowPrivilegeEscalation: true");
			break;
		case T_BAD:
			scalar_text(get(sc, "allowPrivilegeEscalation"), v, sizeof(v));
			r = emit(k, C_PRIV_ESC, CS_CHECK_WARN, target, line,
				 "allowPrivilegeEscalation: %s is not a boolean", v);
			break;
		default:
			r = emit(k, C_PRIV_ESC, CS_CHECK_FAIL, target, line,
				 "allowPrivilegeEscalation unset (allowed)");
		}
	}
	if (r >= 0)
		r = check_caps(k, target, csc, c);
	if (r >= 0)
		r = check_user(k, target, sc, csc, psc, c);
	if (r >= 0) {
		unsigned line = sc_line(k, "readOnlyRootFilesystem", csc, NULL, c);

		switch (get_bool(sc, "readOnlyRootFilesystem")) {
		case T_TRUE:
			r = emit(k, C_RO_ROOTFS, CS_CHECK_PASS, target, line,
				 "readOnlyRootFilesystem: true");
			break;
		case T_BAD:
			r = emit(k, C_RO_ROOTFS, CS_CHECK_WARN, target, line,
				 "readOnlyRootFilesystem is not a boolean");
			break;
		default:
			r = emit(k, C_RO_ROOTFS, CS_CHECK_FAIL, target, line,
				 "readOnlyRootFilesystem %s",
				 get(sc, "readOnlyRootFilesystem") ? "false" : "unset");
		}
	}
	if (r >= 0)
		r = check_seccomp(k, target, sc, csc, psc, c, ann, priv);
	if (r >= 0)
		r = check_apparmor(k, target, sc, csc, psc, c, ann, priv);
	if (r >= 0) {
		const char *pm = get_str(sc, "procMount");
		unsigned line = sc_line(k, "procMount", csc, NULL, c);

		r = pm && !strcmp(pm, "Unmasked")
			    ? emit(k, C_PROC_MOUNT, CS_CHECK_FAIL, target, line,
				   "procMount: Unmasked")
			    : emit(k, C_PROC_MOUNT, CS_CHECK_PASS, target, line, "procMount: %.20s",
				   pm ? pm : "Default");
	}
	if (r >= 0)
		r = check_host_ports(k, target, c);
	if (r >= 0 && strcmp(role, "ephemeralContainer") != 0)
		/* ephemeral containers take no resources (the API refuses them) */
		r = check_resources(k, target, c);
	if (r >= 0)
		r = check_env(k, target, c);
	if (r >= 0)
		r = check_image(k, target, c);
	json_decref(sc);
	return r;
}

static int check_host_ns(struct k8s *k, const json_t *spec, int id, const char *field)
{
	unsigned line = best_line(k, spec);

	return check_bool_false(k, id, k->label, spec, field, line);
}

static int check_volumes(struct k8s *k, const json_t *spec)
{
	const json_t *vols = get(spec, "volumes");
	size_t i;
	json_t *vol;
	int r, n = 0;

	json_array_foreach (vols, i, vol) {
		const json_t *hp = get(vol, "hostPath");
		const char *p = get_str(hp, "path"), *name = get_str(vol, "name");
		_cleanup_free_ char *target = NULL, *norm = NULL;
		enum audit_host_path kind;

		if (!hp)
			continue;
		n++;
		target = cs_asprintf("%s volume %.100s", k->label, name ? name : "(unnamed)");
		if (!target)
			return -ENOMEM;
		if (!p) {
			r = emit(k, C_HOSTPATH, CS_CHECK_WARN, target, best_line(k, hp, vol),
				 "hostPath without a path");
			if (r < 0)
				return r;
			continue;
		}
		kind = audit_host_path(p, &norm);
		if (!norm)
			return -ENOMEM;
		r = emit(k, C_HOSTPATH,
			 kind == AUDIT_PATH_SENSITIVE ? CS_CHECK_FAIL : CS_CHECK_WARN, target,
			 best_line(k, hp, vol), "hostPath %.200s%s", norm,
			 kind == AUDIT_PATH_SENSITIVE  ? " (a sensitive host path)"
			 : kind == AUDIT_PATH_RELATIVE ? " (not absolute)"
						       : "");
		if (r < 0)
			return r;
	}
	return n ? 0
		 : emit(k, C_HOSTPATH, CS_CHECK_PASS, k->label, best_line(k, vols, spec),
			"no hostPath volume");
}

/* One pod spec: pod-level checks, then every container. */
static int audit_pod_spec(struct k8s *k, const json_t *spec, const json_t *ann)
{
	static const char *const roles[][2] = {
		{ "initContainers", "initContainer" },
		{ "containers", "container" },
		{ "ephemeralContainers", "ephemeralContainer" },
	};
	int r;

	if (!json_is_object(spec))
		return cs_audit_warn(k->a, "%s:%u: %s: no pod spec", k->path, k->obj_line,
				     k->label);
	r = check_host_ns(k, spec, C_HOST_NETWORK, "hostNetwork");
	if (r >= 0)
		r = check_host_ns(k, spec, C_HOST_PID, "hostPID");
	if (r >= 0)
		r = check_host_ns(k, spec, C_HOST_IPC, "hostIPC");
	if (r >= 0)
		r = check_volumes(k, spec);
	if (r >= 0) {
		unsigned line = best_line(k, spec);

		switch (get_bool(spec, "automountServiceAccountToken")) {
		case T_FALSE:
			r = emit(k, C_SA_TOKEN, CS_CHECK_PASS, k->label, line,
				 "automountServiceAccountToken: false");
			break;
		case T_TRUE:
			r = emit(k, C_SA_TOKEN, CS_CHECK_FAIL, k->label, line,
				 "automountServiceAccountToken: true");
			break;
		default:
			r = emit(k, C_SA_TOKEN, CS_CHECK_FAIL, k->label, line,
				 "automountServiceAccountToken unset (mounted unless the service "
				 "account says otherwise)");
		}
	}
	for (size_t g = 0; g < CS_ARRAY_SIZE(roles) && r >= 0; g++) {
		const json_t *list = get(spec, roles[g][0]);
		size_t i;
		json_t *c;

		if (list && !json_is_array(list)) {
			r = cs_audit_warn(k->a, "%s:%u: %s: %s is not a list", k->path,
					  best_line(k, spec), k->label, roles[g][0]);
			continue;
		}
		json_array_foreach (list, i, c) {
			r = audit_container(k, spec, ann, c, roles[g][1]);
			if (r < 0)
				break;
		}
	}
	return r;
}

static int check_job(struct k8s *k, const json_t *job)
{
	unsigned line = best_line(k, job);
	long long v = 0;
	int h = get_int(job, "activeDeadlineSeconds", &v), r;

	r = h > 0 && v > 0
		    ? emit(k, C_JOB_DEADLINE, CS_CHECK_PASS, k->label, line,
			   "activeDeadlineSeconds: %lld", v)
		    : emit(k, C_JOB_DEADLINE, CS_CHECK_FAIL, k->label, line,
			   "activeDeadlineSeconds %s", h ? "is not a positive integer" : "unset");
	if (r < 0)
		return r;
	h = get_int(job, "ttlSecondsAfterFinished", &v);
	return h > 0 && v >= 0
		       ? emit(k, C_JOB_TTL, CS_CHECK_PASS, k->label, line,
			      "ttlSecondsAfterFinished: %lld", v)
		       : emit(k, C_JOB_TTL, CS_CHECK_WARN, k->label, line,
			      "ttlSecondsAfterFinished %s", h ? "is not an integer" : "unset");
}

/*
 * A PodSecurityPolicy (removed in Kubernetes 1.25, still found in old
 * manifests): what it lets pods do, judged by the same checks.
 */
static int audit_psp(struct k8s *k, const json_t *spec)
{
	static const struct {
		int id;
		const char *field;
	} host[] = { { C_PRIVILEGED, "privileged" },
		     { C_HOST_NETWORK, "hostNetwork" },
		     { C_HOST_PID, "hostPID" },
		     { C_HOST_IPC, "hostIPC" } };
	const json_t *caps = get(spec, "allowedCapabilities"), *vols = get(spec, "volumes");
	const json_t *ports = get(spec, "hostPorts"), *drop = get(spec, "requiredDropCapabilities");
	const char *rule = get_str(get(spec, "runAsUser"), "rule");
	unsigned line = best_line(k, spec);
	struct cs_buf b = CS_BUF_INIT(4096);
	bool hostpath = false, all = false;
	size_t n = 0, i;
	json_t *v;
	int r = 0;

	if (!json_is_object(spec))
		return cs_audit_warn(k->a, "%s:%u: %s: no spec", k->path, k->obj_line, k->label);
	for (size_t h = 0; h < CS_ARRAY_SIZE(host) && r >= 0; h++)
		r = check_bool_false(k, host[h].id, k->label, spec, host[h].field, line);
	if (r >= 0)
		r = get_bool(spec, "allowPrivilegeEscalation") == T_FALSE
			    ? emit(k, C_PRIV_ESC, CS_CHECK_PASS, k->label, line,
				   "allowPrivilegeEscalation: false")
			    : emit(k, C_PRIV_ESC, CS_CHECK_FAIL, k->label, line,
				   "allowPrivilegeEscalation not false (allowed)");
	if (r >= 0)
		r = cap_list(caps, audit_cap_dangerous, &b, &n);
	if (r >= 0)
		r = n ? emit(k, C_CAP_ADD, CS_CHECK_FAIL, k->label, best_line(k, caps, spec),
			     "allowedCapabilities: %s", b.data)
		      : emit(k, C_CAP_ADD, CS_CHECK_PASS, k->label, best_line(k, caps, spec),
			     "no dangerous capability allowed");
	cs_buf_done(&b);
	json_array_foreach (drop, i, v)
		all |= audit_cap_is_all(json_string_value(v));
	if (r >= 0)
		r = emit(k, C_CAP_DROP, all ? CS_CHECK_PASS : CS_CHECK_FAIL, k->label,
			 best_line(k, drop, spec),
			 all ? "requiredDropCapabilities: ALL"
			     : "requiredDropCapabilities without ALL");
	json_array_foreach (vols, i, v) {
		const char *s = json_string_value(v);

		hostpath |= s && (!strcmp(s, "*") || !strcmp(s, "hostPath"));
	}
	if (r >= 0)
		r = emit(k, C_HOSTPATH, hostpath ? CS_CHECK_FAIL : CS_CHECK_PASS, k->label,
			 best_line(k, vols, spec),
			 hostpath ? "volumes allow hostPath" : "volumes exclude hostPath");
	if (r >= 0)
		r = json_array_size(ports)
			    ? emit(k, C_HOST_PORT, CS_CHECK_FAIL, k->label,
				   best_line(k, ports, spec), "hostPorts allowed (%zu ranges)",
				   json_array_size(ports))
			    : emit(k, C_HOST_PORT, CS_CHECK_PASS, k->label, line,
				   "no hostPorts allowed");
	if (r >= 0)
		r = rule && !strcmp(rule, "MustRunAsNonRoot")
			    ? emit(k, C_NON_ROOT, CS_CHECK_PASS, k->label, line,
				   "runAsUser.rule: MustRunAsNonRoot")
			    : emit(k, C_NON_ROOT, CS_CHECK_FAIL, k->label, line,
				   "runAsUser.rule: %.40s", rule ? rule : "unset");
	if (r >= 0)
		r = get_bool(spec, "readOnlyRootFilesystem") == T_TRUE
			    ? emit(k, C_RO_ROOTFS, CS_CHECK_PASS, k->label, line,
				   "readOnlyRootFilesystem: true")
			    : emit(k, C_RO_ROOTFS, CS_CHECK_FAIL, k->label, line,
				   "readOnlyRootFilesystem not required");
	return r;
}

/* Kinds that hold no pod: skipped without a word. */
static bool kind_quiet(const char *kind)
{
	static const char *const kinds[] = {
		"Service",
		"ConfigMap",
		"Secret",
		"ServiceAccount",
		"Role",
		"ClusterRole",
		"RoleBinding",
		"ClusterRoleBinding",
		"Namespace",
		"Ingress",
		"IngressClass",
		"NetworkPolicy",
		"PersistentVolume",
		"PersistentVolumeClaim",
		"StorageClass",
		"HorizontalPodAutoscaler",
		"PodDisruptionBudget",
		"LimitRange",
		"ResourceQuota",
		"CustomResourceDefinition",
		"Endpoints",
		"EndpointSlice",
		"PriorityClass",
		"MutatingWebhookConfiguration",
		"ValidatingWebhookConfiguration",
		"ValidatingAdmissionPolicy",
		"ValidatingAdmissionPolicyBinding",
		"APIService",
		"Lease",
		"RuntimeClass",
		"CSIDriver",
		"VolumeAttachment",
		"Event",
		"ControllerRevision",
		"CertificateSigningRequest",
		"ComponentStatus",
		"Node",
	};

	for (size_t i = 0; i < CS_ARRAY_SIZE(kinds); i++)
		if (!strcmp(kind, kinds[i]))
			return true;
	return false;
}

static const char *helm_source(const struct k8s *k)
{
	const char *src = NULL;

	for (size_t i = 0; i < k->n_sources; i++) {
		if (k->sources[i].line > k->obj_line)
			break;
		if (k->sources[i].line >= k->doc_line || k->sources[i].line + 2 >= k->doc_line)
			src = k->sources[i].file;
	}
	return src;
}

static int audit_object(struct k8s *k, const json_t *obj, unsigned depth);

static int audit_list(struct k8s *k, const json_t *obj, unsigned depth)
{
	const json_t *items = get(obj, "items");
	size_t i;
	json_t *it;
	int r;

	if (depth >= LIST_DEPTH)
		return cs_error_set(k->err, -CS_E_LIMIT, "%s:%u: Lists nested deeper than %d",
				    k->path, best_line(k, obj), LIST_DEPTH);
	if (items && !json_is_array(items))
		return cs_error_set(k->err, -CS_E_INPUT, "%s:%u: List items is not a list", k->path,
				    best_line(k, obj));
	json_array_foreach (items, i, it) {
		if (!json_is_object(it))
			return cs_error_set(k->err, -CS_E_INPUT,
					    "%s:%u: List item %zu is not a mapping", k->path,
					    best_line(k, items, obj), i + 1);
		r = audit_object(k, it, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int audit_object(struct k8s *k, const json_t *obj, unsigned depth)
{
	const char *kind = get_str(obj, "kind");
	const json_t *meta = get(obj, "metadata"), *spec = get(obj, "spec");
	const json_t *tmpl = NULL, *pod = NULL, *job = NULL, *ann = get(meta, "annotations");
	const char *ns = get_str(meta, "namespace"), *name = get_str(meta, "name"), *src;
	char *old_label = k->label;
	const char *old_ignore = k->ignore, *old_just = k->justified;
	unsigned old_line = k->obj_line;
	bool psp = false;
	int r = 0;

	k->obj_line = best_line(k, obj);
	if (!kind)
		return cs_audit_warn(k->a, "%s:%u: a document without a kind, skipped", k->path,
				     k->obj_line);
	if (!strcmp(kind, "List") ||
	    (strlen(kind) > 4 && !strcmp(kind + strlen(kind) - 4, "List") &&
	     json_is_array(get(obj, "items"))))
		return audit_list(k, obj, depth);
	if (!strcmp(kind, "Pod")) {
		pod = spec;
	} else if (!strcmp(kind, "Deployment") || !strcmp(kind, "ReplicaSet") ||
		   !strcmp(kind, "StatefulSet") || !strcmp(kind, "DaemonSet") ||
		   !strcmp(kind, "ReplicationController") || !strcmp(kind, "Job")) {
		tmpl = get(spec, "template");
		pod = get(tmpl, "spec");
		if (!strcmp(kind, "Job"))
			job = spec;
	} else if (!strcmp(kind, "CronJob")) {
		job = get(get(spec, "jobTemplate"), "spec");
		tmpl = get(job, "template");
		pod = get(tmpl, "spec");
	} else if (!strcmp(kind, "PodSecurityPolicy")) {
		psp = true;
	} else if (!strcmp(kind, "PodTemplate")) {
		tmpl = get(obj, "template");
		pod = get(tmpl, "spec");
	} else {
		if (!kind_quiet(kind))
			return cs_audit_warn(k->a, "%s:%u: kind '%.80s' is not audited, skipped",
					     k->path, k->obj_line, kind);
		return 0;
	}
	src = helm_source(k);
	k->label = cs_asprintf("%s %.100s%s%.100s%s%.200s%s", kind,
			       psp  ? ""
			       : ns ? ns
				    : "default",
			       psp ? "" : "/", name ? name : "(unnamed)", src ? " (from " : "",
			       src ? src : "", src ? ")" : "");
	if (!k->label) {
		k->label = old_label;
		return -ENOMEM;
	}
	k->kind = kind;
	/* the ignore annotation on the object, else on its pod template */
	k->ignore = get_str(ann, CS_K8S_IGNORE_ANNOTATION);
	k->justified = get_str(ann, CS_K8S_JUSTIFICATION_ANNOTATION);
	if (!k->ignore) {
		const json_t *tann = get(get(tmpl, "metadata"), "annotations");

		k->ignore = get_str(tann, CS_K8S_IGNORE_ANNOTATION);
		k->justified = get_str(tann, CS_K8S_JUSTIFICATION_ANNOTATION);
	}
	if (psp) {
		r = audit_psp(k, spec);
		goto out;
	}
	r = !ns || !strcmp(ns, "default")
		    ? emit(k, C_NAMESPACE, CS_CHECK_WARN, k->label, best_line(k, meta, obj),
			   ns ? "namespace: default" : "no namespace (the default one applies)")
		    : emit(k, C_NAMESPACE, CS_CHECK_PASS, k->label, best_line(k, meta, obj),
			   "namespace: %.100s", ns);
	if (r >= 0 && job)
		r = check_job(k, job);
	if (r >= 0) {
		/* pod annotations (seccomp, AppArmor) live on the pod, or on its template */
		const json_t *pann = tmpl ? get(get(tmpl, "metadata"), "annotations") : ann;

		r = audit_pod_spec(k, pod, pann);
	}
out:
	free(k->label);
	k->label = old_label;
	k->ignore = old_ignore;
	k->justified = old_just;
	k->obj_line = old_line;
	return r;
}

/* Helm's "# Source: chart/templates/x.yaml" lines, to name the template of each object. */
static int scan_sources(struct k8s *k, const char *data, size_t len)
{
	unsigned line = 1;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - data) : len;

		if (end - i > 10 && !memcmp(data + i, "# Source: ", 10)) {
			struct source *nv;
			size_t n = end - i - 10;

			if (n > 200)
				n = 200;
			nv = reallocarray(k->sources, k->n_sources + 1, sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			k->sources = nv;
			nv[k->n_sources].line = line;
			nv[k->n_sources].file = strndup(data + i + 10, n);
			if (!nv[k->n_sources].file)
				return -ENOMEM;
			/* strip a trailing carriage return */
			nv[k->n_sources].file[strcspn(nv[k->n_sources].file, "\r")] = '\0';
			k->n_sources++;
		}
		i = end + 1;
		line++;
		if (k->n_sources >= CS_K8S_MAX_DOCS)
			break;
	}
	return 0;
}

int cs_audit_k8s(struct cs_audit *a, const char *path, const char *data, size_t len,
		 const struct cs_k8s_options *o, struct cs_error *err)
{
	static const struct cs_k8s_options defaults = { 0 };
	struct cs_yaml_options yo = {
		.aliases = true, .numbers = true, .lines = true, .max_docs = CS_K8S_MAX_DOCS
	};
	_cleanup_(cs_yaml_freep) struct cs_yaml *y = NULL;
	struct k8s k = { .a = a, .path = path, .o = o ? o : &defaults, .err = err };
	int r;

	if (len > CS_K8S_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "%s: larger than %u bytes", path,
				    CS_K8S_MAX_SIZE);
	r = cs_yaml_parse(data, len, &yo, &y, err);
	if (r < 0)
		return cs_error_prefix(err, "%s", path);
	k.y = y;
	r = scan_sources(&k, data, len);
	for (size_t d = 0; d < y->n_docs && r >= 0; d++) {
		const json_t *root = y->docs[d].root;

		k.doc_line = y->docs[d].line;
		k.next_doc_line = d + 1 < y->n_docs ? y->docs[d + 1].line : 0;
		if (!root || json_is_null(root))
			continue; /* Helm leaves empty documents where a template renders nothing */
		if (!json_is_object(root)) {
			r = cs_error_set(
				err, -CS_E_INPUT,
				"%s:%u: document %zu is not a mapping (a Kubernetes object)", path,
				y->docs[d].line, d + 1);
			break;
		}
		k.obj_line = y->docs[d].line;
		r = audit_object(&k, root, 0);
		if (r < 0 && !err->code)
			cs_error_errno(err, r, "%s", path);
	}
	for (size_t i = 0; i < k.n_sources; i++)
		free(k.sources[i].file);
	free(k.sources);
	return r < 0 ? r : 0;
}

/* ---- shared with compose.c (audit/internal.h) ---- */

static const char *cap_base(const char *name)
{
	return strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
}

bool audit_cap_is_all(const char *name)
{
	return name && !strcasecmp(cap_base(name), "ALL");
}

bool audit_cap_dangerous(const char *name)
{
	static const char *const caps[] = {
		"*",
		"ALL",
		"SYS_ADMIN",
		"NET_ADMIN",
		"SYS_PTRACE",
		"SYS_MODULE",
		"NET_RAW",
		"DAC_READ_SEARCH",
		"DAC_OVERRIDE",
		"SYS_RAWIO",
		"SYS_BOOT",
		"SYS_TIME",
		"BPF",
		"PERFMON",
		"MAC_ADMIN",
		"MAC_OVERRIDE",
		"SYSLOG",
		"LINUX_IMMUTABLE",
		"AUDIT_CONTROL",
		"SETFCAP",
		"SETPCAP",
		"SYS_RESOURCE",
		"CHECKPOINT_RESTORE",
		"SYS_CHROOT",
		"AUDIT_READ",
	};
	const char *b;

	if (!name)
		return false;
	b = cap_base(name);
	for (size_t i = 0; i < CS_ARRAY_SIZE(caps); i++)
		if (!strcasecmp(b, caps[i]))
			return true;
	return false;
}

/* "/a//b/./c/../" -> "/a/b"; a relative path is normalised the same way, without its "/" */
static char *normalise(const char *p)
{
	bool abs = *p == '/';
	size_t o = 0;
	char *out = malloc(strlen(p) + 3);

	if (!out)
		return NULL;
	while (*p) {
		const char *e;
		size_t l;

		while (*p == '/')
			p++;
		e = strchrnul(p, '/');
		l = (size_t)(e - p);
		if (l == 0)
			break;
		if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (!(l == 1 && p[0] == '.')) {
			out[o++] = '/';
			memcpy(out + o, p, l);
			o += l;
		}
		p = e;
	}
	out[o] = '\0';
	if (abs && o == 0) {
		out[0] = '/';
		out[1] = '\0';
	} else if (!abs)
		memmove(out, o ? out + 1 : ".", o ? o : 2);
	return out;
}

/* is p equal to base or under it (p and base normalised) */
static bool path_under(const char *p, const char *base)
{
	size_t n = strlen(base);

	if (!strcmp(base, "/"))
		return true;
	return !strncmp(p, base, n) && (p[n] == '\0' || p[n] == '/');
}

enum audit_host_path audit_host_path(const char *path, char **norm)
{
	static const char *const sensitive[] = {
		"/etc",
		"/proc",
		"/sys",
		"/dev",
		"/boot",
		"/root",
		"/home",
		"/usr",
		"/lib",
		"/lib64",
		"/bin",
		"/sbin",
		"/var/run/docker.sock",
		"/run/docker.sock",
		"/var/run/docker",
		"/run/docker",
		"/var/run/containerd",
		"/run/containerd",
		"/var/run/crio",
		"/run/crio",
		"/var/run/podman",
		"/run/podman",
		"/var/run/cri-dockerd.sock",
		"/run/cri-dockerd.sock",
		"/var/lib/kubelet",
		"/var/lib/docker",
		"/var/lib/containerd",
		"/var/lib/containers",
		"/var/lib/etcd",
		"/var/lib/rancher",
		"/run/systemd",
		"/var/run/systemd",
		"/run/dbus",
		"/var/run/dbus",
	};

	*norm = normalise(path ? path : "");
	if (!*norm)
		return AUDIT_PATH_SENSITIVE;
	if ((*norm)[0] != '/')
		return AUDIT_PATH_RELATIVE;
	for (size_t i = 0; i < CS_ARRAY_SIZE(sensitive); i++)
		/* under a sensitive path, or a parent of one ("/", "/var", "/run") */
		if (path_under(*norm, sensitive[i]) || path_under(sensitive[i], *norm))
			return AUDIT_PATH_SENSITIVE;
	return AUDIT_PATH_OK;
}

enum audit_image audit_image_ref(const char *ref)
{
	const char *slash, *colon;

	if (strchr(ref, '@'))
		return AUDIT_IMAGE_DIGEST;
	slash = strrchr(ref, '/');
	colon = strrchr(slash ? slash : ref, ':');
	if (!colon || !colon[1])
		return AUDIT_IMAGE_UNTAGGED;
	return !strcmp(colon + 1, "latest") ? AUDIT_IMAGE_LATEST : AUDIT_IMAGE_TAG;
}

bool audit_id_listed(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; p && *p;) {
		size_t l;

		p += strspn(p, ", \t\r\n");
		l = strcspn(p, ", \t\r\n");
		if (!l)
			break;
		if ((l == 1 && *p == '*') || (l == 3 && !strncasecmp(p, "all", 3)) ||
		    (l == n && !strncasecmp(p, id, n)))
			return true;
		p += l;
	}
	return false;
}
