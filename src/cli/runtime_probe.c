/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs runtime probe: loads the eBPF sensor the way `runtime watch`
 * does (every hook of every class) and prints its attach table: per hook,
 * each candidate attach point best first and whether the kernel took it
 * (and why not), with the kernel facts that decide it (lockdown mode, the
 * active LSMs from securityfs).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "basic/json.h"
#include "cli/cli.h"
#include "runtime/sensor.h"

#define SECURITYFS "/sys/kernel/security"

/* The first line of a securityfs file, or "" when it cannot be read. */
static void read_line(const char *name, char *buf, size_t cap)
{
	char p[128];
	FILE *f;

	buf[0] = '\0';
	snprintf(p, sizeof(p), SECURITYFS "/%s", name);
	f = fopen(p, "re");
	if (!f)
		return;
	if (!fgets(buf, (int)cap, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* "none [integrity] confidentiality": the bracketed mode */
static void lockdown_mode(const char *line, char *out, size_t cap)
{
	const char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;

	if (!a || !b)
		snprintf(out, cap, "unknown");
	else
		snprintf(out, cap, "%.*s", (int)(b - a - 1), a + 1);
}

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static const char *const formats[] = { "table", "json", NULL };

int cli_runtime_probe(int argc, char **argv)
{
	static const char usage[] =
		"usage: customs runtime probe [options]\n"
		"Load the eBPF sensor's attach table (root) and print, per hook, each\n"
		"candidate attach point best first (BPF-LSM, fentry/fexit, tp_btf,\n"
		"tracepoint) and whether the kernel took it, or why not.\n"
		"  -f, --format FORMAT     table or json\n"
		"  -o, --output FILE\n";
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sensor_options so = { .classes = CS_SENSOR_CLASS_ALL };
	enum cli_format fmt = CLI_FORMAT_TABLE;
	const struct cs_sensor_candidate *c;
	struct cs_sensor *sensor = NULL;
	char lockdown[128], lsm[256], mode[32];
	const char *output = NULL;
	struct cli_output out;
	struct stat st;
	size_t n;
	int opt, r;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (cli_parse_format(optarg, formats, &fmt) < 0)
				return cli_usage_error("unknown format '%s' (table, json)", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage_error("see 'customs runtime probe --help'");
		}
	}
	if (optind < argc)
		return cli_usage_error("runtime probe takes no arguments ('%s')", argv[optind]);
	/* securityfs, mounted where it belongs when absent (as tracefs is) */
	if (stat(SECURITYFS "/lsm", &st) != 0 && geteuid() == 0)
		(void)mount("none", SECURITYFS, "securityfs", 0, NULL);
	read_line("lockdown", lockdown, sizeof(lockdown));
	read_line("lsm", lsm, sizeof(lsm));
	lockdown_mode(lockdown, mode, sizeof(mode));
	r = cs_sensor_open(&so, &sensor, &err);
	if (r < 0)
		return cli_fail(&err);
	n = cs_sensor_candidates(sensor, &c);
	if (cli_output_open(&out, output, &err) < 0) {
		cs_sensor_free(sensor);
		return cli_fail(&err);
	}
	if (fmt == CLI_FORMAT_JSON) {
		struct cs_json *j = NULL;

		if (cs_json_new_file(out.f, 0, &j) < 0) {
			cs_sensor_free(sensor);
			cli_output_abort(&out);
			return cli_fail(&err);
		}
		cs_json_begin_object(j);
		cs_json_key(j, "kernel");
		cs_json_begin_object(j);
		cs_json_kv_string(j, "lockdown", lockdown[0] ? mode : "unknown");
		cs_json_kv_string(j, "lsm", lsm);
		cs_json_kv_bool(j, "bpf_lsm", has_word(lsm, "bpf"));
		cs_json_end_object(j);
		cs_json_key(j, "hooks");
		cs_json_begin_array(j);
		for (size_t i = 0; i < n;) {
			size_t k = i;

			cs_json_begin_object(j);
			cs_json_kv_string(j, "hook", c[i].hook);
			cs_json_kv_string(j, "class", c[i].cls);
			for (size_t m = i; m < n && !strcmp(c[m].hook, c[i].hook); m++)
				if (!strcmp(c[m].status, "active"))
					cs_json_kv_string(j, "active", c[m].attach);
			cs_json_key(j, "candidates");
			cs_json_begin_array(j);
			for (; k < n && !strcmp(c[k].hook, c[i].hook); k++) {
				cs_json_begin_object(j);
				cs_json_kv_string(j, "kind", c[k].kind);
				cs_json_kv_string(j, "attach", c[k].attach);
				cs_json_kv_string(j, "status", c[k].status);
				if (c[k].error) {
					cs_json_kv_int(j, "errno", -c[k].error);
					cs_json_kv_string(j, "reason", c[k].reason);
				}
				cs_json_end_object(j);
			}
			cs_json_end_array(j);
			cs_json_end_object(j);
			i = k;
		}
		cs_json_end_array(j);
		cs_json_end_object(j);
		r = cs_json_finish(j);
		cs_json_free(j);
		if (r >= 0)
			r = fputc('\n', out.f) == EOF ? -EIO : 0;
	} else {
		fprintf(out.f, "kernel: lockdown %s, LSMs %s (BPF-LSM %s)\n",
			lockdown[0] ? mode : "unknown (no securityfs)", lsm[0] ? lsm : "unknown",
			has_word(lsm, "bpf") ? "listed" : "not listed");
		fprintf(out.f, "%-13s %-9s %-15s %-58s %-8s %s\n", "HOOK", "CLASS", "KIND",
			"ATTACH", "STATUS", "REASON");
		for (size_t i = 0; i < n; i++)
			fprintf(out.f, "%-13s %-9s %-15s %-58s %-8s %s\n", c[i].hook, c[i].cls,
				c[i].kind, c[i].attach, c[i].status, c[i].reason);
		r = 0;
	}
	cs_sensor_free(sensor);
	if (r < 0 || ferror(out.f)) {
		cli_output_abort(&out);
		cs_error_errno(&err, r < 0 ? r : EIO, "cannot write the probe report");
		return cli_fail(&err);
	}
	if (cli_output_commit(&out, &err) < 0)
		return cli_fail(&err);
	return 0;
}
