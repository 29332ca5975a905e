/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime-detect: installed as "ssh", a non-blocking TCP connect to a public
 * (TEST-NET-1) address on port 4444 (rule "Disallowed SSH Connection Non
 * Standard Port"); the connection is never completed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in sin;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int r;

	if (s < 0)
		return 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(4444);
	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	r = connect(s, (struct sockaddr *)&sin, sizeof(sin));
	printf("connect: %d (%s)\n", r, r < 0 ? strerror(errno) : "ok");
	close(s);
	return 0;
}
