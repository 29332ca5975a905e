/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Python packages installed in an image: the core metadata that pip and
 * setuptools leave beside each distribution (NAME.dist-info/METADATA,
 * NAME.egg-info/PKG-INFO, or a NAME.egg-info file of the same syntax).
 * The metadata is RFC 822 style headers up to the first blank line; the
 * body (the long description) is never read. Nothing is evaluated.
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/path.h"
#include "basic/utf8.h"
#include "catalog/cataloger.h"

#define PY_METADATA_MAX (8u << 20)
#define PY_NAME_MAX	512
#define PY_VERSION_MAX	256
/* a longer License: is the licence text itself, not its name */
#define PY_LICENSE_MAX	  256
#define PY_AUTHOR_MAX	  1024
#define PY_CLASSIFIER_MAX 64

static bool py_wants(const char *path, const struct cs_entry *e)
{
	const char *base = cs_path_basename(path);
	size_t dlen = cs_path_dirlen(path);
	const char *dir_end = path + dlen;

	if (e && e->type != CS_ENTRY_REG)
		return false;
	if (cs_path_has_suffix(base, ".egg-info"))
		return strlen(base) > strlen(".egg-info");
	if (strcmp(base, "METADATA") && strcmp(base, "PKG-INFO"))
		return false;
	/* the parent directory: NAME.dist-info for METADATA, NAME.egg-info for PKG-INFO */
	{
		const char *suffix = base[0] == 'M' ? ".dist-info" : ".egg-info";
		size_t m = strlen(suffix);
		const char *dir = dir_end;

		while (dir > path && dir[-1] != '/')
			dir--;
		return (size_t)(dir_end - dir) > m && !memcmp(dir_end - m, suffix, m);
	}
}

/* One header with its continuation lines, folded into a single line. */
struct py_header {
	const char *key;
	size_t klen;
	struct cs_buf value;
};

struct py_meta {
	char *name, *version, *license, *license_expr, *author, *author_email;
	char *classifiers[PY_CLASSIFIER_MAX];
	size_t n_classifiers;
};

static void py_meta_done(struct py_meta *m)
{
	free(m->name);
	free(m->version);
	free(m->license);
	free(m->license_expr);
	free(m->author);
	free(m->author_email);
	for (size_t i = 0; i < m->n_classifiers; i++)
		free(m->classifiers[i]);
}

static bool key_is(const struct py_header *h, const char *k)
{
	return h->klen == strlen(k) && !strncasecmp(h->key, k, h->klen);
}

static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* Keep the first occurrence, as email.parser's msg[key] does. */
static int keep_first(char **field, const struct cs_buf *v)
{
	if (*field)
		return 0;
	*field = cs_strndup(v->data ? v->data : "", v->len);
	return *field ? 0 : -ENOMEM;
}

static int py_header_done(struct py_meta *m, struct py_header *h)
{
	const struct cs_buf *v = &h->value;
	int r = 0;

	if (!h->key)
		return 0;
	if (key_is(h, "Name"))
		r = keep_first(&m->name, v);
	else if (key_is(h, "Version"))
		r = keep_first(&m->version, v);
	else if (key_is(h, "License"))
		r = keep_first(&m->license, v);
	else if (key_is(h, "License-Expression"))
		r = keep_first(&m->license_expr, v);
	else if (key_is(h, "Author"))
		r = keep_first(&m->author, v);
	else if (key_is(h, "Author-email"))
		r = keep_first(&m->author_email, v);
	else if (key_is(h, "Classifier") && v->len > 9 && !memcmp(v->data, "License :", 9) &&
		 m->n_classifiers < PY_CLASSIFIER_MAX && v->len <= PY_LICENSE_MAX &&
		 !has_control(v->data, v->len) && cs_utf8_is_valid(v->data, v->len)) {
		m->classifiers[m->n_classifiers] = cs_strndup(v->data, v->len);
		if (!m->classifiers[m->n_classifiers])
			return -ENOMEM;
		m->n_classifiers++;
	}
	h->key = NULL;
	return r;
}

static bool is_header_name_char(char c)
{
	/* RFC 5322 ftext: printable US-ASCII except ':' */
	return c >= 0x21 && c <= 0x7e && c != ':';
}

/* Append a (possibly folded) piece of value, trimmed, joined by one space. */
static int value_append(struct cs_buf *b, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (!n)
		return 0;
	if (b->len) {
		int r = cs_buf_putc(b, ' ');

		if (r < 0)
			return r;
	}
	return cs_buf_append(b, s, n);
}

/*
 * Parse the header block. Stops at the first empty line, or (as Python's
 * feed parser does) at the first line that is neither a header nor a
 * continuation.
 */
static int py_parse_headers(struct py_meta *m, const char *data, size_t len, struct cs_error *err)
{
	struct py_header h = { NULL, 0, CS_BUF_INIT(64 * 1024) };
	const char *p = data, *end = data + len;
	int r = 0;

	/* a UTF-8 byte order mark is tolerated */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p), k = 0;

		if (memchr(p, '\0', n)) {
			r = cs_error_set(err, -CS_E_INPUT, "NUL byte in metadata headers");
			goto out;
		}
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (p[0] == ' ' || p[0] == '\t') {
			if (h.key) {
				r = value_append(&h.value, p, n);
				if (r == -CS_E_LIMIT) {
					/* an overlong value (a licence text): keep what fits */
					r = 0;
				}
				if (r < 0)
					goto out;
			}
			p = nl ? nl + 1 : end;
			continue;
		}
		while (k < n && is_header_name_char(p[k]))
			k++;
		if (k == 0 || k == n || p[k] != ':')
			break; /* not a header: the body starts here */
		r = py_header_done(m, &h);
		if (r < 0)
			goto out;
		cs_buf_reset(&h.value);
		h.key = p;
		h.klen = k;
		r = value_append(&h.value, p + k + 1, n - k - 1);
		if (r == -CS_E_LIMIT)
			r = 0;
		if (r < 0)
			goto out;
		p = nl ? nl + 1 : end;
	}
	r = py_header_done(m, &h);
out:
	cs_buf_done(&h.value);
	return r;
}

/* Trove classifiers that name exactly one licence, and their SPDX ids. */
static const struct {
	const char *classifier, *spdx;
} py_classifier_spdx[] = {
	{ "MIT License", "MIT" },
	{ "MIT No Attribution License (MIT-0)", "MIT-0" },
	{ "Apache Software License", "Apache-2.0" },
	{ "ISC License (ISCL)", "ISC" },
	{ "Python Software Foundation License", "PSF-2.0" },
	{ "Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0" },
	{ "Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1" },
	{ "GNU General Public License v2 (GPLv2)", "GPL-2.0-only" },
	{ "GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later" },
	{ "GNU General Public License v3 (GPLv3)", "GPL-3.0-only" },
	{ "GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later" },
	{ "GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only" },
	{ "GNU Lesser General Public License v2 or later (LGPLv2+)", "LGPL-2.0-or-later" },
	{ "GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only" },
	{ "GNU Lesser General Public License v3 or later (LGPLv3+)", "LGPL-3.0-or-later" },
	{ "GNU Affero General Public License v3", "AGPL-3.0-only" },
	{ "GNU Affero General Public License v3 or later (AGPLv3+)", "AGPL-3.0-or-later" },
	{ "Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0" },
	{ "Eclipse Public License 1.0 (EPL-1.0)", "EPL-1.0" },
	{ "Boost Software License 1.0 (BSL-1.0)", "BSL-1.0" },
	{ "The Unlicense (Unlicense)", "Unlicense" },
	{ "zlib/libpng License", "Zlib" },
	{ "Universal Permissive License (UPL)", "UPL-1.0" },
	{ "Academic Free License (AFL)", "AFL-3.0" },
	{ "Artistic License", "Artistic-2.0" },
	{ "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0" },
};

/* "License :: OSI Approved :: MIT License" -> "MIT"; unknown ones keep their last part */
static const char *py_classifier_licence(const char *c)
{
	const char *last = c, *s;

	while ((s = strstr(last, " :: ")))
		last = s + 4;
	if (!strcmp(last, "OSI Approved") || !strcmp(last, "License :"))
		return NULL;
	for (size_t i = 0; i < CS_ARRAY_SIZE(py_classifier_spdx); i++)
		if (!strcmp(last, py_classifier_spdx[i].classifier))
			return py_classifier_spdx[i].spdx;
	if (!strncmp(c, "License :: ", 11) && strlen(c) > 11)
		return last;
	return NULL;
}

/* setuptools writes "UNKNOWN" for fields a project left empty */
static bool py_text_usable(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n && n <= max && !has_control(s, n) && cs_utf8_is_valid(s, n) &&
	       strcasecmp(s, "UNKNOWN") && strcasecmp(s, "none");
}

static bool py_licence_usable(const char *s)
{
	return py_text_usable(s, PY_LICENSE_MAX);
}

/* License-Expression, else License (a short one), else the classifiers. */
static int py_licence(const struct py_meta *m, char **ret)
{
	struct cs_buf b = CS_BUF_INIT(4096);

	if (py_licence_usable(m->license_expr)) {
		*ret = cs_strdup(m->license_expr);
		return *ret ? 0 : -ENOMEM;
	}
	if (py_licence_usable(m->license)) {
		*ret = cs_strdup(m->license);
		return *ret ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < m->n_classifiers; i++) {
		const char *l = py_classifier_licence(m->classifiers[i]);

		if (!l)
			continue;
		/* several licence classifiers mean a choice (dual licensing) */
		if ((b.len && cs_buf_puts(&b, " OR ") < 0) || cs_buf_puts(&b, l) < 0) {
			cs_buf_done(&b);
			return -ENOMEM;
		}
	}
	*ret = b.len ? cs_buf_steal(&b, NULL) : NULL;
	cs_buf_done(&b);
	return 0;
}

static int py_check(const char *what, const char *s, size_t max, struct cs_error *err)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return cs_error_set(err, -CS_E_INPUT, "no %s in metadata", what);
	if (n > max || has_control(s, n) || !cs_utf8_is_valid(s, n))
		return cs_error_set(err, -CS_E_INPUT, "invalid %s in metadata", what);
	return 0;
}

static int py_parse(struct cs_catalog *cat, const struct cs_cataloger_file *f, const char *data,
		    size_t len, struct cs_error *err)
{
	_cleanup_(cs_package_freep) struct cs_package *p = NULL;
	struct py_meta m = { 0 };
	int r;

	if (len > PY_METADATA_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "metadata larger than %u bytes",
				    PY_METADATA_MAX);
	r = py_parse_headers(&m, data, len, err);
	if (r < 0)
		goto out;
	r = py_check("Name", m.name, PY_NAME_MAX, err);
	if (r >= 0)
		r = py_check("Version", m.version, PY_VERSION_MAX, err);
	if (r < 0)
		goto out;
	r = -ENOMEM;
	p = cs_package_new(CS_PKG_PYPI);
	if (!p)
		goto out;
	p->name = CS_TAKE_PTR(m.name);
	p->version = CS_TAKE_PTR(m.version);
	if (py_licence(&m, &p->license) < 0)
		goto out;
	if (py_text_usable(m.author, PY_AUTHOR_MAX))
		p->vendor = CS_TAKE_PTR(m.author);
	else if (py_text_usable(m.author_email, PY_AUTHOR_MAX))
		p->vendor = CS_TAKE_PTR(m.author_email);
	p->path = cs_strdup(f->path);
	if (!p->path)
		goto out;
	p->layer = f->layer;
	p->found_by = "python";
	r = cs_catalog_add(cat, CS_TAKE_PTR(p));
out:
	py_meta_done(&m);
	return r;
}

const struct cs_cataloger cs_cataloger_python = {
	.name = "python",
	.version = 1,
	.max_size = PY_METADATA_MAX,
	.wants = py_wants,
	.parse = py_parse,
};
