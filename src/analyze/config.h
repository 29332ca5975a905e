/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image configuration analyser ("config", customs lint image) and the
 * small parsers it is built from, exposed for tests and fuzzing: account
 * files (/etc/passwd, /etc/shadow, /etc/group), secret-looking variable
 * names, and the build-history patterns (docs/IMAGE-CHECKS.md lists every
 * check). Everything here reads untrusted image content: inputs are
 * (pointer, length), bounded, and never printed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "analyze/analyze.h"

extern const struct cs_analyzer cs_analyzer_config;

/* Largest account file read (bigger ones are skipped with a warning). */
#define CS_ACCOUNT_FILE_MAX (1u << 20)
/* Most entries kept from one account file. */
#define CS_ACCOUNT_MAX 65536

enum cs_account_file {
	CS_ACCOUNT_PASSWD = 0, /* name:password:uid:gid:gecos:home:shell */
	CS_ACCOUNT_SHADOW,     /* name:password:lastchg:... */
	CS_ACCOUNT_GROUP,      /* name:password:gid:members */
};

struct cs_account {
	char *name;
	char *shell;	     /* passwd only, NULL otherwise or when empty */
	uint32_t id;	     /* uid (passwd) or gid (group); 0 for shadow */
	bool has_id;	     /* the id field parsed as a number */
	bool empty_password; /* the password field is empty: no password is needed */
	unsigned line;	     /* 1-based */
};

/*
 * Parse an account file. Comment lines, blank lines and NIS "+"/"-" lines
 * are skipped; lines with too few fields are skipped too (counted in
 * *ret_bad when not NULL). -CS_E_LIMIT past CS_ACCOUNT_MAX entries.
 */
int cs_accounts_parse(const char *data, size_t len, enum cs_account_file kind,
		      struct cs_account **ret, size_t *ret_n, size_t *ret_bad,
		      struct cs_error *err);
void cs_accounts_free(struct cs_account *v, size_t n);

/* A shell one can log in with (not nologin, false, sync, shutdown, halt); NULL/"" is /bin/sh. */
bool cs_login_shell(const char *shell);

/*
 * Does a variable (or option) name look like it holds a secret: a
 * "_"/"-"-separated word PASSWORD, PASSWD, PASS, SECRET, TOKEN, APIKEY,
 * CREDENTIALS, or the pairs API_KEY, ACCESS_KEY, SECRET_KEY, PRIVATE_KEY,
 * AUTH_KEY... (case-insensitive). Names ending in _FILE, _PATH, _DIR, _URL
 * or _ENDPOINT point at a secret, they are not one.
 */
bool cs_secret_name(const char *name, size_t len);
/*
 * Is a value a literal worth reporting: not empty, not a variable
 * reference ($X, ${X}), not a boolean or a common placeholder word.
 */
bool cs_secret_value(const char *value, size_t len);

/* A NAME=VALUE (or --name=VALUE) assignment with a secret name and a literal value. */
struct cs_span {
	size_t off, len;
};
/*
 * Find the next secret assignment in s[*pos..len), moving *pos past it.
 * Values may be quoted ('...' or "..."); the value span excludes the quotes.
 */
bool cs_next_secret_assignment(const char *s, size_t len, size_t *pos, struct cs_span *name,
			       struct cs_span *value);

/* What one history entry's created_by did */
enum cs_history_instr {
	CS_HIST_OTHER = 0,
	CS_HIST_RUN,
	CS_HIST_ADD,
	CS_HIST_COPY,
	CS_HIST_ENV,
	CS_HIST_ARG,
};
/*
 * The instruction of a created_by line from docker, buildah/podman or
 * BuildKit ("/bin/sh -c #(nop) ADD ...", "/bin/sh -c CMD", "|2 A=b /bin/sh
 * -c CMD", "RUN /bin/sh -c CMD # buildkit"), and where its arguments start.
 */
enum cs_history_instr cs_history_instr(const char *created_by, const char **ret_args);

enum {
	CS_HIST_UPDATE_ALONE = 1u << 0,	    /* apt-get/apt update without install in the same RUN */
	CS_HIST_APK_UPDATE_ALONE = 1u << 1, /* apk update without apk add */
	CS_HIST_YUM_UPDATE = 1u << 2,	    /* yum/dnf/microdnf update or upgrade */
	CS_HIST_DIST_UPGRADE = 1u << 3,	    /* apt-get upgrade / dist-upgrade, apk upgrade */
	CS_HIST_ADD_REMOTE = 1u << 4,	    /* ADD of an http(s)/ftp URL or git repository */
	CS_HIST_ADD_LOCAL = 1u << 5, /* ADD of local files (not the base "ADD file:.. in /") */
};
/* The CS_HIST_* patterns a created_by line shows. */
unsigned cs_history_check(const char *created_by);

/* Is a regular file with the setuid/setgid bit one that distributions ship so (passwd, su...)? */
bool cs_setid_expected(const char *path);
/* Is a VOLUME target a sensitive host location (/, /etc, /proc, docker.sock...)? */
bool cs_volume_sensitive(const char *path);
