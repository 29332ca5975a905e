/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Version comparison per ecosystem, exact to the reference implementations
 * (dpkg, rpm, apk-tools, node-semver, PEP 440 / packaging, Maven's
 * ComparableVersion, RubyGems' Gem::Version, Go module semver), and range
 * matching. Versions come from images and feeds: hostile, so every function
 * is bounded and never fails open: an unparsable version is an error the
 * caller reports, not "affected" or "not affected" silently.
 */
#pragma once

#include "basic/error.h"

enum cs_version_scheme {
	CS_VERSION_DPKG = 0,
	CS_VERSION_RPM,
	CS_VERSION_APK,
	CS_VERSION_SEMVER, /* SemVer 2.0 (npm, cargo, generic) */
	CS_VERSION_PEP440, /* PyPI */
	CS_VERSION_MAVEN,
	CS_VERSION_GEM, /* RubyGems */
	CS_VERSION_GO,	/* Go modules: semver with a leading v, +incompatible, pseudo-versions */
	CS_VERSION_SCHEME_COUNT,
};

const char *cs_version_scheme_name(enum cs_version_scheme s);
int cs_version_scheme_from_name(const char *name); /* -1 if unknown */

/* Is this a valid version in the scheme? (PEP 440 and semver are strict; dpkg/rpm/apk as their
 * tools) */
bool cs_version_valid(enum cs_version_scheme s, const char *v);

/*
 * Compare a and b: *ret < 0, 0, > 0. Returns 0, or -CS_E_INPUT (err set,
 * naming the version) when either is not a valid version of the scheme.
 */
int cs_version_compare(enum cs_version_scheme s, const char *a, const char *b, int *ret,
		       struct cs_error *err);

/*
 * Does version v satisfy a range expression in the scheme's native syntax?
 *   npm:     node-semver ranges (">=1.2.3 <2", "^1.2", "~1.2.3", "1.x || >=2.5.0", "1.2.3 - 2.3.4")
 *   pep440:  PEP 440 specifier sets (">=1.0,<2.0", "~=1.4.2", "==1.0.*", "!=1.5")
 *   gem:     RubyGems requirements (">= 1.2, < 2", "~> 2.3")
 *   others:  comma-separated operator list ("<1.2.3-4", ">=1.0, <1.5")
 * *ret = true/false. Returns 0 or -CS_E_INPUT.
 */
int cs_version_satisfies(enum cs_version_scheme s, const char *v, const char *range, bool *ret,
			 struct cs_error *err);
