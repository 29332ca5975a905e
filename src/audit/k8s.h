/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kubernetes and Docker Compose configuration audits (docs/AUDIT.md): the
 * least-privilege checks of every workload and service in a file, each
 * result naming the object, the container, the file and the line.
 *
 * Input is hostile: YAML goes through cs_yaml_parse's limits, and every
 * field is type-checked before use (a wrong type is a finding's evidence or
 * ignored, never a crash). Nothing here prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "audit/audit.h"
#include "basic/error.h"

#define CS_K8S_MAX_SIZE (64u << 20) /* bytes per input file */
#define CS_K8S_MAX_DOCS 100000	    /* documents per input file */
/* the annotation that turns checks off for one object, and why */
#define CS_K8S_IGNORE_ANNOTATION	"customs.dev/ignore"
#define CS_K8S_JUSTIFICATION_ANNOTATION "customs.dev/ignore-justification"

struct cs_k8s_options {
	bool strict; /* ignore annotations (and x-customs-ignore) do not apply */
};

/*
 * Audit every Kubernetes object of one file's content (YAML or JSON, any
 * number of documents, List kinds, Helm output) into a; path names the
 * file in results and errors. Unknown kinds become a warning. Errors:
 * -CS_E_INPUT when the content is not YAML or a document is not an object
 * (err: "PATH: reason"), -CS_E_LIMIT, -ENOMEM.
 */
int cs_audit_k8s(struct cs_audit *a, const char *path, const char *data, size_t len,
		 const struct cs_k8s_options *o, struct cs_error *err);

/*
 * A container's effective security context as the kubelet computes it:
 * the container's own fields, with the pod-level fields a container
 * inherits (runAsUser, runAsGroup, runAsNonRoot, seLinuxOptions,
 * seccompProfile, appArmorProfile, windowsOptions) filled in where the
 * container leaves them unset. Either argument may be NULL or not an
 * object. A new object, NULL without memory.
 */
json_t *cs_k8s_effective_security_context(const json_t *pod_sc, const json_t *container_sc);

/*
 * Audit one Compose file (services, with anchors, merge keys and x-
 * extensions) into a. Errors: -CS_E_INPUT when it is not YAML, not a
 * mapping or its services are not a mapping; -CS_E_LIMIT, -ENOMEM.
 */
int cs_audit_compose(struct cs_audit *a, const char *path, const char *data, size_t len,
		     const struct cs_k8s_options *o, struct cs_error *err);
