/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "image/ref.h"

#define D64 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void expect_docker(const char *in, const char *domain, const char *path, const char *tag,
			  const char *digest)
{
	struct cs_docker_ref r;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_docker_ref_parse(in, true, &r, &err) < 0)
		fail_msg("'%s': %s", in, err.msg);
	assert_string_equal(r.domain, domain);
	assert_string_equal(r.path, path);
	if (tag)
		assert_string_equal(r.tag, tag);
	else
		assert_null(r.tag);
	if (digest)
		assert_string_equal(r.digest, digest);
	else
		assert_null(r.digest);
	cs_docker_ref_done(&r);
}

static void expect_docker_bad(const char *in)
{
	struct cs_docker_ref r;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_docker_ref_parse(in, true, &r, &err) == 0)
		fail_msg("'%s' parsed but should not", in);
	assert_int_not_equal(err.msg[0], '\0');
	assert_null(strchr(err.msg, '\n'));
}

static void test_docker_normalisation(void **state)
{
	(void)state;
	expect_docker("alpine", "docker.io", "library/alpine", "latest", NULL);
	expect_docker("alpine:3.20", "docker.io", "library/alpine", "3.20", NULL);
	expect_docker("library/alpine", "docker.io", "library/alpine", "latest", NULL);
	expect_docker("user/app:v1.0-rc_1", "docker.io", "user/app", "v1.0-rc_1", NULL);
	expect_docker("docker.io/alpine", "docker.io", "library/alpine", "latest", NULL);
	expect_docker("index.docker.io/x/y", "docker.io", "x/y", "latest", NULL);
	expect_docker("localhost/foo", "localhost", "foo", "latest", NULL);
	expect_docker("localhost:5000/foo/bar:t", "localhost:5000", "foo/bar", "t", NULL);
	expect_docker("127.0.0.1:5000/a:b", "127.0.0.1:5000", "a", "b", NULL);
	expect_docker("ghcr.io/o/r/s@" D64, "ghcr.io", "o/r/s", NULL, D64);
	expect_docker("ghcr.io/o/r:1@" D64, "ghcr.io", "o/r", "1", D64);
	expect_docker("[::1]:5000/a", "[::1]:5000", "a", "latest", NULL);
	expect_docker("Registry.Example.com/a__b/c-d.e", "Registry.Example.com", "a__b/c-d.e",
		      "latest", NULL);
	expect_docker("a--b", "docker.io", "library/a--b", "latest", NULL);
}

static void test_docker_invalid(void **state)
{
	(void)state;
	expect_docker_bad("");
	expect_docker_bad("Alpine");
	expect_docker_bad("alpine:");
	expect_docker_bad("alpine:-bad");
	expect_docker_bad("alpine:has space");
	expect_docker_bad("a/../b");
	expect_docker_bad("a//b");
	expect_docker_bad("a_");
	expect_docker_bad("_a");
	expect_docker_bad("a___b");
	expect_docker_bad("a.-b");
	expect_docker_bad("host:port/x");
	expect_docker_bad("-host.io/x");
	expect_docker_bad("alpine@sha256:abc");
	expect_docker_bad(
		"alpine@sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
	expect_docker_bad("alpine@md5:ba7816bf8f01cfea414140de5dae2223");
	expect_docker_bad(
		"alpine:0123456789012345678901234567890123456789012345678901234567890123456789"
		"012345678901234567890123456789012345678901234567890123456789");
	expect_docker_bad("@" D64);
	expect_docker_bad(":tag");
}

static void test_transports(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ref *r;

	(void)state;
	assert_int_equal(cs_ref_parse("docker-archive:/tmp/a.tar", &r, &err), 0);
	assert_int_equal(r->transport, CS_TRANSPORT_DOCKER_ARCHIVE);
	assert_string_equal(r->path, "/tmp/a.tar");
	assert_null(r->tag);
	assert_int_equal(r->index, -1);
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("docker-archive:a.tar:alpine:3.20", &r, &err), 0);
	assert_string_equal(r->path, "a.tar");
	assert_string_equal(r->tag, "alpine:3.20");
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("docker-archive:a.tar:@1", &r, &err), 0);
	assert_int_equal(r->index, 1);
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("oci:/x/layout:3.20", &r, &err), 0);
	assert_int_equal(r->transport, CS_TRANSPORT_OCI);
	assert_string_equal(r->path, "/x/layout");
	assert_string_equal(r->tag, "3.20");
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("oci-archive:img.tar", &r, &err), 0);
	assert_int_equal(r->transport, CS_TRANSPORT_OCI_ARCHIVE);
	assert_null(r->tag);
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("dir:/rootfs", &r, &err), 0);
	assert_int_equal(r->transport, CS_TRANSPORT_DIR);
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("registry:localhost:5000/a:b", &r, &err), 0);
	assert_int_equal(r->transport, CS_TRANSPORT_REGISTRY);
	assert_string_equal(r->name.domain, "localhost:5000");
	assert_string_equal(r->name.tag, "b");
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("docker://alpine", &r, &err), 0);
	assert_string_equal(r->name.path, "library/alpine");
	cs_ref_free(r);

	/* plain names are registry references */
	assert_int_equal(cs_ref_parse("localhost:5000/a", &r, &err), 0);
	assert_int_equal(r->transport, CS_TRANSPORT_REGISTRY);
	assert_string_equal(r->name.domain, "localhost:5000");
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("engine:localhost/alpine:3.20", &r, &err), 0);
	assert_int_equal(r->transport, CS_TRANSPORT_ENGINE);
	assert_string_equal(r->engine_name, "localhost/alpine:3.20");
	assert_string_equal(r->name.path, "alpine");
	cs_ref_free(r);

	assert_int_equal(cs_ref_parse("engine:0123abcd", &r, &err), 0);
	assert_string_equal(r->engine_name, "0123abcd");
	cs_ref_free(r);
}

static void test_transport_errors(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_ref *r = NULL;

	(void)state;
	assert_int_equal(cs_ref_parse("", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("oci:", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("oci:dir:", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("docker-archive:a.tar:@x", &r, &err), -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "invalid image index"));
	assert_int_equal(cs_ref_parse("docker-archive:a.tar:@-1", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("dir:/x:tag", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("engine:", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("engine:a b", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("oci:x:bad tag", &r, &err), -CS_E_INPUT);
	assert_int_equal(cs_ref_parse("UPPER/case", &r, &err), -CS_E_INPUT);
	assert_null(r);
}

static void test_format(void **state)
{
	struct cs_docker_ref r;
	struct cs_error err = CS_ERROR_INIT;
	char *s;

	(void)state;
	assert_int_equal(cs_docker_ref_parse("alpine", true, &r, &err), 0);
	s = cs_docker_ref_format(&r);
	assert_string_equal(s, "docker.io/library/alpine:latest");
	free(s);
	cs_docker_ref_done(&r);
	assert_int_equal(cs_docker_ref_parse("alpine", false, &r, &err), 0);
	assert_null(r.tag);
	cs_docker_ref_done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_normalisation),
		cmocka_unit_test(test_docker_invalid),
		cmocka_unit_test(test_transports),
		cmocka_unit_test(test_transport_errors),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
