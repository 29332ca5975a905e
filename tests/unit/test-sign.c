/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sign/: cosign key files (ours, and envelopes built field by field to hit
 * every error), simple-signing payloads against the bytes cosign and
 * containers/image wrote in the shared fixtures, sign/verify round trips,
 * and the Rekor bundle checks against the fixture signed by Rekor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "sign/cosign.h"
#include "sign/key.h"

static char fixture[4096];

static const char *fx(const char *rel)
{
	const char *shared = getenv("CUSTOMS_SHARED");

	snprintf(fixture, sizeof(fixture), "%s/signing/cosign-containers-image/%s",
		 shared ? shared : "../shared/data", rel);
	return fixture;
}

static struct cs_pubkey *load_pub(const char *rel)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkey *k = NULL;

	assert_int_equal(cs_pubkey_load(fx(rel), &k, &err), 0);
	return k;
}

static char tmpdir[] = "/tmp/test-sign.XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* PEM-wrap an envelope we write by hand, to reach each parser error. */
static char *pem_wrap(const char *label, const char *body, size_t *ret_len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p = NULL, *copy;
	long len;

	assert_non_null(bio);
	assert_true(PEM_write_bio(bio, label, "", (const unsigned char *)body, (long)strlen(body)) >
		    0);
	len = BIO_get_mem_data(bio, &p);
	copy = cs_memdup(p, (size_t)len + 1);
	copy[len] = '\0';
	*ret_len = (size_t)len;
	BIO_free(bio);
	return copy;
}

static int parse_envelope(const char *label, const char *body, const char *pw, struct cs_error *err)
{
	struct cs_privkey *k = NULL;
	size_t len = 0;
	char *pem = pem_wrap(label, body, &len);
	int r = cs_privkey_parse(pem, len, pw, "test.key", &k, err);

	cs_privkey_free(k);
	free(pem);
	return r;
}

/* The envelope (JSON) inside one of our key files. */
static char *envelope_of(const char *pem, size_t n)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)n);
	char *name = NULL, *header = NULL, *out;
	unsigned char *data = NULL;
	long len = 0;

	assert_true(PEM_read_bio(bio, &name, &header, &data, &len) == 1);
	assert_string_equal(name, CS_PEM_SIGSTORE_PRIVATE);
	out = cs_strndup((const char *)data, (size_t)len);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	return out;
}

static void test_keygen_files(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	char prefix[256], path[300];
	struct cs_privkey *k = NULL;
	struct cs_pubkey *pub = NULL, *derived = NULL;
	struct stat st;

	(void)state;
	snprintf(prefix, sizeof(prefix), "%s/mykey", tmpdir);
	assert_int_equal(cs_keygen_files(prefix, "correct horse", false, &err), 0);
	snprintf(path, sizeof(path), "%s.key", prefix);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* no overwrite without force, and the existing files are untouched */
	assert_int_equal(cs_keygen_files(prefix, "other", false, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "exists"));
	assert_int_equal(cs_privkey_load(path, "correct horse", &k, &err), 0);
	/* a wrong password is its own error */
	assert_int_equal(cs_privkey_load(path, "correct horsf", &k, &err), -CS_E_AUTH);
	assert_non_null(strstr(err.msg, "wrong password"));
	assert_int_equal(cs_privkey_load(path, "", &k, &err), -CS_E_AUTH);
	snprintf(path, sizeof(path), "%s.pub", prefix);
	assert_int_equal(cs_pubkey_load(path, &pub, &err), 0);
	assert_int_equal(cs_privkey_public(k, &derived, &err), 0);
	assert_true(cs_pubkey_equal(pub, derived));
	/* --force replaces both with a new pair */
	assert_int_equal(cs_keygen_files(prefix, "", true, &err), 0);
	cs_pubkey_free(pub);
	pub = NULL;
	assert_int_equal(cs_pubkey_load(path, &pub, &err), 0);
	assert_false(cs_pubkey_equal(pub, derived));
	cs_privkey_free(k);
	k = NULL;
	/* the empty password is a password, as in cosign */
	snprintf(path, sizeof(path), "%s.key", prefix);
	assert_int_equal(cs_privkey_load(path, "", &k, &err), 0);
	cs_privkey_free(k);
	cs_pubkey_free(pub);
	cs_pubkey_free(derived);
}

static void test_key_layout(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf pem = CS_BUF_INIT(CS_KEY_FILE_MAX);
	struct cs_privkey *k = NULL;
	char *env;
	json_t *j;
	const char *p;

	(void)state;
	assert_int_equal(cs_keypair_generate(&k, &err), 0);
	assert_int_equal(cs_privkey_write_encrypted(k, "pw", &pem, &err), 0);
	assert_true(!strncmp(pem.data, "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n", 47));
	env = envelope_of(pem.data, pem.len);
	/* go-securesystemslib's exact field order and Go's compact JSON */
	p = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},\"salt\":\"";
	assert_true(!strncmp(env, p, strlen(p)));
	p = env + strlen(p);
	assert_int_equal(
		strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
		44); /* 32 bytes */
	p += 44;
	assert_true(!strncmp(p, "\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"", 46));
	p += 46;
	assert_int_equal(
		strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
		32); /* 24 bytes */
	p += 32;
	assert_true(!strncmp(p, "\"},\"ciphertext\":\"", 17));
	assert_int_equal(env[strlen(env) - 1], '}');
	assert_int_equal(env[strlen(env) - 2], '"');
	j = json_loads(env, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 3);
	json_decref(j);
	/* the old label reads too */
	{
		struct cs_privkey *k2 = NULL;
		size_t len = 0;
		char *old = pem_wrap(CS_PEM_COSIGN_PRIVATE, env, &len);

		assert_int_equal(cs_privkey_parse(old, len, "pw", "old.key", &k2, &err), 0);
		cs_privkey_free(k2);
		free(old);
	}
	free(env);
	cs_buf_done(&pem);
	cs_privkey_free(k);
}

static void test_key_errors(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_privkey *k = NULL;
	struct cs_pubkey *pub = NULL;
	static const char salt[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	static const char nonce[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	char body[1024];

	(void)state;
	/* not PEM at all, and a PEM whose base64 is broken */
	assert_int_equal(cs_privkey_parse("hello", 5, "", "x.key", &k, &err), -CS_E_INPUT);
	assert_string_equal(err.msg, "'x.key' is not a PEM file");
	{
		static const char bad[] = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
					  "eyJr!!!!ZGYi\n"
					  "-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
		assert_int_equal(cs_privkey_parse(bad, sizeof(bad) - 1, "", "x.key", &k, &err),
				 -CS_E_INPUT);
	}
	/* a public key is not a private key */
	{
		char *data = NULL;
		size_t len = 0;

		assert_int_equal(
			cs_sign_read_file(AT_FDCWD, fx("cosign.pub"), 4096, &data, &len, &err), 0);
		assert_int_equal(cs_privkey_parse(data, len, "", "cosign.pub", &k, &err),
				 -CS_E_UNSUPPORTED);
		assert_non_null(strstr(err.msg, "not a cosign encrypted private key"));
		free(data);
	}
	/* JSON */
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, "{\"kdf\":", "", &err),
			 -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "not JSON"));
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, "[1]", "", &err), -CS_E_INPUT);
	/* KDF and cipher names */
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"pbkdf2\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"%s\"},"
		 "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		 salt, nonce);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err),
			 -CS_E_UNSUPPORTED);
	/* scrypt bounds are checked before scrypt runs */
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":4194304,\"r\":8,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"%s\"},"
		 "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		 salt, nonce);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "N=4194304"));
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1048576,\"r\":32,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"%s\"},"
		 "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		 salt, nonce);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "MiB"));
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1000,\"r\":8,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"%s\"},"
		 "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		 salt, nonce);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "power of two"));
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1024,\"r\":-8,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"%s\"},"
		 "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		 salt, nonce);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err), -CS_E_INPUT);
	/* base64 of a field, and a nonce of the wrong size */
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1024,\"r\":8,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"%s\"},"
		 "\"ciphertext\":\"not base64!\"}",
		 salt, nonce);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "'ciphertext' is not valid base64"));
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1024,\"r\":8,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"AAAA\"},"
		 "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		 salt);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "nonce"));
	/* well-formed, but the box does not open: wrong password or corruption */
	snprintf(body, sizeof(body),
		 "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":1024,\"r\":8,\"p\":1},"
		 "\"salt\":\"%s\"},\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"%s\"},"
		 "\"ciphertext\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		 salt, nonce);
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, body, "", &err), -CS_E_AUTH);
	/* public keys: a private key PEM, garbage, and the real thing */
	assert_int_equal(cs_pubkey_parse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC "
					 "KEY-----\n",
					 51, "p.pub", &pub, &err),
			 -CS_E_INPUT);
	pub = load_pub("rekor.pub");
	{
		char id[65];

		assert_int_equal(cs_pubkey_id(pub, id, &err), 0);
		assert_string_equal(
			id, "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d");
	}
	cs_pubkey_free(pub);
}

/* A key we wrote, with a byte of its ciphertext flipped, is refused. */
static void test_key_tampered(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf pem = CS_BUF_INIT(CS_KEY_FILE_MAX);
	struct cs_privkey *k = NULL;
	char *env, *ct;

	(void)state;
	assert_int_equal(cs_keypair_generate(&k, &err), 0);
	assert_int_equal(cs_privkey_write_encrypted(k, "pw", &pem, &err), 0);
	cs_privkey_free(k);
	k = NULL;
	env = envelope_of(pem.data, pem.len);
	ct = strstr(env, "\"ciphertext\":\"") + 14;
	ct[5] = ct[5] == 'A' ? 'B' : 'A';
	assert_int_equal(parse_envelope(CS_PEM_SIGSTORE_PRIVATE, env, "pw", &err), -CS_E_AUTH);
	free(env);
	cs_buf_done(&pem);
}

/* The payload of a fixture signature file, decoded. */
static void fixture_payload(const char *rel, struct cs_cosign_sig *s)
{
	struct cs_error err = CS_ERROR_INIT;

	assert_int_equal(cs_cosign_sig_file_read(fx(rel), s, &err), 0);
}

static void test_payload_bytes(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf b = CS_BUF_INIT(1u << 20);
	struct cs_cosign_sig s = { 0 };
	struct cs_simple_signing p = { 0 };
	static const char dig[] =
		"sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00";

	(void)state;
	/* cosign's own payload, byte for byte */
	fixture_payload("dir-img-cosign-valid/signature-1", &s);
	assert_int_equal(cs_simple_signing_payload("192.168.64.2:5000/cosign-signed-single-sample",
						   dig, NULL, &b, &err),
			 0);
	assert_int_equal(b.len, s.payload_len);
	assert_memory_equal(b.data, s.payload, b.len);
	cs_cosign_sig_done(&s);
	/* containers/image's, with annotations given in another key order */
	cs_buf_reset(&b);
	fixture_payload("dir-img-cosign-valid-with-tag/signature-1", &s);
	assert_int_equal(
		cs_simple_signing_payload(
			"192.168.64.2:5000/skopeo-signed:tag", dig,
			"{\"timestamp\":1657296609,\"creator\":\"containers/image 5.21.2-dev\"}",
			&b, &err),
		0);
	assert_int_equal(b.len, s.payload_len);
	assert_memory_equal(b.data, s.payload, b.len);
	cs_cosign_sig_done(&s);
	/* Go's escaping */
	cs_buf_reset(&b);
	assert_int_equal(cs_simple_signing_payload(
				 "r/a<b>&c", dig,
				 "{\"z\":[true,null,1.5],\"a\":\"\\u2028\\n\\u0001\"}", &b, &err),
			 0);
	assert_non_null(strstr(b.data, "\"docker-reference\":\"r/a\\u003cb\\u003e\\u0026c\""));
	assert_non_null(strstr(
		b.data, "\"optional\":{\"a\":\"\\u2028\\n\\u0001\",\"z\":[true,null,1.5]}}"));
	/* numbers as Go prints a float64 */
	{
		struct cs_buf n = CS_BUF_INIT(4096);

		assert_int_equal(
			cs_simple_signing_payload(
				"r", dig,
				"{\"a\":1e21,\"b\":1e-7,\"c\":0.000001,\"d\":1152921504606846976,"
				"\"e\":-1.5,\"f\":100,\"g\":0.1,\"h\":123.456e5,\"i\":0}",
				&n, &err),
			0);
		assert_non_null(strstr(n.data,
				       "\"optional\":{\"a\":1e+21,\"b\":1e-7,\"c\":0.000001,"
				       "\"d\":1152921504606847000,\"e\":-1.5,\"f\":100,"
				       "\"g\":0.1,\"h\":12345600,\"i\":0}}"));
		cs_buf_done(&n);
	}
	/* and it parses back */
	assert_int_equal(cs_simple_signing_parse(b.data, b.len, &p, &err), 0);
	assert_string_equal(p.docker_reference, "r/a<b>&c");
	assert_string_equal(p.digest, dig);
	assert_non_null(p.optional);
	cs_simple_signing_done(&p);
	/* bad inputs */
	assert_int_equal(cs_simple_signing_payload("r", "sha256:abc", NULL, &b, &err), -CS_E_INPUT);
	assert_int_equal(cs_simple_signing_payload("r", dig, "[1]", &b, &err), -CS_E_INPUT);
	assert_int_equal(cs_simple_signing_payload("r", dig, "{\"a\":1,\"a\":2}", &b, &err),
			 -CS_E_INPUT);
	{
		static const char wrongtype[] =
			"{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{"
			"\"docker-manifest-digest\":\"sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fc"
			"a12f6831de8ddc45e5986a00\"},\"type\":\"atomic container signature\"},"
			"\"optional\":null}";
		static const char baddigest[] =
			"{\"critical\":{\"identity\":{\"docker-reference\":\"r\"},\"image\":{"
			"\"docker-manifest-digest\":\"sha256:634A\"},\"type\":\"cosign container "
			"image signature\"},\"optional\":null}";
		assert_int_equal(
			cs_simple_signing_parse(wrongtype, sizeof(wrongtype) - 1, &p, &err),
			-CS_E_INPUT);
		assert_non_null(strstr(err.msg, "type"));
		assert_int_equal(
			cs_simple_signing_parse(baddigest, sizeof(baddigest) - 1, &p, &err),
			-CS_E_INPUT);
	}
	cs_buf_done(&b);
}

static void test_sign_verify_roundtrip(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf b = CS_BUF_INIT(1u << 20);
	struct cs_privkey *k = NULL;
	struct cs_pubkey *pub = NULL;
	struct cs_pubkeys keys, other;
	struct cs_cosign_sig s = { 0 };
	struct cs_cosign_verified v;
	char digest[CS_DIGEST_STR_MAX];
	static const char dig[] =
		"sha256:1111111111111111111111111111111111111111111111111111111111111111";

	(void)state;
	cs_pubkeys_init(&keys);
	cs_pubkeys_init(&other);
	assert_int_equal(cs_keypair_generate(&k, &err), 0);
	assert_int_equal(cs_privkey_public(k, &pub, &err), 0);
	/* a fixture key first: the second key is the one that verifies */
	assert_int_equal(cs_pubkeys_add(&keys, load_pub("cosign.pub")), 0);
	assert_int_equal(cs_pubkeys_add(&keys, pub), 0);
	assert_int_equal(cs_pubkeys_add(&other, load_pub("cosign2.pub")), 0);
	assert_int_equal(
		cs_simple_signing_payload("example.com/app", dig, "{\"env\":\"prod\"}", &b, &err),
		0);
	s.name = cs_strdup("roundtrip");
	s.payload = cs_memdup(b.data, b.len);
	s.payload_len = b.len;
	assert_int_equal(cs_cosign_sign_payload(k, s.payload, s.payload_len, &s.signature, &err),
			 0);
	assert_int_equal(cs_sha256_digest(s.payload, s.payload_len, digest), 0);
	s.layer_digest = cs_strdup(digest);
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, NULL, &v, &err), 0);
	assert_int_equal(v.key_index, 1);
	assert_false(v.tlog);
	assert_string_equal(v.payload.docker_reference, "example.com/app");
	assert_string_equal(v.payload.optional, "{\"env\":\"prod\"}");
	cs_buf_reset(&b);
	assert_int_equal(cs_cosign_verified_json(&s, &v, &keys, &b), 0);
	assert_non_null(strstr(b.data, "\"verification\":{\"signature\":\"roundtrip\""));
	cs_cosign_verified_done(&v);
	/* another image, another key, a tlog required */
	assert_int_equal(
		cs_cosign_verify(
			&s,
			"sha256:2222222222222222222222222222222222222222222222222222222222222222",
			&keys, NULL, &v, &err),
		-CS_E_DIGEST);
	assert_int_equal(cs_cosign_verify(&s, dig, &other, NULL, &v, &err), -CS_E_AUTH);
	assert_non_null(strstr(err.msg, "cosign2.pub"));
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, other.v[0], &v, &err), -CS_E_AUTH);
	assert_non_null(strstr(err.msg, "Rekor bundle"));
	/* a payload that is not the layer's */
	s.payload[10] ^= 1;
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, NULL, &v, &err), -CS_E_DIGEST);
	free(s.layer_digest);
	s.layer_digest = NULL;
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, NULL, &v, &err), -CS_E_AUTH);
	s.payload[10] ^= 1;
	/* a signature that is not base64 */
	free(s.signature);
	s.signature = cs_strdup("MEUC!!");
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, NULL, &v, &err), -CS_E_INPUT);
	cs_cosign_sig_done(&s);
	cs_pubkeys_done(&keys);
	cs_pubkeys_done(&other);
	cs_privkey_free(k);
	cs_buf_done(&b);
}

static void verify_dir(const char *rel, const char *key, const char *rekor, int want,
		       struct cs_cosign_verified *v)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkeys keys;
	struct cs_pubkey *rk = rekor ? load_pub(rekor) : NULL;
	struct cs_cosign_sig *sigs = NULL;
	size_t n = 0, other = 0;
	char digest[CS_DIGEST_STR_MAX];
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", fx(rel));
	cs_pubkeys_init(&keys);
	assert_int_equal(cs_pubkeys_add(&keys, load_pub(key)), 0);
	assert_int_equal(cs_cosign_dir_read(dir, digest, &sigs, &n, &other, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(other, 0);
	assert_int_equal(cs_cosign_verify(&sigs[0], digest, &keys, rk, v, &err), want);
	cs_cosign_sigs_free(sigs, n);
	cs_pubkeys_done(&keys);
	cs_pubkey_free(rk);
}

static void test_fixtures(void **state)
{
	struct cs_cosign_verified v;

	(void)state;
	verify_dir("dir-img-cosign-valid", "cosign.pub", NULL, 0, &v);
	cs_cosign_verified_done(&v);
	verify_dir("dir-img-cosign-valid-with-tag", "cosign.pub", NULL, 0, &v);
	assert_string_equal(v.payload.docker_reference, "192.168.64.2:5000/skopeo-signed:tag");
	cs_cosign_verified_done(&v);
	verify_dir("dir-img-cosign-valid", "cosign2.pub", NULL, -CS_E_AUTH, &v);
	verify_dir("dir-img-cosign-modified-manifest", "cosign.pub", NULL, -CS_E_DIGEST, &v);
	verify_dir("dir-img-cosign-manifest-digest-error", "cosign.pub", NULL, -CS_E_DIGEST, &v);
	verify_dir("dir-img-cosign-key-rekor-valid", "cosign2.pub", NULL, 0, &v);
	assert_false(v.tlog);
	cs_cosign_verified_done(&v);
	verify_dir("dir-img-cosign-key-rekor-valid", "cosign2.pub", "rekor.pub", 0, &v);
	assert_true(v.tlog);
	assert_int_equal(v.integrated_time, 1674251859);
	assert_int_equal(v.log_index, 11608800);
	cs_cosign_verified_done(&v);
	verify_dir("dir-img-cosign-key-rekor-valid", "cosign2.pub", "cosign.pub", -CS_E_AUTH, &v);
	verify_dir("dir-img-cosign-valid", "cosign.pub", "rekor.pub", -CS_E_AUTH, &v);
}

/* The Rekor bundle of the fixture, altered one field at a time. */
static void test_rekor_bundle(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cosign_sig s = { 0 };
	struct cs_pubkeys keys;
	struct cs_pubkey *rk = load_pub("rekor.pub");
	struct cs_cosign_verified v;
	struct cs_rekor_bundle rb;
	char *orig;
	json_t *j;
	static const char dig[] =
		"sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a";

	(void)state;
	cs_pubkeys_init(&keys);
	assert_int_equal(cs_pubkeys_add(&keys, load_pub("cosign2.pub")), 0);
	fixture_payload("dir-img-cosign-key-rekor-valid/signature-1", &s);
	orig = s.bundle;
	assert_int_equal(cs_rekor_bundle_parse(orig, s.bundle_len, &rb, &err), 0);
	assert_int_equal(rb.log_index, 11608800);
	cs_rekor_bundle_done(&rb);

	/* integratedTime changed: the SET no longer verifies */
	j = json_loads(orig, 0, NULL);
	json_object_set_new(json_object_get(j, "Payload"), "integratedTime",
			    json_integer(1674251860));
	s.bundle = json_dumps(j, JSON_COMPACT);
	s.bundle_len = strlen(s.bundle);
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, rk, &v, &err), -CS_E_AUTH);
	assert_non_null(strstr(err.msg, "SignedEntryTimestamp does not verify"));
	free(s.bundle);
	json_decref(j);
	/* not JSON, and missing fields */
	s.bundle = cs_strdup("{\"SignedEntryTimestamp\":\"AAAA\"}");
	s.bundle_len = strlen(s.bundle);
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, rk, &v, &err), -CS_E_INPUT);
	free(s.bundle);
	s.bundle = cs_strdup("{\"Signed");
	s.bundle_len = strlen(s.bundle);
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, rk, &v, &err), -CS_E_INPUT);
	free(s.bundle);
	/* the original still verifies */
	s.bundle = orig;
	s.bundle_len = strlen(orig);
	assert_int_equal(cs_cosign_verify(&s, dig, &keys, rk, &v, &err), 0);
	cs_cosign_verified_done(&v);
	cs_cosign_sig_done(&s);
	cs_pubkeys_done(&keys);
	cs_pubkey_free(rk);
}

static void test_sigstore_json(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_cosign_sig s = { 0 };
	static const char nomagic[] = "{\"payload\":\"e30=\",\"annotations\":{}}";
	static const char nosig[] = "\0sigstore-json\n{\"payload\":\"e30=\",\"annotations\":{}}";
	static const char badb64[] = "\0sigstore-json\n{\"payload\":\"e30\",\"annotations\":{"
				     "\"dev.cosignproject.cosign/signature\":\"AAAA\"}}";
	static const char ok[] =
		"\0sigstore-json\n{\"mimeType\":\"x\",\"payload\":\"e30=\","
		"\"annotations\":{\"dev.cosignproject.cosign/signature\":\"AAAA\"}}";

	(void)state;
	assert_int_equal(
		cs_cosign_sig_parse_sigstore_json(nomagic, sizeof(nomagic) - 1, "s", &s, &err),
		-CS_E_INPUT);
	assert_int_equal(cs_cosign_sig_parse_sigstore_json(nosig, sizeof(nosig) - 1, "s", &s, &err),
			 -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "dev.cosignproject.cosign/signature"));
	assert_int_equal(
		cs_cosign_sig_parse_sigstore_json(badb64, sizeof(badb64) - 1, "s", &s, &err),
		-CS_E_INPUT);
	assert_int_equal(cs_cosign_sig_parse_sigstore_json(ok, sizeof(ok) - 1, "s", &s, &err), 0);
	assert_int_equal(s.payload_len, 2);
	assert_memory_equal(s.payload, "{}", 2);
	assert_null(s.bundle);
	cs_cosign_sig_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keygen_files),  cmocka_unit_test(test_key_layout),
		cmocka_unit_test(test_key_errors),    cmocka_unit_test(test_key_tampered),
		cmocka_unit_test(test_payload_bytes), cmocka_unit_test(test_sign_verify_roundtrip),
		cmocka_unit_test(test_fixtures),      cmocka_unit_test(test_rekor_bundle),
		cmocka_unit_test(test_sigstore_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
