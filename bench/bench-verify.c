/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verify core on a cached signature (bench/verify.sh): read a dir:
 * layout's signatures once, then cs_cosign_verify them N times in a loop
 * (payload digest, ECDSA over the payload, payload parse, and with a Rekor
 * key the SET, the entry body and its key). Prints verifications per second
 * of wall time and of CPU time (the machine may be shared); measures,
 * never asserts.
 *
 *   bench-verify DIR PUB [REKOR_PUB|-] N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "basic/parse.h"
#include "sign/cosign.h"

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkeys keys;
	struct cs_pubkey *k = NULL, *rekor = NULL;
	struct cs_cosign_sig *sigs = NULL;
	struct cs_cosign_verified v;
	char digest[CS_DIGEST_STR_MAX];
	size_t n = 0;
	uint64_t iters;
	double t0, c0, t, c;

	if (argc != 5 || cs_safe_atou64(argv[4], &iters) < 0 || iters == 0) {
		fprintf(stderr, "usage: bench-verify DIR PUB [REKOR_PUB|-] N\n");
		return 2;
	}
	cs_pubkeys_init(&keys);
	if (cs_pubkey_load(argv[2], &k, &err) < 0 || cs_pubkeys_add(&keys, k) < 0 ||
	    (strcmp(argv[3], "-") && cs_pubkey_load(argv[3], &rekor, &err) < 0) ||
	    cs_cosign_dir_read(argv[1], digest, &sigs, &n, NULL, &err) < 0 || n == 0) {
		fprintf(stderr, "bench-verify: %s\n", err.msg[0] ? err.msg : "no signature");
		return 2;
	}
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (uint64_t i = 0; i < iters; i++) {
		if (cs_cosign_verify(&sigs[0], digest, &keys, rekor, &v, &err) < 0) {
			fprintf(stderr, "bench-verify: %s\n", err.msg);
			return 1;
		}
		cs_cosign_verified_done(&v);
	}
	t = now(CLOCK_MONOTONIC) - t0;
	c = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("%llu verifications: wall %.3f s %.0f/s, cpu %.3f s %.0f/s\n",
	       (unsigned long long)iters, t, (double)iters / t, c, (double)iters / c);
	cs_cosign_sigs_free(sigs, n);
	cs_pubkeys_done(&keys);
	cs_pubkey_free(rekor);
	return 0;
}
