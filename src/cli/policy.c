/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs policy eval POLICY REF... and customs policy webhook: images
 * against an ImagePolicy (docs/POLICY.md), once from the command line or
 * for every workload a Kubernetes API server admits.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "basic/alloc.h"
#include "basic/json.h"
#include "basic/log.h"
#include "basic/parse.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "policy/evidence.h"
#include "policy/policy.h"
#include "server/webhook.h"
#include "vulndb/vulndb.h"

#define MAX_REFS 1024

/* The database a policy's vulnerability rule reads: --db, the policy's, the default */
static int open_db(const struct cs_policy *p, const char *opt, struct cs_vulndb **ret,
		   struct cs_error *err)
{
	_cleanup_free_ char *path = NULL;

	if (!cs_policy_needs_vulndb(p))
		return 0;
	path = cli_db_path(opt ? opt : cs_policy_vulndb_path(p));
	if (!path)
		return -ENOMEM;
	return cs_vulndb_open(path, ret, err);
}

struct evaluated {
	const char *ref;
	char *digest;
	struct cs_policy_decision *d;
};

static void write_json(FILE *f, const char *policy, const struct cs_policy *p,
		       const struct evaluated *ev, size_t n)
{
	_cleanup_(cs_json_freep) struct cs_json *j = NULL;

	if (cs_json_new_file(f, CS_JSON_PRETTY, &j) < 0)
		return;
	cs_json_begin_object(j);
	cs_json_kv_int(j, "schemaVersion", 1);
	cs_json_kv_string(j, "policy", policy);
	cs_json_kv_string(j, "mode", cs_policy_mode(p) == CS_POLICY_AUDIT ? "audit" : "enforce");
	cs_json_key(j, "images");
	cs_json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		cs_json_begin_object(j);
		cs_json_kv_string(j, "ref", ev[i].ref);
		cs_json_kv_string(j, "digest", ev[i].digest);
		cs_json_kv_bool(j, "allowed", ev[i].d->allowed);
		cs_json_key(j, "violations");
		cs_json_begin_array(j);
		for (size_t k = 0; k < ev[i].d->n; k++) {
			cs_json_begin_object(j);
			cs_json_kv_string(j, "rule", ev[i].d->v[k].rule);
			cs_json_kv_string(j, "message", ev[i].d->v[k].message);
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_end_object(j);
	cs_json_finish(j);
}

static int write_table(FILE *f, const struct cs_policy *p, const struct evaluated *ev, size_t n)
{
	static const char *const headers[] = { "IMAGE", "DECISION", "RULE", "MESSAGE" };
	_cleanup_(cs_table_freep) struct cs_table *t = NULL;
	bool audit = cs_policy_mode(p) == CS_POLICY_AUDIT;
	int r;

	r = cs_table_new(4, headers, &t);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *dec = !ev[i].d->allowed ? "deny" : ev[i].d->n ? "audit" : "allow";

		if (ev[i].d->n == 0)
			r = cs_table_add(t, ev[i].ref, dec, "", "");
		for (size_t k = 0; k < ev[i].d->n && r >= 0; k++)
			r = cs_table_add(t, k ? "" : ev[i].ref, k ? "" : dec, ev[i].d->v[k].rule,
					 ev[i].d->v[k].message);
		if (r < 0)
			return r;
	}
	r = cs_table_print(t, f, cli_term_width(f));
	if (r >= 0 && audit)
		fprintf(f, "\n(mode audit: violations are reported, never denied)\n");
	return r;
}

static const char eval_help[] =
	"usage: customs policy eval POLICY REF... [OPTIONS]\n\n"
	"Evaluate images against an ImagePolicy (docs/POLICY.md): each is allowed or\n"
	"denied with every violated rule.\n\n"
	"  -f, --format FORMAT     table or json\n"
	"  -o, --output FILE\n"
	"  --db PATH               vulnerability database for the vulnerabilities rule\n"
	"                          (default: the policy's, $CUSTOMS_DB, the cache's)\n"
	"  --exit-code N           exit with N when an image is denied (default 1)\n\n";

static int cmd_policy_eval(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 2000 },
		{ "exit-code", required_argument, NULL, 2003 },
		{ "help", no_argument, NULL, 'h' },
		CLI_IMAGE_LONGOPTS,
		CLI_CACHE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "table", "json", NULL };
	_cleanup_(cs_policy_freep) struct cs_policy *p = NULL;
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_(cs_layer_cache_freep) struct cs_layer_cache *cache = NULL;
	struct cs_policy_registry_evidence evidence;
	struct cs_error err = CS_ERROR_INIT;
	struct evaluated *ev = NULL;
	enum cli_format format = CLI_FORMAT_TABLE;
	const char *output = NULL, *dbopt = NULL, *policy;
	struct cli_image_opts io;
	struct cli_output out;
	int exit_code = 1, c, r;
	size_t n = 0, n_ev = 0, denied = 0;

	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cli_parse_format(optarg, formats, &format) < 0) {
				r = cli_usage_error("unknown format '%s' (table, json)", optarg);
				goto done;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 2000:
			dbopt = optarg;
			break;
		case 2003:
			r = cli_parse_exit_code(optarg, &exit_code);
			if (r)
				goto done;
			break;
		case 'h':
			printf("%s%s%s", eval_help, cli_image_opts_help, cli_cache_opts_help);
			r = 0;
			goto done;
		default:
			r = cli_image_opts_default(&io, c, optarg, "policy eval");
			if (r)
				goto done;
		}
	}
	if (argc - optind < 2) {
		r = cli_usage_error("policy eval takes a policy and image references (see --help)");
		goto done;
	}
	if ((size_t)(argc - optind - 1) > MAX_REFS) {
		r = cli_usage_error("more than %d image references", MAX_REFS);
		goto done;
	}
	policy = argv[optind];
	cs_policy_registry_evidence_init(&evidence, &io.image);
	r = cs_policy_load(policy, &evidence.ev, &p, &err);
	if (r >= 0)
		r = cs_policy_prepare(p, &io.image, &err);
	if (r >= 0)
		r = open_db(p, dbopt, &db, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	n_ev = (size_t)(argc - optind - 1);
	if (cli_layer_cache_open(&io, &cache) < 0 || !(ev = cs_calloc_array(n_ev, sizeof(*ev)))) {
		r = EXIT_INTERNAL;
		goto done;
	}
	for (int i = optind + 1; i < argc; i++, n++) {
		_cleanup_(cs_image_freep) struct cs_image *img = NULL;
		struct cs_policy_context ctx = { .db = db,
						 .cache = cache,
						 .evidence = &evidence.ev };

		ev[n].ref = argv[i];
		r = cs_image_open(argv[i], &io.image, &img, &err);
		if (r >= 0)
			r = cs_policy_eval(p, img, &ctx, &ev[n].d, &err);
		if (r < 0) {
			r = cli_fail(&err);
			goto done;
		}
		if (cs_image_manifest_digest(img) &&
		    !(ev[n].digest = cs_strdup(cs_image_manifest_digest(img)))) {
			r = EXIT_INTERNAL;
			goto done;
		}
		if (!ev[n].d->allowed)
			denied++;
	}
	r = cli_output_open(&out, output, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	if (format == CLI_FORMAT_JSON)
		write_json(out.f, policy, p, ev, n);
	else if (write_table(out.f, p, ev, n) < 0) {
		cli_output_abort(&out);
		r = EXIT_INTERNAL;
		goto done;
	}
	r = cli_output_commit(&out, &err);
	if (r < 0)
		r = cli_fail(&err);
	else
		r = denied ? exit_code : 0;
done:
	for (size_t i = 0; ev && i < n_ev; i++) {
		free(ev[i].digest);
		cs_policy_decision_free(ev[i].d);
	}
	free(ev);
	cli_image_opts_done(&io);
	return r;
}

/* "250ms", or a cs_parse_duration ("10s", "2m") into milliseconds */
static int parse_ms(const char *s, uint64_t *ret)
{
	size_t n = strlen(s);
	uint64_t v;

	if (n > 2 && !strcmp(s + n - 2, "ms")) {
		_cleanup_free_ char *num = cs_strndup(s, n - 2);

		if (!num || cs_safe_atou64(num, &v) < 0 || v == 0)
			return -EINVAL;
		*ret = v;
		return 0;
	}
	if (cs_parse_duration(s, &v) < 0 || v == 0 || v > UINT64_MAX / 1000)
		return -EINVAL;
	*ret = v * 1000;
	return 0;
}

static const char webhook_help[] =
	"usage: customs policy webhook --policy POLICY --tls-cert FILE --tls-key FILE [OPTIONS]\n\n"
	"Serve a Kubernetes validating admission webhook over HTTPS: POST /validate\n"
	"(AdmissionReview admission.k8s.io/v1), GET /healthz, GET /metrics.\n\n"
	"  --policy FILE           the ImagePolicy (docs/POLICY.md)\n"
	"  --tls-cert FILE         PEM certificate (chain)\n"
	"  --tls-key FILE          PEM private key\n"
	"  --listen ADDR:PORT      (default 0.0.0.0:8443)\n"
	"  --db PATH               vulnerability database for the vulnerabilities rule\n"
	"  --timeout DURATION      per request, e.g. 10s or 500ms (default 10s); then the\n"
	"                          policy's failurePolicy decides\n"
	"  --cache-ttl DURATION    how long a decision is kept (default 5m)\n"
	"  --cache-size N          decisions kept at most (default 4096)\n"
	"  --tag-ttl DURATION      how long a tag's digest is kept (default 0: resolved\n"
	"                          on every request)\n"
	"  --threads N             HTTP worker threads (default 4)\n"
	"  --max-body SIZE         largest request body (default 3MiB)\n"
	"  --log-level LEVEL       error, warning, info or debug\n\n";

static int cmd_policy_webhook(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 3000 },
		{ "tls-cert", required_argument, NULL, 3001 },
		{ "tls-key", required_argument, NULL, 3002 },
		{ "listen", required_argument, NULL, 3003 },
		{ "db", required_argument, NULL, 3004 },
		{ "timeout", required_argument, NULL, 3005 },
		{ "cache-ttl", required_argument, NULL, 3006 },
		{ "cache-size", required_argument, NULL, 3007 },
		{ "tag-ttl", required_argument, NULL, 3008 },
		{ "threads", required_argument, NULL, 3009 },
		{ "max-body", required_argument, NULL, 3010 },
		{ "log-level", required_argument, NULL, 3011 },
		{ "help", no_argument, NULL, 'h' },
		CLI_IMAGE_LONGOPTS,
		CLI_CACHE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const levels[] = { "error", "warning", "info", "debug" };
	_cleanup_(cs_policy_freep) struct cs_policy *p = NULL;
	_cleanup_(cs_vulndb_closep) struct cs_vulndb *db = NULL;
	_cleanup_(cs_layer_cache_freep) struct cs_layer_cache *cache = NULL;
	struct cs_webhook_options wo = { .listen = "0.0.0.0:8443" };
	struct cs_policy_registry_evidence evidence;
	struct cs_error err = CS_ERROR_INIT;
	struct cs_webhook *w = NULL;
	const char *policy = NULL, *dbopt = NULL;
	struct cli_image_opts io;
	uint64_t v;
	sigset_t sigs;
	int c, r, sig;

	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 3000:
			policy = optarg;
			break;
		case 3001:
			wo.tls_cert = optarg;
			break;
		case 3002:
			wo.tls_key = optarg;
			break;
		case 3003:
			wo.listen = optarg;
			break;
		case 3004:
			dbopt = optarg;
			break;
		case 3005:
			if (parse_ms(optarg, &wo.timeout_ms) < 0) {
				r = cli_usage_error("invalid --timeout '%s' (e.g. 10s, 500ms)",
						    optarg);
				goto done;
			}
			break;
		case 3006:
		case 3008:
			if (cs_parse_duration(optarg, &v) < 0 || (c == 3006 && v == 0)) {
				r = cli_usage_error("invalid --%s '%s' (e.g. 5m, 30s)",
						    c == 3006 ? "cache-ttl" : "tag-ttl", optarg);
				goto done;
			}
			*(c == 3006 ? &wo.cache_ttl_s : &wo.tag_ttl_s) = v;
			break;
		case 3007:
			if (cs_safe_atou64(optarg, &v) < 0 || v == 0 || v > (1u << 20)) {
				r = cli_usage_error("invalid --cache-size '%s' (1-1048576)",
						    optarg);
				goto done;
			}
			wo.cache_max = (size_t)v;
			break;
		case 3009:
			if (cs_safe_atou64(optarg, &v) < 0 || v == 0 || v > 256) {
				r = cli_usage_error("invalid --threads '%s' (1-256)", optarg);
				goto done;
			}
			wo.threads = (unsigned)v;
			break;
		case 3010:
			if (cs_parse_size(optarg, &v) < 0 || v == 0 || v > (64u << 20)) {
				r = cli_usage_error("invalid --max-body '%s' (up to 64MiB)",
						    optarg);
				goto done;
			}
			wo.max_body = (size_t)v;
			break;
		case 3011:
			for (sig = 0; sig < (int)CS_ARRAY_SIZE(levels); sig++)
				if (!strcmp(optarg, levels[sig]))
					break;
			if (sig == (int)CS_ARRAY_SIZE(levels)) {
				r = cli_usage_error("invalid --log-level '%s' (error, warning, "
						    "info, debug)",
						    optarg);
				goto done;
			}
			cs_log_set_level((enum cs_log_level)sig);
			break;
		case 'h':
			printf("%s%s%s", webhook_help, cli_image_opts_help, cli_cache_opts_help);
			r = 0;
			goto done;
		default:
			r = cli_image_opts_default(&io, c, optarg, "policy webhook");
			if (r)
				goto done;
		}
	}
	if (optind != argc) {
		r = cli_usage_error("policy webhook takes no arguments (see --help)");
		goto done;
	}
	if (!policy || !wo.tls_cert || !wo.tls_key) {
		r = cli_usage_error("policy webhook needs --policy, --tls-cert and --tls-key");
		goto done;
	}
	cs_policy_registry_evidence_init(&evidence, &io.image);
	r = cs_policy_load(policy, &evidence.ev, &p, &err);
	if (r >= 0)
		r = cs_policy_prepare(p, &io.image, &err);
	if (r >= 0)
		r = open_db(p, dbopt, &db, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	wo.evidence = &evidence.ev;
	if (cli_layer_cache_open(&io, &cache) < 0) {
		r = EXIT_INTERNAL;
		goto done;
	}
	wo.policy = p;
	wo.image = &io.image;
	wo.db = db;
	wo.cache = cache;
	/* every thread the server starts inherits the mask: signals come to sigwait */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	r = cs_webhook_start(&wo, &w, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	cs_log_info("webhook: serving https on %s (port %u), policy '%s'", wo.listen,
		    (unsigned)cs_webhook_port(w), policy);
	sig = 0;
	while (sigwait(&sigs, &sig) != 0)
		;
	cs_log_info("webhook: %s: finishing the requests in flight", strsignal(sig));
	cs_webhook_stop(w);
	r = 0;
done:
	cli_image_opts_done(&io);
	return r;
}

int cmd_policy(int argc, char **argv)
{
	static const struct cli_verb verbs[] = {
		{ "eval", cmd_policy_eval, "evaluate images against an ImagePolicy" },
		{ "webhook", cmd_policy_webhook, "serve the Kubernetes admission webhook" },
	};

	return cli_dispatch("policy", verbs, CS_ARRAY_SIZE(verbs), argc, argv);
}
