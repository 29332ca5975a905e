/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime-detect: copy this program into a memfd and execute it from there
 * (rule "Fileless execution via memfd_create"); the copy sees argv[1] and exits.
 *
 * The fexecve happens in a child of this process: run by `podman exec`, this
 * process is a child of `runc exec` until runc exits and conmon adopts it,
 * and the rule leaves out proc.pname=runc (runc's own memfd copy of
 * itself). Executing at once from here would race runc's exit; the child's
 * parent is always this program.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[65536];
	ssize_t n;
	int in, fd, status;
	pid_t child;

	if (argc > 1 && !strcmp(argv[1], "from-memfd")) {
		printf("running from a memfd\n");
		return 0;
	}
	fflush(stdout);
	child = fork();
	if (child < 0)
		return 1;
	if (child > 0)
		return waitpid(child, &status, 0) == child && WIFEXITED(status)
			       ? WEXITSTATUS(status)
			       : 1;
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
