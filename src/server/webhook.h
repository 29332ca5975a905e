/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Kubernetes validating admission webhook (libmicrohttpd, HTTPS): POST
 * /validate takes an AdmissionReview, evaluates the image of every
 * container against a policy and answers allowed or denied with every
 * reason. Tags are resolved to digests through the registry client and
 * decisions are cached by repository and digest (TTL, bounded size); each
 * request has a deadline after which the policy's failurePolicy decides.
 * GET /healthz answers "ok", GET /metrics gives Prometheus counters. Never
 * prints: trouble is logged through basic/log.h.
 */
#pragma once

#include <stdint.h>
#include "basic/error.h"
#include "image/image.h"
#include "policy/policy.h"

struct cs_vulndb;
struct cs_layer_cache;

struct cs_webhook_options {
	const char *listen;   /* "ADDR:PORT" (IPv4 or [IPv6]) */
	const char *tls_cert; /* PEM certificate (chain) path */
	const char *tls_key;  /* PEM private key path */
	const struct cs_policy *policy;
	const struct cs_image_options *image; /* registry settings for resolving and pulling */
	struct cs_vulndb *db;		      /* when the policy needs one; used under a lock */
	struct cs_layer_cache *cache;	      /* may be NULL */
	const struct cs_policy_evidence *evidence;
	unsigned threads;     /* HTTP worker threads, 0: 4 */
	uint64_t timeout_ms;  /* per request, 0: 10 s */
	uint64_t cache_ttl_s; /* decisions, 0: 300 s */
	uint64_t tag_ttl_s;   /* tag -> digest resolutions, 0: not cached */
	size_t cache_max;     /* entries, 0: 4096 */
	size_t max_body;      /* bytes, 0: CS_ADMISSION_MAX_BODY */
};

struct cs_webhook;

/* Start serving (threads run in the background). */
int cs_webhook_start(const struct cs_webhook_options *o, struct cs_webhook **ret,
		     struct cs_error *err);
/* Stop accepting, finish the requests and evaluations in flight, free. */
void cs_webhook_stop(struct cs_webhook *w);
uint16_t cs_webhook_port(const struct cs_webhook *w);
