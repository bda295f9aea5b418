/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The other half of layering.py's fixture (see ping.c). */
#include <sys/socket.h>

int lf_ping(int n);
int lf_pong(int n);

int lf_pong(int n)
{
	return n ? lf_ping(n - 1) : socket(AF_UNIX, SOCK_STREAM, 0);
}
