/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime-detect: copy this program into a memfd and execute it from there
 * (rule "Fileless execution via memfd_create"); the copy sees argv[1] and exits.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[65536];
	ssize_t n;
	int in, fd;

	if (argc > 1 && !strcmp(argv[1], "from-memfd")) {
		printf("running from a memfd\n");
		return 0;
	}
	fd = memfd_create("payload", 0);
	in = open("/proc/self/exe", O_RDONLY);
	if (fd < 0 || in < 0)
		return 1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	close(in);
	{
		char *args[] = { "payload", "from-memfd", NULL };
		char *env[] = { NULL };

		fexecve(fd, args, env);
	}
	perror("fexecve");
	return 1;
}
