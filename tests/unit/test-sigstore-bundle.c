/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for Sigstore bundles (sign/bundle.h): DSSE and message
 * signature bundles made with real keys, the Rekor SignedEntryTimestamp of
 * a tlog entry, and the ways a hostile bundle must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "sign/attest.h"
#include "sign/bundle.h"
#include "sign/key.h"

static const char manifest[] = "{\"schemaVersion\":2,\"layers\":[]}";

struct fix {
	struct cs_privkey *signer, *other, *rekor;
	struct cs_pubkeys keys, other_keys;
	struct cs_pubkey *rekor_pub, *signer_pub2;
	char digest[CS_DIGEST_STR_MAX];
};

static int setup(void **state)
{
	struct fix *f = cs_new0(struct fix, 1);
	struct cs_pubkey *p;

	assert_non_null(f);
	assert_int_equal(cs_keypair_generate(&f->signer, NULL), 0);
	assert_int_equal(cs_keypair_generate(&f->other, NULL), 0);
	assert_int_equal(cs_keypair_generate(&f->rekor, NULL), 0);
	cs_pubkeys_init(&f->keys);
	cs_pubkeys_init(&f->other_keys);
	assert_int_equal(cs_privkey_public(f->signer, &p, NULL), 0);
	assert_int_equal(cs_pubkeys_add(&f->keys, p), 0);
	assert_int_equal(cs_privkey_public(f->other, &p, NULL), 0);
	assert_int_equal(cs_pubkeys_add(&f->other_keys, p), 0);
	assert_int_equal(cs_privkey_public(f->rekor, &f->rekor_pub, NULL), 0);
	assert_int_equal(cs_sha256_digest(manifest, strlen(manifest), f->digest), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	cs_privkey_free(f->signer);
	cs_privkey_free(f->other);
	cs_privkey_free(f->rekor);
	cs_pubkeys_done(&f->keys);
	cs_pubkeys_done(&f->other_keys);
	cs_pubkey_free(f->rekor_pub);
	free(f);
	return 0;
}

static char *b64(const void *p, size_t n)
{
	struct cs_buf b = CS_BUF_INIT(1u << 20);

	assert_int_equal(cs_sign_b64_encode(p, n, &b), 0);
	assert_int_equal(cs_buf_putc(&b, '\0'), 0);
	return b.data;
}

/* A tlog entry over sig whose SET the rekor key signs (body_sig: the signature the body names). */
static json_t *tlog_entry(struct fix *f, const unsigned char *body_sig, size_t body_sig_len)
{
	char id[65], *sig64 = b64(body_sig, body_sig_len), *body, *body64, *set64, *id64;
	unsigned char idraw[32], *set;
	size_t set_len;
	struct cs_buf canon = CS_BUF_INIT(1u << 20);
	json_t *e;

	assert_int_equal(cs_pubkey_id(f->rekor_pub, id, NULL), 0);
	for (int i = 0; i < 32; i++)
		sscanf(id + 2 * i, "%2hhx", &idraw[i]);
	body = cs_asprintf("{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"signatures\":"
			   "[{\"signature\":\"%s\",\"verifier\":\"\"}]}}",
			   sig64);
	body64 = b64(body, strlen(body));
	assert_int_equal(cs_buf_printf(&canon,
				       "{\"body\":\"%s\",\"integratedTime\":1700000000,\"logID\":"
				       "\"%s\",\"logIndex\":7}",
				       body64, id),
			 0);
	assert_int_equal(cs_privkey_sign(f->rekor, canon.data, canon.len, &set, &set_len, NULL), 0);
	set64 = b64(set, set_len);
	id64 = b64(idraw, 32);
	e = json_pack("{s:s, s:{s:s}, s:{s:s, s:s}, s:s, s:{s:s}, s:s}", "logIndex", "7", "logId",
		      "keyId", id64, "kindVersion", "kind", "dsse", "version", "0.0.1",
		      "integratedTime", "1700000000", "inclusionPromise", "signedEntryTimestamp",
		      set64, "canonicalizedBody", body64);
	assert_non_null(e);
	free(sig64);
	free(body);
	free(body64);
	free(set);
	free(set64);
	free(id64);
	cs_buf_done(&canon);
	return e;
}

/* A DSSE bundle over a statement for subject_digest, signed by k. */
static char *dsse_bundle(struct fix *f, struct cs_privkey *k, const char *subject_digest)
{
	struct cs_buf st = CS_BUF_INIT(1u << 20), env = CS_BUF_INIT(1u << 20);
	struct cs_dsse_envelope e = { 0 };
	json_t *pred = json_object(), *envj, *b;
	char *s;

	assert_int_equal(cs_intoto_statement_build("app", subject_digest,
						   "https://sigstore.dev/cosign/sign/v1", pred, &st,
						   NULL),
			 0);
	assert_int_equal(cs_dsse_sign(k, CS_INTOTO_PAYLOAD_TYPE, st.data, st.len, &env, NULL), 0);
	envj = json_loadb(env.data, env.len, 0, NULL);
	assert_non_null(envj);
	assert_int_equal(cs_dsse_envelope_parse(env.data, env.len, &e, NULL), 0);
	b = json_pack("{s:s, s:{s:{s:s}, s:[o]}, s:o}", "mediaType", CS_SIGSTORE_BUNDLE_V03,
		      "verificationMaterial", "publicKey", "hint", "h", "tlogEntries",
		      tlog_entry(f, e.sigs[0].sig, e.sigs[0].sig_len), "dsseEnvelope", envj);
	assert_non_null(b);
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	json_decref(pred);
	cs_dsse_envelope_done(&e);
	cs_buf_done(&st);
	cs_buf_done(&env);
	return s;
}

static char *message_bundle(struct fix *f, struct cs_privkey *k, const char *msg)
{
	unsigned char *sig, md[32];
	size_t sig_len;
	char hex[CS_DIGEST_STR_MAX], *sig64, *md64, *s;
	json_t *b;

	assert_int_equal(cs_privkey_sign(k, msg, strlen(msg), &sig, &sig_len, NULL), 0);
	assert_int_equal(cs_sha256_digest(msg, strlen(msg), hex), 0);
	for (int i = 0; i < 32; i++)
		sscanf(hex + 7 + 2 * i, "%2hhx", &md[i]);
	sig64 = b64(sig, sig_len);
	md64 = b64(md, 32);
	b = json_pack("{s:s, s:{s:{}, s:[o]}, s:{s:{s:s, s:s}, s:s}}", "mediaType",
		      CS_SIGSTORE_BUNDLE_V03, "verificationMaterial", "publicKey", "tlogEntries",
		      tlog_entry(f, sig, sig_len), "messageSignature", "messageDigest", "algorithm",
		      "SHA2_256", "digest", md64, "signature", sig64);
	assert_non_null(b);
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	free(sig);
	free(sig64);
	free(md64);
	return s;
}

static int verify(struct fix *f, const char *bundle, const struct cs_pubkeys *keys,
		  const struct cs_pubkey *rekor, struct cs_bundle_verified *v)
{
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_sigstore_bundle_verify(bundle, strlen(bundle), f->digest, manifest,
					  strlen(manifest), keys, rekor, v, &err);

	if (r < 0)
		assert_true(err.msg[0] != '\0');
	return r;
}

static void test_dsse(void **state)
{
	struct fix *f = *state;
	struct cs_bundle_verified v = { 0 };
	struct cs_sigstore_bundle b = { 0 };
	char *s = dsse_bundle(f, f->signer, f->digest);

	assert_int_equal(cs_sigstore_bundle_parse(s, strlen(s), &b, NULL), 0);
	assert_int_equal(b.material, CS_BUNDLE_PUBLIC_KEY);
	assert_string_equal(b.key_hint, "h");
	assert_int_equal(b.n_tlog, 1);
	assert_int_equal(b.tlog[0].log_index, 7);
	assert_int_equal(b.tlog[0].integrated_time, 1700000000);
	assert_string_equal(b.tlog[0].kind, "dsse");
	assert_non_null(b.dsse);
	cs_sigstore_bundle_done(&b);

	assert_int_equal(verify(f, s, &f->keys, NULL, &v), 0);
	assert_string_equal(v.predicate_type, "https://sigstore.dev/cosign/sign/v1");
	assert_false(v.tlog);
	cs_bundle_verified_done(&v);
	assert_int_equal(verify(f, s, &f->keys, f->rekor_pub, &v), 0);
	assert_true(v.tlog);
	assert_int_equal(v.log_index, 7);
	cs_bundle_verified_done(&v);
	assert_int_equal(verify(f, s, &f->other_keys, NULL, &v), -CS_E_AUTH);
	/* the SET must be the given log's */
	assert_int_equal(verify(f, s, &f->keys, f->keys.v[0], &v), -CS_E_AUTH);
	free(s);

	s = dsse_bundle(f, f->signer,
			"sha256:0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(verify(f, s, &f->keys, NULL, &v), -CS_E_DIGEST);
	free(s);
}

static void test_message(void **state)
{
	struct fix *f = *state;
	struct cs_bundle_verified v = { 0 };
	char *s = message_bundle(f, f->signer, manifest);

	assert_int_equal(verify(f, s, &f->keys, f->rekor_pub, &v), 0);
	assert_null(v.predicate_type);
	assert_true(v.tlog);
	cs_bundle_verified_done(&v);
	assert_int_equal(verify(f, s, &f->other_keys, NULL, &v), -CS_E_AUTH);
	free(s);
	s = message_bundle(f, f->signer, "another message");
	assert_int_equal(verify(f, s, &f->keys, NULL, &v), -CS_E_DIGEST);
	free(s);
}

static void test_tlog_body_must_name_signature(void **state)
{
	struct fix *f = *state;
	struct cs_bundle_verified v = { 0 };
	char *s = dsse_bundle(f, f->signer, f->digest);
	json_t *b = json_loads(s, 0, NULL), *e;
	unsigned char other[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

	assert_non_null(b);
	/* a valid SET over a body naming another signature */
	e = tlog_entry(f, other, sizeof(other));
	json_array_set_new(
		json_object_get(json_object_get(b, "verificationMaterial"), "tlogEntries"), 0, e);
	free(s);
	s = json_dumps(b, JSON_COMPACT);
	assert_int_equal(verify(f, s, &f->keys, NULL, &v), 0);
	cs_bundle_verified_done(&v);
	assert_int_equal(verify(f, s, &f->keys, f->rekor_pub, &v), -CS_E_AUTH);
	/* no entry at all, with a Rekor key */
	json_object_del(json_object_get(b, "verificationMaterial"), "tlogEntries");
	free(s);
	s = json_dumps(b, JSON_COMPACT);
	assert_int_equal(verify(f, s, &f->keys, f->rekor_pub, &v), -CS_E_AUTH);
	free(s);
	json_decref(b);
}

static void test_hostile(void **state)
{
	static const struct {
		const char *json;
		int code;
	} cases[] = {
		{ "", -CS_E_INPUT },
		{ "[]", -CS_E_INPUT },
		{ "{\"mediaType\":\"x\"}", -CS_E_UNSUPPORTED },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03 "\"}", -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03 "\",\"mediaType\":\"x\"}",
		  -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{\"publicKey\":{}}}",
		  -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{\"publicKey\":{}},\"dsseEnvelope\":{},"
		  "\"messageSignature\":{}}",
		  -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{},\"dsseEnvelope\":{}}",
		  -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{\"publicKey\":{}},\"messageSignature\":{"
		  "\"messageDigest\":{\"algorithm\":\"SHA2_512\",\"digest\":\"\"},\"signature\":\"\"}}",
		  -CS_E_UNSUPPORTED },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{\"publicKey\":{}},\"messageSignature\":{"
		  "\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\"AAAA\"},\"signature\":"
		  "\"AAAA\"}}",
		  -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{\"publicKey\":{},\"tlogEntries\":[{\"logIndex\":\"-1\","
		  "\"integratedTime\":\"1\",\"logId\":{\"keyId\":\"\"}}]},\"dsseEnvelope\":{}}",
		  -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{\"publicKey\":{},\"tlogEntries\":[{\"logIndex\":\"1\","
		  "\"integratedTime\":\"1\",\"logId\":{\"keyId\":\"!!\"}}]},\"dsseEnvelope\":{}}",
		  -CS_E_INPUT },
		{ "{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
		  "\",\"verificationMaterial\":{\"publicKey\":{},\"tlogEntries\":{}},\"dsseEnvelope\":{}}",
		  -CS_E_INPUT },
	};
	struct fix *f = *state;
	struct cs_bundle_verified v = { 0 };
	struct cs_sigstore_bundle b = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cs_error err = CS_ERROR_INIT;
		int r = cs_sigstore_bundle_parse(cases[i].json, strlen(cases[i].json), &b, &err);

		if (r != cases[i].code)
			fail_msg("case %zu: %d (%s), want %d", i, r, err.msg, cases[i].code);
		assert_true(err.msg[0] != '\0');
	}
	/* too many tlog entries */
	{
		struct cs_buf s = CS_BUF_INIT(1u << 20);
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_buf_printf(&s,
					       "{\"mediaType\":\"%s\",\"verificationMaterial\":{"
					       "\"publicKey\":{},\"tlogEntries\":[",
					       CS_SIGSTORE_BUNDLE_V03),
				 0);
		for (int i = 0; i <= CS_SIGSTORE_TLOG_ENTRIES_MAX; i++)
			assert_int_equal(cs_buf_puts(&s, i ? ",{}" : "{}"), 0);
		assert_int_equal(cs_buf_puts(&s, "]},\"dsseEnvelope\":{}}"), 0);
		assert_int_equal(cs_sigstore_bundle_parse(s.data, s.len, &b, &err), -CS_E_LIMIT);
		cs_buf_done(&s);
	}
	/* a certificate that is not DER X.509: parsed, refused at verification */
	{
		const char *c =
			"{\"mediaType\":\"" CS_SIGSTORE_BUNDLE_V03
			"\",\"verificationMaterial\":{\"certificate\":{\"rawBytes\":\"MAA=\"}},"
			"\"dsseEnvelope\":{}}";
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_sigstore_bundle_verify(c, strlen(c), f->digest, NULL, 0,
							   &f->keys, NULL, &v, &err),
				 -CS_E_INPUT);
		assert_non_null(strstr(err.msg, "not a DER X.509 certificate"));
	}
}

/* A self-signed certificate (DER, base64) for a new key; *pub is that key. */
static char *make_cert(struct cs_pubkey **pub, EVP_PKEY **ret_key)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	BIO *bio = BIO_new(BIO_s_mem());
	unsigned char *der = NULL;
	char *pem, *s;
	long pem_len;
	int der_len;

	assert_non_null(k);
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	assert_int_equal(X509_set_pubkey(x, k), 1);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	der_len = i2d_X509(x, &der);
	assert_true(der_len > 0);
	s = b64(der, (size_t)der_len);
	assert_int_equal(PEM_write_bio_PUBKEY(bio, k), 1);
	pem_len = BIO_get_mem_data(bio, &pem);
	assert_int_equal(cs_pubkey_parse(pem, (size_t)pem_len, "cert key", pub, NULL), 0);
	OPENSSL_free(der);
	BIO_free(bio);
	X509_free(x);
	*ret_key = k;
	return s;
}

static void test_certificate_key(void **state)
{
	struct fix *f = *state;
	struct cs_bundle_verified v = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkey *cert_pub;
	struct cs_pubkeys keys;
	EVP_PKEY *k;
	char *cert64 = make_cert(&cert_pub, &k), *s;
	unsigned char *sig = NULL, md[32];
	size_t sig_len = 0;
	char hex[CS_DIGEST_STR_MAX], *sig64, *md64;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	json_t *b;

	/* a message signature by the certificate's key */
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(ctx, NULL, &sig_len, (const unsigned char *)manifest,
					strlen(manifest)),
			 1);
	sig = malloc(sig_len);
	assert_non_null(sig);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)manifest,
					strlen(manifest)),
			 1);
	assert_int_equal(cs_sha256_digest(manifest, strlen(manifest), hex), 0);
	for (int i = 0; i < 32; i++)
		sscanf(hex + 7 + 2 * i, "%2hhx", &md[i]);
	sig64 = b64(sig, sig_len);
	md64 = b64(md, 32);
	b = json_pack("{s:s, s:{s:{s:[{s:s}]}}, s:{s:{s:s, s:s}, s:s}}", "mediaType",
		      CS_SIGSTORE_BUNDLE_V03, "verificationMaterial", "x509CertificateChain",
		      "certificates", "rawBytes", cert64, "messageSignature", "messageDigest",
		      "algorithm", "SHA2_256", "digest", md64, "signature", sig64);
	assert_non_null(b);
	s = json_dumps(b, JSON_COMPACT);
	/* the certificate's key is none of the given keys: keyless, refused */
	assert_int_equal(cs_sigstore_bundle_verify(s, strlen(s), f->digest, manifest,
						   strlen(manifest), &f->keys, NULL, &v, &err),
			 -CS_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "keyless certificates are not supported"));
	/* given as the second key: it verifies, and that key is reported */
	cs_pubkeys_init(&keys);
	assert_int_equal(cs_pubkeys_add(&keys, f->other_keys.v[0]), 0);
	assert_int_equal(cs_pubkeys_add(&keys, cert_pub), 0);
	assert_int_equal(cs_sigstore_bundle_verify(s, strlen(s), f->digest, manifest,
						   strlen(manifest), &keys, NULL, &v, &err),
			 0);
	assert_int_equal(v.key_index, 1);
	cs_bundle_verified_done(&v);
	keys.v[0] = NULL; /* owned by the fixture */
	cs_pubkeys_done(&keys);
	json_decref(b);
	free(s);
	free(sig);
	free(sig64);
	free(md64);
	free(cert64);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsse),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_tlog_body_must_name_signature),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_certificate_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
