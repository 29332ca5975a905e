/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl plumbing shared by the registry client and the other fetchers
 * (the vulnerability database mirror client): one transport policy
 * (protocols, TLS with the system CAs plus an optional bundle, timeouts),
 * the classification of curl failures, retries with exponential backoff,
 * and a bounded GET for plain files that follows redirects itself so every
 * hop is checked against the policy. Everything a server sends is
 * untrusted and bounded. Never prints.
 */
#pragma once

#include <curl/curl.h>
#include "basic/error.h"
#include "basic/macro.h"

/* curl_global_init once (the CLI is single-threaded). 0 or -CS_E_INTERNAL. */
int cs_http_global_init(void);

struct cs_http_transport {
	bool allow_http;	/* plain HTTP allowed (else https only, redirects too) */
	bool verify;		/* verify certificates and host names */
	const char *ca_cert;	/* extra CA bundle (PEM); the system CAs stay trusted */
	const char *user_agent; /* NULL: "customs/VERSION" */
	bool follow;		/* let curl follow up to 5 redirects itself */
};

/*
 * Set the transport options on h: user agent, error buffer
 * (CURL_ERROR_SIZE bytes, cleared here), protocols, redirects, connect and
 * low-speed timeouts, certificate checks. The caller sets the URL.
 */
void cs_http_setup_transport(CURL *h, const struct cs_http_transport *t, char *errbuf);

/* A certificate or handshake failure (not worth retrying). */
bool cs_http_tls_error(CURLcode cc);
/* A connection failure worth retrying. */
bool cs_http_retryable(CURLcode cc);
/*
 * Milliseconds to wait before retry number `attempt` (0-based): 500 ms
 * doubling up to 30 s, at least Retry-After (seconds, <0 if absent, capped
 * at 60 s), plus `jitter` (0..999, per mille of a quarter of the delay).
 */
uint64_t cs_http_backoff_ms(unsigned attempt, int64_t retry_after_s, unsigned jitter);
/* 0..999 from the clock, for cs_http_backoff_ms. */
unsigned cs_http_jitter(void);
void cs_http_sleep_ms(uint64_t ms);

/*
 * May url be fetched? https:// always; http:// only when the host is a
 * loopback address (localhost, 127.0.0.0/8, ::1) or insecure is set.
 * Anything else is -CS_E_INPUT (-CS_E_UNSUPPORTED for another scheme).
 */
int cs_http_url_check(const char *url, bool insecure, struct cs_error *err);

/* ---- a small client for plain files ---- */

struct cs_http_options {
	const char *ca_cert; /* extra CA bundle, NULL: system CAs only */
	bool insecure;	     /* plain HTTP to any host, no certificate checks */
	unsigned retries;    /* after connection failures, 429 and 5xx */
};

/*
 * Where a body goes. write() gets the bytes in order and returns 0 or <0
 * (with err set) to abort; reset() is called before a retry sends the body
 * again from its first byte.
 */
struct cs_http_sink {
	int (*write)(void *ud, const void *p, size_t n, struct cs_error *err);
	int (*reset)(void *ud, struct cs_error *err);
	void *userdata;
};

struct cs_http; /* opaque; keeps its connection open between requests */

int cs_http_new(const struct cs_http_options *o, struct cs_http **ret, struct cs_error *err);
void cs_http_free(struct cs_http *h);
CS_DEFINE_CLEANUP(struct cs_http *, cs_http_free)

/*
 * GET url (checked with cs_http_url_check) into sink. Redirects (at most
 * 5) are followed when their target passes the same check and does not go
 * from https to http. A body larger than max bytes is -CS_E_LIMIT, 404/410
 * -CS_E_NOTFOUND, TLS and other failures -CS_E_NETWORK. The message does
 * not name the URL: callers prefix it.
 */
int cs_http_get(struct cs_http *h, const char *url, uint64_t max, const struct cs_http_sink *sink,
		struct cs_error *err);
