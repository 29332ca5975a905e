/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Limits on everything an image controls. Exceeding one is a clear error
 * (-CS_E_LIMIT naming the limit and the input), never a crash or an OOM.
 */
#pragma once

#include "basic/macro.h"

struct cs_limits {
	uint64_t max_entries;	    /* archive entries per image */
	uint64_t max_path;	    /* bytes in one path name */
	uint64_t max_file_size;	    /* uncompressed bytes of one file */
	uint64_t max_layer_size;    /* uncompressed bytes of one layer */
	uint64_t max_total_size;    /* uncompressed bytes of all layers */
	uint64_t max_blob_size;	    /* compressed bytes of one blob */
	uint32_t max_ratio;	    /* uncompressed/compressed, checked past ratio_floor */
	uint64_t ratio_floor;	    /* bytes before the ratio applies */
	uint64_t max_manifest_size; /* bytes of a manifest or index */
	uint64_t max_config_size;   /* bytes of an image config */
	uint32_t max_depth;	    /* nested indexes, nested archives */
	uint32_t max_layers;	    /* layers per image */
	uint32_t max_symlinks;	    /* symlinks followed in one lookup */
	uint64_t max_metadata_size; /* pax headers, long names, xattrs of one entry */
};

static inline void cs_limits_default(struct cs_limits *l)
{
	l->max_entries = 4000000;
	l->max_path = 4096;
	l->max_file_size = 32ULL << 30;
	l->max_layer_size = 64ULL << 30;
	l->max_total_size = 256ULL << 30;
	l->max_blob_size = 64ULL << 30;
	l->max_ratio = 1000;
	l->ratio_floor = 256ULL << 20;
	l->max_manifest_size = 4ULL << 20;
	l->max_config_size = 8ULL << 20;
	l->max_depth = 8;
	l->max_layers = 512;
	l->max_symlinks = 40;
	l->max_metadata_size = 1ULL << 20;
}
