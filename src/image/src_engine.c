/* SPDX-License-Identifier: Apache-2.0 */
/*
 * engine:NAME, an image of the local Docker or Podman engine, through the
 * Docker Engine API on a unix socket (libcurl). The image is exported with
 * GET /images/NAME/get into an unlinked temporary file (bounded by the
 * limits) and then read as a docker-archive.
 *
 * Socket: opts->engine_host (unix:///PATH), else $DOCKER_HOST (unix://
 * only), else the first of /var/run/docker.sock, /run/podman/podman.sock,
 * $XDG_RUNTIME_DIR/podman/podman.sock that exists. The engine is trusted
 * no more than an archive: everything it returns is bounded and parsed as
 * hostile input.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <curl/curl.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "image/archive.h"
#include "image/engine_api.h"
#include "image/source.h"

#define SMALL_BODY_MAX (1u << 20)

struct engine_ctx {
	void *da; /* docker-archive context over the spool file */
	int spool_fd;
};

static void engine_close(void *p)
{
	struct engine_ctx *c = p;

	if (!c)
		return;
	if (c->da)
		cs_source_docker_archive.close(c->da);
	if (c->spool_fd >= 0)
		close(c->spool_fd);
	free(c);
}

/*
 * NAME into a URL path: unreserved characters and the '/', ':', '@' of
 * image names pass, everything else is %-encoded. "." and ".." segments
 * are refused so that the path cannot be steered to another endpoint.
 */
static int encode_name(const char *name, struct cs_buf *out, struct cs_error *err)
{
	const char *seg = name;
	int r = 0;

	if (!*name || *name == '/')
		return cs_error_set(err, -CS_E_INPUT, "invalid engine image name '%.200s'", name);
	for (const char *p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t n = (size_t)(p - seg);

			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return cs_error_set(err, -CS_E_INPUT,
						    "invalid engine image name '%.200s'", name);
			seg = p + 1;
		}
		if (*p == '\0')
			break;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p && r >= 0; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/:@", *p))
			r = cs_buf_putc(out, (char)*p);
		else
			r = cs_buf_printf(out, "%%%02X", *p);
	}
	if (r < 0)
		return cs_error_set(err, r, "engine image name '%.64s...' is too long", name);
	return 0;
}

static int open_spool(const struct cs_image_options *opts, struct cs_error *err)
{
	const char *dir = opts->tmpdir;
	char *tmpl;
	int fd;

	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/var/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return cs_error_errno(err, errno, "cannot create a temporary file in '%s'", dir);
	/* filesystems without O_TMPFILE: create and unlink at once */
	tmpl = cs_asprintf("%s/customs-engine.XXXXXX", dir);
	if (!tmpl)
		return -ENOMEM;
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		free(tmpl);
		return cs_error_errno(err, e, "cannot create a temporary file in '%s'", dir);
	}
	unlink(tmpl);
	free(tmpl);
	return fd;
}

static int status_error(int status, const char *what, const char *socket, const struct cs_buf *body,
			struct cs_error *err)
{
	char *msg = cs_engine_error_message(body);
	int r = cs_error_set(err, -CS_E_NETWORK, "engine at '%s': %s failed with HTTP %d%s%s",
			     socket, what, status, msg ? ": " : "", msg ? msg : "");

	free(msg);
	return r;
}

static int engine_open(const struct cs_ref *ref, const struct cs_image_options *opts,
		       void **ret_ctx, struct cs_error *err)
{
	struct cs_buf enc = CS_BUF_INIT(4096), body = CS_BUF_INIT(SMALL_BODY_MAX);
	struct engine_ctx *c = NULL;
	const char *name = ref->engine_name ? ref->engine_name : ref->path;
	char *socket = NULL, *path = NULL, *label = NULL;
	struct cs_engine_sink sink = { 0 };
	int r;

	if (!name)
		return cs_error_set(err, -CS_E_INPUT, "'%s' names no engine image", ref->input);
	r = encode_name(name, &enc, err);
	if (r < 0)
		goto out;
	r = cs_engine_find_socket(opts->engine_host, &socket, err);
	if (r < 0)
		goto out;
	sink.buf = &body;
	r = cs_engine_get(socket, "/_ping", &sink, false, err);
	if (r < 0)
		goto out;
	if (r != 200) {
		r = status_error(r, "ping", socket, &body, err);
		goto out;
	}
	cs_buf_reset(&body);
	path = cs_asprintf("/images/%s/json", enc.data);
	if (!path) {
		r = -ENOMEM;
		goto out;
	}
	r = cs_engine_get(socket, path, &sink, false, err);
	if (r < 0)
		goto out;
	if (r == 404) {
		r = cs_error_set(err, -CS_E_NOTFOUND, "engine image '%s' not found", name);
		goto out;
	}
	if (r != 200) {
		r = status_error(r, "image inspect", socket, &body, err);
		goto out;
	}
	c = cs_zalloc(sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto out;
	}
	c->spool_fd = -1;
	c->spool_fd = open_spool(opts, err);
	if (c->spool_fd < 0) {
		r = c->spool_fd;
		goto out;
	}
	free(path);
	path = cs_asprintf("/images/%s/get", enc.data);
	if (!path) {
		r = -ENOMEM;
		goto out;
	}
	memset(&sink, 0, sizeof(sink));
	sink.fd = c->spool_fd;
	sink.max = opts->limits.max_total_size;
	r = cs_engine_get(socket, path, &sink, true, err);
	if (r < 0)
		goto out;
	if (r != 200) {
		/* the error body went to the spool file: read a little of it back */
		cs_buf_reset(&body);
		if (sink.written <= SMALL_BODY_MAX) {
			char tmp[4096];
			ssize_t n = pread(c->spool_fd, tmp, sizeof(tmp), 0);

			if (n > 0)
				cs_buf_append(&body, tmp, (size_t)n);
		}
		r = r == 404
			    ? cs_error_set(err, -CS_E_NOTFOUND, "engine image '%s' not found", name)
			    : status_error(r, "image export", socket, &body, err);
		goto out;
	}
	label = cs_asprintf("engine image '%s'", name);
	if (!label) {
		r = -ENOMEM;
		goto out;
	}
	r = cs_docker_archive_open_fd(c->spool_fd, label, name, opts, &c->da, err);
	if (r < 0)
		goto out;
	*ret_ctx = CS_TAKE_PTR(c);
	r = 0;
out:
	engine_close(c);
	free(label);
	free(path);
	free(socket);
	cs_buf_done(&enc);
	cs_buf_done(&body);
	return r;
}

static int engine_get_manifest(void *p, const char *digest, struct cs_manifest_blob *out,
			       struct cs_error *err)
{
	struct engine_ctx *c = p;

	return cs_source_docker_archive.get_manifest(c->da, digest, out, err);
}

static int engine_open_blob(void *p, const struct cs_descriptor *desc, struct cs_stream **ret,
			    struct cs_error *err)
{
	struct engine_ctx *c = p;

	return cs_source_docker_archive.open_blob(c->da, desc, ret, err);
}

const struct cs_source_ops cs_source_engine = {
	.name = "engine",
	.open = engine_open,
	.get_manifest = engine_get_manifest,
	.open_blob = engine_open_blob,
	.close = engine_close,
};
