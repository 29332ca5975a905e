/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the Kubernetes and Compose audits share (audit/k8s.c, compose.c):
 * the judgement of a capability, a host path and an image reference, the
 * ignore lists of annotations, and one result writer. Only for src/audit/.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "audit/audit.h"

/* A check as documented in docs/AUDIT.md: the constant part of its results. */
struct audit_def {
	const char *id;
	const char *title;
	enum cs_severity severity;
	const char *remediation;
};

/*
 * A capability that gives a container a way out or power over the host
 * (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL...). name may carry "CAP_" and any
 * case.
 */
bool audit_cap_dangerous(const char *name);
/* Is name ALL (any case, with or without "CAP_")? */
bool audit_cap_is_all(const char *name);

enum audit_host_path {
	AUDIT_PATH_OK = 0,    /* a host directory without host secrets or control */
	AUDIT_PATH_SENSITIVE, /* /, /etc, /proc, the engine sockets, kubelet state... */
	AUDIT_PATH_RELATIVE,  /* not absolute: no judgement */
};
/*
 * Judge a host path after normalising it ("//", ".", ".." and a trailing
 * "/"): sensitive when it is, is under or contains (as "/" and "/var" do) a
 * sensitive path. *norm receives the normalised path (new string; NULL
 * without memory, then the result is AUDIT_PATH_SENSITIVE).
 */
enum audit_host_path audit_host_path(const char *path, char **norm);

enum audit_image {
	AUDIT_IMAGE_DIGEST = 0, /* pinned by digest */
	AUDIT_IMAGE_TAG,	/* a tag other than latest */
	AUDIT_IMAGE_LATEST,	/* :latest */
	AUDIT_IMAGE_UNTAGGED,	/* no tag and no digest: latest */
};
enum audit_image audit_image_ref(const char *ref);

/*
 * Is id in list, a comma or white-space separated list of check ids
 * ("*" or "all" match every id)? Case-insensitive.
 */
bool audit_id_listed(const char *list, const char *id);
