/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mirror manifest of `customs db update` on arbitrary bytes: every
 * manifest the parser accepts must hold only clean, sorted, distinct paths
 * within the limits, and must survive writing and parsing again unchanged.
 * The same bytes are also offered as a signature (against a fixed P-256
 * key: no input can verify) and as a date.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "vulndb/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pubkey[] = "-----BEGIN PUBLIC KEY-----\n"
			     "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEb9Q5DSBZE4YTnruXScpqyIcBga6E\n"
			     "ndOnPMI+ghk9HXkXghYqtMp/1lE6HQjzrGa1R4h1o/pRxn57P1aizy2Itw==\n"
			     "-----END PUBLIC KEY-----\n";

static void check(const struct cs_db_manifest *m)
{
	uint64_t total = 0;

	if (m->n_files == 0 || m->n_files > CS_DB_MANIFEST_MAX_FILES || !m->created ||
	    (m->kind == CS_DB_MANIFEST_DATABASE && (m->n_files != 1 || m->schema_version < 1)))
		__builtin_trap();
	for (size_t i = 0; i < m->n_files; i++) {
		const struct cs_db_manifest_file *f = &m->files[i];

		if (!cs_db_manifest_path_ok(f->path, strlen(f->path)) ||
		    f->size > CS_DB_MANIFEST_MAX_FILE_SIZE || strlen(f->sha256) != 64)
			__builtin_trap();
		if (i > 0) {
			const char *a = m->files[i - 1].path;
			size_t la = strlen(a);

			if (!strcmp(a, f->path) || (!strncmp(a, f->path, la) && f->path[la] == '/'))
				__builtin_trap();
		}
		total += f->size;
	}
	if (total != m->total_size || total > CS_DB_MANIFEST_MAX_TOTAL_SIZE)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char signed_data[] = "{\"schema\":\"customs.db-manifest/v1\"}";
	struct cs_error err = CS_ERROR_INIT;
	struct cs_db_manifest *m = NULL, *again = NULL;
	struct cs_buf out = CS_BUF_INIT(CS_DB_MANIFEST_MAX_SIZE * 2u);
	char date[80];
	int64_t t;

	if (cs_db_manifest_verify(signed_data, sizeof(signed_data) - 1, data, size, pubkey,
				  sizeof(pubkey) - 1, &err) == 0)
		__builtin_trap();
	memcpy(date, data, size < sizeof(date) - 1 ? size : sizeof(date) - 1);
	date[size < sizeof(date) - 1 ? size : sizeof(date) - 1] = '\0';
	(void)cs_db_manifest_parse_time(date, &t);

	if (cs_db_manifest_parse(data, size, &m, &err) < 0)
		return 0;
	check(m);
	if (cs_db_manifest_write(m, &out, &err) < 0 ||
	    cs_db_manifest_parse(out.data, out.len, &again, &err) < 0)
		__builtin_trap();
	check(again);
	if (again->kind != m->kind || again->n_files != m->n_files ||
	    again->total_size != m->total_size || again->schema_version != m->schema_version ||
	    strcmp(again->created, m->created) != 0)
		__builtin_trap();
	for (size_t i = 0; i < m->n_files; i++)
		if (strcmp(again->files[i].path, m->files[i].path) != 0 ||
		    again->files[i].size != m->files[i].size ||
		    strcmp(again->files[i].sha256, m->files[i].sha256) != 0)
			__builtin_trap();
	cs_db_manifest_free(again);
	cs_db_manifest_free(m);
	cs_buf_done(&out);
	return 0;
}
