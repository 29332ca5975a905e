/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java archives (jar, war, ear and their plugin cousins), read from memory
 * with libarchive's seekable zip reader (central directory, zip64). Each
 * archive yields one package per META-INF/maven/G/A/pom.properties; an
 * archive without one falls back to its MANIFEST.MF main section and then
 * to its file name (name-1.2.3.jar). Archives inside archives
 * (WEB-INF/lib, BOOT-INF/lib, an ear's wars, shaded jars/) are read the
 * same way, recorded as "outer.jar!inner/path.jar".
 *
 * Every archive is hostile: nesting depth, the entries read over all
 * levels, the bytes of nested archives and of metadata files are bounded;
 * a zip bomb or an endless nesting ends in a warning, not in memory
 * exhaustion. A nested archive that cannot be read is a warning; only the
 * outer file failing makes parse() fail.
 */
#include <string.h>
#include <strings.h>
#include <archive.h>
#include <archive_entry.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "catalog/catalog.h"

#define JAVA_MAX_SIZE	   (256ull << 20)
#define JAVA_MAX_DEPTH	   8
#define JAVA_NESTED_BUDGET (256ull << 20) /* bytes of nested archives per outer file */
#define JAVA_MAX_ENTRIES   200000	  /* entries over all levels of one outer file */
#define JAVA_META_MAX	   (1u << 20)	  /* a pom.properties or MANIFEST.MF */
#define JAVA_MAX_POMS	   10000
#define JAVA_VALUE_MAX	   (64u << 10)
#define JAVA_CHUNK	   (64u << 10)

static const char found_by[] = "java";

static const char *const archive_exts[] = {
	".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", ".nar", ".kar",
};

static bool has_archive_ext(const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < CS_ARRAY_SIZE(archive_exts); i++)
		if (n > 4 && !strcasecmp(path + n - 4, archive_exts[i]))
			return true;
	return false;
}

static bool java_wants(const char *path, const struct cs_entry *e)
{
	return e->type == CS_ENTRY_REG && has_archive_ext(path);
}

/* a local file header, or a launch script before the zip (executable jars) */
static bool java_sniff(const void *head, size_t n)
{
	return n >= 4 && (!memcmp(head, "PK\x03\x04", 4) || !memcmp(head, "#!", 2));
}

struct pom {
	char *group, *artifact, *version;
};

enum {
	MF_IMPL_TITLE,
	MF_IMPL_VERSION,
	MF_IMPL_VENDOR,
	MF_IMPL_VENDOR_ID,
	MF_BUNDLE_SYMBOLIC_NAME,
	MF_BUNDLE_NAME,
	MF_BUNDLE_VERSION,
	MF_BUNDLE_VENDOR,
	MF_BUNDLE_LICENSE,
	MF_SPEC_TITLE,
	MF_SPEC_VERSION,
	MF_SPEC_VENDOR,
	MF_COUNT,
};

static const char *const mf_names[MF_COUNT] = {
	[MF_IMPL_TITLE] = "Implementation-Title",
	[MF_IMPL_VERSION] = "Implementation-Version",
	[MF_IMPL_VENDOR] = "Implementation-Vendor",
	[MF_IMPL_VENDOR_ID] = "Implementation-Vendor-Id",
	[MF_BUNDLE_SYMBOLIC_NAME] = "Bundle-SymbolicName",
	[MF_BUNDLE_NAME] = "Bundle-Name",
	[MF_BUNDLE_VERSION] = "Bundle-Version",
	[MF_BUNDLE_VENDOR] = "Bundle-Vendor",
	[MF_BUNDLE_LICENSE] = "Bundle-License",
	[MF_SPEC_TITLE] = "Specification-Title",
	[MF_SPEC_VERSION] = "Specification-Version",
	[MF_SPEC_VENDOR] = "Specification-Vendor",
};

struct manifest {
	char *v[MF_COUNT];
	bool present;
};

struct java_ctx {
	struct cs_catalog *cat;
	const struct cs_cataloger_file *f;
	uint64_t budget;       /* nested archive bytes left */
	uint64_t entries_left; /* entries left over all levels */
	bool stopped;	       /* entries_left ran out: stop reading everywhere */
	bool warned_budget;
	uint8_t *chunk;
	struct cs_package **pkgs;
	size_t n_pkgs, cap_pkgs;
};

static void manifest_done(struct manifest *m)
{
	for (size_t i = 0; i < MF_COUNT; i++)
		free(m->v[i]);
	memset(m, 0, sizeof(*m));
}

static void poms_free(struct pom *poms, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(poms[i].group);
		free(poms[i].artifact);
		free(poms[i].version);
	}
	free(poms);
}

static char *trimmed_dup(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return cs_strndup(s, n);
}

/* --- MANIFEST.MF: main section, 72-byte lines continued by a leading space --- */

static int manifest_store(struct manifest *m, int attr, struct cs_buf *val)
{
	char *s;

	if (attr < 0 || m->v[attr])
		return 0;
	s = trimmed_dup(val->data ? val->data : "", val->len);
	if (!s)
		return -ENOMEM;
	/* Implementation-Vendor: "Apache Software Foundation" */
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		memmove(s, s + 1, n - 2);
		s[n - 2] = '\0';
	}
	if (!*s || memchr(val->data ? val->data : "", 0, val->len)) {
		free(s);
		return 0;
	}
	m->v[attr] = s;
	m->present = true;
	return 0;
}

static int parse_manifest(const char *data, size_t len, struct manifest *m)
{
	_cleanup_buf_ struct cs_buf val = CS_BUF_INIT(JAVA_VALUE_MAX);
	const char *p = data, *end = data + len;
	int attr = -1, r;
	bool skipping = false; /* current value too long */

	while (p < end) {
		const char *eol = p, *next;
		size_t n;

		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		n = (size_t)(eol - p);
		/* the next line starts after \n, \r or \r\n */
		next = eol;
		if (next < end && *next == '\r')
			next++;
		if (next < end && *next == '\n')
			next++;
		if (n == 0)
			break; /* the main section ends at the first blank line */
		if (p[0] == ' ') {
			if (attr >= 0 && !skipping) {
				r = cs_buf_append(&val, p + 1, n - 1);
				if (r == -CS_E_LIMIT)
					skipping = true;
				else if (r < 0)
					return r;
			}
		} else {
			const char *colon = memchr(p, ':', n);

			r = manifest_store(m, skipping ? -1 : attr, &val);
			if (r < 0)
				return r;
			cs_buf_reset(&val);
			attr = -1;
			skipping = false;
			if (colon) {
				size_t klen = (size_t)(colon - p);

				for (int i = 0; i < MF_COUNT; i++)
					if (strlen(mf_names[i]) == klen &&
					    !strncasecmp(p, mf_names[i], klen))
						attr = i;
				if (attr >= 0) {
					r = cs_buf_append(&val, colon + 1, n - klen - 1);
					if (r == -CS_E_LIMIT)
						skipping = true;
					else if (r < 0)
						return r;
				}
			}
		}
		p = next;
	}
	return manifest_store(m, skipping ? -1 : attr, &val);
}

/* A value with java.util.Properties escapes undone; NUL and controls dropped. */
static char *properties_value(const char *s, size_t n)
{
	struct cs_buf b = CS_BUF_INIT(JAVA_VALUE_MAX);
	int r = 0;

	while (n && (*s == ' ' || *s == '\t' || *s == '\f')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < n && r >= 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' && i + 1 < n) {
			c = (unsigned char)s[++i];
			if (c == 'u' && i + 4 < n) {
				unsigned cp = 0;
				bool ok = true;

				for (size_t k = 1; k <= 4; k++) {
					char h = s[i + k];

					cp <<= 4;
					if (h >= '0' && h <= '9')
						cp |= (unsigned)(h - '0');
					else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
						cp |= (unsigned)((h | 0x20) - 'a' + 10);
					else
						ok = false;
				}
				if (!ok)
					continue;
				i += 4;
				/* versions and ids are ASCII; anything else is dropped */
				if (cp >= 0x20 && cp < 0x7f)
					r = cs_buf_putc(&b, (char)cp);
				continue;
			}
			c = c == 't'   ? '\t'
			    : c == 'n' ? '\n'
			    : c == 'r' ? '\r'
			    : c == 'f' ? '\f'
				       : c;
		}
		if (c >= 0x20 || c == '\t')
			r = cs_buf_putc(&b, (char)c);
	}
	if (r == -ENOMEM) {
		cs_buf_done(&b);
		return NULL;
	}
	/* cs_buf_steal() of an empty buffer is not NUL-terminated */
	if (!b.len) {
		cs_buf_done(&b);
		return cs_strdup("");
	}
	return cs_buf_steal(&b, NULL);
}

/* --- pom.properties (java.util.Properties syntax, the parts Maven writes) --- */

static int parse_properties(const char *data, size_t len, struct pom *pom)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		_cleanup_buf_ struct cs_buf line = CS_BUF_INIT(JAVA_VALUE_MAX);
		const char *k, *sep;
		char **field = NULL;
		size_t klen, i = 0;
		int r = 0;

		/* a logical line: physical lines joined while one ends in an odd backslash */
		for (;;) {
			const char *eol = p, *s;
			size_t n, bs = 0;

			while (eol < end && *eol != '\n' && *eol != '\r')
				eol++;
			n = (size_t)(eol - p);
			while (bs < n && p[n - 1 - bs] == '\\')
				bs++;
			s = p;
			if (line.len) /* continuation: leading whitespace is dropped */
				while (s < eol && (*s == ' ' || *s == '\t' || *s == '\f'))
					s++;
			r = cs_buf_append(&line, s, (size_t)(eol - s) - (bs & 1));
			if (eol < end && *eol == '\r')
				eol++;
			if (eol < end && *eol == '\n')
				eol++;
			p = eol;
			if (r < 0 || !(bs & 1) || p >= end)
				break;
		}
		if (r == -CS_E_LIMIT)
			continue;
		if (r < 0)
			return r;
		k = line.data ? line.data : "";
		while (i < line.len && (k[i] == ' ' || k[i] == '\t' || k[i] == '\f'))
			i++;
		if (i >= line.len || k[i] == '#' || k[i] == '!')
			continue;
		k += i;
		sep = k;
		while (sep < line.data + line.len && *sep != '=' && *sep != ':' && *sep != ' ' &&
		       *sep != '\t')
			sep++;
		klen = (size_t)(sep - k);
		if (klen == 7 && !memcmp(k, "groupId", 7))
			field = &pom->group;
		else if (klen == 10 && !memcmp(k, "artifactId", 10))
			field = &pom->artifact;
		else if (klen == 7 && !memcmp(k, "version", 7))
			field = &pom->version;
		if (!field)
			continue;
		while (sep < line.data + line.len && (*sep == ' ' || *sep == '\t'))
			sep++;
		if (sep < line.data + line.len && (*sep == '=' || *sep == ':'))
			sep++;
		free(*field);
		*field = properties_value(sep, (size_t)(line.data + line.len - sep));
		if (!*field)
			return -ENOMEM;
		if (!**field) {
			free(*field);
			*field = NULL;
		}
	}
	return 0;
}

/* --- reading entries --- */

static const char *archive_err(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s ? s : "unknown error";
}

/* Read the current entry into out (out->max bounds it): 0, -CS_E_LIMIT, -CS_E_INPUT. */
static int read_entry(struct java_ctx *ctx, struct archive *a, struct cs_buf *out)
{
	for (;;) {
		la_ssize_t n = archive_read_data(a, ctx->chunk, JAVA_CHUNK);
		int r;

		if (n < 0)
			return -CS_E_INPUT;
		if (n == 0)
			return 0;
		r = cs_buf_append(out, ctx->chunk, (size_t)n);
		if (r < 0)
			return r;
	}
}

/* "META-INF/maven/GROUP/ARTIFACT/pom.properties" */
static bool is_pom_properties(const char *name)
{
	static const char pre[] = "META-INF/maven/", suf[] = "/pom.properties";
	size_t n = strlen(name), slashes = 0;

	if (n <= sizeof(pre) - 1 + sizeof(suf) - 1 || strncmp(name, pre, sizeof(pre) - 1) ||
	    strcmp(name + n - (sizeof(suf) - 1), suf))
		return false;
	for (size_t i = sizeof(pre) - 1; i < n - (sizeof(suf) - 1); i++)
		slashes += name[i] == '/';
	return slashes == 1 && name[sizeof(pre) - 1] != '/' && name[n - sizeof(suf)] != '/';
}

/* --- packages --- */

/* CPE 2.3 formatted-string value: lowercase, '\'-escape what is not [a-z0-9._-] */
static int cpe_value(struct cs_buf *b, const char *s)
{
	int r = 0;

	if (!s || !*s)
		return cs_buf_putc(b, '*');
	if (!strcmp(s, "-"))
		return cs_buf_puts(b, "\\-");
	for (; *s && r >= 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.')
			r = cs_buf_putc(b, (char)c);
		else if (c == ' ')
			r = cs_buf_putc(b, '_');
		else if (c > 0x20 && c < 0x7f)
			r = cs_buf_putc(b, '\\') < 0 ? -ENOMEM : cs_buf_putc(b, (char)c);
		else
			return -CS_E_INPUT; /* not representable: no CPE */
	}
	return r;
}

static int set_cpe(struct cs_package *p, const char *vendor)
{
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(4096);
	int r;

	/* without a version a CPE would claim every version */
	if (!p->version || !p->name)
		return 0;
	if (cs_buf_puts(&b, "cpe:2.3:a:") < 0)
		return -ENOMEM;
	r = cpe_value(&b, vendor);
	if (r >= 0)
		r = cs_buf_putc(&b, ':');
	if (r >= 0)
		r = cpe_value(&b, p->name);
	if (r >= 0)
		r = cs_buf_putc(&b, ':');
	if (r >= 0)
		r = cpe_value(&b, p->version);
	if (r >= 0)
		r = cs_buf_puts(&b, ":*:*:*:*:*:*:*");
	if (r == -CS_E_INPUT || r == -CS_E_LIMIT)
		return 0;
	if (r < 0)
		return r;
	p->cpe = cs_buf_steal(&b, NULL);
	return p->cpe ? 0 : -ENOMEM;
}

static int keep_package(struct java_ctx *ctx, struct cs_package *p)
{
	if (CS_GROW(ctx->pkgs, ctx->cap_pkgs, ctx->n_pkgs + 1) < 0) {
		cs_package_free(p);
		return -ENOMEM;
	}
	ctx->pkgs[ctx->n_pkgs++] = p;
	return 0;
}

static const char *mf_first(const struct manifest *m, int a, int b, int c)
{
	return m->v[a] ? m->v[a] : m->v[b] ? m->v[b] : c >= 0 ? m->v[c] : NULL;
}

/* "foo-bar-1.2.3.jar" -> name "foo-bar", version "1.2.3" (version NULL if none) */
static int split_filename(const char *path, char **ret_name, char **ret_version)
{
	const char *base = cs_path_basename(path), *dot = strrchr(base, '.');
	size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base), cut = n;

	for (size_t i = 0; i + 1 < n; i++)
		if (base[i] == '-' && base[i + 1] >= '0' && base[i + 1] <= '9' && i > 0) {
			cut = i;
			break;
		}
	*ret_name = cs_strndup(base, cut);
	*ret_version = cut < n ? cs_strndup(base + cut + 1, n - cut - 1) : NULL;
	if (!*ret_name || (cut < n && !*ret_version)) {
		free(*ret_name);
		free(*ret_version);
		return -ENOMEM;
	}
	return 0;
}

static int new_package(struct java_ctx *ctx, const char *path, struct cs_package **ret)
{
	_cleanup_(cs_package_freep) struct cs_package *p = cs_package_new(CS_PKG_MAVEN);

	if (!p || cs_package_set(&p->path, path, strlen(path)) < 0)
		return -ENOMEM;
	p->layer = ctx->f->layer;
	p->found_by = found_by;
	*ret = CS_TAKE_PTR(p);
	return 0;
}

/* licence and vendor from the manifest, for the archive's own package */
static int apply_manifest(struct cs_package *p, const struct manifest *m)
{
	const char *vendor = mf_first(m, MF_IMPL_VENDOR, MF_BUNDLE_VENDOR, MF_SPEC_VENDOR);
	const char *lic = m->v[MF_BUNDLE_LICENSE];

	if (lic && !p->license && cs_package_set(&p->license, lic, strcspn(lic, ";")) < 0)
		return -ENOMEM;
	if (vendor && !p->vendor && cs_package_set(&p->vendor, vendor, strlen(vendor)) < 0)
		return -ENOMEM;
	return 0;
}

static const char *last_segment(const char *group)
{
	const char *dot = group ? strrchr(group, '.') : NULL;

	return dot && dot[1] ? dot + 1 : group;
}

static int emit_archive(struct java_ctx *ctx, const char *path, const struct pom *poms,
			size_t n_poms, const struct manifest *m)
{
	const char *base = cs_path_basename(path);
	int r;

	for (size_t i = 0; i < n_poms; i++) {
		struct cs_package *p = NULL;
		const struct pom *pom = &poms[i];

		if (!pom->artifact)
			continue;
		r = new_package(ctx, path, &p);
		if (r < 0)
			return r;
		if (cs_package_set(&p->name, pom->artifact, strlen(pom->artifact)) < 0 ||
		    (pom->group &&
		     cs_package_set(&p->namespace, pom->group, strlen(pom->group)) < 0) ||
		    (pom->version &&
		     cs_package_set(&p->version, pom->version, strlen(pom->version)) < 0))
			goto oom;
		/* the manifest describes the archive's own artifact, not what was shaded in */
		if (n_poms == 1 ||
		    (strstr(base, pom->artifact) && pom->version && strstr(base, pom->version))) {
			if (apply_manifest(p, m) < 0)
				goto oom;
		}
		if (set_cpe(p, pom->group ? last_segment(pom->group) : p->vendor) < 0)
			goto oom;
		r = keep_package(ctx, p);
		if (r < 0)
			return r;
		continue;
	oom:
		cs_package_free(p);
		return -ENOMEM;
	}
	if (n_poms)
		return 0;

	/* no pom.properties: the manifest, then the file name */
	_cleanup_free_ char *fname = NULL, *fversion = NULL;
	struct cs_package *p = NULL;
	const char *name = NULL, *version = NULL, *group = m->v[MF_IMPL_VENDOR_ID];
	const char *source = "manifest";

	r = split_filename(path, &fname, &fversion);
	if (r < 0)
		return r;
	if (m->present) {
		name = m->v[MF_IMPL_TITLE] ? m->v[MF_IMPL_TITLE] : m->v[MF_BUNDLE_SYMBOLIC_NAME];
		if (!name)
			name = m->v[MF_SPEC_TITLE] ? m->v[MF_SPEC_TITLE] : m->v[MF_BUNDLE_NAME];
		version = mf_first(m, MF_IMPL_VERSION, MF_BUNDLE_VERSION, MF_SPEC_VERSION);
	}
	if (!name) {
		name = fname;
		source = "filename";
	}
	if (!version)
		version = fversion;
	if (!name || !*name)
		return 0;
	r = new_package(ctx, path, &p);
	if (r < 0)
		return r;
	/* "org.example.bundle;singleton:=true" */
	if (cs_package_set(&p->name, name, strcspn(name, ";")) < 0 ||
	    (version && cs_package_set(&p->version, version, strlen(version)) < 0) ||
	    (group && cs_package_set(&p->namespace, group, strlen(group)) < 0) ||
	    apply_manifest(p, m) < 0 || cs_package_add_meta(p, "name-source", source) < 0 ||
	    set_cpe(p, group ? last_segment(group) : p->vendor) < 0) {
		cs_package_free(p);
		return -ENOMEM;
	}
	if (!*p->name) {
		cs_package_free(p);
		return 0;
	}
	return keep_package(ctx, p);
}

static int java_archive(struct java_ctx *ctx, const char *data, size_t len, const char *path,
			unsigned depth, struct cs_error *err);

/* A nested archive entry: read it within the budget and recurse; problems are warnings. */
static int nested_archive(struct java_ctx *ctx, struct archive *a, struct archive_entry *ae,
			  const char *name, const char *path, unsigned depth)
{
	_cleanup_buf_ struct cs_buf inner_path = CS_BUF_INIT(65536);
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(0);
	struct cs_error err = CS_ERROR_INIT;
	uint64_t max = CS_MIN(ctx->budget, JAVA_MAX_SIZE);
	int r;

	r = cs_path_clean(name, strlen(name), &inner_path, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0 || !inner_path.len)
		return cs_catalog_warn(ctx->cat,
				       "java: skipped '%s!%s' in layer %u: bad entry name", path,
				       name, ctx->f->layer);
	_cleanup_free_ char *full = cs_asprintf("%s!%s", path, inner_path.data);
	if (!full)
		return -ENOMEM;
	if (depth + 1 >= JAVA_MAX_DEPTH)
		return cs_catalog_warn(
			ctx->cat, "java: skipped '%s' in layer %u: archives nested deeper than %d",
			full, ctx->f->layer, JAVA_MAX_DEPTH);
	if ((archive_entry_size_is_set(ae) && (uint64_t)archive_entry_size(ae) > max) || max == 0) {
		if (ctx->warned_budget)
			return 0;
		ctx->warned_budget = true;
		return cs_catalog_warn(
			ctx->cat,
			"java: skipped '%s' in layer %u: nested archives over the %llu MiB budget",
			full, ctx->f->layer, JAVA_NESTED_BUDGET >> 20);
	}
	body.max = (size_t)max;
	r = read_entry(ctx, a, &body);
	if (r == -ENOMEM)
		return r;
	if (r == -CS_E_LIMIT) {
		/* more than declared, or undeclared: a bomb, or simply too much */
		ctx->budget = 0;
		return cs_catalog_warn(
			ctx->cat,
			"java: skipped '%s' in layer %u: nested archives over the %llu MiB budget",
			full, ctx->f->layer, JAVA_NESTED_BUDGET >> 20);
	}
	if (r < 0)
		return cs_catalog_warn(
			ctx->cat, "java: skipped '%s' in layer %u: %s", full, ctx->f->layer,
			archive_error_string(a) ? archive_error_string(a) : "cannot read entry");
	ctx->budget -= body.len;
	if (body.len < 4 || memcmp(body.data, "PK\x03\x04", 4))
		return 0; /* not a zip (or an empty one) */
	r = java_archive(ctx, body.data, body.len, full, depth + 1, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return cs_catalog_warn(ctx->cat, "java: skipped '%s' in layer %u: %s", full,
				       ctx->f->layer, err.msg[0] ? err.msg : cs_strerror(r));
	return 0;
}

static int java_archive(struct java_ctx *ctx, const char *data, size_t len, const char *path,
			unsigned depth, struct cs_error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct manifest m = { 0 };
	struct pom *poms = NULL;
	size_t n_poms = 0, cap_poms = 0;
	unsigned failures = 0;
	int r = 0;

	if (!a)
		return -ENOMEM;
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		r = cs_error_set(err, -CS_E_INPUT, "not a readable zip archive: %s",
				 archive_error_string(a) ? archive_error_string(a)
							 : "unknown error");
		goto out;
	}
	while (!ctx->stopped) {
		const char *name;
		int ar = archive_read_next_header(a, &ae);

		if (ar == ARCHIVE_EOF)
			break;
		if (ar == ARCHIVE_FATAL) {
			r = cs_error_set(err, -CS_E_INPUT, "corrupt zip archive: %s",
					 archive_error_string(a) ? archive_error_string(a)
								 : "unknown error");
			goto out;
		}
		if (ctx->entries_left == 0) {
			ctx->stopped = true;
			r = cs_catalog_warn(
				ctx->cat,
				"java: '%s' in layer %u: stopped after %d archive entries", path,
				ctx->f->layer, JAVA_MAX_ENTRIES);
			if (r < 0)
				goto out;
			break;
		}
		ctx->entries_left--;
		if (ar < ARCHIVE_WARN) {
			/* one bad entry; give up on archives with many */
			if (++failures > 1000) {
				r = cs_error_set(err, -CS_E_INPUT, "corrupt zip archive");
				goto out;
			}
			continue;
		}
		name = archive_entry_pathname(ae);
		if (!name)
			name = archive_entry_pathname_utf8(ae);
		if (!name || archive_entry_filetype(ae) != AE_IFREG)
			continue;
		if (is_pom_properties(name) || !strcasecmp(name, "META-INF/MANIFEST.MF")) {
			_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(JAVA_META_MAX);
			bool is_mf = !strcasecmp(name, "META-INF/MANIFEST.MF");

			if (is_mf && m.present)
				continue;
			r = read_entry(ctx, a, &body);
			if (r == -ENOMEM)
				goto out;
			if (r < 0) {
				r = cs_catalog_warn(ctx->cat,
						    "java: '%s' in layer %u: cannot read '%s': %s",
						    path, ctx->f->layer, name, archive_err(a));
				if (r < 0)
					goto out;
				continue;
			}
			if (is_mf) {
				r = parse_manifest(body.data ? body.data : "", body.len, &m);
				m.present = true;
			} else if (n_poms < JAVA_MAX_POMS) {
				r = CS_GROW(poms, cap_poms, n_poms + 1);
				if (r >= 0) {
					memset(&poms[n_poms], 0, sizeof(*poms));
					r = parse_properties(body.data ? body.data : "", body.len,
							     &poms[n_poms++]);
				}
			}
			if (r < 0)
				goto out;
		} else if (has_archive_ext(name)) {
			r = nested_archive(ctx, a, ae, name, path, depth);
			if (r < 0)
				goto out;
		}
	}
	r = emit_archive(ctx, path, poms, n_poms, &m);
out:
	archive_read_free(a);
	manifest_done(&m);
	poms_free(poms, n_poms);
	return r < 0 ? r : 0;
}

static int java_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		      size_t len, struct cs_error *err)
{
	struct java_ctx ctx = {
		.cat = cat,
		.f = f,
		.budget = JAVA_NESTED_BUDGET,
		.entries_left = JAVA_MAX_ENTRIES,
	};
	int r;

	ctx.chunk = cs_malloc(JAVA_CHUNK);
	if (!ctx.chunk)
		return -ENOMEM;
	r = java_archive(&ctx, data, len, f->path, 0, err);
	free(ctx.chunk);
	for (size_t i = 0; i < ctx.n_pkgs; i++) {
		if (r < 0) {
			cs_package_free(ctx.pkgs[i]);
			continue;
		}
		r = cs_catalog_add(cat, ctx.pkgs[i]);
	}
	free(ctx.pkgs);
	return r;
}

const struct cs_cataloger cs_cataloger_java = {
	.name = "java",
	.version = 1,
	.max_size = JAVA_MAX_SIZE,
	.wants = java_wants,
	.sniff = java_sniff,
	.parse = java_parse,
};
