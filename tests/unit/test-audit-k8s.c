/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit/k8s.c and audit/compose.c: the security-context merge (container
 * over pod, field by field, as the kubelet does), the judgement of host
 * paths, capabilities and image references, ignore lists, and small
 * manifests whose results are known.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "audit/internal.h"
#include "audit/k8s.h"
#include "report/report.h"

static json_t *js(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	assert_non_null(j);
	return j;
}

static void test_merge_container_wins(void **state)
{
	json_t *pod = js("{\"runAsUser\": 1000, \"runAsGroup\": 3000, \"runAsNonRoot\": true,"
			 " \"seccompProfile\": {\"type\": \"RuntimeDefault\"}, \"fsGroup\": 2000,"
			 " \"supplementalGroups\": [4000], \"sysctls\": []}");
	json_t *ctr = js("{\"runAsUser\": 0, \"privileged\": false,"
			 " \"seccompProfile\": {\"type\": \"Unconfined\"}}");
	json_t *sc = cs_k8s_effective_security_context(pod, ctr);

	(void)state;
	assert_non_null(sc);
	/* the container's own values win */
	assert_int_equal(json_integer_value(json_object_get(sc, "runAsUser")), 0);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(sc, "seccompProfile"), "type")),
		"Unconfined");
	/* inherited where the container is silent */
	assert_int_equal(json_integer_value(json_object_get(sc, "runAsGroup")), 3000);
	assert_true(json_is_true(json_object_get(sc, "runAsNonRoot")));
	assert_true(json_is_false(json_object_get(sc, "privileged")));
	/* pod-only fields do not reach the container */
	assert_null(json_object_get(sc, "fsGroup"));
	assert_null(json_object_get(sc, "supplementalGroups"));
	assert_null(json_object_get(sc, "sysctls"));
	/* the inputs are untouched */
	assert_null(json_object_get(ctr, "runAsGroup"));
	json_decref(sc);
	json_decref(pod);
	json_decref(ctr);
}

static void test_merge_container_only_fields(void **state)
{
	/* privileged, capabilities, readOnlyRootFilesystem are not pod fields */
	json_t *pod =
		js("{\"privileged\": true, \"readOnlyRootFilesystem\": true,"
		   " \"capabilities\": {\"drop\": [\"ALL\"]}, \"allowPrivilegeEscalation\": false,"
		   " \"appArmorProfile\": {\"type\": \"Localhost\"}, \"windowsOptions\": {}}");
	json_t *sc = cs_k8s_effective_security_context(pod, NULL);

	(void)state;
	assert_non_null(sc);
	assert_null(json_object_get(sc, "privileged"));
	assert_null(json_object_get(sc, "readOnlyRootFilesystem"));
	assert_null(json_object_get(sc, "capabilities"));
	assert_null(json_object_get(sc, "allowPrivilegeEscalation"));
	assert_non_null(json_object_get(sc, "appArmorProfile"));
	assert_non_null(json_object_get(sc, "windowsOptions"));
	json_decref(sc);
	json_decref(pod);
}

static void test_merge_null_and_wrong_types(void **state)
{
	json_t *pod = js("{\"runAsUser\": 5}"), *ctr = js("{\"runAsUser\": null}");
	json_t *notobj = js("[1, 2]"), *sc;

	(void)state;
	/* an explicit null in the container is unset: the pod's value applies */
	sc = cs_k8s_effective_security_context(pod, ctr);
	assert_int_equal(json_integer_value(json_object_get(sc, "runAsUser")), 5);
	json_decref(sc);
	/* neither is an object: an empty context */
	sc = cs_k8s_effective_security_context(notobj, notobj);
	assert_true(json_is_object(sc));
	assert_int_equal(json_object_size(sc), 0);
	json_decref(sc);
	sc = cs_k8s_effective_security_context(NULL, NULL);
	assert_int_equal(json_object_size(sc), 0);
	json_decref(sc);
	json_decref(pod);
	json_decref(ctr);
	json_decref(notobj);
}

static void test_host_paths(void **state)
{
	static const struct {
		const char *in, *norm;
		enum audit_host_path want;
	} cases[] = {
		{ "/", "/", AUDIT_PATH_SENSITIVE },
		{ "//", "/", AUDIT_PATH_SENSITIVE },
		{ "/etc", "/etc", AUDIT_PATH_SENSITIVE },
		{ "/etc/", "/etc", AUDIT_PATH_SENSITIVE },
		{ "/etc/kubernetes/pki", "/etc/kubernetes/pki", AUDIT_PATH_SENSITIVE },
		{ "/var/run/docker.sock", "/var/run/docker.sock", AUDIT_PATH_SENSITIVE },
		{ "/var/run", "/var/run", AUDIT_PATH_SENSITIVE }, /* holds docker.sock */
		{ "/var", "/var", AUDIT_PATH_SENSITIVE },
		{ "/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
		  AUDIT_PATH_SENSITIVE },
		{ "/var/lib/kubelet", "/var/lib/kubelet", AUDIT_PATH_SENSITIVE },
		{ "/srv/../proc/1", "/proc/1", AUDIT_PATH_SENSITIVE },
		{ "/data/./x/../../sys", "/sys", AUDIT_PATH_SENSITIVE },
		{ "/../../root", "/root", AUDIT_PATH_SENSITIVE },
		{ "/var/log", "/var/log", AUDIT_PATH_OK },
		{ "/var/lib/dockerish", "/var/lib/dockerish", AUDIT_PATH_OK },
		{ "/etcd-data", "/etcd-data", AUDIT_PATH_OK },
		{ "/srv/data", "/srv/data", AUDIT_PATH_OK },
		{ "data/x", "data/x", AUDIT_PATH_RELATIVE },
		{ "./data", "data", AUDIT_PATH_RELATIVE },
		{ "", ".", AUDIT_PATH_RELATIVE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *norm = NULL;
		enum audit_host_path k = audit_host_path(cases[i].in, &norm);

		assert_non_null(norm);
		if (k != cases[i].want || strcmp(norm, cases[i].norm) != 0)
			fail_msg("'%s': got %d '%s', want %d '%s'", cases[i].in, k, norm,
				 cases[i].want, cases[i].norm);
		free(norm);
	}
}

static void test_caps_images_ids(void **state)
{
	(void)state;
	assert_true(audit_cap_dangerous("SYS_ADMIN"));
	assert_true(audit_cap_dangerous("cap_sys_admin"));
	assert_true(audit_cap_dangerous("CAP_NET_RAW"));
	assert_true(audit_cap_dangerous("all"));
	assert_true(audit_cap_dangerous("*"));
	assert_false(audit_cap_dangerous("CHOWN"));
	assert_false(audit_cap_dangerous("NET_BIND_SERVICE"));
	assert_false(audit_cap_dangerous("SYS_ADMINX"));
	assert_true(audit_cap_is_all("CAP_ALL"));
	assert_false(audit_cap_is_all("ALLX"));

	assert_int_equal(audit_image_ref("nginx"), AUDIT_IMAGE_UNTAGGED);
	assert_int_equal(audit_image_ref("nginx:latest"), AUDIT_IMAGE_LATEST);
	assert_int_equal(audit_image_ref("nginx:1.25"), AUDIT_IMAGE_TAG);
	assert_int_equal(audit_image_ref("localhost:5000/nginx"), AUDIT_IMAGE_UNTAGGED);
	assert_int_equal(audit_image_ref("localhost:5000/a/nginx:latest"), AUDIT_IMAGE_LATEST);
	assert_int_equal(audit_image_ref("nginx@sha256:abcd"), AUDIT_IMAGE_DIGEST);
	assert_int_equal(audit_image_ref("nginx:"), AUDIT_IMAGE_UNTAGGED);

	assert_true(audit_id_listed("CS-K8S-A, cs-k8s-b", "CS-K8S-B"));
	assert_true(audit_id_listed("  CS-K8S-A\tCS-K8S-B\n", "CS-K8S-A"));
	assert_true(audit_id_listed("all", "CS-K8S-X"));
	assert_true(audit_id_listed("*", "CS-K8S-X"));
	assert_false(audit_id_listed("CS-K8S-AB", "CS-K8S-A"));
	assert_false(audit_id_listed("CS-K8S-A", "CS-K8S-AB"));
	assert_false(audit_id_listed("", "CS-K8S-A"));
	assert_false(audit_id_listed(",,,", "CS-K8S-A"));
}

/* status of the result of check id whose target contains what; -1 if none */
static int status_of(const struct cs_audit *a, const char *id, const char *what)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].id, id) && strstr(a->v[i].target, what))
			return (int)a->v[i].status;
	return -1;
}

static void test_pod_inherits(void **state)
{
	/* pod-level runAsUser 0 and Unconfined reach a container that says nothing */
	static const char m[] = "apiVersion: v1\n"
				"kind: Pod\n"
				"metadata: {name: p, namespace: n}\n"
				"spec:\n"
				"  securityContext:\n"
				"    runAsUser: 0\n"
				"    seccompProfile: {type: Unconfined}\n"
				"  containers:\n"
				"    - name: a\n"
				"      image: x:1\n"
				"    - name: b\n"
				"      image: x:1\n"
				"      securityContext:\n"
				"        runAsUser: 1000\n"
				"        seccompProfile: {type: RuntimeDefault}\n";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_audit *a = NULL;

	(void)state;
	assert_int_equal(cs_audit_new("k8s", &a), 0);
	assert_int_equal(cs_audit_k8s(a, "m.yaml", m, strlen(m), NULL, &err), 0);
	assert_int_equal(status_of(a, "CS-K8S-RUN-AS-NON-ROOT", "container a"), CS_CHECK_FAIL);
	assert_int_equal(status_of(a, "CS-K8S-RUN-AS-NON-ROOT", "container b"), CS_CHECK_PASS);
	assert_int_equal(status_of(a, "CS-K8S-SECCOMP", "container a"), CS_CHECK_FAIL);
	assert_int_equal(status_of(a, "CS-K8S-SECCOMP", "container b"), CS_CHECK_PASS);
	/* the line of a's runAsUser result is the pod's securityContext (line 6 is
	 * the scalar; the mapping starts there) */
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].id, "CS-K8S-RUN-AS-NON-ROOT") &&
		    strstr(a->v[i].target, "container a"))
			assert_int_equal(a->v[i].line, 6);
	cs_audit_free(a);
}

static void test_bad_documents(void **state)
{
	static const char scalar[] = "kind: Pod\n---\njust text\n";
	static const char list_items[] = "kind: List\nitems: [1]\n";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_audit *a = NULL;

	(void)state;
	assert_int_equal(cs_audit_new("k8s", &a), 0);
	assert_int_equal(cs_audit_k8s(a, "s.yaml", scalar, strlen(scalar), NULL, &err),
			 -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "s.yaml:2: document 2 is not a mapping"));
	err = (struct cs_error)CS_ERROR_INIT;
	assert_int_equal(cs_audit_k8s(a, "l.yaml", list_items, strlen(list_items), NULL, &err),
			 -CS_E_INPUT);
	assert_non_null(strstr(err.msg, "List item 1 is not a mapping"));
	cs_audit_free(a);
}

static void test_compose_merge_and_ports(void **state)
{
	static const char m[] = "x-base: &base\n"
				"  user: \"0\"\n"
				"  read_only: true\n"
				"services:\n"
				"  a:\n"
				"    <<: *base\n"
				"    image: a:1\n"
				"    ports: [\"127.0.0.1:80:80\", \"[::1]:81:81\"]\n"
				"  b:\n"
				"    <<: *base\n"
				"    user: \"1000\"\n"
				"    image: b:1\n"
				"    ports: [\"[::]:443:443\"]\n";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_audit *a = NULL;

	(void)state;
	assert_int_equal(cs_audit_new("compose", &a), 0);
	assert_int_equal(cs_audit_compose(a, "c.yml", m, strlen(m), NULL, &err), 0);
	assert_int_equal(status_of(a, "CS-COMPOSE-USER", "service a"), CS_CHECK_FAIL);
	assert_int_equal(status_of(a, "CS-COMPOSE-USER", "service b"), CS_CHECK_PASS);
	assert_int_equal(status_of(a, "CS-COMPOSE-READ-ONLY", "service b"), CS_CHECK_PASS);
	assert_int_equal(status_of(a, "CS-COMPOSE-PORTS", "service a"), CS_CHECK_PASS);
	assert_int_equal(status_of(a, "CS-COMPOSE-PORTS", "service b"), CS_CHECK_FAIL);
	cs_audit_free(a);
}

/* cs_audit_filter and the JSON report: what the CLI's options select is what is written */
static void test_filter_and_json(void **state)
{
	static const char m[] =
		"kind: Pod\n"
		"metadata: {name: p, namespace: n,\n"
		"  annotations: {customs.dev/ignore: CS-K8S-HOST-PID}}\n"
		"spec:\n"
		"  hostPID: true\n"
		"  containers: [{name: c, image: 'x:1', securityContext: {privileged: true}}]\n";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_audit *a = NULL;
	bool sev[CS_SEV_CRITICAL + 1] = { [CS_SEV_CRITICAL] = true, [CS_SEV_HIGH] = true };
	char *buf = NULL;
	size_t len = 0;
	json_error_t je;
	json_t *doc, *res;
	FILE *f;
	size_t i;

	(void)state;
	assert_int_equal(cs_audit_new("k8s", &a), 0);
	assert_int_equal(cs_audit_k8s(a, "m.yaml", m, strlen(m), NULL, &err), 0);
	assert_int_equal(a->n_suppressed, 1);
	assert_string_equal(a->suppressed[0].id, "CS-K8S-HOST-PID");
	cs_audit_filter(a, sev, true);
	cs_audit_sort(a);
	for (i = 0; i < a->n; i++) {
		assert_true(a->v[i].severity >= CS_SEV_HIGH);
		assert_true(a->v[i].status == CS_CHECK_FAIL || a->v[i].status == CS_CHECK_WARN);
	}
	/* the most severe failure first */
	assert_string_equal(a->v[0].id, "CS-K8S-PRIVILEGED");
	assert_true(cs_audit_failed(a, NULL));

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(cs_report_audit(CS_REPORT_JSON, a, NULL, f, &err), 0);
	fclose(f);
	doc = json_loadb(buf, len, 0, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), CS_AUDIT_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(doc, "kind")), "k8s");
	res = json_object_get(doc, "results");
	assert_int_equal(json_array_size(res), a->n);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(doc, "summary"), "fail")),
		cs_audit_count(a, CS_CHECK_FAIL));
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(doc, "suppressed"), 0), "suppressedBy")),
		"annotation customs.dev/ignore");
	json_decref(doc);
	free(buf);
	/* CycloneDX is not an audit format */
	err = (struct cs_error)CS_ERROR_INIT;
	assert_int_equal(cs_report_audit(CS_REPORT_CYCLONEDX, a, NULL, stdout, &err), -ENOTSUP);
	cs_audit_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_container_wins),
		cmocka_unit_test(test_merge_container_only_fields),
		cmocka_unit_test(test_merge_null_and_wrong_types),
		cmocka_unit_test(test_host_paths),
		cmocka_unit_test(test_caps_images_ids),
		cmocka_unit_test(test_pod_inherits),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_compose_merge_and_ports),
		cmocka_unit_test(test_filter_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
