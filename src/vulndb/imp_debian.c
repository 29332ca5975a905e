/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Debian security tracker importer: the tracker's own list syntax
 * (data/DSA/list, data/DLA/list, data/CVE/list) and its JSON export.
 *
 * Rows are keyed by (namespace "debian:N", source package, vulnerability
 * id). An advisory (DSA/DLA) names its CVEs: each CVE gets the advisory's
 * rows and the advisory becomes an alias of it; an advisory without CVEs
 * is its own vulnerability id. In the list syntax an unprefixed
 * "- pkg ..." line is about unstable (debian:unstable); "[release] - pkg"
 * lines are about that release only.
 *
 * Everything here is hostile input: lines are bounded by the reader,
 * records by counts, and nothing is trusted to be NUL-terminated. This
 * file never prints and never fetches anything.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "basic/path.h"
#include "basic/stream.h"
#include "vulndb/distro.h"

#define DEB_MAX_LINE	   (1u << 20)	/* one list line */
#define DEB_MAX_IDS	   16384	/* {CVE-...} ids in one record */
#define DEB_MAX_ROWS	   16384	/* package lines in one record */
#define DEB_MAX_TOKEN	   256		/* package name, version, id */
#define DEB_MAX_JSON	   (1ull << 30) /* whole JSON export */
#define DEB_MAX_JSON_DEPTH 64

/* ---- small helpers ---- */

static const struct {
	const char *codename;
	const char *ns;
} debian_releases[] = {
	{ "buzz", "debian:1.1" },     { "rex", "debian:1.2" },
	{ "bo", "debian:1.3" },	      { "hamm", "debian:2.0" },
	{ "slink", "debian:2.1" },    { "potato", "debian:2.2" },
	{ "woody", "debian:3.0" },    { "sarge", "debian:3.1" },
	{ "etch", "debian:4" },	      { "lenny", "debian:5" },
	{ "squeeze", "debian:6" },    { "wheezy", "debian:7" },
	{ "jessie", "debian:8" },     { "stretch", "debian:9" },
	{ "buster", "debian:10" },    { "bullseye", "debian:11" },
	{ "bookworm", "debian:12" },  { "trixie", "debian:13" },
	{ "forky", "debian:14" },     { "duke", "debian:15" },
	{ "sid", "debian:unstable" }, { "unstable", "debian:unstable" },
};

const char *cs_debian_namespace(const char *codename, size_t n)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(debian_releases); i++)
		if (strlen(debian_releases[i].codename) == n &&
		    memcmp(debian_releases[i].codename, codename, n) == 0)
			return debian_releases[i].ns;
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);

	return n >= pl && memcmp(s, p, pl) == 0;
}

/* A token of 1..DEB_MAX_TOKEN printable ASCII characters without brackets. */
static bool token_ok(const char *s, size_t n)
{
	if (n == 0 || n > DEB_MAX_TOKEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f || strchr("<>[]{}()\"\\", c))
			return false;
	}
	return true;
}

/* A Debian version as dpkg accepts it, roughly: starts with a digit, [A-Za-z0-9.+~:-]. */
static bool version_ok(const char *s, size_t n)
{
	if (n == 0 || n > DEB_MAX_TOKEN || !isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && (c == '\0' || !strchr(".+~:-", c)))
			return false;
	}
	return true;
}

/* A vulnerability id: CVE-YYYY-N+ (the list's CVE-YYYY-XXXX placeholders are not ids). */
static bool cve_ok(const char *s, size_t n)
{
	if (n < 13 || n > 32 || !has_prefix(s, n, "CVE-"))
		return false;
	for (size_t i = 4; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (s[8] != '-')
		return false;
	for (size_t i = 9; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* DSA-123, DSA-1234-1, DLA-3380-1 */
static bool adv_id_ok(const char *s, size_t n)
{
	size_t i = 4, d;

	if (n < 5 || n > 32 || (!has_prefix(s, n, "DSA-") && !has_prefix(s, n, "DLA-")))
		return false;
	for (d = 0; i < n && isdigit((unsigned char)s[i]); i++, d++)
		;
	if (d == 0)
		return false;
	if (i == n)
		return true;
	if (s[i++] != '-')
		return false;
	for (d = 0; i < n && isdigit((unsigned char)s[i]); i++, d++)
		;
	return d > 0 && i == n;
}

/* The tracker's JSON export also has TEMP-nnnnnnn-xxxxxx ids for unnamed issues. */
static bool json_id_ok(const char *s, size_t n)
{
	if (cve_ok(s, n))
		return true;
	if (!has_prefix(s, n, "TEMP-") || n > 64)
		return false;
	for (size_t i = 5; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return n > 5;
}

static enum cs_severity urgency(const char *s, size_t n, bool *known)
{
	static const struct {
		const char *w;
		enum cs_severity sev;
	} words[] = {
		{ "unimportant", CS_SEV_NEGLIGIBLE },
		{ "low", CS_SEV_LOW },
		{ "medium", CS_SEV_MEDIUM },
		{ "high", CS_SEV_HIGH },
	};

	/* the JSON export marks urgencies taken from NVD with trailing stars */
	while (n && s[n - 1] == '*')
		n--;
	for (size_t i = 0; i < CS_ARRAY_SIZE(words); i++)
		if (strlen(words[i].w) == n && memcmp(words[i].w, s, n) == 0) {
			*known = true;
			return words[i].sev;
		}
	*known = false;
	return CS_SEV_UNKNOWN;
}

/* ranges JSON for "fixed in v" or every version (v NULL) */
static int make_ranges(const char *v, char **ret)
{
	_cleanup_buf_ struct cs_buf b = CS_BUF_INIT(4 * DEB_MAX_TOKEN + 64);
	int r;

	if (!v) {
		*ret = cs_strdup("[]");
		return *ret ? 0 : -ENOMEM;
	}
	r = cs_buf_puts(&b, "[{\"introduced\":\"0\"},{\"fixed\":\"");
	if (r >= 0)
		r = cs_json_escape(&b, v, strlen(v));
	if (r >= 0)
		r = cs_buf_puts(&b, "\"}]");
	if (r < 0)
		return r == -CS_E_LIMIT ? -CS_E_INPUT : r;
	*ret = cs_buf_steal(&b, NULL);
	return 0;
}

static int emit_affected(const struct cs_record_sink *sink, const char *ns, const char *pkg,
			 const char *vuln_id, const char *source, const char *fixed,
			 enum cs_fix_state state, enum cs_severity sev, const char *note,
			 struct cs_error *err)
{
	_cleanup_free_ char *ranges = NULL;
	struct cs_affected a = {
		.namespace = ns,
		.package = pkg,
		.vuln_id = vuln_id,
		.source = source,
		.scheme = CS_VERSION_DPKG,
		.fixed = state == CS_FIX_FIXED ? fixed : NULL,
		.fix_state = state,
		.severity = sev,
		.note = note && *note ? note : NULL,
	};
	int r;

	if (!sink->affected)
		return 0;
	r = make_ranges(state == CS_FIX_FIXED ? fixed : NULL, &ranges);
	if (r < 0)
		return r == -ENOMEM ? r : cs_error_set(err, r, "cannot encode version '%s'", fixed);
	a.ranges = ranges;
	return sink->affected(sink->userdata, &a, err);
}

static void bad_at(struct cs_import_report *rep, const char *file, const char *pos, const char *fmt,
		   ...) CS_PRINTF(4, 5);
static void bad_at(struct cs_import_report *rep, const char *file, const char *pos, const char *fmt,
		   ...)
{
	char msg[512];
	va_list ap;

	if (!rep)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_import_report_bad(rep, file, pos, "%s", msg);
}

static void bad_line(struct cs_import_report *rep, const char *file, uint64_t lineno,
		     const char *fmt, ...) CS_PRINTF(4, 5);
static void bad_line(struct cs_import_report *rep, const char *file, uint64_t lineno,
		     const char *fmt, ...)
{
	char pos[48], msg[512];
	va_list ap;

	if (!rep)
		return;
	snprintf(pos, sizeof(pos), "line %llu", (unsigned long long)lineno);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_import_report_bad(rep, file, pos, "%s", msg);
}

/* Quote at most 60 bytes of hostile text for a message, replacing controls. */
static const char *quote(const char *s, size_t n, char buf[64])
{
	size_t i;

	for (i = 0; i < n && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[i] = c < ' ' || c >= 0x7f ? '?' : (char)c;
	}
	buf[i] = '\0';
	return buf;
}

/* ---- the list syntax ---- */

enum rec_kind { REC_NONE = 0, REC_ADV, REC_CVE };

struct drow {
	const char *ns;
	char *pkg;
	char *fixed;
	char *note;
	enum cs_fix_state state;
	enum cs_severity sev;
	bool sev_known;
	bool unstable; /* unprefixed line of a CVE record */
};

struct cs_debian_list {
	const char *file;
	const struct cs_record_sink *sink;
	struct cs_import_report *rep;

	enum rec_kind kind;
	bool skip; /* ignore body lines until the next header */
	uint64_t lineno;
	char id[40];
	char source[32];
	char published[32];
	char *summary;
	char **ids;
	size_t n_ids, cap_ids;
	struct drow *rows;
	size_t n_rows, cap_rows;

	uint64_t n_records;
	char updated[16]; /* latest advisory date, YYYY-MM-DD */
	char first_source[32];
};

static void rec_clear(struct cs_debian_list *p)
{
	for (size_t i = 0; i < p->n_ids; i++)
		free(p->ids[i]);
	for (size_t i = 0; i < p->n_rows; i++) {
		free(p->rows[i].pkg);
		free(p->rows[i].fixed);
		free(p->rows[i].note);
	}
	p->n_ids = p->n_rows = 0;
	free(p->summary);
	p->summary = NULL;
	p->kind = REC_NONE;
	p->skip = false;
	p->id[0] = p->published[0] = '\0';
}

int cs_debian_list_new(const char *file, const struct cs_record_sink *sink,
		       struct cs_import_report *rep, struct cs_debian_list **ret)
{
	struct cs_debian_list *p = cs_new0(struct cs_debian_list, 1);

	if (!p)
		return -ENOMEM;
	p->file = file ? file : "-";
	p->sink = sink;
	p->rep = rep;
	*ret = p;
	return 0;
}

void cs_debian_list_free(struct cs_debian_list *p)
{
	if (!p)
		return;
	rec_clear(p);
	free(p->ids);
	free(p->rows);
	free(p);
}

static int emit_vuln(const struct cs_record_sink *sink, const char *id, const char *summary,
		     const char *published, struct cs_error *err)
{
	char url[128];
	struct cs_vuln v = {
		.id = id,
		.summary = summary,
		.published = published && *published ? published : NULL,
		.url = url,
	};

	if (!sink->vuln)
		return 0;
	snprintf(url, sizeof(url), "https://security-tracker.debian.org/tracker/%s", id);
	return sink->vuln(sink->userdata, &v, err);
}

/* Write the record collected so far. */
static int rec_flush(struct cs_debian_list *p, struct cs_error *err)
{
	const struct cs_record_sink *s = p->sink;
	int r = 0;

	if (p->kind == REC_NONE || p->skip)
		goto out;

	if (p->kind == REC_CVE) {
		/* a release line without urgency takes the one of the package's unstable line */
		for (size_t i = 0; i < p->n_rows; i++) {
			struct drow *d = &p->rows[i];
			if (d->unstable || d->sev_known)
				continue;
			for (size_t j = 0; j < p->n_rows; j++)
				if (p->rows[j].unstable && p->rows[j].sev_known &&
				    strcmp(p->rows[j].pkg, d->pkg) == 0) {
					d->sev = p->rows[j].sev;
					break;
				}
		}
		r = emit_vuln(s, p->id, p->summary, NULL, err);
		for (size_t i = 0; r >= 0 && i < p->n_ids; i++)
			if (s->alias)
				r = s->alias(s->userdata, p->id, p->ids[i], err);
		for (size_t i = 0; r >= 0 && i < p->n_rows; i++) {
			struct drow *d = &p->rows[i];
			r = emit_affected(s, d->ns, d->pkg, p->id, p->source, d->fixed, d->state,
					  d->sev, d->note, err);
		}
		goto out;
	}

	/* an advisory: its CVEs carry its rows, or the advisory itself if it names none */
	r = emit_vuln(s, p->id, p->summary, p->published, err);
	for (size_t i = 0; r >= 0 && i < p->n_ids; i++) {
		r = emit_vuln(s, p->ids[i], NULL, NULL, err);
		if (r >= 0 && s->alias)
			r = s->alias(s->userdata, p->ids[i], p->id, err);
	}
	for (size_t i = 0; r >= 0 && i < p->n_rows; i++) {
		struct drow *d = &p->rows[i];
		if (p->n_ids == 0) {
			r = emit_affected(s, d->ns, d->pkg, p->id, p->source, d->fixed, d->state,
					  d->sev, d->note, err);
			continue;
		}
		for (size_t k = 0; r >= 0 && k < p->n_ids; k++)
			r = emit_affected(s, d->ns, d->pkg, p->ids[k], p->source, d->fixed,
					  d->state, d->sev, d->note, err);
	}
out:
	rec_clear(p);
	return r < 0 ? r : 0;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* "[29 Mar 2023] DSA-5380-1 xorg-server - security update" */
static int parse_adv_header(struct cs_debian_list *p, const char *s, size_t n)
{
	size_t i = 1, day = 0, year = 0, m;
	const char *rest, *id;
	size_t restn, idn;
	char buf[64];

	/* date */
	while (i < n && i < 3 && isdigit((unsigned char)s[i]))
		day = day * 10 + (size_t)(s[i++] - '0');
	if (i < 2 || day < 1 || day > 31 || i + 10 > n || s[i] != ' ')
		goto bad;
	i++;
	for (m = 0; m < 12; m++)
		if (memcmp(s + i, months[m], 3) == 0)
			break;
	if (m == 12 || s[i + 3] != ' ')
		goto bad;
	i += 4;
	for (size_t k = 0; k < 4; k++, i++) {
		if (i >= n || !isdigit((unsigned char)s[i]))
			goto bad;
		year = year * 10 + (size_t)(s[i] - '0');
	}
	if (i >= n || s[i] != ']' || year < 1990)
		goto bad;
	i++;
	/* id */
	while (i < n && is_blank(s[i]))
		i++;
	id = s + i;
	while (i < n && !is_blank(s[i]))
		i++;
	idn = (size_t)(s + i - id);
	if (!adv_id_ok(id, idn)) {
		bad_line(p->rep, p->file, p->lineno, "bad advisory id '%s'", quote(id, idn, buf));
		return -CS_E_INPUT;
	}
	rest = s + i;
	restn = n - i;
	trim(&rest, &restn);

	p->kind = REC_ADV;
	memcpy(p->id, id, idn);
	p->id[idn] = '\0';
	snprintf(p->source, sizeof(p->source), "debian-tracker:%.3s", id);
	snprintf(p->published, sizeof(p->published), "%04zu-%02zu-%02zuT00:00:00Z", year, m + 1,
		 day);
	if (strncmp(p->published, p->updated, 10) > 0)
		snprintf(p->updated, sizeof(p->updated), "%.10s", p->published);
	if (restn) {
		p->summary = cs_strndup(rest, restn);
		if (!p->summary)
			return -ENOMEM;
	}
	return 0;
bad:
	bad_line(p->rep, p->file, p->lineno, "bad advisory header '%s'", quote(s, n, buf));
	return -CS_E_INPUT;
}

/* "CVE-2023-1234 (description ...)" or "CVE-2023-XXXX [title]" */
static int parse_cve_header(struct cs_debian_list *p, const char *s, size_t n)
{
	size_t i = 0;
	const char *rest;
	size_t restn;

	while (i < n && !is_blank(s[i]))
		i++;
	p->kind = REC_CVE;
	snprintf(p->source, sizeof(p->source), "debian-tracker:CVE");
	if (!cve_ok(s, i)) {
		/* CVE-2024-XXXX: an issue without an id yet, nothing to key rows on */
		p->skip = true;
		return 0;
	}
	memcpy(p->id, s, i);
	p->id[i] = '\0';
	rest = s + i;
	restn = n - i;
	trim(&rest, &restn);
	if (restn >= 2 && ((rest[0] == '(' && rest[restn - 1] == ')') ||
			   (rest[0] == '[' && rest[restn - 1] == ']'))) {
		rest++;
		restn -= 2;
		trim(&rest, &restn);
	}
	if (restn) {
		p->summary = cs_strndup(rest, restn);
		if (!p->summary)
			return -ENOMEM;
	}
	return 0;
}

static int add_id(struct cs_debian_list *p, const char *s, size_t n)
{
	char *id;

	for (size_t i = 0; i < p->n_ids; i++)
		if (strlen(p->ids[i]) == n && memcmp(p->ids[i], s, n) == 0)
			return 0;
	if (p->n_ids >= DEB_MAX_IDS)
		return -CS_E_LIMIT;
	if (CS_GROW(p->ids, p->cap_ids, p->n_ids + 1) < 0)
		return -ENOMEM;
	id = cs_strndup(s, n);
	if (!id)
		return -ENOMEM;
	p->ids[p->n_ids++] = id;
	return 0;
}

/* "{CVE-2023-1 CVE-2023-2}" in an advisory, "{DSA-1-1 DLA-2-1}" in a CVE record */
static int parse_ids(struct cs_debian_list *p, const char *s, size_t n)
{
	size_t i = 1;
	char buf[64];
	int r;

	if (n < 2 || s[n - 1] != '}') {
		bad_line(p->rep, p->file, p->lineno, "unterminated id list");
		return 0;
	}
	n--;
	while (i < n) {
		size_t start;
		while (i < n && is_blank(s[i]))
			i++;
		start = i;
		while (i < n && !is_blank(s[i]))
			i++;
		if (i == start)
			break;
		if (p->kind == REC_ADV ? !cve_ok(s + start, i - start)
				       : !adv_id_ok(s + start, i - start)) {
			bad_line(p->rep, p->file, p->lineno, "bad id '%s'",
				 quote(s + start, i - start, buf));
			continue;
		}
		r = add_id(p, s + start, i - start);
		if (r == -CS_E_LIMIT) {
			bad_line(p->rep, p->file, p->lineno, "too many ids in one record");
			return 0;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Split "(bug #1; low; Minor issue)" into an urgency and the rest, as a note. */
static int parse_paren(const char *s, size_t n, struct drow *d, struct cs_buf *note)
{
	size_t i = 0;
	int r;

	while (i < n) {
		const char *item = s + i;
		size_t len = 0;
		bool known;
		enum cs_severity sev;

		while (i < n && s[i] != ';')
			i++, len++;
		if (i < n)
			i++;
		trim(&item, &len);
		if (!len || has_prefix(item, len, "bug #") ||
		    (len == 9 && !memcmp(item, "bug filed", 9)))
			continue;
		sev = urgency(item, len, &known);
		if (known) {
			d->sev = sev;
			d->sev_known = true;
			continue;
		}
		if (note->len && (r = cs_buf_puts(note, "; ")) < 0)
			return r;
		if ((r = cs_buf_append(note, item, len)) < 0)
			return r;
	}
	return 0;
}

static const struct {
	const char *tag;
	enum cs_fix_state state;
	bool skip;
} list_tags[] = {
	{ "unfixed", CS_FIX_AFFECTED, false },
	{ "not-affected", CS_FIX_NOT_AFFECTED, false },
	{ "no-dsa", CS_FIX_WONT_FIX, false },
	{ "ignored", CS_FIX_WONT_FIX, false },
	{ "postponed", CS_FIX_WONT_FIX, false },
	{ "end-of-life", CS_FIX_END_OF_LIFE, false },
	{ "undetermined", CS_FIX_UNDER_INVESTIGATION, false },
	/* the package is not (or no longer) in the distribution: nothing to record */
	{ "removed", CS_FIX_NOT_AFFECTED, true },
	{ "itp", CS_FIX_NOT_AFFECTED, true },
};

/* "- pkg 1.2-3 (bug #1; low)", "- pkg <no-dsa> (Minor issue)"; ns NULL for unstable */
static int parse_pkg_line(struct cs_debian_list *p, const char *ns, const char *s, size_t n)
{
	_cleanup_buf_ struct cs_buf note = CS_BUF_INIT(4096);
	struct drow d = { .ns = ns ? ns : "debian:unstable", .unstable = !ns };
	const char *pkg, *val, *paren = NULL;
	size_t pkgn, valn, parenn = 0, i = 0;
	char buf[64];
	int r;

	if (n < 2 || s[0] != '-' || !is_blank(s[1]))
		goto bad;
	i = 1;
	while (i < n && is_blank(s[i]))
		i++;
	pkg = s + i;
	while (i < n && !is_blank(s[i]))
		i++;
	pkgn = (size_t)(s + i - pkg);
	while (i < n && is_blank(s[i]))
		i++;
	val = s + i;
	while (i < n && !is_blank(s[i]))
		i++;
	valn = (size_t)(s + i - val);
	while (i < n && is_blank(s[i]))
		i++;
	if (i < n) {
		if (s[i] != '(' || s[n - 1] != ')')
			goto bad;
		paren = s + i + 1;
		parenn = n - i - 2;
	}
	if (!token_ok(pkg, pkgn)) {
		bad_line(p->rep, p->file, p->lineno, "bad package name '%s'",
			 quote(pkg, pkgn, buf));
		return 0;
	}
	if (valn == 0)
		goto bad;

	if (val[0] == '<') {
		size_t k;
		if (valn < 3 || val[valn - 1] != '>')
			goto bad;
		for (k = 0; k < CS_ARRAY_SIZE(list_tags); k++)
			if (strlen(list_tags[k].tag) == valn - 2 &&
			    memcmp(list_tags[k].tag, val + 1, valn - 2) == 0)
				break;
		if (k == CS_ARRAY_SIZE(list_tags)) {
			bad_line(p->rep, p->file, p->lineno, "unknown state '%s'",
				 quote(val, valn, buf));
			return 0;
		}
		if (list_tags[k].skip)
			return 0;
		d.state = list_tags[k].state;
		if (d.state == CS_FIX_WONT_FIX)
			r = cs_buf_append(&note, val + 1, valn - 2);
		else
			r = 0;
		if (r >= 0 && paren && parenn) {
			struct cs_buf rest = CS_BUF_INIT(4096);
			r = parse_paren(paren, parenn, &d, &rest);
			if (r >= 0 && rest.len) {
				if (note.len)
					r = cs_buf_puts(&note, ": ");
				if (r >= 0)
					r = cs_buf_append(&note, rest.data, rest.len);
			}
			cs_buf_done(&rest);
		}
	} else {
		if (!version_ok(val, valn)) {
			bad_line(p->rep, p->file, p->lineno, "bad version '%s'",
				 quote(val, valn, buf));
			return 0;
		}
		d.state = CS_FIX_FIXED;
		d.fixed = cs_strndup(val, valn);
		if (!d.fixed)
			return -ENOMEM;
		r = 0;
		if (p->kind == REC_ADV)
			r = cs_buf_puts(&note, p->id);
		if (r >= 0 && paren && parenn) {
			struct cs_buf rest = CS_BUF_INIT(4096);
			r = parse_paren(paren, parenn, &d, &rest);
			if (r >= 0 && rest.len) {
				if (note.len)
					r = cs_buf_puts(&note, ": ");
				if (r >= 0)
					r = cs_buf_append(&note, rest.data, rest.len);
			}
			cs_buf_done(&rest);
		}
	}
	if (r == -CS_E_LIMIT) {
		free(d.fixed);
		bad_line(p->rep, p->file, p->lineno, "note too long");
		return 0;
	}
	if (r < 0) {
		free(d.fixed);
		return r;
	}
	if (note.len) {
		d.note = cs_strndup(note.data, note.len);
		if (!d.note) {
			free(d.fixed);
			return -ENOMEM;
		}
	}
	d.pkg = cs_strndup(pkg, pkgn);
	if (!d.pkg || p->n_rows >= DEB_MAX_ROWS ||
	    CS_GROW(p->rows, p->cap_rows, p->n_rows + 1) < 0) {
		bool limit = d.pkg && p->n_rows >= DEB_MAX_ROWS;
		free(d.pkg);
		free(d.fixed);
		free(d.note);
		if (limit) {
			bad_line(p->rep, p->file, p->lineno,
				 "too many package lines in one record");
			return 0;
		}
		return -ENOMEM;
	}
	p->rows[p->n_rows++] = d;
	return 0;
bad:
	bad_line(p->rep, p->file, p->lineno, "bad package line '%s'", quote(s, n, buf));
	return 0;
}

/* "[bookworm] - pkg ..." */
static int parse_release_line(struct cs_debian_list *p, const char *s, size_t n)
{
	const char *close = memchr(s, ']', n);
	const char *ns, *rest;
	size_t restn;
	char buf[64];

	if (!close) {
		bad_line(p->rep, p->file, p->lineno, "bad release line '%s'", quote(s, n, buf));
		return 0;
	}
	ns = cs_debian_namespace(s + 1, (size_t)(close - s - 1));
	if (!ns) {
		bad_line(p->rep, p->file, p->lineno, "unknown release '%s'",
			 quote(s + 1, (size_t)(close - s - 1), buf));
		return 0;
	}
	rest = close + 1;
	restn = n - (size_t)(rest - s);
	trim(&rest, &restn);
	return parse_pkg_line(p, ns, rest, restn);
}

int cs_debian_list_line(struct cs_debian_list *p, const char *line, size_t n, uint64_t lineno,
			struct cs_error *err)
{
	const char *s = line;
	char buf[64];
	int r;

	p->lineno = lineno;
	if (n && line[n - 1] == '\r')
		n--;
	if (n == 0)
		return 0;

	if (!is_blank(line[0])) {
		/* a header starts a new record */
		r = rec_flush(p, err);
		if (r < 0)
			return r;
		if (line[0] == '[')
			r = parse_adv_header(p, line, n);
		else if (has_prefix(line, n, "CVE-"))
			r = parse_cve_header(p, line, n);
		else {
			bad_line(p->rep, p->file, lineno, "unexpected line '%s'",
				 quote(line, n, buf));
			r = -CS_E_INPUT;
		}
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			rec_clear(p);
			p->kind = REC_NONE;
			p->skip = true;
			return 0;
		}
		p->n_records++;
		if (!p->first_source[0])
			snprintf(p->first_source, sizeof(p->first_source), "%s", p->source);
		return 0;
	}

	trim(&s, &n);
	if (n == 0 || p->skip)
		return 0;
	if (p->kind == REC_NONE) {
		bad_line(p->rep, p->file, lineno, "line outside a record");
		return 0;
	}
	if (has_prefix(s, n, "NOTE:") || has_prefix(s, n, "TODO:"))
		return 0;
	if (s[0] == '{')
		return parse_ids(p, s, n);
	if (s[0] == '[')
		return parse_release_line(p, s, n);
	if (s[0] == '-') {
		if (p->kind == REC_ADV) {
			/* every advisory line of the tracker names its release */
			bad_line(p->rep, p->file, lineno, "package line without a release");
			return 0;
		}
		return parse_pkg_line(p, NULL, s, n);
	}
	if (p->kind == REC_CVE && (has_prefix(s, n, "RESERVED") || has_prefix(s, n, "REJECTED") ||
				   has_prefix(s, n, "NOT-FOR-US:"))) {
		/* no Debian package is concerned */
		rec_clear(p);
		p->skip = true;
		return 0;
	}
	bad_line(p->rep, p->file, lineno, "unexpected line '%s'", quote(s, n, buf));
	return 0;
}

int cs_debian_list_finish(struct cs_debian_list *p, struct cs_error *err)
{
	int r = rec_flush(p, err);

	if (r < 0)
		return r;
	if (p->n_records == 0)
		return cs_error_set(err, -CS_E_INPUT, "'%s': no tracker records", p->file);
	return 0;
}

int cs_debian_list_parse(const char *data, size_t len, const char *file,
			 const struct cs_record_sink *sink, struct cs_import_report *rep,
			 struct cs_error *err)
{
	_cleanup_(cs_debian_list_freep) struct cs_debian_list *p = NULL;
	uint64_t lineno = 0;
	size_t off = 0;
	int r;

	r = cs_debian_list_new(file, sink, rep, &p);
	if (r < 0)
		return r;
	while (off < len) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (data + off)) : len - off;

		lineno++;
		if (n > DEB_MAX_LINE)
			bad_line(rep, p->file, lineno, "line too long");
		else if ((r = cs_debian_list_line(p, data + off, n, lineno, err)) < 0)
			return r;
		off += n + (nl ? 1 : 0);
	}
	return cs_debian_list_finish(p, err);
}

/* ---- the JSON export ---- */

static bool json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End of the JSON string starting at s[i] == '"': index after the closing quote, 0 if none. */
static size_t json_string_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* End of the object/array at s[i]: index after it, 0 if unbalanced or too deep. */
static size_t json_value_end(const char *s, size_t n, size_t i)
{
	unsigned depth = 0;

	for (; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			size_t e = json_string_end(s, n, i);
			if (!e)
				return 0;
			i = e - 1;
		} else if (c == '{' || c == '[') {
			if (++depth > DEB_MAX_JSON_DEPTH)
				return 0;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return 0;
			if (--depth == 0)
				return i + 1;
		}
	}
	return 0;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int json_release(const struct cs_record_sink *sink, struct cs_import_report *rep,
			const char *file, const char *pkg, const char *id, const char *rel,
			json_t *o, struct cs_error *err)
{
	const char *ns = cs_debian_namespace(rel, strlen(rel));
	const char *status = jstr(o, "status"), *fixed = jstr(o, "fixed_version");
	const char *urg = jstr(o, "urgency"), *nodsa = jstr(o, "nodsa");
	const char *nodsa_reason = jstr(o, "nodsa_reason");
	_cleanup_free_ char *note = NULL;
	enum cs_fix_state state;
	enum cs_severity sev = CS_SEV_UNKNOWN;
	char pos[400], buf[64];
	bool known;

	snprintf(pos, sizeof(pos), "/%s/%s/releases/%s", pkg, id, rel);
	if (!ns) {
		bad_at(rep, file, pos, "unknown release '%s'", quote(rel, strlen(rel), buf));
		return 0;
	}
	if (!json_is_object(o) || !status) {
		bad_at(rep, file, pos, "release without a status");
		return 0;
	}
	if (urg)
		sev = urgency(urg, strlen(urg), &known);
	if (strcmp(status, "resolved") == 0) {
		if (!fixed) {
			bad_at(rep, file, pos, "resolved without a fixed_version");
			return 0;
		}
		/* "0": the release never had a vulnerable version */
		if (strcmp(fixed, "0") == 0)
			state = CS_FIX_NOT_AFFECTED;
		else if (version_ok(fixed, strlen(fixed)))
			state = CS_FIX_FIXED;
		else {
			bad_at(rep, file, pos, "bad fixed_version '%s'",
			       quote(fixed, strlen(fixed), buf));
			return 0;
		}
	} else if (strcmp(status, "open") == 0) {
		if (urg && strcmp(urg, "end-of-life") == 0)
			state = CS_FIX_END_OF_LIFE;
		else if (nodsa) {
			state = CS_FIX_WONT_FIX;
			note = cs_asprintf("%s%s%s",
					   nodsa_reason && *nodsa_reason ? nodsa_reason : "no-dsa",
					   *nodsa ? ": " : "", nodsa);
			if (!note)
				return -ENOMEM;
		} else
			state = CS_FIX_AFFECTED;
	} else if (strcmp(status, "undetermined") == 0) {
		state = CS_FIX_UNDER_INVESTIGATION;
	} else {
		bad_at(rep, file, pos, "unknown status '%s'", quote(status, strlen(status), buf));
		return 0;
	}
	return emit_affected(sink, ns, pkg, id, "debian-tracker:json", fixed, state, sev, note,
			     err);
}

static int json_package(const struct cs_record_sink *sink, struct cs_import_report *rep,
			const char *file, const char *pkg, json_t *cves, struct cs_error *err)
{
	const char *id;
	json_t *cve;
	char pos[320], buf[64];
	int r;

	if (!json_is_object(cves)) {
		snprintf(pos, sizeof(pos), "/%s", pkg);
		bad_at(rep, file, pos, "package is not an object");
		return 0;
	}
	json_object_foreach (cves, id, cve) {
		json_t *rels, *rel;
		const char *relname;

		snprintf(pos, sizeof(pos), "/%s/%s", pkg, id);
		if (!json_id_ok(id, strlen(id))) {
			bad_at(rep, file, pos, "bad id '%s'", quote(id, strlen(id), buf));
			continue;
		}
		if (!json_is_object(cve)) {
			bad_at(rep, file, pos, "not an object");
			continue;
		}
		r = emit_vuln(sink, id, jstr(cve, "description"), NULL, err);
		if (r < 0)
			return r;
		rels = json_object_get(cve, "releases");
		if (!json_is_object(rels)) {
			bad_at(rep, file, pos, "no releases");
			continue;
		}
		json_object_foreach (rels, relname, rel) {
			r = json_release(sink, rep, file, pkg, id, relname, rel, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int cs_debian_json_parse(const char *data, size_t len, const char *file,
			 const struct cs_record_sink *sink, struct cs_import_report *rep,
			 struct cs_error *err)
{
	size_t i = 0;
	uint64_t n = 0;
	int r;

	file = file ? file : "-";
	while (i < len && json_ws(data[i]))
		i++;
	if (i >= len || data[i] != '{')
		return cs_error_set(err, -CS_E_INPUT, "'%s': not a JSON object", file);
	i++;
	for (;;) {
		size_t kend, vend;
		json_t *key, *val;
		json_error_t jerr;
		char pkg[DEB_MAX_TOKEN + 1], pos[64];

		while (i < len && json_ws(data[i]))
			i++;
		if (i < len && data[i] == '}' && n == 0)
			break;
		if (i >= len || data[i] != '"')
			goto bad;
		kend = json_string_end(data, len, i);
		if (!kend)
			goto bad;
		key = json_loadb(data + i, kend - i, JSON_DECODE_ANY, &jerr);
		if (!key)
			goto bad;
		snprintf(pkg, sizeof(pkg), "%s", json_string_value(key));
		r = token_ok(json_string_value(key), json_string_length(key));
		json_decref(key);
		i = kend;
		while (i < len && json_ws(data[i]))
			i++;
		if (i >= len || data[i] != ':')
			goto bad;
		i++;
		while (i < len && json_ws(data[i]))
			i++;
		if (i >= len || data[i] != '{')
			goto bad;
		vend = json_value_end(data, len, i);
		if (!vend)
			goto bad;
		n++;
		if (!r) {
			snprintf(pos, sizeof(pos), "package %llu", (unsigned long long)n);
			bad_at(rep, file, pos, "bad package name");
		} else {
			val = json_loadb(data + i, vend - i, JSON_REJECT_DUPLICATES, &jerr);
			if (!val) {
				bad_at(rep, file, pkg, "%s", jerr.text);
			} else {
				r = json_package(sink, rep, file, pkg, val, err);
				json_decref(val);
				if (r < 0)
					return r;
			}
		}
		i = vend;
		while (i < len && json_ws(data[i]))
			i++;
		if (i < len && data[i] == ',') {
			i++;
			continue;
		}
		if (i < len && data[i] == '}')
			break;
		goto bad;
	}
	i++;
	while (i < len && json_ws(data[i]))
		i++;
	if (i != len)
		goto bad;
	return 0;
bad:
	return cs_error_set(err, -CS_E_INPUT, "'%s': malformed JSON at byte %zu", file, i);
}

/* ---- detection and the importer ---- */

static bool looks_like_adv_header(const char *s, size_t n)
{
	/* "[DD Mon YYYY] DSA-" */
	return n >= 18 && s[0] == '[' && isdigit((unsigned char)s[1]) &&
	       isdigit((unsigned char)s[2]) && s[3] == ' ' && s[7] == ' ' && s[12] == ']' &&
	       s[13] == ' ' &&
	       (has_prefix(s + 14, n - 14, "DSA-") || has_prefix(s + 14, n - 14, "DLA-"));
}

int cs_debian_tracker_sniff(const void *head, size_t n)
{
	const char *s = head;
	size_t i = 0, e;

	if (!s)
		return 0;
	if (looks_like_adv_header(s, n))
		return 1;
	if (n >= 9 && has_prefix(s, n, "CVE-") && isdigit((unsigned char)s[4]) &&
	    isdigit((unsigned char)s[7]) && s[8] == '-')
		return 1;
	/* {"pkg": {"CVE-...": {   or  {"pkg": {"TEMP-... */
	while (i < n && json_ws(s[i]))
		i++;
	if (i >= n || s[i++] != '{')
		return 0;
	while (i < n && json_ws(s[i]))
		i++;
	if (i >= n || s[i] != '"' || !(e = json_string_end(s, n, i)))
		return 0;
	i = e;
	while (i < n && json_ws(s[i]))
		i++;
	if (i >= n || s[i++] != ':')
		return 0;
	while (i < n && json_ws(s[i]))
		i++;
	if (i >= n || s[i++] != '{')
		return 0;
	while (i < n && json_ws(s[i]))
		i++;
	if (i < n && s[i] == '"' &&
	    (has_prefix(s + i + 1, n - i - 1, "CVE-") || has_prefix(s + i + 1, n - i - 1, "TEMP-")))
		return 2;
	return 0;
}

static bool debian_detect(const char *path, bool is_dir, const void *head, size_t n)
{
	(void)path;
	return !is_dir && cs_debian_tracker_sniff(head, n) > 0;
}

static int import_list(struct cs_stream *st, const char *path, const struct cs_record_sink *sink,
		       struct cs_import_report *rep, char *ret_source, size_t source_sz,
		       char *ret_updated, size_t updated_sz, struct cs_error *err)
{
	_cleanup_(cs_debian_list_freep) struct cs_debian_list *p = NULL;
	_cleanup_buf_ struct cs_buf line = CS_BUF_INIT(DEB_MAX_LINE + 1);
	_cleanup_free_ char *chunk = cs_malloc(1u << 16);
	uint64_t lineno = 1;
	bool toolong = false;
	int r;

	if (!chunk)
		return -ENOMEM;
	r = cs_debian_list_new(path, sink, rep, &p);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t got = cs_stream_read(st, chunk, 1u << 16, err);
		size_t off = 0;

		if (got < 0)
			return (int)got;
		if (got == 0)
			break;
		while (off < (size_t)got) {
			const char *nl = memchr(chunk + off, '\n', (size_t)got - off);
			size_t n = nl ? (size_t)(nl - (chunk + off)) : (size_t)got - off;

			if (!toolong) {
				r = cs_buf_append(&line, chunk + off, n);
				if (r == -CS_E_LIMIT) {
					toolong = true;
					cs_buf_reset(&line);
				} else if (r < 0)
					return r;
			}
			off += n;
			if (!nl)
				break;
			off++;
			if (toolong)
				bad_line(rep, path, lineno, "line too long");
			else if ((r = cs_debian_list_line(p, line.data ? line.data : "", line.len,
							  lineno, err)) < 0)
				return r;
			cs_buf_reset(&line);
			toolong = false;
			lineno++;
		}
	}
	if (toolong)
		bad_line(rep, path, lineno, "line too long");
	else if (line.len && (r = cs_debian_list_line(p, line.data, line.len, lineno, err)) < 0)
		return r;
	r = cs_debian_list_finish(p, err);
	if (r < 0)
		return r;
	snprintf(ret_source, source_sz, "%s", p->first_source);
	if (p->updated[0])
		snprintf(ret_updated, updated_sz, "%s", p->updated);
	return 0;
}

static int debian_import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
			 struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *st = NULL;
	struct cs_record_writer_sink ws;
	uint64_t records0 = rep ? rep->records : 0, skipped0 = rep ? rep->skipped : 0;
	char head[4096], source[32] = "debian-tracker", updated[16] = "";
	ssize_t n;
	size_t have = 0;
	int kind, r;

	cs_record_writer_sink_init(&ws, w, rep);
	r = cs_stream_open_file(path, &st, err);
	if (r < 0)
		return r;
	while (have < sizeof(head)) {
		n = cs_stream_read(st, head + have, sizeof(head) - have, err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	kind = cs_debian_tracker_sniff(head, have);
	if (kind == 0)
		return cs_error_set(err, -CS_E_INPUT, "'%s': not a Debian security tracker file",
				    path);
	/* start again from the beginning */
	cs_stream_free(st);
	st = NULL;
	r = cs_stream_open_file(path, &st, err);
	if (r < 0)
		return r;

	if (kind == 1) {
		r = import_list(st, path, &ws.sink, rep, source, sizeof(source), updated,
				sizeof(updated), err);
	} else {
		_cleanup_buf_ struct cs_buf all = CS_BUF_INIT(DEB_MAX_JSON);

		r = cs_stream_read_all(st, &all, err);
		if (r >= 0)
			r = cs_debian_json_parse(all.data ? all.data : "", all.len, path, &ws.sink,
						 rep, err);
		snprintf(source, sizeof(source), "debian-tracker:json");
	}
	if (r < 0)
		return r;
	return cs_vulndb_put_source(w, source, "debian-tracker", path, updated[0] ? updated : NULL,
				    rep ? rep->records - records0 : 0,
				    rep ? rep->skipped - skipped0 : 0, err);
}

const struct cs_importer cs_importer_debian = {
	.name = "debian-tracker",
	.detect = debian_detect,
	.import = debian_import,
};
