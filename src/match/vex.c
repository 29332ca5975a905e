/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VEX documents into one list of statements, and statements onto findings.
 *
 * Both formats end up as the same statement: vulnerability ids (the name
 * and its aliases), products (package patterns, or images with optional
 * subcomponents), whether it suppresses, why, and when it was made. The
 * products of all statements live in flat arrays so that a document that
 * fails half-way is removed by truncating them.
 *
 * Library code: never prints, never reads the clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/stream.h"
#include "catalog/purl.h"
#include "match/suppress.h"
#include "match/vex.h"

#define VEX_MAX_WARNINGS_PER_DOC 10
#define CDX_MAX_DEPTH		 32

enum product_kind {
	P_PACKAGE, /* a package purl pattern */
	P_IMAGE,   /* the scanned image, optionally by digest */
};

struct product {
	enum product_kind kind;
	struct cs_purl *purl;	  /* P_PACKAGE: the pattern; P_IMAGE: the image's purl or NULL */
	char *digest;		  /* P_IMAGE: the digest it names, NULL for any image */
	size_t first_sub, n_subs; /* package patterns in cs_vex.subs */
};

struct stmt {
	size_t doc; /* index in cs_vex.docs */
	char **ids; /* the vulnerability name and its aliases */
	size_t n_ids;
	size_t first_product, n_products;
	bool suppresses;
	char *why;
	bool has_time;
	int64_t time;
	size_t seq; /* order of writing, across documents */
};

struct cs_vex {
	char **docs; /* names */
	size_t n_docs, cap_docs;
	struct stmt *st;
	size_t n_st, cap_st;
	struct product *pr;
	size_t n_pr, cap_pr;
	struct cs_purl **subs;
	size_t n_subs, cap_subs;
	char **warnings;
	size_t n_warnings, cap_warnings;
	size_t seq;
};

/* What is being read, for messages. */
struct ctx {
	struct cs_vex *v;
	const char *name;
	size_t doc;
	char where[96]; /* "statement 3", "vulnerability 2 (CVE-...)" or "" */
	size_t n_warned, n_unwarned;
	struct cs_error *err;
};

int cs_vex_new(struct cs_vex **ret)
{
	struct cs_vex *v = cs_zalloc(sizeof(*v));

	if (!v)
		return -ENOMEM;
	*ret = v;
	return 0;
}

static void product_done(struct product *p)
{
	cs_purl_free(p->purl);
	free(p->digest);
}

static void stmt_done(struct stmt *s)
{
	for (size_t i = 0; i < s->n_ids; i++)
		free(s->ids[i]);
	free(s->ids);
	free(s->why);
}

/* Remove everything added after the given counts (a failed document). */
static void truncate_to(struct cs_vex *v, size_t n_docs, size_t n_st, size_t n_pr, size_t n_subs,
			size_t n_warnings)
{
	for (size_t i = n_docs; i < v->n_docs; i++)
		free(v->docs[i]);
	for (size_t i = n_st; i < v->n_st; i++)
		stmt_done(&v->st[i]);
	for (size_t i = n_pr; i < v->n_pr; i++)
		product_done(&v->pr[i]);
	for (size_t i = n_subs; i < v->n_subs; i++)
		cs_purl_free(v->subs[i]);
	for (size_t i = n_warnings; i < v->n_warnings; i++)
		free(v->warnings[i]);
	v->n_docs = n_docs;
	v->n_st = n_st;
	v->n_pr = n_pr;
	v->n_subs = n_subs;
	v->n_warnings = n_warnings;
}

void cs_vex_free(struct cs_vex *v)
{
	if (!v)
		return;
	truncate_to(v, 0, 0, 0, 0, 0);
	free(v->docs);
	free(v->st);
	free(v->pr);
	free(v->subs);
	free(v->warnings);
	free(v);
}

size_t cs_vex_count(const struct cs_vex *v)
{
	return v ? v->n_st : 0;
}

/* --- messages --- */

static int cerr(struct ctx *c, int code, const char *fmt, ...) CS_PRINTF(3, 4);
static int cerr(struct ctx *c, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(c->err, code, "vex '%s': %s%s%s", c->name, c->where,
			    c->where[0] ? ": " : "", msg);
}

static int nomem(struct ctx *c)
{
	return cs_error_errno(c->err, ENOMEM, "cannot read vex '%s'", c->name);
}

static int warn(struct ctx *c, const char *fmt, ...) CS_PRINTF(2, 3);
static int warn(struct ctx *c, const char *fmt, ...)
{
	char msg[512], *line;
	va_list ap;

	if (c->n_warned >= VEX_MAX_WARNINGS_PER_DOC) {
		c->n_unwarned++;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line = cs_asprintf("vex '%s': %s%s%s", c->name, c->where, c->where[0] ? ": " : "", msg);
	if (!line || CS_GROW(c->v->warnings, c->v->cap_warnings, c->v->n_warnings + 1) < 0) {
		free(line);
		return nomem(c);
	}
	c->v->warnings[c->v->n_warnings++] = line;
	c->n_warned++;
	return 0;
}

static int warn_finish(struct ctx *c)
{
	size_t n = c->n_unwarned;

	if (!n)
		return 0;
	c->where[0] = '\0';
	c->n_warned = 0;
	c->n_unwarned = 0;
	return warn(c, "%zu more statements or products were ignored", n);
}

/* A short, printable rendering of an untrusted string for a message. */
static char *label(const char *s)
{
	return cs_suppress_text(s, 120);
}

/* --- typed access to the JSON --- */

/* *ret: the string at key, NULL when absent or null; an error for another type. */
static int get_str(struct ctx *c, json_t *obj, const char *key, size_t max, const char **ret)
{
	json_t *x = json_object_get(obj, key);

	*ret = NULL;
	if (!x || json_is_null(x))
		return 0;
	if (!json_is_string(x))
		return cerr(c, -CS_E_INPUT, "'%s' must be a string", key);
	if (json_string_length(x) > max)
		return cerr(c, -CS_E_LIMIT, "'%s' is longer than %zu bytes", key, max);
	if (strlen(json_string_value(x)) != json_string_length(x))
		return cerr(c, -CS_E_INPUT, "NUL byte in '%s'", key);
	*ret = json_string_value(x);
	return 0;
}

static int get_obj(struct ctx *c, json_t *obj, const char *key, json_t **ret)
{
	json_t *x = json_object_get(obj, key);

	*ret = NULL;
	if (!x || json_is_null(x))
		return 0;
	if (!json_is_object(x))
		return cerr(c, -CS_E_INPUT, "'%s' must be an object", key);
	*ret = x;
	return 0;
}

static int get_array(struct ctx *c, json_t *obj, const char *key, json_t **ret)
{
	json_t *x = json_object_get(obj, key);

	*ret = NULL;
	if (!x || json_is_null(x))
		return 0;
	if (!json_is_array(x))
		return cerr(c, -CS_E_INPUT, "'%s' must be a list", key);
	*ret = x;
	return 0;
}

static int get_time(struct ctx *c, json_t *obj, const char *key, bool *has, int64_t *t)
{
	const char *s;
	int r = get_str(c, obj, key, 64, &s);

	if (r < 0 || !s)
		return r;
	if (cs_parse_timestamp(s, strlen(s), t, NULL) < 0)
		return cerr(c, -CS_E_INPUT, "invalid '%s' '%.64s' (RFC 3339)", key, s);
	*has = true;
	return 0;
}

static bool id_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* sha256:<64 hex> or sha512:<128 hex>, lowercase */
static bool is_digest(const char *s)
{
	size_t n;

	if (!strncmp(s, "sha256:", 7))
		n = 64, s += 7;
	else if (!strncmp(s, "sha512:", 7))
		n = 128, s += 7;
	else
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[n] == '\0';
}

static bool is_image_type(const struct cs_purl *u)
{
	return !strcmp(u->type, "oci") || !strcmp(u->type, "docker");
}

/* --- building statements --- */

static int add_id(struct ctx *c, struct stmt *s, const char *id)
{
	_cleanup_free_ char *l = NULL;
	char *copy;

	if (!id_ok(id) || strlen(id) > CS_VEX_ID_MAX) {
		l = label(id);
		return cerr(c, -CS_E_INPUT, "invalid vulnerability id '%s'", l ? l : "?");
	}
	for (size_t i = 0; i < s->n_ids; i++)
		if (!strcmp(s->ids[i], id))
			return 0;
	if (s->n_ids > CS_VEX_MAX_ALIASES)
		return cerr(c, -CS_E_LIMIT, "more than %u aliases", CS_VEX_MAX_ALIASES);
	copy = cs_strdup(id);
	if (!copy)
		return nomem(c);
	if (!(s->n_ids & (s->n_ids + 1)) || !s->ids) {
		/* grow at 0, 1, 3, 7...: capacity is always n+1 rounded up to a power of 2 */
		char **n = cs_reallocarray(s->ids, (s->n_ids + 1) * 2, sizeof(*n));

		if (!n) {
			free(copy);
			return nomem(c);
		}
		s->ids = n;
	}
	s->ids[s->n_ids++] = copy;
	return 0;
}

static int check_products_limit(struct ctx *c)
{
	if (c->v->n_pr + c->v->n_subs >= CS_VEX_MAX_PRODUCTS)
		return cerr(c, -CS_E_LIMIT, "more than %u products and subcomponents",
			    CS_VEX_MAX_PRODUCTS);
	return 0;
}

/*
 * Classify an identifier: a purl (an image type or a package), a bare
 * digest (an image), or something else (*ret_kind = -1). Invalid purls
 * are errors.
 */
static int parse_ident(struct ctx *c, const char *id, int *ret_kind, struct cs_purl **ret_purl,
		       char **ret_digest)
{
	struct cs_error perr = CS_ERROR_INIT;
	struct cs_purl *u = NULL;
	int r;

	*ret_kind = -1;
	*ret_purl = NULL;
	*ret_digest = NULL;
	if (is_digest(id)) {
		*ret_digest = cs_strdup(id);
		if (!*ret_digest)
			return nomem(c);
		*ret_kind = P_IMAGE;
		return 0;
	}
	if (strncmp(id, "pkg:", 4))
		return 0;
	r = cs_purl_parse(id, &u, &perr);
	if (r == -ENOMEM)
		return nomem(c);
	if (r < 0)
		return cerr(c, -CS_E_INPUT, "%s", perr.msg);
	if (is_image_type(u)) {
		if (u->version) {
			*ret_digest = cs_strdup(u->version);
			if (!*ret_digest) {
				cs_purl_free(u);
				return nomem(c);
			}
		}
		*ret_kind = P_IMAGE;
	} else {
		*ret_kind = P_PACKAGE;
	}
	*ret_purl = u;
	return 0;
}

/* Append a product; subcomponents follow with add_sub. */
static int add_product(struct ctx *c, int kind, struct cs_purl *u, char *digest)
{
	int r = check_products_limit(c);

	if (r < 0 || CS_GROW(c->v->pr, c->v->cap_pr, c->v->n_pr + 1) < 0) {
		cs_purl_free(u);
		free(digest);
		return r < 0 ? r : nomem(c);
	}
	c->v->pr[c->v->n_pr++] = (struct product){
		.kind = (enum product_kind)kind,
		.purl = u,
		.digest = digest,
		.first_sub = c->v->n_subs,
	};
	return 0;
}

static int add_sub(struct ctx *c, struct cs_purl *u)
{
	int r = check_products_limit(c);

	if (r < 0 || CS_GROW(c->v->subs, c->v->cap_subs, c->v->n_subs + 1) < 0) {
		cs_purl_free(u);
		return r < 0 ? r : nomem(c);
	}
	c->v->subs[c->v->n_subs++] = u;
	c->v->pr[c->v->n_pr - 1].n_subs++;
	return 0;
}

/* Drop the last product (one whose subcomponents were all unusable). */
static void drop_last_product(struct cs_vex *v)
{
	struct product *p = &v->pr[v->n_pr - 1];

	for (size_t i = p->first_sub; i < v->n_subs; i++)
		cs_purl_free(v->subs[i]);
	v->n_subs = p->first_sub;
	product_done(p);
	v->n_pr--;
}

static int new_stmt(struct ctx *c, struct stmt **ret)
{
	if (c->v->n_st >= CS_VEX_MAX_STATEMENTS)
		return cerr(c, -CS_E_LIMIT, "more than %u statements", CS_VEX_MAX_STATEMENTS);
	if (CS_GROW(c->v->st, c->v->cap_st, c->v->n_st + 1) < 0)
		return nomem(c);
	*ret = &c->v->st[c->v->n_st++];
	**ret = (struct stmt){ .doc = c->doc, .first_product = c->v->n_pr, .seq = c->v->seq++ };
	return 0;
}

/* Keep the statement just built only if it has a product. */
static int stmt_finish(struct ctx *c, struct stmt *s)
{
	s->n_products = c->v->n_pr - s->first_product;
	if (s->n_products > 0)
		return 0;
	stmt_done(s);
	c->v->n_st--;
	return warn(c, "no product customs can match (a package URL or an image digest); "
		       "statement ignored");
}

/* "justification: statement" or whichever of the two there is, or fallback */
static int set_why(struct ctx *c, struct stmt *s, const char *a, const char *b,
		   const char *fallback)
{
	_cleanup_free_ char *ta = a && *a ? cs_suppress_text(a, 256) : NULL;
	_cleanup_free_ char *tb = b && *b ? cs_suppress_text(b, 1024) : NULL;

	if ((a && *a && !ta) || (b && *b && !tb))
		return nomem(c);
	if (ta && *ta && tb && *tb)
		s->why = cs_asprintf("%s: %s", ta, tb);
	else if (ta && *ta)
		s->why = cs_strdup(ta);
	else if (tb && *tb)
		s->why = cs_strdup(tb);
	else
		s->why = cs_strdup(fallback);
	return s->why ? 0 : nomem(c);
}

/* --- OpenVEX --- */

/* An OpenVEX component: a string, or an object with @id or identifiers.purl. */
static int ovex_component_id(struct ctx *c, json_t *x, const char **ret)
{
	json_t *ids;
	int r;

	*ret = NULL;
	if (json_is_string(x)) {
		if (json_string_length(x) > CS_VEX_TEXT_MAX ||
		    strlen(json_string_value(x)) != json_string_length(x))
			return cerr(c, -CS_E_INPUT, "invalid product identifier");
		*ret = json_string_value(x);
		return 0;
	}
	if (!json_is_object(x))
		return cerr(c, -CS_E_INPUT, "a product must be a string or an object");
	r = get_str(c, x, "@id", CS_VEX_TEXT_MAX, ret);
	if (r < 0)
		return r;
	/* an @id that is neither a purl nor a digest (an IRI): try identifiers.purl */
	if (*ret && (!strncmp(*ret, "pkg:", 4) || is_digest(*ret)))
		return 0;
	r = get_obj(c, x, "identifiers", &ids);
	if (r >= 0 && ids) {
		const char *p;

		r = get_str(c, ids, "purl", CS_VEX_TEXT_MAX, &p);
		if (r >= 0 && p)
			*ret = p;
	}
	return r;
}

static int ovex_subs(struct ctx *c, json_t *subs)
{
	size_t i;
	json_t *x;

	json_array_foreach (subs, i, x) {
		_cleanup_free_ char *digest = NULL, *l = NULL;
		struct cs_purl *u = NULL;
		const char *id;
		int kind, r;

		r = ovex_component_id(c, x, &id);
		if (r < 0)
			return r;
		if (!id)
			return cerr(c, -CS_E_INPUT, "a subcomponent without '@id'");
		r = parse_ident(c, id, &kind, &u, &digest);
		if (r < 0)
			return r;
		if (kind != P_PACKAGE) {
			cs_purl_free(u);
			l = label(id);
			r = warn(c, "subcomponent '%s' is not a package URL; ignored", l ? l : "?");
			if (r < 0)
				return r;
			continue;
		}
		r = add_sub(c, u);
		if (r < 0)
			return r;
	}
	return 0;
}

/* One product with its own subcomponents and the statement's (older form). */
static int ovex_product(struct ctx *c, json_t *x, json_t *stmt_subs)
{
	_cleanup_free_ char *l = NULL;
	struct cs_purl *u = NULL;
	char *digest = NULL;
	json_t *subs = NULL;
	const char *id;
	size_t had_subs = 0;
	int kind, r;

	r = ovex_component_id(c, x, &id);
	if (r < 0)
		return r;
	if (!id)
		return cerr(c, -CS_E_INPUT, "a product without '@id'");
	if (json_is_object(x)) {
		r = get_array(c, x, "subcomponents", &subs);
		if (r < 0)
			return r;
	}
	r = parse_ident(c, id, &kind, &u, &digest);
	if (r < 0)
		return r;
	if (kind < 0) {
		l = label(id);
		return warn(c, "product '%s' is neither a package URL nor an image digest; ignored",
			    l ? l : "?");
	}
	r = add_product(c, kind, u, digest);
	if (r < 0)
		return r;
	had_subs =
		(subs ? json_array_size(subs) : 0) + (stmt_subs ? json_array_size(stmt_subs) : 0);
	if (subs)
		r = ovex_subs(c, subs);
	if (r >= 0 && stmt_subs)
		r = ovex_subs(c, stmt_subs);
	if (r < 0)
		return r;
	/* subcomponents that were all unusable must not widen it to the whole product */
	if (had_subs && c->v->pr[c->v->n_pr - 1].n_subs == 0)
		drop_last_product(c->v);
	return 0;
}

static int ovex_status(struct ctx *c, const char *s, bool *suppresses)
{
	static const char *const known[] = { "not_affected", "affected", "fixed",
					     "under_investigation" };
	_cleanup_free_ char *l = NULL;

	if (!s)
		return cerr(c, -CS_E_INPUT, "no 'status'");
	for (size_t i = 0; i < CS_ARRAY_SIZE(known); i++)
		if (!strcmp(s, known[i])) {
			*suppresses = i == 0;
			return 0;
		}
	l = label(s);
	return cerr(c, -CS_E_INPUT,
		    "unknown status '%s' (not_affected, affected, fixed, under_investigation)",
		    l ? l : "?");
}

static int ovex_vuln(struct ctx *c, json_t *st, struct stmt *s)
{
	json_t *vul = json_object_get(st, "vulnerability"), *aliases = NULL, *a;
	const char *name;
	size_t i;
	int r;

	if (!vul || json_is_null(vul))
		return cerr(c, -CS_E_INPUT, "no 'vulnerability'");
	if (json_is_string(vul)) { /* the older form: the id itself */
		r = get_str(c, st, "vulnerability", CS_VEX_ID_MAX, &name);
		return r < 0 ? r : add_id(c, s, name);
	}
	if (!json_is_object(vul))
		return cerr(c, -CS_E_INPUT, "'vulnerability' must be an object or a string");
	r = get_str(c, vul, "name", CS_VEX_ID_MAX, &name);
	if (r < 0)
		return r;
	if (!name)
		return cerr(c, -CS_E_INPUT, "a vulnerability without 'name'");
	r = add_id(c, s, name);
	if (r >= 0)
		r = get_array(c, vul, "aliases", &aliases);
	if (r < 0 || !aliases)
		return r;
	if (json_array_size(aliases) > CS_VEX_MAX_ALIASES)
		return cerr(c, -CS_E_LIMIT, "more than %u aliases", CS_VEX_MAX_ALIASES);
	json_array_foreach (aliases, i, a) {
		if (!json_is_string(a) || strlen(json_string_value(a)) != json_string_length(a))
			return cerr(c, -CS_E_INPUT, "'aliases' must be a list of strings");
		r = add_id(c, s, json_string_value(a));
		if (r < 0)
			return r;
	}
	return 0;
}

static int ovex_statement(struct ctx *c, json_t *st, bool doc_has_time, int64_t doc_time)
{
	const char *status, *just, *impact;
	json_t *products, *stmt_subs, *x;
	struct stmt *s;
	bool suppresses = false, has_time = false, has_upd = false;
	int64_t t = 0, upd = 0;
	size_t i, idx;
	int r;

	if (!json_is_object(st))
		return cerr(c, -CS_E_INPUT, "a statement must be an object");
	r = get_str(c, st, "status", 64, &status);
	if (r >= 0)
		r = ovex_status(c, status, &suppresses);
	if (r >= 0)
		r = get_str(c, st, "justification", 256, &just);
	if (r >= 0)
		r = get_str(c, st, "impact_statement", CS_VEX_TEXT_MAX, &impact);
	if (r >= 0)
		r = get_time(c, st, "timestamp", &has_time, &t);
	if (r >= 0)
		r = get_time(c, st, "last_updated", &has_upd, &upd);
	if (r >= 0)
		r = get_array(c, st, "products", &products);
	if (r >= 0)
		r = get_array(c, st, "subcomponents", &stmt_subs);
	if (r < 0)
		return r;
	if (!products || json_array_size(products) == 0)
		return cerr(c, -CS_E_INPUT, "no 'products'");
	r = new_stmt(c, &s);
	if (r < 0)
		return r;
	idx = c->v->n_st - 1;
	s->suppresses = suppresses;
	/* when it was made: its own time, else the document's (OpenVEX inheritance) */
	s->has_time = has_upd || has_time || doc_has_time;
	s->time = has_upd ? upd : has_time ? t : doc_time;
	r = ovex_vuln(c, st, s);
	if (r >= 0 && suppresses)
		r = set_why(c, s, just, impact, "not_affected");
	if (r < 0)
		return r; /* the caller truncates: s is freed there */
	json_array_foreach (products, i, x) {
		r = ovex_product(c, x, stmt_subs);
		if (r < 0)
			return r;
	}
	/* the arrays may have moved: find the statement again */
	return stmt_finish(c, &c->v->st[idx]);
}

static int parse_openvex(struct ctx *c, json_t *root)
{
	json_t *statements, *st;
	bool has_time = false, has_upd = false;
	int64_t t = 0, upd = 0;
	size_t i;
	int r;

	r = get_time(c, root, "timestamp", &has_time, &t);
	if (r >= 0)
		r = get_time(c, root, "last_updated", &has_upd, &upd);
	if (r >= 0)
		r = get_array(c, root, "statements", &statements);
	if (r < 0)
		return r;
	if (!statements)
		return cerr(c, -CS_E_INPUT, "no 'statements' list");
	if (json_array_size(statements) > CS_VEX_MAX_STATEMENTS)
		return cerr(c, -CS_E_LIMIT, "more than %u statements", CS_VEX_MAX_STATEMENTS);
	json_array_foreach (statements, i, st) {
		snprintf(c->where, sizeof(c->where), "statement %zu", i + 1);
		r = ovex_statement(c, st, has_upd || has_time, has_upd ? upd : t);
		if (r < 0)
			return r;
	}
	c->where[0] = '\0';
	return 0;
}

/* --- CycloneDX --- */

struct cdx_comp {
	const char *ref;  /* bom-ref */
	const char *purl; /* NULL if none */
	const char *version;
	bool image; /* a container */
};

struct cdx {
	struct cdx_comp *v;
	size_t n, cap;
};

static int cdx_comp_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cdx_comp *)a)->ref, ((const struct cdx_comp *)b)->ref);
}

static int cdx_collect(struct ctx *c, struct cdx *d, json_t *comp, unsigned depth)
{
	const char *ref, *purl, *type, *version;
	json_t *children, *x;
	size_t i;
	int r;

	if (depth > CDX_MAX_DEPTH)
		return cerr(c, -CS_E_LIMIT, "components nested deeper than %d", CDX_MAX_DEPTH);
	if (!json_is_object(comp))
		return cerr(c, -CS_E_INPUT, "a component must be an object");
	r = get_str(c, comp, "bom-ref", CS_VEX_TEXT_MAX, &ref);
	if (r >= 0)
		r = get_str(c, comp, "purl", CS_VEX_TEXT_MAX, &purl);
	if (r >= 0)
		r = get_str(c, comp, "type", 64, &type);
	if (r >= 0)
		r = get_str(c, comp, "version", CS_VEX_TEXT_MAX, &version);
	if (r >= 0)
		r = get_array(c, comp, "components", &children);
	if (r < 0)
		return r;
	if (ref) {
		if (d->n >= CS_VEX_MAX_PRODUCTS)
			return cerr(c, -CS_E_LIMIT, "more than %u components", CS_VEX_MAX_PRODUCTS);
		if (CS_GROW(d->v, d->cap, d->n + 1) < 0)
			return nomem(c);
		d->v[d->n++] =
			(struct cdx_comp){ ref, purl, version, type && !strcmp(type, "container") };
	}
	json_array_foreach (children, i, x) {
		r = cdx_collect(c, d, x, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

static const struct cdx_comp *cdx_find(const struct cdx *d, const char *ref)
{
	struct cdx_comp key = { .ref = ref };

	return d->n ? bsearch(&key, d->v, d->n, sizeof(*d->v), cdx_comp_cmp) : NULL;
}

/* Percent-decode a BOM-Link fragment; NULL when malformed (or without memory). */
static char *pct_decode(const char *s)
{
	size_t n = strlen(s);
	char *out = cs_malloc(n + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (n - i < 3)
			goto bad;
		hi = s[i + 1] >= '0' && s[i + 1] <= '9'	  ? s[i + 1] - '0'
		     : s[i + 1] >= 'a' && s[i + 1] <= 'f' ? s[i + 1] - 'a' + 10
		     : s[i + 1] >= 'A' && s[i + 1] <= 'F' ? s[i + 1] - 'A' + 10
							  : -1;
		lo = s[i + 2] >= '0' && s[i + 2] <= '9'	  ? s[i + 2] - '0'
		     : s[i + 2] >= 'a' && s[i + 2] <= 'f' ? s[i + 2] - 'a' + 10
		     : s[i + 2] >= 'A' && s[i + 2] <= 'F' ? s[i + 2] - 'A' + 10
							  : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			goto bad;
		*o++ = (char)(hi * 16 + lo);
		i += 2;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* One affects[].ref: a bom-ref of this document, a BOM-Link, a purl or a digest. */
static int cdx_ref(struct ctx *c, const struct cdx *d, const char *ref)
{
	_cleanup_free_ char *frag = NULL, *l = NULL, *digest = NULL;
	const struct cdx_comp *comp;
	struct cs_purl *u = NULL;
	const char *id = ref;
	int kind, r;

	comp = cdx_find(d, ref);
	if (!comp && !strncmp(ref, "urn:cdx:", 8) && strchr(ref, '#')) {
		frag = pct_decode(strchr(ref, '#') + 1);
		if (frag) {
			id = frag;
			comp = cdx_find(d, frag);
		}
	}
	if (comp) {
		if (comp->purl) {
			id = comp->purl;
		} else if (comp->image) {
			/* an image without a purl: by its digest when its version is one */
			digest = comp->version && is_digest(comp->version)
					 ? cs_strdup(comp->version)
					 : NULL;
			if (comp->version && is_digest(comp->version) && !digest)
				return nomem(c);
			return add_product(c, P_IMAGE, NULL, CS_TAKE_PTR(digest));
		}
	}
	r = parse_ident(c, id, &kind, &u, &digest);
	if (r < 0)
		return r;
	if (kind < 0) {
		l = label(ref);
		return warn(c, "affects ref '%s' names no component with a package URL; ignored",
			    l ? l : "?");
	}
	/* a container is an image whatever its purl says */
	if (comp && comp->image && kind == P_PACKAGE)
		kind = P_IMAGE;
	return add_product(c, kind, u, CS_TAKE_PTR(digest));
}

static int cdx_state(struct ctx *c, const char *s, bool *suppresses)
{
	static const char *const known[] = {
		"not_affected",		  "false_positive", "resolved",
		"resolved_with_pedigree", "exploitable",    "in_triage"
	};
	_cleanup_free_ char *l = NULL;

	for (size_t i = 0; i < CS_ARRAY_SIZE(known); i++)
		if (!strcmp(s, known[i])) {
			*suppresses = i < 2;
			return 0;
		}
	l = label(s);
	return cerr(c, -CS_E_INPUT,
		    "unknown analysis state '%s' (not_affected, false_positive, resolved, "
		    "resolved_with_pedigree, exploitable, in_triage)",
		    l ? l : "?");
}

static int cdx_vuln(struct ctx *c, const struct cdx *d, json_t *vu, bool doc_has_time,
		    int64_t doc_time)
{
	static const char *const times[][2] = {
		{ "analysis", "lastUpdated" }, { "", "updated" }, { "analysis", "firstIssued" },
		{ "", "published" },	       { "", "created" },
	};
	const char *id, *state, *just, *detail;
	json_t *analysis, *affects, *refs, *x;
	bool suppresses = false, has_time = false;
	int64_t t = 0;
	struct stmt *s;
	size_t i, idx;
	int r;

	if (!json_is_object(vu))
		return cerr(c, -CS_E_INPUT, "a vulnerability must be an object");
	r = get_str(c, vu, "id", CS_VEX_ID_MAX, &id);
	if (r < 0)
		return r;
	if (!id)
		return cerr(c, -CS_E_INPUT, "no 'id'");
	{
		_cleanup_free_ char *l = label(id);
		size_t n = strlen(c->where);

		snprintf(c->where + n, sizeof(c->where) - n, " (%.60s)", l ? l : "?");
	}
	r = get_obj(c, vu, "analysis", &analysis);
	if (r >= 0)
		r = get_array(c, vu, "affects", &affects);
	if (r >= 0)
		r = get_array(c, vu, "references", &refs);
	if (r < 0)
		return r;
	if (!analysis)
		return 0; /* no analysis: a finding, not a statement about one */
	r = get_str(c, analysis, "state", 64, &state);
	if (r >= 0)
		r = get_str(c, analysis, "justification", 256, &just);
	if (r >= 0)
		r = get_str(c, analysis, "detail", CS_VEX_TEXT_MAX, &detail);
	if (r < 0)
		return r;
	if (!state)
		return 0;
	r = cdx_state(c, state, &suppresses);
	if (r < 0)
		return r;
	/* when: the analysis, else the vulnerability, else the document */
	for (size_t k = 0; k < CS_ARRAY_SIZE(times) && !has_time; k++) {
		r = get_time(c, times[k][0][0] ? analysis : vu, times[k][1], &has_time, &t);
		if (r < 0)
			return r;
	}
	if (!affects || json_array_size(affects) == 0)
		return warn(c, "no 'affects'; ignored");
	r = new_stmt(c, &s);
	if (r < 0)
		return r;
	idx = c->v->n_st - 1;
	s->suppresses = suppresses;
	s->has_time = has_time || doc_has_time;
	s->time = has_time ? t : doc_time;
	r = add_id(c, s, id);
	if (r >= 0 && suppresses) {
		if (!strcmp(state, "false_positive")) {
			_cleanup_free_ char *fp = cs_asprintf("false_positive%s%s",
							      just ? ": " : "", just ? just : "");

			r = fp ? set_why(c, s, fp, detail, "false_positive") : nomem(c);
		} else {
			r = set_why(c, s, just, detail, "not_affected");
		}
	}
	if (r < 0)
		return r;
	if (refs && json_array_size(refs) > CS_VEX_MAX_ALIASES)
		return cerr(c, -CS_E_LIMIT, "more than %u references", CS_VEX_MAX_ALIASES);
	json_array_foreach (refs, i, x) {
		const char *alias;

		if (!json_is_object(x))
			return cerr(c, -CS_E_INPUT, "a reference must be an object");
		r = get_str(c, x, "id", CS_VEX_ID_MAX, &alias);
		if (r >= 0 && alias)
			r = add_id(c, &c->v->st[idx], alias);
		if (r < 0)
			return r;
	}
	json_array_foreach (affects, i, x) {
		const char *ref;

		if (!json_is_object(x))
			return cerr(c, -CS_E_INPUT, "an 'affects' entry must be an object");
		r = get_str(c, x, "ref", CS_VEX_TEXT_MAX, &ref);
		if (r < 0)
			return r;
		if (!ref)
			return cerr(c, -CS_E_INPUT, "an 'affects' entry without 'ref'");
		r = cdx_ref(c, d, ref);
		if (r < 0)
			return r;
	}
	return stmt_finish(c, &c->v->st[idx]);
}

static int parse_cyclonedx(struct ctx *c, json_t *root)
{
	static const char *const versions[] = { "1.4", "1.5", "1.6" };
	struct cdx d = { 0 };
	const char *spec;
	json_t *meta = NULL, *subject = NULL, *comps = NULL, *vulns = NULL, *x;
	bool ok = false, has_time = false;
	int64_t t = 0;
	size_t i;
	int r;

	r = get_str(c, root, "specVersion", 16, &spec);
	if (r < 0)
		return r;
	for (size_t k = 0; spec && k < CS_ARRAY_SIZE(versions); k++)
		ok = ok || !strcmp(spec, versions[k]);
	if (!ok) {
		_cleanup_free_ char *l = spec ? label(spec) : NULL;

		return cerr(c, -CS_E_UNSUPPORTED,
			    "unsupported CycloneDX specVersion '%s' (1.4 to 1.6)", l ? l : "none");
	}
	r = get_obj(c, root, "metadata", &meta);
	if (r >= 0 && meta)
		r = get_obj(c, meta, "component", &subject);
	if (r >= 0 && meta)
		r = get_time(c, meta, "timestamp", &has_time, &t);
	if (r >= 0)
		r = get_array(c, root, "components", &comps);
	if (r >= 0)
		r = get_array(c, root, "vulnerabilities", &vulns);
	if (r >= 0 && subject)
		r = cdx_collect(c, &d, subject, 0);
	json_array_foreach (comps, i, x) {
		if (r < 0)
			break;
		r = cdx_collect(c, &d, x, 0);
	}
	if (r < 0)
		goto done;
	if (d.n)
		qsort(d.v, d.n, sizeof(*d.v), cdx_comp_cmp);
	for (i = 1; i < d.n; i++)
		if (!strcmp(d.v[i - 1].ref, d.v[i].ref)) {
			_cleanup_free_ char *l = label(d.v[i].ref);

			r = cerr(c, -CS_E_INPUT, "duplicate bom-ref '%s'", l ? l : "?");
			goto done;
		}
	if (vulns && json_array_size(vulns) > CS_VEX_MAX_STATEMENTS) {
		r = cerr(c, -CS_E_LIMIT, "more than %u vulnerabilities", CS_VEX_MAX_STATEMENTS);
		goto done;
	}
	json_array_foreach (vulns, i, x) {
		snprintf(c->where, sizeof(c->where), "vulnerability %zu", i + 1);
		r = cdx_vuln(c, &d, x, has_time, t);
		if (r < 0)
			goto done;
	}
	c->where[0] = '\0';
	r = 0;
done:
	free(d.v);
	return r;
}

/* --- documents --- */

int cs_vex_add(struct cs_vex *v, const char *data, size_t len, const char *name,
	       struct cs_error *err)
{
	size_t n_docs = v->n_docs, n_st = v->n_st, n_pr = v->n_pr, n_subs = v->n_subs,
	       n_warnings = v->n_warnings;
	struct ctx c = { .v = v, .name = name ? name : "-", .err = err };
	json_t *root = NULL;
	json_error_t je;
	const char *ctxs = NULL, *format = NULL;
	int r;

	if (len > CS_VEX_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "vex '%s': larger than %u bytes", c.name,
				    CS_VEX_FILE_MAX);
	if (CS_GROW(v->docs, v->cap_docs, v->n_docs + 1) < 0 ||
	    !(v->docs[v->n_docs] = cs_strdup(c.name)))
		return nomem(&c);
	c.doc = v->n_docs++;
	root = json_loadb(data ? data : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		r = cs_error_set(err, -CS_E_INPUT, "vex '%s': invalid JSON at line %d: %s", c.name,
				 je.line, je.text);
		goto done;
	}
	if (!json_is_object(root)) {
		r = cerr(&c, -CS_E_INPUT, "not a JSON object");
		goto done;
	}
	r = get_str(&c, root, "@context", 1024, &ctxs);
	if (r >= 0)
		r = get_str(&c, root, "bomFormat", 64, &format);
	if (r < 0)
		goto done;
	if (ctxs && (!strcmp(ctxs, "https://openvex.dev/ns") ||
		     !strncmp(ctxs, "https://openvex.dev/ns/", 23)))
		r = parse_openvex(&c, root);
	else if (format && !strcmp(format, "CycloneDX"))
		r = parse_cyclonedx(&c, root);
	else
		r = cerr(&c, -CS_E_INPUT,
			 "neither OpenVEX (@context https://openvex.dev/ns/...) nor CycloneDX "
			 "(bomFormat)");
	if (r >= 0)
		r = warn_finish(&c);
done:
	json_decref(root);
	if (r < 0)
		truncate_to(v, n_docs, n_st, n_pr, n_subs, n_warnings);
	return r < 0 ? r : 0;
}

int cs_vex_load(struct cs_vex *v, const char *path, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	struct cs_buf b = CS_BUF_INIT(CS_VEX_FILE_MAX);
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r >= 0)
		r = cs_stream_read_all(s, &b, err);
	if (r < 0) {
		cs_buf_done(&b);
		return cs_error_prefix(err, "vex '%s'", path);
	}
	r = cs_vex_add(v, b.data, b.len, path, err);
	cs_buf_done(&b);
	return r;
}

/* --- applying --- */

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)ascii_lower(*a),
			      y = (unsigned char)ascii_lower(*b);

		if (x != y || !x)
			return x < y ? -1 : x > y;
	}
}

struct idx_ent {
	const char *id;
	size_t st;
};

static int cmp_idx(const void *a, const void *b)
{
	return ascii_casecmp(((const struct idx_ent *)a)->id, ((const struct idx_ent *)b)->id);
}

struct applier {
	const struct cs_vex *v;
	struct cs_purl_cache *cache;
	struct idx_ent *idx;
	size_t n_idx;
	bool *product_ok; /* per product: the image is the target / the product is in the scan */
};

static bool image_is_target(const struct product *p, const struct cs_vex_target *t)
{
	if (!p->digest)
		return true;
	for (size_t i = 0; t && i < CS_ARRAY_SIZE(t->digests); i++)
		if (t->digests[i] && !ascii_casecmp(t->digests[i], p->digest))
			return true;
	return false;
}

static int cmp_type_name(const struct cs_purl *x, const struct cs_purl *y)
{
	int c = strcmp(x->type, y->type);

	return c ? c : strcmp(x->name, y->name);
}

static int cmp_purlp(const void *a, const void *b)
{
	return cmp_type_name(*(const struct cs_purl *const *)a, *(const struct cs_purl *const *)b);
}

/* Is some scanned package (purls sorted by type and name) an instance of the product? */
static bool product_in_scan(const struct cs_purl *const *scan, size_t n, const struct product *p)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_type_name(scan[mid], p->purl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && !cmp_type_name(scan[lo], p->purl); lo++)
		if (cs_purl_matches(p->purl, scan[lo]))
			return true;
	return false;
}

static bool subs_match(const struct cs_vex *v, const struct product *p, const struct cs_purl *u)
{
	for (size_t i = 0; i < p->n_subs; i++)
		if (cs_purl_matches(v->subs[p->first_sub + i], u))
			return true;
	return false;
}

static bool stmt_applies(const struct applier *a, const struct stmt *s, const struct cs_purl *u)
{
	for (size_t i = 0; i < s->n_products; i++) {
		size_t k = s->first_product + i;
		const struct product *p = &a->v->pr[k];

		if (!a->product_ok[k])
			continue;
		if (p->n_subs == 0 ? (p->kind == P_IMAGE || cs_purl_matches(p->purl, u))
				   : subs_match(a->v, p, u))
			return true;
	}
	return false;
}

static bool newer(const struct stmt *a, const struct stmt *b)
{
	if (a->has_time != b->has_time)
		return a->has_time;
	if (a->has_time && a->time != b->time)
		return a->time > b->time;
	return a->seq > b->seq;
}

/* The latest statement about finding f, or NULL. */
static const struct stmt *decide(const struct applier *a, const struct cs_finding *f)
{
	const struct cs_purl *u = cs_purl_cache_get(a->cache, f->pkg);
	const struct stmt *best = NULL;

	for (size_t k = 0; k <= f->n_aliases; k++) {
		struct idx_ent key = { k == 0 ? f->id : f->aliases[k - 1], 0 };
		size_t lo = 0, hi = a->n_idx;

		if (!key.id)
			continue;
		/* lower bound */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (cmp_idx(&a->idx[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < a->n_idx && !cmp_idx(&a->idx[lo], &key); lo++) {
			const struct stmt *s = &a->v->st[a->idx[lo].st];

			if ((!best || newer(s, best)) && stmt_applies(a, s, u))
				best = s;
		}
	}
	return best;
}

int cs_vex_apply(const struct cs_vex *v, struct cs_findings *fs, const struct cs_vex_target *t,
		 struct cs_error *err)
{
	_cleanup_(cs_purl_cache_freep) struct cs_purl_cache *cache = NULL;
	_cleanup_free_ struct idx_ent *idx = NULL;
	_cleanup_free_ bool *product_ok = NULL;
	_cleanup_free_ const struct cs_purl **scan = NULL;
	struct applier a = { .v = v };
	size_t n_idx = 0, n_scan = 0;
	int r, count = 0;

	if (!v)
		return 0;
	for (size_t i = 0; i < v->n_warnings; i++)
		if (cs_findings_warn(fs, "%s", v->warnings[i]) < 0)
			return cs_error_errno(err, ENOMEM, "cannot apply vex");
	if (v->n_st == 0 || fs->n == 0)
		return 0;
	r = cs_purl_cache_new(&cache);
	if (r >= 0)
		r = cs_purl_cache_add_findings(cache, fs);
	for (size_t i = 0; r >= 0 && t && t->cat && i < cs_catalog_count(t->cat); i++)
		r = cs_purl_cache_add(cache, cs_catalog_get(t->cat, i));
	if (r < 0)
		return cs_error_errno(err, r, "cannot apply vex");
	product_ok = cs_new0(bool, v->n_pr ? v->n_pr : 1);
	for (size_t i = 0; i < v->n_st; i++)
		n_idx += v->st[i].n_ids;
	idx = cs_new0(struct idx_ent, n_idx ? n_idx : 1);
	scan = cs_new0(const struct cs_purl *, cs_purl_cache_count(cache) + 1);
	if (!product_ok || !idx || !scan)
		return cs_error_errno(err, ENOMEM, "cannot apply vex");
	for (size_t i = 0; i < cs_purl_cache_count(cache); i++)
		if (cs_purl_cache_at(cache, i))
			scan[n_scan++] = cs_purl_cache_at(cache, i);
	qsort(scan, n_scan, sizeof(*scan), cmp_purlp);
	for (size_t i = 0; i < v->n_pr; i++) {
		const struct product *p = &v->pr[i];

		if (p->kind == P_IMAGE)
			product_ok[i] = image_is_target(p, t);
		else /* with subcomponents, the product itself must be in the scan */
			product_ok[i] = p->n_subs == 0 || product_in_scan(scan, n_scan, p);
	}
	n_idx = 0;
	for (size_t i = 0; i < v->n_st; i++)
		for (size_t k = 0; k < v->st[i].n_ids; k++)
			idx[n_idx++] = (struct idx_ent){ v->st[i].ids[k], i };
	qsort(idx, n_idx, sizeof(*idx), cmp_idx);
	a.cache = cache;
	a.idx = idx;
	a.n_idx = n_idx;
	a.product_ok = product_ok;
	for (size_t i = 0; i < fs->n;) {
		const struct stmt *s = decide(&a, &fs->v[i]);
		_cleanup_free_ char *by = NULL;

		if (!s || !s->suppresses) {
			i++;
			continue;
		}
		by = cs_asprintf("vex:%s", v->docs[s->doc]);
		if (!by || cs_findings_suppress(fs, i, by, s->why) < 0)
			return cs_error_errno(err, ENOMEM, "cannot apply vex");
		count++;
	}
	return count;
}
