/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Docker Engine API (Docker or Podman's compatible service) over a
 * unix socket, with libcurl: which socket to talk to, and bounded GETs.
 * Shared by the engine: image source and by the audit of running
 * containers and the inventory. Whatever the engine returns is bounded and
 * parsed as hostile input by the callers.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "basic/buf.h"
#include "basic/error.h"

/* Where a response body goes: a bounded buffer, or a file (bounded by max). */
struct cs_engine_sink {
	struct cs_buf *buf;
	int fd;
	uint64_t written, max;
	int error; /* why the transfer was aborted */
	/* NULL, or a flag another thread sets to abort the request (-ECANCELED) */
	const atomic_bool *cancel;
};

/*
 * The engine socket path (new string): host (unix:///PATH) if given, else
 * $DOCKER_HOST (unix:// only), else the first of /var/run/docker.sock,
 * /run/podman/podman.sock, $XDG_RUNTIME_DIR/podman/podman.sock that is a
 * socket. -CS_E_UNSUPPORTED for other schemes, -CS_E_NOTFOUND for none.
 */
int cs_engine_find_socket(const char *host, char **ret, struct cs_error *err);
/* GET path; returns the HTTP status (>= 100) or <0 with err set. */
int cs_engine_get(const char *socket, const char *path, struct cs_engine_sink *sink,
		  bool long_transfer, struct cs_error *err);
/* The "message" of an engine error body (new string), or NULL. */
char *cs_engine_error_message(const struct cs_buf *body);
/*
 * GET path expecting 200 and a JSON body of at most max bytes: *ret is the
 * parsed document. A 404 is -CS_E_NOTFOUND; other statuses -CS_E_NETWORK
 * with the engine's message; a malformed body -CS_E_INPUT.
 */
int cs_engine_get_json(const char *socket, const char *path, size_t max, json_t **ret,
		       struct cs_error *err);
/* The same, abandoned (-ECANCELED) within about a second once *cancel is true. */
int cs_engine_get_json_cancel(const char *socket, const char *path, size_t max,
			      const atomic_bool *cancel, json_t **ret, struct cs_error *err);
