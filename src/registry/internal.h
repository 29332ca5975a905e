/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between client.c and blob.c; not part of the API. */
#pragma once

#include <curl/curl.h>
#include "basic/buf.h"
#include "registry/auth.h"
#include "registry/http.h"
#include "registry/registry.h"

/* What the headers of the current response said (reset on each response). */
struct reg_resp {
	long status;
	bool final; /* the headers of the last response (not a followed redirect) ended */
	bool location;
	bool accept_ranges;
	int64_t retry_after;	     /* seconds, -1 if absent */
	int64_t content_range_start; /* -1 if absent */
	char content_type[256];
	char docker_digest[CS_DIGEST_STR_MAX + 1];
	char www_auth[8192]; /* the first Bearer (else first) challenge */
	size_t www_auth_len;
	char location_url[4096]; /* Location (empty if absent or too long) */
	char link_next[4096];	 /* the rel="next" URI of a Link header (tags list) */
};

struct cs_registry {
	char *domain; /* as in the reference, for messages and credentials */
	char *host;   /* API host: registry-1.docker.io for docker.io */
	char *repo;
	char *base; /* scheme://host */
	bool plain_http;
	bool scheme_fixed; /* a request got an HTTP answer: stop probing */
	struct cs_registry_options o;
	char *ca_cert, *auth_file, *username, *password;
	bool creds_loaded, have_creds;
	struct cs_registry_creds creds;
	char *auth_header; /* "Authorization: ..." for the registry host */
	struct reg_token {
		char *scope;
		char *token;
	} * tokens;
	size_t n_tokens, cap_tokens;
	char user_agent[64];
};

/* Configure h for url on this registry; *hdrs receives headers the caller frees. */
int reg_easy_setup(struct cs_registry *reg, CURL *h, const char *url, const char *accept,
		   const char *range, struct reg_resp *resp, char *errbuf,
		   struct curl_slist **hdrs);
/*
 * Judge the outcome of one attempt. 0: success (2xx); 1: retry (after
 * switching scheme, authenticating or sleeping); <0: error set.
 */
int reg_check(struct cs_registry *reg, CURLcode cc, const char *errbuf, const struct reg_resp *resp,
	      unsigned *attempt, bool *auth_tried, const char *what, struct cs_error *err);
/* A valid tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
bool reg_valid_tag(const char *s);
/* Prefix "registry 'D' repository 'R': " */
int reg_error_prefix(struct cs_registry *reg, struct cs_error *err);
