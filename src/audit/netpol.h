/* SPDX-License-Identifier: Apache-2.0 */
/*
 * East-west network segmentation: Kubernetes NetworkPolicies
 * (networking.k8s.io/v1) evaluated exactly as Kubernetes defines them over
 * the namespaces and workloads of a set of manifests, into audit results and
 * a workload-to-workload reachability matrix (docs/AUDIT-NETPOL.md).
 *
 * Semantics: a pod is isolated for ingress when some policy of its
 * namespace selects it with Ingress among its policyTypes, and then only
 * what the union of those policies' ingress rules allows may reach it; the
 * same for egress. A connection A -> B on a port is allowed when A's egress
 * allows it (or A is not egress-isolated) and B's ingress allows it (or B is
 * not ingress-isolated). Named ports resolve against the destination's
 * container ports. ipBlock peers never match workloads (pod addresses are
 * not in manifests); they are reported, not put in the matrix.
 *
 * Input is hostile: every list and count is bounded, malformed objects are
 * -CS_E_INPUT naming the file and line. Never talks to a cluster, never
 * prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "audit/audit.h"
#include "basic/error.h"
#include "basic/macro.h"

#define CS_NETPOL_MAX_FILE_SIZE (64u << 20)
#define CS_NETPOL_MAX_FILES	100000
#define CS_NETPOL_MAX_DIR_DEPTH 32
#define CS_NETPOL_MAX_OBJECTS	1000000 /* every Kubernetes object read */
#define CS_NETPOL_MAX_WORKLOADS 5000	/* the matrix is workloads squared */
#define CS_NETPOL_MAX_POLICIES	50000
#define CS_NETPOL_MAX_ITEMS	10000 /* any one list: rules, peers, ports, labels, values */

struct cs_netpol;

int cs_netpol_new(struct cs_netpol **ret);
void cs_netpol_free(struct cs_netpol *np);
CS_DEFINE_CLEANUP(struct cs_netpol *, cs_netpol_free)

/*
 * Add the objects of one stream of YAML documents or a JSON document (List
 * kinds included); path names it in messages. Namespaces, Pods, Deployments,
 * ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs,
 * ReplicationControllers and NetworkPolicies are read; objects a controller
 * owns (ownerReferences with controller: true) are represented by their
 * owner and skipped; other kinds are ignored. A later object with the same
 * kind, namespace and name replaces an earlier one (with a warning).
 */
int cs_netpol_load_mem(struct cs_netpol *np, const char *data, size_t len, const char *path,
		       struct cs_error *err);
/*
 * A file, or every *.yaml, *.yml and *.json below a directory, in name order,
 * without following symbolic links below it.
 */
int cs_netpol_load_path(struct cs_netpol *np, const char *path, struct cs_error *err);
/* Select, resolve and compute the matrix; once, after every load. */
int cs_netpol_analyze(struct cs_netpol *np, struct cs_error *err);
/*
 * The results (docs/AUDIT-NETPOL.md) and the load warnings into a. A
 * result whose object's customs.dev/ignore annotation lists its check is
 * added as suppressed, unless strict.
 */
int cs_netpol_audit(const struct cs_netpol *np, bool strict, struct cs_audit *a);

struct cs_netpol_workload {
	const char *id;	  /* "NAMESPACE/KIND/NAME" */
	const char *kind; /* "Deployment" */
	const char *namespace;
	const char *name;
	const char *path; /* file it was read from */
	unsigned line;	  /* 0 when unknown (JSON input) */
	bool ingress_isolated;
	bool egress_isolated;
};

/* Workloads in matrix order (namespace, kind, name); valid after analyze. */
size_t cs_netpol_n_workloads(const struct cs_netpol *np);
const struct cs_netpol_workload *cs_netpol_workload(const struct cs_netpol *np, size_t i);
size_t cs_netpol_n_namespaces(const struct cs_netpol *np);
size_t cs_netpol_n_policies(const struct cs_netpol *np);
const char *cs_netpol_namespace_name(const struct cs_netpol *np, size_t i);
/*
 * What workload src may open to workload dst: "all", "-" (nothing) or the
 * ports, "80/TCP,8000-8080/TCP,*\/UDP" (protocols in the order TCP, UDP,
 * SCTP, ports ascending, "*" a whole protocol). Owned by np.
 */
const char *cs_netpol_cell(const struct cs_netpol *np, size_t src, size_t dst);
/* Is anything allowed from src to dst? */
bool cs_netpol_allowed(const struct cs_netpol *np, size_t src, size_t dst);

/*
 * Label selectors (metav1.LabelSelector: matchLabels and matchExpressions
 * with In, NotIn, Exists, DoesNotExist); exposed for the unit tests.
 * NULL or {} selects everything.
 */
struct cs_label_selector;
int cs_label_selector_parse(const json_t *v, struct cs_label_selector **ret, struct cs_error *err);
void cs_label_selector_free(struct cs_label_selector *s);
CS_DEFINE_CLEANUP(struct cs_label_selector *, cs_label_selector_free)
/* kv: n_pairs label pairs as key0, value0, key1, value1, ... */
bool cs_label_selector_matches(const struct cs_label_selector *s, const char *const *kv,
			       size_t n_pairs);
