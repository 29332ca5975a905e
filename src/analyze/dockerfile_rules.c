/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dockerfile lint rules (docs/DOCKERFILE-RULES.md): the intent of hadolint's
 * DL3xxx/DL4xxx checks and the CIS Docker Benchmark's section 4 over the
 * parsed file, with our own ids (CS-DF-NNN); inline "# customs ignore=" and
 * "# hadolint ignore=" comments and the YAML configuration. RUN commands
 * are read through a small shell tokenizer: enough to find commands, their
 * options and pipes, never to run anything. Nothing here prints.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "analyze/config.h"
#include "analyze/dockerfile.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/parse.h"
#include "basic/stream.h"

#define CONFIG_MAX_SIZE	 (1u << 20)
#define CONFIG_MAX_ITEMS 1024
#define SCRIPT_MAX_WORDS 20000
#define EXCERPT_MAX	 200
#define RULES_DOC_URL	 "https://github.com/hadolint/hadolint/wiki/"

enum {
	R_FROM_TAG = 0,
	R_FROM_DIGEST,
	R_TRUSTED,
	R_USER_ROOT,
	R_USER_MISSING,
	R_CURL_PIPE,
	R_ADD_CHECKSUM,
	R_ADD_COPY,
	R_SECRET_ENV,
	R_APT_Y,
	R_APT_NO_REC,
	R_APT_LISTS,
	R_APT_UPGRADE,
	R_APT_UPDATE_ALONE,
	R_APT_PIN,
	R_APK_CACHE,
	R_APK_PIN,
	R_YUM_CLEAN,
	R_DNF_CLEAN,
	R_PIP_CACHE,
	R_PIP_PIN,
	R_NPM_CACHE,
	R_SUDO,
	R_WORKDIR,
	R_CD,
	R_MULTI_CMD,
	R_MULTI_ENTRYPOINT,
	R_MULTI_HEALTHCHECK,
	R_JSON_FORM,
	R_EXPOSE,
	R_HEALTHCHECK_MISSING,
	R_MAINTAINER,
	R_COPY_FROM_SELF,
	R_COPY_FROM_UNDEF,
	R_STAGE_DUP,
	R_PLATFORM,
	R_SHELL_JSON,
	R_USERADD,
	R_CHMOD_777,
	R_SSH_KEY,
	R_COPY_FROM_LATEST,
	R_WGET_PROGRESS,
	R_APT_CLI,
	R_ZYPPER_N,
	R_DNF_Y,
	R_YUM_Y,
	R_ZYPPER_DUP,
	R_APK_UPGRADE,
	R_PIPEFAIL,
	R_COPY_DEST,
	R_SECRET_ARG_RUN,
	R_EXPOSE_SSH,
	R_NPM_PIN,
	R_GEM_PIN,
	R_CURL_WGET,
	R_NONSENSE,
	R_COPY_RELATIVE,
	R_ZYPPER_CLEAN,
	R_RUN_CONSECUTIVE,
	R_LN_SH,
	_R_MAX,
};

/* clang-format off */
static const struct cs_df_rule_info rules[_R_MAX] = {
	[R_FROM_TAG] = { "CS-DF-001", "DL3006,DL3007", "4.2", CS_SEV_MEDIUM, true,
		"base image without a tag or with 'latest'",
		"name a fixed tag (alpine:3.20), or better a digest (alpine:3.20@sha256:...)" },
	[R_FROM_DIGEST] = { "CS-DF-002", NULL, "4.2", CS_SEV_MEDIUM, false,
		"base image not pinned by digest",
		"add @sha256:DIGEST to the image so a moved tag cannot change the build" },
	[R_TRUSTED] = { "CS-DF-003", "DL3026", "4.2", CS_SEV_HIGH, false,
		"base image from a registry outside the trusted list",
		"use an image from a trusted registry or add the registry to trusted-registries" },
	[R_USER_ROOT] = { "CS-DF-004", "DL3002", "4.1", CS_SEV_HIGH, true,
		"the last USER is root",
		"switch to an unprivileged user (USER 10001) after the steps that need root" },
	[R_USER_MISSING] = { "CS-DF-005", NULL, "4.1", CS_SEV_MEDIUM, true,
		"no USER: the container runs as root",
		"create an unprivileged user and add USER to the final stage" },
	[R_CURL_PIPE] = { "CS-DF-006", NULL, "4.9", CS_SEV_HIGH, true,
		"a downloaded script is piped into a shell",
		"download to a file, verify its checksum or signature, then run it" },
	[R_ADD_CHECKSUM] = { "CS-DF-007", NULL, "4.9", CS_SEV_MEDIUM, true,
		"remote ADD without --checksum",
		"add --checksum=sha256:... or download and verify in RUN" },
	[R_ADD_COPY] = { "CS-DF-008", "DL3020", "4.9", CS_SEV_LOW, true,
		"ADD where COPY suffices",
		"use COPY for local files and directories; ADD only to unpack an archive" },
	[R_SECRET_ENV] = { "CS-DF-009", NULL, "4.10", CS_SEV_HIGH, true,
		"secret in ARG or ENV",
		"pass secrets with RUN --mount=type=secret; ARG and ENV values stay in the image "
		"history" },
	[R_APT_Y] = { "CS-DF-010", "DL3014", NULL, CS_SEV_LOW, true,
		"apt-get install without -y",
		"add -y (or --yes) so the build never waits for a prompt" },
	[R_APT_NO_REC] = { "CS-DF-011", "DL3015", NULL, CS_SEV_LOW, true,
		"apt-get install without --no-install-recommends",
		"add --no-install-recommends to keep unneeded packages out" },
	[R_APT_LISTS] = { "CS-DF-012", "DL3009", NULL, CS_SEV_LOW, true,
		"apt lists not removed after apt-get install",
		"end the same RUN with && rm -rf /var/lib/apt/lists/*" },
	[R_APT_UPGRADE] = { "CS-DF-013", "DL3005", "4.7", CS_SEV_MEDIUM, true,
		"apt-get upgrade or dist-upgrade",
		"use a newer base image instead of upgrading inside the build" },
	[R_APT_UPDATE_ALONE] = { "CS-DF-014", NULL, "4.7", CS_SEV_MEDIUM, true,
		"apt-get update without install in the same RUN",
		"run apt-get update && apt-get install in one RUN so a cached update is never "
		"stale" },
	[R_APT_PIN] = { "CS-DF-015", "DL3008", NULL, CS_SEV_LOW, false,
		"apt-get install without pinned versions",
		"pin versions: apt-get install PACKAGE=VERSION" },
	[R_APK_CACHE] = { "CS-DF-016", "DL3019", NULL, CS_SEV_LOW, true,
		"apk add without --no-cache",
		"use apk add --no-cache" },
	[R_APK_PIN] = { "CS-DF-017", "DL3018", NULL, CS_SEV_LOW, false,
		"apk add without pinned versions",
		"pin versions: apk add PACKAGE=VERSION" },
	[R_YUM_CLEAN] = { "CS-DF-018", "DL3032", NULL, CS_SEV_LOW, true,
		"yum install without yum clean all",
		"end the same RUN with && yum clean all" },
	[R_DNF_CLEAN] = { "CS-DF-019", "DL3040", NULL, CS_SEV_LOW, true,
		"dnf install without dnf clean all",
		"end the same RUN with && dnf clean all" },
	[R_PIP_CACHE] = { "CS-DF-020", "DL3042", NULL, CS_SEV_LOW, true,
		"pip install without --no-cache-dir",
		"use pip install --no-cache-dir (or set PIP_NO_CACHE_DIR=1)" },
	[R_PIP_PIN] = { "CS-DF-021", "DL3013", NULL, CS_SEV_LOW, false,
		"pip install without pinned versions",
		"pin versions: pip install PACKAGE==VERSION, or install from a requirements file" },
	[R_NPM_CACHE] = { "CS-DF-022", "DL3060", NULL, CS_SEV_LOW, true,
		"npm or yarn install without cleaning the cache",
		"end the same RUN with npm cache clean --force (yarn cache clean), or use a cache "
		"mount" },
	[R_SUDO] = { "CS-DF-023", "DL3004", NULL, CS_SEV_MEDIUM, true,
		"sudo in RUN",
		"RUN already runs as the current USER; switch USER instead of using sudo" },
	[R_WORKDIR] = { "CS-DF-024", "DL3000", NULL, CS_SEV_LOW, true,
		"WORKDIR is a relative path",
		"use an absolute WORKDIR" },
	[R_CD] = { "CS-DF-025", "DL3003", NULL, CS_SEV_NEGLIGIBLE, true,
		"cd in RUN",
		"use WORKDIR to change directory" },
	[R_MULTI_CMD] = { "CS-DF-026", "DL4003", NULL, CS_SEV_LOW, true,
		"more than one CMD in a stage: only the last counts",
		"keep one CMD per stage" },
	[R_MULTI_ENTRYPOINT] = { "CS-DF-027", "DL4004", NULL, CS_SEV_LOW, true,
		"more than one ENTRYPOINT in a stage: only the last counts",
		"keep one ENTRYPOINT per stage" },
	[R_MULTI_HEALTHCHECK] = { "CS-DF-028", "DL3012", NULL, CS_SEV_LOW, true,
		"more than one HEALTHCHECK in a stage: only the last counts",
		"keep one HEALTHCHECK per stage" },
	[R_JSON_FORM] = { "CS-DF-029", "DL3025", NULL, CS_SEV_LOW, true,
		"CMD or ENTRYPOINT in shell form",
		"use the JSON form [\"executable\", \"arg\"] so signals reach the process" },
	[R_EXPOSE] = { "CS-DF-030", "DL3011", NULL, CS_SEV_MEDIUM, true,
		"EXPOSE with an invalid port or protocol",
		"use ports 1-65535 with /tcp, /udp or /sctp" },
	[R_HEALTHCHECK_MISSING] = { "CS-DF-031", "DL3057", "4.6", CS_SEV_LOW, true,
		"no HEALTHCHECK in the final stage",
		"add HEALTHCHECK CMD ... so the engine can tell a stuck container" },
	[R_MAINTAINER] = { "CS-DF-032", "DL4000", NULL, CS_SEV_NEGLIGIBLE, true,
		"MAINTAINER is deprecated",
		"use LABEL org.opencontainers.image.authors=\"...\"" },
	[R_COPY_FROM_SELF] = { "CS-DF-033", "DL3023", NULL, CS_SEV_MEDIUM, true,
		"COPY --from names its own stage",
		"copy from an earlier stage" },
	[R_COPY_FROM_UNDEF] = { "CS-DF-034", "DL3022", NULL, CS_SEV_MEDIUM, true,
		"COPY --from names a stage that is not defined before it",
		"name a previous stage (FROM ... AS NAME) or a full image reference" },
	[R_STAGE_DUP] = { "CS-DF-035", "DL3024", NULL, CS_SEV_MEDIUM, true,
		"two stages have the same name",
		"give every stage a unique name" },
	[R_PLATFORM] = { "CS-DF-036", "DL3029", NULL, CS_SEV_LOW, true,
		"FROM --platform with a fixed value",
		"let the builder choose the platform, or use $BUILDPLATFORM / $TARGETPLATFORM" },
	[R_SHELL_JSON] = { "CS-DF-037", NULL, NULL, CS_SEV_MEDIUM, true,
		"SHELL not in JSON form",
		"write SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]" },
	[R_USERADD] = { "CS-DF-038", "DL3046", NULL, CS_SEV_LOW, true,
		"useradd with a high UID and without -l",
		"add -l (--no-log-init) so the lastlog file does not grow the image" },
	[R_CHMOD_777] = { "CS-DF-039", NULL, "4.8", CS_SEV_MEDIUM, true,
		"chmod 777 makes files writable by everyone",
		"grant only the permissions needed (755 for directories, 644 for files)" },
	[R_SSH_KEY] = { "CS-DF-040", NULL, "4.10", CS_SEV_HIGH, true,
		"SSH key copied into the image",
		"use RUN --mount=type=ssh (or type=secret) instead of copying keys" },
	[R_COPY_FROM_LATEST] = { "CS-DF-041", "DL3007", NULL, CS_SEV_MEDIUM, true,
		"COPY --from an image without a tag or with 'latest'",
		"name a fixed tag or digest in --from" },
	[R_WGET_PROGRESS] = { "CS-DF-042", "DL3047", NULL, CS_SEV_NEGLIGIBLE, true,
		"wget without --progress",
		"add --progress=dot:giga (or -q / -nv) to keep the build log small" },
	[R_APT_CLI] = { "CS-DF-043", "DL3027", NULL, CS_SEV_LOW, true,
		"apt in RUN",
		"use apt-get or apt-cache: apt's interface is not stable for scripts" },
	[R_ZYPPER_N] = { "CS-DF-044", "DL3034", NULL, CS_SEV_LOW, true,
		"zypper without -n",
		"use zypper -n (--non-interactive)" },
	[R_DNF_Y] = { "CS-DF-045", "DL3038", NULL, CS_SEV_LOW, true,
		"dnf or microdnf install without -y",
		"add -y" },
	[R_YUM_Y] = { "CS-DF-046", "DL3030", NULL, CS_SEV_LOW, true,
		"yum install without -y",
		"add -y" },
	[R_ZYPPER_DUP] = { "CS-DF-047", "DL3035", "4.7", CS_SEV_MEDIUM, true,
		"zypper dist-upgrade",
		"use a newer base image instead of upgrading inside the build" },
	[R_APK_UPGRADE] = { "CS-DF-048", "DL3017", "4.7", CS_SEV_MEDIUM, true,
		"apk upgrade",
		"use a newer base image instead of upgrading inside the build" },
	[R_PIPEFAIL] = { "CS-DF-049", "DL4006", NULL, CS_SEV_LOW, true,
		"RUN with a pipe and without pipefail",
		"SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] or set -o pipefail so a failing "
		"step fails the build" },
	[R_COPY_DEST] = { "CS-DF-050", "DL3021", NULL, CS_SEV_MEDIUM, true,
		"COPY of several sources to a destination without a trailing /",
		"end the destination with /" },
	[R_SECRET_ARG_RUN] = { "CS-DF-051", NULL, "4.10", CS_SEV_MEDIUM, true,
		"a secret build argument used in RUN",
		"use RUN --mount=type=secret,id=NAME and read /run/secrets/NAME" },
	[R_EXPOSE_SSH] = { "CS-DF-052", NULL, "4.x", CS_SEV_LOW, true,
		"EXPOSE 22: SSH in a container",
		"use docker exec / kubectl exec instead of running sshd" },
	[R_NPM_PIN] = { "CS-DF-053", "DL3016", NULL, CS_SEV_LOW, false,
		"npm install without pinned versions",
		"pin versions: npm install PACKAGE@VERSION, or npm ci with a lock file" },
	[R_GEM_PIN] = { "CS-DF-054", "DL3028", NULL, CS_SEV_LOW, false,
		"gem install without pinned versions",
		"pin versions: gem install PACKAGE:VERSION" },
	[R_CURL_WGET] = { "CS-DF-055", "DL4001", NULL, CS_SEV_NEGLIGIBLE, true,
		"both wget and curl",
		"use one download tool" },
	[R_NONSENSE] = { "CS-DF-056", "DL3001", NULL, CS_SEV_NEGLIGIBLE, true,
		"an interactive or host command in RUN",
		"ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig make no sense "
		"in a build" },
	[R_COPY_RELATIVE] = { "CS-DF-057", "DL3045", NULL, CS_SEV_LOW, true,
		"COPY to a relative destination without WORKDIR",
		"set WORKDIR first or use an absolute destination" },
	[R_ZYPPER_CLEAN] = { "CS-DF-058", "DL3036", NULL, CS_SEV_LOW, true,
		"zypper install without zypper clean",
		"end the same RUN with && zypper clean" },
	[R_RUN_CONSECUTIVE] = { "CS-DF-059", "DL3059", NULL, CS_SEV_NEGLIGIBLE, true,
		"consecutive single-command RUN instructions",
		"join them with && into one RUN: one layer, one cache step" },
	[R_LN_SH] = { "CS-DF-060", "DL4005", NULL, CS_SEV_LOW, true,
		"/bin/sh replaced with ln in RUN",
		"use SHELL [\"/bin/bash\", \"-c\"] to change the shell of later RUN instructions" },
};
/* clang-format on */

size_t cs_df_rule_count(void)
{
	return _R_MAX;
}

const struct cs_df_rule_info *cs_df_rule(size_t i)
{
	return i < _R_MAX ? &rules[i] : NULL;
}

/* hadolint is one id or a comma-separated list ("DL3006,DL3007") */
static bool hadolint_has(const char *hadolint, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = hadolint; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == n && !strncasecmp(p, id, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static int rule_index(const char *name)
{
	for (int i = 0; i < _R_MAX; i++)
		if (!strcasecmp(rules[i].id, name))
			return i;
	/* a hadolint id: the first rule that maps to it */
	for (int i = 0; i < _R_MAX; i++)
		if (hadolint_has(rules[i].hadolint, name))
			return i;
	return -1;
}

const char *cs_df_rule_id(const char *name)
{
	int i = rule_index(name);

	return i < 0 ? NULL : rules[i].id;
}

/* ---- configuration ---- */

void cs_df_config_free(struct cs_df_config *c)
{
	if (!c)
		return;
	free(c->path);
	cs_strv_free(c->ignore);
	cs_strv_free(c->enable);
	cs_strv_free(c->sev_rule);
	free(c->sev);
	cs_strv_free(c->trusted);
	free(c);
}

static const char *scalar(yaml_document_t *d, yaml_node_t *n)
{
	(void)d;
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int strv_push(char ***v, size_t *n, const char *s)
{
	size_t cap = *n ? *n + 1 : 0;

	if (*n >= CONFIG_MAX_ITEMS)
		return -CS_E_LIMIT;
	if (cs_grow((void **)v, &cap, *n + 2, sizeof(char *)) < 0)
		return -ENOMEM;
	(*v)[*n] = cs_strdup(s);
	if (!(*v)[*n])
		return -ENOMEM;
	(*v)[++*n] = NULL;
	return 0;
}

/* a list of rule ids (ours or hadolint's) or of strings */
static int config_list(struct cs_df_config *c, yaml_document_t *d, yaml_node_t *n, const char *key,
		       bool rule_ids, char ***v, size_t *nv, struct cs_error *err)
{
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return cs_error_set(err, -CS_E_INPUT, "%s:%zu: '%s' must be a list", c->path,
				    n ? n->start_mark.line + 1 : 0, key);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *el = yaml_document_get_node(d, *it);
		const char *s = scalar(d, el), *id = s;
		int r;

		if (!s)
			return cs_error_set(err, -CS_E_INPUT, "%s:%zu: '%s' must list strings",
					    c->path, el ? el->start_mark.line + 1 : 0, key);
		if (rule_ids && !(id = cs_df_rule_id(s)))
			return cs_error_set(err, -CS_E_INPUT, "%s:%zu: unknown rule '%s'", c->path,
					    el->start_mark.line + 1, s);
		r = strv_push(v, nv, id);
		if (r < 0)
			return cs_error_errno(err, -r, "%s", c->path);
	}
	return 0;
}

static int config_doc(struct cs_df_config *c, yaml_document_t *d, struct cs_error *err)
{
	yaml_node_t *root = yaml_document_get_root_node(d);
	int r = 0;

	if (!root)
		return 0; /* an empty file */
	if (root->type != YAML_MAPPING_NODE)
		return cs_error_set(err, -CS_E_INPUT, "%s:%zu: expected a mapping", c->path,
				    root->start_mark.line + 1);
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top && r >= 0; p++) {
		yaml_node_t *kn = yaml_document_get_node(d, p->key);
		yaml_node_t *vn = yaml_document_get_node(d, p->value);
		const char *k = scalar(d, kn);
		size_t line = kn ? kn->start_mark.line + 1 : 0;

		if (!k)
			return cs_error_set(err, -CS_E_INPUT, "%s:%zu: keys must be strings",
					    c->path, line);
		if (!strcmp(k, "ignore") || !strcmp(k, "ignored")) {
			r = config_list(c, d, vn, k, true, &c->ignore, &c->n_ignore, err);
		} else if (!strcmp(k, "enable")) {
			r = config_list(c, d, vn, k, true, &c->enable, &c->n_enable, err);
		} else if (!strcmp(k, "trusted-registries") || !strcmp(k, "trustedRegistries")) {
			r = config_list(c, d, vn, k, false, &c->trusted, &c->n_trusted, err);
		} else if (!strcmp(k, "require-digest")) {
			const char *v = scalar(d, vn);

			if (v && (!strcmp(v, "true") || !strcmp(v, "yes")))
				c->require_digest = true;
			else if (v && (!strcmp(v, "false") || !strcmp(v, "no")))
				c->require_digest = false;
			else
				return cs_error_set(
					err, -CS_E_INPUT,
					"%s:%zu: 'require-digest' must be true or false", c->path,
					line);
		} else if (!strcmp(k, "severity")) {
			if (!vn || vn->type != YAML_MAPPING_NODE)
				return cs_error_set(err, -CS_E_INPUT,
						    "%s:%zu: 'severity' must map rule ids to "
						    "severities",
						    c->path, line);
			for (yaml_node_pair_t *q = vn->data.mapping.pairs.start;
			     q < vn->data.mapping.pairs.top; q++) {
				yaml_node_t *rk = yaml_document_get_node(d, q->key);
				const char *rid = scalar(d, rk), *id;
				const char *sv = scalar(d, yaml_document_get_node(d, q->value));
				int s = sv ? cs_severity_from_name(sv) : -1;
				size_t cap = c->n_sev;

				line = rk ? rk->start_mark.line + 1 : line;
				if (!rid || !(id = cs_df_rule_id(rid)))
					return cs_error_set(err, -CS_E_INPUT,
							    "%s:%zu: unknown rule '%s'", c->path,
							    line, rid ? rid : "");
				if (s < 0)
					return cs_error_set(err, -CS_E_INPUT,
							    "%s:%zu: unknown severity '%s'",
							    c->path, line, sv ? sv : "");
				r = strv_push(&c->sev_rule, &c->n_sev, id);
				if (r >= 0 &&
				    cs_grow((void **)&c->sev, &cap, c->n_sev, sizeof(*c->sev)) < 0)
					r = -ENOMEM;
				if (r < 0)
					return cs_error_errno(err, -r, "%s", c->path);
				c->sev[c->n_sev - 1] = (enum cs_severity)s;
			}
		} else {
			return cs_error_set(err, -CS_E_INPUT,
					    "%s:%zu: unknown key '%s' (ignore, enable, severity, "
					    "trusted-registries, require-digest)",
					    c->path, line, k);
		}
	}
	return r;
}

int cs_df_config_parse(const char *data, size_t len, const char *path, struct cs_df_config **ret,
		       struct cs_error *err)
{
	_cleanup_(cs_df_config_freep) struct cs_df_config *c = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	int r;

	if (len > CONFIG_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "%s: larger than %u bytes", path,
				    CONFIG_MAX_SIZE);
	c = cs_zalloc(sizeof(*c));
	if (!c || !(c->path = cs_strdup(path)))
		return cs_error_errno(err, ENOMEM, "%s", path);
	if (!yaml_parser_initialize(&parser))
		return cs_error_errno(err, ENOMEM, "%s", path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)(data ? data : ""), len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = cs_error_set(err, -CS_E_INPUT, "%s:%zu: %s", path, parser.problem_mark.line + 1,
				 parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return r;
	}
	r = config_doc(c, &doc, err);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r < 0)
		return r;
	*ret = CS_TAKE_PTR(c);
	return 0;
}

int cs_df_config_load(const char *path, struct cs_df_config **ret, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	struct cs_buf b = CS_BUF_INIT(CONFIG_MAX_SIZE);
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r >= 0)
		r = cs_stream_read_all(s, &b, err);
	if (r == -CS_E_LIMIT)
		r = cs_error_set(err, r, "%s: larger than %u bytes", path, CONFIG_MAX_SIZE);
	if (r >= 0)
		r = cs_df_config_parse(b.data, b.len, path, ret, err);
	cs_buf_done(&b);
	return r;
}

/* ---- a small shell tokenizer for RUN ---- */

struct shcmd {
	char **argv; /* leading VAR=x, sudo, env... removed */
	size_t argc;
	bool pipe_in, pipe_out;
	bool sudo;
};

struct script {
	struct shcmd *v;
	size_t n;
	char **words; /* every word (argv point into it) */
	size_t n_words;
	bool has_pipe;
};

static void script_done(struct script *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].argv);
	free(s->v);
	for (size_t i = 0; i < s->n_words; i++)
		free(s->words[i]);
	free(s->words);
	*s = (struct script){ 0 };
}

static int script_word(struct script *s, struct cs_buf *w, size_t *cap)
{
	char *x;

	if (s->n_words >= SCRIPT_MAX_WORDS)
		return -CS_E_LIMIT;
	if (cs_buf_putc(w, '\0') < 0 || CS_GROW(s->words, *cap, s->n_words + 1) < 0)
		return -ENOMEM;
	x = cs_buf_steal(w, NULL);
	if (!x)
		return -ENOMEM;
	s->words[s->n_words++] = x;
	return 0;
}

/* operator tokens are words of their own: "&&", "||", ";", "|", "&", "\n", "(", ")" */
static bool is_op(const char *w)
{
	return !strcmp(w, "&&") || !strcmp(w, "||") || !strcmp(w, ";") || !strcmp(w, "|") ||
	       !strcmp(w, "&") || !strcmp(w, "\n") || !strcmp(w, "(") || !strcmp(w, ")") ||
	       !strcmp(w, "{") || !strcmp(w, "}") || !strcmp(w, "then") || !strcmp(w, "do") ||
	       !strcmp(w, "else") || !strcmp(w, "if") || !strcmp(w, "!");
}

static int tokenize(struct script *s, const char *src)
{
	struct cs_buf w = CS_BUF_INIT(1u << 20);
	size_t cap = 0;
	bool in_word = false;
	char quote = 0;
	int r = 0;

	for (const char *p = src; *p && r >= 0; p++) {
		char c = *p;

		if (quote) {
			if (c == quote)
				quote = 0;
			else if (c == '\\' && quote == '"' && p[1])
				r = cs_buf_putc(&w, *++p);
			else
				r = cs_buf_putc(&w, c);
			continue;
		}
		if (c == '\\' && p[1]) {
			if (p[1] != '\n')
				r = cs_buf_putc(&w, p[1]);
			in_word = true;
			p++;
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			in_word = true;
			continue;
		}
		if (c == '#' && !in_word) {
			while (p[1] && p[1] != '\n')
				p++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			if (in_word)
				r = script_word(s, &w, &cap);
			in_word = false;
			continue;
		}
		if (strchr(";|&\n()", c) &&
		    !(c == '&' && (p[1] == '>' || (p > src && p[-1] == '>')))) {
			if (in_word)
				r = script_word(s, &w, &cap);
			in_word = false;
			if (r >= 0)
				r = cs_buf_putc(&w, c);
			if (r >= 0 && (c == '&' || c == '|') && p[1] == c)
				r = cs_buf_putc(&w, *++p);
			if (r >= 0)
				r = script_word(s, &w, &cap);
			continue;
		}
		r = cs_buf_putc(&w, c);
		in_word = true;
	}
	if (r >= 0 && in_word)
		r = script_word(s, &w, &cap);
	cs_buf_done(&w);
	return r;
}

static const char *base(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

static bool is_assignment(const char *w)
{
	const char *eq = strchr(w, '=');

	if (!eq || eq == w || !(isalpha((unsigned char)*w) || *w == '_'))
		return false;
	for (const char *p = w; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static int split_commands(struct script *s)
{
	size_t i = 0, cap = 0;

	while (i < s->n_words) {
		struct shcmd c = { 0 };
		size_t j = i, k = 0;
		bool pipe_in = s->n > 0 && i > 0 && !strcmp(s->words[i - 1], "|");

		while (j < s->n_words && !is_op(s->words[j]))
			j++;
		if (j > i) {
			c.argv = cs_new0(char *, j - i + 1);
			if (!c.argv)
				return -ENOMEM;
			for (size_t t = i; t < j; t++) {
				const char *w = s->words[t];

				if (k == 0 && (is_assignment(w) || !strcmp(w, "env") ||
					       !strcmp(w, "command") || !strcmp(w, "exec") ||
					       !strcmp(w, "time") || !strcmp(w, "nohup")))
					continue;
				if (k == 0 && !strcmp(base(w), "sudo")) {
					c.sudo = true;
					while (t + 1 < j && s->words[t + 1][0] == '-')
						t++;
					continue;
				}
				c.argv[k++] = s->words[t];
			}
			c.argc = k;
			c.pipe_in = pipe_in;
			c.pipe_out = j < s->n_words && !strcmp(s->words[j], "|");
			if (c.pipe_out)
				s->has_pipe = true;
			if (CS_GROW(s->v, cap, s->n + 1) < 0) {
				free(c.argv);
				return -ENOMEM;
			}
			s->v[s->n++] = c;
		}
		i = j + 1;
		if (j < s->n_words && !strcmp(s->words[j], "|") && j + 1 <= s->n_words)
			i = j + 1;
	}
	return 0;
}

/* ---- lint state ---- */

struct lint {
	const struct cs_dockerfile *df;
	const struct cs_df_config *cfg;
	struct cs_issues *out;
	bool enabled[_R_MAX];
	enum cs_severity sev[_R_MAX];
	size_t run_cmds; /* commands in the last RUN linted (0 when it could not be split) */
};

static bool cfg_has(char *const *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i], id))
			return true;
	return false;
}

/* inline ignore: our id or the hadolint id of the rule */
static bool ignored_by(char *const *v, size_t n, int rule)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i], rules[rule].id) || hadolint_has(rules[rule].hadolint, v[i]))
			return true;
	return false;
}

static int emit(struct lint *L, int rule, const struct cs_df_instr *x, const char *excerpt,
		const char *fmt, ...) CS_PRINTF(5, 6);
static int emit(struct lint *L, int rule, const struct cs_df_instr *x, const char *excerpt,
		const char *fmt, ...)
{
	const struct cs_df_rule_info *ri = &rules[rule];
	_cleanup_free_ char *msg = NULL, *title = NULL, *url = NULL, *ex = NULL, *by = NULL;
	struct cs_issue is = { .kind = CS_ISSUE_DOCKERFILE, .layer = -1 };
	va_list ap;
	int r;

	if (!L->enabled[rule])
		return 0;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (ri->hadolint && ri->cis)
		title = cs_asprintf("%s (hadolint %s, CIS %s)", ri->title, ri->hadolint, ri->cis);
	else if (ri->hadolint)
		title = cs_asprintf("%s (hadolint %s)", ri->title, ri->hadolint);
	else if (ri->cis)
		title = cs_asprintf("%s (CIS %s)", ri->title, ri->cis);
	else
		title = cs_strdup(ri->title);
	if (ri->hadolint)
		url = cs_asprintf(RULES_DOC_URL "%.6s", ri->hadolint);
	if (!excerpt)
		excerpt = x->text;
	ex = cs_strndup(excerpt, EXCERPT_MAX);
	if (!msg || !title || (ri->hadolint && !url) || !ex)
		return -ENOMEM;
	if (strlen(excerpt) > EXCERPT_MAX) {
		char *e2 = cs_asprintf("%s...", ex);

		if (!e2)
			return -ENOMEM;
		free(ex);
		ex = e2;
	}
	is.rule_id = ri->id;
	is.title = title;
	is.severity = L->sev[rule];
	is.path = L->df->path;
	is.line = x->line;
	is.column = x->column;
	is.end_line = x->end_line;
	is.end_column = x->end_column;
	is.excerpt = ex;
	is.message = msg;
	is.remediation = ri->remediation;
	is.url = url;
	is.where = cs_df_cmd_name(x->cmd);
	r = cs_issues_add(L->out, &is);
	if (r < 0)
		return r;
	if (ignored_by(x->ignore, x->n_ignore, rule))
		by = cs_asprintf("inline:%u", x->ignore_line);
	else if (ignored_by(L->df->global_ignore, L->df->n_global_ignore, rule))
		by = cs_strdup("inline:global");
	else if (L->cfg && cfg_has(L->cfg->ignore, L->cfg->n_ignore, ri->id))
		by = cs_asprintf("config:%s", L->cfg->path);
	else
		return 0;
	if (!by)
		return -ENOMEM;
	return cs_issues_suppress(L->out, L->out->n - 1, by, NULL);
}

/* ---- helpers over words ---- */

static bool has_opt(const struct shcmd *c, const char *const *opts)
{
	for (size_t i = 1; i < c->argc; i++)
		for (size_t k = 0; opts[k]; k++) {
			size_t ol = strlen(opts[k]);

			if (!strcmp(c->argv[i], opts[k]))
				return true;
			/* --opt=value */
			if (opts[k][1] == '-' && !strncmp(c->argv[i], opts[k], ol) &&
			    c->argv[i][ol] == '=')
				return true;
			/* a short option in a bundle: -qy */
			if (ol == 2 && opts[k][0] == '-' && opts[k][1] != '-' &&
			    c->argv[i][0] == '-' && c->argv[i][1] != '-' &&
			    strchr(c->argv[i] + 1, opts[k][1]))
				return true;
		}
	return false;
}

/* the first argument that is not an option: the subcommand */
static const char *subcmd(const struct shcmd *c, size_t *ret_i)
{
	for (size_t i = 1; i < c->argc; i++)
		if (c->argv[i][0] != '-') {
			if (ret_i)
				*ret_i = i;
			return c->argv[i];
		}
	return NULL;
}

static bool is(const struct shcmd *c, const char *name)
{
	return c->argc > 0 && !strcmp(base(c->argv[0]), name);
}

static bool is_pip(const struct shcmd *c, size_t *ret_sub)
{
	if (c->argc == 0)
		return false;
	if (!strncmp(base(c->argv[0]), "pip", 3)) {
		const char *b = base(c->argv[0]) + 3;

		if (*b && strspn(b, "0123456789.") != strlen(b))
			return false;
		return subcmd(c, ret_sub) != NULL;
	}
	if (!strncmp(base(c->argv[0]), "python", 6)) {
		for (size_t i = 1; i + 1 < c->argc; i++)
			if (!strcmp(c->argv[i], "-m") && !strncmp(c->argv[i + 1], "pip", 3)) {
				for (size_t k = i + 2; k < c->argc; k++)
					if (c->argv[k][0] != '-') {
						*ret_sub = k;
						return true;
					}
				return false;
			}
	}
	return false;
}

/* package words after the subcommand (options and their common values skipped) */
static bool next_pkg(const struct shcmd *c, size_t *i)
{
	static const char *const with_value[] = { "-o",
						  "-t",
						  "--target-release",
						  "-c",
						  "-r",
						  "--requirement",
						  "-e",
						  "--editable",
						  "-i",
						  "--index-url",
						  "--extra-index-url",
						  "--repository",
						  "-X",
						  "--virtual",
						  "-f",
						  "--find-links",
						  "--constraint",
						  NULL };

	while (++*i < c->argc) {
		const char *w = c->argv[*i];

		if (w[0] == '-') {
			for (size_t k = 0; with_value[k]; k++)
				if (!strcmp(w, with_value[k]))
					++*i;
			continue;
		}
		if (w[0] == '>' || w[0] == '<' || (w[0] >= '0' && w[0] <= '9' && strchr(w, '>')))
			continue; /* a redirection */
		return true;
	}
	return false;
}

/* an image reference: without a tag or with latest (1), pinned by tag (0); digest (2) */
static int image_pin(const char *ref, const char **ret_tag)
{
	const char *slash = strrchr(ref, '/'), *colon;

	if (strstr(ref, "@sha256:") || strstr(ref, "@sha512:"))
		return 2;
	colon = strrchr(slash ? slash : ref, ':');
	if (ret_tag)
		*ret_tag = colon ? colon + 1 : NULL;
	if (!colon || !strcmp(colon + 1, "latest"))
		return 1;
	return 0;
}

/* registry of an image reference ("docker.io" for short names) */
static void image_registry(const char *ref, char *buf, size_t n)
{
	const char *slash = strchr(ref, '/');
	size_t l;

	if (!slash ||
	    (!memchr(ref, '.', (size_t)(slash - ref)) && !memchr(ref, ':', (size_t)(slash - ref)) &&
	     strncmp(ref, "localhost/", 10))) {
		snprintf(buf, n, "docker.io");
		return;
	}
	l = CS_MIN((size_t)(slash - ref), n - 1);
	memcpy(buf, ref, l);
	buf[l] = '\0';
}

static bool trusted(const struct cs_df_config *cfg, const char *ref)
{
	char reg[256];

	image_registry(ref, reg, sizeof(reg));
	for (size_t i = 0; i < cfg->n_trusted; i++) {
		const char *t = cfg->trusted[i];
		size_t tl = strlen(t);

		if (!strcmp(reg, t))
			return true;
		/* a registry with a path prefix: "registry.example.com/team" */
		if (!strncmp(ref, t, tl) && (ref[tl] == '/' || ref[tl] == ':' || !ref[tl]))
			return true;
		if (!strcmp(t, "docker.io") && !strcmp(reg, "docker.io"))
			return true;
	}
	return false;
}

static bool is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "git@", 4) ||
	       !strncmp(s, "git://", 6);
}

static bool is_archive(const char *s)
{
	static const char *const ext[] = { ".tar",  ".tar.gz", ".tgz",	  ".tar.bz2",
					   ".tbz2", ".tar.xz", ".txz",	  ".tar.zst",
					   ".tb2",  ".tbz",    ".tar.lz", NULL };
	size_t l = strlen(s);

	for (size_t k = 0; ext[k]; k++) {
		size_t el = strlen(ext[k]);

		if (l > el && !strcasecmp(s + l - el, ext[k]))
			return true;
	}
	return false;
}

static bool is_ssh_key(const char *s)
{
	static const char *const keys[] = { "id_rsa",	  "id_dsa",	 "id_ecdsa",
					    "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
					    NULL };
	const char *b = base(s);
	size_t bl = strlen(b);

	if (bl > 4 && !strcmp(b + bl - 4, ".pem"))
		bl -= 4;
	for (size_t k = 0; keys[k]; k++)
		if (bl == strlen(keys[k]) && !strncmp(b, keys[k], bl))
			return true;
	return !strcmp(b, ".ssh") || strstr(s, ".ssh/") ||
	       (!strncmp(b, "ssh_host_", 9) && strstr(b, "_key") && !strstr(b, ".pub"));
}

/* ---- RUN ---- */

struct stage_state {
	const struct cs_df_instr *from;
	bool pipefail_shell; /* SHELL [... "-o", "pipefail" ...] */
	bool pip_no_cache;   /* ENV PIP_NO_CACHE_DIR */
	bool workdir;
	const struct cs_df_instr *last_user;
	const char *user;
	const struct cs_df_instr *cmd, *entrypoint, *healthcheck;
	char **secret_args; /* ARG names that look like secrets */
	size_t n_secret_args;
};

static bool mount_has(const struct cs_df_instr *x, const char *needle)
{
	for (size_t i = 0; i < x->n_flags; i++)
		if (!strcmp(x->flags[i].name, "mount") && x->flags[i].value &&
		    strstr(x->flags[i].value, needle))
			return true;
	return false;
}

static int lint_script(struct lint *L, const struct cs_df_instr *x, const struct cs_df_instr *pos,
		       const struct script *s, const struct stage_state *st)
{
	bool apt_update = false, apt_install = false, apt_lists = false;
	bool yum_install = false, yum_clean = false, dnf_install = false, dnf_clean = false;
	bool zyp_install = false, zyp_clean = false, npm_install = false, npm_clean = false;
	bool curl = false, wget = false, sudo = false, cd = false, pipefail = false;
	bool cache_mount_apt = mount_has(x, "/var/lib/apt") || mount_has(x, "/var/cache/apt");
	bool cache_mount_yum = mount_has(x, "/var/cache/yum") || mount_has(x, "/var/cache/dnf");
	int r = 0;

	for (size_t i = 0; i < s->n && r >= 0; i++) {
		const struct shcmd *c = &s->v[i];
		const char *sub;
		size_t si = 0;

		if (c->argc == 0)
			continue;
		sudo |= c->sudo;
		if (is(c, "set") && (has_opt(c, (const char *const[]){ "pipefail", NULL })))
			pipefail = true;
		if (is(c, "cd"))
			cd = true;
		if (is(c, "ln"))
			for (size_t a = 1; a < c->argc && r >= 0; a++)
				if (!strcmp(c->argv[a], "/bin/sh")) {
					r = emit(L, R_LN_SH, pos, NULL,
						 "ln replaces /bin/sh for every later RUN");
					break;
				}
		if ((is(c, "curl") || is(c, "wget")) && c->pipe_out && i + 1 < s->n) {
			const struct shcmd *n = &s->v[i + 1];
			static const char *const shells[] = { "sh",   "bash", "zsh",	"dash",
							      "ash",  "ksh",  "python", "python3",
							      "perl", "ruby", "node",	NULL };

			for (size_t k = 0; shells[k]; k++)
				if (is(n, shells[k]))
					r = emit(L, R_CURL_PIPE, pos, NULL,
						 "%s output is piped into %s", base(c->argv[0]),
						 shells[k]);
		}
		if (is(c, "curl"))
			curl = true;
		if (is(c, "wget")) {
			wget = true;
			if (!has_opt(c, (const char *const[]){ "--progress", "-q", "--quiet", "-nv",
							       "--no-verbose", NULL }))
				r = emit(L, R_WGET_PROGRESS, pos, NULL,
					 "wget prints a progress bar for every download");
		}
		if (is(c, "apt")) {
			sub = subcmd(c, NULL);
			if (sub && strcmp(sub, "list") && strcmp(sub, "show"))
				r = emit(L, R_APT_CLI, pos, NULL, "'apt %s' in a script", sub);
		}
		if (is(c, "apt-get") && (sub = subcmd(c, &si))) {
			if (!strcmp(sub, "update"))
				apt_update = true;
			if (!strcmp(sub, "upgrade") || !strcmp(sub, "dist-upgrade") ||
			    !strcmp(sub, "full-upgrade"))
				r = emit(L, R_APT_UPGRADE, pos, NULL, "apt-get %s", sub);
			if (!strcmp(sub, "install")) {
				apt_install = true;
				if (!has_opt(c,
					     (const char *const[]){ "-y", "--yes", "--assume-yes",
								    "-qq", "-q=2", NULL }))
					r = emit(L, R_APT_Y, pos, NULL,
						 "apt-get install would wait for a confirmation");
				if (r >= 0 &&
				    !has_opt(c, (const char *const[]){ "--no-install-recommends",
								       NULL }) &&
				    !strstr(x->text, "Install-Recommends"))
					r = emit(L, R_APT_NO_REC, pos, NULL,
						 "apt-get install also installs recommended "
						 "packages");
				for (size_t k = si; r >= 0 && next_pkg(c, &k);)
					if (!strchr(c->argv[k], '=') &&
					    !strstr(c->argv[k], ".deb")) {
						r = emit(L, R_APT_PIN, pos, NULL,
							 "'%s' has no version", c->argv[k]);
						break;
					}
			}
		}
		if (is(c, "rm"))
			for (size_t k = 1; k < c->argc; k++)
				if (!strncmp(c->argv[k], "/var/lib/apt/lists", 18))
					apt_lists = true;
		if ((is(c, "apt-get") || is(c, "apt")) && (sub = subcmd(c, NULL)) &&
		    !strcmp(sub, "clean") && strstr(x->text, "/var/lib/apt/lists"))
			apt_lists = true;
		if (is(c, "apk") && (sub = subcmd(c, &si))) {
			if (!strcmp(sub, "upgrade"))
				r = emit(L, R_APK_UPGRADE, pos, NULL, "apk upgrade");
			if (!strcmp(sub, "add")) {
				if (!has_opt(c, (const char *const[]){ "--no-cache", NULL }) &&
				    !mount_has(x, "/var/cache/apk") &&
				    !strstr(x->text, "/var/cache/apk"))
					r = emit(L, R_APK_CACHE, pos, NULL,
						 "apk add keeps its index in the image");
				for (size_t k = si; r >= 0 && next_pkg(c, &k);)
					if (!strchr(c->argv[k], '=') && !strchr(c->argv[k], '~') &&
					    !strstr(c->argv[k], ".apk")) {
						r = emit(L, R_APK_PIN, pos, NULL,
							 "'%s' has no version", c->argv[k]);
						break;
					}
			}
		}
		if ((is(c, "yum") || is(c, "dnf") || is(c, "microdnf")) &&
		    (sub = subcmd(c, NULL))) {
			bool yum = is(c, "yum");

			if (!strcmp(sub, "install") || !strcmp(sub, "groupinstall") ||
			    !strcmp(sub, "localinstall") || !strcmp(sub, "module")) {
				*(yum ? &yum_install : &dnf_install) = true;
				if (!has_opt(c, (const char *const[]){ "-y", "--assumeyes", NULL }))
					r = emit(L, yum ? R_YUM_Y : R_DNF_Y, pos, NULL,
						 "%s %s would wait for a confirmation",
						 base(c->argv[0]), sub);
			}
			if (!strcmp(sub, "clean") && strstr(x->text, "all"))
				*(yum ? &yum_clean : &dnf_clean) = true;
		}
		if (is(c, "rm") && strstr(x->text, "/var/cache/yum"))
			yum_clean = dnf_clean = true;
		if (is(c, "rm") && strstr(x->text, "/var/cache/dnf"))
			dnf_clean = true;
		if (is(c, "zypper") && (sub = subcmd(c, NULL))) {
			if (!strcmp(sub, "install") || !strcmp(sub, "in") ||
			    !strcmp(sub, "remove") || !strcmp(sub, "rm") ||
			    !strcmp(sub, "update") || !strcmp(sub, "up") || !strcmp(sub, "patch")) {
				if (!strcmp(sub, "install") || !strcmp(sub, "in"))
					zyp_install = true;
				if (!has_opt(c,
					     (const char *const[]){ "-n", "--non-interactive", "-y",
								    "--no-confirm", NULL }))
					r = emit(L, R_ZYPPER_N, pos, NULL,
						 "zypper %s would wait for a confirmation", sub);
			}
			if (!strcmp(sub, "dist-upgrade") || !strcmp(sub, "dup"))
				r = emit(L, R_ZYPPER_DUP, pos, NULL, "zypper %s", sub);
			if (!strcmp(sub, "clean") || !strcmp(sub, "cc"))
				zyp_clean = true;
		}
		if (is_pip(c, &si) && !strcmp(c->argv[si], "install")) {
			bool req = has_opt(c, (const char *const[]){ "-r", "--requirement", "-e",
								     "--editable", NULL });

			if (!st->pip_no_cache && !mount_has(x, ".cache/pip") &&
			    !has_opt(c, (const char *const[]){ "--no-cache-dir", NULL }) &&
			    !strstr(x->text, "PIP_NO_CACHE_DIR"))
				r = emit(L, R_PIP_CACHE, pos, NULL,
					 "pip keeps downloaded wheels in the image");
			for (size_t k = si; !req && r >= 0 && next_pkg(c, &k);) {
				const char *w = c->argv[k];

				if (!strpbrk(w, "=<>~@") && !strchr(w, '/') && strcmp(w, ".") &&
				    !strstr(w, ".whl") && !strstr(w, ".tar.gz")) {
					r = emit(L, R_PIP_PIN, pos, NULL, "'%s' has no version", w);
					break;
				}
			}
		}
		if ((is(c, "npm") || is(c, "yarn")) && (sub = subcmd(c, &si))) {
			if (!strcmp(sub, "install") || !strcmp(sub, "i") || !strcmp(sub, "ci") ||
			    !strcmp(sub, "add"))
				npm_install = true;
			if (!strcmp(sub, "cache") && strstr(x->text, "clean"))
				npm_clean = true;
			if (is(c, "npm") && (!strcmp(sub, "install") || !strcmp(sub, "i")))
				for (size_t k = si; r >= 0 && next_pkg(c, &k);) {
					const char *w = c->argv[k];
					const char *at = strrchr(w, '@');

					if ((!at || at == w) && !strchr(w, '/') &&
					    !strchr(w, '#') && strcmp(w, ".")) {
						r = emit(L, R_NPM_PIN, pos, NULL,
							 "'%s' has no version", w);
						break;
					}
				}
		}
		if (is(c, "gem") && (sub = subcmd(c, &si)) && !strcmp(sub, "install") &&
		    !has_opt(c, (const char *const[]){ "-v", "--version", NULL }))
			for (size_t k = si; r >= 0 && next_pkg(c, &k);)
				if (!strchr(c->argv[k], ':')) {
					r = emit(L, R_GEM_PIN, pos, NULL, "'%s' has no version",
						 c->argv[k]);
					break;
				}
		if ((is(c, "useradd") || is(c, "adduser")) &&
		    !has_opt(c, (const char *const[]){ "-l", "--no-log-init", NULL })) {
			for (size_t k = 1; k + 1 < c->argc; k++) {
				uint64_t uid;

				if ((!strcmp(c->argv[k], "-u") || !strcmp(c->argv[k], "--uid")) &&
				    cs_safe_atou64(c->argv[k + 1], &uid) == 0 && uid > 99999 &&
				    is(c, "useradd"))
					r = emit(L, R_USERADD, pos, NULL,
						 "UID %llu makes /var/log/lastlog sparse and large",
						 (unsigned long long)uid);
			}
		}
		if (is(c, "chmod"))
			for (size_t k = 1; k < c->argc; k++) {
				const char *m = c->argv[k];

				if (!strcmp(m, "777") || !strcmp(m, "0777") ||
				    !strcmp(m, "a+rwx") || !strcmp(m, "o+w") ||
				    !strcmp(m, "ugo+rwx") || !strcmp(m, "1777") ||
				    !strcmp(m, "666") || !strcmp(m, "0666")) {
					if (!strcmp(m, "1777"))
						continue; /* sticky /tmp-like directories */
					r = emit(L, R_CHMOD_777, pos, NULL, "chmod %s", m);
					break;
				}
			}
		{
			static const char *const nonsense[] = { "ssh",	    "vim",  "shutdown",
								"service",  "ps",   "free",
								"top",	    "kill", "mount",
								"ifconfig", NULL };

			for (size_t k = 0; nonsense[k]; k++)
				if (!strcmp(c->argv[0], nonsense[k]))
					r = emit(L, R_NONSENSE, pos, NULL, "'%s' in RUN",
						 nonsense[k]);
		}
		for (size_t k = 0; k < st->n_secret_args && r >= 0; k++)
			for (size_t a = 0; a < c->argc; a++) {
				const char *v = strchr(c->argv[a], '$');
				size_t nl = strlen(st->secret_args[k]);

				for (; v; v = strchr(v + 1, '$')) {
					const char *n = v[1] == '{' ? v + 2 : v + 1;

					if (!strncmp(n, st->secret_args[k], nl) &&
					    !isalnum((unsigned char)n[nl]) && n[nl] != '_')
						break;
				}
				if (v && !mount_has(x, "type=secret")) {
					r = emit(
						L, R_SECRET_ARG_RUN, pos, NULL,
						"build argument '%s' reaches RUN and its cache key",
						st->secret_args[k]);
					a = c->argc;
					k = st->n_secret_args;
				}
			}
	}
	if (r >= 0 && sudo)
		r = emit(L, R_SUDO, pos, NULL, "sudo in RUN");
	if (r >= 0 && cd)
		r = emit(L, R_CD, pos, NULL, "cd changes directory for this RUN only");
	if (r >= 0 && apt_install && !apt_lists && !cache_mount_apt)
		r = emit(L, R_APT_LISTS, pos, NULL, "/var/lib/apt/lists stays in the layer");
	if (r >= 0 && apt_update && !apt_install)
		r = emit(L, R_APT_UPDATE_ALONE, pos, NULL,
			 "a cached 'apt-get update' layer goes stale");
	if (r >= 0 && yum_install && !yum_clean && !cache_mount_yum)
		r = emit(L, R_YUM_CLEAN, pos, NULL, "the yum cache stays in the layer");
	if (r >= 0 && dnf_install && !dnf_clean && !cache_mount_yum)
		r = emit(L, R_DNF_CLEAN, pos, NULL, "the dnf cache stays in the layer");
	if (r >= 0 && zyp_install && !zyp_clean)
		r = emit(L, R_ZYPPER_CLEAN, pos, NULL, "the zypper cache stays in the layer");
	if (r >= 0 && npm_install && !npm_clean && !mount_has(x, ".npm") && !mount_has(x, "yarn") &&
	    !strstr(x->text, "--cache"))
		r = emit(L, R_NPM_CACHE, pos, NULL, "the package manager cache stays in the layer");
	if (r >= 0 && curl && wget)
		r = emit(L, R_CURL_WGET, pos, NULL, "curl and wget in one RUN");
	if (r >= 0 && s->has_pipe && !pipefail && !st->pipefail_shell && !x->json)
		r = emit(L, R_PIPEFAIL, pos, NULL,
			 "a failure before the last '|' does not fail the build");
	return r;
}

static int lint_run(struct lint *L, const struct cs_df_instr *x, const struct cs_df_instr *pos,
		    const struct stage_state *st)
{
	struct script s = { 0 };
	int r = 0;

	if (x->json) {
		/* ["sh", "-c", "script"] is a script; anything else one command */
		if (x->n_args >= 3 &&
		    (!strcmp(base(x->args[0]), "sh") || !strcmp(base(x->args[0]), "bash")) &&
		    !strcmp(x->args[1], "-c"))
			r = tokenize(&s, x->args[2]);
		else
			for (size_t i = 0; i < x->n_args && r >= 0; i++) {
				struct cs_buf w = CS_BUF_INIT(1u << 20);
				size_t cap = s.n_words;

				r = cs_buf_puts(&w, x->args[i]);
				if (r >= 0)
					r = script_word(&s, &w, &cap);
				cs_buf_done(&w);
			}
	} else {
		r = tokenize(&s, x->rest);
		for (size_t i = 0; i < x->n_heredocs && r >= 0; i++) {
			r = tokenize(&s, "\n");
			if (r >= 0)
				r = tokenize(&s, x->heredocs[i].content);
		}
	}
	if (r >= 0)
		r = split_commands(&s);
	L->run_cmds = r >= 0 ? s.n : 0;
	if (r >= 0)
		r = lint_script(L, x, pos, &s, st);
	if (r == -CS_E_LIMIT)
		r = cs_issues_warn(L->out, "%s:%u: RUN too long to lint", L->df->path, x->line);
	script_done(&s);
	if (r >= 0 &&
	    (strstr(x->rest, "$(curl") || strstr(x->rest, "$(wget") || strstr(x->rest, "<(curl") ||
	     strstr(x->rest, "<(wget") || strstr(x->rest, "`curl") || strstr(x->rest, "`wget")))
		r = emit(L, R_CURL_PIPE, pos, NULL, "a downloaded script is run by a shell");
	return r;
}

/* ---- instructions ---- */

static int lint_copy_from(struct lint *L, const struct cs_df_instr *x,
			  const struct cs_df_instr *pos)
{
	const char *from = cs_df_flag(x, "from", NULL);
	int cur = x->stage;
	uint64_t idx;

	if (!from || strchr(from, '$'))
		return 0;
	if (cs_safe_atou64(from, &idx) == 0) {
		if ((int64_t)idx == cur)
			return emit(L, R_COPY_FROM_SELF, pos, NULL, "--from=%s is this stage",
				    from);
		if ((int64_t)idx > cur)
			return emit(L, R_COPY_FROM_UNDEF, pos, NULL,
				    "--from=%s: no such earlier stage", from);
		return 0;
	}
	if (cur >= 0 && L->df->stages[cur].name && !strcasecmp(L->df->stages[cur].name, from))
		return emit(L, R_COPY_FROM_SELF, pos, NULL, "--from=%s is this stage", from);
	for (int i = 0; i < cur; i++)
		if (L->df->stages[i].name && !strcasecmp(L->df->stages[i].name, from))
			return 0;
	if (strpbrk(from, ":/@.")) {
		if (image_pin(from, NULL) == 1)
			return emit(L, R_COPY_FROM_LATEST, pos, NULL, "--from=%s has no fixed tag",
				    from);
		return 0;
	}
	/* a bare name: a later stage, or an image such as "nginx" */
	for (size_t i = (size_t)cur + 1; i < L->df->n_stages; i++)
		if (L->df->stages[i].name && !strcasecmp(L->df->stages[i].name, from))
			return emit(L, R_COPY_FROM_UNDEF, pos, NULL,
				    "--from=%s is defined after this stage", from);
	return emit(L, R_COPY_FROM_UNDEF, pos, NULL,
		    "--from=%s is no stage; as an image it has no tag", from);
}

static int lint_copy(struct lint *L, const struct cs_df_instr *x, const struct cs_df_instr *pos,
		     const struct stage_state *st)
{
	const char *dest = x->n_args ? x->args[x->n_args - 1] : "";
	size_t nsrc = x->n_args ? x->n_args - 1 : 0;
	int r = 0;

	for (size_t i = 0; i < nsrc && r >= 0; i++) {
		const char *src = x->args[i];

		if (is_ssh_key(src))
			r = emit(L, R_SSH_KEY, pos, NULL, "'%s' looks like an SSH key", src);
		if (x->cmd == CS_DF_ADD && is_url(src) && r >= 0 &&
		    !cs_df_flag(x, "checksum", NULL) && strncmp(src, "git", 3))
			r = emit(L, R_ADD_CHECKSUM, pos, NULL, "'%s' is not verified", src);
	}
	if (r >= 0 && x->cmd == CS_DF_ADD && nsrc > 0) {
		bool local = true;

		for (size_t i = 0; i < nsrc; i++)
			if (is_url(x->args[i]) || is_archive(x->args[i]) ||
			    !strncmp(x->args[i], "<<", 2))
				local = false;
		if (local)
			r = emit(L, R_ADD_COPY, pos, NULL, "ADD of local files");
	}
	if (r >= 0 && x->cmd == CS_DF_COPY)
		r = lint_copy_from(L, x, pos);
	if (!*dest)
		return r; /* a variable that expanded to nothing */
	if (r >= 0 && nsrc > 1 && dest[strlen(dest) - 1] != '/' && !x->n_heredocs)
		r = emit(L, R_COPY_DEST, pos, NULL, "%zu sources into '%s'", nsrc, dest);
	if (r >= 0 && dest[0] != '/' && dest[0] != '$' && !st->workdir &&
	    !(isalpha((unsigned char)dest[0]) && dest[1] == ':'))
		r = emit(L, R_COPY_RELATIVE, pos, NULL,
			 "'%s' is relative to a working directory the base image chose", dest);
	return r;
}

static int lint_expose(struct lint *L, const struct cs_df_instr *x, const struct cs_df_instr *pos)
{
	int r = 0;

	for (size_t i = 0; i < x->n_args && r >= 0; i++) {
		char buf[64], *proto, *dash;
		uint64_t a, b;
		const char *w = x->args[i];

		if (!*w || strchr(w, '$'))
			continue; /* a variable BuildKit expanded to nothing */
		if (strlen(w) >= sizeof(buf)) {
			r = emit(L, R_EXPOSE, pos, NULL, "'%.32s...' is not a port", w);
			continue;
		}
		snprintf(buf, sizeof(buf), "%s", w);
		proto = strchr(buf, '/');
		if (proto) {
			*proto++ = '\0';
			for (char *c = proto; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		}
		dash = strchr(buf, '-');
		if (dash)
			*dash++ = '\0';
		if (cs_safe_atou64(buf, &a) < 0 || a < 1 || a > 65535 ||
		    (dash && (cs_safe_atou64(dash, &b) < 0 || b < a || b > 65535)) ||
		    (proto && strcmp(proto, "tcp") && strcmp(proto, "udp") &&
		     strcmp(proto, "sctp"))) {
			r = emit(L, R_EXPOSE, pos, NULL, "'%s' is not a port[/tcp|udp|sctp]", w);
			continue;
		}
		if (a <= 22 && (dash ? b >= 22 : a == 22))
			r = emit(L, R_EXPOSE_SSH, pos, NULL, "port 22 exposed");
	}
	return r;
}

static int lint_kv_secrets(struct lint *L, const struct cs_df_instr *x,
			   const struct cs_df_instr *pos, struct stage_state *st)
{
	int r = 0;

	for (size_t i = 0; i < x->n_kv && r >= 0; i++) {
		const struct cs_df_kv *kv = &x->kv[i];
		_cleanup_free_ char *red = NULL, *ex = NULL;

		if (!cs_secret_name(kv->key, strlen(kv->key)))
			continue;
		if (x->cmd == CS_DF_ARG && !kv->value) {
			/* remembered: using it in RUN without a secret mount is CS-DF-051 */
			size_t cap = st->n_secret_args;

			if (st->n_secret_args < 64 &&
			    cs_grow((void **)&st->secret_args, &cap, st->n_secret_args + 1,
				    sizeof(char *)) >= 0)
				st->secret_args[st->n_secret_args++] = kv->key;
			continue;
		}
		if (!kv->value || !kv->value[0] || kv->value[0] == '$')
			continue;
		red = cs_issue_redact(kv->value, strlen(kv->value));
		ex = red ? cs_asprintf("%s %s=%s", cs_df_cmd_name(x->cmd), kv->key, red) : NULL;
		if (!ex)
			return -ENOMEM;
		r = emit(L, R_SECRET_ENV, pos, ex, "%s '%s' has a literal value",
			 cs_df_cmd_name(x->cmd), kv->key);
	}
	return r;
}

static int lint_instr(struct lint *L, const struct cs_df_instr *x, const struct cs_df_instr *pos,
		      struct stage_state *st)
{
	int r = 0;

	switch (x->cmd) {
	case CS_DF_RUN:
		return lint_run(L, x, pos, st);
	case CS_DF_COPY:
	case CS_DF_ADD:
		return lint_copy(L, x, pos, st);
	case CS_DF_EXPOSE:
		return lint_expose(L, x, pos);
	case CS_DF_ENV:
	case CS_DF_ARG:
		return lint_kv_secrets(L, x, pos, st);
	case CS_DF_WORKDIR:
		if (x->n_args && x->args[0][0] != '/' && x->args[0][0] != '$' &&
		    !(isalpha((unsigned char)x->args[0][0]) && x->args[0][1] == ':'))
			r = emit(L, R_WORKDIR, pos, NULL, "WORKDIR '%s' depends on the one before",
				 x->args[0]);
		return r;
	case CS_DF_MAINTAINER:
		return emit(L, R_MAINTAINER, pos, NULL, "MAINTAINER is deprecated");
	case CS_DF_SHELL:
		if (!x->json)
			r = emit(L, R_SHELL_JSON, pos, NULL, "SHELL takes a JSON array");
		return r;
	case CS_DF_CMD:
	case CS_DF_ENTRYPOINT:
		if (!x->json && x->rest[0])
			r = emit(L, R_JSON_FORM, pos, NULL, "%s runs under /bin/sh -c",
				 cs_df_cmd_name(x->cmd));
		return r;
	default:
		return 0;
	}
}

/* FROM: pinning, registries, platform, duplicate names */
static int lint_from(struct lint *L, size_t si)
{
	const struct cs_df_stage *s = &L->df->stages[si];
	const struct cs_df_instr *x = &L->df->v[s->first];
	int r = 0, pin;

	for (size_t i = 0; i < si && s->name; i++)
		if (L->df->stages[i].name && !strcmp(L->df->stages[i].name, s->name)) {
			r = emit(L, R_STAGE_DUP, x, NULL, "stage '%s' is already defined", s->name);
			break;
		}
	if (r >= 0 && s->platform && !strchr(s->platform, '$'))
		r = emit(L, R_PLATFORM, x, NULL, "--platform=%s", s->platform);
	if (r < 0 || s->base_stage >= 0 || !strcasecmp(s->image, "scratch") || !s->image[0] ||
	    strchr(s->image, '$'))
		return r;
	pin = image_pin(s->image, NULL);
	if (pin == 1)
		r = emit(L, R_FROM_TAG, x, NULL, "'%s' %s", s->image,
			 strchr(s->image + (strrchr(s->image, '/')
						    ? strrchr(s->image, '/') - s->image
						    : 0),
				':')
				 ? "uses latest"
				 : "has no tag");
	else if (pin == 0 && L->enabled[R_FROM_DIGEST])
		r = emit(L, R_FROM_DIGEST, x, NULL, "'%s' is not pinned by digest", s->image);
	if (r >= 0 && L->cfg && L->cfg->n_trusted && !trusted(L->cfg, s->image))
		r = emit(L, R_TRUSTED, x, NULL, "'%s' is not from a trusted registry", s->image);
	return r;
}

static bool posix_shell(const char *b)
{
	static const char *const shells[] = { "sh",  "bash", "ash",  "dash",
					      "zsh", "ksh",  "mksh", NULL };

	for (size_t k = 0; shells[k]; k++)
		if (!strcmp(b, shells[k]))
			return true;
	return false;
}

static bool same_flags(const struct cs_df_instr *a, const struct cs_df_instr *b)
{
	if (a->n_flags != b->n_flags)
		return false;
	for (size_t i = 0; i < a->n_flags; i++)
		if (strcmp(a->flags[i].name, b->flags[i].name) ||
		    strcmp(a->flags[i].value ? a->flags[i].value : "",
			   b->flags[i].value ? b->flags[i].value : ""))
			return false;
	return true;
}

static bool is_root(const char *u)
{
	const char *colon = strchr(u, ':');
	size_t n = colon ? (size_t)(colon - u) : strlen(u);

	return (n == 4 && !strncmp(u, "root", 4)) || (n == 1 && u[0] == '0');
}

int cs_dockerfile_lint(const struct cs_dockerfile *df, const struct cs_df_config *cfg,
		       struct cs_issues *out, struct cs_error *err)
{
	struct lint L = { .df = df, .cfg = cfg, .out = out };
	struct stage_state *sts = NULL;
	int r = 0;

	for (int i = 0; i < _R_MAX; i++) {
		L.enabled[i] = rules[i].default_on;
		L.sev[i] = rules[i].severity;
	}
	if (cfg) {
		for (int i = 0; i < _R_MAX; i++)
			if (cfg_has(cfg->enable, cfg->n_enable, rules[i].id))
				L.enabled[i] = true;
		for (size_t k = 0; k < cfg->n_sev; k++) {
			int i = rule_index(cfg->sev_rule[k]);

			if (i >= 0)
				L.sev[i] = cfg->sev[k];
		}
		if (cfg->require_digest)
			L.enabled[R_FROM_DIGEST] = true;
		if (cfg->n_trusted)
			L.enabled[R_TRUSTED] = true;
	}
	sts = cs_new0(struct stage_state, df->n_stages ? df->n_stages : 1);
	if (!sts)
		return cs_error_errno(err, ENOMEM, "%s", df->path);
	for (size_t si = 0; si < df->n_stages && r >= 0; si++) {
		const struct cs_df_stage *s = &df->stages[si];
		struct stage_state *st = &sts[si];

		st->from = &df->v[s->first];
		if (s->base_stage >= 0) {
			/* FROM an earlier stage inherits its user, workdir and shell */
			const struct stage_state *b = &sts[s->base_stage];

			st->user = b->user;
			st->last_user = b->last_user;
			st->workdir = b->workdir;
			st->pipefail_shell = b->pipefail_shell;
			st->pip_no_cache = b->pip_no_cache;
		}
		const struct cs_df_instr *prev_run = NULL;
		size_t prev_run_cmds = 0;

		r = lint_from(&L, si);
		for (size_t i = s->first + 1; i < s->first + s->count && r >= 0; i++) {
			const struct cs_df_instr *x = &df->v[i];

			switch (x->cmd) {
			case CS_DF_USER:
				st->last_user = x;
				st->user = x->args[0];
				break;
			case CS_DF_WORKDIR:
				st->workdir = true;
				break;
			case CS_DF_SHELL:
				st->pipefail_shell = false;
				for (size_t k = 0; x->json && k < x->n_args; k++)
					if (!strcmp(x->args[k], "pipefail"))
						st->pipefail_shell = true;
				if (x->json && x->n_args && !posix_shell(base(x->args[0])))
					st->pipefail_shell =
						true; /* powershell, cmd: no pipefail */
				break;
			case CS_DF_ENV:
				for (size_t k = 0; k < x->n_kv; k++)
					if (!strcmp(x->kv[k].key, "PIP_NO_CACHE_DIR"))
						st->pip_no_cache = true;
				break;
			case CS_DF_CMD:
				if (st->cmd)
					r = emit(&L, R_MULTI_CMD, x, NULL,
						 "CMD at line %u is overridden", st->cmd->line);
				st->cmd = x;
				break;
			case CS_DF_ENTRYPOINT:
				if (st->entrypoint)
					r = emit(&L, R_MULTI_ENTRYPOINT, x, NULL,
						 "ENTRYPOINT at line %u is overridden",
						 st->entrypoint->line);
				st->entrypoint = x;
				break;
			case CS_DF_HEALTHCHECK:
				if (st->healthcheck)
					r = emit(&L, R_MULTI_HEALTHCHECK, x, NULL,
						 "HEALTHCHECK at line %u is overridden",
						 st->healthcheck->line);
				st->healthcheck = x;
				break;
			default:
				break;
			}
			if (r >= 0)
				r = lint_instr(&L, x, x, st);
			/*
			 * Two RUNs in a row with the same flags, each one command: one
			 * layer would do. A RUN that already chains commands was split
			 * on purpose (hadolint's DL3059 reasoning), and different
			 * --mount flags cannot be merged.
			 */
			if (r >= 0 && x->cmd == CS_DF_RUN) {
				if (prev_run && L.run_cmds == 1 && prev_run_cmds == 1 &&
				    same_flags(prev_run, x))
					r = emit(&L, R_RUN_CONSECUTIVE, x, NULL,
						 "RUN at line %u could take this command too",
						 prev_run->line);
				prev_run = x;
				prev_run_cmds = L.run_cmds;
			} else
				prev_run = NULL;
			if (r >= 0 && x->cmd == CS_DF_ONBUILD && x->sub)
				r = lint_instr(&L, x->sub, x, st);
		}
		if (r >= 0 && si + 1 == df->n_stages) {
			/* the final stage is the image */
			if (st->user && is_root(st->user))
				r = emit(&L, R_USER_ROOT, st->last_user, NULL,
					 "the image runs as '%s'", st->user);
			else if (!st->user)
				r = emit(&L, R_USER_MISSING, st->from, NULL,
					 "the final stage sets no USER");
			if (r >= 0 && !st->healthcheck)
				r = emit(&L, R_HEALTHCHECK_MISSING, st->from, NULL,
					 "the final stage has no HEALTHCHECK");
		}
	}
	for (size_t si = 0; si < df->n_stages; si++)
		free(sts[si].secret_args);
	free(sts);
	if (r < 0)
		return cs_error_errno(err, -r, "cannot lint '%s'", df->path);
	return 0;
}
