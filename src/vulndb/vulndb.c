/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vulnerability database in SQLite: the writer that builds a new
 * database beside the old one and renames it into place, the read-only
 * reader used by `db info` and the matcher, and the enum helpers.
 *
 * The writer never touches the target until commit: everything goes into
 * PATH.tmp.XXXXXX (journal off, one transaction), which is fsynced and
 * renamed over PATH only after the whole build succeeded. Abandoning the
 * writer unlinks the temporary file.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/path.h"
#include "vulndb/build.h"
#include "vulndb/vulndb.h"

/* ---- enum helpers ---- */

static const char *const fix_state_names[CS_FIX_STATE_COUNT] = {
	[CS_FIX_FIXED] = "fixed",
	[CS_FIX_AFFECTED] = "affected",
	[CS_FIX_WONT_FIX] = "wont-fix",
	[CS_FIX_NOT_AFFECTED] = "not-affected",
	[CS_FIX_END_OF_LIFE] = "end-of-life",
	[CS_FIX_UNDER_INVESTIGATION] = "under-investigation",
};

const char *cs_fix_state_name(enum cs_fix_state s)
{
	if ((unsigned)s >= CS_FIX_STATE_COUNT)
		return "unknown";
	return fix_state_names[s];
}

int cs_fix_state_from_name(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < CS_FIX_STATE_COUNT; i++)
		if (!strcasecmp(s, fix_state_names[i]))
			return i;
	return -1;
}

static const char *const severity_names[] = {
	[CS_SEV_UNKNOWN] = "unknown", [CS_SEV_NEGLIGIBLE] = "negligible",
	[CS_SEV_LOW] = "low",	      [CS_SEV_MEDIUM] = "medium",
	[CS_SEV_HIGH] = "high",	      [CS_SEV_CRITICAL] = "critical",
};

const char *cs_severity_name(enum cs_severity s)
{
	if ((unsigned)s >= CS_ARRAY_SIZE(severity_names))
		return "unknown";
	return severity_names[s];
}

int cs_severity_from_name(const char *s)
{
	static const struct {
		const char *name;
		enum cs_severity sev;
	} extra[] = {
		{ "moderate", CS_SEV_MEDIUM },	      /* GitHub, Red Hat, Alpine */
		{ "important", CS_SEV_HIGH },	      /* Red Hat */
		{ "unimportant", CS_SEV_NEGLIGIBLE }, /* Debian tracker */
		{ "none", CS_SEV_NEGLIGIBLE },	      /* CVSS "None" */
	};

	if (!s)
		return -1;
	for (size_t i = 0; i < CS_ARRAY_SIZE(severity_names); i++)
		if (!strcasecmp(s, severity_names[i]))
			return (int)i;
	for (size_t i = 0; i < CS_ARRAY_SIZE(extra); i++)
		if (!strcasecmp(s, extra[i].name))
			return extra[i].sev;
	return -1;
}

/* CVSS v3.x qualitative severity rating scale (specification section 5). */
enum cs_severity cs_severity_from_cvss(double score)
{
	if (isnan(score) || score < 0.0 || score > 10.0)
		return CS_SEV_UNKNOWN;
	if (score == 0.0)
		return CS_SEV_NEGLIGIBLE; /* "None" */
	if (score < 4.0)
		return CS_SEV_LOW;
	if (score < 7.0)
		return CS_SEV_MEDIUM;
	if (score < 9.0)
		return CS_SEV_HIGH;
	return CS_SEV_CRITICAL;
}

/*
 * Scheme names as stored in the database. Kept here rather than taken from
 * version/ so the stored names are part of this schema, not of another
 * module's display strings.
 */
static const char *const scheme_names[CS_VERSION_SCHEME_COUNT] = {
	[CS_VERSION_DPKG] = "dpkg",	[CS_VERSION_RPM] = "rpm",
	[CS_VERSION_APK] = "apk",	[CS_VERSION_SEMVER] = "semver",
	[CS_VERSION_PEP440] = "pep440", [CS_VERSION_MAVEN] = "maven",
	[CS_VERSION_GEM] = "gem",	[CS_VERSION_GO] = "go",
};

const char *cs_vulndb_scheme_name(enum cs_version_scheme s)
{
	if ((unsigned)s >= CS_VERSION_SCHEME_COUNT)
		return "unknown";
	return scheme_names[s];
}

int cs_vulndb_scheme_from_name(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < CS_VERSION_SCHEME_COUNT; i++)
		if (!strcmp(s, scheme_names[i]))
			return i;
	return -1;
}

/* ---- schema ---- */

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE sources(name TEXT NOT NULL, kind TEXT NOT NULL,"
	" location TEXT NOT NULL DEFAULT '', updated TEXT,"
	" records INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE(name, location));\n"
	"CREATE TABLE vulnerabilities(id TEXT PRIMARY KEY, summary TEXT, details TEXT,"
	" severity TEXT NOT NULL DEFAULT 'unknown',"
	" cvss3_score REAL, cvss3_vector TEXT, cvss4_score REAL, cvss4_vector TEXT,"
	" published TEXT, modified TEXT, withdrawn TEXT, url TEXT);\n"
	"CREATE TABLE aliases(id TEXT NOT NULL, alias TEXT NOT NULL,"
	" PRIMARY KEY(id, alias)) WITHOUT ROWID;\n"
	"CREATE INDEX aliases_alias ON aliases(alias);\n"
	"CREATE TABLE affected(namespace TEXT NOT NULL, package TEXT NOT NULL,"
	" vuln_id TEXT NOT NULL, source TEXT NOT NULL, scheme TEXT NOT NULL,"
	" ranges TEXT NOT NULL, fixed TEXT, fix_state TEXT NOT NULL,"
	" severity TEXT NOT NULL DEFAULT 'unknown', note TEXT,"
	" UNIQUE(namespace, package, vuln_id, source, ranges));\n"
	"CREATE INDEX affected_package ON affected(namespace, package);\n"
	"CREATE INDEX affected_vuln ON affected(vuln_id);\n"
	"CREATE TABLE kev(cve TEXT PRIMARY KEY, date_added TEXT, due_date TEXT,"
	" ransomware TEXT, name TEXT);\n"
	"CREATE TABLE epss(cve TEXT PRIMARY KEY, score REAL NOT NULL,"
	" percentile REAL NOT NULL, date TEXT);\n";

enum {
	ST_META,
	ST_SOURCE,
	ST_VULN,
	ST_ALIAS,
	ST_AFFECTED,
	ST_KEV,
	ST_EPSS,
	ST_COUNT,
};

static const char *const writer_sql[ST_COUNT] = {
	[ST_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
	[ST_SOURCE] = "INSERT INTO sources(name, kind, location, updated, records, skipped)"
		      " VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
		      " ON CONFLICT(name, location) DO UPDATE SET kind = excluded.kind,"
		      " updated = coalesce(excluded.updated, updated),"
		      " records = records + excluded.records, skipped = skipped + excluded.skipped",
	/*
	 * Merge: the first record keeps its fields and gains the ones it
	 * lacks. Severity keeps the first known value; CVSS score and vector
	 * travel together; a withdrawal from any feed wins. SET expressions
	 * see the old row, so the vector tests use the old score.
	 */
	[ST_VULN] =
		"INSERT INTO vulnerabilities(id, summary, details, severity, cvss3_score,"
		" cvss3_vector, cvss4_score, cvss4_vector, published, modified, withdrawn, url)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
		" ON CONFLICT(id) DO UPDATE SET"
		" summary = coalesce(summary, excluded.summary),"
		" details = coalesce(details, excluded.details),"
		" severity = CASE WHEN severity = 'unknown' THEN excluded.severity"
		" ELSE severity END,"
		" cvss3_vector = CASE WHEN cvss3_score IS NULL AND excluded.cvss3_score IS NOT NULL"
		" THEN excluded.cvss3_vector ELSE coalesce(cvss3_vector, excluded.cvss3_vector) END,"
		" cvss3_score = coalesce(cvss3_score, excluded.cvss3_score),"
		" cvss4_vector = CASE WHEN cvss4_score IS NULL AND excluded.cvss4_score IS NOT NULL"
		" THEN excluded.cvss4_vector ELSE coalesce(cvss4_vector, excluded.cvss4_vector) END,"
		" cvss4_score = coalesce(cvss4_score, excluded.cvss4_score),"
		" published = coalesce(published, excluded.published),"
		" modified = coalesce(modified, excluded.modified),"
		" withdrawn = coalesce(withdrawn, excluded.withdrawn),"
		" url = coalesce(url, excluded.url)",
	[ST_ALIAS] = "INSERT OR IGNORE INTO aliases(id, alias) VALUES(?1, ?2)",
	[ST_AFFECTED] =
		"INSERT OR IGNORE INTO affected(namespace, package, vuln_id, source, scheme,"
		" ranges, fixed, fix_state, severity, note)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_KEV] = "INSERT INTO kev(cve, date_added, due_date, ransomware, name)"
		   " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(cve) DO UPDATE SET"
		   " date_added = coalesce(date_added, excluded.date_added),"
		   " due_date = coalesce(due_date, excluded.due_date),"
		   " ransomware = coalesce(ransomware, excluded.ransomware),"
		   " name = coalesce(name, excluded.name)",
	/* the newest score wins */
	[ST_EPSS] = "INSERT INTO epss(cve, score, percentile, date) VALUES(?1, ?2, ?3, ?4)"
		    " ON CONFLICT(cve) DO UPDATE SET score = excluded.score,"
		    " percentile = excluded.percentile, date = excluded.date"
		    " WHERE coalesce(excluded.date, '') >= coalesce(epss.date, '')",
};

struct cs_vulndb_writer {
	sqlite3 *db;
	char *path;
	char *tmp;
	sqlite3_stmt *st[ST_COUNT];
	uint64_t source_calls;
};

uint64_t cs_vulndb_writer_source_calls(const struct cs_vulndb_writer *w)
{
	return w ? w->source_calls : 0;
}

static int sql_error(struct cs_error *err, sqlite3 *db, const char *what, const char *name)
{
	int code = db ? sqlite3_errcode(db) : SQLITE_ERROR;

	if (code == SQLITE_NOMEM)
		return cs_error_set(err, -ENOMEM, "cannot %s '%s': out of memory", what, name);
	return cs_error_set(
		err, code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? -CS_E_INPUT : -CS_E_INTERNAL,
		"cannot %s '%s': %s", what, name, db ? sqlite3_errmsg(db) : "sqlite error");
}

static int exec(sqlite3 *db, const char *sql, const char *name, struct cs_error *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_error(err, db, "write database", name);
	return 0;
}

void cs_vulndb_writer_free(struct cs_vulndb_writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(w->st[i]);
	if (w->db)
		sqlite3_close(w->db);
	if (w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	free(w->path);
	free(w);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (!s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static int bind_score(sqlite3_stmt *st, int i, double v)
{
	if (!(v > 0.0) || v > 10.0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_double(st, i, v);
}

static void format_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;
	struct tm tm;

	/* reproducible builds: the build time can be pinned */
	if (sde && cs_safe_atou64(sde, &v) >= 0 && v < (uint64_t)INT32_MAX * 4)
		t = (time_t)v;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int put_meta(struct cs_vulndb_writer *w, const char *key, const char *value,
		    struct cs_error *err)
{
	sqlite3_stmt *st = w->st[ST_META];

	sqlite3_reset(st);
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	if (sqlite3_step(st) != SQLITE_DONE)
		return sql_error(err, w->db, "write database", w->path);
	return 0;
}

int cs_vulndb_writer_new(const char *path, struct cs_vulndb_writer **ret, struct cs_error *err)
{
	struct cs_vulndb_writer *w;
	char num[32], now[64];
	int fd, r;

	if (!path || !*path)
		return cs_error_set(err, -EINVAL, "no database path given");
	w = cs_zalloc(sizeof(*w));
	if (!w)
		return cs_error_set(err, -ENOMEM, "out of memory");
	w->path = cs_strdup(path);
	w->tmp = cs_asprintf("%s.tmp.XXXXXX", path);
	if (!w->path || !w->tmp) {
		free(w->tmp);
		w->tmp = NULL;
		cs_vulndb_writer_free(w);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	fd = mkostemp(w->tmp, O_CLOEXEC);
	if (fd < 0) {
		r = cs_error_errno(err, errno, "cannot create database '%s'", path);
		free(w->tmp);
		w->tmp = NULL;
		cs_vulndb_writer_free(w);
		return r;
	}
	/* mkstemp makes 0600; the database is meant to be shared with scanners */
	(void)fchmod(fd, 0644);
	close(fd);

	if (sqlite3_open_v2(w->tmp, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		r = sql_error(err, w->db, "create database", path);
		cs_vulndb_writer_free(w);
		return r;
	}
	r = exec(w->db,
		 "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
		 " PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-65536;"
		 " PRAGMA foreign_keys=OFF;",
		 path, err);
	if (r >= 0)
		r = exec(w->db, "BEGIN", path, err);
	if (r >= 0)
		r = exec(w->db, schema_sql, path, err);
	for (int i = 0; r >= 0 && i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(w->db, writer_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &w->st[i], NULL) != SQLITE_OK)
			r = sql_error(err, w->db, "prepare database", path);
	if (r >= 0) {
		snprintf(num, sizeof(num), "%d", CS_VULNDB_SCHEMA_VERSION);
		format_now(now, sizeof(now));
		r = put_meta(w, "schema_version", num, err);
		if (r >= 0)
			r = put_meta(w, "built", now, err);
		if (r >= 0)
			r = put_meta(w, "builder", "customs " CUSTOMS_VERSION, err);
	}
	if (r < 0) {
		cs_vulndb_writer_free(w);
		return r;
	}
	*ret = w;
	return 0;
}

static int step_done(struct cs_vulndb_writer *w, sqlite3_stmt *st, struct cs_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sql_error(err, w->db, "write database", w->path);
	return 0;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

int cs_vulndb_put_source(struct cs_vulndb_writer *w, const char *name, const char *kind,
			 const char *location, const char *updated, uint64_t records,
			 uint64_t skipped, struct cs_error *err)
{
	sqlite3_stmt *st;

	if (!w || empty(name) || empty(kind))
		return cs_error_set(err, -EINVAL, "source without a name or kind");
	w->source_calls++;
	st = w->st[ST_SOURCE];
	sqlite3_clear_bindings(st);
	bind_text(st, 1, name);
	bind_text(st, 2, kind);
	bind_text(st, 3, location ? location : "");
	bind_text(st, 4, empty(updated) ? NULL : updated);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)CS_MIN(records, (uint64_t)INT64_MAX));
	sqlite3_bind_int64(st, 6, (sqlite3_int64)CS_MIN(skipped, (uint64_t)INT64_MAX));
	return step_done(w, st, err);
}

int cs_vulndb_put_vuln(struct cs_vulndb_writer *w, const struct cs_vuln *v, struct cs_error *err)
{
	sqlite3_stmt *st;

	if (!w || !v || empty(v->id))
		return cs_error_set(err, -EINVAL, "vulnerability without an id");
	st = w->st[ST_VULN];
	sqlite3_clear_bindings(st);
	bind_text(st, 1, v->id);
	bind_text(st, 2, empty(v->summary) ? NULL : v->summary);
	bind_text(st, 3, empty(v->details) ? NULL : v->details);
	bind_text(st, 4, cs_severity_name(v->severity));
	bind_score(st, 5, v->cvss3_score);
	bind_text(st, 6, empty(v->cvss3_vector) ? NULL : v->cvss3_vector);
	bind_score(st, 7, v->cvss4_score);
	bind_text(st, 8, empty(v->cvss4_vector) ? NULL : v->cvss4_vector);
	bind_text(st, 9, empty(v->published) ? NULL : v->published);
	bind_text(st, 10, empty(v->modified) ? NULL : v->modified);
	bind_text(st, 11, empty(v->withdrawn) ? NULL : v->withdrawn);
	bind_text(st, 12, empty(v->url) ? NULL : v->url);
	return step_done(w, st, err);
}

int cs_vulndb_put_alias(struct cs_vulndb_writer *w, const char *id, const char *alias,
			struct cs_error *err)
{
	sqlite3_stmt *st;

	if (!w || empty(id) || empty(alias))
		return cs_error_set(err, -EINVAL, "empty alias");
	if (!strcmp(id, alias))
		return 0;
	st = w->st[ST_ALIAS];
	bind_text(st, 1, id);
	bind_text(st, 2, alias);
	return step_done(w, st, err);
}

int cs_vulndb_put_affected(struct cs_vulndb_writer *w, const struct cs_affected *a,
			   struct cs_error *err)
{
	sqlite3_stmt *st;

	if (!w || !a || empty(a->namespace) || empty(a->package) || empty(a->vuln_id))
		return cs_error_set(err, -EINVAL,
				    "affected record without namespace, package or id");
	if ((unsigned)a->scheme >= CS_VERSION_SCHEME_COUNT ||
	    (unsigned)a->fix_state >= CS_FIX_STATE_COUNT)
		return cs_error_set(err, -EINVAL, "affected record '%s' with a bad scheme or state",
				    a->vuln_id);
	st = w->st[ST_AFFECTED];
	sqlite3_clear_bindings(st);
	bind_text(st, 1, a->namespace);
	bind_text(st, 2, a->package);
	bind_text(st, 3, a->vuln_id);
	bind_text(st, 4, a->source ? a->source : "");
	bind_text(st, 5, cs_vulndb_scheme_name(a->scheme));
	bind_text(st, 6, empty(a->ranges) ? "[]" : a->ranges);
	bind_text(st, 7, empty(a->fixed) ? NULL : a->fixed);
	bind_text(st, 8, cs_fix_state_name(a->fix_state));
	bind_text(st, 9, cs_severity_name(a->severity));
	bind_text(st, 10, empty(a->note) ? NULL : a->note);
	return step_done(w, st, err);
}

int cs_vulndb_put_kev(struct cs_vulndb_writer *w, const char *cve, const char *date_added,
		      const char *due_date, const char *ransomware, const char *name,
		      struct cs_error *err)
{
	sqlite3_stmt *st;

	if (!w || empty(cve))
		return cs_error_set(err, -EINVAL, "kev record without a cve");
	st = w->st[ST_KEV];
	bind_text(st, 1, cve);
	bind_text(st, 2, empty(date_added) ? NULL : date_added);
	bind_text(st, 3, empty(due_date) ? NULL : due_date);
	bind_text(st, 4, empty(ransomware) ? NULL : ransomware);
	bind_text(st, 5, empty(name) ? NULL : name);
	return step_done(w, st, err);
}

int cs_vulndb_put_epss(struct cs_vulndb_writer *w, const char *cve, double score, double percentile,
		       const char *date, struct cs_error *err)
{
	sqlite3_stmt *st;

	if (!w || empty(cve))
		return cs_error_set(err, -EINVAL, "epss record without a cve");
	if (!(score >= 0.0 && score <= 1.0) || !(percentile >= 0.0 && percentile <= 1.0))
		return cs_error_set(err, -CS_E_INPUT, "epss record '%s' out of range", cve);
	st = w->st[ST_EPSS];
	bind_text(st, 1, cve);
	sqlite3_bind_double(st, 2, score);
	sqlite3_bind_double(st, 3, percentile);
	bind_text(st, 4, empty(date) ? NULL : date);
	return step_done(w, st, err);
}

static bool reserved_meta(const char *key)
{
	return !strcmp(key, "schema_version") || !strcmp(key, "built") || !strcmp(key, "builder");
}

int cs_vulndb_writer_set_meta(struct cs_vulndb_writer *w, const char *key, const char *value,
			      struct cs_error *err)
{
	if (!w || !w->db || empty(key) || !value || reserved_meta(key))
		return cs_error_set(err, -EINVAL, "cannot set meta key '%s'", key ? key : "");
	return put_meta(w, key, value, err);
}

int cs_vulndb_writer_relocate(struct cs_vulndb_writer *w, const char *from, const char *to,
			      struct cs_error *err)
{
	static const char sql[] =
		"UPDATE sources SET location = ?2 || substr(location, length(?1) + 1)"
		" WHERE location = ?1 OR substr(location, 1, length(?1) + 1) = ?1 || '/'";
	sqlite3_stmt *st = NULL;
	int r;

	if (!w || !w->db || empty(from) || !to)
		return cs_error_set(err, -EINVAL, "cannot relocate sources");
	if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_error(err, w->db, "write database", w->path);
	bind_text(st, 1, from);
	bind_text(st, 2, to);
	r = step_done(w, st, err);
	sqlite3_finalize(st);
	return r;
}

static int fsync_path(const char *path, bool dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int cs_vulndb_writer_commit(struct cs_vulndb_writer *w, struct cs_error *err)
{
	_cleanup_free_ char *dir = NULL;
	size_t dl;
	int r;

	if (!w || !w->db)
		return cs_error_set(err, -EINVAL, "database writer already finished");
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(w->st[i]);
		w->st[i] = NULL;
	}
	r = exec(w->db, "COMMIT", w->path, err);
	if (r >= 0)
		r = exec(w->db, "ANALYZE", w->path, err);
	if (r < 0)
		return r;
	if (sqlite3_close(w->db) != SQLITE_OK)
		return sql_error(err, w->db, "close database", w->path);
	w->db = NULL;

	r = fsync_path(w->tmp, false);
	if (r < 0)
		return cs_error_errno(err, r, "cannot sync database '%s'", w->tmp);
	if (rename(w->tmp, w->path) < 0)
		return cs_error_errno(err, errno, "cannot replace database '%s'", w->path);
	free(w->tmp);
	w->tmp = NULL; /* renamed: nothing left to unlink */

	dl = cs_path_dirlen(w->path);
	dir = dl ? cs_strndup(w->path, dl) : cs_strdup(w->path[0] == '/' ? "/" : ".");
	if (!dir)
		return cs_error_set(err, -ENOMEM, "out of memory");
	r = fsync_path(dir, true);
	if (r < 0 && r != -EINVAL)
		return cs_error_errno(err, r, "cannot sync directory '%s'", dir);
	return 0;
}

/* ---- reader ---- */

enum {
	RS_LOOKUP,
	RS_VULN,
	RS_ALIASES,
	RS_KEV,
	RS_EPSS,
	RS_COUNT,
};

static const char *const reader_sql[RS_COUNT] = {
	[RS_LOOKUP] = "SELECT namespace, package, vuln_id, source, scheme, ranges, fixed,"
		      " fix_state, severity, note FROM affected"
		      " WHERE namespace = ?1 AND package = ?2 ORDER BY vuln_id, source, rowid",
	[RS_VULN] = "SELECT id, summary, details, severity, cvss3_score, cvss3_vector,"
		    " cvss4_score, cvss4_vector, published, modified, withdrawn, url"
		    " FROM vulnerabilities WHERE id = ?1",
	[RS_ALIASES] = ("SELECT alias FROM aliases WHERE id = ?1"
			" UNION SELECT id FROM aliases WHERE alias = ?1 ORDER BY 1"),
	[RS_KEV] = "SELECT cve, date_added, due_date, ransomware, name FROM kev WHERE cve = ?1",
	[RS_EPSS] = "SELECT score, percentile FROM epss WHERE cve = ?1",
};

struct cs_vulndb {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[RS_COUNT];
};

void cs_vulndb_close(struct cs_vulndb *db)
{
	if (!db)
		return;
	for (int i = 0; i < RS_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->db);
	free(db->path);
	free(db);
}

int cs_vulndb_open(const char *path, struct cs_vulndb **ret, struct cs_error *err)
{
	struct cs_vulndb *db;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	uint64_t version = 0;
	int r = 0, rc;

	if (!path || !*path)
		return cs_error_set(err, -EINVAL, "no database path given");
	/* sqlite would report "unable to open database file" for all of these */
	if (stat(path, &sb) < 0) {
		if (errno == ENOENT)
			return cs_error_set(
				err, -CS_E_NOTFOUND,
				"no vulnerability database at '%s' (run 'customs db build')", path);
		return cs_error_errno(err, errno, "cannot open database '%s'", path);
	}
	if (!S_ISREG(sb.st_mode))
		return cs_error_set(err, -CS_E_INPUT,
				    "cannot open database '%s': not a regular file", path);
	db = cs_zalloc(sizeof(*db));
	if (!db || !(db->path = cs_strdup(path))) {
		free(db);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		r = sql_error(err, db->db, "open database", path);
		goto fail;
	}
	rc = sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1,
				&st, NULL);
	if (rc != SQLITE_OK) {
		if (sqlite3_errcode(db->db) == SQLITE_ERROR) /* no meta table */
			r = cs_error_set(err, -CS_E_INPUT,
					 "cannot open database '%s': not a customs vulnerability "
					 "database",
					 path);
		else
			r = sql_error(err, db->db, "open database", path);
		goto fail;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		if (!v || cs_safe_atou64(v, &version) < 0)
			version = 0;
	} else if (rc != SQLITE_DONE) {
		r = sql_error(err, db->db, "open database", path);
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (version != CS_VULNDB_SCHEMA_VERSION) {
		if (version == 0)
			r = cs_error_set(err, -CS_E_INPUT,
					 "cannot open database '%s': no schema version", path);
		else
			r = cs_error_set(err, -CS_E_UNSUPPORTED,
					 "cannot open database '%s': schema version %" PRIu64
					 " is %s than this customs supports (%d); rebuild it "
					 "with 'customs db build'",
					 path, version,
					 version > CS_VULNDB_SCHEMA_VERSION ? "newer" : "older",
					 CS_VULNDB_SCHEMA_VERSION);
		goto fail;
	}
	for (int i = 0; i < RS_COUNT; i++)
		if (sqlite3_prepare_v3(db->db, reader_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &db->st[i], NULL) != SQLITE_OK) {
			r = sql_error(err, db->db, "open database", path);
			goto fail;
		}
	*ret = db;
	return 0;
fail:
	sqlite3_finalize(st);
	cs_vulndb_close(db);
	return r;
}

static char *col_dup(sqlite3_stmt *st, int i, bool *oom)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	char *d;

	if (!s)
		return NULL;
	d = cs_strdup((const char *)s);
	if (!d)
		*oom = true;
	return d;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int count_rows(struct cs_vulndb *db, const char *sql, uint64_t *ret, struct cs_error *err)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_error(err, db->db, "read database", db->path);
	if (sqlite3_step(st) == SQLITE_ROW)
		*ret = (uint64_t)CS_MAX(sqlite3_column_int64(st, 0), 0);
	else
		r = sql_error(err, db->db, "read database", db->path);
	sqlite3_finalize(st);
	return r;
}

void cs_vulndb_info_free(struct cs_vulndb_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->n_sources; i++) {
		free(info->sources[i].name);
		free(info->sources[i].kind);
		free(info->sources[i].location);
		free(info->sources[i].updated);
	}
	free(info->sources);
	free(info->built);
	free(info->builder);
	free(info->mirror_url);
	free(info->mirror_kind);
	free(info->mirror_created);
	free(info->mirror_fetched);
	free(info);
}

int cs_vulndb_info(struct cs_vulndb *db, struct cs_vulndb_info **ret, struct cs_error *err)
{
	struct cs_vulndb_info *info;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	bool oom = false;
	int r, rc;

	info = cs_zalloc(sizeof(*info));
	if (!info)
		return cs_error_set(err, -ENOMEM, "out of memory");
	info->schema_version = CS_VULNDB_SCHEMA_VERSION;

	r = -1;
	if (sqlite3_prepare_v2(db->db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = col_text(st, 0);

		if (!k)
			continue;
		if (!strcmp(k, "built") && !info->built)
			info->built = col_dup(st, 1, &oom);
		else if (!strcmp(k, "builder") && !info->builder)
			info->builder = col_dup(st, 1, &oom);
		else if (!strcmp(k, CS_VULNDB_META_MIRROR_URL) && !info->mirror_url)
			info->mirror_url = col_dup(st, 1, &oom);
		else if (!strcmp(k, CS_VULNDB_META_MIRROR_KIND) && !info->mirror_kind)
			info->mirror_kind = col_dup(st, 1, &oom);
		else if (!strcmp(k, CS_VULNDB_META_MIRROR_CREATED) && !info->mirror_created)
			info->mirror_created = col_dup(st, 1, &oom);
		else if (!strcmp(k, CS_VULNDB_META_MIRROR_FETCHED) && !info->mirror_fetched)
			info->mirror_fetched = col_dup(st, 1, &oom);
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	st = NULL;

	if (sqlite3_prepare_v2(db->db,
			       "SELECT name, kind, location, updated, records, skipped FROM sources"
			       " ORDER BY name, location",
			       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cs_vulndb_source *s;

		if (CS_GROW(info->sources, cap, info->n_sources + 1) < 0) {
			oom = true;
			break;
		}
		s = &info->sources[info->n_sources++];
		memset(s, 0, sizeof(*s));
		s->name = col_dup(st, 0, &oom);
		s->kind = col_dup(st, 1, &oom);
		s->location = col_dup(st, 2, &oom);
		s->updated = col_dup(st, 3, &oom);
		s->records = (uint64_t)CS_MAX(sqlite3_column_int64(st, 4), 0);
		s->skipped = (uint64_t)CS_MAX(sqlite3_column_int64(st, 5), 0);
	}
	if (!oom && rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	st = NULL;
	if (oom) {
		cs_vulndb_info_free(info);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}

	r = count_rows(db, "SELECT count(*) FROM vulnerabilities", &info->vulns, err);
	if (r >= 0)
		r = count_rows(db, "SELECT count(*) FROM affected", &info->affected, err);
	if (r >= 0)
		r = count_rows(db, "SELECT count(*) FROM aliases", &info->aliases, err);
	if (r >= 0)
		r = count_rows(db, "SELECT count(*) FROM kev", &info->kev, err);
	if (r >= 0)
		r = count_rows(db, "SELECT count(*) FROM epss", &info->epss, err);
	if (r < 0) {
		cs_vulndb_info_free(info);
		return r;
	}
	*ret = info;
	return 0;
sqlfail:
	r = sql_error(err, db->db, "read database", db->path);
	sqlite3_finalize(st);
	cs_vulndb_info_free(info);
	return r;
}

int cs_vulndb_get_meta(struct cs_vulndb *db, const char *key, char **ret, struct cs_error *err)
{
	sqlite3_stmt *st = NULL;
	bool oom = false;
	char *v;
	int rc;

	if (sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_error(err, db->db, "read database", db->path);
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE ? 0 : sql_error(err, db->db, "read database", db->path);
		sqlite3_finalize(st);
		return rc;
	}
	v = col_dup(st, 0, &oom);
	sqlite3_finalize(st);
	if (oom)
		return cs_error_set(err, -ENOMEM, "out of memory");
	if (!v)
		return 0;
	*ret = v;
	return 1;
}

/* ---- databases from elsewhere ---- */

static int check_header(const char *path, struct cs_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	unsigned char h[100];
	size_t n = 0;

	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open database '%s'", path);
	while (n < sizeof(h)) {
		ssize_t k = read(fd, h + n, sizeof(h) - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return cs_error_errno(err, errno, "cannot read database '%s'", path);
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (n < sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0)
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not an SQLite database", path);
	/* file format versions 1/1: rollback journal; 2/2 would need -wal and -shm files */
	if (h[18] != 1 || h[19] != 1)
		return cs_error_set(err, -CS_E_INPUT,
				    "database '%s' is in write-ahead-log mode, which a published "
				    "database must not use",
				    path);
	return 0;
}

static int stamp_check(sqlite3 *db, const char *path, struct cs_error *err)
{
	sqlite3_stmt *st = NULL;
	const char *v;
	int r = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'", -1,
			       &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = sql_error(err, db, "read database", path);
		goto out;
	}
	if (sqlite3_column_int64(st, 0) != 0) {
		r = cs_error_set(err, -CS_E_INPUT, "database '%s' has triggers", path);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		r = sql_error(err, db, "check database", path);
		goto out;
	}
	v = col_text(st, 0);
	if (!v || strcmp(v, "ok") != 0)
		r = cs_error_set(err, -CS_E_INPUT, "database '%s' is corrupt: %s", path,
				 v ? v : "quick_check failed");
out:
	sqlite3_finalize(st);
	return r;
}

int cs_vulndb_stamp(const char *path, const char *const *kv, struct cs_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int r;

	r = check_header(path, err);
	if (r < 0)
		return r;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		r = sql_error(err, db, "open database", path);
		goto out;
	}
	/* the file is untrusted: SQLite's own advice for such files */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	r = exec(db, "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0; PRAGMA journal_mode=MEMORY;",
		 path, err);
	if (r < 0)
		goto out;
	r = stamp_check(db, path, err);
	if (r < 0)
		goto out;
	r = exec(db, "BEGIN", path, err);
	if (r < 0)
		goto out;
	if (sqlite3_prepare_v2(db, writer_sql[ST_META], -1, &st, NULL) != SQLITE_OK) {
		r = sql_error(err, db, "write database", path);
		goto out;
	}
	for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
		sqlite3_reset(st);
		bind_text(st, 1, kv[i]);
		bind_text(st, 2, kv[i + 1]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			r = sql_error(err, db, "write database", path);
			goto out;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	r = exec(db, "COMMIT", path, err);
	if (r < 0)
		goto out;
	if (sqlite3_close(db) != SQLITE_OK) {
		r = sql_error(err, db, "close database", path);
		db = NULL;
		goto out;
	}
	db = NULL;
	r = fsync_path(path, false);
	if (r < 0)
		r = cs_error_errno(err, r, "cannot sync database '%s'", path);
out:
	sqlite3_finalize(st);
	if (db)
		sqlite3_close(db);
	return r;
}

int cs_vulndb_lookup(struct cs_vulndb *db, const char *namespace, const char *package,
		     cs_vulndb_affected_fn cb, void *ud, struct cs_error *err)
{
	sqlite3_stmt *st = db->st[RS_LOOKUP];
	int r = 0, rc;

	sqlite3_reset(st);
	bind_text(st, 1, namespace);
	bind_text(st, 2, package);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cs_affected a = {
			.namespace = col_text(st, 0),
			.package = col_text(st, 1),
			.vuln_id = col_text(st, 2),
			.source = col_text(st, 3),
			.ranges = col_text(st, 5),
			.fixed = col_text(st, 6),
			.note = col_text(st, 9),
		};
		int scheme = cs_vulndb_scheme_from_name(col_text(st, 4));
		int state = cs_fix_state_from_name(col_text(st, 7));
		int sev = cs_severity_from_name(col_text(st, 8));

		if (!a.namespace || !a.package || !a.vuln_id || !a.ranges || scheme < 0 ||
		    state < 0) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "database '%s' has a bad affected row for '%s'", db->path,
					 package);
			break;
		}
		a.scheme = scheme;
		a.fix_state = state;
		a.severity = sev < 0 ? CS_SEV_UNKNOWN : sev;
		r = cb(ud, &a, err);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sql_error(err, db->db, "read database", db->path);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

void cs_vuln_free(struct cs_vuln *v)
{
	if (!v)
		return;
	free((char *)v->id);
	free((char *)v->summary);
	free((char *)v->details);
	free((char *)v->cvss3_vector);
	free((char *)v->cvss4_vector);
	free((char *)v->published);
	free((char *)v->modified);
	free((char *)v->withdrawn);
	free((char *)v->url);
	free(v);
}

int cs_vulndb_get_vuln(struct cs_vulndb *db, const char *id, struct cs_vuln **ret,
		       struct cs_error *err)
{
	sqlite3_stmt *st = db->st[RS_VULN];
	struct cs_vuln *v;
	bool oom = false;
	int rc, sev;

	sqlite3_reset(st);
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		rc = sql_error(err, db->db, "read database", db->path);
		sqlite3_reset(st);
		return rc;
	}
	v = cs_zalloc(sizeof(*v));
	if (!v) {
		sqlite3_reset(st);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	v->id = col_dup(st, 0, &oom);
	v->summary = col_dup(st, 1, &oom);
	v->details = col_dup(st, 2, &oom);
	sev = cs_severity_from_name(col_text(st, 3));
	v->severity = sev < 0 ? CS_SEV_UNKNOWN : sev;
	v->cvss3_score = sqlite3_column_double(st, 4);
	v->cvss3_vector = col_dup(st, 5, &oom);
	v->cvss4_score = sqlite3_column_double(st, 6);
	v->cvss4_vector = col_dup(st, 7, &oom);
	v->published = col_dup(st, 8, &oom);
	v->modified = col_dup(st, 9, &oom);
	v->withdrawn = col_dup(st, 10, &oom);
	v->url = col_dup(st, 11, &oom);
	sqlite3_reset(st);
	if (oom || !v->id) {
		cs_vuln_free(v);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	*ret = v;
	return 1;
}

int cs_vulndb_aliases(struct cs_vulndb *db, const char *id, cs_vulndb_alias_fn cb, void *ud,
		      struct cs_error *err)
{
	sqlite3_stmt *st = db->st[RS_ALIASES];
	int r = 0, rc;

	sqlite3_reset(st);
	bind_text(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = col_text(st, 0);

		if (!a)
			continue;
		r = cb(ud, a, err);
		if (r != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = sql_error(err, db->db, "read database", db->path);
	sqlite3_reset(st);
	return r;
}

void cs_kev_free(struct cs_kev *k)
{
	if (!k)
		return;
	free(k->cve);
	free(k->date_added);
	free(k->due_date);
	free(k->ransomware);
	free(k->name);
	free(k);
}

int cs_vulndb_get_kev(struct cs_vulndb *db, const char *cve, struct cs_kev **ret,
		      struct cs_error *err)
{
	sqlite3_stmt *st = db->st[RS_KEV];
	struct cs_kev *k;
	bool oom = false;
	int rc;

	sqlite3_reset(st);
	bind_text(st, 1, cve);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			rc = sql_error(err, db->db, "read database", db->path);
		else
			rc = 0;
		sqlite3_reset(st);
		return rc;
	}
	k = cs_zalloc(sizeof(*k));
	if (!k) {
		sqlite3_reset(st);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	k->cve = col_dup(st, 0, &oom);
	k->date_added = col_dup(st, 1, &oom);
	k->due_date = col_dup(st, 2, &oom);
	k->ransomware = col_dup(st, 3, &oom);
	k->name = col_dup(st, 4, &oom);
	sqlite3_reset(st);
	if (oom || !k->cve) {
		cs_kev_free(k);
		return cs_error_set(err, -ENOMEM, "out of memory");
	}
	*ret = k;
	return 1;
}

int cs_vulndb_get_epss(struct cs_vulndb *db, const char *cve, double *ret_score,
		       double *ret_percentile, struct cs_error *err)
{
	sqlite3_stmt *st = db->st[RS_EPSS];
	int rc;

	sqlite3_reset(st);
	bind_text(st, 1, cve);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (ret_score)
			*ret_score = sqlite3_column_double(st, 0);
		if (ret_percentile)
			*ret_percentile = sqlite3_column_double(st, 1);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = sql_error(err, db->db, "read database", db->path);
	}
	sqlite3_reset(st);
	return rc;
}
