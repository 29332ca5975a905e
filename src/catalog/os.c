/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operating system detection: os-release (etc/ then usr/lib/) and the
 * older release files as fallbacks (alpine-release, debian_version,
 * redhat-release and friends). Every candidate file is parsed as the walk
 * meets it; finish() picks the best one the merged view still shows.
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/path.h"
#include "catalog/catalog.h"
#include "catalog/internal.h"

#define OS_FILE_MAX (64 * 1024)

/* in order of preference */
static const char *const os_files[] = {
	"etc/os-release",     "usr/lib/os-release", "etc/alpine-release", "etc/debian_version",
	"etc/redhat-release", "etc/centos-release", "etc/rocky-release",  "etc/almalinux-release",
	"etc/fedora-release", "etc/oracle-release", "etc/system-release",
};

struct os_candidate {
	struct cs_os_release *os;
	size_t rank;
	unsigned layer;
};

struct os_state {
	struct os_candidate *c;
	size_t n, cap;
};

static size_t os_rank(const char *path)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(os_files); i++)
		if (!strcmp(path, os_files[i]))
			return i;
	return SIZE_MAX;
}

static bool os_wants(const char *path, const struct cs_entry *e)
{
	(void)e;
	return path[0] == 'e' || path[0] == 'u' ? os_rank(path) != SIZE_MAX : false;
}

/* Unquote an os-release value (shell-like: "..." or '...', backslash escapes in "..."). */
static char *os_value(const char *v, size_t n)
{
	struct cs_buf b = CS_BUF_INIT(4096);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		char q = v[0];

		for (size_t i = 1; i + 1 < n; i++) {
			if (q == '"' && v[i] == '\\' && i + 2 < n)
				i++;
			if (cs_buf_putc(&b, v[i]) < 0)
				break;
		}
	} else {
		cs_buf_append(&b, v, n);
	}
	return cs_buf_steal(&b, NULL);
}

static int parse_os_release(struct cs_os_release *os, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end, *eq;
		char **field = NULL;
		size_t klen;

		while (p < line_end && (*p == ' ' || *p == '\t'))
			p++;
		eq = memchr(p, '=', (size_t)(line_end - p));
		if (eq && *p != '#') {
			const char *v = eq + 1;
			size_t vlen = (size_t)(line_end - v);

			while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' '))
				vlen--;
			klen = (size_t)(eq - p);
#define KEY(k, f) else if (klen == sizeof(k) - 1 && !memcmp(p, k, klen)) field = &os->f
			if (0)
				;
			KEY("ID", id);
			KEY("VERSION_ID", version_id);
			KEY("VERSION_CODENAME", version_codename);
			KEY("ID_LIKE", id_like);
			KEY("PRETTY_NAME", pretty_name);
			KEY("NAME", name);
			KEY("CPE_NAME", cpe_name);
#undef KEY
			if (field) {
				free(*field);
				*field = os_value(v, vlen);
				if (!*field)
					return -ENOMEM;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static char *first_line(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	size_t n = nl ? (size_t)(nl - data) : len;

	while (n && (data[n - 1] == '\r' || data[n - 1] == ' '))
		n--;
	return cs_strndup(data, n);
}

/* "Rocky Linux release 9.3 (Blue Onyx)" -> rocky, 9.3 */
static int parse_redhat_release(struct cs_os_release *os, const char *data, size_t len)
{
	static const struct {
		const char *prefix, *id;
	} names[] = {
		{ "Red Hat Enterprise Linux", "rhel" },
		{ "CentOS Stream", "centos" },
		{ "CentOS", "centos" },
		{ "Rocky Linux", "rocky" },
		{ "AlmaLinux", "almalinux" },
		{ "Fedora", "fedora" },
		{ "Oracle Linux", "ol" },
		{ "Amazon Linux", "amzn" },
	};
	_cleanup_free_ char *line = first_line(data, len);
	const char *rel;

	if (!line)
		return -ENOMEM;
	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++)
		if (!strncmp(line, names[i].prefix, strlen(names[i].prefix))) {
			os->id = cs_strdup(names[i].id);
			break;
		}
	rel = strstr(line, " release ");
	if (rel) {
		const char *v = rel + 9;
		size_t n = strspn(v, "0123456789.");

		if (n)
			os->version_id = cs_strndup(v, n);
	}
	os->pretty_name = cs_strdup(line);
	return os->pretty_name ? 0 : -ENOMEM;
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
			return false;
	return true;
}

static int os_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		    size_t len, struct cs_error *err)
{
	struct os_state *st = f->state;
	struct cs_os_release *os;
	size_t rank = os_rank(f->path);
	const char *base = cs_path_basename(f->path);
	int r = 0;

	(void)cat;
	if (len > OS_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %d bytes", OS_FILE_MAX);
	if (!printable(data, len))
		return cs_error_set(err, -CS_E_INPUT, "not a text file");
	os = cs_zalloc(sizeof(*os));
	if (!os)
		return -ENOMEM;
	if (!strcmp(base, "os-release")) {
		r = parse_os_release(os, data, len);
	} else if (!strcmp(base, "alpine-release")) {
		os->id = cs_strdup("alpine");
		os->version_id = first_line(data, len);
	} else if (!strcmp(base, "debian_version")) {
		_cleanup_free_ char *v = first_line(data, len);

		os->id = cs_strdup("debian");
		/* "12.5" -> "12"; "bookworm/sid" -> codename only */
		if (v && v[0] >= '0' && v[0] <= '9')
			os->version_id = cs_strndup(v, strspn(v, "0123456789"));
		else if (v)
			os->version_codename = cs_strndup(v, strcspn(v, "/"));
	} else {
		r = parse_redhat_release(os, data, len);
	}
	if (r >= 0 && !os->id) {
		cs_os_release_free_(os);
		return cs_error_set(err, -CS_E_INPUT, "no ID in release file");
	}
	os->detected_from = cs_strdup(f->path);
	os->layer = f->layer;
	if (r < 0 || !os->detected_from || CS_GROW(st->c, st->cap, st->n + 1) < 0) {
		cs_os_release_free_(os);
		return -ENOMEM;
	}
	st->c[st->n++] = (struct os_candidate){ os, rank, f->layer };
	return 0;
}

static void *os_state_new(void)
{
	return cs_zalloc(sizeof(struct os_state));
}

static void os_state_free(void *p)
{
	struct os_state *st = p;

	for (size_t i = 0; i < st->n; i++)
		cs_os_release_free_(st->c[i].os);
	free(st->c);
	free(st);
}

static bool candidate_visible(struct cs_overlay *ov, const struct os_candidate *c)
{
	const struct cs_overlay_entry *e;

	if (!ov)
		return true;
	return cs_overlay_lookup(ov, c->os->detected_from, false, &e, NULL) == 0 &&
	       e->layer == c->layer;
}

static int os_finish(struct cs_catalog *cat, void *state, struct cs_overlay *ov,
		     struct cs_error *err)
{
	struct os_state *st = state;
	struct os_candidate *best = NULL, *debian_version = NULL;

	(void)err;
	for (size_t i = 0; i < st->n; i++) {
		struct os_candidate *c = &st->c[i];

		if (!candidate_visible(ov, c))
			continue;
		if (!strcmp(cs_path_basename(c->os->detected_from), "debian_version"))
			debian_version = c;
		if (!best || c->rank < best->rank)
			best = c;
	}
	if (!best)
		return 0;
	/* Debian testing/sid has no VERSION_ID in os-release */
	if (!best->os->version_id && debian_version && best != debian_version &&
	    !strcmp(best->os->id, "debian") && debian_version->os->version_id)
		best->os->version_id = cs_strdup(debian_version->os->version_id);
	cs_catalog_set_os_(cat, best->os);
	best->os = NULL; /* now the catalog's */
	return 0;
}

const struct cs_cataloger cs_cataloger_os = {
	.name = "os-release",
	.version = 1,
	.max_size = OS_FILE_MAX,
	.wants = os_wants,
	.parse = os_parse,
	.state_new = os_state_new,
	.state_free = os_state_free,
	.finish = os_finish,
};
