/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The secret engine alone, on one core (CPU time of this single-threaded
 * process, so that other load on the machine does not count): every file named on stdin (one
 * path per line) is read into memory first, then cs_secret_scan() runs over
 * all of them once as a warm-up and RUNS more times; the file system and
 * the image walk are not in the figure. Driven by bench/secret.sh.
 *
 *   bench-secret [RULES.toml] [RUNS] < FILE-LIST
 *   -> files=N bytes=N issues=N cpu_seconds=S mb_per_s=R   (median of RUNS)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "analyze/analyze.h"
#include "analyze/secret.h"

struct file {
	char *path;
	char *data;
	size_t len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int load(struct file **ret, size_t *n_ret, size_t *bytes)
{
	struct file *v = NULL;
	size_t n = 0, cap = 0;
	char line[4096];

	*bytes = 0;
	while (fgets(line, sizeof(line), stdin)) {
		struct stat st;
		int fd;

		line[strcspn(line, "\n")] = 0;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_size > CS_SECRET_MAX_FILE) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				return -1;
		}
		v[n].path = strdup(line);
		v[n].data = malloc((size_t)st.st_size + 1);
		if (!v[n].path || !v[n].data ||
		    read(fd, v[n].data, (size_t)st.st_size) != (ssize_t)st.st_size) {
			close(fd);
			return -1;
		}
		close(fd);
		v[n].len = (size_t)st.st_size;
		*bytes += v[n].len;
		n++;
	}
	*ret = v;
	*n_ret = n;
	return 0;
}

static int pass(struct cs_secret_rules *rs, const struct file *v, size_t n, size_t *issues)
{
	struct cs_issues *out = NULL;
	struct cs_error err = CS_ERROR_INIT;

	if (cs_issues_new(&out) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (cs_secret_scan(rs, v[i].path, 0, NULL, v[i].data, v[i].len, out, &err) < 0) {
			fprintf(stderr, "bench-secret: %s\n", err.msg);
			cs_issues_free(out);
			return -1;
		}
	*issues = out->n;
	cs_issues_free(out);
	return 0;
}

int main(int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_secret_rules *rs = NULL;
	struct file *v = NULL;
	size_t n = 0, bytes = 0, issues = 0;
	int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
	double t[64];

	if (runs < 1 || runs > 64)
		runs = 3;
	if ((argc > 1 && strcmp(argv[1], "-") ? cs_secret_rules_load(argv[1], &rs, &err)
					      : cs_secret_rules_builtin(&rs, &err)) < 0) {
		fprintf(stderr, "bench-secret: %s\n", err.msg);
		return 2;
	}
	if (load(&v, &n, &bytes) < 0 || n == 0) {
		fprintf(stderr, "bench-secret: cannot read the file list\n");
		return 2;
	}
	if (pass(rs, v, n, &issues) < 0)
		return 3;
	for (int r = 0; r < runs; r++) {
		double s = now();

		if (pass(rs, v, n, &issues) < 0)
			return 3;
		t[r] = now() - s;
	}
	qsort(t, (size_t)runs, sizeof(double), cmp_double);
	printf("files=%zu bytes=%zu issues=%zu cpu_seconds=%.3f mb_per_s=%.0f\n", n, bytes, issues,
	       t[runs / 2], (double)bytes / 1e6 / t[runs / 2]);
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].data);
	}
	free(v);
	cs_secret_rules_free(rs);
	return 0;
}
