/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cosign signatures, offline (see cosign.h). Payloads are rebuilt byte for
 * byte the way Go's encoding/json writes them (cosign signs those bytes, so
 * a payload we build must be the one cosign would have built); the Rekor
 * SignedEntryTimestamp is checked over RFC 8785 canonical JSON, as
 * sigstore's verifier canonicalises it.
 *
 * Everything read here came from a registry or a file someone else wrote:
 * sizes are capped before parsing, JSON duplicates are refused, and a
 * signature is checked before anything in its payload is believed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "basic/alloc.h"
#include "basic/utf8.h"
#include "sign/cosign.h"

void cs_cosign_sig_done(struct cs_cosign_sig *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->media_type);
	free(s->payload);
	free(s->layer_digest);
	free(s->signature);
	free(s->bundle);
	free(s->error);
	memset(s, 0, sizeof(*s));
}

void cs_cosign_sigs_free(struct cs_cosign_sig *sigs, size_t n)
{
	for (size_t i = 0; sigs && i < n; i++)
		cs_cosign_sig_done(&sigs[i]);
	free(sigs);
}

/* ---- JSON writers: Go's encoding/json and RFC 8785 ---- */

/*
 * A JSON string. go: as Go's encoding/json writes it, HTML-sensitive
 * characters and U+2028/2029 escaped, invalid UTF-8 replaced by U+FFFD;
 * otherwise as RFC 8785 has it, only '"', '\\' and control characters
 * escaped and every other byte as it is.
 */
static int json_str(struct cs_buf *b, const char *s, size_t n, bool go)
{
	static const char hex[] = "0123456789abcdef";
	int r = cs_buf_putc(b, '"');

	for (size_t i = 0; r >= 0 && i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len;

		if (c < 0x80 || !go) {
			switch (c) {
			case '"':
				r = cs_buf_puts(b, "\\\"");
				break;
			case '\\':
				r = cs_buf_puts(b, "\\\\");
				break;
			case '\b':
				r = cs_buf_puts(b, "\\b");
				break;
			case '\f':
				r = cs_buf_puts(b, "\\f");
				break;
			case '\n':
				r = cs_buf_puts(b, "\\n");
				break;
			case '\r':
				r = cs_buf_puts(b, "\\r");
				break;
			case '\t':
				r = cs_buf_puts(b, "\\t");
				break;
			default:
				if (c < 0x20 || (go && (c == '<' || c == '>' || c == '&'))) {
					char e[7] = { '\\',	   'u',		'0', '0',
						      hex[c >> 4], hex[c & 15], 0 };
					r = cs_buf_puts(b, e);
				} else {
					r = cs_buf_putc(b, (char)c);
				}
			}
			i++;
			continue;
		}
		len = cs_utf8_valid_prefix(s + i, n - i);
		if (len == 0) {
			r = cs_buf_puts(b, "\\ufffd");
			i++;
			continue;
		}
		/* U+2028 and U+2029 are E2 80 A8/A9 */
		if (len == 3 && c == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] & 0xfe) == 0xa8)
			r = cs_buf_puts(b, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
		else
			r = cs_buf_append(b, s + i, len);
		i += len;
	}
	if (r >= 0)
		r = cs_buf_putc(b, '"');
	return r;
}

static int go_string(struct cs_buf *b, const char *s, size_t n)
{
	return json_str(b, s, n, true);
}

static int canon_string(struct cs_buf *b, const char *s, size_t n)
{
	return json_str(b, s, n, false);
}

/* The exponent of a "%e" number ("+21", "-07"). */
static int exp_of(const char *s)
{
	int sign = *s == '-' ? -1 : 1, v = 0;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9' && v < 10000; s++)
		v = v * 10 + (*s - '0');
	return sign * v;
}

/*
 * A float64 as Go's encoding/json writes it (strconv's shortest digits that
 * read back to the same value): %f form for 1e-6 <= |d| < 1e21, else %e
 * form with a negative exponent's leading zero dropped ("1e-7", "1e+21").
 */
static int go_float(struct cs_buf *b, double d)
{
	char e[40], digits[24];
	const char *p;
	int prec, exp10, nd = 0, r = 0;
	double a = d < 0 ? -d : d;

	if (d != d || a > 1.7976931348623157e308)
		return -CS_E_INPUT; /* Go refuses NaN and infinities too */
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, d);
		if (strtod(e, NULL) == d)
			break;
	}
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		size_t n = strlen(e);

		if (n >= 4 && e[n - 4] == 'e' && e[n - 3] == '-' && e[n - 2] == '0') {
			e[n - 2] = e[n - 1];
			e[n - 1] = '\0';
		}
		return cs_buf_puts(b, e);
	}
	/* the shortest digits, then the decimal point where the exponent puts it */
	for (p = e; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < (int)sizeof(digits) - 1)
			digits[nd++] = *p;
	digits[nd] = '\0';
	exp10 = exp_of(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	if (d < 0)
		r = cs_buf_putc(b, '-');
	if (a == 0)
		return r < 0 ? r : cs_buf_putc(b, '0');
	if (exp10 >= nd - 1) {
		r = r < 0 ? r : cs_buf_puts(b, digits);
		for (int i = 0; r >= 0 && i < exp10 - (nd - 1); i++)
			r = cs_buf_putc(b, '0');
	} else if (exp10 >= 0) {
		r = r < 0 ? r : cs_buf_append(b, digits, (size_t)exp10 + 1);
		r = r < 0 ? r : cs_buf_putc(b, '.');
		r = r < 0 ? r : cs_buf_puts(b, digits + exp10 + 1);
	} else {
		r = r < 0 ? r : cs_buf_puts(b, "0.");
		for (int i = 0; r >= 0 && i < -exp10 - 1; i++)
			r = cs_buf_putc(b, '0');
		r = r < 0 ? r : cs_buf_puts(b, digits);
	}
	return r;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A jansson value as Go writes a decoded interface{}: objects with sorted
 * keys (Go sorts map keys), numbers as float64 would print for integers
 * (exact below 2^53) and shortest round-trip for reals.
 */
static int go_value(struct cs_buf *b, json_t *v, int depth)
{
	int r = 0;

	if (depth > 64)
		return -CS_E_LIMIT;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		_cleanup_free_ const char **keys = NULL;
		const char *k;
		json_t *x;

		keys = cs_mallocarray(n ? n : 1, sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		json_object_foreach (v, k, x)
			keys[i++] = k;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		r = cs_buf_putc(b, '{');
		for (i = 0; r >= 0 && i < n; i++) {
			if (i)
				r = cs_buf_putc(b, ',');
			if (r >= 0)
				r = go_string(b, keys[i], strlen(keys[i]));
			if (r >= 0)
				r = cs_buf_putc(b, ':');
			if (r >= 0)
				r = go_value(b, json_object_get(v, keys[i]), depth + 1);
		}
		return r >= 0 ? cs_buf_putc(b, '}') : r;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;

		r = cs_buf_putc(b, '[');
		json_array_foreach (v, i, x) {
			if (r >= 0 && i)
				r = cs_buf_putc(b, ',');
			if (r >= 0)
				r = go_value(b, x, depth + 1);
		}
		return r >= 0 ? cs_buf_putc(b, ']') : r;
	}
	case JSON_STRING:
		return go_string(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		/* Go decodes every JSON number into a float64 */
		return go_float(b, (double)json_integer_value(v));
	case JSON_REAL:
		return go_float(b, json_real_value(v));
	case JSON_TRUE:
		return cs_buf_puts(b, "true");
	case JSON_FALSE:
		return cs_buf_puts(b, "false");
	case JSON_NULL:
		return cs_buf_puts(b, "null");
	}
	return -CS_E_INTERNAL;
}

/* ---- the simple signing payload ---- */

int cs_simple_signing_payload(const char *docker_ref, const char *digest,
			      const char *annotations_json, struct cs_buf *out,
			      struct cs_error *err)
{
	json_t *ann = NULL;
	json_error_t jerr;
	int r;

	r = cs_digest_parse(digest, NULL, err);
	if (r < 0)
		return r;
	if (annotations_json) {
		ann = json_loads(annotations_json, JSON_REJECT_DUPLICATES, &jerr);
		if (!ann)
			return cs_error_set(err, -CS_E_INPUT, "annotations are not JSON: %s",
					    jerr.text);
		if (!json_is_object(ann)) {
			json_decref(ann);
			return cs_error_set(err, -CS_E_INPUT, "annotations are not a JSON object");
		}
	}
	/* the field order of sigstore's payload.Cosign struct */
	r = cs_buf_puts(out, "{\"critical\":{\"identity\":{\"docker-reference\":");
	if (r >= 0)
		r = go_string(out, docker_ref, strlen(docker_ref));
	if (r >= 0)
		r = cs_buf_puts(out, "},\"image\":{\"docker-manifest-digest\":");
	if (r >= 0)
		r = go_string(out, digest, strlen(digest));
	if (r >= 0)
		r = cs_buf_puts(out, "},\"type\":\"" CS_COSIGN_PAYLOAD_TYPE "\"},\"optional\":");
	if (r >= 0)
		r = ann ? go_value(out, ann, 0) : cs_buf_puts(out, "null");
	if (r >= 0)
		r = cs_buf_putc(out, '}');
	json_decref(ann);
	if (r < 0 && r != -ENOMEM)
		return cs_error_set(err, r, "cannot build the payload: %s", cs_strerror(r));
	return r;
}

void cs_simple_signing_done(struct cs_simple_signing *p)
{
	if (!p)
		return;
	free(p->docker_reference);
	free(p->optional);
	memset(p, 0, sizeof(*p));
}

int cs_simple_signing_parse(const void *data, size_t n, struct cs_simple_signing *ret,
			    struct cs_error *err)
{
	json_t *root, *crit, *ident, *image, *type, *ref, *dig, *opt;
	json_error_t jerr;
	struct cs_simple_signing p = { 0 };
	int r;

	if (n > CS_COSIGN_PAYLOAD_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "payload is larger than %u bytes",
				    CS_COSIGN_PAYLOAD_MAX);
	root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "payload is not JSON: %s", jerr.text);
	crit = json_object_get(root, "critical");
	ident = json_object_get(crit, "identity");
	image = json_object_get(crit, "image");
	type = json_object_get(crit, "type");
	ref = json_object_get(ident, "docker-reference");
	dig = json_object_get(image, "docker-manifest-digest");
	opt = json_object_get(root, "optional");
	if (!json_is_object(root) || !json_is_object(crit)) {
		r = cs_error_set(err, -CS_E_INPUT, "payload has no 'critical' object");
		goto out;
	}
	if (!json_is_string(type) || strcmp(json_string_value(type), CS_COSIGN_PAYLOAD_TYPE)) {
		r = cs_error_set(err, -CS_E_INPUT, "payload type is not '%s'",
				 CS_COSIGN_PAYLOAD_TYPE);
		goto out;
	}
	if (!json_is_string(dig) || json_string_length(dig) >= CS_DIGEST_STR_MAX ||
	    cs_digest_parse(json_string_value(dig), NULL, NULL) < 0) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "payload has no valid critical.image.docker-manifest-digest");
		goto out;
	}
	if (!json_is_string(ref) || json_string_length(ref) > CS_COSIGN_REF_MAX ||
	    strlen(json_string_value(ref)) != json_string_length(ref)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "payload has no valid critical.identity.docker-reference");
		goto out;
	}
	if (opt && !json_is_null(opt) && !json_is_object(opt)) {
		r = cs_error_set(err, -CS_E_INPUT, "payload 'optional' is not an object");
		goto out;
	}
	snprintf(p.digest, sizeof(p.digest), "%s", json_string_value(dig));
	p.docker_reference = cs_strdup(json_string_value(ref));
	if (!p.docker_reference) {
		r = -ENOMEM;
		goto out;
	}
	if (json_is_object(opt)) {
		p.optional = json_dumps(opt, JSON_COMPACT | JSON_SORT_KEYS);
		if (!p.optional) {
			cs_simple_signing_done(&p);
			r = -ENOMEM;
			goto out;
		}
	}
	*ret = p;
	r = 0;
out:
	json_decref(root);
	return r;
}

/* ---- the containers/image dir: signature file ---- */

int cs_cosign_sig_parse_sigstore_json(const void *data, size_t n, const char *name,
				      struct cs_cosign_sig *ret, struct cs_error *err)
{
	struct cs_cosign_sig s = { 0 };
	json_t *root, *mt, *pl, *ann, *sig, *bundle;
	json_error_t jerr;
	unsigned char *payload = NULL;
	size_t plen = 0;
	int r;

	if (n > CS_COSIGN_SIG_FILE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "'%s' is larger than %u bytes", name,
				    CS_COSIGN_SIG_FILE_MAX);
	if (n < CS_SIGSTORE_JSON_MAGIC_LEN ||
	    memcmp(data, CS_SIGSTORE_JSON_MAGIC, CS_SIGSTORE_JSON_MAGIC_LEN))
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not a sigstore signature file",
				    name);
	root = json_loadb((const char *)data + CS_SIGSTORE_JSON_MAGIC_LEN,
			  n - CS_SIGSTORE_JSON_MAGIC_LEN, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "'%s' is not JSON: %s", name, jerr.text);
	mt = json_object_get(root, "mimeType");
	pl = json_object_get(root, "payload");
	ann = json_object_get(root, "annotations");
	sig = json_object_get(ann, CS_COSIGN_SIGNATURE_ANNOTATION);
	bundle = json_object_get(ann, CS_COSIGN_BUNDLE_ANNOTATION);
	if (!json_is_object(root) || !json_is_string(pl) || !json_is_object(ann)) {
		r = cs_error_set(err, -CS_E_INPUT, "'%s' lacks 'payload' or 'annotations'", name);
		goto out;
	}
	if (mt && !json_is_string(mt)) {
		r = cs_error_set(err, -CS_E_INPUT, "'%s': 'mimeType' is not a string", name);
		goto out;
	}
	if (!json_is_string(sig)) {
		r = cs_error_set(err, -CS_E_INPUT, "'%s' has no %s annotation", name,
				 CS_COSIGN_SIGNATURE_ANNOTATION);
		goto out;
	}
	if (bundle && !json_is_string(bundle)) {
		r = cs_error_set(err, -CS_E_INPUT, "'%s': the bundle annotation is not a string",
				 name);
		goto out;
	}
	if (json_string_length(sig) > CS_COSIGN_SIG_B64_MAX ||
	    (bundle && json_string_length(bundle) > CS_COSIGN_BUNDLE_MAX)) {
		r = cs_error_set(err, -CS_E_LIMIT, "'%s': an annotation is too large", name);
		goto out;
	}
	{
		char what[300];

		snprintf(what, sizeof(what), "'%s': payload", name);
		r = cs_sign_b64_decode(json_string_value(pl), json_string_length(pl), false,
				       CS_COSIGN_PAYLOAD_MAX, what, &payload, &plen, err);
		if (r < 0)
			goto out;
	}
	s.payload = (char *)payload;
	s.payload_len = plen;
	s.name = cs_strdup(name);
	s.media_type = mt ? cs_strdup(json_string_value(mt)) : NULL;
	s.signature = cs_strndup(json_string_value(sig), json_string_length(sig));
	if (bundle) {
		s.bundle = cs_strndup(json_string_value(bundle), json_string_length(bundle));
		s.bundle_len = json_string_length(bundle);
	}
	if (!s.name || (mt && !s.media_type) || !s.signature || (bundle && !s.bundle)) {
		cs_cosign_sig_done(&s);
		r = -ENOMEM;
		goto out;
	}
	*ret = s;
	r = 0;
out:
	json_decref(root);
	return r;
}

int cs_cosign_sig_file_read(const char *path, struct cs_cosign_sig *ret, struct cs_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	r = cs_sign_read_file(AT_FDCWD, path, CS_COSIGN_SIG_FILE_MAX, &data, &len, err);
	if (r < 0)
		return r;
	return cs_cosign_sig_parse_sigstore_json(data, len, path, ret, err);
}

int cs_cosign_dir_read(const char *dir, char digest[CS_DIGEST_STR_MAX],
		       struct cs_cosign_sig **ret_sigs, size_t *ret_n, size_t *ret_other,
		       struct cs_error *err)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *manifest = NULL;
	struct cs_cosign_sig *sigs = NULL;
	size_t n = 0, cap = 0, other = 0, len = 0;
	int r;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return cs_error_errno(err, errno, "cannot open directory '%s'", dir);
	r = cs_sign_read_file(dfd, "manifest.json", CS_COSIGN_MANIFEST_MAX, &manifest, &len, err);
	if (r < 0)
		return cs_error_prefix(err, "%s", dir);
	r = cs_sha256_digest(manifest, len, digest);
	if (r < 0)
		return cs_error_set(err, r, "cannot hash '%s/manifest.json'", dir);
	for (size_t i = 1; i <= CS_COSIGN_DIR_SIGS_MAX + 1; i++) {
		_cleanup_free_ char *data = NULL, *name = NULL;
		struct cs_error e = CS_ERROR_INIT;
		struct cs_cosign_sig s = { 0 };
		char fname[32];
		size_t dlen = 0;

		snprintf(fname, sizeof(fname), "signature-%zu", i);
		name = cs_asprintf("%s/%s", dir, fname);
		if (!name) {
			r = -ENOMEM;
			goto fail;
		}
		r = cs_sign_read_file(dfd, fname, CS_COSIGN_SIG_FILE_MAX, &data, &dlen, &e);
		if (r == -ENOENT)
			break;
		if (i > CS_COSIGN_DIR_SIGS_MAX) {
			r = cs_error_set(err, -CS_E_LIMIT, "'%s' has more than %u signatures", dir,
					 CS_COSIGN_DIR_SIGS_MAX);
			goto fail;
		}
		if (r >= 0 && (dlen < CS_SIGSTORE_JSON_MAGIC_LEN ||
			       memcmp(data, CS_SIGSTORE_JSON_MAGIC, CS_SIGSTORE_JSON_MAGIC_LEN))) {
			other++;
			continue;
		}
		if (r >= 0)
			r = cs_cosign_sig_parse_sigstore_json(data, dlen, name, &s, &e);
		if (r == -ENOMEM)
			goto fail;
		if (r < 0) {
			s.name = CS_TAKE_PTR(name);
			s.error = cs_strdup(e.msg[0] ? e.msg : cs_strerror(r));
			if (!s.error) {
				cs_cosign_sig_done(&s);
				r = -ENOMEM;
				goto fail;
			}
		}
		if (CS_GROW(sigs, cap, n + 1) < 0) {
			cs_cosign_sig_done(&s);
			r = -ENOMEM;
			goto fail;
		}
		sigs[n++] = s;
	}
	*ret_sigs = sigs;
	*ret_n = n;
	if (ret_other)
		*ret_other = other;
	return 0;
fail:
	cs_cosign_sigs_free(sigs, n);
	return r;
}

/* ---- Rekor bundles ---- */

void cs_rekor_bundle_done(struct cs_rekor_bundle *b)
{
	if (!b)
		return;
	free(b->set);
	free(b->body);
	free(b->log_id);
	memset(b, 0, sizeof(*b));
}

int cs_rekor_bundle_parse(const void *json, size_t n, struct cs_rekor_bundle *ret,
			  struct cs_error *err)
{
	struct cs_rekor_bundle b = { 0 };
	json_t *root, *set, *pl, *body, *it, *li, *id;
	json_error_t jerr;
	int r;

	if (n > CS_COSIGN_BUNDLE_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "bundle is larger than %u bytes",
				    CS_COSIGN_BUNDLE_MAX);
	root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "bundle is not JSON: %s", jerr.text);
	set = json_object_get(root, "SignedEntryTimestamp");
	pl = json_object_get(root, "Payload");
	body = json_object_get(pl, "body");
	it = json_object_get(pl, "integratedTime");
	li = json_object_get(pl, "logIndex");
	id = json_object_get(pl, "logID");
	if (!json_is_string(set) || !json_is_object(pl)) {
		r = cs_error_set(err, -CS_E_INPUT, "bundle lacks SignedEntryTimestamp or Payload");
		goto out;
	}
	if (!json_is_string(body) || !json_is_integer(it) || !json_is_integer(li) ||
	    !json_is_string(id)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "bundle Payload lacks body, integratedTime, logIndex or logID");
		goto out;
	}
	if (json_string_length(id) != 64 ||
	    strspn(json_string_value(id), "0123456789abcdef") != 64) {
		r = cs_error_set(err, -CS_E_INPUT, "bundle logID is not a hex SHA-256");
		goto out;
	}
	r = cs_sign_b64_decode(json_string_value(set), json_string_length(set), false, 1024,
			       "bundle SignedEntryTimestamp", &b.set, &b.set_len, err);
	if (r < 0)
		goto out;
	b.body = cs_strndup(json_string_value(body), json_string_length(body));
	b.log_id = cs_strdup(json_string_value(id));
	b.integrated_time = json_integer_value(it);
	b.log_index = json_integer_value(li);
	if (!b.body || !b.log_id) {
		cs_rekor_bundle_done(&b);
		r = -ENOMEM;
		goto out;
	}
	*ret = b;
	r = 0;
out:
	json_decref(root);
	return r;
}

int cs_rekor_set_payload(const char *body, int64_t integrated_time, const char *log_id,
			 int64_t log_index, struct cs_buf *out)
{
	int r = cs_buf_puts(out, "{\"body\":");

	if (r >= 0)
		r = canon_string(out, body, strlen(body));
	if (r >= 0)
		r = cs_buf_printf(
			out, ",\"integratedTime\":%lld,\"logID\":", (long long)integrated_time);
	if (r >= 0)
		r = canon_string(out, log_id, strlen(log_id));
	if (r >= 0)
		r = cs_buf_printf(out, ",\"logIndex\":%lld}", (long long)log_index);
	return r;
}

static int rekor_canonical(const struct cs_rekor_bundle *b, struct cs_buf *out)
{
	return cs_rekor_set_payload(b->body, b->integrated_time, b->log_id, b->log_index, out);
}

/*
 * The body of a hashedrekord or rekord v0.0.1 entry must name this payload's
 * SHA-256, this signature and the key that verified it.
 */
static int check_rekor_body(const struct cs_rekor_bundle *b, const struct cs_cosign_sig *sig,
			    const unsigned char *sigder, size_t sig_len,
			    const struct cs_pubkey *key, struct cs_error *err)
{
	_cleanup_free_ unsigned char *body = NULL, *bsig = NULL, *pem = NULL;
	size_t body_len = 0, bsig_len = 0, pem_len = 0;
	json_t *root, *spec, *hash, *alg, *val, *s, *content, *pk;
	json_error_t jerr;
	char digest[CS_DIGEST_STR_MAX];
	const char *kind;
	int r;

	r = cs_sign_b64_decode(b->body, strlen(b->body), false, CS_COSIGN_BUNDLE_MAX, "bundle body",
			       &body, &body_len, err);
	if (r < 0)
		return r;
	root = json_loadb((const char *)body, body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return cs_error_set(err, -CS_E_INPUT, "bundle body is not JSON: %s", jerr.text);
	kind = json_string_value(json_object_get(root, "kind"));
	spec = json_object_get(root, "spec");
	hash = json_object_get(json_object_get(spec, "data"), "hash");
	alg = json_object_get(hash, "algorithm");
	val = json_object_get(hash, "value");
	s = json_object_get(spec, "signature");
	content = json_object_get(s, "content");
	pk = json_object_get(json_object_get(s, "publicKey"), "content");
	if (!kind || (strcmp(kind, "hashedrekord") && strcmp(kind, "rekord")) ||
	    !json_is_string(json_object_get(root, "apiVersion")) ||
	    strcmp(json_string_value(json_object_get(root, "apiVersion")), "0.0.1")) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED,
				 "bundle body is not a hashedrekord or rekord v0.0.1 entry");
		goto out;
	}
	if (!json_is_string(alg) || !json_is_string(val) || !json_is_string(content) ||
	    !json_is_string(pk)) {
		r = cs_error_set(err, -CS_E_INPUT,
				 "bundle %s entry lacks the hash, signature or public key", kind);
		goto out;
	}
	if (strcmp(json_string_value(alg), "sha256")) {
		r = cs_error_set(err, -CS_E_UNSUPPORTED, "bundle entry hash is not sha256");
		goto out;
	}
	r = cs_sha256_digest(sig->payload, sig->payload_len, digest);
	if (r < 0)
		goto out;
	if (strcmp(json_string_value(val), cs_digest_hex(digest))) {
		r = cs_error_set(err, -CS_E_AUTH,
				 "bundle entry hash does not match the payload's sha256");
		goto out;
	}
	r = cs_sign_b64_decode(json_string_value(content), json_string_length(content), false,
			       CS_COSIGN_SIG_B64_MAX, "bundle entry signature", &bsig, &bsig_len,
			       err);
	if (r < 0)
		goto out;
	if (bsig_len != sig_len || memcmp(bsig, sigder, sig_len)) {
		r = cs_error_set(err, -CS_E_AUTH,
				 "bundle entry signature is not the image signature");
		goto out;
	}
	r = cs_sign_b64_decode(json_string_value(pk), json_string_length(pk), false,
			       CS_KEY_FILE_MAX, "bundle entry public key", &pem, &pem_len, err);
	if (r < 0)
		goto out;
	r = cs_pubkey_pem_matches(key, pem, pem_len, "bundle entry public key", err);
	if (r < 0)
		goto out;
	if (r == 0) {
		r = cs_error_set(err, -CS_E_AUTH,
				 "bundle entry public key is not the verifying key '%s'",
				 cs_pubkey_name(key));
		goto out;
	}
	r = 0;
out:
	json_decref(root);
	return r;
}

/* ---- signing and verification ---- */

int cs_cosign_sign_payload(const struct cs_privkey *k, const void *payload, size_t n, char **b64sig,
			   struct cs_error *err)
{
	_cleanup_free_ unsigned char *sig = NULL;
	struct cs_buf b = CS_BUF_INIT(CS_COSIGN_SIG_B64_MAX);
	size_t len = 0;
	int r;

	r = cs_privkey_sign(k, payload, n, &sig, &len, err);
	if (r < 0)
		return r;
	r = cs_sign_b64_encode(sig, len, &b);
	if (r < 0) {
		cs_buf_done(&b);
		return r;
	}
	*b64sig = cs_buf_steal(&b, NULL);
	return *b64sig ? 0 : -ENOMEM;
}

void cs_cosign_verified_done(struct cs_cosign_verified *v)
{
	if (!v)
		return;
	cs_simple_signing_done(&v->payload);
	memset(v, 0, sizeof(*v));
}

int cs_cosign_verify_layer_digest(const void *payload, size_t n, const char *layer_digest,
				  struct cs_error *err)
{
	char digest[CS_DIGEST_STR_MAX];
	enum cs_hash_alg alg;
	int r;

	r = cs_digest_parse(layer_digest, &alg, err);
	if (r < 0)
		return r;
	r = cs_digest_of(alg, payload, n, digest);
	if (r < 0)
		return cs_error_set(err, r, "cannot hash the payload");
	if (strcmp(digest, layer_digest))
		return cs_error_set(err, -CS_E_DIGEST, "payload digest %s is not the layer's %s",
				    digest, layer_digest);
	return 0;
}

int cs_cosign_verify(const struct cs_cosign_sig *sig, const char *image_digest,
		     const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
		     struct cs_cosign_verified *out, struct cs_error *err)
{
	_cleanup_free_ unsigned char *sigder = NULL;
	struct cs_cosign_verified v = { 0 };
	struct cs_rekor_bundle b = { 0 };
	struct cs_buf canon = CS_BUF_INIT(CS_COSIGN_BUNDLE_MAX + 256);
	const struct cs_pubkey *key = NULL;
	size_t sig_len = 0;
	int r;

	if (sig->error)
		return cs_error_set(err, -CS_E_INPUT, "%s", sig->error);
	if (!sig->payload || !sig->signature)
		return cs_error_set(err, -CS_E_INPUT, "no payload or no signature");
	if (sig->payload_len > CS_COSIGN_PAYLOAD_MAX)
		return cs_error_set(err, -CS_E_LIMIT, "payload is larger than %u bytes",
				    CS_COSIGN_PAYLOAD_MAX);
	if (keys->n == 0)
		return cs_error_set(err, -CS_E_USAGE, "no public key to verify with");
	if (sig->layer_digest) {
		r = cs_cosign_verify_layer_digest(sig->payload, sig->payload_len, sig->layer_digest,
						  err);
		if (r < 0)
			return r;
	}
	/* cosign tolerates a newline around the annotation value; nothing else */
	r = cs_sign_b64_decode(sig->signature, strlen(sig->signature), true, 1024,
			       "signature annotation", &sigder, &sig_len, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < keys->n; i++) {
		if (cs_pubkey_verify(keys->v[i], sig->payload, sig->payload_len, sigder, sig_len,
				     "signature", NULL) == 0) {
			key = keys->v[i];
			v.key_index = i;
			break;
		}
	}
	if (!key) {
		if (keys->n == 1)
			return cs_error_set(err, -CS_E_AUTH,
					    "signature does not verify with key '%s'",
					    cs_pubkey_name(keys->v[0]));
		return cs_error_set(err, -CS_E_AUTH,
				    "signature does not verify with any of the %zu keys", keys->n);
	}
	/* only now is the payload's content signed, so worth believing */
	r = cs_simple_signing_parse(sig->payload, sig->payload_len, &v.payload, err);
	if (r < 0)
		return r;
	if (image_digest && strcmp(v.payload.digest, image_digest)) {
		r = cs_error_set(err, -CS_E_DIGEST, "payload signs manifest %s, not the image's %s",
				 v.payload.digest, image_digest);
		goto out;
	}
	if (rekor_key) {
		char id[65];

		if (!sig->bundle) {
			r = cs_error_set(
				err, -CS_E_AUTH,
				"no Rekor bundle, and a transparency log entry is required");
			goto out;
		}
		r = cs_rekor_bundle_parse(sig->bundle, sig->bundle_len, &b, err);
		if (r < 0)
			goto out;
		r = cs_pubkey_id(rekor_key, id, err);
		if (r < 0)
			goto out;
		if (strcmp(id, b.log_id)) {
			r = cs_error_set(err, -CS_E_AUTH,
					 "bundle log ID %.12s... is not Rekor key '%s' (%.12s...)",
					 b.log_id, cs_pubkey_name(rekor_key), id);
			goto out;
		}
		r = rekor_canonical(&b, &canon);
		if (r < 0)
			goto out;
		r = cs_pubkey_verify(rekor_key, canon.data, canon.len, b.set, b.set_len,
				     "bundle SignedEntryTimestamp", err);
		if (r < 0)
			goto out;
		r = check_rekor_body(&b, sig, sigder, sig_len, key, err);
		if (r < 0)
			goto out;
		v.tlog = true;
		v.integrated_time = b.integrated_time;
		v.log_index = b.log_index;
		snprintf(v.log_id, sizeof(v.log_id), "%s", b.log_id);
	}
	*out = v;
	memset(&v, 0, sizeof(v));
	r = 0;
out:
	cs_cosign_verified_done(&v);
	cs_rekor_bundle_done(&b);
	cs_buf_done(&canon);
	return r;
}

int cs_cosign_verify_all(const struct cs_cosign_sig *sigs, size_t n, const char *image_digest,
			 const struct cs_pubkeys *keys, const struct cs_pubkey *rekor_key,
			 struct cs_cosign_result *results)
{
	int ok = 0;

	for (size_t i = 0; i < n; i++) {
		struct cs_cosign_result *res = &results[i];

		memset(res, 0, sizeof(*res));
		res->status = cs_cosign_verify(&sigs[i], image_digest, keys, rekor_key,
					       &res->verified, &res->err);
		if (res->status == 0)
			ok++;
		else if (!res->err.msg[0])
			cs_error_set(&res->err, res->status, "%s", cs_strerror(res->status));
	}
	return ok;
}

void cs_cosign_results_done(struct cs_cosign_result *results, size_t n)
{
	for (size_t i = 0; results && i < n; i++)
		cs_cosign_verified_done(&results[i].verified);
}

int cs_cosign_verified_json(const struct cs_cosign_sig *sig, const struct cs_cosign_verified *v,
			    const struct cs_pubkeys *keys, struct cs_buf *out)
{
	const struct cs_simple_signing *p = &v->payload;
	int r;

	r = cs_buf_puts(out, "{\"critical\":{\"identity\":{\"docker-reference\":");
	if (r >= 0)
		r = go_string(out, p->docker_reference, strlen(p->docker_reference));
	if (r >= 0)
		r = cs_buf_puts(out, "},\"image\":{\"docker-manifest-digest\":");
	if (r >= 0)
		r = go_string(out, p->digest, strlen(p->digest));
	if (r >= 0)
		r = cs_buf_puts(out, "},\"type\":\"" CS_COSIGN_PAYLOAD_TYPE "\"},\"optional\":");
	if (r >= 0)
		r = cs_buf_puts(out, p->optional ? p->optional : "null");
	if (r >= 0)
		r = cs_buf_puts(out, ",\"verification\":{\"signature\":");
	if (r >= 0)
		r = go_string(out, sig->name ? sig->name : "", sig->name ? strlen(sig->name) : 0);
	if (r >= 0)
		r = cs_buf_puts(out, ",\"key\":");
	if (r >= 0) {
		const char *kn =
			v->key_index < keys->n ? cs_pubkey_name(keys->v[v->key_index]) : "";
		r = go_string(out, kn, strlen(kn));
	}
	if (r >= 0)
		r = cs_buf_printf(out, ",\"tlog\":%s", v->tlog ? "true" : "false");
	if (r >= 0 && v->tlog)
		r = cs_buf_printf(
			out, ",\"integratedTime\":%lld,\"logIndex\":%lld,\"logID\":\"%s\"",
			(long long)v->integrated_time, (long long)v->log_index, v->log_id);
	if (r >= 0)
		r = cs_buf_puts(out, "}}");
	return r;
}
