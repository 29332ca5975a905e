/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the report writers with hostile strings: the input, split at '\n',
 * gives a target, a package name, version and path, a vulnerability id,
 * title, URL, fixed version, note, suppression justification and a warning.
 * Every format must be written; SARIF, CycloneDX and JSON must parse as
 * JSON, JUnit as XML (libxml2), and HTML (libxml2's HTML parser) must have
 * only the writer's own elements, one script and no event handlers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include "basic/alloc.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	F_TARGET,
	F_NAME,
	F_VERSION,
	F_PATH,
	F_ID,
	F_TITLE,
	F_URL,
	F_FIXED,
	F_NOTE,
	F_WHY,
	F_WARN,
	F_COUNT
};

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void fill(struct cs_finding *x, const struct cs_package *p, char **f, bool second)
{
	memset(x, 0, sizeof(*x));
	x->id = cs_strdup(f[F_ID][0] ? f[F_ID] : "X");
	if (second) {
		x->aliases = cs_new0(char *, 2);
		if (x->aliases && (x->aliases[0] = cs_strdup(f[F_TITLE])))
			x->n_aliases = 1;
	}
	x->pkg = p;
	x->namespace = cs_strdup(f[F_NOTE]);
	x->installed = cs_strdup(f[F_VERSION]);
	x->fixed = f[F_FIXED][0] ? cs_strdup(f[F_FIXED]) : NULL;
	x->severity = (enum cs_severity)(strlen(f[F_TITLE]) % 6);
	x->fix_state = x->fixed ? CS_FIX_FIXED : CS_FIX_WONT_FIX;
	x->cvss3_score = second ? 7.5 : 0;
	x->cvss3_vector = cs_strdup(f[F_NOTE]);
	x->epss = second ? 0.5 : -1;
	x->kev = second;
	x->title = cs_strdup(f[F_TITLE]);
	x->url = cs_strdup(f[F_URL]);
	x->sources = cs_strdup(f[F_WHY]);
	x->note = cs_strdup(f[F_NOTE]);
}

/* the elements the HTML writer writes, and no event handler attributes */
static void html_walk(xmlNodePtr n, int *scripts)
{
	static const char *const allowed[] = {
		"html", "head", "meta", "title", "style", "body",   "header",
		"h1",	"h2",	"p",	"dl",	 "dt",	  "dd",	    "section",
		"ul",	"li",	"span", "input", "table", "thead",  "tbody",
		"tr",	"th",	"td",	"div",	 "a",	  "footer", "script",
	};

	for (; n; n = n->next) {
		bool ok = false;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
			ok |= !strcmp((const char *)n->name, allowed[i]);
		if (!ok)
			abort();
		if (!strcmp((const char *)n->name, "script"))
			(*scripts)++;
		for (xmlAttrPtr a = n->properties; a; a = a->next)
			if (!strncmp((const char *)a->name, "on", 2) ||
			    !strcmp((const char *)a->name, "src"))
				abort();
		html_walk(n->children, scripts);
	}
}

static char *render(enum cs_report_format fmt, const struct cs_scan_report *rep, size_t *len)
{
	struct cs_error err = CS_ERROR_INIT;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	if (cs_report_write(fmt, rep, NULL, f, &err) < 0)
		abort(); /* hostile strings never stop a report */
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_catalog *cat = NULL;
	struct cs_findings *fs;
	struct cs_package *p;
	char *copy, *f[F_COUNT];
	struct cs_scan_report rep = { .kind = "sbom", .generated = "2024-01-02T03:04:05Z" };
	size_t k = 0;

	if (size > 8192 || memchr(data, 0, size))
		return 0;
	copy = malloc(size + 1);
	fs = cs_zalloc(sizeof(*fs));
	if (!copy || !fs || cs_catalog_new(&cat) < 0)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *s = copy; k < F_COUNT; k++) {
		char *nl = s ? strchr(s, '\n') : NULL;

		f[k] = s ? s : (char *)"";
		if (nl)
			*nl = '\0';
		s = nl ? nl + 1 : NULL;
	}
	if (cs_catalog_set_os(cat, "alpine", f[F_VERSION]) < 0)
		abort();
	p = cs_package_new(k % 2 ? CS_PKG_APK : CS_PKG_PYPI);
	if (!p)
		abort();
	p->name = cs_strdup(f[F_NAME]);
	p->version = cs_strdup(f[F_VERSION]);
	p->path = f[F_PATH][0] ? cs_strdup(f[F_PATH]) : NULL;
	p->purl = cs_strdup(f[F_URL]);
	if (cs_catalog_add(cat, p) < 0)
		abort();
	fs->v = cs_new0(struct cs_finding, 2);
	fs->cap = 2;
	if (!fs->v)
		abort();
	fill(&fs->v[0], p, f, false);
	fill(&fs->v[1], p, f, true);
	fs->n = 2;
	if (cs_findings_suppress(fs, 1, f[F_WHY], f[F_WHY][0] ? f[F_WHY] : NULL) < 0)
		abort();
	fs->warnings = cs_new0(char *, 1);
	if (fs->warnings && (fs->warnings[0] = cs_strdup(f[F_WARN])))
		fs->n_warnings = 1;
	rep.target = f[F_TARGET];
	rep.cat = cat;
	rep.findings = fs;
	rep.db_built = f[F_NOTE];

	xmlSetGenericErrorFunc(NULL, silent);
	for (int fmt = 0; fmt < _CS_REPORT_MAX; fmt++) {
		size_t len = 0;
		char *out = render((enum cs_report_format)fmt, &rep, &len);

		if (!out)
			abort();
		if (fmt == CS_REPORT_JSON || fmt == CS_REPORT_SARIF || fmt == CS_REPORT_CYCLONEDX) {
			json_t *j = json_loadb(out, len, 0, NULL);

			if (!j)
				abort();
			json_decref(j);
		} else if (fmt == CS_REPORT_JUNIT) {
			xmlDocPtr doc =
				xmlReadMemory(out, (int)len, "junit.xml", NULL, XML_PARSE_NONET);

			if (!doc)
				abort();
			xmlFreeDoc(doc);
		} else if (fmt == CS_REPORT_HTML) {
			htmlDocPtr doc = htmlReadMemory(out, (int)len, "report.html", "UTF-8",
							HTML_PARSE_NONET | HTML_PARSE_NOERROR |
								HTML_PARSE_NOWARNING);
			int scripts = 0;

			if (!doc)
				abort();
			html_walk(xmlDocGetRootElement(doc), &scripts);
			if (scripts != 1)
				abort();
			xmlFreeDoc(doc);
		}
		free(out);
	}
	cs_findings_free(fs);
	cs_catalog_free(cat);
	free(copy);
	return 0;
}
