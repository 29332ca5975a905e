/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notary Project JWS signatures (notaryproject/specifications,
 * signature-envelope-jws.md and signature-specification.md), verified with
 * OpenSSL against an X.509 trust store.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "basic/alloc.h"
#include "sign/notation.h"

#define TRUST_FILES_MAX 1024
#define HEADER_MAX	(64u << 10)

struct cs_notation_trust {
	X509_STORE *store;
	size_t n_certs;
};

void cs_notation_trust_free(struct cs_notation_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}

int cs_notation_trust_new(struct cs_notation_trust **ret)
{
	struct cs_notation_trust *t = cs_zalloc(sizeof(*t));

	if (!t || !(t->store = X509_STORE_new())) {
		free(t);
		return -ENOMEM;
	}
	*ret = t;
	return 0;
}

static int trust_add_file(struct cs_notation_trust *t, const char *path, struct cs_error *err)
{
	BIO *b = BIO_new_file(path, "r");
	size_t n = 0;
	X509 *x;

	if (!b)
		return cs_error_errno(err, errno ? errno : EIO, "cannot open trust store '%s'",
				      path);
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		int ok = X509_STORE_add_cert(t->store, x);

		X509_free(x);
		if (!ok) {
			BIO_free(b);
			return cs_error_set(err, -CS_E_INPUT,
					    "trust store '%s': a certificate cannot be added",
					    path);
		}
		n++;
	}
	BIO_free(b);
	ERR_clear_error();
	if (n == 0)
		return cs_error_set(err, -CS_E_INPUT, "trust store '%s': no PEM certificate", path);
	t->n_certs += n;
	return 0;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcasecmp(s + a - b, suf);
}

int cs_notation_trust_load(const char *const *paths, size_t n, struct cs_notation_trust **ret,
			   struct cs_error *err)
{
	_cleanup_(cs_notation_trust_freep) struct cs_notation_trust *t = cs_zalloc(sizeof(*t));
	size_t files = 0;
	int r = 0;

	if (!t || !(t->store = X509_STORE_new()))
		return cs_error_errno(err, -ENOMEM, "trust store");
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct stat st;

		if (stat(paths[i], &st) < 0)
			return cs_error_errno(err, errno, "cannot open trust store '%s'", paths[i]);
		if (!S_ISDIR(st.st_mode)) {
			r = trust_add_file(t, paths[i], err);
			files++;
			continue;
		}
		DIR *d = opendir(paths[i]);
		struct dirent *de;

		if (!d)
			return cs_error_errno(err, errno, "cannot open trust store '%s'", paths[i]);
		while (r >= 0 && (de = readdir(d))) {
			_cleanup_free_ char *p = NULL;

			if (de->d_name[0] == '.' ||
			    !(has_suffix(de->d_name, ".pem") || has_suffix(de->d_name, ".crt")))
				continue;
			if (++files > TRUST_FILES_MAX) {
				r = cs_error_set(err, -CS_E_LIMIT,
						 "trust store '%s': more than %d files", paths[i],
						 TRUST_FILES_MAX);
				break;
			}
			p = cs_asprintf("%s/%s", paths[i], de->d_name);
			r = p ? trust_add_file(t, p, err) : -ENOMEM;
		}
		closedir(d);
	}
	if (r < 0)
		return r;
	if (t->n_certs == 0)
		return cs_error_set(err, -CS_E_INPUT, "the trust store holds no certificate");
	*ret = CS_TAKE_PTR(t);
	return 0;
}

void cs_notation_verified_done(struct cs_notation_verified *v)
{
	free(v->alg);
	free(v->scheme);
	free(v->subject);
	free(v->issuer);
	free(v->signing_time);
	free(v->expiry);
	free(v->target_digest);
	free(v->target_media_type);
	free(v->payload);
	*v = (struct cs_notation_verified){ 0 };
}

/* --- base64 --- */

/*
 * Strict base64 (url: the URL-safe alphabet without padding, as JWS
 * writes it; else the standard alphabet with optional padding) into a new
 * buffer of *len bytes (NUL-terminated for convenience).
 */
static int b64_decode(const char *s, bool url, size_t max, unsigned char **ret, size_t *len)
{
	size_t n = strlen(s), pad = 0, m;
	_cleanup_free_ char *t = NULL;
	unsigned char *out;
	int k;

	while (!url && n > 0 && s[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (n % 4 == 1 || n / 4 * 3 > max)
		return -CS_E_INPUT;
	t = malloc(n + 4);
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (url && (c == '+' || c == '/'))
			return -CS_E_INPUT;
		if (!url && (c == '-' || c == '_'))
			return -CS_E_INPUT;
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return -CS_E_INPUT;
		t[i] = c;
	}
	m = n;
	while (m % 4)
		t[m++] = '=';
	t[m] = 0;
	out = malloc(m / 4 * 3 + 1);
	if (!out)
		return -ENOMEM;
	k = m ? EVP_DecodeBlock(out, (const unsigned char *)t, (int)m) : 0;
	if (k < 0) {
		free(out);
		return -CS_E_INPUT;
	}
	*len = (size_t)k - (m - n);
	out[*len] = 0;
	*ret = out;
	return 0;
}

/* --- small JSON helpers --- */

static const char *get_str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_t *decode_json(const char *b64, size_t max, const char *what, char **raw,
			   struct cs_error *err)
{
	_cleanup_free_ unsigned char *p = NULL;
	json_error_t jerr;
	size_t n = 0;
	json_t *j;
	int r;

	r = b64_decode(b64, true, max, &p, &n);
	if (r == -ENOMEM) {
		cs_error_errno(err, r, "notation");
		return NULL;
	}
	if (r < 0) {
		cs_error_set(err, -CS_E_INPUT, "notation envelope: %s is not base64url", what);
		return NULL;
	}
	j = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(j)) {
		json_decref(j);
		cs_error_set(err, -CS_E_INPUT, "notation envelope: %s is not a JSON object", what);
		return NULL;
	}
	if (raw)
		*raw = (char *)CS_TAKE_PTR(p);
	return j;
}

/* RFC 3339 date-time ("2022-04-06T07:01:20Z", "...+02:00", fractions allowed). */
static int parse_time(const char *s, time_t *ret)
{
	struct tm tm = { 0 };
	const char *p;
	long off = 0;

	if (!s)
		return -EINVAL;
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int h = (p[1] - '0') * 10 + (p[2] - '0'), m = (p[4] - '0') * 10 + (p[5] - '0');

		if (h > 23 || m > 59)
			return -EINVAL;
		off = (h * 60 + m) * 60 * (*p == '+' ? 1 : -1);
		p += 6;
	} else
		return -EINVAL;
	if (*p)
		return -EINVAL;
	*ret = timegm(&tm) - off;
	return 0;
}

/* --- the signing key and its alg --- */

static const char *alg_for_key(EVP_PKEY *k)
{
	int id = EVP_PKEY_get_base_id(k);

	if (id == EVP_PKEY_RSA) {
		int bits = EVP_PKEY_get_bits(k);

		return bits == 2048   ? "PS256"
		       : bits == 3072 ? "PS384"
		       : bits == 4096 ? "PS512"
				      : NULL;
	}
	if (id == EVP_PKEY_EC) {
		char group[64];
		size_t gl = 0;

		if (!EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof(group), &gl))
			return NULL;
		return !strcmp(group, "prime256v1")  ? "ES256"
		       : !strcmp(group, "secp384r1") ? "ES384"
		       : !strcmp(group, "secp521r1") ? "ES512"
						     : NULL;
	}
	return NULL;
}

static const EVP_MD *alg_md(const char *alg)
{
	const char *bits = alg + 2;

	return !strcmp(bits, "256")   ? EVP_sha256()
	       : !strcmp(bits, "384") ? EVP_sha384()
				      : EVP_sha512();
}

/* JWS ECDSA signatures are r || s, each of the curve's size: to DER for OpenSSL. */
static int ecdsa_raw_to_der(const unsigned char *sig, size_t n, size_t half, unsigned char **der,
			    size_t *der_len)
{
	ECDSA_SIG *es;
	BIGNUM *r, *s;
	int len;

	if (n != 2 * half)
		return -CS_E_AUTH;
	es = ECDSA_SIG_new();
	r = BN_bin2bn(sig, (int)half, NULL);
	s = BN_bin2bn(sig + half, (int)half, NULL);
	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		ECDSA_SIG_free(es);
		BN_free(r);
		BN_free(s);
		return -ENOMEM;
	}
	*der = NULL;
	len = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	if (len <= 0)
		return -ENOMEM;
	*der_len = (size_t)len;
	return 0;
}

static int verify_sig(EVP_PKEY *key, const char *alg, const char *input, size_t input_len,
		      const unsigned char *sig, size_t sig_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL;
	size_t der_len = 0;
	int r = -CS_E_AUTH;

	if (!md)
		return -ENOMEM;
	if (alg[0] == 'E') {
		size_t half = !strcmp(alg, "ES256") ? 32 : !strcmp(alg, "ES384") ? 48 : 66;

		r = ecdsa_raw_to_der(sig, sig_len, half, &der, &der_len);
		if (r < 0)
			goto out;
		sig = der;
		sig_len = der_len;
		r = -CS_E_AUTH;
	}
	if (EVP_DigestVerifyInit(md, &pctx, alg_md(alg), NULL, key) != 1)
		goto out;
	if (alg[0] == 'P' && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
			      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
			      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, alg_md(alg)) != 1))
		goto out;
	if (EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)input, input_len) == 1)
		r = 0;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r;
}

static char *name_string(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *s = NULL, *p;
	long n;

	if (!b)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(b, &p);
		s = cs_strndup(p, (size_t)n);
	}
	BIO_free(b);
	return s;
}

/* --- the certificate chain --- */

static int chain_verify(STACK_OF(X509) * chain, const struct cs_notation_trust *trust, time_t now,
			struct cs_error *err)
{
	X509 *leaf = sk_X509_value(chain, 0);
	STACK_OF(X509) *rest = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	uint32_t ku, xku;
	int r = 0;

	if (!rest || !ctx) {
		r = cs_error_errno(err, -ENOMEM, "notation");
		goto out;
	}
	for (int i = 1; i < sk_X509_num(chain); i++)
		if (!sk_X509_push(rest, sk_X509_value(chain, i))) {
			r = cs_error_errno(err, -ENOMEM, "notation");
			goto out;
		}
	/* a code-signing certificate: digitalSignature, and codeSigning when EKU is given */
	ku = X509_get_key_usage(leaf);
	xku = X509_get_extended_key_usage(leaf);
	if (!(ku & KU_DIGITAL_SIGNATURE)) {
		r = cs_error_set(
			err, -CS_E_AUTH,
			"notation: the signing certificate lacks digitalSignature key usage");
		goto out;
	}
	if (!(xku & XKU_CODE_SIGN)) {
		r = cs_error_set(err, -CS_E_AUTH,
				 "notation: the signing certificate is not for code signing");
		goto out;
	}
	if (!X509_STORE_CTX_init(ctx, trust->store, leaf, rest)) {
		r = cs_error_errno(err, -ENOMEM, "notation");
		goto out;
	}
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
	if (X509_verify_cert(ctx) != 1)
		r = cs_error_set(err, -CS_E_AUTH,
				 "notation: the certificate chain does not verify: %s",
				 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(rest);
	ERR_clear_error();
	return r;
}

static int load_chain(json_t *x5c, STACK_OF(X509) * *ret, struct cs_error *err)
{
	STACK_OF(X509) * chain;
	size_t i;
	json_t *v;

	if (!json_is_array(x5c) || json_array_size(x5c) == 0)
		return cs_error_set(err, -CS_E_INPUT,
				    "notation envelope: header.x5c is not a list of certificates");
	if (json_array_size(x5c) > CS_NOTATION_CHAIN_MAX)
		return cs_error_set(err, -CS_E_LIMIT,
				    "notation envelope: more than %d certificates in x5c",
				    CS_NOTATION_CHAIN_MAX);
	chain = sk_X509_new_null();
	if (!chain)
		return cs_error_errno(err, -ENOMEM, "notation");
	json_array_foreach (x5c, i, v) {
		_cleanup_free_ unsigned char *der = NULL;
		const unsigned char *p;
		size_t n = 0;
		X509 *x;

		if (!json_is_string(v) ||
		    b64_decode(json_string_value(v), false, 64u << 10, &der, &n) < 0) {
			sk_X509_pop_free(chain, X509_free);
			return cs_error_set(err, -CS_E_INPUT,
					    "notation envelope: x5c[%zu] is not base64", i);
		}
		p = der;
		x = d2i_X509(NULL, &p, (long)n);
		if (!x || p != der + n) {
			X509_free(x);
			sk_X509_pop_free(chain, X509_free);
			ERR_clear_error();
			return cs_error_set(err, -CS_E_INPUT,
					    "notation envelope: x5c[%zu] is not a DER certificate",
					    i);
		}
		if (!sk_X509_push(chain, x)) {
			X509_free(x);
			sk_X509_pop_free(chain, X509_free);
			return cs_error_errno(err, -ENOMEM, "notation");
		}
	}
	*ret = chain;
	return 0;
}

/* --- the protected header --- */

static const char *const known_crit[] = {
	"io.cncf.notary.signingScheme",
	"io.cncf.notary.authenticSigningTime",
	"io.cncf.notary.expiry",
};

static int check_protected(json_t *h, time_t now, struct cs_notation_verified *out,
			   struct cs_error *err)
{
	static const char *const algs[] = { "PS256", "PS384", "PS512", "ES256", "ES384", "ES512" };
	const char *alg = get_str(h, "alg"), *scheme, *when, *expiry;
	json_t *crit = json_object_get(h, "crit"), *c;
	bool scheme_crit = false, known = false;
	time_t t;
	size_t i;

	if (!alg)
		return cs_error_set(err, -CS_E_INPUT, "notation envelope: no alg header");
	for (i = 0; i < CS_ARRAY_SIZE(algs) && !known; i++)
		known = !strcmp(alg, algs[i]);
	if (!known)
		return cs_error_set(
			err, -CS_E_UNSUPPORTED,
			"notation envelope: alg '%.32s' is not a Notary Project algorithm", alg);
	if (!get_str(h, "cty") || strcmp(get_str(h, "cty"), CS_NOTATION_PAYLOAD_TYPE))
		return cs_error_set(err, -CS_E_INPUT, "notation envelope: cty is not '%s'",
				    CS_NOTATION_PAYLOAD_TYPE);
	scheme = get_str(h, "io.cncf.notary.signingScheme");
	if (!scheme ||
	    (strcmp(scheme, "notary.x509") && strcmp(scheme, "notary.x509.signingAuthority")))
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "notation envelope: signing scheme '%.64s' is not supported",
				    scheme ? scheme : "(none)");
	if (!json_is_array(crit))
		return cs_error_set(err, -CS_E_INPUT, "notation envelope: no crit header");
	json_array_foreach (crit, i, c) {
		const char *name = json_string_value(c);
		bool ok = false;

		if (!name)
			return cs_error_set(err, -CS_E_INPUT,
					    "notation envelope: crit is not strings");
		for (size_t k = 0; k < CS_ARRAY_SIZE(known_crit) && !ok; k++)
			ok = !strcmp(name, known_crit[k]);
		if (!ok)
			return cs_error_set(err, -CS_E_UNSUPPORTED,
					    "notation envelope: critical header '%.64s' is not "
					    "supported",
					    name);
		if (!json_object_get(h, name))
			return cs_error_set(err, -CS_E_INPUT,
					    "notation envelope: critical header '%.64s' is missing",
					    name);
		scheme_crit |= !strcmp(name, "io.cncf.notary.signingScheme");
	}
	if (!scheme_crit)
		return cs_error_set(
			err, -CS_E_INPUT,
			"notation envelope: io.cncf.notary.signingScheme is not critical");
	when = !strcmp(scheme, "notary.x509") ? get_str(h, "io.cncf.notary.signingTime")
					      : get_str(h, "io.cncf.notary.authenticSigningTime");
	if (!when || parse_time(when, &t) < 0)
		return cs_error_set(err, -CS_E_INPUT, "notation envelope: no valid signing time");
	expiry = get_str(h, "io.cncf.notary.expiry");
	if (json_object_get(h, "io.cncf.notary.expiry")) {
		bool expiry_crit = false;

		json_array_foreach (crit, i, c)
			expiry_crit |= !strcmp(json_string_value(c), "io.cncf.notary.expiry");
		if (!expiry || parse_time(expiry, &t) < 0 || !expiry_crit)
			return cs_error_set(err, -CS_E_INPUT,
					    "notation envelope: invalid expiry header");
		if (now > t)
			return cs_error_set(err, -CS_E_AUTH,
					    "notation: the signature expired at %s", expiry);
	}
	out->alg = cs_strdup(alg);
	out->scheme = cs_strdup(scheme);
	out->signing_time = cs_strdup(when);
	out->expiry = expiry ? cs_strdup(expiry) : NULL;
	if (!out->alg || !out->scheme || !out->signing_time || (expiry && !out->expiry))
		return cs_error_errno(err, -ENOMEM, "notation");
	return 0;
}

static int check_payload(json_t *p, const char *digest, const struct cs_notation_options *o,
			 struct cs_notation_verified *out, struct cs_error *err)
{
	json_t *t = json_object_get(p, "targetArtifact");
	const char *d = get_str(t, "digest"), *mt = get_str(t, "mediaType");
	json_t *size = json_object_get(t, "size");

	if (!json_is_object(t) || !d || !mt || !json_is_integer(size))
		return cs_error_set(err, -CS_E_INPUT,
				    "notation payload: targetArtifact needs mediaType, digest and "
				    "size");
	if (strcmp(d, digest))
		return cs_error_set(err, -CS_E_AUTH,
				    "notation: the signature is for %.80s, not for %s", d, digest);
	if (o && o->media_type && strcmp(mt, o->media_type))
		return cs_error_set(err, -CS_E_AUTH,
				    "notation: the signed media type %.80s is not %s", mt,
				    o->media_type);
	if (o && o->size >= 0 && json_integer_value(size) != o->size)
		return cs_error_set(err, -CS_E_AUTH, "notation: the signed size %lld is not %lld",
				    (long long)json_integer_value(size), (long long)o->size);
	out->target_digest = cs_strdup(d);
	out->target_media_type = cs_strdup(mt);
	if (!out->target_digest || !out->target_media_type)
		return cs_error_errno(err, -ENOMEM, "notation");
	return 0;
}

int cs_notation_verify(const void *envelope, size_t n, const char *digest,
		       const struct cs_notation_trust *trust, const struct cs_notation_options *o,
		       struct cs_notation_verified *out, struct cs_error *err)
{
	struct cs_notation_verified v = { 0 };
	json_t *env = NULL, *prot = NULL, *payload = NULL, *hdr;
	STACK_OF(X509) *chain = NULL;
	_cleanup_free_ unsigned char *sig = NULL;
	_cleanup_free_ char *input = NULL;
	const char *pb64, *prb64, *sb64, *key;
	time_t now = o && o->now ? o->now : time(NULL);
	json_error_t jerr;
	size_t sig_len = 0;
	json_t *val;
	int r;

	if (n > CS_NOTATION_ENVELOPE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "notation envelope larger than %u bytes",
				    CS_NOTATION_ENVELOPE_MAX);
	env = json_loadb(envelope, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(env)) {
		r = cs_error_set(err, -CS_E_INPUT, "notation envelope: not a JSON object");
		goto out;
	}
	json_object_foreach (env, key, val)
		if (strcmp(key, "payload") && strcmp(key, "protected") && strcmp(key, "header") &&
		    strcmp(key, "signature")) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "notation envelope: unexpected member '%.64s'", key);
			goto out;
		}
	pb64 = get_str(env, "payload");
	prb64 = get_str(env, "protected");
	sb64 = get_str(env, "signature");
	hdr = json_object_get(env, "header");
	if (!pb64 || !prb64 || !sb64 || !json_is_object(hdr)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "notation envelope: needs payload, protected, header and "
				 "signature (flattened JWS JSON)");
		goto out;
	}
	prot = decode_json(prb64, HEADER_MAX, "the protected header", NULL, err);
	if (!prot) {
		r = err->code ? err->code : -CS_E_INPUT;
		goto out;
	}
	payload = decode_json(pb64, CS_NOTATION_ENVELOPE_MAX, "the payload", &v.payload, err);
	if (!payload) {
		r = err->code ? err->code : -CS_E_INPUT;
		goto out;
	}
	if (b64_decode(sb64, true, 4096, &sig, &sig_len) < 0) {
		r = cs_error_set(err, -CS_E_INPUT, "notation envelope: signature is not base64url");
		goto out;
	}
	r = check_protected(prot, now, &v, err);
	if (r < 0)
		goto out;
	r = load_chain(json_object_get(hdr, "x5c"), &chain, err);
	if (r < 0)
		goto out;
	{
		X509 *leaf = sk_X509_value(chain, 0);
		EVP_PKEY *k = X509_get0_pubkey(leaf);
		const char *want = k ? alg_for_key(k) : NULL;

		if (!want || strcmp(want, v.alg)) {
			r = cs_error_set(err, -CS_E_AUTH,
					 "notation: alg %s does not fit the signing key (%s)",
					 v.alg, want ? want : "unsupported key");
			goto out;
		}
		input = cs_asprintf("%s.%s", prb64, pb64);
		if (!input) {
			r = cs_error_errno(err, -ENOMEM, "notation");
			goto out;
		}
		r = verify_sig(k, v.alg, input, strlen(input), sig, sig_len);
		if (r == -ENOMEM) {
			cs_error_errno(err, r, "notation");
			goto out;
		}
		if (r < 0) {
			r = cs_error_set(err, -CS_E_AUTH,
					 "notation: the signature does not verify");
			goto out;
		}
		v.subject = name_string(X509_get_subject_name(leaf));
		v.issuer = name_string(X509_get_issuer_name(leaf));
		if (!v.subject || !v.issuer) {
			r = cs_error_errno(err, -ENOMEM, "notation");
			goto out;
		}
	}
	r = chain_verify(chain, trust, now, err);
	if (r < 0)
		goto out;
	if (o && o->identity && strcmp(o->identity, v.subject)) {
		r = cs_error_set(err, -CS_E_AUTH, "notation: signed by '%.200s', not by '%.200s'",
				 v.subject, o->identity);
		goto out;
	}
	r = check_payload(payload, digest, o, &v, err);
out:
	sk_X509_pop_free(chain, X509_free);
	json_decref(env);
	json_decref(prot);
	json_decref(payload);
	if (r < 0) {
		cs_notation_verified_done(&v);
		return r;
	}
	*out = v;
	return 0;
}
