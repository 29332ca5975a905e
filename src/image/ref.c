/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image reference parsing: transports (docker-archive:, oci:, ...) and the
 * docker reference grammar with its normalisation rules (docker.io,
 * library/). Input is untrusted (it may come from a Kubernetes manifest).
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "basic/parse.h"
#include "image/ref.h"

#define NAME_MAX_TOTAL 255
#define TAG_MAX	       128
#define REF_MAX	       4096

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* path-component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool valid_path_component(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	while (i < n) {
		if (is_lower_alnum(s[i])) {
			i++;
			continue;
		}
		/* a separator run, followed by an alphanumeric */
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < n && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
		if (i >= n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

/* domain-component ('.' domain-component)* [':' port], or [IPv6][:port] */
static bool valid_domain(const char *s, size_t n)
{
	size_t i = 0, end = n;
	const char *colon;

	if (n == 0)
		return false;
	if (s[0] == '[') {
		const char *rb = memchr(s, ']', n);

		if (!rb || rb == s + 1)
			return false;
		for (const char *p = s + 1; p < rb; p++)
			if (!is_hex(*p) && *p != ':')
				return false;
		i = (size_t)(rb - s) + 1;
		if (i == n)
			return true;
		if (s[i] != ':')
			return false;
		colon = s + i;
		end = i;
	} else {
		colon = memchr(s, ':', n);
		if (colon)
			end = (size_t)(colon - s);
		/* components */
		while (i < end) {
			size_t b = i;

			while (i < end && s[i] != '.')
				i++;
			if (i == b || !is_alnum(s[b]) || !is_alnum(s[i - 1]))
				return false;
			for (size_t k = b; k < i; k++)
				if (!is_alnum(s[k]) && s[k] != '-')
					return false;
			if (i < end)
				i++; /* the dot */
			if (i == end && s[end - 1] == '.')
				return false;
		}
	}
	if (colon) {
		const char *p = colon + 1;

		if (p == s + n)
			return false;
		for (; p < s + n; p++)
			if (*p < '0' || *p > '9')
				return false;
	}
	return true;
}

static bool valid_tag(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > TAG_MAX)
		return false;
	if (!(is_alnum(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

/* algorithm ':' hex{32,} as the docker grammar allows (checked strictly later) */
static bool valid_digest_syntax(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t hexlen;

	if (!colon || colon == s || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (const char *p = s; p < colon; p++)
		if (!is_alnum(*p) && !strchr("-_+.", *p))
			return false;
	hexlen = strlen(colon + 1);
	if (hexlen < 32)
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (!is_hex(*p))
			return false;
	return true;
}

void cs_docker_ref_done(struct cs_docker_ref *r)
{
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

int cs_docker_ref_parse(const char *s, bool default_tag, struct cs_docker_ref *ret,
			struct cs_error *err)
{
	_cleanup_free_ char *copy = NULL;
	struct cs_docker_ref r = { 0 };
	char *at, *name, *slash, *colon, *tag = NULL, *rest;
	const char *domain;
	size_t n = strlen(s);
	int e;

	if (n == 0)
		return cs_error_set(err, -CS_E_INPUT, "empty image reference");
	if (n > REF_MAX)
		return cs_error_set(err, -CS_E_INPUT, "image reference '%.64s...' is too long", s);
	copy = cs_strdup(s);
	if (!copy)
		return -ENOMEM;
	name = copy;
	at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (!valid_digest_syntax(at + 1))
			return cs_error_set(err, -CS_E_INPUT,
					    "invalid digest in image reference '%s'", s);
		e = cs_digest_parse(at + 1, NULL, err);
		if (e < 0)
			return cs_error_prefix(err, "image reference '%s'", s);
	}
	/* a tag follows the last ':' after the last '/' */
	slash = strrchr(name, '/');
	colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		*colon = '\0';
		tag = colon + 1;
		if (!valid_tag(tag))
			return cs_error_set(err, -CS_E_INPUT,
					    "invalid tag '%s' in image reference '%s'", tag, s);
	}
	if (!*name)
		return cs_error_set(err, -CS_E_INPUT, "image reference '%s' has no name", s);
	/* the first component is a domain if it looks like one */
	slash = strchr(name, '/');
	if (slash && (memchr(name, '.', (size_t)(slash - name)) ||
		      memchr(name, ':', (size_t)(slash - name)) ||
		      (slash - name == 9 && !strncmp(name, "localhost", 9)) || name[0] == '[')) {
		*slash = '\0';
		domain = name;
		rest = slash + 1;
		if (!valid_domain(domain, strlen(domain)))
			return cs_error_set(err, -CS_E_INPUT,
					    "invalid registry '%s' in image reference '%s'", domain,
					    s);
	} else {
		for (const char *p = name; *p && (!slash || p < slash); p++)
			if (*p >= 'A' && *p <= 'Z')
				return cs_error_set(err, -CS_E_INPUT,
						    "image reference '%s' must be lowercase", s);
		domain = "docker.io";
		rest = name;
	}
	if (!strcmp(domain, "index.docker.io"))
		domain = "docker.io";
	/* validate the path components */
	for (char *p = rest;;) {
		char *q = strchr(p, '/');
		size_t len = q ? (size_t)(q - p) : strlen(p);

		if (!valid_path_component(p, len))
			return cs_error_set(err, -CS_E_INPUT,
					    "invalid repository name '%s' in image reference '%s'",
					    rest, s);
		if (!q)
			break;
		p = q + 1;
	}
	r.domain = cs_strdup(domain);
	if (!strcmp(domain, "docker.io") && !strchr(rest, '/'))
		r.path = cs_asprintf("library/%s", rest);
	else
		r.path = cs_strdup(rest);
	if (r.domain && r.path && strlen(r.domain) + 1 + strlen(r.path) > NAME_MAX_TOTAL) {
		cs_docker_ref_done(&r);
		return cs_error_set(err, -CS_E_INPUT, "repository name in '%.64s...' is too long",
				    s);
	}
	if (tag)
		r.tag = cs_strdup(tag);
	else if (!at && default_tag)
		r.tag = cs_strdup("latest");
	if (at)
		r.digest = cs_strdup(at + 1);
	if (!r.domain || !r.path || (tag && !r.tag) || (at && !r.digest) ||
	    (!tag && !at && default_tag && !r.tag)) {
		cs_docker_ref_done(&r);
		return -ENOMEM;
	}
	*ret = r;
	return 0;
}

char *cs_docker_ref_format(const struct cs_docker_ref *r)
{
	return cs_asprintf("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "",
			   r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
}

static const struct {
	const char *prefix;
	enum cs_transport transport;
} transports[] = {
	{ "docker-archive:", CS_TRANSPORT_DOCKER_ARCHIVE },
	{ "oci-archive:", CS_TRANSPORT_OCI_ARCHIVE },
	{ "oci:", CS_TRANSPORT_OCI },
	{ "dir:", CS_TRANSPORT_DIR },
	{ "registry:", CS_TRANSPORT_REGISTRY },
	{ "docker://", CS_TRANSPORT_REGISTRY },
	{ "engine:", CS_TRANSPORT_ENGINE },
	{ "docker-daemon:", CS_TRANSPORT_ENGINE },
};

const char *cs_transport_name(enum cs_transport t)
{
	switch (t) {
	case CS_TRANSPORT_DOCKER_ARCHIVE:
		return "docker-archive";
	case CS_TRANSPORT_OCI:
		return "oci";
	case CS_TRANSPORT_OCI_ARCHIVE:
		return "oci-archive";
	case CS_TRANSPORT_DIR:
		return "dir";
	case CS_TRANSPORT_REGISTRY:
		return "registry";
	case CS_TRANSPORT_ENGINE:
		return "engine";
	}
	return "unknown";
}

void cs_ref_free(struct cs_ref *ref)
{
	if (!ref)
		return;
	free(ref->input);
	free(ref->path);
	free(ref->tag);
	free(ref->engine_name);
	cs_docker_ref_done(&ref->name);
	free(ref);
}

/* PATH[:SUFFIX] split at the first ':' (as skopeo does) */
static int split_path(const char *rest, struct cs_ref *ref, struct cs_error *err)
{
	const char *colon = strchr(rest, ':');

	ref->path = colon ? cs_strndup(rest, (size_t)(colon - rest)) : cs_strdup(rest);
	if (!ref->path)
		return -ENOMEM;
	if (!*ref->path)
		return cs_error_set(err, -CS_E_INPUT, "image reference '%s' has no path",
				    ref->input);
	if (!colon)
		return 0;
	colon++;
	if (!*colon)
		return cs_error_set(err, -CS_E_INPUT, "image reference '%s' ends with ':'",
				    ref->input);
	if (ref->transport == CS_TRANSPORT_DOCKER_ARCHIVE && colon[0] == '@') {
		int idx;

		if (cs_safe_atoi(colon + 1, &idx) < 0 || idx < 0)
			return cs_error_set(err, -CS_E_INPUT, "invalid image index '%s' in '%s'",
					    colon + 1, ref->input);
		ref->index = idx;
		return 0;
	}
	if (ref->transport == CS_TRANSPORT_DIR)
		return cs_error_set(err, -CS_E_INPUT, "dir: references take no tag: '%s'",
				    ref->input);
	if (ref->transport != CS_TRANSPORT_DOCKER_ARCHIVE) {
		/* OCI ref.name annotation: printable, no spaces */
		for (const char *p = colon; *p; p++)
			if ((unsigned char)*p <= 0x20 || *p == 0x7f)
				return cs_error_set(err, -CS_E_INPUT,
						    "invalid tag in image reference '%s'",
						    ref->input);
	}
	ref->tag = cs_strdup(colon);
	return ref->tag ? 0 : -ENOMEM;
}

int cs_ref_parse(const char *s, struct cs_ref **ret, struct cs_error *err)
{
	_cleanup_(cs_ref_freep) struct cs_ref *ref = NULL;
	const char *rest = NULL;
	int r;

	if (!s || !*s)
		return cs_error_set(err, -CS_E_INPUT, "empty image reference");
	if (strlen(s) > REF_MAX)
		return cs_error_set(err, -CS_E_INPUT, "image reference '%.64s...' is too long", s);
	ref = cs_zalloc(sizeof(*ref));
	if (!ref)
		return -ENOMEM;
	ref->index = -1;
	ref->input = cs_strdup(s);
	if (!ref->input)
		return -ENOMEM;
	ref->transport = CS_TRANSPORT_REGISTRY;
	rest = s;
	for (size_t i = 0; i < CS_ARRAY_SIZE(transports); i++) {
		size_t n = strlen(transports[i].prefix);

		if (!strncmp(s, transports[i].prefix, n)) {
			ref->transport = transports[i].transport;
			rest = s + n;
			break;
		}
	}
	switch (ref->transport) {
	case CS_TRANSPORT_DOCKER_ARCHIVE:
	case CS_TRANSPORT_OCI:
	case CS_TRANSPORT_OCI_ARCHIVE:
	case CS_TRANSPORT_DIR:
		r = split_path(rest, ref, err);
		if (r < 0)
			return r;
		break;
	case CS_TRANSPORT_REGISTRY:
		if (rest[0] == '/' && rest[1] == '/')
			rest += 2;
		r = cs_docker_ref_parse(rest, true, &ref->name, err);
		if (r < 0)
			return r;
		break;
	case CS_TRANSPORT_ENGINE:
		if (!*rest)
			return cs_error_set(err, -CS_E_INPUT, "image reference '%s' has no name",
					    s);
		for (const char *p = rest; *p; p++)
			if ((unsigned char)*p <= 0x20 || *p == 0x7f)
				return cs_error_set(err, -CS_E_INPUT,
						    "invalid engine image name in '%s'", s);
		ref->engine_name = cs_strdup(rest);
		if (!ref->engine_name)
			return -ENOMEM;
		/* engine names are often docker references; keep the parse if so */
		if (cs_docker_ref_parse(rest, false, &ref->name, NULL) < 0)
			memset(&ref->name, 0, sizeof(ref->name));
		break;
	}
	*ret = CS_TAKE_PTR(ref);
	return 0;
}
