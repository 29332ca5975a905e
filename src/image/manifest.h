/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI and Docker image metadata: descriptors, manifests, indexes (manifest
 * lists) and image configs, parsed from untrusted JSON with size and depth
 * limits. Unknown fields are ignored; missing required fields, wrong types
 * and invalid digests are -CS_E_INPUT with a message naming the field.
 */
#pragma once

#include "basic/buf.h"
#include "basic/error.h"

#define CS_MT_OCI_MANIFEST	    "application/vnd.oci.image.manifest.v1+json"
#define CS_MT_OCI_INDEX		    "application/vnd.oci.image.index.v1+json"
#define CS_MT_OCI_CONFIG	    "application/vnd.oci.image.config.v1+json"
#define CS_MT_OCI_LAYER		    "application/vnd.oci.image.layer.v1.tar"
#define CS_MT_OCI_LAYER_GZIP	    "application/vnd.oci.image.layer.v1.tar+gzip"
#define CS_MT_OCI_LAYER_ZSTD	    "application/vnd.oci.image.layer.v1.tar+zstd"
#define CS_MT_OCI_LAYER_ND	    "application/vnd.oci.image.layer.nondistributable.v1.tar"
#define CS_MT_DOCKER_MANIFEST	    "application/vnd.docker.distribution.manifest.v2+json"
#define CS_MT_DOCKER_LIST	    "application/vnd.docker.distribution.manifest.list.v2+json"
#define CS_MT_DOCKER_CONFIG	    "application/vnd.docker.container.image.v1+json"
#define CS_MT_DOCKER_LAYER_GZIP	    "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define CS_MT_DOCKER_LAYER_FOREIGN  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define CS_MT_DOCKER_SCHEMA1	    "application/vnd.docker.distribution.manifest.v1+json"
#define CS_MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

struct cs_kv {
	char *key;
	char *value;
};

struct cs_platform {
	char *os;	  /* "linux" */
	char *arch;	  /* "amd64" */
	char *variant;	  /* "v8" or NULL */
	char *os_version; /* Windows only, NULL otherwise */
};

struct cs_descriptor {
	char *media_type;
	char *digest;		     /* validated "alg:hex"; NULL only for docker-archive layers */
	int64_t size;		     /* -1 when unknown (docker-archive) */
	struct cs_platform platform; /* indexes only; fields NULL when absent */
	bool has_platform;
	struct cs_kv *annotations;
	size_t n_annotations;
	char **urls;	/* foreign layers */
	char *location; /* source-private: a path inside an archive */
};

enum cs_manifest_kind {
	CS_MANIFEST_IMAGE = 0, /* OCI image manifest or Docker v2s2 */
	CS_MANIFEST_INDEX,     /* OCI index or Docker manifest list */
};

struct cs_manifest {
	enum cs_manifest_kind kind;
	char *media_type; /* as declared or detected */
	int schema_version;
	struct cs_descriptor config; /* images */
	struct cs_descriptor *layers;
	size_t n_layers;
	struct cs_descriptor *manifests; /* indexes */
	size_t n_manifests;
	struct cs_kv *annotations;
	size_t n_annotations;
	char *artifact_type;
	struct cs_descriptor *subject; /* NULL if none */
};

struct cs_healthcheck {
	char **test; /* NULL-terminated; ["NONE"] disables */
	int64_t interval_ns, timeout_ns, start_period_ns, start_interval_ns;
	int64_t retries;
};

struct cs_history {
	char *created;
	char *created_by;
	char *author;
	char *comment;
	bool empty_layer;
};

struct cs_image_config {
	char *architecture;
	char *os;
	char *variant;
	char *os_version;
	char *created;
	char *author;
	/* config */
	char *user;
	char **env; /* NULL-terminated, may be NULL */
	char **entrypoint;
	char **cmd;
	char *working_dir;
	char **exposed_ports; /* "80/tcp" */
	char **volumes;
	char *stop_signal;
	char **shell;
	char **onbuild;
	struct cs_kv *labels;
	size_t n_labels;
	struct cs_healthcheck *healthcheck; /* NULL if none */
	/* rootfs */
	char *rootfs_type;
	char **diff_ids;
	size_t n_diff_ids;
	struct cs_history *history;
	size_t n_history;
};

/* Detects the kind from mediaType, or from the fields when mediaType is absent. */
int cs_manifest_parse(const char *data, size_t len, const char *media_type_hint,
		      struct cs_manifest **ret, struct cs_error *err);
void cs_manifest_free(struct cs_manifest *m);
CS_DEFINE_CLEANUP(struct cs_manifest *, cs_manifest_free)

int cs_image_config_parse(const char *data, size_t len, struct cs_image_config **ret,
			  struct cs_error *err);
void cs_image_config_free(struct cs_image_config *c);
CS_DEFINE_CLEANUP(struct cs_image_config *, cs_image_config_free)

void cs_descriptor_done(struct cs_descriptor *d);
void cs_platform_done(struct cs_platform *p);

/*
 * Parse "os/arch[/variant]" (e.g. "linux/arm64/v8"); the default is this
 * machine's platform. Normalises aliases (x86_64 -> amd64, aarch64 ->
 * arm64, arm64 variant v8 is implied).
 */
int cs_platform_parse(const char *s, struct cs_platform *ret, struct cs_error *err);
int cs_platform_default(struct cs_platform *ret);
bool cs_platform_matches(const struct cs_platform *want, const struct cs_platform *have);
/* "linux/arm64/v8" into buf */
const char *cs_platform_format(const struct cs_platform *p, char *buf, size_t n);
/*
 * Pick the manifest for `want` from an index: exact match first, then a
 * compatible variant. Attestation manifests (platform unknown/unknown) are
 * never picked. Returns the index in m->manifests or -CS_E_NOTFOUND with a
 * message listing the platforms available.
 */
int cs_index_select(const struct cs_manifest *m, const struct cs_platform *want,
		    struct cs_error *err);
/* Is this a layer media type we can read (tar, +gzip, +zstd, docker gzip)? */
bool cs_media_type_is_layer(const char *mt);
