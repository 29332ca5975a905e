/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert routing: each alert (one JSON line, and a text line for syslog)
 * goes to every configured target — stdout, a file with size/age rotation
 * and a retention count, syslog (a local datagram socket, RFC 3164 framing)
 * or an HTTP webhook with retries. Emitting never blocks the caller: each
 * target has a bounded queue and its own thread, a full queue drops the
 * alert and counts it. Repeats are rate limited per key (the rule and the
 * container) with a token bucket; the next alert of a key that passes
 * carries how many were suppressed before it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "basic/error.h"
#include "basic/macro.h"

#define CS_ALERT_TARGETS_MAX 16
#define CS_ALERT_LINE_MAX    (256u << 10) /* longer alerts are dropped and counted */

struct cs_alert {
	const char *key;  /* rate-limit key: "rule\x1fcontainer"; NULL: no limit */
	int severity;	  /* syslog severity 0 (emergency) .. 7 (debug) */
	const char *json; /* one JSON object, no newline */
	const char *text; /* one line for syslog; NULL: the JSON */
};

struct cs_alert_options {
	size_t queue_max;	     /* alerts queued per target (0: 1024) */
	unsigned rate_burst;	     /* alerts per key at once (0: 10) */
	double rate_per_sec;	     /* refill per key (0: 1/6, i.e. 10 a minute); <0: no limit */
	unsigned webhook_retries;    /* after the first try (0: 3) */
	unsigned webhook_timeout_ms; /* per request (0: 5000) */
	unsigned webhook_backoff_ms; /* first retry delay, doubled each time (0: 200) */
	double (*clock)(void);	     /* seconds, monotonic; NULL: CLOCK_MONOTONIC (tests) */
};

struct cs_alert_stats {
	uint64_t emitted;      /* alerts given to cs_alert_router_emit */
	uint64_t rate_limited; /* suppressed by the rate limit */
	uint64_t delivered;    /* per target, summed */
	uint64_t dropped;      /* queue full or alert too long, summed over targets */
	uint64_t failed;       /* a write or the webhook's retries failed, summed */
};

struct cs_alert_router;

/*
 * Targets: "stdout"; "file:PATH[?max_size=10M&max_age=1h&keep=5]" (size
 * suffixes K M G, age suffixes s m h d; keep rotated files PATH.1..PATH.N);
 * "syslog" or "syslog:SOCKET" (default /dev/log); "webhook:http(s)://...".
 * A bad target is -CS_E_USAGE with a one-line reason; files are opened here
 * (errors are reported now, not later).
 */
int cs_alert_router_new(const char *const *targets, size_t n, const struct cs_alert_options *o,
			struct cs_alert_router **ret, struct cs_error *err);
/* Queue an alert for every target; never blocks on a target. 0, or -ENOMEM. */
int cs_alert_router_emit(struct cs_alert_router *r, const struct cs_alert *a);
/* Wait up to timeout_ms for every queue to drain; true when they did. */
bool cs_alert_router_flush(struct cs_alert_router *r, unsigned timeout_ms);
/* Flush (up to timeout_ms; what remains is dropped), stop the threads, free. */
void cs_alert_router_free(struct cs_alert_router *r, unsigned timeout_ms);
void cs_alert_router_stats(struct cs_alert_router *r, struct cs_alert_stats *ret);
