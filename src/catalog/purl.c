/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Package URLs (purl-spec / ECMA-427): parsing works from right to left
 * (subpath, qualifiers, scheme, type, version, name, namespace) as the
 * spec's "how to parse" describes; formatting builds the canonical string
 * (lowercase type, type-specific normalisation, sorted qualifiers without
 * empty values, subpath without empty, '.' and '..' segments). Everything
 * but A-Z a-z 0-9 . - _ ~ and ':' is percent-encoded, so a version
 * "1.2-3+deb12u1" becomes "1.2-3%2Bdeb12u1".
 *
 * Input is untrusted (purls come from SBOMs): bounded length, checked
 * percent-escapes, no NUL bytes smuggled in through %00.
 */
#include <string.h>
#include <strings.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "catalog/purl.h"

#define PURL_MAX_LEN	    (64u * 1024)
#define PURL_MAX_QUALIFIERS 64

enum component {
	C_NAMESPACE,
	C_NAME,
	C_VERSION,
	C_QUALIFIER,
	C_SUBPATH,
};

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void str_lower(char *s)
{
	for (; s && *s; s++)
		*s = lower(*s);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode (s, n) into a new string; NULL with *bad set on a malformed escape. */
static char *decode(const char *s, size_t n, bool *bad)
{
	char *out = cs_malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		/* two hex digits must follow; %00 would cut the string short */
		if (n - i < 3 || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0 ||
		    (s[i + 1] == '0' && s[i + 2] == '0')) {
			free(out);
			*bad = true;
			return NULL;
		}
		*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
		i += 2;
	}
	*o = '\0';
	return out;
}

/* Characters written as they are; ':' never needs encoding (spec). */
static bool plain(unsigned char c, enum component comp)
{
	if (is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':')
		return true;
	/* qualifier values keep '/' readable (repository_url=repo.spring.io/release) */
	return comp == C_QUALIFIER && c == '/';
}

static int encode(struct cs_buf *b, const char *s, enum component comp)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
		int r = plain(c, comp) ? cs_buf_putc(b, (char)c) : cs_buf_append(b, esc, 3);

		if (r < 0)
			return r;
	}
	return 0;
}

/* --- type-specific normalisation --- */

static bool type_is(const char *type, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(type, *list))
			return true;
	return false;
}

/* types whose namespace is case-insensitive and written in lowercase */
static const char *const lower_namespace[] = {
	"alpm", "apk", "bitbucket", "composer", "deb", "github", "hex", "rpm", "qpkg", NULL,
};
/* types whose name is case-insensitive and written in lowercase */
static const char *const lower_name[] = {
	"alpm", "apk", "bitbucket", "composer", "deb", "github", "hex", "npm", "pypi", NULL,
};

/* PEP 503: lowercase, every run of '-', '_' and '.' becomes one '-' */
static void pep503(char *s)
{
	char *o = s;

	for (const char *p = s; *p;) {
		if (*p == '-' || *p == '_' || *p == '.') {
			while (*p == '-' || *p == '_' || *p == '.')
				p++;
			*o++ = '-';
			continue;
		}
		*o++ = lower(*p++);
	}
	*o = '\0';
}

/* Normalise a decoded component in place. */
static void normalise(const char *type, enum component comp, char *s)
{
	if (comp == C_NAMESPACE && type_is(type, lower_namespace))
		str_lower(s);
	if (comp == C_NAME && type_is(type, lower_name)) {
		if (!strcmp(type, "pypi"))
			pep503(s);
		else
			str_lower(s);
	}
}

/* --- parsing --- */

static void kv_free(struct cs_kv *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(q[i].key);
		free(q[i].value);
	}
	free(q);
}

void cs_purl_free(struct cs_purl *p)
{
	if (!p)
		return;
	free(p->type);
	free(p->namespace);
	free(p->name);
	free(p->version);
	kv_free(p->qualifiers, p->n_qualifiers);
	free(p->subpath);
	free(p);
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct cs_kv *)a)->key, ((const struct cs_kv *)b)->key);
}

/* A qualifier key: letters, digits, '.', '-', '_', not starting with a digit. */
static bool valid_key(const char *k, size_t n)
{
	if (n == 0 || (k[0] >= '0' && k[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)k[i]) && k[i] != '.' && k[i] != '-' && k[i] != '_')
			return false;
	return true;
}

/* A type: letters, digits, '.', '+', '-', not starting with a digit. */
static bool valid_type(const char *t, size_t n)
{
	if (n == 0 || (t[0] >= '0' && t[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)t[i]) && t[i] != '.' && t[i] != '+' && t[i] != '-')
			return false;
	return true;
}

/* Split (s, n) on '/', decode the segments, drop empty ones (and '.'/'..' for a subpath). */
static int decode_segments(const char *s, size_t n, bool subpath, char **ret, const char **why)
{
	struct cs_buf b = CS_BUF_INIT(PURL_MAX_LEN);
	size_t i = 0;
	int r = 0;

	*ret = NULL;
	while (i <= n) {
		size_t j = i;
		bool bad = false;
		char *seg;

		while (j < n && s[j] != '/')
			j++;
		seg = decode(s + i, j - i, &bad);
		if (!seg) {
			r = bad ? -CS_E_INPUT : -ENOMEM;
			*why = "invalid percent-encoding";
			goto out;
		}
		if (strchr(seg, '/')) {
			free(seg);
			r = -CS_E_INPUT;
			*why = subpath ? "a subpath segment contains '/'"
				       : "a namespace segment contains '/'";
			goto out;
		}
		if (seg[0] && !(subpath && (!strcmp(seg, ".") || !strcmp(seg, "..")))) {
			if ((b.len && cs_buf_putc(&b, '/') < 0) || cs_buf_puts(&b, seg) < 0) {
				free(seg);
				r = -ENOMEM;
				goto out;
			}
		}
		free(seg);
		i = j + 1;
	}
	if (b.len) {
		*ret = cs_buf_steal(&b, NULL);
		if (!*ret)
			r = -ENOMEM;
	}
out:
	cs_buf_done(&b);
	return r;
}

static int parse_qualifiers(struct cs_purl *p, const char *s, size_t n, const char **why)
{
	size_t i = 0;

	while (i <= n) {
		size_t j = i, eq;
		bool bad = false;
		char *key, *value;

		while (j < n && s[j] != '&')
			j++;
		if (j == i) { /* empty pair ("a=1&&b=2") */
			i = j + 1;
			continue;
		}
		for (eq = i; eq < j && s[eq] != '='; eq++)
			;
		if (eq == j || !valid_key(s + i, eq - i)) {
			*why = "invalid qualifier key";
			return -CS_E_INPUT;
		}
		value = decode(s + eq + 1, j - eq - 1, &bad);
		if (!value) {
			*why = "invalid percent-encoding in a qualifier";
			return bad ? -CS_E_INPUT : -ENOMEM;
		}
		if (!value[0]) { /* empty values are the same as absent ones */
			free(value);
			i = j + 1;
			continue;
		}
		key = cs_strndup(s + i, eq - i);
		if (!key) {
			free(value);
			return -ENOMEM;
		}
		str_lower(key);
		for (size_t k = 0; k < p->n_qualifiers; k++)
			if (!strcmp(p->qualifiers[k].key, key)) {
				free(key);
				free(value);
				*why = "duplicate qualifier key";
				return -CS_E_INPUT;
			}
		if (p->n_qualifiers >= PURL_MAX_QUALIFIERS) {
			free(key);
			free(value);
			*why = "too many qualifiers";
			return -CS_E_INPUT;
		}
		struct cs_kv *q =
			cs_reallocarray(p->qualifiers, p->n_qualifiers + 1, sizeof(*p->qualifiers));
		if (!q) {
			free(key);
			free(value);
			return -ENOMEM;
		}
		p->qualifiers = q;
		q[p->n_qualifiers].key = key;
		q[p->n_qualifiers].value = value;
		p->n_qualifiers++;
		i = j + 1;
	}
	if (p->n_qualifiers > 1)
		qsort(p->qualifiers, p->n_qualifiers, sizeof(*p->qualifiers), cmp_kv);
	return 0;
}

static int parse_(const char *s, size_t len, struct cs_purl *p, const char **why)
{
	const char *end = s + len, *hash, *q, *rem, *slash, *at;
	bool bad = false;
	int r;

	if (len < 4 || strncasecmp(s, "pkg:", 4) != 0) {
		*why = "the scheme is not 'pkg:'";
		return -CS_E_INPUT;
	}
	/* subpath: right of the last '#' */
	hash = memrchr(s, '#', len);
	if (hash) {
		r = decode_segments(hash + 1, (size_t)(end - hash - 1), true, &p->subpath, why);
		if (r < 0)
			return r;
		end = hash;
	}
	/* qualifiers: right of the last '?' */
	q = memrchr(s, '?', (size_t)(end - s));
	if (q) {
		r = parse_qualifiers(p, q + 1, (size_t)(end - q - 1), why);
		if (r < 0)
			return r;
		end = q;
	}
	rem = s + 4;
	while (rem < end && *rem == '/')
		rem++;
	/* type */
	slash = memchr(rem, '/', (size_t)(end - rem));
	if (!slash) {
		*why = rem == end ? "no type" : "no name";
		return -CS_E_INPUT;
	}
	if (!valid_type(rem, (size_t)(slash - rem))) {
		*why = "invalid type";
		return -CS_E_INPUT;
	}
	p->type = cs_strndup(rem, (size_t)(slash - rem));
	if (!p->type)
		return -ENOMEM;
	str_lower(p->type);
	rem = slash + 1;
	/* version: right of the last '@' after the last '/' */
	slash = memrchr(rem, '/', (size_t)(end - rem));
	at = memrchr(slash ? slash : rem, '@', (size_t)(end - (slash ? slash : rem)));
	if (at) {
		if (at + 1 == end) {
			*why = "empty version after '@'";
			return -CS_E_INPUT;
		}
		p->version = decode(at + 1, (size_t)(end - at - 1), &bad);
		if (!p->version)
			goto decode_failed;
		end = at;
	}
	/* name: right of the last '/', trailing slashes ignored */
	while (end > rem && end[-1] == '/')
		end--;
	slash = memrchr(rem, '/', (size_t)(end - rem));
	{
		const char *n0 = slash ? slash + 1 : rem;

		if (n0 == end) {
			*why = "no name";
			return -CS_E_INPUT;
		}
		p->name = decode(n0, (size_t)(end - n0), &bad);
		if (!p->name)
			goto decode_failed;
		if (!p->name[0]) {
			*why = "no name";
			return -CS_E_INPUT;
		}
		normalise(p->type, C_NAME, p->name);
	}
	/* namespace: what is left */
	if (slash) {
		r = decode_segments(rem, (size_t)(slash - rem), false, &p->namespace, why);
		if (r < 0)
			return r;
		if (p->namespace) {
			/* normalise each segment: all rules so far are per character */
			normalise(p->type, C_NAMESPACE, p->namespace);
		}
	}
	return 0;
decode_failed:
	if (bad) {
		*why = "invalid percent-encoding";
		return -CS_E_INPUT;
	}
	return -ENOMEM;
}

int cs_purl_parse(const char *s, struct cs_purl **ret, struct cs_error *err)
{
	_cleanup_(cs_purl_freep) struct cs_purl *p = NULL;
	const char *why = NULL;
	size_t len;
	int r;

	if (!s)
		return cs_error_set(err, -CS_E_INPUT, "invalid purl: none given");
	len = strnlen(s, PURL_MAX_LEN + 1);
	if (len > PURL_MAX_LEN)
		return cs_error_set(err, -CS_E_INPUT,
				    "invalid purl '%.64s...': longer than %u bytes", s,
				    PURL_MAX_LEN);
	p = cs_zalloc(sizeof(*p));
	if (!p)
		return cs_error_errno(err, ENOMEM, "cannot parse purl");
	r = parse_(s, len, p, &why);
	if (r == -ENOMEM)
		return cs_error_errno(err, ENOMEM, "cannot parse purl");
	if (r < 0)
		return cs_error_set(err, r, "invalid purl '%.200s': %s", s,
				    why ? why : "malformed");
	*ret = CS_TAKE_PTR(p);
	return 0;
}

const char *cs_purl_qualifier(const struct cs_purl *p, const char *key)
{
	for (size_t i = 0; i < p->n_qualifiers; i++)
		if (!strcmp(p->qualifiers[i].key, key))
			return p->qualifiers[i].value;
	return NULL;
}

/* --- formatting --- */

static int put_normalised(struct cs_buf *b, const char *type, enum component comp, const char *s)
{
	char *t = cs_strdup(s);
	int r;

	if (!t)
		return -ENOMEM;
	normalise(type, comp, t);
	r = encode(b, t, comp);
	free(t);
	return r;
}

/* '/'-separated segments, each encoded; empty (and for subpaths '.'/'..') ones dropped */
static int put_segments(struct cs_buf *b, const char *type, enum component comp, const char *s)
{
	bool first = true;

	while (*s) {
		size_t n = strcspn(s, "/");
		char *seg = cs_strndup(s, n);
		int r = 0;

		if (!seg)
			return -ENOMEM;
		if (seg[0] && !(comp == C_SUBPATH && (!strcmp(seg, ".") || !strcmp(seg, "..")))) {
			if (!first)
				r = cs_buf_putc(b, '/');
			if (r >= 0)
				r = put_normalised(b, type, comp, seg);
			first = false;
		}
		free(seg);
		if (r < 0)
			return r;
		s += n;
		if (*s == '/')
			s++;
	}
	return 0;
}

static bool segments_empty(const char *s, bool subpath)
{
	while (s && *s) {
		size_t n = strcspn(s, "/");

		if (n && !(subpath &&
			   ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))))
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

static int format_(const struct cs_purl *p, struct cs_buf *b)
{
	_cleanup_free_ char *type = cs_strdup(p->type ? p->type : "");
	_cleanup_free_ size_t *order = NULL;
	size_t nq = 0;
	int r;

	if (!type)
		return -ENOMEM;
	str_lower(type);
	if ((r = cs_buf_puts(b, "pkg:")) < 0 || (r = cs_buf_puts(b, type)) < 0 ||
	    (r = cs_buf_putc(b, '/')) < 0)
		return r;
	if (!segments_empty(p->namespace, false)) {
		if ((r = put_segments(b, type, C_NAMESPACE, p->namespace)) < 0 ||
		    (r = cs_buf_putc(b, '/')) < 0)
			return r;
	}
	if ((r = put_normalised(b, type, C_NAME, p->name ? p->name : "")) < 0)
		return r;
	if (p->version && p->version[0]) {
		if ((r = cs_buf_putc(b, '@')) < 0 || (r = encode(b, p->version, C_VERSION)) < 0)
			return r;
	}
	/* qualifiers: lowercase keys, sorted, empty values dropped */
	order = cs_new0(size_t, p->n_qualifiers + 1);
	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_qualifiers; i++)
		if (p->qualifiers[i].key && p->qualifiers[i].value && p->qualifiers[i].value[0])
			order[nq++] = i;
	/* few qualifiers: insertion sort on the lowercased keys */
	for (size_t i = 1; i < nq; i++)
		for (size_t j = i; j > 0 && strcasecmp(p->qualifiers[order[j - 1]].key,
						       p->qualifiers[order[j]].key) > 0;
		     j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t i = 0; i < nq; i++) {
		const struct cs_kv *q = &p->qualifiers[order[i]];

		if ((r = cs_buf_putc(b, i ? '&' : '?')) < 0)
			return r;
		for (const char *k = q->key; *k; k++)
			if ((r = cs_buf_putc(b, lower(*k))) < 0)
				return r;
		if ((r = cs_buf_putc(b, '=')) < 0 || (r = encode(b, q->value, C_QUALIFIER)) < 0)
			return r;
	}
	if (!segments_empty(p->subpath, true)) {
		if ((r = cs_buf_putc(b, '#')) < 0 ||
		    (r = put_segments(b, type, C_SUBPATH, p->subpath)) < 0)
			return r;
	}
	return 0;
}

char *cs_purl_format(const struct cs_purl *p)
{
	struct cs_buf b = CS_BUF_INIT(4 * PURL_MAX_LEN);

	if (format_(p, &b) < 0) {
		cs_buf_done(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

/* --- the purl of a package --- */

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (list && *list) {
		size_t m;

		list += strspn(list, " \t,\"");
		m = strcspn(list, " \t,\"");
		if (m == n && !strncasecmp(list, word, n))
			return true;
		list += m;
	}
	return false;
}

/* Does the detected OS belong to the family whose package type this is? */
static bool os_matches(enum cs_pkg_type t, const struct cs_os_release *os)
{
	static const char *const deb[] = { "debian", "ubuntu", NULL };
	static const char *const apk[] = { "alpine", "wolfi", "chainguard", "postmarketos", NULL };
	static const char *const rpm[] = {
		"rhel",
		"centos",
		"fedora",
		"rocky",
		"almalinux",
		"amzn",
		"ol",
		"sles",
		"opensuse",
		"suse",
		"mariner",
		"azurelinux",
		"photon",
		"openeuler",
		"sled",
		"opensuse-leap",
		"opensuse-tumbleweed",
		NULL,
	};
	const char *const *fam = t == CS_PKG_DEB ? deb : t == CS_PKG_APK ? apk : rpm;

	if (!os || !os->id || !os->id[0])
		return false;
	for (const char *const *f = fam; *f; f++)
		if (!strcasecmp(os->id, *f) || word_in(os->id_like, *f))
			return true;
	return false;
}

struct qbuild {
	struct cs_kv q[4];
	size_t n;
};

static void qadd(struct qbuild *qb, const char *k, char *v)
{
	if (v && v[0] && qb->n < CS_ARRAY_SIZE(qb->q)) {
		qb->q[qb->n].key = (char *)k;
		qb->q[qb->n].value = v;
		qb->n++;
	}
}

int cs_purl_for_package(const struct cs_package *p, const struct cs_os_release *os, char **ret)
{
	_cleanup_free_ char *ns = NULL, *name = NULL, *distro = NULL, *epoch = NULL,
			    *upstream = NULL;
	struct cs_purl u = { 0 };
	struct qbuild qb = { 0 };
	char *s;

	if (!p->name || !p->name[0]) {
		*ret = NULL;
		return 0;
	}
	u.type = (char *)cs_pkg_type_name(p->type);
	u.version = p->version;

	if (cs_pkg_type_is_os(p->type)) {
		static const char *const defaults[] = {
			[CS_PKG_DEB] = "debian",
			[CS_PKG_APK] = "alpine",
			[CS_PKG_RPM] = "redhat",
		};
		bool match = os_matches(p->type, os);

		ns = cs_strdup(match ? os->id : defaults[p->type]);
		if (!ns)
			return -ENOMEM;
		if (match && (os->version_id || os->version_codename)) {
			distro =
				cs_asprintf("%s-%s", os->id,
					    os->version_id ? os->version_id : os->version_codename);
			if (!distro)
				return -ENOMEM;
			str_lower(distro);
		}
		u.namespace = ns;
		u.name = p->name;
		if (p->type == CS_PKG_RPM && p->version) {
			/* the epoch is a qualifier; the version is version-release */
			const char *colon = strchr(p->version, ':');

			if (colon && colon != p->version &&
			    strspn(p->version, "0123456789") == (size_t)(colon - p->version)) {
				epoch = cs_strndup(p->version, (size_t)(colon - p->version));
				if (!epoch)
					return -ENOMEM;
				u.version = (char *)colon + 1;
			}
		}
		/* deb: a binNMU has only another source version; elsewhere the name counts */
		if (p->source_name || (p->source_version && p->type == CS_PKG_DEB)) {
			const char *src = p->source_name ? p->source_name : p->name;

			upstream = p->source_version && p->type == CS_PKG_DEB
					   ? cs_asprintf("%s@%s", src, p->source_version)
					   : cs_strdup(src);
			if (!upstream)
				return -ENOMEM;
		}
		qadd(&qb, "arch", p->arch);
		qadd(&qb, "distro", distro);
		qadd(&qb, "epoch", epoch);
		qadd(&qb, "upstream", upstream);
		u.qualifiers = qb.q;
		u.n_qualifiers = qb.n;
	} else if (p->namespace && p->namespace[0]) {
		u.namespace = p->namespace;
		u.name = p->name;
	} else if (p->type == CS_PKG_NPM || p->type == CS_PKG_COMPOSER ||
		   p->type == CS_PKG_GOLANG) {
		/* "@scope/x", "vendor/name", "github.com/a/b": the last segment is the name */
		const char *slash = strrchr(p->name, '/');

		if (p->type != CS_PKG_GOLANG)
			slash = strchr(p->name, '/');
		if (slash && slash[1]) {
			ns = cs_strndup(p->name, (size_t)(slash - p->name));
			name = cs_strdup(slash + 1);
			if (!ns || !name)
				return -ENOMEM;
			u.namespace = ns;
			u.name = name;
		} else {
			u.name = p->name;
		}
		/* the Go standard library: pkg:golang/stdlib@1.21.4 */
		if (p->type == CS_PKG_GOLANG && !strcmp(p->name, "stdlib") && p->version &&
		    !strncmp(p->version, "go", 2) && p->version[2] >= '0' && p->version[2] <= '9')
			u.version = p->version + 2;
	} else {
		u.name = p->name;
	}
	s = cs_purl_format(&u);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}
