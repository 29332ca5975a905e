/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for attestations (DSSE, in-toto) and the cosign attachment
 * manifests: known answers from the DSSE spec, round trips with real keys,
 * and the ways a hostile envelope or manifest must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "registry/registry.h"
#include "sign/attest.h"
#include "sign/remote.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_pae(void **state)
{
	struct cs_buf b = CS_BUF_INIT(1024);

	(void)state;
	/* the DSSE specification's example */
	assert_int_equal(cs_dsse_pae("http://example.com/HelloWorld", "hello world", 11, &b), 0);
	assert_int_equal(b.len, strlen("DSSEv1 29 http://example.com/HelloWorld 11 hello world"));
	assert_memory_equal(b.data, "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
			    b.len);
	cs_buf_reset(&b);
	assert_int_equal(cs_dsse_pae("", "", 0, &b), 0);
	assert_memory_equal(b.data, "DSSEv1 0  0 ", b.len);
	cs_buf_done(&b);
}

static void test_predicate_types(void **state)
{
	(void)state;
	assert_string_equal(cs_attest_predicate_type("cyclonedx"), "https://cyclonedx.org/bom");
	assert_string_equal(cs_attest_predicate_type("spdx"), "https://spdx.dev/Document");
	assert_string_equal(cs_attest_predicate_type("vuln"),
			    "https://cosign.sigstore.dev/attestation/vuln/v1");
	assert_string_equal(cs_attest_predicate_type("custom"),
			    "https://cosign.sigstore.dev/attestation/v1");
	assert_string_equal(cs_attest_predicate_type("https://example.com/p/v1"),
			    "https://example.com/p/v1");
	assert_null(cs_attest_predicate_type("sbom"));
	assert_null(cs_attest_predicate_type("https://"));
	assert_null(cs_attest_predicate_type("https://a b"));
	assert_null(cs_attest_predicate_type("ftp://x"));
}

static void test_referrers_tag(void **state)
{
	char *t;

	(void)state;
	t = cs_registry_referrers_tag(DIGEST);
	assert_string_equal(t, "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
			       "abcdef");
	free(t);
	assert_null(cs_registry_referrers_tag("nocolon"));
	/* the token scope a pushing client asks for */
	t = cs_registry_scope_push("team/app");
	assert_string_equal(t, "repository:team/app:pull,push");
	free(t);
}

/* A key pair, the private half and a set holding the public half. */
static void keypair(struct cs_privkey **priv, struct cs_pubkeys *keys)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkey *pub = NULL;

	assert_int_equal(cs_keypair_generate(priv, &err), 0);
	assert_int_equal(cs_privkey_public(*priv, &pub, &err), 0);
	cs_pubkeys_init(keys);
	assert_int_equal(cs_pubkeys_add(keys, pub), 0);
}

static void make_envelope(struct cs_privkey *k, const char *digest, const char *type,
			  struct cs_buf *env)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_buf st = CS_BUF_INIT(1u << 20);
	json_t *pred = json_pack("{s:s, s:[]}", "bomFormat", "CycloneDX", "components");

	assert_int_equal(
		cs_intoto_statement_build("127.0.0.1:5000/app", digest, type, pred, &st, &err), 0);
	assert_int_equal(cs_dsse_sign(k, CS_INTOTO_PAYLOAD_TYPE, st.data, st.len, env, &err), 0);
	json_decref(pred);
	cs_buf_done(&st);
}

static void test_round_trip(void **state)
{
	struct cs_privkey *k = NULL, *k2 = NULL;
	struct cs_pubkeys keys, keys2;
	struct cs_buf env = CS_BUF_INIT(1u << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_attestation a = { 0 };
	struct cs_dsse_envelope e = { 0 };

	(void)state;
	keypair(&k, &keys);
	keypair(&k2, &keys2);
	make_envelope(k, DIGEST, CS_PREDICATE_CYCLONEDX, &env);

	/* the envelope's shape */
	assert_int_equal(cs_dsse_envelope_parse(env.data, env.len, &e, &err), 0);
	assert_string_equal(e.payload_type, CS_INTOTO_PAYLOAD_TYPE);
	assert_int_equal(e.n_sigs, 1);
	assert_string_equal(e.sigs[0].keyid, "");
	assert_non_null(strstr((char *)e.payload, "\"_type\":\"https://in-toto.io/Statement/v1\""));
	assert_non_null(strstr((char *)e.payload, "\"sha256\":\"0123456789abcdef"));
	cs_dsse_envelope_done(&e);

	/* verifies, with and without a type filter */
	assert_int_equal(cs_attestation_verify(env.data, env.len, DIGEST, &keys, NULL, &a, &err),
			 0);
	assert_string_equal(a.statement.predicate_type, CS_PREDICATE_CYCLONEDX);
	assert_string_equal(json_string_value(json_object_get(a.statement.predicate, "bomFormat")),
			    "CycloneDX");
	assert_int_equal(a.key_index, 0);
	cs_attestation_done(&a);
	assert_int_equal(cs_attestation_verify(env.data, env.len, DIGEST, &keys,
					       CS_PREDICATE_CYCLONEDX, &a, &err),
			 0);
	cs_attestation_done(&a);

	/* another type is not found; another key does not verify; another image is not the subject
	 */
	assert_int_equal(cs_attestation_verify(env.data, env.len, DIGEST, &keys, CS_PREDICATE_VULN,
					       &a, &err),
			 -CS_E_NOTFOUND);
	assert_int_equal(cs_attestation_verify(env.data, env.len, DIGEST, &keys2, NULL, &a, &err),
			 -CS_E_AUTH);
	assert_int_equal(cs_attestation_verify(env.data, env.len,
					       "sha256:1123456789abcdef0123456789abcdef0123456789ab"
					       "cdef0123456789abcdef",
					       &keys, NULL, &a, &err),
			 -CS_E_DIGEST);
	cs_buf_done(&env);
	cs_privkey_free(k);
	cs_privkey_free(k2);
	cs_pubkeys_done(&keys);
	cs_pubkeys_done(&keys2);
}

/* A payload changed after signing (same signature) must not verify. */
static void test_tampered_payload(void **state)
{
	struct cs_privkey *k = NULL;
	struct cs_pubkeys keys;
	struct cs_buf env = CS_BUF_INIT(1u << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_attestation a = { 0 };
	json_t *root;
	char *s;

	(void)state;
	keypair(&k, &keys);
	make_envelope(k, DIGEST, CS_PREDICATE_CYCLONEDX, &env);
	root = json_loadb(env.data, env.len, 0, NULL);
	assert_non_null(root);
	/* the payload's base64, one character changed */
	{
		char *p = cs_strdup(json_string_value(json_object_get(root, "payload")));

		p[10] = p[10] == 'A' ? 'B' : 'A';
		json_object_set_new(root, "payload", json_string(p));
		free(p);
	}
	s = json_dumps(root, JSON_COMPACT);
	assert_int_equal(cs_attestation_verify(s, strlen(s), DIGEST, &keys, NULL, &a, &err),
			 -CS_E_AUTH);
	free(s);
	/* a payloadType other than in-toto's is refused (PAE binds it) */
	json_object_set_new(root, "payloadType", json_string("application/json"));
	s = json_dumps(root, JSON_COMPACT);
	assert_int_equal(cs_attestation_verify(s, strlen(s), DIGEST, &keys, NULL, &a, &err),
			 -CS_E_INPUT);
	free(s);
	json_decref(root);
	cs_buf_done(&env);
	cs_privkey_free(k);
	cs_pubkeys_done(&keys);
}

static void envelope_refused(const char *json, int code)
{
	struct cs_dsse_envelope e = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_dsse_envelope_parse(json, strlen(json), &e, &err);

	if (r != code)
		fail_msg("'%s': got %d (%s), want %d", json, r, err.msg, code);
	assert_true(err.msg[0] != '\0');
}

static void test_envelope_hostile(void **state)
{
	struct cs_buf b = CS_BUF_INIT(1u << 20);

	(void)state;
	envelope_refused("", -CS_E_INPUT);
	envelope_refused("[]", -CS_E_INPUT);
	envelope_refused("{\"payloadType\":\"t\",\"payload\":\"e30=\"}", -CS_E_INPUT);
	envelope_refused("{\"payloadType\":\"t\",\"payload\":\"e30=\",\"signatures\":[]}",
			 -CS_E_INPUT);
	envelope_refused("{\"payloadType\":\"t\",\"payload\":\"e3!=\",\"signatures\":[{\"sig\":"
			 "\"AA==\"}]}",
			 -CS_E_INPUT);
	envelope_refused(
		"{\"payloadType\":\"t\",\"payload\":\"e30=\",\"signatures\":[{\"sig\":1}]}",
		-CS_E_INPUT);
	envelope_refused("{\"payloadType\":\"t\",\"payloadType\":\"u\",\"payload\":\"e30=\","
			 "\"signatures\":[{\"sig\":\"AA==\"}]}",
			 -CS_E_INPUT);
	/* too many signatures */
	cs_buf_puts(&b, "{\"payloadType\":\"t\",\"payload\":\"e30=\",\"signatures\":[");
	for (int i = 0; i <= CS_DSSE_SIGNATURES_MAX; i++)
		cs_buf_printf(&b, "%s{\"sig\":\"AA==\"}", i ? "," : "");
	cs_buf_puts(&b, "]}");
	cs_buf_putc(&b, '\0');
	envelope_refused(b.data, -CS_E_LIMIT);
	cs_buf_done(&b);
}

static void statement_refused(const char *json, int code)
{
	struct cs_intoto_statement st = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_intoto_statement_parse(json, strlen(json), &st, &err);

	if (r != code)
		fail_msg("'%s': got %d (%s), want %d", json, r, err.msg, code);
}

static void test_statement_parse(void **state)
{
	struct cs_intoto_statement st = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	const char *ok = "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[{\"name\":"
			 "\"a\",\"digest\":{\"sha512\":\"00\"}},{\"name\":\"b\",\"digest\":{"
			 "\"sha256\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
			 "abcdef\"}}],\"predicateType\":\"x\"}";

	(void)state;
	assert_int_equal(cs_intoto_statement_parse(ok, strlen(ok), &st, &err), 0);
	assert_int_equal(st.n_subjects, 2);
	assert_null(st.subjects[0].sha256);
	assert_string_equal(st.subjects[1].name, "b");
	assert_true(json_is_null(st.predicate));
	cs_intoto_statement_done(&st);

	statement_refused("{\"_type\":\"https://in-toto.io/Statement/v2\",\"subject\":[{\"digest\":"
			  "{}}],\"predicateType\":\"x\"}",
			  -CS_E_INPUT);
	statement_refused("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],"
			  "\"predicateType\":\"x\"}",
			  -CS_E_INPUT);
	statement_refused("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":"
			  "\"a\"}],\"predicateType\":\"x\"}",
			  -CS_E_INPUT);
}

static void test_predicate_build(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	json_t *p = NULL;
	const char *scan = "{\"schemaVersion\":1,\"findings\":[]}";

	(void)state;
	/* a customs scan report becomes the result of cosign's vuln predicate */
	assert_int_equal(cs_attest_predicate_build(CS_PREDICATE_VULN, scan, strlen(scan),
						   "2026-01-01T00:00:00Z", "1.0", &p, &err),
			 0);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(p, "scanner"), "result"), "schemaVersion")),
		1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(p, "metadata"),
							      "scanFinishedOn")),
			    "2026-01-01T00:00:00Z");
	json_decref(p);
	/* custom: the text as Data */
	assert_int_equal(
		cs_attest_predicate_build(CS_PREDICATE_CUSTOM, "hi\n", 3, "T", "1.0", &p, &err), 0);
	assert_string_equal(json_string_value(json_object_get(p, "Data")), "hi\n");
	json_decref(p);
	/* SPDX tag-value: a string */
	assert_int_equal(cs_attest_predicate_build(CS_PREDICATE_SPDX, "SPDXVersion: SPDX-2.3", 21,
						   "T", "1.0", &p, &err),
			 0);
	assert_true(json_is_string(p));
	json_decref(p);
	/* CycloneDX must be a JSON object */
	assert_int_equal(
		cs_attest_predicate_build(CS_PREDICATE_CYCLONEDX, "[1]", 3, "T", "1.0", &p, &err),
		-CS_E_INPUT);
	assert_int_equal(
		cs_attest_predicate_build(CS_PREDICATE_CYCLONEDX, "nope", 4, "T", "1.0", &p, &err),
		-CS_E_INPUT);
}

static void test_manifest_build(void **state)
{
	struct cs_buf config = CS_BUF_INIT(1u << 20), manifest = CS_BUF_INIT(1u << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sign_layers l = { 0 };
	char cdigest[CS_DIGEST_STR_MAX];
	json_t *layers, *m, *c;

	(void)state;
	layers = json_pack(
		"[{s:s, s:i, s:s, s:{s:s}}, {s:s, s:i, s:s, s:{s:s}}]", "mediaType",
		"application/vnd.dev.cosign.simplesigning.v1+json", "size", 10, "digest", DIGEST,
		"annotations", "dev.cosignproject.cosign/signature", "MEUC", "mediaType",
		"application/vnd.dev.cosign.simplesigning.v1+json", "size", 12, "digest",
		"sha256:1111111111111111111111111111111111111111111111111111111111111111",
		"annotations", "dev.cosignproject.cosign/signature", "MEYC");
	assert_non_null(layers);
	assert_int_equal(
		cs_sign_manifest_build(layers, "2026-12-07T00:00:00Z", &config, &manifest, &err),
		0);
	c = json_loadb(config.data, config.len, 0, NULL);
	m = json_loadb(manifest.data, manifest.len, 0, NULL);
	assert_non_null(c);
	assert_non_null(m);
	/* the config lists the layers as its diff_ids (static layers are uncompressed) */
	assert_string_equal(
		json_string_value(json_array_get(
			json_object_get(json_object_get(c, "rootfs"), "diff_ids"), 1)),
		"sha256:1111111111111111111111111111111111111111111111111111111111111111");
	assert_int_equal(json_array_size(json_object_get(c, "history")), 2);
	assert_string_equal(json_string_value(json_object_get(c, "created")),
			    "2026-12-07T00:00:00Z");
	/* the manifest points at the config by digest and size */
	cs_sha256_digest(config.data, config.len, cdigest);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(m, "config"), "digest")),
		cdigest);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "config"), "size")),
			 config.len);
	assert_string_equal(json_string_value(json_object_get(m, "mediaType")),
			    "application/vnd.oci.image.manifest.v1+json");
	/* and parses back with its annotations */
	assert_int_equal(cs_sign_layers_parse(manifest.data, manifest.len, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1].signature, "MEYC");
	assert_int_equal(l.v[0].size, 10);
	cs_sign_layers_done(&l);
	/* hostile manifests */
	{
		const char *bad[] = {
			"{\"schemaVersion\":2,\"layers\":[{\"digest\":\"x\",\"mediaType\":\"m\","
			"\"size\":1}]}",
			"{\"schemaVersion\":1,\"layers\":[]}",
			"{\"schemaVersion\":2,\"layers\":[{\"digest\":\"" DIGEST "\","
			"\"mediaType\":\"m\",\"size\":-1}]}",
			"{\"schemaVersion\":2,\"layers\":[{\"digest\":\"" DIGEST "\","
			"\"mediaType\":\"m\",\"size\":1,\"annotations\":[]}]}",
		};

		for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
			assert_int_equal(cs_sign_layers_parse(bad[i], strlen(bad[i]), &l, &err),
					 -CS_E_INPUT);
	}
	json_decref(c);
	json_decref(m);
	json_decref(layers);
	cs_buf_done(&config);
	cs_buf_done(&manifest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pae),
		cmocka_unit_test(test_predicate_types),
		cmocka_unit_test(test_referrers_tag),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tampered_payload),
		cmocka_unit_test(test_envelope_hostile),
		cmocka_unit_test(test_statement_parse),
		cmocka_unit_test(test_predicate_build),
		cmocka_unit_test(test_manifest_build),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
