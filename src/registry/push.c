/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The write side of the distribution API and the listings that go with it:
 * blob existence (HEAD), blob upload (POST an upload session, then one
 * monolithic PUT ?digest=), manifest PUT by tag or digest, whole small
 * blobs read into memory, the tags list with Link pagination, and the OCI
 * 1.1 referrers API with its tag-schema fallback. Requests go through the
 * same setup, authentication and retry judgement as client.c; a Location on
 * another host never receives our Authorization header. Every response body
 * is bounded.
 */
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "basic/log.h"
#include "image/manifest.h"
#include "registry/internal.h"

#define ERROR_BODY_MAX	    (64u << 10)
#define TAGS_PAGE_MAX	    (4u << 20)
#define TAGS_PAGES_MAX	    1000
#define REFERRERS_MAX	    (4u << 20)
#define BLOB_PUT_MAX	    (256u << 20)
#define TAGS_PAGE_SIZE	    1000
#define MT_OCTET	    "application/octet-stream"
#define EMPTY_OCI_INDEX_FMT "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":[]}"

struct req {
	const char *method;	  /* GET, HEAD, POST, PUT */
	const char *path;	  /* "/v2/..." under reg->base, or */
	const char *url;	  /* an absolute URL (a Location) */
	const char *accept;	  /* a whole "Accept: ..." line, or NULL */
	const char *content_type; /* the body's type, or NULL */
	const void *body;
	size_t body_len;
	struct cs_buf *out; /* body of a 2xx answer; NULL: discarded */
	const char *what;   /* "blob 'sha256:..'" for messages */
};

struct sink {
	struct reg_resp *resp;
	struct cs_buf *ok;
	struct cs_buf errbody;
	bool limit;
};

static size_t sink_write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb;

	if (s->resp->status < 200 || s->resp->status > 299) {
		/* keep the start of an error body for its message; drop the rest */
		if (s->errbody.len < s->errbody.max)
			(void)cs_buf_append(&s->errbody, p,
					    CS_MIN(n, s->errbody.max - s->errbody.len));
		return n;
	}
	if (!s->ok)
		return n;
	if (cs_buf_append(s->ok, p, n) < 0) {
		s->limit = true;
		return 0;
	}
	return n;
}

/* The host[:port] of an absolute http(s) URL into out; false if it is not one. */
static bool url_host(const char *url, char *out, size_t outlen)
{
	const char *p, *e;

	if (!strncmp(url, "https://", 8))
		p = url + 8;
	else if (!strncmp(url, "http://", 7))
		p = url + 7;
	else
		return false;
	e = p + strcspn(p, "/?#");
	if (e == p || (size_t)(e - p) >= outlen || memchr(p, '@', (size_t)(e - p)))
		return false;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return true;
}

/* The registry's own error message ({"errors":[{"code","message"}]}), if any. */
static void append_registry_error(const struct cs_buf *b, struct cs_error *err)
{
	json_t *root, *e0;
	const char *code, *msg;
	char safe[200];
	size_t k = 0;

	if (!err || !b->len)
		return;
	root = json_loadb(b->data, b->len, 0, NULL);
	e0 = json_array_get(json_object_get(root, "errors"), 0);
	code = json_string_value(json_object_get(e0, "code"));
	msg = json_string_value(json_object_get(e0, "message"));
	if (code) {
		/* registry text: printable ASCII only, bounded */
		for (const char *s = code; *s && k + 1 < sizeof(safe); s++)
			safe[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
		if (msg && k + 3 < sizeof(safe)) {
			safe[k++] = ':';
			safe[k++] = ' ';
			for (const char *s = msg; *s && k + 1 < sizeof(safe); s++)
				safe[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
		}
		safe[k] = '\0';
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof(err->msg) - len, " (%s)", safe);
	}
	json_decref(root);
}

/*
 * One request with the client's authentication and retries. Returns 0 on a
 * 2xx answer (resp holds its headers), <0 with err set otherwise (404 is
 * -CS_E_NOTFOUND). The body, if any, is sent again on every attempt.
 */
static int request(struct cs_registry *reg, const struct req *q, struct reg_resp *resp,
		   struct cs_error *err)
{
	char errbuf[CURL_ERROR_SIZE], host[512];
	struct sink sink = { .resp = resp, .ok = q->out };
	bool auth_tried = false, foreign = false;
	unsigned attempt = 0;
	CURL *h;
	int r;

	cs_buf_init(&sink.errbody, ERROR_BODY_MAX);
	if (q->url) {
		if (!url_host(q->url, host, sizeof(host)))
			return cs_error_set(err, -CS_E_INPUT,
					    "%s: the registry sent an invalid URL", q->what);
		r = cs_http_url_check(q->url, reg->o.insecure, err);
		if (r < 0)
			return cs_error_prefix(err, "%s: the registry sent URL '%s'", q->what,
					       q->url);
		/* our credentials stay with the registry host */
		foreign = strcasecmp(host, reg->host) != 0;
	}
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	for (;;) {
		_cleanup_free_ char *url =
			q->url ? cs_strdup(q->url) : cs_asprintf("%s%s", reg->base, q->path);
		_cleanup_free_ char *ct = NULL;
		struct curl_slist *hdrs = NULL, *t;
		char *saved = reg->auth_header;
		CURLcode cc;

		if (!url) {
			r = -ENOMEM;
			goto out;
		}
		if (q->out)
			cs_buf_reset(q->out);
		cs_buf_reset(&sink.errbody);
		sink.limit = false;
		curl_easy_reset(h);
		if (foreign)
			reg->auth_header = NULL;
		r = reg_easy_setup(reg, h, url, q->accept, NULL, resp, errbuf, &hdrs);
		reg->auth_header = saved;
		if (r < 0) {
			curl_slist_free_all(hdrs);
			r = cs_error_set(err, r, "cannot build a request for '%s'", url);
			goto out;
		}
		/* no "Expect: 100-continue" round trip for bodies */
		t = curl_slist_append(hdrs, "Expect:");
		if (t && q->content_type) {
			ct = cs_asprintf("Content-Type: %s", q->content_type);
			hdrs = t;
			t = ct ? curl_slist_append(hdrs, ct) : NULL;
		}
		if (!t) {
			curl_slist_free_all(hdrs);
			r = -ENOMEM;
			goto out;
		}
		hdrs = t;
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		if (!strcmp(q->method, "HEAD")) {
			curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		} else if (strcmp(q->method, "GET") != 0) {
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body ? q->body : "");
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
			/* a 3xx answer to a write is not followed as a GET */
			curl_easy_setopt(h, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
		}
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write_cb);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
		cs_log_debug("%s %s", q->method, url);
		cc = curl_easy_perform(h);
		curl_slist_free_all(hdrs);
		if (sink.limit) {
			r = cs_error_set(err, -CS_E_LIMIT,
					 "%s: the answer is larger than %zu bytes", q->what,
					 q->out->max);
			goto out;
		}
		r = reg_check(reg, cc, errbuf, resp, &attempt, &auth_tried, q->what, err);
		if (r < 0) {
			append_registry_error(&sink.errbody, err);
			goto out;
		}
		if (r == 0)
			break;
		if (foreign && auth_tried) {
			r = cs_error_set(err, -CS_E_AUTH, "%s: '%s' asks for credentials", q->what,
					 host);
			goto out;
		}
	}
	r = 0;
out:
	cs_buf_done(&sink.errbody);
	curl_easy_cleanup(h);
	return r;
}

/* Prefix the error with the registry, as the read calls do. */
static int fail(struct cs_registry *reg, int r, struct cs_error *err)
{
	if (r < 0 && err)
		reg_error_prefix(reg, err);
	return r;
}

static int check_digest(const char *digest, struct cs_error *err)
{
	enum cs_hash_alg alg;

	return cs_digest_parse(digest, &alg, err);
}

int cs_registry_blob_exists(struct cs_registry *reg, const char *digest, struct cs_error *err)
{
	_cleanup_free_ char *path = NULL, *what = NULL;
	struct reg_resp resp;
	struct cs_error e2 = CS_ERROR_INIT;
	int r;

	r = check_digest(digest, err);
	if (r < 0)
		return fail(reg, r, err);
	path = cs_asprintf("/v2/%s/blobs/%s", reg->repo, digest);
	what = cs_asprintf("blob '%s'", digest);
	if (!path || !what)
		return -ENOMEM;
	struct req q = { .method = "HEAD", .path = path, .what = what };

	r = request(reg, &q, &resp, &e2);
	if (r == -CS_E_NOTFOUND)
		return 0;
	if (r < 0) {
		if (err)
			*err = e2;
		return fail(reg, r, err);
	}
	return 1;
}

/* Location of an upload session as an absolute URL, with "digest=" added. */
static char *upload_url(struct cs_registry *reg, const char *location, const char *digest)
{
	_cleanup_free_ char *abs = NULL;
	char *esc, *url;

	if (location[0] == '/')
		abs = cs_asprintf("%s%s", reg->base, location);
	else
		abs = cs_strdup(location);
	esc = abs ? curl_easy_escape(NULL, digest, 0) : NULL;
	if (!esc)
		return NULL;
	url = cs_asprintf("%s%sdigest=%s", abs, strchr(abs, '?') ? "&" : "?", esc);
	curl_free(esc);
	return url;
}

int cs_registry_put_blob(struct cs_registry *reg, const void *p, size_t n,
			 char ret_digest[CS_DIGEST_STR_MAX], struct cs_error *err)
{
	_cleanup_free_ char *path = NULL, *what = NULL, *url = NULL;
	char digest[CS_DIGEST_STR_MAX];
	struct reg_resp resp;
	int r;

	if (n > BLOB_PUT_MAX)
		return fail(reg,
			    cs_error_set(err, -CS_E_LIMIT,
					 "blob of %zu bytes: larger than %u bytes", n,
					 BLOB_PUT_MAX),
			    err);
	r = cs_sha256_digest(p, n, digest);
	if (r < 0)
		return fail(reg, cs_error_set(err, r, "cannot hash a blob"), err);
	r = cs_registry_blob_exists(reg, digest, err);
	if (r < 0)
		return r;
	if (r == 0) {
		path = cs_asprintf("/v2/%s/blobs/uploads/", reg->repo);
		what = cs_asprintf("upload of blob '%s'", digest);
		if (!path || !what)
			return -ENOMEM;
		struct req post = { .method = "POST", .path = path, .what = what };

		r = request(reg, &post, &resp, err);
		if (r < 0)
			return fail(reg, r, err);
		if (resp.status != 202 || !resp.location_url[0])
			return fail(reg,
				    cs_error_set(err, -CS_E_NETWORK,
						 "%s: the registry answered HTTP %ld without an "
						 "upload location",
						 what, resp.status),
				    err);
		url = upload_url(reg, resp.location_url, digest);
		if (!url)
			return -ENOMEM;
		struct req put = { .method = "PUT",
				   .url = url,
				   .content_type = MT_OCTET,
				   .body = p,
				   .body_len = n,
				   .what = what };

		r = request(reg, &put, &resp, err);
		if (r < 0)
			return fail(reg, r, err);
		if (resp.status != 201 && resp.status != 204)
			return fail(reg,
				    cs_error_set(err, -CS_E_NETWORK,
						 "%s: unexpected HTTP status %ld", what,
						 resp.status),
				    err);
		if (resp.docker_digest[0] && strcmp(resp.docker_digest, digest) != 0)
			return fail(reg,
				    cs_error_set(err, -CS_E_DIGEST,
						 "%s: the registry stored it as '%s'", what,
						 resp.docker_digest),
				    err);
	}
	memcpy(ret_digest, digest, sizeof(digest));
	return 0;
}

/* A tag, or a digest (parsed where it is used). */
static bool valid_reference(const char *s)
{
	return strchr(s, ':') || reg_valid_tag(s);
}

int cs_registry_put_manifest(struct cs_registry *reg, const char *reference, const char *media_type,
			     const void *p, size_t n, char ret_digest[CS_DIGEST_STR_MAX],
			     struct cs_error *err)
{
	_cleanup_free_ char *path = NULL, *what = NULL;
	char digest[CS_DIGEST_STR_MAX];
	struct reg_resp resp;
	int r;

	if (!valid_reference(reference))
		return fail(reg, cs_error_set(err, -CS_E_INPUT, "invalid tag '%s'", reference),
			    err);
	if (strchr(reference, ':')) {
		enum cs_hash_alg alg;

		r = cs_digest_parse(reference, &alg, err);
		if (r < 0)
			return fail(reg, r, err);
		r = cs_digest_of(alg, p, n, digest);
		if (r == 0 && strcmp(digest, reference) != 0)
			return fail(reg,
				    cs_error_set(err, -CS_E_DIGEST,
						 "manifest does not match the digest '%s' it is "
						 "pushed by",
						 reference),
				    err);
	} else {
		r = cs_sha256_digest(p, n, digest);
	}
	if (r < 0)
		return fail(reg, cs_error_set(err, r, "cannot hash a manifest"), err);
	if (n > reg->o.max_manifest_size)
		return fail(reg,
			    cs_error_set(err, -CS_E_LIMIT,
					 "manifest of %zu bytes: larger than %llu", n,
					 (unsigned long long)reg->o.max_manifest_size),
			    err);
	path = cs_asprintf("/v2/%s/manifests/%s", reg->repo, reference);
	what = cs_asprintf("push of manifest '%s'", reference);
	if (!path || !what)
		return -ENOMEM;
	struct req q = { .method = "PUT",
			 .path = path,
			 .content_type = media_type,
			 .body = p,
			 .body_len = n,
			 .what = what };

	r = request(reg, &q, &resp, err);
	if (r < 0)
		return fail(reg, r, err);
	if (resp.status != 201 && resp.status != 200 && resp.status != 204)
		return fail(reg,
			    cs_error_set(err, -CS_E_NETWORK, "%s: unexpected HTTP status %ld", what,
					 resp.status),
			    err);
	if (resp.docker_digest[0] && strcmp(resp.docker_digest, digest) != 0)
		return fail(reg,
			    cs_error_set(err, -CS_E_DIGEST, "%s: the registry stored it as '%s'",
					 what, resp.docker_digest),
			    err);
	if (ret_digest)
		memcpy(ret_digest, digest, sizeof(digest));
	return 0;
}

int cs_registry_get_blob(struct cs_registry *reg, const char *digest, int64_t size,
			 struct cs_buf *out, struct cs_error *err)
{
	_cleanup_free_ char *label = NULL;
	struct cs_stream *raw = NULL, *s = NULL;
	int r;

	r = check_digest(digest, err);
	if (r < 0)
		return fail(reg, r, err);
	label = cs_asprintf("blob '%s'", digest);
	if (!label)
		return -ENOMEM;
	r = cs_registry_open_blob(reg, digest, size, out->max, &raw, err);
	if (r < 0)
		return r;
	r = cs_stream_verify_new(raw, digest, size, out->max, label, &s, err);
	if (r < 0)
		return fail(reg, r, err);
	r = cs_stream_read_all(s, out, err);
	cs_stream_free(s);
	return r < 0 ? fail(reg, r, err) : 0;
}

void cs_registry_tags_free(char **tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
}

int cs_registry_list_tags(struct cs_registry *reg, unsigned page_size, size_t max_tags,
			  char ***ret_tags, size_t *ret_n, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(TAGS_PAGE_MAX);
	_cleanup_free_ char *next = NULL, *what = NULL;
	char **tags = NULL;
	size_t n = 0, cap = 0;
	struct reg_resp resp;
	int r = 0;

	what = cs_asprintf("tags list");
	next = cs_asprintf("/v2/%s/tags/list?n=%u", reg->repo,
			   page_size ? page_size : TAGS_PAGE_SIZE);
	if (!what || !next)
		return -ENOMEM;
	for (unsigned page = 0; next; page++) {
		struct req q = { .method = "GET", .out = &body, .what = what };
		json_t *root, *arr, *v;
		size_t i;

		if (page >= TAGS_PAGES_MAX) {
			r = cs_error_set(err, -CS_E_LIMIT, "tags list: more than %u pages",
					 TAGS_PAGES_MAX);
			goto out;
		}
		if (next[0] == '/')
			q.path = next;
		else
			q.url = next;
		r = request(reg, &q, &resp, err);
		if (r == -CS_E_NOTFOUND) {
			/* an unknown repository has no tags */
			cs_error_clear(err);
			r = 0;
			break;
		}
		if (r < 0)
			goto out;
		root = json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES,
				  NULL);
		arr = json_object_get(root, "tags");
		if (!root || (arr && !json_is_array(arr) && !json_is_null(arr))) {
			json_decref(root);
			r = cs_error_set(err, -CS_E_INPUT, "tags list: not a tags list document");
			goto out;
		}
		json_array_foreach (arr, i, v) {
			const char *t = json_string_value(v);

			if (!t || !valid_reference(t) || strchr(t, ':'))
				continue; /* not a tag: skip, never fail the whole list */
			if (n >= max_tags) {
				json_decref(root);
				r = cs_error_set(err, -CS_E_LIMIT, "tags list: more than %zu tags",
						 max_tags);
				goto out;
			}
			r = CS_GROW(tags, cap, n + 1);
			if (r < 0 || !(tags[n] = cs_strdup(t))) {
				json_decref(root);
				r = -ENOMEM;
				goto out;
			}
			n++;
		}
		json_decref(root);
		free(next);
		next = resp.link_next[0] ? cs_strdup(resp.link_next) : NULL;
		if (resp.link_next[0] && !next) {
			r = -ENOMEM;
			goto out;
		}
		if (next && next[0] != '/' && strncmp(next, "http", 4) != 0) {
			r = cs_error_set(err, -CS_E_INPUT, "tags list: invalid Link '%s'", next);
			goto out;
		}
	}
	*ret_tags = tags;
	*ret_n = n;
	return 0;
out:
	cs_registry_tags_free(tags, n);
	return fail(reg, r, err);
}

char *cs_registry_referrers_tag(const char *digest)
{
	const char *colon = strchr(digest, ':');

	if (!colon)
		return NULL;
	return cs_asprintf("%.*s-%s", (int)(colon - digest), digest, colon + 1);
}

int cs_registry_get_referrers(struct cs_registry *reg, const char *digest, struct cs_buf *out,
			      struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(CS_MIN(out->max, REFERRERS_MAX));
	_cleanup_free_ char *path = NULL, *what = NULL, *tag = NULL;
	struct reg_resp resp;
	struct cs_error e2 = CS_ERROR_INIT;
	json_t *root;
	bool ok;
	int r;

	r = check_digest(digest, err);
	if (r < 0)
		return fail(reg, r, err);
	path = cs_asprintf("/v2/%s/referrers/%s", reg->repo, digest);
	what = cs_asprintf("referrers of '%s'", digest);
	tag = cs_registry_referrers_tag(digest);
	if (!path || !what || !tag)
		return -ENOMEM;
	struct req q = { .method = "GET",
			 .path = path,
			 .accept = "Accept: " CS_MT_OCI_INDEX,
			 .out = &body,
			 .what = what };

	r = request(reg, &q, &resp, &e2);
	if (r == 0 && strncmp(resp.content_type, CS_MT_OCI_INDEX, strlen(CS_MT_OCI_INDEX)) == 0) {
		root = json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES,
				  NULL);
		ok = json_is_array(json_object_get(root, "manifests"));
		json_decref(root);
		if (!ok)
			return fail(reg,
				    cs_error_set(err, -CS_E_INPUT, "%s: not an image index", what),
				    err);
		r = cs_buf_append(out, body.data, body.len);
		return r < 0 ? fail(reg, cs_error_set(err, r, "%s: too large", what), err) : 1;
	}
	if (r < 0 && r != -CS_E_NOTFOUND) {
		if (err)
			*err = e2;
		return fail(reg, r, err);
	}
	/* no referrers API: the "sha256-HEX" tag holds the index, if anything does */
	cs_buf_reset(&body);
	cs_error_clear(&e2);
	r = cs_registry_get_manifest(reg, tag, &body, NULL, NULL, &e2);
	if (r == -CS_E_NOTFOUND) {
		r = cs_buf_printf(out, EMPTY_OCI_INDEX_FMT, CS_MT_OCI_INDEX);
		return r < 0 ? -ENOMEM : 0;
	}
	if (r < 0) {
		if (err)
			*err = e2;
		return r;
	}
	root = json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES, NULL);
	ok = json_is_array(json_object_get(root, "manifests"));
	json_decref(root);
	if (!ok)
		return fail(reg,
			    cs_error_set(err, -CS_E_INPUT,
					 "referrers tag '%s' is not an image index", tag),
			    err);
	r = cs_buf_append(out, body.data, body.len);
	return r < 0 ? fail(reg, cs_error_set(err, r, "%s: too large", what), err) : 0;
}
