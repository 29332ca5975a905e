/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Configuration audits — the host and its container engine, running
 * containers, Kubernetes and Compose files, network policies. Each check
 * gives a result per thing it looked at: an id (with its CIS Docker
 * Benchmark number where one exists), a title, a severity, a verdict, the
 * evidence it saw and how to fix it. Every report format and the exit-code
 * gating read this one model.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "basic/error.h"
#include "basic/macro.h"
#include "vulndb/vulndb.h" /* enum cs_severity */

enum cs_check_status {
	CS_CHECK_PASS = 0,
	CS_CHECK_FAIL,
	CS_CHECK_WARN,	 /* not a clear failure; a human should look */
	CS_CHECK_INFO,	 /* facts worth reporting, no verdict */
	CS_CHECK_MANUAL, /* cannot be decided from here; the remediation says how */
	CS_CHECK_SKIP,	 /* not applicable (no such engine, no such file) */
	_CS_CHECK_STATUS_MAX,
};
/* "pass", "fail", "warn", "info", "manual", "skip" */
const char *cs_check_status_name(enum cs_check_status s);
int cs_check_status_from_name(const char *s, enum cs_check_status *ret);

struct cs_check {
	const char *id;	   /* "CS-HOST-2.2", "CS-K8S-PRIVILEGED" — stable, documented */
	const char *cis;   /* CIS Docker Benchmark v1.6 number ("2.2") or NULL */
	const char *title; /* one line: what the check wants */
	enum cs_severity severity;
	enum cs_check_status status;
	const char *target;	 /* what was checked: "/etc/docker/daemon.json",
				  * "container web", "Deployment default/api container app" */
	const char *evidence;	 /* what was seen: "mode 0644 owner 0:0", "privileged: true" */
	const char *path;	 /* file the evidence is in, or NULL */
	unsigned line;		 /* 1-based line in path, 0 when unknown */
	const char *remediation; /* one line */
	const char *url;	 /* reference, or NULL */
	/* set on results an ignore (annotation, ignore file) turned off */
	const char *suppressed_by;
	const char *justification;
};

struct cs_audit {
	const char *kind; /* "host", "k8s", "compose", "netpol" (static) */
	struct cs_check *v;
	size_t n, cap;
	struct cs_check *suppressed;
	size_t n_suppressed, cap_suppressed;
	char **warnings; /* inputs skipped, checks that could not run; one line each */
	size_t n_warnings;
};

int cs_audit_new(const char *kind, struct cs_audit **ret);
void cs_audit_free(struct cs_audit *a);
CS_DEFINE_CLEANUP(struct cs_audit *, cs_audit_free)
/* Add a result; every string is copied. */
int cs_audit_add(struct cs_audit *a, const struct cs_check *c);
/* printf-style evidence convenience: c->evidence is ignored, fmt is used. */
int cs_audit_addf(struct cs_audit *a, const struct cs_check *c, const char *fmt, ...)
	CS_PRINTF(3, 4);
int cs_audit_addv(struct cs_audit *a, const struct cs_check *c, const char *fmt, va_list ap)
	CS_PRINTF(3, 0);
/* Add a result already marked suppressed (c->suppressed_by set). */
int cs_audit_add_suppressed(struct cs_audit *a, const struct cs_check *c);
int cs_audit_warn(struct cs_audit *a, const char *fmt, ...) CS_PRINTF(2, 3);
/* Stable order: status (fail, warn, manual, info, pass, skip), severity, id, target. */
void cs_audit_sort(struct cs_audit *a);
/*
 * Keep only the results (shown and suppressed) whose severity is selected
 * (sev[severity]; NULL: all) and, with problems_only, whose status is fail,
 * warn or manual.
 */
void cs_audit_filter(struct cs_audit *a, const bool *sev, bool problems_only);
/* Results with status s. */
size_t cs_audit_count(const struct cs_audit *a, enum cs_check_status s);
/* Any failure whose severity is selected (sev[severity]; NULL: any)? */
bool cs_audit_failed(const struct cs_audit *a, const bool *sev);
