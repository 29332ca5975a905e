/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared libcurl plumbing (http.h): the transport policy every request
 * uses, failure classification, backoff, and a bounded GET for plain files.
 * The GET follows redirects itself rather than through curl, so a redirect
 * can never lead from https to plain http, or to plain http on a host the
 * policy does not allow.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/log.h"
#include "registry/http.h"

#define BACKOFF_BASE_MS	  500
#define BACKOFF_MAX_MS	  30000
#define RETRY_AFTER_MAX_S 60
#define ERROR_BODY_MAX	  (64u << 10)
#define MAX_REDIRECTS	  5
#define URL_MAX		  8192

int cs_http_global_init(void)
{
	static bool done;

	/* the CLI is single-threaded; the first client initialises curl */
	if (!done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return -CS_E_INTERNAL;
		done = true;
	}
	return 0;
}

void cs_http_setup_transport(CURL *h, const struct cs_http_transport *t, char *errbuf)
{
	const char *protos = t->allow_http ? "http,https" : "https";

	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT,
			 t->user_agent ? t->user_agent : "customs/" CUSTOMS_VERSION);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, t->follow ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protos);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protos);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, t->verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, t->verify ? 2L : 0L);
	if (t->ca_cert) {
		curl_easy_setopt(h, CURLOPT_CAINFO, t->ca_cert);
		/* keep the system CAs as well */
		curl_easy_setopt(h, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
}

bool cs_http_tls_error(CURLcode cc)
{
	return cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
	       cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_ISSUER_ERROR ||
	       cc == CURLE_SSL_CONNECT_ERROR;
}

bool cs_http_retryable(CURLcode cc)
{
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
	       cc == CURLE_GOT_NOTHING || cc == CURLE_OPERATION_TIMEDOUT ||
	       cc == CURLE_PARTIAL_FILE || cc == CURLE_HTTP2 || cc == CURLE_HTTP2_STREAM ||
	       cc == CURLE_COULDNT_RESOLVE_HOST;
}

uint64_t cs_http_backoff_ms(unsigned attempt, int64_t retry_after_s, unsigned jitter)
{
	uint64_t ms = BACKOFF_BASE_MS;

	for (unsigned i = 0; i < attempt && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	ms += ms / 4 * (jitter % 1000) / 1000;
	if (retry_after_s >= 0) {
		uint64_t ra = (uint64_t)CS_MIN(retry_after_s, (int64_t)RETRY_AFTER_MAX_S) * 1000;

		if (ra > ms)
			ms = ra;
	}
	return ms;
}

unsigned cs_http_jitter(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned)(ts.tv_nsec / 1000 % 1000);
}

void cs_http_sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool loopback_host(const char *host)
{
	char buf[64];
	size_t n = strlen(host);
	struct in_addr a4;
	struct in6_addr a6;

	if (!strcasecmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n < 3 || n - 2 >= sizeof(buf) || host[0] != '[' || host[n - 1] != ']')
		return false;
	memcpy(buf, host + 1, n - 2);
	buf[n - 2] = '\0';
	if (inet_pton(AF_INET6, buf, &a6) != 1)
		return false;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return true;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

int cs_http_url_check(const char *url, bool insecure, struct cs_error *err)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	int r = 0;

	if (!url || strnlen(url, URL_MAX + 1) > URL_MAX)
		return cs_error_set(err, -CS_E_INPUT, "URL missing or longer than %d bytes",
				    URL_MAX);
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f)
			return cs_error_set(err, -CS_E_INPUT,
					    "URL has spaces or control characters");
	u = curl_url();
	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		r = cs_error_set(err, -CS_E_INPUT, "not a valid URL");
		goto out;
	}
	if (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED, "unsupported URL scheme '%s'", scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
		r = cs_error_set(err, -CS_E_INPUT, "not a valid URL");
		goto out;
	}
	if (!strcasecmp(scheme, "https"))
		goto out;
	if (!insecure && !loopback_host(host))
		r = cs_error_set(
			err, -CS_E_INPUT,
			"plain HTTP is allowed only for loopback hosts or with --insecure");
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return r;
}

/* ---- the client ---- */

struct cs_http {
	CURL *easy;
	struct cs_http_options o;
	char *ca_cert;
	char errbuf[CURL_ERROR_SIZE];
};

void cs_http_free(struct cs_http *h)
{
	if (!h)
		return;
	if (h->easy)
		curl_easy_cleanup(h->easy);
	free(h->ca_cert);
	free(h);
}

int cs_http_new(const struct cs_http_options *o, struct cs_http **ret, struct cs_error *err)
{
	struct cs_http *h;

	if (cs_http_global_init() < 0)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot initialise libcurl");
	h = cs_zalloc(sizeof(*h));
	if (!h)
		return cs_error_set(err, -ENOMEM, "out of memory");
	h->o = *o;
	h->easy = curl_easy_init();
	if (o->ca_cert)
		h->ca_cert = cs_strdup(o->ca_cert);
	if (!h->easy || (o->ca_cert && !h->ca_cert)) {
		cs_http_free(h);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	h->o.ca_cert = h->ca_cert;
	*ret = h;
	return 0;
}

struct get_state {
	CURL *easy;
	const struct cs_http_sink *sink;
	struct cs_error *err;
	uint64_t max, got;
	size_t discarded;
	bool limit;
	int failed;
};

static size_t get_write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct get_state *s = ud;
	size_t n = size * nmemb;
	long status = 0;
	int r;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		s->discarded += n;
		return s->discarded > ERROR_BODY_MAX ? 0 : n;
	}
	if (n > s->max - s->got) {
		s->limit = true;
		return 0;
	}
	r = s->sink->write(s->sink->userdata, p, n, s->err);
	if (r < 0) {
		s->failed = r;
		return 0;
	}
	s->got += n;
	return n;
}

static bool is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

int cs_http_get(struct cs_http *h, const char *url, uint64_t max, const struct cs_http_sink *sink,
		struct cs_error *err)
{
	struct cs_http_transport t = {
		.allow_http = true, /* each hop is checked by cs_http_url_check */
		.verify = !h->o.insecure,
		.ca_cert = h->ca_cert,
		.follow = false,
	};
	struct get_state st = { .easy = h->easy, .sink = sink, .err = err, .max = max };
	_cleanup_free_ char *cur = NULL;
	unsigned attempt = 0, hops = 0;
	int r;

	r = cs_http_url_check(url, h->o.insecure, err);
	if (r < 0)
		return r;
	cur = cs_strdup(url);
	if (!cur)
		return cs_error_set(err, -ENOMEM, "out of memory");
	for (;;) {
		const char *detail;
		curl_off_t retry_after = -1;
		long status = 0;
		char *loc = NULL;
		CURLcode cc;

		if (st.got > 0 && sink->reset) {
			r = sink->reset(sink->userdata, err);
			if (r < 0)
				return r;
		}
		st.got = 0;
		st.discarded = 0;
		curl_easy_reset(h->easy);
		if (curl_easy_setopt(h->easy, CURLOPT_URL, cur) != CURLE_OK)
			return cs_error_set(err, -CS_E_INPUT, "invalid URL '%s'", cur);
		cs_http_setup_transport(h->easy, &t, h->errbuf);
		curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, get_write_cb);
		curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, &st);
		cs_log_debug("GET %s", cur);
		cc = curl_easy_perform(h->easy);
		if (st.failed)
			return st.failed;
		if (st.limit)
			return cs_error_set(err, -CS_E_LIMIT, "larger than %llu bytes",
					    (unsigned long long)max);
		detail = h->errbuf[0] ? h->errbuf : curl_easy_strerror(cc);
		if (cc != CURLE_OK) {
			if (cs_http_tls_error(cc))
				return cs_error_set(err, -CS_E_NETWORK, "TLS error: %s%s", detail,
						    strstr(detail, "wrong version number")
							    ? " (the server may speak plain HTTP)"
							    : "");
			if (cs_http_retryable(cc) && attempt < h->o.retries) {
				cs_log_debug("GET %s: %s, retrying", cur, detail);
				cs_http_sleep_ms(
					cs_http_backoff_ms(attempt++, -1, cs_http_jitter()));
				continue;
			}
			return cs_error_set(err, -CS_E_NETWORK, "%s", detail);
		}
		curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status == 200)
			return 0;
		if (status >= 300 && status < 400 && status != 304) {
			char *next;

			curl_easy_getinfo(h->easy, CURLINFO_REDIRECT_URL, &loc);
			if (!loc || !*loc)
				return cs_error_set(err, -CS_E_NETWORK,
						    "redirect without a location (HTTP %ld)",
						    status);
			if (++hops > MAX_REDIRECTS)
				return cs_error_set(err, -CS_E_NETWORK, "more than %d redirects",
						    MAX_REDIRECTS);
			r = cs_http_url_check(loc, h->o.insecure, err);
			if (r < 0)
				return cs_error_prefix(err, "redirect refused");
			if (is_https(cur) && !is_https(loc) && !h->o.insecure)
				return cs_error_set(err, -CS_E_INPUT,
						    "redirect from https to plain http refused");
			next = cs_strdup(loc); /* loc lives in the handle, reset next */
			if (!next)
				return cs_error_set(err, -ENOMEM, "out of memory");
			free(cur);
			cur = next;
			continue;
		}
		if (status == 404 || status == 410)
			return cs_error_set(err, -CS_E_NOTFOUND, "not found (HTTP %ld)", status);
		if (status == 429 || status >= 500) {
			if (attempt < h->o.retries) {
				curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER, &retry_after);
				cs_log_debug("GET %s: HTTP %ld, retrying", cur, status);
				cs_http_sleep_ms(cs_http_backoff_ms(
					attempt++, retry_after > 0 ? (int64_t)retry_after : -1,
					cs_http_jitter()));
				continue;
			}
			return cs_error_set(err, -CS_E_NETWORK, "server error (HTTP %ld)", status);
		}
		if (status == 401 || status == 403)
			return cs_error_set(err, -CS_E_AUTH, "access denied (HTTP %ld)", status);
		return cs_error_set(err, -CS_E_NETWORK, "unexpected HTTP status %ld", status);
	}
}
