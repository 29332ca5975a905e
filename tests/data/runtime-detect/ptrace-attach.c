/* SPDX-License-Identifier: Apache-2.0 */
/* runtime-detect: PTRACE_ATTACH to a child of ours, then detach (rule "PTRACE attached to process")
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t child;
	long r;

	if (argc > 1 && !strcmp(argv[1], "traceme")) {
		/* anti-debugging: a process that makes itself traced ("PTRACE anti-debug attempt")
		 */
		r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		printf("ptrace traceme: %ld\n", r);
		return 0;
	}
	child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	r = ptrace(PTRACE_ATTACH, child, NULL, NULL);
	if (r == 0) {
		waitpid(child, NULL, 0);
		ptrace(PTRACE_DETACH, child, NULL, NULL);
	}
	printf("ptrace attach: %ld\n", r);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
