/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry authentication helpers: challenge parsing, base64, auth files and
 * credential helpers. Auth files and helper output are untrusted input:
 * bounded reads, strict parsing. Secrets never reach an error message or a
 * log line, and are wiped when freed.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/log.h"
#include "basic/stream.h"
#include "registry/auth.h"

extern char **environ;

#define CHALLENGE_MAX	  8192
#define AUTH_FILE_MAX	  (1u << 20)
#define HELPER_OUTPUT_MAX (64u << 10)
#define HELPER_TIMEOUT_MS 30000

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* ---- WWW-Authenticate ---- */

static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

void cs_registry_challenge_done(struct cs_registry_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}

int cs_registry_challenge_parse(const char *s, size_t len, struct cs_registry_challenge *ret,
				struct cs_error *err)
{
	struct cs_registry_challenge found[3] = { { 0 } }; /* by scheme; [NONE] = unknown */
	struct cs_registry_challenge *cur = NULL;
	_cleanup_buf_ struct cs_buf val = CS_BUF_INIT(CHALLENGE_MAX);
	size_t i = 0;
	int r = 0;

	if (len > CHALLENGE_MAX)
		return cs_error_set(err, -CS_E_LIMIT,
				    "authentication challenge longer than %u bytes", CHALLENGE_MAX);
	while (i < len) {
		size_t start, tlen, j;

		while (i < len && (is_ws(s[i]) || s[i] == ','))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && is_tchar(s[i]))
			i++;
		tlen = i - start;
		if (tlen == 0) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "malformed authentication challenge: unexpected character "
					 "at offset %zu",
					 i);
			goto out;
		}
		j = i;
		while (j < len && is_ws(s[j]))
			j++;
		if (j < len && s[j] == '=' && !(j + 1 < len && s[j + 1] == '=')) {
			/* auth-param: token BWS "=" BWS ( token / quoted-string ) */
			char **slot = NULL;

			if (!cur) {
				r = cs_error_set(err, -CS_E_INPUT,
						 "malformed authentication challenge: parameter "
						 "before the scheme");
				goto out;
			}
			i = j + 1;
			while (i < len && is_ws(s[i]))
				i++;
			cs_buf_reset(&val);
			if (i < len && s[i] == '"') {
				bool closed = false;

				for (i++; i < len; i++) {
					char c = s[i];

					if (c == '"') {
						closed = true;
						i++;
						break;
					}
					if (c == '\\') {
						if (++i >= len)
							break;
						c = s[i];
					}
					if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f) {
						r = cs_error_set(
							err, -CS_E_INPUT,
							"malformed authentication challenge: "
							"control character in a quoted string");
						goto out;
					}
					r = cs_buf_putc(&val, c);
					if (r < 0)
						goto out;
				}
				if (!closed) {
					r = cs_error_set(err, -CS_E_INPUT,
							 "malformed authentication challenge: "
							 "unterminated quoted string");
					goto out;
				}
			} else {
				size_t vs = i;

				while (i < len && s[i] != ',' && !is_ws(s[i]) && s[i] != '"' &&
				       (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f)
					i++;
				if (i == vs) {
					r = cs_error_set(err, -CS_E_INPUT,
							 "malformed authentication challenge: "
							 "empty parameter value");
					goto out;
				}
				r = cs_buf_append(&val, s + vs, i - vs);
				if (r < 0)
					goto out;
			}
			if (tlen == 5 && !strncasecmp(s + start, "realm", 5))
				slot = &cur->realm;
			else if (tlen == 7 && !strncasecmp(s + start, "service", 7))
				slot = &cur->service;
			else if (tlen == 5 && !strncasecmp(s + start, "scope", 5))
				slot = &cur->scope;
			if (slot && !*slot) {
				*slot = cs_strndup(val.data ? val.data : "", val.len);
				if (!*slot) {
					r = -ENOMEM;
					goto out;
				}
			}
			/* after a parameter: end, a comma or whitespace */
			while (i < len && is_ws(s[i]))
				i++;
			if (i < len && s[i] != ',') {
				r = cs_error_set(
					err, -CS_E_INPUT,
					"malformed authentication challenge: expected ',' at "
					"offset %zu",
					i);
				goto out;
			}
		} else if (j < len && s[j] == '=') {
			/* token68 ("abc==") after a scheme: skip it */
			i = j;
			while (i < len && s[i] == '=')
				i++;
		} else {
			/* a new challenge */
			enum cs_registry_auth_scheme sc = CS_REGISTRY_AUTH_NONE;

			if (tlen == 6 && !strncasecmp(s + start, "bearer", 6))
				sc = CS_REGISTRY_AUTH_BEARER;
			else if (tlen == 5 && !strncasecmp(s + start, "basic", 5))
				sc = CS_REGISTRY_AUTH_BASIC;
			cur = &found[sc];
			if (sc != CS_REGISTRY_AUTH_NONE) {
				/* a second challenge of the same scheme: the first wins */
				if (cur->scheme == sc)
					cur = &found[CS_REGISTRY_AUTH_NONE];
				else
					cur->scheme = sc;
			}
		}
	}
	if (found[CS_REGISTRY_AUTH_BEARER].scheme) {
		*ret = found[CS_REGISTRY_AUTH_BEARER];
		memset(&found[CS_REGISTRY_AUTH_BEARER], 0, sizeof(found[0]));
	} else if (found[CS_REGISTRY_AUTH_BASIC].scheme) {
		*ret = found[CS_REGISTRY_AUTH_BASIC];
		memset(&found[CS_REGISTRY_AUTH_BASIC], 0, sizeof(found[0]));
	} else {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "no supported authentication scheme in challenge");
	}
out:
	for (size_t k = 0; k < CS_ARRAY_SIZE(found); k++)
		cs_registry_challenge_done(&found[k]);
	return r;
}

/* ---- base64 ---- */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int cs_registry_base64_decode(const char *s, size_t len, char **ret, size_t *ret_len)
{
	size_t pad = 0, n, olen = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	char *out;

	if (len % 4 == 0 && len >= 1 && s[len - 1] == '=') {
		pad = 1;
		if (s[len - 2] == '=')
			pad = 2;
	} else if (len % 4 == 1) {
		return -CS_E_INPUT;
	}
	n = len - pad;
	out = cs_malloc(n / 4 * 3 + 3);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)s[i]);

		if (v < 0) {
			free(out);
			return -CS_E_INPUT;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[olen++] = (char)((acc >> bits) & 0xff);
		}
	}
	/* the leftover bits must be zero (canonical encoding) */
	if (acc & ((1u << bits) - 1)) {
		free(out);
		return -CS_E_INPUT;
	}
	out[olen] = '\0';
	*ret = out;
	if (ret_len)
		*ret_len = olen;
	return 0;
}

char *cs_registry_base64_encode(const void *p, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *in = p;
	size_t olen;
	char *out, *o;

	if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	olen = (len + 2) / 3 * 4;
	out = o = cs_malloc(olen + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		*o++ = tab[(v >> 18) & 63];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? tab[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* ---- credentials ---- */

void cs_registry_creds_done(struct cs_registry_creds *c)
{
	free_secret(c->username);
	free_secret(c->password);
	free_secret(c->identity_token);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

static bool is_docker_hub(const char *host, size_t n)
{
	static const char *const names[] = { "docker.io", "index.docker.io",
					     "registry-1.docker.io" };

	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++)
		if (n == strlen(names[i]) && !strncmp(host, names[i], n))
			return true;
	return false;
}

/*
 * Does an auth-file key name this registry (and a prefix of repo)? Returns
 * the specificity (1 + length of the repository prefix) or 0.
 */
static size_t key_match(const char *key, const char *domain, const char *repo)
{
	const char *k = key, *slash;
	size_t klen, hlen, plen;

	if (!strncmp(k, "https://", 8))
		k += 8;
	else if (!strncmp(k, "http://", 7))
		k += 7;
	klen = strlen(k);
	while (klen > 0 && k[klen - 1] == '/')
		klen--;
	if (klen >= 3 && (!strncmp(k + klen - 3, "/v1", 3) || !strncmp(k + klen - 3, "/v2", 3)))
		klen -= 3;
	while (klen > 0 && k[klen - 1] == '/')
		klen--;
	slash = memchr(k, '/', klen);
	hlen = slash ? (size_t)(slash - k) : klen;
	if (hlen == 0)
		return 0;
	if (is_docker_hub(k, hlen)) {
		if (!is_docker_hub(domain, strlen(domain)))
			return 0;
	} else if (strlen(domain) != hlen || strncasecmp(k, domain, hlen) != 0) {
		return 0;
	}
	if (!slash)
		return 1;
	plen = klen - hlen - 1;
	if (plen == 0)
		return 1;
	if (!repo || strncmp(repo, slash + 1, plen) != 0 || (repo[plen] && repo[plen] != '/'))
		return 0;
	return plen + 1;
}

/* The object member of `obj` whose key matches best, NULL if none. */
static json_t *best_match(json_t *obj, const char *domain, const char *repo)
{
	const char *key;
	json_t *v, *best = NULL;
	size_t best_spec = 0;

	if (!json_is_object(obj))
		return NULL;
	json_object_foreach (obj, key, v) {
		size_t spec = key_match(key, domain, repo);

		if (spec > best_spec) {
			best_spec = spec;
			best = v;
		}
	}
	return best;
}

static const char *helper_server(const char *domain)
{
	return is_docker_hub(domain, strlen(domain)) ? "https://index.docker.io/v1/" : domain;
}

static bool helper_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cs_registry_creds_helper(const char *name, const char *server, struct cs_registry_creds *ret,
			     struct cs_error *err)
{
	_cleanup_free_ char *prog = NULL;
	_cleanup_buf_ struct cs_buf out = CS_BUF_INIT(HELPER_OUTPUT_MAX);
	posix_spawn_file_actions_t fa;
	int in_pipe[2] = { -1, -1 }, out_pipe[2] = { -1, -1 };
	char *argv[3];
	pid_t pid = -1;
	int r, status = 0;
	int64_t deadline;
	bool timed_out = false;
	json_t *root = NULL;

	if (!helper_name_ok(name))
		return cs_error_set(err, -CS_E_INPUT, "invalid credential helper name '%s'", name);
	prog = cs_asprintf("docker-credential-%s", name);
	if (!prog)
		return -ENOMEM;
	if (pipe2(in_pipe, O_CLOEXEC) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0) {
		r = cs_error_errno(err, errno, "cannot run credential helper '%s'", prog);
		goto out;
	}
	r = posix_spawn_file_actions_init(&fa);
	if (r != 0) {
		r = cs_error_errno(err, r, "cannot run credential helper '%s'", prog);
		goto out;
	}
	posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	argv[0] = prog;
	argv[1] = (char *)"get";
	argv[2] = NULL;
	r = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		pid = -1;
		r = cs_error_set(err, -CS_E_AUTH, "cannot run credential helper '%s': %s", prog,
				 r == ENOENT ? "not found in $PATH" : strerror(r));
		goto out;
	}
	close(in_pipe[0]);
	in_pipe[0] = -1;
	close(out_pipe[1]);
	out_pipe[1] = -1;
	/* the server name is short: the pipe buffer takes it without blocking */
	{
		struct sigaction sa = { .sa_handler = SIG_IGN }, old;
		ssize_t w;

		sigaction(SIGPIPE, &sa, &old);
		w = write(in_pipe[1], server, strlen(server));
		sigaction(SIGPIPE, &old, NULL);
		(void)w;
	}
	close(in_pipe[1]);
	in_pipe[1] = -1;

	deadline = now_ms() + HELPER_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { .fd = out_pipe[0], .events = POLLIN };
		char tmp[4096];
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = cs_error_errno(err, errno, "credential helper '%s'", prog);
			goto out;
		}
		if (r == 0)
			continue;
		n = read(out_pipe[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		r = cs_buf_append(&out, tmp, (size_t)n);
		explicit_bzero(tmp, sizeof(tmp));
		if (r < 0) {
			r = cs_error_set(err, -CS_E_LIMIT,
					 "credential helper '%s': output larger than %u bytes",
					 prog, HELPER_OUTPUT_MAX);
			goto out;
		}
	}
	if (timed_out) {
		r = cs_error_set(err, -CS_E_AUTH, "credential helper '%s' timed out", prog);
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* docker-credential-helpers print this when there is no entry */
		if (out.data && memmem(out.data, out.len, "credentials not found", 21)) {
			r = 0;
			goto out;
		}
		r = cs_error_set(err, -CS_E_AUTH, "credential helper '%s' failed (%s %d)", prog,
				 WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		goto out;
	}
	root = json_loadb(out.data ? out.data : "", out.len, JSON_REJECT_DUPLICATES, NULL);
	{
		const char *user = json_string_value(json_object_get(root, "Username"));
		const char *secret = json_string_value(json_object_get(root, "Secret"));

		if (!json_is_object(root) || !user || !secret) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "credential helper '%s': malformed output", prog);
			goto out;
		}
		memset(ret, 0, sizeof(*ret));
		if (!strcmp(user, "<token>")) {
			ret->identity_token = cs_strdup(secret);
		} else {
			ret->username = cs_strdup(user);
			ret->password = cs_strdup(secret);
		}
		ret->source = cs_strdup(prog);
		if (!ret->source || !(ret->identity_token || (ret->username && ret->password))) {
			cs_registry_creds_done(ret);
			r = -ENOMEM;
			goto out;
		}
		r = 1;
	}
out:
	if (root)
		json_decref(root);
	if (out.data)
		explicit_bzero(out.data, out.len);
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	for (int k = 0; k < 2; k++) {
		if (in_pipe[k] >= 0)
			close(in_pipe[k]);
		if (out_pipe[k] >= 0)
			close(out_pipe[k]);
	}
	return r;
}

static int creds_from_entry(json_t *entry, const char *path, struct cs_registry_creds *ret,
			    struct cs_error *err)
{
	const char *auth = json_string_value(json_object_get(entry, "auth"));
	const char *idt = json_string_value(json_object_get(entry, "identitytoken"));
	struct cs_registry_creds c = { 0 };
	char *dec = NULL, *colon;
	size_t dlen = 0;

	if (!json_is_object(entry))
		return cs_error_set(err, -CS_E_INPUT, "auth file '%s': malformed entry", path);
	if (auth && *auth) {
		if (cs_registry_base64_decode(auth, strlen(auth), &dec, &dlen) < 0)
			return cs_error_set(err, -CS_E_INPUT,
					    "auth file '%s': 'auth' is not valid base64", path);
		colon = memchr(dec, ':', dlen);
		if (!colon || colon == dec || memchr(dec, '\0', dlen)) {
			explicit_bzero(dec, dlen);
			free(dec);
			return cs_error_set(err, -CS_E_INPUT,
					    "auth file '%s': 'auth' is not USER:PASSWORD", path);
		}
		c.username = cs_strndup(dec, (size_t)(colon - dec));
		c.password = cs_strdup(colon + 1);
		explicit_bzero(dec, dlen);
		free(dec);
		if (!c.username || !c.password) {
			cs_registry_creds_done(&c);
			return -ENOMEM;
		}
	}
	if (idt && *idt) {
		c.identity_token = cs_strdup(idt);
		if (!c.identity_token) {
			cs_registry_creds_done(&c);
			return -ENOMEM;
		}
	}
	if (!c.username && !c.identity_token)
		return 0;
	c.source = cs_strdup(path);
	if (!c.source) {
		cs_registry_creds_done(&c);
		return -ENOMEM;
	}
	*ret = c;
	return 1;
}

int cs_registry_creds_from_file(const char *path, const char *domain, const char *repo,
				struct cs_registry_creds *ret, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	_cleanup_buf_ struct cs_buf data = CS_BUF_INIT(AUTH_FILE_MAX);
	struct cs_error e2 = CS_ERROR_INIT;
	json_error_t jerr;
	json_t *root = NULL, *v;
	const char *helper = NULL;
	int r;

	r = cs_stream_open_file(path, &s, &e2);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return cs_error_set(err, r, "%s", e2.msg);
	r = cs_stream_read_all(s, &data, &e2);
	if (r < 0)
		return cs_error_set(err, r, "auth file '%s': %s", path, e2.msg);
	root = json_loadb(data.data ? data.data : "", data.len, JSON_REJECT_DUPLICATES, &jerr);
	explicit_bzero(data.data, data.len);
	if (!json_is_object(root)) {
		if (root)
			r = cs_error_set(err, -CS_E_INPUT, "auth file '%s': not a JSON object",
					 path);
		else
			r = cs_error_set(err, -CS_E_INPUT,
					 "auth file '%s': invalid JSON at line %d", path,
					 jerr.line);
		goto out;
	}
	v = best_match(json_object_get(root, "credHelpers"), domain, repo);
	if (v && json_is_string(v))
		helper = json_string_value(v);
	else if (json_is_string(json_object_get(root, "credsStore")))
		helper = json_string_value(json_object_get(root, "credsStore"));
	if (helper && *helper) {
		r = cs_registry_creds_helper(helper, helper_server(domain), ret, err);
		if (r != 0)
			goto out;
	}
	v = best_match(json_object_get(root, "auths"), domain, repo);
	r = v ? creds_from_entry(v, path, ret, err) : 0;
out:
	if (root)
		json_decref(root);
	return r;
}

int cs_registry_creds_lookup(const char *auth_file, const char *domain, const char *repo,
			     struct cs_registry_creds *ret, struct cs_error *err)
{
	const char *env;
	_cleanup_free_ char *p1 = NULL, *p2 = NULL;
	int r;

	if (auth_file)
		return cs_registry_creds_from_file(auth_file, domain, repo, ret, err);
	env = getenv("REGISTRY_AUTH_FILE");
	if (env && *env) {
		r = cs_registry_creds_from_file(env, domain, repo, ret, err);
		if (r != 0)
			return r;
	}
	env = getenv("XDG_RUNTIME_DIR");
	if (env && *env) {
		p1 = cs_asprintf("%s/containers/auth.json", env);
		if (!p1)
			return -ENOMEM;
		r = cs_registry_creds_from_file(p1, domain, repo, ret, err);
		if (r != 0)
			return r;
	}
	env = getenv("DOCKER_CONFIG");
	if (env && *env)
		p2 = cs_asprintf("%s/config.json", env);
	else if ((env = getenv("HOME")) && *env)
		p2 = cs_asprintf("%s/.docker/config.json", env);
	else
		return 0;
	if (!p2)
		return -ENOMEM;
	return cs_registry_creds_from_file(p2, domain, repo, ret, err);
}
