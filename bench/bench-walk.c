/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Walk every layer of an OCI layout (DIR/index.json -> manifest -> layers)
 * into the merged view, verifying digests and diff_ids, and print the wall
 * time and peak RSS. Driven by bench/run.sh, which compares it with
 * `gzip -dc` over the same blobs.
 *
 *   bench-walk OCI_DIR
 *   -> layers=N entries=N compressed=N uncompressed=N visible=N seconds=S maxrss_kib=N
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "basic/stream.h"
#include "image/layer.h"
#include "image/overlay.h"

static json_t *load_blob(int dirfd, const char *digest)
{
	char path[256];
	json_error_t jerr;
	json_t *j;
	int fd;

	if (strncmp(digest, "sha256:", 7) != 0)
		return NULL;
	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	j = json_loadfd(fd, 0, &jerr);
	close(fd);
	return j;
}

int main(int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_walk_budget budget = { 0 };
	struct cs_overlay *ov = NULL;
	uint64_t entries = 0, csize = 0, usize = 0;
	struct timespec t0, t1;
	struct cs_limits lim;
	struct rusage ru;
	struct cs_walker w;
	json_t *index, *manifest, *config, *layers, *diff_ids;
	json_error_t jerr;
	size_t i;
	int dirfd, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-walk OCI_DIR\n");
		return 2;
	}
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		perror(argv[1]);
		return 2;
	}
	fd = openat(dirfd, "index.json", O_RDONLY | O_CLOEXEC);
	index = fd >= 0 ? json_loadfd(fd, 0, &jerr) : NULL;
	if (fd >= 0)
		close(fd);
	manifest = index ? load_blob(dirfd,
				     json_string_value(json_object_get(
					     json_array_get(json_object_get(index, "manifests"), 0),
					     "digest")))
			 : NULL;
	config = manifest
			 ? load_blob(dirfd, json_string_value(json_object_get(
						    json_object_get(manifest, "config"), "digest")))
			 : NULL;
	layers = manifest ? json_object_get(manifest, "layers") : NULL;
	diff_ids = config ? json_object_get(json_object_get(config, "rootfs"), "diff_ids") : NULL;
	if (!layers || !json_is_array(layers)) {
		fprintf(stderr, "%s: not an OCI layout with one image\n", argv[1]);
		return 2;
	}

	cs_limits_default(&lim);
	if (cs_overlay_new(&lim, &ov) < 0)
		return 3;
	cs_overlay_walker(ov, &w);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < json_array_size(layers); i++) {
		json_t *l = json_array_get(layers, i);
		const char *digest = json_string_value(json_object_get(l, "digest"));
		struct cs_layer_info info = {
			.index = (unsigned)i,
			.digest = digest,
			.diff_id = json_string_value(json_array_get(diff_ids, i)),
			.compressed_size = json_integer_value(json_object_get(l, "size")),
		};
		struct cs_stream *blob = NULL;
		char path[256];

		if (!digest || strncmp(digest, "sha256:", 7) != 0)
			return 2;
		snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
		if (cs_stream_open_fileat(dirfd, path, &blob, &err) < 0 ||
		    cs_layer_read(blob, &info, &lim, &budget, &w, 1, NULL, &err) < 0) {
			fprintf(stderr, "bench-walk: %s\n", err.msg);
			return 2;
		}
		entries += info.entries;
		csize += (uint64_t)info.compressed_size;
		usize += info.uncompressed_size;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	printf("layers=%zu entries=%llu compressed=%llu uncompressed=%llu visible=%llu "
	       "seconds=%.3f maxrss_kib=%ld\n",
	       json_array_size(layers), (unsigned long long)entries, (unsigned long long)csize,
	       (unsigned long long)usize, (unsigned long long)cs_overlay_count(ov, false),
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       ru.ru_maxrss);
	cs_overlay_free(ov);
	json_decref(config);
	json_decref(manifest);
	json_decref(index);
	close(dirfd);
	return 0;
}
