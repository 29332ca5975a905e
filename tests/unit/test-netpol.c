/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit/netpol.c: label selectors, peers (pod, namespace, both, ipBlock),
 * rule and port semantics, policyTypes defaulting, port-set arithmetic as
 * the cells show it, findings, and malformed input with its line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audit/netpol.h"

static struct cs_netpol *build(const char *yaml)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_netpol *np = NULL;

	assert_int_equal(cs_netpol_new(&np), 0);
	if (cs_netpol_load_mem(np, yaml, strlen(yaml), "t.yaml", &err) < 0 ||
	    cs_netpol_analyze(np, &err) < 0)
		fail_msg("%s", err.msg);
	return np;
}

static size_t wl(const struct cs_netpol *np, const char *id)
{
	for (size_t i = 0; i < cs_netpol_n_workloads(np); i++)
		if (!strcmp(cs_netpol_workload(np, i)->id, id))
			return i;
	fail_msg("no workload %s", id);
	return 0;
}

static void expect_cell(const struct cs_netpol *np, const char *src, const char *dst,
			const char *want)
{
	const char *got = cs_netpol_cell(np, wl(np, src), wl(np, dst));

	if (strcmp(got, want))
		fail_msg("%s -> %s: want '%s', got '%s'", src, dst, want, got);
}

static int load_error(const char *yaml, const char *msg)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_netpol *np = NULL;
	int r;

	assert_int_equal(cs_netpol_new(&np), 0);
	r = cs_netpol_load_mem(np, yaml, strlen(yaml), "t.yaml", &err);
	cs_netpol_free(np);
	assert_true(r < 0);
	if (!strstr(err.msg, msg))
		fail_msg("want '%s' in '%s'", msg, err.msg);
	assert_null(strchr(err.msg, '\n'));
	return r;
}

/* ---- selectors ---- */

static bool sel(const char *json, const char *const *kv, size_t n)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_label_selector *s = NULL;
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	bool r;

	assert_non_null(v);
	if (cs_label_selector_parse(v, &s, &err) < 0)
		fail_msg("%s", err.msg);
	r = cs_label_selector_matches(s, kv, n);
	cs_label_selector_free(s);
	json_decref(v);
	return r;
}

static void test_selectors(void **state)
{
	static const char *const web[] = { "app", "web", "tier", "front" };
	static const char *const none[] = { NULL };

	(void)state;
	assert_true(sel("{}", web, 2));
	assert_true(sel("{}", none, 0));
	assert_true(sel("null", web, 2));
	assert_true(sel("{\"matchLabels\":{\"app\":\"web\"}}", web, 2));
	assert_false(sel("{\"matchLabels\":{\"app\":\"web\",\"x\":\"y\"}}", web, 2));
	assert_false(sel("{\"matchLabels\":{\"app\":\"db\"}}", web, 2));
	assert_true(sel("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\","
			"\"values\":[\"db\",\"web\"]}]}",
			web, 2));
	assert_false(sel("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\","
			 "\"values\":[\"db\"]}]}",
			 web, 2));
	/* NotIn: an absent key matches */
	assert_true(sel("{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"NotIn\","
			"\"values\":[\"dev\"]}]}",
			web, 2));
	assert_false(sel("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"NotIn\","
			 "\"values\":[\"web\"]}]}",
			 web, 2));
	assert_true(
		sel("{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Exists\"}]}", web, 2));
	assert_false(sel("{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Exists\"}]}",
			 none, 0));
	assert_true(sel("{\"matchExpressions\":[{\"key\":\"x\",\"operator\":\"DoesNotExist\"}]}",
			web, 2));
	assert_false(sel("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":"
			 "\"DoesNotExist\"}]}",
			 web, 2));
	/* matchLabels AND matchExpressions */
	assert_false(sel("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":"
			 "\"tier\",\"operator\":\"In\",\"values\":[\"back\"]}]}",
			 web, 2));
}

static void test_selector_errors(void **state)
{
	static const char *const bad[] = {
		"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}",
		"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}",
		"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\",\"values\":[\"1\"]}]}",
		"{\"matchExpressions\":[{\"operator\":\"Exists\"}]}",
		"{\"matchLabels\":{\"a\":1}}",
		"{\"matchLabels\":[]}",
		"[]",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct cs_error err = CS_ERROR_INIT;
		struct cs_label_selector *s = NULL;
		json_t *v = json_loads(bad[i], JSON_DECODE_ANY, NULL);

		assert_non_null(v);
		assert_int_equal(cs_label_selector_parse(v, &s, &err), -CS_E_INPUT);
		assert_null(s);
		json_decref(v);
	}
}

/* ---- peers ---- */

#define NS(name, labels) \
	"---\nkind: Namespace\napiVersion: v1\nmetadata: {name: " name ", labels: " labels "}\n"
#define POD(ns, name, labels)                                                             \
	"---\nkind: Pod\napiVersion: v1\nmetadata: {name: " name ", namespace: " ns       \
	", labels: " labels                                                               \
	"}\nspec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: " \
	"8080}, {name: dns, containerPort: 53, protocol: UDP}]}]}\n"
#define POL(ns, name, spec)                                                                  \
	"---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: " name \
	", namespace: " ns "}\nspec: " spec "\n"

static const char cluster[] =
	NS("a", "{team: x}") NS("b", "{team: y}") POD("a", "client", "{app: client}")
		POD("a", "other", "{app: other}") POD("b", "client", "{app: client}")
			POD("c", "client", "{app: client}") POD("a", "srv", "{app: srv}");

static struct cs_netpol *with(const char *policy)
{
	char *y = NULL;
	struct cs_netpol *np;

	assert_true(asprintf(&y, "%s%s", cluster, policy) > 0);
	np = build(y);
	free(y);
	return np;
}

/* which sources reach a/Pod/srv: a string of a/client a/other b/client c/client as 0/1 */
static void expect_sources(const char *policy, const char *want)
{
	static const char *const src[] = { "a/Pod/client", "a/Pod/other", "b/Pod/client",
					   "c/Pod/client" };
	struct cs_netpol *np = with(policy);
	char got[5];

	for (size_t i = 0; i < 4; i++)
		got[i] = cs_netpol_allowed(np, wl(np, src[i]), wl(np, "a/Pod/srv")) ? '1' : '0';
	got[4] = '\0';
	if (strcmp(got, want))
		fail_msg("%s: want %s, got %s", policy, want, got);
	cs_netpol_free(np);
}

static void test_peers(void **state)
{
	(void)state;
	/* podSelector alone: the policy's namespace only */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: srv}}, ingress: [{from: "
			   "[{podSelector: {matchLabels: {app: client}}}]}]}"),
		       "1000");
	/* namespaceSelector alone: every pod of those namespaces */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: srv}}, ingress: [{from: "
			   "[{namespaceSelector: {matchLabels: {team: y}}}]}]}"),
		       "0010");
	/* both in one peer: AND */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: srv}}, ingress: [{from: "
			   "[{namespaceSelector: {}, podSelector: {matchLabels: {app: "
			   "client}}}]}]}"),
		       "1011");
	/* two peers: OR */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: srv}}, ingress: [{from: "
			   "[{namespaceSelector: {matchLabels: {team: x}}}, {podSelector: "
			   "{matchLabels: {app: client}}}]}]}"),
		       "1100");
	/* a namespace only referenced has just its name label */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: srv}}, ingress: [{from: "
			   "[{namespaceSelector: {matchLabels: "
			   "{kubernetes.io/metadata.name: c}}}]}]}"),
		       "0001");
	/* a user cannot take the name label away */
	expect_sources(NS("c", "{kubernetes.io/metadata.name: zzz}")
			       POL("a", "p",
				   "{podSelector: {matchLabels: {app: srv}}, ingress: "
				   "[{from: [{namespaceSelector: {matchLabels: "
				   "{kubernetes.io/metadata.name: c}}}]}]}"),
		       "0001");
	/* ipBlock never names a workload */
	expect_sources(POL("a", "p",
			   "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
			   "0.0.0.0/0}}]}]}"),
		       "0000");
	/* from absent, or empty: every source */
	expect_sources(POL("a", "p", "{podSelector: {}, ingress: [{ports: [{port: 1}]}]}"), "1111");
	expect_sources(POL("a", "p", "{podSelector: {}, ingress: [{from: []}]}"), "1111");
	/* ingress: [] and no ingress at all: nothing */
	expect_sources(POL("a", "p", "{podSelector: {}, ingress: []}"), "0000");
	expect_sources(POL("a", "p", "{podSelector: {}}"), "0000");
	/* a policy of another namespace does not isolate */
	expect_sources(POL("b", "p", "{podSelector: {}}"), "1111");
	/* egress only: the destination is not isolated for ingress */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: srv}}, policyTypes: "
			   "[Egress]}"),
		       "1111");
	/* egress rules without policyTypes: Ingress too */
	expect_sources(POL("a", "p", "{podSelector: {matchLabels: {app: srv}}, egress: [{}]}"),
		       "0000");
	/* the source's egress counts: a/other may only talk to b */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: other}}, policyTypes: "
			   "[Egress], egress: [{to: [{namespaceSelector: {matchLabels: "
			   "{team: y}}}]}]}"),
		       "1011");
	/* policies add up: two allow lists */
	expect_sources(POL("a", "p",
			   "{podSelector: {matchLabels: {app: srv}}, ingress: [{from: "
			   "[{podSelector: {matchLabels: {app: client}}}]}]}")
			       POL("a", "q",
				   "{podSelector: {}, ingress: [{from: [{namespaceSelector: "
				   "{matchLabels: {team: y}}}]}]}"),
		       "1010");
}

static void test_ports(void **state)
{
	struct cs_netpol *np;

	(void)state;
	/* named ports resolve on the destination, with their protocol */
	np = with(POL("a", "p",
		      "{podSelector: {matchLabels: {app: srv}}, ingress: [{ports: "
		      "[{port: http}, {port: dns, protocol: UDP}, {port: dns}]}]}"));
	expect_cell(np, "a/Pod/client", "a/Pod/srv", "8080/TCP,53/UDP");
	expect_cell(np, "a/Pod/srv", "a/Pod/client", "all");
	cs_netpol_free(np);
	/* adjacent and overlapping ranges merge; a whole protocol absorbs its ports */
	np = with(POL("a", "p",
		      "{podSelector: {matchLabels: {app: srv}}, ingress: [{ports: "
		      "[{port: 80}, {port: 81, endPort: 90}, {port: 85, endPort: 100}, "
		      "{port: 53, protocol: UDP}, {protocol: UDP}, {port: 7, protocol: "
		      "SCTP}]}]}"));
	expect_cell(np, "b/Pod/client", "a/Pod/srv", "80-100/TCP,*/UDP,7/SCTP");
	cs_netpol_free(np);
	/* the three whole protocols are "all"; unresolved names open nothing */
	np = with(POL("a", "p",
		      "{podSelector: {matchLabels: {app: srv}}, ingress: [{ports: "
		      "[{protocol: TCP}, {protocol: UDP}, {protocol: SCTP}]}, {from: "
		      "[{podSelector: {}}], ports: [{port: nope}]}]}"));
	expect_cell(np, "b/Pod/client", "a/Pod/srv", "all");
	cs_netpol_free(np);
	np = with(POL("a", "p",
		      "{podSelector: {matchLabels: {app: srv}}, ingress: [{ports: "
		      "[{port: nope}]}]}"));
	expect_cell(np, "a/Pod/client", "a/Pod/srv", "-");
	cs_netpol_free(np);
	/* egress and ingress intersect, port by port */
	np = with(POL("a", "p",
		      "{podSelector: {matchLabels: {app: srv}}, ingress: [{ports: "
		      "[{port: 1000, endPort: 2000}]}]}")
			  POL("a", "q",
			      "{podSelector: {matchLabels: {app: client}}, egress: [{ports: "
			      "[{port: 1500, endPort: 2500}, {port: 53, protocol: UDP}]}], "
			      "policyTypes: [Egress]}"));
	expect_cell(np, "a/Pod/client", "a/Pod/srv", "1500-2000/TCP");
	expect_cell(np, "a/Pod/client", "b/Pod/client", "1500-2500/TCP,53/UDP");
	/* egress named ports resolve on the destination too */
	cs_netpol_free(np);
	np = with(POL("a", "q",
		      "{podSelector: {matchLabels: {app: client}}, egress: [{ports: "
		      "[{port: http}]}], policyTypes: [Egress]}"));
	expect_cell(np, "a/Pod/client", "b/Pod/client", "8080/TCP");
	expect_cell(np, "a/Pod/client", "a/Pod/client", "8080/TCP");
	cs_netpol_free(np);
}

static bool has_result(const struct cs_audit *a, const char *id, const char *target,
		       enum cs_check_status st)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].id, id) && !strcmp(a->v[i].target, target) &&
		    a->v[i].status == st)
			return true;
	return false;
}

static void test_findings(void **state)
{
	struct cs_netpol *np;
	struct cs_audit *a = NULL;

	(void)state;
	np = with(POL("a", "deny", "{podSelector: {}, policyTypes: [Ingress, Egress]}") POL(
		"a", "open",
		"{podSelector: {matchLabels: {app: srv}}, ingress: "
		"[{from: [{namespaceSelector: {}}], ports: [{port: 8080}]}]}")
			  POL("a", "ghost", "{podSelector: {matchLabels: {app: ghost}}}")
				  POL("b", "web",
				      "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: "
				      "\"::/0\"}}]}]}"));
	assert_int_equal(cs_audit_new("netpol", &a), 0);
	assert_int_equal(cs_netpol_audit(np, false, a), 0);
	assert_true(has_result(a, "CS-NET-INGRESS-DEFAULT-ALLOW", "Pod a/srv", CS_CHECK_PASS));
	assert_true(has_result(a, "CS-NET-INGRESS-DEFAULT-ALLOW", "Pod c/client", CS_CHECK_FAIL));
	assert_true(has_result(a, "CS-NET-EGRESS-DEFAULT-ALLOW", "Pod a/srv", CS_CHECK_PASS));
	assert_true(has_result(a, "CS-NET-EGRESS-DEFAULT-ALLOW", "Pod b/client", CS_CHECK_WARN));
	assert_true(has_result(a, "CS-NET-NS-DEFAULT-DENY-INGRESS", "Namespace a", CS_CHECK_PASS));
	assert_true(has_result(a, "CS-NET-NS-DEFAULT-DENY-EGRESS", "Namespace a", CS_CHECK_PASS));
	assert_true(has_result(a, "CS-NET-NS-DEFAULT-DENY-INGRESS", "Namespace b", CS_CHECK_FAIL));
	assert_true(
		has_result(a, "CS-NET-REACHABLE-FROM-ALL-NAMESPACES", "Pod a/srv", CS_CHECK_WARN));
	assert_false(has_result(a, "CS-NET-REACHABLE-FROM-ALL-NAMESPACES", "Pod a/client",
				CS_CHECK_WARN));
	assert_true(has_result(a, "CS-NET-POLICY-SELECTS-NOTHING", "NetworkPolicy a/ghost",
			       CS_CHECK_WARN));
	assert_true(has_result(a, "CS-NET-POLICY-SELECTS-NOTHING", "NetworkPolicy a/deny",
			       CS_CHECK_PASS));
	assert_true(
		has_result(a, "CS-NET-INGRESS-FROM-ANY-IP", "NetworkPolicy b/web", CS_CHECK_WARN));
	/* "open" admits every namespace on 8080; the deny-all isolates a's egress */
	expect_cell(np, "c/Pod/client", "a/Pod/srv", "8080/TCP");
	expect_cell(np, "b/Pod/client", "a/Pod/srv", "8080/TCP");
	expect_cell(np, "a/Pod/client", "a/Pod/srv", "-");
	expect_cell(np, "a/Pod/srv", "c/Pod/client", "-");
	cs_audit_free(a);
	cs_netpol_free(np);
}

static void test_errors(void **state)
{
	(void)state;
	load_error("kind: Pod\nmetadata: {name: a, labels: {v: 1}}\n",
		   "t.yaml:2: Pod default/a: labels 'v' is not a string");
	load_error("kind: Pod\nmetadata: {name: A}\n", "not a valid name");
	load_error("kind: Deployment\nmetadata: {name: a}\nspec: {}\n", "no pod template");
	load_error(POL("x", "p", "{podSelector: {}, policyTypes: [Sideways]}"),
		   "unknown policyType 'Sideways'");
	load_error(POL("x", "p", "{ingress: [{from: [{}]}]}"),
		   "a peer needs podSelector, namespaceSelector or ipBlock");
	load_error(POL("x", "p", "{ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}"),
		   "bad prefix");
	load_error(POL("x", "p",
		       "{ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: "
		       "[11.0.0.0/8]}}]}]}"),
		   "not inside cidr");
	load_error(POL("x", "p",
		       "{ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: "
		       "[10.0.0.0/8]}}]}]}"),
		   "not inside cidr");
	load_error(POL("x", "p", "{ingress: [{ports: [{port: 0}]}]}"), "not a port number");
	load_error(POL("x", "p", "{ingress: [{ports: [{port: \"80\"}]}]}"),
		   "neither a number nor a port name");
	load_error(POL("x", "p", "{ingress: [{ports: [{port: 90, endPort: 80}]}]}"),
		   "endPort 80 is below port 90");
	load_error(POL("x", "p", "{ingress: [{ports: [{endPort: 80}]}]}"),
		   "endPort needs a numeric port");
	load_error(POL("x", "p", "{ingress: [{ports: [{port: 80, protocol: ICMP}]}]}"),
		   "unknown protocol 'ICMP'");
	load_error(POL("x", "p", "{ingress: {}}"), "'ingress' is not a list");
	load_error("kind: List\nitems:\n  - kind: List\n    items: []\n", "a List inside a list");
	load_error("a: [\n", "t.yaml");
}

static void test_limits(void **state)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_netpol *np = NULL;
	char *y = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&y, &n);

	(void)state;
	fputs("kind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  ingress:\n", f);
	for (int i = 0; i <= CS_NETPOL_MAX_ITEMS; i++)
		fputs("  - {}\n", f);
	fclose(f);
	assert_int_equal(cs_netpol_new(&np), 0);
	assert_int_equal(cs_netpol_load_mem(np, y, n, "t.yaml", &err), -CS_E_LIMIT);
	assert_non_null(strstr(err.msg, "more than"));
	cs_netpol_free(np);
	free(y);
}

static void test_sorted_and_replaced(void **state)
{
	struct cs_netpol *np;

	(void)state;
	/* a later object of the same kind and name replaces the earlier one */
	np = build("kind: Pod\nmetadata: {name: z, labels: {v: one}}\n---\n"
		   "kind: Deployment\nmetadata: {name: z, namespace: a}\nspec: {template: {}}\n"
		   "---\nkind: Pod\nmetadata: {name: z, labels: {v: two}}\n" POL(
			   "default", "p", "{podSelector: {matchLabels: {v: one}}, ingress: []}"));
	assert_int_equal(cs_netpol_n_workloads(np), 2);
	assert_string_equal(cs_netpol_workload(np, 0)->id, "a/Deployment/z");
	assert_string_equal(cs_netpol_workload(np, 1)->id, "default/Pod/z");
	assert_int_equal(cs_netpol_workload(np, 1)->line, 8);
	/* "one" is gone: the policy selects nothing, z is open */
	expect_cell(np, "a/Deployment/z", "default/Pod/z", "all");
	cs_netpol_free(np);
}

static void test_ignore_annotations(void **state)
{
	static const char y[] =
		"kind: Namespace\nmetadata:\n  name: ops\n  annotations:\n"
		"    customs.dev/ignore: CS-NET-NS-DEFAULT-DENY-EGRESS\n---\n"
		"kind: Deployment\nmetadata:\n  name: probe\n  namespace: ops\n  annotations:\n"
		"    customs.dev/ignore: \"cs-net-ingress-default-allow, CS-NET-EGRESS-DEFAULT-ALLOW\"\n"
		"    customs.dev/ignore-justification: the node's health checks\n"
		"spec: {template: {metadata: {labels: {app: probe}}}}\n";
	struct cs_netpol *np = build(y);
	struct cs_audit *a = NULL;

	(void)state;
	assert_int_equal(cs_audit_new("netpol", &a), 0);
	assert_int_equal(cs_netpol_audit(np, false, a), 0);
	assert_int_equal(a->n_suppressed, 3);
	for (size_t i = 0; i < a->n_suppressed; i++)
		assert_string_equal(a->suppressed[i].suppressed_by,
				    "annotation customs.dev/ignore");
	assert_false(has_result(a, "CS-NET-INGRESS-DEFAULT-ALLOW", "Deployment ops/probe",
				CS_CHECK_FAIL));
	assert_true(
		has_result(a, "CS-NET-NS-DEFAULT-DENY-INGRESS", "Namespace ops", CS_CHECK_FAIL));
	for (size_t i = 0; i < a->n_suppressed; i++)
		if (!strcmp(a->suppressed[i].target, "Deployment ops/probe"))
			assert_string_equal(a->suppressed[i].justification,
					    "the node's health checks");
	cs_audit_free(a);
	/* --strict: annotations do not apply */
	assert_int_equal(cs_audit_new("netpol", &a), 0);
	assert_int_equal(cs_netpol_audit(np, true, a), 0);
	assert_int_equal(a->n_suppressed, 0);
	assert_true(has_result(a, "CS-NET-INGRESS-DEFAULT-ALLOW", "Deployment ops/probe",
			       CS_CHECK_FAIL));
	cs_audit_free(a);
	cs_netpol_free(np);
}

/* JSON that libyaml refuses (a key longer than YAML's 1024-character simple keys) */
static void test_json_fallback(void **state)
{
	char key[1101], *doc = NULL;
	struct cs_netpol *np;

	(void)state;
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	assert_true(asprintf(&doc,
			     "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"z\", "
			     "\"labels\": {\"%s\": \"v\"}}}",
			     key) > 0);
	np = build(doc);
	assert_int_equal(cs_netpol_n_workloads(np), 1);
	assert_int_equal(cs_netpol_workload(np, 0)->line, 0); /* jansson: no lines */
	cs_netpol_free(np);
	doc[strlen(doc) - 1] = ','; /* broken: jansson's line and reason */
	load_error(doc, "t.yaml:1: ");
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selectors),     cmocka_unit_test(test_selector_errors),
		cmocka_unit_test(test_peers),	      cmocka_unit_test(test_ports),
		cmocka_unit_test(test_findings),      cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),	      cmocka_unit_test(test_sorted_and_replaced),
		cmocka_unit_test(test_json_fallback), cmocka_unit_test(test_ignore_annotations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
