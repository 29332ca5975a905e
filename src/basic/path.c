/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "path.h"

/*
 * Shared component walker. With clamp, ".." at the root is dropped;
 * without, it is an error (-CS_E_INPUT).
 */
static int clean_into(struct cs_buf *out, const char *name, size_t len, bool clamp)
{
	size_t i = 0, ncomp = 0;
	int r;

	while (i < len) {
		size_t start, clen;

		while (i < len && name[i] == '/')
			i++;
		start = i;
		while (i < len && name[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && name[start] == '.'))
			continue;
		if (clen == 2 && name[start] == '.' && name[start + 1] == '.') {
			size_t cut;

			if (out->len == 0) {
				if (clamp)
					continue;
				return -CS_E_INPUT;
			}
			cut = cs_path_dirlen(out->data);
			out->len = cut;
			out->data[cut] = '\0';
			if (ncomp > 0)
				ncomp--;
			continue;
		}
		if (++ncomp > CS_PATH_MAX_COMPONENTS)
			return -CS_E_LIMIT;
		if (out->len > 0) {
			r = cs_buf_putc(out, '/');
			if (r < 0)
				return r;
		}
		r = cs_buf_append(out, name + start, clen);
		if (r < 0)
			return r;
	}
	if (!out->data)
		return cs_buf_append(out, "", 0);
	return 0;
}

int cs_path_clean(const char *name, size_t len, struct cs_buf *out, struct cs_error *err)
{
	int r;

	cs_buf_reset(out);
	if (memchr(name, '\0', len))
		return cs_error_set(err, -CS_E_INPUT, "path contains a NUL byte");
	r = clean_into(out, name, len, false);
	if (r == -CS_E_INPUT)
		return cs_error_set(err, r, "path '%.*s' escapes the root", (int)CS_MIN(len, 512),
				    name);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "path '%.*s...' is too long", 64, name);
	if (r < 0)
		return cs_error_errno(err, r, "cannot clean path");
	return 0;
}

int cs_path_resolve_link(const char *linkpath, const char *target, struct cs_buf *out)
{
	int r;

	cs_buf_reset(out);
	if (target[0] != '/') {
		r = cs_buf_append(out, linkpath, cs_path_dirlen(linkpath));
		if (r < 0)
			return r;
	}
	{
		/* re-clean the prefix together with the target */
		struct cs_buf tmp = CS_BUF_INIT(out->max);

		r = cs_buf_append(&tmp, out->data ? out->data : "", out->len);
		if (r >= 0)
			r = cs_buf_putc(&tmp, '/');
		if (r >= 0)
			r = cs_buf_puts(&tmp, target);
		if (r >= 0) {
			cs_buf_reset(out);
			r = clean_into(out, tmp.data, tmp.len, true);
		}
		cs_buf_done(&tmp);
	}
	return r;
}

const char *cs_path_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

size_t cs_path_dirlen(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? (size_t)(s - path) : 0;
}

bool cs_path_is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 0)
		return true;
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cs_dir_names(const char *path, size_t max, bool (*keep)(const char *dir, const char *name),
		 char ***ret, size_t *ret_n, struct cs_error *err)
{
	_cleanup_strv_free_ char **v = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(path);
	int r = 0;

	if (!d)
		return cs_error_errno(err, errno, "cannot open directory '%s'", path);
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				r = cs_error_errno(err, errno, "cannot read directory '%s'", path);
			break;
		}
		if (de->d_name[0] == '.' || (keep && !keep(path, de->d_name)))
			continue;
		if (n >= max) {
			r = cs_error_set(err, -CS_E_LIMIT,
					 "directory '%s' has more than %zu entries", path, max);
			break;
		}
		if (CS_GROW(v, cap, n + 2) < 0 || !(v[n] = cs_strdup(de->d_name))) {
			r = cs_error_set(err, -ENOMEM, "out of memory");
			break;
		}
		v[++n] = NULL;
	}
	closedir(d);
	if (r < 0)
		return r;
	if (n)
		qsort(v, n, sizeof(*v), cmp_name);
	*ret = CS_TAKE_PTR(v);
	*ret_n = n;
	return 0;
}
