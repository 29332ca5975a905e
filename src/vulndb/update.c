/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `customs db update` and `customs db manifest` (update.h). The update
 * fetches the manifest, checks its signature when a key is given, and
 * compares its SHA-256 with the one recorded in the database to skip work
 * when nothing changed. Then every listed file is fetched into a fresh
 * directory PATH.update.XXXXXX beside the database (created with O_EXCL
 * below directories this process made, so a manifest path can never reach
 * outside it), checked against its size and SHA-256, and either built into
 * a database (kind feeds) or decompressed, checked and stamped (kind
 * database). Only then does rename() replace the database. The temporary
 * directory goes in every case; leftovers of a killed update are removed
 * by the next one, under the lock.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <curl/curl.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/path.h"
#include "basic/stream.h"
#include "image/layer.h"
#include "image/limits.h"
#include "registry/http.h"
#include "vulndb/update.h"

#define DB_MAX_SIZE    (64ULL << 30) /* a decompressed database */
#define KEY_MAX	       (64u << 10)
#define CHUNK	       (128u << 10)
#define RM_MAX_DEPTH   (CS_DB_MANIFEST_MAX_DEPTH + 4)
#define PUB_MAX_DEPTH  CS_DB_MANIFEST_MAX_DEPTH
#define MANIFEST_NAME  "manifest.json"
#define SIGNATURE_NAME "manifest.json.sig"
#define DOWNLOAD_NAME  "download"
#define DB_NAME	       "db.sqlite"
#define UPDATE_INFIX   ".update."

static void format_time(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = write(fd, c, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Remove name below `at` and everything in it, never following a symlink. */
static int rm_rf_at(int at, const char *name, unsigned depth)
{
	struct stat st;
	DIR *d;
	int fd, r = 0;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0) < 0 ? -errno : 0;
	if (depth >= RM_MAX_DEPTH)
		return -ELOOP;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	for (;;) {
		struct dirent *de;
		int k;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno && !r)
				r = -errno;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		k = rm_rf_at(dirfd(d), de->d_name, depth + 1);
		if (k < 0 && !r)
			r = k;
	}
	closedir(d);
	if (unlinkat(at, name, AT_REMOVEDIR) < 0 && !r)
		r = -errno;
	return r;
}

/* ---- mirrors: where the files come from ---- */

struct mirror {
	char *base; /* URL without trailing '/', or the directory's real path */
	int dirfd;  /* a local mirror, else -1 */
	struct cs_http *http;
};

static void mirror_done(struct mirror *m)
{
	free(m->base);
	if (m->dirfd >= 0)
		close(m->dirfd);
	cs_http_free(m->http);
	memset(m, 0, sizeof(*m));
	m->dirfd = -1;
}

static int mirror_open_dir(struct mirror *m, const char *dir, struct cs_error *err)
{
	m->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->dirfd < 0)
		return cs_error_errno(err, errno, "cannot open mirror directory '%s'", dir);
	m->base = realpath(dir, NULL);
	if (!m->base)
		return cs_error_errno(err, errno, "cannot open mirror directory '%s'", dir);
	return 0;
}

static int mirror_open_file_url(struct mirror *m, const char *url, struct cs_error *err)
{
	CURLU *u = curl_url();
	char *host = NULL, *path = NULL;
	int r;

	if (!u)
		return cs_error_set(err, -ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK || !path[0]) {
		r = cs_error_set(err, -CS_E_INPUT, "mirror '%s': not a valid file:// URL", url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0] &&
	    strcasecmp(host, "localhost") != 0) {
		r = cs_error_set(err, -CS_E_INPUT, "mirror '%s': a file:// URL names no host", url);
		goto out;
	}
	r = mirror_open_dir(m, path, err);
out:
	curl_free(host);
	curl_free(path);
	curl_url_cleanup(u);
	return r;
}

static bool url_has_query(const char *url)
{
	return strchr(url, '?') || strchr(url, '#');
}

static int mirror_open(struct mirror *m, const struct cs_vulndb_update_options *o,
		       struct cs_error *err)
{
	struct cs_http_options ho = {
		.ca_cert = o->ca_cert,
		.insecure = o->insecure,
		.retries = o->retries,
	};
	size_t n;
	int r;

	m->dirfd = -1;
	if (!o->url || !*o->url)
		return cs_error_set(err, -CS_E_USAGE, "no mirror URL given");
	if (!strstr(o->url, "://"))
		return mirror_open_dir(m, o->url, err);
	if (!strncasecmp(o->url, "file://", 7))
		return mirror_open_file_url(m, o->url, err);
	r = cs_http_url_check(o->url, o->insecure, err);
	if (r < 0)
		return cs_error_prefix(err, "mirror '%s'", o->url);
	if (url_has_query(o->url))
		return cs_error_set(err, -CS_E_INPUT,
				    "mirror '%s': the base URL cannot have a query or fragment",
				    o->url);
	r = cs_http_new(&ho, &m->http, err);
	if (r < 0)
		return r;
	n = strlen(o->url);
	while (n > 0 && o->url[n - 1] == '/')
		n--;
	m->base = cs_strndup(o->url, n);
	if (!m->base)
		return cs_error_set(err, -ENOMEM, "out of memory");
	return 0;
}

/* base + "/" + rel, with rel percent-encoded for a URL */
static char *mirror_url(const struct mirror *m, const char *rel)
{
	struct cs_buf b = CS_BUF_INIT(64u << 10);
	int r;

	r = cs_buf_puts(&b, m->base);
	if (r >= 0)
		r = cs_buf_putc(&b, '/');
	for (const char *p = rel; r >= 0 && *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
			r = cs_buf_putc(&b, (char)c);
		else
			r = cs_buf_printf(&b, "%%%02X", c);
	}
	if (r < 0) {
		cs_buf_done(&b);
		return NULL;
	}
	return cs_buf_steal(&b, NULL);
}

static int local_fetch(int dirfd, const char *rel, uint64_t max, const struct cs_http_sink *sink,
		       struct cs_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *buf = NULL;
	uint64_t total = 0;
	struct stat st;
	int r;

	if (fd < 0) {
		if (errno == ENOENT)
			return cs_error_set(err, -CS_E_NOTFOUND, "not found");
		return cs_error_errno(err, errno, "cannot open");
	}
	if (fstat(fd, &st) < 0)
		return cs_error_errno(err, errno, "cannot read");
	if (!S_ISREG(st.st_mode))
		return cs_error_set(err, -CS_E_INPUT, "not a regular file");
	buf = cs_malloc(CHUNK);
	if (!buf)
		return cs_error_set(err, -ENOMEM, "out of memory");
	for (;;) {
		ssize_t k = read(fd, buf, CHUNK);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return cs_error_errno(err, errno, "cannot read");
		}
		if (k == 0)
			return 0;
		if ((uint64_t)k > max - total)
			return cs_error_set(err, -CS_E_LIMIT, "larger than %llu bytes",
					    (unsigned long long)max);
		total += (uint64_t)k;
		r = sink->write(sink->userdata, buf, (size_t)k, err);
		if (r < 0)
			return r;
	}
}

/* Fetch rel into sink; errors are prefixed with the file's URL or path. */
static int mirror_fetch(struct mirror *m, const char *rel, uint64_t max,
			const struct cs_http_sink *sink, struct cs_error *err)
{
	_cleanup_free_ char *url = NULL;
	int r;

	if (m->dirfd >= 0) {
		r = local_fetch(m->dirfd, rel, max, sink, err);
		return r < 0 ? cs_error_prefix(err, "'%s/%s'", m->base, rel) : r;
	}
	url = mirror_url(m, rel);
	if (!url)
		return cs_error_set(err, -ENOMEM, "out of memory");
	r = cs_http_get(m->http, url, max, sink, err);
	return r < 0 ? cs_error_prefix(err, "'%s/%s'", m->base, rel) : r;
}

/* ---- sinks ---- */

static int buf_write(void *ud, const void *p, size_t n, struct cs_error *err)
{
	struct cs_buf *b = ud;
	int r = cs_buf_append(b, p, n);

	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "larger than %zu bytes", b->max);
	if (r < 0)
		return cs_error_set(err, r, "out of memory");
	return 0;
}

static int buf_reset(void *ud, struct cs_error *err)
{
	(void)err;
	cs_buf_reset(ud);
	return 0;
}

struct file_sink {
	int fd;
	struct cs_hash *hash;
	uint64_t count, size;
};

static int file_write(void *ud, const void *p, size_t n, struct cs_error *err)
{
	struct file_sink *s = ud;
	int r;

	if ((uint64_t)n > s->size - s->count)
		return cs_error_set(err, -CS_E_INPUT,
				    "size does not match the manifest: more than %llu bytes",
				    (unsigned long long)s->size);
	r = write_all(s->fd, p, n);
	if (r < 0)
		return cs_error_errno(err, r, "cannot write the temporary copy");
	r = cs_hash_update(s->hash, p, n);
	if (r < 0)
		return cs_error_set(err, r, "cannot hash");
	s->count += n;
	return 0;
}

static int file_reset(void *ud, struct cs_error *err)
{
	struct file_sink *s = ud;

	if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0)
		return cs_error_errno(err, errno, "cannot restart the temporary copy");
	s->count = 0;
	return cs_hash_reset(s->hash) < 0 ? cs_error_set(err, -CS_E_INTERNAL, "cannot hash") : 0;
}

/* ---- the update ---- */

struct update {
	const struct cs_vulndb_update_options *o;
	struct cs_vulndb_update_result *res;
	struct mirror m;
	const char *db_path;
	char *db_name;	/* last component of db_path */
	char *dir_real; /* realpath of the database's directory */
	int dir_fd;	/* that directory */
	int lock_fd;
	char *tmp; /* dir_real/NAME.update.XXXXXX, NULL until made */
	int tmp_fd;
	struct cs_buf manifest;
	char manifest_sha[65];
	struct cs_db_manifest *man;
	char fetched[32];
	const char *meta[11];
	struct cs_import_report rep; /* kind feeds: passed to the build */
};

static void update_done(struct update *u)
{
	if (u->tmp_fd >= 0)
		close(u->tmp_fd);
	if (u->tmp) {
		int r = rm_rf_at(u->dir_fd, cs_path_basename(u->tmp), 0);

		if (r < 0)
			cs_log_warn("cannot remove '%s': %s", u->tmp, strerror(-r));
	}
	free(u->tmp);
	if (u->lock_fd >= 0)
		close(u->lock_fd); /* releases the lock */
	if (u->dir_fd >= 0)
		close(u->dir_fd);
	free(u->dir_real);
	free(u->db_name);
	cs_buf_done(&u->manifest);
	cs_db_manifest_free(u->man);
	mirror_done(&u->m);
}

static int open_db_dir(struct update *u, struct cs_error *err)
{
	const char *p = u->db_path;
	size_t dl = cs_path_dirlen(p);
	_cleanup_free_ char *dir = NULL;

	u->db_name = cs_strdup(cs_path_basename(p));
	dir = dl ? cs_strndup(p, dl) : cs_strdup(p[0] == '/' ? "/" : ".");
	if (!u->db_name || !dir)
		return cs_error_set(err, -ENOMEM, "out of memory");
	if (!u->db_name[0] || !strcmp(u->db_name, ".") || !strcmp(u->db_name, ".."))
		return cs_error_set(err, -CS_E_INPUT, "database '%s': not a file name", p);
	u->dir_real = realpath(dir, NULL);
	if (!u->dir_real)
		return cs_error_errno(err, errno, "database '%s': cannot open directory '%s'", p,
				      dir);
	u->dir_fd = open(u->dir_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (u->dir_fd < 0)
		return cs_error_errno(err, errno, "database '%s': cannot open directory '%s'", p,
				      dir);
	return 0;
}

/* Remove NAME.update.* left by an update that was killed (we hold the lock). */
static void remove_stale(struct update *u)
{
	_cleanup_free_ char *prefix = cs_asprintf("%s" UPDATE_INFIX, u->db_name);
	int fd;
	DIR *d;

	if (!prefix)
		return;
	fd = openat(u->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	for (;;) {
		struct dirent *de = readdir(d);

		if (!de)
			break;
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		cs_log_info("removing '%s/%s' left by an interrupted update", u->dir_real,
			    de->d_name);
		(void)rm_rf_at(u->dir_fd, de->d_name, 0);
	}
	closedir(d);
}

static int take_lock(struct update *u, struct cs_error *err)
{
	_cleanup_free_ char *lock = cs_asprintf("%s.lock", u->db_name);

	if (!lock)
		return cs_error_set(err, -ENOMEM, "out of memory");
	u->lock_fd =
		openat(u->dir_fd, lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (u->lock_fd < 0)
		return cs_error_errno(err, errno, "cannot open lock file '%s/%s'", u->dir_real,
				      lock);
	if (flock(u->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return cs_error_errno(err, errno, "cannot lock '%s/%s'", u->dir_real, lock);
	cs_log_info("waiting for another update of '%s'", u->db_path);
	while (flock(u->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return cs_error_errno(err, errno, "cannot lock '%s/%s'", u->dir_real, lock);
	return 0;
}

static int read_key(const char *path, struct cs_buf *out, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r >= 0)
		r = cs_stream_read_all(s, out, err);
	return r < 0 ? cs_error_prefix(err, "key '%s'", path) : 0;
}

static int fetch_manifest(struct update *u, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf sig = CS_BUF_INIT(CS_DB_MANIFEST_MAX_SIG_SIZE);
	_cleanup_buf_ struct cs_buf key = CS_BUF_INIT(KEY_MAX);
	const struct cs_http_sink msink = { buf_write, buf_reset, &u->manifest };
	const struct cs_http_sink ssink = { buf_write, buf_reset, &sig };
	struct cs_error serr = CS_ERROR_INIT;
	char digest[CS_DIGEST_STR_MAX];
	int r;

	cs_buf_init(&u->manifest, CS_DB_MANIFEST_MAX_SIZE);
	r = mirror_fetch(&u->m, MANIFEST_NAME, CS_DB_MANIFEST_MAX_SIZE, &msink, err);
	if (r < 0)
		return r;
	r = cs_sha256_digest(u->manifest.data ? u->manifest.data : "", u->manifest.len, digest);
	if (r < 0)
		return cs_error_set(err, r, "cannot hash the manifest");
	memcpy(u->manifest_sha, cs_digest_hex(digest), 64);
	u->manifest_sha[64] = '\0';

	r = mirror_fetch(&u->m, SIGNATURE_NAME, CS_DB_MANIFEST_MAX_SIG_SIZE, &ssink, &serr);
	if (!u->o->key) {
		/* without a key the signature proves nothing: note it, never fail on it */
		if (r >= 0)
			u->res->sig = CS_VULNDB_SIG_IGNORED;
	} else {
		if (r < 0) {
			cs_error_set(err, r, "%s", serr.msg);
			return cs_error_prefix(err, "a signature is required by --key");
		}
		r = read_key(u->o->key, &key, err);
		if (r < 0)
			return r;
		r = cs_db_manifest_verify(u->manifest.data ? u->manifest.data : "", u->manifest.len,
					  sig.data ? sig.data : "", sig.len,
					  key.data ? key.data : "", key.len, err);
		if (r < 0)
			return cs_error_prefix(err, "'%s/%s' with key '%s'", u->m.base,
					       SIGNATURE_NAME, u->o->key);
		u->res->sig = CS_VULNDB_SIG_VERIFIED;
	}
	r = cs_db_manifest_parse(u->manifest.data, u->manifest.len, &u->man, err);
	if (r < 0)
		return cs_error_prefix(err, "'%s/%s'", u->m.base, MANIFEST_NAME);
	if (u->man->kind == CS_DB_MANIFEST_DATABASE &&
	    u->man->schema_version != CS_VULNDB_SCHEMA_VERSION)
		return cs_error_set(err, -CS_E_UNSUPPORTED,
				    "'%s/%s': the database has schema version %d, this customs "
				    "reads %d",
				    u->m.base, MANIFEST_NAME, u->man->schema_version,
				    CS_VULNDB_SCHEMA_VERSION);
	return 0;
}

/* Is the database already what this manifest describes? */
static bool unchanged(struct update *u)
{
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_free_ char *sha = NULL, *url = NULL;
	struct cs_error e = CS_ERROR_INIT;

	if (faccessat(u->dir_fd, u->db_name, F_OK, 0) < 0)
		return false;
	/* a database this customs cannot read is replaced, whatever it says */
	if (cs_vulndb_open(u->db_path, &db, &e) < 0)
		return false;
	if (cs_vulndb_get_meta(db, CS_VULNDB_META_MIRROR_MANIFEST, &sha, &e) <= 0 ||
	    cs_vulndb_get_meta(db, CS_VULNDB_META_MIRROR_URL, &url, &e) <= 0)
		return false;
	return !strcmp(sha, u->manifest_sha) && !strcmp(url, u->m.base);
}

static int make_tmp(struct update *u, struct cs_error *err)
{
	char *t = cs_asprintf("%s/%s" UPDATE_INFIX "XXXXXX", u->dir_real, u->db_name);

	if (!t)
		return cs_error_set(err, -ENOMEM, "out of memory");
	if (!mkdtemp(t)) {
		int e = errno;

		free(t);
		return cs_error_errno(err, e, "cannot create a temporary directory in '%s'",
				      u->dir_real);
	}
	u->tmp = t;
	u->tmp_fd = open(t, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u->tmp_fd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", t);
	return 0;
}

/* The directory (below tmp) that will hold path, created as needed; *ret_name its last part. */
static int open_parent(struct update *u, const char *path, int *ret_fd, const char **ret_name,
		       struct cs_error *err)
{
	const char *p = path, *slash;
	int fd = fcntl(u->tmp_fd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open '%s'", u->tmp);
	while ((slash = strchr(p, '/'))) {
		_cleanup_free_ char *c = cs_strndup(p, (size_t)(slash - p));
		int nfd;

		if (!c) {
			close(fd);
			return cs_error_set(err, -ENOMEM, "out of memory");
		}
		if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
			int e = errno;

			close(fd);
			return cs_error_errno(err, e, "cannot create a directory for '%s'", path);
		}
		nfd = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (nfd < 0)
			return cs_error_errno(err, errno, "cannot create a directory for '%s'",
					      path);
		fd = nfd;
		p = slash + 1;
	}
	*ret_fd = fd;
	*ret_name = p;
	return 0;
}

/* Fetch one listed file to tmp/PATH (or tmp/as) and check its size and SHA-256. */
static int fetch_file(struct update *u, const struct cs_db_manifest_file *f, const char *as,
		      struct cs_error *err)
{
	_cleanup_(cs_hash_freep) struct cs_hash *hash = NULL;
	_cleanup_close_ int pfd = -1, fd = -1;
	struct file_sink s = { .size = f->size };
	const struct cs_http_sink sink = { file_write, file_reset, &s };
	struct timespec ts[2];
	char digest[CS_DIGEST_STR_MAX];
	const char *name = NULL;
	int r;

	r = open_parent(u, as ? as : f->path, &pfd, &name, err);
	if (r < 0)
		return r;
	fd = openat(pfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot create a temporary copy of '%s'",
				      f->path);
	r = cs_hash_new(CS_HASH_SHA256, &hash);
	if (r < 0)
		return cs_error_set(err, r, "cannot hash");
	s.fd = fd;
	s.hash = hash;
	r = mirror_fetch(&u->m, f->path, f->size, &sink, err);
	if (r < 0)
		return r;
	if (s.count != f->size)
		return cs_error_set(err, -CS_E_INPUT,
				    "'%s/%s': size does not match the manifest: %llu bytes, want "
				    "%llu",
				    u->m.base, f->path, (unsigned long long)s.count,
				    (unsigned long long)f->size);
	r = cs_hash_final(hash, digest);
	if (r < 0)
		return cs_error_set(err, r, "cannot hash");
	if (strcmp(cs_digest_hex(digest), f->sha256) != 0)
		return cs_error_set(err, -CS_E_DIGEST,
				    "'%s/%s': sha256 does not match the manifest: got %s, want %s",
				    u->m.base, f->path, cs_digest_hex(digest), f->sha256);
	/* the feeds are as old as the manifest: the build dates sources by mtime */
	ts[0].tv_sec = ts[1].tv_sec = (time_t)u->man->created_sec;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	(void)futimens(fd, ts);
	u->res->files++;
	u->res->bytes += s.count;
	cs_progress_update(u->o->progress, "fetching", u->res->bytes, u->man->total_size);
	return 0;
}

static void set_meta(struct update *u)
{
	const char **m = u->meta;

	format_time(time(NULL), u->fetched, sizeof(u->fetched));
	*m++ = CS_VULNDB_META_MIRROR_URL;
	*m++ = u->m.base;
	*m++ = CS_VULNDB_META_MIRROR_KIND;
	*m++ = cs_db_manifest_kind_name(u->man->kind);
	*m++ = CS_VULNDB_META_MIRROR_CREATED;
	*m++ = u->man->created;
	*m++ = CS_VULNDB_META_MIRROR_MANIFEST;
	*m++ = u->manifest_sha;
	*m++ = CS_VULNDB_META_MIRROR_FETCHED;
	*m++ = u->fetched;
	*m = NULL;
}

/* Bad feed records name the mirror's file, not the temporary copy. */
static void report_bad(void *ud, const char *file, const char *position, const char *reason)
{
	struct update *u = ud;
	struct cs_import_report *rep = u->o->rep;
	size_t tl = strlen(u->tmp);
	_cleanup_free_ char *f = NULL;

	if (!rep || !rep->bad)
		return;
	if (!strncmp(file, u->tmp, tl) && file[tl] == '/')
		f = cs_asprintf("%s%s", u->m.base, file + tl);
	rep->bad(rep->userdata, f ? f : file, position, reason);
}

/* A build error names the temporary copy: name the mirror's file instead. */
static void relocate_message(struct update *u, struct cs_error *err)
{
	char msg[CS_ERROR_MSG_MAX];
	const char *p = err->msg, *hit;
	size_t tl = strlen(u->tmp), n = 0;

	while ((hit = strstr(p, u->tmp)) && n < sizeof(msg)) {
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%.*s%s", (int)(hit - p), p,
				      u->m.base);
		p = hit + tl;
	}
	if (p == err->msg || n >= sizeof(msg))
		return;
	snprintf(msg + n, sizeof(msg) - n, "%s", p);
	memcpy(err->msg, msg, sizeof(msg));
}

static int before_commit(void *ud, struct cs_vulndb_writer *w, struct cs_error *err)
{
	struct update *u = ud;
	int r;

	r = cs_vulndb_writer_relocate(w, u->tmp, u->m.base, err);
	for (size_t i = 0; r >= 0 && u->meta[i]; i += 2)
		r = cs_vulndb_writer_set_meta(w, u->meta[i], u->meta[i + 1], err);
	return r;
}

static int update_feeds(struct update *u, struct cs_error *err)
{
	_cleanup_free_ char **tops = NULL;
	size_t n_tops = 0;
	int r;

	tops = cs_new0(char *, u->man->n_files + 1);
	if (!tops)
		return cs_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < u->man->n_files; i++) {
		const char *p = u->man->files[i].path;
		size_t tl = strcspn(p, "/");

		r = fetch_file(u, &u->man->files[i], NULL, err);
		if (r < 0)
			goto out;
		/* files of one top directory are next to each other in manifest order */
		if (n_tops && !strncmp(cs_path_basename(tops[n_tops - 1]), p, tl) &&
		    cs_path_basename(tops[n_tops - 1])[tl] == '\0')
			continue;
		tops[n_tops] = cs_asprintf("%s/%.*s", u->tmp, (int)tl, p);
		if (!tops[n_tops]) {
			r = cs_error_set(err, -ENOMEM, "out of memory");
			goto out;
		}
		n_tops++;
	}
	cs_progress_update(u->o->progress, "building", 0, 0);
	u->rep.bad = report_bad;
	u->rep.userdata = u;
	r = cs_vulndb_build_with((const char *const *)tops, u->db_path, &u->rep, before_commit, u,
				 err);
	if (r < 0)
		relocate_message(u, err);
	if (u->o->rep) {
		u->o->rep->records += u->rep.records;
		u->o->rep->vulns += u->rep.vulns;
		u->o->rep->skipped += u->rep.skipped;
	}
out:
	for (size_t i = 0; i < n_tops; i++)
		free(tops[i]);
	return r;
}

/* Decompress src (a stream, owned) into tmp/DB_NAME. */
static int decompress_to(int dirfd, const char *name, struct cs_stream *src, enum cs_compression c,
			 struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *dec = NULL;
	_cleanup_free_ char *buf = cs_malloc(CHUNK);
	_cleanup_close_ int fd = -1;
	struct cs_limits lim;
	int r;

	if (!buf) {
		cs_stream_free(src);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	cs_limits_default(&lim);
	lim.max_layer_size = DB_MAX_SIZE;
	r = cs_decompress_new(src, c, &lim, &dec, err);
	if (r < 0)
		return r;
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return cs_error_errno(err, errno, "cannot create '%s'", name);
	for (;;) {
		ssize_t k = cs_stream_read(dec, buf, CHUNK, err);

		if (k < 0)
			return (int)k;
		if (k == 0)
			break;
		r = write_all(fd, buf, (size_t)k);
		if (r < 0)
			return cs_error_errno(err, r, "cannot write '%s'", name);
	}
	return 0;
}

/*
 * Decompress src_name below src_fd into out_name below out_fd when it is
 * compressed: *ret_expanded says whether it was (else src is plain).
 */
static int expand_db(int src_fd, const char *src_name, int out_fd, const char *out_name,
		     bool *ret_expanded, struct cs_error *err)
{
	struct cs_stream *s = NULL;
	unsigned char head[8];
	enum cs_compression c;
	ssize_t n;
	int r;

	r = cs_stream_open_fileat(src_fd, src_name, &s, err);
	if (r < 0)
		return r;
	n = cs_stream_read(s, head, sizeof(head), err);
	cs_stream_free(s);
	if (n < 0)
		return (int)n;
	c = cs_compression_detect(head, (size_t)n);
	*ret_expanded = c != CS_COMPRESSION_NONE;
	if (c == CS_COMPRESSION_NONE)
		return 0;
	r = cs_stream_open_fileat(src_fd, src_name, &s, err);
	if (r < 0)
		return r;
	return decompress_to(out_fd, out_name, s, c, err);
}

/* Can this customs read the database at path? */
static int check_db(const char *path, struct cs_error *err)
{
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;

	return cs_vulndb_open(path, &db, err);
}

static int sync_dir(int fd, const char *name, struct cs_error *err)
{
	if (fsync(fd) < 0 && errno != EINVAL)
		return cs_error_errno(err, errno, "cannot sync directory '%s'", name);
	return 0;
}

static int update_database(struct update *u, struct cs_error *err)
{
	const struct cs_db_manifest_file *f = &u->man->files[0];
	_cleanup_free_ char *path = NULL;
	const char *name = DOWNLOAD_NAME;
	bool expanded = false;
	int r;

	r = fetch_file(u, f, DOWNLOAD_NAME, err);
	if (r < 0)
		return r;
	r = expand_db(u->tmp_fd, DOWNLOAD_NAME, u->tmp_fd, DB_NAME, &expanded, err);
	if (expanded)
		name = DB_NAME;
	if (r >= 0) {
		path = cs_asprintf("%s/%s", u->tmp, name);
		if (!path)
			return cs_error_set(err, -ENOMEM, "out of memory");
		r = check_db(path, err);
	}
	if (r >= 0)
		r = cs_vulndb_stamp(path, u->meta, err);
	if (r < 0)
		return cs_error_prefix(err, "'%s/%s'", u->m.base, f->path);
	if (renameat(u->tmp_fd, name, u->dir_fd, u->db_name) < 0)
		return cs_error_errno(err, errno, "cannot replace database '%s'", u->db_path);
	return sync_dir(u->dir_fd, u->dir_real, err);
}

int cs_vulndb_update(const char *db_path, const struct cs_vulndb_update_options *o,
		     struct cs_vulndb_update_result *ret, struct cs_error *err)
{
	struct cs_vulndb_update_result res = { 0 };
	struct update u = {
		.o = o,
		.res = &res,
		.db_path = db_path,
		.dir_fd = -1,
		.lock_fd = -1,
		.tmp_fd = -1,
		.m = { .dirfd = -1 },
	};
	struct cs_error local = CS_ERROR_INIT;
	int r;

	if (!err)
		err = &local;
	r = mirror_open(&u.m, o, err);
	if (r >= 0)
		r = open_db_dir(&u, err);
	if (r >= 0)
		r = take_lock(&u, err);
	if (r < 0)
		goto out;
	remove_stale(&u);
	r = fetch_manifest(&u, err);
	if (r < 0)
		goto out;
	res.kind = u.man->kind;
	snprintf(res.base, sizeof(res.base), "%s", u.m.base);
	snprintf(res.created, sizeof(res.created), "%s", u.man->created);
	if (!o->force && unchanged(&u)) {
		res.updated = false;
		goto out;
	}
	set_meta(&u);
	r = make_tmp(&u, err);
	if (r < 0)
		goto out;
	if (u.man->kind == CS_DB_MANIFEST_DATABASE)
		r = update_database(&u, err);
	else
		r = update_feeds(&u, err);
	cs_progress_finish(o->progress);
	res.updated = r >= 0;
out:
	update_done(&u);
	if (r >= 0 && ret)
		*ret = res;
	return r;
}

/* ---- the publisher's side ---- */

struct pub {
	struct cs_db_manifest *m;
	size_t cap;
};

static int pub_file(struct pub *p, const char *full, const char *rel, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL, *v = NULL;
	struct cs_db_manifest_file *f;
	int64_t n;
	int r;

	if (!cs_db_manifest_path_ok(rel, strlen(rel)))
		return cs_error_set(err, -CS_E_INPUT,
				    "cannot list '%s': a manifest path has printable ASCII "
				    "without spaces or backslashes and no hidden components",
				    full);
	if (p->m->n_files >= CS_DB_MANIFEST_MAX_FILES)
		return cs_error_set(err, -CS_E_LIMIT, "more than %d files",
				    CS_DB_MANIFEST_MAX_FILES);
	r = cs_stream_open_file(full, &s, err);
	if (r < 0)
		return r;
	r = cs_stream_verify_new(CS_TAKE_PTR(s), NULL, -1, CS_DB_MANIFEST_MAX_FILE_SIZE, full, &v,
				 err);
	if (r < 0)
		return r;
	n = cs_stream_drain(v, err);
	if (n < 0)
		return (int)n;
	if (CS_GROW(p->m->files, p->cap, p->m->n_files + 1) < 0)
		return cs_error_set(err, -ENOMEM, "out of memory");
	f = &p->m->files[p->m->n_files];
	memset(f, 0, sizeof(*f));
	f->path = cs_strdup(rel);
	if (!f->path)
		return cs_error_set(err, -ENOMEM, "out of memory");
	f->size = cs_stream_verify_count(v);
	snprintf(f->sha256, sizeof(f->sha256), "%s", cs_digest_hex(cs_stream_verify_digest(v)));
	p->m->n_files++;
	if (cs_add_overflow(p->m->total_size, f->size, &p->m->total_size) ||
	    p->m->total_size > CS_DB_MANIFEST_MAX_TOTAL_SIZE)
		return cs_error_set(err, -CS_E_LIMIT, "more than %llu bytes in total",
				    (unsigned long long)CS_DB_MANIFEST_MAX_TOTAL_SIZE);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int pub_walk(struct pub *p, const char *dir, const char *rel, unsigned depth,
		    struct cs_error *err)
{
	_cleanup_strv_free_ char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d;
	int r = 0;

	if (depth >= PUB_MAX_DEPTH)
		return cs_error_set(err, -CS_E_LIMIT, "'%s' is nested deeper than %d", dir,
				    PUB_MAX_DEPTH);
	d = opendir(dir);
	if (!d)
		return cs_error_errno(err, errno, "cannot open directory '%s'", dir);
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				r = cs_error_errno(err, errno, "cannot read directory '%s'", dir);
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if (depth == 0 &&
		    (!strcmp(de->d_name, MANIFEST_NAME) || !strcmp(de->d_name, SIGNATURE_NAME)))
			continue;
		if (n >= CS_DB_MANIFEST_MAX_FILES || CS_GROW(names, cap, n + 2) < 0 ||
		    !(names[n] = cs_strdup(de->d_name))) {
			r = cs_error_set(err, -ENOMEM, "cannot read directory '%s'", dir);
			break;
		}
		names[++n] = NULL;
	}
	closedir(d);
	if (r < 0 || n == 0)
		return r;
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *full = cs_asprintf("%s/%s", dir, names[i]);
		_cleanup_free_ char *crel =
			*rel ? cs_asprintf("%s/%s", rel, names[i]) : cs_strdup(names[i]);
		struct stat st;

		if (!full || !crel)
			return cs_error_set(err, -ENOMEM, "out of memory");
		if (stat(full, &st) < 0)
			return cs_error_errno(err, errno, "cannot read '%s'", full);
		if (S_ISDIR(st.st_mode))
			r = pub_walk(p, full, crel, depth + 1, err);
		else if (S_ISREG(st.st_mode))
			r = pub_file(p, full, crel, err);
		else
			cs_log_info("'%s' is not a file or directory: not listed", full);
		if (r < 0)
			return r;
	}
	return 0;
}

static void now_created(char *buf, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	uint64_t v;

	if (sde && cs_safe_atou64(sde, &v) >= 0 && v < (uint64_t)INT32_MAX * 4)
		t = (time_t)v;
	format_time(t, buf, n);
}

/* kind database: the one file must be a database this customs reads */
static int pub_check_db(const char *dir, const char *rel, struct cs_error *err)
{
	const char *tmpbase = getenv("TMPDIR");
	_cleanup_free_ char *tmp =
		cs_asprintf("%s/customs-manifest.XXXXXX", tmpbase && *tmpbase ? tmpbase : "/tmp");
	_cleanup_free_ char *src = cs_asprintf("%s/%s", dir, rel), *path = NULL;
	_cleanup_close_ int tfd = -1;
	bool expanded = false;
	int r;

	if (!tmp || !src)
		return cs_error_set(err, -ENOMEM, "out of memory");
	if (!mkdtemp(tmp))
		return cs_error_errno(err, errno, "cannot create a temporary directory");
	tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tfd < 0)
		r = cs_error_errno(err, errno, "cannot open '%s'", tmp);
	else
		r = expand_db(AT_FDCWD, src, tfd, DB_NAME, &expanded, err);
	if (r >= 0) {
		path = expanded ? cs_asprintf("%s/%s", tmp, DB_NAME) : cs_strdup(src);
		r = path ? check_db(path, err) : cs_error_set(err, -ENOMEM, "out of memory");
	}
	(void)rm_rf_at(AT_FDCWD, tmp, 0);
	return r < 0 ? cs_error_prefix(err, "'%s'", src) : 0;
}

int cs_vulndb_manifest_for_dir(const char *dir, enum cs_db_manifest_kind kind,
			       struct cs_db_manifest **ret, struct cs_error *err)
{
	struct cs_error local = CS_ERROR_INIT;
	struct pub p = { 0 };
	char created[32];
	int r;

	if (!err)
		err = &local;
	p.m = cs_zalloc(sizeof(*p.m));
	if (!p.m)
		return cs_error_set(err, -ENOMEM, "out of memory");
	now_created(created, sizeof(created));
	p.m->kind = kind;
	p.m->created = cs_strdup(created);
	if (!p.m->created) {
		r = cs_error_set(err, -ENOMEM, "out of memory");
		goto fail;
	}
	(void)cs_db_manifest_parse_time(created, &p.m->created_sec);
	r = pub_walk(&p, dir, "", 0, err);
	if (r < 0)
		goto fail;
	if (p.m->n_files == 0) {
		r = cs_error_set(err, -CS_E_INPUT, "'%s' holds no files to list", dir);
		goto fail;
	}
	r = cs_db_manifest_sort(p.m, err);
	if (r < 0)
		goto fail;
	if (kind == CS_DB_MANIFEST_DATABASE) {
		if (p.m->n_files != 1) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "'%s': a database mirror holds exactly one file, not %zu",
					 dir, p.m->n_files);
			goto fail;
		}
		r = pub_check_db(dir, p.m->files[0].path, err);
		if (r < 0)
			goto fail;
		p.m->schema_version = CS_VULNDB_SCHEMA_VERSION;
	}
	*ret = p.m;
	return 0;
fail:
	cs_db_manifest_free(p.m);
	return r;
}
