/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every SBOM writer needs: element ids that are unique and stable
 * (derived from each package's identity, not from memory addresses or
 * the clock), a document UUID derived from the content and the subject's
 * timestamp, and the timestamp itself in RFC 3339. The same catalog and
 * subject always give byte-identical documents.
 */
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "sbom/internal.h"

/* 9999-12-31T23:59:59Z: four-digit years only, as the schemas' patterns want */
#define MAX_TIME 253402300799LL

static int hash_str(struct cs_hash *h, const char *s)
{
	int r = s ? cs_hash_update(h, s, strlen(s)) : cs_hash_update(h, "\x01", 1);

	return r < 0 ? r : cs_hash_update(h, "", 1);
}

static int hash_uint(struct cs_hash *h, unsigned long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%llu", v);
	return hash_str(h, b);
}

/* the fields that tell two packages apart */
static int hash_identity(struct cs_hash *h, const struct cs_package *p)
{
	int r = hash_str(h, cs_pkg_type_name(p->type));

	if (r >= 0)
		r = hash_str(h, p->namespace);
	if (r >= 0)
		r = hash_str(h, p->name);
	if (r >= 0)
		r = hash_str(h, p->version);
	if (r >= 0)
		r = hash_str(h, p->arch);
	if (r >= 0)
		r = hash_str(h, p->path);
	if (r >= 0)
		r = hash_uint(h, p->layer);
	return r;
}

char *sbom_idstring(const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;
	char *o = cs_malloc(n + 1);

	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-';

		o[i] = ok ? c : '-';
	}
	o[n] = '\0';
	return o;
}

int sbom_split_group(const struct cs_package *p, char **group, char **name)
{
	const char *slash = p->name ? strchr(p->name, '/') : NULL;

	*group = *name = NULL;
	if (p->type == CS_PKG_MAVEN || (p->namespace && p->namespace[0])) {
		*group = p->namespace ? cs_strdup(p->namespace) : NULL;
		*name = cs_strdup(p->name ? p->name : "");
		return (p->namespace && !*group) || !*name ? -ENOMEM : 0;
	}
	if ((p->type == CS_PKG_NPM || p->type == CS_PKG_COMPOSER) && slash && slash != p->name &&
	    slash[1]) {
		*group = cs_strndup(p->name, (size_t)(slash - p->name));
		*name = cs_strdup(slash + 1);
	} else {
		*name = cs_strdup(p->name ? p->name : "");
		return *name ? 0 : -ENOMEM;
	}
	return *group && *name ? 0 : -ENOMEM;
}

struct idx {
	const char *id;
	size_t i;
};

static int cmp_idx(const void *a, const void *b)
{
	const struct idx *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

/* Identical packages (same identity twice) get "-2", "-3"... in catalog order. */
static int make_unique(char **ids, size_t n)
{
	_cleanup_free_ struct idx *v = cs_new0(struct idx, n + 1);

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct idx){ ids[i], i };
	qsort(v, n, sizeof(*v), cmp_idx);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && !strcmp(v[j].id, v[i].id))
			j++;
		for (size_t k = i + 1; k < j; k++) {
			char *s = cs_asprintf("%s-%zu", ids[v[k].i], k - i + 1);

			if (!s)
				return -ENOMEM;
			/* v[k].id points into ids[v[k].i]; both are replaced together */
			free(ids[v[k].i]);
			ids[v[k].i] = s;
		}
		i = j;
	}
	return 0;
}

static int make_id(const struct cs_package *p, enum sbom_id_style style, char **ret)
{
	_cleanup_(cs_hash_freep) struct cs_hash *h = NULL;
	char digest[CS_DIGEST_STR_MAX];
	const char *hex;
	int r;

	r = cs_hash_new(CS_HASH_SHA256, &h);
	if (r >= 0)
		r = hash_identity(h, p);
	if (r >= 0)
		r = cs_hash_final(h, digest);
	if (r < 0)
		return r;
	hex = cs_digest_hex(digest);
	if (style == SBOM_ID_SPDX) {
		_cleanup_free_ char *name = sbom_idstring(p->name, 64);

		if (!name)
			return -ENOMEM;
		*ret = cs_asprintf("SPDXRef-Package-%s-%s-%.16s", cs_pkg_type_name(p->type), name,
				   hex);
	} else if (p->purl) {
		*ret = cs_asprintf("%s%cpackage-id=%.16s", p->purl,
				   strchr(p->purl, '?') ? '&' : '?', hex);
	} else {
		*ret = cs_asprintf("package-id:%.16s", hex);
	}
	return *ret ? 0 : -ENOMEM;
}

static int content_uuid(struct sbom_doc *d, enum cs_sbom_format fmt)
{
	static const char *const fmt_names[] = { "cyclonedx", "spdx", "native" };
	_cleanup_(cs_hash_freep) struct cs_hash *h = NULL;
	const struct cs_sbom_subject *s = d->subject;
	const struct cs_os_release *os = cs_catalog_os(d->cat);
	char digest[CS_DIGEST_STR_MAX], hex[33];
	int r;

	r = cs_hash_new(CS_HASH_SHA256, &h);
	if (r < 0)
		return r;
	r = hash_str(h, "customs-sbom/1");
	if (r >= 0)
		r = hash_str(h, fmt_names[(unsigned)fmt < 3 ? fmt : 0]);
	if (r >= 0)
		r = hash_str(h, s->name);
	if (r >= 0)
		r = hash_str(h, s->manifest_digest);
	if (r >= 0)
		r = hash_str(h, s->config_digest);
	if (r >= 0)
		r = hash_str(h, d->timestamp);
	if (r >= 0)
		r = hash_str(h, os ? os->id : NULL);
	if (r >= 0)
		r = hash_str(h, os ? os->version_id : NULL);
	/* only when set, so that plain SBOMs keep their serial numbers */
	if (r >= 0 && d->ext && d->ext->salt)
		r = hash_str(h, d->ext->salt);
	for (size_t i = 0; r >= 0 && i < d->n; i++) {
		const struct cs_package *p = cs_catalog_get(d->cat, i);

		r = hash_identity(h, p);
		if (r >= 0)
			r = hash_str(h, p->purl);
		if (r >= 0)
			r = hash_str(h, p->license);
		if (r >= 0)
			r = hash_str(h, p->cpe);
	}
	if (r >= 0)
		r = cs_hash_final(h, digest);
	if (r < 0)
		return r;
	memcpy(hex, cs_digest_hex(digest), 32);
	hex[32] = '\0';
	/* RFC 4122 layout: version 5 (name-based), variant 10xx */
	hex[12] = '5';
	hex[16] = "89ab"[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];
	snprintf(d->uuid, sizeof(d->uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
	return 0;
}

int sbom_doc_init(struct sbom_doc *d, struct cs_catalog *cat, const struct cs_sbom_subject *s,
		  enum cs_sbom_format fmt, enum sbom_id_style style,
		  const struct cs_sbom_extension *ext)
{
	int64_t t = s->created < 0 ? 0 : (s->created > MAX_TIME ? MAX_TIME : s->created);
	time_t tt = (time_t)t;
	struct tm tm;
	int r;

	memset(d, 0, sizeof(*d));
	d->cat = cat;
	d->subject = s;
	d->ext = ext;
	d->subject_name = s->name && s->name[0] ? s->name : "unknown";
	d->n = cs_catalog_count(cat);
	if (!gmtime_r(&tt, &tm) ||
	    strftime(d->timestamp, sizeof(d->timestamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(d->timestamp, sizeof(d->timestamp), "1970-01-01T00:00:00Z");
	d->ids = cs_new0(char *, d->n + 1);
	if (!d->ids)
		return -ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		r = make_id(cs_catalog_get(cat, i), style, &d->ids[i]);
		if (r < 0)
			return r;
	}
	r = make_unique(d->ids, d->n);
	if (r < 0)
		return r;
	return content_uuid(d, fmt);
}

void sbom_doc_done(struct sbom_doc *d)
{
	if (d->ids)
		for (size_t i = 0; i < d->n; i++)
			free(d->ids[i]);
	free(d->ids);
	d->ids = NULL;
}
