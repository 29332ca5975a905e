/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OVAL 5 definitions importer (Debian, Ubuntu, Red Hat and its rebuilds),
 * plain XML or bzip2-compressed.
 *
 * The document is read with libxml2's streaming reader, once, in constant
 * memory per node: definitions come first and name tests by id; tests name
 * objects (the package) and states (the fixed version, "evr less than");
 * Ubuntu's objects name variables listing binary packages. Definitions'
 * vulnerabilities and aliases are written as they are read; what rows they
 * need is kept compactly and resolved at the end of the document.
 *
 * Hostile input: a document type declaration is refused before libxml2
 * sees it (no DTD, so no entity can be declared, expanded or fetched:
 * billion laughs and XXE have nothing to work with), the network is off,
 * nesting, text and item counts are bounded, and libxml2's own messages
 * are captured instead of printed. Nothing here prints.
 */
#include <archive.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <libxml/xmlreader.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "basic/path.h"
#include "vulndb/distro.h"

#define OVAL_MAX_FIELD	   4096	       /* an id, a name, a version */
#define OVAL_MAX_DESC	   (64u << 10) /* descriptions are cut there */
#define OVAL_MAX_PROLOG	   (64u << 10) /* bytes before the root element */
#define OVAL_MAX_STATE_REF 8
#define OVAL_MAX_VALUES	   4096 /* values of one variable */

enum section {
	SEC_NONE = 0,
	SEC_GENERATOR,
	SEC_DEFINITIONS,
	SEC_TESTS,
	SEC_OBJECTS,
	SEC_STATES,
	SEC_VARIABLES,
	SEC_OTHER
};

enum pkg_kind { PK_NONE = 0, PK_DPKG, PK_RPM };

struct oval_test {
	char *id;
	enum pkg_kind kind;
	char *object_ref;
	char *state_ref[OVAL_MAX_STATE_REF];
	size_t n_state_ref;
};

struct oval_object {
	char *id;
	char *name;    /* the package name, or */
	char *var_ref; /* a variable holding the names (Ubuntu) */
};

struct oval_state {
	char *id;
	char *fixed; /* the version of "evr less than" / "version less than" */
};

struct oval_var {
	char *id;
	char **values;
	size_t n_values;
};

/* what a definition needs at the end of the document */
struct oval_def {
	char *id;
	char *ns;
	char *adv; /* advisory id (USN-..., RLSA-...), the rows' note */
	enum cs_severity sev;
	char **vids;
	enum cs_severity *vsev; /* per-vulnerability severity (Ubuntu's CVE priority) */
	size_t n_vids;
	char **refs;
	size_t n_refs;
};

/* the definition being read */
struct cur_def {
	bool active, wanted, bad;
	char *id;
	char *title, *platform, *cpe, *from_cpe, *issued, *sev, *desc;
	char *adv, *adv_url;
	char **vids, **vurls, **vvec;
	enum cs_severity *vsev;
	double *vscore;
	size_t n_vids, cap_vids;
	char **refs;
	size_t n_refs, cap_refs;
	/* the <cve> element being read */
	char *cve_prio, *cve_vec, *cve_href;
	double cve_score;
};

enum cap_target {
	CAP_NONE = 0,
	CAP_GEN_PRODUCT,
	CAP_GEN_TIMESTAMP,
	CAP_TITLE,
	CAP_PLATFORM,
	CAP_SEVERITY,
	CAP_DESC,
	CAP_CVE,
	CAP_CPE,
	CAP_OBJ_NAME,
	CAP_STATE_EVR,
	CAP_VAR_VALUE,
	CAP_INV_TITLE,
};

struct oval_parser {
	const char *file;
	const struct cs_record_sink *sink;
	struct cs_import_report *rep;
	struct cs_error *err;
	int fail; /* first fatal error code */

	enum section sec;
	bool in_metadata, in_advisory;
	uint64_t items;

	/* text capture of one element */
	enum cap_target cap;
	int cap_depth;
	bool cap_truncated;
	struct cs_buf text;

	char *gen_product, *gen_timestamp;
	char *file_ns; /* from an inventory definition's title ("Ubuntu 24.04") */
	char *name_ns; /* from the file name */
	char ns_buf[64];

	struct cur_def d;
	struct oval_def *defs;
	size_t n_defs, cap_defs;

	struct oval_test *tests, cur_test;
	size_t n_tests, cap_tests;
	bool in_test;
	struct oval_object *objects, cur_obj;
	size_t n_objects, cap_objects;
	bool in_obj;
	struct oval_state *states, cur_state;
	size_t n_states, cap_states;
	bool in_state, state_lt;
	struct oval_var *vars, cur_var;
	size_t n_vars, cap_vars;
	bool in_var;
};

/* ---- helpers ---- */

static void bad(struct oval_parser *p, const char *pos, const char *fmt, ...) CS_PRINTF(3, 4);
static void bad(struct oval_parser *p, const char *pos, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!p->rep)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cs_import_report_bad(p->rep, p->file, pos ? pos : "", "%s", msg);
}

static int fatal(struct oval_parser *p, int code)
{
	if (!p->fail)
		p->fail = code;
	return code;
}

static bool id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    strchr("/\\\"<>", s[i]))
			return false;
	return true;
}

static bool cve_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 13 || n > 32 || strncmp(s, "CVE-", 4) != 0 || s[8] != '-')
		return false;
	for (size_t i = 4; i < n; i++)
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A package name or a version: printable ASCII without spaces. */
static bool field_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 256)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    strchr("\"\\<>", s[i]))
			return false;
	return true;
}

static char *attr(xmlTextReaderPtr rd, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = strlen((char *)v) <= OVAL_MAX_FIELD ? cs_strdup((char *)v) : NULL;
	xmlFree(v);
	return s;
}

static void strv_free_n(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int count_item(struct oval_parser *p)
{
	if (++p->items > CS_OVAL_MAX_ITEMS)
		return fatal(p, cs_error_set(p->err, -CS_E_LIMIT, "'%s': more than %u OVAL items",
					     p->file, CS_OVAL_MAX_ITEMS));
	return 0;
}

static void set_str(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* ---- namespaces ---- */

static const struct {
	const char *codename, *version;
} ubuntu_releases[] = {
	{ "trusty", "14.04" },	 { "xenial", "16.04" }, { "bionic", "18.04" },
	{ "focal", "20.04" },	 { "jammy", "22.04" },	{ "kinetic", "22.10" },
	{ "lunar", "23.04" },	 { "mantic", "23.10" }, { "noble", "24.04" },
	{ "oracular", "24.10" }, { "plucky", "25.04" }, { "questing", "25.10" },
};

/* digits and dots from s: "12", "24.04"; major only when major_only */
static bool version_word(const char *s, bool major_only, char *out, size_t outsz)
{
	size_t n = 0;

	while (s[n] && (isdigit((unsigned char)s[n]) || (!major_only && s[n] == '.')) &&
	       n + 1 < outsz)
		n++;
	while (n && s[n - 1] == '.')
		n--;
	if (n == 0 || !isdigit((unsigned char)s[0]))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* "Debian GNU/Linux 12", "Ubuntu 24.04 LTS", "Rocky Linux 9", "Red Hat Enterprise Linux 9" */
static bool platform_ns(const char *s, char *out, size_t outsz)
{
	static const struct {
		const char *prefix, *distro;
		bool major;
	} plats[] = {
		{ "Debian GNU/Linux ", "debian", true },
		{ "Ubuntu ", "ubuntu", false },
		{ "Red Hat Enterprise Linux ", "rhel", true },
		{ "Rocky Linux ", "rocky", true },
		{ "AlmaLinux ", "almalinux", true },
		{ "Oracle Linux ", "oracle", true },
		{ "CentOS ", "centos", true },
		{ "Amazon Linux ", "amazon", true },
	};
	char v[16];

	if (!s)
		return false;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	for (size_t i = 0; i < CS_ARRAY_SIZE(plats); i++) {
		size_t pl = strlen(plats[i].prefix);
		if (strncmp(s, plats[i].prefix, pl) == 0 &&
		    version_word(s + pl, plats[i].major, v, sizeof(v))) {
			snprintf(out, outsz, "%s:%s", plats[i].distro, v);
			return true;
		}
	}
	return false;
}

/* "cpe:/o:rocky:rocky:9:GA", "cpe:/o:redhat:enterprise_linux:9",
 * "cpe:/a:redhat:enterprise_linux:9::appstream" */
static bool cpe_ns(const char *s, char *out, size_t outsz)
{
	static const struct {
		const char *vp, *distro;
	} cpes[] = {
		{ "redhat:enterprise_linux:", "rhel" },
		{ "rocky:rocky:", "rocky" },
		{ "almalinux:almalinux:", "almalinux" },
		{ "oracle:linux:", "oracle" },
	};
	char v[16];

	if (!s || (strncmp(s, "cpe:/o:", 7) != 0 && strncmp(s, "cpe:/a:", 7) != 0))
		return false;
	s += 7;
	for (size_t i = 0; i < CS_ARRAY_SIZE(cpes); i++) {
		size_t l = strlen(cpes[i].vp);
		if (strncmp(s, cpes[i].vp, l) == 0 && version_word(s + l, true, v, sizeof(v))) {
			snprintf(out, outsz, "%s:%s", cpes[i].distro, v);
			return true;
		}
	}
	return false;
}

static const char *ubuntu_version(const char *codename, size_t n)
{
	for (size_t i = 0; i < CS_ARRAY_SIZE(ubuntu_releases); i++)
		if (strlen(ubuntu_releases[i].codename) == n &&
		    memcmp(ubuntu_releases[i].codename, codename, n) == 0)
			return ubuntu_releases[i].version;
	return NULL;
}

/* From the file's or the definition id's name: com.ubuntu.noble, org.rockylinux.rlsa-9, rhel-9,
 * oval-definitions-bookworm */
static bool name_ns(const char *name, char *out, size_t outsz)
{
	static const struct {
		const char *key, *distro;
	} rh[] = {
		{ "org.rockylinux.rlsa-", "rocky" },
		{ "org.almalinux.alsa-", "almalinux" },
		{ "rhel-", "rhel" },
		{ "com.oracle.elsa-", "oracle" },
	};
	const char *s;
	char v[16];

	if (!name)
		return false;
	if ((s = strstr(name, "com.ubuntu."))) {
		const char *c = s + 11, *ver;
		size_t n = 0;
		while (c[n] && islower((unsigned char)c[n]))
			n++;
		if ((ver = ubuntu_version(c, n))) {
			snprintf(out, outsz, "ubuntu:%s", ver);
			return true;
		}
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(rh); i++)
		if ((s = strstr(name, rh[i].key)) &&
		    version_word(s + strlen(rh[i].key), true, v, sizeof(v))) {
			snprintf(out, outsz, "%s:%s", rh[i].distro, v);
			return true;
		}
	if ((s = strstr(name, "oval-definitions-"))) {
		const char *c = s + 17, *ns;
		size_t n = 0;
		while (c[n] && islower((unsigned char)c[n]))
			n++;
		if ((ns = cs_debian_namespace(c, n)) && strcmp(ns, "debian:unstable") != 0) {
			snprintf(out, outsz, "%s", ns);
			return true;
		}
	}
	return false;
}

/* ---- the definition being read ---- */

static void cur_def_clear(struct cur_def *d)
{
	free(d->id);
	free(d->title);
	free(d->platform);
	free(d->cpe);
	free(d->from_cpe);
	free(d->issued);
	free(d->sev);
	free(d->desc);
	free(d->adv);
	free(d->adv_url);
	strv_free_n(d->vids, d->n_vids);
	strv_free_n(d->vurls, d->n_vids);
	strv_free_n(d->vvec, d->n_vids);
	free(d->vsev);
	free(d->vscore);
	strv_free_n(d->refs, d->n_refs);
	free(d->cve_prio);
	free(d->cve_vec);
	free(d->cve_href);
	memset(d, 0, sizeof(*d));
}

static int def_add_vid(struct oval_parser *p, const char *id, const char *url, enum cs_severity sev,
		       double score, const char *vec)
{
	struct cur_def *d = &p->d;
	size_t cap;

	for (size_t i = 0; i < d->n_vids; i++)
		if (strcmp(d->vids[i], id) == 0) {
			/* the <cve> of the advisory adds to the <reference> */
			if (sev != CS_SEV_UNKNOWN)
				d->vsev[i] = sev;
			if (score > 0 && d->vscore[i] == 0 && vec && !d->vvec[i]) {
				d->vscore[i] = score;
				d->vvec[i] = cs_strdup(vec);
				if (!d->vvec[i])
					return -ENOMEM;
			}
			if (url && !d->vurls[i] && !(d->vurls[i] = cs_strdup(url)))
				return -ENOMEM;
			return 0;
		}
	if (d->n_vids >= CS_OVAL_MAX_REFS) {
		d->bad = true;
		return 0;
	}
	cap = d->cap_vids;
	if (CS_GROW(d->vids, cap, d->n_vids + 1) < 0)
		return -ENOMEM;
	cap = d->cap_vids;
	if (CS_GROW(d->vurls, cap, d->n_vids + 1) < 0)
		return -ENOMEM;
	cap = d->cap_vids;
	if (CS_GROW(d->vvec, cap, d->n_vids + 1) < 0)
		return -ENOMEM;
	cap = d->cap_vids;
	if (CS_GROW(d->vsev, cap, d->n_vids + 1) < 0)
		return -ENOMEM;
	cap = d->cap_vids;
	if (CS_GROW(d->vscore, cap, d->n_vids + 1) < 0)
		return -ENOMEM;
	d->cap_vids = cap;
	d->vids[d->n_vids] = cs_strdup(id);
	d->vurls[d->n_vids] = url ? cs_strdup(url) : NULL;
	d->vvec[d->n_vids] = score > 0 && vec ? cs_strdup(vec) : NULL;
	d->vsev[d->n_vids] = sev;
	d->vscore[d->n_vids] = score > 0 && vec ? score : 0;
	d->n_vids++;
	if (!d->vids[d->n_vids - 1] || (url && !d->vurls[d->n_vids - 1]) ||
	    (score > 0 && vec && !d->vvec[d->n_vids - 1]))
		return -ENOMEM;
	return 0;
}

static int def_add_ref(struct oval_parser *p, char *ref)
{
	struct cur_def *d = &p->d;

	for (size_t i = 0; i < d->n_refs; i++)
		if (strcmp(d->refs[i], ref) == 0) {
			free(ref);
			return 0;
		}
	if (d->n_refs >= CS_OVAL_MAX_REFS) {
		free(ref);
		d->bad = true;
		return 0;
	}
	if (CS_GROW(d->refs, d->cap_refs, d->n_refs + 1) < 0) {
		free(ref);
		return -ENOMEM;
	}
	d->refs[d->n_refs++] = ref;
	return 0;
}

static enum cs_severity sev_of(const char *s)
{
	int v = cs_severity_from_name(s);

	return v < 0 ? CS_SEV_UNKNOWN : (enum cs_severity)v;
}

static void date_of(const char *s, char out[32])
{
	/* "2024-06-10" or Ubuntu's "20240104" */
	out[0] = '\0';
	if (!s)
		return;
	if (strlen(s) >= 10 && isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-')
		snprintf(out, 32, "%.10sT00:00:00Z", s);
	else if (strlen(s) == 8) {
		for (int i = 0; i < 8; i++)
			if (!isdigit((unsigned char)s[i]))
				return;
		snprintf(out, 32, "%.4s-%.2s-%.2sT00:00:00Z", s, s + 4, s + 6);
	}
}

/*
 * Debian's DSA definitions carry no reference, only a title "DSA-5425-1 php8.2":
 * its first word, when it has the shape of an advisory id (LETTERS-digits[-digits]).
 */
static char *title_adv(const char *title)
{
	size_t i = 0, letters = 0, digits = 0;

	errno = 0;
	while (isupper((unsigned char)title[i]))
		i++, letters++;
	if (letters < 2 || letters > 8 || title[i++] != '-')
		return NULL;
	while (isdigit((unsigned char)title[i]))
		i++, digits++;
	if (!digits)
		return NULL;
	if (title[i] == '-') {
		size_t j = i + 1;
		while (isdigit((unsigned char)title[j]))
			j++;
		if (j == i + 1)
			return NULL;
		i = j;
	}
	if (title[i] != '\0' && title[i] != ' ' && title[i] != ':')
		return NULL;
	return cs_strndup(title, i);
}

static int def_end(struct oval_parser *p)
{
	const struct cs_record_sink *s = p->sink;
	struct cur_def *d = &p->d;
	struct oval_def *k;
	char ns[64] = "", pub[32];
	int r = 0;

	if (!d->wanted)
		goto out;
	if (d->bad) {
		bad(p, d->id, "definition has too many references");
		goto out;
	}
	if (d->n_vids == 0 && !d->adv && d->title && (d->adv = title_adv(d->title)) == NULL &&
	    errno == ENOMEM) {
		r = -ENOMEM;
		goto out;
	}
	if (d->n_vids == 0 && d->adv) {
		r = def_add_vid(p, d->adv, d->adv_url, CS_SEV_UNKNOWN, 0, NULL);
		if (r < 0)
			goto out;
	}
	if (d->n_vids == 0) {
		bad(p, d->id, "definition names no CVE or advisory");
		goto out;
	}
	if (!platform_ns(d->platform, ns, sizeof(ns)) && !cpe_ns(d->from_cpe, ns, sizeof(ns)) &&
	    !cpe_ns(d->cpe, ns, sizeof(ns)) && !name_ns(d->id, ns, sizeof(ns))) {
		if (p->file_ns)
			snprintf(ns, sizeof(ns), "%s", p->file_ns);
		else if (p->name_ns)
			snprintf(ns, sizeof(ns), "%s", p->name_ns);
	}

	/* the records: the advisory, then each CVE with the advisory as an alias */
	date_of(d->issued, pub);
	if (s->vuln && d->adv) {
		struct cs_vuln v = { .id = d->adv,
				     .summary = d->title,
				     .details = d->desc,
				     .severity = sev_of(d->sev),
				     .published = pub[0] ? pub : NULL,
				     .url = d->adv_url };
		r = s->vuln(s->userdata, &v, p->err);
	}
	for (size_t i = 0; r >= 0 && i < d->n_vids; i++) {
		struct cs_vuln v = { .id = d->vids[i],
				     .url = d->vurls[i],
				     .cvss3_score = d->vscore[i],
				     .cvss3_vector = d->vvec[i] };
		if (d->adv && strcmp(d->adv, d->vids[i]) == 0)
			continue;
		if (!d->adv) {
			/* a vulnerability definition (Debian): the description is the CVE's */
			v.summary = d->desc;
			v.published = pub[0] ? pub : NULL;
		}
		if (s->vuln)
			r = s->vuln(s->userdata, &v, p->err);
		if (r >= 0 && d->adv && s->alias)
			r = s->alias(s->userdata, d->vids[i], d->adv, p->err);
	}
	if (r < 0)
		goto out;
	if (d->n_refs == 0)
		goto out;
	if (!ns[0]) {
		bad(p, d->id, "cannot tell the distribution release of the definition");
		goto out;
	}

	/* keep what the rows need */
	if (CS_GROW(p->defs, p->cap_defs, p->n_defs + 1) < 0) {
		r = -ENOMEM;
		goto out;
	}
	k = &p->defs[p->n_defs];
	memset(k, 0, sizeof(*k));
	k->id = CS_TAKE_PTR(d->id);
	k->adv = CS_TAKE_PTR(d->adv);
	k->ns = cs_strdup(ns);
	k->sev = sev_of(d->sev);
	k->vids = CS_TAKE_PTR(d->vids);
	k->vsev = CS_TAKE_PTR(d->vsev);
	k->n_vids = d->n_vids;
	strv_free_n(d->vurls, d->n_vids);
	strv_free_n(d->vvec, d->n_vids);
	d->vurls = d->vvec = NULL;
	d->n_vids = 0;
	k->refs = CS_TAKE_PTR(d->refs);
	k->n_refs = d->n_refs;
	d->n_refs = 0;
	p->n_defs++;
	if (!k->ns)
		r = -ENOMEM;
out:
	cur_def_clear(d);
	if (r < 0)
		fatal(p, r);
	return r;
}

/* ---- element handlers ---- */

static void cap_start(struct oval_parser *p, enum cap_target t, int depth)
{
	p->cap = t;
	p->cap_depth = depth;
	p->cap_truncated = false;
	cs_buf_reset(&p->text);
}

static void cap_text(struct oval_parser *p, const char *s)
{
	size_t n = strlen(s), room;

	if (p->cap == CAP_NONE)
		return;
	room = (p->cap == CAP_DESC ? OVAL_MAX_DESC : OVAL_MAX_FIELD) - p->text.len;
	if (n > room) {
		n = room;
		p->cap_truncated = true;
	}
	if (n && cs_buf_append(&p->text, s, n) < 0)
		fatal(p, -ENOMEM);
}

/* The captured text, trimmed, as a new string; NULL if empty or too long. */
static char *cap_take(struct oval_parser *p, bool *nomem)
{
	const char *s = p->text.data ? p->text.data : "";
	size_t n = p->text.len;
	char *r;

	*nomem = false;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n || (p->cap_truncated && p->cap != CAP_DESC))
		return NULL;
	r = cs_strndup(s, n);
	if (!r)
		*nomem = true;
	return r;
}

static enum section section_of(const char *nm)
{
	static const struct {
		const char *name;
		enum section sec;
	} secs[] = {
		{ "generator", SEC_GENERATOR }, { "definitions", SEC_DEFINITIONS },
		{ "tests", SEC_TESTS },		{ "objects", SEC_OBJECTS },
		{ "states", SEC_STATES },	{ "variables", SEC_VARIABLES },
	};
	for (size_t i = 0; i < CS_ARRAY_SIZE(secs); i++)
		if (strcmp(nm, secs[i].name) == 0)
			return secs[i].sec;
	return SEC_OTHER;
}

static int on_reference(struct oval_parser *p, xmlTextReaderPtr rd)
{
	_cleanup_free_ char *src = attr(rd, "source"), *ref = attr(rd, "ref_id");
	_cleanup_free_ char *url = attr(rd, "ref_url");

	if (!src || !ref)
		return 0;
	if (strcmp(src, "CVE") == 0) {
		if (!cve_id_ok(ref)) {
			bad(p, p->d.id, "bad CVE id in a reference");
			return 0;
		}
		return def_add_vid(p, ref, url, CS_SEV_UNKNOWN, 0, NULL);
	}
	/* the advisory: USN, RHSA, RLSA, ALSA, ELSA, DSA... (the first one) */
	if (p->d.adv || !id_ok(ref))
		return 0;
	p->d.adv = CS_TAKE_PTR(ref);
	p->d.adv_url = CS_TAKE_PTR(url);
	return 0;
}

static int on_start(struct oval_parser *p, xmlTextReaderPtr rd, const char *nm, int depth)
{
	struct cur_def *d = &p->d;
	char *v;
	int r;

	if (depth == 0) {
		if (strcmp(nm, "oval_definitions") != 0)
			return fatal(p, cs_error_set(p->err, -CS_E_INPUT,
						     "'%s': not an OVAL definitions document",
						     p->file));
		return 0;
	}
	if (depth == 1) {
		p->sec = section_of(nm);
		return 0;
	}

	switch (p->sec) {
	case SEC_GENERATOR:
		if (depth == 2 && strcmp(nm, "product_name") == 0)
			cap_start(p, CAP_GEN_PRODUCT, depth);
		else if (depth == 2 && strcmp(nm, "timestamp") == 0)
			cap_start(p, CAP_GEN_TIMESTAMP, depth);
		return 0;

	case SEC_DEFINITIONS:
		if (depth == 2) {
			if (strcmp(nm, "definition") != 0)
				return 0;
			if ((r = count_item(p)) < 0)
				return r;
			cur_def_clear(d);
			d->active = true;
			d->id = attr(rd, "id");
			v = attr(rd, "class");
			d->wanted =
				v && (strcmp(v, "patch") == 0 || strcmp(v, "vulnerability") == 0);
			if (v && strcmp(v, "inventory") == 0)
				d->wanted = false, p->in_metadata = false;
			free(v);
			if (!d->id || !id_ok(d->id)) {
				bad(p, NULL, "definition without a valid id");
				d->wanted = false;
			}
			return 0;
		}
		if (!d->active)
			return 0;
		if (depth == 3) {
			p->in_metadata = strcmp(nm, "metadata") == 0;
			p->in_advisory = false;
		}
		if (p->in_metadata && depth == 4) {
			p->in_advisory = strcmp(nm, "advisory") == 0;
			if (strcmp(nm, "title") == 0)
				cap_start(p, d->wanted ? CAP_TITLE : CAP_INV_TITLE, depth);
			else if (strcmp(nm, "description") == 0)
				cap_start(p, CAP_DESC, depth);
			else if (strcmp(nm, "reference") == 0 && d->wanted)
				return on_reference(p, rd);
			else if (p->in_advisory)
				set_str(&d->from_cpe, attr(rd, "from"));
			return 0;
		}
		if (!d->wanted)
			return 0;
		if (p->in_metadata && depth == 5 && strcmp(nm, "platform") == 0)
			cap_start(p, CAP_PLATFORM, depth);
		else if (p->in_advisory && depth == 5 && strcmp(nm, "severity") == 0)
			cap_start(p, CAP_SEVERITY, depth);
		else if (p->in_advisory && depth == 5 && strcmp(nm, "issued") == 0)
			set_str(&d->issued, attr(rd, "date"));
		else if (p->in_advisory && depth == 5 && strcmp(nm, "cve") == 0) {
			cap_start(p, CAP_CVE, depth);
			/* Ubuntu: priority, cvss_score, cvss_vector; Red Hat: impact, cvss3
			 * "7.5/CVSS:3.1/..." */
			set_str(&d->cve_prio, attr(rd, "priority"));
			if (!d->cve_prio)
				d->cve_prio = attr(rd, "impact");
			set_str(&d->cve_href, attr(rd, "href"));
			set_str(&d->cve_vec, attr(rd, "cvss_vector"));
			d->cve_score = 0;
			v = attr(rd, "cvss_score");
			if (!v && (v = attr(rd, "cvss3"))) {
				char *slash = strchr(v, '/');
				if (slash) {
					*slash = '\0';
					set_str(&d->cve_vec, cs_strdup(slash + 1));
				}
			}
			if (v) {
				char *end;
				double sc = strtod(v, &end);
				if (end != v && *end == '\0' && sc > 0 && sc <= 10)
					d->cve_score = sc;
				free(v);
			}
		} else if (p->in_advisory && strcmp(nm, "cpe") == 0 && !d->cpe)
			cap_start(p, CAP_CPE, depth);
		else if (!p->in_metadata && strcmp(nm, "criterion") == 0) {
			char *neg = attr(rd, "negate");
			bool negated = neg && strcmp(neg, "true") == 0;
			free(neg);
			if (!negated && (v = attr(rd, "test_ref")))
				return def_add_ref(p, v);
		}
		return 0;

	case SEC_TESTS:
		if (depth == 2) {
			bool dpkg = strcmp(nm, "dpkginfo_test") == 0,
			     rpm = strcmp(nm, "rpminfo_test") == 0;
			p->in_test = false;
			if (!dpkg && !rpm)
				return 0;
			if ((r = count_item(p)) < 0)
				return r;
			memset(&p->cur_test, 0, sizeof(p->cur_test));
			p->cur_test.kind = dpkg ? PK_DPKG : PK_RPM;
			p->cur_test.id = attr(rd, "id");
			p->in_test = p->cur_test.id != NULL;
			return 0;
		}
		if (p->in_test && depth == 3) {
			if (strcmp(nm, "object") == 0 && !p->cur_test.object_ref)
				p->cur_test.object_ref = attr(rd, "object_ref");
			else if (strcmp(nm, "state") == 0 &&
				 p->cur_test.n_state_ref < OVAL_MAX_STATE_REF &&
				 (v = attr(rd, "state_ref")))
				p->cur_test.state_ref[p->cur_test.n_state_ref++] = v;
		}
		return 0;

	case SEC_OBJECTS:
		if (depth == 2) {
			p->in_obj = false;
			if (strcmp(nm, "dpkginfo_object") != 0 && strcmp(nm, "rpminfo_object") != 0)
				return 0;
			if ((r = count_item(p)) < 0)
				return r;
			memset(&p->cur_obj, 0, sizeof(p->cur_obj));
			p->cur_obj.id = attr(rd, "id");
			p->in_obj = p->cur_obj.id != NULL;
			return 0;
		}
		if (p->in_obj && depth == 3 && strcmp(nm, "name") == 0) {
			char *op = attr(rd, "operation");
			/* a pattern is not a package name */
			bool plain = !op || strcmp(op, "equals") == 0;
			free(op);
			if (!plain)
				return 0;
			if ((v = attr(rd, "var_ref")))
				set_str(&p->cur_obj.var_ref, v);
			else
				cap_start(p, CAP_OBJ_NAME, depth);
		}
		return 0;

	case SEC_STATES:
		if (depth == 2) {
			p->in_state = false;
			if (strcmp(nm, "dpkginfo_state") != 0 && strcmp(nm, "rpminfo_state") != 0)
				return 0;
			if ((r = count_item(p)) < 0)
				return r;
			memset(&p->cur_state, 0, sizeof(p->cur_state));
			p->cur_state.id = attr(rd, "id");
			p->in_state = p->cur_state.id != NULL;
			return 0;
		}
		if (p->in_state && depth == 3 &&
		    (strcmp(nm, "evr") == 0 || strcmp(nm, "version") == 0)) {
			char *op = attr(rd, "operation");
			p->state_lt = op && strcmp(op, "less than") == 0;
			free(op);
			if (p->state_lt)
				cap_start(p, CAP_STATE_EVR, depth);
		}
		return 0;

	case SEC_VARIABLES:
		if (depth == 2) {
			p->in_var = false;
			if (strcmp(nm, "constant_variable") != 0)
				return 0;
			if ((r = count_item(p)) < 0)
				return r;
			memset(&p->cur_var, 0, sizeof(p->cur_var));
			p->cur_var.id = attr(rd, "id");
			p->in_var = p->cur_var.id != NULL;
			return 0;
		}
		if (p->in_var && depth == 3 && strcmp(nm, "value") == 0)
			cap_start(p, CAP_VAR_VALUE, depth);
		return 0;

	default:
		return 0;
	}
}

static void test_free(struct oval_test *t)
{
	free(t->id);
	free(t->object_ref);
	for (size_t i = 0; i < t->n_state_ref; i++)
		free(t->state_ref[i]);
	memset(t, 0, sizeof(*t));
}

static void obj_free(struct oval_object *o)
{
	free(o->id);
	free(o->name);
	free(o->var_ref);
	memset(o, 0, sizeof(*o));
}

static void free_state(struct oval_state *st)
{
	free(st->id);
	free(st->fixed);
	memset(st, 0, sizeof(*st));
}

static void var_free(struct oval_var *v)
{
	free(v->id);
	strv_free_n(v->values, v->n_values);
	memset(v, 0, sizeof(*v));
}

/* The end of a captured element. */
static int cap_end(struct oval_parser *p)
{
	struct cur_def *d = &p->d;
	enum cap_target t = p->cap;
	bool nomem;
	char *s, ns[64];
	int r = 0;

	p->cap = CAP_NONE;
	s = cap_take(p, &nomem);
	if (nomem)
		return fatal(p, -ENOMEM);
	switch (t) {
	case CAP_GEN_PRODUCT:
		set_str(&p->gen_product, s);
		return 0;
	case CAP_GEN_TIMESTAMP:
		set_str(&p->gen_timestamp, s);
		return 0;
	case CAP_TITLE:
		set_str(&d->title, s);
		return 0;
	case CAP_INV_TITLE:
		/* "Check that Ubuntu 24.04 LTS (noble) is installed." */
		if (s && !p->file_ns) {
			const char *u = strstr(s, "Ubuntu ");
			if (u && platform_ns(u, ns, sizeof(ns)) && !(p->file_ns = cs_strdup(ns)))
				r = fatal(p, -ENOMEM);
		}
		free(s);
		return r;
	case CAP_PLATFORM:
		if (!d->platform)
			d->platform = s;
		else
			free(s);
		return 0;
	case CAP_SEVERITY:
		set_str(&d->sev, s);
		return 0;
	case CAP_DESC:
		set_str(&d->desc, s);
		return 0;
	case CAP_CPE:
		set_str(&d->cpe, s);
		return 0;
	case CAP_CVE:
		if (s && cve_id_ok(s))
			r = def_add_vid(p, s, d->cve_href, sev_of(d->cve_prio), d->cve_score,
					d->cve_vec);
		else if (s)
			bad(p, d->id, "bad CVE id in an advisory");
		free(s);
		return r < 0 ? fatal(p, r) : 0;
	case CAP_OBJ_NAME:
		if (s && field_ok(s))
			set_str(&p->cur_obj.name, s);
		else {
			bad(p, p->cur_obj.id, "bad package name");
			free(s);
		}
		return 0;
	case CAP_STATE_EVR:
		if (s && field_ok(s))
			set_str(&p->cur_state.fixed, s);
		else {
			bad(p, p->cur_state.id, "bad version");
			free(s);
		}
		return 0;
	case CAP_VAR_VALUE:
		if (!s)
			return 0;
		/* values are checked where they are used as package names */
		if (p->cur_var.n_values >= OVAL_MAX_VALUES) {
			bad(p, p->cur_var.id, "too many variable values");
			free(s);
			return 0;
		}
		{
			size_t cap = p->cur_var.n_values;
			if (CS_GROW(p->cur_var.values, cap, p->cur_var.n_values + 1) < 0) {
				free(s);
				return fatal(p, -ENOMEM);
			}
		}
		p->cur_var.values[p->cur_var.n_values++] = s;
		return 0;
	default:
		free(s);
		return 0;
	}
}

/* Append the item *cur to (*arr, *n, *cap) by value. */
#define PUSH_ITEM(p, arr, n, cap, cur, freefn)        \
	do {                                          \
		if (CS_GROW(arr, cap, (n) + 1) < 0) { \
			freefn(&(cur));               \
			return fatal(p, -ENOMEM);     \
		}                                     \
		(arr)[(n)++] = (cur);                 \
		memset(&(cur), 0, sizeof(cur));       \
	} while (0)

static int on_end(struct oval_parser *p, int depth)
{
	if (p->cap != CAP_NONE && depth == p->cap_depth) {
		int r = cap_end(p);
		if (r < 0)
			return r;
	}
	if (depth == 1)
		p->sec = SEC_NONE;
	if (depth == 3 && p->sec == SEC_DEFINITIONS) {
		p->in_metadata = false;
		p->in_advisory = false;
	}
	if (depth == 4 && p->sec == SEC_DEFINITIONS)
		p->in_advisory = false;
	if (depth != 2)
		return 0;
	switch (p->sec) {
	case SEC_DEFINITIONS:
		if (p->d.active)
			return def_end(p);
		return 0;
	case SEC_TESTS:
		if (p->in_test)
			PUSH_ITEM(p, p->tests, p->n_tests, p->cap_tests, p->cur_test, test_free);
		p->in_test = false;
		return 0;
	case SEC_OBJECTS:
		if (p->in_obj)
			PUSH_ITEM(p, p->objects, p->n_objects, p->cap_objects, p->cur_obj,
				  obj_free);
		p->in_obj = false;
		return 0;
	case SEC_STATES:
		if (p->in_state)
			PUSH_ITEM(p, p->states, p->n_states, p->cap_states, p->cur_state,
				  free_state);
		p->in_state = false;
		return 0;
	case SEC_VARIABLES:
		if (p->in_var)
			PUSH_ITEM(p, p->vars, p->n_vars, p->cap_vars, p->cur_var, var_free);
		p->in_var = false;
		return 0;
	default:
		return 0;
	}
}

/* ---- resolving definitions into rows ---- */

static int cmp_test(const void *a, const void *b)
{
	return strcmp(((const struct oval_test *)a)->id, ((const struct oval_test *)b)->id);
}
static int cmp_obj(const void *a, const void *b)
{
	return strcmp(((const struct oval_object *)a)->id, ((const struct oval_object *)b)->id);
}
static int cmp_state(const void *a, const void *b)
{
	return strcmp(((const struct oval_state *)a)->id, ((const struct oval_state *)b)->id);
}
static int cmp_var(const void *a, const void *b)
{
	return strcmp(((const struct oval_var *)a)->id, ((const struct oval_var *)b)->id);
}

static const struct oval_test *find_test(struct oval_parser *p, const char *id)
{
	struct oval_test key = { .id = (char *)id };

	return p->n_tests ? bsearch(&key, p->tests, p->n_tests, sizeof(key), cmp_test) : NULL;
}
static const struct oval_object *find_obj(struct oval_parser *p, const char *id)
{
	struct oval_object key = { .id = (char *)id };

	return p->n_objects ? bsearch(&key, p->objects, p->n_objects, sizeof(key), cmp_obj) : NULL;
}
static const struct oval_state *find_state(struct oval_parser *p, const char *id)
{
	struct oval_state key = { .id = (char *)id };

	return p->n_states ? bsearch(&key, p->states, p->n_states, sizeof(key), cmp_state) : NULL;
}
static const struct oval_var *find_var(struct oval_parser *p, const char *id)
{
	struct oval_var key = { .id = (char *)id };

	return p->n_vars ? bsearch(&key, p->vars, p->n_vars, sizeof(key), cmp_var) : NULL;
}

struct pkg_fix {
	const char *name, *fixed;
	enum pkg_kind kind;
};

static int add_pkg_fix(struct pkg_fix **v, size_t *n, size_t *cap, const char *name,
		       const char *fixed, enum pkg_kind kind)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0 && strcmp((*v)[i].fixed, fixed) == 0)
			return 0;
	if (CS_GROW(*v, *cap, *n + 1) < 0)
		return -ENOMEM;
	(*v)[(*n)++] = (struct pkg_fix){ name, fixed, kind };
	return 0;
}

static int emit_rows(struct oval_parser *p)
{
	const struct cs_record_sink *s = p->sink;
	_cleanup_free_ struct pkg_fix *pf = NULL;
	size_t npf, cappf = 0;
	char source[80];
	int r = 0;

	if (p->n_tests)
		qsort(p->tests, p->n_tests, sizeof(*p->tests), cmp_test);
	if (p->n_objects)
		qsort(p->objects, p->n_objects, sizeof(*p->objects), cmp_obj);
	if (p->n_states)
		qsort(p->states, p->n_states, sizeof(*p->states), cmp_state);
	if (p->n_vars)
		qsort(p->vars, p->n_vars, sizeof(*p->vars), cmp_var);

	for (size_t di = 0; di < p->n_defs; di++) {
		const struct oval_def *d = &p->defs[di];

		/* the (package, fixed version) pairs the definition's tests check */
		npf = 0;
		for (size_t ri = 0; ri < d->n_refs; ri++) {
			const struct oval_test *t = find_test(p, d->refs[ri]);
			const struct oval_object *o;
			const char *fixed = NULL;

			if (!t || !t->object_ref || !(o = find_obj(p, t->object_ref)))
				continue;
			for (size_t k = 0; k < t->n_state_ref && !fixed; k++) {
				const struct oval_state *st = find_state(p, t->state_ref[k]);
				if (st && st->fixed)
					fixed = st->fixed;
			}
			/* no version check (a signature key test, an existence test) */
			if (!fixed)
				continue;
			if (o->name) {
				r = add_pkg_fix(&pf, &npf, &cappf, o->name, fixed, t->kind);
			} else if (o->var_ref) {
				const struct oval_var *v = find_var(p, o->var_ref);
				for (size_t k = 0; v && r >= 0 && k < v->n_values; k++) {
					if (!field_ok(v->values[k])) {
						bad(p, v->id, "bad package name");
						continue;
					}
					r = add_pkg_fix(&pf, &npf, &cappf, v->values[k], fixed,
							t->kind);
				}
			}
			if (r < 0)
				return fatal(p, r);
		}

		snprintf(source, sizeof(source), "oval:%s", d->ns);
		for (size_t i = 0; i < npf && s->affected; i++) {
			_cleanup_buf_ struct cs_buf ranges = CS_BUF_INIT(4096);
			r = cs_buf_puts(&ranges, "[{\"introduced\":\"0\"},{\"fixed\":\"");
			if (r >= 0)
				r = cs_json_escape(&ranges, pf[i].fixed, strlen(pf[i].fixed));
			if (r >= 0)
				r = cs_buf_puts(&ranges, "\"}]");
			if (r < 0)
				return fatal(p, r == -ENOMEM ? r : -CS_E_INPUT);
			for (size_t k = 0; k < d->n_vids; k++) {
				struct cs_affected a = {
					.namespace = d->ns,
					.package = pf[i].name,
					.vuln_id = d->vids[k],
					.source = source,
					.scheme = pf[i].kind == PK_RPM ? CS_VERSION_RPM
								       : CS_VERSION_DPKG,
					.ranges = ranges.data,
					.fixed = pf[i].fixed,
					.fix_state = CS_FIX_FIXED,
					.severity =
						d->vsev[k] != CS_SEV_UNKNOWN ? d->vsev[k] : d->sev,
					.note = d->adv,
				};
				r = s->affected(s->userdata, &a, p->err);
				if (r < 0)
					return fatal(p, r);
			}
		}
	}
	return 0;
}

static void parser_done(struct oval_parser *p)
{
	cur_def_clear(&p->d);
	cs_buf_done(&p->text);
	free(p->gen_product);
	free(p->gen_timestamp);
	free(p->file_ns);
	free(p->name_ns);
	for (size_t i = 0; i < p->n_defs; i++) {
		struct oval_def *d = &p->defs[i];
		free(d->id);
		free(d->ns);
		free(d->adv);
		strv_free_n(d->vids, d->n_vids);
		free(d->vsev);
		strv_free_n(d->refs, d->n_refs);
	}
	free(p->defs);
	for (size_t i = 0; i < p->n_tests; i++)
		test_free(&p->tests[i]);
	test_free(&p->cur_test);
	free(p->tests);
	for (size_t i = 0; i < p->n_objects; i++)
		obj_free(&p->objects[i]);
	obj_free(&p->cur_obj);
	free(p->objects);
	for (size_t i = 0; i < p->n_states; i++)
		free_state(&p->states[i]);
	free_state(&p->cur_state);
	free(p->states);
	for (size_t i = 0; i < p->n_vars; i++)
		var_free(&p->vars[i]);
	var_free(&p->cur_var);
	free(p->vars);
}

/* ---- input: memory or a (bzip2) file, with the prolog checked first ---- */

struct oval_io {
	const char *mem;
	size_t mem_len, mem_off;
	struct archive *ar;
	char *pro; /* the bytes read while checking the prolog */
	size_t pro_len, pro_off;
	bool checked;
	uint64_t total;
	int code; /* why reading failed */
	char msg[256];
};

enum { PRO_MORE, PRO_OK, PRO_DOCTYPE, PRO_BAD };

/* Before the root element only an XML declaration, PIs, comments and blanks may come. */
static int prolog_scan(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb &&
	    (unsigned char)s[2] == 0xbf)
		i = 3;
	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= n || i + 1 >= n)
			return PRO_MORE;
		if (s[i] != '<')
			return PRO_BAD;
		if (s[i + 1] == '?') {
			const char *e = memmem(s + i + 2, n - i - 2, "?>", 2);
			if (!e)
				return PRO_MORE;
			i = (size_t)(e - s) + 2;
		} else if (s[i + 1] == '!') {
			const char *e;
			if (n - i < 4)
				return PRO_MORE;
			if (memcmp(s + i, "<!--", 4) != 0)
				return PRO_DOCTYPE;
			e = memmem(s + i + 4, n - i - 4, "-->", 3);
			if (!e)
				return PRO_MORE;
			i = (size_t)(e - s) + 3;
		} else {
			unsigned char c = (unsigned char)s[i + 1];
			return isalpha(c) || c == '_' || c >= 0x80 ? PRO_OK : PRO_BAD;
		}
	}
}

static ssize_t io_source(struct oval_io *io, char *buf, size_t len)
{
	if (io->ar) {
		la_ssize_t n = archive_read_data(io->ar, buf, len);
		if (n < 0) {
			io->code = -CS_E_INPUT;
			snprintf(io->msg, sizeof(io->msg), "%s",
				 archive_error_string(io->ar) ? archive_error_string(io->ar)
							      : "read error");
			return -1;
		}
		return n;
	}
	if (len > io->mem_len - io->mem_off)
		len = io->mem_len - io->mem_off;
	memcpy(buf, io->mem + io->mem_off, len);
	io->mem_off += len;
	return (ssize_t)len;
}

static int io_read(void *ctx, char *buf, int len)
{
	struct oval_io *io = ctx;
	ssize_t n;

	if (len <= 0)
		return 0;
	if (!io->checked) {
		int st = PRO_MORE;
		io->pro = cs_malloc(OVAL_MAX_PROLOG);
		if (!io->pro) {
			io->code = -ENOMEM;
			return -1;
		}
		while (io->pro_len < OVAL_MAX_PROLOG) {
			n = io_source(io, io->pro + io->pro_len, OVAL_MAX_PROLOG - io->pro_len);
			if (n < 0)
				return -1;
			if (n == 0)
				break;
			io->pro_len += (size_t)n;
			st = prolog_scan(io->pro, io->pro_len);
			if (st != PRO_MORE)
				break;
		}
		if (st == PRO_DOCTYPE) {
			io->code = -CS_E_INPUT;
			snprintf(io->msg, sizeof(io->msg),
				 "document type declarations are not allowed");
			return -1;
		}
		if (st == PRO_BAD || (st == PRO_MORE && io->pro_len == OVAL_MAX_PROLOG)) {
			io->code = -CS_E_INPUT;
			snprintf(io->msg, sizeof(io->msg), "not an XML document in UTF-8");
			return -1;
		}
		io->checked = true;
	}
	if (io->pro_off < io->pro_len) {
		n = (ssize_t)CS_MIN((size_t)len, io->pro_len - io->pro_off);
		memcpy(buf, io->pro + io->pro_off, (size_t)n);
		io->pro_off += (size_t)n;
	} else {
		n = io_source(io, buf, (size_t)len);
		if (n < 0)
			return -1;
	}
	io->total += (uint64_t)n;
	if (io->total > CS_OVAL_MAX_DOC) {
		io->code = -CS_E_LIMIT;
		snprintf(io->msg, sizeof(io->msg), "document larger than %llu bytes",
			 (unsigned long long)CS_OVAL_MAX_DOC);
		return -1;
	}
	return (int)n;
}

struct xml_err {
	char msg[256];
	bool set;
};

static void on_xml_error(void *ud, xmlErrorPtr e)
{
	struct xml_err *xe = ud;

	if (xe->set || !e || e->level < XML_ERR_ERROR)
		return;
	xe->set = true;
	snprintf(xe->msg, sizeof(xe->msg), "line %d: %s", e->line, e->message ? e->message : "");
	/* libxml2 messages end with a newline */
	for (char *c = xe->msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = '\0';
}

static void silent_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static int oval_run(struct oval_io *io, const char *file, const struct cs_record_sink *sink,
		    struct cs_import_report *rep, struct cs_error *err)
{
	struct oval_parser p = { 0 };
	struct xml_err xe = { .set = false };
	xmlTextReaderPtr rd;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_generic_ctx = xmlGenericErrorContext;
	char ns[64];
	int r;

	p.file = file ? file : "-";
	p.sink = sink;
	p.rep = rep;
	p.err = err;
	cs_buf_init(&p.text, OVAL_MAX_DESC + 1);
	if (name_ns(cs_path_basename(p.file), ns, sizeof(ns)) && !(p.name_ns = cs_strdup(ns))) {
		parser_done(&p);
		return -ENOMEM;
	}

	/* libxml2 would print some messages itself: route them nowhere while we parse */
	xmlSetGenericErrorFunc(NULL, silent_generic);
	/* no NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID, no network */
	rd = xmlReaderForIO(io_read, NULL, io, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (!rd) {
		xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
		parser_done(&p);
		return io->code == -ENOMEM
			       ? -ENOMEM
			       : cs_error_set(err, -CS_E_INPUT, "'%s': cannot start the XML reader",
					      p.file);
	}
	xmlTextReaderSetStructuredErrorHandler(rd, on_xml_error, &xe);

	while (!p.fail && (r = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		int depth = xmlTextReaderDepth(rd);
		const char *nm;

		if (depth < 0 || depth > CS_OVAL_MAX_DEPTH) {
			cs_error_set(err, -CS_E_LIMIT, "'%s': elements nested deeper than %d",
				     p.file, CS_OVAL_MAX_DEPTH);
			fatal(&p, -CS_E_LIMIT);
			break;
		}
		switch (type) {
		case XML_READER_TYPE_ELEMENT:
			nm = (const char *)xmlTextReaderConstLocalName(rd);
			if (!nm)
				break;
			if (on_start(&p, rd, nm, depth) < 0)
				break;
			if (xmlTextReaderIsEmptyElement(rd) == 1)
				on_end(&p, depth);
			break;
		case XML_READER_TYPE_END_ELEMENT:
			on_end(&p, depth);
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
		case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
			if (p.cap != CAP_NONE) {
				const char *v = (const char *)xmlTextReaderConstValue(rd);
				if (v)
					cap_text(&p, v);
			}
			break;
		case XML_READER_TYPE_DOCUMENT_TYPE:
		case XML_READER_TYPE_ENTITY_REFERENCE:
		case XML_READER_TYPE_ENTITY:
			cs_error_set(err, -CS_E_INPUT, "'%s': entities are not allowed", p.file);
			fatal(&p, -CS_E_INPUT);
			break;
		default:
			break;
		}
	}
	xmlFreeTextReader(rd);
	xmlSetGenericErrorFunc(old_generic_ctx, old_generic);

	if (!p.fail && r < 0) {
		if (io->code == -ENOMEM)
			fatal(&p, -ENOMEM);
		else if (io->code)
			fatal(&p, cs_error_set(err, io->code, "'%s': %s", p.file, io->msg));
		else
			fatal(&p, cs_error_set(err, -CS_E_INPUT, "'%s': malformed XML: %s", p.file,
					       xe.set ? xe.msg : "parse error"));
	}
	if (!p.fail)
		emit_rows(&p);
	r = p.fail;
	if (r == -ENOMEM && err)
		cs_error_set(err, -ENOMEM, "'%s': out of memory", p.file);
	parser_done(&p);
	return r < 0 ? r : 0;
}

int cs_oval_parse(const char *data, size_t len, const char *file, const struct cs_record_sink *sink,
		  struct cs_import_report *rep, struct cs_error *err)
{
	struct oval_io io = { .mem = data, .mem_len = data ? len : 0 };
	int r = oval_run(&io, file, sink, rep, err);

	free(io.pro);
	return r;
}

int cs_oval_parse_file(const char *path, const struct cs_record_sink *sink,
		       struct cs_import_report *rep, struct cs_error *err)
{
	struct oval_io io = { 0 };
	struct archive_entry *entry;
	int r;

	io.ar = archive_read_new();
	if (!io.ar)
		return -ENOMEM;
	/* bzip2 through libbz2 only: a warning means libarchive would run an external program */
	if (archive_read_support_filter_bzip2(io.ar) != ARCHIVE_OK ||
	    archive_read_support_format_raw(io.ar) != ARCHIVE_OK) {
		archive_read_free(io.ar);
		return cs_error_set(err, -CS_E_UNSUPPORTED, "'%s': no built-in bzip2 support",
				    path);
	}
	if (archive_read_open_filename(io.ar, path, 1u << 16) != ARCHIVE_OK ||
	    archive_read_next_header(io.ar, &entry) != ARCHIVE_OK) {
		r = cs_error_set(err, -CS_E_INPUT, "cannot read '%s': %s", path,
				 archive_error_string(io.ar) ? archive_error_string(io.ar)
							     : "unknown error");
		archive_read_free(io.ar);
		return r;
	}
	r = oval_run(&io, path, sink, rep, err);
	archive_read_free(io.ar);
	free(io.pro);
	return r;
}

/* ---- the importer ---- */

static bool oval_detect(const char *path, bool is_dir, const void *head, size_t n)
{
	const char *s = head;

	if (is_dir || !s)
		return false;
	/* bzip2: decide by name, the content is checked when importing */
	if (n >= 3 && memcmp(s, "BZh", 3) == 0) {
		const char *b = cs_path_basename(path);
		return b && strstr(b, "oval") != NULL;
	}
	return n > 0 && memmem(s, n, "<oval_definitions", 17) != NULL;
}

static int oval_import(struct cs_vulndb_writer *w, const char *path, struct cs_import_report *rep,
		       struct cs_error *err)
{
	struct cs_record_writer_sink ws;
	uint64_t records0 = rep ? rep->records : 0, skipped0 = rep ? rep->skipped : 0;
	char ns[64], source[80];
	int r;

	cs_record_writer_sink_init(&ws, w, rep);
	r = cs_oval_parse_file(path, &ws.sink, rep, err);
	if (r < 0)
		return r;
	if (name_ns(cs_path_basename(path), ns, sizeof(ns)))
		snprintf(source, sizeof(source), "oval:%s", ns);
	else
		snprintf(source, sizeof(source), "oval");
	return cs_vulndb_put_source(w, source, "oval", path, NULL,
				    rep ? rep->records - records0 : 0,
				    rep ? rep->skipped - skipped0 : 0, err);
}

const struct cs_importer cs_importer_oval = {
	.name = "oval",
	.detect = oval_detect,
	.import = oval_import,
};
