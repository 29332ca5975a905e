/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AdmissionReview requests as the webhook receives them: no crash, errors
 * are one line, a parsed request has a uid, a kind, an operation and
 * bounded non-empty images, and its response is valid JSON that echoes the
 * uid.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "policy/admission.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_error err = CS_ERROR_INIT;
	struct cs_admission_request *r = NULL;
	struct cs_buf out = CS_BUF_INIT(1u << 20);
	char *warn[] = { "w", NULL };
	json_t *j, *uid;
	int k;

	k = cs_admission_parse((const char *)data, size, &r, &err);
	if (k < 0) {
		if (r || (k != -ENOMEM && (!err.msg[0] || strchr(err.msg, '\n'))))
			abort();
		return 0;
	}
	if (!r->uid || !*r->uid || !r->kind || !r->operation ||
	    r->n_images > CS_ADMISSION_MAX_CONTAINERS)
		abort();
	for (size_t i = 0; i < r->n_images; i++)
		if (!r->images[i].image[0] || !r->images[i].container)
			abort();
	if (cs_admission_response(&out, r->uid, r->n_images % 2, "why", warn) == 0) {
		j = json_loadb(out.data, out.len, 0, NULL);
		uid = j ? json_object_get(json_object_get(j, "response"), "uid") : NULL;
		if (!j || !json_is_string(uid) || strcmp(json_string_value(uid), r->uid))
			abort();
		json_decref(j);
	}
	cs_buf_done(&out);
	cs_admission_request_free(r);
	return 0;
}
