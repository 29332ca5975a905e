/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the registry client's parsers and pure helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "basic/alloc.h"
#include "registry/auth.h"
#include "registry/registry.h"

static const char *testdata(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("CUSTOMS_TESTDATA");

	snprintf(buf, sizeof(buf), "%s/registry/%s", dir ? dir : "tests/data", name);
	return buf;
}

/* ---- WWW-Authenticate ---- */

static void parse_ok(const char *s, struct cs_registry_challenge *c)
{
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_registry_challenge_parse(s, strlen(s), c, &err);

	if (r < 0)
		fail_msg("'%s': %s", s, err.msg);
}

static void test_challenge_bearer(void **state)
{
	struct cs_registry_challenge c = { 0 };

	(void)state;
	parse_ok("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
		 "scope=\"repository:library/alpine:pull\"",
		 &c);
	assert_int_equal(c.scheme, CS_REGISTRY_AUTH_BEARER);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/alpine:pull");
	cs_registry_challenge_done(&c);

	/* commas and escapes inside quotes, spaces around '=', case-insensitive names */
	parse_ok(
		"bearer  Realm = \"https://a.example/t?x=1,y=2\" , SCOPE=\"repository:a/b:pull,push\","
		"service=\"svc \\\"q\\\"\"",
		&c);
	assert_int_equal(c.scheme, CS_REGISTRY_AUTH_BEARER);
	assert_string_equal(c.realm, "https://a.example/t?x=1,y=2");
	assert_string_equal(c.scope, "repository:a/b:pull,push");
	assert_string_equal(c.service, "svc \"q\"");
	cs_registry_challenge_done(&c);

	/* unquoted values, unknown parameters, no service */
	parse_ok("Bearer realm=https://t.example/token,error=\"invalid_token\"", &c);
	assert_string_equal(c.realm, "https://t.example/token");
	assert_null(c.service);
	assert_null(c.scope);
	cs_registry_challenge_done(&c);
}

static void test_challenge_multi(void **state)
{
	struct cs_registry_challenge c = { 0 };

	(void)state;
	/* Bearer wins over Basic whatever the order; unknown schemes are skipped */
	parse_ok("Basic realm=\"basic\", Bearer realm=\"https://t/\",service=\"s\"", &c);
	assert_int_equal(c.scheme, CS_REGISTRY_AUTH_BEARER);
	assert_string_equal(c.realm, "https://t/");
	cs_registry_challenge_done(&c);
	parse_ok("Negotiate abc==, Basic realm=\"Registry Realm\"", &c);
	assert_int_equal(c.scheme, CS_REGISTRY_AUTH_BASIC);
	assert_string_equal(c.realm, "Registry Realm");
	cs_registry_challenge_done(&c);
	parse_ok("Basic", &c);
	assert_int_equal(c.scheme, CS_REGISTRY_AUTH_BASIC);
	assert_null(c.realm);
	cs_registry_challenge_done(&c);
}

static void test_challenge_bad(void **state)
{
	static const char *const bad[] = {
		"Bearer realm=\"unterminated",
		"realm=\"x\"",
		"Bearer realm=",
		"Bearer realm=\"a\" service=\"b\"",
		"Bearer realm=\"a\x01\"",
		"Bearer realm=\"a\nb\"",
		"Bearer @",
	};
	struct cs_registry_challenge c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	char big[9000];

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		int r = cs_registry_challenge_parse(bad[i], strlen(bad[i]), &c, &err);

		if (r != -CS_E_INPUT)
			fail_msg("'%s': got %d", bad[i], r);
		assert_null(c.realm);
	}
	assert_int_equal(cs_registry_challenge_parse("Digest realm=\"x\"", 16, &c, &err),
			 -CS_E_UNSUPPORTED);
	assert_int_equal(cs_registry_challenge_parse("", 0, &c, &err), -CS_E_UNSUPPORTED);
	memset(big, 'a', sizeof(big));
	assert_int_equal(cs_registry_challenge_parse(big, sizeof(big), &c, &err), -CS_E_LIMIT);
	/* no reliance on a NUL: the length bounds the parse */
	assert_int_equal(cs_registry_challenge_parse("Basic realm=\"x\"GARBAGE", 15, &c, &err), 0);
	assert_string_equal(c.realm, "x");
	cs_registry_challenge_done(&c);
}

/* ---- base64 ---- */

static void b64_roundtrip(const char *plain, const char *enc)
{
	char *d = NULL, *e = cs_registry_base64_encode(plain, strlen(plain));
	size_t n = 0;

	assert_non_null(e);
	assert_string_equal(e, enc);
	assert_int_equal(cs_registry_base64_decode(enc, strlen(enc), &d, &n), 0);
	assert_int_equal(n, strlen(plain));
	assert_memory_equal(d, plain, n);
	free(d);
	free(e);
}

static void test_base64(void **state)
{
	static const char *const bad[] = { "a",		"ab=c",	  "a===", "Zg=",  "Zh==", "Zm9=",
					   "Zm9v YmFy", "Zm9v\n", "Zm-v", "Zm_v", "====", "Z===" };
	char *d;
	size_t n;

	(void)state;
	/* RFC 4648 test vectors */
	b64_roundtrip("", "");
	b64_roundtrip("f", "Zg==");
	b64_roundtrip("fo", "Zm8=");
	b64_roundtrip("foo", "Zm9v");
	b64_roundtrip("foob", "Zm9vYg==");
	b64_roundtrip("fooba", "Zm9vYmE=");
	b64_roundtrip("foobar", "Zm9vYmFy");
	b64_roundtrip("user:p@ss:word", "dXNlcjpwQHNzOndvcmQ=");
	/* unpadded is accepted */
	assert_int_equal(cs_registry_base64_decode("Zm8", 3, &d, &n), 0);
	assert_string_equal(d, "fo");
	free(d);
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
		if (cs_registry_base64_decode(bad[i], strlen(bad[i]), &d, &n) != -CS_E_INPUT)
			fail_msg("'%s' was accepted", bad[i]);
	/* binary output with NUL and high bytes */
	assert_int_equal(cs_registry_base64_decode("AP8A", 4, &d, &n), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(d, "\0\xff\0", 3);
	free(d);
}

/* ---- auth files ---- */

static void expect_creds(const char *file, const char *domain, const char *repo, const char *user,
			 const char *pass)
{
	struct cs_registry_creds c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	int r = cs_registry_creds_from_file(testdata(file), domain, repo, &c, &err);

	if (r != 1)
		fail_msg("%s %s/%s: got %d (%s)", file, domain, repo, r, err.msg);
	assert_string_equal(c.username, user);
	assert_string_equal(c.password, pass);
	assert_null(c.identity_token);
	assert_string_equal(c.source, testdata(file));
	cs_registry_creds_done(&c);
}

static void test_auth_file(void **state)
{
	struct cs_registry_creds c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	const char *f = "docker-config.json";

	(void)state;
	expect_creds(f, "docker.io", "library/alpine", "hubuser", "hubpass");
	/* the password may contain colons */
	expect_creds(f, "127.0.0.1:5000", "x", "alice", "s3cr:et");
	expect_creds(f, "ghcr.io", "a/b", "ghuser", "ghpass");
	/* the most specific namespace wins */
	expect_creds(f, "quay.io", "other/x", "quaydefault", "p1");
	expect_creds(f, "quay.io", "org/x", "quayorg", "p2");
	expect_creds(f, "quay.io", "org/team/x", "quayteam", "p3");
	expect_creds(f, "quay.io", "organisation/x", "quaydefault", "p1");
	/* identity tokens */
	assert_int_equal(
		cs_registry_creds_from_file(testdata(f), "registry.example", "r", &c, &err), 1);
	assert_null(c.username);
	assert_string_equal(c.identity_token, "refresh-token-123");
	cs_registry_creds_done(&c);
	/* no entry, an empty entry, another port, a missing file */
	assert_int_equal(cs_registry_creds_from_file(testdata(f), "other.example", "r", &c, &err),
			 0);
	assert_int_equal(cs_registry_creds_from_file(testdata(f), "empty.example", "r", &c, &err),
			 0);
	assert_int_equal(cs_registry_creds_from_file(testdata(f), "127.0.0.1:5001", "r", &c, &err),
			 0);
	assert_int_equal(
		cs_registry_creds_from_file(testdata("nope.json"), "docker.io", "r", &c, &err), 0);
}

static void test_auth_file_bad(void **state)
{
	static const char *const bad[] = { "bad-base64.json", "no-colon.json", "not-object.json",
					   "truncated.json" };
	struct cs_registry_creds c = { 0 };
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++) {
		int r = cs_registry_creds_from_file(testdata(bad[i]), "bad.example", "r", &c, &err);

		if (r != -CS_E_INPUT)
			fail_msg("%s: got %d", bad[i], r);
		/* the message names the file, never the secret */
		assert_non_null(strstr(err.msg, bad[i]));
		assert_null(strstr(err.msg, "nocolon"));
		assert_null(c.username);
	}
}

static void test_auth_lookup_order(void **state)
{
	struct cs_registry_creds c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	char dir[] = "/tmp/customs-test-registry.XXXXXX", path[4200];
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/auth.json", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"Ym9iOmZyb21lbnY=\"}}}",
	      fp); /* bob:fromenv */
	fclose(fp);
	unsetenv("XDG_RUNTIME_DIR");
	setenv("DOCKER_CONFIG", "/nonexistent", 1);
	setenv("REGISTRY_AUTH_FILE", path, 1);
	assert_int_equal(cs_registry_creds_lookup(NULL, "127.0.0.1:5000", "r", &c, &err), 1);
	assert_string_equal(c.username, "bob");
	cs_registry_creds_done(&c);
	/* an explicit auth file replaces the others */
	assert_int_equal(cs_registry_creds_lookup(testdata("docker-config.json"), "127.0.0.1:5000",
						  "r", &c, &err),
			 1);
	assert_string_equal(c.username, "alice");
	cs_registry_creds_done(&c);
	/* no entry in $REGISTRY_AUTH_FILE: fall through to $DOCKER_CONFIG/config.json */
	unlink(path);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\"auths\":{\"https://ghcr.io/v2/\":{\"auth\":\"Y2Fyb2w6eA==\"}}}",
	      fp); /* carol:x */
	fclose(fp);
	setenv("DOCKER_CONFIG", dir, 1);
	assert_int_equal(cs_registry_creds_lookup(NULL, "ghcr.io", "r", &c, &err), 1);
	assert_string_equal(c.username, "carol");
	cs_registry_creds_done(&c);
	assert_int_equal(cs_registry_creds_lookup(NULL, "127.0.0.1:5000", "r", &c, &err), 0);
	unlink(path);
	rmdir(dir);
	unsetenv("REGISTRY_AUTH_FILE");
	unsetenv("DOCKER_CONFIG");
}

static void test_cred_helpers(void **state)
{
	struct cs_registry_creds c = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	const char *old = getenv("PATH");
	char path[8192];
	int r;

	(void)state;
	snprintf(path, sizeof(path), "%s:%s", testdata("bin"), old ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	r = cs_registry_creds_from_file(testdata("helpers.json"), "helped.example", "r", &c, &err);
	if (r != 1)
		fail_msg("helper: %d %s", r, err.msg);
	assert_string_equal(c.username, "helperuser");
	assert_string_equal(c.password, "helpersecret");
	assert_string_equal(c.source, "docker-credential-customs-test");
	cs_registry_creds_done(&c);
	assert_int_equal(cs_registry_creds_from_file(testdata("helpers.json"), "token.example", "r",
						     &c, &err),
			 1);
	assert_string_equal(c.identity_token, "helper-refresh");
	cs_registry_creds_done(&c);
	/* the helper has nothing: no credentials, or the auths entry */
	assert_int_equal(cs_registry_creds_from_file(testdata("helpers.json"), "missing.example",
						     "r", &c, &err),
			 0);
	expect_creds("helpers.json", "fallback.example", "r", "fileuser", "filepass");
	/* helper names cannot be paths */
	assert_int_equal(cs_registry_creds_from_file(testdata("helpers.json"), "evil.example", "r",
						     &c, &err),
			 -CS_E_INPUT);
	/* a helper that is not installed */
	assert_int_equal(cs_registry_creds_helper("customs-no-such-helper", "x", &c, &err),
			 -CS_E_AUTH);
	assert_non_null(strstr(err.msg, "docker-credential-customs-no-such-helper"));
	setenv("PATH", old ? old : "/usr/bin:/bin", 1);
}

/* ---- URLs, scopes, backoff ---- */

static void test_urls(void **state)
{
	char *s;

	(void)state;
	s = cs_registry_base_url("docker.io", false);
	assert_string_equal(s, "https://registry-1.docker.io");
	free(s);
	s = cs_registry_base_url("127.0.0.1:5000", true);
	assert_string_equal(s, "http://127.0.0.1:5000");
	free(s);
	s = cs_registry_base_url("ghcr.io", false);
	assert_string_equal(s, "https://ghcr.io");
	free(s);
	s = cs_registry_url("https://ghcr.io", "a/b/c", "manifests", "v1.2");
	assert_string_equal(s, "https://ghcr.io/v2/a/b/c/manifests/v1.2");
	free(s);
	s = cs_registry_url("http://h:1", "r", "blobs", "sha256:00");
	assert_string_equal(s, "http://h:1/v2/r/blobs/sha256:00");
	free(s);
	s = cs_registry_scope("library/alpine");
	assert_string_equal(s, "repository:library/alpine:pull");
	free(s);
}

static void test_new_validates(void **state)
{
	struct cs_registry_options o;
	struct cs_registry *reg = NULL;
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	cs_registry_options_default(&o);
	assert_int_equal(cs_registry_new("h:1", "Upper/case", &o, &reg, &err), -CS_E_INPUT);
	assert_int_equal(cs_registry_new("h:1", "a//b", &o, &reg, &err), -CS_E_INPUT);
	assert_int_equal(cs_registry_new("h:1", "../x?y", &o, &reg, &err), -CS_E_INPUT);
	assert_int_equal(cs_registry_new("h/x", "a", &o, &reg, &err), -CS_E_INPUT);
	assert_int_equal(cs_registry_new("h@evil", "a", &o, &reg, &err), -CS_E_INPUT);
	o.username = "u";
	assert_int_equal(cs_registry_new("h", "a", &o, &reg, &err), -CS_E_USAGE);
	o.password = "p";
	assert_int_equal(cs_registry_new("127.0.0.1:5000", "a/b-c_d.e", &o, &reg, &err), 0);
	assert_non_null(reg);
	/* references are checked before any request */
	{
		struct cs_buf b = CS_BUF_INIT(1024);

		assert_int_equal(cs_registry_get_manifest(reg, "bad/tag", &b, NULL, NULL, &err),
				 -CS_E_INPUT);
		assert_non_null(
			strstr(err.msg, "registry '127.0.0.1:5000' repository 'a/b-c_d.e'"));
		assert_int_equal(cs_registry_get_manifest(reg, "sha256:abc", &b, NULL, NULL, &err),
				 -CS_E_INPUT);
		cs_buf_done(&b);
	}
	cs_registry_free(reg);
}

static void test_backoff(void **state)
{
	(void)state;
	assert_int_equal(cs_registry_backoff_ms(0, -1, 0), 500);
	assert_int_equal(cs_registry_backoff_ms(1, -1, 0), 1000);
	assert_int_equal(cs_registry_backoff_ms(2, -1, 0), 2000);
	assert_int_equal(cs_registry_backoff_ms(5, -1, 0), 16000);
	assert_int_equal(cs_registry_backoff_ms(6, -1, 0), 30000);
	assert_int_equal(cs_registry_backoff_ms(100, -1, 0), 30000);
	assert_int_equal(cs_registry_backoff_ms(UINT32_MAX, -1, 0), 30000);
	/* jitter adds up to a quarter */
	assert_int_equal(cs_registry_backoff_ms(0, -1, 999), 500 + 124);
	assert_int_equal(cs_registry_backoff_ms(0, -1, 1500), 500 + 62);
	/* Retry-After is honoured, capped at a minute */
	assert_int_equal(cs_registry_backoff_ms(0, 5, 0), 5000);
	assert_int_equal(cs_registry_backoff_ms(3, 1, 0), 4000);
	assert_int_equal(cs_registry_backoff_ms(0, 100000, 0), 60000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge_bearer),
		cmocka_unit_test(test_challenge_multi),
		cmocka_unit_test(test_challenge_bad),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_auth_file),
		cmocka_unit_test(test_auth_file_bad),
		cmocka_unit_test(test_auth_lookup_order),
		cmocka_unit_test(test_cred_helpers),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_new_validates),
		cmocka_unit_test(test_backoff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
