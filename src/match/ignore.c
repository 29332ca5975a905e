/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ignore file. It is read straight from libyaml's events (not through
 * a generic tree) so that every error can name the line it is on, and so
 * that the shape is checked as it is read: one mapping with one key,
 * "vulnerabilities", holding a list of flat mappings of strings. Aliases,
 * nested values, unknown or repeated keys are errors, never guesses.
 * Library code: never prints, never reads the clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/stream.h"
#include "basic/utf8.h"
#include "catalog/purl.h"
#include "match/ignore.h"
#include "match/suppress.h"

/* libyaml events in a file of at most CS_IGNORE_FILE_MAX bytes are bounded
 * by its size already; this keeps the work per byte small as well */
#define IGNORE_MAX_EVENTS (8u * CS_IGNORE_MAX_ENTRIES * 2 + 64)

struct entry {
	char *id;
	char *package;	      /* package name, NULL if none (or a purl) */
	struct cs_purl *purl; /* package given as a purl */
	char *path;	      /* glob without a leading '/', NULL if none */
	char *reason;
	char *expires;	      /* as written, NULL if none */
	int64_t expires_last; /* the last second the entry applies */
	size_t line;
};

struct cs_ignore {
	char *name;
	struct entry *v;
	size_t n, cap;
};

static void entry_done(struct entry *e)
{
	free(e->id);
	free(e->package);
	cs_purl_free(e->purl);
	free(e->path);
	free(e->reason);
	free(e->expires);
}

void cs_ignore_free(struct cs_ignore *ign)
{
	if (!ign)
		return;
	for (size_t i = 0; i < ign->n; i++)
		entry_done(&ign->v[i]);
	free(ign->v);
	free(ign->name);
	free(ign);
}

size_t cs_ignore_count(const struct cs_ignore *ign)
{
	return ign ? ign->n : 0;
}

/* --- path globs --- */

enum glob_tok {
	G_END,
	G_LITERAL,
	G_ANY,	       /* ? */
	G_CLASS,       /* [...] */
	G_STAR,	       /* * */
	G_GLOBSTAR,    /* ** */
	G_GLOBSTAR_DIR /* ** followed by /: nothing, or anything that ends with / */
};

struct glob_cur {
	const char *p;	   /* next pattern character */
	const char *start; /* pattern start */
};

/* The end of the class opening at p ('['), or NULL when it is not closed. */
static const char *class_end(const char *p)
{
	const char *q = p + 1;

	if (*q == '!' || *q == '^')
		q++;
	if (*q == ']')
		q++; /* a ']' first is a member */
	for (; *q; q++) {
		if (*q == '\\' && q[1])
			q++;
		else if (*q == ']')
			return q;
	}
	return NULL;
}

static bool class_has(const char *p, const char *end, char ch)
{
	unsigned char c = (unsigned char)ch;
	const char *q = p + 1;
	bool neg = false, in = false;

	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	while (q < end) {
		unsigned char lo, hi;

		if (*q == '\\' && q + 1 < end)
			q++;
		lo = hi = (unsigned char)*q++;
		if (q + 1 < end && *q == '-') {
			q++;
			if (*q == '\\' && q + 1 < end)
				q++;
			hi = (unsigned char)*q++;
		}
		if (c >= lo && c <= hi)
			in = true;
	}
	return in != neg;
}

/* Read one token; *lit is the literal character, *cls the class bounds. */
static enum glob_tok glob_next(struct glob_cur *g, char *lit, const char **cls,
			       const char **cls_end)
{
	const char *p = g->p;

	switch (*p) {
	case '\0':
		return G_END;
	case '?':
		g->p = p + 1;
		return G_ANY;
	case '[': {
		const char *e = class_end(p);

		if (!e)
			break; /* checked patterns never get here */
		*cls = p;
		*cls_end = e;
		g->p = e + 1;
		return G_CLASS;
	}
	case '*':
		if (p[1] != '*') {
			g->p = p + 1;
			return G_STAR;
		}
		while (*p == '*')
			p++;
		if (*p == '/' && (g->p == g->start || g->p[-1] == '/')) {
			g->p = p + 1;
			return G_GLOBSTAR_DIR;
		}
		g->p = p;
		return G_GLOBSTAR;
	case '\\':
		if (p[1]) {
			*lit = p[1];
			g->p = p + 2;
			return G_LITERAL;
		}
		break;
	default:
		break;
	}
	*lit = *p;
	g->p = p + 1;
	return G_LITERAL;
}

int cs_ignore_glob_check(const char *pattern)
{
	for (const char *p = pattern; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return -EINVAL; /* a trailing backslash escapes nothing */
			p++;
		} else if (*p == '[') {
			const char *e = class_end(p);

			if (!e)
				return -EINVAL;
			p = e;
		}
	}
	return 0;
}

bool cs_ignore_glob_match(const char *pattern, const char *path)
{
	struct glob_cur g;
	size_t n = strlen(path);
	_cleanup_free_ bool *dp = NULL, *nd = NULL;
	enum glob_tok t;
	bool ok;

	while (*pattern == '/')
		pattern++;
	if (cs_ignore_glob_check(pattern) < 0)
		return false;
	g = (struct glob_cur){ pattern, pattern };
	/* dp[j]: the pattern read so far matches the first j bytes of path */
	dp = cs_new0(bool, n + 1);
	nd = cs_new0(bool, n + 1);
	if (!dp || !nd)
		return false; /* without memory nothing is suppressed */
	dp[0] = true;
	for (;;) {
		const char *cls = NULL, *cls_end = NULL;
		bool seen = false, any = false;
		char lit = 0;
		bool *tmp;

		t = glob_next(&g, &lit, &cls, &cls_end);
		if (t == G_END)
			break;
		for (size_t j = 0; j <= n; j++) {
			char prev = j > 0 ? path[j - 1] : 0;

			switch (t) {
			case G_LITERAL:
				nd[j] = j > 0 && dp[j - 1] && prev == lit;
				break;
			case G_ANY:
				nd[j] = j > 0 && dp[j - 1] && prev != '/';
				break;
			case G_CLASS:
				nd[j] = j > 0 && dp[j - 1] && prev != '/' &&
					class_has(cls, cls_end, prev);
				break;
			case G_STAR:
				nd[j] = dp[j] || (j > 0 && nd[j - 1] && prev != '/');
				break;
			case G_GLOBSTAR:
				nd[j] = dp[j] || (j > 0 && nd[j - 1]);
				break;
			case G_GLOBSTAR_DIR:
				/* seen: some shorter prefix matched before */
				nd[j] = dp[j] || (seen && prev == '/');
				seen = seen || dp[j];
				break;
			case G_END:
				break;
			}
			any = any || nd[j];
		}
		tmp = dp;
		dp = nd;
		nd = tmp;
		if (!any)
			return false;
	}
	ok = dp[n];
	return ok;
}

/* --- reading the YAML --- */

struct yp {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have; /* ev holds an event to delete */
	unsigned events;
	const char *name;
	struct cs_error *err;
};

static int yerr(struct yp *y, size_t line, int code, const char *fmt, ...) CS_PRINTF(4, 5);
static int yerr(struct yp *y, size_t line, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cs_error_set(y->err, code, "ignore file '%s' line %zu: %s", y->name, line, msg);
}

static size_t ev_line(const struct yp *y)
{
	return y->ev.start_mark.line + 1;
}

static int next(struct yp *y)
{
	if (y->have) {
		yaml_event_delete(&y->ev);
		y->have = false;
	}
	if (!yaml_parser_parse(&y->parser, &y->ev)) {
		if (y->parser.error == YAML_MEMORY_ERROR)
			return cs_error_errno(y->err, ENOMEM, "cannot read ignore file '%s'",
					      y->name);
		return cs_error_set(y->err, -CS_E_INPUT,
				    "ignore file '%s' line %zu: invalid YAML: %s", y->name,
				    y->parser.problem_mark.line + 1,
				    y->parser.problem ? y->parser.problem : "syntax error");
	}
	y->have = true;
	if (++y->events > IGNORE_MAX_EVENTS)
		return yerr(y, ev_line(y), -CS_E_LIMIT, "more than %u YAML nodes",
			    IGNORE_MAX_EVENTS);
	if (y->ev.type == YAML_ALIAS_EVENT)
		return yerr(y, ev_line(y), -CS_E_INPUT, "YAML aliases are not supported");
	if (y->ev.type == YAML_SCALAR_EVENT) {
		const char *v = (const char *)y->ev.data.scalar.value;
		size_t n = y->ev.data.scalar.length;

		if (memchr(v, 0, n))
			return yerr(y, ev_line(y), -CS_E_INPUT, "NUL byte in a value");
		if (!cs_utf8_is_valid(v, n))
			return yerr(y, ev_line(y), -CS_E_INPUT, "invalid UTF-8");
	}
	return 0;
}

static const char *scalar(const struct yp *y)
{
	return (const char *)y->ev.data.scalar.value;
}

/* a plain empty, "~" or "null" scalar: YAML's null */
static bool scalar_is_null(const struct yp *y)
{
	const char *v = scalar(y);

	return y->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
		!strcmp(v, "NULL"));
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* a key as it may appear in a message */
static char *key_label(const struct yp *y)
{
	return cs_suppress_text(scalar(y), 64);
}

enum field {
	F_ID,
	F_PACKAGE,
	F_PATH,
	F_REASON,
	F_EXPIRES,
	F_COUNT,
};

static const char *const field_names[F_COUNT] = { "id", "package", "path", "reason", "expires" };

static bool id_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* Check the values of one entry and fill in what they mean. */
static int entry_finish(struct yp *y, struct entry *e, const size_t *lines)
{
	if (!e->id)
		return yerr(y, e->line, -CS_E_INPUT, "entry without 'id'");
	if (!e->reason)
		return yerr(y, e->line, -CS_E_INPUT, "entry for '%.200s' without 'reason'", e->id);
	if (strlen(e->id) > 256 || !id_ok(e->id))
		return yerr(y, lines[F_ID], -CS_E_INPUT,
			    "'id' must be one vulnerability id (no spaces, at most 256 bytes)");
	if (e->expires) {
		bool date_only = false;
		int64_t t;

		if (cs_parse_timestamp(e->expires, strlen(e->expires), &t, &date_only) < 0)
			return yerr(y, lines[F_EXPIRES], -CS_E_INPUT,
				    "invalid date '%.64s' for 'expires' (YYYY-MM-DD or RFC 3339)",
				    e->expires);
		/* a date is the whole day, UTC */
		e->expires_last = date_only ? t + 86399 : t;
	}
	if (e->package && !strncmp(e->package, "pkg:", 4)) {
		struct cs_error perr = CS_ERROR_INIT;
		int r = cs_purl_parse(e->package, &e->purl, &perr);

		if (r == -ENOMEM)
			return cs_error_errno(y->err, ENOMEM, "cannot read ignore file '%s'",
					      y->name);
		if (r < 0)
			return yerr(y, lines[F_PACKAGE], -CS_E_INPUT, "'package': %s", perr.msg);
		free(e->package);
		e->package = NULL;
	}
	if (e->path) {
		const char *p = e->path;
		char *s;

		if (cs_ignore_glob_check(p) < 0)
			return yerr(y, lines[F_PATH], -CS_E_INPUT,
				    "invalid glob '%.200s' for 'path' (an unclosed '[' or a "
				    "trailing '\\')",
				    p);
		while (*p == '/')
			p++;
		s = cs_strdup(p);
		if (!s)
			return cs_error_errno(y->err, ENOMEM, "cannot read ignore file '%s'",
					      y->name);
		free(e->path);
		e->path = s;
	}
	return 0;
}

/* One list item: a mapping of the known keys to strings. The mapping start is the current event. */
static int read_entry(struct yp *y, struct entry *e)
{
	size_t lines[F_COUNT] = { 0 };
	char **slots[F_COUNT] = { &e->id, &e->package, &e->path, &e->reason, &e->expires };
	int r;

	e->line = ev_line(y);
	for (;;) {
		_cleanup_free_ char *label = NULL;
		size_t k, kline;

		r = next(y);
		if (r < 0)
			return r;
		if (y->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return yerr(y, ev_line(y), -CS_E_INPUT, "a key must be a plain string");
		kline = ev_line(y);
		for (k = 0; k < F_COUNT; k++)
			if (!strcmp(scalar(y), field_names[k]))
				break;
		if (k == F_COUNT) {
			label = key_label(y);
			return yerr(y, kline, -CS_E_INPUT,
				    "unknown key '%s' (id, package, path, reason, expires)",
				    label ? label : "?");
		}
		if (lines[k])
			return yerr(y, kline, -CS_E_INPUT, "duplicate key '%s'", field_names[k]);
		lines[k] = kline;
		r = next(y);
		if (r < 0)
			return r;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return yerr(y, ev_line(y), -CS_E_INPUT, "'%s' must be a string",
				    field_names[k]);
		if (scalar_is_null(y) || blank(scalar(y)))
			return yerr(y, ev_line(y), -CS_E_INPUT, "'%s' is empty", field_names[k]);
		if (y->ev.data.scalar.length > CS_IGNORE_FIELD_MAX)
			return yerr(y, ev_line(y), -CS_E_LIMIT, "'%s' is longer than %u bytes",
				    field_names[k], CS_IGNORE_FIELD_MAX);
		*slots[k] = cs_strdup(scalar(y));
		if (!*slots[k])
			return cs_error_errno(y->err, ENOMEM, "cannot read ignore file '%s'",
					      y->name);
	}
	return entry_finish(y, e, lines);
}

static int read_list(struct yp *y, struct cs_ignore *ign)
{
	for (;;) {
		int r = next(y);

		if (r < 0)
			return r;
		if (y->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (y->ev.type != YAML_MAPPING_START_EVENT)
			return yerr(y, ev_line(y), -CS_E_INPUT,
				    "each entry of 'vulnerabilities' must be a mapping (id, "
				    "reason...)");
		if (ign->n >= CS_IGNORE_MAX_ENTRIES)
			return yerr(y, ev_line(y), -CS_E_LIMIT, "more than %u entries",
				    CS_IGNORE_MAX_ENTRIES);
		if (CS_GROW(ign->v, ign->cap, ign->n + 1) < 0)
			return cs_error_errno(y->err, ENOMEM, "cannot read ignore file '%s'",
					      y->name);
		ign->v[ign->n] = (struct entry){ 0 };
		ign->n++; /* counted now so that it is freed on failure */
		r = read_entry(y, &ign->v[ign->n - 1]);
		if (r < 0)
			return r;
	}
}

static int read_top(struct yp *y, struct cs_ignore *ign)
{
	bool seen = false;

	for (;;) {
		_cleanup_free_ char *label = NULL;
		int r = next(y);

		if (r < 0)
			return r;
		if (y->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (y->ev.type != YAML_SCALAR_EVENT)
			return yerr(y, ev_line(y), -CS_E_INPUT, "a key must be a plain string");
		if (strcmp(scalar(y), "vulnerabilities")) {
			label = key_label(y);
			return yerr(y, ev_line(y), -CS_E_INPUT,
				    "unknown key '%s' (the file holds 'vulnerabilities')",
				    label ? label : "?");
		}
		if (seen)
			return yerr(y, ev_line(y), -CS_E_INPUT, "duplicate key 'vulnerabilities'");
		seen = true;
		r = next(y);
		if (r < 0)
			return r;
		if (y->ev.type == YAML_SCALAR_EVENT && scalar_is_null(y))
			continue; /* "vulnerabilities:" with nothing: no entries */
		if (y->ev.type != YAML_SEQUENCE_START_EVENT)
			return yerr(y, ev_line(y), -CS_E_INPUT, "'vulnerabilities' must be a list");
		r = read_list(y, ign);
		if (r < 0)
			return r;
	}
}

static int read_doc(struct yp *y, struct cs_ignore *ign)
{
	int r = next(y);

	if (r < 0)
		return r;
	if (y->ev.type != YAML_STREAM_START_EVENT)
		return yerr(y, ev_line(y), -CS_E_INPUT, "not a YAML stream");
	r = next(y);
	if (r < 0 || y->ev.type == YAML_STREAM_END_EVENT)
		return r; /* an empty file: nothing ignored */
	if (y->ev.type != YAML_DOCUMENT_START_EVENT)
		return yerr(y, ev_line(y), -CS_E_INPUT, "not a YAML document");
	r = next(y);
	if (r < 0)
		return r;
	if (y->ev.type == YAML_MAPPING_START_EVENT)
		r = read_top(y, ign);
	else if (y->ev.type != YAML_SCALAR_EVENT || !scalar_is_null(y))
		r = yerr(y, ev_line(y), -CS_E_INPUT,
			 "the file must be a mapping with a 'vulnerabilities' list");
	if (r < 0)
		return r;
	r = next(y);
	if (r < 0)
		return r;
	if (y->ev.type != YAML_DOCUMENT_END_EVENT)
		return yerr(y, ev_line(y), -CS_E_INPUT, "unexpected content");
	r = next(y);
	if (r < 0)
		return r;
	if (y->ev.type != YAML_STREAM_END_EVENT)
		return yerr(y, ev_line(y), -CS_E_INPUT, "more than one YAML document");
	return 0;
}

int cs_ignore_parse(const char *data, size_t len, const char *name, struct cs_ignore **ret,
		    struct cs_error *err)
{
	_cleanup_(cs_ignore_freep) struct cs_ignore *ign = NULL;
	struct yp y = { .name = name ? name : "-", .err = err };
	int r;

	if (len > CS_IGNORE_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "ignore file '%s': larger than %u bytes",
				    y.name, CS_IGNORE_FILE_MAX);
	ign = cs_zalloc(sizeof(*ign));
	if (!ign || !(ign->name = cs_strdup(y.name)))
		return cs_error_errno(err, ENOMEM, "cannot read ignore file '%s'", y.name);
	if (!yaml_parser_initialize(&y.parser))
		return cs_error_errno(err, ENOMEM, "cannot read ignore file '%s'", y.name);
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)(data ? data : ""), len);
	r = read_doc(&y, ign);
	if (y.have)
		yaml_event_delete(&y.ev);
	yaml_parser_delete(&y.parser);
	if (r < 0)
		return r;
	*ret = CS_TAKE_PTR(ign);
	return 0;
}

int cs_ignore_load(const char *path, struct cs_ignore **ret, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	struct cs_buf b = CS_BUF_INIT(CS_IGNORE_FILE_MAX);
	int r;

	r = cs_stream_open_file(path, &s, err);
	if (r >= 0)
		r = cs_stream_read_all(s, &b, err);
	if (r < 0) {
		cs_buf_done(&b);
		return cs_error_prefix(err, "ignore file '%s'", path);
	}
	r = cs_ignore_parse(b.data, b.len, path, ret, err);
	cs_buf_done(&b);
	return r;
}

/* --- applying --- */

static bool entry_matches(const struct entry *e, const struct cs_finding *f,
			  struct cs_purl_cache *cache)
{
	if (!cs_finding_has_id(f, e->id))
		return false;
	if (e->package && (!f->pkg->name || strcmp(e->package, f->pkg->name)))
		return false;
	if (e->purl && !cs_purl_matches(e->purl, cs_purl_cache_get(cache, f->pkg)))
		return false;
	if (e->path && (!f->pkg->path || !cs_ignore_glob_match(e->path, f->pkg->path)))
		return false;
	return true;
}

int cs_ignore_apply(const struct cs_ignore *ign, struct cs_findings *fs, int64_t now,
		    struct cs_error *err)
{
	_cleanup_(cs_purl_cache_freep) struct cs_purl_cache *cache = NULL;
	_cleanup_free_ bool *live = NULL;
	int r, count = 0;

	if (!ign || ign->n == 0)
		return 0;
	live = cs_new0(bool, ign->n);
	if (!live)
		return cs_error_errno(err, ENOMEM, "cannot apply ignore file '%s'", ign->name);
	for (size_t k = 0; k < ign->n; k++) {
		const struct entry *e = &ign->v[k];

		live[k] = !e->expires || now <= e->expires_last;
		if (!live[k] &&
		    cs_findings_warn(fs,
				     "ignore file '%s' line %zu: the entry for %s expired on %s "
				     "and no longer applies",
				     ign->name, e->line, e->id, e->expires) < 0)
			return cs_error_errno(err, ENOMEM, "cannot apply ignore file '%s'",
					      ign->name);
	}
	r = cs_purl_cache_new(&cache);
	if (r >= 0)
		r = cs_purl_cache_add_findings(cache, fs);
	if (r < 0)
		return cs_error_errno(err, r, "cannot apply ignore file '%s'", ign->name);
	for (size_t i = 0; i < fs->n;) {
		const struct entry *hit = NULL;
		_cleanup_free_ char *by = NULL, *why = NULL;

		for (size_t k = 0; k < ign->n && !hit; k++)
			if (live[k] && entry_matches(&ign->v[k], &fs->v[i], cache))
				hit = &ign->v[k];
		if (!hit) {
			i++;
			continue;
		}
		by = cs_asprintf("ignore-file:%s:%zu", ign->name, hit->line);
		why = cs_suppress_text(hit->reason, 1024);
		if (why && hit->expires) {
			char *t = cs_asprintf("%s (until %s)", why, hit->expires);

			free(why);
			why = t;
		}
		if (!by || !why || cs_findings_suppress(fs, i, by, why) < 0)
			return cs_error_errno(err, ENOMEM, "cannot apply ignore file '%s'",
					      ign->name);
		count++;
	}
	return count;
}
