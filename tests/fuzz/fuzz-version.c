/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Version comparison fuzzer. The first byte selects the scheme; the rest
 * is split in two at the first newline (or in the middle). For valid
 * versions, compare must be reflexive and antisymmetric in sign, and
 * succeed exactly when both are valid; satisfies (the second part used as
 * a range) must not crash, and for the generic range syntax a single
 * ">=" term must agree with compare. Aborts on any violation.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sgn(int x)
{
	return (x > 0) - (x < 0);
}

static void check(bool ok, const char *what, enum cs_version_scheme s, const char *a, const char *b)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz-version: %s violated for %s: '%s' '%s'\n", what,
		cs_version_scheme_name(s), a, b);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum cs_version_scheme s;
	const uint8_t *nl;
	size_t an, bn;
	char *a, *b, *range;
	struct cs_error err = CS_ERROR_INIT;
	int ab = 0, ba = 0, aa = 0, bb = 0, rab, rba;
	bool va, vb, r;

	if (size < 1 || size > 8192)
		return 0;
	s = (enum cs_version_scheme)(data[0] % CS_VERSION_SCHEME_COUNT);
	data++;
	size--;
	nl = memchr(data, '\n', size);
	an = nl ? (size_t)(nl - data) : size / 2;
	bn = size - an - (nl ? 1 : 0);
	a = malloc(an + 1);
	b = malloc(bn + 1);
	range = malloc(bn + 4);
	if (!a || !b || !range)
		abort();
	memcpy(a, data, an);
	a[an] = '\0';
	memcpy(b, data + an + (nl ? 1 : 0), bn);
	b[bn] = '\0';

	va = cs_version_valid(s, a);
	vb = cs_version_valid(s, b);
	rab = cs_version_compare(s, a, b, &ab, &err);
	rba = cs_version_compare(s, b, a, &ba, &err);
	check((rab == 0) == (va && vb), "compare succeeds iff valid", s, a, b);
	check((rba == 0) == (va && vb), "compare succeeds iff valid", s, b, a);
	if (va) {
		check(cs_version_compare(s, a, a, &aa, &err) == 0 && aa == 0, "reflexivity", s, a,
		      a);
	}
	if (vb) {
		check(cs_version_compare(s, b, b, &bb, &err) == 0 && bb == 0, "reflexivity", s, b,
		      b);
	}
	if (va && vb)
		check(sgn(ab) == -sgn(ba), "antisymmetry", s, a, b);

	/* the second part as a range in the scheme's native syntax */
	(void)cs_version_satisfies(s, a, b, &r, &err);
	/* and as a single ">=" bound of the generic syntax, which must agree with compare */
	if (va && vb && !strchr(b, ',') &&
	    (s == CS_VERSION_DPKG || s == CS_VERSION_RPM || s == CS_VERSION_APK ||
	     s == CS_VERSION_MAVEN || s == CS_VERSION_GO)) {
		snprintf(range, bn + 4, ">=%s", b);
		if (cs_version_satisfies(s, a, range, &r, &err) == 0)
			check(r == (ab >= 0), "satisfies >= agrees with compare", s, a, b);
	}
	free(a);
	free(b);
	free(range);
	return 0;
}
