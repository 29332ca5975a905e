/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image sources: one small table of functions per transport (libscap
 * vtable style). A source only fetches bytes; parsing, platform selection and
 * digest verification are done once, in image.c, for every source.
 */
#pragma once

#include "basic/buf.h"
#include "basic/stream.h"
#include "image/image.h"
#include "image/manifest.h"
#include "image/ref.h"

struct cs_manifest_blob {
	struct cs_buf data;    /* the manifest/index bytes (bounded by limits) */
	char *media_type;      /* as the source declared it, NULL if unknown */
	char *expected_digest; /* digest the bytes must have, NULL if unknown */
	/*
	 * Sources without a manifest (legacy docker-archive) may hand over a
	 * parsed manifest instead of bytes; its layer descriptors may then
	 * have no digest and carry a source-private location.
	 */
	struct cs_manifest *parsed;
};

void cs_manifest_blob_done(struct cs_manifest_blob *b);

struct cs_source_ops {
	const char *name;
	int (*open)(const struct cs_ref *ref, const struct cs_image_options *opts, void **ret_ctx,
		    struct cs_error *err);
	/* digest NULL: the manifest or index the reference names. */
	int (*get_manifest)(void *ctx, const char *digest, struct cs_manifest_blob *out,
			    struct cs_error *err);
	/* Raw bytes of a blob (config or layer); image.c verifies them. */
	int (*open_blob)(void *ctx, const struct cs_descriptor *desc, struct cs_stream **ret,
			 struct cs_error *err);
	/* dir: only. A root filesystem walked as one layer. */
	int (*rootfs_fd)(void *ctx, int *ret_fd, struct cs_error *err);
	void (*close)(void *ctx);
};

extern const struct cs_source_ops cs_source_docker_archive;
extern const struct cs_source_ops cs_source_oci;	 /* oci: */
extern const struct cs_source_ops cs_source_oci_archive; /* oci-archive: */
extern const struct cs_source_ops cs_source_dir;
extern const struct cs_source_ops cs_source_registry;
extern const struct cs_source_ops cs_source_engine;
