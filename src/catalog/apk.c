/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alpine packages: the apk database (lib/apk/db/installed). Each package is
 * a block of "K:value" lines, blocks separated by blank lines; F: names a
 * directory and each following R: a file in it. The parser is lenient and
 * bounded: a malformed line or block is skipped and counted (one warning
 * per file), never allowed to hide the rest of the database.
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "catalog/catalog.h"

#define APK_MAX_SIZE	 (64u * 1024 * 1024)
#define APK_MAX_PACKAGES 200000
#define APK_TOKEN_MAX	 256
#define APK_TEXT_MAX	 1024
#define APK_PATH_MAX	 4096
/* owned files recorded from one database (a large image has ~100k) */
#define APK_MAX_FILES 2000000

static const char apk_found_by[] = "apk";

struct span {
	const char *p;
	size_t n;
};

static bool apk_wants(const char *path, const struct cs_entry *e)
{
	(void)e;
	/* newer Alpine moves the database below usr/ */
	return !strcmp(path, "lib/apk/db/installed") || !strcmp(path, "usr/lib/apk/db/installed");
}

/* names, versions, architectures: printable ASCII without spaces or '/' */
static bool token_ok(struct span s)
{
	if (!s.p || s.n == 0 || s.n > APK_TOKEN_MAX)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c <= 0x20 || c >= 0x7f || c == '/')
			return false;
	}
	return true;
}

/* licenses, maintainers: valid UTF-8 without control characters */
static bool text_ok(struct span s)
{
	if (!s.p || s.n == 0 || s.n > APK_TEXT_MAX || !cs_utf8_is_valid(s.p, s.n))
		return false;
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
			return false;
	return true;
}

struct block {
	struct span name, version, arch, origin, license, maintainer, commit;
	bool duplicate; /* P: or V: twice: ambiguous, skipped */
	bool any;
	size_t line;
	struct cs_buf files; /* cleaned paths, NUL-separated */
	size_t n_files;
	size_t bad_paths;
};

struct apk_ctx {
	struct cs_catalog *cat;
	const struct cs_cataloger_file *f;
	size_t emitted, skipped, first_skipped, bad_paths;
	size_t files; /* recorded so far, all blocks */
	bool truncated, files_truncated;
	struct cs_buf scratch, clean;
};

static int set_text(char **field, struct span s)
{
	return text_ok(s) ? cs_package_set(field, s.p, s.n) : 0;
}

static int block_emit(struct apk_ctx *c, struct block *b)
{
	_cleanup_(cs_package_freep) struct cs_package *p = NULL;

	if (!b->any)
		return 0;
	c->bad_paths += b->bad_paths;
	if (b->duplicate || !token_ok(b->name) || !token_ok(b->version) ||
	    (b->arch.p && !token_ok(b->arch)) || (b->origin.p && !token_ok(b->origin))) {
		if (!c->skipped++)
			c->first_skipped = b->line;
		return 0;
	}
	if (c->emitted >= APK_MAX_PACKAGES) {
		c->truncated = true;
		return 0;
	}
	p = cs_package_new(CS_PKG_APK);
	if (!p || cs_package_set(&p->name, b->name.p, b->name.n) < 0 ||
	    cs_package_set(&p->version, b->version.p, b->version.n) < 0 ||
	    (b->arch.p && cs_package_set(&p->arch, b->arch.p, b->arch.n) < 0) ||
	    set_text(&p->license, b->license) < 0 || set_text(&p->vendor, b->maintainer) < 0)
		return -ENOMEM;
	/* NULL origin means "the same as the package" */
	if (b->origin.p &&
	    !(b->origin.n == b->name.n && !memcmp(b->origin.p, b->name.p, b->name.n)) &&
	    cs_package_set(&p->source_name, b->origin.p, b->origin.n) < 0)
		return -ENOMEM;
	if (token_ok(b->commit)) {
		_cleanup_free_ char *commit = cs_strndup(b->commit.p, b->commit.n);

		if (!commit || cs_package_add_meta(p, "apk:commit", commit) < 0)
			return -ENOMEM;
	}
	for (size_t off = 0; off < b->files.len;) {
		size_t n = strnlen(b->files.data + off, b->files.len - off);

		if (cs_package_add_file(p, b->files.data + off, n) < 0)
			return -ENOMEM;
		off += n + 1;
	}
	c->files += b->n_files;
	p->path = cs_strdup(c->f->path);
	if (!p->path)
		return -ENOMEM;
	p->layer = c->f->layer;
	p->found_by = apk_found_by;
	c->emitted++;
	return cs_catalog_add(c->cat, CS_TAKE_PTR(p));
}

static void block_reset(struct block *b)
{
	struct cs_buf files = b->files;

	cs_buf_reset(&files);
	*b = (struct block){ .files = files };
}

/* R:name in the directory of the last F: line */
static int block_add_file(struct apk_ctx *c, struct block *b, struct span dir, struct span name)
{
	int r;

	if (name.n == 0 || memchr(name.p, '/', name.n)) {
		b->bad_paths++;
		return 0;
	}
	if (c->files + b->n_files >= APK_MAX_FILES) {
		c->files_truncated = true;
		return 0;
	}
	cs_buf_reset(&c->scratch);
	if (cs_buf_append(&c->scratch, dir.p, dir.n) < 0 || cs_buf_putc(&c->scratch, '/') < 0 ||
	    cs_buf_append(&c->scratch, name.p, name.n) < 0 ||
	    cs_path_clean(c->scratch.data, c->scratch.len, &c->clean, NULL) < 0 ||
	    c->clean.len == 0) {
		b->bad_paths++;
		return 0;
	}
	r = cs_buf_append(&b->files, c->clean.data, c->clean.len + 1);
	if (r == -CS_E_LIMIT)
		return 0;
	if (r < 0)
		return r;
	b->n_files++;
	return 0;
}

static void block_field(struct block *b, char key, struct span v)
{
	struct span *slot = NULL;

	switch (key) {
	case 'P':
		slot = &b->name;
		break;
	case 'V':
		slot = &b->version;
		break;
	case 'A':
		slot = &b->arch;
		break;
	case 'o':
		slot = &b->origin;
		break;
	case 'L':
		slot = &b->license;
		break;
	case 'm':
		slot = &b->maintainer;
		break;
	case 'c':
		slot = &b->commit;
		break;
	default:
		return;
	}
	if (slot->p && (key == 'P' || key == 'V'))
		b->duplicate = true;
	else
		*slot = v;
}

static int apk_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		     size_t len, struct cs_error *err)
{
	struct apk_ctx c = { .cat = cat,
			     .f = f,
			     .scratch = CS_BUF_INIT(2 * APK_PATH_MAX),
			     .clean = CS_BUF_INIT(APK_PATH_MAX) };
	struct block b = { .files = CS_BUF_INIT(APK_MAX_SIZE) };
	struct span dir = { NULL, 0 };
	const char *p = data, *end = data + len;
	size_t line = 0, bad_lines = 0, first_bad_line = 0, blocks = 0;
	int r = 0;

	if (len > APK_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", APK_MAX_SIZE);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *ls = p, *le = nl ? nl : end;
		struct span v;

		line++;
		p = nl ? nl + 1 : end;
		if (le > ls && le[-1] == '\r')
			le--;
		if (le == ls) { /* blank: end of block */
			r = block_emit(&c, &b);
			if (r < 0)
				goto out;
			blocks += b.any;
			block_reset(&b);
			dir = (struct span){ NULL, 0 };
			continue;
		}
		if (le - ls < 2 || ls[1] != ':' || memchr(ls, '\0', (size_t)(le - ls))) {
			if (!bad_lines++)
				first_bad_line = line;
			continue;
		}
		v = (struct span){ ls + 2, (size_t)(le - ls - 2) };
		if (!b.any)
			b.line = line;
		b.any = true;
		if (ls[0] == 'F') {
			dir = v;
		} else if (ls[0] == 'R') {
			/* files before any F: line lie in the root */
			r = block_add_file(&c, &b, dir.p ? dir : (struct span){ "", 0 }, v);
			if (r < 0)
				goto out;
		} else {
			block_field(&b, ls[0], v);
		}
	}
	r = block_emit(&c, &b);
	if (r < 0)
		goto out;
	blocks += b.any;
	if (blocks == 0 && bad_lines > 0) {
		r = cs_error_set(err, -CS_E_INPUT, "not an apk database (line %zu)",
				 first_bad_line);
		goto out;
	}
	if (bad_lines || c.skipped || c.bad_paths || c.truncated || c.files_truncated)
		r = cs_catalog_warn(
			cat,
			"apk: '%s' in layer %u: skipped %zu malformed lines (first: %zu), "
			"%zu invalid packages (first at line %zu), %zu invalid file paths%s%s",
			f->path, f->layer, bad_lines, first_bad_line, c.skipped, c.first_skipped,
			c.bad_paths, c.truncated ? ", stopped at the package limit" : "",
			c.files_truncated ? ", stopped recording files at the limit" : "");
out:
	cs_buf_done(&b.files);
	cs_buf_done(&c.scratch);
	cs_buf_done(&c.clean);
	return r < 0 ? r : 0;
}

const struct cs_cataloger cs_cataloger_apk = {
	.name = "apk",
	.version = 1,
	.max_size = APK_MAX_SIZE,
	.wants = apk_wants,
	.parse = apk_parse,
};
