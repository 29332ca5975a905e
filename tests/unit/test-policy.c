/* SPDX-License-Identifier: Apache-2.0 */
/* policy/: name globs, ImagePolicy parsing and its errors, decisions, AdmissionReview. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "policy/admission.h"
#include "policy/policy.h"

static void test_glob(void **state)
{
	(void)state;
	assert_true(cs_policy_glob("registry.example.com/team/*", "registry.example.com/team/app"));
	assert_false(
		cs_policy_glob("registry.example.com/team/*", "registry.example.com/team/a/b"));
	assert_false(cs_policy_glob("registry.example.com/team/*", "registry.example.com/teams/a"));
	assert_false(cs_policy_glob("registry.example.com/team/*",
				    "evil.com/registry.example.com/team/a"));
	assert_true(cs_policy_glob("registry.example.com/**", "registry.example.com/team/a/b"));
	assert_false(cs_policy_glob("registry.example.com/**", "registry.example.com.evil.com/a"));
	assert_true(cs_policy_glob("127.0.0.1:*/team/*", "127.0.0.1:5000/team/app"));
	assert_false(cs_policy_glob("127.0.0.1:*/team/*", "127.0.0.1:5000/x/team/app"));
	assert_true(
		cs_policy_glob("docker.io/library/alpine:3.*", "docker.io/library/alpine:3.20"));
	assert_true(cs_policy_glob("a?c", "abc"));
	assert_false(cs_policy_glob("a?c", "a/c"));
	assert_true(cs_policy_glob("**", ""));
	assert_true(cs_policy_glob("*", ""));
	assert_false(cs_policy_glob("", "a"));
	assert_true(cs_policy_glob("a*b*c", "axxbyyc"));
	assert_false(cs_policy_glob("a*b*c", "axxbyy/c"));
	assert_true(cs_policy_glob("a**c", "a/b/c"));
	assert_true(cs_policy_glob("*/**/z", "x/y/w/z"));
	/* many stars on a long string stays linear enough to finish */
	assert_false(cs_policy_glob("*a*a*a*a*a*a*a*a*b",
				    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static struct cs_policy *parse(const char *yaml, struct cs_error *err)
{
	struct cs_policy *p = NULL;

	if (cs_policy_parse(yaml, strlen(yaml), "p.yaml", NULL, &p, err) < 0)
		return NULL;
	return p;
}

static void expect_error(const char *yaml, const char *msg)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_policy *p = parse(yaml, &err);

	if (p)
		fail_msg("parsed although '%s' was expected", msg);
	if (strcmp(err.msg, msg))
		fail_msg("got '%s', want '%s'", err.msg, msg);
}

#define HEAD "apiVersion: customs.dev/v1\nkind: ImagePolicy\n"

static void test_parse(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_policy *p;

	(void)state;
	p = parse(HEAD "mode: audit\nfailurePolicy: ignore\nrules:\n  forbidRootUser: true\n"
		       "  vulnerabilities:\n    maxSeverity: high\n    db: /x.sqlite\n",
		  &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(cs_policy_mode(p), CS_POLICY_AUDIT);
	assert_int_equal(cs_policy_failure(p), CS_POLICY_FAIL_OPEN);
	assert_true(cs_policy_needs_vulndb(p));
	assert_string_equal(cs_policy_vulndb_path(p), "/x.sqlite");
	cs_policy_free(p);

	p = parse(HEAD "rules: {}\n", &err);
	assert_non_null(p);
	assert_int_equal(cs_policy_mode(p), CS_POLICY_ENFORCE);
	assert_int_equal(cs_policy_failure(p), CS_POLICY_FAIL_CLOSED);
	assert_false(cs_policy_needs_vulndb(p));
	cs_policy_free(p);

	/* a label may be a plain key or a mapping; trustedRegistries may be one string */
	p = parse(HEAD "rules:\n  requiredLabels: [a, {key: b, value: '^x$'}]\n"
		       "  trustedRegistries: r.example.com/**\n  maxAge: 12h\n",
		  &err);
	if (!p)
		fail_msg("%s", err.msg);
	cs_policy_free(p);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error(HEAD "rules:\n  forbidRootUser: true\n  maxAgee: 3d\n",
		     "p.yaml:5: unknown key 'maxAgee' in rules");
	expect_error(HEAD "rules: {}\nextra: 1\n", "p.yaml:4: unknown key 'extra' in the policy");
	expect_error("apiVersion: v1\nkind: ImagePolicy\nrules: {}\n",
		     "p.yaml:1: unsupported apiVersion 'v1' (customs.dev/v1)");
	expect_error("apiVersion: customs.dev/v1\nkind: Pod\nrules: {}\n",
		     "p.yaml:2: unsupported kind 'Pod' (ImagePolicy)");
	expect_error(HEAD, "p.yaml:1: 'rules' is required");
	expect_error("kind: ImagePolicy\nrules: {}\n", "p.yaml:1: 'apiVersion' is required");
	expect_error(HEAD "failurePolicy: open\nrules: {}\n",
		     "p.yaml:3: failurePolicy must be 'fail' or 'ignore', not 'open'");
	expect_error(HEAD "rules:\n  forbidRootUser: yes\n",
		     "p.yaml:4: 'forbidRootUser' must be true or false");
	expect_error(HEAD "rules:\n  vulnerabilities:\n    maxSeverity: awful\n",
		     "p.yaml:5: unknown maxSeverity 'awful' (critical, high, medium, low, "
		     "negligible, unknown)");
	expect_error(HEAD "rules:\n  vulnerabilities:\n    maxCvss: 11\n",
		     "p.yaml:5: maxCvss must be a number from 0 to 10");
	expect_error(HEAD "rules:\n  vulnerabilities: {}\n",
		     "p.yaml:4: vulnerabilities needs maxSeverity, maxCvss or denyKev");
	expect_error(HEAD "rules:\n  vulnerabilities:\n    source: attestation\n    keys: [k.pub]\n"
			  "    denyKev: true\n",
		     "p.yaml:5: vulnerabilities.source 'attestation' is not supported here: this "
		     "program cannot fetch attestations");
	expect_error(HEAD "rules:\n  vulnerabilities:\n    keys: [k.pub]\n    denyKev: true\n",
		     "p.yaml:5: vulnerabilities.keys only goes with source 'attestation'");
	expect_error(HEAD "rules:\n  signatures:\n    - match: '**'\n      keys: [k.pub]\n",
		     "p.yaml:5: rule 'signatures' is not yet supported: this build of customs "
		     "cannot verify signatures");
	expect_error(HEAD "rules:\n  signatures:\n    - match: '**'\n",
		     "p.yaml:5: 'keys' is required");
	expect_error(HEAD "rules:\n  attestations:\n    - {match: '**', keys: [k]}\n",
		     "p.yaml:5: 'type' is required");
	expect_error(HEAD "rules:\n  trustedRegistries: []\n",
		     "p.yaml:4: 'trustedRegistries' must not be empty");
	expect_error(HEAD "rules:\n  trustedRegistries: [a, 3]\n",
		     "p.yaml:4: 'trustedRegistries' entry 2 must be a non-empty string");
	expect_error(HEAD "rules:\n  allowedBaseImages: {}\n",
		     "p.yaml:4: allowedBaseImages needs names or refs");
	expect_error(HEAD "rules:\n  maxAge: 0s\n",
		     "p.yaml:4: invalid maxAge '0s' (e.g. 90d, 12h)");
	expect_error("- a\n- b\n", "p.yaml:1: a policy is one YAML document, a mapping");
	expect_error(HEAD "rules: {}\n---\n" HEAD "rules: {}\n",
		     "p.yaml:4: a policy is one YAML document, a mapping");
}

static int sig_ok(void *ud, const char *name, const char *digest, const char *const *keys,
		  size_t n_keys, char **ret_why, struct cs_error *err)
{
	(void)ud, (void)name, (void)digest, (void)keys, (void)n_keys, (void)ret_why, (void)err;
	return 1;
}

static void test_evidence_needed(void **state)
{
	const char *y = HEAD "rules:\n  signatures:\n    - match: '**'\n      keys: [k.pub]\n";
	struct cs_policy_evidence ev = { .verify_signature = sig_ok };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_policy *p = NULL;

	(void)state;
	/* with a verifier the rule loads; without one it never silently passes */
	assert_int_equal(cs_policy_parse(y, strlen(y), "p.yaml", &ev, &p, &err), 0);
	cs_policy_free(p);
	p = NULL;
	assert_int_equal(cs_policy_parse(y, strlen(y), "p.yaml", NULL, &p, &err),
			 -CS_E_UNSUPPORTED);
	assert_null(p);
}

static void test_decision(void **state)
{
	struct cs_policy_decision *d = calloc(1, sizeof(*d)), *c;
	char *m;

	(void)state;
	assert_int_equal(cs_policy_decision_add(d, "root-user", "runs as %s", "root"), 0);
	assert_int_equal(cs_policy_decision_add(d, "label", "missing"), 0);
	c = cs_policy_decision_dup(d);
	cs_policy_decision_free(d);
	m = cs_policy_decision_message(c);
	assert_string_equal(m, "root-user: runs as root; label: missing");
	free(m);
	cs_policy_decision_free(c);
}

#define REVIEW_HEAD                                                                                  \
	"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":" \
	"\"u-1\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"%s\"},\"object\":{\"spec\":%s}}}"

static struct cs_admission_request *review(const char *kind, const char *spec, struct cs_error *err)
{
	struct cs_admission_request *r = NULL;
	char buf[4096];

	snprintf(buf, sizeof(buf), REVIEW_HEAD, kind, spec);
	if (cs_admission_parse(buf, strlen(buf), &r, err) < 0)
		return NULL;
	return r;
}

static void test_admission(void **state)
{
	const char *pod = "{\"initContainers\":[{\"name\":\"i\",\"image\":\"busybox\"}],"
			  "\"containers\":[{\"name\":\"w\",\"image\":\"nginx:1\"}],"
			  "\"ephemeralContainers\":[{\"image\":\"alpine\"}]}";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_admission_request *r;
	char spec[1024];

	(void)state;
	r = review("Pod", pod, &err);
	assert_non_null(r);
	assert_string_equal(r->uid, "u-1");
	assert_int_equal(r->n_images, 3);
	assert_string_equal(r->images[0].image, "busybox");
	assert_string_equal(r->images[0].container, "spec.initContainers[0] (i)");
	assert_string_equal(r->images[1].container, "spec.containers[0] (w)");
	assert_string_equal(r->images[2].container, "spec.ephemeralContainers[0]");
	cs_admission_request_free(r);

	snprintf(spec, sizeof(spec), "{\"template\":{\"spec\":%s}}", pod);
	r = review("StatefulSet", spec, &err);
	assert_non_null(r);
	assert_int_equal(r->n_images, 3);
	assert_string_equal(r->images[1].container, "spec.template.spec.containers[0] (w)");
	cs_admission_request_free(r);

	snprintf(spec, sizeof(spec), "{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":%s}}}}",
		 pod);
	r = review("CronJob", spec, &err);
	assert_non_null(r);
	assert_string_equal(r->images[2].container,
			    "spec.jobTemplate.spec.template.spec.ephemeralContainers[0]");
	cs_admission_request_free(r);

	/* a Deployment whose template is missing is malformed */
	assert_null(review("Deployment", pod, &err));
	assert_string_equal(err.msg, "admission review: Deployment has no object at spec.template");
	assert_null(review("Pod", "{\"containers\":[{\"name\":\"x\"}]}", &err));
	assert_string_equal(err.msg, "admission review: spec.containers[0] has no valid image");
	/* other kinds: no images */
	r = review("ConfigMap", "{}", &err);
	assert_non_null(r);
	assert_false(r->workload);
	assert_int_equal(r->n_images, 0);
	cs_admission_request_free(r);
	assert_int_equal(cs_admission_parse("{\"kind\":\"AdmissionReview\"}", 26, &r, &err),
			 -CS_E_INPUT);
}

static void test_response(void **state)
{
	struct cs_buf b = CS_BUF_INIT(1u << 16);
	char *w[] = { "first", NULL };
	json_t *j, *resp;

	(void)state;
	assert_int_equal(cs_admission_response(&b, "u\"1", false, "no \"way\"", w), 0);
	j = json_loadb(b.data, b.len, 0, NULL);
	assert_non_null(j);
	resp = json_object_get(j, "response");
	assert_string_equal(json_string_value(json_object_get(j, "apiVersion")),
			    "admission.k8s.io/v1");
	assert_string_equal(json_string_value(json_object_get(resp, "uid")), "u\"1");
	assert_true(json_is_false(json_object_get(resp, "allowed")));
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(resp, "status"), "code")), 403);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(resp, "status"), "message")),
		"no \"way\"");
	assert_string_equal(json_string_value(json_array_get(json_object_get(resp, "warnings"), 0)),
			    "first");
	json_decref(j);
	cs_buf_done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),	     cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors), cmocka_unit_test(test_evidence_needed),
		cmocka_unit_test(test_decision),     cmocka_unit_test(test_admission),
		cmocka_unit_test(test_response),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
