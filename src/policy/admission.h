/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kubernetes AdmissionReview (admission.k8s.io/v1): the request's uid,
 * kind and operation, the image of every container, initContainer and
 * ephemeralContainer of the workload's pod spec (Pod, Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, CronJob), and the response
 * document. The request body is hostile: bounded in size, images and
 * containers counted; malformed input is -CS_E_INPUT naming the field.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "basic/buf.h"
#include "basic/error.h"

#define CS_ADMISSION_MAX_BODY	    (3u << 20) /* the API server's own request limit */
#define CS_ADMISSION_MAX_CONTAINERS 256
#define CS_ADMISSION_MAX_UID	    256

struct cs_admission_image {
	char *image;	 /* as written in the spec */
	char *container; /* "spec.template.spec.containers[0] (web)" */
};

struct cs_admission_request {
	char *uid;
	char *kind;	 /* request.kind.kind: "Deployment" */
	char *operation; /* "CREATE", "UPDATE", "DELETE", "CONNECT" */
	char *name;	 /* object name or request.name, may be NULL */
	char *namespace; /* may be NULL */
	bool workload;	 /* a kind whose pod spec we read */
	struct cs_admission_image *images;
	size_t n_images;
};

int cs_admission_parse(const char *data, size_t len, struct cs_admission_request **ret,
		       struct cs_error *err);
void cs_admission_request_free(struct cs_admission_request *r);
CS_DEFINE_CLEANUP(struct cs_admission_request *, cs_admission_request_free)

/*
 * Append the AdmissionReview response to out: uid echoed, allowed, and when
 * message is not NULL status {code (403 when denied, else 200), message};
 * warnings (NULL-terminated, may be NULL) listed as such.
 */
int cs_admission_response(struct cs_buf *out, const char *uid, bool allowed, const char *message,
			  char *const *warnings);
