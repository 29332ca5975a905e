/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host audit: CIS Docker Benchmark v1.6 sections 1-3 (host, daemon
 * settings, file ownership and permissions) and 6 (sprawl) for Docker,
 * with the same file checks for Podman and containerd, read from a root
 * directory (the running host's "/" or a mounted host image), and section
 * 5 (container runtime) through the Docker-compatible Engine API
 * (audit/engine.c). Check ids and verdict rules: docs/AUDIT-HOST.md.
 *
 * Files under the root are opened with openat2(RESOLVE_IN_ROOT): a
 * symlink never leads out of the root. Every file read is bounded; a
 * malformed daemon.json is an error (-CS_E_INPUT), other unreadable inputs
 * are warnings on the audit. Never prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "audit/audit.h"
#include "basic/error.h"

struct cs_host_audit_options {
	const char *root;	 /* "/" when NULL */
	const char *engine_host; /* unix:///PATH; NULL: $DOCKER_HOST, the usual sockets */
	bool engine;		 /* query the engine (sections 5 and 6); for a root other
				  * than this host's /, only a named one (engine_host or
				  * $DOCKER_HOST) */
	bool engine_required;	 /* an engine that cannot be reached is an error */
};

/* Run every host check (and, with o->engine, the container checks) into a. */
int cs_audit_host(const struct cs_host_audit_options *o, struct cs_audit *a, struct cs_error *err);

/*
 * Does mode grant nothing beyond allowed ("0644 or more restrictive")?
 * Permission bits, never numbers: 0611 is not within 0644 (it grants
 * group and others execute), although 611 < 644. setuid, setgid and
 * sticky bits count as grants too.
 */
bool cs_mode_within(unsigned mode, unsigned allowed);

/* Daemon settings by daemon.json name; a list setting has one entry per item. */
struct cs_daemon_opt {
	char *key;    /* "icc", "insecure-registries", "default-ulimits", ... */
	char *value;  /* "true"/"false" for booleans */
	char *source; /* file the setting is in, or "dockerd command line (pid N)" */
	unsigned line;
};
struct cs_daemon_conf {
	struct cs_daemon_opt *v;
	size_t n, cap;
};
#define CS_DAEMON_JSON_MAX (1u << 20)
#define CS_DAEMON_ARGS_MAX 4096
void cs_daemon_conf_done(struct cs_daemon_conf *c);
/*
 * daemon.json (p, len) into c. Unknown keys are ignored; a known key of
 * the wrong type and malformed JSON are -CS_E_INPUT: "line 3: ...".
 */
int cs_daemon_json_parse(const char *p, size_t len, const char *source, struct cs_daemon_conf *c,
			 struct cs_error *err);
/* dockerd's arguments (without argv[0]) into c, as dockerd's flag parser reads them. */
int cs_daemon_args_parse(char *const *argv, size_t argc, const char *source, unsigned line,
			 struct cs_daemon_conf *c, struct cs_error *err);
/*
 * A systemd unit (p, len): the last ExecStart= of [Service] that runs
 * dockerd, its arguments into c. *ret_found tells whether there was one.
 */
int cs_daemon_unit_parse(const char *p, size_t len, const char *source, struct cs_daemon_conf *c,
			 bool *ret_found, struct cs_error *err);
/* The last value of key, or NULL. */
const struct cs_daemon_opt *cs_daemon_conf_get(const struct cs_daemon_conf *c, const char *key);

/* Paths watched by audit rules (-w PATH, -F path=PATH, -F dir=PATH). */
struct cs_audit_watches {
	char **v;
	size_t n, cap;
};
#define CS_AUDIT_RULES_MAX   (4u << 20)
#define CS_AUDIT_WATCHES_MAX 100000
void cs_audit_watches_done(struct cs_audit_watches *w);
/* audit.rules / auditctl -l text (p, len); -CS_E_LIMIT beyond the caps. */
int cs_audit_rules_parse(const char *p, size_t len, struct cs_audit_watches *w,
			 struct cs_error *err);
/* Is path watched, itself or through a watched directory above it? */
bool cs_audit_watched(const struct cs_audit_watches *w, const char *path);

/*
 * Section 5 for every running container of the engine at socket, and
 * section 6 counts; each result's target is "container NAME (ID12)".
 */
int cs_audit_engine(const char *socket, struct cs_audit *a, struct cs_error *err);
/*
 * The checks of section 5 for one container inspect document (GET
 * /containers/ID/json) and its process list (GET /containers/ID/top, or
 * NULL: 5.6 is manual), engine_socket being the socket path the engine
 * serves (a mount of it is 5.31).
 */
int cs_audit_container(const json_t *inspect, const json_t *top, const char *engine_socket,
		       struct cs_audit *a);
/* Fetch a container's inspect document and process list and check them. */
int cs_audit_container_at(const char *socket, const char *id, struct cs_audit *a,
			  struct cs_error *err);
