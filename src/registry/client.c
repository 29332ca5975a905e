/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI distribution API client: requests, authentication (basic and bearer
 * tokens), retries, and manifests. Blobs stream in blob.c. Every response
 * body is bounded; secrets go only into Authorization headers, which curl
 * does not forward to other hosts on redirects.
 */
#include <string.h>
#include <strings.h>
#include <time.h>
#include <jansson.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/hash.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "image/manifest.h"
#include "registry/internal.h"

#define TOKEN_RESPONSE_MAX (1u << 20)
#define ERROR_BODY_MAX	   (64u << 10)
#define RETRY_AFTER_MAX_S  60

static const char manifest_accept[] = "Accept: " CS_MT_OCI_MANIFEST ", " CS_MT_OCI_INDEX
				      ", " CS_MT_DOCKER_MANIFEST ", " CS_MT_DOCKER_LIST;

void cs_registry_options_default(struct cs_registry_options *o)
{
	memset(o, 0, sizeof(*o));
	o->tls_verify = true;
	o->retries = 3;
	o->max_manifest_size = 4u << 20;
}

/* ---- helpers exposed for tests ---- */

static const char *api_host(const char *domain)
{
	if (!strcmp(domain, "docker.io") || !strcmp(domain, "index.docker.io"))
		return "registry-1.docker.io";
	return domain;
}

char *cs_registry_base_url(const char *domain, bool plain_http)
{
	return cs_asprintf("%s://%s", plain_http ? "http" : "https", api_host(domain));
}

char *cs_registry_url(const char *base, const char *repo, const char *kind, const char *reference)
{
	return cs_asprintf("%s/v2/%s/%s/%s", base, repo, kind, reference);
}

char *cs_registry_scope(const char *repo)
{
	return cs_asprintf("repository:%s:pull", repo);
}

char *cs_registry_scope_push(const char *repo)
{
	return cs_asprintf("repository:%s:pull,push", repo);
}

uint64_t cs_registry_backoff_ms(unsigned attempt, int64_t retry_after_s, unsigned jitter)
{
	return cs_http_backoff_ms(attempt, retry_after_s, jitter);
}

/* ---- client ---- */

static bool valid_repo(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255 || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//"))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '/'))
			return false;
	}
	return true;
}

static bool valid_host(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
			return false;
	}
	return true;
}

bool reg_valid_tag(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int reg_error_prefix(struct cs_registry *reg, struct cs_error *err)
{
	return cs_error_prefix(err, "registry '%s' repository '%s'", reg->domain, reg->repo);
}

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void cs_registry_free(struct cs_registry *reg)
{
	if (!reg)
		return;
	free(reg->domain);
	free(reg->host);
	free(reg->repo);
	free(reg->base);
	free(reg->ca_cert);
	free(reg->auth_file);
	free_secret(reg->username);
	free_secret(reg->password);
	cs_registry_creds_done(&reg->creds);
	free_secret(reg->auth_header);
	for (size_t i = 0; i < reg->n_tokens; i++) {
		free(reg->tokens[i].scope);
		free_secret(reg->tokens[i].token);
	}
	free(reg->tokens);
	free(reg);
}

int cs_registry_new(const char *domain, const char *repo, const struct cs_registry_options *opts,
		    struct cs_registry **ret, struct cs_error *err)
{
	struct cs_registry *reg;
	int r;

	if (!valid_host(domain))
		return cs_error_set(err, -CS_E_INPUT, "invalid registry name '%s'", domain);
	if (!valid_repo(repo))
		return cs_error_set(err, -CS_E_INPUT, "registry '%s': invalid repository name '%s'",
				    domain, repo);
	if (!opts->username != !opts->password)
		return cs_error_set(err, -CS_E_USAGE,
				    "registry '%s': a username needs a password and vice versa",
				    domain);
	r = cs_http_global_init();
	if (r < 0)
		return cs_error_set(err, r, "cannot initialise libcurl");
	reg = cs_zalloc(sizeof(*reg));
	if (!reg)
		return -ENOMEM;
	reg->o = *opts;
	if (!reg->o.max_manifest_size)
		reg->o.max_manifest_size = 4u << 20;
	reg->domain = cs_strdup(domain);
	reg->host = cs_strdup(api_host(domain));
	reg->repo = cs_strdup(repo);
	reg->base = cs_registry_base_url(domain, false);
	if (opts->ca_cert)
		reg->ca_cert = cs_strdup(opts->ca_cert);
	if (opts->auth_file)
		reg->auth_file = cs_strdup(opts->auth_file);
	if (opts->username) {
		reg->username = cs_strdup(opts->username);
		reg->password = cs_strdup(opts->password);
	}
	if (!reg->domain || !reg->host || !reg->repo || !reg->base ||
	    (opts->ca_cert && !reg->ca_cert) || (opts->auth_file && !reg->auth_file) ||
	    (opts->username && (!reg->username || !reg->password))) {
		cs_registry_free(reg);
		return -ENOMEM;
	}
	/* pointers in o must not dangle: use the copies */
	reg->o.ca_cert = reg->ca_cert;
	reg->o.auth_file = reg->auth_file;
	reg->o.username = reg->o.password = NULL;
	snprintf(reg->user_agent, sizeof(reg->user_agent), "customs/%s", CUSTOMS_VERSION);
	*ret = reg;
	return 0;
}

/* ---- HTTP plumbing ---- */

static size_t header_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct reg_resp *h = ud;
	size_t n = size * nmemb, nl, vl;
	const char *colon, *v;

	if (n >= 5 && !memcmp(p, "HTTP/", 5)) {
		const char *sp = memchr(p, ' ', n);
		uint64_t st = 0;

		memset(h, 0, sizeof(*h));
		h->retry_after = -1;
		h->content_range_start = -1;
		if (sp && (size_t)(p + n - sp) >= 4 && cs_parse_u64n(sp + 1, 3, 10, &st) == 0)
			h->status = (long)st;
		return n;
	}
	if (n <= 2 && (p[0] == '\r' || p[0] == '\n')) {
		if (h->status >= 200 && !(h->status >= 300 && h->status < 400 && h->location))
			h->final = true;
		return n;
	}
	colon = memchr(p, ':', n);
	if (!colon)
		return n;
	nl = (size_t)(colon - p);
	v = colon + 1;
	vl = n - nl - 1;
	while (vl > 0 && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
		vl--;
#define IS(name) (nl == sizeof(name) - 1 && !strncasecmp(p, name, nl))
	if (IS("content-type")) {
		size_t k = vl;
		const char *semi = memchr(v, ';', vl);

		if (semi)
			k = (size_t)(semi - v);
		while (k > 0 && v[k - 1] == ' ')
			k--;
		if (k < sizeof(h->content_type)) {
			memcpy(h->content_type, v, k);
			h->content_type[k] = '\0';
		}
	} else if (IS("docker-content-digest")) {
		if (vl < sizeof(h->docker_digest)) {
			memcpy(h->docker_digest, v, vl);
			h->docker_digest[vl] = '\0';
		}
	} else if (IS("www-authenticate")) {
		bool bearer = vl >= 6 && !strncasecmp(v, "bearer", 6);
		bool have_bearer = h->www_auth_len >= 6 && !strncasecmp(h->www_auth, "bearer", 6);

		if ((h->www_auth_len == 0 || (bearer && !have_bearer)) &&
		    vl < sizeof(h->www_auth)) {
			memcpy(h->www_auth, v, vl);
			h->www_auth[vl] = '\0';
			h->www_auth_len = vl;
		}
	} else if (IS("location")) {
		h->location = true;
		if (vl < sizeof(h->location_url)) {
			memcpy(h->location_url, v, vl);
			h->location_url[vl] = '\0';
		}
	} else if (IS("link")) {
		/* <URI>; rel="next": the next page of a tags list */
		const char *gt = vl > 0 && v[0] == '<' ? memchr(v, '>', vl) : NULL;

		if (gt && memmem(gt, vl - (size_t)(gt - v), "rel=\"next\"", 10) &&
		    (size_t)(gt - v - 1) < sizeof(h->link_next)) {
			memcpy(h->link_next, v + 1, (size_t)(gt - v - 1));
			h->link_next[gt - v - 1] = '\0';
		}
	} else if (IS("accept-ranges")) {
		h->accept_ranges = vl == 5 && !strncasecmp(v, "bytes", 5);
	} else if (IS("retry-after")) {
		uint64_t s;

		if (cs_parse_u64n(v, vl, 10, &s) == 0)
			h->retry_after = (int64_t)CS_MIN(s, (uint64_t)RETRY_AFTER_MAX_S);
	} else if (IS("content-range")) {
		uint64_t s;
		const char *dash = memchr(v, '-', vl);

		if (vl > 6 && !strncasecmp(v, "bytes ", 6) && dash &&
		    cs_parse_u64n(v + 6, (size_t)(dash - v - 6), 10, &s) == 0 && s <= INT64_MAX)
			h->content_range_start = (int64_t)s;
	}
#undef IS
	return n;
}

int reg_easy_setup(struct cs_registry *reg, CURL *h, const char *url, const char *accept,
		   const char *range, struct reg_resp *resp, char *errbuf, struct curl_slist **hdrs)
{
	struct curl_slist *l = NULL, *t;
	const struct cs_http_transport tr = {
		.allow_http = reg->o.insecure,
		.verify = reg->o.tls_verify && !reg->o.insecure,
		.ca_cert = reg->ca_cert,
		.user_agent = reg->user_agent,
		.follow = true,
	};

	memset(resp, 0, sizeof(*resp));
	resp->retry_after = -1;
	resp->content_range_start = -1;
	errbuf[0] = '\0';
#define ADD(s)                                  \
	do {                                    \
		t = curl_slist_append(l, s);    \
		if (!t) {                       \
			curl_slist_free_all(l); \
			return -ENOMEM;         \
		}                               \
		l = t;                          \
	} while (0)
	if (accept)
		ADD(accept);
	if (range)
		ADD(range);
	if (reg->auth_header)
		ADD(reg->auth_header);
#undef ADD
	*hdrs = l;
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK)
		return -CS_E_INPUT;
	cs_http_setup_transport(h, &tr, errbuf);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
	/* Authorization set by us stays on the original host (the default) */
	curl_easy_setopt(h, CURLOPT_UNRESTRICTED_AUTH, 0L);
	return 0;
}

/* Does this failure look like "that port does not speak TLS"? */
static bool curl_not_tls(CURLcode cc)
{
	return cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR ||
	       cc == CURLE_SEND_ERROR || cc == CURLE_UNSUPPORTED_PROTOCOL;
}

static int load_creds(struct cs_registry *reg, struct cs_error *err)
{
	int r;

	if (reg->creds_loaded)
		return 0;
	reg->creds_loaded = true;
	if (reg->username) {
		reg->creds.username = cs_strdup(reg->username);
		reg->creds.password = cs_strdup(reg->password);
		reg->creds.source = cs_strdup("the command line");
		if (!reg->creds.username || !reg->creds.password || !reg->creds.source)
			return -ENOMEM;
		reg->have_creds = true;
		return 0;
	}
	r = cs_registry_creds_lookup(reg->auth_file, reg->domain, reg->repo, &reg->creds, err);
	if (r < 0)
		return r;
	reg->have_creds = r > 0;
	if (reg->have_creds)
		cs_log_debug("registry '%s': using credentials from '%s'", reg->domain,
			     reg->creds.source);
	return 0;
}

static int set_auth_header(struct cs_registry *reg, const char *scheme, const char *value)
{
	char *h = cs_asprintf("Authorization: %s %s", scheme, value);

	if (!h)
		return -ENOMEM;
	free_secret(reg->auth_header);
	reg->auth_header = h;
	return 0;
}

static char *basic_value(const struct cs_registry_creds *c)
{
	char *up = cs_asprintf("%s:%s", c->username, c->password), *b;

	if (!up)
		return NULL;
	b = cs_registry_base64_encode(up, strlen(up));
	free_secret(up);
	return b;
}

static size_t buf_write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct cs_buf *b = ud;
	size_t n = size * nmemb;

	return cs_buf_append(b, p, n) < 0 ? 0 : n;
}

static bool token_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 16384)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
			return false;
	return true;
}

/* GET (or POST for refresh tokens) a bearer token from the realm. */
static int fetch_token(struct cs_registry *reg, const struct cs_registry_challenge *ch,
		       const char *scope, char **ret, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(TOKEN_RESPONSE_MAX);
	_cleanup_free_ char *url = NULL, *post = NULL;
	char *esc_service = NULL, *esc_scope = NULL, *basic = NULL, *authz = NULL;
	char errbuf[CURL_ERROR_SIZE];
	struct reg_resp resp;
	struct curl_slist *hdrs = NULL;
	CURL *h = NULL;
	json_t *root = NULL;
	const char *tok;
	unsigned attempt = 0;
	CURLcode cc;
	int r;

	if (!ch->realm)
		return cs_error_set(err, -CS_E_AUTH, "bearer challenge without a realm");
	if (strncmp(ch->realm, "https://", 8) != 0 &&
	    !(strncmp(ch->realm, "http://", 7) == 0 && reg->o.insecure))
		return cs_error_set(err, -CS_E_AUTH, "token realm '%s' is not an https URL",
				    ch->realm);
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	esc_service = curl_easy_escape(h, ch->service ? ch->service : "", 0);
	esc_scope = curl_easy_escape(h, scope, 0);
	if (!esc_service || !esc_scope) {
		r = -ENOMEM;
		goto out;
	}
	if (reg->have_creds && reg->creds.identity_token) {
		char *esc_tok = curl_easy_escape(h, reg->creds.identity_token, 0);

		if (!esc_tok) {
			r = -ENOMEM;
			goto out;
		}
		post = cs_asprintf("grant_type=refresh_token&client_id=customs&service=%s"
				   "&scope=%s&refresh_token=%s",
				   esc_service, esc_scope, esc_tok);
		explicit_bzero(esc_tok, strlen(esc_tok));
		curl_free(esc_tok);
		url = cs_strdup(ch->realm);
	} else {
		url = cs_asprintf("%s%s%s%s%sscope=%s", ch->realm,
				  strchr(ch->realm, '?') ? "&" : "?", ch->service ? "service=" : "",
				  ch->service ? esc_service : "", ch->service ? "&" : "",
				  esc_scope);
		if (reg->have_creds && reg->creds.username) {
			basic = basic_value(&reg->creds);
			authz = basic ? cs_asprintf("Authorization: Basic %s", basic) : NULL;
			if (!authz) {
				r = -ENOMEM;
				goto out;
			}
		}
	}
	if (!url || (reg->creds.identity_token && reg->have_creds && !post)) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		char *saved = reg->auth_header;

		cs_buf_reset(&body);
		curl_easy_reset(h);
		/* the token request carries its own Authorization (or none) */
		reg->auth_header = authz;
		r = reg_easy_setup(reg, h, url, NULL, NULL, &resp, errbuf, &hdrs);
		reg->auth_header = saved;
		if (r < 0) {
			r = cs_error_set(err, r, "invalid token realm '%s'", ch->realm);
			goto out;
		}
		if (post)
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, buf_write_cb);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
		cc = curl_easy_perform(h);
		curl_slist_free_all(hdrs);
		hdrs = NULL;
		if (cc == CURLE_WRITE_ERROR) {
			r = cs_error_set(err, -CS_E_LIMIT,
					 "token server '%s': response larger than %u bytes",
					 ch->realm, TOKEN_RESPONSE_MAX);
			goto out;
		}
		if ((cc != CURLE_OK && cs_http_retryable(cc)) ||
		    (cc == CURLE_OK && (resp.status == 429 || resp.status >= 500))) {
			if (attempt < reg->o.retries) {
				cs_http_sleep_ms(cs_http_backoff_ms(attempt++, resp.retry_after,
								    cs_http_jitter()));
				continue;
			}
		}
		break;
	}
	if (cc != CURLE_OK) {
		r = cs_error_set(err, -CS_E_NETWORK, "cannot reach token server '%s': %s",
				 ch->realm, errbuf[0] ? errbuf : curl_easy_strerror(cc));
		goto out;
	}
	if (resp.status == 401 || resp.status == 403) {
		if (reg->have_creds)
			r = cs_error_set(err, -CS_E_AUTH,
					 "token server '%s' rejected the credentials from '%s' "
					 "(HTTP %ld)",
					 ch->realm, reg->creds.source, resp.status);
		else
			r = cs_error_set(err, -CS_E_AUTH,
					 "token server '%s' refused anonymous access (HTTP %ld)",
					 ch->realm, resp.status);
		goto out;
	}
	if (resp.status != 200) {
		r = cs_error_set(err, -CS_E_NETWORK, "token server '%s': HTTP status %ld",
				 ch->realm, resp.status);
		goto out;
	}
	root = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	tok = json_string_value(json_object_get(root, "token"));
	if (!tok || !*tok)
		tok = json_string_value(json_object_get(root, "access_token"));
	if (!tok || !token_ok(tok)) {
		r = cs_error_set(err, -CS_E_AUTH,
				 "token server '%s': no valid token in the response", ch->realm);
		goto out;
	}
	*ret = cs_strdup(tok);
	r = *ret ? 0 : -ENOMEM;
out:
	if (root)
		json_decref(root);
	if (body.data)
		explicit_bzero(body.data, body.len);
	if (post)
		explicit_bzero(post, strlen(post));
	free_secret(authz);
	free_secret(basic);
	curl_free(esc_service);
	curl_free(esc_scope);
	curl_easy_cleanup(h);
	return r;
}

static struct reg_token *token_find(struct cs_registry *reg, const char *scope)
{
	for (size_t i = 0; i < reg->n_tokens; i++)
		if (!strcmp(reg->tokens[i].scope, scope))
			return &reg->tokens[i];
	return NULL;
}

/* Answer a 401: choose credentials for the challenge, set reg->auth_header. */
static int authenticate(struct cs_registry *reg, const char *challenge, size_t len,
			struct cs_error *err)
{
	struct cs_registry_challenge ch = { 0 };
	_cleanup_free_ char *scope = NULL;
	struct reg_token *t;
	char *token = NULL;
	int r;

	if (len == 0)
		return cs_error_set(err, -CS_E_AUTH,
				    "authentication required, but the registry sent no challenge");
	r = cs_registry_challenge_parse(challenge, len, &ch, err);
	if (r < 0)
		return r == -CS_E_UNSUPPORTED
			       ? cs_error_set(err, -CS_E_AUTH, "unsupported authentication scheme")
			       : r;
	r = load_creds(reg, err);
	if (r < 0)
		goto out;
	if (ch.scheme == CS_REGISTRY_AUTH_BASIC) {
		_cleanup_free_ char *v = NULL;

		if (!reg->have_creds || !reg->creds.username) {
			r = cs_error_set(err, -CS_E_AUTH,
					 "authentication required (no credentials found)");
			goto out;
		}
		v = basic_value(&reg->creds);
		r = v ? set_auth_header(reg, "Basic", v) : -ENOMEM;
		if (v)
			explicit_bzero(v, strlen(v));
		goto out;
	}
	scope = reg->o.push ? cs_registry_scope_push(reg->repo) : cs_registry_scope(reg->repo);
	if (!scope) {
		r = -ENOMEM;
		goto out;
	}
	r = fetch_token(reg, &ch, scope, &token, err);
	if (r < 0)
		goto out;
	t = token_find(reg, scope);
	if (!t) {
		r = CS_GROW(reg->tokens, reg->cap_tokens, reg->n_tokens + 1);
		if (r < 0)
			goto out;
		t = &reg->tokens[reg->n_tokens];
		t->scope = CS_TAKE_PTR(scope);
		t->token = NULL;
		reg->n_tokens++;
	}
	free_secret(t->token);
	t->token = token;
	r = set_auth_header(reg, "Bearer", t->token);
out:
	cs_registry_challenge_done(&ch);
	return r;
}

int reg_check(struct cs_registry *reg, CURLcode cc, const char *errbuf, const struct reg_resp *resp,
	      unsigned *attempt, bool *auth_tried, const char *what, struct cs_error *err)
{
	const char *detail = errbuf && errbuf[0] ? errbuf : curl_easy_strerror(cc);
	int r;

	if (cc != CURLE_OK) {
		if (!reg->scheme_fixed && !reg->plain_http && reg->o.insecure && curl_not_tls(cc)) {
			char *b = cs_registry_base_url(reg->domain, true);

			if (!b)
				return -ENOMEM;
			cs_log_debug("registry '%s': https failed (%s), trying http", reg->domain,
				     detail);
			free(reg->base);
			reg->base = b;
			reg->plain_http = true;
			reg->scheme_fixed = true;
			return 1;
		}
		if (cs_http_tls_error(cc))
			return cs_error_set(err, -CS_E_NETWORK, "TLS error: %s%s", detail,
					    strstr(detail, "wrong version number")
						    ? " (the registry may speak plain HTTP)"
						    : "");
		if (cs_http_retryable(cc) && *attempt < reg->o.retries) {
			cs_log_debug("registry '%s': %s: %s, retrying", reg->domain, what, detail);
			cs_http_sleep_ms(cs_http_backoff_ms((*attempt)++, -1, cs_http_jitter()));
			return 1;
		}
		return cs_error_set(err, -CS_E_NETWORK, "%s: %s", what, detail);
	}
	reg->scheme_fixed = true;
	switch (resp->status) {
	case 200:
	case 201: /* the write calls of push.c */
	case 202:
	case 204:
	case 206:
		return 0;
	case 401:
		if (!*auth_tried) {
			*auth_tried = true;
			r = authenticate(reg, resp->www_auth, resp->www_auth_len, err);
			return r < 0 ? r : 1;
		}
		if (reg->have_creds)
			return cs_error_set(err, -CS_E_AUTH,
					    "%s: access denied with the credentials from '%s'",
					    what, reg->creds.source);
		return cs_error_set(err, -CS_E_AUTH, "%s: authentication required", what);
	case 403:
		return cs_error_set(err, -CS_E_AUTH, "%s: access denied", what);
	case 404:
		return cs_error_set(err, -CS_E_NOTFOUND, "%s not found", what);
	default:
		break;
	}
	if (resp->status == 429 || resp->status >= 500) {
		if (*attempt < reg->o.retries) {
			cs_log_debug("registry '%s': %s: HTTP %ld, retrying", reg->domain, what,
				     resp->status);
			cs_http_sleep_ms(cs_http_backoff_ms((*attempt)++, resp->retry_after,
							    cs_http_jitter()));
			return 1;
		}
		return cs_error_set(err, -CS_E_NETWORK, "%s: server error (HTTP %ld)", what,
				    resp->status);
	}
	return cs_error_set(err, -CS_E_NETWORK, "%s: unexpected HTTP status %ld", what,
			    resp->status);
}

/* ---- manifests ---- */

struct body_sink {
	struct reg_resp *resp;
	struct cs_buf *ok; /* body of a 200 */
	size_t other;	   /* bytes of other bodies, discarded */
	bool limit;
};

static size_t manifest_write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct body_sink *s = ud;
	size_t n = size * nmemb;

	if (s->resp->status != 200) {
		s->other += n;
		return s->other > ERROR_BODY_MAX ? 0 : n;
	}
	if (cs_buf_append(s->ok, p, n) < 0) {
		s->limit = true;
		return 0;
	}
	return n;
}

static bool is_schema1(const char *mt, const struct cs_buf *b)
{
	json_t *root;
	bool v1;

	if (!strcmp(mt, CS_MT_DOCKER_SCHEMA1) || !strcmp(mt, CS_MT_DOCKER_SCHEMA1_SIGNED))
		return true;
	root = json_loadb(b->data ? b->data : "", b->len, 0, NULL);
	v1 = json_integer_value(json_object_get(root, "schemaVersion")) == 1;
	json_decref(root);
	return v1;
}

static int get_manifest(struct cs_registry *reg, const char *reference, struct cs_buf *out,
			char **ret_media_type, char **ret_digest, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(CS_MIN(out->max, reg->o.max_manifest_size));
	_cleanup_free_ char *what = NULL, *mt = NULL, *digest = NULL;
	char errbuf[CURL_ERROR_SIZE], computed[CS_DIGEST_STR_MAX];
	struct reg_resp resp;
	struct body_sink sink = { .resp = &resp, .ok = &body };
	enum cs_hash_alg alg = CS_HASH_SHA256;
	bool by_digest = strchr(reference, ':') != NULL, auth_tried = false;
	unsigned attempt = 0;
	CURL *h;
	int r;

	if (by_digest) {
		r = cs_digest_parse(reference, &alg, err);
		if (r < 0)
			return r;
	} else if (!reg_valid_tag(reference)) {
		return cs_error_set(err, -CS_E_INPUT, "invalid tag '%s'", reference);
	}
	what = cs_asprintf("manifest '%s'", reference);
	h = curl_easy_init();
	if (!what || !h) {
		curl_easy_cleanup(h);
		return -ENOMEM;
	}
	for (;;) {
		_cleanup_free_ char *url =
			cs_registry_url(reg->base, reg->repo, "manifests", reference);
		struct curl_slist *hdrs = NULL;
		CURLcode cc;

		if (!url) {
			r = -ENOMEM;
			goto out;
		}
		cs_buf_reset(&body);
		sink.other = 0;
		sink.limit = false;
		curl_easy_reset(h);
		r = reg_easy_setup(reg, h, url, manifest_accept, NULL, &resp, errbuf, &hdrs);
		if (r < 0) {
			curl_slist_free_all(hdrs);
			r = cs_error_set(err, r, "cannot build a request for '%s'", url);
			goto out;
		}
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, manifest_write_cb);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
		cs_log_debug("GET %s", url);
		cc = curl_easy_perform(h);
		curl_slist_free_all(hdrs);
		if (sink.limit) {
			r = cs_error_set(err, -CS_E_LIMIT, "%s is larger than %zu bytes", what,
					 body.max);
			goto out;
		}
		r = reg_check(reg, cc, errbuf, &resp, &attempt, &auth_tried, what, err);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
	}
	if (resp.status != 200) {
		r = cs_error_set(err, -CS_E_NETWORK, "%s: unexpected HTTP status %ld", what,
				 resp.status);
		goto out;
	}
	if (is_schema1(resp.content_type, &body)) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "%s is a docker schema 1 manifest, which is not supported", what);
		goto out;
	}
	if (!by_digest && resp.docker_digest[0]) {
		struct cs_error e2 = CS_ERROR_INIT;

		if (cs_digest_parse(resp.docker_digest, &alg, &e2) < 0) {
			r = cs_error_set(err, -CS_E_INPUT, "%s: invalid Docker-Content-Digest: %s",
					 what, e2.msg);
			goto out;
		}
	}
	r = cs_digest_of(alg, body.data ? body.data : "", body.len, computed);
	if (r < 0) {
		r = cs_error_set(err, r, "cannot hash %s", what);
		goto out;
	}
	if (by_digest && strcmp(computed, reference) != 0) {
		r = cs_error_set(err, -CS_E_DIGEST, "%s does not match its digest: got %s", what,
				 computed);
		goto out;
	}
	if (!by_digest && resp.docker_digest[0] && strcmp(computed, resp.docker_digest) != 0) {
		r = cs_error_set(err, -CS_E_DIGEST,
				 "%s does not match its Docker-Content-Digest '%s': got %s", what,
				 resp.docker_digest, computed);
		goto out;
	}
	if (by_digest || resp.docker_digest[0]) {
		digest = cs_strdup(computed);
		if (!digest) {
			r = -ENOMEM;
			goto out;
		}
	}
	if (resp.content_type[0]) {
		mt = cs_strdup(resp.content_type);
		if (!mt) {
			r = -ENOMEM;
			goto out;
		}
	}
	r = cs_buf_append(out, body.data ? body.data : "", body.len);
	if (r < 0) {
		r = cs_error_set(err, r, "%s is larger than %zu bytes", what, out->max);
		goto out;
	}
	if (ret_media_type)
		*ret_media_type = CS_TAKE_PTR(mt);
	if (ret_digest)
		*ret_digest = CS_TAKE_PTR(digest);
	r = 0;
out:
	curl_easy_cleanup(h);
	return r;
}

int cs_registry_get_manifest(struct cs_registry *reg, const char *reference, struct cs_buf *out,
			     char **ret_media_type, char **ret_digest, struct cs_error *err)
{
	int r = get_manifest(reg, reference, out, ret_media_type, ret_digest, err);

	if (r < 0 && err)
		reg_error_prefix(reg, err);
	return r;
}
