/* SPDX-License-Identifier: Apache-2.0 */
/* runtime-detect: open an AF_PACKET socket (rule "Packet socket created in container") */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	printf("packet socket: %d\n", s);
	if (s >= 0)
		close(s);
	return 0;
}
