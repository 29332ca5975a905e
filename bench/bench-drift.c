/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cost of the drift check (runtime/drift.c) per container exec event,
 * side by side with its baseline, one fork + exec + wait of /bin/true (the
 * least an exec costs the workload). Usage: bench-drift DIR N, with DIR a
 * scratch directory; prints both per-event times and their ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "runtime/drift.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static struct cs_rt_event e;
	char p[4096], mi[4200];
	const char *dir;
	struct cs_drift *d;
	double t, up_us, low_us, exec_us;
	int n;

	if (argc != 3 || (n = (int)strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: bench-drift DIR N\n");
		return 2;
	}
	dir = argv[1];
	/* a proc-like tree (PID/mountinfo, PID/exe) and an upper layer */
	snprintf(p, sizeof(p), "%s/proc", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/proc/1", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/up", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/up/tmp", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/up/tmp/x", dir);
	put(p, "dropped");
	snprintf(mi, sizeof(mi), "1 0 0:5 / / rw - overlay overlay lowerdir=/l,upperdir=%s/up\n",
		 dir);
	snprintf(p, sizeof(p), "%s/proc/1/mountinfo", dir);
	put(p, mi);
	snprintf(p, sizeof(p), "%s/proc/1/exe", dir);
	if (symlink("/bin/busybox", p) != 0) {
		perror(p);
		return 2;
	}
	snprintf(p, sizeof(p), "%s/proc", dir);
	d = cs_drift_new(p);
	e.type = CS_RT_EVT_EXECVE;
	e.proc.pid = 1;
	CS_RT_SET(e.container.id, "0123456789ab");
	CS_RT_SET(e.proc.exepath, "/tmp/x"); /* upper: one lookup */
	t = now_us();
	for (int i = 0; i < n; i++)
		cs_drift_apply(d, &e);
	up_us = (now_us() - t) / n;
	CS_RT_SET(e.proc.exepath, "/bin/ls"); /* lower: two lookups and a readlink */
	t = now_us();
	for (int i = 0; i < n; i++)
		cs_drift_apply(d, &e);
	low_us = (now_us() - t) / n;
	cs_drift_free(d);
	t = now_us();
	for (int i = 0; i < n / 10 + 1; i++) {
		pid_t c = fork();

		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(c, NULL, 0);
	}
	exec_us = (now_us() - t) / (n / 10 + 1);
	printf("drift check: %.1f us (upper), %.1f us (lower); fork+exec+wait of /bin/true: "
	       "%.1f us; ratio (lower) %.3f\n",
	       up_us, low_us, exec_us, low_us / exec_us);
	return 0;
}
