/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image references, in the syntax skopeo and syft users know:
 *   docker-archive:PATH[:NAME:TAG|:@INDEX]   docker save output
 *   oci:DIR[:TAG]                            OCI image layout
 *   oci-archive:PATH[:TAG]                   tar of an OCI layout
 *   dir:PATH                                 a root filesystem
 *   registry:HOST/REPO[:TAG][@DIGEST]        OCI distribution API
 *   engine:NAME                              image of the local Docker/Podman engine
 *   HOST/REPO:TAG, REPO:TAG, ...             plain names mean registry:
 * Docker reference normalisation applies to registry names: "alpine" is
 * docker.io/library/alpine:latest.
 */
#pragma once

#include "basic/error.h"

enum cs_transport {
	CS_TRANSPORT_DOCKER_ARCHIVE = 0,
	CS_TRANSPORT_OCI,
	CS_TRANSPORT_OCI_ARCHIVE,
	CS_TRANSPORT_DIR,
	CS_TRANSPORT_REGISTRY,
	CS_TRANSPORT_ENGINE,
};

/* A parsed docker-style name: [domain/]path[:tag][@digest] */
struct cs_docker_ref {
	char *domain; /* "docker.io", "localhost:5000" */
	char *path;   /* "library/alpine" */
	char *tag;    /* NULL if none given */
	char *digest; /* NULL if none given */
};

struct cs_ref {
	enum cs_transport transport;
	char *input;		   /* the reference as given */
	char *path;		   /* archive/layout/rootfs path */
	char *tag;		   /* oci/oci-archive tag, docker-archive NAME:TAG */
	int index;		   /* docker-archive @INDEX, -1 if none */
	struct cs_docker_ref name; /* registry (and engine, when it parses) */
	char *engine_name;	   /* engine: as given */
};

int cs_ref_parse(const char *s, struct cs_ref **ret, struct cs_error *err);
void cs_ref_free(struct cs_ref *ref);
CS_DEFINE_CLEANUP(struct cs_ref *, cs_ref_free)
const char *cs_transport_name(enum cs_transport t);

/*
 * Parse and normalise a docker reference ("alpine", "ghcr.io/a/b:1@sha256:..").
 * Fills ret (caller frees with cs_docker_ref_done). When no tag and no digest
 * are given and default_tag is true, tag is "latest".
 */
int cs_docker_ref_parse(const char *s, bool default_tag, struct cs_docker_ref *ret,
			struct cs_error *err);
void cs_docker_ref_done(struct cs_docker_ref *r);
/* "domain/path[:tag][@digest]" into a new string */
char *cs_docker_ref_format(const struct cs_docker_ref *r);
