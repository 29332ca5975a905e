/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path names inside images. Every name that comes from an image is cleaned
 * into a relative path with no ".", "..", empty components or leading and
 * trailing slashes ("" is the root). A name that would climb above the root
 * is an error, never clamped silently: such a name is hostile.
 */
#pragma once

#include "buf.h"
#include "error.h"

#define CS_PATH_MAX_COMPONENTS 1024

/*
 * Clean (name, len) into out (reset first). Absolute names are taken
 * relative to the root, as tar and container engines do. Fails with
 * -CS_E_INPUT for NUL bytes or names that escape the root, -CS_E_LIMIT when
 * out->max is exceeded.
 */
int cs_path_clean(const char *name, size_t len, struct cs_buf *out, struct cs_error *err);
/*
 * Resolve a symlink target relative to the directory of `linkpath` (both
 * cleaned, relative to the root) into a cleaned path. Absolute targets are
 * relative to the root, and ".." at the root stays at the root (the kernel's
 * behaviour inside a chroot, and RESOLVE_IN_ROOT's).
 */
int cs_path_resolve_link(const char *linkpath, const char *target, struct cs_buf *out);
/* Last component and length of the parent part ("a/b/c" -> "c", 3). */
const char *cs_path_basename(const char *path);
size_t cs_path_dirlen(const char *path);
/* Does `path` equal `dir` or lie below it? ("" is the root, above all.) */
bool cs_path_is_under(const char *path, const char *dir);

/*
 * The names in directory path, sorted, without hidden ones (".", "..",
 * ".git"...) and those keep() (if not NULL) refuses; NULL-terminated.
 * More than max names is an error (-CS_E_LIMIT), as is an unreadable
 * directory. *ret is NULL when there are none.
 */
int cs_dir_names(const char *path, size_t max, bool (*keep)(const char *dir, const char *name),
		 char ***ret, size_t *ret_n, struct cs_error *err);
