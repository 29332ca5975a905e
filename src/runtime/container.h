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
 *
 * The engine is never asked on the caller's path: a resolver thread owned
 * by the cache takes the ids of new containers from a bounded,
 * deduplicated queue and answers through cs_containers_poll, which the
 * caller runs in its own thread (lookups never lock). Until the first
 * answer a container is CS_CONTAINER_PENDING (name: the short id); when the
 * engine does not answer it is asked again at a later lookup, after a
 * backoff doubling from CS_CONTAINERS_RETRY_MIN_MS to _MAX_MS.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "basic/error.h"
#include "runtime/event.h"

#define CS_CONTAINERS_RESCAN_MS	   200
#define CS_CONTAINERS_MAX_CGROUPS  (1u << 20) /* directories mapped */
#define CS_CONTAINERS_MAX_DEPTH	   32
#define CS_CONTAINERS_MAX	   65536
#define CS_CONTAINERS_QUEUE_MAX	   256 /* engine requests queued or unread */
#define CS_CONTAINERS_RETRY_MIN_MS 250
#define CS_CONTAINERS_RETRY_MAX_MS 30000

enum cs_container_state {
	CS_CONTAINER_HOST = 0,	  /* not a container's cgroup */
	CS_CONTAINER_KNOWN = 1,	  /* a container: what the engine said, or all it will say */
	CS_CONTAINER_PENDING = 2, /* a container whose engine answer has not come yet */
};

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
 * The container of cgroup id into out: CS_CONTAINER_HOST (0, out set to
 * "host") for the host, else a container's (id, full_id and, when the
 * engine answered, name, image, labels). An id unknown after a rescan is
 * the host's. Never blocks on the engine: a container not yet asked is
 * queued for the resolver thread and is CS_CONTAINER_PENDING until its
 * first answer (or cs_containers_give_up).
 */
enum cs_container_state cs_containers_lookup(struct cs_containers *c, uint64_t cgroup_id,
					     struct cs_rt_container *out);

/*
 * Take the resolver's answers into the cache (from the lookups' thread);
 * fn(full_id, answered, ud) for each container that stopped being pending
 * (answered: the engine gave its metadata; false: the request failed).
 * Cheap when there is nothing (one atomic load). Returns the answers taken.
 */
int cs_containers_poll(struct cs_containers *c,
		       void (*fn)(const char *full_id, bool answered, void *ud), void *ud);

/* Stop waiting for full_id's metadata: it is CS_CONTAINER_KNOWN from now on. */
void cs_containers_give_up(struct cs_containers *c, const char *full_id);

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
