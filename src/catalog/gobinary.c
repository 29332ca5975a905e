/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go binaries: the build information the Go linker embeds (Go >= 1.13),
 * read from the ELF file in memory. The blob starts with the magic
 * "\xff Go buildinf:" (16-byte aligned, at the start of .go.buildinfo or,
 * when section headers were stripped, somewhere in a writable segment),
 * then a pointer size and flags byte. Go >= 1.18 stores the toolchain
 * version and the module information inline as varint-prefixed strings;
 * older toolchains store two pointers to Go string headers, resolved here
 * through the program (or section) headers.
 *
 * The module information lists the main module, every dependency compiled
 * in, replacements and build settings. We emit the main module, each
 * dependency (replacement applied) and the standard library as "stdlib".
 * Every offset and length is checked; nothing here trusts the binary.
 */
#include <string.h>
#include "basic/alloc.h"
#include "catalog/catalog.h"
#include "catalog/elf.h"

#define GO_MAX_SIZE	   (512ull << 20)
#define GO_MAX_STRING	   (16u << 20) /* version or module info */
#define GO_MAX_MODULES	   100000
#define GO_MAGIC	   "\xff Go buildinf:"
#define GO_MAGIC_LEN	   14
#define GO_HEADER_LEN	   32
#define GO_FLAG_BIG_ENDIAN 1
#define GO_FLAG_INLINE	   2
#define GO_SENTINEL_LEN	   16

static const char found_by[] = "go-binary";

struct span {
	const char *p;
	size_t n;
};

struct go_module {
	struct span path, version, sum;
	struct span rpath, rversion, rsum; /* replacement, when rpath.p */
};

struct go_info {
	struct span toolchain;
	struct span main_path; /* "path" line */
	struct go_module main;
	bool has_main;
	struct go_module *deps;
	size_t n_deps, cap_deps;
	struct span goos, goarch, vcs, vcs_revision, vcs_time, vcs_modified, cgo, buildmode;
};

static bool go_wants(const char *path, const struct cs_entry *e)
{
	(void)path;
	return e->type == CS_ENTRY_REG && (e->mode & 0111);
}

static bool go_sniff(const void *head, size_t n)
{
	return cs_elf_is_elf(head, n);
}

/* Find the build info header: 0 and its file offset, or -CS_E_NOTFOUND. */
static int find_buildinfo(const struct cs_elf *elf, uint64_t *ret_off, uint64_t *ret_avail,
			  struct cs_error *err)
{
	struct cs_elf_section s;
	int r;

	r = cs_elf_section_by_name(elf, ".go.buildinfo", &s, err);
	if (r == 0) {
		if (s.type == CS_ELF_SHT_NOBITS || s.size < GO_HEADER_LEN ||
		    memcmp(elf->data + s.offset, GO_MAGIC, GO_MAGIC_LEN))
			return cs_error_set(err, -CS_E_INPUT, "no build info in '.go.buildinfo'");
		*ret_off = s.offset;
		/* inline data is inside the section; pointers may point anywhere */
		*ret_avail = s.size;
		return 0;
	}
	if (r != -CS_E_NOTFOUND)
		return r;
	/* sections present but no .go.buildinfo: not a Go binary (or Go < 1.13) */
	if (elf->shnum > 1)
		return -CS_E_NOTFOUND;
	/* sections stripped: scan the writable loaded segments at 16-byte steps */
	for (uint32_t i = 0; i < elf->phnum; i++) {
		struct cs_elf_segment seg;

		if (cs_elf_segment(elf, i, &seg, err) < 0)
			return -CS_E_INPUT;
		if (seg.type != CS_ELF_PT_LOAD || !(seg.flags & CS_ELF_PF_W))
			continue;
		/* the magic is 16-byte aligned in memory; vaddr and offset agree modulo the page */
		for (uint64_t o = (16 - (seg.vaddr & 15)) & 15; o + GO_HEADER_LEN <= seg.filesz;
		     o += 16) {
			const uint8_t *q = elf->data + seg.offset + o;

			if (q[0] == 0xff && !memcmp(q, GO_MAGIC, GO_MAGIC_LEN)) {
				*ret_off = seg.offset + o;
				*ret_avail = seg.filesz - o;
				return 0;
			}
		}
	}
	return -CS_E_NOTFOUND;
}

/* unsigned LEB128 varint as Go's encoding/binary writes it */
static int read_uvarint(const uint8_t **p, const uint8_t *end, uint64_t *ret)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (*p >= end)
			return -CS_E_INPUT;
		b = *(*p)++;
		if (shift == 63 && b > 1)
			return -CS_E_INPUT;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return 0;
		}
	}
	return -CS_E_INPUT;
}

static int read_inline_string(const uint8_t **p, const uint8_t *end, struct span *ret)
{
	uint64_t n;

	if (read_uvarint(p, end, &n) < 0 || n > GO_MAX_STRING || n > (uint64_t)(end - *p))
		return -CS_E_INPUT;
	ret->p = (const char *)*p;
	ret->n = (size_t)n;
	*p += n;
	return 0;
}

/* A Go string header {data, len} at virtual address addr. */
static int read_pointer_string(const struct cs_elf *elf, uint64_t addr, unsigned ptrsize, bool be,
			       struct span *ret)
{
	uint64_t off, avail, data, len;

	if (cs_elf_vaddr_to_offset(elf, addr, &off, &avail) < 0 || avail < 2ull * ptrsize)
		return -CS_E_INPUT;
	data = cs_elf_read_uint(elf->data + off, ptrsize, be);
	len = cs_elf_read_uint(elf->data + off + ptrsize, ptrsize, be);
	if (len > GO_MAX_STRING)
		return -CS_E_INPUT;
	if (len == 0) {
		ret->p = "";
		ret->n = 0;
		return 0;
	}
	if (cs_elf_vaddr_to_offset(elf, data, &off, &avail) < 0 || avail < len)
		return -CS_E_INPUT;
	ret->p = (const char *)elf->data + off;
	ret->n = (size_t)len;
	return 0;
}

static int read_buildinfo(const struct cs_elf *elf, uint64_t off, uint64_t avail,
			  struct span *ret_vers, struct span *ret_mod, struct cs_error *err)
{
	const uint8_t *h = elf->data + off;
	unsigned ptrsize = h[14], flags = h[15];

	if (flags & GO_FLAG_INLINE) {
		const uint8_t *p = h + GO_HEADER_LEN, *end = h + avail;

		if (read_inline_string(&p, end, ret_vers) < 0 ||
		    read_inline_string(&p, end, ret_mod) < 0)
			return cs_error_set(err, -CS_E_INPUT, "go build info: truncated string");
		return 0;
	}
	if (ptrsize != 4 && ptrsize != 8)
		return cs_error_set(err, -CS_E_INPUT, "go build info: bad pointer size %u",
				    ptrsize);
	bool be = flags & GO_FLAG_BIG_ENDIAN;
	uint64_t vaddr = cs_elf_read_uint(h + 16, ptrsize, be);
	uint64_t maddr = cs_elf_read_uint(h + 16 + ptrsize, ptrsize, be);

	if (read_pointer_string(elf, vaddr, ptrsize, be, ret_vers) < 0 ||
	    read_pointer_string(elf, maddr, ptrsize, be, ret_mod) < 0)
		return cs_error_set(err, -CS_E_INPUT, "go build info: unresolvable string pointer");
	return 0;
}

static bool span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && !memcmp(s.p, lit, n);
}

/* Module paths, versions and sums are printable ASCII/UTF-8 without controls. */
static bool span_clean(struct span s)
{
	for (size_t i = 0; i < s.n; i++)
		if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
			return false;
	return true;
}

/* Split a line at tabs into up to max fields; returns the field count. */
static size_t split_tabs(const char *p, size_t n, struct span *fields, size_t max)
{
	size_t k = 0;

	while (k < max) {
		const char *tab = memchr(p, '\t', n);
		size_t len = tab ? (size_t)(tab - p) : n;

		fields[k++] = (struct span){ p, len };
		if (!tab)
			break;
		n -= len + 1;
		p = tab + 1;
	}
	return k;
}

static void set_module(struct go_module *m, const struct span *fld, size_t nf)
{
	memset(m, 0, sizeof(*m));
	m->path = fld[1];
	m->version = nf > 2 ? fld[2] : (struct span){ "", 0 };
	m->sum = nf > 3 ? fld[3] : (struct span){ "", 0 };
}

static void build_setting(struct go_info *gi, struct span kv)
{
	const char *eq = memchr(kv.p, '=', kv.n);
	struct span k, v;

	if (!eq)
		return;
	k = (struct span){ kv.p, (size_t)(eq - kv.p) };
	v = (struct span){ eq + 1, kv.n - k.n - 1 };
#define SETTING(name, field) else if (span_eq(k, name)) gi->field = v
	if (0)
		;
	SETTING("GOOS", goos);
	SETTING("GOARCH", goarch);
	SETTING("vcs", vcs);
	SETTING("vcs.revision", vcs_revision);
	SETTING("vcs.time", vcs_time);
	SETTING("vcs.modified", vcs_modified);
	SETTING("CGO_ENABLED", cgo);
	SETTING("-buildmode", buildmode);
#undef SETTING
}

static int parse_modinfo(struct go_info *gi, struct span mod)
{
	const char *p = mod.p, *end = mod.p + mod.n;
	struct go_module *last = NULL;

	/* the text is framed by two 16-byte sentinels, the last preceded by '\n' */
	if (mod.n >= 2 * GO_SENTINEL_LEN + 1 && mod.p[mod.n - GO_SENTINEL_LEN - 1] == '\n') {
		p = mod.p + GO_SENTINEL_LEN;
		end = mod.p + mod.n - GO_SENTINEL_LEN;
	} else {
		return 0; /* no module information (GOPATH build) */
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct span f[5];
		size_t nf = split_tabs(p, n, f, CS_ARRAY_SIZE(f));
		bool ok = true;

		for (size_t i = 1; i < nf; i++)
			ok = ok && span_clean(f[i]);
		p = nl ? nl + 1 : end;
		if (!ok || nf < 2)
			continue;
		if (span_eq(f[0], "path")) {
			gi->main_path = f[1];
		} else if (span_eq(f[0], "mod")) {
			set_module(&gi->main, f, nf);
			gi->has_main = f[1].n > 0;
			last = gi->has_main ? &gi->main : NULL;
		} else if (span_eq(f[0], "dep")) {
			last = NULL;
			if (f[1].n == 0)
				continue;
			if (gi->n_deps >= GO_MAX_MODULES)
				return -CS_E_LIMIT;
			if (CS_GROW(gi->deps, gi->cap_deps, gi->n_deps + 1) < 0)
				return -ENOMEM;
			last = &gi->deps[gi->n_deps++];
			set_module(last, f, nf);
		} else if (span_eq(f[0], "=>")) {
			if (!last || f[1].n == 0)
				continue;
			last->rpath = f[1];
			last->rversion = nf > 2 ? f[2] : (struct span){ "", 0 };
			last->rsum = nf > 3 ? f[3] : (struct span){ "", 0 };
			last = NULL;
		} else if (span_eq(f[0], "build")) {
			build_setting(gi, f[1]);
		}
	}
	return 0;
}

static int meta_span(struct cs_package *p, const char *key, struct span v)
{
	_cleanup_free_ char *s = NULL;

	if (!v.p || v.n == 0)
		return 0;
	s = cs_strndup(v.p, v.n);
	if (!s)
		return -ENOMEM;
	return cs_package_add_meta(p, key, s);
}

static int new_package(const struct cs_cataloger_file *f, const struct go_info *gi,
		       struct span name, struct span version, struct cs_package **ret)
{
	_cleanup_(cs_package_freep) struct cs_package *p = cs_package_new(CS_PKG_GOLANG);

	if (!p || cs_package_set(&p->name, name.p, name.n) < 0 ||
	    (version.n && cs_package_set(&p->version, version.p, version.n) < 0) ||
	    cs_package_set(&p->path, f->path, strlen(f->path)) < 0)
		return -ENOMEM;
	p->layer = f->layer;
	p->found_by = found_by;
	if (meta_span(p, "go-toolchain", gi->toolchain) < 0 ||
	    (gi->has_main && meta_span(p, "main-module", gi->main.path) < 0))
		return -ENOMEM;
	*ret = CS_TAKE_PTR(p);
	return 0;
}

/* Go's rule for the right side of a replace directive naming a directory */
static bool is_directory_path(struct span s)
{
	return (s.n >= 1 && s.p[0] == '/') || (s.n >= 2 && !memcmp(s.p, "./", 2)) ||
	       (s.n >= 3 && !memcmp(s.p, "../", 3)) || (s.n >= 2 && !memcmp(s.p, ".\\", 2)) ||
	       (s.n >= 3 && !memcmp(s.p, "..\\", 3)) || span_eq(s, ".") || span_eq(s, "..");
}

static int emit_module(struct cs_catalog *cat, const struct cs_cataloger_file *f,
		       const struct go_info *gi, const struct go_module *m, bool is_main)
{
	struct cs_package *p = NULL;
	struct span name = m->path, version = m->version, sum = m->sum;
	bool dir_replace = m->rpath.p && is_directory_path(m->rpath);
	int r;

	/*
	 * A replacement changes what was compiled in: another module keeps its
	 * own name; a directory keeps the replaced module's name, but not its
	 * version (Go records "(devel)" for it).
	 */
	if (m->rpath.p) {
		if (!dir_replace)
			name = m->rpath;
		version = m->rversion.n ? m->rversion : (struct span){ "(devel)", 7 };
		sum = m->rsum;
	}
	r = new_package(f, gi, name, version, &p);
	if (r < 0)
		return r;
	if (meta_span(p, "h1-digest", sum) < 0)
		goto oom;
	if (m->rpath.p) {
		_cleanup_free_ char *orig = cs_asprintf("%.*s@%.*s", (int)m->path.n, m->path.p,
							(int)m->version.n, m->version.p);

		if (!orig || cs_package_add_meta(p, "replaces", orig) < 0 ||
		    (dir_replace && meta_span(p, "replaced-by", m->rpath) < 0))
			goto oom;
	}
	if (is_main &&
	    (meta_span(p, "GOOS", gi->goos) < 0 || meta_span(p, "GOARCH", gi->goarch) < 0 ||
	     meta_span(p, "vcs", gi->vcs) < 0 ||
	     meta_span(p, "vcs.revision", gi->vcs_revision) < 0 ||
	     meta_span(p, "vcs.time", gi->vcs_time) < 0 ||
	     meta_span(p, "vcs.modified", gi->vcs_modified) < 0 ||
	     meta_span(p, "CGO_ENABLED", gi->cgo) < 0 ||
	     meta_span(p, "-buildmode", gi->buildmode) < 0))
		goto oom;
	/* the dependencies are other software compiled in; the main module is the file's own */
	p->embedded = !is_main;
	return cs_catalog_add(cat, p);
oom:
	cs_package_free(p);
	return -ENOMEM;
}

/* "go1.21.4" -> "1.21.4"; "go1.22.0 X:boringcrypto" -> "1.22.0" */
static struct span stdlib_version(struct span t)
{
	size_t n = 0;

	if (t.n > 2 && !memcmp(t.p, "go", 2)) {
		t.p += 2;
		t.n -= 2;
	}
	while (n < t.n && t.p[n] != ' ')
		n++;
	return (struct span){ t.p, n };
}

static int go_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		    size_t len, struct cs_error *err)
{
	struct cs_elf elf;
	struct go_info gi = { 0 };
	struct span mod;
	uint64_t off = 0, avail = 0;
	struct cs_package *p = NULL;
	int r;

	if (!cs_elf_is_elf(data, len))
		return 0;
	r = cs_elf_open(&elf, data, len, err);
	if (r < 0)
		return r;
	r = find_buildinfo(&elf, &off, &avail, err);
	if (r == -CS_E_NOTFOUND)
		return 0;
	if (r < 0)
		return r;
	r = read_buildinfo(&elf, off, avail, &gi.toolchain, &mod, err);
	if (r < 0)
		return r;
	/* Go refuses build info without a toolchain version; so do we */
	if (gi.toolchain.n == 0 || !span_clean(gi.toolchain) || gi.toolchain.n > 256)
		return cs_error_set(err, -CS_E_INPUT, "go build info: bad toolchain version");
	r = parse_modinfo(&gi, mod);
	if (r == -CS_E_LIMIT) {
		r = cs_error_set(err, r, "go build info: more than %d modules", GO_MAX_MODULES);
		goto out;
	}
	if (r < 0)
		goto out;
	if (gi.has_main) {
		r = emit_module(cat, f, &gi, &gi.main, true);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < gi.n_deps; i++) {
		r = emit_module(cat, f, &gi, &gi.deps[i], false);
		if (r < 0)
			goto out;
	}
	r = new_package(f, &gi, (struct span){ "stdlib", 6 }, stdlib_version(gi.toolchain), &p);
	if (r >= 0) {
		p->embedded = true;
		r = cs_catalog_add(cat, p);
	}
out:
	free(gi.deps);
	return r < 0 ? r : 0;
}

const struct cs_cataloger cs_cataloger_gobinary = {
	.name = "go-binary",
	.version = 1,
	.max_size = GO_MAX_SIZE,
	.wants = go_wants,
	.sniff = go_sniff,
	.parse = go_parse,
};
