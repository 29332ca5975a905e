/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An image, from any source: its identity (manifest and config digests),
 * its parsed config, its layers, and a walk over the layers that feeds any
 * number of walkers in one pass.
 */
#pragma once

#include "basic/error.h"
#include "basic/progress.h"
#include "image/layer.h"
#include "image/limits.h"
#include "image/manifest.h"
#include "image/ref.h"

struct cs_image_options {
	const char *platform;  /* "os/arch[/variant]"; NULL: this machine's */
	const char *ca_cert;   /* extra CA bundle (PEM) for registries */
	bool insecure;	       /* allow plain HTTP registries */
	bool tls_verify;       /* verify registry certificates (default true) */
	const char *auth_file; /* overrides $REGISTRY_AUTH_FILE and ~/.docker/config.json */
	const char *username;  /* explicit credentials */
	const char *password;
	const char *engine_host; /* unix:///PATH; NULL: $DOCKER_HOST, then the usual sockets */
	const char *tmpdir;	 /* spool space; NULL: $TMPDIR or /var/tmp */
	unsigned retries;	 /* network retries (with backoff) */
	struct cs_limits limits;
	const struct cs_progress *progress;
};

void cs_image_options_default(struct cs_image_options *o);

struct cs_image;

int cs_image_open(const char *ref, const struct cs_image_options *opts, struct cs_image **ret,
		  struct cs_error *err);
void cs_image_free(struct cs_image *img);
CS_DEFINE_CLEANUP(struct cs_image *, cs_image_free)

const struct cs_ref *cs_image_ref(const struct cs_image *img);
/* NULL when the source has no manifest (legacy docker-archive, dir:) */
const char *cs_image_manifest_digest(const struct cs_image *img);
const char *cs_image_manifest_media_type(const struct cs_image *img);
/* The index the manifest was chosen from, NULL if none */
const char *cs_image_index_digest(const struct cs_image *img);
/* NULL for dir: */
const char *cs_image_config_digest(const struct cs_image *img);
/* Never NULL (empty for dir:) */
const struct cs_image_config *cs_image_config(const struct cs_image *img);
const struct cs_manifest *cs_image_manifest(const struct cs_image *img);
size_t cs_image_layer_count(const struct cs_image *img);
const struct cs_limits *cs_image_limits(const struct cs_image *img);
struct cs_layer_info *cs_image_layer(struct cs_image *img, size_t i);

/*
 * Walk the layers bottom to top (only layer `only` when >= 0), verifying
 * every digest and feeding every walker in one pass.
 */
int cs_image_walk(struct cs_image *img, const struct cs_walker *walkers, size_t n_walkers, int only,
		  struct cs_error *err);

/*
 * Hooks into a walk. before_layer is called for each layer about to be
 * walked, after its media type was checked and before its blob is opened:
 * it returns 1 when it fed the walkers that layer itself (from a cache; the
 * blob is then never opened, fetched or read), 0 to let the walk read it,
 * <0 (err set) to stop. A hook that feeds a layer advances budget by what
 * reading it would have counted. Not called for dir: sources.
 */
struct cs_walk_hooks {
	void *userdata;
	int (*before_layer)(void *ud, struct cs_layer_info *layer, struct cs_walk_budget *budget,
			    struct cs_error *err);
};
/* cs_image_walk with hooks (NULL: none) */
int cs_image_walk_hooked(struct cs_image *img, const struct cs_walker *walkers, size_t n_walkers,
			 int only, const struct cs_walk_hooks *hooks, struct cs_error *err);
