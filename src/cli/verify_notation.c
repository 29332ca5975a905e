/* SPDX-License-Identifier: Apache-2.0 */
/*
 * customs verify REF --trust-store CERTS [--signature ENVELOPE.jws]...:
 * Notary Project (Notation) signatures of an image, verified against an
 * X.509 trust store. Envelopes come from --signature files, or from the
 * registry: the image's referrers with the Notary signature artifact type
 * (the OCI 1.1 referrers API, else the sha256-<hex> referrers tag).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include <jansson.h>
#include "basic/log.h"
#include "cli/cli.h"
#include "image/image.h"
#include "image/manifest.h"
#include "registry/registry.h"
#include "sign/notation.h"
#include "sign/remote.h"

#define TRUST_STORES_MAX 64
#define SIGNATURES_MAX	 64
/* a Notation signature manifest is a few hundred bytes */
#define SIG_MANIFEST_MAX (1u << 20)

static const char verify_notation_help[] =
	"usage: customs verify REF --trust-store CERTS [options]\n"
	"\n"
	"Verify the Notary Project (Notation) signatures of an image against an X.509\n"
	"trust store. Prints one JSON line per verified signature; exit status 0 when\n"
	"at least one verified, 1 when none did, 2 for bad input.\n"
	"\n"
	"  --trust-store PATH      PEM certificates (a file, or a directory of *.pem/*.crt);\n"
	"                          repeatable\n"
	"  --identity SUBJECT      the signing certificate's subject must be this\n"
	"                          (RFC 2253: CN=name,O=org)\n"
	"  --signature FILE        a JWS envelope (application/jose+json) to verify;\n"
	"                          repeatable. Without it, the image's referrers of type\n"
	"                          application/vnd.cncf.notary.signature are fetched\n"
	"  -o, --output FILE       write the verified payloads to FILE\n";

bool cli_verify_is_notation(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--trust-store") || !strncmp(argv[i], "--trust-store=", 14))
			return true;
	}
	return false;
}

static int read_file(const char *path, struct cs_buf *b, struct cs_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return cs_error_errno(err, errno, "cannot open signature '%s'", path);
	cs_buf_reset(b);
	for (;;) {
		char chunk[65536];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0) {
			r = cs_error_errno(err, errno, "cannot read signature '%s'", path);
			break;
		}
		if (n == 0) {
			r = 0;
			break;
		}
		r = cs_buf_append(b, chunk, (size_t)n);
		if (r < 0) {
			r = r == -CS_E_LIMIT
				    ? cs_error_set(err, r, "signature '%s': larger than %u bytes",
						   path, CS_NOTATION_ENVELOPE_MAX)
				    : cs_error_errno(err, r, "signature '%s'", path);
			break;
		}
	}
	close(fd);
	return r;
}

static int set_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, v ? json_string(v) : json_null());
}

/* One JSON line: what was verified, and the signed payload as it is. */
static int print_verified(FILE *f, const char *source, const struct cs_notation_verified *v)
{
	json_t *o = json_object();
	json_t *payload = json_loads(v->payload, JSON_REJECT_DUPLICATES, NULL);
	int r = o && payload ? 0 : -ENOMEM;

	if (r == 0)
		r = set_str(o, "type", "notation") | set_str(o, "source", source) |
		    set_str(o, "digest", v->target_digest) |
		    set_str(o, "mediaType", v->target_media_type) |
		    set_str(o, "signingScheme", v->scheme) | set_str(o, "alg", v->alg) |
		    set_str(o, "subject", v->subject) | set_str(o, "issuer", v->issuer) |
		    set_str(o, "signingTime", v->signing_time) | set_str(o, "expiry", v->expiry) |
		    json_object_set(o, "payload", payload);
	if (r == 0 && (json_dumpf(o, f, JSON_COMPACT) < 0 || fputc('\n', f) == EOF))
		r = -EIO;
	json_decref(payload);
	json_decref(o);
	return r < 0 ? r : 0;
}

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

/*
 * The JWS envelope of one Notation signature manifest (a referrer of the
 * image): an OCI image manifest whose artifactType (or config media type)
 * is the Notary signature type, whose subject is the image, with one
 * application/jose+json layer. The blob (bounded, digest-checked) goes to
 * env. A manifest that is not a Notation signature is 1 (skipped).
 */
static int fetch_envelope(struct cs_sign_image *simg, const struct cs_sign_referrer *x,
			  struct cs_buf *env, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf body = CS_BUF_INIT(SIG_MANIFEST_MAX);
	json_t *m = NULL, *layers, *subject, *layer = NULL, *d;
	const char *at, *sd, *lmt, *ldigest;
	json_int_t lsize;
	size_t i;
	int r;

	r = cs_registry_get_manifest(simg->reg, x->digest, &body, NULL, NULL, err);
	if (r < 0)
		return r;
	m = json_loadb(body.data ? body.data : "", body.len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(m)) {
		r = cs_error_set(err, -CS_E_INPUT, "signature manifest %s: not a JSON object",
				 x->digest);
		goto out;
	}
	at = json_string_value(json_object_get(m, "artifactType"));
	if (!at)
		at = json_string_value(json_object_get(json_object_get(m, "config"), "mediaType"));
	if (!at || strcmp(at, CS_NOTATION_ARTIFACT_TYPE) != 0) {
		r = 1;
		goto out;
	}
	subject = json_object_get(m, "subject");
	sd = json_string_value(json_object_get(subject, "digest"));
	if (!sd || strcmp(sd, simg->digest) != 0) {
		r = cs_error_set(err, -CS_E_AUTH,
				 "signature manifest %s: its subject is %s, not the image %s",
				 x->digest, sd ? sd : "missing", simg->digest);
		goto out;
	}
	layers = json_object_get(m, "layers");
	if (!json_is_array(layers) || json_array_size(layers) != 1) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "signature manifest %s: a Notation signature has exactly one "
				 "layer",
				 x->digest);
		goto out;
	}
	json_array_foreach (layers, i, d)
		layer = d;
	lmt = json_string_value(json_object_get(layer, "mediaType"));
	ldigest = json_string_value(json_object_get(layer, "digest"));
	lsize = json_is_integer(json_object_get(layer, "size"))
			? json_integer_value(json_object_get(layer, "size"))
			: -1;
	if (!lmt || !ldigest || lsize < 0) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "signature manifest %s: the layer has no mediaType, digest or "
				 "size",
				 x->digest);
		goto out;
	}
	if (strcmp(lmt, CS_NOTATION_MEDIA_TYPE) != 0) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "signature manifest %s: envelope type '%s' is not supported "
				 "(only %s)",
				 x->digest, lmt, CS_NOTATION_MEDIA_TYPE);
		goto out;
	}
	if (lsize > (json_int_t)CS_NOTATION_ENVELOPE_MAX) {
		r = cs_error_set(err, -CS_E_LIMIT,
				 "signature manifest %s: envelope larger than %u bytes", x->digest,
				 CS_NOTATION_ENVELOPE_MAX);
		goto out;
	}
	cs_buf_reset(env);
	r = cs_registry_get_blob(simg->reg, ldigest, lsize, env, err);
	if (r < 0)
		cs_error_prefix(err, "signature manifest %s", x->digest);
out:
	json_decref(m);
	return r;
}

/*
 * The image's Notation signatures from its referrers (the API, else the
 * sha256-HEX tag), each verified; prints the verified ones. Returns how
 * many verified, or <0 with err set for errors that are not one
 * signature's (the reference, the registry, the referrers index).
 */
static int verify_referrers(const char *ref, const struct cli_image_opts *io,
			    const struct cs_notation_trust *trust, struct cs_notation_options *no,
			    struct cli_output *out, struct cs_error *err)
{
	_cleanup_(cs_sign_image_freep) struct cs_sign_image *simg = NULL;
	struct cs_buf env = CS_BUF_INIT(CS_NOTATION_ENVELOPE_MAX);
	struct cs_sign_referrers refs = { 0 };
	struct cs_registry_options ro;
	size_t found = 0;
	int r, verified = 0;

	registry_options_from(io, &ro);
	r = cs_sign_image_resolve(ref, NULL, &ro, false, &simg, err);
	if (r < 0)
		return r;
	no->media_type = simg->media_type;
	r = cs_sign_referrers_fetch(simg, &refs, err);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < refs.n; i++) {
		const struct cs_sign_referrer *x = &refs.v[i];
		struct cs_notation_verified v = { 0 };
		struct cs_error e = CS_ERROR_INIT;
		_cleanup_free_ char *source = NULL;

		if (x->artifact_type && strcmp(x->artifact_type, CS_NOTATION_ARTIFACT_TYPE) != 0)
			continue;
		r = fetch_envelope(simg, x, &env, &e);
		if (r == 1)
			continue;
		found++;
		if (r >= 0)
			r = cs_notation_verify(env.data ? env.data : "", env.len, simg->digest,
					       trust, no, &v, &e);
		if (r == -ENOMEM) {
			*err = e;
			goto out;
		}
		if (r < 0) {
			cs_log_error("%s: signature %s: %s", ref, x->digest, e.msg);
			continue;
		}
		source = cs_asprintf("%s@%s", ref, x->digest);
		r = source ? print_verified(out->f, source, &v) : -ENOMEM;
		cs_notation_verified_done(&v);
		if (r < 0) {
			r = cs_error_set(err, -CS_E_INTERNAL, "cannot write the result");
			goto out;
		}
		verified++;
	}
	if (found == 0)
		cs_log_error("%s: no Notation signature among the %zu referrers of %s (%s)", ref,
			     refs.n, simg->digest,
			     refs.api ? "referrers API" : "sha256-<hex> fallback tag");
	r = verified;
out:
	cs_sign_referrers_done(&refs);
	cs_buf_done(&env);
	return r;
}

int cli_verify_notation(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_IMAGE_LONGOPTS,
		{ "trust-store", required_argument, NULL, 't' },
		{ "identity", required_argument, NULL, 'i' },
		{ "signature", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *stores[TRUST_STORES_MAX], *sigs[SIGNATURES_MAX], *output = NULL, *ref;
	_cleanup_(cs_notation_trust_freep) struct cs_notation_trust *trust = NULL;
	_cleanup_(cs_image_freep) struct cs_image *img = NULL;
	struct cs_buf env = CS_BUF_INIT(CS_NOTATION_ENVELOPE_MAX);
	struct cs_notation_options no = { .size = -1 };
	struct cli_output out = { 0 };
	struct cs_error err = CS_ERROR_INIT;
	struct cli_image_opts io;
	size_t n_stores = 0, n_sigs = 0, verified = 0;
	int c, r;

	cli_image_opts_init(&io);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (n_stores == TRUST_STORES_MAX) {
				r = cli_usage_error("more than %d --trust-store", TRUST_STORES_MAX);
				goto done;
			}
			stores[n_stores++] = optarg;
			break;
		case 'i':
			no.identity = optarg;
			break;
		case 's':
			if (n_sigs == SIGNATURES_MAX) {
				r = cli_usage_error("more than %d --signature", SIGNATURES_MAX);
				goto done;
			}
			sigs[n_sigs++] = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			printf("%s%s", verify_notation_help, cli_image_opts_help);
			r = 0;
			goto done;
		default:
			r = cli_image_opts_default(&io, c, optarg, "verify");
			if (r)
				goto done;
		}
	}
	if (optind + 1 != argc) {
		r = cli_usage_error("verify takes one image reference (see --help)");
		goto done;
	}
	ref = argv[optind];
	r = cs_notation_trust_load(stores, n_stores, &trust, &err);
	if (r >= 0 && n_sigs == 0) {
		/* the registry's referrers of the image */
		r = cli_output_open(&out, output, &err);
		if (r >= 0)
			r = verify_referrers(ref, &io, trust, &no, &out, &err);
		if (r < 0) {
			cli_output_abort(&out);
			r = cli_fail(&err);
			goto done;
		}
		verified = (size_t)r;
		goto commit;
	}
	if (r >= 0)
		r = cs_image_open(ref, &io.image, &img, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	no.media_type = cs_image_manifest_media_type(img);
	r = cli_output_open(&out, output, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	for (size_t i = 0; i < n_sigs; i++) {
		struct cs_notation_verified v = { 0 };

		r = read_file(sigs[i], &env, &err);
		if (r < 0) {
			cli_output_abort(&out);
			r = cli_fail(&err);
			goto done;
		}
		r = cs_notation_verify(env.data ? env.data : "", env.len,
				       cs_image_manifest_digest(img), trust, &no, &v, &err);
		if (r == -ENOMEM) {
			cli_output_abort(&out);
			r = cli_fail(&err);
			goto done;
		}
		if (r < 0) {
			cs_log_error("%s: %s", sigs[i], err.msg);
			cs_error_clear(&err);
			continue;
		}
		r = print_verified(out.f, sigs[i], &v);
		cs_notation_verified_done(&v);
		if (r < 0) {
			cli_output_abort(&out);
			r = EXIT_INTERNAL;
			goto done;
		}
		verified++;
	}
commit:
	r = cli_output_commit(&out, &err);
	if (r < 0) {
		r = cli_fail(&err);
		goto done;
	}
	/* each envelope that failed said why on stderr */
	r = verified ? 0 : 1;
done:
	cs_buf_done(&env);
	cli_image_opts_done(&io);
	return r;
}
