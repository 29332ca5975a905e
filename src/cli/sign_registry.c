/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry side of signing: customs sign, customs verify REF (for
 * references that are not dir:, handed over by cmd_verify), customs attest,
 * customs verify-attestation and customs tree. Signatures and attestations are stored as
 * cosign stores them (sign/remote.h); keys are cosign's (sign/key.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "config.h"
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/json.h"
#include "basic/stream.h"
#include "basic/table.h"
#include "cli/cli.h"
#include "sign/attest.h"
#include "sign/cosign.h"
#include "sign/key.h"
#include "sign/remote.h"
#include "cli/verify_bundle.h"

static const char registry_opts_help[] =
	"registry options:\n"
	"  --insecure            allow plain HTTP registries and skip certificate checks\n"
	"  --ca-cert FILE        trust this CA bundle for registry TLS\n"
	"  --tls-verify=false    do not verify registry certificates\n"
	"  --creds USER:PASS     registry credentials\n"
	"  --authfile FILE       registry auth file (default $REGISTRY_AUTH_FILE,\n"
	"                        ~/.docker/config.json)\n"
	"  --retries N           network retries (default 3)\n"
	"\n"
	"Signatures and attestations are stored in the image's repository, or in\n"
	"the repository $COSIGN_REPOSITORY names (HOST/REPO), as cosign does.\n";

static void registry_options_from(const struct cli_image_opts *io, struct cs_registry_options *ro)
{
	cs_registry_options_default(ro);
	ro->ca_cert = io->image.ca_cert;
	ro->insecure = io->image.insecure;
	ro->tls_verify = io->image.tls_verify;
	ro->auth_file = io->image.auth_file;
	ro->username = io->image.username;
	ro->password = io->image.password;
	ro->retries = io->image.retries;
}

static const char *sig_repository(void)
{
	const char *s = getenv("COSIGN_REPOSITORY");

	return s && *s ? s : NULL;
}

static void password_free(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

static int load_privkey(const char *path, struct cs_privkey **ret, struct cs_error *err)
{
	char *pw = NULL;
	int r = cli_get_password("private key", false, &pw, err);

	if (r < 0)
		return r;
	r = cs_privkey_load(path, pw, ret, err);
	password_free(pw);
	return r;
}

static void utc_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the options every verb here shares ---- */

enum {
	OPT_KEY = 'k',
	OPT_ANNOTATION = 'a',
	OPT_OUTPUT = 'o',
	OPT_HELP = 'h',
	OPT_REKOR = 2000,
	OPT_TLOG,
	OPT_TYPE,
	OPT_PREDICATE,
};

struct verb_opts {
	struct cli_image_opts io;
	struct cs_registry_options ro;
	const char *privkey;	 /* --key of sign and attest */
	struct cs_pubkeys keys;	 /* --key of the verify verbs */
	struct cs_pubkey *rekor; /* --rekor-key */
	const char *output;	 /* -o */
	const char *type;	 /* --type */
	const char *predicate;	 /* --predicate */
	json_t *annotations;	 /* -a K=V */
	const char *ref;	 /* the operand */
};

static int parse_annotation(json_t *ann, const char *arg)
{
	const char *eq = strchr(arg, '=');
	json_t *v;

	if (!eq || eq == arg)
		return cli_usage_error("annotation '%s' is not KEY=VALUE", arg);
	v = json_string(eq + 1);
	if (!v || json_object_setn_new(ann, arg, (size_t)(eq - arg), v) < 0)
		return cli_usage_error("annotation '%s' is not UTF-8", arg);
	return 0;
}

static int parse_tlog_upload(const char *arg)
{
	if (!arg || !strcmp(arg, "true") || !strcmp(arg, "1"))
		return cli_usage_error("--tlog-upload: customs does not upload to a "
				       "transparency log; use --tlog-upload=false");
	if (strcmp(arg, "false") != 0 && strcmp(arg, "0") != 0)
		return cli_usage_error("--tlog-upload: '%s' is not true or false", arg);
	return 0;
}

static int add_pubkey(struct cs_pubkeys *keys, struct cs_pubkey **one, const char *path)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_pubkey *k = NULL;
	int r;

	if (one && *one)
		return cli_usage_error("--rekor-key given twice");
	r = cs_pubkey_load(path, &k, &err);
	if (r >= 0 && one)
		*one = k;
	else if (r >= 0)
		r = cs_pubkeys_add(keys, k);
	return r < 0 ? cli_fail(&err) : 0;
}

static void verb_opts_done(struct verb_opts *o)
{
	cs_pubkeys_done(&o->keys);
	cs_pubkey_free(o->rekor);
	json_decref(o->annotations);
	cli_image_opts_done(&o->io);
}

/*
 * Parse argv with longopts (a subset of the OPT_* options plus
 * CLI_IMAGE_LONGOPTS). --key is a public key when pubkeys, else the
 * private key's path. Returns -1 when the verb should run, else the exit
 * status (0 after --help). verb_opts_done in every case.
 */
static int verb_opts_parse(struct verb_opts *o, int argc, char **argv,
			   const struct option *longopts, bool pubkeys, const char *verb,
			   const char *help)
{
	int c, r;

	memset(o, 0, sizeof(*o));
	cs_pubkeys_init(&o->keys);
	cli_image_opts_init(&o->io);
	o->annotations = json_object();
	if (!o->annotations)
		return EXIT_INTERNAL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "k:a:o:h", longopts, NULL)) != -1) {
		r = cli_image_opts_parse(&o->io, c, optarg);
		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_KEY:
			if (!pubkeys) {
				o->privkey = optarg;
				break;
			}
			r = add_pubkey(&o->keys, NULL, optarg);
			if (r)
				return r;
			break;
		case OPT_REKOR:
			r = add_pubkey(&o->keys, &o->rekor, optarg);
			if (r)
				return r;
			break;
		case OPT_ANNOTATION:
			r = parse_annotation(o->annotations, optarg);
			if (r)
				return r;
			break;
		case OPT_TLOG:
			r = parse_tlog_upload(optarg);
			if (r)
				return r;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_TYPE:
			o->type = optarg;
			break;
		case OPT_PREDICATE:
			o->predicate = optarg;
			break;
		case OPT_HELP:
			printf("%s%s", help, registry_opts_help);
			return 0;
		default:
			return cli_usage_error("see 'customs %s --help'", verb);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("%s needs one image reference (see 'customs %s --help')",
				       verb, verb);
	if (pubkeys && o->keys.n == 0)
		return cli_usage_error("%s needs --key PUB", verb);
	if (!pubkeys && !o->privkey)
		return cli_usage_error("%s needs --key KEY", verb);
	o->ref = argv[optind];
	registry_options_from(&o->io, &o->ro);
	return -1;
}

/* "pushed signature to HOST/REPO:TAG (DIGEST) for IMAGE" on stderr */
static void report_push(const struct cs_sign_image *img, const char *suffix, const char *what,
			bool added, const char *mdigest)
{
	_cleanup_free_ char *tag = cs_sign_attachment_tag(img, suffix);

	if (cli_quiet)
		return;
	if (added)
		fprintf(stderr, "%s: pushed %s to %s/%s:%s (%s) for %s\n", cli_program, what,
			img->att_domain, img->att_repo, tag ? tag : "?", mdigest, img->digest);
	else
		fprintf(stderr, "%s: identical %s already in %s/%s:%s for %s\n", cli_program, what,
			img->att_domain, img->att_repo, tag ? tag : "?", img->digest);
}

/* ---- customs sign ---- */

static const char sign_help[] =
	"usage: customs sign REF --key KEY [-a KEY=VALUE]... [--tlog-upload=false]\n"
	"                    [registry options]\n"
	"\n"
	"Sign an image in a registry as cosign does (key-based): REF\n"
	"(registry:HOST/REPO:TAG, HOST/REPO:TAG or ...@sha256:...) is resolved to\n"
	"its manifest digest (an index is signed as the index), the simple-signing\n"
	"payload is signed with KEY (a cosign encrypted private key; the password\n"
	"comes from $COSIGN_PASSWORD or a prompt) and pushed as a layer of the\n"
	"manifest tagged sha256-HEX.sig, keeping the signatures already there.\n"
	"\n"
	"  -k, --key KEY          the private key\n"
	"  -a, --annotations K=V  add K=V to the payload's \"optional\" section\n"
	"  --tlog-upload=false    do not upload to a transparency log (the only\n"
	"                         mode: customs signs offline)\n"
	"\n";

int cmd_sign(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_IMAGE_LONGOPTS,
		{ "key", required_argument, NULL, OPT_KEY },
		{ "annotations", required_argument, NULL, OPT_ANNOTATION },
		{ "tlog-upload", optional_argument, NULL, OPT_TLOG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct verb_opts o;
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_privkey_freep) struct cs_privkey *key = NULL;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	_cleanup_buf_ struct cs_buf payload = CS_BUF_INIT(CS_COSIGN_PAYLOAD_MAX);
	_cleanup_free_ char *optional = NULL, *b64sig = NULL;
	char mdigest[CS_DIGEST_STR_MAX];
	json_t *lann = NULL;
	bool added = false;
	int r, status;

	status = verb_opts_parse(&o, argc, argv, longopts, false, "sign", sign_help);
	if (status >= 0)
		goto out;
	status = 0;
	r = load_privkey(o.privkey, &key, &err);
	if (r >= 0)
		r = cs_sign_image_resolve(o.ref, sig_repository(), &o.ro, true, &img, &err);
	if (r >= 0 && json_object_size(o.annotations)) {
		/* Go's encoding/json writes map keys sorted: so do we */
		optional = json_dumps(o.annotations, JSON_COMPACT | JSON_SORT_KEYS);
		if (!optional)
			r = cs_error_set(&err, -ENOMEM, "out of memory");
	}
	if (r >= 0)
		r = cs_simple_signing_payload(img->identity, img->digest, optional, &payload, &err);
	if (r >= 0)
		r = cs_cosign_sign_payload(key, payload.data, payload.len, &b64sig, &err);
	if (r >= 0) {
		lann = json_pack("{s:s}", CS_COSIGN_SIGNATURE_ANNOTATION, b64sig);
		if (!lann)
			r = cs_error_set(&err, -ENOMEM, "out of memory");
	}
	if (r >= 0)
		r = cs_sign_layers_append(img, CS_SIGN_TAG_SIG, payload.data, payload.len,
					  CS_COSIGN_SIMPLESIGNING_TYPE, lann, &added, mdigest,
					  &err);
	if (r < 0)
		status = cli_fail(&err);
	else
		report_push(img, CS_SIGN_TAG_SIG, "signature", added, mdigest);
out:
	json_decref(lann);
	verb_opts_done(&o);
	return status;
}

/* ---- customs verify REF (registry) ---- */

/* options of customs verify that take a value (sign.c's and ours) */
static bool verify_opt_takes_value(const char *a)
{
	static const char *const with_value[] = {
		"--key",
		"--rekor-key",
		"--signature",
		"--output",
		"-o",
		"--ca-cert",
		"--creds",
		"--authfile",
		"--retries",
		"--tls-verify",
		"--platform",
		"--engine",
		"--max-file-size",
		"--max-layer-size",
		"--max-total-size",
		"--max-entries",
		"--max-ratio",
		"--tmpdir",
	};

	if (strchr(a, '='))
		return false;
	for (size_t i = 0; i < CS_ARRAY_SIZE(with_value); i++)
		if (!strcmp(a, with_value[i]))
			return true;
	return false;
}

bool cli_verify_is_registry(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return i + 1 < argc && strncmp(argv[i + 1], "dir:", 4) != 0;
		if (a[0] == '-' && a[1]) {
			if (verify_opt_takes_value(a))
				i++;
			continue;
		}
		return strncmp(a, "dir:", 4) != 0;
	}
	return false;
}

static const char verify_registry_help[] =
	"usage: customs verify REF --key PUB [--key PUB]... [--rekor-key PUB] [-o FILE]\n"
	"                      [registry options]\n"
	"\n"
	"Verify the cosign signatures of an image in a registry: REF is resolved\n"
	"to its manifest digest, the manifest tagged sha256-HEX.sig is read and\n"
	"every layer (the payload blob against its digest, the signature with the\n"
	"keys, the payload's image digest) is checked. Each verified payload is\n"
	"printed as one JSON line; each failure is a line on stderr.\n"
	"When the image has no sha256-HEX.sig, the Sigstore bundles (v0.3) among its\n"
	"OCI 1.1 referrers are verified instead (docs/SIGNING.md).\n"
	"(customs verify dir:DIR verifies a containers/image dir: layout offline.)\n"
	"\n"
	"  --key PUB            a cosign public key (PEM); any of them may verify\n"
	"  --rekor-key PUB      require a Rekor bundle verified with this key\n"
	"  -o, --output FILE    write the verified payloads to FILE\n"
	"\n";

/* The layers that could be read, as signatures for cli_verify_signatures. */
static int layers_to_sigs(const struct cs_sign_layers *layers, struct cs_cosign_sig **ret,
			  size_t *ret_n)
{
	struct cs_cosign_sig *sigs = cs_new0(struct cs_cosign_sig, layers->n + 1);
	size_t n = 0;

	if (!sigs)
		return -ENOMEM;
	for (size_t i = 0; i < layers->n; i++) {
		const struct cs_sign_layer *x = &layers->v[i];
		struct cs_cosign_sig *s = &sigs[n];

		if (!x->blob) {
			/* one bad layer must not hide the good ones */
			fprintf(stderr, "%s: warning: %s\n", cli_program, x->blob_err.msg);
			continue;
		}
		n++;
		s->name = cs_asprintf("layer %zu", i);
		s->media_type = cs_strdup(x->media_type);
		s->payload = cs_memdup(x->blob, x->blob_len + 1);
		s->payload_len = x->blob_len;
		s->layer_digest = cs_strdup(x->digest);
		s->signature = x->signature ? cs_strdup(x->signature) : NULL;
		s->bundle = x->bundle ? cs_strdup(x->bundle) : NULL;
		s->bundle_len = x->bundle ? strlen(x->bundle) : 0;
		if (!s->name || !s->media_type || !s->payload || !s->layer_digest ||
		    (x->signature && !s->signature) || (x->bundle && !s->bundle)) {
			cs_cosign_sigs_free(sigs, n);
			return -ENOMEM;
		}
	}
	*ret = sigs;
	*ret_n = n;
	return 0;
}

int cli_verify_registry(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_IMAGE_LONGOPTS,
		{ "key", required_argument, NULL, OPT_KEY },
		{ "rekor-key", required_argument, NULL, OPT_REKOR },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct verb_opts o;
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	struct cs_sign_layers layers = { 0 };
	struct cs_cosign_sig *sigs = NULL;
	size_t nsigs = 0;
	int r, status;

	status = verb_opts_parse(&o, argc, argv, longopts, true, "verify", verify_registry_help);
	if (status >= 0)
		goto out;
	r = cs_sign_image_resolve(o.ref, sig_repository(), &o.ro, false, &img, &err);
	if (r >= 0)
		r = cs_sign_layers_fetch(img, CS_SIGN_TAG_SIG, true, &layers, &err);
	if (r >= 0 && layers_to_sigs(&layers, &sigs, &nsigs) < 0)
		r = cs_error_set(&err, -ENOMEM, "out of memory");
	if (r < 0) {
		status = cli_fail(&err);
		goto out;
	}
	if (layers.n == 0) {
		/* no sha256-HEX.sig: Sigstore bundles among the referrers (verify_bundle.c) */
		status = cli_verify_bundles(img, &o.keys, o.rekor, o.output);
		goto out;
	}
	if (layers.n && nsigs == 0) {
		fprintf(stderr, "%s: no signature of %s could be read\n", cli_program, img->digest);
		status = EXIT_VERIFY_FAILED;
		goto out;
	}
	status = cli_verify_signatures(sigs, nsigs, img->digest, &o.keys, o.rekor, o.output);
out:
	cs_cosign_sigs_free(sigs, nsigs);
	cs_sign_layers_done(&layers);
	verb_opts_done(&o);
	return status;
}

/* ---- customs attest ---- */

static const char attest_help[] =
	"usage: customs attest REF --key KEY --predicate FILE\n"
	"                      [--type cyclonedx|spdx|vuln|custom|URI] [registry options]\n"
	"\n"
	"Attach a signed attestation to an image in a registry as cosign does: an\n"
	"in-toto Statement (subject: the image's name and digest) with FILE as its\n"
	"predicate, in a DSSE envelope signed with KEY, pushed as a layer of the\n"
	"manifest tagged sha256-HEX.att (keeping the attestations already there).\n"
	"Predicates: customs sbom -f cyclonedx|spdx (cyclonedx, spdx), customs\n"
	"scan -f json (vuln: wrapped in cosign's vuln predicate), any text\n"
	"(custom), or a JSON document for a predicate type URI.\n"
	"\n"
	"  -k, --key KEY          the private key\n"
	"  --predicate FILE       the predicate document\n"
	"  --type TYPE            the predicate type (default custom)\n"
	"  --tlog-upload=false    do not upload to a transparency log (the only mode)\n"
	"\n";

static int read_file(const char *path, size_t max, struct cs_buf *out, struct cs_error *err)
{
	struct cs_stream *s = NULL;
	int r;

	cs_buf_init(out, max);
	r = cs_stream_open_file(path, &s, err);
	if (r < 0)
		return r;
	r = cs_stream_read_all(s, out, err);
	cs_stream_free(s);
	if (r < 0)
		return cs_error_prefix(err, "'%s'", path);
	return 0;
}

int cmd_attest(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_IMAGE_LONGOPTS,
		{ "key", required_argument, NULL, OPT_KEY },
		{ "predicate", required_argument, NULL, OPT_PREDICATE },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "tlog-upload", optional_argument, NULL, OPT_TLOG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct verb_opts o;
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_privkey_freep) struct cs_privkey *key = NULL;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	_cleanup_buf_ struct cs_buf pred = CS_BUF_INIT(0);
	_cleanup_buf_ struct cs_buf statement = CS_BUF_INIT(CS_DSSE_ENVELOPE_MAX);
	_cleanup_buf_ struct cs_buf envelope = CS_BUF_INIT(2 * CS_DSSE_ENVELOPE_MAX);
	const char *uri;
	char mdigest[CS_DIGEST_STR_MAX], now[32];
	json_t *predicate = NULL, *lann = NULL;
	bool added = false;
	int r, status;

	status = verb_opts_parse(&o, argc, argv, longopts, false, "attest", attest_help);
	if (status >= 0)
		goto out;
	status = 0;
	if (!o.predicate) {
		status = cli_usage_error("attest needs --predicate FILE");
		goto out;
	}
	/* cosign's default type */
	uri = cs_attest_predicate_type(o.type ? o.type : "custom");
	if (!uri) {
		status = cli_usage_error("--type '%s': not cyclonedx, spdx, vuln, custom or an "
					 "http(s) URI",
					 o.type);
		goto out;
	}
	utc_now(now);
	r = read_file(o.predicate, CS_PREDICATE_FILE_MAX, &pred, &err);
	if (r >= 0) {
		r = cs_attest_predicate_build(uri, pred.data ? pred.data : "", pred.len, now,
					      CUSTOMS_VERSION, &predicate, &err);
		if (r < 0)
			cs_error_prefix(&err, "predicate '%s'", o.predicate);
	}
	if (r >= 0)
		r = load_privkey(o.privkey, &key, &err);
	if (r >= 0)
		r = cs_sign_image_resolve(o.ref, sig_repository(), &o.ro, true, &img, &err);
	if (r >= 0)
		r = cs_intoto_statement_build(img->identity, img->digest, uri, predicate,
					      &statement, &err);
	if (r >= 0)
		r = cs_dsse_sign(key, CS_INTOTO_PAYLOAD_TYPE, statement.data, statement.len,
				 &envelope, &err);
	if (r >= 0) {
		/* cosign leaves the signature annotation empty: the envelope holds it */
		lann = json_pack("{s:s, s:s}", CS_COSIGN_SIGNATURE_ANNOTATION, "",
				 CS_ATTEST_ANNOTATION_TYPE, uri);
		if (!lann)
			r = cs_error_set(&err, -ENOMEM, "out of memory");
	}
	if (r >= 0)
		r = cs_sign_layers_append(img, CS_SIGN_TAG_ATT, envelope.data, envelope.len,
					  CS_DSSE_ENVELOPE_TYPE, lann, &added, mdigest, &err);
	if (r < 0)
		status = cli_fail(&err);
	else
		report_push(img, CS_SIGN_TAG_ATT, "attestation", added, mdigest);
out:
	json_decref(predicate);
	json_decref(lann);
	verb_opts_done(&o);
	return status;
}

/* ---- customs verify-attestation ---- */

static const char verify_att_help[] =
	"usage: customs verify-attestation REF --key PUB [--key PUB]...\n"
	"                      [--type cyclonedx|spdx|vuln|custom|URI] [-o FILE]\n"
	"                      [registry options]\n"
	"\n"
	"Verify the attestations of an image in a registry: every layer of the\n"
	"manifest tagged sha256-HEX.att is a DSSE envelope whose signature (over\n"
	"DSSE's pre-authentication encoding) must verify with one of the keys and\n"
	"whose in-toto statement must name the image's digest as a subject. With\n"
	"--type only attestations of that predicate type count. The predicate of\n"
	"each verified attestation is printed as one JSON line.\n"
	"\n"
	"  --key PUB            a cosign public key (PEM); any of them may verify\n"
	"  --type TYPE          only this predicate type\n"
	"  -o, --output FILE    write the predicates to FILE\n"
	"\n"
	"Exit status: 0 at least one attestation verified, 1 none did, 2 bad\n"
	"input or usage, 3 internal failure.\n";

/* Verify one layer and print its predicate: 1 verified, 0 not (reason printed), <0 on output
 * errors. */
static int verify_att_layer(const struct cs_sign_layer *x, size_t i, const char *image_digest,
			    const struct cs_pubkeys *keys, const char *uri, FILE *f)
{
	struct cs_attestation a = { 0 };
	struct cs_error e2 = CS_ERROR_INIT;
	char *line;
	int r;

	if (!x->blob) {
		fprintf(stderr, "%s: %s\n", cli_program, x->blob_err.msg);
		return 0;
	}
	if (strcmp(x->media_type, CS_DSSE_ENVELOPE_TYPE) != 0) {
		fprintf(stderr, "%s: layer %zu: media type is not %s\n", cli_program, i,
			CS_DSSE_ENVELOPE_TYPE);
		return 0;
	}
	r = cs_attestation_verify(x->blob, x->blob_len, image_digest, keys, uri, &a, &e2);
	if (r == -CS_E_NOTFOUND)
		return 0; /* another predicate type: not asked for, not a failure */
	if (r < 0) {
		fprintf(stderr, "%s: layer %zu: %s\n", cli_program, i, e2.msg);
		return 0;
	}
	line = json_dumps(a.statement.predicate, JSON_COMPACT | JSON_ENCODE_ANY);
	cs_attestation_done(&a);
	r = !line || fputs(line, f) == EOF || fputc('\n', f) == EOF ? -EIO : 1;
	free(line);
	return r;
}

int cmd_verify_attestation(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_IMAGE_LONGOPTS,
		{ "key", required_argument, NULL, OPT_KEY },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct verb_opts o;
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	struct cs_sign_layers layers = { 0 };
	struct cli_output out;
	bool out_open = false;
	const char *uri = NULL;
	size_t ok = 0;
	int r, status;

	status = verb_opts_parse(&o, argc, argv, longopts, true, "verify-attestation",
				 verify_att_help);
	if (status >= 0)
		goto done;
	status = 0;
	if (o.type && !(uri = cs_attest_predicate_type(o.type))) {
		status = cli_usage_error("--type '%s': not cyclonedx, spdx, vuln, custom or an "
					 "http(s) URI",
					 o.type);
		goto done;
	}
	r = cs_sign_image_resolve(o.ref, sig_repository(), &o.ro, false, &img, &err);
	if (r >= 0)
		r = cs_sign_layers_fetch(img, CS_SIGN_TAG_ATT, true, &layers, &err);
	if (r >= 0 && layers.n == 0) {
		/* no sha256-HEX.att: DSSE Sigstore bundles among the referrers (verify_bundle.c) */
		status = cli_verify_bundle_attestations(img, &o.keys, uri, o.output);
		goto done;
	}
	if (r >= 0) {
		r = cli_output_open(&out, o.output, &err);
		out_open = r >= 0;
	}
	if (r < 0) {
		status = cli_fail(&err);
		goto done;
	}
	if (layers.n == 0)
		fprintf(stderr, "%s: no attestations found for %s\n", cli_program, img->digest);
	for (size_t i = 0; i < layers.n; i++) {
		r = verify_att_layer(&layers.v[i], i, img->digest, &o.keys, uri, out.f);
		if (r < 0) {
			cs_error_errno(&err, r, "cannot write the output");
			status = cli_fail(&err);
			goto done;
		}
		ok += (size_t)r;
	}
	if (ok == 0) {
		fprintf(stderr, "%s: no attestation%s%s of %s verified\n", cli_program,
			uri ? " of type " : "", uri ? uri : "", img->digest);
		status = EXIT_VERIFY_FAILED;
		goto done;
	}
	r = cli_output_commit(&out, &err);
	out_open = false;
	if (r < 0) {
		status = cli_fail(&err);
		goto done;
	}
	if (!cli_quiet)
		fprintf(stderr, "%s: %zu of %zu attestations verified for %s\n", cli_program, ok,
			layers.n, img->digest);
done:
	if (out_open)
		cli_output_abort(&out);
	cs_sign_layers_done(&layers);
	verb_opts_done(&o);
	return status;
}

/* ---- customs tree ---- */

static const char tree_help[] =
	"usage: customs tree REF [-f table|json] [-o FILE] [registry options]\n"
	"\n"
	"Show what is attached to an image in a registry: the signatures,\n"
	"attestations and SBOMs cosign stores under the tags sha256-HEX.sig,\n"
	".att and .sbom (found with one tags list of the repository that holds\n"
	"them), and the OCI 1.1 referrers of the image (the referrers API, else\n"
	"its sha256-HEX fallback tag). Nothing is verified: see customs verify.\n"
	"\n"
	"  -f, --format FORMAT  table (default) or json\n"
	"  -o, --output FILE    write to FILE\n"
	"\n";

#define TREE_TAGS_MAX  100000
#define TREE_TAGS_PAGE 100
#define TREE_KINDS     3

static const char *const tree_kinds[TREE_KINDS][2] = {
	{ "sig", "signatures" },
	{ "att", "attestations" },
	{ "sbom", "sboms" },
};

struct tree {
	char *tag[TREE_KINDS];
	struct cs_sign_layers layers[TREE_KINDS];
	struct cs_sign_referrers referrers;
};

static void tree_done(struct tree *t)
{
	for (size_t k = 0; k < TREE_KINDS; k++) {
		free(t->tag[k]);
		cs_sign_layers_done(&t->layers[k]);
	}
	cs_sign_referrers_done(&t->referrers);
}

static int tree_collect(struct cs_sign_image *img, struct tree *t, struct cs_error *err)
{
	char **tags = NULL;
	size_t n = 0;
	int r;

	r = cs_registry_list_tags(img->areg, TREE_TAGS_PAGE, TREE_TAGS_MAX, &tags, &n, err);
	if (r < 0)
		return r;
	for (size_t k = 0; k < TREE_KINDS && r >= 0; k++) {
		t->tag[k] = cs_sign_attachment_tag(img, tree_kinds[k][0]);
		if (!t->tag[k]) {
			r = -ENOMEM;
			break;
		}
		for (size_t i = 0; i < n && r >= 0; i++)
			if (!strcmp(tags[i], t->tag[k]))
				r = cs_sign_layers_fetch(img, tree_kinds[k][0], false,
							 &t->layers[k], err);
	}
	cs_registry_tags_free(tags, n);
	if (r >= 0)
		r = cs_sign_referrers_fetch(img, &t->referrers, err);
	return r;
}

static void tree_write_json(const struct cs_sign_image *img, const struct tree *t,
			    struct cs_json *j)
{
	cs_json_begin_object(j);
	cs_json_kv_string(j, "image", img->identity);
	cs_json_kv_string(j, "digest", img->digest);
	cs_json_kv_string(j, "attachmentRepository", img->att_repo);
	for (size_t k = 0; k < TREE_KINDS; k++) {
		const struct cs_sign_layers *l = &t->layers[k];

		cs_json_key(j, tree_kinds[k][1]);
		if (!l->manifest_digest[0]) {
			cs_json_null(j);
			continue;
		}
		cs_json_begin_object(j);
		cs_json_kv_string(j, "tag", t->tag[k]);
		cs_json_kv_string(j, "manifestDigest", l->manifest_digest);
		cs_json_key(j, "layers");
		cs_json_begin_array(j);
		for (size_t i = 0; i < l->n; i++) {
			cs_json_begin_object(j);
			cs_json_kv_string(j, "digest", l->v[i].digest);
			cs_json_kv_string(j, "mediaType", l->v[i].media_type);
			cs_json_kv_int(j, "size", l->v[i].size);
			if (l->v[i].predicate_type)
				cs_json_kv_string(j, "predicateType", l->v[i].predicate_type);
			cs_json_end_object(j);
		}
		cs_json_end_array(j);
		cs_json_end_object(j);
	}
	cs_json_key(j, "referrers");
	cs_json_begin_object(j);
	cs_json_kv_string(j, "source", t->referrers.api ? "api" : "tag");
	cs_json_key(j, "manifests");
	cs_json_begin_array(j);
	for (size_t i = 0; i < t->referrers.n; i++) {
		const struct cs_sign_referrer *x = &t->referrers.v[i];

		cs_json_begin_object(j);
		cs_json_kv_string(j, "digest", x->digest);
		cs_json_kv_string(j, "mediaType", x->media_type);
		cs_json_kv_string(j, "artifactType", x->artifact_type);
		cs_json_kv_int(j, "size", x->size);
		cs_json_end_object(j);
	}
	cs_json_end_array(j);
	cs_json_end_object(j);
	cs_json_end_object(j);
}

static void tree_write_text(const struct cs_sign_image *img, const struct tree *t, FILE *f)
{
	/* registry text reaches a terminal: sanitise it */
	_cleanup_free_ char *id = cs_term_sanitize(img->identity);

	fprintf(f, "%s@%s\n", id ? id : "?", img->digest);
	for (size_t k = 0; k < TREE_KINDS; k++) {
		const struct cs_sign_layers *l = &t->layers[k];

		if (!l->manifest_digest[0])
			continue;
		fprintf(f, "%s (%s/%s:%s)\n", tree_kinds[k][1], img->att_domain, img->att_repo,
			t->tag[k]);
		for (size_t i = 0; i < l->n; i++) {
			_cleanup_free_ char *mt = cs_term_sanitize(l->v[i].media_type);
			_cleanup_free_ char *pt = cs_term_sanitize(
				l->v[i].predicate_type ? l->v[i].predicate_type : "");

			fprintf(f, "  %s %s%s%s\n", l->v[i].digest, mt ? mt : "?",
				pt && *pt ? " " : "", pt ? pt : "");
		}
	}
	if (t->referrers.n)
		fprintf(f, "referrers (%s)\n", t->referrers.api ? "referrers API" : "fallback tag");
	for (size_t i = 0; i < t->referrers.n; i++) {
		const struct cs_sign_referrer *x = &t->referrers.v[i];
		_cleanup_free_ char *at =
			cs_term_sanitize(x->artifact_type ? x->artifact_type : x->media_type);

		fprintf(f, "  %s %s\n", x->digest, at ? at : "?");
	}
}

int cmd_tree(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_IMAGE_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "table", "json", NULL };
	struct cli_image_opts io;
	struct cs_registry_options ro;
	struct cs_error err = CS_ERROR_INIT;
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *img = NULL;
	struct tree t = { 0 };
	struct cli_output out;
	enum cli_format format = CLI_FORMAT_TABLE;
	const char *output = NULL;
	int c, r, status = 0;

	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		r = cli_image_opts_parse(&io, c, optarg);
		if (r < 0) {
			status = -r;
			goto done;
		}
		if (r > 0)
			continue;
		switch (c) {
		case 'f':
			if (cli_parse_format(optarg, formats, &format) < 0) {
				status = cli_usage_error("unknown format '%s' (table, json)",
							 optarg);
				goto done;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			printf("%s%s", tree_help, registry_opts_help);
			goto done;
		default:
			status = cli_usage_error("see 'customs tree --help'");
			goto done;
		}
	}
	if (optind + 1 != argc) {
		status = cli_usage_error(
			"tree needs one image reference (see 'customs tree --help')");
		goto done;
	}
	registry_options_from(&io, &ro);
	r = cs_sign_image_resolve(argv[optind], sig_repository(), &ro, false, &img, &err);
	if (r >= 0)
		r = tree_collect(img, &t, &err);
	if (r >= 0)
		r = cli_output_open(&out, output, &err);
	if (r < 0) {
		status = cli_fail(&err);
		goto done;
	}
	if (format == CLI_FORMAT_JSON) {
		struct cs_json *j = NULL;

		r = cs_json_new_file(out.f, CS_JSON_PRETTY, &j);
		if (r >= 0) {
			tree_write_json(img, &t, j);
			r = cs_json_finish(j);
			fputc('\n', out.f);
		}
		cs_json_free(j);
	} else {
		tree_write_text(img, &t, out.f);
	}
	if (r < 0) {
		cli_output_abort(&out);
		cs_error_errno(&err, r, "cannot write the output");
		status = cli_fail(&err);
		goto done;
	}
	if (cli_output_commit(&out, &err) < 0)
		status = cli_fail(&err);
done:
	tree_done(&t);
	cli_image_opts_done(&io);
	return status;
}
