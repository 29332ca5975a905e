/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs audit k8s FILE|DIR... and customs audit compose FILE...: read
 * every manifest (directories are walked for *.yaml, *.yml and *.json, in
 * name order, without following symbolic links), audit it (audit/k8s.h)
 * and write one report. Every input is read and audited before anything is
 * written, so a malformed one fails the run (exit 2, "FILE:LINE: reason")
 * without a partial report.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "audit/audit.h"
#include "audit/k8s.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/stream.h"
#include "cli/cli.h"

#define AUDIT_MAX_FILES 100000
#define AUDIT_MAX_DEPTH 32

struct files {
	char **v;
	size_t n;
};

static void files_done(struct files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static int files_add(struct files *f, char *path, struct cs_error *err)
{
	char **nv;

	if (!path)
		return -ENOMEM;
	if (f->n >= AUDIT_MAX_FILES) {
		free(path);
		return cs_error_set(err, -CS_E_LIMIT, "more than %d files", AUDIT_MAX_FILES);
	}
	nv = reallocarray(f->v, f->n + 1, sizeof(*nv));
	if (!nv) {
		free(path);
		return -ENOMEM;
	}
	f->v = nv;
	f->v[f->n++] = path;
	return 0;
}

static bool manifest_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *dir, unsigned depth, struct files *out, struct cs_error *err)
{
	struct files here = { 0 };
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > AUDIT_MAX_DEPTH)
		return cs_error_set(err, -CS_E_LIMIT, "'%s': directories nested deeper than %d",
				    dir, AUDIT_MAX_DEPTH);
	d = opendir(dir);
	if (!d)
		return cs_error_errno(err, errno, "cannot read '%s'", dir);
	while (r >= 0 && (errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		r = files_add(&here, cs_asprintf("%s/%s", dir, de->d_name), err);
	}
	if (r >= 0 && errno)
		r = cs_error_errno(err, errno, "cannot read '%s'", dir);
	closedir(d);
	if (here.n > 1)
		qsort(here.v, here.n, sizeof(*here.v), cmp_str);
	for (size_t i = 0; i < here.n && r >= 0; i++) {
		const char *base = strrchr(here.v[i], '/') + 1;
		struct stat st;

		if (lstat(here.v[i], &st) < 0) {
			r = cs_error_errno(err, errno, "cannot read '%s'", here.v[i]);
			break;
		}
		if (S_ISDIR(st.st_mode))
			r = walk(here.v[i], depth + 1, out, err);
		else if (S_ISREG(st.st_mode) && manifest_name(base)) {
			r = files_add(out, here.v[i], err);
			here.v[i] = NULL;
		}
	}
	files_done(&here);
	return r;
}

/* The files named: a directory is walked, anything else taken as named. */
static int collect(char **names, int n, bool dirs, struct files *out, struct cs_error *err)
{
	int r = 0;

	for (int i = 0; i < n && r >= 0; i++) {
		struct stat st;

		if (dirs && strcmp(names[i], "-") != 0 && stat(names[i], &st) == 0 &&
		    S_ISDIR(st.st_mode))
			r = walk(names[i], 0, out, err);
		else
			r = files_add(out, cs_strdup(names[i]), err);
	}
	return r;
}

static int read_input(const char *path, struct cs_buf *b, struct cs_error *err)
{
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	int r;

	if (!strcmp(path, "-"))
		r = cs_stream_from_fd(STDIN_FILENO, false, &s);
	else
		r = cs_stream_open_file(path, &s, err);
	if (r < 0)
		return err->code ? r : cs_error_errno(err, r, "cannot read '%s'", path);
	r = cs_stream_read_all(s, b, err);
	if (r == -CS_E_LIMIT)
		return cs_error_set(err, r, "%s: larger than %u bytes", path, CS_K8S_MAX_SIZE);
	if (r < 0 && !err->code)
		return cs_error_errno(err, r, "cannot read '%s'", path);
	if (r < 0)
		return cs_error_prefix(err, "%s", path);
	return 0;
}

typedef int (*audit_fn)(struct cs_audit *a, const char *path, const char *data, size_t len,
			const struct cs_k8s_options *o, struct cs_error *err);

static int run(const char *verb, const char *kind, const char *help, bool dirs, audit_fn fn,
	       int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_AUDIT_LONGOPTS,
		{ "strict", no_argument, NULL, 4000 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	_cleanup_(cs_audit_freep) struct cs_audit *a = NULL;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_k8s_options ko = { 0 };
	struct cli_audit_opts ao;
	struct files files = { 0 };
	int c, r;

	cli_audit_opts_init(&ao);
	optind = 1;
	while ((c = getopt_long(argc, argv, CLI_AUDIT_SHORTOPTS "h", longopts, NULL)) != -1) {
		r = cli_audit_opts_parse(&ao, c, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (c) {
		case 4000:
			ko.strict = true;
			break;
		case 'h':
			printf("%s%s", help, cli_audit_opts_help);
			return 0;
		default:
			return cli_usage_error("see 'customs audit %s --help'", verb);
		}
	}
	if (optind >= argc)
		return cli_usage_error("audit %s takes one or more files (see --help)", verb);
	if (cs_audit_new(kind, &a) < 0)
		return EXIT_INTERNAL;
	r = collect(argv + optind, argc - optind, dirs, &files, &err);
	if (r >= 0 && files.n == 0)
		r = cs_error_set(&err, -CS_E_INPUT, "no manifest (*.yaml, *.yml, *.json) in '%s'",
				 argv[optind]);
	for (size_t i = 0; i < files.n && r >= 0; i++) {
		struct cs_buf b = CS_BUF_INIT(CS_K8S_MAX_SIZE);

		r = read_input(files.v[i], &b, &err);
		if (r >= 0)
			r = fn(a, files.v[i], b.data ? b.data : "", b.len, &ko, &err);
		cs_buf_done(&b);
	}
	files_done(&files);
	if (r < 0) {
		if (!err.code)
			cs_error_errno(&err, r, "audit %s failed", verb);
		return cli_fail(&err);
	}
	return cli_audit_emit(a, &ao);
}

static const char k8s_help[] =
	"usage: customs audit k8s [OPTIONS] FILE|DIR...\n\n"
	"Audit Kubernetes manifests (YAML or JSON, multi-document, Lists, Helm output;\n"
	"'-' reads standard input; directories are walked for *.yaml, *.yml, *.json)\n"
	"against the checks in docs/AUDIT.md. Turn checks off for one object with the\n"
	"annotation " CS_K8S_IGNORE_ANNOTATION
	": \"CS-K8S-ID,...\" (and the why in\n" CS_K8S_JUSTIFICATION_ANNOTATION ").\n\n"
	"  --strict                ignore annotations do not apply\n";

int cli_audit_k8s(int argc, char **argv)
{
	return run("k8s", "k8s", k8s_help, true, cs_audit_k8s, argc, argv);
}

static const char compose_help[] =
	"usage: customs audit compose [OPTIONS] FILE...\n\n"
	"Audit Docker Compose files ('-' reads standard input) against the checks in\n"
	"docs/AUDIT.md. Turn checks off for one service with x-customs-ignore:\n"
	"\"CS-COMPOSE-ID,...\" (or the label " CS_K8S_IGNORE_ANNOTATION ").\n\n"
	"  --strict                ignore settings do not apply\n";

int cli_audit_compose(int argc, char **argv)
{
	return run("compose", "compose", compose_help, false, cs_audit_compose, argc, argv);
}
