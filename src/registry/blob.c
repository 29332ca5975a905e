/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Blobs as pull streams (the "fcurl" pattern): a curl multi transfer that
 * is driven only while the reader waits for bytes. The write callback copies
 * into the reader's buffer, keeps at most one callback's worth of surplus,
 * and pauses the transfer when nobody is reading, so memory stays constant
 * whatever the blob's size. Failed transfers resume with a Range request
 * from the bytes already received, when the server accepts ranges.
 */
#include <string.h>
#include "basic/alloc.h"
#include "basic/log.h"
#include "registry/internal.h"

#define STASH_MAX	(1u << 20) /* curl hands over at most CURL_MAX_WRITE_SIZE */
#define ERROR_BODY_MAX	(64u << 10)
#define POLL_TIMEOUT_MS 1000

struct blob {
	struct cs_registry *reg;
	char *what; /* "blob 'sha256:...'" */
	char *digest;
	char *url;
	uint64_t limit;	 /* bytes the blob may have */
	bool size_known; /* limit is the descriptor's size */
	CURLM *multi;
	CURL *easy;
	bool attached;
	struct curl_slist *hdrs;
	struct reg_resp resp;
	char errbuf[CURL_ERROR_SIZE];
	/* the current attempt */
	uint64_t range_from; /* Range start we asked for */
	bool resp_checked;   /* the status of this response was looked at */
	uint64_t skip;	     /* bytes the server resent that we already have */
	size_t discarded;    /* bytes of an error body */
	bool done;	     /* the transfer of this attempt ended */
	CURLcode result;
	bool paused;
	/* across attempts */
	uint64_t received; /* bytes accepted from the server (delivered + stash) */
	bool ranges_ok;
	unsigned attempt;
	bool auth_tried;
	bool eof;
	int failed; /* sticky error code */
	struct cs_error ferr;
	/* the reader's buffer while a read is in progress */
	char *dst;
	size_t dst_cap, dst_len;
	struct cs_buf stash;
	size_t stash_off;
};

static void blob_fail(struct blob *b, int code, const char *what_happened)
{
	if (!b->failed) {
		cs_error_set(&b->ferr, code, "%s %s", b->what, what_happened);
		b->failed = code;
	}
}

static size_t blob_write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct blob *b = ud;
	size_t total = size * nmemb, n = total, k, skipn;
	uint64_t end;

	if (b->resp.status != 200 && b->resp.status != 206) {
		b->discarded += n;
		return b->discarded > ERROR_BODY_MAX ? 0 : n;
	}
	if (!b->resp_checked) {
		b->resp_checked = true;
		if (b->range_from == 0 || b->resp.status == 200) {
			/* a full body: drop what we already have */
			b->skip = b->range_from;
			if (b->range_from == 0)
				b->ranges_ok = b->resp.accept_ranges;
		} else if (b->resp.content_range_start != (int64_t)b->range_from) {
			blob_fail(b, -CS_E_NETWORK, "was resumed at the wrong offset");
			return 0;
		}
	}
	skipn = (size_t)CS_MIN((uint64_t)n, b->skip);
	if (skipn == n) {
		b->skip -= skipn;
		return total;
	}
	if (!b->dst || b->dst_len == b->dst_cap) {
		/* nobody is reading: curl keeps the data and offers it again */
		b->paused = true;
		return CURL_WRITEFUNC_PAUSE;
	}
	b->skip -= skipn;
	p += skipn;
	n -= skipn;
	if (cs_add_overflow(b->received, (uint64_t)n, &end) || end > b->limit) {
		if (b->size_known)
			blob_fail(b, -CS_E_INPUT, "is larger than its declared size");
		else
			blob_fail(b, -CS_E_LIMIT, "is larger than the blob size limit");
		return 0;
	}
	k = CS_MIN(n, b->dst_cap - b->dst_len);
	memcpy(b->dst + b->dst_len, p, k);
	b->dst_len += k;
	if (k < n && cs_buf_append(&b->stash, p + k, n - k) < 0) {
		blob_fail(b, -CS_E_INTERNAL, "overflowed the transfer buffer");
		return 0;
	}
	b->received = end;
	return total;
}

static void blob_detach(struct blob *b)
{
	if (b->attached) {
		curl_multi_remove_handle(b->multi, b->easy);
		b->attached = false;
	}
	curl_slist_free_all(b->hdrs);
	b->hdrs = NULL;
}

/* Start (or restart) the transfer from b->received. */
static int blob_start(struct blob *b, struct cs_error *err)
{
	char range[64];
	int r;

	blob_detach(b);
	free(b->url);
	b->url = cs_registry_url(b->reg->base, b->reg->repo, "blobs", b->digest);
	if (!b->url)
		return -ENOMEM;
	curl_easy_reset(b->easy);
	b->range_from = b->received;
	snprintf(range, sizeof(range), "Range: bytes=%llu-", (unsigned long long)b->range_from);
	r = reg_easy_setup(b->reg, b->easy, b->url, NULL, b->range_from ? range : NULL, &b->resp,
			   b->errbuf, &b->hdrs);
	if (r < 0)
		return cs_error_set(err, r, "cannot build a request for %s", b->what);
	curl_easy_setopt(b->easy, CURLOPT_WRITEFUNCTION, blob_write_cb);
	curl_easy_setopt(b->easy, CURLOPT_WRITEDATA, b);
	b->resp_checked = false;
	b->skip = 0;
	b->discarded = 0;
	b->done = false;
	b->paused = false;
	b->result = CURLE_OK;
	if (curl_multi_add_handle(b->multi, b->easy) != CURLM_OK)
		return cs_error_set(err, -CS_E_INTERNAL, "cannot start the transfer of %s",
				    b->what);
	b->attached = true;
	cs_log_debug("GET %s%s", b->url, b->range_from ? " (resuming)" : "");
	return 0;
}

/* Run curl once, waiting up to a second for the socket. */
static int blob_step(struct blob *b, bool wait, struct cs_error *err)
{
	int running = 0, q;
	CURLMcode mc;
	CURLMsg *m;

	if (b->paused && b->dst) {
		b->paused = false;
		curl_easy_pause(b->easy, CURLPAUSE_CONT);
	}
	mc = curl_multi_perform(b->multi, &running);
	if (mc != CURLM_OK)
		return cs_error_set(err, -CS_E_NETWORK, "%s: %s", b->what, curl_multi_strerror(mc));
	while ((m = curl_multi_info_read(b->multi, &q))) {
		if (m->msg == CURLMSG_DONE && m->easy_handle == b->easy) {
			b->done = true;
			b->result = m->data.result;
		}
	}
	if (wait && !b->done && !b->paused && running) {
		mc = curl_multi_poll(b->multi, NULL, 0, POLL_TIMEOUT_MS, NULL);
		if (mc != CURLM_OK)
			return cs_error_set(err, -CS_E_NETWORK, "%s: %s", b->what,
					    curl_multi_strerror(mc));
	}
	return 0;
}

/*
 * The attempt has an outcome (headers of an error status, or the transfer
 * ended): decide. 0: the transfer is good (or ended well); 1: start it
 * again; <0: failed.
 */
static int blob_judge(struct blob *b, struct cs_error *err)
{
	CURLcode cc = b->done ? b->result : CURLE_OK;
	int r;

	if (b->failed)
		return cs_error_set(err, b->failed, "%s", b->ferr.msg);
	if (cc == CURLE_OK && (b->resp.status == 200 || b->resp.status == 206))
		return 0;
	blob_detach(b);
	r = reg_check(b->reg, cc, b->errbuf, &b->resp, &b->attempt, &b->auth_tried, b->what, err);
	if (r == 0)
		return cs_error_set(err, -CS_E_NETWORK, "%s: unexpected HTTP status %ld", b->what,
				    b->resp.status);
	if (r < 0)
		return r;
	if (b->received > 0 && !b->ranges_ok)
		return cs_error_set(err, -CS_E_NETWORK,
				    "%s: transfer failed after %llu bytes and the server cannot "
				    "resume it",
				    b->what, (unsigned long long)b->received);
	return 1;
}

static ssize_t blob_read_inner(struct blob *b, void *buf, size_t n, struct cs_error *err)
{
	int r;

	if (b->failed)
		return cs_error_set(err, b->failed, "%s", b->ferr.msg);
	if (n == 0)
		return 0;
	if (b->stash_off < b->stash.len) {
		size_t k = CS_MIN(n, b->stash.len - b->stash_off);

		memcpy(buf, b->stash.data + b->stash_off, k);
		b->stash_off += k;
		if (b->stash_off == b->stash.len) {
			cs_buf_reset(&b->stash);
			b->stash_off = 0;
		}
		return (ssize_t)k;
	}
	if (b->eof)
		return 0;
	b->dst = buf;
	b->dst_cap = n;
	b->dst_len = 0;
	for (;;) {
		r = blob_step(b, true, err);
		if (r < 0)
			break;
		if (b->failed) {
			r = cs_error_set(err, b->failed, "%s", b->ferr.msg);
			break;
		}
		if (b->dst_len > 0) {
			r = 0;
			break;
		}
		if (!b->done)
			continue;
		r = blob_judge(b, err);
		if (r < 0)
			break;
		if (r == 1) {
			r = blob_start(b, err);
			if (r < 0)
				break;
			continue;
		}
		b->eof = true;
		blob_detach(b);
		if (b->size_known && b->received != b->limit)
			r = cs_error_set(err, -CS_E_INPUT, "%s is truncated: %llu of %llu bytes",
					 b->what, (unsigned long long)b->received,
					 (unsigned long long)b->limit);
		break;
	}
	b->dst = NULL;
	if (r < 0)
		return r;
	return (ssize_t)b->dst_len;
}

static ssize_t blob_read(void *ctx, void *buf, size_t n, struct cs_error *err)
{
	struct blob *b = ctx;
	ssize_t r = blob_read_inner(b, buf, n, err);

	if (r < 0 && err)
		reg_error_prefix(b->reg, err);
	return r;
}

static void blob_close(void *ctx)
{
	struct blob *b = ctx;

	if (!b)
		return;
	blob_detach(b);
	if (b->easy)
		curl_easy_cleanup(b->easy);
	if (b->multi)
		curl_multi_cleanup(b->multi);
	cs_buf_done(&b->stash);
	free(b->what);
	free(b->digest);
	free(b->url);
	free(b);
}

static const struct cs_stream_ops blob_ops = {
	.name = "registry-blob",
	.read = blob_read,
	.close = blob_close,
};

static int open_blob(struct cs_registry *reg, const char *digest, int64_t size, uint64_t max_size,
		     struct cs_stream **ret, struct cs_error *err)
{
	struct blob *b;
	enum cs_hash_alg alg;
	int r;

	r = cs_digest_parse(digest, &alg, err);
	if (r < 0)
		return r;
	if (size >= 0 && (uint64_t)size > max_size)
		return cs_error_set(err, -CS_E_LIMIT, "blob '%s' is larger than %llu bytes", digest,
				    (unsigned long long)max_size);
	b = cs_zalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->reg = reg;
	b->limit = size >= 0 ? (uint64_t)size : max_size;
	b->size_known = size >= 0;
	cs_buf_init(&b->stash, STASH_MAX);
	b->what = cs_asprintf("blob '%s'", digest);
	b->digest = cs_strdup(digest);
	b->multi = curl_multi_init();
	b->easy = curl_easy_init();
	if (!b->what || !b->digest || !b->multi || !b->easy) {
		blob_close(b);
		return -ENOMEM;
	}
	r = blob_start(b, err);
	if (r < 0)
		goto fail;
	for (;;) {
		/* drive the transfer until the final headers (or the end) */
		while (!b->resp.final && !b->done) {
			r = blob_step(b, true, err);
			if (r < 0)
				goto fail;
		}
		if (!b->done && (b->resp.status == 200 || b->resp.status == 206))
			break;
		b->done = true;
		if (b->result == CURLE_OK && b->resp.status == 0)
			b->result = CURLE_GOT_NOTHING;
		r = blob_judge(b, err);
		if (r < 0)
			goto fail;
		if (r == 0)
			break; /* an empty body arrived with the headers */
		r = blob_start(b, err);
		if (r < 0)
			goto fail;
	}
	return cs_stream_new(&blob_ops, b, ret);
fail:
	blob_close(b);
	return r;
}

int cs_registry_open_blob(struct cs_registry *reg, const char *digest, int64_t size,
			  uint64_t max_size, struct cs_stream **ret, struct cs_error *err)
{
	int r = open_blob(reg, digest, size, max_size, ret, err);

	if (r < 0 && err)
		reg_error_prefix(reg, err);
	return r;
}
