/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Manifests, indexes, image configs and platforms: real documents from
 * podman/skopeo and hand-written ones in tests/data/manifests, plus hostile
 * variants (wrong types, bad digests, duplicates, deep nesting, schema 1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "image/manifest.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char *read_data(const char *name, size_t *len)
{
	const char *dir = getenv("CUSTOMS_TESTDATA");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/manifests/%s", dir ? dir : "tests/data", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct cs_manifest *parse_file(const char *name, const char *hint)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_manifest *m = NULL;
	size_t len;
	char *data = read_data(name, &len);
	int r = cs_manifest_parse(data, len, hint, &m, &err);

	if (r < 0)
		fail_msg("%s: %s", name, err.msg);
	free(data);
	return m;
}

/* Parse a string that must fail with code; returns the message. */
static const char *parse_fails(const char *json, int code)
{
	static struct cs_error err;
	struct cs_manifest *m = NULL;
	int r;

	cs_error_clear(&err);
	r = cs_manifest_parse(json, strlen(json), NULL, &m, &err);
	if (r >= 0)
		fail_msg("accepted: %s", json);
	assert_int_equal(r, code);
	assert_int_equal(err.code, code);
	assert_null(m);
	assert_null(strchr(err.msg, '\n'));
	return err.msg;
}

static const char *config_fails(const char *json, int code)
{
	static struct cs_error err;
	struct cs_image_config *c = NULL;
	int r;

	cs_error_clear(&err);
	r = cs_image_config_parse(json, strlen(json), &c, &err);
	if (r >= 0)
		fail_msg("accepted: %s", json);
	assert_int_equal(r, code);
	assert_null(c);
	return err.msg;
}

static void test_oci_manifest(void **state)
{
	struct cs_manifest *m = parse_file("oci-manifest.json", CS_MT_OCI_MANIFEST);

	(void)state;
	assert_int_equal(m->kind, CS_MANIFEST_IMAGE);
	assert_string_equal(m->media_type, CS_MT_OCI_MANIFEST);
	assert_int_equal(m->schema_version, 2);
	assert_string_equal(
		m->config.digest,
		"sha256:19e607cd3b83a48f4b29e75781f03e84f0b8c2fe8f3b956997957242ad70ebc8");
	assert_int_equal(m->config.size, 409);
	assert_string_equal(m->config.media_type, CS_MT_OCI_CONFIG);
	assert_int_equal(m->n_layers, 1);
	assert_int_equal(m->layers[0].size, 3743317);
	assert_true(cs_media_type_is_layer(m->layers[0].media_type));
	assert_false(m->layers[0].has_platform);
	assert_null(m->subject);
	cs_manifest_free(m);

	m = parse_file("oci-manifest-multilayer.json", NULL);
	assert_int_equal(m->kind, CS_MANIFEST_IMAGE);
	assert_int_equal(m->n_layers, 5);
	cs_manifest_free(m);
}

static void test_docker_v2s2(void **state)
{
	struct cs_manifest *m = parse_file("docker-v2s2.json", NULL);

	(void)state;
	assert_int_equal(m->kind, CS_MANIFEST_IMAGE);
	assert_string_equal(m->media_type, CS_MT_DOCKER_MANIFEST);
	assert_string_equal(m->config.media_type, CS_MT_DOCKER_CONFIG);
	assert_int_equal(m->n_layers, 2);
	assert_string_equal(m->layers[0].media_type, CS_MT_DOCKER_LAYER_GZIP);
	assert_true(cs_media_type_is_layer(m->layers[0].media_type));
	assert_true(cs_media_type_is_layer(m->layers[1].media_type));
	assert_non_null(m->layers[1].urls);
	assert_string_equal(m->layers[1].urls[0], "https://example.com/layer.tar.gz");
	assert_null(m->layers[1].urls[1]);
	assert_false(cs_media_type_is_layer(CS_MT_OCI_CONFIG));
	assert_false(cs_media_type_is_layer("application/spdx+json"));
	assert_false(cs_media_type_is_layer(NULL));
	assert_true(cs_media_type_is_layer(CS_MT_OCI_LAYER_ZSTD));
	cs_manifest_free(m);
}

static int select_for(const struct cs_manifest *m, const char *platform, struct cs_error *err)
{
	struct cs_platform want;
	int r;

	assert_int_equal(cs_platform_parse(platform, &want, NULL), 0);
	r = cs_index_select(m, &want, err);
	cs_platform_done(&want);
	return r;
}

static void test_docker_list_select(void **state)
{
	struct cs_manifest *m = parse_file("docker-list.json", NULL);
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(m->kind, CS_MANIFEST_INDEX);
	assert_string_equal(m->media_type, CS_MT_DOCKER_LIST);
	assert_int_equal(m->n_manifests, 5);
	assert_true(m->manifests[3].has_platform);
	assert_string_equal(m->manifests[3].platform.variant, "v8");
	assert_string_equal(m->manifests[4].platform.os_version, "10.0.17763.5458");

	assert_int_equal(select_for(m, "linux/amd64", NULL), 0);
	assert_int_equal(select_for(m, "linux/x86_64", NULL), 0);
	assert_int_equal(select_for(m, "linux/arm/v7", NULL), 2);
	assert_int_equal(select_for(m, "linux/arm", NULL), 2); /* arm means v7 */
	assert_int_equal(select_for(m, "linux/arm/v6", NULL), 1);
	assert_int_equal(select_for(m, "linux/armhf", NULL), 2);
	/* v8 32-bit: no exact match, the newest older variant */
	assert_int_equal(select_for(m, "linux/arm/v8", NULL), 2);
	assert_int_equal(select_for(m, "linux/arm64", NULL), 3);
	assert_int_equal(select_for(m, "linux/arm64/v8", NULL), 3);
	assert_int_equal(select_for(m, "linux/aarch64", NULL), 3);
	assert_int_equal(select_for(m, "windows/amd64", NULL), 4);
	/* arm/v5 cannot run v6 or v7 code */
	assert_int_equal(select_for(m, "linux/arm/v5", &err), -CS_E_NOTFOUND);
	assert_int_equal(select_for(m, "linux/ppc64le", &err), -CS_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "'linux/ppc64le'"));
	assert_non_null(strstr(err.msg, "linux/amd64, linux/arm/v6, linux/arm/v7, linux/arm64/v8, "
					"windows/amd64"));
	cs_manifest_free(m);
}

static void test_attestations_skipped(void **state)
{
	struct cs_manifest *m = parse_file("oci-index-attestation.json", CS_MT_OCI_INDEX);
	struct cs_error err = CS_ERROR_INIT;

	(void)state;
	assert_int_equal(m->kind, CS_MANIFEST_INDEX);
	assert_int_equal(m->n_manifests, 3);
	assert_int_equal(select_for(m, "linux/arm64", NULL), 1);
	assert_int_equal(select_for(m, "linux/s390x", NULL), 2);
	assert_int_equal(select_for(m, "linux/amd64", &err), -CS_E_NOTFOUND);
	assert_null(strstr(err.msg, "unknown"));
	/* annotations come sorted by key */
	assert_int_equal(m->n_annotations, 2);
	assert_string_equal(m->annotations[0].key, "a.first");
	assert_string_equal(m->annotations[1].key, "org.opencontainers.image.created");
	assert_int_equal(m->manifests[0].n_annotations, 2);
	assert_string_equal(m->manifests[0].annotations[1].value, "attestation-manifest");
	cs_manifest_free(m);
}

static void test_index_without_platforms(void **state)
{
	const char *j = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" CS_MT_OCI_MANIFEST
			"\",\"digest\":\"sha256:" HEX_A "\",\"size\":1}]}";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_manifest *m = NULL;

	(void)state;
	assert_int_equal(cs_manifest_parse(j, strlen(j), NULL, &m, &err), 0);
	assert_int_equal(m->kind, CS_MANIFEST_INDEX);
	/* detected from the fields: an OCI index */
	assert_string_equal(m->media_type, CS_MT_OCI_INDEX);
	assert_int_equal(select_for(m, "linux/amd64", NULL), 0);
	cs_manifest_free(m);
}

static void test_artifact_subject(void **state)
{
	struct cs_manifest *m = parse_file("oci-artifact.json", NULL);

	(void)state;
	assert_string_equal(m->artifact_type, "application/vnd.example.sbom");
	assert_non_null(m->subject);
	assert_string_equal(m->subject->digest, "sha256:cccccccccccccccccccccccccccccccccccccccc"
						"cccccccccccccccccccccccc");
	assert_int_equal(m->subject->size, 405);
	cs_manifest_free(m);
}

static void test_schema1(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_manifest *m = NULL;
	size_t len;
	char *data = read_data("schema1.json", &len);

	(void)state;
	assert_int_equal(cs_manifest_parse(data, len, NULL, &m, &err), -CS_E_UNSUPPORTED);
	assert_string_equal(err.msg, "docker schema 1 manifests are not supported");
	assert_int_equal(cs_manifest_parse(data, len, CS_MT_DOCKER_SCHEMA1_SIGNED, &m, &err),
			 -CS_E_UNSUPPORTED);
	free(data);
	parse_fails("{\"mediaType\":\"" CS_MT_DOCKER_SCHEMA1 "\",\"layers\":[]}",
		    -CS_E_UNSUPPORTED);
	parse_fails("{\"fsLayers\":[]}", -CS_E_UNSUPPORTED);
	parse_fails("{\"schemaVersion\":3,\"layers\":[]}", -CS_E_UNSUPPORTED);
}

static void test_detection(void **state)
{
	const char *cfg = "\"config\":{\"digest\":\"sha256:" HEX_A "\",\"size\":2}";
	char j[512];
	struct cs_manifest *m = NULL;

	(void)state;
	snprintf(j, sizeof(j), "{%s,\"layers\":[]}", cfg);
	assert_int_equal(cs_manifest_parse(j, strlen(j), NULL, &m, NULL), 0);
	assert_int_equal(m->kind, CS_MANIFEST_IMAGE);
	assert_string_equal(m->media_type, CS_MT_OCI_MANIFEST);
	assert_int_equal(m->n_layers, 0);
	assert_int_equal(m->config.size, 2);
	cs_manifest_free(m);
	m = NULL;
	/* the hint decides when the document says nothing */
	snprintf(j, sizeof(j), "{%s,\"layers\":[]}", cfg);
	assert_int_equal(cs_manifest_parse(j, strlen(j), CS_MT_DOCKER_MANIFEST, &m, NULL), 0);
	assert_string_equal(m->media_type, CS_MT_DOCKER_MANIFEST);
	cs_manifest_free(m);
	assert_non_null(strstr(parse_fails("{}", -CS_E_INPUT), "neither"));
	parse_fails("{\"schemaVersion\":2}", -CS_E_INPUT);
	/* an image manifest needs both config and layers */
	assert_non_null(strstr(parse_fails("{\"layers\":[]}", -CS_E_INPUT), "'config' is missing"));
	snprintf(j, sizeof(j), "{%s}", cfg);
	assert_non_null(strstr(parse_fails(j, -CS_E_INPUT), "'layers' is missing"));
}

static void test_bad_manifests(void **state)
{
	const char *msg;

	(void)state;
	parse_fails("", -CS_E_INPUT);
	parse_fails("[]", -CS_E_INPUT);
	parse_fails("{\"layers\":", -CS_E_INPUT);
	parse_fails("null", -CS_E_INPUT);
	msg = parse_fails("{\"mediaType\":5,\"layers\":[]}", -CS_E_INPUT);
	assert_string_equal(msg, "image manifest: 'mediaType' must be a string");
	msg = parse_fails("{\"config\":{\"digest\":\"sha256:" HEX_A "\"},\"layers\":{}}",
			  -CS_E_INPUT);
	assert_string_equal(msg, "image manifest: 'layers' must be an array");
	msg = parse_fails("{\"config\":{\"digest\":\"sha256:" HEX_A "\"},\"layers\":[{\"digest\":"
			  "\"sha256:xyz\",\"size\":1}]}",
			  -CS_E_INPUT);
	assert_non_null(strstr(msg, "'layers[0].digest'"));
	assert_non_null(strstr(msg, "sha256:xyz"));
	msg = parse_fails("{\"config\":{\"digest\":\"SHA256:" HEX_A "\"},\"layers\":[]}",
			  -CS_E_INPUT);
	assert_non_null(strstr(msg, "'config.digest'"));
	/* a well-formed digest of an algorithm we do not know */
	parse_fails("{\"config\":{\"digest\":\"md5:abc\"},\"layers\":[]}", -CS_E_UNSUPPORTED);
	msg = parse_fails("{\"config\":{\"size\":1},\"layers\":[]}", -CS_E_INPUT);
	assert_string_equal(msg, "image manifest: 'config.digest' is missing");
	msg = parse_fails("{\"config\":{\"digest\":\"sha256:" HEX_A
			  "\",\"size\":-1},\"layers\":[]}",
			  -CS_E_INPUT);
	assert_string_equal(msg, "image manifest: 'config.size' must not be negative");
	msg = parse_fails("{\"config\":{\"digest\":\"sha256:" HEX_A
			  "\",\"size\":\"12\"},\"layers\":[]}",
			  -CS_E_INPUT);
	assert_string_equal(msg, "image manifest: 'config.size' must be an integer");
	parse_fails("{\"config\":{\"digest\":\"sha256:" HEX_A "\",\"size\":1.5},\"layers\":[]}",
		    -CS_E_INPUT);
	msg = parse_fails("{\"manifests\":[{\"digest\":\"sha256:" HEX_A "\",\"platform\":[]}]}",
			  -CS_E_INPUT);
	assert_string_equal(msg, "image index: 'manifests[0].platform' must be an object");
	msg = parse_fails("{\"manifests\":[{\"digest\":\"sha256:" HEX_A
			  "\",\"platform\":{\"os\":1}}]}",
			  -CS_E_INPUT);
	assert_string_equal(msg, "image index: 'manifests[0].platform.os' must be a string");
	msg = parse_fails("{\"manifests\":[],\"annotations\":{\"a\":1}}", -CS_E_INPUT);
	assert_string_equal(msg, "image index: 'annotations' must be an object of strings");
	msg = parse_fails("{\"manifests\":[{\"digest\":\"sha256:" HEX_A "\",\"urls\":\"x\"}]}",
			  -CS_E_INPUT);
	assert_string_equal(msg, "image index: 'manifests[0].urls' must be an array of strings");
	msg = parse_fails("{\"manifests\":[7]}", -CS_E_INPUT);
	assert_string_equal(msg, "image index: 'manifests[0]' must be an object");
	parse_fails("{\"manifests\":[],\"subject\":{\"digest\":1}}", -CS_E_INPUT);
}

static void test_duplicates_and_depth(void **state)
{
	struct cs_buf deep = CS_BUF_INIT(1 << 20);
	const char *msg;

	(void)state;
	msg = parse_fails("{\"manifests\":[],\"manifests\":[]}", -CS_E_INPUT);
	assert_non_null(strstr(msg, "duplicate"));
	/* jansson would recurse; we stop at a sane depth */
	assert_int_equal(cs_buf_puts(&deep, "{\"manifests\":[],\"annotations\":{\"x\":"), 0);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(cs_buf_putc(&deep, '['), 0);
	msg = parse_fails(deep.data, -CS_E_INPUT);
	assert_non_null(strstr(msg, "nested deeper"));
	cs_buf_reset(&deep);
	/* brackets inside strings do not count */
	assert_int_equal(cs_buf_puts(&deep, "{\"manifests\":[],\"annotations\":{\"x\":\""), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(cs_buf_puts(&deep, "[{\\\""), 0);
	assert_int_equal(cs_buf_puts(&deep, "\"}}"), 0);
	{
		struct cs_manifest *m = NULL;
		struct cs_error err = CS_ERROR_INIT;

		assert_int_equal(cs_manifest_parse(deep.data, deep.len, NULL, &m, &err), 0);
		cs_manifest_free(m);
	}
	cs_buf_done(&deep);
	/* the length given is the document: no reliance on a terminator */
	{
		const char j[] = "{\"manifests\":[]}garbage";
		struct cs_manifest *m = NULL;

		assert_int_equal(cs_manifest_parse(j, 16, NULL, &m, NULL), 0);
		cs_manifest_free(m);
		assert_true(cs_manifest_parse(j, 15, NULL, &m, NULL) < 0);
	}
	/* NUL inside a string */
	{
		const char j[] = "{\"manifests\":[],\"artifactType\":\"a\\u0000b\"}";
		struct cs_manifest *m = NULL;

		assert_int_equal(cs_manifest_parse(j, sizeof(j) - 1, NULL, &m, NULL), -CS_E_INPUT);
	}
}

static struct cs_image_config *config_file(const char *name)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_image_config *c = NULL;
	size_t len;
	char *data = read_data(name, &len);

	if (cs_image_config_parse(data, len, &c, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	free(data);
	return c;
}

static void test_config_full(void **state)
{
	struct cs_image_config *c = config_file("config-full.json");

	(void)state;
	assert_string_equal(c->architecture, "arm64");
	assert_string_equal(c->variant, "v8");
	assert_string_equal(c->os, "linux");
	assert_string_equal(c->created, "2024-03-01T10:00:00Z");
	assert_string_equal(c->author, "someone");
	assert_string_equal(c->user, "1000:1000");
	assert_int_equal(cs_strv_len(c->env), 2);
	assert_string_equal(c->env[1], "LANG=C.UTF-8");
	assert_string_equal(c->entrypoint[0], "/entry.sh");
	/* a plain string Cmd is one argument, as Docker reads it */
	assert_int_equal(cs_strv_len(c->cmd), 1);
	assert_string_equal(c->cmd[0], "serve");
	assert_string_equal(c->working_dir, "/srv");
	assert_int_equal(cs_strv_len(c->exposed_ports), 3);
	assert_string_equal(c->exposed_ports[0], "443/tcp");
	assert_string_equal(c->exposed_ports[1], "53/udp");
	assert_string_equal(c->exposed_ports[2], "8080/tcp");
	assert_string_equal(c->volumes[0], "/cache");
	assert_string_equal(c->volumes[1], "/data");
	assert_string_equal(c->stop_signal, "SIGTERM");
	assert_string_equal(c->shell[1], "-c");
	assert_string_equal(c->onbuild[0], "RUN echo hi");
	assert_int_equal(c->n_labels, 3);
	assert_string_equal(c->labels[0].key, "alpha");
	assert_string_equal(c->labels[0].value, "first");
	assert_string_equal(c->labels[2].key, "zeta");
	assert_non_null(c->healthcheck);
	assert_string_equal(c->healthcheck->test[0], "CMD-SHELL");
	assert_int_equal(c->healthcheck->interval_ns, 30000000000LL);
	assert_int_equal(c->healthcheck->timeout_ns, 5000000000LL);
	assert_int_equal(c->healthcheck->start_period_ns, 1000000000LL);
	assert_int_equal(c->healthcheck->start_interval_ns, 2000000000LL);
	assert_int_equal(c->healthcheck->retries, 3);
	assert_string_equal(c->rootfs_type, "layers");
	assert_int_equal(c->n_diff_ids, 2);
	assert_string_equal(c->diff_ids[1], "sha256:" HEX_B);
	assert_null(c->diff_ids[2]);
	assert_int_equal(c->n_history, 3);
	assert_false(c->history[0].empty_layer);
	assert_true(c->history[1].empty_layer);
	assert_string_equal(c->history[2].comment, "buildkit.dockerfile.v0");
	assert_string_equal(c->history[2].author, "me");
	cs_image_config_free(c);
}

static void test_config_nulls(void **state)
{
	struct cs_image_config *c = config_file("config-nulls.json");

	(void)state;
	assert_string_equal(c->user, "");
	assert_null(c->env);
	assert_null(c->cmd);
	assert_null(c->entrypoint);
	assert_null(c->labels);
	assert_int_equal(c->n_labels, 0);
	assert_null(c->exposed_ports);
	assert_null(c->healthcheck);
	assert_int_equal(c->n_diff_ids, 0);
	assert_int_equal(c->n_history, 0);
	cs_image_config_free(c);

	/* the smallest config there is */
	assert_int_equal(cs_image_config_parse("{}", 2, &c, NULL), 0);
	assert_null(c->architecture);
	assert_null(c->diff_ids);
	cs_image_config_free(c);
}

static void test_config_real(void **state)
{
	struct cs_image_config *c = config_file("config-podman-build.json");

	(void)state;
	assert_string_equal(c->architecture, "amd64");
	assert_int_equal(c->n_diff_ids, 5);
	assert_true(c->n_history >= 5);
	assert_non_null(c->env);
	cs_image_config_free(c);
}

static void test_config_bad_types(void **state)
{
	(void)state;
	assert_string_equal(config_fails("{\"config\":{\"Env\":\"PATH=/bin\"}}", -CS_E_INPUT),
			    "image config: 'config.Env' must be an array of strings");
	assert_string_equal(config_fails("{\"config\":{\"Env\":[1]}}", -CS_E_INPUT),
			    "image config: 'config.Env' must be an array of strings");
	assert_string_equal(config_fails("{\"config\":{\"Labels\":{\"a\":1}}}", -CS_E_INPUT),
			    "image config: 'config.Labels' must be an object of strings");
	assert_string_equal(config_fails("{\"config\":{\"ExposedPorts\":[\"80\"]}}", -CS_E_INPUT),
			    "image config: 'config.ExposedPorts' must be an object");
	assert_string_equal(config_fails("{\"config\":{\"User\":0}}", -CS_E_INPUT),
			    "image config: 'config.User' must be a string");
	assert_string_equal(config_fails("{\"config\":[]}", -CS_E_INPUT),
			    "image config: 'config' must be an object");
	assert_string_equal(config_fails("{\"architecture\":[]}", -CS_E_INPUT),
			    "image config: 'architecture' must be a string");
	assert_string_equal(
		config_fails("{\"config\":{\"Healthcheck\":{\"Retries\":\"3\"}}}", -CS_E_INPUT),
		"image config: 'config.Healthcheck.Retries' must be an integer");
	assert_string_equal(config_fails("{\"history\":{}}", -CS_E_INPUT),
			    "image config: 'history' must be an array");
	assert_string_equal(config_fails("{\"history\":[{\"empty_layer\":\"yes\"}]}", -CS_E_INPUT),
			    "image config: 'history[0].empty_layer' must be a boolean");
	assert_non_null(
		strstr(config_fails("{\"rootfs\":{\"diff_ids\":[\"sha256:12\"]}}", -CS_E_INPUT),
		       "'rootfs.diff_ids[0]'"));
	assert_string_equal(config_fails("{\"rootfs\":{\"diff_ids\":{}}}", -CS_E_INPUT),
			    "image config: 'rootfs.diff_ids' must be an array of strings");
	config_fails("{\"os\":\"linux\",\"os\":\"linux\"}", -CS_E_INPUT);
	config_fails("[1]", -CS_E_INPUT);
	config_fails("{", -CS_E_INPUT);
}

static void expect_platform(const char *s, const char *os, const char *arch, const char *variant)
{
	struct cs_platform p;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_platform_parse(s, &p, &err) < 0)
		fail_msg("%s: %s", s, err.msg);
	assert_string_equal(p.os, os);
	if (arch)
		assert_string_equal(p.arch, arch);
	if (variant)
		assert_string_equal(p.variant, variant);
	else if (arch)
		assert_null(p.variant);
	cs_platform_done(&p);
}

static void test_platform_parse(void **state)
{
	struct cs_platform p;
	struct cs_error err = CS_ERROR_INIT;
	char buf[64];

	(void)state;
	expect_platform("linux/amd64", "linux", "amd64", NULL);
	expect_platform("linux/x86_64", "linux", "amd64", NULL);
	expect_platform("Linux/AMD64", "linux", "amd64", NULL);
	expect_platform("linux/arm64/v8", "linux", "arm64", NULL);
	expect_platform("linux/aarch64", "linux", "arm64", NULL);
	expect_platform("linux/arm64/v9", "linux", "arm64", "v9");
	expect_platform("linux/arm", "linux", "arm", "v7");
	expect_platform("linux/arm/6", "linux", "arm", "v6");
	expect_platform("linux/armel", "linux", "arm", "v6");
	expect_platform("linux/i386", "linux", "386", NULL);
	expect_platform("linux/ppc64le", "linux", "ppc64le", NULL);
	expect_platform("arm64", "linux", "arm64", NULL);
	expect_platform("s390x", "linux", "s390x", NULL);
	expect_platform("linux", "linux", NULL, NULL);
	expect_platform("windows/amd64", "windows", "amd64", NULL);
	expect_platform("linux/riscv64", "linux", "riscv64", NULL);

	assert_int_equal(cs_platform_parse("", &p, &err), -CS_E_INPUT);
	assert_int_equal(cs_platform_parse("linux//v7", &p, &err), -CS_E_INPUT);
	assert_int_equal(cs_platform_parse("linux/arm/v7/x", &p, &err), -CS_E_INPUT);
	assert_int_equal(cs_platform_parse("linux/amd 64", &p, &err), -CS_E_INPUT);
	assert_int_equal(cs_platform_parse("linux/", &p, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "'linux/'"));

	assert_int_equal(cs_platform_parse("linux/arm/v7", &p, NULL), 0);
	assert_string_equal(cs_platform_format(&p, buf, sizeof(buf)), "linux/arm/v7");
	cs_platform_done(&p);

	assert_int_equal(cs_platform_default(&p), 0);
	assert_string_equal(p.os, "linux");
	assert_non_null(p.arch);
#if defined(__x86_64__)
	assert_string_equal(p.arch, "amd64");
#elif defined(__aarch64__)
	assert_string_equal(p.arch, "arm64");
#endif
	cs_platform_done(&p);
}

static bool matches(const char *want, const char *have_os, const char *have_arch,
		    const char *have_variant)
{
	struct cs_platform w,
		h = { (char *)have_os, (char *)have_arch, (char *)have_variant, NULL };
	bool r;

	assert_int_equal(cs_platform_parse(want, &w, NULL), 0);
	r = cs_platform_matches(&w, &h);
	cs_platform_done(&w);
	return r;
}

static void test_platform_match(void **state)
{
	(void)state;
	assert_true(matches("linux/amd64", "linux", "amd64", NULL));
	assert_true(matches("linux/amd64", "linux", "x86_64", NULL));
	assert_false(matches("linux/amd64", "linux", "arm64", NULL));
	assert_false(matches("linux/amd64", "windows", "amd64", NULL));
	assert_true(matches("linux/arm64", "linux", "arm64", "v8"));
	assert_true(matches("linux/arm64/v8", "linux", "arm64", NULL));
	assert_true(matches("linux/arm64/v8", "linux", "aarch64", "8"));
	assert_true(matches("linux/arm/v7", "linux", "arm", "v6"));
	assert_true(matches("linux/arm/v7", "linux", "arm", NULL));
	assert_false(matches("linux/arm/v6", "linux", "arm", "v7"));
	assert_false(matches("linux/arm/v6", "linux", "arm", NULL)); /* arm is v7 */
	assert_false(matches("linux/amd64", "linux", "amd64", "v3"));
	assert_true(matches("linux/amd64/v3", "linux", "amd64", NULL));
	assert_true(matches("linux/amd64/v3", "linux", "amd64", "v2"));
	assert_false(matches("linux/amd64", NULL, NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_manifest),
		cmocka_unit_test(test_docker_v2s2),
		cmocka_unit_test(test_docker_list_select),
		cmocka_unit_test(test_attestations_skipped),
		cmocka_unit_test(test_index_without_platforms),
		cmocka_unit_test(test_artifact_subject),
		cmocka_unit_test(test_schema1),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_bad_manifests),
		cmocka_unit_test(test_duplicates_and_depth),
		cmocka_unit_test(test_config_full),
		cmocka_unit_test(test_config_nulls),
		cmocka_unit_test(test_config_real),
		cmocka_unit_test(test_config_bad_types),
		cmocka_unit_test(test_platform_parse),
		cmocka_unit_test(test_platform_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
