/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs runtime rules check|list FILE...  validate Falco rule files and
 *                                           say which rules run and why not
 * customs runtime replay EVENTS --rules FILE...
 *                                           evaluate recorded events offline
 *                                           (a binary recording or JSON lines)
 * Rule files are loaded in order (later files append to / override earlier
 * ones). An invalid rule file or event line fails the run with exit 2 and a
 * "FILE:LINE: reason" line; nothing is written to -o then.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "basic/parse.h"
#include "basic/stream.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "runtime/event_json.h"
#include "runtime/record.h"
#include "runtime/rules.h"

#define MAX_RULE_FILES	  1024
#define EVENTS_MAX_BYTES  (1ull << 32) /* of one replayed file */
#define REPLAY_MAX_EVENTS (4u << 20)   /* kept in memory for --repeat */

static const char *const formats[] = { "table", "json", NULL };

static int load_rules(struct cs_rules **ret, char **files, size_t n, struct cs_error *err)
{
	_cleanup_(cs_rules_freep) struct cs_rules *r = NULL;
	int e = cs_rules_new(&r);
	if (e < 0)
		return cs_error_set(err, e, "out of memory");
	for (size_t i = 0; i < n; i++)
		if ((e = cs_rules_load_file(r, files[i], err)) < 0)
			return e;
	if ((e = cs_rules_compile(r, err)) < 0)
		return e;
	*ret = CS_TAKE_PTR(r);
	return 0;
}

static void print_text(FILE *f, const char *s)
{
	_cleanup_free_ char *safe = cs_term_sanitize(s ? s : "");
	fputs(safe ? safe : "?", f);
}

static int write_rules_json(FILE *f, const struct cs_rules *r, bool list, struct cs_error *err)
{
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;
	struct cs_rules_stats st;
	int e;
	if ((e = cs_json_new_file(f, CS_JSON_PRETTY, &j)) < 0)
		return cs_error_set(err, e, "out of memory");
	cs_rules_get_stats(r, &st);
	cs_json_begin_object(j);
	cs_json_kv_string(j, "engine_version", CS_RULES_ENGINE_VERSION);
	cs_json_kv_uint(j, "lists", st.lists);
	cs_json_kv_uint(j, "macros", st.macros);
	cs_json_kv_uint(j, "rules", st.rules);
	cs_json_kv_uint(j, "active", st.active);
	cs_json_kv_uint(j, "disabled", st.disabled);
	cs_json_kv_uint(j, "unsupported", st.unsupported);
	cs_json_kv_uint(j, "other_source", st.other_source);
	cs_json_key(j, "items");
	cs_json_begin_array(j);
	for (size_t i = 0; i < cs_rules_count(r); i++) {
		struct cs_rule_info ri;
		cs_rules_info(r, i, &ri);
		if (!list && ri.status == CS_RULE_ACTIVE)
			continue;
		cs_json_begin_object(j);
		cs_json_kv_string(j, "rule", ri.name);
		cs_json_kv_string(j, "status", cs_rule_status_name(ri.status));
		if (ri.reason)
			cs_json_kv_string(j, "reason", ri.reason);
		cs_json_kv_string(j, "priority", cs_rule_priority_name(ri.priority));
		cs_json_kv_string(j, "source", ri.source);
		cs_json_kv_string(j, "file", ri.file);
		cs_json_kv_uint(j, "line", ri.line);
		cs_json_kv_uint(j, "evttypes", ri.n_evttypes);
		cs_json_key(j, "tags");
		cs_json_begin_array(j);
		for (size_t t = 0; t < ri.n_tags; t++)
			cs_json_string(j, ri.tags[t]);
		cs_json_end_array(j);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_key(j, "warnings");
	cs_json_begin_array(j);
	for (size_t i = 0; i < cs_rules_warning_count(r); i++)
		cs_json_string(j, cs_rules_warning(r, i));
	cs_json_end_array(j);
	cs_json_end_object(j);
	if ((e = cs_json_finish(j)) < 0)
		return cs_error_errno(err, e, "cannot write output");
	fputc('\n', f);
	return 0;
}

static int write_rules_table(FILE *f, const struct cs_rules *r, bool list, bool tty,
			     struct cs_error *err)
{
	static const char *const hdr[] = { "STATUS", "PRIORITY", "RULE", "EVTTYPES", "REASON" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	struct cs_rules_stats st;
	int e;
	cs_rules_get_stats(r, &st);
	fprintf(f,
		"%zu lists, %zu macros, %zu rules: %zu active, %zu disabled, %zu unsupported, "
		"%zu other source\n",
		st.lists, st.macros, st.rules, st.active, st.disabled, st.unsupported,
		st.other_source);
	if ((e = cs_table_new(5, hdr, &t)) < 0)
		return cs_error_set(err, e, "out of memory");
	for (size_t i = 0; i < cs_rules_count(r); i++) {
		struct cs_rule_info ri;
		char n[32];
		cs_rules_info(r, i, &ri);
		if (!list && ri.status == CS_RULE_ACTIVE)
			continue;
		if (ri.all_evttypes)
			snprintf(n, sizeof(n), "all");
		else
			snprintf(n, sizeof(n), "%zu", ri.n_evttypes);
		if (cs_table_add(t, cs_rule_status_name(ri.status),
				 cs_rule_priority_name(ri.priority), ri.name, n,
				 ri.reason ? ri.reason : "") < 0)
			return cs_error_set(err, -ENOMEM, "out of memory");
	}
	if (cs_table_rows(t))
		cs_table_print(t, f, tty ? cli_term_width(f) : 0);
	for (size_t i = 0; i < cs_rules_warning_count(r); i++) {
		fputs("warning: ", f);
		print_text(f, cs_rules_warning(r, i));
		fputc('\n', f);
	}
	return 0;
}

/* customs runtime rules check|list [-f table|json] [-o FILE] FILE... */
int cli_runtime_rules(int argc, char **argv)
{
	static const char usage[] =
		"usage: customs runtime rules check|list [options] FILE...\n"
		"  check: validate Falco rule files (loaded in order, later files append to\n"
		"         and override earlier ones); lists the rules that do not run and why\n"
		"  list:  every rule with its status, priority and event types\n"
		"  -f, --format FORMAT     table or json\n"
		"  -o, --output FILE\n";
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_rules_freep) struct cs_rules *r = NULL;
	enum cli_format fmt = CLI_FORMAT_TABLE;
	const char *output = NULL;
	struct cli_output out;
	bool list;
	int c, e;

	if (argc < 2 || (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		if (argc >= 2) {
			fputs(usage, stdout);
			return 0;
		}
		return cli_usage_error("runtime rules needs 'check' or 'list' (see --help)");
	}
	if (strcmp(argv[1], "check") && strcmp(argv[1], "list"))
		return cli_usage_error("unknown runtime rules command '%s' (check, list)", argv[1]);
	list = !strcmp(argv[1], "list");
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
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
			return cli_usage_error("see 'customs runtime rules --help'");
		}
	}
	if (optind >= argc)
		return cli_usage_error("runtime rules %s needs at least one rules file",
				       list ? "list" : "check");
	if (argc - optind > MAX_RULE_FILES)
		return cli_usage_error("more than %d rules files", MAX_RULE_FILES);
	if ((e = load_rules(&r, argv + optind, (size_t)(argc - optind), &err)) < 0)
		return cli_fail(&err);
	if (cli_output_open(&out, output, &err) < 0)
		return cli_fail(&err);
	e = fmt == CLI_FORMAT_JSON ? write_rules_json(out.f, r, list, &err)
				   : write_rules_table(out.f, r, list, out.tty, &err);
	if (e < 0) {
		cli_output_abort(&out);
		return cli_fail(&err);
	}
	if (cli_output_commit(&out, &err) < 0)
		return cli_fail(&err);
	return 0;
}

/* ---- replay ---- */
struct replay {
	const struct cs_rules *rules;
	const struct cs_rt_event *e;
	FILE *f;
	enum cli_format fmt;
	bool first;
	bool quiet; /* benchmark: count only */
	uint64_t matches;
	char out[CS_RULES_OUTPUT_MAX];
};

static void iso_time(uint64_t ns, char *buf, size_t cap)
{
	time_t s = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n;
	gmtime_r(&s, &tm);
	n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%09lluZ", (unsigned long long)(ns % 1000000000u));
}

static int on_match(size_t rule, void *ud)
{
	struct replay *rp = ud;
	struct cs_rule_info ri;
	char ts[64];
	rp->matches++;
	if (rp->quiet)
		return rp->first;
	cs_rules_info(rp->rules, rule, &ri);
	cs_rules_render_output(rp->rules, rule, rp->e, rp->out, sizeof(rp->out));
	iso_time(rp->e->ts_ns, ts, sizeof(ts));
	if (rp->fmt == CLI_FORMAT_JSON) {
		_cleanup_(cs_json_freep) struct cs_json *j = NULL;
		if (cs_json_new_file(rp->f, 0, &j) < 0)
			return -ENOMEM;
		cs_json_begin_object(j);
		cs_json_kv_string(j, "time", ts);
		cs_json_kv_string(j, "priority", cs_rule_priority_name(ri.priority));
		cs_json_kv_string(j, "rule", ri.name);
		cs_json_kv_string(j, "output", rp->out);
		cs_json_kv_string(j, "source", ri.source);
		cs_json_key(j, "tags");
		cs_json_begin_array(j);
		for (size_t t = 0; t < ri.n_tags; t++)
			cs_json_string(j, ri.tags[t]);
		cs_json_end_array(j);
		cs_json_key(j, "event");
		cs_rt_event_write_json(rp->e, j);
		cs_json_end_object(j);
		if (cs_json_finish(j) < 0)
			return -EIO;
		fputc('\n', rp->f);
	} else {
		fprintf(rp->f, "%s %s ", ts, cs_rule_priority_name(ri.priority));
		print_text(rp->f, ri.name);
		fputs(": ", rp->f);
		print_text(rp->f, rp->out);
		fputc('\n', rp->f);
	}
	return rp->first;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* per core: the machine is shared */
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* customs runtime replay EVENTS.jsonl --rules FILE... */
int cli_runtime_replay(int argc, char **argv)
{
	static const char usage[] =
		"usage: customs runtime replay [options] EVENTS --rules FILE...\n"
		"  Evaluate recorded events against Falco rule files: a binary recording\n"
		"  (`runtime record`) or JSON lines (the form `runtime watch` prints; '-'\n"
		"  for stdin).\n"
		"  -r, --rules FILE        a rules file (repeatable, loaded in order)\n"
		"  -f, --format FORMAT     json (one alert per line) or table (text lines)\n"
		"  -o, --output FILE\n"
		"  --first                 report only the first matching rule per event\n"
		"                          (Falco's rule_matching: first)\n"
		"  --exit-code N           exit with N when any rule matched (default 0)\n"
		"  --repeat N              benchmark: evaluate the decoded events N times and\n"
		"                          print throughput to stderr (alerts not printed)\n"
		"  --decode-only           benchmark baseline: decode the file N times, no rules\n";
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "first", no_argument, NULL, 3000 },
		{ "exit-code", required_argument, NULL, 3001 },
		{ "repeat", required_argument, NULL, 3002 },
		{ "decode-only", no_argument, NULL, 3003 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_rules_freep) struct cs_rules *r = NULL;
	_cleanup_(cs_stream_freep) struct cs_stream *s = NULL;
	_cleanup_buf_ struct cs_buf data;
	_cleanup_free_ char **rule_files = NULL;
	_cleanup_free_ struct cs_rt_event *events = NULL;
	_cleanup_free_ struct replay *rp = NULL;
	size_t n_rules = 0, n_events = 0, cap_events = 0;
	enum cli_format fmt = CLI_FORMAT_JSON;
	const char *output = NULL, *path;
	int exit_code = 0, c, e;
	uint32_t repeat = 0;
	bool decode_only = false, first = false;
	struct cli_output out;

	cs_buf_init(&data, EVENTS_MAX_BYTES);
	if (!(rule_files = calloc((size_t)argc + 1, sizeof(char *))) ||
	    !(rp = calloc(1, sizeof(*rp))))
		return EXIT_INTERNAL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rule_files[n_rules++] = optarg;
			break;
		case 'f':
			if (cli_parse_format(optarg, formats, &fmt) < 0)
				return cli_usage_error("unknown format '%s' (json, table)", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 3000:
			first = true;
			break;
		case 3001:
			if (cs_safe_atoi(optarg, &exit_code) < 0 || exit_code < 0 ||
			    exit_code > 255)
				return cli_usage_error("invalid --exit-code '%s' (0-255)", optarg);
			break;
		case 3002:
			if (cs_safe_atou32(optarg, &repeat) < 0 || repeat == 0 || repeat > 1000000)
				return cli_usage_error("invalid --repeat '%s' (1-1000000)", optarg);
			break;
		case 3003:
			decode_only = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage_error("see 'customs runtime replay --help'");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("runtime replay takes one events file (see --help)");
	path = argv[optind];
	if (!n_rules && !decode_only)
		return cli_usage_error("runtime replay needs --rules FILE");
	if (n_rules > MAX_RULE_FILES)
		return cli_usage_error("more than %d rules files", MAX_RULE_FILES);
	if (n_rules && (e = load_rules(&r, rule_files, n_rules, &err)) < 0)
		return cli_fail(&err);

	e = !strcmp(path, "-") ? cs_stream_from_fd(STDIN_FILENO, false, &s)
			       : cs_stream_open_file(path, &s, &err);
	if (e < 0)
		return err.code ? cli_fail(&err)
				: (cs_error_errno(&err, e, "cannot read '%s'", path),
				   cli_fail(&err));
	if ((e = cs_stream_read_all(s, &data, &err)) < 0) {
		if (!err.code)
			cs_error_errno(&err, e, "cannot read '%s'", path);
		return cli_fail(&err);
	}

	/* a binary recording (runtime record): bad records are counted and skipped */
	if (cs_rt_record_sniff(data.data, data.len)) {
		_cleanup_(cs_rt_reader_freep) struct cs_rt_reader *rd = NULL;
		uint32_t passes = decode_only && repeat ? repeat : 1;
		double t0 = now_s();
		if (!strcmp(path, "-"))
			return cli_usage_error("a binary recording cannot be read from stdin");
		for (uint32_t pass = 0; pass < passes; pass++) {
			cs_rt_reader_free(CS_TAKE_PTR(rd));
			if (cs_rt_reader_open(path, &rd, &err) < 0)
				return cli_fail(&err);
			n_events = 0;
			for (;;) {
				if (n_events == cap_events) {
					size_t nc = cap_events ? cap_events * 2 : 64;
					struct cs_rt_event *ne;
					if (cap_events >= REPLAY_MAX_EVENTS) {
						cs_error_set(&err, -CS_E_LIMIT,
							     "%s: more than %u events", path,
							     REPLAY_MAX_EVENTS);
						return cli_fail(&err);
					}
					if (nc > REPLAY_MAX_EVENTS)
						nc = REPLAY_MAX_EVENTS;
					if (!(ne = reallocarray(events, nc, sizeof(*ne))))
						return EXIT_INTERNAL;
					events = ne;
					cap_events = nc;
				}
				e = cs_rt_reader_next(rd, &events[n_events], &err);
				if (e < 0)
					return cli_fail(&err);
				if (e == 0)
					break;
				n_events++;
			}
		}
		if (cs_rt_reader_bad(rd))
			fprintf(stderr, "customs: %s: %llu bad records skipped (last: %s)\n", path,
				(unsigned long long)cs_rt_reader_bad(rd),
				cs_rt_reader_last_error(rd));
		if (decode_only) {
			double dt = now_s() - t0;
			uint64_t total = (uint64_t)n_events * passes;
			fprintf(stderr,
				"decode-only: events=%llu seconds=%.6f events_per_sec=%.0f\n",
				(unsigned long long)total, dt, dt > 0 ? (double)total / dt : 0.0);
			if (!r)
				return 0;
		}
	} else {
		/* JSON lines: a bad line fails the run before any output */
		const char *p = data.data, *end = data.data + data.len;
		unsigned line = 0;
		uint32_t passes = decode_only && repeat ? repeat : 1;
		double t0 = now_s();
		for (uint32_t pass = 0; pass < passes; pass++) {
			p = data.data;
			line = 0;
			n_events = 0;
			while (p < end) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
				struct cs_rt_event *ev;
				line++;
				if (len == 0 || (len == 1 && p[0] == '\r')) {
					p += len + 1;
					continue;
				}
				if (n_events == cap_events) {
					size_t nc = cap_events ? cap_events * 2 : 64;
					struct cs_rt_event *ne;
					if (nc > REPLAY_MAX_EVENTS)
						nc = REPLAY_MAX_EVENTS;
					if (n_events >= nc) {
						cs_error_set(&err, -CS_E_LIMIT,
							     "%s: more than %u events", path,
							     REPLAY_MAX_EVENTS);
						return cli_fail(&err);
					}
					ne = reallocarray(events, nc, sizeof(*ne));
					if (!ne)
						return EXIT_INTERNAL;
					events = ne;
					cap_events = nc;
				}
				ev = &events[n_events];
				if ((e = cs_rt_event_read_json(p, len, ev, &err)) < 0) {
					cs_error_prefix(&err, "%s:%u", path, line);
					return cli_fail(&err);
				}
				n_events++;
				p += len + (nl ? 1 : 0);
			}
		}
		if (decode_only) {
			double dt = now_s() - t0;
			uint64_t total = (uint64_t)n_events * passes;
			fprintf(stderr,
				"decode-only: events=%llu seconds=%.6f events_per_sec=%.0f\n",
				(unsigned long long)total, dt, dt > 0 ? (double)total / dt : 0.0);
			if (!r)
				return 0;
		}
	}

	rp->rules = r;
	rp->fmt = fmt;
	rp->first = first;
	if (repeat && !decode_only) {
		double t0 = now_s(), dt;
		uint64_t total = (uint64_t)n_events * repeat;
		rp->quiet = true;
		for (uint32_t pass = 0; pass < repeat; pass++)
			for (size_t i = 0; i < n_events; i++) {
				rp->e = &events[i];
				cs_rules_eval(r, &events[i], on_match, rp);
			}
		dt = now_s() - t0;
		fprintf(stderr,
			"rules: events=%llu matches=%llu seconds=%.6f events_per_sec=%.0f\n",
			(unsigned long long)total, (unsigned long long)rp->matches, dt,
			dt > 0 ? (double)total / dt : 0.0);
		return 0;
	}
	if (cli_output_open(&out, output, &err) < 0)
		return cli_fail(&err);
	rp->f = out.f;
	for (size_t i = 0; i < n_events; i++) {
		rp->e = &events[i];
		if ((e = cs_rules_eval(r, &events[i], on_match, rp)) < 0) {
			cli_output_abort(&out);
			cs_error_errno(&err, e, "cannot write alerts");
			return cli_fail(&err);
		}
	}
	if (cli_output_commit(&out, &err) < 0)
		return cli_fail(&err);
	return rp->matches ? exit_code : 0;
}
