/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mirror manifests (manifest.h): parsing with limits, writing, and the
 * signature check. The parser trusts nothing: sizes and counts are capped
 * before anything is allocated for them, every path is checked component
 * by component, and duplicate JSON keys are refused so a manifest cannot
 * say two things at once.
 */
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "registry/auth.h"
#include "vulndb/manifest.h"

#define SCHEMA_VERSION_MAX 1000000
#define CREATED_MAX	   64
#define KEY_PEM_MAX	   (64u << 10)
#define SIG_DER_MAX	   256

const char *cs_db_manifest_kind_name(enum cs_db_manifest_kind k)
{
	return k == CS_DB_MANIFEST_DATABASE ? "database" : "feeds";
}

void cs_db_manifest_free(struct cs_db_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_files; i++)
		free(m->files[i].path);
	free(m->files);
	free(m->created);
	free(m);
}

bool cs_db_manifest_path_ok(const char *p, size_t n)
{
	size_t depth = 0, start = 0;

	if (n == 0 || n > CS_DB_MANIFEST_MAX_PATH)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '/') {
			unsigned char c = (unsigned char)p[i];

			if (c <= 0x20 || c >= 0x7f || c == '\\')
				return false;
			continue;
		}
		/* a component is p[start, i) */
		if (i == start || p[start] == '.')
			return false;
		if (++depth > CS_DB_MANIFEST_MAX_DEPTH)
			return false;
		start = i + 1;
	}
	return true;
}

static bool digits(const char *s, size_t n, int *ret)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

int cs_db_manifest_parse_time(const char *s, int64_t *ret)
{
	int Y, M, D, h, m, sec, oh = 0, om = 0;
	size_t n = strnlen(s, CREATED_MAX + 1), i = 19;
	struct tm tm = { 0 };
	time_t t;
	int64_t off = 0;

	/* YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm) */
	if (n > CREATED_MAX || n < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' || !digits(s, 4, &Y) ||
	    !digits(s + 5, 2, &M) || !digits(s + 8, 2, &D) || !digits(s + 11, 2, &h) ||
	    !digits(s + 14, 2, &m) || !digits(s + 17, 2, &sec))
		return -CS_E_INPUT;
	if (s[i] == '.') {
		size_t k = ++i;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == k)
			return -CS_E_INPUT;
	}
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		off = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':' &&
		   digits(s + i + 1, 2, &oh) && digits(s + i + 4, 2, &om) && oh < 24 && om < 60) {
		off = (int64_t)(oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
	} else {
		return -CS_E_INPUT;
	}
	if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return -CS_E_INPUT;
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != D) /* 31 April */
		return -CS_E_INPUT;
	*ret = (int64_t)t - off;
	return 0;
}

/* '/' sorts before every other byte, so a directory's files follow its name */
static int path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned ca = *a == '/' ? 1u : (unsigned char)*a;
		unsigned cb = *b == '/' ? 1u : (unsigned char)*b;

		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (!ca)
			return 0;
	}
}

static int file_cmp(const void *a, const void *b)
{
	return path_cmp(((const struct cs_db_manifest_file *)a)->path,
			((const struct cs_db_manifest_file *)b)->path);
}

int cs_db_manifest_sort(struct cs_db_manifest *m, struct cs_error *err)
{
	if (m->n_files > 1)
		qsort(m->files, m->n_files, sizeof(*m->files), file_cmp);
	for (size_t i = 0; i + 1 < m->n_files; i++) {
		const char *a = m->files[i].path, *b = m->files[i + 1].path;
		size_t la = strlen(a);

		if (!strcmp(a, b))
			return cs_error_set(err, -CS_E_INPUT, "file '%s' is listed twice", a);
		if (!strncmp(a, b, la) && b[la] == '/')
			return cs_error_set(err, -CS_E_INPUT,
					    "'%s' is listed both as a file and as a directory of "
					    "'%s'",
					    a, b);
	}
	return 0;
}

static bool hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static int parse_file(json_t *o, size_t idx, struct cs_db_manifest_file *f, struct cs_error *err)
{
	json_t *jp = json_object_get(o, "path"), *js = json_object_get(o, "size");
	json_t *jh = json_object_get(o, "sha256");
	const char *p;
	size_t n;

	if (!json_is_object(o))
		return cs_error_set(err, -CS_E_INPUT, "files[%zu]: not an object", idx);
	if (!json_is_string(jp))
		return cs_error_set(err, -CS_E_INPUT, "files[%zu].path: missing or not a string",
				    idx);
	p = json_string_value(jp);
	n = json_string_length(jp);
	if (!cs_db_manifest_path_ok(p, n) || strlen(p) != n)
		return cs_error_set(err, -CS_E_INPUT,
				    "files[%zu].path: not a clean relative path (no '..', "
				    "absolute or hidden components)",
				    idx);
	if (!json_is_integer(js) || json_integer_value(js) < 0)
		return cs_error_set(err, -CS_E_INPUT,
				    "files[%zu].size: missing or not a non-negative integer", idx);
	if ((uint64_t)json_integer_value(js) > CS_DB_MANIFEST_MAX_FILE_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "files[%zu].size: larger than %llu bytes",
				    idx, (unsigned long long)CS_DB_MANIFEST_MAX_FILE_SIZE);
	if (!json_is_string(jh) || !hex64(json_string_value(jh), json_string_length(jh)))
		return cs_error_set(err, -CS_E_INPUT,
				    "files[%zu].sha256: missing or not 64 lowercase hex digits",
				    idx);
	f->path = cs_strndup(p, n);
	if (!f->path)
		return cs_error_set(err, -ENOMEM, "out of memory");
	f->size = (uint64_t)json_integer_value(js);
	memcpy(f->sha256, json_string_value(jh), 64);
	f->sha256[64] = '\0';
	return 0;
}

static int parse_root(json_t *root, struct cs_db_manifest *m, struct cs_error *err)
{
	json_t *schema = json_object_get(root, "schema"),
	       *created = json_object_get(root, "created");
	json_t *kind = json_object_get(root, "kind"), *files = json_object_get(root, "files");
	json_t *sv = json_object_get(root, "schema_version");
	const char *k;
	size_t n;
	int r;

	if (!json_is_object(root))
		return cs_error_set(err, -CS_E_INPUT, "not a JSON object");
	if (!json_is_string(schema))
		return cs_error_set(err, -CS_E_INPUT, "no schema (want '%s')",
				    CS_DB_MANIFEST_SCHEMA);
	if (strcmp(json_string_value(schema), CS_DB_MANIFEST_SCHEMA) != 0)
		return cs_error_set(err, -CS_E_UNSUPPORTED, "unsupported schema (want '%s')",
				    CS_DB_MANIFEST_SCHEMA);
	if (!json_is_string(created) ||
	    cs_db_manifest_parse_time(json_string_value(created), &m->created_sec) < 0)
		return cs_error_set(err, -CS_E_INPUT,
				    "created: missing or not an RFC 3339 date-time");
	m->created = cs_strdup(json_string_value(created));
	if (!m->created)
		return cs_error_set(err, -ENOMEM, "out of memory");
	k = json_string_value(kind);
	if (k && !strcmp(k, "feeds"))
		m->kind = CS_DB_MANIFEST_FEEDS;
	else if (k && !strcmp(k, "database"))
		m->kind = CS_DB_MANIFEST_DATABASE;
	else
		return cs_error_set(err, -CS_E_INPUT,
				    "kind: missing or not \"feeds\" or \"database\"");
	if (m->kind == CS_DB_MANIFEST_DATABASE) {
		if (!json_is_integer(sv) || json_integer_value(sv) < 1 ||
		    json_integer_value(sv) > SCHEMA_VERSION_MAX)
			return cs_error_set(err, -CS_E_INPUT,
					    "schema_version: missing or not a positive integer "
					    "(required for kind database)");
		m->schema_version = (int)json_integer_value(sv);
	}
	if (!json_is_array(files))
		return cs_error_set(err, -CS_E_INPUT, "files: missing or not an array");
	n = json_array_size(files);
	if (n == 0)
		return cs_error_set(err, -CS_E_INPUT, "files: empty");
	if (n > CS_DB_MANIFEST_MAX_FILES)
		return cs_error_set(err, -CS_E_LIMIT, "files: more than %d entries",
				    CS_DB_MANIFEST_MAX_FILES);
	if (m->kind == CS_DB_MANIFEST_DATABASE && n != 1)
		return cs_error_set(err, -CS_E_INPUT,
				    "files: kind database lists exactly one file, not %zu", n);
	m->files = cs_new0(struct cs_db_manifest_file, n);
	if (!m->files)
		return cs_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		r = parse_file(json_array_get(files, i), i, &m->files[i], err);
		if (r < 0)
			return r;
		m->n_files++;
		if (cs_add_overflow(m->total_size, m->files[i].size, &m->total_size) ||
		    m->total_size > CS_DB_MANIFEST_MAX_TOTAL_SIZE)
			return cs_error_set(err, -CS_E_LIMIT,
					    "files: more than %llu bytes in total",
					    (unsigned long long)CS_DB_MANIFEST_MAX_TOTAL_SIZE);
	}
	return cs_db_manifest_sort(m, err);
}

int cs_db_manifest_parse(const void *data, size_t len, struct cs_db_manifest **ret,
			 struct cs_error *err)
{
	struct cs_db_manifest *m;
	json_error_t jerr;
	json_t *root;
	int r;

	if (len > CS_DB_MANIFEST_MAX_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "larger than %u bytes",
				    CS_DB_MANIFEST_MAX_SIZE);
	root = json_loadb(len ? data : "", len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "not valid JSON: line %d: %s", jerr.line,
				    jerr.text);
	m = cs_zalloc(sizeof(*m));
	if (!m) {
		json_decref(root);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	r = parse_root(root, m, err);
	json_decref(root);
	if (r < 0) {
		cs_db_manifest_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

int cs_db_manifest_write(const struct cs_db_manifest *m, struct cs_buf *out, struct cs_error *err)
{
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;
	int r;

	r = cs_json_new_buf(out, CS_JSON_PRETTY, &j);
	if (r < 0)
		return cs_error_set(err, r, "cannot write the manifest");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "schema", CS_DB_MANIFEST_SCHEMA);
	cs_json_kv_string(j, "created", m->created);
	cs_json_kv_string(j, "kind", cs_db_manifest_kind_name(m->kind));
	if (m->kind == CS_DB_MANIFEST_DATABASE)
		cs_json_kv_int(j, "schema_version", m->schema_version);
	cs_json_key(j, "files");
	cs_json_begin_array(j);
	for (size_t i = 0; i < m->n_files; i++) {
		cs_json_begin_object(j);
		cs_json_kv_string(j, "path", m->files[i].path);
		cs_json_kv_uint(j, "size", m->files[i].size);
		cs_json_kv_string(j, "sha256", m->files[i].sha256);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_end_object(j);
	r = cs_json_finish(j);
	if (r >= 0)
		r = cs_buf_putc(out, '\n');
	if (r < 0)
		return cs_error_set(err, r, "cannot write the manifest: %s", cs_strerror(r));
	return 0;
}

static bool is_p256(EVP_PKEY *pkey)
{
	char group[64];

	if (!EVP_PKEY_is_a(pkey, "EC"))
		return false;
	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    NULL))
		return false;
	return !strcmp(group, "prime256v1") || !strcmp(group, "P-256");
}

int cs_db_manifest_verify(const void *data, size_t len, const void *sig, size_t sig_len,
			  const void *key_pem, size_t key_len, struct cs_error *err)
{
	_cleanup_free_ char *b64 = NULL, *der = NULL;
	const char *s = sig;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	BIO *bio = NULL;
	size_t n = 0, der_len = 0;
	int r, ok;

	if (sig_len > CS_DB_MANIFEST_MAX_SIG_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "signature larger than %u bytes",
				    CS_DB_MANIFEST_MAX_SIG_SIZE);
	if (key_len > KEY_PEM_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "public key larger than %u bytes",
				    KEY_PEM_MAX);
	b64 = cs_malloc(sig_len + 1);
	if (!b64)
		return cs_error_set(err, -ENOMEM, "out of memory");
	/* base64 tools wrap lines; cosign writes one line */
	for (size_t i = 0; i < sig_len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			b64[n++] = s[i];
	b64[n] = '\0';
	if (n == 0 || cs_registry_base64_decode(b64, n, &der, &der_len) < 0 || der_len < 8 ||
	    der_len > SIG_DER_MAX)
		return cs_error_set(err, -CS_E_INPUT,
				    "signature is not base64 of an ECDSA signature");

	bio = BIO_new_mem_buf(key_pem, (int)key_len);
	if (!bio)
		return cs_error_set(err, -ENOMEM, "out of memory");
	pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!pkey || !is_p256(pkey)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "public key is not a PEM ECDSA P-256 public key");
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx) {
		r = cs_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pkey) != 1) {
		r = cs_error_set(err, -CS_E_INTERNAL, "cannot set up signature verification");
		goto out;
	}
	ok = EVP_DigestVerify(ctx, (const unsigned char *)der, der_len, data, len);
	r = ok == 1 ? 0 : cs_error_set(err, -CS_E_DIGEST, "signature does not match the manifest");
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return r;
}
