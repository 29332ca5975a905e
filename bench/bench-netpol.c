/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The phases of `customs audit netpol` on one manifest file, timed in one
 * process (bench/audit-netpol.sh): the baseline, merely loading the YAML
 * (cs_yaml_parse with the options the audit uses, the file already in
 * memory), then the audit's load (the same parse plus the model), the
 * analysis (selection, peers, the reachability matrix) and the results.
 *
 *   bench-netpol FILE
 *   -> workloads=N policies=N yaml_s=S load_s=S analyze_s=S audit_s=S allowed_cells=N
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "audit/netpol.h"
#include "basic/buf.h"
#include "basic/stream.h"
#include "basic/yaml.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct cs_yaml_options yo = { .aliases = true,
						   .numbers = true,
						   .lines = true };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_stream *s = NULL;
	struct cs_buf b = CS_BUF_INIT(CS_NETPOL_MAX_FILE_SIZE);
	struct cs_yaml *y = NULL;
	struct cs_netpol *np = NULL;
	struct cs_audit *a = NULL;
	double t0, t_yaml, t_load, t_analyze, t_audit;
	size_t n, allowed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-netpol FILE\n");
		return 2;
	}
	if (cs_stream_open_file(argv[1], &s, &err) < 0 || cs_stream_read_all(s, &b, &err) < 0) {
		fprintf(stderr, "bench-netpol: %s\n", err.msg);
		return 2;
	}
	cs_stream_free(s);

	t0 = now();
	if (cs_yaml_parse(b.data, b.len, &yo, &y, &err) < 0) {
		fprintf(stderr, "bench-netpol: %s\n", err.msg);
		return 2;
	}
	cs_yaml_free(y);
	t_yaml = now() - t0;

	t0 = now();
	if (cs_netpol_new(&np) < 0 || cs_netpol_load_mem(np, b.data, b.len, argv[1], &err) < 0) {
		fprintf(stderr, "bench-netpol: %s\n", err.msg);
		return 2;
	}
	t_load = now() - t0;
	t0 = now();
	if (cs_netpol_analyze(np, &err) < 0) {
		fprintf(stderr, "bench-netpol: %s\n", err.msg);
		return 2;
	}
	t_analyze = now() - t0;
	t0 = now();
	if (cs_audit_new("netpol", &a) < 0 || cs_netpol_audit(np, false, a) < 0)
		return 3;
	t_audit = now() - t0;

	n = cs_netpol_n_workloads(np);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < n; k++)
			allowed += cs_netpol_allowed(np, i, k);
	printf("workloads=%zu policies=%zu yaml_s=%.6f load_s=%.6f analyze_s=%.6f audit_s=%.6f "
	       "allowed_cells=%zu\n",
	       n, cs_netpol_n_policies(np), t_yaml, t_load, t_analyze, t_audit, allowed);
	cs_audit_free(a);
	cs_netpol_free(np);
	cs_buf_done(&b);
	return 0;
}
