/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "basic/alloc.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "analyze/analyze.h"
#include "cli/cli.h"

const char *cli_program = "customs";
bool cli_quiet;

int cli_fail(const struct cs_error *err)
{
	const char *msg = err->msg[0] ? err->msg : cs_strerror(err->code);
	char *safe = cs_term_sanitize(msg);

	fprintf(stderr, "%s: %s\n", cli_program, safe ? safe : msg);
	free(safe);
	return cs_error_exit_status(err->code ? err->code : -CS_E_INTERNAL);
}

int cli_usage_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", cli_program, msg);
	return EXIT_USAGE;
}

int cli_dispatch(const char *group, const struct cli_verb *verbs, size_t n, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("'%s' needs a verb (see '%s %s --help')", group, cli_program,
				       group);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		printf("usage: %s %s VERB [OPTIONS]...\n\nverbs:\n", cli_program, group);
		for (size_t i = 0; i < n; i++)
			printf("  %-12s %s\n", verbs[i].name, verbs[i].summary);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	return cli_usage_error("unknown verb '%s %s' (see '%s %s --help')", group, argv[1],
			       cli_program, group);
}

int cli_parse_format(const char *s, const char *const *allowed, enum cli_format *ret)
{
	static const char *names[] = { "table", "json" };

	for (size_t i = 0; allowed[i]; i++) {
		if (strcmp(s, allowed[i]) != 0)
			continue;
		for (size_t k = 0; k < CS_ARRAY_SIZE(names); k++)
			if (!strcmp(s, names[k])) {
				*ret = (enum cli_format)k;
				return 0;
			}
	}
	return -EINVAL;
}

size_t cli_term_width(FILE *f)
{
	struct winsize ws;

	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

int cli_output_open(struct cli_output *o, const char *path, struct cs_error *err)
{
	struct stat st;
	int fd, e;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		o->tty = isatty(STDOUT_FILENO);
		return 0;
	}
	/*
	 * /dev/null, a FIFO, a terminal: write into it. Renaming a temporary
	 * file over it would replace the device with a regular file.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return cs_error_set(err, -EISDIR, "cannot write '%s': a directory", path);
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return cs_error_errno(err, errno, "cannot write '%s'", path);
		o->f = fdopen(fd, "w");
		if (!o->f) {
			e = errno;
			close(fd);
			return cs_error_errno(err, e, "cannot write '%s'", path);
		}
		o->direct = true;
		o->tty = isatty(fd);
		return 0;
	}
	o->path = cs_strdup(path);
	o->tmp = cs_asprintf("%s.tmp.XXXXXX", path);
	if (!o->path || !o->tmp) {
		e = ENOMEM;
		goto fail;
	}
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		free(o->tmp);
		o->tmp = NULL;
		goto fail;
	}
	(void)fchmod(fd, 0644);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		e = errno;
		close(fd);
		goto fail;
	}
	return 0;
fail:
	/* on failure nothing is left behind, and nothing needs freeing */
	cli_output_abort(o);
	return cs_error_errno(err, e, "cannot write '%s'", path);
}

int cli_output_commit(struct cli_output *o, struct cs_error *err)
{
	int r = 0;

	if (o->direct) {
		if (fflush(o->f) != 0 || ferror(o->f))
			r = cs_error_errno(err, errno ? errno : EIO, "cannot write the output");
		if (fclose(o->f) != 0 && r == 0)
			r = cs_error_errno(err, errno, "cannot write the output");
		memset(o, 0, sizeof(*o));
		return r;
	}
	if (!o->path) {
		if (fflush(stdout) != 0)
			r = cs_error_errno(err, errno, "cannot write to standard output");
		return r;
	}
	if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
		r = cs_error_errno(err, errno, "cannot write '%s'", o->path);
	if (fclose(o->f) != 0 && r == 0)
		r = cs_error_errno(err, errno, "cannot write '%s'", o->path);
	o->f = NULL;
	if (r == 0 && rename(o->tmp, o->path) < 0)
		r = cs_error_errno(err, errno, "cannot write '%s'", o->path);
	if (r < 0)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return r;
}

void cli_output_abort(struct cli_output *o)
{
	if (o->direct && o->f)
		fclose(o->f);
	if (o->path) {
		if (o->f)
			fclose(o->f);
		if (o->tmp)
			unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

const char cli_image_opts_help[] =
	"image options:\n"
	"  --platform OS/ARCH[/VARIANT]  pick from a multi-platform image (default: this machine)\n"
	"  --insecure                    allow plain HTTP registries and skip certificate checks\n"
	"  --ca-cert FILE                trust this CA bundle for registry TLS\n"
	"  --tls-verify=false            do not verify registry certificates\n"
	"  --creds USER:PASS             registry credentials\n"
	"  --authfile FILE               registry auth file (default $REGISTRY_AUTH_FILE,\n"
	"                                ~/.docker/config.json)\n"
	"  --engine unix:///PATH         Docker/Podman API socket for engine: images\n"
	"  --max-file-size SIZE          largest file in a layer (default 32G)\n"
	"  --max-layer-size SIZE         largest uncompressed layer (default 64G)\n"
	"  --max-total-size SIZE         largest uncompressed image (default 256G)\n"
	"  --max-entries N               most archive entries in an image (default 4000000)\n"
	"  --max-ratio N                 highest compression ratio (default 1000)\n"
	"  --tmpdir DIR                  spool space (default $TMPDIR or /var/tmp)\n"
	"  --retries N                   network retries (default 3)\n";

void cli_image_opts_init(struct cli_image_opts *o)
{
	memset(o, 0, sizeof(*o));
	cs_image_options_default(&o->image);
	o->term = cli_quiet ? NULL : cs_progress_term_new(stderr);
	cs_progress_term_bind(o->term, &o->progress);
	o->image.progress = &o->progress;
}

void cli_image_opts_done(struct cli_image_opts *o)
{
	cs_progress_term_free(o->term);
	if (o->creds) {
		explicit_bzero(o->creds, strlen(o->creds));
		free(o->creds);
	}
	memset(o, 0, sizeof(*o));
}

static int parse_size_opt(const char *name, const char *arg, uint64_t *ret)
{
	if (cs_parse_size(arg, ret) < 0 || *ret == 0)
		return -cli_usage_error("invalid size '%s' for --%s", arg, name);
	return 1;
}

int cli_image_opts_default(struct cli_image_opts *o, int opt, const char *arg, const char *verb)
{
	int r = cli_image_opts_parse(o, opt, arg);

	if (r < 0)
		return -r;
	if (r == 0)
		return cli_usage_error("see 'customs %s --help'", verb);
	return 0;
}

int cli_parse_exit_code(const char *arg, int *ret)
{
	int v;

	if (cs_safe_atoi(arg, &v) < 0 || v < 0 || v > 255)
		return cli_usage_error("invalid --exit-code '%s' (0-255)", arg);
	*ret = v;
	return 0;
}

int cli_image_opts_parse(struct cli_image_opts *o, int opt, const char *arg)
{
	struct cs_image_options *io = &o->image;
	uint64_t v;
	char *colon;

	switch (opt) {
	case 1000:
		io->platform = arg;
		return 1;
	case 1001:
		io->insecure = true;
		return 1;
	case 1002:
		io->ca_cert = arg;
		return 1;
	case 1003:
		if (!strcmp(arg, "true"))
			io->tls_verify = true;
		else if (!strcmp(arg, "false"))
			io->tls_verify = false;
		else
			return -cli_usage_error("--tls-verify takes true or false, not '%s'", arg);
		return 1;
	case 1004:
		free(o->creds);
		o->creds = cs_strdup(arg);
		if (!o->creds)
			return -cli_usage_error("out of memory");
		colon = strchr(o->creds, ':');
		if (!colon || colon == o->creds)
			return -cli_usage_error("--creds takes USER:PASSWORD");
		*colon = '\0';
		io->username = o->creds;
		io->password = colon + 1;
		return 1;
	case 1005:
		io->auth_file = arg;
		return 1;
	case 1006:
		io->engine_host = arg;
		return 1;
	case 1010:
		return parse_size_opt("max-file-size", arg, &io->limits.max_file_size);
	case 1011:
		return parse_size_opt("max-layer-size", arg, &io->limits.max_layer_size);
	case 1012:
		return parse_size_opt("max-total-size", arg, &io->limits.max_total_size);
	case 1013:
		if (cs_safe_atou64(arg, &v) < 0 || v == 0)
			return -cli_usage_error("invalid number '%s' for --max-entries", arg);
		io->limits.max_entries = v;
		return 1;
	case 1014:
		if (cs_safe_atou64(arg, &v) < 0 || v == 0 || v > UINT32_MAX)
			return -cli_usage_error("invalid number '%s' for --max-ratio", arg);
		io->limits.max_ratio = (uint32_t)v;
		return 1;
	case 1015:
		io->tmpdir = arg;
		return 1;
	case 1016:
		if (cs_safe_atou64(arg, &v) < 0 || v > 20)
			return -cli_usage_error("invalid number '%s' for --retries (0-20)", arg);
		io->retries = (unsigned)v;
		return 1;
	case 1020:
		o->cache_dir = arg;
		return 1;
	case 1021:
		o->no_cache = true;
		return 1;
	}
	return 0;
}

char *cli_db_path(const char *opt)
{
	const char *env = getenv("CUSTOMS_DB"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (opt)
		return cs_strdup(opt);
	if (env && *env)
		return cs_strdup(env);
	if (xdg && *xdg == '/')
		return cs_asprintf("%s/customs/db.sqlite", xdg);
	return cs_asprintf("%s/.cache/customs/db.sqlite", home && *home ? home : "/root");
}

int cli_parse_severities(const char *s, bool *sev)
{
	_cleanup_free_ char *copy = cs_strdup(s);
	char *save = NULL, *tok;

	if (!copy)
		return -ENOMEM;
	memset(sev, 0, sizeof(bool) * (CS_SEV_CRITICAL + 1));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int v = cs_severity_from_name(tok);

		if (v < 0)
			return -EINVAL;
		sev[v] = true;
	}
	return 0;
}

bool cli_issue_severity_selected(const struct cs_issue *x, void *ud)
{
	const bool *sev = ud;

	return sev[x->severity];
}
