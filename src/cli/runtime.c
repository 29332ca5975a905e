/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs runtime: the verb table of the runtime group, and `runtime watch`
 * (the eBPF sensor's events with process and container context, one JSON
 * object per line). Other runtime verbs (rules check, replay...) live in
 * their own files and are declared in cli.h.
 *
 * Exit status of watch: 0 after --duration or SIGINT/SIGTERM; 2 for usage
 * and for a missing privilege (not root: run it as root); 3 when the
 * kernel refuses the sensor although we are root, or the build has none.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "image/engine_api.h"
#include "runtime/container.h"
#include "runtime/defer.h"
#include "runtime/drift.h"
#include "runtime/event_json.h"
#include "runtime/alert.h"
#include "runtime/proctable.h"
#include "runtime/record.h"
#include "runtime/rules.h"
#include "runtime/sensor.h"

#define MAX_CONTAINER_FILTERS 64
#define MAX_RULE_FILES	      64
#define FDTAB_MAX	      1024 /* network descriptors remembered for dup* */

/*
 * What user space remembers of a process's network descriptors: the kernel
 * side cannot read the fd table (it is not BTF-typed memory and
 * bpf_probe_read_kernel is locked down), so dup2(sock, 0) gets its fd.*
 * fields from the socket/connect/accept events seen before, as Falco's own
 * user-space fd table does. Bounded: the oldest entry is replaced.
 */
struct fdent {
	int64_t pid, num; /* pid 0: free */
	enum cs_rt_fd_type type;
	uint16_t family;
	uint8_t l4proto;
	uint16_t cport, sport;
	bool server_is_local;
	char cip[CS_RT_ADDR_MAX], sip[CS_RT_ADDR_MAX];
	char name[CS_RT_PATH_MAX / 4];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* An event held for its container's metadata, with the cgroup it came from. */
struct held {
	uint64_t cg;
	struct cs_rt_event ev;
};

struct watch {
	FILE *out;
	enum cli_format format;
	struct cs_json *json;
	struct cs_buf line;
	struct cs_proctable *procs;
	struct cs_drift *drift; /* exec: overlay upper or lower layer */
	struct cs_containers *containers;
	struct cs_sensor *sensor;
	bool skip_full; /* the kernel's skip map is full: filter here only */
	const char *filters[MAX_CONTAINER_FILTERS];
	size_t n_filters;
	bool host_too; /* --container host */
	uint64_t boot_to_epoch_ns;
	uint64_t seq, printed, bad;
	char hostname[CS_RT_NAME_MAX];
	size_t hostname_len;
	struct cs_rt_event ev;
	const struct cs_rt_event *cur; /* the event being evaluated: ev, or a held one */
	/* events of containers whose metadata is pending (docs/RUNTIME.md) */
	struct cs_defer *defer;
	struct held hold;
	bool releasing_unanswered; /* the engine failed the container being released */
	uint64_t waited, waited_partial;
	int write_error;
	/* --rules: evaluate every event, route matches as alerts */
	struct cs_rules *rules;
	struct cs_alert_router *router;
	struct cs_buf alert;
	char rendered[CS_RULES_OUTPUT_MAX];
	uint64_t alerts;
	/* record: events into a .cse file instead of printing */
	struct cs_rt_writer *writer;
	struct fdent fds[FDTAB_MAX];
	size_t fd_next;
	size_t fd_hi; /* fds[fd_hi..] were never used: scans stop there (no socket: at once) */
};

static struct fdent *fd_find(struct watch *w, int64_t pid, int64_t num)
{
	for (size_t i = 0; i < w->fd_hi; i++)
		if (w->fds[i].pid == pid && w->fds[i].num == num)
			return &w->fds[i];
	return NULL;
}

static struct fdent *fd_slot(struct watch *w, int64_t pid, int64_t num)
{
	struct fdent *f = fd_find(w, pid, num);

	if (f)
		return f;
	for (size_t i = 0; i < FDTAB_MAX; i++)
		if (!w->fds[i].pid) {
			w->fd_hi = CS_MAX(w->fd_hi, i + 1);
			return &w->fds[i];
		}
	f = &w->fds[w->fd_next];
	w->fd_hi = CS_MAX(w->fd_hi, w->fd_next + 1);
	w->fd_next = (w->fd_next + 1) % FDTAB_MAX;
	return f;
}

static void fd_from_event(struct fdent *f, const struct cs_rt_event *e, int64_t num)
{
	memset(f, 0, sizeof(*f));
	f->pid = e->proc.pid;
	f->num = num;
	f->type = e->fd.type;
	f->family = e->fd.family;
	f->l4proto = e->fd.l4proto;
	f->cport = e->fd.cport;
	f->sport = e->fd.sport;
	f->server_is_local = e->fd.server_is_local;
	CS_RT_SET(f->cip, e->fd.cip);
	CS_RT_SET(f->sip, e->fd.sip);
	cs_rt_strset(f->name, sizeof(f->name), e->fd.name, strlen(e->fd.name));
}

/* Keep the fd table and give dup* events the duplicated descriptor's fd.* */
static void fd_track(struct watch *w, struct cs_rt_event *e)
{
	struct fdent *f;

	switch (e->type) {
	case CS_RT_EVT_SOCKET:
		if (e->res >= 0)
			fd_from_event(fd_slot(w, e->proc.pid, e->res), e, e->res);
		break;
	case CS_RT_EVT_CONNECT:
	case CS_RT_EVT_ACCEPT:
	case CS_RT_EVT_ACCEPT4:
	case CS_RT_EVT_BIND:
		if (e->fd.num < 0 || e->fd.type == CS_RT_FD_NONE)
			break;
		f = fd_find(w, e->proc.pid, e->fd.num);
		/* connect/bind name the socket itself: its protocol is socket()'s */
		if (f && !e->fd.l4proto && e->type != CS_RT_EVT_ACCEPT &&
		    e->type != CS_RT_EVT_ACCEPT4)
			e->fd.l4proto = f->l4proto;
		fd_from_event(fd_slot(w, e->proc.pid, e->fd.num), e, e->fd.num);
		break;
	case CS_RT_EVT_DUP:
	case CS_RT_EVT_DUP2:
	case CS_RT_EVT_DUP3:
		if (e->res < 0)
			break;
		f = fd_find(w, e->proc.pid, e->arg.fd);
		if (!f) {
			struct fdent *old = fd_find(w, e->proc.pid, e->res);

			if (old) /* the target now names something that is not a socket */
				old->pid = 0;
			break;
		}
		e->fd.type = f->type;
		e->fd.family = f->family;
		e->fd.l4proto = f->l4proto;
		e->fd.cport = f->cport;
		e->fd.sport = f->sport;
		e->fd.server_is_local = f->server_is_local;
		CS_RT_SET(e->fd.cip, f->cip);
		CS_RT_SET(e->fd.sip, f->sip);
		CS_RT_SET(e->fd.name, f->name);
		e->have |= CS_RT_HAVE_FD | (f->cip[0] || f->sip[0] ? CS_RT_HAVE_NET : 0);
		if (e->res != e->arg.fd) {
			struct fdent copy = *f;

			copy.num = e->res;
			*fd_slot(w, e->proc.pid, e->res) = copy;
		}
		break;
	case CS_RT_EVT_CLONE: /* the child inherits the parent's descriptors */
		for (size_t i = 0; i < w->fd_hi; i++) {
			if (w->fds[i].pid != e->proc.pid || !e->arg.pid)
				continue;
			struct fdent copy = w->fds[i];

			copy.pid = e->arg.pid;
			*fd_slot(w, copy.pid, copy.num) = copy;
		}
		break;
	case CS_RT_EVT_PROCEXIT:
		for (size_t i = 0; i < w->fd_hi; i++)
			if (w->fds[i].pid == e->proc.pid)
				w->fds[i].pid = 0;
		break;
	default:
		break;
	}
}

static void iso_time(uint64_t ns, char *buf, size_t cap)
{
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%09lluZ", (unsigned long long)(ns % 1000000000u));
}

/*
 * One rule match as an alert: the same JSON object `runtime replay` prints
 * (time, priority, rule, output, source, tags, event with its full
 * context), queued on every target; never waits for a target.
 */
static int on_match(size_t rule, void *ud)
{
	struct watch *w = ud;
	const struct cs_rt_event *e = w->cur;
	struct cs_rule_info ri;
	struct cs_json *j = NULL;
	char ts[64], key[CS_RT_ID_MAX + 512], text[CS_RULES_OUTPUT_MAX + 128];
	struct cs_alert a;

	cs_rules_info(w->rules, rule, &ri);
	cs_rules_render_output(w->rules, rule, e, w->rendered, sizeof(w->rendered));
	iso_time(e->ts_ns, ts, sizeof(ts));
	cs_buf_reset(&w->alert);
	if (cs_json_new_buf(&w->alert, 0, &j) < 0)
		return -ENOMEM;
	cs_json_begin_object(j);
	cs_json_kv_string(j, "time", ts);
	cs_json_kv_string(j, "priority", cs_rule_priority_name(ri.priority));
	cs_json_kv_string(j, "rule", ri.name);
	cs_json_kv_string(j, "output", w->rendered);
	cs_json_kv_string(j, "source", ri.source);
	cs_json_key(j, "tags");
	cs_json_begin_array(j);
	for (size_t t = 0; t < ri.n_tags; t++)
		cs_json_string(j, ri.tags[t]);
	cs_json_end_array(j);
	cs_json_key(j, "event");
	cs_rt_event_write_json(e, j);
	cs_json_end_object(j);
	if (cs_json_finish(j) < 0 || cs_buf_putc(&w->alert, '\0') < 0) {
		cs_json_free(j);
		return 0; /* too long: not an alert we can send */
	}
	cs_json_free(j);
	snprintf(key, sizeof(key), "%s\x1f%s", ri.name, e->container.id);
	snprintf(text, sizeof(text), "%s: %s %s", cs_rule_priority_name(ri.priority), ri.name,
		 w->rendered);
	a = (struct cs_alert){
		.key = key, .severity = (int)ri.priority, .json = w->alert.data, .text = text
	};
	w->alerts++;
	return cs_alert_router_emit(w->router, &a) < 0 ? -ENOMEM : 0;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool wanted(const struct watch *w, const struct cs_rt_container *c, bool in_container)
{
	if (!w->n_filters)
		return true;
	if (!in_container)
		return w->host_too;
	for (size_t i = 0; i < w->n_filters; i++)
		if (cs_container_matches(c, w->filters[i]))
			return true;
	return false;
}

static void print_table(struct watch *w, const struct cs_rt_event *e)
{
	char when[32], detail[CS_RT_PATH_MAX + CS_RT_ARGS_MAX + 8];
	time_t t = (time_t)(e->ts_ns / 1000000000ull);
	struct tm tm;
	_cleanup_free_ char *safe = NULL;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (e->type == CS_RT_EVT_EXECVE) {
		size_t n = (size_t)snprintf(detail, sizeof(detail), "%s", e->proc.exepath);

		for (size_t off = 0; off < e->proc.args_len && n < sizeof(detail) - 1;) {
			const char *a = e->proc.args + off;

			n += (size_t)snprintf(detail + n, sizeof(detail) - n, " %s", a);
			off += strlen(a) + 1;
		}
	} else if (e->fd.name[0]) {
		snprintf(detail, sizeof(detail), "%s", e->fd.name);
	} else {
		detail[0] = '\0';
	}
	/* everything here comes from the watched processes: never let it drive the terminal */
	safe = cs_term_sanitize(detail);
	fprintf(w->out, "%s.%03u %-12.12s %7lld %-15.15s %-9s %-12s %s\n", when,
		(unsigned)(e->ts_ns / 1000000 % 1000), e->container.name, (long long)e->proc.pid,
		e->proc.name, cs_rt_evt_type_name(e->type), cs_rt_errno_name(e->res),
		safe ? safe : detail);
}

/*
 * One event with its context, container metadata included: filtered by
 * --container, then recorded, evaluated or printed. drift_done: the exec's
 * layer was set when the event was held.
 */
static int emit(struct watch *w, struct cs_rt_event *e, uint64_t cg, bool in_container,
		bool drift_done)
{
	if (!wanted(w, &e->container, in_container)) {
		/* a known host cgroup never becomes a container's (ids are not
		 * reused): its later events can stop in the kernel. An id no walk
		 * has seen yet may be a container starting: never skipped. */
		if (!in_container && !w->skip_full && cs_containers_known(w->containers, cg) &&
		    cs_sensor_skip_cgroup(w->sensor, cg) < 0)
			w->skip_full = true;
		return 0;
	}
	if (in_container && !drift_done)
		cs_drift_apply(w->drift, e);
	w->printed++;
	w->cur = e;
	if (w->writer) {
		struct cs_error err = CS_ERROR_INIT;

		if (cs_rt_writer_add(w->writer, e, &err) < 0) {
			w->write_error = EIO;
			return -EIO;
		}
		return 0;
	}
	if (w->rules) {
		int r = cs_rules_eval(w->rules, e, on_match, w);

		return r < 0 ? r : 0;
	}
	if (w->format == CLI_FORMAT_JSON) {
		struct cs_json *j = NULL;

		cs_buf_reset(&w->line);
		if (cs_json_new_buf(&w->line, 0, &j) < 0)
			return -ENOMEM;
		cs_rt_event_write_json(e, j);
		if (cs_json_finish(j) < 0 || cs_buf_putc(&w->line, '\n') < 0) {
			cs_json_free(j);
			w->bad++;
			return 0;
		}
		cs_json_free(j);
		if (fwrite(w->line.data, 1, w->line.len, w->out) != w->line.len)
			w->write_error = errno ? errno : EIO;
	} else {
		print_table(w, e);
	}
	if (ferror(w->out)) {
		w->write_error = errno ? errno : EIO;
		return -EIO;
	}
	return 0;
}

static uint64_t mono_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000u;
}

/* A held event leaving the queue: with the metadata known now. */
static int on_release(void *item, const char *key, enum cs_defer_reason why, void *ud)
{
	struct watch *w = ud;
	struct held *h = item;

	if (why == CS_DEFER_TIMEOUT) /* its later events wait no more */
		cs_containers_give_up(w->containers, key);
	if (why != CS_DEFER_READY || w->releasing_unanswered)
		w->waited_partial++;
	cs_containers_lookup(w->containers, h->cg, &h->ev.container);
	return emit(w, &h->ev, h->cg, true, true);
}

static void on_resolved(const char *full_id, bool answered, void *ud)
{
	struct watch *w = ud;
	int r;

	w->releasing_unanswered = !answered;
	r = cs_defer_release(w->defer, full_id, on_release, w);
	w->releasing_unanswered = false;
	if (r < 0 && !w->write_error)
		w->write_error = -r;
}

/* The engine's answers and the held events whose wait is over. 0 or <0. */
static int pump(struct watch *w)
{
	int r;

	cs_containers_poll(w->containers, on_resolved, w);
	if (w->write_error)
		return -w->write_error;
	if (!cs_defer_count(w->defer))
		return 0;
	r = cs_defer_expire(w->defer, mono_ms(), on_release, w);
	return r < 0 ? r : 0;
}

static int on_record(void *ud, const void *rec, size_t len)
{
	struct watch *w = ud;
	struct cs_rt_event *e = &w->ev;
	enum cs_container_state cst;
	uint64_t cg = 0;
	int r;

	r = pump(w);
	if (r < 0)
		return r;
	if (cs_sensor_decode(rec, len, w->boot_to_epoch_ns, e, &cg, NULL) < 0) {
		w->bad++; /* counted, never trusted */
		return 0;
	}
	e->num = ++w->seq;
	cs_rt_strset(e->hostname, sizeof(e->hostname), w->hostname, w->hostname_len);
	cs_proctable_apply(w->procs, e);
	fd_track(w, e);
	cst = cs_containers_lookup(w->containers, cg, &e->container);
	if (cst == CS_CONTAINER_PENDING) {
		/* held with the process context of now, until the engine answers
		 * or CS_DEFER_WAIT_MS: never evaluated without its image */
		cs_drift_apply(w->drift, e);
		w->hold.cg = cg;
		w->hold.ev = *e;
		w->waited++;
		return cs_defer_push(w->defer, e->container.full_id, &w->hold, mono_ms(),
				     on_release, w);
	}
	/* held events of this container go first, in order */
	if (cst == CS_CONTAINER_KNOWN && cs_defer_count(w->defer) &&
	    (r = cs_defer_release(w->defer, e->container.full_id, on_release, w)) < 0)
		return r;
	return emit(w, e, cg, cst != CS_CONTAINER_HOST, false);
}

/* The summary's counters of the kernel side and of the reader, as one phrase. */
static const char *counts(char *buf, size_t cap, const struct cs_sensor_stats *st,
			  const struct watch *w, bool prefiltered)
{
	char pf[64] = "";

	if (prefiltered)
		snprintf(pf, sizeof(pf), "%llu prefiltered (opens no rule can match), ",
			 (unsigned long long)st->prefiltered);
	snprintf(buf, cap,
		 "%llu from the kernel, %llu dropped (ring buffer full), %llu filtered in the "
		 "kernel, %s%llu malformed, %llu waited for container metadata (%llu released "
		 "without it)",
		 (unsigned long long)st->events, (unsigned long long)st->drops,
		 (unsigned long long)st->filtered, pf, (unsigned long long)w->bad,
		 (unsigned long long)w->waited, (unsigned long long)w->waited_partial);
	return buf;
}

static void watch_usage(FILE *f, bool record)
{
	if (record) {
		fprintf(f,
			"usage: customs runtime record --out FILE.cse [OPTIONS]\n"
			"\n"
			"Load the eBPF sensor (needs root) and record every event with its\n"
			"process and container context into a binary event file\n"
			"(docs/RUNTIME-RECORD.md) for `runtime replay`. The file appears when\n"
			"the recording ends (written to a temporary file, then renamed).\n"
			"\n"
			"  --out FILE.cse          the recording (required)\n"
			"  --rules FILE            attach only the syscalls these rules need\n"
			"  --engine, --container, --events, --duration, --cgroup-root: as watch\n");
		return;
	}
	fprintf(f, "usage: customs runtime watch [OPTIONS]\n"
		   "\n"
		   "Load the eBPF sensor (needs root) and print every process, file and\n"
		   "network event with its process and container context, one JSON object\n"
		   "per line (docs/RUNTIME.md).\n"
		   "\n"
		   "  --engine unix:///PATH   container engine API for names and images\n"
		   "                          (default: $DOCKER_HOST or the usual sockets)\n"
		   "  --container NAME|ID     only this container's events (repeatable;\n"
		   "                          'host' selects the host's own processes)\n"
		   "  --events LIST           process,file,net (default: all)\n"
		   "  --duration SECS         stop after SECS seconds (default: until SIGINT)\n"
		   "  --cgroup-root DIR       the cgroup v2 hierarchy (default: detected)\n"
		   "  -f, --format FMT        json (default) or table\n"
		   "  -o, --output FILE       write to FILE (replaced when the watch ends)\n"
		   "  -r, --rules FILE|DIR    Falco rules (repeatable): evaluate every event\n"
		   "                          and route each match as an alert instead of\n"
		   "                          printing events; only the syscalls the rules\n"
		   "                          need are attached (docs/RUNTIME.md)\n"
		   "  --alerts-to TARGET      stdout (default), file:PATH[?max_size=..&max_age=..\n"
		   "                          &keep=N], syslog[:SOCKET], webhook:URL (repeatable;\n"
		   "                          docs/ALERTS.md)\n"
		   "  --no-prefilter          with --rules, report every open: no in-kernel\n"
		   "                          prefilter of opens no rule can match\n");
}

/* 0, or the exit status of a usage error (printed) */
static int parse_events(const char *s, unsigned *ret)
{
	unsigned m = 0;

	while (*s) {
		size_t n = strcspn(s, ",");

		if (n == 7 && !strncmp(s, "process", 7))
			m |= CS_SENSOR_CLASS_PROCESS;
		else if (n == 4 && !strncmp(s, "file", 4))
			m |= CS_SENSOR_CLASS_FILE;
		else if (n == 3 && !strncmp(s, "net", 3))
			m |= CS_SENSOR_CLASS_NET;
		else if (n == 4 && !strncmp(s, "priv", 4))
			m |= CS_SENSOR_CLASS_PRIV;
		else
			return cli_usage_error("unknown event class '%.*s' in --events (want "
					       "process, file, net, priv)",
					       (int)n, s);
		s += n;
		if (*s == ',')
			s++;
	}
	if (!m)
		return cli_usage_error("--events is empty");
	*ret = m;
	return 0;
}

/* A --rules argument: a file, or every *.yaml / *.yml of a directory in name order. */
static int add_rules_arg(char **files, size_t *n, const char *arg)
{
	struct stat st;
	struct dirent **ents = NULL;
	int k;

	if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (*n == MAX_RULE_FILES)
			return cli_usage_error("more than %d rules files", MAX_RULE_FILES);
		if (!(files[(*n)++] = strdup(arg)))
			return EXIT_INTERNAL;
		return 0;
	}
	k = scandir(arg, &ents, NULL, alphasort);
	if (k < 0)
		return cli_usage_error("cannot read rules directory '%s': %s", arg,
				       strerror(errno));
	for (int i = 0; i < k; i++) {
		const char *d = ents[i]->d_name;
		size_t l = strlen(d);
		int bad = 0;

		if ((l > 5 && !strcmp(d + l - 5, ".yaml")) ||
		    (l > 4 && !strcmp(d + l - 4, ".yml"))) {
			if (*n == MAX_RULE_FILES)
				bad = cli_usage_error("more than %d rules files", MAX_RULE_FILES);
			else if (asprintf(&files[*n], "%s/%s", arg, d) < 0)
				bad = EXIT_INTERNAL;
			else
				(*n)++;
		}
		free(ents[i]);
		if (bad) {
			for (int j = i + 1; j < k; j++)
				free(ents[j]);
			free(ents);
			return bad;
		}
	}
	free(ents);
	return 0;
}

static int watch_main(int argc, char **argv, bool record);

int cmd_runtime_watch(int argc, char **argv)
{
	return watch_main(argc, argv, false);
}

int cli_runtime_record(int argc, char **argv)
{
	return watch_main(argc, argv, true);
}

static int watch_main(int argc, char **argv, bool record)
{
	static const struct option longopts[] = {
		{ "engine", required_argument, NULL, 1 },
		{ "container", required_argument, NULL, 2 },
		{ "duration", required_argument, NULL, 3 },
		{ "events", required_argument, NULL, 4 },
		{ "cgroup-root", required_argument, NULL, 5 },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "rules", required_argument, NULL, 'r' },
		{ "alerts-to", required_argument, NULL, 6 },
		{ "out", required_argument, NULL, 7 },
		{ "no-prefilter", no_argument, NULL, 8 },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const char *const formats[] = { "json", "table", NULL };
	struct cs_error err = CS_ERROR_INIT;
	struct cs_sensor_options so = { 0 };
	struct cli_output out = { 0 };
	struct cs_sensor *sensor = NULL;
	struct cs_sensor_stats st = { 0 };
	char cnt[512];
	const char *engine = NULL, *output = NULL, *cgroup_root = NULL;
	_cleanup_free_ char *socket = NULL;
	struct watch *w;
	uint64_t duration = 0, deadline_ns = 0;
	struct sigaction sa = { 0 };
	int c, r, status = 0;
	char *rule_files[MAX_RULE_FILES] = { 0 };
	const char *targets[CS_ALERT_TARGETS_MAX];
	size_t n_rule_files = 0, n_targets = 0;
	uint64_t evtypes[CS_RULES_EVTSET_WORDS];
	const char *record_out = NULL;
	struct cs_alert_stats ast = { 0 };
	struct cs_rules_prefilter pf = { 0 };
	struct cs_sensor_prefix *pfx = NULL;
	bool no_prefilter = false;

	w = calloc(1, sizeof(*w));
	if (!w)
		return EXIT_INTERNAL;
	cs_buf_init(&w->alert, CS_ALERT_LINE_MAX);
	w->format = CLI_FORMAT_JSON;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((r = add_rules_arg(rule_files, &n_rule_files, optarg)) != 0) {
				status = r;
				goto done;
			}
			break;
		case 6:
			if (n_targets == CS_ALERT_TARGETS_MAX) {
				status = cli_usage_error("more than %d --alerts-to options",
							 CS_ALERT_TARGETS_MAX);
				goto done;
			}
			targets[n_targets++] = optarg;
			break;
		case 7:
			record_out = optarg;
			break;
		case 8:
			no_prefilter = true;
			break;
		case 1:
			engine = optarg;
			break;
		case 2:
			if (w->n_filters == MAX_CONTAINER_FILTERS) {
				status = cli_usage_error("more than %d --container options",
							 MAX_CONTAINER_FILTERS);
				goto done;
			}
			if (!strcmp(optarg, "host"))
				w->host_too = true;
			w->filters[w->n_filters++] = optarg;
			break;
		case 3:
			if (cs_safe_atou64(optarg, &duration) < 0 || duration == 0 ||
			    duration > 366ull * 86400) {
				status = cli_usage_error("invalid --duration '%s': want seconds (1 "
							 "or more)",
							 optarg);
				goto done;
			}
			break;
		case 4:
			if (parse_events(optarg, &so.classes) != 0) {
				status = EXIT_USAGE;
				goto done;
			}
			break;
		case 5:
			cgroup_root = optarg;
			break;
		case 'f':
			if (cli_parse_format(optarg, formats, &w->format) < 0) {
				status = cli_usage_error("unknown format '%s' (want json or table)",
							 optarg);
				goto done;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			watch_usage(stdout, record);
			free(w);
			return 0;
		default:
			status = EXIT_USAGE;
			goto done;
		}
	}
	if (optind < argc) {
		status = cli_usage_error("unexpected argument '%s' (see 'customs runtime %s "
					 "--help')",
					 argv[optind], record ? "record" : "watch");
		goto done;
	}
	if (record && !record_out) {
		status = cli_usage_error("runtime record needs --out FILE.cse");
		goto done;
	}
	if (!record && record_out) {
		status = cli_usage_error("--out is for 'runtime record' (watch writes with -o)");
		goto done;
	}
	if (!record && n_rule_files && output) {
		status = cli_usage_error("with --rules, alerts go to --alerts-to (e.g. "
					 "file:%s), not -o",
					 output);
		goto done;
	}
	if (n_targets && !n_rule_files) {
		status = cli_usage_error("--alerts-to needs --rules");
		goto done;
	}
	if (record && n_targets) {
		status = cli_usage_error("runtime record writes events, not alerts: no "
					 "--alerts-to");
		goto done;
	}
	if (n_rule_files) {
		struct cs_rules_stats rs;

		r = cs_rules_new(&w->rules);
		if (r < 0)
			goto fail;
		for (size_t i = 0; i < n_rule_files; i++)
			if ((r = cs_rules_load_file(w->rules, rule_files[i], &err)) < 0)
				goto fail;
		if ((r = cs_rules_compile(w->rules, &err)) < 0)
			goto fail;
		/* attach only the syscalls some active rule is indexed under */
		cs_rules_evtypes(w->rules, evtypes);
		so.evtypes = evtypes;
		cs_rules_get_stats(w->rules, &rs);
		/* opens no rule can match stay in the kernel (record keeps them all) */
		if (!record && no_prefilter) {
			pf.reason = "--no-prefilter";
		} else if (!record) {
			if ((r = cs_rules_prefilter(w->rules, -1, &pf)) < 0)
				goto fail;
			if (pf.active && pf.n_prefixes &&
			    !(pfx = calloc(pf.n_prefixes, sizeof(*pfx)))) {
				r = -ENOMEM;
				goto fail;
			}
			for (size_t i = 0; pf.active && i < pf.n_prefixes; i++) {
				pfx[i].path = pf.prefixes[i].path;
				pfx[i].len = pf.prefixes[i].len;
				pfx[i].classes = pf.prefixes[i].classes;
			}
			so.open_prefilter = pf.active;
			so.open_prefixes = pfx;
			so.n_open_prefixes = pf.active ? pf.n_prefixes : 0;
		}
		if (record) { /* the rules only choose the syscalls */
			cs_rules_free(w->rules);
			w->rules = NULL;
		} else {
			if (!n_targets)
				targets[n_targets++] = "stdout";
			r = cs_alert_router_new(targets, n_targets, NULL, &w->router, &err);
			if (r < 0)
				goto fail; /* a bad target: exit 2 */
		}
		if (!cli_quiet)
			fprintf(stderr,
				"%s: rules: %zu active, %zu disabled, %zu unsupported, %zu other "
				"source ('runtime rules check' says why)\n",
				cli_program, rs.active, rs.disabled, rs.unsupported,
				rs.other_source);
	}

	/* the engine is optional: without it events carry container ids only */
	if (engine || getenv("DOCKER_HOST")) {
		r = cs_engine_find_socket(engine, &socket, &err);
		if (r < 0)
			goto fail;
	} else if (cs_engine_find_socket(NULL, &socket, NULL) < 0) {
		socket = NULL;
		cs_log(CS_LOG_INFO, "no container engine socket: container names and images "
				    "will be unknown");
	}
	r = cs_containers_new(cgroup_root, socket, &w->containers, &err);
	if (r < 0)
		goto fail;
	r = cs_defer_new(sizeof(struct held), CS_DEFER_MAX_TOTAL, CS_DEFER_MAX_PER_KEY,
			 CS_DEFER_WAIT_MS, &w->defer);
	if (r < 0)
		goto fail;
	r = cs_proctable_new("/proc", &w->procs);
	if (r < 0)
		goto fail;
	w->drift = cs_drift_new("/proc");
	if (!w->drift) {
		r = -ENOMEM;
		goto fail;
	}
	cs_buf_init(&w->line, CS_RT_JSON_LINE_MAX);
	gethostname(w->hostname, sizeof(w->hostname) - 1);
	w->hostname_len = strlen(w->hostname);
	w->boot_to_epoch_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);

	r = cs_sensor_open(&so, &sensor, &err);
	if (r < 0) {
		/* not root: the user's to fix (2); refused although root, or no sensor: 3 */
		status = r == -EPERM && geteuid() != 0 ? EXIT_USAGE : EXIT_INTERNAL;
		cli_fail(&err);
		goto done;
	}
	w->sensor = sensor;
	if (record) {
		r = cs_rt_writer_open(record_out, &w->writer, &err);
		if (r < 0)
			goto fail;
	} else {
		r = cli_output_open(&out, output, &err);
		if (r < 0)
			goto fail;
		w->out = out.f;
	}
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!cli_quiet) {
		fprintf(stderr, "%s: %s: %s\n", cli_program, record ? "recording" : "watching",
			cs_sensor_active(sensor));
		if (cs_sensor_refused(sensor)[0])
			fprintf(stderr, "%s: refused by this kernel, fell back: %s\n", cli_program,
				cs_sensor_refused(sensor));
		if (cs_sensor_missing(sensor)[0])
			fprintf(stderr, "%s: not in this kernel (no tracepoint): %s\n", cli_program,
				cs_sensor_missing(sensor));
		if (w->rules && cs_sensor_prefilter(sensor) >= 0)
			fprintf(stderr,
				"%s: open prefilter on: %ld path prefixes from %zu rules on opens "
				"(other opens stay in the kernel)\n",
				cli_program, cs_sensor_prefilter(sensor), pf.rules);
		else if (w->rules)
			fprintf(stderr, "%s: open prefilter off: %s\n", cli_program,
				pf.reason ? pf.reason : "no rule on opens");
	}
	if (duration)
		deadline_ns = clock_ns(CLOCK_MONOTONIC) + duration * 1000000000ull;
	while (!stop_requested && (!deadline_ns || clock_ns(CLOCK_MONOTONIC) < deadline_ns)) {
		/* held events: wake often enough to release them on time */
		r = cs_sensor_poll(sensor, cs_defer_count(w->defer) ? 10 : 100, on_record, w, &err);
		if (r >= 0)
			r = pump(w);
		if (r < 0) {
			if (w->write_error)
				cs_error_errno(&err, w->write_error, "cannot write events to '%s'",
					       record_out ? record_out
					       : output	  ? output
							  : "stdout");
			if (w->writer) {
				cs_rt_writer_abort(w->writer);
				w->writer = NULL;
			} else {
				cli_output_abort(&out);
			}
			goto fail;
		}
		if (w->out)
			fflush(w->out);
	}
	/* what is still in the ring buffer, then the held events: their
	 * metadata for at most CS_DEFER_WAIT_MS more, then as they are */
	cs_sensor_poll(sensor, 0, on_record, w, NULL);
	for (uint64_t until = mono_ms() + CS_DEFER_WAIT_MS;
	     cs_defer_count(w->defer) && mono_ms() < until && pump(w) == 0;)
		usleep(5000);
	cs_defer_expire(w->defer, UINT64_MAX, on_release, w);
	cs_sensor_stats(sensor, &st);
	if (w->writer) {
		uint64_t n = cs_rt_writer_count(w->writer);

		r = cs_rt_writer_close(w->writer, &err);
		w->writer = NULL;
		if (r < 0)
			goto fail;
		if (!cli_quiet)
			fprintf(stderr, "%s: %llu events recorded to %s, %s\n", cli_program,
				(unsigned long long)n, record_out,
				counts(cnt, sizeof(cnt), &st, w, false));
		goto done;
	}
	r = cli_output_commit(&out, &err);
	if (r < 0)
		goto fail;
	if (w->router) {
		cs_alert_router_flush(w->router, 5000);
		cs_alert_router_stats(w->router, &ast);
		if (!cli_quiet)
			fprintf(stderr,
				"%s: %llu events evaluated, %s; %llu alerts, %llu rate-limited, "
				"%llu dropped (queue full), %llu failed to deliver\n",
				cli_program, (unsigned long long)w->printed,
				counts(cnt, sizeof(cnt), &st, w, true),
				(unsigned long long)w->alerts, (unsigned long long)ast.rate_limited,
				(unsigned long long)ast.dropped, (unsigned long long)ast.failed);
	} else if (!cli_quiet)
		fprintf(stderr, "%s: %llu events printed, %s\n", cli_program,
			(unsigned long long)w->printed, counts(cnt, sizeof(cnt), &st, w, false));
	goto done;
fail:
	status = cli_fail(&err);
done:
	if (w->writer)
		cs_rt_writer_abort(w->writer);
	cs_alert_router_free(w->router, 5000);
	cs_rules_free(w->rules);
	cs_rules_prefilter_done(&pf);
	free(pfx);
	cs_buf_done(&w->alert);
	for (size_t i = 0; i < n_rule_files; i++)
		free(rule_files[i]);
	cs_sensor_free(sensor);
	cs_defer_free(w->defer);
	cs_containers_free(w->containers);
	cs_proctable_free(w->procs);
	cs_drift_free(w->drift);
	cs_buf_done(&w->line);
	free(w);
	return status;
}

static const struct cli_verb runtime_verbs[] = {
	{ "watch", cmd_runtime_watch,
	  "print events, or alerts of Falco rules with --rules (eBPF, root)" },
	{ "record", cli_runtime_record, "record events to a .cse file (eBPF, root)" },
	/* the rule verbs live in runtime_rules.c */
	{ "rules", cli_runtime_rules, "check or list Falco rule files" },
	{ "replay", cli_runtime_replay, "evaluate recorded events against rules" },
	{ "probe", cli_runtime_probe, "print the sensor's attach table: what this kernel allows" },
};

int cmd_runtime(int argc, char **argv)
{
	return cli_dispatch("runtime", runtime_verbs, CS_ARRAY_SIZE(runtime_verbs), argc, argv);
}
