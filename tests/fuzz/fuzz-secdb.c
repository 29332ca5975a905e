/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simple feed importers (Alpine secdb, CISA KEV, EPSS, NVD) on one
 * input each: the bytes go into a memfd that every importer reads through
 * /proc/self/fd, and the records land in one database that is never
 * committed. detect() is asked too, on the first 512 bytes, as the build
 * driver does. Errors are fine; crashes, leaks and sanitizer reports are
 * not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vulndb/importer.h"

extern const struct cs_importer cs_importer_secdb, cs_importer_kev, cs_importer_epss,
	cs_importer_nvd;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cs_vulndb_writer *writer;

static void drop_writer(void)
{
	cs_vulndb_writer_free(writer); /* abandons: removes its temporary file */
	writer = NULL;
}

static void ignore_bad(void *ud, const char *file, const char *position, const char *reason)
{
	(void)ud;
	/* must stay one line, whatever the feed says */
	if (strchr(file, '\n') || strchr(position, '\n') || strchr(reason, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cs_importer *const imps[] = {
		&cs_importer_secdb,
		&cs_importer_kev,
		&cs_importer_epss,
		&cs_importer_nvd,
	};
	char path[64], file[80];
	int fd;

	if (size > (1u << 20))
		return 0;
	if (!writer) {
		snprintf(path, sizeof(path), "/tmp/cs-fuzz-secdb-%d.db", (int)getpid());
		if (cs_vulndb_writer_new(path, &writer, NULL) < 0)
			abort();
		atexit(drop_writer);
	}
	fd = memfd_create("feed", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(file, sizeof(file), "/dev/fd/%d", fd);
	for (size_t i = 0; i < CS_ARRAY_SIZE(imps); i++) {
		struct cs_import_report rep = { .bad = ignore_bad };
		struct cs_error err = CS_ERROR_INIT;

		(void)imps[i]->detect(file, false, data, size < 512 ? size : 512);
		if (imps[i]->import(writer, file, &rep, &err) < 0 &&
		    (!err.msg[0] || strchr(err.msg, '\n')))
			abort();
	}
	close(fd);
	return 0;
}
