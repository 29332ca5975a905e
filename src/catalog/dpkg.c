/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debian packages: the dpkg database (var/lib/dpkg/status), distroless
 * status.d/ entries, and the file lists (info/NAME.list, NAME.md5sums) that
 * say which files each package owns. The status file is a deb822 control
 * file read with a lenient, bounded parser: a malformed line or stanza is
 * skipped and counted (one warning per file), never allowed to hide the
 * rest of the database. File lists arrive in any order relative to the
 * status file and across layers, so they are kept in the scan state and
 * attached in finish() to the packages, from the copy the merged view shows.
 * Licenses come the same way from machine-readable (DEP-5)
 * usr/share/doc/NAME/copyright files, as declared there (not always SPDX).
 * Nothing here trusts a length or a count from the file.
 */
#include <string.h>
#include <strings.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "catalog/catalog.h"

#define DPKG_MAX_SIZE (64u * 1024 * 1024)
/* packages taken from one file; Debian's whole archive has ~70k binaries */
#define DPKG_MAX_PACKAGES 200000
/* all file lists kept for finish(), cleaned paths included */
#define DPKG_OWNERS_MAX_BYTES (512u * 1024 * 1024)
/* owned files recorded in one scan (a large Debian image has ~300k) */
#define DPKG_MAX_FILES 4000000
#define DPKG_TOKEN_MAX 256
#define DPKG_TEXT_MAX  1024
/* copyright files read for License: fields, and distinct licenses kept */
#define DPKG_COPYRIGHT_MAX (1024 * 1024)
#define DPKG_MAX_LICENSES  16
#define DPKG_PATH_MAX	   4096

static const char dpkg_found_by[] = "dpkg";
static const char status_path[] = "var/lib/dpkg/status";
static const char status_d[] = "var/lib/dpkg/status.d/";
static const char info_d[] = "var/lib/dpkg/info/";
static const char doc_d[] = "usr/share/doc/";

/*
 * What one layer's copy of a side file said: for a file list (.list,
 * .md5sums) the cleaned paths, NUL-separated; for a copyright file the
 * license expression.
 */
struct dpkg_owner {
	char *path; /* the side file */
	unsigned layer;
	char *files;
	size_t len;
};

struct dpkg_copies {
	struct dpkg_owner *o;
	size_t n, cap;
};

struct dpkg_state {
	struct dpkg_copies lists, licenses;
	size_t bytes; /* of both */
	bool over_budget;
	size_t files; /* attached to packages */
	bool files_truncated;
};

struct span {
	const char *p;
	size_t n;
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A direct child of dir (dir ends with '/'), with a non-empty name. */
static const char *child_of(const char *path, const char *dir)
{
	const char *name;

	if (!starts_with(path, dir))
		return NULL;
	name = path + strlen(dir);
	return name[0] && !strchr(name, '/') ? name : NULL;
}

/* usr/share/doc/NAME/copyright */
static bool is_copyright(const char *path)
{
	const char *name, *slash;

	if (!starts_with(path, doc_d))
		return false;
	name = path + strlen(doc_d);
	slash = strchr(name, '/');
	return slash && slash > name && !strcmp(slash, "/copyright");
}

static bool dpkg_wants(const char *path, const struct cs_entry *e)
{
	const char *name;

	(void)e;
	if (path[0] == 'u')
		return is_copyright(path);
	if (path[0] != 'v' || !starts_with(path, "var/lib/dpkg/"))
		return false;
	if (!strcmp(path, status_path) || child_of(path, status_d))
		return true;
	name = child_of(path, info_d);
	return name && (cs_path_has_suffix(name, ".list") || cs_path_has_suffix(name, ".md5sums"));
}

/* Package names, versions, architectures: printable ASCII without spaces. */
static bool token_ok(struct span s)
{
	if (!s.p || s.n == 0 || s.n > DPKG_TOKEN_MAX)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= 0x20 || c >= 0x7f || c == '/')
			return false;
	}
	return true;
}

/* Free text such as Maintainer: valid UTF-8 without control characters. */
static bool text_ok(struct span s)
{
	if (!s.p || s.n == 0 || s.n > DPKG_TEXT_MAX || !cs_utf8_is_valid(s.p, s.n))
		return false;
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
			return false;
	return true;
}

static struct span trim(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	return (struct span){ p, n };
}

static bool span_eq(struct span s, const char *lit)
{
	return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

/* --- deb822 stanzas --- */

struct stanza {
	struct span package, version, arch, source, maintainer, status;
	bool duplicate; /* a field we use appears twice: ambiguous, skipped */
	bool any;	/* saw at least one field */
	size_t line;	/* first line, for messages */
};

struct field_slot {
	const char *name;
	size_t off;
};

static const struct field_slot slots[] = {
	{ "Package", offsetof(struct stanza, package) },
	{ "Version", offsetof(struct stanza, version) },
	{ "Architecture", offsetof(struct stanza, arch) },
	{ "Source", offsetof(struct stanza, source) },
	{ "Maintainer", offsetof(struct stanza, maintainer) },
	{ "Status", offsetof(struct stanza, status) },
};

static void stanza_field(struct stanza *st, const char *name, size_t nlen, struct span value)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(slots); i++) {
		struct span *slot;

		if (nlen != strlen(slots[i].name) || strncasecmp(name, slots[i].name, nlen))
			continue;
		slot = (struct span *)((char *)st + slots[i].off);
		if (slot->p)
			st->duplicate = true;
		else
			*slot = value.p ? value : (struct span){ "", 0 };
		return;
	}
}

/*
 * The state word of "want flag state" says whether the package's files are
 * on disk and configured. "deinstall ok installed" (marked for removal) is
 * still installed; config-files, half-installed, unpacked are not.
 */
static bool status_installed(struct span s)
{
	const char *p = s.p, *end = s.p + s.n;
	struct span w[3];
	size_t k = 0;

	while (p < end && k < 3) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		q = p;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		if (q > p)
			w[k++] = (struct span){ p, (size_t)(q - p) };
		p = q;
	}
	if (k != 3 || trim(p, (size_t)(end - p)).n != 0)
		return false;
	return span_eq(w[2], "installed") || span_eq(w[2], "triggers-pending") ||
	       span_eq(w[2], "triggers-awaited");
}

/* "Source: name" or "Source: name (version)" */
static bool parse_source(struct span s, struct span *name, struct span *version)
{
	const char *sp = memchr(s.p, '(', s.n);

	*version = (struct span){ NULL, 0 };
	if (!sp) {
		*name = s;
		return token_ok(s);
	}
	*name = trim(s.p, (size_t)(sp - s.p));
	if (s.n == 0 || s.p[s.n - 1] != ')')
		return false;
	*version = trim(sp + 1, (size_t)(s.p + s.n - 1 - (sp + 1)));
	return token_ok(*name) && token_ok(*version);
}

struct emit_ctx {
	struct cs_catalog *cat;
	const struct cs_cataloger_file *f;
	bool need_status; /* the status file; status.d entries have no Status */
	size_t emitted, skipped_stanzas, first_bad;
	bool truncated;
};

static int stanza_emit(struct emit_ctx *c, const struct stanza *st)
{
	_cleanup_(cs_package_freep) struct cs_package *p = NULL;
	struct span sname = { NULL, 0 }, sver = { NULL, 0 };

	if (!st->any)
		return 0;
	if (st->status.p ? !status_installed(st->status) : c->need_status)
		return 0;
	if (st->duplicate || !token_ok(st->package) || !token_ok(st->version) ||
	    (st->arch.p && !token_ok(st->arch)) ||
	    (st->source.p && !parse_source(st->source, &sname, &sver))) {
		if (!c->skipped_stanzas++)
			c->first_bad = st->line;
		return 0;
	}
	if (c->emitted >= DPKG_MAX_PACKAGES) {
		c->truncated = true;
		return 0;
	}
	p = cs_package_new(CS_PKG_DEB);
	if (!p || cs_package_set(&p->name, st->package.p, st->package.n) < 0 ||
	    cs_package_set(&p->version, st->version.p, st->version.n) < 0)
		return -ENOMEM;
	if (st->arch.p && cs_package_set(&p->arch, st->arch.p, st->arch.n) < 0)
		return -ENOMEM;
	/* NULL source fields mean "the same as the binary package" */
	if (sname.p && !(sname.n == st->package.n && !memcmp(sname.p, st->package.p, sname.n)) &&
	    cs_package_set(&p->source_name, sname.p, sname.n) < 0)
		return -ENOMEM;
	if (sver.p && !(sver.n == st->version.n && !memcmp(sver.p, st->version.p, sver.n)) &&
	    cs_package_set(&p->source_version, sver.p, sver.n) < 0)
		return -ENOMEM;
	if (text_ok(st->maintainer) &&
	    cs_package_set(&p->vendor, st->maintainer.p, st->maintainer.n) < 0)
		return -ENOMEM;
	p->path = cs_strdup(c->f->path);
	if (!p->path)
		return -ENOMEM;
	p->layer = c->f->layer;
	p->found_by = dpkg_found_by;
	c->emitted++;
	return cs_catalog_add(c->cat, CS_TAKE_PTR(p));
}

static int parse_stanzas(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			 const char *data, size_t len, bool need_status, struct cs_error *err)
{
	struct emit_ctx c = { .cat = cat, .f = f, .need_status = need_status };
	struct stanza st = { 0 };
	const char *p = data, *end = data + len;
	size_t line = 0, bad_lines = 0, first_bad_line = 0, stanzas = 0;
	bool in_field = false;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl ? nl : end, *colon;
		struct span l = trim(ls, (size_t)(le - ls));

		line++;
		p = nl ? nl + 1 : end;
		if (l.n == 0) { /* blank (or only whitespace): end of stanza */
			r = stanza_emit(&c, &st);
			if (r < 0)
				return r;
			stanzas += st.any;
			st = (struct stanza){ 0 };
			in_field = false;
			continue;
		}
		if (memchr(l.p, '\0', l.n))
			goto bad;
		/* a continuation line (only multi-line fields use them, none we read) */
		if (ls[0] == ' ' || ls[0] == '\t') {
			if (!in_field)
				goto bad;
			continue;
		}
		colon = memchr(l.p, ':', l.n);
		if (!colon || colon == l.p || memchr(l.p, ' ', (size_t)(colon - l.p)) ||
		    memchr(l.p, '\t', (size_t)(colon - l.p)))
			goto bad;
		if (!st.any)
			st.line = line;
		st.any = true;
		in_field = true;
		stanza_field(&st, l.p, (size_t)(colon - l.p),
			     trim(colon + 1, (size_t)(l.p + l.n - colon - 1)));
		continue;
	bad:
		/* what follows a bad line cannot be a continuation of a field */
		in_field = false;
		if (!bad_lines++)
			first_bad_line = line;
	}
	r = stanza_emit(&c, &st);
	if (r < 0)
		return r;
	stanzas += st.any;
	if (stanzas == 0 && bad_lines > 0)
		return cs_error_set(err, -CS_E_INPUT, "not a dpkg control file (line %zu)",
				    first_bad_line);
	if (bad_lines || c.skipped_stanzas || c.truncated) {
		r = cs_catalog_warn(
			cat,
			"dpkg: '%s' in layer %u: skipped %zu malformed lines (first: %zu), "
			"%zu invalid stanzas (first at line %zu)%s",
			f->path, f->layer, bad_lines, first_bad_line, c.skipped_stanzas,
			c.first_bad, c.truncated ? ", stopped at the package limit" : "");
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- file lists and copyright files --- */

/* Keep one copy (b's content is taken). */
static int copies_add(struct dpkg_state *s, struct dpkg_copies *c,
		      const struct cs_cataloger_file *f, struct cs_buf *b)
{
	struct dpkg_owner *o;

	if (CS_GROW(c->o, c->cap, c->n + 1) < 0)
		return -ENOMEM;
	o = &c->o[c->n];
	o->path = cs_strdup(f->path);
	if (!o->path)
		return -ENOMEM;
	o->layer = f->layer;
	o->len = b->len;
	o->files = cs_buf_steal(b, NULL);
	if (!o->files) {
		free(o->path);
		return -ENOMEM;
	}
	s->bytes += o->len;
	c->n++;
	return 0;
}

static void copies_done(struct dpkg_copies *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->o[i].path);
		free(c->o[i].files);
	}
	free(c->o);
}

/*
 * info/NAME.list holds absolute paths, one a line; NAME.md5sums holds
 * "<md5>  <relative path>" lines. Both become cleaned relative paths. A
 * line that escapes the root is hostile: it is dropped and counted.
 */
static int parse_owner(struct cs_catalog *cat, struct dpkg_state *s,
		       const struct cs_cataloger_file *f, const char *data, size_t len,
		       bool md5sums)
{
	_cleanup_buf_ struct cs_buf files = CS_BUF_INIT(0);
	_cleanup_buf_ struct cs_buf clean = CS_BUF_INIT(DPKG_PATH_MAX);
	const char *p = data, *end = data + len;
	size_t line = 0, bad = 0, first_bad = 0;
	int r;

	if (s->over_budget)
		return 0;
	files.max = DPKG_OWNERS_MAX_BYTES - s->bytes;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl ? nl : end;

		line++;
		p = nl ? nl + 1 : end;
		if (le > ls && le[-1] == '\r')
			le--;
		if (md5sums) {
			/* skip the digest, then the separator ("  " or " *") */
			while (ls < le && *ls != ' ')
				ls++;
			while (ls < le && *ls == ' ')
				ls++;
			if (ls < le && *ls == '*')
				ls++;
		}
		if (ls == le)
			continue;
		if (cs_path_clean(ls, (size_t)(le - ls), &clean, NULL) < 0) {
			if (!bad++)
				first_bad = line;
			continue;
		}
		if (clean.len == 0) /* "/." */
			continue;
		r = cs_buf_append(&files, clean.data, clean.len + 1);
		if (r == -CS_E_LIMIT) {
			s->over_budget = true;
			return cs_catalog_warn(cat,
					       "dpkg: file lists over %u MiB, ownership from '%s' "
					       "in layer %u on is not recorded",
					       DPKG_OWNERS_MAX_BYTES >> 20, f->path, f->layer);
		}
		if (r < 0)
			return r;
	}
	if (bad) {
		r = cs_catalog_warn(
			cat, "dpkg: '%s' in layer %u: skipped %zu invalid paths (first: line %zu)",
			f->path, f->layer, bad, first_bad);
		if (r < 0)
			return r;
	}
	return copies_add(s, &s->lists, f, &files);
}

/*
 * Machine-readable copyright files (DEP-5) name each license in a License:
 * field; the distinct names, in order, make an AND expression. Other
 * copyright files say nothing a machine can rely on and are ignored.
 */
static int parse_copyright(struct cs_catalog *cat, struct dpkg_state *s,
			   const struct cs_cataloger_file *f, const char *data, size_t len)
{
	_cleanup_buf_ struct cs_buf expr = CS_BUF_INIT(DPKG_TEXT_MAX);
	struct span seen[DPKG_MAX_LICENSES];
	const char *p = data, *end = data + len;
	size_t n_seen = 0;
	bool first = true;

	(void)cat;
	if (s->over_budget || len > DPKG_COPYRIGHT_MAX)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl ? nl : end, *colon;
		struct span l = trim(ls, (size_t)(le - ls)), name, v;
		bool dup = false;

		p = nl ? nl + 1 : end;
		if (l.n == 0 || ls[0] == ' ' || ls[0] == '\t')
			continue;
		colon = memchr(l.p, ':', l.n);
		if (!colon)
			continue;
		name = (struct span){ l.p, (size_t)(colon - l.p) };
		v = trim(colon + 1, (size_t)(l.p + l.n - colon - 1));
		if (first) {
			/* the header paragraph opens with Format: */
			if ((name.n != 6 || strncasecmp(name.p, "Format", 6)) &&
			    (name.n != 20 || strncasecmp(name.p, "Format-Specification", 20)))
				return 0;
			first = false;
			continue;
		}
		if (name.n != 7 || strncasecmp(name.p, "License", 7) || !text_ok(v) ||
		    v.n > DPKG_TOKEN_MAX)
			continue;
		for (size_t i = 0; i < n_seen && !dup; i++)
			dup = seen[i].n == v.n && !memcmp(seen[i].p, v.p, v.n);
		if (dup)
			continue;
		if (n_seen == DPKG_MAX_LICENSES)
			break;
		seen[n_seen++] = v;
	}
	for (size_t i = 0; i < n_seen; i++) {
		bool paren = n_seen > 1 && memchr(seen[i].p, ' ', seen[i].n);
		int r = cs_buf_printf(&expr, "%s%s%.*s%s", i ? " AND " : "", paren ? "(" : "",
				      (int)seen[i].n, seen[i].p, paren ? ")" : "");

		if (r == -CS_E_LIMIT)
			break;
		if (r < 0)
			return r;
	}
	if (expr.len == 0)
		return 0;
	return copies_add(s, &s->licenses, f, &expr);
}

static int dpkg_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		      size_t len, struct cs_error *err)
{
	const char *name;

	if (len > DPKG_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", DPKG_MAX_SIZE);
	if (!strcmp(f->path, status_path))
		return parse_stanzas(cat, f, data, len, true, err);
	if ((name = child_of(f->path, status_d))) {
		/* distroless keeps the file list of status.d/NAME in NAME.md5sums */
		if (cs_path_has_suffix(name, ".md5sums"))
			return f->state ? parse_owner(cat, f->state, f, data, len, true) : 0;
		return parse_stanzas(cat, f, data, len, false, err);
	}
	if (is_copyright(f->path))
		return f->state ? parse_copyright(cat, f->state, f, data, len) : 0;
	if ((name = child_of(f->path, info_d)) && f->state)
		return parse_owner(cat, f->state, f, data, len,
				   cs_path_has_suffix(name, ".md5sums"));
	return 0;
}

static void *dpkg_state_new(void)
{
	return cs_zalloc(sizeof(struct dpkg_state));
}

static void dpkg_state_free(void *p)
{
	struct dpkg_state *s = p;

	if (!s)
		return;
	copies_done(&s->lists);
	copies_done(&s->licenses);
	free(s);
}

static int cmp_owner(const void *x, const void *y)
{
	const struct dpkg_owner *a = x, *b = y;
	int c = strcmp(a->path, b->path);

	if (c)
		return c;
	return a->layer < b->layer ? -1 : a->layer > b->layer;
}

/*
 * The copy of a file list to use for a package declared in `layer`: the one
 * the merged view shows, or without a view the highest copy at or below
 * the package's layer.
 */
static const struct dpkg_owner *owner_find(const struct dpkg_copies *s, struct cs_overlay *ov,
					   const char *path, unsigned layer)
{
	const struct cs_overlay_entry *e = NULL;
	const struct dpkg_owner *best = NULL;
	size_t lo = 0, hi = s->n;

	if (ov) {
		if (cs_overlay_lookup(ov, path, false, &e, NULL) < 0 || e->type != CS_ENTRY_REG)
			return NULL;
		layer = e->layer;
	}
	/* first copy of path */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->o[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < s->n && !strcmp(s->o[i].path, path); i++) {
		if (ov ? s->o[i].layer == layer : s->o[i].layer <= layer)
			best = &s->o[i];
	}
	return best;
}

/* Look for DIR NAME[:ARCH] SUFFIX unless a list was found already. */
static int try_owner(const struct dpkg_state *s, struct cs_overlay *ov, const struct cs_package *p,
		     const struct dpkg_owner **ret, const char *dir, const char *name,
		     const char *arch, const char *suffix)
{
	_cleanup_buf_ struct cs_buf path = CS_BUF_INIT(DPKG_PATH_MAX);
	int r;

	if (*ret)
		return 0;
	r = cs_buf_printf(&path, "%s%s%s%s%s", dir, name, arch ? ":" : "", arch ? arch : "",
			  suffix);
	if (r == -CS_E_LIMIT)
		return 0;
	if (r < 0)
		return r;
	*ret = owner_find(&s->lists, ov, path.data, p->layer);
	return 0;
}

static int attach_files(struct dpkg_state *s, struct cs_overlay *ov, struct cs_package *p)
{
	const struct dpkg_owner *o = NULL;
	int r = 0;

	/* distroless: status.d/NAME and status.d/NAME.md5sums */
	if (child_of(p->path, status_d)) {
		r = try_owner(s, ov, p, &o, status_d, p->name, NULL, ".md5sums");
		if (r >= 0 && p->arch)
			r = try_owner(s, ov, p, &o, status_d, p->name, p->arch, ".md5sums");
	}
	/* Multi-Arch: same packages have NAME:ARCH lists */
	if (r >= 0 && p->arch)
		r = try_owner(s, ov, p, &o, info_d, p->name, p->arch, ".list");
	if (r >= 0)
		r = try_owner(s, ov, p, &o, info_d, p->name, NULL, ".list");
	if (r >= 0 && p->arch)
		r = try_owner(s, ov, p, &o, info_d, p->name, p->arch, ".md5sums");
	if (r >= 0)
		r = try_owner(s, ov, p, &o, info_d, p->name, NULL, ".md5sums");
	if (r < 0 || !o)
		return r;
	for (size_t off = 0; off < o->len; s->files++) {
		size_t n = strnlen(o->files + off, o->len - off);

		if (s->files >= DPKG_MAX_FILES) {
			s->files_truncated = true;
			break;
		}
		r = cs_package_add_file(p, o->files + off, n);
		if (r < 0)
			return r;
		off += n + 1;
	}
	return 0;
}

static int attach_license(struct dpkg_state *s, struct cs_overlay *ov, struct cs_package *p)
{
	_cleanup_buf_ struct cs_buf path = CS_BUF_INIT(DPKG_PATH_MAX);
	const struct dpkg_owner *o;
	int r;

	if (s->licenses.n == 0)
		return 0;
	r = cs_buf_printf(&path, "%s%s/copyright", doc_d, p->name);
	if (r == -CS_E_LIMIT)
		return 0;
	if (r < 0)
		return r;
	o = owner_find(&s->licenses, ov, path.data, p->layer);
	return o ? cs_package_set(&p->license, o->files, o->len) : 0;
}

static bool declaration_visible(struct cs_overlay *ov, const struct cs_package *p)
{
	const struct cs_overlay_entry *e;

	return !ov ||
	       (cs_overlay_lookup(ov, p->path, false, &e, NULL) == 0 && e->layer == p->layer);
}

static int dpkg_finish(struct cs_catalog *cat, void *state, struct cs_overlay *ov,
		       struct cs_error *err)
{
	struct dpkg_state *s = state;
	size_t n = cs_catalog_count(cat);

	if (!s || (s->lists.n == 0 && s->licenses.n == 0))
		return 0;
	if (s->lists.n)
		qsort(s->lists.o, s->lists.n, sizeof(*s->lists.o), cmp_owner);
	if (s->licenses.n)
		qsort(s->licenses.o, s->licenses.n, sizeof(*s->licenses.o), cmp_owner);
	for (size_t i = 0; i < n; i++) {
		struct cs_package *p = cs_catalog_get(cat, i);
		int r = 0;

		if (p->found_by != dpkg_found_by || !p->path || !declaration_visible(ov, p))
			continue;
		if (!p->n_files)
			r = attach_files(s, ov, p);
		if (r >= 0 && !p->license)
			r = attach_license(s, ov, p);
		if (r < 0)
			return cs_error_errno(err, r, "cannot complete package '%s'", p->name);
	}
	if (s->files_truncated)
		return cs_catalog_warn(cat, "dpkg: more than %u owned files, the rest not recorded",
				       DPKG_MAX_FILES);
	return 0;
}

const struct cs_cataloger cs_cataloger_dpkg = {
	.name = "dpkg",
	.version = 1,
	.max_size = DPKG_MAX_SIZE,
	.wants = dpkg_wants,
	.parse = dpkg_parse,
	.state_new = dpkg_state_new,
	.state_free = dpkg_state_free,
	.finish = dpkg_finish,
};
