/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rust crates, from two places:
 *  - binaries built with cargo-auditable, which embed their dependency list
 *    as zlib-compressed JSON in an ELF section named ".dep-v0"
 *    ({"packages":[{"name","version","source","kind","dependencies","root"}]});
 *  - Cargo.lock files, read by a small strict parser for the TOML subset
 *    that cargo writes ([[package]] tables of string keys and string arrays).
 * Inflated output, package counts and line lengths are all bounded; a
 * malformed file is an error naming what was wrong, never a crash.
 */
#include <string.h>
#include <jansson.h>
#include <zlib.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "catalog/catalog.h"
#include "catalog/elf.h"

#define RUST_BIN_MAX_SIZE (512ull << 20)
#define RUST_DEP_MAX	  (8u << 20)  /* inflated .dep-v0 */
#define CARGO_LOCK_MAX	  (32u << 20) /* a Cargo.lock file */
#define RUST_MAX_PACKAGES 100000
#define CARGO_MAX_STRING  4096

static const char found_by_audit[] = "rust-audit";
static const char found_by_lock[] = "cargo-lock";

static bool rust_wants(const char *path, const struct cs_entry *e)
{
	return e->type == CS_ENTRY_REG &&
	       ((e->mode & 0111) || !strcmp(cs_path_basename(path), "Cargo.lock"));
}

/* ELF binaries, or text that starts like a Cargo.lock (not a script) */
static bool rust_sniff(const void *head, size_t n)
{
	const char *p = head;
	size_t i = 0;

	if (cs_elf_is_elf(head, n))
		return true;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i >= n)
		return false;
	if (p[i] == '#')
		return i + 1 >= n || p[i + 1] != '!';
	return p[i] == '[' || (n - i >= 7 && !memcmp(p + i, "version", 7));
}

static int new_package(const struct cs_cataloger_file *f, const char *found_by, const char *name,
		       size_t name_len, const char *version, size_t version_len,
		       struct cs_package **ret)
{
	_cleanup_(cs_package_freep) struct cs_package *p = cs_package_new(CS_PKG_CARGO);

	if (!p || cs_package_set(&p->name, name, name_len) < 0 ||
	    cs_package_set(&p->version, version, version_len) < 0 ||
	    cs_package_set(&p->path, f->path, strlen(f->path)) < 0)
		return -ENOMEM;
	p->layer = f->layer;
	p->found_by = found_by;
	*ret = CS_TAKE_PTR(p);
	return 0;
}

/* --- cargo-auditable --- */

static int inflate_bounded(const uint8_t *in, size_t n, struct cs_buf *out, struct cs_error *err)
{
	z_stream z = { 0 };
	uint8_t chunk[16384];
	int zr, r = 0;

	if (inflateInit(&z) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)CS_MIN(n, (size_t)UINT32_MAX);
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			r = zr == Z_MEM_ERROR ? -ENOMEM
					      : cs_error_set(err, -CS_E_INPUT,
							     "'.dep-v0': corrupt zlib stream");
			break;
		}
		r = cs_buf_append(out, chunk, sizeof(chunk) - z.avail_out);
		if (r == -CS_E_LIMIT) {
			r = cs_error_set(err, r, "'.dep-v0': inflates to more than %u bytes",
					 RUST_DEP_MAX);
			break;
		}
		if (r < 0)
			break;
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			r = cs_error_set(err, -CS_E_INPUT, "'.dep-v0': truncated zlib stream");
			break;
		}
	} while (zr != Z_STREAM_END);
	inflateEnd(&z);
	return r;
}

static const char *json_str(json_t *o, const char *key, size_t *ret_len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return NULL;
	*ret_len = json_string_length(v);
	return json_string_value(v);
}

static int audit_package(struct cs_catalog *cat, const struct cs_cataloger_file *f, json_t *o,
			 size_t i, struct cs_error *err)
{
	struct cs_package *p = NULL;
	const char *name, *version, *source, *kind;
	size_t nl = 0, vl = 0, sl = 0, kl = 0;
	json_t *root;
	int r;

	if (!json_is_object(o))
		return cs_error_set(err, -CS_E_INPUT, "'.dep-v0': package %zu is not an object", i);
	name = json_str(o, "name", &nl);
	version = json_str(o, "version", &vl);
	if (!name || !nl || !version || !vl || memchr(name, 0, nl) || memchr(version, 0, vl))
		return cs_error_set(err, -CS_E_INPUT,
				    "'.dep-v0': package %zu has no name or version", i);
	source = json_str(o, "source", &sl);
	kind = json_str(o, "kind", &kl);
	root = json_object_get(o, "root");
	r = new_package(f, found_by_audit, name, nl, version, vl, &p);
	if (r < 0)
		return r;
	/* cargo-auditable leaves out "kind" when it is the default, runtime */
	if ((source && !memchr(source, 0, sl) && cs_package_add_meta(p, "source", source) < 0) ||
	    cs_package_add_meta(p, "kind", kind && !memchr(kind, 0, kl) ? kind : "runtime") < 0 ||
	    (json_is_true(root) && cs_package_add_meta(p, "root", "true") < 0)) {
		cs_package_free(p);
		return -ENOMEM;
	}
	/* crates compiled into the binary; the root crate is the binary itself */
	p->embedded = !json_is_true(root);
	return cs_catalog_add(cat, p);
}

static int parse_audit(struct cs_catalog *cat, const struct cs_cataloger_file *f,
		       const struct cs_elf *elf, const struct cs_elf_section *s,
		       struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf json = CS_BUF_INIT(RUST_DEP_MAX);
	json_error_t jerr;
	json_t *doc, *pkgs;
	size_t n;
	int r;

	if (s->type == CS_ELF_SHT_NOBITS)
		return cs_error_set(err, -CS_E_INPUT, "'.dep-v0' has no content");
	r = inflate_bounded(elf->data + s->offset, (size_t)s->size, &json, err);
	if (r < 0)
		return r;
	doc = json_loadb(json.data ? json.data : "", json.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return cs_error_set(err, -CS_E_INPUT, "'.dep-v0': invalid json: %s", jerr.text);
	pkgs = json_object_get(doc, "packages");
	if (!json_is_array(pkgs)) {
		json_decref(doc);
		return cs_error_set(err, -CS_E_INPUT, "'.dep-v0': no packages array");
	}
	n = json_array_size(pkgs);
	if (n > RUST_MAX_PACKAGES) {
		json_decref(doc);
		return cs_error_set(err, -CS_E_LIMIT, "'.dep-v0': more than %d packages",
				    RUST_MAX_PACKAGES);
	}
	r = 0;
	for (size_t i = 0; i < n && r >= 0; i++)
		r = audit_package(cat, f, json_array_get(pkgs, i), i, err);
	json_decref(doc);
	return r < 0 ? r : 0;
}

static int parse_binary(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
			size_t len, struct cs_error *err)
{
	struct cs_elf elf;
	struct cs_elf_section s;
	int r;

	/* a malformed ELF file is reported by the go-binary cataloger; not twice */
	if (cs_elf_open(&elf, data, len, NULL) < 0)
		return 0;
	r = cs_elf_section_by_name(&elf, ".dep-v0", &s, NULL);
	if (r < 0)
		return 0;
	return parse_audit(cat, f, &elf, &s, err);
}

/* --- Cargo.lock --- */

struct lock_pkg {
	char *name, *version, *source, *checksum;
	unsigned line;
};

struct lock_parser {
	const char *p, *end;
	unsigned line;
	struct cs_error *err;
};

static void lock_pkg_done(struct lock_pkg *k)
{
	free(k->name);
	free(k->version);
	free(k->source);
	free(k->checksum);
	memset(k, 0, sizeof(*k));
}

static int lock_error(struct lock_parser *lp, const char *what)
{
	return cs_error_set(lp->err, -CS_E_INPUT, "line %u: %s", lp->line, what);
}

static void skip_blank(struct lock_parser *lp)
{
	while (lp->p < lp->end && (*lp->p == ' ' || *lp->p == '\t'))
		lp->p++;
}

/* End of line: optional comment, then '\n' (or '\r\n') or the end. */
static int expect_eol(struct lock_parser *lp)
{
	skip_blank(lp);
	if (lp->p < lp->end && *lp->p == '#')
		while (lp->p < lp->end && *lp->p != '\n')
			lp->p++;
	if (lp->p < lp->end && *lp->p == '\r')
		lp->p++;
	if (lp->p < lp->end && *lp->p != '\n')
		return lock_error(lp, "unexpected text after value");
	if (lp->p < lp->end) {
		lp->p++;
		lp->line++;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int put_utf8(struct cs_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return cs_buf_append(b, u, n);
}

/* A TOML basic string "..." on one line (the only kind cargo writes). */
static int parse_string(struct lock_parser *lp, char **ret)
{
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(CARGO_MAX_STRING);
	int r;

	if (lp->p >= lp->end || *lp->p != '"')
		return lock_error(lp, "expected a string");
	lp->p++;
	for (;;) {
		char c;

		if (lp->p >= lp->end || *lp->p == '\n')
			return lock_error(lp, "unterminated string");
		c = *lp->p++;
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20 && c != '\t')
			return lock_error(lp, "control character in string");
		if (c == '\\') {
			unsigned digits = 0;
			uint32_t cp = 0;

			if (lp->p >= lp->end)
				return lock_error(lp, "unterminated string");
			switch (c = *lp->p++) {
			case '"':
			case '\\':
				break;
			case 'b':
				c = '\b';
				break;
			case 't':
				c = '\t';
				break;
			case 'n':
				c = '\n';
				break;
			case 'f':
				c = '\f';
				break;
			case 'r':
				c = '\r';
				break;
			case 'u':
				digits = 4;
				break;
			case 'U':
				digits = 8;
				break;
			default:
				return lock_error(lp, "bad escape in string");
			}
			if (digits) {
				for (unsigned i = 0; i < digits; i++) {
					int h = lp->p < lp->end ? hexval(*lp->p) : -1;

					if (h < 0)
						return lock_error(lp, "bad unicode escape");
					cp = (cp << 4) | (uint32_t)h;
					lp->p++;
				}
				if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
					return lock_error(lp, "bad unicode escape");
				r = put_utf8(&b, cp);
			} else {
				r = cs_buf_putc(&b, c);
			}
		} else {
			r = cs_buf_putc(&b, c);
		}
		if (r == -CS_E_LIMIT)
			return lock_error(lp, "string too long");
		if (r < 0)
			return r;
	}
	if (memchr(b.data ? b.data : "", 0, b.len))
		return lock_error(lp, "NUL in string");
	/* cs_buf_steal() of an empty buffer is not NUL-terminated */
	*ret = b.len ? cs_buf_steal(&b, NULL) : cs_strdup("");
	return *ret ? 0 : -ENOMEM;
}

/* An array of strings, possibly over several lines (dependencies = [ ... ]). */
static int skip_string_array(struct lock_parser *lp)
{
	size_t items = 0;

	lp->p++; /* '[' */
	for (;;) {
		_cleanup_free_ char *s = NULL;
		int r;

		/* whitespace, newlines and comments between items */
		for (;;) {
			skip_blank(lp);
			if (lp->p < lp->end && *lp->p == '#')
				while (lp->p < lp->end && *lp->p != '\n')
					lp->p++;
			if (lp->p < lp->end && *lp->p == '\r')
				lp->p++;
			if (lp->p < lp->end && *lp->p == '\n') {
				lp->p++;
				lp->line++;
				continue;
			}
			break;
		}
		if (lp->p >= lp->end)
			return lock_error(lp, "unterminated array");
		if (*lp->p == ']') {
			lp->p++;
			return 0;
		}
		if (++items > RUST_MAX_PACKAGES)
			return lock_error(lp, "array too long");
		r = parse_string(lp, &s);
		if (r < 0)
			return r;
		skip_blank(lp);
		if (lp->p < lp->end && *lp->p == ',')
			lp->p++;
		else if (lp->p < lp->end && *lp->p != ']' && *lp->p != '\n' && *lp->p != '\r' &&
			 *lp->p != '#')
			return lock_error(lp, "expected ',' or ']' in array");
	}
}

static bool is_bare_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static int emit_lock_pkg(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			 struct lock_pkg *k, struct lock_parser *lp)
{
	struct cs_package *p = NULL;
	const char *src = "local";
	int r;

	if (!k->name || !k->version || !*k->name || !*k->version) {
		lp->line = k->line;
		return lock_error(lp, "[[package]] without name or version");
	}
	r = new_package(f, found_by_lock, k->name, strlen(k->name), k->version, strlen(k->version),
			&p);
	if (r < 0)
		return r;
	if (k->source) {
		if (!strcmp(k->source, "registry+https://github.com/rust-lang/crates.io-index") ||
		    !strcmp(k->source, "sparse+https://index.crates.io/"))
			src = "crates.io";
		else if (!strncmp(k->source, "git+", 4))
			src = "git";
		else
			src = "registry";
	}
	if (cs_package_add_meta(p, "source", src) < 0 ||
	    (k->source && cs_package_add_meta(p, "source-url", k->source) < 0) ||
	    (k->checksum && cs_package_add_meta(p, "checksum", k->checksum) < 0)) {
		cs_package_free(p);
		return -ENOMEM;
	}
	lock_pkg_done(k);
	return cs_catalog_add(cat, p);
}

static int parse_cargo_lock(struct cs_catalog *cat, const struct cs_cataloger_file *f,
			    const char *data, size_t len, struct cs_error *err)
{
	struct lock_parser lp = { data, data + len, 1, err };
	struct lock_pkg k = { 0 };
	bool in_package = false;
	size_t count = 0;
	int r = 0;

	if (len > CARGO_LOCK_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes", CARGO_LOCK_MAX);
	while (lp.p < lp.end) {
		const char *key;
		size_t klen;

		skip_blank(&lp);
		if (lp.p >= lp.end)
			break;
		if (*lp.p == '#' || *lp.p == '\n' || *lp.p == '\r') {
			r = expect_eol(&lp);
			if (r < 0)
				goto out;
			continue;
		}
		if (*lp.p == '[') {
			/* [table] or [[array-table]]: [[package]], [metadata], [[patch.unused]] */
			bool arr = lp.end - lp.p >= 2 && lp.p[1] == '[';
			const char *name = lp.p + (arr ? 2 : 1), *q = name;
			size_t nlen;
			bool pkg;

			while (q < lp.end && (is_bare_key_char(*q) || *q == '.'))
				q++;
			nlen = (size_t)(q - name);
			if (nlen == 0) {
				r = lock_error(&lp, "bad table header");
				goto out;
			}
			if (q >= lp.end || *q != ']' || (arr && (q + 1 >= lp.end || q[1] != ']'))) {
				r = lock_error(&lp, "unterminated table header");
				goto out;
			}
			/* [root] is the root package of the oldest lock files */
			pkg = (arr && nlen == 7 && !memcmp(name, "package", 7)) ||
			      (!arr && nlen == 4 && !memcmp(name, "root", 4));
			if (in_package) {
				r = emit_lock_pkg(cat, f, &k, &lp);
				if (r < 0)
					goto out;
			}
			in_package = pkg;
			if (pkg) {
				if (++count > RUST_MAX_PACKAGES) {
					r = cs_error_set(err, -CS_E_LIMIT, "more than %d packages",
							 RUST_MAX_PACKAGES);
					goto out;
				}
				k.line = lp.line;
			}
			lp.p = q + (arr ? 2 : 1);
			r = expect_eol(&lp);
			if (r < 0)
				goto out;
			continue;
		}
		/* key = value; [metadata] keys are quoted strings */
		key = lp.p;
		if (*lp.p == '"') {
			_cleanup_free_ char *qk = NULL;

			r = parse_string(&lp, &qk);
			if (r < 0)
				goto out;
			key = NULL;
			klen = 0;
		} else {
			while (lp.p < lp.end && is_bare_key_char(*lp.p))
				lp.p++;
			klen = (size_t)(lp.p - key);
			if (klen == 0) {
				r = lock_error(&lp, "expected a key");
				goto out;
			}
		}
		skip_blank(&lp);
		if (lp.p >= lp.end || *lp.p != '=') {
			r = lock_error(&lp, "expected '='");
			goto out;
		}
		lp.p++;
		skip_blank(&lp);
		if (lp.p < lp.end && *lp.p == '"') {
			char *v = NULL, **field = NULL;

			r = parse_string(&lp, &v);
			if (r < 0)
				goto out;
			if (in_package && key) {
				if (klen == 4 && !memcmp(key, "name", 4))
					field = &k.name;
				else if (klen == 7 && !memcmp(key, "version", 7))
					field = &k.version;
				else if (klen == 6 && !memcmp(key, "source", 6))
					field = &k.source;
				else if (klen == 8 && !memcmp(key, "checksum", 8))
					field = &k.checksum;
			}
			if (field && *field) {
				free(v);
				r = lock_error(&lp, "duplicate key");
				goto out;
			}
			if (field)
				*field = v;
			else
				free(v);
		} else if (lp.p < lp.end && *lp.p == '[') {
			r = skip_string_array(&lp);
			if (r < 0)
				goto out;
		} else if (lp.p < lp.end && *lp.p >= '0' && *lp.p <= '9') {
			/* version = 3 */
			while (lp.p < lp.end && *lp.p >= '0' && *lp.p <= '9')
				lp.p++;
		} else {
			r = lock_error(&lp, "unsupported value");
			goto out;
		}
		r = expect_eol(&lp);
		if (r < 0)
			goto out;
	}
	if (in_package)
		r = emit_lock_pkg(cat, f, &k, &lp);
out:
	lock_pkg_done(&k);
	return r < 0 ? r : 0;
}

static int rust_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		      size_t len, struct cs_error *err)
{
	if (cs_elf_is_elf(data, len))
		return parse_binary(cat, f, data, len, err);
	if (!strcmp(cs_path_basename(f->path), "Cargo.lock"))
		return parse_cargo_lock(cat, f, data, len, err);
	return 0;
}

const struct cs_cataloger cs_cataloger_rust = {
	.name = "rust",
	.version = 1,
	.max_size = RUST_BIN_MAX_SIZE,
	.wants = rust_wants,
	.sniff = rust_sniff,
	.parse = rust_parse,
};
