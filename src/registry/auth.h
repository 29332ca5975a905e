/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry authentication helpers: WWW-Authenticate challenges, strict
 * base64, and credential lookup in auth files (containers auth.json and
 * docker config.json) and docker credential helpers. Secrets are wiped on
 * free and never appear in error messages.
 */
#pragma once

#include "basic/error.h"
#include "basic/macro.h"

enum cs_registry_auth_scheme {
	CS_REGISTRY_AUTH_NONE = 0,
	CS_REGISTRY_AUTH_BASIC,
	CS_REGISTRY_AUTH_BEARER,
};

struct cs_registry_challenge {
	enum cs_registry_auth_scheme scheme;
	char *realm; /* NULL if absent */
	char *service;
	char *scope;
};

/*
 * Parse one WWW-Authenticate value (len bytes, no NUL needed). When it holds
 * several challenges, Bearer is preferred over Basic; unknown schemes are
 * skipped. -CS_E_INPUT for malformed syntax, -CS_E_UNSUPPORTED when no known
 * scheme is present, -CS_E_LIMIT past 8 KiB.
 */
int cs_registry_challenge_parse(const char *s, size_t len, struct cs_registry_challenge *ret,
				struct cs_error *err);
void cs_registry_challenge_done(struct cs_registry_challenge *c);

/*
 * Strict base64 (RFC 4648 standard alphabet): padding optional but correct
 * when present, no whitespace, no stray bits. Returns a new NUL-terminated
 * buffer (the NUL is not counted) or -CS_E_INPUT.
 */
int cs_registry_base64_decode(const char *s, size_t len, char **ret, size_t *ret_len);
/* New NUL-terminated string, NULL on ENOMEM. */
char *cs_registry_base64_encode(const void *p, size_t len);

struct cs_registry_creds {
	char *username;
	char *password;
	char *identity_token; /* OAuth2 refresh token; password is then NULL */
	char *source;	      /* where they came from, for messages: a path or helper name */
};
void cs_registry_creds_done(struct cs_registry_creds *c);

/*
 * Look up credentials for `domain` (as in references: "docker.io",
 * "127.0.0.1:5000") and repository `repo` in one auth file. Returns 1 and
 * fills ret when found, 0 when the file has no entry (or does not exist),
 * <0 on malformed files. Keys match "HOST", "https://HOST", "HOST/v1/",
 * "HOST/REPO-PREFIX" (the longest wins); docker.io also matches
 * "https://index.docker.io/v1/". credHelpers and credsStore run
 * "docker-credential-NAME get" from $PATH.
 */
int cs_registry_creds_from_file(const char *path, const char *domain, const char *repo,
				struct cs_registry_creds *ret, struct cs_error *err);
/*
 * The usual lookup: auth_file if given (only it), else $REGISTRY_AUTH_FILE,
 * ${XDG_RUNTIME_DIR}/containers/auth.json, $DOCKER_CONFIG/config.json or
 * ~/.docker/config.json. Returns 1 when found, 0 when not.
 */
int cs_registry_creds_lookup(const char *auth_file, const char *domain, const char *repo,
			     struct cs_registry_creds *ret, struct cs_error *err);
/* Run docker-credential-NAME get for server; 1 found, 0 not found, <0 error. */
int cs_registry_creds_helper(const char *name, const char *server, struct cs_registry_creds *ret,
			     struct cs_error *err);
