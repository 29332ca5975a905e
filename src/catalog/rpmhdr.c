/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rpm header blobs as the databases store them: a big-endian index count
 * and data length, then that many 16-byte index entries (tag, type,
 * offset, count) and the data store. Every entry is checked against the
 * data store before use; strings must end inside it. Decodes only the tags
 * a package needs; never trusts a count to size an allocation beyond what
 * the blob itself can hold.
 */
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "catalog/rpm.h"

enum {
	TAG_HEADERIMAGE = 61,
	TAG_HEADERSIGNATURES = 62,
	TAG_HEADERIMMUTABLE = 63,
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_VENDOR = 1011,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_OLDFILENAMES = 1027,
	TAG_SOURCERPM = 1044,
	TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117,
	TAG_DIRNAMES = 1118,
	TAG_MODULARITYLABEL = 5096,
};

enum {
	TYPE_NULL = 0,
	TYPE_CHAR,
	TYPE_INT8,
	TYPE_INT16,
	TYPE_INT32,
	TYPE_INT64,
	TYPE_STRING,
	TYPE_BIN,
	TYPE_STRING_ARRAY,
	TYPE_I18NSTRING,
	TYPE_MAX = TYPE_I18NSTRING,
};

/* more files than any real package has; a hostile count stops here */
#define RPM_MAX_FILES (1u << 20)
#define RPM_PATH_MAX  4096

struct hdr {
	const uint8_t *index; /* il entries of 16 bytes */
	uint32_t il;
	const uint8_t *data; /* dl bytes */
	uint32_t dl;
};

struct entry {
	uint32_t tag, type, offset, count;
};

/* a string inside the data store, not NUL-terminated for the caller */
struct str {
	const char *s;
	size_t n;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void entry_at(const struct hdr *h, uint32_t i, struct entry *e)
{
	const uint8_t *p = h->index + (size_t)i * 16;

	e->tag = be32(p);
	e->type = be32(p + 4);
	e->offset = be32(p + 8);
	e->count = be32(p + 12);
}

/* The last entry of a tag wins: entries added after install (dribbles) follow the region. */
static bool find_tag(const struct hdr *h, uint32_t tag, struct entry *ret)
{
	bool found = false;

	for (uint32_t i = 0; i < h->il; i++) {
		struct entry e;

		entry_at(h, i, &e);
		if (e.tag == tag) {
			*ret = e;
			found = true;
		}
	}
	return found;
}

/* The NUL-terminated string at data offset off, or -CS_E_INPUT. */
static int string_at(const struct hdr *h, size_t off, struct str *ret)
{
	const char *s, *nul;

	if (off >= h->dl)
		return -CS_E_INPUT;
	s = (const char *)h->data + off;
	nul = memchr(s, '\0', h->dl - off);
	if (!nul)
		return -CS_E_INPUT;
	ret->s = s;
	ret->n = (size_t)(nul - s);
	return 0;
}

static bool is_string_type(uint32_t type)
{
	return type == TYPE_STRING || type == TYPE_STRING_ARRAY || type == TYPE_I18NSTRING;
}

/*
 * A single string tag: STRING, or the first element of an i18n string
 * (the default locale) or string array. 0 found, 1 absent, <0 malformed.
 */
static int get_string(const struct hdr *h, uint32_t tag, struct str *ret, struct cs_error *err)
{
	struct entry e;

	if (!find_tag(h, tag, &e))
		return 1;
	if (!is_string_type(e.type) || e.count == 0 || (e.type == TYPE_STRING && e.count != 1))
		return cs_error_set(err, -CS_E_INPUT, "tag %u: not a string (type %u, count %u)",
				    tag, e.type, e.count);
	if (string_at(h, e.offset, ret) < 0)
		return cs_error_set(err, -CS_E_INPUT,
				    "tag %u: string at offset %u outside the data", tag, e.offset);
	return 0;
}

/*
 * A string array tag checked whole: every element ends inside the data.
 * Returns 0 with e filled, 1 when absent, <0 when malformed.
 */
static int get_string_array(const struct hdr *h, uint32_t tag, struct entry *e,
			    struct cs_error *err)
{
	size_t off;

	if (!find_tag(h, tag, e))
		return 1;
	if (e->type != TYPE_STRING_ARRAY)
		return cs_error_set(err, -CS_E_INPUT, "tag %u: not a string array (type %u)", tag,
				    e->type);
	if (e->count > RPM_MAX_FILES)
		return cs_error_set(err, -CS_E_LIMIT, "tag %u: %u strings, more than %u", tag,
				    e->count, RPM_MAX_FILES);
	/* each string takes at least its NUL */
	if (e->offset > h->dl || e->count > h->dl - e->offset)
		return cs_error_set(err, -CS_E_INPUT, "tag %u: %u strings past the end of the data",
				    tag, e->count);
	off = e->offset;
	for (uint32_t i = 0; i < e->count; i++) {
		struct str s;

		if (string_at(h, off, &s) < 0)
			return cs_error_set(err, -CS_E_INPUT,
					    "tag %u: string %u runs past the end of the data", tag,
					    i);
		off += s.n + 1;
	}
	return 0;
}

/* An INT32 array tag: 0 found (*ret_p points to count big-endian values), 1 absent, <0 bad. */
static int get_int32(const struct hdr *h, uint32_t tag, const uint8_t **ret_p, uint32_t *ret_count,
		     struct cs_error *err)
{
	struct entry e;

	if (!find_tag(h, tag, &e))
		return 1;
	if (e.type != TYPE_INT32 || e.count == 0)
		return cs_error_set(err, -CS_E_INPUT, "tag %u: not an int32 (type %u, count %u)",
				    tag, e.type, e.count);
	if (e.offset > h->dl || e.count > (h->dl - e.offset) / 4)
		return cs_error_set(err, -CS_E_INPUT, "tag %u: %u int32 past the end of the data",
				    tag, e.count);
	*ret_p = h->data + e.offset;
	*ret_count = e.count;
	return 0;
}

/*
 * The region tag, when present, comes first and points at a trailer entry
 * in the data whose negative offset gives the region's entry count.
 */
static int check_region(const struct hdr *h, struct cs_error *err)
{
	struct entry e, t;
	int32_t toff;

	if (h->il == 0)
		return 0;
	entry_at(h, 0, &e);
	if (e.tag != TAG_HEADERIMAGE && e.tag != TAG_HEADERSIGNATURES &&
	    e.tag != TAG_HEADERIMMUTABLE)
		return 0;
	if (e.type != TYPE_BIN || e.count != 16 || e.offset > h->dl || h->dl - e.offset < 16)
		return cs_error_set(err, -CS_E_INPUT, "bad region tag %u (type %u, offset %u)",
				    e.tag, e.type, e.offset);
	t.tag = be32(h->data + e.offset);
	t.type = be32(h->data + e.offset + 4);
	toff = (int32_t)be32(h->data + e.offset + 8);
	t.count = be32(h->data + e.offset + 12);
	if (t.type != TYPE_BIN || t.count != 16 ||
	    (t.tag != TAG_HEADERIMAGE && t.tag != TAG_HEADERSIGNATURES &&
	     t.tag != TAG_HEADERIMMUTABLE) ||
	    toff >= 0 || toff % 16 != 0 || (uint32_t)(-(int64_t)toff / 16) > h->il)
		return cs_error_set(err, -CS_E_INPUT, "bad region trailer for tag %u", e.tag);
	return 0;
}

static int hdr_init(struct hdr *h, const uint8_t *blob, size_t len, struct cs_error *err)
{
	uint32_t il, dl;
	size_t need;

	if (len < 8)
		return cs_error_set(err, -CS_E_INPUT, "header blob of %zu bytes is truncated", len);
	il = be32(blob);
	dl = be32(blob + 4);
	if (il == 0 || il > CS_RPM_HEADER_MAX_TAGS)
		return cs_error_set(err, -CS_E_INPUT, "header index count %u out of range", il);
	if (dl > CS_RPM_HEADER_MAX_DATA)
		return cs_error_set(err, -CS_E_INPUT, "header data length %u out of range", dl);
	need = 8 + (size_t)il * 16 + dl; /* bounded above: no overflow */
	if (need > len)
		return cs_error_set(err, -CS_E_INPUT,
				    "header needs %zu bytes (%u tags, %u data) but has %zu", need,
				    il, dl, len);
	h->il = il;
	h->dl = dl;
	h->index = blob + 8;
	h->data = blob + 8 + (size_t)il * 16;
	for (uint32_t i = 0; i < il; i++) {
		struct entry e;

		entry_at(h, i, &e);
		if (e.type > TYPE_MAX || e.offset > dl)
			return cs_error_set(
				err, -CS_E_INPUT,
				"header entry %u (tag %u): type %u, offset %u out of range", i,
				e.tag, e.type, e.offset);
	}
	return check_region(h, err);
}

static int set_str(char **field, const struct str *s)
{
	return cs_package_set(field, s->s, s->n);
}

/* "util-linux-2.32.1-42.el8_8.src.rpm" -> name "util-linux", version "2.32.1-42.el8_8" */
static bool split_sourcerpm(const struct str *s, struct str *name, struct str *version)
{
	static const char *const suffixes[] = { ".src.rpm", ".nosrc.rpm" };
	size_t n = s->n, dash_rel, dash_ver;
	bool ok = false;

	for (size_t i = 0; i < CS_ARRAY_SIZE(suffixes) && !ok; i++) {
		size_t sl = strlen(suffixes[i]);

		if (n > sl && !memcmp(s->s + n - sl, suffixes[i], sl)) {
			n -= sl;
			ok = true;
		}
	}
	if (!ok)
		return false;
	for (dash_rel = n; dash_rel > 0 && s->s[dash_rel - 1] != '-'; dash_rel--)
		;
	if (dash_rel < 2)
		return false;
	dash_rel--;
	for (dash_ver = dash_rel; dash_ver > 0 && s->s[dash_ver - 1] != '-'; dash_ver--)
		;
	if (dash_ver < 2)
		return false;
	dash_ver--;
	*name = (struct str){ s->s, dash_ver };
	*version = (struct str){ s->s + dash_ver + 1, n - dash_ver - 1 };
	return true;
}

static bool str_eq(const struct str *a, const char *b)
{
	return b && strlen(b) == a->n && !memcmp(a->s, b, a->n);
}

/* Clean dir+base into a package file; the root itself ("/") is not a file. */
static int add_file(struct cs_package *p, struct cs_buf *raw, struct cs_buf *clean,
		    const struct str *dir, const struct str *base, size_t *budget,
		    struct cs_error *err)
{
	int r;

	cs_buf_reset(raw);
	if (dir)
		r = cs_buf_append(raw, dir->s, dir->n);
	else
		r = 0;
	if (r >= 0)
		r = cs_buf_append(raw, base->s, base->n);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "file name longer than %d bytes", RPM_PATH_MAX);
	if (r < 0)
		return r;
	r = cs_path_clean(raw->data, raw->len, clean, err);
	if (r < 0)
		return r == -ENOMEM ? r : cs_error_prefix(err, "file list");
	if (clean->len == 0)
		return 0;
	if (clean->len >= *budget)
		return cs_error_set(err, -CS_E_LIMIT, "file names far longer than the header");
	*budget -= clean->len + 1;
	return cs_package_add_file(p, clean->data, clean->len);
}

/*
 * Directory names are shared by their files, so a small header could
 * name gigabytes of paths; real ones hold far more per file than its
 * name (digests, modes, sizes, owners...).
 */
static size_t path_budget(const struct hdr *h)
{
	return 4 * ((size_t)h->il * 16 + h->dl) + 65536;
}

static int decode_files(const struct hdr *h, struct cs_package *p, struct cs_error *err)
{
	size_t budget = path_budget(h);
	_cleanup_buf_ struct cs_buf raw = CS_BUF_INIT(RPM_PATH_MAX);
	_cleanup_buf_ struct cs_buf clean = CS_BUF_INIT(RPM_PATH_MAX);
	_cleanup_free_ struct str *dirs = NULL;
	struct entry base_e, dir_e;
	const uint8_t *idx;
	uint32_t n_idx;
	size_t off;
	int r;

	r = get_string_array(h, TAG_BASENAMES, &base_e, err);
	if (r < 0)
		return r;
	if (r > 0) {
		/* old style: full paths */
		r = get_string_array(h, TAG_OLDFILENAMES, &base_e, err);
		if (r != 0)
			return r < 0 ? r : 0;
		off = base_e.offset;
		for (uint32_t i = 0; i < base_e.count; i++) {
			struct str s;

			if (string_at(h, off, &s) < 0) /* checked by get_string_array */
				return -CS_E_INTERNAL;
			off += s.n + 1;
			r = add_file(p, &raw, &clean, NULL, &s, &budget, err);
			if (r < 0)
				return r;
		}
		return 0;
	}
	r = get_string_array(h, TAG_DIRNAMES, &dir_e, err);
	if (r > 0)
		return cs_error_set(err, -CS_E_INPUT, "basenames without dirnames");
	if (r < 0)
		return r;
	r = get_int32(h, TAG_DIRINDEXES, &idx, &n_idx, err);
	if (r > 0)
		return cs_error_set(err, -CS_E_INPUT, "basenames without dirindexes");
	if (r < 0)
		return r;
	if (n_idx != base_e.count)
		return cs_error_set(err, -CS_E_INPUT, "%u basenames but %u dirindexes",
				    base_e.count, n_idx);
	dirs = cs_mallocarray(dir_e.count ? dir_e.count : 1, sizeof(*dirs));
	if (!dirs)
		return -ENOMEM;
	off = dir_e.offset;
	for (uint32_t i = 0; i < dir_e.count; i++) {
		if (string_at(h, off, &dirs[i]) < 0)
			return -CS_E_INTERNAL;
		off += dirs[i].n + 1;
	}
	off = base_e.offset;
	for (uint32_t i = 0; i < base_e.count; i++) {
		uint32_t di = be32(idx + (size_t)i * 4);
		struct str s;

		if (string_at(h, off, &s) < 0)
			return -CS_E_INTERNAL;
		off += s.n + 1;
		if (di >= dir_e.count)
			return cs_error_set(err, -CS_E_INPUT, "file %u: dirindex %u out of %u dirs",
					    i, di, dir_e.count);
		r = add_file(p, &raw, &clean, &dirs[di], &s, &budget, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int decode(const struct hdr *h, struct cs_package *p, bool *ret_skip, struct cs_error *err)
{
	struct str name, version, release, s, srcname, srcver;
	const uint8_t *ep;
	uint32_t n_ep;
	bool has_epoch;
	char epoch[16];
	int r;

	r = get_string(h, TAG_NAME, &name, err);
	if (r > 0)
		return cs_error_set(err, -CS_E_INPUT, "header has no name");
	if (r < 0)
		return r;
	if (name.n == 0)
		return cs_error_set(err, -CS_E_INPUT, "header has an empty name");
	if (name.n == 10 && !memcmp(name.s, "gpg-pubkey", 10)) {
		*ret_skip = true;
		return 0;
	}
	if ((r = get_string(h, TAG_VERSION, &version, err)) != 0 ||
	    (r = get_string(h, TAG_RELEASE, &release, err)) != 0)
		return r < 0 ? r
			     : cs_error_set(err, -CS_E_INPUT, "package '%.*s' has no version",
					    (int)CS_MIN(name.n, 256), name.s);
	r = get_int32(h, TAG_EPOCH, &ep, &n_ep, err);
	if (r < 0)
		return r;
	has_epoch = r == 0;
	if (has_epoch)
		snprintf(epoch, sizeof(epoch), "%u", be32(ep));

	r = set_str(&p->name, &name);
	if (r >= 0) {
		_cleanup_free_ char *v =
			cs_asprintf("%s%s%.*s-%.*s", has_epoch ? epoch : "", has_epoch ? ":" : "",
				    (int)version.n, version.s, (int)release.n, release.s);

		if (!v)
			return -ENOMEM;
		p->version = CS_TAKE_PTR(v);
	}
	if (r >= 0 && has_epoch)
		r = cs_package_add_meta(p, "epoch", epoch);
	if (r < 0)
		return r;

#define OPTIONAL_STRING(tag, field)                          \
	do {                                                 \
		r = get_string(h, tag, &s, err);             \
		if (r < 0)                                   \
			return r;                            \
		if (r == 0 && s.n && set_str(field, &s) < 0) \
			return -ENOMEM;                      \
	} while (0)
	OPTIONAL_STRING(TAG_ARCH, &p->arch);
	OPTIONAL_STRING(TAG_LICENSE, &p->license);
	OPTIONAL_STRING(TAG_VENDOR, &p->vendor);
#undef OPTIONAL_STRING

	r = get_string(h, TAG_MODULARITYLABEL, &s, err);
	if (r < 0)
		return r;
	if (r == 0 && s.n) {
		_cleanup_free_ char *label = cs_strndup(s.s, s.n);

		if (!label || cs_package_add_meta(p, "modularitylabel", label) < 0)
			return -ENOMEM;
	}

	r = get_string(h, TAG_SOURCERPM, &s, err);
	if (r < 0)
		return r;
	if (r == 0 && split_sourcerpm(&s, &srcname, &srcver)) {
		_cleanup_free_ char *binver = cs_asprintf("%.*s-%.*s", (int)version.n, version.s,
							  (int)release.n, release.s);

		if (!binver)
			return -ENOMEM;
		/* NULL when the same as the binary package's (package.h) */
		if (!str_eq(&srcname, p->name) && set_str(&p->source_name, &srcname) < 0)
			return -ENOMEM;
		if (!str_eq(&srcver, binver) && set_str(&p->source_version, &srcver) < 0)
			return -ENOMEM;
	}
	return decode_files(h, p, err);
}

int cs_rpm_header_decode(const uint8_t *blob, size_t len, struct cs_package **ret,
			 struct cs_error *err)
{
	_cleanup_(cs_package_freep) struct cs_package *p = NULL;
	struct hdr h;
	bool skip = false;
	int r;

	r = hdr_init(&h, blob, len, err);
	if (r < 0)
		return r;
	p = cs_package_new(CS_PKG_RPM);
	if (!p)
		return -ENOMEM;
	r = decode(&h, p, &skip, err);
	if (r < 0)
		return r;
	*ret = skip ? NULL : CS_TAKE_PTR(p);
	return 0;
}
