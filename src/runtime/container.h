/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container context for runtime events: which container a cgroup id belongs
 * to, and that container's name, image and labels.
 *
 * On cgroup v2 the id bpf_get_current_cgroup_id() returns is the inode
 * number of the cgroup's directory, so a walk of the unified hierarchy maps
 * ids to directories, and the directory names of the engines name the
 * container: Podman's libpod-<id> (cgroupfs) and libpod-<id>.scope
 * (systemd), Docker's docker-<id>.scope and docker/<id>, containerd's
 * cri-containerd-<id>.scope, CRI-O's crio-<id>.scope. Cgroups below a
 * container's belong to it. An unknown id triggers a rescan (at most every
 * CS_CONTAINERS_RESCAN_MS); name, image and labels come from the engine API
 * (GET /containers/ID/json) once per container and are cached.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "basic/error.h"
#include "runtime/event.h"

#define CS_CONTAINERS_RESCAN_MS	  200
#define CS_CONTAINERS_MAX_CGROUPS (1u << 20) /* directories mapped */
#define CS_CONTAINERS_MAX_DEPTH	  32
#define CS_CONTAINERS_MAX	  65536

struct cs_containers;

/*
 * cgroup_root: the cgroup v2 hierarchy to walk (NULL: /sys/fs/cgroup when it
 * is cgroup2, else /sys/fs/cgroup/unified). engine_socket: the engine API
 * socket for names and images (NULL: none, ids only).
 */
int cs_containers_new(const char *cgroup_root, const char *engine_socket,
		      struct cs_containers **ret, struct cs_error *err);
void cs_containers_free(struct cs_containers *c);
/* The hierarchy walked (for messages). */
const char *cs_containers_root(const struct cs_containers *c);

/* Walk the hierarchy again. Returns the number of cgroups mapped or <0. */
int cs_containers_rescan(struct cs_containers *c, struct cs_error *err);

/*
 * The container of cgroup id into out: true for a container (id, full_id
 * and, when the engine answered, name, image, labels), false for the host
 * (out set to "host"). An id unknown after a rescan is the host's.
 */
bool cs_containers_lookup(struct cs_containers *c, uint64_t cgroup_id, struct cs_rt_container *out);

/* Whether cgroup_id was seen by a walk (a known host cgroup, or a container's). */
bool cs_containers_known(struct cs_containers *c, uint64_t cgroup_id);

/*
 * The container id named by one cgroup directory name ("libpod-<64 hex>",
 * "docker-<64 hex>.scope", ...): the 64 hex digits into id (65 bytes).
 * in_docker: the parent directory is "docker" (cgroupfs Docker: docker/<id>).
 */
bool cs_cgroup_name_container_id(const char *name, bool in_docker, char id[65]);

/* Whether s (a name or an id prefix of at least 3 hex digits) names container c. */
bool cs_container_matches(const struct cs_rt_container *c, const char *s);
