/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Walking a root filesystem directory as if it were one layer. Every open
 * is a single component relative to an already opened directory, with
 * O_NOFOLLOW, so a symlink is never followed and the walk cannot leave the
 * tree, whatever the tree contains or how it changes while we walk it.
 * Directories are visited in byte order of their names; depth is capped so
 * a bind-mount loop ends with an error. Never prints.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "image/layer.h"

#define DIR_MAX_DEPTH 256
#define DIR_READ_SIZE (256 * 1024)
#define DIR_MAX_NAMES (1U << 24)

struct dir_walk {
	struct cs_layer_info *info;
	const struct cs_limits *lim;
	struct cs_walk_budget *budget;
	const struct cs_walker *walkers;
	size_t n_walkers;
	const struct cs_progress *progress;
	struct cs_error *err;
	struct cs_buf path;
	char link[PATH_MAX + 1];
	bool *want;
	uint8_t *buf;
	char label[64];
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The names in directory dfd, sorted; "." and ".." left out. */
static int list_dir(struct dir_walk *w, int dfd, char ***ret, size_t *ret_n)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cs_error_errno(w->err, errno, "cannot open directory '%s'", w->path.data);
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		return cs_error_errno(w->err, e, "cannot open directory '%s'", w->path.data);
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n >= DIR_MAX_NAMES || CS_GROW(names, cap, n + 1) < 0 ||
		    !(names[n] = cs_strdup(de->d_name))) {
			closedir(d);
			free_names(names, n);
			return n >= DIR_MAX_NAMES
				       ? cs_error_set(w->err, -CS_E_LIMIT,
						      "directory '%s' has too many entries",
						      w->path.data)
				       : cs_error_errno(w->err, ENOMEM, "cannot list '%s'",
							w->path.data);
		}
		n++;
	}
	if (errno) {
		int e = errno;

		closedir(d);
		free_names(names, n);
		return cs_error_errno(w->err, e, "cannot list '%s'", w->path.data);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	*ret = names;
	*ret_n = n;
	return 0;
}

static int deliver_file(struct dir_walk *w, int dfd, const char *name, const struct stat *st,
			const struct cs_entry *e)
{
	uint64_t left = e->size;
	struct stat st2;
	int fd, r = 0;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return cs_error_errno(w->err, errno, "cannot open '%s'", e->path);
	if (fstat(fd, &st2) < 0) {
		r = cs_error_errno(w->err, errno, "cannot stat '%s'", e->path);
		goto out;
	}
	if (!S_ISREG(st2.st_mode) || st2.st_ino != st->st_ino || st2.st_dev != st->st_dev) {
		r = cs_error_set(w->err, -CS_E_INPUT, "'%s' changed during the walk", e->path);
		goto out;
	}
	/* deliver what the entry announced, no more, even if the file grows */
	while (left > 0) {
		ssize_t n = read(fd, w->buf, (size_t)CS_MIN(left, (uint64_t)DIR_READ_SIZE));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = cs_error_errno(w->err, errno, "cannot read '%s'", e->path);
			goto out;
		}
		if (n == 0) {
			r = cs_error_set(w->err, -CS_E_INPUT, "'%s' shrank during the walk",
					 e->path);
			goto out;
		}
		left -= (uint64_t)n;
		for (size_t i = 0; i < w->n_walkers; i++) {
			if (!w->want[i])
				continue;
			r = w->walkers[i].data(w->walkers[i].userdata, e, w->buf, (size_t)n,
					       w->err);
			if (r < 0)
				goto out;
		}
	}
	for (size_t i = 0; i < w->n_walkers; i++) {
		if (!w->want[i] || !w->walkers[i].data_end)
			continue;
		r = w->walkers[i].data_end(w->walkers[i].userdata, e, w->err);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	close(fd);
	return r;
}

static bool file_has_caps(int dfd, const char *name)
{
	char p[64 + 256 + 2];
	int n = snprintf(p, sizeof(p), "/proc/self/fd/%d/%s", dfd, name);

	if (n < 0 || (size_t)n >= sizeof(p))
		return false;
	return lgetxattr(p, "security.capability", NULL, 0) >= 0;
}

/* Fill e from st; e->path is w->path. */
static int entry_from_stat(struct dir_walk *w, int dfd, const char *name, const struct stat *st,
			   struct cs_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->path = w->path.data;
	e->layer = w->info->index;
	e->mode = st->st_mode & 07777;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->mtime = st->st_mtim.tv_sec;
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		e->type = CS_ENTRY_REG;
		e->size = (uint64_t)st->st_size;
		if (e->size > w->lim->max_file_size)
			return cs_error_set(w->err, -CS_E_LIMIT,
					    "file '%s' is larger than the limit of %llu bytes",
					    e->path, (unsigned long long)w->lim->max_file_size);
		e->sparse = (uint64_t)st->st_blocks * 512 < e->size;
		e->has_caps = name && file_has_caps(dfd, name);
		break;
	case S_IFDIR:
		e->type = CS_ENTRY_DIR;
		break;
	case S_IFLNK: {
		ssize_t n;

		e->type = CS_ENTRY_SYMLINK;
		n = readlinkat(dfd, name, w->link, sizeof(w->link));
		if (n < 0)
			return cs_error_errno(w->err, errno, "cannot read symlink '%s'", e->path);
		if ((size_t)n >= sizeof(w->link) || (uint64_t)n > w->lim->max_path)
			return cs_error_set(w->err, -CS_E_LIMIT,
					    "symlink '%s' target is longer than the limit of %llu "
					    "bytes",
					    e->path, (unsigned long long)w->lim->max_path);
		w->link[n] = '\0';
		e->link = w->link;
		break;
	}
	case S_IFCHR:
		e->type = CS_ENTRY_CHR;
		break;
	case S_IFBLK:
		e->type = CS_ENTRY_BLK;
		break;
	case S_IFIFO:
		e->type = CS_ENTRY_FIFO;
		break;
	case S_IFSOCK:
		e->type = CS_ENTRY_SOCK;
		break;
	default:
		return cs_error_set(w->err, -CS_E_UNSUPPORTED, "'%s' has an unknown file type",
				    e->path);
	}
	if (e->type == CS_ENTRY_CHR || e->type == CS_ENTRY_BLK) {
		e->devmajor = major(st->st_rdev);
		e->devminor = minor(st->st_rdev);
	}
	return 0;
}

static int visit(struct dir_walk *w, int dfd, const char *name, const struct stat *st)
{
	struct cs_entry e;
	bool any = false;
	int r;

	w->info->entries++;
	if (++w->budget->entries > w->lim->max_entries)
		return cs_error_set(w->err, -CS_E_LIMIT,
				    "the image has more than the limit of %llu entries",
				    (unsigned long long)w->lim->max_entries);
	r = entry_from_stat(w, dfd, name, st, &e);
	if (r < 0)
		return r;
	if (e.type != CS_ENTRY_DIR)
		w->info->files++;
	if (e.type == CS_ENTRY_REG) {
		if (cs_add_overflow(w->info->uncompressed_size, e.size,
				    &w->info->uncompressed_size) ||
		    w->info->uncompressed_size > w->lim->max_layer_size)
			return cs_error_set(w->err, -CS_E_LIMIT,
					    "the directory is larger than the limit of %llu bytes",
					    (unsigned long long)w->lim->max_layer_size);
		if (cs_add_overflow(w->budget->total_size, e.size, &w->budget->total_size) ||
		    w->budget->total_size > w->lim->max_total_size)
			return cs_error_set(w->err, -CS_E_LIMIT,
					    "the image is larger than the limit of %llu bytes",
					    (unsigned long long)w->lim->max_total_size);
	}
	for (size_t i = 0; i < w->n_walkers; i++) {
		w->want[i] = false;
		if (!w->walkers[i].entry)
			continue;
		r = w->walkers[i].entry(w->walkers[i].userdata, &e, w->err);
		if (r < 0)
			return r;
		if (r > 0 && e.type == CS_ENTRY_REG && w->walkers[i].data) {
			w->want[i] = true;
			any = true;
		}
	}
	if (any) {
		r = deliver_file(w, dfd, name, st, &e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int walk_dir(struct dir_walk *w, int dfd, unsigned depth)
{
	char **names = NULL;
	size_t n = 0, base = w->path.len;
	int r;

	if (depth > DIR_MAX_DEPTH)
		return cs_error_set(w->err, -CS_E_LIMIT,
				    "'%s' is nested deeper than %u directories", w->path.data,
				    DIR_MAX_DEPTH);
	r = list_dir(w, dfd, &names, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		w->path.len = base;
		w->path.data[base] = '\0';
		r = 0;
		if (base > 0)
			r = cs_buf_putc(&w->path, '/');
		if (r >= 0)
			r = cs_buf_puts(&w->path, names[i]);
		if (r < 0) {
			r = r == -CS_E_LIMIT ? cs_error_set(w->err, r,
							    "path '%.64s...' is longer than the "
							    "limit of %llu bytes",
							    w->path.data,
							    (unsigned long long)w->lim->max_path)
					     : cs_error_errno(w->err, r, "cannot walk directory");
			goto out;
		}
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* removed while we walk */
			r = cs_error_errno(w->err, errno, "cannot stat '%s'", w->path.data);
			goto out;
		}
		r = visit(w, dfd, names[i], &st);
		if (r < 0)
			goto out;
		if (S_ISDIR(st.st_mode)) {
			struct stat st2;
			int sub = openat(dfd, names[i],
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub < 0) {
				r = cs_error_errno(w->err, errno, "cannot open directory '%s'",
						   w->path.data);
				goto out;
			}
			if (fstat(sub, &st2) < 0 || st2.st_ino != st.st_ino ||
			    st2.st_dev != st.st_dev) {
				close(sub);
				r = cs_error_set(w->err, -CS_E_INPUT,
						 "'%s' changed during the walk", w->path.data);
				goto out;
			}
			r = walk_dir(w, sub, depth + 1);
			close(sub);
			if (r < 0)
				goto out;
		}
		if ((i & 255) == 0)
			cs_progress_update(w->progress, w->label, w->info->uncompressed_size, 0);
	}
	r = 0;
out:
	w->path.len = base;
	if (w->path.data)
		w->path.data[base] = '\0';
	free_names(names, n);
	return r;
}

int cs_dir_walk(int rootfd, struct cs_layer_info *info, const struct cs_limits *lim,
		struct cs_walk_budget *budget, const struct cs_walker *walkers, size_t n_walkers,
		const struct cs_progress *progress, struct cs_error *err)
{
	struct cs_error local = CS_ERROR_INIT;
	struct dir_walk w = {
		.info = info,
		.lim = lim,
		.budget = budget,
		.walkers = walkers,
		.n_walkers = n_walkers,
		.progress = progress,
		.err = err ? err : &local,
	};
	struct stat st;
	int root = -1, r;

	cs_buf_init(&w.path, lim->max_path + 1);
	info->entries = 0;
	info->files = 0;
	info->uncompressed_size = 0;
	info->computed_digest[0] = '\0';
	info->computed_diff_id[0] = '\0';
	info->compression = cs_compression_name(CS_COMPRESSION_NONE);
	info->walked = false;
	snprintf(w.label, sizeof(w.label), "layer %u", info->index);

	w.buf = cs_malloc(DIR_READ_SIZE);
	w.want = cs_new0(bool, n_walkers ? n_walkers : 1);
	if (!w.buf || !w.want || cs_buf_append(&w.path, "", 0) < 0) {
		r = cs_error_errno(w.err, ENOMEM, "cannot walk directory");
		goto out;
	}
	root = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0 || fstat(root, &st) < 0) {
		r = cs_error_errno(w.err, errno, "cannot open the root directory");
		goto out;
	}
	for (size_t i = 0; i < n_walkers; i++) {
		if (!walkers[i].layer_begin)
			continue;
		r = walkers[i].layer_begin(walkers[i].userdata, info, w.err);
		if (r < 0)
			goto out;
	}
	r = visit(&w, root, NULL, &st);
	if (r >= 0)
		r = walk_dir(&w, root, 1);
	if (r < 0)
		goto out;
	info->walked = true;
	for (size_t i = 0; i < n_walkers; i++) {
		if (!walkers[i].layer_end)
			continue;
		r = walkers[i].layer_end(walkers[i].userdata, info, w.err);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	if (r < 0 && w.err->code == 0)
		cs_error_set(w.err, r, "%s", cs_strerror(r));
	if (root >= 0)
		close(root);
	free(w.buf);
	free(w.want);
	cs_buf_done(&w.path);
	return r;
}
