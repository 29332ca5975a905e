/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <openssl/evp.h>
#include "alloc.h"
#include "hash.h"

struct cs_hash {
	enum cs_hash_alg alg;
	EVP_MD_CTX *ctx;
};

static const EVP_MD *hash_md(enum cs_hash_alg alg)
{
	return alg == CS_HASH_SHA512 ? EVP_sha512() : EVP_sha256();
}

const char *cs_hash_alg_name(enum cs_hash_alg alg)
{
	return alg == CS_HASH_SHA512 ? "sha512" : "sha256";
}

int cs_hash_new(enum cs_hash_alg alg, struct cs_hash **ret)
{
	struct cs_hash *h = cs_zalloc(sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->alg = alg;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, hash_md(alg), NULL) != 1) {
		cs_hash_free(h);
		return -ENOMEM;
	}
	*ret = h;
	return 0;
}

int cs_hash_update(struct cs_hash *h, const void *p, size_t n)
{
	return EVP_DigestUpdate(h->ctx, p, n) == 1 ? 0 : -CS_E_INTERNAL;
}

int cs_hash_reset(struct cs_hash *h)
{
	return EVP_DigestInit_ex(h->ctx, hash_md(h->alg), NULL) == 1 ? 0 : -CS_E_INTERNAL;
}

int cs_hash_final(struct cs_hash *h, char out[CS_DIGEST_STR_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	size_t o;

	if (EVP_DigestFinal_ex(h->ctx, md, &len) != 1)
		return -CS_E_INTERNAL;
	o = strlen(cs_hash_alg_name(h->alg));
	memcpy(out, cs_hash_alg_name(h->alg), o);
	out[o++] = ':';
	for (unsigned int i = 0; i < len; i++) {
		out[o++] = hex[md[i] >> 4];
		out[o++] = hex[md[i] & 15];
	}
	out[o] = '\0';
	return cs_hash_reset(h);
}

void cs_hash_free(struct cs_hash *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int cs_digest_of(enum cs_hash_alg alg, const void *p, size_t n, char out[CS_DIGEST_STR_MAX])
{
	_cleanup_(cs_hash_freep) struct cs_hash *h = NULL;
	int r;

	r = cs_hash_new(alg, &h);
	if (r < 0)
		return r;
	r = cs_hash_update(h, p, n);
	if (r < 0)
		return r;
	return cs_hash_final(h, out);
}

int cs_sha256_digest(const void *p, size_t n, char out[CS_DIGEST_STR_MAX])
{
	return cs_digest_of(CS_HASH_SHA256, p, n, out);
}

static bool all_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int cs_digest_parse(const char *digest, enum cs_hash_alg *ret_alg, struct cs_error *err)
{
	const char *colon;
	size_t hexlen;

	if (!digest)
		return cs_error_set(err, -CS_E_INPUT, "missing digest");
	colon = strchr(digest, ':');
	if (!colon || colon == digest)
		return cs_error_set(err, -CS_E_INPUT, "invalid digest '%.100s': no algorithm",
				    digest);
	hexlen = strlen(colon + 1);
	if ((size_t)(colon - digest) == 6 && !memcmp(digest, "sha256", 6)) {
		if (hexlen != 64 || !all_lower_hex(colon + 1, hexlen))
			return cs_error_set(err, -CS_E_INPUT,
					    "invalid digest '%.100s': want 64 lowercase hex digits",
					    digest);
		if (ret_alg)
			*ret_alg = CS_HASH_SHA256;
		return 0;
	}
	if ((size_t)(colon - digest) == 6 && !memcmp(digest, "sha512", 6)) {
		if (hexlen != 128 || !all_lower_hex(colon + 1, hexlen))
			return cs_error_set(
				err, -CS_E_INPUT,
				"invalid digest '%.100s': want 128 lowercase hex digits", digest);
		if (ret_alg)
			*ret_alg = CS_HASH_SHA512;
		return 0;
	}
	for (const char *p = digest; p < colon; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("+._-", *p)))
			return cs_error_set(err, -CS_E_INPUT, "invalid digest '%.100s'", digest);
	return cs_error_set(err, -CS_E_UNSUPPORTED, "unsupported digest algorithm in '%.100s'",
			    digest);
}

const char *cs_digest_hex(const char *digest)
{
	const char *c = strchr(digest, ':');

	return c ? c + 1 : digest;
}
