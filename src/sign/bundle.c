/* SPDX-License-Identifier: Apache-2.0 */
/* Sigstore bundles (v0.1 to v0.3), key-based and offline: see bundle.h. */
#include "sign/bundle.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/hash.h"
#include "sign/cosign.h"

#define HINT_MAX      1024
#define CERT_MAX      (64u << 10)
#define KIND_MAX      64
#define LOG_ID_MAX    64
#define SIG_MAX	      (16u << 10)
#define BODY_MAX      (1u << 20)
#define BODY_SIGS_MAX 16

static int bad(struct cs_error *err, const char *what)
{
	return cs_error_set(err, -CS_E_INPUT, "sigstore bundle: %s", what);
}

static void to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* protobuf JSON int64: a decimal string (or a JSON integer), >= 0 */
static int get_int64(json_t *v, int64_t *ret)
{
	const char *s;
	int64_t x = 0;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -1;
		*ret = json_integer_value(v);
		return 0;
	}
	s = json_string_value(v);
	if (!s || !*s || strlen(s) > 18)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = x * 10 + (*s - '0');
	}
	*ret = x;
	return 0;
}

/* a base64 string member (standard, padded) decoded into a new buffer */
static int get_b64(json_t *v, size_t max, const char *what, unsigned char **ret, size_t *ret_len,
		   struct cs_error *err)
{
	const char *s = json_string_value(v);
	int r;

	if (!s)
		return cs_error_set(err, -CS_E_INPUT, "sigstore bundle: %s is not a string", what);
	r = cs_sign_b64_decode(s, json_string_length(v), false, max, what, ret, ret_len, err);
	if (r < 0)
		return cs_error_prefix(err, "sigstore bundle");
	return 0;
}

void cs_sigstore_bundle_done(struct cs_sigstore_bundle *b)
{
	free(b->media_type);
	free(b->key_hint);
	free(b->cert);
	for (size_t i = 0; i < b->n_tlog; i++) {
		free(b->tlog[i].kind);
		free(b->tlog[i].log_id);
		free(b->tlog[i].body);
		free(b->tlog[i].set);
	}
	free(b->tlog);
	free(b->dsse);
	free(b->msg_sig);
	*b = (struct cs_sigstore_bundle){ 0 };
}

static int parse_tlog_entry(json_t *e, struct cs_bundle_tlog_entry *t, struct cs_error *err)
{
	json_t *kv = json_object_get(e, "kindVersion"),
	       *body = json_object_get(e, "canonicalizedBody");
	json_t *ip = json_object_get(e, "inclusionPromise");
	const char *kind = json_string_value(json_object_get(kv, "kind"));
	unsigned char *id = NULL;
	size_t id_len = 0;
	int r;

	if (!json_is_object(e))
		return bad(err, "a tlogEntries entry is not an object");
	if (get_int64(json_object_get(e, "logIndex"), &t->log_index) < 0)
		return bad(err, "a tlog entry has no valid logIndex");
	if (get_int64(json_object_get(e, "integratedTime"), &t->integrated_time) < 0)
		return bad(err, "a tlog entry has no valid integratedTime");
	if (kind && strlen(kind) > KIND_MAX)
		return bad(err, "a tlog entry's kind is too long");
	t->kind = cs_strdup(kind ? kind : "");
	if (!t->kind)
		return -ENOMEM;
	r = get_b64(json_object_get(json_object_get(e, "logId"), "keyId"), LOG_ID_MAX,
		    "tlog entry logId.keyId", &id, &id_len, err);
	if (r < 0)
		return r;
	t->log_id = malloc(2 * id_len + 1);
	if (!t->log_id) {
		free(id);
		return -ENOMEM;
	}
	to_hex(id, id_len, t->log_id);
	free(id);
	if (body) {
		const char *s = json_string_value(body);

		if (!s || json_string_length(body) > BODY_MAX ||
		    strspn(s,
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") !=
			    json_string_length(body))
			return bad(err,
				   "a tlog entry's canonicalizedBody is not base64 (or too long)");
		t->body = cs_strdup(s);
		if (!t->body)
			return -ENOMEM;
	}
	if (ip) {
		r = get_b64(json_object_get(ip, "signedEntryTimestamp"), SIG_MAX,
			    "inclusionPromise.signedEntryTimestamp", &t->set, &t->set_len, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cs_sigstore_bundle_parse(const void *data, size_t n, struct cs_sigstore_bundle *ret,
			     struct cs_error *err)
{
	struct cs_sigstore_bundle b = { 0 };
	json_t *root = NULL, *vm, *pk, *tl, *dsse, *ms, *v;
	json_error_t je;
	const char *mt, *hint;
	size_t i;
	int r;

	if (n > CS_SIGSTORE_BUNDLE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "sigstore bundle: larger than %u bytes",
				    CS_SIGSTORE_BUNDLE_MAX);
	root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(root)) {
		r = root ? bad(err, "not a JSON object")
			 : cs_error_set(err, -CS_E_INPUT, "sigstore bundle: not JSON: %s", je.text);
		goto out;
	}
	mt = json_string_value(json_object_get(root, "mediaType"));
	if (!mt) {
		r = bad(err, "no mediaType");
		goto out;
	}
	if (strcmp(mt, CS_SIGSTORE_BUNDLE_V03) && strcmp(mt, CS_SIGSTORE_BUNDLE_V03_ALT) &&
	    strcmp(mt, CS_SIGSTORE_BUNDLE_V02) && strcmp(mt, CS_SIGSTORE_BUNDLE_V01)) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "sigstore bundle: media type '%.100s' is not supported", mt);
		goto out;
	}
	b.media_type = cs_strdup(mt);
	if (!b.media_type) {
		r = -ENOMEM;
		goto out;
	}
	vm = json_object_get(root, "verificationMaterial");
	if (!json_is_object(vm)) {
		r = bad(err, "no verificationMaterial");
		goto out;
	}
	pk = json_object_get(vm, "publicKey");
	if (json_is_object(pk)) {
		hint = json_string_value(json_object_get(pk, "hint"));
		if (hint && strlen(hint) > HINT_MAX) {
			r = bad(err, "publicKey.hint is too long");
			goto out;
		}
		b.material = CS_BUNDLE_PUBLIC_KEY;
		b.key_hint = cs_strdup(hint ? hint : "");
		if (!b.key_hint) {
			r = -ENOMEM;
			goto out;
		}
	} else if (json_is_object(json_object_get(vm, "certificate")) ||
		   json_is_object(json_object_get(vm, "x509CertificateChain"))) {
		json_t *c = json_object_get(vm, "certificate");

		if (!c) /* the chain's first certificate is the leaf */
			c = json_array_get(
				json_object_get(json_object_get(vm, "x509CertificateChain"),
						"certificates"),
				0);
		b.material = CS_BUNDLE_CERTIFICATE;
		r = get_b64(json_object_get(c, "rawBytes"), CERT_MAX, "certificate rawBytes",
			    &b.cert, &b.cert_len, err);
		if (r < 0)
			goto out;
	} else {
		r = bad(err, "verificationMaterial has no publicKey, certificate or "
			     "x509CertificateChain");
		goto out;
	}
	tl = json_object_get(vm, "tlogEntries");
	if (tl && !json_is_array(tl)) {
		r = bad(err, "tlogEntries is not an array");
		goto out;
	}
	if (json_array_size(tl) > CS_SIGSTORE_TLOG_ENTRIES_MAX) {
		r = cs_error_set(err, -CS_E_LIMIT, "sigstore bundle: more than %d tlog entries",
				 CS_SIGSTORE_TLOG_ENTRIES_MAX);
		goto out;
	}
	if (json_array_size(tl)) {
		b.tlog = cs_new0(struct cs_bundle_tlog_entry, json_array_size(tl));
		if (!b.tlog) {
			r = -ENOMEM;
			goto out;
		}
	}
	json_array_foreach (tl, i, v) {
		b.n_tlog++;
		r = parse_tlog_entry(v, &b.tlog[i], err);
		if (r < 0)
			goto out;
	}
	dsse = json_object_get(root, "dsseEnvelope");
	ms = json_object_get(root, "messageSignature");
	if (!!dsse == !!ms) {
		r = bad(err,
			"the content must be exactly one of dsseEnvelope and messageSignature");
		goto out;
	}
	if (dsse) {
		if (!json_is_object(dsse)) {
			r = bad(err, "dsseEnvelope is not an object");
			goto out;
		}
		b.dsse = json_dumps(dsse, JSON_COMPACT);
		if (!b.dsse) {
			r = -ENOMEM;
			goto out;
		}
		b.dsse_len = strlen(b.dsse);
	} else {
		json_t *md = json_object_get(ms, "messageDigest");
		const char *alg = json_string_value(json_object_get(md, "algorithm"));
		unsigned char *dg = NULL;
		size_t dg_len = 0;

		if (!json_is_object(ms) || !json_is_object(md)) {
			r = bad(err, "messageSignature has no messageDigest");
			goto out;
		}
		if (!alg || strcmp(alg, "SHA2_256") != 0) {
			r = cs_error_set(err, -CS_E_UNSUPPORTED,
					 "sigstore bundle: message digest algorithm '%.40s' is not "
					 "supported (only SHA2_256)",
					 alg ? alg : "");
			goto out;
		}
		r = get_b64(json_object_get(md, "digest"), 64, "messageDigest.digest", &dg, &dg_len,
			    err);
		if (r < 0)
			goto out;
		if (dg_len != 32) {
			free(dg);
			r = bad(err, "messageDigest.digest is not 32 bytes");
			goto out;
		}
		memcpy(b.msg_digest, dg, 32);
		free(dg);
		r = get_b64(json_object_get(ms, "signature"), SIG_MAX, "messageSignature.signature",
			    &b.msg_sig, &b.msg_sig_len, err);
		if (r < 0)
			goto out;
	}
	*ret = b;
	b = (struct cs_sigstore_bundle){ 0 };
	r = 0;
out:
	if (r == -ENOMEM)
		cs_error_set(err, r, "out of memory");
	cs_sigstore_bundle_done(&b);
	json_decref(root);
	return r;
}

void cs_bundle_verified_done(struct cs_bundle_verified *v)
{
	free(v->media_type);
	free(v->predicate_type);
	json_decref(v->predicate);
	*v = (struct cs_bundle_verified){ 0 };
}

/* Does the tlog body name one of the signatures (decoded) sigs? */
static bool body_names_signature(const struct cs_bundle_tlog_entry *t, unsigned char **sigs,
				 size_t *lens, size_t n)
{
	unsigned char *raw = NULL;
	size_t raw_len = 0, i;
	json_t *body, *spec, *list, *x, *cands[BODY_SIGS_MAX];
	size_t nc = 0;
	bool found = false;

	if (cs_sign_b64_decode(t->body, strlen(t->body), false, BODY_MAX, "body", &raw, &raw_len,
			       NULL) < 0)
		return false;
	body = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, NULL);
	free(raw);
	spec = json_object_get(body, "spec");
	/* dsse: spec.signatures[].signature; hashedrekord/rekord: spec.signature.content */
	list = json_object_get(spec, "signatures");
	json_array_foreach (list, i, x)
		if (nc < BODY_SIGS_MAX)
			cands[nc++] = json_object_get(x, "signature");
	if (nc < BODY_SIGS_MAX)
		cands[nc++] = json_object_get(json_object_get(spec, "signature"), "content");
	for (i = 0; i < nc && !found; i++) {
		unsigned char *s = NULL;
		size_t s_len = 0;

		if (!json_is_string(cands[i]) ||
		    cs_sign_b64_decode(json_string_value(cands[i]), json_string_length(cands[i]),
				       false, SIG_MAX, "signature", &s, &s_len, NULL) < 0)
			continue;
		for (size_t k = 0; k < n && !found; k++)
			found = s_len == lens[k] && !memcmp(s, sigs[k], s_len);
		free(s);
	}
	json_decref(body);
	return found;
}

/* One entry whose SET rekor_key verifies and whose body names a signature. */
static int verify_tlog(const struct cs_sigstore_bundle *b, const struct cs_pubkey *rekor_key,
		       unsigned char **sigs, size_t *lens, size_t n, struct cs_bundle_verified *out,
		       struct cs_error *err)
{
	char id[65];
	int r;

	if (b->n_tlog == 0)
		return cs_error_set(err, -CS_E_AUTH,
				    "sigstore bundle: a Rekor key was given but the bundle has no "
				    "transparency log entry");
	r = cs_pubkey_id(rekor_key, id, err);
	if (r < 0)
		return r;
	cs_error_clear(err);
	for (size_t i = 0; i < b->n_tlog; i++) {
		const struct cs_bundle_tlog_entry *t = &b->tlog[i];
		_cleanup_buf_ struct cs_buf canon = CS_BUF_INIT(BODY_MAX + 256);

		if (!t->set || !t->body) {
			cs_error_set(err, -CS_E_AUTH,
				     "sigstore bundle: tlog entry %zu has no inclusion promise or "
				     "body",
				     i);
			continue;
		}
		if (strcmp(t->log_id, id) != 0) {
			cs_error_set(
				err, -CS_E_AUTH,
				"sigstore bundle: tlog entry %zu is from log %s, not the Rekor "
				"key's %s",
				i, t->log_id, id);
			continue;
		}
		/* the canonical JSON cosign verifies a SET over */
		if (cs_rekor_set_payload(t->body, t->integrated_time, t->log_id, t->log_index,
					 &canon) < 0)
			return cs_error_set(err, -ENOMEM, "out of memory");
		cs_error_clear(err);
		if (cs_pubkey_verify(rekor_key, canon.data, canon.len, t->set, t->set_len,
				     "the SignedEntryTimestamp", err) < 0) {
			cs_error_prefix(err, "sigstore bundle: tlog entry %zu", i);
			continue;
		}
		if (!body_names_signature(t, sigs, lens, n)) {
			cs_error_set(err, -CS_E_AUTH,
				     "sigstore bundle: tlog entry %zu does not record the bundle's "
				     "signature",
				     i);
			continue;
		}
		cs_error_clear(err);
		out->tlog = true;
		out->integrated_time = t->integrated_time;
		out->log_index = t->log_index;
		return 0;
	}
	return -CS_E_AUTH;
}

/*
 * The index of the key among keys that the bundle's leaf certificate
 * carries. The certificate is not otherwise trusted (no chain, identity or
 * validity check): it only names the key. None: keyless, not supported.
 */
static int cert_key_index(const struct cs_sigstore_bundle *b, const struct cs_pubkeys *keys,
			  size_t *ret, struct cs_error *err)
{
	const unsigned char *p = b->cert;
	unsigned char *der = NULL;
	X509 *x = d2i_X509(NULL, &p, (long)b->cert_len);
	EVP_PKEY *pk;
	int der_len = -1, r = -CS_E_UNSUPPORTED;

	if (!x || p != b->cert + b->cert_len)
		r = cs_error_set(err, -CS_E_INPUT,
				 "sigstore bundle: the certificate is not a DER X.509 certificate");
	else if (!(pk = X509_get0_pubkey(x)) || (der_len = i2d_PUBKEY(pk, &der)) <= 0)
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "sigstore bundle: the certificate's public key is not supported");
	for (size_t k = 0; r == -CS_E_UNSUPPORTED && der_len > 0 && k < keys->n; k++) {
		struct cs_buf kd = CS_BUF_INIT(CERT_MAX);

		if (cs_pubkey_der(keys->v[k], &kd, NULL) == 0 && kd.len == (size_t)der_len &&
		    !memcmp(kd.data, der, kd.len)) {
			*ret = k;
			r = 0;
		}
		cs_buf_done(&kd);
	}
	if (r == -CS_E_UNSUPPORTED && der_len > 0)
		cs_error_set(
			err, r,
			"sigstore bundle: its verification material is a certificate whose key "
			"is none of the given keys: keyless certificates are not supported");
	OPENSSL_free(der);
	X509_free(x);
	return r;
}

int cs_sigstore_bundle_verify(const void *data, size_t n, const char *image_digest,
			      const void *manifest, size_t manifest_len,
			      const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
			      struct cs_bundle_verified *out, struct cs_error *err)
{
	struct cs_sigstore_bundle b = { 0 };
	struct cs_bundle_verified v = { 0 };
	struct cs_dsse_envelope env = { 0 };
	unsigned char *sigs[CS_DSSE_SIGNATURES_MAX];
	size_t lens[CS_DSSE_SIGNATURES_MAX], nsigs = 0, cert_index = 0;
	struct cs_pubkeys cert_key = { 0 }; /* borrows one of keys: never freed */
	int r;

	r = cs_sigstore_bundle_parse(data, n, &b, err);
	if (r < 0)
		return r;
	if (b.material == CS_BUNDLE_CERTIFICATE) {
		size_t k = 0;

		r = cert_key_index(&b, keys, &k, err);
		if (r < 0)
			goto out;
		/* only the certificate's key may verify */
		cert_key.v = &keys->v[k];
		cert_key.n = 1;
		cert_index = k;
		keys = &cert_key;
	}
	v.media_type = cs_strdup(b.media_type);
	if (!v.media_type) {
		r = cs_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	v.n_tlog = b.n_tlog;
	if (b.n_tlog) {
		v.integrated_time = b.tlog[0].integrated_time;
		v.log_index = b.tlog[0].log_index;
	}
	if (b.dsse) {
		struct cs_attestation a = { 0 };

		r = cs_attestation_verify(b.dsse, b.dsse_len, image_digest, keys, NULL, &a, err);
		if (r < 0) {
			cs_error_prefix(err, "sigstore bundle");
			goto out;
		}
		v.key_index = a.key_index;
		v.predicate_type = cs_strdup(a.statement.predicate_type);
		v.predicate = json_incref(a.statement.predicate);
		cs_attestation_done(&a);
		if (!v.predicate_type) {
			r = cs_error_set(err, -ENOMEM, "out of memory");
			goto out;
		}
		r = cs_dsse_envelope_parse(b.dsse, b.dsse_len, &env, err);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < env.n_sigs && nsigs < CS_DSSE_SIGNATURES_MAX; i++) {
			sigs[nsigs] = env.sigs[i].sig;
			lens[nsigs++] = env.sigs[i].sig_len;
		}
	} else {
		char hex[65], mdigest[CS_DIGEST_STR_MAX];
		bool ok = false;

		to_hex(b.msg_digest, 32, hex);
		if (strncmp(image_digest, "sha256:", 7) != 0 ||
		    strcmp(image_digest + 7, hex) != 0) {
			r = cs_error_set(err, -CS_E_DIGEST,
					 "sigstore bundle: the message signature is for sha256:%s, "
					 "not for %s",
					 hex, image_digest);
			goto out;
		}
		if (!manifest || cs_sha256_digest(manifest, manifest_len, mdigest) < 0 ||
		    strcmp(mdigest, image_digest) != 0) {
			r = cs_error_set(err, -CS_E_DIGEST,
					 "sigstore bundle: the image manifest does not match %s",
					 image_digest);
			goto out;
		}
		for (size_t k = 0; k < keys->n && !ok; k++) {
			struct cs_error e2 = CS_ERROR_INIT;

			if (cs_pubkey_verify(keys->v[k], manifest, manifest_len, b.msg_sig,
					     b.msg_sig_len, "the message signature", &e2) == 0) {
				ok = true;
				v.key_index = k;
			}
		}
		if (!ok) {
			r = cs_error_set(err, -CS_E_AUTH,
					 "sigstore bundle: the message signature does not verify "
					 "with the given key%s",
					 keys->n == 1 ? "" : "s");
			goto out;
		}
		sigs[0] = b.msg_sig;
		lens[0] = b.msg_sig_len;
		nsigs = 1;
	}
	if (rekor_key) {
		r = verify_tlog(&b, rekor_key, sigs, lens, nsigs, &v, err);
		if (r < 0)
			goto out;
	}
	if (b.material == CS_BUNDLE_CERTIFICATE)
		v.key_index = cert_index;
	*out = v;
	v = (struct cs_bundle_verified){ 0 };
	r = 0;
out:
	cs_dsse_envelope_done(&env);
	cs_bundle_verified_done(&v);
	cs_sigstore_bundle_done(&b);
	return r;
}
