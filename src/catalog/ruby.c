/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ruby gems: the specifications RubyGems writes for every installed gem
 * (.../specifications/NAME-VERSION.gemspec, also specifications/default/)
 * and Bundler's Gemfile.lock. A gemspec is Ruby source: it is never
 * evaluated; a small scanner reads the literal assignments RubyGems itself
 * writes (`s.name = "rake".freeze`, `s.version = "13.0.6"`, `s.licenses =
 * ["MIT".freeze]`) and ignores everything else.
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "catalog/cataloger.h"

#define GEMSPEC_MAX	 (8u << 20)
#define GEMFILE_LOCK_MAX (64u << 20)
#define GEM_NAME_MAX	 256
#define GEM_VERSION_MAX	 128
#define GEM_LIST_MAX	 64
#define GEM_STRING_MAX	 4096
#define GEM_LICENSE_MAX	 512
#define GEM_MAX_PACKAGES 1000000

/* --- which files --- */

static bool has_component(const char *path, size_t len, const char *what)
{
	size_t m = strlen(what);

	for (size_t i = 0; i + m <= len; i++)
		if ((i == 0 || path[i - 1] == '/') && !memcmp(path + i, what, m) &&
		    (i + m == len || path[i + m] == '/'))
			return true;
	return false;
}

/* Name of the directory holding path (its last component). */
static bool parent_is(const char *path, size_t dirlen, const char *name)
{
	size_t m = strlen(name);

	return dirlen >= m && !memcmp(path + dirlen - m, name, m) &&
	       (dirlen == m || path[dirlen - m - 1] == '/');
}

static bool is_gemspec(const char *path)
{
	const char *base = cs_path_basename(path);
	size_t dlen = cs_path_dirlen(path);

	if (!cs_path_has_suffix(base, ".gemspec") || strlen(base) == strlen(".gemspec"))
		return false;
	return parent_is(path, dlen, "specifications") ||
	       parent_is(path, dlen, "specifications/default");
}

/*
 * A Gemfile.lock inside an installed gem (.../ruby/3.1.0/gems/x-1.0/ or
 * .../bundle/gems/x-1.0/) is that gem's development lock, not what is
 * installed.
 */
static bool is_gemfile_lock(const char *path)
{
	const char *gems;
	size_t before;

	if (!cs_path_basename_is(path, "Gemfile.lock"))
		return false;
	gems = strstr(path, "gems/");
	while (gems && gems != path && gems[-1] != '/')
		gems = strstr(gems + 1, "gems/");
	if (!gems)
		return true;
	before = (size_t)(gems - path);
	return !has_component(path, before, "ruby") && !has_component(path, before, "bundle");
}

static bool ruby_wants(const char *path, const struct cs_entry *e)
{
	if (e && e->type != CS_ENTRY_REG)
		return false;
	return is_gemspec(path) || is_gemfile_lock(path);
}

/* --- validation --- */

static bool text_ok(const char *s, size_t n, size_t max)
{
	if (!s || n == 0 || n > max || !cs_utf8_is_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* RubyGems names: letters, digits, '.', '-', '_' */
static bool gem_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > GEM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return false;
	return true;
}

/* Gem::Version: digits and letters separated by '.' or '-' */
static bool gem_version_ok(const char *s, size_t n)
{
	if (n == 0 || n > GEM_VERSION_MAX || s[0] < '0' || s[0] > '9')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

static int gem_emit(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *name,
		    size_t nlen, const char *version, size_t vlen, const char *license,
		    const char *vendor, const char *platform)
{
	_cleanup_(cs_package_freep) struct cs_package *p = cs_package_new(CS_PKG_GEM);

	if (!p || cs_package_set(&p->name, name, nlen) < 0 ||
	    cs_package_set(&p->version, version, vlen) < 0 ||
	    (license && cs_package_set(&p->license, license, strlen(license)) < 0) ||
	    (vendor && cs_package_set(&p->vendor, vendor, strlen(vendor)) < 0) ||
	    cs_package_set(&p->path, f->path, strlen(f->path)) < 0 ||
	    (platform && cs_package_add_meta(p, "platform", platform) < 0))
		return -ENOMEM;
	p->layer = f->layer;
	p->found_by = "ruby";
	return cs_catalog_add(cat, CS_TAKE_PTR(p));
}

/* --- gemspec --- */

struct gem_scan {
	const char *p, *end;
	size_t lineno;
	struct cs_error *err;
};

static void skip_blanks(struct gem_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
}

/* also newlines, inside brackets */
static void skip_space(struct gem_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) {
		if (*s->p == '\n')
			s->lineno++;
		s->p++;
	}
}

static bool eat(struct gem_scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return false;
	s->p += n;
	return true;
}

/*
 * A Ruby string literal: "..." (escapes; interpolation makes it not a
 * literal) or '...', then an optional .freeze. Returns 1 with the value in
 * out, 0 if there is no literal here, <0 on error.
 */
static int gem_string(struct gem_scan *s, struct cs_buf *out)
{
	char q;

	cs_buf_reset(out);
	if (s->p >= s->end || (*s->p != '"' && *s->p != '\''))
		return 0;
	q = *s->p++;
	for (;;) {
		char c;
		int r;

		if (s->p >= s->end || *s->p == '\n')
			return cs_error_set(s->err, -CS_E_INPUT, "unterminated string on line %zu",
					    s->lineno);
		c = *s->p++;
		if (c == q)
			break;
		if (c == '\\') {
			if (s->p >= s->end)
				continue;
			c = *s->p++;
			/* only the escapes of plain text; others ("\n", "\u") are not names */
			if (c != '\\' && c != '"' && c != '\'' && c != '#')
				return 0;
		} else if (q == '"' && c == '#' && s->p < s->end && *s->p == '{') {
			return 0; /* interpolation: not a literal */
		}
		r = cs_buf_putc(out, c);
		if (r == -CS_E_LIMIT)
			return cs_error_set(s->err, -CS_E_LIMIT,
					    "string longer than %d bytes on line %zu",
					    GEM_STRING_MAX, s->lineno);
		if (r < 0)
			return r;
	}
	eat(s, ".freeze");
	return 1;
}

/* `"x"`, `"x".freeze`, `Gem::Version.new("x")` */
static int gem_scalar(struct gem_scan *s, struct cs_buf *out)
{
	int r;

	if (eat(s, "Gem::Version.new(")) {
		skip_blanks(s);
		r = gem_string(s, out);
		skip_blanks(s);
		return r > 0 && eat(s, ")") ? 1 : r < 0 ? r : 0;
	}
	return gem_string(s, out);
}

/* `["a".freeze, "b"]` (may span lines) joined with sep into out; or a single string */
static int gem_list(struct gem_scan *s, struct cs_buf *out, const char *sep)
{
	struct cs_buf item = CS_BUF_INIT(GEM_STRING_MAX);
	size_t count = 0;
	int r = 0;

	cs_buf_reset(out);
	if (!eat(s, "[")) {
		r = gem_string(s, &item);
		if (r > 0) {
			r = cs_buf_append(out, item.data, item.len);
			r = r == -CS_E_LIMIT ? 0 : r < 0 ? r : 1;
		}
		goto out;
	}
	for (;;) {
		skip_space(s);
		if (s->p >= s->end) {
			r = cs_error_set(s->err, -CS_E_INPUT, "unterminated list on line %zu",
					 s->lineno);
			break;
		}
		if (eat(s, "]")) {
			r = 1;
			break;
		}
		if (++count > GEM_LIST_MAX) {
			r = cs_error_set(s->err, -CS_E_LIMIT,
					 "list longer than %d items on line %zu", GEM_LIST_MAX,
					 s->lineno);
			break;
		}
		r = gem_string(s, &item);
		if (r <= 0)
			break;
		r = out->len ? cs_buf_puts(out, sep) : 0;
		if (r >= 0)
			r = cs_buf_append(out, item.data, item.len);
		if (r == -CS_E_LIMIT) {
			r = 0; /* too long to be a name: not a usable value */
			break;
		}
		if (r < 0)
			break;
		skip_space(s);
		if (!eat(s, ","))
			continue;
	}
out:
	cs_buf_done(&item);
	return r;
}

struct gem_spec {
	struct cs_buf name, version, license, authors, platform;
	bool has_name, has_version, has_license, has_authors, has_platform;
};

/* `IDENT.field = ` at s->p (after indentation); returns the field or NULL */
static const char *gem_assignment(struct gem_scan *s)
{
	static const char *const fields[] = { "name",	 "version", "licenses",
					      "license", "authors", "platform" };
	const char *p = s->p, *dot;
	size_t n;

	while (p < s->end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '_'))
		p++;
	if (p == s->p || p >= s->end || *p != '.')
		return NULL;
	dot = p + 1;
	for (size_t i = 0; i < CS_ARRAY_SIZE(fields); i++) {
		n = strlen(fields[i]);
		if ((size_t)(s->end - dot) > n && !memcmp(dot, fields[i], n) &&
		    (dot[n] == ' ' || dot[n] == '\t' || dot[n] == '=')) {
			s->p = dot + n;
			skip_blanks(s);
			/* `=` but not `==` */
			if (!eat(s, "=") || (s->p < s->end && (*s->p == '=' || *s->p == '~')))
				return NULL;
			skip_blanks(s);
			return fields[i];
		}
	}
	return NULL;
}

static int gem_spec_line(struct gem_spec *g, struct gem_scan *s)
{
	const char *field = gem_assignment(s);
	int r;

	if (!field)
		return 0;
	if (!strcmp(field, "name") && !g->has_name) {
		r = gem_scalar(s, &g->name);
		g->has_name = r > 0;
	} else if (!strcmp(field, "version") && !g->has_version) {
		r = gem_scalar(s, &g->version);
		g->has_version = r > 0;
	} else if (!strncmp(field, "license", 7) && !g->has_license) {
		r = gem_list(s, &g->license, " OR ");
		g->has_license = r > 0;
	} else if (!strcmp(field, "platform") && !g->has_platform) {
		r = gem_scalar(s, &g->platform);
		g->has_platform = r > 0;
	} else if (!strcmp(field, "authors") && !g->has_authors) {
		r = gem_list(s, &g->authors, ", ");
		g->has_authors = r > 0;
	} else {
		r = 0;
	}
	return r;
}

static int ruby_parse_gemspec(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			      const char *data, size_t len, struct cs_error *err)
{
	struct gem_spec g = {
		CS_BUF_INIT(GEM_STRING_MAX),  CS_BUF_INIT(GEM_STRING_MAX),
		CS_BUF_INIT(GEM_LICENSE_MAX), CS_BUF_INIT(GEM_STRING_MAX),
		CS_BUF_INIT(GEM_STRING_MAX),
	};
	struct gem_scan s = { data, data + len, 1, err };
	int r = 0;

	/* no test for NUL bytes: RubyGems' own "# stub:" lines hold them */
	if (len > GEMSPEC_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "gemspec larger than %u bytes", GEMSPEC_MAX);
	while (s.p < s.end) {
		const char *nl;

		skip_blanks(&s);
		r = gem_spec_line(&g, &s);
		if (r < 0)
			goto out;
		/* on to the next line (after a list that may have taken several) */
		nl = memchr(s.p, '\n', (size_t)(s.end - s.p));
		s.p = nl ? nl + 1 : s.end;
		s.lineno++;
	}
	if (!g.has_name || !gem_name_ok(g.name.data, g.name.len)) {
		r = cs_error_set(err, -CS_E_INPUT, "%s gem name in gemspec",
				 g.has_name ? "invalid" : "no");
		goto out;
	}
	if (!g.has_version || !gem_version_ok(g.version.data, g.version.len)) {
		r = cs_error_set(err, -CS_E_INPUT, "%s gem version in gemspec",
				 g.has_version ? "invalid" : "no");
		goto out;
	}
	r = gem_emit(cat, f, g.name.data, g.name.len, g.version.data, g.version.len,
		     g.has_license && text_ok(g.license.data, g.license.len, GEM_LICENSE_MAX)
			     ? g.license.data
			     : NULL,
		     g.has_authors && text_ok(g.authors.data, g.authors.len, GEM_STRING_MAX)
			     ? g.authors.data
			     : NULL,
		     g.has_platform && g.platform.len && strcmp(g.platform.data, "ruby") &&
				     gem_name_ok(g.platform.data, g.platform.len)
			     ? g.platform.data
			     : NULL);
out:
	cs_buf_done(&g.name);
	cs_buf_done(&g.version);
	cs_buf_done(&g.license);
	cs_buf_done(&g.authors);
	cs_buf_done(&g.platform);
	return r;
}

/* --- Gemfile.lock --- */

struct gem_lock_entry {
	const char *name, *version;
	size_t nlen, vlen;
	struct cs_buf platforms;
	bool set;
};

static int gem_lock_flush(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			  struct gem_lock_entry *e)
{
	int r = 0;

	if (e->set)
		r = gem_emit(cat, f, e->name, e->nlen, e->version, e->vlen, NULL, NULL,
			     e->platforms.len ? e->platforms.data : NULL);
	e->set = false;
	cs_buf_reset(&e->platforms);
	return r;
}

/*
 * `    name (version)` or `    name (version-platform)`; Bundler splits the
 * platform off at the first '-', so does this.
 */
static int gem_lock_spec(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			 struct gem_lock_entry *e, const char *s, size_t n, size_t lineno,
			 size_t *count, struct cs_error *err)
{
	const char *sp = memchr(s, ' ', n), *v, *plat = NULL, *close;
	size_t nlen, vlen, plen = 0;
	int r;

	if (n && s[n - 1] == '!')
		n--;
	if (!sp || (size_t)(s + n - sp) < 4 || sp[1] != '(' || s[n - 1] != ')')
		return cs_error_set(err, -CS_E_INPUT, "malformed spec on line %zu", lineno);
	nlen = (size_t)(sp - s);
	v = sp + 2;
	close = s + n - 1;
	vlen = (size_t)(close - v);
	{
		const char *dash = memchr(v, '-', vlen);

		if (dash) {
			plat = dash + 1;
			plen = (size_t)(close - plat);
			vlen = (size_t)(dash - v);
		}
	}
	if (!gem_name_ok(s, nlen) || !gem_version_ok(v, vlen) || (plat && !gem_name_ok(plat, plen)))
		return cs_error_set(err, -CS_E_INPUT, "malformed spec on line %zu", lineno);
	/* one package per gem and version; the platform variants are facts about it */
	if (!e->set || e->nlen != nlen || memcmp(e->name, s, nlen) || e->vlen != vlen ||
	    memcmp(e->version, v, vlen)) {
		r = gem_lock_flush(cat, f, e);
		if (r < 0)
			return r;
		if (++*count > GEM_MAX_PACKAGES)
			return cs_error_set(err, -CS_E_LIMIT, "more than %d gems",
					    GEM_MAX_PACKAGES);
		*e = (struct gem_lock_entry){ s, v, nlen, vlen, e->platforms, true };
	}
	if (plat) {
		r = e->platforms.len ? cs_buf_putc(&e->platforms, ',') : 0;
		if (r >= 0)
			r = cs_buf_append(&e->platforms, plat, plen);
		if (r == -CS_E_LIMIT)
			r = 0; /* keep the platforms that fit */
		if (r < 0)
			return r;
	}
	return 0;
}

static int ruby_parse_gemfile_lock(struct cs_catalog *cat, const struct cs_cataloger_file *f,
				   const char *data, size_t len, struct cs_error *err)
{
	struct gem_lock_entry e = { .platforms = CS_BUF_INIT(1024) };
	const char *p = data, *end = data + len;
	size_t lineno = 0, count = 0;
	bool in_gem = false, in_specs = false, seen_section = false;
	int r = 0;

	if (memchr(data, '\0', len))
		return cs_error_set(err, -CS_E_INPUT, "not a text file");
	while (p < end && r >= 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), indent = 0;

		lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		while (indent < n && p[indent] == ' ')
			indent++;
		if (indent == n) {
			/* blank line */
		} else if (indent == 0) {
			in_gem = n == 3 && !memcmp(p, "GEM", 3);
			in_specs = false;
			seen_section = true;
		} else if (in_gem && indent == 2) {
			in_specs = n == 8 && !memcmp(p + 2, "specs:", 6);
		} else if (in_specs && indent == 4) {
			r = gem_lock_spec(cat, f, &e, p + 4, n - 4, lineno, &count, err);
		}
		p = nl ? nl + 1 : end;
	}
	if (r >= 0)
		r = gem_lock_flush(cat, f, &e);
	if (r >= 0 && !seen_section)
		r = cs_error_set(err, -CS_E_INPUT, "not a Gemfile.lock");
	cs_buf_done(&e.platforms);
	return r;
}

static int ruby_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		      size_t len, struct cs_error *err)
{
	if (is_gemspec(f->path))
		return ruby_parse_gemspec(cat, f, data, len, err);
	return ruby_parse_gemfile_lock(cat, f, data, len, err);
}

const struct cs_cataloger cs_cataloger_ruby = {
	.name = "ruby",
	.version = 1,
	.max_size = GEMFILE_LOCK_MAX,
	.wants = ruby_wants,
	.parse = ruby_parse,
};
