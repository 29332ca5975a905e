/* SPDX-License-Identifier: Apache-2.0 */
/*
 * in-toto statements in DSSE envelopes (cosign's attestations): building
 * and signing them, and parsing and verifying hostile ones. Every size and
 * count is bounded before work is done; base64 goes through libsodium.
 * Never prints, never touches the network.
 */
#include <string.h>
#include <jansson.h>
#include <sodium.h>
#include "basic/alloc.h"
#include "basic/hash.h"
#include "sign/attest.h"

#define STATEMENT_DEPTH_MAX 64

const char *cs_attest_predicate_type(const char *type)
{
	static const struct {
		const char *name, *uri;
	} names[] = {
		{ "cyclonedx", CS_PREDICATE_CYCLONEDX }, { "spdx", CS_PREDICATE_SPDX },
		{ "spdxjson", CS_PREDICATE_SPDX },	 { "vuln", CS_PREDICATE_VULN },
		{ "custom", CS_PREDICATE_CUSTOM },
	};

	if (!type)
		return NULL;
	for (size_t i = 0; i < CS_ARRAY_SIZE(names); i++)
		if (!strcmp(type, names[i].name))
			return names[i].uri;
	if ((!strncmp(type, "https://", 8) && type[8]) ||
	    (!strncmp(type, "http://", 7) && type[7])) {
		for (const char *p = type; *p; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
				return NULL;
		return type;
	}
	return NULL;
}

int cs_dsse_pae(const char *payload_type, const void *body, size_t n, struct cs_buf *out)
{
	int r = cs_buf_printf(out, "DSSEv1 %zu %s %zu ", strlen(payload_type), payload_type, n);

	return r < 0 ? r : cs_buf_append(out, body, n);
}

/* Standard or URL-safe base64, padded or not (DSSE allows either alphabet). */
static int b64_decode(const char *s, size_t n, size_t max, const char *what, unsigned char **ret,
		      size_t *ret_len, struct cs_error *err)
{
	static const int variants[] = {
		sodium_base64_VARIANT_ORIGINAL,
		sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
		sodium_base64_VARIANT_URLSAFE,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING,
	};
	unsigned char *out;
	size_t cap = n / 4 * 3 + 3, len;

	if (sodium_init() < 0)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot initialise libsodium");
	if (cap > max + 3)
		return cs_error_set(err, -CS_E_LIMIT, "%s is larger than %zu bytes", what, max);
	out = cs_malloc(cap + 1);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < CS_ARRAY_SIZE(variants); i++) {
		const char *end = NULL;

		if (sodium_base642bin(out, cap, s, n, NULL, &len, &end, variants[i]) == 0 &&
		    end == s + n) {
			if (len > max)
				break;
			out[len] = '\0';
			*ret = out;
			*ret_len = len;
			return 0;
		}
	}
	free(out);
	return cs_error_set(err, -CS_E_INPUT, "%s is not valid base64", what);
}

void cs_dsse_envelope_done(struct cs_dsse_envelope *e)
{
	free(e->payload_type);
	free(e->payload);
	for (size_t i = 0; i < e->n_sigs; i++) {
		free(e->sigs[i].keyid);
		free(e->sigs[i].sig);
	}
	free(e->sigs);
	memset(e, 0, sizeof(*e));
}

int cs_dsse_envelope_parse(const void *data, size_t n, struct cs_dsse_envelope *ret,
			   struct cs_error *err)
{
	struct cs_dsse_envelope e = { 0 };
	json_t *root, *pt, *pl, *sigs, *s;
	json_error_t je;
	size_t i;
	int r;

	if (n > CS_DSSE_ENVELOPE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "DSSE envelope larger than %u bytes",
				    CS_DSSE_ENVELOPE_MAX);
	root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "DSSE envelope is not JSON: %s", je.text);
	pt = json_object_get(root, "payloadType");
	pl = json_object_get(root, "payload");
	sigs = json_object_get(root, "signatures");
	if (!json_is_string(pt) || !json_is_string(pl) || !json_is_array(sigs)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "DSSE envelope needs payloadType, payload and signatures");
		goto out;
	}
	if (json_array_size(sigs) == 0 || json_array_size(sigs) > CS_DSSE_SIGNATURES_MAX) {
		r = cs_error_set(err, json_array_size(sigs) ? -CS_E_LIMIT : -CS_E_INPUT,
				 "DSSE envelope has %zu signatures (1 to %u allowed)",
				 json_array_size(sigs), CS_DSSE_SIGNATURES_MAX);
		goto out;
	}
	if (strlen(json_string_value(pt)) != json_string_length(pt)) {
		r = cs_error_set(err, -CS_E_INPUT, "DSSE payloadType holds a NUL");
		goto out;
	}
	e.payload_type = cs_strdup(json_string_value(pt));
	e.sigs = cs_calloc_array(json_array_size(sigs), sizeof(*e.sigs));
	if (!e.payload_type || !e.sigs) {
		r = -ENOMEM;
		goto out;
	}
	r = b64_decode(json_string_value(pl), json_string_length(pl), CS_DSSE_ENVELOPE_MAX,
		       "DSSE payload", &e.payload, &e.payload_len, err);
	if (r < 0)
		goto out;
	json_array_foreach (sigs, i, s) {
		json_t *kid = json_object_get(s, "keyid"), *sig = json_object_get(s, "sig");
		struct cs_dsse_signature *d = &e.sigs[e.n_sigs];

		if (!json_is_object(s) || !json_is_string(sig) || (kid && !json_is_string(kid))) {
			r = cs_error_set(err, -CS_E_INPUT,
					 "DSSE signature %zu is not {\"keyid\", \"sig\"}", i);
			goto out;
		}
		if (json_string_length(sig) > CS_DSSE_SIG_B64_MAX) {
			r = cs_error_set(err, -CS_E_LIMIT, "DSSE signature %zu is too long", i);
			goto out;
		}
		d->keyid = cs_strndup(kid ? json_string_value(kid) : "",
				      kid ? json_string_length(kid) : 0);
		if (!d->keyid) {
			r = -ENOMEM;
			goto out;
		}
		e.n_sigs++;
		r = b64_decode(json_string_value(sig), json_string_length(sig), CS_DSSE_SIG_B64_MAX,
			       "DSSE signature", &d->sig, &d->sig_len, err);
		if (r < 0)
			goto out;
	}
	*ret = e;
	memset(&e, 0, sizeof(e));
	r = 0;
out:
	cs_dsse_envelope_done(&e);
	json_decref(root);
	return r;
}

void cs_intoto_statement_done(struct cs_intoto_statement *s)
{
	free(s->type);
	for (size_t i = 0; i < s->n_subjects; i++) {
		free(s->subjects[i].name);
		free(s->subjects[i].sha256);
	}
	free(s->subjects);
	free(s->predicate_type);
	json_decref(s->predicate);
	memset(s, 0, sizeof(*s));
}

static bool is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* jansson has no depth limit of its own below its compile-time one: bound it here */
static bool depth_ok(json_t *v, unsigned depth)
{
	size_t i;
	const char *k;
	json_t *x;

	if (depth > STATEMENT_DEPTH_MAX)
		return false;
	if (json_is_array(v)) {
		json_array_foreach (v, i, x)
			if (!depth_ok(x, depth + 1))
				return false;
	} else if (json_is_object(v)) {
		json_object_foreach (v, k, x)
			if (!depth_ok(x, depth + 1))
				return false;
	}
	return true;
}

int cs_intoto_statement_parse(const void *data, size_t n, struct cs_intoto_statement *ret,
			      struct cs_error *err)
{
	struct cs_intoto_statement st = { 0 };
	json_t *root, *type, *subj, *pt, *s;
	json_error_t je;
	size_t i;
	int r;

	if (n > CS_DSSE_ENVELOPE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "in-toto statement larger than %u bytes",
				    CS_DSSE_ENVELOPE_MAX);
	root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "in-toto statement is not JSON: %s", je.text);
	type = json_object_get(root, "_type");
	subj = json_object_get(root, "subject");
	pt = json_object_get(root, "predicateType");
	if (!json_is_string(type) || (strcmp(json_string_value(type), CS_INTOTO_STATEMENT_V1) &&
				      strcmp(json_string_value(type), CS_INTOTO_STATEMENT_V01))) {
		r = cs_error_set(err, -CS_E_INPUT, "not an in-toto statement (_type)");
		goto out;
	}
	if (!json_is_array(subj) || json_array_size(subj) == 0 || !json_is_string(pt) ||
	    strlen(json_string_value(pt)) != json_string_length(pt)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "in-toto statement needs a subject list and a predicateType");
		goto out;
	}
	if (json_array_size(subj) > CS_INTOTO_SUBJECTS_MAX) {
		r = cs_error_set(err, -CS_E_LIMIT, "in-toto statement has more than %u subjects",
				 CS_INTOTO_SUBJECTS_MAX);
		goto out;
	}
	if (!depth_ok(root, 0)) {
		r = cs_error_set(err, -CS_E_LIMIT, "in-toto statement nested deeper than %u",
				 STATEMENT_DEPTH_MAX);
		goto out;
	}
	st.type = cs_strdup(json_string_value(type));
	st.predicate_type = cs_strdup(json_string_value(pt));
	st.subjects = cs_calloc_array(json_array_size(subj), sizeof(*st.subjects));
	if (!st.type || !st.predicate_type || !st.subjects) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach (subj, i, s) {
		json_t *name = json_object_get(s, "name"), *dg = json_object_get(s, "digest");
		const char *sha = json_string_value(json_object_get(dg, "sha256"));
		struct cs_intoto_subject *x = &st.subjects[st.n_subjects];

		if (!json_is_object(s) || !json_is_object(dg) || (name && !json_is_string(name))) {
			r = cs_error_set(err, -CS_E_INPUT, "in-toto subject %zu is malformed", i);
			goto out;
		}
		x->name = cs_strdup(name ? json_string_value(name) : "");
		if (!x->name) {
			r = -ENOMEM;
			goto out;
		}
		st.n_subjects++;
		if (sha && is_hex64(sha) && !(x->sha256 = cs_strdup(sha))) {
			r = -ENOMEM;
			goto out;
		}
	}
	st.predicate = json_object_get(root, "predicate");
	st.predicate = st.predicate ? json_incref(st.predicate) : json_null();
	*ret = st;
	memset(&st, 0, sizeof(st));
	r = 0;
out:
	cs_intoto_statement_done(&st);
	json_decref(root);
	return r;
}

int cs_attest_predicate_build(const char *predicate_type, const void *data, size_t n,
			      const char *now, const char *scanner_version, json_t **ret,
			      struct cs_error *err)
{
	json_t *doc = NULL, *p;
	json_error_t je;

	if (n > CS_PREDICATE_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "predicate larger than %u bytes",
				    CS_PREDICATE_FILE_MAX);
	if (!strcmp(predicate_type, CS_PREDICATE_CUSTOM)) {
		p = json_pack("{s:s%, s:s}", "Data", (const char *)data, n, "Timestamp", now);
		if (!p)
			return cs_error_set(err, -CS_E_INPUT, "predicate is not UTF-8 text");
		*ret = p;
		return 0;
	}
	doc = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
	if (!doc && !strcmp(predicate_type, CS_PREDICATE_SPDX)) {
		/* an SPDX tag-value document travels as a string, as cosign sends it */
		p = json_stringn(data, n);
		if (!p)
			return cs_error_set(err, -CS_E_INPUT,
					    "predicate is neither JSON nor UTF-8 text");
		*ret = p;
		return 0;
	}
	if (!doc)
		return cs_error_set(err, -CS_E_INPUT, "predicate is not JSON: %s (line %d)",
				    je.text, je.line);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return cs_error_set(err, -CS_E_INPUT, "predicate is not a JSON object");
	}
	if (!depth_ok(doc, 2)) {
		json_decref(doc);
		return cs_error_set(err, -CS_E_LIMIT, "predicate nested deeper than %u",
				    STATEMENT_DEPTH_MAX - 2);
	}
	if (!strcmp(predicate_type, CS_PREDICATE_VULN) && !json_object_get(doc, "scanner")) {
		/* cosign's vuln predicate around a customs scan report */
		p = json_pack("{s:{s:n, s:s, s:s, s:s}, s:{s:s, s:s, s:{s:s, s:s}, s:o}, "
			      "s:{s:s, s:s}}",
			      "invocation", "parameters", "uri", "", "event_id", "", "builder.id",
			      "", "scanner", "uri", "https://github.com/customs/customs", "version",
			      scanner_version, "db", "uri", "", "version", "", "result", doc,
			      "metadata", "scanStartedOn", now, "scanFinishedOn", now);
		if (!p)
			return -ENOMEM;
		*ret = p;
		return 0;
	}
	*ret = doc;
	return 0;
}

int cs_intoto_statement_build(const char *subject_name, const char *digest,
			      const char *predicate_type, json_t *predicate, struct cs_buf *out,
			      struct cs_error *err)
{
	json_t *st;
	char *s;
	int r;

	if (strncmp(digest, "sha256:", 7) != 0)
		return cs_error_set(err, -CS_E_INPUT, "digest '%s' is not sha256", digest);
	st = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:O}", "_type", CS_INTOTO_STATEMENT_V1,
		       "subject", "name", subject_name, "digest", "sha256", digest + 7,
		       "predicateType", predicate_type, "predicate", predicate);
	if (!st)
		return -ENOMEM;
	s = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	if (!s)
		return -ENOMEM;
	r = cs_buf_puts(out, s);
	free(s);
	return r < 0 ? cs_error_set(err, r, "in-toto statement too large") : 0;
}

int cs_dsse_sign(const struct cs_privkey *k, const char *payload_type, const void *payload,
		 size_t n, struct cs_buf *out, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf pae = CS_BUF_INIT(CS_DSSE_ENVELOPE_MAX + 1024);
	_cleanup_buf_ struct cs_buf b64p = CS_BUF_INIT(2 * CS_DSSE_ENVELOPE_MAX);
	_cleanup_buf_ struct cs_buf b64s = CS_BUF_INIT(CS_DSSE_SIG_B64_MAX);
	_cleanup_free_ unsigned char *sig = NULL;
	size_t sig_len;
	json_t *env;
	char *s;
	int r;

	r = cs_dsse_pae(payload_type, payload, n, &pae);
	if (r < 0)
		return cs_error_set(err, r, "attestation payload too large");
	r = cs_privkey_sign(k, pae.data, pae.len, &sig, &sig_len, err);
	if (r < 0)
		return r;
	if (cs_sign_b64_encode(payload, n, &b64p) < 0 ||
	    cs_sign_b64_encode(sig, sig_len, &b64s) < 0)
		return cs_error_set(err, -CS_E_LIMIT, "attestation payload too large");
	env = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "payloadType", payload_type, "payload",
			b64p.data, "signatures", "keyid", "", "sig", b64s.data);
	if (!env)
		return -ENOMEM;
	s = json_dumps(env, JSON_COMPACT);
	json_decref(env);
	if (!s)
		return -ENOMEM;
	r = cs_buf_puts(out, s);
	free(s);
	return r < 0 ? cs_error_set(err, r, "DSSE envelope too large") : 0;
}

void cs_attestation_done(struct cs_attestation *a)
{
	cs_intoto_statement_done(&a->statement);
}

int cs_attestation_verify(const void *envelope, size_t n, const char *image_digest,
			  const struct cs_pubkeys *keys, const char *want_type,
			  struct cs_attestation *out, struct cs_error *err)
{
	_cleanup_buf_ struct cs_buf pae = CS_BUF_INIT(CS_DSSE_ENVELOPE_MAX + 1024);
	struct cs_dsse_envelope e = { 0 };
	struct cs_intoto_statement st = { 0 };
	size_t key_index = 0;
	bool verified = false, subject = false;
	int r;

	if (strncmp(image_digest, "sha256:", 7) != 0)
		return cs_error_set(err, -CS_E_INPUT, "image digest '%s' is not sha256",
				    image_digest);
	r = cs_dsse_envelope_parse(envelope, n, &e, err);
	if (r < 0)
		return r;
	if (strcmp(e.payload_type, CS_INTOTO_PAYLOAD_TYPE) != 0) {
		r = cs_error_set(err, -CS_E_INPUT, "DSSE payloadType is not '%s'",
				 CS_INTOTO_PAYLOAD_TYPE);
		goto out;
	}
	r = cs_dsse_pae(e.payload_type, e.payload, e.payload_len, &pae);
	if (r < 0) {
		r = cs_error_set(err, r, "DSSE payload too large");
		goto out;
	}
	/* any signature of the envelope with any of the keys */
	for (size_t i = 0; i < e.n_sigs && !verified; i++)
		for (size_t k = 0; k < keys->n && !verified; k++) {
			struct cs_error e2 = CS_ERROR_INIT;

			if (cs_pubkey_verify(keys->v[k], pae.data, pae.len, e.sigs[i].sig,
					     e.sigs[i].sig_len, "DSSE signature", &e2) == 0) {
				verified = true;
				key_index = k;
			}
		}
	if (!verified) {
		r = cs_error_set(err, -CS_E_AUTH, "no DSSE signature verifies with the given key%s",
				 keys->n == 1 ? "" : "s");
		goto out;
	}
	/* only what a key vouched for is parsed as a statement */
	r = cs_intoto_statement_parse(e.payload, e.payload_len, &st, err);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < st.n_subjects; i++)
		if (st.subjects[i].sha256 && !strcmp(st.subjects[i].sha256, image_digest + 7))
			subject = true;
	if (!subject) {
		r = cs_error_set(err, -CS_E_DIGEST, "the statement's subjects do not include %s",
				 image_digest);
		goto out;
	}
	if (want_type && strcmp(st.predicate_type, want_type) != 0) {
		r = cs_error_set(err, -CS_E_NOTFOUND, "predicate type is '%s', not '%s'",
				 st.predicate_type, want_type);
		goto out;
	}
	out->statement = st;
	out->key_index = key_index;
	memset(&st, 0, sizeof(st));
	r = 0;
out:
	cs_intoto_statement_done(&st);
	cs_dsse_envelope_done(&e);
	return r;
}
