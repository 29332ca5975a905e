/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inventory of a container engine: its containers (names, labels,
 * image, state, ports, mounts and, for running ones, the counts of the
 * CIS section 5 audit) and its images (tags, digests, labels, how many
 * containers use each, and optionally vulnerability counts from a scan).
 * Read through the Docker-compatible Engine API (image/engine_api.h).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "audit/audit.h"
#include "basic/error.h"
#include "image/image.h"
#include "vulndb/vulndb.h"

struct cs_inv_port {
	char *ip, *proto;
	unsigned host_port, container_port; /* host_port 0: not published */
};

struct cs_inv_mount {
	char *type, *source, *destination, *propagation;
	bool rw;
};

struct cs_inv_container {
	char *id, *name, *image, *image_id, *state, *status;
	int64_t created; /* seconds since the epoch, 0 unknown */
	json_t *labels;	 /* object of strings (owned) */
	struct cs_inv_port *ports;
	size_t n_ports;
	struct cs_inv_mount *mounts;
	size_t n_mounts;
	bool audited; /* running: counts[] holds the section 5 results */
	size_t counts[_CS_CHECK_STATUS_MAX];
};

struct cs_inv_image {
	char *id;
	char **tags, **digests; /* NULL-terminated */
	int64_t created, size;
	json_t *labels;
	size_t containers; /* containers (any state) created from it */
	bool scanned;
	size_t vulns[CS_SEV_CRITICAL + 1];
	size_t vulns_total;
	char *scan_error; /* one line, when the scan failed */
};

struct cs_inventory {
	char *engine; /* socket path */
	struct cs_inv_container *containers;
	size_t n_containers, n_running;
	struct cs_inv_image *images;
	size_t n_images;
};

/* Everything the engine at socket has, containers by name, images by first tag. */
int cs_inventory_collect(const char *socket, struct cs_inventory **ret, struct cs_error *err);
/*
 * Scan every image (engine:ID through opts, which must carry the engine
 * host) against db: vulns[] per severity. A failure is recorded on the
 * image (scan_error), never fatal. -ENOMEM only.
 */
int cs_inventory_scan(struct cs_inventory *inv, struct cs_vulndb *db,
		      const struct cs_image_options *opts);
void cs_inventory_free(struct cs_inventory *inv);
CS_DEFINE_CLEANUP(struct cs_inventory *, cs_inventory_free)
