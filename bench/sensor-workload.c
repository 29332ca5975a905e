/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A syscall-heavy workload for the sensor benchmark (bench/sensor.sh):
 * OPENS open/close pairs of a file, then EXECS fork + exec of /bin/true,
 * each waited for. Prints nothing; the script times it.
 *
 *   sensor-workload [OPENS [EXECS]]   (default 20000 2000)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long opens = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	long execs = argc > 2 ? strtol(argv[2], NULL, 10) : 2000;

	for (long i = 0; i < opens; i++) {
		int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			perror("open /etc/hostname");
			return 1;
		}
		close(fd);
	}
	for (long i = 0; i < execs; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "/bin/true failed\n");
			return 1;
		}
	}
	return 0;
}
