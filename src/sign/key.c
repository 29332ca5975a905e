/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cosign key files: ECDSA P-256 through OpenSSL 3, the encrypted private
 * key envelope (go-securesystemslib's "encrypted" package format: scrypt +
 * nacl/secretbox) through libsodium. A key file is hostile input: its size
 * and scrypt parameters are bounded before scrypt runs, so a file cannot
 * make us allocate gigabytes or spin for minutes.
 *
 * Never prints, never prompts.
 */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>
#include "basic/alloc.h"
#include "sign/key.h"

struct cs_privkey {
	EVP_PKEY *pkey;
};

struct cs_pubkey {
	EVP_PKEY *pkey;
	char *name;
	/* computed once: Rekor entries and log IDs are compared against them */
	unsigned char *der; /* SubjectPublicKeyInfo */
	size_t der_len;
	char id[65]; /* hex sha256 of der */
};

/* the KDF cosign writes (go-securesystemslib's "Legacy" strength) */
#define WRITE_SCRYPT_N 32768
#define WRITE_SCRYPT_R 8
#define WRITE_SCRYPT_P 1
#define SALT_LEN       32
#define KEY_DER_MAX    (16u << 10)

static int sodium_ready(struct cs_error *err)
{
	/* sodium_init is idempotent and thread-safe; 1 means already done */
	if (sodium_init() < 0)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot initialise libsodium");
	return 0;
}

void cs_pubkeys_init(struct cs_pubkeys *ks)
{
	memset(ks, 0, sizeof(*ks));
}

int cs_pubkeys_add(struct cs_pubkeys *ks, struct cs_pubkey *k)
{
	if (CS_GROW(ks->v, ks->cap, ks->n + 1) < 0) {
		cs_pubkey_free(k);
		return -ENOMEM;
	}
	ks->v[ks->n++] = k;
	return 0;
}

void cs_pubkeys_done(struct cs_pubkeys *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		cs_pubkey_free(ks->v[i]);
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}

/* ---- base64 (libsodium: strict, constant-time) ---- */

int cs_sign_b64_decode(const char *s, size_t n, bool ignore_ws, size_t max, const char *what,
		       unsigned char **ret, size_t *ret_len, struct cs_error *err)
{
	_cleanup_free_ unsigned char *out = NULL;
	size_t cap = n / 4 * 3 + 3, len = 0;
	const char *end = NULL;
	int r;

	r = sodium_ready(err);
	if (r < 0)
		return r;
	if (n == 0)
		return cs_error_set(err, -CS_E_INPUT, "%s is empty", what);
	if (cap > max + 3)
		return cs_error_set(err, -CS_E_LIMIT, "%s is larger than %zu bytes", what, max);
	out = cs_malloc(cap);
	if (!out)
		return -ENOMEM;
	if (sodium_base642bin(out, cap, s, n, ignore_ws ? " \t\r\n" : NULL, &len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != s + n)
		return cs_error_set(err, -CS_E_INPUT, "%s is not valid base64", what);
	if (len > max)
		return cs_error_set(err, -CS_E_LIMIT, "%s is larger than %zu bytes", what, max);
	*ret = CS_TAKE_PTR(out);
	*ret_len = len;
	return 0;
}

int cs_sign_b64_encode(const void *p, size_t n, struct cs_buf *out)
{
	size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	_cleanup_free_ char *s = NULL;

	if (sodium_init() < 0)
		return -CS_E_INTERNAL;
	s = cs_malloc(need);
	if (!s)
		return -ENOMEM;
	sodium_bin2base64(s, need, p, n, sodium_base64_VARIANT_ORIGINAL);
	return cs_buf_puts(out, s);
}

/* ---- OpenSSL helpers ---- */

static bool is_p256(EVP_PKEY *pkey)
{
	char group[64];
	size_t glen = 0;

	if (!EVP_PKEY_is_a(pkey, "EC"))
		return false;
	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					    &glen))
		return false;
	return !strcmp(group, "prime256v1") || !strcmp(group, "P-256");
}

int cs_sign_read_file(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len,
		      struct cs_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0)
		return cs_error_errno(err, errno, "cannot stat '%s'", path);
	if (!S_ISREG(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a regular file", path);
	buf = cs_malloc(max + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t k = read(fd, buf + len, max + 1 - len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return cs_error_errno(err, errno, "cannot read '%s'", path);
		}
		if (k == 0)
			break;
		len += (size_t)k;
		if (len > max)
			return cs_error_set(err, -CS_E_LIMIT, "'%s' is larger than %zu bytes", path,
					    max);
	}
	buf[len] = '\0';
	*ret = CS_TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

/*
 * One PEM block: its label and decoded bytes. OpenSSL's PEM reader does the
 * framing and base64 (headers such as Proc-Type are refused: cosign writes
 * none and we decrypt ourselves).
 */
static int pem_decode(const void *pem, size_t n, const char *name, char **ret_label,
		      unsigned char **ret_data, size_t *ret_len, struct cs_error *err)
{
	BIO *bio;
	char *label = NULL, *header = NULL;
	unsigned char *data = NULL;
	long len = 0;
	int ok;

	if (n > CS_KEY_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "'%s' is larger than %u bytes", name,
				    CS_KEY_FILE_MAX);
	bio = BIO_new_mem_buf(pem, (int)n);
	if (!bio)
		return -ENOMEM;
	ok = PEM_read_bio(bio, &label, &header, &data, &len);
	BIO_free(bio);
	if (!ok || len <= 0) {
		OPENSSL_free(label);
		OPENSSL_free(header);
		OPENSSL_free(data);
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a PEM file", name);
	}
	if (header && header[0]) {
		OPENSSL_free(label);
		OPENSSL_free(header);
		OPENSSL_free(data);
		return cs_error_set(err, -CS_E_INPUT, "'%s': unexpected PEM headers", name);
	}
	OPENSSL_free(header);
	*ret_label = cs_strdup(label);
	*ret_data = cs_memdup(data, (size_t)len);
	*ret_len = (size_t)len;
	OPENSSL_cleanse(data, (size_t)len);
	OPENSSL_free(label);
	OPENSSL_free(data);
	if (!*ret_label || !*ret_data) {
		free(*ret_label);
		free(*ret_data);
		return -ENOMEM;
	}
	return 0;
}

/* ---- the encrypted envelope ---- */

static int json_b64_field(json_t *obj, const char *key, size_t max, const char *name,
			  unsigned char **ret, size_t *ret_len, struct cs_error *err)
{
	json_t *v = json_object_get(obj, key);
	char what[128];

	if (!json_is_string(v))
		return cs_error_set(err, -CS_E_INPUT, "'%s': encrypted key has no string '%s'",
				    name, key);
	snprintf(what, sizeof(what), "'%s': field '%s'", name, key);
	return cs_sign_b64_decode(json_string_value(v), json_string_length(v), false, max, what,
				  ret, ret_len, err);
}

static int json_param(json_t *params, const char *key, uint64_t max, const char *name,
		      uint64_t *ret, struct cs_error *err)
{
	json_t *v = json_object_get(params, key);

	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return cs_error_set(err, -CS_E_INPUT,
				    "'%s': scrypt parameter '%s' is not a positive integer", name,
				    key);
	if ((uint64_t)json_integer_value(v) > max)
		return cs_error_set(err, -CS_E_LIMIT,
				    "'%s': scrypt parameter %s=%lld is above the limit %llu", name,
				    key, (long long)json_integer_value(v), (unsigned long long)max);
	*ret = (uint64_t)json_integer_value(v);
	return 0;
}

/* Decrypt the envelope (JSON text) into the plaintext (PKCS#8 DER). */
static int envelope_open(const unsigned char *env, size_t env_len, const char *password,
			 const char *name, unsigned char **ret, size_t *ret_len,
			 struct cs_error *err)
{
	json_t *root, *kdf, *params, *cipher;
	json_error_t jerr;
	_cleanup_free_ unsigned char *salt = NULL, *nonce = NULL, *ct = NULL;
	size_t salt_len = 0, nonce_len = 0, ct_len = 0;
	uint64_t N = 0, r = 0, p = 0;
	unsigned char key[crypto_secretbox_KEYBYTES];
	unsigned char *pt = NULL;
	int rc;

	root = json_loadb((const char *)env, env_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "'%s': encrypted key is not JSON: %s", name,
				    jerr.text);
	kdf = json_object_get(root, "kdf");
	cipher = json_object_get(root, "cipher");
	params = json_object_get(kdf, "params");
	if (!json_is_object(root) || !json_is_object(kdf) || !json_is_object(cipher) ||
	    !json_is_object(params)) {
		rc = cs_error_set(err, -CS_E_INPUT,
				  "'%s': encrypted key lacks the kdf, params or cipher object",
				  name);
		goto out;
	}
	if (!json_is_string(json_object_get(kdf, "name")) ||
	    strcmp(json_string_value(json_object_get(kdf, "name")), "scrypt")) {
		rc = cs_error_set(err, -CS_E_UNSUPPORTED, "'%s': key derivation is not scrypt",
				  name);
		goto out;
	}
	if (!json_is_string(json_object_get(cipher, "name")) ||
	    strcmp(json_string_value(json_object_get(cipher, "name")), "nacl/secretbox")) {
		rc = cs_error_set(err, -CS_E_UNSUPPORTED, "'%s': cipher is not nacl/secretbox",
				  name);
		goto out;
	}
	rc = json_param(params, "N", (uint64_t)1 << CS_SCRYPT_MAX_LOG_N, name, &N, err);
	if (rc >= 0)
		rc = json_param(params, "r", CS_SCRYPT_MAX_R, name, &r, err);
	if (rc >= 0)
		rc = json_param(params, "p", CS_SCRYPT_MAX_P, name, &p, err);
	if (rc < 0)
		goto out;
	if (N < 2 || (N & (N - 1))) {
		rc = cs_error_set(err, -CS_E_INPUT,
				  "'%s': scrypt parameter N=%llu is not a power of two", name,
				  (unsigned long long)N);
		goto out;
	}
	if (128 * N * r > CS_SCRYPT_MAX_MEM) {
		rc = cs_error_set(err, -CS_E_LIMIT,
				  "'%s': scrypt parameters N=%llu r=%llu need more than %u MiB",
				  name, (unsigned long long)N, (unsigned long long)r,
				  CS_SCRYPT_MAX_MEM >> 20);
		goto out;
	}
	rc = json_b64_field(kdf, "salt", 1024, name, &salt, &salt_len, err);
	if (rc >= 0)
		rc = json_b64_field(cipher, "nonce", 64, name, &nonce, &nonce_len, err);
	if (rc >= 0)
		rc = json_b64_field(root, "ciphertext", KEY_DER_MAX, name, &ct, &ct_len, err);
	if (rc < 0)
		goto out;
	if (nonce_len != crypto_secretbox_NONCEBYTES) {
		rc = cs_error_set(err, -CS_E_INPUT, "'%s': nonce is %zu bytes, not %d", name,
				  nonce_len, crypto_secretbox_NONCEBYTES);
		goto out;
	}
	if (ct_len <= crypto_secretbox_MACBYTES) {
		rc = cs_error_set(err, -CS_E_INPUT, "'%s': ciphertext is too short", name);
		goto out;
	}
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)password, strlen(password), salt,
						  salt_len, N, (uint32_t)r, (uint32_t)p, key,
						  sizeof(key)) != 0) {
		rc = cs_error_set(err, -ENOMEM, "'%s': scrypt failed (N=%llu r=%llu p=%llu)", name,
				  (unsigned long long)N, (unsigned long long)r,
				  (unsigned long long)p);
		goto out;
	}
	pt = cs_malloc(ct_len - crypto_secretbox_MACBYTES);
	if (!pt) {
		rc = -ENOMEM;
		goto out;
	}
	if (crypto_secretbox_open_easy(pt, ct, ct_len, nonce, key) != 0) {
		free(pt);
		rc = cs_error_set(err, -CS_E_AUTH,
				  "cannot decrypt '%s': wrong password (or a corrupted key)", name);
		goto out;
	}
	*ret = pt;
	*ret_len = ct_len - crypto_secretbox_MACBYTES;
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	json_decref(root);
	return rc;
}

int cs_privkey_parse(const void *pem, size_t n, const char *password, const char *name,
		     struct cs_privkey **ret, struct cs_error *err)
{
	_cleanup_free_ char *label = NULL;
	unsigned char *env = NULL, *der = NULL;
	size_t env_len = 0, der_len = 0;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *pkey = NULL;
	const unsigned char *q;
	struct cs_privkey *k;
	int r;

	r = sodium_ready(err);
	if (r < 0)
		return r;
	r = pem_decode(pem, n, name, &label, &env, &env_len, err);
	if (r < 0)
		return r;
	if (strcmp(label, CS_PEM_SIGSTORE_PRIVATE) && strcmp(label, CS_PEM_COSIGN_PRIVATE)) {
		free(env);
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "'%s' is a '%s' PEM, not a cosign encrypted private key", name,
				    label);
	}
	r = envelope_open(env, env_len, password ? password : "", name, &der, &der_len, err);
	free(env);
	if (r < 0)
		return r;
	q = der;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, (long)der_len);
	if (p8 && q == der + der_len)
		pkey = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);
	sodium_memzero(der, der_len);
	free(der);
	if (!pkey)
		return cs_error_set(err, -CS_E_INPUT, "'%s': decrypted key is not PKCS#8", name);
	if (!is_p256(pkey)) {
		EVP_PKEY_free(pkey);
		return cs_error_set(err, -CS_E_UNSUPPORTED, "'%s' is not an ECDSA P-256 key", name);
	}
	k = cs_new0(struct cs_privkey, 1);
	if (!k) {
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	k->pkey = pkey;
	*ret = k;
	return 0;
}

int cs_privkey_load(const char *path, const char *password, struct cs_privkey **ret,
		    struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	r = cs_sign_read_file(AT_FDCWD, path, CS_KEY_FILE_MAX, &data, &len, err);
	if (r < 0)
		return r;
	r = cs_privkey_parse(data, len, password, path, ret, err);
	sodium_memzero(data, len);
	return r;
}

int cs_keypair_generate(struct cs_privkey **ret, struct cs_error *err)
{
	struct cs_privkey *k;
	EVP_PKEY *pkey = EVP_EC_gen("P-256");

	if (!pkey)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot generate an ECDSA P-256 key");
	k = cs_new0(struct cs_privkey, 1);
	if (!k) {
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	k->pkey = pkey;
	*ret = k;
	return 0;
}

void cs_privkey_free(struct cs_privkey *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

static int pem_encode(const char *label, const void *data, size_t n, struct cs_buf *out)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p = NULL;
	long len;
	int r;

	if (!bio)
		return -ENOMEM;
	if (PEM_write_bio(bio, label, "", data, (long)n) <= 0) {
		BIO_free(bio);
		return -CS_E_INTERNAL;
	}
	len = BIO_get_mem_data(bio, &p);
	r = len > 0 ? cs_buf_append(out, p, (size_t)len) : -CS_E_INTERNAL;
	BIO_free(bio);
	return r;
}

int cs_privkey_write_encrypted(const struct cs_privkey *k, const char *password, struct cs_buf *out,
			       struct cs_error *err)
{
	PKCS8_PRIV_KEY_INFO *p8;
	unsigned char *der = NULL, *ct = NULL;
	unsigned char salt[SALT_LEN], nonce[crypto_secretbox_NONCEBYTES];
	unsigned char key[crypto_secretbox_KEYBYTES];
	struct cs_buf env = CS_BUF_INIT(64u << 10);
	int der_len, r;

	r = sodium_ready(err);
	if (r < 0)
		return r;
	if (!password)
		password = "";
	p8 = EVP_PKEY2PKCS8(k->pkey);
	if (!p8)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot encode the key as PKCS#8");
	der_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (der_len <= 0)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot encode the key as PKCS#8");
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)password, strlen(password), salt,
						  sizeof(salt), WRITE_SCRYPT_N, WRITE_SCRYPT_R,
						  WRITE_SCRYPT_P, key, sizeof(key)) != 0) {
		r = cs_error_set(err, -ENOMEM, "scrypt failed");
		goto out;
	}
	ct = cs_malloc((size_t)der_len + crypto_secretbox_MACBYTES);
	if (!ct) {
		r = -ENOMEM;
		goto out;
	}
	crypto_secretbox_easy(ct, der, (unsigned long long)der_len, nonce, key);
	/* go-securesystemslib's field order, Go's compact encoding */
	r = cs_buf_printf(&env,
			  "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":%d,\"r\":%d,\"p\":%d},"
			  "\"salt\":\"",
			  WRITE_SCRYPT_N, WRITE_SCRYPT_R, WRITE_SCRYPT_P);
	if (r >= 0)
		r = cs_sign_b64_encode(salt, sizeof(salt), &env);
	if (r >= 0)
		r = cs_buf_puts(&env, "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"");
	if (r >= 0)
		r = cs_sign_b64_encode(nonce, sizeof(nonce), &env);
	if (r >= 0)
		r = cs_buf_puts(&env, "\"},\"ciphertext\":\"");
	if (r >= 0)
		r = cs_sign_b64_encode(ct, (size_t)der_len + crypto_secretbox_MACBYTES, &env);
	if (r >= 0)
		r = cs_buf_puts(&env, "\"}");
	if (r >= 0)
		r = pem_encode(CS_PEM_SIGSTORE_PRIVATE, env.data, env.len, out);
	if (r < 0 && r != -ENOMEM)
		r = cs_error_set(err, r, "cannot encode the encrypted key");
out:
	sodium_memzero(key, sizeof(key));
	OPENSSL_clear_free(der, (size_t)der_len);
	free(ct);
	cs_buf_done(&env);
	return r;
}

static int pubkey_new(EVP_PKEY *pkey, const char *name, struct cs_pubkey **ret)
{
	struct cs_pubkey *k = cs_new0(struct cs_pubkey, 1);
	unsigned char *der = NULL, md[32];
	int len;

	if (!k || !(k->name = cs_strdup(name ? name : "key"))) {
		free(k);
		EVP_PKEY_free(pkey);
		return -ENOMEM;
	}
	k->pkey = pkey;
	len = i2d_PUBKEY(pkey, &der);
	if (len <= 0 || !(k->der = cs_memdup(der, (size_t)len)) ||
	    !EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL)) {
		OPENSSL_free(der);
		cs_pubkey_free(k);
		return -CS_E_INTERNAL;
	}
	OPENSSL_free(der);
	k->der_len = (size_t)len;
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(k->id + 2 * i, 3, "%02x", md[i]);
	*ret = k;
	return 0;
}

int cs_privkey_public(const struct cs_privkey *k, struct cs_pubkey **ret, struct cs_error *err)
{
	unsigned char *der = NULL;
	const unsigned char *q;
	EVP_PKEY *pub;
	int len;

	len = i2d_PUBKEY(k->pkey, &der);
	if (len <= 0)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot encode the public key");
	q = der;
	pub = d2i_PUBKEY(NULL, &q, len);
	OPENSSL_free(der);
	if (!pub)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot decode the public key");
	return pubkey_new(pub, "generated key", ret);
}

int cs_privkey_sign(const struct cs_privkey *k, const void *data, size_t n, unsigned char **ret_sig,
		    size_t *ret_len, struct cs_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t len = 0;
	int r = -CS_E_INTERNAL;

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &len, data, n) != 1)
		goto out;
	sig = cs_malloc(len);
	if (!sig) {
		r = -ENOMEM;
		goto out;
	}
	if (EVP_DigestSign(ctx, sig, &len, data, n) != 1) {
		free(sig);
		goto out;
	}
	*ret_sig = sig;
	*ret_len = len;
	r = 0;
out:
	EVP_MD_CTX_free(ctx);
	if (r == -CS_E_INTERNAL)
		cs_error_set(err, r, "cannot sign: ECDSA signing failed");
	return r;
}

/* ---- public keys ---- */

int cs_pubkey_parse(const void *pem, size_t n, const char *name, struct cs_pubkey **ret,
		    struct cs_error *err)
{
	_cleanup_free_ char *label = NULL;
	_cleanup_free_ unsigned char *der = NULL;
	const unsigned char *q;
	size_t len = 0;
	EVP_PKEY *pkey;
	int r;

	if (!name)
		name = "public key";
	r = pem_decode(pem, n, name, &label, &der, &len, err);
	if (r < 0)
		return r;
	if (strcmp(label, "PUBLIC KEY"))
		return cs_error_set(err, -CS_E_INPUT, "'%s' is a '%s' PEM, not a PUBLIC KEY", name,
				    label);
	q = der;
	pkey = d2i_PUBKEY(NULL, &q, (long)len);
	if (!pkey || q != der + len) {
		EVP_PKEY_free(pkey);
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a valid public key", name);
	}
	if (!is_p256(pkey)) {
		EVP_PKEY_free(pkey);
		return cs_error_set(err, -CS_E_UNSUPPORTED, "'%s' is not an ECDSA P-256 key", name);
	}
	return pubkey_new(pkey, name, ret);
}

int cs_pubkey_load(const char *path, struct cs_pubkey **ret, struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	r = cs_sign_read_file(AT_FDCWD, path, CS_KEY_FILE_MAX, &data, &len, err);
	if (r < 0)
		return r;
	return cs_pubkey_parse(data, len, path, ret, err);
}

int cs_pubkey_der(const struct cs_pubkey *k, struct cs_buf *out, struct cs_error *err)
{
	(void)err;
	return cs_buf_append(out, k->der, k->der_len);
}

int cs_pubkey_write_pem(const struct cs_pubkey *k, struct cs_buf *out, struct cs_error *err)
{
	struct cs_buf der = CS_BUF_INIT(KEY_DER_MAX);
	int r = cs_pubkey_der(k, &der, err);

	if (r >= 0)
		r = pem_encode("PUBLIC KEY", der.data, der.len, out);
	cs_buf_done(&der);
	return r;
}

int cs_pubkey_id(const struct cs_pubkey *k, char out[65], struct cs_error *err)
{
	(void)err;
	memcpy(out, k->id, sizeof(k->id));
	return 0;
}

bool cs_pubkey_equal(const struct cs_pubkey *a, const struct cs_pubkey *b)
{
	return EVP_PKEY_eq(a->pkey, b->pkey) == 1;
}

int cs_pubkey_pem_matches(const struct cs_pubkey *k, const void *pem, size_t n, const char *name,
			  struct cs_error *err)
{
	_cleanup_free_ char *label = NULL;
	_cleanup_free_ unsigned char *der = NULL;
	_cleanup_(cs_pubkey_freep) struct cs_pubkey *other = NULL;
	size_t len = 0;
	int r;

	r = pem_decode(pem, n, name, &label, &der, &len, err);
	if (r < 0)
		return r;
	/* the common case, and cheap: the same encoding of the same key */
	if (!strcmp(label, "PUBLIC KEY") && len == k->der_len && !memcmp(der, k->der, len))
		return 1;
	r = cs_pubkey_parse(pem, n, name, &other, err);
	if (r < 0)
		return r;
	return cs_pubkey_equal(k, other) ? 1 : 0;
}

const char *cs_pubkey_name(const struct cs_pubkey *k)
{
	return k->name;
}

int cs_pubkey_verify(const struct cs_pubkey *k, const void *data, size_t n, const void *sig,
		     size_t sig_len, const char *what, struct cs_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return -ENOMEM;
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1) {
		EVP_MD_CTX_free(ctx);
		return cs_error_set(err, -CS_E_INTERNAL, "cannot verify with '%s'", k->name);
	}
	ok = EVP_DigestVerify(ctx, sig, sig_len, data, n);
	EVP_MD_CTX_free(ctx);
	if (ok != 1)
		return cs_error_set(err, -CS_E_AUTH, "%s does not verify with key '%s'", what,
				    k->name);
	return 0;
}

void cs_pubkey_free(struct cs_pubkey *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->name);
	free(k->der);
	free(k);
}

/* ---- files ---- */

int cs_sign_write_file(const char *path, const void *data, size_t n, unsigned mode, bool overwrite,
		       struct cs_error *err)
{
	_cleanup_free_ char *dup = NULL, *tmp = NULL;
	_cleanup_close_ int fd = -1;
	const char *dir, *base;
	size_t off = 0;
	int r;

	dup = cs_strdup(path);
	if (!dup)
		return -ENOMEM;
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	dir = dirname(dup);
	if (!*base)
		return cs_error_set(err, -CS_E_USAGE, "'%s' is not a file name", path);
	tmp = cs_asprintf("%s/.%s.XXXXXX", dir, base);
	if (!tmp)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot create a file beside '%s'", path);
	if (fchmod(fd, mode) < 0) {
		r = cs_error_errno(err, errno, "cannot set the mode of '%s'", tmp);
		goto fail;
	}
	while (off < n) {
		ssize_t k = write(fd, (const char *)data + off, n - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = cs_error_errno(err, k < 0 ? errno : EIO, "cannot write '%s'", tmp);
			goto fail;
		}
		off += (size_t)k;
	}
	if (fsync(fd) < 0) {
		r = cs_error_errno(err, errno, "cannot write '%s'", tmp);
		goto fail;
	}
	if (overwrite) {
		if (rename(tmp, path) < 0) {
			r = cs_error_errno(err, errno, "cannot rename '%s' to '%s'", tmp, path);
			goto fail;
		}
	} else {
		/* link() refuses an existing name atomically, unlike rename() */
		if (link(tmp, path) < 0) {
			r = errno == EEXIST
				    ? cs_error_set(err, -EEXIST,
						   "'%s' exists (use --force to replace it)", path)
				    : cs_error_errno(err, errno, "cannot create '%s'", path);
			goto fail;
		}
		unlink(tmp);
	}
	return 0;
fail:
	unlink(tmp);
	return r;
}

int cs_keygen_files(const char *prefix, const char *password, bool overwrite, struct cs_error *err)
{
	_cleanup_free_ char *kpath = NULL, *ppath = NULL;
	_cleanup_(cs_privkey_freep) struct cs_privkey *k = NULL;
	_cleanup_(cs_pubkey_freep) struct cs_pubkey *pub = NULL;
	struct cs_buf kpem = CS_BUF_INIT(CS_KEY_FILE_MAX), ppem = CS_BUF_INIT(CS_KEY_FILE_MAX);
	struct stat st;
	int r;

	kpath = cs_asprintf("%s.key", prefix);
	ppath = cs_asprintf("%s.pub", prefix);
	if (!kpath || !ppath)
		return -ENOMEM;
	if (!overwrite) {
		if (lstat(kpath, &st) == 0)
			return cs_error_set(err, -EEXIST, "'%s' exists (use --force to replace it)",
					    kpath);
		if (lstat(ppath, &st) == 0)
			return cs_error_set(err, -EEXIST, "'%s' exists (use --force to replace it)",
					    ppath);
	}
	r = cs_keypair_generate(&k, err);
	if (r >= 0)
		r = cs_privkey_write_encrypted(k, password, &kpem, err);
	if (r >= 0)
		r = cs_privkey_public(k, &pub, err);
	if (r >= 0)
		r = cs_pubkey_write_pem(pub, &ppem, err);
	if (r >= 0)
		r = cs_sign_write_file(kpath, kpem.data, kpem.len, 0600, overwrite, err);
	if (r >= 0) {
		r = cs_sign_write_file(ppath, ppem.data, ppem.len, 0644, overwrite, err);
		if (r < 0)
			unlink(kpath);
	}
	if (kpem.data)
		sodium_memzero(kpem.data, kpem.len);
	cs_buf_done(&kpem);
	cs_buf_done(&ppem);
	return r;
}
