/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Docker Engine API over a unix socket (libcurl): socket discovery and
 * bounded GETs (image/engine_api.h). Never prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>
#include "basic/alloc.h"
#include "image/engine_api.h"

#define CONNECT_TIMEOUT 10L

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

int cs_engine_find_socket(const char *host, char **ret, struct cs_error *err)
{
	const char *xdg;
	char *xdg_sock = NULL;

	if (!host || !*host) {
		host = getenv("DOCKER_HOST");
		if (host && !*host)
			host = NULL;
	}
	if (host) {
		if (strncmp(host, "unix://", 7) != 0 || host[7] != '/')
			return cs_error_set(err, -CS_E_UNSUPPORTED,
					    "engine host '%s' is not supported: want unix:///PATH",
					    host);
		*ret = cs_strdup(host + 7);
		return *ret ? 0 : -ENOMEM;
	}
	if (is_socket("/var/run/docker.sock")) {
		*ret = cs_strdup("/var/run/docker.sock");
		return *ret ? 0 : -ENOMEM;
	}
	if (is_socket("/run/podman/podman.sock")) {
		*ret = cs_strdup("/run/podman/podman.sock");
		return *ret ? 0 : -ENOMEM;
	}
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg == '/') {
		xdg_sock = cs_asprintf("%s/podman/podman.sock", xdg);
		if (!xdg_sock)
			return -ENOMEM;
		if (is_socket(xdg_sock)) {
			*ret = xdg_sock;
			return 0;
		}
		free(xdg_sock);
	}
	return cs_error_set(err, -CS_E_NOTFOUND,
			    "no container engine socket found (tried /var/run/docker.sock, "
			    "/run/podman/podman.sock, $XDG_RUNTIME_DIR/podman/podman.sock); "
			    "use --engine unix:///PATH");
}

static size_t sink_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct cs_engine_sink *s = ud;
	size_t n = size * nmemb;

	if (s->buf) {
		if (cs_buf_append(s->buf, p, n) < 0) {
			s->error = -CS_E_LIMIT;
			return 0;
		}
		return n;
	}
	if (n > s->max - s->written) {
		s->error = -CS_E_LIMIT;
		return 0;
	}
	for (size_t off = 0; off < n;) {
		ssize_t w = write(s->fd, p + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->error = w < 0 ? -errno : -EIO;
			return 0;
		}
		off += (size_t)w;
	}
	s->written += n;
	return n;
}

/* curl's progress callback: nonzero aborts the transfer */
static int sink_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
			 curl_off_t ulnow)
{
	const struct cs_engine_sink *s = ud;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return atomic_load(s->cancel) ? 1 : 0;
}

char *cs_engine_error_message(const struct cs_buf *body)
{
	json_t *root = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	json_t *msg = json_object_get(root, "message");
	char *s = json_is_string(msg) ? cs_strndup(json_string_value(msg), 300) : NULL;

	json_decref(root);
	if (s)
		for (char *q = s; *q; q++)
			if (*q == '\n' || *q == '\r')
				*q = ' ';
	return s;
}

int cs_engine_get(const char *socket, const char *path, struct cs_engine_sink *sink,
		  bool long_transfer, struct cs_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	char *url;
	CURL *h;
	CURLcode cc;
	long status = 0;

	url = cs_asprintf("http://localhost%s", path);
	h = curl_easy_init();
	if (!url || !h) {
		free(url);
		if (h)
			curl_easy_cleanup(h);
		return -ENOMEM;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, sink);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (sink->cancel) {
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, sink_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, sink);
	}
	if (long_transfer) {
		/* an export may take a while; a stalled engine may not */
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 300L);
	} else {
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	}
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	free(url);
	if (cc == CURLE_WRITE_ERROR && sink->error == -CS_E_LIMIT)
		return cs_error_set(err, -CS_E_LIMIT,
				    "engine response to 'GET %s' is larger than %llu bytes", path,
				    (unsigned long long)(sink->buf ? sink->buf->max : sink->max));
	if (cc == CURLE_WRITE_ERROR && sink->error)
		return cs_error_errno(err, sink->error, "cannot spool engine response to 'GET %s'",
				      path);
	if (cc == CURLE_ABORTED_BY_CALLBACK)
		return cs_error_set(err, -ECANCELED, "engine request 'GET %s' cancelled", path);
	if (cc != CURLE_OK)
		return cs_error_set(err, -CS_E_NETWORK,
				    "cannot reach the container engine at '%s': %s", socket,
				    errbuf[0] ? errbuf : curl_easy_strerror(cc));
	return (int)status;
}

int cs_engine_get_json(const char *socket, const char *path, size_t max, json_t **ret,
		       struct cs_error *err)
{
	return cs_engine_get_json_cancel(socket, path, max, NULL, ret, err);
}

int cs_engine_get_json_cancel(const char *socket, const char *path, size_t max,
			      const atomic_bool *cancel, json_t **ret, struct cs_error *err)
{
	struct cs_buf body = CS_BUF_INIT(max);
	struct cs_engine_sink sink = { .buf = &body, .cancel = cancel };
	json_error_t je;
	json_t *root;
	int r;

	r = cs_engine_get(socket, path, &sink, false, err);
	if (r < 0)
		goto out;
	if (r == 404) {
		r = cs_error_set(err, -CS_E_NOTFOUND, "engine at '%s': 'GET %s' not found", socket,
				 path);
		goto out;
	}
	if (r != 200) {
		char *msg = cs_engine_error_message(&body);

		r = cs_error_set(err, -CS_E_NETWORK,
				 "engine at '%s': 'GET %s' failed with HTTP %d%s%s", socket, path,
				 r, msg ? ": " : "", msg ? msg : "");
		free(msg);
		goto out;
	}
	root = json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		r = cs_error_set(err, -CS_E_INPUT, "engine at '%s': 'GET %s': malformed JSON: %s",
				 socket, path, je.text);
		goto out;
	}
	*ret = root;
	r = 0;
out:
	cs_buf_done(&body);
	return r;
}
