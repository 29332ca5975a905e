/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `customs db update` below the command line: the manifest parser (paths,
 * limits, conflicts, dates), writing and re-reading, the signature check
 * on keys made here and on a real cosign signature from the shared data,
 * the plain-HTTP policy, stamping a fetched database, the writer's meta and
 * relocation hooks, and whole updates from a local mirror directory (kept
 * byte-identical and free of temporary files when a file is corrupt).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "basic/alloc.h"
#include "registry/auth.h"
#include "registry/http.h"
#include "vulndb/update.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-db-update.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *tpath(const char *name)
{
	char *p = cs_asprintf("%s/%s", tmpdir, name);

	assert_non_null(p);
	return p;
}

static const char *shared(void)
{
	const char *d = getenv("CUSTOMS_SHARED");

	if (!d)
		fail_msg("CUSTOMS_SHARED is not set");
	return d;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	assert_non_null(f);
	for (;;) {
		size_t k;

		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		k = fread(buf + n, 1, cap - n - 1, f);
		if (k == 0)
			break;
		n += k;
	}
	fclose(f);
	buf[n] = '\0';
	if (ret_len)
		*ret_len = n;
	return buf;
}

static int parse_str(const char *s, struct cs_db_manifest **m, struct cs_error *err)
{
	return cs_db_manifest_parse(s, strlen(s), m, err);
}

#define SHA_A "0000000000000000000000000000000000000000000000000000000000000000"
#define SHA_B "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* ---- paths and dates ---- */

static void test_path_ok(void **state)
{
	static const char *const good[] = {
		"a",
		"kev/known_exploited_vulnerabilities.json",
		"alpine-secdb/v3.20/main.json",
		"osv/crates.io/RUSTSEC-2020-0001.json",
		"a..b/c",
		"x/y~z/+@=,:",
	};
	static const char *const bad[] = {
		"",	 "/a",	    "a/",	"a//b", "../a", "a/../b", "a/..",  "./a",
		"a/./b", ".hidden", "a/.git/x", "a b",	"a\\b", "a\tb",	  "a\x7f", "caf\xc3\xa9",
	};
	char deep[80] = "", longp[1100];

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(good); i++)
		assert_true(cs_db_manifest_path_ok(good[i], strlen(good[i])));
	for (size_t i = 0; i < CS_ARRAY_SIZE(bad); i++)
		if (cs_db_manifest_path_ok(bad[i], strlen(bad[i])))
			fail_msg("path '%s' accepted", bad[i]);
	assert_false(cs_db_manifest_path_ok("a\0b", 3)); /* NUL inside */
	/* "d/d/.../d": 16 components (31 bytes) pass, 17 (33 bytes) do not */
	for (int i = 0; i < 17; i++)
		memcpy(deep + 2 * i, i ? "/d" : "dd", 2);
	assert_true(cs_db_manifest_path_ok(deep + 1, 31));
	assert_false(cs_db_manifest_path_ok(deep + 1, 33));
	memset(longp, 'x', sizeof(longp));
	assert_true(cs_db_manifest_path_ok(longp, CS_DB_MANIFEST_MAX_PATH));
	assert_false(cs_db_manifest_path_ok(longp, CS_DB_MANIFEST_MAX_PATH + 1));
}

static void test_parse_time(void **state)
{
	int64_t t = 0;

	(void)state;
	/* date -u -d 2024-01-02T03:04:05Z +%s */
	assert_int_equal(cs_db_manifest_parse_time("2024-01-02T03:04:05Z", &t), 0);
	assert_int_equal(t, 1704164645);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-02T03:04:05.123456z", &t), 0);
	assert_int_equal(t, 1704164645);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-02T05:04:05+02:00", &t), 0);
	assert_int_equal(t, 1704164645);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-01T22:04:05-05:00", &t), 0);
	assert_int_equal(t, 1704164645);
	assert_int_equal(cs_db_manifest_parse_time("2024-02-29T00:00:00Z", &t), 0);
	t = 7;
	assert_int_equal(cs_db_manifest_parse_time("2023-02-29T00:00:00Z", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("2024-04-31T00:00:00Z", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("2024-13-01T00:00:00Z", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-01T24:00:00Z", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-01T00:00:00", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-01 00:00:00Z", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-01T00:00:00.Z", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("2024-01-01T00:00:00+0200", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("1969-12-31T23:59:59Z", &t), -CS_E_INPUT);
	assert_int_equal(cs_db_manifest_parse_time("", &t), -CS_E_INPUT);
	assert_int_equal(t, 7); /* untouched on failure */
}

/* ---- the parser ---- */

static void test_parse_ok(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_db_manifest_freep) struct cs_db_manifest *m = NULL;
	static const char doc[] =
		"{\"schema\":\"customs.db-manifest/v1\",\"created\":\"2024-01-02T03:04:05Z\","
		"\"kind\":\"feeds\",\"future\":{\"ignored\":true},\"files\":["
		"{\"path\":\"a-b/x.json\",\"size\":3,\"sha256\":\"" SHA_A "\"},"
		"{\"path\":\"a/z.json\",\"size\":5,\"sha256\":\"" SHA_B "\"},"
		"{\"path\":\"a/y/deep.json\",\"size\":0,\"sha256\":\"" SHA_B "\"},"
		"{\"path\":\"a.json\",\"size\":7,\"sha256\":\"" SHA_A "\"}]}";

	(void)state;
	assert_int_equal(parse_str(doc, &m, &err), 0);
	assert_int_equal(m->kind, CS_DB_MANIFEST_FEEDS);
	assert_string_equal(m->created, "2024-01-02T03:04:05Z");
	assert_int_equal(m->created_sec, 1704164645);
	assert_int_equal(m->schema_version, 0);
	assert_int_equal(m->n_files, 4);
	assert_int_equal(m->total_size, 15);
	/* '/' sorts first, so a directory's files follow its name */
	assert_string_equal(m->files[0].path, "a/y/deep.json");
	assert_string_equal(m->files[1].path, "a/z.json");
	assert_string_equal(m->files[2].path, "a-b/x.json");
	assert_string_equal(m->files[3].path, "a.json");
	assert_int_equal(m->files[1].size, 5);
	assert_string_equal(m->files[1].sha256, SHA_B);
}

static void test_parse_database(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_db_manifest_freep) struct cs_db_manifest *m = NULL;
	static const char doc[] =
		"{\"schema\":\"customs.db-manifest/v1\",\"created\":\"2024-01-02T03:04:05Z\","
		"\"kind\":\"database\",\"schema_version\":1,\"files\":["
		"{\"path\":\"db.sqlite.zst\",\"size\":12345,\"sha256\":\"" SHA_A "\"}]}";

	(void)state;
	assert_int_equal(parse_str(doc, &m, &err), 0);
	assert_int_equal(m->kind, CS_DB_MANIFEST_DATABASE);
	assert_int_equal(m->schema_version, 1);
	assert_int_equal(m->n_files, 1);
	assert_string_equal(m->files[0].path, "db.sqlite.zst");
}

#define HEAD		    "{\"schema\":\"customs.db-manifest/v1\",\"created\":\"2024-01-02T03:04:05Z\","
#define FEEDS		    HEAD "\"kind\":\"feeds\","
#define FILE_(p, size, sha) "{\"path\":\"" p "\",\"size\":" size ",\"sha256\":\"" sha "\"}"

static void test_parse_bad(void **state)
{
	static const struct {
		const char *doc;
		int code;
		const char *msg;
	} cases[] = {
		{ "", -CS_E_INPUT, "not valid JSON" },
		{ "{\"schema\":\"customs.db-man", -CS_E_INPUT, "not valid JSON" },
		{ "[]", -CS_E_INPUT, "not a JSON object" },
		{ "{\"schema\":1}", -CS_E_INPUT, "no schema" },
		{ "{\"schema\":\"customs.db-manifest/v2\"}", -CS_E_UNSUPPORTED,
		  "unsupported schema" },
		{ FEEDS "\"kind\":\"feeds\",\"files\":[]}", -CS_E_INPUT, "not valid JSON" },
		{ HEAD "\"kind\":\"other\",\"files\":[]}", -CS_E_INPUT, "kind" },
		{ "{\"schema\":\"customs.db-manifest/v1\",\"created\":\"yesterday\"}", -CS_E_INPUT,
		  "created" },
		{ FEEDS "\"files\":{}}", -CS_E_INPUT, "files: missing" },
		{ FEEDS "\"files\":[]}", -CS_E_INPUT, "files: empty" },
		{ FEEDS "\"files\":[7]}", -CS_E_INPUT, "files[0]: not an object" },
		{ FEEDS "\"files\":[" FILE_("../etc/passwd", "1", SHA_A) "]}", -CS_E_INPUT,
		  "files[0].path" },
		{ FEEDS
		  "\"files\":[" FILE_("a", "1", SHA_A) "," FILE_("/etc/passwd", "1", SHA_A) "]}",
		  -CS_E_INPUT, "files[1].path" },
		{ FEEDS "\"files\":[" FILE_("a/../../b", "1", SHA_A) "]}", -CS_E_INPUT,
		  "files[0].path" },
		{ FEEDS "\"files\":[" FILE_("a\\u0000b", "1", SHA_A) "]}", -CS_E_INPUT,
		  "not valid JSON" },
		{ FEEDS "\"files\":[{\"path\":\"a\",\"size\":1}]}", -CS_E_INPUT,
		  "files[0].sha256" },
		{ FEEDS "\"files\":[" FILE_(
			  "a", "1",
			  "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855") "]}",
		  -CS_E_INPUT, "files[0].sha256" },
		{ FEEDS "\"files\":[" FILE_("a", "1", "e3b0c442") "]}", -CS_E_INPUT,
		  "files[0].sha256" },
		{ FEEDS "\"files\":[" FILE_("a", "-1", SHA_A) "]}", -CS_E_INPUT, "files[0].size" },
		{ FEEDS "\"files\":[" FILE_("a", "1.5", SHA_A) "]}", -CS_E_INPUT, "files[0].size" },
		{ FEEDS "\"files\":[" FILE_("a", "17179869185", SHA_A) "]}", -CS_E_LIMIT,
		  "files[0].size" },
		{ FEEDS "\"files\":[" FILE_("a", "1", SHA_A) "," FILE_("a", "1", SHA_A) "]}",
		  -CS_E_INPUT, "listed twice" },
		{ FEEDS "\"files\":[" FILE_("a/b", "1", SHA_A) "," FILE_(
			  "a-c", "1", SHA_A) "," FILE_("a", "1", SHA_A) "]}",
		  -CS_E_INPUT, "both as a file and as a directory" },
		{ HEAD "\"kind\":\"database\",\"files\":[" FILE_("db", "1", SHA_A) "]}",
		  -CS_E_INPUT, "schema_version" },
		{ HEAD "\"kind\":\"database\",\"schema_version\":1,\"files\":[" FILE_(
			  "a", "1", SHA_A) "," FILE_("b", "1", SHA_A) "]}",
		  -CS_E_INPUT, "exactly one file" },
	};

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cases); i++) {
		struct cs_error err = CS_ERROR_INIT;
		struct cs_db_manifest *m = NULL;
		int r = parse_str(cases[i].doc, &m, &err);

		if (r != cases[i].code || !strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: got %d '%s', want %d '%s'", i, r, err.msg,
				 cases[i].code, cases[i].msg);
		assert_null(m);
	}
}

static void test_parse_limits(void **state)
{
	struct cs_buf b = CS_BUF_INIT(64u << 20);
	struct cs_error err = CS_ERROR_INIT;
	struct cs_db_manifest *m = NULL;

	(void)state;
	/* one file too many */
	assert_int_equal(cs_buf_puts(&b, FEEDS "\"files\":["), 0);
	for (int i = 0; i <= CS_DB_MANIFEST_MAX_FILES; i++)
		assert_int_equal(cs_buf_printf(&b,
					       "%s{\"path\":\"f%d\",\"size\":1,\"sha256\":\"%s\"}",
					       i ? "," : "", i, SHA_A),
				 0);
	assert_int_equal(cs_buf_puts(&b, "]}"), 0);
	assert_int_equal(cs_db_manifest_parse(b.data, b.len, &m, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "more than"));
	/* too many bytes in total: 5 files of 16 GiB */
	cs_buf_reset(&b);
	assert_int_equal(cs_buf_puts(&b, FEEDS "\"files\":["), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(
			cs_buf_printf(&b, "%s{\"path\":\"f%d\",\"size\":%llu,\"sha256\":\"%s\"}",
				      i ? "," : "", i,
				      (unsigned long long)CS_DB_MANIFEST_MAX_FILE_SIZE, SHA_A),
			0);
	assert_int_equal(cs_buf_puts(&b, "]}"), 0);
	assert_int_equal(cs_db_manifest_parse(b.data, b.len, &m, &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "in total"));
	/* the byte limit comes before any parsing */
	assert_int_equal(cs_db_manifest_parse(b.data, CS_DB_MANIFEST_MAX_SIZE + 1u, &m, &err),
			 -CS_E_LIMIT);
	assert_null(m);
	cs_buf_done(&b);
}

static void test_write_roundtrip(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_db_manifest_freep) struct cs_db_manifest *a = NULL, *b = NULL;
	_cleanup_buf_ struct cs_buf out = CS_BUF_INIT(1 << 20);
	static const char doc[] = HEAD
		"\"kind\":\"database\",\"schema_version\":1,\"files\":[" FILE_("db.sqlite.gz", "99",
									       SHA_B) "]}";

	(void)state;
	assert_int_equal(parse_str(doc, &a, &err), 0);
	assert_int_equal(cs_db_manifest_write(a, &out, &err), 0);
	assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
	assert_int_equal(cs_db_manifest_parse(out.data, out.len, &b, &err), 0);
	assert_int_equal(b->kind, a->kind);
	assert_int_equal(b->schema_version, 1);
	assert_string_equal(b->created, a->created);
	assert_int_equal(b->n_files, 1);
	assert_string_equal(b->files[0].path, "db.sqlite.gz");
	assert_int_equal(b->files[0].size, 99);
	assert_string_equal(b->files[0].sha256, SHA_B);
}

/* ---- signatures ---- */

static EVP_PKEY *keygen(const char *type, const char *param)
{
	EVP_PKEY *k;

	if (!strcmp(type, "RSA"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", param);
	assert_non_null(k);
	return k;
}

static char *pub_pem(EVP_PKEY *k, size_t *len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *out;
	long n;

	assert_non_null(b);
	assert_int_equal(PEM_write_bio_PUBKEY(b, k), 1);
	n = BIO_get_mem_data(b, &p);
	out = cs_memdup(p, (size_t)n);
	*len = (size_t)n;
	BIO_free(b);
	return out;
}

/* base64 of the DER signature, wrapped every 20 characters as base64(1) would */
static char *sign_b64(EVP_PKEY *k, const void *data, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char sig[512], b64[1024];
	size_t sl = sizeof(sig);
	struct cs_buf out = CS_BUF_INIT(4096);
	int n;

	assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k), 1);
	assert_int_equal(EVP_DigestSign(ctx, sig, &sl, data, len), 1);
	EVP_MD_CTX_free(ctx);
	n = EVP_EncodeBlock(b64, sig, (int)sl);
	for (int i = 0; i < n; i += 20)
		assert_int_equal(cs_buf_printf(&out, "%.*s\n", CS_MIN(20, n - i), b64 + i), 0);
	return cs_buf_steal(&out, NULL);
}

static void test_verify(void **state)
{
	static const char data[] = "{\"schema\":\"customs.db-manifest/v1\"}\n";
	struct cs_error err = CS_ERROR_INIT;
	EVP_PKEY *k = keygen("EC", "P-256"), *other = keygen("EC", "P-256");
	EVP_PKEY *p384 = keygen("EC", "P-384"), *rsa = keygen("RSA", NULL);
	size_t kl, ol, pl, rl;
	char *pem = pub_pem(k, &kl), *opem = pub_pem(other, &ol);
	char *p384pem = pub_pem(p384, &pl), *rsapem = pub_pem(rsa, &rl);
	char *sig = sign_b64(k, data, sizeof(data) - 1);
	char *sig384 = sign_b64(p384, data, sizeof(data) - 1);
	char tampered[sizeof(data)];

	(void)state;
	assert_int_equal(
		cs_db_manifest_verify(data, sizeof(data) - 1, sig, strlen(sig), pem, kl, &err), 0);
	memcpy(tampered, data, sizeof(data));
	tampered[3] ^= 1;
	assert_int_equal(
		cs_db_manifest_verify(tampered, sizeof(data) - 1, sig, strlen(sig), pem, kl, &err),
		-CS_E_DIGEST);
	assert_non_null(strstr(err.msg, "does not match"));
	assert_int_equal(
		cs_db_manifest_verify(data, sizeof(data) - 1, sig, strlen(sig), opem, ol, &err),
		-CS_E_DIGEST);
	/* only P-256 keys */
	assert_int_equal(cs_db_manifest_verify(data, sizeof(data) - 1, sig384, strlen(sig384),
					       p384pem, pl, &err),
			 -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "P-256"));
	assert_int_equal(
		cs_db_manifest_verify(data, sizeof(data) - 1, sig, strlen(sig), rsapem, rl, &err),
		-CS_E_INPUT);
	assert_int_equal(
		cs_db_manifest_verify(data, sizeof(data) - 1, sig, strlen(sig), "junk", 4, &err),
		-CS_E_INPUT);
	/* malformed signatures */
	assert_int_equal(cs_db_manifest_verify(data, sizeof(data) - 1, "", 0, pem, kl, &err),
			 -CS_E_INPUT);
	assert_int_equal(
		cs_db_manifest_verify(data, sizeof(data) - 1, "not base64!", 11, pem, kl, &err),
		-CS_E_INPUT);
	assert_int_equal(cs_db_manifest_verify(data, sizeof(data) - 1, "AAAAAAAAAAAAAAAA", 16, pem,
					       kl, &err),
			 -CS_E_DIGEST);
	free(pem);
	free(opem);
	free(p384pem);
	free(rsapem);
	free(sig);
	free(sig384);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(rsa);
}

/*
 * A signature made by cosign itself (the simple-signing payload of the
 * containers/image fixtures: the same base64 DER ECDSA P-256 over SHA-256
 * that `cosign sign-blob --key` writes), checked with cosign.pub.
 */
static void test_verify_cosign(void **state)
{
	_cleanup_free_ char *dir = cs_asprintf("%s/signing/cosign-containers-image", shared());
	_cleanup_free_ char *sigp = cs_asprintf("%s/dir-img-cosign-valid/signature-1", dir);
	_cleanup_free_ char *pubp = cs_asprintf("%s/cosign.pub", dir);
	_cleanup_free_ char *pub2p = cs_asprintf("%s/cosign2.pub", dir);
	_cleanup_free_ char *raw = NULL, *pub = NULL, *pub2 = NULL, *payload = NULL;
	struct cs_error err = CS_ERROR_INIT;
	static const char prefix[] = "\0sigstore-json\n";
	size_t n, pn, p2n, payload_len;
	const char *b64, *sig;
	json_t *root;

	(void)state;
	raw = slurp(sigp, &n);
	pub = slurp(pubp, &pn);
	pub2 = slurp(pub2p, &p2n);
	assert_true(n > sizeof(prefix) - 1 && !memcmp(raw, prefix, sizeof(prefix) - 1));
	root = json_loadb(raw + sizeof(prefix) - 1, n - (sizeof(prefix) - 1), 0, NULL);
	assert_non_null(root);
	b64 = json_string_value(json_object_get(root, "payload"));
	sig = json_string_value(json_object_get(json_object_get(root, "annotations"),
						"dev.cosignproject.cosign/signature"));
	assert_non_null(b64);
	assert_non_null(sig);
	assert_int_equal(cs_registry_base64_decode(b64, strlen(b64), &payload, &payload_len), 0);
	assert_int_equal(
		cs_db_manifest_verify(payload, payload_len, sig, strlen(sig), pub, pn, &err), 0);
	assert_int_equal(
		cs_db_manifest_verify(payload, payload_len, sig, strlen(sig), pub2, p2n, &err),
		-CS_E_DIGEST);
	payload[payload_len / 2] ^= 0x20;
	assert_int_equal(
		cs_db_manifest_verify(payload, payload_len, sig, strlen(sig), pub, pn, &err),
		-CS_E_DIGEST);
	json_decref(root);
}

/* ---- plain HTTP policy ---- */

static void test_url_check(void **state)
{
	static const char *const ok[] = {
		"https://mirror.example.org/customs/",
		"http://127.0.0.1:8080/",
		"http://127.1.2.3/x",
		"http://localhost:1/",
		"http://LOCALHOST/",
		"http://[::1]:8000/",
		"http://[::ffff:127.0.0.1]/",
	};
	static const char *const refused[] = {
		"http://example.org/", "http://127.0.0.1.example.org/",
		"http://10.0.0.1/",    "http://[::2]/",
		"http://128.0.0.1/",
	};
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	for (size_t i = 0; i < CS_ARRAY_SIZE(ok); i++)
		if (cs_http_url_check(ok[i], false, &err) != 0)
			fail_msg("'%s' refused: %s", ok[i], err.msg);
	for (size_t i = 0; i < CS_ARRAY_SIZE(refused); i++) {
		if (cs_http_url_check(refused[i], false, &err) != -CS_E_INPUT)
			fail_msg("'%s' allowed", refused[i]);
		assert_non_null(strstr(err.msg, "loopback"));
		assert_int_equal(cs_http_url_check(refused[i], true, &err), 0);
	}
	assert_int_equal(cs_http_url_check("ftp://127.0.0.1/", true, &err), -CS_E_UNSUPPORTED);
	assert_int_equal(cs_http_url_check("file:///etc", true, &err), -CS_E_UNSUPPORTED);
	assert_int_equal(cs_http_url_check("https://a b/", false, &err), -CS_E_INPUT);
	assert_int_equal(cs_http_url_check("https://", false, &err), -CS_E_INPUT);
}

/* ---- databases from elsewhere ---- */

static int put_test_data(void *ud, struct cs_vulndb_writer *w, struct cs_error *err)
{
	const char *loc = ud;
	int r;

	r = cs_vulndb_put_source(w, "kev", "kev", loc, NULL, 1, 0, err);
	if (r >= 0)
		r = cs_vulndb_put_source(w, "kev", "kev", "/elsewhere/kev", NULL, 1, 0, err);
	if (r >= 0)
		r = cs_vulndb_put_source(w, "kev2", "kev", "/tmp/x.update.12-other", NULL, 1, 0,
					 err);
	if (r >= 0)
		r = cs_vulndb_put_kev(w, "CVE-2024-0001", "2024-01-01", NULL, NULL, NULL, err);
	if (r >= 0)
		r = cs_vulndb_writer_relocate(w, "/tmp/x.update.12", "https://m.example/base", err);
	if (r >= 0)
		r = cs_vulndb_writer_set_meta(w, CS_VULNDB_META_MIRROR_URL,
					      "https://m.example/base", err);
	return r;
}

static void test_writer_hooks(void **state)
{
	_cleanup_free_ char *db_path = tpath("hooks.sqlite");
	_cleanup_free_ char *feed = tpath("empty-feed"), *x = tpath("x.sqlite");
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_(cs_vulndb_info_freep) struct cs_vulndb_info *info = NULL;
	struct cs_error err = CS_ERROR_INIT;
	const char *paths[] = { feed, NULL };
	struct cs_vulndb_writer *w = NULL;
	bool seen[3] = { false };

	(void)state;
	assert_int_equal(mkdir(feed, 0755), 0);
	assert_int_equal(cs_vulndb_build_with(paths, db_path, NULL, put_test_data,
					      (void *)"/tmp/x.update.12/kev", &err),
			 0);
	assert_int_equal(cs_vulndb_open(db_path, &db, &err), 0);
	assert_int_equal(cs_vulndb_info(db, &info, &err), 0);
	assert_string_equal(info->mirror_url, "https://m.example/base");
	for (size_t i = 0; i < info->n_sources; i++) {
		const char *l = info->sources[i].location;

		if (!strcmp(l, "https://m.example/base/kev"))
			seen[0] = true;
		else if (!strcmp(l, "/elsewhere/kev"))
			seen[1] = true;
		else if (!strcmp(l, "/tmp/x.update.12-other")) /* not below the prefix */
			seen[2] = true;
	}
	assert_true(seen[0] && seen[1] && seen[2]);
	/* the writer's own keys stay its own */
	assert_int_equal(cs_vulndb_writer_new(x, &w, &err), 0);
	assert_int_equal(cs_vulndb_writer_set_meta(w, "schema_version", "9", &err), -EINVAL);
	assert_int_equal(cs_vulndb_writer_set_meta(w, "built", "x", &err), -EINVAL);
	cs_vulndb_writer_free(w);
}

static int fail_hook(void *ud, struct cs_vulndb_writer *w, struct cs_error *err)
{
	(void)ud;
	(void)w;
	return cs_error_set(err, -CS_E_INPUT, "hook says no");
}

static void sql_exec(const char *db, const char *sql)
{
	sqlite3 *h = NULL;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void test_stamp(void **state)
{
	_cleanup_free_ char *a = tpath("a.sqlite"), *feed = tpath("feed");
	_cleanup_free_ char *junk = tpath("junk.sqlite"), *wal = tpath("wal.sqlite");
	_cleanup_free_ char *trig = tpath("trig.sqlite");
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_free_ char *v = NULL, *before = NULL, *after = NULL;
	struct cs_error err = CS_ERROR_INIT;
	const char *paths[] = { feed, NULL };
	const char *kv[] = { CS_VULNDB_META_MIRROR_URL, "file:///m", CS_VULNDB_META_MIRROR_KIND,
			     "database", NULL };
	size_t n1, n2;
	char cmd[1024];

	(void)state;
	assert_int_equal(mkdir(feed, 0755), 0);
	assert_int_equal(cs_vulndb_build(paths, a, NULL, &err), 0);
	/* a failing hook leaves the database as it was */
	before = slurp(a, &n1);
	assert_int_equal(cs_vulndb_build_with(paths, a, NULL, fail_hook, NULL, &err), -CS_E_INPUT);
	after = slurp(a, &n2);
	assert_true(n1 == n2 && !memcmp(before, after, n1));

	assert_int_equal(cs_vulndb_stamp(a, kv, &err), 0);
	assert_int_equal(cs_vulndb_open(a, &db, &err), 0);
	assert_int_equal(cs_vulndb_get_meta(db, CS_VULNDB_META_MIRROR_KIND, &v, &err), 1);
	assert_string_equal(v, "database");
	free(v);
	v = NULL;
	assert_int_equal(cs_vulndb_get_meta(db, "nope", &v, &err), 0);
	cs_vulndb_close(db);
	db = NULL;
	/* no journal file left beside it */
	snprintf(cmd, sizeof(cmd), "test ! -e '%s-journal'", a);
	assert_int_equal(system(cmd), 0);

	/* refused: not SQLite, write-ahead log, triggers */
	write_bytes(junk, "SQLite format 3", 15);
	assert_int_equal(cs_vulndb_stamp(junk, kv, &err), -CS_E_INPUT);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/wal.sqlite' && cp '%s' '%s/trig.sqlite'", a, tmpdir,
		 a, tmpdir);
	assert_int_equal(system(cmd), 0);
	sql_exec(wal, "PRAGMA journal_mode=WAL");
	assert_int_equal(cs_vulndb_stamp(wal, kv, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "write-ahead"));
	sql_exec(trig, "CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM kev; END");
	assert_int_equal(cs_vulndb_stamp(trig, kv, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "triggers"));
}

/* ---- whole updates from a local mirror ---- */

static size_t leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".update.") || strstr(de->d_name, ".tmp."))
			n++;
	closedir(d);
	return n;
}

static void publish(const char *dir, enum cs_db_manifest_kind kind)
{
	_cleanup_(cs_db_manifest_freep) struct cs_db_manifest *m = NULL;
	_cleanup_buf_ struct cs_buf out = CS_BUF_INIT(CS_DB_MANIFEST_MAX_SIZE);
	_cleanup_free_ char *p = cs_asprintf("%s/manifest.json", dir);
	struct cs_error err = CS_ERROR_INIT;

	if (cs_vulndb_manifest_for_dir(dir, kind, &m, &err) < 0)
		fail_msg("manifest for '%s': %s", dir, err.msg);
	assert_int_equal(cs_db_manifest_write(m, &out, &err), 0);
	write_bytes(p, out.data, out.len);
}

static void test_update_local(void **state)
{
	_cleanup_free_ char *mirror = tpath("mirror"), *dbdir = tpath("db");
	_cleanup_free_ char *db_path = tpath("db/db.sqlite"), *kev = NULL;
	_cleanup_free_ char *before = NULL, *after = NULL, *v = NULL;
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	struct cs_vulndb_update_options o = { 0 };
	struct cs_vulndb_update_result res;
	struct cs_error err = CS_ERROR_INIT;
	size_t n1, n2;
	char cmd[2048];

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/kev' '%s' && cp '%s/feeds/kev/known_exploited_vulnerabilities.json' "
		 "'%s/kev/' && chmod -R u+w '%s'",
		 mirror, dbdir, shared(), mirror, mirror);
	assert_int_equal(system(cmd), 0);
	publish(mirror, CS_DB_MANIFEST_FEEDS);
	o.url = mirror;
	assert_int_equal(cs_vulndb_update(db_path, &o, &res, &err), 0);
	assert_true(res.updated);
	assert_int_equal(res.files, 1);
	assert_int_equal(res.kind, CS_DB_MANIFEST_FEEDS);
	assert_int_equal(res.sig, CS_VULNDB_SIG_NONE);
	assert_int_equal(cs_vulndb_open(db_path, &db, &err), 0);
	assert_int_equal(cs_vulndb_get_meta(db, CS_VULNDB_META_MIRROR_URL, &v, &err), 1);
	assert_string_equal(v, mirror); /* tmpdir is a real path: mkdtemp under /tmp */
	cs_vulndb_close(db);
	db = NULL;

	/* unchanged manifest: nothing fetched */
	assert_int_equal(cs_vulndb_update(db_path, &o, &res, &err), 0);
	assert_false(res.updated);
	assert_int_equal(res.files, 0);

	/* a corrupt file (same size): the database stays byte-identical */
	before = slurp(db_path, &n1);
	kev = cs_asprintf("%s/kev/known_exploited_vulnerabilities.json", mirror);
	snprintf(cmd, sizeof(cmd), "printf X | dd of='%s' bs=1 seek=100 conv=notrunc 2>/dev/null",
		 kev);
	assert_int_equal(system(cmd), 0);
	o.force = true;
	assert_int_equal(cs_vulndb_update(db_path, &o, &res, &err), -CS_E_DIGEST);
	assert_non_null(strstr(err.msg, "kev/known_exploited_vulnerabilities.json"));
	assert_non_null(strstr(err.msg, "sha256"));
	after = slurp(db_path, &n2);
	assert_true(n1 == n2 && !memcmp(before, after, n1));
	assert_int_equal(leftovers(dbdir), 0);

	/* an interrupted update's directory is removed by the next one */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/db.sqlite.update.AbC123/x' && "
		 "cp '%s/feeds/kev/known_exploited_vulnerabilities.json' '%s'",
		 dbdir, shared(), kev);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cs_vulndb_update(db_path, &o, &res, &err), 0);
	assert_int_equal(leftovers(dbdir), 0);

	/* the same database published as kind database */
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/dbm' && gzip -c '%s' > '%s/dbm/db.sqlite.gz'",
		 tmpdir, db_path, tmpdir);
	assert_int_equal(system(cmd), 0);
	free(mirror);
	mirror = tpath("dbm");
	publish(mirror, CS_DB_MANIFEST_DATABASE);
	o.url = mirror;
	o.force = false;
	free(db_path);
	db_path = tpath("db/db2.sqlite");
	assert_int_equal(cs_vulndb_update(db_path, &o, &res, &err), 0);
	assert_true(res.updated);
	assert_int_equal(res.kind, CS_DB_MANIFEST_DATABASE);
	assert_int_equal(cs_vulndb_open(db_path, &db, &err), 0);
	free(v);
	v = NULL;
	assert_int_equal(cs_vulndb_get_meta(db, CS_VULNDB_META_MIRROR_KIND, &v, &err), 1);
	assert_string_equal(v, "database");
	assert_int_equal(leftovers(dbdir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_database),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_write_roundtrip),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_verify_cosign),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test_setup_teardown(test_writer_hooks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_local, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
